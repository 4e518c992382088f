// MOVS (A4, A5; SDM Vol. 2B, MOVS/MOVSB/MOVSW/MOVSD), one element per execution.
//
// Checks: the element moves from DS:(E)SI to ES:(E)DI for 8/16/32-bit operands, in real mode
// and flat 32-bit mode; SI/DI step by the element size, up or down with DF; the address size
// (67) picks SI/DI or ESI/EDI and 16-bit indexes wrap inside their low word; source overrides
// apply and the destination stays ES; no flag changes; limit faults (#GP, #SS for an SS source)
// leave the registers alone and push the instruction's IP.
// Oracle: hand-computed from the SDM pseudo-code and the real-mode 64 KiB limit rule.
// Left out: REP (rep.test.ts), protected-mode access rights (not modelled yet).

import { given } from '../../../support/given.ts';
import { ALL_STATUS, DF_SET, DS, DS_BASE, ES, ES_BASE, expectRealFault } from './support.ts';

describe('interp/string-io: MOVS', () => {
  it('MOVSB: 0x7f from DS:0x0010 to ES:0x0020, SI/DI 0x0010/0x0020 -> 0x0011/0x0021, flags untouched', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, flags: ALL_STATUS, mem: [[DS_BASE + 0x10, [0x7f]]] })
      .code([0xa4]).run().expectHalted()
      .expectRegs({ si: 0x11, di: 0x21 })
      .expectMem(ES_BASE + 0x20, [0x7f])
      .expectFlags({ cf: 1, pf: 1, af: 1, zf: 1, sf: 1, of: 1, df: 0 });
  });

  it('MOVSB with DF=1: 0x80 moved, SI/DI 0x0010/0x0020 -> 0x000f/0x001f', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, flags: DF_SET, mem: [[DS_BASE + 0x10, [0x80]]] })
      .code([0xa4]).run().expectHalted()
      .expectRegs({ si: 0x0f, di: 0x1f })
      .expectMem(ES_BASE + 0x20, [0x80]);
  });

  it('MOVSW: 0x8001 moved, SI/DI +2', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [0x01, 0x80]]] })
      .code([0xa5]).run().expectHalted()
      .expectRegs({ si: 0x12, di: 0x22 })
      .expectMem(ES_BASE + 0x20, [0x01, 0x80]);
  });

  it('MOVSW with DF=1: 0xffff moved, SI/DI -2', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, flags: DF_SET, mem: [[DS_BASE + 0x10, [0xff, 0xff]]] })
      .code([0xa5]).run().expectHalted()
      .expectRegs({ si: 0x0e, di: 0x1e })
      .expectMem(ES_BASE + 0x20, [0xff, 0xff]);
  });

  it('MOVSD (66 A5) in real mode: 0x80000000 moved, SI/DI +4', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [0x00, 0x00, 0x00, 0x80]]] })
      .code([0x66, 0xa5]).run().expectHalted()
      .expectRegs({ si: 0x14, di: 0x24 })
      .expectMem(ES_BASE + 0x20, [0x00, 0x00, 0x00, 0x80]);
  });

  it('MOVSD (A5) in flat 32-bit mode: 0x7fffffff from 0x00012340 to 0x00023450, ESI/EDI +4', () => {
    given({ mode: 'prot32', regs: { esi: 0x12340, edi: 0x23450 }, mem: [[0x12340, [0xff, 0xff, 0xff, 0x7f]]] })
      .code([0xa5]).run().expectHalted()
      .expectRegs({ esi: 0x12344, edi: 0x23454 })
      .expectMem(0x23450, [0xff, 0xff, 0xff, 0x7f]);
  });

  it('MOVSD with DF=1 in flat 32-bit mode: ESI/EDI 0x00012340/0x00023450 -> 0x0001233c/0x0002344c', () => {
    given({ mode: 'prot32', regs: { esi: 0x12340, edi: 0x23450 }, flags: DF_SET, mem: [[0x12340, [1, 2, 3, 4]]] })
      .code([0xa5]).run().expectHalted()
      .expectRegs({ esi: 0x1233c, edi: 0x2344c })
      .expectMem(0x23450, [1, 2, 3, 4]);
  });

  it('MOVSW (66 A5) in flat 32-bit mode: 16-bit element, ESI/EDI +2', () => {
    given({ mode: 'prot32', regs: { esi: 0x12340, edi: 0x23450 }, mem: [[0x12340, [0x34, 0x12, 0x99, 0x99]]] })
      .code([0x66, 0xa5]).run().expectHalted()
      .expectRegs({ esi: 0x12342, edi: 0x23452 })
      .expectMem(0x23450, [0x34, 0x12, 0x00, 0x00]);
  });

  it('MOVSB (A4) in flat 32-bit mode: ESI/EDI 0x7fffffff/0x00023450 step to 0x80000000/0x00023451', () => {
    // The source lies far beyond RAM (open bus reads 0xff), which keeps the check on the 32-bit increment.
    given({ mode: 'prot32', regs: { esi: 0x7fffffff, edi: 0x23450 } })
      .code([0xa4]).run().expectHalted()
      .expectRegs({ esi: 0x80000000, edi: 0x23451 })
      .expectMem(0x23450, [0xff]);
  });

  it('MOVSB (67 A4) in 32-bit code uses SI/DI: ESI 0x1234ffff -> 0x12340000, EDI 0xabcd0010 -> 0xabcd0011', () => {
    given({ mode: 'prot32', regs: { esi: 0x1234ffff, edi: 0xabcd0010 }, mem: [[0xffff, [0x5a]]] })
      .code([0x67, 0xa4]).run().expectHalted()
      .expectRegs({ esi: 0x12340000, edi: 0xabcd0011 })
      .expectMem(0x10, [0x5a]);
  });

  it('MOVSB (67 A4) in real mode uses ESI/EDI: ESI 0x0000ffff -> 0x00010000 without wrapping', () => {
    given({ segs: { ds: DS, es: ES }, regs: { esi: 0xffff, edi: 0x20 }, mem: [[DS_BASE + 0xffff, [0xa5]]] })
      .code([0x67, 0xa4]).run().expectHalted()
      .expectRegs({ esi: 0x10000, edi: 0x21 })
      .expectMem(ES_BASE + 0x20, [0xa5]);
  });

  it('MOVSB with 16-bit addressing: SI 0xffff wraps to 0x0000 and ESI bits 16-31 (0x5678) stay', () => {
    given({ segs: { ds: DS, es: ES }, regs: { esi: 0x5678ffff, edi: 0x9abc0020 }, mem: [[DS_BASE + 0xffff, [0x3c]]] })
      .code([0xa4]).run().expectHalted()
      .expectRegs({ esi: 0x56780000, edi: 0x9abc0021 })
      .expectMem(ES_BASE + 0x20, [0x3c]);
  });

  it('MOVSB with DF=1 at SI/DI 0x0000: both wrap to 0xffff', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0, di: 0 }, flags: DF_SET, mem: [[DS_BASE, [0x11]]] })
      .code([0xa4]).run().expectHalted()
      .expectRegs({ si: 0xffff, di: 0xffff })
      .expectMem(ES_BASE, [0x11]);
  });

  it('MOVSB with ES: (26 A4) reads ES:SI 0x22, not DS:SI 0x11, and writes ES:DI', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x30 }, mem: [[DS_BASE + 0x10, [0x11]], [ES_BASE + 0x10, [0x22]]] })
      .code([0x26, 0xa4]).run().expectHalted()
      .expectRegs({ si: 0x11, di: 0x31 })
      .expectMem(ES_BASE + 0x30, [0x22])
      .expectMem(DS_BASE + 0x30, [0x00]);
  });

  it('MOVSB with CS: (2E A4) reads CS:SI (CS=0, SI=0x0500) and still writes ES:DI', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x500, di: 0x30 }, mem: [[0x500, [0x33]], [DS_BASE + 0x500, [0x44]]] })
      .code([0x2e, 0xa4]).run().expectHalted()
      .expectMem(ES_BASE + 0x30, [0x33]);
  });

  it('MOVSW at SI=0xffff: #GP (word beyond the 64 KiB limit), IP 0x1000 pushed, SI/DI unchanged', () => {
    expectRealFault(
      given({ segs: { ds: DS, es: ES }, regs: { si: 0xffff, di: 0x20 } }).code([0xa5]).run(),
      13,
    ).expectRegs({ si: 0xffff, di: 0x20 }).expectMem(ES_BASE + 0x20, [0x00, 0x00]);
  });

  it('i286: MOVSW at DI=0xffff: #GP, IP 0x1000 pushed, nothing stored', () => {
    expectRealFault(
      given({ cpu: 'i286', segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0xffff }, mem: [[DS_BASE + 0x10, [0x12, 0x34]]] }).code([0xa5]).run(),
      13,
    ).expectRegs({ si: 0x10, di: 0xffff }).expectMem(ES_BASE + 0xffff, [0x00]);
  });

  it('MOVSW with SS: (36 A5) at SI=0xffff: #SS, IP of the prefix 0x1000 pushed', () => {
    expectRealFault(given({ segs: { ds: DS, es: ES }, regs: { si: 0xffff, di: 0x20 } }).code([0x36, 0xa5]).run(), 12)
      .expectRegs({ si: 0xffff, di: 0x20 });
  });

  it('MOVSD (66 A5) at SI=0xfffd: #GP, the dword would end at 0x10000', () => {
    expectRealFault(given({ segs: { ds: DS, es: ES }, regs: { si: 0xfffd, di: 0x20 } }).code([0x66, 0xa5]).run(), 13)
      .expectRegs({ si: 0xfffd, di: 0x20 });
  });

  it('i286: 66 A5 (MOVSD) is #UD, the 286 has no operand-size prefix', () => {
    expectRealFault(given({ cpu: 'i286', segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 } }).code([0x66, 0xa5]).run(), 6)
      .expectRegs({ si: 0x10, di: 0x20 });
  });
});
