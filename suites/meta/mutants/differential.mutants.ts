/**
 * Seeded bugs in common instructions, for isa/differential to kill: each is a plausible emulator
 * mistake in a form random programs meet often, entered as a handler override through the
 * reference subject's factory (DESIGN.md, "Seeded bugs"). The differential oracle stays the
 * clean reference (harness/suite/mutation.ts), so the program that shows the bug is the evidence.
 * - ADD with a 16-bit operand size that takes OF from bit 7, the 8-bit rule, instead of bit 15
 *   (SDM Vol. 1, 3.4.3.1: OF reports signed overflow of the operand's own width);
 * - XCHG with a memory operand that loads the register but never stores it back (SDM Vol. 2B,
 *   XCHG: both operands are written);
 * - SHL/SAL that sets CF from the result's top bit, one position short of the last bit shifted out
 *   (SDM Vol. 2B, SAL/SAR/SHL/SHR: "CF contains the value of the last bit shifted out").
 */

import { FLAG_CF, FLAG_OF, FLAG_SF, getFlags, HANDLERS, readPhys8, setFlags, writePhys8, type Handler, type InstrId, type Insn, type Machine } from '../../../reference-emulator/index.ts';
import type { Mutant } from '../../../harness/suite/model.ts';

/** Runs `base`, then replaces OF with the signed overflow of the low byte of the lazily recorded ADD. */
function ofFromBit7(base: Handler): Handler {
  return (m, i) => {
    base(m, i);
    const cpu = m.cpu;
    const overflow8 = (((cpu.lzDst ^ cpu.lzRes) & (cpu.lzSrc ^ cpu.lzRes)) >>> 7) & 1;
    setFlags(cpu, (getFlags(cpu) & ~FLAG_OF) | (overflow8 ? FLAG_OF : 0));
  };
}

/** The linear address of an Insn's ModRM memory operand (SDM Vol. 2A, 2.1.5), no limit check. */
function linearOf(m: Machine, i: Insn): number {
  const cpu = m.cpu;
  const offset = i.asz32 ? (cpu.r32[i.base]! + (cpu.r32[i.index]! << i.scale) + i.disp) | 0 : (cpu.r16[i.base << 1]! + cpu.r16[i.index << 1]! + i.disp) & 0xffff;
  return (cpu.segBase[i.seg]! + offset) | 0;
}

/** Runs `base` (the real XCHG), then puts the memory operand's old bytes back: the store is lost. */
function xchgNoWriteback(base: Handler, bytes: number): Handler {
  return (m, i) => {
    if (i.isMem !== true) {
      base(m, i);
      return;
    }
    const at = linearOf(m, i);
    const old = Array.from({ length: bytes }, (_, k) => readPhys8(m.mem, at + k));
    base(m, i);
    old.forEach((b, k) => writePhys8(m.mem, at + k, b));
  };
}

type ShiftCount = 'imm8' | '1' | 'CL';

/** Runs `base`, then, for a nonzero masked count, sets CF from SF (the result's top bit). */
function cfFromResultTop(base: Handler, count: ShiftCount): Handler {
  return (m, i) => {
    base(m, i);
    const raw = count === '1' ? 1 : count === 'imm8' ? i.imm : m.cpu.r32[1]! & 0xff;
    if ((raw & 0x1f) === 0) return;
    const flags = getFlags(m.cpu);
    setFlags(m.cpu, (flags & ~FLAG_CF) | (flags & FLAG_SF ? FLAG_CF : 0));
  };
}

const ADD16: readonly InstrId[] = ['Add_rm16_r16', 'Add_r16_rm16', 'Add_AX_imm16', 'Add_rm16_imm16', 'Add_rm16_imm8'];

function shlOverrides(): Partial<Record<InstrId, Handler>> {
  const out: Partial<Record<InstrId, Handler>> = {};
  for (const name of ['Shl', 'Sal'] as const) {
    for (const width of [8, 16, 32] as const) {
      for (const count of ['imm8', '1', 'CL'] as const) {
        const id = `${name}_rm${width}_${count}` as InstrId;
        out[id] = cfFromResultTop(HANDLERS[id], count);
      }
    }
  }
  return out;
}

export const mutants: readonly Mutant[] = [
  {
    name: 'add16-of-from-bit7',
    description: 'ADD with a 16-bit operand size sets OF from bit 7 (the 8-bit overflow) instead of bit 15',
    handlerOverrides: Object.fromEntries(ADD16.map((id) => [id, ofFromBit7(HANDLERS[id])])),
  },
  {
    name: 'xchg-mem-no-writeback',
    description: 'XCHG r/m,reg with a memory operand loads the register but never stores the register into memory',
    handlerOverrides: {
      Xchg_rm8_r8: xchgNoWriteback(HANDLERS.Xchg_rm8_r8, 1),
      Xchg_rm16_r16: xchgNoWriteback(HANDLERS.Xchg_rm16_r16, 2),
      Xchg_rm32_r32: xchgNoWriteback(HANDLERS.Xchg_rm32_r32, 4),
    },
  },
  {
    name: 'shl-cf-off-by-one',
    description: 'SHL/SAL sets CF from the top bit of the result, one position short of the last bit shifted out',
    handlerOverrides: shlOverrides(),
  },
];
