/**
 * Interrupt and exception delivery.
 * - Real mode (SDM Vol. 3A, 20.1.4 "Interrupt and Exception Handling"): push FLAGS, CS, IP;
 *   clear IF, TF and AC; load CS:IP from the 4-byte IVT entry at IDTR.base + 4 * vector. A
 *   vector beyond IDTR.limit raises #GP, and a fault while delivering becomes a double fault,
 *   then a shutdown (SDM Vol. 3A, 6.15, interrupt 8).
 * - Protected mode: IDT gates, privilege changes and TSS stack switches are not modelled yet;
 *   the run stops and reports the exception instead (the flat-32 contract of this issue).
 */

import type { Machine } from '../machine/machine.ts';
import { STOP_NONE, STOP_REBLOCK } from '../machine/machine.ts';
import { SEG_CS } from '../machine/cpu-state.ts';
import { readPhys16 } from '../machine/physical-memory.ts';
import { FLAG_AC, FLAG_IF, FLAG_TF } from '../isa/schema.ts';
import { CpuFault, VEC_DF, VEC_GP } from './fault.ts';
import { getFlags, setFlags } from './flags.ts';
import { push16 } from './access.ts';
import { isProtected, loadSegment } from './segments.ts';

/** Thrown to end the run when protected-mode delivery would be needed. */
export class UnhandledProtectedModeInterrupt {
  constructor(readonly vector: number, readonly errorCode: number | undefined, readonly software: boolean) {}
}

/** Delivers one interrupt through the real-mode IVT with `returnIp` as the pushed IP. */
export function deliverRealMode(m: Machine, vector: number, returnIp: number): void {
  const cpu = m.cpu;
  if (vector * 4 + 3 > cpu.idtr.limit) throw new CpuFault(VEC_GP, vector * 8 + 2);
  const flags = getFlags(cpu) & ~m.model.realModeFlagsFixedZero;
  push16(m, flags);
  push16(m, cpu.segSel[SEG_CS]!);
  push16(m, returnIp);
  const entry = cpu.idtr.base + vector * 4;
  const ip = readPhys16(m.mem, entry);
  const cs = readPhys16(m.mem, entry + 2);
  setFlags(cpu, flags & ~(FLAG_IF | FLAG_TF | FLAG_AC));
  loadSegment(m, SEG_CS, cs);
  cpu.eip = ip;
}

/**
 * A software interrupt or trap (INT n, INT3, INTO, BOUND's #BR is a fault and does not come
 * here): the pushed IP is the next instruction's, which the run loop has already put in EIP.
 */
export function softwareInterrupt(m: Machine, vector: number): void {
  if (isProtected(m)) throw new UnhandledProtectedModeInterrupt(vector, undefined, true);
  deliverRealMode(m, vector, m.cpu.eip);
}

/**
 * Delivers a fault raised by the instruction at `faultEip`. Returns normally when delivered,
 * or returns a description of why the machine shut down (triple fault).
 */
export function deliverFault(m: Machine, first: CpuFault, faultEip: number): string | undefined {
  if (isProtected(m)) throw new UnhandledProtectedModeInterrupt(first.vector, first.errorCode, false);
  try {
    deliverRealMode(m, first.vector, faultEip);
    return undefined;
  } catch (second) {
    if (!(second instanceof CpuFault)) throw second;
    try {
      deliverRealMode(m, VEC_DF, faultEip);
      return undefined;
    } catch (third) {
      if (!(third instanceof CpuFault)) throw third;
      return `triple fault: ${first.toString()} then ${second.toString()} then ${third.toString()} while delivering`;
    }
  }
}

/**
 * POPF and IRET: when TF comes on, the block ends after them, so the next instruction starts in
 * the run loop's single-step check (the one that set TF is not trapped, SDM Vol. 3B, 17.3.1.4).
 */
export function endBlockIfTrapFlag(m: Machine): void {
  if ((m.cpu.flags & FLAG_TF) !== 0 && m.stop === STOP_NONE) m.stop = STOP_REBLOCK;
}
