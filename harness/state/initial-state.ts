/**
 * Portable starting states for subjects: real mode after reset, and flat 32-bit protected mode
 * at CPL 0 with paging off (the benchmark's and the differential suite's machine). Every
 * adapter can load these, so a suite starts the reference and a third-party emulator from the
 * same architectural state.
 *
 * Flat mode comes with a real GDT in guest memory (null, 32-bit code at 0x08, 32-bit data at
 * 0x10, SDM Vol. 3A, 3.4.5), because emulators such as QEMU reload a descriptor from the GDT
 * whenever a selector is written; the reference loads the caches directly and never reads it.
 */

import type { ArchState, SegmentState, Subject, SubjectConfig } from '../adapter.ts';

/** Descriptor attribute bits as ArchState carries them (a descriptor's high dword >> 8). */
export const ATTR_REAL_DATA = 0x93;
export const ATTR_REAL_CODE = 0x9b;
export const ATTR_FLAT_DATA = 0xc093;
export const ATTR_FLAT_CODE = 0xc09b;
export const ATTR_LDT = 0x82;
export const ATTR_TSS_BUSY = 0x8b;

export const FLAT_CODE_SELECTOR = 0x08;
export const FLAT_DATA_SELECTOR = 0x10;
/** Where flat mode's GDT lives in guest-physical memory: low, below the usual load address 0x1000. */
export const FLAT_GDT_BASE = 0x800;

export interface MemoryImage {
  address: number;
  bytes: Uint8Array;
}

/** A starting state plus the memory it depends on (descriptor tables). */
export interface InitialSetup {
  state: ArchState;
  memory: MemoryImage[];
}

/**
 * Starts a program on a subject: reset to `config`, the setup's memory (its descriptor tables),
 * the program's bytes at `at`, then the state, last, because an emulator that reloads a
 * descriptor when a selector is written reads the tables already in memory.
 */
export async function loadProgram(subject: Subject, config: SubjectConfig, setup: InitialSetup, at: number, program: Uint8Array | readonly number[]): Promise<void> {
  await subject.reset(config);
  for (const m of setup.memory) await subject.writeMemory(m.address, m.bytes);
  await subject.writeMemory(at, program instanceof Uint8Array ? program : Uint8Array.from(program));
  await subject.setState(setup.state);
}

export interface RegisterValues {
  eax?: number;
  ecx?: number;
  edx?: number;
  ebx?: number;
  esp?: number;
  ebp?: number;
  esi?: number;
  edi?: number;
}

function registers(r: RegisterValues): ArchState['regs'] {
  return {
    eax: (r.eax ?? 0) >>> 0, ecx: (r.ecx ?? 0) >>> 0, edx: (r.edx ?? 0) >>> 0, ebx: (r.ebx ?? 0) >>> 0,
    esp: (r.esp ?? 0) >>> 0, ebp: (r.ebp ?? 0) >>> 0, esi: (r.esi ?? 0) >>> 0, edi: (r.edi ?? 0) >>> 0,
  };
}

const NO_LDT: SegmentState = { sel: 0, base: 0, limit: 0xffff, attr: ATTR_LDT };
const NO_TSS: SegmentState = { sel: 0, base: 0, limit: 0xffff, attr: ATTR_TSS_BUSY };

/** An 8-byte segment descriptor (SDM Vol. 3A, Figure 3-8) for base, byte-granular or 4 KiB limit and attributes. */
export function segmentDescriptor(base: number, limit: number, attr: number): Uint8Array {
  const granular = (attr & 0x8000) !== 0;
  const rawLimit = granular ? limit >>> 12 : limit;
  const d = new Uint8Array(8);
  d[0] = rawLimit & 0xff;
  d[1] = (rawLimit >>> 8) & 0xff;
  d[2] = base & 0xff;
  d[3] = (base >>> 8) & 0xff;
  d[4] = (base >>> 16) & 0xff;
  d[5] = attr & 0xff;
  d[6] = ((rawLimit >>> 16) & 0x0f) | ((attr >>> 8) & 0xf0);
  d[7] = (base >>> 24) & 0xff;
  return d;
}

export interface RealModeOptions {
  cs?: number;
  ip?: number;
  /** One selector for DS, ES, SS, FS and GS. */
  dataSegment?: number;
  regs?: RegisterValues;
  eflags?: number;
  /** CR0 as it reads after reset; 0x10 (ET) on the 386 and later, 0 on the 286. */
  cr0?: number;
}

export function realModeSetup(options: RealModeOptions = {}): InitialSetup {
  const real = (sel: number, attr: number): SegmentState => ({ sel, base: (sel & 0xffff) * 16, limit: 0xffff, attr });
  const data = options.dataSegment ?? 0;
  return {
    state: {
      regs: registers(options.regs ?? {}),
      eip: options.ip ?? 0x1000,
      eflags: ((options.eflags ?? 0x2) | 0x2) >>> 0,
      segs: {
        es: real(data, ATTR_REAL_DATA), cs: real(options.cs ?? 0, ATTR_REAL_CODE), ss: real(data, ATTR_REAL_DATA),
        ds: real(data, ATTR_REAL_DATA), fs: real(data, ATTR_REAL_DATA), gs: real(data, ATTR_REAL_DATA),
      },
      cr0: (options.cr0 ?? 0x10) >>> 0,
      cr2: 0, cr3: 0, cr4: 0, efer: 0,
      gdtr: { base: 0, limit: 0xffff },
      idtr: { base: 0, limit: 0x3ff },
      ldtr: NO_LDT,
      tr: NO_TSS,
    },
    memory: [],
  };
}

export interface Flat32Options {
  eip?: number;
  regs?: RegisterValues;
  eflags?: number;
  /** Where the GDT goes (default FLAT_GDT_BASE); it takes 24 bytes. */
  gdtBase?: number;
}

export function flat32Setup(options: Flat32Options = {}): InitialSetup {
  const gdtBase = options.gdtBase ?? FLAT_GDT_BASE;
  const gdt = new Uint8Array(24);
  gdt.set(segmentDescriptor(0, 0xffffffff, ATTR_FLAT_CODE), FLAT_CODE_SELECTOR);
  gdt.set(segmentDescriptor(0, 0xffffffff, ATTR_FLAT_DATA), FLAT_DATA_SELECTOR);
  const flat = (sel: number, attr: number): SegmentState => ({ sel, base: 0, limit: 0xffffffff, attr });
  const data = flat(FLAT_DATA_SELECTOR, ATTR_FLAT_DATA);
  return {
    state: {
      regs: registers(options.regs ?? {}),
      eip: options.eip ?? 0x1000,
      eflags: ((options.eflags ?? 0x2) | 0x2) >>> 0,
      segs: { es: data, cs: flat(FLAT_CODE_SELECTOR, ATTR_FLAT_CODE), ss: data, ds: data, fs: data, gs: data },
      // PE and ET: protected mode, paging off.
      cr0: 0x11,
      cr2: 0, cr3: 0, cr4: 0, efer: 0,
      gdtr: { base: gdtBase, limit: gdt.length - 1 },
      idtr: { base: 0, limit: 0 },
      ldtr: NO_LDT,
      tr: NO_TSS,
    },
    memory: [{ address: gdtBase, bytes: gdt }],
  };
}
