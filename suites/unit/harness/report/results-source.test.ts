// Unit tests for harness/report/results-source.ts (loadResults): reading a run back from a run
// folder (report.json preferred), from results.tap alone, and from either file named directly.
//
// Oracle: the harness's own writers. Run folders are written by writeRunReports and TAP by toTap
// (tap-parser stringify), so reading them back must give the outcomes, reasons, error kinds,
// times and failure hashes that went in; a fast-check property does that round trip over random
// instance lists. Each kind of bad input (a missing path, a TAP cut short four ways, a report.json
// that is not JSON or has another schema, a folder with neither file, duplicate names) must be
// ONE InputError line naming the file and the problem.
// Left out: junit.xml and isa-coverage.json (not read), TAP subtests (xvc writes none).

import { expect } from 'chai';
import fc from 'fast-check';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../../../harness/cli/errors.ts';
import { failureHash } from '../../../../harness/report/failure-hash.ts';
import { loadResults, type InstanceOutcome } from '../../../../harness/report/results-source.ts';
import { toTap, type InstanceResult, type Outcome } from '../../../../harness/report/tap-writer.ts';
import { rejection } from '../../../support/rejection.ts';
import { MIXED_RUN, useScratchDir, writeFixtureRun } from './fixtures/run-folder.ts';

async function expectInputError(promise: Promise<unknown>, ...mustContain: Array<string | RegExp>): Promise<void> {
  const error = await rejection(promise);
  expect(error, String(error.stack)).to.be.instanceOf(InputError);
  expect(error.message, 'one line').not.to.include('\n');
  for (const part of mustContain) {
    if (typeof part === 'string') expect(error.message).to.include(part);
    else expect(error.message).to.match(part);
  }
}

const WRITTEN_TAP = [
  'TAP version 14',
  '1..3',
  'ok 1 - isa/a',
  '  ---',
  '  duration_ms: 12',
  '  ...',
  'not ok 2 - isa/b',
  '  ---',
  '  message: wrong eip',
  '  duration_ms: 30',
  '  failure_hash: 0123456789ab',
  '  ...',
  'ok 3 - isa/c # SKIP no unicorn',
  '',
].join('\n');

describe('harness/report/results-source', () => {
  const scratch = useScratchDir('results-source');

  describe('reading what xvc run writes', () => {
    it('reads a run folder from report.json: subject, all five outcomes, reasons, kinds, times and hashes', async () => {
      const folder = join(scratch(), 'mixed');
      const report = await writeFixtureRun(folder, MIXED_RUN);
      const set = await loadResults(folder);
      expect(set.source).to.equal(folder);
      expect(set.subject).to.equal('fake-emu');
      expect(set.results.map((r) => [r.name, r.outcome])).to.deep.equal(MIXED_RUN.map((i) => [i.name, i.outcome]));
      const fail = set.results[1]!;
      expect(fail.reason).to.equal(MIXED_RUN[1]!.reason);
      expect(fail.ms).to.equal(900);
      // No failure_hash was recorded, so it is computed as xvc run computes it.
      expect(fail.failureHash).to.equal(failureHash(report.instances[1]!));
      const error = set.results[2]!;
      expect([error.errorKind, error.reason, error.failureHash]).to.deep.equal(['timeout', 'no answer within 30000 ms', failureHash(report.instances[2]!)]);
      expect(set.results[3]!.reason).to.equal('subject lacks the hv capability');
      expect(set.results[4]!.reason).to.equal('trap-and-emulate: POPF is sensitive but not privileged');
      expect(set.results[0]!.failureHash, 'a pass has no failure hash').to.equal(undefined);
    });

    it('falls back to results.tap when the folder has no report.json, with the same results (no subject)', async () => {
      const folder = join(scratch(), 'tap-only');
      await writeFixtureRun(folder, MIXED_RUN);
      const fromJson = await loadResults(folder);
      await unlink(join(folder, 'report.json'));
      const fromTap = await loadResults(folder);
      expect(fromTap.subject).to.equal(undefined);
      expect(fromTap.results).to.deep.equal(fromJson.results);
    });

    it('reads a TAP file or a report.json named directly', async () => {
      const folder = join(scratch(), 'direct');
      await writeFixtureRun(folder, MIXED_RUN);
      const tap = await loadResults(join(folder, 'results.tap'));
      const json = await loadResults(join(folder, 'report.json'));
      expect(tap.source).to.equal(join(folder, 'results.tap'));
      expect(tap.results).to.deep.equal(json.results);
      expect(json.subject).to.equal('fake-emu');
    });

    it('takes duration_ms and a recorded failure_hash from the YAML block', async () => {
      const file = join(scratch(), 'written.tap');
      await writeFile(file, WRITTEN_TAP);
      const set = await loadResults(file);
      expect(set.results).to.deep.equal([
        { name: 'isa/a', outcome: 'pass', ms: 12 },
        { name: 'isa/b', outcome: 'fail', reason: 'wrong eip', ms: 30, failureHash: '0123456789ab' },
        { name: 'isa/c', outcome: 'skip', reason: 'no unicorn' },
      ]);
    });

    it('maps not ok with a YAML kind to error, not ok # TODO to known-fail, ok # TODO to pass', async () => {
      const file = join(scratch(), 'directives.tap');
      await writeFile(file, 'TAP version 14\n1..3\nnot ok 1 - a\n  ---\n  kind: subject-crash\n  message: qemu died\n  ...\nnot ok 2 - b # TODO documented difference\nok 3 - c # TODO was known, now passes\n');
      const set = await loadResults(file);
      expect(set.results.map((r) => [r.outcome, r.errorKind, r.reason])).to.deep.equal([
        ['error', 'subject-crash', 'qemu died'],
        ['known-fail', undefined, 'documented difference'],
        ['pass', undefined, undefined],
      ]);
    });

    it('round-trips any instance list through toTap (property)', async () => {
      const outcome = fc.constantFrom<Outcome>('pass', 'fail', 'error', 'skip', 'known-fail');
      const name = fc.stringMatching(/^[a-z]{1,6}\/[a-z0-9]{1,6}(~[a-z0-9.-]{1,6})?$/);
      const reason = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,:'()=-]{0,40}[A-Za-z0-9)]$/);
      const instance = fc.record({ name, outcome, reason, ms: fc.nat(100_000), kind: fc.constantFrom('subject-crash', 'timeout', 'protocol', 'harness') as fc.Arbitrary<NonNullable<InstanceResult['errorKind']>> });
      const file = join(scratch(), 'property.tap');
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(instance, { selector: (i) => i.name, maxLength: 8 }), async (instances) => {
          const tapInput: InstanceResult[] = instances.map((i) => ({
            name: i.name,
            outcome: i.outcome,
            reason: i.reason,
            ...(i.outcome === 'error' ? { errorKind: i.kind } : {}),
            diag: { duration_ms: i.ms, ...(i.outcome === 'fail' ? { message: i.reason } : {}) },
          }));
          await writeFile(file, toTap(tapInput));
          const got = await loadResults(file);
          const want: InstanceOutcome[] = instances.map((i) => ({
            name: i.name,
            outcome: i.outcome,
            ...(i.outcome === 'pass' ? {} : { reason: i.reason }),
            ...(i.outcome === 'error' ? { errorKind: i.kind } : {}),
            ms: i.ms,
            ...(i.outcome === 'fail' || i.outcome === 'error' ? { failureHash: failureHash({ outcome: i.outcome, reason: i.reason, ...(i.outcome === 'error' ? { errorKind: i.kind } : {}) }) } : {}),
          }));
          expect(got.results).to.deep.equal(want);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('bad input: one InputError line naming the file and the problem', () => {
    it('a path that does not exist', async () => {
      const missing = join(scratch(), 'no-such-run');
      await expectInputError(loadResults(missing), missing, 'no such file or folder');
    });

    it('a folder with neither report.json nor results.tap', async () => {
      const empty = join(scratch(), 'empty-folder');
      await mkdir(empty, { recursive: true });
      await writeFile(join(empty, 'junit.xml'), '<testsuites/>');
      await expectInputError(loadResults(empty), empty, 'neither report.json nor results.tap');
    });

    it('a TAP file whose plan promises more points than it has', async () => {
      const file = join(scratch(), 'short.tap');
      await writeFile(file, WRITTEN_TAP.replace('1..3', '1..5'));
      await expectInputError(loadResults(file), file, 'plan says 1..5 but there are 3 test points');
    });

    it('a TAP file cut off inside a YAML block', async () => {
      const file = join(scratch(), 'cut-yaml.tap');
      // Cut in the middle of test point 2's YAML block: the plan still matches, the block does not end.
      await writeFile(file, WRITTEN_TAP.slice(0, WRITTEN_TAP.indexOf('  duration_ms: 30') + 8).replace('1..3', '1..2'));
      await expectInputError(loadResults(file), file, 'YAML block is cut off', 'after test point 2');
    });

    it('a TAP file with no plan', async () => {
      const file = join(scratch(), 'no-plan.tap');
      await writeFile(file, WRITTEN_TAP.replace('1..3\n', ''));
      await expectInputError(loadResults(file), file, 'no TAP plan');
    });

    it('an empty TAP file', async () => {
      const file = join(scratch(), 'empty.tap');
      await writeFile(file, '');
      await expectInputError(loadResults(file), file, 'no TAP plan', 'no test points');
    });

    it('a TAP stream that bailed out', async () => {
      const file = join(scratch(), 'bail.tap');
      await writeFile(file, 'TAP version 14\n1..3\nok 1 - isa/a\nBail out! qemu vanished\n');
      await expectInputError(loadResults(file), file, 'bailed out (qemu vanished)');
    });

    it('a TAP file with the same test name twice', async () => {
      const file = join(scratch(), 'dup.tap');
      await writeFile(file, 'TAP version 14\n1..3\nok 1 - isa/a\nok 2 - isa/b\nnot ok 3 - isa/a\n');
      await expectInputError(loadResults(file), file, "test name 'isa/a' appears twice (tests 1 and 3)");
    });

    it('a report.json that is not JSON (and no silent fall-back to results.tap)', async () => {
      const folder = join(scratch(), 'bad-json');
      await writeFixtureRun(folder, MIXED_RUN);
      const json = join(folder, 'report.json');
      const text = await readFile(json, 'utf8');
      await writeFile(json, text.slice(0, text.length / 2));
      await expectInputError(loadResults(folder), json, 'not JSON (');
    });

    it('a report.json with another schema', async () => {
      const folder = join(scratch(), 'other-schema');
      await writeFixtureRun(folder, MIXED_RUN);
      const json = join(folder, 'report.json');
      const data = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown>;
      await writeFile(json, JSON.stringify({ ...data, schema: 'xvc-matrix/1' }));
      await expectInputError(loadResults(folder), json, `schema is "xvc-matrix/1", expected 'xvc-run/1'`);
    });

    it('a report.json with the same instance twice', async () => {
      const folder = join(scratch(), 'dup-json');
      await writeFixtureRun(folder, [...MIXED_RUN, { name: 'isa/golden~arith', outcome: 'fail', reason: 'again' }]);
      await expectInputError(loadResults(folder), join(folder, 'report.json'), "instance name 'isa/golden~arith' appears twice (instances 1 and 6)");
    });

    it('a report.json instance with an unknown outcome', async () => {
      const folder = join(scratch(), 'bad-outcome');
      await writeFixtureRun(folder, MIXED_RUN);
      const json = join(folder, 'report.json');
      const data = JSON.parse(await readFile(json, 'utf8')) as { instances: Array<Record<string, unknown>> };
      data.instances[2]!['outcome'] = 'flaky';
      await writeFile(json, JSON.stringify(data));
      await expectInputError(loadResults(folder), json, "instance 3 (paging/access~pae): 'outcome' is \"flaky\"");
    });
  });
});
