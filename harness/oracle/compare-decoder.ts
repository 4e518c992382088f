/**
 * xvc's decoder against iced-x86, for one byte sequence under one CPU model, and xvc's instruction
 * table against iced's per-`Code` metadata, form by form.
 *
 * One byte sequence gets exactly one class. Agreements:
 * - `agree`: both decode a valid instruction with the same length, form id (= iced `Code` name),
 *   operands (registers; memory segment, base, index, scale, displacement; immediates; branch
 *   targets; far pointers) and REP/LOCK prefixes;
 * - `agree-invalid`: both refuse the bytes (iced invalid; xvc INVALID or #GP for exceeding the
 *   length limit). Lengths are not compared: a #UD reports the first byte, so its length is not
 *   architectural, and iced's length of an invalid instruction is only where its decoder stopped;
 * - `outside-model: <category>`: iced decodes an instruction whose CPUID feature xvc does not
 *   model (x87, MMX, SSE, AVX ...); xvc decodes INVALID (#UD/#NM) with the same length, marked
 *   unmodelled x87 or SIMD where the category is x87, MMX, SSE or 3DNow!;
 * - `later-than-model: <generation>`: the instruction (by iced's CPUID features, or by a 64/65/66/67
 *   prefix, which the 286 lacks) is newer than the model; xvc decodes INVALID (#UD);
 * - `too-long-for-model`: iced's instruction is longer than the model's limit (10 bytes on the
 *   286, cpu-model.ts) and xvc raises the length fault.
 * Differences (each is a failure unless an entry of known-differences.ts explains it, which turns
 * it into `documented-quirk: <id>`, `known-gap: <id>` or `open-bug: <id>`):
 * - `iced-invalid-we-valid`, `iced-valid-we-invalid`, `too-long` (xvc raises the length fault on
 *   an instruction iced decodes within the limit), `fault` (any other fault while decoding);
 * - `outside-model-we-valid: <category>`, `outside-model-length: <category>`,
 *   `outside-model-unmodelled: <category>` (an x87 or MMX/SSE/3DNow! opcode xvc decodes as INVALID
 *   without marking it unmodelled x87/SIMD, so CR0.TS would give #UD instead of #NM);
 * - `model-gating: <generation>`: xvc decodes a form on a model older than iced's generation;
 * - `length`, `form`, `operand:<field>` (operands.ts), `prefix:rep`, `prefix:lock`.
 *
 * Per form (every record of FORMS, decoded by both from a canonical encoding): `iced-code` (no
 * encoding decodes to the record's id in both decoders), `since` (against iced's CPUID features,
 * iced.ts), `flags-written` (the record's written minus undefined letters against iced's modified
 * minus undefined), `flags-undefined`, `flags-read` (letters `oszapcdi`: iced has no TF bit) and
 * `cpl0` (record `cpl: 0` against iced `OpCodeInfo.mustBeCpl0`).
 */

import {
  CpuFault,
  cpuModel,
  decodeBytes,
  FORMS,
  INVALID_FORM_INDEX,
  modelHas,
  SEG_NAMES,
  UNMODELLED_SIMD,
  UNMODELLED_X87,
  type CpuModel,
  type CpuModelName,
  type DecodeContext,
  type FormRecord,
  type Generation,
  type Insn,
} from '../../reference-emulator/index.ts';
import { COMPARABLE_FLAG_LETTERS, formatRequirement, icedCodeInfo, icedDecode, type Bitness, type IcedDecoded, type Requirement } from './iced.ts';
import { KNOWN_DECODE_DIFFERENCES, KNOWN_FORM_DIFFERENCES, knownClass, type KnownDecodeDifference, type KnownFormDifference } from './known-differences.ts';
import { compareOperands, formatOperands, ourOperands, type OperandDifference, type OperandSummary } from './operands.ts';

/** xvc's decoder, or a wrapper of it (the meta tests inject a mutated one). */
export type OurDecoder = (bytes: Uint8Array, ctx: DecodeContext, eip: number) => Insn;
export const xvcDecoder: OurDecoder = (bytes, ctx, eip) => decodeBytes(bytes, ctx, eip);

export interface DecodeCase {
  readonly bytes: Uint8Array;
  readonly bitness: Bitness;
  readonly model: CpuModelName;
  /** Offset of the first byte in the code segment (branch targets are relative to it). */
  readonly eip: number;
}

/** What xvc's decoder made of a case, in the oracle's terms. */
export interface OurDecoded {
  readonly valid: boolean;
  /** Set when decoding raised a fault (the length limit), with its vector. */
  readonly fault?: { readonly vector: number; readonly tooLong: boolean };
  readonly length: number;
  readonly form: string;
  /** For INVALID: the opcode exists but is not modelled ('x87', 'simd'). */
  readonly unmodelled?: 'x87' | 'simd';
  readonly operands: readonly OperandSummary[];
  readonly lock: boolean;
  readonly rep: number;
  /** Segment of the memory (or string-source) operand, iced's upper-case name; '' after a fault. */
  readonly segment: string;
  readonly addressBits: 16 | 32;
}

/** Everything a classification (and a known-difference matcher) sees. */
export interface DecodeView {
  readonly case: DecodeCase;
  readonly model: CpuModel;
  readonly ours: OurDecoded;
  readonly iced: IcedDecoded;
  /** What the instruction needs by iced's CPUID features. */
  readonly requirement: Requirement;
  /** 'i386' when a 64/65/66/67 prefix is part of the instruction (iced's length): the 286 #UDs on those bytes. */
  readonly prefixGeneration: Generation | undefined;
  readonly operandDiffs: readonly OperandDifference[];
}

export interface Verdict {
  /** The class; for an explained difference `documented-quirk: <id>`. */
  readonly cls: string;
  /** The class before a known difference explained it (equal to `cls` otherwise). */
  readonly raw: string;
  /** Agreement or an explained difference. */
  readonly allowed: boolean;
  /** One line: what each side decoded. */
  readonly detail: string;
  readonly quirk?: KnownDecodeDifference;
  readonly view: DecodeView;
}

const hexByte = (b: number): string => b.toString(16).padStart(2, '0');
export const hexBytes = (bytes: ArrayLike<number>, length = bytes.length): string => Array.from(bytes).slice(0, length).map(hexByte).join(' ');

/** Runs xvc's decoder (or `decoder`) on a case; a fault becomes an invalid result with the fault's vector. */
export function decodeOurs(c: DecodeCase, decoder: OurDecoder = xvcDecoder): OurDecoded {
  const model = cpuModel(c.model);
  let insn: Insn;
  try {
    insn = decoder(c.bytes, { code32: c.bitness === 32, model }, c.eip);
  } catch (error) {
    if (!(error instanceof CpuFault)) throw error;
    return {
      valid: false,
      fault: { vector: error.vector, tooLong: error.vector === model.tooLongVector },
      length: model.maxInstructionLength,
      form: 'INVALID',
      operands: [],
      lock: false,
      rep: 0,
      segment: '',
      addressBits: c.bitness,
    };
  }
  const form = FORMS[insn.form] as FormRecord;
  const valid = insn.form !== INVALID_FORM_INDEX;
  const unmodelled = insn.unmodelled === UNMODELLED_X87 ? 'x87' : insn.unmodelled === UNMODELLED_SIMD ? 'simd' : undefined;
  return {
    valid,
    length: insn.length,
    form: form.id,
    ...(unmodelled ? { unmodelled } : {}),
    operands: valid ? ourOperands(insn, form) : [],
    lock: insn.lock,
    rep: insn.rep,
    segment: (SEG_NAMES[insn.seg] ?? '').toUpperCase(),
    addressBits: insn.asz32 ? 32 : 16,
  };
}

/** Prefix bytes that exist only from the 386 on (FS, GS, operand size, address size). */
const PREFIXES_386 = new Set([0x64, 0x65, 0x66, 0x67]);
const LEGACY_PREFIX_BYTES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/** 'i386' when the instruction's legacy prefixes include 64, 65, 66 or 67 (the 286 has none of them); else undefined. */
export function prefixGeneration(bytes: Uint8Array, iced: IcedDecoded): Generation | undefined {
  for (let i = 0; i < iced.length && LEGACY_PREFIX_BYTES.has(bytes[i] ?? -1); i++) {
    if (PREFIXES_386.has(bytes[i] as number)) return 'i386';
  }
  return undefined;
}

/** One line: what each decoder made of the case, and the operand differences. */
function describeView(view: DecodeView): string {
  const { ours, iced } = view;
  const oursText = ours.fault
    ? `fault #${ours.fault.vector}${ours.fault.tooLong ? ' (length limit)' : ''}`
    : `${ours.form}${ours.unmodelled ? ` (${ours.unmodelled})` : ''} len ${ours.length}${ours.operands.length ? ` [${formatOperands(ours.operands)}]` : ''}`;
  const icedText = iced.valid
    ? `${iced.code} len ${iced.length}${iced.operands.length ? ` [${formatOperands(iced.operands)}]` : ''} (${formatRequirement(view.requirement)})`
    : `invalid (${iced.error}) len ${iced.length}`;
  const diffs = view.operandDiffs.map((d) => `op${d.index} ${d.field}: ${d.ours} vs ${d.iced}`).join('; ');
  return `ours ${oursText}; iced ${icedText}${diffs ? `; ${diffs}` : ''}`;
}

/** Forms that honour REP/REPNE (string instructions): only there is the prefix compared. */
const REP_FORMS: ReadonlySet<string> = new Set(FORMS.filter((f: FormRecord) => f.rep !== undefined).map((f: FormRecord) => f.id));

/**
 * The unmodelled kind xvc must give an x87 or legacy-encoded MMX/SSE/3DNow! instruction, so it
 * raises #NM under CR0.TS (and, for x87, CR0.EM) as hardware does (SDM Vol. 3A, Table 2-2 and
 * 13.1.4); undefined for other categories, which hardware without the feature reports as #UD.
 */
function expectedUnmodelled(category: string, encoding: string): 'x87' | 'simd' | undefined {
  if (category === 'x87') return 'x87';
  if ((category === 'mmx' || category === 'sse' || category === '3dnow') && (encoding === 'Legacy' || encoding === 'D3NOW')) return 'simd';
  return undefined;
}

/** The class of a view before known differences (see the file header). */
export function rawClass(view: DecodeView): string {
  const { ours, iced, model, requirement } = view;
  if (!iced.valid) return ours.valid ? 'iced-invalid-we-valid' : 'agree-invalid';
  if (ours.fault?.tooLong && iced.length > model.maxInstructionLength) return 'too-long-for-model';
  if (view.prefixGeneration !== undefined && !modelHas(model, view.prefixGeneration)) {
    return ours.valid ? `model-gating: ${view.prefixGeneration}` : `later-than-model: ${view.prefixGeneration}`;
  }
  if (requirement.kind === 'outside') {
    const category = requirement.category;
    if (ours.valid) return `outside-model-we-valid: ${category}`;
    if (ours.length !== iced.length || ours.fault) return `outside-model-length: ${category}`;
    const expected = expectedUnmodelled(category, iced.info.encoding);
    if (expected !== undefined && ours.unmodelled !== expected) return `outside-model-unmodelled: ${category}`;
    return `outside-model: ${category}`;
  }
  if (!modelHas(model, requirement.generation)) return ours.valid ? `model-gating: ${requirement.generation}` : `later-than-model: ${requirement.generation}`;
  if (ours.fault) return ours.fault.tooLong ? 'too-long' : 'fault';
  if (!ours.valid) return 'iced-valid-we-invalid';
  if (ours.length !== iced.length) return 'length';
  if (ours.form !== iced.code) return 'form';
  const first = view.operandDiffs[0];
  if (first) return `operand:${first.field}`;
  if (ours.lock !== iced.lock) return 'prefix:lock';
  if (REP_FORMS.has(ours.form) && ours.rep !== iced.rep) return 'prefix:rep';
  return 'agree';
}

/** Classes that are agreements by definition (no allow-list involved). */
export function isAgreement(cls: string): boolean {
  return (
    cls === 'agree' ||
    cls === 'agree-invalid' ||
    cls === 'too-long-for-model' ||
    cls.startsWith('outside-model: ') ||
    cls.startsWith('later-than-model: ')
  );
}

function classMatches(patterns: readonly string[], cls: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? cls.startsWith(p.slice(0, -1)) : p === cls));
}

/** Classifies a decoded pair: an agreement, an explained difference, or a failure. */
export function classify(view: DecodeView, known: readonly KnownDecodeDifference[] = KNOWN_DECODE_DIFFERENCES): Verdict {
  const raw = rawClass(view);
  const detail = describeView(view);
  if (isAgreement(raw)) return { cls: raw, raw, allowed: true, detail, view };
  const quirk = known.find((k) => classMatches(k.classes, raw) && k.matches(view, raw));
  if (quirk) return { cls: knownClass(quirk), raw, allowed: true, detail, quirk, view };
  return { cls: raw, raw, allowed: false, detail, view };
}

export interface CompareOptions {
  readonly decoder?: OurDecoder;
  readonly known?: readonly KnownDecodeDifference[];
}

/** Decodes `c` with iced and with xvc (or `options.decoder`) and classifies the pair. */
export function compareDecode(c: DecodeCase, options: CompareOptions = {}): Verdict {
  return compareWithIced(c, icedDecode(c.bytes, c.bitness, { ip: c.eip }), options);
}

/** As compareDecode, reusing an iced decoding of the same bytes, bitness and eip (the soak decodes once for several models). */
export function compareWithIced(c: DecodeCase, iced: IcedDecoded, options: CompareOptions = {}): Verdict {
  const ours = decodeOurs(c, options.decoder);
  const operandDiffs = ours.valid && iced.valid && ours.form === iced.code ? compareOperands(ours.operands, iced.operands) : [];
  const view: DecodeView = {
    case: c,
    model: cpuModel(c.model),
    ours,
    iced,
    requirement: iced.info.requirement,
    prefixGeneration: iced.valid ? prefixGeneration(c.bytes, iced) : undefined,
    operandDiffs,
  };
  return classify(view, options.known);
}

/** The models a case runs under: modern always; i386 too; i286 for 16-bit code only (it has no 32-bit segments). */
export function modelsFor(bitness: Bitness): CpuModelName[] {
  return bitness === 16 ? ['modern', 'i386', 'i286'] : ['modern', 'i386'];
}

// ---- per form ----

export type FormAspect = 'iced-code' | 'since' | 'flags-written' | 'flags-undefined' | 'flags-read' | 'cpl0';

export interface FormDisagreement {
  readonly form: string;
  readonly aspect: FormAspect;
  readonly ours: string;
  readonly iced: string;
  /** The allow-list entry that explains it, if any. */
  readonly known?: KnownFormDifference;
}

/** Keeps the comparable letters of a flag string, in `oszapcdi` order. */
export function normaliseFlags(letters: string): string {
  return [...COMPARABLE_FLAG_LETTERS].filter((l) => letters.includes(l)).join('');
}

const minus = (a: string, b: string): string => [...a].filter((l) => !b.includes(l)).join('');

/**
 * Encodings tried for a form's metadata check, most canonical first: the form's own code width,
 * ModRM.reg 4 (clear of PREFETCHh, NOP /0 and the CS of MOV Sreg) or its /digit, a register then
 * a memory operand, and immediates of 2 (a shift count above 1, so count-dependent flags take
 * their general value).
 */
export function canonicalFormBytes(form: FormRecord, bitness: Bitness, memory: boolean, reg = 4): Uint8Array {
  const bytes: number[] = [];
  const code32 = bitness === 32;
  if (form.osz !== undefined && (form.osz === 32) !== code32) bytes.push(0x66);
  if (form.mandatoryPrefix === 0x66 && bytes[0] !== 0x66) bytes.push(0x66);
  if (form.asz !== undefined && (form.asz === 32) !== code32) bytes.push(0x67);
  if (form.mandatoryPrefix === 0xf2 || form.mandatoryPrefix === 0xf3) bytes.push(form.mandatoryPrefix);
  if (form.map === '0f') bytes.push(0x0f);
  bytes.push(form.opcode + (form.plusReg ? 1 : 0));
  if (form.modrmByte !== undefined) bytes.push(form.modrmByte);
  else if (form.modrm !== 'none') {
    const regField = (form.ext ?? reg) << 3;
    const asz32 = (form.asz ?? bitness) === 32;
    bytes.push(memory ? regField | (asz32 ? 3 : 7) : 0xc0 | regField | 2);
  }
  while (bytes.length < 16) bytes.push(2);
  return Uint8Array.from(bytes);
}

/** A decoding of `form` in both decoders (modern model), or the iced Code names met when none is found. */
export function findFormEncoding(form: FormRecord): { bytes: Uint8Array; bitness: Bitness; iced: IcedDecoded } | { icedCodes: string[] } {
  const own: Bitness = (form.osz ?? form.asz ?? 16) === 32 ? 32 : 16;
  const seen = new Set<string>();
  for (const bitness of [own, own === 16 ? 32 : 16] as const) {
    // A `mod-ignored` record (MOV CRn/DRn) has no memory form: its register encoding is the one.
    for (const memory of form.modrm === 'mem' ? [true] : form.modrm === 'rm' ? [false, true] : [false]) {
      for (const reg of [4, 1, 3, 0]) {
        const bytes = canonicalFormBytes(form, bitness, memory, reg);
        const ours = decodeOurs({ bytes, bitness, model: 'modern', eip: 0 });
        if (ours.form !== form.id) continue;
        const iced = icedDecode(bytes, bitness);
        if (iced.code === form.id && iced.length === ours.length) return { bytes, bitness, iced };
        seen.add(iced.valid ? iced.code : 'INVALID');
      }
    }
  }
  return { icedCodes: [...seen] };
}

function knownFor(d: Omit<FormDisagreement, 'known'>, known: readonly KnownFormDifference[]): KnownFormDifference | undefined {
  return known.find((k) => k.form === d.form && k.aspect === d.aspect && k.ours === d.ours && k.iced === d.iced);
}

/** The disagreements between one record and iced's metadata for its `Code`. */
export function compareFormMetadata(form: FormRecord, known: readonly KnownFormDifference[] = KNOWN_FORM_DIFFERENCES): FormDisagreement[] {
  const raw: Omit<FormDisagreement, 'known'>[] = [];
  const found = findFormEncoding(form);
  if ('icedCodes' in found) {
    raw.push({ form: form.id, aspect: 'iced-code', ours: form.id, iced: found.icedCodes.join(',') || '(no encoding)' });
  } else {
    const info = icedCodeInfo(found.iced.code);
    const flags = found.iced.flags;
    const ourUndefined = normaliseFlags(form.flagsUndefined);
    const ourWritten = normaliseFlags(minus(form.flagsWritten, form.flagsUndefined));
    const ourRead = normaliseFlags(form.flagsRead);
    const push = (aspect: FormAspect, ours: string, iced: string): void => {
      if (ours !== iced) raw.push({ form: form.id, aspect, ours: ours || '-', iced: iced || '-' });
    };
    push('since', form.since, formatRequirement(info.requirement));
    push('flags-written', ourWritten, flags.written);
    push('flags-undefined', ourUndefined, flags.undefined);
    push('flags-read', ourRead, flags.read);
    push('cpl0', String(form.cpl === 0), String(info.cpl0Only));
  }
  return raw.map((d) => {
    const k = knownFor(d, known);
    return k ? { ...d, known: k } : d;
  });
}

export interface FormReport {
  readonly disagreements: readonly FormDisagreement[];
  /** Allow-list entries that matched nothing: stale, to be removed. */
  readonly stale: readonly KnownFormDifference[];
}

/** compareFormMetadata over every record of the table (INVALID aside). */
export function compareAllForms(known: readonly KnownFormDifference[] = KNOWN_FORM_DIFFERENCES): FormReport {
  const disagreements = FORMS.filter((_: FormRecord, i: number) => i !== INVALID_FORM_INDEX).flatMap((f: FormRecord) => compareFormMetadata(f, known));
  const used = new Set(disagreements.map((d) => d.known).filter((k) => k !== undefined));
  return { disagreements, stale: known.filter((k) => !used.has(k)) };
}
