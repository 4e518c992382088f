/**
 * Unit tests of the data group, part 2: PUSH and POP of general registers (50-5F), immediates
 * (68, 6A), memory (FF /6, 8F /0) and segment registers (06 07 0E 16 17 1E 1F, 0F A0 A1 A8 A9),
 * and PUSHA/POPA (60, 61), in 16- and 32-bit operand and stack sizes.
 *
 * Checks: the values stored and loaded, SP/ESP after the operation, 16-bit SP wrap-around,
 * PUSH SP pushing the value before the push (286 and later), POP SP/ESP, the SDM's rule that
 * POP r/m computes an ESP-based address after the increment, sign extension of PUSH imm8,
 * 32-bit segment pushes per model, and the faults: #UD for 8F /1-7 and FF /7 and for 386 forms
 * on the 286, #SS for a stack word at 0xFFFF, #GP for a memory operand at 0xFFFF, #GP(0) for a
 * null SS in protected mode, each with SP and the registers left unchanged.
 * Oracle: hand-computed from the SDM Vol. 2B Operation sections of PUSH, POP, PUSHA, POPA and
 * the SingleStepTests 80286 corpus (50, 58: PUSH SP stores the old SP).
 * Leaves out: the interrupt shadow after POP SS (not modelled) and descriptor checks of segment
 * loads in protected mode (segments.ts).
 */

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import { RawRun } from '../../../support/raw-run.ts';

const PUSHED_IP = 0xffea;
const ip = (value: number): number[] => [value & 0xff, value >> 8];
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

describe('interp/data: PUSH and POP of a general register (50-5F)', () => {
  it('PUSH AX (50): [SS:0xFFEE] <- 0x8000, SP 0xFFF0 -> 0xFFEE', () => {
    given({ regs: { ax: 0x8000 } }).code([0x50]).run().expectRegs({ sp: 0xffee }).expectMem(0xffee, le16(0x8000)).expectHalted();
  });

  it('PUSH DI (57) with SS = 0x1000 writes at 0x10000 + 0xFFEE', () => {
    given({ regs: { di: 0xffff }, segs: { ss: 0x1000 } }).code([0x57]).run().expectMem(0x1ffee, le16(0xffff)).expectHalted();
  });

  for (const cpu of ['i286', 'i386', 'modern'] as const) {
    it(`PUSH SP (54) on ${cpu} pushes 0xFFF0, the value before the push`, () => {
      given({ cpu }).code([0x54]).run().expectRegs({ sp: 0xffee }).expectMem(0xffee, le16(0xfff0)).expectHalted();
    });
  }

  it('PUSH with SP = 0x0000 wraps: the word goes to 0xFFFE, SP = 0xFFFE', () => {
    given({ regs: { sp: 0, cx: 0x1234 } }).code([0x51]).run().expectRegs({ sp: 0xfffe }).expectMem(0xfffe, le16(0x1234)).expectHalted();
  });

  it('POP CX (59): CX <- 0x7fff, SP 0xFFF0 -> 0xFFF2', () => {
    given({ mem: [[0xfff0, le16(0x7fff)]] }).code([0x59]).run().expectRegs({ cx: 0x7fff, sp: 0xfff2 }).expectHalted();
  });

  it('POP SP (5C): SP <- the popped 0x1234 (the increment is overwritten)', () => {
    given({ mem: [[0xfff0, le16(0x1234)]] }).code([0x5c]).run().expectRegs({ sp: 0x1234 }).expectHalted();
  });

  it('POP AX with SP = 0xFFFE wraps SP to 0x0000', () => {
    given({ regs: { sp: 0xfffe }, mem: [[0xfffe, le16(0x8001)]] }).code([0x58]).run().expectRegs({ ax: 0x8001, sp: 0 }).expectHalted();
  });

  it('POP AX with SP = 0xFFFF raises #SS (12); SP and AX unchanged, IP 0x1000 pushed', () => {
    given({ regs: { sp: 0xffff, ax: 0x5555 } }).code([0x58]).run()
      .expectException(12).expectRegs({ ax: 0x5555, sp: 0xffff - 6 }).expectMem(0xffff - 6, ip(0x1000));
  });

  it('PUSH EAX (50, 32-bit): [0x8FFFC] <- 0x80000000, ESP = 0x8FFFC', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000 } }).code([0x50]).run().expectRegs({ esp: 0x8fffc }).expectMem(0x8fffc, le32(0x80000000)).expectHalted();
  });

  it('PUSH ESP (54, 32-bit) pushes 0x90000, the value before the push', () => {
    given({ mode: 'prot32' }).code([0x54]).run().expectMem(0x8fffc, le32(0x90000)).expectHalted();
  });

  it('POP EBX (5B, 32-bit): EBX <- 0xffffffff, ESP = 0x90004', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0xffffffff)]] }).code([0x5b]).run().expectRegs({ ebx: 0xffffffff, esp: 0x90004 }).expectHalted();
  });

  it('POP ESP (5C, 32-bit): ESP <- the popped 0x7fffffff', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x7fffffff)]] }).code([0x5c]).run().expectRegs({ esp: 0x7fffffff }).expectHalted();
  });

  it('PUSH ECX / POP EDX (66 51 66 5A, real mode): 4 bytes on a 16-bit stack, EDX <- 0x80000001', () => {
    given({ regs: { ecx: 0x80000001 } }).code([0x66, 0x51, 0x66, 0x5a]).run()
      .expectRegs({ edx: 0x80000001, sp: 0xfff0 }).expectMem(0xffec, le32(0x80000001)).expectHalted();
  });
});

describe('interp/data: PUSH immediate (68, 6A)', () => {
  it('PUSH 0x8000 (68 00 80) on the 286 (a 186 form)', () => {
    given({ cpu: 'i286' }).code([0x68, 0x00, 0x80]).run().expectMem(0xffee, le16(0x8000)).expectRegs({ sp: 0xffee }).expectHalted();
  });

  it('PUSH 0x80 (6A 80) sign-extends to 0xFF80', () => {
    given({}).code([0x6a, 0x80]).run().expectMem(0xffee, le16(0xff80)).expectHalted();
  });

  it('PUSH 0x7f (6A 7F) pushes 0x007F', () => {
    given({}).code([0x6a, 0x7f]).run().expectMem(0xffee, le16(0x007f)).expectHalted();
  });

  it('PUSH 0x80000000 (68 00 00 00 80, 32-bit)', () => {
    given({ mode: 'prot32' }).code([0x68, 0x00, 0x00, 0x00, 0x80]).run().expectMem(0x8fffc, le32(0x80000000)).expectRegs({ esp: 0x8fffc }).expectHalted();
  });

  it('PUSH -1 (6A FF, 32-bit) pushes 0xFFFFFFFF', () => {
    given({ mode: 'prot32' }).code([0x6a, 0xff]).run().expectMem(0x8fffc, le32(0xffffffff)).expectRegs({ esp: 0x8fffc }).expectHalted();
  });

  it('PUSH 0x7f (66 6A 7F, real mode) pushes 0x0000007F as a dword', () => {
    given({}).code([0x66, 0x6a, 0x7f]).run().expectMem(0xffec, le32(0x7f)).expectRegs({ sp: 0xffec }).expectHalted();
  });

  it('PUSH 0x0000 (66 68 00 00, 32-bit code): 16-bit operand, 2-byte immediate', () => {
    given({ mode: 'prot32', mem: [[0x8fffc, [0xaa, 0xaa, 0xaa, 0xaa]]] }).code([0x66, 0x68, 0x00, 0x00]).run()
      .expectRegs({ esp: 0x8fffe }).expectMem(0x8fffc, [0xaa, 0xaa, 0x00, 0x00]).expectHalted();
  });
});

describe('interp/data: PUSH r/m (FF /6) and POP r/m (8F /0)', () => {
  it('PUSH word [BX] (FF 37): pushes [0x2000] = 0xffff', () => {
    given({ regs: { bx: 0x2000 }, mem: [[0x2000, le16(0xffff)]] }).code([0xff, 0x37]).run().expectMem(0xffee, le16(0xffff)).expectHalted();
  });

  it('PUSH AX via FF F0: the register form', () => {
    given({ regs: { ax: 0x0001 } }).code([0xff, 0xf0]).run().expectMem(0xffee, le16(1)).expectRegs({ sp: 0xffee }).expectHalted();
  });

  it('PUSH word [0xFFFF] (FF 36 FF FF) raises #GP (13); SP unchanged', () => {
    given({}).code([0xff, 0x36, 0xff, 0xff]).run().expectException(13).expectRegs({ sp: 0xffea }).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('PUSH dword [ESP] (FF 34 24, 32-bit): the address uses ESP before the push', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x12345678)]] }).code([0xff, 0x34, 0x24]).run()
      .expectMem(0x8fffc, le32(0x12345678)).expectRegs({ esp: 0x8fffc }).expectHalted();
  });

  it('PUSH EDX via FF F2 (32-bit): the register form pushes 0x80000000', () => {
    given({ mode: 'prot32', regs: { edx: 0x80000000 } }).code([0xff, 0xf2]).run().expectMem(0x8fffc, le32(0x80000000)).expectRegs({ esp: 0x8fffc }).expectHalted();
  });

  it('PUSH dword [0x3000] (66 FF 36 00 30, real mode)', () => {
    given({ mem: [[0x3000, le32(0x80000000)]] }).code([0x66, 0xff, 0x36, 0x00, 0x30]).run().expectMem(0xffec, le32(0x80000000)).expectHalted();
  });

  it('FF /7 (FF F8) is #UD', () => {
    given({}).code([0xff, 0xf8]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('POP word [0x2000] (8F 06 00 20): [0x2000] <- 0x8000, SP = 0xFFF2', () => {
    given({ mem: [[0xfff0, le16(0x8000)]] }).code([0x8f, 0x06, 0x00, 0x20]).run().expectMem(0x2000, le16(0x8000)).expectRegs({ sp: 0xfff2 }).expectHalted();
  });

  it('POP CX via 8F C1: the register form', () => {
    given({ mem: [[0xfff0, le16(0x00ff)]] }).code([0x8f, 0xc1]).run().expectRegs({ cx: 0xff, sp: 0xfff2 }).expectHalted();
  });

  it('POP SP via 8F C4: SP <- the popped 0x0100', () => {
    given({ mem: [[0xfff0, le16(0x0100)]] }).code([0x8f, 0xc4]).run().expectRegs({ sp: 0x0100 }).expectHalted();
  });

  it('POP word [0xFFFF] (8F 06 FF FF) raises #GP (13) with SP restored to 0xFFF0 before delivery', () => {
    given({ mem: [[0xfff0, le16(0x1234)]] }).code([0x8f, 0x06, 0xff, 0xff]).run()
      .expectException(13).expectRegs({ sp: 0xfff0 - 6 }).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('POP dword [ESP+4] (8F 44 24 04, 32-bit): stores at 0x90004 + 4, the incremented ESP plus 4 (SDM POP)', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x11223344)], [0x90004, le32(0)], [0x90008, le32(0)]] }).code([0x8f, 0x44, 0x24, 0x04]).run()
      .expectMem(0x90008, le32(0x11223344)).expectMem(0x90004, le32(0)).expectRegs({ esp: 0x90004 }).expectHalted();
  });

  it('POP dword [ESP] (8F 04 24, 32-bit): stores at the incremented ESP 0x90004', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0xcafef00d)]] }).code([0x8f, 0x04, 0x24]).run()
      .expectMem(0x90004, le32(0xcafef00d)).expectRegs({ esp: 0x90004 }).expectHalted();
  });

  it('POP dword [EAX] (8F 00, 32-bit) beyond the 4 GiB limit faults with ESP unchanged', () => {
    given({ mode: 'prot32', regs: { eax: 0xfffffffe } }).code([0x8f, 0x00]).run().expectException(13, 0).expectRegs({ esp: 0x90000 });
  });

  it('POP EAX via 8F C0 (32-bit): EAX <- 0x80000000', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x80000000)]] }).code([0x8f, 0xc0]).run().expectRegs({ eax: 0x80000000, esp: 0x90004 }).expectHalted();
  });

  for (const reg of [1, 2, 3, 4, 5, 6, 7]) {
    it(`8F /${reg} (8F ${(0xc0 | (reg << 3)).toString(16).toUpperCase()}) is #UD, SP unchanged`, () => {
      given({ cpu: 'i286' }).code([0x8f, 0xc0 | (reg << 3)]).run().expectException(6).expectRegs({ sp: 0xfff0 - 6 });
    });
  }
});

describe('interp/data: PUSH and POP of a segment register', () => {
  it('PUSH ES, CS, SS, DS (06 0E 16 1E): 0x1111, 0x0000, 0x2222, 0x3333 in that order', () => {
    given({ segs: { es: 0x1111, ss: 0x2222, ds: 0x3333 } }).code([0x06, 0x0e, 0x16, 0x1e]).run()
      .expectRegs({ sp: 0xffe8 }).expectMem(0x22220 + 0xffe8, [...le16(0x3333), ...le16(0x2222), ...le16(0), ...le16(0x1111)]).expectHalted();
  });

  it('POP ES (07) and POP DS (1F): selectors 0x8000 and 0xffff, with their bases', () => {
    given({ mem: [[0xfff0, [...le16(0x8000), ...le16(0xffff)]], [0xffff0 + 0x10, [0x5a]]] }).code([0x07, 0x1f, 0xa0, 0x10, 0x00]).run()
      .expectRegs({ es: 0x8000, ds: 0xffff, sp: 0xfff4, al: 0x5a }).expectHalted();
  });

  it('POP SS (17): SS <- 0x0100 and SP advances to 0xFFF2', () => {
    given({ mem: [[0xfff0, le16(0x0100)]] }).code([0x17]).run().expectRegs({ ss: 0x0100, sp: 0xfff2 }).expectHalted();
  });

  it('POP DS (1F) with SP = 0xFFFF raises #SS (12), DS unchanged', () => {
    given({ regs: { sp: 0xffff }, segs: { ds: 0x1234 } }).code([0x1f]).run().expectException(12).expectRegs({ ds: 0x1234 });
  });

  it('PUSH FS, PUSH GS (0F A0, 0F A8) and POP FS, POP GS (0F A1, 0F A9) on the 386', () => {
    given({ cpu: 'i386', segs: { fs: 0x4444, gs: 0x5555 } }).code([0x0f, 0xa0, 0x0f, 0xa8, 0x0f, 0xa1, 0x0f, 0xa9]).run()
      .expectRegs({ fs: 0x5555, gs: 0x4444, sp: 0xfff0 }).expectMem(0xffec, [...le16(0x5555), ...le16(0x4444)]).expectHalted();
  });

  for (const op of [0xa0, 0xa1, 0xa8, 0xa9]) {
    it(`0F ${op.toString(16).toUpperCase()} (PUSH/POP FS/GS) is #UD on the 286`, () => {
      given({ cpu: 'i286' }).code([0x0f, op]).run().expectException(6).expectRegs({ sp: 0xfff0 - 6 });
    });
  }

  for (const cpu of ['i386', 'p6'] as const) {
    it(`PUSH DS (66 1E, 32-bit operand) on ${cpu} pushes the selector 0x1234 zero-extended to 0x00001234`, () => {
      given({ cpu, segs: { ds: 0x1234 }, mem: [[0xffec, [0xaa, 0xaa, 0xaa, 0xaa]]] }).code([0x66, 0x1e]).run()
        .expectRegs({ sp: 0xffec }).expectMem(0xffec, le32(0x1234)).expectHalted();
    });
  }

  it('PUSH DS (66 1E, 32-bit operand) on modern writes only the low word: the upper word 0xAAAA stays', () => {
    given({ segs: { ds: 0x1234 }, mem: [[0xffec, [0xaa, 0xaa, 0xaa, 0xaa]]] }).code([0x66, 0x1e]).run()
      .expectRegs({ sp: 0xffec }).expectMem(0xffec, [0x34, 0x12, 0xaa, 0xaa]).expectHalted();
  });

  it('PUSH ES, CS, FS, GS (06 0E 0F A0 0F A8, 32-bit) on p6: four zero-extended dwords 0x10 0x08 0x10 0x10', () => {
    given({ mode: 'prot32', cpu: 'p6', mem: [[0x8fff0, new Array(16).fill(0xaa)]] }).code([0x06, 0x0e, 0x0f, 0xa0, 0x0f, 0xa8]).run()
      .expectRegs({ esp: 0x8fff0 }).expectMem(0x8fff0, [0x10, 0x10, 0x08, 0x10].flatMap(le32)).expectHalted();
  });

  it('POP FS, POP GS (0F A1, 0F A9, 32-bit) with null selectors: ESP advances by 4 each, FS = GS = 0', () => {
    given({ mode: 'prot32', mem: [[0x90000, [...le32(0xffff0000), ...le32(0)]]] }).code([0x0f, 0xa1, 0x0f, 0xa9]).run()
      .expectRegs({ fs: 0, gs: 0, esp: 0x90008 }).expectHalted();
  });

  it('PUSH SS (16, 32-bit) pushes 0x00000010 on p6 in flat protected mode', () => {
    given({ mode: 'prot32', cpu: 'p6' }).code([0x16]).run().expectMem(0x8fffc, le32(0x10)).expectRegs({ esp: 0x8fffc }).expectHalted();
  });

  it('POP ES (66 07, 32-bit operand): pops 4 bytes and keeps the low word 0x2345', () => {
    given({ mem: [[0xfff0, le32(0xffff2345)]] }).code([0x66, 0x07]).run().expectRegs({ es: 0x2345, sp: 0xfff4 }).expectHalted();
  });

  it('POP ES (66 07) with SP = 0xFFFE raises #SS: the dword reaches past the limit, SP unchanged', () => {
    given({ regs: { sp: 0xfffe } }).code([0x66, 0x07]).run().expectException(12).expectRegs({ sp: 0xfffe - 6 });
  });

  it('POP SS (17, 32-bit) with a null selector raises #GP(0) in protected mode; ESP and SS unchanged', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0)]] }).code([0x17]).run().expectException(13, 0).expectRegs({ esp: 0x90000, ss: 0x10 });
  });

  it('POP DS (1F, 32-bit) with a null selector loads DS = 0 in protected mode', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0xffff0000)]] }).code([0x1f]).run().expectRegs({ ds: 0, esp: 0x90004 }).expectHalted();
  });

  it('POP SS (17) in virtual-8086 mode: SS <- 0x0200 from SS:0xFFF0, SP = 0xFFF2', () => {
    const run = new RawRun({ mode: 'v86', mem: [[0xfff0, le16(0x0200)]] }, [0x17]);
    expect(run.step(1).kind).to.equal('limit');
    expect(run.reg('ss')).to.equal(0x0200);
    expect(run.reg('sp')).to.equal(0xfff2);
  });
});

describe('interp/data: PUSHA and POPA (60, 61)', () => {
  const regs = { ax: 0x0001, cx: 0x0002, dx: 0x0003, bx: 0x0004, bp: 0x0006, si: 0x0007, di: 0x0008 };
  const image = [0x0008, 0x0007, 0x0006, 0xfff0, 0x0004, 0x0003, 0x0002, 0x0001].flatMap(le16);

  it('PUSHA (60) on the 286: stores DI SI BP SP(0xFFF0) BX DX CX AX downwards, SP = 0xFFE0', () => {
    given({ cpu: 'i286', regs }).code([0x60]).run().expectRegs({ sp: 0xffe0 }).expectMem(0xffe0, image).expectHalted();
  });

  it('PUSHA (60) with SP = 0x0000 wraps: the block lands at 0xFFF0-0xFFFF, SP = 0xFFF0', () => {
    given({ regs: { ...regs, sp: 0 } }).code([0x60]).run().expectRegs({ sp: 0xfff0 })
      .expectMem(0xfff0, [0x0008, 0x0007, 0x0006, 0x0000, 0x0004, 0x0003, 0x0002, 0x0001].flatMap(le16)).expectHalted();
  });

  it('PUSHA then POPA (60 61) on the 286 restores every register, SP back at 0xFFF0', () => {
    given({ cpu: 'i286', regs }).code([0x60, 0x61]).run().expectRegs({ ...regs, sp: 0xfff0 }).expectHalted();
  });

  it('POPA (61): loads DI SI BP BX DX CX AX and skips the stored SP (0x9999)', () => {
    const stack = [0x8000, 0x7fff, 0xffff, 0x9999, 0x0000, 0x0001, 0x0080, 0x007f].flatMap(le16);
    given({ mem: [[0xfff0 - 16, stack]], regs: { sp: 0xfff0 - 16 } }).code([0x61]).run()
      .expectRegs({ di: 0x8000, si: 0x7fff, bp: 0xffff, bx: 0, dx: 1, cx: 0x80, ax: 0x7f, sp: 0xfff0 }).expectHalted();
  });

  it('POPA (61) with SP = 0xFFF1 raises #SS on the AX slot at 0xFFFF; no register changes', () => {
    given({ regs: { ...regs, sp: 0xfff1 } }).code([0x61]).run().expectException(12)
      .expectRegs({ ax: 1, cx: 2, dx: 3, bx: 4, bp: 6, si: 7, di: 8, sp: 0xfff1 - 6 });
  });

  it('PUSHAD (60, 32-bit) stores EAX..EDI with the original ESP 0x90000, ESP = 0x8FFE0', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, ecx: 0x7fffffff, edx: 0xffffffff, ebx: 0, ebp: 1, esi: 2, edi: 3 } }).code([0x60]).run()
      .expectRegs({ esp: 0x8ffe0 })
      .expectMem(0x8ffe0, [3, 2, 1, 0x90000, 0, 0xffffffff, 0x7fffffff, 0x80000000].flatMap(le32)).expectHalted();
  });

  it('POPAD (61, 32-bit) loads all but ESP (stored 0x12345678 ignored), ESP = 0x90020', () => {
    given({ mode: 'prot32', mem: [[0x90000, [3, 2, 1, 0x12345678, 0, 0xffffffff, 0x7fffffff, 0x80000000].flatMap(le32)]] }).code([0x61]).run()
      .expectRegs({ edi: 3, esi: 2, ebp: 1, ebx: 0, edx: 0xffffffff, ecx: 0x7fffffff, eax: 0x80000000, esp: 0x90020 }).expectHalted();
  });

  it('PUSHAD / POPAD (66 60 66 61, real mode) round-trip on a 16-bit stack', () => {
    given({ regs: { eax: 0x11111111, edi: 0x88888888 } }).code([0x66, 0x60, 0x66, 0x61]).run()
      .expectRegs({ eax: 0x11111111, edi: 0x88888888, sp: 0xfff0 }).expectMem(0xfff0 - 32, le32(0x88888888)).expectHalted();
  });
});
