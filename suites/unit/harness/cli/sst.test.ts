// Tests of `xvc sst` error paths (harness/cli/sst.ts through harness/cli/main.ts), run as a
// child process: `node --import tsx harness/cli/main.ts sst ...` in the repository.
//
// Checked: bad input ends with exit status 1 and exactly ONE stderr line that starts with
// `xvc: ` and names the file and the problem: a MOO file cut short (made here from a real
// corpus file: gunzipped, truncated, written plain and re-gzipped), a gzip stream cut short, a
// file with the gzip magic and garbage after it, and a --known differences file that is not
// JSON, has an entry with a bad hash, has an entry with a too-short reason, or does not exist.
// Usage errors (an unknown --adapter, a bad --details) exit 2, also on one line.
// Oracle: the corpus file itself (its header promises more tests than a truncated copy holds),
// and the known-differences rules of harness/sst/known-differences.ts (40 lowercase hex digits,
// a reason of at least 10 characters).
// Left out: a full valid run (the golden suite suites/golden/sst-80286.test.ts does that), and
// report formatting. Every test needs the SingleStepTests 80286 corpus (its metadata.json is
// read before any file): without it the tests print `skip:` and skip.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { defaultSstDir, REAL_MODE_SUBDIR } from '../../../../harness/sst/corpus.ts';
import { expectOneLineError, runCli, type CliResult } from '../../../support/run-cli.ts';
import { skipBecause } from '../../../support/outcome.ts';

const corpusDir = join(defaultSstDir(), REAL_MODE_SUBDIR);
const sample = join(corpusDir, '00.MOO.gz');

/** Runs `xvc ARGS` with a 120 s timeout. */
function xvc(args: string[]): Promise<CliResult> {
  return runCli(args, 120_000);
}

const GOOD_HASH = 'a'.repeat(40);

describe('xvc sst error paths (CLI, child process)', function () {
  this.timeout(180_000);
  let dir = '';
  let raw: Buffer = Buffer.alloc(0);

  before(async function () {
    if (!existsSync(sample) || !existsSync(join(corpusDir, 'metadata.json'))) {
      skipBecause(this, `xvc sst tests need the SingleStepTests 80286 corpus at ${corpusDir} (set XVC_SST_DIR)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'xvc-sst-test-'));
    raw = gunzipSync(await readFile(sample));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a subject that fails mid-run: exit 1, one line naming the subject error, and the command ends', async () => {
    const failing = join(dir, 'failing-subject.ts');
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    await writeFile(failing, `import { createReferenceSubject } from ${JSON.stringify(join(root, 'harness/adapters/reference/index.ts'))};
import { SubjectError } from ${JSON.stringify(join(root, 'harness/suite/run-instance.ts'))};
export const createSubject = () => ({ ...createReferenceSubject({ name: 'failing' }), setState: async () => { throw new SubjectError('protocol', 'the emulator refused the state'); } });
`);
    expectOneLineError(await xvc(['sst', sample, '--adapter', failing]), 1, /subject error \(protocol\): the emulator refused the state/);
  });

  it('a folder with no MOO files: exit 1, one line naming the folder', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    expectOneLineError(await xvc(['sst', empty]), 1, /empty: no \.MOO\.gz files in this folder/);
  });

  it('a stray file among good ones is refused before any form runs: exit 1, nothing printed but the error', async () => {
    const stray = join(dir, 'notes.txt');
    await writeFile(stray, 'not a test file');
    const r = await xvc(['sst', sample, stray]);
    expectOneLineError(r, 1, /notes\.txt: not a SingleStepTests form file name/);
    expect(r.stdout, 'no form ran first').to.not.match(/^00 /m);
  });

  it('a folder of MOO files runs each of them', async () => {
    const folder = join(dir, 'one-form');
    await mkdir(folder);
    await writeFile(join(folder, '00.MOO.gz'), await readFile(sample));
    const r = await xvc(['sst', folder]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/sst: 1 forms, 5000 tests: 5000 passed/);
  });

  it('00.MOO cut to half its length (plain): exit 1, one line naming the file and the truncation', async () => {
    const path = join(dir, '00.MOO');
    await writeFile(path, raw.subarray(0, raw.length >> 1));
    expectOneLineError(await xvc(['sst', path]), 1, /00\.MOO: .*truncated/);
  });

  it('00.MOO.gz whose MOO content is cut after 0x1000 bytes (valid gzip): exit 1, one line naming the truncation', async () => {
    const path = join(dir, '00.MOO.gz');
    await writeFile(path, gzipSync(raw.subarray(0, 0x1000)));
    expectOneLineError(await xvc(['sst', path]), 1, /00\.MOO\.gz: .*truncated/);
  });

  it('a gzip stream cut in half (01.MOO.gz): exit 1, one line saying corrupt gzip', async () => {
    const gz = await readFile(sample);
    const path = join(dir, '01.MOO.gz');
    await writeFile(path, gz.subarray(0, gz.length >> 1));
    expectOneLineError(await xvc(['sst', path]), 1, /01\.MOO\.gz: corrupt gzip/);
  });

  it('gzip magic 1F 8B 08 followed by garbage (11.MOO.gz): exit 1, one line saying corrupt gzip', async () => {
    const path = join(dir, '11.MOO.gz');
    await writeFile(path, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('this is not deflate data at all')]));
    expectOneLineError(await xvc(['sst', path]), 1, /11\.MOO\.gz: corrupt gzip/);
  });

  it('--known with an entry whose hash is not 40 hex digits: exit 1, one line naming the file and entry 0', async () => {
    const known = join(dir, 'bad-hash.json');
    await writeFile(known, JSON.stringify({ schema: 1, entries: [{ hash: 'abc', form: '00', reason: 'a reason that is long enough' }] }));
    expectOneLineError(await xvc(['sst', sample, '--known', known]), 1, /bad-hash\.json: entry 0 has no 40-digit lowercase hex "hash"/);
  });

  it('--known with a second entry whose reason is too short: exit 1, one line naming entry 1', async () => {
    const known = join(dir, 'bad-reason.json');
    const entries = [
      { hash: GOOD_HASH, form: '00', reason: 'a reason that is long enough' },
      { hash: 'b'.repeat(40), form: '00', reason: 'short' },
    ];
    await writeFile(known, JSON.stringify({ schema: 1, entries }));
    expectOneLineError(await xvc(['sst', sample, '--known', known]), 1, /bad-reason\.json: entry 1 .* needs a "reason"/);
  });

  it('--known that is not JSON: exit 1, one line saying so', async () => {
    const known = join(dir, 'not-json.json');
    await writeFile(known, '{ "schema": 1,\n  "entries": [ oops ] }\n');
    expectOneLineError(await xvc(['sst', sample, '--known', known]), 1, /not-json\.json: not valid JSON/);
  });

  it('--known naming a file that does not exist: exit 1, one line naming it', async () => {
    const known = join(dir, 'absent.json');
    expectOneLineError(await xvc(['sst', sample, '--known', known]), 1, /ENOENT.*absent\.json/);
  });

  it('usage errors: --adapter bochs, a subject that cannot be the 286, and --details x exit 2 with one line each', async () => {
    expectOneLineError(await xvc(['sst', sample, '--adapter', 'bochs']), 2, /adapter 'bochs' is not available/);
    const onlyModern = join(dir, 'only-modern.ts');
    await writeFile(onlyModern, `import { createReferenceSubject } from ${JSON.stringify(fileURLToPath(new URL('../../../../harness/adapters/reference/index.ts', import.meta.url)))};
export const createSubject = () => { const s = createReferenceSubject({ name: 'only-modern' }); return { ...s, capabilities: { ...s.capabilities, cpuModels: ['modern'] } }; };
`);
    expectOneLineError(await xvc(['sst', sample, '--adapter', onlyModern]), 2, /subject 'only-modern' cannot be CPU model i286 \(it offers modern\); choose one with --cpu/);
    expectOneLineError(await xvc(['sst', sample, '--details', 'x']), 2, /--details takes a whole number, got 'x'/);
  });
});
