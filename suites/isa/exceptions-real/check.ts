/**
 * Runs one real-mode exception case on a subject and compares the outcome with the case's
 * expectation. The comparison is the delivery rule of SDM Vol. 3A, 20.1.4 and the INT n
 * pseudo-code (REAL-ADDRESS-MODE), applied the same way to every vector:
 * - the run halts in the stub of the expected vector (the IVT entry's CS:IP was loaded);
 * - SP went down by exactly the 6-byte frame, whose words are IP, CS, FLAGS from the lowest up;
 * - the handler starts with the pushed FLAGS minus IF and TF, and with AC clear (486 and later);
 * - general registers and data-segment selectors hold what the expectation says (unchanged for
 *   a fault: SDM Vol. 3A, 6.5, faults are restartable).
 * FLAGS bits the SDM leaves undefined for the faulting form are masked on both sides, as the
 * corpus comparator does (harness/sst/run-sst.ts); nothing else is masked.
 */

import { decodeBytes, cpuModel, CpuFault, disassemble, FORMS, type CpuModelName, type InstrId } from '../../../reference-emulator/index.ts';
import type { Subject } from '../../../harness/adapter.ts';
import { describeEnd, GENERAL_REGISTERS, runRealMode, type RealModeOutcome, type RealModeSetup } from '../../support/subject-real-mode.ts';
import { BASE_FLAGS, FLAG_AC, FLAG_IF, FLAG_TF, type Completed, type Delivered, type ExceptionCase, type Expectation, type MemoryExpectation, type Regs } from './case.ts';
import { atLeast, MODEL_FACTS } from './model-facts.ts';

const hex = (v: number, digits = 4): string => `0x${(v >>> 0).toString(16).padStart(digits, '0')}`;
export const bytesText = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');

/** True when the case applies to `model`. */
export function appliesTo(c: ExceptionCase, model: CpuModelName): boolean {
  return atLeast(model, c.from ?? 'i286') && atLeast(c.to ?? 'modern', model);
}

export function expectationFor(c: ExceptionCase, model: CpuModelName): Expectation {
  return typeof c.expect === 'function' ? c.expect(MODEL_FACTS[model]) : c.expect;
}

/**
 * The full setup a case runs with on `model`: AC joins the FLAGS wherever the model has it, so
 * every delivery also shows whether AC was cleared (it is not in the 16-bit pushed image).
 */
export function setupFor(c: ExceptionCase, model: CpuModelName): RealModeSetup {
  const ac = MODEL_FACTS[model].ac ? FLAG_AC : 0;
  return { ...c.setup, cpu: model, eflags: (c.setup.eflags ?? BASE_FLAGS) | ac };
}

/**
 * The forms the case's code decodes to on `model` (for ISA coverage) and its disassembly (for
 * messages): straight-line decoding from the first byte, stopping at the first byte sequence that
 * does not decode (an over-long one, shown as such).
 */
export function listing(code: readonly number[], model: CpuModelName): { forms: InstrId[]; text: string } {
  const forms: InstrId[] = [];
  const parts: string[] = [];
  const ctx = { model: cpuModel(model), code32: false };
  for (let at = 0; at < code.length;) {
    try {
      const insn = decodeBytes(code.slice(at), ctx);
      forms.push(FORMS[insn.form]!.id);
      parts.push(disassemble(insn, ctx));
      at += insn.length;
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      parts.push(`(${code.length - at} bytes past the length limit)`);
      break;
    }
  }
  return { forms, text: parts.join('; ') };
}

function compareRegs(out: RealModeOutcome, expected: Regs | undefined, problems: string[]): void {
  for (const name of GENERAL_REGISTERS) {
    if (name === 'esp') continue;
    const want = (expected?.[name] ?? out.initial.regs[name]) >>> 0;
    const got = out.final.regs[name] >>> 0;
    if (want !== got) problems.push(`${name} = ${hex(got, 8)}, expected ${hex(want, 8)}`);
  }
  for (const seg of ['es', 'ss', 'ds', 'fs', 'gs'] as const) {
    if (out.final.segs[seg].sel !== out.initial.segs[seg].sel) problems.push(`${seg} = ${hex(out.final.segs[seg].sel)}, expected ${hex(out.initial.segs[seg].sel)}`);
  }
}

async function compareMemory(subject: Subject, expected: MemoryExpectation | undefined, problems: string[]): Promise<void> {
  for (const [address, bytes] of expected ?? []) {
    const got = await subject.readMemory(address, bytes.length);
    const want = Uint8Array.from(bytes);
    if (got.some((b, k) => b !== want[k])) problems.push(`memory at ${hex(address, 5)} = ${bytesText([...got])}, expected ${bytesText([...want])}`);
  }
}

function checkSp(out: RealModeOutcome, want: number, problems: string[]): void {
  const got = out.final.regs.esp & 0xffff;
  if (got !== (want & 0xffff)) problems.push(`SP = ${hex(got)}, expected ${hex(want & 0xffff)}`);
}

/** The handler's FLAGS: the pushed image minus IF and TF, AC clear, the other upper bits kept. */
function checkHandlerFlags(out: RealModeOutcome, pushed: number, mask: number, problems: string[]): void {
  const got = out.final.eflags >>> 0;
  const want = pushed & ~(FLAG_IF | FLAG_TF) & 0xffff;
  if (((got ^ want) & 0xffff & ~mask) !== 0) problems.push(`handler FLAGS = ${hex(got & 0xffff)}, expected ${hex(want)} (pushed FLAGS without IF and TF)`);
  if ((got & FLAG_AC) !== 0) problems.push('AC still set in the handler (real-mode delivery clears it)');
  const upper = ~0xffff & ~FLAG_AC;
  if (((got ^ out.initial.eflags) & upper) !== 0) problems.push(`EFLAGS bits 16-31 = ${hex(got >>> 16)}, expected ${hex((out.initial.eflags & upper) >>> 16)}`);
}

async function checkDelivered(subject: Subject, out: RealModeOutcome, e: Delivered, problems: string[]): Promise<void> {
  if (out.stubVector !== e.vector) {
    problems.push(`expected vector ${e.vector} (0x${e.vector.toString(16)}), but the run ${describeEnd(out)}`);
    return;
  }
  const sp0 = out.initial.regs.esp & 0xffff;
  checkSp(out, e.sp ?? sp0 - 6, problems);
  const frame = out.frame;
  if (!frame) {
    problems.push('no room for a frame at the final SS:SP');
    return;
  }
  const mask = e.flagsMask ?? 0;
  const cs = e.cs ?? out.initial.segs.cs.sel;
  const flags = (e.flags ?? out.initial.eflags) & 0xffff;
  if (frame.ip !== (e.ip & 0xffff)) problems.push(`pushed IP = ${hex(frame.ip)}, expected ${hex(e.ip)}`);
  if (frame.cs !== cs) problems.push(`pushed CS = ${hex(frame.cs)}, expected ${hex(cs)}`);
  if (((frame.flags ^ flags) & ~mask & 0xffff) !== 0) problems.push(`pushed FLAGS = ${hex(frame.flags)}, expected ${hex(flags)}${mask ? ` (mask ${hex(~mask & 0xffff)})` : ''}`);
  checkHandlerFlags(out, flags, mask, problems);
  compareRegs(out, e.regs, problems);
  // A fault leaves the control registers as they were (SDM Vol. 3A, 6.5), a refused MOV CRn included.
  if ((out.final.cr0 >>> 0) !== ((e.cr0 ?? out.initial.cr0) >>> 0)) problems.push(`CR0 = ${hex(out.final.cr0, 8)}, expected ${hex(e.cr0 ?? out.initial.cr0, 8)}`);
  if ((out.final.cr4 >>> 0) !== (out.initial.cr4 >>> 0)) problems.push(`CR4 = ${hex(out.final.cr4, 8)}, expected ${hex(out.initial.cr4, 8)}`);
  await compareMemory(subject, e.memory, problems);
}

async function checkCompleted(subject: Subject, out: RealModeOutcome, e: Completed, problems: string[]): Promise<void> {
  if (!out.haltedAtCodeEnd) {
    problems.push(`expected the code to run to its end without an interrupt, but the run ${describeEnd(out)}`);
    return;
  }
  checkSp(out, e.sp ?? out.initial.regs.esp, problems);
  compareRegs(out, e.regs, problems);
  await compareMemory(subject, e.memory, problems);
}

export interface CaseResult {
  title: string;
  model: CpuModelName;
  bytes: string;
  /** The code as the model decodes it. */
  disassembly: string;
  problems: string[];
  knownFail?: string;
}

/** Runs `c` on a fresh reset of `subject` as `model`; `problems` is empty when the subject agrees. */
export async function runCase(subject: Subject, c: ExceptionCase, model: CpuModelName): Promise<CaseResult> {
  const setup = setupFor(c, model);
  const expectation = expectationFor(c, model);
  const out = await runRealMode(subject, setup);
  const problems: string[] = [];
  switch (expectation.kind) {
    case 'deliver':
      await checkDelivered(subject, out, expectation, problems);
      break;
    case 'double-fault':
      if (out.stubVector !== 8) problems.push(`expected a double fault (vector 8), but the run ${describeEnd(out)}`);
      else {
        checkSp(out, (out.initial.regs.esp & 0xffff) - 6, problems);
        if ((out.final.eflags & (FLAG_IF | FLAG_TF | FLAG_AC)) !== 0) problems.push(`handler FLAGS = ${hex(out.final.eflags, 8)}: IF, TF and AC must be clear`);
      }
      break;
    case 'complete':
      await checkCompleted(subject, out, expectation, problems);
      break;
    case 'shutdown':
      if (out.stop.kind !== 'shutdown') problems.push(`expected a shutdown (triple fault), but the run ${describeEnd(out)}`);
      break;
  }
  return { title: c.title, model, bytes: bytesText(c.setup.code), disassembly: listing(c.setup.code, model).text, problems, ...(c.knownFail ? { knownFail: c.knownFail } : {}) };
}
