/**
 * The instruction table: every modelled encoding form, one record each, gathered from the
 * per-group files under forms/. This is the single source the decoder, interpreter, encoder,
 * disassembler, translator, hypervisor and generators read.
 *
 * Coverage: the IA-32 general-purpose integer and system instruction set of the 8086 to the
 * P6 in 16- and 32-bit modes, without x87/MMX/SSE (those decode to their length and fault).
 */

import type { FormRecord } from './schema.ts';
import { arithForms } from './forms/arith.ts';
import { shiftBitForms } from './forms/shift-bit.ts';
import { controlForms } from './forms/control.ts';
import { dataForms } from './forms/data.ts';
import { stringIoForms } from './forms/string-io.ts';
import { systemForms } from './forms/system.ts';

/**
 * The pseudo-form every undefined or unmodelled byte sequence decodes to. Its handler raises
 * #UD, or #NM under CR0.EM/TS for x87 and SIMD opcodes.
 */
export const INVALID_FORM = {
  id: 'INVALID',
  mnemonic: '(bad)',
  map: 'primary',
  opcode: -1,
  modrm: 'none',
  operands: [],
  since: 'i8086',
  modes: ['real', 'v86', 'prot16', 'prot32'],
  cpl: 3,
  flagsWritten: '',
  flagsUndefined: '',
  flagsRead: '',
  flow: 'invalid',
} as const satisfies FormRecord;

export const FORMS = [
  INVALID_FORM,
  ...arithForms,
  ...shiftBitForms,
  ...controlForms,
  ...dataForms,
  ...stringIoForms,
  ...systemForms,
] as const;

export type InstrId = (typeof FORMS)[number]['id'];

/** Index of the INVALID pseudo-form. */
export const INVALID_FORM_INDEX = 0;

const byId = new Map<string, number>();
FORMS.forEach((form: FormRecord, index) => {
  if (byId.has(form.id)) throw new Error(`duplicate form id '${form.id}' in the instruction table`);
  byId.set(form.id, index);
});

/** Form index by id; throws for an unknown id. */
export function formIndex(id: string): number {
  const index = byId.get(id);
  if (index === undefined) throw new Error(`unknown form id '${id}'`);
  return index;
}

export function formById(id: string): FormRecord {
  return FORMS[formIndex(id)] as FormRecord;
}
