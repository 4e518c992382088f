/**
 * Cross-checks a golden against an independent subject, QEMU: the golden's program runs on it
 * from the golden's own start, through the adapter contract and exactly as isa/golden runs a
 * subject (check.ts: record one step at a time, compare with undefined flags masked), and the
 * verdict becomes the golden's `crossCheck` record (format.ts).
 *
 * `xvc trace rebase` never writes a golden the cross-check contradicts without a written reason,
 * and never skips the cross-check silently: a subject that is not installed, or one that cannot
 * run the program (QEMU has no i286 model), also needs a reason, which is stored with the golden.
 * A reason given once for a difference stands while the first difference stays the same.
 * `xvc trace crosscheck` re-runs the cross-check and holds each golden to its record.
 *
 * Models no hardware; QEMU does, and the SDM decides when QEMU and the reference disagree
 * (DESIGN.md, "Authority").
 */

import { spawnSync } from 'node:child_process';
import type { Subject, SubjectFactory } from '../adapter.ts';
import { BUILT_IN_THIRD_PARTY } from '../adapters/built-in.ts';
import { oneLine } from '../cli/errors.ts';
import { resolveSubject } from '../runner/subjects.ts';
import { missingCapability } from '../suite/model.ts';
import { checkTrace, goldenNeeds } from './check.ts';
import { describeDivergence, type Divergence } from './compare.ts';
import { MIN_REASON_LENGTH, type CrossCheck, type Trace } from './format.ts';

/** The subject goldens are cross-checked against, and how to tell whether it can run here. */
export interface CrossChecker {
  name: string;
  /** Why it cannot run here (not installed), or undefined when it can. */
  missing(): string | undefined;
  /** Its version, as it reports it; called only when it is installed. */
  version(): string;
  subjects: SubjectFactory;
}

/** What the cross-check found for one trace. */
export type CrossCheckOutcome =
  | { result: 'agrees'; version: string }
  | { result: 'differs'; version: string; firstDifference: string; divergence?: Divergence; cannotRun?: true }
  | { result: 'unavailable'; notRun: string };

const QEMU = BUILT_IN_THIRD_PARTY.find((adapter) => adapter.name === 'qemu')!;
const QEMU_BINARY = 'qemu-system-i386';

/** QEMU through the built-in `qemu` adapter (harness/adapters/qemu/), as `--adapter qemu` gives it. */
export function qemuCrossChecker(): CrossChecker {
  let factory: SubjectFactory | undefined;
  return {
    name: QEMU.name,
    missing: () => QEMU.missing(),
    version() {
      const probe = spawnSync(QEMU_BINARY, ['--version'], { encoding: 'utf8', timeout: 10_000 });
      const first = (probe.stdout ?? '').split('\n')[0] ?? '';
      return /version (.+)$/.exec(first.trim())?.[1] ?? (first.trim() || 'unknown');
    },
    async subjects() {
      factory ??= (await resolveSubject(QEMU.name)).subjects;
      return factory();
    },
  };
}

/**
 * Runs traces on one cross-check subject, reusing it from trace to trace (a QEMU start costs
 * seconds) and replacing it after an error. Close it when done.
 */
export class CrossCheckSession {
  private subject: Subject | undefined;
  private missing: string | null | undefined;
  private versionText: string | undefined;

  constructor(readonly checker: CrossChecker) {}

  /** Why the subject cannot run here at all, or undefined (asked once per session). */
  unavailable(): string | undefined {
    if (this.missing === undefined) this.missing = this.checker.missing() ?? null;
    return this.missing ?? undefined;
  }

  async check(trace: Trace): Promise<CrossCheckOutcome> {
    const missing = this.unavailable();
    if (missing !== undefined) return { result: 'unavailable', notRun: missing };
    this.versionText ??= this.checker.version();
    const version = this.versionText;
    const name = this.checker.name;
    try {
      this.subject ??= await this.checker.subjects();
    } catch (error) {
      return { result: 'unavailable', notRun: `${name} could not start: ${oneLine((error as Error).message)}` };
    }
    const lacks = missingCapability(goldenNeeds(trace), this.subject, false);
    if (lacks !== undefined) return { result: 'differs', version, firstDifference: `${name} cannot run it: ${lacks}`, cannotRun: true };
    try {
      const { divergence } = await checkTrace(trace, this.subject);
      if (divergence) return { result: 'differs', version, firstDifference: describeDivergence(divergence), divergence };
      return { result: 'agrees', version };
    } catch (error) {
      await this.drop();
      return { result: 'differs', version, firstDifference: `${name} cannot run it: ${oneLine((error as Error).message)}`, cannotRun: true };
    }
  }

  private async drop(): Promise<void> {
    const subject = this.subject;
    this.subject = undefined;
    await subject?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.drop();
  }
}

/** Today as the record stores it (UTC date). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A reason fit to store: one line of at least MIN_REASON_LENGTH characters; else why not. */
export function reasonProblem(reason: string): string | undefined {
  if (reason.includes('\n')) return 'must be one line';
  if (reason.trim().length < MIN_REASON_LENGTH) return `must say why in at least ${MIN_REASON_LENGTH} characters, got ${reason.trim().length}`;
  return undefined;
}

export type CrossCheckDecision =
  | { accepted: true; record: CrossCheck; note?: string }
  | { accepted: false; refusal: string };

/** Two records that differ at most in their date: keeping the old one keeps an unchanged golden unchanged. */
function sameVerdict(a: CrossCheck | undefined, b: CrossCheck): boolean {
  return a !== undefined && JSON.stringify({ ...a, checkedAt: '' }) === JSON.stringify({ ...b, checkedAt: '' });
}

/**
 * The record `xvc trace rebase` stores for a cross-check outcome, or its refusal (one line):
 * - agreement is recorded as such (a `reason` is not needed, and not stored);
 * - a difference needs `reason`, unless the previous record explained the same first difference;
 * - a subject that did not run needs `reason` every time.
 */
export function decideCrossCheck(outcome: CrossCheckOutcome, options: { subject: string; reason?: string; previous?: CrossCheck; date?: string }): CrossCheckDecision {
  const { subject, reason, previous } = options;
  const checkedAt = options.date ?? today();
  const keep = (record: CrossCheck, note?: string): CrossCheckDecision => ({ accepted: true, record: sameVerdict(previous, record) ? previous! : record, ...(note ? { note } : {}) });
  const ask = `give --reason "TEXT" (at least ${MIN_REASON_LENGTH} characters, one golden per rebase) to store the golden with the reason`;
  switch (outcome.result) {
    case 'agrees':
      return keep({ subject, result: 'agrees', version: outcome.version, checkedAt }, reason !== undefined ? `${subject} agrees, so --reason is not stored` : undefined);
    case 'differs': {
      if (reason !== undefined) return keep({ subject, result: 'differs', version: outcome.version, checkedAt, firstDifference: outcome.firstDifference, reason });
      if (previous?.result === 'differs' && previous.subject === subject && previous.firstDifference === outcome.firstDifference) {
        return keep({ ...previous, version: outcome.version, checkedAt }, `${subject} still differs at the same point; the stored reason stands: ${previous.reason}`);
      }
      return { accepted: false, refusal: `${outcome.cannotRun ? '' : `${subject} contradicts it: `}${outcome.firstDifference}; ${ask}` };
    }
    case 'unavailable':
      if (reason !== undefined) return keep({ subject, result: 'unchecked', checkedAt, notRun: outcome.notRun, reason });
      return { accepted: false, refusal: `it cannot be cross-checked: ${outcome.notRun}; install ${subject}, or ${ask}` };
  }
}

/** How a golden's record stands against a fresh cross-check: `ok` false fails `xvc trace crosscheck`. */
export function verifyCrossCheck(record: CrossCheck | undefined, outcome: CrossCheckOutcome, subject: string): { ok: boolean; detail: string } {
  if (outcome.result === 'unavailable') return { ok: false, detail: `not cross-checked: ${outcome.notRun}` };
  const now = outcome.result === 'agrees' ? `${subject} ${outcome.version} agrees` : `${subject} ${outcome.version} differs: ${outcome.firstDifference}`;
  if (record === undefined) return { ok: false, detail: `the golden has no cross-check record (${now}); rebase it` };
  if (record.subject !== subject) return { ok: false, detail: `the golden was cross-checked against ${record.subject}, not ${subject}; rebase it` };
  switch (record.result) {
    case 'unchecked':
      return { ok: false, detail: `the golden was never cross-checked (${record.notRun}; reason: ${record.reason}); now ${now}; rebase it` };
    case 'agrees':
      return outcome.result === 'agrees' ? { ok: true, detail: now } : { ok: false, detail: `recorded as agreeing, but ${now}` };
    case 'differs':
      if (outcome.result === 'agrees') return { ok: true, detail: `${now}, though recorded as differing; rebase it to record the agreement` };
      if (outcome.firstDifference !== record.firstDifference) return { ok: false, detail: `${now}; the recorded difference was: ${record.firstDifference}` };
      return { ok: true, detail: `differs as recorded (reason: ${record.reason})` };
  }
}
