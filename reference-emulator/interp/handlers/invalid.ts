/**
 * Semantics of the INVALID pseudo-form: #UD (SDM Vol. 2A, UD), except for x87 escapes under
 * CR0.EM or CR0.TS and SIMD opcodes under CR0.TS, which raise #NM (SDM Vol. 3A, 2.5, Table 2-2
 * "Action Taken By x87 FPU Instructions for Different Combinations of EM, MP, and TS"). On a
 * model without a SIMD unit (before MMX) those opcodes are unassigned, so they stay #UD.
 */

import type { Handler } from '../../decoder/insn.ts';
import { UNMODELLED_SIMD, UNMODELLED_X87 } from '../../decoder/insn.ts';
import { CR0_EM, CR0_TS } from '../../machine/cpu-state.ts';
import { CpuFault, VEC_NM, VEC_UD } from '../fault.ts';

export const invalidHandlers = {
  INVALID: (m, i) => {
    const cr0 = m.cpu.cr0;
    if (i.unmodelled === UNMODELLED_X87 && (cr0 & (CR0_EM | CR0_TS)) !== 0) throw new CpuFault(VEC_NM);
    if (i.unmodelled === UNMODELLED_SIMD && m.model.hasSimdUnit && (cr0 & CR0_EM) === 0 && (cr0 & CR0_TS) !== 0) throw new CpuFault(VEC_NM);
    throw new CpuFault(VEC_UD);
  },
} satisfies Record<'INVALID', Handler>;
