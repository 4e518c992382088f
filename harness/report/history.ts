/**
 * The run history, reports/history.jsonl: one JSON line per subject run (`xvc-history/1`) with its
 * counts, time and ISA coverage, so trends can be drawn across runs and commits. The file is only
 * ever appended to, never rewritten, so a bad line (a crash mid-write, a hand edit) stays as it
 * was: the reader lists it as a problem, skips it and keeps every other line.
 *
 * Models no hardware.
 */

import { execFile } from 'node:child_process';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../cli/errors.ts';
import type { IsaCoverage } from './isa-coverage.ts';
import type { RunReport } from './run-report.ts';
import type { Outcome } from './tap-writer.ts';

export const HISTORY_SCHEMA = 'xvc-history/1';

export interface HistoryEntry {
  schema: typeof HISTORY_SCHEMA;
  /** When the run started (ISO 8601). */
  at: string;
  subject: string;
  spec: string;
  xvcVersion: string;
  /** `git rev-parse --short HEAD` of the tree that ran, when it is a git checkout. */
  commit?: string;
  tier: string;
  seed: number;
  counts: Record<Outcome, number>;
  durationMs: number;
  /** Forms exercised in any mode. */
  formsCovered: number;
  coverage: IsaCoverage['modes'];
  shard?: { index: number; count: number };
}

export interface History {
  entries: HistoryEntry[];
  /** One line per skipped line: `<path> line N: <why>`. */
  problems: string[];
}

const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skip', 'known-fail'];

/** How long `git rev-parse` may take before the commit is left out (a slow NFS checkout, a hung git). */
const GIT_TIMEOUT_MS = 5_000;

/** Builds the history line of one subject run; `at` defaults to the run's start time. */
export function historyEntry(report: RunReport, coverage: IsaCoverage, options: { at?: string; commit?: string } = {}): HistoryEntry {
  return {
    schema: HISTORY_SCHEMA,
    at: options.at ?? report.startedAt,
    subject: report.subject.name,
    spec: report.subject.spec,
    xvcVersion: report.xvcVersion,
    ...(options.commit !== undefined ? { commit: options.commit } : {}),
    tier: report.tier,
    seed: report.seed,
    counts: { ...report.counts },
    durationMs: report.durationMs,
    formsCovered: Object.keys(coverage.forms).length,
    coverage: structuredClone(coverage.modes),
    ...(report.shard !== undefined ? { shard: { index: report.shard.index, count: report.shard.count } } : {}),
  };
}

/** The short git HEAD of `cwd`, or undefined when there is none (no git, not a checkout, a timeout): never throws. */
export function gitCommit(cwd: string = process.cwd()): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd, timeout: GIT_TIMEOUT_MS }, (error, stdout) => {
        const commit = String(stdout).trim();
        resolve(error === null && /^[0-9a-f]{4,40}$/.test(commit) ? commit : undefined);
      });
    } catch {
      resolve(undefined);
    }
  });
}

/**
 * Appends one line, creating the file and its folder. Existing content is never rewritten: if the
 * last line was cut off (no newline), the new line starts on a line of its own so both survive.
 */
export async function appendHistory(path: string, entry: HistoryEntry): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const separator = (await endsWithoutNewline(path)) ? '\n' : '';
    await appendFile(path, `${separator}${JSON.stringify(entry)}\n`);
  } catch (error) {
    throw new InputError(`${path}: cannot append to the history (${codeOf(error)})`);
  }
}

async function endsWithoutNewline(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return false;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** The history a run appends to and a page draws: --history, else $XVC_HISTORY, else reports/history.jsonl. */
export function historyPathFor(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined) return resolve(option);
  const fromEnv = env['XVC_HISTORY'];
  return fromEnv ? resolve(fromEnv) : fileURLToPath(new URL('../../reports/history.jsonl', import.meta.url));
}

/** Reads the history: a missing file is an empty one; bad lines are listed and skipped. */
export async function readHistory(path: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { entries: [], problems: [] };
    throw new InputError(`${path}: cannot read the history (${codeOf(error)})`);
  }
  const entries: HistoryEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${path} line ${index + 1}`;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    const problem = entryProblem(data);
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
    else entries.push(data as HistoryEntry);
  });
  return { entries, problems };
}

/** Why a parsed line is not a usable entry, or undefined when it is one. */
function entryProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object';
  const entry = data as Record<string, unknown>;
  if (entry['schema'] !== HISTORY_SCHEMA) return `schema is ${JSON.stringify(entry['schema'] ?? null)}, expected '${HISTORY_SCHEMA}'`;
  for (const field of ['at', 'subject', 'spec', 'xvcVersion', 'tier'] as const) {
    if (typeof entry[field] !== 'string') return `'${field}' is not a string`;
  }
  for (const field of ['seed', 'durationMs', 'formsCovered'] as const) {
    if (typeof entry[field] !== 'number') return `'${field}' is not a number`;
  }
  if (entry['commit'] !== undefined && typeof entry['commit'] !== 'string') return `'commit' is not a string`;
  const counts = entry['counts'];
  if (typeof counts !== 'object' || counts === null) return `'counts' is not an object`;
  for (const outcome of OUTCOMES) {
    if (typeof (counts as Record<string, unknown>)[outcome] !== 'number') return `'counts.${outcome}' is not a number`;
  }
  if (typeof entry['coverage'] !== 'object' || entry['coverage'] === null) return `'coverage' is not an object`;
  return undefined;
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
}
