// Unit tests for harness/oracle/byte-generator.ts, the decoder oracle's case generators.
//
// Checked: the seeded PRNG is deterministic per seed, differs between seeds and stays in range
// with a roughly even spread; the array source maps zero bytes to the first choice and reads
// more bytes for larger ranges; every generator gives SEQUENCE_BYTES (16) bytes, deterministic in
// its source; the structured generator covers prefixes, both opcode maps and the VEX/EVEX/XOP
// lead bytes; the form generator reaches every record of the table (xvc decodes at least one of
// 64 draws to the record itself).
// Oracle: xvc's decoder for "reaches the record" (the generator only has to hit it), counts.
// Left out: the comparison itself (compare-decoder.test.ts).

import { expect } from 'chai';
import { cpuModel, decodeBytes, FORMS, type FormRecord } from '../../../../reference-emulator/index.ts';
import {
  ArraySource,
  FORM_INDICES,
  formBytes,
  SeededRandom,
  SEQUENCE_BYTES,
  structuredBytes,
  uniformBytes,
} from '../../../../harness/oracle/byte-generator.ts';

describe('harness/oracle/byte-generator: sources', () => {
  it('SeededRandom gives the same stream for the same seed and another for another seed', () => {
    const draw = (seed: number): number[] => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(42)).to.deep.equal(draw(42));
    expect(draw(42)).to.not.deep.equal(draw(43));
  });

  it('SeededRandom.int(n) stays in [0, n) and spreads over 16 buckets within 5% of even', () => {
    const r = new SeededRandom(7);
    const buckets = new Array<number>(16).fill(0);
    const draws = 160_000;
    for (let i = 0; i < draws; i++) {
      const v = r.int(16);
      expect(v).to.be.within(0, 15);
      buckets[v] = (buckets[v] ?? 0) + 1;
    }
    for (const b of buckets) expect(Math.abs(b - draws / 16)).to.be.below(draws / 16 / 20);
  });

  it('ArraySource: zero bytes choose 0, one byte serves n <= 256, two bytes serve larger n, and it cycles', () => {
    expect(new ArraySource([0, 0, 0]).int(200)).to.equal(0);
    expect(new ArraySource([5]).int(256)).to.equal(5);
    expect(new ArraySource([1, 2]).int(1000)).to.equal(258);
    const s = new ArraySource([7]);
    expect([s.int(10), s.int(10)]).to.deep.equal([7, 7]);
    expect(new ArraySource([]).int(10)).to.equal(0);
  });
});

describe('harness/oracle/byte-generator: sequences', () => {
  it(`every generator gives ${SEQUENCE_BYTES} bytes, the same ones for the same source`, () => {
    const gens = [structuredBytes, uniformBytes, (s: SeededRandom) => formBytes(FORMS[1] as FormRecord, 32, s)];
    for (const gen of gens) {
      const a = gen(new SeededRandom(9));
      expect(a.length).to.equal(SEQUENCE_BYTES);
      expect(a).to.deep.equal(gen(new SeededRandom(9)));
    }
  });

  it('structured sequences use prefixes, the one- and two-byte maps, 0F 38/3A and VEX/EVEX/XOP lead bytes', () => {
    const r = new SeededRandom(3);
    let prefixed = 0;
    let twoByte = 0;
    let threeByte = 0;
    let vexLike = 0;
    const prefixes = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);
    for (let i = 0; i < 4000; i++) {
      const b = structuredBytes(r);
      let k = 0;
      while (prefixes.has(b[k] as number)) k++;
      if (k > 0) prefixed++;
      if (b[k] === 0x0f) {
        if (b[k + 1] === 0x38 || b[k + 1] === 0x3a) threeByte++;
        else twoByte++;
      }
      if ([0xc4, 0xc5, 0x62, 0x8f].includes(b[k] as number)) vexLike++;
    }
    expect(prefixed).to.be.above(1500);
    expect(twoByte).to.be.above(1000);
    expect(threeByte).to.be.above(100);
    expect(vexLike).to.be.above(200);
  });

  it(`the form generator reaches each of the ${FORM_INDICES.length} records in 64 draws (xvc decodes one to it)`, () => {
    const missed: string[] = [];
    const r = new SeededRandom(11);
    const modern = cpuModel('modern');
    for (const index of FORM_INDICES) {
      const form = FORMS[index] as FormRecord;
      let hit = false;
      for (let k = 0; k < 64 && !hit; k++) {
        const bitness = k % 2 === 0 ? 16 : 32;
        try {
          hit = decodeBytes(formBytes(form, bitness, r), { code32: bitness === 32, model: modern }).form === index;
        } catch {
          // an over-long draw: try the next one
        }
      }
      if (!hit) missed.push(form.id);
    }
    expect(missed).to.deep.equal([]);
  });
});
