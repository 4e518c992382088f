/**
 * Skips and known failures in mocha tests, always with a reason: the reason is printed, and
 * marked on the test so the TAP reporter (harness/report/mocha-tap.ts) writes `# SKIP reason`
 * or `# TODO reason`. A bare `this.skip()` is refused by `npm test`.
 *
 * Models no hardware.
 */

import type { Context } from 'mocha';
import { OUTCOME_MARK, type OutcomeMark } from '../../harness/report/outcome-mark.ts';
import { isCi } from '../../harness/report/progress.ts';

function mark(ctx: Context, value: OutcomeMark): never {
  const test = ctx.currentTest ?? ctx.test;
  if (test) (test as unknown as Record<string, OutcomeMark>)[OUTCOME_MARK] = value;
  console.log(`    ${value.outcome}: ${value.reason}`);
  return ctx.skip();
}

/** Skips the running test (or, from a hook, the suite's tests) and says why. */
export function skipBecause(ctx: Context, reason: string): never {
  return mark(ctx, { outcome: 'skip', reason });
}

/** Ends the running test as a known failure: an expected, documented difference. */
export function knownFailBecause(ctx: Context, reason: string): never {
  return mark(ctx, { outcome: 'known-fail', reason });
}

/**
 * For tests of a tool outside the project (an emulator, a browser): `missing` says why it is not
 * there, or is undefined when it is. Under CI that fails the test, because .ci/run installs every
 * such tool and a missing one means CI would not test what it claims; elsewhere it is a skip
 * with the reason.
 */
export function needTool(ctx: Context, what: string, missing: string | undefined): void {
  if (missing === undefined) return;
  if (isCi()) throw new Error(`${what}: ${missing} (CI: .ci/run installs it, so it must be here)`);
  skipBecause(ctx, `${what}: ${missing}`);
}
