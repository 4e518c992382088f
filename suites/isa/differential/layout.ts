/**
 * The machine every differential program runs on: where the code, the stack and the data window
 * sit in guest-physical memory, which segment bases each mode gives the six segment registers,
 * and the starting ArchState built from the portable set-ups of harness/state/initial-state.ts
 * (real mode after reset; flat 32-bit protected mode at CPL 0, paging off).
 *
 * Hardware behaviour relied on: a real-mode segment's base is its selector * 16 with a 64 KiB
 * limit (SDM Vol. 3A, 20.1.1); flat mode's descriptors have base 0 and a 4 GiB limit (SDM Vol. 3A,
 * 3.2.1 "Basic Flat Model"). Real mode gives ES, FS and GS bases other than DS's, so a segment
 * override that an emulator ignores moves the access to another byte of the compared window.
 *
 * Real mode also gets an interrupt vector table whose vector v points at a one-byte HLT stub
 * (STUB_SEGMENT:v, as suites/support/subject-real-mode.ts does; SDM Vol. 3A, 20.1.4): the suite
 * itself stops at the first exception, but an exported case replays without that stop, and there
 * a delivered exception then halts at a place that names its vector.
 *
 * Linear layout, all below 64 KiB so 16-bit addressing reaches every part in both modes:
 *   0x0000  real mode's IVT (1 KiB)
 *   0x0800  flat mode's GDT (24 bytes)
 *   0x1000  the program, then its HLT (at most CODE_LIMIT bytes)
 *   0x2000  the stack region (8 KiB), SP starting in its middle
 *   0x4000  the data window (4 KiB): every memory operand's effective address lands here
 *   0x5000  real mode's HLT stubs (256 bytes)
 */

import type { ArchState, SegmentState } from '../../../harness/adapter.ts';
import { flat32Setup, realModeSetup, type InitialSetup, type MemoryImage, type RegisterValues } from '../../../harness/state/initial-state.ts';
import { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../../../reference-emulator/index.ts';
import { stubIvt } from '../../support/subject-real-mode.ts';

export type DifferentialMode = 'real' | 'flat32';

/** Guest RAM asked of each subject: 256 KiB, above everything a program can address (real-mode segments here end below 0x14000). */
export const MEMORY_SIZE = 0x4_0000;

/** Where the program's first byte sits (linear = physical, paging off) and how long it may be. */
export const CODE_BASE = 0x1000;
export const CODE_LIMIT = 0x1000;

/**
 * The stack region: ESP starts in its middle. Only the stack instructions move ESP (ESP is never a
 * general-register destination in a generated program): LEAVE to a frame pointer drawn below,
 * the others by at most ENTER's largest frame (about 200 bytes), so a program of 16 instructions
 * stays inside it whichever way it goes.
 */
export const STACK_BASE = 0x2000;
export const STACK_SIZE = 0x2000;
export const INITIAL_SP = 0x3000;
/** Values LEAVE and ENTER find in EBP are drawn from here, so the frames they walk are in the region. */
export const FRAME_POINTER_LOW = 0x2c00;
export const FRAME_POINTER_HIGH = 0x3400;

/** The data window, filled with random bytes; every generated memory operand addresses it. */
export const WINDOW_BASE = 0x4000;
export const WINDOW_SIZE = 0x1000;
/**
 * Room kept at both ends of the window around a generated address: an 8-byte operand (CMPXCHG8B,
 * BOUND's pair), a BT bit offset of up to +-16 bytes, a REP string of up to 8 dwords either way.
 */
export const WINDOW_MARGIN = 64;

/** Real mode's exception stubs: vector v's HLT is at STUB_SEGMENT:v, just above the window. */
export const STUB_SEGMENT = 0x0500;

/** Real-mode selectors: distinct bases for ES, FS and GS, all below the window (base = selector * 16). */
const REAL_SELECTORS: Readonly<Record<number, number>> = {
  [SEG_ES]: 0x0100,
  [SEG_CS]: 0x0000,
  [SEG_SS]: 0x0000,
  [SEG_DS]: 0x0000,
  [SEG_FS]: 0x0200,
  [SEG_GS]: 0x0300,
};

/** The base of segment register `seg` (ES=0 ... GS=5) in this mode's starting state. */
export function segmentBase(mode: DifferentialMode, seg: number): number {
  return mode === 'real' ? (REAL_SELECTORS[seg] ?? 0) * 16 : 0;
}

/** True when the code segment is 32-bit (CS.D): decides default operand and address sizes. */
export const code32Of = (mode: DifferentialMode): boolean => mode === 'flat32';

/** EIP of the program's first instruction (CS base is 0 in both modes). */
export const ENTRY_EIP = CODE_BASE;

/** The starting state and the memory it depends on (flat mode's GDT), with the given registers and flags. */
export function startingSetup(mode: DifferentialMode, regs: RegisterValues, eflags: number): InitialSetup {
  const withStack: RegisterValues = { ...regs, esp: INITIAL_SP };
  if (mode === 'flat32') return flat32Setup({ eip: ENTRY_EIP, regs: withStack, eflags });
  const setup = realModeSetup({ cs: 0, ip: ENTRY_EIP, dataSegment: 0, regs: withStack, eflags });
  const segs = setup.state.segs;
  const moved = (seg: SegmentState, index: number): SegmentState => ({ ...seg, sel: REAL_SELECTORS[index]!, base: segmentBase('real', index) });
  const state: ArchState = { ...setup.state, segs: { ...segs, es: moved(segs.es, SEG_ES), fs: moved(segs.fs, SEG_FS), gs: moved(segs.gs, SEG_GS) } };
  return { state, memory: setup.memory };
}

/** The two compared regions, in the order reports list them. */
export const COMPARED_REGIONS: ReadonlyArray<{ name: string; base: number; size: number }> = [
  { name: 'data window', base: WINDOW_BASE, size: WINDOW_SIZE },
  { name: 'stack', base: STACK_BASE, size: STACK_SIZE },
];

/** Deterministic bytes for a region (a multiple of 4 long) from a 32-bit seed (xorshift32, a word at a time); seed 0 gives zeros, the easiest memory to read in a shrunk case. */
export function regionBytes(seed: number, size: number, salt: number): Uint8Array {
  const out = new Uint8Array(size);
  if (seed === 0) return out;
  let x = (seed ^ Math.imul(salt, 0x9e3779b1)) | 0 || 1;
  for (let k = 0; k + 3 < size; k += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[k] = x;
    out[k + 1] = x >>> 8;
    out[k + 2] = x >>> 16;
    out[k + 3] = x >>> 24;
  }
  return out;
}

const REAL_MODE_VECTORS: readonly MemoryImage[] = [
  { address: 0, bytes: stubIvt(STUB_SEGMENT) },
  { address: STUB_SEGMENT * 16, bytes: new Uint8Array(256).fill(0xf4) },
];

/** The initialised memory of a case besides the program: set-up tables, stack and window. */
export function caseMemory(mode: DifferentialMode, setup: InitialSetup, memorySeed: number): MemoryImage[] {
  return [
    ...(mode === 'real' ? REAL_MODE_VECTORS : []),
    ...setup.memory,
    ...COMPARED_REGIONS.map((region, salt) => ({ address: region.base, bytes: regionBytes(memorySeed, region.size, salt + 1) })),
  ];
}
