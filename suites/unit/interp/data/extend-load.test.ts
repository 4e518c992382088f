/**
 * Unit tests of the data group, part 5: MOVZX/MOVSX (0F B6 B7 BE BF), the far-pointer loads
 * LES/LDS (C4, C5), LSS/LFS/LGS (0F B2 B4 B5), and XLAT (D7).
 *
 * Checks: zero and sign extension of 0x7f/0x80, 0x7fff/0x8000, 0xff/0xffff into 16- and 32-bit
 * destinations, from registers (including AH) and memory; the far pointer's offset and selector
 * in 16:16 and 16:32 layouts, the segment base that follows, null selectors in protected mode
 * (allowed for DS/FS, #GP(0) for SS), a GDT descriptor load, #UD for a register operand and for
 * 386 forms on the 286, and a pointer running past the 64 KiB limit (#GP, nothing changed);
 * XLAT's unsigned AL index, 16-bit wrap, segment override and BX-vs-EBX by address size.
 * Oracle: the SDM Vol. 2B MOVZX, MOVSX, LDS/LES/LFS/LGS/LSS and XLAT Operation sections,
 * computed by hand.
 * Leaves out: descriptor type and privilege checks of the loaded selector (segments.ts seam).
 */

import { given } from '../../../support/given.ts';

const PUSHED_IP = 0xffea;
const ip = (value: number): number[] => [value & 0xff, value >> 8];
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

describe('interp/data: MOVZX (0F B6, 0F B7)', () => {
  it('MOVZX AX,BL (0F B6 C3): 0x80 -> 0x0080', () => {
    given({ regs: { ax: 0xffff, bl: 0x80 } }).code([0x0f, 0xb6, 0xc3]).run().expectRegs({ ax: 0x0080 }).expectHalted();
  });

  it('MOVZX CX,byte [0x2000] (0F B6 0E 00 20): 0x80 -> 0x0080', () => {
    given({ regs: { cx: 0xffff }, mem: [[0x2000, [0x80]]] }).code([0x0f, 0xb6, 0x0e, 0x00, 0x20]).run().expectRegs({ cx: 0x0080 }).expectHalted();
  });

  it('MOVZX EAX,BH (0F B6 C7, 32-bit): 0x80 -> 0x00000080', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, ebx: 0x8000 } }).code([0x0f, 0xb6, 0xc7]).run().expectRegs({ eax: 0x80 }).expectHalted();
  });

  it('MOVZX AX,AH (0F B6 C4): AH 0xff -> AX 0x00ff', () => {
    given({ regs: { ax: 0xff00 } }).code([0x0f, 0xb6, 0xc4]).run().expectRegs({ ax: 0x00ff }).expectHalted();
  });

  it('MOVZX EAX,byte [EDI] (0F B6 07, 32-bit): 0xff -> 0x000000ff', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, edi: 0x3000 }, mem: [[0x3000, [0xff]]] }).code([0x0f, 0xb6, 0x07]).run().expectRegs({ eax: 0xff }).expectHalted();
  });

  it('MOVZX EAX,CX (0F B7 C1, 32-bit): 0x8000 -> 0x00008000', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, ecx: 0xffff8000 } }).code([0x0f, 0xb7, 0xc1]).run().expectRegs({ eax: 0x8000 }).expectHalted();
  });

  it('MOVZX AX,CX (66 0F B7 C1, 32-bit code): a 16-bit copy, EAX upper half kept', () => {
    given({ mode: 'prot32', regs: { eax: 0x12340000, ecx: 0xffff } }).code([0x66, 0x0f, 0xb7, 0xc1]).run().expectRegs({ eax: 0x1234ffff }).expectHalted();
  });

  it('MOVZX EDX,word [0x2000] (66 0F B7 16 00 20, real mode): 0xffff -> 0x0000ffff', () => {
    given({ regs: { edx: 0x80000000 }, mem: [[0x2000, le16(0xffff)]] }).code([0x66, 0x0f, 0xb7, 0x16, 0x00, 0x20]).run().expectRegs({ edx: 0xffff }).expectHalted();
  });

  it('MOVZX AX,word [0xFFFF] (0F B7 06 FF FF) raises #GP (13) on the 386', () => {
    given({ cpu: 'i386', regs: { ax: 0x1234 } }).code([0x0f, 0xb7, 0x06, 0xff, 0xff]).run().expectException(13).expectRegs({ ax: 0x1234 }).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('MOVZX (0F B6 C3) is #UD on the 286', () => {
    given({ cpu: 'i286' }).code([0x0f, 0xb6, 0xc3]).run().expectException(6);
  });
});

describe('interp/data: MOVSX (0F BE, 0F BF)', () => {
  it('MOVSX AX,BL (0F BE C3): 0x80 -> 0xff80', () => {
    given({ regs: { bl: 0x80 } }).code([0x0f, 0xbe, 0xc3]).run().expectRegs({ ax: 0xff80 }).expectHalted();
  });

  it('MOVSX AX,BL (0F BE C3): 0x7f -> 0x007f', () => {
    given({ regs: { ax: 0xffff, bl: 0x7f } }).code([0x0f, 0xbe, 0xc3]).run().expectRegs({ ax: 0x007f }).expectHalted();
  });

  it('MOVSX EAX,byte [EDI] (0F BE 07, 32-bit): 0x80 -> 0xffffff80', () => {
    given({ mode: 'prot32', regs: { edi: 0x3000 }, mem: [[0x3000, [0x80]]] }).code([0x0f, 0xbe, 0x07]).run().expectRegs({ eax: 0xffffff80 }).expectHalted();
  });

  it('MOVSX EAX,byte (0F BE C3, 32-bit): BL 0xff -> 0xffffffff', () => {
    given({ mode: 'prot32', regs: { ebx: 0xff } }).code([0x0f, 0xbe, 0xc3]).run().expectRegs({ eax: 0xffffffff }).expectHalted();
  });

  it('MOVSX EAX,CX (0F BF C1, 32-bit): 0x8000 -> 0xffff8000', () => {
    given({ mode: 'prot32', regs: { ecx: 0x8000 } }).code([0x0f, 0xbf, 0xc1]).run().expectRegs({ eax: 0xffff8000 }).expectHalted();
  });

  it('MOVSX EAX,CX (0F BF C1, 32-bit): 0x7fff -> 0x00007fff', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, ecx: 0xffff7fff } }).code([0x0f, 0xbf, 0xc1]).run().expectRegs({ eax: 0x7fff }).expectHalted();
  });

  it('MOVSX DX,byte [0x2000] (0F BE 16 00 20): 0x80 -> 0xff80', () => {
    given({ mem: [[0x2000, [0x80]]] }).code([0x0f, 0xbe, 0x16, 0x00, 0x20]).run().expectRegs({ dx: 0xff80 }).expectHalted();
  });

  it('MOVSX AX,CX (0F BF C1): a 16-bit copy of 0xffff', () => {
    given({ regs: { cx: 0xffff } }).code([0x0f, 0xbf, 0xc1]).run().expectRegs({ ax: 0xffff }).expectHalted();
  });

  it('MOVSX EAX,word [EDI] (0F BF 07, 32-bit): 0x8000 -> 0xffff8000', () => {
    given({ mode: 'prot32', regs: { edi: 0x3000 }, mem: [[0x3000, le16(0x8000)]] }).code([0x0f, 0xbf, 0x07]).run().expectRegs({ eax: 0xffff8000 }).expectHalted();
  });

  it('MOVSX AX,word [0x2000] (0F BF 06 00 20): a 16-bit copy of 0x8000', () => {
    given({ regs: { eax: 0x12340000 }, mem: [[0x2000, le16(0x8000)]] }).code([0x0f, 0xbf, 0x06, 0x00, 0x20]).run().expectRegs({ eax: 0x12348000 }).expectHalted();
  });

  it('MOVSX ECX,byte [0x2000] (66 0F BE 0E 00 20, real mode): 0x80 -> 0xffffff80', () => {
    given({ mem: [[0x2000, [0x80]]] }).code([0x66, 0x0f, 0xbe, 0x0e, 0x00, 0x20]).run().expectRegs({ ecx: 0xffffff80 }).expectHalted();
  });

  it('MOVSX (0F BF C1) is #UD on the 286', () => {
    given({ cpu: 'i286' }).code([0x0f, 0xbf, 0xc1]).run().expectException(6);
  });
});

describe('interp/data: LES, LDS (C4, C5) and LSS, LFS, LGS (0F B2, B4, B5)', () => {
  const pointer = [...le16(0x1234), ...le16(0x5678)];

  it('LDS SI,[0x2000] (C5 36 00 20): SI = 0x1234, DS = 0x5678 with base 0x56780', () => {
    given({ mem: [[0x2000, pointer], [0x56780 + 0x10, [0x5a]]] }).code([0xc5, 0x36, 0x00, 0x20, 0xa0, 0x10, 0x00]).run()
      .expectRegs({ si: 0x1234, ds: 0x5678, al: 0x5a }).expectHalted();
  });

  it('LES DI,[BX] (C4 3F) on the 286: DI = 0x1234, ES = 0x5678', () => {
    given({ cpu: 'i286', regs: { bx: 0x2000 }, mem: [[0x2000, pointer]] }).code([0xc4, 0x3f]).run().expectRegs({ di: 0x1234, es: 0x5678 }).expectHalted();
  });

  it('LES with a register operand (C4 C0) is #UD, on the 286 too', () => {
    given({ cpu: 'i286' }).code([0xc4, 0xc0]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
    given({}).code([0xc5, 0xc0]).run().expectException(6);
  });

  it('LES DI,[0xFFFE] (C4 3E FE FF): the selector at 0x10000 is past the limit, #GP (13); DI and ES unchanged', () => {
    given({ regs: { di: 0x1111 }, segs: { es: 0x2222 } }).code([0xc4, 0x3e, 0xfe, 0xff]).run()
      .expectException(13).expectRegs({ di: 0x1111, es: 0x2222 });
  });

  it('LDS ESI,[0x2000] (66 C5 36 00 20, real mode): a 16:32 pointer, ESI = 0x80000000, DS = 0x1234', () => {
    given({ mem: [[0x2000, [...le32(0x80000000), ...le16(0x1234)]]] }).code([0x66, 0xc5, 0x36, 0x00, 0x20]).run()
      .expectRegs({ esi: 0x80000000, ds: 0x1234 }).expectHalted();
  });

  it('LSS SP,[0x2000] (0F B2 26 00 20) on the 386: SP = 0x1234, SS = 0x5678', () => {
    given({ cpu: 'i386', mem: [[0x2000, pointer]] }).code([0x0f, 0xb2, 0x26, 0x00, 0x20]).run().expectRegs({ sp: 0x1234, ss: 0x5678 }).expectHalted();
  });

  it('LFS AX,[0x2000] (0F B4 06 00 20) and LGS CX,[0x2004] (0F B5 0E 04 20)', () => {
    given({ mem: [[0x2000, [...pointer, ...le16(0xffff), ...le16(0x8000)]]] }).code([0x0f, 0xb4, 0x06, 0x00, 0x20, 0x0f, 0xb5, 0x0e, 0x04, 0x20]).run()
      .expectRegs({ ax: 0x1234, fs: 0x5678, cx: 0xffff, gs: 0x8000 }).expectHalted();
  });

  it('LSS (0F B2 26 00 20) is #UD on the 286', () => {
    given({ cpu: 'i286' }).code([0x0f, 0xb2, 0x26, 0x00, 0x20]).run().expectException(6);
  });

  it('LDS ESI,[EAX] (C5 30, 32-bit) with a null selector: ESI = 0x7fffffff, DS = 0', () => {
    given({ mode: 'prot32', regs: { eax: 0x3000 }, mem: [[0x3000, [...le32(0x7fffffff), ...le16(0)]]] }).code([0xc5, 0x30]).run()
      .expectRegs({ esi: 0x7fffffff, ds: 0 }).expectHalted();
  });

  it('LES EDI,[EAX] (C4 38, 32-bit) and LFS EBX,[EAX+6] (0F B4 58 06): 16:32 pointers with null selectors', () => {
    given({ mode: 'prot32', regs: { eax: 0x3000 }, mem: [[0x3000, [...le32(0x80000000), ...le16(0), ...le32(0x7fffffff), ...le16(0)]]] })
      .code([0xc4, 0x38, 0x0f, 0xb4, 0x58, 0x06]).run().expectRegs({ edi: 0x80000000, es: 0, ebx: 0x7fffffff, fs: 0 }).expectHalted();
  });

  it('LGS EDX,[EAX] (0F B5 10, 32-bit) loads selector 0x18 from a flat data descriptor in the GDT', () => {
    const flatData = [0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00];
    given({ mode: 'prot32', regs: { eax: 0x3000 }, mem: [[0x18, flatData], [0x3000, [...le32(0xffffffff), ...le16(0x18)]]] }).code([0x0f, 0xb5, 0x10]).run()
      .expectRegs({ edx: 0xffffffff, gs: 0x18 }).expectHalted();
  });

  it('LSS ESP,[EAX] (0F B2 20, 32-bit) with a null selector raises #GP(0); ESP and SS unchanged', () => {
    given({ mode: 'prot32', regs: { eax: 0x3000 }, mem: [[0x3000, [...le32(0x1000), ...le16(0)]]] }).code([0x0f, 0xb2, 0x20]).run()
      .expectException(13, 0).expectRegs({ esp: 0x90000, ss: 0x10 });
  });

  it('LFS SI,[EAX] (66 0F B4 30, 32-bit code): a 16:16 pointer, ESI upper half kept', () => {
    given({ mode: 'prot32', regs: { eax: 0x3000, esi: 0xabcd0000 }, mem: [[0x3000, [...le16(0x8000), ...le16(0)]]] }).code([0x66, 0x0f, 0xb4, 0x30]).run()
      .expectRegs({ esi: 0xabcd8000, fs: 0 }).expectHalted();
  });
});

describe('interp/data: XLAT (D7)', () => {
  it('XLAT (D7): AL = [BX + 0x80] = 0x11', () => {
    given({ regs: { bx: 0x2000, al: 0x80 }, mem: [[0x2080, [0x11]]] }).code([0xd7]).run().expectRegs({ al: 0x11 }).expectHalted();
  });

  it('XLAT (D7): AL 0xff is an unsigned index, [BX + 0xff]', () => {
    given({ regs: { bx: 0x2000, al: 0xff }, mem: [[0x20ff, [0x22]], [0x1fff, [0x99]]] }).code([0xd7]).run().expectRegs({ al: 0x22 }).expectHalted();
  });

  it('XLAT (D7): BX 0xffff + AL 0x01 wraps to offset 0x0000', () => {
    given({ regs: { bx: 0xffff, al: 0x01 }, segs: { ds: 0x0300 }, mem: [[0x3000, [0x33]]] }).code([0xd7]).run().expectRegs({ al: 0x33 }).expectHalted();
  });

  it('XLAT (26 D7): the ES override reads ES:[BX + AL]', () => {
    given({ regs: { bx: 0x0010, al: 0 }, segs: { es: 0x0400 }, mem: [[0x4010, [0x44]], [0x0010, [0x99]]] }).code([0x26, 0xd7]).run().expectRegs({ al: 0x44 }).expectHalted();
  });

  it('XLAT (D7, 32-bit): AL = [EBX + AL] with EBX = 0x3000, AL 0x10', () => {
    given({ mode: 'prot32', regs: { ebx: 0x3000, al: 0x10 }, mem: [[0x3010, [0x55]]] }).code([0xd7]).run().expectRegs({ al: 0x55 }).expectHalted();
  });

  it('XLAT (67 D7, 32-bit code): 16-bit address size uses BX, ignoring EBX upper half 0xffff', () => {
    given({ mode: 'prot32', regs: { ebx: 0xffff3000, al: 0x20 }, mem: [[0x3020, [0x66]]] }).code([0x67, 0xd7]).run().expectRegs({ al: 0x66 }).expectHalted();
  });

  it('XLAT (67 D7, real mode on the 386): 32-bit address size uses EBX; EBX 0x00010000 is past the limit, #GP (13)', () => {
    given({ cpu: 'i386', regs: { ebx: 0x10000, al: 0x77 } }).code([0x67, 0xd7]).run().expectException(13).expectRegs({ al: 0x77 });
  });
});
