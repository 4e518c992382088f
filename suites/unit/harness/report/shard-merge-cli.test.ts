// End-to-end test of `xvc run --shard K/N` and `xvc report merge`, run as child processes the way
// a CI matrix runs them. Oracle: the same selection run unsharded with the same seed; for N = 1,
// 2 and 3 the merge of the N shard folders must equal it by comparableRun (harness/report/merge.ts),
// and its results.tap and junit.xml must equal the unsharded ones once durations are normalised.
// Also the CLI's one-line errors for a missing --out, an --out that is a shard, and a corrupt shard.
// Left out: matrix runs over several adapters (merge.test.ts merges synthetic matrix roots), and
// the checks of mismatched shards (merge.test.ts).

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { comparableRun } from '../../../../harness/report/merge.ts';
import type { RunReport } from '../../../../harness/report/run-report.ts';
import { skipBecause } from '../../../support/outcome.ts';
import { expectOneLineError, runCli, type CliResult } from '../../../support/run-cli.ts';

const REPORT_COMMAND = fileURLToPath(new URL('../../../../harness/cli/report.ts', import.meta.url));
/** Small and quick: ten golden traces and one generated exception table, about 2 s of running. */
const SELECTION = ['--suite', 'isa/golden', '--suite', 'isa/exceptions-real~i286', '--seed', '5'];
const SHARD_COUNTS = [1, 2, 3];
const RUN_TIMEOUT_MS = 60_000;
/** The machine has two shared cores: more child processes at once only slows each down. */
const PARALLEL = 2;

/** Runs the tasks, at most `limit` at a time, and returns their results in order. */
async function inParallel<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function expectSuccess(r: CliResult, what: string): void {
  expect(r.code, `${what} exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(-2000)}`).to.equal(0);
}

/** Durations differ between any two runs; everything else in TAP and JUnit must not. */
function withoutDurations(text: string): string {
  return text
    .replace(/duration_ms: \d+/g, 'duration_ms: N')
    .replace(/ time="[^"]*"/g, ' time="T"')
    .replace(/ timestamp="[^"]*"/g, ' timestamp="T"');
}

async function readReport(dir: string): Promise<RunReport> {
  return JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunReport;
}

describe('xvc run --shard K/N + xvc report merge (end to end)', function () {
  this.timeout(180_000);
  let root: string;
  let history: string;

  before(async function () {
    if (!existsSync(REPORT_COMMAND)) skipBecause(this, 'xvc report (harness/cli/report.ts) is not wired yet');
    root = await mkdtemp(join(tmpdir(), 'xvc-shard-merge-'));
    // Runs append to a history; keep the repository's reports/history.jsonl out of it.
    history = join(root, 'history.jsonl');
    const runs = [
      { out: join(root, 'unsharded'), shard: [] as string[] },
      ...SHARD_COUNTS.flatMap((n) => Array.from({ length: n }, (_, k) => ({ out: join(root, `s${n}-${k + 1}`), shard: ['--shard', `${k + 1}/${n}`] }))),
    ];
    const results = await inParallel(runs.map((run) => () => runCli(['run', ...SELECTION, ...run.shard, '--out', run.out, '--history', history], RUN_TIMEOUT_MS)), PARALLEL);
    results.forEach((r, i) => expectSuccess(r, `xvc run ${runs[i]!.shard.join(' ')}`));
    const merges = await inParallel(
      SHARD_COUNTS.map((n) => () => runCli(['report', 'merge', '--out', join(root, `merged-${n}`), '--history', history, ...Array.from({ length: n }, (_, k) => join(root, `s${n}-${k + 1}`))], RUN_TIMEOUT_MS)),
      PARALLEL,
    );
    merges.forEach((r, i) => {
      expectSuccess(r, `xvc report merge (N = ${SHARD_COUNTS[i]})`);
      expect(r.stdout).to.include(`xvc report merge: ${SHARD_COUNTS[i]} shard`);
      expect(r.stdout.trimEnd().split('\n').at(-1)).to.match(/^xvc: \d+ passed, 0 failed, \d+ skipped$/);
    });
  });

  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const n of SHARD_COUNTS) {
    it(`N = ${n}: each shard ran only its part, and together they ran the selection once`, async () => {
      const unsharded = await readReport(join(root, 'unsharded'));
      const parts = await Promise.all(Array.from({ length: n }, (_, k) => readReport(join(root, `s${n}-${k + 1}`))));
      parts.forEach((part, k) => {
        expect(part.shard).to.deep.equal({ index: k + 1, count: n });
        expect(part.selection).to.deep.equal(unsharded.instances.map((i) => i.name));
      });
      const names = parts.flatMap((p) => p.instances.map((i) => i.name));
      expect([...names].sort()).to.deep.equal(unsharded.instances.map((i) => i.name).sort());
      const sizes = parts.map((p) => p.instances.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).to.be.at.most(1);
    });

    it(`N = ${n}: the merge equals the unsharded run (comparableRun, TAP and JUnit up to durations)`, async () => {
      const merged = join(root, `merged-${n}`);
      const unsharded = join(root, 'unsharded');
      const report = await readReport(merged);
      expect(report).to.not.have.property('shard');
      expect(comparableRun(report)).to.deep.equal(comparableRun(await readReport(unsharded)));
      for (const file of ['results.tap', 'junit.xml']) {
        expect(withoutDurations(await readFile(join(merged, file), 'utf8')), file).to.equal(withoutDurations(await readFile(join(unsharded, file), 'utf8')));
      }
      const matrix = JSON.parse(await readFile(join(merged, 'matrix.json'), 'utf8')) as { shard?: unknown; subjects: Array<{ reportDir: string }> };
      expect(matrix.shard).to.deep.equal({ merged: n });
      expect(matrix.subjects.map((s) => s.reportDir)).to.deep.equal(['.']);
      expect(existsSync(join(merged, 'index.html'))).to.equal(true);
    });
  }

  it('refuses a missing --out, and an --out that is a shard, with one line (exit 2)', async () => {
    const [noOut, outIsShard] = await inParallel([
      () => runCli(['report', 'merge', join(root, 's2-1'), join(root, 's2-2')], RUN_TIMEOUT_MS),
      () => runCli(['report', 'merge', '--out', join(root, 's2-1'), join(root, 's2-1'), join(root, 's2-2')], RUN_TIMEOUT_MS),
    ], PARALLEL);
    expectOneLineError(noOut!, 2, /needs --out DIR/);
    expectOneLineError(outIsShard!, 2, /--out .*s2-1 is also one of the shard folders/);
  });

  it('refuses a shard whose report.json is cut off with one line naming it (exit 1), and writes nothing', async () => {
    const broken = join(root, 's2-2', 'report.json');
    const text = await readFile(broken, 'utf8');
    await writeFile(broken, text.slice(0, 100));
    try {
      const out = join(root, 'merged-broken');
      const r = await runCli(['report', 'merge', '--out', out, '--history', history, join(root, 's2-1'), join(root, 's2-2')], RUN_TIMEOUT_MS);
      expectOneLineError(r, 1, /report\.json is not valid JSON/);
      expect(r.stderr).to.include(broken);
      expect(existsSync(out)).to.equal(false);
    } finally {
      await writeFile(broken, text);
    }
  });
});
