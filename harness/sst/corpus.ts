/**
 * The side files of a SingleStepTests 80286 corpus, and where that corpus lives.
 *
 * - `revocation_list.txt`: hashes of tests found to be bad after publication, one per line (the
 *   SingleStepTests/80286 README, section "Accuracy"; the hash is the `HASH` chunk of
 *   dbalsom/moo doc/moo_format_v1.md, as lowercase hex).
 * - `v1_real_mode/metadata.json`: per-opcode status and the flags left undefined by each form.
 *   Its shape, as shipped with 80286 v1.0.0 (syntax_version 2):
 *     { github, version, syntax_version, cpu, cpu_detail, generator, author, date,
 *       opcodes: { "<OP>": Leaf | { reg: { "0".."7": Leaf } } } }
 *     Leaf = { status, arch?, flags?, "flags-mask"? }
 *   `<OP>` is two hex digits, or four for the 0F page ("0F00"). Group opcodes (80, F6, FF, ...)
 *   carry only `reg`, keyed by the ModRM reg field, and have no status of their own. `flags` is an
 *   eight-character picture of the undefined flags, '.' for defined ones; the letters seen sit at
 *   positions o . . s z a p c (positions 1-2 are never set; presumably d and i). `flags-mask` is
 *   the FLAGS AND-mask that clears the undefined ones (e.g. 65519 = ~AF) and agrees with the
 *   picture in every shipped entry.
 * - File names: `<OP>.MOO.gz` or `<OP>.<reg>.MOO.gz`, which is the key used here ('80.7').
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One-line error for a malformed corpus side file; names the file and, when known, the line. */
export class CorpusFormatError extends Error {
  override readonly name = 'CorpusFormatError';
  readonly source: string;

  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`.replace(/[\r\n]+/g, ' '));
    this.source = source;
  }
}

/** Directory of the real-mode test set inside a corpus root. */
export const REAL_MODE_SUBDIR = 'v1_real_mode';

function findRepoRoot(): string {
  // Walk up instead of hard-coding '../..' so the module keeps working if it moves.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * Root of the 80286 corpus: `$XVC_SST_DIR` when set, else the shared fixture checkout beside
 * the repository (`<repo>/../shared/fixtures-external/singlestep-80286`). Existence is not
 * checked: callers decide whether a missing corpus is a skip or a failure.
 */
export function defaultSstDir(): string {
  const fromEnv = process.env['XVC_SST_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return resolve(findRepoRoot(), '..', 'shared', 'fixtures-external', 'singlestep-80286');
}

/** Sorted paths of the `.MOO.gz` files in a test-set directory (e.g. `<root>/v1_real_mode`). */
export async function listMooFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => /\.MOO\.gz$/i.test(n))
    .sort()
    .map((n) => join(dir, n));
}

const FORM_KEY = /^([0-9A-Fa-f]{2}|0[Ff][0-9A-Fa-f]{2})(?:\.([0-7]))?$/;

/**
 * '80.7.MOO.gz' → '80.7', '0f04.MOO' → '0F04'. Throws for a name that is not a form file, since
 * a wrong key would silently pick the wrong flag mask.
 */
export function formKeyFromFileName(fileName: string): string {
  const base = basename(fileName);
  const stem = base.replace(/\.MOO(?:\.gz)?$/i, '');
  if (stem === base || !FORM_KEY.test(stem)) {
    throw new CorpusFormatError(fileName, "not a SingleStepTests form file name (expected 'OP[.reg].MOO[.gz]')");
  }
  return stem.toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Revocation list

export interface RevocationEntries {
  /** Revoked test hashes, lowercase. */
  hashes: Set<string>;
  /** Lines naming whole files (`xx.MOO.gz`), kept apart because they are not test hashes. */
  fileNames: Set<string>;
}

const HASH_LINE = /^[0-9A-Fa-f]{40}$/;
const FILE_LINE = /^[^\s/\\]+\.MOO\.gz$/i;

/** Parses revocation-list text; `source` names the file in errors. */
export function parseRevocationList(text: string, source: string): RevocationEntries {
  const out: RevocationEntries = { hashes: new Set(), fileNames: new Set() };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    // '#' never occurs in a hash or a form file name, so anything after it is commentary.
    const line = (lines[i] ?? '').replace(/#.*/, '').trim();
    if (line === '') continue;
    if (HASH_LINE.test(line)) out.hashes.add(line.toLowerCase());
    else if (FILE_LINE.test(line)) out.fileNames.add(line);
    else {
      const shown = line.length > 60 ? `${line.slice(0, 57)}...` : line;
      throw new CorpusFormatError(
        `${source}:${i + 1}`,
        `not a 40-digit hex hash or a .MOO.gz file name: ${JSON.stringify(shown)}`,
      );
    }
  }
  return out;
}

/** Revoked hashes from a revocation list file (file-name lines are accepted and left out). */
export async function readRevocationList(path: string): Promise<Set<string>> {
  return (await readRevocationEntries(path)).hashes;
}

/** Both kinds of revocation-list line, for callers that also honour whole-file revocations. */
export async function readRevocationEntries(path: string): Promise<RevocationEntries> {
  return parseRevocationList(await readFile(path, 'utf8'), path);
}

// ---------------------------------------------------------------------------------------------
// metadata.json

/**
 * Status and undefined-flag information for one instruction form. Statuses seen in 80286 v1.0.0:
 * normal, alias, undocumented, undefined, prefix, extension, fpu.
 */
export interface SstFormMeta {
  status: string;
  /** First CPU generation with the form: '86', '186', '286'; absent on a few entries. */
  arch?: string;
  /** Picture of undefined flags, e.g. 'o....a.c'; '.' for defined ones. */
  flags?: string;
  /** FLAGS AND-mask clearing the undefined flags (JSON `flags-mask`). */
  flagsMask?: number;
}

/**
 * One `opcodes` entry: a plain form, or a ModRM-reg group with no status of its own.
 * The fields are optional on the union so callers can probe `entry.reg` without narrowing.
 */
export type SstOpcodeMeta =
  | (SstFormMeta & { reg?: undefined })
  | { reg: Readonly<Record<string, SstFormMeta>>; status?: undefined; arch?: undefined; flags?: undefined; flagsMask?: undefined };

export interface CorpusMetadata {
  source: string;
  github?: string;
  version?: string;
  syntaxVersion?: number;
  cpu?: string;
  cpuDetail?: string;
  generator?: string;
  author?: string;
  date?: string;
  /** Entries as in the file, keyed by the upper-case opcode key ('00', '80', '0F04'). */
  opcodes: Record<string, SstOpcodeMeta>;
  /** Every form flattened to its file key: '00', '80.7', '0F00.3'. */
  forms: Map<string, SstFormMeta>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(obj: { [key: string]: Json }, key: string, where: string, source: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new CorpusFormatError(source, `${where}.${key} is not a string`);
  return v;
}

function parseFormMeta(v: Json | undefined, where: string, source: string): SstFormMeta {
  if (!isObject(v)) throw new CorpusFormatError(source, `${where} is not an object`);
  const status = optionalString(v, 'status', where, source);
  if (status === undefined) throw new CorpusFormatError(source, `${where} has no status`);
  const form: SstFormMeta = { status };
  const arch = optionalString(v, 'arch', where, source);
  if (arch !== undefined) form.arch = arch;
  const flags = optionalString(v, 'flags', where, source);
  if (flags !== undefined) form.flags = flags;
  const mask = v['flags-mask'];
  if (mask !== undefined) {
    if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask > 0xffff) {
      throw new CorpusFormatError(source, `${where}.flags-mask is not a 16-bit integer: ${JSON.stringify(mask)}`);
    }
    form.flagsMask = mask;
  }
  return form;
}

/** Validates and normalises parsed metadata.json content; `source` names the file in errors. */
export function parseCorpusMetadata(json: unknown, source: string): CorpusMetadata {
  const root = json as Json;
  if (!isObject(root)) throw new CorpusFormatError(source, 'top level is not an object');
  const opcodesJson = root['opcodes'];
  if (!isObject(opcodesJson)) throw new CorpusFormatError(source, "missing 'opcodes' object");

  const meta: CorpusMetadata = { source, opcodes: {}, forms: new Map() };
  const strings = [
    ['github', 'github'],
    ['version', 'version'],
    ['cpu', 'cpu'],
    ['cpu_detail', 'cpuDetail'],
    ['generator', 'generator'],
    ['author', 'author'],
    ['date', 'date'],
  ] as const;
  for (const [jsonKey, field] of strings) {
    const v = optionalString(root, jsonKey, '(top)', source);
    if (v !== undefined) meta[field] = v;
  }
  const syntax = root['syntax_version'];
  if (syntax !== undefined) {
    if (typeof syntax !== 'number') throw new CorpusFormatError(source, 'syntax_version is not a number');
    meta.syntaxVersion = syntax;
  }

  for (const [rawKey, entry] of Object.entries(opcodesJson)) {
    if (!/^(?:[0-9A-Fa-f]{2}|0[Ff][0-9A-Fa-f]{2})$/.test(rawKey)) {
      throw new CorpusFormatError(source, `opcodes key ${JSON.stringify(rawKey)} is not an opcode`);
    }
    const key = rawKey.toUpperCase();
    const where = `opcodes.${rawKey}`;
    if (isObject(entry) && entry['reg'] !== undefined) {
      const regJson = entry['reg'];
      if (!isObject(regJson)) throw new CorpusFormatError(source, `${where}.reg is not an object`);
      const reg: Record<string, SstFormMeta> = {};
      for (const [r, leaf] of Object.entries(regJson)) {
        if (!/^[0-7]$/.test(r)) throw new CorpusFormatError(source, `${where}.reg key ${JSON.stringify(r)} is not 0-7`);
        const form = parseFormMeta(leaf, `${where}.reg.${r}`, source);
        reg[r] = form;
        meta.forms.set(`${key}.${r}`, form);
      }
      meta.opcodes[key] = { reg };
    } else {
      const form = parseFormMeta(entry, where, source);
      meta.opcodes[key] = form;
      meta.forms.set(key, form);
    }
  }
  return meta;
}

/** Reads a corpus metadata.json. */
export async function readCorpusMetadata(path: string): Promise<CorpusMetadata> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CorpusFormatError(path, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseCorpusMetadata(json, path);
}

/**
 * Metadata for a form key ('00', '80.7'); throws for a key the metadata does not describe, or a
 * group opcode named without its reg field, because either means the caller has the wrong key.
 */
export function formMetaFor(metadata: CorpusMetadata, key: string): SstFormMeta {
  const norm = key.toUpperCase();
  const form = metadata.forms.get(norm);
  if (form !== undefined) return form;
  const op = metadata.opcodes[norm];
  if (op?.reg !== undefined) {
    throw new RangeError(`${metadata.source}: opcode ${norm} is a group; name the form as '${norm}.<0-7>'`);
  }
  throw new RangeError(`${metadata.source}: no entry for form '${key}'`);
}

/** FLAGS AND-mask for a form: 0xFFFF when the form leaves no flag undefined. */
export function flagsMaskFor(metadata: CorpusMetadata, key: string): number {
  return formMetaFor(metadata, key).flagsMask ?? 0xffff;
}
