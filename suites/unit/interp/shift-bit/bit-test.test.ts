// Semantics of BT, BTS, BTR and BTC: the Ev,Gv forms (0F A3/AB/B3/BB) and group 8 (0F BA /4-/7,
// Ev,Ib), 16 and 32 bits.
//
// Checked: CF = the selected bit, and the set/reset/complement written back; a register offset
// taken modulo the width; a memory offset as a signed bit-string index that moves the operand
// (-1 -> bit 15 of the word below, 0x11 -> bit 1 of the next word, -33 -> bit 31 two dwords
// below), the moved address wrapping at 64 KiB with 16-bit addressing; an immediate offset masked
// to the width that never moves the operand; ZF untouched and OF SF AF PF left unchanged (the
// table's choice for the undefined ones); LOCK: #UD on BT and on register destinations, accepted
// on BTS/BTR/BTC memory; #GP when the moved operand crosses the segment limit; #UD on the 286.
// Oracle: hand-computed from the SDM Vol. 2A "BT" entry (Table 3-2 and the Bit(BitBase,
// BitOffset) addressing of Vol. 1, 3.1.1.9).
// Left out: 32-bit offsets that reach beyond physical memory.

import { describe } from 'mocha';
import { cases, coversArea, type Case } from './support.ts';

const P32 = { mode: 'prot32' } as const;
/** Every status flag but CF set: 0x8D4 plus bit 1. */
const ALL_BUT_CF = 0x8d6;
const OTHERS_SET = { pf: 1, af: 1, zf: 1, sf: 1, of: 1 } as const;

const BT: Case[] = [
  { title: 'BT r/m16,r16: AX 0x8000 bit 0x0f -> CF=1, AX unchanged', regs: { ax: 0x8000, bx: 0x0f }, code: [0x0f, 0xa3, 0xd8], regsAfter: { ax: 0x8000 }, flagsAfter: { cf: 1 } },
  { title: 'BT r/m16,r16: register offset 0x1f is taken mod 16 (bit 15); ZF OF SF AF PF stay set', regs: { ax: 0x8000, bx: 0x1f }, flags: ALL_BUT_CF, code: [0x0f, 0xa3, 0xd8], flagsAfter: { cf: 1, ...OTHERS_SET } },
  { title: 'BT r/m16,r16: AX 0x7fff bit 0x0f -> CF=0 (CF cleared from 1)', regs: { ax: 0x7fff, bx: 0x0f }, flags: 0x3, code: [0x0f, 0xa3, 0xd8], flagsAfter: { cf: 0 } },
  { title: 'BT m16,r16: offset 0xffff (-1) selects bit 15 of the word at 0x1ffe', regs: { bx: 0xffff }, mem: [[0x1ffe, [0x00, 0x80, 0x00, 0x00]]], code: [0x0f, 0xa3, 0x1e, 0x00, 0x20], flagsAfter: { cf: 1 } },
  { title: 'BT m16,r16: offset 0x0011 selects bit 1 of the word at 0x2002', regs: { bx: 0x11 }, mem: [[0x2000, [0x00, 0x00, 0x02, 0x00]]], code: [0x0f, 0xa3, 0x1e, 0x00, 0x20], flagsAfter: { cf: 1 } },
  { title: 'BT m16,r16: EA 0xfffe + 4 bytes wraps to DS:0x0002 with 16-bit addressing, bit 15', regs: { bx: 0x2f }, segs: { ds: 0x0200 }, mem: [[0x2002, [0x00, 0x80]]], code: [0x0f, 0xa3, 0x1e, 0xfe, 0xff], flagsAfter: { cf: 1 } },
  { ...P32, title: 'BT m32,r32: offset 0xffffffdf (-33) selects bit 31 of the dword at 0x1ff8', regs: { ebx: 0xffffffdf }, mem: [[0x1ff8, [0x00, 0x00, 0x00, 0x80]]], code: [0x0f, 0xa3, 0x1d, 0x00, 0x20, 0x00, 0x00], flagsAfter: { cf: 1 } },
  { title: 'BT r/m32,r32: register offset 0x20 is bit 0 of EAX 0x00000001 -> CF=1', regs: { eax: 1, ecx: 0x20 }, code: [0x66, 0x0f, 0xa3, 0xc8], regsAfter: { eax: 1 }, flagsAfter: { cf: 1 } },
  { title: 'BT r/m16,imm8: [0x2000] bit 0x11 is masked to bit 1 of the same word (no move)', mem: [[0x2000, [0x02, 0x00, 0x00, 0x00]]], code: [0x0f, 0xba, 0x26, 0x00, 0x20, 0x11], flagsAfter: { cf: 1 } },
  { ...P32, title: 'BT r/m32,imm8: EAX 0x80000000 bit 0x1f -> CF=1', regs: { eax: 0x80000000 }, code: [0x0f, 0xba, 0xe0, 0x1f], flagsAfter: { cf: 1 } },
];

const BTS: Case[] = [
  { title: 'BTS m16,r16: [0x2000] 0x0000 bit 3 -> 0x0008, CF=0', regs: { bx: 3 }, mem: [[0x2000, [0x00, 0x00]]], code: [0x0f, 0xab, 0x1e, 0x00, 0x20], memAfter: [[0x2000, [0x08, 0x00]]], flagsAfter: { cf: 0 } },
  { ...P32, title: 'BTS r/m32,r32: EAX 0x00000000 bit 0x1f -> 0x80000000, CF=0', regs: { eax: 0, ecx: 0x1f }, code: [0x0f, 0xab, 0xc8], regsAfter: { eax: 0x80000000 }, flagsAfter: { cf: 0 } },
  { title: 'BTS r/m16,imm8: AX 0x8000 bit 0x0f already set -> 0x8000, CF=1', regs: { ax: 0x8000 }, code: [0x0f, 0xba, 0xe8, 0x0f], regsAfter: { ax: 0x8000 }, flagsAfter: { cf: 1 } },
  { ...P32, title: 'BTS m32,imm8: [0x2000] bit 0x27 is masked to bit 7 -> 0x00000080, CF=0', mem: [[0x2000, [0x00, 0x00, 0x00, 0x00]]], code: [0x0f, 0xba, 0x2d, 0x00, 0x20, 0x00, 0x00, 0x27], memAfter: [[0x2000, [0x80, 0x00, 0x00, 0x00]]], flagsAfter: { cf: 0 } },
  { title: 'LOCK BTS m16,r16: locked memory form executes: [0x2000] bit 0 -> 0x0001', regs: { bx: 0 }, mem: [[0x2000, [0x00, 0x00]]], code: [0xf0, 0x0f, 0xab, 0x1e, 0x00, 0x20], memAfter: [[0x2000, [0x01, 0x00]]], flagsAfter: { cf: 0 } },
];

const BTR: Case[] = [
  { title: 'BTR r/m16,r16: AX 0xffff bit 0 -> 0xfffe, CF=1', regs: { ax: 0xffff, bx: 0 }, code: [0x0f, 0xb3, 0xd8], regsAfter: { ax: 0xfffe }, flagsAfter: { cf: 1 } },
  { ...P32, title: 'BTR m32,r32: offset 0xffffffff (-1) clears bit 31 of the dword at 0x1ffc, CF=1', regs: { ebx: 0xffffffff }, mem: [[0x1ffc, [0xff, 0xff, 0xff, 0xff]]], code: [0x0f, 0xb3, 0x1d, 0x00, 0x20, 0x00, 0x00], memAfter: [[0x1ffc, [0xff, 0xff, 0xff, 0x7f]]], flagsAfter: { cf: 1 } },
  { title: 'BTR m16,imm8: [0x2000] 0xffff bit 0 -> 0xfffe, CF=1', mem: [[0x2000, [0xff, 0xff]]], code: [0x0f, 0xba, 0x36, 0x00, 0x20, 0x00], memAfter: [[0x2000, [0xfe, 0xff]]], flagsAfter: { cf: 1 } },
  { title: 'BTR r/m32,imm8: EDX 0xffffffff bit 0x10 -> 0xfffeffff, CF=1', regs: { edx: 0xffffffff }, code: [0x66, 0x0f, 0xba, 0xf2, 0x10], regsAfter: { edx: 0xfffeffff }, flagsAfter: { cf: 1 } },
];

const BTC: Case[] = [
  { title: 'BTC m16,r16: offset 0x10 toggles bit 0 of the word at 0x2002: 0x0001 -> 0x0000, CF=1', regs: { bx: 0x10 }, mem: [[0x2000, [0x00, 0x00, 0x01, 0x00]]], code: [0x0f, 0xbb, 0x1e, 0x00, 0x20], memAfter: [[0x2000, [0x00, 0x00, 0x00, 0x00]]], flagsAfter: { cf: 1 } },
  { title: 'BTC r/m32,r32: EAX 0x00000000 bit 4 -> 0x00000010, CF=0', regs: { eax: 0, ecx: 4 }, code: [0x66, 0x0f, 0xbb, 0xc8], regsAfter: { eax: 0x10 }, flagsAfter: { cf: 0 } },
  { title: 'BTC r/m16,imm8: BX 0x0010 bit 4 -> 0x0000, CF=1; ZF OF SF AF PF stay set', regs: { bx: 0x10 }, flags: ALL_BUT_CF, code: [0x0f, 0xba, 0xfb, 0x04], regsAfter: { bx: 0 }, flagsAfter: { cf: 1, ...OTHERS_SET } },
  { ...P32, title: 'BTC m32,imm8: [0x2000] 0x00000000 bit 0x1f -> 0x80000000, CF=0', mem: [[0x2000, [0x00, 0x00, 0x00, 0x00]]], code: [0x0f, 0xba, 0x3d, 0x00, 0x20, 0x00, 0x00, 0x1f], memAfter: [[0x2000, [0x00, 0x00, 0x00, 0x80]]], flagsAfter: { cf: 0 } },
];

const FAULTS: Case[] = [
  { title: 'LOCK BT m16,r16: BT is not lockable: #UD', regs: { bx: 0 }, code: [0xf0, 0x0f, 0xa3, 0x1e, 0x00, 0x20], exception: 6 },
  { title: 'LOCK BTS r/m16,r16 with a register destination: #UD, AX 0x0000 unchanged', regs: { ax: 0, bx: 1 }, code: [0xf0, 0x0f, 0xab, 0xd8], exception: 6, regsAfter: { ax: 0 } },
  { title: 'BT m16,r16: EA 0xfffd moved by offset 0x10 to 0xffff crosses the limit: #GP', regs: { bx: 0x10 }, code: [0x0f, 0xa3, 0x1e, 0xfd, 0xff], exception: 13 },
  { title: 'BTS m16,imm8 at DS:0xffff: #GP, memory unchanged', mem: [[0xffff, [0x00]]], code: [0x0f, 0xba, 0x2e, 0xff, 0xff, 0x00], exception: 13, memAfter: [[0xffff, [0x00]]] },
  { title: 'BT on the 286: 0F A3 is #UD', cpu: 'i286', regs: { ax: 1, bx: 0 }, code: [0x0f, 0xa3, 0xd8], exception: 6 },
];

describe('interp/shift-bit: BT, BTS, BTR, BTC', () => {
  describe('BT', () => cases(BT));
  describe('BTS', () => cases(BTS));
  describe('BTR', () => cases(BTR));
  describe('BTC', () => cases(BTC));
  describe('faults', () => cases(FAULTS));
  coversArea('bitTest', [...BT, ...BTS, ...BTR, ...BTC, ...FAULTS]);
});
