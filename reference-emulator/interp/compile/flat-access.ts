/**
 * Memory access through a flat segment (base 0, every offset valid for reads and writes: the
 * 4 GiB data segments of a flat protected-mode program), for code the region compiler
 * specialised on that, behind a guard (compile-region.ts). The segment limit check of
 * access.ts (SDM Vol. 3A, 5.3) reduces to the access running past 4 GiB, which access.ts then
 * handles (and faults) itself; otherwise the offset is the linear address. Paging is not
 * modelled yet (access.ts linearToPhysical), so the linear address is the physical one; when it
 * is, these functions must translate as access.ts does, or isFlat must also require CR0.PG clear.
 */

import type { CpuState } from '../../machine/cpu-state.ts';
import type { Machine } from '../../machine/machine.ts';
import * as physicalMemoryModule from '../../machine/physical-memory.ts';
import * as accessModule from '../access.ts';

// Module constants rather than live import bindings: see access.ts.
const { readPhys16, readPhys32, readPhys8, writePhys16, writePhys32, writePhys8 } = physicalMemoryModule;
const { read16, read32, write16, write32 } = accessModule;

/** Highest valid offset: 2^32 - 1 (segment limits are byte-granular offsets, access.ts). */
const TOP = 0xffffffff;

/** The segment is flat for every access this file makes (the guard of a specialised region). */
export function isFlat(cpu: CpuState, seg: number): boolean {
  return cpu.segBase[seg] === 0 && cpu.segLow[seg] === 0 && cpu.segHigh[seg] === TOP && cpu.segWriteLow[seg] === 0 && cpu.segWriteHigh[seg] === TOP;
}

export function flatRead8(m: Machine, _seg: number, offset: number): number {
  return readPhys8(m.mem, offset);
}
export function flatRead16(m: Machine, seg: number, offset: number): number {
  return offset >>> 0 > TOP - 1 ? read16(m, seg, offset) : readPhys16(m.mem, offset);
}
export function flatRead32(m: Machine, seg: number, offset: number): number {
  return offset >>> 0 > TOP - 3 ? read32(m, seg, offset) : readPhys32(m.mem, offset);
}
export function flatWrite8(m: Machine, _seg: number, offset: number, value: number): void {
  writePhys8(m.mem, offset, value);
}
export function flatWrite16(m: Machine, seg: number, offset: number, value: number): void {
  if (offset >>> 0 > TOP - 1) write16(m, seg, offset, value);
  else writePhys16(m.mem, offset, value);
}
export function flatWrite32(m: Machine, seg: number, offset: number, value: number): void {
  if (offset >>> 0 > TOP - 3) write32(m, seg, offset, value);
  else writePhys32(m.mem, offset, value);
}
