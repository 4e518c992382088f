/**
 * Semantics of the arith group. (Placeholder until the group is written.)
 */

import type { Handler } from '../../decoder/insn.ts';
import type { arithForms } from '../../isa/forms/arith.ts';

type ArithId = (typeof arithForms)[number]['id'];

export const arithHandlers = {} satisfies Record<ArithId, Handler>;
