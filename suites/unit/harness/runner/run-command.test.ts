/**
 * `xvc run` end to end, on synthetic suites written to a scratch folder (so they are never part
 * of the real run): every one of the five outcomes lands in TAP (parsed back with tap-parser),
 * in JUnit XML (parsed with junit2json, a JUnit consumer) and in the versioned JSON report; an
 * instance that kills its worker process is `error: subject-crash`, one that hangs past its
 * limit `error: timeout`, and the run goes on after both; selection and bad options give one
 * line. Also the real corpus suite through the runner with the ISA coverage report.
 *
 * Models no hardware.
 */

import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, type Result } from 'tap-parser';
import { parse as parseJunit } from 'junit2json';
import { expectOneLineError, runCli } from '../../../support/run-cli.ts';
import { skipBecause } from '../../../support/outcome.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = join(root, 'reports', 'tmp-runner-test');
const suitesDir = join(scratch, 'suites');
const outDir = join(scratch, 'out');

/** Suites with no imports: each instance decides its verdict without a subject. */
const SYNTHETIC = `
const budget = { quick: 3, full: 10, soak: 100 };
const base = { tags: ['synthetic'], needs: {}, budget };
export const instances = [
  { ...base, name: 'demo/pass', run: async (subjects, ctx) => { const s = await subjects(); await s.close(); ctx.cover('Add_rm32_r32', 'prot32'); return { outcome: 'pass', cases: ctx.runs }; } },
  { ...base, name: 'demo/fail', run: async () => ({ outcome: 'fail', reason: 'eax 0x2 <expected 0x3> & <odd> "chars"', diag: { step: 4 } }) },
  { ...base, name: 'demo/throws', run: async () => { const e = new Error('expected 1 to equal 2'); e.name = 'AssertionError'; throw e; } },
  { ...base, name: 'demo/harness-bug', run: async () => { throw new TypeError('x is undefined'); } },
  { ...base, name: 'demo/needs-snapshot', needs: { snapshot: true }, run: async () => ({ outcome: 'pass' }) },
  { ...base, name: 'demo/known', run: async () => ({ outcome: 'known-fail', reason: 'documented difference' }) },
  { ...base, name: 'demo/hangs', timeoutMs: 300, run: async () => { for (;;) {} } },
  { ...base, name: 'demo/crashes', run: async () => { process.exit(7); } },
  { ...base, name: 'demo/zz-after', run: async () => ({ outcome: 'pass' }) },
];
`;

function tapAsserts(text: string): Result[] {
  const asserts: Result[] = [];
  const parser = new Parser();
  parser.on('assert', (r: Result) => asserts.push(r));
  parser.end(text);
  return asserts;
}

describe('xvc run (harness runner)', function () {
  this.timeout(120_000);

  before(function () {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(suitesDir, { recursive: true });
    writeFileSync(join(suitesDir, 'demo.suite.ts'), SYNTHETIC);
  });
  after(function () {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reports all five outcomes in TAP, JUnit and JSON, survives a crash and a hang (--jobs 2)', async function () {
    const r = await runCli(['run', '--suites-dir', suitesDir, '--out', outDir, '--jobs', '2', '--seed', '42', '--tier', 'full'], 60_000);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/seed 42/);
    expect(r.stdout.trim().split('\n').at(-1)).to.equal('xvc: 2 passed, 5 failed, 2 skipped');

    const asserts = tapAsserts(readFileSync(join(outDir, 'results.tap'), 'utf8'));
    const byName = new Map(asserts.map((a) => [a.name, a]));
    expect([...byName.keys()]).to.deep.equal(['demo/crashes', 'demo/fail', 'demo/hangs', 'demo/harness-bug', 'demo/known', 'demo/needs-snapshot', 'demo/pass', 'demo/throws', 'demo/zz-after']);
    expect(byName.get('demo/pass')!.ok).to.equal(true);
    expect(byName.get('demo/fail')!.ok).to.equal(false);
    expect(byName.get('demo/throws')!.ok).to.equal(false);
    expect(byName.get('demo/crashes')!.diag).to.include({ kind: 'subject-crash' });
    expect(byName.get('demo/hangs')!.diag).to.include({ kind: 'timeout' });
    expect(byName.get('demo/harness-bug')!.diag).to.include({ kind: 'harness' });
    expect(byName.get('demo/needs-snapshot')!.skip).to.match(/lacks snapshots/);
    expect(byName.get('demo/known')!.todo).to.equal('documented difference');
    expect(byName.get('demo/zz-after')!.ok, 'the run goes on after a crash').to.equal(true);

    const junit = (await parseJunit(readFileSync(join(outDir, 'junit.xml'), 'utf8'))) as { tests?: number; failures?: number; errors?: number; skipped?: number; testsuite?: Array<{ testcase?: Array<{ name: string; failure?: Array<{ message?: string }>; error?: Array<{ type?: string }> }> }> };
    expect(junit).to.include({ tests: 9, failures: 2, errors: 3, skipped: 2 });
    const cases = junit.testsuite!.flatMap((s) => s.testcase ?? []);
    expect(cases.find((c) => c.name === 'demo/fail')!.failure![0]!.message).to.equal('eax 0x2 <expected 0x3> & <odd> "chars"');
    expect(cases.find((c) => c.name === 'demo/hangs')!.error![0]!.type).to.equal('timeout');

    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as { schema: string; seed: number; tier: string; counts: Record<string, number>; instances: Array<{ name: string; runs: number }> };
    expect(report.schema).to.equal('xvc-run/1');
    expect(report).to.include({ seed: 42, tier: 'full' });
    expect(report.counts).to.deep.equal({ pass: 2, fail: 2, error: 3, skip: 1, 'known-fail': 1 });
    expect(report.instances.find((i) => i.name === 'demo/pass')!.runs, 'full tier budget').to.equal(10);

    const coverage = JSON.parse(readFileSync(join(outDir, 'isa-coverage.json'), 'utf8')) as { forms: Record<string, string[]> };
    expect(coverage.forms).to.deep.equal({ Add_rm32_r32: ['prot32'] });
  });

  it('--suite, --grep and --runs select and size instances; --tap prints the stream', async function () {
    const r = await runCli(['run', '--suites-dir', suitesDir, '--out', outDir, '--suite', 'demo/pass', '--suite', 'demo/kn*', '--runs', '5', '--tap'], 30_000);
    expect(r.code, r.stderr).to.equal(0);
    const asserts = tapAsserts(r.stdout);
    expect(asserts.map((a) => a.name)).to.deep.equal(['demo/known', 'demo/pass']);
    expect(asserts[1]!.diag).to.include({ cases: 5 });
    const g = await runCli(['run', '--suites-dir', suitesDir, '--out', outDir, '--grep', '^demo/(fail|zz)', '--json'], 30_000);
    const report = JSON.parse(g.stdout) as { instances: Array<{ name: string }>; oracle: { name: string } };
    expect(report.instances.map((i) => i.name)).to.deep.equal(['demo/fail', 'demo/zz-after']);
    expect(report.oracle, 'the report names the oracle').to.deep.equal({ name: 'reference', spec: 'reference' });
  });

  it('--fail-on error keeps a wrong answer out of the exit status, --fail-on fail (the default) does not', async function () {
    const failing = ['run', '--suites-dir', suitesDir, '--out', outDir, '--grep', '^demo/fail$'];
    expect((await runCli(failing, 30_000)).code, 'default').to.equal(1);
    expect((await runCli([...failing, '--fail-on', 'error'], 30_000)).code, '--fail-on error').to.equal(0);
    expect((await runCli([...failing, '--fail-on', 'never'], 30_000)).code, '--fail-on never').to.equal(0);
    expectOneLineError(await runCli([...failing, '--fail-on', 'sometimes'], 30_000), 2, /--fail-on takes one of fail, error, harness, never/);
    const harnessBug = ['run', '--suites-dir', suitesDir, '--out', outDir, '--grep', '^demo/(fail|harness-bug)$'];
    expect((await runCli([...harnessBug, '--fail-on', 'harness'], 30_000)).code, '--fail-on harness with an error of kind harness').to.equal(1);
  });

  it('an empty selection, a bad tier and an unknown adapter are one-line errors', async function () {
    expectOneLineError(await runCli(['run', '--suites-dir', suitesDir, '--suite', 'nothing/here'], 30_000), 2, /no suite instance matches --suite nothing\/here/);
    expectOneLineError(await runCli(['run', '--tier', 'huge'], 30_000), 2, /--tier takes one of quick, full, soak/);
    expectOneLineError(await runCli(['run', '--adapter', 'bochs'], 30_000), 2, /adapter 'bochs' is not available/);
    expectOneLineError(await runCli(['run', '--adapter', './no-such-adapter.ts'], 30_000), 1, /adapter module .* not found/);
  });

  it('a subject that cannot start skips every instance with the reason; --require-adapters makes it a one-line error', async function () {
    const r = await runCli(['run', '--suites-dir', suitesDir, '--out', outDir, '--adapter', 'exec:./no-such-emulator', '--json'], 30_000);
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as { instances: Array<{ outcome: string; reason: string }> };
    expect(report.instances.length).to.be.greaterThan(0);
    for (const i of report.instances) {
      expect(i.outcome).to.equal('skip');
      expect(i.reason).to.match(/subject 'exec-no-such-emulator' cannot start: .*no-such-emulator: not found/);
    }
    expectOneLineError(
      await runCli(['run', '--suites-dir', suitesDir, '--out', outDir, '--adapter', 'exec:./no-such-emulator', '--require-adapters'], 30_000),
      1,
      /cannot start: .* \(--require-adapters\)/,
    );
  });

  it('runs the real corpus suite on the reference and reports its ISA coverage', async function () {
    const r = await runCli(['run', '--suite', 'isa/sst-80286~F6.4', '--out', outDir], 60_000);
    if (/lacks|no SingleStepTests/.test(r.stdout)) skipBecause(this, `the corpus suite cannot run here: ${r.stdout.split('\n').find((l) => /lacks|no SingleStepTests/.test(l))}`);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const coverage = JSON.parse(readFileSync(join(outDir, 'isa-coverage.json'), 'utf8')) as { forms: Record<string, string[]>; modes: Record<string, { covered: number }> };
    expect(Object.keys(coverage.forms)).to.include('Mul_rm8');
    expect(coverage.modes['real']!.covered).to.be.greaterThan(0);
  });
});
