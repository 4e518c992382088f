// Unit tests for harness/oracle/compare-decoder.ts and known-differences.ts: how a byte sequence
// is classified, and how a table record's metadata is compared with iced's.
//
// Checked: each agreement class on a hand-picked sequence (agree, agree-invalid, outside-model,
// later-than-model by CPUID feature and by a 386-only prefix on the 286, too-long-for-model);
// each difference class, produced by wrapping xvc's decoder in a deliberate mutation (length,
// form, every operand field, LOCK/REP, validity both ways, the length fault, model gating,
// outside-model validity, length and x87/SIMD marking), and that none of them is allowed; every allow-list entry
// against its own example (it explains it, and without the allow-list the case is a difference
// of one of the entry's classes), and that a matcher is not fooled by a mutation next to its
// quirk; per-form comparison of since, flags and CPL on altered copies of records, an unknown id,
// stale allow-list entries; the models a case runs under; the 386-only prefix rule.
// Oracle: iced-x86 1.21 and the SDM facts quoted in the titles.
// Left out: random cases (suites/property/decoder-oracle.test.ts, `npm run decoder:soak`).

import { expect } from 'chai';
import {
  CpuFault,
  cpuModel,
  decodeBytes,
  formById,
  formIndex,
  INVALID_FORM_INDEX,
  SEG_ES,
  UNMODELLED_X87,
  type FormRecord,
  type Insn,
} from '../../../../reference-emulator/index.ts';
import {
  compareAllForms,
  compareDecode,
  compareFormMetadata,
  isAgreement,
  modelsFor,
  prefixGeneration,
  type DecodeCase,
  type OurDecoder,
} from '../../../../harness/oracle/compare-decoder.ts';
import { icedCodeInfo, icedDecode, type Bitness } from '../../../../harness/oracle/iced.ts';
import { KNOWN_DECODE_DIFFERENCES, KNOWN_FORM_DIFFERENCES, knownClass } from '../../../../harness/oracle/known-differences.ts';
import type { CpuModelName } from '../../../../reference-emulator/index.ts';

const bytes = (hex: string): Uint8Array => {
  const out = new Uint8Array(16);
  hex.split(' ').forEach((b, i) => void (out[i] = parseInt(b, 16)));
  return out;
};
const at = (hex: string, bitness: Bitness = 32, model: CpuModelName = 'modern', eip = 0x1000): DecodeCase => ({ bytes: bytes(hex), bitness, model, eip });
const cls = (c: DecodeCase, decoder?: OurDecoder): string => compareDecode(c, decoder ? { decoder } : {}).cls;
const mutate = (change: (insn: Insn) => void): OurDecoder => (b, ctx, eip) => {
  const insn = decodeBytes(b, ctx, eip);
  change(insn);
  return insn;
};

describe('harness/oracle/compare-decoder: agreement classes', () => {
  it('01 C0 agrees (ADD eax, eax); F0 90 is invalid in both (LOCK NOP)', () => {
    expect(cls(at('01 c0'))).to.equal('agree');
    expect(cls(at('f0 90'))).to.equal('agree-invalid');
  });

  it('D9 38 (FNSTCW) is outside the model: INVALID with iced\'s length', () => {
    const v = compareDecode(at('d9 38'));
    expect(v).to.include({ cls: 'outside-model: x87', allowed: true });
    expect(v.view.ours.unmodelled).to.equal('x87');
  });

  it('0F 40 C0 (CMOVO, p6) and 0F A2 (CPUID, 486) are later than the i386 model', () => {
    expect(cls(at('0f 40 c0', 32, 'i386'))).to.equal('later-than-model: p6');
    expect(cls(at('0f a2', 32, 'i386'))).to.equal('later-than-model: i486');
    expect(cls(at('0f 40 c0', 32, 'modern'))).to.equal('agree');
  });

  it('66 01 C0 on the 286 is later than the model: the 286 has no operand-size prefix', () => {
    expect(prefixGeneration(bytes('66 01 c0'), icedDecode(bytes('66 01 c0'), 16))).to.equal('i386');
    expect(prefixGeneration(bytes('26 01 c0'), icedDecode(bytes('26 01 c0'), 16))).to.equal(undefined);
    expect(cls(at('66 01 c0', 16, 'i286'))).to.equal('later-than-model: i386');
  });

  it('an 11-byte NOP is too long for the 286 (10-byte limit) but agrees on the 386; 16 bytes agree invalid', () => {
    const eleven = '26 26 26 26 26 26 26 26 26 26 90';
    expect(cls(at(eleven, 16, 'i286'))).to.equal('too-long-for-model');
    expect(cls(at(eleven, 16, 'i386'))).to.equal('agree');
    expect(cls(at('26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 90', 16, 'modern'))).to.equal('agree-invalid');
  });

  it('runs 16-bit code under modern, i386 and i286, and 32-bit code under modern and i386', () => {
    expect(modelsFor(16)).to.deep.equal(['modern', 'i386', 'i286']);
    expect(modelsFor(32)).to.deep.equal(['modern', 'i386']);
  });
});

describe('harness/oracle/compare-decoder: difference classes (mutated decoders)', () => {
  const cases: ReadonlyArray<readonly [string, DecodeCase, OurDecoder]> = [
    ['length', at('01 c0'), mutate((i) => void (i.length += 1))],
    ['form', at('01 c0'), mutate((i) => void (i.form = formIndex('Sub_rm32_r32')))],
    ['operand:reg', at('01 c0'), mutate((i) => void (i.rm = 1))],
    ['operand:mem-disp', at('8b 44 24 f0'), mutate((i) => void (i.disp += 1))],
    ['operand:mem-base', at('8b 00'), mutate((i) => void (i.base = 1))],
    ['operand:mem-index', at('8b 04 88'), mutate((i) => void (i.index = 2))],
    ['operand:mem-scale', at('8b 04 88'), mutate((i) => void (i.scale = 1))],
    ['operand:segment', at('8b 00'), mutate((i) => void (i.seg = SEG_ES))],
    ['operand:imm', at('83 c0 ff'), mutate((i) => void (i.imm = 0x7f))],
    ['operand:target', at('eb 10'), mutate((i) => void (i.target += 1))],
    ['operand:far', at('ea 01 02 03 04 05 06'), mutate((i) => void (i.imm2 = 0))],
    ['prefix:lock', at('01 00'), mutate((i) => void (i.lock = true))],
    ['prefix:rep', at('a4'), mutate((i) => void (i.rep = 0xf3))],
    ['iced-valid-we-invalid', at('01 c0'), mutate((i) => void (i.form = INVALID_FORM_INDEX))],
    ['iced-invalid-we-valid', at('f0 90'), mutate((i) => void (i.form = formIndex('Nopd')))],
    ['too-long', at('01 c0'), () => { throw new CpuFault(13, 0); }],
    ['model-gating: p6', at('0f 40 c0', 32, 'i386'), (b, ctx, eip) => decodeBytes(b, { ...ctx, model: cpuModel('modern') }, eip)],
    ['outside-model-we-valid: x87', at('d9 38'), mutate((i) => void (i.form = formIndex('Nopd')))],
    ['outside-model-length: x87', at('d9 38'), mutate((i) => void (i.length += 1))],
    ['outside-model-unmodelled: x87', at('d9 38'), mutate((i) => void (i.unmodelled = 0))],
    ['outside-model-unmodelled: sse', at('0f 58 c0'), mutate((i) => void (i.unmodelled = UNMODELLED_X87))],
  ];
  for (const [expected, c, decoder] of cases) {
    it(`${expected}: a mutated decoder on ${Array.from(c.bytes.slice(0, 3), (b) => b.toString(16).padStart(2, '0')).join(' ')} (${c.model}) is a difference nothing explains`, () => {
      const v = compareDecode(c, { decoder });
      expect(v.cls, v.detail).to.equal(expected);
      expect(v.allowed).to.equal(false);
      expect(isAgreement(v.cls)).to.equal(false);
    });
  }

  it('a fault other than the length limit (#PF while fetching) is the class `fault`', () => {
    const v = compareDecode(at('01 c0'), { decoder: () => { throw new CpuFault(14, 0); } });
    expect(v.view.ours.fault).to.deep.equal({ vector: 14, tooLong: false });
    expect(v).to.include({ cls: 'fault', allowed: false });
  });

  it('an error that is not a CpuFault is not swallowed', () => {
    expect(() => compareDecode(at('01 c0'), { decoder: () => { throw new TypeError('decoder bug'); } })).to.throw(TypeError, 'decoder bug');
  });
});

describe('harness/oracle/known-differences: decode allow-list', () => {
  it('has unique ids, a class list and a reason of at least one sentence for each entry', () => {
    const ids = KNOWN_DECODE_DIFFERENCES.map((k) => k.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const k of KNOWN_DECODE_DIFFERENCES) {
      expect(k.classes.length, k.id).to.be.greaterThan(0);
      expect(k.reason.length, k.id).to.be.greaterThan(60);
      for (const c of k.classes) expect(isAgreement(c.replace(/\*$/, 'x')), `${k.id}: ${c} is an agreement class`).to.equal(false);
    }
  });

  for (const k of KNOWN_DECODE_DIFFERENCES) {
    it(`${knownClass(k)}: explains its example ${k.example.hex} (${k.example.bitness}-bit, ${k.example.model}), a difference without it`, () => {
      const c = at(k.example.hex, k.example.bitness, k.example.model, k.example.eip);
      const v = compareDecode(c);
      expect(v.cls, v.detail).to.equal(knownClass(k));
      const bare = compareDecode(c, { known: [] });
      expect(bare.allowed, bare.detail).to.equal(false);
      expect(k.classes.some((p) => (p.endsWith('*') ? bare.cls.startsWith(p.slice(0, -1)) : p === bare.cls)), bare.cls).to.equal(true);
    });
  }

  it('xlat-implicit-operand does not explain an XLAT decoded with the wrong segment', () => {
    const v = compareDecode(at('d7'), { decoder: mutate((i) => void (i.seg = SEG_ES)) });
    expect(v).to.include({ cls: 'operand:count', allowed: false });
  });

  it('tzcnt-lzcnt-execute-as-bsf-bsr does not explain a BSF with a wrong register', () => {
    const v = compareDecode(at('f3 0f bc c1'), { decoder: mutate((i) => void (i.reg = 3)) });
    expect(v).to.include({ cls: 'outside-model-we-valid: bmi1', allowed: false });
  });

  it('lock-ignored-on-286 applies to the 286 only', () => {
    const v = compareDecode(at('f0 40', 16, 'i386'), { decoder: (b, ctx, eip) => decodeBytes(b, { ...ctx, model: cpuModel('i286') }, eip) });
    expect(v).to.include({ cls: 'iced-invalid-we-valid', allowed: false });
  });
});

describe('harness/oracle/compare-decoder: per-form metadata', () => {
  const add = formById('Add_rm32_r32');

  it('Add_rm32_r32 agrees with iced on since, flags and CPL', () => {
    expect(compareFormMetadata(add)).to.deep.equal([]);
  });

  it('reports an altered since, CPL and undefined flags, each as its aspect with both values', () => {
    const altered: FormRecord = { ...add, since: 'i8086', cpl: 0, flagsWritten: 'oszpc', flagsUndefined: 'a', flagsRead: 'c' };
    const got = compareFormMetadata(altered).map((d) => `${d.aspect} ${d.ours}/${d.iced}`);
    expect(got).to.deep.equal(['since i8086/i386', 'flags-written oszpc/oszapc', 'flags-undefined a/-', 'flags-read c/-', 'cpl0 true/false']);
  });

  it('HLT is CPL 0 in both (OpCodeInfo.mustBeCpl0)', () => {
    expect(formById('Hlt').cpl).to.equal(0);
    expect(icedCodeInfo('Hlt').cpl0Only).to.equal(true);
    expect(compareFormMetadata(formById('Hlt'))).to.deep.equal([]);
  });

  it('a record no encoding decodes to in both decoders is an iced-code difference', () => {
    const d = compareFormMetadata({ ...add, id: 'Add_rm32_r32_renamed' });
    expect(d.map((x) => x.aspect)).to.deep.equal(['iced-code']);
  });

  it('every record agrees or is in the allow-list, and no allow-list entry is stale', () => {
    const report = compareAllForms();
    const unexplained = report.disagreements.filter((d) => d.known === undefined).map((d) => `${d.form} ${d.aspect}: ${d.ours} vs iced ${d.iced}`);
    expect(unexplained).to.deep.equal([]);
    expect(report.stale.map((k) => `${k.form}/${k.aspect}`)).to.deep.equal([]);
  });

  it('an allow-list entry that matches nothing is reported stale', () => {
    const extra = { form: 'Add_rm32_r32', aspect: 'since' as const, ours: 'i386', iced: 'i286', reason: 'fabricated for this test, never true' };
    const report = compareAllForms([...KNOWN_FORM_DIFFERENCES, extra]);
    expect(report.stale).to.deep.equal([extra]);
  });

  it('form allow-list entries name records of the table and iced Codes, with reasons', () => {
    for (const k of KNOWN_FORM_DIFFERENCES) {
      expect(() => formById(k.form), k.form).to.not.throw();
      expect(() => icedCodeInfo(k.form), k.form).to.not.throw();
      expect(k.reason.length, k.form).to.be.greaterThan(60);
    }
  });
});
