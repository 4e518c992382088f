/**
 * Instruction-table records: arith group. (Placeholder until the group is written.)
 */

import type { FormRecord } from '../schema.ts';

export const arithForms = [] as const satisfies readonly FormRecord[];
