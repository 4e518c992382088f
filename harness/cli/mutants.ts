/**
 * `xvc mutants`: the mutant table. Runs every suite instance against every seeded bug it lists
 * (suites/meta/mutants/*.mutants.ts) and prints, per suite, the mutants it kills and the evidence
 * (the instance's own failure message under the mutant); writes reports/mutants.json and
 * reports/mutants.md. Exits 1 if a listed mutant survives, a catalog mutant is listed by no
 * instance, or a `kills` entry names no mutant.
 *
 * Models no hardware.
 */

import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverInstances } from '../suite/discover.ts';
import { loadMutants } from '../suite/mutants.ts';
import { checkMutants, type MutationReport } from '../suite/mutation.ts';
import { selectInstances } from '../runner/select.ts';
import { writeAtomic } from '../report/tap-writer.ts';
import { parseNumber } from './args.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const HELP = `usage: xvc mutants [options]
  --suite PATTERN   only instances matching (as in xvc run); repeatable
  --seed N          the seed (default: fresh, printed)
  --json            print the table as JSON`;

export function mutantTable(report: MutationReport): string {
  const lines = ['| suite instance | mutant | killed | evidence (the instance under the mutant) |', '|---|---|---|---|'];
  for (const r of report.rows) lines.push(`| ${r.instance} | ${r.mutant}: ${r.description} | ${r.killed ? 'yes' : `**no** (${r.outcome})`} | ${r.evidence.replace(/\|/g, '\\|')} |`);
  for (const name of report.unlisted) lines.push(`| (none) | ${name} | **listed by no instance** | |`);
  for (const u of report.unknown) lines.push(`| ${u.instance} | ${u.mutant} | **not in the catalog** | |`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', multiple: true },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      'suites-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seed = parseNumber('--seed', values.seed, Math.floor(Math.random() * 0x7fffffff), 0x7fffffff);
  const suitesRoot = values['suites-dir'] ? resolve(values['suites-dir']) : join(ROOT, 'suites');
  const all = await discoverInstances(suitesRoot);
  const selected = values.suite ? selectInstances(all, { suites: values.suite }) : all;
  const catalog = await loadMutants(suitesRoot);
  const say = values.json ? (l: string) => void process.stderr.write(`${l}\n`) : (l: string) => void process.stdout.write(`${l}\n`);
  say(`xvc mutants: ${catalog.size} mutants, ${selected.filter((d) => (d.instance.kills ?? []).length > 0).length} instances with kills, seed ${seed}`);
  const report = await checkMutants(selected, catalog, {
    tier: 'quick',
    seed,
    onRow: (r) => say(`  ${r.killed ? 'killed  ' : 'SURVIVED'} ${r.mutant.padEnd(28)} by ${r.instance}: ${r.evidence}`),
  });
  // A subset selection cannot judge whether a mutant is listed somewhere else.
  if (values.suite) report.unlisted = [];
  const table = mutantTable(report);
  await writeAtomic(join(ROOT, 'reports', 'mutants.json'), `${JSON.stringify({ schema: 'xvc-mutants/1', seed, ...report }, null, 2)}\n`);
  await writeAtomic(join(ROOT, 'reports', 'mutants.md'), `# Mutant table (seed ${seed})\n\n${table}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ schema: 'xvc-mutants/1', seed, ...report }, null, 2)}\n`);
  else say(`\n${table}\n`);
  const survived = report.rows.filter((r) => !r.killed).length;
  say(`xvc mutants: ${report.rows.length - survived} killed, ${survived} survived, ${report.unlisted.length} unlisted, ${report.unknown.length} unknown`);
  return survived + report.unlisted.length + report.unknown.length > 0 ? 1 : 0;
}
