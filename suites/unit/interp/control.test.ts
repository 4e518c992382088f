// Table-level checks of the control group's records (reference-emulator/isa/forms/control.ts).
//
// Checked: for every record, a canonical encoding built from the record alone (prefixes for the
// osz/asz selectors, the 0F escape, ModRM with the /digit, immediates from the operand codes)
// decodes in our decoder to exactly that form with the full length, and iced-x86, the independent
// oracle, decodes the same bytes to the same `Code` name and length; a model older than `since`
// decodes it to INVALID; flow classes and flag letters are what the SDM pages say for a few
// representative records.
// Oracle: iced-x86's decoder (not derived from our table) and the SDM instruction pages.
// Left out: semantics (the files under control/ run the instructions); memory forms of `rm`
// records beyond one encoding each.

import { expect } from 'chai';
import { Code, Decoder, DecoderOptions } from 'iced-x86';
import { cpuModel, decodeBytes, FORMS, formById, INVALID_FORM_INDEX, type CpuModelName, type FormRecord, type Generation } from '../../../reference-emulator/index.ts';

const CONTROL_FIRST = 'Jo_rel8_16';
const CONTROL_LAST = 'Ud0_r32_rm32';

function controlForms(): FormRecord[] {
  const all = FORMS as readonly FormRecord[];
  const first = all.findIndex((f) => f.id === CONTROL_FIRST);
  const last = all.findIndex((f) => f.id === CONTROL_LAST);
  return all.slice(first, last + 1);
}

/** A canonical encoding of a record: register ModRM for `rm`, [BX]/[EBX] for `mem`, immediates 0x11, 0x22 ... */
function encode(f: FormRecord): { bytes: number[]; code32: boolean } {
  const code32 = (f.osz ?? f.asz ?? 16) === 32;
  const bytes: number[] = [];
  const asz32 = f.asz === undefined ? code32 : f.asz === 32;
  if (asz32 !== code32) bytes.push(0x67);
  if (f.map === '0f') bytes.push(0x0f);
  bytes.push(f.opcode);
  if (f.modrm !== 'none') {
    const reg = (f.ext ?? 1) << 3;
    bytes.push(f.modrm === 'mem' ? reg | (asz32 ? 3 : 7) : 0xc0 | reg | 2);
  }
  const osz32 = code32;
  let fill = 0x11;
  const imm = (count: number): void => {
    for (let k = 0; k < count; k++, fill += 0x11) bytes.push(fill & 0xff);
  };
  for (const operand of f.operands) {
    if (operand === 'Ib' || operand === 'Ibs' || operand === 'Jb') imm(1);
    else if (operand === 'Iw') imm(2);
    else if (operand === 'Iz' || operand === 'Jz') imm(osz32 ? 4 : 2);
    else if (operand === 'Ap') imm(osz32 ? 6 : 4);
  }
  return { bytes, code32 };
}

function icedDecode(bytes: number[], code32: boolean): { code: string; length: number } {
  const decoder = new Decoder(code32 ? 32 : 16, new Uint8Array(bytes), DecoderOptions.None);
  const insn = decoder.decode();
  const result = { code: Code[insn.code] ?? `Code ${insn.code}`, length: insn.length };
  insn.free();
  decoder.free();
  return result;
}

const OLDER: Partial<Record<Generation, CpuModelName>> = { i386: 'i286', i486: 'i386', pentium: 'i486', p6: 'pentium' };

const hexBytes = (bytes: number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');

describe('isa/forms/control: records against iced-x86', () => {
  const forms = controlForms();

  it(`holds the whole group, ${CONTROL_FIRST} .. ${CONTROL_LAST} (124 records)`, () => {
    expect(forms.length).to.equal(124);
    for (const f of forms) expect(Code, f.id).to.have.property(f.id);
  });

  for (const f of forms) {
    const { bytes, code32 } = encode(f);
    it(`${f.id}: ${hexBytes(bytes)} (${code32 ? 32 : 16}-bit code) decodes to ${f.id}, ${bytes.length} bytes, in xvc and iced`, () => {
      const insn = decodeBytes(bytes, { code32, model: cpuModel('modern') });
      expect((FORMS[insn.form] as FormRecord).id, 'xvc form').to.equal(f.id);
      expect(insn.length, 'xvc length').to.equal(bytes.length);
      const iced = icedDecode(bytes, code32);
      expect(iced.code, 'iced Code').to.equal(f.aliasOf ?? f.id);
      expect(iced.length, 'iced length').to.equal(bytes.length);
    });
    const older = OLDER[f.since];
    if (older) {
      it(`${f.id}: since ${f.since}, so the ${older} model decodes ${hexBytes(bytes)} to INVALID`, () => {
        const insn = decodeBytes(bytes, { code32, model: cpuModel(older) });
        expect(insn.form).to.equal(INVALID_FORM_INDEX);
      });
    }
  }
});

describe('isa/forms/control: metadata from the SDM pages', () => {
  it('Jcc flags read follow Table B-1: JBE/JA read ZF,CF; JL/JGE SF,OF; JLE/JG ZF,SF,OF', () => {
    expect(formById('Jbe_rel8_16').flagsRead).to.equal('zc');
    expect(formById('Ja_rel32_32').flagsRead).to.equal('zc');
    expect(formById('Jl_rel16').flagsRead).to.equal('so');
    expect(formById('Jg_rel8_32').flagsRead).to.equal('zso');
    expect(formById('Jo_rel8_16').flow).to.equal('branch');
  });

  it('flow classes: near JMP jump, CALL call, RET ret, far forms far, INT interrupt, IRET iret, HLT halt', () => {
    expect(formById('Jmp_rm32').flow).to.equal('jump');
    expect(formById('Call_rel16').flow).to.equal('call');
    expect(formById('Retnd_imm16').flow).to.equal('ret');
    for (const id of ['Jmp_ptr1616', 'Jmp_m1632', 'Call_ptr1632', 'Call_m1616', 'Retfw', 'Retfd_imm16']) expect(formById(id).flow, id).to.equal('far');
    for (const id of ['Int3', 'Int_imm8', 'Into', 'Int1', 'Bound_r16_m1616', 'Ud2']) expect(formById(id).flow, id).to.equal('interrupt');
    expect(formById('Iretd').flow).to.equal('iret');
    expect(formById('Hlt').flow).to.equal('halt');
    expect(formById('Enterw_imm16_imm8').flow).to.equal('next');
  });

  it('HLT is CPL 0; IRET writes every status and control flag; INTO reads OF; LOOPE reads ZF', () => {
    expect(formById('Hlt').cpl).to.equal(0);
    expect(formById('Iretw').flagsWritten).to.equal('oszapcdit');
    expect(formById('Into').flagsRead).to.equal('o');
    expect(formById('Loope_rel8_16_ECX').flagsRead).to.equal('z');
    expect(formById('Loop_rel8_32_CX').flagsRead).to.equal('');
  });

  it('far JMP/CALL indirect and BOUND take memory only (mod=3 is #UD): modrm "mem"', () => {
    for (const id of ['Jmp_m1616', 'Jmp_m1632', 'Call_m1616', 'Call_m1632', 'Bound_r16_m1616', 'Bound_r32_m3232']) {
      expect(formById(id).modrm, id).to.equal('mem');
    }
  });
});
