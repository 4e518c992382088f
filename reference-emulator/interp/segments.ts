/**
 * Segment-register loads (SDM Vol. 3A, 3.4.3 and 5.4-5.5; real mode: 20.1.1).
 * - Real and virtual-8086 mode: base = selector << 4; limit and attributes stay as cached.
 * - Protected mode: the descriptor is read from the GDT or LDT and checked for the limit of the
 *   table, or an LDT reference with a null LDTR (#GP(sel)); then, for SS and the data segment
 *   registers, the type and privilege checks of MOV Sreg (SDM Vol. 2B, MOV, protected-mode
 *   operation), which come before presence: SS must be a writable data segment with
 *   RPL = DPL = CPL, a data register a data or readable code segment with RPL and CPL <= DPL
 *   unless it is conforming code (#GP(sel)); then presence (#NP(sel), #SS(sel) for SS). A null
 *   selector is legal for the data segments and #GP(0) for SS and CS.
 * Not yet modelled here: the checks of far transfers into CS (conforming code, call gates, task
 * switches). They belong to the protected-mode issue; this is the seam.
 */

import type { Machine } from '../machine/machine.ts';
import { isProtectedMode, loadRealSegment, SEG_CS, SEG_SS, setSegmentCache, SEGATTR_CODE, SEGATTR_DPL_SHIFT, SEGATTR_EXPAND_DOWN, SEGATTR_G, SEGATTR_PRESENT, SEGATTR_S, SEGATTR_WRITABLE } from '../machine/cpu-state.ts';
import { readPhys32 } from '../machine/physical-memory.ts';
import { CpuFault, VEC_GP, VEC_NP, VEC_SS } from './fault.ts';

export function isProtected(m: Machine): boolean {
  return isProtectedMode(m.cpu);
}

/** Loads a segment register; for CS the caller also sets EIP and CPL. */
export function loadSegment(m: Machine, seg: number, selector: number): void {
  const cpu = m.cpu;
  const sel = selector & 0xffff;
  if (!isProtected(m)) {
    loadRealSegment(cpu, seg, sel);
    cpu.segBase[seg] = sel << 4;
    return;
  }
  if ((sel & 0xfffc) === 0) {
    if (seg === SEG_SS || seg === SEG_CS) throw new CpuFault(VEC_GP, 0);
    setSegmentCache(cpu, seg, sel, 0, 0, 0);
    return;
  }
  const table = sel & 4 ? cpu.ldtr : cpu.gdtr;
  const offset = sel & 0xfff8;
  if ((sel & 4) !== 0 && (cpu.ldtr.sel & 0xfffc) === 0) throw new CpuFault(VEC_GP, sel & 0xfffc);
  if (offset + 7 > table.limit) throw new CpuFault(VEC_GP, sel & 0xfffc);
  const low = readPhys32(m.mem, table.base + offset);
  const high = readPhys32(m.mem, table.base + offset + 4);
  const attr = (high >>> 8) & 0xf0ff;
  if (seg !== SEG_CS && !loadableAs(seg, attr, sel & 3, cpu.cpl)) throw new CpuFault(VEC_GP, sel & 0xfffc);
  if ((attr & SEGATTR_PRESENT) === 0) throw new CpuFault(seg === SEG_SS ? VEC_SS : VEC_NP, sel & 0xfffc);
  const base = ((low >>> 16) | ((high & 0xff) << 16) | (high & 0xff000000)) | 0;
  let limit = (low & 0xffff) | (high & 0xf0000);
  if (attr & SEGATTR_G) limit = ((limit << 12) | 0xfff) >>> 0;
  setSegmentCache(cpu, seg, sel, base, limit, attr);
}

/** MOV/POP Sreg's type and privilege rule for SS and the data segment registers (SDM Vol. 2B, MOV). */
function loadableAs(seg: number, attr: number, rpl: number, cpl: number): boolean {
  const dpl = (attr >> SEGATTR_DPL_SHIFT) & 3;
  if ((attr & SEGATTR_S) === 0) return false; // a system descriptor (LDT, TSS, gate)
  const code = (attr & SEGATTR_CODE) !== 0;
  if (seg === SEG_SS) return !code && (attr & SEGATTR_WRITABLE) !== 0 && rpl === cpl && dpl === cpl;
  if (code && (attr & SEGATTR_WRITABLE) === 0) return false; // execute-only code
  const conformingCode = code && (attr & SEGATTR_EXPAND_DOWN) !== 0;
  return conformingCode || (rpl <= dpl && cpl <= dpl);
}
