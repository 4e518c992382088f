/**
 * `npm run conformance`: the main job. Runs the conformance suites against the embedded
 * reference adapter and writes reports to reports/conformance/:
 * - `reference.tap`: one TAP test point per suite instance (tap-parser stringify);
 * - `reference.json`: the results with per-form counts (schema 1).
 * Suites so far: isa/sst-80286 (one instance per corpus form). The suite runner with the full
 * instance model (`xvc run`) replaces this script's loop when it lands.
 */

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReferenceSubject } from '../adapters/reference/index.ts';
import { defaultSstDir, flagsMaskFor, formKeyFromFileName, listMooFiles, REAL_MODE_SUBDIR } from '../sst/corpus.ts';
import { loadSstContext } from '../sst/context.ts';
import { readMooFile } from '../sst/moo.ts';
import { runSstFile } from '../sst/run-sst.ts';
import { closingLines, countOutcomes, toTap, writeAtomic, type InstanceResult } from '../report/tap-writer.ts';

const REPORT_DIR = fileURLToPath(new URL('../../reports/conformance/', import.meta.url));
const MIN_PASS_RATE = 0.995;

const results: InstanceResult[] = [];
const corpusDir = join(defaultSstDir(), REAL_MODE_SUBDIR);
if (!existsSync(corpusDir)) {
  const reason = `no SingleStepTests corpus at ${corpusDir} (set XVC_SST_DIR)`;
  console.log(`skip: isa/sst-80286: ${reason}`);
  results.push({ name: 'isa/sst-80286', outcome: 'skip', reason });
} else {
  const { metadata, revoked, known } = await loadSstContext(defaultSstDir());
  const subject = createReferenceSubject();
  await subject.reset({ cpu: 'i286', memorySize: 16 * 1024 * 1024 });
  for (const path of await listMooFiles(corpusDir)) {
    const form = formKeyFromFileName(basename(path));
    const r = await runSstFile(subject, await readMooFile(path), { cpu: 'i286', formKey: form, flagsMask: flagsMaskFor(metadata, form), revoked, known });
    const rate = r.total ? r.passed / r.total : 0;
    const diag = { total: r.total, passed: r.passed, failed: r.failed, knownFail: r.knownFail, revoked: r.revoked, passRate: Number(rate.toFixed(5)) };
    const name = `isa/sst-80286~${form}`;
    const outcome = r.failed > 0 || rate < MIN_PASS_RATE ? 'fail' : 'pass';
    results.push({ name, outcome, diag: outcome === 'fail' ? { ...diag, firstFailure: r.failures[0] } : diag });
    console.log(`${outcome === 'pass' ? 'ok  ' : 'FAIL'} ${name.padEnd(24)} ${r.passed}/${r.total} (${(100 * rate).toFixed(2)}%)${r.knownFail ? `, ${r.knownFail} known differences` : ''}`);
  }
  await subject.close();
}

const counts = countOutcomes(results);
await writeAtomic(join(REPORT_DIR, 'reference.tap'), toTap(results));
await writeAtomic(join(REPORT_DIR, 'reference.json'), `${JSON.stringify({ schema: 1, subject: 'reference', cpu: 'i286', counts, results }, null, 2)}\n`);
console.log(`reports written to ${REPORT_DIR}`);
for (const line of closingLines(counts)) console.log(line);
process.exitCode = counts.fail + counts.error > 0 ? 1 : 0;
