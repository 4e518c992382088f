// Semantics of SETcc (0F 90-9F, Eb) and CMOVcc (0F 40-4F, Gv,Ev; 16 and 32 bits).
//
// Checked: every one of the 16 conditions, true and false, for SETcc (AL 0xaa becomes 0x01 or
// 0x00) and for CMOVcc (16-bit: moved when true; 32-bit: destination kept when false); a memory
// SETcc with ModRM.reg = 7 (ignored); SETcc reading flags still lazily recorded by CMPXCHG (the
// CMP-style fast path of testCondition, unsigned and signed); CMOVcc with a memory source, taken,
// and not taken at DS:0xffff, which still faults (#GP) because the source is always read;
// CMOVcc #UD on the Pentium and accepted on the P6; SETcc #UD on the 286.
// Oracle: the SDM Vol. 2A, Table B-1 "Condition codes" and the "SETcc" and "CMOVcc" pseudo-code,
// with the flag values chosen by hand for each row.
// Left out: flags written by other groups' instructions (their own tests).

import { describe } from 'mocha';
import { cases, coversArea, type Case } from './support.ts';

interface Condition {
  readonly name: string;
  /** EFLAGS making the condition true, and false. */
  readonly yes: number;
  readonly no: number;
}

/** In tttn order (the low opcode nibble). */
const CONDITIONS: readonly Condition[] = [
  { name: 'O', yes: 0x802, no: 0x002 },
  { name: 'NO', yes: 0x002, no: 0x802 },
  { name: 'B', yes: 0x003, no: 0x002 },
  { name: 'AE', yes: 0x002, no: 0x003 },
  { name: 'E', yes: 0x042, no: 0x002 },
  { name: 'NE', yes: 0x002, no: 0x042 },
  { name: 'BE', yes: 0x042, no: 0x002 },
  { name: 'A', yes: 0x002, no: 0x003 },
  { name: 'S', yes: 0x082, no: 0x002 },
  { name: 'NS', yes: 0x002, no: 0x082 },
  { name: 'P', yes: 0x006, no: 0x002 },
  { name: 'NP', yes: 0x002, no: 0x006 },
  { name: 'L', yes: 0x082, no: 0x882 },
  { name: 'GE', yes: 0x882, no: 0x802 },
  { name: 'LE', yes: 0x802, no: 0x002 },
  { name: 'G', yes: 0x882, no: 0x8c2 },
];

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

const SETCC: Case[] = CONDITIONS.flatMap((c, n) => [
  { title: `SET${c.name} r/m8: flags ${hex(c.yes, 4)} -> AL 0x01`, regs: { al: 0xaa }, flags: c.yes, code: [0x0f, 0x90 + n, 0xc0], regsAfter: { al: 0x01 } },
  { title: `SET${c.name} r/m8: flags ${hex(c.no, 4)} -> AL 0x00`, regs: { al: 0xaa }, flags: c.no, code: [0x0f, 0x90 + n, 0xc0], regsAfter: { al: 0x00 } },
]);

const SETCC_MORE: Case[] = [
  { title: 'SETE m8 with ModRM.reg 7 (ignored): flags 0x0042 -> [0x2000] 0xff becomes 0x01', flags: 0x42, mem: [[0x2000, [0xff]]], code: [0x0f, 0x94, 0x3e, 0x00, 0x20], memAfter: [[0x2000, [0x01]]] },
  { title: 'SETB after CMPXCHG AX 0x0001 vs BX 0x0002 (lazy CMP flags): CL 0x01', regs: { ax: 1, bx: 2, cx: 0xffff }, code: [0x0f, 0xb1, 0xcb, 0x0f, 0x92, 0xc1], regsAfter: { cl: 0x01, ax: 2 } },
  { title: 'SETL after CMPXCHG AX 0x8000 vs BX 0x0001 (lazy): SETL CL 0x01 (signed), SETA CH 0x01 (unsigned)', regs: { ax: 0x8000, bx: 1, cx: 0xffff }, code: [0x0f, 0xb1, 0xcb, 0x0f, 0x9c, 0xc1, 0x0f, 0x97, 0xc5], regsAfter: { cl: 0x01, ch: 0x01 } },
  { title: 'SETG after CMPXCHG AX 0x0005 vs BX 0x0005 (equal): CL 0x00, SETE CH 0x01', regs: { ax: 5, bx: 5, cx: 0xffff }, code: [0x0f, 0xb1, 0xcb, 0x0f, 0x9f, 0xc1, 0x0f, 0x94, 0xc5], regsAfter: { cl: 0x00, ch: 0x01 } },
  { title: 'SETO on the 286: 0F 90 is #UD', cpu: 'i286', flags: 0x802, regs: { al: 0xaa }, code: [0x0f, 0x90, 0xc0], exception: 6, regsAfter: { al: 0xaa } },
];

const CMOV: Case[] = CONDITIONS.flatMap((c, n) => [
  { title: `CMOV${c.name} r16,r/m16: flags ${hex(c.yes, 4)} moves BX 0xbeef into AX 0x1111`, regs: { ax: 0x1111, bx: 0xbeef }, flags: c.yes, code: [0x0f, 0x40 + n, 0xc3], regsAfter: { ax: 0xbeef } },
  { title: `CMOV${c.name} r32,r/m32: flags ${hex(c.no, 4)} keeps EAX 0x11111111 (EBX 0xdeadbeef not moved)`, regs: { eax: 0x11111111, ebx: 0xdeadbeef }, flags: c.no, code: [0x66, 0x0f, 0x40 + n, 0xc3], regsAfter: { eax: 0x11111111 } },
]);

const CMOV_MORE: Case[] = [
  { title: 'CMOVE r16,m16: flags 0x0042 loads [0x2000] 0xbeef into AX', flags: 0x42, mem: [[0x2000, [0xef, 0xbe]]], code: [0x0f, 0x44, 0x06, 0x00, 0x20], regsAfter: { ax: 0xbeef } },
  { mode: 'prot32', title: 'CMOVG r32,m32: flags 0x0002 loads [0x2000] 0x12345678 into EAX', mem: [[0x2000, [0x78, 0x56, 0x34, 0x12]]], code: [0x0f, 0x4f, 0x05, 0x00, 0x20, 0x00, 0x00], regsAfter: { eax: 0x12345678 } },
  { title: 'CMOVE r16,m16: condition false (flags 0x0002) still reads DS:0xffff: #GP, AX unchanged', regs: { ax: 0x1111 }, code: [0x0f, 0x44, 0x06, 0xff, 0xff], exception: 13, regsAfter: { ax: 0x1111 } },
  { title: 'CMOVE on the Pentium: 0F 44 is #UD (CMOVcc is P6)', cpu: 'pentium', flags: 0x42, regs: { ax: 0x1111, bx: 0x2222 }, code: [0x0f, 0x44, 0xc3], exception: 6, regsAfter: { ax: 0x1111 } },
  { title: 'CMOVE on the P6: flags 0x0042 moves BX 0x2222 into AX', cpu: 'p6', flags: 0x42, regs: { ax: 0x1111, bx: 0x2222 }, code: [0x0f, 0x44, 0xc3], regsAfter: { ax: 0x2222 } },
];

describe('interp/shift-bit: SETcc and CMOVcc', () => {
  describe('SETcc, every condition true and false', () => cases(SETCC));
  describe('SETcc, memory, lazy flags, models', () => cases(SETCC_MORE));
  describe('CMOVcc, every condition true (16-bit) and false (32-bit)', () => cases(CMOV));
  describe('CMOVcc, memory sources and models', () => cases(CMOV_MORE));
  coversArea('setcc', [...SETCC, ...SETCC_MORE]);
  coversArea('cmovcc', [...CMOV, ...CMOV_MORE]);
});
