/**
 * One running QEMU as the qemu adapter drives it: the process, its gdbstub (RSP) and its QMP
 * monitor, and the primitive operations built on them: registers by name, physical and linear
 * memory, one single step, continue-until-stop, a CPU reset that keeps RAM, and snapshots.
 * Models no hardware itself; what each QEMU behaviour below rests on is said where it is used.
 *
 * Every failure leaves here as a SubjectError: the process gone ('subject-crash', or an
 * isa-debug-exit the caller turns into a stop), no answer ('timeout'), or an answer the
 * protocol does not allow ('protocol').
 */

import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { SubjectError } from '../../suite/run-instance.ts';
import { parseInfoRegisters, type MonitorRegisters } from './monitor.ts';
import { launchQemu, QemuStartError, type QemuExit, type QemuProcess } from './process.ts';
import { QmpClient, QmpError } from './qmp.ts';
import { fromHex, hexLe32, readTargetRegisters, RspClient, RspError, toHex, type TargetRegister } from './rsp.ts';

/** Physical range of QEMU's firmware image on microvm, RAM that a CPU reset refills (hw/i386/x86.c x86_bios_rom_init). */
export const FIRMWARE_BASE = 0xf0000;
export const FIRMWARE_SIZE = 0x10000;
/** The snapshot every reset() returns to: zeroed RAM and firmware area, CPU as after RESET. */
export const CLEAN_SNAPSHOT = 'xvc-clean';
/** QEMU's gdbstub buffers 4096-byte packets (PacketSize=1000): a hex `m` reply carries at most 2048 bytes. */
const MAX_READ_CHUNK = 2048;
/** A hex `M` packet with its header stays under the 4096-byte packet size. */
const MAX_WRITE_CHUNK = 2000;
const START_TIMEOUT_MS = 10_000;
/** Launch attempts when the gdbstub's port was taken between choosing it and QEMU binding it. */
const PORT_ATTEMPTS = 3;
/** Longest wait between two looks at the HLT flag while the guest runs: the worst lateness of a halt stop. */
const DEFAULT_HALT_POLL_MAX_MS = 50;
/** One instruction never takes this long, even on a loaded machine; a step that does is a hang. */
const STEP_TIMEOUT_MS = 10_000;

const REGISTER_FILE_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'cr0', 'cr2', 'cr3', 'cr4', 'efer'] as const;
export type RegisterFile = Record<(typeof REGISTER_FILE_NAMES)[number], number>;

export type StepOutcome = { kind: 'stepped' } | { kind: 'halted' } | { kind: 'shutdown' } | { kind: 'exited'; exit: QemuExit };

export type ContinueOutcome =
  | { kind: 'stopped' }
  | { kind: 'halted' }
  | { kind: 'shutdown' }
  | { kind: 'deadline' }
  | { kind: 'exited'; exit: QemuExit };

export interface MachineOptions {
  binary?: string;
  qemuCpu: string;
  memoryBytes: number;
}

/** Stop replies (GDB manual, "Stop Reply Packets"): T05 trap (breakpoint, step), T02 interrupt, T03 QEMU's shutdown. */
const SIGNAL_QUIT = 3;
const SIGNAL_TRAP = 5;

function stopSignal(reply: string): number {
  const match = /^[TS]([0-9a-fA-F]{2})/.exec(reply);
  if (!match) throw new SubjectError('protocol', `gdbstub sent '${reply.slice(0, 32)}' where a stop reply belongs`);
  return Number.parseInt(match[1]!, 16);
}

export class QemuMachine {
  /** Whether QEMU's CPU has executed HLT and waits for an interrupt (none ever comes). */
  halted = false;
  /** Whether a triple fault paused the machine (-action shutdown=pause). */
  shutdown = false;
  /** Whether this process holds CLEAN_SNAPSHOT (a machine that came in by migration does not). */
  hasCleanSnapshot = true;
  private physicalMode = false;
  /** What QEMU writes into the firmware area on every CPU reset. */
  private firmwareImage: Uint8Array = new Uint8Array(0);
  private dumpCount = 0;

  private constructor(
    readonly proc: QemuProcess,
    private readonly rsp: RspClient,
    private readonly qmp: QmpClient,
    private readonly targetRegisters: Map<string, TargetRegister>,
    readonly options: MachineOptions,
  ) {}

  static async start(options: MachineOptions): Promise<QemuMachine> {
    const launch = (): Promise<QemuProcess> => launchQemu({ cpu: options.qemuCpu, memoryBytes: options.memoryBytes, vmstateDrive: true, ...(options.binary ? { binary: options.binary } : {}) });
    let proc: QemuProcess;
    for (let attempt = 1; ; attempt++) {
      try {
        proc = await launch();
        break;
      } catch (error) {
        // The free port was found by binding and releasing it; another process may take it first.
        if (!(error instanceof QemuStartError) || !/in use/i.test(error.message) || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
    try {
      const qmp = await QmpClient.connect(proc.qmpPath, START_TIMEOUT_MS);
      const rsp = await RspClient.connect({ port: proc.gdbPort, timeoutMs: START_TIMEOUT_MS });
      await rsp.handshake();
      const machine = new QemuMachine(proc, rsp, qmp, await readTargetRegisters(rsp), options);
      await machine.usePhysicalMemory(true);
      // The firmware image is RAM on microvm; a fresh machine has zeros there like everywhere else.
      // Its contents are kept: a CPU reset writes them back, and only what differs needs undoing then.
      machine.firmwareImage = await machine.dumpPhysical(FIRMWARE_BASE, FIRMWARE_SIZE);
      await machine.writePhysical(FIRMWARE_BASE, new Uint8Array(FIRMWARE_SIZE));
      await machine.saveSnapshot(CLEAN_SNAPSHOT);
      return machine;
    } catch (error) {
      const tail = proc.stderrTail();
      await proc.kill();
      if (error instanceof SubjectError) throw error;
      throw new SubjectError('subject-crash', `qemu-system-i386 did not come up: ${(error as Error).message}${tail ? ` (${tail})` : ''}`);
    }
  }

  /**
   * A machine for a QEMU that has just received an incoming migration: its QMP connection is
   * open already, its gdbstub is connected here (after the migration, so the stub's vm_stop on
   * connect never meets the 'inmigrate' run state). It has no clean snapshot; the firmware
   * image is the source's (same binary, same machine).
   */
  static async adopt(proc: QemuProcess, qmp: QmpClient, options: MachineOptions, firmwareImage: Uint8Array): Promise<QemuMachine> {
    const rsp = await RspClient.connect({ port: proc.gdbPort, timeoutMs: START_TIMEOUT_MS });
    try {
      await rsp.handshake();
      const machine = new QemuMachine(proc, rsp, qmp, await readTargetRegisters(rsp), options);
      machine.firmwareImage = firmwareImage;
      machine.hasCleanSnapshot = false;
      return machine;
    } catch (error) {
      rsp.close();
      throw error;
    }
  }

  /** The firmware image QEMU writes back on a CPU reset (for a migration target, which must not read it from its RAM). */
  get firmware(): Uint8Array {
    return this.firmwareImage;
  }

  /** A QMP command (migration and its queries); errors are QmpErrors, for guard() or translateError(). */
  qmpCommand<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    return this.qmp.execute<T>(command, args, timeoutMs);
  }

  /**
   * Leaves the gdbstub's 'debug' stop for a plain QMP pause: continues through the stub, waits
   * until QMP reports the guest running (QMP and the stub are separate sockets, so a `stop` sent
   * at once could overtake the `c`), stops it through QMP and takes the stop reply the stub sends
   * for that pause (T02). The caller has put the CPU where running changes nothing (`jmp $`, or
   * a halted CPU) and removed every breakpoint.
   */
  async park(timeoutMs = 5000): Promise<void> {
    await this.rsp.resume('c');
    const deadline = performance.now() + timeoutMs;
    for (let status = await this.qmp.status(); status !== 'running'; status = await this.qmp.status()) {
      const early = await this.waitForStopOrExit(0);
      if (early === 'exited') throw new SubjectError('subject-crash', `qemu-system-i386 exited while parking the CPU (${describeExit(this.proc.exit!)})`);
      if (early !== null) throw new SubjectError('protocol', `gdbstub stopped the parked CPU at once ('${early.slice(0, 12)}'), where a jmp $ loop should run`);
      if (performance.now() > deadline) throw new SubjectError('timeout', `qemu did not start running the parked CPU within ${timeoutMs / 1000} s (run state '${status}')`);
      await new Promise((r) => setTimeout(r, 1));
    }
    await this.qmp.execute('stop');
    const reply = await this.waitForStopOrExit(timeoutMs);
    if (reply === 'exited') throw new SubjectError('subject-crash', `qemu-system-i386 exited while parking the CPU (${describeExit(this.proc.exit!)})`);
    if (reply === null) throw new SubjectError('timeout', `gdbstub sent no stop reply within ${timeoutMs / 1000} s of QMP stop`);
    const status = await this.qmp.status();
    if (status !== 'paused') throw new SubjectError('protocol', `qemu run state after parking is '${status}', not 'paused'`);
  }

  get alive(): boolean {
    return this.proc.exit === undefined && !this.rsp.closed;
  }

  async close(): Promise<void> {
    this.rsp.close();
    this.qmp.close();
    await this.proc.kill();
  }

  /** Turns client errors into SubjectErrors, telling a dead QEMU from a silent or garbled one. */
  async guard<T>(what: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      throw await this.translateError(what, error);
    }
  }

  async translateError(what: string, error: unknown): Promise<unknown> {
    if (error instanceof SubjectError) return error;
    if (error instanceof RspError || error instanceof QmpError) {
      // A closed socket usually means the process is ending; give it a moment to be reaped.
      const exit = await this.exitSoon(error.kind === 'closed' ? 500 : 0);
      if (exit) return new SubjectError('subject-crash', `qemu-system-i386 exited during ${what} (${describeExit(exit)})${this.proc.stderrTail() ? `: ${this.proc.stderrTail()}` : ''}`);
      if (error.kind === 'timeout') return new SubjectError('timeout', `qemu ${what}: ${error.message}`);
      if (error.kind === 'closed') return new SubjectError('subject-crash', `qemu ${what}: ${error.message}`);
      return new SubjectError('protocol', `qemu ${what}: ${error.message}`);
    }
    return error;
  }

  /** The exit status if QEMU has exited or does so within `waitMs` (its sockets close before it is reaped). */
  async exitSoon(waitMs: number): Promise<QemuExit | undefined> {
    if (this.proc.exit) return this.proc.exit;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    const exit = await Promise.race([this.proc.exited, timeout]);
    clearTimeout(timer);
    return exit;
  }

  // ---- registers -------------------------------------------------------------------------

  private register(name: string): TargetRegister {
    const r = this.targetRegisters.get(name);
    if (r === undefined) throw new SubjectError('protocol', `gdbstub target description has no register '${name}'`);
    return r;
  }

  private registerNumber(name: string): number {
    return this.register(name).number;
  }

  /**
   * Sets several 32-bit registers with one `g` and one `G` instead of a `P` each. The `G` writes
   * back every other register as read, which QEMU takes as no change (a selector equal to the
   * current one is not reloaded, the FPU and SSE values are the same). QEMU applies `G` in
   * register order, so control registers come after EFLAGS and the selectors.
   */
  async setRegisters(values: Readonly<Record<string, number>>): Promise<void> {
    const reply = await this.rsp.request('g');
    const all = Buffer.from(fromHex(reply));
    for (const [name, value] of Object.entries(values)) {
      const r = this.register(name);
      if (r.bytes !== 4 || r.offset + 4 > all.length) throw new SubjectError('protocol', `gdbstub 'g' reply (${all.length} bytes) has no 32-bit ${name}`);
      all.writeUInt32LE(value >>> 0, r.offset);
    }
    const written = await this.rsp.request('G' + all.toString('hex'));
    if (written !== 'OK') throw new SubjectError('protocol', `gdbstub refused 'G': '${written.slice(0, 20)}'`);
  }

  /** Writes a 32-bit register through `P`; QEMU answers OK even when it ignores the value, so callers verify. */
  async setRegister(name: string, value: number): Promise<void> {
    const reply = await this.rsp.request(`P${this.registerNumber(name).toString(16)}=${hexLe32(value)}`);
    if (reply !== 'OK') throw new SubjectError('protocol', `gdbstub refused to write ${name}: '${reply.slice(0, 20)}'`);
  }

  async readRegister(name: string): Promise<number> {
    const reply = await this.rsp.request(`p${this.registerNumber(name).toString(16)}`);
    if (!/^[0-9a-fA-F]{8}$/.test(reply)) throw new SubjectError('protocol', `gdbstub sent '${reply.slice(0, 20)}' for register ${name}`);
    return Buffer.from(fromHex(reply)).readUInt32LE(0);
  }

  /**
   * The registers one `g` carries (general registers, EIP, EFLAGS, selectors, CR0-CR4, EFER):
   * half the cost of `info registers`, but without descriptor caches, tables or CPL.
   */
  async registerFile(): Promise<RegisterFile> {
    const all = Buffer.from(fromHex(await this.rsp.request('g')));
    const value = (name: string): number => {
      const r = this.register(name);
      if (r.offset + 4 > all.length) throw new SubjectError('protocol', `gdbstub 'g' reply (${all.length} bytes) has no ${name}`);
      return all.readUInt32LE(r.offset);
    };
    const file = {} as RegisterFile;
    for (const name of REGISTER_FILE_NAMES) file[name] = value(name);
    return file;
  }

  /** Everything `info registers` shows: the only source of descriptor caches, GDTR, IDTR, LDTR, TR and HLT. */
  async registers(): Promise<MonitorRegisters> {
    const text = await this.hmp('info registers');
    try {
      return parseInfoRegisters(text);
    } catch (error) {
      throw new SubjectError('protocol', `qemu monitor: ${(error as Error).message}`);
    }
  }

  hmp(command: string): Promise<string> {
    return this.qmp.hmp(command);
  }

  // ---- memory ----------------------------------------------------------------------------

  /** Qqemu.PhyMemMode switches the stub's m/M/X between physical and (current-CR3) linear addresses. */
  private async usePhysicalMemory(physical: boolean): Promise<void> {
    if (this.physicalMode === physical) return;
    const reply = await this.rsp.request(`Qqemu.PhyMemMode:${physical ? 1 : 0}`);
    if (reply !== 'OK') throw new SubjectError('protocol', `gdbstub refused Qqemu.PhyMemMode: '${reply.slice(0, 20)}'`);
    this.physicalMode = physical;
  }

  private async read(address: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const chunk = Math.min(MAX_READ_CHUNK, length - done);
      const at = (address + done) >>> 0;
      const reply = await this.rsp.request(`m${at.toString(16)},${chunk.toString(16)}`);
      if (/^E[0-9a-fA-F]{2}$/.test(reply)) throw new SubjectError('protocol', `gdbstub cannot read ${chunk} bytes at 0x${at.toString(16)} (${reply})`);
      const bytes = fromHex(reply);
      if (bytes.length !== chunk) throw new SubjectError('protocol', `gdbstub returned ${bytes.length} of ${chunk} bytes at 0x${at.toString(16)}`);
      out.set(bytes, done);
      done += chunk;
    }
    return out;
  }

  /** Hex `M` packets: QEMU 7.2's stub does not implement binary `X` (it answers with an empty packet). */
  private async write(address: number, bytes: Uint8Array): Promise<void> {
    for (let done = 0; done < bytes.length; ) {
      const chunk = bytes.subarray(done, Math.min(bytes.length, done + MAX_WRITE_CHUNK));
      const at = (address + done) >>> 0;
      const reply = await this.rsp.request(`M${at.toString(16)},${chunk.length.toString(16)}:${toHex(chunk)}`);
      if (reply !== 'OK') throw new SubjectError('protocol', `gdbstub refused to write ${chunk.length} bytes at 0x${at.toString(16)}: '${reply.slice(0, 20)}'`);
      done += chunk.length;
    }
  }

  /**
   * A large physical read through QMP's pmemsave into a private file: one command instead of a
   * 2 KiB `m` packet per round trip.
   */
  async dumpPhysical(address: number, length: number): Promise<Uint8Array> {
    const file = path.join(this.proc.tmpDir, `dump-${++this.dumpCount}.bin`);
    await this.qmp.execute('pmemsave', { val: address, size: length, filename: file });
    try {
      const bytes = new Uint8Array(readFileSync(file));
      if (bytes.length !== length) throw new SubjectError('protocol', `qemu pmemsave wrote ${bytes.length} of ${length} bytes`);
      return bytes;
    } finally {
      rmSync(file, { force: true });
    }
  }

  async readPhysical(address: number, length: number): Promise<Uint8Array> {
    await this.usePhysicalMemory(true);
    return this.read(address, length);
  }

  async writePhysical(address: number, bytes: Uint8Array): Promise<void> {
    await this.usePhysicalMemory(true);
    await this.write(address, bytes);
  }

  /** Linear addresses: through the guest's page tables when CR0.PG is set, else the same as physical. */
  async readLinear(address: number, length: number, paging: boolean): Promise<Uint8Array> {
    await this.usePhysicalMemory(!paging);
    return this.read(address, length);
  }

  async writeLinear(address: number, bytes: Uint8Array, paging: boolean): Promise<void> {
    await this.usePhysicalMemory(!paging);
    await this.write(address, bytes);
  }

  // ---- execution -------------------------------------------------------------------------

  /**
   * One instruction through the stub's `s`. A step onto HLT (or MWAIT) never finishes: QEMU's
   * CPU sleeps until an interrupt. So a step that takes long is checked against the monitor's
   * HLT flag, and a sleeping CPU is interrupted (0x03) and reported halted.
   */
  async step(): Promise<StepOutcome> {
    await this.rsp.resume('s');
    let waitMs = 4;
    const deadline = performance.now() + STEP_TIMEOUT_MS;
    for (;;) {
      if (performance.now() > deadline) throw new SubjectError('timeout', `qemu did not finish a single step within ${STEP_TIMEOUT_MS / 1000} s (run state '${await this.qmp.status()}')`);
      const reply = await this.waitForStopOrExit(waitMs);
      if (reply === 'exited') return { kind: 'exited', exit: this.proc.exit! };
      if (reply !== null) {
        const signal = stopSignal(reply);
        if (signal === SIGNAL_QUIT) return this.onShutdown();
        return { kind: 'stepped' };
      }
      if ((await this.registers()).halted) {
        await this.interruptAndWait();
        this.halted = true;
        return { kind: 'halted' };
      }
      waitMs = Math.min(waitMs * 2, 200);
    }
  }

  /**
   * Continues until a breakpoint, HLT, a triple fault, QEMU's exit or the deadline. HLT gives no
   * stop reply, so while the guest runs the monitor's HLT flag is polled, at growing intervals.
   */
  async continueUntilStop(deadline: number, haltPollMaxMs = DEFAULT_HALT_POLL_MAX_MS): Promise<ContinueOutcome> {
    await this.rsp.resume('c');
    let waitMs = 1;
    for (;;) {
      const remaining = deadline - performance.now();
      const reply = await this.waitForStopOrExit(Math.max(0, Math.min(waitMs, remaining)));
      if (reply === 'exited') return { kind: 'exited', exit: this.proc.exit! };
      if (reply !== null) {
        const signal = stopSignal(reply);
        if (signal === SIGNAL_QUIT) return this.onShutdown();
        if (signal === SIGNAL_TRAP) return { kind: 'stopped' };
        throw new SubjectError('protocol', `gdbstub stopped the guest with signal ${signal} nobody asked for`);
      }
      if (performance.now() >= deadline) {
        const stop = await this.interruptAndWait();
        if (stop === 'exited') return { kind: 'exited', exit: this.proc.exit! };
        if (stop === SIGNAL_QUIT) return this.onShutdown();
        // A breakpoint that raced the interrupt wins: its stop reply came first.
        return stop === SIGNAL_TRAP ? { kind: 'stopped' } : { kind: 'deadline' };
      }
      if ((await this.registers()).halted) {
        const stop = await this.interruptAndWait();
        if (stop === 'exited') return { kind: 'exited', exit: this.proc.exit! };
        if (stop === SIGNAL_QUIT) return this.onShutdown();
        this.halted = true;
        return { kind: 'halted' };
      }
      waitMs = Math.min(waitMs * 2, haltPollMaxMs);
    }
  }

  private onShutdown(): { kind: 'shutdown' } {
    this.shutdown = true;
    return { kind: 'shutdown' };
  }

  /** Sends 0x03 and returns the signal of the stop reply that follows it. */
  private async interruptAndWait(): Promise<number | 'exited'> {
    this.rsp.interrupt();
    const reply = await this.waitForStopOrExit(5000);
    if (reply === 'exited') return reply;
    if (reply === null) throw new SubjectError('timeout', 'qemu did not stop within 5 s of an interrupt (0x03)');
    // A breakpoint or shutdown that raced the interrupt is what the reply reports; the stub
    // ignores a 0x03 that reaches a stopped guest, so no second reply follows.
    return stopSignal(reply);
  }

  private async waitForStopOrExit(timeoutMs: number): Promise<string | null | 'exited'> {
    try {
      return await this.rsp.waitForStop(timeoutMs);
    } catch (error) {
      if (error instanceof RspError && error.kind === 'closed') {
        const exit = await this.exitSoon(500);
        if (exit) return 'exited';
      }
      throw error;
    }
  }

  // ---- breakpoints -----------------------------------------------------------------------

  async insertBreakpoint(linear: number): Promise<void> {
    const reply = await this.rsp.request(`Z0,${(linear >>> 0).toString(16)},1`);
    if (reply !== 'OK') throw new SubjectError('protocol', `gdbstub refused a breakpoint at 0x${(linear >>> 0).toString(16)}: '${reply.slice(0, 20)}'`);
  }

  async removeBreakpoint(linear: number): Promise<void> {
    const reply = await this.rsp.request(`z0,${(linear >>> 0).toString(16)},1`);
    if (reply !== 'OK') throw new SubjectError('protocol', `gdbstub refused to remove the breakpoint at 0x${(linear >>> 0).toString(16)}: '${reply.slice(0, 20)}'`);
  }

  // ---- whole-machine operations ------------------------------------------------------------

  /** Back to the clean snapshot: zero RAM, CPU as after RESET; loadvm also flushes QEMU's translated code. */
  async loadClean(): Promise<void> {
    await this.loadSnapshot(CLEAN_SNAPSHOT);
  }

  async saveSnapshot(name: string): Promise<void> {
    const output = await this.hmp(`savevm ${name}`);
    if (/error/i.test(output)) throw new SubjectError('protocol', `qemu savevm ${name} failed: ${output.trim().split('\n')[0]}`);
  }

  async loadSnapshot(name: string): Promise<void> {
    // After a triple fault the run state is 'shutdown', which loadvm keeps, and the stub then
    // refuses to resume ('s' and 'c' wait for a reset that never comes): reset first.
    if (this.shutdown || (await this.qmp.status()) === 'shutdown') await this.systemReset();
    const output = await this.hmp(`loadvm ${name}`);
    if (/error|not found|does not have/i.test(output)) throw new SubjectError('protocol', `qemu loadvm ${name} failed: ${output.trim().split('\n')[0]}`);
    this.halted = false;
    this.shutdown = false;
  }

  private async systemReset(): Promise<void> {
    await this.qmp.execute('set-action', { reboot: 'reset' });
    await this.qmp.execute('system_reset');
    await this.qmp.execute('set-action', { reboot: 'shutdown' });
    this.halted = false;
    this.shutdown = false;
  }

  /**
   * A CPU reset that keeps RAM, to wake a halted CPU or leave a triple-fault shutdown (nothing
   * else clears QEMU's halted flag without delivering an interrupt). `-action reboot=shutdown`
   * would turn the reset into a shutdown, so the action is switched for the moment; the reset
   * reloads the firmware image into its RAM, so those 64 KiB are put back.
   */
  async resetCpuKeepingMemory(): Promise<void> {
    const firmwareArea = await this.dumpPhysical(FIRMWARE_BASE, FIRMWARE_SIZE);
    await this.systemReset();
    for (let at = 0; at < FIRMWARE_SIZE; at += MAX_WRITE_CHUNK) {
      const kept = firmwareArea.subarray(at, at + MAX_WRITE_CHUNK);
      if (Buffer.compare(kept, this.firmwareImage.subarray(at, at + MAX_WRITE_CHUNK)) !== 0) await this.writePhysical(FIRMWARE_BASE + at, kept);
    }
  }
}

export function describeExit(exit: QemuExit): string {
  return exit.signal ? `signal ${exit.signal}` : `status ${exit.code}`;
}
