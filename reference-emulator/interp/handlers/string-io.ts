/**
 * Semantics of the string-io group. (Placeholder until the group is written.)
 */

import type { Handler } from '../../decoder/insn.ts';
import type { stringIoForms } from '../../isa/forms/string-io.ts';

type StringIoId = (typeof stringIoForms)[number]['id'];

export const stringIoHandlers = {} satisfies Record<StringIoId, Handler>;
