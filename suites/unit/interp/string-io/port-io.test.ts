// IN (E4 E5 EC ED), OUT (E6 E7 EE EF), INS (6C 6D) and OUTS (6E 6F) (SDM Vol. 2A/2B, IN, OUT,
// INS/INSB/INSW/INSD, OUTS/OUTSB/OUTSW/OUTSD; I/O protection in SDM Vol. 1, 18.5).
//
// Checks: the imm8 port is zero-extended and DX is the port otherwise; 8/16/32-bit transfers
// go to consecutive byte ports (port-bus.ts splits them, as an ISA bus does); an unclaimed port
// reads as all ones, which the 286 corpus expects; AL/AX/EAX receive only their width; INS
// writes ES:(E)DI whatever prefix is given and OUTS reads DS:(E)SI with the override; the index
// steps with DF; REP INS/OUTS run CX times; a debug-exit write stops the run, and a REP OUTS
// stops between elements with EIP back at the instruction; limit faults push the IP; in
// protected mode CPL <= IOPL permits and CPL > IOPL (or virtual-8086 mode) raises #GP(0).
// Oracle: hand-computed from the SDM; device behaviour from devices.ts (debug console at 0xE9
// reads 0xE9, UART scratch register at 0x3FF, debug exit at 0xF4 gives status (v << 1) | 1).
// Left out: the TSS I/O permission bitmap (not modelled; the v86 test pins today's denial).

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import { CODE_IP, DF_SET, DS, DS_BASE, ES, ES_BASE, expectGp0, expectRealFault, runPrivileged } from './support.ts';

const PORT_CONSOLE = 0xe9;
const PORT_UNCLAIMED = 0x80;
const PORT_UART_SCRATCH = 0x3ff;
const PORT_EXIT = 0xf4;

describe('interp/string-io: IN', () => {
  it('IN AL,0xe9 (E4): the debug console reads 0xe9, AH 0x12 kept', () => {
    given({ regs: { ax: 0x1200 } }).code([0xe4, PORT_CONSOLE]).run().expectHalted().expectRegs({ ax: 0x12e9 });
  });

  it('IN AL,0x80 (E4): an unclaimed port reads 0xff', () => {
    given({ regs: { al: 0 } }).code([0xe4, PORT_UNCLAIMED]).run().expectHalted().expectRegs({ al: 0xff });
  });

  it('i286: IN AX,0x80 (E5) reads 0xffff from an unclaimed port, EAX bits 16-31 kept', () => {
    given({ cpu: 'i286', regs: { ax: 0 } }).code([0xe5, PORT_UNCLAIMED]).run().expectHalted().expectRegs({ ax: 0xffff });
    given({ regs: { eax: 0x12340000 } }).code([0xe5, PORT_UNCLAIMED]).run().expectHalted().expectRegs({ eax: 0x1234ffff });
  });

  it('IN AX,0xe8 (E5): port 0xe8 (unclaimed, 0xff) in AL, 0xe9 (console, 0xe9) in AH: 0xe9ff', () => {
    given({ regs: { ax: 0 } }).code([0xe5, 0xe8]).run().expectHalted().expectRegs({ ax: 0xe9ff });
  });

  it('IN EAX,0xe9 (66 E5, real mode): ports 0xe9-0xec give 0xffffffe9', () => {
    given({ regs: { eax: 0 } }).code([0x66, 0xe5, PORT_CONSOLE]).run().expectHalted().expectRegs({ eax: 0xffffffe9 });
  });

  it('IN EAX,0xe6 (E5, flat 32-bit): ports 0xe6-0xe9 give 0xe9ffffff', () => {
    given({ mode: 'prot32', regs: { eax: 0 } }).code([0xe5, 0xe6]).run().expectHalted().expectRegs({ eax: 0xe9ffffff });
  });

  it('IN AX,0xe9 (66 E5, flat 32-bit) keeps EAX bits 16-31: 0xdead0000 -> 0xdeadffe9', () => {
    given({ mode: 'prot32', regs: { eax: 0xdead0000 } }).code([0x66, 0xe5, PORT_CONSOLE]).run().expectHalted().expectRegs({ eax: 0xdeadffe9 });
  });

  it('IN AL,DX (EC): DX=0x03ff reads back the UART scratch value 0x5a written by OUT DX,AL', () => {
    // OUT DX,AL (0x5a); IN AL,0x80 (AL <- 0xff); IN AL,DX (AL <- 0x5a again).
    given({ regs: { al: 0x5a, dx: PORT_UART_SCRATCH } }).code([0xee, 0xe4, PORT_UNCLAIMED, 0xec]).run().expectHalted().expectRegs({ al: 0x5a, dx: 0x3ff });
  });

  it('IN AX,DX (ED): DX=0x00e8 reads 0xe9ff', () => {
    given({ regs: { ax: 0, dx: 0xe8 } }).code([0xed]).run().expectHalted().expectRegs({ ax: 0xe9ff });
  });

  it('IN EAX,DX (66 ED, real mode): DX=0x0080 reads 0xffffffff', () => {
    given({ regs: { eax: 0, dx: PORT_UNCLAIMED } }).code([0x66, 0xed]).run().expectHalted().expectRegs({ eax: 0xffffffff });
  });

  it('IN EAX,DX (ED, flat 32-bit): DX=0x00e9 reads 0xffffffe9, only DX (not EDX 0x1234xxxx) is the port', () => {
    given({ mode: 'prot32', regs: { eax: 0, edx: 0x123400e9 } }).code([0xed]).run().expectHalted().expectRegs({ eax: 0xffffffe9 });
  });

  it('IN AX,DX (66 ED, flat 32-bit): DX=0x00e9 reads 0xffe9', () => {
    given({ mode: 'prot32', regs: { eax: 0x55550000, dx: PORT_CONSOLE } }).code([0x66, 0xed]).run().expectHalted().expectRegs({ eax: 0x5555ffe9 });
  });
});

describe('interp/string-io: OUT', () => {
  it('OUT 0xe9,AL (E6): the debug console receives 0x41, flags and AL untouched', () => {
    const outcome = given({ regs: { al: 0x41 }, flags: 0x8d7 }).code([0xe6, PORT_CONSOLE]).run().expectHalted()
      .expectRegs({ al: 0x41 }).expectFlags({ cf: 1, zf: 1, of: 1 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x41]);
  });

  it('OUT 0xe8,AX (E7): AL 0x42 to unclaimed 0xe8, AH 0x41 to the console', () => {
    const outcome = given({ regs: { ax: 0x4142 } }).code([0xe7, 0xe8]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x41]);
  });

  it('OUT 0xe6,EAX (66 E7, real mode): byte lanes 0xe6-0xe9, the console gets bits 24-31 (0x80)', () => {
    const outcome = given({ regs: { eax: 0x80000000 } }).code([0x66, 0xe7, 0xe6]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x80]);
  });

  it('OUT 0xe9,EAX (E7, flat 32-bit): the console gets AL 0x7f', () => {
    const outcome = given({ mode: 'prot32', regs: { eax: 0x0000007f } }).code([0xe7, PORT_CONSOLE]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x7f]);
  });

  it('OUT 0xe8,AX (66 E7, flat 32-bit): the console gets AH 0xff', () => {
    const outcome = given({ mode: 'prot32', regs: { eax: 0x1234ff00 } }).code([0x66, 0xe7, 0xe8]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0xff]);
  });

  it('OUT DX,AL (EE): DX=0x00e9, the console gets 0x00', () => {
    const outcome = given({ regs: { al: 0x00, dx: PORT_CONSOLE } }).code([0xee]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x00]);
  });

  it('OUT DX,AX (EF): DX=0x00e9, the console gets AL 0x7f (AH 0xff goes to unclaimed 0xea)', () => {
    const outcome = given({ regs: { ax: 0xff7f, dx: PORT_CONSOLE } }).code([0xef]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x7f]);
  });

  it('OUT DX,EAX (66 EF, real mode): DX=0x00e7, the console gets bits 16-23 (0x01)', () => {
    const outcome = given({ regs: { eax: 0xff01ffff, dx: 0xe7 } }).code([0x66, 0xef]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x01]);
  });

  it('OUT DX,EAX (EF, flat 32-bit): DX=0x00e9, the console gets 0x80', () => {
    const outcome = given({ mode: 'prot32', regs: { eax: 0xffffff80, dx: PORT_CONSOLE } }).code([0xef]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x80]);
  });

  it('OUT DX,AX (66 EF, flat 32-bit): DX=0x00e8, the console gets AH 0x41', () => {
    const outcome = given({ mode: 'prot32', regs: { eax: 0x99994100, dx: 0xe8 } }).code([0x66, 0xef]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x41]);
  });

  it('OUT 0xf4,AL (debug exit, AL 0x01): the run stops with status 0x03 and IP after the OUT (0x1002)', () => {
    const outcome = given({ regs: { al: 0x01 } }).code([0xe6, PORT_EXIT]).run();
    expect(outcome.stop).to.deep.equal({ kind: 'exit-port', status: 0x03 });
    outcome.expectRegs({ eip: CODE_IP + 2 });
  });

  it('OUT DX,AL to the debug exit (DX 0x00f4, AL 0x00): status 0x01', () => {
    const outcome = given({ regs: { al: 0x00, dx: PORT_EXIT } }).code([0xee]).run();
    expect(outcome.stop).to.deep.equal({ kind: 'exit-port', status: 0x01 });
  });
});

describe('interp/string-io: INS', () => {
  it('INSB (6C): port 0xe9 -> ES:0x0040, DI +1, SI untouched', () => {
    given({ segs: { ds: DS, es: ES }, regs: { dx: PORT_CONSOLE, di: 0x40, si: 0x77 } })
      .code([0x6c]).run().expectHalted()
      .expectRegs({ di: 0x41, si: 0x77 })
      .expectMem(ES_BASE + 0x40, [0xe9])
      .expectMem(DS_BASE + 0x40, [0x00]);
  });

  it('INSB with CS: (2E 6C) still writes ES:DI', () => {
    given({ segs: { ds: DS, es: ES }, regs: { dx: PORT_CONSOLE, di: 0x500 } })
      .code([0x2e, 0x6c]).run().expectHalted()
      .expectMem(ES_BASE + 0x500, [0xe9])
      .expectMem(0x500, [0x00]);
  });

  it('INSB with DF=1: DI 0x0040 -> 0x003f', () => {
    given({ segs: { es: ES }, regs: { dx: PORT_UNCLAIMED, di: 0x40 }, flags: DF_SET })
      .code([0x6c]).run().expectHalted()
      .expectRegs({ di: 0x3f })
      .expectMem(ES_BASE + 0x40, [0xff]);
  });

  it('i286: INSB (186+) runs, port 0x80 -> 0xff', () => {
    given({ cpu: 'i286', segs: { es: ES }, regs: { dx: PORT_UNCLAIMED, di: 0x40 } })
      .code([0x6c]).run().expectHalted()
      .expectRegs({ di: 0x41 })
      .expectMem(ES_BASE + 0x40, [0xff]);
  });

  it('INSW (6D): DX=0x00e9 stores e9 ff, DI +2', () => {
    given({ segs: { es: ES }, regs: { dx: PORT_CONSOLE, di: 0x40 } })
      .code([0x6d]).run().expectHalted()
      .expectRegs({ di: 0x42 })
      .expectMem(ES_BASE + 0x40, [0xe9, 0xff, 0x00]);
  });

  it('INSW with DF=1: DI -2', () => {
    given({ segs: { es: ES }, regs: { dx: 0xe8, di: 0x40 }, flags: DF_SET })
      .code([0x6d]).run().expectHalted()
      .expectRegs({ di: 0x3e })
      .expectMem(ES_BASE + 0x40, [0xff, 0xe9]);
  });

  it('INSD (66 6D, real mode): DX=0x0080 stores ff ff ff ff, DI +4', () => {
    given({ segs: { es: ES }, regs: { dx: PORT_UNCLAIMED, di: 0x40 } })
      .code([0x66, 0x6d]).run().expectHalted()
      .expectRegs({ di: 0x44 })
      .expectMem(ES_BASE + 0x40, [0xff, 0xff, 0xff, 0xff]);
  });

  it('INSD (6D, flat 32-bit): DX=0x00e6 stores ff ff ff e9 at 0x00060000, EDI +4', () => {
    given({ mode: 'prot32', regs: { dx: 0xe6, edi: 0x60000 } })
      .code([0x6d]).run().expectHalted()
      .expectRegs({ edi: 0x60004 })
      .expectMem(0x60000, [0xff, 0xff, 0xff, 0xe9]);
  });

  it('INSW (66 6D, flat 32-bit): DX=0x00e9 stores e9 ff, EDI +2', () => {
    given({ mode: 'prot32', regs: { dx: PORT_CONSOLE, edi: 0x60000 } })
      .code([0x66, 0x6d]).run().expectHalted()
      .expectRegs({ edi: 0x60002 })
      .expectMem(0x60000, [0xe9, 0xff, 0x00]);
  });

  it('INSW at DI=0xffff: #GP, IP 0x1000 pushed, DI unchanged, nothing stored', () => {
    expectRealFault(given({ segs: { es: ES }, regs: { dx: PORT_CONSOLE, di: 0xffff } }).code([0x6d]).run(), 13)
      .expectRegs({ di: 0xffff })
      .expectMem(ES_BASE + 0xffff, [0x00]);
  });

  it('REP INSB: CX=3 from port 0xe9 stores e9 e9 e9, CX 0, DI +3', () => {
    given({ segs: { es: ES }, regs: { cx: 3, dx: PORT_CONSOLE, di: 0x40 } })
      .code([0xf3, 0x6c]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x43 })
      .expectMem(ES_BASE + 0x40, [0xe9, 0xe9, 0xe9, 0x00]);
  });

  it('REP INSW with CX=0 stores nothing', () => {
    given({ segs: { es: ES }, regs: { cx: 0, dx: PORT_CONSOLE, di: 0x40 } })
      .code([0xf3, 0x6d]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x40 })
      .expectMem(ES_BASE + 0x40, [0x00]);
  });

  it('REP INSD (flat 32-bit): ECX=2 from port 0x80, EDI +8', () => {
    given({ mode: 'prot32', regs: { ecx: 2, dx: PORT_UNCLAIMED, edi: 0x60000 } })
      .code([0xf3, 0x6d]).run().expectHalted()
      .expectRegs({ ecx: 0, edi: 0x60008 })
      .expectMem(0x60000, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
  });

  it('REP INSW faulting at DI=0xffff in iteration 2: CX 3 -> 2, one word stored, IP 0x1000 pushed', () => {
    expectRealFault(given({ segs: { es: ES }, regs: { cx: 3, dx: PORT_CONSOLE, di: 0xfffd } }).code([0xf3, 0x6d]).run(), 13)
      .expectRegs({ cx: 2, di: 0xffff })
      .expectMem(ES_BASE + 0xfffd, [0xe9, 0xff]);
  });
});

describe('interp/string-io: OUTS', () => {
  it('OUTSB (6E): DS:[0x0010] 0x48 to the console, SI +1, DI untouched', () => {
    const outcome = given({ segs: { ds: DS, es: ES }, regs: { dx: PORT_CONSOLE, si: 0x10, di: 0x77 }, mem: [[DS_BASE + 0x10, [0x48]]] })
      .code([0x6e]).run().expectHalted()
      .expectRegs({ si: 0x11, di: 0x77 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x48]);
  });

  it('OUTSB with ES: (26 6E) reads ES:SI', () => {
    const outcome = given({ segs: { ds: DS, es: ES }, regs: { dx: PORT_CONSOLE, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x11]], [ES_BASE + 0x10, [0x22]]] })
      .code([0x26, 0x6e]).run().expectHalted();
    expect(outcome.machine.consoleOutput).to.deep.equal([0x22]);
  });

  it('OUTSB with DF=1: SI 0x0010 -> 0x000f', () => {
    const outcome = given({ segs: { ds: DS }, regs: { dx: PORT_CONSOLE, si: 0x10 }, flags: DF_SET, mem: [[DS_BASE + 0x10, [0x7f]]] })
      .code([0x6e]).run().expectHalted()
      .expectRegs({ si: 0x0f });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x7f]);
  });

  it('OUTSW (6F): DX=0x00e8, word 0x4241 sends 0x42 to the console, SI +2', () => {
    const outcome = given({ segs: { ds: DS }, regs: { dx: 0xe8, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x41, 0x42]]] })
      .code([0x6f]).run().expectHalted()
      .expectRegs({ si: 0x12 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x42]);
  });

  it('OUTSD (66 6F, real mode): DX=0x00e6, dword 0x80000000 sends 0x80 to the console, SI +4', () => {
    const outcome = given({ segs: { ds: DS }, regs: { dx: 0xe6, si: 0x10 }, mem: [[DS_BASE + 0x10, [0, 0, 0, 0x80]]] })
      .code([0x66, 0x6f]).run().expectHalted()
      .expectRegs({ si: 0x14 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x80]);
  });

  it('OUTSD (6F, flat 32-bit) with DF=1: DX=0x00e9 sends 0x01, ESI -4', () => {
    const outcome = given({ mode: 'prot32', regs: { dx: PORT_CONSOLE, esi: 0x40000 }, flags: DF_SET, mem: [[0x40000, [0x01, 0x02, 0x03, 0x04]]] })
      .code([0x6f]).run().expectHalted()
      .expectRegs({ esi: 0x3fffc });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x01]);
  });

  it('OUTSW (66 6F, flat 32-bit): DX=0x00e9 sends the low byte 0xff, ESI +2', () => {
    const outcome = given({ mode: 'prot32', regs: { dx: PORT_CONSOLE, esi: 0x40000 }, mem: [[0x40000, [0xff, 0x00]]] })
      .code([0x66, 0x6f]).run().expectHalted()
      .expectRegs({ esi: 0x40002 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0xff]);
  });

  it('OUTSW at SI=0xffff: #GP, IP 0x1000 pushed, nothing sent', () => {
    const outcome = expectRealFault(given({ segs: { ds: DS }, regs: { dx: PORT_CONSOLE, si: 0xffff } }).code([0x6f]).run(), 13)
      .expectRegs({ si: 0xffff });
    expect(outcome.machine.consoleOutput).to.deep.equal([]);
  });

  it('REP OUTSB: "Hi!" (CX=3) to the console, SI +3, CX 0', () => {
    const outcome = given({ segs: { ds: DS }, regs: { cx: 3, dx: PORT_CONSOLE, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x48, 0x69, 0x21, 0x3f]]] })
      .code([0xf3, 0x6e]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x13 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x48, 0x69, 0x21]);
  });

  it('REP OUTSB with CX=0 sends nothing', () => {
    const outcome = given({ segs: { ds: DS }, regs: { cx: 0, dx: PORT_CONSOLE, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x48]]] })
      .code([0xf3, 0x6e]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x10 });
    expect(outcome.machine.consoleOutput).to.deep.equal([]);
  });

  it('REP OUTSW (flat 32-bit): ECX=2, DX=0x00e8 sends the high bytes 0x62 0x64', () => {
    const outcome = given({ mode: 'prot32', regs: { ecx: 2, dx: 0xe8, esi: 0x40000 }, mem: [[0x40000, [0x61, 0x62, 0x63, 0x64]]] })
      .code([0x66, 0xf3, 0x6f]).run().expectHalted()
      .expectRegs({ ecx: 0, esi: 0x40004 });
    expect(outcome.machine.consoleOutput).to.deep.equal([0x62, 0x64]);
  });

  it('REP OUTSB to the debug exit stops after one byte: CX 3 -> 2, SI +1, IP back at the instruction (0x1000)', () => {
    const outcome = given({ segs: { ds: DS }, regs: { cx: 3, dx: PORT_EXIT, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x05, 0x06, 0x07]]] })
      .code([0xf3, 0x6e]).run();
    expect(outcome.stop).to.deep.equal({ kind: 'exit-port', status: 0x0b });
    outcome.expectRegs({ cx: 2, si: 0x11, eip: CODE_IP });
  });
});

describe('interp/string-io: I/O protection', () => {
  const ioForms: ReadonlyArray<readonly [string, number[]]> = [
    ['IN AL,imm8 (E4)', [0xe4, 0x80]],
    ['IN EAX,imm8 (E5)', [0xe5, 0x80]],
    ['IN AX,imm8 (66 E5)', [0x66, 0xe5, 0x80]],
    ['OUT imm8,AL (E6)', [0xe6, 0xe9]],
    ['OUT imm8,EAX (E7)', [0xe7, 0xe9]],
    ['OUT imm8,AX (66 E7)', [0x66, 0xe7, 0xe9]],
    ['IN AL,DX (EC)', [0xec]],
    ['IN EAX,DX (ED)', [0xed]],
    ['IN AX,DX (66 ED)', [0x66, 0xed]],
    ['OUT DX,AL (EE)', [0xee]],
    ['OUT DX,EAX (EF)', [0xef]],
    ['OUT DX,AX (66 EF)', [0x66, 0xef]],
    ['INSB (6C)', [0x6c]],
    ['INSD (6D)', [0x6d]],
    ['INSW (66 6D)', [0x66, 0x6d]],
    ['OUTSB (6E)', [0x6e]],
    ['OUTSD (6F)', [0x6f]],
    ['OUTSW (66 6F)', [0x66, 0x6f]],
    ['REP INSB (F3 6C), ECX=1', [0xf3, 0x6c]],
    ['REP OUTSB (F3 6E), ECX=1', [0xf3, 0x6e]],
  ];
  const regs = { eax: 0x41, ecx: 1, edx: PORT_CONSOLE, esi: 0x40000, edi: 0x60000 };

  for (const [name, code] of ioForms) {
    it(`${name} at CPL 3 with IOPL 0: #GP(0), EAX/ESI/EDI/ECX unchanged, no port access`, () => {
      const result = runPrivileged({ cpl: 3, iopl: 0, code, regs });
      expectGp0(result);
      const cpu = result.machine.cpu;
      expect([cpu.r32[0], cpu.r32[1], cpu.r32[6], cpu.r32[7]]).to.deep.equal([0x41, 1, 0x40000, 0x60000]);
      expect(result.machine.consoleOutput).to.deep.equal([]);
    });
  }

  it('IN AL,DX at CPL 3 with IOPL 3: reads the console 0xe9', () => {
    const result = runPrivileged({ cpl: 3, iopl: 3, code: [0xec], regs });
    expect(result.stop.kind).to.equal('limit');
    expect(result.machine.cpu.r8[0]).to.equal(0xe9);
  });

  it('OUT DX,AL at CPL 1 with IOPL 1: allowed, the console gets 0x41', () => {
    const result = runPrivileged({ cpl: 1, iopl: 1, code: [0xee], regs });
    expect(result.stop.kind).to.equal('limit');
    expect(result.machine.consoleOutput).to.deep.equal([0x41]);
  });

  it('OUT DX,AL at CPL 2 with IOPL 1: #GP(0)', () => {
    expectGp0(runPrivileged({ cpl: 2, iopl: 1, code: [0xee], regs }));
  });

  it('OUTSB at CPL 0 with IOPL 0: allowed, ESI +1', () => {
    const result = runPrivileged({ cpl: 0, iopl: 0, code: [0x6e], regs: { ...regs, esi: 0x40000 } });
    expect(result.stop.kind).to.equal('limit');
    expect(result.machine.cpu.r32[6]).to.equal(0x40001);
    expect(result.machine.consoleOutput).to.deep.equal([0x00]);
  });

  it('REP INSB with ECX=0 at CPL 3, IOPL 0: no element, so no check and no fault', () => {
    const result = runPrivileged({ cpl: 3, iopl: 0, code: [0xf3, 0x6c], regs: { ...regs, ecx: 0 } });
    expect(result.stop.kind).to.equal('limit');
    expect(result.machine.cpu.r32[7]).to.equal(0x60000);
  });

  it('virtual-8086 mode with IOPL 3: IN AL,DX is #GP(0), the TSS I/O bitmap seam denies', () => {
    expectGp0(runPrivileged({ cpl: 3, iopl: 3, vm: true, code: [0xec], regs }));
  });

  it('real mode ignores IOPL 0 (EFLAGS 0x0002): IN AL,0xe9 reads 0xe9', () => {
    given({ regs: { al: 0 }, flags: 0x2 }).code([0xe4, PORT_CONSOLE]).run().expectHalted().expectRegs({ al: 0xe9 });
  });
});
