/**
 * Shared set-up for the string and port-I/O unit tests: a fixed real-mode layout, the check of
 * a delivered real-mode fault (vector and pushed IP), and a one-instruction protected-mode run
 * at a chosen CPL/IOPL, which `given` cannot express.
 */

import { expect } from 'chai';
import { FLAG_VM, type Machine, type StopReason } from '../../../../reference-emulator/index.ts';
import { type Outcome } from '../../../support/given.ts';
import { RAW_CODE_OFFSET, RawRun } from '../../../support/raw-run.ts';

/** Real-mode data segments: DS base 0x2000, ES base 0x3000, so source and destination differ. */
export const DS = 0x200;
export const ES = 0x300;
export const DS_BASE = DS << 4;
export const ES_BASE = ES << 4;
/** Where `given` puts the code (CS=0), and where runPrivileged does. */
export const CODE_IP = RAW_CODE_OFFSET;
/** EFLAGS with DF set (SDM Vol. 1, 3.4.3.2: string operations step downwards). */
export const DF_SET = 0x402;
/** Every status flag set: OF SF ZF AF PF CF, plus the fixed bit 1. */
export const ALL_STATUS = 0x8d7;

/**
 * A real-mode fault was delivered through the IVT: `given` stubs every vector with a HLT, and
 * the delivery pushed FLAGS, CS and IP on SS=0 below SP=0xFFF0, so the IP of the faulting
 * instruction (its first prefix) sits at 0:0xFFEA.
 */
export function expectRealFault(outcome: Outcome, vector: number, ip = CODE_IP): Outcome {
  outcome.expectException(vector).expectRegs({ sp: 0xffea }).expectMem(0xffea, [ip & 0xff, ip >>> 8]);
  return outcome;
}

export interface PrivilegedRun {
  readonly machine: Machine;
  readonly stop: StopReason;
}

/**
 * Runs one instruction in flat 32-bit protected mode at `cpl` with EFLAGS.IOPL = `iopl` (and
 * EFLAGS.VM when `vm`), stopping on an exception instead of delivering it. Code at 0x1000,
 * ESP 0x90000.
 */
export function runPrivileged(options: {
  cpl: number;
  iopl: number;
  vm?: boolean;
  code: readonly number[];
  regs?: Readonly<Record<string, number>>;
}): PrivilegedRun {
  const flags = 0x2 | (options.iopl << 12) | (options.vm ? FLAG_VM : 0);
  const raw = new RawRun({ mode: 'prot32', cpl: options.cpl, flags, regs: options.regs }, options.code);
  return { machine: raw.machine, stop: raw.step(1) };
}

/** #GP(0) stopped the run with EIP at the instruction. */
export function expectGp0(result: PrivilegedRun): void {
  expect(result.stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
  expect(result.machine.cpu.eip, 'EIP').to.equal(CODE_IP);
}
