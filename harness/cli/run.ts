/**
 * `xvc run`: runs the suite instances (suites/**\/*.suite.ts, found by path) against one subject,
 * or against several as a matrix (`--adapter reference,qemu,unicorn,v86`), and writes per subject
 * TAP, JUnit XML, a JSON report and the ISA coverage report, then the matrix (`xvc-matrix/1`) and
 * the HTML page over all subjects, and appends each subject's counts to the run history.
 * One subject: its reports, matrix.json and index.html go to reports/run/<subject>/ (or --out).
 * Several: reports/run/ (or --out) holds matrix.json, index.html and one folder per subject.
 * Selection: --suite, --grep, --tier, --seed, --runs, --shard K/N (a deterministic part of the
 * selection, for spreading a run over CI machines; `xvc report merge` joins the parts); --jobs
 * spreads instances over worker processes; --oracle names what differential suites compare the
 * subject with. Failures covered by a subject's waiver file become known-fails; --baseline diffs
 * each subject with its committed results. --tap or --json print that report on stdout (progress
 * then goes to stderr). Exits 1 when an instance fails or errors (see --fail-on) or the baseline
 * diff finds a regression.
 *
 * Models no hardware.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverInstances, suiteFiles } from '../suite/discover.ts';
import { TIERS } from '../suite/model.ts';
import { selectInstances } from '../runner/select.ts';
import { parseShard, shardOf } from '../runner/shard.ts';
import { resolveSubject, type ResolvedSubject } from '../runner/subjects.ts';
import { runSubject, type SubjectRunResult } from '../runner/run-subject.ts';
import { coverageLine, type IsaCoverage } from '../report/isa-coverage.ts';
import { writeRunReports } from '../report/run-report.ts';
import { closingLines, countOutcomes, outcomeLine, writeAtomic, type Outcome } from '../report/tap-writer.ts';
import { buildMatrix } from '../report/matrix.ts';
import { writeReportPage } from '../report/page.ts';
import { appendHistory, gitCommit, historyEntry, historyPathFor } from '../report/history.ts';
import { loadResults, resultSetOf } from '../report/results-source.ts';
import { diffResults, formatDiff } from '../report/diff.ts';
import { createProgress } from '../report/progress.ts';
import { parseChoice, parseNumber } from './args.ts';
import { InputError, oneLine, UsageError } from './errors.ts';
import type { RunRecord } from '../runner/serial.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** From this many instance runs on, `xvc run` shows progress with an ETA. */
const LONG_RUN_INSTANCES = 20;

const HELP = `usage: xvc run [options]
  --adapter SPEC[,SPEC...]  the subject, or several for a matrix: reference (default), qemu, unicorn,
                      v86, ./module.ts exporting createSubject(), exec:CMD (a process speaking
                      xvc-subject/1 on stdio) or socket:HOST:PORT|PATH
  --oracle SPEC       what differential suites compare the subject with, named as --adapter is
                      (default reference, the embedded reference emulator)
  --tier TIER         ${TIERS.join(', ')} (default quick): how many cases each instance runs
  --suite PATTERN     select instances: a name (isa/golden), an area (isa/), a glob (*sst*); repeatable
  --grep REGEX        select instances whose name or a tag matches
  --shard K/N         run only part K of N of the selection (deterministic; join with xvc report merge)
  --seed N            the seed (default: fresh, printed)
  --runs N            cases per instance, overriding the tier's budget
  --jobs N            worker processes (default 1: in this process)
  --out DIR           report folder (default reports/run/<subject>, or reports/run for a matrix)
  --baseline PATH     diff each subject with a baseline: a run folder or TAP file, or a folder of
                      per-subject folders (reports/baselines); a new failure or error exits 1
  --waivers DIR       where each subject's waiver file is, DIR/<subject>/waivers.json
                      (default reports/baselines); --waivers none reads none
  --history FILE      the run history to append to (default $XVC_HISTORY or reports/history.jsonl)
  --list              list the selected instances and exit
  --tap               print the TAP stream on stdout (one subject only)
  --json              print the JSON report on stdout (one subject only)
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
      shard: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string' },
      baseline: { type: 'string' },
      waivers: { type: 'string' },
      history: { type: 'string' },
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
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const suitesRoot = values['suites-dir'] ? resolve(values['suites-dir']) : join(ROOT, 'suites');

  const specs = (values.adapter ?? 'reference').split(',').map((s) => s.trim());
  if (specs.some((s) => s === '')) throw new UsageError(`--adapter has an empty name in '${values.adapter}'`);
  const subjects: ResolvedSubject[] = [];
  for (const spec of specs) subjects.push(await resolveSubject(spec));
  const duplicate = subjects.find((s, i) => subjects.findIndex((t) => t.name === s.name) !== i);
  if (duplicate) throw new UsageError(`--adapter names subject '${duplicate.name}' twice`);
  const matrixRun = subjects.length > 1;
  if (matrixRun && (values.tap || values.json)) throw new UsageError('--tap and --json print one subject\'s report; with several subjects read the files in the run folder');
  const oracle = await resolveSubject(values.oracle ?? 'reference');

  const files = suiteFiles(suitesRoot);
  const selection = selectInstances(await discoverInstances(suitesRoot, files), { suites: values.suite ?? [], ...(values.grep !== undefined ? { grep: values.grep } : {}) });
  const selected = shard ? shardOf(selection, (d) => d.instance.name, shard) : selection;
  // Progress goes to stderr whenever stdout carries a report.
  const say = values.tap || values.json ? (line: string) => void process.stderr.write(`${line}\n`) : (line: string) => void process.stdout.write(`${line}\n`);

  if (values.list) {
    for (const { instance, file } of selected) say(`${instance.name.padEnd(44)} ${file}  [${instance.tags.join(', ')}]`);
    return 0;
  }

  const outRoot = values.out ? (isAbsolute(values.out) ? values.out : resolve(values.out)) : join(ROOT, 'reports', 'run', ...(matrixRun ? [] : [subjects[0]!.name]));
  const subjectDir = (subject: ResolvedSubject): string => (matrixRun ? join(outRoot, subject.name) : outRoot);
  const waiversRoot = values.waivers === 'none' ? undefined : values.waivers !== undefined ? resolve(values.waivers) : join(ROOT, 'reports', 'baselines');
  const historyPath = historyPathFor(values.history);
  // Baselines are found before anything runs, so a wrong path costs no run time.
  const baselines = new Map(subjects.map((subject) => [subject.name, values.baseline === undefined ? undefined : baselineFor(resolve(values.baseline), subject.name, matrixRun)]));

  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const total = selected.length * subjects.length;
  // A short run's per-instance lines say enough; a long one (a matrix, a full tier) also gets a
  // bar with an ETA on a terminal, or a plain line every 10% in CI and pipes.
  const progress = total >= LONG_RUN_INSTANCES
    ? createProgress({ total, label: 'xvc run', stream: values.tap || values.json ? process.stderr : process.stdout })
    : { line: say, tick: () => {}, finish: () => {} };
  const sayDuringRun = (line: string): void => progress.line(line);
  let done = 0;
  const onRecord = (record: RunRecord): void => {
    done++;
    const tag = { pass: 'ok', fail: 'FAIL', error: 'ERROR', skip: 'skip', 'known-fail': 'known' }[record.outcome];
    const why = record.reason ? `  ${record.outcome === 'error' ? `[${record.errorKind}] ` : ''}${record.reason}` : '';
    // The count first, so the bar redrawn under the line already shows it.
    progress.tick(done, record.name);
    sayDuringRun(`[${String(done).padStart(String(total).length)}/${total}] ${tag.padEnd(5)} ${record.name}  ${record.cases ?? record.runs} cases, ${(record.ms / 1000).toFixed(2)} s${why}`);
  };

  // Every subject of one invocation is filed at the run's start, so the page plots a matrix run
  // as one point in time rather than one per subject.
  const runStartedAt = new Date().toISOString();
  const commit = await gitCommit(ROOT);
  // Only what this run ran is compared with a baseline: a narrower --suite or one shard is not a removal.
  const ran = new Set(selected.map((d) => d.instance.name));
  // Whether a result counts toward the exit status, as --fail-on says: under `harness`, a
  // third-party emulator's wrong answer (or one that got worse) is a finding, not a broken harness.
  const counts = (outcome: Outcome, errorKind: string | undefined): boolean =>
    failOn === 'never' ? false
    : failOn === 'harness' ? outcome === 'error' && errorKind === 'harness'
    : failOn === 'error' ? outcome === 'error'
    : outcome === 'fail' || outcome === 'error';
  const results: Array<SubjectRunResult & { dir: string; coverage: IsaCoverage }> = [];
  let exitStatus = 0;
  let historyLost = false;
  const problems: string[] = [];
  for (const subject of subjects) {
    const result = await runSubject({
      subject,
      oracle,
      selected,
      selection: selection.map((d) => d.instance.name),
      ...(shard ? { shard } : {}),
      tier,
      seed,
      ...(runs !== undefined ? { runs } : {}),
      jobs,
      suitesRoot,
      xvcVersion: version,
      requireAdapters: values['require-adapters'],
      ...(waiversRoot !== undefined ? { waiversRoot } : {}),
      onRecord,
      say: sayDuringRun,
    });
    const dir = subjectDir(subject);
    const written = await writeRunReports(dir, result.report);
    results.push({ ...result, dir, coverage: written.coverage });
    sayDuringRun(coverageLine(written.coverage));
    sayDuringRun(`reports (${subject.name}): ${written.paths.tap}, ${written.paths.junit}, ${written.paths.json}, ${written.paths.coverage}`);
    if (values.tap) process.stdout.write(written.tap);
    if (values.json) process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
    try {
      await appendHistory(historyPath, historyEntry(result.report, written.coverage, { at: runStartedAt, ...(commit !== undefined ? { commit } : {}) }));
    } catch (error) {
      historyLost = true;
      problems.push(`history not appended: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    }
    const baseline = baselines.get(subject.name);
    if (baseline !== undefined) {
      const base = await loadResults(baseline);
      const diff = diffResults({ ...base, results: base.results.filter((r) => ran.has(r.name)) }, resultSetOf(result.report, dir));
      for (const line of formatDiff(diff)) sayDuringRun(line);
      if ([...diff.newFailures, ...diff.newErrors].some((change) => counts(change.after, change.errorKind))) exitStatus = 1;
    }
  }
  progress.finish();

  const matrix = buildMatrix(results.map((r) => ({ report: r.report, coverage: r.coverage, reportDir: relative(outRoot, r.dir) || '.', ...(r.startFailure !== undefined ? { startFailure: r.startFailure } : {}) })), {
    xvcVersion: version,
    generatedAt: new Date().toISOString(),
    tier,
    seed,
    ...(shard ? { shard } : {}),
  });
  await writeAtomic(join(outRoot, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  const page = await writeReportPage(join(outRoot, 'index.html'), matrix, historyPath);
  problems.push(...page.problems);
  say(`matrix: ${join(outRoot, 'matrix.json')}, page: ${page.path}`);
  if (matrixRun) for (const r of results) say(`  ${r.report.subject.name.padEnd(10)} ${outcomeLine(r.report.counts)}${r.startFailure ? `  (${r.startFailure})` : ''}`);

  const records = results.flatMap((r) => r.report.instances);
  if (records.some((r) => counts(r.outcome, r.errorKind))) exitStatus = 1;
  // Problems with the history are one line each and come last but one: the reports are written.
  for (const problem of problems) process.stderr.write(`xvc: ${problem}\n`);
  if (historyLost) exitStatus = 1;
  for (const line of closingLines(countOutcomes(records))) say(line);
  return exitStatus;
}

/**
 * The baseline of one subject: PATH itself when it is a TAP file or a run folder (one subject),
 * else PATH/<subject> (a folder of per-subject baselines such as reports/baselines).
 */
function baselineFor(path: string, subject: string, matrixRun: boolean): string {
  if (!existsSync(path)) throw new InputError(`--baseline ${path} does not exist`);
  const own = join(path, subject);
  if (existsSync(join(own, 'report.json')) || existsSync(join(own, 'results.tap'))) return own;
  const isRunFolder = statSync(path).isFile() || existsSync(join(path, 'report.json')) || existsSync(join(path, 'results.tap'));
  if (isRunFolder && !matrixRun) return path;
  throw new InputError(`--baseline ${path} has no baseline for subject '${subject}' (expected ${own}/report.json or results.tap)`);
}
