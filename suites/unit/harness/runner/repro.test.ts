/**
 * `xvc repro`: a failing instance, re-run alone, exports program.bin, program.asm and
 * initial-state.json; the exported files alone reproduce the failure on the same subject and
 * pass on a correct one; program.asm assembles with nasm to exactly program.bin; a case hash
 * finds its instance; damaged case files are one-line errors.
 *
 * The failing subject is a user adapter module (`--adapter ./module.ts`) wrapping the reference
 * with the SBB-ignores-CF mutant, the way a third-party emulator with that bug would plug in.
 * Models no hardware itself.
 */

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectOneLineError, runCli } from '../../../support/run-cli.ts';
import { skipBecause } from '../../../support/outcome.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = join(root, 'reports', 'tmp-repro-test');
const adapter = join(scratch, 'sbb-bug-adapter.ts');
const out = join(scratch, 'out');
const corpus = existsSync(join(root, '..', 'shared', 'fixtures-external', 'singlestep-80286')) || process.env['XVC_SST_DIR'] !== undefined;

const ADAPTER = `
import { createReferenceSubject } from ${JSON.stringify(join(root, 'harness/adapters/reference/index.ts'))};
import { HANDLERS } from ${JSON.stringify(join(root, 'reference-emulator/index.ts'))};
export const createSubject = async () => createReferenceSubject({ name: 'sbb-bug', handlerOverrides: { Sbb_rm16_r16: HANDLERS.Sub_rm16_r16 } });
`;

describe('xvc repro', function () {
  this.timeout(120_000);

  before(function () {
    if (!corpus) {
      skipBecause(this, 'xvc repro: needs the SingleStepTests corpus (../shared or XVC_SST_DIR)');
    }
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    writeFileSync(adapter, ADAPTER);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('exports the first failing case of an instance, and the files alone reproduce it', async function () {
    const r = await runCli(['repro', 'isa/sst-80286~19', '--adapter', adapter, '--seed', '1', '--out', out], 60_000);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/isa\/sst-80286~19: fail: \d+\/5000 tests of form 19 fail/);
    const [dir] = readdirSync(out);
    const caseDir = join(out, dir!);
    expect(readdirSync(caseDir).sort()).to.deep.equal(['initial-state.json', 'program.asm', 'program.bin']);

    const assembled = join(scratch, 'assembled.bin');
    execFileSync('nasm', ['-f', 'bin', join(caseDir, 'program.asm'), '-o', assembled]);
    expect(readFileSync(assembled).equals(readFileSync(join(caseDir, 'program.bin'))), 'nasm output = program.bin').to.equal(true);
    expect(readFileSync(join(caseDir, 'program.asm'), 'utf8')).to.match(/; sbb /);

    const buggy = await runCli(['repro', join(caseDir, 'initial-state.json'), '--adapter', adapter], 30_000);
    expect(buggy.code, buggy.stdout + buggy.stderr).to.equal(1);
    expect(buggy.stdout).to.match(/FAILS/);
    const clean = await runCli(['repro', join(caseDir, 'initial-state.json')], 30_000);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
    expect(clean.stdout).to.match(/passes/);
  });

  it('a seed re-runs the instances that failed with it in the last report', async function () {
    const run = await runCli(['run', '--adapter', adapter, '--suite', 'isa/sst-80286~19', '--suite', 'isa/sst-80286~F6.4', '--seed', '777'], 60_000);
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    const r = await runCli(['repro', '777', '--adapter', adapter, '--out', out], 60_000);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/isa\/sst-80286~19 alone on sbb-bug-adapter, seed 777/);
    expect(r.stdout, 'the passing instance is not re-run').not.to.match(/F6\.4/);
    expectOneLineError(await runCli(['repro', '778', '--adapter', adapter], 30_000), 1, /no instance failed with seed 778/);
  });

  it('a case hash finds the instance that holds it', async function () {
    const r = await runCli(['repro', 'ba5bb16b5a4306333a359c3abd2169b871ffa42c', '--out', out], 60_000);
    expect(r.stdout).to.match(/isa\/sst-80286~CD case ba5bb16b/);
    expect(r.stdout).to.match(/a listed known difference/);
    expect(r.code).to.equal(1);
  });

  it('a truncated case, a case whose program.bin was edited, and an unknown target are one-line errors', async function () {
    const [dir] = readdirSync(out);
    const caseDir = join(out, dir!);
    const text = readFileSync(join(caseDir, 'initial-state.json'), 'utf8');
    const broken = join(scratch, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'initial-state.json'), text.slice(0, text.length >> 1));
    expectOneLineError(await runCli(['repro', join(broken, 'initial-state.json')], 30_000), 1, /not JSON .*truncated\?/);
    writeFileSync(join(broken, 'initial-state.json'), text);
    writeFileSync(join(broken, 'program.bin'), Buffer.from([0x90]));
    expectOneLineError(await runCli(['repro', join(broken, 'initial-state.json')], 30_000), 1, /program\.bin does not match the program bytes/);
    writeFileSync(join(broken, 'initial-state.json'), text.replace('"xvc-case/1"', '"xvc-case/0"'));
    expectOneLineError(await runCli(['repro', join(broken, 'initial-state.json')], 30_000), 1, /format is "xvc-case\/0", expected "xvc-case\/1"/);
    expectOneLineError(await runCli(['repro', 'no/such~thing'], 30_000), 2, /neither an instance name, a case hash, a seed nor a \.json case/);
    expectOneLineError(await runCli(['repro', 'deadbeefdeadbeef'], 30_000), 1, /no suite instance holds a case with id deadbeefdeadbeef/);
  });
});
