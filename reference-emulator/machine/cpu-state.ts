/**
 * The architectural state of an IA-32 processor as plain data (SDM Vol. 1, 3.4 "Basic
 * Program Execution Registers"; Vol. 3A, 2.4 "Memory-Management Registers", 2.5 "Control
 * Registers", 3.4.3 "Segment Registers" with their hidden descriptor caches).
 *
 * Behaviour lives elsewhere: this file holds numbers only, so state can be copied, compared,
 * serialised and handed across the adapter boundary.
 *
 * Representation choices, for speed in the interpreter's hot loop:
 * - The general registers share one buffer seen through 32-, 16- and 8-bit views, so `AX`, `AL`
 *   and `AH` writes touch exactly the bytes the hardware does. Slot 8 is a permanent zero used as
 *   the "no base / no index" register in effective-address arithmetic.
 * - Status flags are lazy: the last flag-setting operation is kept (the `lz*` fields) and a flag
 *   is computed only when read. `lzMask` says which of the six status flags are lazy; the rest
 *   of EFLAGS lives in `flags`.
 */

import { FLAG_VM } from '../isa/schema.ts';

export const REG_EAX = 0;
export const REG_ECX = 1;
export const REG_EDX = 2;
export const REG_EBX = 3;
export const REG_ESP = 4;
export const REG_EBP = 5;
export const REG_ESI = 6;
export const REG_EDI = 7;
/** Always zero: the missing base or index of an effective address. */
export const REG_ZERO = 8;

/** Segment register numbers in ModRM.reg encoding order (SDM Vol. 2A, Table 2-... "Sreg"). */
export const SEG_ES = 0;
export const SEG_CS = 1;
export const SEG_SS = 2;
export const SEG_DS = 3;
export const SEG_FS = 4;
export const SEG_GS = 5;
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
export const REG32_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const REG16_NAMES = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const REG8_NAMES = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;

/** Descriptor-cache attribute bits, in the positions of a descriptor's high dword >> 8 (SDM Vol. 3A, 3.4.5). */
export const SEGATTR_ACCESSED = 0x01;
export const SEGATTR_WRITABLE = 0x02; // data: writable; code: readable
export const SEGATTR_EXPAND_DOWN = 0x04; // data: expand-down; code: conforming
export const SEGATTR_CODE = 0x08;
export const SEGATTR_S = 0x10; // code/data (not system)
export const SEGATTR_DPL_SHIFT = 5;
export const SEGATTR_PRESENT = 0x80;
export const SEGATTR_DB = 0x4000; // default operation size / big
export const SEGATTR_G = 0x8000;

/** Real-mode descriptor cache attributes: present, writable data, accessed, 16-bit (SDM Vol. 3A, 9.1.4). */
export const SEGATTR_REAL_DATA = SEGATTR_PRESENT | SEGATTR_S | SEGATTR_WRITABLE | SEGATTR_ACCESSED;
export const SEGATTR_REAL_CODE = SEGATTR_PRESENT | SEGATTR_S | SEGATTR_CODE | SEGATTR_WRITABLE | SEGATTR_ACCESSED;

/** CR0 bits (SDM Vol. 3A, 2.5). */
export const CR0_PE = 0x1;
export const CR0_MP = 0x2;
export const CR0_EM = 0x4;
export const CR0_TS = 0x8;
export const CR0_ET = 0x10;
export const CR0_NE = 0x20;
export const CR0_WP = 0x10000;
export const CR0_AM = 0x40000;
export const CR0_NW = 0x20000000;
export const CR0_CD = 0x40000000;
export const CR0_PG = 0x80000000 | 0;

export interface DescriptorTableRegister {
  base: number;
  limit: number;
}

export interface CpuState {
  readonly r32: Int32Array;
  readonly r16: Uint16Array;
  readonly r8: Uint8Array;
  eip: number;

  /** EFLAGS bits that are not lazy; bit 1 is always set. */
  flags: number;
  /**
   * The lazy flag record (interp/flags.ts): the operation, its width in bits, operands, result,
   * ADC/SBB carry-in, and the mask of status flags it still defines. Plain fields holding int32
   * values: on a 64-bit host without pointer compression (Node's build) every int32 is a small
   * integer (Smi) that V8 keeps in the object without boxing, so recording a result is a few
   * plain stores, with none of the bounds checks a typed array would need.
   */
  lzOp: number;
  lzBits: number;
  lzDst: number;
  lzSrc: number;
  lzRes: number;
  lzCarryIn: number;
  lzMask: number;

  /** Visible selectors and hidden descriptor caches, indexed by SEG_*. */
  readonly segSel: Uint16Array;
  readonly segBase: Int32Array;
  /** Lowest and highest valid offsets: expand-down segments invert the range (SDM Vol. 3A, 3.4.5.1). */
  readonly segLow: Float64Array;
  readonly segHigh: Float64Array;
  readonly segLimit: Float64Array;
  readonly segAttr: Uint32Array;
  /**
   * The offsets a write may use: segLow/segHigh again, except that in protected mode a code
   * segment or a read-only data segment takes no write at all (SDM Vol. 3A, 5.4.1 "Type
   * Checking": #GP(0)), which an empty range says without a test on the write path.
   */
  readonly segWriteLow: Float64Array;
  readonly segWriteHigh: Float64Array;

  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  efer: number;
  readonly dr: Int32Array;
  gdtr: DescriptorTableRegister;
  idtr: DescriptorTableRegister;
  ldtr: { sel: number; base: number; limit: number; attr: number };
  tr: { sel: number; base: number; limit: number; attr: number };

  /** Current privilege level (CS.RPL in protected mode, 0 in real mode, 3 in virtual-8086 mode). */
  cpl: number;
  halted: boolean;
  /** Retired instructions since reset: the only clock. RDTSC reads it (plus `tscOffset`). */
  icount: number;
  tscOffset: number;
  readonly msr: Map<number, bigint>;
  /**
   * Vector of a stack-segment limit violation in real mode: #SS (12) from the 386 on, but #GP
   * (13) on the 286, as all 29 such tests of the SingleStepTests 80286 corpus (C3, FF.2) show.
   * Set from the CPU model; protected mode always uses #SS.
   */
  realStackFaultVector: number;
}

/** Byte offset of an 8-bit register in the register buffer: AL..BL are byte 0 of slots 0-3, AH..BH byte 1. */
export function reg8Offset(reg: number): number {
  return reg < 4 ? reg * 4 : (reg - 4) * 4 + 1;
}

/** State after RESET (SDM Vol. 3A, 9.1.1, Table 9-1), except that EDX holds 0 rather than a signature. */
export function createCpuState(): CpuState {
  const buffer = new ArrayBuffer(9 * 4);
  const cpu: CpuState = {
    r32: new Int32Array(buffer),
    r16: new Uint16Array(buffer),
    r8: new Uint8Array(buffer),
    eip: 0xfff0,
    flags: 0x2,
    lzOp: 0,
    lzBits: 32,
    lzDst: 0,
    lzSrc: 0,
    lzRes: 0,
    lzCarryIn: 0,
    lzMask: 0,
    segSel: new Uint16Array(6),
    segBase: new Int32Array(6),
    segLow: new Float64Array(6),
    segHigh: new Float64Array(6),
    segLimit: new Float64Array(6),
    segAttr: new Uint32Array(6),
    segWriteLow: new Float64Array(6),
    segWriteHigh: new Float64Array(6),
    cr0: CR0_ET,
    cr2: 0,
    cr3: 0,
    cr4: 0,
    efer: 0,
    dr: new Int32Array(8),
    gdtr: { base: 0, limit: 0xffff },
    idtr: { base: 0, limit: 0x3ff },
    ldtr: { sel: 0, base: 0, limit: 0xffff, attr: 0x82 },
    tr: { sel: 0, base: 0, limit: 0xffff, attr: 0x8b },
    cpl: 0,
    halted: false,
    icount: 0,
    tscOffset: 0,
    msr: new Map(),
    realStackFaultVector: 12,
  };
  for (let seg = 0; seg < 6; seg++) loadRealSegment(cpu, seg, 0);
  cpu.segSel[SEG_CS] = 0xf000;
  cpu.segBase[SEG_CS] = 0xffff0000 | 0;
  cpu.segAttr[SEG_CS] = SEGATTR_REAL_CODE;
  return cpu;
}

/** Sets a segment's hidden cache directly; used by mode set-up, loaders and adapters. */
export function setSegmentCache(cpu: CpuState, seg: number, sel: number, base: number, limit: number, attr: number): void {
  cpu.segSel[seg] = sel & 0xffff;
  cpu.segBase[seg] = base | 0;
  cpu.segLimit[seg] = limit >>> 0;
  cpu.segAttr[seg] = attr;
  const expandDown = (attr & (SEGATTR_S | SEGATTR_CODE | SEGATTR_EXPAND_DOWN)) === (SEGATTR_S | SEGATTR_EXPAND_DOWN);
  if (expandDown) {
    cpu.segLow[seg] = (limit >>> 0) + 1;
    cpu.segHigh[seg] = attr & SEGATTR_DB ? 0xffffffff : 0xffff;
  } else {
    cpu.segLow[seg] = 0;
    cpu.segHigh[seg] = limit >>> 0;
  }
  syncWriteRange(cpu, seg);
}

/**
 * Protected mode proper: CR0.PE set and not virtual-8086 mode (EFLAGS.VM, SDM Vol. 1, 3.4.3),
 * where segments behave as in real mode.
 */
export function isProtectedMode(cpu: CpuState): boolean {
  return (cpu.cr0 & CR0_PE) !== 0 && (cpu.flags & FLAG_VM) === 0;
}

/** Recomputes one segment's write range from its cache and the mode (see segWriteLow). */
function syncWriteRange(cpu: CpuState, seg: number): void {
  const attr = cpu.segAttr[seg]!;
  const noWrites = isProtectedMode(cpu) && ((attr & SEGATTR_CODE) !== 0 || (attr & SEGATTR_WRITABLE) === 0);
  cpu.segWriteLow[seg] = noWrites ? Infinity : cpu.segLow[seg]!;
  cpu.segWriteHigh[seg] = noWrites ? -1 : cpu.segHigh[seg]!;
}

/** After CR0.PE or EFLAGS.VM changes: every segment's write range follows the new mode. */
export function syncWriteRanges(cpu: CpuState): void {
  for (let seg = 0; seg < 6; seg++) syncWriteRange(cpu, seg);
}

/**
 * A real-mode segment load: base = selector * 16, and the limit and attributes are left as
 * they were, which is what makes "unreal mode" possible (SDM Vol. 3A, 20.1.1). On reset the
 * limit is 64 KiB.
 */
export function loadRealSegment(cpu: CpuState, seg: number, sel: number): void {
  cpu.segSel[seg] = sel & 0xffff;
  cpu.segBase[seg] = (sel & 0xffff) << 4;
  if (cpu.segAttr[seg] === 0) setSegmentCache(cpu, seg, sel, (sel & 0xffff) << 4, 0xffff, seg === SEG_CS ? SEGATTR_REAL_CODE : SEGATTR_REAL_DATA);
}

/** Puts the CPU in real mode with CS:IP and 64 KiB segments, as a loader or the corpus expects. */
export function enterRealMode(cpu: CpuState): void {
  cpu.cr0 &= ~CR0_PE;
  cpu.cpl = 0;
  for (let seg = 0; seg < 6; seg++) {
    setSegmentCache(cpu, seg, cpu.segSel[seg] ?? 0, (cpu.segSel[seg] ?? 0) << 4, 0xffff, seg === SEG_CS ? SEGATTR_REAL_CODE : SEGATTR_REAL_DATA);
  }
  cpu.idtr = { base: 0, limit: 0x3ff };
}

/**
 * Flat 32-bit protected mode at CPL 0: every segment base 0, limit 4 GiB, CS 32-bit code and
 * the rest 32-bit writable data, paging off. No GDT is built; the caches are loaded directly,
 * as the benchmark's machine-state description asks.
 */
export function enterFlatProtectedMode(cpu: CpuState): void {
  cpu.cr0 |= CR0_PE;
  cpu.cpl = 0;
  const data = SEGATTR_PRESENT | SEGATTR_S | SEGATTR_WRITABLE | SEGATTR_ACCESSED | SEGATTR_DB | SEGATTR_G;
  const code = SEGATTR_PRESENT | SEGATTR_S | SEGATTR_CODE | SEGATTR_WRITABLE | SEGATTR_ACCESSED | SEGATTR_DB | SEGATTR_G;
  for (let seg = 0; seg < 6; seg++) {
    setSegmentCache(cpu, seg, seg === SEG_CS ? 0x08 : 0x10, 0, 0xffffffff, seg === SEG_CS ? code : data);
  }
}

/** The operating mode the state is in, for table `modes` checks and reports. */
export function cpuMode(cpu: CpuState): 'real' | 'v86' | 'prot16' | 'prot32' {
  if ((cpu.cr0 & CR0_PE) === 0) return 'real';
  if (cpu.flags & FLAG_VM) return 'v86';
  return (cpu.segAttr[SEG_CS] ?? 0) & SEGATTR_DB ? 'prot32' : 'prot16';
}
