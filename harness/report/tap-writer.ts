/**
 * TAP output for the five outcomes of DESIGN.md, produced as tap-parser events and serialised
 * by tap-parser's own `stringify`, never by string concatenation:
 * pass -> `ok`; fail -> `not ok`; error -> `not ok` with a `kind` in the YAML block;
 * skip -> `ok # SKIP reason`; known-fail -> `not ok # TODO reason`.
 */

import { Parser } from 'tap-parser';
import { writeFile, rename, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export type Outcome = 'pass' | 'fail' | 'error' | 'skip' | 'known-fail';

export interface InstanceResult {
  name: string;
  outcome: Outcome;
  /** Why: skip and known-fail reasons, error kind detail. */
  reason?: string;
  /** For `error`: subject-crash | timeout | protocol | harness. */
  errorKind?: 'subject-crash' | 'timeout' | 'protocol' | 'harness';
  diag?: Record<string, unknown>;
}

type TapEvent = [string, unknown];

export function toTap(results: readonly InstanceResult[]): string {
  const events: TapEvent[] = [['version', 14], ['plan', { start: 1, end: results.length, comment: '' }]];
  results.forEach((r, index) => {
    const diag: Record<string, unknown> = { ...(r.diag ?? {}) };
    if (r.outcome === 'error') diag.kind = r.errorKind ?? 'harness';
    if (r.outcome === 'error' && r.reason) diag.message = r.reason;
    events.push([
      'assert',
      {
        ok: r.outcome === 'pass' || r.outcome === 'skip',
        id: index + 1,
        name: r.name,
        skip: r.outcome === 'skip' ? r.reason ?? 'no reason given' : false,
        todo: r.outcome === 'known-fail' ? r.reason ?? 'known difference' : false,
        diag: Object.keys(diag).length > 0 ? diag : null,
      },
    ]);
  });
  return Parser.stringify(events as Parameters<typeof Parser.stringify>[0]);
}

/** Writes a file atomically: a temporary file beside it, then a rename. */
export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}

export function countOutcomes(results: readonly InstanceResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, error: 0, skip: 0, 'known-fail': 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/** All five counts in one phrase: `pass N, fail N, error N, skip N, known-fail N`. */
export function outcomeLine(counts: Record<Outcome, number>): string {
  return `pass ${counts.pass}, fail ${counts.fail}, error ${counts.error}, skip ${counts.skip}, known-fail ${counts['known-fail']}`;
}

/** The two closing lines CI reads: all five counts, then `xvc: N passed, N failed, N skipped`. */
export function closingLines(counts: Record<Outcome, number>): string[] {
  return [
    `xvc: ${outcomeLine(counts)}`,
    `xvc: ${counts.pass} passed, ${counts.fail + counts.error} failed, ${counts.skip + counts['known-fail']} skipped`,
  ];
}
