/**
 * Instruction-table records of the shift-bit group: shifts and rotates (group 2), double
 * shifts, bit tests and scans, SETcc, CMOVcc, BSWAP, XADD, CMPXCHG and CMPXCHG8B.
 *
 * Authorities: Intel SDM Vol. 2D, Appendix A, Table A-2 (one-byte map: C0/C1, D0-D3), Table A-3
 * (0F map: 40-4F, 90-9F, A3-AD, B0-BD, C0/C1, C7, C8-CF) and Table A-6 (groups 2, 8 and 9);
 * Vol. 2A/2B entries "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD", "BT", "BTS", "BTR",
 * "BTC", "BSF", "BSR", "SETcc", "CMOVcc", "BSWAP", "XADD", "CMPXCHG", "CMPXCHG8B/16B" for the
 * flags. Where the SDM leaves a result or flag undefined the record's `note` names what the
 * handler does and on whose authority: the SingleStepTests 80286 corpus for the 286 (forms
 * C1 /0, D1 /4 and D3 /7 are captured there), QEMU (target/i386/tcg) for the 386 and later.
 *
 * Group 2 layout is kept as the SDM prints it: one row per ModRM.reg value, each expanding to
 * the nine (encoding, operand size) forms C0/D0/D2 (r/m8) and C1/D1/D3 (r/m16, r/m32).
 */

import { form } from '../schema.ts';
import type { FormRecord, Generation } from '../schema.ts';

// ---- group 2: shifts and rotates ----

type ShiftName = 'Rol' | 'Ror' | 'Rcl' | 'Rcr' | 'Shl' | 'Shr' | 'Sal' | 'Sar';
type ShiftId<N extends ShiftName> =
  | `${N}_rm8_imm8` | `${N}_rm8_1` | `${N}_rm8_CL`
  | `${N}_rm16_imm8` | `${N}_rm16_1` | `${N}_rm16_CL`
  | `${N}_rm32_imm8` | `${N}_rm32_1` | `${N}_rm32_CL`;

interface ShiftRow {
  readonly ext: number;
  readonly kind: 'rotate' | 'rotate-carry' | 'shift-left' | 'shift-right' | 'sar';
  /** Generation of the D0-D3 forms; C0/C1 (Ib count) are 186 and the 32-bit forms 386 in any case. */
  readonly since: Generation;
  readonly note: string;
  readonly aliasOf?: ShiftName;
}

/**
 * Flags of one group-2 form. The SDM: OF is defined only for 1-bit counts; SHL/SHR leave CF
 * undefined when the count is at least the operand width (possible for 8/16 bits, since the
 * count is masked to 5 bits); shifts leave AF undefined; rotates touch only CF and OF.
 */
function shiftFlags(kind: ShiftRow['kind'], count: 'imm8' | '1' | 'CL', bits: 8 | 16 | 32): { w: string; u: string; r: string } {
  const multi = count !== '1';
  switch (kind) {
    case 'rotate': return { w: 'oc', u: multi ? 'o' : '', r: '' };
    case 'rotate-carry': return { w: 'oc', u: multi ? 'o' : '', r: 'c' };
    case 'sar': return { w: 'oszpc', u: multi ? 'oa' : 'a', r: '' };
    default: return { w: 'oszpc', u: multi ? (bits === 32 ? 'oa' : 'oac') : 'a', r: '' };
  }
}

function group2<const N extends ShiftName>(name: N, row: ShiftRow): Array<FormRecord & { readonly id: ShiftId<N> }> {
  const mnemonic = name.toLowerCase();
  const encodings = [
    { suffix: 'imm8', count: 'Ib', opcode8: 0xc0, opcodeV: 0xc1, since: 'i186' },
    { suffix: '1', count: '1', opcode8: 0xd0, opcodeV: 0xd1, since: row.since },
    { suffix: 'CL', count: 'CL', opcode8: 0xd2, opcodeV: 0xd3, since: row.since },
  ] as const;
  const records: Array<FormRecord & { readonly id: ShiftId<N> }> = [];
  for (const bits of [8, 16, 32] as const) {
    for (const e of encodings) {
      const f = shiftFlags(row.kind, e.suffix, bits);
      const id = `${name}_rm${bits}_${e.suffix}` as ShiftId<N>;
      records.push(form({
        id,
        mnemonic,
        opcode: bits === 8 ? e.opcode8 : e.opcodeV,
        modrm: 'rm',
        ext: row.ext,
        ...(bits === 8 ? {} : { osz: bits }),
        operands: [bits === 8 ? 'Eb' : 'Ev', e.count],
        since: bits === 32 ? 'i386' : e.since,
        flagsWritten: f.w,
        flagsUndefined: f.u,
        flagsRead: f.r,
        ...(row.aliasOf ? { aliasOf: `${row.aliasOf}_rm${bits}_${e.suffix}` } : {}),
        note: row.note,
      }));
    }
  }
  return records;
}

const COUNT_NOTE = 'count masked to 5 bits (186 and later; the 8086 does not mask); a masked count of 0 reads the operand but writes nothing and changes no flags';

// ---- condition-code families (SDM Vol. 2A, Table B-1 "Condition codes", tttn order) ----

const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
type Cond = (typeof CONDITIONS)[number];
/** Flags each condition reads, in the same order. */
const CONDITION_READS: Readonly<Record<Cond, string>> = {
  o: 'o', no: 'o', b: 'c', ae: 'c', e: 'z', ne: 'z', be: 'cz', a: 'cz',
  s: 's', ns: 's', p: 'p', np: 'p', l: 'so', ge: 'so', le: 'szo', g: 'szo',
};

const setccForms = CONDITIONS.map((cc, n) => form({
  id: `Set${cc}_rm8` as `Set${Cond}_rm8`,
  mnemonic: `set${cc}`,
  map: '0f',
  opcode: 0x90 + n,
  modrm: 'rm',
  operands: ['Eb'],
  since: 'i386',
  flagsRead: CONDITION_READS[cc],
  note: 'ModRM.reg is ignored (any value decodes to SETcc), as on Intel hardware and in iced-x86',
}));

const cmovNote = 'the source is read even when the condition is false, so a memory source can fault; a false condition writes nothing';
const cmovccForms = CONDITIONS.flatMap((cc, n) => [
  form({
    id: `Cmov${cc}_r16_rm16` as `Cmov${Cond}_r16_rm16`,
    mnemonic: `cmov${cc}`, map: '0f', opcode: 0x40 + n, modrm: 'rm', osz: 16,
    operands: ['Gv', 'Ev'], since: 'p6', flagsRead: CONDITION_READS[cc], note: cmovNote,
  }),
  form({
    id: `Cmov${cc}_r32_rm32` as `Cmov${Cond}_r32_rm32`,
    mnemonic: `cmov${cc}`, map: '0f', opcode: 0x40 + n, modrm: 'rm', osz: 32,
    operands: ['Gv', 'Ev'], since: 'p6', flagsRead: CONDITION_READS[cc], note: cmovNote,
  }),
]);

// ---- notes shared by several records ----

const ROTATE_NOTE = `${COUNT_NOTE}; with a nonzero masked count CF and OF are written even when count mod width is 0 (QEMU, Bochs). OF for counts other than 1 is undefined: every model computes it as MSB(result) XOR CF, which the 80286 corpus (C1 /0, all 4967 register/memory tests) and QEMU agree on`;
const ROTATE_RIGHT_NOTE = `${COUNT_NOTE}; with a nonzero masked count CF and OF are written even when count mod width is 0 (QEMU, Bochs). OF for counts other than 1 is undefined: computed as the two top bits of the result XORed (QEMU; the 1-bit formula)`;
const RCL_NOTE = `${COUNT_NOTE}; the count is then taken mod 9 (r/m8) or mod 17 (r/m16), and a zero result leaves everything, flags included, unchanged (QEMU, Bochs). OF for counts other than 1 is undefined: 386 and later take MSB(original) XOR MSB(result) (QEMU helper_rcl); the 286 takes MSB(result) XOR CF, the 1-bit formula applied to the last step, extrapolated from the corpus's ROL behaviour (RCL is not in the corpus)`;
const RCR_NOTE = `${COUNT_NOTE}; the count is then taken mod 9 (r/m8) or mod 17 (r/m16), and a zero result leaves everything, flags included, unchanged (QEMU, Bochs). OF for counts other than 1 is undefined: 386 and later take MSB(original) XOR MSB(result) (QEMU helper_rcr); the 286 XORs the two top bits of the result, the 1-bit formula applied to the last step (RCR is not in the corpus)`;
const SHL_NOTE = `${COUNT_NOTE}. Undefined flags: OF = MSB(result) XOR CF for every count (QEMU; the same as the 1-bit rule); CF for counts >= width is the bit shifted out of the widened value, so 0. AF: 0 from the 386 on (QEMU); on the 286 AF = bit 4 of the result, which all 4967 D1 /4 corpus tests show`;
const SHR_NOTE = `${COUNT_NOTE}. Undefined flags: OF = MSB(original) for a count of 1 and 0 otherwise (QEMU); CF for counts > width is 0. AF: 0 from the 386 on (QEMU); on the 286 AF = 1, as the corpus shows for SAR (D3 /7); SHR itself is not in the corpus, so this is an extrapolation`;
const SAR_NOTE = `${COUNT_NOTE}. OF is 0 for every count and CF for counts >= width is the sign bit (both as the 80286 corpus D3 /7 shows and QEMU does). AF: 0 from the 386 on (QEMU); always 1 on the 286 (all 4432 nonzero-count D3 /7 corpus tests)`;

// ---- bit test family (SDM Vol. 2A, "BT", Table 3-2 and "Bit(BitBase, BitOffset)" in 3.1.1.9) ----

const BT_REG_NOTE = 'with a memory operand the register is a signed bit offset: the operand moves by (offset SAR 4)*2 or (offset SAR 5)*4 bytes, wrapping to the address size; with a register operand the offset is taken modulo the width. OF SF AF PF are undefined: left unchanged (Bochs; QEMU leaves them to the previous lazy state)';
const BT_IMM_NOTE = 'the immediate bit offset is masked to the operand width for register and memory operands alike (the operand does not move). OF SF AF PF are undefined: left unchanged (Bochs; QEMU leaves them to the previous lazy state)';

function bitTest<const N extends 'Bt' | 'Bts' | 'Btr' | 'Btc'>(name: N, opcodeReg: number, ext: number) {
  const lockable = name !== 'Bt';
  const common = { mnemonic: name.toLowerCase(), map: '0f', modrm: 'rm', since: 'i386', flagsWritten: 'c', flagsUndefined: 'osap', ...(lockable ? { lockable } : {}) } as const;
  return [
    form({ ...common, id: `${name}_rm16_r16` as `${N}_rm16_r16`, opcode: opcodeReg, osz: 16, operands: ['Ev', 'Gv'], note: BT_REG_NOTE }),
    form({ ...common, id: `${name}_rm32_r32` as `${N}_rm32_r32`, opcode: opcodeReg, osz: 32, operands: ['Ev', 'Gv'], note: BT_REG_NOTE }),
    form({ ...common, id: `${name}_rm16_imm8` as `${N}_rm16_imm8`, opcode: 0xba, ext, osz: 16, operands: ['Ev', 'Ib'], note: BT_IMM_NOTE }),
    form({ ...common, id: `${name}_rm32_imm8` as `${N}_rm32_imm8`, opcode: 0xba, ext, osz: 32, operands: ['Ev', 'Ib'], note: BT_IMM_NOTE }),
  ];
}

const SHLD_NOTE = 'count masked to 5 bits; 0 changes nothing. Undefined: OF for counts > 1 is MSB(result) XOR CF, AF is 0 (QEMU, Bochs). r/m16 with a count of 17-31 (result and flags undefined by the SDM): the operand is shifted through dest:src:dest, as Intel hardware, QEMU and Bochs do';
const SHRD_NOTE = 'count masked to 5 bits; 0 changes nothing. Undefined: OF for counts > 1 is the XOR of the two top result bits, AF is 0 (QEMU, Bochs). r/m16 with a count of 17-31 (result and flags undefined by the SDM): the operand is shifted through dest:src:dest, as Intel hardware, QEMU and Bochs do';
const BSF_NOTE = 'a zero source sets ZF and leaves the destination unchanged (undefined in the SDM; what Intel hardware and QEMU do). Undefined CF OF SF AF PF follow QEMU: the flags of a logical operation on the source (CF=OF=AF=0, SF and PF from the source)';
const CMPXCHG_NOTE = 'the destination is always written: with the source when equal, with its own old value when not (SDM: "the destination operand is written back if the comparison fails"), so a memory destination faults as a write either way';

export const shiftBitForms = [
  // Group 2 (Table A-6): C0/C1 ib, D0/D1 1, D2/D3 CL; ModRM.reg selects the operation.
  ...group2('Rol', { ext: 0, kind: 'rotate', since: 'i8086', note: ROTATE_NOTE }),
  ...group2('Ror', { ext: 1, kind: 'rotate', since: 'i8086', note: ROTATE_RIGHT_NOTE }),
  ...group2('Rcl', { ext: 2, kind: 'rotate-carry', since: 'i8086', note: RCL_NOTE }),
  ...group2('Rcr', { ext: 3, kind: 'rotate-carry', since: 'i8086', note: RCR_NOTE }),
  ...group2('Shl', { ext: 4, kind: 'shift-left', since: 'i8086', note: SHL_NOTE }),
  ...group2('Shr', { ext: 5, kind: 'shift-right', since: 'i8086', note: SHR_NOTE }),
  ...group2('Sal', {
    ext: 6, kind: 'shift-left', since: 'i186', aliasOf: 'Shl',
    note: `undocumented alias of SHL (/4) from the 186 on (SingleStepTests 80286 metadata: arch 186, "undocumented"); on the 8086 /6 is SETMO, not modelled. ${SHL_NOTE}`,
  }),
  ...group2('Sar', { ext: 7, kind: 'sar', since: 'i8086', note: SAR_NOTE }),

  // Double-precision shifts (Table A-3: 0F A4/A5, 0F AC/AD).
  form({ id: 'Shld_rm16_r16_imm8', mnemonic: 'shld', map: '0f', opcode: 0xa4, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv', 'Ib'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHLD_NOTE }),
  form({ id: 'Shld_rm32_r32_imm8', mnemonic: 'shld', map: '0f', opcode: 0xa4, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv', 'Ib'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHLD_NOTE }),
  form({ id: 'Shld_rm16_r16_CL', mnemonic: 'shld', map: '0f', opcode: 0xa5, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv', 'CL'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHLD_NOTE }),
  form({ id: 'Shld_rm32_r32_CL', mnemonic: 'shld', map: '0f', opcode: 0xa5, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv', 'CL'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHLD_NOTE }),
  form({ id: 'Shrd_rm16_r16_imm8', mnemonic: 'shrd', map: '0f', opcode: 0xac, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv', 'Ib'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHRD_NOTE }),
  form({ id: 'Shrd_rm32_r32_imm8', mnemonic: 'shrd', map: '0f', opcode: 0xac, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv', 'Ib'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHRD_NOTE }),
  form({ id: 'Shrd_rm16_r16_CL', mnemonic: 'shrd', map: '0f', opcode: 0xad, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv', 'CL'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHRD_NOTE }),
  form({ id: 'Shrd_rm32_r32_CL', mnemonic: 'shrd', map: '0f', opcode: 0xad, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv', 'CL'], since: 'i386', flagsWritten: 'oszpc', flagsUndefined: 'oa', note: SHRD_NOTE }),

  // Bit tests: 0F A3/AB/B3/BB (Ev,Gv) and group 8, 0F BA /4-/7 (Ev,Ib).
  ...bitTest('Bt', 0xa3, 4),
  ...bitTest('Bts', 0xab, 5),
  ...bitTest('Btr', 0xb3, 6),
  ...bitTest('Btc', 0xbb, 7),

  // Bit scans: 0F BC/BD.
  form({ id: 'Bsf_r16_rm16', mnemonic: 'bsf', map: '0f', opcode: 0xbc, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i386', flagsWritten: 'z', flagsUndefined: 'osapc', note: BSF_NOTE }),
  form({ id: 'Bsf_r32_rm32', mnemonic: 'bsf', map: '0f', opcode: 0xbc, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386', flagsWritten: 'z', flagsUndefined: 'osapc', note: BSF_NOTE }),
  form({ id: 'Bsr_r16_rm16', mnemonic: 'bsr', map: '0f', opcode: 0xbd, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i386', flagsWritten: 'z', flagsUndefined: 'osapc', note: BSF_NOTE }),
  form({ id: 'Bsr_r32_rm32', mnemonic: 'bsr', map: '0f', opcode: 0xbd, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386', flagsWritten: 'z', flagsUndefined: 'osapc', note: BSF_NOTE }),

  // SETcc 0F 90-9F, CMOVcc 0F 40-4F.
  ...setccForms,
  ...cmovccForms,

  // BSWAP 0F C8+rd.
  form({
    id: 'Bswap_r16', mnemonic: 'bswap', map: '0f', opcode: 0xc8, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv'], since: 'i486',
    note: 'undefined by the SDM with a 16-bit operand; the low word becomes 0, as Intel hardware does (QEMU swaps the whole 32-bit register instead)',
  }),
  form({ id: 'Bswap_r32', mnemonic: 'bswap', map: '0f', opcode: 0xc8, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv'], since: 'i486' }),

  // XADD 0F C0/C1, CMPXCHG 0F B0/B1, CMPXCHG8B 0F C7 /1 (group 9).
  form({ id: 'Xadd_rm8_r8', mnemonic: 'xadd', map: '0f', opcode: 0xc0, modrm: 'rm', operands: ['Eb', 'Gb'], since: 'i486', flagsWritten: 'oszapc', lockable: true }),
  form({ id: 'Xadd_rm16_r16', mnemonic: 'xadd', map: '0f', opcode: 0xc1, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'i486', flagsWritten: 'oszapc', lockable: true }),
  form({ id: 'Xadd_rm32_r32', mnemonic: 'xadd', map: '0f', opcode: 0xc1, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'i486', flagsWritten: 'oszapc', lockable: true }),
  form({ id: 'Cmpxchg_rm8_r8', mnemonic: 'cmpxchg', map: '0f', opcode: 0xb0, modrm: 'rm', operands: ['Eb', 'Gb'], since: 'i486', flagsWritten: 'oszapc', lockable: true, note: CMPXCHG_NOTE }),
  form({ id: 'Cmpxchg_rm16_r16', mnemonic: 'cmpxchg', map: '0f', opcode: 0xb1, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'i486', flagsWritten: 'oszapc', lockable: true, note: CMPXCHG_NOTE }),
  form({ id: 'Cmpxchg_rm32_r32', mnemonic: 'cmpxchg', map: '0f', opcode: 0xb1, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'i486', flagsWritten: 'oszapc', lockable: true, note: CMPXCHG_NOTE }),
  form({
    id: 'Cmpxchg8b_m64', mnemonic: 'cmpxchg8b', map: '0f', opcode: 0xc7, modrm: 'mem', ext: 1, operands: ['Mq'], since: 'pentium', flagsWritten: 'z', lockable: true,
    note: `a register operand (mod = 3) is #UD; ${CMPXCHG_NOTE}`,
  }),
] as const;
