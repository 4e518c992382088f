/**
 * `xvc report`: works on reports already written, without running anything.
 *   diff BASE NEW       what changed between two runs (TAP files or run folders); exits 1 on a
 *                       new failure or error (report-diff.ts)
 *   merge --out DIR SHARD...  joins the run folders of `xvc run --shard K/N` into the report one
 *                       unsharded run would have written (report-merge.ts)
 *   html [RUN_FOLDER]   draws the page again from a run folder's matrix.json and the history
 *                       (report-html.ts)
 *
 * Models no hardware.
 */

import { UsageError } from './errors.ts';

const ACTIONS: Record<string, { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }> = {
  diff: { summary: 'diff BASE NEW [--json]: new failures, fixes, new skips, new errors, time changes', load: () => import('./report-diff.ts') },
  merge: { summary: 'merge --out DIR SHARD_DIR...: join the shards of a --shard K/N run', load: () => import('./report-merge.ts') },
  html: { summary: 'html [RUN_FOLDER] [--history FILE]: redraw the HTML page of a run folder', load: () => import('./report-html.ts') },
};

export async function main(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    console.log(['usage: xvc report <action> [options]', ...Object.entries(ACTIONS).map(([name, { summary }]) => `  ${name.padEnd(6)} ${summary}`)].join('\n'));
    return action === undefined ? 2 : 0;
  }
  const chosen = ACTIONS[action];
  if (!chosen) throw new UsageError(`unknown report action '${action}' (expected one of ${Object.keys(ACTIONS).join(', ')})`);
  return (await chosen.load()).main(rest);
}
