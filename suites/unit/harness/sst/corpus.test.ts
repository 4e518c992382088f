// Unit tests for harness/sst/corpus.ts: the SingleStepTests 80286 side files (revocation list,
// metadata.json), form keys from file names, and the default corpus location.
//
// Checked: the revocation-list grammar on hand-written texts (hashes, comments, blank lines,
// CRLF, file-name lines kept out of the hash set, a bad line named by its line number); the
// shipped list; metadata.json's nested group shape and flag-mask resolution, against the real
// file. Oracle for the masks: each entry's `flags` picture, decoded here independently with the
// FLAGS bit positions of the Intel SDM (CF 0, PF 2, AF 4, ZF 6, SF 7, OF 11), must give the
// `flags-mask` the file states; a few masks are also pinned by hand (F7.6 DIV: OSZAPC undefined).
// Left out: what the statuses mean to the runner. Corpus tests skip, with a printed reason, when
// the corpus directory is absent.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CorpusFormatError,
  defaultSstDir,
  flagsMaskFor,
  formKeyFromFileName,
  formMetaFor,
  listMooFiles,
  parseCorpusMetadata,
  parseRevocationList,
  readCorpusMetadata,
  readRevocationEntries,
  readRevocationList,
  REAL_MODE_SUBDIR,
  type CorpusMetadata,
} from '../../../../harness/sst/corpus.ts';
import { skipBecause } from '../../../support/outcome.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const sstDir = defaultSstDir();
const realModeDir = join(sstDir, REAL_MODE_SUBDIR);

function requireCorpus(ctx: Mocha.Context): void {
  if (!existsSync(realModeDir)) {
    skipBecause(ctx, `SingleStepTests 80286 corpus not found at ${realModeDir} (set XVC_SST_DIR)`);
  }
}

function expectCorpusError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a CorpusFormatError').to.be.instanceOf(CorpusFormatError);
  const msg = (caught as Error).message;
  expect(msg).to.not.include('\n');
  expect(msg).to.match(pattern);
}

const HASH_A = '626be5084b331080eb08256c12a62d24afdf2a03';
const HASH_B = '0d07c1bf0d9063469edd276508032f51f3652c4f';

describe('harness/sst/corpus: revocation list', () => {
  it('collects lowercase hashes and ignores comments, blanks and file-name lines', () => {
    const text = [
      '# Revocation list.',
      '',
      HASH_A.toUpperCase(),
      `  ${HASH_B}   # revoked: bad bus capture`,
      '   ',
      '8E.MOO.gz',
      HASH_A,
    ].join('\r\n');
    const entries = parseRevocationList(text, 'rev.txt');
    expect([...entries.hashes]).to.deep.equal([HASH_A, HASH_B]);
    expect([...entries.fileNames]).to.deep.equal(['8E.MOO.gz']);
  });

  it('names the file and line of a line that is neither a hash nor a file name', () => {
    const text = `# header\n${HASH_A}\n\n${HASH_B.slice(0, 39)}\n`;
    expectCorpusError(() => parseRevocationList(text, 'rev.txt'),
      /^rev\.txt:4: not a 40-digit hex hash or a \.MOO\.gz file name: "0d07c1bf0d9063469edd276508032f51f3652c4"$/);
    expectCorpusError(() => parseRevocationList(`${HASH_A}z`, 'rev.txt'), /^rev\.txt:1: /);
    expectCorpusError(() => parseRevocationList('00.MOO', 'rev.txt'), /^rev\.txt:1: /);
  });

  it('reads the shipped list (comments only in 80286 v1.0.0)', async function () {
    requireCorpus(this);
    const path = join(sstDir, 'revocation_list.txt');
    expect(await readRevocationList(path)).to.deep.equal(new Set());
    const entries = await readRevocationEntries(path);
    expect(entries.fileNames).to.deep.equal(new Set());
  });
});

describe('harness/sst/corpus: form keys and locations', () => {
  it('derives the metadata key from a file name or path', () => {
    expect(formKeyFromFileName('80.7.MOO.gz')).to.equal('80.7');
    expect(formKeyFromFileName('/x/y/00.MOO.gz')).to.equal('00');
    expect(formKeyFromFileName('0f04.moo')).to.equal('0F04');
    expect(formKeyFromFileName('C1.0.MOO')).to.equal('C1.0');
    for (const bad of ['metadata.json', '80.8.MOO.gz', '123.MOO.gz', 'FF.MOO.gz.bak', '.MOO.gz']) {
      expectCorpusError(() => formKeyFromFileName(bad), /not a SingleStepTests form file name/);
    }
  });

  it('locates the corpus beside the repository unless XVC_SST_DIR says otherwise', () => {
    const saved = process.env['XVC_SST_DIR'];
    try {
      delete process.env['XVC_SST_DIR'];
      expect(existsSync(join(repoRoot, 'package.json'))).to.equal(true);
      expect(defaultSstDir()).to.equal(resolve(repoRoot, '../shared/fixtures-external/singlestep-80286'));
      process.env['XVC_SST_DIR'] = '/tmp/elsewhere/sst';
      expect(defaultSstDir()).to.equal('/tmp/elsewhere/sst');
      process.env['XVC_SST_DIR'] = '';
      expect(defaultSstDir()).to.equal(resolve(repoRoot, '../shared/fixtures-external/singlestep-80286'));
    } finally {
      if (saved === undefined) delete process.env['XVC_SST_DIR'];
      else process.env['XVC_SST_DIR'] = saved;
    }
  });
});

/** Independent decode of a `flags` picture: letter → FLAGS bit (Intel SDM Vol. 1, 3.4.3). */
function maskFromPicture(picture: string): number {
  const bit: Record<string, number> = { c: 0, p: 2, a: 4, z: 6, s: 7, t: 8, i: 9, d: 10, o: 11 };
  let mask = 0xffff;
  for (const ch of picture) {
    if (ch === '.') continue;
    const b = bit[ch];
    if (b === undefined) expect.fail(`unknown flag letter ${ch} in ${picture}`);
    mask &= ~(1 << b);
  }
  return mask;
}

describe('harness/sst/corpus: metadata.json', () => {
  const synthetic = {
    version: '1.0.0',
    syntax_version: 2,
    cpu: '286',
    opcodes: {
      '00': { status: 'normal', arch: '86' },
      d4: { status: 'normal', arch: '86', flags: 'o....a.c', 'flags-mask': 63470 },
      '80': { reg: { '0': { status: 'normal', arch: '86' }, '4': { status: 'normal', flags: '.....a..', 'flags-mask': 65519 } } },
      '0F01': { reg: { '5': { status: 'undefined', arch: '286' } } },
    },
  };

  it('models plain and group entries and flattens them to file keys', () => {
    const meta = parseCorpusMetadata(synthetic, 'meta.json');
    expect(meta).to.include({ version: '1.0.0', syntaxVersion: 2, cpu: '286' });
    expect(meta.opcodes['D4']).to.deep.equal({ status: 'normal', arch: '86', flags: 'o....a.c', flagsMask: 63470 });
    expect(meta.opcodes['80']?.reg?.['4']).to.deep.equal({ status: 'normal', flags: '.....a..', flagsMask: 65519 });
    expect(meta.opcodes['80']?.status).to.equal(undefined);
    expect([...meta.forms.keys()].sort()).to.deep.equal(['00', '0F01.5', '80.0', '80.4', 'D4']);
    expect(formMetaFor(meta, '0f01.5')).to.deep.equal({ status: 'undefined', arch: '286' });
  });

  it('resolves flag masks, defaulting to 0xFFFF, and refuses ambiguous or unknown keys', () => {
    const meta = parseCorpusMetadata(synthetic, 'meta.json');
    expect(flagsMaskFor(meta, '00')).to.equal(0xffff);
    expect(flagsMaskFor(meta, 'D4')).to.equal(63470);
    expect(flagsMaskFor(meta, '80.4')).to.equal(65519);
    expect(flagsMaskFor(meta, '80.0')).to.equal(0xffff);
    expect(() => flagsMaskFor(meta, '80')).to.throw(RangeError, /opcode 80 is a group; name the form as '80\.<0-7>'/);
    expect(() => flagsMaskFor(meta, '80.7')).to.throw(RangeError, /no entry for form '80\.7'/);
    expect(() => flagsMaskFor(meta, '00.1')).to.throw(RangeError, /no entry for form '00\.1'/);
  });

  it('rejects malformed metadata with a one-line error naming the entry', () => {
    const bad = (opcodes: unknown): unknown => ({ opcodes });
    expectCorpusError(() => parseCorpusMetadata([], 'm.json'), /^m\.json: top level is not an object$/);
    expectCorpusError(() => parseCorpusMetadata({}, 'm.json'), /^m\.json: missing 'opcodes' object$/);
    expectCorpusError(() => parseCorpusMetadata(bad({ '00': { arch: '86' } }), 'm.json'), /^m\.json: opcodes\.00 has no status$/);
    expectCorpusError(() => parseCorpusMetadata(bad({ '00': { status: 'normal', 'flags-mask': 'x' } }), 'm.json'),
      /^m\.json: opcodes\.00\.flags-mask is not a 16-bit integer: "x"$/);
    expectCorpusError(() => parseCorpusMetadata(bad({ '80': { reg: { '8': { status: 'normal' } } } }), 'm.json'),
      /^m\.json: opcodes\.80\.reg key "8" is not 0-7$/);
    expectCorpusError(() => parseCorpusMetadata(bad({ G1: { status: 'normal' } }), 'm.json'), /^m\.json: opcodes key "G1" is not an opcode$/);
  });

  describe('the shipped metadata.json', () => {
    let meta: CorpusMetadata | undefined;
    const load = async (ctx: Mocha.Context): Promise<CorpusMetadata> => {
      requireCorpus(ctx);
      meta ??= await readCorpusMetadata(join(realModeDir, 'metadata.json'));
      return meta;
    };

    it('has the documented header and 263 opcode entries, 19 of them ModRM groups', async function () {
      const m = await load(this);
      expect(m).to.include({ version: '1.0.0', syntaxVersion: 2, cpu: '286', cpuDetail: 'Harris N80C286-12 (L4252050) (C)1986' });
      const entries = Object.values(m.opcodes);
      expect(entries).to.have.length(263);
      expect(entries.filter((e) => e.reg !== undefined)).to.have.length(19);
      // Every group lists all eight reg values.
      for (const [op, e] of Object.entries(m.opcodes)) {
        if (e.reg !== undefined) expect(Object.keys(e.reg).sort(), op).to.deep.equal(['0', '1', '2', '3', '4', '5', '6', '7']);
      }
    });

    it('states flag masks that agree with their flag pictures, for every form', async function () {
      const m = await load(this);
      let withMask = 0;
      for (const [key, form] of m.forms) {
        expect(form.flags === undefined, `${key}: flags and flags-mask come together`).to.equal(form.flagsMask === undefined);
        if (form.flags === undefined) continue;
        withMask++;
        expect(form.flagsMask, key).to.equal(maskFromPicture(form.flags));
      }
      expect(withMask).to.equal(90);
    });

    it('has an entry for every shipped file, and the expected masks for a few', async function () {
      const m = await load(this);
      for (const path of await listMooFiles(realModeDir)) {
        const key = formKeyFromFileName(basename(path));
        expect(m.forms.has(key), key).to.equal(true);
      }
      expect(flagsMaskFor(m, '00')).to.equal(0xffff);
      expect(flagsMaskFor(m, '80.7')).to.equal(0xffff);
      // DIV/IDIV leave OF SF ZF AF PF CF undefined: ~0x08D5.
      expect(flagsMaskFor(m, 'F7.6')).to.equal(0xffff & ~0x08d5);
      expect(flagsMaskFor(m, 'F7.7')).to.equal(0xffff & ~0x08d5);
      // MUL leaves SF ZF AF PF undefined (OF/CF are defined).
      expect(flagsMaskFor(m, 'F6.4')).to.equal(0xffff & ~0x00d4);
      // AAM: the file marks OF AF CF undefined.
      expect(flagsMaskFor(m, 'D4')).to.equal(0xffff & ~0x0811);
      // SAR by CL: the file marks OF AF CF undefined.
      expect(flagsMaskFor(m, 'D3.7')).to.equal(0xffff & ~0x0811);
      expect(formMetaFor(m, '0F01.5').status).to.equal('undefined');
    });
  });
});
