/**
 * The table check each instruction group runs on its records (reference-emulator/isa/forms/),
 * against iced-x86 as the independent decoder.
 *
 * `checkFormRecords(records, options)` adds, inside the caller's `describe`, one test per record:
 * every canonical encoding of the record (in 16- and in 32-bit code, with 66/67 where the
 * record's sizes differ from the code's; with a register and, for `rm` records, also a memory
 * operand) decodes in xvc (modern model) to exactly that record with the full length, and in
 * iced-x86 to the `Code` of the same name with the same length; the record has a handler and a
 * table index. Where the caller asks, the test also compares the mnemonic, the written,
 * undefined and read flags, and `since` with iced's CPUID feature; these are options because
 * the groups' records do not all follow iced there (each call says why it leaves one out).
 * A second test per record with a `since` later than the oldest model: every older model decodes
 * each encoding to INVALID (#UD), or, for records whose bytes mean another form on older CPUs,
 * to anything but the record; and the 286, which has no 32-bit code segments, does not find the
 * record in the 32-bit encodings read as 16-bit code either.
 *
 * Oracle: iced-x86 1.21 (its tables are not derived from ours) and each record's own `since`.
 * Canonical encodings (SDM Vol. 2A, 2.1): ModRM reg field = the /digit or 4 (4 keeps the
 * reserved NOPs 0F 18-1F clear of PREFETCHh /0-3 and NOP Ev /0, and the MOV Sreg forms on FS),
 * register operand 2 (DL/DX/EDX), memory operand [BX] or [EBX], +r register 1 (90+0 is NOP,
 * not XCHG), immediates and offsets 0x11, 0x22, ...
 */

import { expect } from 'chai';
import { Code, CpuidFeature, Decoder, DecoderOptions, Mnemonic } from 'iced-x86';
import { icedFlagLetters } from '../../harness/oracle/iced.ts';
import {
  CPU_MODEL_NAMES,
  cpuModel,
  decodeBytes,
  FORMS,
  formIndex,
  generationRank,
  HANDLERS,
  INVALID_FORM_INDEX,
  type CpuModelName,
  type FormRecord,
  type Generation,
} from '../../reference-emulator/index.ts';

export type CodeBits = 16 | 32;

/** One canonical encoding of a record, and the code-segment width it is meant for. */
export interface Encoding {
  readonly bits: CodeBits;
  readonly bytes: readonly number[];
}

export interface FormCheckOptions {
  /** Also compare the record's mnemonic with iced's (case aside). */
  readonly mnemonic?: boolean;
  /** Also compare the written, undefined and read flags with iced's instruction info. */
  readonly flags?: boolean;
  /** Also compare `since` with the generation of iced's one CPUID feature (INTEL8086 ... 486). */
  readonly generation?: boolean;
  /**
   * Records whose encodings decode to another form, not INVALID, on models older than `since`,
   * with the reason: for them the older models only must not decode the record itself.
   */
  readonly olderModelsDecodeOtherForm?: Readonly<Record<string, string>>;
}

/** Register numbers and ModRM fields of the canonical encodings (SDM Vol. 2A, Tables 2-1 and 2-2). */
const PLUS_REG = 1;
const REG_FIELD_DEFAULT = 4;
const RM_REGISTER = 2;
const RM_MEM16_BX = 7;
const RM_MEM32_EBX = 3;

/** The code width that makes a record's own sizes the defaults: its osz, else its asz, else 16. */
export function ownCodeBits(f: FormRecord): CodeBits {
  return (f.osz ?? f.asz ?? 16) === 32 ? 32 : 16;
}

/** The canonical bytes of `f` in `bits`-bit code, with a register or a memory ModRM operand. */
export function canonicalEncoding(f: FormRecord, bits: CodeBits, operand: 'register' | 'memory'): number[] {
  const osz32 = (f.osz ?? bits) === 32;
  const asz32 = (f.asz ?? bits) === 32;
  const bytes: number[] = [];
  if (osz32 !== (bits === 32)) bytes.push(0x66);
  if (asz32 !== (bits === 32)) bytes.push(0x67);
  if (f.mandatoryPrefix !== undefined) bytes.push(f.mandatoryPrefix);
  if (f.map === '0f') bytes.push(0x0f);
  bytes.push(f.opcode + (f.plusReg ? PLUS_REG : 0));
  if (f.modrm !== 'none') {
    const reg = (f.ext ?? REG_FIELD_DEFAULT) << 3;
    bytes.push(operand === 'memory' ? reg | (asz32 ? RM_MEM32_EBX : RM_MEM16_BX) : 0xc0 | reg | RM_REGISTER);
  }
  let fill = 0x11;
  const imm = (count: number): void => {
    for (let k = 0; k < count; k++, fill += 0x11) bytes.push(fill & 0xff);
  };
  for (const code of f.operands) {
    if (code === 'Ib' || code === 'Ibs' || code === 'Jb') imm(1);
    else if (code === 'Iw') imm(2);
    else if (code === 'Iz' || code === 'Iv' || code === 'Jz') imm(osz32 ? 4 : 2);
    else if (code === 'Ob' || code === 'Ov') imm(asz32 ? 4 : 2);
    else if (code === 'Ap') imm(osz32 ? 6 : 4);
  }
  return bytes;
}

/** Every canonical encoding of `f`: its own code width first, register operand first. */
export function canonicalEncodings(f: FormRecord): Encoding[] {
  const own = ownCodeBits(f);
  const operands = f.modrm === 'mem' ? (['memory'] as const) : f.modrm === 'rm' ? (['register', 'memory'] as const) : (['register'] as const);
  const out: Encoding[] = [];
  for (const bits of [own, own === 16 ? 32 : 16] as const) for (const operand of operands) out.push({ bits, bytes: canonicalEncoding(f, bits, operand) });
  return out;
}

export const hexBytes = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');

const letters = (bits: number): string => [...icedFlagLetters(bits)].sort().join('');
const sorted = (s: string): string => [...s].sort().join('');

const GENERATION_OF_FEATURE: Partial<Record<number, Generation>> = {
  [CpuidFeature.INTEL8086]: 'i8086',
  [CpuidFeature.INTEL186]: 'i186',
  [CpuidFeature.INTEL286]: 'i286',
  [CpuidFeature.INTEL386]: 'i386',
  [CpuidFeature.INTEL486]: 'i486',
};

/** What iced-x86 makes of the first instruction in `bytes`. */
export interface IcedView {
  code: string;
  length: number;
  mnemonic: string;
  written: string;
  undefinedFlags: string;
  read: string;
  generation: Generation | undefined;
}

export function icedDecode(bytes: readonly number[], bits: CodeBits): IcedView {
  const decoder = new Decoder(bits, new Uint8Array(bytes), DecoderOptions.None);
  const insn = decoder.decode();
  const features = [...insn.cpuidFeatures()];
  const view = {
    code: Code[insn.code] ?? `Code ${insn.code}`,
    length: insn.length,
    mnemonic: Mnemonic[insn.mnemonic] ?? `Mnemonic ${insn.mnemonic}`,
    written: letters(insn.rflagsModified & ~insn.rflagsUndefined),
    undefinedFlags: letters(insn.rflagsUndefined),
    read: letters(insn.rflagsRead),
    generation: features.length === 1 ? GENERATION_OF_FEATURE[features[0]!] : undefined,
  };
  insn.free();
  decoder.free();
  return view;
}

const formIdAt = (index: number): string => (FORMS[index] as FormRecord).id;

/** The models whose generation is older than the record's `since`, oldest first. */
export function modelsBefore(f: FormRecord): CpuModelName[] {
  return CPU_MODEL_NAMES.filter((name) => generationRank(cpuModel(name).generation) < generationRank(f.since));
}

/** Adds the per-record table tests (see the file header) to the enclosing `describe`. */
export function checkFormRecords(records: readonly FormRecord[], options: FormCheckOptions = {}): void {
  const handlers = HANDLERS as Partial<Record<string, unknown>>;
  for (const f of records) {
    const encodings = canonicalEncodings(f);
    const first = encodings[0]!;
    const more = encodings.length - 1;
    const shown = `${hexBytes(first.bytes)} (${first.bits}-bit code) and ${more} more encoding${more === 1 ? '' : 's'}`;
    const also = [
      options.flags ? `flags w=${f.flagsWritten || '-'} u=${f.flagsUndefined || '-'} r=${f.flagsRead || '-'}` : '',
      options.generation ? `since ${f.since}` : '',
    ].filter((s) => s !== '').join(', ');
    it(`${f.id}: ${shown} decode to ${f.id} at full length in xvc and iced-x86${also ? `, ${also}` : ''}`, () => {
      expect(Code, 'iced Code').to.have.property(f.id);
      expect(handlers[f.id], 'handler').to.be.a('function');
      expect(formIndex(f.id), 'table index').to.be.greaterThan(INVALID_FORM_INDEX);
      for (const { bits, bytes } of encodings) {
        const where = `${hexBytes(bytes)} in ${bits}-bit code`;
        const insn = decodeBytes(bytes, { code32: bits === 32, model: cpuModel('modern') });
        expect(formIdAt(insn.form), `xvc form for ${where}`).to.equal(f.id);
        expect(insn.length, `xvc length for ${where}`).to.equal(bytes.length);
        const iced = icedDecode(bytes, bits);
        expect(iced.code, `iced Code for ${where}`).to.equal(f.id);
        expect(iced.length, `iced length for ${where}`).to.equal(bytes.length);
        if (options.mnemonic) expect(iced.mnemonic.toLowerCase(), `iced mnemonic for ${where}`).to.equal(f.mnemonic);
        if (options.flags) {
          expect(iced.written, `flags written, ${where}`).to.equal(sorted(f.flagsWritten));
          expect(iced.undefinedFlags, `flags undefined, ${where}`).to.equal(sorted(f.flagsUndefined));
          expect(iced.read, `flags read, ${where}`).to.equal(sorted(f.flagsRead));
        }
        if (options.generation) expect(iced.generation, `generation, ${where}`).to.equal(f.since);
      }
    });

    const older = modelsBefore(f);
    if (older.length === 0) continue;
    const otherForm = options.olderModelsDecodeOtherForm?.[f.id];
    const outcome = otherForm === undefined ? 'to INVALID' : `to another form (${otherForm})`;
    const models = older.length === 1 ? `the ${older[0]!} model decodes` : `the ${older.join(', ')} models decode`;
    it(`${f.id}: since ${f.since}, so ${models} ${shown} ${outcome}`, () => {
      for (const name of older) {
        for (const { bits, bytes } of encodings) {
          const where = `${hexBytes(bytes)} in ${bits}-bit code on ${name}`;
          const id = formIdAt(decodeBytes(bytes, { code32: bits === 32, model: cpuModel(name) }).form);
          if (otherForm === undefined) expect(id, where).to.equal('INVALID');
          else expect(id, where).to.not.equal(f.id);
          if (bits === 32 && name === 'i286') {
            const as16 = formIdAt(decodeBytes(bytes, { code32: false, model: cpuModel(name) }).form);
            expect(as16, `${hexBytes(bytes)} read as 16-bit code on i286`).to.not.equal(f.id);
          }
        }
      }
    });
  }
}
