/**
 * Which forms of the instruction table a differential program may contain, per mode and CPU
 * model, and why each other form is left out. Everything is read from the table records (modes,
 * since, cpl, privileged, flow, flags, operands, rep); the few rules that name mnemonics say why.
 *
 * The aim: every general-purpose form whose outcome is a function of the starting state and the
 * compared memory, and that leaves the program only by running off its end into the HLT or by an
 * exception. Left out, each for the reason given by `exclusionReason`:
 * - forms absent from the mode or later than the model (they are #UD, which the decoder suites own);
 * - system and privileged forms (the system group, `privileged`, CPL-0 only): a later suite;
 * - HLT, which only terminates; control transfers that leave the program (RET, IRET, far
 *   transfers, INT n, INT3, INTO, INT1, UD0/1/2), while near jumps and calls stay in it: relative
 *   ones go forward to an instruction of the program, register-indirect ones get their target set
 *   up (memory-indirect ones read their target from random data, so they are left out);
 * - segment-register loads (MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS): they move every later
 *   access away from the compared window, and in protected mode they read descriptors;
 * - port I/O (IN, OUT, INS, OUTS): a port's effect is not part of the compared state;
 * - CPUID and RDTSC, whose results the model's identity or a clock decides;
 * - forms whose result the SDM leaves undefined for every operand (BSWAP r16) or lets a processor
 *   choose between two behaviours (PUSH Sreg with a 32-bit operand size writes 2 or 4 bytes).
 */

import {
  cpuModel,
  FORMS,
  formOperands,
  INVALID_FORM_INDEX,
  modelHas,
  systemForms,
  type CpuMode,
  type CpuModelName,
  type FormRecord,
} from '../../../reference-emulator/index.ts';
import type { DifferentialMode } from './layout.ts';

const SYSTEM_IDS: ReadonlySet<string> = new Set(systemForms.map((f) => f.id));

/** Port I/O mnemonics (SDM Vol. 1, 18.4): their effect is on a device, not on the compared state. */
const PORT_IO = new Set(['in', 'out', 'insb', 'insw', 'insd', 'outsb', 'outsw', 'outsd']);
/** Results decided by the CPU model's identity (CPUID) or by a clock (RDTSC). */
const MODEL_OR_CLOCK = new Set(['cpuid', 'rdtsc']);
/**
 * Undefined by the SDM for every operand: BSWAP with a 16-bit operand ("the result is undefined");
 * PUSH of a segment register with a 32-bit operand size (a processor may write 2 or 4 bytes).
 */
const UNDEFINED_RESULT: ReadonlyMap<string, string> = new Map([
  ['Bswap_r16', 'BSWAP r16: the SDM leaves the result undefined'],
  ...['ES', 'CS', 'SS', 'DS', 'FS', 'GS'].map((s): [string, string] => [`Pushd_${s}`, 'PUSH Sreg with a 32-bit operand size: the SDM lets a processor write 2 or 4 bytes']),
]);

export const cpuModeOf = (mode: DifferentialMode): CpuMode => (mode === 'real' ? 'real' : 'prot32');

/** A jump or call that stays near (same CS) and whose target this suite can place in the program. */
export function isNearTransfer(form: FormRecord): boolean {
  return form.flow === 'jump' || form.flow === 'branch' || form.flow === 'call';
}

/** Why a form is not generated in this mode and model, or undefined when it is. */
export function exclusionReason(form: FormRecord, mode: DifferentialMode, model: CpuModelName, documentedOnly = false): string | undefined {
  const specs = formOperands(form);
  if (form.opcode < 0) return 'the INVALID pseudo-form';
  if (documentedOnly && form.aliasOf !== undefined) return `an alias of ${form.aliasOf} (documented-only programs)`;
  // 0F 18-1E: the reserved-NOP (hint) space, which emulators often leave #UD (documented-only programs).
  if (documentedOnly && form.map === '0f' && form.opcode >= 0x18 && form.opcode <= 0x1e) return 'the reserved-NOP hint space (documented-only programs)';
  if (!form.modes.includes(cpuModeOf(mode))) return `not valid in ${cpuModeOf(mode)}`;
  if (!modelHas(cpuModel(model), form.since)) return `later than the ${model} model (since ${form.since})`;
  if (form.flow === 'halt') return 'HLT only terminates the program';
  if (SYSTEM_IDS.has(form.id) || form.privileged === true || form.cpl === 0) return 'a system or privileged form (a later suite)';
  if (form.flow === 'interrupt' && form.mnemonic !== 'bound') return 'leaves the program through the IVT/IDT';
  if (form.flow === 'ret' || form.flow === 'iret' || form.flow === 'far' || form.flow === 'invalid') return 'a transfer that leaves the program';
  if (specs.some((s) => s.text === 'Mp') || (specs[0]?.kind === 'reg' && specs[0].bank === 'sreg') || (form.mnemonic === 'pop' && specs[0]?.kind === 'fixed' && specs[0].bank === 'sreg')) {
    return 'loads a segment register';
  }
  if (specs.some((s) => s.kind === 'reg' && s.bank !== 'gpr' && s.bank !== 'sreg')) return 'names a control, debug or test register';
  if (specs.some((s) => s.kind === 'farptr')) return 'a far pointer operand';
  if (PORT_IO.has(form.mnemonic)) return 'port I/O (a device effect, not compared state)';
  if (MODEL_OR_CLOCK.has(form.mnemonic)) return 'its result is the model\'s identity or a clock';
  return UNDEFINED_RESULT.get(form.id);
}

/** The forms a program is drawn from, in table order. */
export function eligibleForms(mode: DifferentialMode, model: CpuModelName, documentedOnly = false): FormRecord[] {
  return (FORMS as readonly FormRecord[]).filter((form, index) => index !== INVALID_FORM_INDEX && exclusionReason(form, mode, model, documentedOnly) === undefined);
}

/** Every left-out form with its reason, for the instance's diag and the unit test. */
export function excludedForms(mode: DifferentialMode, model: CpuModelName): Array<{ id: string; reason: string }> {
  return (FORMS as readonly FormRecord[]).flatMap((form, index) => {
    if (index === INVALID_FORM_INDEX) return [];
    const reason = exclusionReason(form, mode, model);
    return reason === undefined ? [] : [{ id: form.id, reason }];
  });
}
