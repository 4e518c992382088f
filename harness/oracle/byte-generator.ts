/**
 * Byte sequences for the decoder oracle: a seeded PRNG, and three generators that draw from any
 * byte source (the PRNG in the soak, a fast-check byte array in the property test, so shrinking
 * works on the source bytes):
 * - `structuredBytes`: legacy prefixes (SDM Vol. 2A, 2.1.1), an opcode from the one-byte, 0F,
 *   0F 38/0F 3A maps or a VEX/EVEX/XOP lead byte, then a ModRM byte whose mod/reg/rm are drawn
 *   separately (rm 100 and 101 favoured, so SIB and disp32/disp16 forms are common), a SIB byte,
 *   and displacement/immediate bytes with edge values (00, 01, 7F, 80, FF);
 * - `formBytes`: an encoding of one instruction-table record (Vol. 2A, 2.1 "Instruction Format"):
 *   the prefixes its osz/asz/mandatory prefix need, random optional ones (segment, REP, LOCK on
 *   lockable forms), its opcode (+r), a ModRM that fits its `modrm`/`ext`/`modrmByte`, then
 *   random bytes for SIB, displacement and immediates;
 * - `uniformBytes`: every byte uniform.
 * Every sequence is SEQUENCE_BYTES long, one more than the 15-byte limit, so an instruction
 * never runs out of bytes: any difference is about decoding, not truncation.
 */

import { FORMS, INVALID_FORM_INDEX, type FormRecord } from '../../reference-emulator/index.ts';
import type { Bitness } from './iced.ts';

/** 15-byte architectural limit (SDM Vol. 2A, 2.3.11) plus one. */
export const SEQUENCE_BYTES = 16;

/** A source of random choices. */
export interface ByteSource {
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-tested), seeded through
 * splitmix32 so nearby seeds give unrelated streams. Deterministic on every platform.
 */
export class SeededRandom implements ByteSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Next 32-bit unsigned value. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  int(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }
}

/** Reads choices from a fixed byte array (fast-check input), cycling; zeros shrink to the simplest choices. */
export class ArraySource implements ByteSource {
  private pos = 0;
  constructor(private readonly bytes: ArrayLike<number>) {}
  int(n: number): number {
    if (n <= 1 || this.bytes.length === 0) return 0;
    let value = 0;
    let range = 1;
    while (range < n) {
      value = value * 256 + ((this.bytes[this.pos++ % this.bytes.length] ?? 0) & 0xff);
      range *= 256;
    }
    return value % n;
  }
}

const LEGACY_PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3] as const;
const SEGMENT_PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65] as const;
const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff] as const;

const pick = <T>(src: ByteSource, items: readonly T[]): T => items[src.int(items.length)] as T;

/** A data byte: an edge value one time in three, else uniform. */
function dataByte(src: ByteSource): number {
  return src.int(3) === 0 ? pick(src, EDGE_BYTES) : src.int(256);
}

/** 0 prefixes half the time, 1 a quarter, then 2-14 (so over-long sequences occur). */
function prefixCount(src: ByteSource): number {
  const r = src.int(16);
  if (r < 8) return 0;
  if (r < 12) return 1;
  if (r < 14) return 2;
  if (r < 15) return 3;
  return 4 + src.int(11);
}

/** A ModRM byte with mod and reg uniform and rm favouring 100 (SIB) and 101 (disp-only / [EBP]). */
function modrmByte(src: ByteSource): number {
  const mod = src.int(4);
  const reg = src.int(8);
  const r = src.int(8);
  const rm = r < 2 ? 4 : r < 3 ? 5 : src.int(8);
  return (mod << 6) | (reg << 3) | rm;
}

function pad(bytes: number[], src: ByteSource): Uint8Array {
  while (bytes.length < SEQUENCE_BYTES) bytes.push(dataByte(src));
  return Uint8Array.from(bytes.slice(0, SEQUENCE_BYTES));
}

/** Prefixes, an opcode from one of the maps, ModRM/SIB and data bytes (see the file header). */
export function structuredBytes(src: ByteSource): Uint8Array {
  const bytes: number[] = [];
  for (let n = prefixCount(src); n > 0; n--) bytes.push(pick(src, LEGACY_PREFIXES));
  const map = src.int(20);
  if (map < 11) {
    bytes.push(src.int(256));
  } else if (map < 18) {
    bytes.push(0x0f, src.int(256));
  } else if (map < 19) {
    bytes.push(0x0f, src.int(2) === 0 ? 0x38 : 0x3a, src.int(256));
  } else {
    bytes.push(pick(src, [0xc4, 0xc5, 0x62, 0x8f] as const));
  }
  bytes.push(modrmByte(src), src.int(256));
  return pad(bytes, src);
}

/** Every byte uniform. */
export function uniformBytes(src: ByteSource): Uint8Array {
  const bytes = new Uint8Array(SEQUENCE_BYTES);
  for (let i = 0; i < SEQUENCE_BYTES; i++) bytes[i] = src.int(256);
  return bytes;
}

/** Record indices the form generator draws from (every record but INVALID). */
export const FORM_INDICES: readonly number[] = FORMS.map((_, i) => i).filter((i) => i !== INVALID_FORM_INDEX);

/**
 * An encoding of `form` in `bitness`-bit code (see the file header). The bytes may still decode
 * to a more specific record (90 with register 0 is NOP, not XCHG) or be invalid (LOCK on a
 * register operand, 15 bytes exceeded): the oracle comparison decides, not the generator.
 */
export function formBytes(form: FormRecord, bitness: Bitness, src: ByteSource): Uint8Array {
  const bytes: number[] = [];
  const code32 = bitness === 32;
  const optional: number[] = [];
  if (src.int(3) === 0) optional.push(pick(src, SEGMENT_PREFIXES));
  if (form.rep !== undefined && src.int(2) === 0) optional.push(pick(src, [0xf2, 0xf3] as const));
  if (form.lockable && src.int(3) === 0) optional.push(0xf0);
  if (src.int(8) === 0) optional.push(pick(src, LEGACY_PREFIXES));
  const osz32 = form.osz !== undefined ? form.osz === 32 : src.int(2) === 0;
  const asz32 = form.asz !== undefined ? form.asz === 32 : src.int(4) === 0 ? !code32 : code32;
  if (osz32 !== code32 || (form.mandatoryPrefix === 0x66 && !optional.includes(0x66))) optional.push(0x66);
  if (asz32 !== code32) optional.push(0x67);
  // Legacy prefixes may come in any order (SDM Vol. 2A, 2.1.1); a mandatory F2/F3 must be the last of F2/F3.
  for (let i = optional.length - 1; i > 0; i--) {
    const j = src.int(i + 1);
    [optional[i], optional[j]] = [optional[j] as number, optional[i] as number];
  }
  bytes.push(...optional.filter((p) => !(form.mandatoryPrefix !== undefined && (p === 0xf2 || p === 0xf3))));
  if (form.mandatoryPrefix === 0xf2 || form.mandatoryPrefix === 0xf3) bytes.push(form.mandatoryPrefix);
  if (form.map === '0f') bytes.push(0x0f);
  bytes.push(form.opcode + (form.plusReg ? src.int(8) : 0));
  if (form.modrm !== 'none') {
    if (form.modrmByte !== undefined) {
      bytes.push(form.modrmByte);
    } else {
      let m = modrmByte(src);
      if (form.ext !== undefined) m = (m & 0xc7) | (form.ext << 3);
      // `mod-ignored` records (MOV CRn/DRn) keep the random mod: the decoders must both ignore it.
      if (form.modrm === 'reg') m |= 0xc0;
      else if (form.modrm === 'mem' && m >> 6 === 3) m &= 0x3f | (src.int(3) << 6);
      bytes.push(m);
    }
  }
  return pad(bytes, src);
}
