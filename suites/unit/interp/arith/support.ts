/**
 * Helpers shared by the arith-group unit tests: ModRM and little-endian encoding, the flag
 * expectations as XED letters, hex formatting for titles, and a flat 32-bit run at a chosen CPL
 * (the fluent runner always starts at CPL 0, and CLI/STI need CPL 3).
 */

import { type Machine, type StopReason } from '../../../../reference-emulator/index.ts';
import { RawRun } from '../../../support/raw-run.ts';

export type Width = 8 | 16 | 32;
export type FlagName = 'cf' | 'pf' | 'af' | 'zf' | 'sf' | 'of';

const LETTER_TO_FLAG: Readonly<Record<string, FlagName>> = { c: 'cf', p: 'pf', a: 'af', z: 'zf', s: 'sf', o: 'of' };

/** ModRM byte (SDM Vol. 2A, 2.1.5). */
export function modrm(mod: number, reg: number, rm: number): number {
  return (mod << 6) | (reg << 3) | rm;
}

/** Little-endian bytes of `value` at `width` bits. */
export function le(value: number, width: Width): number[] {
  const out: number[] = [];
  for (let i = 0; i < width / 8; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

/** `0x7f`, `0x8000`, `0xffffffff`: the value at its width, for titles. */
export function hex(value: number, width: Width = 8): string {
  return `0x${(value >>> 0).toString(16).padStart(width / 4, '0')}`;
}

/**
 * The expectFlags argument for `checked` flags (XED letters), with exactly the flags in `set`
 * at 1: `flagExpect('oszapc', 'oa')` is OF=1 AF=1 and SF ZF PF CF = 0.
 */
export function flagExpect(checked: string, set: string): Partial<Record<FlagName, 0 | 1>> {
  const out: Partial<Record<FlagName, 0 | 1>> = {};
  for (const letter of checked) {
    const name = LETTER_TO_FLAG[letter];
    if (name === undefined) throw new Error(`unknown flag letter '${letter}'`);
    out[name] = set.includes(letter) ? 1 : 0;
  }
  return out;
}

/** `OF,SF,AF` or `no flags`, for titles. */
export function flagText(set: string): string {
  return set.length === 0 ? 'no flags' : [...set].map((l) => `${l.toUpperCase()}F`).join(',');
}

/** EFLAGS with every status flag set (OF SF ZF AF PF CF) and reserved bit 1. */
export const ALL_STATUS = 0x8d7;

/**
 * Runs `count` instructions of `code` in flat 32-bit protected mode at `cpl` with EFLAGS `flags`,
 * stopping at the first exception (protected-mode delivery is not modelled yet, so the run
 * reports it). No HLT is run: it would fault above CPL 0. A clean run stops with kind `limit`.
 */
export function runFlat32(code: readonly number[], count: number, cpl: number, flags: number): { machine: Machine; stop: StopReason } {
  const raw = new RawRun({ mode: 'prot32', cpl, flags }, code);
  return { machine: raw.machine, stop: raw.step(count) };
}
