// Tests of `xvc exec` (harness/cli/exec.ts through harness/cli/main.ts), run as a child process
// the way a user runs it: `node --import tsx harness/cli/main.ts exec ...` in the repository.
//
// Checked: every user error ends with a non-zero exit (2 for usage, 1 for bad input, as
// harness/cli/errors.ts documents) and exactly ONE line on stderr that starts with `xvc: ` and
// names the problem: a missing image, an empty image, an image too large for the 16 MiB of RAM
// (17 MiB, and a small one loaded near the top), a bad --mode, a bad --load-addr (not a number,
// above 0xFFFFFFFF), an unknown option and a missing option value. Then valid runs: the debug-exit
// port sets the exit status (0 for status 1, else 1), and the benchmark image flat_1.bin stops
// at HLT with the checksum 0x6df40bf6 in EAX after 1227 instructions (../shared/bench/README.md:
// 7 + 1219*N retire before the HLT, N = 1, plus the HLT itself).
// Oracle: the bench README's figures; the messages' wording only as far as naming the problem.
// Left out: --trace (its own tests), text output layout. The benchmark test skips, with the
// reason printed, when /work/shared/bench is absent or the instruction table lacks a form the
// image uses (found by decoding the image with iced-x86).

import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Code, Decoder, DecoderOptions } from 'iced-x86';
import { FORMS, HANDLERS, type FormRecord, type Handler } from '../../../../reference-emulator/index.ts';
import { expectOneLineError, runCli, type CliResult } from '../../../support/run-cli.ts';
import { skipBecause } from '../../../support/outcome.ts';

const benchDir = fileURLToPath(new URL('../../../../../shared/bench/', import.meta.url));

/** Runs `xvc ARGS` with a 60 s timeout. */
function xvc(args: string[]): Promise<CliResult> {
  return runCli(args, 60_000);
}

/** Form ids (iced Code names) of a flat 32-bit image, decoded linearly by iced-x86. */
function icedForms(image: Uint8Array): Set<string> {
  const decoder = new Decoder(32, image, DecoderOptions.None);
  const ids = new Set<string>();
  while (decoder.canDecode) {
    const instr = decoder.decode();
    ids.add(Code[instr.code] ?? String(instr.code));
    instr.free();
  }
  decoder.free();
  return ids;
}

function missingForms(ids: Iterable<string>): string[] {
  const handlers = HANDLERS as Partial<Record<string, Handler>>;
  const have = new Set((FORMS as readonly FormRecord[]).map((f) => f.id));
  return [...ids].filter((id) => !have.has(id) || typeof handlers[id] !== 'function');
}

describe('xvc exec (CLI, child process)', function () {
  this.timeout(120_000);
  let dir = '';
  let tiny = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xvc-exec-test-'));
    tiny = join(dir, 'tiny.bin');
    await writeFile(tiny, Uint8Array.from([0xf4]));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a missing image: exit 1, one line naming the file and ENOENT', async () => {
    const path = join(dir, 'missing.bin');
    expectOneLineError(await xvc(['exec', path]), 1, new RegExp(`cannot read guest image ${path}: ENOENT`));
  });

  it('an empty image: exit 1, one line saying it is empty', async () => {
    const path = join(dir, 'empty.bin');
    await writeFile(path, new Uint8Array(0));
    expectOneLineError(await xvc(['exec', path]), 1, /guest image .*empty\.bin is empty/);
  });

  it('an image of 0x1100000 bytes (17 MiB): exit 1, one line saying it does not fit in 16 MiB of RAM', async () => {
    const path = join(dir, 'big.bin');
    await writeFile(path, new Uint8Array(17 * 1024 * 1024));
    expectOneLineError(await xvc(['exec', path]), 1, /big\.bin \(17825792 bytes at 0x1000\) does not fit in 16 MiB of RAM/);
  });

  it('a 0x10-byte image loaded at 0xFFFFF8 runs past the end of RAM: exit 1, does not fit', async () => {
    const path = join(dir, 'sixteen.bin');
    await writeFile(path, new Uint8Array(16));
    expectOneLineError(await xvc(['exec', path, '--load-addr', '0xfffff8']), 1, /at 0xfffff8\) does not fit/);
  });

  it("--mode long: exit 2, one line listing real, prot32 and naming 'long'", async () => {
    expectOneLineError(await xvc(['exec', tiny, '--mode', 'long']), 2, /--mode takes one of real, prot32, got 'long'/);
  });

  it("--load-addr zz and --load-addr 0x100000000: exit 2, one line naming --load-addr and the value", async () => {
    expectOneLineError(await xvc(['exec', tiny, '--load-addr', 'zz']), 2, /--load-addr takes a number .* got 'zz'/);
    expectOneLineError(await xvc(['exec', tiny, '--load-addr', '0x100000000']), 2, /--load-addr takes a number .* got '0x100000000'/);
  });

  it('an unknown option --bogus and a --mode without its value: exit 2, one line each', async () => {
    expectOneLineError(await xvc(['exec', tiny, '--bogus']), 2, /--bogus/);
    expectOneLineError(await xvc(['exec', tiny, '--mode']), 2, /--mode/);
  });

  it('real mode, B0 2A E6 F4 (out 0xF4 with 0x2A): stop exit-port status 0x55, exit code 1; with AL 0 status 1, exit code 0', async function () {
    const need = missingForms(['Mov_r8_imm8', 'Out_imm8_AL']);
    if (need.length > 0) {
      skipBecause(this, `xvc exec exit-port test needs ${need.join(', ')}`);
    }
    const fail = join(dir, 'exit-fail.bin');
    const pass = join(dir, 'exit-pass.bin');
    await writeFile(fail, Uint8Array.from([0xb0, 0x2a, 0xe6, 0xf4]));
    await writeFile(pass, Uint8Array.from([0xb0, 0x00, 0xe6, 0xf4]));
    const r1 = await xvc(['exec', fail, '--mode', 'real', '--json']);
    expect(r1.code, r1.stderr).to.equal(1);
    expect((JSON.parse(r1.stdout) as { stop: unknown }).stop).to.deep.equal({ kind: 'exit-port', status: 0x55 });
    const r2 = await xvc(['exec', pass, '--mode', 'real', '--json']);
    expect(r2.code, r2.stderr).to.equal(0);
    expect((JSON.parse(r2.stdout) as { stop: unknown; instructions: number }).stop).to.deep.equal({ kind: 'exit-port', status: 1 });
  });

  it('flat_1.bin --json: stop halt, EAX 0x6df40bf6, 0x4CB (1227) instructions, as the bench README gives', async function () {
    const image = join(benchDir, 'flat_1.bin');
    if (!existsSync(image)) {
      skipBecause(this, `no benchmark image at ${image}`);
    }
    const need = missingForms(icedForms(readFileSync(image)));
    if (need.length > 0) {
      skipBecause(this, `flat_1.bin uses forms the table or handler map lacks yet: ${need.join(', ')}`);
    }
    const r = await xvc(['exec', image, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { stop: unknown; instructions: number; state: { regs: { eax: number } } };
    expect(out.stop).to.deep.equal({ kind: 'halt' });
    expect(out.state.regs.eax.toString(16)).to.equal('6df40bf6');
    expect(out.instructions).to.equal(7 + 1219 * 1 + 1);
  });
});
