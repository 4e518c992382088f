/**
 * `xvc run`: runs the suite instances (suites/**\/*.suite.ts, found by path) against one subject
 * and writes TAP, JUnit XML, a JSON report and the ISA coverage report into reports/run/<subject>/
 * (or --out). Selection: --suite, --grep, --tier, --seed, --runs; --jobs spreads instances over
 * worker processes; --oracle names what differential suites compare the subject with. --tap or
 * --json print that report on stdout (progress then goes to stderr). Exits 1 when an instance
 * fails or errors.
 *
 * Models no hardware.
 */

import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverInstances, suiteFiles } from '../suite/discover.ts';
import { TIERS } from '../suite/model.ts';
import { runInstances } from '../runner/pool.ts';
import { selectInstances } from '../runner/select.ts';
import { resolveSubject } from '../runner/subjects.ts';
import { coverageLine } from '../report/isa-coverage.ts';
import { countsOf, RUN_REPORT_SCHEMA, writeRunReports, type RunReport } from '../report/run-report.ts';
import { closingLines } from '../report/tap-writer.ts';
import { parseChoice, parseNumber } from './args.ts';
import { InputError, UsageError } from './errors.ts';
import type { SubjectCapabilities } from '../adapter.ts';
import type { RunRecord } from '../runner/serial.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const HELP = `usage: xvc run [options]
  --adapter SPEC      the subject: reference (default), ./module.ts exporting createSubject(),
                      exec:CMD (a process speaking xvc-subject/1 on stdio) or socket:HOST:PORT|PATH
  --oracle SPEC       what differential suites compare the subject with, named as --adapter is
                      (default reference, the embedded reference emulator)
  --tier TIER         ${TIERS.join(', ')} (default quick): how many cases each instance runs
  --suite PATTERN     select instances: a name (isa/golden), an area (isa/), a glob (*sst*); repeatable
  --grep REGEX        select instances whose name or a tag matches
  --seed N            the seed (default: fresh, printed)
  --runs N            cases per instance, overriding the tier's budget
  --jobs N            worker processes (default 1: in this process)
  --out DIR           report folder (default reports/run/<subject>)
  --list              list the selected instances and exit
  --tap               print the TAP stream on stdout
  --json              print the JSON report on stdout
  --require-adapters  a subject that cannot start fails the run instead of skipping
  --fail-on WHAT      what makes the exit status 1: fail (default: a fail or an error), error (only an
                      error), harness (only an error of xvc's own: a third-party emulator's wrong
                      answers, crashes and hangs are findings, a broken harness is not), or never`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      adapter: { type: 'string' },
      oracle: { type: 'string' },
      tier: { type: 'string' },
      suite: { type: 'string', multiple: true },
      grep: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string' },
      list: { type: 'boolean', default: false },
      tap: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'require-adapters': { type: 'boolean', default: false },
      'fail-on': { type: 'string' },
      'suites-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.tap && values.json) throw new UsageError('--tap and --json both want stdout; choose one');
  const tier = parseChoice('--tier', values.tier, TIERS, 'quick');
  const failOn = parseChoice('--fail-on', values['fail-on'], ['fail', 'error', 'harness', 'never'] as const, 'fail');
  const seed = parseNumber('--seed', values.seed, Math.floor(Math.random() * 0x7fffffff), 0x7fffffff);
  const runs = values.runs === undefined ? undefined : parseNumber('--runs', values.runs, 0, 1e9);
  const jobs = parseNumber('--jobs', values.jobs, 1, 64);
  if (jobs < 1) throw new UsageError('--jobs takes a number from 1 to 64');
  const suitesRoot = values['suites-dir'] ? resolve(values['suites-dir']) : join(ROOT, 'suites');

  const subject = await resolveSubject(values.adapter ?? 'reference');
  const oracle = await resolveSubject(values.oracle ?? 'reference');
  const files = suiteFiles(suitesRoot);
  const selected = selectInstances(await discoverInstances(suitesRoot, files), { suites: values.suite ?? [], ...(values.grep !== undefined ? { grep: values.grep } : {}) });
  // Progress goes to stderr whenever stdout carries a report.
  const say = values.tap || values.json ? (line: string) => void process.stderr.write(`${line}\n`) : (line: string) => void process.stdout.write(`${line}\n`);

  if (values.list) {
    for (const { instance, file } of selected) say(`${instance.name.padEnd(44)} ${file}  [${instance.tags.join(', ')}]`);
    return 0;
  }

  // A subject that cannot start (a missing emulator binary or library) skips every instance with
  // the reason, unless --require-adapters says it must be there (CI).
  let startFailure: string | undefined;
  let capabilities: SubjectCapabilities | null = null;
  let quirks: readonly string[] = [];
  try {
    const probe = await subject.subjects();
    capabilities = probe.capabilities;
    quirks = probe.quirks;
    await probe.close();
  } catch (e) {
    startFailure = `subject '${subject.name}' cannot start: ${firstLine(e)}`;
    if (values['require-adapters']) throw new InputError(`${startFailure} (--require-adapters)`);
  }

  say(`xvc run: subject ${subject.name}, oracle ${oracle.name}, tier ${tier}, seed ${seed}, ${selected.length} instances, jobs ${jobs} (replay: --seed ${seed})`);
  const startedAt = new Date();
  const started = performance.now();
  const records = startFailure !== undefined ? selected.map(({ instance }) => skippedRecord(instance.name, seed, startFailure!)) : await runInstances(selected, {
    jobs,
    tier,
    seed,
    ...(runs !== undefined ? { runs } : {}),
    subject,
    oracle,
    suitesRoot,
    files: [...new Set(selected.map(({ file }) => join(suitesRoot, file)))],
    onRecord(record, done, total) {
      const tag = { pass: 'ok', fail: 'FAIL', error: 'ERROR', skip: 'skip', 'known-fail': 'known' }[record.outcome];
      const why = record.reason ? `  ${record.outcome === 'error' ? `[${record.errorKind}] ` : ''}${record.reason}` : '';
      say(`[${String(done).padStart(String(total).length)}/${total}] ${tag.padEnd(5)} ${record.name}  ${record.cases ?? record.runs} cases, ${(record.ms / 1000).toFixed(2)} s${why}`);
    },
  });

  const byName = new Map(selected.map((d) => [d.instance.name, d]));
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const report: RunReport = {
    schema: RUN_REPORT_SCHEMA,
    xvcVersion: version,
    subject: { name: subject.name, spec: subject.spec, quirks, capabilities },
    oracle: { name: oracle.name, spec: oracle.spec },
    tier,
    seed,
    runs: runs ?? null,
    jobs,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    counts: countsOf(records),
    instances: records.map((r) => ({ ...r, file: byName.get(r.name)!.file, tags: byName.get(r.name)!.instance.tags })),
  };
  const outDir = values.out ? (isAbsolute(values.out) ? values.out : resolve(values.out)) : join(ROOT, 'reports', 'run', subject.name);
  const written = await writeRunReports(outDir, report);

  say(coverageLine(written.coverage));
  say(`reports: ${written.paths.tap}, ${written.paths.junit}, ${written.paths.json}, ${written.paths.coverage}`);
  if (values.tap) process.stdout.write(written.tap);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const line of closingLines(report.counts)) say(line);
  const failing =
    failOn === 'never' ? 0
    : failOn === 'harness' ? records.filter((r) => r.outcome === 'error' && r.errorKind === 'harness').length
    : failOn === 'error' ? report.counts.error
    : report.counts.fail + report.counts.error;
  return failing > 0 ? 1 : 0;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The record of an instance that could not run because its subject never started. */
function skippedRecord(name: string, seed: number, reason: string): RunRecord {
  return { name, seed, runs: 0, ms: 0, log: [], coverage: [], outcome: 'skip', reason };
}
