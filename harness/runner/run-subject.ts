/**
 * One subject's part of `xvc run`: probe the subject (one that cannot start skips every
 * instance with the reason), run the selected instances on it, name each failure by its hash,
 * turn failures the subject's waiver file covers into known-fails, and assemble the versioned
 * run report. `xvc run --adapter a,b,c` calls this once per subject.
 *
 * Models no hardware.
 */

import { join } from 'node:path';
import type { SubjectCapabilities } from '../adapter.ts';
import type { DiscoveredInstance } from '../suite/discover.ts';
import type { Tier } from '../suite/model.ts';
import { failureHash } from '../report/failure-hash.ts';
import { countsOf, RUN_REPORT_SCHEMA, type RunReport } from '../report/run-report.ts';
import { loadWaivers, waiverMatcher, waiversPath } from '../report/waivers.ts';
import { firstLine, InputError } from '../cli/errors.ts';
import { runInstances } from './pool.ts';
import type { RunRecord } from './serial.ts';
import type { ResolvedSubject } from './subjects.ts';

export interface SubjectRunOptions {
  subject: ResolvedSubject;
  oracle: ResolvedSubject;
  /** The instances this run (or shard) runs. */
  selected: readonly DiscoveredInstance[];
  /** Every instance the selection gave before sharding, in order. */
  selection: readonly string[];
  shard?: { index: number; count: number };
  tier: Tier;
  seed: number;
  runs?: number;
  jobs: number;
  suitesRoot: string;
  xvcVersion: string;
  requireAdapters: boolean;
  /** Folder of waiver files (`<folder>/<subject>/waivers.json`), or undefined for none. */
  waiversRoot?: string;
  onRecord?: (record: RunRecord) => void;
  say: (line: string) => void;
}

export interface SubjectRunResult {
  report: RunReport;
  startFailure?: string;
}

/** Why a subject could not be had, in the one form `xvc run` and `xvc sst` both report. */
export function subjectStartFailure(name: string, error: unknown): string {
  return `subject '${name}' cannot start: ${firstLine(error)}`;
}

export async function runSubject(options: SubjectRunOptions): Promise<SubjectRunResult> {
  const { subject, oracle, selected, seed } = options;
  // Waivers are read before anything runs, so a bad entry costs no run time.
  const waiverFile = options.waiversRoot !== undefined ? waiversPath(options.waiversRoot, subject.name) : undefined;
  const waivers = waiverFile !== undefined ? await loadWaivers(waiverFile, subject.name) : undefined;

  let startFailure: string | undefined;
  let capabilities: SubjectCapabilities | null = null;
  let quirks: readonly string[] = [];
  try {
    const probe = await subject.subjects();
    capabilities = probe.capabilities;
    quirks = probe.quirks;
    await probe.close();
  } catch (e) {
    startFailure = subjectStartFailure(subject.name, e);
    if (options.requireAdapters) throw new InputError(`${startFailure} (--require-adapters)`);
  }

  const shardNote = options.shard ? `, shard ${options.shard.index}/${options.shard.count} (${selected.length} of ${options.selection.length})` : '';
  options.say(`xvc run: subject ${subject.name}, oracle ${oracle.name}, tier ${options.tier}, seed ${seed}, ${selected.length} instances${shardNote}, jobs ${options.jobs} (replay: --seed ${seed})`);
  if (startFailure !== undefined) options.say(`  skipping all: ${startFailure}`);
  // Each record is settled as it arrives (hashed, then waived if a waiver names it), so the
  // progress line already says `known` for a waived failure.
  const settled = new Map<string, RunRecord>();
  const matcher = waivers !== undefined ? waiverMatcher(waivers) : undefined;
  const settle = (record: RunRecord): RunRecord => {
    // Every failure and error carries its hash, which a waiver names (and the TAP shows, to copy).
    const hashed = record.outcome === 'fail' || record.outcome === 'error' ? { ...record, diag: { ...(record.diag ?? {}), failure_hash: failureHash(record) } } : record;
    const final = matcher !== undefined ? matcher.apply(hashed) : hashed;
    settled.set(record.name, final);
    return final;
  };
  const startedAt = new Date();
  const started = performance.now();
  if (startFailure !== undefined) {
    for (const { instance } of selected) options.onRecord?.(settle(skippedRecord(instance.name, seed, startFailure)));
  } else {
    await runInstances(selected, {
      jobs: options.jobs,
      tier: options.tier,
      seed,
      ...(options.runs !== undefined ? { runs: options.runs } : {}),
      subject,
      oracle,
      suitesRoot: options.suitesRoot,
      files: [...new Set(selected.map(({ file }) => join(options.suitesRoot, file)))],
      onRecord: (record) => options.onRecord?.(settle(record)),
    });
  }
  const records = selected.map(({ instance }) => settled.get(instance.name)!);
  for (const { instance, waiver } of matcher?.applied ?? []) options.say(`  waived: ${instance} (${waiver.hash}): ${waiver.reason}`);
  for (const waiver of matcher?.stale() ?? []) options.say(`  stale waiver in ${waiverFile}: ${waiver.instance} ${waiver.hash} matches no failure of this run (${waiver.reason})`);

  const byName = new Map(selected.map((d) => [d.instance.name, d]));
  const report: RunReport = {
    schema: RUN_REPORT_SCHEMA,
    xvcVersion: options.xvcVersion,
    subject: { name: subject.name, spec: subject.spec, quirks, capabilities },
    oracle: { name: oracle.name, spec: oracle.spec },
    tier: options.tier,
    seed,
    runs: options.runs ?? null,
    jobs: options.jobs,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    counts: countsOf(records),
    ...(options.shard ? { shard: options.shard } : {}),
    selection: [...options.selection],
    instances: records.map((r) => ({ ...r, file: byName.get(r.name)!.file, tags: byName.get(r.name)!.instance.tags })),
  };
  return { report, ...(startFailure !== undefined ? { startFailure } : {}) };
}

/** The record of an instance that could not run because its subject never started. */
function skippedRecord(name: string, seed: number, reason: string): RunRecord {
  return { name, seed, runs: 0, ms: 0, log: [], coverage: [], outcome: 'skip', reason };
}
