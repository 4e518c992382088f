/**
 * The decimal adjusts DAA (27), DAS (2F), AAA (37), AAS (3F), AAM (D4 ib) and AAD (D5 ib).
 *
 * Oracle: AL/AX and the defined flags worked by hand through the SDM pseudo-code (Vol. 2A, DAA
 * DAS AAA AAS AAM AAD), including DAS's CF that keeps the low-digit borrow and AAA/AAS's
 * AX +/- 106H that carries into AH. AAM with a zero base raises #DE with the AAM's IP pushed.
 * The undefined flags are pinned to the model choices: the 286's from the SingleStepTests
 * corpus (27, 37, D4), QEMU's for later models.
 *
 * Left out: the 286's DAS/AAS/AAD undefined flags are inferred by analogy (no corpus files) and
 * are checked only as the emulator's documented choice for DAS OF.
 */

import { given } from '../../../support/given.ts';
import { ALL_STATUS, hex } from './support.ts';

const FAULT_FRAME_SP = 0xffea;
const AF = 0x10;
const CF = 0x01;

describe('DAA (27)', () => {
  const cases = [
    { al: 0xae, flags: 0, out: 0x14, set: { af: 1, cf: 1, sf: 0, zf: 0, pf: 1 }, why: '0x79+0x35: +06 then +60' },
    { al: 0x9a, flags: 0, out: 0x00, set: { af: 1, cf: 1, sf: 0, zf: 1, pf: 1 }, why: 'both digits overflow to 0x00' },
    { al: 0x12, flags: CF, out: 0x72, set: { af: 0, cf: 1, sf: 0, zf: 0, pf: 1 }, why: 'CF in: +60 only' },
    { al: 0x05, flags: AF, out: 0x0b, set: { af: 1, cf: 0, sf: 0, zf: 0, pf: 0 }, why: 'AF in: +06 only' },
    { al: 0x99, flags: 0, out: 0x99, set: { af: 0, cf: 0, sf: 1, zf: 0, pf: 1 }, why: 'already packed BCD' },
  ] as const;
  for (const c of cases) {
    it(`DAA: AL=${hex(c.al)} AF=${c.flags & AF ? 1 : 0} CF=${c.flags & CF} -> AL=${hex(c.out)} (${c.why})`, () => {
      given({ flags: 0x2 | c.flags, regs: { ax: 0x5500 | c.al } })
        .code([0x27])
        .run()
        .expectHalted()
        .expectRegs({ ax: 0x5500 | c.out })
        .expectFlags(c.set);
    });
  }
  it('i286: DAA OF is the signed overflow of AL+adjust (corpus 27): AL=0x7a -> 0x80 sets OF', () => {
    given({ cpu: 'i286', regs: { al: 0x7a } })
      .code([0x27])
      .run()
      .expectHalted()
      .expectRegs({ al: 0x80 })
      .expectFlags({ of: 1, sf: 1, af: 1, cf: 0 });
  });
  it('modern: DAA clears OF (QEMU): AL=0x7a -> 0x80 with OF=1 before', () => {
    given({ flags: 0x802, regs: { al: 0x7a } })
      .code([0x27])
      .run()
      .expectHalted()
      .expectRegs({ al: 0x80 })
      .expectFlags({ of: 0, sf: 1, af: 1, cf: 0 });
  });
});

describe('DAS (2F)', () => {
  const cases = [
    { al: 0xee, flags: AF | CF, out: 0x88, set: { af: 1, cf: 1, sf: 1, zf: 0, pf: 1 }, why: '0x35-0x47: -06 then -60' },
    { al: 0x03, flags: AF, out: 0xfd, set: { af: 1, cf: 1, sf: 1, zf: 0, pf: 0 }, why: 'the -06 borrow sets CF and nothing clears it' },
    { al: 0x00, flags: 0, out: 0x00, set: { af: 0, cf: 0, sf: 0, zf: 1, pf: 1 }, why: 'no adjustment' },
    { al: 0xa0, flags: 0, out: 0x40, set: { af: 0, cf: 1, sf: 0, zf: 0, pf: 0 }, why: 'high digit only' },
  ] as const;
  for (const c of cases) {
    it(`DAS: AL=${hex(c.al)} AF=${c.flags & AF ? 1 : 0} CF=${c.flags & CF} -> AL=${hex(c.out)} (${c.why})`, () => {
      given({ flags: 0x2 | c.flags, regs: { ax: 0x5500 | c.al } })
        .code([0x2f])
        .run()
        .expectHalted()
        .expectRegs({ ax: 0x5500 | c.out })
        .expectFlags(c.set);
    });
  }
  it('i286: DAS OF is the signed overflow of AL-adjust (by analogy with DAA): AL=0x80 AF=1 -> 0x7a sets OF', () => {
    given({ cpu: 'i286', flags: 0x2 | AF, regs: { al: 0x80 } })
      .code([0x2f])
      .run()
      .expectHalted()
      .expectRegs({ al: 0x7a })
      .expectFlags({ of: 1, af: 1, cf: 0 });
  });
});

describe('AAA (37) and AAS (3F)', () => {
  const aaa = [
    { ax: 0x0009, flags: 0, out: 0x0009, acf: 0, why: 'no adjustment' },
    { ax: 0x000a, flags: 0, out: 0x0100, acf: 1, why: 'AL>9: AX+106H, AL&0FH' },
    { ax: 0x00fa, flags: 0, out: 0x0200, acf: 1, why: 'AL>F9H carries into AH as well' },
    { ax: 0x0205, flags: AF, out: 0x030b, acf: 1, why: 'AF in' },
    { ax: 0x0237, flags: 0, out: 0x0207, acf: 0, why: 'high nibble of AL cleared' },
  ] as const;
  for (const c of aaa) {
    it(`AAA: AX=${hex(c.ax, 16)} AF=${c.flags ? 1 : 0} -> AX=${hex(c.out, 16)}, AF=CF=${c.acf} (${c.why})`, () => {
      given({ flags: 0x2 | c.flags, regs: { ax: c.ax } })
        .code([0x37])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.out })
        .expectFlags({ af: c.acf, cf: c.acf });
    });
  }
  const aas = [
    { ax: 0x0205, flags: 0, out: 0x0205, acf: 0, why: 'no adjustment' },
    { ax: 0x020a, flags: 0, out: 0x0104, acf: 1, why: 'AL>9: AX-6, AH-1' },
    { ax: 0x0203, flags: AF, out: 0x000d, acf: 1, why: 'AL<6: the borrow reaches AH too' },
    { ax: 0x0000, flags: AF, out: 0xfe0a, acf: 1, why: 'AH wraps' },
    { ax: 0x05f3, flags: 0, out: 0x0503, acf: 0, why: 'high nibble of AL cleared' },
  ] as const;
  for (const c of aas) {
    it(`AAS: AX=${hex(c.ax, 16)} AF=${c.flags ? 1 : 0} -> AX=${hex(c.out, 16)}, AF=CF=${c.acf} (${c.why})`, () => {
      given({ flags: 0x2 | c.flags, regs: { ax: c.ax } })
        .code([0x3f])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.out })
        .expectFlags({ af: c.acf, cf: c.acf });
    });
  }
  it('i286: AAA sets OF SF ZF PF from the byte add AL+6 (corpus 37): AX=0x007a -> sum 0x80: OF=1 SF=1 ZF=0 PF=0', () => {
    given({ cpu: 'i286', regs: { ax: 0x007a } })
      .code([0x37])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0x0100 })
      .expectFlags({ of: 1, sf: 1, zf: 0, pf: 0, af: 1, cf: 1 });
  });
  it('i286: AAA without adjustment sets SF ZF PF from AL itself, OF=0 (corpus 37): AX=0x0000 -> ZF=1 PF=1', () => {
    given({ cpu: 'i286', flags: 0x802, regs: { ax: 0x0000 } })
      .code([0x37])
      .run()
      .expectHalted()
      .expectFlags({ of: 0, sf: 0, zf: 1, pf: 1, af: 0, cf: 0 });
  });
  it('modern: AAA leaves OF SF ZF PF as they were (QEMU)', () => {
    given({ flags: ALL_STATUS & ~AF & ~CF, regs: { ax: 0x0001 } })
      .code([0x37])
      .run()
      .expectHalted()
      .expectFlags({ of: 1, sf: 1, zf: 1, pf: 1, af: 0, cf: 0 });
  });
  it('i286: AAS sets OF SF ZF PF from the byte subtract AL-6 (by analogy with AAA): AX=0x0003 AF=1 -> diff 0xfd: SF=1 PF=0', () => {
    given({ cpu: 'i286', flags: 0x2 | AF, regs: { ax: 0x0003 } })
      .code([0x3f])
      .run()
      .expectHalted()
      .expectRegs({ ax: 0xfe0d })
      .expectFlags({ of: 0, sf: 1, zf: 0, pf: 0, af: 1, cf: 1 });
  });
});

describe('AAM (D4 ib) and AAD (D5 ib)', () => {
  const aam = [
    { ax: 0x5563, base: 10, out: 0x0909, set: { sf: 0, zf: 0, pf: 1 }, why: '99 -> 9,9' },
    { ax: 0x5500, base: 10, out: 0x0000, set: { sf: 0, zf: 1, pf: 1 }, why: 'zero' },
    { ax: 0x00ff, base: 16, out: 0x0f0f, set: { sf: 0, zf: 0, pf: 1 }, why: 'base 16 splits nibbles' },
    { ax: 0x00ff, base: 0x90, out: 0x016f, set: { sf: 0, zf: 0, pf: 1 }, why: 'any base' },
  ] as const;
  for (const c of aam) {
    it(`AAM ${hex(c.base)} (D4 ${hex(c.base).slice(2)}): AX=${hex(c.ax, 16)} -> AX=${hex(c.out, 16)} (${c.why}), OF AF CF cleared`, () => {
      given({ flags: ALL_STATUS, regs: { ax: c.ax } })
        .code([0xd4, c.base])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.out })
        .expectFlags({ ...c.set, of: 0, af: 0, cf: 0 });
    });
  }
  it('AAM 0x00 (D4 00) raises #DE with IP 0x1000 pushed, AX unchanged', () => {
    given({ regs: { ax: 0x1234 } })
      .code([0xd4, 0x00])
      .run()
      .expectException(0)
      .expectRegs({ ax: 0x1234, sp: FAULT_FRAME_SP })
      .expectMem(FAULT_FRAME_SP, [0x00, 0x10, 0x00, 0x00]);
  });
  it('i286: AAM 0x00 sets flags as a logic result of AL>>1 before #DE (corpus D4): AX=0xb09a pushes FLAGS 0x0006', () => {
    given({ cpu: 'i286', flags: ALL_STATUS, regs: { ax: 0xb09a } })
      .code([0xd4, 0x00])
      .run()
      .expectException(0)
      .expectRegs({ ax: 0xb09a })
      .expectMem(FAULT_FRAME_SP, [0x00, 0x10, 0x00, 0x00, 0x06, 0x00]);
  });
  it('modern: AAM 0x00 leaves the flags as they were when it raises #DE (QEMU): pushes FLAGS 0x08d7', () => {
    given({ flags: ALL_STATUS, regs: { ax: 0xb09a } })
      .code([0xd4, 0x00])
      .run()
      .expectException(0)
      .expectMem(FAULT_FRAME_SP, [0x00, 0x10, 0x00, 0x00, 0xd7, 0x08]);
  });

  const aad = [
    { ax: 0x0907, base: 10, out: 0x0061, set: { sf: 0, zf: 0, pf: 0 }, why: '9,7 -> 97' },
    { ax: 0x0f0f, base: 16, out: 0x00ff, set: { sf: 1, zf: 0, pf: 1 }, why: 'base 16 joins nibbles' },
    { ax: 0x1a00, base: 10, out: 0x0004, set: { sf: 0, zf: 0, pf: 0 }, why: '260 wraps to 0x04' },
    { ax: 0x0000, base: 10, out: 0x0000, set: { sf: 0, zf: 1, pf: 1 }, why: 'zero' },
  ] as const;
  for (const c of aad) {
    it(`AAD ${hex(c.base)} (D5 ${hex(c.base).slice(2)}): AX=${hex(c.ax, 16)} -> AX=${hex(c.out, 16)} (${c.why})`, () => {
      given({ flags: ALL_STATUS, regs: { ax: c.ax } })
        .code([0xd5, c.base])
        .run()
        .expectHalted()
        .expectRegs({ ax: c.out })
        .expectFlags({ ...c.set, of: 0, af: 0, cf: 0 });
    });
  }
});
