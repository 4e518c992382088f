/**
 * Instruction-table records: data group. (Placeholder until the group is written.)
 */

import type { FormRecord } from '../schema.ts';

export const dataForms = [] as const satisfies readonly FormRecord[];
