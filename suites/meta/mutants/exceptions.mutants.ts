/**
 * Seeded bugs in real-mode exception behaviour, for isa/exceptions-real to kill. Each is a
 * plausible emulator mistake with the behaviour it breaks, entered as a handler override through
 * the reference subject's factory (DESIGN.md, "Seeded bugs"):
 * - INTO that traps whatever OF holds (SDM Vol. 2A, INTO: only if OF = 1);
 * - BOUND whose upper bound is exclusive (SDM Vol. 2A, BOUND: both bounds inclusive);
 * - a word read at offset FFFFh that wraps to offset 0 as on the 8086, instead of #GP (SDM
 *   Vol. 3A, "IA-32 Architecture Compatibility", "Segment Wraparound");
 * - INT3 delivered as a fault, pushing its own IP instead of the next instruction's (SDM Vol. 3A,
 *   6.15 "Interrupt 3": a trap);
 * - an x87 escape under CR0.TS raising #UD instead of #NM (SDM Vol. 3A, 2.5, Table 2-2);
 * - IDIV r/m8 refusing the quotient -128, as the 8086 did (SDM Vol. 2A, IDIV Operation);
 * - a real-mode stack-limit fault reported as #GP on every model, the 286's behaviour carried to
 *   the 386 and later, which raise #SS (Segment Wraparound, as above);
 * - INT n that leaves IF set on entry to the handler (SDM Vol. 2A, INT n, REAL-ADDRESS-MODE);
 * - MMX/SSE bytes under CR0.TS raising #NM on a model that has no SIMD unit, where they are
 *   unassigned and raise #UD (SDM Vol. 3A, 2.5; Vol. 1, 2.1).
 */

import { CpuFault, CR0_EM, CR0_TS, getFlags, HANDLERS, readPhys8, setFlags, UNMODELLED_SIMD, UNMODELLED_X87, FLAG_IF, type Handler, type Insn, type Machine } from '../../../reference-emulator/index.ts';
import type { Mutant } from '../../../harness/suite/model.ts';

const VEC_DE = 0;
const VEC_BR = 5;
const VEC_UD = 6;
const VEC_NM = 7;
const VEC_SS = 12;
const VEC_GP = 13;

/** The 16-bit effective address of a ModRM memory operand (SDM Vol. 2A, Table 2-1), for mutants that read memory themselves. */
function offset16(m: Machine, i: Insn): number {
  return (m.cpu.r16[i.base << 1]! + m.cpu.r16[i.index << 1]! + i.disp) & 0xffff;
}

/** A byte at seg:offset read as the 8086 would: offset reduced modulo 64 KiB, no limit. */
function wrappedByte(m: Machine, i: Insn, offset: number): number {
  return readPhys8(m.mem, m.cpu.segBase[i.seg]! + (offset & 0xffff));
}

/** INT 4 through the INT n handler, on a copy of the INTO so the cached decode stays as it was. */
const intoAlways: Handler = (m, i) => HANDLERS.Int_imm8(m, { ...i, imm: 4 });

const boundUpperExclusive: Handler = (m, i) => {
  HANDLERS.Bound_r16_m1616(m, i);
  const upper = (wrappedByte(m, i, offset16(m, i) + 2) | (wrappedByte(m, i, offset16(m, i) + 3) << 8)) << 16 >> 16;
  if ((m.cpu.r16[i.reg << 1]! << 16 >> 16) === upper) throw new CpuFault(VEC_BR);
};

const wordReadWraps: Handler = (m, i) => {
  if (i.isMem && !i.asz32 && offset16(m, i) === 0xffff) {
    m.cpu.r16[i.reg << 1] = wrappedByte(m, i, 0xffff) | (wrappedByte(m, i, 0x10000) << 8);
    return;
  }
  HANDLERS.Mov_r16_rm16(m, i);
};

const int3AsFault: Handler = () => {
  throw new CpuFault(3);
};

const x87TsIsUd: Handler = (m, i) => {
  if (i.unmodelled === UNMODELLED_X87 && (m.cpu.cr0 & CR0_TS) !== 0 && (m.cpu.cr0 & CR0_EM) === 0) throw new CpuFault(VEC_UD);
  HANDLERS.INVALID(m, i);
};

const idiv8RejectsMinimum: Handler = (m, i) => {
  if (!i.isMem) {
    const divisor = (m.cpu.r8[i.rm8]! << 24) >> 24;
    const dividend = (m.cpu.r16[0]! << 16) >> 16;
    if (divisor !== 0 && Math.trunc(dividend / divisor) === -128) throw new CpuFault(VEC_DE);
  }
  HANDLERS.Idiv_rm8(m, i);
};

const popStackFaultIsGp: Handler = (m, i) => {
  try {
    HANDLERS.Pop_r16(m, i);
  } catch (e) {
    if (e instanceof CpuFault && e.vector === VEC_SS) throw new CpuFault(VEC_GP, 0);
    throw e;
  }
};

const intKeepsIf: Handler = (m, i) => {
  const wasEnabled = (getFlags(m.cpu) & FLAG_IF) !== 0;
  HANDLERS.Int_imm8(m, i);
  if (wasEnabled) setFlags(m.cpu, getFlags(m.cpu) | FLAG_IF);
};

const simdNmWithoutUnit: Handler = (m, i) => {
  if (i.unmodelled === UNMODELLED_SIMD && (m.cpu.cr0 & (CR0_EM | CR0_TS)) === CR0_TS) throw new CpuFault(VEC_NM);
  HANDLERS.INVALID(m, i);
};

export const mutants: readonly Mutant[] = [
  {
    name: 'into-traps-when-of-clear',
    description: 'INTO raises #OF whatever OF holds',
    handlerOverrides: { Into: intoAlways },
  },
  {
    name: 'bound-upper-exclusive',
    description: 'BOUND r16,m16&16 raises #BR when the index equals the upper bound',
    handlerOverrides: { Bound_r16_m1616: boundUpperExclusive },
  },
  {
    name: 'word-at-ffff-wraps',
    description: 'MOV r16,r/m16 at offset FFFFh reads the high byte from offset 0 (8086 wrap) instead of raising #GP',
    handlerOverrides: { Mov_r16_rm16: wordReadWraps },
  },
  {
    name: 'int3-pushes-own-ip',
    description: 'INT3 is delivered as a fault: the IP pushed is the INT3\'s own, not the next instruction\'s',
    handlerOverrides: { Int3: int3AsFault },
  },
  {
    name: 'x87-ts-raises-ud',
    description: 'an x87 escape with CR0.TS=1 and EM=0 raises #UD instead of #NM',
    handlerOverrides: { INVALID: x87TsIsUd },
  },
  {
    name: 'idiv8-rejects-min-quotient',
    description: 'IDIV r8 raises #DE for a quotient of -128 (the 8086 rule) although it fits',
    handlerOverrides: { Idiv_rm8: idiv8RejectsMinimum },
  },
  {
    name: 'stack-fault-raises-gp',
    description: 'POP r16 across the SS limit raises #GP, the 286 quirk, instead of #SS on the 386 and later',
    handlerOverrides: { Pop_r16: popStackFaultIsGp },
  },
  {
    name: 'int-keeps-if',
    description: 'INT n leaves IF set on entry to the handler',
    handlerOverrides: { Int_imm8: intKeepsIf },
  },
  {
    name: 'simd-ts-nm-without-unit',
    description: 'MMX/SSE bytes with CR0.TS=1 raise #NM even on a model without a SIMD unit (286-486), instead of #UD',
    handlerOverrides: { INVALID: simdNmWithoutUnit },
  },
];
