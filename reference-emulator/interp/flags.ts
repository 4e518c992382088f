/**
 * EFLAGS status flags with lazy evaluation (SDM Vol. 1, 3.4.3.1 "Status Flags", and Appendix A
 * "EFLAGS Cross-Reference"). An arithmetic instruction records its operands and result; a flag
 * is computed only when something reads it. Most results are never read (the next instruction
 * overwrites them), so this saves the work of computing six flags on every ALU operation.
 *
 * `cpu.lzMask` says which of the six status flags come from the lazy record; the others, and
 * every control flag, live in `cpu.flags`. Values are kept masked to the operand width
 * (8 and 16 bits as non-negative numbers, 32 bits as int32).
 */

import type { CpuState } from '../machine/cpu-state.ts';
import * as schemaModule from '../isa/schema.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, FLAGS_STATUS } = schemaModule;

/** Lazy operation kinds. */
export const LAZY_ADD = 1;
export const LAZY_ADC = 2;
export const LAZY_SUB = 3;
export const LAZY_SBB = 4;
/** AND/OR/XOR/TEST: CF=OF=0, AF left as 0 (undefined by the SDM; what the P6 and later do). */
export const LAZY_LOGIC = 5;

/** Parity of the low byte: PF is set on an even number of one bits (SDM Vol. 1, 3.4.3.1). */
const PARITY_EVEN = new Uint8Array(256);
for (let v = 0; v < 256; v++) {
  let bits = 0;
  for (let b = v; b; b >>= 1) bits += b & 1;
  PARITY_EVEN[v] = bits % 2 === 0 ? 1 : 0;
}

export function widthMask(bits: number): number {
  return bits === 32 ? -1 : (1 << bits) - 1;
}

/** Records an ADD/ADC/SUB/SBB/logic result: all six status flags become lazy. */
export function setLazy(cpu: CpuState, op: number, bits: number, dst: number, src: number, res: number): void {
  cpu.lzOp = op;
  cpu.lzBits = bits;
  cpu.lzDst = dst;
  cpu.lzSrc = src;
  cpu.lzRes = res;
  cpu.lzMask = FLAGS_STATUS;
}

/** ADC/SBB: like setLazy, with the carry that went in. */
export function setLazyCarry(cpu: CpuState, op: number, bits: number, dst: number, src: number, res: number, carryIn: number): void {
  cpu.lzCarryIn = carryIn;
  setLazy(cpu, op, bits, dst, src, res);
}

/**
 * INC and DEC write OF SF ZF AF PF but keep CF (SDM Vol. 2A, INC/DEC): CF is made concrete
 * first, then the other five become lazy as an ADD or SUB of 1.
 */
export function setLazyKeepCarry(cpu: CpuState, op: number, bits: number, dst: number, res: number): void {
  const cf = getCF(cpu);
  cpu.flags = (cpu.flags & ~FLAG_CF) | cf;
  cpu.lzOp = op;
  cpu.lzBits = bits;
  cpu.lzDst = dst;
  cpu.lzSrc = 1;
  cpu.lzRes = res;
  cpu.lzMask = FLAGS_STATUS & ~FLAG_CF;
}

/**
 * Sets the given status flags to concrete values, leaving the other lazy ones lazy. Shifts,
 * multiplies and BCD adjusts compute their flags eagerly and use this. Nothing needs to be
 * materialised: the record is only ever replaced whole by setLazy (which makes every status flag
 * lazy again) or by setLazyKeepCarry (which makes CF concrete first), so flags still marked lazy
 * keep reading the record they came from.
 */
export function setStatusFlags(cpu: CpuState, mask: number, values: number): void {
  cpu.lzMask = cpu.lzMask & ~mask;
  cpu.flags = (cpu.flags & ~mask) | (values & mask);
}

/** Result flags SF ZF PF of a value of the given width, as bits. */
export function szpFlags(bits: number, res: number): number {
  const m = res & widthMask(bits);
  return (m === 0 ? FLAG_ZF : 0) | ((m >>> (bits - 1)) & 1 ? FLAG_SF : 0) | (PARITY_EVEN[m & 0xff] ? FLAG_PF : 0);
}

export function getCF(cpu: CpuState): number {
  if ((cpu.lzMask & FLAG_CF) === 0) return cpu.flags & FLAG_CF;
  const dst = cpu.lzDst >>> 0;
  const res = cpu.lzRes >>> 0;
  switch (cpu.lzOp) {
    case LAZY_ADD: return res < dst ? 1 : 0;
    case LAZY_ADC: return cpu.lzCarryIn ? (res <= dst ? 1 : 0) : res < dst ? 1 : 0;
    case LAZY_SUB: return dst < cpu.lzSrc >>> 0 ? 1 : 0;
    case LAZY_SBB: return cpu.lzCarryIn ? (dst <= cpu.lzSrc >>> 0 ? 1 : 0) : dst < cpu.lzSrc >>> 0 ? 1 : 0;
    default: return 0;
  }
}

export function getZF(cpu: CpuState): number {
  if ((cpu.lzMask & FLAG_ZF) === 0) return (cpu.flags >> 6) & 1;
  return (cpu.lzRes & widthMask(cpu.lzBits)) === 0 ? 1 : 0;
}

export function getSF(cpu: CpuState): number {
  if ((cpu.lzMask & FLAG_SF) === 0) return (cpu.flags >> 7) & 1;
  return (cpu.lzRes >>> (cpu.lzBits - 1)) & 1;
}

export function getPF(cpu: CpuState): number {
  if ((cpu.lzMask & FLAG_PF) === 0) return (cpu.flags >> 2) & 1;
  return PARITY_EVEN[cpu.lzRes & 0xff] as number;
}

export function getAF(cpu: CpuState): number {
  if ((cpu.lzMask & FLAG_AF) === 0) return (cpu.flags >> 4) & 1;
  if (cpu.lzOp === LAZY_LOGIC) return 0;
  return ((cpu.lzDst ^ cpu.lzSrc ^ cpu.lzRes) >> 4) & 1;
}

export function getOF(cpu: CpuState): number {
  if ((cpu.lzMask & FLAG_OF) === 0) return (cpu.flags >> 11) & 1;
  const dst = cpu.lzDst;
  const src = cpu.lzSrc;
  const res = cpu.lzRes;
  const shift = cpu.lzBits - 1;
  switch (cpu.lzOp) {
    case LAZY_ADD:
    case LAZY_ADC: return (((dst ^ res) & (src ^ res)) >>> shift) & 1;
    case LAZY_SUB:
    case LAZY_SBB: return (((dst ^ src) & (dst ^ res)) >>> shift) & 1;
    default: return 0;
  }
}

/** EFLAGS as the architecture sees it. */
export function getFlags(cpu: CpuState): number {
  const lazy = cpu.lzMask;
  if (lazy === 0) return cpu.flags;
  let f = cpu.flags & ~lazy;
  if (lazy & FLAG_CF) f |= getCF(cpu);
  if (lazy & FLAG_PF) f |= getPF(cpu) << 2;
  if (lazy & FLAG_AF) f |= getAF(cpu) << 4;
  if (lazy & FLAG_ZF) f |= getZF(cpu) << 6;
  if (lazy & FLAG_SF) f |= getSF(cpu) << 7;
  if (lazy & FLAG_OF) f |= getOF(cpu) << 11;
  return f;
}

/** Makes every flag concrete in `cpu.flags`. */
export function materializeFlags(cpu: CpuState): void {
  cpu.flags = getFlags(cpu);
  cpu.lzMask = 0;
}

/** Replaces EFLAGS outright (POPF, IRET, SAHF and loaders apply their own write masks first). */
export function setFlags(cpu: CpuState, value: number): void {
  cpu.flags = (value | 0x2) & ~0x8 & ~0x20 & ~0x8000;
  cpu.lzMask = 0;
}

/**
 * Condition codes (SDM Vol. 2A, Table B-1 "Condition codes"), one small predicate each so a Jcc,
 * SETcc or CMOVcc handler can call its own and V8 can inline it there. When the last flag
 * writer was a SUB/CMP, the unsigned and signed comparisons are read straight from its operands.
 */
function afterSub(cpu: CpuState): boolean {
  return cpu.lzOp === LAZY_SUB && cpu.lzMask === FLAGS_STATUS;
}
const signedShift = (cpu: CpuState): number => 32 - cpu.lzBits;

export const condO = (cpu: CpuState): boolean => getOF(cpu) === 1;
export const condNO = (cpu: CpuState): boolean => getOF(cpu) === 0;
export const condB = (cpu: CpuState): boolean => (afterSub(cpu) ? cpu.lzDst >>> 0 < cpu.lzSrc >>> 0 : getCF(cpu) === 1);
export const condAE = (cpu: CpuState): boolean => (afterSub(cpu) ? cpu.lzDst >>> 0 >= cpu.lzSrc >>> 0 : getCF(cpu) === 0);
export const condE = (cpu: CpuState): boolean => (afterSub(cpu) ? cpu.lzDst === cpu.lzSrc : getZF(cpu) === 1);
export const condNE = (cpu: CpuState): boolean => (afterSub(cpu) ? cpu.lzDst !== cpu.lzSrc : getZF(cpu) === 0);
export const condBE = (cpu: CpuState): boolean => (afterSub(cpu) ? cpu.lzDst >>> 0 <= cpu.lzSrc >>> 0 : (getCF(cpu) | getZF(cpu)) === 1);
export const condA = (cpu: CpuState): boolean => (afterSub(cpu) ? cpu.lzDst >>> 0 > cpu.lzSrc >>> 0 : (getCF(cpu) | getZF(cpu)) === 0);
export const condS = (cpu: CpuState): boolean => getSF(cpu) === 1;
export const condNS = (cpu: CpuState): boolean => getSF(cpu) === 0;
export const condP = (cpu: CpuState): boolean => getPF(cpu) === 1;
export const condNP = (cpu: CpuState): boolean => getPF(cpu) === 0;
export const condL = (cpu: CpuState): boolean =>
  afterSub(cpu) ? cpu.lzDst << signedShift(cpu) < cpu.lzSrc << signedShift(cpu) : getSF(cpu) !== getOF(cpu);
export const condGE = (cpu: CpuState): boolean =>
  afterSub(cpu) ? cpu.lzDst << signedShift(cpu) >= cpu.lzSrc << signedShift(cpu) : getSF(cpu) === getOF(cpu);
export const condLE = (cpu: CpuState): boolean =>
  afterSub(cpu) ? cpu.lzDst << signedShift(cpu) <= cpu.lzSrc << signedShift(cpu) : getZF(cpu) === 1 || getSF(cpu) !== getOF(cpu);
export const condG = (cpu: CpuState): boolean =>
  afterSub(cpu) ? cpu.lzDst << signedShift(cpu) > cpu.lzSrc << signedShift(cpu) : getZF(cpu) === 0 && getSF(cpu) === getOF(cpu);

/** The predicates in opcode order (the low nibble of Jcc/SETcc/CMOVcc). */
export const CONDITIONS: ReadonlyArray<(cpu: CpuState) => boolean> = [
  condO, condNO, condB, condAE, condE, condNE, condBE, condA, condS, condNS, condP, condNP, condL, condGE, condLE, condG,
];

/** Condition `cc` (0-15) by number, for handlers that take it from the opcode. */
export function testCondition(cpu: CpuState, cc: number): boolean {
  return CONDITIONS[cc & 15]!(cpu);
}
