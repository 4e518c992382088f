/**
 * Real-mode cases for the faults raised while decoding an instruction: #UD (vector 6), #NM (7),
 * and #GP (13) for an instruction longer than the model's limit, with the priorities among them.
 * Every one is a fault: the IP pushed is the instruction's first byte, prefixes included (SDM
 * Vol. 3A, 6.5, 6.15 "Interrupt 6", "Interrupt 7", "Interrupt 13").
 *
 * - #UD: UD2/UD1/UD0 and the unassigned encodings of the opcode map (SDM Vol. 2B, UD; Vol. 2D,
 *   Appendix A, Tables ); the protected-mode-only instructions (ARPL, LAR, LSL,
 *   VERR, SLDT, STR, LLDT, LTR: "not recognized in real-address mode", each page's Real-Address
 *   Mode Exceptions); a register where memory is required (LEA, LDS, BOUND pages); MOV to CS
 *   (MOV page); an instruction or prefix newer than the model (model-facts.ts); LOCK on an
 *   instruction that cannot be locked, from the 386 (SDM Vol. 2A, LOCK).
 * - #NM: an x87 escape with CR0.EM or CR0.TS set, and WAIT with MP and TS both set (SDM Vol. 3A,
 *   2.5, Table 2-2 "Action Taken By x87 FPU Instructions for Different Combinations of EM, MP,
 *   and TS"). The rows where Table 2-2 says "execute" for an x87 instruction are left out: xvc
 *   models no x87 unit (DESIGN.md), and what an FPU would compute is not this suite's business.
 * - Priority (SDM Vol. 3A, 6.9, Table 6-2): the decode faults (class 9: length over the limit,
 *   invalid opcode, coprocessor not available) come before the faults of executing the
 *   instruction (class 10: #GP/#SS for a segment limit). Within class 9 the length limit is
 *   checked as the bytes are fetched, before the opcode is known, so an over-long UD2 or x87
 *   escape raises #GP.
 */

import { DEFAULT_IP, DEFAULT_SEGMENTS, linear } from '../../support/subject-real-mode.ts';
import { BASE_FLAGS, CR0_EM, CR0_MP, CR0_TS, FLAG_OF, type ExceptionCase, type Expectation } from './case.ts';
import type { ModelFacts } from './model-facts.ts';
import { atLeast, MODEL_ORDER } from './model-facts.ts';

const IP = DEFAULT_IP;
const UD: Expectation = { kind: 'deliver', vector: 6, ip: IP };
const NM: Expectation = { kind: 'deliver', vector: 7, ip: IP };
const GP: Expectation = { kind: 'deliver', vector: 13, ip: IP };
const ES_PREFIX = 0x26;

function ud(title: string, code: number[], cite: string, from?: ModelFacts['name']): ExceptionCase {
  return { title: `#UD: ${title} (${code.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')})`, cite, setup: { code, regs: { eax: 0x1111, ebx: 0x2222 } }, expect: UD, ...(from ? { from } : {}) };
}

const NOT_IN_REAL = 'Real-Address Mode Exceptions: "#UD ... not recognized in real-address mode"';

export const invalidOpcodeCases: readonly ExceptionCase[] = [
  ud('UD2', [0x0f, 0x0b], 'SDM Vol. 2B UD (UD2 raises #UD; before the P6 0F 0B was unassigned, also #UD)'),
  ud('UD1 AX,AX', [0x0f, 0xb9, 0xc0], 'SDM Vol. 2B UD'),
  ud('UD0 AX,AX', [0x0f, 0xff, 0xc0], 'SDM Vol. 2B UD'),
  ud('ES: UD2, the pushed IP is the prefix\'s', [ES_PREFIX, 0x0f, 0x0b], 'SDM Vol. 2B UD; Vol. 3A 6.5'),
  {
    title: '#UD, not #NM: UD2 (0F 0B) with CR0.EM=1 and TS=1 (only x87 and WAIT look at them)',
    cite: 'SDM Vol. 2B UD; Vol. 3A 2.5 Table 2-2 (EM and TS act on x87 instructions and WAIT)',
    setup: { code: [0x0f, 0x0b], cr0: CR0_EM | CR0_TS },
    expect: UD,
  },
  ud('ARPL AX,AX', [0x63, 0xc0], `SDM Vol. 2A ARPL, ${NOT_IN_REAL}`),
  ud('SLDT AX', [0x0f, 0x00, 0xc0], `SDM Vol. 2B SLDT, ${NOT_IN_REAL}`),
  ud('STR AX', [0x0f, 0x00, 0xc8], `SDM Vol. 2B STR, ${NOT_IN_REAL}`),
  ud('LLDT AX', [0x0f, 0x00, 0xd0], `SDM Vol. 2A LLDT, ${NOT_IN_REAL}`),
  ud('LTR AX', [0x0f, 0x00, 0xd8], `SDM Vol. 2A LTR, ${NOT_IN_REAL}`),
  ud('VERR AX', [0x0f, 0x00, 0xe0], `SDM Vol. 2B VERR/VERW, ${NOT_IN_REAL}`),
  ud('VERW AX', [0x0f, 0x00, 0xe8], `SDM Vol. 2B VERR/VERW, ${NOT_IN_REAL}`),
  ud('LAR AX,BX', [0x0f, 0x02, 0xc3], `SDM Vol. 2A LAR, ${NOT_IN_REAL}`),
  ud('LSL AX,BX', [0x0f, 0x03, 0xc3], `SDM Vol. 2A LSL, ${NOT_IN_REAL}`),
  ud('LEA AX,BX', [0x8d, 0xc3], 'SDM Vol. 2A LEA, Real-Address Mode Exceptions (#UD if the source is not memory)'),
  ud('LDS AX,BX', [0xc5, 0xc3], 'SDM Vol. 2A LDS/LES (#UD if the source is a register; VEX is not recognised in real mode either)'),
  ud('LES AX,BX', [0xc4, 0xc3], 'SDM Vol. 2A LDS/LES (#UD if the source is a register; VEX is not recognised in real mode either)'),
  ud('MOV CS,AX', [0x8e, 0xc8], 'SDM Vol. 2B MOV, Real-Address Mode Exceptions (#UD if an attempt is made to load CS)'),
  ud('POP with ModRM.reg=1', [0x8f, 0xc8], 'SDM Vol. 2D Table A-6 (group 1A: only /0 is assigned); SingleStepTests 80286 README (8F)'),
  ud('MOV r/m8,imm8 with ModRM.reg=1', [0xc6, 0xc8, 0x00], 'SDM Vol. 2D Table A-6 (group 11: /1-/6 unassigned); SingleStepTests 80286 README (C6)'),
  ud('INC/DEC group with ModRM.reg=2', [0xfe, 0xd0], 'SDM Vol. 2D Table A-6 (group 4: only /0 and /1 are assigned)'),
  ud('group 5 with ModRM.reg=7', [0xff, 0xf8], 'SDM Vol. 2D Table A-6 (group 5: /7 is unassigned)'),
  ud('MOV EAX,CR1', [0x0f, 0x20, 0xc8], 'SDM Vol. 2B MOV to/from Control Registers (#UD for CR1, CR5-CR7)', 'i386'),
];

/**
 * An instruction newer than the model is an unassigned opcode there. `whenPresent` is what the
 * models that have it must do; without it the case covers only the older models.
 */
function newerThan(title: string, code: number[], introduced: ModelFacts['name'], cite: string, whenPresent?: Expectation): ExceptionCase {
  const before = MODEL_ORDER[MODEL_ORDER.indexOf(introduced as (typeof MODEL_ORDER)[number]) - 1];
  return {
    title: `${title} (${code.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')}): #UD before the ${introduced}`,
    cite,
    ...(whenPresent === undefined && before !== undefined ? { to: before } : {}),
    setup: { code, regs: { eax: 0x12345678, ebx: 0x0000abcd } },
    expect: (f) => (atLeast(f.name, introduced) && whenPresent ? whenPresent : UD),
  };
}

export const generationCases: readonly ExceptionCase[] = [
  newerThan('operand-size prefix: 66 NOP', [0x66, 0x90], 'i386', 'SingleStepTests 80286 metadata (66 undefined); SDM Vol. 2A 2.1.1 (prefix from the 386)', { kind: 'complete' }),
  newerThan('address-size prefix: 67 NOP', [0x67, 0x90], 'i386', 'SDM Vol. 2A 2.1.1 (prefix from the 386)', { kind: 'complete' }),
  newerThan('FS override: 64 NOP', [0x64, 0x90], 'i386', 'SDM Vol. 2A 2.1.1 (FS/GS from the 386)', { kind: 'complete' }),
  newerThan('MOVZX AX,BL', [0x0f, 0xb6, 0xc3], 'i386', 'SDM Vol. 2B MOVZX (386)', { kind: 'complete', regs: { eax: 0x123400cd } }),
  newerThan('BSWAP EAX', [0x66, 0x0f, 0xc8], 'i486', 'SDM Vol. 2A BSWAP, IA-32 Architecture Compatibility (486); the 286 has no 66 prefix either', { kind: 'complete', regs: { eax: 0x78563412 } }),
  newerThan('RDTSC', [0x0f, 0x31], 'pentium', 'SDM Vol. 2B RDTSC (Pentium)'),
  newerThan('CMOVO AX,BX with OF=0', [0x0f, 0x40, 0xc3], 'p6', 'SDM Vol. 2A CMOVcc (P6 family)', { kind: 'complete' }),
  {
    title: 'CPUID (0F A2): #UD on the 286 and 386',
    cite: 'SDM Vol. 2A CPUID (introduced in later 486 steppings; absent on the 386)',
    to: 'i386',
    setup: { code: [0x0f, 0xa2] },
    expect: UD,
  },
  {
    title: 'SYSENTER (0F 34): #UD before the P6, #GP(0) in real mode from the P6',
    cite: 'SDM Vol. 2B SYSENTER, Real-Address Mode Exceptions (#GP if protected mode is not enabled); P6 family',
    setup: { code: [0x0f, 0x34] },
    expect: (f) => (atLeast(f.name, 'p6') ? GP : UD),
  },
  {
    title: 'SYSEXIT (0F 35): #UD before the P6, #GP(0) in real mode from the P6',
    cite: 'SDM Vol. 2B SYSEXIT, Real-Address Mode Exceptions (#GP if protected mode is not enabled); P6 family',
    setup: { code: [0x0f, 0x35] },
    expect: (f) => (atLeast(f.name, 'p6') ? GP : UD),
  },
];

const LOCK = 0xf0;
const LOCK_CITE = 'SDM Vol. 2A LOCK (#UD when the instruction is not lockable or has no memory destination, from the 386); SingleStepTests 80286 C3 (the 286 ignores it)';

export const lockCases: readonly ExceptionCase[] = [
  {
    title: 'LOCK NOP (F0 90): #UD from the 386, ignored by the 286',
    cite: LOCK_CITE,
    setup: { code: [LOCK, 0x90] },
    expect: (f) => (atLeast(f.name, 'i386') ? UD : { kind: 'complete' }),
  },
  {
    title: 'LOCK ADD AX,AX (F0 01 C0): register destination, #UD from the 386',
    cite: LOCK_CITE,
    setup: { code: [LOCK, 0x01, 0xc0], regs: { eax: 0x0101 } },
    expect: (f) => (atLeast(f.name, 'i386') ? UD : { kind: 'complete', regs: { eax: 0x0202 } }),
  },
  {
    title: 'LOCK ADD [BX],AX (F0 01 07): lockable with a memory destination, no exception',
    cite: LOCK_CITE,
    setup: { code: [LOCK, 0x01, 0x07], regs: { eax: 0x0101, ebx: 0x0010 } },
    expect: { kind: 'complete', memory: [[linear(DEFAULT_SEGMENTS.ds, 0x0010), [0x01, 0x01]]] },
  },
  {
    title: 'LOCK MOV [BX],AX (F0 89 07), BX=0xFFFF: #UD (decode) beats #GP (limit) from the 386; the 286 takes the #GP',
    cite: `${LOCK_CITE}; SDM Vol. 3A 6.9 Table 6-2 (class 9 before class 10)`,
    setup: { code: [LOCK, 0x89, 0x07], regs: { eax: 0x1234, ebx: 0xffff } },
    expect: (f) => (atLeast(f.name, 'i386') ? UD : GP),
  },
];

const LENGTH_CITE = 'SDM Vol. 2A 2.3.11 and Vol. 3A 6.15 Interrupt 13 (longer than the limit: #GP(0)); 286: 10 bytes (SingleStepTests 80286, 69 and 81.5)';
const prefixes = (n: number): number[] => new Array<number>(n).fill(ES_PREFIX);

export const lengthCases: readonly ExceptionCase[] = (['i286', 'i386'] as const).flatMap((first): ExceptionCase[] => {
  // One set for the 286's 10-byte limit, one for the 15 bytes of every later model.
  const max = first === 'i286' ? 10 : 15;
  const range = first === 'i286' ? { to: 'i286' as const } : { from: 'i386' as const };
  return [
    {
      title: `ES x ${max - 1} + NOP: exactly ${max} bytes, no exception`,
      cite: LENGTH_CITE,
      ...range,
      setup: { code: [...prefixes(max - 1), 0x90] },
      expect: { kind: 'complete' },
    },
    {
      title: `ES x ${max} + NOP: ${max + 1} bytes, #GP(0) with the first prefix's IP`,
      cite: LENGTH_CITE,
      ...range,
      setup: { code: [...prefixes(max), 0x90] },
      expect: GP,
    },
    {
      title: `ES x ${max - 2} + UD2: ${max} bytes, #UD`,
      cite: `${LENGTH_CITE}; SDM Vol. 2B UD`,
      ...range,
      setup: { code: [...prefixes(max - 2), 0x0f, 0x0b] },
      expect: UD,
    },
    {
      title: `ES x ${max - 1} + UD2: ${max + 1} bytes, the length #GP beats #UD`,
      cite: `${LENGTH_CITE}; SDM Vol. 3A 6.9 Table 6-2 (class 9 lists the length limit first)`,
      ...range,
      setup: { code: [...prefixes(max - 1), 0x0f, 0x0b] },
      expect: GP,
    },
    {
      title: `CR0.TS=1, ES x ${max - 2} + FLD ST(0) (D9 C0): ${max} bytes, #NM`,
      cite: `${LENGTH_CITE}; SDM Vol. 3A Table 2-2`,
      ...range,
      setup: { code: [...prefixes(max - 2), 0xd9, 0xc0], cr0: CR0_TS },
      expect: NM,
    },
    {
      title: `CR0.TS=1, ES x ${max - 1} + FLD ST(0) (D9 C0): ${max + 1} bytes, the length #GP beats #NM`,
      cite: `${LENGTH_CITE}; SDM Vol. 3A 6.9 Table 6-2`,
      ...range,
      setup: { code: [...prefixes(max - 1), 0xd9, 0xc0], cr0: CR0_TS },
      expect: GP,
    },
    {
      title: `LOCK + ES x ${max - 2} + NOP: ${max} bytes, #UD from the 386 (the 286 ignores LOCK)`,
      cite: `${LENGTH_CITE}; ${LOCK_CITE}`,
      ...range,
      setup: { code: [LOCK, ...prefixes(max - 2), 0x90] },
      expect: (f) => (atLeast(f.name, 'i386') ? UD : { kind: 'complete' }),
    },
    {
      title: `LOCK + ES x ${max - 1} + NOP: ${max + 1} bytes, the length #GP beats LOCK's #UD`,
      cite: `${LENGTH_CITE}; ${LOCK_CITE}; SDM Vol. 3A 6.9 Table 6-2`,
      ...range,
      setup: { code: [LOCK, ...prefixes(max - 1), 0x90] },
      expect: GP,
    },
  ];
});

const X87 = [0xd9, 0xc0]; // FLD ST(0)
const TABLE_2_2 = 'SDM Vol. 3A 2.5 Table 2-2 (EM, MP, TS)';

/** Table 2-2, WAIT column: #NM only when MP and TS are both set; EM does not matter. */
const waitRows: Array<{ em: boolean; mp: boolean; ts: boolean }> = [];
for (const em of [false, true]) for (const mp of [false, true]) for (const ts of [false, true]) waitRows.push({ em, mp, ts });

const cr0Of = (r: { em: boolean; mp: boolean; ts: boolean }): number => (r.em ? CR0_EM : 0) | (r.mp ? CR0_MP : 0) | (r.ts ? CR0_TS : 0);
const rowText = (r: { em: boolean; mp: boolean; ts: boolean }): string => `EM=${+r.em} MP=${+r.mp} TS=${+r.ts}`;

export const deviceNotAvailableCases: readonly ExceptionCase[] = [
  // Table 2-2, x87 column: every row with EM or TS set raises #NM.
  ...waitRows.filter((r) => r.em || r.ts).map((r): ExceptionCase => ({
    title: `#NM: FLD ST(0) (D9 C0) with ${rowText(r)}`,
    cite: TABLE_2_2,
    setup: { code: X87, cr0: cr0Of(r) },
    expect: NM,
  })),
  ...waitRows.map((r): ExceptionCase => ({
    title: `WAIT (9B) with ${rowText(r)}: ${r.mp && r.ts ? '#NM' : 'no exception'}`,
    cite: TABLE_2_2,
    setup: { code: [0x9b], cr0: cr0Of(r) },
    expect: r.mp && r.ts ? NM : { kind: 'complete' },
  })),
  {
    title: '#NM: CS: FLD dword [BX] (2E D9 07) with TS=1: the pushed IP is the prefix\'s',
    cite: `${TABLE_2_2}; Vol. 3A 6.15 Interrupt 7 (fault)`,
    setup: { code: [0x2e, 0xd9, 0x07], cr0: CR0_TS, regs: { ebx: 0x0010 } },
    expect: NM,
  },
  {
    title: '#NM beats #GP: FLD qword [BX] (DD 07), BX=0xFFFF, TS=1',
    cite: `${TABLE_2_2}; SDM Vol. 3A 6.9 Table 6-2 (class 9 #NM before class 10 #GP)`,
    setup: { code: [0xdd, 0x07], cr0: CR0_TS, regs: { ebx: 0xffff } },
    expect: NM,
  },
  {
    title: '#NM: FLD ST(0) (D9 C0) with EM=1 and OF=1, status flags kept in the pushed image',
    cite: TABLE_2_2,
    setup: { code: X87, cr0: CR0_EM, eflags: BASE_FLAGS | FLAG_OF },
    expect: NM,
  },
];


/**
 * CR0.TS makes x87, MMX and SSE instructions raise #NM (SDM Vol. 3A, 2.5 "TS"); an opcode the
 * model does not have is not one of them and stays #UD. MMX arrived with the Pentium with MMX
 * technology and SSE with the Pentium III (SDM Vol. 1, 2.1 "Brief History of Intel 64 and
 * IA-32 Architecture"), so on the 286, 386
 * and 486 these bytes are unassigned. (The `pentium` model's CPUID signature names a Pentium MMX
 * while its feature bits say no MMX, so it is left out.)
 */
export const absentSimdCases: readonly ExceptionCase[] = [
  {
    title: '#UD, not #NM: MOVQ MM0,MM0 (0F 6F C0) with CR0.TS=1 on a model without MMX',
    cite: 'SDM Vol. 3A 2.5 (TS acts on x87/MMX/SSE instructions); Vol. 1 2.1 (MMX from the Pentium with MMX technology)',
    to: 'i486',
    setup: { code: [0x0f, 0x6f, 0xc0], cr0: CR0_TS },
    expect: UD,
  },
  {
    title: '#UD, not #NM: EMMS (0F 77) with CR0.TS=1 on a model without MMX',
    cite: 'SDM Vol. 3A 2.5; Vol. 1 2.1',
    to: 'i486',
    setup: { code: [0x0f, 0x77], cr0: CR0_TS },
    expect: UD,
  },
  {
    title: '#UD, not #NM: MOVAPS XMM0,XMM0 (0F 28 C0) with CR0.TS=1 on a model without SSE',
    cite: 'SDM Vol. 3A 2.5; Vol. 1 2.1 (SSE from the Pentium III)',
    to: 'i486',
    setup: { code: [0x0f, 0x28, 0xc0], cr0: CR0_TS },
    expect: UD,
  },
];
