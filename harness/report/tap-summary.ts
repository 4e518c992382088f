// Summarise a TAP stream (e.g. reports/test.tap written by `npm test`) into counts,
// plan integrity and failure details. The parsing is done by tap-parser, never by
// regexes, so directives (# SKIP / # TODO), YAML diagnostics, bail-outs and a
// missing or mismatched plan are all interpreted the way the TAP spec defines them.
// harness/scripts/test.ts uses this to decide the run's verdict and final line.

import { Parser, type FinalResults, type TapError } from 'tap-parser';
import { MISSING_SKIP_REASON } from './outcome-mark.ts';

/** One failed test point, with its diagnostics rendered as readable text. */
export interface TapFailure {
  name: string;
  /** Rendered YAML diagnostics (message / stack / other keys); '' when none. */
  diag: string;
}

export interface TapSummary {
  /** Test points that passed (ok, without a SKIP or TODO directive). */
  pass: number;
  /** Test points that failed (not ok, without a SKIP or TODO directive). */
  fail: number;
  /** Of the failed ones, those that are errors: a YAML `kind` says why no answer could be had. */
  error: number;
  /** Test points with a SKIP directive. */
  skip: number;
  /** Test points with a TODO directive (xvc reports these as known failures). */
  todo: number;
  /** All test points seen: pass + fail + skip + todo. */
  total: number;
  /** True when the stream had a real plan line and the test count matches it. */
  planOk: boolean;
  /** The bail-out reason ('' if none was given), or null when there was no bail-out. */
  bailout: string | null;
  failures: TapFailure[];
  /** Skipped test points whose SKIP directive gives no reason, or the reporter's marker for one. */
  skipsWithoutReason: string[];
  /** TAP-level errors reported by the parser ("no plan", "incorrect number of tests", ...). */
  problems: string[];
}

/** Parse a complete TAP text and summarise it. */
export function summarizeTap(text: string): TapSummary {
  let results: FinalResults | undefined;
  const parser = new Parser((r) => {
    results = r;
  });
  parser.end(text);
  if (results === undefined) {
    throw new Error('tap-parser did not complete');
  }

  const failedPoints = results.failures.filter(isTestPoint);
  const problems = results.failures.filter((f) => !isTestPoint(f)).map((f) => String(f.tapError));
  const fail = failedPoints.length;
  const { count, skip, todo, plan } = results;
  const error = failedPoints.filter((f) => typeof (f.diag as Record<string, unknown> | null)?.['kind'] === 'string').length;
  const skipsWithoutReason = results.skips
    .filter((p) => typeof p.skip !== 'string' || p.skip.trim() === '' || p.skip === '-' || p.skip === MISSING_SKIP_REASON)
    .map((p) => p.fullname || p.name);

  // tap-parser synthesises a "1..0" plan for an empty stream; that is not a real plan.
  const planned = plan.start !== null && plan.end !== null ? plan.end - plan.start + 1 : null;
  const planOk = !parser.syntheticPlan && planned !== null && planned === count;

  return {
    pass: count - fail - skip - todo,
    fail,
    error,
    skip,
    todo,
    total: count,
    planOk,
    bailout: results.bailout === false ? null : results.bailout === true ? '' : results.bailout,
    failures: failedPoints.map((f) => ({ name: f.fullname || f.name, diag: renderDiag(f.diag) })),
    skipsWithoutReason,
    problems,
  };
}

/** A failed test point, as opposed to a TAP-level error record (which has tapError set). */
function isTestPoint(f: TapError): f is TapError & { name: string; fullname: string; diag: unknown } {
  return f.tapError === null && typeof f.name === 'string';
}

/**
 * Render a test point's YAML diagnostics as text. mocha's TAP13 reporter gives
 * {message, stack}; the stack normally repeats the message, so it is shown once.
 */
export function renderDiag(diag: unknown): string {
  if (diag === null || diag === undefined) return '';
  if (typeof diag !== 'object') return String(diag);
  const d = diag as Record<string, unknown>;
  const lines: string[] = [];
  const message = typeof d['message'] === 'string' ? d['message'] : undefined;
  const stack = typeof d['stack'] === 'string' ? d['stack'] : undefined;
  if (message !== undefined && !(stack?.includes(message) ?? false)) lines.push(message);
  if (stack !== undefined) lines.push(stack);
  for (const [key, value] of Object.entries(d)) {
    if (key === 'message' || key === 'stack') continue;
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return lines.join('\n');
}
