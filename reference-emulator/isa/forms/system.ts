/**
 * Instruction-table records: system group. (Placeholder until the group is written.)
 */

import type { FormRecord } from '../schema.ts';

export const systemForms = [] as const satisfies readonly FormRecord[];
