/**
 * Instruction-table records: string-io group. (Placeholder until the group is written.)
 */

import type { FormRecord } from '../schema.ts';

export const stringIoForms = [] as const satisfies readonly FormRecord[];
