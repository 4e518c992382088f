// Semantics of BSWAP (0F C8+r), XADD (0F C0/C1), CMPXCHG (0F B0/B1) and CMPXCHG8B (0F C7 /1).
//
// Checked: BSWAP r32 byte reversal and the undefined 16-bit form (the table's choice: the low
// word becomes 0, the upper half is kept); XADD's sum, exchange and ADD flags at the 8/16/32-bit
// carry and overflow edges, and XADD r,r on one register (destination written last); CMPXCHG
// equal and unequal, register and memory, with CMP flags (accumulator minus destination), the
// accumulator as its own destination; CMPXCHG8B equal and unequal with only ZF written; LOCK
// accepted on memory forms and #UD on register forms; #GP for operands crossing DS:0xffff (the
// whole quadword for CMPXCHG8B, before anything is written); #UD for mod=3 CMPXCHG8B and on models
// that predate each form (386 for BSWAP/XADD/CMPXCHG, 486 for CMPXCHG8B).
// Oracle: hand-computed from the SDM Vol. 2A/2B "BSWAP", "XADD", "CMPXCHG" and "CMPXCHG8B/16B"
// pseudo-code.
// Left out: the write-back of the old value on a CMPXCHG mismatch cannot be observed yet (it
// matters for write-protected pages and read-only segments, which access.ts does not model).

import { describe } from 'mocha';
import { ALL_STATUS, cases, coversArea, type Case } from './support.ts';

const P32 = { mode: 'prot32' } as const;

const BSWAP: Case[] = [
  { ...P32, title: 'BSWAP r32: EAX 0x12345678 -> 0x78563412', regs: { eax: 0x12345678 }, code: [0x0f, 0xc8], regsAfter: { eax: 0x78563412 } },
  { ...P32, title: 'BSWAP r32: EDI 0x80000001 -> 0x01000080', regs: { edi: 0x80000001 }, code: [0x0f, 0xcf], regsAfter: { edi: 0x01000080 } },
  { title: 'BSWAP r32 (66, real mode): EDX 0x00ff00ff -> 0xff00ff00', regs: { edx: 0x00ff00ff }, code: [0x66, 0x0f, 0xca], regsAfter: { edx: 0xff00ff00 } },
  { title: 'BSWAP r16 (undefined): ECX 0xabcd1234 -> 0xabcd0000 (low word zeroed, upper half kept)', regs: { ecx: 0xabcd1234 }, code: [0x0f, 0xc9], regsAfter: { ecx: 0xabcd0000 } },
  { ...P32, title: 'BSWAP r16 (66, undefined): EAX 0x12345678 -> 0x12340000', regs: { eax: 0x12345678 }, code: [0x66, 0x0f, 0xc8], regsAfter: { eax: 0x12340000 } },
  { title: 'BSWAP on the 386: 0F C8 is #UD, EAX 0x12345678 unchanged', cpu: 'i386', regs: { eax: 0x12345678 }, code: [0x66, 0x0f, 0xc8], exception: 6, regsAfter: { eax: 0x12345678 } },
];

const XADD: Case[] = [
  { title: 'XADD r/m8,r8: AL 0x7f + BL 0x01 -> AL 0x80, BL 0x7f; OF=1 SF=1 AF=1 CF=0 ZF=0 PF=0', regs: { al: 0x7f, bl: 0x01 }, code: [0x0f, 0xc0, 0xd8], regsAfter: { al: 0x80, bl: 0x7f }, flagsAfter: { of: 1, sf: 1, af: 1, cf: 0, zf: 0, pf: 0 } },
  { title: 'XADD m8,r8: [0x2000] 0xff + CL 0x01 -> 0x00, CL 0xff; CF=1 ZF=1 AF=1 PF=1 OF=0', regs: { cl: 0x01 }, mem: [[0x2000, [0xff]]], code: [0x0f, 0xc0, 0x0e, 0x00, 0x20], memAfter: [[0x2000, [0x00]]], regsAfter: { cl: 0xff }, flagsAfter: { cf: 1, zf: 1, af: 1, pf: 1, of: 0, sf: 0 } },
  { title: 'XADD r/m16,r16: AX 0xffff + BX 0x0001 -> AX 0x0000, BX 0xffff; CF=1 ZF=1', regs: { ax: 0xffff, bx: 1 }, code: [0x0f, 0xc1, 0xd8], regsAfter: { ax: 0, bx: 0xffff }, flagsAfter: { cf: 1, zf: 1, of: 0 } },
  { title: 'XADD AX,AX: 0x4000 -> 0x8000 (the destination is written last); OF=1', regs: { ax: 0x4000 }, code: [0x0f, 0xc1, 0xc0], regsAfter: { ax: 0x8000 }, flagsAfter: { of: 1, sf: 1, cf: 0 } },
  { title: 'XADD m16,r16: [0x2000] 0x1234 + DX 0x1111 -> 0x2345, DX 0x1234; AF=0 PF=0', regs: { dx: 0x1111 }, mem: [[0x2000, [0x34, 0x12]]], code: [0x0f, 0xc1, 0x16, 0x00, 0x20], memAfter: [[0x2000, [0x45, 0x23]]], regsAfter: { dx: 0x1234 }, flagsAfter: { af: 0, pf: 0, cf: 0, of: 0 } },
  { ...P32, title: 'XADD r/m32,r32: EAX 0x7fffffff + ECX 0x00000001 -> 0x80000000, ECX 0x7fffffff; OF=1 SF=1', regs: { eax: 0x7fffffff, ecx: 1 }, code: [0x0f, 0xc1, 0xc8], regsAfter: { eax: 0x80000000, ecx: 0x7fffffff }, flagsAfter: { of: 1, sf: 1, cf: 0, zf: 0 } },
  { title: 'XADD m32,r32: [0x2000] 0xffffffff + EBX 0xffffffff -> 0xfffffffe; CF=1 SF=1 AF=1 OF=0', regs: { ebx: 0xffffffff }, mem: [[0x2000, [0xff, 0xff, 0xff, 0xff]]], code: [0x66, 0x0f, 0xc1, 0x1e, 0x00, 0x20], memAfter: [[0x2000, [0xfe, 0xff, 0xff, 0xff]]], regsAfter: { ebx: 0xffffffff }, flagsAfter: { cf: 1, sf: 1, af: 1, of: 0, pf: 0 } },
  { title: 'LOCK XADD m16,r16: locked memory form executes: [0x2000] 0x0001 + DX 0x0001 -> 0x0002', regs: { dx: 1 }, mem: [[0x2000, [0x01, 0x00]]], code: [0xf0, 0x0f, 0xc1, 0x16, 0x00, 0x20], memAfter: [[0x2000, [0x02, 0x00]]], regsAfter: { dx: 1 } },
  { title: 'LOCK XADD r/m16,r16 with a register destination: #UD', regs: { ax: 1, bx: 1 }, code: [0xf0, 0x0f, 0xc1, 0xd8], exception: 6, regsAfter: { ax: 1, bx: 1 } },
  { title: 'XADD m16,r16 at DS:0xffff: #GP, DX 0x1111 unchanged', regs: { dx: 0x1111 }, code: [0x0f, 0xc1, 0x16, 0xff, 0xff], exception: 13, regsAfter: { dx: 0x1111 } },
  { title: 'XADD on the 386: 0F C1 is #UD', cpu: 'i386', regs: { ax: 1, bx: 1 }, code: [0x0f, 0xc1, 0xd8], exception: 6, regsAfter: { ax: 1 } },
];

const CMPXCHG: Case[] = [
  { title: 'CMPXCHG r/m8,r8 equal: AL 0x12 = BL 0x12 -> BL = CL 0x34, AL kept, ZF=1 CF=0', regs: { al: 0x12, bl: 0x12, cl: 0x34 }, code: [0x0f, 0xb0, 0xcb], regsAfter: { bl: 0x34, al: 0x12 }, flagsAfter: { zf: 1, cf: 0 } },
  { title: 'CMPXCHG m8,r8 unequal: AL 0x01 vs [0x2000] 0x02 -> AL 0x02, memory kept; CF=1 SF=1 AF=1 PF=1 ZF=0 OF=0', regs: { al: 0x01, cl: 0x99 }, mem: [[0x2000, [0x02]]], code: [0x0f, 0xb0, 0x0e, 0x00, 0x20], memAfter: [[0x2000, [0x02]]], regsAfter: { al: 0x02 }, flagsAfter: { cf: 1, sf: 1, af: 1, pf: 1, zf: 0, of: 0 } },
  { title: 'CMPXCHG m16,r16 equal: AX 0x8000 = [0x2000] -> [0x2000] = DX 0x1234, ZF=1', regs: { ax: 0x8000, dx: 0x1234 }, mem: [[0x2000, [0x00, 0x80]]], code: [0x0f, 0xb1, 0x16, 0x00, 0x20], memAfter: [[0x2000, [0x34, 0x12]]], regsAfter: { ax: 0x8000 }, flagsAfter: { zf: 1 } },
  { title: 'CMPXCHG r/m16,r16 unequal: AX 0x0000 vs BX 0x7fff -> AX 0x7fff, BX kept; CF=1 SF=1 AF=1 OF=0', regs: { ax: 0, bx: 0x7fff, cx: 0x5555 }, code: [0x0f, 0xb1, 0xcb], regsAfter: { ax: 0x7fff, bx: 0x7fff }, flagsAfter: { cf: 1, sf: 1, af: 1, of: 0, zf: 0 } },
  { ...P32, title: 'CMPXCHG r/m32,r32 equal: EAX 0xffffffff = EBX -> EBX = ECX 0x00000000, ZF=1', regs: { eax: 0xffffffff, ebx: 0xffffffff, ecx: 0 }, code: [0x0f, 0xb1, 0xcb], regsAfter: { ebx: 0, eax: 0xffffffff }, flagsAfter: { zf: 1, cf: 0 } },
  { title: 'CMPXCHG m32,r32 unequal: EAX 0x80000000 vs [0x2000] 0x00000001 -> EAX 0x00000001; OF=1 AF=1 PF=1 CF=0', regs: { eax: 0x80000000, ecx: 0x99 }, mem: [[0x2000, [0x01, 0x00, 0x00, 0x00]]], code: [0x66, 0x0f, 0xb1, 0x0e, 0x00, 0x20], memAfter: [[0x2000, [0x01, 0x00, 0x00, 0x00]]], regsAfter: { eax: 1 }, flagsAfter: { of: 1, af: 1, pf: 1, cf: 0, sf: 0, zf: 0 } },
  { title: 'CMPXCHG AL,BL with AL as the destination: always equal, AL = BL 0x66, ZF=1', regs: { al: 0x55, bl: 0x66 }, code: [0x0f, 0xb0, 0xd8], regsAfter: { al: 0x66 }, flagsAfter: { zf: 1 } },
  { title: 'LOCK CMPXCHG m16,r16: locked memory form executes (equal, [0x2000] = DX 0x0007)', regs: { ax: 0, dx: 7 }, mem: [[0x2000, [0x00, 0x00]]], code: [0xf0, 0x0f, 0xb1, 0x16, 0x00, 0x20], memAfter: [[0x2000, [0x07, 0x00]]], flagsAfter: { zf: 1 } },
  { title: 'LOCK CMPXCHG r/m16,r16 with a register destination: #UD', regs: { ax: 0, bx: 0 }, code: [0xf0, 0x0f, 0xb1, 0xcb], exception: 6 },
  { title: 'CMPXCHG m16,r16 at DS:0xffff: #GP, AX 0x0001 unchanged', regs: { ax: 1 }, code: [0x0f, 0xb1, 0x16, 0xff, 0xff], exception: 13, regsAfter: { ax: 1 } },
  { title: 'CMPXCHG on the 386: 0F B1 is #UD', cpu: 'i386', regs: { ax: 0, bx: 0 }, code: [0x0f, 0xb1, 0xcb], exception: 6 },
];

const CMPXCHG8B: Case[] = [
  {
    title: 'CMPXCHG8B m64 equal: EDX:EAX 0x22222222:0x11111111 = [0x2000] -> ECX:EBX 0x44444444:0x33333333 stored, ZF=1',
    regs: { eax: 0x11111111, edx: 0x22222222, ebx: 0x33333333, ecx: 0x44444444 },
    mem: [[0x2000, [0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22]]],
    code: [0x0f, 0xc7, 0x0e, 0x00, 0x20],
    memAfter: [[0x2000, [0x33, 0x33, 0x33, 0x33, 0x44, 0x44, 0x44, 0x44]]],
    regsAfter: { eax: 0x11111111, edx: 0x22222222 },
    flagsAfter: { zf: 1 },
  },
  {
    ...P32,
    title: 'CMPXCHG8B m64 unequal: EDX:EAX <- [0x2000] 0x88776655:0x44332211, ZF=0, CF OF SF AF PF kept',
    regs: { eax: 0, edx: 0, ebx: 0x33333333, ecx: 0x44444444 },
    flags: ALL_STATUS,
    mem: [[0x2000, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]]],
    code: [0x0f, 0xc7, 0x0d, 0x00, 0x20, 0x00, 0x00],
    memAfter: [[0x2000, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]]],
    regsAfter: { eax: 0x44332211, edx: 0x88776655 },
    flagsAfter: { zf: 0, cf: 1, of: 1, sf: 1, af: 1, pf: 1 },
  },
  { title: 'LOCK CMPXCHG8B m64: locked form executes (unequal, EAX <- 0x04030201)', regs: { eax: 0, edx: 0 }, mem: [[0x2000, [0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00]]], code: [0xf0, 0x0f, 0xc7, 0x0e, 0x00, 0x20], regsAfter: { eax: 0x04030201, edx: 0 }, flagsAfter: { zf: 0 } },
  { title: 'CMPXCHG8B with a register operand (0F C7 C8, mod=3): #UD', regs: { eax: 1 }, code: [0x0f, 0xc7, 0xc8], exception: 6, regsAfter: { eax: 1 } },
  {
    title: 'CMPXCHG8B m64 at DS:0xfffc crosses the limit: #GP before anything is written',
    regs: { eax: 0x04030201, edx: 0, ebx: 0xaaaaaaaa, ecx: 0xbbbbbbbb },
    mem: [[0xfffc, [0x01, 0x02, 0x03, 0x04]], [0x0000, [0x00, 0x00, 0x00, 0x00]]],
    code: [0x0f, 0xc7, 0x0e, 0xfc, 0xff],
    exception: 13,
    // EDX:EAX equals what a wrapped read would find, so only the quadword limit check stops
    // the ECX:EBX stores.
    memAfter: [[0xfffc, [0x01, 0x02, 0x03, 0x04]], [0x0000, [0x00, 0x00, 0x00, 0x00]]],
  },
  { title: 'CMPXCHG8B on the 486: 0F C7 /1 is #UD', cpu: 'i486', code: [0x0f, 0xc7, 0x0e, 0x00, 0x20], exception: 6 },
];

describe('interp/shift-bit: BSWAP, XADD, CMPXCHG, CMPXCHG8B', () => {
  describe('BSWAP', () => cases(BSWAP));
  describe('XADD', () => cases(XADD));
  describe('CMPXCHG', () => cases(CMPXCHG));
  describe('CMPXCHG8B', () => cases(CMPXCHG8B));
  coversArea('exchange', [...BSWAP, ...XADD, ...CMPXCHG, ...CMPXCHG8B]);
});
