/**
 * Instruction-table records: control group. (Placeholder until the group is written.)
 */

import type { FormRecord } from '../schema.ts';

export const controlForms = [] as const satisfies readonly FormRecord[];
