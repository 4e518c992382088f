/**
 * Boots v86 (the npm package, 0.5) as a bare machine: no BIOS, no disk, no boot at all. The
 * harness sets the CPU state directly through v86's CPU object, so nothing runs before the first
 * `run`. This file also declares the part of v86's internal surface the adapter uses, as typed
 * interfaces (the package's v86.d.ts covers only the public emulator API).
 *
 * Two ways to boot:
 * - `exact`: the CPU core rewritten by wasm-patch.ts (its interpreter counts steps and stops on
 *   a budget, a breakpoint or an exception), its JIT disabled (`set_jit_config(0, 1)`, the
 *   emulator's `disable_jit` option), and its device timers (PIT, RTC, ACPI, APIC) not run, so
 *   no wall-clock interrupt can reach the guest and a run depends only on the state and the
 *   budget (RDTSC excepted: it reads the host clock);
 * - `stock`: the package's own v86.wasm, loaded as v86 loads it, JIT on or off, timers running,
 *   for measuring v86 as shipped (bench.ts).
 *
 * The VGA window 0xA0000-0xBFFFF, which v86 always routes to its VGA device (its
 * `in_mapped_range` hard-codes it), is backed with plain RAM in both ways through v86's own
 * memory-mapped I/O hooks, so guest-physical memory below `memorySize` is uniform RAM as the
 * adapter contract describes it. Above `memorySize` v86 gives open bus (reads 0xFF, writes
 * dropped), as the reference does.
 */

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { patchV86Wasm, type PatchGlobalName } from './wasm-patch.ts';
import { Wasm, type WasmGlobal, type WasmInstance, type WasmMemory, type WasmModule } from './wasm-api.ts';

/** v86's port-I/O bus (src/io.js). */
export interface V86Io {
  register_write(port: number, device: object, write8?: (value: number) => void, write16?: (value: number) => void, write32?: (value: number) => void): void;
  mmap_register(start: number, size: number, read8: (address: number) => number, write8: (address: number, value: number) => void, read32: (address: number) => number, write32: (address: number, value: number) => void): void;
}

/** A device on v86's PCI bus (src/pci.js); `pci_bars` has holes where a BAR is unused. */
export interface V86PciDevice {
  pci_bars: Array<{ size: number; original_bar: number; entries: unknown[] } | null | undefined>;
}

export interface V86Pci {
  devices: Array<V86PciDevice | undefined>;
  set_state(state: unknown): void;
}

/**
 * v86's CPU object (src/cpu.js). Its state fields are views of the wasm core's memory (each
 * access makes a fresh typed array over one fixed offset), so `.byteOffset` gives the offset.
 */
export interface V86Cpu {
  wasm_memory: WasmMemory;
  mem8: Uint8Array;
  memory_size: Uint32Array;
  reg32: Int32Array;
  sreg: Uint16Array;
  segment_is_null: Uint8Array;
  segment_offsets: Int32Array;
  segment_limits: Uint32Array;
  segment_access_bytes: Uint8Array;
  protected_mode: Int32Array;
  is_32: Int32Array;
  stack_size_32: Int32Array;
  cpl: Uint8Array;
  in_hlt: Uint8Array;
  cr: Int32Array;
  reg_pdpte: Int32Array;
  idtr_size: Int32Array;
  idtr_offset: Int32Array;
  gdtr_size: Int32Array;
  gdtr_offset: Int32Array;
  tss_size_32: Int32Array;
  flags: Int32Array;
  flags_changed: Int32Array;
  /** Replaced by a plain array on restore (see `restoreV86State`), hence not readonly. */
  last_result: Int32Array;
  fpu_status_word: Uint16Array;
  mxcsr: Int32Array;
  prefixes: Int32Array;
  instruction_pointer: Int32Array;
  previous_ip: Int32Array;
  last_virt_eip: Int32Array;
  instruction_counter: Uint32Array;
  io: V86Io;
  devices: { pci: V86Pci };
  get_eflags(): number;
  update_state_flags(): void;
  full_clear_tlb(): void;
  jit_clear_cache(): void;
  reset_cpu(): void;
  main_loop(): number;
}

/** The public emulator object, with the one internal field the adapter reaches through. */
export interface V86Emulator {
  v86: { cpu: V86Cpu };
  add_listener(event: 'emulator-loaded', listener: () => void): void;
  save_state(): Promise<ArrayBuffer>;
  restore_state(state: ArrayBuffer): Promise<void>;
  destroy(): Promise<void>;
}

/** The patched core's additions (wasm-patch.ts) and the allocator it already exports. */
export interface PatchedExports {
  globals: Record<PatchGlobalName, WasmGlobal>;
  /** do_page_walk(linear, for_writing, user, jit, side_effects): a TLB entry, 0 for a fault. */
  pageWalk(linear: number, forWriting: number, user: number, jit: number, sideEffects: number): number;
  malloc(size: number): number;
}

export interface V86Machine {
  emulator: V86Emulator;
  cpu: V86Cpu;
  memorySize: number;
  /** Present when booted `exact`. */
  patched?: PatchedExports;
  /** The last line the wasm core printed (a Rust panic message ends up here before the trap). */
  lastCoreMessage(): string | undefined;
}

export interface BootOptions {
  memorySize: number;
  core: 'exact' | 'stock';
  /** `stock` only; `exact` always runs the interpreter. */
  jit?: boolean;
}

interface V86Constructor {
  new (options: Record<string, unknown>): V86Emulator;
}

const require = createRequire(import.meta.url);

/** Where the package keeps its build (the wasm cores sit beside libv86.mjs). */
function buildDirectory(): string {
  try {
    return dirname(require.resolve('v86'));
  } catch {
    throw new Error("v86 could not start: the npm package 'v86' is not installed (npm install v86)");
  }
}

let v86Module: Promise<V86Constructor> | undefined;
let exactCore: Promise<WasmModule> | undefined;

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';

async function loadV86(): Promise<V86Constructor> {
  v86Module ??= import('v86').then(
    (m) => {
      if (typeof m.V86 !== 'function') throw new Error('v86 could not start: the package exports no V86 constructor');
      return m.V86 as unknown as V86Constructor;
    },
    (error: unknown) => {
      throw new Error(`v86 could not start: the npm package 'v86' did not load (${firstLine(error)})`);
    },
  );
  return v86Module;
}

/** The patched core, compiled once per process (patching and compiling take a few hundred ms). */
async function loadExactCore(): Promise<WasmModule> {
  exactCore ??= (async () => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(buildDirectory(), 'v86.wasm')));
    } catch (error) {
      throw new Error(`v86 could not start: its core build/v86.wasm is unreadable (${firstLine(error)})`);
    }
    try {
      return await Wasm.compile(patchV86Wasm(bytes));
    } catch (error) {
      throw new Error(`v86 could not start: ${firstLine(error)}`);
    }
  })();
  return exactCore;
}

/** Why v86 cannot start, in one line, or undefined when it can. */
export async function v86Availability(): Promise<string | undefined> {
  try {
    await loadV86();
    await loadExactCore();
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

const VGA_WINDOW = 0xa0000;
const VGA_WINDOW_SIZE = 0x20000;

function backVgaWindowWithRam(cpu: V86Cpu): void {
  const base = cpu.mem8.byteOffset;
  // The wasm memory can grow (the core's allocator), which replaces its buffer: look it up per access.
  const view = (): DataView => new DataView(cpu.wasm_memory.buffer, base);
  cpu.io.mmap_register(
    VGA_WINDOW,
    VGA_WINDOW_SIZE,
    (address) => view().getUint8(address),
    (address, value) => view().setUint8(address, value),
    (address) => view().getInt32(address, true),
    (address, value) => view().setInt32(address, value, true),
  );
}

/**
 * v86 0.5's PCI restore (`PCI.prototype.set_state`) moves the I/O ports of every BAR whose saved
 * value has bit 0 set, and reads `pci_bars[n].original_bar` without checking that the BAR exists.
 * Without a first hard disk the IDE controller's BAR 0 and 1 read 1 but have no bar object, so
 * every `restore_state` throws a TypeError. During a restore the holes get an inert zero-size
 * bar (moving zero ports does nothing), and the config space is restored exactly as saved.
 */
function tolerateBarHolesOnRestore(pci: V86Pci): void {
  const restore = pci.set_state;
  pci.set_state = function (this: V86Pci, state: unknown) {
    const filled: Array<[V86PciDevice, number]> = [];
    for (const device of this.devices) {
      if (!device) continue;
      device.pci_bars.forEach((bar, index) => {
        if (bar) return;
        device.pci_bars[index] = { size: 0, original_bar: 0, entries: [] };
        filled.push([device, index]);
      });
    }
    try {
      restore.call(this, state);
    } finally {
      for (const [device, index] of filled) device.pci_bars[index] = undefined;
    }
  };
}

/**
 * v86 0.5's `CPU.prototype.set_state` restores `last_result` (the operand the lazy PF, ZF and SF
 * are computed from), `fpu_status_word` and `mxcsr` by replacing the CPU object's fields with the
 * saved arrays (`this.last_result = a[86]`) instead of writing them into the core, so the core
 * keeps its current values: after a restore, EFLAGS can read differently from what was saved
 * (seen: PF after INC EAX). This restores through v86, then copies those three into the core and
 * puts v86's own fields back, so a later save_state is whole too.
 */
export async function restoreV86State(machine: V86Machine, state: ArrayBuffer): Promise<void> {
  const cpu = machine.cpu;
  const fields = { last_result: cpu.last_result, fpu_status_word: cpu.fpu_status_word, mxcsr: cpu.mxcsr };
  await machine.emulator.restore_state(state);
  for (const [name, core] of Object.entries(fields) as Array<[keyof typeof fields, Int32Array | Uint16Array]>) {
    const restored = cpu[name];
    if (restored === core) continue;
    core.set(restored as ArrayLike<number>);
    (cpu as unknown as Record<string, unknown>)[name] = core;
  }
}

export async function bootV86(options: BootOptions): Promise<V86Machine> {
  const V86 = await loadV86();
  const core = options.core === 'exact' ? await loadExactCore() : undefined;
  let instance: WasmInstance | undefined;
  let lastMessage: string | undefined;
  const settings: Record<string, unknown> = {
    memory_size: options.memorySize,
    // The smallest VGA memory v86 accepts without complaint; nothing here draws.
    vga_memory_size: 256 * 1024,
    autostart: false,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
    disable_jit: options.core === 'exact' || options.jit === false,
  };
  let failed: (error: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  if (core) {
    settings['wasm_fn'] = async (imports: { env: Record<string, unknown> }) => {
      const env = imports.env;
      // No device timer runs: no wall-clock interrupt reaches the guest (see the header).
      env['run_hardware_timers'] = () => 100;
      const log = env['console_log_from_wasm'] as ((offset: number, length: number) => void) | undefined;
      env['console_log_from_wasm'] = (offset: number, length: number) => {
        const memory = instance?.exports['memory'] as WasmMemory | undefined;
        if (memory) lastMessage = new TextDecoder().decode(new Uint8Array(memory.buffer, offset, length));
        else log?.(offset, length);
      };
      try {
        instance = await Wasm.instantiate(core, imports);
      } catch (error) {
        // v86 does not catch a failed instantiation: report it here and never resolve its promise.
        failed(new Error(`v86 could not start: its core did not instantiate (${firstLine(error)})`));
        return new Promise<never>(() => {});
      }
      return instance.exports;
    };
  } else {
    settings['wasm_path'] = join(buildDirectory(), 'v86.wasm');
  }
  const emulator = new V86(settings);
  await Promise.race([new Promise<void>((resolve) => emulator.add_listener('emulator-loaded', resolve)), failure]);
  const cpu = emulator.v86.cpu;
  backVgaWindowWithRam(cpu);
  tolerateBarHolesOnRestore(cpu.devices.pci);
  const machine: V86Machine = { emulator, cpu, memorySize: cpu.memory_size[0]!, lastCoreMessage: () => lastMessage };
  if (instance) {
    const exports = instance.exports;
    const globals = {} as Record<PatchGlobalName, WasmGlobal>;
    for (const [name, value] of Object.entries(exports)) if (name.startsWith('xvc_') && value instanceof Wasm.Global) globals[name as PatchGlobalName] = value;
    machine.patched = {
      globals,
      pageWalk: exports['xvc_do_page_walk'] as PatchedExports['pageWalk'],
      malloc: exports['v86_malloc'] as PatchedExports['malloc'],
    };
  }
  return machine;
}
