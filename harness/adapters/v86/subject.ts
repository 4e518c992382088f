/**
 * The `v86` adapter: v86 0.5 (the npm package, a PC emulator whose x86 core is Rust compiled to
 * WebAssembly, with an x86-to-wasm JIT) as an xvc subject.
 *
 * What the subject models and how:
 * - a bare PC board: v86 booted without BIOS or disk (v86-machine.ts), RAM from 0 up to
 *   `memorySize` (the VGA window 0xA0000-0xBFFFF included), open bus above it, v86's own
 *   devices otherwise (PIC, PIT, CMOS, a UART at 0x3F8...) with their timers not run, and the
 *   xvc debug-exit port 0xF4: an OUT there ends the run with status (value << 1) | 1, as the
 *   reference machine's device does;
 * - the state is written into and read from v86's CPU fields directly (core-state.ts says which
 *   fields v86 keeps), so no loader runs in the guest;
 * - runs go through v86's own `main_loop`, in the core rewritten by wasm-patch.ts: the JIT off,
 *   and the interpreter counting steps as it goes and stopping when the budget is spent, so the
 *   budget is exact. Breakpoints are checked in the core between instructions; `stopOnException`
 *   is taken at the entry of v86's `call_interrupt_vector`, before anything is pushed, for every
 *   interrupt that is not a software one (INT n, INT3 and INTO are delivered, as the reference
 *   delivers them in real mode);
 * - a step is an instruction that completes or faults, or an instruction fetch that faults, so
 *   a delivered fault uses budget as in the reference;
 * - HLT ends the run with `halt`; the next run resumes after it, as the reference does;
 * - `translate` walks the page tables with v86's own `do_page_walk`, without side effects;
 * - `snapshot`/`restore` are v86's `save_state`/`restore_state` behind a small header, with two
 *   v86 restore defects worked around (v86-machine.ts: BAR holes, lazy-flag operand).
 *
 * A Rust panic in the core (v86 panics on paths it has not implemented, see V86_QUIRKS) traps
 * the wasm instance; the run reports `subject-crash` with the panic message and the subject
 * accepts only reset or close afterwards. Differences from the SDM and from what the contract
 * can carry are listed in V86_QUIRKS, each with the behaviour seen; getState reports what v86
 * holds and nothing is adjusted to look like the reference.
 */

import { CR0_PG, CR0_WP, debugExitStatus, PORT_DEBUG_EXIT, type CpuModelName, type StopReason } from '../../../reference-emulator/index.ts';
import type { ArchState, RunLimits, Subject, SubjectCapabilities, SubjectConfig, Translation } from '../../adapter.ts';
import { oneLine } from '../../cli/errors.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import { CoreView, loadPdptes, readArchState, SEG_CS, writeArchState } from './core-state.ts';
import { bootV86, restoreV86State, type V86Machine } from './v86-machine.ts';

export const V86_SUBJECT_NAME = 'v86';

/** The one CPU v86 emulates, as the closest xvc model (see the `cpuid` quirk). */
export const V86_CPU_MODEL: CpuModelName = 'p6';

/**
 * Where v86 differs from the SDM, from the reference or from what the contract can carry, each
 * seen by running it (suites/unit/harness/adapters/v86.test.ts keeps the main ones checked).
 * Each line starts with a short key that reports and waivers can use.
 */
export const V86_QUIRKS: readonly string[] = [
  'segment-attr: a segment cache keeps only the access byte, plus D of CS and B of SS; getState reports G, AVL, L and the D/B bit of ES/DS/FS/GS as 0 (compare attr & 0x40ff for CS and SS, attr & 0xff for the others)',
  'segment-limits: segment limits are kept but not checked on data and stack accesses, in real or protected mode (no #GP/#SS for MOV AX,[0xFFFF] or PUSH with SP=1 in real mode, nor for a read past a 4 KiB DS limit; SDM Vol. 3A, 5.3 and 20.1.1)',
  'real-mode-ivt: real-mode interrupts read the vector table at physical 0 and ignore IDTR.base and IDTR.limit (SDM Vol. 3A, 20.1.4)',
  'idt-limit: a protected-mode interrupt whose gate is past IDTR.limit aborts the core (Rust panic "Unimplemented: #GP handler", src/rust/cpu/cpu.rs:815) instead of raising #GP(vector*8+2); the run ends in subject-crash (SDM Vol. 3A, 6.12.1)',
  'trap-flag: EFLAGS.TF never raises the single-step #DB, and POPF leaves TF clear (SDM Vol. 3A, 17.3.1.4)',
  'icebp: F1 (INT1) does nothing instead of raising #DB (SDM Vol. 2A, INT n/INTO/INT1/INT3)',
  'lock-prefix: LOCK on an instruction that does not accept it does not raise #UD (SDM Vol. 2A, LOCK)',
  'length-limit: an instruction longer than 15 bytes does not raise #GP(0) (SDM Vol. 2A, 2.3.11)',
  'pae-large-pages: under PAE a PDE with PS=1 maps a 2 MiB page only if CR4.PSE is also set; with CR4.PSE=0 v86 walks it as a page-table pointer (SDM Vol. 3A, 4.4.2)',
  'paging-reserved-bits: reserved bits of paging entries are not checked (a 4 MiB PDE with bits 21:13 set maps instead of raising #PF with PFEC.RSVD; SDM Vol. 3A, 4.7)',
  'rdtsc: RDTSC reads a counter derived from the host clock, not the retired-instruction count',
  'rep-count: a REP string instruction runs in pieces that end at the next 4 KiB page boundary of its source or destination (v86 resumes it at the same EIP), each piece one step, so a long one uses several steps of the budget (REP MOVSD of page-aligned buffers: 1024 iterations a step)',
  'cpuid: CPUID reports GenuineIntel family 6 model 7 stepping 3 (leaf 1 EAX=0x673) with MMX, SSE, SSE2, SSE3 and POPCNT, more than the xvc p6 model (0x652)',
  'efer: v86 has no EFER (32-bit core, no NX): getState reports 0 and setState refuses a non-zero EFER',
  'ram: RAM is rounded up to a multiple of 128 KiB and to at least 1 MiB',
];

/**
 * Largest step budget handed to the core in one `main_loop` call. V8 has no on-stack replacement
 * for wasm, so `main_loop` runs its optimised code only from its next call on: one call for a
 * whole long run would stay in the baseline code, about 30% slower (measured on the benchmark).
 */
const MAX_SLICE = 0x10000;
/** The core's slice size and interpreter iteration limit while the step budget governs: never reached. */
const UNBOUNDED_SLICE = 0x7fffffff;
const INITIAL_BREAKPOINT_CAPACITY = 64;
const SNAPSHOT_MAGIC = 'xvc-v86\x01';
const SNAPSHOT_HEADER_BYTES = 16;

interface Session {
  machine: V86Machine;
  view: CoreView;
  /** Set by the debug-exit port during a run. */
  exitStatus: number | undefined;
  /** PAE PDPTEs to be loaded from CR3 before the next run or translate (after setState or a load). */
  pdptesStale: boolean;
  breakpointTable: number;
  breakpointCapacity: number;
  /** Why the core cannot be used any more (it trapped); only reset and close are accepted then. */
  broken: string | undefined;
}

export interface V86SubjectOptions {
  name?: string;
}

export interface V86Subject extends Subject {
  /** The booted machine, for tests; undefined before reset. */
  readonly machine: V86Machine | undefined;
}

/** The RAM size v86 gives for a requested size (its create_memory: at least 1 MiB, 128 KiB steps). */
export function roundedRam(requested: number): number {
  return Math.ceil(Math.max(requested, 1024 * 1024) / 0x20000) * 0x20000;
}

const hex = (value: number): string => `0x${(value >>> 0).toString(16)}`;

async function boot(memorySize: number): Promise<Session> {
  const machine = await bootV86({ memorySize, core: 'exact' });
  const session: Session = { machine, view: new CoreView(machine.cpu, machine.memorySize), exitStatus: undefined, pdptesStale: true, breakpointTable: 0, breakpointCapacity: 0, broken: undefined };
  const g = exactCore(session).globals;
  // Exact stepping: one slice per main_loop call, bounded by the step budget alone (neither by
  // v86's instruction-count slice nor by its interpreter's iteration limit).
  g.xvc_frame_ms.value = -1;
  g.xvc_budget.value = UNBOUNDED_SLICE;
  g.xvc_inner_limit.value = UNBOUNDED_SLICE;
  const exit = (value: number): void => {
    session.exitStatus = debugExitStatus(value);
    g.xvc_stop.value = 1;
  };
  machine.cpu.io.register_write(PORT_DEBUG_EXIT, {}, exit, exit, exit);
  return session;
}

function exactCore(s: Session): NonNullable<V86Machine['patched']> {
  if (!s.machine.patched) throw new Error('v86 booted without the patched core');
  return s.machine.patched;
}

function setBreakpoints(s: Session, linear: readonly number[]): void {
  const core = exactCore(s);
  if (linear.length > s.breakpointCapacity) {
    const capacity = Math.max(INITIAL_BREAKPOINT_CAPACITY, linear.length);
    s.breakpointTable = core.malloc(capacity * 4);
    if (s.breakpointTable === 0) throw new Error('v86 core could not allocate the breakpoint table');
    s.breakpointCapacity = capacity;
  }
  const words = s.view.i32;
  linear.forEach((address, i) => {
    words[(s.breakpointTable >> 2) + i] = address | 0;
  });
  core.globals.xvc_bp_table.value = s.breakpointTable;
  core.globals.xvc_bp_count.value = linear.length;
}

export function createV86Subject(options: V86SubjectOptions = {}): V86Subject {
  let session: Session | undefined;

  const need = (): Session => {
    if (!session) throw new Error('v86 subject used before reset()');
    if (session.broken) throw new SubjectError('subject-crash', `v86 core is unusable after an abort (${session.broken}); reset() starts a new one`);
    return session;
  };

  const replace = async (memorySize: number): Promise<Session> => {
    const old = session;
    session = undefined;
    if (old) await old.machine.emulator.destroy();
    session = await boot(memorySize);
    return session;
  };

  const crashed = (s: Session, error: unknown): SubjectError => {
    const message = s.machine.lastCoreMessage();
    const what = oneLine(error instanceof Error ? error.message : String(error));
    s.broken = message ? `${what}: ${oneLine(message)}` : what;
    return new SubjectError('subject-crash', `v86 core aborted (${s.broken})`);
  };

  const freshPdptes = (s: Session): void => {
    if (!s.pdptesStale) return;
    loadPdptes(s.view);
    s.pdptesStale = false;
  };

  const capabilities: SubjectCapabilities = {
    modes: ['real', 'prot32'],
    cpuModels: [V86_CPU_MODEL],
    paging: ['none', '32bit', 'pse', 'pae'],
    singleStep: true,
    translate: true,
    snapshot: true,
  };

  return {
    name: options.name ?? V86_SUBJECT_NAME,
    capabilities,
    quirks: V86_QUIRKS,
    get machine() {
      return session?.machine;
    },

    async reset(config: SubjectConfig) {
      if (!capabilities.cpuModels.includes(config.cpu)) throw new Error(`v86 emulates one CPU (${V86_CPU_MODEL} class); CPU model '${config.cpu}' is not available`);
      // Booting takes about 100 ms; a machine of the right size is reset in place instead.
      const s = session && !session.broken && session.machine.memorySize === roundedRam(config.memorySize) ? session : await replace(config.memorySize);
      const cpu = s.machine.cpu;
      cpu.reset_cpu();
      s.view.ram.fill(0);
      cpu.full_clear_tlb();
      cpu.jit_clear_cache();
      const g = exactCore(s).globals;
      g.xvc_stop.value = 0;
      g.xvc_bp_count.value = 0;
      s.exitStatus = undefined;
      s.pdptesStale = true;
    },

    async writeMemory(address, bytes) {
      const s = need();
      if (address < 0 || address + bytes.length > s.view.memorySize) throw new RangeError(`write of ${bytes.length} bytes at ${hex(address)} is outside v86's RAM (${hex(s.view.memorySize)} bytes)`);
      s.view.ram.set(bytes, address);
      // A load bypasses the CPU: drop translations that may rest on page tables it rewrote.
      s.machine.cpu.full_clear_tlb();
      s.pdptesStale = true;
    },

    async readMemory(address, length) {
      const s = need();
      const out = new Uint8Array(length).fill(0xff);
      const end = Math.min(address + length, s.view.memorySize);
      if (address < end) out.set(s.view.ram.subarray(address, end));
      return out;
    },

    async setState(state: ArchState) {
      const s = need();
      writeArchState(s.view, state);
      s.pdptesStale = true;
    },

    async getState(): Promise<ArchState> {
      return readArchState(need().view);
    },

    async run(limits: RunLimits): Promise<StopReason> {
      const s = need();
      const v = s.view;
      const cpu = s.machine.cpu;
      const g = exactCore(s).globals;
      freshPdptes(s);
      const breakpoints = limits.breakpoints ?? [];
      setBreakpoints(s, breakpoints);
      const breakpointSet = new Set(breakpoints.map((a) => a | 0));
      g.xvc_stop.value = 0;
      g.xvc_exc_vector.value = -1;
      g.xvc_stop_on_exception.value = limits.stopOnException ? 1 : 0;
      s.exitStatus = undefined;
      // Resume after a HLT, as the reference does: the harness's run is the wake-up.
      v.setU8('inHlt', 0);
      let remaining = limits.maxInstructions;
      while (remaining > 0) {
        const slice = Math.min(remaining, MAX_SLICE);
        g.xvc_cycles.value = slice;
        try {
          cpu.main_loop();
        } catch (error) {
          throw crashed(s, error);
        }
        const used = slice - (g.xvc_cycles.value as number);
        remaining -= used;
        const vector = g.xvc_exc_vector.value as number;
        if (vector >= 0) {
          return g.xvc_exc_has_error.value !== 0 ? { kind: 'exception', vector, errorCode: (g.xvc_exc_error.value as number) >>> 0 } : { kind: 'exception', vector };
        }
        if (s.exitStatus !== undefined) return { kind: 'exit-port', status: s.exitStatus };
        if (v.getU8('inHlt') !== 0) return { kind: 'halt' };
        if (remaining > 0 && breakpointSet.has(v.linearEip)) return { kind: 'breakpoint', eip: (v.linearEip - v.getI32('segBase', SEG_CS)) >>> 0 };
        // A slice ends early only for the stops above; one that used nothing would spin.
        if (used <= 0) throw new SubjectError('subject-crash', `v86 made no progress at linear EIP ${hex(v.linearEip)}`);
      }
      return { kind: 'limit' };
    },

    async translate(linear: number): Promise<Translation> {
      const s = need();
      const v = s.view;
      freshPdptes(s);
      const cr0 = v.getI32('cr', 0);
      if ((cr0 & CR0_PG) === 0) return { physical: linear >>> 0, writable: true, user: true };
      const walk = exactCore(s).pageWalk;
      // do_page_walk(linear, for_writing, user, jit, side_effects): no A/D bits, no TLB fill, no #PF.
      const entry = walk(linear | 0, 0, 0, 0, 0);
      if (entry === 0) return { physical: null };
      // A TLB entry holds ((mem8 + physical page) ^ linear page) | flags.
      const physical = (((entry & ~0xfff) ^ (linear & ~0xfff)) - v.memBase + (linear & 0xfff)) >>> 0;
      const user = walk(linear | 0, 0, 1, 0, 0) !== 0;
      // With CR0.WP clear a supervisor write ignores R/W: set WP for the query to read the R/W bits.
      v.setI32('cr', cr0 | CR0_WP, 0);
      const writable = walk(linear | 0, 1, 0, 0, 0) !== 0;
      v.setI32('cr', cr0, 0);
      return { physical, writable, user };
    },

    async snapshot(): Promise<Uint8Array> {
      const s = need();
      const state = new Uint8Array(await s.machine.emulator.save_state());
      const blob = new Uint8Array(SNAPSHOT_HEADER_BYTES + state.length);
      blob.set(new TextEncoder().encode(SNAPSHOT_MAGIC), 0);
      new DataView(blob.buffer).setUint32(8, s.view.memorySize, true);
      blob.set(state, SNAPSHOT_HEADER_BYTES);
      return blob;
    },

    async restore(blob: Uint8Array): Promise<void> {
      if (blob.length < SNAPSHOT_HEADER_BYTES || new TextDecoder().decode(blob.subarray(0, 8)) !== SNAPSHOT_MAGIC) throw new Error('not a v86 subject snapshot (bad header)');
      const memorySize = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(8, true);
      const s = session && !session.broken && session.machine.memorySize === memorySize ? session : await replace(memorySize);
      await restoreV86State(s.machine, blob.slice(SNAPSHOT_HEADER_BYTES).buffer);
      s.machine.cpu.full_clear_tlb();
      s.exitStatus = undefined;
      // The snapshot carries the PDPTEs the CPU had loaded: keep them rather than reread CR3.
      s.pdptesStale = false;
    },

    async close() {
      const old = session;
      session = undefined;
      if (old) await old.machine.emulator.destroy();
    },
  };
}
