/**
 * The golden-trace file format `xvc-trace/1`: a versioned, hashed JSON record of one guest
 * program's run, after SingleStepTests' records (a complete initial state, the changes, an
 * exception, a hash) but for a whole program:
 * - header: program name, CPU model, start mode, RAM size, instruction limit;
 * - `initial`: every field of the architectural state, and the watched memory regions (the
 *   image, a stack window, any region the program declares) with their initial bytes;
 * - `steps`: per retired instruction (or delivered fault), CS:EIP, the bytes, the table form
 *   and the disassembly, then ONLY the state fields and watched memory bytes that changed;
 * - `final`: every field again, and `stop`: why the run ended (HLT, debug-exit port, an
 *   exception when the run stops on one, the limit);
 * - `crossCheck` (optional, added compatibly within xvc-trace/1): what an independent subject
 *   (QEMU) made of the same program when the golden was rebased: it agrees; or it differs (or
 *   cannot run the program) at a first difference, with a written reason; or it was not run,
 *   with a written reason. A reader that predates the field still loads the file, since the
 *   hash covers every top-level key but `hash`;
 * - `hash`: SHA-256 over the canonical content (keys sorted, no whitespace, `hash` left out), so
 *   an edit to any field, the cross-check record included, is detected.
 *
 * Numbers that are register values or addresses are written as fixed-width hex strings and
 * memory as hex byte strings, so a reviewer can hold a golden against the SDM. Loading checks
 * the version, the hash, every field and that `final` is what the steps add up to, and rejects
 * anything else with one line naming the file and the problem.
 *
 * Models no hardware; the state it records is the adapter contract's (harness/adapter.ts).
 */

import { createHash } from 'node:crypto';
import { CPU_MODEL_NAMES, type CpuModelName, type StopReason } from '../../reference-emulator/index.ts';
import { formatField, isStateField, STATE_FIELDS, type FlatState } from './state-fields.ts';

export const TRACE_FORMAT = 'xvc-trace/1';

export type StartMode = 'real' | 'prot32';
const START_MODES: readonly StartMode[] = ['real', 'prot32'];

/** A watched memory region: guest-physical base and its bytes. */
export interface MemoryRegion {
  base: number;
  bytes: Uint8Array;
}

/** A run of changed bytes at a guest-physical address. */
export interface MemoryChange {
  address: number;
  bytes: Uint8Array;
}

export interface TraceStep {
  /** CS selector and EIP of the instruction, before it ran. */
  cs: number;
  eip: number;
  /** The instruction's bytes; empty when fetching them faulted. */
  bytes: Uint8Array;
  /** The table form id the decoder chose, or null when the fetch faulted. */
  form: string | null;
  asm: string;
  /** Only the fields the step changed, with their new values. */
  changes: Partial<FlatState>;
  memory: MemoryChange[];
}

export interface TraceHeader {
  program: string;
  cpu: CpuModelName;
  mode: StartMode;
  memorySize: number;
  maxInstructions: number;
  /** Stop at the first exception instead of delivering it through the guest's IVT/IDT. */
  stopOnException: boolean;
}

export interface Trace extends TraceHeader {
  initial: { state: FlatState; memory: MemoryRegion[] };
  steps: TraceStep[];
  final: FlatState;
  stop: StopReason;
  /** Present on goldens written by `xvc trace rebase`; never on a run just recorded. */
  crossCheck?: CrossCheck;
}

/** A written reason is at least this many characters: a sentence, not "ok" or "known". */
export const MIN_REASON_LENGTH = 20;

/** `checkedAt` is a calendar date (UTC): metadata of the file, never part of a run's semantics. */
const CHECKED_AT = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What an independent subject made of the golden's program when it was rebased:
 * - `agrees`: it ran the program from the golden's start and matched every step (undefined
 *   flags masked, harness/trace/compare.ts);
 * - `differs`: it diverged, or could not run the program (a CPU model it lacks); the first
 *   difference, and the reason the golden stands anyway;
 * - `unchecked`: it was not run (not installed here, or `--no-crosscheck`); why, and the reason
 *   the golden was written all the same.
 */
export type CrossCheck =
  | { subject: string; result: 'agrees'; version: string; checkedAt: string }
  | { subject: string; result: 'differs'; version: string; checkedAt: string; firstDifference: string; reason: string }
  | { subject: string; result: 'unchecked'; checkedAt: string; notRun: string; reason: string };

export const CROSS_CHECK_RESULTS = ['agrees', 'differs', 'unchecked'] as const;

/** A golden that cannot be used: the message is one line naming the file and the problem. */
export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
}

// ---------------------------------------------------------------- writing

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const address = (value: number): string => `0x${(value >>> 0).toString(16).padStart(8, '0')}`;

function stateObject(state: Partial<FlatState>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STATE_FIELDS) {
    const value = state[name];
    if (value !== undefined) out[name] = formatField(name, value);
  }
  return out;
}

function stopObject(stop: StopReason): Record<string, unknown> {
  // Spelled out so the key order is fixed and nothing a subject adds slips into a golden.
  switch (stop.kind) {
    case 'limit':
    case 'halt':
      return { kind: stop.kind };
    case 'exit-port':
      return { kind: stop.kind, status: stop.status };
    case 'exception':
      return stop.errorCode === undefined ? { kind: stop.kind, vector: stop.vector } : { kind: stop.kind, vector: stop.vector, errorCode: stop.errorCode };
    case 'shutdown':
      return { kind: stop.kind, detail: stop.detail };
    case 'breakpoint':
      return { kind: stop.kind, eip: address(stop.eip) };
  }
}

function stepObject(step: TraceStep, n: number): Record<string, unknown> {
  return {
    n,
    cs: formatField('cs.sel', step.cs),
    eip: address(step.eip),
    bytes: toHex(step.bytes),
    form: step.form,
    asm: step.asm,
    set: stateObject(step.changes),
    mem: step.memory.map((change) => ({ at: address(change.address), bytes: toHex(change.bytes) })),
  };
}

/** The trace as the JSON object written to disk, without its hash. */
function fileObject(trace: Trace): Record<string, unknown> {
  return {
    format: TRACE_FORMAT,
    program: trace.program,
    cpu: trace.cpu,
    mode: trace.mode,
    memorySize: trace.memorySize,
    maxInstructions: trace.maxInstructions,
    stopOnException: trace.stopOnException,
    initial: {
      state: stateObject(trace.initial.state),
      memory: trace.initial.memory.map((region) => ({ base: address(region.base), bytes: toHex(region.bytes) })),
    },
    steps: trace.steps.map(stepObject),
    final: stateObject(trace.final),
    stop: stopObject(trace.stop),
    ...(trace.crossCheck ? { crossCheck: crossCheckObject(trace.crossCheck) } : {}),
  };
}

function crossCheckObject(check: CrossCheck): Record<string, unknown> {
  // Spelled out so the key order is fixed and nothing else slips into a golden.
  switch (check.result) {
    case 'agrees':
      return { subject: check.subject, result: check.result, version: check.version, checkedAt: check.checkedAt };
    case 'differs':
      return { subject: check.subject, result: check.result, version: check.version, checkedAt: check.checkedAt, firstDifference: check.firstDifference, reason: check.reason };
    case 'unchecked':
      return { subject: check.subject, result: check.result, checkedAt: check.checkedAt, notRun: check.notRun, reason: check.reason };
  }
}

/** JSON with object keys sorted at every level and no whitespace: what the hash covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function hashOf(content: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = content;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** The hash a trace is stored with. */
export function traceHash(trace: Trace): string {
  return hashOf(fileObject(trace));
}

/**
 * The file text: the header and states pretty-printed, one line per step so a rebase shows a
 * line diff per changed step, and the hash last.
 */
export function serializeTrace(trace: Trace): string {
  const content = fileObject(trace);
  const hash = hashOf(content);
  const lines: string[] = ['{'];
  const indent = (text: string): string => text.replace(/\n/g, '\n  ');
  for (const [key, value] of Object.entries(content)) {
    if (key === 'steps') {
      const steps = value as unknown[];
      if (steps.length === 0) lines.push('  "steps": [],');
      else lines.push('  "steps": [', ...steps.map((step, index) => `    ${JSON.stringify(step)}${index < steps.length - 1 ? ',' : ''}`), '  ],');
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2))},`);
    }
  }
  lines.push(`  "hash": ${JSON.stringify(hash)}`, '}', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------- reading

type Json = unknown;

/** Validation with the JSON path in every message. */
class Reader {
  constructor(readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new TraceFormatError(`${this.file}: ${path ? `${path}: ` : ''}${problem}`);
  }

  object(value: Json, path: string): Record<string, Json> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'expected an object');
    return value as Record<string, Json>;
  }

  array(value: Json, path: string): Json[] {
    if (!Array.isArray(value)) this.fail(path, 'expected an array');
    return value;
  }

  string(value: Json, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'expected a string');
    return value;
  }

  integer(value: Json, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) this.fail(path, `expected a whole number from ${min} to ${max}`);
    return value;
  }

  hexNumber(value: Json, path: string, digits: number): number {
    const text = this.string(value, path);
    if (!new RegExp(`^0x[0-9a-f]{${digits}}$`).test(text)) this.fail(path, `expected ${digits} lower-case hex digits after 0x, got '${text}'`);
    return parseInt(text.slice(2), 16);
  }

  hexBytes(value: Json, path: string): Uint8Array {
    const text = this.string(value, path);
    if (!/^(?:[0-9a-f]{2})*$/.test(text)) this.fail(path, 'expected an even number of lower-case hex digits');
    return new Uint8Array(Buffer.from(text, 'hex'));
  }

  choice<T extends string>(value: Json, path: string, choices: readonly T[]): T {
    const text = this.string(value, path);
    if (!(choices as readonly string[]).includes(text)) this.fail(path, `expected one of ${choices.join(', ')}, got '${text}'`);
    return text as T;
  }

  state(value: Json, path: string, complete: boolean): Partial<FlatState> {
    const object = this.object(value, path);
    const state: Partial<FlatState> = {};
    for (const [name, field] of Object.entries(object)) {
      if (!isStateField(name)) this.fail(`${path}.${name}`, 'not a state field');
      state[name] = this.hexNumber(field, `${path}.${name}`, name.endsWith('.sel') || name.endsWith('.attr') ? 4 : 8);
    }
    if (complete) {
      const missing = STATE_FIELDS.filter((name) => state[name] === undefined);
      if (missing.length > 0) this.fail(path, `lacks ${missing.join(', ')}`);
    }
    return state;
  }

  crossCheck(value: Json, path: string): CrossCheck {
    const object = this.object(value, path);
    const result = this.choice(object['result'], `${path}.result`, CROSS_CHECK_RESULTS);
    const allowed = { agrees: ['version'], differs: ['version', 'firstDifference', 'reason'], unchecked: ['notRun', 'reason'] }[result];
    for (const key of Object.keys(object)) {
      if (!['subject', 'result', 'checkedAt', ...allowed].includes(key)) this.fail(`${path}.${key}`, `not a field of a '${result}' cross-check`);
    }
    const subject = this.string(object['subject'], `${path}.subject`);
    if (subject === '') this.fail(`${path}.subject`, 'expected a subject name');
    const checkedAt = this.string(object['checkedAt'], `${path}.checkedAt`);
    if (!CHECKED_AT.test(checkedAt)) this.fail(`${path}.checkedAt`, `expected a date YYYY-MM-DD, got '${checkedAt}'`);
    const text = (key: string): string => {
      const value = this.string(object[key], `${path}.${key}`);
      if (value.trim() === '' || value.includes('\n')) this.fail(`${path}.${key}`, 'expected one non-empty line');
      return value;
    };
    const reason = (): string => {
      const value = text('reason');
      if (value.trim().length < MIN_REASON_LENGTH) this.fail(`${path}.reason`, `a reason takes at least ${MIN_REASON_LENGTH} characters`);
      return value;
    };
    switch (result) {
      case 'agrees':
        return { subject, result, version: text('version'), checkedAt };
      case 'differs':
        return { subject, result, version: text('version'), checkedAt, firstDifference: text('firstDifference'), reason: reason() };
      case 'unchecked':
        return { subject, result, checkedAt, notRun: text('notRun'), reason: reason() };
    }
  }

  stop(value: Json, path: string): StopReason {
    const object = this.object(value, path);
    const kind = this.choice(object['kind'], `${path}.kind`, ['limit', 'halt', 'exit-port', 'exception', 'shutdown', 'breakpoint'] as const);
    switch (kind) {
      case 'limit':
      case 'halt':
        return { kind };
      case 'exit-port':
        return { kind, status: this.integer(object['status'], `${path}.status`, 0, 0x1ff) };
      case 'exception': {
        const vector = this.integer(object['vector'], `${path}.vector`, 0, 255);
        return object['errorCode'] === undefined ? { kind, vector } : { kind, vector, errorCode: this.integer(object['errorCode'], `${path}.errorCode`, 0, 0xffffffff) };
      }
      case 'shutdown':
        return { kind, detail: this.string(object['detail'], `${path}.detail`) };
      case 'breakpoint':
        return { kind, eip: this.hexNumber(object['eip'], `${path}.eip`, 8) };
    }
  }
}

const inRegions = (regions: readonly MemoryRegion[], start: number, length: number): boolean =>
  regions.some((region) => start >= region.base && start + length <= region.base + region.bytes.length);

/** Parses and checks a trace file's text; `file` names it in every error. */
export function parseTrace(text: string, file: string): Trace {
  const r = new Reader(file);
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (error) {
    r.fail('', `not valid JSON, truncated or malformed (${(error as Error).message})`);
  }
  const top = r.object(json, '');
  const format = top['format'];
  if (format !== TRACE_FORMAT) r.fail('format', `expected '${TRACE_FORMAT}', got ${JSON.stringify(format) ?? 'nothing'}`);
  const stored = r.string(top['hash'], 'hash');
  const computed = hashOf(top);
  if (stored !== computed) r.fail('hash', `the content does not match its hash (stored ${stored}, computed ${computed}): the file was edited or corrupted; regenerate it with xvc trace rebase`);

  const cpu = r.choice(top['cpu'], 'cpu', CPU_MODEL_NAMES);
  const mode = r.choice(top['mode'], 'mode', START_MODES);
  const program = r.string(top['program'], 'program');
  const memorySize = r.integer(top['memorySize'], 'memorySize', 1, 0x1_0000_0000);
  const maxInstructions = r.integer(top['maxInstructions'], 'maxInstructions', 1);
  const stopOnException = top['stopOnException'];
  if (typeof stopOnException !== 'boolean') return r.fail('stopOnException', 'expected true or false');

  const initialObject = r.object(top['initial'], 'initial');
  const initialState = r.state(initialObject['state'], 'initial.state', true) as FlatState;
  const memory = r.array(initialObject['memory'], 'initial.memory').map((entry, index): MemoryRegion => {
    const region = r.object(entry, `initial.memory[${index}]`);
    return { base: r.hexNumber(region['base'], `initial.memory[${index}].base`, 8), bytes: r.hexBytes(region['bytes'], `initial.memory[${index}].bytes`) };
  });
  memory.forEach((region, index) => {
    if (region.base + region.bytes.length > memorySize) r.fail(`initial.memory[${index}]`, 'ends beyond memorySize');
    const previous = memory[index - 1];
    if (previous && previous.base + previous.bytes.length > region.base) r.fail(`initial.memory[${index}]`, 'overlaps or precedes the region before it');
  });

  // Replaying the steps checks that `final` is what they add up to.
  const replay: FlatState = { ...initialState };
  const steps = r.array(top['steps'], 'steps').map((entry, index): TraceStep => {
    const path = `steps[${index}]`;
    const step = r.object(entry, path);
    if (r.integer(step['n'], `${path}.n`) !== index) r.fail(`${path}.n`, `expected ${index}`);
    const form = step['form'] === null ? null : r.string(step['form'], `${path}.form`);
    const changes = r.state(step['set'], `${path}.set`, false);
    Object.assign(replay, changes);
    const memoryChanges = r.array(step['mem'], `${path}.mem`).map((change, k): MemoryChange => {
      const object = r.object(change, `${path}.mem[${k}]`);
      const at = r.hexNumber(object['at'], `${path}.mem[${k}].at`, 8);
      const bytes = r.hexBytes(object['bytes'], `${path}.mem[${k}].bytes`);
      if (bytes.length === 0 || !inRegions(memory, at, bytes.length)) r.fail(`${path}.mem[${k}]`, 'is empty or outside the watched regions');
      return { address: at, bytes };
    });
    return {
      cs: r.hexNumber(step['cs'], `${path}.cs`, 4),
      eip: r.hexNumber(step['eip'], `${path}.eip`, 8),
      bytes: r.hexBytes(step['bytes'], `${path}.bytes`),
      form,
      asm: r.string(step['asm'], `${path}.asm`),
      changes,
      memory: memoryChanges,
    };
  });
  const final = r.state(top['final'], 'final', true) as FlatState;
  const mismatch = STATE_FIELDS.find((name) => final[name] !== replay[name]);
  if (mismatch !== undefined) r.fail(`final.${mismatch}`, `is ${formatField(mismatch, final[mismatch]!)} but the steps end with ${formatField(mismatch, replay[mismatch]!)}`);
  const stop = r.stop(top['stop'], 'stop');
  const crossCheck = top['crossCheck'] === undefined ? undefined : r.crossCheck(top['crossCheck'], 'crossCheck');
  return { program, cpu, mode, memorySize, maxInstructions, stopOnException, initial: { state: initialState, memory }, steps, final, stop, ...(crossCheck ? { crossCheck } : {}) };
}
