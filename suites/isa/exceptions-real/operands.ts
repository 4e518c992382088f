/**
 * The operand-dependent real-mode exceptions as a fast-check property: DIV and IDIV (#DE, 8-,
 * 16- and, from the 386, 32-bit, register or memory divisor), AAM (#DE for 0), BOUND (#BR, 16-
 * and 32-bit) and INTO (#OF), with random operands biased to the edges (a quotient at and just
 * past its range, an index on and just past a bound, divisors 0, 1, -1 and the extremes).
 *
 * Oracle: plain BigInt arithmetic from the SDM Operation sections (Vol. 2A DIV, IDIV, AAM, BOUND,
 * INT n/INTO): DIV faults when the divisor is 0 or the quotient exceeds the destination; IDIV
 * truncates toward zero and faults outside [-2^(w-1), 2^(w-1) - 1]; BOUND compares signed and
 * inclusive; INTO traps exactly when OF = 1. A fault must push the instruction's own IP and leave
 * the registers alone; a completed division must leave quotient and remainder in place. The frame
 * and flag checks are the case tables' (check.ts).
 */

import fc from 'fast-check';
import type { CpuModelName } from '../../../reference-emulator/index.ts';
import type { SubjectFactory } from '../../../harness/adapter.ts';
import { fail, pass, type Budget, type SuiteContext, type Verdict } from '../../../harness/suite/model.ts';
import { DEFAULT_IP, DEFAULT_SEGMENTS, linear } from '../../support/subject-real-mode.ts';
import { BASE_FLAGS, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, undefinedFlags, type ExceptionCase, type Expectation, type Regs } from './case.ts';
import { listing, runCase } from './check.ts';
import { atLeast } from './model-facts.ts';

const IP = DEFAULT_IP;
/** Where memory operands (a divisor, a pair of bounds) live: DS:0040. */
const DATA_OFFSET = 0x0040;
const DATA_AT = linear(DEFAULT_SEGMENTS.ds, DATA_OFFSET);

export function operandsBudget(): Budget {
  return { quick: 400, full: 4_000, soak: 400_000 };
}

type Width = 8 | 16 | 32;

interface DivideOperands {
  op: 'div' | 'idiv';
  width: Width;
  /** The double-width dividend as an unsigned bit pattern. */
  dividend: bigint;
  /** The divisor as an unsigned bit pattern. */
  divisor: bigint;
  memory: boolean;
}

interface AamOperands {
  op: 'aam';
  base: number;
  ax: number;
}

interface BoundOperands {
  op: 'bound';
  width: 16 | 32;
  index: bigint;
  lower: bigint;
  upper: bigint;
}

interface IntoOperands {
  op: 'into';
  of: boolean;
}

export type Operands = DivideOperands | AamOperands | BoundOperands | IntoOperands;

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;
const signed = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);
const unsigned = (v: bigint, bits: number): bigint => BigInt.asUintN(bits, v);

/** Values worth trying for a `bits`-wide operand: 0, 1, -1, the signed extremes and their neighbours. */
function edgeValues(bits: number): bigint[] {
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits - 1)) - 1n;
  return [0n, 1n, 2n, -1n, -2n, min, min + 1n, max, max - 1n].map((v) => unsigned(v, bits));
}

const operandOf = (bits: number): fc.Arbitrary<bigint> => fc.oneof(fc.constantFrom(...edgeValues(bits)), fc.bigInt({ min: 0n, max: mask(bits) }));

/**
 * A dividend whose quotient by `divisor` is `quotient`, with a remainder in range and of the
 * dividend's sign (truncating division), or undefined when it does not fit 2 * width bits.
 */
function dividendFor(op: 'div' | 'idiv', width: Width, divisor: bigint, quotient: bigint, remainderSeed: bigint): bigint | undefined {
  const d = op === 'div' ? divisor : signed(divisor, width);
  if (d === 0n) return undefined;
  const magnitude = d < 0n ? -d : d;
  const product = quotient * d;
  const r = remainderSeed % magnitude;
  const n = product >= 0n ? product + r : product - r;
  const bits = 2 * width;
  if (op === 'div' ? n < 0n || n > mask(bits) : n < -(1n << BigInt(bits - 1)) || n > mask(bits - 1)) return undefined;
  return unsigned(n, bits);
}

function divideArbitrary(op: 'div' | 'idiv', width: Width): fc.Arbitrary<Operands> {
  const qMax = op === 'div' ? mask(width) : mask(width - 1);
  const qMin = op === 'div' ? 0n : -(1n << BigInt(width - 1));
  const edgeQuotient = fc.constantFrom(qMax, qMax + 1n, qMin, qMin - 1n, 0n);
  const random = fc.record({ dividend: fc.bigInt({ min: 0n, max: mask(2 * width) }), divisor: operandOf(width), memory: fc.boolean() });
  const nearEdge = fc.record({ divisor: operandOf(width), quotient: edgeQuotient, seed: fc.bigInt({ min: 0n, max: mask(width) }), memory: fc.boolean(), fallback: fc.bigInt({ min: 0n, max: mask(2 * width) }) })
    .map(({ divisor, quotient, seed, memory, fallback }) => ({ dividend: dividendFor(op, width, divisor, quotient, seed) ?? fallback, divisor, memory }));
  return fc.oneof(random, nearEdge).map(({ dividend, divisor, memory }): Operands => ({ op, width, dividend, divisor, memory }));
}

function boundArbitrary(width: 16 | 32): fc.Arbitrary<Operands> {
  const value = operandOf(width);
  return fc.record({ lower: value, upper: value, pick: fc.constantFrom('lower', 'upper', 'below', 'above', 'random' as const), random: value })
    .map(({ lower, upper, pick, random }): Operands => {
      const at = { lower, upper, below: unsigned(signed(lower, width) - 1n, width), above: unsigned(signed(upper, width) + 1n, width), random }[pick];
      return { op: 'bound', width, index: at, lower, upper };
    });
}

export function operandsArbitrary(model: CpuModelName): fc.Arbitrary<Operands> {
  const ia32 = atLeast(model, 'i386');
  const widths: Width[] = ia32 ? [8, 16, 32] : [8, 16];
  return fc.oneof(
    ...widths.flatMap((w) => [divideArbitrary('div', w), divideArbitrary('idiv', w)]),
    fc.record({ base: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })), ax: fc.integer({ min: 0, max: 0xffff }) }).map((o): Operands => ({ op: 'aam', ...o })),
    boundArbitrary(16),
    ...(ia32 ? [boundArbitrary(32)] : []),
    fc.boolean().map((of): Operands => ({ op: 'into', of })),
  );
}

const hexOf = (v: bigint | number): string => `0x${v.toString(16)}`;

/** The case the operands describe, with the expectation the SDM's arithmetic gives. */
export function caseFor(o: Operands, model: CpuModelName): ExceptionCase {
  const flags = BASE_FLAGS;
  switch (o.op) {
    case 'div':
    case 'idiv': {
      const w = o.width;
      const opsize = w === 32 ? [0x66] : [];
      const opcode = w === 8 ? 0xf6 : 0xf7;
      const reg = o.op === 'div' ? 6 : 7;
      // ModRM: mod=11 rm=BL/BX/EBX (3), or mod=00 rm=[BX] (7).
      const modrm = o.memory ? (reg << 3) | 7 : 0xc0 | (reg << 3) | 3;
      const regs: Regs = w === 8
        ? { eax: Number(o.dividend & 0xffffn), ebx: o.memory ? DATA_OFFSET : Number(o.divisor) }
        : w === 16
          ? { eax: Number(o.dividend & 0xffffn), edx: Number(o.dividend >> 16n), ebx: o.memory ? DATA_OFFSET : Number(o.divisor) }
          : { eax: Number(o.dividend & 0xffffffffn), edx: Number(o.dividend >> 32n), ebx: o.memory ? DATA_OFFSET : Number(o.divisor) };
      const divisorBytes = [...Array(w / 8).keys()].map((k) => Number((o.divisor >> BigInt(8 * k)) & 0xffn));
      const n = o.op === 'div' ? o.dividend : signed(o.dividend, 2 * w);
      const d = o.op === 'div' ? o.divisor : signed(o.divisor, w);
      const qMax = o.op === 'div' ? mask(w) : mask(w - 1);
      const qMin = o.op === 'div' ? 0n : -(1n << BigInt(w - 1));
      const q = d === 0n ? undefined : n / d; // BigInt division truncates toward zero, as IDIV does
      const faults = q === undefined || q > qMax || q < qMin;
      const id = `${o.op === 'div' ? 'Div' : 'Idiv'}_rm${w}` as const;
      let expect: Expectation;
      if (faults) expect = { kind: 'deliver', vector: 0, ip: IP, flagsMask: undefinedFlags(id) };
      else {
        const r = unsigned(n - q! * d, w);
        const quotient = unsigned(q!, w);
        expect = { kind: 'complete', regs: w === 8 ? { eax: Number((r << 8n) | quotient) } : { eax: Number(quotient), edx: Number(r) } };
      }
      return {
        title: `${o.op.toUpperCase()} ${w === 8 ? 'BL' : w === 16 ? 'BX' : 'EBX'}${o.memory ? ' (via [BX])' : ''}: ${hexOf(o.dividend)} / ${hexOf(o.divisor)}`,
        cite: 'SDM Vol. 2A DIV/IDIV Operation',
        setup: { code: [...opsize, opcode, modrm], regs, eflags: flags, ...(o.memory ? { memory: [[DATA_AT, divisorBytes]] } : {}) },
        expect,
      };
    }
    case 'aam': {
      const al = o.ax & 0xff;
      // The 286 writes SF ZF PF before its #DE (SingleStepTests 80286, D4).
      const expect: Expectation = o.base === 0
        ? { kind: 'deliver', vector: 0, ip: IP, flagsMask: undefinedFlags('Aam_imm8') | (model === 'i286' ? FLAG_SF | FLAG_ZF | FLAG_PF : 0) }
        : { kind: 'complete', regs: { eax: ((Math.floor(al / o.base) << 8) | (al % o.base)) >>> 0 } };
      return { title: `AAM ${o.base}: AX=${hexOf(o.ax)}`, cite: 'SDM Vol. 2A AAM Operation', setup: { code: [0xd4, o.base], regs: { eax: o.ax }, eflags: flags }, expect };
    }
    case 'bound': {
      const w = o.width;
      const bytes = (v: bigint): number[] => [...Array(w / 8).keys()].map((k) => Number((v >> BigInt(8 * k)) & 0xffn));
      const out = signed(o.index, w) < signed(o.lower, w) || signed(o.index, w) > signed(o.upper, w);
      return {
        title: `BOUND ${w === 16 ? 'AX' : 'EAX'}: index ${hexOf(o.index)}, bounds [${hexOf(o.lower)}, ${hexOf(o.upper)}]`,
        cite: 'SDM Vol. 2A BOUND Operation',
        setup: { code: [...(w === 32 ? [0x66] : []), 0x62, 0x07], regs: { eax: Number(o.index), ebx: DATA_OFFSET }, eflags: flags, memory: [[DATA_AT, [...bytes(o.lower), ...bytes(o.upper)]]] },
        expect: out ? { kind: 'deliver', vector: 5, ip: IP } : { kind: 'complete' },
      };
    }
    case 'into':
      return {
        title: `INTO with OF=${+o.of}`,
        cite: 'SDM Vol. 2A INT n/INTO/INT3/INT1',
        setup: { code: [0xce], eflags: flags | (o.of ? FLAG_OF : 0) },
        expect: o.of ? { kind: 'deliver', vector: 4, ip: IP + 1 } : { kind: 'complete' },
      };
  }
}

export async function runOperandProperty(model: CpuModelName, subjects: SubjectFactory, ctx: SuiteContext): Promise<Verdict> {
  const subject = await subjects();
  try {
    let cases = 0;
    const property = fc.asyncProperty(operandsArbitrary(model), async (o) => {
      const c = caseFor(o, model);
      for (const form of listing(c.setup.code, model).forms) ctx.cover(form, 'real');
      cases++;
      const result = await runCase(subject, c, model);
      if (result.problems.length > 0) throw new Error(`${c.title} (${result.bytes}: ${result.disassembly}): ${result.problems.join('; ')}`);
    });
    const details = await fc.check(property, { seed: ctx.seed, numRuns: ctx.runs });
    if (details.failed) {
      const shrunk = details.counterexample?.[0];
      const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      return fail(`${model}: ${message.split('\n', 1)[0] ?? message}`, { seed: details.seed, path: details.counterexamplePath, counterexample: shrunk ? caseFor(shrunk, model).title : undefined, runs: details.numRuns }, cases);
    }
    return pass(details.numRuns, { model, seed: ctx.seed });
  } finally {
    await subject.close();
  }
}
