/**
 * Semantics of the control group. (Placeholder until the group is written.)
 */

import type { Handler } from '../../decoder/insn.ts';
import type { controlForms } from '../../isa/forms/control.ts';

type ControlId = (typeof controlForms)[number]['id'];

export const controlHandlers = {} satisfies Record<ControlId, Handler>;
