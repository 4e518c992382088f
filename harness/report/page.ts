/**
 * Writes a run folder's HTML page: the matrix plus the run history, read with history.ts. A
 * history that cannot be read, or has bad lines, is named on the page and returned as problems,
 * never fatal: the page of a run is worth more than its chart of earlier runs. `xvc run`,
 * `xvc report merge` and `xvc report html` all write their page through here.
 *
 * Models no hardware.
 */

import { existsSync } from 'node:fs';
import { InputError, oneLine } from '../cli/errors.ts';
import { readHistory, type History } from './history.ts';
import { renderReportPage } from './html.ts';
import type { MatrixReport } from './matrix.ts';
import { writeAtomic } from './tap-writer.ts';

export interface WrittenPage {
  path: string;
  entries: number;
  /** One line each: unreadable history lines, or the history as a whole. */
  problems: string[];
}

/**
 * Renders and writes the page to `path`. `historyMustExist`: the history was named on purpose,
 * so a missing one is an error rather than an empty history.
 */
export async function writeReportPage(path: string, matrix: MatrixReport, historyPath: string, options: { historyMustExist?: boolean } = {}): Promise<WrittenPage> {
  if (options.historyMustExist === true && !existsSync(historyPath)) throw new InputError(`--history ${historyPath} does not exist`);
  let history: History = { entries: [], problems: [] };
  const problems: string[] = [];
  try {
    history = await readHistory(historyPath);
  } catch (error) {
    problems.push(`history not read: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  }
  problems.push(...history.problems);
  // Rendered in full before anything is written, so an existing page survives a failure.
  const html = renderReportPage({ matrix, history: history.entries, historyProblems: problems });
  await writeAtomic(path, html);
  return { path, entries: history.entries.length, problems };
}
