/**
 * Table-level checks of the arith group's records (reference-emulator/isa/forms/arith.ts), and
 * the rules every arith form shares: LOCK, aliases, AF after the logic operations.
 *
 * Checked: the table check of suites/support/table-check.ts on every record (its canonical
 * encodings in 16- and 32-bit code, register and memory operands, decode to it at full length in
 * xvc and iced-x86; it has a handler; models older than `since` decode them to INVALID), with
 * all its options: iced's mnemonic, written, undefined and read flags and introducing generation
 * (its CPUID feature INTEL8086/186/386) equal the record's. The semantics are in the files
 * under arith/.
 *
 * Oracle: iced-x86 1.21 (its decoder and instruction info are not derived from our table); for
 * LOCK, the SDM (Vol. 2A, LOCK: #UD unless the destination is memory and the form lockable,
 * 386 and later) and the SingleStepTests 80286 corpus (the 286 ignores a misplaced LOCK).
 *
 * Left out: x86-64 forms; the semantics of memory forms beyond the files under arith/.
 */

import { expect } from 'chai';
import { arithForms } from '../../../reference-emulator/index.ts';
import { formById, type FormRecord } from '../../../reference-emulator/index.ts';
import { given } from '../../support/given.ts';
import { checkFormRecords } from '../../support/table-check.ts';
import { modrm } from './arith/support.ts';

const records = arithForms as readonly FormRecord[];

describe('isa/forms/arith: records against iced-x86', () => {
  it('holds 186 records', () => {
    expect(records.length).to.equal(186);
  });

  checkFormRecords(records, { mnemonic: true, flags: true, generation: true });

  it('aliases name a canonical record with the same operands and flags (82 of 80, F6/F7 /1 of /0)', () => {
    const aliases = records.filter((f) => f.aliasOf !== undefined);
    expect(aliases.map((f) => f.id).sort()).to.deep.equal(
      [
        'Adc_rm8_imm8_82', 'Add_rm8_imm8_82', 'And_rm8_imm8_82', 'Cmp_rm8_imm8_82', 'Or_rm8_imm8_82', 'Sbb_rm8_imm8_82', 'Sub_rm8_imm8_82', 'Xor_rm8_imm8_82',
        'Test_rm16_imm16_F7r1', 'Test_rm32_imm32_F7r1', 'Test_rm8_imm8_F6r1',
      ].sort(),
    );
    for (const f of aliases) {
      const canonical = formById(f.aliasOf!);
      expect(f.operands, f.id).to.deep.equal(canonical.operands);
      expect([f.flagsWritten, f.flagsUndefined, f.flagsRead, f.osz], f.id).to.deep.equal([canonical.flagsWritten, canonical.flagsUndefined, canonical.flagsRead, canonical.osz]);
    }
  });

  it('lockable: the read-modify-write forms with an r/m destination, never CMP, TEST, MUL/DIV or register destinations', () => {
    const lockable = records.filter((f) => f.lockable).map((f) => f.id);
    expect(lockable).to.have.length(7 * 9 + 6 + 6);
    for (const id of lockable) expect(id, id).to.match(/^(Add|Or|Adc|Sbb|And|Sub|Xor|Inc|Dec|Neg|Not)_rm/);
  });

  it('CLI and STI end a translation block (flow serialize) and carry their IOPL rule in a note', () => {
    for (const id of ['Cli', 'Sti']) {
      expect(formById(id).flow, id).to.equal('serialize');
      expect(formById(id).note, id).to.match(/IOPL/);
    }
  });
});

describe('arith: LOCK prefix', () => {
  it('LOCK ADD r/m8,r8 with a memory destination (F0 00 07) adds: 0x01+0x02=0x03', () => {
    given({ regs: { bx: 0x2000, al: 0x02 }, mem: [[0x2000, [0x01]]] })
      .code([0xf0, 0x00, modrm(0, 0, 7)])
      .run()
      .expectHalted()
      .expectMem(0x2000, [0x03]);
  });
  it('LOCK ADD r/m8,r8 with a register destination (F0 00 D8) is #UD on the 386 and later, IP 0x1000 pushed', () => {
    given({ regs: { al: 1, bl: 2 } })
      .code([0xf0, 0x00, modrm(3, 3, 0)])
      .run()
      .expectException(6)
      .expectRegs({ al: 1 })
      .expectMem(0xffea, [0x00, 0x10]);
  });
  it('LOCK CMP r/m8,r8 with a memory operand (F0 38 07) is #UD: CMP is not lockable', () => {
    given({ regs: { bx: 0x2000 } }).code([0xf0, 0x38, modrm(0, 0, 7)]).run().expectException(6);
  });
  it('LOCK NEG r/m16 with a memory destination (F0 F7 1F) negates 0x0001 -> 0xffff', () => {
    given({ regs: { bx: 0x2000 }, mem: [[0x2000, [0x01, 0x00]]] })
      .code([0xf0, 0xf7, modrm(0, 3, 7)])
      .run()
      .expectHalted()
      .expectMem(0x2000, [0xff, 0xff]);
  });
  it('i286: a misplaced LOCK is ignored (F0 00 D8 adds AL+BL: 0x01+0x02=0x03)', () => {
    given({ cpu: 'i286', regs: { al: 1, bl: 2 } })
      .code([0xf0, 0x00, modrm(3, 3, 0)])
      .run()
      .expectHalted()
      .expectRegs({ al: 3 });
  });
});

describe('arith: AF after AND/OR/XOR/TEST (undefined; model choice)', () => {
  // The SDM leaves AF undefined; xvc clears it on every model: the P6 and later do, QEMU does,
  // and the 286 corpus (83.4, AND r/m16,imm8: 5,000 cases) shows 0 too.
  for (const cpu of ['i286', 'modern'] as const) {
    it(`${cpu}: AND AL,imm8 (24 0F) with AF=1 before: 0x1f&0x0f=0x0f leaves AF=0`, () => {
      given({ cpu, flags: 0x12, regs: { al: 0x1f } }).code([0x24, 0x0f]).run().expectHalted().expectFlags({ af: 0 });
    });
    it(`${cpu}: XOR, OR and TEST leave AF=0 (34 08, 0C 08, A8 08 with AF=1 before each)`, () => {
      for (const code of [[0x34, 0x08], [0x0c, 0x08], [0xa8, 0x08]]) {
        given({ cpu, flags: 0x12, regs: { al: 0x08 } }).code(code).run().expectHalted().expectFlags({ af: 0 });
      }
    });
  }
});
