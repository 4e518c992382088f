/**
 * `xvc sst [FILE...]`: runs SingleStepTests MOO/MOO.gz files against a subject and reports
 * pass and fail per form, with the first failures of each form as register and memory diffs.
 * With no files, runs every file of the corpus (XVC_SST_DIR, or ../shared/fixtures-external/...).
 */

import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { CPU_MODEL_NAMES, decodeBytes, FORMS, cpuModel, type FormRecord } from '../../reference-emulator/index.ts';
import type { Subject } from '../adapter.ts';
import { resolveSubject } from '../runner/subjects.ts';
import { defaultSstDir, flagsMaskFor, formKeyFromFileName, listMooFiles, REAL_MODE_SUBDIR } from '../sst/corpus.ts';
import { DEFAULT_KNOWN_DIFFERENCES, loadSstContext } from '../sst/context.ts';
import { readMooFile } from '../sst/moo.ts';
import { runSstFile, type FormResult, type TestFailure } from '../sst/run-sst.ts';
import { parseChoice } from './args.ts';
import { InputError, UsageError } from './errors.ts';
import { subjectStartFailure } from '../runner/run-subject.ts';


const HELP = `usage: xvc sst [FILE...] [options]
  FILE                  MOO or MOO.gz files, or folders of them (default: every file of the corpus in $XVC_SST_DIR or ../shared)
  --cpu MODEL           ${CPU_MODEL_NAMES.join(', ')} (default i286)
  --adapter SPEC        the subject, as for xvc run: reference (default), qemu, unicorn, v86, ./module.ts, exec:CMD
  --known FILE          known differences (default fixtures/sst/known-differences-80286.json)
  --details N           failures shown per form (default 1)
  --json                print results as JSON`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cpu: { type: 'string' },
      adapter: { type: 'string' },
      known: { type: 'string' },
      details: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const cpu = parseChoice('--cpu', values.cpu, CPU_MODEL_NAMES, 'i286');
  const adapter = values.adapter ?? 'reference';
  const resolved = await resolveSubject(adapter);
  const details = values.details === undefined ? 1 : Number.parseInt(values.details, 10);
  if (!Number.isInteger(details) || details < 0) throw new UsageError(`--details takes a whole number, got '${values.details}'`);

  const corpusDir = defaultSstDir();
  let files: string[] = [];
  if (positionals.length === 0) {
    const dir = join(corpusDir, REAL_MODE_SUBDIR);
    if (!existsSync(dir)) throw new InputError(`no FILE given and no corpus at ${dir} (set XVC_SST_DIR)`);
    files = await listMooFiles(dir);
  }
  // A folder stands for its MOO files (a corpus root for its real-mode set); every name is
  // checked before anything runs, so a stray file fails at once, not after the others.
  for (const path of positionals) {
    if (existsSync(path) && statSync(path).isDirectory()) {
      const dir = existsSync(join(path, REAL_MODE_SUBDIR)) ? join(path, REAL_MODE_SUBDIR) : path;
      const found = await listMooFiles(dir);
      if (found.length === 0) throw new InputError(`${path}: no .MOO.gz files in this folder`);
      files.push(...found);
    } else files.push(path);
  }
  for (const path of files) formKeyFromFileName(basename(path));
  const metadataPath = join(corpusDir, REAL_MODE_SUBDIR, 'metadata.json');
  if (!existsSync(metadataPath)) throw new InputError(`corpus metadata not found at ${metadataPath} (set XVC_SST_DIR)`);
  const { metadata, revoked, known } = await loadSstContext(corpusDir, values.known ?? DEFAULT_KNOWN_DIFFERENCES);

  let subject: Subject;
  try {
    subject = await resolved.subjects();
  } catch (e) {
    throw new InputError(subjectStartFailure(resolved.name, e));
  }
  // A subject that cannot be the model the corpus was captured on would only report noise.
  if (!subject.capabilities.cpuModels.includes(cpu)) {
    await subject.close();
    throw new UsageError(`subject '${resolved.name}' cannot be CPU model ${cpu} (it offers ${subject.capabilities.cpuModels.join(', ')}); choose one with --cpu`);
  }
  await subject.reset({ cpu, memorySize: 16 * 1024 * 1024 });
  const results: FormResult[] = [];
  try {
    for (const path of files) {
      const formKey = formKeyFromFileName(basename(path));
      const file = await readMooFile(path);
      const result = await runSstFile(subject, file, { cpu, formKey, flagsMask: flagsMaskFor(metadata, formKey), revoked, known, maxFailureDetails: Math.max(details, 1) });
      results.push(result);
      if (!values.json) printForm(result, details, cpu);
    }
  } finally {
    // A subject that failed must not keep its process (and this one) alive.
    await subject.close().catch(() => undefined);
  }

  const total = results.reduce((a, r) => a + r.total, 0);
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const knownFail = results.reduce((a, r) => a + r.knownFail, 0);
  const revokedCount = results.reduce((a, r) => a + r.revoked, 0);
  if (values.json) {
    console.log(JSON.stringify({ schema: 1, cpu, adapter, total, passed, failed, knownFail, revoked: revokedCount, forms: results }, null, 2));
  } else {
    console.log(`sst: ${results.length} forms, ${total} tests: ${passed} passed, ${failed} failed, ${knownFail} known differences, ${revokedCount} revoked`);
  }
  return failed > 0 ? 1 : 0;
}

const hex = (v: number, d: number): string => v.toString(16).padStart(d, '0');

function printForm(r: FormResult, details: number, cpu: string): void {
  const pct = r.total === 0 ? '-' : ((100 * r.passed) / r.total).toFixed(2);
  const extra = [r.knownFail ? `${r.knownFail} known` : '', r.revoked ? `${r.revoked} revoked` : ''].filter(Boolean).join(', ');
  console.log(`${r.form.padEnd(6)} ${String(r.passed).padStart(5)}/${String(r.total).padEnd(5)} ${pct.padStart(6)}%${extra ? `  (${extra})` : ''}`);
  for (const failure of r.failures.slice(0, details)) console.log(formatFailure(failure, cpu));
}

export function formatFailure(f: TestFailure, cpu: string): string {
  let form = '?';
  try {
    form = (FORMS[decodeBytes(f.bytes, { code32: false, model: cpuModel(cpu) }).form] as FormRecord).id;
  } catch {
    form = '(does not decode)';
  }
  const lines = [`  first failure: test ${f.index} ${f.hash}`, `    ${f.name}    [${f.bytes.map((b) => hex(b, 2)).join(' ')}]  decoded as ${form}`];
  lines.push(`    stop: ${f.stop}${f.exception !== undefined ? `, corpus exception ${f.exception}` : ''}`);
  for (const d of f.regs) {
    const width = d.mask > 0xffff ? 8 : 4;
    const fullMask = width === 8 ? 0xffffffff : 0xffff;
    lines.push(`    ${d.reg.padEnd(6)} expected ${hex(d.expected, width)} got ${hex(d.actual, width)}${d.mask !== fullMask ? ` (mask ${hex(d.mask, width)})` : ''}`);
  }
  for (const d of f.memory) lines.push(`    [${hex(d.address, 6)}] expected ${hex(d.expected, 2)} got ${hex(d.actual, 2)}`);
  return lines.join('\n');
}
