/**
 * Seeded bugs in instruction semantics (real-mode integer set). Each is a plausible emulator
 * mistake, entered as a handler override through the reference subject's factory:
 * - SBB that ignores the incoming borrow (runs as SUB);
 * - #DE from DIV reported with the next instruction's IP, as the 8086 did, instead of the
 *   faulting instruction's (286 and later; SDM Vol. 3A 6.15, "Interrupt 0");
 * - CALL rel16 without the 16-bit wrap of IP + displacement, a missing segment-offset wrap
 *   (SDM Vol. 2A, CALL: "IF OperandSize = 16 THEN tempEIP := tempEIP AND 0000FFFFH").
 */

import { HANDLERS } from '../../../reference-emulator/index.ts';
import type { Mutant } from '../../../harness/suite/model.ts';

export const mutants: readonly Mutant[] = [
  {
    name: 'sbb-ignores-cf',
    description: 'SBB r/m16,r16 ignores CF and runs as SUB',
    handlerOverrides: { Sbb_rm16_r16: HANDLERS.Sub_rm16_r16 },
  },
  {
    name: 'de-pushes-next-ip',
    description: '#DE from DIV r/m16 pushes the IP of the next instruction instead of the faulting one',
    handlerOverrides: {
      Div_rm16: (m, i) => {
        try {
          HANDLERS.Div_rm16(m, i);
        } catch (e) {
          // The run loop rolls a fault back to `insn.eip`; moving it on is the 8086's behaviour.
          i.eip = i.next;
          throw e;
        }
      },
    },
  },
  {
    name: 'call-rel16-no-ip-wrap',
    description: 'CALL rel16 computes IP + displacement without the 16-bit wrap (a missing offset wrap)',
    handlerOverrides: {
      Call_rel16: (m, i) => {
        // The decoder wraps the target; the mutant undoes that for this call only.
        const wrapped = i.target;
        i.target = i.next + i.imm;
        try {
          HANDLERS.Call_rel16(m, i);
        } finally {
          i.target = wrapped;
        }
      },
    },
  },
];
