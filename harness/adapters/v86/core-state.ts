/**
 * The xvc architectural state (harness/adapter.ts, ArchState) written into and read out of
 * v86's CPU, field by field, through the offsets v86's own CPU object uses in the core's memory.
 *
 * What v86 keeps, and so what round-trips:
 * - the eight general registers, EFLAGS (arithmetic flags are stored directly, none lazily),
 *   EIP (v86 keeps the linear address CS.base + EIP), CR0, CR2, CR3, CR4, GDTR, IDTR;
 * - per segment register, LDTR and TR: the selector, the base, the expanded limit and the
 *   descriptor's access byte (P, DPL, S, type); a "null" mark for data segments loaded with a
 *   null selector in protected mode; the D bit of CS (`is_32`) and the B bit of SS
 *   (`stack_size_32`); the 16/32-bit kind of the TSS (`tss_size_32`);
 * - CPL as its own byte: taken from CS.RPL in protected mode (3 in virtual-8086 mode).
 * What v86 does not keep: G, AVL and L of any cache, the D/B bit of ES, DS, FS and GS, and EFER
 * (v86 is a 32-bit core without NX). Reading reports them as 0; see V86_QUIRKS in subject.ts.
 *
 * PAE paging: v86 holds the four PDPTEs in registers loaded at MOV CR3 (SDM Vol. 3A, 4.4.1);
 * `loadPdptes` loads them from guest memory as that MOV would.
 */

import type { ArchState, SegmentState } from '../../adapter.ts';
import type { V86Cpu } from './v86-machine.ts';

// v86 numbers the segment registers as the ModRM Sreg encoding does, like the reference.
export { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../../../reference-emulator/index.ts';
import { CR0_PE, CR0_PG, REG32_NAMES, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_NAMES, SEG_SS, SEGATTR_DB } from '../../../reference-emulator/index.ts';
export const SEG_TR = 6;
export const SEG_LDTR = 7;

export const CR4_PAE = 1 << 5;
const EFLAGS_VM = 1 << 17;
/** EFLAGS bit 1 reads as 1 (SDM Vol. 1, 3.4.3). */
const EFLAGS_FIXED_1 = 1 << 1;
/** TSS descriptor types of a 32-bit TSS, available and busy (SDM Vol. 3A, 3.5, Table 3-2). */
const TSS32_AVAILABLE = 0x9;
const TSS32_BUSY = 0xb;

type Field = 'reg32' | 'sreg' | 'isNull' | 'segBase' | 'segLimit' | 'access' | 'pm' | 'is32' | 'ss32' | 'cpl' | 'inHlt' | 'cr' | 'pdpte' | 'idtrSize' | 'idtrBase' | 'gdtrSize' | 'gdtrBase' | 'tss32' | 'flags' | 'flagsChanged' | 'prefixes' | 'ip' | 'prevIp' | 'counter';

/**
 * Plain typed views of the core's memory at the offsets v86's CPU object uses (each of its own
 * fields makes a new typed array per access, too slow for a run loop). The views are rebuilt
 * when the memory grows, which replaces its buffer.
 */
export class CoreView {
  readonly off: Record<Field, number>;
  /** Where guest-physical address 0 sits in the core's memory. */
  readonly memBase: number;
  private buffer: ArrayBufferLike | undefined;
  private i32Array = new Int32Array(0);
  private u16Array = new Uint16Array(0);
  private u8Array = new Uint8Array(0);

  constructor(readonly cpu: V86Cpu, readonly memorySize: number) {
    this.off = {
      reg32: cpu.reg32.byteOffset, sreg: cpu.sreg.byteOffset, isNull: cpu.segment_is_null.byteOffset, segBase: cpu.segment_offsets.byteOffset,
      segLimit: cpu.segment_limits.byteOffset, access: cpu.segment_access_bytes.byteOffset, pm: cpu.protected_mode.byteOffset, is32: cpu.is_32.byteOffset,
      ss32: cpu.stack_size_32.byteOffset, cpl: cpu.cpl.byteOffset, inHlt: cpu.in_hlt.byteOffset, cr: cpu.cr.byteOffset, pdpte: cpu.reg_pdpte.byteOffset,
      idtrSize: cpu.idtr_size.byteOffset, idtrBase: cpu.idtr_offset.byteOffset, gdtrSize: cpu.gdtr_size.byteOffset, gdtrBase: cpu.gdtr_offset.byteOffset,
      tss32: cpu.tss_size_32.byteOffset, flags: cpu.flags.byteOffset, flagsChanged: cpu.flags_changed.byteOffset, prefixes: cpu.prefixes.byteOffset,
      ip: cpu.instruction_pointer.byteOffset, prevIp: cpu.previous_ip.byteOffset, counter: cpu.instruction_counter.byteOffset,
    };
    this.memBase = cpu.mem8.byteOffset;
    // Physical addresses are recovered from TLB entries, which hold (mem8 + physical) ^ linear.
    if (this.memBase % 4096 !== 0) throw new Error(`v86 guest memory is not page-aligned in the core (offset 0x${this.memBase.toString(16)})`);
  }

  private fresh(): void {
    const buffer = this.cpu.wasm_memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.i32Array = new Int32Array(buffer);
    this.u16Array = new Uint16Array(buffer);
    this.u8Array = new Uint8Array(buffer);
  }

  get i32(): Int32Array {
    this.fresh();
    return this.i32Array;
  }

  /** Guest-physical RAM, 0 to memorySize. */
  get ram(): Uint8Array {
    this.fresh();
    return this.u8Array.subarray(this.memBase, this.memBase + this.memorySize);
  }

  getI32(field: Field, index = 0): number {
    this.fresh();
    return this.i32Array[(this.off[field] >> 2) + index]!;
  }

  setI32(field: Field, value: number, index = 0): void {
    this.fresh();
    this.i32Array[(this.off[field] >> 2) + index] = value;
  }

  getU16(field: Field, index = 0): number {
    this.fresh();
    return this.u16Array[(this.off[field] >> 1) + index]!;
  }

  setU16(field: Field, value: number, index = 0): void {
    this.fresh();
    this.u16Array[(this.off[field] >> 1) + index] = value;
  }

  getU8(field: Field, index = 0): number {
    this.fresh();
    return this.u8Array[this.off[field] + index]!;
  }

  setU8(field: Field, value: number, index = 0): void {
    this.fresh();
    this.u8Array[this.off[field] + index] = value;
  }

  /** The linear EIP (CS.base + EIP), which is what v86 keeps. */
  get linearEip(): number {
    return this.getI32('ip');
  }

  get instructionCounter(): number {
    return this.getI32('counter') >>> 0;
  }
}

/** Throws a one-line error for a state v86 cannot hold; see the header for what it keeps. */
export function writeArchState(view: CoreView, state: ArchState): void {
  if (state.efer !== 0) throw new Error(`v86 has no EFER (32-bit core without NX): cannot set EFER=0x${(state.efer >>> 0).toString(16)}`);
  const protectedMode = (state.cr0 & CR0_PE) !== 0;
  const vm86 = protectedMode && (state.eflags & EFLAGS_VM) !== 0;
  REG32_NAMES.forEach((name, i) => view.setI32('reg32', state.regs[name] | 0, i));
  const segment = (index: number, seg: SegmentState, isNull: boolean): void => {
    view.setU16('sreg', seg.sel & 0xffff, index);
    view.setI32('segBase', seg.base | 0, index);
    view.setI32('segLimit', seg.limit | 0, index);
    view.setU8('access', seg.attr & 0xff, index);
    view.setU8('isNull', isNull ? 1 : 0, index);
  };
  SEG_NAMES.forEach((name, index) => {
    const seg = state.segs[name];
    // v86 marks a data segment loaded with a null selector in protected mode as unusable.
    segment(index, seg, protectedMode && !vm86 && index !== SEG_CS && (seg.sel & 0xfffc) === 0);
  });
  segment(SEG_TR, state.tr, false);
  segment(SEG_LDTR, state.ldtr, (state.ldtr.sel & 0xfffc) === 0);
  view.setI32('is32', (state.segs.cs.attr & SEGATTR_DB) !== 0 ? 1 : 0);
  view.setI32('ss32', (state.segs.ss.attr & SEGATTR_DB) !== 0 ? 1 : 0);
  const trType = state.tr.attr & 0x0f;
  view.setI32('tss32', trType === TSS32_AVAILABLE || trType === TSS32_BUSY ? 1 : 0);
  view.setI32('cr', state.cr0 | 0, 0);
  view.setI32('cr', state.cr2 | 0, 2);
  view.setI32('cr', state.cr3 | 0, 3);
  view.setI32('cr', state.cr4 | 0, 4);
  view.setI32('pm', protectedMode ? 1 : 0);
  view.setU8('cpl', protectedMode ? (vm86 ? 3 : state.segs.cs.sel & 3) : 0);
  view.setI32('gdtrBase', state.gdtr.base | 0);
  view.setI32('gdtrSize', state.gdtr.limit | 0);
  view.setI32('idtrBase', state.idtr.base | 0);
  view.setI32('idtrSize', state.idtr.limit | 0);
  // Every arithmetic flag from `flags`: none is computed lazily from a last operation.
  view.setI32('flags', state.eflags | EFLAGS_FIXED_1);
  view.setI32('flagsChanged', 0);
  const linearEip = (state.segs.cs.base + state.eip) | 0;
  view.setI32('ip', linearEip);
  view.setI32('prevIp', linearEip);
  view.setI32('prefixes', 0);
  view.setU8('inHlt', 0);
  // v86 caches what depends on the mode (its state flags) and on the page tables (its TLB).
  view.cpu.update_state_flags();
  view.cpu.full_clear_tlb();
}

export function readArchState(view: CoreView): ArchState {
  const seg = (index: number): SegmentState => {
    let attr = view.getU8('access', index);
    if (index === SEG_CS && view.getU8('is32') !== 0) attr |= SEGATTR_DB;
    if (index === SEG_SS && view.getU8('ss32') !== 0) attr |= SEGATTR_DB;
    return { sel: view.getU16('sreg', index), base: view.getI32('segBase', index) >>> 0, limit: view.getI32('segLimit', index) >>> 0, attr };
  };
  const regs = {} as ArchState['regs'];
  REG32_NAMES.forEach((name, i) => {
    regs[name] = view.getI32('reg32', i) >>> 0;
  });
  return {
    regs,
    eip: (view.linearEip - view.getI32('segBase', SEG_CS)) >>> 0,
    eflags: view.cpu.get_eflags() >>> 0,
    segs: { es: seg(SEG_ES), cs: seg(SEG_CS), ss: seg(SEG_SS), ds: seg(SEG_DS), fs: seg(SEG_FS), gs: seg(SEG_GS) },
    cr0: view.getI32('cr', 0) >>> 0,
    cr2: view.getI32('cr', 2) >>> 0,
    cr3: view.getI32('cr', 3) >>> 0,
    cr4: view.getI32('cr', 4) >>> 0,
    efer: 0,
    gdtr: { base: view.getI32('gdtrBase') >>> 0, limit: view.getI32('gdtrSize') & 0xffff },
    idtr: { base: view.getI32('idtrBase') >>> 0, limit: view.getI32('idtrSize') & 0xffff },
    ldtr: seg(SEG_LDTR),
    tr: seg(SEG_TR),
  };
}

/** Loads the PAE PDPTEs from CR3 as a MOV to CR3 would; nothing to do unless PAE paging is on. */
export function loadPdptes(view: CoreView): void {
  const cr0 = view.getI32('cr', 0);
  const cr4 = view.getI32('cr', 4);
  if ((cr0 & CR0_PG) === 0 || (cr4 & CR4_PAE) === 0) return;
  // Four 8-byte entries at CR3[31:5] (SDM Vol. 3A, 4.4.1); v86 keeps them as eight dwords.
  const pdpt = view.getI32('cr', 3) & ~0x1f;
  const ram = view.ram;
  const words = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < 8; i++) view.setI32('pdpte', pdpt + 4 * i + 4 <= view.memorySize ? words.getInt32(pdpt + 4 * i, true) : 0, i);
  view.cpu.full_clear_tlb();
}
