/**
 * The `qemu` adapter: qemu-system-i386 (TCG) behind the adapter contract, driven through its
 * gdbstub (registers, memory, breakpoints, single steps) and QMP (lifecycle, monitor commands).
 * One QEMU process per subject; reset() returns it to a clean snapshot (loadvm) or starts a new
 * one when the CPU model or RAM size changes.
 *
 * How run() counts: the first `exactStepLimit` instructions (default 256) are single-stepped,
 * so the count, the breakpoint check before every instruction and every stop among them are
 * exact (a REP string instruction retires once however many iterations QEMU steps through; HLT
 * and OUT to the debug-exit port are recognised before they execute). A run that goes on past
 * them continues at full speed with gdbstub breakpoints, and the rest of `maxInstructions`
 * becomes a wall-clock cap (`continueFloorMs` + instructions / `continueAssumedIps`): a 'limit'
 * stop there means "did not stop by itself in that time", at no particular instruction. QEMU
 * cannot count instructions under `continue` (icount counts them, but only record/replay mode
 * can stop at a count), so nothing better is offered.
 *
 * Everything QEMU does differently from the contract's reference is in QEMU_QUIRKS, with where
 * it comes from.
 */

import { randomUUID } from 'node:crypto';
import { CR0_PE, CR0_PG, debugExitStatus, PORT_DEBUG_EXIT, SEGATTR_DB, type CpuModelName, type StopReason } from '../../../reference-emulator/index.ts';
import type { ArchState, RunLimits, Subject, SubjectConfig, Translation } from '../../adapter.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import {
  EXCEPTION_VECTORS,
  prepareTrap,
  restoreTrapArea,
  stubLinear,
  stubVector,
  TRAP_AREA_SIZE,
  unwindFromFrame,
  type Trap,
} from './exception-trap.ts';
import { peekInstruction } from './instruction-peek.ts';
import { describeExit, QemuMachine } from './machine.ts';
import { migrateMachine, type QemuMigrationOptions, type QemuMigrationReport } from './migration.ts';
import { archStateFromMonitor, parseGva2gpa, parseInfoMem, type MonitorRegisters } from './monitor.ts';
import type { QemuExit } from './process.ts';
import { EFLAGS_VM, loadState, sameTable } from './state-loader.ts';

/** QEMU -cpu models per xvc CPU generation. QEMU has nothing older than the 486. */
export const QEMU_CPU_MODELS: Partial<Record<CpuModelName, string>> = {
  i486: '486',
  pentium: 'pentium',
  p6: 'pentium2',
  modern: 'max',
};

/** Bytes below the stack pointer an exception frame can cover (error code, EIP, CS, EFLAGS, ESP, SS). */
const FRAME_BYTES = 24;
const DEFAULT_EXACT_STEP_LIMIT = 256;
const DEFAULT_CONTINUE_FLOOR_MS = 100;
/** A pessimistic TCG speed for the wall-clock cap (the benchmark measures far more). */
const DEFAULT_CONTINUE_ASSUMED_IPS = 20e6;
/** The trap/loader scratch area sits in the last KiBs of conventional memory when RAM reaches there. */
const DEFAULT_SCRATCH_BASE = 0x9f000;
const SNAPSHOT_FORMAT = 'xvc-qemu-snapshot/1';
/** Reads longer than this go through QMP pmemsave (one command) instead of 2 KiB gdbstub packets. */
const BULK_READ_BYTES = 8192;

export const QEMU_QUIRKS: readonly string[] = [
  'run(): the first exactStepLimit (default 256) instructions are single-stepped and counted exactly; a run past them continues at full speed with the rest of maxInstructions as a wall-clock cap, so a limit stop there is approximate',
  'breakpoints in a full-speed run: QEMU (6.2 and later, check_for_breakpoints) executes every instruction in a breakpoint\'s 4 KiB page as its own block, about 30-60 times slower there',
  'scratch area: setState borrows 256 bytes at physical 0x9F000 (or the top 4 KiB of smaller RAM) and restores them; run({stopOnException}) also puts a private IDT (vectors 0-31 to 32 HLT stubs with breakpoints, 32-255 copied from the guest\'s table when the run starts) at +0x100..+0xA00 for the run and restores the bytes after; SIDT during that run shows the private table, and the trap area must be identity-mapped when paging is on',
  'stopOnException after a full-speed run: the exception frame QEMU pushed below the stack pointer stays in memory (single-stepped runs put those bytes back); INT n versus a fault with an error code is told apart by the CD n bytes before the return address; a real-mode trap (#DB after TF) loses EFLAGS bits 16-31 (AC reads 0: the frame holds 16 bits and delivery clears AC), single-stepped runs keep them',
  'exit-port: in a full-speed run isa-debug-exit ends the QEMU process, so the status is the process exit code ((value << 1) | 1) & 0xFF and the machine state after it is gone (reset() starts a new QEMU); single-stepped runs recognise the OUT before it executes and keep everything',
  'HLT in a full-speed run is noticed by polling the monitor (about 1-50 ms late, EIP exact: after the HLT); the next run or setState wakes the CPU with a CPU reset that keeps RAM, then reloads the state',
  'CR0.ET reads as 1 whatever was set (QEMU hardwires it, as the 486 and later do)',
  'TR after LTR (and after setState of a non-null TR) reads as an available TSS (type 9, attr 0x89), not busy (0x8B): QEMU caches the descriptor before it sets the busy bit in memory (target/i386/tcg/seg_helper.c helper_ltr)',
  'a null TR, or a null LDTR with its reset cache, exists only after RESET: setState resets the CPU (RAM kept) to get one back',
  'physical 0xF0000-0xFFFFF is QEMU\'s firmware image mapped as RAM (microvm); reset() zeroes it like all RAM',
  'no i286 or i386 CPU model: QEMU\'s oldest is the 486 (-cpu 486); p6 runs as -cpu pentium2, modern as -cpu max',
  'triple fault: QEMU pauses (-action reboot=shutdown,shutdown=pause) and the stop is {kind: shutdown}; the state is the one QEMU holds at the fault',
  'snapshot(): the blob names a savevm snapshot inside this subject\'s QEMU process; restore() takes it back only in that process (not across reset() to another CPU model or RAM size)',
  'migrateTo() (adapter-specific): the CPU is parked for the migration on a `jmp $` written over the two bytes at CS:EIP (TF cleared, breakpoints removed, paging entries saved), which the target gets back with EFLAGS; the migrated subject has none of the source\'s snapshots, and its reset() starts a new QEMU process',
];

export interface QemuSubjectOptions {
  name?: string;
  /** qemu-system-i386 to run (a path, or a name on PATH). */
  binary?: string;
  /** Runs with maxInstructions up to this are single-stepped and counted exactly. */
  exactStepLimit?: number;
  continueFloorMs?: number;
  continueAssumedIps?: number;
  /** Longest wait between looks at QEMU's HLT flag during a full-speed run (ms): how late a halt can be noticed. */
  haltPollMaxMs?: number;
  /** Physical address of the scratch area (16-byte aligned, below 1 MiB, TRAP_AREA_SIZE bytes of RAM). */
  scratchBase?: number;
}

interface SnapshotBlob {
  format: string;
  process: string;
  name: string;
  halted: boolean;
  shutdown: boolean;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/**
 * The state after a step. `info registers` costs twice a `g`, and only it shows descriptor
 * caches, tables and CPL; those change only when a selector, CR0, CR4, EFER or EFLAGS.VM does, or
 * through a system instruction (instruction-peek.ts), so otherwise the `g` values are merged into
 * the state from before the step.
 */
async function afterStep(m: QemuMachine, before: MonitorRegisters, system: boolean): Promise<MonitorRegisters> {
  if (system) return m.registers();
  const r = await m.registerFile();
  const segs = before.segs;
  const sameSelectors = r.cs === segs.cs.sel && r.ss === segs.ss.sel && r.ds === segs.ds.sel && r.es === segs.es.sel && r.fs === segs.fs.sel && r.gs === segs.gs.sel;
  const sameControl = r.cr0 === before.cr0 && r.cr4 === before.cr4 && r.efer === before.efer && ((r.eflags ^ before.eflags) & EFLAGS_VM) === 0;
  if (!sameSelectors || !sameControl) return m.registers();
  return {
    ...before,
    eax: r.eax, ecx: r.ecx, edx: r.edx, ebx: r.ebx, esp: r.esp, ebp: r.ebp, esi: r.esi, edi: r.edi,
    eip: r.eip,
    eflags: r.eflags,
    cr2: r.cr2,
    cr3: r.cr3,
    halted: false,
  };
}

/**
 * Linear memory, or no bytes when the stub cannot read it (unmapped, or page tables QEMU walks
 * with CR0.PG set outside protected mode): the peek then sees nothing special and QEMU's own
 * fetch decides what happens.
 */
async function readOrNothing(m: QemuMachine, linear: number, length: number, paging: boolean): Promise<Uint8Array> {
  try {
    return await m.readLinear(linear, length, paging);
  } catch (error) {
    if (error instanceof SubjectError && error.kind === 'protocol') return new Uint8Array(0);
    throw error;
  }
}

/**
 * The contract plus the QEMU process id, for diagnostics and for tests that check nothing is left
 * running, and live migration to a second QEMU process.
 */
export interface QemuSubject extends Subject {
  readonly processId: number | undefined;
  /**
   * Moves the machine to a new QEMU process over QMP (migration.ts): returns a subject bound to
   * it, whose state and RAM equal this one's now. This subject's QEMU is ended then; it is usable
   * again after reset(). On failure this subject keeps its machine and state, no new process
   * is left, and the error is a one-line SubjectError.
   */
  migrateTo(options?: QemuMigrationOptions): Promise<QemuSubject>;
  /** QEMU's figures for the last migration this subject took part in (as source or as target). */
  readonly lastMigration: QemuMigrationReport | undefined;
}

/** A machine received by migration, with what the subject knew of it. */
interface Adopted {
  machine: QemuMachine;
  config: SubjectConfig;
  scratchBase: number;
  report: QemuMigrationReport;
}

export function createQemuSubject(options: QemuSubjectOptions = {}): QemuSubject {
  return buildQemuSubject(options, undefined);
}

function buildQemuSubject(options: QemuSubjectOptions, adopted: Adopted | undefined): QemuSubject {
  const exactStepLimit = options.exactStepLimit ?? DEFAULT_EXACT_STEP_LIMIT;
  const continueFloorMs = options.continueFloorMs ?? DEFAULT_CONTINUE_FLOOR_MS;
  const continueAssumedIps = options.continueAssumedIps ?? DEFAULT_CONTINUE_ASSUMED_IPS;
  const haltPollMaxMs = options.haltPollMaxMs ?? 50;
  let machine: QemuMachine | undefined = adopted?.machine;
  let config: SubjectConfig | undefined = adopted ? { ...adopted.config } : undefined;
  let scratchBase = adopted?.scratchBase ?? 0;
  let lastMigration: QemuMigrationReport | undefined = adopted?.report;
  /** Set when this subject's machine migrated away: the QEMU process it went to. */
  let migratedTo: number | undefined;
  /** Set when isa-debug-exit ended QEMU: the machine is gone until reset(). */
  let exitStatus: number | undefined;
  /** An identity for this QEMU process, so a snapshot blob is not taken back by another one. */
  let processToken = adopted ? randomUUID() : '';
  let snapshotCount = 0;
  /** User breakpoints currently inserted in the stub; stub breakpoints stay while their scratch base does. */
  const inserted = new Set<number>();
  let stubBreakpointsAt: number | undefined;

  const need = (): QemuMachine => {
    if (migratedTo !== undefined) throw new Error(`qemu subject: its machine migrated to QEMU process ${migratedTo}; use the subject migrateTo() returned, or reset() this one`);
    if (!machine || !config) throw new Error('qemu subject used before reset()');
    if (exitStatus !== undefined) throw new SubjectError('subject-crash', `qemu-system-i386 has exited through the debug-exit port (status ${exitStatus}); its state is gone until reset()`);
    return machine;
  };

  const chooseScratchBase = (memorySize: number): number => {
    if (options.scratchBase !== undefined) return options.scratchBase;
    if (memorySize >= DEFAULT_SCRATCH_BASE + 0x1000) return DEFAULT_SCRATCH_BASE;
    return Math.max(0, (memorySize - 0x1000) & ~0xfff);
  };

  const exitStop = (exit: QemuExit): StopReason => {
    if (exit.signal === null && exit.code !== null && (exit.code & 1) === 1) {
      exitStatus = exit.code;
      return { kind: 'exit-port', status: exit.code };
    }
    throw new SubjectError('subject-crash', `qemu-system-i386 died during run (${describeExit(exit)})${machine?.proc.stderrTail() ? `: ${machine.proc.stderrTail()}` : ''}`);
  };

  const setBreakpoints = async (m: QemuMachine, wanted: ReadonlySet<number>): Promise<void> => {
    for (const address of [...inserted]) {
      if (wanted.has(address)) continue;
      await m.removeBreakpoint(address);
      inserted.delete(address);
    }
    for (const address of wanted) {
      if (inserted.has(address)) continue;
      await m.insertBreakpoint(address);
      inserted.add(address);
    }
  };

  const isStubAddress = (linear: number): boolean =>
    stubBreakpointsAt !== undefined && linear >= stubLinear(stubBreakpointsAt, 0) && linear < stubLinear(stubBreakpointsAt, EXCEPTION_VECTORS);

  /** A halted or shut-down QEMU CPU runs again only after a reset; the state is reloaded as it was. */
  const wake = async (m: QemuMachine): Promise<void> => {
    const state = archStateFromMonitor(await m.registers());
    await loadState(m, state, scratchBase);
  };

  const installTrap = async (m: QemuMachine): Promise<Trap> => {
    const at = await m.registers();
    const trap = await prepareTrap(m, at, scratchBase);
    if (stubBreakpointsAt !== scratchBase) {
      // Stub breakpoints stay inserted between runs: 32 Z0 packets per run would cost more than the run.
      if (stubBreakpointsAt !== undefined) for (let v = 0; v < EXCEPTION_VECTORS; v++) await m.removeBreakpoint(stubLinear(stubBreakpointsAt, v));
      stubBreakpointsAt = undefined;
      for (let v = 0; v < EXCEPTION_VECTORS; v++) await m.insertBreakpoint(stubLinear(scratchBase, v));
      stubBreakpointsAt = scratchBase;
    }
    await loadState(m, { ...archStateFromMonitor(at), idtr: trap.privateIdtr }, scratchBase);
    return trap;
  };

  /** Puts the guest's IDTR back (unless the guest loaded its own meanwhile) and the trap area's bytes. */
  const removeTrap = async (m: QemuMachine, trap: Trap): Promise<void> => {
    const now = await m.registers();
    if (sameTable(now.idtr, trap.privateIdtr)) await loadState(m, { ...archStateFromMonitor(now), idtr: trap.guestIdtr }, scratchBase);
    await restoreTrapArea(m, trap);
  };

  /** A software interrupt in real mode is delivered, not stopped at: send it on to the guest's own IVT entry. */
  const forwardRealModeInterrupt = async (m: QemuMachine, trap: Trap, at: MonitorRegisters, vector: number): Promise<void> => {
    const entry = Buffer.from(await m.readPhysical((trap.guestIdtr.base + vector * 4) >>> 0, 4));
    const offset = entry.readUInt16LE(0);
    const segment = entry.readUInt16LE(2);
    const state = archStateFromMonitor(at);
    state.eip = offset;
    state.segs.cs = { sel: segment, base: (segment << 4) >>> 0, limit: at.segs.cs.limit, attr: at.segs.cs.attr };
    await loadState(m, state, scratchBase);
  };

  const stackWindow = (regs: MonitorRegisters): number => {
    const sp = regs.segs.ss.attr & SEGATTR_DB ? regs.esp : regs.esp & 0xffff;
    return (regs.segs.ss.base + sp - FRAME_BYTES) >>> 0;
  };

  /** Single-steps up to `budget` retired instructions. */
  const stepRun = async (m: QemuMachine, budget: number, breakpoints: ReadonlySet<number>, trap: Trap | undefined): Promise<StopReason> => {
    let before = await m.registers();
    let retired = 0;
    let first = true;
    while (retired < budget) {
      const linear = (before.segs.cs.base + before.eip) >>> 0;
      if (!first && breakpoints.has(linear)) return { kind: 'breakpoint', eip: before.eip };
      first = false;
      const paging = (before.cr0 & CR0_PG) !== 0;
      const realMode = (before.cr0 & CR0_PE) === 0;
      const virtual8086 = !realMode && (before.eflags & EFLAGS_VM) !== 0;
      const code32 = (before.segs.cs.attr & SEGATTR_DB) !== 0;
      const insn = peekInstruction(await readOrNothing(m, linear, 16, paging), code32);
      const nextEip = insn.kind === 'other' ? before.eip : (before.eip + insn.length) & (code32 ? 0xffffffff : 0xffff);
      // HLT and OUT to the debug-exit port are done here, where they may execute without a fault:
      // executed by QEMU they would put its CPU to sleep or end the process.
      if (insn.kind === 'hlt' && (realMode || (!virtual8086 && before.cpl === 0))) {
        await m.setRegister('eip', nextEip >>> 0);
        return { kind: 'halt' };
      }
      if (insn.kind === 'out-port' && (realMode || (!virtual8086 && before.cpl <= ((before.eflags >>> 12) & 3)))) {
        const port = insn.port === 'dx' ? before.edx & 0xffff : insn.port;
        if (port === PORT_DEBUG_EXIT) {
          await m.setRegister('eip', nextEip >>> 0);
          return { kind: 'exit-port', status: debugExitStatus(before.eax) };
        }
      }
      const stackBelow = trap ? await readOrNothing(m, stackWindow(before), FRAME_BYTES, paging) : undefined;
      const outcome = await m.step();
      if (outcome.kind === 'halted') return { kind: 'halt' };
      if (outcome.kind === 'shutdown') return { kind: 'shutdown', detail: 'triple fault (QEMU guest reset request, paused)' };
      if (outcome.kind === 'exited') return exitStop(outcome.exit);
      const after = await afterStep(m, before, insn.kind !== 'other' || insn.system);
      const vector = trap ? stubVector(trap, after) : undefined;
      if (trap && vector !== undefined) {
        const software = insn.kind === 'software-interrupt' && insn.vector === vector;
        if (software && (after.cr0 & CR0_PE) === 0) {
          await forwardRealModeInterrupt(m, trap, after, vector);
          retired++;
          before = await m.registers();
          continue;
        }
        const unwound = await unwindFromFrame(m, trap, after, vector, archStateFromMonitor(after), software);
        // A fault pushes the faulting instruction's address; a trap (#DB after TF, INT n) the next one's.
        const faulted = !software && unwound.state.eip === before.eip && unwound.state.segs.cs.sel === before.segs.cs.sel;
        let state: ArchState;
        if (faulted || software) {
          // Nothing of the instruction happened (or only the INT itself): the state before the step is exact, with QEMU's CR2.
          state = { ...archStateFromMonitor(before), idtr: { ...trap.guestIdtr }, cr2: after.cr2 };
          if (software) state.eip = nextEip >>> 0;
        } else {
          // The instruction completed, then trapped: the frame holds the state after it. A
          // real-mode frame has only FLAGS' low 16 bits, and delivery clears AC, so the upper
          // half is the one from before the step (right unless the instruction was POPFD/IRETD).
          state = unwound.state;
          if ((after.cr0 & CR0_PE) === 0) state.eflags = ((before.eflags & 0xffff0000) | (state.eflags & 0xffff)) >>> 0;
        }
        await loadState(m, state, scratchBase);
        if (stackBelow && stackBelow.length === FRAME_BYTES) {
          const window = stackWindow(before);
          if (faulted || software) {
            await m.writeLinear(window, stackBelow, paging);
          } else {
            // Only the frame's bytes: what the instruction itself wrote below the old stack pointer stays.
            const from = Math.max(window, unwound.frameLinear);
            const to = Math.min(window + FRAME_BYTES, unwound.frameLinear + unwound.frameBytes);
            if (from < to) await m.writeLinear(from, stackBelow.subarray(from - window, to - window), paging);
          }
        }
        return unwound.errorCode === undefined ? { kind: 'exception', vector } : { kind: 'exception', vector, errorCode: unwound.errorCode };
      }
      // QEMU steps a REP string instruction one iteration at a time; it retires when EIP moves on.
      const repeating = insn.kind === 'rep-string' && after.eip === before.eip && after.segs.cs.sel === before.segs.cs.sel;
      if (!repeating) retired++;
      before = after;
    }
    return { kind: 'limit' };
  };

  /** Runs at full speed until a stop, the wall-clock cap standing in for maxInstructions. */
  const continueRun = async (m: QemuMachine, maxInstructions: number, breakpoints: ReadonlySet<number>, trap: Trap | undefined, afterSteps: boolean): Promise<StopReason> => {
    const deadline = performance.now() + continueFloorMs + (maxInstructions / continueAssumedIps) * 1000;
    if (afterSteps) {
      // The stepped part of the run ended here: a breakpoint here is a stop (only the run's own first instruction is exempt).
      const start = await m.registers();
      if (breakpoints.has((start.segs.cs.base + start.eip) >>> 0)) return { kind: 'breakpoint', eip: start.eip };
    }
    for (;;) {
      const at = await m.registers();
      const linear = (at.segs.cs.base + at.eip) >>> 0;
      // QEMU stops again at once when continuing from a breakpoint's address: step off it first
      // (the run's first instruction never stops at a breakpoint anyway).
      if (breakpoints.has(linear) || isStubAddress(linear)) {
        const first = await stepRun(m, 1, new Set(), trap);
        if (first.kind !== 'limit') return first;
        const next = await m.registers();
        if (breakpoints.has((next.segs.cs.base + next.eip) >>> 0)) return { kind: 'breakpoint', eip: next.eip };
      }
      await setBreakpoints(m, breakpoints);
      const outcome = await m.continueUntilStop(deadline, haltPollMaxMs);
      if (outcome.kind === 'halted') return { kind: 'halt' };
      if (outcome.kind === 'shutdown') return { kind: 'shutdown', detail: 'triple fault (QEMU guest reset request, paused)' };
      if (outcome.kind === 'exited') return exitStop(outcome.exit);
      if (outcome.kind === 'deadline') return { kind: 'limit' };
      const stopped = await m.registers();
      const stopLinear = (stopped.segs.cs.base + stopped.eip) >>> 0;
      const vector = trap ? stubVector(trap, stopped) : undefined;
      if (trap && vector !== undefined) {
        const unwound = await unwindFromFrame(m, trap, stopped, vector, archStateFromMonitor(stopped));
        if (unwound.software && (stopped.cr0 & CR0_PE) === 0) {
          await forwardRealModeInterrupt(m, trap, stopped, vector);
          continue;
        }
        await loadState(m, unwound.state, scratchBase);
        return unwound.errorCode === undefined ? { kind: 'exception', vector } : { kind: 'exception', vector, errorCode: unwound.errorCode };
      }
      if (breakpoints.has(stopLinear)) return { kind: 'breakpoint', eip: stopped.eip };
      // A stub breakpoint left from an earlier stopOnException run, reached by guest code: go on.
      if (isStubAddress(stopLinear)) continue;
      throw new SubjectError('protocol', `gdbstub reported a breakpoint at ${hex(stopLinear)}, where none is set`);
    }
  };

  return {
    name: options.name ?? 'qemu',
    capabilities: {
      modes: ['real', 'prot16', 'prot32', 'v86'],
      cpuModels: ['i486', 'pentium', 'p6', 'modern'],
      paging: ['none', '32bit', 'pse', 'pae'],
      singleStep: true,
      translate: true,
      snapshot: true,
    },
    quirks: QEMU_QUIRKS,
    get processId() {
      return machine?.proc.pid;
    },
    get lastMigration() {
      return lastMigration;
    },

    async reset(wanted: SubjectConfig) {
      const qemuCpu = QEMU_CPU_MODELS[wanted.cpu];
      if (!qemuCpu) throw new Error(`qemu adapter: QEMU has no ${wanted.cpu} CPU model (its oldest is the 486)`);
      scratchBase = chooseScratchBase(wanted.memorySize);
      if (scratchBase + TRAP_AREA_SIZE > wanted.memorySize || scratchBase >= 0x100000) throw new Error(`qemu adapter: no room for the scratch area at ${hex(scratchBase)} in ${wanted.memorySize} bytes of RAM`);
      // A machine that came in by migration has no clean snapshot to go back to: a new QEMU then.
      const reusable = machine && machine.alive && machine.hasCleanSnapshot && exitStatus === undefined && config && config.cpu === wanted.cpu && config.memorySize === wanted.memorySize;
      if (reusable) {
        await machine!.guard('reset', () => machine!.loadClean());
      } else {
        await machine?.close();
        machine = undefined;
        inserted.clear();
        stubBreakpointsAt = undefined;
        machine = await QemuMachine.start({ qemuCpu, memoryBytes: wanted.memorySize, ...(options.binary ? { binary: options.binary } : {}) });
        processToken = randomUUID();
      }
      config = { ...wanted };
      exitStatus = undefined;
      migratedTo = undefined;
    },

    async migrateTo(migration: QemuMigrationOptions = {}): Promise<QemuSubject> {
      const m = need();
      // Breakpoints would stop the parked CPU at once; the target's stub starts with none anyway.
      await m.guard('migrateTo', async () => {
        await setBreakpoints(m, new Set());
        if (stubBreakpointsAt !== undefined) for (let v = 0; v < EXCEPTION_VECTORS; v++) await m.removeBreakpoint(stubLinear(stubBreakpointsAt, v));
        stubBreakpointsAt = undefined;
      });
      const { machine: moved, report } = await migrateMachine(m, migration);
      lastMigration = report;
      migratedTo = moved.proc.pid;
      machine = undefined;
      inserted.clear();
      await m.close();
      return buildQemuSubject(options, { machine: moved, config: config!, scratchBase, report });
    },

    async writeMemory(address, bytes) {
      const m = need();
      if (address < 0 || address + bytes.length > config!.memorySize) throw new RangeError(`write of ${bytes.length} bytes at ${hex(address)} is outside RAM`);
      await m.guard('writeMemory', () => m.writePhysical(address, bytes));
    },

    async readMemory(address, length) {
      const m = need();
      // As the reference: bytes beyond RAM read as 0xFF.
      const out = new Uint8Array(length).fill(0xff);
      const end = Math.min(address + length, config!.memorySize);
      if (address < end) {
        const length = end - address;
        out.set(await m.guard('readMemory', () => (length > BULK_READ_BYTES ? m.dumpPhysical(address, length) : m.readPhysical(address, length))));
      }
      return out;
    },

    async setState(state: ArchState) {
      const m = need();
      await m.guard('setState', () => loadState(m, state, scratchBase));
    },

    async getState(): Promise<ArchState> {
      const m = need();
      return archStateFromMonitor(await m.guard('getState', () => m.registers()));
    },

    async run(limits: RunLimits): Promise<StopReason> {
      const m = need();
      try {
        if (m.halted || m.shutdown) await wake(m);
        const breakpoints = new Set((limits.breakpoints ?? []).map((a) => a >>> 0));
        const trap = limits.stopOnException ? await installTrap(m) : undefined;
        // The first exactStepLimit instructions are single-stepped, so every stop among them is
        // exact; a run that goes on past them continues at full speed.
        let stop = await stepRun(m, Math.min(limits.maxInstructions, exactStepLimit), breakpoints, trap);
        if (stop.kind === 'limit' && limits.maxInstructions > exactStepLimit) stop = await continueRun(m, limits.maxInstructions - exactStepLimit, breakpoints, trap, exactStepLimit > 0);
        if (trap && exitStatus === undefined) await removeTrap(m, trap);
        return stop;
      } catch (error) {
        // isa-debug-exit ends QEMU wherever the run was (a poll, a register read): that is a stop, not a crash.
        const exit = error instanceof SubjectError && error.kind !== 'subject-crash' ? undefined : await m.exitSoon(500);
        if (exit) return exitStop(exit);
        throw await m.translateError('run', error);
      }
    },

    async translate(linear: number): Promise<Translation> {
      const m = need();
      return m.guard('translate', async () => {
        const regs = await m.registers();
        if ((regs.cr0 & CR0_PG) === 0) return { physical: linear >>> 0 };
        const physical = parseGva2gpa(await m.hmp(`gva2gpa ${hex(linear)}`));
        if (physical === null) return { physical: null };
        const range = parseInfoMem(await m.hmp('info mem')).find((r) => linear >>> 0 >= r.start && linear >>> 0 < r.end);
        return range ? { physical, writable: range.writable, user: range.user } : { physical };
      });
    },

    async snapshot(): Promise<Uint8Array> {
      const m = need();
      const name = `xvc-${++snapshotCount}`;
      await m.guard('snapshot', () => m.saveSnapshot(name));
      const blob: SnapshotBlob = { format: SNAPSHOT_FORMAT, process: processToken, name, halted: m.halted, shutdown: m.shutdown };
      return new TextEncoder().encode(JSON.stringify(blob));
    },

    async restore(bytes: Uint8Array) {
      const m = need();
      let blob: SnapshotBlob;
      try {
        blob = JSON.parse(new TextDecoder().decode(bytes)) as SnapshotBlob;
      } catch {
        throw new Error('qemu restore: the blob is not a qemu adapter snapshot');
      }
      if (blob.format !== SNAPSHOT_FORMAT) throw new Error(`qemu restore: the blob is not a qemu adapter snapshot (format '${String(blob.format)}')`);
      if (blob.process !== processToken) throw new Error(`qemu restore: snapshot '${blob.name}' belongs to another QEMU process; only the subject that took it can restore it`);
      await m.guard('restore', () => m.loadSnapshot(blob.name));
      m.halted = blob.halted;
      m.shutdown = blob.shutdown;
    },

    async close() {
      const m = machine;
      machine = undefined;
      config = undefined;
      migratedTo = undefined;
      inserted.clear();
      stubBreakpointsAt = undefined;
      await m?.close();
    },
  };
}
