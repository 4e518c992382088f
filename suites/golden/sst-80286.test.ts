/**
 * isa/sst-80286: the SingleStepTests 80286 real-mode corpus (captured from a Harris 80C286)
 * against the reference interpreter with CPU model i286.
 *
 * Oracle: the real hardware's final registers and RAM, with only the corpus's own masks
 * (metadata.json undefined flags, revocation list). Each form must pass every test except
 * those listed, with a reason, in fixtures/sst/known-differences-80286.json, and at least
 * 99.5% overall. Leaves out: bus-cycle timing and prefetch-queue behaviour (not modelled).
 * The corpus is external: when it is absent the suite prints why and skips.
 */

import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createReferenceSubject } from '../../harness/adapters/reference/index.ts';
import { defaultSstDir, flagsMaskFor, formKeyFromFileName, REAL_MODE_SUBDIR } from '../../harness/sst/corpus.ts';
import { loadSstContext, type SstContext } from '../../harness/sst/context.ts';
import { readMooFile } from '../../harness/sst/moo.ts';
import { runSstFile } from '../../harness/sst/run-sst.ts';
import { formatFailure } from '../../harness/cli/sst.ts';

const MIN_PASS_RATE = 0.995;
const corpusDir = join(defaultSstDir(), REAL_MODE_SUBDIR);
const files = existsSync(corpusDir) ? readdirSync(corpusDir).filter((f) => /\.moo(\.gz)?$/i.test(f)).sort() : [];

describe('isa/sst-80286 (SingleStepTests 80286 real mode, cpu i286)', function () {
  let metadata: SstContext['metadata'];
  let revoked: SstContext['revoked'];
  let known: SstContext['known'];

  before(async function () {
    if (files.length === 0) {
      console.log(`skip: isa/sst-80286: no corpus at ${corpusDir} (set XVC_SST_DIR)`);
      this.skip();
    }
    ({ metadata, revoked, known } = await loadSstContext(defaultSstDir()));
  });

  if (files.length === 0) {
    it('corpus present', function () {
      console.log(`skip: isa/sst-80286: no corpus at ${corpusDir} (set XVC_SST_DIR)`);
      this.skip();
    });
  }

  for (const file of files) {
    const form = formKeyFromFileName(basename(file));
    it(`form ${form}: every test passes or is a listed known difference, and >= 99.5% pass`, async function () {
      const subject = createReferenceSubject();
      await subject.reset({ cpu: 'i286', memorySize: 16 * 1024 * 1024 });
      const moo = await readMooFile(join(corpusDir, file));
      const result = await runSstFile(subject, moo, { cpu: 'i286', formKey: form, flagsMask: flagsMaskFor(metadata, form), revoked, known, maxFailureDetails: 3 });
      const detail = result.failures.map((f) => formatFailure(f, 'i286')).join('\n');
      expect(result.failed, `unexplained failures in form ${form}:\n${detail}`).to.equal(0);
      expect(result.passed / result.total, `pass rate of form ${form}`).to.be.at.least(MIN_PASS_RATE);
      const stale = [...known.values()].filter((k) => k.form === form && !result.knownFailed.includes(k.hash));
      expect(stale.map((k) => k.hash), `known differences of form ${form} that no longer fail (remove them)`).to.deep.equal([]);
    });
  }
});
