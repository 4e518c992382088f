/**
 * Semantics of the arith group: the ALU operations, TEST, INC/DEC, NEG/NOT, the multiplies and
 * divides, the decimal adjusts, the accumulator sign extensions, LAHF/SAHF/SALC and the flag
 * instructions. Pseudo-code and "Flags Affected" from SDM Vol. 2A/2B (ADD ... XOR, DIV, IDIV,
 * DAA, AAA, CLI ...); arithmetic flags go through the lazy record of flags.ts.
 *
 * Flags the SDM leaves undefined (the `flagsUndefined` of each record) are given one
 * deterministic value per CPU model:
 * - i286: what the SingleStepTests 80286 corpus (real hardware) shows, where a cheap rule
 *   reproduces it: MUL/IMUL, DAA, AAA, AAM (see `setMulFlags`, `daa`, `aaa`, `aam`), and DAS/AAS
 *   by analogy. DIV/IDIV are the exception: the 286 leaves internal state of its divide loop in
 *   the flags, with no cheap rule, so they follow the later models;
 * - later models: what QEMU's TCG does (the third authority after a corpus and the SDM); AF
 *   after AND/OR/XOR/TEST is 0 everywhere (flags.ts, and the 286 corpus agrees).
 * Comparisons mask these flags anyway; the values only make the emulator deterministic and
 * closer to the hardware a corpus records.
 *
 * Speed: every handler is its own function literal that calls its operation (`add32` ...)
 * directly, so each call site has one target and V8 inlines the operation and the small operand
 * helpers into a handler specialised for one form and size. 8- and 16-bit values stay
 * non-negative, 32-bit values int32; nothing allocates.
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { arithForms } from '../../isa/forms/arith.ts';
import type { Machine } from '../../machine/machine.ts';
import type { CpuState } from '../../machine/cpu-state.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import * as schemaModule from '../../isa/schema.ts';
import * as accessModule from '../access.ts';
import * as faultModule from '../fault.ts';
import * as flagsModule from '../flags.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { CR0_PE, REG_EAX, REG_EDX } = cpuStateModule;
const { FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_VM, FLAG_ZF, FLAGS_STATUS } = schemaModule;
const { effectiveAddress, read16, read32, read8, readRm16, readRm32, readRm8, write16, write32, write8 } = accessModule;
const { CpuFault, VEC_DE, VEC_GP } = faultModule;
const { getAF, getCF, getFlags, LAZY_ADC, LAZY_ADD, LAZY_LOGIC, LAZY_SBB, LAZY_SUB, setLazy, setLazyCarry, setLazyKeepCarry, setStatusFlags, szpFlags } = flagsModule;

type ArithId = (typeof arithForms)[number]['id'];

/** Byte offsets of AL and AH in the register buffer; indices of AX and DX in the 16-bit view. */
const AL = 0;
const AH = 1;
const AX = REG_EAX << 1;
const DX = REG_EDX << 1;

const CF_OF = FLAG_CF | FLAG_OF;
const LAHF_MASK = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;
const IOPL_SHIFT = 12;

// ---- the ALU operations, per width (SDM Vol. 2A/2B, ADD ADC SUB SBB AND OR XOR) ----

function add8(cpu: CpuState, d: number, s: number): number {
  const r = (d + s) & 0xff;
  setLazy(cpu, LAZY_ADD, 8, d, s, r);
  return r;
}
function add16(cpu: CpuState, d: number, s: number): number {
  const r = (d + s) & 0xffff;
  setLazy(cpu, LAZY_ADD, 16, d, s, r);
  return r;
}
function add32(cpu: CpuState, d: number, s: number): number {
  const r = (d + s) | 0;
  setLazy(cpu, LAZY_ADD, 32, d, s, r);
  return r;
}
function adc8(cpu: CpuState, d: number, s: number): number {
  const c = getCF(cpu);
  const r = (d + s + c) & 0xff;
  setLazyCarry(cpu, LAZY_ADC, 8, d, s, r, c);
  return r;
}
function adc16(cpu: CpuState, d: number, s: number): number {
  const c = getCF(cpu);
  const r = (d + s + c) & 0xffff;
  setLazyCarry(cpu, LAZY_ADC, 16, d, s, r, c);
  return r;
}
function adc32(cpu: CpuState, d: number, s: number): number {
  const c = getCF(cpu);
  const r = (d + s + c) | 0;
  setLazyCarry(cpu, LAZY_ADC, 32, d, s, r, c);
  return r;
}
function sub8(cpu: CpuState, d: number, s: number): number {
  const r = (d - s) & 0xff;
  setLazy(cpu, LAZY_SUB, 8, d, s, r);
  return r;
}
function sub16(cpu: CpuState, d: number, s: number): number {
  const r = (d - s) & 0xffff;
  setLazy(cpu, LAZY_SUB, 16, d, s, r);
  return r;
}
function sub32(cpu: CpuState, d: number, s: number): number {
  const r = (d - s) | 0;
  setLazy(cpu, LAZY_SUB, 32, d, s, r);
  return r;
}
function sbb8(cpu: CpuState, d: number, s: number): number {
  const c = getCF(cpu);
  const r = (d - s - c) & 0xff;
  setLazyCarry(cpu, LAZY_SBB, 8, d, s, r, c);
  return r;
}
function sbb16(cpu: CpuState, d: number, s: number): number {
  const c = getCF(cpu);
  const r = (d - s - c) & 0xffff;
  setLazyCarry(cpu, LAZY_SBB, 16, d, s, r, c);
  return r;
}
function sbb32(cpu: CpuState, d: number, s: number): number {
  const c = getCF(cpu);
  const r = (d - s - c) | 0;
  setLazyCarry(cpu, LAZY_SBB, 32, d, s, r, c);
  return r;
}
function and8(cpu: CpuState, d: number, s: number): number {
  const r = d & s;
  setLazy(cpu, LAZY_LOGIC, 8, d, s, r);
  return r;
}
function and16(cpu: CpuState, d: number, s: number): number {
  const r = d & s;
  setLazy(cpu, LAZY_LOGIC, 16, d, s, r);
  return r;
}
function and32(cpu: CpuState, d: number, s: number): number {
  const r = d & s;
  setLazy(cpu, LAZY_LOGIC, 32, d, s, r);
  return r;
}
function or8(cpu: CpuState, d: number, s: number): number {
  const r = d | s;
  setLazy(cpu, LAZY_LOGIC, 8, d, s, r);
  return r;
}
function or16(cpu: CpuState, d: number, s: number): number {
  const r = d | s;
  setLazy(cpu, LAZY_LOGIC, 16, d, s, r);
  return r;
}
function or32(cpu: CpuState, d: number, s: number): number {
  const r = d | s;
  setLazy(cpu, LAZY_LOGIC, 32, d, s, r);
  return r;
}
function xor8(cpu: CpuState, d: number, s: number): number {
  const r = d ^ s;
  setLazy(cpu, LAZY_LOGIC, 8, d, s, r);
  return r;
}
function xor16(cpu: CpuState, d: number, s: number): number {
  const r = d ^ s;
  setLazy(cpu, LAZY_LOGIC, 16, d, s, r);
  return r;
}
function xor32(cpu: CpuState, d: number, s: number): number {
  const r = d ^ s;
  setLazy(cpu, LAZY_LOGIC, 32, d, s, r);
  return r;
}

// ---- one-operand operations (INC DEC NOT NEG) ----

function inc8(cpu: CpuState, d: number): number {
  const r = (d + 1) & 0xff;
  setLazyKeepCarry(cpu, LAZY_ADD, 8, d, r);
  return r;
}
function inc16(cpu: CpuState, d: number): number {
  const r = (d + 1) & 0xffff;
  setLazyKeepCarry(cpu, LAZY_ADD, 16, d, r);
  return r;
}
function inc32(cpu: CpuState, d: number): number {
  const r = (d + 1) | 0;
  setLazyKeepCarry(cpu, LAZY_ADD, 32, d, r);
  return r;
}
function dec8(cpu: CpuState, d: number): number {
  const r = (d - 1) & 0xff;
  setLazyKeepCarry(cpu, LAZY_SUB, 8, d, r);
  return r;
}
function dec16(cpu: CpuState, d: number): number {
  const r = (d - 1) & 0xffff;
  setLazyKeepCarry(cpu, LAZY_SUB, 16, d, r);
  return r;
}
function dec32(cpu: CpuState, d: number): number {
  const r = (d - 1) | 0;
  setLazyKeepCarry(cpu, LAZY_SUB, 32, d, r);
  return r;
}
function not8(_cpu: CpuState, d: number): number {
  return ~d & 0xff;
}
function not16(_cpu: CpuState, d: number): number {
  return ~d & 0xffff;
}
function not32(_cpu: CpuState, d: number): number {
  return ~d;
}
/** NEG is 0 - value: CF = value != 0 and OF for the most negative value come out of SUB's rules. */
function neg8(cpu: CpuState, d: number): number {
  const r = -d & 0xff;
  setLazy(cpu, LAZY_SUB, 8, 0, d, r);
  return r;
}
function neg16(cpu: CpuState, d: number): number {
  const r = -d & 0xffff;
  setLazy(cpu, LAZY_SUB, 16, 0, d, r);
  return r;
}
function neg32(cpu: CpuState, d: number): number {
  const r = -d | 0;
  setLazy(cpu, LAZY_SUB, 32, 0, d, r);
  return r;
}

// ---- the r/m operand of a read-modify-write ----
// A memory operand's offset is computed once and used for the read and the write. The handlers
// call their operation directly (not through these helpers), so every call site sees one target
// and V8 inlines the operation into the handler.

/** Offset of a memory r/m operand; unused (0) for a register one. */
function rmOffset(m: Machine, i: Insn): number {
  return i.isMem === true ? effectiveAddress(m.cpu, i) : 0;
}
function loadEb(m: Machine, i: Insn, offset: number): number {
  return i.isMem === true ? read8(m, i.seg, offset) : m.cpu.r8[i.rm8]!;
}
function storeEb(m: Machine, i: Insn, offset: number, value: number): void {
  if (i.isMem === true) write8(m, i.seg, offset, value);
  else m.cpu.r8[i.rm8] = value;
}
function loadEw(m: Machine, i: Insn, offset: number): number {
  return i.isMem === true ? read16(m, i.seg, offset) : m.cpu.r16[i.rm << 1]!;
}
function storeEw(m: Machine, i: Insn, offset: number, value: number): void {
  if (i.isMem === true) write16(m, i.seg, offset, value);
  else m.cpu.r16[i.rm << 1] = value;
}
function loadEd(m: Machine, i: Insn, offset: number): number {
  return i.isMem === true ? read32(m, i.seg, offset) : m.cpu.r32[i.rm]!;
}
function storeEd(m: Machine, i: Insn, offset: number, value: number): void {
  if (i.isMem === true) write32(m, i.seg, offset, value);
  else m.cpu.r32[i.rm] = value;
}

// ---- multiply and divide (SDM Vol. 2B, MUL IMUL; Vol. 2A, DIV IDIV) ----

function is286(m: Machine): boolean {
  return m.model.generation === 'i286';
}

/**
 * The high 32 bits of the unsigned 64-bit product of two 32-bit values, from 16-bit partial
 * products so every intermediate stays an exact double (a plain `a * b` can reach 2^64).
 */
function mulHighUnsigned(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) | 0;
}

/** The high half of the signed product: the unsigned one, corrected for each negative factor. */
function mulHighSigned(a: number, b: number): number {
  return (mulHighUnsigned(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/**
 * MUL/IMUL flags: CF = OF = `overflow` (SDM). SF ZF AF PF are undefined:
 * - the 286 sets SF ZF PF from the high half of the product and AF to 1 (SingleStepTests 80286,
 *   F6.4 and 69: all 10,000 cases, register and memory operands);
 * - later models follow QEMU: SF ZF PF from the low half, AF clear.
 */
function setMulFlags(m: Machine, bits: number, low: number, high: number, overflow: boolean): void {
  const cf = overflow ? CF_OF : 0;
  if (is286(m)) setStatusFlags(m.cpu, FLAGS_STATUS, cf | FLAG_AF | szpFlags(bits, high));
  else setStatusFlags(m.cpu, FLAGS_STATUS, cf | szpFlags(bits, low));
}

/** Divide error: #DE, a fault, so the run loop pushes this instruction's own IP. */
function divideError(): never {
  throw new CpuFault(VEC_DE);
}

/** DIV/IDIV flags: all undefined; left unchanged, as QEMU does (the 286's values are not modelled). */
function setDivFlags(_m: Machine): void {}

/**
 * Unsigned (hi * 2^32 + lo) / d for hi < d, in two 16-bit steps whose partial dividends stay
 * below 2^48, so doubles divide them exactly; the floor is exact because a quotient digit is
 * below 2^16 and d below 2^32 (the gap to the next integer, 1/d, exceeds half an ulp).
 * Leaves the quotient in `div64.q` and the remainder in `div64.r` (module scratch, no allocation).
 */
const div64 = { q: 0, r: 0 };
function divide64(hi: number, lo: number, d: number): void {
  const n1 = hi * 0x10000 + (lo >>> 16);
  const q1 = Math.floor(n1 / d);
  const n2 = (n1 - q1 * d) * 0x10000 + (lo & 0xffff);
  const q2 = Math.floor(n2 / d);
  div64.q = q1 * 0x10000 + q2;
  div64.r = n2 - q2 * d;
}

function div8(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const d = readRm8(m, i);
  if (d === 0) divideError();
  const n = cpu.r16[AX]!;
  const q = Math.floor(n / d);
  if (q > 0xff) divideError();
  cpu.r16[AX] = ((n - q * d) << 8) | q;
  setDivFlags(m);
}
function div16(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const d = readRm16(m, i);
  if (d === 0) divideError();
  const n = cpu.r16[DX]! * 0x10000 + cpu.r16[AX]!;
  const q = Math.floor(n / d);
  if (q > 0xffff) divideError();
  cpu.r16[AX] = q;
  cpu.r16[DX] = n - q * d;
  setDivFlags(m);
}
function div32(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const d = readRm32(m, i) >>> 0;
  if (d === 0) divideError();
  const hi = cpu.r32[REG_EDX]! >>> 0;
  if (hi >= d) divideError();
  divide64(hi, cpu.r32[REG_EAX]! >>> 0, d);
  cpu.r32[REG_EAX] = div64.q | 0;
  cpu.r32[REG_EDX] = div64.r | 0;
  setDivFlags(m);
}
function idiv8(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const d = (readRm8(m, i) << 24) >> 24;
  if (d === 0) divideError();
  const n = (cpu.r16[AX]! << 16) >> 16;
  const q = Math.trunc(n / d);
  if (q > 0x7f || q < -0x80) divideError();
  cpu.r16[AX] = (((n - q * d) & 0xff) << 8) | (q & 0xff);
  setDivFlags(m);
}
function idiv16(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const d = (readRm16(m, i) << 16) >> 16;
  if (d === 0) divideError();
  const n = (cpu.r16[DX]! << 16) | cpu.r16[AX]!;
  const q = Math.trunc(n / d);
  if (q > 0x7fff || q < -0x8000) divideError();
  cpu.r16[AX] = q & 0xffff;
  cpu.r16[DX] = (n - q * d) & 0xffff;
  setDivFlags(m);
}
function idiv32(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const d = readRm32(m, i);
  if (d === 0) divideError();
  const hi = cpu.r32[REG_EDX]!;
  const lo = cpu.r32[REG_EAX]!;
  const negative = hi < 0;
  // Divide magnitudes, then apply the signs: the remainder takes the dividend's (SDM IDIV).
  const magLo = negative ? -lo >>> 0 : lo >>> 0;
  const magHi = negative ? (~hi + (lo === 0 ? 1 : 0)) >>> 0 : hi;
  const magD = Math.abs(d);
  if (magHi >= magD) divideError();
  divide64(magHi, magLo, magD);
  const q = negative !== d < 0 ? -div64.q : div64.q;
  if (q > 0x7fffffff || q < -0x80000000) divideError();
  cpu.r32[REG_EAX] = q;
  cpu.r32[REG_EDX] = negative ? -div64.r : div64.r;
  setDivFlags(m);
}

// ---- decimal adjusts (SDM Vol. 2A, DAA DAS AAA AAS AAM AAD) ----
// The adjustment is computed as one add or subtract of 06H/60H/66H to AL, which is what the
// SDM's two conditional steps amount to, and lets the 286's undefined flags fall out of it.

/**
 * DAA: OF is undefined. The 286 sets it as the signed overflow of AL + adjustment (corpus 27:
 * 5,000 of 5,000); later models clear it as QEMU does.
 */
function daa(m: Machine): void {
  const cpu = m.cpu;
  const oldAl = cpu.r8[AL]!;
  const low = (oldAl & 0x0f) > 9 || getAF(cpu) !== 0;
  const high = oldAl > 0x99 || getCF(cpu) !== 0;
  const adjust = (low ? 0x06 : 0) | (high ? 0x60 : 0);
  const al = (oldAl + adjust) & 0xff;
  cpu.r8[AL] = al;
  const of = is286(m) && (oldAl ^ al) & (adjust ^ al) & 0x80 ? FLAG_OF : 0;
  setStatusFlags(cpu, FLAGS_STATUS, (low ? FLAG_AF : 0) | (high ? FLAG_CF : 0) | of | szpFlags(8, al));
}

/**
 * DAS: like DAA, except that CF also takes the borrow of the low-digit step and is never
 * cleared by the high-digit one (SDM pseudo-code). OF on the 286: the signed overflow of
 * AL - adjustment, by analogy with DAA (the corpus has no 2F tests); cleared on later models.
 */
function das(m: Machine): void {
  const cpu = m.cpu;
  const oldAl = cpu.r8[AL]!;
  const low = (oldAl & 0x0f) > 9 || getAF(cpu) !== 0;
  const high = oldAl > 0x99 || getCF(cpu) !== 0;
  const adjust = (low ? 0x06 : 0) | (high ? 0x60 : 0);
  const al = (oldAl - adjust) & 0xff;
  cpu.r8[AL] = al;
  const cf = high || (low && oldAl < 6) ? FLAG_CF : 0;
  const of = is286(m) && (oldAl ^ adjust) & (oldAl ^ al) & 0x80 ? FLAG_OF : 0;
  setStatusFlags(cpu, FLAGS_STATUS, (low ? FLAG_AF : 0) | cf | of | szpFlags(8, al));
}

/**
 * AAA: AX := AX + 106H when adjusting, so AL > F9H carries into AH as well (SDM; the 286
 * corpus agrees). OF SF ZF PF are undefined: the 286 sets them from the 8-bit add AL + 6 (or
 * AL + 0 when not adjusting), 5,000 of 5,000 in corpus 37; later models leave them (QEMU).
 */
function aaa(m: Machine): void {
  const cpu = m.cpu;
  const ax = cpu.r16[AX]!;
  const adjust = (ax & 0x0f) > 9 || getAF(cpu) !== 0;
  cpu.r16[AX] = (adjust ? ax + 0x106 : ax) & 0xff0f;
  const acf = adjust ? FLAG_AF | FLAG_CF : 0;
  if (is286(m)) {
    const al = ax & 0xff;
    const v = adjust ? 6 : 0;
    const sum = (al + v) & 0xff;
    setStatusFlags(cpu, FLAGS_STATUS, acf | ((al ^ sum) & (v ^ sum) & 0x80 ? FLAG_OF : 0) | szpFlags(8, sum));
  } else {
    setStatusFlags(cpu, FLAG_AF | FLAG_CF, acf);
  }
}

/**
 * AAS: AX := AX - 6 (the borrow out of AL reaches AH), AH := AH - 1 (SDM). Undefined OF SF ZF
 * PF on the 286: from the 8-bit subtract AL - 6, by analogy with AAA (no 3F corpus tests).
 */
function aas(m: Machine): void {
  const cpu = m.cpu;
  const ax = cpu.r16[AX]!;
  const adjust = (ax & 0x0f) > 9 || getAF(cpu) !== 0;
  cpu.r16[AX] = (adjust ? ax - 0x106 : ax) & 0xff0f;
  const acf = adjust ? FLAG_AF | FLAG_CF : 0;
  if (is286(m)) {
    const al = ax & 0xff;
    const v = adjust ? 6 : 0;
    const diff = (al - v) & 0xff;
    setStatusFlags(cpu, FLAGS_STATUS, acf | ((al ^ v) & (al ^ diff) & 0x80 ? FLAG_OF : 0) | szpFlags(8, diff));
  } else {
    setStatusFlags(cpu, FLAG_AF | FLAG_CF, acf);
  }
}

/**
 * AAM: AH := AL / base, AL := AL mod base; SF ZF PF from AL, OF AF CF undefined and cleared
 * (a logic result: QEMU, and the 286 corpus D4 agrees). A zero base raises #DE; the 286 has
 * already set the flags as a logic result of AL >> 1 by then (all 11 D4 cases), later models
 * leave them.
 */
function aam(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const base = i.imm;
  const al = cpu.r8[AL]!;
  if (base === 0) {
    if (is286(m)) setLazy(cpu, LAZY_LOGIC, 8, al >> 1, al >> 1, al >> 1);
    divideError();
  }
  const q = Math.floor(al / base);
  const r = al - q * base;
  cpu.r16[AX] = (q << 8) | r;
  setLazy(cpu, LAZY_LOGIC, 8, r, r, r);
}

/** AAD: AL := (AL + AH * base) & FFH, AH := 0; flags as AAM (QEMU; no D5 corpus tests). */
function aad(m: Machine, i: Insn): void {
  const cpu = m.cpu;
  const r = (cpu.r8[AL]! + cpu.r8[AH]! * i.imm) & 0xff;
  cpu.r16[AX] = r;
  setLazy(cpu, LAZY_LOGIC, 8, r, r, r);
}

// ---- CLI/STI (SDM Vol. 2A, CLI; Vol. 2B, STI; Vol. 3A, 20.2.5 for VME, not modelled) ----

/**
 * In protected and virtual-8086 mode IF may change only when CPL <= IOPL; virtual-8086 code
 * runs at CPL 3, which is read from EFLAGS.VM so it does not depend on who entered the mode.
 */
function checkIopl(m: Machine): void {
  const cpu = m.cpu;
  if ((cpu.cr0 & CR0_PE) === 0) return;
  const cpl = cpu.flags & FLAG_VM ? 3 : cpu.cpl;
  if (cpl > ((cpu.flags >> IOPL_SHIFT) & 3)) throw new CpuFault(VEC_GP, 0);
}

export const arithHandlers = {
  // ADD (00-05, 80-83 /0)
  Add_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, add8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  Add_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, add16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  Add_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, add32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  Add_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = add8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Add_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = add16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Add_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = add32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Add_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = add8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Add_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = add16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Add_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = add32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Add_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, add8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Add_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, add8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Add_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, add16(m.cpu, loadEw(m, i, a), i.imm));
  },
  Add_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, add32(m.cpu, loadEd(m, i, a), i.imm));
  },
  Add_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, add16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  Add_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, add32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // OR (08-0D, 80-83 /1)
  Or_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, or8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  Or_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, or16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  Or_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, or32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  Or_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = or8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Or_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = or16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Or_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = or32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Or_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = or8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Or_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = or16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Or_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = or32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Or_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, or8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Or_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, or8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Or_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, or16(m.cpu, loadEw(m, i, a), i.imm));
  },
  Or_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, or32(m.cpu, loadEd(m, i, a), i.imm));
  },
  Or_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, or16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  Or_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, or32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // ADC (10-15, 80-83 /2)
  Adc_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, adc8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  Adc_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, adc16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  Adc_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, adc32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  Adc_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = adc8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Adc_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = adc16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Adc_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = adc32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Adc_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = adc8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Adc_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = adc16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Adc_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = adc32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Adc_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, adc8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Adc_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, adc8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Adc_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, adc16(m.cpu, loadEw(m, i, a), i.imm));
  },
  Adc_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, adc32(m.cpu, loadEd(m, i, a), i.imm));
  },
  Adc_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, adc16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  Adc_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, adc32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // SBB (18-1D, 80-83 /3)
  Sbb_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, sbb8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  Sbb_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, sbb16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  Sbb_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, sbb32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  Sbb_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = sbb8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Sbb_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = sbb16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Sbb_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = sbb32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Sbb_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = sbb8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Sbb_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = sbb16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Sbb_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = sbb32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Sbb_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, sbb8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Sbb_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, sbb8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Sbb_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, sbb16(m.cpu, loadEw(m, i, a), i.imm));
  },
  Sbb_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, sbb32(m.cpu, loadEd(m, i, a), i.imm));
  },
  Sbb_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, sbb16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  Sbb_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, sbb32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // AND (20-25, 80-83 /4)
  And_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, and8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  And_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, and16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  And_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, and32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  And_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = and8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  And_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = and16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  And_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = and32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  And_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = and8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  And_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = and16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  And_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = and32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  And_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, and8(m.cpu, loadEb(m, i, a), i.imm));
  },
  And_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, and8(m.cpu, loadEb(m, i, a), i.imm));
  },
  And_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, and16(m.cpu, loadEw(m, i, a), i.imm));
  },
  And_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, and32(m.cpu, loadEd(m, i, a), i.imm));
  },
  And_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, and16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  And_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, and32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // SUB (28-2D, 80-83 /5)
  Sub_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, sub8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  Sub_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, sub16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  Sub_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, sub32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  Sub_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = sub8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Sub_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = sub16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Sub_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = sub32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Sub_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = sub8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Sub_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = sub16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Sub_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = sub32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Sub_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, sub8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Sub_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, sub8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Sub_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, sub16(m.cpu, loadEw(m, i, a), i.imm));
  },
  Sub_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, sub32(m.cpu, loadEd(m, i, a), i.imm));
  },
  Sub_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, sub16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  Sub_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, sub32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // XOR (30-35, 80-83 /6)
  Xor_rm8_r8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, xor8(m.cpu, loadEb(m, i, a), m.cpu.r8[i.reg8]!));
  },
  Xor_rm16_r16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, xor16(m.cpu, loadEw(m, i, a), m.cpu.r16[i.reg << 1]!));
  },
  Xor_rm32_r32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, xor32(m.cpu, loadEd(m, i, a), m.cpu.r32[i.reg]!));
  },
  Xor_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = xor8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Xor_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = xor16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Xor_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = xor32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Xor_AL_imm8: (m, i) => {
    m.cpu.r8[AL] = xor8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Xor_AX_imm16: (m, i) => {
    m.cpu.r16[AX] = xor16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Xor_EAX_imm32: (m, i) => {
    m.cpu.r32[REG_EAX] = xor32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Xor_rm8_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, xor8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Xor_rm8_imm8_82: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, xor8(m.cpu, loadEb(m, i, a), i.imm));
  },
  Xor_rm16_imm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, xor16(m.cpu, loadEw(m, i, a), i.imm));
  },
  Xor_rm32_imm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, xor32(m.cpu, loadEd(m, i, a), i.imm));
  },
  Xor_rm16_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, xor16(m.cpu, loadEw(m, i, a), i.imm & 0xffff));
  },
  Xor_rm32_imm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, xor32(m.cpu, loadEd(m, i, a), i.imm));
  },
  // CMP (38-3D, 80-83 /7: SUB's flags, no write-back)
  Cmp_rm8_r8: (m, i) => {
    sub8(m.cpu, readRm8(m, i), m.cpu.r8[i.reg8]!);
  },
  Cmp_rm16_r16: (m, i) => {
    sub16(m.cpu, readRm16(m, i), m.cpu.r16[i.reg << 1]!);
  },
  Cmp_rm32_r32: (m, i) => {
    sub32(m.cpu, readRm32(m, i), m.cpu.r32[i.reg]!);
  },
  Cmp_r8_rm8: (m, i) => {
    sub8(m.cpu, m.cpu.r8[i.reg8]!, readRm8(m, i));
  },
  Cmp_r16_rm16: (m, i) => {
    sub16(m.cpu, m.cpu.r16[i.reg << 1]!, readRm16(m, i));
  },
  Cmp_r32_rm32: (m, i) => {
    sub32(m.cpu, m.cpu.r32[i.reg]!, readRm32(m, i));
  },
  Cmp_AL_imm8: (m, i) => {
    sub8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Cmp_AX_imm16: (m, i) => {
    sub16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Cmp_EAX_imm32: (m, i) => {
    sub32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Cmp_rm8_imm8: (m, i) => {
    sub8(m.cpu, readRm8(m, i), i.imm);
  },
  Cmp_rm8_imm8_82: (m, i) => {
    sub8(m.cpu, readRm8(m, i), i.imm);
  },
  Cmp_rm16_imm16: (m, i) => {
    sub16(m.cpu, readRm16(m, i), i.imm);
  },
  Cmp_rm32_imm32: (m, i) => {
    sub32(m.cpu, readRm32(m, i), i.imm);
  },
  Cmp_rm16_imm8: (m, i) => {
    sub16(m.cpu, readRm16(m, i), i.imm & 0xffff);
  },
  Cmp_rm32_imm8: (m, i) => {
    sub32(m.cpu, readRm32(m, i), i.imm);
  },

  // TEST: AND's flags, no write-back
  Test_rm8_r8: (m, i) => {
    and8(m.cpu, readRm8(m, i), m.cpu.r8[i.reg8]!);
  },
  Test_rm16_r16: (m, i) => {
    and16(m.cpu, readRm16(m, i), m.cpu.r16[i.reg << 1]!);
  },
  Test_rm32_r32: (m, i) => {
    and32(m.cpu, readRm32(m, i), m.cpu.r32[i.reg]!);
  },
  Test_AL_imm8: (m, i) => {
    and8(m.cpu, m.cpu.r8[AL]!, i.imm);
  },
  Test_AX_imm16: (m, i) => {
    and16(m.cpu, m.cpu.r16[AX]!, i.imm);
  },
  Test_EAX_imm32: (m, i) => {
    and32(m.cpu, m.cpu.r32[REG_EAX]!, i.imm);
  },
  Test_rm8_imm8: (m, i) => {
    and8(m.cpu, readRm8(m, i), i.imm);
  },
  Test_rm16_imm16: (m, i) => {
    and16(m.cpu, readRm16(m, i), i.imm);
  },
  Test_rm32_imm32: (m, i) => {
    and32(m.cpu, readRm32(m, i), i.imm);
  },
  Test_rm8_imm8_F6r1: (m, i) => {
    and8(m.cpu, readRm8(m, i), i.imm);
  },
  Test_rm16_imm16_F7r1: (m, i) => {
    and16(m.cpu, readRm16(m, i), i.imm);
  },
  Test_rm32_imm32_F7r1: (m, i) => {
    and32(m.cpu, readRm32(m, i), i.imm);
  },

  // INC/DEC
  Inc_r16: (m, i) => {
    m.cpu.r16[i.reg << 1] = inc16(m.cpu, m.cpu.r16[i.reg << 1]!);
  },
  Inc_r32: (m, i) => {
    m.cpu.r32[i.reg] = inc32(m.cpu, m.cpu.r32[i.reg]!);
  },
  Dec_r16: (m, i) => {
    m.cpu.r16[i.reg << 1] = dec16(m.cpu, m.cpu.r16[i.reg << 1]!);
  },
  Dec_r32: (m, i) => {
    m.cpu.r32[i.reg] = dec32(m.cpu, m.cpu.r32[i.reg]!);
  },
  Inc_rm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, inc8(m.cpu, loadEb(m, i, a)));
  },
  Inc_rm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, inc16(m.cpu, loadEw(m, i, a)));
  },
  Inc_rm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, inc32(m.cpu, loadEd(m, i, a)));
  },
  Dec_rm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, dec8(m.cpu, loadEb(m, i, a)));
  },
  Dec_rm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, dec16(m.cpu, loadEw(m, i, a)));
  },
  Dec_rm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, dec32(m.cpu, loadEd(m, i, a)));
  },

  // NOT/NEG
  Not_rm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, not8(m.cpu, loadEb(m, i, a)));
  },
  Not_rm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, not16(m.cpu, loadEw(m, i, a)));
  },
  Not_rm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, not32(m.cpu, loadEd(m, i, a)));
  },
  Neg_rm8: (m, i) => {
    const a = rmOffset(m, i);
    storeEb(m, i, a, neg8(m.cpu, loadEb(m, i, a)));
  },
  Neg_rm16: (m, i) => {
    const a = rmOffset(m, i);
    storeEw(m, i, a, neg16(m.cpu, loadEw(m, i, a)));
  },
  Neg_rm32: (m, i) => {
    const a = rmOffset(m, i);
    storeEd(m, i, a, neg32(m.cpu, loadEd(m, i, a)));
  },

  // MUL: AX := AL * r/m8; DX:AX := AX * r/m16; EDX:EAX := EAX * r/m32 (unsigned)
  Mul_rm8: (m, i) => {
    const cpu = m.cpu;
    const r = cpu.r8[AL]! * readRm8(m, i);
    cpu.r16[AX] = r;
    setMulFlags(m, 8, r & 0xff, r >>> 8, r > 0xff);
  },
  Mul_rm16: (m, i) => {
    const cpu = m.cpu;
    const r = cpu.r16[AX]! * readRm16(m, i);
    cpu.r16[AX] = r;
    cpu.r16[DX] = r >>> 16;
    setMulFlags(m, 16, r & 0xffff, r >>> 16, r > 0xffff);
  },
  Mul_rm32: (m, i) => {
    const cpu = m.cpu;
    const a = cpu.r32[REG_EAX]!;
    const b = readRm32(m, i);
    const high = mulHighUnsigned(a, b);
    const low = Math.imul(a, b);
    cpu.r32[REG_EAX] = low;
    cpu.r32[REG_EDX] = high;
    setMulFlags(m, 32, low, high, high !== 0);
  },
  // IMUL, one operand: signed; CF=OF when the high half is not the sign extension of the low
  Imul_rm8: (m, i) => {
    const cpu = m.cpu;
    const r = ((cpu.r8[AL]! << 24) >> 24) * ((readRm8(m, i) << 24) >> 24);
    cpu.r16[AX] = r;
    setMulFlags(m, 8, r & 0xff, (r >> 8) & 0xff, r !== (r << 24) >> 24);
  },
  Imul_rm16: (m, i) => {
    const cpu = m.cpu;
    const r = ((cpu.r16[AX]! << 16) >> 16) * ((readRm16(m, i) << 16) >> 16);
    cpu.r16[AX] = r;
    cpu.r16[DX] = r >> 16;
    setMulFlags(m, 16, r & 0xffff, (r >> 16) & 0xffff, r !== (r << 16) >> 16);
  },
  Imul_rm32: (m, i) => {
    const cpu = m.cpu;
    const a = cpu.r32[REG_EAX]!;
    const b = readRm32(m, i);
    const high = mulHighSigned(a, b);
    const low = Math.imul(a, b);
    cpu.r32[REG_EAX] = low;
    cpu.r32[REG_EDX] = high;
    setMulFlags(m, 32, low, high, high !== low >> 31);
  },
  // IMUL with a destination register: the product truncated to the operand size
  Imul_r16_rm16: (m, i) => {
    const cpu = m.cpu;
    const r = ((cpu.r16[i.reg << 1]! << 16) >> 16) * ((readRm16(m, i) << 16) >> 16);
    cpu.r16[i.reg << 1] = r;
    setMulFlags(m, 16, r & 0xffff, (r >> 16) & 0xffff, r !== (r << 16) >> 16);
  },
  Imul_r32_rm32: (m, i) => {
    const cpu = m.cpu;
    const a = cpu.r32[i.reg]!;
    const b = readRm32(m, i);
    const low = Math.imul(a, b);
    cpu.r32[i.reg] = low;
    const high = mulHighSigned(a, b);
    setMulFlags(m, 32, low, high, high !== low >> 31);
  },
  Imul_r16_rm16_imm16: (m, i) => {
    const r = ((readRm16(m, i) << 16) >> 16) * ((i.imm << 16) >> 16);
    m.cpu.r16[i.reg << 1] = r;
    setMulFlags(m, 16, r & 0xffff, (r >> 16) & 0xffff, r !== (r << 16) >> 16);
  },
  Imul_r32_rm32_imm32: (m, i) => {
    const a = readRm32(m, i);
    const low = Math.imul(a, i.imm);
    m.cpu.r32[i.reg] = low;
    const high = mulHighSigned(a, i.imm);
    setMulFlags(m, 32, low, high, high !== low >> 31);
  },
  Imul_r16_rm16_imm8: (m, i) => {
    const r = ((readRm16(m, i) << 16) >> 16) * ((i.imm << 16) >> 16);
    m.cpu.r16[i.reg << 1] = r;
    setMulFlags(m, 16, r & 0xffff, (r >> 16) & 0xffff, r !== (r << 16) >> 16);
  },
  Imul_r32_rm32_imm8: (m, i) => {
    const a = readRm32(m, i);
    const low = Math.imul(a, i.imm);
    m.cpu.r32[i.reg] = low;
    const high = mulHighSigned(a, i.imm);
    setMulFlags(m, 32, low, high, high !== low >> 31);
  },

  // DIV/IDIV
  Div_rm8: div8,
  Div_rm16: div16,
  Div_rm32: div32,
  Idiv_rm8: idiv8,
  Idiv_rm16: idiv16,
  Idiv_rm32: idiv32,

  // decimal adjusts
  Daa: daa,
  Das: das,
  Aaa: aaa,
  Aas: aas,
  Aam_imm8: aam,
  Aad_imm8: aad,

  // sign extensions of the accumulator
  Cbw: (m) => {
    m.cpu.r16[AX] = (m.cpu.r8[AL]! << 24) >> 24;
  },
  Cwde: (m) => {
    m.cpu.r32[REG_EAX] = (m.cpu.r16[AX]! << 16) >> 16;
  },
  Cwd: (m) => {
    m.cpu.r16[DX] = m.cpu.r16[AX]! & 0x8000 ? 0xffff : 0;
  },
  Cdq: (m) => {
    m.cpu.r32[REG_EDX] = m.cpu.r32[REG_EAX]! >> 31;
  },

  // AH <-> SF ZF AF PF CF (bit 1 reads as 1, bits 3 and 5 as 0)
  Sahf: (m) => {
    setStatusFlags(m.cpu, LAHF_MASK, m.cpu.r8[AH]!);
  },
  Lahf: (m) => {
    m.cpu.r8[AH] = (getFlags(m.cpu) & LAHF_MASK) | 0x02;
  },
  Salc: (m) => {
    m.cpu.r8[AL] = getCF(m.cpu) ? 0xff : 0;
  },

  // flag instructions
  Cmc: (m) => {
    setStatusFlags(m.cpu, FLAG_CF, getCF(m.cpu) ^ 1);
  },
  Clc: (m) => {
    setStatusFlags(m.cpu, FLAG_CF, 0);
  },
  Stc: (m) => {
    setStatusFlags(m.cpu, FLAG_CF, FLAG_CF);
  },
  Cli: (m) => {
    checkIopl(m);
    m.cpu.flags &= ~FLAG_IF;
  },
  Sti: (m) => {
    checkIopl(m);
    m.cpu.flags |= FLAG_IF;
  },
  Cld: (m) => {
    m.cpu.flags &= ~FLAG_DF;
  },
  Std: (m) => {
    m.cpu.flags |= FLAG_DF;
  },
} satisfies Record<ArithId, Handler>;
