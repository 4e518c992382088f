/**
 * One session with an out-of-process subject over any transport: waits for the hello, sends
 * requests, matches replies by id, checks each result's shape, and turns every way the session
 * can break into the SubjectError kind the runner reports (DESIGN.md, "Outcomes"):
 * - the other end exits, dies or hangs up: `subject-crash`, with the exit code or signal;
 * - no hello or no reply in time: `timeout`, and the subject is killed;
 * - a line that is not JSON, a reply to no pending request, a hello or result of the wrong
 *   shape: `protocol`, and the subject is killed.
 * Each message ends with the subject's last stderr line, when it wrote one. After any of these
 * the session is dead for good and every call throws its first failure. An `error` reply is not
 * a broken session: that one call fails and the subject lives on.
 *
 * Models no hardware.
 */

import { SubjectError } from '../../suite/run-instance.ts';
import { decodeHello, decodeReply, decodeResult, encodeLine, type Hello, type Method, type Params, type Result } from './protocol.ts';
import { ProtocolViolation } from './shapes.ts';
import type { Transport, TransportOpener } from './transport.ts';

/** A call the subject answered with an error: it refused or failed that call, and is still alive. */
export class SubjectCallError extends Error {
  override name = 'SubjectCallError';
}

interface PendingCall {
  method: Method;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface HelloWait {
  resolve(hello: Hello): void;
  reject(error: SubjectError): void;
}

export class Connection {
  private transport: Transport | undefined;
  private helloWait: HelloWait | undefined;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;
  private failure: SubjectError | undefined;
  /** Set once close() has begun: the subject going away is then expected, not a crash. */
  private closing = false;

  /** Opens a transport and waits for its hello; throws the SubjectError of whatever went wrong. */
  static async open(opener: TransportOpener, helloTimeoutMs: number): Promise<{ connection: Connection; hello: Hello }> {
    const connection = new Connection();
    const hello = new Promise<Hello>((resolve, reject) => (connection.helloWait = { resolve, reject }));
    connection.transport = await opener({ onLine: (line) => connection.receive(line), onGone: (how) => connection.gone(how) });
    const timer = setTimeout(() => connection.fail('timeout', `${connection.peer} sent no hello within ${helloTimeoutMs} ms; killed`), helloTimeoutMs);
    try {
      return { connection, hello: await hello };
    } catch (error) {
      await connection.transport.gone;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  get peer(): string {
    return this.transport?.peer ?? 'subject';
  }

  /** The failure that ended this session, if it has ended. */
  get broken(): SubjectError | undefined {
    return this.failure;
  }

  /** One request and its checked result. A failure is thrown only once the subject is gone. */
  async call<M extends Method>(method: M, params: Params<M>, timeoutMs: number): Promise<Result<M>> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    try {
      return await new Promise<Result<M>>((resolve, reject) => {
        const timer = setTimeout(() => this.fail('timeout', `no reply to ${method} within ${timeoutMs} ms; ${this.peer} killed`), timeoutMs);
        this.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
        this.transport!.send(encodeLine({ id, method, params }));
      });
    } catch (error) {
      if (error === this.failure) await this.transport?.gone;
      throw error;
    }
  }

  /** Ends the session for a violation found above this layer (a reply that does not fit its request). */
  async abort(kind: SubjectError['kind'], problem: string): Promise<SubjectError> {
    this.fail(kind, `${this.peer} ${problem}`);
    await this.transport?.gone;
    return this.failure!;
  }

  /**
   * Ends the session: asks the subject to close, gives it `graceMs` to answer and exit, then
   * kills it and waits until it is gone. Never throws: the subject is being discarded, and a
   * subject may exit on `close` without answering.
   */
  async close(graceMs: number): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    const wasAlive = !this.failure;
    this.closing = true;
    if (wasAlive) await this.call('close', {}, graceMs).catch(() => undefined);
    this.failure ??= new SubjectError('subject-crash', `${this.peer} was closed`);
    transport.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([transport.gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, wasAlive ? graceMs : 0)))]);
    clearTimeout(timer);
    transport.kill();
    await transport.gone;
  }

  private receive(line: string): void {
    if (this.failure) return;
    try {
      if (this.helloWait) {
        const hello = decodeHello(line);
        const wait = this.helloWait;
        this.helloWait = undefined;
        wait.resolve(hello);
        return;
      }
      const reply = decodeReply(line);
      const call = this.pending.get(reply.id);
      if (!call) throw new ProtocolViolation(`reply with id ${reply.id}, which no pending request has`);
      // Checked before the call is settled: a result of the wrong shape breaks the session.
      const result = 'result' in reply ? decodeResult(call.method, reply.result) : undefined;
      this.pending.delete(reply.id);
      clearTimeout(call.timer);
      if ('error' in reply) {
        const message = `${call.method}: ${reply.error.message}`;
        call.reject(reply.error.kind ? new SubjectError(reply.error.kind, message) : new SubjectCallError(message));
      }
      else call.resolve(result);
    } catch (error) {
      if (!(error instanceof ProtocolViolation)) throw error;
      this.fail('protocol', `${this.peer} broke the protocol: ${error.message}`);
    }
  }

  private gone(how: string): void {
    if (this.closing) {
      this.failure ??= new SubjectError('subject-crash', `${this.peer} was closed`);
      this.settleAll();
      return;
    }
    const during = this.helloWait ? ' before its hello' : this.pending.size > 0 ? ` during ${[...this.pending.values()][0]!.method}` : ' between calls';
    this.fail('subject-crash', `${this.peer} ${how}${during}`);
  }

  private fail(kind: SubjectError['kind'], message: string): void {
    if (this.failure) return;
    const log = this.transport?.lastLogLine();
    this.failure = new SubjectError(kind, log ? `${message} (last stderr: ${log})` : message);
    this.transport?.kill();
    this.settleAll();
  }

  /** Rejects whatever waits on a session that has ended. */
  private settleAll(): void {
    const failure = this.failure!;
    this.helloWait?.reject(failure);
    this.helloWait = undefined;
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(failure);
    }
    this.pending.clear();
  }
}
