// Table-level checks of the control group's records (reference-emulator/isa/forms/control.ts).
//
// Checked: the table check of suites/support/table-check.ts on every record (its canonical
// encodings in 16- and 32-bit code, with the osz/asz prefixes, the 0F escape, ModRM with the
// /digit, register and memory operands and the immediates the operand codes give, decode to it
// at full length in xvc and iced-x86, with iced's mnemonic; it has a handler; models older than
// `since` decode them to INVALID); flow classes and flag letters are what the SDM pages say for
// a few representative records.
// Oracle: iced-x86's decoder (not derived from our table) and the SDM instruction pages.
// Left out: semantics (the files under control/ run the instructions); memory forms of `rm`
// records beyond one encoding each.

import { expect } from 'chai';
import { FORMS, formById, type FormRecord } from '../../../reference-emulator/index.ts';
import { checkFormRecords } from '../../support/table-check.ts';

const CONTROL_FIRST = 'Jo_rel8_16';
const CONTROL_LAST = 'Ud0_r32_rm32';

function controlForms(): FormRecord[] {
  const all = FORMS as readonly FormRecord[];
  const first = all.findIndex((f) => f.id === CONTROL_FIRST);
  const last = all.findIndex((f) => f.id === CONTROL_LAST);
  return all.slice(first, last + 1);
}

describe('isa/forms/control: records against iced-x86', () => {
  const forms = controlForms();

  it(`holds the whole group, ${CONTROL_FIRST} .. ${CONTROL_LAST} (124 records)`, () => {
    expect(forms.length).to.equal(124);
  });

  // Flags and generation are not compared: iced has no TF bit, reports no flags written by
  // INT n, INT3, INTO and INT1 (the records write IF and TF), and dates UD2 to the 286 where the
  // record says P6.
  checkFormRecords(forms, { mnemonic: true });
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
