/**
 * Known differences between a subject and a corpus: a versioned JSON file keyed by test hash,
 * each entry with the form and the reason. A failing test listed here is a known-fail, not a
 * fail; a listed hash that no longer fails is reported as stale by the caller.
 */

import { readFile } from 'node:fs/promises';
import type { KnownDifference } from './run-sst.ts';

export const KNOWN_DIFFERENCES_SCHEMA = 1;

export class KnownDifferencesFormatError extends Error {
  override readonly name = 'KnownDifferencesFormatError';
}

export function parseKnownDifferences(text: string, source: string): Map<string, KnownDifference> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KnownDifferencesFormatError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const doc = json as { schema?: unknown; entries?: unknown };
  if (typeof doc !== 'object' || doc === null || doc.schema !== KNOWN_DIFFERENCES_SCHEMA) {
    throw new KnownDifferencesFormatError(`${source}: expected an object with "schema": ${KNOWN_DIFFERENCES_SCHEMA}`);
  }
  if (!Array.isArray(doc.entries)) throw new KnownDifferencesFormatError(`${source}: "entries" must be an array`);
  const map = new Map<string, KnownDifference>();
  doc.entries.forEach((entry: unknown, i: number) => {
    const e = entry as Partial<KnownDifference>;
    if (typeof e.hash !== 'string' || !/^[0-9a-f]{40}$/.test(e.hash)) throw new KnownDifferencesFormatError(`${source}: entry ${i} has no 40-digit lowercase hex "hash"`);
    if (typeof e.form !== 'string' || e.form === '') throw new KnownDifferencesFormatError(`${source}: entry ${i} (${e.hash}) has no "form"`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10) throw new KnownDifferencesFormatError(`${source}: entry ${i} (${e.hash}) needs a "reason" of at least 10 characters`);
    if (map.has(e.hash)) throw new KnownDifferencesFormatError(`${source}: entry ${i} repeats hash ${e.hash}`);
    map.set(e.hash, { hash: e.hash, form: e.form, reason: e.reason });
  });
  return map;
}

export async function readKnownDifferences(path: string): Promise<Map<string, KnownDifference>> {
  return parseKnownDifferences(await readFile(path, 'utf8'), path);
}
