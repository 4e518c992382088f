// The string-io group's table records (reference-emulator/isa/forms/string-io.ts), checked
// against iced-x86, the project's independent decoder, and against the decoder built from them.
//
// Checks: every id is an iced `Code` name; the encoding a record describes (opcode, operand
// size, an imm8 where the operands say Ib) decodes in iced to that very Code, mnemonic and
// length, in 16- and 32-bit code, and xvc's decoder picks the same record with the same length;
// string records carry the REP kind the SDM gives them and read DF; CMPS/SCAS write OSZAPC and
// nothing else in the group writes a flag; `since` gates by model (a 286 has INS/OUTS from the
// 186 but no 32-bit operand size); every record has a handler.
// Oracle: iced-x86 1.21 for names, lengths and operand sizes; the SDM's "Flags Affected" and
// REP pages for the flag and REP columns.
// Left out: semantics, which the files under string-io/ test.

import { expect } from 'chai';
import { Code, Decoder, DecoderOptions, Mnemonic } from 'iced-x86';
import { stringIoForms } from '../../../reference-emulator/isa/forms/string-io.ts';
import { cpuModel, decodeBytes, FORMS, formIndex, HANDLERS, type FormRecord } from '../../../reference-emulator/index.ts';

const records: readonly FormRecord[] = stringIoForms;

/** The bytes of a record's encoding in code of the given width: 66 when its operand size is not the default. */
function encode(record: FormRecord, bits: 16 | 32): number[] {
  const bytes: number[] = [];
  if (record.osz !== undefined && record.osz !== bits) bytes.push(0x66);
  bytes.push(record.opcode);
  if (record.operands.includes('Ib')) bytes.push(0xe9);
  return bytes;
}

function icedDecode(bytes: number[], bits: 16 | 32): { code: number; mnemonic: string; length: number } {
  const decoder = new Decoder(bits, new Uint8Array(bytes), DecoderOptions.None);
  const instruction = decoder.decode();
  const result = { code: instruction.code, mnemonic: Mnemonic[instruction.mnemonic] ?? '?', length: instruction.length };
  instruction.free();
  decoder.free();
  return result;
}

describe('isa/forms/string-io: the records', () => {
  it('has 33 records: 21 string forms (7 instructions x 3 sizes) and 12 IN/OUT forms', () => {
    expect(records.length).to.equal(33);
    expect(records.filter((r) => r.rep !== undefined).length).to.equal(21);
  });

  for (const record of records) {
    const codes = Code as unknown as Record<string, number | undefined>;
    it(`${record.id}: an iced Code; encodes and decodes back to it in 16- and 32-bit code`, () => {
      const code = codes[record.id];
      expect(code, `iced Code.${record.id}`).to.be.a('number');
      for (const bits of [16, 32] as const) {
        const bytes = encode(record, bits);
        const iced = icedDecode(bytes, bits);
        expect(iced.code, `iced code for ${bytes.map((b) => b.toString(16)).join(' ')} in ${bits}-bit code`).to.equal(code);
        expect(iced.mnemonic.toLowerCase(), 'mnemonic').to.equal(record.mnemonic);
        const insn = decodeBytes(bytes, { code32: bits === 32, model: cpuModel('modern') });
        expect(FORMS[insn.form]?.id, `xvc form for ${bytes.map((b) => b.toString(16)).join(' ')}`).to.equal(record.id);
        expect(insn.length, 'length').to.equal(iced.length);
      }
    });
  }

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

  it('every record has a handler in the interpreter map', () => {
    const handlers = HANDLERS as Record<string, unknown>;
    for (const record of records) {
      expect(handlers[record.id], record.id).to.be.a('function');
      expect(formIndex(record.id)).to.be.greaterThan(0);
    }
  });
});
