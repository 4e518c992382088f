/**
 * The subject's side of xvc-subject/1 for subjects written in JS/TS: puts any in-process
 * Subject (harness/adapter.ts) on a stream pair, by default this process's stdin and stdout,
 * so it can run as `--adapter exec:...` in a process of its own (an FFI library that may
 * crash, for example). Prints the hello, answers requests one at a time in order, and ends on
 * `close` or at the end of input.
 *
 * Requests are checked as strictly as the client checks replies (shapes.ts), and so are the
 * subject's own results before they leave: a subject that returns a malformed state gets an
 * error reply that names the field, rather than a session the client must break off.
 *
 * Models no hardware; the subject does.
 */

import type { Readable, Writable } from 'node:stream';
import type { Subject } from '../../adapter.ts';
import { bytesOf, decodeRequest, decodeResult, encodeLine, PROTOCOL, toBase64, type AnyRequest, type Hello, type Reply, type UnaddressedError } from './protocol.ts';
import { capabilitiesOf } from './shapes.ts';
import { isSubjectError } from '../../suite/run-instance.ts';
import { splitLines } from './transport.ts';

export interface SubjectIo {
  input: Readable;
  output: Writable;
}

/** One line of text without control characters, as the protocol's error messages must be. */
function errorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const line = raw.replace(/\s*\n\s*/g, ' ').replace(/[\u0000-\u001f]/g, ' ').trim();
  return line.length > 0 ? line : 'unknown error';
}

function helloOf(subject: Subject): Hello {
  return { protocol: PROTOCOL, name: subject.name, capabilities: capabilitiesOf(subject.capabilities, 'capabilities'), quirks: [...subject.quirks] };
}

function unsupported(method: string, capability: string): Error {
  return new Error(`${method} is not supported (capability ${capability} is false)`);
}

/** Runs one request on the subject and gives its result as it travels. */
async function dispatch(subject: Subject, request: AnyRequest): Promise<unknown> {
  switch (request.method) {
    case 'reset':
      await subject.reset(request.params);
      return null;
    case 'writeMemory':
      await subject.writeMemory(request.params.address, bytesOf(request.params.data, 'data'));
      return null;
    case 'readMemory':
      return { data: toBase64(await subject.readMemory(request.params.address, request.params.length)) };
    case 'setState':
      await subject.setState(request.params.state);
      return null;
    case 'getState':
      return subject.getState();
    case 'run':
      return subject.run(request.params);
    case 'translate':
      if (!subject.translate) throw unsupported('translate', 'translate');
      return subject.translate(request.params.linear);
    case 'snapshot':
      if (!subject.snapshot) throw unsupported('snapshot', 'snapshot');
      return { data: toBase64(await subject.snapshot()) };
    case 'restore':
      if (!subject.restore) throw unsupported('restore', 'snapshot');
      await subject.restore(bytesOf(request.params.data, 'data'));
      return null;
    case 'close':
      await subject.close();
      return null;
  }
}

/**
 * Serves `subject` until a `close` request or the end of input. With the default stdio the
 * process exits when the session ends (a subject server lives for one session), and
 * console.log is sent to stderr so a stray log line cannot break the protocol stream.
 */
export async function serveSubject(subject: Subject, io?: SubjectIo): Promise<void> {
  const input = io?.input ?? process.stdin;
  const output = io?.output ?? process.stdout;
  if (!io) {
    console.log = console.error;
    console.info = console.error;
    console.debug = console.error;
  }
  let outputBroken = false;
  output.on('error', () => {
    // The harness went away: nobody is listening any more.
    outputBroken = true;
    input.destroy();
  });
  /** Settles when everything sent so far has been handed to the OS. */
  let flushed = Promise.resolve();
  const send = (message: Hello | Reply | UnaddressedError): void => {
    if (outputBroken) return;
    flushed = new Promise((resolve) => output.write(`${encodeLine(message)}\n`, () => resolve()));
  };
  /** Answers one request line; true when it was `close`. */
  const answer = async (line: string): Promise<boolean> => {
    if (line.trim() === '') return false;
    const decoded = decodeRequest(line);
    if (!decoded.request) {
      const message = decoded.problem ?? 'bad request';
      send(decoded.id === null ? { id: null, error: { message } } : { id: decoded.id, error: { message } });
      return false;
    }
    const { id, method } = decoded.request;
    try {
      send({ id, result: decodeResult(method, await dispatch(subject, decoded.request)) });
    } catch (error) {
      // A subject's own failure keeps its kind, so the harness reports a crash as a crash.
      send({ id, error: isSubjectError(error) ? { message: errorMessage(error), kind: error.kind } : { message: errorMessage(error) } });
    }
    return method === 'close';
  };

  send(helloOf(subject));
  // Requests are answered strictly one after another, in the order they came.
  const closedByRequest = await new Promise<boolean>((resolve) => {
    let queue = Promise.resolve(false);
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      input.pause();
      resolve(closed);
    };
    splitLines(input, (line) => {
      queue = queue.then(async (closed) => {
        if (closed || done) return true;
        const isClose = await answer(line);
        if (isClose) finish(true);
        return isClose;
      });
    });
    input.once('end', () => void queue.then((closed) => finish(closed)));
    input.once('close', () => void queue.then((closed) => finish(closed)));
  });
  // Input ended without `close`: the harness is gone, so release what the subject holds.
  if (!closedByRequest) await subject.close().catch(() => undefined);
  // Every reply is written before the session is over.
  await flushed;
  if (!io) process.exit(0);
}
