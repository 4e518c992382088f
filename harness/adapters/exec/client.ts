/**
 * Out-of-process subjects: the adapter contract (harness/adapter.ts) forwarded over the
 * xvc-subject/1 protocol (protocol.ts) to a command run through `sh -c` (`--adapter exec:CMD`)
 * or to a subject server on a socket (`--adapter socket:ADDRESS`).
 *
 * A failure of the subject (crash, hang, garbage) kills it and throws a SubjectError of that
 * kind (connection.ts); the subject is then dead until the next `reset()`, which starts a fresh
 * process or connection. Suites reset at the start of every case, so one crashing case costs
 * one verdict and the run goes on. Every process started here is gone again by the time
 * `close()` resolves or a failure has been thrown.
 *
 * Models no hardware; the subject does.
 */

import type { ArchState, RunLimits, Subject, SubjectConfig } from '../../adapter.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import { Connection } from './connection.ts';
import { processTransport, type ProcessTransportOptions } from './process-transport.ts';
import { bytesOf, toBase64, type Hello, type Method, type Params, type Result } from './protocol.ts';
import { parseSocketAddress, socketTransport } from './socket-transport.ts';
import type { TransportOpener } from './transport.ts';

export interface RemoteSubjectOptions {
  /** Longest wait for the reply to any call but `run`, in ms (default 10 s). */
  callTimeoutMs?: number;
  /** Longest wait for the reply to `run`, in ms (default 120 s): a run may execute many instructions. */
  runTimeoutMs?: number;
  /** Longest wait for the hello after starting, in ms (default 30 s: an emulator may load a large runtime). */
  startTimeoutMs?: number;
  /** How long `close()` waits for the subject to answer and exit before killing it, in ms (default 2 s). */
  closeGraceMs?: number;
  /**
   * The hello of an earlier session with the same subject. The subject then starts at its first
   * call rather than at creation, so a factory can hand out subjects that are only probed for
   * their capabilities without starting a process for each. A later hello must be the same.
   */
  knownHello?: Hello;
}

export const DEFAULT_TIMEOUTS = { callTimeoutMs: 10_000, runTimeoutMs: 120_000, startTimeoutMs: 30_000, closeGraceMs: 2_000 } as const;

/** A subject behind xvc-subject/1, with the hello it declared. */
export interface RemoteSubject extends Subject {
  readonly hello: Hello;
}

export type ExecSubjectOptions = RemoteSubjectOptions & ProcessTransportOptions;

/** A subject run as `sh -c command`, speaking xvc-subject/1 on stdio. */
export function createExecSubject(command: string, options: ExecSubjectOptions = {}): Promise<RemoteSubject> {
  const { cwd, env, ...rest } = options;
  return createRemoteSubject(processTransport(command, { ...(cwd !== undefined ? { cwd } : {}), ...(env !== undefined ? { env } : {}) }), rest);
}

/** A subject served at `HOST:PORT` or a Unix socket path, one session per connection. */
export function createSocketSubject(address: string, options: RemoteSubjectOptions = {}): Promise<RemoteSubject> {
  return createRemoteSubject(socketTransport(parseSocketAddress(address)), options);
}

/** Two hellos declare the same subject (the decoded form has a fixed key order). */
const sameHello = (a: Hello, b: Hello): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function createRemoteSubject(opener: TransportOpener, options: RemoteSubjectOptions = {}): Promise<RemoteSubject> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options };
  let connection: Connection | undefined;
  let closed = false;

  const start = async (): Promise<Hello> => {
    const opened = await Connection.open(opener, timeouts.startTimeoutMs);
    if (options.knownHello && !sameHello(options.knownHello, opened.hello)) {
      throw await opened.connection.abort('protocol', `broke the protocol: its hello differs from the one it sent before (${JSON.stringify(opened.hello).slice(0, 80)})`);
    }
    connection = opened.connection;
    closed = false;
    return opened.hello;
  };
  const hello = options.knownHello ?? (await start());
  // Calls made together on a subject not yet started share one start.
  let starting: Promise<Hello> | undefined;
  const startOnce = (): Promise<Hello> => (starting ??= start().finally(() => (starting = undefined)));

  /** The live session, started on first use; a dead one stays dead until reset(). */
  const live = async (): Promise<Connection> => {
    if (closed) throw new Error(`subject '${hello.name}' used after close() (reset() starts it again)`);
    if (!connection) await startOnce();
    const broken = connection!.broken;
    if (broken) throw new SubjectError(broken.kind, `${broken.message}; the subject stays dead until reset()`);
    return connection!;
  };
  const call = async <M extends Method>(method: M, params: Params<M>): Promise<Result<M>> =>
    (await live()).call(method, params, method === 'run' ? timeouts.runTimeoutMs : timeouts.callTimeoutMs);

  const subject: RemoteSubject = {
    name: hello.name,
    capabilities: hello.capabilities,
    quirks: hello.quirks,
    hello,
    async reset(config: SubjectConfig) {
      // A dead or closed subject comes back as a fresh process: the run goes on after a failure.
      if (connection && (closed || connection.broken)) {
        await connection.close(0);
        connection = undefined;
      }
      closed = false;
      await call('reset', { cpu: config.cpu, memorySize: config.memorySize });
    },
    async writeMemory(address: number, bytes: Uint8Array) {
      await call('writeMemory', { address, data: toBase64(bytes) });
    },
    async readMemory(address: number, length: number) {
      const { data } = await call('readMemory', { address, length });
      const bytes = bytesOf(data, 'result of readMemory.data');
      if (bytes.length !== length) throw await connection!.abort('protocol', `broke the protocol: readMemory of ${length} bytes returned ${bytes.length}`);
      return bytes;
    },
    async setState(state: ArchState) {
      await call('setState', { state });
    },
    getState: () => call('getState', {}),
    run: (limits: RunLimits) => call('run', limits),
    async close() {
      if (closed) return;
      closed = true;
      await connection?.close(timeouts.closeGraceMs);
    },
  };
  // The optional methods exist exactly when the hello declares them.
  if (hello.capabilities.translate) subject.translate = (linear: number) => call('translate', { linear });
  if (hello.capabilities.snapshot) {
    subject.snapshot = async () => bytesOf((await call('snapshot', {})).data, 'result of snapshot.data');
    subject.restore = async (blob: Uint8Array) => void (await call('restore', { data: toBase64(blob) }));
  }
  return subject;
}
