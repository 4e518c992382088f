/**
 * `xvc repro ID|HASH|SEED|CASE.json`: re-runs one failing thing alone and exports it.
 * - ID, a suite instance name (`isa/sst-80286~F7.6`): runs that instance alone (with --seed, or
 *   the seed the last report recorded for it) and exports its first failing case.
 * - HASH, a case id (a corpus test's hash): finds the instance that holds it and runs that case.
 * - SEED, a number: re-runs alone every instance that failed with that seed in the last report
 *   (reports/run/<subject>/report.json).
 * - CASE.json, an exported initial-state.json: replays it from the exported files alone.
 * Exports go to reports/repro/<instance>-<case>/: program.bin, program.asm, initial-state.json.
 * Exits 1 when the failure reproduces (the case fails), 0 when it passes.
 *
 * Models no hardware.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverInstances, type DiscoveredInstance } from '../suite/discover.ts';
import type { SuiteContext, Verdict } from '../suite/model.ts';
import { runInstance, verdictFromError } from '../suite/run-instance.ts';
import { resolveSubject, type ResolvedSubject } from '../runner/subjects.ts';
import { RUN_REPORT_SCHEMA, type RunReport } from '../report/run-report.ts';
import { exportCase, importCase } from '../repro/export.ts';
import { casePassed, replayCase, type CaseOutcome } from '../repro/replay.ts';
import type { ReproCase } from '../repro/case.ts';
import { parseNumber } from './args.ts';
import { InputError, UsageError } from './errors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const HELP = `usage: xvc repro ID|HASH|SEED|CASE.json [options]
  ID            a suite instance name, e.g. isa/sst-80286~F7.6
  HASH          a case id, e.g. a SingleStepTests test hash
  SEED          a seed: re-runs the instances that failed with it in the last report
  CASE.json     an exported initial-state.json: replays it from the exported files alone
  --adapter S   the subject (default reference)
  --seed N      the seed for ID (default: the last report's, else fresh)
  --out DIR     export folder (default reports/repro)`;

const hex = (n: number, width: number): string => `0x${(n >>> 0).toString(16).padStart(width, '0')}`;

export function describeOutcome(o: CaseOutcome): string[] {
  const lines = [`stop: ${o.stop.kind}${o.stopOk ? '' : ' (expected a different stop)'}`];
  for (const r of o.registers) lines.push(`  ${r.label.padEnd(7)} expected ${hex(r.expected, 8)} got ${hex(r.actual, 8)} (mask ${hex(r.mask, 8)})`);
  for (const m of o.memory) lines.push(`  [${hex(m.address, 6)}] expected ${hex(m.expected, 2)} got ${hex(m.actual, 2)}`);
  return lines;
}

const dirName = (c: ReproCase): string => `${c.instance.replace(/[^A-Za-z0-9._~-]+/g, '_')}-${c.caseId.slice(0, 12)}`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      adapter: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'suites-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('repro takes exactly one ID, HASH, SEED or CASE.json');
  const target = positionals[0]!;
  const subject = await resolveSubject(values.adapter ?? 'reference');
  const outRoot = values.out ? resolve(values.out) : join(ROOT, 'reports', 'repro');

  if (target.endsWith('.json')) return replayFile(resolve(target), subject);

  const suitesRoot = values['suites-dir'] ? resolve(values['suites-dir']) : join(ROOT, 'suites');
  const all = await discoverInstances(suitesRoot);
  const lastReport = readLastReport(subject.name);
  const explicitSeed = values.seed === undefined ? undefined : parseNumber('--seed', values.seed, 0, 0x7fffffff);

  const byName = all.find((d) => d.instance.name === target);
  if (byName) {
    const seed = explicitSeed ?? lastReport?.instances.find((i) => i.name === target)?.seed ?? Math.floor(Math.random() * 0x7fffffff);
    return reportVerdict(target, await runAlone(byName, subject, seed), outRoot);
  }
  if (/^[0-9]+$/.test(target)) {
    const seed = Number(target);
    if (!lastReport) throw new InputError(`no report at ${reportPath(subject.name)} to find the instances that failed with seed ${seed}; run 'xvc run --seed ${seed}' first or give an instance name`);
    const failed = lastReport.instances.filter((i) => i.seed === seed && (i.outcome === 'fail' || i.outcome === 'error'));
    if (failed.length === 0) throw new InputError(`no instance failed with seed ${seed} in ${reportPath(subject.name)}`);
    let status = 0;
    for (const record of failed) {
      const found = all.find((d) => d.instance.name === record.name);
      if (!found) throw new InputError(`instance ${record.name} of the report no longer exists`);
      status |= await reportVerdict(record.name, await runAlone(found, subject, seed), outRoot);
    }
    return status;
  }
  if (/^[0-9a-f]{8,64}$/i.test(target)) {
    for (const d of all) {
      if (!d.instance.reproduce) continue;
      const verdict = await d.instance.reproduce(target.toLowerCase(), subject.subjects, contextFor(explicitSeed ?? 0, subject));
      if (verdict) return reportVerdict(`${d.instance.name} case ${target}`, verdict, outRoot);
    }
    throw new InputError(`no suite instance holds a case with id ${target}`);
  }
  throw new UsageError(`'${target}' is neither an instance name, a case hash, a seed nor a .json case (list instances with 'xvc run --list')`);
}

function contextFor(seed: number, subject: ResolvedSubject): SuiteContext {
  return { tier: 'quick', seed, runs: 1, subjectName: subject.name, cover: () => {}, log: (line) => console.log(`  ${line}`) };
}

const reportPath = (subject: string): string => join(ROOT, 'reports', 'run', subject, 'report.json');

function readLastReport(subject: string): RunReport | undefined {
  const path = reportPath(subject);
  if (!existsSync(path)) return undefined;
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as RunReport;
  } catch (error) {
    throw new InputError(`${path}: unreadable report (${(error as Error).message})`);
  }
  if (report.schema !== RUN_REPORT_SCHEMA) throw new InputError(`${path}: report schema ${JSON.stringify(report.schema)}, expected ${RUN_REPORT_SCHEMA}`);
  return report;
}

async function runAlone(d: DiscoveredInstance, subject: ResolvedSubject, seed: number): Promise<Verdict> {
  console.log(`xvc repro: ${d.instance.name} alone on ${subject.name}, seed ${seed} (${d.file})`);
  try {
    return await runInstance(d.instance, subject.subjects, { tier: 'quick', seed, isReference: subject.isReference, log: (line) => console.log(`  ${line}`) });
  } catch (error) {
    return verdictFromError(error);
  }
}

async function reportVerdict(what: string, verdict: Verdict, outRoot: string): Promise<number> {
  console.log(`${what}: ${verdict.outcome}${verdict.reason ? `: ${verdict.reason}` : ''}`);
  if (verdict.repro) {
    const dir = join(outRoot, dirName(verdict.repro));
    const paths = await exportCase(dir, verdict.repro);
    console.log(`exported ${verdict.repro.caseId} to ${dir}/ (${paths.map((p) => p.slice(dir.length + 1)).join(', ')})`);
    console.log(`replay from the files alone: xvc repro ${join(dir, 'initial-state.json')}`);
  } else if (verdict.outcome === 'fail') {
    console.log('(this instance gives no case to export; its seed and name above re-run it)');
  }
  return verdict.outcome === 'fail' || verdict.outcome === 'error' ? 1 : 0;
}

async function replayFile(path: string, subject: ResolvedSubject): Promise<number> {
  const c = await importCase(path);
  const s = await subject.subjects();
  try {
    await s.reset({ cpu: c.cpu, memorySize: c.memorySize });
    const outcome = await replayCase(s, c);
    const ok = casePassed(outcome);
    console.log(`${c.instance} case ${c.caseId} on ${subject.name}: ${ok ? 'passes' : 'FAILS'} (${c.source})`);
    for (const line of describeOutcome(outcome)) if (!ok || !line.startsWith('stop')) console.log(line);
    return ok ? 0 : 1;
  } finally {
    await s.close();
  }
}
