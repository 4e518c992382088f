/**
 * `xvc trace`: golden traces of guest programs (harness/trace/).
 * - `record IMAGE --out FILE`: records a run of a flat image on the reference subject;
 * - `check [GOLDEN|PROGRAM...]`: re-records each program and compares it with its golden
 *   (default: every program in fixtures/golden/); a program without a golden fails;
 * - `rebase PROGRAM|GOLDEN...`: re-records, cross-checks the new run on QEMU, prints the
 *   difference from the existing golden (or says it is new) and writes it with the cross-check
 *   record. It refuses, writing nothing, when QEMU contradicts a golden or cannot check it and
 *   no written `--reason` says why (harness/trace/cross-check.ts). The only writer of goldens;
 * - `crosscheck [GOLDEN|PROGRAM...]`: runs each golden on QEMU and holds it to its record.
 *
 * Models no hardware; the reference subject runs the programs.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CPU_MODEL_NAMES } from '../../reference-emulator/index.ts';
import { createReferenceSubject } from '../adapters/reference/index.ts';
import { describeStop } from '../exec/state-format.ts';
import { writeAtomic } from '../report/tap-writer.ts';
import { checkGolden, undefinedFlagWarnings, type GoldenCheck } from '../trace/check.ts';
import { compareTraces, describeDivergence } from '../trace/compare.ts';
import { CrossCheckSession, decideCrossCheck, qemuCrossChecker, reasonProblem, verifyCrossCheck, type CrossCheckOutcome } from '../trace/cross-check.ts';
import { MIN_REASON_LENGTH, parseTrace, serializeTrace, TraceFormatError, type CrossCheck, type StartMode, type Trace } from '../trace/format.ts';
import { DEFAULT_GOLDEN_DIR, isGoldenPath, listEntries, readGolden, resolveEntry, setupOf, type GoldenEntry } from '../trace/goldens.ts';
import { unifiedDiff } from '../trace/line-diff.ts';
import { DEFAULT_MAX_INSTRUCTIONS, type ProgramOptions, type WatchRegion } from '../trace/program.ts';
import { recordTrace } from '../trace/record.ts';
import { parseChoice, parseNumber } from './args.ts';
import { InputError, UsageError } from './errors.ts';

const HELP = `usage: xvc trace <command> [options]
  record IMAGE.bin --out FILE   record a run of IMAGE on the reference emulator
      --mode real|prot32          start mode (default prot32, or the image's .options.json)
      --cpu MODEL                 ${CPU_MODEL_NAMES.join(', ')} (default modern)
      --load-addr N               guest-physical load address (default 0x1000)
      --entry N                   linear entry address (default: the load address)
      --max-instructions N        stop after N steps (default ${DEFAULT_MAX_INSTRUCTIONS})
      --watch BASE:LEN            also watch LEN bytes of memory at BASE (repeatable)
      --stop-on-exception         end at the first exception instead of delivering it
  check [GOLDEN|PROGRAM...]     re-record programs and compare with their goldens
      --dir DIR                   golden directory (default fixtures/golden)
      --json                      print the results as JSON
  rebase PROGRAM|GOLDEN...      re-record, cross-check on QEMU, show the difference and write the golden
      --dir DIR                   golden directory for bare program names
      --reason TEXT               why the golden stands though QEMU differs, cannot run it or is
                                  not installed (one golden, at least ${MIN_REASON_LENGTH} characters; stored in it)
      --no-crosscheck             do not run QEMU (needs --reason)
  crosscheck [GOLDEN|PROGRAM...]  run goldens on QEMU and hold each to its cross-check record
      --dir DIR                   golden directory (default fixtures/golden)
      --json                      print the results as JSON

Options for a program live in NAME.options.json beside NAME.bin; the golden is NAME.trace.json.
A program without a golden fails 'check'; only 'rebase' writes goldens, and it refuses one that
QEMU contradicts (or cannot check) unless --reason says why.`;

const display = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'record':
      return record(rest);
    case 'check':
      return check(rest);
    case 'rebase':
      return rebase(rest);
    case 'crosscheck':
      return crosscheck(rest);
    case undefined:
    case '--help':
    case '-h':
      console.log(HELP);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown trace command '${command}' (expected record, check, rebase or crosscheck)`);
  }
}

function parseWatch(text: string): WatchRegion {
  const match = /^([^:]+):([^:]+)$/.exec(text);
  if (!match) throw new UsageError(`--watch takes BASE:LEN, got '${text}'`);
  return { base: parseNumber('--watch base', match[1], 0), length: parseNumber('--watch length', match[2], 0, 0x1000000) };
}

async function record(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      mode: { type: 'string' },
      cpu: { type: 'string' },
      'load-addr': { type: 'string' },
      entry: { type: 'string' },
      'max-instructions': { type: 'string' },
      watch: { type: 'string', multiple: true },
      'stop-on-exception': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('trace record takes exactly one IMAGE argument');
  if (values.out === undefined) throw new UsageError('trace record needs --out FILE');
  const image = positionals[0]!;
  if (isGoldenPath(values.out)) throw new UsageError(`${values.out} is a golden; goldens are written only by 'xvc trace rebase'`);
  const overrides: Partial<ProgramOptions> = {};
  if (values.mode !== undefined) overrides.mode = parseChoice<StartMode>('--mode', values.mode, ['real', 'prot32'], 'prot32');
  if (values.cpu !== undefined) overrides.cpu = parseChoice('--cpu', values.cpu, CPU_MODEL_NAMES, 'modern');
  if (values['load-addr'] !== undefined) overrides.loadAddress = parseNumber('--load-addr', values['load-addr'], 0);
  if (values.entry !== undefined) overrides.entry = parseNumber('--entry', values.entry, 0);
  if (values['max-instructions'] !== undefined) overrides.maxInstructions = parseNumber('--max-instructions', values['max-instructions'], DEFAULT_MAX_INSTRUCTIONS, 10_000_000);
  if (overrides.maxInstructions === 0) throw new UsageError('--max-instructions must be at least 1');
  if (values.watch !== undefined) overrides.watch = values.watch.map(parseWatch);
  if (values['stop-on-exception'] !== undefined) overrides.stopOnException = values['stop-on-exception'];

  const setup = await setupOf(image, overrides);
  const trace = await recordTrace(createReferenceSubject(), setup);
  await writeAtomic(values.out, serializeTrace(trace));
  console.log(`recorded ${trace.steps.length} steps of ${display(image)}, ${describeStop(trace.stop)}, to ${display(values.out)}`);
  for (const warning of undefinedFlagWarnings(trace)) console.log(`warning: ${warning}`);
  return 0;
}

function entriesFrom(positionals: string[], dir: string): GoldenEntry[] {
  if (positionals.length > 0) return positionals.map((p) => resolveEntry(p, dir));
  const entries = listEntries(dir);
  if (entries.length === 0) throw new InputError(`no golden programs (.bin) or goldens (.trace.json) in ${dir}`);
  return entries;
}

/** `check` and `crosscheck` take the same arguments: golden names (or all in --dir) and --json; undefined after --help. */
function goldenSelection(argv: string[]): { entries: ReturnType<typeof entriesFrom>; values: { json: boolean } } | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  return { entries: entriesFrom(positionals, values.dir ?? DEFAULT_GOLDEN_DIR), values: { json: values.json } };
}

async function check(argv: string[]): Promise<number> {
  const selection = goldenSelection(argv);
  if (!selection) return 0;
  const { entries, values } = selection;
  const results: GoldenCheck[] = [];
  for (const entry of entries) {
    const subject = createReferenceSubject();
    try {
      results.push(await checkGolden(entry, subject));
    } finally {
      await subject.close();
    }
    const r = results[results.length - 1]!;
    if (!values.json) {
      const detail = r.passed && r.actual ? `${r.actual.steps.length} steps, ${describeStop(r.actual.stop)}` : (r.reason ?? '');
      console.log(`${r.passed ? 'ok  ' : 'FAIL'} ${entry.name.padEnd(20)} ${detail}`);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  if (values.json) {
    const rows = results.map((r) => ({
      name: r.entry.name,
      program: display(r.entry.program),
      golden: display(r.entry.golden),
      passed: r.passed,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.divergence ? { divergence: r.divergence } : {}),
      ...(r.actual ? { steps: r.actual.steps.length, stop: r.actual.stop } : {}),
    }));
    console.log(JSON.stringify({ passed: results.length - failed, failed, results: rows }, null, 2));
  } else {
    console.log(`xvc trace check: ${results.length - failed} passed, ${failed} failed`);
  }
  return failed > 0 ? 1 : 0;
}

async function rebase(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      reason: { type: 'string' },
      'no-crosscheck': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('trace rebase takes at least one PROGRAM or GOLDEN argument');
  const reason = values.reason;
  if (reason !== undefined) {
    const problem = reasonProblem(reason);
    if (problem) throw new UsageError(`--reason ${problem}`);
    if (positionals.length !== 1) throw new UsageError('--reason explains one golden: rebase that golden alone');
  }
  if (values['no-crosscheck'] && reason === undefined) throw new UsageError('--no-crosscheck needs --reason "TEXT" saying why the golden is written without a cross-check');
  const entries = positionals.map((p) => resolveEntry(p, values.dir ?? DEFAULT_GOLDEN_DIR));
  for (const entry of entries) {
    if (!existsSync(entry.program)) throw new InputError(`no program ${entry.program} to rebase ${display(entry.golden)} from`);
  }
  // Everything is recorded and cross-checked before anything is written: a refusal writes nothing.
  const session = new CrossCheckSession(qemuCrossChecker());
  const plans: RebasePlan[] = [];
  try {
    for (const entry of entries) plans.push(await planRebase(entry, session, { ...(reason !== undefined ? { reason } : {}), skip: values['no-crosscheck'] }));
  } finally {
    await session.close();
  }
  const refused = plans.filter((plan) => plan.refusal !== undefined);
  if (refused.length > 0) {
    const more = refused.length > 1 ? ` (${refused.length - 1} more refused)` : '';
    throw new InputError(`rebase refused for ${display(refused[0]!.entry.golden)}: ${refused[0]!.refusal}${more}; nothing written`);
  }
  for (const plan of plans) await writePlan(plan);
  return 0;
}

interface RebasePlan {
  entry: GoldenEntry;
  trace: Trace;
  text: string;
  oldText: string | undefined;
  /** Set when the golden may not be written. */
  refusal?: string;
  note?: string;
}

async function planRebase(entry: GoldenEntry, session: CrossCheckSession, options: { reason?: string; skip: boolean }): Promise<RebasePlan> {
  const setup = await setupOf(entry.program);
  const subject = createReferenceSubject();
  let recorded: Trace;
  try {
    recorded = await recordTrace(subject, setup);
  } finally {
    await subject.close();
  }
  let oldText: string | undefined;
  try {
    oldText = await readFile(entry.golden, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let previous: CrossCheck | undefined;
  try {
    previous = oldText === undefined ? undefined : parseTrace(oldText, entry.golden).crossCheck;
  } catch (error) {
    if (!(error instanceof TraceFormatError)) throw error;
  }
  const outcome: CrossCheckOutcome = options.skip ? { result: 'unavailable', notRun: 'not run (--no-crosscheck)' } : await session.check(recorded);
  const decision = decideCrossCheck(outcome, { subject: session.checker.name, ...(options.reason !== undefined ? { reason: options.reason } : {}), ...(previous ? { previous } : {}) });
  if (!decision.accepted) return { entry, trace: recorded, text: '', oldText, refusal: decision.refusal };
  const trace: Trace = { ...recorded, crossCheck: decision.record };
  return { entry, trace, text: serializeTrace(trace), oldText, ...(decision.note ? { note: decision.note } : {}) };
}

function describeCrossCheck(record: CrossCheck): string {
  switch (record.result) {
    case 'agrees':
      return `${record.subject} ${record.version} agrees`;
    case 'differs':
      return `${record.subject} ${record.version} differs: ${record.firstDifference} (reason: ${record.reason})`;
    case 'unchecked':
      return `${record.subject} not run: ${record.notRun} (reason: ${record.reason})`;
  }
}

async function writePlan(plan: RebasePlan): Promise<void> {
  const { entry, trace, text, oldText } = plan;
  const name = display(entry.golden);
  const summary = `${trace.steps.length} steps, ${describeStop(trace.stop)}`;
  if (oldText === undefined) {
    console.log(`new golden ${name}: ${summary}`);
  } else if (oldText === text) {
    console.log(`unchanged ${name}: ${summary}`);
  } else {
    try {
      const old = parseTrace(oldText, entry.golden);
      const divergence = compareTraces(old, trace);
      console.log(divergence ? `changed ${name}: first difference: ${describeDivergence(divergence)}` : `changed ${name}: the same run apart from undefined flags, annotations or the cross-check record`);
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      console.log(`changed ${name}: the old golden is unusable: ${error.message}`);
    }
    process.stdout.write(unifiedDiff(oldText, text, `${name} (old)`, `${name} (new)`));
    console.log(`rebased ${name}: ${summary}`);
  }
  console.log(`cross-check: ${describeCrossCheck(trace.crossCheck!)}`);
  if (plan.note) console.log(`note: ${plan.note}`);
  for (const warning of undefinedFlagWarnings(trace)) console.log(`warning: ${warning}`);
  if (oldText !== text) await writeAtomic(entry.golden, text);
}

async function crosscheck(argv: string[]): Promise<number> {
  const selection = goldenSelection(argv);
  if (!selection) return 0;
  const { entries, values } = selection;
  const session = new CrossCheckSession(qemuCrossChecker());
  const subject = session.checker.name;
  const unavailable = session.unavailable();
  if (unavailable !== undefined) throw new InputError(`cannot cross-check against ${subject}: ${unavailable}`);
  const rows: Array<{ name: string; golden: string; ok: boolean; detail: string; result?: CrossCheckOutcome['result']; recorded?: CrossCheck['result'] }> = [];
  try {
    for (const entry of entries) {
      let row: (typeof rows)[number];
      try {
        const read = await readGolden(entry.golden);
        if (!read) {
          row = { name: entry.name, golden: display(entry.golden), ok: false, detail: `missing golden ${display(entry.golden)}` };
        } else {
          const outcome = await session.check(read.trace);
          const verdict = verifyCrossCheck(read.trace.crossCheck, outcome, subject);
          row = { name: entry.name, golden: display(entry.golden), ...verdict, result: outcome.result, ...(read.trace.crossCheck ? { recorded: read.trace.crossCheck.result } : {}) };
        }
      } catch (error) {
        if (!(error instanceof TraceFormatError)) throw error;
        row = { name: entry.name, golden: display(entry.golden), ok: false, detail: error.message };
      }
      rows.push(row);
      if (!values.json) console.log(`${row.ok ? 'ok  ' : 'FAIL'} ${row.name.padEnd(20)} ${row.detail}`);
    }
  } finally {
    await session.close();
  }
  const failed = rows.filter((r) => !r.ok).length;
  if (values.json) console.log(JSON.stringify({ subject, passed: rows.length - failed, failed, results: rows }, null, 2));
  else console.log(`xvc trace crosscheck: ${rows.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
