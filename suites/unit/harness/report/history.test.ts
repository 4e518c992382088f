// Unit tests for harness/report/history.ts: building a history line from a run report, appending
// it to reports/history.jsonl, and reading the history back.
//
// Oracle: the run report and coverage the entry is built from; the file's bytes before and after
// an append (an append only adds, so the old content must be an exact prefix of the new, and a
// corrupt line must survive byte for byte). Bad lines (not JSON, another schema, a missing field)
// are listed as problems with their line number and skipped; a path that cannot be read at all is
// one InputError line naming it. gitCommit gives the short HEAD in this checkout and nothing (no
// throw) outside one.
// Left out: concurrent appends from two processes (appendFile's O_APPEND is relied on).

import { expect } from 'chai';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../../harness/cli/errors.ts';
import { appendHistory, gitCommit, HISTORY_SCHEMA, historyEntry, readHistory, type HistoryEntry } from '../../../../harness/report/history.ts';
import { coverageOf } from '../../../../harness/report/run-report.ts';
import { skipBecause } from '../../../support/outcome.ts';
import { rejection } from '../../../support/rejection.ts';
import { fixtureReport, MIXED_RUN, useScratchDir } from './fixtures/run-folder.ts';

function sampleEntry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  const report = fixtureReport(MIXED_RUN);
  return { ...historyEntry(report, coverageOf(report.instances, report.subject.name)), ...overrides };
}

describe('harness/report/history', () => {
  const scratch = useScratchDir('history');

  it('builds an entry from a run report and its ISA coverage', () => {
    const report = fixtureReport(MIXED_RUN, 'qemu');
    report.shard = { index: 2, count: 3 };
    report.instances[0]!.coverage = [['Add_rm32_r32', ['prot32']], ['Nop', ['real', 'prot32']]];
    const coverage = coverageOf(report.instances, 'qemu');
    const entry = historyEntry(report, coverage, { commit: 'abc1234' });
    expect(entry).to.deep.equal({
      schema: HISTORY_SCHEMA,
      at: report.startedAt,
      subject: 'qemu',
      spec: 'qemu',
      xvcVersion: '0.1.0',
      commit: 'abc1234',
      tier: 'quick',
      seed: 7,
      counts: { pass: 1, fail: 1, error: 1, skip: 1, 'known-fail': 1 },
      durationMs: report.durationMs,
      formsCovered: 2,
      coverage: coverage.modes,
      shard: { index: 2, count: 3 },
    });
    expect(Object.keys(entry.coverage).sort()).to.deep.equal(['prot32', 'real']);
    expect(historyEntry(report, coverage, { at: '2030-01-01T00:00:00.000Z' }).at).to.equal('2030-01-01T00:00:00.000Z');
    expect(historyEntry(report, coverage)).not.to.have.property('commit');
  });

  it('appends one line per run, creating the folder, and reads them back in order', async () => {
    const path = join(scratch(), 'new', 'reports', 'history.jsonl');
    const first = sampleEntry({ subject: 'reference' });
    const second = sampleEntry({ subject: 'qemu', at: '2026-01-03T00:00:00.000Z' });
    await appendHistory(path, first);
    const afterFirst = await readFile(path, 'utf8');
    expect(afterFirst).to.equal(`${JSON.stringify(first)}\n`);
    await appendHistory(path, second);
    const afterSecond = await readFile(path, 'utf8');
    expect(afterSecond.startsWith(afterFirst), 'an append never rewrites what was there').to.equal(true);
    expect(afterSecond.split('\n')).to.have.length(3);
    expect(await readHistory(path)).to.deep.equal({ entries: [first, second], problems: [] });
  });

  it('reads a missing history as an empty one', async () => {
    expect(await readHistory(join(scratch(), 'never-written.jsonl'))).to.deep.equal({ entries: [], problems: [] });
  });

  it('lists bad lines as problems with their line numbers and keeps every good line', async () => {
    const path = join(scratch(), 'mixed.jsonl');
    const good = sampleEntry();
    const { durationMs: _dropped, ...withoutDuration } = good;
    const lines = [
      JSON.stringify(good),
      '{"schema":"xvc-history/1","at":', // cut off mid-write
      JSON.stringify({ ...good, schema: 'xvc-history/0' }),
      '',
      '[1,2,3]',
      JSON.stringify(withoutDuration),
      JSON.stringify({ ...good, counts: { ...good.counts, error: 'none' } }),
      JSON.stringify({ ...good, subject: 'unicorn' }),
    ];
    await writeFile(path, `${lines.join('\n')}\n`);
    const history = await readHistory(path);
    expect(history.entries).to.deep.equal([good, { ...good, subject: 'unicorn' }]);
    expect(history.problems).to.have.length(5);
    expect(history.problems[0]).to.match(new RegExp(`^${escape(path)} line 2: not JSON \\(.+\\)$`));
    expect(history.problems.slice(1)).to.deep.equal([
      `${path} line 3: schema is "xvc-history/0", expected 'xvc-history/1'`,
      `${path} line 5: not a JSON object`,
      `${path} line 6: 'durationMs' is not a number`,
      `${path} line 7: 'counts.error' is not a number`,
    ]);
  });

  it('keeps a corrupt line byte for byte when appending, even one cut off without its newline', async () => {
    const path = join(scratch(), 'corrupt.jsonl');
    const corrupt = `${JSON.stringify(sampleEntry())}\n{"schema":"xvc-history/1","at":"2026-01-0\u00e9 \u0000 oops`;
    await writeFile(path, corrupt);
    const entry = sampleEntry({ subject: 'v86' });
    await appendHistory(path, entry);
    const after = await readFile(path);
    expect(after.subarray(0, Buffer.byteLength(corrupt)).equals(Buffer.from(corrupt)), 'old bytes unchanged').to.equal(true);
    expect(after.toString('utf8').slice(corrupt.length)).to.equal(`\n${JSON.stringify(entry)}\n`);
    const history = await readHistory(path);
    expect(history.entries.map((e) => e.subject)).to.deep.equal(['fake-emu', 'v86']);
    expect(history.problems).to.have.length(1);
    expect(history.problems[0]).to.match(/ line 2: not JSON /);
  });

  it('refuses a history path that is a folder, in one line naming it', async () => {
    const folder = join(scratch(), 'a-folder.jsonl');
    await mkdir(folder, { recursive: true });
    for (const error of [await rejection(readHistory(folder)), await rejection(appendHistory(folder, sampleEntry()))]) {
      expect(error).to.be.instanceOf(InputError);
      expect(error.message).to.include(folder).and.include('EISDIR');
      expect(error.message).not.to.include('\n');
    }
  });

  it('refuses a history path under a plain file (ENOTDIR), in one line naming it', async () => {
    const file = join(scratch(), 'plain-file');
    await writeFile(file, 'not a folder');
    const path = join(file, 'history.jsonl');
    const readError = await rejection(readHistory(path));
    expect(readError).to.be.instanceOf(InputError);
    expect(readError.message).to.equal(`${path}: cannot read the history (ENOTDIR)`);
    const appendError = await rejection(appendHistory(path, sampleEntry()));
    expect(appendError).to.be.instanceOf(InputError);
    expect(appendError.message).to.match(new RegExp(`^${escape(path)}: cannot append to the history \\((ENOTDIR|EEXIST)\\)$`));
    expect(await readFile(file, 'utf8'), 'the file in the way is untouched').to.equal('not a folder');
  });

  it('refuses an unreadable history (EACCES) in one line naming it', async function () {
    if (process.getuid?.() === 0) skipBecause(this, 'running as root: file permissions do not stop reads, so EACCES cannot be produced');
    const path = join(scratch(), 'locked.jsonl');
    await writeFile(path, `${JSON.stringify(sampleEntry())}\n`);
    await chmod(path, 0o000);
    try {
      const error = await rejection(readHistory(path));
      expect(error).to.be.instanceOf(InputError);
      expect(error.message).to.equal(`${path}: cannot read the history (EACCES)`);
    } finally {
      await chmod(path, 0o600);
    }
  });

  it('gets the short git HEAD in a checkout and nothing, without throwing, outside one', async function () {
    const repo = fileURLToPath(new URL('../../../../', import.meta.url));
    const commit = await gitCommit(repo);
    if (commit === undefined) skipBecause(this, 'git is not installed or this tree is not a git checkout');
    expect(commit).to.match(/^[0-9a-f]{4,40}$/);
    expect(await gitCommit(scratch()), 'a temporary folder is no checkout').to.equal(undefined);
    expect(await gitCommit(join(scratch(), 'does-not-exist'))).to.equal(undefined);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
