/**
 * Live migration of one QEMU machine to a second QEMU process over QMP (QEMU docs,
 * devel/migration and the QMP reference: `-incoming defer`, `migrate-incoming`, `migrate`,
 * `query-migrate`, `migrate_cancel`). Models no hardware.
 *
 * A CPU the gdbstub stopped sits in run state 'debug', with the stub's own bookkeeping around
 * it; that is not a state to migrate. So the CPU is parked first: the two bytes at CS:EIP
 * become `EB FE` (`jmp $`, the same two bytes in real, 16-bit, 32-bit and virtual-8086 code),
 * every breakpoint is removed, EFLAGS.TF is cleared for the moment (a trap after every jump
 * would deliver #DB through the guest's table), the CPU continues through the stub and QMP
 * `stop` pauses it: run state 'paused', the CPU at the same EIP, nothing else changed. A CPU
 * that is halted already stays halted while it "runs", so it is parked without a patch.
 *
 * With paging on, fetching the `jmp $` sets the accessed bit of the entries that map it, so
 * those entries (low doublewords) are saved with the code bytes. After the migration the target's
 * stub writes the code bytes, the entries and EFLAGS back, and the whole register state is
 * compared with the one read before parking. A migration that fails or stalls is cancelled,
 * the target killed and the source unparked, so the source goes on as before.
 *
 * Pre-copy (QEMU's default) with the guest paused: the downtime QEMU reports is the time of the
 * final stop-and-copy phase.
 */

import * as path from 'node:path';
import { CR0_PG, SEGATTR_DB } from '../../../reference-emulator/index.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import { QemuMachine, describeExit } from './machine.ts';
import { archStateFromMonitor, type MonitorRegisters } from './monitor.ts';
import { launchQemu, type QemuProcess } from './process.ts';
import { QmpClient, QmpError } from './qmp.ts';
import { stateDifferences } from './state-loader.ts';

export interface QemuMigrationOptions {
  /** How long the migration may take before it is cancelled as stalled (default 60 s). */
  timeoutMs?: number;
  /** QMP `max-bandwidth` for the migration stream, bytes per second (default QEMU's). */
  maxBandwidth?: number;
  /** Test hook: called with the target's process id once it listens for the migration stream. */
  onTargetListening?: (pid: number) => void | Promise<void>;
}

/** What QMP `query-migrate` reported for the completed migration (times in ms). */
export interface QemuMigrationReport {
  sourceProcessId: number;
  targetProcessId: number;
  /** From `migrate` to completion, as QEMU measured it. */
  totalTimeMs: number;
  /** Time the guest was stopped for the final copy, as QEMU measured it. */
  downtimeMs: number;
  setupTimeMs: number | undefined;
  ramTransferredBytes: number;
  ramTotalBytes: number;
  /** Pages sent as "all the same byte" (zero pages) and as whole pages. */
  ramDuplicatePages: number;
  ramNormalPages: number;
  /** The wall-clock time of the whole migrateTo(): start of the target, parking, migration, unparking. */
  wallTimeMs: number;
}

interface QueryMigrate {
  status?: string;
  'total-time'?: number;
  downtime?: number;
  'setup-time'?: number;
  'error-desc'?: string;
  ram?: { transferred?: number; total?: number; duplicate?: number; normal?: number; remaining?: number };
}

const DEFAULT_TIMEOUT_MS = 60_000;
const TARGET_START_TIMEOUT_MS = 10_000;
const EFLAGS_TF = 1 << 8;
const CR4_PSE = 1 << 4;
const CR4_PAE = 1 << 5;
const JMP_SELF = Uint8Array.of(0xeb, 0xfe);

/** A physical doubleword (or byte run) saved before parking and written back afterwards. */
interface Saved {
  physical: number;
  bytes: Uint8Array;
}

interface Parking {
  before: MonitorRegisters;
  /** The code bytes under `jmp $` (none when the CPU was halted). */
  code: Saved[];
  /** Paging-structure entries the fetch of `jmp $` may mark accessed. */
  entries: Saved[];
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

async function readDword(m: QemuMachine, physical: number): Promise<number> {
  return Buffer.from(await m.readPhysical(physical >>> 0, 4)).readUInt32LE(0);
}

/**
 * The physical address of one linear byte and the entries that map it (SDM Vol. 3A, 4.3 and
 * 4.4: 32-bit paging with 4 MiB pages under CR4.PSE, PAE with 2 MiB pages). Only the low 32 bits
 * of PAE entries matter here: the machine's RAM lies below 4 GiB.
 */
async function walk(m: QemuMachine, regs: MonitorRegisters, linear: number): Promise<{ physical: number; entries: number[] }> {
  if ((regs.cr0 & CR0_PG) === 0) return { physical: linear >>> 0, entries: [] };
  const notPresent = (): SubjectError => new SubjectError('protocol', `qemu migration: cannot park the CPU, the code at linear ${hex(linear)} (EIP ${hex(regs.eip)}) is not mapped`);
  if (regs.cr4 & CR4_PAE) {
    const pdpteAt = ((regs.cr3 & ~0x1f) + ((linear >>> 30) & 3) * 8) >>> 0;
    const pdpte = await readDword(m, pdpteAt);
    if ((pdpte & 1) === 0) throw notPresent();
    const pdeAt = ((pdpte & ~0xfff) + ((linear >>> 21) & 0x1ff) * 8) >>> 0;
    const pde = await readDword(m, pdeAt);
    if ((pde & 1) === 0) throw notPresent();
    if (pde & 0x80) return { physical: ((pde & 0xffe00000) | (linear & 0x1fffff)) >>> 0, entries: [pdpteAt, pdeAt] };
    const pteAt = ((pde & ~0xfff) + ((linear >>> 12) & 0x1ff) * 8) >>> 0;
    const pte = await readDword(m, pteAt);
    if ((pte & 1) === 0) throw notPresent();
    return { physical: ((pte & ~0xfff) | (linear & 0xfff)) >>> 0, entries: [pdpteAt, pdeAt, pteAt] };
  }
  const pdeAt = ((regs.cr3 & ~0xfff) + (linear >>> 22) * 4) >>> 0;
  const pde = await readDword(m, pdeAt);
  if ((pde & 1) === 0) throw notPresent();
  if (pde & 0x80 && regs.cr4 & CR4_PSE) return { physical: ((pde & 0xffc00000) | (linear & 0x3fffff)) >>> 0, entries: [pdeAt] };
  const pteAt = ((pde & ~0xfff) + ((linear >>> 12) & 0x3ff) * 4) >>> 0;
  const pte = await readDword(m, pteAt);
  if ((pte & 1) === 0) throw notPresent();
  return { physical: ((pte & ~0xfff) | (linear & 0xfff)) >>> 0, entries: [pdeAt, pteAt] };
}

/** Writes `jmp $` at CS:EIP (saving what it covers), clears TF, and pauses the CPU there through QMP. */
async function park(m: QemuMachine): Promise<Parking> {
  if (m.shutdown) throw new SubjectError('protocol', 'qemu migration: the machine is in a triple-fault shutdown; reset() or restore() it first');
  const before = await m.registers();
  const parking: Parking = { before, code: [], entries: [] };
  if (!before.halted) {
    const code32 = (before.segs.cs.attr & SEGATTR_DB) !== 0;
    const ipMask = code32 ? 0xffffffff : 0xffff;
    const expandDown = (before.segs.cs.attr & 0x1c) === 0x14;
    const next = (before.eip + 1) & ipMask;
    if (!expandDown && next > before.segs.cs.limit) throw new SubjectError('protocol', `qemu migration: cannot park the CPU, EIP ${hex(before.eip)} is the last byte inside the CS limit`);
    const entryAddresses = new Set<number>();
    for (const ip of [before.eip, next]) {
      const { physical, entries } = await walk(m, before, (before.segs.cs.base + ip) >>> 0);
      parking.code.push({ physical, bytes: await m.readPhysical(physical, 1) });
      for (const e of entries) entryAddresses.add(e);
    }
    for (const e of entryAddresses) parking.entries.push({ physical: e, bytes: await m.readPhysical(e, 4) });
    for (let i = 0; i < 2; i++) await m.writePhysical(parking.code[i]!.physical, JMP_SELF.subarray(i, i + 1));
  }
  try {
    if (before.eflags & EFLAGS_TF) await m.setRegisters({ eflags: (before.eflags & ~EFLAGS_TF) >>> 0 });
    await m.park();
  } catch (error) {
    // Best effort: the code bytes and EFLAGS back (the stub refuses while the guest runs).
    try {
      for (const saved of parking.code) await m.writePhysical(saved.physical, saved.bytes);
      await m.setRegisters({ eflags: before.eflags });
    } catch {
      // The caller reports the parking error.
    }
    throw error;
  }
  return parking;
}

/**
 * Puts back what parking changed, on the source (after a failure) or on the target (after the
 * migration), and checks the registers against the ones read before parking.
 */
async function unpark(m: QemuMachine, parking: Parking, where: string): Promise<void> {
  for (const saved of [...parking.code, ...parking.entries]) await m.writePhysical(saved.physical, saved.bytes);
  const now = await m.registers();
  if (now.eflags !== parking.before.eflags || now.eip !== parking.before.eip) await m.setRegisters({ eflags: parking.before.eflags, eip: parking.before.eip });
  const after = await m.registers();
  const differences = stateDifferences(archStateFromMonitor(parking.before), after);
  if (after.halted !== parking.before.halted) differences.push(`halted ${parking.before.halted} reads ${after.halted}`);
  if (differences.length > 0) throw new SubjectError('protocol', `qemu migration: the ${where} state differs from the source's before migration: ${differences.slice(0, 4).join('; ')}`);
  m.halted = parking.before.halted;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The target's death, if it died, as a phrase for error messages. */
/** How long a failed migration waits for a dying target's exit to be seen before it reports. */
const TARGET_EXIT_GRACE_MS = 500;

function targetDeath(target: QemuProcess): string {
  if (!target.exit) return '';
  const tail = target.stderrTail();
  return ` (target qemu-system-i386 exited, ${describeExit(target.exit)}${tail ? `: ${oneLine(tail)}` : ''})`;
}

async function startTarget(source: QemuMachine): Promise<{ proc: QemuProcess; qmp: QmpClient }> {
  let proc: QemuProcess;
  try {
    proc = await launchQemu({
      cpu: source.options.qemuCpu,
      memoryBytes: source.options.memoryBytes,
      vmstateDrive: true,
      extraArgs: ['-incoming', 'defer'],
      startTimeoutMs: TARGET_START_TIMEOUT_MS,
      ...(source.options.binary ? { binary: source.options.binary } : {}),
    });
  } catch (error) {
    throw new SubjectError('subject-crash', `qemu migration: the target QEMU did not start: ${oneLine((error as Error).message)}`);
  }
  try {
    const qmp = await QmpClient.connect(proc.qmpPath, TARGET_START_TIMEOUT_MS);
    return { proc, qmp };
  } catch (error) {
    const death = targetDeath(proc);
    await proc.kill();
    throw new SubjectError('subject-crash', `qemu migration: the target QEMU did not come up: ${oneLine((error as Error).message)}${death}`);
  }
}

function report(source: QemuMachine, target: QemuProcess, info: QueryMigrate, started: number): QemuMigrationReport {
  return {
    sourceProcessId: source.proc.pid,
    targetProcessId: target.pid,
    totalTimeMs: info['total-time'] ?? NaN,
    downtimeMs: info.downtime ?? NaN,
    setupTimeMs: info['setup-time'],
    ramTransferredBytes: info.ram?.transferred ?? NaN,
    ramTotalBytes: info.ram?.total ?? NaN,
    ramDuplicatePages: info.ram?.duplicate ?? NaN,
    ramNormalPages: info.ram?.normal ?? NaN,
    wallTimeMs: performance.now() - started,
  };
}

/** Polls the source's `query-migrate` until the migration completes, fails or runs out of time. */
async function awaitCompletion(source: QemuMachine, target: QemuProcess, deadline: number, timeoutMs: number): Promise<QueryMigrate> {
  let waitMs = 1;
  for (;;) {
    const info = await source.qmpCommand<QueryMigrate>('query-migrate');
    if (info.status === 'completed') return info;
    if (info.status === 'failed' || info.status === 'cancelled') {
      throw new SubjectError('protocol', `qemu migration ${info.status}: ${oneLine(info['error-desc'] ?? 'no reason given')}${targetDeath(target)}`);
    }
    if (performance.now() > deadline) {
      const sent = info.ram?.transferred !== undefined ? `, ${info.ram.transferred} bytes sent, ${info.ram.remaining ?? '?'} remaining` : '';
      throw new SubjectError('timeout', `qemu migration did not complete within ${timeoutMs / 1000} s (status '${info.status ?? '?'}'${sent})${targetDeath(target)}`);
    }
    await new Promise((r) => setTimeout(r, waitMs));
    waitMs = Math.min(waitMs * 2, 20);
  }
}

/** Waits until the target has left 'inmigrate' (it lands in 'paused': it runs with -S). */
async function awaitTargetLoaded(qmp: QmpClient, target: QemuProcess, deadline: number): Promise<void> {
  for (;;) {
    const status = await qmp.status();
    if (status === 'paused') return;
    if (status !== 'inmigrate') throw new SubjectError('protocol', `qemu migration: the target's run state after loading is '${status}', not 'paused'${targetDeath(target)}`);
    if (performance.now() > deadline) throw new SubjectError('timeout', `qemu migration: the target did not finish loading the migration stream${targetDeath(target)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Cancels a migration still under way, so the source leaves its migration states. */
async function cancelOnSource(source: QemuMachine): Promise<void> {
  try {
    const info = await source.qmpCommand<QueryMigrate>('query-migrate');
    if (info.status === undefined || ['completed', 'failed', 'cancelled', 'none'].includes(info.status)) return;
    await source.qmpCommand('migrate_cancel');
    const deadline = performance.now() + 5000;
    for (;;) {
      const now = await source.qmpCommand<QueryMigrate>('query-migrate');
      if (now.status === undefined || ['failed', 'cancelled', 'completed', 'none'].includes(now.status)) return;
      if (performance.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  } catch {
    // The source's own error is reported by the caller.
  }
}

/**
 * Migrates `source` (stopped by its gdbstub, breakpoints already removed by the caller) to a
 * new QEMU process and returns the machine there, state and RAM as the source's. On failure the
 * target is gone and the source holds its state again; the error is a one-line SubjectError.
 */
export async function migrateMachine(source: QemuMachine, options: QemuMigrationOptions = {}): Promise<{ machine: QemuMachine; report: QemuMigrationReport }> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { proc, qmp } = await startTarget(source);
  let parking: Parking | undefined;
  let target: QemuMachine | undefined;
  let bandwidthBefore: number | undefined;
  try {
    const uri = `unix:${path.join(proc.tmpDir, 'migration.sock')}`;
    await qmp.execute('migrate-incoming', { uri });
    await options.onTargetListening?.(proc.pid);
    parking = await park(source);
    if (options.maxBandwidth !== undefined) {
      bandwidthBefore = (await source.qmpCommand<{ 'max-bandwidth'?: number }>('query-migrate-parameters'))['max-bandwidth'];
      await source.qmpCommand('migrate-set-parameters', { 'max-bandwidth': options.maxBandwidth });
    }
    const deadline = performance.now() + timeoutMs;
    await source.qmpCommand('migrate', { uri });
    const info = await awaitCompletion(source, proc, deadline, timeoutMs);
    await awaitTargetLoaded(qmp, proc, deadline);
    target = await QemuMachine.adopt(proc, qmp, source.options, source.firmware);
    await unpark(target, parking, 'target');
    return { machine: target, report: report(source, proc, info, started) };
  } catch (error) {
    let failure: unknown = error;
    // When the target dies, the source's "failed to connect" can arrive before the target's exit
    // is seen; give the exit a moment to land, so the message names the death that caused it.
    if (!proc.exit) await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, TARGET_EXIT_GRACE_MS))]);
    if (error instanceof QmpError) failure = await source.translateError('migration', error);
    failure = failure instanceof SubjectError
      ? new SubjectError(failure.kind, oneLine(failure.message.includes('target qemu-system-i386 exited') ? failure.message : failure.message + targetDeath(proc)))
      : new SubjectError('protocol', `qemu migration: ${oneLine((failure as Error).message)}${targetDeath(proc)}`);
    await cancelOnSource(source);
    if (target) await target.close();
    else {
      qmp.close();
      await proc.kill();
    }
    if (parking && source.alive) {
      try {
        await unpark(source, parking, 'source');
      } catch (unparkError) {
        throw new SubjectError('protocol', oneLine(`${(failure as Error).message}; and the source could not be unparked: ${(unparkError as Error).message}`));
      }
    }
    throw failure;
  } finally {
    if (bandwidthBefore !== undefined && source.alive) {
      // Back to what it was, so a later migration of the same source is not slowed.
      await source.qmpCommand('migrate-set-parameters', { 'max-bandwidth': bandwidthBefore }).catch(() => undefined);
    }
  }
}
