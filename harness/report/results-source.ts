/**
 * Reads the results of one earlier run back, for regression tracking (`xvc report diff`): either
 * a TAP file as `xvc run` writes it (results.tap) or a run folder, where report.json (the
 * `xvc-run/1` report, complete) is preferred and results.tap is the fall-back. Both become one
 * plain ResultSet: per instance its outcome, reason, error kind, time and failure hash.
 *
 * TAP is parsed by tap-parser, never by regexes, and mapped back to the five outcomes the way
 * tap-writer.ts wrote them: `ok` -> pass, `ok # SKIP` -> skip, `not ok # TODO` -> known-fail,
 * `not ok` with a YAML `kind` -> error, else `not ok` -> fail. A file that was cut short (the plan
 * promises more points than there are, a YAML block is cut off, there is no plan, or the stream
 * bailed out) is refused: comparing against half a run would call every missing instance
 * "removed". Every refusal is one InputError line naming the file and the problem.
 *
 * Models no hardware.
 */

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { InputError } from '../cli/errors.ts';
import { recordedFailureHash } from './failure-hash.ts';
import { RUN_REPORT_SCHEMA, type RunReport } from './run-report.ts';
import type { Outcome } from './tap-writer.ts';

export interface InstanceOutcome {
  name: string;
  outcome: Outcome;
  /** The first line is what a person reads: why it failed, was skipped, or is a known failure. */
  reason?: string;
  /** For `error`: subject-crash | timeout | protocol | harness. */
  errorKind?: string;
  /** Wall-clock time of the instance, when the source recorded it. */
  ms?: number;
  /** Names this failure (failure-hash.ts), for fail and error only. */
  failureHash?: string;
}

export interface ResultSet {
  /** The path it was read from, as given (shown in diff summaries). */
  source: string;
  /** The subject's name, when the source records it (report.json does; TAP does not). */
  subject?: string;
  results: InstanceOutcome[];
}

const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skip', 'known-fail'];

/** Loads a results.tap file, a report.json file, or a run folder holding either. */
export async function loadResults(path: string): Promise<ResultSet> {
  const kind = await pathKind(path);
  if (kind === 'missing') throw new InputError(`${path}: no such file or folder`);
  if (kind === 'file') return path.endsWith('.json') ? loadReportJson(path, path) : loadTap(path, path);
  const json = join(path, 'report.json');
  if ((await pathKind(json)) === 'file') return loadReportJson(json, path);
  const tap = join(path, 'results.tap');
  if ((await pathKind(tap)) === 'file') return loadTap(tap, path);
  throw new InputError(`${path}: not a run folder (it has neither report.json nor results.tap)`);
}

async function pathKind(path: string): Promise<'file' | 'folder' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return 'missing';
    throw new InputError(`${path}: cannot read (${errnoText(error)})`);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${errnoText(error)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// report.json (xvc-run/1)

async function loadReportJson(file: string, source: string): Promise<ResultSet> {
  const text = await readText(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw new InputError(`${file}: not an ${RUN_REPORT_SCHEMA} report (the top level is not an object)`);
  if (data['schema'] !== RUN_REPORT_SCHEMA) {
    throw new InputError(`${file}: schema is ${JSON.stringify(data['schema'] ?? null)}, expected '${RUN_REPORT_SCHEMA}'`);
  }
  const instances = data['instances'];
  if (!Array.isArray(instances)) throw new InputError(`${file}: 'instances' is not a list`);
  const subject = isObject(data['subject']) && typeof data['subject']['name'] === 'string' ? data['subject']['name'] : undefined;
  const results = instances.map((raw: unknown, index): InstanceOutcome => {
    const where = `${file}: instance ${index + 1}`;
    if (!isObject(raw)) throw new InputError(`${where}: not an object`);
    const { name, outcome, reason, errorKind, ms, diag } = raw;
    if (typeof name !== 'string' || name === '') throw new InputError(`${where}: 'name' is not a non-empty string`);
    if (!OUTCOMES.includes(outcome as Outcome)) throw new InputError(`${where} (${name}): 'outcome' is ${JSON.stringify(outcome ?? null)}, expected one of ${OUTCOMES.join(', ')}`);
    return outcomeOf({
      name,
      outcome: outcome as Outcome,
      ...(typeof reason === 'string' ? { reason } : {}),
      ...(typeof errorKind === 'string' ? { errorKind } : {}),
      ...(typeof ms === 'number' ? { ms } : {}),
      ...(isObject(diag) ? { diag } : {}),
    });
  });
  rejectDuplicates(file, results.map((r) => r.name), 'instance');
  return { source, ...(subject !== undefined ? { subject } : {}), results };
}

// ---------------------------------------------------------------------------------------------
// results.tap

async function loadTap(file: string, source: string): Promise<ResultSet> {
  const text = await readText(file);
  const points: Result[] = [];
  const strayLines: string[] = [];
  let complete: FinalResults | undefined;
  const parser = new Parser();
  // Only top-level points: xvc writes no subtests, and a child stream's points are its own.
  parser.on('assert', (point: Result) => points.push(point));
  parser.on('extra', (extra: string) => {
    if (extra.trim() !== '') strayLines.push(extra);
  });
  parser.on('complete', (results: FinalResults) => {
    complete = results;
  });
  parser.end(text);
  if (complete === undefined) throw new InputError(`${file}: the TAP parser did not finish`);

  if (complete.bailout !== false) {
    throw new InputError(`${file}: the run bailed out${typeof complete.bailout === 'string' && complete.bailout !== '' ? ` (${complete.bailout})` : ''}, so its results are incomplete`);
  }
  // tap-parser makes up a `1..0` plan for a stream without one; that is no plan.
  const { start, end } = complete.plan;
  if (parser.syntheticPlan || start === null || end === null) {
    throw new InputError(`${file}: no TAP plan (1..N) line, so it cannot be told complete${points.length === 0 ? ' (and no test points)' : ''}`);
  }
  const planned = end - start + 1;
  if (planned !== points.length) {
    throw new InputError(`${file}: the plan says ${start}..${end} but there are ${points.length} test points (a truncated file?)`);
  }
  // A YAML block that never reaches its `...` (a cut-off write) comes back as unparsed text.
  const stray = strayLines[0];
  if (stray !== undefined) {
    const firstLine = stray.split('\n', 1)[0]!.trim();
    const what = firstLine === '---' ? 'a YAML block is cut off or unreadable' : `a line is not TAP: '${firstLine.slice(0, 60)}'`;
    throw new InputError(`${file}: ${what}${points.length > 0 ? ` (after test point ${points.length})` : ''}`);
  }

  const results = points.map((point) => fromTapPoint(point));
  rejectDuplicates(file, results.map((r) => r.name), 'test');
  return { source, results };
}

function fromTapPoint(point: Result): InstanceOutcome {
  const diag: Record<string, unknown> = isObject(point.diag) ? point.diag : {};
  const kind = typeof diag['kind'] === 'string' ? diag['kind'] : undefined;
  const message = typeof diag['message'] === 'string' ? diag['message'] : undefined;
  const outcome: Outcome = point.skip !== false
    ? 'skip'
    : point.ok
      // `ok # TODO` is a known failure that now passes: it ran and was right.
      ? 'pass'
      : point.todo !== false
        ? 'known-fail'
        : kind !== undefined
          ? 'error'
          : 'fail';
  const directive = outcome === 'skip' ? point.skip : outcome === 'known-fail' ? point.todo : undefined;
  const reason = typeof directive === 'string' && directive !== '' ? directive : outcome === 'fail' || outcome === 'error' ? message : undefined;
  const errorKind = outcome === 'error' ? kind : undefined;
  // tap-parser moves a numeric `duration_ms` out of the YAML block into `time`.
  const ms = point.time ?? diag['duration_ms'];
  return outcomeOf({ name: point.name, outcome, ...(reason !== undefined ? { reason } : {}), ...(errorKind !== undefined ? { errorKind } : {}), ...(typeof ms === 'number' ? { ms } : {}), diag });
}

// ---------------------------------------------------------------------------------------------

/**
 * The recorded `failure_hash`, else the hash computed the way `xvc run` computes it, so that
 * reports written before runs recorded it still compare. Passes, skips and known-fails have none.
 */
function hashOf(record: { outcome: Outcome; reason?: string; errorKind?: string; diag?: Record<string, unknown> }): { failureHash?: string } {
  if (record.outcome !== 'fail' && record.outcome !== 'error') return {};
  return { failureHash: recordedFailureHash(record) };
}

interface RecordLike {
  name: string;
  outcome: Outcome;
  reason?: string;
  errorKind?: string;
  ms?: number;
  diag?: Record<string, unknown>;
}

/** One instance of a run report as a diff reads it. */
function outcomeOf(record: RecordLike): InstanceOutcome {
  return {
    name: record.name,
    outcome: record.outcome,
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(record.errorKind !== undefined ? { errorKind: record.errorKind } : {}),
    // Whole milliseconds, as results.tap records them, so a folder and its TAP compare equal.
    ...(record.ms !== undefined && Number.isFinite(record.ms) ? { ms: Math.round(record.ms) } : {}),
    ...hashOf(record),
  };
}

/** A run report already in memory (the run just made) as the results a diff reads. */
export function resultSetOf(report: RunReport, source: string): ResultSet {
  return { source, subject: report.subject.name, results: report.instances.map(outcomeOf) };
}

function rejectDuplicates(file: string, names: readonly string[], what: 'test' | 'instance'): void {
  const firstAt = new Map<string, number>();
  names.forEach((name, index) => {
    const first = firstAt.get(name);
    if (first !== undefined) throw new InputError(`${file}: ${what} name '${name}' appears twice (${what}s ${first + 1} and ${index + 1})`);
    firstAt.set(name, index);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function errnoText(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
}
