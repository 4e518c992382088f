/**
 * Runs one differential program on a subject through the adapter contract only (reset,
 * writeMemory, setState, run, getState, readMemory), so the oracle and the subject under test can
 * be any adapters. A subject is reset once for a series of programs; each program then rewrites
 * all the memory a program can touch and the whole architectural state before it runs. Both
 * stop at the first exception (`stopOnException`), so a subject that cannot deliver through the
 * IVT or IDT (Unicorn) still compares: the stop then names the vector.
 *
 * The oracle is run one instruction at a time (run with maxInstructions 1): the state before each
 * step gives the run-time values the undefined-flag rules need (a shift's CL, a REP's count,
 * flags.ts) and shows when a step reads a flag an earlier one left undefined. The subject runs the
 * whole program at once, as its users run it.
 *
 * Models no hardware; the subjects do.
 */

import type { ArchState, Subject } from '../../../harness/adapter.ts';
import type { MemoryImage } from '../../../harness/state/initial-state.ts';
import type { CpuModelName, StopReason } from '../../../reference-emulator/index.ts';
import { assemble, type Program, type ProgramLine } from './assemble.ts';
import { flagEffect, countedShift, UndefinedFlags, flagNames, type StepValues } from './flags.ts';
import { caseMemory, CODE_BASE, CODE_LIMIT, COMPARED_REGIONS, MEMORY_SIZE, startingSetup, type DifferentialMode } from './layout.ts';
import type { DifferentialCase, Item } from './generator.ts';

/** The debug exception: raised as a trap after an instruction that ran with TF set. */
const VEC_DB = 1;

/** The instruction budget of one run: far more than a program of forward jumps and REPs of 8 can take. */
export const RUN_LIMIT = 4096;

export interface PreparedCase {
  mode: DifferentialMode;
  cpu: CpuModelName;
  program: Program;
  state: ArchState;
  /** Every initialised byte besides the program: set-up tables, stack, data window. */
  memory: MemoryImage[];
}

export function prepareCase(c: DifferentialCase, mode: DifferentialMode, cpu: CpuModelName): PreparedCase {
  const setup = startingSetup(mode, c.start.regs, c.start.eflags);
  const items = c.items.filter((item): item is Item => item !== null);
  return { mode, cpu, program: assemble(items, mode), state: setup.state, memory: caseMemory(mode, setup, c.start.memorySeed) };
}

/** What a run leaves: how it stopped, the final state and the compared regions' bytes. */
export interface Observation {
  stop: StopReason;
  final: ArchState;
  /** One entry per COMPARED_REGIONS region, same order. */
  regions: Uint8Array[];
}

/** Why a program is discarded: a step reads a flag left undefined, or the SDM leaves a result undefined. */
export type UnspecifiedKind = 'reads an undefined flag' | 'undefined result';

export interface OracleRun extends Observation {
  /** EFLAGS bits undefined at the end (flags.ts). */
  undefinedFlags: number;
  /** Why the program's outcome is not specified by the architecture, when it is not. */
  unspecified?: { kind: UnspecifiedKind; why: string };
  /** Indexes of the program lines the oracle executed, in order (repeats for REP chunks). */
  executed: number[];
}

/**
 * Resets a subject for a series of cases. Cases then load over each other, as the corpus suites
 * load tests (a reset per program would cost more than the program): every byte a program can
 * read or write (tables, stack, window, code) is rewritten by the next case's `load`.
 */
export async function resetForCases(subject: Subject, cpu: CpuModelName): Promise<void> {
  await subject.reset({ cpu, memorySize: MEMORY_SIZE });
  await subject.writeMemory(CODE_BASE, new Uint8Array(CODE_LIMIT));
}

async function load(subject: Subject, c: PreparedCase): Promise<void> {
  for (const image of c.memory) await subject.writeMemory(image.address, image.bytes);
  // The whole code area, so no byte of a longer earlier program is left behind the HLT.
  const code = new Uint8Array(CODE_LIMIT);
  code.set(c.program.bytes);
  await subject.writeMemory(CODE_BASE, code);
  await subject.setState(c.state);
}

async function observe(subject: Subject, stop: StopReason, final: ArchState): Promise<Observation> {
  const regions: Uint8Array[] = [];
  for (const region of COMPARED_REGIONS) regions.push(await subject.readMemory(region.base, region.size));
  return { stop, final, regions };
}

/** The run-time values of a line's flag rules, from the state before it. */
function stepValues(line: ProgramLine, before: ArchState): StepValues {
  const values: StepValues = {};
  const shift = countedShift(line.form);
  if (shift !== undefined) values.count = shift.countFrom === 'CL' ? before.regs.ecx & 0xff : (line.ops.imm ?? 0);
  if (line.form.rep !== undefined && line.ops.prefixes?.rep !== undefined) {
    values.repCounter = line.ops.mem?.addressSize === 32 ? before.regs.ecx >>> 0 : before.regs.ecx & 0xffff;
  }
  return values;
}

/** Runs the program on the oracle step by step, following the undefined flags. */
export async function runOracle(oracle: Subject, c: PreparedCase): Promise<OracleRun> {
  await load(oracle, c);
  const flags = new UndefinedFlags();
  const executed: number[] = [];
  let unspecified: OracleRun['unspecified'];
  let before = c.state;
  let stop: StopReason = { kind: 'limit' };
  for (let steps = 0; steps < RUN_LIMIT; steps++) {
    const index = c.program.lineAt.get(before.eip >>> 0);
    if (index === undefined) throw new Error(`the oracle '${oracle.name}' left the program: EIP 0x${before.eip.toString(16)} is no instruction of it`);
    const line = c.program.lines[index]!;
    stop = await oracle.run({ maxInstructions: 1, stopOnException: true });
    const after = await oracle.getState();
    executed.push(index);
    // A fault retires nothing; the single-step trap (#DB after an instruction run with TF set,
    // SDM Vol. 3A, 18.3.1.4) is reported after the instruction retired.
    const retired = stop.kind === 'limit' || (stop.kind === 'exception' && stop.vector === VEC_DB);
    if (retired) {
      const read = flags.readsUndefined(line.form);
      const effect = flagEffect(line.form, stepValues(line, before));
      if (read !== 0) unspecified = { kind: 'reads an undefined flag', why: `${line.form.mnemonic} at 0x${line.eip.toString(16)} reads ${flagNames(read)}, left undefined by an earlier instruction` };
      else if (effect.resultUndefined !== undefined) unspecified = { kind: 'undefined result', why: effect.resultUndefined };
      // Nothing after an unspecified step is compared, so the rest need not run.
      if (unspecified !== undefined) return { stop, final: after, regions: [], undefinedFlags: flags.mask, executed, unspecified };
      flags.retire(effect);
    }
    before = after;
    if (stop.kind !== 'limit') break;
  }
  return { ...(await observe(oracle, stop, before)), undefinedFlags: flags.mask, executed };
}

/** Runs the whole program on the subject under test in one go. */
export async function runSubject(subject: Subject, c: PreparedCase): Promise<Observation> {
  await load(subject, c);
  const stop = await subject.run({ maxInstructions: RUN_LIMIT, stopOnException: true });
  return observe(subject, stop, await subject.getState());
}
