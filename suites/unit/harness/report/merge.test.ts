// Unit tests for harness/report/merge.ts (`xvc report merge`) and its comparableRun.
// Oracle: an unsharded run written by writeRunReports from the same synthetic records. Its
// shards (split with shardOf, each with other timings, as on other machines) are written the
// way `xvc run --shard K/N --out DIR` writes them, merged, and compared with it: comparableRun
// equal, results.tap, junit.xml and isa-coverage.json equal once durations are normalised, and
// matrix.json equal to buildMatrix of the unsharded run up to times. Checks of shard sets that do
// not belong together each expect one InputError line naming the folder, and an untouched outDir.
// Left out: real emulator runs (suites/unit/harness/report/shard-merge-cli.test.ts does those).

import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../../harness/cli/errors.ts';
import { buildMatrix, type MatrixReport } from '../../../../harness/report/matrix.ts';
import { comparableRun, mergeRunFolders } from '../../../../harness/report/merge.ts';
import { countsOf, RUN_REPORT_SCHEMA, writeRunReports, type RunReport } from '../../../../harness/report/run-report.ts';
import type { Outcome } from '../../../../harness/report/tap-writer.ts';
import { shardOf } from '../../../../harness/runner/shard.ts';
import type { CpuMode } from '../../../../reference-emulator/index.ts';

type Instance = RunReport['instances'][number];

const SEED = 5;
const FORMS = ['Add_rm32_r32', 'Mov_r32_imm32', 'Sbb_rm16_r16', 'Iret', 'Hlt'];
const MODES: CpuMode[] = ['real', 'prot32'];

/** An instance record the way the runner writes one, timings included. */
function instance(name: string, outcome: Outcome, ms: number, formIndex = 0): Instance {
  return {
    name,
    outcome,
    ...(outcome === 'pass' ? {} : outcome === 'error' ? { reason: `${name} hung`, errorKind: 'timeout' as const } : { reason: `${name}: EAX 0x1 != 0x2\n  mov eax, 1` }),
    cases: 3,
    diag: { steps: 40 + formIndex, seconds: ms / 1000, programsPerSecond: 1000 / (ms + 1), nested: { duration_ms: ms, kept: true } },
    seed: SEED,
    runs: 3,
    ms,
    log: [`${name}: 3 programs in ${(ms / 1000).toFixed(2)} s, ${Math.round(3000 / (ms + 1))} programs/s, 0 discarded`],
    coverage: [[FORMS[formIndex % FORMS.length]!, [MODES[formIndex % 2]!]], [FORMS[(formIndex + 2) % FORMS.length]!, MODES]],
    file: `isa/${name.split('/')[1]!.split('~')[0]}.suite.ts`,
    tags: ['isa'],
  };
}

function runReport(subject: string, instances: Instance[], extra: Partial<RunReport> = {}): RunReport {
  return {
    schema: RUN_REPORT_SCHEMA,
    xvcVersion: '0.1.0',
    subject: { name: subject, spec: subject, quirks: [], capabilities: null },
    oracle: { name: 'reference', spec: 'reference' },
    tier: 'quick',
    seed: SEED,
    runs: null,
    jobs: 1,
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: instances.reduce((sum, i) => sum + i.ms, 0),
    counts: countsOf(instances),
    instances,
    ...extra,
  };
}

/** The same instance as another machine ran it: same result, other timings. */
function rerun(i: Instance, factor: number): Instance {
  const ms = i.ms * factor + 1;
  const again = instance(i.name, i.outcome, ms);
  const timings = again.diag as { seconds: number; programsPerSecond: number; nested: unknown };
  return { ...i, ms, diag: { ...i.diag, seconds: timings.seconds, programsPerSecond: timings.programsPerSecond, nested: timings.nested }, log: again.log };
}

interface Layout {
  /** Subject name -> folder relative to the run folder ('.' for one subject). */
  dirs: Record<string, string>;
}

/** Writes a run folder as `xvc run --out DIR` does: per-subject reports, then matrix.json. */
async function writeRunFolder(dir: string, reports: RunReport[], layout: Layout, shard?: { index: number; count: number }): Promise<void> {
  for (const report of reports) await writeRunReports(join(dir, layout.dirs[report.subject.name]!), report);
  const matrix = buildMatrix(reports.map((report) => ({ report, reportDir: layout.dirs[report.subject.name]! })), {
    xvcVersion: '0.1.0',
    generatedAt: '2026-01-02T03:04:05.000Z',
    tier: 'quick',
    seed: SEED,
    ...(shard ? { shard } : {}),
  });
  await writeFile(join(dir, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
}

/** Splits unsharded reports into N shard folders; shard K ran on a machine K times slower. */
async function writeShards(root: string, unsharded: RunReport[], count: number, layout: Layout): Promise<string[]> {
  const dirs: string[] = [];
  for (let k = 1; k <= count; k++) {
    const dir = join(root, `shard-${k}`);
    const shard = { index: k, count };
    const reports = unsharded.map((full) => {
      const mine = shardOf(full.instances, (i) => i.name, shard).map((i) => rerun(i, k));
      return runReport(full.subject.name, mine, {
        subject: full.subject,
        shard,
        selection: full.instances.map((i) => i.name),
        jobs: k,
        startedAt: `2026-01-02T03:0${k}:00.000Z`,
        durationMs: 1000 * k,
      });
    });
    await writeRunFolder(dir, reports, layout, shard);
    dirs.push(dir);
  }
  return dirs;
}

/** Durations differ between any two runs; everything else in TAP and JUnit must not. */
function withoutDurations(text: string): string {
  return text
    .replace(/duration_ms: [\d.e+-]+/g, 'duration_ms: N')
    .replace(/ time="[^"]*"/g, ' time="T"')
    .replace(/ timestamp="[^"]*"/g, ' timestamp="T"')
    .replace(/^(\s*)(seconds|programsPerSecond): .*$/gm, '$1$2: N')
    .replace(/[\d.]+ s, \d+ programs\/s/g, 'N s, N programs/s')
    .replace(/"(seconds|programsPerSecond|duration_ms)": [\d.e+-]+/g, '"$1": N');
}

/** The matrix without what differs between runs: generation time, shard, durations. */
function comparableMatrix(m: MatrixReport): unknown {
  const { generatedAt: _g, shard: _s, ...rest } = m;
  return { ...rest, subjects: rest.subjects.map(({ durationMs: _d, ...s }) => s), cells: rest.cells.map(({ ms: _ms, ...c }) => c) };
}

async function expectInputError(promise: Promise<unknown>, problem: RegExp): Promise<string> {
  let thrown: unknown;
  try {
    await promise;
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'an InputError').to.be.instanceOf(InputError);
  const message = (thrown as Error).message;
  expect(message).to.not.include('\n');
  expect(message).to.match(problem);
  return message;
}

const OUTCOMES: Outcome[] = ['pass', 'fail', 'error', 'skip', 'known-fail'];

/** A plausible selection: unique instance names in run order with outcomes and timings. */
const selectionArb = fc
  .uniqueArray(fc.tuple(fc.constantFrom('golden', 'exceptions-real', 'sst'), fc.stringMatching(/^[a-z0-9]{1,6}$/)), { minLength: 1, maxLength: 14, selector: ([a, b]) => `${a}~${b}` })
  .chain((keys) => fc.tuple(fc.constant(keys), fc.array(fc.constantFrom(...OUTCOMES), { minLength: keys.length, maxLength: keys.length }), fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: keys.length, maxLength: keys.length })))
  .map(([keys, outcomes, times]) => keys.map(([suite, variation], i) => instance(`isa/${suite}~${variation}`, outcomes[i]!, times[i]! + 0.25, i)));

describe('harness/report/merge', function () {
  this.timeout(60_000);
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'xvc-merge-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('merging N shards of a single-subject run gives the unsharded run (comparableRun, TAP, JUnit, coverage, matrix)', async () => {
    let trial = 0;
    await fc.assert(
      fc.asyncProperty(selectionArb, fc.integer({ min: 1, max: 5 }), async (instances, count) => {
        const base = join(root, `t${trial++}`);
        const unsharded = runReport('reference', instances, { selection: instances.map((i) => i.name) });
        const layout: Layout = { dirs: { reference: '.' } };
        await writeRunFolder(join(base, 'unsharded'), [unsharded], layout);
        const shardDirs = await writeShards(base, [unsharded], count, layout);
        const out = join(base, 'merged');
        const result = await mergeRunFolders([...shardDirs].reverse(), out);

        expect(result.shardCount).to.equal(count);
        expect(result.reports).to.have.length(1);
        expect(comparableRun(result.reports[0]!)).to.deep.equal(comparableRun(unsharded));
        const onDisk = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport;
        expect(comparableRun(onDisk)).to.deep.equal(comparableRun(unsharded));
        for (const file of ['results.tap', 'junit.xml', 'isa-coverage.json']) {
          const merged = await readFile(join(out, file), 'utf8');
          const expected = await readFile(join(base, 'unsharded', file), 'utf8');
          expect(withoutDurations(merged), file).to.equal(withoutDurations(expected));
        }
        const matrix = JSON.parse(await readFile(join(out, 'matrix.json'), 'utf8')) as MatrixReport;
        const unshardedMatrix = JSON.parse(await readFile(join(base, 'unsharded', 'matrix.json'), 'utf8')) as MatrixReport;
        expect(comparableMatrix(matrix)).to.deep.equal(comparableMatrix(unshardedMatrix));
        expect(matrix.shard).to.deep.equal({ merged: count });
        expect(matrix.subjects[0]!.reportDir).to.equal('.');
        expect(result.written.sort()).to.deep.equal(['isa-coverage.json', 'junit.xml', 'matrix.json', 'report.json', 'results.tap'].map((f) => join(out, f)));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps selection, drops shard, recomputes counts, takes the earliest start and the longest shard', async () => {
    const instances = ['a', 'b', 'c', 'd', 'e'].map((n, i) => instance(`isa/golden~${n}`, OUTCOMES[i]!, 10 * i));
    const unsharded = runReport('reference', instances, { selection: instances.map((i) => i.name) });
    const dirs = await writeShards(root, [unsharded], 3, { dirs: { reference: '.' } });
    const { reports } = await mergeRunFolders(dirs, join(root, 'out'));
    const merged = reports[0]!;
    expect(merged).to.not.have.property('shard');
    expect(merged.selection).to.deep.equal(instances.map((i) => i.name));
    expect(merged.instances.map((i) => i.name)).to.deep.equal(instances.map((i) => i.name));
    expect(merged.counts).to.deep.equal({ pass: 1, fail: 1, error: 1, skip: 1, 'known-fail': 1 });
    expect(merged.startedAt).to.equal('2026-01-02T03:01:00.000Z');
    expect(merged.durationMs).to.equal(3000);
  });

  it('merges a matrix root (matrix.json + one folder per subject) into the same layout', async () => {
    const names = ['isa/golden~a', 'isa/golden~b', 'isa/sst~c', 'isa/exceptions-real~i286'];
    const reference = runReport('reference', names.map((n, i) => instance(n, 'pass', 5 * i, i)), { selection: names });
    const qemu = runReport('qemu', names.map((n, i) => instance(n, i === 2 ? 'fail' : 'pass', 7 * i, i)), { selection: names, subject: { name: 'qemu', spec: 'qemu', quirks: ['linear-eip'], capabilities: null } });
    const layout: Layout = { dirs: { reference: 'reference', qemu: 'qemu' } };
    await writeRunFolder(join(root, 'unsharded'), [reference, qemu], layout);
    const dirs = await writeShards(root, [reference, qemu], 2, layout);
    const out = join(root, 'merged');
    const result = await mergeRunFolders(dirs, out);

    expect(result.subjects.map((s) => [s.name, s.reportDir])).to.deep.equal([['reference', 'reference'], ['qemu', 'qemu']]);
    expect(result.reports.map(comparableRun)).to.deep.equal([reference, qemu].map(comparableRun));
    expect((await readdir(out)).sort()).to.deep.equal(['matrix.json', 'qemu', 'reference']);
    for (const subject of ['reference', 'qemu']) {
      for (const file of ['results.tap', 'junit.xml', 'isa-coverage.json']) {
        const merged = await readFile(join(out, subject, file), 'utf8');
        expect(withoutDurations(merged), `${subject}/${file}`).to.equal(withoutDurations(await readFile(join(root, 'unsharded', subject, file), 'utf8')));
      }
    }
    const matrix = JSON.parse(await readFile(join(out, 'matrix.json'), 'utf8')) as MatrixReport;
    const unshardedMatrix = JSON.parse(await readFile(join(root, 'unsharded', 'matrix.json'), 'utf8')) as MatrixReport;
    expect(comparableMatrix(matrix)).to.deep.equal(comparableMatrix(unshardedMatrix));
    expect(matrix.divergences.map((d) => [d.subject, d.instance])).to.deep.equal([['qemu', 'isa/sst~c']]);
  });

  describe('refuses shards that do not belong together, naming the folder, and writes nothing', () => {
    const names = ['isa/golden~a', 'isa/golden~b', 'isa/golden~c', 'isa/sst~d', 'isa/sst~e'];
    const full = (): RunReport => runReport('reference', names.map((n, i) => instance(n, 'pass', i, i)), { selection: names });
    const single: Layout = { dirs: { reference: '.' } };
    let out: string;
    let sentinel: string;

    beforeEach(async () => {
      out = join(root, 'out');
      await mkdir(out);
      sentinel = join(out, 'report.json');
      await writeFile(sentinel, 'the user\'s earlier merge\n');
    });

    /** The merge failed and the output folder holds exactly what it held before. */
    async function expectOutUntouched(): Promise<void> {
      expect(await readdir(out)).to.deep.equal(['report.json']);
      expect(await readFile(sentinel, 'utf8')).to.equal('the user\'s earlier merge\n');
    }

    /** Rewrites one shard's report.json through `edit`. */
    async function editReport(dir: string, edit: (r: RunReport & Record<string, unknown>) => void): Promise<void> {
      const file = join(dir, 'report.json');
      const report = JSON.parse(await readFile(file, 'utf8')) as RunReport & Record<string, unknown>;
      edit(report);
      await writeFile(file, JSON.stringify(report));
    }

    it('a report.json cut off in the middle', async () => {
      const dirs = await writeShards(root, [full()], 3, single);
      const file = join(dirs[1]!, 'report.json');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.slice(0, text.length / 2));
      const message = await expectInputError(mergeRunFolders(dirs, out), /not valid JSON/);
      expect(message).to.include(file);
      await expectOutUntouched();
    });

    it('a report.json of another schema', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      await editReport(dirs[0]!, (r) => void (r.schema = 'xvc-run/0' as typeof r.schema));
      const message = await expectInputError(mergeRunFolders(dirs, out), /is not an xvc-run\/1 report \(schema "xvc-run\/0"\)/);
      expect(message).to.include(join(dirs[0]!, 'report.json'));
      await expectOutUntouched();
    });

    it('a folder that is not a run folder, or does not exist', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      const empty = join(root, 'empty');
      await mkdir(empty);
      const message = await expectInputError(mergeRunFolders([dirs[0]!, empty], out), /holds neither matrix\.json nor report\.json/);
      expect(message).to.include(empty);
      await expectInputError(mergeRunFolders([dirs[0]!, join(root, 'nowhere')], out), /nowhere does not exist/);
      await expectOutUntouched();
    });

    it('a run folder written without --shard', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      await editReport(dirs[1]!, (r) => void delete r.shard);
      const message = await expectInputError(mergeRunFolders(dirs, out), /is not a shard/);
      expect(message).to.include(dirs[1]!);
      await expectOutUntouched();
    });

    it('a missing shard, named by its K', async () => {
      const dirs = await writeShards(root, [full()], 3, single);
      const message = await expectInputError(mergeRunFolders([dirs[0]!, dirs[2]!], out), /^shard 2\/3 is missing/);
      expect(message).to.include(dirs[0]!).and.include(dirs[2]!);
      await expectOutUntouched();
    });

    it('the same shard given twice', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      const copy = join(root, 'copy');
      await writeShards(copy, [full()], 2, single);
      const message = await expectInputError(mergeRunFolders([dirs[0]!, dirs[1]!, join(copy, 'shard-1')], out), /are both shard 1\/2/);
      expect(message).to.include(dirs[0]!).and.include(join(copy, 'shard-1'));
      await expectOutUntouched();
    });

    it('shards of runs with different shard counts', async () => {
      const two = await writeShards(join(root, 'two'), [full()], 2, single);
      const three = await writeShards(join(root, 'three'), [full()], 3, single);
      const message = await expectInputError(mergeRunFolders([two[0]!, three[1]!], out), /is shard 2\/3 but .* is shard 1\/2/);
      expect(message).to.include(three[1]!);
      await expectOutUntouched();
    });

    for (const [what, edit, problem] of [
      ['seed', (r: RunReport) => void (r.seed = 6), /has seed 6 but .* has seed 5/],
      ['tier', (r: RunReport) => void (r.tier = 'full'), /has tier full but .* has tier quick/],
      ['runs', (r: RunReport) => void (r.runs = 100), /has runs 100 but .* has runs default/],
      ['oracle', (r: RunReport) => void (r.oracle = { name: 'qemu', spec: 'qemu' }), /has oracle qemu \(qemu\) but .* has oracle reference \(reference\)/],
    ] as const) {
      it(`shards with a different ${what}`, async () => {
        const dirs = await writeShards(root, [full()], 3, single);
        await editReport(dirs[2]!, edit);
        const message = await expectInputError(mergeRunFolders(dirs, out), problem);
        expect(message).to.include(dirs[2]!);
        await expectOutUntouched();
      });
    }

    it('shards with different subjects', async () => {
      const layout: Layout = { dirs: { reference: 'reference', qemu: 'qemu' } };
      const qemu = { ...full(), subject: { name: 'qemu', spec: 'qemu', quirks: [], capabilities: null } };
      const dirs = await writeShards(root, [full(), qemu], 2, layout);
      const lone = await writeShards(join(root, 'lone'), [full()], 2, single);
      const message = await expectInputError(mergeRunFolders([dirs[0]!, lone[1]!], out), /has subjects reference but .* has qemu, reference/);
      expect(message).to.include(lone[1]!);
      await expectOutUntouched();
    });

    it('an instance reported by two shards', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      const first = JSON.parse(await readFile(join(dirs[0]!, 'report.json'), 'utf8')) as RunReport;
      await editReport(dirs[1]!, (r) => void r.instances.push(first.instances[0]!));
      const message = await expectInputError(mergeRunFolders(dirs, out), new RegExp(`instance ${first.instances[0]!.name} is reported by both`));
      expect(message).to.include(dirs[0]!).and.include(dirs[1]!);
      await expectOutUntouched();
    });

    it('instances missing from a shard, naming the first in run order and its shard', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      // Shard 2 of 2 holds b and sst~d (sorted names dealt round-robin); it lost both.
      await editReport(dirs[1]!, (r) => void (r.instances = []));
      const message = await expectInputError(mergeRunFolders(dirs, out), /^instance isa\/golden~b of subject reference is in no shard \(2 missing/);
      expect(message).to.include(`shard 2/2 ${dirs[1]!}`);
      await expectOutUntouched();
    });

    it('an instance that is not in the selection', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      await editReport(dirs[0]!, (r) => void r.instances.push(instance('isa/golden~zz', 'pass', 1)));
      const message = await expectInputError(mergeRunFolders(dirs, out), /reports instance isa\/golden~zz, which is not in the selection/);
      expect(message).to.include(dirs[0]!);
      await expectOutUntouched();
    });

    it('shards with different selections', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      await editReport(dirs[1]!, (r) => void (r.selection = [...names].reverse()));
      const message = await expectInputError(mergeRunFolders(dirs, out), /has a different selection from .* \(#1 is isa\/sst~e vs isa\/golden~a\)/);
      expect(message).to.include(dirs[1]!);
      await expectOutUntouched();
    });

    it('a matrix.json naming a subject folder outside the run folder', async () => {
      const dirs = await writeShards(root, [full()], 1, single);
      const file = join(dirs[0]!, 'matrix.json');
      const matrix = JSON.parse(await readFile(file, 'utf8')) as MatrixReport;
      matrix.subjects[0]!.reportDir = '../../elsewhere';
      await writeFile(file, JSON.stringify(matrix));
      const message = await expectInputError(mergeRunFolders(dirs, out), /names the subject folder '\.\.\/\.\.\/elsewhere', which is not inside the run folder/);
      expect(message).to.include(file);
      await expectOutUntouched();
    });

    it('an output folder that is one of the shards, or inside one', async () => {
      const dirs = await writeShards(root, [full()], 2, single);
      const before = await readFile(join(dirs[0]!, 'report.json'), 'utf8');
      await expectInputError(mergeRunFolders(dirs, dirs[0]!), /is the shard folder/);
      await expectInputError(mergeRunFolders(dirs, join(dirs[1]!, 'merged')), /would overwrite .* inside the shard folder/);
      expect(await readFile(join(dirs[0]!, 'report.json'), 'utf8')).to.equal(before);
      expect(existsSync(join(dirs[1]!, 'merged'))).to.equal(false);
    });
  });

  describe('comparableRun', () => {
    const base = (): RunReport => runReport('reference', [instance('isa/golden~a', 'pass', 12.5), instance('isa/golden~b', 'fail', 40)], { selection: ['isa/golden~a', 'isa/golden~b'] });

    it('ignores durations, start time, jobs, shard and timing fields of diag and log', () => {
      const other = base();
      other.durationMs = 99_999;
      other.startedAt = '2030-01-01T00:00:00.000Z';
      other.jobs = 8;
      other.shard = { index: 2, count: 3 };
      other.instances = other.instances.map((i) => rerun(i, 7));
      expect(comparableRun(other)).to.deep.equal(comparableRun(base()));
    });

    it('keeps results, reasons, non-timing diag and the words of log lines', () => {
      const compared = comparableRun(base()) as { instances: Array<{ diag: Record<string, unknown>; log: string[] }> };
      expect(compared.instances[0]!.diag).to.deep.equal({ steps: 40, nested: { kept: true } });
      expect(compared.instances[0]!.log).to.deep.equal(['isa/golden~a: 3 programs in <time>, <time>, 0 discarded']);
      expect(compared).to.not.have.property('selection');
    });

    for (const [what, edit] of [
      ['an outcome', (r: RunReport) => void (r.instances[0]!.outcome = 'fail')],
      ['a reason', (r: RunReport) => void (r.instances[1]!.reason = 'another diff')],
      ['a diag value', (r: RunReport) => void (r.instances[0]!.diag = { ...r.instances[0]!.diag, steps: 41 })],
      ['a log word', (r: RunReport) => void (r.instances[0]!.log = ['isa/golden~a: 3 programs in 0.01 s, 9 programs/s, 1 discarded'])],
      ['the order of instances', (r: RunReport) => void r.instances.reverse()],
      ['the seed', (r: RunReport) => void (r.seed = 6)],
      ['coverage', (r: RunReport) => void (r.instances[0]!.coverage = [])],
      ['a selection that is not the instances', (r: RunReport) => void (r.selection = ['isa/golden~a'])],
    ] as const) {
      it(`sees a change of ${what}`, () => {
        const changed = base();
        edit(changed);
        expect(comparableRun(changed)).to.not.deep.equal(comparableRun(base()));
      });
    }
  });
});
