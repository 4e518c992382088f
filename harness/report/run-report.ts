/**
 * The reports of one `xvc run` against one subject, all written atomically into one folder:
 * results.tap (tap-parser stringify), junit.xml, report.json (versioned schema below) and
 * isa-coverage.json. A reader that finds a different `schema` refuses the file by name.
 *
 * Models no hardware.
 */

import { join } from 'node:path';
import type { Subject } from '../adapter.ts';
import type { RunRecord } from '../runner/serial.ts';
import type { Tier } from '../suite/model.ts';
import { CoverageCollector, type IsaCoverage } from './isa-coverage.ts';
import { toJunit } from './junit.ts';
import { countOutcomes, toTap, writeAtomic, type InstanceResult, type Outcome } from './tap-writer.ts';

export const RUN_REPORT_SCHEMA = 'xvc-run/1';

export interface RunReport {
  schema: typeof RUN_REPORT_SCHEMA;
  xvcVersion: string;
  subject: { name: string; spec: string; quirks: readonly string[]; capabilities: Subject['capabilities'] | null };
  /** What differential suites compared the subject with (`--oracle`); optional in xvc-run/1. */
  oracle?: { name: string; spec: string };
  tier: Tier;
  seed: number;
  runs: number | null;
  jobs: number;
  startedAt: string;
  durationMs: number;
  counts: Record<Outcome, number>;
  /** Set when this run is shard `index` (1-based) of `count` (`xvc run --shard K/N`); optional in xvc-run/1. */
  shard?: { index: number; count: number };
  /**
   * Every instance the selection gave before sharding, in run order, so `xvc report merge` can
   * put the shards' instances back in the order an unsharded run has; optional in xvc-run/1.
   */
  selection?: string[];
  instances: Array<RunRecord & { file: string; tags: readonly string[] }>;
}

export interface ReportPaths {
  tap: string;
  junit: string;
  json: string;
  coverage: string;
}

export function reportPaths(dir: string): ReportPaths {
  return { tap: join(dir, 'results.tap'), junit: join(dir, 'junit.xml'), json: join(dir, 'report.json'), coverage: join(dir, 'isa-coverage.json') };
}

export function tapResults(records: readonly RunRecord[]): InstanceResult[] {
  return records.map((r) => ({
    name: r.name,
    outcome: r.outcome,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.errorKind !== undefined ? { errorKind: r.errorKind } : {}),
    diag: {
      ...(r.outcome === 'fail' && r.reason ? { message: r.reason } : {}),
      seed: r.seed,
      cases: r.cases ?? r.runs,
      duration_ms: Math.round(r.ms),
      ...(r.diag ?? {}),
    },
  }));
}

export function coverageOf(records: readonly RunRecord[], subject: string): IsaCoverage {
  const collector = new CoverageCollector();
  for (const r of records) collector.add(r.name, r.coverage);
  return collector.report(subject);
}

export interface WrittenReports {
  paths: ReportPaths;
  tap: string;
  report: RunReport;
  coverage: IsaCoverage;
}

export async function writeRunReports(dir: string, report: RunReport): Promise<WrittenReports> {
  const paths = reportPaths(dir);
  const tap = toTap(tapResults(report.instances));
  const coverage = coverageOf(report.instances, report.subject.name);
  const junit = toJunit(report.subject.name, report.instances.map((r) => ({
    name: r.name,
    outcome: r.outcome,
    ms: r.ms,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.errorKind !== undefined ? { errorKind: r.errorKind } : {}),
    ...(r.diag !== undefined ? { detail: `${r.reason ?? ''}\nseed ${r.seed}\n${JSON.stringify(r.diag, null, 2)}` } : {}),
  })), new Date(report.startedAt));
  await writeAtomic(paths.tap, tap);
  await writeAtomic(paths.junit, junit);
  await writeAtomic(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomic(paths.coverage, `${JSON.stringify(coverage, null, 2)}\n`);
  return { paths, tap, report, coverage };
}

export function countsOf(records: readonly RunRecord[]): Record<Outcome, number> {
  return countOutcomes(records);
}
