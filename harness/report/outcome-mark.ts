/**
 * How a mocha test tells the TAP reporter (harness/report/mocha-tap.ts) its outcome beyond
 * pass and fail: the reason of a skip, that a skip is a known failure, and the kind of an
 * error. The mark is a property on mocha's Test object, which both sides see.
 *
 * Models no hardware.
 */

export const OUTCOME_MARK = 'xvcOutcome';

export interface OutcomeMark {
  outcome: 'skip' | 'known-fail';
  reason: string;
}

/** What the reporter writes for a skip that gave no reason; `npm test` refuses it. */
export const MISSING_SKIP_REASON = 'skipped without a reason';
