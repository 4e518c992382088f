/**
 * Memory access through segmentation (SDM Vol. 3A, 3.4 "Logical and Linear Addresses" and
 * 5.3 "Limit Checking"): effective address, segment limit check, linear address, then
 * physical memory. An offset outside the segment's valid range raises #SS(0) for the stack
 * segment and #GP(0) otherwise; in real mode the limit is the cached 64 KiB one, which is why
 * a word access at offset 0xFFFF faults on the 286 and later instead of wrapping.
 *
 * Paging is the next layer: `linearToPhysical` is the seam where the page walk and TLB go in.
 * Limit checks apply in every mode. In protected mode a write to a code or read-only data
 * segment is #GP(0) (SDM Vol. 3A, 5.4.1), through each segment's write range
 * (`linearAddressForWrite`). A read through CS from execute-only code is not refused yet (a data
 * segment register never holds such a segment: segments.ts refuses the load).
 */

import type { Machine } from '../machine/machine.ts';
import type { CpuState } from '../machine/cpu-state.ts';
import * as cpuStateModule from '../machine/cpu-state.ts';
import * as physicalMemoryModule from '../machine/physical-memory.ts';
import type { Insn } from '../decoder/insn.ts';
import * as faultModule from './fault.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { REG_ESP, SEG_SS, SEGATTR_DB } = cpuStateModule;
const { readPhys16, readPhys32, readPhys8, writePhys16, writePhys32, writePhys8 } = physicalMemoryModule;
const { CpuFault, VEC_GP, VEC_SS } = faultModule;

/** The effective address (offset in the segment) of a ModRM memory operand. */
export function effectiveAddress(cpu: CpuState, i: Insn): number {
  if (i.asz32 === true) return (cpu.r32[i.base]! + (cpu.r32[i.index]! << i.scale) + i.disp) | 0;
  return (cpu.r16[i.base << 1]! + cpu.r16[i.index << 1]! + i.disp) & 0xffff;
}

/** Limit-checks `size` bytes at `offset` in `seg` and returns the linear address. */
export function linearAddress(cpu: CpuState, seg: number, offset: number, size: number): number {
  const o = offset >>> 0;
  if (o < cpu.segLow[seg]! || o + size - 1 > cpu.segHigh[seg]!) {
    throw new CpuFault(seg === SEG_SS ? (cpu.cr0 & 1 ? VEC_SS : cpu.realStackFaultVector) : VEC_GP, 0);
  }
  return (cpu.segBase[seg]! + offset) | 0;
}

/** Like linearAddress, for a write: also #GP(0) for a code or read-only segment in protected mode (segWriteLow). */
export function linearAddressForWrite(cpu: CpuState, seg: number, offset: number, size: number): number {
  const o = offset >>> 0;
  if (o < cpu.segWriteLow[seg]! || o + size - 1 > cpu.segWriteHigh[seg]!) {
    linearAddress(cpu, seg, offset, size); // outside the limits: the limit fault, #SS for SS
    throw new CpuFault(VEC_GP, 0); // within them, the segment's type refuses the write: #GP(0), for SS too
  }
  return (cpu.segBase[seg]! + offset) | 0;
}

/** Paging seam: with CR0.PG clear the linear address is the physical address. */
export function linearToPhysical(_m: Machine, linear: number): number {
  return linear;
}

export function read8(m: Machine, seg: number, offset: number): number {
  return readPhys8(m.mem, linearAddress(m.cpu, seg, offset, 1));
}

export function read16(m: Machine, seg: number, offset: number): number {
  return readPhys16(m.mem, linearAddress(m.cpu, seg, offset, 2));
}

export function read32(m: Machine, seg: number, offset: number): number {
  return readPhys32(m.mem, linearAddress(m.cpu, seg, offset, 4));
}

export function write8(m: Machine, seg: number, offset: number, value: number): void {
  writePhys8(m.mem, linearAddressForWrite(m.cpu, seg, offset, 1), value);
}

export function write16(m: Machine, seg: number, offset: number, value: number): void {
  writePhys16(m.mem, linearAddressForWrite(m.cpu, seg, offset, 2), value);
}

export function write32(m: Machine, seg: number, offset: number, value: number): void {
  writePhys32(m.mem, linearAddressForWrite(m.cpu, seg, offset, 4), value);
}

/** Reads `bits` (8/16/32) at seg:offset. */
export function readSized(m: Machine, seg: number, offset: number, bits: number): number {
  return bits === 8 ? read8(m, seg, offset) : bits === 16 ? read16(m, seg, offset) : read32(m, seg, offset);
}

export function writeSized(m: Machine, seg: number, offset: number, bits: number, value: number): void {
  if (bits === 8) write8(m, seg, offset, value);
  else if (bits === 16) write16(m, seg, offset, value);
  else write32(m, seg, offset, value);
}

// ---- ModRM operands: register or memory, by width ----

export function readRm8(m: Machine, i: Insn): number {
  return i.isMem === true ? read8(m, i.seg, effectiveAddress(m.cpu, i)) : m.cpu.r8[i.rm8]!;
}
export function readRm16(m: Machine, i: Insn): number {
  return i.isMem === true ? read16(m, i.seg, effectiveAddress(m.cpu, i)) : m.cpu.r16[i.rm << 1]!;
}
export function readRm32(m: Machine, i: Insn): number {
  return i.isMem === true ? read32(m, i.seg, effectiveAddress(m.cpu, i)) : m.cpu.r32[i.rm]!;
}
export function writeRm8(m: Machine, i: Insn, value: number): void {
  if (i.isMem === true) write8(m, i.seg, effectiveAddress(m.cpu, i), value);
  else m.cpu.r8[i.rm8] = value;
}
export function writeRm16(m: Machine, i: Insn, value: number): void {
  if (i.isMem === true) write16(m, i.seg, effectiveAddress(m.cpu, i), value);
  else m.cpu.r16[i.rm << 1] = value;
}
export function writeRm32(m: Machine, i: Insn, value: number): void {
  if (i.isMem === true) write32(m, i.seg, effectiveAddress(m.cpu, i), value);
  else m.cpu.r32[i.rm] = value;
}

// ---- the stack (SDM Vol. 1, 6.2): SS.B selects SP or ESP ----

export function stackIs32(cpu: CpuState): boolean {
  return (cpu.segAttr[SEG_SS]! & SEGATTR_DB) !== 0;
}

/** The stack pointer as an offset in SS. */
export function getSP(cpu: CpuState): number {
  return stackIs32(cpu) ? cpu.r32[REG_ESP]! : cpu.r16[REG_ESP << 1]!;
}

export function setSP(cpu: CpuState, value: number): void {
  if (stackIs32(cpu)) cpu.r32[REG_ESP] = value;
  else cpu.r16[REG_ESP << 1] = value;
}

/** The stack pointer `delta` bytes further, wrapped to the stack width. */
export function spPlus(cpu: CpuState, delta: number): number {
  return stackIs32(cpu) ? (cpu.r32[REG_ESP]! + delta) | 0 : (cpu.r16[REG_ESP << 1]! + delta) & 0xffff;
}

/** PUSH of a word: the write happens before SP changes, so a faulting push leaves SP intact. */
export function push16(m: Machine, value: number): void {
  const sp = spPlus(m.cpu, -2);
  write16(m, SEG_SS, sp, value);
  setSP(m.cpu, sp);
}

export function push32(m: Machine, value: number): void {
  const sp = spPlus(m.cpu, -4);
  write32(m, SEG_SS, sp, value);
  setSP(m.cpu, sp);
}

export function pop16(m: Machine): number {
  const value = read16(m, SEG_SS, getSP(m.cpu));
  setSP(m.cpu, spPlus(m.cpu, 2));
  return value;
}

export function pop32(m: Machine): number {
  const value = read32(m, SEG_SS, getSP(m.cpu));
  setSP(m.cpu, spPlus(m.cpu, 4));
  return value;
}

/** Push by operand size. */
export function push(m: Machine, osz32: boolean, value: number): void {
  if (osz32) push32(m, value);
  else push16(m, value);
}

export function pop(m: Machine, osz32: boolean): number {
  return osz32 ? pop32(m) : pop16(m);
}
