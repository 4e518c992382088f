// INT n (CD ib), INT3 (CC), INTO (CE), INT1 (F1) and IRET/IRETD (CF).
//
// Checked, real mode: the vector taken, the frame pushed (IP of the NEXT instruction, CS, FLAGS),
// IF cleared; INTO only when OF=1; INT1 is vector 1 and #UD on the 286; an INT/IRET round trip;
// IRET and IRETD popping IP/EIP, CS (the upper half of IRETD's CS slot ignored) and FLAGS through
// each model's real-mode rules (286: bits 12-15 stay 0; 386: no AC/ID; 486: AC; P5+: ID; bits
// 3, 5, 15 stay 0; IRETD keeps VM/VIF/VIP), a 16-bit frame wrapping at SP 0xFFFC, #GP(0) for an
// IRETD EIP past the CS limit with nothing popped. Virtual-8086 mode (CR0.PE=1, EFLAGS.VM=1, set
// up directly): INT n and IRET are #GP(0) at IOPL < 3, INT3 is not; IRET at IOPL 3 cannot change
// IOPL. Protected mode, CPL 0 and CPL 3: same-privilege IRET/IRETD with the IF/IOPL write rules
// (SDM IRET pseudo-code), #GP(0) for a null CS, #NP for a not-present one; NT=1 task returns,
// returns to virtual-8086 mode and to an outer level end the run as not modelled (the seam).
// Oracle: SDM Vol. 2A INT n/INTO/INT3/INT1 and IRET/IRETD pseudo-code, Vol. 3A 20.1.4 (real-mode
// interrupt frames); the 286's FLAGS bits from the SingleStepTests 80286 README. Hand-computed.
// Left out: protected-mode delivery through the IDT (interrupt.ts stops the run there for now),
// and v86 delivery, which interrupt.ts still does through the IVT (its seam); TF single-step.

import { expect } from 'chai';
import {
  createInterpreter,
  createMachine,
  enterFlatProtectedMode,
  getFlags,
  pokeBytes,
  run,
  SEG_CS,
  setFlags,
} from '../../../../reference-emulator/index.ts';
import { given } from '../../../support/given.ts';
import { CODE16_BASE, CODE32_BASE, hex, le16, le32, SEL_CODE16, SEL_CODE32, SEL_DPL3, SEL_NOT_PRESENT, TEST_GDT } from './support.ts';

const CF = 0x1;
const IF = 0x200;
const OF = 0x800;
const IOPL3 = 0x3000;
const NT = 0x4000;
const VM = 0x20000;
const CR0_PE_ET = 0x11;

/** The real-mode frame an interrupt leaves at 0xFFEA when SP was 0xFFF0 (SS=0). */
const frame = (ip: number, cs: number, flags: number): number[] => [...le16(ip), ...le16(cs), ...le16(flags)];

describe('interp/control: INT n, INT3, INTO, INT1 in real mode', () => {
  it('INT 0x21 (CD 21): vector 0x21, pushes IP 0x1002, CS 0, FLAGS 0x0203; IF cleared, CF kept', () => {
    given({ flags: IF | CF | 2 }).code([0xcd, 0x21]).run()
      .expectException(0x21).expectRegs({ sp: 0xffea, cs: 0xf000 }).expectMem(0xffea, frame(0x1002, 0, 0x0203)).expectFlags({ if: 0, cf: 1 });
  });

  it('INT 0x00 and INT 0xFF reach vectors 0x00 and 0xFF', () => {
    given({}).code([0xcd, 0x00]).run().expectException(0).expectMem(0xffea, le16(0x1002));
    given({}).code([0xcd, 0xff]).run().expectException(0xff).expectMem(0xffea, le16(0x1002));
  });

  it('INT3 (CC): vector 3, pushes IP 0x1001 (a trap: the next instruction)', () => {
    given({ flags: IF | 2 }).code([0xcc]).run().expectException(3).expectMem(0xffea, frame(0x1001, 0, 0x0202)).expectFlags({ if: 0 });
  });

  it('INTO (CE) with OF=1: vector 4, pushes IP 0x1001 and FLAGS 0x0802', () => {
    given({ flags: OF | 2 }).code([0xce]).run().expectException(4).expectMem(0xffea, frame(0x1001, 0, 0x0802));
  });

  it('INTO with OF=0 falls through to 0x1001, SP unchanged', () => {
    given({ flags: 2 }).code([0xce]).run().expectHalted().expectRegs({ eip: 0x1002, sp: 0xfff0 });
  });

  it('INT1 / ICEBP (F1): vector 1, pushes IP 0x1001', () => {
    given({}).code([0xf1]).run().expectException(1).expectMem(0xffea, frame(0x1001, 0, 0x0002));
  });

  it('i286: F1 is not INT1 (a 386 form): #UD with IP 0x1000 pushed', () => {
    given({ cpu: 'i286' }).code([0xf1]).run().expectException(6).expectMem(0xffea, le16(0x1000));
  });

  it('i286: INT 0x21 pushes FLAGS with bits 12-15 clear (0x7202 in -> 0x0202 pushed)', () => {
    given({ cpu: 'i286', flags: 0x7202 }).code([0xcd, 0x21]).run().expectException(0x21).expectMem(0xffea, frame(0x1002, 0, 0x0202));
  });

  it('INT 0x40 to a handler at 0000:3000 whose IRET returns to 0x1002: SP and FLAGS (IF=1) restored', () => {
    given({ flags: IF | 2, mem: [[0x40 * 4, [...le16(0x3000), ...le16(0)]], [0x3000, [0xcf]]] }).code([0xcd, 0x40]).run()
      .expectHalted().expectRegs({ eip: 0x1003, sp: 0xfff0, flags: IF | 2 });
  });
});

describe('interp/control: IRET in real mode', () => {
  const stackFrame16 = (ip: number, cs: number, flags: number): [number, number[]] => [0xfff0, frame(ip, cs, flags)];
  const stackFrame32 = (eip: number, csSlot: number, eflags: number): [number, number[]] => [0xfff0, [...le32(eip), ...le32(csSlot), ...le32(eflags)]];

  it('IRET (CF): pops IP 0x2000, CS 0x0300, FLAGS 0xFEFF -> 0x7ED7 (bits 3, 5, 15 stay 0); SP 0xFFF6', () => {
    given({ mem: [stackFrame16(0x2000, 0x0300, 0xfeff), [0x5000, [0xf4]]] }).code([0xcf]).run()
      .expectHalted().expectRegs({ cs: 0x0300, eip: 0x2001, sp: 0xfff6, flags: 0x7ed7 });
  });

  it('i286: IRET with FLAGS 0xFEFF -> 0x0ED7 (IOPL, NT and bit 15 held at 0 in real mode)', () => {
    given({ cpu: 'i286', mem: [stackFrame16(0x2000, 0x0300, 0xfeff), [0x5000, [0xf4]]] }).code([0xcf]).run()
      .expectHalted().expectRegs({ cs: 0x0300, eip: 0x2001, sp: 0xfff6, flags: 0x0ed7 });
  });

  it('IRET writes only FLAGS[15:0]: EFLAGS.AC (0x40000) survives', () => {
    given({ flags: 0x40002, mem: [stackFrame16(0x2000, 0x0300, 0x0002), [0x5000, [0xf4]]] }).code([0xcf]).run().expectHalted().expectRegs({ flags: 0x40002 });
  });

  it('IRET with SS=0x1000, SP=0xFFFC: IP at 0xFFFC, CS at 0xFFFE, FLAGS wrap to 0x0000; SP -> 0x0002', () => {
    given({ segs: { ss: 0x1000 }, regs: { sp: 0xfffc }, mem: [[0x1fffc, [...le16(0x2000), ...le16(0x0300)]], [0x10000, le16(0x0ac3)], [0x5000, [0xf4]]] })
      .code([0xcf]).run().expectHalted().expectRegs({ cs: 0x0300, eip: 0x2001, sp: 0x0002, flags: 0x0ac3 });
  });

  it('66 IRETD, modern: EFLAGS <- (0xFFFFFEFF AND 0x257FD5) | 2 = 0x257ED7; CS slot 0xFFFF0300 gives CS 0x0300; SP 0xFFFC', () => {
    given({ mem: [stackFrame32(0x2000, 0xffff0300, 0xfffffeff), [0x5000, [0xf4]]] }).code([0x66, 0xcf]).run()
      .expectHalted().expectRegs({ cs: 0x0300, eip: 0x2001, sp: 0xfffc, flags: 0x257ed7 });
  });

  it('66 IRETD, i386: no AC or ID, 0xFFFFFEFF -> 0x17ED7', () => {
    given({ cpu: 'i386', mem: [stackFrame32(0x2000, 0x0300, 0xfffffeff), [0x5000, [0xf4]]] }).code([0x66, 0xcf]).run().expectHalted().expectRegs({ flags: 0x17ed7 });
  });

  it('66 IRETD, i486: AC but no ID, 0xFFFFFEFF -> 0x57ED7', () => {
    given({ cpu: 'i486', mem: [stackFrame32(0x2000, 0x0300, 0xfffffeff), [0x5000, [0xf4]]] }).code([0x66, 0xcf]).run().expectHalted().expectRegs({ flags: 0x57ed7 });
  });

  it('66 IRETD keeps VIF/VIP (EFLAGS AND 0x1A0000): 0x180002 before, 0 popped -> 0x180002', () => {
    given({ flags: 0x180002, mem: [stackFrame32(0x2000, 0x0300, 0), [0x5000, [0xf4]]] }).code([0x66, 0xcf]).run().expectHalted().expectRegs({ flags: 0x180002 });
  });

  it('66 IRETD popping EIP 0x00010000 in real mode: #GP(0), nothing popped', () => {
    given({ mem: [stackFrame32(0x10000, 0x0300, 0x0002)] }).code([0x66, 0xcf]).run().expectException(13).expectRegs({ sp: 0xffea }).expectMem(0xffea, frame(0x1000, 0, 0x0002));
  });
});

describe('interp/control: INT n and IRET in virtual-8086 mode (CR0.PE=1, EFLAGS.VM=1)', () => {
  // CPL stays 0 here (the runner cannot set it); delivery is interrupt.ts's real-mode path for now.
  it('INT 0x21 at IOPL 0: #GP(0), IP 0x1000 pushed', () => {
    given({ cr0: CR0_PE_ET, flags: VM | 2 }).code([0xcd, 0x21]).run().expectException(13).expectMem(0xffea, le16(0x1000));
  });

  it('INT 0x21 at IOPL 3: vector 0x21', () => {
    given({ cr0: CR0_PE_ET, flags: VM | IOPL3 | 2 }).code([0xcd, 0x21]).run().expectException(0x21).expectMem(0xffea, le16(0x1002));
  });

  it('INT3 at IOPL 0 is not IOPL-sensitive: vector 3', () => {
    given({ cr0: CR0_PE_ET, flags: VM | 2 }).code([0xcc]).run().expectException(3);
  });

  it('IRET at IOPL 0: #GP(0)', () => {
    given({ cr0: CR0_PE_ET, flags: VM | 2, mem: [[0xfff0, frame(0x2000, 0x0300, 0x0002)]] }).code([0xcf]).run().expectException(13).expectMem(0xffea, le16(0x1000));
  });

  it('IRET at IOPL 3 pops IP, CS, FLAGS but keeps IOPL 3 (0x0ED7 popped -> 0x23ED7)', () => {
    given({ cr0: CR0_PE_ET, flags: VM | IOPL3 | 2, mem: [[0xfff0, frame(0x2000, 0x0300, 0x0ed7)], [0x5000, [0xf4]]] }).code([0xcf]).run()
      .expectHalted().expectRegs({ cs: 0x0300, eip: 0x2001, sp: 0xfff6, flags: 0x23ed7 });
  });
});

describe('interp/control: IRET in protected mode (same privilege)', () => {
  const prot = (mem: ReadonlyArray<readonly [number, readonly number[]]>, flags = 2) => ({ mode: 'prot32' as const, flags, mem: [TEST_GDT, ...mem] });
  const frame32 = (eip: number, cs: number, eflags: number): [number, number[]] => [0x90000, [...le32(eip), ...le32(cs), ...le32(eflags)]];

  it(`IRETD at CPL 0 to ${hex(SEL_CODE32)}:0x10, EFLAGS 0x3ED7 (IOPL and IF writable at CPL 0); ESP 0x9000C`, () => {
    given(prot([frame32(0x10, SEL_CODE32, 0x3ed7), [CODE32_BASE + 0x10, [0xf4]]])).code([0xcf]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE32, eip: 0x11, esp: 0x9000c, flags: 0x3ed7 });
  });

  it(`IRETD at CPL 0 loads RF, AC, ID, VIF, VIP from the image 0x3D0002`, () => {
    given(prot([frame32(0x10, SEL_CODE32, 0x3d0002), [CODE32_BASE + 0x10, [0xf4]]])).code([0xcf]).run().expectHalted().expectRegs({ flags: 0x3d0002 });
  });

  it(`66 IRET to 16-bit code ${hex(SEL_CODE16)}:0x10 pops words; ESP 0x90006; upper EFLAGS (AC) kept`, () => {
    given(prot([[0x90000, [...le16(0x10), ...le16(SEL_CODE16), ...le16(0x0ed7)]], [CODE16_BASE + 0x10, [0xf4]]], 0x40002)).code([0x66, 0xcf]).run()
      .expectHalted().expectRegs({ cs: SEL_CODE16, eip: 0x11, esp: 0x90006, flags: 0x40ed7 });
  });

  it('IRETD with a null CS: #GP(0), ESP unchanged', () => {
    given(prot([frame32(0x10, 0, 0x2)])).code([0xcf]).run().expectException(13, 0).expectRegs({ esp: 0x90000 });
  });

  it(`IRETD to a not-present segment: #NP(${hex(SEL_NOT_PRESENT)})`, () => {
    given(prot([frame32(0x10, SEL_NOT_PRESENT, 0x2)])).code([0xcf]).run().expectException(11, SEL_NOT_PRESENT);
  });

  it('IRETD with EFLAGS.NT=1 (a task return) ends the run as not modelled', () => {
    expect(() => given(prot([frame32(0x10, SEL_CODE32, 0x2)], NT | 2)).code([0xcf]).run()).to.throw(/IRET with EFLAGS.NT=1 .* not modelled yet/);
  });

  it('IRETD at CPL 0 with VM=1 in the image (return to virtual-8086 mode) ends the run as not modelled', () => {
    expect(() => given(prot([frame32(0x10, 0x0300, VM | 2)])).code([0xcf]).run()).to.throw(/IRETD to virtual-8086 mode is not modelled yet/);
  });

  it(`IRETD to RPL 3 (${hex(SEL_DPL3 | 3)}) is a return to an outer level: not modelled`, () => {
    expect(() => given(prot([frame32(0x10, SEL_DPL3 | 3, 0x2)])).code([0xcf]).run()).to.throw(/IRET to an outer privilege level \(CPL 0 -> 3\)/);
  });

  it(`IRETD at CPL 3 (IOPL 0) to ${hex(SEL_DPL3 | 3)}:0x10: IF and IOPL are not writable (image 0x3202 -> 0x0002); then HLT at CPL 3 is #GP(0)`, () => {
    const m = createMachine({ cpu: 'modern' });
    const interp = createInterpreter(m);
    enterFlatProtectedMode(m.cpu);
    m.cpu.cpl = 3;
    m.cpu.segSel[SEG_CS] = 0x0b;
    setFlags(m.cpu, 0x2);
    m.cpu.r32[4] = 0x90000;
    pokeBytes(m.mem, TEST_GDT[0], TEST_GDT[1]);
    pokeBytes(m.mem, 0x90000, [...le32(0x10), ...le32(SEL_DPL3 | 3), ...le32(0x3202)]);
    pokeBytes(m.mem, CODE32_BASE + 0x10, [0xf4]);
    pokeBytes(m.mem, 0x1000, [0xcf]);
    m.cpu.eip = 0x1000;
    const stop = run(interp, { maxInstructions: 10 });
    expect(stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(m.cpu.segSel[SEG_CS]).to.equal(SEL_DPL3 | 3);
    expect(m.cpu.eip).to.equal(0x10);
    expect(m.cpu.r32[4]).to.equal(0x9000c);
    expect(getFlags(m.cpu)).to.equal(0x0002);
  });
});
