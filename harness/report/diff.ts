/**
 * Compares two runs' results (results-source.ts) instance by instance, for regression tracking:
 * what newly fails or errors, what was fixed, what newly skips, which instances came or went,
 * which failures became a different failure (their failure hash changed), any other outcome
 * change, and where the time moved most. `regressed` is the CI verdict: a new failure or a new
 * error. The diff is plain data (`xvc report diff --json` prints it as is); formatDiff renders it
 * as lines a person reads, the summary first.
 *
 * Models no hardware.
 */

import type { Outcome } from './tap-writer.ts';
import type { InstanceOutcome, ResultSet } from './results-source.ts';

export const RESULT_DIFF_SCHEMA = 'xvc-diff/1';

/** One instance whose outcome differs between the two runs; `before` is absent for an added instance. */
export interface OutcomeChange {
  instance: string;
  before?: Outcome;
  after: Outcome;
  /** The NEW run's reason (why it fails, skips, ...), when it gave one. */
  reason?: string;
  /** For an error in the NEW run: its kind (subject-crash, timeout, protocol, harness). */
  errorKind?: string;
}

/** Both runs fail (or both error) the instance, but with a different failure hash. */
export interface FailureChange {
  instance: string;
  outcome: Extract<Outcome, 'fail' | 'error'>;
  beforeHash: string;
  afterHash: string;
  beforeReason?: string;
  afterReason?: string;
}

export interface TimeChange {
  instance: string;
  beforeMs: number;
  afterMs: number;
  deltaMs: number;
  /** deltaMs as a percentage of beforeMs; null when beforeMs is 0. */
  percent: number | null;
}

export interface ResultDiff {
  schema: typeof RESULT_DIFF_SCHEMA;
  base: string;
  next: string;
  /** The subjects of the two runs, when the sources record them; a diff across subjects is flagged. */
  baseSubject?: string;
  nextSubject?: string;
  /** Fail in NEW; in BASE anything but fail, or absent. */
  newFailures: OutcomeChange[];
  /** Error in NEW; in BASE anything but error, or absent. */
  newErrors: OutcomeChange[];
  /** Fail or error in BASE, pass in NEW. */
  fixed: OutcomeChange[];
  /** Skip or known-fail in NEW; pass, fail or error in BASE. */
  newSkips: OutcomeChange[];
  /** A different failure of the same instance: fail in both (or error in both), hash changed. */
  changedFailures: FailureChange[];
  /** In NEW only (also listed above by their outcome where one applies). */
  added: Array<{ instance: string; outcome: Outcome }>;
  /** In BASE only. */
  removed: Array<{ instance: string; outcome: Outcome }>;
  /** Outcome changes of instances in both runs that none of the lists above covers (skip -> pass, ...). */
  otherChanges: OutcomeChange[];
  /** The largest absolute time changes of instances timed in both runs, largest first. */
  timeChanges: TimeChange[];
}

export interface DiffOptions {
  /** How many time changes to keep (default 5; 0 for none). */
  topTimeChanges?: number;
}

const DEFAULT_TOP_TIME_CHANGES = 5;

export function diffResults(base: ResultSet, next: ResultSet, options: DiffOptions = {}): ResultDiff {
  const before = new Map(base.results.map((r) => [r.name, r]));
  const after = new Map(next.results.map((r) => [r.name, r]));
  const diff: ResultDiff = {
    schema: RESULT_DIFF_SCHEMA,
    base: base.source,
    next: next.source,
    ...(base.subject !== undefined ? { baseSubject: base.subject } : {}),
    ...(next.subject !== undefined ? { nextSubject: next.subject } : {}),
    newFailures: [],
    newErrors: [],
    fixed: [],
    newSkips: [],
    changedFailures: [],
    added: [],
    removed: [],
    otherChanges: [],
    timeChanges: [],
  };
  const timed: TimeChange[] = [];

  for (const now of next.results) {
    const was = before.get(now.name);
    const change = outcomeChange(was, now);
    if (was === undefined) diff.added.push({ instance: now.name, outcome: now.outcome });
    if (now.outcome === 'fail' && was?.outcome !== 'fail') diff.newFailures.push(change);
    else if (now.outcome === 'error' && was?.outcome !== 'error') diff.newErrors.push(change);
    else if (was === undefined) continue;
    else if (now.outcome === 'pass' && (was.outcome === 'fail' || was.outcome === 'error')) diff.fixed.push(change);
    else if ((now.outcome === 'skip' || now.outcome === 'known-fail') && (was.outcome === 'pass' || was.outcome === 'fail' || was.outcome === 'error')) diff.newSkips.push(change);
    else if (now.outcome !== was.outcome) diff.otherChanges.push(change);
    else if ((now.outcome === 'fail' || now.outcome === 'error') && was.failureHash !== undefined && now.failureHash !== undefined && was.failureHash !== now.failureHash) {
      diff.changedFailures.push({
        instance: now.name,
        outcome: now.outcome,
        beforeHash: was.failureHash,
        afterHash: now.failureHash,
        ...(was.reason !== undefined ? { beforeReason: was.reason } : {}),
        ...(now.reason !== undefined ? { afterReason: now.reason } : {}),
      });
    }
    if (was?.ms !== undefined && now.ms !== undefined) {
      const deltaMs = now.ms - was.ms;
      timed.push({ instance: now.name, beforeMs: was.ms, afterMs: now.ms, deltaMs, percent: was.ms === 0 ? null : Math.round((deltaMs / was.ms) * 1000) / 10 });
    }
  }
  for (const was of base.results) {
    if (!after.has(was.name)) diff.removed.push({ instance: was.name, outcome: was.outcome });
  }
  const top = options.topTimeChanges ?? DEFAULT_TOP_TIME_CHANGES;
  // Ties go by name, so the same two runs always give the same list.
  diff.timeChanges = timed
    .filter((t) => t.deltaMs !== 0)
    .sort((a, b) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs) || (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0))
    .slice(0, Math.max(0, top));
  return diff;
}

function outcomeChange(was: InstanceOutcome | undefined, now: InstanceOutcome): OutcomeChange {
  return {
    instance: now.name,
    ...(was !== undefined ? { before: was.outcome } : {}),
    after: now.outcome,
    ...(now.reason !== undefined ? { reason: now.reason } : {}),
    ...(now.errorKind !== undefined ? { errorKind: now.errorKind } : {}),
  };
}

/** The CI verdict: the NEW run fails or errors somewhere the BASE run did not. */
export function regressed(diff: ResultDiff): boolean {
  return diff.newFailures.length > 0 || diff.newErrors.length > 0;
}

/** Readable lines: the one-line summary, then each non-empty section. */
export function formatDiff(diff: ResultDiff): string[] {
  const lines = [
    `diff ${diff.base} -> ${diff.next}: ${count(diff.newFailures.length, 'new failure')}, ${count(diff.newErrors.length, 'new error')}, ${diff.fixed.length} fixed, ${count(diff.newSkips.length, 'new skip')}`,
  ];
  if (diff.baseSubject !== undefined && diff.nextSubject !== undefined && diff.baseSubject !== diff.nextSubject) {
    lines.push(`note: these are runs of different subjects ('${diff.baseSubject}' and '${diff.nextSubject}'), not two versions of one`);
  }
  const section = <T>(title: string, items: readonly T[], render: (item: T) => string): void => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length}):`, ...items.map((item) => `  ${render(item)}`));
  };
  section('new failures', diff.newFailures, changeLine);
  section('new errors', diff.newErrors, changeLine);
  section('different failures (failure hash changed)', diff.changedFailures, (c) => `${c.instance}: ${c.outcome} ${c.beforeHash} -> ${c.afterHash}${reasonSuffix(c.afterReason, c.instance)}`);
  section('fixed', diff.fixed, changeLine);
  section('new skips', diff.newSkips, changeLine);
  section('added', diff.added, (a) => `${a.instance}: ${a.outcome}`);
  section('removed', diff.removed, (r) => `${r.instance}: was ${r.outcome}`);
  section('other outcome changes', diff.otherChanges, changeLine);
  section('largest time changes', diff.timeChanges, (t) => `${t.instance}: ${ms(t.beforeMs)} -> ${ms(t.afterMs)} (${t.deltaMs > 0 ? '+' : ''}${ms(t.deltaMs)}${t.percent === null ? '' : `, ${t.percent > 0 ? '+' : ''}${t.percent}%`})`);
  return lines;
}

function changeLine(change: OutcomeChange): string {
  return `${change.instance}: ${change.before ?? 'absent'} -> ${change.after}${reasonSuffix(change.reason, change.instance)}`;
}

/**
 * The first line of a reason only: the rest (disassembly, field tables) is in the run's report.
 * Suites often start a reason with the instance name, which the line already shows.
 */
function reasonSuffix(reason: string | undefined, instance?: string): string {
  let first = reason?.split('\n', 1)[0]?.trim() ?? '';
  if (instance !== undefined && first.startsWith(`${instance}: `)) first = first.slice(instance.length + 2);
  return first ? `: ${first}` : '';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}
