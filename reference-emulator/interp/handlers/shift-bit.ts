/**
 * Semantics of the shift-bit group. (Placeholder until the group is written.)
 */

import type { Handler } from '../../decoder/insn.ts';
import type { shiftBitForms } from '../../isa/forms/shift-bit.ts';

type ShiftBitId = (typeof shiftBitForms)[number]['id'];

export const shiftBitHandlers = {} satisfies Record<ShiftBitId, Handler>;
