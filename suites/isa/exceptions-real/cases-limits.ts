/**
 * Real-mode cases for the segment-limit faults (#GP, vector 13; #SS, vector 12), the double
 * fault (8) and shutdown, and the other #GP conditions the SDM lists for real mode.
 *
 * - Every real-mode segment has a 64 KiB limit. From the 286 on, an access that crosses offset
 *   FFFFh faults instead of wrapping as on the 8086: #GP through CS, DS, ES, FS, GS and #SS
 *   through SS (SDM Vol. 3A, "IA-32 Architecture Compatibility", "Segment Wraparound"; each
 *   instruction's Real-Address Mode Exceptions); the 286 raises #GP for SS too (model-facts.ts).
 *   A popped word at SP = FFFEh is the documented exception: it does not fault and SP wraps to 0
 *   (same section). A push with SP = 1 cannot even deliver its fault: the processor shuts down
 *   (SDM Vol. 2B, PUSH, Operation note; the same section: "If a stack operation wraps around the
 *   address limit, shutdown occurs").
 * - 16-bit effective addresses are computed modulo 64 KiB before the limit check, so
 *   [BX+SI] with BX = FFFFh, SI = 2 is offset 1 and does not fault (SDM Vol. 2A, 2.1.5, Table
 *   2-1; Vol. 1, 3.7.5: a 16-bit address size gives a 16-bit offset). A 32-bit address (67h) is
 *   not reduced and is limit-checked as is (SDM Vol. 3A, 20.1.1).
 * - Code: an instruction that runs past offset FFFFh, and a near transfer or IRET to an offset
 *   past the CS limit, raise #GP(0) (SDM Vol. 2A/2B JMP, IRET Real-Address Mode Exceptions).
 * - A fault leaves memory and registers as they were (SDM Vol. 3A, 6.5): a word store that
 *   faults writes neither byte.
 * - Double fault and shutdown: a contributory fault (#GP, #SS, #DE) raised while delivering a
 *   contributory fault is delivered as #DF; a fault while delivering #DF shuts down (SDM Vol. 3A,
 *   6.15 "Interrupt 8", Table 6-5).
 * - Also #GP in real mode: setting CR0.PG with PE clear (SDM Vol. 2B, MOV to/from Control
 *   Registers, Real-Address Mode Exceptions), RDMSR of an unimplemented MSR (SDM Vol. 2B,
 *   RDMSR).
 */

import { DEFAULT_IP, DEFAULT_SEGMENTS, DEFAULT_SP, linear } from '../../support/subject-real-mode.ts';
import { w16, w32, type ExceptionCase, type Expectation } from './case.ts';
import type { ModelFacts } from './model-facts.ts';

const IP = DEFAULT_IP;
const SEGS = DEFAULT_SEGMENTS;
const GP: Expectation = { kind: 'deliver', vector: 13, ip: IP };
const stackFault = (f: ModelFacts, extra: Partial<Extract<Expectation, { kind: 'deliver' }>> = {}): Expectation => ({ kind: 'deliver', vector: f.stackFault, ip: IP, ...extra });

const WRAP = 'SDM Vol. 3A IA-32 Architecture Compatibility, Segment Wraparound; the instruction\'s Real-Address Mode Exceptions';
const STACK = `${WRAP}; 286: SingleStepTests 80286 C3/FF.2 (#GP for SS)`;

/** Recognisable bytes at both ends of DS, so a wrapped read or a partial write shows. */
const DS_ENDS = [[linear(SEGS.ds, 0xfffe), [0xa1, 0xa2]], [linear(SEGS.ds, 0x0000), [0xb1, 0xb2, 0xb3]]] as const;

export const dataLimitCases: readonly ExceptionCase[] = [
  {
    title: '#GP: MOV AX,[BX] (8B 07), BX=0xFFFF: a word across the DS limit',
    cite: WRAP,
    setup: { code: [0x8b, 0x07], regs: { eax: 0x1234, ebx: 0xffff }, memory: DS_ENDS },
    expect: GP,
  },
  {
    title: 'MOV AX,[BX] (8B 07), BX=0xFFFE: the last whole word, no fault',
    cite: WRAP,
    setup: { code: [0x8b, 0x07], regs: { eax: 0x1234, ebx: 0xfffe }, memory: DS_ENDS },
    expect: { kind: 'complete', regs: { eax: 0xa2a1 } },
  },
  {
    title: 'MOV AL,[BX] (8A 07), BX=0xFFFF: a byte at the limit, no fault',
    cite: WRAP,
    setup: { code: [0x8a, 0x07], regs: { eax: 0x1234, ebx: 0xffff }, memory: [[linear(SEGS.ds, 0xffff), [0xc3]]] },
    expect: { kind: 'complete', regs: { eax: 0x12c3 } },
  },
  {
    title: '#GP: MOV [BX],AX (89 07), BX=0xFFFF: neither byte is written',
    cite: `${WRAP}; SDM Vol. 3A 6.5 (faults leave state unchanged)`,
    setup: { code: [0x89, 0x07], regs: { eax: 0x5a5a, ebx: 0xffff }, memory: DS_ENDS },
    expect: { kind: 'deliver', vector: 13, ip: IP, memory: [[linear(SEGS.ds, 0xfffe), [0xa1, 0xa2]], [linear(SEGS.ds, 0), [0xb1, 0xb2]]] },
  },
  {
    title: 'MOV AX,[BX+SI] (8B 00), BX=0xFFFF, SI=2: the offset wraps to 0x0001 before the limit check',
    cite: 'SDM Vol. 2A 2.1.5 Table 2-1 and Vol. 1 3.7.5 (16-bit address size: 16-bit offset)',
    setup: { code: [0x8b, 0x00], regs: { eax: 0x1234, ebx: 0xffff, esi: 0x0002 }, memory: DS_ENDS },
    expect: { kind: 'complete', regs: { eax: 0xb3b2 } },
  },
  {
    title: 'MOV AX,[BX+10h] (8B 47 10), BX=0xFFF8: the offset wraps to 0x0008',
    cite: 'SDM Vol. 2A 2.1.5 Table 2-1 and Vol. 1 3.7.5',
    setup: { code: [0x8b, 0x47, 0x10], regs: { eax: 0x1234, ebx: 0xfff8 }, memory: [[linear(SEGS.ds, 0x0008), [0x34, 0x12]]] },
    expect: { kind: 'complete', regs: { eax: 0x1234 } },
  },
  {
    title: '#GP: MOV AX,[EDI] (67 8B 07), EDI=0x00010000: a 32-bit offset past the limit',
    cite: 'SDM Vol. 3A 20.1.1 (32-bit offsets in real mode stay subject to the 64-KByte limit); ' + WRAP,
    from: 'i386',
    setup: { code: [0x67, 0x8b, 0x07], regs: { eax: 0x1234, edi: 0x00010000 } },
    expect: GP,
  },
  {
    title: '#GP: STOSW (AB), DI=0xFFFF (ES)',
    cite: WRAP,
    setup: { code: [0xab], regs: { eax: 0x5a5a, edi: 0xffff } },
    expect: GP,
  },
  {
    title: '#GP: LODSW (AD), SI=0xFFFF (DS)',
    cite: WRAP,
    setup: { code: [0xad], regs: { eax: 0x1234, esi: 0xffff } },
    expect: GP,
  },
  {
    title: '#GP: MOVSW (A5), SI=0xFFFF',
    cite: WRAP,
    setup: { code: [0xa5], regs: { esi: 0xffff, edi: 0x0010 } },
    expect: GP,
  },
  {
    title: '#GP: MOV AX,DS:[BP] (3E 8B 46 00), BP=0xFFFF: a DS override makes it #GP',
    cite: WRAP,
    setup: { code: [0x3e, 0x8b, 0x46, 0x00], regs: { eax: 0x1234, ebp: 0xffff } },
    expect: GP,
  },
];

export const stackLimitCases: readonly ExceptionCase[] = [
  {
    title: 'stack fault: MOV AX,[BP] (8B 46 00), BP=0xFFFF: SS is the default segment',
    cite: STACK,
    setup: { code: [0x8b, 0x46, 0x00], regs: { eax: 0x1234, ebp: 0xffff } },
    expect: (f) => stackFault(f),
  },
  {
    title: 'stack fault: MOV AX,SS:[BX] (36 8B 07), BX=0xFFFF',
    cite: STACK,
    setup: { code: [0x36, 0x8b, 0x07], regs: { eax: 0x1234, ebx: 0xffff } },
    expect: (f) => stackFault(f),
  },
  {
    title: 'stack fault: POP AX (58), SP=0xFFFF; the frame goes below it at 0xFFF9',
    cite: STACK,
    setup: { code: [0x58], regs: { eax: 0x1234, esp: 0xffff } },
    expect: (f) => stackFault(f, { sp: 0xfff9 }),
  },
  {
    title: 'stack fault: RET (C3), SP=0xFFFF',
    cite: STACK,
    setup: { code: [0xc3], regs: { esp: 0xffff } },
    expect: (f) => stackFault(f, { sp: 0xfff9 }),
  },
  {
    title: 'POP AX (58), SP=0xFFFE: the last aligned word pops without a fault and SP wraps to 0',
    cite: WRAP,
    setup: { code: [0x58], regs: { eax: 0x1234, esp: 0xfffe }, memory: [[linear(SEGS.ss, 0xfffe), [0x78, 0x56]]] },
    expect: { kind: 'complete', regs: { eax: 0x5678 }, sp: 0 },
  },
  {
    title: 'PUSH AX (50), SP=0: the word goes to SS:FFFE, no fault',
    cite: WRAP,
    setup: { code: [0x50], regs: { eax: 0x4321, esp: 0 } },
    expect: { kind: 'complete', sp: 0xfffe, memory: [[linear(SEGS.ss, 0xfffe), [0x21, 0x43]]] },
  },
  {
    title: 'shutdown: PUSH AX (50), SP=1',
    cite: 'SDM Vol. 2B PUSH, Operation (real mode, SP = 1: #SS not delivered, #DF, shutdown); ' + WRAP,
    setup: { code: [0x50], regs: { eax: 0x4321, esp: 1 } },
    expect: { kind: 'shutdown' },
  },
  {
    title: 'shutdown: INT 21h (CD 21), SP=1: no room for the frame, nor for the #SS or #DF frames',
    cite: 'SDM Vol. 2A INT n REAL-ADDRESS-MODE (#SS if no room for 6 bytes); Vol. 3A 6.15 Interrupt 8, Table 6-5',
    setup: { code: [0xcd, 0x21], regs: { esp: 1 } },
    expect: { kind: 'shutdown' },
  },
];

export const codeLimitCases: readonly ExceptionCase[] = [
  {
    title: '#GP: MOV AX,BX (89 D8) at IP=0xFFFF runs past the CS limit',
    cite: 'SDM Vol. 3A Segment Wraparound (#GP when CS addresses across FFFFh); Intel 80386 Programmer\'s Reference Manual 14.7 item 8 ("Sequential execution across offset 65,535": exception 13)',
    // The 286's behaviour here is not documented in what this suite cites, nor in its corpus.
    from: 'i386',
    setup: { code: [0x89, 0xd8], ip: 0xffff, regs: { eax: 0x1111, ebx: 0x2222 } },
    expect: { kind: 'deliver', vector: 13, ip: 0xffff },
  },
  {
    title: '#GP: JMP rel32 (66 E9) to 0x00010000, past the CS limit',
    cite: 'SDM Vol. 2A JMP, Real-Address Mode Exceptions (#GP if the target is beyond the code segment limit)',
    from: 'i386',
    setup: { code: [0x66, 0xe9, ...w32(0x10000 - (IP + 6))] },
    expect: GP,
  },
  {
    title: '#GP: JMP FAR 1234:00010000 (66 EA): the offset is past the 64 KiB limit of the real-mode CS',
    cite: 'SDM Vol. 2A JMP, Real-Address Mode Exceptions (#GP if the target is beyond the code segment limits)',
    from: 'i386',
    setup: { code: [0x66, 0xea, ...w32(0x10000), ...w16(SEGS.cs)] },
    expect: GP,
  },
  {
    title: '#GP: RET (66 C3) popping EIP=0x00010000',
    cite: 'SDM Vol. 2B RET, Real-Address Mode Exceptions (#GP if the return instruction pointer is not within the code segment limit)',
    from: 'i386',
    setup: { code: [0x66, 0xc3], memory: [[linear(SEGS.ss, DEFAULT_SP), w32(0x10000)]] },
    expect: GP,
  },
  {
    title: '#GP: IRETD (66 CF) popping EIP=0x00010000',
    cite: 'SDM Vol. 2A IRET, REAL-ADDRESS-MODE (#GP(0) if the popped EIP is beyond the code segment limit)',
    from: 'i386',
    setup: { code: [0x66, 0xcf], memory: [[linear(SEGS.ss, DEFAULT_SP), [...w32(0x10000), ...w32(SEGS.cs), ...w32(0x2)]]] },
    expect: GP,
  },
];

export const doubleFaultCases: readonly ExceptionCase[] = [
  {
    title: '#DF: MOV AX,[BX] (8B 07), BX=0xFFFF, with IDTR.limit=0x33 (no vector 13): #GP while delivering #GP',
    cite: 'SDM Vol. 3A 6.15 Interrupt 8, Table 6-5 (contributory then contributory); Vol. 2A INT n (#GP past the IDT limit)',
    setup: { code: [0x8b, 0x07], regs: { ebx: 0xffff }, idtr: { base: 0, limit: 0x33 } },
    expect: { kind: 'double-fault' },
  },
  {
    title: 'shutdown: DIV BL (F6 F3) by zero with IDTR.limit=2: #DE, #GP and #DF all out of reach',
    cite: 'SDM Vol. 3A 6.15 Interrupt 8 (a fault while invoking the #DF handler: shutdown)',
    setup: { code: [0xf6, 0xf3], regs: { eax: 1, ebx: 0 }, idtr: { base: 0, limit: 2 } },
    expect: { kind: 'shutdown' },
  },
];

export const systemFaultCases: readonly ExceptionCase[] = [
  {
    title: '#GP: MOV CR0,EAX (0F 22 C0) with PG=1 and PE=0; CR0 unchanged',
    cite: 'SDM Vol. 2B MOV to/from Control Registers, Real-Address Mode Exceptions (#GP for PG without PE)',
    from: 'i386',
    setup: { code: [0x66, 0xb8, ...w32(0x80000010), 0x0f, 0x22, 0xc0] },
    expect: { kind: 'deliver', vector: 13, ip: IP + 6, regs: { eax: 0x80000010 } },
  },
  {
    title: '#GP: MOV CR0,EAX (0F 22 C0) with NW=1 and CD=0; CR0 unchanged',
    cite: 'SDM Vol. 2B MOV to/from Control Registers, Real-Address Mode Exceptions (#GP for CD = 0 with NW = 1; both bits from the 486)',
    from: 'i486',
    setup: { code: [0x66, 0xb8, ...w32(0x20000010), 0x0f, 0x22, 0xc0] },
    expect: { kind: 'deliver', vector: 13, ip: IP + 6, regs: { eax: 0x20000010 } },
  },
  {
    title: '#GP: MOV CR4,EAX (0F 22 E0) with reserved bit 31 set; CR4 unchanged',
    cite: 'SDM Vol. 2B MOV to/from Control Registers, Real-Address Mode Exceptions (#GP for a reserved CR4 bit); CR4 from the Pentium',
    from: 'pentium',
    setup: { code: [0x66, 0xb8, ...w32(0x80000000), 0x0f, 0x22, 0xe0] },
    expect: { kind: 'deliver', vector: 13, ip: IP + 6, regs: { eax: 0x80000000 } },
  },
  {
    title: '#GP: RDMSR (0F 32) with ECX=0x12345678 (no such MSR)',
    cite: 'SDM Vol. 2B RDMSR, Real-Address Mode Exceptions (#GP if ECX names a reserved or unimplemented MSR)',
    from: 'pentium',
    setup: { code: [0x0f, 0x32], regs: { ecx: 0x12345678, eax: 0x1111, edx: 0x2222 } },
    expect: GP,
  },
  {
    title: '#UD: RDMSR (0F 32) before the Pentium',
    cite: 'SDM Vol. 2B RDMSR (introduced with the Pentium)',
    to: 'i486',
    setup: { code: [0x0f, 0x32], regs: { ecx: 0x10 } },
    expect: { kind: 'deliver', vector: 6, ip: IP },
  },
];
