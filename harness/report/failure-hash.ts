/**
 * The hash that names one failure of one instance, for waivers (waivers.ts) and the matrix's
 * divergence list. It is taken over what the failure is, not over when it was found: a suite's
 * `diag.signature` when it gives one (the differential suite names the forms and the differing
 * fields, whatever the seed), else the reason with run-specific numbers (seed, shrink count,
 * durations) taken out. A different failure of the same instance has a different hash, so a
 * waiver never hides a new bug.
 *
 * Models no hardware.
 */

import { createHash } from 'node:crypto';

export interface FailureLike {
  outcome: string;
  reason?: string;
  errorKind?: string;
  diag?: Record<string, unknown>;
}

/** What the hash is taken over (shown beside it, so a user can see why two hashes differ). */
export function failureSignature(failure: FailureLike): string {
  const signature = failure.diag?.['signature'];
  if (typeof signature === 'string' && signature !== '') return signature;
  const firstLine = (failure.reason ?? '').split('\n', 1)[0]!;
  const stable = firstLine
    .replace(/\(seed \d+(, \d+ shrinks)?\)/g, '')
    .replace(/\bseed \d+/g, 'seed')
    .replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'T');
  return `${failure.outcome === 'error' ? `error ${failure.errorKind ?? 'harness'}: ` : ''}${stable}`;
}

/** 12 hex digits of SHA-256 over the signature. */
export function failureHash(failure: FailureLike): string {
  return createHash('sha256').update(failureSignature(failure)).digest('hex').slice(0, 12);
}

/**
 * The hash a record carries (`diag.failure_hash`, which `xvc run` records on every failure and
 * error and a waived failure keeps), else the one computed from it, for reports written before
 * runs recorded it.
 */
export function recordedFailureHash(failure: FailureLike): string {
  const recorded = failure.diag?.['failure_hash'];
  return typeof recorded === 'string' && recorded !== '' ? recorded : failureHash(failure);
}
