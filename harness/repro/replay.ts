/**
 * Runs a reproducible case on a subject and compares the outcome with the case's masked
 * expectations. This is the one comparator for corpus tests and exported cases: `xvc sst`,
 * the corpus suite and `xvc repro` all decide through `checkCase`.
 *
 * Models no hardware; the case and its masks say what the hardware does.
 */

import type { StopReason } from '../../reference-emulator/index.ts';
import type { ArchState, Subject } from '../adapter.ts';
import { fieldOf, type CaseExpectation, type CheckField, type ReproCase } from './case.ts';

export interface RegisterMismatch {
  field: CheckField;
  label: string;
  expected: number;
  actual: number;
  mask: number;
}

export interface MemoryMismatch {
  address: number;
  expected: number;
  actual: number;
}

export interface CaseOutcome {
  stop: StopReason;
  final: ArchState;
  registers: RegisterMismatch[];
  memory: MemoryMismatch[];
  /** The stop matched `expected.stop`. */
  stopOk: boolean;
}

/** Groups checks into contiguous address runs so a subject reads a few blocks per case. */
function runsOf(addresses: readonly number[]): Array<[number, number]> {
  const sorted = [...new Set(addresses)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const address of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === address) last[1]++;
    else runs.push([address, 1]);
  }
  return runs;
}

export async function checkCase(subject: Subject, final: ArchState, stop: StopReason, expected: CaseExpectation): Promise<CaseOutcome> {
  const registers: RegisterMismatch[] = [];
  for (const check of expected.registers) {
    const actual = fieldOf(final, check.field);
    if (((actual & check.mask) >>> 0) !== ((check.value & check.mask) >>> 0)) registers.push({ field: check.field, label: check.label, expected: check.value, actual, mask: check.mask });
  }
  const byAddress = new Map(expected.memory.map((m) => [m.address, m]));
  const memory: MemoryMismatch[] = [];
  for (const [address, length] of runsOf([...byAddress.keys()])) {
    const got = await subject.readMemory(address, length);
    for (let k = 0; k < length; k++) {
      const check = byAddress.get(address + k)!;
      if ((got[k]! & check.mask) !== (check.value & check.mask)) memory.push({ address: address + k, expected: check.value, actual: got[k]! });
    }
  }
  return { stop, final, registers, memory, stopOk: stop.kind === expected.stop };
}

/** Loads the case into a subject that has been reset, runs it and compares. */
export async function replayCase(subject: Subject, c: ReproCase): Promise<CaseOutcome> {
  for (const run of c.memory) await subject.writeMemory(run.address, Uint8Array.from(run.bytes));
  await subject.writeMemory(c.program.address, Uint8Array.from(c.program.bytes));
  await subject.setState(c.state);
  const stop = await subject.run({ maxInstructions: c.maxInstructions });
  return checkCase(subject, await subject.getState(), stop, c.expected);
}

export const casePassed = (o: CaseOutcome): boolean => o.registers.length === 0 && o.memory.length === 0 && o.stopOk;
