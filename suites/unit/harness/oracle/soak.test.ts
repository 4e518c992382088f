// Unit tests for harness/oracle/soak.ts, the loop behind `npm run decoder:soak`.
//
// Checked: a run is a function of its seed and count (same classes, counts and examples twice);
// the tallies add up (every sequence runs under 2 or 3 models, per-model counts sum to the class
// total); a small run of the real decoder has no unexplained difference; a decoder wrapped with a
// deliberately wrong length for opcode 01 (ADD Ev,Gv) is caught, its class is `length`, and the
// example bytes start with that opcode (after prefixes); progress is reported to the end.
// Oracle: counts and the planted mutation.
// Left out: the script's printing and exit status (harness/scripts/decoder-soak.ts, run by hand).

import { expect } from 'chai';
import { decodeBytes, FORMS, type FormRecord } from '../../../../reference-emulator/index.ts';
import { runSoak } from '../../../../harness/oracle/soak.ts';
import type { OurDecoder } from '../../../../harness/oracle/compare-decoder.ts';

describe('harness/oracle/soak', () => {
  it('is deterministic in its seed, and the tallies add up', () => {
    const a = runSoak({ seed: 1234, count: 400 });
    const b = runSoak({ seed: 1234, count: 400 });
    expect(a).to.deep.equal(b);
    expect(a.comparisons).to.be.within(800, 1200);
    expect(a.classes.reduce((n, s) => n + s.total, 0)).to.equal(a.comparisons);
    for (const s of a.classes) expect(Object.values(s.byModel).reduce((n, v) => n + (v ?? 0), 0), s.cls).to.equal(s.total);
    expect(runSoak({ seed: 1235, count: 400 })).to.not.deep.equal(a);
  });

  it('finds no unexplained difference in 3,000 sequences of the real decoder (seed 20240601)', () => {
    const s = runSoak({ seed: 20240601, count: 3000 });
    const bad = s.classes.filter((c) => c.kind === 'difference').map((c) => `${c.cls}: ${c.example.hex} ${c.example.detail}`);
    expect(bad).to.deep.equal([]);
    expect(s.unexplained).to.equal(0);
  });

  it('catches a decoder that gets the length of opcode 01 wrong, as `length`', () => {
    const wrongLength: OurDecoder = (bytes, ctx, eip) => {
      const insn = decodeBytes(bytes, ctx, eip);
      if ((FORMS[insn.form] as FormRecord).map === 'primary' && insn.opcode === 0x01) insn.length += 1;
      return insn;
    };
    const s = runSoak({ seed: 99, count: 3000, decoder: wrongLength });
    const length = s.classes.find((c) => c.cls === 'length');
    expect(s.unexplained).to.be.above(0);
    expect(length?.kind).to.equal('difference');
    expect(length?.example.detail).to.match(/^ours Add_rm(16_r16|32_r32) len/);
  });

  it('reports progress every N sequences and at the end', () => {
    const seen: number[] = [];
    runSoak({ seed: 5, count: 250, progressEvery: 100, onProgress: (n) => void seen.push(n) });
    expect(seen).to.deep.equal([100, 200, 250]);
  });
});
