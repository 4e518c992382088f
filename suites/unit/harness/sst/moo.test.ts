// Unit tests for harness/sst/moo.ts, the MOO reader (spec: dbalsom/moo doc/moo_format_v1.md).
//
// Checked:
// - field decoding, on small MOO images built here by a writer that follows the spec's tables
//   (its register order is typed in from the spec, not taken from the reader);
// - the spec's extensibility rules: unknown chunks are skipped at every level, and a chunk longer
//   than its known fields is advanced over by its length;
// - bad input: every truncation point of a sample file, bad magic, unsupported major version,
//   header/TEST count mismatch, corrupt gzip, overrunning/duplicate/missing subchunks, all as a
//   MooFormatError whose message is one line starting with the source name;
// - the real corpus (SingleStepTests 80286 v1_real_mode): 00.MOO test 0 equals the JSON example
//   in the corpus README (the oracle: same name, bytes, registers, RAM and hash), and every shipped
//   file parses with the header's test count, sequential indexes, the trailing HLT the README
//   promises, full initial register sets, and hashes unique across the corpus as the spec says.
// Left out: the 15-byte cycle records (only their count is kept), and any semantic check of the
// tests themselves (that is the conformance runner's job). Corpus tests skip, with a printed
// reason, when the corpus directory is absent.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defaultSstDir, formKeyFromFileName, listMooFiles, REAL_MODE_SUBDIR } from '../../../../harness/sst/corpus.ts';
import { decodeMoo, MooFormatError, parseMoo, readMooFile } from '../../../../harness/sst/moo.ts';
import { skipBecause } from '../../../support/outcome.ts';

// ---- a tiny MOO writer, straight from the spec's tables --------------------------------------

type Part = Uint8Array | number[];

const SPEC_REG16 = ['ax', 'bx', 'cx', 'dx', 'cs', 'ss', 'ds', 'es', 'sp', 'bp', 'si', 'di', 'ip', 'flags'];
const SPEC_REG32 = [
  'cr0', 'cr3', 'eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp',
  'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'eip', 'eflags', 'dr6', 'dr7',
];

function cat(...parts: Part[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: bigint): number[] => [...u32(Number(v & 0xffffffffn)), ...u32(Number(v >> 32n))];
const chunk = (id: string, ...parts: Part[]): Uint8Array => {
  const body = cat(...parts);
  return cat(ascii(id), u32(body.length), body);
};

function regs(id: 'REGS' | 'RMSK', values: Record<string, number>): Uint8Array {
  let mask = 0;
  const words: number[] = [];
  SPEC_REG16.forEach((name, bit) => {
    const v = values[name];
    if (v !== undefined) {
      mask |= 1 << bit;
      words.push(...u16(v));
    }
  });
  return chunk(id, u16(mask), words);
}

function regs32(id: 'RG32' | 'RM32', values: Record<string, number>): Uint8Array {
  let mask = 0;
  const words: number[] = [];
  SPEC_REG32.forEach((name, bit) => {
    const v = values[name];
    if (v !== undefined) {
      mask |= 1 << bit;
      words.push(...u32(v));
    }
  });
  return chunk(id, u32(mask >>> 0), words);
}

const ram = (entries: Array<[number, number]>): Uint8Array =>
  chunk('RAM ', u32(entries.length), ...entries.map(([a, v]) => [...u32(a), v]));

const FULL_REGS = {
  ax: 0x1111, bx: 0x2222, cx: 0x3333, dx: 0x4444, cs: 0xf000, ss: 0x0030, ds: 0x0040,
  es: 0x0050, sp: 0x0100, bp: 0x0200, si: 0x0300, di: 0x0400, ip: 0xfff0, flags: 0xf002,
};
const hashBytes = (seed: number): number[] => Array.from({ length: 20 }, (_, i) => (seed * 31 + i * 7) & 0xff);
const hashHex = (seed: number): string => hashBytes(seed).map((b) => b.toString(16).padStart(2, '0')).join('');

interface TestSpec {
  index: number;
  omit?: string[];
  extra?: Uint8Array[];
  duplicate?: string;
  exception?: [number, number];
}

function testChunk(spec: TestSpec): Uint8Array {
  const omit = new Set(spec.omit ?? []);
  const subs: Record<string, Uint8Array> = {
    NAME: chunk('NAME', u32(`test #${spec.index}`.length), ascii(`test #${spec.index}`)),
    BYTS: chunk('BYTS', u32(3), [0x04, spec.index & 0xff, 0xf4]),
    INIT: chunk('INIT', regs('REGS', FULL_REGS), ram([[0xffff0, 0x04], [0xffff1, spec.index & 0xff], [0xffff2, 0xf4]]), chunk('QUEU', u32(0))),
    FINA: chunk('FINA', regs('REGS', { ax: 0x1100 + spec.index, ip: 0xfff3 }), regs('RMSK', { flags: 0xffef }), ram([[0x500, 0xaa]])),
    CYCL: chunk('CYCL', u32(2), new Array<number>(30).fill(0)),
    HASH: chunk('HASH', hashBytes(spec.index)),
  };
  const parts: Part[] = [u32(spec.index)];
  for (const [id, bytes] of Object.entries(subs)) {
    if (omit.has(id)) continue;
    parts.push(bytes);
    if (spec.duplicate === id) parts.push(bytes);
    if (id === 'CYCL' && spec.exception) parts.push(chunk('EXCP', [spec.exception[0]], u32(spec.exception[1])));
  }
  parts.push(...(spec.extra ?? []));
  return chunk('TEST', ...parts);
}

function mooFile(opts: { tests: Uint8Array[]; count?: number; major?: number; top?: Uint8Array[] }): Uint8Array {
  const header = chunk('MOO ', [opts.major ?? 1, 1, 0, 0], u32(opts.count ?? opts.tests.length), ascii('C286'));
  const meta = chunk('META', [1, 0, 6], u32(0x04), ascii('add     '), u32(opts.tests.length), u64(0x1234_5678_9abc_def0n), [0, 0, 0, 0]);
  return cat(header, meta, ...(opts.top ?? []), ...opts.tests);
}

/** A small but complete file: META, file-wide masks, an unknown top-level chunk, two tests. */
function sampleFile(): Uint8Array {
  return mooFile({
    top: [regs('RMSK', { flags: 0xf7ff }), regs32('RM32', { eflags: 0xfffff7ff }), chunk('ZZZZ', [1, 2, 3])],
    tests: [testChunk({ index: 0 }), testChunk({ index: 1, exception: [13, 0x0123456] })],
  });
}

function expectMooError(fn: () => unknown, source: string, pattern: RegExp): MooFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a MooFormatError').to.be.instanceOf(MooFormatError);
  const err = caught as MooFormatError;
  expect(err.message).to.not.include('\n');
  expect(err.message.startsWith(`${source}: `), err.message).to.equal(true);
  expect(err.message).to.match(pattern);
  return err;
}

async function expectMooRejection(promise: Promise<unknown>, source: string, pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a MooFormatError').to.be.instanceOf(MooFormatError);
  const err = caught as MooFormatError;
  expect(err.message).to.not.include('\n');
  expect(err.message.startsWith(`${source}: `), err.message).to.equal(true);
  expect(err.message).to.match(pattern);
}

// ---- synthetic files ------------------------------------------------------------------------

describe('harness/sst/moo: decoding', () => {
  it('decodes header, META, file masks and every test field of a spec-built file', () => {
    const file = parseMoo(sampleFile(), 'sample.MOO');
    expect(file).to.include({ source: 'sample.MOO', major: 1, minor: 1, cpuId: 'C286' });
    expect(file.meta).to.deep.equal({
      major: 1, minor: 0, cpuType: 6, opcode: 4, mnemonic: 'add', testCount: 2, seed: 0x1234_5678_9abc_def0n, cpuMode: 0,
    });
    expect(file.fileMask16).to.deep.equal({ flags: 0xf7ff });
    expect(file.fileMask32).to.deep.equal({ eflags: 0xfffff7ff });
    expect(file.tests).to.have.length(2);

    const [t0, t1] = file.tests;
    expect(t0).to.deep.equal({
      index: 0,
      name: 'test #0',
      bytes: [0x04, 0x00, 0xf4],
      initial: {
        regs16: FULL_REGS, regs32: {}, regMask16: {}, regMask32: {},
        ram: [[0xffff0, 0x04], [0xffff1, 0x00], [0xffff2, 0xf4]], queue: [],
      },
      final: {
        regs16: { ax: 0x1100, ip: 0xfff3 }, regs32: {}, regMask16: { flags: 0xffef }, regMask32: {},
        ram: [[0x500, 0xaa]], queue: [],
      },
      cycleCount: 2,
      hash: hashHex(0),
    });
    expect(t1?.exception).to.deep.equal({ number: 13, flagAddress: 0x0123456 });
    expect(t1?.hash).to.equal(hashHex(1)).and.to.match(/^[0-9a-f]{40}$/);
  });

  it('decodes RG32, RM32, EA32 and a non-empty queue inside a state', () => {
    const init = chunk(
      'INIT',
      regs32('RG32', { cr0: 0x7fffffe0, eax: 0xdeadbeef, cs: 0x10, eflags: 0x00000202, dr7: 0x400 }),
      regs32('RM32', { eflags: 0xffffffd5 }),
      ram([]),
      chunk('QUEU', u32(3), [0x90, 0x90, 0xcc]),
      chunk('EA32', [3], u16(0x2b), u32(0x10000), u32(0xffff), u32(0x1234), u32(0x11234), u32(0x811234)),
    );
    const test = chunk('TEST', u32(0), chunk('NAME', u32(1), ascii('x')), chunk('BYTS', u32(0)), init,
      chunk('FINA'), chunk('CYCL', u32(0)), chunk('HASH', hashBytes(9)));
    const [t] = parseMoo(mooFile({ tests: [test] }), 'x.MOO').tests;
    expect(t?.initial.regs32).to.deep.equal({ cr0: 0x7fffffe0, eax: 0xdeadbeef, cs: 0x10, eflags: 0x202, dr7: 0x400 });
    expect(t?.initial.regMask32).to.deep.equal({ eflags: 0xffffffd5 });
    expect(t?.initial.queue).to.deep.equal([0x90, 0x90, 0xcc]);
    expect(t?.initial.ea).to.deep.equal({
      segment: 3, selector: 0x2b, base: 0x10000, limit: 0xffff, offset: 0x1234, linear: 0x11234, physical: 0x811234,
    });
    expect(t?.final).to.deep.equal({ regs16: {}, regs32: {}, regMask16: {}, regMask32: {}, ram: [], queue: [] });
  });

  it('skips unknown chunks at top level, in TEST and in INIT/FINA, and counts them', () => {
    const test = testChunk({ index: 0, extra: [chunk('GMET', new Array<number>(10).fill(7)), chunk('XTRA')] });
    // Splice an unknown chunk into INIT by rebuilding the test around a custom INIT.
    const init = chunk('INIT', chunk('NEW1', [1, 2, 3, 4, 5]), regs('REGS', FULL_REGS), ram([]));
    const test2 = chunk('TEST', u32(1), chunk('NAME', u32(2), ascii('t2')), chunk('BYTS', u32(1), [0xf4]), init,
      chunk('FINA', chunk('NEW1'), regs('REGS', {})), chunk('CYCL', u32(0)), chunk('HASH', hashBytes(2)));
    const file = parseMoo(mooFile({ top: [chunk('ABCD', [9, 9])], tests: [test, test2] }), 'skip.MOO');
    expect(file.tests.map((t) => t.name)).to.deep.equal(['test #0', 't2']);
    expect(file.tests[1]?.initial.regs16).to.deep.equal(FULL_REGS);
    expect(file.skippedChunks).to.deep.equal({ ABCD: 1, GMET: 1, XTRA: 1, NEW1: 2 });
  });

  it('advances by the declared length when a known chunk carries extra trailing bytes', () => {
    // Spec: "it SHOULD NOT assume that the next chunk immediately follows the previous".
    const test = chunk('TEST', u32(0),
      chunk('NAME', u32(2), ascii('ok'), [0, 0, 0]),
      chunk('BYTS', u32(1), [0xf4], [0xff]),
      chunk('INIT', regs('REGS', FULL_REGS), ram([[1, 2]])),
      chunk('FINA', chunk('REGS', u16(1 << 12), u16(0x1234), [0xab, 0xcd])),
      chunk('CYCL', u32(1), new Array<number>(15).fill(0), [1, 2, 3]),
      chunk('EXCP', [6], u32(0x400), [0x55]),
      chunk('HASH', hashBytes(3), [0xff, 0xff]));
    const header = chunk('MOO ', [1, 1, 0, 0], u32(1), ascii('C286'), [0xaa, 0xbb]);
    const [t] = parseMoo(cat(header, test), 'grow.MOO').tests;
    expect(t).to.include({ index: 0, name: 'ok', cycleCount: 1, hash: hashHex(3) });
    expect(t?.bytes).to.deep.equal([0xf4]);
    expect(t?.final.regs16).to.deep.equal({ ip: 0x1234 });
    expect(t?.exception).to.deep.equal({ number: 6, flagAddress: 0x400 });
  });

  it('accepts a file without META and with zero tests when the header says zero', () => {
    const file = parseMoo(chunk('MOO ', [1, 1, 0, 0], u32(0), ascii('V20 ')), 'empty.MOO');
    expect(file.cpuId).to.equal('V20 ');
    expect(file.meta).to.equal(undefined);
    expect(file.tests).to.deep.equal([]);
  });

  it('inflates gzip by file name or by magic, and parses the same content', async () => {
    const raw = sampleFile();
    const gz = new Uint8Array(gzipSync(raw));
    const plain = parseMoo(raw, 'a.MOO');
    const byName = await decodeMoo(gz, 'a.MOO.gz');
    const byMagic = await decodeMoo(gz, 'a.bin');
    const uncompressed = await decodeMoo(raw, 'a.MOO');
    for (const f of [byName, byMagic, uncompressed]) expect(f.tests).to.deep.equal(plain.tests);
  });
});

describe('harness/sst/moo: bad input', () => {
  it('rejects every truncation of a valid file with a one-line MooFormatError', () => {
    const full = sampleFile();
    expect(parseMoo(full, 'cut.MOO').tests).to.have.length(2);
    for (let cut = 0; cut < full.length; cut++) {
      expectMooError(() => parseMoo(full.subarray(0, cut), 'cut.MOO'), 'cut.MOO', /\S/);
    }
  });

  it('answers random byte corruption with a result or a MooFormatError, never a RangeError', () => {
    // Deterministic xorshift so a failure reproduces; 3000 mutants of 1-4 bytes each.
    let state = 0x2545f491;
    const rand = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const full = sampleFile();
    let rejected = 0;
    for (let round = 0; round < 3000; round++) {
      const mutant = full.slice();
      for (let k = 1 + rand(4); k > 0; k--) mutant[rand(mutant.length)] = rand(256);
      try {
        parseMoo(mutant, 'mut.MOO');
      } catch (err) {
        if (!(err instanceof MooFormatError)) expect.fail(`round ${round}: ${String(err)}`);
        expect(err.message).to.not.include('\n');
        rejected++;
      }
    }
    // Most mutants hit a length, id or count field; if none were rejected the check is toothless.
    expect(rejected).to.be.greaterThan(100);
  });

  it('names the chunk, offset and shortfall for a cut inside a TEST chunk', () => {
    const full = sampleFile();
    const second = testChunk({ index: 1, exception: [13, 0x0123456] });
    const start = full.length - second.length;
    const err = expectMooError(
      () => parseMoo(full.subarray(0, start + 50), 'cut.MOO'),
      'cut.MOO',
      new RegExp(`^cut\\.MOO: truncated TEST chunk at byte ${start} \\(needs ${second.length - 8} bytes, 42 left\\)$`),
    );
    expect(err.offset).to.equal(start);
    expectMooError(() => parseMoo(full.subarray(0, start + 5), 'cut.MOO'), 'cut.MOO',
      new RegExp(`^cut\\.MOO: truncated chunk header at byte ${start} \\(needs 8 bytes, 5 left\\)$`));
    expectMooError(() => parseMoo(full.subarray(0, start), 'cut.MOO'), 'cut.MOO',
      /^cut\.MOO: test count mismatch: header declares 2 tests, file holds 1 TEST chunks$/);
    expectMooError(() => parseMoo(full.subarray(0, 3), 'cut.MOO'), 'cut.MOO', /file too short for a MOO header \(3 bytes\)/);
  });

  it('reports a subchunk that overruns its TEST with the test it belongs to', () => {
    const test = chunk('TEST', u32(0), ascii('NAME'), u32(500), u32(2), ascii('hi'));
    expectMooError(() => parseMoo(mooFile({ tests: [test] }), 'over.MOO'), 'over.MOO',
      /^over\.MOO: truncated NAME chunk at byte \d+ in test 0 \(needs 500 bytes, 6 left\)$/);
    const shortRam = chunk('TEST', u32(0), chunk('INIT', chunk('RAM ', u32(3), [0, 0, 0, 0, 1])));
    expectMooError(() => parseMoo(mooFile({ tests: [shortRam] }), 'ram.MOO'), 'ram.MOO',
      /^ram\.MOO: RAM chunk at byte \d+ in test 0 too short \(needs 19 bytes, has 9\)$/);
  });

  it('rejects bad magic, printable or not', () => {
    const bad = sampleFile();
    bad.set(ascii('XYZW'), 0);
    expectMooError(() => parseMoo(bad, 'magic.MOO'), 'magic.MOO', /^magic\.MOO: bad magic 'XYZW', expected 'MOO '$/);
    const gz = new Uint8Array(gzipSync(sampleFile()));
    expectMooError(() => parseMoo(gz, 'still-zipped.MOO'), 'still-zipped.MOO', /bad magic '\\x1f\\x8b\\x08\\x00', expected 'MOO '/);
  });

  it('rejects an unsupported major version', () => {
    expectMooError(() => parseMoo(mooFile({ major: 2, tests: [] }), 'v2.MOO'), 'v2.MOO',
      /^v2\.MOO: unsupported MOO major version 2\.1 \(this reader handles 1\.x\)$/);
  });

  it('rejects a header test count that disagrees with the TEST chunks, both ways', () => {
    const tests = [testChunk({ index: 0 }), testChunk({ index: 1 })];
    expectMooError(() => parseMoo(mooFile({ tests, count: 3 }), 'n.MOO'), 'n.MOO',
      /test count mismatch: header declares 3 tests, file holds 2 TEST chunks/);
    expectMooError(() => parseMoo(mooFile({ tests, count: 1 }), 'n.MOO'), 'n.MOO',
      /test count mismatch: header declares 1 tests, file holds 2 TEST chunks/);
  });

  it('rejects missing and duplicated mandatory subchunks, and out-of-order indexes', () => {
    for (const id of ['NAME', 'BYTS', 'INIT', 'FINA', 'CYCL', 'HASH']) {
      expectMooError(() => parseMoo(mooFile({ tests: [testChunk({ index: 0, omit: [id] })] }), 'm.MOO'), 'm.MOO',
        new RegExp(`TEST chunk at byte \\d+ in test 0 has no ${id} chunk$`));
    }
    expectMooError(() => parseMoo(mooFile({ tests: [testChunk({ index: 0, duplicate: 'HASH' })] }), 'd.MOO'), 'd.MOO',
      /duplicate HASH chunk at byte \d+ in test 0$/);
    expectMooError(() => parseMoo(mooFile({ tests: [testChunk({ index: 0 }), testChunk({ index: 5 })] }), 'i.MOO'),
      'i.MOO', /TEST chunk at byte \d+ has index 5, expected 1$/);
    const noRegs = chunk('TEST', u32(0), chunk('INIT', ram([])));
    expectMooError(() => parseMoo(mooFile({ tests: [noRegs] }), 'r.MOO'), 'r.MOO', /INIT chunk at byte \d+ in test 0 has neither REGS nor RG32$/);
  });

  it('rejects register masks with bits outside the spec table', () => {
    const test = chunk('TEST', u32(0), chunk('INIT', chunk('REGS', u16(0xffff), new Array<number>(32).fill(0))));
    expectMooError(() => parseMoo(mooFile({ tests: [test] }), 'bits.MOO'), 'bits.MOO',
      /REGS chunk at byte \d+ in test 0 sets unknown register bits 0xffff$/);
  });

  it('reports a corrupt or truncated gzip as "corrupt gzip"', async () => {
    const gz = new Uint8Array(gzipSync(sampleFile()));
    const flipped = gz.slice();
    for (let i = 12; i < flipped.length - 8; i++) flipped[i] = (flipped[i] ?? 0) ^ 0x5a;
    await expectMooRejection(decodeMoo(flipped, 'flip.MOO.gz'), 'flip.MOO.gz', /^flip\.MOO\.gz: corrupt gzip: /);
    await expectMooRejection(decodeMoo(gz.subarray(0, gz.length >> 1), 'half.MOO.gz'), 'half.MOO.gz',
      /^half\.MOO\.gz: corrupt gzip: /);
    // A .gz name on plain bytes is a lie the reader should report, not paper over.
    await expectMooRejection(decodeMoo(sampleFile(), 'plain.MOO.gz'), 'plain.MOO.gz', /^plain\.MOO\.gz: corrupt gzip: /);
  });
});

// ---- the real corpus ------------------------------------------------------------------------

const realModeDir = join(defaultSstDir(), REAL_MODE_SUBDIR);

function requireCorpus(ctx: Mocha.Context): void {
  if (!existsSync(realModeDir)) {
    skipBecause(ctx, `SingleStepTests 80286 corpus not found at ${realModeDir} (set XVC_SST_DIR)`);
  }
}

describe('harness/sst/moo: SingleStepTests 80286 corpus', () => {
  it('00.MOO.gz test 0 is the README JSON example, field for field', async function () {
    requireCorpus(this);
    const first = await readMooFile(join(realModeDir, '00.MOO.gz'));
    expect(first).to.include({ major: 1, minor: 0, cpuId: 'C286' });
    expect(first.meta).to.include({ opcode: 0, mnemonic: 'add', cpuMode: 0 });
    expect(first.tests).to.have.length(5000);
    // Oracle: the "Example JSON test" in the SingleStepTests/80286 README (idx 0 of 00.MOO).
    expect(first.tests[0]).to.deep.equal({
      index: 0,
      name: 'add [bx+0Eh],bl',
      bytes: [0, 95, 14, 244],
      initial: {
        regs16: {
          ax: 715, bx: 26659, cx: 49548, dx: 64181, cs: 65535, ss: 41175, ds: 65535,
          es: 43996, sp: 39769, bp: 65535, si: 35262, di: 34633, ip: 38072, flags: 6291,
        },
        regs32: {}, regMask16: {}, regMask32: {},
        ram: [
          [1086632, 0], [1086633, 95], [1086634, 14], [1086635, 244], [1086636, 161], [1086637, 214],
          [1086638, 248], [1086639, 46], [1086640, 107], [1086641, 166], [1075233, 222],
        ],
        queue: [],
      },
      final: {
        regs16: { ip: 38076, flags: 19 },
        regs32: {}, regMask16: {}, regMask32: {},
        ram: [[1075233, 1]],
        queue: [],
      },
      // The README's cycles array for this test, counted.
      cycleCount: 19,
      hash: '626be5084b331080eb08256c12a62d24afdf2a03',
    });
    // Every test carries one GMET (generator metadata) chunk that the spec does not document.
    expect(first.skippedChunks).to.deep.equal({ GMET: 5000 });
  });

  it('parses every shipped file: header count, indexes, HLT, full INIT, unique hashes', async function () {
    requireCorpus(this);
    const files = await listMooFiles(realModeDir);
    // PROVENANCE.md: "34 of the 326 real-mode forms".
    expect(files).to.have.length(34);
    const seen = new Map<string, string>();
    let total = 0;
    for (const path of files) {
      const name = basename(path);
      const file = await readMooFile(path);
      // README: "1,000 - 5,000 tests are provided per opcode".
      expect(file.tests.length, name).to.be.within(1000, 5000);
      expect(file.cpuId, name).to.equal('C286');
      // META's opcode is the file's opcode without the reg suffix (80.7 → 0x80).
      const key = formKeyFromFileName(name);
      expect(file.meta?.opcode, name).to.equal(parseInt(key.split('.')[0] ?? '', 16));
      file.tests.forEach((t, i) => {
        if (t.index !== i) expect.fail(`${name}: test ${i} has index ${t.index}`);
        // README: each test is the instruction under test followed by HLT (0xF4).
        if (t.bytes[t.bytes.length - 1] !== 0xf4) expect.fail(`${name} #${i}: bytes do not end in F4`);
        // Spec: INIT's REGS always has every register.
        if (Object.keys(t.initial.regs16).length !== 14) expect.fail(`${name} #${i}: partial initial registers`);
        const prior = seen.get(t.hash);
        if (prior !== undefined) expect.fail(`${name} #${i}: hash ${t.hash} already used by ${prior}`);
        seen.set(t.hash, `${name} #${i}`);
      });
      total += file.tests.length;
    }
    expect(seen.size).to.equal(total);
  });
});
