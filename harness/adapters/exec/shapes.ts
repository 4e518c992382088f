/**
 * Strict checks of the JSON values that cross the xvc-subject/1 wire (protocol.ts): the
 * adapter contract's data types (ArchState, StopReason, RunLimits, capabilities...) as they
 * arrive from a process we do not trust. Each check builds a fresh, typed value or throws a
 * ProtocolViolation whose one-line message names the field by its path
 * (`result.segs.cs.limit must be an unsigned 32-bit integer, got -1`).
 *
 * Fields whose names start with `x-` are extensions: accepted anywhere and dropped. Any other
 * unknown field is an error, because in practice it is a misspelt known one.
 *
 * Models no hardware.
 */

import { CPU_MODEL_NAMES, REG32_NAMES, SEG_NAMES, type CpuModelName, type CpuMode, type StopReason } from '../../../reference-emulator/index.ts';
import type { ArchState, RunLimits, SegmentState, SubjectCapabilities, SubjectConfig, TableRegister, Translation } from '../../adapter.ts';

/** A message or field that breaks the protocol; the client turns it into `error: protocol`. */
export class ProtocolViolation extends Error {
  override name = 'ProtocolViolation';
}

/** The CPU modes a subject may declare; `satisfies` keeps the list in step with the CpuMode type. */
export const CPU_MODES = ['real', 'v86', 'prot16', 'prot32'] as const satisfies readonly CpuMode[];
type AllModesListed = Exclude<CpuMode, (typeof CPU_MODES)[number]> extends never ? true : never;
const allModesListed: AllModesListed = true;
void allModesListed;

export const PAGING_KINDS = ['none', '32bit', 'pse', 'pae'] as const satisfies ReadonlyArray<SubjectCapabilities['paging'][number]>;

/** A short rendering of an offending value for messages (never the whole of a large one). */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function violation(path: string, expected: string, value: unknown): ProtocolViolation {
  return new ProtocolViolation(`${path} must be ${expected}, got ${preview(value)}`);
}

/** An object with exactly these fields (plus optional ones and `x-` extensions). */
export function fields(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw violation(path, 'an object', value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key) && !key.startsWith('x-')) throw new ProtocolViolation(`${path} has an unknown field '${key}'`);
  }
  for (const key of required) if (!(key in record)) throw new ProtocolViolation(`${path} lacks the field '${key}'`);
  return record;
}

export function integerIn(value: unknown, path: string, min: number, max: number, expected: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw violation(path, expected, value);
  return value;
}

export const u32 = (value: unknown, path: string): number => integerIn(value, path, 0, 0xffffffff, 'an unsigned 32-bit integer');
export const u16 = (value: unknown, path: string): number => integerIn(value, path, 0, 0xffff, 'an unsigned 16-bit integer');

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw violation(path, 'true or false', value);
  return value;
}

export function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw violation(path, 'a string', value);
  return value;
}

/** A string that fits on one line of a report (names, quirks, error messages). */
export function oneLineText(value: unknown, path: string): string {
  const s = text(value, path);
  if (/[\u0000-\u001f]/.test(s)) throw violation(path, 'one line of text without control characters', value);
  return s;
}

export function list<T>(value: unknown, path: string, item: (element: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) throw violation(path, 'an array', value);
  return value.map((element, index) => item(element, `${path}[${index}]`));
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: unknown, path: string): T => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) throw violation(path, `one of ${choices.join(', ')}`, value);
    return value as T;
  };
}

/**
 * Byte strings travel as standard base64 with padding (RFC 4648, section 4). This only checks
 * the text, so a message can be validated without decoding bytes its receiver decodes anyway.
 */
export function base64Text(value: unknown, path: string): string {
  const s = text(value, path);
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw violation(path, 'padded standard base64', value);
  return s;
}

/** The bytes of a base64 field, checked exactly as base64Text checks it. */
export function base64Bytes(value: unknown, path: string): Uint8Array {
  const buffer = Buffer.from(base64Text(value, path), 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const cpuModel = oneOf<CpuModelName>(CPU_MODEL_NAMES);
const cpuMode = oneOf<CpuMode>(CPU_MODES);
const pagingKind = oneOf(PAGING_KINDS);

export function capabilitiesOf(value: unknown, path: string): SubjectCapabilities {
  const c = fields(value, path, ['modes', 'cpuModels', 'paging', 'singleStep', 'translate', 'snapshot']);
  return {
    modes: list(c.modes, `${path}.modes`, cpuMode),
    cpuModels: list(c.cpuModels, `${path}.cpuModels`, cpuModel),
    paging: list(c.paging, `${path}.paging`, pagingKind),
    singleStep: bool(c.singleStep, `${path}.singleStep`),
    translate: bool(c.translate, `${path}.translate`),
    snapshot: bool(c.snapshot, `${path}.snapshot`),
  };
}

export function subjectConfigOf(value: unknown, path: string): SubjectConfig {
  const c = fields(value, path, ['cpu', 'memorySize']);
  // 4 GiB is the whole 32-bit physical space without PAE's extension.
  return { cpu: cpuModel(c.cpu, `${path}.cpu`), memorySize: integerIn(c.memorySize, `${path}.memorySize`, 1, 2 ** 32, 'a byte count from 1 to 2^32') };
}

export function segmentOf(value: unknown, path: string): SegmentState {
  const s = fields(value, path, ['sel', 'base', 'limit', 'attr']);
  return { sel: u16(s.sel, `${path}.sel`), base: u32(s.base, `${path}.base`), limit: u32(s.limit, `${path}.limit`), attr: u16(s.attr, `${path}.attr`) };
}

function tableRegisterOf(value: unknown, path: string): TableRegister {
  const t = fields(value, path, ['base', 'limit']);
  return { base: u32(t.base, `${path}.base`), limit: u16(t.limit, `${path}.limit`) };
}

export function archStateOf(value: unknown, path: string): ArchState {
  const s = fields(value, path, ['regs', 'eip', 'eflags', 'segs', 'cr0', 'cr2', 'cr3', 'cr4', 'efer', 'gdtr', 'idtr', 'ldtr', 'tr']);
  const r = fields(s.regs, `${path}.regs`, REG32_NAMES);
  const g = fields(s.segs, `${path}.segs`, SEG_NAMES);
  const reg = (name: (typeof REG32_NAMES)[number]): number => u32(r[name], `${path}.regs.${name}`);
  const seg = (name: (typeof SEG_NAMES)[number]): SegmentState => segmentOf(g[name], `${path}.segs.${name}`);
  return {
    regs: { eax: reg('eax'), ecx: reg('ecx'), edx: reg('edx'), ebx: reg('ebx'), esp: reg('esp'), ebp: reg('ebp'), esi: reg('esi'), edi: reg('edi') },
    eip: u32(s.eip, `${path}.eip`),
    eflags: u32(s.eflags, `${path}.eflags`),
    segs: { es: seg('es'), cs: seg('cs'), ss: seg('ss'), ds: seg('ds'), fs: seg('fs'), gs: seg('gs') },
    cr0: u32(s.cr0, `${path}.cr0`),
    cr2: u32(s.cr2, `${path}.cr2`),
    cr3: u32(s.cr3, `${path}.cr3`),
    cr4: u32(s.cr4, `${path}.cr4`),
    efer: u32(s.efer, `${path}.efer`),
    gdtr: tableRegisterOf(s.gdtr, `${path}.gdtr`),
    idtr: tableRegisterOf(s.idtr, `${path}.idtr`),
    ldtr: segmentOf(s.ldtr, `${path}.ldtr`),
    tr: segmentOf(s.tr, `${path}.tr`),
  };
}

const STOP_KINDS = ['limit', 'halt', 'exit-port', 'exception', 'shutdown', 'breakpoint'] as const satisfies ReadonlyArray<StopReason['kind']>;

export function stopReasonOf(value: unknown, path: string): StopReason {
  const kind = oneOf(STOP_KINDS)(fields(value, path, ['kind'], ['status', 'vector', 'errorCode', 'detail', 'eip']).kind, `${path}.kind`);
  switch (kind) {
    case 'limit':
    case 'halt':
      fields(value, path, ['kind']);
      return { kind };
    case 'exit-port': {
      const s = fields(value, path, ['kind', 'status']);
      return { kind, status: u32(s.status, `${path}.status`) };
    }
    case 'exception': {
      const s = fields(value, path, ['kind', 'vector'], ['errorCode']);
      const vector = integerIn(s.vector, `${path}.vector`, 0, 255, 'an exception vector from 0 to 255');
      return s.errorCode === undefined ? { kind, vector } : { kind, vector, errorCode: u32(s.errorCode, `${path}.errorCode`) };
    }
    case 'shutdown': {
      const s = fields(value, path, ['kind', 'detail']);
      return { kind, detail: oneLineText(s.detail, `${path}.detail`) };
    }
    case 'breakpoint': {
      const s = fields(value, path, ['kind', 'eip']);
      return { kind, eip: u32(s.eip, `${path}.eip`) };
    }
  }
}

export function runLimitsOf(value: unknown, path: string): RunLimits {
  const l = fields(value, path, ['maxInstructions'], ['stopOnException', 'breakpoints']);
  return {
    maxInstructions: integerIn(l.maxInstructions, `${path}.maxInstructions`, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer'),
    ...(l.stopOnException !== undefined ? { stopOnException: bool(l.stopOnException, `${path}.stopOnException`) } : {}),
    ...(l.breakpoints !== undefined ? { breakpoints: list(l.breakpoints, `${path}.breakpoints`, u32) } : {}),
  };
}

export function translationOf(value: unknown, path: string): Translation {
  const t = fields(value, path, ['physical'], ['writable', 'user']);
  return {
    physical: t.physical === null ? null : u32(t.physical, `${path}.physical`),
    ...(t.writable !== undefined ? { writable: bool(t.writable, `${path}.writable`) } : {}),
    ...(t.user !== undefined ? { user: bool(t.user, `${path}.user`) } : {}),
  };
}
