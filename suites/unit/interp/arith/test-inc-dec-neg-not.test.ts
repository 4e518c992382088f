/**
 * TEST (84 85 A8 A9, F6/F7 /0 and the undocumented /1 copies), INC/DEC (40+r, 48+r, FE/FF /0 /1),
 * NEG and NOT (F6/F7 /2 /3), at 8, 16 and 32 bits, register and memory operands.
 *
 * Oracle: results and flags computed by hand from the SDM pseudo-code and "Flags Affected"
 * (Vol. 2A INC DEC, Vol. 2B NEG NOT TEST): TEST is AND without the write, clearing OF and CF;
 * INC/DEC keep CF; NEG sets CF unless the operand is 0; NOT touches no flag. Runs start with
 * every status flag set, and INC/DEC run with CF both set and clear.
 *
 * Left out: AF after TEST (undefined; arith.test.ts pins the model choice), segment faults.
 */

import { given } from '../../../support/given.ts';
import { ALL_STATUS, flagExpect, flagText, hex, le, modrm, type Width } from './support.ts';

const DATA = 0x2000;
const REG: Readonly<Record<Width, readonly string[]>> = {
  8: ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'],
  16: ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'],
  32: ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'],
};
const mode = (w: Width): 'real' | 'prot32' => (w === 32 ? 'prot32' : 'real');
/** [BX] in 16-bit addressing, [EBX] in 32-bit. */
const memRm = (w: Width): number => (w === 32 ? 3 : 7);
const base = (w: Width): string => (w === 32 ? 'ebx' : 'bx');

describe('TEST (84 85 A8 A9, F6/F7 /0 /1)', () => {
  const vectors: Record<Width, ReadonlyArray<{ a: number; b: number; set: string }>> = {
    8: [
      { a: 0xf0, b: 0x0f, set: 'zp' },
      { a: 0x80, b: 0xff, set: 's' },
      { a: 0x03, b: 0x01, set: '' },
    ],
    16: [
      { a: 0x8000, b: 0xffff, set: 'sp' },
      { a: 0x00ff, b: 0xff00, set: 'zp' },
      { a: 0x0101, b: 0x0003, set: '' },
    ],
    32: [
      { a: 0x80000000, b: 0x80000000, set: 'sp' },
      { a: 0x7fffffff, b: 0x80000000, set: 'zp' },
      { a: 0x00000001, b: 0x00000003, set: '' },
    ],
  };
  for (const w of [8, 16, 32] as const) {
    const wide = w === 8 ? 0 : 1;
    const dst = REG[w][2]!;
    const src = REG[w][3]!;
    for (const v of vectors[w]) {
      const what = `${hex(v.a, w)}&${hex(v.b, w)} sets ${flagText(v.set)}, clears OF,CF, writes nothing`;
      it(`TEST r/m${w},r${w} (${wide ? '85' : '84'} /r, register): ${what}`, () => {
        given({ mode: mode(w), flags: ALL_STATUS, regs: { [dst]: v.a, [src]: v.b } })
          .code([0x84 + wide, modrm(3, 3, 2)])
          .run()
          .expectHalted()
          .expectRegs({ [dst]: v.a, [src]: v.b })
          .expectFlags(flagExpect('oszpc', v.set));
      });
      it(`TEST r/m${w},r${w} (${wide ? '85' : '84'} /r, memory): ${what}`, () => {
        given({ mode: mode(w), flags: ALL_STATUS, regs: { [dst]: v.b, [base(w)]: DATA }, mem: [[DATA, le(v.a, w)]] })
          .code([0x84 + wide, modrm(0, 2, memRm(w))])
          .run()
          .expectHalted()
          .expectMem(DATA, le(v.a, w))
          .expectFlags(flagExpect('oszpc', v.set));
      });
      it(`TEST ${w === 8 ? 'AL' : w === 16 ? 'AX' : 'EAX'},imm${w} (${wide ? 'A9' : 'A8'}): ${what}`, () => {
        given({ mode: mode(w), flags: ALL_STATUS, regs: { [REG[w][0]!]: v.a } })
          .code([0xa8 + wide, ...le(v.b, w)])
          .run()
          .expectHalted()
          .expectRegs({ [REG[w][0]!]: v.a })
          .expectFlags(flagExpect('oszpc', v.set));
      });
      for (const ext of [0, 1]) {
        const name = `TEST r/m${w},imm${w} (${wide ? 'F7' : 'F6'} /${ext}${ext === 1 ? ' alias' : ''}`;
        it(`${name}, register): ${what}`, () => {
          given({ mode: mode(w), flags: ALL_STATUS, regs: { [dst]: v.a } })
            .code([0xf6 + wide, modrm(3, ext, 2), ...le(v.b, w)])
            .run()
            .expectHalted()
            .expectRegs({ [dst]: v.a })
            .expectFlags(flagExpect('oszpc', v.set));
        });
        it(`${name}, memory): ${what}`, () => {
          given({ mode: mode(w), flags: ALL_STATUS, regs: { [base(w)]: DATA }, mem: [[DATA, le(v.a, w)]] })
            .code([0xf6 + wide, modrm(0, ext, memRm(w)), ...le(v.b, w)])
            .run()
            .expectHalted()
            .expectMem(DATA, le(v.a, w))
            .expectFlags(flagExpect('oszpc', v.set));
        });
      }
    }
  }
});

interface UnaryVector {
  readonly a: number;
  readonly r: number;
  readonly set: string;
}

const INC: Record<Width, readonly UnaryVector[]> = {
  8: [
    { a: 0x7f, r: 0x80, set: 'osa' },
    { a: 0xff, r: 0x00, set: 'zap' },
    { a: 0x00, r: 0x01, set: '' },
  ],
  16: [
    { a: 0x7fff, r: 0x8000, set: 'osap' },
    { a: 0xffff, r: 0x0000, set: 'zap' },
    { a: 0x000f, r: 0x0010, set: 'a' },
  ],
  32: [
    { a: 0x7fffffff, r: 0x80000000, set: 'osap' },
    { a: 0xffffffff, r: 0x00000000, set: 'zap' },
    { a: 0x00000002, r: 0x00000003, set: 'p' },
  ],
};
const DEC: Record<Width, readonly UnaryVector[]> = {
  8: [
    { a: 0x80, r: 0x7f, set: 'oa' },
    { a: 0x00, r: 0xff, set: 'sap' },
    { a: 0x01, r: 0x00, set: 'zp' },
  ],
  16: [
    { a: 0x8000, r: 0x7fff, set: 'oap' },
    { a: 0x0000, r: 0xffff, set: 'sap' },
    { a: 0x0001, r: 0x0000, set: 'zp' },
  ],
  32: [
    { a: 0x80000000, r: 0x7fffffff, set: 'oap' },
    { a: 0x00000000, r: 0xffffffff, set: 'sap' },
    { a: 0x00000001, r: 0x00000000, set: 'zp' },
  ],
};

for (const [mnemonic, ext, plusBase, vectors] of [
  ['INC', 0, 0x40, INC],
  ['DEC', 1, 0x48, DEC],
] as const) {
  describe(`${mnemonic} (${plusBase.toString(16)}+r, FE/FF /${ext})`, () => {
    for (const w of [8, 16, 32] as const) {
      const wide = w === 8 ? 0 : 1;
      for (const v of vectors[w]) {
        for (const cf of [0, 1] as const) {
          const what = `${hex(v.a, w)}->${hex(v.r, w)} sets ${flagText(v.set)}, keeps CF=${cf}`;
          const flags = (ALL_STATUS & ~0x1) | cf;
          const expected = { ...flagExpect('oszap', v.set), cf };
          if (w !== 8) {
            // 40+r: the register is in the opcode; DI (7) exercises the top of the range.
            it(`${mnemonic} r${w} (${(plusBase + 7).toString(16)}, DI/EDI): ${what}`, () => {
              given({ mode: mode(w), flags, regs: { [REG[w][7]!]: v.a, [REG[w][6]!]: 0x1234 } })
                .code([plusBase + 7])
                .run()
                .expectHalted()
                .expectRegs({ [REG[w][7]!]: v.r, [REG[w][6]!]: 0x1234 })
                .expectFlags(expected);
            });
          }
          it(`${mnemonic} r/m${w} (${wide ? 'FF' : 'FE'} /${ext}, register): ${what}`, () => {
            given({ mode: mode(w), flags, regs: { [REG[w][2]!]: v.a } })
              .code([0xfe + wide, modrm(3, ext, 2)])
              .run()
              .expectHalted()
              .expectRegs({ [REG[w][2]!]: v.r })
              .expectFlags(expected);
          });
          it(`${mnemonic} r/m${w} (${wide ? 'FF' : 'FE'} /${ext}, memory): ${what}`, () => {
            given({ mode: mode(w), flags, regs: { [base(w)]: DATA }, mem: [[DATA, le(v.a, w)]] })
              .code([0xfe + wide, modrm(0, ext, memRm(w))])
              .run()
              .expectHalted()
              .expectMem(DATA, le(v.r, w))
              .expectFlags(expected);
          });
        }
      }
    }

    it(`${mnemonic} r16 in 32-bit code through 66 (66 ${plusBase.toString(16)}, AX): keeps EAX[31:16]`, () => {
      given({ mode: 'prot32', regs: { eax: 0x1234ffff } })
        .code([0x66, plusBase])
        .run()
        .expectHalted()
        .expectRegs({ eax: mnemonic === 'INC' ? 0x12340000 : 0x1234fffe });
    });

    it(`${mnemonic} r8 on AH (FE /${ext} C4): only AH changes`, () => {
      given({ regs: { ax: 0x7f7f } })
        .code([0xfe, modrm(3, ext, 4)])
        .run()
        .expectHalted()
        .expectRegs({ ax: mnemonic === 'INC' ? 0x807f : 0x7e7f });
    });
  });
}

describe('NEG (F6/F7 /3) and NOT (F6/F7 /2)', () => {
  const NEG: Record<Width, readonly UnaryVector[]> = {
    8: [
      { a: 0x00, r: 0x00, set: 'zp' },
      { a: 0x01, r: 0xff, set: 'sapc' },
      { a: 0x80, r: 0x80, set: 'osc' },
      { a: 0x7f, r: 0x81, set: 'sapc' },
    ],
    16: [
      { a: 0x0000, r: 0x0000, set: 'zp' },
      { a: 0x0001, r: 0xffff, set: 'sapc' },
      { a: 0x8000, r: 0x8000, set: 'ospc' },
    ],
    32: [
      { a: 0x00000000, r: 0x00000000, set: 'zp' },
      { a: 0x00000001, r: 0xffffffff, set: 'sapc' },
      { a: 0x80000000, r: 0x80000000, set: 'ospc' },
    ],
  };
  const NOT: Record<Width, ReadonlyArray<readonly [number, number]>> = {
    8: [[0x0f, 0xf0], [0x00, 0xff]],
    16: [[0x00ff, 0xff00], [0xffff, 0x0000]],
    32: [[0x0000ffff, 0xffff0000], [0x80000000, 0x7fffffff]],
  };
  for (const w of [8, 16, 32] as const) {
    const wide = w === 8 ? 0 : 1;
    for (const v of NEG[w]) {
      for (const where of ['register', 'memory'] as const) {
        it(`NEG r/m${w} (${wide ? 'F7' : 'F6'} /3, ${where}): -${hex(v.a, w)}=${hex(v.r, w)} sets ${flagText(v.set)}`, () => {
          const o = given({ mode: mode(w), flags: 0x2, regs: where === 'register' ? { [REG[w][2]!]: v.a } : { [base(w)]: DATA }, mem: [[DATA, le(v.a, w)]] })
            .code([0xf6 + wide, where === 'register' ? modrm(3, 3, 2) : modrm(0, 3, memRm(w))])
            .run()
            .expectHalted()
            .expectFlags(flagExpect('oszapc', v.set));
          if (where === 'register') o.expectRegs({ [REG[w][2]!]: v.r });
          else o.expectMem(DATA, le(v.r, w));
        });
      }
    }
    for (const [a, r] of NOT[w]) {
      for (const flags of [0x2, ALL_STATUS]) {
        it(`NOT r/m${w} (${wide ? 'F7' : 'F6'} /2, register and memory): ~${hex(a, w)}=${hex(r, w)}, EFLAGS ${hex(flags, 16)} unchanged`, () => {
          const status = flags === 0x2 ? '' : 'oszapc';
          given({ mode: mode(w), flags, regs: { [REG[w][2]!]: a } })
            .code([0xf6 + wide, modrm(3, 2, 2)])
            .run()
            .expectHalted()
            .expectRegs({ [REG[w][2]!]: r })
            .expectFlags(flagExpect('oszapc', status));
          given({ mode: mode(w), flags, regs: { [base(w)]: DATA }, mem: [[DATA, le(a, w)]] })
            .code([0xf6 + wide, modrm(0, 2, memRm(w))])
            .run()
            .expectHalted()
            .expectMem(DATA, le(r, w))
            .expectFlags(flagExpect('oszapc', status));
        });
      }
    }
  }
});
