/**
 * Waivers: a subject's expected, documented differences, committed per subject at
 * reports/baselines/<subject>/waivers.json (`xvc-waivers/1`). A waiver names one failure of one
 * instance by its failure hash (failure-hash.ts), with a reason and a link to where the
 * difference is tracked. A failing record it matches becomes a known-fail that says why; a
 * different failure of the same instance has a different hash and stays a failure, so a waiver
 * never hides a new bug. Errors are never waived: no answer was had, so there is nothing to
 * call expected. A waiver that matched nothing is stale, reported so it can be retired.
 *
 * The file is validated strictly and every problem is one line naming the file, the waiver
 * (counted from 1) and the field, because a waiver that silently fails to load turns a known
 * failure red, and one that loads wrongly hides a bug.
 *
 * Models no hardware.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../cli/errors.ts';
import { recordedFailureHash } from './failure-hash.ts';
import type { Outcome } from './tap-writer.ts';

export const WAIVERS_SCHEMA = 'xvc-waivers/1';

export interface Waiver {
  /** The instance name, `<area>/<name>[~variation]`. */
  instance: string;
  /** The failure hash: 12 lowercase hex digits. */
  hash: string;
  /** Why the difference is expected, in a sentence (at least MIN_REASON_LENGTH characters). */
  reason: string;
  /** Where it is tracked: an http(s) URL. */
  link: string;
}

export interface WaiverFile {
  schema: typeof WAIVERS_SCHEMA;
  subject: string;
  waivers: Waiver[];
}

/** Shorter than this is a placeholder ("todo", "qemu bug"), not a reason. */
export const MIN_REASON_LENGTH = 10;

const WAIVER_FIELDS: ReadonlySet<string> = new Set(['instance', 'hash', 'reason', 'link']);
const FILE_FIELDS: ReadonlySet<string> = new Set(['schema', 'subject', 'waivers']);

/** The committed place of a subject's waivers. */
export function waiversPath(baselinesDir: string, subject: string): string {
  return join(baselinesDir, subject, 'waivers.json');
}

/** Loads and validates a subject's waivers; a missing file means none. */
export async function loadWaivers(path: string, subject: string): Promise<WaiverFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { schema: WAIVERS_SCHEMA, subject, waivers: [] };
    throw new InputError(`${path}: cannot read the waivers (${error instanceof Error && 'code' in error ? String(error.code) : String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not JSON (${(error as Error).message})`);
  }
  return validateWaivers(path, data, subject);
}

/** Checks parsed waiver JSON; `file` only names the source in messages. */
export function validateWaivers(file: string, data: unknown, subject: string): WaiverFile {
  const fail = (problem: string): never => {
    throw new InputError(`${file}: ${problem}`);
  };
  if (!isObject(data)) return fail('the top level must be an object');
  if (data['schema'] !== WAIVERS_SCHEMA) return fail(`'schema' must be '${WAIVERS_SCHEMA}', got ${JSON.stringify(data['schema'] ?? null)}`);
  const unknownTop = Object.keys(data).find((key) => !FILE_FIELDS.has(key));
  if (unknownTop !== undefined) return fail(`unknown field '${unknownTop}' (expected ${[...FILE_FIELDS].join(', ')})`);
  if (typeof data['subject'] !== 'string' || data['subject'] === '') return fail(`'subject' must be the subject's name`);
  if (data['subject'] !== subject) return fail(`'subject' is '${data['subject']}' but these results are of '${subject}'`);
  const list = data['waivers'];
  if (!Array.isArray(list)) return fail(`'waivers' must be a list`);

  const firstIndex = new Map<string, number>();
  const waivers = list.map((raw: unknown, index): Waiver => {
    const at = `waiver ${index + 1}`;
    if (!isObject(raw)) return fail(`${at}: must be an object with instance, hash, reason and link`);
    const unknown = Object.keys(raw).find((key) => !WAIVER_FIELDS.has(key));
    if (unknown !== undefined) return fail(`${at}: unknown field '${unknown}' (expected instance, hash, reason, link)`);
    const { instance, hash, reason, link } = raw;
    if (typeof instance !== 'string' || instance.trim() === '') return fail(`${at}: 'instance' must be a non-empty instance name`);
    if (typeof hash !== 'string' || !/^[0-9a-f]{12}$/.test(hash)) return fail(`${at}: 'hash' must be 12 hex digits (lowercase), got ${JSON.stringify(hash ?? null)}`);
    if (reason === undefined) return fail(`${at}: 'reason' is missing`);
    if (typeof reason !== 'string' || reason.trim() === '') return fail(`${at}: 'reason' must be a non-empty string`);
    if (reason.trim().length < MIN_REASON_LENGTH) return fail(`${at}: 'reason' must say why in at least ${MIN_REASON_LENGTH} characters, got '${reason.trim()}'`);
    if (reason.includes('\n')) return fail(`${at}: 'reason' must be one line`);
    if (typeof link !== 'string' || !isHttpUrl(link)) return fail(`${at}: 'link' must be an http(s) URL, got ${JSON.stringify(link ?? null)}`);
    const key = `${instance}\u0000${hash}`;
    const first = firstIndex.get(key);
    if (first !== undefined) return fail(`${at}: duplicates waiver ${first + 1} (instance '${instance}', hash ${hash})`);
    firstIndex.set(key, index);
    return { instance, hash, reason: reason.trim(), link };
  });
  return { schema: WAIVERS_SCHEMA, subject, waivers };
}

export interface WaivedRecords<T> {
  records: T[];
  /** Waivers that matched no failing record: the difference is gone or its failure changed. */
  stale: Waiver[];
  applied: Array<{ waiver: Waiver; instance: string }>;
}

type WaivableRecord = { name: string; outcome: Outcome; reason?: string; diag?: Record<string, unknown> };

/** Waivers applied one record at a time, as records arrive; what was applied and what is stale so far. */
export interface WaiverMatcher {
  apply<T extends WaivableRecord>(record: T): T;
  readonly applied: ReadonlyArray<{ waiver: Waiver; instance: string }>;
  /** Waivers that have matched no failing record yet. */
  stale(): Waiver[];
}

/**
 * Turns each failing record that a waiver names (same instance, same failure hash) into a
 * known-fail that keeps its diag and says which waiver; a new record, the input untouched.
 */
export function waiverMatcher(waivers: WaiverFile): WaiverMatcher {
  const byKey = new Map(waivers.waivers.map((w) => [`${w.instance}\u0000${w.hash}`, w]));
  const used = new Set<Waiver>();
  const applied: Array<{ waiver: Waiver; instance: string }> = [];
  const apply = <T extends WaivableRecord>(record: T): T => {
    // Only `fail`: an error gave no answer, and a pass or skip has no failure to name.
    if (record.outcome !== 'fail') return record;
    const hash = recordedFailureHash(record);
    const waiver = byKey.get(`${record.name}\u0000${hash}`);
    if (waiver === undefined) return record;
    used.add(waiver);
    applied.push({ waiver, instance: record.name });
    const was = (record.reason ?? '').split('\n', 1)[0]!.trim();
    return {
      ...record,
      outcome: 'known-fail',
      reason: `waived: ${waiver.reason} (${waiver.link}); was: ${was === '' ? 'fail' : was}`,
      // The TODO directive holds one line; the whole failure (the minimal program, the field
      // diff) stays in the diag, so a waived divergence still shows what it is.
      diag: { ...(record.diag ?? {}), waiver: { hash: waiver.hash, reason: waiver.reason, link: waiver.link }, ...(record.reason !== undefined ? { waived_reason: record.reason } : {}) },
    };
  };
  return { apply, applied, stale: () => waivers.waivers.filter((w) => !used.has(w)) };
}

/** waiverMatcher over a whole run's records at once. */
export function applyWaivers<T extends WaivableRecord>(records: readonly T[], waivers: WaiverFile): WaivedRecords<T> {
  const matcher = waiverMatcher(waivers);
  const out = records.map((record) => matcher.apply(record));
  return { records: out, stale: matcher.stale(), applied: [...matcher.applied] };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
