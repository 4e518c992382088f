/**
 * `xvc trace`: golden traces of guest programs (harness/trace/).
 * - `record IMAGE --out FILE`: records a run of a flat image on the reference subject;
 * - `check [GOLDEN|PROGRAM...]`: re-records each program and compares it with its golden
 *   (default: every program in fixtures/golden/); a program without a golden fails;
 * - `rebase PROGRAM|GOLDEN...`: re-records, prints the difference from the existing golden (or
 *   says it is new) and writes it. This is the only command that writes a golden.
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
import { parseTrace, serializeTrace, TraceFormatError, type StartMode, type Trace } from '../trace/format.ts';
import { DEFAULT_GOLDEN_DIR, isGoldenPath, listEntries, resolveEntry, setupOf, type GoldenEntry } from '../trace/goldens.ts';
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
  rebase PROGRAM|GOLDEN...      re-record, show the difference and write the golden
      --dir DIR                   golden directory for bare program names

Options for a program live in NAME.options.json beside NAME.bin; the golden is NAME.trace.json.
A program without a golden fails 'check'; only 'rebase' writes goldens.`;

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
    case undefined:
    case '--help':
    case '-h':
      console.log(HELP);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown trace command '${command}' (expected record, check or rebase)`);
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

async function check(argv: string[]): Promise<number> {
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
    return 0;
  }
  const entries = entriesFrom(positionals, values.dir ?? DEFAULT_GOLDEN_DIR);
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('trace rebase takes at least one PROGRAM or GOLDEN argument');
  const entries = positionals.map((p) => resolveEntry(p, values.dir ?? DEFAULT_GOLDEN_DIR));
  for (const entry of entries) {
    if (!existsSync(entry.program)) throw new InputError(`no program ${entry.program} to rebase ${display(entry.golden)} from`);
  }
  for (const entry of entries) await rebaseOne(entry);
  return 0;
}

async function rebaseOne(entry: GoldenEntry): Promise<void> {
  const setup = await setupOf(entry.program);
  const subject = createReferenceSubject();
  let trace: Trace;
  try {
    trace = await recordTrace(subject, setup);
  } finally {
    await subject.close();
  }
  const text = serializeTrace(trace);
  const name = display(entry.golden);
  const summary = `${trace.steps.length} steps, ${describeStop(trace.stop)}`;
  let oldText: string | undefined;
  try {
    oldText = await readFile(entry.golden, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (oldText === undefined) {
    console.log(`new golden ${name}: ${summary}`);
  } else if (oldText === text) {
    console.log(`unchanged ${name}: ${summary}`);
  } else {
    try {
      const old = parseTrace(oldText, entry.golden);
      const divergence = compareTraces(old, trace);
      console.log(divergence ? `changed ${name}: first difference: ${describeDivergence(divergence)}` : `changed ${name}: the same run apart from undefined flags or annotations`);
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      console.log(`changed ${name}: the old golden is unusable: ${error.message}`);
    }
    process.stdout.write(unifiedDiff(oldText, text, `${name} (old)`, `${name} (new)`));
    console.log(`rebased ${name}: ${summary}`);
  }
  for (const warning of undefinedFlagWarnings(trace)) console.log(`warning: ${warning}`);
  if (oldText !== text) await writeAtomic(entry.golden, text);
}
