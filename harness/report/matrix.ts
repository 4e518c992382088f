/**
 * The conformance matrix: every suite against every subject of one `xvc run --adapter A,B,...`,
 * with the five outcome counts per cell, each subject's ISA coverage and times, and each
 * subject's divergences (failures, errors and known-fails) with their minimal programs. It is
 * written as versioned JSON (`xvc-matrix/1`) beside the per-subject run folders, and the HTML
 * page (html.ts) is drawn from it alone, plus the run history.
 *
 * Models no hardware.
 */

import type { ErrorKind } from '../suite/model.ts';
import type { IsaCoverage } from './isa-coverage.ts';
import { coverageOf, type RunReport } from './run-report.ts';
import { countOutcomes, type Outcome } from './tap-writer.ts';
import { recordedFailureHash } from './failure-hash.ts';

export const MATRIX_SCHEMA = 'xvc-matrix/1';

export type OutcomeCounts = Record<Outcome, number>;

export interface MatrixSubject {
  name: string;
  spec: string;
  quirks: readonly string[];
  /** Why the subject could not start (every instance then skips), if it could not. */
  startFailure?: string;
  durationMs: number;
  counts: OutcomeCounts;
  /** Per mode: forms exercised on this subject / forms valid in that mode. */
  coverage: IsaCoverage['modes'];
  /** Forms exercised in any mode. */
  formsCovered: number;
  /** The subject's run folder, relative to the matrix file. */
  reportDir: string;
}

export interface MatrixCell {
  /** The suite: the instance name up to `~` (isa/differential). */
  suite: string;
  subject: string;
  counts: OutcomeCounts;
  instances: number;
  ms: number;
}

export interface Divergence {
  subject: string;
  instance: string;
  outcome: Extract<Outcome, 'fail' | 'error' | 'known-fail'>;
  errorKind?: ErrorKind;
  /** The first line of the reason. */
  summary: string;
  /** The rest of the reason: the minimal program as disassembly and the field diff, when the suite gave one. */
  detail: string[];
  /** What a waiver names (waivers.ts). */
  hash: string;
  /** For a waived failure: the waiver that made it a known-fail (its summary is then the failure's own). */
  waiver?: { reason: string; link: string };
}

export interface MatrixReport {
  schema: typeof MATRIX_SCHEMA;
  xvcVersion: string;
  generatedAt: string;
  tier: string;
  seed: number;
  /** Present when this is one shard of a partitioned run, or the merge of all of them. */
  shard?: { index: number; count: number } | { merged: number };
  subjects: MatrixSubject[];
  /** Suite names, sorted: the matrix rows. */
  suites: string[];
  cells: MatrixCell[];
  divergences: Divergence[];
}

export interface SubjectRun {
  report: RunReport;
  /** The report's ISA coverage, as writeRunReports derived it (derived again here when absent). */
  coverage?: IsaCoverage;
  /** Folder of the subject's reports, relative to the matrix file. */
  reportDir: string;
  startFailure?: string;
}

export function suiteOf(instance: string): string {
  const cut = instance.indexOf('~');
  return cut < 0 ? instance : instance.slice(0, cut);
}

export function buildMatrix(runs: readonly SubjectRun[], meta: { xvcVersion: string; generatedAt: string; tier: string; seed: number; shard?: MatrixReport['shard'] }): MatrixReport {
  const suites = [...new Set(runs.flatMap((run) => run.report.instances.map((i) => suiteOf(i.name))))].sort();
  const cells: MatrixCell[] = [];
  const divergences: Divergence[] = [];
  const subjects: MatrixSubject[] = runs.map((run) => {
    const { report } = run;
    const coverage = run.coverage ?? coverageOf(report.instances, report.subject.name);
    for (const suite of suites) {
      const mine = report.instances.filter((i) => suiteOf(i.name) === suite);
      if (mine.length === 0) continue;
      cells.push({ suite, subject: report.subject.name, counts: countOutcomes(mine), instances: mine.length, ms: Math.round(mine.reduce((sum, i) => sum + i.ms, 0)) });
    }
    for (const i of report.instances) {
      if (i.outcome !== 'fail' && i.outcome !== 'error' && i.outcome !== 'known-fail') continue;
      // A waived failure keeps its whole reason in the diag (waivers.ts): its detail is the program.
      const waived = i.diag?.['waived_reason'];
      const waiver = i.diag?.['waiver'] as { reason?: unknown; link?: unknown } | undefined;
      const [summary = '', ...detail] = (typeof waived === 'string' ? waived : i.reason ?? '').split('\n');
      divergences.push({
        subject: report.subject.name,
        instance: i.name,
        outcome: i.outcome,
        ...(i.errorKind !== undefined ? { errorKind: i.errorKind } : {}),
        summary,
        detail,
        hash: recordedFailureHash(i),
        ...(typeof waiver?.reason === 'string' && typeof waiver.link === 'string' ? { waiver: { reason: waiver.reason, link: waiver.link } } : {}),
      });
    }
    return {
      name: report.subject.name,
      spec: report.subject.spec,
      quirks: report.subject.quirks,
      ...(run.startFailure !== undefined ? { startFailure: run.startFailure } : {}),
      durationMs: report.durationMs,
      counts: report.counts,
      coverage: coverage.modes,
      formsCovered: Object.keys(coverage.forms).length,
      reportDir: run.reportDir,
    };
  });
  return { schema: MATRIX_SCHEMA, ...meta, ...(meta.shard === undefined ? {} : { shard: meta.shard }), subjects, suites, cells, divergences };
}
