// Decoder oracle: xvc's decoder and instruction table against iced-x86 (harness/oracle/).
//
// Checked, with fast-check over three kinds of 16-byte sequences (encodings of random table
// records with random prefixes, ModRM, SIB, displacement and immediates; structured sequences
// with prefixes and opcodes from every map; uniform random bytes), in 16- and 32-bit code at a
// random EIP, under `modern`, `i386` and (16-bit code) `i286`: validity, length, form id,
// operands (registers, memory segment/base/index/scale/displacement, immediates, branch targets,
// far pointers) and REP/LOCK agree, or the difference is an agreement by the model (outside it,
// later than it, too long for it) or an entry of harness/oracle/known-differences.ts.
// Per record of the table: `since`, the flags written, undefined and read, and CPL-0-only agree
// with iced's metadata or are in the allow-list, and no allow-list entry is stale.
// The system group's allow-list entries (r16 operand names, WBNOINVD, VMGEXIT) do not explain a
// decoder mutated next to their quirk.
// Meta (suite power): the same properties run against xvc's decoder wrapped in deliberate
// mutations (a wrong length for opcode 01, a sign-flipped 8-bit displacement, ADC decoded as SBB,
// `since` ignored) must fail, with the mutation's class as the shrunk counterexample's class.
// Oracle: iced-x86 1.21 (independent tables), through harness/oracle/compare-decoder.ts.
// Left out: iced's own mistakes beyond the allow-list; the millions of cases of the soak tier
// (`npm run decoder:soak`). Seeds: printed; XVC_SEED replays, XVC_RUNS sets runs per property.

import { expect } from 'chai';
import fc from 'fast-check';
import { cpuModel, decodeBytes, formIndex, FORMS, type FormRecord } from '../../reference-emulator/index.ts';
import { ArraySource, FORM_INDICES, formBytes, SEQUENCE_BYTES, structuredBytes } from '../../harness/oracle/byte-generator.ts';
import { compareAllForms, compareWithIced, hexBytes, modelsFor, type OurDecoder, type Verdict } from '../../harness/oracle/compare-decoder.ts';
import { icedDecode, icedText, type Bitness } from '../../harness/oracle/iced.ts';

const SEED = process.env['XVC_SEED'] !== undefined ? Number(process.env['XVC_SEED']) : Date.now() % 0x7fffffff;
const RUNS = process.env['XVC_RUNS'] !== undefined ? Number(process.env['XVC_RUNS']) : 10_000;
/** The meta tests need the planted mutation to come up: more runs, still a second or two. */
const META_RUNS = Math.max(RUNS, 20_000);

interface OracleCase {
  readonly bytes: Uint8Array;
  readonly bitness: Bitness;
  readonly eip: number;
  readonly source: string;
}

const bitnessArb = fc.constantFrom<Bitness>(16, 32);
const eipArb = (bitness: Bitness): fc.Arbitrary<number> => fc.nat({ max: bitness === 16 ? 0xffff : 0xffff_ffff });
const entropyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

const fromForms: fc.Arbitrary<OracleCase> = bitnessArb.chain((bitness) =>
  fc.record({ which: fc.nat({ max: FORM_INDICES.length - 1 }), entropy: entropyArb, eip: eipArb(bitness) }).map(({ which, entropy, eip }) => {
    const form = FORMS[FORM_INDICES[which] as number] as FormRecord;
    return { bytes: formBytes(form, bitness, new ArraySource(entropy)), bitness, eip, source: `record ${form.id}` };
  }),
);
const structured: fc.Arbitrary<OracleCase> = bitnessArb.chain((bitness) =>
  fc.record({ entropy: entropyArb, eip: eipArb(bitness) }).map(({ entropy, eip }) => ({ bytes: structuredBytes(new ArraySource(entropy)), bitness, eip, source: 'structured' })),
);
const raw: fc.Arbitrary<OracleCase> = bitnessArb.chain((bitness) =>
  fc.record({ bytes: fc.uint8Array({ minLength: SEQUENCE_BYTES, maxLength: SEQUENCE_BYTES }), eip: eipArb(bitness) }).map(({ bytes, eip }) => ({ bytes, bitness, eip, source: 'random bytes' })),
);

/** The first comparison of the case that no rule or allow-list entry explains, if any. */
function firstUnexplained(c: OracleCase, decoder?: OurDecoder): Verdict | undefined {
  const iced = icedDecode(c.bytes, c.bitness, { ip: c.eip });
  for (const model of modelsFor(c.bitness)) {
    const v = compareWithIced({ bytes: c.bytes, bitness: c.bitness, model, eip: c.eip }, iced, decoder ? { decoder } : {});
    if (!v.allowed) return v;
  }
  return undefined;
}

function explain(c: OracleCase, v: Verdict): string {
  const shown = Math.max(v.view.iced.length, v.view.ours.length, 1);
  return `${v.cls} (${c.source}): ${v.view.case.model} ${c.bitness}-bit eip=0x${c.eip.toString(16)} [${hexBytes(c.bytes, shown)}] iced "${icedText(c.bytes, c.bitness, c.eip)}": ${v.detail}`;
}

const property = (arb: fc.Arbitrary<OracleCase>, decoder?: OurDecoder) =>
  fc.property(arb, (c) => {
    const v = firstUnexplained(c, decoder);
    if (v) throw new Error(explain(c, v));
  });

describe('property/decoder-oracle: xvc decoder vs iced-x86', function () {
  this.timeout(120_000);

  before(() => {
    console.log(`decoder-oracle: seed ${SEED}, ${RUNS} runs per property (XVC_SEED=${SEED} to replay, XVC_RUNS to change runs)`);
  });

  const arbitraries: ReadonlyArray<readonly [string, fc.Arbitrary<OracleCase>, number]> = [
    ['encodings of the table\'s records', fromForms, 0],
    ['structured sequences (prefixes, every opcode map, ModRM/SIB/disp/imm)', structured, 1],
    ['uniformly random bytes', raw, 2],
  ];
  for (const [name, arb, offset] of arbitraries) {
    it(`${name}: validity, length, form and operands agree under modern/i386/i286, or the difference is in the allow-list`, () => {
      fc.assert(property(arb), { seed: SEED + offset, numRuns: RUNS });
    });
  }

  it('every record\'s since, flags written/undefined/read and CPL-0-only agree with iced or are in the allow-list', () => {
    const report = compareAllForms();
    const unexplained = report.disagreements.filter((d) => d.known === undefined).map((d) => `${d.form} ${d.aspect}: table ${d.ours}, iced ${d.iced}`);
    expect(unexplained, 'record metadata differences missing from harness/oracle/known-differences.ts').to.deep.equal([]);
    expect(report.stale.map((k) => `${k.form} ${k.aspect}: ${k.ours} vs ${k.iced}`), 'stale allow-list entries (the difference is gone: remove them)').to.deep.equal([]);
  });
});

describe('property/decoder-oracle: the system group\'s allow-list entries explain only their own quirk', () => {
  // Each entry's own example is checked in suites/unit/harness/oracle; here a decoder mutated next
  // to the quirk (a wrong register, a wrong length, a wrong form) must still be a failure.
  const mutated = (change: (insn: ReturnType<typeof decodeBytes>) => void): OurDecoder => (bytes, ctx, eip) => {
    const insn = decodeBytes(bytes, ctx, eip);
    change(insn);
    return insn;
  };
  const verdict = (hex: string, decoder: OurDecoder): Verdict => {
    const bytes = new Uint8Array(SEQUENCE_BYTES);
    hex.split(' ').forEach((b, i) => void (bytes[i] = parseInt(b, 16)));
    return compareWithIced({ bytes, bitness: 32, model: 'modern', eip: 0 }, icedDecode(bytes, 32), { decoder });
  };
  const cases: ReadonlyArray<readonly [string, string, OurDecoder, string]> = [
    ['r16-operand-register-name', '0f 00 d1', mutated((i) => void (i.rm = 3)), 'operand:reg'],
    ['wbnoinvd-is-rep-wbinvd', 'f3 0f 09', mutated((i) => void (i.length += 1)), 'outside-model-we-valid: wbnoinvd'],
    ['vmgexit-is-rep-vmmcall', 'f3 0f 01 d9', mutated((i) => void (i.form = formIndex('Vmcall'))), 'outside-model-we-valid: sev_es'],
  ];
  for (const [id, hex, decoder, cls] of cases) {
    it(`${id} does not explain ${hex} from a mutated decoder (${cls})`, () => {
      expect(verdict(hex, (b, ctx, eip) => decodeBytes(b, ctx, eip)).allowed, 'the unmutated case is explained').to.equal(true);
      const v = verdict(hex, decoder);
      expect({ cls: v.cls, allowed: v.allowed }, v.detail).to.deep.equal({ cls, allowed: false });
    });
  }
});

describe('meta/decoder-oracle: the oracle catches a mutated decoder', function () {
  this.timeout(120_000);

  /** Wraps xvc's decoder; `change` edits the decoded instruction (a fresh object each call). */
  const wrap = (change: (insn: ReturnType<typeof decodeBytes>) => void): OurDecoder => (bytes, ctx, eip) => {
    const insn = decodeBytes(bytes, ctx, eip);
    change(insn);
    return insn;
  };
  const primary = (insn: ReturnType<typeof decodeBytes>): boolean => (FORMS[insn.form] as FormRecord).map === 'primary';
  const SBB_RM8_R8 = formIndex('Sbb_rm8_r8');
  const ADC_RM8_R8 = formIndex('Adc_rm8_r8');

  const mutants: ReadonlyArray<readonly [string, OurDecoder, RegExp]> = [
    ['length + 1 for opcode 01 (ADD Ev,Gv)', wrap((i) => void (primary(i) && i.opcode === 0x01 && (i.length += 1))), /^length$/],
    ['an 8-bit displacement with its sign flipped', wrap((i) => void (i.isMem && i.disp >= -128 && i.disp < 0 && (i.disp = -i.disp))), /^operand:mem-disp$/],
    ['ADC r/m8,r8 (10 /r) decoded as SBB r/m8,r8', wrap((i) => void (i.form === ADC_RM8_R8 && (i.form = SBB_RM8_R8))), /^form$/],
    ['`since` ignored (every model decodes like modern)', (bytes, ctx, eip) => decodeBytes(bytes, { ...ctx, model: cpuModel('modern') }, eip), /^(model-gating: .*|iced-invalid-we-valid)$/],
  ];
  for (const [name, decoder, expected] of mutants) {
    it(`mutant "${name}" fails the property, shrunk to class ${expected.source}`, () => {
      const arb = fc.oneof(fromForms, structured, raw);
      const result = fc.check(property(arb, decoder), { seed: SEED, numRuns: META_RUNS });
      expect(result.failed, `mutant "${name}" survived ${result.numRuns} runs (seed ${SEED})`).to.equal(true);
      const counterexample = result.counterexample?.[0];
      expect(counterexample, 'a counterexample').to.not.equal(undefined);
      const v = firstUnexplained(counterexample as OracleCase, decoder);
      expect(v?.cls ?? '(none)', v ? explain(counterexample as OracleCase, v) : 'no difference on replay').to.match(expected);
    });
  }
});
