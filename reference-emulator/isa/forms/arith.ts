/**
 * Instruction-table records of the arith group: the eight two-operand ALU operations (ADD OR ADC
 * SBB AND SUB XOR CMP) in all their encodings, TEST, INC/DEC, NEG/NOT, MUL/IMUL/DIV/IDIV, the
 * decimal adjusts (DAA DAS AAA AAS AAM AAD), CBW/CWDE/CWD/CDQ, LAHF/SAHF, SALC and the flag
 * instructions CLC STC CMC CLD STD CLI STI.
 *
 * Authorities: SDM Vol. 2D, Appendix A, Table A-2 (one-byte opcode map), Table A-3 (two-byte map,
 * 0F AF) and Table A-6 (groups 1, 3, 4 and 5 by ModRM.reg); each instruction's "Flags Affected"
 * section in Vol. 2A/2B for the flag letters; iced-x86 `Code` names for the ids. Where the SDM
 * leaves a form out of its map (82, F6 /1, F7 /1, D6) the record says which authority it follows.
 *
 * Operand notation is Appendix A's, with two conventions the decoder relies on: `Ibs` is an 8-bit
 * immediate sign-extended to the operand size (the map's "Ib" under opcode 83 and 6B), and `Zv`
 * is the register in the low three opcode bits (sandpile.org notation; the SDM's map writes the
 * register names eAX..eDI in the cells of 40-4F instead).
 */

import { form } from '../schema.ts';

/** Flags of ADD/SUB/CMP/NEG and of ADC/SBB, which also read CF (SDM Vol. 2A, ADD "Flags Affected"). */
const ARITH_FLAGS = { flagsWritten: 'oszapc' } as const;
const CARRY_FLAGS = { flagsWritten: 'oszapc', flagsRead: 'c' } as const;
/** AND/OR/XOR/TEST: OF and CF cleared, SF ZF PF by the result, AF undefined (SDM Vol. 2A, AND). */
const LOGIC_FLAGS = { flagsWritten: 'oszpc', flagsUndefined: 'a' } as const;

interface AluFlags {
  readonly flagsWritten: string;
  readonly flagsUndefined?: string;
  readonly flagsRead?: string;
  readonly note?: string;
}

/**
 * The six encodings of one ALU operation in Table A-2 rows 0-3: at `base` (00, 08, 10 ... 38)
 * `Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz`, each 16/32-bit one split by operand size.
 * CMP writes no destination, so it is not lockable.
 */
function aluForms<const N extends string>(name: N, mnemonic: string, base: number, flags: AluFlags, lockable: boolean) {
  return [
    form({ id: `${name}_rm8_r8`, mnemonic, opcode: base, modrm: 'rm', operands: ['Eb', 'Gb'], since: 'i8086', ...flags, lockable }),
    form({ id: `${name}_rm16_r16`, mnemonic, opcode: base + 1, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'i8086', ...flags, lockable }),
    form({ id: `${name}_rm32_r32`, mnemonic, opcode: base + 1, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'i386', ...flags, lockable }),
    form({ id: `${name}_r8_rm8`, mnemonic, opcode: base + 2, modrm: 'rm', operands: ['Gb', 'Eb'], since: 'i8086', ...flags }),
    form({ id: `${name}_r16_rm16`, mnemonic, opcode: base + 3, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i8086', ...flags }),
    form({ id: `${name}_r32_rm32`, mnemonic, opcode: base + 3, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386', ...flags }),
    form({ id: `${name}_AL_imm8`, mnemonic, opcode: base + 4, modrm: 'none', operands: ['AL', 'Ib'], since: 'i8086', ...flags }),
    form({ id: `${name}_AX_imm16`, mnemonic, opcode: base + 5, modrm: 'none', osz: 16, operands: ['rAX', 'Iz'], since: 'i8086', ...flags }),
    form({ id: `${name}_EAX_imm32`, mnemonic, opcode: base + 5, modrm: 'none', osz: 32, operands: ['rAX', 'Iz'], since: 'i386', ...flags }),
  ] as const;
}

/**
 * Immediate group 1 (Table A-6, opcodes 80-83, ModRM.reg = `ext`): `Eb,Ib`, `Ev,Iz`, the 82 copy
 * of 80, and `Ev,Ib` sign-extended. The 8086 already decoded 83 /1 /4 /6 (OR/AND/XOR); the SDM
 * lists all eight, so every one is `since: 'i8086'`.
 */
function group1Forms<const N extends string>(name: N, mnemonic: string, ext: number, flags: AluFlags, lockable: boolean) {
  return [
    form({ id: `${name}_rm8_imm8`, mnemonic, opcode: 0x80, ext, modrm: 'rm', operands: ['Eb', 'Ib'], since: 'i8086', ...flags, lockable }),
    form({
      id: `${name}_rm8_imm8_82`, mnemonic, opcode: 0x82, ext, modrm: 'rm', operands: ['Eb', 'Ib'], since: 'i8086', ...flags, lockable,
      aliasOf: `${name}_rm8_imm8`,
      note: 'Table A-2 lists 82 as group 1 with Eb,Ib (invalid only in 64-bit mode); it executes as 80 on every modelled CPU, and the 286 corpus marks it "alias".',
    }),
    form({ id: `${name}_rm16_imm16`, mnemonic, opcode: 0x81, ext, modrm: 'rm', osz: 16, operands: ['Ev', 'Iz'], since: 'i8086', ...flags, lockable }),
    form({ id: `${name}_rm32_imm32`, mnemonic, opcode: 0x81, ext, modrm: 'rm', osz: 32, operands: ['Ev', 'Iz'], since: 'i386', ...flags, lockable }),
    form({ id: `${name}_rm16_imm8`, mnemonic, opcode: 0x83, ext, modrm: 'rm', osz: 16, operands: ['Ev', 'Ibs'], since: 'i8086', ...flags, lockable }),
    form({ id: `${name}_rm32_imm8`, mnemonic, opcode: 0x83, ext, modrm: 'rm', osz: 32, operands: ['Ev', 'Ibs'], since: 'i386', ...flags, lockable }),
  ] as const;
}

/** One unary group-3/4/5 operation (`ext`) on Eb (`opcode8`) and Ev (`opcode8 + 1`). */
function unaryForms<const N extends string>(name: N, mnemonic: string, opcode8: number, ext: number, flags: AluFlags, lockable: boolean) {
  return [
    form({ id: `${name}_rm8`, mnemonic, opcode: opcode8, ext, modrm: 'rm', operands: ['Eb'], since: 'i8086', ...flags, lockable }),
    form({ id: `${name}_rm16`, mnemonic, opcode: opcode8 + 1, ext, modrm: 'rm', osz: 16, operands: ['Ev'], since: 'i8086', ...flags, lockable }),
    form({ id: `${name}_rm32`, mnemonic, opcode: opcode8 + 1, ext, modrm: 'rm', osz: 32, operands: ['Ev'], since: 'i386', ...flags, lockable }),
  ] as const;
}

/** MUL/IMUL (one operand): CF=OF say whether the high half is significant; SF ZF AF PF undefined. */
const MUL_FLAGS = { flagsWritten: 'oc', flagsUndefined: 'szap' } as const;
/** DIV/IDIV: every status flag undefined (SDM Vol. 2A, DIV "Flags Affected"). */
const DIV_FLAGS = { flagsWritten: '', flagsUndefined: 'oszapc' } as const;
/** INC/DEC: CF is preserved (SDM Vol. 2A, INC). */
const INCDEC_FLAGS = { flagsWritten: 'oszap' } as const;

const DIV_NOTE =
  '#DE on a zero divisor or a quotient that does not fit; the IP pushed is the faulting instruction\'s (286 and later, SingleStepTests 80286 README).';
const IDIV_NOTE =
  '#DE on a zero divisor or a quotient outside the signed range; a quotient of exactly -128/-32768/-2^31 is legal (the 8086 faulted on it, the 286 corpus does not).';

export const arithForms = [
  // ---- Table A-2, rows 0-3: the eight ALU operations, columns 0-5 and 8-D ----
  ...aluForms('Add', 'add', 0x00, ARITH_FLAGS, true),
  ...aluForms('Or', 'or', 0x08, LOGIC_FLAGS, true),
  ...aluForms('Adc', 'adc', 0x10, CARRY_FLAGS, true),
  ...aluForms('Sbb', 'sbb', 0x18, CARRY_FLAGS, true),
  ...aluForms('And', 'and', 0x20, LOGIC_FLAGS, true),
  ...aluForms('Sub', 'sub', 0x28, ARITH_FLAGS, true),
  ...aluForms('Xor', 'xor', 0x30, LOGIC_FLAGS, true),
  ...aluForms('Cmp', 'cmp', 0x38, ARITH_FLAGS, false),

  // ---- Table A-6, group 1 (80 81 82 83 /digit) ----
  ...group1Forms('Add', 'add', 0, ARITH_FLAGS, true),
  ...group1Forms('Or', 'or', 1, LOGIC_FLAGS, true),
  ...group1Forms('Adc', 'adc', 2, CARRY_FLAGS, true),
  ...group1Forms('Sbb', 'sbb', 3, CARRY_FLAGS, true),
  ...group1Forms('And', 'and', 4, LOGIC_FLAGS, true),
  ...group1Forms('Sub', 'sub', 5, ARITH_FLAGS, true),
  ...group1Forms('Xor', 'xor', 6, LOGIC_FLAGS, true),
  ...group1Forms('Cmp', 'cmp', 7, ARITH_FLAGS, false),

  // ---- TEST: 84 85 A8 A9, group 3 F6/F7 /0, and the /1 copies ----
  form({ id: 'Test_rm8_r8', mnemonic: 'test', opcode: 0x84, modrm: 'rm', operands: ['Eb', 'Gb'], since: 'i8086', ...LOGIC_FLAGS }),
  form({ id: 'Test_rm16_r16', mnemonic: 'test', opcode: 0x85, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'i8086', ...LOGIC_FLAGS }),
  form({ id: 'Test_rm32_r32', mnemonic: 'test', opcode: 0x85, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'i386', ...LOGIC_FLAGS }),
  form({ id: 'Test_AL_imm8', mnemonic: 'test', opcode: 0xa8, modrm: 'none', operands: ['AL', 'Ib'], since: 'i8086', ...LOGIC_FLAGS }),
  form({ id: 'Test_AX_imm16', mnemonic: 'test', opcode: 0xa9, modrm: 'none', osz: 16, operands: ['rAX', 'Iz'], since: 'i8086', ...LOGIC_FLAGS }),
  form({ id: 'Test_EAX_imm32', mnemonic: 'test', opcode: 0xa9, modrm: 'none', osz: 32, operands: ['rAX', 'Iz'], since: 'i386', ...LOGIC_FLAGS }),
  form({ id: 'Test_rm8_imm8', mnemonic: 'test', opcode: 0xf6, ext: 0, modrm: 'rm', operands: ['Eb', 'Ib'], since: 'i8086', ...LOGIC_FLAGS }),
  form({ id: 'Test_rm16_imm16', mnemonic: 'test', opcode: 0xf7, ext: 0, modrm: 'rm', osz: 16, operands: ['Ev', 'Iz'], since: 'i8086', ...LOGIC_FLAGS }),
  form({ id: 'Test_rm32_imm32', mnemonic: 'test', opcode: 0xf7, ext: 0, modrm: 'rm', osz: 32, operands: ['Ev', 'Iz'], since: 'i386', ...LOGIC_FLAGS }),
  form({
    id: 'Test_rm8_imm8_F6r1', mnemonic: 'test', opcode: 0xf6, ext: 1, modrm: 'rm', operands: ['Eb', 'Ib'], since: 'i8086', ...LOGIC_FLAGS,
    aliasOf: 'Test_rm8_imm8',
    note: 'Undocumented: Table A-6 leaves group 3 /1 blank, but every modelled CPU executes it as /0 (286 corpus: "alias"; iced-x86 decodes it as TEST).',
  }),
  form({
    id: 'Test_rm16_imm16_F7r1', mnemonic: 'test', opcode: 0xf7, ext: 1, modrm: 'rm', osz: 16, operands: ['Ev', 'Iz'], since: 'i8086', ...LOGIC_FLAGS,
    aliasOf: 'Test_rm16_imm16',
    note: 'Undocumented: Table A-6 leaves group 3 /1 blank, but every modelled CPU executes it as /0 (286 corpus: "alias"; iced-x86 decodes it as TEST).',
  }),
  form({
    id: 'Test_rm32_imm32_F7r1', mnemonic: 'test', opcode: 0xf7, ext: 1, modrm: 'rm', osz: 32, operands: ['Ev', 'Iz'], since: 'i386', ...LOGIC_FLAGS,
    aliasOf: 'Test_rm32_imm32',
    note: 'Undocumented: Table A-6 leaves group 3 /1 blank, but every modelled CPU executes it as /0 (iced-x86 decodes it as TEST).',
  }),

  // ---- INC/DEC: 40+r, 48+r, group 4 (FE /0 /1), group 5 (FF /0 /1) ----
  form({ id: 'Inc_r16', mnemonic: 'inc', opcode: 0x40, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv'], since: 'i8086', ...INCDEC_FLAGS }),
  form({ id: 'Inc_r32', mnemonic: 'inc', opcode: 0x40, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv'], since: 'i386', ...INCDEC_FLAGS }),
  form({ id: 'Dec_r16', mnemonic: 'dec', opcode: 0x48, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv'], since: 'i8086', ...INCDEC_FLAGS }),
  form({ id: 'Dec_r32', mnemonic: 'dec', opcode: 0x48, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv'], since: 'i386', ...INCDEC_FLAGS }),
  ...unaryForms('Inc', 'inc', 0xfe, 0, INCDEC_FLAGS, true),
  ...unaryForms('Dec', 'dec', 0xfe, 1, INCDEC_FLAGS, true),

  // ---- group 3 (F6/F7): NOT /2, NEG /3, MUL /4, IMUL /5, DIV /6, IDIV /7 ----
  ...unaryForms('Not', 'not', 0xf6, 2, { flagsWritten: '' }, true),
  ...unaryForms('Neg', 'neg', 0xf6, 3, ARITH_FLAGS, true),
  ...unaryForms('Mul', 'mul', 0xf6, 4, MUL_FLAGS, false),
  ...unaryForms('Imul', 'imul', 0xf6, 5, MUL_FLAGS, false),
  ...unaryForms('Div', 'div', 0xf6, 6, { ...DIV_FLAGS, note: DIV_NOTE }, false),
  ...unaryForms('Idiv', 'idiv', 0xf6, 7, { ...DIV_FLAGS, note: IDIV_NOTE }, false),

  // ---- IMUL with an explicit destination: 0F AF (386), 69 and 6B (186) ----
  form({ id: 'Imul_r16_rm16', mnemonic: 'imul', map: '0f', opcode: 0xaf, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i386', ...MUL_FLAGS }),
  form({ id: 'Imul_r32_rm32', mnemonic: 'imul', map: '0f', opcode: 0xaf, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386', ...MUL_FLAGS }),
  form({ id: 'Imul_r16_rm16_imm16', mnemonic: 'imul', opcode: 0x69, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev', 'Iz'], since: 'i186', ...MUL_FLAGS }),
  form({ id: 'Imul_r32_rm32_imm32', mnemonic: 'imul', opcode: 0x69, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev', 'Iz'], since: 'i386', ...MUL_FLAGS }),
  form({ id: 'Imul_r16_rm16_imm8', mnemonic: 'imul', opcode: 0x6b, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev', 'Ibs'], since: 'i186', ...MUL_FLAGS }),
  form({ id: 'Imul_r32_rm32_imm8', mnemonic: 'imul', opcode: 0x6b, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev', 'Ibs'], since: 'i386', ...MUL_FLAGS }),

  // ---- decimal adjusts (SDM Vol. 2A, DAA DAS AAA AAS AAM AAD) ----
  form({ id: 'Daa', mnemonic: 'daa', opcode: 0x27, modrm: 'none', since: 'i8086', flagsWritten: 'szapc', flagsUndefined: 'o', flagsRead: 'ac' }),
  form({ id: 'Das', mnemonic: 'das', opcode: 0x2f, modrm: 'none', since: 'i8086', flagsWritten: 'szapc', flagsUndefined: 'o', flagsRead: 'ac' }),
  form({
    id: 'Aaa', mnemonic: 'aaa', opcode: 0x37, modrm: 'none', since: 'i8086', flagsWritten: 'ac', flagsUndefined: 'oszp', flagsRead: 'a',
    note: 'AX := AX + 106H as the SDM pseudo-code says, so AL > F9H carries into AH twice; the 286 corpus agrees.',
  }),
  form({
    id: 'Aas', mnemonic: 'aas', opcode: 0x3f, modrm: 'none', since: 'i8086', flagsWritten: 'ac', flagsUndefined: 'oszp', flagsRead: 'a',
    note: 'AX := AX - 6, AH := AH - 1 as the SDM pseudo-code says (the borrow out of AL reaches AH).',
  }),
  form({
    id: 'Aam_imm8', mnemonic: 'aam', opcode: 0xd4, modrm: 'none', operands: ['Ib'], since: 'i8086', flagsWritten: 'szp', flagsUndefined: 'oac',
    note: 'Any imm8 base works (the SDM documents only 0AH); #DE when it is 0, with the IP of the AAM pushed (286 corpus).',
  }),
  form({
    id: 'Aad_imm8', mnemonic: 'aad', opcode: 0xd5, modrm: 'none', operands: ['Ib'], since: 'i8086', flagsWritten: 'szp', flagsUndefined: 'oac',
    note: 'Any imm8 base works (the SDM documents only 0AH).',
  }),

  // ---- sign extensions of the accumulator: 98 and 99, by operand size ----
  form({ id: 'Cbw', mnemonic: 'cbw', opcode: 0x98, modrm: 'none', osz: 16, since: 'i8086' }),
  form({ id: 'Cwde', mnemonic: 'cwde', opcode: 0x98, modrm: 'none', osz: 32, since: 'i386' }),
  form({ id: 'Cwd', mnemonic: 'cwd', opcode: 0x99, modrm: 'none', osz: 16, since: 'i8086' }),
  form({ id: 'Cdq', mnemonic: 'cdq', opcode: 0x99, modrm: 'none', osz: 32, since: 'i386' }),

  // ---- flags to and from AH, and SALC ----
  form({ id: 'Sahf', mnemonic: 'sahf', opcode: 0x9e, modrm: 'none', since: 'i8086', flagsWritten: 'szapc' }),
  form({ id: 'Lahf', mnemonic: 'lahf', opcode: 0x9f, modrm: 'none', since: 'i8086', flagsRead: 'szapc' }),
  form({
    id: 'Salc', mnemonic: 'salc', opcode: 0xd6, modrm: 'none', since: 'i8086', flagsRead: 'c',
    note: 'Undocumented (Table A-2 leaves D6 blank): AL := CF ? FFH : 00H, flags unchanged; present on Intel CPUs from the 8086 on outside 64-bit mode. Semantics after iced-x86 and QEMU; the 286 corpus has no D6 tests.',
  }),

  // ---- flag instructions (Table A-2 row F) ----
  form({ id: 'Cmc', mnemonic: 'cmc', opcode: 0xf5, modrm: 'none', since: 'i8086', flagsWritten: 'c', flagsRead: 'c' }),
  form({ id: 'Clc', mnemonic: 'clc', opcode: 0xf8, modrm: 'none', since: 'i8086', flagsWritten: 'c' }),
  form({ id: 'Stc', mnemonic: 'stc', opcode: 0xf9, modrm: 'none', since: 'i8086', flagsWritten: 'c' }),
  form({
    id: 'Cli', mnemonic: 'cli', opcode: 0xfa, modrm: 'none', since: 'i8086', flagsWritten: 'i', flow: 'serialize',
    note: 'IOPL-sensitive: #GP(0) in protected and virtual-8086 mode when CPL > IOPL. VME/PVI (virtual IF) are not modelled. Ends a block because IF gates interrupt delivery.',
  }),
  form({
    id: 'Sti', mnemonic: 'sti', opcode: 0xfb, modrm: 'none', since: 'i8086', flagsWritten: 'i', flow: 'serialize',
    note: 'IOPL-sensitive: #GP(0) in protected and virtual-8086 mode when CPL > IOPL. VME/PVI (virtual IF) are not modelled, nor is the one-instruction interrupt shadow after STI.',
  }),
  form({ id: 'Cld', mnemonic: 'cld', opcode: 0xfc, modrm: 'none', since: 'i8086', flagsWritten: 'd' }),
  form({ id: 'Std', mnemonic: 'std', opcode: 0xfd, modrm: 'none', since: 'i8086', flagsWritten: 'd' }),
] as const;
