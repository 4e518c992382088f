// Jcc: 70+cc rel8 and 0F 80+cc rel16/rel32, each in both operand sizes (64 forms).
//
// Checked: every condition against every combination of the flags it tests (rel8, 16-bit code),
// and a taken and a not-taken case of every condition in the other three encodings; backward
// displacements and the 0x7FFF/0x8000 displacement edges; target truncation to 16 bits with a
// 16-bit operand size (in 16- and 32-bit code) and none with a 32-bit one; #GP(0) for a taken
// target beyond the CS limit (with the IP of the Jcc pushed and flags untouched), no check when
// not taken; 0F 8x is #UD on the 286. Jcc never writes a flag.
// Oracle: SDM Vol. 2A, Jcc, and Appendix B, Table B-1 (the condition definitions are written out
// below independently of flags.ts); expected IPs are computed by hand from the encodings.
// Left out: conditions read from lazy flags left by arithmetic (the arith group's tests drive
// those through testCondition); prefetch and timing.

import { given } from '../../../support/given.ts';
import { hex, le16, le32 } from './support.ts';

const CF = 0x1;
const PF = 0x4;
const ZF = 0x40;
const SF = 0x80;
const OF = 0x800;
const FLAG_BITS = { c: CF, p: PF, z: ZF, s: SF, o: OF } as const;
type FlagLetter = keyof typeof FLAG_BITS;

interface Condition {
  readonly cc: string;
  readonly reads: readonly FlagLetter[];
  readonly holds: (f: number) => boolean;
}

const on = (f: number, bit: number): boolean => (f & bit) !== 0;

/** Table B-1, in opcode order. */
const CONDITIONS: readonly Condition[] = [
  { cc: 'o', reads: ['o'], holds: (f) => on(f, OF) },
  { cc: 'no', reads: ['o'], holds: (f) => !on(f, OF) },
  { cc: 'b', reads: ['c'], holds: (f) => on(f, CF) },
  { cc: 'ae', reads: ['c'], holds: (f) => !on(f, CF) },
  { cc: 'e', reads: ['z'], holds: (f) => on(f, ZF) },
  { cc: 'ne', reads: ['z'], holds: (f) => !on(f, ZF) },
  { cc: 'be', reads: ['c', 'z'], holds: (f) => on(f, CF) || on(f, ZF) },
  { cc: 'a', reads: ['c', 'z'], holds: (f) => !on(f, CF) && !on(f, ZF) },
  { cc: 's', reads: ['s'], holds: (f) => on(f, SF) },
  { cc: 'ns', reads: ['s'], holds: (f) => !on(f, SF) },
  { cc: 'p', reads: ['p'], holds: (f) => on(f, PF) },
  { cc: 'np', reads: ['p'], holds: (f) => !on(f, PF) },
  { cc: 'l', reads: ['s', 'o'], holds: (f) => on(f, SF) !== on(f, OF) },
  { cc: 'ge', reads: ['s', 'o'], holds: (f) => on(f, SF) === on(f, OF) },
  { cc: 'le', reads: ['z', 's', 'o'], holds: (f) => on(f, ZF) || on(f, SF) !== on(f, OF) },
  { cc: 'g', reads: ['z', 's', 'o'], holds: (f) => !on(f, ZF) && on(f, SF) === on(f, OF) },
];

/** Every FLAGS image over the condition's flags (bit 1 always set). */
function combinations(reads: readonly FlagLetter[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < 1 << reads.length; k++) {
    let f = 0x2;
    reads.forEach((letter, bit) => {
      if (k & (1 << bit)) f |= FLAG_BITS[letter];
    });
    out.push(f);
  }
  return out;
}

function describeFlags(f: number, reads: readonly FlagLetter[]): string {
  return reads.map((l) => `${l.toUpperCase()}F=${on(f, FLAG_BITS[l]) ? 1 : 0}`).join(',');
}

/**
 * The four encodings, each skipping one HLT when taken: the code is the Jcc with displacement +1,
 * a HLT, then the runner's own HLT. Taken ends one byte later than not taken.
 */
const ENCODINGS = [
  { name: 'rel8_16', mode: 'real', bytes: (n: number) => [0x70 + n, 0x01] },
  { name: 'rel8_32', mode: 'prot32', bytes: (n: number) => [0x70 + n, 0x01] },
  { name: 'rel16', mode: 'real', bytes: (n: number) => [0x0f, 0x80 + n, ...le16(1)] },
  { name: 'rel32_32', mode: 'prot32', bytes: (n: number) => [0x0f, 0x80 + n, ...le32(1)] },
] as const;

describe('interp/control: Jcc', () => {
  describe('every condition over every combination of its flags (rel8, 16-bit code)', () => {
    CONDITIONS.forEach((c, n) => {
      for (const flags of combinations(c.reads)) {
        const taken = c.holds(flags);
        it(`J${c.cc.toUpperCase()} rel8 (${hex(0x70 + n, 2)}): ${describeFlags(flags, c.reads)} (FLAGS ${hex(flags)}) ${taken ? 'jumps to 0x1003' : 'falls through to 0x1002'}`, () => {
          given({ flags }).code([0x70 + n, 0x01, 0xf4]).run()
            .expectHalted()
            .expectRegs({ eip: taken ? 0x1004 : 0x1003, flags });
        });
      }
    });
  });

  for (const enc of ENCODINGS.slice(1)) {
    describe(`Jcc_${enc.name}: taken and not taken`, () => {
      CONDITIONS.forEach((c, n) => {
        const all = combinations(c.reads);
        const yes = all.find((f) => c.holds(f))!;
        const no = all.find((f) => !c.holds(f))!;
        const bytes = enc.bytes(n);
        const end = 0x1000 + bytes.length + 1;
        it(`J${c.cc.toUpperCase()} ${enc.name} [${bytes.map((b) => hex(b, 2)).join(' ')}] (${enc.mode}): FLAGS ${hex(yes)} taken, IP -> ${hex(end)}`, () => {
          given({ mode: enc.mode, flags: yes }).code([...bytes, 0xf4]).run().expectHalted().expectRegs({ eip: end + 1 });
        });
        it(`J${c.cc.toUpperCase()} ${enc.name} (${enc.mode}): FLAGS ${hex(no)} not taken, IP -> ${hex(end - 1)}`, () => {
          given({ mode: enc.mode, flags: no }).code([...bytes, 0xf4]).run().expectHalted().expectRegs({ eip: end });
        });
      });
    });
  }

  describe('targets', () => {
    it('JE backward rel8: 0xFD (-3) from 0x1005 lands on the HLT at 0x1002', () => {
      // 1000: JE +1 -> 1003; 1003: JE -3 -> 1002 (HLT)
      given({ flags: ZF | 2 }).code([0x74, 0x01, 0xf4, 0x74, 0xfd]).run().expectHalted().expectRegs({ eip: 0x1003 });
    });

    it('JO rel8 in 16-bit code wraps: CS=0x2000, IP 0xFFFC, +0x10 -> 0x000E', () => {
      given({ flags: OF | 2, segs: { cs: 0x2000 }, ip: 0xfffc, mem: [[0x2000e, [0xf4]]] })
        .code([0x70, 0x10]).run().expectHalted().expectRegs({ cs: 0x2000, eip: 0x000f });
    });

    it('JE rel16 0x8000 (-32768) from 0x1004 -> 0x9004 (16-bit wrap)', () => {
      given({ flags: ZF | 2, mem: [[0x9004, [0xf4]]] }).code([0x0f, 0x84, ...le16(0x8000)]).run().expectHalted().expectRegs({ eip: 0x9005 });
    });

    it('JE rel16 0x7FFF from 0x1004 -> 0x9003', () => {
      given({ flags: ZF | 2, mem: [[0x9003, [0xf4]]] }).code([0x0f, 0x84, ...le16(0x7fff)]).run().expectHalted().expectRegs({ eip: 0x9004 });
    });

    it('JE rel32 0xFFFFF000 (-0x1000) in 32-bit code from 0x1006 -> 0x00000006', () => {
      given({ mode: 'prot32', flags: ZF | 2, mem: [[0x6, [0xf4]]] }).code([0x0f, 0x84, ...le32(0xfffff000)]).run().expectHalted().expectRegs({ eip: 7 });
    });

    it('66 JE rel8 in 32-bit code truncates: 0x1FFF3 + 2 -> 0x0000FFF5', () => {
      given({ mode: 'prot32', flags: ZF | 2, ip: 0x1fff0, mem: [[0xfff5, [0xf4]]] }).code([0x66, 0x74, 0x02]).run().expectHalted().expectRegs({ eip: 0xfff6 });
    });

    it('66 0F 84 rel16 in 32-bit code truncates: 0x1FFF5 + 0 -> 0x0000FFF5', () => {
      given({ mode: 'prot32', flags: ZF | 2, ip: 0x1fff0, mem: [[0xfff5, [0xf4]]] }).code([0x66, 0x0f, 0x84, 0x00, 0x00]).run().expectHalted().expectRegs({ eip: 0xfff6 });
    });
  });

  describe('exceptions', () => {
    it('66 JE rel8 in real mode, taken from IP 0xFFFC to 0x1000F: beyond the 0xFFFF CS limit, #GP(0) with IP 0xFFFC pushed', () => {
      given({ flags: ZF | 2, ip: 0xfffc }).code([0x66, 0x74, 0x10]).run()
        .expectException(13)
        .expectRegs({ sp: 0xffea })
        .expectMem(0xffea, [...le16(0xfffc), 0x00, 0x00, ...le16(ZF | 2)]);
    });

    it('66 JE rel8 in real mode, not taken at IP 0xFFFC: no limit check, falls through to the HLT at 0xFFFF', () => {
      given({ flags: 2, ip: 0xfffc }).code([0x66, 0x74, 0x10]).run().expectHalted().expectRegs({ eip: 0x0000 });
    });

    it('66 0F 85 rel32 0x00010000 in real mode: target 0x11007 > 0xFFFF, #GP(0), IP 0x1000 pushed', () => {
      given({ flags: 2 }).code([0x66, 0x0f, 0x85, ...le32(0x10000)]).run()
        .expectException(13)
        .expectMem(0xffea, le16(0x1000));
    });

    it('i286: 0F 84 (Jcc rel16 is i386) raises #UD with IP 0x1000 pushed', () => {
      given({ cpu: 'i286', flags: ZF | 2 }).code([0x0f, 0x84, 0x01, 0x00]).run()
        .expectException(6)
        .expectMem(0xffea, le16(0x1000));
    });

    it('i286: JE rel8 (0x74) taken with ZF=1', () => {
      given({ cpu: 'i286', flags: ZF | 2 }).code([0x74, 0x01, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1004 });
    });
  });
});
