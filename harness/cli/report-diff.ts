/**
 * `xvc report diff BASE NEW [--json] [--times N]`: compares two runs (each a results.tap file or a
 * run folder) and prints what regressed, what was fixed and what else changed. Exit status 1 when
 * NEW has a new failure or a new error, so CI can gate on it; 0 otherwise. Bad arguments are a
 * UsageError (exit 2) and an unreadable or truncated input an InputError (exit 1, one line).
 * harness/cli/report.ts dispatches `report diff ...` here with the arguments after `diff`.
 *
 * Models no hardware.
 */

import { parseArgs } from 'node:util';
import { diffResults, formatDiff, regressed } from '../report/diff.ts';
import { loadResults } from '../report/results-source.ts';
import { parseNumber } from './args.ts';
import { UsageError } from './errors.ts';

const USAGE = [
  'usage: xvc report diff BASE NEW [--json] [--times N]',
  '',
  '  BASE, NEW    a results.tap file, or a run folder (report.json preferred, else results.tap)',
  '  --json       print the diff as JSON (schema xvc-diff/1) instead of text',
  '  --times N    list the N largest time changes (default 5, 0 for none)',
  '',
  'exit status: 1 when NEW has a new failure or a new error, else 0',
].join('\n');

/** Largest --times accepted: beyond this the list is a dump, not a summary. */
const MAX_TIME_CHANGES = 10_000;

export async function main(argv: string[], print: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, times: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    // main.ts maps node's ERR_PARSE_ARGS_* to usage errors too; doing it here keeps direct callers the same.
    throw new UsageError(`report diff: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    print(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`report diff takes two runs, BASE and NEW (results.tap files or run folders), got ${positionals.length}: usage: xvc report diff BASE NEW [--json] [--times N]`);
  }
  const [basePath, nextPath] = positionals as [string, string];
  const topTimeChanges = parseNumber('--times', values.times, 5, MAX_TIME_CHANGES);
  const [base, next] = await Promise.all([loadResults(basePath), loadResults(nextPath)]);
  const diff = diffResults(base, next, { topTimeChanges });
  print(values.json === true ? `${JSON.stringify(diff, null, 2)}\n` : `${formatDiff(diff).join('\n')}\n`);
  return regressed(diff) ? 1 : 0;
}
