/**
 * Reader for the MOO ("Machine Opcode Operation") test file format, version 1.x, in which the
 * SingleStepTests CPU suites (80286 and later) are published.
 *
 * Spec: public repository dbalsom/moo, doc/moo_format_v1.md (format 1.1). Corpus notes: the
 * SingleStepTests/80286 README (v1.0.0), copied next to the corpus as README.md.
 *
 * A MOO file is a flat run of little-endian chunks `[4-byte ASCII id][u32 length][payload]`; a
 * `MOO ` header comes first, then optional `META`, optional file-wide `RMSK`/`RM32`, then one
 * `TEST` chunk per test, each made of subchunks. The spec requires readers to advance by the
 * declared length (payloads may grow in later revisions) and to skip ids they do not know, so
 * both are done here; skipped ids are counted in `MooFile.skippedChunks` so that a new chunk type
 * appearing in the corpus is visible rather than silently lost.
 *
 * Everything else is strict: a short payload, a chunk that overruns its parent, a duplicated or
 * missing mandatory subchunk, a register bit outside the spec's table, or a test count that
 * disagrees with the header throws `MooFormatError` with a one-line message naming the file, the
 * problem and, where it has one, the byte offset. A conformance harness must never run a
 * half-read test file. The one field deliberately not cross-checked is META's test count (see
 * `MooMeta.testCount`).
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** The 16-bit register file in `REGS`/`RMSK` bit order (bit 0 first). */
export const REG16_NAMES = [
  'ax', 'bx', 'cx', 'dx', 'cs', 'ss', 'ds', 'es', 'sp', 'bp', 'si', 'di', 'ip', 'flags',
] as const;
export type Reg16Name = (typeof REG16_NAMES)[number];

/** The 32-bit register file in `RG32`/`RM32` bit order (bit 0 first). */
export const REG32_NAMES = [
  'cr0', 'cr3', 'eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp',
  'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'eip', 'eflags', 'dr6', 'dr7',
] as const;
export type Reg32Name = (typeof REG32_NAMES)[number];

/** `EA32` segment-register enumeration (spec section "EA32"). */
export const EA_SEGMENT_NAMES = ['cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const;

/** Effective-address information (`EA32`; the spec says only 386 tests carry it). */
export interface MooEffectiveAddress {
  /** Raw segment enumeration; index into `EA_SEGMENT_NAMES` when below 6. */
  segment: number;
  selector: number;
  base: number;
  limit: number;
  offset: number;
  linear: number;
  physical: number;
}

/** One `INIT` or `FINA` snapshot. In `FINA` only the registers and bytes that changed appear. */
export interface MooState {
  regs16: Partial<Record<Reg16Name, number>>;
  regs32: Partial<Record<Reg32Name, number>>;
  /** Per-test masks for undefined results (`RMSK`); AND both sides before comparing. */
  regMask16: Partial<Record<Reg16Name, number>>;
  regMask32: Partial<Record<Reg32Name, number>>;
  ram: Array<[address: number, value: number]>;
  queue: number[];
  ea?: MooEffectiveAddress;
}

export interface MooException {
  number: number;
  /** Physical address of the FLAGS word the exception pushed, so undefined flags can be masked. */
  flagAddress: number;
}

export interface MooTest {
  index: number;
  name: string;
  bytes: number[];
  initial: MooState;
  final: MooState;
  /** Number of recorded bus cycles; the 15-byte cycle records themselves are not decoded. */
  cycleCount: number;
  exception?: MooException;
  /** SHA-1 from `HASH`, lowercase hex; the key used by the suite's revocation list. */
  hash: string;
}

/** The `META` chunk. */
export interface MooMeta {
  major: number;
  minor: number;
  cpuType: number;
  /** 0xFFFFFFFF when the file mixes opcodes. */
  opcode: number;
  /** Space padding removed. */
  mnemonic: string;
  /**
   * Not checked against the header: in SingleStepTests 80286 v1.0.0 it is a running total over
   * the generation run (01.MOO declares 10000 for its 5000 tests, 8D.MOO 729000), so the header
   * count, which does match the TEST chunks, is the authority.
   */
  testCount: number;
  /** u64 on disk, hence bigint. */
  seed: bigint;
  /** 0 for real mode. */
  cpuMode: number;
}

export interface MooFile {
  source: string;
  major: number;
  minor: number;
  /** Four characters as stored, padding included (`C286`, `V20 `). */
  cpuId: string;
  meta?: MooMeta;
  /** Top-level `RMSK`/`RM32`: masks that apply to every test in the file. */
  fileMask16: Partial<Record<Reg16Name, number>>;
  fileMask32: Partial<Record<Reg32Name, number>>;
  tests: MooTest[];
  /** Chunk ids skipped as unknown, at any nesting level, with how often each was seen. */
  skippedChunks: Record<string, number>;
}

/** Thrown for any malformed input; the message is a single line starting with the source name. */
export class MooFormatError extends Error {
  override readonly name = 'MooFormatError';
  readonly source: string;
  /** Byte offset in the (decompressed) file, when the problem has one. */
  readonly offset: number | undefined;

  constructor(source: string, detail: string, offset?: number) {
    // Messages embed text from the file and from zlib; a stray newline would break the
    // one-line-per-problem contract the harness's reports rely on.
    super(`${source}: ${detail}`.replace(/[\r\n]+/g, ' '));
    this.source = source;
    this.offset = offset;
  }
}

/** Chunk ids compared as little-endian u32s: one integer compare per chunk instead of a string. */
function chunkId(text: string): number {
  return (
    (text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24)) >>> 0
  );
}

const ID_MOO = chunkId('MOO ');
const ID_META = chunkId('META');
const ID_TEST = chunkId('TEST');
const ID_NAME = chunkId('NAME');
const ID_BYTS = chunkId('BYTS');
const ID_INIT = chunkId('INIT');
const ID_FINA = chunkId('FINA');
const ID_REGS = chunkId('REGS');
const ID_RMSK = chunkId('RMSK');
const ID_RG32 = chunkId('RG32');
const ID_RM32 = chunkId('RM32');
const ID_RAM = chunkId('RAM ');
const ID_QUEU = chunkId('QUEU');
const ID_EA32 = chunkId('EA32');
const ID_CYCL = chunkId('CYCL');
const ID_EXCP = chunkId('EXCP');
const ID_HASH = chunkId('HASH');

const SUPPORTED_MAJOR = 1;
const HEADER_PAYLOAD = 12;
const META_PAYLOAD = 31;
const EA32_PAYLOAD = 23;
const CYCLE_RECORD = 15;
const HASH_BYTES = 20;

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const latin1 = new TextDecoder('latin1');

/** Renders an id from the file for a message; unprintable bytes would otherwise garble the line. */
function describeId(bytes: Uint8Array, at: number): string {
  let out = '';
  for (let i = at; i < at + 4 && i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    out += b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${HEX_BYTE[b]}`;
  }
  return `'${out}'`;
}

/** Short-string decode; TextDecoder's per-call overhead dominates for ~20-byte test names. */
function asciiString(bytes: Uint8Array, start: number, length: number): string {
  if (length > 256) return latin1.decode(bytes.subarray(start, start + length));
  let out = '';
  for (let i = start; i < start + length; i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

/** A chunk id for messages: bare when plainly alphanumeric (TEST), quoted otherwise ('RAM '). */
function chunkName(bytes: Uint8Array, at: number): string {
  const quoted = describeId(bytes, at);
  return /^'[A-Za-z0-9]{4}'$/.test(quoted) ? quoted.slice(1, -1) : quoted;
}

function popcount(value: number): number {
  let v = value >>> 0;
  let n = 0;
  while (v !== 0) {
    v &= v - 1;
    n++;
  }
  return n;
}

const TEST_SEEN_NAME = 1;
const TEST_SEEN_BYTS = 2;
const TEST_SEEN_INIT = 4;
const TEST_SEEN_FINA = 8;
const TEST_SEEN_CYCL = 16;
const TEST_SEEN_EXCP = 32;
const TEST_SEEN_HASH = 64;
const TEST_REQUIRED: ReadonlyArray<[bit: number, id: string]> = [
  [TEST_SEEN_NAME, 'NAME'],
  [TEST_SEEN_BYTS, 'BYTS'],
  [TEST_SEEN_INIT, 'INIT'],
  [TEST_SEEN_FINA, 'FINA'],
  [TEST_SEEN_CYCL, 'CYCL'],
  [TEST_SEEN_HASH, 'HASH'],
];

const STATE_SEEN_REGS = 1;
const STATE_SEEN_RMSK = 2;
const STATE_SEEN_RG32 = 4;
const STATE_SEEN_RM32 = 8;
const STATE_SEEN_RAM = 16;
const STATE_SEEN_QUEU = 32;
const STATE_SEEN_EA32 = 64;

/** Mutable parse cursor; a class so the hot loops share one DataView and no closures. */
class MooParser {
  private readonly dv: DataView;
  readonly skipped: Record<string, number> = {};
  private readonly skippedNames = new Map<number, string>();
  /** Where the current problem is, for messages: ' in test 17', or '' at top level. */
  private where = '';

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(detail: string, offset?: number): never {
    throw new MooFormatError(this.source, detail, offset);
  }

  /**
   * Validates the chunk header at `pos` against the end of its parent and returns the payload
   * length. Checking against the parent (not the file) is what catches a subchunk whose length
   * field would silently swallow the next test.
   */
  private chunkLength(pos: number, end: number): number {
    const left = end - pos;
    if (left < 8) {
      this.fail(`truncated chunk header at byte ${pos}${this.where} (needs 8 bytes, ${left} left)`, pos);
    }
    const len = this.dv.getUint32(pos + 4, true);
    const room = end - pos - 8;
    if (len > room) {
      this.fail(
        `truncated ${chunkName(this.bytes, pos)} chunk at byte ${pos}${this.where} (needs ${len} bytes, ${room} left)`,
        pos,
      );
    }
    return len;
  }

  private requirePayload(pos: number, len: number, needed: number, what: string): void {
    if (len < needed) {
      this.fail(`${what} chunk at byte ${pos}${this.where} too short (needs ${needed} bytes, has ${len})`, pos);
    }
  }

  private skip(pos: number): void {
    // The corpus carries an unknown chunk in every test (GMET), so the rendered name is cached
    // per id rather than rebuilt 5000 times a file.
    const id = this.dv.getUint32(pos, true);
    let key = this.skippedNames.get(id);
    if (key === undefined) {
      key = describeId(this.bytes, pos).slice(1, -1);
      this.skippedNames.set(id, key);
    }
    this.skipped[key] = (this.skipped[key] ?? 0) + 1;
  }

  parse(): MooFile {
    const { bytes, dv } = this;
    const total = bytes.length;
    if (total < 4) this.fail(`file too short for a MOO header (${total} bytes)`, 0);
    if (dv.getUint32(0, true) !== ID_MOO) this.fail(`bad magic ${describeId(bytes, 0)}, expected 'MOO '`, 0);
    const headerLen = this.chunkLength(0, total);
    this.requirePayload(0, headerLen, HEADER_PAYLOAD, "'MOO '");
    const major = bytes[8] ?? 0;
    const minor = bytes[9] ?? 0;
    if (major !== SUPPORTED_MAJOR) {
      this.fail(`unsupported MOO major version ${major}.${minor} (this reader handles ${SUPPORTED_MAJOR}.x)`, 8);
    }
    const declaredTests = dv.getUint32(12, true);
    const cpuId = latin1.decode(bytes.subarray(16, 20));

    const file: MooFile = {
      source: this.source,
      major,
      minor,
      cpuId,
      fileMask16: {},
      fileMask32: {},
      tests: [],
      skippedChunks: this.skipped,
    };

    let seenFileRmsk = false;
    let seenFileRm32 = false;
    let pos = 8 + headerLen;
    while (pos < total) {
      this.where = '';
      const len = this.chunkLength(pos, total);
      const id = dv.getUint32(pos, true);
      const p = pos + 8;
      if (id === ID_TEST) {
        file.tests.push(this.parseTest(pos, p, p + len, file.tests.length));
      } else if (id === ID_META) {
        if (file.meta !== undefined) this.fail(`duplicate META chunk at byte ${pos}`, pos);
        file.meta = this.parseMeta(pos, p, len);
      } else if (id === ID_RMSK) {
        if (seenFileRmsk) this.fail(`duplicate top-level RMSK chunk at byte ${pos}`, pos);
        seenFileRmsk = true;
        file.fileMask16 = this.parseRegs(pos, p, len, 'RMSK', REG16_NAMES, 2);
      } else if (id === ID_RM32) {
        if (seenFileRm32) this.fail(`duplicate top-level RM32 chunk at byte ${pos}`, pos);
        seenFileRm32 = true;
        file.fileMask32 = this.parseRegs(pos, p, len, 'RM32', REG32_NAMES, 4);
      } else if (id === ID_MOO) {
        this.fail(`second 'MOO ' header at byte ${pos}`, pos);
      } else {
        this.skip(pos);
      }
      pos = p + len;
    }

    if (file.tests.length !== declaredTests) {
      this.fail(`test count mismatch: header declares ${declaredTests} tests, file holds ${file.tests.length} TEST chunks`);
    }
    return file;
  }

  private parseMeta(at: number, p: number, len: number): MooMeta {
    this.requirePayload(at, len, META_PAYLOAD, 'META');
    const { dv, bytes } = this;
    return {
      major: bytes[p] ?? 0,
      minor: bytes[p + 1] ?? 0,
      cpuType: bytes[p + 2] ?? 0,
      opcode: dv.getUint32(p + 3, true),
      mnemonic: latin1.decode(bytes.subarray(p + 7, p + 15)).replace(/[ \0]+$/, ''),
      testCount: dv.getUint32(p + 15, true),
      seed: dv.getBigUint64(p + 19, true),
      cpuMode: bytes[p + 27] ?? 0,
    };
  }

  private parseTest(at: number, start: number, end: number, ordinal: number): MooTest {
    const { dv, bytes } = this;
    this.where = ` in test ${ordinal}`;
    this.requirePayload(at, end - start, 4, 'TEST');
    const index = dv.getUint32(start, true);
    if (index !== ordinal) {
      // The harness reports failures by index; an out-of-order index means a spliced or damaged file.
      this.fail(`TEST chunk at byte ${at} has index ${index}, expected ${ordinal}`, at);
    }

    let seen = 0;
    let name = '';
    let instrBytes: number[] = [];
    let initial: MooState | undefined;
    let final: MooState | undefined;
    let cycleCount = 0;
    let exception: MooException | undefined;
    let hash = '';

    let pos = start + 4;
    while (pos < end) {
      const len = this.chunkLength(pos, end);
      const id = dv.getUint32(pos, true);
      const p = pos + 8;
      let bit = 0;
      if (id === ID_NAME) {
        bit = TEST_SEEN_NAME;
        this.requirePayload(pos, len, 4, 'NAME');
        const n = dv.getUint32(p, true);
        this.requirePayload(pos, len, 4 + n, 'NAME');
        name = asciiString(bytes, p + 4, n);
      } else if (id === ID_BYTS) {
        bit = TEST_SEEN_BYTS;
        this.requirePayload(pos, len, 4, 'BYTS');
        const n = dv.getUint32(p, true);
        this.requirePayload(pos, len, 4 + n, 'BYTS');
        instrBytes = Array.from(bytes.subarray(p + 4, p + 4 + n));
      } else if (id === ID_INIT) {
        bit = TEST_SEEN_INIT;
        initial = this.parseState(pos, p, p + len, true);
      } else if (id === ID_FINA) {
        bit = TEST_SEEN_FINA;
        final = this.parseState(pos, p, p + len, false);
      } else if (id === ID_CYCL) {
        bit = TEST_SEEN_CYCL;
        this.requirePayload(pos, len, 4, 'CYCL');
        cycleCount = dv.getUint32(p, true);
        this.requirePayload(pos, len, 4 + cycleCount * CYCLE_RECORD, 'CYCL');
      } else if (id === ID_EXCP) {
        bit = TEST_SEEN_EXCP;
        this.requirePayload(pos, len, 5, 'EXCP');
        exception = { number: bytes[p] ?? 0, flagAddress: dv.getUint32(p + 1, true) };
      } else if (id === ID_HASH) {
        bit = TEST_SEEN_HASH;
        this.requirePayload(pos, len, HASH_BYTES, 'HASH');
        let hex = '';
        for (let i = p; i < p + HASH_BYTES; i++) hex += HEX_BYTE[bytes[i] ?? 0];
        hash = hex;
      } else {
        this.skip(pos);
      }
      if (bit !== 0) {
        if ((seen & bit) !== 0) this.fail(`duplicate ${chunkName(bytes, pos)} chunk at byte ${pos}${this.where}`, pos);
        seen |= bit;
      }
      pos = p + len;
    }

    for (const [bitMask, idText] of TEST_REQUIRED) {
      if ((seen & bitMask) === 0) this.fail(`TEST chunk at byte ${at}${this.where} has no ${idText} chunk`, at);
    }
    // Both are set whenever INIT and FINA were seen; the check only narrows the types.
    if (initial === undefined || final === undefined) this.fail(`TEST chunk at byte ${at} lacks a state`, at);
    const test: MooTest = { index, name, bytes: instrBytes, initial, final, cycleCount, hash };
    if (exception !== undefined) test.exception = exception;
    return test;
  }

  private parseState(at: number, start: number, end: number, isInitial: boolean): MooState {
    const { dv, bytes } = this;
    const label = isInitial ? 'INIT' : 'FINA';
    const state: MooState = { regs16: {}, regs32: {}, regMask16: {}, regMask32: {}, ram: [], queue: [] };
    let seen = 0;
    let pos = start;
    while (pos < end) {
      const len = this.chunkLength(pos, end);
      const id = dv.getUint32(pos, true);
      const p = pos + 8;
      let bit = 0;
      if (id === ID_REGS) {
        bit = STATE_SEEN_REGS;
        state.regs16 = this.parseRegs(pos, p, len, 'REGS', REG16_NAMES, 2);
      } else if (id === ID_RMSK) {
        bit = STATE_SEEN_RMSK;
        state.regMask16 = this.parseRegs(pos, p, len, 'RMSK', REG16_NAMES, 2);
      } else if (id === ID_RG32) {
        bit = STATE_SEEN_RG32;
        state.regs32 = this.parseRegs(pos, p, len, 'RG32', REG32_NAMES, 4);
      } else if (id === ID_RM32) {
        bit = STATE_SEEN_RM32;
        state.regMask32 = this.parseRegs(pos, p, len, 'RM32', REG32_NAMES, 4);
      } else if (id === ID_RAM) {
        bit = STATE_SEEN_RAM;
        this.requirePayload(pos, len, 4, 'RAM');
        const n = dv.getUint32(p, true);
        this.requirePayload(pos, len, 4 + n * 5, 'RAM');
        const ram: Array<[number, number]> = new Array(n);
        for (let i = 0, q = p + 4; i < n; i++, q += 5) ram[i] = [dv.getUint32(q, true), bytes[q + 4] ?? 0];
        state.ram = ram;
      } else if (id === ID_QUEU) {
        bit = STATE_SEEN_QUEU;
        this.requirePayload(pos, len, 4, 'QUEU');
        const n = dv.getUint32(p, true);
        this.requirePayload(pos, len, 4 + n, 'QUEU');
        state.queue = Array.from(bytes.subarray(p + 4, p + 4 + n));
      } else if (id === ID_EA32) {
        bit = STATE_SEEN_EA32;
        this.requirePayload(pos, len, EA32_PAYLOAD, 'EA32');
        state.ea = {
          segment: bytes[p] ?? 0,
          selector: dv.getUint16(p + 1, true),
          base: dv.getUint32(p + 3, true),
          limit: dv.getUint32(p + 7, true),
          offset: dv.getUint32(p + 11, true),
          linear: dv.getUint32(p + 15, true),
          physical: dv.getUint32(p + 19, true),
        };
      } else {
        this.skip(pos);
      }
      if (bit !== 0) {
        if ((seen & bit) !== 0) this.fail(`duplicate ${chunkName(bytes, pos)} chunk at byte ${pos} in ${label}${this.where}`, pos);
        seen |= bit;
      }
      pos = p + len;
    }
    if (isInitial && (seen & (STATE_SEEN_REGS | STATE_SEEN_RG32)) === 0) {
      // A test cannot be set up without registers; an empty INIT means the writer dropped data.
      this.fail(`INIT chunk at byte ${at}${this.where} has neither REGS nor RG32`, at);
    }
    return state;
  }

  /**
   * A register chunk: a little-endian mask of `bytes` bytes (bit k set: `names[k]` present),
   * then the present registers' values, `bytes` bytes each, in bit order.
   */
  private parseRegs<Name extends string>(at: number, p: number, len: number, what: string, names: readonly Name[], bytes: 2 | 4): Partial<Record<Name, number>> {
    const { dv } = this;
    this.requirePayload(at, len, bytes, what);
    const mask = bytes === 2 ? dv.getUint16(p, true) : dv.getUint32(p, true);
    if ((mask & ~((1 << names.length) - 1)) !== 0) {
      // Values follow in bit order, so an unknown bit would leave a register unread while
      // the comparison ignores it; refuse instead of guessing.
      this.fail(`${what} chunk at byte ${at}${this.where} sets unknown register bits 0x${mask.toString(16)}`, at);
    }
    this.requirePayload(at, len, bytes + bytes * popcount(mask), what);
    const out: Partial<Record<Name, number>> = {};
    let q = p + bytes;
    for (let i = 0; i < names.length; i++) {
      if ((mask & (1 << i)) !== 0) {
        out[names[i]!] = bytes === 2 ? dv.getUint16(q, true) : dv.getUint32(q, true);
        q += bytes;
      }
    }
    return out;
  }
}

/** Parses an uncompressed MOO image. `source` names the input in error messages. */
export function parseMoo(bytes: Uint8Array, source: string): MooFile {
  return new MooParser(bytes, source).parse();
}

const gunzipAsync = promisify(gunzip);

function looksGzipped(bytes: Uint8Array, source: string): boolean {
  return source.toLowerCase().endsWith('.gz') || (bytes[0] === 0x1f && bytes[1] === 0x8b);
}

/**
 * Parses a MOO image that may be gzipped (the corpus ships `.MOO.gz`): inflated when `source`
 * ends in `.gz` or the bytes carry the gzip magic.
 */
export async function decodeMoo(bytes: Uint8Array, source: string): Promise<MooFile> {
  let raw = bytes;
  if (looksGzipped(bytes, source)) {
    try {
      const inflated = await gunzipAsync(bytes);
      raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    } catch (err) {
      throw new MooFormatError(source, `corrupt gzip: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return parseMoo(raw, source);
}

/** Reads and parses one `.MOO` or `.MOO.gz` file; `path` is the source named in errors. */
export async function readMooFile(path: string): Promise<MooFile> {
  const data = await readFile(path);
  return decodeMoo(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), path);
}
