/**
 * `xvc report merge --out DIR SHARD_DIR...`: joins the run folders of `xvc run --shard K/N` into
 * the folder one unsharded run would have written (harness/report/merge.ts), then draws its
 * index.html from the merged matrix and the run history, as `xvc run` does. Prints what it
 * merged and the two closing lines CI reads; exits 1 when the merged run has a fail or an error
 * (as `xvc run` does by default), 0 otherwise. Shards that do not belong together are one line
 * naming the folder (exit 1), and then nothing is written. harness/cli/report.ts dispatches
 * `report merge ...` here with the arguments after `merge`.
 *
 * Models no hardware.
 */

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyPathFor } from '../report/history.ts';
import { mergeRunFolders } from '../report/merge.ts';
import { writeReportPage } from '../report/page.ts';
import { closingLines, countOutcomes, outcomeLine } from '../report/tap-writer.ts';
import { UsageError } from './errors.ts';

const USAGE = [
  'usage: xvc report merge --out DIR SHARD_DIR...',
  '',
  '  SHARD_DIR    the run folders of `xvc run --shard K/N --out SHARD_DIR`, one for each K from 1 to N',
  '  --out DIR    where the merged run goes (not one of the shard folders): per subject results.tap,',
  '               junit.xml, report.json and isa-coverage.json, plus matrix.json and index.html',
  '  --history F  the run history the page draws from (default $XVC_HISTORY or reports/history.jsonl)',
  '',
  'exit status: 1 when the merged run has a fail or an error, else 0',
].join('\n');

export async function main(argv: string[], print: (line: string) => void = (line) => void process.stdout.write(`${line}\n`)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, history: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`report merge: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    print(USAGE);
    return 0;
  }
  if (values.out === undefined || values.out === '') throw new UsageError('report merge needs --out DIR, the folder for the merged run: usage: xvc report merge --out DIR SHARD_DIR...');
  if (positionals.length === 0) throw new UsageError('report merge needs at least one shard folder: usage: xvc report merge --out DIR SHARD_DIR...');
  const out = resolve(values.out);
  const shardDirs = positionals.map((p) => resolve(p));
  const clash = shardDirs.find((d) => d === out);
  if (clash !== undefined) throw new UsageError(`--out ${values.out} is also one of the shard folders; merging would overwrite it`);
  const historyPath = historyPathFor(values.history);

  const result = await mergeRunFolders(shardDirs, out);
  const page = await writeReportPage(join(out, 'index.html'), result.matrix, historyPath);
  for (const problem of page.problems) process.stderr.write(`xvc: ${problem}\n`);

  const selectionSize = result.reports[0]!.instances.length;
  print(`xvc report merge: ${result.shardCount} shard${result.shardCount === 1 ? '' : 's'}, ${result.subjects.length} subject${result.subjects.length === 1 ? '' : 's'} (${result.subjects.map((s) => s.name).join(', ')}), ${selectionSize} instance${selectionSize === 1 ? '' : 's'} each, seed ${result.reports[0]!.seed}`);
  for (const subject of result.subjects) {
    print(`  ${subject.name.padEnd(10)} ${outcomeLine(subject.report.counts)}  -> ${join(out, subject.reportDir)}`);
  }
  print(`matrix: ${result.matrixPath}, page: ${page.path}`);
  const counts = countOutcomes(result.reports.flatMap((r) => r.instances));
  for (const line of closingLines(counts)) print(line);
  return counts.fail + counts.error > 0 ? 1 : 0;
}
