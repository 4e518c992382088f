/**
 * The stdio transport of xvc-subject/1: the subject is a command run through `sh -c`, speaking
 * on its stdin and stdout. Its stderr is the subject's own log; the last lines are kept for
 * error messages and never printed.
 *
 * The command runs in a process group of its own, so killing it also kills whatever the shell
 * started (a wrapper script, the emulator under it), and when the shell exits the rest of its
 * group goes too. Node reaps every child it spawned, and the groups still alive when the harness
 * exits are killed, so no subject outlives a run.
 *
 * Models no hardware.
 */

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { SubjectError } from '../../suite/run-instance.ts';
import { LineTail, splitLines, type Transport, type TransportHandlers, type TransportOpener } from './transport.ts';

export interface ProcessTransportOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** How long a subject that closed its stdout may take to exit before it is killed, in ms. */
const EXIT_AFTER_EOF_MS = 1_000;
/** Lines of stderr kept per subject process. */
const STDERR_LINES_KEPT = 20;

/** Process groups of live subjects, killed if the harness exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

function killLiveGroups(): void {
  for (const pid of liveGroups) killGroup(pid);
}

/**
 * Subjects run in groups of their own, so a Ctrl-C at the terminal does not reach them: kill
 * them on the way out, then let the signal do what it would have done.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killLiveGroups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killLiveGroups();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** A shell reports a command killed by signal N as exit code 128 + N; name the signal. */
function shellSignalNote(code: number | null): string {
  if (code === null || code <= 128) return '';
  const name = Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0];
  return name ? ` (a shell's report of ${name})` : '';
}

/** A shortened command for messages: the subject process 'my-emu --xvc'. */
function shortCommand(command: string): string {
  const flat = command.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

export function processTransport(command: string, options: ProcessTransportOptions = {}): TransportOpener {
  return async (handlers: TransportHandlers): Promise<Transport> => {
    installExitHook();
    const peer = `subject process '${shortCommand(command)}'`;
    const child = spawn('sh', ['-c', command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // a process group of its own (setsid), so the whole group can be killed
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
    const pid = child.pid;
    const stderr = new LineTail(STDERR_LINES_KEPT);
    let eofTimer: NodeJS.Timeout | undefined;
    let exitTimer: NodeJS.Timeout | undefined;
    let spawnError: Error | undefined;

    const kill = (): void => {
      if (pid !== undefined && liveGroups.has(pid)) killGroup(pid);
      else child.kill('SIGKILL');
    };

    const gone = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        if (pid !== undefined) liveGroups.delete(pid);
        clearTimeout(eofTimer);
        clearTimeout(exitTimer);
        const how = spawnError ? `could not start (${spawnError.message})` : signal ? `was killed by signal ${signal}` : `exited with code ${code}${shellSignalNote(code)}`;
        handlers.onGone(how);
        resolve();
      });
    });
    child.once('exit', () => {
      // Whatever the shell left behind in its group ends with it (a daemon the emulator forked).
      if (pid !== undefined && liveGroups.delete(pid)) killGroup(pid);
      // A grandchild that left the group could still hold the pipes open; 'close' must come anyway.
      exitTimer = setTimeout(() => {
        child.stdin.destroy();
        child.stdout.destroy();
        child.stderr.destroy();
      }, EXIT_AFTER_EOF_MS);
    });
    child.once('error', (error) => {
      spawnError = error;
    });
    if (pid !== undefined) liveGroups.add(pid);

    // A dead subject's pipes raise EPIPE/ECONNRESET; its exit is reported through 'close'.
    child.stdin.on('error', () => {});
    child.stdout.on('error', () => {});
    child.stderr.on('error', () => {});
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    splitLines(child.stdout, handlers.onLine);
    child.stdout.once('end', () => {
      // Without stdout it cannot answer; give it a moment to exit on its own, so its exit code is reported.
      eofTimer = setTimeout(kill, EXIT_AFTER_EOF_MS);
    });

    // Without a pid the shell itself could not be spawned (Node reports why asynchronously).
    if (pid === undefined) throw new SubjectError('subject-crash', `${peer} could not start: no shell (sh) to run it`);

    return {
      peer,
      send(line) {
        if (child.stdin.writable) child.stdin.write(`${line}\n`);
      },
      end() {
        child.stdin.end();
      },
      kill,
      gone,
      lastLogLine: () => stderr.last()?.slice(0, 200),
    };
  };
}
