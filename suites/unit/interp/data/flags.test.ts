/**
 * Unit tests of the data group, part 3: PUSHF/PUSHFD (9C) and POPF/POPFD (9D).
 *
 * Checks: the FLAGS image pushed (RF and VM pushed as 0; the 286's real-mode bits 12-15 as 0),
 * every status and control flag POPF loads, the write rules per mode and model (real mode: only
 * implemented bits, the 286 keeps 12-15 at 0, the 386 lets IOPL/NT change; AC from the 486, ID
 * only on CPUID parts; never RF, VM, VIP, VIF; RF cleared by POPFD), protected mode at CPL 0-3
 * (IOPL only at CPL 0, IF only at CPL <= IOPL, silently kept otherwise), virtual-8086 mode
 * (#GP(0) below IOPL 3 with SP unchanged; IOPL and VM kept at IOPL 3), and #SS for a stack word
 * at 0xFFFF.
 * Oracle: the SDM Vol. 2B POPF Operation section and PUSHF description, computed by hand; the
 * SingleStepTests 80286 corpus (9C, 9D) for the 286's real-mode bits 12-15.
 * Leaves out: CR4.VME (not modelled) and the single-step trap a POPF that sets TF arms.
 */

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import { RawRun } from '../../../support/raw-run.ts';

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const VM = 0x20000;

describe('interp/data: PUSHF / PUSHFD (9C)', () => {
  it('PUSHF (9C) pushes 0x0AD7: OF IF SF ZF AF PF CF and bit 1', () => {
    given({ flags: 0x0ad7 }).code([0x9c]).run().expectMem(0xffee, le16(0x0ad7)).expectRegs({ sp: 0xffee, flags: 0x0ad7 }).expectHalted();
  });

  it('PUSHF (9C) with every flag clear pushes 0x0002', () => {
    given({ flags: 0 }).code([0x9c]).run().expectMem(0xffee, le16(0x0002)).expectHalted();
  });

  it('PUSHF (9C) on the 286 in real mode pushes bits 12-15 as 0: FLAGS 0x7202 pushes 0x0202', () => {
    given({ cpu: 'i286', flags: 0x7202 }).code([0x9c]).run().expectMem(0xffee, le16(0x0202)).expectHalted();
  });

  it('PUSHF (9C) on the 386 in real mode pushes IOPL 3 and NT: 0x7202', () => {
    given({ cpu: 'i386', flags: 0x7202 }).code([0x9c]).run().expectMem(0xffee, le16(0x7202)).expectHalted();
  });

  it('PUSHFD (9C, 32-bit) pushes ID and AC but RF as 0: EFLAGS 0x00250202 pushes 0x00240202', () => {
    given({ mode: 'prot32', flags: 0x250202 }).code([0x9c]).run().expectMem(0x8fffc, le32(0x240202)).expectRegs({ esp: 0x8fffc }).expectHalted();
  });

  it('PUSHFD (66 9C, real mode on the 486) pushes AC: 0x00040046', () => {
    given({ cpu: 'i486', flags: 0x40046 }).code([0x66, 0x9c]).run().expectMem(0xffec, le32(0x40046)).expectRegs({ sp: 0xffec }).expectHalted();
  });

  it('PUSHF (9C) in virtual-8086 mode with IOPL 0 raises #GP(0); SP unchanged', () => {
    const run = new RawRun({ mode: 'v86', flags: 0x0202 }, [0x9c]);
    expect(run.step(1)).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(run.reg('sp')).to.equal(0xfff0);
  });

  it('PUSHF (9C) in virtual-8086 mode with IOPL 3 pushes the low word 0x3202', () => {
    const run = new RawRun({ mode: 'v86', flags: 0x3202 }, [0x9c]);
    expect(run.step(1).kind).to.equal('limit');
    expect(run.reg('sp')).to.equal(0xffee);
    expect(run.machine.mem.bytes[0xffee]).to.equal(0x02);
    expect(run.machine.mem.bytes[0xffef]).to.equal(0x32);
  });

  it('PUSHFD (66 9C) in virtual-8086 mode with IOPL 3 pushes VM as 0: 0x00003202', () => {
    const run = new RawRun({ mode: 'v86', flags: 0x3202, mem: [[0xffec, [0xaa, 0xaa, 0xaa, 0xaa]]] }, [0x66, 0x9c]);
    run.step(1);
    expect([...run.machine.mem.bytes.subarray(0xffec, 0xfff0)]).to.deep.equal(le32(0x3202));
  });
});

describe('interp/data: POPF / POPFD (9D) in real mode', () => {
  it('POPF (9D) loads 0x0ED5: CF PF AF ZF SF IF DF OF set, TF clear, SP = 0xFFF2', () => {
    given({ flags: 0x0002, mem: [[0xfff0, le16(0x0ed5)]] }).code([0x9d]).run()
      .expectFlags({ cf: 1, pf: 1, af: 1, zf: 1, sf: 1, tf: 0, if: 1, df: 1, of: 1 }).expectRegs({ flags: 0x0ed7, sp: 0xfff2 }).expectHalted();
  });

  it('POPF (9D) loads 0x0000: every flag clears, bit 1 stays set (0x0002)', () => {
    given({ flags: 0x0ed7, mem: [[0xfff0, le16(0)]] }).code([0x9d]).run()
      .expectFlags({ cf: 0, pf: 0, af: 0, zf: 0, sf: 0, if: 0, df: 0, of: 0 }).expectRegs({ flags: 0x0002 }).expectHalted();
  });

  it('POPF (9D) on the 286 keeps bits 12-15 at 0: popping 0xFEFF gives 0x0ED7 (SST 80286, 9D)', () => {
    given({ cpu: 'i286', mem: [[0xfff0, le16(0xfeff)]] }).code([0x9d]).run().expectRegs({ flags: 0x0ed7 }).expectHalted();
  });

  it('POPF (9D) on the 386 in real mode sets IOPL 3 and NT, not bit 15: 0xFEFF gives 0x7ED7', () => {
    given({ cpu: 'i386', mem: [[0xfff0, le16(0xfeff)]] }).code([0x9d]).run().expectRegs({ flags: 0x7ed7 }).expectHalted();
  });

  it('POPF (9D) leaves the upper half alone: AC stays set when 0x0000 is popped on the 486', () => {
    given({ cpu: 'i486', flags: 0x40002, mem: [[0xfff0, le16(0)]] }).code([0x9d]).run().expectRegs({ flags: 0x40002 }).expectHalted();
  });

  it('POPFD (66 9D) cannot set AC on the 386: popping 0x00040002 gives 0x00000002', () => {
    given({ cpu: 'i386', mem: [[0xfff0, le32(0x40002)]] }).code([0x66, 0x9d]).run().expectRegs({ flags: 0x2, sp: 0xfff4 }).expectHalted();
  });

  it('POPFD (66 9D) sets AC on the 486: popping 0x00040002 gives 0x00040002', () => {
    given({ cpu: 'i486', mem: [[0xfff0, le32(0x40002)]] }).code([0x66, 0x9d]).run().expectRegs({ flags: 0x40002 }).expectHalted();
  });

  it('POPFD (66 9D) cannot set ID on the 486 (no CPUID): popping 0x00200002 gives 0x00000002', () => {
    given({ cpu: 'i486', mem: [[0xfff0, le32(0x200002)]] }).code([0x66, 0x9d]).run().expectRegs({ flags: 0x2 }).expectHalted();
  });

  it('POPFD (66 9D) sets ID on the Pentium: popping 0x00200002 gives 0x00200002', () => {
    given({ cpu: 'pentium', mem: [[0xfff0, le32(0x200002)]] }).code([0x66, 0x9d]).run().expectRegs({ flags: 0x200002 }).expectHalted();
  });

  it('POPFD (66 9D) never sets RF, VM, VIF or VIP: popping 0x001B0002 gives 0x00000002', () => {
    given({ cpu: 'p6', mem: [[0xfff0, le32(0x1b0002)]] }).code([0x66, 0x9d]).run().expectRegs({ flags: 0x2 }).expectHalted();
  });

  it('POPF (9D) with SP = 0xFFFF raises #SS (12); FLAGS unchanged', () => {
    given({ flags: 0x0ad7, regs: { sp: 0xffff } }).code([0x9d]).run().expectException(12).expectMem(0xfffd, le16(0x0ad7));
  });

  it('POPF ends the decoded block (flow serialize): a following MOV still runs', () => {
    given({ mem: [[0xfff0, le16(0x0001)]] }).code([0x9d, 0xb0, 0x7f]).run().expectRegs({ al: 0x7f, flags: 0x0003 }).expectHalted();
  });
});

describe('interp/data: POPF / POPFD (9D) in protected mode', () => {
  it('POPFD (9D) at CPL 0 sets IOPL 3 and IF: popping 0x00003202', () => {
    given({ mode: 'prot32', mem: [[0x90000, le32(0x3202)]] }).code([0x9d]).run().expectRegs({ flags: 0x3202, esp: 0x90004 }).expectHalted();
  });

  it('POPFD (9D) at CPL 0 clears RF and keeps VIF and VIP (EFLAGS 0x00190002, popping 0)', () => {
    given({ mode: 'prot32', flags: 0x190002, mem: [[0x90000, le32(0)]] }).code([0x9d]).run().expectRegs({ flags: 0x180002 }).expectHalted();
  });

  it('POPF (66 9D, 32-bit code) at CPL 0 pops a word: ESP = 0x90002, AC kept', () => {
    given({ mode: 'prot32', flags: 0x40002, mem: [[0x90000, le32(0x0001)]] }).code([0x66, 0x9d]).run().expectRegs({ flags: 0x40003, esp: 0x90002 }).expectHalted();
  });

  it('POPFD (9D) at CPL 3, IOPL 0: CF changes, IOPL and IF are silently kept (0x3203 popped gives 0x0003)', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 3, flags: 0x0002, mem: [[0x90000, le32(0x3203)]] }, [0x9d]);
    expect(run.step(1).kind).to.equal('limit');
    expect(run.reg('flags')).to.equal(0x0003);
    expect(run.reg('esp')).to.equal(0x90004);
  });

  it('POPFD (9D) at CPL 3, IOPL 3: IF changes, IOPL is kept (0x0203 popped gives 0x3203)', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 3, flags: 0x3002, mem: [[0x90000, le32(0x0203)]] }, [0x9d]);
    run.step(1);
    expect(run.reg('flags')).to.equal(0x3203);
  });

  it('POPF (9D) at CPL 1, IOPL 2: IF changes since CPL <= IOPL (0x0200 popped gives 0x2202)', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 1, flags: 0x2002, mem: [[0x90000, le32(0x0200)]] }, [0x66, 0x9d]);
    run.step(1);
    expect(run.reg('flags')).to.equal(0x2202);
  });

  it('POPF (9D) at CPL 3, IOPL 2: IF is kept set when 0x0000 is popped (gives 0x2202)', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 3, flags: 0x2202, mem: [[0x90000, le32(0)]] }, [0x66, 0x9d]);
    run.step(1);
    expect(run.reg('flags')).to.equal(0x2202);
  });
});

describe('interp/data: POPF / POPFD (9D) in virtual-8086 mode', () => {
  it('POPF (9D) with IOPL 0 raises #GP(0); SP and FLAGS unchanged', () => {
    const run = new RawRun({ mode: 'v86', flags: 0x0202, mem: [[0xfff0, le16(0x0001)]] }, [0x9d]);
    expect(run.step(1)).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(run.reg('sp')).to.equal(0xfff0);
    expect(run.reg('flags')).to.equal(VM | 0x0202);
  });

  it('POPF (9D) with IOPL 3: CF set and IF cleared, IOPL and VM kept (0x0001 popped gives 0x00023003)', () => {
    const run = new RawRun({ mode: 'v86', flags: 0x3202, mem: [[0xfff0, le16(0x0001)]] }, [0x9d]);
    expect(run.step(1).kind).to.equal('limit');
    expect(run.reg('flags')).to.equal(VM | 0x3003);
    expect(run.reg('sp')).to.equal(0xfff2);
  });

  it('POPFD (66 9D) with IOPL 3 cannot clear VM: 0x00000000 popped gives 0x00023002', () => {
    const run = new RawRun({ mode: 'v86', flags: 0x3202, mem: [[0xfff0, le32(0)]] }, [0x66, 0x9d]);
    run.step(1);
    expect(run.reg('flags')).to.equal(VM | 0x3002);
    expect(run.reg('sp')).to.equal(0xfff4);
  });
});
