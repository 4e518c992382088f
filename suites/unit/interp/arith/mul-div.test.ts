/**
 * MUL, IMUL (one, two and three operands: F6/F7 /5, 0F AF, 69, 6B), DIV and IDIV (F6/F7 /6 /7)
 * at 8, 16 and 32 bits, register and memory operands, and their #DE faults.
 *
 * Oracle: products, quotients and remainders worked out by hand from the SDM pseudo-code
 * (Vol. 2A DIV IDIV, Vol. 2B MUL IMUL); CF = OF says whether the high half is significant.
 * #DE is a fault: the IP of the divide itself is pushed (SDM Vol. 3A, 6.5; the SingleStepTests
 * 80286 README says the same of the 286, unlike the 8086), and no register changes. IDIV's
 * quotient -128/-32768/-2^31 is legal (the 8086 faulted on it; the 286 corpus does not).
 * The undefined flags are pinned to the documented model choices: the 286's (from its corpus)
 * and QEMU's for later models.
 *
 * Left out: the 286's undefined flags after DIV/IDIV (its microcode leaves loop state there, with
 * no cheap rule; not modelled), segment faults of the memory operand.
 */

import { given } from '../../../support/given.ts';
import { hex, le, modrm } from './support.ts';

const DATA = 0x2000;
/** After a real-mode fault at CS:IP 0000:1000 with SP 0xFFF0: IP, CS, FLAGS at SS:FFEA. */
const FAULT_FRAME_SP = 0xffea;

describe('MUL (F6/F7 /4)', () => {
  const cases8 = [
    { al: 0x80, src: 0x02, ax: 0x0100, cf: 1 },
    { al: 0x10, src: 0x0f, ax: 0x00f0, cf: 0 },
    { al: 0xff, src: 0xff, ax: 0xfe01, cf: 1 },
    { al: 0x00, src: 0xff, ax: 0x0000, cf: 0 },
  ] as const;
  for (const c of cases8) {
    it(`MUL r/m8 (F6 /4, BL): AL=${hex(c.al)} * ${hex(c.src)} -> AX=${hex(c.ax, 16)}, CF=OF=${c.cf}`, () => {
      given({ regs: { ax: 0x5500 | c.al, bl: c.src } })
        .code([0xf6, modrm(3, 4, 3)])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.ax, bl: c.src })
        .expectFlags({ cf: c.cf, of: c.cf });
    });
  }
  it('MUL r/m8 (F6 /4, memory [BX]): AL=0x80 * 0x02 -> AX=0x0100, CF=OF=1', () => {
    given({ regs: { al: 0x80, bx: DATA }, mem: [[DATA, [0x02]]] })
      .code([0xf6, modrm(0, 4, 7)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x0100 })
      .expectFlags({ cf: 1, of: 1 });
  });

  const cases16 = [
    { ax: 0xffff, src: 0xffff, dx: 0xfffe, lo: 0x0001, cf: 1 },
    { ax: 0x1234, src: 0x0010, dx: 0x0001, lo: 0x2340, cf: 1 },
    { ax: 0x0100, src: 0x00ff, dx: 0x0000, lo: 0xff00, cf: 0 },
  ] as const;
  for (const c of cases16) {
    it(`MUL r/m16 (F7 /4, BX): AX=${hex(c.ax, 16)} * ${hex(c.src, 16)} -> DX:AX=${hex(c.dx, 16)}:${hex(c.lo, 16)}, CF=OF=${c.cf}`, () => {
      given({ regs: { ax: c.ax, bx: c.src, dx: 0x5555 } })
        .code([0xf7, modrm(3, 4, 3)])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.lo, dx: c.dx })
        .expectFlags({ cf: c.cf, of: c.cf });
    });
  }
  it('MUL r/m16 (F7 /4, memory [BX]): AX=0xffff * 0xffff -> DX:AX=0xfffe:0x0001', () => {
    given({ regs: { ax: 0xffff, bx: DATA }, mem: [[DATA, [0xff, 0xff]]] })
      .code([0xf7, modrm(0, 4, 7)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x0001, dx: 0xfffe })
      .expectFlags({ cf: 1, of: 1 });
  });

  const cases32 = [
    { eax: 0xffffffff, src: 0xffffffff, edx: 0xfffffffe, lo: 0x00000001, cf: 1 },
    { eax: 0x00010000, src: 0x00010000, edx: 0x00000001, lo: 0x00000000, cf: 1 },
    { eax: 0x12345678, src: 0x00000002, edx: 0x00000000, lo: 0x2468acf0, cf: 0 },
    { eax: 0x89abcdef, src: 0x12345678, edx: 0x09ca39e0, lo: 0xe242d208, cf: 1 },
  ] as const;
  for (const c of cases32) {
    it(`MUL r/m32 (F7 /4, EBX): EAX=${hex(c.eax, 32)} * ${hex(c.src, 32)} -> EDX:EAX=${hex(c.edx, 32)}:${hex(c.lo, 32)}, CF=OF=${c.cf}`, () => {
      given({ mode: 'prot32', regs: { eax: c.eax, ebx: c.src, edx: 0x55555555 } })
        .code([0xf7, modrm(3, 4, 3)])
        .run()
        .expectHalted()
        .expectRegs({ eax: c.lo, edx: c.edx })
        .expectFlags({ cf: c.cf, of: c.cf });
    });
  }
  it('MUL r/m32 (F7 /4, memory [EBX]): EAX=0x00010000 * 0x00010000 -> EDX:EAX=0x00000001:0x00000000', () => {
    given({ mode: 'prot32', regs: { eax: 0x10000, ebx: DATA }, mem: [[DATA, le(0x10000, 32)]] })
      .code([0xf7, modrm(0, 4, 3)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0, edx: 1 })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('MUL r/m32 in real mode through 66 (66 F7 E3): EAX=0xffffffff * 0x00000002 -> EDX:EAX=0x00000001:0xfffffffe', () => {
    given({ regs: { eax: 0xffffffff, ebx: 2 } })
      .code([0x66, 0xf7, modrm(3, 4, 3)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0xfffffffe, edx: 1 })
      .expectFlags({ cf: 1, of: 1 });
  });
});

describe('IMUL (F6/F7 /5, 0F AF, 69, 6B)', () => {
  const cases8 = [
    { al: 0xff, src: 0xff, ax: 0x0001, cf: 0 },
    { al: 0x80, src: 0xff, ax: 0x0080, cf: 1 },
    { al: 0x40, src: 0x02, ax: 0x0080, cf: 1 },
    { al: 0xfe, src: 0x40, ax: 0xff80, cf: 0 },
  ] as const;
  for (const c of cases8) {
    it(`IMUL r/m8 (F6 /5, BL): AL=${hex(c.al)} * ${hex(c.src)} -> AX=${hex(c.ax, 16)}, CF=OF=${c.cf}`, () => {
      given({ regs: { ax: 0x5500 | c.al, bl: c.src } })
        .code([0xf6, modrm(3, 5, 3)])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.ax })
        .expectFlags({ cf: c.cf, of: c.cf });
    });
  }
  it('IMUL r/m8 (F6 /5, memory [BX]): AL=0xfe * 0x40 -> AX=0xff80, CF=OF=0', () => {
    given({ regs: { al: 0xfe, bx: DATA }, mem: [[DATA, [0x40]]] })
      .code([0xf6, modrm(0, 5, 7)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0xff80 })
      .expectFlags({ cf: 0, of: 0 });
  });

  const cases16 = [
    { ax: 0x8000, src: 0xffff, dx: 0x0000, lo: 0x8000, cf: 1 },
    { ax: 0xfffe, src: 0x4000, dx: 0xffff, lo: 0x8000, cf: 0 },
    { ax: 0x7fff, src: 0x7fff, dx: 0x3fff, lo: 0x0001, cf: 1 },
  ] as const;
  for (const c of cases16) {
    it(`IMUL r/m16 (F7 /5, BX): AX=${hex(c.ax, 16)} * ${hex(c.src, 16)} -> DX:AX=${hex(c.dx, 16)}:${hex(c.lo, 16)}, CF=OF=${c.cf}`, () => {
      given({ regs: { ax: c.ax, bx: c.src, dx: 0x5555 } })
        .code([0xf7, modrm(3, 5, 3)])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.lo, dx: c.dx })
        .expectFlags({ cf: c.cf, of: c.cf });
    });
  }

  const cases32 = [
    { eax: 0x80000000, src: 0xffffffff, edx: 0x00000000, lo: 0x80000000, cf: 1 },
    { eax: 0xfffffffe, src: 0x40000000, edx: 0xffffffff, lo: 0x80000000, cf: 0 },
    { eax: 0x7fffffff, src: 0x7fffffff, edx: 0x3fffffff, lo: 0x00000001, cf: 1 },
    { eax: 0xfffffffd, src: 0x00000005, edx: 0xffffffff, lo: 0xfffffff1, cf: 0 },
  ] as const;
  for (const c of cases32) {
    it(`IMUL r/m32 (F7 /5, EBX): EAX=${hex(c.eax, 32)} * ${hex(c.src, 32)} -> EDX:EAX=${hex(c.edx, 32)}:${hex(c.lo, 32)}, CF=OF=${c.cf}`, () => {
      given({ mode: 'prot32', regs: { eax: c.eax, ebx: c.src, edx: 0x55555555 } })
        .code([0xf7, modrm(3, 5, 3)])
        .run()
        .expectHalted()
        .expectRegs({ eax: c.lo, edx: c.edx })
        .expectFlags({ cf: c.cf, of: c.cf });
    });
  }
  it('IMUL r/m32 (F7 /5, memory [EBX]): EAX=0x80000000 * 0xffffffff -> EDX:EAX=0x00000000:0x80000000, CF=OF=1', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, ebx: DATA }, mem: [[DATA, le(0xffffffff, 32)]] })
      .code([0xf7, modrm(0, 5, 3)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0x80000000, edx: 0 })
      .expectFlags({ cf: 1, of: 1 });
  });

  it('IMUL r16,r/m16 (0F AF /r, BX,CX): 0x0100 * 0x0080 -> BX=0x8000, CF=OF=1 (+32768 does not fit)', () => {
    given({ regs: { bx: 0x0100, cx: 0x0080 } })
      .code([0x0f, 0xaf, modrm(3, 3, 1)])
      .run()
      .expectHalted()
      .expectRegs({ bx: 0x8000, cx: 0x0080 })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('IMUL r16,r/m16 (0F AF /r, memory): 0xffff (-1) * 0x8000 (-32768) -> 0x8000, CF=OF=1 (+32768 does not fit)', () => {
    given({ regs: { dx: 0xffff, bx: DATA }, mem: [[DATA, [0x00, 0x80]]] })
      .code([0x0f, 0xaf, modrm(0, 2, 7)])
      .run()
      .expectHalted()
      .expectRegs({ dx: 0x8000 })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('IMUL r32,r/m32 (0F AF /r, EBX,ECX): 0x7fffffff * 0x00000002 -> 0xfffffffe, CF=OF=1', () => {
    given({ mode: 'prot32', regs: { ebx: 0x7fffffff, ecx: 2 } })
      .code([0x0f, 0xaf, modrm(3, 3, 1)])
      .run()
      .expectHalted()
      .expectRegs({ ebx: 0xfffffffe })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('IMUL r32,r/m32 (0F AF /r, memory): 0x00000003 * 0xfffffffb -> 0xfffffff1, CF=OF=0', () => {
    given({ mode: 'prot32', regs: { edx: 3, ebx: DATA }, mem: [[DATA, le(0xfffffffb, 32)]] })
      .code([0x0f, 0xaf, modrm(0, 2, 3)])
      .run()
      .expectHalted()
      .expectRegs({ edx: 0xfffffff1 })
      .expectFlags({ cf: 0, of: 0 });
  });
  it('IMUL r16,r/m16,imm16 (69 /r iw, DX,BX,0x1000): 0x0010 * 0x1000 -> DX=0x0000, CF=OF=1', () => {
    given({ regs: { bx: 0x0010, dx: 0x5555 } })
      .code([0x69, modrm(3, 2, 3), ...le(0x1000, 16)])
      .run()
      .expectHalted()
      .expectRegs({ dx: 0x0000, bx: 0x0010 })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('IMUL r16,r/m16,imm16 (69 /r iw, memory, 0xfffe): 0x0123 * -2 -> 0xfdba, CF=OF=0', () => {
    given({ regs: { bx: DATA }, mem: [[DATA, [0x23, 0x01]]] })
      .code([0x69, modrm(0, 2, 7), ...le(0xfffe, 16)])
      .run()
      .expectHalted()
      .expectRegs({ dx: 0xfdba })
      .expectFlags({ cf: 0, of: 0 });
  });
  it('IMUL r32,r/m32,imm32 (69 /r id, EAX,EBX,0x00010000): 0x00010000 * 0x00010000 -> 0x00000000, CF=OF=1', () => {
    given({ mode: 'prot32', regs: { ebx: 0x10000 } })
      .code([0x69, modrm(3, 0, 3), ...le(0x10000, 32)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0 })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('IMUL r32,r/m32,imm32 (69 /r id, memory): 0x00000007 * 0x00000006 -> 0x0000002a, CF=OF=0', () => {
    given({ mode: 'prot32', regs: { ebx: DATA }, mem: [[DATA, le(7, 32)]] })
      .code([0x69, modrm(0, 0, 3), ...le(6, 32)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0x2a })
      .expectFlags({ cf: 0, of: 0 });
  });
  it('IMUL r16,r/m16,imm8 (6B /r ib, AX,BX,0xff sign-extended): 0x8000 * -1 -> 0x8000, CF=OF=1', () => {
    given({ regs: { bx: 0x8000 } })
      .code([0x6b, modrm(3, 0, 3), 0xff])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x8000 })
      .expectFlags({ cf: 1, of: 1 });
  });
  it('IMUL r16,r/m16,imm8 (6B /r ib, memory, 0x7f): 0x0100 * 0x7f -> 0x7f00, CF=OF=0', () => {
    given({ regs: { bx: DATA }, mem: [[DATA, [0x00, 0x01]]] })
      .code([0x6b, modrm(0, 0, 7), 0x7f])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x7f00 })
      .expectFlags({ cf: 0, of: 0 });
  });
  it('IMUL r32,r/m32,imm8 (6B /r ib, EAX,EBX,0xfe sign-extended): 0x00000005 * -2 -> 0xfffffff6, CF=OF=0', () => {
    given({ mode: 'prot32', regs: { ebx: 5 } })
      .code([0x6b, modrm(3, 0, 3), 0xfe])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0xfffffff6 })
      .expectFlags({ cf: 0, of: 0 });
  });
  it('IMUL r32,r/m32,imm8 (6B /r ib, memory, 0x80): 0x01000000 * -128 -> 0x80000000, CF=OF=0 (exactly -2^31)', () => {
    given({ mode: 'prot32', regs: { ebx: DATA }, mem: [[DATA, le(0x01000000, 32)]] })
      .code([0x6b, modrm(0, 0, 3), 0x80])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0x80000000 })
      .expectFlags({ cf: 0, of: 0 });
  });
  it('IMUL r16,r/m16,imm8 runs on the 286 (69 and 6B are 186 forms): 0x0003 * 0x05 -> 0x000f', () => {
    given({ cpu: 'i286', regs: { bx: 3 } })
      .code([0x6b, modrm(3, 0, 3), 0x05])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x000f });
  });
  it('IMUL r16,r/m16 (0F AF) is #UD on the 286: a 386 form, IP 0x1000 pushed', () => {
    given({ cpu: 'i286', regs: { bx: 3 } })
      .code([0x0f, 0xaf, modrm(3, 0, 3)])
      .run()
      .expectException(6)
      .expectMem(FAULT_FRAME_SP, [0x00, 0x10]);
  });
});

describe('MUL/IMUL undefined flags (model choices)', () => {
  it('i286: MUL r/m8 sets SF ZF PF from AH and AF=1 (corpus F6.4): 0x80*0x02 -> AH=0x01: SF=0 ZF=0 PF=0 AF=1', () => {
    given({ cpu: 'i286', regs: { al: 0x80, bl: 0x02 } })
      .code([0xf6, modrm(3, 4, 3)])
      .run()
      .expectHalted()
      .expectFlags({ sf: 0, zf: 0, pf: 0, af: 1, cf: 1, of: 1 });
  });
  it('i286: MUL r/m8 0x10*0x0f -> AH=0x00: ZF=1 PF=1 though AL=0xf0 (high half, corpus F6.4)', () => {
    given({ cpu: 'i286', regs: { al: 0x10, bl: 0x0f } })
      .code([0xf6, modrm(3, 4, 3)])
      .run()
      .expectHalted()
      .expectFlags({ sf: 0, zf: 1, pf: 1, af: 1, cf: 0, of: 0 });
  });
  it('i286: IMUL r16,r/m16,imm16 flags from the discarded high half (corpus 69): 0x4000*0xfffe -> high 0xffff: SF=1 ZF=0 PF=1 AF=1', () => {
    given({ cpu: 'i286', regs: { bx: 0x4000 } })
      .code([0x69, modrm(3, 0, 3), ...le(0xfffe, 16)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x8000 })
      .expectFlags({ sf: 1, zf: 0, pf: 1, af: 1, cf: 0, of: 0 });
  });
  it('modern: MUL r/m8 sets SF ZF PF from AL and clears AF (QEMU): 0x10*0x0f -> AL=0xf0: SF=1 ZF=0 PF=1 AF=0', () => {
    given({ flags: 0x8d7, regs: { al: 0x10, bl: 0x0f } })
      .code([0xf6, modrm(3, 4, 3)])
      .run()
      .expectHalted()
      .expectFlags({ sf: 1, zf: 0, pf: 1, af: 0, cf: 0, of: 0 });
  });
  it('modern: IMUL r32,r/m32 0x00010000*0x00010000 -> low 0x00000000: ZF=1 PF=1 SF=0 AF=0 (QEMU)', () => {
    given({ mode: 'prot32', flags: 0x8d7, regs: { eax: 0x10000, ebx: 0x10000 } })
      .code([0x0f, 0xaf, modrm(3, 0, 3)])
      .run()
      .expectHalted()
      .expectFlags({ zf: 1, pf: 1, sf: 0, af: 0, cf: 1, of: 1 });
  });
});

describe('DIV (F6/F7 /6)', () => {
  it('DIV r/m8 (F6 /6, BL): AX=0x0100 / 0x02 -> AL=0x80 AH=0x00', () => {
    given({ regs: { ax: 0x0100, bl: 0x02 } })
      .code([0xf6, modrm(3, 6, 3)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x0080 });
  });
  it('DIV r/m8 (F6 /6, memory [BX]): AX=0x00ff / 0x10 -> AL=0x0f AH=0x0f', () => {
    given({ regs: { ax: 0x00ff, bx: DATA }, mem: [[DATA, [0x10]]] })
      .code([0xf6, modrm(0, 6, 7)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x0f0f });
  });
  it('DIV r/m8 (F6 /6): AX=0xfe11 / 0xff -> AL=0xff AH=0x10 (the largest quotient that fits)', () => {
    given({ regs: { ax: 0xfe11, bl: 0xff } })
      .code([0xf6, modrm(3, 6, 3)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x10ff });
  });
  it('DIV r/m16 (F7 /6, BX): DX:AX=0x0001:0x0000 / 0x0002 -> AX=0x8000 DX=0x0000', () => {
    given({ regs: { dx: 1, ax: 0, bx: 2 } })
      .code([0xf7, modrm(3, 6, 3)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x8000, dx: 0 });
  });
  it('DIV r/m16 (F7 /6, memory): DX:AX=0x1234:0x5678 / 0xffff -> AX=0x1234 DX=0x68ac', () => {
    given({ regs: { dx: 0x1234, ax: 0x5678, bx: DATA }, mem: [[DATA, [0xff, 0xff]]] })
      .code([0xf7, modrm(0, 6, 7)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x1234, dx: 0x68ac });
  });
  it('DIV r/m32 (F7 /6, EBX): EDX:EAX=0x00000001:0x00000000 / 0x00000002 -> EAX=0x80000000 EDX=0', () => {
    given({ mode: 'prot32', regs: { edx: 1, eax: 0, ebx: 2 } })
      .code([0xf7, modrm(3, 6, 3)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0x80000000, edx: 0 });
  });
  it('DIV r/m32 (F7 /6, memory): EDX:EAX=0xfffffffe:0xffffffff / 0xffffffff -> EAX=0xffffffff EDX=0xfffffffe', () => {
    given({ mode: 'prot32', regs: { edx: 0xfffffffe, eax: 0xffffffff, ebx: DATA }, mem: [[DATA, le(0xffffffff, 32)]] })
      .code([0xf7, modrm(0, 6, 3)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0xffffffff, edx: 0xfffffffe });
  });
  it('DIV r/m32 (F7 /6): EDX:EAX=0x00000003:0x00000007 / 0x00000010 -> EAX=0x30000000 EDX=0x00000007', () => {
    given({ mode: 'prot32', regs: { edx: 3, eax: 7, ecx: 0x10 } })
      .code([0xf7, modrm(3, 6, 1)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0x30000000, edx: 7 });
  });
  it('modern: DIV leaves the (undefined) status flags as they were (QEMU)', () => {
    given({ flags: 0x8d7, regs: { ax: 0x0100, bl: 0x02 } })
      .code([0xf6, modrm(3, 6, 3)])
      .run()
      .expectHalted()
      .expectFlags({ of: 1, sf: 1, zf: 1, af: 1, pf: 1, cf: 1 });
  });

  const faults = [
    { title: 'DIV r/m8 by 0 (F6 F3): AX=0x1234', code: [0xf6, modrm(3, 6, 3)], regs: { ax: 0x1234, bl: 0, dx: 0x5678 } },
    { title: 'DIV r/m8 quotient 0x100 (F6 F3): AX=0x0200 / 0x02', code: [0xf6, modrm(3, 6, 3)], regs: { ax: 0x0200, bl: 2, dx: 0x5678 } },
    { title: 'DIV r/m16 by 0 (F7 F3): DX:AX=0x0000:0x0001', code: [0xf7, modrm(3, 6, 3)], regs: { ax: 1, bx: 0, dx: 0 } },
    { title: 'DIV r/m16 quotient 0x10001 (F7 F3): DX:AX=0xffff:0xffff / 0xffff', code: [0xf7, modrm(3, 6, 3)], regs: { ax: 0xffff, bx: 0xffff, dx: 0xffff } },
    { title: 'DIV r/m16 memory by 0 (F7 37): DX:AX=0x0000:0x0001', code: [0xf7, modrm(0, 6, 7)], regs: { ax: 1, bx: DATA, dx: 0 } },
  ];
  for (const f of faults) {
    it(`${f.title} raises #DE with IP 0x1000 (the DIV) pushed, registers unchanged`, () => {
      given({ regs: f.regs, mem: [[DATA, [0, 0]]] })
        .code(f.code)
        .run()
        .expectException(0)
        .expectRegs({ ...f.regs, sp: FAULT_FRAME_SP })
        .expectMem(FAULT_FRAME_SP, [0x00, 0x10, 0x00, 0x00]);
    });
  }
  it('DIV r/m32 by 0 (F7 F3) in 32-bit code raises #DE at EIP 0x1000, EDX:EAX unchanged', () => {
    given({ mode: 'prot32', regs: { eax: 5, edx: 0, ebx: 0 } })
      .code([0xf7, modrm(3, 6, 3)])
      .run()
      .expectException(0)
      .expectRegs({ eax: 5, edx: 0, eip: 0x1000 });
  });
  it('DIV r/m32 quotient >= 2^32 (F7 F3): EDX:EAX=0x00000002:0x00000000 / 0x00000002 raises #DE', () => {
    given({ mode: 'prot32', regs: { eax: 0, edx: 2, ebx: 2 } })
      .code([0xf7, modrm(3, 6, 3)])
      .run()
      .expectException(0)
      .expectRegs({ eax: 0, edx: 2, eip: 0x1000 });
  });
});

describe('IDIV (F6/F7 /7)', () => {
  const ok = [
    { title: 'IDIV r/m8 (F6 FB): AX=0xfff9 (-7) / 0x02 -> AL=0xfd (-3) AH=0xff (-1), remainder takes the dividend sign', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0xfff9, bl: 0x02 }, out: { ax: 0xfffd }, mode: 'real' as const },
    { title: 'IDIV r/m8 (F6 FB): AX=0x0007 / 0xfe (-2) -> AL=0xfd (-3) AH=0x01', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0x0007, bl: 0xfe }, out: { ax: 0x01fd }, mode: 'real' as const },
    { title: 'IDIV r/m8 (F6 FB): AX=0xff80 (-128) / 0x01 -> AL=0x80, the most negative quotient is legal', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0xff80, bl: 0x01 }, out: { ax: 0x0080 }, mode: 'real' as const },
    { title: 'IDIV r/m8 (F6 FB): AX=0x0080 (+128) / 0xff (-1) -> AL=0x80 (-128), legal (the 8086 faulted)', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0x0080, bl: 0xff }, out: { ax: 0x0080 }, mode: 'real' as const },
    { title: 'IDIV r/m8 (F6 3F, memory): AX=0x0064 (100) / 0x07 -> AL=0x0e AH=0x02', code: [0xf6, modrm(0, 7, 7)], regs: { ax: 0x0064, bx: DATA }, mem: [0x07, 0x00], out: { ax: 0x020e }, mode: 'real' as const },
    { title: 'IDIV r/m16 (F7 FB): DX:AX=0xffff:0xfff9 (-7) / 0x0002 -> AX=0xfffd DX=0xffff', code: [0xf7, modrm(3, 7, 3)], regs: { dx: 0xffff, ax: 0xfff9, bx: 2 }, out: { ax: 0xfffd, dx: 0xffff }, mode: 'real' as const },
    { title: 'IDIV r/m16 (F7 FB): DX:AX=0xffff:0x8000 (-32768) / 0x0001 -> AX=0x8000 DX=0', code: [0xf7, modrm(3, 7, 3)], regs: { dx: 0xffff, ax: 0x8000, bx: 1 }, out: { ax: 0x8000, dx: 0 }, mode: 'real' as const },
    { title: 'IDIV r/m16 (F7 3F, memory): DX:AX=0x0001:0x0000 (65536) / 0xfffe (-2) -> AX=0x8000 (-32768) DX=0', code: [0xf7, modrm(0, 7, 7)], regs: { dx: 1, ax: 0, bx: DATA }, mem: [0xfe, 0xff], out: { ax: 0x8000, dx: 0 }, mode: 'real' as const },
    { title: 'IDIV r/m32 (F7 FB): EDX:EAX=0xffffffff:0xfffffff9 (-7) / 0x00000002 -> EAX=0xfffffffd EDX=0xffffffff', code: [0xf7, modrm(3, 7, 3)], regs: { edx: 0xffffffff, eax: 0xfffffff9, ebx: 2 }, out: { eax: 0xfffffffd, edx: 0xffffffff }, mode: 'prot32' as const },
    { title: 'IDIV r/m32 (F7 FB): EDX:EAX=0x00000000:0x80000000 (+2^31) / 0xffffffff (-1) -> EAX=0x80000000 (-2^31) EDX=0', code: [0xf7, modrm(3, 7, 3)], regs: { edx: 0, eax: 0x80000000, ebx: 0xffffffff }, out: { eax: 0x80000000, edx: 0 }, mode: 'prot32' as const },
    { title: 'IDIV r/m32 (F7 3B, memory): EDX:EAX=0xfffffffe:0x00000001 (-2^33+1) / 0x00000010 -> EAX=0xe0000001 EDX=0xfffffff1 (-15)', code: [0xf7, modrm(0, 7, 3)], regs: { edx: 0xfffffffe, eax: 1, ebx: DATA }, mem: le(0x10, 32), out: { eax: 0xe0000001, edx: 0xfffffff1 }, mode: 'prot32' as const },
  ];
  for (const c of ok) {
    it(c.title, () => {
      given({ mode: c.mode, regs: c.regs, mem: [[DATA, c.mem ?? [0, 0, 0, 0]]] })
        .code(c.code)
        .run()
        .expectHalted()
        .expectRegs(c.out);
    });
  }
  it('i286: IDIV r/m8 AX=0x0080 / 0xff -> AL=0x80 without #DE (corpus: the 286 accepts -128)', () => {
    given({ cpu: 'i286', regs: { ax: 0x0080, bl: 0xff } })
      .code([0xf6, modrm(3, 7, 3)])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x0080 });
  });

  const faults = [
    { title: 'IDIV r/m8 by 0 (F6 FB): AX=0x0010', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0x0010, bl: 0 } },
    { title: 'IDIV r/m8 quotient +128 (F6 FB): AX=0xff80 (-128) / 0xff (-1)', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0xff80, bl: 0xff } },
    { title: 'IDIV r/m8 quotient -129 (F6 FB): AX=0xfefe (-258) / 0x02', code: [0xf6, modrm(3, 7, 3)], regs: { ax: 0xfefe, bl: 0x02 } },
    { title: 'IDIV r/m16 quotient +32768 (F7 FB): DX:AX=0xffff:0x8000 / 0xffff', code: [0xf7, modrm(3, 7, 3)], regs: { dx: 0xffff, ax: 0x8000, bx: 0xffff } },
    { title: 'IDIV r/m16 by 0 (F7 FB): DX:AX=0x0000:0x0001', code: [0xf7, modrm(3, 7, 3)], regs: { dx: 0, ax: 1, bx: 0 } },
    { title: 'IDIV r/m16 quotient -2^31 (F7 FB): DX:AX=0x8000:0x0000 / 0x0001', code: [0xf7, modrm(3, 7, 3)], regs: { dx: 0x8000, ax: 0, bx: 1 } },
  ];
  for (const f of faults) {
    it(`${f.title} raises #DE with IP 0x1000 pushed, registers unchanged`, () => {
      given({ regs: f.regs })
        .code(f.code)
        .run()
        .expectException(0)
        .expectRegs({ ...f.regs, sp: FAULT_FRAME_SP })
        .expectMem(FAULT_FRAME_SP, [0x00, 0x10, 0x00, 0x00]);
    });
  }
  const faults32 = [
    { title: 'IDIV r/m32 quotient +2^31 (F7 FB): EDX:EAX=0xffffffff:0x80000000 / 0xffffffff', regs: { edx: 0xffffffff, eax: 0x80000000, ebx: 0xffffffff } },
    { title: 'IDIV r/m32 by 0 (F7 FB): EDX:EAX=0x00000000:0x00000001', regs: { edx: 0, eax: 1, ebx: 0 } },
    { title: 'IDIV r/m32 quotient 2^61 (F7 FB): EDX:EAX=0x40000000:0x00000000 / 0x00000002', regs: { edx: 0x40000000, eax: 0, ebx: 2 } },
    { title: 'IDIV r/m32 quotient -2^31-1 (F7 FB): EDX:EAX=0x00000000:0x80000001 / 0xffffffff', regs: { edx: 0x00000000, eax: 0x80000001, ebx: 0xffffffff } },
  ];
  for (const f of faults32) {
    it(`${f.title} raises #DE at EIP 0x1000, registers unchanged`, () => {
      given({ mode: 'prot32', regs: f.regs })
        .code([0xf7, modrm(3, 7, 3)])
        .run()
        .expectException(0)
        .expectRegs({ ...f.regs, eip: 0x1000 });
    });
  }
});
