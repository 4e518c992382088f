/**
 * A client for the GDB remote serial protocol (RSP) as QEMU's gdbstub speaks it over TCP.
 * Models no hardware: it is the wire between the qemu adapter and the stub.
 *
 * Framing follows the GDB manual, "Remote Protocol" (Overview, Packets, Standard Replies):
 * a packet is `$payload#cs` with `cs` the modulo-256 sum of the payload bytes as two hex digits;
 * the receiver answers `+` (or `-` to ask for a resend) until both sides switch acknowledgements
 * off with QStartNoAckMode. Inside a payload `}` escapes the next byte (XOR 0x20), and a stub may
 * run-length encode a reply: `X*n` repeats X (n - 29) more times. A lone 0x03 byte asks a running
 * target to stop. qRcmd carries a monitor command hex-encoded; the stub streams its output as
 * `O<hex>` packets before the final `OK`.
 *
 * Every method fails with an RspError whose kind says whether the stub went away ('closed'), did
 * not answer in time ('timeout') or sent something the protocol does not allow ('protocol').
 */

import * as net from 'node:net';

export type RspErrorKind = 'closed' | 'timeout' | 'protocol';

export class RspError extends Error {
  override name = 'RspError';
  constructor(readonly kind: RspErrorKind, message: string) {
    super(message);
  }
}

/** Characters that must be escaped inside a packet payload (GDB manual, "Overview"). */
const ESCAPED = new Set([0x23 /* # */, 0x24 /* $ */, 0x7d /* } */, 0x2a /* * */]);
const ESCAPE = 0x7d;
const RUN_LENGTH = 0x2a;
/** The repeat count of `X*n` is n - 29, so the smallest printable count character means 3. */
const RUN_LENGTH_BIAS = 29;
const INTERRUPT = 0x03;

export function rspChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

/** Escapes the four reserved characters, for binary payloads (X packets). */
export function escapeBinary(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of data) {
    if (ESCAPED.has(b)) out.push(ESCAPE, b ^ 0x20);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

/** A payload as it goes on the wire: `$payload#cs`. The payload must already be escaped. */
export function framePacket(payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const frame = new Uint8Array(body.length + 4);
  frame[0] = 0x24;
  frame.set(body, 1);
  frame[body.length + 1] = 0x23;
  frame.set(Buffer.from(rspChecksum(body).toString(16).padStart(2, '0'), 'latin1'), body.length + 2);
  return frame;
}

/** Undoes the escapes and the run-length encoding of a received payload, in one pass as GDB does. */
export function decodePayload(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === ESCAPE) {
      if (i + 1 >= raw.length) throw new RspError('protocol', 'gdbstub packet ends inside an escape');
      out.push(raw[++i]! ^ 0x20);
    } else if (b === RUN_LENGTH) {
      if (i + 1 >= raw.length || out.length === 0) throw new RspError('protocol', 'gdbstub packet has a run-length marker with nothing to repeat');
      const count = raw[++i]! - RUN_LENGTH_BIAS;
      if (count < 0) throw new RspError('protocol', `gdbstub packet has a bad run-length count 0x${raw[i]!.toString(16)}`);
      const repeated = out[out.length - 1]!;
      for (let k = 0; k < count; k++) out.push(repeated);
    } else {
      out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** The run-length encoding a stub may apply to a reply (used by tests to play the stub's part). */
export function runLengthEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    let run = 1;
    while (i + run < text.length && text[i + run] === text[i] && run < 98) run++;
    // Counts whose character would be `#`, `$`, `+` or `-` are not allowed; emit a shorter run.
    let extra = run - 1;
    while (extra >= 3 && [0x23, 0x24, 0x2b, 0x2d].includes(extra + RUN_LENGTH_BIAS)) extra--;
    if (extra >= 3) {
      out += text[i]! + '*' + String.fromCharCode(extra + RUN_LENGTH_BIAS);
      i += extra + 1;
    } else {
      out += text[i]!;
      i += 1;
    }
  }
  return out;
}

export type RspEvent =
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'interrupt' }
  | { kind: 'packet'; payload: Uint8Array; checksumOk: boolean };

/** Splits the byte stream into acknowledgements and packets; keeps partial frames across chunks. */
export class RspFrameParser {
  private pending: number[] = [];
  private inPacket = false;
  private checksumDigitsLeft = 0;
  private checksumText = '';

  push(chunk: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    for (const b of chunk) {
      if (this.checksumDigitsLeft > 0) {
        this.checksumText += String.fromCharCode(b);
        if (--this.checksumDigitsLeft === 0) {
          const payload = Uint8Array.from(this.pending);
          const expected = Number.parseInt(this.checksumText, 16);
          events.push({ kind: 'packet', payload, checksumOk: Number.isFinite(expected) && expected === rspChecksum(payload) });
          this.pending = [];
        }
      } else if (this.inPacket) {
        if (b === 0x23) {
          this.inPacket = false;
          this.checksumDigitsLeft = 2;
          this.checksumText = '';
        } else {
          this.pending.push(b);
        }
      } else if (b === 0x24) {
        this.inPacket = true;
        this.pending = [];
      } else if (b === 0x2b) {
        events.push({ kind: 'ack' });
      } else if (b === 0x2d) {
        events.push({ kind: 'nak' });
      } else if (b === INTERRUPT) {
        events.push({ kind: 'interrupt' });
      }
      // Anything else between packets is line noise; the protocol says to ignore it.
    }
    return events;
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new RspError('protocol', `gdbstub sent bad hex '${text.slice(0, 40)}'`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** A 32-bit register value in target (little-endian) byte order, as `g`/`p` carry it. */
export function hexLe32(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b.toString('hex');
}

export function parseHexLe32(text: string): number {
  const bytes = fromHex(text);
  if (bytes.length !== 4) throw new RspError('protocol', `gdbstub register value '${text}' is not 4 bytes`);
  return Buffer.from(bytes).readUInt32LE(0);
}

export interface RspConnectOptions {
  host?: string;
  port: number;
  timeoutMs: number;
}

/** Default time a stub has to answer a request that does not run the guest. */
const REQUEST_TIMEOUT_MS = 10_000;

export class RspClient {
  private readonly parser = new RspFrameParser();
  private readonly packets: Uint8Array[] = [];
  private waiter: ((packet: Uint8Array | RspError) => void) | undefined;
  private closedError: RspError | undefined;
  private ackMode = true;
  private lastSent: Uint8Array | undefined;
  /** Requests are strictly one at a time: the protocol has no request ids. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Console output (`O` packets) collected during a qRcmd. */
  private consoleOutput: string[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new RspError('closed', `gdbstub connection failed: ${error.message}`)));
    socket.on('close', () => this.fail(new RspError('closed', 'gdbstub closed the connection')));
  }

  /** Connects, retrying refused connections until the deadline (QEMU opens the port a moment after it starts). */
  static async connect(options: RspConnectOptions): Promise<RspClient> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      try {
        return await RspClient.connectOnce(options);
      } catch (error) {
        if (!(error instanceof RspError) || error.kind !== 'closed' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  private static connectOnce(options: RspConnectOptions): Promise<RspClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: options.host ?? '127.0.0.1', port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RspError('timeout', `gdbstub at port ${options.port} did not accept a connection within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RspClient(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new RspError('closed', `cannot connect to gdbstub at port ${options.port}: ${error.message}`));
      });
    });
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private fail(error: RspError): void {
    if (this.closedError) return;
    this.closedError = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(error);
  }

  private onData(chunk: Buffer): void {
    for (const event of this.parser.push(chunk)) {
      if (event.kind === 'nak') {
        if (this.lastSent) this.socket.write(this.lastSent);
        continue;
      }
      if (event.kind !== 'packet') continue;
      if (this.ackMode) this.socket.write(event.checksumOk ? '+' : '-');
      if (!event.checksumOk) {
        if (!this.ackMode) this.fail(new RspError('protocol', 'gdbstub sent a packet with a bad checksum'));
        continue;
      }
      let payload: Uint8Array;
      try {
        payload = decodePayload(event.payload);
      } catch (error) {
        this.fail(error as RspError);
        return;
      }
      const waiter = this.waiter;
      if (waiter) {
        this.waiter = undefined;
        waiter(payload);
      } else {
        this.packets.push(payload);
      }
    }
  }

  /** The next packet from the stub, or a timeout. Console (`O`) packets are collected, not returned, when `skipConsole`. */
  private nextPacket(timeoutMs: number): Promise<Uint8Array> {
    const queued = this.packets.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new RspError('timeout', `gdbstub did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (packet) => {
        clearTimeout(timer);
        if (packet instanceof RspError) reject(packet);
        else resolve(packet);
      };
    });
  }

  private sendFrame(payload: Uint8Array | string): void {
    if (this.closedError) throw this.closedError;
    const frame = framePacket(payload);
    this.lastSent = frame;
    this.socket.write(frame);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Sends one packet and returns the stub's reply as text (latin1, so binary replies survive). */
  request(payload: string | Uint8Array, timeoutMs = REQUEST_TIMEOUT_MS): Promise<string> {
    return this.serial(async () => {
      this.sendFrame(payload);
      return Buffer.from(await this.nextPacket(timeoutMs)).toString('latin1');
    });
  }

  /** Like request, but a stub error reply (`Enn`) becomes an RspError naming the request. */
  async requestOk(payload: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<string> {
    const reply = await this.request(payload, timeoutMs);
    if (/^E[0-9a-fA-F]{2}$/.test(reply) || reply.startsWith('E.')) throw new RspError('protocol', `gdbstub refused '${payload.slice(0, 24)}': ${reply}`);
    return reply;
  }

  /** Sends a packet whose reply comes later (c, s, vCont): collect it with waitForStop. */
  resume(payload: string): Promise<void> {
    return this.serial(async () => {
      this.sendFrame(payload);
    });
  }

  /** Waits for the stop reply of a resume; null when none came within the time (the guest still runs). */
  waitForStop(timeoutMs: number): Promise<string | null> {
    return this.serial(async () => {
      try {
        return Buffer.from(await this.nextPacket(timeoutMs)).toString('latin1');
      } catch (error) {
        if (error instanceof RspError && error.kind === 'timeout') return null;
        throw error;
      }
    });
  }

  /** Asks a running target to stop; its stop reply arrives through waitForStop. */
  interrupt(): void {
    if (this.closedError) throw this.closedError;
    this.socket.write(Uint8Array.of(INTERRUPT));
  }

  /** Negotiates features and switches acknowledgements off (fewer round trips per request). */
  async handshake(): Promise<string> {
    const features = await this.request('qSupported:xmlRegisters=i386');
    if (features.includes('QStartNoAckMode+')) {
      if ((await this.request('QStartNoAckMode')) === 'OK') this.ackMode = false;
    }
    return features;
  }

  /** A monitor command through qRcmd: its console output, joined. */
  monitor(command: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<string> {
    return this.serial(async () => {
      this.consoleOutput = [];
      this.sendFrame('qRcmd,' + Buffer.from(command, 'utf8').toString('hex'));
      for (;;) {
        const reply = Buffer.from(await this.nextPacket(timeoutMs)).toString('latin1');
        if (reply.startsWith('O') && reply !== 'OK') {
          this.consoleOutput.push(Buffer.from(fromHex(reply.slice(1))).toString('utf8'));
          continue;
        }
        if (reply === 'OK') return this.consoleOutput.join('');
        if (reply === '') throw new RspError('protocol', 'gdbstub does not support qRcmd');
        if (reply.startsWith('E')) throw new RspError('protocol', `gdbstub refused monitor command '${command}': ${reply}`);
        // Some stubs send the output as one hex reply instead of O packets.
        return this.consoleOutput.join('') + Buffer.from(fromHex(reply)).toString('utf8');
      }
    });
  }

  close(): void {
    this.closedError ??= new RspError('closed', 'gdbstub connection closed by the adapter');
    this.socket.destroy();
  }
}

/**
 * Reads a qXfer object (`qXfer:features:read:ANNEX:offset,length`), following `m` (more) replies
 * until the `l` (last) one.
 */
export async function readXferFeature(client: RspClient, annex: string): Promise<string> {
  let text = '';
  for (;;) {
    const reply = await client.request(`qXfer:features:read:${annex}:${text.length.toString(16)},ffb`);
    if (reply.length === 0 || (reply[0] !== 'm' && reply[0] !== 'l')) throw new RspError('protocol', `gdbstub refused to read target description '${annex}': '${reply.slice(0, 20)}'`);
    text += reply.slice(1);
    if (reply[0] === 'l') return text;
  }
}

/**
 * Register numbers by name, from the stub's target description (GDB manual, "Target
 * Descriptions"): registers are numbered in document order across included files, unless a
 * `regnum` attribute restarts the count. Reading target.xml is also what lets QEMU's stub
 * answer `p`/`P` at all: it serves them only to a client that has asked for the description.
 */
export interface TargetRegister {
  /** The number `p`/`P` use. */
  number: number;
  /** Where the register's bytes start in a `g`/`G` packet (registers in number order). */
  offset: number;
  bytes: number;
}

export async function readTargetRegisters(client: RspClient): Promise<Map<string, TargetRegister>> {
  const found: Array<{ name: string; number: number; bytes: number }> = [];
  let next = 0;
  const visit = async (annex: string, depth: number): Promise<void> => {
    if (depth > 4) throw new RspError('protocol', `gdbstub target description includes nest too deeply at '${annex}'`);
    // QEMU's i386-32bit.xml comments registers out (`<!--reg name="ss_base" ... -->`): drop comments first.
    const xml = (await readXferFeature(client, annex)).replace(/<!--[\s\S]*?-->/g, '');
    const pattern = /<xi:include\s+href="([^"]+)"\s*\/>|<reg\s+([^>]*?)\/?>/g;
    for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) {
      if (match[1]) {
        await visit(match[1], depth + 1);
        continue;
      }
      const attributes = match[2] ?? '';
      const name = /name="([^"]+)"/.exec(attributes)?.[1];
      const regnum = /regnum="(\d+)"/.exec(attributes)?.[1];
      const bitsize = Number(/bitsize="(\d+)"/.exec(attributes)?.[1] ?? Number.NaN);
      if (regnum !== undefined) next = Number(regnum);
      if (name === undefined || !Number.isInteger(bitsize) || bitsize % 8 !== 0) throw new RspError('protocol', `gdbstub target description has a register without a name or byte size: <reg ${attributes}>`);
      found.push({ name, number: next, bytes: bitsize / 8 });
      next++;
    }
  };
  await visit('target.xml', 0);
  found.sort((a, b) => a.number - b.number);
  const registers = new Map<string, TargetRegister>();
  let offset = 0;
  for (const r of found) {
    registers.set(r.name, { number: r.number, offset, bytes: r.bytes });
    offset += r.bytes;
  }
  return registers;
}
