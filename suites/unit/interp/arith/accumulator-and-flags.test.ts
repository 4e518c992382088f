/**
 * CBW/CWDE (98), CWD/CDQ (99), LAHF (9F), SAHF (9E), SALC (D6), and the flag instructions CMC
 * (F5), CLC (F8), STC (F9), CLI (FA), STI (FB), CLD (FC), STD (FD).
 *
 * Oracle: the SDM pseudo-code (Vol. 2A CBW CWD CLC CLD CLI CMC LAHF; Vol. 2B SAHF STC STD STI):
 * LAHF packs SF ZF 0 AF 0 PF 1 CF into AH and SAHF stores them back leaving OF; CLI/STI change
 * IF only when CPL <= IOPL in protected mode, else #GP(0). SALC (undocumented) follows iced-x86
 * and QEMU: AL := CF ? FFH : 00H.
 *
 * Left out: virtual-8086 mode CLI/STI (VME/PVI is not modelled, and fault delivery out of V86
 * is not yet); the one-instruction interrupt shadow after STI (no external interrupts yet).
 */

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import { getFlags } from '../../../../reference-emulator/index.ts';
import { ALL_STATUS, runFlat32 } from './support.ts';

describe('CBW/CWDE (98), CWD/CDQ (99)', () => {
  it('CBW (98): AL=0x80 -> AX=0xff80', () => {
    given({ regs: { ax: 0x1280 } }).code([0x98]).run().expectHalted().expectRegs({ ax: 0xff80 });
  });
  it('CBW (98): AL=0x7f -> AX=0x007f', () => {
    given({ regs: { ax: 0xff7f } }).code([0x98]).run().expectHalted().expectRegs({ ax: 0x007f });
  });
  it('CBW in 32-bit code (66 98): AL=0xff -> AX=0xffff, EAX[31:16] kept', () => {
    given({ mode: 'prot32', regs: { eax: 0x123400ff } }).code([0x66, 0x98]).run().expectHalted().expectRegs({ eax: 0x1234ffff });
  });
  it('CWDE (98, 32-bit code): AX=0x8000 -> EAX=0xffff8000', () => {
    given({ mode: 'prot32', regs: { eax: 0x12348000 } }).code([0x98]).run().expectHalted().expectRegs({ eax: 0xffff8000 });
  });
  it('CWDE (98, 32-bit code): AX=0x7fff -> EAX=0x00007fff', () => {
    given({ mode: 'prot32', regs: { eax: 0xffff7fff } }).code([0x98]).run().expectHalted().expectRegs({ eax: 0x00007fff });
  });
  it('CWDE in real mode (66 98): AX=0xfffe -> EAX=0xfffffffe', () => {
    given({ regs: { eax: 0x0000fffe } }).code([0x66, 0x98]).run().expectHalted().expectRegs({ eax: 0xfffffffe });
  });
  it('CWD (99): AX=0x8000 -> DX=0xffff', () => {
    given({ regs: { ax: 0x8000, dx: 0x1234 } }).code([0x99]).run().expectHalted().expectRegs({ ax: 0x8000, dx: 0xffff });
  });
  it('CWD (99): AX=0x7fff -> DX=0x0000', () => {
    given({ regs: { ax: 0x7fff, dx: 0x1234 } }).code([0x99]).run().expectHalted().expectRegs({ dx: 0x0000 });
  });
  it('CDQ (99, 32-bit code): EAX=0x80000000 -> EDX=0xffffffff', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, edx: 0x1234 } }).code([0x99]).run().expectHalted().expectRegs({ edx: 0xffffffff });
  });
  it('CDQ (99, 32-bit code): EAX=0x7fffffff -> EDX=0x00000000', () => {
    given({ mode: 'prot32', regs: { eax: 0x7fffffff, edx: 0x1234 } }).code([0x99]).run().expectHalted().expectRegs({ edx: 0 });
  });
  it('CDQ in real mode (66 99): EAX=0xffffffff -> EDX=0xffffffff', () => {
    given({ regs: { eax: 0xffffffff, edx: 0 } }).code([0x66, 0x99]).run().expectHalted().expectRegs({ edx: 0xffffffff });
  });
  it('CBW/CWD leave the flags: EFLAGS 0x08d7 unchanged', () => {
    given({ flags: ALL_STATUS, regs: { ax: 0x80 } }).code([0x98, 0x99]).run().expectHalted().expectFlags({ of: 1, sf: 1, zf: 1, af: 1, pf: 1, cf: 1 });
  });
});

describe('LAHF (9F), SAHF (9E)', () => {
  it('LAHF: EFLAGS 0x08d7 -> AH=0xd7 (OF is not in AH)', () => {
    given({ flags: ALL_STATUS, regs: { ax: 0x0011 } }).code([0x9f]).run().expectHalted().expectRegs({ ax: 0xd711 });
  });
  it('LAHF: EFLAGS 0x0002 -> AH=0x02 (bit 1 reads as 1)', () => {
    given({ regs: { ax: 0xff11 } }).code([0x9f]).run().expectHalted().expectRegs({ ax: 0x0211 });
  });
  it('LAHF after ADD AL,0x01 with AL=0xff (04 01 9F): AH=0x57 (ZF AF PF CF from the pending result)', () => {
    given({ regs: { al: 0xff } }).code([0x04, 0x01, 0x9f]).run().expectHalted().expectRegs({ ah: 0x57, al: 0x00 });
  });
  it('SAHF: AH=0xff sets SF ZF AF PF CF, keeps OF=0, bits 3 and 5 stay 0', () => {
    const o = given({ regs: { ah: 0xff } }).code([0x9e]).run().expectHalted().expectFlags({ sf: 1, zf: 1, af: 1, pf: 1, cf: 1, of: 0 });
    expect(getFlags(o.machine.cpu) & 0x2a, 'EFLAGS bits 1, 3, 5').to.equal(0x02);
  });
  it('SAHF: AH=0x00 clears SF ZF AF PF CF, keeps OF=1', () => {
    given({ flags: ALL_STATUS, regs: { ah: 0x00 } }).code([0x9e]).run().expectHalted().expectFlags({ sf: 0, zf: 0, af: 0, pf: 0, cf: 0, of: 1 });
  });
  it('SAHF after SUB (pending OF): 0x80-0x01 then AH=0x01 -> OF stays 1, CF=1, ZF=0', () => {
    given({ regs: { al: 0x80, bl: 0x01, ah: 0x01 } })
      .code([0x28, 0xd8, 0x9e])
      .run()
      .expectHalted()
      .expectFlags({ of: 1, cf: 1, zf: 0, sf: 0, af: 0, pf: 0 });
  });
});

describe('SALC (D6, undocumented)', () => {
  it('SALC with CF=1: AL=0x12 -> 0xff, flags unchanged', () => {
    given({ flags: 0x3, regs: { ax: 0x3412 } }).code([0xd6]).run().expectHalted().expectRegs({ ax: 0x34ff }).expectFlags({ cf: 1, zf: 0 });
  });
  it('SALC with CF=0: AL=0x12 -> 0x00, flags unchanged', () => {
    given({ flags: 0x2, regs: { ax: 0x3412 } }).code([0xd6]).run().expectHalted().expectRegs({ ax: 0x3400 }).expectFlags({ cf: 0, zf: 0 });
  });
  it('SALC reads a pending carry: 0xff+0x01 then SALC (04 01 D6) -> AL=0xff', () => {
    given({ regs: { al: 0xff } }).code([0x04, 0x01, 0xd6]).run().expectHalted().expectRegs({ al: 0xff });
  });
  it('SALC runs on the 286 (CF=1 -> AL=0xff)', () => {
    given({ cpu: 'i286', flags: 0x3 }).code([0xd6]).run().expectHalted().expectRegs({ al: 0xff });
  });
});

describe('CLC (F8), STC (F9), CMC (F5)', () => {
  it('CLC: CF 1 -> 0, the other status flags stay set', () => {
    given({ flags: ALL_STATUS }).code([0xf8]).run().expectHalted().expectFlags({ cf: 0, of: 1, sf: 1, zf: 1, af: 1, pf: 1 });
  });
  it('STC: CF 0 -> 1, the other status flags stay clear', () => {
    given({ flags: 0x2 }).code([0xf9]).run().expectHalted().expectFlags({ cf: 1, of: 0, sf: 0, zf: 0, af: 0, pf: 0 });
  });
  it('CMC: CF 0 -> 1 -> 0 (F5 F5 with a check in between through SALC)', () => {
    given({ flags: 0x2 }).code([0xf5, 0xd6, 0xf5]).run().expectHalted().expectRegs({ al: 0xff }).expectFlags({ cf: 0 });
  });
  it('CMC complements a pending carry: 0xff+0x01 then CMC (04 01 F5) -> CF=0, ZF=1 kept', () => {
    given({ regs: { al: 0xff } }).code([0x04, 0x01, 0xf5]).run().expectHalted().expectFlags({ cf: 0, zf: 1, af: 1, pf: 1 });
  });
  it('CLC after ADD keeps the ADD result flags: 0x7f+0x01 then CLC -> OF=1 SF=1 CF=0', () => {
    given({ regs: { al: 0x7f } }).code([0x04, 0x01, 0xf8]).run().expectHalted().expectFlags({ cf: 0, of: 1, sf: 1 });
  });
});

describe('CLD (FC), STD (FD), CLI (FA), STI (FB)', () => {
  it('STD then CLD: DF 0 -> 1 -> 0', () => {
    given({ flags: 0x2 }).code([0xfd]).run().expectHalted().expectFlags({ df: 1 });
    given({ flags: 0x402 }).code([0xfc]).run().expectHalted().expectFlags({ df: 0 });
  });
  it('CLD/STD leave the status flags: EFLAGS 0x08d7 keeps OF SF ZF AF PF CF', () => {
    given({ flags: ALL_STATUS }).code([0xfd, 0xfc]).run().expectHalted().expectFlags({ of: 1, sf: 1, zf: 1, af: 1, pf: 1, cf: 1, df: 0 });
  });
  it('STI then CLI in real mode: IF 0 -> 1 -> 0', () => {
    given({ flags: 0x2 }).code([0xfb]).run().expectHalted().expectFlags({ if: 1 });
    given({ flags: 0x202 }).code([0xfa]).run().expectHalted().expectFlags({ if: 0 });
  });
  it('CLI at CPL 0 with IOPL 0 in protected mode clears IF (CPL <= IOPL)', () => {
    given({ mode: 'prot32', flags: 0x202 }).code([0xfa]).run().expectHalted().expectFlags({ if: 0 });
  });
  it('CLI at CPL 3 with IOPL 0 (EFLAGS 0x0202) raises #GP(0) at EIP 0x1000, IF stays 1', () => {
    const { machine, stop } = runFlat32([0xfa], 1, 3, 0x202);
    expect(stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(machine.cpu.eip, 'EIP').to.equal(0x1000);
    expect(getFlags(machine.cpu) & 0x200, 'IF').to.equal(0x200);
  });
  it('STI at CPL 3 with IOPL 2 (EFLAGS 0x2002) raises #GP(0) at EIP 0x1000, IF stays 0', () => {
    const { machine, stop } = runFlat32([0xfb], 1, 3, 0x2002);
    expect(stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(machine.cpu.eip, 'EIP').to.equal(0x1000);
    expect(getFlags(machine.cpu) & 0x200, 'IF').to.equal(0);
  });
  it('STI at CPL 3 with IOPL 3 (EFLAGS 0x3002) sets IF', () => {
    const { machine, stop } = runFlat32([0xfb], 1, 3, 0x3002);
    expect(stop.kind).to.equal('limit');
    expect(getFlags(machine.cpu) & 0x200, 'IF').to.equal(0x200);
  });
  it('CLI at CPL 1 with IOPL 1 (EFLAGS 0x1202) clears IF', () => {
    const { machine, stop } = runFlat32([0xfa], 1, 1, 0x1202);
    expect(stop.kind).to.equal('limit');
    expect(getFlags(machine.cpu) & 0x200, 'IF').to.equal(0);
  });
});
