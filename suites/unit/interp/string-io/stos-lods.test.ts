// STOS (AA, AB) and LODS (AC, AD; SDM Vol. 2B, STOS/STOSB/STOSW/STOSD and LODS/LODSB/LODSW/
// LODSD), one element per execution.
//
// Checks: STOS stores AL/AX/EAX at ES:(E)DI whatever segment prefix is given; LODS loads
// AL/AX/EAX from DS:(E)SI (override honoured) and leaves the rest of EAX; the index steps by
// the element size with DF; 16- and 32-bit operands in real and flat 32-bit mode; no flag
// changes; limit faults (#GP, #SS) leave registers and memory alone and push the IP.
// Oracle: hand-computed from the SDM pseudo-code and the real-mode 64 KiB limit rule.
// Left out: REP (rep.test.ts).

import { given } from '../../../support/given.ts';
import { ALL_STATUS, DF_SET, DS, DS_BASE, ES, ES_BASE, expectRealFault } from './support.ts';

describe('interp/string-io: STOS', () => {
  it('STOSB: AL 0x80 to ES:0x0040, DI 0x0040 -> 0x0041, SI and flags untouched', () => {
    given({ segs: { ds: DS, es: ES }, regs: { al: 0x80, si: 0x77, di: 0x40 }, flags: ALL_STATUS })
      .code([0xaa]).run().expectHalted()
      .expectRegs({ di: 0x41, si: 0x77 })
      .expectMem(ES_BASE + 0x40, [0x80])
      .expectFlags({ cf: 1, pf: 1, af: 1, zf: 1, sf: 1, of: 1 });
  });

  it('STOSB with DS: (3E AA) still writes ES:DI', () => {
    given({ segs: { ds: DS, es: ES }, regs: { al: 0x7f, di: 0x40 } })
      .code([0x3e, 0xaa]).run().expectHalted()
      .expectMem(ES_BASE + 0x40, [0x7f])
      .expectMem(DS_BASE + 0x40, [0x00]);
  });

  it('STOSB with DF=1: DI 0x0040 -> 0x003f', () => {
    given({ segs: { es: ES }, regs: { al: 0x01, di: 0x40 }, flags: DF_SET })
      .code([0xaa]).run().expectHalted()
      .expectRegs({ di: 0x3f })
      .expectMem(ES_BASE + 0x40, [0x01]);
  });

  it('STOSB at DI=0xffff stores the last byte of ES and wraps DI to 0x0000', () => {
    given({ segs: { es: ES }, regs: { al: 0xff, di: 0xffff } })
      .code([0xaa]).run().expectHalted()
      .expectRegs({ di: 0x0000 })
      .expectMem(ES_BASE + 0xffff, [0xff]);
  });

  it('STOSW: AX 0xffff to ES:0x0040, DI +2', () => {
    given({ segs: { es: ES }, regs: { ax: 0xffff, di: 0x40 } })
      .code([0xab]).run().expectHalted()
      .expectRegs({ di: 0x42 })
      .expectMem(ES_BASE + 0x40, [0xff, 0xff, 0x00]);
  });

  it('STOSW with DF=1: AX 0x8000, DI -2', () => {
    given({ segs: { es: ES }, regs: { ax: 0x8000, di: 0x40 }, flags: DF_SET })
      .code([0xab]).run().expectHalted()
      .expectRegs({ di: 0x3e })
      .expectMem(ES_BASE + 0x40, [0x00, 0x80]);
  });

  it('STOSD (66 AB) in real mode: EAX 0x7fffffff, DI +4', () => {
    given({ segs: { es: ES }, regs: { eax: 0x7fffffff, di: 0x40 } })
      .code([0x66, 0xab]).run().expectHalted()
      .expectRegs({ di: 0x44 })
      .expectMem(ES_BASE + 0x40, [0xff, 0xff, 0xff, 0x7f]);
  });

  it('STOSD (AB) in flat 32-bit mode: EAX 0x80000000 to 0x00020000, EDI +4', () => {
    given({ mode: 'prot32', regs: { eax: 0x80000000, edi: 0x20000 } })
      .code([0xab]).run().expectHalted()
      .expectRegs({ edi: 0x20004 })
      .expectMem(0x20000, [0x00, 0x00, 0x00, 0x80]);
  });

  it('STOSW (66 AB) in flat 32-bit mode: AX 0x0001 of EAX 0xdead0001, EDI +2', () => {
    given({ mode: 'prot32', regs: { eax: 0xdead0001, edi: 0x20000 } })
      .code([0x66, 0xab]).run().expectHalted()
      .expectRegs({ edi: 0x20002 })
      .expectMem(0x20000, [0x01, 0x00, 0x00, 0x00]);
  });

  it('STOSW at DI=0xffff: #GP, IP 0x1000 pushed, DI unchanged, nothing stored', () => {
    expectRealFault(given({ segs: { es: ES }, regs: { ax: 0x1234, di: 0xffff } }).code([0xab]).run(), 13)
      .expectRegs({ di: 0xffff })
      .expectMem(ES_BASE + 0xffff, [0x00]);
  });

  it('i286: STOSW at DI=0xffff: #GP, IP 0x1000 pushed', () => {
    expectRealFault(given({ cpu: 'i286', segs: { es: ES }, regs: { ax: 0x1234, di: 0xffff } }).code([0xab]).run(), 13)
      .expectRegs({ di: 0xffff });
  });
});

describe('interp/string-io: LODS', () => {
  it('LODSB: AL <- 0x80 from DS:0x0010, AH 0x12 kept, SI +1, DI and flags untouched', () => {
    given({ segs: { ds: DS, es: ES }, regs: { ax: 0x1234, si: 0x10, di: 0x55 }, flags: ALL_STATUS, mem: [[DS_BASE + 0x10, [0x80]]] })
      .code([0xac]).run().expectHalted()
      .expectRegs({ ax: 0x1280, si: 0x11, di: 0x55 })
      .expectFlags({ cf: 1, pf: 1, af: 1, zf: 1, sf: 1, of: 1 });
  });

  it('LODSB with DF=1: AL <- 0x00, SI 0x0000 wraps to 0xffff', () => {
    given({ segs: { ds: DS }, regs: { al: 0x99, si: 0x0 }, flags: DF_SET })
      .code([0xac]).run().expectHalted()
      .expectRegs({ al: 0x00, si: 0xffff });
  });

  it('LODSB with ES: (26 AC) reads ES:SI 0x22, not DS:SI 0x11', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10 }, mem: [[DS_BASE + 0x10, [0x11]], [ES_BASE + 0x10, [0x22]]] })
      .code([0x26, 0xac]).run().expectHalted()
      .expectRegs({ al: 0x22, si: 0x11 });
  });

  it('LODSW: AX <- 0x7fff, EAX bits 16-31 (0xdead) kept, SI +2', () => {
    given({ segs: { ds: DS }, regs: { eax: 0xdeadbeef, si: 0x10 }, mem: [[DS_BASE + 0x10, [0xff, 0x7f]]] })
      .code([0xad]).run().expectHalted()
      .expectRegs({ eax: 0xdead7fff, si: 0x12 });
  });

  it('LODSW with DF=1: SI -2', () => {
    given({ segs: { ds: DS }, regs: { si: 0x10 }, flags: DF_SET, mem: [[DS_BASE + 0x10, [0x01, 0x00]]] })
      .code([0xad]).run().expectHalted()
      .expectRegs({ ax: 0x0001, si: 0x0e });
  });

  it('LODSD (66 AD) in real mode: EAX <- 0x80000000, SI +4', () => {
    given({ segs: { ds: DS }, regs: { si: 0x10 }, mem: [[DS_BASE + 0x10, [0x00, 0x00, 0x00, 0x80]]] })
      .code([0x66, 0xad]).run().expectHalted()
      .expectRegs({ eax: 0x80000000, si: 0x14 });
  });

  it('LODSD (AD) in flat 32-bit mode: EAX <- 0xffffffff from 0x00030000, ESI +4', () => {
    given({ mode: 'prot32', regs: { esi: 0x30000 }, mem: [[0x30000, [0xff, 0xff, 0xff, 0xff]]] })
      .code([0xad]).run().expectHalted()
      .expectRegs({ eax: 0xffffffff, esi: 0x30004 });
  });

  it('LODSD with DF=1 in flat 32-bit mode: ESI 0x00030000 -> 0x0002fffc', () => {
    given({ mode: 'prot32', regs: { esi: 0x30000 }, flags: DF_SET, mem: [[0x30000, [0x78, 0x56, 0x34, 0x12]]] })
      .code([0xad]).run().expectHalted()
      .expectRegs({ eax: 0x12345678, esi: 0x2fffc });
  });

  it('LODSW at SI=0xffff: #GP, IP 0x1000 pushed, AX and SI unchanged', () => {
    expectRealFault(given({ segs: { ds: DS }, regs: { ax: 0x1111, si: 0xffff } }).code([0xad]).run(), 13)
      .expectRegs({ ax: 0x1111, si: 0xffff });
  });

  it('LODSW with SS: (36 AD) at SI=0xffff: #SS, IP 0x1000 pushed', () => {
    expectRealFault(given({ segs: { ds: DS }, regs: { ax: 0x1111, si: 0xffff } }).code([0x36, 0xad]).run(), 12)
      .expectRegs({ ax: 0x1111, si: 0xffff });
  });
});
