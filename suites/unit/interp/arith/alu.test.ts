/**
 * ADD OR ADC SBB AND SUB XOR CMP in every encoding of Table A-2 rows 0-3 and of group 1
 * (80 81 82 83), at 8, 16 and 32 bits, with register and memory operands.
 *
 * Oracle: the result and flags of every vector are computed by hand from the SDM pseudo-code and
 * "Flags Affected" sections (Vol. 2A/2B, ADD ... XOR), written out literally below; each vector
 * runs through every encoding of its width. Every run starts with all six status flags set (CF
 * being the vector's carry-in for ADC/SBB), so a flag the instruction must clear is checked too. AF after AND/OR/XOR is undefined and not checked here (arith.test.ts pins the model choice).
 *
 * Left out: paging and protected-mode segment faults (the access layer's tests), and LOCK beyond
 * the #UD rules (arith.test.ts).
 */

import { given, type Outcome } from '../../../support/given.ts';
import { ALL_STATUS, flagExpect, flagText, hex, le, modrm, type Width } from './support.ts';

interface Vector {
  readonly a: number;
  readonly b: number;
  /** Carry in, for ADC/SBB. */
  readonly cf?: 0 | 1;
  readonly r: number;
  /** Status flags that end up set, as XED letters; the other checked ones end up clear. */
  readonly set: string;
}

interface AluOp {
  readonly mnemonic: string;
  /** First opcode of its Table A-2 row block (00 08 10 ... 38) and its group-1 ModRM.reg. */
  readonly base: number;
  readonly ext: number;
  readonly symbol: string;
  /** Defined flags: all six, or five for the logic operations (AF undefined). */
  readonly checked: string;
  /** CMP writes nothing back. */
  readonly writes: boolean;
  readonly vectors: Readonly<Record<Width, readonly Vector[]>>;
}

const ARITH = 'oszapc';
const LOGIC = 'oszpc';

const OPS: readonly AluOp[] = [
  {
    mnemonic: 'ADD', base: 0x00, ext: 0, symbol: '+', checked: ARITH, writes: true,
    vectors: {
      8: [
        { a: 0x7f, b: 0x01, r: 0x80, set: 'osa' },
        { a: 0xff, b: 0x01, r: 0x00, set: 'zapc' },
        { a: 0x80, b: 0x80, r: 0x00, set: 'ozpc' },
        { a: 0x12, b: 0x34, r: 0x46, set: '' },
        { a: 0x01, b: 0xff, r: 0x00, set: 'zapc' },
      ],
      16: [
        { a: 0x7fff, b: 0x0001, r: 0x8000, set: 'osap' },
        { a: 0xffff, b: 0x0001, r: 0x0000, set: 'zapc' },
        { a: 0x8000, b: 0x8000, r: 0x0000, set: 'ozpc' },
        { a: 0x1234, b: 0x0f0f, r: 0x2143, set: 'a' },
        { a: 0x0001, b: 0xffff, r: 0x0000, set: 'zapc' },
      ],
      32: [
        { a: 0x7fffffff, b: 0x00000001, r: 0x80000000, set: 'osap' },
        { a: 0xffffffff, b: 0x00000001, r: 0x00000000, set: 'zapc' },
        { a: 0x80000000, b: 0x80000000, r: 0x00000000, set: 'ozpc' },
        { a: 0x12345678, b: 0x0000ff01, r: 0x12355579, set: '' },
        { a: 0x00000001, b: 0xffffffff, r: 0x00000000, set: 'zapc' },
      ],
    },
  },
  {
    mnemonic: 'OR', base: 0x08, ext: 1, symbol: '|', checked: LOGIC, writes: true,
    vectors: {
      8: [
        { a: 0x0f, b: 0xf0, r: 0xff, set: 'sp' },
        { a: 0x00, b: 0x00, r: 0x00, set: 'zp' },
        { a: 0x01, b: 0x02, r: 0x03, set: 'p' },
        { a: 0x40, b: 0xff, r: 0xff, set: 'sp' },
      ],
      16: [
        { a: 0x8000, b: 0x0001, r: 0x8001, set: 's' },
        { a: 0x0000, b: 0x0000, r: 0x0000, set: 'zp' },
        { a: 0x1200, b: 0xfffe, r: 0xfffe, set: 's' },
      ],
      32: [
        { a: 0x80000000, b: 0x00000003, r: 0x80000003, set: 'sp' },
        { a: 0x00000000, b: 0x00000000, r: 0x00000000, set: 'zp' },
        { a: 0x12345678, b: 0xffffff00, r: 0xffffff78, set: 'sp' },
      ],
    },
  },
  {
    mnemonic: 'ADC', base: 0x10, ext: 2, symbol: '+', checked: ARITH, writes: true,
    vectors: {
      8: [
        { a: 0xff, b: 0x00, cf: 1, r: 0x00, set: 'zapc' },
        { a: 0x7f, b: 0x00, cf: 1, r: 0x80, set: 'osa' },
        { a: 0x10, b: 0x20, cf: 0, r: 0x30, set: 'p' },
        { a: 0xff, b: 0xff, cf: 1, r: 0xff, set: 'sapc' },
      ],
      16: [
        { a: 0xffff, b: 0x0000, cf: 1, r: 0x0000, set: 'zapc' },
        { a: 0x7fff, b: 0x0000, cf: 1, r: 0x8000, set: 'osap' },
        { a: 0xffff, b: 0xffff, cf: 1, r: 0xffff, set: 'sapc' },
        { a: 0x1000, b: 0x2000, cf: 0, r: 0x3000, set: 'p' },
      ],
      32: [
        { a: 0xffffffff, b: 0x00000000, cf: 1, r: 0x00000000, set: 'zapc' },
        { a: 0x7fffffff, b: 0x00000000, cf: 1, r: 0x80000000, set: 'osap' },
        { a: 0xffffffff, b: 0xffffffff, cf: 1, r: 0xffffffff, set: 'sapc' },
        { a: 0x10000000, b: 0x20000000, cf: 0, r: 0x30000000, set: 'p' },
      ],
    },
  },
  {
    mnemonic: 'SBB', base: 0x18, ext: 3, symbol: '-', checked: ARITH, writes: true,
    vectors: {
      8: [
        { a: 0x00, b: 0x00, cf: 1, r: 0xff, set: 'sapc' },
        { a: 0x80, b: 0x00, cf: 1, r: 0x7f, set: 'oa' },
        { a: 0x50, b: 0x10, cf: 0, r: 0x40, set: '' },
        { a: 0x01, b: 0x00, cf: 1, r: 0x00, set: 'zp' },
        { a: 0x00, b: 0xff, cf: 1, r: 0x00, set: 'zapc' },
      ],
      16: [
        { a: 0x0000, b: 0x0000, cf: 1, r: 0xffff, set: 'sapc' },
        { a: 0x8000, b: 0x0000, cf: 1, r: 0x7fff, set: 'oap' },
        { a: 0x0001, b: 0x0000, cf: 1, r: 0x0000, set: 'zp' },
        { a: 0x0000, b: 0xffff, cf: 1, r: 0x0000, set: 'zapc' },
      ],
      32: [
        { a: 0x00000000, b: 0x00000000, cf: 1, r: 0xffffffff, set: 'sapc' },
        { a: 0x80000000, b: 0x00000000, cf: 1, r: 0x7fffffff, set: 'oap' },
        { a: 0x00000001, b: 0x00000000, cf: 1, r: 0x00000000, set: 'zp' },
        { a: 0x00000000, b: 0xffffffff, cf: 1, r: 0x00000000, set: 'zapc' },
      ],
    },
  },
  {
    mnemonic: 'AND', base: 0x20, ext: 4, symbol: '&', checked: LOGIC, writes: true,
    vectors: {
      8: [
        { a: 0xf0, b: 0x0f, r: 0x00, set: 'zp' },
        { a: 0xff, b: 0x80, r: 0x80, set: 's' },
        { a: 0xff, b: 0xff, r: 0xff, set: 'sp' },
      ],
      16: [
        { a: 0xff00, b: 0x0ff0, r: 0x0f00, set: 'p' },
        { a: 0xffff, b: 0x8000, r: 0x8000, set: 'sp' },
        { a: 0x1234, b: 0xffff, r: 0x1234, set: '' },
      ],
      32: [
        { a: 0xffffffff, b: 0x80000000, r: 0x80000000, set: 'sp' },
        { a: 0x12345678, b: 0x00000000, r: 0x00000000, set: 'zp' },
        { a: 0x12345678, b: 0xffffffff, r: 0x12345678, set: 'p' },
      ],
    },
  },
  {
    mnemonic: 'SUB', base: 0x28, ext: 5, symbol: '-', checked: ARITH, writes: true,
    vectors: {
      8: [
        { a: 0x80, b: 0x01, r: 0x7f, set: 'oa' },
        { a: 0x00, b: 0x01, r: 0xff, set: 'sapc' },
        { a: 0x05, b: 0x05, r: 0x00, set: 'zp' },
        { a: 0x40, b: 0x10, r: 0x30, set: 'p' },
        { a: 0x7f, b: 0xff, r: 0x80, set: 'osc' },
      ],
      16: [
        { a: 0x8000, b: 0x0001, r: 0x7fff, set: 'oap' },
        { a: 0x0000, b: 0x0001, r: 0xffff, set: 'sapc' },
        { a: 0x1234, b: 0x1234, r: 0x0000, set: 'zp' },
        { a: 0x7fff, b: 0xffff, r: 0x8000, set: 'ospc' },
      ],
      32: [
        { a: 0x80000000, b: 0x00000001, r: 0x7fffffff, set: 'oap' },
        { a: 0x00000000, b: 0x00000001, r: 0xffffffff, set: 'sapc' },
        { a: 0x12345678, b: 0x12345678, r: 0x00000000, set: 'zp' },
        { a: 0x7fffffff, b: 0xffffffff, r: 0x80000000, set: 'ospc' },
      ],
    },
  },
  {
    mnemonic: 'XOR', base: 0x30, ext: 6, symbol: '^', checked: LOGIC, writes: true,
    vectors: {
      8: [
        { a: 0xff, b: 0xff, r: 0x00, set: 'zp' },
        { a: 0x0f, b: 0xf0, r: 0xff, set: 'sp' },
        { a: 0x80, b: 0x01, r: 0x81, set: 'sp' },
        { a: 0x01, b: 0x00, r: 0x01, set: '' },
      ],
      16: [
        { a: 0xffff, b: 0xffff, r: 0x0000, set: 'zp' },
        { a: 0x8000, b: 0x0001, r: 0x8001, set: 's' },
        { a: 0x00ff, b: 0xffff, r: 0xff00, set: 'sp' },
      ],
      32: [
        { a: 0x00000000, b: 0x80000000, r: 0x80000000, set: 'sp' },
        { a: 0xffffffff, b: 0xffffffff, r: 0x00000000, set: 'zp' },
        { a: 0xffffffff, b: 0x00000001, r: 0xfffffffe, set: 's' },
      ],
    },
  },
  {
    mnemonic: 'CMP', base: 0x38, ext: 7, symbol: '-', checked: ARITH, writes: false,
    vectors: {
      8: [
        { a: 0x80, b: 0x01, r: 0x7f, set: 'oa' },
        { a: 0x00, b: 0x01, r: 0xff, set: 'sapc' },
        { a: 0x05, b: 0x05, r: 0x00, set: 'zp' },
        { a: 0x7f, b: 0xff, r: 0x80, set: 'osc' },
      ],
      16: [
        { a: 0x8000, b: 0x0001, r: 0x7fff, set: 'oap' },
        { a: 0x0000, b: 0x0001, r: 0xffff, set: 'sapc' },
        { a: 0x1234, b: 0x1234, r: 0x0000, set: 'zp' },
        { a: 0x7fff, b: 0xffff, r: 0x8000, set: 'ospc' },
      ],
      32: [
        { a: 0x80000000, b: 0x00000001, r: 0x7fffffff, set: 'oap' },
        { a: 0x00000000, b: 0x00000001, r: 0xffffffff, set: 'sapc' },
        { a: 0x12345678, b: 0x12345678, r: 0x00000000, set: 'zp' },
        { a: 0x7fffffff, b: 0xffffffff, r: 0x80000000, set: 'ospc' },
      ],
    },
  },
];

/** Register names by ModRM number and width; 2 (DL/DX/EDX) is the destination, 3 the source. */
const REG_NAMES: Readonly<Record<Width, readonly string[]>> = {
  8: ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'],
  16: ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'],
  32: ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'],
};
const DATA = 0x2000;

/** 8- and 16-bit forms run in real mode with [BX]; 32-bit forms in flat 32-bit mode with [EBX]. */
function env(width: Width): { mode: 'real' | 'prot32'; memRm: number; base: string } {
  return width === 32 ? { mode: 'prot32', memRm: 3, base: 'ebx' } : { mode: 'real', memRm: 7, base: 'bx' };
}

/** Sign-extends an imm8 to `width` bits, unsigned: what 83 /digit ib supplies. */
function signExtend8(value: number, width: Width): number {
  const wide = (value << 24) >> 24;
  return width === 32 ? wide >>> 0 : wide & ((1 << width) - 1);
}

interface Encoding {
  readonly label: string;
  readonly applies: (v: Vector) => boolean;
  readonly run: (v: Vector, flags: number) => void;
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** Every encoding of `op` at `width`, each a label (form and opcode) and a runner for one vector. */
function encodings(op: AluOp, width: Width): Encoding[] {
  const { mode, memRm, base } = env(width);
  const names = REG_NAMES[width];
  const dst = names[2]!;
  const src = names[3]!;
  const acc = names[0]!;
  const wide = width === 8 ? 0 : 1;
  const rm = `r/m${width}`;
  const reg = `r${width}`;
  const imm = `imm${width}`;
  const accName = width === 8 ? 'AL' : width === 16 ? 'AX' : 'EAX';
  const result = (v: Vector): number => (op.writes ? v.r : v.a);
  const expectFlags = (o: Outcome, v: Vector): void => {
    o.expectFlags(flagExpect(op.checked, v.set));
  };
  const list: Encoding[] = [
    {
      label: `${rm},${reg} (${hex2(op.base + wide)} /r, register)`,
      applies: () => true,
      run: (v, flags) => {
        const o = given({ mode, flags, regs: { [dst]: v.a, [src]: v.b } })
          .code([op.base + wide, modrm(3, 3, 2)])
          .run()
          .expectHalted()
          .expectRegs({ [dst]: result(v), [src]: v.b });
        expectFlags(o, v);
      },
    },
    {
      label: `${rm},${reg} (${hex2(op.base + wide)} /r, memory)`,
      applies: () => true,
      run: (v, flags) => {
        const o = given({ mode, flags, regs: { [dst]: v.b, [base]: DATA }, mem: [[DATA, le(v.a, width)]] })
          .code([op.base + wide, modrm(0, 2, memRm)])
          .run()
          .expectHalted()
          .expectMem(DATA, le(result(v), width))
          .expectRegs({ [dst]: v.b });
        expectFlags(o, v);
      },
    },
    {
      label: `${reg},${rm} (${hex2(op.base + 2 + wide)} /r, register)`,
      applies: () => true,
      run: (v, flags) => {
        const o = given({ mode, flags, regs: { [dst]: v.a, [src]: v.b } })
          .code([op.base + 2 + wide, modrm(3, 2, 3)])
          .run()
          .expectHalted()
          .expectRegs({ [dst]: result(v), [src]: v.b });
        expectFlags(o, v);
      },
    },
    {
      label: `${reg},${rm} (${hex2(op.base + 2 + wide)} /r, memory)`,
      applies: () => true,
      run: (v, flags) => {
        const o = given({ mode, flags, regs: { [dst]: v.a, [base]: DATA }, mem: [[DATA, le(v.b, width)]] })
          .code([op.base + 2 + wide, modrm(0, 2, memRm)])
          .run()
          .expectHalted()
          .expectRegs({ [dst]: result(v) })
          .expectMem(DATA, le(v.b, width));
        expectFlags(o, v);
      },
    },
    {
      label: `${accName},${imm} (${hex2(op.base + 4 + wide)})`,
      applies: () => true,
      run: (v, flags) => {
        const o = given({ mode, flags, regs: { [acc]: v.a } })
          .code([op.base + 4 + wide, ...le(v.b, width)])
          .run()
          .expectHalted()
          .expectRegs({ [acc]: result(v) });
        expectFlags(o, v);
      },
    },
  ];
  const group1 = width === 8 ? [0x80, 0x82] : [0x81, 0x83];
  for (const opcode of group1) {
    const short = opcode === 0x83;
    for (const where of ['register', 'memory'] as const) {
      const form = short ? `${rm},imm8 sign-extended` : `${rm},${width === 8 ? 'imm8' : imm}`;
      const alias = opcode === 0x82 ? ' alias' : '';
      list.push({
        label: `${form} (${hex2(opcode)} /${op.ext}${alias}, ${where})`,
        applies: (v) => !short || signExtend8(v.b & 0xff, width) === v.b,
        run: (v, flags) => {
          const immBytes = short ? [v.b & 0xff] : le(v.b, width);
          const regs = where === 'register' ? { [dst]: v.a } : { [base]: DATA };
          const o = given({ mode, flags, regs, mem: [[DATA, le(v.a, width)]] })
            .code([opcode, where === 'register' ? modrm(3, op.ext, 2) : modrm(0, op.ext, memRm), ...immBytes])
            .run()
            .expectHalted();
          if (where === 'register') o.expectRegs({ [dst]: result(v) });
          else o.expectMem(DATA, le(result(v), width));
          expectFlags(o, v);
        },
      });
    }
  }
  return list;
}

/** Initial EFLAGS: every status flag set, except CF, which is the vector's carry-in for ADC/SBB. */
function initialFlags(v: Vector): number {
  return v.cf === undefined ? ALL_STATUS : (ALL_STATUS & ~0x1) | v.cf;
}

for (const op of OPS) {
  const row = `${hex2(op.base)}-${hex2(op.base + 5)}`;
  describe(`${op.mnemonic} (${row}, 80-83 /${op.ext})`, () => {
    for (const width of [8, 16, 32] as const) {
      for (const enc of encodings(op, width)) {
        for (const v of op.vectors[width]) {
          if (!enc.applies(v)) continue;
          const carry = v.cf === undefined ? '' : `+CF=${v.cf}`;
          const stored = op.writes ? `=${hex(v.r, width)}` : ` (${hex(v.r, width)}, not stored)`;
          it(`${op.mnemonic} ${enc.label}: ${hex(v.a, width)}${op.symbol}${hex(v.b, width)}${carry}${stored} sets ${flagText(v.set)}`, () => {
            enc.run(v, initialFlags(v));
          });
        }
      }
    }

    const v8 = op.vectors[8][0]!;
    it(`${op.mnemonic} r/m8,r8 on AH,CH (${hex2(op.base)} EC): ${hex(v8.a)}${op.symbol}${hex(v8.b)} touches only AH`, () => {
      given({ flags: initialFlags(v8), regs: { ax: 0x0011 | (v8.a << 8), cx: 0x0022 | (v8.b << 8) } })
        .code([op.base, modrm(3, 5, 4)])
        .run()
        .expectHalted()
        .expectRegs({ ah: op.writes ? v8.r : v8.a, al: 0x11, ch: v8.b, cl: 0x22 })
        .expectFlags(flagExpect(op.checked, v8.set));
    });

    const v32 = op.vectors[32][0]!;
    it(`${op.mnemonic} r/m32,r32 in real mode through 66 (66 ${hex2(op.base + 1)} D3): ${hex(v32.a, 32)}${op.symbol}${hex(v32.b, 32)}`, () => {
      given({ flags: initialFlags(v32), regs: { ebx: v32.a, edx: v32.b } })
        .code([0x66, op.base + 1, modrm(3, 2, 3)])
        .run()
        .expectHalted()
        .expectRegs({ ebx: op.writes ? v32.r : v32.a, edx: v32.b })
        .expectFlags(flagExpect(op.checked, v32.set));
    });

    const v16 = op.vectors[16][0]!;
    it(`${op.mnemonic} r/m16,r16 in 32-bit code through 66 (66 ${hex2(op.base + 1)} D3): ${hex(v16.a, 16)}${op.symbol}${hex(v16.b, 16)} keeps EBX[31:16]`, () => {
      given({ mode: 'prot32', flags: initialFlags(v16), regs: { ebx: 0xabcd0000 | v16.a, edx: v16.b } })
        .code([0x66, op.base + 1, modrm(3, 2, 3)])
        .run()
        .expectHalted()
        .expectRegs({ ebx: (0xabcd0000 | (op.writes ? v16.r : v16.a)) >>> 0 })
        .expectFlags(flagExpect(op.checked, v16.set));
    });
  });
}

describe('ALU memory operands and faults', () => {
  it('ADD r/m16,r16 at DS:0xffff (01 07, BX=0xffff) raises #GP(13) with IP 0x1000 pushed, memory untouched', () => {
    given({ regs: { bx: 0xffff, ax: 1 }, mem: [[0xffff, [0x12]]] })
      .code([0x01, modrm(0, 0, 7)])
      .run()
      .expectException(13)
      .expectRegs({ sp: 0xffea })
      .expectMem(0xffea, [0x00, 0x10, 0x00, 0x00])
      .expectMem(0xffff, [0x12]);
  });

  it('CMP r/m8,imm8 does not write: 80 3F 05 against 0x05 sets ZF and leaves the byte', () => {
    given({ regs: { bx: DATA }, mem: [[DATA, [0x05]]] })
      .code([0x80, modrm(0, 7, 7), 0x05])
      .run()
      .expectHalted()
      .expectMem(DATA, [0x05])
      .expectFlags({ zf: 1, cf: 0 });
  });

  it('SUB r/m32,imm32 with a disp32 memory operand (81 2D 00200000 01000000): 0x00000000-0x00000001=0xffffffff sets CF,SF', () => {
    given({ mode: 'prot32', mem: [[DATA, [0, 0, 0, 0]]] })
      .code([0x81, modrm(0, 5, 5), ...le(DATA, 32), ...le(1, 32)])
      .run()
      .expectHalted()
      .expectMem(DATA, [0xff, 0xff, 0xff, 0xff])
      .expectFlags({ cf: 1, sf: 1, zf: 0, of: 0 });
  });

  it('ADC r8,r/m8 chains the carry of a previous ADD: 0xff+0x01 then 0x00+0x00+CF=0x01', () => {
    given({ regs: { al: 0xff, bl: 0x01, cl: 0x00, dl: 0x00 } })
      .code([0x00, modrm(3, 3, 0), 0x12, modrm(3, 2, 1)])
      .run()
      .expectHalted()
      .expectRegs({ al: 0x00, cl: 0x00, dl: 0x01 })
      .expectFlags({ cf: 0 });
  });

  it('SBB r32,r/m32 chains the borrow of a previous SUB: 0x00000000-0x00000001 then 0x00000005-0x00000000-CF=0x00000004', () => {
    given({ mode: 'prot32', regs: { eax: 0, ebx: 1, ecx: 5, edx: 0 } })
      .code([0x29, modrm(3, 3, 0), 0x1b, modrm(3, 1, 2)])
      .run()
      .expectHalted()
      .expectRegs({ eax: 0xffffffff, ecx: 0x00000004 })
      .expectFlags({ cf: 0 });
  });
});
