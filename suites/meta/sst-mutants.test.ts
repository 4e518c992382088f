/**
 * meta/sst-mutants: the SingleStepTests corpus suite can fail. Each mutant is one seeded bug in
 * a handler, entered through the reference subject's factory (handlerOverrides), never through
 * the hot loop. The suite must report failures for the mutant and none for the clean subject.
 *
 * Oracle: the corpus itself (real 286 hardware). Leaves out: mutants of forms the shipped corpus
 * subset does not cover.
 */

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceSubject } from '../../harness/adapters/reference/index.ts';
import { defaultSstDir, flagsMaskFor, REAL_MODE_SUBDIR } from '../../harness/sst/corpus.ts';
import { loadSstContext } from '../../harness/sst/context.ts';
import { readMooFile } from '../../harness/sst/moo.ts';
import { runSstFile } from '../../harness/sst/run-sst.ts';
import { HANDLERS, type Handler, type InstrId } from '../../reference-emulator/index.ts';

const corpusDir = join(defaultSstDir(), REAL_MODE_SUBDIR);

interface Mutant {
  name: string;
  form: string;
  overrides: Partial<Record<InstrId, Handler>>;
}

const MUTANTS: Mutant[] = [
  {
    // SBB that ignores the incoming borrow: wrong whenever CF was set.
    name: 'SBB r/m16,r16 ignores CF (runs as SUB)',
    form: '19',
    overrides: { Sbb_rm16_r16: HANDLERS.Sub_rm16_r16 },
  },
  {
    // DIV that reports #DE with the next instruction's IP, as the 8086 did, instead of the
    // faulting instruction's (286 and later). The run loop rolls back to `insn.eip`, so the mutant
    // moves it on this subject's own decoded instruction.
    name: '#DE from DIV r/m16 pushes the IP of the next instruction',
    form: 'F7.6',
    overrides: {
      Div_rm16: (m, i) => {
        try {
          HANDLERS.Div_rm16(m, i);
        } catch (e) {
          i.eip = i.next;
          throw e;
        }
      },
    },
  },
];

describe('meta/sst-mutants: the corpus suite catches seeded bugs', function () {
  before(function () {
    if (!existsSync(corpusDir)) {
      console.log(`skip: meta/sst-mutants: no corpus at ${corpusDir} (set XVC_SST_DIR)`);
      this.skip();
    }
  });

  for (const mutant of MUTANTS) {
    it(`kills mutant '${mutant.name}' on form ${mutant.form}`, async function () {
      const { metadata } = await loadSstContext(defaultSstDir());
      const file = await readMooFile(join(corpusDir, `${mutant.form}.MOO.gz`));
      const options = { cpu: 'i286' as const, formKey: mutant.form, flagsMask: flagsMaskFor(metadata, mutant.form), revoked: new Set<string>(), known: new Map() };

      const clean = createReferenceSubject();
      await clean.reset({ cpu: 'i286', memorySize: 16 << 20 });
      const cleanResult = await runSstFile(clean, file, options);
      expect(cleanResult.failed, 'clean subject failures').to.equal(0);

      const mutated = createReferenceSubject({ handlerOverrides: mutant.overrides, name: `reference+${mutant.name}` });
      await mutated.reset({ cpu: 'i286', memorySize: 16 << 20 });
      const mutantResult = await runSstFile(mutated, file, options);
      console.log(`    mutant '${mutant.name}': ${mutantResult.failed}/${mutantResult.total} tests fail`);
      expect(mutantResult.failed, 'tests failing under the mutant').to.be.greaterThan(0);
    });
  }
});
