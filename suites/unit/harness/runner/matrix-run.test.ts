/**
 * `xvc run` as a matrix and as a regression tracker, end to end as a user runs it, on synthetic
 * suites in a scratch folder: several subjects give one folder each plus matrix.json and the page;
 * --baseline catches a regression introduced on purpose and passes an unchanged run; a subject's
 * waiver turns exactly the failure it names into a known-fail and a waiver that matches nothing
 * is reported stale; and the bad-input paths (a waiver file with a bad entry, a history that
 * cannot be written, a history with a corrupt line, a truncated TAP given to `xvc report diff`)
 * each give one line and lose nothing.
 *
 * Models no hardware.
 */

import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectOneLineError, runCli } from '../../../support/run-cli.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = join(root, 'reports', 'tmp-matrix-run-test');
const suitesDir = join(scratch, 'suites');
const waiversDir = join(scratch, 'waivers');
const history = join(scratch, 'history.jsonl');

/**
 * demo/flaky-on-purpose fails only when the scratch file `regress` exists: the regression a test
 * introduces on purpose, without touching the suite.
 */
const SYNTHETIC = `
import { existsSync } from 'node:fs';
const budget = { quick: 2, full: 4, soak: 8 };
const base = { tags: ['synthetic'], needs: {}, budget };
export const instances = [
  { ...base, name: 'demo/pass', run: async (subjects, ctx) => { const s = await subjects(); await s.close(); ctx.cover('Add_rm32_r32', 'prot32'); return { outcome: 'pass', cases: ctx.runs }; } },
  { ...base, name: 'demo/fail', run: async () => ({ outcome: 'fail', reason: 'demo/fail: eax 0x2, expected 0x3\\n  00001000  01 c0   add eax, eax', diag: { signature: 'Add_rm32_r32: eax' } }) },
  { ...base, name: 'demo/regresses', run: async () => existsSync(${JSON.stringify(join(scratch, 'regress'))}) ? { outcome: 'fail', reason: 'regressed on purpose' } : { outcome: 'pass' } },
];
`;

const SECOND_SUBJECT = `export { createReferenceSubject as createSubject } from ${JSON.stringify(join(root, 'harness/adapters/reference/index.ts'))};\n`;

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe('xvc run: matrix, baseline, waivers, history', function () {
  this.timeout(180_000);
  const run = (args: string[]): ReturnType<typeof runCli> => runCli(['run', '--suites-dir', suitesDir, '--seed', '3', '--history', history, '--waivers', waiversDir, ...args], 60_000);

  beforeEach(function () {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(suitesDir, { recursive: true });
    mkdirSync(waiversDir, { recursive: true });
    writeFileSync(join(suitesDir, 'demo.suite.ts'), SYNTHETIC);
    writeFileSync(join(scratch, 'second.ts'), SECOND_SUBJECT);
  });
  after(function () {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('several subjects: a folder each, matrix.json with every cell, the page, one history entry each', async function () {
    const out = join(scratch, 'm');
    const r = await run(['--adapter', `reference,${join(scratch, 'second.ts')}`, '--out', out]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout.trim().split('\n').at(-1)).to.equal('xvc: 4 passed, 2 failed, 0 skipped');
    for (const subject of ['reference', 'second']) {
      const report = readJson<{ subject: { name: string }; counts: Record<string, number> }>(join(out, subject, 'report.json'));
      expect(report.subject.name).to.equal(subject);
      expect(report.counts).to.deep.equal({ pass: 2, fail: 1, error: 0, skip: 0, 'known-fail': 0 });
      for (const file of ['results.tap', 'junit.xml', 'isa-coverage.json']) expect(statSync(join(out, subject, file)).size).to.be.greaterThan(0);
    }
    const matrix = readJson<{ schema: string; subjects: Array<{ name: string; reportDir: string }>; suites: string[]; cells: Array<{ suite: string; subject: string; counts: Record<string, number> }>; divergences: Array<{ subject: string; instance: string; detail: string[]; hash: string }> }>(join(out, 'matrix.json'));
    expect(matrix.schema).to.equal('xvc-matrix/1');
    expect(matrix.subjects.map((s) => [s.name, s.reportDir])).to.deep.equal([['reference', 'reference'], ['second', 'second']]);
    expect(matrix.suites).to.deep.equal(['demo/fail', 'demo/pass', 'demo/regresses']);
    expect(matrix.cells).to.have.length(6);
    expect(matrix.cells.find((c) => c.suite === 'demo/fail' && c.subject === 'second')!.counts.fail).to.equal(1);
    const divergence = matrix.divergences.find((d) => d.subject === 'second')!;
    expect(divergence.instance).to.equal('demo/fail');
    expect(divergence.detail.join('\n'), 'the minimal program travels with the divergence').to.contain('add eax, eax');
    expect(divergence.hash).to.match(/^[0-9a-f]{12}$/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).to.contain('xvc-matrix/1');
    const entries = readFileSync(history, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { subject: string; at: string });
    expect(entries.map((e) => e.subject)).to.deep.equal(['reference', 'second']);
    expect(entries[0]!.at, 'one run is one point in time').to.equal(entries[1]!.at);
  });

  it('--baseline: a regression introduced on purpose exits 1 and is named; an unchanged run exits 0', async function () {
    const baseline = join(scratch, 'baseline');
    const made = await run(['--grep', '^demo/(pass|regresses)$', '--out', baseline]);
    expect(made.code, made.stdout + made.stderr).to.equal(0);
    const same = await run(['--grep', '^demo/(pass|regresses)$', '--out', join(scratch, 'same'), '--baseline', baseline]);
    expect(same.code, same.stdout + same.stderr).to.equal(0);
    expect(same.stdout).to.match(/0 new failures, 0 new errors, 0 fixed, 0 new skips/);
    writeFileSync(join(scratch, 'regress'), '');
    const worse = await run(['--grep', '^demo/(pass|regresses)$', '--out', join(scratch, 'worse'), '--baseline', baseline, '--fail-on', 'error']);
    expect(worse.code, '--fail-on error: the diff is printed, and only a new error would fail the run').to.equal(0);
    const failed = await run(['--grep', '^demo/(pass|regresses)$', '--out', join(scratch, 'worse'), '--baseline', baseline]);
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.match(/1 new failure\b/);
    expect(failed.stdout).to.match(/demo\/regresses/);
    // The same through `xvc report diff` on the folders, and on the TAP files.
    const diff = await runCli(['report', 'diff', baseline, join(scratch, 'worse')], 30_000);
    expect(diff.code).to.equal(1);
    expect(diff.stdout).to.match(/demo\/regresses/);
    expect((await runCli(['report', 'diff', join(baseline, 'results.tap'), join(scratch, 'same', 'results.tap')], 30_000)).code).to.equal(0);
  });

  it('a waiver turns exactly the failure it names into a known-fail; one that matches nothing is stale', async function () {
    const first = await run(['--grep', '^demo/fail$', '--out', join(scratch, 'w0')]);
    const hash = readJson<{ instances: Array<{ diag: { failure_hash: string } }> }>(join(scratch, 'w0', 'report.json')).instances[0]!.diag.failure_hash;
    expect(first.code).to.equal(1);
    mkdirSync(join(waiversDir, 'reference'));
    writeFileSync(join(waiversDir, 'reference', 'waivers.json'), JSON.stringify({
      schema: 'xvc-waivers/1',
      subject: 'reference',
      waivers: [
        { instance: 'demo/fail', hash, reason: 'the synthetic failure, accepted for this test', link: 'https://example.org/xvc/demo-fail' },
        { instance: 'demo/pass', hash: '0123456789ab', reason: 'a waiver for a failure that no longer happens', link: 'https://example.org/xvc/stale' },
      ],
    }));
    const waived = await run(['--grep', '^demo/(fail|pass)$', '--out', join(scratch, 'w1')]);
    expect(waived.code, waived.stdout + waived.stderr).to.equal(0);
    const report = readJson<{ instances: Array<{ name: string; outcome: string; reason: string }> }>(join(scratch, 'w1', 'report.json'));
    const failInstance = report.instances.find((i) => i.name === 'demo/fail')!;
    expect(failInstance.outcome).to.equal('known-fail');
    expect(failInstance.reason).to.match(/^waived: the synthetic failure.*was: demo\/fail: eax 0x2/);
    expect(waived.stdout).to.match(/stale waiver in .*waivers\.json: demo\/pass 0123456789ab/);
    const matrix = readJson<{ divergences: Array<{ instance: string; outcome: string; hash: string; detail: string[] }> }>(join(scratch, 'w1', 'matrix.json'));
    const divergence = matrix.divergences.find((d) => d.instance === 'demo/fail')!;
    expect(divergence.outcome).to.equal('known-fail');
    expect(divergence.hash, 'the page shows the hash the waiver names').to.equal(hash);
    expect(divergence.detail.join('\n'), 'and the waived failure\'s program').to.contain('add eax, eax');
    expect(waived.stdout.trim().split('\n').at(-1)).to.equal('xvc: 1 passed, 0 failed, 1 skipped');
  });

  it('a waiver file with a bad entry is one line naming the file, entry and field, and overwrites no report', async function () {
    const out = join(scratch, 'bad');
    expect((await run(['--grep', '^demo/pass$', '--out', out])).code).to.equal(0);
    const before = readFileSync(join(out, 'report.json'), 'utf8');
    mkdirSync(join(waiversDir, 'reference'));
    writeFileSync(join(waiversDir, 'reference', 'waivers.json'), JSON.stringify({ schema: 'xvc-waivers/1', subject: 'reference', waivers: [{ instance: 'demo/fail', hash: 'not-a-hash', reason: 'a reason long enough', link: 'https://example.org/x' }] }));
    expectOneLineError(await run(['--grep', '^demo/pass$', '--out', out]), 1, /waivers\.json: waiver 1: 'hash' must be 12 hex digits/);
    expect(readFileSync(join(out, 'report.json'), 'utf8'), 'the earlier report is untouched').to.equal(before);
  });

  it('a history that cannot be written is one line after the reports are written; a corrupt line is kept and named', async function () {
    mkdirSync(join(scratch, 'history-is-a-folder.jsonl'));
    const out = join(scratch, 'h');
    const r = await runCli(['run', '--suites-dir', suitesDir, '--seed', '3', '--waivers', 'none', '--grep', '^demo/pass$', '--out', out, '--history', join(scratch, 'history-is-a-folder.jsonl')], 60_000);
    expect(r.code).to.equal(1);
    const errors = r.stderr.trim().split('\n').filter((l) => l.startsWith('xvc: '));
    expect(errors.some((l) => /history not appended: .*history-is-a-folder\.jsonl/.test(l)), r.stderr).to.equal(true);
    expect(readJson<{ counts: { pass: number } }>(join(out, 'report.json')).counts.pass, 'the run\'s own reports are written').to.equal(1);

    const corrupt = '{"schema":"xvc-history/1","at":"2026-12-01T00:00:00.000Z", cut off her';
    writeFileSync(history, `${corrupt}\n`);
    const again = await run(['--grep', '^demo/pass$', '--out', out]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.match(/history\.jsonl line 1: not JSON/);
    const lines = readFileSync(history, 'utf8').split('\n');
    expect(lines[0], 'the corrupt line is kept byte for byte').to.equal(corrupt);
    expect(JSON.parse(lines[1]!)).to.include({ subject: 'reference' });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).to.match(/history\.jsonl line 1: not JSON/);
  });

  it('xvc report diff on a truncated TAP is one line naming the file', async function () {
    const out = join(scratch, 't');
    expect((await run(['--out', out, '--fail-on', 'never'])).code).to.equal(0);
    const tap = readFileSync(join(out, 'results.tap'), 'utf8');
    const truncated = join(scratch, 'truncated.tap');
    writeFileSync(truncated, tap.slice(0, Math.floor(tap.length / 2)));
    copyFileSync(join(out, 'results.tap'), join(scratch, 'whole.tap'));
    expectOneLineError(await runCli(['report', 'diff', join(scratch, 'whole.tap'), truncated], 30_000), 1, /truncated\.tap/);
  });
});
