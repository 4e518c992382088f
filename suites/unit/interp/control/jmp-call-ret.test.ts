// JMP (EB, E9, EA, FF /4, FF /5), CALL (E8, 9A, FF /2, FF /3) and RET (C3, C2, CB, CA), near and
// far, 16- and 32-bit operand size, register and memory operands.
//
// Checked: targets, the return addresses pushed (16 or 32 bits by operand size, CS zero-extended
// to 32 bits by a 32-bit far CALL), SP/ESP after, RET's release of imm16 bytes and 16-bit SP wrap,
// CALL/JMP through SP/[ESP] reading the operand before the push; #GP(0) for a near or far target
// beyond the CS limit with nothing committed (SP unchanged, IP of the instruction pushed); #SS for
// a stack read past the limit; #GP(0) for an m16:16 pointer crossing the 64 KiB limit; #UD for
// FF /3 and FF /5 with a register operand. Protected mode (flat 32-bit runner, GDT from
// support.ts): far JMP/CALL/RET to a code segment at CPL 0 (32- and 16-bit targets, conforming
// segments), and each check the seam implements: null selector #GP(0), type #GP(sel), RPL/DPL
// #GP(sel), not present #NP(sel), offset beyond the new limit #GP(0); gates and outer-level
// returns end the run with an UnmodelledTransfer error.
// Oracle: SDM Vol. 2A JMP and CALL, Vol. 2B RET pseudo-code; values computed by hand.
// Left out: call gates, task switches and privilege changes (not modelled yet: the seam);
// descriptor accessed bits; the 286's #GP-for-#SS real-mode quirk (access layer).

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import {
  CODE16_BASE,
  CODE32_BASE,
  hex,
  le16,
  le32,
  SEL_CALL_GATE,
  SEL_CODE16,
  SEL_CODE32,
  SEL_CONFORMING0,
  SEL_CONFORMING3,
  SEL_DATA,
  SEL_DPL3,
  SEL_NOT_PRESENT,
  TEST_GDT,
} from './support.ts';

describe('interp/control: near JMP', () => {
  it('JMP rel8 (EB 01): 0x1002 + 1 -> 0x1003', () => {
    given({}).code([0xeb, 0x01, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004 });
  });

  it('JMP rel8 in 32-bit code (EB 01): 0x1002 + 1 -> 0x1003', () => {
    given({ mode: 'prot32' }).code([0xeb, 0x01, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004 });
  });

  it('JMP rel8 0xFE (-2) from 0x1004 lands on the HLT at 0x1002', () => {
    given({}).code([0xeb, 0x01, 0xf4, 0xeb, 0xfd]).run().expectHalted().expectRegs({ eip: 0x1003 });
  });

  it('JMP rel16 (E9 01 00): 0x1003 + 1 -> 0x1004', () => {
    given({}).code([0xe9, ...le16(1), 0xf4]).run().expectHalted().expectRegs({ eip: 0x1005 });
  });

  it('JMP rel16 0xFFFC (-4) from 0x1006 lands on the HLT at 0x1002', () => {
    given({}).code([0xeb, 0x01, 0xf4, 0xe9, ...le16(0xfffc)]).run().expectHalted().expectRegs({ eip: 0x1003 });
  });

  it('JMP rel32 in 32-bit code (E9 01 00 00 00): 0x1005 + 1 -> 0x1006', () => {
    given({ mode: 'prot32' }).code([0xe9, ...le32(1), 0xf4]).run().expectHalted().expectRegs({ eip: 0x1007 });
  });

  it('66 JMP rel16 in 32-bit code truncates EIP: 0x1FFF4 + 0 -> 0x0000FFF4', () => {
    given({ mode: 'prot32', ip: 0x1fff0, mem: [[0xfff4, [0xf4]]] }).code([0x66, 0xe9, 0x00, 0x00]).run().expectHalted().expectRegs({ eip: 0xfff5 });
  });

  it('66 JMP rel32 in real mode to 0x11006: beyond the CS limit 0xFFFF, #GP(0), IP 0x1000 pushed', () => {
    given({}).code([0x66, 0xe9, ...le32(0x10000)]).run().expectException(13).expectRegs({ sp: 0xffea }).expectMem(0xffea, le16(0x1000));
  });

  it('JMP r/m16 register (FF E3), BX=0x1003', () => {
    given({ regs: { bx: 0x1003 } }).code([0xff, 0xe3, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004 });
  });

  it('JMP r/m16 memory (FF 27 = [BX]), [0x2000]=0x3000', () => {
    given({ regs: { bx: 0x2000 }, mem: [[0x2000, le16(0x3000)], [0x3000, [0xf4]]] }).code([0xff, 0x27]).run().expectHalted().expectRegs({ eip: 0x3001 });
  });

  it('JMP r/m16 to 0xFFFF (the last byte inside the limit)', () => {
    given({ regs: { ax: 0xffff }, mem: [[0xffff, [0xf4]]] }).code([0xff, 0xe0]).run().expectHalted().expectRegs({ eip: 0x0000 });
  });

  it('JMP r/m32 register in 32-bit code (FF E3), EBX=0x00005000', () => {
    given({ mode: 'prot32', regs: { ebx: 0x5000 }, mem: [[0x5000, [0xf4]]] }).code([0xff, 0xe3]).run().expectHalted().expectRegs({ eip: 0x5001 });
  });

  it('JMP r/m32 memory in 32-bit code (FF 23 = [EBX]), [0x2000]=0x00006000', () => {
    given({ mode: 'prot32', regs: { ebx: 0x2000 }, mem: [[0x2000, le32(0x6000)], [0x6000, [0xf4]]] }).code([0xff, 0x23]).run().expectHalted().expectRegs({ eip: 0x6001 });
  });

  it('66 JMP r/m32 in real mode, EBX=0x00010000: #GP(0), IP 0x1000 pushed', () => {
    given({ regs: { ebx: 0x10000 } }).code([0x66, 0xff, 0xe3]).run().expectException(13).expectMem(0xffea, le16(0x1000));
  });
});

describe('interp/control: near CALL', () => {
  it('CALL rel16 (E8 01 00): pushes 0x1003 at 0xFFEE, jumps to 0x1004', () => {
    given({}).code([0xe8, ...le16(1), 0xf4]).run().expectHalted().expectRegs({ eip: 0x1005, sp: 0xffee }).expectMem(0xffee, le16(0x1003));
  });

  it('CALL rel32 in 32-bit code (E8 01 00 00 00): pushes 0x00001005 at 0x8FFFC', () => {
    given({ mode: 'prot32' }).code([0xe8, ...le32(1), 0xf4]).run().expectHalted().expectRegs({ eip: 0x1007, esp: 0x8fffc }).expectMem(0x8fffc, le32(0x1005));
  });

  it('66 CALL rel16 in 32-bit code pushes a word (0x1004) and truncates the target', () => {
    given({ mode: 'prot32', mem: [[0x1005, [0xf4]]] }).code([0x66, 0xe8, ...le16(1)]).run().expectHalted().expectRegs({ eip: 0x1006, esp: 0x8fffe }).expectMem(0x8fffe, le16(0x1004));
  });

  it('66 CALL rel32 in real mode to 0x11006: #GP(0) before the push (SP 0xFFF0 -> 0xFFEA by the delivery only)', () => {
    given({}).code([0x66, 0xe8, ...le32(0x10000)]).run().expectException(13).expectRegs({ sp: 0xffea }).expectMem(0xffea, le16(0x1000));
  });

  it('CALL r/m16 register (FF D3), BX=0x1003: pushes 0x1002', () => {
    given({ regs: { bx: 0x1003 } }).code([0xff, 0xd3, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004, sp: 0xffee }).expectMem(0xffee, le16(0x1002));
  });

  it('CALL r/m16 memory (FF 17 = [BX]), [0x2000]=0x3000', () => {
    given({ regs: { bx: 0x2000 }, mem: [[0x2000, le16(0x3000)], [0x3000, [0xf4]]] }).code([0xff, 0x17]).run()
      .expectHalted().expectRegs({ eip: 0x3001, sp: 0xffee }).expectMem(0xffee, le16(0x1002));
  });

  it('CALL SP (FF D4) jumps to the SP before the push, 0xFFF0', () => {
    given({ mem: [[0xfff0, [0xf4]]] }).code([0xff, 0xd4]).run().expectHalted().expectRegs({ eip: 0xfff1, sp: 0xffee }).expectMem(0xffee, le16(0x1002));
  });

  it('CALL r/m32 register in 32-bit code (FF D3), EBX=0x5000: pushes 0x00001002', () => {
    given({ mode: 'prot32', regs: { ebx: 0x5000 }, mem: [[0x5000, [0xf4]]] }).code([0xff, 0xd3]).run()
      .expectHalted().expectRegs({ eip: 0x5001, esp: 0x8fffc }).expectMem(0x8fffc, le32(0x1002));
  });

  it('CALL [ESP] in 32-bit code (FF 14 24) reads the old top of stack, 0x00005000, then pushes 0x00001003', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x5000)], [0x5000, [0xf4]]] }).code([0xff, 0x14, 0x24]).run()
      .expectHalted().expectRegs({ eip: 0x5001, esp: 0x8fffc }).expectMem(0x8fffc, le32(0x1003));
  });

  it('i286: CALL r/m16 (FF D3) pushes 0x1002', () => {
    given({ cpu: 'i286', regs: { bx: 0x1003 } }).code([0xff, 0xd3, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004, sp: 0xffee }).expectMem(0xffee, le16(0x1002));
  });
});

describe('interp/control: near RET', () => {
  it('RET (C3): pops 0x1004, SP 0xFFF0 -> 0xFFF2', () => {
    given({ mem: [[0xfff0, le16(0x1004)]] }).code([0xc3, 0xf4, 0xf4, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1005, sp: 0xfff2 });
  });

  it('RET imm16 (C2 04 00): pops 0x1004 and releases 4 bytes, SP -> 0xFFF6', () => {
    given({ mem: [[0xfff0, le16(0x1004)]] }).code([0xc2, ...le16(4), 0xf4]).run().expectHalted().expectRegs({ eip: 0x1005, sp: 0xfff6 });
  });

  it('RET imm16 0xFFFF wraps the 16-bit SP: 0xFFF0 + 2 + 0xFFFF -> 0xFFF1', () => {
    given({ mem: [[0xfff0, le16(0x1004)]] }).code([0xc2, ...le16(0xffff), 0xf4]).run().expectHalted().expectRegs({ eip: 0x1005, sp: 0xfff1 });
  });

  it('RET at SP=0xFFFE: pops the word at 0xFFFE and SP wraps to 0x0000', () => {
    given({ regs: { sp: 0xfffe }, mem: [[0xfffe, le16(0x1002)]] }).code([0xc3, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1003, sp: 0x0000 });
  });

  it('RET in 32-bit code (C3): pops 0x00001005, ESP 0x90000 -> 0x90004', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x1005)]] }).code([0xc3, 0xf4, 0xf4, 0xf4, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1006, esp: 0x90004 });
  });

  it('RET imm16 in 32-bit code (C2 08 00): ESP 0x90000 -> 0x9000C', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x1005)]] }).code([0xc2, ...le16(8), 0xf4, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1006, esp: 0x9000c });
  });

  it('66 RET in 32-bit code pops a word: ESP 0x90000 -> 0x90002, EIP 0x00001003', () => {
    given({ mode: 'prot32', mem: [[0x90000, [...le16(0x1003), 0xff, 0xff]]] }).code([0x66, 0xc3, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004, esp: 0x90002 });
  });

  it('66 RET in real mode popping 0x00010000: #GP(0), SP not committed (delivery pushes from 0xFFF0)', () => {
    given({ mem: [[0xfff0, le32(0x10000)]] }).code([0x66, 0xc3]).run().expectException(13).expectRegs({ sp: 0xffea }).expectMem(0xffea, le16(0x1000));
  });

  it('RET with SP=0xFFFF (word past the SS limit): #SS', () => {
    given({ regs: { sp: 0xffff } }).code([0xc3]).run().expectException(12);
  });
});

describe('interp/control: far transfers in real mode', () => {
  it('JMP ptr16:16 (EA 10 00 00 30) -> 3000:0010', () => {
    given({ mem: [[0x30010, [0xf4]]] }).code([0xea, ...le16(0x10), ...le16(0x3000)]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11 });
  });

  it('66 JMP ptr16:32 in real mode -> 3000:00000010', () => {
    given({ mem: [[0x30010, [0xf4]]] }).code([0x66, 0xea, ...le32(0x10), ...le16(0x3000)]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11 });
  });

  it('66 JMP ptr16:32 to offset 0x00010000 in real mode: #GP(0), CS stays 0x0000', () => {
    given({}).code([0x66, 0xea, ...le32(0x10000), ...le16(0x3000)]).run().expectException(13).expectMem(0xffea, [...le16(0x1000), ...le16(0x0000)]);
  });

  it('JMP m16:16 (FF 2F = [BX]), [0x2000] = 0010 3000', () => {
    given({ regs: { bx: 0x2000 }, mem: [[0x2000, [...le16(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0xff, 0x2f]).run()
      .expectHalted().expectRegs({ cs: 0x3000, eip: 0x11 });
  });

  it('66 JMP m16:32 (66 FF 2F), [0x2000] = 00000010 3000', () => {
    given({ regs: { bx: 0x2000 }, mem: [[0x2000, [...le32(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0x66, 0xff, 0x2f]).run()
      .expectHalted().expectRegs({ cs: 0x3000, eip: 0x11 });
  });

  it('JMP m16:16 at [BX]=0xFFFE: the selector word at 0x10000 is past the DS limit, #GP(0)', () => {
    given({ regs: { bx: 0xfffe } }).code([0xff, 0x2f]).run().expectException(13).expectMem(0xffea, le16(0x1000));
  });

  it('JMP FF /5 with a register operand (FF EB): #UD, IP 0x1000 pushed', () => {
    given({}).code([0xff, 0xeb]).run().expectException(6).expectMem(0xffea, le16(0x1000));
  });

  it('CALL ptr16:16 (9A) from 0100:0000: pushes CS 0x0100 and IP 0x0005, -> 3000:0010', () => {
    given({ segs: { cs: 0x0100 }, ip: 0, mem: [[0x30010, [0xf4]]] }).code([0x9a, ...le16(0x10), ...le16(0x3000)]).run()
      .expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xffec }).expectMem(0xffec, [...le16(0x0005), ...le16(0x0100)]);
  });

  it('66 CALL ptr16:32 (66 9A) from 0100:0000: pushes CS zero-extended (0x00000100) and EIP 0x00000008', () => {
    given({ segs: { cs: 0x0100 }, ip: 0, regs: { esp: 0xfff0 }, mem: [[0xffe8, [0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]], [0x30010, [0xf4]]] })
      .code([0x66, 0x9a, ...le32(0x10), ...le16(0x3000)]).run()
      .expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xffe8 }).expectMem(0xffe8, [...le32(0x8), ...le32(0x0100)]);
  });

  it('CALL m16:16 (FF 1F = [BX]) from 0100:0000: pushes 0100:0002', () => {
    given({ segs: { cs: 0x0100 }, ip: 0, regs: { bx: 0x2000 }, mem: [[0x2000, [...le16(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0xff, 0x1f]).run()
      .expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xffec }).expectMem(0xffec, [...le16(0x0002), ...le16(0x0100)]);
  });

  it('66 CALL m16:32 (66 FF 1F) from 0100:0000: pushes 00000100:00000003', () => {
    given({ segs: { cs: 0x0100 }, ip: 0, regs: { bx: 0x2000 }, mem: [[0x2000, [...le32(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0x66, 0xff, 0x1f]).run()
      .expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xffe8 }).expectMem(0xffe8, [...le32(0x3), ...le32(0x0100)]);
  });

  it('CALL FF /3 with a register operand (FF DB): #UD', () => {
    given({}).code([0xff, 0xdb]).run().expectException(6).expectRegs({ sp: 0xffea }).expectMem(0xffea, le16(0x1000));
  });

  it('RETF (CB): pops 0010 then 3000, SP 0xFFF0 -> 0xFFF4', () => {
    given({ mem: [[0xfff0, [...le16(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0xcb]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xfff4 });
  });

  it('RETF imm16 (CA 08 00): SP 0xFFF0 -> 0xFFFC', () => {
    given({ mem: [[0xfff0, [...le16(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0xca, ...le16(8)]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xfffc });
  });

  it('66 RETF (66 CB): pops EIP 0x00000010 and a 32-bit CS slot 0xFFFF3000 (upper half ignored), SP -> 0xFFF8', () => {
    given({ mem: [[0xfff0, [...le32(0x10), ...le32(0xffff3000)]], [0x30010, [0xf4]]] }).code([0x66, 0xcb]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xfff8 });
  });

  it('66 RETF imm16 (66 CA 04 00): SP 0xFFF0 -> 0xFFFC', () => {
    given({ mem: [[0xfff0, [...le32(0x10), ...le32(0x3000)]], [0x30010, [0xf4]]] }).code([0x66, 0xca, ...le16(4)]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xfffc });
  });

  it('66 RETF popping EIP 0x00010000 in real mode: #GP(0), SP and CS unchanged', () => {
    given({ mem: [[0xfff0, [...le32(0x10000), ...le32(0x3000)]]] }).code([0x66, 0xcb]).run()
      .expectException(13).expectRegs({ sp: 0xffea }).expectMem(0xffea, [...le16(0x1000), ...le16(0x0000)]);
  });

  it('i286: JMP ptr16:16 and RETF work (8086 forms)', () => {
    given({ cpu: 'i286', mem: [[0x30010, [0xf4]]] }).code([0xea, ...le16(0x10), ...le16(0x3000)]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11 });
    given({ cpu: 'i286', mem: [[0xfff0, [...le16(0x10), ...le16(0x3000)]], [0x30010, [0xf4]]] }).code([0xcb]).run().expectHalted().expectRegs({ cs: 0x3000, eip: 0x11, sp: 0xfff4 });
  });
});

describe('interp/control: far transfers in protected mode (CPL 0, GDT at 0)', () => {
  const prot = (mem: ReadonlyArray<readonly [number, readonly number[]]> = []) => ({ mode: 'prot32' as const, mem: [TEST_GDT, ...mem] });
  const jmpFar = (sel: number, offset: number) => [0xea, ...le32(offset), ...le16(sel)];

  it(`JMP ptr16:32 ${hex(SEL_CODE32)}:0x10 loads the 32-bit code segment at base ${hex(CODE32_BASE, 5)}`, () => {
    given(prot([[CODE32_BASE + 0x10, [0xf4]]])).code(jmpFar(SEL_CODE32, 0x10)).run().expectHalted().expectRegs({ cs: SEL_CODE32, eip: 0x11 });
  });

  it(`JMP ptr16:32 ${hex(SEL_CODE16)}:0x10 switches to 16-bit code at base ${hex(CODE16_BASE, 5)}`, () => {
    // 16-bit code at the target: 66 B8 imm32 would be 6 bytes; a plain JMP rel8 (EB 01) over a byte proves 16-bit decoding too.
    given(prot([[CODE16_BASE + 0x10, [0xeb, 0x01, 0x00, 0xf4]]])).code(jmpFar(SEL_CODE16, 0x10)).run().expectHalted().expectRegs({ cs: SEL_CODE16, eip: 0x14 });
  });

  it(`JMP ptr16:32 to conforming DPL-0 code ${hex(SEL_CONFORMING0)} keeps CPL 0 in CS.RPL`, () => {
    given(prot([[CODE32_BASE + 0x10, [0xf4]]])).code(jmpFar(SEL_CONFORMING0, 0x10)).run().expectHalted().expectRegs({ cs: SEL_CONFORMING0, eip: 0x11 });
  });

  it('JMP ptr16:32 with a null selector 0x0003: #GP(0)', () => {
    given(prot()).code(jmpFar(0x0003, 0x10)).run().expectException(13, 0).expectRegs({ cs: 0x08, eip: 0x1000 });
  });

  it(`JMP ptr16:32 to RPL 3 (${hex(SEL_CODE32 | 3)}) of DPL-0 non-conforming code: #GP(${hex(SEL_CODE32)})`, () => {
    given(prot()).code(jmpFar(SEL_CODE32 | 3, 0x10)).run().expectException(13, SEL_CODE32);
  });

  it(`JMP ptr16:32 ${hex(SEL_CODE32)}:0x1000, past the limit 0xFFF: #GP(0), CS unchanged`, () => {
    given(prot()).code(jmpFar(SEL_CODE32, 0x1000)).run().expectException(13, 0).expectRegs({ cs: 0x08, eip: 0x1000 });
  });

  it(`JMP ptr16:32 to a data segment ${hex(SEL_DATA)}: #GP(${hex(SEL_DATA)})`, () => {
    given(prot()).code(jmpFar(SEL_DATA, 0x10)).run().expectException(13, SEL_DATA);
  });

  it(`JMP ptr16:32 to a not-present code segment ${hex(SEL_NOT_PRESENT)}: #NP(${hex(SEL_NOT_PRESENT)})`, () => {
    given(prot()).code(jmpFar(SEL_NOT_PRESENT, 0x10)).run().expectException(11, SEL_NOT_PRESENT);
  });

  it(`JMP ptr16:32 to DPL-3 non-conforming code ${hex(SEL_DPL3)} from CPL 0: #GP(${hex(SEL_DPL3)})`, () => {
    given(prot()).code(jmpFar(SEL_DPL3, 0x10)).run().expectException(13, SEL_DPL3);
  });

  it(`JMP ptr16:32 to DPL-3 conforming code ${hex(SEL_CONFORMING3)} from CPL 0: #GP(${hex(SEL_CONFORMING3)})`, () => {
    given(prot()).code(jmpFar(SEL_CONFORMING3, 0x10)).run().expectException(13, SEL_CONFORMING3);
  });

  it('JMP ptr16:32 to an all-zero descriptor (0xFFF8, system type 0): #GP(0xFFF8)', () => {
    given(prot()).code(jmpFar(0xfff8, 0x10)).run().expectException(13, 0xfff8);
  });

  it(`JMP ptr16:32 through a call gate ${hex(SEL_CALL_GATE)} is the protected-mode seam: the run ends with UnmodelledTransfer`, () => {
    expect(() => given(prot()).code(jmpFar(SEL_CALL_GATE, 0)).run()).to.throw(/far JMP through a gate or TSS \(selector 0x38\) is not modelled yet/);
  });

  it(`JMP m16:32 (FF 2D disp32) through [0x2000] = 0x00000010:${hex(SEL_CODE32)}`, () => {
    given(prot([[0x2000, [...le32(0x10), ...le16(SEL_CODE32)]], [CODE32_BASE + 0x10, [0xf4]]])).code([0xff, 0x2d, ...le32(0x2000)]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE32, eip: 0x11 });
  });

  it(`66 JMP m16:16 (66 FF 2D disp32) through [0x2000] = 0x0010:${hex(SEL_CODE16)}`, () => {
    given(prot([[0x2000, [...le16(0x10), ...le16(SEL_CODE16)]], [CODE16_BASE + 0x10, [0xf4]]])).code([0x66, 0xff, 0x2d, ...le32(0x2000)]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE16, eip: 0x11 });
  });

  it(`CALL ptr16:32 ${hex(SEL_CODE16)}:0x10 pushes CS 0x00000008 and EIP 0x00001007`, () => {
    given(prot([[CODE16_BASE + 0x10, [0xf4]]])).code([0x9a, ...le32(0x10), ...le16(SEL_CODE16)]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE16, eip: 0x11, esp: 0x8fff8 }).expectMem(0x8fff8, [...le32(0x1007), ...le32(0x08)]);
  });

  it(`66 CALL ptr16:16 ${hex(SEL_CODE16)}:0x10 pushes word CS 0x0008 and IP 0x1006`, () => {
    given(prot([[CODE16_BASE + 0x10, [0xf4]]])).code([0x66, 0x9a, ...le16(0x10), ...le16(SEL_CODE16)]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE16, eip: 0x11, esp: 0x8fffc }).expectMem(0x8fffc, [...le16(0x1006), ...le16(0x08)]);
  });

  it(`CALL m16:32 (FF 1D disp32) through [0x2000] pushes 0x00000008:0x00001006`, () => {
    given(prot([[0x2000, [...le32(0x10), ...le16(SEL_CODE32)]], [CODE32_BASE + 0x10, [0xf4]]])).code([0xff, 0x1d, ...le32(0x2000)]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE32, eip: 0x11, esp: 0x8fff8 }).expectMem(0x8fff8, [...le32(0x1006), ...le32(0x08)]);
  });

  it(`CALL ptr16:32 to a not-present segment: #NP(${hex(SEL_NOT_PRESENT)}) with nothing pushed`, () => {
    given(prot()).code([0x9a, ...le32(0x10), ...le16(SEL_NOT_PRESENT)]).run().expectException(11, SEL_NOT_PRESENT).expectRegs({ esp: 0x90000 });
  });

  it(`CALL ptr16:32 through a call gate ${hex(SEL_CALL_GATE)}: UnmodelledTransfer`, () => {
    expect(() => given(prot()).code([0x9a, ...le32(0), ...le16(SEL_CALL_GATE)]).run()).to.throw(/far CALL through a gate or TSS/);
  });

  it(`RETF (CB) to ${hex(SEL_CODE32)}:0x10 at the same privilege: ESP 0x90000 -> 0x90008`, () => {
    given(prot([[0x90000, [...le32(0x10), ...le32(SEL_CODE32)]], [CODE32_BASE + 0x10, [0xf4]]])).code([0xcb]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE32, eip: 0x11, esp: 0x90008 });
  });

  it(`RETF imm16 (CA 10 00) to ${hex(SEL_CODE32)}:0x10: ESP 0x90000 -> 0x90018`, () => {
    given(prot([[0x90000, [...le32(0x10), ...le32(SEL_CODE32)]], [CODE32_BASE + 0x10, [0xf4]]])).code([0xca, ...le16(0x10)]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE32, eip: 0x11, esp: 0x90018 });
  });

  it(`RETF to a data segment ${hex(SEL_DATA)}: #GP(${hex(SEL_DATA)}), ESP unchanged`, () => {
    given(prot([[0x90000, [...le32(0x10), ...le32(SEL_DATA)]]])).code([0xcb]).run().expectException(13, SEL_DATA).expectRegs({ esp: 0x90000 });
  });

  it(`RETF to ${hex(SEL_CODE32)}:0x2000, past the limit: #GP(0)`, () => {
    given(prot([[0x90000, [...le32(0x2000), ...le32(SEL_CODE32)]]])).code([0xcb]).run().expectException(13, 0);
  });

  it('RETF with a null CS 0x0000: #GP(0)', () => {
    given(prot([[0x90000, [...le32(0x10), ...le32(0)]]])).code([0xcb]).run().expectException(13, 0);
  });

  it(`RETF to RPL 3 (${hex(SEL_DPL3 | 3)}) is a return to an outer level: UnmodelledTransfer`, () => {
    expect(() => given(prot([[0x90000, [...le32(0x10), ...le32(SEL_DPL3 | 3)]]])).code([0xcb]).run()).to.throw(/far RET to an outer privilege level \(CPL 0 -> 3\) is not modelled yet/);
  });
});
