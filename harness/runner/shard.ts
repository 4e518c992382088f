/**
 * Sharding for `xvc run --shard K/N`: splits a selection into N disjoint parts so a run can be
 * spread over CI machines, and `xvc report merge` can join the parts into the report an
 * unsharded run gives.
 *
 * The assignment depends only on the set of instance names: the names are sorted (by UTF-16
 * code units, which every machine and locale does the same way) and dealt round-robin, so two
 * machines that discover the same instances in a different order still agree on which shard
 * runs which instance, and shard sizes differ by at most one. Each shard keeps the input order,
 * so a shard runs its instances in the order the unsharded run would.
 *
 * Models no hardware.
 */

import { UsageError } from '../cli/errors.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Enough for any CI matrix; more shards than that is a typo, not a plan. */
export const MAX_SHARDS = 1000;

/** Parses `K/N` (1 <= K <= N <= 1000, decimal integers). */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard takes K/N with 1 <= K <= N <= ${MAX_SHARDS}, got '${text}'`);
  }
  return { index, count };
}

/**
 * Which shard (1-based) runs each name: the distinct names sorted, then dealt round-robin.
 * `xvc report merge` uses it too, to say which shard should have held a missing instance.
 */
export function shardAssignment(names: Iterable<string>, count: number): Map<string, number> {
  // Plain code-unit order, not localeCompare: the partition must not depend on the machine's locale.
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map((name, rank) => [name, (rank % count) + 1]));
}

/** The items of shard `shard.index` of `shard.count`, in input order. */
export function shardOf<T>(items: readonly T[], nameOf: (t: T) => string, shard: Shard): T[] {
  const names = items.map(nameOf);
  const assignment = shardAssignment(names, shard.count);
  return items.filter((_, i) => assignment.get(names[i]!) === shard.index);
}
