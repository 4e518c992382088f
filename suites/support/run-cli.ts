/**
 * Runs the `xvc` CLI as a child process the way a user runs it
 * (`node --import tsx harness/cli/main.ts ...` in the repository root), and checks the CLI's
 * error contract: a user error ends with one stderr line starting `xvc: ` and a non-zero exit
 * status (harness/cli/errors.ts).
 */

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs started by tests append to a scratch history, not to the user's reports/history.jsonl. */
const TEST_HISTORY = join(tmpdir(), `xvc-test-history-${process.pid}.jsonl`);

export interface CliResult {
  /** The exit status, or null if the process was killed (for example by the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in the repository root; resolves with the exit code (null if it was killed). */
export function runCli(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', ...args], { cwd: root, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, XVC_HISTORY: process.env['XVC_HISTORY'] ?? TEST_HISTORY } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exactly one stderr line, starting `xvc: ` and matching `problem`; the given exit code. */
export function expectOneLineError(r: CliResult, code: number, problem: RegExp): void {
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  expect(lines, `stderr:\n${r.stderr}`).to.have.length(1);
  expect(lines[0]).to.match(/^xvc: /);
  expect(lines[0]).to.match(problem);
  expect(r.code, `exit code (stderr: ${r.stderr.trim()})`).to.equal(code);
}
