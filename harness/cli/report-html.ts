/**
 * `xvc report html [RUN_FOLDER] [--history FILE] [--out FILE]`: draws the HTML page of a run
 * folder again from its matrix.json and the run history, without running anything, and writes it
 * atomically to RUN_FOLDER/index.html (or --out). A missing or foreign matrix.json is a one-line
 * error naming the file; a bad history line is listed on the page, never fatal.
 *
 * Models no hardware.
 */

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyPathFor } from '../report/history.ts';
import { MATRIX_SCHEMA, type MatrixReport } from '../report/matrix.ts';
import { writeReportPage } from '../report/page.ts';
import { InputError, UsageError } from './errors.ts';

const DEFAULT_RUN_FOLDER = 'reports/run';

const HELP = `usage: xvc report html [RUN_FOLDER] [options]

Draws the HTML page of a run folder again from RUN_FOLDER/matrix.json (default ${DEFAULT_RUN_FOLDER})
and the run history, and writes it to RUN_FOLDER/index.html.

options:
  --history FILE   the run history (default $XVC_HISTORY or reports/history.jsonl in the repository)
  --out FILE       write the page here instead of RUN_FOLDER/index.html
  -h, --help       this help`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      history: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`report html takes one RUN_FOLDER, got ${positionals.length}: ${positionals.join(' ')}`);
  const runFolder = resolve(positionals[0] ?? DEFAULT_RUN_FOLDER);
  const matrix = await readMatrixFile(join(runFolder, 'matrix.json'));
  // The default history may not exist yet (no run recorded one); a history named on purpose must.
  const outPath = values.out !== undefined ? resolve(values.out) : join(runFolder, 'index.html');
  const page = await writeReportPage(outPath, matrix, historyPathFor(values.history), { historyMustExist: values.history !== undefined });
  for (const problem of page.problems) process.stderr.write(`xvc: ${problem}\n`);
  console.log(`page: ${outPath} (${matrix.subjects.length} subjects, ${matrix.suites.length} suites, ${page.entries} history entries${page.problems.length > 0 ? `, ${page.problems.length} history problems` : ''})`);
  return 0;
}

/** Reads and checks a matrix.json; anything else is an InputError naming the file. */
export async function readMatrixFile(path: string): Promise<MatrixReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') throw new InputError(`${path} does not exist (run 'xvc run' to write a run folder first)`);
    throw new InputError(`${path} cannot be read (${code ?? String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(`${path} is not JSON`);
  }
  const problem = matrixProblem(data);
  if (problem !== undefined) throw new InputError(`${path} is not an ${MATRIX_SCHEMA} report: ${problem}`);
  return data as MatrixReport;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OUTCOME_KEYS = ['pass', 'fail', 'error', 'skip', 'known-fail'] as const;

function countsProblem(value: unknown, where: string): string | undefined {
  if (!isRecord(value)) return `${where} is not an object`;
  const bad = OUTCOME_KEYS.find((k) => typeof value[k] !== 'number');
  return bad === undefined ? undefined : `${where}.${bad} is not a number`;
}

/** The first way `data` falls short of what the page reads from a matrix, or undefined. */
export function matrixProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return 'not a JSON object';
  if (data['schema'] !== MATRIX_SCHEMA) return `schema is ${JSON.stringify(data['schema'] ?? null)}`;
  for (const key of ['subjects', 'suites', 'cells', 'divergences']) if (!Array.isArray(data[key])) return `${key} is not a list`;
  for (const key of ['xvcVersion', 'generatedAt', 'tier']) if (typeof data[key] !== 'string') return `${key} is not a string`;
  if (typeof data['seed'] !== 'number') return 'seed is not a number';
  const subjects = data['subjects'] as unknown[];
  for (const [i, s] of subjects.entries()) {
    if (!isRecord(s) || typeof s['name'] !== 'string') return `subjects[${i}] has no name`;
    if (!Array.isArray(s['quirks']) || !isRecord(s['coverage']) || typeof s['durationMs'] !== 'number') return `subjects[${i}] lacks quirks, coverage or durationMs`;
    const counts = countsProblem(s['counts'], `subjects[${i}].counts`);
    if (counts !== undefined) return counts;
  }
  for (const [i, c] of (data['cells'] as unknown[]).entries()) {
    if (!isRecord(c) || typeof c['suite'] !== 'string' || typeof c['subject'] !== 'string' || typeof c['instances'] !== 'number' || typeof c['ms'] !== 'number') return `cells[${i}] lacks suite, subject, instances or ms`;
    const counts = countsProblem(c['counts'], `cells[${i}].counts`);
    if (counts !== undefined) return counts;
  }
  for (const [i, d] of (data['divergences'] as unknown[]).entries()) {
    if (!isRecord(d) || typeof d['subject'] !== 'string' || typeof d['instance'] !== 'string' || typeof d['summary'] !== 'string' || typeof d['hash'] !== 'string' || !Array.isArray(d['detail'])) {
      return `divergences[${i}] lacks subject, instance, summary, detail or hash`;
    }
  }
  return undefined;
}
