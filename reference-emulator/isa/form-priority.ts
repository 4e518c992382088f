/**
 * Which record wins when several forms share an opcode: the most specific one that matches
 * (a mandatory prefix, a fixed ModRM byte, a whole opcode rather than `+r`, a ModRM.reg
 * extension, a mod restriction, then operand- and address-size attributes; ties go to table
 * order). This is how the SDM's opcode map is read: `90` is NOP before it is `XCHG eAX, eAX`,
 * and `F3 90` is PAUSE before it is NOP. The decoder applies it, and the encoder uses the same
 * rule to refuse operands whose bytes belong to a more specific form.
 */

import type { FormRecord } from './schema.ts';

export function formSpecificity(form: FormRecord): number {
  return (
    (form.mandatoryPrefix !== undefined ? 64 : 0) +
    (form.modrmByte !== undefined ? 32 : 0) +
    (form.plusReg ? 0 : 16) +
    (form.ext !== undefined ? 8 : 0) +
    (form.modrm === 'mem' || form.modrm === 'reg' ? 4 : 0) +
    (form.osz !== undefined ? 2 : 0) +
    (form.asz !== undefined ? 1 : 0)
  );
}
