/**
 * Real-mode cases for software interrupts and the debug vectors: INT n, INT3 (#BP, vector 3),
 * INT1/ICEBP and the general-detect fault (#DB, vector 1), and the IVT itself (IDTR base and
 * limit).
 *
 * - INT n, INT3, INTO and INT1 push the IP of the next instruction, and in real mode go through
 *   the IVT entry at IDTR.base + 4 * n; a vector whose entry ends past IDTR.limit raises #GP, a
 *   fault, pushing the INT's own IP (SDM Vol. 2A, INT n/INTO/INT3/INT1, Operation
 *   REAL-ADDRESS-MODE and Real-Address Mode Exceptions). LIDT may move the IVT in real mode
 *   (SDM Vol. 3A, 20.1.4).
 * - A #GP raised while delivering a #GP is a double fault; a fault while delivering the double
 *   fault shuts the processor down (SDM Vol. 3A, 6.15 "Interrupt 8", Table 6-5).
 * - INT n, INT3 and INTO clear TF, so they are not followed by a single-step trap into their own
 *   handler (SDM Vol. 3B, 17.3.1.4).
 * - A debug-register access with DR7.GD = 1 is a #DB fault, pushing the MOV's own IP (SDM Vol. 2A,
 *   MOV - Move to/from Debug Registers, Real-Address Mode Exceptions; Vol. 3B, 17.2.4 and 17.3.1.2).
 *   ICEBP (F1) is a #DB trap from the 386 (SDM Vol. 2A, INT1); the 286's F1 belongs to its ICE
 *   (SingleStepTests 80286 README), so it is not tested there.
 */

import { DEFAULT_IP, STUB_SEGMENT, stubIvt } from '../../support/subject-real-mode.ts';
import { BASE_FLAGS, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF, type ExceptionCase } from './case.ts';

const IP = DEFAULT_IP;
const INT_CITE = 'SDM Vol. 2A INT n/INTO/INT3/INT1, Operation REAL-ADDRESS-MODE (next IP pushed; IF, TF, AC cleared)';

/** A decoy IVT at physical 0 pointing into a second page of HLTs, for the relocated-IVT case. */
const DECOY_SEGMENT = STUB_SEGMENT - 0x1000;
const DECOY_IVT = [0, [...stubIvt(DECOY_SEGMENT)]] as const;
const DECOY_STUBS = [DECOY_SEGMENT * 16, new Array<number>(256).fill(0xf4)] as const;

export const softwareInterruptCases: readonly ExceptionCase[] = [
  {
    title: '#BP: INT3 (CC): vector 3, the next instruction\'s IP pushed',
    cite: `${INT_CITE}; Vol. 3A 6.15 Interrupt 3 (trap)`,
    setup: { code: [0xcc] },
    expect: { kind: 'deliver', vector: 3, ip: IP + 1 },
  },
  {
    title: '#BP: INT 3 (CD 03): vector 3, IP+2 pushed',
    cite: INT_CITE,
    setup: { code: [0xcd, 0x03] },
    expect: { kind: 'deliver', vector: 3, ip: IP + 2 },
  },
  {
    title: 'INT 21h (CD 21): vector 0x21, IF cleared in the handler',
    cite: INT_CITE,
    setup: { code: [0xcd, 0x21] },
    expect: { kind: 'deliver', vector: 0x21, ip: IP + 2 },
  },
  {
    title: 'INT 21h (CD 21) with IF=0, DF=1 and every status flag set: FLAGS=0x0CD7 pushed as is',
    cite: INT_CITE,
    setup: { code: [0xcd, 0x21], eflags: 0x0002 | FLAG_OF | FLAG_DF | FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF },
    expect: { kind: 'deliver', vector: 0x21, ip: IP + 2 },
  },
  {
    title: 'INT FFh (CD FF): the last IVT entry (0x3FC), limit 0x3FF',
    cite: INT_CITE,
    setup: { code: [0xcd, 0xff] },
    expect: { kind: 'deliver', vector: 0xff, ip: IP + 2 },
  },
  {
    title: 'INT 0 (CD 00): vector 0 as a software interrupt pushes the next IP, unlike #DE',
    cite: INT_CITE,
    setup: { code: [0xcd, 0x00] },
    expect: { kind: 'deliver', vector: 0, ip: IP + 2 },
  },
  {
    title: 'INT 21h (CD 21) with the IVT moved to 0x8000 (IDTR.base): the moved table is used',
    cite: 'SDM Vol. 3A 20.1.4 (IDTR.base locates the IVT in real mode; LIDT can change it)',
    setup: { code: [0xcd, 0x21], idtr: { base: 0x8000, limit: 0x3ff }, memory: [DECOY_IVT, DECOY_STUBS] },
    expect: { kind: 'deliver', vector: 0x21, ip: IP + 2 },
  },
  {
    title: 'INT 21h (CD 21) with IDTR.limit=0x87: the entry (0x84-0x87) is just inside',
    cite: INT_CITE,
    setup: { code: [0xcd, 0x21], idtr: { base: 0, limit: 0x87 } },
    expect: { kind: 'deliver', vector: 0x21, ip: IP + 2 },
  },
  {
    title: '#GP: INT 21h (CD 21) with IDTR.limit=0x86: the entry ends past the limit; a fault, own IP',
    cite: 'SDM Vol. 2A INT n, REAL-ADDRESS-MODE ("IF ((vector_number << 2) + 3) is not within IDT limit THEN #GP") and Real-Address Mode Exceptions',
    setup: { code: [0xcd, 0x21], idtr: { base: 0, limit: 0x86 } },
    expect: { kind: 'deliver', vector: 13, ip: IP },
  },
  {
    title: 'shutdown: INT 21h (CD 21) with IDTR.limit=0: #GP, #GP again (double fault), then no vector 8 either',
    cite: 'SDM Vol. 3A 6.15 Interrupt 8 and Table 6-5 (contributory then contributory: #DF; a fault delivering #DF: shutdown)',
    setup: { code: [0xcd, 0x21], idtr: { base: 0, limit: 0 } },
    expect: { kind: 'shutdown' },
  },
  {
    title: 'INT 21h (CD 21) with TF=1: the handler is entered without a single-step trap, TF pushed',
    cite: 'SDM Vol. 3B 17.3.1.4 (INT n clears TF); ' + INT_CITE,
    setup: { code: [0xcd, 0x21], eflags: BASE_FLAGS | FLAG_TF },
    expect: { kind: 'deliver', vector: 0x21, ip: IP + 2 },
  },
  {
    title: '#BP with TF=1: INT3 (CC) enters the #BP handler without a single-step trap',
    cite: 'SDM Vol. 3B 17.3.1.4 (INT3 clears TF); ' + INT_CITE,
    setup: { code: [0xcc], eflags: BASE_FLAGS | FLAG_TF },
    expect: { kind: 'deliver', vector: 3, ip: IP + 1 },
  },
];

export const debugCases: readonly ExceptionCase[] = [
  {
    title: '#DB: INT1/ICEBP (F1): vector 1 as a trap, IP+1 pushed',
    cite: 'SDM Vol. 2A INT n/INTO/INT3/INT1 (INT1 generates #DB; trap); Vol. 3A 6.15 Interrupt 1',
    from: 'i386',
    setup: { code: [0xf1] },
    expect: { kind: 'deliver', vector: 1, ip: IP + 1 },
  },
  {
    title: '#DB: INT 1 (CD 01): vector 1, IP+2 pushed',
    cite: INT_CITE,
    setup: { code: [0xcd, 0x01] },
    expect: { kind: 'deliver', vector: 1, ip: IP + 2 },
  },
  {
    title: '#DB fault: MOV EAX,0x2000; MOV DR7,EAX (GD=1); MOV EAX,DR0 (0F 21 C0) faults with its own IP',
    cite: 'SDM Vol. 2A MOV to/from Debug Registers, Real-Address Mode Exceptions (#DB if DR7.GD = 1); Vol. 3B 17.2.4, 17.3.1.2 (general detect is a fault)',
    from: 'i386',
    setup: { code: [0x66, 0xb8, 0x00, 0x20, 0x00, 0x00, 0x0f, 0x23, 0xf8, 0x0f, 0x21, 0xc0], regs: { eax: 0x5555 } },
    expect: { kind: 'deliver', vector: 1, ip: IP + 9, regs: { eax: 0x2000 } },
  },
];
