// REP, REPE and REPNE on the string instructions (SDM Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ, and
// the MOVS, STOS, LODS, CMPS, SCAS pages).
//
// Checks: the count register (CX, or ECX with 32-bit addressing) counts down to 0 and a zero
// count does nothing (flags included); F2 repeats MOVS like F3; REPE/REPNE stop on the ZF of
// the last compare; element order is kept for overlapping MOVS (not memmove); 16-bit indexes
// wrap inside the segment; a fault in iteration k leaves SI/DI/CX and flags as iteration k-1
// left them and pushes the IP of the instruction's first prefix; counts over 65536 run in
// chunks that each retire as one instruction (the documented determinism rule); a REP that
// writes over the following instruction makes the new bytes run (self-modifying code).
// Both the memory fast paths (forward MOVS/STOS/SCASB in RAM) and the per-element path are hit.
// Oracle: hand-computed from the SDM REP pseudo-code; the chunk rule is xvc's documented one.
// Left out: REP INS/OUTS (port-io.test.ts); interrupts between iterations (none exist here).

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import { DF_SET, DS, DS_BASE, ES, ES_BASE, expectRealFault } from './support.ts';

const REP = 0xf3;
const REPNE = 0xf2;

describe('interp/string-io: REP MOVS/STOS/LODS', () => {
  it('REP MOVSB: CX=3 copies 01 02 03, CX 0, SI/DI +3', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 3, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [1, 2, 3, 4]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x13, di: 0x23 })
      .expectMem(ES_BASE + 0x20, [1, 2, 3, 0]);
  });

  it('REP MOVSB with CX=0 copies nothing and leaves SI/DI', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 0, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [1]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x10, di: 0x20 })
      .expectMem(ES_BASE + 0x20, [0]);
  });

  it('REP MOVSB with 16-bit addressing counts CX only: ECX 0x00010000 is a zero count', () => {
    given({ segs: { ds: DS, es: ES }, regs: { ecx: 0x10000, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [1]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ ecx: 0x10000, si: 0x10, di: 0x20 });
  });

  it('REPNE (F2) MOVSB repeats like REP: CX=2, the 286 corpus behaviour', () => {
    given({ cpu: 'i286', segs: { ds: DS, es: ES }, regs: { cx: 2, si: 0x10, di: 0x20 }, flags: 0x42, mem: [[DS_BASE + 0x10, [7, 8, 9]]] })
      .code([REPNE, 0xa4]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x12, di: 0x22 })
      .expectMem(ES_BASE + 0x20, [7, 8, 0]);
  });

  it('REP MOVSB with DF=1: CX=3 copies downwards, SI/DI 0x0012/0x0022 -> 0x000f/0x001f', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 3, si: 0x12, di: 0x22 }, flags: DF_SET, mem: [[DS_BASE + 0x10, [1, 2, 3]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x0f, di: 0x1f })
      .expectMem(ES_BASE + 0x20, [1, 2, 3]);
  });

  it('REP MOVSB with DI=SI+1 replicates the first byte 0xaa (element order, not memmove)', () => {
    given({ segs: { ds: DS, es: DS }, regs: { cx: 4, si: 0x10, di: 0x11 }, mem: [[DS_BASE + 0x10, [0xaa, 1, 2, 3, 4, 5]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x14, di: 0x15 })
      .expectMem(DS_BASE + 0x10, [0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 5]);
  });

  it('REP MOVSW with DI=SI+1 moves word by word: 01 02 03 04 05 -> 01 01 02 02 04', () => {
    given({ segs: { ds: DS, es: DS }, regs: { cx: 2, si: 0x10, di: 0x11 }, mem: [[DS_BASE + 0x10, [1, 2, 3, 4, 5]]] })
      .code([REP, 0xa5]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x14, di: 0x15 })
      .expectMem(DS_BASE + 0x10, [1, 1, 2, 2, 4]);
  });

  it('REP MOVSW with DI=SI+2 repeats the first word: 01 02 03 04 05 06 -> 01 02 01 02 01 02', () => {
    given({ segs: { ds: DS, es: DS }, regs: { cx: 2, si: 0x10, di: 0x12 }, mem: [[DS_BASE + 0x10, [1, 2, 3, 4, 5, 6]]] })
      .code([REP, 0xa5]).run().expectHalted()
      .expectMem(DS_BASE + 0x10, [1, 2, 1, 2, 1, 2]);
  });

  it('REP MOVSW with DI=SI-1 moves down: 00 11 22 33 44 -> 11 22 33 44 44', () => {
    given({ segs: { ds: DS, es: DS }, regs: { cx: 2, si: 0x11, di: 0x10 }, mem: [[DS_BASE + 0x10, [0x00, 0x11, 0x22, 0x33, 0x44]]] })
      .code([REP, 0xa5]).run().expectHalted()
      .expectMem(DS_BASE + 0x10, [0x11, 0x22, 0x33, 0x44, 0x44]);
  });

  it('REP MOVSB wraps SI 0xfffe -> 0x0001 inside DS (16-bit addressing)', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 3, si: 0xfffe, di: 0x20 }, mem: [[DS_BASE + 0xfffe, [0xa1, 0xa2]], [DS_BASE, [0xa3]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x0001, di: 0x23 })
      .expectMem(ES_BASE + 0x20, [0xa1, 0xa2, 0xa3]);
  });

  it('REP MOVSW faulting in iteration 3 (DI 0xffff): CX 5 -> 3, SI 0x0014, two words stored, IP 0x1000 pushed', () => {
    expectRealFault(
      given({ segs: { ds: DS, es: ES }, regs: { cx: 5, si: 0x10, di: 0xfffb }, mem: [[DS_BASE + 0x10, [1, 2, 3, 4, 5, 6]]] }).code([REP, 0xa5]).run(),
      13,
    )
      .expectRegs({ cx: 3, si: 0x14, di: 0xffff })
      .expectMem(ES_BASE + 0xfffb, [1, 2, 3, 4, 0]);
  });

  it('REP MOVSB with CS: and 67 prefixes (2E 67 F3 A4) faulting in iteration 2: ECX 2 -> 1, IP of the first prefix 0x1000 pushed', () => {
    // ES limit cannot be passed by a byte in real mode, so the source runs off the end instead (67: 32-bit SI).
    expectRealFault(given({ segs: { ds: DS, es: ES }, regs: { ecx: 2, esi: 0xffff, edi: 0x20 } }).code([0x2e, 0x67, REP, 0xa4]).run(), 13)
      .expectRegs({ ecx: 1, esi: 0x10000, edi: 0x21 });
  });

  it('REP MOVSD (flat 32-bit): ECX=4 copies 16 bytes, ESI/EDI +0x10', () => {
    const data = Array.from({ length: 16 }, (_, k) => k + 1);
    given({ mode: 'prot32', regs: { ecx: 4, esi: 0x40000, edi: 0x50000 }, mem: [[0x40000, data]] })
      .code([REP, 0xa5]).run().expectHalted()
      .expectRegs({ ecx: 0, esi: 0x40010, edi: 0x50010 })
      .expectMem(0x50000, data);
  });

  it('REP MOVSB (flat 32-bit) with ECX=0x10001 runs two chunks: ECX 0, ESI/EDI +0x10001, 3 retired (2 chunks + HLT)', () => {
    const outcome = given({ mode: 'prot32', regs: { ecx: 0x10001, esi: 0x100000, edi: 0x200000 }, mem: [[0x100000, [0x5a]], [0x110000, [0xa5]]] })
      .code([REP, 0xa4]).run().expectHalted()
      .expectRegs({ ecx: 0, esi: 0x110001, edi: 0x210001 })
      .expectMem(0x200000, [0x5a])
      .expectMem(0x210000, [0xa5]);
    expect(outcome.machine.cpu.icount, 'retired instructions').to.equal(3);
  });

  it('REP STOSB: CX=5 fills AL 0x5a, DI +5, CX 0', () => {
    given({ segs: { es: ES }, regs: { al: 0x5a, cx: 5, di: 0x40 } })
      .code([REP, 0xaa]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x45 })
      .expectMem(ES_BASE + 0x40, [0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x00]);
  });

  it('REP STOSB with CX=0 stores nothing', () => {
    given({ segs: { es: ES }, regs: { al: 0x5a, cx: 0, di: 0x40 } })
      .code([REP, 0xaa]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x40 })
      .expectMem(ES_BASE + 0x40, [0x00]);
  });

  it('REP STOSW with DF=1: CX=2 stores 0x8001 at 0x0042 and 0x0040, DI -> 0x003e', () => {
    given({ segs: { es: ES }, regs: { ax: 0x8001, cx: 2, di: 0x42 }, flags: DF_SET })
      .code([REP, 0xab]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x3e })
      .expectMem(ES_BASE + 0x40, [0x01, 0x80, 0x01, 0x80]);
  });

  it('REP STOSW: CX=3 stores AX 0xbeef little-endian, DI +6', () => {
    given({ segs: { es: ES }, regs: { ax: 0xbeef, cx: 3, di: 0x40 } })
      .code([REP, 0xab]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x46 })
      .expectMem(ES_BASE + 0x40, [0xef, 0xbe, 0xef, 0xbe, 0xef, 0xbe, 0x00]);
  });

  it('REP STOSD (flat 32-bit): ECX=3 stores EAX 0x11223344, EDI +12', () => {
    given({ mode: 'prot32', regs: { eax: 0x11223344, ecx: 3, edi: 0x60000 } })
      .code([REP, 0xab]).run().expectHalted()
      .expectRegs({ ecx: 0, edi: 0x6000c })
      .expectMem(0x60000, [0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11, 0x00]);
  });

  it('REP STOSW faulting at DI=0xffff in iteration 2: CX 3 -> 2, one word stored, IP 0x1000 pushed', () => {
    expectRealFault(given({ segs: { es: ES }, regs: { ax: 0x1234, cx: 3, di: 0xfffd } }).code([REP, 0xab]).run(), 13)
      .expectRegs({ cx: 2, di: 0xffff })
      .expectMem(ES_BASE + 0xfffd, [0x34, 0x12, 0x00]);
  });

  it('REP STOSB with DF=1 (flat 32-bit) and ECX=0x20000 runs two chunks: EDI 0x00200000 -> 0x001e0000', () => {
    const outcome = given({ mode: 'prot32', regs: { al: 0x77, ecx: 0x20000, edi: 0x200000 }, flags: DF_SET })
      .code([REP, 0xaa]).run().expectHalted()
      .expectRegs({ ecx: 0, edi: 0x1e0000 })
      .expectMem(0x1e0000, [0x00, 0x77])
      .expectMem(0x200000, [0x77, 0x00]);
    expect(outcome.machine.cpu.icount, 'retired instructions').to.equal(3);
  });

  it('REP LODSB: CX=3 leaves the last byte 0x03 in AL, SI +3', () => {
    given({ segs: { ds: DS }, regs: { ax: 0xff00, cx: 3, si: 0x10 }, mem: [[DS_BASE + 0x10, [1, 2, 3, 4]]] })
      .code([REP, 0xac]).run().expectHalted()
      .expectRegs({ ax: 0xff03, cx: 0, si: 0x13 });
  });

  it('REP LODSW with CX=0 loads nothing', () => {
    given({ segs: { ds: DS }, regs: { ax: 0x1111, cx: 0, si: 0x10 }, mem: [[DS_BASE + 0x10, [1, 2]]] })
      .code([REP, 0xad]).run().expectHalted()
      .expectRegs({ ax: 0x1111, cx: 0, si: 0x10 });
  });

  it('REP LODSD (flat 32-bit): ECX=2 leaves 0x88776655, ESI +8', () => {
    given({ mode: 'prot32', regs: { ecx: 2, esi: 0x40000 }, mem: [[0x40000, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]]] })
      .code([REP, 0xad]).run().expectHalted()
      .expectRegs({ eax: 0x88776655, ecx: 0, esi: 0x40008 });
  });
});

describe('interp/string-io: REPE/REPNE CMPS/SCAS', () => {
  const text = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

  it('REPE CMPSB "abcX" vs "abcY": stops after 4, CX 10 -> 6, SI/DI +4, ZF=0, CF=1 (0x58 < 0x59)', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 10, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, text('abcX')], [ES_BASE + 0x20, text('abcY')]] })
      .code([REP, 0xa6]).run().expectHalted()
      .expectRegs({ cx: 6, si: 0x14, di: 0x24 })
      .expectFlags({ zf: 0, cf: 1, sf: 1 });
  });

  it('REPE CMPSB over 3 equal bytes: CX 3 -> 0, ZF=1', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 3, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, text('abc')], [ES_BASE + 0x20, text('abc')]] })
      .code([REP, 0xa6]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x13, di: 0x23 })
      .expectFlags({ zf: 1, cf: 0 });
  });

  it('REPE CMPSB ending on a mismatch in the last element: CX 2 -> 0, ZF=0', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 2, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, text('ab')], [ES_BASE + 0x20, text('aX')]] })
      .code([REP, 0xa6]).run().expectHalted()
      .expectRegs({ cx: 0 })
      .expectFlags({ zf: 0 });
  });

  it('REPNE CMPSB stops at the first equal pair: "xyC" vs "abC", CX 10 -> 7, ZF=1', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 10, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, text('xyC')], [ES_BASE + 0x20, text('abC')]] })
      .code([REPNE, 0xa6]).run().expectHalted()
      .expectRegs({ cx: 7, si: 0x13, di: 0x23 })
      .expectFlags({ zf: 1 });
  });

  it('REPE CMPSB with CX=0 leaves flags (CF=1, ZF=0, OF=1) and SI/DI unchanged', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 0, si: 0x10, di: 0x20 }, flags: 0x803 })
      .code([REP, 0xa6]).run().expectHalted()
      .expectRegs({ cx: 0, si: 0x10, di: 0x20 })
      .expectFlags({ cf: 1, zf: 0, of: 1 });
  });

  it('REPE CMPSB with DF=1 compares backwards: "Xbc" vs "Ybc" from the end, CX 5 -> 2', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 5, si: 0x12, di: 0x22 }, flags: DF_SET, mem: [[DS_BASE + 0x10, text('Xbc')], [ES_BASE + 0x20, text('Ybc')]] })
      .code([REP, 0xa6]).run().expectHalted()
      .expectRegs({ cx: 2, si: 0x0f, di: 0x1f })
      .expectFlags({ zf: 0, cf: 1 });
  });

  it('REPE CMPSW: words 0001 0002 0003 vs 0001 0002 0004 stop after 3, CX 5 -> 2, CF=1', () => {
    given({ segs: { ds: DS, es: ES }, regs: { cx: 5, si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [1, 0, 2, 0, 3, 0]], [ES_BASE + 0x20, [1, 0, 2, 0, 4, 0]]] })
      .code([REP, 0xa7]).run().expectHalted()
      .expectRegs({ cx: 2, si: 0x16, di: 0x26 })
      .expectFlags({ zf: 0, cf: 1, sf: 1 });
  });

  it('REPE CMPSD (flat 32-bit): ECX 4 -> 2 on 0x80000000 vs 0x7fffffff, OF=1', () => {
    given({ mode: 'prot32', regs: { ecx: 4, esi: 0x40000, edi: 0x50000 }, mem: [[0x40000, [9, 9, 9, 9, 0, 0, 0, 0x80]], [0x50000, [9, 9, 9, 9, 0xff, 0xff, 0xff, 0x7f]]] })
      .code([REP, 0xa7]).run().expectHalted()
      .expectRegs({ ecx: 2, esi: 0x40008, edi: 0x50008 })
      .expectFlags({ zf: 0, of: 1, cf: 0, sf: 0 });
  });

  it('REPE CMPSW faulting in iteration 2 (SI 0xffff): CX 4 -> 3, ZF=1 from iteration 1, IP 0x1000 pushed', () => {
    expectRealFault(
      given({ segs: { ds: DS, es: ES }, regs: { cx: 4, si: 0xfffd, di: 0x20 }, flags: 0x2, mem: [[DS_BASE + 0xfffd, [0x34, 0x12]], [ES_BASE + 0x20, [0x34, 0x12]]] })
        .code([REP, 0xa7]).run(),
      13,
    )
      .expectRegs({ cx: 3, si: 0xffff, di: 0x22 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASB finds 0x00 in "hello\\0": CX 0xffff -> 0xfff9, DI +6, ZF=1', () => {
    given({ segs: { es: ES }, regs: { al: 0, cx: 0xffff, di: 0x40 }, mem: [[ES_BASE + 0x40, [...text('hello'), 0, 0x55]]] })
      .code([REPNE, 0xae]).run().expectHalted()
      .expectRegs({ cx: 0xfff9, di: 0x46 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASB without a match in CX=4 bytes: CX 0, DI +4, ZF=0', () => {
    given({ segs: { es: ES }, regs: { al: 0x7f, cx: 4, di: 0x40 }, mem: [[ES_BASE + 0x40, [1, 2, 3, 4, 0x7f]]] })
      .code([REPNE, 0xae]).run().expectHalted()
      .expectRegs({ cx: 0, di: 0x44 })
      .expectFlags({ zf: 0 });
  });

  it('REPE SCASB skips 3 spaces and stops on "x": CX 8 -> 4, DI +4, ZF=0', () => {
    given({ segs: { es: ES }, regs: { al: 0x20, cx: 8, di: 0x40 }, mem: [[ES_BASE + 0x40, text('   x  ')]] })
      .code([REP, 0xae]).run().expectHalted()
      .expectRegs({ cx: 4, di: 0x44 })
      .expectFlags({ zf: 0, cf: 1 });
  });

  it('REPNE SCASB with CX=0 leaves flags (ZF=1) and DI unchanged', () => {
    given({ segs: { es: ES }, regs: { al: 0x00, cx: 0, di: 0x40 }, flags: 0x42, mem: [[ES_BASE + 0x40, [0x99]]] })
      .code([REPNE, 0xae]).run().expectHalted()
      .expectRegs({ di: 0x40 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASB with DF=1 scans downwards: 0x2a found 3 bytes below, DI 0x0045 -> 0x0042', () => {
    given({ segs: { es: ES }, regs: { al: 0x2a, cx: 10, di: 0x45 }, flags: DF_SET, mem: [[ES_BASE + 0x43, [0x2a, 1, 2]]] })
      .code([REPNE, 0xae]).run().expectHalted()
      .expectRegs({ cx: 7, di: 0x42 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASB wraps DI 0xfffe -> 0x0001 inside ES and finds 0x00 at ES:0x0000', () => {
    given({ segs: { es: ES }, regs: { al: 0x00, cx: 5, di: 0xfffe }, mem: [[ES_BASE + 0xfffe, [1, 2]], [ES_BASE, [0]]] })
      .code([REPNE, 0xae]).run().expectHalted()
      .expectRegs({ cx: 2, di: 0x0001 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASW finds 0xbeef as the third word: CX 9 -> 6, DI +6', () => {
    given({ segs: { es: ES }, regs: { ax: 0xbeef, cx: 9, di: 0x40 }, mem: [[ES_BASE + 0x40, [0xef, 0x00, 0x00, 0xbe, 0xef, 0xbe]]] })
      .code([REPNE, 0xaf]).run().expectHalted()
      .expectRegs({ cx: 6, di: 0x46 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASW faulting at DI=0xffff in iteration 2: CX 5 -> 4, flags of iteration 1 (CF=1), IP 0x1000 pushed', () => {
    expectRealFault(given({ segs: { es: ES }, regs: { ax: 0x0000, cx: 5, di: 0xfffd }, mem: [[ES_BASE + 0xfffd, [0x01, 0x00]]] }).code([REPNE, 0xaf]).run(), 13)
      .expectRegs({ cx: 4, di: 0xffff })
      .expectFlags({ cf: 1, zf: 0 });
  });

  it('REPNE SCASD (flat 32-bit) with ECX=0xffffffff finds 0xffffffff as the second dword: ECX 0xfffffffd', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, ecx: 0xffffffff, edi: 0x50000 }, mem: [[0x50000, [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]]] })
      .code([REPNE, 0xaf]).run().expectHalted()
      .expectRegs({ ecx: 0xfffffffd, edi: 0x50008 })
      .expectFlags({ zf: 1 });
  });

  it('REPNE SCASB (flat 32-bit) with ECX=0xffffffff finds 0x55 at +0x10002 in two chunks: EDI +0x10003, 3 retired', () => {
    const outcome = given({ mode: 'prot32', regs: { al: 0x55, ecx: 0xffffffff, edi: 0x100000 }, mem: [[0x110002, [0x55]]] })
      .code([REPNE, 0xae]).run().expectHalted()
      .expectRegs({ ecx: 0xffffffff - 0x10003, edi: 0x110003 })
      .expectFlags({ zf: 1 });
    expect(outcome.machine.cpu.icount, 'retired instructions').to.equal(3);
  });

  it('REPE SCASB with 32-bit addressing in real mode (67 F3 AE): ECX 3 -> 0 over equal bytes', () => {
    given({ segs: { es: ES }, regs: { al: 0x11, ecx: 3, edi: 0x40 }, mem: [[ES_BASE + 0x40, [0x11, 0x11, 0x11]]] })
      .code([0x67, REP, 0xae]).run().expectHalted()
      .expectRegs({ ecx: 0, edi: 0x43 })
      .expectFlags({ zf: 1 });
  });
});

describe('interp/string-io: REP and self-modifying code', () => {
  // Code at 0:0x1000. The REP writes 0xAC (LODSB) over the byte after itself, which was 0xAA
  // (STOSB). Running the new LODSB loads DS:[SI]; running a stale STOSB would instead overwrite
  // the HLT that `given` places after the code.
  it('REP STOSB over the next instruction (0xaa -> 0xac): the new LODSB runs, AL <- 0x5a', () => {
    given({ segs: { ds: DS, es: 0 }, regs: { al: 0xac, cx: 1, di: 0x1002, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x5a]]] })
      .code([REP, 0xaa, 0xaa]).run().expectHalted()
      .expectRegs({ al: 0x5a, si: 0x11, di: 0x1003, cx: 0 });
  });

  it('STOSB over the next instruction (0xaa -> 0xac): the new LODSB runs, AL <- 0x5a', () => {
    given({ segs: { ds: DS, es: 0 }, regs: { al: 0xac, di: 0x1001, si: 0x10 }, mem: [[DS_BASE + 0x10, [0x5a]]] })
      .code([0xaa, 0xaa]).run().expectHalted()
      .expectRegs({ al: 0x5a, si: 0x11, di: 0x1002 });
  });

  it('REP MOVSB over the next instruction (0xaa -> 0xac): the new LODSB runs, AL <- 0x5a', () => {
    given({ segs: { ds: DS, es: 0 }, regs: { cx: 1, di: 0x1002, si: 0x10 }, mem: [[DS_BASE + 0x10, [0xac, 0x5a]]] })
      .code([REP, 0xa4, 0xaa]).run().expectHalted()
      .expectRegs({ al: 0x5a, si: 0x12, di: 0x1003 });
  });

  it('REP STOSW with DF=1 (per-element path) over the next instruction: the new LODSB runs', () => {
    given({ segs: { ds: DS, es: 0 }, regs: { ax: 0xf4ac, cx: 1, di: 0x1002, si: 0x10 }, flags: DF_SET, mem: [[DS_BASE + 0x10, [0x5a]]] })
      .code([REP, 0xab, 0xaa]).run().expectHalted()
      .expectRegs({ al: 0x5a, si: 0x0f, di: 0x1000 });
  });
});
