/**
 * Which EFLAGS bits a trace may not hold a subject to: the flags an executed instruction leaves
 * undefined (SDM Vol. 2, each instruction's "Flags Affected"; the `flagsUndefined` of its table
 * record, reached through the decoder, the one source), for as long as no later instruction
 * writes them with a defined result. A flag DAA leaves undefined stays unspecified until, say,
 * a CMP defines it again, so it is masked at every step in between, not only at the DAA.
 *
 * A fault leaves the faulting instruction's destinations unchanged (SDM Vol. 3A, 6.5: faults
 * are restartable), so a step that delivered a fault adds nothing to the set. A step delivered a
 * fault when an instruction that only falls through ended somewhere other than its successor
 * (or its own start, which is how a REP iteration ends) or in another code segment.
 *
 * Known imprecision: a shift or rotate by a count of 0 writes no flags, yet its record says it
 * writes them, so the set forgets a flag it should keep; a golden never relies on that.
 */

import { cpuModel, decodeBytes, disassemble, flagMask, FORMS, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF, type CpuModelName, type FormRecord } from '../../reference-emulator/index.ts';
import { modeOf, type FlatState } from './state-fields.ts';

/** An instruction as the decoder sees it: its table record, where it ends, its text. */
export interface DecodedInstruction {
  form: FormRecord;
  length: number;
  /** EIP of the next instruction, wrapped to the code segment's size. */
  next: number;
  asm: string;
}

/** Decodes an instruction's bytes in the mode of `state` (the state before it ran). */
export function decodeInstruction(bytes: ArrayLike<number>, state: FlatState, cpu: CpuModelName): DecodedInstruction {
  const code32 = modeOf(state) === 'prot32';
  const insn = decodeBytes(bytes, { code32, model: cpuModel(cpu) }, state['eip'] ?? 0);
  return { form: FORMS[insn.form] as FormRecord, length: insn.length, next: insn.next >>> 0, asm: disassemble(insn, { code32 }) };
}

/** Did the step end in a fault delivered through the IVT/IDT rather than retire normally? */
export function deliveredFault(instruction: DecodedInstruction | undefined, before: FlatState, after: FlatState): boolean {
  if (instruction === undefined) return true; // the fetch itself faulted
  const { flow } = instruction.form;
  if (flow === 'invalid') return true; // #UD
  if (flow !== 'next' && flow !== 'serialize') return false; // a transfer of control may go anywhere
  if (after['cs.sel'] !== before['cs.sel']) return true;
  return after['eip'] !== instruction.next && after['eip'] !== before['eip'];
}

/** The set of flags that are undefined at a point in a trace. */
export class UndefinedFlags {
  /** EFLAGS bits whose value no instruction has defined since one left them undefined. */
  mask = 0;

  /** Moves past one step: defined writes clear bits, undefined results set them. */
  advance(instruction: DecodedInstruction | undefined, delivered: boolean): void {
    if (delivered || instruction === undefined) return;
    const undefinedBits = flagMask(instruction.form.flagsUndefined);
    const definedBits = flagMask(instruction.form.flagsWritten) & ~undefinedBits;
    this.mask = (this.mask & ~definedBits) | undefinedBits;
  }
}

const FLAG_LABELS: ReadonlyArray<readonly [number, string]> = [
  [FLAG_OF, 'OF'], [FLAG_DF, 'DF'], [FLAG_IF, 'IF'], [FLAG_TF, 'TF'], [FLAG_SF, 'SF'], [FLAG_ZF, 'ZF'], [FLAG_AF, 'AF'], [FLAG_PF, 'PF'], [FLAG_CF, 'CF'],
];

/** `OF AF` for a mask, `-` for none. */
export function flagList(mask: number): string {
  return FLAG_LABELS.filter(([bit]) => mask & bit).map(([, name]) => name).join(' ') || '-';
}

/**
 * Steps of a trace whose outcome depends on a flag an earlier step left undefined: they read it
 * (Jcc, ADC, SETcc, PUSHF, LAHF ...) or push FLAGS by an interrupt or a delivered fault. A golden
 * with such a step holds another subject to unspecified behaviour: the result may differ in a
 * register or a stack byte where no mask applies. One line per step.
 */
export function undefinedFlagUses(steps: ReadonlyArray<{ instruction: DecodedInstruction | undefined; before: FlatState; after: FlatState; asm: string }>): string[] {
  const flags = new UndefinedFlags();
  const uses: string[] = [];
  steps.forEach(({ instruction, before, after, asm }, index) => {
    const delivered = deliveredFault(instruction, before, after);
    const pushesFlags = delivered || instruction?.form.flow === 'interrupt';
    const read = (instruction ? flagMask(instruction.form.flagsRead) : 0) | (pushesFlags ? flags.mask : 0);
    const used = read & flags.mask;
    if (used) uses.push(`step ${index} (${asm}) ${pushesFlags ? 'pushes' : 'reads'} ${flagList(used)}, left undefined by an earlier step`);
    flags.advance(instruction, delivered);
  });
  return uses;
}
