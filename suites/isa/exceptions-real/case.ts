/**
 * The shape of one real-mode exception case: a few instruction bytes, the state they start from,
 * and what the SDM (or captured hardware) says must happen, per CPU model.
 *
 * Delivery itself is the same for every case (SDM Vol. 3A, 20.1.4; Vol. 2A, INT n pseudo-code,
 * REAL-ADDRESS-MODE): FLAGS, CS and IP are pushed (IP at the lowest address), IF, TF and AC are
 * cleared, and CS:IP come from the IVT entry. What differs is the vector, the IP pushed (the
 * faulting instruction's own for a fault, the next instruction's for a trap or INT n; SDM Vol. 3A,
 * 6.5 "Exception Classifications"), and the state left behind: a fault leaves the registers as
 * they were before the instruction (6.5: faults are restartable), a trap leaves them as the
 * completed instruction wrote them.
 */

import { FLAG_AC, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF, flagMask, formById, type CpuModelName, type InstrId } from '../../../reference-emulator/index.ts';
import type { GeneralRegister, RealModeSetup } from '../../support/subject-real-mode.ts';
import type { ModelFacts } from './model-facts.ts';

export { FLAG_AC, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF };

/** CR0 bits of the x87 interface (SDM Vol. 3A, 2.5; the 286's MSW has the same low four bits). */
export const CR0_MP = 0x2;
export const CR0_EM = 0x4;
export const CR0_TS = 0x8;

/**
 * The FLAGS most cases start from: IF set (so its clearing shows), and ZF, PF, CF set (so a
 * pushed image that lost them shows). Bit 1 is the reserved bit that reads as 1.
 */
export const BASE_FLAGS = 0x0002 | FLAG_IF | FLAG_ZF | FLAG_PF | FLAG_CF;

/** The flags the table says a form leaves undefined: a pushed image masks them as the SST comparator does. */
export function undefinedFlags(id: InstrId): number {
  return flagMask(formById(id).flagsUndefined);
}

export type Regs = Partial<Record<GeneralRegister, number>>;

/** Physical bytes that must hold given values after the run. */
export type MemoryExpectation = ReadonlyArray<readonly [address: number, bytes: readonly number[]]>;

/** The run delivers `vector` through the IVT. */
export interface Delivered {
  kind: 'deliver';
  vector: number;
  /** The IP pushed, as an offset in the code segment. */
  ip: number;
  /** The CS pushed; the code's CS when absent. */
  cs?: number;
  /** The FLAGS pushed; the initial FLAGS (low 16 bits) when absent. */
  flags?: number;
  /** FLAGS bits not compared (undefined by the SDM for the faulting form). */
  flagsMask?: number;
  /** SP after delivery; initial SP - 6 when absent. */
  sp?: number;
  /** General registers after delivery; unchanged from the initial state when absent. */
  regs?: Regs;
  memory?: MemoryExpectation;
  /** CR0 after the run; unchanged when absent. CR4 must always be unchanged. */
  cr0?: number;
}

/**
 * A double fault is delivered (vector 8). SDM Vol. 3A, 6.15 "Interrupt 8": the saved CS and IP
 * are undefined, so only the vector, the frame size and the cleared IF/TF are checked.
 */
export interface DoubleFault {
  kind: 'double-fault';
}

/** The code runs to its end (the HLT placed after it) with no interrupt. */
export interface Completed {
  kind: 'complete';
  regs?: Regs;
  /** SP at the end; the initial SP when absent. */
  sp?: number;
  memory?: MemoryExpectation;
}

/** The processor shuts down (triple fault; SDM Vol. 3A, 6.15 "Interrupt 8"). */
export interface Shutdown {
  kind: 'shutdown';
}

export type Expectation = Delivered | DoubleFault | Completed | Shutdown;

export interface ExceptionCase {
  /** One line: the instruction, its bytes and the operand values that matter. */
  title: string;
  /** Where the expectation comes from: SDM volume and section, or the captured-hardware source. */
  cite: string;
  /** First and last model the case applies to (default: every model). */
  from?: CpuModelName;
  to?: CpuModelName;
  /** The start state; the model is filled in per instance. FLAGS default to `BASE_FLAGS`; AC is added where it exists. */
  setup: Omit<RealModeSetup, 'cpu'>;
  expect: Expectation | ((facts: ModelFacts) => Expectation);
  /**
   * Set only where the reference emulator is known to be wrong and the fix is outside this
   * suite: the case still runs, and its failure counts as known-fail with this reason.
   */
  knownFail?: string;
}

/** Little-endian bytes of a 16- or 32-bit value, for code and data. */
export const w16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
export const w32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
