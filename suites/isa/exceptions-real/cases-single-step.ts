/**
 * Real-mode cases for the single-step trap (#DB, vector 1, with TF = 1) and its priority.
 *
 * - With TF set when an instruction starts, a #DB trap follows it: the instruction completes, the
 *   IP pushed is the next instruction's, and the pushed FLAGS still have TF; delivery clears TF
 *   (SDM Vol. 3B, 17.3.1.4 "Single-Step Exception Condition"; Vol. 3A, 6.15 "Interrupt 1").
 * - The instruction that sets TF (POPF) is not followed by a trap; the one after it is (17.3.1.4).
 * - MOV SS inhibits debug exceptions, single-step included, until after the next instruction
 *   (SDM Vol. 3A, 6.8.3 "Masking Exceptions and Interrupts When Switching Stacks").
 * - A trap on the previous instruction (class 4) is taken before a fault of decoding the next one
 *   (class 9) (SDM Vol. 3A, 6.9, Table 6-2).
 *
 * The faults and software interrupts taken with TF = 1, which need no trap, are in the other
 * case files.
 */

import { DEFAULT_IP, DEFAULT_SEGMENTS } from '../../support/subject-real-mode.ts';
import { BASE_FLAGS, FLAG_TF, w16, type ExceptionCase } from './case.ts';

const IP = DEFAULT_IP;
const TF_CITE = 'SDM Vol. 3B 17.3.1.4; Vol. 3A 6.15 Interrupt 1 (trap: next IP pushed)';

export const singleStepCases: readonly ExceptionCase[] = [
  {
    title: '#DB single-step: NOP (90) with TF=1 traps after the NOP, TF in the pushed FLAGS',
    cite: TF_CITE,
    setup: { code: [0x90], eflags: BASE_FLAGS | FLAG_TF },
    expect: { kind: 'deliver', vector: 1, ip: IP + 1 },
  },
  {
    title: '#DB single-step: INC AX (40) with TF=1 and AX=5: the trap comes after AX=6 is written',
    cite: TF_CITE,
    setup: { code: [0x40], regs: { eax: 5 }, eflags: 0x0002 | 0x0200 | FLAG_TF },
    // INC writes OF SF ZF AF PF from 5 + 1 = 6: all clear but PF (6 has two bits set).
    expect: { kind: 'deliver', vector: 1, ip: IP + 1, regs: { eax: 6 }, flags: 0x0002 | 0x0200 | FLAG_TF | 0x0004 },
  },
  {
    title: '#DB single-step: PUSH 0x0347 (68 47 03); POPF (9D) sets TF; NOP (90): the trap follows the NOP, not the POPF',
    cite: `${TF_CITE} (no trap after the instruction that sets TF)`,
    setup: { code: [0x68, ...w16(0x0347), 0x9d, 0x90], eflags: BASE_FLAGS },
    expect: { kind: 'deliver', vector: 1, ip: IP + 5, flags: 0x0347 },
  },
  {
    title: '#DB single-step beats #UD: NOP (90) then UD2 (0F 0B) with TF=1: vector 1 with UD2\'s IP',
    cite: `${TF_CITE}; SDM Vol. 3A 6.9 Table 6-2 (class 4 traps before class 9 decode faults)`,
    setup: { code: [0x90, 0x0f, 0x0b], eflags: BASE_FLAGS | FLAG_TF },
    expect: { kind: 'deliver', vector: 1, ip: IP + 1 },
  },
  {
    title: '#DB single-step after MOV SS: MOV SS,AX (8E D0); NOP (90) with TF=1: the trap follows the NOP',
    cite: `${TF_CITE}; SDM Vol. 3A 6.8.3 (MOV SS inhibits debug exceptions for one instruction)`,
    setup: { code: [0x8e, 0xd0, 0x90], regs: { eax: DEFAULT_SEGMENTS.ss }, eflags: BASE_FLAGS | FLAG_TF },
    expect: { kind: 'deliver', vector: 1, ip: IP + 3 },
  },
];
