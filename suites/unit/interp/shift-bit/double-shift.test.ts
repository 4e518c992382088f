// Semantics of SHLD and SHRD (0F A4/A5, 0F AC/AD), 16 and 32 bits, Ib and CL counts, register
// and memory destinations.
//
// Checked: the result, with the source register's bits shifted in and the source unchanged;
// CF (the last bit out), OF for 1-bit counts (sign change), SF ZF PF; the 5-bit count mask and a
// masked count of 0 changing nothing; counts equal to the operand width; the undefined 16-bit
// counts 17-31 (the table's choice: shift through dest:src:dest); faults of a memory destination;
// #UD before the 386.
// Oracle: hand-computed from the SDM Vol. 2B "SHLD" and "SHRD" pseudo-code; OF for counts > 1
// and AF follow the table notes (QEMU).
// Left out: LOCK (the forms are not lockable; the decoder's LOCK check is tested elsewhere).

import { describe } from 'mocha';
import { ALL_STATUS, ALL_STATUS_SET, cases, coversArea, type Case } from './support.ts';

const P32 = { mode: 'prot32' } as const;

const SHLD: Case[] = [
  { title: 'SHLD r/m16,r16,imm8: AX 0x1234 with BX 0xabcd by 4 -> 0x234a, CF=1, BX unchanged', regs: { ax: 0x1234, bx: 0xabcd }, code: [0x0f, 0xa4, 0xd8, 0x04], regsAfter: { ax: 0x234a, bx: 0xabcd }, flagsAfter: { cf: 1, sf: 0, zf: 0, pf: 0 } },
  { title: 'SHLD r/m16,r16,CL: [0x2000] 0x8000 with DX 0x8000 by 1 -> 0x0001, CF=1 OF=1 (sign change)', regs: { dx: 0x8000, cl: 1 }, mem: [[0x2000, [0x00, 0x80]]], code: [0x0f, 0xa5, 0x16, 0x00, 0x20], memAfter: [[0x2000, [0x01, 0x00]]], flagsAfter: { cf: 1, of: 1, sf: 0, zf: 0, pf: 0 } },
  { title: 'SHLD r/m16,r16,imm8: by 0x10 (the width) AX 0x1234 becomes BX 0xabcd, CF=0 SF=1', regs: { ax: 0x1234, bx: 0xabcd }, code: [0x0f, 0xa4, 0xd8, 0x10], regsAfter: { ax: 0xabcd }, flagsAfter: { cf: 0, sf: 1, pf: 0 } },
  { title: 'SHLD r/m16,r16,imm8: by 0x14 (undefined) shifts through dest:src:dest: 0x1234/0xabcd -> 0xbcd1, CF=0', regs: { ax: 0x1234, bx: 0xabcd }, code: [0x0f, 0xa4, 0xd8, 0x14], regsAfter: { ax: 0xbcd1 }, flagsAfter: { cf: 0 } },
  { ...P32, title: 'SHLD r/m32,r32,imm8: EAX 0x12345678 with EDX 0x9abcdef0 by 8 -> 0x3456789a, CF=0 PF=1', regs: { eax: 0x12345678, edx: 0x9abcdef0 }, code: [0x0f, 0xa4, 0xd0, 0x08], regsAfter: { eax: 0x3456789a, edx: 0x9abcdef0 }, flagsAfter: { cf: 0, sf: 0, zf: 0, pf: 1 } },
  { title: 'SHLD r/m32,r32,CL: [0x2000] 0xffffffff with EBX 0 by 0x1f -> 0x80000000, CF=1 SF=1', regs: { ebx: 0, cl: 0x1f }, mem: [[0x2000, [0xff, 0xff, 0xff, 0xff]]], code: [0x66, 0x0f, 0xa5, 0x1e, 0x00, 0x20], memAfter: [[0x2000, [0x00, 0x00, 0x00, 0x80]]], flagsAfter: { cf: 1, sf: 1, zf: 0, pf: 1 } },
  { title: 'SHLD r/m16,r16,CL: count 0x20 masks to 0: AX 0x1234 and all flags unchanged', regs: { ax: 0x1234, bx: 0xabcd, cl: 0x20 }, flags: ALL_STATUS, code: [0x0f, 0xa5, 0xd8], regsAfter: { ax: 0x1234 }, flagsAfter: ALL_STATUS_SET },
  { title: 'SHLD r/m16,r16,imm8: 0x4000 with 0 by 1 -> 0x8000, OF=1 CF=0; AF (undefined) = 0', regs: { ax: 0x4000, bx: 0 }, flags: ALL_STATUS, code: [0x0f, 0xa4, 0xd8, 0x01], regsAfter: { ax: 0x8000 }, flagsAfter: { of: 1, cf: 0, af: 0, sf: 1, zf: 0, pf: 1 } },
];

const SHRD: Case[] = [
  { title: 'SHRD r/m16,r16,imm8: AX 0x1234 with BX 0xabcd by 4 -> 0xd123, CF=0 SF=1', regs: { ax: 0x1234, bx: 0xabcd }, code: [0x0f, 0xac, 0xd8, 0x04], regsAfter: { ax: 0xd123, bx: 0xabcd }, flagsAfter: { cf: 0, sf: 1, zf: 0, pf: 0 } },
  { title: 'SHRD r/m16,r16,CL: [0x2000] 0x0001 with DX 0x0000 by 1 -> 0x0000, CF=1 ZF=1 OF=0', regs: { dx: 0, cl: 1 }, mem: [[0x2000, [0x01, 0x00]]], code: [0x0f, 0xad, 0x16, 0x00, 0x20], memAfter: [[0x2000, [0x00, 0x00]]], flagsAfter: { cf: 1, zf: 1, of: 0, sf: 0, pf: 1 } },
  { title: 'SHRD r/m16,r16,imm8: by 0x14 (undefined) shifts through dest:src:dest: 0x1234/0xabcd -> 0x4abc, CF=1', regs: { ax: 0x1234, bx: 0xabcd }, code: [0x0f, 0xac, 0xd8, 0x14], regsAfter: { ax: 0x4abc }, flagsAfter: { cf: 1 } },
  { title: 'SHRD r/m16,r16,imm8: by 0x10 (the width) AX 0x8001 becomes BX 0x7fff, CF=1', regs: { ax: 0x8001, bx: 0x7fff }, code: [0x0f, 0xac, 0xd8, 0x10], regsAfter: { ax: 0x7fff }, flagsAfter: { cf: 1, sf: 0 } },
  { ...P32, title: 'SHRD r/m32,r32,imm8: EAX 0x12345678 with EDX 0x9abcdef0 by 8 -> 0xf0123456, CF=0 SF=1 PF=1', regs: { eax: 0x12345678, edx: 0x9abcdef0 }, code: [0x0f, 0xac, 0xd0, 0x08], regsAfter: { eax: 0xf0123456 }, flagsAfter: { cf: 0, sf: 1, zf: 0, pf: 1 } },
  { ...P32, title: 'SHRD r/m32,r32,CL: [0x2000] 0x00000001 with EBX 0x00000001 by 1 -> 0x80000000, CF=1 OF=1', regs: { ebx: 1, ecx: 1 }, mem: [[0x2000, [0x01, 0x00, 0x00, 0x00]]], code: [0x0f, 0xad, 0x1d, 0x00, 0x20, 0x00, 0x00], memAfter: [[0x2000, [0x00, 0x00, 0x00, 0x80]]], flagsAfter: { cf: 1, of: 1, sf: 1, zf: 0 } },
  { title: 'SHRD r/m32,r32,CL: count 0x40 masks to 0: EAX 0xffffffff and all flags unchanged', regs: { eax: 0xffffffff, ebx: 0, cl: 0x40 }, flags: ALL_STATUS, code: [0x66, 0x0f, 0xad, 0xd8], regsAfter: { eax: 0xffffffff }, flagsAfter: ALL_STATUS_SET },
  { title: 'SHRD r/m32,r32,imm8: EAX 0x00000002 with EBX 0xffffffff by 2 -> 0xc0000000, CF=1; OF (undefined) = 0', regs: { eax: 2, ebx: 0xffffffff }, code: [0x66, 0x0f, 0xac, 0xd8, 0x02], regsAfter: { eax: 0xc0000000 }, flagsAfter: { cf: 1, of: 0, sf: 1 } },
];

const FAULTS: Case[] = [
  { title: 'SHRD r/m16,r16,imm8: a word at DS:0xffff raises #GP with IP 0x1000 pushed', code: [0x0f, 0xac, 0x1e, 0xff, 0xff, 0x01], exception: 13 },
  { title: 'SHLD r/m16,r16,CL: a count of 0x00 still reads [0xffff]: #GP', regs: { cl: 0 }, code: [0x0f, 0xa5, 0x1e, 0xff, 0xff], exception: 13 },
  { title: 'SHLD on the 286: 0F A4 is #UD, AX 0x1234 unchanged', cpu: 'i286', regs: { ax: 0x1234, bx: 0xabcd }, code: [0x0f, 0xa4, 0xd8, 0x04], exception: 6, regsAfter: { ax: 0x1234 } },
];

describe('interp/shift-bit: SHLD and SHRD', () => {
  describe('SHLD', () => cases(SHLD));
  describe('SHRD', () => cases(SHRD));
  describe('faults', () => cases(FAULTS));
  coversArea('doubleShift', [...SHLD, ...SHRD, ...FAULTS]);
});
