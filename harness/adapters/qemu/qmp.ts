/**
 * A client for the QEMU Machine Protocol (QMP) over a unix socket: JSON objects, one per line,
 * a greeting, `qmp_capabilities` to leave negotiation mode, then `{"execute": ...}` requests
 * answered in order by `{"return": ...}` or `{"error": {"class", "desc"}}`, with asynchronous
 * `{"event": ...}` objects in between (QEMU docs, interop/qmp-spec). Models no hardware.
 *
 * The qemu adapter uses it for the machine's lifecycle (stop, cont, system_reset, quit,
 * query-status) and for human monitor commands while the guest runs, which the gdbstub cannot
 * carry then.
 */

import * as net from 'node:net';
import { splitLines } from '../exec/transport.ts';

export class QmpError extends Error {
  override name = 'QmpError';
  constructor(readonly kind: 'closed' | 'timeout' | 'protocol' | 'command', message: string) {
    super(message);
  }
}

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: QmpError) => void;
  timer: NodeJS.Timeout;
}

const COMMAND_TIMEOUT_MS = 10_000;

export class QmpClient {
  private readonly pending: Pending[] = [];
  private greeting: ((value: unknown) => void) | undefined;
  private closedError: QmpError | undefined;
  /** Events seen since the last takeEvents(). */
  private events: QmpEvent[] = [];

  private constructor(private readonly socket: net.Socket) {
    splitLines(socket, (line) => {
      const message = line.trim();
      if (message) this.onMessage(message);
    });
    socket.on('error', (error) => this.fail(new QmpError('closed', `QMP connection failed: ${error.message}`)));
    socket.on('close', () => this.fail(new QmpError('closed', 'QMP connection closed')));
  }

  /**
   * Connects, reads the greeting and leaves capabilities-negotiation mode. A refused connection is
   * retried until the deadline: QEMU creates the socket file a moment before it listens on it.
   */
  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    let socket: net.Socket;
    for (;;) {
      try {
        socket = await QmpClient.open(path, timeoutMs);
        break;
      } catch (error) {
        if (!(error instanceof QmpError) || error.kind !== 'closed' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const client = new QmpClient(socket);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new QmpError('timeout', `QMP sent no greeting within ${timeoutMs} ms`)), timeoutMs);
      client.greeting = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    });
    await client.execute('qmp_capabilities');
    return client;
  }

  private static open(path: string, timeoutMs: number): Promise<net.Socket> {
    return new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ path });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new QmpError('timeout', `QMP socket ${path} did not accept a connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        reject(new QmpError('closed', `cannot connect to QMP socket ${path}: ${error.message}`));
      });
    });
  }

  private fail(error: QmpError): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  private onMessage(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.fail(new QmpError('protocol', `QMP sent a line that is not JSON: ${line.slice(0, 80)}`));
      return;
    }
    if ('QMP' in message) {
      this.greeting?.(message.QMP);
      this.greeting = undefined;
      return;
    }
    if (typeof message.event === 'string') {
      this.events.push({ event: message.event, ...(message.data ? { data: message.data as Record<string, unknown> } : {}) });
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    clearTimeout(p.timer);
    if ('error' in message) {
      const e = message.error as { class?: string; desc?: string };
      p.reject(new QmpError('command', `QMP ${p.command} failed: ${e.desc ?? e.class ?? 'unknown error'}`));
    } else {
      p.resolve(message.return);
    }
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.pending.findIndex((p) => p.timer === timer);
        if (index >= 0) this.pending.splice(index, 1);
        reject(new QmpError('timeout', `QMP ${command} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({ command, resolve: resolve as (value: unknown) => void, reject, timer });
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  }

  /** A human monitor command (`info registers`, `gva2gpa`, ...); works while the guest runs. */
  hmp(commandLine: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
    return this.execute<string>('human-monitor-command', { 'command-line': commandLine }, timeoutMs);
  }

  /** The run state: 'running', 'paused', 'debug', 'shutdown', 'guest-panicked', ... */
  async status(): Promise<string> {
    const s = await this.execute<{ status: string }>('query-status');
    return s.status;
  }

  takeEvents(): QmpEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  close(): void {
    this.closedError ??= new QmpError('closed', 'QMP connection closed by the adapter');
    this.socket.destroy();
  }
}
