// ENTER (C8 iw ib) and LEAVE (C9), 16- and 32-bit operand size, 16- and 32-bit stacks.
//
// Checked: nesting level 0, 1 and 3 (frame pointers copied from the old frame at BP-2, BP-4 ...),
// the level taken MOD 32 (0x21 acts as 1), the allocation (0 and 0xFFFF edges), BP/EBP and SP/ESP
// after, the words/dwords written; a 16-bit ENTER on a 32-bit stack writes only BP and moves ESP;
// ENTER whose final SP lands on 0xFFFF raises #SS with SP and BP unchanged; LEAVE restores SP from
// BP and pops BP, and raises #SS with nothing changed for BP=0xFFFF; the 186+ forms run on the 286.
// Oracle: SDM Vol. 2A ENTER and LEAVE pseudo-code; for the cases the pseudo-code leaves loose
// (16-bit operand size on a 32-bit stack, the final-SP probe), Bochs ENTER16/ENTER32, as noted on
// the records. Values computed by hand.
// Left out: the 32-bit stack in real mode (big-real SS), nesting levels above 3 beyond the MOD 32.

import { given } from '../../../support/given.ts';
import { le16, le32 } from './support.ts';

describe('interp/control: ENTER', () => {
  it('ENTER 4,0 (C8 04 00 00): push BP 0x1234 at 0xFFEE, BP=0xFFEE, SP=0xFFEA', () => {
    given({ regs: { bp: 0x1234 } }).code([0xc8, ...le16(4), 0x00]).run()
      .expectHalted().expectRegs({ bp: 0xffee, sp: 0xffea }).expectMem(0xffee, le16(0x1234));
  });

  it('ENTER 0,1: pushes BP then the frame pointer 0xFFEE; BP=0xFFEE, SP=0xFFEC', () => {
    given({ regs: { bp: 0x1234 } }).code([0xc8, ...le16(0), 0x01]).run()
      .expectHalted().expectRegs({ bp: 0xffee, sp: 0xffec }).expectMem(0xffec, [...le16(0xffee), ...le16(0x1234)]);
  });

  it('ENTER 2,3: copies [BP-2]=0xAAAA and [BP-4]=0xBBBB from the old frame at 0x2000, then the new frame 0xFFEE', () => {
    given({ regs: { bp: 0x2000 }, mem: [[0x1ffc, [...le16(0xbbbb), ...le16(0xaaaa)]]] }).code([0xc8, ...le16(2), 0x03]).run()
      .expectHalted()
      .expectRegs({ bp: 0xffee, sp: 0xffe6 })
      .expectMem(0xffe8, [...le16(0xffee), ...le16(0xbbbb), ...le16(0xaaaa), ...le16(0x2000)]);
  });

  it('ENTER 0,0x21: the level is taken MOD 32, so it acts as level 1', () => {
    given({ regs: { bp: 0x1234 } }).code([0xc8, ...le16(0), 0x21]).run()
      .expectHalted().expectRegs({ bp: 0xffee, sp: 0xffec }).expectMem(0xffec, [...le16(0xffee), ...le16(0x1234)]);
  });

  it('ENTER 0xFFFF,0 from SP 0xFFF0: SP wraps to 0xFFEE - 0xFFFF = 0xFFEF', () => {
    given({ regs: { bp: 0x1234 } }).code([0xc8, ...le16(0xffff), 0x00]).run().expectHalted().expectRegs({ bp: 0xffee, sp: 0xffef });
  });

  it('ENTER 0xFFEF,0: the final SP 0xFFFF is probed as a word past the SS limit, #SS; SP and BP unchanged', () => {
    given({ regs: { bp: 0x1234 } }).code([0xc8, ...le16(0xffef), 0x00]).run().expectException(12).expectRegs({ sp: 0xffea, bp: 0x1234 });
  });

  it('ENTER 8,2 in 32-bit code: pushes EBP, [EBP-4]=0x11223344, the frame 0x0008FFFC; ESP=0x8FFEC', () => {
    given({ mode: 'prot32', regs: { ebp: 0x80000 }, mem: [[0x7fffc, le32(0x11223344)]] }).code([0xc8, ...le16(8), 0x02]).run()
      .expectHalted()
      .expectRegs({ ebp: 0x8fffc, esp: 0x8ffec })
      .expectMem(0x8fff4, [...le32(0x8fffc), ...le32(0x11223344), ...le32(0x80000)]);
  });

  it('66 ENTER 4,1 (16-bit operand size) on a 32-bit stack: word pushes, only BP written (EBP 0x1234ABCD -> 0x1234FFFE), ESP -= 8', () => {
    given({ mode: 'prot32', regs: { ebp: 0x1234abcd } }).code([0x66, 0xc8, ...le16(4), 0x01]).run()
      .expectHalted()
      .expectRegs({ ebp: 0x1234fffe, esp: 0x8fff8 })
      .expectMem(0x8fffc, [...le16(0xfffe), ...le16(0xabcd)]);
  });

  it('66 ENTER 0,0 (32-bit operand size) in real mode: pushes EBP 0x12345678 as a dword, EBP=0x0000FFEC', () => {
    given({ regs: { ebp: 0x12345678 } }).code([0x66, 0xc8, ...le16(0), 0x00]).run()
      .expectHalted().expectRegs({ ebp: 0xffec, sp: 0xffec }).expectMem(0xffec, le32(0x12345678));
  });

  it('i286: ENTER 4,1 (an 80186 form)', () => {
    given({ cpu: 'i286', regs: { bp: 0x1234 } }).code([0xc8, ...le16(4), 0x01]).run()
      .expectHalted().expectRegs({ bp: 0xffee, sp: 0xffe8 }).expectMem(0xffec, [...le16(0xffee), ...le16(0x1234)]);
  });
});

describe('interp/control: LEAVE', () => {
  it('LEAVE (C9): SP <- BP 0x2000, pops BP 0x5678; SP=0x2002', () => {
    given({ regs: { bp: 0x2000 }, mem: [[0x2000, le16(0x5678)]] }).code([0xc9]).run().expectHalted().expectRegs({ bp: 0x5678, sp: 0x2002 });
  });

  it('LEAVE with BP=0xFFFE: SP wraps to 0x0000', () => {
    given({ regs: { bp: 0xfffe }, mem: [[0xfffe, le16(0x5678)]] }).code([0xc9]).run().expectHalted().expectRegs({ bp: 0x5678, sp: 0x0000 });
  });

  it('LEAVE with BP=0xFFFF: the word is past the SS limit, #SS, SP and BP unchanged', () => {
    given({ regs: { bp: 0xffff } }).code([0xc9]).run().expectException(12).expectRegs({ bp: 0xffff, sp: 0xffea });
  });

  it('LEAVE in 32-bit code: ESP <- EBP 0x80000, pops EBP 0xCAFEBABE; ESP=0x80004', () => {
    given({ mode: 'prot32', regs: { ebp: 0x80000 }, mem: [[0x80000, le32(0xcafebabe)]] }).code([0xc9]).run().expectHalted().expectRegs({ ebp: 0xcafebabe, esp: 0x80004 });
  });

  it('66 LEAVE in 32-bit code: ESP <- EBP, pops only BP (EBP 0x00080000 -> 0x0008BEEF), ESP=0x80002', () => {
    given({ mode: 'prot32', regs: { ebp: 0x80000 }, mem: [[0x80000, le16(0xbeef)]] }).code([0x66, 0xc9]).run().expectHalted().expectRegs({ ebp: 0x8beef, esp: 0x80002 });
  });

  it('66 LEAVE in real mode: pops EBP as a dword', () => {
    given({ regs: { ebp: 0x2000 }, mem: [[0x2000, le32(0x87654321)]] }).code([0x66, 0xc9]).run().expectHalted().expectRegs({ ebp: 0x87654321, sp: 0x2004 });
  });

  it('ENTER 6,0 then LEAVE restore SP 0xFFF0 and BP 0x1234', () => {
    given({ regs: { bp: 0x1234 } }).code([0xc8, ...le16(6), 0x00, 0xc9]).run().expectHalted().expectRegs({ bp: 0x1234, sp: 0xfff0 });
  });
});
