/**
 * The differential comparator: the oracle's final observation against the subject's, field by
 * field. Compared exactly: how the run ended (halt, or the exception vector and, when both report
 * one, its error code), the eight general registers, EIP, the six segment selectors, and every
 * byte of the data window and the stack region. EFLAGS is compared on every bit except the ones
 * undefined at the end of the run (flags.ts: from the table records of the executed instructions).
 *
 * Models no hardware; the masks come from the table, never from either subject.
 */

import type { ArchState } from '../../../harness/adapter.ts';
import type { StopReason } from '../../../reference-emulator/index.ts';
import { COMPARED_REGIONS } from './layout.ts';
import type { Observation } from './run-case.ts';

export const GENERAL_REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const SEGMENT_REGISTERS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

/** One differing field: a register, `eflags`, a selector (`ds`), a byte (`[0x4123]`) or `stop`. */
export interface FieldDifference {
  field: string;
  oracle: string;
  subject: string;
}

const hex = (value: number, digits: number): string => `0x${(value >>> 0).toString(16).padStart(digits, '0')}`;

/** A stop in words: `halt`, `exception 0 (#DE)`, `exception 13 error 0x0010`. */
export function describeStop(stop: StopReason): string {
  switch (stop.kind) {
    case 'exception': return `exception ${stop.vector}${stop.errorCode !== undefined ? ` error ${hex(stop.errorCode, 4)}` : ''}`;
    case 'exit-port': return `exit-port ${stop.status}`;
    case 'shutdown': return `shutdown (${stop.detail})`;
    case 'breakpoint': return `breakpoint at ${hex(stop.eip, 8)}`;
    default: return stop.kind;
  }
}

/** Whether two stops are the same outcome; an error code counts only when both subjects report one. */
export function sameStop(a: StopReason, b: StopReason): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'exception' && b.kind === 'exception') {
    return a.vector === b.vector && (a.errorCode === undefined || b.errorCode === undefined || a.errorCode === b.errorCode);
  }
  if (a.kind === 'exit-port' && b.kind === 'exit-port') return a.status === b.status;
  return true;
}

/** Register and selector differences; EFLAGS bits in `undefinedFlags` are not compared. */
export function compareStates(oracle: ArchState, subject: ArchState, undefinedFlags: number): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const reg of GENERAL_REGISTERS) {
    if (oracle.regs[reg] >>> 0 !== subject.regs[reg] >>> 0) out.push({ field: reg, oracle: hex(oracle.regs[reg], 8), subject: hex(subject.regs[reg], 8) });
  }
  if (oracle.eip >>> 0 !== subject.eip >>> 0) out.push({ field: 'eip', oracle: hex(oracle.eip, 8), subject: hex(subject.eip, 8) });
  const compared = ~undefinedFlags >>> 0;
  if (((oracle.eflags ^ subject.eflags) & compared) !== 0) {
    out.push({ field: 'eflags', oracle: hex(oracle.eflags, 8), subject: hex(subject.eflags, 8) });
  }
  for (const seg of SEGMENT_REGISTERS) {
    if (oracle.segs[seg].sel !== subject.segs[seg].sel) out.push({ field: seg, oracle: hex(oracle.segs[seg].sel, 4), subject: hex(subject.segs[seg].sel, 4) });
  }
  return out;
}

/** Differing bytes of the compared regions, by linear address. */
export function compareRegions(oracle: readonly Uint8Array[], subject: readonly Uint8Array[]): FieldDifference[] {
  const out: FieldDifference[] = [];
  COMPARED_REGIONS.forEach((region, r) => {
    const a = oracle[r]!;
    const b = subject[r]!;
    for (let k = 0; k < region.size; k++) {
      if (a[k] !== b[k]) out.push({ field: `[${hex(region.base + k, 4)}]`, oracle: hex(a[k] ?? 0, 2), subject: hex(b[k] ?? 0, 2) });
    }
  });
  return out;
}

/** Every difference between the oracle's and the subject's outcome, stop first. */
export function compareObservations(oracle: Observation, subject: Observation, undefinedFlags: number): FieldDifference[] {
  const out: FieldDifference[] = [];
  if (!sameStop(oracle.stop, subject.stop)) out.push({ field: 'stop', oracle: describeStop(oracle.stop), subject: describeStop(subject.stop) });
  return [...out, ...compareStates(oracle.final, subject.final, undefinedFlags), ...compareRegions(oracle.regions, subject.regions)];
}
