// decoder/round-trip: encoder <-> decoder for every form of the instruction table, one instance
// per table group (decoder/round-trip~arith ...).
//
// Checked, for each record of the group, with fast-check varying the register
// numbers, the memory operand (every 16-bit addressing form, 32-bit base/index/scale, segment
// overrides, both address sizes), edge-valued immediates and displacements (0, -1, min, max and
// their neighbours, in signed and unsigned spelling), LOCK and REP/REPNE where the form has them,
// the branch displacement or target, and the code segment size (16- and 32-bit):
// - decode(encode(x)) is the same form with the encoder's length, and decodedOperands gives back
//   canonicalOperands(x);
// - a deliberately longer encoding of x (disp32 where disp8 would do, a needless SIB, the default
//   segment spelled out, every prefix doubled) and a list of hand-picked non-canonical byte strings
//   (among them MOV CRn/DRn with mod != 11b, which the hardware ignores) decode to the same form
//   and operands, and re-encoding them gives exactly the canonical bytes, never longer than the
//   input;
// - the canonical bytes are what iced-x86's encoder makes of iced's own decoding of them
//   (an independent oracle for "shortest" and for the prefix order), and iced names the same form;
// - the disassembler prints something other than `(bad)` for every canonical instruction.
// Operands whose bytes the table gives to a more specific form (XCHG EAX,EAX is 90 = NOP; a memory
// `nop Ev, Gv` at 0F 18 /0-/3 is PREFETCHh; 0F 1F /0 is `nop Ev`) must be refused by the encoder,
// and the decoder must indeed choose that other form; they are counted, not round-tripped.
// Oracles: the decoder (an independent reading of the same table), iced-x86 1.21.
// Left out: the INVALID pseudo-form (nothing to encode: its `it` checks the encoder refuses it);
// CPU models other than `modern` (the `since` gating is the decoder test's); x87/SIMD escapes.
// Seeds: each form uses the run's seed + its table index; the tier's budget is runs per form.
// The decoder under test comes from the subject (the embedded reference), so decoder mutants
// reach it; the encoder and the regression inputs use the library's own decoder.

import { expect } from 'chai';
import fc from 'fast-check';
import { Code, Decoder, DecoderOptions, Encoder, OpKind, Register } from 'iced-x86';
import { referenceDecoder, type DecodeBytes } from '../../harness/adapters/reference/index.ts';
import { fail, pass, type SuiteInstance } from '../../harness/suite/model.ts';
import { propertyVerdict } from '../../harness/suite/property.ts';
import {
  arithForms,
  controlForms,
  dataForms,
  shiftBitForms,
  stringIoForms,
  systemForms,
  canonicalOperands,
  CpuFault,
  cpuModel,
  decodeBytes,
  decodedOperands,
  disassemble,
  encode,
  EncodeError,
  FORMS,
  formOperands,
  INVALID_FORM_INDEX,
  MAX_INSTRUCTION_BYTES,
  regAllowed,
  type EncodeOperands,
  type EncodeVariant,
  type FormRecord,
  type Insn,
  type MemOperand,
  type OperandSpec,
} from '../../reference-emulator/index.ts';

const MODERN = cpuModel('modern');

const hex = (bytes: ArrayLike<number>): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.split(' ').map((b) => parseInt(b, 16)));
const formId = (insn: Insn): string => (FORMS[insn.form] as FormRecord).id;
const signExtend16 = (v: number): number => (v << 16) >> 16;

/**
 * Forms where iced-x86 decodes some generated operands differently, each with why. The entry
 * says which operand set is affected; anything else iced disagrees on fails the property.
 */
const ICED_DIFFERENCES: Readonly<Record<string, { readonly when: (ops: EncodeOperands) => boolean; readonly why: string }>> = {
  Mov_Sreg_rm16: { when: (ops) => ops.reg === 1, why: 'MOV CS,r/m16 (8E /1): iced decodes INVALID; xvc decodes the form and its handler raises #UD (record note, 286 corpus)' },
  Mov_Sreg_r32m16: { when: (ops) => ops.reg === 1, why: 'MOV CS,r/m16 (8E /1): iced decodes INVALID; xvc decodes the form and its handler raises #UD' },
};

// ---- the operand arbitrary, built from the form's operand strings ----

/** An integer in [min, max], biased to the edges 0, -1, min, max and their neighbours. */
function edgy(min: number, max: number, extra: readonly number[] = []): fc.Arbitrary<number> {
  const edges = [0, 1, -1, min, min + 1, max, max - 1, ...extra].filter((v) => v >= min && v <= max);
  return fc.oneof({ arbitrary: fc.constantFrom(...edges), weight: 1 }, { arbitrary: fc.integer({ min, max }), weight: 2 });
}

const INT32_ANY = edgy(-0x80000000, 0xffffffff, [0x7fffffff, 0x80000000, 0x7f, 0x80, -0x80, -0x81, 0xff, 0xffff, 0x8000]);
const DISP16 = edgy(-0x8000, 0xffff, [0x7f, 0x80, -0x80, -0x81, 0x7fff, 0xff80, 0xff7f]);
const DISP32 = edgy(-0x80000000, 0xffffffff, [0x7f, 0x80, -0x80, -0x81, 0x7fffffff, 0x80000000]);
const SEGMENT = fc.integer({ min: 0, max: 5 });
const GPR = fc.integer({ min: 0, max: 7 });

const mem16: fc.Arbitrary<MemOperand> = fc.oneof(
  fc.record({ disp: DISP16, segment: SEGMENT, addressSize: fc.constant(16 as const) }, { requiredKeys: ['disp', 'addressSize'] }),
  fc.record({ base: fc.constantFrom(3, 5, 6, 7), disp: DISP16, segment: SEGMENT, addressSize: fc.constant(16 as const) }, { requiredKeys: ['base', 'disp', 'addressSize'] }),
  // Either role order: the encoder takes [si+bx] as [bx+si].
  fc.record({ base: fc.constantFrom(3, 5, 6, 7), index: fc.constantFrom(3, 5, 6, 7), disp: DISP16, segment: SEGMENT, addressSize: fc.constant(16 as const) }, { requiredKeys: ['base', 'index', 'disp', 'addressSize'] })
    .filter((m) => (m.base! < 6) !== (m.index! < 6)),
);

const mem32: fc.Arbitrary<MemOperand> = fc.record(
  {
    base: GPR,
    index: fc.constantFrom(0, 1, 2, 3, 5, 6, 7),
    scale: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    disp: DISP32,
    segment: SEGMENT,
    addressSize: fc.constant(32 as const),
  },
  { requiredKeys: ['disp', 'addressSize'] },
).filter((m) => m.scale === undefined || m.index !== undefined);

const modrmMem = fc.oneof(mem16, mem32);

/** The encoder's operands, with the LOCK and REP prefixes drawn beside them instead of inside `prefixes`. */
type RawOperands = Omit<EncodeOperands, 'prefixes'> & {
  readonly lock?: boolean;
  readonly rep?: 'rep' | 'repne';
};

/** Raw operand fields for a form; `toCase` folds the size-dependent ones into range. */
function operandsArb(form: FormRecord): fc.Arbitrary<RawOperands> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  let immCount = 0;
  for (const spec of formOperands(form)) {
    switch (spec.kind) {
      case 'rm': {
        const canReg = spec.regSize !== undefined && form.modrm !== 'mem';
        const canMem = spec.memSize !== undefined && form.modrm !== 'reg';
        if (canReg && canMem) {
          fields['rmOrMem'] = fc.oneof(GPR.map((rm) => ({ rm })), modrmMem.map((mem) => ({ mem })));
        } else if (canMem) {
          fields['rmOrMem'] = modrmMem.map((mem) => ({ mem }));
        } else {
          fields['rmOrMem'] = GPR.map((rm) => ({ rm }));
        }
        break;
      }
      case 'reg':
        // Only the registers the record has: MOV CRn's regMask leaves out CR1 and CR5-CR7, whose
        // bytes are INVALID (the encoder refuses them; suites/unit/encoder checks that).
        fields['reg'] = spec.bank === 'sreg' ? SEGMENT : form.regMask === undefined ? GPR : fc.constantFrom(...[0, 1, 2, 3, 4, 5, 6, 7].filter((r) => regAllowed(form, r)));
        break;
      case 'opreg':
        fields['reg'] = GPR;
        break;
      case 'imm': {
        const name = immCount++ === 0 ? 'imm' : 'imm2';
        fields[name] =
          spec.size === 'b' ? edgy(-0x80, 0xff, [0x7f, 0x80]) :
          spec.size === 'bs' ? edgy(-0x80, 0x7f) :
          spec.size === 'w' ? edgy(-0x8000, 0xffff, [0x7fff, 0x8000]) :
          INT32_ANY;
        break;
      }
      case 'farptr':
        fields['imm'] = INT32_ANY;
        fields['imm2'] = edgy(0, 0xffff);
        immCount += 2;
        break;
      case 'rel':
        fields['jump'] = fc.oneof(
          (spec.size === 'b' ? edgy(-0x80, 0x7f) : INT32_ANY).map((rel) => ({ rel })),
          edgy(0, 0xffffffff, [0xffff, 0x10000]).map((target) => ({ target })),
        );
        break;
      case 'moffs':
        fields['mem'] = fc.record(
          { disp: DISP32, segment: SEGMENT, addressSize: fc.constantFrom(16 as const, 32 as const) },
          { requiredKeys: ['disp', 'addressSize'] },
        );
        break;
      case 'string': {
        const hasSource = formOperands(form).some((s) => s.kind === 'string' && s.role === 'src');
        fields['mem'] = fc.record(
          { segment: hasSource ? SEGMENT : fc.constant(0), addressSize: fc.constantFrom(16 as const, 32 as const) },
          { requiredKeys: ['addressSize'] },
        );
        break;
      }
      default:
        break;
    }
  }
  if (form.lockable === true) fields['lock'] = fc.boolean();
  if (form.rep !== undefined) fields['rep'] = fc.constantFrom(undefined, 'rep' as const, 'repne' as const);
  return fc.record(fields).map((r) => {
    const { rmOrMem, jump, lock, rep, ...rest } = r as Record<string, unknown>;
    return { ...rest, ...(rmOrMem as object | undefined), ...(jump as object | undefined), ...(lock === true ? { lock } : {}), ...(rep !== undefined ? { rep } : {}) } as RawOperands;
  });
}

const variantArb: fc.Arbitrary<EncodeVariant> = fc.record(
  { wideDisp: fc.boolean(), sib: fc.boolean(), explicitSegment: fc.boolean(), repeatPrefixes: fc.boolean() },
  { requiredKeys: [] },
);

/** One generated case; `raw` replaces the variant encoding by given bytes (regression examples). */
interface Case {
  readonly code32: boolean;
  readonly eip: number;
  readonly ops: EncodeOperands;
  readonly variant: EncodeVariant;
  readonly raw?: Uint8Array;
}

function effectiveOsz(form: FormRecord, code32: boolean): 16 | 32 {
  return form.osz ?? (code32 ? 32 : 16);
}

/** Folds a 32-bit-ranged value into a 16-bit field's accepted range (idempotent on values in range). */
const fold16 = (v: number): number => (v >= -0x8000 && v <= 0xffff ? v : v & 0xffff);

/** Raw fields -> encoder operands, valid for the form in this code size (idempotent, so it has an inverse on its image). */
function toOperands(form: FormRecord, code32: boolean, eip: number, raw: RawOperands): EncodeOperands {
  const osz = effectiveOsz(form, code32);
  const specs = formOperands(form);
  const out: { -readonly [K in keyof EncodeOperands]: EncodeOperands[K] } = {};
  if (raw.reg !== undefined) out.reg = raw.reg;
  if (raw.rm !== undefined) out.rm = raw.rm;
  if (raw.mem !== undefined) {
    const isMoffs = specs.some((s) => s.kind === 'moffs');
    out.mem = isMoffs && raw.mem.addressSize === 16 && raw.mem.disp !== undefined ? { ...raw.mem, disp: fold16(raw.mem.disp) } : raw.mem;
  }
  const immSpecs = specs.filter((s): s is Extract<OperandSpec, { kind: 'imm' | 'farptr' }> => s.kind === 'imm' || s.kind === 'farptr');
  const wide = (s: OperandSpec | undefined): boolean => s !== undefined && (s.kind === 'farptr' || (s.kind === 'imm' && (s.size === 'z' || s.size === 'v')));
  if (raw.imm !== undefined) out.imm = osz === 16 && wide(immSpecs[0]) ? fold16(raw.imm) : raw.imm;
  if (raw.imm2 !== undefined) out.imm2 = raw.imm2;
  const rel = specs.find((s): s is Extract<OperandSpec, { kind: 'rel' }> => s.kind === 'rel');
  if (rel !== undefined && raw.rel !== undefined) out.rel = rel.size === 'z' && osz === 16 && (raw.rel < -0x8000 || raw.rel > 0xffff) ? signExtend16(raw.rel) : raw.rel;
  if (rel !== undefined && raw.target !== undefined) {
    const mask = osz === 32 ? 0xffffffff : 0xffff;
    let target = raw.target > mask ? raw.target & mask : raw.target;
    if (rel.size === 'b') {
      // rel8 reaches about 100 bytes either way from eip whatever the instruction's length.
      const distance = osz === 32 ? (target - eip) | 0 : signExtend16(target - eip);
      if (distance < -100 || distance > 100) target = (eip + (target % 201) - 100) & mask;
      target >>>= 0;
    }
    out.target = target;
  }
  if (raw.lock === true && raw.mem !== undefined) out.prefixes = { lock: true };
  if (raw.rep !== undefined) out.prefixes = { ...out.prefixes, rep: raw.rep };
  return out;
}

function fromOperands(ops: EncodeOperands): RawOperands {
  const { prefixes, ...rest } = ops;
  return { ...rest, ...(prefixes?.lock === true ? { lock: true } : {}), ...(prefixes?.rep !== undefined ? { rep: prefixes.rep } : {}) };
}

/**
 * The case arbitrary: `tuple(...).map(mapper, unmapper)`. The unmapper inverts the mapper (and,
 * for a case given as raw bytes, decodes them), so fast-check can shrink the hand-written
 * examples as well as generated values.
 */
function caseArb(form: FormRecord): fc.Arbitrary<Case> {
  const eipArb: fc.Arbitrary<number> = fc.constantFrom(0, 0x1000, 0x7ffe, 0xfff0, 0x7ffffff0, 0xfffffff0);
  return fc.tuple(fc.boolean(), eipArb, operandsArb(form), variantArb).map(
    ([code32, eip, raw, variant]): Case => {
      const ip = code32 ? eip : eip & 0xffff;
      return { code32, eip: ip, ops: toOperands(form, code32, ip, raw), variant };
    },
    (value: unknown): [boolean, number, RawOperands, EncodeVariant] => {
      const c = value as Case;
      if (c.raw !== undefined) {
        const insn = decodeBytes(c.raw, { code32: c.code32, model: MODERN }, c.eip);
        return [c.code32, c.eip, fromOperands(decodedOperands(insn)), {}];
      }
      return [c.code32, c.eip, fromOperands(c.ops), c.variant];
    },
  );
}

/** Non-canonical byte strings worth keeping as regression inputs, by code size. */
const REGRESSION_INPUTS: ReadonlyArray<readonly [boolean, string]> = [
  [true, '8b 04 20'], // SIB with no index and no need for one: [eax]
  [true, '8b 04 60'], // the same with scale bits set under index 100
  [true, '8b 44 20 00'], // SIB and a zero disp8
  [true, '8b 80 00 00 00 00'], // a zero disp32
  [true, '8b 04 25 10 00 00 00'], // SIB without base or index: [0x10]
  [true, '3e 8b 00'], // DS override on a DS operand
  [true, '36 8b 04 24'], // SS override on [esp]
  [true, '26 26 8b 00'], // a repeated prefix
  [true, '66 66 8b 00'], // 66 twice is 66 once
  [true, 'f3 01 00'], // REP on a form without REP semantics
  [true, '2e 74 00'], // a branch hint
  [true, '3e a4'], // DS override on MOVS
  [true, '2e aa'], // an override on STOS, whose ES:[EDI] cannot be overridden
  [true, 'f2 f3 a4'], // the last of F2/F3 wins
  [true, 'f0 f0 01 00'], // LOCK twice
  [false, '8b 86 00 00'], // [bp] with a zero disp16
  [false, '8b 40 00'], // [bx+si] with a zero disp8
  [false, '36 8b 46 00'], // SS override on [bp]
  [false, '8b 80 ff ff'], // [bx+si-1] as a disp16
  [true, '0f 20 04'], // MOV ESP,CR0 with mod 00 (ignored: no SIB byte follows)
  [true, '0f 23 7d'], // MOV DR7,EBP with mod 01 (ignored: no disp8 follows)
  [false, '0f 22 86'], // MOV CR0,ESI with mod 10 in 16-bit code (ignored: no disp16 follows)
  [false, '0f 21 06'], // MOV ESI,DR0 with mod 00 rm 110 in 16-bit code (ignored: no disp16)
];

function regressionExamples(form: FormRecord): Case[] {
  const out: Case[] = [];
  for (const [code32, text] of REGRESSION_INPUTS) {
    const raw = fromHex(text);
    const insn = decodeBytes(raw, { code32, model: MODERN }, 0x1000);
    if (formId(insn) !== form.id) continue;
    out.push({ code32, eip: 0x1000, ops: decodedOperands(insn), variant: {}, raw });
  }
  return out;
}

// ---- iced-x86 as the oracle ----

interface IcedView {
  readonly code: string;
  /** iced's own re-encoding, with the displacement size left to its encoder. */
  readonly reencoded: string;
}

/**
 * iced's reading of the bytes. 0F 18-1F: iced names PREFETCHh, NOP Ev and the post-P6 hints
 * (CLDEMOTE ...) by default and every one a reserved NOP under ForceReservedNop; xvc models the
 * P6-era split (data.ts header), so the form iced gives under either option counts.
 */
function icedView(bytes: Uint8Array, code32: boolean, eip: number, expected: string): IcedView {
  const first = icedViewWith(bytes, code32, eip, DecoderOptions.None);
  return first.code === expected ? first : icedViewWith(bytes, code32, eip, DecoderOptions.ForceReservedNop);
}

function icedViewWith(bytes: Uint8Array, code32: boolean, eip: number, options: number): IcedView {
  const bits = code32 ? 32 : 16;
  const decoder = new Decoder(bits, bytes, options);
  decoder.ip = BigInt(eip);
  const instr = decoder.decode();
  const code = Code[instr.code] ?? String(instr.code);
  let reencoded = '';
  if (code !== 'INVALID') {
    for (let op = 0; op < instr.opCount; op++) {
      // A ModRM memory operand with a register: let iced choose no displacement, disp8 or the full size.
      if (instr.opKind(op) === OpKind.Memory && (instr.memoryBase !== Register.None || instr.memoryIndex !== Register.None)) {
        instr.memoryDisplSize = instr.memoryDisplacement !== 0n ? 1 : 0;
      }
    }
    const encoder = new Encoder(bits);
    try {
      encoder.encode(instr, BigInt(eip));
      reencoded = hex(encoder.takeBuffer());
    } catch (e) {
      reencoded = `iced cannot encode it: ${(e as Error).message}`;
    }
    encoder.free();
  }
  instr.free();
  decoder.free();
  return { code, reencoded };
}

// ---- the property ----

/** decodeBytes, with a fault (the decoder ran past the bytes, or past 15) turned into a readable failure. */
function decodeChecked(decode: DecodeBytes, bytes: Uint8Array, code32: boolean, eip: number, what: string): Insn {
  try {
    return decode(bytes, { code32, model: MODERN }, eip);
  } catch (e) {
    if (e instanceof CpuFault) throw new Error(`${what}: decoding ${hex(bytes)} raised vector ${e.vector} (it reads past the encoded bytes or the 15-byte limit)`);
    throw e;
  }
}

interface Tally {
  cases: number;
  shadowed: number;
  icedDiffers: number;
  /** Inputs longer than the canonical bytes (the variant or regression bytes were non-canonical). */
  longer: number;
}


const isShadowError = (e: unknown): e is EncodeError => e instanceof EncodeError && e.message.includes('which the table assigns to');

function checkCase(decode: DecodeBytes, form: FormRecord, c: Case, tally: Tally, shadowedForms: Set<string>): void {
  const ctx = { code32: c.code32, eip: c.eip };
  const dctx = { code32: c.code32, model: MODERN };
  const where = `${form.id} in ${c.code32 ? 32 : 16}-bit code at ${c.eip.toString(16)}, operands ${JSON.stringify(c.ops)}`;
  let canonical: Uint8Array;
  try {
    canonical = encode(form, c.ops, ctx);
  } catch (e) {
    if (!isShadowError(e)) throw e;
    // The encoder says another form owns these bytes: the decoder must agree.
    const bytes = encode(form, c.ops, ctx, { unchecked: true });
    const other = formId(decode(bytes, dctx, c.eip));
    expect(other, `${where}: the encoder refused ${hex(bytes)} as shadowed (${e.message}), but the decoder reads it as`).to.not.equal(form.id);
    expect(e.message, `${where}: shadowing form`).to.include(other);
    tally.shadowed++;
    shadowedForms.add(`${form.id} -> ${other}`);
    return;
  }
  tally.cases++;
  const expected = canonicalOperands(form, c.ops, ctx);
  const insn = decodeChecked(decode, canonical, c.code32, c.eip, where);
  const what = `${where}, canonical ${hex(canonical)} (${disassemble(insn, c)})`;
  expect(formId(insn), `${what}: form`).to.equal(form.id);
  expect(insn.length, `${what}: length`).to.equal(canonical.length);
  const operands = decodedOperands(insn);
  expect(operands, `${what}: decoded operands ${JSON.stringify(operands)}, expected ${JSON.stringify(expected)}`).to.deep.equal(expected);
  expect(disassemble(insn, c), `${what}: disassembly`).to.not.equal('(bad)');

  // A longer spelling of the same instruction, or the given regression bytes. It takes the
  // canonical operands, where a `target` has become `rel`: a longer instruction ends elsewhere.
  let input = c.raw;
  if (input === undefined) {
    try {
      input = encode(form, expected, ctx, c.variant);
    } catch (e) {
      if (!(e instanceof EncodeError && e.message.includes(`limit is ${MAX_INSTRUCTION_BYTES}`))) throw e;
      input = canonical;
    }
  }
  const insn2 = decodeChecked(decode, input, c.code32, c.eip, where);
  const what2 = `${where}, input ${hex(input)} (variant ${JSON.stringify(c.variant)})`;
  expect(formId(insn2), `${what2}: form`).to.equal(form.id);
  expect(insn2.length, `${what2}: length`).to.equal(input.length);
  const operands2 = decodedOperands(insn2);
  expect(operands2, `${what2}: decoded operands ${JSON.stringify(operands2)}, expected ${JSON.stringify(expected)}`).to.deep.equal(expected);
  const again = encode(form, operands2, ctx);
  expect(hex(again), `${what2}: re-encoding`).to.equal(hex(canonical));
  expect(again.length, `${what2}: re-encoding length`).to.be.at.most(input.length);
  if (input.length > canonical.length) tally.longer++;

  const iced = icedView(canonical, c.code32, c.eip, form.id);
  const known = ICED_DIFFERENCES[form.id];
  if (known !== undefined && known.when(c.ops)) {
    tally.icedDiffers++;
    return;
  }
  expect(iced.code, `${what}: iced-x86's form`).to.equal(form.id);
  expect(iced.reencoded, `${what}: iced-x86's re-encoding`).to.equal(hex(canonical));
}

/** One instance per table group; the INVALID pseudo-form is checked to be unencodable. */
const GROUPS: ReadonlyArray<readonly [string, readonly FormRecord[]]> = [
  ['arith', arithForms], ['shift-bit', shiftBitForms], ['control', controlForms],
  ['data', dataForms], ['string-io', stringIoForms], ['system', systemForms],
];

function groupInstance(group: string, forms: readonly FormRecord[]): SuiteInstance {
  return {
    name: `decoder/round-trip~${group}`,
    tags: ['decoder', 'encoder', 'round-trip', 'iced-x86', 'property'],
    needs: { reference: true },
    budget: { quick: 60, full: 600, soak: 6000 },
    ...(group === 'arith' ? { kills: ['decoder-length-01-plus-one', 'decoder-disp8-sign-flipped', 'decoder-adc-as-sbb'] } : {}),
    async run(subjects, ctx) {
      const subject = await subjects();
      const decode = referenceDecoder(subject);
      await subject.close();
      const total: Tally = { cases: 0, shadowed: 0, icedDiffers: 0, longer: 0 };
      const shadowedForms = new Set<string>();
      for (const form of forms) {
        const index = (FORMS as readonly FormRecord[]).indexOf(form);
        const tally: Tally = { cases: 0, shadowed: 0, icedDiffers: 0, longer: 0 };
        const examples = regressionExamples(form).map((c) => [c] as [Case]);
        const verdict = propertyVerdict(fc.property(caseArb(form), (c) => checkCase(decode, form, c, tally, shadowedForms)), { seed: ctx.seed + index, numRuns: ctx.runs, examples });
        if (verdict.outcome !== 'pass') return { ...verdict, reason: `${form.id} (seed ${ctx.seed + index}): ${verdict.reason ?? ''}` };
        // Not vacuous: most cases must round-trip rather than be refused as another form's bytes.
        if (tally.cases < Math.ceil(ctx.runs / 2)) return fail(`${form.id}: only ${tally.cases} of ${ctx.runs} cases round-tripped (${tally.shadowed} shadowed, ${tally.icedDiffers} iced differences)`);
        for (const key of ['cases', 'shadowed', 'icedDiffers', 'longer'] as const) total[key] += tally[key];
      }
      ctx.log(`round-trip~${group}: ${forms.length} forms, ${total.cases} cases round-tripped, ${total.longer} from a longer input, ${total.shadowed} shadowed (${[...shadowedForms].sort().join(', ') || 'none'}), ${total.icedDiffers} known iced differences`);
      if (total.longer < total.cases / 10) return fail(`round-trip~${group}: only ${total.longer} of ${total.cases} inputs were longer than the canonical bytes (the variants were not exercised)`);
      return pass(total.cases, { forms: forms.length, ...total, shadowedForms: [...shadowedForms].sort() });
    },
  };
}

export const instances: readonly SuiteInstance[] = [
  ...GROUPS.map(([group, forms]) => groupInstance(group, forms)),
  {
    name: 'decoder/round-trip~invalid',
    tags: ['encoder'],
    needs: { reference: true },
    budget: { quick: 1, full: 1, soak: 1 },
    async run() {
      // The pseudo-form of undecodable bytes has nothing to encode: the encoder must refuse it.
      try {
        encode(FORMS[INVALID_FORM_INDEX]!, {}, { code32: true });
      } catch (e) {
        if (e instanceof EncodeError && /INVALID pseudo-form has no encoding/.test(e.message)) return pass(1);
        throw e;
      }
      return fail('the encoder encoded the INVALID pseudo-form');
    },
  },
];
