// CMPS (A6, A7) and SCAS (AE, AF; SDM Vol. 2A/2B, CMPS/CMPSB/CMPSW/CMPSD and SCAS/SCASB/
// SCASW/SCASD), one element per execution.
//
// Checks: CMPS sets OF SF ZF AF PF CF from DS:[SI] - ES:[DI] (source minus destination, the
// SDM's SRC1 - SRC2), SCAS from AL/AX/EAX - ES:[DI]; every status flag is driven both ways
// with the edge values 0x00/0x01/0x7f/0x80/0xff, 0x8000/0xffff, 0x80000000/0x7fffffff/
// 0xffffffff; indexes step with DF; CMPS honours a source override, SCAS ignores it; limit
// faults leave flags and registers alone and push the IP.
// Oracle: hand-computed with the SUB flag rules (SDM Vol. 1, Appendix A; Vol. 2, SUB).
// Left out: REPE/REPNE (rep.test.ts).

import { given } from '../../../support/given.ts';
import { DF_SET, DS, DS_BASE, ES, ES_BASE, expectRealFault } from './support.ts';

/** CMPSB/CMPSW/CMPSD of `src` (DS:0x10) against `dst` (ES:0x20) as little-endian byte lists. */
function cmps(code: number[], src: number[], dst: number[], flags = 0x2) {
  return given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, flags, mem: [[DS_BASE + 0x10, src], [ES_BASE + 0x20, dst]] })
    .code(code).run().expectHalted();
}

describe('interp/string-io: CMPS', () => {
  it('CMPSB: 0x41-0x41 = 0x00 sets ZF,PF and clears CF,SF,OF,AF; SI/DI +1', () => {
    cmps([0xa6], [0x41], [0x41], 0x8d7)
      .expectFlags({ zf: 1, pf: 1, cf: 0, sf: 0, of: 0, af: 0 })
      .expectRegs({ si: 0x11, di: 0x21 });
  });

  it('CMPSB: 0x00-0x01 = 0xff sets CF,SF,AF,PF, clears ZF,OF', () => {
    cmps([0xa6], [0x00], [0x01]).expectFlags({ cf: 1, sf: 1, af: 1, pf: 1, zf: 0, of: 0 });
  });

  it('CMPSB: 0x80-0x01 = 0x7f sets OF,AF, clears CF,SF,ZF,PF', () => {
    cmps([0xa6], [0x80], [0x01]).expectFlags({ of: 1, af: 1, cf: 0, sf: 0, zf: 0, pf: 0 });
  });

  it('CMPSB: 0x7f-0x80 = 0xff sets OF,SF,CF,PF, clears AF,ZF', () => {
    cmps([0xa6], [0x7f], [0x80]).expectFlags({ of: 1, sf: 1, cf: 1, pf: 1, af: 0, zf: 0 });
  });

  it('CMPSB subtracts ES:[DI] from DS:[SI]: 0x01-0x02 sets CF, 0x02-0x01 clears it', () => {
    cmps([0xa6], [0x01], [0x02]).expectFlags({ cf: 1, sf: 1 });
    cmps([0xa6], [0x02], [0x01]).expectFlags({ cf: 0, sf: 0, zf: 0 });
  });

  it('CMPSB with DF=1: SI/DI 0x0010/0x0020 -> 0x000f/0x001f, DF kept', () => {
    cmps([0xa6], [0x05], [0x05], DF_SET).expectRegs({ si: 0x0f, di: 0x1f }).expectFlags({ zf: 1, df: 1 });
  });

  it('CMPSB with ES: (26 A6) compares ES:SI with ES:DI', () => {
    given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0x20 }, mem: [[DS_BASE + 0x10, [0x01]], [ES_BASE + 0x10, [0x09]], [ES_BASE + 0x20, [0x09]]] })
      .code([0x26, 0xa6]).run().expectHalted()
      .expectFlags({ zf: 1, cf: 0 });
  });

  it('CMPSW: 0x8000-0x0001 = 0x7fff sets OF,AF,PF, clears CF,SF,ZF; SI/DI +2', () => {
    cmps([0xa7], [0x00, 0x80], [0x01, 0x00])
      .expectFlags({ of: 1, af: 1, pf: 1, cf: 0, sf: 0, zf: 0 })
      .expectRegs({ si: 0x12, di: 0x22 });
  });

  it('CMPSW: 0xffff-0xffff sets ZF; 0x0000-0xffff = 0x0001 sets CF only', () => {
    cmps([0xa7], [0xff, 0xff], [0xff, 0xff]).expectFlags({ zf: 1, cf: 0, of: 0 });
    cmps([0xa7], [0x00, 0x00], [0xff, 0xff]).expectFlags({ cf: 1, zf: 0, sf: 0, of: 0, af: 1, pf: 0 });
  });

  it('CMPSW: 0x1200-0x0200 = 0x1000 clears ZF though the low byte is 0x00 (PF=1 from it)', () => {
    cmps([0xa7], [0x00, 0x12], [0x00, 0x02]).expectFlags({ zf: 0, pf: 1, cf: 0, sf: 0, of: 0, af: 0 });
  });

  it('CMPSW with DF=1: SI/DI -2', () => {
    cmps([0xa7], [0x34, 0x12], [0x34, 0x12], DF_SET).expectRegs({ si: 0x0e, di: 0x1e }).expectFlags({ zf: 1 });
  });

  it('CMPSD (66 A7) in real mode: 0x00000000-0x80000000 = 0x80000000 sets OF,SF,CF,PF; SI/DI +4', () => {
    cmps([0x66, 0xa7], [0, 0, 0, 0], [0, 0, 0, 0x80])
      .expectFlags({ of: 1, sf: 1, cf: 1, pf: 1, zf: 0, af: 0 })
      .expectRegs({ si: 0x14, di: 0x24 });
  });

  it('CMPSD (A7) in flat 32-bit mode: 0x7fffffff-0xffffffff = 0x80000000 sets OF,SF,CF; ESI/EDI +4', () => {
    given({ mode: 'prot32', regs: { esi: 0x40000, edi: 0x50000 }, mem: [[0x40000, [0xff, 0xff, 0xff, 0x7f]], [0x50000, [0xff, 0xff, 0xff, 0xff]]] })
      .code([0xa7]).run().expectHalted()
      .expectFlags({ of: 1, sf: 1, cf: 1, zf: 0, af: 0, pf: 1 })
      .expectRegs({ esi: 0x40004, edi: 0x50004 });
  });

  it('CMPSD with DF=1 in flat 32-bit mode: 0x80000000-0x80000000 sets ZF; ESI/EDI -4', () => {
    given({ mode: 'prot32', regs: { esi: 0x40000, edi: 0x50000 }, flags: DF_SET, mem: [[0x40000, [0, 0, 0, 0x80]], [0x50000, [0, 0, 0, 0x80]]] })
      .code([0xa7]).run().expectHalted()
      .expectFlags({ zf: 1, cf: 0, of: 0, sf: 0 })
      .expectRegs({ esi: 0x3fffc, edi: 0x4fffc });
  });

  it('CMPSW (66 A7) in flat 32-bit mode: 0x0001-0x0002 = 0xffff sets CF,SF', () => {
    given({ mode: 'prot32', regs: { esi: 0x40000, edi: 0x50000 }, mem: [[0x40000, [0x01, 0x00, 0x00, 0x00]], [0x50000, [0x02, 0x00, 0x00, 0x00]]] })
      .code([0x66, 0xa7]).run().expectHalted()
      .expectFlags({ cf: 1, sf: 1, zf: 0, of: 0 })
      .expectRegs({ esi: 0x40002, edi: 0x50002 });
  });

  it('CMPSW at SI=0xffff: #GP, IP 0x1000 pushed, flags (CF=1) and SI/DI unchanged', () => {
    expectRealFault(given({ segs: { ds: DS, es: ES }, regs: { si: 0xffff, di: 0x20 }, flags: 0x3 }).code([0xa7]).run(), 13)
      .expectRegs({ si: 0xffff, di: 0x20 })
      .expectFlags({ cf: 1, zf: 0 });
  });

  it('CMPSW at DI=0xffff: #GP, IP 0x1000 pushed, SI/DI unchanged', () => {
    expectRealFault(given({ segs: { ds: DS, es: ES }, regs: { si: 0x10, di: 0xffff } }).code([0xa7]).run(), 13)
      .expectRegs({ si: 0x10, di: 0xffff });
  });
});

/** SCASB/W/D with the accumulator given in `regs` against `dst` at ES:0x20. */
function scas(code: number[], regs: Record<string, number>, dst: number[], flags = 0x2) {
  return given({ segs: { ds: DS, es: ES }, regs: { si: 0x77, di: 0x20, ...regs }, flags, mem: [[ES_BASE + 0x20, dst]] })
    .code(code).run().expectHalted();
}

describe('interp/string-io: SCAS', () => {
  it('SCASB: AL 0x41 - 0x41 sets ZF,PF; DI +1, SI and AL untouched', () => {
    scas([0xae], { al: 0x41 }, [0x41]).expectFlags({ zf: 1, pf: 1, cf: 0, sf: 0, of: 0, af: 0 }).expectRegs({ di: 0x21, si: 0x77, al: 0x41 });
  });

  it('SCASB: AL 0x00 - 0x01 = 0xff sets CF,SF,AF,PF', () => {
    scas([0xae], { al: 0x00 }, [0x01]).expectFlags({ cf: 1, sf: 1, af: 1, pf: 1, zf: 0, of: 0 });
  });

  it('SCASB: AL 0x80 - 0x7f = 0x01 sets OF,AF, clears CF,SF,ZF,PF', () => {
    scas([0xae], { al: 0x80 }, [0x7f]).expectFlags({ of: 1, af: 1, cf: 0, sf: 0, zf: 0, pf: 0 });
  });

  it('SCASB reads ES:[DI] even with a DS: prefix (3E AE)', () => {
    given({ segs: { ds: DS, es: ES }, regs: { al: 0x33, di: 0x20 }, mem: [[DS_BASE + 0x20, [0x33]], [ES_BASE + 0x20, [0x44]]] })
      .code([0x3e, 0xae]).run().expectHalted()
      .expectFlags({ zf: 0, cf: 1 });
  });

  it('SCASB with DF=1: DI 0x0020 -> 0x001f', () => {
    scas([0xae], { al: 0x01 }, [0x01], DF_SET).expectRegs({ di: 0x1f }).expectFlags({ zf: 1 });
  });

  it('SCASW: AX 0x8000 - 0x0001 = 0x7fff sets OF,AF,PF; DI +2', () => {
    scas([0xaf], { ax: 0x8000 }, [0x01, 0x00]).expectFlags({ of: 1, af: 1, pf: 1, cf: 0, sf: 0, zf: 0 }).expectRegs({ di: 0x22 });
  });

  it('SCASW: AX 0x0000 - 0x0001 = 0xffff sets SF,CF,AF,PF', () => {
    scas([0xaf], { ax: 0x0000 }, [0x01, 0x00]).expectFlags({ sf: 1, cf: 1, af: 1, pf: 1, zf: 0, of: 0 });
  });

  it('SCASW: AX 0x1200 - 0x0200 = 0x1000 clears ZF though the low byte is 0x00', () => {
    scas([0xaf], { ax: 0x1200 }, [0x00, 0x02]).expectFlags({ zf: 0, sf: 0, cf: 0 });
  });

  it('SCASW with DF=1: AX 0xffff - 0xffff sets ZF; DI -2', () => {
    scas([0xaf], { ax: 0xffff }, [0xff, 0xff], DF_SET).expectFlags({ zf: 1 }).expectRegs({ di: 0x1e });
  });

  it('SCASD (66 AF) in real mode: EAX 0x80000000 - 0x00000001 = 0x7fffffff sets OF,AF,PF; DI +4', () => {
    scas([0x66, 0xaf], { eax: 0x80000000 }, [0x01, 0, 0, 0]).expectFlags({ of: 1, af: 1, pf: 1, cf: 0, sf: 0, zf: 0 }).expectRegs({ di: 0x24 });
  });

  it('SCASD (AF) in flat 32-bit mode: EAX 0xffffffff - 0xffffffff sets ZF; EDI +4', () => {
    given({ mode: 'prot32', regs: { eax: 0xffffffff, edi: 0x50000 }, mem: [[0x50000, [0xff, 0xff, 0xff, 0xff]]] })
      .code([0xaf]).run().expectHalted()
      .expectFlags({ zf: 1, cf: 0, sf: 0, of: 0 })
      .expectRegs({ edi: 0x50004 });
  });

  it('SCASD (AF) in flat 32-bit mode: EAX 0x00010000 - 0x00000000 clears ZF though the low word is 0', () => {
    given({ mode: 'prot32', regs: { eax: 0x10000, edi: 0x50000 } })
      .code([0xaf]).run().expectHalted()
      .expectFlags({ zf: 0, sf: 0, cf: 0 });
  });

  it('SCASD with DF=1 in flat 32-bit mode: EAX 0x00000000 - 0x00000001 sets CF,SF; EDI -4', () => {
    given({ mode: 'prot32', regs: { eax: 0, edi: 0x50000 }, flags: DF_SET, mem: [[0x50000, [0x01, 0, 0, 0]]] })
      .code([0xaf]).run().expectHalted()
      .expectFlags({ cf: 1, sf: 1, zf: 0 })
      .expectRegs({ edi: 0x4fffc });
  });

  it('SCASW (66 AF) in flat 32-bit mode compares AX only: EAX 0x12340005 vs 0x0005 sets ZF', () => {
    given({ mode: 'prot32', regs: { eax: 0x12340005, edi: 0x50000 }, mem: [[0x50000, [0x05, 0x00, 0x99, 0x99]]] })
      .code([0x66, 0xaf]).run().expectHalted()
      .expectFlags({ zf: 1 })
      .expectRegs({ edi: 0x50002 });
  });

  it('SCASW at DI=0xffff: #GP, IP 0x1000 pushed, DI and flags unchanged', () => {
    expectRealFault(given({ segs: { es: ES }, regs: { ax: 0, di: 0xffff }, flags: 0x2 }).code([0xaf]).run(), 13)
      .expectRegs({ di: 0xffff })
      .expectFlags({ zf: 0 });
  });
});
