/**
 * Launches and ends one qemu-system-i386 process for the qemu adapter: the command line, a free
 * loopback port for the gdbstub, a private temporary directory for the QMP socket, and the
 * guarantees that no QEMU outlives its harness. Models no hardware.
 *
 * The machine is `microvm` with the PIT, the PIC, the RTC and the ISA serial port switched off,
 * so nothing interrupts the guest behind the harness's back (the `pc` machine's PIT is counting
 * from reset and its PIC is unmasked). It keeps the ISA bus for isa-debug-exit at port 0xF4.
 * `-S` holds the CPU at reset, `-action reboot=shutdown,shutdown=pause` turns a triple fault into
 * a paused machine the adapter can inspect instead of a reboot or an exit.
 *
 * QEMU is killed on close(), on this process's exit and on SIGINT/SIGTERM/SIGHUP; and a tiny
 * watchdog shell, fed by a pipe from this process, kills it when this process dies without
 * running any handler (SIGKILL from a runner's timeout, for example).
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const QEMU_BINARY = 'qemu-system-i386';
export const QEMU_DEBIAN_PACKAGE = 'qemu-system-x86';
export const QEMU_IMG_BINARY = 'qemu-img';

/** QEMU is absent or refused to start: the adapter cannot exist on this machine. */
export class QemuStartError extends Error {
  override name = 'QemuStartError';
}

export interface QemuLaunchOptions {
  /** QEMU's -cpu model name (486, pentium, pentium2, max, ...). */
  cpu: string;
  /** Guest RAM in bytes; QEMU takes whole MiB, so it is rounded up. */
  memoryBytes: number;
  /** Path or name of the binary (tests use a missing name to check the error). */
  binary?: string;
  /** Extra arguments appended to the command line. */
  extraArgs?: string[];
  /**
   * Attach an empty qcow2 image as a drive with no device, so `savevm`/`loadvm` have somewhere
   * to keep machine snapshots (QEMU stores vmstate only on a snapshot-capable block device).
   */
  vmstateDrive?: boolean;
  startTimeoutMs?: number;
}

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface QemuProcess {
  readonly pid: number;
  readonly gdbPort: number;
  readonly qmpPath: string;
  /** A private directory removed on kill; adapters may keep files (vmstate images) there. */
  readonly tmpDir: string;
  /** Resolves when QEMU has exited, with its status (isa-debug-exit ends it with (value << 1) | 1). */
  readonly exited: Promise<QemuExit>;
  /** Set once QEMU has exited. */
  exit: QemuExit | undefined;
  /** The last lines QEMU wrote to stderr, for error messages. */
  stderrTail(): string;
  kill(): Promise<void>;
}

const MIB = 1 << 20;
const DEFAULT_START_TIMEOUT_MS = 10_000;

/** Every live QEMU this process started, so exit and signal handlers can end them. */
const live = new Set<ChildProcess>();
let handlersInstalled = false;

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllNow();
      // Let the default action (or other listeners) decide the process's fate.
      process.removeListener(signal, handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free loopback port'));
      });
    });
  });
}

/** Virtual size of the vmstate image; no guest device sees it, and snapshots are stored beside that data. */
const VMSTATE_DISK_SIZE = '16M';
let vmstateTemplate: string | undefined;

/**
 * An empty qcow2 image made once per harness process with qemu-img and copied for every QEMU
 * (a copy takes microseconds, qemu-img tens of milliseconds).
 */
function vmstateImage(directory: string): string {
  if (!vmstateTemplate || !existsSync(vmstateTemplate)) {
    const templateDir = mkdtempSync(path.join(tmpdir(), 'xvc-qemu-template-'));
    const template = path.join(templateDir, 'vmstate.qcow2');
    try {
      execFileSync(QEMU_IMG_BINARY, ['create', '-q', '-f', 'qcow2', template, VMSTATE_DISK_SIZE], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      rmSync(templateDir, { recursive: true, force: true });
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new QemuStartError(missing
        ? `${QEMU_IMG_BINARY} not found: install the Debian package qemu-utils (snapshots need it)`
        : `${QEMU_IMG_BINARY} could not create a qcow2 image: ${(error as Error).message.split('\n')[0]}`);
    }
    vmstateTemplate = template;
    process.once('exit', () => rmSync(templateDir, { recursive: true, force: true }));
  }
  const image = path.join(directory, 'vmstate.qcow2');
  copyFileSync(vmstateTemplate, image);
  return image;
}

export function qemuArguments(options: QemuLaunchOptions, gdbPort: number, qmpPath: string): string[] {
  const mib = Math.max(1, Math.ceil(options.memoryBytes / MIB));
  return [
    '-S',
    '-display', 'none',
    '-nodefaults',
    '-no-user-config',
    '-monitor', 'none',
    '-serial', 'none',
    '-parallel', 'none',
    '-action', 'reboot=shutdown,shutdown=pause',
    '-machine', 'microvm,pit=off,pic=off,rtc=off,isa-serial=off,x-option-roms=off',
    '-cpu', options.cpu,
    '-m', `${mib}M`,
    // One port wide, as the reference's debug-exit: ports 0xF5-0xF7 stay unassigned.
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x01',
    '-gdb', `tcp:127.0.0.1:${gdbPort}`,
    '-qmp', `unix:${qmpPath},server=on,wait=off`,
    ...(options.extraArgs ?? []),
  ];
}

/** The watchdog kills QEMU unless it reads `done` before its stdin closes. */
function startWatchdog(qemuPid: number, binary: string): ChildProcess {
  const script = `read -r line; [ "$line" = done ] && exit 0; ` +
    `[ "$(cat /proc/${qemuPid}/comm 2>/dev/null)" = "$(basename "$0" | cut -c1-15)" ] && kill -9 ${qemuPid}; exit 0`;
  const watchdog = spawn('/bin/sh', ['-c', script, binary], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  watchdog.on('error', () => undefined);
  return watchdog;
}

async function waitForSocket(file: string, child: ChildProcess, deadline: number, stderr: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new QemuStartError(`${QEMU_BINARY} exited at start: ${stderr() || `status ${child.exitCode ?? child.signalCode}`}`);
    if (existsSync(file)) return;
    if (Date.now() > deadline) throw new QemuStartError(`${QEMU_BINARY} did not create its QMP socket in time`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function launchQemu(options: QemuLaunchOptions): Promise<QemuProcess> {
  installExitHandlers();
  const binary = options.binary ?? QEMU_BINARY;
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'xvc-qemu-'));
  const qmpPath = path.join(tmpDir, 'qmp.sock');
  const gdbPort = await freeLoopbackPort();
  const args = qemuArguments(options, gdbPort, qmpPath);
  if (options.vmstateDrive) {
    try {
      args.push('-drive', `if=none,id=xvc-vmstate,format=qcow2,file=${vmstateImage(tmpDir)}`);
    } catch (error) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw error;
    }
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrText = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrText = (stderrText + chunk).slice(-2000);
  });
  const stderrTail = (): string => stderrText.trim().split('\n').slice(-3).join(' | ');

  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  if (spawned) {
    rmSync(tmpDir, { recursive: true, force: true });
    const missing = (spawned as NodeJS.ErrnoException).code === 'ENOENT';
    throw new QemuStartError(missing
      ? `${binary} not found: install the Debian package ${QEMU_DEBIAN_PACKAGE} (apt-get install ${QEMU_DEBIAN_PACKAGE})`
      : `${binary} could not be started: ${spawned.message}`);
  }
  live.add(child);
  const watchdog = startWatchdog(child.pid!, binary);

  let exitInfo: QemuExit | undefined;
  const exited = new Promise<QemuExit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });

  const handle: QemuProcess = {
    pid: child.pid!,
    gdbPort,
    qmpPath,
    tmpDir,
    exited,
    get exit() {
      return exitInfo;
    },
    set exit(value) {
      exitInfo = value;
    },
    stderrTail,
    async kill() {
      if (!exitInfo) {
        child.kill('SIGKILL');
        await exited;
      }
      try {
        watchdog.stdin?.end('done\n');
      } catch {
        // The watchdog is gone already.
      }
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };

  try {
    await waitForSocket(qmpPath, child, Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS), stderrTail);
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}
