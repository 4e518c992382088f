// Unit tests for harness/report/waivers.ts: loading a subject's waivers.json strictly, and
// applying the waivers to run records.
//
// Oracle: the brief's rules, case by case. A failure whose hash (diag.failure_hash, else
// failureHash of the record) matches a waiver of the same instance becomes a known-fail whose
// reason names the waiver and the original failure, keeps its diag and gains diag.waiver; a
// different hash, a pass or an error is never waived and leaves the waiver stale; the inputs are
// not mutated. Every kind of bad file or bad entry is ONE InputError line naming the file, the
// waiver (counted from 1) and the field.
// Left out: where the CLI finds the file (the runner's concern).

import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../../../harness/cli/errors.ts';
import { failureHash } from '../../../../harness/report/failure-hash.ts';
import type { Outcome } from '../../../../harness/report/tap-writer.ts';
import { applyWaivers, loadWaivers, validateWaivers, waiversPath, WAIVERS_SCHEMA, type Waiver, type WaiverFile } from '../../../../harness/report/waivers.ts';
import { useScratchDir } from './fixtures/run-folder.ts';

const LINK = 'https://gitlab.com/qemu-project/qemu/-/issues/1234';

const TEST_ALIAS: Waiver = {
  instance: 'isa/differential~real',
  hash: '0123456789ab',
  reason: 'QEMU 7.2 raises #UD for F7 /1 (TEST alias)',
  link: LINK,
};

function waiverFile(waivers: Waiver[]): WaiverFile {
  return { schema: WAIVERS_SCHEMA, subject: 'qemu', waivers };
}

interface TestRecord {
  name: string;
  outcome: Outcome;
  reason?: string;
  errorKind?: string;
  diag?: Record<string, unknown>;
  seed: number;
}

describe('harness/report/waivers', () => {
  const scratch = useScratchDir('waivers');

  describe('loadWaivers', () => {
    async function writeJson(name: string, data: unknown): Promise<string> {
      const path = join(scratch(), name, 'waivers.json');
      await mkdir(join(scratch(), name), { recursive: true });
      await writeFile(path, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
      return path;
    }

    it('loads a valid file', async () => {
      const path = await writeJson('valid', waiverFile([TEST_ALIAS, { ...TEST_ALIAS, hash: 'fedcba987654' }]));
      expect(await loadWaivers(path, 'qemu')).to.deep.equal(waiverFile([TEST_ALIAS, { ...TEST_ALIAS, hash: 'fedcba987654' }]));
    });

    it('reads a missing file as no waivers', async () => {
      expect(await loadWaivers(join(scratch(), 'nothing', 'waivers.json'), 'qemu')).to.deep.equal(waiverFile([]));
    });

    it('names the committed place reports/baselines/<subject>/waivers.json', () => {
      expect(waiversPath('reports/baselines', 'qemu')).to.equal(join('reports/baselines', 'qemu', 'waivers.json'));
    });

    const badFiles: Array<[string, unknown, RegExp]> = [
      ['not JSON', '{"schema": "xvc-waivers/1", "waivers": [', /: not JSON \(.+\)$/],
      ['a list at the top', [TEST_ALIAS], /: the top level must be an object$/],
      ['another schema', { ...waiverFile([]), schema: 'xvc-waivers/2' }, /: 'schema' must be 'xvc-waivers\/1', got "xvc-waivers\/2"$/],
      ['another subject', { ...waiverFile([]), subject: 'unicorn' }, /: 'subject' is 'unicorn' but these results are of 'qemu'$/],
      ['waivers not a list', { ...waiverFile([]), waivers: {} }, /: 'waivers' must be a list$/],
      ['an unknown top-level field', { ...waiverFile([]), comment: 'x' }, /: unknown field 'comment'/],
    ];
    for (const [what, data, message] of badFiles) {
      it(`refuses a file with ${what}, in one line naming the file`, async () => {
        const path = await writeJson(`bad-${what.replace(/\W+/g, '-')}`, data);
        const error = await loadWaivers(path, 'qemu').then(() => undefined, (e: unknown) => e as Error);
        expect(error).to.be.instanceOf(InputError);
        expect(error!.message.startsWith(`${path}: `), error!.message).to.equal(true);
        expect(error!.message).not.to.include('\n');
        expect(error!.message).to.match(message);
      });
    }

    // Each bad entry sits third, after two good ones, so the index in the message is checked too.
    const OTHER = { ...TEST_ALIAS, hash: '00000000000f' };
    const badEntries: Array<[string, unknown, string]> = [
      ['a missing reason', { instance: 'isa/x', hash: 'aaaaaaaaaaaa', link: LINK }, "waiver 3: 'reason' is missing"],
      ['an empty reason', { ...TEST_ALIAS, reason: '   ' }, "waiver 3: 'reason' must be a non-empty string"],
      ['a reason under 10 characters', { ...TEST_ALIAS, reason: 'qemu bug' }, "waiver 3: 'reason' must say why in at least 10 characters, got 'qemu bug'"],
      ['a reason of two lines', { ...TEST_ALIAS, reason: 'first line of it\nsecond line' }, "waiver 3: 'reason' must be one line"],
      ['a link that is not a URL', { ...TEST_ALIAS, link: 'see the tracker' }, `waiver 3: 'link' must be an http(s) URL, got "see the tracker"`],
      ['an ftp link', { ...TEST_ALIAS, link: 'ftp://example.org/x' }, `waiver 3: 'link' must be an http(s) URL, got "ftp://example.org/x"`],
      ['no link', { instance: 'isa/x', hash: 'aaaaaaaaaaaa', reason: 'a good long reason' }, "waiver 3: 'link' must be an http(s) URL, got null"],
      ['an upper-case hash', { ...TEST_ALIAS, hash: '0123456789AB' }, `waiver 3: 'hash' must be 12 hex digits (lowercase), got "0123456789AB"`],
      ['an 11-digit hash', { ...TEST_ALIAS, hash: '0123456789a' }, `waiver 3: 'hash' must be 12 hex digits (lowercase), got "0123456789a"`],
      ['a numeric hash', { ...TEST_ALIAS, hash: 123456789012 }, "waiver 3: 'hash' must be 12 hex digits (lowercase), got 123456789012"],
      ['an empty instance', { ...TEST_ALIAS, instance: '' }, "waiver 3: 'instance' must be a non-empty instance name"],
      ['no instance', { hash: 'aaaaaaaaaaaa', reason: 'a good long reason', link: LINK }, "waiver 3: 'instance' must be a non-empty instance name"],
      ['a duplicate (instance, hash)', { ...TEST_ALIAS, reason: 'the same again, reworded' }, "waiver 3: duplicates waiver 1 (instance 'isa/differential~real', hash 0123456789ab)"],
      ['an unknown field (a typo)', { ...TEST_ALIAS, hahs: 'x' }, "waiver 3: unknown field 'hahs' (expected instance, hash, reason, link)"],
      ['a string, not an object', 'isa/differential~real', 'waiver 3: must be an object with instance, hash, reason and link'],
    ];
    for (const [what, entry, message] of badEntries) {
      it(`refuses a waiver with ${what}: "${message}"`, async () => {
        const path = await writeJson(`entry-${what.replace(/\W+/g, '-')}`, { ...waiverFile([TEST_ALIAS, OTHER]), waivers: [TEST_ALIAS, OTHER, entry] });
        const error = await loadWaivers(path, 'qemu').then(() => undefined, (e: unknown) => e as Error);
        expect(error).to.be.instanceOf(InputError);
        expect(error!.message).to.equal(`${path}: ${message}`);
      });
    }

    it('validates already-parsed data the same way (validateWaivers)', () => {
      expect(() => validateWaivers('w.json', { ...waiverFile([{ ...TEST_ALIAS, hash: 'xyz' }]) }, 'qemu')).to.throw(InputError, /^w\.json: waiver 1: 'hash' must be 12 hex digits/);
    });
  });

  describe('applyWaivers', () => {
    const failing: TestRecord = {
      name: 'isa/differential~real',
      outcome: 'fail',
      reason: "'qemu' differs from oracle 'reference'\n  00001000  f7 c8 00 00  test ax, 0",
      diag: { failure_hash: '0123456789ab', mode: 'real' },
      seed: 7,
    };

    it('turns a failure with the waived hash into a known-fail that says why, keeping its diag and its whole reason', () => {
      const passing: TestRecord = { name: 'isa/golden~arith', outcome: 'pass', seed: 7 };
      const result = applyWaivers([passing, failing], waiverFile([TEST_ALIAS]));
      expect(result.records[0]).to.equal(passing);
      expect(result.records[1]).to.deep.equal({
        name: 'isa/differential~real',
        outcome: 'known-fail',
        reason: `waived: QEMU 7.2 raises #UD for F7 /1 (TEST alias) (${LINK}); was: 'qemu' differs from oracle 'reference'`,
        diag: { failure_hash: '0123456789ab', mode: 'real', waiver: { hash: '0123456789ab', reason: TEST_ALIAS.reason, link: LINK }, waived_reason: failing.reason },
        seed: 7,
      });
      expect(result.applied).to.deep.equal([{ waiver: TEST_ALIAS, instance: 'isa/differential~real' }]);
      expect(result.stale).to.deep.equal([]);
    });

    it('does not mutate its inputs', () => {
      const records = [structuredClone(failing)];
      const waivers = waiverFile([TEST_ALIAS]);
      const before = structuredClone({ records, waivers });
      applyWaivers(records, waivers);
      expect({ records, waivers }).to.deep.equal(before);
    });

    it('computes the hash with failureHash when the record has no diag.failure_hash', () => {
      const record: TestRecord = { name: 'isa/x', outcome: 'fail', reason: 'eip 0x1000 vs 0x1002 (seed 99, 4 shrinks)', seed: 99 };
      const waiver = { ...TEST_ALIAS, instance: 'isa/x', hash: failureHash(record) };
      const result = applyWaivers([record], waiverFile([waiver]));
      expect(result.records[0]!.outcome).to.equal('known-fail');
      expect(result.records[0]!.diag).to.deep.equal({ waiver: { hash: waiver.hash, reason: waiver.reason, link: LINK }, waived_reason: record.reason });
      expect(result.records[0]!.reason).to.match(/; was: eip 0x1000 vs 0x1002 \(seed 99, 4 shrinks\)$/);
    });

    it('leaves a failure with a different hash failing, and calls its waiver stale', () => {
      const different = { ...failing, diag: { failure_hash: 'bbbbbbbbbbbb' } };
      const result = applyWaivers([different], waiverFile([TEST_ALIAS]));
      expect(result.records[0]).to.deep.equal(different);
      expect(result.applied).to.deep.equal([]);
      expect(result.stale).to.deep.equal([TEST_ALIAS]);
    });

    it('does not apply a waiver of another instance with the same hash', () => {
      const elsewhere = { ...failing, name: 'isa/differential~flat32' };
      const result = applyWaivers([elsewhere], waiverFile([TEST_ALIAS]));
      expect(result.records[0]!.outcome).to.equal('fail');
      expect(result.stale).to.deep.equal([TEST_ALIAS]);
    });

    it('calls the waiver of a now passing instance stale', () => {
      const fixed: TestRecord = { name: 'isa/differential~real', outcome: 'pass', diag: { failure_hash: '0123456789ab' }, seed: 7 };
      const result = applyWaivers([fixed], waiverFile([TEST_ALIAS]));
      expect(result.records).to.deep.equal([fixed]);
      expect(result.stale).to.deep.equal([TEST_ALIAS]);
    });

    it('never waives an error, even with a matching hash', () => {
      const crashed: TestRecord = { name: 'isa/differential~real', outcome: 'error', errorKind: 'subject-crash', reason: 'qemu exited', diag: { failure_hash: '0123456789ab' }, seed: 7 };
      const result = applyWaivers([crashed], waiverFile([TEST_ALIAS]));
      expect(result.records[0]!.outcome).to.equal('error');
      expect(result.applied).to.deep.equal([]);
      expect(result.stale).to.deep.equal([TEST_ALIAS]);
    });

    it('applies each of two waivers of one instance only to its own failure', () => {
      const second: Waiver = { ...TEST_ALIAS, hash: 'cccccccccccc', reason: 'QEMU 7.2 leaves AF set after AAA' };
      const result = applyWaivers([failing], waiverFile([TEST_ALIAS, second]));
      expect(result.applied.map((a) => a.waiver.hash)).to.deep.equal(['0123456789ab']);
      expect(result.stale).to.deep.equal([second]);
    });
  });
});
