/**
 * Unit tests of the data group, part 4: XCHG (86, 87, 90+r) and the NOP family (90, F3 90
 * PAUSE, 0F 1F /0 NOP Ev, the 0F 18-1F reserved-NOP and PREFETCHh hint space).
 *
 * Checks: exchanges in 8/16/32 bits with register and memory operands, LOCK accepted with a
 * memory operand and #UD with a register one (386 and later; the 286 ignores it), a faulting
 * exchange changing neither side, that the NOPs change nothing (registers, flags, memory) and
 * never fault even on an address past the limit, and which form a byte sequence decodes to
 * per CPU model (PAUSE is REP NOP before `modern`; the hint NOPs are #UD before the P6).
 * Oracle: the SDM Vol. 2B XCHG, NOP, PAUSE and PREFETCHh pages and Vol. 2D Table A-3, computed
 * by hand.
 * Leaves out: the bus lock itself (not observable in a single-processor model).
 */

import { expect } from 'chai';
import { cpuModel, decodeBytes, FORMS, type CpuModelName } from '../../../../reference-emulator/index.ts';
import { given } from '../../../support/given.ts';

const PUSHED_IP = 0xffea;
const ip = (value: number): number[] => [value & 0xff, value >> 8];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const hex = (bytes: number[]): string => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

function formId(bytes: number[], cpu: CpuModelName, code32 = false): string {
  return FORMS[decodeBytes(bytes, { code32, model: cpuModel(cpu) }).form]!.id;
}

describe('interp/data: XCHG r/m, r (86, 87)', () => {
  it('XCHG AL,AH (86 E0): AX 0x807f -> 0x7f80', () => {
    given({ regs: { ax: 0x807f } }).code([0x86, 0xe0]).run().expectRegs({ ax: 0x7f80 }).expectHalted();
  });

  it('XCHG AL,AL (86 C0): 0x80 unchanged', () => {
    given({ regs: { al: 0x80 } }).code([0x86, 0xc0]).run().expectRegs({ al: 0x80 }).expectHalted();
  });

  it('XCHG [BX],CL (86 0F): memory 0x01 <-> CL 0xff', () => {
    given({ regs: { bx: 0x2000, cl: 0xff }, mem: [[0x2000, [0x01]]] }).code([0x86, 0x0f]).run()
      .expectRegs({ cl: 0x01 }).expectMem(0x2000, [0xff]).expectHalted();
  });

  it('XCHG AX,BX (87 D8): 0x0000 <-> 0xffff, flags unchanged', () => {
    given({ regs: { ax: 0, bx: 0xffff }, flags: 0x0ad7 }).code([0x87, 0xd8]).run().expectRegs({ ax: 0xffff, bx: 0, flags: 0x0ad7 }).expectHalted();
  });

  it('XCHG [BX],AX (87 07): memory 0x8000 <-> AX 0x7fff', () => {
    given({ regs: { bx: 0x2000, ax: 0x7fff }, mem: [[0x2000, [0x00, 0x80]]] }).code([0x87, 0x07]).run()
      .expectRegs({ ax: 0x8000 }).expectMem(0x2000, [0xff, 0x7f]).expectHalted();
  });

  it('XCHG [BX],AX (87 07) at DS:0xFFFF raises #GP (13); AX and memory unchanged', () => {
    given({ regs: { bx: 0xffff, ax: 0x1234 }, mem: [[0xffff, [0x55]]] }).code([0x87, 0x07]).run()
      .expectException(13).expectRegs({ ax: 0x1234 }).expectMem(0xffff, [0x55]).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('XCHG [EBX],EAX (87 03, 32-bit): memory 0x80000000 <-> EAX 0x7fffffff', () => {
    given({ mode: 'prot32', regs: { ebx: 0x3000, eax: 0x7fffffff }, mem: [[0x3000, le32(0x80000000)]] }).code([0x87, 0x03]).run()
      .expectRegs({ eax: 0x80000000 }).expectMem(0x3000, le32(0x7fffffff)).expectHalted();
  });

  it('XCHG EAX,ECX (66 87 C8, real mode): 0xffffffff <-> 0x00000001', () => {
    given({ regs: { eax: 0xffffffff, ecx: 1 } }).code([0x66, 0x87, 0xc8]).run().expectRegs({ eax: 1, ecx: 0xffffffff }).expectHalted();
  });

  it('LOCK XCHG [BX],AX (F0 87 07) is accepted', () => {
    given({ regs: { bx: 0x2000, ax: 0x0001 } }).code([0xf0, 0x87, 0x07]).run().expectRegs({ ax: 0 }).expectMem(0x2000, [0x01, 0x00]).expectHalted();
  });

  it('LOCK XCHG AX,BX (F0 87 D8) with a register operand is #UD on the 386 and later', () => {
    given({ regs: { ax: 1, bx: 2 } }).code([0xf0, 0x87, 0xd8]).run().expectException(6).expectRegs({ ax: 1, bx: 2 }).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('LOCK XCHG AX,BX (F0 87 D8) on the 286, which ignores a misplaced LOCK: AX = 2, BX = 1', () => {
    given({ cpu: 'i286', regs: { ax: 1, bx: 2 } }).code([0xf0, 0x87, 0xd8]).run().expectRegs({ ax: 2, bx: 1 }).expectHalted();
  });
});

describe('interp/data: XCHG eAX, r (91-97)', () => {
  it('XCHG CX,AX (91): 0x8000 <-> 0x7fff, ECX upper half kept', () => {
    given({ regs: { eax: 0x11118000, ecx: 0x22227fff } }).code([0x91]).run().expectRegs({ eax: 0x11117fff, ecx: 0x22228000 }).expectHalted();
  });

  it('XCHG SP,AX (94): SP <- 0x1234, AX <- 0xFFF0', () => {
    given({ regs: { ax: 0x1234 } }).code([0x94]).run().expectRegs({ sp: 0x1234, ax: 0xfff0 }).expectHalted();
  });

  it('XCHG EDI,EAX (97, 32-bit): 0x80000000 <-> 0xffffffff', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, edi: 0xffffffff } }).code([0x97]).run().expectRegs({ eax: 0xffffffff, edi: 0x80000000 }).expectHalted();
  });

  it('XCHG EDX,EAX (66 92, real mode): 0x00000000 <-> 0x7fffffff', () => {
    given({ regs: { eax: 0, edx: 0x7fffffff } }).code([0x66, 0x92]).run().expectRegs({ eax: 0x7fffffff, edx: 0 }).expectHalted();
  });
});

describe('interp/data: NOP, PAUSE and the hint NOPs', () => {
  const regs = { eax: 0x80000000, ecx: 0x7fffffff, edx: 0xffffffff, ebx: 1, ebp: 0x8000, esi: 0xffff, edi: 0x7f };

  it('NOP (90) changes no register or flag: IP advances to the HLT at 0x1001', () => {
    given({ regs, flags: 0x0ad7 }).code([0x90]).run().expectRegs({ ...regs, flags: 0x0ad7, sp: 0xfff0, eip: 0x1002 }).expectHalted();
  });

  it('NOP (66 90, real mode) and NOP (90, 32-bit)', () => {
    given({ regs }).code([0x66, 0x90]).run().expectRegs(regs).expectHalted();
    given({ mode: 'prot32', regs }).code([0x90]).run().expectRegs(regs).expectHalted();
  });

  it('PAUSE (F3 90) is a no-op', () => {
    given({ regs, flags: 0x0002 }).code([0xf3, 0x90]).run().expectRegs({ ...regs, flags: 0x0002 }).expectHalted();
  });

  it('F3 90 decodes to Pause on modern and to Nopw (REP NOP) on the P6 and the 286', () => {
    expect(formId([0xf3, 0x90], 'modern')).to.equal('Pause');
    expect(formId([0xf3, 0x90], 'p6')).to.equal('Nopw');
    expect(formId([0xf3, 0x90], 'i286')).to.equal('Nopw');
    expect(formId([0x90], 'modern', true)).to.equal('Nopd');
    expect(formId([0x91], 'modern', true)).to.equal('Xchg_r32_EAX');
  });

  it('NOP [0xFFFF] (0F 1F 06 FF FF) on the P6 does not access memory, so does not fault', () => {
    given({ cpu: 'p6', regs }).code([0x0f, 0x1f, 0x06, 0xff, 0xff]).run().expectRegs(regs).expectHalted();
  });

  it('NOP [EAX+EAX*1+0] (0F 1F 44 00 00, 32-bit): the 5-byte NOP, EAX = 0x80000000', () => {
    given({ mode: 'prot32', regs }).code([0x0f, 0x1f, 0x44, 0x00, 0x00]).run().expectRegs(regs).expectHalted();
  });

  it('NOP word [EAX+EAX*1+0x00000000] (66 0F 1F 84 00 00 00 00 00, 32-bit): the 9-byte NOP', () => {
    given({ mode: 'prot32', regs }).code([0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00]).run().expectRegs({ ...regs, eip: 0x100a }).expectHalted();
  });

  it('NOP AX (0F 1F C0) and NOP EAX (0F 1F C0, 32-bit): register forms', () => {
    given({ regs }).code([0x0f, 0x1f, 0xc0]).run().expectRegs(regs).expectHalted();
    given({ mode: 'prot32', regs }).code([0x0f, 0x1f, 0xc0]).run().expectRegs(regs).expectHalted();
  });

  it('NOP Ev (0F 1F C0) is #UD on the Pentium, which predates the hint NOPs', () => {
    given({ cpu: 'pentium' }).code([0x0f, 0x1f, 0xc0]).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
  });

  for (const opcode of [0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f]) {
    const bytes = [0x0f, opcode, 0x26, 0xff, 0xff]; // ModRM 26: reg 4 (no PREFETCHh, no NOP /0), [0xFFFF]
    it(`reserved NOP ${hex(bytes)} is a no-op on the P6 (no fault at 0xFFFF) and #UD on the Pentium`, () => {
      given({ cpu: 'p6', regs, flags: 0x0ad7 }).code(bytes).run().expectRegs({ ...regs, flags: 0x0ad7 }).expectHalted();
      given({ cpu: 'p6', regs }).code([0x0f, opcode, 0xe1]).run().expectRegs(regs).expectHalted();
      given({ cpu: 'p6', regs }).code([0x66, 0x0f, opcode, 0xe1]).run().expectRegs(regs).expectHalted();
      given({ mode: 'prot32', cpu: 'p6', regs }).code([0x0f, opcode, 0x20]).run().expectRegs(regs).expectHalted();
      given({ cpu: 'pentium' }).code(bytes).run().expectException(6);
      expect(formId(bytes, 'p6')).to.equal(`Reservednop_rm16_r16_0F${opcode.toString(16).toUpperCase()}`);
      expect(formId([0x66, ...bytes], 'p6')).to.equal(`Reservednop_rm32_r32_0F${opcode.toString(16).toUpperCase()}`);
    });
  }

  const prefetches = ['Prefetchnta_m8', 'Prefetcht0_m8', 'Prefetcht1_m8', 'Prefetcht2_m8'];
  prefetches.forEach((id, reg) => {
    const bytes = [0x0f, 0x18, 0x06 | (reg << 3), 0xff, 0xff];
    it(`${id.replace('_m8', '').toUpperCase()} [0xFFFF] (${hex(bytes)}) decodes as ${id} and does not fault`, () => {
      expect(formId(bytes, 'p6')).to.equal(id);
      given({ cpu: 'p6', regs }).code(bytes).run().expectRegs(regs).expectHalted();
    });
  });

  it('0F 18 /0 with a register operand (0F 18 C0) is a reserved NOP, not a prefetch', () => {
    expect(formId([0x0f, 0x18, 0xc0], 'p6')).to.equal('Reservednop_rm16_r16_0F18');
    given({ cpu: 'p6', regs }).code([0x0f, 0x18, 0xc0]).run().expectRegs(regs).expectHalted();
  });
});
