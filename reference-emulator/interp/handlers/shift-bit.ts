/**
 * Semantics of the shift-bit group: shifts and rotates, SHLD/SHRD, BT/BTS/BTR/BTC, BSF/BSR,
 * SETcc, CMOVcc, BSWAP, XADD, CMPXCHG and CMPXCHG8B (Intel SDM Vol. 2A/2B, the instruction
 * entries of the same names; their "Operation" pseudo-code is what these handlers follow).
 *
 * Hardware behaviour modelled beyond the pseudo-code, each choice also written on its table
 * record (isa/forms/shift-bit.ts):
 * - shift and rotate counts are masked to 5 bits (186 and later), RCL/RCR then take the count
 *   mod 9/17 for 8/16 bits; a zero masked count reads the operand (it can fault) and writes
 *   nothing;
 * - undefined OF/AF/CF of multi-bit shifts and rotates: the 80286 follows the SingleStepTests
 *   80286 corpus (C1 /0, D1 /4, D3 /7), the 386 and later follow QEMU (target/i386/tcg);
 * - BSF/BSR with a zero source leave the destination unchanged; BSWAP r16 clears the low word;
 *   CMPXCHG/CMPXCHG8B write a memory destination back with its old value on a mismatch.
 *
 * Known deviations: the 8086's unmasked counts and D0-D3 /6 (SETMO) are not modelled (no
 * 8086 model exists); LOCK has no effect beyond the decoder's #UD checks (one CPU, no bus).
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { Machine } from '../../machine/machine.ts';
import type { shiftBitForms } from '../../isa/forms/shift-bit.ts';
import * as schemaModule from '../../isa/schema.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import * as accessModule from '../access.ts';
import * as flagsModule from '../flags.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { FLAG_CF, FLAG_OF, FLAG_ZF, FLAGS_STATUS } = schemaModule;
const { REG_EAX, REG_EBX, REG_ECX, REG_EDX } = cpuStateModule;
const { effectiveAddress, linearAddressForWrite, read16, read32, read8, readRm16, readRm32, write16, write32, write8 } = accessModule;
const { getCF, LAZY_ADD, LAZY_LOGIC, LAZY_SUB, setLazy, setStatusFlags, szpFlags, testCondition } = flagsModule;

type ShiftBitId = (typeof shiftBitForms)[number]['id'];

/** Byte offset of CL in the register buffer (byte 0 of ECX). */
const CL = REG_ECX * 4;

/** The 286's own answers for undefined shift flags (corpus-derived); later models follow QEMU. */
function isI286(m: Machine): boolean {
  return m.model.generation === 'i286';
}

// ---- group 2 cores: (value, count 1..31) -> result, flags set; value masked (8/16) or int32 ----

export type ShiftCore = (m: Machine, v: number, c: number) => number;

function widthMaskOf(w: 8 | 16 | 32): number {
  return w === 32 ? -1 : (1 << w) - 1;
}

function setShiftFlags(m: Machine, w: number, res: number, cf: number, of: number, af: number): void {
  setStatusFlags(m.cpu, FLAGS_STATUS, cf | szpFlags(w, res) | (af << 4) | (of << 11));
}

function setRotateFlags(m: Machine, cf: number, of: number): void {
  setStatusFlags(m.cpu, FLAG_CF | FLAG_OF, cf | (of << 11));
}

function makeShl(w: 8 | 16 | 32): ShiftCore {
  const mask = widthMaskOf(w);
  return (m, v, c) => {
    const res = (v << c) & mask;
    // Counts past the width shift CF out of the widened value: 0 (QEMU).
    const cf = c <= w ? (v >>> (w - c)) & 1 : 0;
    // The 286 leaves bit 4 of the result in AF (corpus D1 /4); QEMU clears it.
    setShiftFlags(m, w, res, cf, ((res >>> (w - 1)) & 1) ^ cf, isI286(m) ? (res >> 4) & 1 : 0);
    return res;
  };
}

function makeShr(w: 8 | 16 | 32): ShiftCore {
  return (m, v, c) => {
    const res = (v >>> c) | 0;
    const of = c === 1 ? (v >>> (w - 1)) & 1 : 0;
    // The 286 sets AF on right shifts (corpus D3 /7 shows it for SAR; assumed for SHR).
    setShiftFlags(m, w, res, (v >>> (c - 1)) & 1, of, isI286(m) ? 1 : 0);
    return res;
  };
}

function makeSar(w: 8 | 16 | 32): ShiftCore {
  const mask = widthMaskOf(w);
  const up = 32 - w;
  return (m, v, c) => {
    const sv = (v << up) >> up;
    const res = (sv >> c) & mask;
    setShiftFlags(m, w, res, (sv >> (c - 1)) & 1, 0, isI286(m) ? 1 : 0);
    return res;
  };
}

function makeRol(w: 8 | 16 | 32): ShiftCore {
  const mask = widthMaskOf(w);
  return (m, v, c) => {
    const r = c & (w - 1);
    const res = r === 0 ? v : ((v << r) | (v >>> (w - r))) & mask;
    const cf = res & 1;
    setRotateFlags(m, cf, ((res >>> (w - 1)) & 1) ^ cf);
    return res;
  };
}

function makeRor(w: 8 | 16 | 32): ShiftCore {
  const mask = widthMaskOf(w);
  return (m, v, c) => {
    const r = c & (w - 1);
    const res = r === 0 ? v : ((v >>> r) | (v << (w - r))) & mask;
    const cf = (res >>> (w - 1)) & 1;
    setRotateFlags(m, cf, cf ^ ((res >>> (w - 2)) & 1));
    return res;
  };
}

/** RCL rotates w+1 bits (CF included); the count mod 33 is the count itself for 32 bits. */
function makeRcl(w: 8 | 16 | 32): ShiftCore {
  const mask = widthMaskOf(w);
  return (m, v, c) => {
    const n = c % (w + 1);
    if (n === 0) return v;
    let res = (v << n) | (getCF(m.cpu) << (n - 1));
    if (n > 1) res |= v >>> (w + 1 - n);
    res &= mask;
    const cf = (v >>> (w - n)) & 1;
    const of = isI286(m) ? ((res >>> (w - 1)) & 1) ^ cf : ((v ^ res) >>> (w - 1)) & 1;
    setRotateFlags(m, cf, of);
    return res;
  };
}

function makeRcr(w: 8 | 16 | 32): ShiftCore {
  const mask = widthMaskOf(w);
  return (m, v, c) => {
    const n = c % (w + 1);
    if (n === 0) return v;
    let res = (v >>> n) | (getCF(m.cpu) << (w - n));
    if (n > 1) res |= v << (w + 1 - n);
    res &= mask;
    const of = isI286(m) ? ((res >>> (w - 1)) ^ (res >>> (w - 2))) & 1 : ((v ^ res) >>> (w - 1)) & 1;
    setRotateFlags(m, (v >>> (n - 1)) & 1, of);
    return res;
  };
}

const rol8 = makeRol(8), rol16 = makeRol(16), rol32 = makeRol(32);
const ror8 = makeRor(8), ror16 = makeRor(16), ror32 = makeRor(32);
const rcl8 = makeRcl(8), rcl16 = makeRcl(16), rcl32 = makeRcl(32);
const rcr8 = makeRcr(8), rcr16 = makeRcr(16), rcr32 = makeRcr(32);
const shl8 = makeShl(8), shl16 = makeShl(16), shl32 = makeShl(32);
const shr8 = makeShr(8), shr16 = makeShr(16), shr32 = makeShr(32);
const sar8 = makeSar(8), sar16 = makeSar(16), sar32 = makeSar(32);

/**
 * The group 2 operations by name and width, for the block compiler (interp/compile/), whose
 * shift templates call these same functions so the two paths cannot disagree on a result or flag.
 */
export const SHIFT_CORES: Readonly<Record<string, ShiftCore>> = {
  rol8, rol16, rol32, ror8, ror16, ror32, rcl8, rcl16, rcl32, rcr8, rcr16, rcr32,
  shl8, shl16, shl32, sal8: shl8, sal16: shl16, sal32: shl32, shr8, shr16, shr32, sar8, sar16, sar32,
};

/** Where the count comes from: the Ib immediate, the constant 1, or CL. */
const BY_IMM = 0;
const BY_ONE = 1;
const BY_CL = 2;

// Read-modify-write helpers, one per width: the effective address is computed once, and a
// zero masked count still reads (and can fault) but writes nothing. They are plain functions
// that each handler calls with its operation, not closure factories: a closure factory shares
// one call site for `core` among all its closures, which V8 cannot inline; called from each
// handler, the operation is a constant there and inlines.

function rmw8(m: Machine, i: Insn, core: ShiftCore, by: number): void {
  const cpu = m.cpu;
  const c = by === BY_ONE ? 1 : (by === BY_IMM ? i.imm : cpu.r8[CL]!) & 31;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const v = read8(m, i.seg, a);
    if (c !== 0) write8(m, i.seg, a, core(m, v, c));
  } else if (c !== 0) {
    cpu.r8[i.rm8] = core(m, cpu.r8[i.rm8]!, c);
  }
}

function rmw16(m: Machine, i: Insn, core: ShiftCore, by: number): void {
  const cpu = m.cpu;
  const c = by === BY_ONE ? 1 : (by === BY_IMM ? i.imm : cpu.r8[CL]!) & 31;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const v = read16(m, i.seg, a);
    if (c !== 0) write16(m, i.seg, a, core(m, v, c));
  } else if (c !== 0) {
    cpu.r16[i.rm << 1] = core(m, cpu.r16[i.rm << 1]!, c);
  }
}

function rmw32(m: Machine, i: Insn, core: ShiftCore, by: number): void {
  const cpu = m.cpu;
  const c = by === BY_ONE ? 1 : (by === BY_IMM ? i.imm : cpu.r8[CL]!) & 31;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const v = read32(m, i.seg, a);
    if (c !== 0) write32(m, i.seg, a, core(m, v, c));
  } else if (c !== 0) {
    cpu.r32[i.rm] = core(m, cpu.r32[i.rm]!, c);
  }
}

// ---- SHLD / SHRD: (dest, src, count 1..31) -> result ----

type DoubleCore = (m: Machine, v: number, s: number, c: number) => number;

/** Counts 17-31 on 16 bits shift through dest:src:dest (Intel hardware, QEMU, Bochs). */
const shld16: DoubleCore = (m, v, s, c) => {
  let res: number;
  let cf: number;
  if (c <= 16) {
    res = ((v << c) | (s >>> (16 - c))) & 0xffff;
    cf = (v >>> (16 - c)) & 1;
  } else {
    const k = c - 16;
    res = ((s << k) | (v >>> (16 - k))) & 0xffff;
    cf = (s >>> (16 - k)) & 1;
  }
  setShiftFlags(m, 16, res, cf, (res >>> 15) ^ cf, 0);
  return res;
};

const shld32: DoubleCore = (m, v, s, c) => {
  const res = (v << c) | (s >>> (32 - c));
  const cf = (v >>> (32 - c)) & 1;
  setShiftFlags(m, 32, res, cf, (res >>> 31) ^ cf, 0);
  return res;
};

const shrd16: DoubleCore = (m, v, s, c) => {
  let res: number;
  let cf: number;
  if (c <= 16) {
    res = ((v >>> c) | (s << (16 - c))) & 0xffff;
    cf = (v >>> (c - 1)) & 1;
  } else {
    const k = c - 16;
    res = ((s >>> k) | (v << (16 - k))) & 0xffff;
    cf = (s >>> (k - 1)) & 1;
  }
  setShiftFlags(m, 16, res, cf, ((res >>> 15) ^ (res >>> 14)) & 1, 0);
  return res;
};

const shrd32: DoubleCore = (m, v, s, c) => {
  const res = (v >>> c) | (s << (32 - c));
  setShiftFlags(m, 32, res, (v >>> (c - 1)) & 1, ((res >>> 31) ^ (res >>> 30)) & 1, 0);
  return res;
};

function double16(m: Machine, i: Insn, core: DoubleCore, by: number): void {
  const cpu = m.cpu;
  const c = (by === BY_IMM ? i.imm : cpu.r8[CL]!) & 31;
  const s = cpu.r16[i.reg << 1]!;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const v = read16(m, i.seg, a);
    if (c !== 0) write16(m, i.seg, a, core(m, v, s, c));
  } else if (c !== 0) {
    cpu.r16[i.rm << 1] = core(m, cpu.r16[i.rm << 1]!, s, c);
  }
}

function double32(m: Machine, i: Insn, core: DoubleCore, by: number): void {
  const cpu = m.cpu;
  const c = (by === BY_IMM ? i.imm : cpu.r8[CL]!) & 31;
  const s = cpu.r32[i.reg]!;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const v = read32(m, i.seg, a);
    if (c !== 0) write32(m, i.seg, a, core(m, v, s, c));
  } else if (c !== 0) {
    cpu.r32[i.rm] = core(m, cpu.r32[i.rm]!, s, c);
  }
}

// ---- BT / BTS / BTR / BTC ----

const BIT_TEST = 0;
const BIT_SET = 1;
const BIT_RESET = 2;
const BIT_COMPLEMENT = 3;

function applyBitOp(op: number, v: number, bit: number): number {
  return op === BIT_SET ? v | bit : op === BIT_RESET ? v & ~bit : v ^ bit;
}

/**
 * The bit operation on the word at offset `a` (a memory operand) or in register rm; CF = the
 * bit's old value.
 */
function bitOp16(m: Machine, i: Insn, op: number, a: number, bit: number): void {
  const cpu = m.cpu;
  let v: number;
  if (i.isMem === true) {
    v = read16(m, i.seg, a);
    if (op !== BIT_TEST) write16(m, i.seg, a, applyBitOp(op, v, bit) & 0xffff);
  } else {
    v = cpu.r16[i.rm << 1]!;
    if (op !== BIT_TEST) cpu.r16[i.rm << 1] = applyBitOp(op, v, bit);
  }
  setStatusFlags(cpu, FLAG_CF, (v & bit) !== 0 ? FLAG_CF : 0);
}

function bitOp32(m: Machine, i: Insn, op: number, a: number, bit: number): void {
  const cpu = m.cpu;
  let v: number;
  if (i.isMem === true) {
    v = read32(m, i.seg, a);
    if (op !== BIT_TEST) write32(m, i.seg, a, applyBitOp(op, v, bit));
  } else {
    v = cpu.r32[i.rm]!;
    if (op !== BIT_TEST) cpu.r32[i.rm] = applyBitOp(op, v, bit);
  }
  setStatusFlags(cpu, FLAG_CF, (v & bit) !== 0 ? FLAG_CF : 0);
}

/**
 * Ev,Gv with a 16-bit operand. A memory operand is a bit string: the signed offset selects
 * the word at EA + 2 * (offset SAR 4), wrapped to the address size (SDM Vol. 2A, BT, Table 3-2).
 */
function bitReg16(m: Machine, i: Insn, op: number): void {
  const cpu = m.cpu;
  const off = cpu.r16[i.reg << 1]!;
  let a = 0;
  if (i.isMem === true) {
    const ea = effectiveAddress(cpu, i) + (((off << 16) >> 20) << 1);
    a = i.asz32 === true ? ea | 0 : ea & 0xffff;
  }
  bitOp16(m, i, op, a, 1 << (off & 15));
}

function bitReg32(m: Machine, i: Insn, op: number): void {
  const cpu = m.cpu;
  const off = cpu.r32[i.reg]!;
  let a = 0;
  if (i.isMem === true) {
    const ea = effectiveAddress(cpu, i) + ((off >> 5) << 2);
    a = i.asz32 === true ? ea | 0 : ea & 0xffff;
  }
  bitOp32(m, i, op, a, 1 << (off & 31));
}

/** Ev,Ib: the offset is masked to the width and never moves a memory operand. */
function bitImm16(m: Machine, i: Insn, op: number): void {
  bitOp16(m, i, op, i.isMem === true ? effectiveAddress(m.cpu, i) : 0, 1 << (i.imm & 15));
}

function bitImm32(m: Machine, i: Insn, op: number): void {
  bitOp32(m, i, op, i.isMem === true ? effectiveAddress(m.cpu, i) : 0, 1 << (i.imm & 31));
}

// ---- SETcc / CMOVcc: the condition is the low nibble of the opcode (SDM Vol. 2A, Table B-1) ----

const setcc: Handler = (m, i) => {
  const cpu = m.cpu;
  const v = testCondition(cpu, i.opcode & 15) ? 1 : 0;
  if (i.isMem === true) write8(m, i.seg, effectiveAddress(cpu, i), v);
  else cpu.r8[i.rm8] = v;
};

/** The source is read before the condition is tested, so a memory source faults either way. */
const cmov16: Handler = (m, i) => {
  const v = readRm16(m, i);
  if (testCondition(m.cpu, i.opcode & 15)) m.cpu.r16[i.reg << 1] = v;
};

const cmov32: Handler = (m, i) => {
  const v = readRm32(m, i);
  if (testCondition(m.cpu, i.opcode & 15)) m.cpu.r32[i.reg] = v;
};

// ---- XADD / CMPXCHG: the memory write comes before any register write, so a fault leaves
// the registers as they were ----

const xadd8: Handler = (m, i) => {
  const cpu = m.cpu;
  const src = cpu.r8[i.reg8]!;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const d = read8(m, i.seg, a);
    const r = (d + src) & 0xff;
    write8(m, i.seg, a, r);
    cpu.r8[i.reg8] = d;
    setLazy(cpu, LAZY_ADD, 8, d, src, r);
  } else {
    const d = cpu.r8[i.rm8]!;
    const r = (d + src) & 0xff;
    // Source first, destination last: XADD r,r with one register leaves the sum.
    cpu.r8[i.reg8] = d;
    cpu.r8[i.rm8] = r;
    setLazy(cpu, LAZY_ADD, 8, d, src, r);
  }
};

const xadd16: Handler = (m, i) => {
  const cpu = m.cpu;
  const src = cpu.r16[i.reg << 1]!;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const d = read16(m, i.seg, a);
    const r = (d + src) & 0xffff;
    write16(m, i.seg, a, r);
    cpu.r16[i.reg << 1] = d;
    setLazy(cpu, LAZY_ADD, 16, d, src, r);
  } else {
    const d = cpu.r16[i.rm << 1]!;
    const r = (d + src) & 0xffff;
    cpu.r16[i.reg << 1] = d;
    cpu.r16[i.rm << 1] = r;
    setLazy(cpu, LAZY_ADD, 16, d, src, r);
  }
};

const xadd32: Handler = (m, i) => {
  const cpu = m.cpu;
  const src = cpu.r32[i.reg]!;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    const d = read32(m, i.seg, a);
    const r = (d + src) | 0;
    write32(m, i.seg, a, r);
    cpu.r32[i.reg] = d;
    setLazy(cpu, LAZY_ADD, 32, d, src, r);
  } else {
    const d = cpu.r32[i.rm]!;
    const r = (d + src) | 0;
    cpu.r32[i.reg] = d;
    cpu.r32[i.rm] = r;
    setLazy(cpu, LAZY_ADD, 32, d, src, r);
  }
};

const cmpxchg8: Handler = (m, i) => {
  const cpu = m.cpu;
  const acc = cpu.r8[0]!;
  let d: number;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    d = read8(m, i.seg, a);
    // A mismatch still writes the old value back (a locked read-modify-write cycle).
    write8(m, i.seg, a, acc === d ? cpu.r8[i.reg8]! : d);
  } else {
    d = cpu.r8[i.rm8]!;
    if (acc === d) cpu.r8[i.rm8] = cpu.r8[i.reg8]!;
  }
  if (acc !== d) cpu.r8[0] = d;
  setLazy(cpu, LAZY_SUB, 8, acc, d, (acc - d) & 0xff);
};

const cmpxchg16: Handler = (m, i) => {
  const cpu = m.cpu;
  const acc = cpu.r16[0]!;
  let d: number;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    d = read16(m, i.seg, a);
    write16(m, i.seg, a, acc === d ? cpu.r16[i.reg << 1]! : d);
  } else {
    d = cpu.r16[i.rm << 1]!;
    if (acc === d) cpu.r16[i.rm << 1] = cpu.r16[i.reg << 1]!;
  }
  if (acc !== d) cpu.r16[0] = d;
  setLazy(cpu, LAZY_SUB, 16, acc, d, (acc - d) & 0xffff);
};

const cmpxchg32: Handler = (m, i) => {
  const cpu = m.cpu;
  const acc = cpu.r32[REG_EAX]!;
  let d: number;
  if (i.isMem === true) {
    const a = effectiveAddress(cpu, i);
    d = read32(m, i.seg, a);
    write32(m, i.seg, a, acc === d ? cpu.r32[i.reg]! : d);
  } else {
    d = cpu.r32[i.rm]!;
    if (acc === d) cpu.r32[i.rm] = cpu.r32[i.reg]!;
  }
  if (acc !== d) cpu.r32[REG_EAX] = d;
  setLazy(cpu, LAZY_SUB, 32, acc, d, (acc - d) | 0);
};

/** The whole quadword is limit-checked first, so a fault never leaves half of it written. */
const cmpxchg8b: Handler = (m, i) => {
  const cpu = m.cpu;
  const seg = i.seg;
  const a = effectiveAddress(cpu, i);
  const a4 = i.asz32 === true ? (a + 4) | 0 : (a + 4) & 0xffff;
  linearAddressForWrite(cpu, seg, a, 8);
  const lo = read32(m, seg, a);
  const hi = read32(m, seg, a4);
  const equal = lo === cpu.r32[REG_EAX] && hi === cpu.r32[REG_EDX];
  if (equal) {
    write32(m, seg, a, cpu.r32[REG_EBX]!);
    write32(m, seg, a4, cpu.r32[REG_ECX]!);
  } else {
    write32(m, seg, a, lo);
    write32(m, seg, a4, hi);
    cpu.r32[REG_EAX] = lo;
    cpu.r32[REG_EDX] = hi;
  }
  setStatusFlags(cpu, FLAG_ZF, equal ? FLAG_ZF : 0);
};

export const shiftBitHandlers = {
  Rol_rm8_imm8: (m, i) => rmw8(m, i, rol8, BY_IMM), Rol_rm8_1: (m, i) => rmw8(m, i, rol8, BY_ONE), Rol_rm8_CL: (m, i) => rmw8(m, i, rol8, BY_CL),
  Rol_rm16_imm8: (m, i) => rmw16(m, i, rol16, BY_IMM), Rol_rm16_1: (m, i) => rmw16(m, i, rol16, BY_ONE), Rol_rm16_CL: (m, i) => rmw16(m, i, rol16, BY_CL),
  Rol_rm32_imm8: (m, i) => rmw32(m, i, rol32, BY_IMM), Rol_rm32_1: (m, i) => rmw32(m, i, rol32, BY_ONE), Rol_rm32_CL: (m, i) => rmw32(m, i, rol32, BY_CL),
  Ror_rm8_imm8: (m, i) => rmw8(m, i, ror8, BY_IMM), Ror_rm8_1: (m, i) => rmw8(m, i, ror8, BY_ONE), Ror_rm8_CL: (m, i) => rmw8(m, i, ror8, BY_CL),
  Ror_rm16_imm8: (m, i) => rmw16(m, i, ror16, BY_IMM), Ror_rm16_1: (m, i) => rmw16(m, i, ror16, BY_ONE), Ror_rm16_CL: (m, i) => rmw16(m, i, ror16, BY_CL),
  Ror_rm32_imm8: (m, i) => rmw32(m, i, ror32, BY_IMM), Ror_rm32_1: (m, i) => rmw32(m, i, ror32, BY_ONE), Ror_rm32_CL: (m, i) => rmw32(m, i, ror32, BY_CL),
  Rcl_rm8_imm8: (m, i) => rmw8(m, i, rcl8, BY_IMM), Rcl_rm8_1: (m, i) => rmw8(m, i, rcl8, BY_ONE), Rcl_rm8_CL: (m, i) => rmw8(m, i, rcl8, BY_CL),
  Rcl_rm16_imm8: (m, i) => rmw16(m, i, rcl16, BY_IMM), Rcl_rm16_1: (m, i) => rmw16(m, i, rcl16, BY_ONE), Rcl_rm16_CL: (m, i) => rmw16(m, i, rcl16, BY_CL),
  Rcl_rm32_imm8: (m, i) => rmw32(m, i, rcl32, BY_IMM), Rcl_rm32_1: (m, i) => rmw32(m, i, rcl32, BY_ONE), Rcl_rm32_CL: (m, i) => rmw32(m, i, rcl32, BY_CL),
  Rcr_rm8_imm8: (m, i) => rmw8(m, i, rcr8, BY_IMM), Rcr_rm8_1: (m, i) => rmw8(m, i, rcr8, BY_ONE), Rcr_rm8_CL: (m, i) => rmw8(m, i, rcr8, BY_CL),
  Rcr_rm16_imm8: (m, i) => rmw16(m, i, rcr16, BY_IMM), Rcr_rm16_1: (m, i) => rmw16(m, i, rcr16, BY_ONE), Rcr_rm16_CL: (m, i) => rmw16(m, i, rcr16, BY_CL),
  Rcr_rm32_imm8: (m, i) => rmw32(m, i, rcr32, BY_IMM), Rcr_rm32_1: (m, i) => rmw32(m, i, rcr32, BY_ONE), Rcr_rm32_CL: (m, i) => rmw32(m, i, rcr32, BY_CL),
  Shl_rm8_imm8: (m, i) => rmw8(m, i, shl8, BY_IMM), Shl_rm8_1: (m, i) => rmw8(m, i, shl8, BY_ONE), Shl_rm8_CL: (m, i) => rmw8(m, i, shl8, BY_CL),
  Shl_rm16_imm8: (m, i) => rmw16(m, i, shl16, BY_IMM), Shl_rm16_1: (m, i) => rmw16(m, i, shl16, BY_ONE), Shl_rm16_CL: (m, i) => rmw16(m, i, shl16, BY_CL),
  Shl_rm32_imm8: (m, i) => rmw32(m, i, shl32, BY_IMM), Shl_rm32_1: (m, i) => rmw32(m, i, shl32, BY_ONE), Shl_rm32_CL: (m, i) => rmw32(m, i, shl32, BY_CL),
  Shr_rm8_imm8: (m, i) => rmw8(m, i, shr8, BY_IMM), Shr_rm8_1: (m, i) => rmw8(m, i, shr8, BY_ONE), Shr_rm8_CL: (m, i) => rmw8(m, i, shr8, BY_CL),
  Shr_rm16_imm8: (m, i) => rmw16(m, i, shr16, BY_IMM), Shr_rm16_1: (m, i) => rmw16(m, i, shr16, BY_ONE), Shr_rm16_CL: (m, i) => rmw16(m, i, shr16, BY_CL),
  Shr_rm32_imm8: (m, i) => rmw32(m, i, shr32, BY_IMM), Shr_rm32_1: (m, i) => rmw32(m, i, shr32, BY_ONE), Shr_rm32_CL: (m, i) => rmw32(m, i, shr32, BY_CL),
  // SAL (/6) is SHL (/4) from the 186 on.
  Sal_rm8_imm8: (m, i) => rmw8(m, i, shl8, BY_IMM), Sal_rm8_1: (m, i) => rmw8(m, i, shl8, BY_ONE), Sal_rm8_CL: (m, i) => rmw8(m, i, shl8, BY_CL),
  Sal_rm16_imm8: (m, i) => rmw16(m, i, shl16, BY_IMM), Sal_rm16_1: (m, i) => rmw16(m, i, shl16, BY_ONE), Sal_rm16_CL: (m, i) => rmw16(m, i, shl16, BY_CL),
  Sal_rm32_imm8: (m, i) => rmw32(m, i, shl32, BY_IMM), Sal_rm32_1: (m, i) => rmw32(m, i, shl32, BY_ONE), Sal_rm32_CL: (m, i) => rmw32(m, i, shl32, BY_CL),
  Sar_rm8_imm8: (m, i) => rmw8(m, i, sar8, BY_IMM), Sar_rm8_1: (m, i) => rmw8(m, i, sar8, BY_ONE), Sar_rm8_CL: (m, i) => rmw8(m, i, sar8, BY_CL),
  Sar_rm16_imm8: (m, i) => rmw16(m, i, sar16, BY_IMM), Sar_rm16_1: (m, i) => rmw16(m, i, sar16, BY_ONE), Sar_rm16_CL: (m, i) => rmw16(m, i, sar16, BY_CL),
  Sar_rm32_imm8: (m, i) => rmw32(m, i, sar32, BY_IMM), Sar_rm32_1: (m, i) => rmw32(m, i, sar32, BY_ONE), Sar_rm32_CL: (m, i) => rmw32(m, i, sar32, BY_CL),

  Shld_rm16_r16_imm8: (m, i) => double16(m, i, shld16, BY_IMM), Shld_rm16_r16_CL: (m, i) => double16(m, i, shld16, BY_CL),
  Shld_rm32_r32_imm8: (m, i) => double32(m, i, shld32, BY_IMM), Shld_rm32_r32_CL: (m, i) => double32(m, i, shld32, BY_CL),
  Shrd_rm16_r16_imm8: (m, i) => double16(m, i, shrd16, BY_IMM), Shrd_rm16_r16_CL: (m, i) => double16(m, i, shrd16, BY_CL),
  Shrd_rm32_r32_imm8: (m, i) => double32(m, i, shrd32, BY_IMM), Shrd_rm32_r32_CL: (m, i) => double32(m, i, shrd32, BY_CL),

  Bt_rm16_r16: (m, i) => bitReg16(m, i, BIT_TEST), Bt_rm32_r32: (m, i) => bitReg32(m, i, BIT_TEST), Bt_rm16_imm8: (m, i) => bitImm16(m, i, BIT_TEST), Bt_rm32_imm8: (m, i) => bitImm32(m, i, BIT_TEST),
  Bts_rm16_r16: (m, i) => bitReg16(m, i, BIT_SET), Bts_rm32_r32: (m, i) => bitReg32(m, i, BIT_SET), Bts_rm16_imm8: (m, i) => bitImm16(m, i, BIT_SET), Bts_rm32_imm8: (m, i) => bitImm32(m, i, BIT_SET),
  Btr_rm16_r16: (m, i) => bitReg16(m, i, BIT_RESET), Btr_rm32_r32: (m, i) => bitReg32(m, i, BIT_RESET), Btr_rm16_imm8: (m, i) => bitImm16(m, i, BIT_RESET), Btr_rm32_imm8: (m, i) => bitImm32(m, i, BIT_RESET),
  Btc_rm16_r16: (m, i) => bitReg16(m, i, BIT_COMPLEMENT), Btc_rm32_r32: (m, i) => bitReg32(m, i, BIT_COMPLEMENT), Btc_rm16_imm8: (m, i) => bitImm16(m, i, BIT_COMPLEMENT), Btc_rm32_imm8: (m, i) => bitImm32(m, i, BIT_COMPLEMENT),

  // A zero source sets ZF and leaves the destination alone; the other flags are those of a
  // logical operation on the source (QEMU).
  Bsf_r16_rm16: (m, i) => {
    const s = readRm16(m, i);
    if (s !== 0) m.cpu.r16[i.reg << 1] = 31 - Math.clz32(s & -s);
    setLazy(m.cpu, LAZY_LOGIC, 16, 0, 0, s);
  },
  Bsf_r32_rm32: (m, i) => {
    const s = readRm32(m, i);
    if (s !== 0) m.cpu.r32[i.reg] = 31 - Math.clz32(s & -s);
    setLazy(m.cpu, LAZY_LOGIC, 32, 0, 0, s);
  },
  Bsr_r16_rm16: (m, i) => {
    const s = readRm16(m, i);
    if (s !== 0) m.cpu.r16[i.reg << 1] = 31 - Math.clz32(s);
    setLazy(m.cpu, LAZY_LOGIC, 16, 0, 0, s);
  },
  Bsr_r32_rm32: (m, i) => {
    const s = readRm32(m, i);
    if (s !== 0) m.cpu.r32[i.reg] = 31 - Math.clz32(s);
    setLazy(m.cpu, LAZY_LOGIC, 32, 0, 0, s);
  },

  Seto_rm8: setcc, Setno_rm8: setcc, Setb_rm8: setcc, Setae_rm8: setcc,
  Sete_rm8: setcc, Setne_rm8: setcc, Setbe_rm8: setcc, Seta_rm8: setcc,
  Sets_rm8: setcc, Setns_rm8: setcc, Setp_rm8: setcc, Setnp_rm8: setcc,
  Setl_rm8: setcc, Setge_rm8: setcc, Setle_rm8: setcc, Setg_rm8: setcc,

  Cmovo_r16_rm16: cmov16, Cmovno_r16_rm16: cmov16, Cmovb_r16_rm16: cmov16, Cmovae_r16_rm16: cmov16,
  Cmove_r16_rm16: cmov16, Cmovne_r16_rm16: cmov16, Cmovbe_r16_rm16: cmov16, Cmova_r16_rm16: cmov16,
  Cmovs_r16_rm16: cmov16, Cmovns_r16_rm16: cmov16, Cmovp_r16_rm16: cmov16, Cmovnp_r16_rm16: cmov16,
  Cmovl_r16_rm16: cmov16, Cmovge_r16_rm16: cmov16, Cmovle_r16_rm16: cmov16, Cmovg_r16_rm16: cmov16,
  Cmovo_r32_rm32: cmov32, Cmovno_r32_rm32: cmov32, Cmovb_r32_rm32: cmov32, Cmovae_r32_rm32: cmov32,
  Cmove_r32_rm32: cmov32, Cmovne_r32_rm32: cmov32, Cmovbe_r32_rm32: cmov32, Cmova_r32_rm32: cmov32,
  Cmovs_r32_rm32: cmov32, Cmovns_r32_rm32: cmov32, Cmovp_r32_rm32: cmov32, Cmovnp_r32_rm32: cmov32,
  Cmovl_r32_rm32: cmov32, Cmovge_r32_rm32: cmov32, Cmovle_r32_rm32: cmov32, Cmovg_r32_rm32: cmov32,

  // Undefined with a 16-bit operand: Intel hardware leaves 0 in the low word.
  Bswap_r16: (m, i) => {
    m.cpu.r16[i.reg << 1] = 0;
  },
  Bswap_r32: (m, i) => {
    const x = m.cpu.r32[i.reg]!;
    m.cpu.r32[i.reg] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  },

  Xadd_rm8_r8: xadd8,
  Xadd_rm16_r16: xadd16,
  Xadd_rm32_r32: xadd32,
  Cmpxchg_rm8_r8: cmpxchg8,
  Cmpxchg_rm16_r16: cmpxchg16,
  Cmpxchg_rm32_r32: cmpxchg32,
  Cmpxchg8b_m64: cmpxchg8b,
} satisfies Record<ShiftBitId, Handler>;
