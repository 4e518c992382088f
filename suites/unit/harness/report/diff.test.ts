// Unit tests for harness/report/diff.ts (diffResults, regressed, formatDiff) and the command on
// top of it, harness/cli/report-diff.ts (`xvc report diff BASE NEW [--json]`).
//
// Oracle: hand-built result sets whose every outcome transition has a known category (the table
// in the test), and fast-check properties: a run diffed with itself shows no change, and no
// instance lands in two outcome categories. The command is checked end to end on run folders
// written by the harness's own writer: an unchanged run exits 0, and a deliberately introduced
// regression (one pass flipped to fail in both report.json and results.tap of a copy) exits 1 and
// names the instance, from the folder and from the TAP alone; once through the real CLI.
// Left out: colour and column layout of the text (only its content is checked).

import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { cp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as reportDiff } from '../../../../harness/cli/report-diff.ts';
import { InputError, UsageError } from '../../../../harness/cli/errors.ts';
import { diffResults, formatDiff, regressed, RESULT_DIFF_SCHEMA, type ResultDiff } from '../../../../harness/report/diff.ts';
import type { InstanceOutcome, ResultSet } from '../../../../harness/report/results-source.ts';
import type { Outcome } from '../../../../harness/report/tap-writer.ts';
import { expectOneLineError, runCli } from '../../../support/run-cli.ts';
import { skipBecause } from '../../../support/outcome.ts';
import { MIXED_RUN, scratchDir, writeFixtureRun } from './fixtures/run-folder.ts';

const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skip', 'known-fail'];

function set(source: string, results: InstanceOutcome[]): ResultSet {
  return { source, results };
}

function one(name: string, outcome: Outcome, extra: Partial<InstanceOutcome> = {}): InstanceOutcome {
  return { name, outcome, ...extra };
}

type Category = 'newFailures' | 'newErrors' | 'fixed' | 'newSkips' | 'otherChanges' | 'none';

/** Where a change from BASE outcome to NEW outcome of one instance belongs, straight from the brief. */
const EXPECTED_CATEGORY: Record<Outcome, Record<Outcome, Category>> = {
  pass: { pass: 'none', fail: 'newFailures', error: 'newErrors', skip: 'newSkips', 'known-fail': 'newSkips' },
  fail: { pass: 'fixed', fail: 'none', error: 'newErrors', skip: 'newSkips', 'known-fail': 'newSkips' },
  error: { pass: 'fixed', fail: 'newFailures', error: 'none', skip: 'newSkips', 'known-fail': 'newSkips' },
  skip: { pass: 'otherChanges', fail: 'newFailures', error: 'newErrors', skip: 'none', 'known-fail': 'otherChanges' },
  'known-fail': { pass: 'otherChanges', fail: 'newFailures', error: 'newErrors', skip: 'otherChanges', 'known-fail': 'none' },
};

const CATEGORIES = ['newFailures', 'newErrors', 'fixed', 'newSkips', 'otherChanges'] as const;

function categoriesOf(diff: ResultDiff, instance: string): string[] {
  return CATEGORIES.filter((c) => diff[c].some((change) => change.instance === instance));
}

describe('harness/report/diff', () => {
  it('puts every BASE -> NEW outcome transition in its one category', () => {
    for (const before of OUTCOMES) {
      for (const after of OUTCOMES) {
        const diff = diffResults(set('a', [one('x/y', before)]), set('b', [one('x/y', after)]));
        const want = EXPECTED_CATEGORY[before][after];
        expect(categoriesOf(diff, 'x/y'), `${before} -> ${after}`).to.deep.equal(want === 'none' ? [] : [want]);
        expect(regressed(diff), `${before} -> ${after} regressed`).to.equal(want === 'newFailures' || want === 'newErrors');
      }
    }
  });

  it('lists added and removed instances; an added failure or error is also new', () => {
    const diff = diffResults(
      set('a', [one('keep', 'pass'), one('gone', 'fail')]),
      set('b', [one('keep', 'pass'), one('new/ok', 'pass'), one('new/bad', 'fail', { reason: 'eip differs\nmore' }), one('new/err', 'error'), one('new/skip', 'skip')]),
    );
    expect(diff.added).to.deep.equal([
      { instance: 'new/ok', outcome: 'pass' },
      { instance: 'new/bad', outcome: 'fail' },
      { instance: 'new/err', outcome: 'error' },
      { instance: 'new/skip', outcome: 'skip' },
    ]);
    expect(diff.removed).to.deep.equal([{ instance: 'gone', outcome: 'fail' }]);
    expect(diff.newFailures).to.deep.equal([{ instance: 'new/bad', after: 'fail', reason: 'eip differs\nmore' }]);
    expect(diff.newErrors.map((c) => c.instance)).to.deep.equal(['new/err']);
    expect(diff.newSkips, 'an added skip is not a new skip: it never ran before either').to.deep.equal([]);
    expect(diff.fixed, 'a removed failure is not a fix').to.deep.equal([]);
    expect(regressed(diff)).to.equal(true);
  });

  it('reports a different failure of the same instance (hash changed), but not a failure with the same hash', () => {
    const diff = diffResults(
      set('a', [one('x/changed', 'fail', { failureHash: 'aaaaaaaaaaaa', reason: 'old' }), one('x/same', 'fail', { failureHash: 'bbbbbbbbbbbb' }), one('x/err', 'error', { failureHash: 'cccccccccccc' })]),
      set('b', [one('x/changed', 'fail', { failureHash: 'dddddddddddd', reason: 'new way to fail' }), one('x/same', 'fail', { failureHash: 'bbbbbbbbbbbb' }), one('x/err', 'error', { failureHash: 'eeeeeeeeeeee' })]),
    );
    expect(diff.changedFailures).to.deep.equal([
      { instance: 'x/changed', outcome: 'fail', beforeHash: 'aaaaaaaaaaaa', afterHash: 'dddddddddddd', beforeReason: 'old', afterReason: 'new way to fail' },
      { instance: 'x/err', outcome: 'error', beforeHash: 'cccccccccccc', afterHash: 'eeeeeeeeeeee' },
    ]);
    expect(regressed(diff), 'the brief: regressed means a new failure or a new error only').to.equal(false);
  });

  it('keeps the N largest absolute time changes, largest first, with the percent', () => {
    const base = set('a', [1, 2, 3, 4, 5, 6, 7].map((i) => one(`t/${i}`, 'pass', { ms: 100 })).concat([one('t/zero', 'pass', { ms: 0 }), one('t/untimed', 'pass')]));
    const afterMs = [150, 40, 100, 101, 400, 90, 180];
    const next = set('b', afterMs.map((ms, i) => one(`t/${i + 1}`, 'pass', { ms })).concat([one('t/zero', 'pass', { ms: 20 }), one('t/untimed', 'pass', { ms: 1e6 })]));
    const diff = diffResults(base, next);
    expect(diff.timeChanges.map((t) => [t.instance, t.deltaMs, t.percent])).to.deep.equal([
      ['t/5', 300, 300],
      ['t/7', 80, 80],
      ['t/2', -60, -60],
      ['t/1', 50, 50],
      ['t/zero', 20, null],
    ]);
    expect(diffResults(base, next, { topTimeChanges: 2 }).timeChanges.map((t) => t.instance)).to.deep.equal(['t/5', 't/7']);
    expect(diffResults(base, next, { topTimeChanges: 0 }).timeChanges).to.deep.equal([]);
  });

  it('formats a summary line first, then only the non-empty sections', () => {
    const diff = diffResults(
      set('reports/baselines/qemu', [one('a/1', 'pass'), one('a/2', 'pass'), one('a/3', 'fail'), one('a/4', 'skip')]),
      set('reports/run/qemu', [one('a/1', 'fail', { reason: 'eip 0x1000 vs 0x1002\n  disassembly here' }), one('a/2', 'fail'), one('a/3', 'pass'), one('a/4', 'skip')]),
      { topTimeChanges: 0 },
    );
    expect(formatDiff(diff)).to.deep.equal([
      'diff reports/baselines/qemu -> reports/run/qemu: 2 new failures, 0 new errors, 1 fixed, 0 new skips',
      '',
      'new failures (2):',
      '  a/1: pass -> fail: eip 0x1000 vs 0x1002',
      '  a/2: pass -> fail',
      '',
      'fixed (1):',
      '  a/3: fail -> pass',
    ]);
    const single = diffResults(set('a', [one('s', 'pass'), one('e', 'pass')]), set('b', [one('s', 'skip', { reason: 'no v86' }), one('e', 'error')]));
    expect(formatDiff(single)[0]).to.equal('diff a -> b: 0 new failures, 1 new error, 0 fixed, 1 new skip');
    expect(formatDiff(single)).to.include('  s: pass -> skip: no v86');
  });

  it('formats added, removed, changed failures, other changes and times', () => {
    const diff = diffResults(
      set('a', [one('gone', 'pass'), one('f', 'fail', { failureHash: '111111111111' }), one('s', 'skip'), one('t', 'pass', { ms: 100 })]),
      set('b', [one('new', 'pass'), one('f', 'fail', { failureHash: '222222222222', reason: 'other' }), one('s', 'pass'), one('t', 'pass', { ms: 250 })]),
    );
    const text = formatDiff(diff);
    expect(text).to.include.members([
      'added (1):', '  new: pass',
      'removed (1):', '  gone: was pass',
      'different failures (failure hash changed) (1):', '  f: fail 111111111111 -> 222222222222: other',
      'other outcome changes (1):', '  s: skip -> pass',
      'largest time changes (1):', '  t: 100 ms -> 250 ms (+150 ms, +150%)',
    ]);
  });

  it('drops a leading instance name from a reason, and flags runs of two different subjects', () => {
    const base: ResultSet = { source: 'ref', subject: 'reference', results: [one('isa/d~real', 'pass')] };
    const next: ResultSet = { source: 'q', subject: 'qemu', results: [one('isa/d~real', 'fail', { reason: "isa/d~real: 'qemu' differs" })] };
    const text = formatDiff(diffResults(base, next));
    expect(text[1]).to.equal("note: these are runs of different subjects ('reference' and 'qemu'), not two versions of one");
    expect(text).to.include("  isa/d~real: pass -> fail: 'qemu' differs");
    expect(formatDiff(diffResults(base, { ...next, subject: 'reference' })).join('\n')).not.to.include('note:');
  });

  const resultsArbitrary = fc.uniqueArray(
    fc.record({ name: fc.stringMatching(/^[a-c]\/[a-e]$/), outcome: fc.constantFrom(...OUTCOMES), failureHash: fc.constantFrom('aaaaaaaaaaaa', 'bbbbbbbbbbbb'), ms: fc.nat(1000) }),
    { selector: (r) => r.name, maxLength: 10 },
  );

  it('finds no change between a run and itself (property)', () => {
    fc.assert(
      fc.property(resultsArbitrary, (results) => {
        const diff = diffResults(set('a', results), set('b', structuredClone(results)));
        expect(regressed(diff)).to.equal(false);
        expect(formatDiff(diff)).to.deep.equal(['diff a -> b: 0 new failures, 0 new errors, 0 fixed, 0 new skips']);
      }),
    );
  });

  it('puts an instance in at most one outcome category, and says regressed exactly when NEW newly fails or errors (property)', () => {
    fc.assert(
      fc.property(resultsArbitrary, resultsArbitrary, (base, next) => {
        const diff = diffResults(set('a', base), set('b', next));
        for (const r of next) expect(categoriesOf(diff, r.name).length).to.be.at.most(1);
        const before = new Map(base.map((r) => [r.name, r.outcome]));
        const expected = next.some((r) => (r.outcome === 'fail' || r.outcome === 'error') && before.get(r.name) !== r.outcome);
        expect(regressed(diff)).to.equal(expected);
      }),
    );
  });
});

describe('xvc report diff (harness/cli/report-diff.ts)', function () {
  this.timeout(120_000);
  let dir = '';
  let baseRun = '';
  let sameRun = '';
  let regressedRun = '';
  const flipped = 'isa/golden~arith';

  before(async () => {
    dir = await scratchDir('report-diff');
    baseRun = join(dir, 'base');
    await writeFixtureRun(baseRun, MIXED_RUN);
    sameRun = join(dir, 'same');
    await cp(baseRun, sameRun, { recursive: true });
    // The deliberate regression: a copy of the run with one pass flipped to fail, in both files.
    regressedRun = join(dir, 'regressed');
    await cp(baseRun, regressedRun, { recursive: true });
    const json = join(regressedRun, 'report.json');
    const report = JSON.parse(await readFile(json, 'utf8')) as { instances: Array<Record<string, unknown>>; counts: Record<string, number> };
    const instance = report.instances.find((i) => i['name'] === flipped)!;
    instance['outcome'] = 'fail';
    instance['reason'] = 'eax 0x00000001 vs 0x00000002';
    report.counts['pass']! -= 1;
    report.counts['fail']! += 1;
    await writeFile(json, JSON.stringify(report, null, 2));
    const tapFile = join(regressedRun, 'results.tap');
    const tap = await readFile(tapFile, 'utf8');
    const passLine = `ok 1 - ${flipped}\n`;
    expect(tap, 'the fixture TAP starts with the flipped pass').to.include(passLine);
    await writeFile(tapFile, tap.replace(passLine, `not ok 1 - ${flipped}\n`));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(argv: string[]): Promise<{ status: number; out: string }> {
    let out = '';
    const status = await reportDiff(argv, (text) => {
      out += text;
    });
    return { status, out };
  }

  it('exits 0 on an unchanged run and says so', async () => {
    const { status, out } = await run([baseRun, sameRun]);
    expect(status).to.equal(0);
    expect(out.split('\n')[0]).to.equal(`diff ${baseRun} -> ${sameRun}: 0 new failures, 0 new errors, 0 fixed, 0 new skips`);
  });

  it('exits 1 on a deliberately introduced regression and names the instance (from the folders)', async () => {
    const { status, out } = await run([baseRun, regressedRun]);
    expect(status).to.equal(1);
    expect(out).to.include('1 new failure,');
    expect(out).to.include(`  ${flipped}: pass -> fail: eax 0x00000001 vs 0x00000002`);
  });

  it('exits 1 on the same regression read from the TAP files alone', async () => {
    const tapOnly = join(dir, 'regressed-tap-only');
    await cp(regressedRun, tapOnly, { recursive: true });
    await unlink(join(tapOnly, 'report.json'));
    const { status, out } = await run([join(baseRun, 'results.tap'), tapOnly]);
    expect(status).to.equal(1);
    expect(out).to.include(`  ${flipped}: pass -> fail`);
  });

  it('prints the diff as JSON with --json', async () => {
    const { status, out } = await run([baseRun, regressedRun, '--json']);
    expect(status).to.equal(1);
    const diff = JSON.parse(out) as ResultDiff;
    expect(diff.schema).to.equal(RESULT_DIFF_SCHEMA);
    expect(diff.newFailures.map((c) => [c.instance, c.before, c.after])).to.deep.equal([[flipped, 'pass', 'fail']]);
  });

  it('refuses a wrong argument count or an unknown option as a usage error', async () => {
    for (const argv of [[], [baseRun], [baseRun, sameRun, regressedRun], [baseRun, sameRun, '--colour']]) {
      const error = await run(argv).then(() => undefined, (e: unknown) => e);
      expect(error, argv.join(' ')).to.be.instanceOf(UsageError);
      expect((error as Error).message).not.to.include('\n');
    }
    const bad = await run([baseRun, sameRun, '--times', 'many']).then(() => undefined, (e: unknown) => e);
    expect(bad).to.be.instanceOf(UsageError);
  });

  it('refuses a missing run with an input error naming it', async () => {
    const missing = join(dir, 'nope');
    const error = await run([baseRun, missing]).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(InputError);
    expect((error as Error).message).to.include(missing);
  });

  it('works through the real CLI: xvc report diff exits 1 naming the regression, 2 on bad usage', async function () {
    const dispatcher = fileURLToPath(new URL('../../../../harness/cli/report.ts', import.meta.url));
    if (!existsSync(dispatcher)) skipBecause(this, 'harness/cli/report.ts (the `xvc report` dispatcher, owned by the lead) does not exist yet');
    const regression = await runCli(['report', 'diff', baseRun, regressedRun], 60_000);
    expect(regression.code, regression.stderr).to.equal(1);
    expect(regression.stdout).to.include(`  ${flipped}: pass -> fail`);
    expectOneLineError(await runCli(['report', 'diff', baseRun], 60_000), 2, /two runs/);
  });
});
