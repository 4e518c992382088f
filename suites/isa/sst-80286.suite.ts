/**
 * isa/sst-80286: the SingleStepTests 80286 real-mode corpus (captured from a Harris 80C286),
 * one instance per form file, against any subject that runs real mode as an i286.
 *
 * Oracle: the real hardware's final registers and RAM, with only the corpus's own masks
 * (metadata.json undefined flags, the revocation list, the file masks). Each form must pass every
 * test except those listed, with a reason, in fixtures/sst/known-differences-80286.json, and at
 * least 99.5% overall; a listed difference that no longer fails is a failure too (stale entry).
 * Leaves out: bus-cycle timing and prefetch-queue behaviour. The corpus is external
 * (XVC_SST_DIR): when it is absent every instance is a skip that says where it looked.
 */

import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CpuFault, decodeBytes, FORMS, cpuModel } from '../../reference-emulator/index.ts';
import { defaultSstDir, flagsMaskFor, formKeyFromFileName, REAL_MODE_SUBDIR } from '../../harness/sst/corpus.ts';
import { loadSstContext, type SstContext } from '../../harness/sst/context.ts';
import { readMooFile } from '../../harness/sst/moo.ts';
import { runSstFile, runSstTest, sstCase } from '../../harness/sst/run-sst.ts';
import type { MooFile, MooTest } from '../../harness/sst/moo.ts';
import { formatFailure } from '../../harness/cli/sst.ts';
import { fail, pass, skip, type SuiteInstance } from '../../harness/suite/model.ts';

const MIN_PASS_RATE = 0.995;
/** Every file holds 5000 tests; a tier can run fewer (the first N) but never more. */
const TESTS_PER_FILE = 5000;
const corpusDir = join(defaultSstDir(), REAL_MODE_SUBDIR);

let context: Promise<SstContext> | undefined;
const sstContext = (): Promise<SstContext> => (context ??= loadSstContext(defaultSstDir()));

/** Mutants this suite must kill, by the form file whose tests exercise the broken handler. */
const KILLS: Record<string, readonly string[]> = {
  '19': ['sbb-ignores-cf'],
  'F7.6': ['de-pushes-next-ip'],
  E8: ['call-rel16-no-ip-wrap'],
};

function instanceFor(file: string): SuiteInstance {
  const form = formKeyFromFileName(basename(file));
  const name = `isa/sst-80286~${form}`;
  const reproOf = async (moo: MooFile, test: MooTest) => {
    const { metadata } = await sstContext();
    return sstCase(test, flagsMaskFor(metadata, form), { m16: moo.fileMask16, m32: moo.fileMask32 }, name, `SingleStepTests 80286 ${REAL_MODE_SUBDIR}/${file}`);
  };
  return {
    name,
    tags: ['corpus', 'real-mode', 'i286', 'hardware-captured'],
    needs: { modes: ['real'], cpuModels: ['i286'] },
    budget: { quick: TESTS_PER_FILE, full: TESTS_PER_FILE, soak: TESTS_PER_FILE },
    ...(KILLS[form] ? { kills: KILLS[form] } : {}),
    async run(subjects, ctx) {
      const { metadata, revoked, known } = await sstContext();
      const moo = await readMooFile(join(corpusDir, file));
      const tests = moo.tests.slice(0, ctx.runs);
      const model = cpuModel('i286');
      for (const test of tests) {
        // A test whose prefixes push it past the 286's 10-byte limit decodes to #GP(0): it
        // exercises the length rule, not the form, so it adds no form coverage.
        try {
          ctx.cover(FORMS[decodeBytes(test.bytes, { model, code32: false }).form]!.id, 'real');
        } catch (error) {
          if (!(error instanceof CpuFault)) throw error;
        }
      }
      const subject = await subjects();
      try {
        await subject.reset({ cpu: 'i286', memorySize: 16 * 1024 * 1024 });
        const result = await runSstFile(subject, { ...moo, tests }, { cpu: 'i286', formKey: form, flagsMask: flagsMaskFor(metadata, form), revoked, known, maxFailureDetails: 3 });
        const diag = { form, tests: result.total, passed: result.passed, knownFail: result.knownFail, revoked: result.revoked };
        if (result.failed > 0) {
          const first = result.failures[0];
          const verdict = fail(`${result.failed}/${result.total} tests of form ${form} fail (first: test ${first?.index ?? '?'} ${first?.hash ?? ''})`, { ...diag, failed: result.failed, failures: result.failures.map((f) => formatFailure(f, 'i286')) }, result.total);
          const firstTest = tests.find((t) => t.hash === first?.hash);
          return firstTest ? { ...verdict, repro: await reproOf(moo, firstTest) } : verdict;
        }
        if (result.passed / result.total < MIN_PASS_RATE) return fail(`form ${form} passes ${result.passed}/${result.total}, below ${MIN_PASS_RATE * 100}%`, diag, result.total);
        if (tests.length === moo.tests.length) {
          const stale = [...known.values()].filter((k) => k.form === form && !result.knownFailed.includes(k.hash));
          if (stale.length > 0) return fail(`known differences of form ${form} no longer fail (remove them): ${stale.map((k) => k.hash).join(', ')}`, diag, result.total);
        }
        return pass(result.total, diag);
      } finally {
        await subject.close();
      }
    },
    async reproduce(caseId, subjects, ctx) {
      const moo = await readMooFile(join(corpusDir, file));
      const test = moo.tests.find((t) => t.hash === caseId);
      if (!test) return undefined;
      const { metadata, known } = await sstContext();
      const repro = await reproOf(moo, test);
      const subject = await subjects();
      try {
        await subject.reset({ cpu: 'i286', memorySize: repro.memorySize });
        const failure = await runSstTest(subject, test, flagsMaskFor(metadata, form), { m16: moo.fileMask16, m32: moo.fileMask32 });
        ctx.log(`test ${test.index} of ${file}: ${failure ? 'fails' : 'passes'}${known.has(caseId) ? ` (a listed known difference: ${known.get(caseId)!.reason})` : ''}`);
        if (!failure) return { ...pass(1), repro };
        return { ...fail(`test ${test.index} ${test.hash} of form ${form} fails`, { failure: formatFailure(failure, 'i286') }, 1), repro };
      } finally {
        await subject.close();
      }
    },
  };
}

const files = existsSync(corpusDir) ? readdirSync(corpusDir).filter((f) => /\.moo(\.gz)?$/i.test(f)).sort() : [];

export const instances: readonly SuiteInstance[] = files.length > 0
  ? files.map(instanceFor)
  : [{
      name: 'isa/sst-80286',
      tags: ['corpus', 'real-mode', 'i286'],
      needs: { modes: ['real'] },
      budget: { quick: 1, full: 1, soak: 1 },
      run: async () => skip(`no SingleStepTests 80286 corpus at ${corpusDir} (set XVC_SST_DIR)`),
    }];
