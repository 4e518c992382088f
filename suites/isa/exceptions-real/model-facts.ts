/**
 * What the real-mode exception suite expects of each CPU model, written down here from the
 * manuals and captured hardware rather than read from the reference emulator's own model
 * (reference-emulator/machine/cpu-model.ts), so the suite is an oracle and not a mirror.
 *
 * - Instruction length limit: 10 bytes on the 286, 15 from the 386 (SDM Vol. 2A, 2.3.11; Vol. 3A,
 *   6.15 "Interrupt 13"); both raise #GP(0). The SingleStepTests 80286 README says #UD, but every
 *   over-long test in its captured data (69, 81.5: 38 tests of 11 bytes plus HLT) records
 *   vector 13 with the instruction's own IP; captured hardware outranks prose (DESIGN.md,
 *   "Authority").
 * - Stack-segment limit violation in real mode: #SS (12) from the 386 (SDM Vol. 3A, chapter
 *   "IA-32 Architecture Compatibility", "Segment Wraparound"; the instruction pages'
 *   "Real-Address Mode Exceptions"), #GP (13) on the 286 (SingleStepTests 80286: all 29
 *   SP = FFFFh RET/CALL tests of C3 and FF.2 push vector 13).
 * - AC (EFLAGS bit 18) exists from the 486 (SDM Vol. 1, 3.4.3.3); real-mode delivery clears it
 *   (SDM Vol. 2A, INT n pseudo-code, REAL-ADDRESS-MODE).
 * - The 32-bit extensions (66/67/64/65 prefixes, MOVZX, the 0F 8x/9x/Ax/Bx rows, INT1/ICEBP,
 *   debug and control registers) exist from the 386; on the 286 those bytes are undefined
 *   opcodes (SingleStepTests 80286 metadata: 66 "undefined"; SDM Vol. 2D, Appendix A marks them
 *   as 386 additions).
 * - LOCK on an instruction that cannot be locked is #UD from the 386 (SDM Vol. 2A, LOCK); the 286
 *   ignores it (SingleStepTests 80286: 152 LOCK-prefixed RET tests of C3 run without exception).
 * - Introduced later: BSWAP, CMPXCHG, XADD (486), RDTSC and RDMSR/WRMSR (Pentium), CMOVcc and
 *   SYSENTER/SYSEXIT (P6 family) (SDM Vol. 2, each page's "IA-32 Architecture Compatibility";
 *   Vol. 3A, "IA-32 Architecture Compatibility", "New Instructions In the ... Processor").
 */

import type { CpuModelName } from '../../../reference-emulator/index.ts';

export const MODEL_ORDER = ['i286', 'i386', 'i486', 'pentium', 'p6', 'modern'] as const satisfies readonly CpuModelName[];

export interface ModelFacts {
  readonly name: CpuModelName;
  /** Longest legal instruction in bytes. */
  readonly maxLength: 10 | 15;
  /** Vector of a real-mode stack-segment limit violation. */
  readonly stackFault: 12 | 13;
  /** EFLAGS.AC exists. */
  readonly ac: boolean;
}

export const MODEL_FACTS: Readonly<Record<CpuModelName, ModelFacts>> = {
  i286: { name: 'i286', maxLength: 10, stackFault: 13, ac: false },
  i386: { name: 'i386', maxLength: 15, stackFault: 12, ac: false },
  i486: { name: 'i486', maxLength: 15, stackFault: 12, ac: true },
  pentium: { name: 'pentium', maxLength: 15, stackFault: 12, ac: true },
  p6: { name: 'p6', maxLength: 15, stackFault: 12, ac: true },
  modern: { name: 'modern', maxLength: 15, stackFault: 12, ac: true },
};

/** True when `model` is `first` or a later generation. */
export function atLeast(model: CpuModelName, first: CpuModelName): boolean {
  return MODEL_ORDER.indexOf(model as (typeof MODEL_ORDER)[number]) >= MODEL_ORDER.indexOf(first as (typeof MODEL_ORDER)[number]);
}
