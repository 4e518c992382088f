/**
 * Real-address mode through the adapter contract only (harness/adapter.ts: reset, writeMemory,
 * setState, run, getState, readMemory), so a suite built on it runs unchanged against the
 * reference, QEMU, Unicorn or v86.
 *
 * Hardware behaviour it relies on: real-mode interrupt and exception delivery through the
 * interrupt vector table (SDM Vol. 3A, 20.1.4 "Interrupt and Exception Handling"): the processor
 * reads a 4-byte IP:CS pointer at IDTR.base + 4 * vector, pushes FLAGS, CS and IP (so IP ends at
 * the lowest address) and continues at that pointer. Every vector here points at its own one-byte
 * HLT stub (`STUB_SEGMENT`:vector), so the CS:IP at which the run halts names the vector taken,
 * and the three words at the final SS:SP are the pushed frame. The state set up is the one real
 * mode has after reset or after a return from protected mode: segment bases = selector * 16,
 * 64 KiB limits, present writable data and readable code caches (SDM Vol. 3A, 9.1.1 Table 9-1,
 * and 20.1.1).
 *
 * Leaves out: external interrupts and NMI (the contract has no way to raise them), and A20 (the
 * layout stays below 1 MiB).
 */

import type { ArchState, SegmentState, Subject, TableRegister } from '../../harness/adapter.ts';
import type { CpuModelName, StopReason } from '../../reference-emulator/index.ts';

/** Descriptor-cache attributes of real mode (SDM Vol. 3A, 9.1.1, Table 9-1): present, accessed, writable data / readable code. */
export const REAL_DATA_ATTR = 0x93;
export const REAL_CODE_ATTR = 0x9b;
/** Real mode's segment limit: 64 KiB (SDM Vol. 3A, 20.1.1). */
export const REAL_LIMIT = 0xffff;

/** The stubs: vector v's HLT sits at STUB_SEGMENT:v. */
export const STUB_SEGMENT = 0xf000;
const HLT = 0xf4;
/** Size of the real-mode IVT: 256 vectors of 4 bytes (SDM Vol. 3A, 20.1.4). */
export const IVT_BYTES = 256 * 4;
/** RAM given to the subject: the whole first megabyte plus room, below any A20 question. */
export const REAL_MODE_MEMORY = 2 * 1024 * 1024;

export type GeneralRegister = 'eax' | 'ecx' | 'edx' | 'ebx' | 'esp' | 'ebp' | 'esi' | 'edi';
export type SegmentName = 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs';
export const GENERAL_REGISTERS: readonly GeneralRegister[] = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
export const SEGMENT_NAMES: readonly SegmentName[] = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** What a real-mode run starts from. Anything left out takes the default documented on it. */
export interface RealModeSetup {
  cpu: CpuModelName;
  /** Placed at CS:IP and followed by a HLT, so running off its end halts at a known place. */
  code: readonly number[];
  /** Segment selectors (base = selector * 16); defaults in `DEFAULT_SEGMENTS`. */
  segs?: Partial<Record<SegmentName, number>>;
  /** Per-segment limit override (unreal-mode caches, or a shrunken one). */
  limits?: Partial<Record<SegmentName, number>>;
  ip?: number;
  /** General registers; ESP defaults to `DEFAULT_SP`, the rest to 0. */
  regs?: Partial<Record<GeneralRegister, number>>;
  eflags?: number;
  cr0?: number;
  cr4?: number;
  /** The IVT: where it is and how far it reaches. Default base 0, limit 0x3FF (reset values). */
  idtr?: TableRegister;
  /** Physical bytes written after the IVT, stubs and code: data, or a different IVT. */
  memory?: ReadonlyArray<readonly [address: number, bytes: readonly number[]]>;
  /** Instruction budget; a run that reaches it stops with `limit`. */
  maxInstructions?: number;
}

/** Distinct, non-zero selectors, so a swapped or missing CS in a pushed frame shows. */
export const DEFAULT_SEGMENTS: Readonly<Record<SegmentName, number>> = { es: 0x4567, cs: 0x1234, ss: 0x2345, ds: 0x3456, fs: 0x5678, gs: 0x6789 };
export const DEFAULT_IP = 0x0100;
export const DEFAULT_SP = 0x0800;

export interface RealModeOutcome {
  setup: RealModeSetup;
  initial: ArchState;
  stop: StopReason;
  final: ArchState;
  /** The vector whose stub halted, or undefined. */
  stubVector: number | undefined;
  /** True when the HLT after the code halted: the code ran to its end without an interrupt. */
  haltedAtCodeEnd: boolean;
  /** The three words at the final SS:SP (IP, CS, FLAGS of a delivered frame), when SP leaves room. */
  frame: { ip: number; cs: number; flags: number } | undefined;
}

function segment(sel: number, attr: number, limit: number): SegmentState {
  return { sel, base: (sel & 0xffff) * 16, limit, attr };
}

/** The ArchState a setup describes; also what a suite compares the final state with. */
export function realModeState(setup: RealModeSetup): ArchState {
  const sel = (name: SegmentName): number => setup.segs?.[name] ?? DEFAULT_SEGMENTS[name];
  const seg = (name: SegmentName): SegmentState => segment(sel(name), name === 'cs' ? REAL_CODE_ATTR : REAL_DATA_ATTR, setup.limits?.[name] ?? REAL_LIMIT);
  const r = setup.regs ?? {};
  return {
    regs: {
      eax: r.eax ?? 0, ecx: r.ecx ?? 0, edx: r.edx ?? 0, ebx: r.ebx ?? 0,
      esp: r.esp ?? DEFAULT_SP, ebp: r.ebp ?? 0, esi: r.esi ?? 0, edi: r.edi ?? 0,
    },
    eip: setup.ip ?? DEFAULT_IP,
    eflags: ((setup.eflags ?? 0x2) | 0x2) >>> 0,
    segs: { es: seg('es'), cs: seg('cs'), ss: seg('ss'), ds: seg('ds'), fs: seg('fs'), gs: seg('gs') },
    // ET reads 1 after reset on the 386 and later with a coprocessor interface (SDM Vol. 3A, 9.1.1) and is hardcoded to 1
    // from the P6 on (Vol. 3A, 2.5), so a setup's CR0 gets it there too; the 286's MSW has no bit 4.
    cr0: ((setup.cr0 ?? 0) | (setup.cpu === 'i286' ? 0 : 0x10)) >>> 0,
    cr2: 0,
    cr3: 0,
    cr4: (setup.cr4 ?? 0) >>> 0,
    efer: 0,
    gdtr: { base: 0, limit: 0xffff },
    idtr: setup.idtr ?? { base: 0, limit: IVT_BYTES - 1 },
    ldtr: { sel: 0, base: 0, limit: 0xffff, attr: 0x82 },
    tr: { sel: 0, base: 0, limit: 0xffff, attr: 0x8b },
  };
}

/** An IVT at `base` whose entry v is STUB_SEGMENT:v, as little-endian IP then CS words. */
export function stubIvt(stubSegment = STUB_SEGMENT): Uint8Array {
  const ivt = new Uint8Array(IVT_BYTES);
  for (let v = 0; v < 256; v++) {
    ivt[v * 4] = v;
    ivt[v * 4 + 1] = 0;
    ivt[v * 4 + 2] = stubSegment & 0xff;
    ivt[v * 4 + 3] = stubSegment >>> 8;
  }
  return ivt;
}

/** Linear address of seg:offset in real mode. */
export const linear = (sel: number, offset: number): number => (sel & 0xffff) * 16 + (offset & 0xffff);

const word = (bytes: Uint8Array, at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);

/**
 * Resets the subject to `setup.cpu`, installs the stub IVT at IDTR.base and the HLT stubs, places
 * the code (then a HLT) and the extra memory, sets the state, runs, and reads back what a check
 * needs. Every run starts from a fresh reset, so no case sees another's memory.
 */
export async function runRealMode(subject: Subject, setup: RealModeSetup): Promise<RealModeOutcome> {
  const initial = realModeState(setup);
  await subject.reset({ cpu: setup.cpu, memorySize: REAL_MODE_MEMORY });
  await subject.writeMemory(initial.idtr.base, stubIvt());
  await subject.writeMemory(STUB_SEGMENT * 16, new Uint8Array(256).fill(HLT));
  const codeAt = initial.segs.cs.base + initial.eip;
  await subject.writeMemory(codeAt, Uint8Array.from([...setup.code, HLT]));
  for (const [address, bytes] of setup.memory ?? []) await subject.writeMemory(address, Uint8Array.from(bytes));
  await subject.setState(initial);
  const stop = await subject.run({ maxInstructions: setup.maxInstructions ?? 64 });
  const final = await subject.getState();

  const inStubs = final.segs.cs.sel === STUB_SEGMENT && final.eip >= 1 && final.eip <= 256;
  const codeEnd = (initial.eip + setup.code.length + 1) & 0xffff;
  const haltedAtCodeEnd = stop.kind === 'halt' && final.segs.cs.sel === initial.segs.cs.sel && final.eip === codeEnd;
  const sp = final.regs.esp & 0xffff;
  let frame: RealModeOutcome['frame'];
  if (sp <= 0x10000 - 6) {
    const bytes = await subject.readMemory(final.segs.ss.base + sp, 6);
    frame = { ip: word(bytes, 0), cs: word(bytes, 2), flags: word(bytes, 4) };
  }
  return { setup, initial, stop, final, stubVector: stop.kind === 'halt' && inStubs ? final.eip - 1 : undefined, haltedAtCodeEnd, frame };
}

/** One line for a stop reason, for failure messages. */
export function describeStop(stop: StopReason): string {
  switch (stop.kind) {
    case 'exception': return `exception vector ${stop.vector}${stop.errorCode !== undefined ? ` (error code 0x${stop.errorCode.toString(16)})` : ''}`;
    case 'shutdown': return `shutdown (${stop.detail})`;
    case 'exit-port': return `exit-port ${stop.status}`;
    case 'breakpoint': return `breakpoint at 0x${stop.eip.toString(16)}`;
    default: return stop.kind;
  }
}

/** Where a run ended, in words: which stub, the code's own HLT, or a CS:IP. */
export function describeEnd(outcome: RealModeOutcome): string {
  if (outcome.stubVector !== undefined) return `halted in the stub of vector ${outcome.stubVector} (0x${outcome.stubVector.toString(16)})`;
  if (outcome.haltedAtCodeEnd) return 'ran to the end of the code (no interrupt)';
  const { final } = outcome;
  // A stop the subject reports itself (an exception it did not deliver through the IVT, a
  // limit) is a stop, not an interrupt the code took.
  return `stopped with ${describeStop(outcome.stop)} at ${final.segs.cs.sel.toString(16).padStart(4, '0')}:${final.eip.toString(16).padStart(4, '0')}`;
}
