/**
 * `xvc`: the command-line entry point and composition root. Subcommands are loaded on demand so
 * that `xvc exec` does not pay for the corpus reader, and suites are found by path, never
 * imported statically.
 */

import '../v8-tuning.ts';
import { InputError, oneLine, UsageError } from './errors.ts';
import { isSubjectError } from '../suite/run-instance.ts';

const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }> = {
  exec: { summary: 'run a guest image on the reference emulator', load: () => import('./exec.ts') },
  sst: { summary: 'run SingleStepTests MOO files against a subject', load: () => import('./sst.ts') },
  trace: { summary: 'record, check and rebase golden traces of guest programs', load: () => import('./trace.ts') },
  mutants: { summary: 'run each suite against the seeded bugs it must kill; print the mutant table', load: () => import('./mutants.ts') },
  repro: { summary: 're-run one instance, case hash or seed alone and export it as .asm, .bin and state JSON', load: () => import('./repro.ts') },
  run: { summary: 'run the suites against one subject or a matrix of them; TAP, JUnit, JSON, coverage, HTML', load: () => import('./run.ts') },
  report: { summary: 'diff two runs, merge the shards of a run, or redraw a run\'s HTML page', load: () => import('./report.ts') },
};

function usage(): string {
  const lines = ['usage: xvc <command> [options]', '', 'commands:'];
  for (const [name, { summary }] of Object.entries(SUBCOMMANDS)) lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push('', "run 'xvc <command> --help' for a command's options");
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(usage());
    return command === undefined ? 2 : 0;
  }
  const sub = SUBCOMMANDS[command];
  if (!sub) throw new UsageError(`unknown command '${command}' (expected one of ${Object.keys(SUBCOMMANDS).join(', ')})`);
  return (await sub.load()).main(rest);
}

/** node:util parseArgs rejects unknown options and missing values with these codes: usage errors too. */
function isParseArgsError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(`xvc: ${oneLine(error.message)}`);
      process.exitCode = 2;
    } else if (error instanceof InputError || (error instanceof Error && /FormatError$/.test(error.name))) {
      console.error(`xvc: ${oneLine(error.message)}`);
      process.exitCode = 1;
    } else if (isSubjectError(error)) {
      // The subject under test failed (crashed, hung, broke the protocol): say so in one line.
      console.error(`xvc: subject error (${error.kind}): ${oneLine(error.message)}`);
      process.exitCode = 1;
    } else if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR' || error.code === 'EACCES')) {
      console.error(`xvc: ${oneLine(error.message)}`);
      process.exitCode = 1;
    } else {
      console.error(error);
      process.exitCode = 70;
    }
  },
);
