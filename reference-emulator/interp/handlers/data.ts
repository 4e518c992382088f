/**
 * Semantics of the data group. (Placeholder until the group is written.)
 */

import type { Handler } from '../../decoder/insn.ts';
import type { dataForms } from '../../isa/forms/data.ts';

type DataId = (typeof dataForms)[number]['id'];

export const dataHandlers = {} satisfies Record<DataId, Handler>;
