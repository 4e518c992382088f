/**
 * Real-mode cases for the exceptions instructions raise from their operands: #DE (vector 0) from
 * DIV, IDIV and AAM, #BR (5) from BOUND, #OF (4) from INTO.
 *
 * - #DE is a fault: the IP pushed is the DIV's own, prefixes included, and the destination
 *   registers are untouched (SDM Vol. 3A, 6.15 "Interrupt 0"; SDM Vol. 2A, DIV/IDIV Operation:
 *   a zero divisor or a quotient too large for the destination). A quotient of exactly -128 /
 *   -32768 is legal from the 286 on (IDIV Operation; SingleStepTests 80286 README, F6.7/F7.7).
 *   AAM with an immediate of 0 raises #DE; AAD does not divide (SDM Vol. 2A, AAM, AAD).
 * - #BR is a fault with signed, inclusive bounds (SDM Vol. 2A, BOUND; Vol. 3A, 6.15 "Interrupt 5").
 * - INTO is a trap taken only with OF = 1: the IP pushed is the next instruction's (SDM Vol. 2A,
 *   INT n/INTO/INT3/INT1; Vol. 3A, 6.15 "Interrupt 4").
 * - A fault raised while TF = 1 ends the instruction without a single-step trap, and delivery
 *   clears TF, so the handler is not single-stepped (SDM Vol. 3B, 17.3.1.4 "Single-Step
 *   Exception Condition"; 6.9 "Priority Among Concurrent Exceptions and Interrupts").
 *
 * Pushed FLAGS mask only what the instruction table lists as undefined for the form. The 286
 * also writes SF, ZF and PF before its AAM #DE (SingleStepTests 80286, D4: all 11 AAM 0 tests
 * push SF ZF PF of AL >> 1), so those are masked for AAM on the 286 alone.
 */

import { DEFAULT_IP, DEFAULT_SEGMENTS, linear } from '../../support/subject-real-mode.ts';
import { BASE_FLAGS, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF, undefinedFlags, w16, w32, type ExceptionCase } from './case.ts';

const IP = DEFAULT_IP;
const DS = DEFAULT_SEGMENTS.ds;
const ES = DEFAULT_SEGMENTS.es;

const DIV8 = undefinedFlags('Div_rm8');
const DIV16 = undefinedFlags('Div_rm16');
const IDIV8 = undefinedFlags('Idiv_rm8');
const IDIV16 = undefinedFlags('Idiv_rm16');
const DIV32 = undefinedFlags('Div_rm32');
const AAM = undefinedFlags('Aam_imm8');

const DE_CITE = 'SDM Vol. 2A DIV/IDIV Operation; Vol. 3A 6.15 Interrupt 0 (fault: own IP pushed)';

export const divideCases: readonly ExceptionCase[] = [
  {
    title: '#DE: DIV BL (F6 F3) by zero, AX=0x1234',
    cite: DE_CITE,
    setup: { code: [0xf6, 0xf3], regs: { eax: 0x1234, ebx: 0 } },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: DIV8 },
  },
  {
    title: '#DE: DIV BX (F7 F3) quotient overflow, DX:AX=0x0001:0000, BX=1',
    cite: DE_CITE,
    setup: { code: [0xf7, 0xf3], regs: { edx: 1, eax: 0, ebx: 1 } },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: DIV16 },
  },
  {
    title: 'DIV BX (F7 F3) largest quotient, DX:AX=0xFFFE:FFFF, BX=0xFFFF: no #DE',
    cite: 'SDM Vol. 2A DIV Operation (quotient 0xFFFF fits)',
    setup: { code: [0xf7, 0xf3], regs: { edx: 0xfffe, eax: 0xffff, ebx: 0xffff } },
    expect: { kind: 'complete', regs: { eax: 0xffff, edx: 0xfffe } },
  },
  {
    title: '#DE: DIV BX (F7 F3), DX:AX=0xFFFF:FFFF, BX=0xFFFF (quotient 0x10001)',
    cite: DE_CITE,
    setup: { code: [0xf7, 0xf3], regs: { edx: 0xffff, eax: 0xffff, ebx: 0xffff } },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: DIV16 },
  },
  {
    title: '#DE: IDIV BL (F6 FB), AX=0x0080 (128), BL=1',
    cite: 'SDM Vol. 2A IDIV Operation (quotient above 7FH)',
    setup: { code: [0xf6, 0xfb], regs: { eax: 0x0080, ebx: 1 } },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: IDIV8 },
  },
  {
    title: 'IDIV BL (F6 FB), AX=0xFF80 (-128), BL=1: quotient -128 is legal',
    cite: 'SDM Vol. 2A IDIV Operation; SingleStepTests 80286 README (F6.7: the 8086 faulted, the 286 does not)',
    setup: { code: [0xf6, 0xfb], regs: { eax: 0xff80, ebx: 1 } },
    expect: { kind: 'complete', regs: { eax: 0x0080 } },
  },
  {
    title: 'IDIV BL (F6 FB), AX=0x0080 (128), BL=0xFF (-1): quotient -128 is legal',
    cite: 'SDM Vol. 2A IDIV Operation',
    setup: { code: [0xf6, 0xfb], regs: { eax: 0x0080, ebx: 0xff } },
    expect: { kind: 'complete', regs: { eax: 0x0080 } },
  },
  {
    title: '#DE: IDIV BX (F7 FB), DX:AX=0xFFFF:8000 (-32768), BX=0xFFFF (-1)',
    cite: 'SDM Vol. 2A IDIV Operation (quotient +32768 above 7FFFH)',
    setup: { code: [0xf7, 0xfb], regs: { edx: 0xffff, eax: 0x8000, ebx: 0xffff } },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: IDIV16 },
  },
  {
    title: 'IDIV BX (F7 FB), DX:AX=0x0000:8000 (32768), BX=0xFFFF: quotient -32768 is legal',
    cite: 'SDM Vol. 2A IDIV Operation; SingleStepTests 80286 README (F7.7)',
    setup: { code: [0xf7, 0xfb], regs: { edx: 0, eax: 0x8000, ebx: 0xffff } },
    expect: { kind: 'complete', regs: { eax: 0x8000, edx: 0 } },
  },
  {
    title: '#DE: DIV word ES:[BX] (26 F7 37) by zero: the pushed IP is the prefix\'s',
    cite: `${DE_CITE}; Vol. 3A 6.5 (the fault points at the first byte, prefixes included)`,
    setup: { code: [0x26, 0xf7, 0x37], regs: { eax: 0x5678, edx: 0x1234, ebx: 0x0010 }, memory: [[linear(ES, 0x0010), [0, 0]], [linear(DS, 0x0010), [1, 0]]] },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: DIV16 },
  },
  {
    title: '#DE: DIV EBX (66 F7 F3), EDX:EAX=0x1:0, EBX=1 (quotient 2^32)',
    cite: DE_CITE,
    from: 'i386',
    setup: { code: [0x66, 0xf7, 0xf3], regs: { edx: 1, eax: 0, ebx: 1 } },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: DIV32 },
  },
  {
    title: '#DE: AAM 0 (D4 00), AX=0x0012',
    cite: 'SDM Vol. 2A AAM (#DE if imm8 = 0); SingleStepTests 80286 D4 (the 286 writes SF ZF PF first)',
    setup: { code: [0xd4, 0x00], regs: { eax: 0x0012 } },
    expect: (f) => ({ kind: 'deliver', vector: 0, ip: IP, flagsMask: AAM | (f.name === 'i286' ? FLAG_SF | FLAG_ZF | FLAG_PF : 0) }),
  },
  {
    title: 'AAM 10 (D4 0A), AX=0x00FF: AH=25, AL=5',
    cite: 'SDM Vol. 2A AAM Operation',
    setup: { code: [0xd4, 0x0a], regs: { eax: 0x00ff } },
    expect: { kind: 'complete', regs: { eax: 0x1905 } },
  },
  {
    title: 'AAD 0 (D5 00), AX=0x0512: no #DE, AX=0x0012',
    cite: 'SDM Vol. 2A AAD (multiplies; its only exception is #UD for LOCK)',
    setup: { code: [0xd5, 0x00], regs: { eax: 0x0512 } },
    expect: { kind: 'complete', regs: { eax: 0x0012 } },
  },
  {
    title: '#DE with TF=1: DIV BL (F6 F3) by zero is delivered, with no single-step trap',
    cite: 'SDM Vol. 3B 17.3.1.4 (a faulting instruction does not complete; delivery clears TF); Vol. 3A 6.9',
    setup: { code: [0xf6, 0xf3], regs: { eax: 0x1234, ebx: 0 }, eflags: BASE_FLAGS | FLAG_TF },
    expect: { kind: 'deliver', vector: 0, ip: IP, flagsMask: DIV8 },
  },
];

/** BOUND operands: word bounds [-5, 10] at DS:0020, [0, 7FFFh] at DS:0030; dword bounds [-5, 10] at DS:0040. */
const BOUNDS16 = [linear(DS, 0x0020), [...w16(-5), ...w16(10)]] as const;
const BOUNDS16_POSITIVE = [linear(DS, 0x0030), [...w16(0), ...w16(0x7fff)]] as const;
const BOUNDS32 = [linear(DS, 0x0040), [...w32(-5), ...w32(10)]] as const;
const BR_CITE = 'SDM Vol. 2A BOUND (signed, bounds inclusive); Vol. 3A 6.15 Interrupt 5 (fault)';

function bound16(index: number, outOfRange: boolean): ExceptionCase {
  return {
    title: `${outOfRange ? '#BR: ' : ''}BOUND AX,[BX] (62 07), AX=0x${index.toString(16)}, bounds [-5, 10]${outOfRange ? '' : ': in range'}`,
    cite: BR_CITE,
    setup: { code: [0x62, 0x07], regs: { eax: index, ebx: 0x0020 }, memory: [BOUNDS16] },
    expect: outOfRange ? { kind: 'deliver', vector: 5, ip: IP } : { kind: 'complete' },
  };
}

function bound32(index: number, outOfRange: boolean): ExceptionCase {
  return {
    title: `${outOfRange ? '#BR: ' : ''}BOUND EAX,[BX] (66 62 07), EAX=0x${(index >>> 0).toString(16)}, bounds [-5, 10]${outOfRange ? '' : ': in range'}`,
    cite: BR_CITE,
    from: 'i386',
    setup: { code: [0x66, 0x62, 0x07], regs: { eax: index >>> 0, ebx: 0x0040 }, memory: [BOUNDS32] },
    expect: outOfRange ? { kind: 'deliver', vector: 5, ip: IP } : { kind: 'complete' },
  };
}

export const boundCases: readonly ExceptionCase[] = [
  bound16(11, true),
  bound16(10, false),
  bound16(0xfffb, false),
  bound16(0xfffa, true),
  {
    title: '#BR: BOUND AX,[BX] (62 07), AX=0x8000 (-32768), bounds [0, 0x7FFF]: the comparison is signed',
    cite: BR_CITE,
    setup: { code: [0x62, 0x07], regs: { eax: 0x8000, ebx: 0x0030 }, memory: [BOUNDS16_POSITIVE] },
    expect: { kind: 'deliver', vector: 5, ip: IP },
  },
  bound32(11, true),
  bound32(10, false),
  bound32(-5, false),
  bound32(-6, true),
  bound32(-0x80000000, true),
  {
    title: '#UD: BOUND AX,AX (62 C0): the bounds operand must be memory',
    cite: 'SDM Vol. 2A BOUND, Real-Address Mode Exceptions (#UD if the second operand is not a memory location)',
    setup: { code: [0x62, 0xc0], regs: { eax: 0x1234 } },
    expect: { kind: 'deliver', vector: 6, ip: IP },
  },
  {
    title: '#GP: BOUND AX,[BX] (62 07), BX=0xFFFE: the upper bound lies past the DS limit',
    cite: 'SDM Vol. 2A BOUND, Real-Address Mode Exceptions (#GP if an operand is outside the segment limit)',
    setup: { code: [0x62, 0x07], regs: { eax: 0, ebx: 0xfffe } },
    expect: { kind: 'deliver', vector: 13, ip: IP },
  },
];

const OF_CITE = 'SDM Vol. 2A INT n/INTO/INT3/INT1 (INTO traps only if OF = 1); Vol. 3A 6.15 Interrupt 4 (trap: next IP pushed)';

export const overflowCases: readonly ExceptionCase[] = [
  {
    title: '#OF: INTO (CE) with OF=1: the next instruction\'s IP is pushed',
    cite: OF_CITE,
    setup: { code: [0xce], eflags: BASE_FLAGS | FLAG_OF },
    expect: { kind: 'deliver', vector: 4, ip: IP + 1 },
  },
  {
    title: 'INTO (CE) with OF=0: no interrupt',
    cite: OF_CITE,
    setup: { code: [0xce], eflags: BASE_FLAGS },
    expect: { kind: 'complete' },
  },
  {
    title: 'INT 4 (CD 04) with OF=0: vector 4 whatever OF',
    cite: 'SDM Vol. 2A INT n (the vector is the immediate)',
    setup: { code: [0xcd, 0x04], eflags: BASE_FLAGS },
    expect: { kind: 'deliver', vector: 4, ip: IP + 2 },
  },
  {
    title: '#OF with TF=1: INTO (CE) with OF=1 enters the #OF handler without a single-step trap',
    cite: 'SDM Vol. 3B 17.3.1.4 (INT n, INT3 and INTO clear TF); ' + OF_CITE,
    setup: { code: [0xce], eflags: BASE_FLAGS | FLAG_OF | FLAG_TF },
    expect: { kind: 'deliver', vector: 4, ip: IP + 1 },
  },
];
