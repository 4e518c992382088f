/**
 * Semantics of the system group. (Placeholder until the group is written.)
 */

import type { Handler } from '../../decoder/insn.ts';
import type { systemForms } from '../../isa/forms/system.ts';

type SystemId = (typeof systemForms)[number]['id'];

export const systemHandlers = {} satisfies Record<SystemId, Handler>;
