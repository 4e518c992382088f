/**
 * Unit tests of the data group, part 1: MOV in every encoding (88-8C, 8E, A0-A3, B0-BF, C6/C7)
 * and LEA (8D). The stack, FLAGS, exchange, extension, far-pointer and identification forms
 * are in data/*.test.ts.
 *
 * Checks: each form in 16- and 32-bit operand size, register and memory operands, default and
 * overridden segments, edge values (0, 0x7f/0x80, 0xffff, 0x7fffffff/0x80000000, -1), that no
 * flag changes, and every exception a form raises with the IP it pushes (#UD for undefined
 * Sreg numbers, C6/C7 /1-/7 and LEA with a register operand; #GP for a word at offset 0xFFFF).
 * Oracle: results computed by hand from the SDM Vol. 2A-2B Operation sections (MOV, MOV Sreg,
 * LEA) and, for the 286, the SingleStepTests 80286 corpus behaviour (8E: MOV CS, FS, GS and
 * Sreg 6-7 raise #UD).
 * Leaves out: protected-mode descriptor checks of MOV Sreg (a segments.ts seam), the interrupt
 * shadow after MOV SS (not modelled), and the corpus itself (suites/golden runs it).
 */

import { expect } from 'chai';
import { decodeBytes, FORMS, cpuModel } from '../../../reference-emulator/index.ts';
import { given } from '../../support/given.ts';

/** Real mode: SP starts at 0xFFF0 with SS = 0, so a delivered fault's IP lands at 0xFFEA. */
const PUSHED_IP = 0xffea;
const ip = (value: number): number[] => [value & 0xff, value >> 8];
/** Every status flag set, and IF (no TF: single-step is not what these tests are about). */
const ALL_STATUS = 0x0ad7;

function formId(bytes: number[], cpu: Parameters<typeof cpuModel>[0] = 'modern', code32 = false): string {
  return FORMS[decodeBytes(bytes, { code32, model: cpuModel(cpu) }).form]!.id;
}

describe('interp/data: MOV r/m, r and r, r/m (88-8B)', () => {
  it('MOV r/m8,r8 (88 E0): AL <- AH = 0x80, flags unchanged', () => {
    given({ regs: { eax: 0x8000 }, flags: ALL_STATUS }).code([0x88, 0xe0]).run()
      .expectRegs({ eax: 0x8080, flags: ALL_STATUS }).expectHalted();
  });

  it('MOV r/m8,r8 (88 58 10): [BX+SI+0x10] <- BL = 0x7f at 0x2010', () => {
    given({ regs: { bx: 0x1f7f, si: 0x0081 } }).code([0x88, 0x58, 0x10]).run()
      .expectMem(0x1f7f + 0x81 + 0x10, [0x7f]).expectHalted();
  });

  it('MOV r/m8,r8 (88 3F): [BX] <- BH with DS = 0x0100 writes 0x1000 + BX', () => {
    given({ regs: { bx: 0xff20 }, segs: { ds: 0x0100 } }).code([0x88, 0x3f]).run()
      .expectMem(0x1000 + 0xff20, [0xff]).expectHalted();
  });

  it('MOV r/m16,r16 (89 07): [BX] <- AX = 0xffff', () => {
    given({ regs: { ax: 0xffff, bx: 0x2000 } }).code([0x89, 0x07]).run().expectMem(0x2000, [0xff, 0xff]).expectHalted();
  });

  it('MOV r/m16,r16 (89 D8): AX <- BX = 0x8000, EAX upper half kept', () => {
    given({ regs: { eax: 0x12340000, bx: 0x8000 } }).code([0x89, 0xd8]).run().expectRegs({ eax: 0x12348000 }).expectHalted();
  });

  it('MOV r/m16,r16 (89 07) at DS:0xFFFF raises #GP (13) and pushes the IP 0x1000 of the MOV', () => {
    given({ regs: { ax: 0x1234, bx: 0xffff }, mem: [[0xffff, [0xaa]]] }).code([0x89, 0x07]).run()
      .expectException(13).expectMem(PUSHED_IP, ip(0x1000)).expectMem(0xffff, [0xaa]);
  });

  it('MOV r/m32,r32 (89 48 10, 32-bit): [EAX+0x10] <- ECX = 0x80000000', () => {
    given({ mode: 'prot32', regs: { eax: 0x3000, ecx: 0x80000000 } }).code([0x89, 0x48, 0x10]).run()
      .expectMem(0x3010, [0x00, 0x00, 0x00, 0x80]).expectHalted();
  });

  it('MOV r/m32,r32 (66 89 C8, real mode): EAX <- ECX = 0x7fffffff', () => {
    given({ regs: { ecx: 0x7fffffff } }).code([0x66, 0x89, 0xc8]).run().expectRegs({ eax: 0x7fffffff }).expectHalted();
  });

  it('MOV r/m32,r32 (66 89 C8) is #UD on the 286, which has no 66 prefix', () => {
    given({ cpu: 'i286' }).code([0x66, 0x89, 0xc8]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('MOV r8,r/m8 (8A 3B): BH <- [BP+DI] = 0x80 reads through SS (0x0200), not DS', () => {
    given({ regs: { bp: 0x10, di: 0x5 }, segs: { ss: 0x0200 }, mem: [[0x2015, [0x80]], [0x0015, [0x11]]] })
      .code([0x8a, 0x3b]).run().expectRegs({ bh: 0x80 }).expectHalted();
  });

  it('MOV r8,r/m8 (8A C4): AL <- AH = 0xff, AH unchanged', () => {
    given({ regs: { ax: 0xff00 } }).code([0x8a, 0xc4]).run().expectRegs({ ax: 0xffff }).expectHalted();
  });

  it('MOV r8,r/m8 (26 8A 07): AL <- ES:[BX] = 0x01 with the ES override', () => {
    given({ regs: { bx: 0x10 }, segs: { es: 0x0300 }, mem: [[0x3010, [0x01]], [0x0010, [0x02]]] })
      .code([0x26, 0x8a, 0x07]).run().expectRegs({ al: 0x01 }).expectHalted();
  });

  it('MOV r16,r/m16 (8B 16 00 20): DX <- [0x2000] = 0x8000 (disp16)', () => {
    given({ mem: [[0x2000, [0x00, 0x80]]] }).code([0x8b, 0x16, 0x00, 0x20]).run().expectRegs({ dx: 0x8000 }).expectHalted();
  });

  it('MOV r16,r/m16 (8B C3): AX <- BX = 0x0000', () => {
    given({ regs: { ax: 0xffff, bx: 0 } }).code([0x8b, 0xc3]).run().expectRegs({ ax: 0 }).expectHalted();
  });

  it('MOV r16,r/m16 (8B 04) at DS:0xFFFF raises #GP (13), SI unchanged', () => {
    given({ regs: { si: 0xffff, ax: 0x5555 } }).code([0x8b, 0x04]).run()
      .expectException(13).expectRegs({ ax: 0x5555 }).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('MOV r32,r/m32 (8B 44 24 04, 32-bit): EAX <- [ESP+4] = 0xffffffff (SIB, SS)', () => {
    given({ mode: 'prot32', mem: [[0x90004, [0xff, 0xff, 0xff, 0xff]]] }).code([0x8b, 0x44, 0x24, 0x04]).run()
      .expectRegs({ eax: 0xffffffff }).expectHalted();
  });

  it('MOV r32,r/m32 (8B D9, 32-bit): EBX <- ECX = 0x80000000', () => {
    given({ mode: 'prot32', regs: { ecx: 0x80000000 } }).code([0x8b, 0xd9]).run().expectRegs({ ebx: 0x80000000 }).expectHalted();
  });
});

describe('interp/data: MOV r/m, Sreg (8C)', () => {
  it('MOV r/m16,Sreg (8C D8): AX <- DS = 0x1234', () => {
    given({ segs: { ds: 0x1234 }, regs: { eax: 0xffff0000 } }).code([0x8c, 0xd8]).run().expectRegs({ eax: 0xffff1234 }).expectHalted();
  });

  it('MOV r/m16,Sreg (8C 06 00 20): [0x2000] <- ES = 0xabcd', () => {
    given({ segs: { es: 0xabcd } }).code([0x8c, 0x06, 0x00, 0x20]).run().expectMem(0x2000, [0xcd, 0xab]).expectHalted();
  });

  it('MOV r/m16,Sreg (8C C8): AX <- CS = 0x0000 (reading CS is allowed)', () => {
    given({ regs: { ax: 0xffff } }).code([0x8c, 0xc8]).run().expectRegs({ ax: 0 }).expectHalted();
  });

  it('MOV r/m16,Sreg (8C E0): AX <- FS = 0x0055 on the 386', () => {
    given({ cpu: 'i386', segs: { fs: 0x0055 } }).code([0x8c, 0xe0]).run().expectRegs({ ax: 0x55 }).expectHalted();
  });

  it('MOV r/m16,Sreg (8C E8, GS) is #UD on the 286, IP 0x1000 pushed', () => {
    given({ cpu: 'i286', regs: { ax: 0x1111 } }).code([0x8c, 0xe8]).run().expectException(6).expectRegs({ ax: 0x1111 }).expectMem(PUSHED_IP, ip(0x1000));
  });

  for (const modrm of [0xf0, 0xf8]) {
    it(`MOV r/m16,Sreg (8C ${modrm.toString(16).toUpperCase()}, Sreg ${(modrm >> 3) & 7}) is #UD`, () => {
      given({ regs: { ax: 0x1111 } }).code([0x8c, modrm]).run().expectException(6).expectRegs({ ax: 0x1111 });
    });
  }

  it('MOV r32/m16,Sreg (66 8C D8): EAX <- DS = 0x00001234, upper half zeroed', () => {
    given({ segs: { ds: 0x1234 }, regs: { eax: 0xffffffff } }).code([0x66, 0x8c, 0xd8]).run().expectRegs({ eax: 0x00001234 }).expectHalted();
  });

  it('MOV r32/m16,Sreg (66 8C 1E 00 20): stores only the word 0x1234, bytes 0x2002-3 kept', () => {
    given({ segs: { ds: 0x1234 }, mem: [[0x12340 + 0x2000, [0xee, 0xee, 0xee, 0xee]]] }).code([0x66, 0x8c, 0x1e, 0x00, 0x20]).run()
      .expectMem(0x12340 + 0x2000, [0x34, 0x12, 0xee, 0xee]).expectHalted();
  });

  it('MOV r32/m16,Sreg (8C D0, 32-bit): EAX <- SS = 0x00000010 in flat protected mode', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff } }).code([0x8c, 0xd0]).run().expectRegs({ eax: 0x10 }).expectHalted();
  });
});

describe('interp/data: MOV Sreg, r/m (8E)', () => {
  it('MOV DS,AX (8E D8): DS = 0x1234 and the next access uses base 0x12340', () => {
    given({ regs: { ax: 0x1234 }, mem: [[0x12340 + 0x10, [0x7f]]] }).code([0x8e, 0xd8, 0xa0, 0x10, 0x00]).run()
      .expectRegs({ ds: 0x1234, al: 0x7f }).expectHalted();
  });

  it('MOV ES,[0x2000] (8E 06 00 20): ES <- 0xffff from memory', () => {
    given({ mem: [[0x2000, [0xff, 0xff]]] }).code([0x8e, 0x06, 0x00, 0x20]).run().expectRegs({ es: 0xffff }).expectHalted();
  });

  it('MOV SS,AX (8E D0): SS = 0x0100, the next PUSH writes at 0x1000 + 0xFFEE', () => {
    given({ regs: { ax: 0x0100, bx: 0xbeef } }).code([0x8e, 0xd0, 0x53]).run()
      .expectRegs({ ss: 0x0100, sp: 0xffee }).expectMem(0x1000 + 0xffee, [0xef, 0xbe]).expectHalted();
  });

  it('MOV FS,AX (8E E0) and MOV GS,AX (8E E8) load 0x8000 on the 386', () => {
    given({ cpu: 'i386', regs: { ax: 0x8000 } }).code([0x8e, 0xe0, 0x8e, 0xe8]).run().expectRegs({ fs: 0x8000, gs: 0x8000 }).expectHalted();
  });

  it('MOV CS,AX (8E C8) is #UD, CS unchanged, IP 0x1000 pushed', () => {
    given({ regs: { ax: 0x1234 } }).code([0x8e, 0xc8]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000)).expectMem(0xffec, [0, 0]);
  });

  it('MOV CS,[0xFFFF] (8E 0E FF FF) is #UD before any memory access (no #GP), as the 286 corpus shows', () => {
    given({ cpu: 'i286' }).code([0x8e, 0x0e, 0xff, 0xff]).run().expectException(6);
  });

  for (const modrm of [0xe0, 0xe8, 0xf0, 0xf8]) {
    it(`MOV Sreg ${(modrm >> 3) & 7},AX (8E ${modrm.toString(16).toUpperCase()}) is #UD on the 286`, () => {
      given({ cpu: 'i286', regs: { ax: 0x10 } }).code([0x8e, modrm]).run().expectException(6);
    });
  }

  for (const modrm of [0xf0, 0xf8]) {
    it(`MOV Sreg ${(modrm >> 3) & 7},AX (8E ${modrm.toString(16).toUpperCase()}) is #UD on modern`, () => {
      given({ regs: { ax: 0x10 } }).code([0x8e, modrm]).run().expectException(6);
    });
  }

  it('MOV DS,[0xFFFF] (8E 1E FF FF) raises #GP (13), DS unchanged', () => {
    given({ segs: { ds: 0 } }).code([0x8e, 0x1e, 0xff, 0xff]).run().expectException(13).expectRegs({ ds: 0 });
  });

  it('MOV DS,r32/m16 (66 8E D8): DS <- low word of EAX = 0xffff1234', () => {
    given({ regs: { eax: 0xffff1234 } }).code([0x66, 0x8e, 0xd8]).run().expectRegs({ ds: 0x1234 }).expectHalted();
  });

  it('MOV DS,r32/m16 (66 8E 1E 00 20): reads the word 0x8000 at [0x2000], not a dword', () => {
    given({ mem: [[0x2000, [0x00, 0x80, 0xff, 0xff]]] }).code([0x66, 0x8e, 0x1e, 0x00, 0x20]).run().expectRegs({ ds: 0x8000 }).expectHalted();
  });

  it('MOV DS,AX (8E D8, 32-bit) with a null selector is allowed in protected mode: DS = 0x0000', () => {
    given({ mode: 'prot32', regs: { eax: 0 } }).code([0x8e, 0xd8]).run().expectRegs({ ds: 0 }).expectHalted();
  });

  it('MOV SS,AX (8E D0, 32-bit) with a null selector raises #GP(0) in protected mode', () => {
    given({ mode: 'prot32', regs: { eax: 0 } }).code([0x8e, 0xd0]).run().expectException(13, 0).expectRegs({ ss: 0x10 });
  });

  it('MOV Sreg forms end the decoded block (flow serialize), for the SS interrupt shadow', () => {
    for (const id of ['Mov_Sreg_rm16', 'Mov_Sreg_r32m16', 'Popw_SS', 'Popd_SS']) {
      expect(FORMS.find((f) => f.id === id)?.flow, id).to.equal('serialize');
    }
  });
});

describe('interp/data: MOV with a direct offset (A0-A3)', () => {
  it('MOV AL,moffs8 (A0 34 12): AL <- DS:[0x1234] = 0x80 with DS = 0x0100', () => {
    given({ segs: { ds: 0x0100 }, mem: [[0x1000 + 0x1234, [0x80]], [0x1234, [0x01]]] }).code([0xa0, 0x34, 0x12]).run()
      .expectRegs({ al: 0x80 }).expectHalted();
  });

  it('MOV AL,moffs8 (2E A0 34 12): the CS override reads CS:[0x1234] = 0x01', () => {
    given({ segs: { ds: 0x0100 }, mem: [[0x1000 + 0x1234, [0x80]], [0x1234, [0x01]]] }).code([0x2e, 0xa0, 0x34, 0x12]).run()
      .expectRegs({ al: 0x01 }).expectHalted();
  });

  it('MOV AX,moffs16 (A1 00 20): AX <- 0x8000', () => {
    given({ mem: [[0x2000, [0x00, 0x80]]] }).code([0xa1, 0x00, 0x20]).run().expectRegs({ ax: 0x8000 }).expectHalted();
  });

  it('MOV AX,moffs16 (A1 FF FF) raises #GP (13)', () => {
    given({ regs: { ax: 0x1234 } }).code([0xa1, 0xff, 0xff]).run().expectException(13).expectRegs({ ax: 0x1234 }).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('MOV EAX,moffs32 (66 A1 00 20, real mode): EAX <- 0x7fffffff', () => {
    given({ mem: [[0x2000, [0xff, 0xff, 0xff, 0x7f]]] }).code([0x66, 0xa1, 0x00, 0x20]).run().expectRegs({ eax: 0x7fffffff }).expectHalted();
  });

  it('MOV EAX,moffs32 (A1 00 00 10 00, 32-bit): a 4-byte offset, EAX <- 0x80000000', () => {
    given({ mode: 'prot32', mem: [[0x100000, [0x00, 0x00, 0x00, 0x80]]] }).code([0xa1, 0x00, 0x00, 0x10, 0x00]).run()
      .expectRegs({ eax: 0x80000000 }).expectHalted();
  });

  it('MOV EAX,moffs32 (67 A1 00 30, 32-bit code): the 67 prefix makes the offset 2 bytes', () => {
    given({ mode: 'prot32', mem: [[0x3000, [0x78, 0x56, 0x34, 0x12]]] }).code([0x67, 0xa1, 0x00, 0x30]).run()
      .expectRegs({ eax: 0x12345678 }).expectHalted();
  });

  it('MOV moffs8,AL (A2 00 20): [0x2000] <- 0xff', () => {
    given({ regs: { al: 0xff } }).code([0xa2, 0x00, 0x20]).run().expectMem(0x2000, [0xff]).expectHalted();
  });

  it('MOV moffs16,AX (26 A3 00 20): ES:[0x2000] <- 0x7fff with ES = 0x0300', () => {
    given({ regs: { ax: 0x7fff }, segs: { es: 0x0300 } }).code([0x26, 0xa3, 0x00, 0x20]).run().expectMem(0x5000, [0xff, 0x7f]).expectHalted();
  });

  it('MOV moffs16,AX (A3 FF FF) raises #GP (13), nothing written', () => {
    given({ regs: { ax: 0x1234 }, mem: [[0xffff, [0x00]]] }).code([0xa3, 0xff, 0xff]).run().expectException(13).expectMem(0xffff, [0x00]);
  });

  it('MOV moffs32,EAX (A3 00 30 00 00, 32-bit): [0x3000] <- 0x80000000', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000 } }).code([0xa3, 0x00, 0x30, 0x00, 0x00]).run()
      .expectMem(0x3000, [0x00, 0x00, 0x00, 0x80]).expectHalted();
  });

  it('MOV moffs32,EAX (66 A3 00 20, real mode): [0x2000] <- 0xffffffff', () => {
    given({ regs: { eax: 0xffffffff } }).code([0x66, 0xa3, 0x00, 0x20]).run().expectMem(0x2000, [0xff, 0xff, 0xff, 0xff]).expectHalted();
  });
});

describe('interp/data: MOV register, immediate (B0-BF)', () => {
  it('MOV AH,0x80 (B4 80): EAX 0x12345678 -> 0x12348078', () => {
    given({ regs: { eax: 0x12345678 } }).code([0xb4, 0x80]).run().expectRegs({ eax: 0x12348078 }).expectHalted();
  });

  it('MOV BL,0x7f (B3 7F) and MOV BH,0xff (B7 FF): BX = 0xff7f', () => {
    given({ regs: { bx: 0 } }).code([0xb3, 0x7f, 0xb7, 0xff]).run().expectRegs({ bx: 0xff7f }).expectHalted();
  });

  it('MOV r8,imm8 covers every register B0-B7: AL CL DL BL AH CH DH BH <- 1..8', () => {
    const code = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((r) => [0xb0 + r, r + 1]);
    given({}).code(code).run().expectRegs({ eax: 0x0501, ecx: 0x0602, edx: 0x0703, ebx: 0x0804 }).expectHalted();
  });

  it('MOV SP,0xffff (BC FF FF) and MOV AX,0x0000 (B8 00 00)', () => {
    given({ regs: { ax: 0x1234 } }).code([0xbc, 0xff, 0xff, 0xb8, 0x00, 0x00]).run().expectRegs({ sp: 0xffff, ax: 0 }).expectHalted();
  });

  it('MOV r16,imm16 (BE 00 80): SI <- 0x8000, ESI upper half kept', () => {
    given({ regs: { esi: 0xabcd0000 } }).code([0xbe, 0x00, 0x80]).run().expectRegs({ esi: 0xabcd8000 }).expectHalted();
  });

  it('MOV EDI,0x80000000 (BF 00 00 00 80, 32-bit)', () => {
    given({ mode: 'prot32' }).code([0xbf, 0x00, 0x00, 0x00, 0x80]).run().expectRegs({ edi: 0x80000000 }).expectHalted();
  });

  it('MOV EAX,0xffffffff (66 B8 FF FF FF FF, real mode)', () => {
    given({}).code([0x66, 0xb8, 0xff, 0xff, 0xff, 0xff]).run().expectRegs({ eax: 0xffffffff }).expectHalted();
  });

  it('MOV ECX,0x7fffffff (B9 FF FF FF 7F, 32-bit), flags unchanged', () => {
    given({ mode: 'prot32', flags: ALL_STATUS }).code([0xb9, 0xff, 0xff, 0xff, 0x7f]).run().expectRegs({ ecx: 0x7fffffff, flags: ALL_STATUS }).expectHalted();
  });
});

describe('interp/data: MOV r/m, immediate (C6 /0, C7 /0)', () => {
  it('MOV byte [BX],0x7f (C6 07 7F)', () => {
    given({ regs: { bx: 0x2000 } }).code([0xc6, 0x07, 0x7f]).run().expectMem(0x2000, [0x7f]).expectHalted();
  });

  it('MOV byte [BX+0x10],0x80 (C6 47 10 80): displacement before the immediate', () => {
    given({ regs: { bx: 0x2000 } }).code([0xc6, 0x47, 0x10, 0x80]).run().expectMem(0x2010, [0x80]).expectHalted();
  });

  it('MOV DH,0x01 (C6 C6 01): register form', () => {
    given({ regs: { dx: 0xffff } }).code([0xc6, 0xc6, 0x01]).run().expectRegs({ dx: 0x01ff }).expectHalted();
  });

  it('MOV word [0x2000],0xffff (C7 06 00 20 FF FF)', () => {
    given({}).code([0xc7, 0x06, 0x00, 0x20, 0xff, 0xff]).run().expectMem(0x2000, [0xff, 0xff]).expectHalted();
  });

  it('MOV word [0xFFFF],0x0000 (C7 06 FF FF 00 00) raises #GP (13)', () => {
    given({}).code([0xc7, 0x06, 0xff, 0xff, 0x00, 0x00]).run().expectException(13).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('MOV CX,0x8000 (C7 C1 00 80): register form', () => {
    given({}).code([0xc7, 0xc1, 0x00, 0x80]).run().expectRegs({ cx: 0x8000 }).expectHalted();
  });

  it('MOV dword [EAX+0x10],0x80000000 (C7 40 10 00 00 00 80, 32-bit)', () => {
    given({ mode: 'prot32', regs: { eax: 0x3000 } }).code([0xc7, 0x40, 0x10, 0x00, 0x00, 0x00, 0x80]).run()
      .expectMem(0x3010, [0x00, 0x00, 0x00, 0x80]).expectHalted();
  });

  it('MOV EDX,0xffffffff (66 C7 C2 FF FF FF FF, real mode)', () => {
    given({}).code([0x66, 0xc7, 0xc2, 0xff, 0xff, 0xff, 0xff]).run().expectRegs({ edx: 0xffffffff }).expectHalted();
  });

  for (const reg of [1, 2, 3, 4, 5, 6, 7]) {
    it(`C6 /${reg} (C6 ${(0xc0 | (reg << 3)).toString(16).toUpperCase()} 00) and C7 /${reg} are #UD`, () => {
      given({}).code([0xc6, 0xc0 | (reg << 3), 0x00]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
      given({}).code([0xc7, 0xc0 | (reg << 3), 0x00, 0x00]).run().expectException(6);
    });
  }
});

describe('interp/data: LEA (8D)', () => {
  it('LEA AX,[BX+SI+0x10] (8D 40 10): 0x1000 + 0x0200 + 0x10 = 0x1210, no memory access', () => {
    given({ regs: { bx: 0x1000, si: 0x0200 } }).code([0x8d, 0x40, 0x10]).run().expectRegs({ ax: 0x1210 }).expectHalted();
  });

  it('LEA DX,[BX+0x10] (8D 57 10) wraps at 16 bits: BX = 0xfff8 gives 0x0008', () => {
    given({ regs: { bx: 0xfff8 } }).code([0x8d, 0x57, 0x10]).run().expectRegs({ dx: 0x0008 }).expectHalted();
  });

  it('LEA SI,[0xFFFF] (8D 36 FF FF) does not fault: SI = 0xffff', () => {
    given({}).code([0x8d, 0x36, 0xff, 0xff]).run().expectRegs({ si: 0xffff }).expectHalted();
  });

  it('LEA AX,[BP+DI-1] (8D 43 FF): a negative disp8, 0x0000 - 1 = 0xffff', () => {
    given({ regs: { bp: 0, di: 0 } }).code([0x8d, 0x43, 0xff]).run().expectRegs({ ax: 0xffff }).expectHalted();
  });

  it('LEA EAX,[EBX+ECX*4+0x10] (8D 44 8B 10, 32-bit): 0x7ffffff0 + 4 * 1 + 0x10 = 0x80000004', () => {
    given({ mode: 'prot32', regs: { ebx: 0x7ffffff0, ecx: 1 } }).code([0x8d, 0x44, 0x8b, 0x10]).run().expectRegs({ eax: 0x80000004 }).expectHalted();
  });

  it('LEA AX,[EBX] (66 8D 03, 32-bit code): a 32-bit address truncated to AX = 0x5678, EAX upper kept', () => {
    given({ mode: 'prot32', regs: { eax: 0xffff0000, ebx: 0x12345678 } }).code([0x66, 0x8d, 0x03]).run().expectRegs({ eax: 0xffff5678 }).expectHalted();
  });

  it('LEA EAX,[BX+0x10] (67 8D 47 10, 32-bit code): a 16-bit address zero-extended, EBX = 0xfffffff8 gives 0x00000008', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, ebx: 0xfffffff8 } }).code([0x67, 0x8d, 0x47, 0x10]).run().expectRegs({ eax: 0x8 }).expectHalted();
  });

  it('LEA EAX,[SI] (66 8D 04, real mode): 32-bit operand, 16-bit address, EAX = 0x0000ffff', () => {
    given({ regs: { eax: 0xffffffff, si: 0xffff } }).code([0x66, 0x8d, 0x04]).run().expectRegs({ eax: 0xffff }).expectHalted();
  });

  it('LEA with a register operand (8D C0) is #UD, on the 286 as on modern, IP 0x1000 pushed', () => {
    given({ cpu: 'i286' }).code([0x8d, 0xc0]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
    given({}).code([0x8d, 0xc0]).run().expectException(6);
  });

  it('decodes 8D with mod=3 to INVALID and with memory to Lea_r16_m / Lea_r32_m', () => {
    expect(formId([0x8d, 0xc0])).to.equal('INVALID');
    expect(formId([0x8d, 0x00])).to.equal('Lea_r16_m');
    expect(formId([0x8d, 0x00], 'modern', true)).to.equal('Lea_r32_m');
  });
});
