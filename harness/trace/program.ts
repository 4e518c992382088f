/**
 * A golden program and how it starts: the flat image, the options beside it
 * (`<name>.options.json`), and from both the trace's starting point, a header, the complete
 * initial state and the watched memory regions with their initial bytes.
 *
 * The real-mode start is `xvc exec`'s (harness/exec/guest-image.ts): CS:IP with CS = the load
 * segment and SP = 0xFFFE. The flat 32-bit start (protected mode at CPL 0, paging off) is the
 * portable one of harness/state/initial-state.ts (`flat32Setup`): selectors 0x08 and 0x10 backed
 * by a real GDT at 0x800 in guest memory (GDTR {0x800, 23}, IDTR limit 0), so a subject that
 * loads descriptors from the GDT (QEMU, Unicorn) can take the selectors the state names. RAM
 * outside the image and the GDT is zero after reset. Watched regions: the image, the GDT, 256
 * bytes below the initial SS:ESP (none when ESP is below 256, as it is at the flat start, where
 * a program sets its own stack), and any region the options list (an IVT, a data area). Every
 * watched region's initial bytes are written to every subject, so the GDT reaches them all.
 *
 * Models no hardware beyond that start state.
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CPU_MODEL_NAMES, DEFAULT_MEMORY_SIZE, getFlags, REG32_NAMES, SEG_NAMES, type CpuModelName, type CpuState } from '../../reference-emulator/index.ts';
import type { ArchState } from '../adapter.ts';
import { InputError } from '../cli/errors.ts';
import { loadGuest } from '../exec/guest-image.ts';
import { flat32Setup, type MemoryImage } from '../state/initial-state.ts';
import type { MemoryRegion, StartMode, TraceHeader } from './format.ts';
import { flattenState, type FlatState } from './state-fields.ts';

/** Bytes of stack watched below the initial SS:ESP: deeper than any golden program nests. */
export const STACK_WINDOW_BYTES = 256;
/** A golden is read by people: a few thousand steps at most, so the default limit is small. */
export const DEFAULT_MAX_INSTRUCTIONS = 10_000;
export const DEFAULT_LOAD_ADDRESS = 0x1000;

export interface WatchRegion {
  base: number;
  length: number;
}

/** How a program is run; every field has a default, and `<name>.options.json` may set any. */
export interface ProgramOptions {
  mode: StartMode;
  cpu: CpuModelName;
  loadAddress: number;
  /** Linear entry address; defaults to the load address. */
  entry?: number;
  memorySize: number;
  maxInstructions: number;
  stopOnException: boolean;
  watch: WatchRegion[];
}

export const DEFAULT_PROGRAM_OPTIONS: Readonly<ProgramOptions> = {
  mode: 'prot32',
  cpu: 'modern',
  loadAddress: DEFAULT_LOAD_ADDRESS,
  memorySize: DEFAULT_MEMORY_SIZE,
  maxInstructions: DEFAULT_MAX_INSTRUCTIONS,
  stopOnException: false,
  watch: [],
};

/** Everything a recording starts from: the header and the initial state and memory. */
export interface TraceSetup extends TraceHeader {
  initial: { state: FlatState; memory: MemoryRegion[] };
}

/** `dir/name.bin` -> `dir/name.options.json`. */
export function optionsPathOf(imagePath: string): string {
  return imagePath.replace(/\.bin$/, '') + '.options.json';
}

/** The program's name: the image's file name without `.bin`. */
export function programNameOf(imagePath: string): string {
  return basename(imagePath).replace(/\.bin$/, '');
}

const OPTION_KEYS = new Set(['description', 'mode', 'cpu', 'loadAddress', 'entry', 'memorySize', 'maxInstructions', 'stopOnException', 'watch']);

/**
 * Reads `<name>.options.json` if it exists (numbers may be JSON numbers or "0x" strings, a
 * `description` says what the program is for); a missing file means every default.
 */
export async function readProgramOptions(imagePath: string): Promise<Partial<ProgramOptions>> {
  const path = optionsPathOf(imagePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`cannot read program options ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const bad = (problem: string): never => {
    throw new InputError(`program options ${path}: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return bad(`not valid JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return bad('expected an object');
  const object = json as Record<string, unknown>;
  for (const key of Object.keys(object)) if (!OPTION_KEYS.has(key)) bad(`unknown option '${key}' (expected ${[...OPTION_KEYS].join(', ')})`);
  const number = (key: string, value: unknown): number => {
    const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value) ? parseInt(value.slice(2), 16) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < 0) bad(`${key} must be a whole number or a 0x-hex string, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const options: Partial<ProgramOptions> = {};
  if (object['mode'] !== undefined) {
    if (object['mode'] !== 'real' && object['mode'] !== 'prot32') bad(`mode must be real or prot32, got ${JSON.stringify(object['mode'])}`);
    options.mode = object['mode'] as StartMode;
  }
  if (object['cpu'] !== undefined) {
    if (!(CPU_MODEL_NAMES as readonly unknown[]).includes(object['cpu'])) bad(`cpu must be one of ${CPU_MODEL_NAMES.join(', ')}, got ${JSON.stringify(object['cpu'])}`);
    options.cpu = object['cpu'] as CpuModelName;
  }
  if (object['loadAddress'] !== undefined) options.loadAddress = number('loadAddress', object['loadAddress']);
  if (object['entry'] !== undefined) options.entry = number('entry', object['entry']);
  if (object['memorySize'] !== undefined) options.memorySize = number('memorySize', object['memorySize']);
  if (object['maxInstructions'] !== undefined) options.maxInstructions = number('maxInstructions', object['maxInstructions']);
  if (object['stopOnException'] !== undefined) {
    if (typeof object['stopOnException'] !== 'boolean') bad('stopOnException must be true or false');
    options.stopOnException = object['stopOnException'] as boolean;
  }
  if (object['watch'] !== undefined) {
    if (!Array.isArray(object['watch'])) bad('watch must be an array of {base, length}');
    options.watch = (object['watch'] as unknown[]).map((entry, index) => {
      if (entry === null || typeof entry !== 'object') return bad(`watch[${index}] must be {base, length}`);
      const region = entry as Record<string, unknown>;
      return { base: number(`watch[${index}].base`, region['base']), length: number(`watch[${index}].length`, region['length']) };
    });
  }
  return options;
}

/** The state of a reference CPU as the adapter contract's ArchState (what its getState gives). */
function archStateOf(cpu: CpuState): ArchState {
  const reg = (index: number): number => cpu.r32[index]! >>> 0;
  const seg = (index: number) => ({ sel: cpu.segSel[index]!, base: cpu.segBase[index]! >>> 0, limit: cpu.segLimit[index]!, attr: cpu.segAttr[index]! });
  const regs = Object.fromEntries(REG32_NAMES.map((name, index) => [name, reg(index)])) as ArchState['regs'];
  const segs = Object.fromEntries(SEG_NAMES.map((name, index) => [name, seg(index)])) as ArchState['segs'];
  return {
    regs,
    eip: cpu.eip >>> 0,
    eflags: getFlags(cpu) >>> 0,
    segs,
    cr0: cpu.cr0 >>> 0,
    cr2: cpu.cr2 >>> 0,
    cr3: cpu.cr3 >>> 0,
    cr4: cpu.cr4 >>> 0,
    efer: cpu.efer >>> 0,
    gdtr: { base: cpu.gdtr.base >>> 0, limit: cpu.gdtr.limit },
    idtr: { base: cpu.idtr.base >>> 0, limit: cpu.idtr.limit },
    ldtr: { sel: cpu.ldtr.sel, base: cpu.ldtr.base >>> 0, limit: cpu.ldtr.limit, attr: cpu.ldtr.attr },
    tr: { sel: cpu.tr.sel, base: cpu.tr.base >>> 0, limit: cpu.tr.limit, attr: cpu.tr.attr },
  };
}

/** Sorted, merged watch intervals, filled with the contents (image, GDT) where they cover them and zero elsewhere. */
function watchedMemory(intervals: WatchRegion[], contents: readonly MemoryImage[]): MemoryRegion[] {
  const sorted = intervals.filter((r) => r.length > 0).sort((a, b) => a.base - b.base);
  const merged: WatchRegion[] = [];
  for (const region of sorted) {
    const last = merged[merged.length - 1];
    if (last && region.base <= last.base + last.length) last.length = Math.max(last.length, region.base + region.length - last.base);
    else merged.push({ ...region });
  }
  return merged.map(({ base, length }) => {
    const bytes = new Uint8Array(length);
    for (const content of contents) {
      const from = Math.max(base, content.address);
      const to = Math.min(base + length, content.address + content.bytes.length);
      if (from < to) bytes.set(content.bytes.subarray(from - content.address, to - content.address), from - base);
    }
    return { base, bytes };
  });
}

const hex = (value: number): string => `0x${value.toString(16)}`;

/** The header, initial state and watched memory of a program run with `options`. */
export function programSetup(name: string, image: Uint8Array, source: string, options: ProgramOptions): TraceSetup {
  const interp = loadGuest({
    image,
    source,
    loadAddress: options.loadAddress,
    entry: options.entry ?? options.loadAddress,
    mode: options.mode,
    cpu: options.cpu,
    memorySize: options.memorySize,
  });
  const contents: MemoryImage[] = [{ address: options.loadAddress, bytes: image }];
  let arch = archStateOf(interp.machine.cpu);
  if (options.mode === 'prot32') {
    const flat = flat32Setup({ eip: arch.eip });
    for (const table of flat.memory) {
      if (table.address < options.loadAddress + image.length && options.loadAddress < table.address + table.bytes.length) {
        throw new InputError(`${source} (${hex(image.length)} bytes at ${hex(options.loadAddress)}) overlaps the flat start's GDT at ${hex(table.address)}+${hex(table.bytes.length)}; load it elsewhere`);
      }
    }
    arch = flat.state;
    contents.push(...flat.memory);
  }
  const state = flattenState(arch);
  const stackTop = ((state['ss.base'] ?? 0) + (state['esp'] ?? 0)) >>> 0;
  const regions: WatchRegion[] = [{ base: options.loadAddress, length: image.length }, ...contents.slice(1).map((c) => ({ base: c.address, length: c.bytes.length })), ...options.watch];
  if ((state['esp'] ?? 0) >= STACK_WINDOW_BYTES) regions.push({ base: stackTop - STACK_WINDOW_BYTES, length: STACK_WINDOW_BYTES });
  for (const region of regions) {
    if (region.base + region.length > options.memorySize) {
      throw new InputError(`watched region ${hex(region.base)}+${hex(region.length)} of ${source} lies outside ${options.memorySize} bytes of RAM`);
    }
  }
  return {
    program: name,
    cpu: options.cpu,
    mode: options.mode,
    memorySize: options.memorySize,
    maxInstructions: options.maxInstructions,
    stopOnException: options.stopOnException,
    initial: { state, memory: watchedMemory(regions, contents) },
  };
}
