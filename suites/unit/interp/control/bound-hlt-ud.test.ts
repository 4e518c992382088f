// BOUND (62 /r), HLT (F4) and the defined invalid opcodes UD2 (0F 0B), UD1 (0F B9 /r), UD0 (0F FF /r).
//
// Checked: BOUND with signed 16- and 32-bit bounds at and one past each edge (0x8000/0x7FFF,
// 0x80000000/0x7FFFFFFF, -1), #BR as a FAULT (the IP of BOUND itself pushed, registers intact),
// the bounds read through a segment override, #UD for a register operand, #GP(0) for a bounds
// pair crossing the 64 KiB limit, the 186+ form on the 286; HLT stops the run with `halted` set,
// at CPL 0, and raises #GP(0) at CPL 3 and in virtual-8086 mode (CPL 3); UD2/UD1/UD0 raise #UD
// with their own IP pushed, in register and memory forms, 16- and 32-bit, and UD2 is #UD on a
// model older than its `since` (decoded as INVALID there).
// Oracle: SDM Vol. 2A BOUND and HLT, Vol. 2B UD pseudo-code; Vol. 3A 6.15 (#BR is a fault).
// Left out: protected-mode delivery of #BR/#UD (interrupt.ts reports the vector; checked as such).

import { expect } from 'chai';
import { createInterpreter, createMachine, enterFlatProtectedMode, pokeBytes, run, setFlags } from '../../../../reference-emulator/index.ts';
import { given } from '../../../support/given.ts';
import { le16, le32 } from './support.ts';

describe('interp/control: BOUND', () => {
  const bounds16 = (lower: number, upper: number): [number, number[]] => [0x2000, [...le16(lower), ...le16(upper)]];
  // 62 07 = BOUND AX, [BX]; BX = 0x2000.
  const cases16 = [
    { ax: 0x0005, lower: 0x0000, upper: 0x000a, inside: true },
    { ax: 0x0000, lower: 0x0000, upper: 0x000a, inside: true },
    { ax: 0x000a, lower: 0x0000, upper: 0x000a, inside: true },
    { ax: 0x000b, lower: 0x0000, upper: 0x000a, inside: false },
    { ax: 0xffff, lower: 0x0000, upper: 0x000a, inside: false },
    { ax: 0x8000, lower: 0x8000, upper: 0x7fff, inside: true },
    { ax: 0x7fff, lower: 0x8000, upper: 0x7fff, inside: true },
    { ax: 0xffff, lower: 0xfffe, upper: 0x0001, inside: true },
    { ax: 0x8000, lower: 0x8001, upper: 0x7fff, inside: false },
    { ax: 0x7fff, lower: 0x8000, upper: 0x7ffe, inside: false },
  ];
  for (const c of cases16) {
    const span = `[0x${c.lower.toString(16)}, 0x${c.upper.toString(16)}]`;
    if (c.inside) {
      it(`BOUND AX,[BX] (62 07): AX=0x${c.ax.toString(16)} in signed ${span} passes`, () => {
        given({ regs: { ax: c.ax, bx: 0x2000 }, mem: [bounds16(c.lower, c.upper)] }).code([0x62, 0x07]).run().expectHalted().expectRegs({ eip: 0x1003, ax: c.ax });
      });
    } else {
      it(`BOUND AX,[BX]: AX=0x${c.ax.toString(16)} outside signed ${span} raises #BR, IP 0x1000 (the BOUND) pushed`, () => {
        given({ regs: { ax: c.ax, bx: 0x2000 }, mem: [bounds16(c.lower, c.upper)] }).code([0x62, 0x07]).run()
          .expectException(5).expectRegs({ ax: c.ax, sp: 0xffea }).expectMem(0xffea, le16(0x1000));
      });
    }
  }

  it('BOUND CX,ES:[BX+2] (26 62 4F 02) reads the bounds from ES=0x0300: CX=0x0010 in [0x0010, 0x0020]', () => {
    given({ segs: { es: 0x0300 }, regs: { cx: 0x10, bx: 0x2000 }, mem: [[0x5002, [...le16(0x10), ...le16(0x20)]]] }).code([0x26, 0x62, 0x4f, 0x02]).run()
      .expectHalted().expectRegs({ eip: 0x1005 });
  });

  it('BOUND AX,[BX] with BX=0xFFFE: the upper bound lies past the DS limit, #GP(0)', () => {
    given({ regs: { ax: 0, bx: 0xfffe } }).code([0x62, 0x07]).run().expectException(13).expectMem(0xffea, le16(0x1000));
  });

  it('BOUND with a register operand (62 C0): #UD', () => {
    given({ cpu: 'i486' }).code([0x62, 0xc0]).run().expectException(6).expectMem(0xffea, le16(0x1000));
  });

  it('i286: BOUND AX,[BX] with AX=0x0B outside [0, 0x0A]: #BR, IP 0x1000 pushed', () => {
    given({ cpu: 'i286', regs: { ax: 0x0b, bx: 0x2000 }, mem: [bounds16(0, 0x0a)] }).code([0x62, 0x07]).run().expectException(5).expectMem(0xffea, le16(0x1000));
  });

  const bounds32 = (lower: number, upper: number): [number, number[]] => [0x2000, [...le32(lower), ...le32(upper)]];
  it('BOUND EAX,[EBX] in 32-bit code (62 03): EAX=0xFFFFFFFF (-1) in [-2, 0x7FFFFFFF]', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, ebx: 0x2000 }, mem: [bounds32(0xfffffffe, 0x7fffffff)] }).code([0x62, 0x03]).run().expectHalted().expectRegs({ eip: 0x1003 });
  });

  it('BOUND EAX,[EBX]: EAX=0x80000000 in [0x80000000, 0x7FFFFFFF] (the full signed range)', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, ebx: 0x2000 }, mem: [bounds32(0x80000000, 0x7fffffff)] }).code([0x62, 0x03]).run().expectHalted();
  });

  it('BOUND EAX,[EBX]: EAX=0x80000000 below [-1, 5] is #BR at EIP 0x1000', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, ebx: 0x2000 }, mem: [bounds32(0xffffffff, 5)] }).code([0x62, 0x03]).run()
      .expectException(5).expectRegs({ eip: 0x1000, eax: 0x80000000 });
  });

  it('BOUND EAX,[EBX]: EAX=6 above [-1, 5] is #BR', () => {
    given({ mode: 'prot32', regs: { eax: 6, ebx: 0x2000 }, mem: [bounds32(0xffffffff, 5)] }).code([0x62, 0x03]).run().expectException(5);
  });

  it('66 BOUND EAX,[BX] in real mode (Bound_r32_m3232): EAX=0x00012345 in [0x10000, 0x20000]', () => {
    given({ regs: { eax: 0x12345, bx: 0x2000 }, mem: [bounds32(0x10000, 0x20000)] }).code([0x66, 0x62, 0x07]).run().expectHalted().expectRegs({ eip: 0x1004 });
  });
});

describe('interp/control: HLT', () => {
  it('HLT (F4) in real mode stops the run with halted set, EIP past the HLT', () => {
    const out = given({}).code([]).run().expectHalted().expectRegs({ eip: 0x1001 });
    expect(out.machine.cpu.halted).to.equal(true);
  });

  it('HLT at CPL 0 in protected mode halts', () => {
    given({ mode: 'prot32' }).code([]).run().expectHalted().expectRegs({ eip: 0x1001 });
  });

  function runAtCpl3(flags: number) {
    const m = createMachine({ cpu: 'modern' });
    const interp = createInterpreter(m);
    enterFlatProtectedMode(m.cpu);
    m.cpu.cpl = 3;
    setFlags(m.cpu, flags);
    pokeBytes(m.mem, 0x1000, [0xf4]);
    m.cpu.eip = 0x1000;
    return { m, stop: run(interp, { maxInstructions: 10, stopOnException: true }) };
  }

  it('HLT at CPL 3 in protected mode: #GP(0), not halted, EIP 0x1000', () => {
    const { m, stop } = runAtCpl3(0x2);
    expect(stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(m.cpu.halted).to.equal(false);
    expect(m.cpu.eip).to.equal(0x1000);
  });

  it('HLT in virtual-8086 mode (CPL 3, VM=1, IOPL 3): #GP(0), not halted', () => {
    const { m, stop } = runAtCpl3(0x23002);
    expect(stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(m.cpu.halted).to.equal(false);
    expect(m.cpu.eip).to.equal(0x1000);
  });
});

describe('interp/control: UD2, UD1, UD0', () => {
  const cases = [
    { name: 'UD2 (0F 0B)', bytes: [0x0f, 0x0b] },
    { name: 'UD1 r16,r/m16 register (0F B9 C0)', bytes: [0x0f, 0xb9, 0xc0] },
    { name: 'UD1 r16,r/m16 memory (0F B9 07)', bytes: [0x0f, 0xb9, 0x07] },
    { name: 'UD1 r32,r/m32 (66 0F B9 C0)', bytes: [0x66, 0x0f, 0xb9, 0xc0] },
    { name: 'UD0 r16,r/m16 register (0F FF C0)', bytes: [0x0f, 0xff, 0xc0] },
    { name: 'UD0 r16,r/m16 memory (0F FF 07)', bytes: [0x0f, 0xff, 0x07] },
    { name: 'UD0 r32,r/m32 (66 0F FF C0)', bytes: [0x66, 0x0f, 0xff, 0xc0] },
  ];
  for (const c of cases) {
    it(`${c.name}: #UD with IP 0x1000 pushed, registers untouched`, () => {
      given({ regs: { ax: 0x1234 } }).code(c.bytes).run().expectException(6).expectRegs({ ax: 0x1234, sp: 0xffea }).expectMem(0xffea, le16(0x1000));
    });
  }

  it('UD1 r32,r/m32 in 32-bit code (0F B9 00): #UD at EIP 0x1000', () => {
    given({ mode: 'prot32' }).code([0x0f, 0xb9, 0x00]).run().expectException(6).expectRegs({ eip: 0x1000 });
  });

  it('UD0 r32,r/m32 in 32-bit code (0F FF 00): #UD at EIP 0x1000', () => {
    given({ mode: 'prot32' }).code([0x0f, 0xff, 0x00]).run().expectException(6).expectRegs({ eip: 0x1000 });
  });

  it('UD2 on the i486 (before its Pentium Pro `since`) is still #UD, via INVALID', () => {
    given({ cpu: 'i486' }).code([0x0f, 0x0b]).run().expectException(6).expectMem(0xffea, le16(0x1000));
  });
});
