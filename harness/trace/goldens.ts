/**
 * Where golden programs and their traces live, and how a command-line argument names one:
 * a program is `<dir>/<name>.bin` (assembled from `<name>.asm`, run with `<name>.options.json`)
 * and its golden is `<dir>/<name>.trace.json`. `fixtures/golden/` is the default directory.
 *
 * Models no hardware.
 */

import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../exec/guest-image.ts';
import { parseTrace, type Trace } from './format.ts';
import { DEFAULT_PROGRAM_OPTIONS, programNameOf, programSetup, readProgramOptions, type ProgramOptions, type TraceSetup } from './program.ts';

export const DEFAULT_GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));

export const GOLDEN_SUFFIX = '.trace.json';
const PROGRAM_SUFFIXES = ['.bin', '.asm', '.options.json', GOLDEN_SUFFIX];

/** A program and its golden, by path; either file may be missing. */
export interface GoldenEntry {
  name: string;
  program: string;
  golden: string;
}

function entryOf(stem: string): GoldenEntry {
  return { name: basename(stem), program: `${stem}.bin`, golden: `${stem}${GOLDEN_SUFFIX}` };
}

/**
 * Resolves `PROGRAM|GOLDEN`: a path to the .bin, .asm, .options.json or .trace.json of a
 * program, or a bare name looked up in `dir`.
 */
export function resolveEntry(argument: string, dir = DEFAULT_GOLDEN_DIR): GoldenEntry {
  const suffix = PROGRAM_SUFFIXES.find((s) => argument.endsWith(s));
  if (suffix) return entryOf(resolve(argument.slice(0, -suffix.length)));
  if (!argument.includes('/') && !argument.includes('\\')) return entryOf(join(resolve(dir), argument));
  return entryOf(resolve(argument));
}

/** Every program or golden in `dir`, by name: a .bin without a golden and a golden without a .bin both appear. */
export function listEntries(dir = DEFAULT_GOLDEN_DIR): GoldenEntry[] {
  if (!existsSync(dir)) return [];
  const names = new Set<string>();
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.bin')) names.add(file.slice(0, -'.bin'.length));
    else if (file.endsWith(GOLDEN_SUFFIX)) names.add(file.slice(0, -GOLDEN_SUFFIX.length));
  }
  return [...names].sort().map((name) => entryOf(join(resolve(dir), name)));
}

/** Is `path` the golden of some program (a `<name>.bin` beside a `<name>.trace.json`)? */
export function isGoldenPath(path: string): boolean {
  return path.endsWith(GOLDEN_SUFFIX) && existsSync(join(dirname(path), `${basename(path).slice(0, -GOLDEN_SUFFIX.length)}.bin`));
}

/** The program's options: defaults, then its options file, then `overrides` (command-line flags). */
export async function programOptions(program: string, overrides: Partial<ProgramOptions> = {}): Promise<ProgramOptions> {
  return { ...DEFAULT_PROGRAM_OPTIONS, ...(await readProgramOptions(program)), ...overrides };
}

/** The starting point of a program's run, from its image and options. */
export async function setupOf(program: string, overrides: Partial<ProgramOptions> = {}): Promise<TraceSetup> {
  const image = await readImage(program);
  return programSetup(programNameOf(program), image, program, await programOptions(program, overrides));
}

/** Reads and checks a golden; undefined when the file does not exist. */
export async function readGolden(path: string): Promise<{ trace: Trace; text: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { trace: parseTrace(text, path), text };
}
