// `npm test` (tsx harness/scripts/test.ts [mocha args...]): the one test entry point
// for developers and CI (.ci/run). Steps:
//   1. type check with `tsc -p tsconfig.json --noEmit`; on errors print them and stop.
//   2. run mocha (config in .mocharc.json) with the TAP reporter while V8 coverage is
//      collected into .c8rc.json's temp-directory (NODE_V8_COVERAGE, exactly what
//      `c8 mocha` does, but c8's report can't end up inside the TAP stream). mocha's
//      stdout is written verbatim to reports/test.tap and, parsed live by tap-parser,
//      shown as a readable progress view; non-TAP lines (tests' console.log) are echoed.
//   3. `c8 report`: text-summary on the console, lcov + json-summary in reports/coverage/.
//   4. summarise reports/test.tap with harness/report/tap-summary.ts and print the counts
//      line and, last, `xvc: N passed, N failed, N skipped`.
// Exits non-zero on a type error, a failed test, a mocha crash, an incomplete TAP stream
// (no plan, wrong count, bail-out), a failed coverage report, or when zero tests ran.
// Extra arguments go to mocha (`npm test -- --grep cpu`). CI=true adds --forbid-only;
// output is never coloured or interactive.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Parser, type Result } from 'tap-parser';
import { summarizeTap } from '../report/tap-summary.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string): string => `${root}node_modules/.bin/${name}`;
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
const tapPath = `${root}reports/test.tap`;
const childEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const indent = (text: string, pad: string): string => text.replace(/^/gm, pad);

// The TAP reporter is what the verdict is built on; a different reporter would break it.
const mochaArgs = process.argv.slice(2);
if (mochaArgs.some((a) => /^(-R|-O|--reporter(-option)?)(=|$)/.test(a))) {
  say('xvc: the reporter is fixed (TAP, summarised by this script); drop --reporter/-R/-O');
  process.exit(2);
}

// 1. Type check.
say('== type check: tsc -p tsconfig.json --noEmit');
const pretty = !ci && process.stdout.isTTY === true;
const tsc = spawnSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit', '--pretty', String(pretty)], {
  cwd: root,
  encoding: 'utf8',
  env: childEnv,
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (tsc.status !== 0) {
  process.stdout.write(tsc.stdout + tsc.stderr);
  say(`xvc: type check failed (${tsc.error?.message ?? `tsc exited with ${tsc.status ?? tsc.signal}`})`);
  process.exit(1);
}

// 2. mocha with coverage collection, TAP to file and to the live view.
const c8rc = JSON.parse(readFileSync(`${root}.c8rc.json`, 'utf8')) as { 'temp-directory'?: string };
const coverageTmp = `${root}${c8rc['temp-directory'] ?? 'reports/coverage/tmp'}`;
rmSync(coverageTmp, { recursive: true, force: true });
mkdirSync(coverageTmp, { recursive: true });

const args = ['--reporter', `${root}harness/report/mocha-tap.ts`, '--no-color'];
if (ci) args.push('--forbid-only');
say(`== tests: mocha ${[...args, ...mochaArgs].join(' ')}`);

mkdirSync(`${root}reports`, { recursive: true });
const tapFile = createWriteStream(tapPath);
const live = new Parser();
live.on('assert', (r: Result) => {
  const tag = r.todo !== false ? 'todo' : r.skip !== false ? 'skip' : r.ok ? 'ok' : 'FAIL';
  const why = typeof r.todo === 'string' ? r.todo : typeof r.skip === 'string' ? r.skip : '';
  say(`  ${tag.padEnd(5)} ${r.fullname || r.name}${why && why !== '-' ? ` (${why})` : ''}`);
});
live.on('extra', (text: string) => process.stdout.write(text));

const mocha = spawn(bin('mocha'), [...args, ...mochaArgs], {
  cwd: root,
  env: { ...childEnv, NODE_V8_COVERAGE: coverageTmp },
  stdio: ['ignore', 'pipe', 'inherit'],
});
mocha.stdout.on('data', (chunk: Buffer) => {
  tapFile.write(chunk);
  live.write(chunk);
});
const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
  mocha.on('error', (err) => {
    say(`xvc: could not start mocha: ${err.message}`);
    resolve([null, null]);
  });
  mocha.on('close', (c, s) => resolve([c, s]));
});
live.end();
tapFile.end();
await finished(tapFile);

// 3. Coverage report (reads the config's reporters, reports-dir and temp-directory).
say('== coverage: c8 report');
const c8 = spawnSync(bin('c8'), ['report'], { cwd: root, env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });

// 4. Verdict from the TAP file.
const s = summarizeTap(readFileSync(tapPath, 'utf8'));
const problems: string[] = [];
if (code === null || (code !== 0 && s.fail === 0)) {
  problems.push(`mocha crashed (${signal !== null ? `signal ${signal}` : `exit code ${code}`})`);
}
if (s.bailout !== null) problems.push(`TAP bail out: ${s.bailout || '(no reason)'}`);
if (!s.planOk) problems.push(`TAP stream incomplete: ${s.problems.join(', ') || 'no plan'}`);
if (s.total === 0) problems.push('no tests ran');
// DESIGN.md: no skip without a reason printed. The reporter marks a bare this.skip().
for (const name of s.skipsWithoutReason) problems.push(`skip without a reason (use skipBecause from suites/support/outcome.ts): ${name}`);
if (c8.status !== 0) problems.push(`coverage report failed (c8 exited with ${c8.status ?? c8.signal})`);

if (s.failures.length > 0) {
  say(`\n== failures (${s.failures.length})`);
  s.failures.forEach((f, i) => {
    say(`${i + 1}) ${f.name}`);
    if (f.diag) say(indent(f.diag, '     '));
  });
}
say();
for (const p of problems) say(`xvc: ERROR ${p}`);
say(`xvc: pass ${s.pass}, fail ${s.fail - s.error}, error ${s.error}, skip ${s.skip}, known-fail ${s.todo}`);
say(`xvc: ${s.pass} passed, ${s.fail} failed, ${s.skip + s.todo} skipped`);
process.exitCode = s.fail > 0 || problems.length > 0 ? 1 : 0;
