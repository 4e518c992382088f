/**
 * Skips and known failures in mocha tests, always with a reason: the reason is printed, and
 * marked on the test so the TAP reporter (harness/report/mocha-tap.ts) writes `# SKIP reason`
 * or `# TODO reason`. A bare `this.skip()` is refused by `npm test`.
 *
 * Models no hardware.
 */

import type { Context } from 'mocha';
import { OUTCOME_MARK, type OutcomeMark } from '../../harness/report/outcome-mark.ts';

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
