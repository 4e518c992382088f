/**
 * decoder/oracle: the reference decoder and instruction table against iced-x86 1.21, an
 * independent decoder with its own tables.
 *
 * Checked, with fast-check over three kinds of 16-byte sequences (encodings of random table
 * records with random prefixes, ModRM, SIB, displacement and immediates; structured sequences
 * with prefixes and opcodes from every map; uniform random bytes), in 16- and 32-bit code at a
 * random EIP, under `modern`, `i386` and (16-bit code) `i286`: validity, length, form id,
 * operands (registers, memory segment/base/index/scale/displacement, immediates, branch targets,
 * far pointers) and REP/LOCK agree, or the difference is an agreement by the model (outside it,
 * later than it, too long for it) or an entry of harness/oracle/known-differences.ts, each with
 * its reason. Per record of the table: `since`, the flags written, undefined and read, and
 * CPL-0-only agree with iced's metadata or are in the allow-list, and no entry is stale.
 * The decoder comes from the subject (the embedded reference), so decoder mutants reach it.
 * Left out: iced's own mistakes beyond the allow-list; the soak tier's millions of cases are
 * also `npm run decoder:soak`.
 */

import fc from 'fast-check';
import { FORMS, type FormRecord } from '../../reference-emulator/index.ts';
import { referenceDecoder } from '../../harness/adapters/reference/index.ts';
import { ArraySource, FORM_INDICES, formBytes, SEQUENCE_BYTES, structuredBytes } from '../../harness/oracle/byte-generator.ts';
import { compareAllForms, compareWithIced, hexBytes, modelsFor, type OurDecoder, type Verdict as OracleVerdict } from '../../harness/oracle/compare-decoder.ts';
import { icedDecode, icedText, type Bitness } from '../../harness/oracle/iced.ts';
import { fail, pass, type SuiteInstance } from '../../harness/suite/model.ts';
import { propertyVerdict } from '../../harness/suite/property.ts';

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
function firstUnexplained(c: OracleCase, decoder: OurDecoder): OracleVerdict | undefined {
  const iced = icedDecode(c.bytes, c.bitness, { ip: c.eip });
  for (const model of modelsFor(c.bitness)) {
    const v = compareWithIced({ bytes: c.bytes, bitness: c.bitness, model, eip: c.eip }, iced, { decoder });
    if (!v.allowed) return v;
  }
  return undefined;
}

function explain(c: OracleCase, v: OracleVerdict): string {
  const shown = Math.max(v.view.iced.length, v.view.ours.length, 1);
  return `${v.cls} (${c.source}): ${v.view.case.model} ${c.bitness}-bit eip=0x${c.eip.toString(16)} [${hexBytes(c.bytes, shown)}] iced "${icedText(c.bytes, c.bitness, c.eip)}": ${v.detail}`;
}

const BUDGET = { quick: 10_000, full: 100_000, soak: 1_000_000 };
const NEEDS = { reference: true } as const;

const sequenceInstance = (variation: string, what: string, arb: fc.Arbitrary<OracleCase>, seedOffset: number, kills: readonly string[]): SuiteInstance => ({
  name: `decoder/oracle~${variation}`,
  tags: ['decoder', 'oracle', 'iced-x86', 'property', what],
  needs: NEEDS,
  budget: BUDGET,
  kills,
  async run(subjects, ctx) {
    const subject = await subjects();
    const decoder = referenceDecoder(subject);
    await subject.close();
    const property = fc.property(arb, (c) => {
      const v = firstUnexplained(c, decoder);
      if (v) throw new Error(explain(c, v));
    });
    return propertyVerdict(property, { seed: ctx.seed + seedOffset, numRuns: ctx.runs });
  },
});

export const instances: readonly SuiteInstance[] = [
  sequenceInstance('table-encodings', "encodings of the table's records", fromForms, 0, ['decoder-length-01-plus-one', 'decoder-disp8-sign-flipped', 'decoder-adc-as-sbb', 'decoder-ignores-since']),
  sequenceInstance('structured', 'structured sequences (prefixes, every opcode map, ModRM/SIB/disp/imm)', structured, 1, ['decoder-length-01-plus-one']),
  sequenceInstance('random-bytes', 'uniformly random bytes', raw, 2, []),
  {
    name: 'decoder/oracle~record-metadata',
    tags: ['decoder', 'oracle', 'iced-x86', 'table'],
    needs: NEEDS,
    budget: { quick: 1, full: 1, soak: 1 },
    async run() {
      const report = compareAllForms();
      const unexplained = report.disagreements.filter((d) => d.known === undefined).map((d) => `${d.form} ${d.aspect}: table ${d.ours}, iced ${d.iced}`);
      if (unexplained.length > 0) return fail(`${unexplained.length} record metadata differences are missing from harness/oracle/known-differences.ts: ${unexplained.slice(0, 3).join('; ')}`, { unexplained });
      const stale = report.stale.map((k) => `${k.form} ${k.aspect}: ${k.ours} vs ${k.iced}`);
      if (stale.length > 0) return fail(`${stale.length} allow-list entries are stale (the difference is gone: remove them): ${stale.slice(0, 3).join('; ')}`, { stale });
      return pass(FORMS.length, { forms: FORMS.length, allowListed: report.disagreements.length });
    },
  },
];
