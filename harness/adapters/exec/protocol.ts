/**
 * The xvc-subject/1 protocol: the adapter contract (harness/adapter.ts) carried as JSON lines, so
 * an emulator written in any language, or one that may crash, can be an xvc subject in its own
 * process (DESIGN.md, "The adapter contract"; README, "Out-of-process subjects").
 *
 * One JSON object per line, UTF-8, each ended by "\n". The subject speaks first, with its hello:
 *   {"protocol":"xvc-subject/1","name":"my-emu","capabilities":{...},"quirks":[...]}
 * then the harness sends requests and the subject answers each, in order, on one line:
 *   {"id":1,"method":"reset","params":{"cpu":"modern","memorySize":1048576}}
 *   {"id":1,"result":null}          or          {"id":1,"error":{"message":"..."}}
 * Byte strings (memory, snapshots) are standard padded base64. Every incoming message is
 * checked strictly (shapes.ts); a violation is a ProtocolViolation with a one-line message.
 *
 * Models no hardware.
 */

import type { StopReason } from '../../../reference-emulator/index.ts';
import type { ArchState, RunLimits, SubjectCapabilities, SubjectConfig, Translation } from '../../adapter.ts';
import {
  archStateOf,
  base64Text,
  capabilitiesOf,
  fields,
  integerIn,
  list,
  oneLineText,
  oneOf,
  preview,
  ProtocolViolation,
  runLimitsOf,
  stopReasonOf,
  subjectConfigOf,
  translationOf,
  u32,
} from './shapes.ts';

export const PROTOCOL = 'xvc-subject/1';

/** The first line a subject prints: who it is and what it can do. */
export interface Hello {
  protocol: typeof PROTOCOL;
  name: string;
  capabilities: SubjectCapabilities;
  quirks: string[];
}

/** Each method's params and result as they travel (bytes as base64 strings). */
export interface Methods {
  reset: { params: SubjectConfig; result: null };
  writeMemory: { params: { address: number; data: string }; result: null };
  readMemory: { params: { address: number; length: number }; result: { data: string } };
  setState: { params: { state: ArchState }; result: null };
  getState: { params: Record<string, never>; result: ArchState };
  run: { params: RunLimits; result: StopReason };
  translate: { params: { linear: number }; result: Translation };
  snapshot: { params: Record<string, never>; result: { data: string } };
  restore: { params: { data: string }; result: null };
  close: { params: Record<string, never>; result: null };
}

export type Method = keyof Methods;
export const METHODS = ['reset', 'writeMemory', 'readMemory', 'setState', 'getState', 'run', 'translate', 'snapshot', 'restore', 'close'] as const satisfies readonly Method[];

export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

export interface Request<M extends Method = Method> {
  id: number;
  method: M;
  params: Params<M>;
}

/**
 * Why a call failed, when the subject knows it is its own failure rather than a bad request:
 * the emulator core aborted (`subject-crash`), it stopped answering inside (`timeout`), or it
 * broke its own rules (`protocol`). The runner reports the call as an error of that kind.
 */
export const SUBJECT_ERROR_KINDS = ['subject-crash', 'timeout', 'protocol'] as const;
export type SubjectErrorKind = (typeof SUBJECT_ERROR_KINDS)[number];

export type Reply = { id: number; result: unknown } | { id: number; error: { message: string; kind?: SubjectErrorKind } };

/** What a subject answers to a request line so broken that it has no usable id. */
export interface UnaddressedError {
  id: null;
  error: { message: string };
}

/** A request as the subject's side receives it: method checked, params typed for that method. */
export type AnyRequest = { [M in Method]: Request<M> }[Method];

/** Encodes one message as one line (without the "\n"); JSON.stringify escapes any newline in strings. */
export function encodeLine(message: Hello | Request | Reply | UnaddressedError): string {
  return JSON.stringify(message);
}

function parseLine(line: string, what: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    const shown = line.length > 60 ? `${line.slice(0, 57)}...` : line;
    throw new ProtocolViolation(`${what} is not JSON: ${JSON.stringify(shown)}`);
  }
}

export function decodeHello(line: string): Hello {
  const h = fields(parseLine(line, 'the hello line'), 'hello', ['protocol', 'name', 'capabilities', 'quirks']);
  if (h.protocol !== PROTOCOL) throw new ProtocolViolation(`hello.protocol must be "${PROTOCOL}", got ${JSON.stringify(h.protocol)}`);
  const name = oneLineText(h.name, 'hello.name');
  if (name.length === 0) throw new ProtocolViolation('hello.name must not be empty');
  return { protocol: PROTOCOL, name, capabilities: capabilitiesOf(h.capabilities, 'hello.capabilities'), quirks: list(h.quirks, 'hello.quirks', oneLineText) };
}

/** The envelope of a reply; its result is checked by decodeResult once the method is known. */
export function decodeReply(line: string): Reply {
  const envelope = parseLine(line, 'a reply line');
  const r = fields(envelope, 'reply', ['id'], ['result', 'error']);
  const id = integerIn(r.id, 'reply.id', 0, Number.MAX_SAFE_INTEGER, 'a request id (a non-negative integer)');
  if (('result' in r) === ('error' in r)) throw new ProtocolViolation(`reply ${id} must have exactly one of 'result' and 'error'`);
  if ('result' in r) return { id, result: r.result };
  const e = fields(r.error, `reply ${id}: error`, ['message'], ['kind']);
  const message = oneLineText(e.message, `reply ${id}: error.message`);
  if (e.kind === undefined) return { id, error: { message } };
  if (!(SUBJECT_ERROR_KINDS as readonly unknown[]).includes(e.kind)) throw new ProtocolViolation(`reply ${id}: error.kind must be one of ${SUBJECT_ERROR_KINDS.join(', ')}, got ${JSON.stringify(e.kind)}`);
  return { id, error: { message, kind: e.kind as SubjectErrorKind } };
}

const nothing = (value: unknown, path: string): null => {
  if (value !== null) throw new ProtocolViolation(`${path} must be null, got ${preview(value)}`);
  return null;
};
const noParams = (value: unknown, path: string): Record<string, never> => {
  fields(value, path, []);
  return {};
};
const dataField = (value: unknown, path: string): { data: string } => {
  const d = fields(value, path, ['data']);
  return { data: base64Text(d.data, `${path}.data`) };
};

/** Checkers for each method's params (the subject's side) and result (the harness's side). */
const CHECKS: { [M in Method]: { params: (value: unknown, path: string) => Params<M>; result: (value: unknown, path: string) => Result<M> } } = {
  reset: { params: subjectConfigOf, result: nothing },
  writeMemory: {
    params: (value, path) => {
      const p = fields(value, path, ['address', 'data']);
      return { address: u32(p.address, `${path}.address`), ...dataField({ data: p.data }, path) };
    },
    result: nothing,
  },
  readMemory: {
    params: (value, path) => {
      const p = fields(value, path, ['address', 'length']);
      return { address: u32(p.address, `${path}.address`), length: u32(p.length, `${path}.length`) };
    },
    result: dataField,
  },
  setState: {
    params: (value, path) => ({ state: archStateOf(fields(value, path, ['state']).state, `${path}.state`) }),
    result: nothing,
  },
  getState: { params: noParams, result: archStateOf },
  run: { params: runLimitsOf, result: stopReasonOf },
  translate: { params: (value, path) => ({ linear: u32(fields(value, path, ['linear']).linear, `${path}.linear`) }), result: translationOf },
  snapshot: { params: noParams, result: dataField },
  restore: { params: dataField, result: nothing },
  close: { params: noParams, result: nothing },
};

/** Checks a reply's result against what `method` returns. */
export function decodeResult<M extends Method>(method: M, result: unknown): Result<M> {
  return CHECKS[method].result(result, `result of ${method}`);
}

/** Decodes a request line on the subject's side. The id is returned even when params are bad, so the error can be answered. */
export function decodeRequest(line: string): { id: number | null; request?: AnyRequest; problem?: string } {
  let id: number | null = null;
  try {
    const r = fields(parseLine(line, 'a request line'), 'request', ['id', 'method', 'params']);
    id = integerIn(r.id, 'request.id', 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
    const method = oneOf(METHODS)(r.method, 'request.method');
    const params = CHECKS[method].params(r.params, `params of ${method}`);
    return { id, request: { id, method, params } as AnyRequest };
  } catch (error) {
    if (error instanceof ProtocolViolation) return { id, problem: error.message };
    throw error;
  }
}

/** Bytes of a `data` field already checked by decodeResult / decodeRequest. */
export { base64Bytes as bytesOf, toBase64 } from './shapes.ts';

