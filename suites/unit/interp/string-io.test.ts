// The string-io group's table records (reference-emulator/isa/forms/string-io.ts), checked
// against iced-x86, the project's independent decoder, and against the decoder built from them.
//
// Checks: the table check of suites/support/table-check.ts on every record, with all its
// options (the encoding a record describes, in 16- and 32-bit code with 66 where its operand
// size is not the code's, decodes in iced to that very Code, mnemonic, length, flags and
// generation, and xvc's decoder picks the same record with the same length; every model older
// than `since` decodes it to INVALID; every record has a handler); string records carry the REP
// kind the SDM gives them and read DF; CMPS/SCAS write OSZAPC and nothing else in the group
// writes a flag; `since` gates by model (a 286 has INS/OUTS from the 186 but no 32-bit operand
// size).
// Oracle: iced-x86 1.21 for names, lengths, operand sizes, flags and generations; the SDM's
// "Flags Affected" and REP pages for the flag and REP columns.
// Left out: semantics, which the files under string-io/ test.

import { expect } from 'chai';
import { stringIoForms } from '../../../reference-emulator/index.ts';
import { cpuModel, decodeBytes, FORMS, type FormRecord } from '../../../reference-emulator/index.ts';
import { checkFormRecords } from '../../support/table-check.ts';

const records: readonly FormRecord[] = stringIoForms;

describe('isa/forms/string-io: the records', () => {
  it('has 33 records: 21 string forms (7 instructions x 3 sizes) and 12 IN/OUT forms', () => {
    expect(records.length).to.equal(33);
    expect(records.filter((r) => r.rep !== undefined).length).to.equal(21);
  });

  checkFormRecords(records, { mnemonic: true, flags: true, generation: true });

  it('string forms: MOVS/STOS/LODS/INS/OUTS are REP, CMPS/SCAS are REPE/REPNE; all read DF', () => {
    for (const record of records) {
      const expected = /^(Cmps|Scas)/.test(record.id) ? 'repcc' : /^(Movs|Stos|Lods|Ins|Outs)[bwd]_/.test(record.id) ? 'rep' : undefined;
      expect(record.rep, record.id).to.equal(expected);
      expect(record.flagsRead, record.id).to.equal(expected ? 'd' : '');
    }
  });

  it('flags: CMPS/SCAS write OSZAPC with none undefined; no other record of the group writes a flag', () => {
    for (const record of records) {
      const written = /^(Cmps|Scas)/.test(record.id) ? 'oszapc' : '';
      expect(record.flagsWritten, record.id).to.equal(written);
      expect(record.flagsUndefined, record.id).to.equal('');
      expect(record.flow, record.id).to.equal('next');
      expect(record.cpl, `${record.id} is IOPL-sensitive, not CPL-0-only`).to.equal(3);
    }
  });

  it('since: 32-bit operand forms are i386, INS/OUTS 16-bit and byte forms i186, the rest i8086', () => {
    for (const record of records) {
      const expected = record.osz === 32 ? 'i386' : /^(Ins|Outs)[bw]_/.test(record.id) ? 'i186' : 'i8086';
      expect(record.since, record.id).to.equal(expected);
    }
  });

  it('i286 decodes INSB (6C) and OUTSW (6F) but not 66 6D (INSD): the 66 byte is #UD there', () => {
    const i286 = { code32: false, model: cpuModel('i286') };
    expect(FORMS[decodeBytes([0x6c], i286).form]?.id).to.equal('Insb_m8_DX');
    expect(FORMS[decodeBytes([0x6f], i286).form]?.id).to.equal('Outsw_DX_m16');
    expect(FORMS[decodeBytes([0x66, 0x6d], i286).form]?.id).to.equal('INVALID');
  });
});
