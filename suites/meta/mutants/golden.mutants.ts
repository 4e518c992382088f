/**
 * Seeded bugs the golden traces (suites/isa/golden.suite.ts) must catch, each a plausible
 * emulator mistake entered as a handler override through the reference subject's factory:
 * - SHLD that takes CF from the result's top bit (the bit after the last one shifted out)
 *   instead of the last bit shifted out of the destination (SDM Vol. 2B, "SHLD": "the CF flag
 *   is filled with the last bit shifted out of the destination operand"); caught by
 *   shifts-rotates, whose `shld ax, bx, 1` on 0x8001 shifts out a 1 and leaves a 0 on top;
 * - DAA that looks only at the low digit and ignores AF (SDM Vol. 2A, "DAA": the low digit is
 *   adjusted "IF (((AL AND 0FH) > 9) or AF = 1)"); caught by bcd-adjust, whose 0x09 + 0x09 =
 *   0x12 needs the adjust that only AF reveals.
 */

import { FLAG_AF, FLAG_CF, FLAG_SF, getFlags, HANDLERS, reg8Offset, setFlags, type Handler, type Insn, type Machine } from '../../../reference-emulator/index.ts';
import type { Mutant } from '../../../harness/suite/model.ts';

/** The clean DAA, as the handler type (its own literal takes only the machine). */
const cleanDaa: Handler = HANDLERS.Daa;

/** CL, the count register of the `..._CL` forms: byte 0 of ECX (register 1). */
const REG_CL = 1;

/** Wraps a SHLD handler so that, for a non-zero count, CF ends up equal to the result's sign bit. */
function cfFromResultTop(original: Handler, countOf: (m: Machine, i: Insn) => number): Handler {
  return (m, i) => {
    // Read before the handler runs: the destination may be CX itself.
    const count = countOf(m, i) & 31;
    original(m, i);
    if (count === 0) return;
    const flags = getFlags(m.cpu);
    setFlags(m.cpu, flags & FLAG_SF ? flags | FLAG_CF : flags & ~FLAG_CF);
  };
}

const immediateCount = (_m: Machine, i: Insn): number => i.imm;
const clCount = (m: Machine): number => m.cpu.r8[reg8Offset(REG_CL)]!;

export const mutants: readonly Mutant[] = [
  {
    name: 'shld-cf-from-result-top',
    description: 'SHLD sets CF from the top bit of the result instead of the last bit shifted out of the destination',
    handlerOverrides: {
      Shld_rm16_r16_imm8: cfFromResultTop(HANDLERS.Shld_rm16_r16_imm8, immediateCount),
      Shld_rm32_r32_imm8: cfFromResultTop(HANDLERS.Shld_rm32_r32_imm8, immediateCount),
      Shld_rm16_r16_CL: cfFromResultTop(HANDLERS.Shld_rm16_r16_CL, clCount),
      Shld_rm32_r32_CL: cfFromResultTop(HANDLERS.Shld_rm32_r32_CL, clCount),
    },
  },
  {
    name: 'daa-ignores-af',
    description: 'DAA adjusts the low BCD digit only when it is above 9, ignoring AF',
    handlerOverrides: {
      Daa: (m, i) => {
        setFlags(m.cpu, getFlags(m.cpu) & ~FLAG_AF);
        cleanDaa(m, i);
      },
    },
  },
];
