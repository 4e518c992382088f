/**
 * Instruction-table records: shift-bit group. (Placeholder until the group is written.)
 */

import type { FormRecord } from '../schema.ts';

export const shiftBitForms = [] as const satisfies readonly FormRecord[];
