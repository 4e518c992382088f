// Tests of the golden-trace tools (harness/trace/, harness/cli/trace.ts) and of the golden
// fixtures themselves.
//
// Checked:
// - the format: serialise -> parse is the identity and re-serialises to the same text; the
//   stored hash is the SHA-256 of the canonical content; a truncated file, an edited value, a
//   corrupted hash, a badly formed field under a valid hash and a `final` that the steps do not
//   add up to are each rejected with ONE line naming the file and the problem;
// - the comparison: equal runs agree; a difference only in a flag the executed instruction's
//   table record leaves undefined (OF after DAA) passes, and stays masked until an instruction
//   defines the flag again; a difference in a defined flag (CF after DAA, OF after ADD), a
//   register, a memory byte or the number of steps fails at the right step with its
//   disassembly, field, expected and actual values;
// - a missing golden is a failure (library and CLI), as is a golden without its program and a
//   stale golden (the program changed);
// - `xvc trace record/check/rebase`: rebase creates, reports unchanged, prints a unified diff
//   and the first difference, and is the only writer of goldens; the CLI's user errors give one
//   stderr line and exit 2 (usage) or 1 (input);
// - the unified diff applies with GNU patch to give the new text (patch is the oracle);
// - the fixtures: at least 8 programs, each with .asm, .bin, options and a golden, in both real
//   and flat protected mode, every .bin what nasm builds from its .asm (skipped, with the reason,
//   without nasm), every golden checks out on the reference;
// - the flat start is the portable one: GDTR {0x800, 23} over a GDT in the watched memory;
// - isa/golden kills the mutants it lists and passes on the clean reference;
// - the cross-check (harness/trace/cross-check.ts): the record round-trips and the hash covers
//   it; a golden a subject contradicts is refused without a reason and stored with one (a
//   corrupted golden against the reference as stand-in subject, and through the CLI the i286
//   program QEMU cannot run); every fixture golden carries a record, and every golden recorded
//   as agreeing agrees with QEMU now (`xvc trace crosscheck`; without QEMU a skip with the
//   reason, a failure under CI=true), and a corrupted copy of one does not.
// Oracles: the SDM facts named at each test (DAA leaves OF undefined and defines CF, ADD defines
// OF), GNU patch, nasm, QEMU. Left out: other subjects (isa/golden runs them).

import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createReferenceSubject } from '../../../harness/adapters/reference/index.ts';
import { checkGolden, undefinedFlagWarnings } from '../../../harness/trace/check.ts';
import { compareTraces, describeDivergence } from '../../../harness/trace/compare.ts';
import { CrossCheckSession, decideCrossCheck, qemuCrossChecker, type CrossChecker } from '../../../harness/trace/cross-check.ts';
import { canonicalJson, parseTrace, serializeTrace, traceHash, TraceFormatError, type CrossCheck, type Trace } from '../../../harness/trace/format.ts';
import { DEFAULT_GOLDEN_DIR, listEntries, readGolden, resolveEntry, setupOf } from '../../../harness/trace/goldens.ts';
import { unifiedDiff } from '../../../harness/trace/line-diff.ts';
import { DEFAULT_PROGRAM_OPTIONS, programSetup } from '../../../harness/trace/program.ts';
import { recordTrace } from '../../../harness/trace/record.ts';
import { UndefinedFlags, decodeInstruction } from '../../../harness/trace/undefined-flags.ts';
import { FLAG_CF, FLAG_OF } from '../../../reference-emulator/index.ts';
import { expectOneLineError, runCli, type CliResult } from '../../support/run-cli.ts';
import { skipBecause } from '../../support/outcome.ts';

const SUITES_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BCD = join(DEFAULT_GOLDEN_DIR, 'bcd-adjust.bin');
/** A reason long enough to be stored (format.ts MIN_REASON_LENGTH). */
const REASON = 'unit test of rebase itself, not of the cross-check';

/** Needs QEMU for the cross-check: a skip with the reason without it, a failure under CI=true. */
function needQemu(ctx: Mocha.Context): void {
  const missing = qemuCrossChecker().missing();
  if (missing === undefined) return;
  if (process.env['CI'] === 'true') throw new Error(`CI=true but QEMU cannot run: ${missing}`);
  skipBecause(ctx, `cross-check against QEMU: ${missing}`);
}

/** The reference as a stand-in cross-check subject: it contradicts exactly the goldens that were corrupted. */
const STAND_IN: CrossChecker = { name: 'stand-in', missing: () => undefined, version: () => 'reference', subjects: async () => createReferenceSubject() };

function xvc(args: string[]): Promise<CliResult> {
  return runCli(args, 120_000);
}

/** The error a function throws, as a TraceFormatError. */
function formatError(run: () => unknown): TraceFormatError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(TraceFormatError);
    return error as TraceFormatError;
  }
  throw new Error('expected a TraceFormatError, nothing was thrown');
}

/** A deep copy of a trace, so a test can alter one step. */
function cloneTrace(trace: Trace): Trace {
  return parseTrace(serializeTrace(trace), 'clone');
}

/** Index of the first step of a form. */
function stepOf(trace: Trace, form: string): number {
  const index = trace.steps.findIndex((s) => s.form === form);
  expect(index, `a ${form} step`).to.be.at.least(0);
  return index;
}

/** Re-hashes an edited file object, as a writer with a bug would. */
function rehash(object: Record<string, unknown>): string {
  const { hash: _old, ...rest } = object;
  return JSON.stringify({ ...rest, hash: `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}` });
}

describe('golden traces (harness/trace)', function () {
  this.timeout(300_000);
  let bcd: Trace;
  let bcdText: string;

  before(async () => {
    bcd = await recordTrace(createReferenceSubject(), await setupOf(BCD));
    bcdText = serializeTrace(bcd);
  });

  describe('format xvc-trace/1', () => {
    it('round-trips: parse(serialise(t)) equals t and serialises to the same text', () => {
      const parsed = parseTrace(bcdText, 'bcd');
      expect(parsed).to.deep.equal(bcd);
      expect(serializeTrace(parsed)).to.equal(bcdText);
      expect(bcd.steps.length).to.be.greaterThan(20);
    });

    it('stores the SHA-256 of the canonical content (sorted keys, no hash field)', () => {
      const object = JSON.parse(bcdText) as Record<string, unknown>;
      const { hash, ...rest } = object;
      expect(hash).to.equal(`sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`);
      expect(hash).to.equal(traceHash(bcd));
    });

    it('a truncated file: one line naming the file, "truncated or malformed"', () => {
      const error = formatError(() => parseTrace(bcdText.slice(0, Math.floor(bcdText.length / 2)), 'cut.trace.json'));
      expect(error.message).to.match(/^cut\.trace\.json: not valid JSON, truncated or malformed/);
      expect(error.message).not.to.contain('\n');
    });

    it('an edited value (EAX after DAA 0x18 -> 0x19): the hash check names the file and says it was edited', () => {
      const edited = bcdText.replace('"eax":"0x00000018"', '"eax":"0x00000019"');
      expect(edited).not.to.equal(bcdText);
      const error = formatError(() => parseTrace(edited, 'edited.trace.json'));
      expect(error.message).to.match(/^edited\.trace\.json: hash: the content does not match its hash .*edited or corrupted/);
      expect(error.message).not.to.contain('\n');
    });

    it('a corrupted hash: one line naming the file and the hash', () => {
      const corrupted = bcdText.replace(/"hash": "sha256:([0-9a-f])/, (_m, digit: string) => `"hash": "sha256:${digit === '0' ? '1' : '0'}`);
      expect(corrupted).not.to.equal(bcdText);
      const error = formatError(() => parseTrace(corrupted, 'bad-hash.trace.json'));
      expect(error.message).to.match(/^bad-hash\.trace\.json: hash: /);
    });

    it('another format version: one line naming the expected version', () => {
      const other = bcdText.replace('"xvc-trace/1"', '"xvc-trace/2"');
      expect(formatError(() => parseTrace(other, 'v2.trace.json')).message).to.match(/^v2\.trace\.json: format: expected 'xvc-trace\/1', got "xvc-trace\/2"/);
    });

    it('a badly formed field under a valid hash: the JSON path of the field', () => {
      const object = JSON.parse(bcdText) as { steps: Array<{ set: Record<string, string> }> } & Record<string, unknown>;
      object.steps[0]!.set['eax'] = '0x12';
      const error = formatError(() => parseTrace(rehash(object), 'short.trace.json'));
      expect(error.message).to.match(/^short\.trace\.json: steps\[0\]\.set\.eax: expected 8 lower-case hex digits after 0x, got '0x12'/);
    });

    it('a final state the steps do not add up to: the field and both values', () => {
      const object = JSON.parse(bcdText) as { final: Record<string, string> } & Record<string, unknown>;
      object.final['ebx'] = '0x0000beef';
      const error = formatError(() => parseTrace(rehash(object), 'final.trace.json'));
      expect(error.message).to.match(/^final\.trace\.json: final\.ebx: is 0x0000beef but the steps end with 0x[0-9a-f]{8}/);
    });

    it('a memory change outside the watched regions is rejected', () => {
      const object = JSON.parse(bcdText) as { steps: Array<{ mem: Array<{ at: string; bytes: string }> }> } & Record<string, unknown>;
      object.steps[0]!.mem.push({ at: '0x00f00000', bytes: '01' });
      expect(formatError(() => parseTrace(rehash(object), 'mem.trace.json')).message).to.match(/^mem\.trace\.json: steps\[0\]\.mem\[0\]: is empty or outside the watched regions/);
    });
  });

  describe('comparison with undefined flags masked (the table via the decoder)', () => {
    it('the same run agrees with itself', () => {
      expect(compareTraces(bcd, cloneTrace(bcd))).to.equal(undefined);
    });

    it('DAA leaves OF undefined (SDM DAA "Flags Affected"): a run that differs only in OF there passes, and OF stays masked until ADD defines it', () => {
      const daa = stepOf(bcd, 'Daa');
      const actual = cloneTrace(bcd);
      actual.steps[daa]!.changes['eflags'] = eflagsBefore(bcd, daa + 1) ^ FLAG_OF;
      // The steps after it that do not write EFLAGS carry the flipped OF along.
      let k = daa + 1;
      while (actual.steps[k] && actual.steps[k]!.changes['eflags'] === undefined) k++;
      expect(actual.steps[k]!.form, 'the next EFLAGS writer').to.match(/^Add_/);
      expect(compareTraces(bcd, actual)).to.equal(undefined);
      const flags = new UndefinedFlags();
      flags.advance(decodeInstruction([0x27], bcd.initial.state, 'modern'), false);
      expect(flags.mask & FLAG_OF, 'OF undefined after DAA').to.equal(FLAG_OF);
      flags.advance(decodeInstruction([0x04, 0x01], bcd.initial.state, 'modern'), false);
      expect(flags.mask, 'nothing undefined after ADD AL, 1').to.equal(0);
    });

    it('DAA defines CF: a run that differs in CF there fails at that step, naming daa, eflags and both values', () => {
      const daa = stepOf(bcd, 'Daa');
      const actual = cloneTrace(bcd);
      actual.steps[daa]!.changes['eflags'] = eflagsBefore(bcd, daa + 1) ^ FLAG_CF;
      const divergence = compareTraces(bcd, actual);
      expect(divergence?.step).to.equal(daa);
      expect(divergence?.field).to.equal('eflags');
      expect(describeDivergence(divergence!)).to.match(new RegExp(`^step ${daa} at 0100:[0-9a-f]{4} \\(daa\\): eflags expected 0x[0-9a-f]{8} \\[.*\\], actual 0x[0-9a-f]{8} \\[.*\\] \\(undefined here, masked: OF\\)$`));
    });

    it('ADD defines OF: a difference in OF at an ADD fails', () => {
      const add = stepOf(bcd, 'Add_AL_imm8');
      const actual = cloneTrace(bcd);
      actual.steps[add]!.changes['eflags'] = eflagsBefore(bcd, add + 1) ^ FLAG_OF;
      expect(compareTraces(bcd, actual)?.step).to.equal(add);
    });

    it('a register, a memory byte and a shorter run each fail at their step', () => {
      const reg = cloneTrace(bcd);
      reg.steps[3]!.changes['ecx'] = 0x1234;
      expect(compareTraces(bcd, reg)).to.include({ step: 3, field: 'ecx', expected: '0x00000000', actual: '0x00001234' });

      const storing = bcd.steps.findIndex((s) => s.memory.length > 0);
      const mem = cloneTrace(bcd);
      const change = mem.steps[storing]!.memory[0]!;
      change.bytes[0] = change.bytes[0]! ^ 0xff;
      expect(compareTraces(bcd, mem)).to.include({ step: storing, field: `memory[0x${change.address.toString(16).padStart(8, '0')}]` });

      const short = cloneTrace(bcd);
      short.steps.length = 10;
      short.stop = { kind: 'limit' };
      expect(compareTraces(bcd, short)).to.include({ step: 10, field: 'stop' });
    });

    it('a program that pushes a flag left undefined gets a warning (xor eax,eax leaves AF undefined; pushfd pushes it)', async () => {
      // mov esp, 0x8000 / xor eax, eax / pushfd / hlt
      const image = Uint8Array.from([0xbc, 0x00, 0x80, 0x00, 0x00, 0x31, 0xc0, 0x9c, 0xf4]);
      const setup = programSetup('pushf-af', image, 'pushf-af.bin', { ...DEFAULT_PROGRAM_OPTIONS, watch: [{ base: 0x7f00, length: 0x100 }] });
      const trace = await recordTrace(createReferenceSubject(), setup);
      expect(undefinedFlagWarnings(trace)).to.deep.equal(['step 2 (pushfd) reads AF, left undefined by an earlier step']);
      expect(undefinedFlagWarnings(bcd)).to.deep.equal([]);
    });
  });

  describe('goldens on disk', () => {
    let dir = '';
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'xvc-trace-test-'));
    });
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function copyProgram(name: string, as = name): Promise<string> {
      await copyFile(join(DEFAULT_GOLDEN_DIR, `${name}.bin`), join(dir, `${as}.bin`));
      await copyFile(join(DEFAULT_GOLDEN_DIR, `${name}.options.json`), join(dir, `${as}.options.json`));
      return join(dir, `${as}.bin`);
    }

    it('a missing golden is a failure, never created on the fly', async () => {
      await copyProgram('bcd-adjust');
      const [entry] = listEntries(dir);
      const result = await checkGolden(entry!, createReferenceSubject());
      expect(result.passed).to.equal(false);
      expect(result.reason).to.match(/^missing golden .*bcd-adjust\.trace\.json: record it with 'xvc trace rebase /);
      expect(existsSync(entry!.golden), 'no golden written by a check').to.equal(false);
    });

    it('a golden without its program is a failure', async () => {
      await writeFile(join(dir, 'orphan.trace.json'), bcdText);
      const [entry] = listEntries(dir);
      expect((await checkGolden(entry!, createReferenceSubject())).reason).to.match(/golden .*orphan\.trace\.json has no program .*orphan\.bin/);
    });

    it('xvc trace check on a program without a golden: exit 1, FAIL line saying the golden is missing', async () => {
      await copyProgram('bcd-adjust');
      const r = await xvc(['trace', 'check', '--dir', dir]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.match(/FAIL bcd-adjust +missing golden/);
      expect(r.stdout).to.match(/xvc trace check: 0 passed, 1 failed/);
    });

    it('rebase: new, then unchanged; check passes; a changed program makes the golden stale; rebase prints the diff and the first difference', async () => {
      const program = await copyProgram('bcd-adjust', 'prog');
      const golden = join(dir, 'prog.trace.json');
      const noCrossCheck = ['--no-crosscheck', '--reason', REASON];
      const first = await xvc(['trace', 'rebase', program, ...noCrossCheck]);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.match(/^new golden .*prog\.trace\.json: 61 steps, HLT$/m);
      expect(first.stdout).to.match(/^cross-check: qemu not run: not run \(--no-crosscheck\) \(reason: unit test of rebase itself/m);
      const { crossCheck, ...written } = parseTrace(await readFile(golden, 'utf8'), golden);
      expect(written).to.deep.equal({ ...bcd, program: 'prog' });
      expect(crossCheck).to.deep.include({ subject: 'qemu', result: 'unchecked', notRun: 'not run (--no-crosscheck)', reason: REASON });

      const again = await xvc(['trace', 'rebase', golden, ...noCrossCheck]);
      expect(again.stdout).to.match(/^unchanged .*prog\.trace\.json/m);
      const ok = await xvc(['trace', 'check', '--dir', dir]);
      expect(ok.code, ok.stdout).to.equal(0);
      expect(ok.stdout).to.match(/ok +prog +61 steps, HLT/);

      // The program changes under the golden: ADD AL, 9 (04 09) at offset 2 becomes ADD AL, 8.
      const image = await readFile(program);
      expect([image[2], image[3]]).to.deep.equal([0x04, 0x09]);
      image[3] = 0x08;
      await writeFile(program, image);
      const stale = await xvc(['trace', 'check', '--dir', dir]);
      expect(stale.code).to.equal(1);
      expect(stale.stdout).to.match(/FAIL prog +golden .* is stale, the program starts differently: initial memory: memory\[0x00001003\] expected 0x09, actual 0x08; rebase it/);

      const rebased = await xvc(['trace', 'rebase', 'prog', '--dir', dir, ...noCrossCheck]);
      expect(rebased.code, rebased.stderr).to.equal(0);
      expect(rebased.stdout).to.match(/^changed .*prog\.trace\.json: first difference: initial memory: memory\[0x00001003\] expected 0x09, actual 0x08$/m);
      expect(rebased.stdout).to.match(/^--- .*prog\.trace\.json \(old\)$/m);
      expect(rebased.stdout).to.match(/^\+\+\+ .*prog\.trace\.json \(new\)$/m);
      expect(rebased.stdout).to.match(/^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
      expect(rebased.stdout).to.match(/^-.*"asm":"add al, 9"/m);
      expect(rebased.stdout).to.match(/^\+.*"asm":"add al, 8"/m);
      const after = await xvc(['trace', 'check', '--dir', dir]);
      expect(after.code, after.stdout).to.equal(0);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp')), 'no temporary files left').to.deep.equal([]);
    });

    it('record writes a loadable trace with the options file applied, and refuses to write a golden', async () => {
      const program = await copyProgram('divide-error');
      const out = join(dir, 'run.json');
      const r = await xvc(['trace', 'record', program, '--out', out]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^recorded 50 steps of .*divide-error\.bin, HLT, to /);
      const { trace } = (await readGolden(out))!;
      expect(trace.mode).to.equal('real');
      expect(trace.initial.memory.map((m) => m.base)).to.deep.equal([0, 0x1000, 0x10efe]);

      await writeFile(join(dir, 'divide-error.trace.json'), '');
      expectOneLineError(await xvc(['trace', 'record', program, '--out', join(dir, 'divide-error.trace.json')]), 2, /divide-error\.trace\.json is a golden; goldens are written only by 'xvc trace rebase'/);
    });

    it('a malformed options file and a corrupt golden: one line each, exit 1', async () => {
      const program = await copyProgram('bcd-adjust');
      await writeFile(join(dir, 'bcd-adjust.options.json'), '{"mode": "long"}');
      expectOneLineError(await xvc(['trace', 'record', program, '--out', join(dir, 'x.json')]), 1, /program options .*bcd-adjust\.options\.json: mode must be real or prot32, got "long"/);
      await copyProgram('bcd-adjust');
      await writeFile(join(dir, 'bcd-adjust.trace.json'), bcdText.slice(0, 500));
      const r = await xvc(['trace', 'check', join(dir, 'bcd-adjust.trace.json')]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.match(/FAIL bcd-adjust +.*bcd-adjust\.trace\.json: not valid JSON, truncated or malformed/);
    });
  });

  describe('xvc trace: usage errors', () => {
    it('unknown subcommand, missing IMAGE, missing --out, bad --watch, bad --mode: exit 2, one line each', async () => {
      expectOneLineError(await xvc(['trace', 'replay']), 2, /unknown trace command 'replay' \(expected record, check, rebase or crosscheck\)/);
      expectOneLineError(await xvc(['trace', 'record', '--out', 'x.json']), 2, /trace record takes exactly one IMAGE argument/);
      expectOneLineError(await xvc(['trace', 'record', BCD]), 2, /trace record needs --out FILE/);
      expectOneLineError(await xvc(['trace', 'record', BCD, '--out', join(tmpdir(), 'x.json'), '--watch', '12']), 2, /--watch takes BASE:LEN, got '12'/);
      expectOneLineError(await xvc(['trace', 'record', BCD, '--out', join(tmpdir(), 'x.json'), '--mode', 'v86']), 2, /--mode takes one of real, prot32, got 'v86'/);
      expectOneLineError(await xvc(['trace', 'rebase']), 2, /trace rebase takes at least one PROGRAM or GOLDEN argument/);
    });

    it('rebase: a short --reason, a --reason for two goldens and --no-crosscheck without a reason: exit 2, one line each', async () => {
      expectOneLineError(await xvc(['trace', 'rebase', 'crc32', '--reason', 'known']), 2, /--reason must say why in at least 20 characters, got 5/);
      expectOneLineError(await xvc(['trace', 'rebase', 'crc32', 'bit-ops', '--reason', REASON]), 2, /--reason explains one golden: rebase that golden alone/);
      expectOneLineError(await xvc(['trace', 'rebase', 'crc32', '--no-crosscheck']), 2, /--no-crosscheck needs --reason "TEXT"/);
    });

    it('a missing image and a rebase without a program: exit 1, one line naming the file', async () => {
      expectOneLineError(await xvc(['trace', 'record', '/nonexistent/p.bin', '--out', join(tmpdir(), 'x.json')]), 1, /cannot read guest image \/nonexistent\/p\.bin: ENOENT/);
      expectOneLineError(await xvc(['trace', 'rebase', '/nonexistent/q.trace.json']), 1, /no program \/nonexistent\/q\.bin to rebase/);
    });
  });

  describe('unified diff', () => {
    it('applies with GNU patch to give the new text (patch as the oracle)', async function () {
      if (spawnSync('patch', ['--version']).status !== 0) {
        skipBecause(this, 'unified diff vs GNU patch: patch is not installed');
      }
      const oldLines = Array.from({ length: 60 }, (_, k) => `line ${k}`);
      const newLines = [...oldLines];
      newLines.splice(5, 2, 'changed 5', 'inserted', 'changed 6');
      newLines.splice(30, 1);
      newLines.push('appended');
      const oldText = `${oldLines.join('\n')}\n`;
      const newText = `${newLines.join('\n')}\n`;
      const diff = unifiedDiff(oldText, newText, 'a.txt', 'b.txt');
      expect(diff.split('\n').filter((l) => l.startsWith('@@'))).to.have.length(3);
      const dir = await mkdtemp(join(tmpdir(), 'xvc-diff-test-'));
      try {
        await writeFile(join(dir, 'a.txt'), oldText);
        await writeFile(join(dir, 'change.diff'), diff);
        const result = spawnSync('patch', ['-s', join(dir, 'a.txt'), join(dir, 'change.diff')], { encoding: 'utf8' });
        expect(result.status, result.stdout + result.stderr).to.equal(0);
        expect(await readFile(join(dir, 'a.txt'), 'utf8')).to.equal(newText);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(unifiedDiff(oldText, oldText, 'a', 'b')).to.equal('');
    });
  });

  describe('fixtures/golden', () => {
    it('holds at least 8 programs, each with .asm, .bin, options and golden, in real and flat protected mode', async () => {
      const entries = listEntries();
      expect(entries.length).to.be.at.least(8);
      const modes = new Set<string>();
      for (const entry of entries) {
        for (const path of [entry.program, entry.program.replace(/\.bin$/, '.asm'), entry.program.replace(/\.bin$/, '.options.json'), entry.golden]) {
          expect(existsSync(path), path).to.equal(true);
        }
        const read = await readGolden(entry.golden);
        modes.add(read!.trace.mode);
        expect(['halt', 'exit-port'], `${entry.name} ends at HLT or the debug-exit port`).to.include(read!.trace.stop.kind);
      }
      expect([...modes].sort()).to.deep.equal(['prot32', 'real']);
      expect(resolveEntry('crc32')).to.deep.equal(resolveEntry(join(DEFAULT_GOLDEN_DIR, 'crc32.trace.json')));
    });

    it('every .bin is what nasm builds from its .asm (npm run golden:build)', async function () {
      if (spawnSync('nasm', ['-v']).status !== 0) {
        skipBecause(this, 'golden:build: nasm is not installed');
      }
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'harness/scripts/build-golden.ts'], { cwd: ROOT }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, out: stdout + stderr });
        });
      });
      expect(result.code, result.out).to.equal(0);
    });

    it('xvc trace check: every golden checks out on the reference', async () => {
      const r = await xvc(['trace', 'check']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`xvc trace check: ${listEntries().length} passed, 0 failed`));
    });

    it('isa/golden fails under each mutant it lists and passes on the clean reference', async () => {
      // Everything through import(): mocha loads this file as CommonJS, the mutant catalog is
      // imported as ESM, and a fault thrown by an ESM handler must meet the ESM interpreter's
      // CpuFault, not the CommonJS copy's.
      const esm = <T>(path: string): Promise<T> => import(pathToFileURL(join(ROOT, path)).href) as Promise<T>;
      const { discoverInstances } = await esm<typeof import('../../../harness/suite/discover.ts')>('harness/suite/discover.ts');
      const { loadMutants, mutantSubjects } = await esm<typeof import('../../../harness/suite/mutants.ts')>('harness/suite/mutants.ts');
      const { runInstance } = await esm<typeof import('../../../harness/suite/run-instance.ts')>('harness/suite/run-instance.ts');
      const { createReferenceSubject } = await esm<typeof import('../../../harness/adapters/reference/index.ts')>('harness/adapters/reference/index.ts');
      const discovered = await discoverInstances(SUITES_ROOT, [join(SUITES_ROOT, 'isa', 'golden.suite.ts')]);
      const catalog = await loadMutants(SUITES_ROOT);
      const options = { tier: 'quick' as const, seed: 1, isReference: true };
      let killed = 0;
      for (const { instance } of discovered) {
        const clean = await runInstance(instance, async () => createReferenceSubject(), options);
        expect(clean.outcome, `${instance.name} clean: ${clean.reason ?? ''}`).to.equal('pass');
        expect(clean.coverage.size, `${instance.name} covers forms`).to.be.greaterThan(0);
        for (const name of instance.kills ?? []) {
          const mutant = catalog.get(name);
          expect(mutant, `mutant ${name} is in the catalog`).not.to.equal(undefined);
          const mutated = await runInstance(instance, mutantSubjects(mutant!), options);
          expect(mutated.outcome, `${instance.name} under ${name}: ${mutated.reason ?? ''}`).to.equal('fail');
          killed++;
        }
      }
      expect(killed).to.be.at.least(2);
    });
  });

  describe('the portable flat start', () => {
    it('prot32 starts with GDTR {0x800, 23} over a watched GDT: null, flat code at 0x08, flat data at 0x10 (SDM Vol. 3A, 3.4.5)', async () => {
      const setup = await setupOf(join(DEFAULT_GOLDEN_DIR, 'crc32.bin'));
      expect([setup.initial.state['gdtr.base'], setup.initial.state['gdtr.limit'], setup.initial.state['idtr.limit']]).to.deep.equal([0x800, 23, 0]);
      expect([setup.initial.state['cs.sel'], setup.initial.state['ds.sel']]).to.deep.equal([0x08, 0x10]);
      const gdt = setup.initial.memory.find((region) => region.base === 0x800);
      expect(Buffer.from(gdt!.bytes).toString('hex')).to.equal('0000000000000000' + 'ffff0000009bcf00' + 'ffff00000093cf00');
      const golden = (await readGolden(join(DEFAULT_GOLDEN_DIR, 'crc32.trace.json')))!.trace;
      expect(golden.initial.memory[0]).to.deep.equal(gdt);
    });

    it('an image over the GDT is refused in one line', () => {
      const options = { ...DEFAULT_PROGRAM_OPTIONS, loadAddress: 0x700 };
      expect(() => programSetup('low', new Uint8Array(0x200), 'low.bin', options)).to.throw(/^low\.bin \(0x200 bytes at 0x700\) overlaps the flat start's GDT at 0x800\+0x18; load it elsewhere$/);
    });
  });

  describe('cross-check (harness/trace/cross-check.ts)', () => {
    const agrees: CrossCheck = { subject: 'qemu', result: 'agrees', version: '7.2.0', checkedAt: '2024-01-02' };

    it('the record round-trips, the hash covers it, and a bad record is rejected by its JSON path', () => {
      const text = serializeTrace({ ...bcd, crossCheck: agrees });
      expect(parseTrace(text, 'x').crossCheck).to.deep.equal(agrees);
      expect(serializeTrace(parseTrace(text, 'x'))).to.equal(text);
      expect(traceHash({ ...bcd, crossCheck: agrees })).not.to.equal(traceHash(bcd));
      const edited = text.replace('"result": "agrees"', '"result": "differs"');
      expect(edited).not.to.equal(text);
      expect(formatError(() => parseTrace(edited, 'edited.trace.json')).message).to.match(/^edited\.trace\.json: hash: the content does not match its hash/);
      const object = JSON.parse(text) as Record<string, unknown>;
      object['crossCheck'] = { subject: 'qemu', result: 'differs', version: '7.2.0', checkedAt: '2024-01-02', firstDifference: 'step 1', reason: 'because' };
      expect(formatError(() => parseTrace(rehash(object), 'short.trace.json')).message).to.match(/^short\.trace\.json: crossCheck\.reason: a reason takes at least 20 characters$/);
      object['crossCheck'] = { ...agrees, reason: REASON };
      expect(formatError(() => parseTrace(rehash(object), 'extra.trace.json')).message).to.match(/^extra\.trace\.json: crossCheck\.reason: not a field of a 'agrees' cross-check$/);
    });

    it('a golden the subject contradicts (a corrupted expected ECX) is refused in one line naming the first difference, and stored with a reason', async () => {
      const corrupted = cloneTrace(bcd);
      corrupted.steps[3]!.changes['ecx'] = 0x1234;
      corrupted.final = { ...corrupted.final, ecx: 0x1234 };
      for (const step of corrupted.steps.slice(4)) expect(step.changes['ecx'], 'no later step writes ECX').to.equal(undefined);
      const session = new CrossCheckSession(STAND_IN);
      try {
        expect(await session.check(bcd)).to.deep.equal({ result: 'agrees', version: 'reference' });
        const outcome = await session.check(corrupted);
        expect(outcome).to.deep.include({ result: 'differs', firstDifference: describeDivergence(compareTraces(corrupted, bcd)!) });
        const refused = decideCrossCheck(outcome, { subject: 'stand-in' });
        expect(refused.accepted).to.equal(false);
        const refusal = (refused as { refusal: string }).refusal;
        expect(refusal).to.match(/^stand-in contradicts it: step 3 at 0100:[0-9a-f]{4} \(.*\): ecx expected 0x00001234, actual 0x00000000; give --reason "TEXT"/);
        expect(refusal).not.to.contain('\n');

        const accepted = decideCrossCheck(outcome, { subject: 'stand-in', reason: REASON, date: '2024-01-02' });
        expect(accepted).to.deep.equal({ accepted: true, record: { subject: 'stand-in', result: 'differs', version: 'reference', checkedAt: '2024-01-02', firstDifference: (outcome as { firstDifference: string }).firstDifference, reason: REASON } });
        const stored = parseTrace(serializeTrace({ ...corrupted, crossCheck: (accepted as { record: CrossCheck }).record }), 'stored');
        expect(stored.crossCheck).to.deep.equal((accepted as { record: CrossCheck }).record);
        // The same difference again: the stored reason stands; another one needs a new reason.
        const again = decideCrossCheck(outcome, { subject: 'stand-in', previous: stored.crossCheck!, date: '2024-02-03' });
        expect(again).to.deep.include({ accepted: true, record: stored.crossCheck });
        expect(decideCrossCheck({ ...outcome, firstDifference: 'step 4: eax' } as typeof outcome, { subject: 'stand-in', previous: stored.crossCheck! }).accepted).to.equal(false);
      } finally {
        await session.close();
      }
    });

    it('a subject that is not installed is never skipped silently: refused without a reason, recorded as unchecked with one', async () => {
      const session = new CrossCheckSession({ ...STAND_IN, missing: () => 'stand-in-emu not found: install it' });
      const outcome = await session.check(bcd);
      expect(outcome).to.deep.equal({ result: 'unavailable', notRun: 'stand-in-emu not found: install it' });
      expect(decideCrossCheck(outcome, { subject: 'stand-in' })).to.deep.equal({ accepted: false, refusal: `it cannot be cross-checked: stand-in-emu not found: install it; install stand-in, or give --reason "TEXT" (at least 20 characters, one golden per rebase) to store the golden with the reason` });
      expect(decideCrossCheck(outcome, { subject: 'stand-in', reason: REASON, date: '2024-01-02' })).to.deep.equal({ accepted: true, record: { subject: 'stand-in', result: 'unchecked', checkedAt: '2024-01-02', notRun: 'stand-in-emu not found: install it', reason: REASON } });
    });

    it('every golden in fixtures/golden carries a qemu record that agrees or explains the difference (never unchecked)', async () => {
      for (const entry of listEntries()) {
        const { trace } = (await readGolden(entry.golden))!;
        expect(trace.crossCheck, `${entry.name} has a crossCheck record`).not.to.equal(undefined);
        expect(trace.crossCheck!.subject, entry.name).to.equal('qemu');
        expect(['agrees', 'differs'], `${entry.name} was cross-checked`).to.include(trace.crossCheck!.result);
      }
    });

    it('every golden recorded as agreeing agrees with QEMU now, and each differing one differs as recorded (xvc trace crosscheck)', async function () {
      needQemu(this);
      const r = await xvc(['trace', 'crosscheck', '--json']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout) as { failed: number; results: Array<{ name: string; ok: boolean; result: string; recorded: string }> };
      expect(report.results.map((row) => row.name)).to.deep.equal(listEntries().map((entry) => entry.name));
      for (const row of report.results) {
        expect(row.ok, row.name).to.equal(true);
        if (row.recorded === 'agrees') expect(row.result, `${row.name} agrees with QEMU`).to.equal('agrees');
      }
    });

    it('xvc trace crosscheck fails a corrupted copy of an agreeing golden, naming the step and byte', async function () {
      needQemu(this);
      const dir = await mkdtemp(join(tmpdir(), 'xvc-crosscheck-test-'));
      try {
        for (const suffix of ['.bin', '.options.json']) await copyFile(join(DEFAULT_GOLDEN_DIR, `bcd-adjust${suffix}`), join(dir, `bcd-adjust${suffix}`));
        const golden = (await readGolden(join(DEFAULT_GOLDEN_DIR, 'bcd-adjust.trace.json')))!.trace;
        expect(golden.crossCheck?.result).to.equal('agrees');
        const storing = golden.steps.findIndex((step) => step.memory.length > 0);
        const change = golden.steps[storing]!.memory[0]!;
        change.bytes[0] = change.bytes[0]! ^ 0xff;
        await writeFile(join(dir, 'bcd-adjust.trace.json'), serializeTrace(golden));
        const r = await xvc(['trace', 'crosscheck', '--dir', dir]);
        expect(r.code, r.stdout + r.stderr).to.equal(1);
        expect(r.stdout).to.match(new RegExp(`FAIL bcd-adjust +recorded as agreeing, but qemu .* differs: step ${storing} at .*: memory\\[0x${change.address.toString(16).padStart(8, '0')}\\] expected`));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('xvc trace rebase refuses the i286 golden QEMU cannot run (or any, without QEMU) unless --reason, then stores the reason', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'xvc-rebase-reason-test-'));
      try {
        for (const suffix of ['.bin', '.options.json']) await copyFile(join(DEFAULT_GOLDEN_DIR, `fibonacci${suffix}`), join(dir, `fib${suffix}`));
        const qemuMissing = qemuCrossChecker().missing();
        const refused = await xvc(['trace', 'rebase', join(dir, 'fib.bin')]);
        const why = qemuMissing === undefined ? /qemu cannot run it: subject 'qemu' lacks CPU model i286/ : /it cannot be cross-checked: /;
        expectOneLineError(refused, 1, /rebase refused for .*fib\.trace\.json: /);
        expect(refused.stderr).to.match(why);
        expect(refused.stderr).to.match(/give --reason "TEXT" .*; nothing written$/m);
        expect(existsSync(join(dir, 'fib.trace.json')), 'nothing written').to.equal(false);

        const reason = 'QEMU has no 80286 model, so this i286 program cannot run on it';
        const accepted = await xvc(['trace', 'rebase', join(dir, 'fib.bin'), '--reason', reason]);
        expect(accepted.code, accepted.stderr).to.equal(0);
        const { crossCheck } = (await readGolden(join(dir, 'fib.trace.json')))!.trace;
        expect(crossCheck).to.deep.include({ subject: 'qemu', result: qemuMissing === undefined ? 'differs' : 'unchecked', reason });
        if (crossCheck?.result === 'differs') expect(crossCheck.firstDifference).to.equal("qemu cannot run it: subject 'qemu' lacks CPU model i286");

        // The same difference later: the stored reason stands, nothing to retype (only with QEMU; without it a reason is needed every time).
        if (qemuMissing === undefined) {
          const again = await xvc(['trace', 'rebase', join(dir, 'fib.bin')]);
          expect(again.code, again.stderr).to.equal(0);
          expect(again.stdout).to.match(/^unchanged .*fib\.trace\.json/m);
          expect(again.stdout).to.match(/^note: qemu still differs at the same point; the stored reason stands: QEMU has no 80286 model/m);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

/** EFLAGS after step `count - 1` (the value in force once `count` steps have run). */
function eflagsBefore(trace: Trace, count: number): number {
  let value = trace.initial.state['eflags']!;
  for (const step of trace.steps.slice(0, count)) if (step.changes['eflags'] !== undefined) value = step.changes['eflags'];
  return value;
}
