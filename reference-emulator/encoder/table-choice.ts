/**
 * Which form the table assigns to a given opcode, ModRM byte, operand size, address size and
 * mandatory prefix: the rule the decoder applies (decoder/decode.ts), restated so the encoder can
 * refuse an operand set whose bytes belong to a more specific form. `XCHG EAX, EAX` cannot use
 * 90+r, because 90 is NOP (SDM Vol. 2B, XCHG: "XCHG (E)AX, (E)AX is an alias for NOP"); a memory
 * `NOP Ev, Gv` at 0F 18 with ModRM.reg 0-3 is PREFETCHh.
 *
 * The rule: among the forms at the opcode, the most specific one that matches wins; specificity
 * ranks a mandatory prefix, a fixed ModRM byte, a whole opcode (not `+r`), a ModRM.reg extension,
 * a mod restriction, then the operand- and address-size attributes. Ties go to table order.
 * A ModRM.reg value outside a record's `regMask` (CR5 ...) and a prefix in its `udPrefixes`
 * (66 on VMCALL) leave the bytes INVALID, as they do in the decoder; a `mod-ignored` record
 * matches any mod (the encoder writes 11b). Every CPU generation is assumed present (the encoder
 * has no CPU model).
 *
 * The ranking itself is isa/form-priority.ts, shared with the decoder.
 */

import { regAllowed, type FormRecord, type SizeAttr } from '../isa/schema.ts';
import { FORMS, INVALID_FORM_INDEX } from '../isa/table.ts';
import { formSpecificity as specificity } from '../isa/form-priority.ts';

const slots = new Map<number, number[]>();
FORMS.forEach((form: FormRecord, index: number) => {
  if (index === INVALID_FORM_INDEX) return;
  const base = form.map === '0f' ? 256 : 0;
  for (let r = 0; r < (form.plusReg ? 8 : 1); r++) {
    const key = base + form.opcode + r;
    let list = slots.get(key);
    if (!list) slots.set(key, (list = []));
    list.push(index);
  }
});
for (const list of slots.values()) list.sort((a, b) => specificity(FORMS[b] as FormRecord) - specificity(FORMS[a] as FormRecord));

export interface OpcodeFields {
  readonly map: FormRecord['map'];
  /** The opcode byte as emitted (with the register added for `+r` forms). */
  readonly byte: number;
  /** The ModRM byte, or -1 without one. */
  readonly modrm: number;
  readonly osz: SizeAttr;
  readonly asz: SizeAttr;
  readonly opsizePrefix: boolean;
  /** The last F2/F3 emitted, or 0. */
  readonly lastRep: number;
}

/** The form index the table gives these fields, or INVALID_FORM_INDEX. */
export function tableChoice(f: OpcodeFields): number {
  const list = slots.get((f.map === '0f' ? 256 : 0) + f.byte);
  if (!list) return INVALID_FORM_INDEX;
  const mod = f.modrm >> 6;
  const regField = (f.modrm >> 3) & 7;
  for (const index of list) {
    const form = FORMS[index] as FormRecord;
    if (form.ext !== undefined && form.ext !== regField) continue;
    if (form.modrmByte !== undefined && form.modrmByte !== f.modrm) continue;
    if (form.modrm === 'mem' && mod === 3) continue;
    if (form.modrm === 'reg' && mod !== 3) continue;
    if (!regAllowed(form, regField)) continue;
    if (form.osz !== undefined && form.osz !== f.osz) continue;
    if (form.asz !== undefined && form.asz !== f.asz) continue;
    if (form.mandatoryPrefix !== undefined && form.mandatoryPrefix !== (form.mandatoryPrefix === 0x66 ? (f.opsizePrefix ? 0x66 : 0) : f.lastRep)) continue;
    const udPrefix = form.udPrefixes?.some((kind) => (kind === 'operand-size' ? f.opsizePrefix : f.lastRep === (kind === 'rep' ? 0xf3 : 0xf2)));
    return udPrefix === true ? INVALID_FORM_INDEX : index;
  }
  return INVALID_FORM_INDEX;
}
