// Unit tests for reference-emulator/encoder: encode, canonicalOperands and decodedOperands.
//
// Checked:
// - the ModRM/SIB memory operand against the SDM's encoding tables, byte for byte: every row of
//   Vol. 2A Table 2-1 (16-bit addressing) with mod 00/01/10 and the [disp16] and [BP] special
//   cases; Table 2-2 (32-bit) with [disp32], [EBP] needing a zero disp8, [ESP] needing a SIB;
//   Table 2-3 (SIB) with every scale, a lone index (base 101, disp32), and ESP as a base;
//   the shortest displacement at each boundary (0, 0x7f, 0x80, -0x80, -0x81);
// - prefixes: 66/67 only away from the code segment's default size, a segment prefix only off
//   the operand's default segment (SDM Vol. 1, 3.7.4: SS for a BP/EBP/ESP base), their order
//   (segment, F0, 66, 67, F2/F3 as iced-x86 emits them), LOCK and REP/REPNE, the mandatory F3 of PAUSE;
// - opcodes: the 0F map, `+r` forms, `/digit` forms, alias encodings (82, F6 /1, D0 /6);
// - immediates and displacements in both spellings (0xff and -1), Ibs sign extension, branch
//   targets turned into rel8/rel16/rel32 (with 16-bit wrap-around), far pointers, ENTER's two
//   immediates, moffs, string operands;
// - every error path, each a one-line EncodeError naming the form and the problem;
// - the non-canonical variants (wide displacement, needless SIB, explicit default segment,
//   doubled prefixes) and the 15-byte limit;
// - decodedOperands on hand-picked bytes, including the prefixes it drops;
// - the system group: MOV CRn/DRn written with mod = 11b (the SDM: mod is ignored) and read back
//   from mod != 11b bytes, CR1/CR5 refused (#UD), VMCALL/VMMCALL as fixed ModRM bytes, the
//   `Rv/Mw`, `Ew` and `Ms` operands of SLDT, LLDT and SGDT.
// Oracle: the SDM tables, typed in as bytes here; the decoder only for decodedOperands.
// Left out: the per-form round trip and the comparison with iced-x86's encoder
// (suites/property/round-trip.test.ts).

import { expect } from 'chai';
import {
  canonicalOperands,
  cpuModel,
  decodeBytes,
  decodedOperands,
  encode,
  EncodeError,
  FORMS,
  type EncodeOperands,
  type EncodeVariant,
  type FormRecord,
} from '../../../reference-emulator/index.ts';

const MODERN = cpuModel('modern');
const hex = (bytes: ArrayLike<number>): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const fromHex = (text: string): number[] => text.split(' ').map((b) => parseInt(b, 16));
const enc = (id: string, ops: EncodeOperands, code32: boolean, variant?: EncodeVariant, eip?: number): string =>
  hex(encode(id, ops, { code32, ...(eip !== undefined ? { eip } : {}) }, variant));
const C16 = false;
const C32 = true;

// Register numbers (SDM Vol. 2A, Table 2-2 column heads).
const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
const BX = 3, BP = 5, SI = 6, DI = 7;
const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

describe('encoder: 16-bit addressing (SDM Vol. 2A, Table 2-1), MOV AX, m16 = 8B /r', () => {
  // Table 2-1 rows by rm: [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [disp16 or BP] [BX].
  const rows: ReadonlyArray<readonly [string, { base?: number; index?: number }, number]> = [
    ['[bx+si]', { base: BX, index: SI }, 0], ['[bx+di]', { base: BX, index: DI }, 1],
    ['[bp+si]', { base: BP, index: SI }, 2], ['[bp+di]', { base: BP, index: DI }, 3],
    ['[si]', { base: SI }, 4], ['[di]', { base: DI }, 5], ['[bx]', { base: BX }, 7],
  ];
  for (const [name, regs, rm] of rows) {
    it(`${name}: mod 00 rm ${rm}; +0x7f: mod 01 disp8; +0x80: mod 10 disp16`, () => {
      expect(enc('Mov_r16_rm16', { reg: 0, mem: regs }, C16)).to.equal(hex([0x8b, rm]));
      expect(enc('Mov_r16_rm16', { reg: 0, mem: { ...regs, disp: 0x7f } }, C16)).to.equal(hex([0x8b, 0x40 | rm, 0x7f]));
      expect(enc('Mov_r16_rm16', { reg: 0, mem: { ...regs, disp: 0x80 } }, C16)).to.equal(hex([0x8b, 0x80 | rm, 0x80, 0x00]));
      expect(enc('Mov_r16_rm16', { reg: 0, mem: { ...regs, disp: -0x80 } }, C16)).to.equal(hex([0x8b, 0x40 | rm, 0x80]));
      expect(enc('Mov_r16_rm16', { reg: 0, mem: { ...regs, disp: 0xff80 } }, C16), '0xff80 is -0x80 in 16 bits').to.equal(hex([0x8b, 0x40 | rm, 0x80]));
      expect(enc('Mov_r16_rm16', { reg: 0, mem: { ...regs, disp: -0x81 } }, C16)).to.equal(hex([0x8b, 0x80 | rm, 0x7f, 0xff]));
    });
  }

  it('[disp16] is mod 00 rm 110 with a disp16, even for a small displacement: 8B 06 34 12, 8B 06 05 00', () => {
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { disp: 0x1234 } }, C16)).to.equal('8b 06 34 12');
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { disp: 5 } }, C16)).to.equal('8b 06 05 00');
  });

  it('[bp] has no mod-00 form (rm 110 is disp16): mod 01 with a zero disp8, 8B 46 00', () => {
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: BP } }, C16)).to.equal('8b 46 00');
  });

  it('either register order names the same form: [si+bx] = [bx+si]; the canonical operands use the decoder\'s roles', () => {
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: SI, index: BX } }, C16)).to.equal('8b 00');
    expect(canonicalOperands('Mov_r16_rm16', { reg: 0, mem: { base: SI, index: BX } }, { code32: false }))
      .to.deep.equal({ reg: 0, mem: { base: BX, index: SI, scale: 1, disp: 0, addressSize: 16 } });
    expect(canonicalOperands('Mov_r16_rm16', { reg: 0, mem: { index: DI } }, { code32: false }), 'a lone DI is a base')
      .to.deep.equal({ reg: 0, mem: { base: DI, disp: 0, addressSize: 16 } });
  });

  it('the ModRM.reg field carries the register: MOV DI, [bx] = 8B 3F', () => {
    expect(enc('Mov_r16_rm16', { reg: DI, mem: { base: BX } }, C16)).to.equal('8b 3f');
  });
});

describe('encoder: 32-bit addressing (SDM Vol. 2A, Tables 2-2 and 2-3), MOV EAX, m32 = 8B /r', () => {
  it('[reg] for EAX ECX EDX EBX ESI EDI: mod 00 rm = reg, no SIB', () => {
    for (const r of [EAX, ECX, EDX, EBX, ESI, EDI]) expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: r } }, C32)).to.equal(hex([0x8b, r]));
  });

  it('[disp32]: mod 00 rm 101, 8B 05 78 56 34 12; the small [0x10] still takes a disp32', () => {
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { disp: 0x12345678 } }, C32)).to.equal('8b 05 78 56 34 12');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { disp: 0x10 } }, C32)).to.equal('8b 05 10 00 00 00');
  });

  it('[ebp]: mod 00 rm 101 means disp32, so a zero disp8: 8B 45 00', () => {
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBP } }, C32)).to.equal('8b 45 00');
  });

  it('[esp]: rm 100 means SIB, so SIB 24 (base ESP, no index): 8B 04 24; [esp+8] = 8B 44 24 08', () => {
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: ESP } }, C32)).to.equal('8b 04 24');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: ESP, disp: 8 } }, C32)).to.equal('8b 44 24 08');
  });

  it('displacement boundaries: 0x7f and -0x80 take disp8, 0x80 and -0x81 disp32', () => {
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBX, disp: 0x7f } }, C32)).to.equal('8b 43 7f');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBX, disp: -0x80 } }, C32)).to.equal('8b 43 80');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBX, disp: 0x80 } }, C32)).to.equal('8b 83 80 00 00 00');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBX, disp: -0x81 } }, C32)).to.equal('8b 83 7f ff ff ff');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBX, disp: 0xffffffff } }, C32), '0xffffffff is -1').to.equal('8b 43 ff');
  });

  it('SIB scale: [eax+ecx*1/2/4/8] = 8B 04 08/48/88/C8', () => {
    const ss = [[1, 0x08], [2, 0x48], [4, 0x88], [8, 0xc8]] as const;
    for (const [scale, sib] of ss) expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EAX, index: ECX, scale } }, C32)).to.equal(hex([0x8b, 0x04, sib]));
  });

  it('a lone index: SIB base 101 with mod 00 means no base and a disp32: [ecx*4] = 8B 04 8D 00 00 00 00', () => {
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { index: ECX, scale: 4 } }, C32)).to.equal('8b 04 8d 00 00 00 00');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { index: EAX, disp: 0x10 } }, C32), '[eax*1+0x10] keeps its index role (default segment DS either way, but not for EBP)').to.equal('8b 04 05 10 00 00 00');
  });

  it('SIB with an EBP base and no displacement takes a zero disp8: [ebp+ecx*2] = 8B 44 4D 00; ESP as a base with an index: [esp+ebp] = 8B 04 2C', () => {
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EBP, index: ECX, scale: 2 } }, C32)).to.equal('8b 44 4d 00');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: ESP, index: EBP } }, C32)).to.equal('8b 04 2c');
  });

  it('the brief\'s example: ADD [ebx+esi*4-8], EAX = 01 44 B3 F8', () => {
    expect(enc('Add_rm32_r32', { reg: EAX, mem: { base: EBX, index: ESI, scale: 4, disp: -8 } }, C32)).to.equal('01 44 b3 f8');
  });
});

describe('encoder: prefixes', () => {
  it('66 only when the form\'s operand size differs from the code default: ADD EAX, ECX in 16-bit code 66 01 C8, in 32-bit 01 C8', () => {
    expect(enc('Add_rm32_r32', { reg: ECX, rm: EAX }, C16)).to.equal('66 01 c8');
    expect(enc('Add_rm32_r32', { reg: ECX, rm: EAX }, C32)).to.equal('01 c8');
    expect(enc('Add_rm16_r16', { reg: ECX, rm: EAX }, C32)).to.equal('66 01 c8');
    expect(enc('Add_rm8_r8', { reg: ECX, rm: EAX }, C16), 'a form without an operand size never takes 66').to.equal('00 c8');
  });

  it('67 only when the memory operand\'s address size differs: [eax] in 16-bit code 67 8B 00, [bx+si] in 32-bit 67 8B 00; none for a register operand', () => {
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: EAX, addressSize: 32 } }, C16)).to.equal('67 8b 00');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: BX, index: SI, addressSize: 16 } }, C32)).to.equal('67 8b 00');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: BX, index: SI, addressSize: 16 } }, C16)).to.equal('66 8b 00');
  });

  it('67 for LOOP/JCXZ forms by their own address size: LOOP rel8 with CX in 32-bit code = 67 E2 FE; with ECX in 16-bit code and osz 16 = 67 E2 FE', () => {
    expect(enc('Loop_rel8_32_CX', { rel: -2 }, C32)).to.equal('67 e2 fe');
    expect(enc('Loop_rel8_16_ECX', { rel: -2 }, C16)).to.equal('67 e2 fe');
    expect(enc('Loop_rel8_16_CX', { rel: -2 }, C32)).to.equal('66 67 e2 fe');
    expect(enc('Jecxz_rel8_32', { rel: 0 }, C32)).to.equal('e3 00');
  });

  it('a segment prefix only off the default segment: ES:[bx] 26 8B 07, DS:[bx] none, SS:[bp] none, DS:[bp] 3E 8B 46 00, SS:[esp] none', () => {
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: BX, segment: ES } }, C16)).to.equal('26 8b 07');
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: BX, segment: DS } }, C16)).to.equal('8b 07');
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: BP, segment: SS } }, C16)).to.equal('8b 46 00');
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: BP, segment: DS } }, C16)).to.equal('3e 8b 46 00');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: ESP, segment: SS } }, C32)).to.equal('8b 04 24');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { index: EBP, segment: SS } }, C32), 'an EBP index does not make SS the default').to.equal('36 8b 04 2d 00 00 00 00');
    const prefixes = [[ES, 0x26], [CS, 0x2e], [SS, 0x36], [FS, 0x64], [GS, 0x65]] as const;
    for (const [seg, byte] of prefixes) expect(enc('Mov_r32_rm32', { reg: 0, mem: { base: EAX, segment: seg } }, C32)).to.equal(hex([byte, 0x8b, 0x00]));
  });

  it('prefix order as iced-x86 emits it: segment, F0, 66, 67: LOCK ADD word [bx], ax with FS in 32-bit code = 64 F0 66 67 01 07', () => {
    expect(enc('Add_rm16_r16', { reg: EAX, mem: { base: BX, segment: FS, addressSize: 16 }, prefixes: { lock: true } }, C32)).to.equal('64 f0 66 67 01 07');
  });

  it('REP (F3) and REPNE (F2) last, next to the opcode: REP MOVSD with FS:[si] in 32-bit code = 64 67 F3 A5; REPNE SCASB = F2 AE; REPE CMPSW (16-bit) = F3 A7', () => {
    expect(enc('Movsd_m32_m32', { mem: { segment: FS, addressSize: 16 }, prefixes: { rep: 'rep' } }, C32)).to.equal('64 67 f3 a5');
    expect(enc('Scasb_AL_m8', { prefixes: { rep: 'repne' } }, C32)).to.equal('f2 ae');
    expect(enc('Cmpsw_m16_m16', { prefixes: { rep: 'rep' } }, C16)).to.equal('f3 a7');
    expect(enc('Movsb_m8_m8', {}, C32)).to.equal('a4');
  });

  it('string operands: the source segment overridable (ES:LODSB = 26 AC), the DS default dropped, the destination ES only', () => {
    expect(enc('Lodsb_AL_m8', { mem: { segment: ES } }, C32)).to.equal('26 ac');
    expect(enc('Lodsb_AL_m8', { mem: { segment: DS } }, C32)).to.equal('ac');
    expect(enc('Stosb_m8_AL', { mem: { segment: ES } }, C32)).to.equal('aa');
    expect(enc('Outsb_DX_m8', { mem: { segment: CS, addressSize: 16 } }, C32)).to.equal('2e 67 6e');
  });

  it('the mandatory prefix of PAUSE is part of the form: F3 90; NOP is 90', () => {
    expect(enc('Pause', {}, C32)).to.equal('f3 90');
    expect(enc('Nopd', {}, C32)).to.equal('90');
    expect(enc('Nopw', {}, C32)).to.equal('66 90');
  });

  it('LOCK on a lockable form with memory: LOCK XADD [ebx], eax = F0 0F C1 03; XCHG takes it too', () => {
    expect(enc('Xadd_rm32_r32', { reg: EAX, mem: { base: EBX }, prefixes: { lock: true } }, C32)).to.equal('f0 0f c1 03');
    expect(enc('Xchg_rm8_r8', { reg: 0, mem: { base: EAX }, prefixes: { lock: true } }, C32)).to.equal('f0 86 00');
  });
});

describe('encoder: opcodes and immediates', () => {
  it('+r forms add the register to the opcode: PUSH EDI 57, BSWAP ECX 0F C9, MOV BH, 0x12 B7 12, XCHG ECX, EAX 91', () => {
    expect(enc('Push_r32', { reg: EDI }, C32)).to.equal('57');
    expect(enc('Bswap_r32', { reg: ECX }, C32)).to.equal('0f c9');
    expect(enc('Mov_r8_imm8', { reg: 7, imm: 0x12 }, C32)).to.equal('b7 12');
    expect(enc('Xchg_r32_EAX', { reg: ECX }, C32)).to.equal('91');
  });

  it('/digit forms put the extension in ModRM.reg: NOT ECX = F7 D1, SHL EAX, 1 = D1 E0, BT [eax], 3 = 0F BA 20 03', () => {
    expect(enc('Not_rm32', { rm: ECX }, C32)).to.equal('f7 d1');
    expect(enc('Shl_rm32_1', { rm: EAX }, C32)).to.equal('d1 e0');
    expect(enc('Bt_rm32_imm8', { mem: { base: EAX }, imm: 3 }, C32)).to.equal('0f ba 20 03');
  });

  it('alias encodings are their own forms: ADD r/m8, imm8 via 82 = 82 C0 01, TEST via F6 /1 = F6 C8 FF, SAL via D0 /6 = D0 F0', () => {
    expect(enc('Add_rm8_imm8_82', { rm: 0, imm: 1 }, C32)).to.equal('82 c0 01');
    expect(enc('Test_rm8_imm8_F6r1', { rm: 0, imm: 0xff }, C32)).to.equal('f6 c8 ff');
    expect(enc('Sal_rm8_1', { rm: 0 }, C32)).to.equal('d0 f0');
  });

  it('immediates in either spelling: imm8 0xff and -1 are FF; imm16 -1 is FF FF; imm32 0xffffffff and -1 are FF FF FF FF', () => {
    expect(enc('Add_AL_imm8', { imm: 0xff }, C32)).to.equal(enc('Add_AL_imm8', { imm: -1 }, C32));
    expect(enc('Add_AX_imm16', { imm: -1 }, C16)).to.equal('05 ff ff');
    expect(enc('Add_EAX_imm32', { imm: 0xffffffff }, C32)).to.equal('05 ff ff ff ff');
    expect(canonicalOperands('Add_EAX_imm32', { imm: 0xffffffff }, { code32: true })).to.deep.equal({ imm: -1 });
    expect(canonicalOperands('Add_AL_imm8', { imm: -1 }, { code32: true })).to.deep.equal({ imm: 0xff });
  });

  it('Ibs is the sign-extended value: ADD EAX, -1 via 83 = 83 C0 FF, and 0xffffffff is the same value; ADD AX, 0xff80 = 83 C0 80', () => {
    expect(enc('Add_rm32_imm8', { rm: EAX, imm: -1 }, C32)).to.equal('83 c0 ff');
    expect(enc('Add_rm32_imm8', { rm: EAX, imm: 0xffffffff }, C32)).to.equal('83 c0 ff');
    expect(enc('Add_rm16_imm8', { rm: EAX, imm: 0xff80 }, C16)).to.equal('83 c0 80');
    expect(canonicalOperands('Add_rm16_imm8', { rm: EAX, imm: 0xff80 }, { code32: false })).to.deep.equal({ rm: EAX, imm: -0x80 });
  });

  it('an immediate after the displacement: MOV dword [ebp+8], 0x12345678 = C7 45 08 78 56 34 12; IMUL ecx, [eax], 5 = 6B 08 05', () => {
    expect(enc('Mov_rm32_imm32', { mem: { base: EBP, disp: 8 }, imm: 0x12345678 }, C32)).to.equal('c7 45 08 78 56 34 12');
    expect(enc('Imul_r32_rm32_imm8', { reg: ECX, mem: { base: EAX }, imm: 5 }, C32)).to.equal('6b 08 05');
  });

  it('ENTER takes two immediates (size, level): C8 10 00 01; RET imm16: C2 08 00', () => {
    expect(enc('Enterd_imm16_imm8', { imm: 0x10, imm2: 1 }, C32)).to.equal('c8 10 00 01');
    expect(enc('Retnd_imm16', { imm: 8 }, C32)).to.equal('c2 08 00');
  });

  it('far pointers are offset then selector: JMP 0x8:0x12345678 = EA 78 56 34 12 08 00; CALL 0x10:0x1234 (16-bit) = 9A 34 12 10 00', () => {
    expect(enc('Jmp_ptr1632', { imm: 0x12345678, imm2: 8 }, C32)).to.equal('ea 78 56 34 12 08 00');
    expect(enc('Call_ptr1616', { imm: 0x1234, imm2: 0x10 }, C16)).to.equal('9a 34 12 10 00');
  });

  it('moffs: MOV EAX, [0x12345678] = A1 78 56 34 12; MOV AL, FS:[0x10] with 16-bit addressing in 32-bit code = 64 67 A0 10 00', () => {
    expect(enc('Mov_EAX_moffs32', { mem: { disp: 0x12345678 } }, C32)).to.equal('a1 78 56 34 12');
    expect(enc('Mov_AL_moffs8', { mem: { disp: 0x10, segment: FS, addressSize: 16 } }, C32)).to.equal('64 67 a0 10 00');
  });

  it('LEA takes no segment prefix, since none applies to an address: LEA EAX, FS:[ebx] = 8D 03', () => {
    expect(enc('Lea_r32_m', { reg: EAX, mem: { base: EBX, segment: FS } }, C32)).to.equal('8d 03');
  });
});

describe('encoder: branches', () => {
  it('a target becomes rel from the end of the instruction: JNE 0x1010 at 0x1000 = 75 0E; JNE 0x1000 at 0x1000 = 75 FE', () => {
    expect(enc('Jne_rel8_32', { target: 0x1010 }, C32, undefined, 0x1000)).to.equal('75 0e');
    expect(enc('Jne_rel8_32', { target: 0x1000 }, C32, undefined, 0x1000)).to.equal('75 fe');
  });

  it('rel16/rel32 with the 0F form: JNE 0x1234 at 0x1000 (32-bit) = 0F 85 2E 02 00 00; CALL 0x2000 at 0x1000 (16-bit) = E8 FD 0F', () => {
    expect(enc('Jne_rel32_32', { target: 0x1234 }, C32, undefined, 0x1000)).to.equal('0f 85 2e 02 00 00');
    expect(enc('Call_rel16', { target: 0x2000 }, C16, undefined, 0x1000)).to.equal('e8 fd 0f');
  });

  it('16-bit targets wrap at 64 KiB: JMP 0x0010 at 0xfff0 (16-bit) = EB 1E; a 16-bit JMP in 32-bit code counts the 66 prefix', () => {
    expect(enc('Jmp_rel8_16', { target: 0x0010 }, C16, undefined, 0xfff0)).to.equal('eb 1e');
    expect(enc('Jmp_rel16', { target: 0x1000 }, C32, undefined, 0x1000)).to.equal('66 e9 fc ff');
  });

  it('rel given directly, in either spelling: JMP rel8 -2 = EB FE, 0xfe the same; canonical rel is signed', () => {
    expect(enc('Jmp_rel8_32', { rel: -2 }, C32)).to.equal('eb fe');
    expect(enc('Jmp_rel8_32', { rel: 0xfe }, C32)).to.equal('eb fe');
    expect(canonicalOperands('Jmp_rel8_32', { rel: 0xfe }, { code32: true })).to.deep.equal({ rel: -2 });
    expect(canonicalOperands('Jmp_rel8_32', { target: 0x20 }, { code32: true, eip: 0x10 })).to.deep.equal({ rel: 0x0e });
  });
});

describe('encoder: operands whose bytes belong to another form', () => {
  it('XCHG EAX, EAX cannot use 90+r: 90 is NOP (SDM XCHG)', () => {
    expect(() => encode('Xchg_r32_EAX', { reg: EAX }, { code32: true })).to.throw(EncodeError, /^Xchg_r32_EAX: these operands encode as 90, which the table assigns to Nopd$/);
  });

  it('a memory NOP Ev, Gv at 0F 18 with ModRM.reg 1 is PREFETCHT0; with a register it is the reserved NOP', () => {
    expect(() => encode('Reservednop_rm32_r32_0F18', { reg: 1, mem: { base: EAX } }, { code32: true })).to.throw(EncodeError, /which the table assigns to Prefetcht0_m8/);
    expect(enc('Reservednop_rm32_r32_0F18', { reg: 1, rm: EAX }, C32)).to.equal('0f 18 c8');
  });

  it('the unchecked variant returns the bytes anyway, and the decoder reads them as the other form', () => {
    const bytes = encode('Xchg_r32_EAX', { reg: EAX }, { code32: true }, { unchecked: true });
    expect(hex(bytes)).to.equal('90');
    expect((FORMS[decodeBytes(bytes, { code32: true, model: MODERN }).form] as FormRecord).id).to.equal('Nopd');
  });
});

describe('encoder: errors name the form and the problem on one line', () => {
  const cases: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
    ['unknown form id', () => encode('Add_r32_bogus', {}, { code32: true }), /^unknown form id 'Add_r32_bogus'$/],
    ['the INVALID pseudo-form', () => encode('INVALID', {}, { code32: true }), /^INVALID: the INVALID pseudo-form has no encoding$/],
    ['a missing register', () => encode('Add_rm32_r32', { rm: 0 }, { code32: true }), /^Add_rm32_r32: missing reg$/],
    ['a missing r/m operand', () => encode('Add_rm32_r32', { reg: 0 }, { code32: true }), /^Add_rm32_r32: missing rm$/],
    ['a surplus immediate', () => encode('Add_rm32_r32', { reg: 0, rm: 1, imm: 5 }, { code32: true }), /^Add_rm32_r32: 'imm' given, but the form has no such immediate \(operands Ev, Gv\)$/],
    ['a surplus register', () => encode('Cbw', { reg: 1 }, { code32: true }), /^Cbw: 'reg' given, but the form has no register operand to put it in \(no operands\)$/],
    ['a surplus memory operand', () => encode('Add_AL_imm8', { imm: 1, mem: {} }, { code32: true }), /^Add_AL_imm8: 'mem' given, but the form has no memory operand/],
    ['a surplus branch', () => encode('Nopd', { rel: 1 }, { code32: true }), /^Nopd: a branch 'rel'\/'target' given, but the form has no J operand/],
    ['both rm and mem', () => encode('Add_rm32_r32', { reg: 0, rm: 1, mem: { base: 0 } }, { code32: true }), /^Add_rm32_r32: both 'rm' and 'mem' given for Ev$/],
    ['a register where memory is required (LEA)', () => encode('Lea_r32_m', { reg: 0, rm: 1 }, { code32: true }), /^Lea_r32_m: M must be memory \(mod = 3 is #UD\), give 'mem'$/],
    ['a register where memory is required (CMPXCHG8B)', () => encode('Cmpxchg8b_m64', { rm: 1 }, { code32: true }), /^Cmpxchg8b_m64: Mq must be memory/],
    ['a register number out of range', () => encode('Add_rm32_r32', { reg: 8, rm: 0 }, { code32: true }), /^Add_rm32_r32: reg 8 does not fit Gv \(0-7\)$/],
    ['segment register 6', () => encode('Mov_Sreg_rm16', { reg: 6, rm: 0 }, { code32: false }), /^Mov_Sreg_rm16: reg 6 does not fit segment register \(0-5: es cs ss ds fs gs\)$/],
    ['CR5, which does not exist (SDM MOV CR: #UD)', () => encode('Mov_r32_cr', { reg: 5, rm: 0 }, { code32: true }), /^Mov_r32_cr: Cd register 5 does not exist \(#UD\); the record allows 0, 2, 3, 4$/],
    ['CR1 as a MOV CR destination', () => encode('Mov_cr_r32', { reg: 1, rm: 0 }, { code32: false }), /^Mov_cr_r32: Cd register 1 does not exist \(#UD\); the record allows 0, 2, 3, 4$/],
    ['memory for MOV CR (mod is ignored: always a register)', () => encode('Mov_r32_cr', { reg: 0, mem: { base: EAX } }, { code32: true }), /^Mov_r32_cr: Rd must be a register \(mod = 3\), not memory$/],
    ['a segment override 7', () => encode('Mov_r32_rm32', { reg: 0, mem: { base: 0, segment: 7 } }, { code32: true }), /^Mov_r32_rm32: segment 7 does not exist \(0-5: es cs ss ds fs gs\)$/],
    ['ESP as an index', () => encode('Mov_r32_rm32', { reg: 0, mem: { base: 0, index: ESP } }, { code32: true }), /^Mov_r32_rm32: esp cannot be an index register/],
    ['a scale without an index', () => encode('Mov_r32_rm32', { reg: 0, mem: { base: 0, scale: 4 } }, { code32: true }), /^Mov_r32_rm32: scale 4 without an index register$/],
    ['scale 3', () => encode('Mov_r32_rm32', { reg: 0, mem: { base: 0, index: 1, scale: 3 as 1 } }, { code32: true }), /^Mov_r32_rm32: scale 3 is not 1, 2, 4 or 8$/],
    ['CX in 16-bit addressing', () => encode('Mov_r16_rm16', { reg: 0, mem: { base: ECX } }, { code32: false }), /^Mov_r16_rm16: cx cannot address memory with 16-bit addressing \(only bx bp si di\)$/],
    ['[bx+bp] in 16-bit addressing', () => encode('Mov_r16_rm16', { reg: 0, mem: { base: BX, index: BP } }, { code32: false }), /^Mov_r16_rm16: \[bx\+bp\] is not a 16-bit addressing form/],
    ['a scaled index in 16-bit addressing', () => encode('Mov_r16_rm16', { reg: 0, mem: { base: BX, index: SI, scale: 2 } }, { code32: false }), /^Mov_r16_rm16: 16-bit addressing has no scaled index \(scale 2\)$/],
    ['a 16-bit displacement too large', () => encode('Mov_r16_rm16', { reg: 0, mem: { base: BX, disp: 0x10000 } }, { code32: false }), /^Mov_r16_rm16: disp 0x10000 does not fit 16-bit addressing/],
    ['a 32-bit displacement too large', () => encode('Mov_r32_rm32', { reg: 0, mem: { disp: 2 ** 32 } }, { code32: true }), /^Mov_r32_rm32: disp 0x100000000 does not fit 32-bit addressing$/],
    ['address size 64', () => encode('Mov_r32_rm32', { reg: 0, mem: { base: 0, addressSize: 64 as 32 } }, { code32: true }), /^Mov_r32_rm32: address size 64 is not 16 or 32$/],
    ['imm8 256', () => encode('Add_AL_imm8', { imm: 256 }, { code32: true }), /^Add_AL_imm8: imm 0x100 does not fit Ib \(8 bits\)$/],
    ['imm8 -129', () => encode('Add_AL_imm8', { imm: -129 }, { code32: true }), /^Add_AL_imm8: imm -0x81 does not fit Ib/],
    ['Ibs 0x80', () => encode('Add_rm32_imm8', { rm: 0, imm: 0x80 }, { code32: true }), /^Add_rm32_imm8: imm 0x80 does not fit Ibs \(an imm8 sign-extended to 32 bits: -128\.\.127\)$/],
    ['imm16 0x10000 in a 16-bit Iz', () => encode('Add_AX_imm16', { imm: 0x10000 }, { code32: true }), /^Add_AX_imm16: imm 0x10000 does not fit Iz \(16 bits\)$/],
    ['a fractional immediate', () => encode('Add_AL_imm8', { imm: 1.5 }, { code32: true }), /^Add_AL_imm8: imm 1\.5 does not fit Ib/],
    ['a missing immediate', () => encode('Add_AL_imm8', {}, { code32: true }), /^Add_AL_imm8: missing imm$/],
    ['a missing branch', () => encode('Jmp_rel8_32', {}, { code32: true }), /^Jmp_rel8_32: missing 'rel' or 'target' for Jb$/],
    ['rel8 out of range', () => encode('Jmp_rel8_32', { rel: 0x100 }, { code32: true }), /^Jmp_rel8_32: rel 0x100 does not fit Jb \(rel8: -128\.\.127\)$/],
    ['a target out of rel8 reach', () => encode('Jne_rel8_32', { target: 0x2000 }, { code32: true, eip: 0x1000 }), /^Jne_rel8_32: target 0x2000 is 0xffe from the next instruction at 0x1002; rel8 reaches -0x80\.\.0x7f$/],
    ['a target past a 16-bit operand size', () => encode('Jmp_rel16', { target: 0x10000 }, { code32: false }), /^Jmp_rel16: target 0x10000 does not fit a 16-bit operand size \(0\.\.0xffff\)$/],
    ['rel and target disagreeing', () => encode('Jmp_rel8_32', { rel: 0, target: 0x10 }, { code32: true }), /^Jmp_rel8_32: rel 0 and target 0x10 disagree \(the target needs 0xe\)$/],
    ['LOCK with a register destination', () => encode('Add_rm32_r32', { reg: 0, rm: 1, prefixes: { lock: true } }, { code32: true }), /^Add_rm32_r32: LOCK needs a lockable form with a memory operand \(#UD otherwise, SDM Vol\. 2A, LOCK\)$/],
    ['LOCK on CMP', () => encode('Cmp_rm32_r32', { reg: 0, mem: { base: 0 }, prefixes: { lock: true } }, { code32: true }), /^Cmp_rm32_r32: LOCK needs a lockable form/],
    ['REP on ADD', () => encode('Add_rm32_r32', { reg: 0, rm: 1, prefixes: { rep: 'rep' } }, { code32: true }), /^Add_rm32_r32: a rep prefix on a form without REP semantics$/],
    ['a bogus REP kind', () => encode('Movsb_m8_m8', { prefixes: { rep: 'repz' as 'rep' } }, { code32: true }), /^Movsb_m8_m8: rep prefix 'repz' is not 'rep' or 'repne'$/],
    ['an override on ES:[edi]', () => encode('Stosb_m8_AL', { mem: { segment: FS } }, { code32: true }), /^Stosb_m8_AL: the destination es:\[edi\] cannot take a fs override$/],
    ['a register in a string operand', () => encode('Lodsb_AL_m8', { mem: { base: ESI } }, { code32: true }), /^Lodsb_AL_m8: operand Xb takes no base or index register$/],
    ['a displacement in a string operand', () => encode('Lodsb_AL_m8', { mem: { disp: 4 } }, { code32: true }), /^Lodsb_AL_m8: string operand Xb takes no displacement$/],
    ['a register in a moffs', () => encode('Mov_EAX_moffs32', { mem: { base: EBX } }, { code32: true }), /^Mov_EAX_moffs32: operand Ov takes no base or index register$/],
    ['an address size against the form\'s', () => encode('Xlat_m8', { mem: { addressSize: 16 } }, { code32: true }), /^Xlat_m8: 'mem' given, but the form has no memory operand \(no operands\)$/],
    ['more than 15 bytes', () => encode('Add_rm32_imm32', { mem: { base: EAX, index: EBX, scale: 4, disp: 0x12345678, segment: FS, addressSize: 32 }, imm: 0x12345678, prefixes: { lock: true } }, { code32: false }, { repeatPrefixes: true }),
      /^Add_rm32_imm32: the encoding is 19 bytes; the limit is 15 \(SDM Vol\. 2A, 2\.3\.11\)$/],
  ];
  for (const [what, fn, message] of cases) {
    it(`${what}: ${message.source.replace(/\\/g, '').slice(1, 90)}`, () => {
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(error, 'an EncodeError').to.be.instanceOf(EncodeError);
      const text = (error as Error).message;
      expect(text).to.match(message);
      expect(text, 'one line').to.not.include('\n');
    });
  }

  it('the longest canonical instruction fits exactly: LOCK ADD dword FS:[eax+ebx*4+disp32], imm32 in 16-bit code is 15 bytes', () => {
    const bytes = encode('Add_rm32_imm32', { mem: { base: EAX, index: EBX, scale: 4, disp: 0x12345678, segment: FS, addressSize: 32 }, imm: 0x12345678, prefixes: { lock: true } }, { code32: false });
    expect(hex(bytes)).to.equal('64 f0 66 67 81 84 98 78 56 34 12 78 56 34 12');
  });
});

describe('encoder: the system group (SDM MOV CR/DR, VMCALL, Appendix A operand notation)', () => {
  it('MOV CRn/DRn always take mod = 11b, the value the hardware assumes: MOV EAX, CR3 = 0F 20 D8; MOV CR4, EDX = 0F 22 E2; MOV DR7, ECX (16-bit) = 0F 23 F9', () => {
    expect(enc('Mov_r32_cr', { reg: 3, rm: EAX }, true)).to.equal('0f 20 d8');
    expect(enc('Mov_cr_r32', { reg: 4, rm: EDX }, true)).to.equal('0f 22 e2');
    expect(enc('Mov_dr_r32', { reg: 7, rm: ECX }, false)).to.equal('0f 23 f9');
  });

  it('the operand size does not show on MOV CRn (no 66 in 16-bit code), and CR0 CR2 CR3 CR4 are all encodable', () => {
    for (const reg of [0, 2, 3, 4]) expect(enc('Mov_r32_cr', { reg, rm: 0 }, false)).to.equal(`0f 20 ${(0xc0 | (reg << 3)).toString(16)}`);
  });

  it('VMCALL and VMMCALL are their fixed ModRM bytes: 0F 01 C1, 0F 01 D9, with no prefix in either code size', () => {
    for (const code32 of [false, true]) {
      expect(enc('Vmcall', {}, code32)).to.equal('0f 01 c1');
      expect(enc('Vmmcall', {}, code32)).to.equal('0f 01 d9');
    }
  });

  it('Rv/Mw (SLDT): a register of the operand size or a 16-bit memory operand; Ew (LLDT) the same bytes under either record: SLDT EAX = 0F 00 C0, 66 0F 00 C0 in 16-bit code, SLDT [ebx] = 0F 00 03', () => {
    expect(enc('Sldt_r32m16', { rm: EAX }, true)).to.equal('0f 00 c0');
    expect(enc('Sldt_r32m16', { rm: EAX }, false)).to.equal('66 0f 00 c0');
    expect(enc('Sldt_r32m16', { mem: { base: EBX } }, true)).to.equal('0f 00 03');
    expect(enc('Lldt_rm16', { rm: ECX }, false)).to.equal('0f 00 d1');
    expect(enc('Lldt_r32m16', { rm: ECX }, false)).to.equal('66 0f 00 d1');
  });

  it('SGDT and LGDT are memory only (Ms): a register operand is refused', () => {
    expect(() => enc('Sgdt_m1632', { rm: 0 }, true)).to.throw(EncodeError, /^Sgdt_m1632: Ms must be memory/);
  });

  it('decodedOperands of MOV CRn read with mod != 11b give the register, and re-encode to mod 11b: 0F 20 04 -> 0F 20 C4, 16-bit 0F 22 86 -> 0F 22 C6', () => {
    for (const [code32, input, canonical] of [[true, '0f 20 04', '0f 20 c4'], [false, '0f 22 86', '0f 22 c6']] as const) {
      const insn = decodeBytes(fromHex(input), { code32, model: MODERN });
      expect(decodedOperands(insn), input).to.deep.equal({ reg: 0, rm: input.endsWith('04') ? 4 : 6 });
      expect(hex(encode(FORMS[insn.form] as FormRecord, decodedOperands(insn), { code32 })), input).to.equal(canonical);
    }
  });
});

describe('encoder: non-canonical variants (for round-trip inputs)', () => {
  const ops: EncodeOperands = { reg: 0, mem: { base: EBX } };
  it('wideDisp: [ebx] with a disp32 of 0 = 8B 83 00 00 00 00; 16-bit [bx] with a disp16 = 8B 87 00 00', () => {
    expect(enc('Mov_r32_rm32', ops, C32, { wideDisp: true })).to.equal('8b 83 00 00 00 00');
    expect(enc('Mov_r16_rm16', { reg: 0, mem: { base: BX } }, C16, { wideDisp: true })).to.equal('8b 87 00 00');
  });
  it('sib: [ebx] through a SIB with no index = 8B 04 23; [disp32] through SIB base 101 = 8B 04 25 ...', () => {
    expect(enc('Mov_r32_rm32', ops, C32, { sib: true })).to.equal('8b 04 23');
    expect(enc('Mov_r32_rm32', { reg: 0, mem: { disp: 0x10 } }, C32, { sib: true })).to.equal('8b 04 25 10 00 00 00');
  });
  it('explicitSegment: DS spelled out = 3E 8B 03; repeatPrefixes: 3E 3E 8B 03', () => {
    expect(enc('Mov_r32_rm32', ops, C32, { explicitSegment: true })).to.equal('3e 8b 03');
    expect(enc('Mov_r32_rm32', ops, C32, { explicitSegment: true, repeatPrefixes: true })).to.equal('3e 3e 8b 03');
  });
  it('each variant decodes to the canonical operands again', () => {
    for (const variant of [{ wideDisp: true }, { sib: true }, { explicitSegment: true }, { repeatPrefixes: true, explicitSegment: true }]) {
      const bytes = encode('Mov_r32_rm32', ops, { code32: true }, variant);
      expect(decodedOperands(decodeBytes(bytes, { code32: true, model: MODERN })), hex(bytes)).to.deep.equal(canonicalOperands('Mov_r32_rm32', ops, { code32: true }));
    }
  });
});

describe('encoder: decodedOperands', () => {
  const d = (text: string, code32: boolean): EncodeOperands => decodedOperands(decodeBytes(fromHex(text), { code32, model: MODERN }, 0x1000));

  it('register and memory operands in canonical shape: 01 44 B3 F8', () => {
    expect(d('01 44 b3 f8', true)).to.deep.equal({ reg: EAX, mem: { base: EBX, index: ESI, scale: 4, disp: -8, addressSize: 32 } });
    expect(d('01 c8', true)).to.deep.equal({ reg: ECX, rm: EAX });
  });

  it('a 16-bit displacement is 0..0xffff whether it was a disp8 or a disp16: [bx-1] as 8B 47 FF and 8B 87 FF FF', () => {
    expect(d('8b 47 ff', false)).to.deep.equal({ reg: 0, mem: { base: BX, disp: 0xffff, addressSize: 16 } });
    expect(d('8b 87 ff ff', false)).to.deep.equal({ reg: 0, mem: { base: BX, disp: 0xffff, addressSize: 16 } });
  });

  it('drops prefixes that change nothing: DS on [eax], F3 on ADD, a 2E branch hint, ES on STOS, FS on LEA', () => {
    expect(d('3e 8b 00', true)).to.deep.equal({ reg: 0, mem: { base: EAX, disp: 0, addressSize: 32 } });
    expect(d('f3 01 c8', true)).to.deep.equal({ reg: ECX, rm: EAX });
    expect(d('2e 74 00', true)).to.deep.equal({ rel: 0 });
    expect(d('26 aa', true)).to.deep.equal({ mem: { addressSize: 32 } });
    expect(d('64 8d 00', true)).to.deep.equal({ reg: 0, mem: { base: EAX, disp: 0, addressSize: 32 } });
  });

  it('keeps LOCK, REP/REPNE, overrides and the address size of string operands: F0 01 00, 64 67 F2 A4', () => {
    expect(d('f0 01 00', true)).to.deep.equal({ reg: 0, mem: { base: EAX, disp: 0, addressSize: 32 }, prefixes: { lock: true } });
    expect(d('64 67 f2 a4', true)).to.deep.equal({ mem: { addressSize: 16, segment: FS }, prefixes: { rep: 'repne' } });
  });

  it('immediates, far pointers and branches in canonical form: 83 C0 FF, EA ..., E9 (rel32), 66 E9 (rel16)', () => {
    expect(d('83 c0 ff', true)).to.deep.equal({ rm: EAX, imm: -1 });
    expect(d('05 ff ff ff ff', true)).to.deep.equal({ imm: -1 });
    expect(d('ea 78 56 34 12 08 00', true)).to.deep.equal({ imm: 0x12345678, imm2: 8 });
    expect(d('e9 fb ff ff ff', true)).to.deep.equal({ rel: -5 });
    expect(d('66 e9 fc ff', true)).to.deep.equal({ rel: -4 });
    expect(d('c8 10 00 01', true)).to.deep.equal({ imm: 0x10, imm2: 1 });
  });

  it('PAUSE\'s mandatory F3 is the form, not a REP', () => {
    expect(d('f3 90', true)).to.deep.equal({});
  });

  it('INVALID has no operands: an EncodeError', () => {
    expect(() => d('fe f0', true)).to.throw(EncodeError, /^INVALID: an undecodable or unmodelled instruction has no operands to encode$/);
  });

  it('encode(decodedOperands(decode(bytes))) is the canonical encoding of non-canonical bytes', () => {
    const cases: ReadonlyArray<readonly [boolean, string, string]> = [
      [true, '8b 04 20', '8b 00'],
      [true, '8b 80 00 00 00 00', '8b 00'],
      [true, '3e 3e 8b 45 00', '3e 8b 45 00'],
      [false, '8b 86 00 00', '8b 46 00'],
      [true, '66 66 01 c8', '66 01 c8'],
      [true, '2e 74 00', '74 00'],
    ];
    for (const [code32, input, canonical] of cases) {
      const insn = decodeBytes(fromHex(input), { code32, model: MODERN });
      const again = encode(FORMS[insn.form] as FormRecord, decodedOperands(insn), { code32 });
      expect(hex(again), input).to.equal(canonical);
    }
  });
});
