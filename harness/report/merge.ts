/**
 * `xvc report merge`: joins the run folders of `xvc run --shard K/N` (one per CI machine) into
 * the folder an unsharded run writes: per subject results.tap, junit.xml, report.json and
 * isa-coverage.json, plus matrix.json.
 *
 * A shard folder is either a single-subject folder (report.json in it, matrix.json with
 * reportDir '.') or a matrix root (matrix.json naming one subfolder per subject). Every shard is
 * read and checked before anything is written: the shards must come from one run (same subjects,
 * seed, tier, runs, oracle, xvc version and shard count N, every K from 1 to N once) and together
 * hold exactly the selection, each instance once. Every instance of a run has the run's seed, so
 * an instance's result does not depend on which shard ran it, and the merge equals the unsharded
 * run up to timings (`comparableRun`).
 *
 * Models no hardware.
 */

import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { InputError } from '../cli/errors.ts';
import { shardAssignment, type Shard } from '../runner/shard.ts';
import { buildMatrix, MATRIX_SCHEMA, type MatrixReport } from './matrix.ts';
import { countsOf, reportPaths, RUN_REPORT_SCHEMA, writeRunReports, type ReportPaths, type RunReport } from './run-report.ts';
import { writeAtomic, type Outcome } from './tap-writer.ts';

export const MATRIX_FILE = 'matrix.json';

export interface MergedSubject {
  name: string;
  /** The subject's folder relative to the merged folder ('.' for the single-subject layout). */
  reportDir: string;
  report: RunReport;
  paths: ReportPaths;
}

export interface MergeResult {
  /** N: how many shards were merged. */
  shardCount: number;
  /** In the order of the first shard's matrix.json. */
  subjects: MergedSubject[];
  /** The merged reports, one per subject, in the same order. */
  reports: RunReport[];
  matrix: MatrixReport;
  matrixPath: string;
  /** Every file written, in the order written. */
  written: string[];
}

/** One subject's report as a shard folder holds it. */
interface ShardSubject {
  reportDir: string;
  file: string;
  report: RunReport;
  startFailure?: string;
}

interface ShardFolder {
  dir: string;
  shard: Shard;
  subjects: ShardSubject[];
}

const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skip', 'known-fail'];

/** Merges the shard folders into `outDir`; nothing is written unless every shard checks out. */
export async function mergeRunFolders(shardDirs: string[], outDir: string): Promise<MergeResult> {
  if (shardDirs.length === 0) throw new InputError('no shard folders to merge');
  const shards: ShardFolder[] = [];
  for (const dir of shardDirs) shards.push(await readShardFolder(dir));
  const ordered = checkShardSet(shards);
  const first = ordered[0]!;

  const subjects = first.subjects.map((template) => {
    const parts = ordered.map((s) => ({ dir: s.dir, subject: s.subjects.find((x) => x.report.subject.name === template.report.subject.name)! }));
    return { template, report: mergeSubject(parts) };
  });

  const out = resolve(outDir);
  const targets = subjects.map(({ template }) => ({ reportDir: template.reportDir, paths: reportPaths(join(out, template.reportDir)) }));
  const matrixPath = join(out, MATRIX_FILE);
  await refuseToWriteIntoShards(out, [matrixPath, ...targets.flatMap((t) => Object.values(t.paths))], ordered.map((s) => s.dir));

  const written: string[] = [];
  const merged: MergedSubject[] = [];
  for (const [i, { template, report }] of subjects.entries()) {
    const { paths } = await writeRunReports(join(out, template.reportDir), report);
    written.push(paths.tap, paths.junit, paths.json, paths.coverage);
    merged.push({ name: report.subject.name, reportDir: targets[i]!.reportDir, report, paths });
  }
  const matrix = buildMatrix(
    subjects.map(({ template, report }) => {
      const startFailure = ordered.map((s) => s.subjects.find((x) => x.report.subject.name === report.subject.name)?.startFailure).find((f) => f !== undefined);
      return { report, reportDir: template.reportDir, ...(startFailure !== undefined ? { startFailure } : {}) };
    }),
    { xvcVersion: first.subjects[0]!.report.xvcVersion, generatedAt: new Date().toISOString(), tier: first.subjects[0]!.report.tier, seed: first.subjects[0]!.report.seed, shard: { merged: first.shard.count } },
  );
  await writeAtomic(matrixPath, `${JSON.stringify(matrix, null, 2)}\n`);
  written.push(matrixPath);
  return { shardCount: first.shard.count, subjects: merged, reports: merged.map((m) => m.report), matrix, matrixPath, written };
}

// ---- reading one shard folder ----

async function readShardFolder(dir: string): Promise<ShardFolder> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new InputError(`shard folder ${dir} does not exist`);
  if (!info.isDirectory()) throw new InputError(`${dir} is not a folder (a shard is the folder xvc run --shard K/N --out DIR wrote)`);
  const matrixFile = join(dir, MATRIX_FILE);
  const layout: Array<{ reportDir: string; startFailure?: string; name?: string }> = [];
  const matrixText = await readIfPresent(matrixFile);
  if (matrixText !== undefined) {
    const matrix = parseJson(matrixText, matrixFile);
    if (!isObject(matrix) || matrix['schema'] !== MATRIX_SCHEMA) throw new InputError(`${matrixFile} is not an ${MATRIX_SCHEMA} matrix (schema ${shownValue(isObject(matrix) ? matrix['schema'] : matrix)})`);
    const listed = matrix['subjects'];
    if (!Array.isArray(listed) || listed.length === 0) throw new InputError(`${matrixFile} lists no subjects`);
    for (const [i, s] of listed.entries()) {
      if (!isObject(s) || typeof s['name'] !== 'string' || typeof s['reportDir'] !== 'string') throw new InputError(`${matrixFile}: subjects[${i}] has no name or reportDir`);
      layout.push({ name: s['name'], reportDir: safeReportDir(s['reportDir'], matrixFile), ...(typeof s['startFailure'] === 'string' ? { startFailure: s['startFailure'] } : {}) });
    }
    const dirs = layout.map((l) => l.reportDir);
    const repeated = dirs.find((d, i) => dirs.indexOf(d) !== i);
    if (repeated !== undefined) throw new InputError(`${matrixFile} names the folder '${repeated}' for two subjects`);
  } else if ((await readIfPresent(join(dir, 'report.json'))) !== undefined) {
    layout.push({ reportDir: '.' });
  } else {
    throw new InputError(`${dir} is not an xvc run folder: it holds neither ${MATRIX_FILE} nor report.json`);
  }

  const subjects: ShardSubject[] = [];
  for (const entry of layout) {
    const file = reportPaths(join(dir, entry.reportDir)).json;
    const text = await readIfPresent(file);
    if (text === undefined) throw new InputError(`${file} is missing (${matrixFile} names it): the shard folder is incomplete`);
    const report = validateRunReport(parseJson(text, file), file);
    if (entry.name !== undefined && report.subject.name !== entry.name) throw new InputError(`${file} is subject '${report.subject.name}' but ${matrixFile} says '${entry.name}'`);
    subjects.push({ reportDir: entry.reportDir, file, report, ...(entry.startFailure !== undefined ? { startFailure: entry.startFailure } : {}) });
  }
  const names = subjects.map((s) => s.report.subject.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`${dir} holds subject '${twice}' twice`);
  const shard = subjects[0]!.report.shard!;
  for (const s of subjects) {
    if (s.report.shard!.index !== shard.index || s.report.shard!.count !== shard.count) {
      throw new InputError(`${s.file} is shard ${shardText(s.report.shard!)} but ${subjects[0]!.file} is shard ${shardText(shard)}`);
    }
  }
  return { dir, shard, subjects };
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if (isErrno(e) && e.code === 'ENOENT') return undefined;
    if (isErrno(e) && e.code === 'EISDIR') throw new InputError(`${file} is a folder, not a file`);
    throw new InputError(`cannot read ${file}: ${isErrno(e) ? e.code : String(e)}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON (truncated or corrupt?): ${(e as Error).message}`);
  }
}

/** A matrix's reportDir is written to as well as read: it must stay inside the folder. */
function safeReportDir(reportDir: string, matrixFile: string): string {
  const normal = normalize(reportDir);
  if (reportDir === '' || isAbsolute(reportDir) || normal === '..' || normal.startsWith(`..${sep}`)) {
    throw new InputError(`${matrixFile} names the subject folder '${reportDir}', which is not inside the run folder`);
  }
  return normal === '' ? '.' : normal.replace(/[/\\]+$/, '') || '.';
}

/** Checks what the merge relies on; a report it cannot use is refused by name, not half-merged. */
function validateRunReport(value: unknown, file: string): RunReport {
  if (!isObject(value)) throw new InputError(`${file} is not an ${RUN_REPORT_SCHEMA} report (it is ${shownValue(value)})`);
  if (value['schema'] !== RUN_REPORT_SCHEMA) throw new InputError(`${file} is not an ${RUN_REPORT_SCHEMA} report (schema ${shownValue(value['schema'])})`);
  const subject = value['subject'];
  if (!isObject(subject) || typeof subject['name'] !== 'string') throw new InputError(`${file} names no subject`);
  for (const [key, type] of [['xvcVersion', 'string'], ['tier', 'string'], ['seed', 'number'], ['startedAt', 'string'], ['durationMs', 'number'], ['jobs', 'number']] as const) {
    if (typeof value[key] !== type) throw new InputError(`${file} has no ${key} (a ${type})`);
  }
  if (value['runs'] !== null && typeof value['runs'] !== 'number') throw new InputError(`${file} has no runs (a number or null)`);
  const shard = value['shard'];
  if (!isObject(shard) || !Number.isInteger(shard['index']) || !Number.isInteger(shard['count']) || (shard['index'] as number) < 1 || (shard['index'] as number) > (shard['count'] as number)) {
    throw new InputError(`${file} is not a shard: it has no valid shard K/N (was it written by xvc run --shard K/N?)`);
  }
  const selection = value['selection'];
  if (!Array.isArray(selection) || !selection.every((n) => typeof n === 'string')) throw new InputError(`${file} has no selection list, so the merge cannot check it is complete`);
  const seen = new Set<string>();
  for (const name of selection as string[]) {
    if (seen.has(name)) throw new InputError(`${file} lists instance ${name} twice in its selection`);
    seen.add(name);
  }
  const instances = value['instances'];
  if (!Array.isArray(instances)) throw new InputError(`${file} has no instances list`);
  for (const [i, r] of instances.entries()) {
    const problem =
      !isObject(r) ? 'is not an object'
      : typeof r['name'] !== 'string' ? 'has no name'
      : !OUTCOMES.includes(r['outcome'] as Outcome) ? `has no valid outcome (${shownValue(r['outcome'])})`
      : typeof r['ms'] !== 'number' ? 'has no ms'
      : typeof r['seed'] !== 'number' || typeof r['runs'] !== 'number' ? 'has no seed or runs'
      : !Array.isArray(r['log']) || !Array.isArray(r['coverage']) ? 'has no log or coverage'
      : undefined;
    if (problem !== undefined) throw new InputError(`${file}: instances[${i}] ${problem}`);
  }
  return value as unknown as RunReport;
}

// ---- checking the shards belong together ----

/** The shards sorted by K, once every check has passed. */
function checkShardSet(shards: readonly ShardFolder[]): ShardFolder[] {
  const first = shards[0]!;
  const firstReport = first.subjects[0]!.report;
  const subjectSet = (s: ShardFolder): string => s.subjects.map((x) => x.report.subject.name).sort().join(', ');
  for (const s of shards.slice(1)) {
    if (s.shard.count !== first.shard.count) throw new InputError(`${s.dir} is shard ${shardText(s.shard)} but ${first.dir} is shard ${shardText(first.shard)}: they are not parts of one run`);
    if (subjectSet(s) !== subjectSet(first)) throw new InputError(`${s.dir} has subjects ${subjectSet(s)} but ${first.dir} has ${subjectSet(first)}`);
  }
  for (const s of shards) {
    for (const { report, file } of s.subjects) {
      for (const [what, value] of runIdentity(report)) {
        const expected = runIdentity(firstReport).find(([w]) => w === what)![1];
        if (value !== expected) throw new InputError(`${s.dir} has ${what} ${value} but ${first.dir} has ${what} ${expected}: shards of different runs (${file})`);
      }
    }
  }

  const byIndex = new Map<number, ShardFolder>();
  for (const s of shards) {
    const other = byIndex.get(s.shard.index);
    if (other) throw new InputError(`${other.dir} and ${s.dir} are both shard ${shardText(s.shard)}`);
    byIndex.set(s.shard.index, s);
  }
  const count = first.shard.count;
  for (let k = 1; k <= count; k++) {
    if (!byIndex.has(k)) {
      const given = [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index).map((s) => `${s.shard.index}/${count} ${s.dir}`).join(', ');
      throw new InputError(`shard ${k}/${count} is missing (given: ${given})`);
    }
  }
  const ordered = [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);

  for (const template of first.subjects) {
    const name = template.report.subject.name;
    const selection = template.report.selection!;
    const inSelection = new Set(selection);
    const reportedBy = new Map<string, string>();
    for (const s of ordered) {
      const mine = s.subjects.find((x) => x.report.subject.name === name)!;
      const difference = firstDifference(mine.report.selection!, selection);
      if (difference !== undefined) throw new InputError(`${s.dir} has a different selection from ${first.dir} for subject ${name} (${difference})`);
      for (const instance of mine.report.instances) {
        if (!inSelection.has(instance.name)) throw new InputError(`${mine.file} reports instance ${instance.name}, which is not in the selection`);
        const other = reportedBy.get(instance.name);
        if (other === s.dir) throw new InputError(`${mine.file} reports instance ${instance.name} twice`);
        if (other !== undefined) throw new InputError(`instance ${instance.name} is reported by both ${other} and ${s.dir}`);
        reportedBy.set(instance.name, s.dir);
      }
    }
    const missing = selection.filter((n) => !reportedBy.has(n));
    if (missing.length > 0) {
      const owner = shardAssignment(selection, count).get(missing[0]!)!;
      throw new InputError(`instance ${missing[0]} of subject ${name} is in no shard (${missing.length} missing, first in run order; shard ${owner}/${count} ${byIndex.get(owner)!.dir} should hold it)`);
    }
  }
  return ordered;
}

/** What must be equal in every shard of one run, as comparable text. */
function runIdentity(report: RunReport): Array<[string, string]> {
  return [
    ['seed', String(report.seed)],
    ['tier', report.tier],
    ['runs', report.runs === null ? 'default' : String(report.runs)],
    ['oracle', report.oracle ? `${report.oracle.name} (${report.oracle.spec})` : 'none'],
    ['xvc version', report.xvcVersion],
  ];
}

function firstDifference(a: readonly string[], b: readonly string[]): string | undefined {
  if (a.length !== b.length) return `${a.length} instances vs ${b.length}`;
  const i = a.findIndex((n, j) => n !== b[j]);
  return i < 0 ? undefined : `#${i + 1} is ${a[i]} vs ${b[i]}`;
}

// ---- the merged report ----

function mergeSubject(parts: ReadonlyArray<{ dir: string; subject: ShardSubject }>): RunReport {
  const reports = parts.map((p) => p.subject.report);
  const base = reports[0]!;
  const selection = base.selection!;
  const byName = new Map(reports.flatMap((r) => r.instances.map((i) => [i.name, i] as const)));
  const instances = selection.map((name) => byName.get(name)!);
  const earliest = reports.map((r) => r.startedAt).reduce((a, b) => (timeOf(b) < timeOf(a) ? b : a));
  return {
    ...omit(base, ['shard']),
    // A subject that could not start on one machine may have on another; keep what is known.
    subject: { ...base.subject, capabilities: reports.find((r) => r.subject.capabilities !== null)?.subject.capabilities ?? null },
    jobs: Math.max(...reports.map((r) => r.jobs)),
    startedAt: earliest,
    // The shards ran side by side: the run took as long as its slowest part.
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    counts: countsOf(instances),
    selection: [...selection],
    instances,
  };
}

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Infinity : t;
}

// ---- not clobbering the inputs ----

async function refuseToWriteIntoShards(out: string, files: readonly string[], shardDirs: readonly string[]): Promise<void> {
  const outReal = await realpathOr(out);
  for (const dir of shardDirs) {
    const real = await realpathOr(resolve(dir));
    if (real === outReal) throw new InputError(`the output folder ${out} is the shard folder ${dir}; merging would overwrite the shard`);
    for (const file of files) {
      const target = join(outReal, relative(out, file));
      const inside = relative(real, target);
      if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) throw new InputError(`merging into ${out} would overwrite ${file} inside the shard folder ${dir}`);
    }
  }
}

async function realpathOr(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

// ---- comparing runs ----

/** Diag keys that hold timings, which differ between any two runs of the same instances. */
const TIMING_KEY = /(^|_)ms$|Ms$|^seconds?$|Seconds$|per_?second|PerSecond|^duration|Duration$|^elapsed|Elapsed$|^rate$|^mips$/i;

/** Durations and rates inside a log line: `1.2 s`, `350 ms`, `1m05s`, `21 programs/s`, `3.4 MIPS`. */
const TIMING_IN_TEXT = /\b\d+m\d{2}s\b|\b\d[\d,]*(?:\.\d+)?\s*(?:ms|s|sec|seconds?|minutes?|MIPS|[A-Za-z]+\/s)(?![\w/])/g;

/**
 * The report without what depends on the clock or the machine: the run's durationMs, startedAt,
 * jobs and shard, each instance's `ms`, timing fields of `diag` (programsPerSecond, seconds,
 * duration_ms...), and the numbers of durations and rates inside log lines (the rest of the line
 * stays, so a changed message still shows). `selection` goes too when it is just the instances in
 * order (it is then redundant, and a run written before --shard has none). Two runs of the same
 * selection with the same seed give deep-equal results.
 */
export function comparableRun(report: RunReport): unknown {
  const { selection, instances } = report;
  const rest = omit(report, ['durationMs', 'startedAt', 'jobs', 'shard', 'selection', 'instances']);
  const names = instances.map((i) => i.name);
  const redundant = selection === undefined || (selection.length === names.length && selection.every((n, i) => n === names[i]));
  return {
    ...rest,
    ...(redundant ? {} : { selection }),
    instances: instances.map((instance) => ({
      ...omit(instance, ['ms', 'diag', 'log']),
      ...(instance.diag !== undefined ? { diag: withoutTimings(instance.diag) } : {}),
      log: instance.log.map((line) => line.replace(TIMING_IN_TEXT, '<time>')),
    })),
  };
}

function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !TIMING_KEY.test(key)).map(([key, v]) => [key, withoutTimings(v)]));
}

// ---- small helpers ----

function omit<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && 'code' in e;
}

function shownValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

function shardText(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
