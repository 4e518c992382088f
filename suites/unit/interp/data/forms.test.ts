/**
 * Table checks of the data group's records (isa/forms/data.ts), independent of execution.
 *
 * Checks: every record, encoded canonically from its own fields (opcode map, opcode, +r,
 * ModRM /digit, operand size, immediates), decodes back to itself with xvc's decoder on the
 * modern model, and iced-x86 decodes the same bytes to the `Code` of the same name; and every
 * record is refused (#UD) by a model older than its `since`.
 * Oracle: iced-x86 (an independent decoder) for the ids; the records' own `since` for the
 * generation check.
 * Leaves out: operand fields beyond the form (the decoder suite covers them).
 */

import { expect } from 'chai';
import { Code, Decoder, DecoderOptions } from 'iced-x86';
import { CPU_MODELS, cpuModel, decodeBytes, FORMS, generationRank, type FormRecord } from '../../../../reference-emulator/index.ts';
import { dataForms } from '../../../../reference-emulator/isa/forms/data.ts';

const hex = (bytes: number[]): string => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** A canonical encoding: code size = the form's operand size, ModRM [EAX]/[BX+SI] or a register, zero immediates. */
function encode(form: FormRecord): { bytes: number[]; code32: boolean } {
  const code32 = form.osz === 32;
  const bytes: number[] = [];
  if (form.mandatoryPrefix !== undefined) bytes.push(form.mandatoryPrefix);
  if (form.map === '0f') bytes.push(0x0f);
  // +r forms use register 1: register 0 of 90+r is NOP, not XCHG.
  bytes.push(form.opcode + (form.plusReg ? 1 : 0));
  if (form.modrm !== 'none') {
    // Reserved NOPs carry no /digit; reg 4 keeps them clear of PREFETCHh (0F 18 /0-3) and NOP Ev (0F 1F /0).
    const reg = form.ext ?? 4;
    const mod = form.modrm === 'reg' ? 3 : 0;
    bytes.push((mod << 6) | (reg << 3));
  }
  for (const operand of form.operands) {
    const size = { Ib: 1, Ibs: 1, Iw: 2, Iz: code32 ? 4 : 2, Iv: code32 ? 4 : 2, Ob: code32 ? 4 : 2, Ov: code32 ? 4 : 2 }[operand] ?? 0;
    for (let k = 0; k < size; k++) bytes.push(0);
  }
  return { bytes, code32 };
}

function icedName(bytes: number[], code32: boolean): string {
  const decoder = new Decoder(code32 ? 32 : 16, new Uint8Array(bytes), DecoderOptions.None);
  const insn = decoder.decode();
  const name = Code[insn.code] ?? `Code ${insn.code}`;
  const length = insn.length;
  insn.free();
  decoder.free();
  return length === bytes.length ? name : `${name} (length ${length} of ${bytes.length})`;
}

describe('isa/forms/data: records against their encodings', () => {
  for (const form of dataForms as readonly FormRecord[]) {
    const { bytes, code32 } = encode(form);
    it(`${form.id}: ${hex(bytes)} (${code32 ? '32' : '16'}-bit code) decodes to ${form.id} in xvc and in iced-x86`, () => {
      const insn = decodeBytes(bytes, { code32, model: CPU_MODELS.modern });
      expect(FORMS[insn.form]!.id, 'xvc decoder').to.equal(form.id);
      expect(insn.length, 'length').to.equal(bytes.length);
      expect(icedName(bytes, code32), 'iced-x86').to.equal(form.id);
    });
  }
});

describe('isa/forms/data: since', () => {
  const older = (form: FormRecord) => Object.values(CPU_MODELS).filter((m) => generationRank(m.generation) < generationRank(form.since));
  for (const form of (dataForms as readonly FormRecord[]).filter((f) => older(f).length > 0)) {
    const { bytes, code32 } = encode(form);
    it(`${form.id} (since ${form.since}) is not decoded by ${older(form).map((m) => m.name).join(', ')}`, () => {
      for (const model of older(form)) {
        // The 286 has no 32-bit code segments; its 16-bit decode of the same bytes must not give the form either.
        const insn = decodeBytes(bytes, { code32: code32 && model.name !== 'i286', model: cpuModel(model.name) });
        expect(FORMS[insn.form]!.id, model.name).to.not.equal(form.id);
      }
    });
  }
});
