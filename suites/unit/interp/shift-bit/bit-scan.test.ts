// Semantics of BSF and BSR (0F BC/BD), 16 and 32 bits, register and memory sources.
//
// Checked: the index of the lowest (BSF) / highest (BSR) set bit at the edges (bit 0, bit 15,
// bit 31, all ones); ZF=0 for a nonzero source; a zero source sets ZF and leaves the destination
// unchanged (the table's choice, what Intel hardware and QEMU do); the undefined CF OF SF AF PF as
// the table chooses (QEMU: flags of a logical operation on the source); #GP for a source at
// DS:0xffff; #UD on the 286.
// Oracle: hand-computed from the SDM Vol. 2A "BSF" and "BSR" pseudo-code.
// Left out: nothing else these forms do.

import { describe } from 'mocha';
import { ALL_STATUS, cases, coversArea, type Case } from './support.ts';

const P32 = { mode: 'prot32' } as const;

const BSF: Case[] = [
  { title: 'BSF r16,r/m16: BX 0x8000 -> AX 0x000f, ZF=0', regs: { ax: 0xffff, bx: 0x8000 }, code: [0x0f, 0xbc, 0xc3], regsAfter: { ax: 0x0f }, flagsAfter: { zf: 0 } },
  { title: 'BSF r16,r/m16: BX 0xffff -> AX 0x0000', regs: { ax: 0x1234, bx: 0xffff }, code: [0x0f, 0xbc, 0xc3], regsAfter: { ax: 0 }, flagsAfter: { zf: 0 } },
  { title: 'BSF r16,m16: [0x2000] 0x0000 sets ZF=1 and leaves AX 0x1234 unchanged', regs: { ax: 0x1234 }, mem: [[0x2000, [0x00, 0x00]]], code: [0x0f, 0xbc, 0x06, 0x00, 0x20], regsAfter: { ax: 0x1234 }, flagsAfter: { zf: 1 } },
  { ...P32, title: 'BSF r32,r/m32: EBX 0x00010000 -> EAX 0x00000010', regs: { eax: 0xffffffff, ebx: 0x00010000 }, code: [0x0f, 0xbc, 0xc3], regsAfter: { eax: 0x10 }, flagsAfter: { zf: 0 } },
  { title: 'BSF r32,m32: [0x2000] 0xfffffffe -> EAX 0x00000001', mem: [[0x2000, [0xfe, 0xff, 0xff, 0xff]]], code: [0x66, 0x0f, 0xbc, 0x06, 0x00, 0x20], regsAfter: { eax: 1 }, flagsAfter: { zf: 0 } },
  { ...P32, title: 'BSF r32,r/m32: EBX 0x00000000 sets ZF=1, EAX 0xdeadbeef unchanged', regs: { eax: 0xdeadbeef, ebx: 0 }, code: [0x0f, 0xbc, 0xc3], regsAfter: { eax: 0xdeadbeef }, flagsAfter: { zf: 1 } },
  { title: 'BSF r16,r/m16: undefined CF OF AF = 0, SF PF from the source 0x8080 (QEMU)', regs: { bx: 0x8080 }, flags: ALL_STATUS, code: [0x0f, 0xbc, 0xc3], regsAfter: { ax: 7 }, flagsAfter: { zf: 0, cf: 0, of: 0, af: 0, sf: 1, pf: 0 } },
];

const BSR: Case[] = [
  { title: 'BSR r16,r/m16: BX 0x0001 -> AX 0x0000, ZF=0', regs: { ax: 0xffff, bx: 1 }, code: [0x0f, 0xbd, 0xc3], regsAfter: { ax: 0 }, flagsAfter: { zf: 0 } },
  { title: 'BSR r16,m16: [0x2000] 0xffff -> AX 0x000f', mem: [[0x2000, [0xff, 0xff]]], code: [0x0f, 0xbd, 0x06, 0x00, 0x20], regsAfter: { ax: 0x0f }, flagsAfter: { zf: 0 } },
  { title: 'BSR r16,r/m16: BX 0x0000 sets ZF=1, AX 0x5555 unchanged', regs: { ax: 0x5555, bx: 0 }, code: [0x0f, 0xbd, 0xc3], regsAfter: { ax: 0x5555 }, flagsAfter: { zf: 1 } },
  { ...P32, title: 'BSR r32,r/m32: EBX 0x80000000 -> EAX 0x0000001f', regs: { ebx: 0x80000000 }, code: [0x0f, 0xbd, 0xc3], regsAfter: { eax: 0x1f }, flagsAfter: { zf: 0 } },
  { title: 'BSR r32,r/m32: EBX 0x00000000 sets ZF=1, EAX 0xdeadbeef unchanged', regs: { eax: 0xdeadbeef, ebx: 0 }, code: [0x66, 0x0f, 0xbd, 0xc3], regsAfter: { eax: 0xdeadbeef }, flagsAfter: { zf: 1 } },
  { ...P32, title: 'BSR r32,m32: [0x2000] 0x00012345 -> ECX 0x00000010', mem: [[0x2000, [0x45, 0x23, 0x01, 0x00]]], code: [0x0f, 0xbd, 0x0d, 0x00, 0x20, 0x00, 0x00], regsAfter: { ecx: 0x10 }, flagsAfter: { zf: 0 } },
];

const FAULTS: Case[] = [
  { title: 'BSF r16,m16: a source at DS:0xffff raises #GP, AX unchanged', regs: { ax: 0x1234 }, code: [0x0f, 0xbc, 0x06, 0xff, 0xff], exception: 13, regsAfter: { ax: 0x1234 } },
  { title: 'BSR on the 286: 0F BD is #UD', cpu: 'i286', regs: { bx: 1 }, code: [0x0f, 0xbd, 0xc3], exception: 6 },
];

describe('interp/shift-bit: BSF and BSR', () => {
  describe('BSF', () => cases(BSF));
  describe('BSR', () => cases(BSR));
  describe('faults', () => cases(FAULTS));
  coversArea('bitScan', [...BSF, ...BSR, ...FAULTS]);
});
