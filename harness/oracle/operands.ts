/**
 * A decoder-neutral summary of an instruction's explicit operands, so xvc's decoder and iced-x86
 * can be compared field by field: registers by their iced `Register` name, memory operands as
 * segment, base, index, scale and displacement (SDM Vol. 2A, 3.7.5 "Specifying an Offset"),
 * immediates, near-branch targets and far pointers.
 *
 * Normalisations, each because the two decoders represent the same architectural fact differently:
 * - immediates are compared as unsigned values of the width iced reports (an `Ibs` byte
 *   sign-extended to 16 or 32 bits is iced's `Immediate8to16`/`Immediate8to32`);
 * - displacements are unsigned in the address size (16-bit addressing wraps at 64 KiB);
 * - the scale is compared only when there is an index register (SIB.scale with index 100b
 *   selects no index and has no effect; iced keeps the field, xvc keeps it too, but it is not
 *   part of the address);
 * - string operands (SDM Appendix A `X`/`Y`) are memory operands with base (E)SI or (E)DI and the
 *   segment they use: the overridable segment for `X`, always ES for `Y`;
 * - an `Rv/Mw` operand (a register of the operand size or a 16-bit memory operand, as SLDT or
 *   SMSW have) is the register or the memory operand, whichever ModRM.mod chose.
 * A `mod-ignored` record (MOV CRn/DRn) needs no rule: the decoder never marks its operand memory.
 */

import {
  FORMS,
  REG_ZERO,
  SEG_NAMES,
  type FormRecord,
  type Insn,
} from '../../reference-emulator/index.ts';

export type OperandSummary =
  | { readonly kind: 'reg'; readonly reg: string }
  | {
    readonly kind: 'mem';
    readonly seg: string;
    /** '' when absent. */
    readonly base: string;
    readonly index: string;
    /** 1, 2, 4 or 8; meaningful only with an index. */
    readonly scale: number;
    /** Unsigned, in the address size. */
    readonly disp: number;
    readonly addressBits: 16 | 32;
  }
  | { readonly kind: 'imm'; readonly bits: number; readonly value: number }
  | { readonly kind: 'branch'; readonly target: number }
  | { readonly kind: 'far'; readonly selector: number; readonly offset: number }
  /** An operand notation this module does not know: always reported, never silently equal. */
  | { readonly kind: 'unknown'; readonly notation: string };

/** Which part of an operand list two decoders disagree on; the suffix of the `operand:` class. */
export type OperandField =
  | 'count'
  | 'kind'
  | 'reg'
  | 'segment'
  | 'mem-base'
  | 'mem-index'
  | 'mem-scale'
  | 'mem-disp'
  | 'imm'
  | 'target'
  | 'far'
  | 'notation';

export interface OperandDifference {
  readonly field: OperandField;
  /** Operand position (0-based); -1 for `count`. */
  readonly index: number;
  readonly ours: string;
  readonly iced: string;
}

const REG8 = ['AL', 'CL', 'DL', 'BL', 'AH', 'CH', 'DH', 'BH'] as const;
const REG16 = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI'] as const;
const REG32 = ['EAX', 'ECX', 'EDX', 'EBX', 'ESP', 'EBP', 'ESI', 'EDI'] as const;
const SREG = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'] as const;

const hex = (value: number): string => `0x${(value >>> 0).toString(16)}`;

/** Unsigned value of the low `bits` bits. */
export function maskBits(value: number, bits: number): number {
  return bits >= 32 ? value >>> 0 : (value & ((1 << bits) - 1)) >>> 0;
}

/** General register `n` in a width of 8, 16 or 32 bits, by its iced name. */
export function generalRegister(n: number, bits: number): string {
  const table = bits === 8 ? REG8 : bits === 16 ? REG16 : REG32;
  return table[n & 7] ?? `?${n}`;
}

export function formatOperand(op: OperandSummary): string {
  switch (op.kind) {
    case 'reg':
      return op.reg.toLowerCase();
    case 'mem': {
      const parts: string[] = [];
      if (op.base) parts.push(op.base.toLowerCase());
      if (op.index) parts.push(`${op.index.toLowerCase()}*${op.scale}`);
      if (op.disp !== 0 || parts.length === 0) parts.push(hex(op.disp));
      return `${op.seg.toLowerCase()}:[${parts.join('+')}]`;
    }
    case 'imm':
      return `${hex(op.value)}/${op.bits}`;
    case 'branch':
      return `->${hex(op.target)}`;
    case 'far':
      return `${hex(op.selector)}:${hex(op.offset)}`;
    case 'unknown':
      return `?${op.notation}`;
  }
}

export const formatOperands = (ops: readonly OperandSummary[]): string => ops.map(formatOperand).join(', ');

/** Width in bits of an SDM Appendix A size letter, given the operand size. */
function sizeOf(letter: string, osz: number): number | undefined {
  switch (letter) {
    case 'b': return 8;
    case 'w': return 16;
    case 'd': return 32;
    case 'v':
    case 'z': return osz;
    default: return undefined;
  }
}

/**
 * The operand summary of xvc's decoding, read from the form's Appendix A notation and the
 * decoded fields. Only meaningful for a valid form.
 */
export function ourOperands(insn: Insn, form: FormRecord = FORMS[insn.form] as FormRecord): OperandSummary[] {
  const osz = insn.osz32 ? 32 : 16;
  const addressBits: 16 | 32 = insn.asz32 ? 32 : 16;
  const addrRegs = insn.asz32 ? REG32 : REG16;
  const regName = (n: number): string => (n === REG_ZERO ? '' : (addrRegs[n] ?? `?${n}`));
  const memory = (): OperandSummary => ({
    kind: 'mem',
    seg: (SEG_NAMES[insn.seg] ?? `?${insn.seg}`).toUpperCase(),
    base: regName(insn.base),
    index: regName(insn.index),
    scale: 1 << insn.scale,
    disp: maskBits(insn.disp, addressBits),
    addressBits,
  });
  const out: OperandSummary[] = [];
  let immIndex = 0;
  const nextImm = (): number => (immIndex++ === 0 ? insn.imm : insn.imm2);

  for (const notation of form.operands) {
    const method = notation[0] ?? '';
    const size = notation.slice(1);
    const bits = sizeOf(size, osz);
    switch (true) {
      case notation === '1':
        out.push({ kind: 'imm', bits: 8, value: 1 });
        break;
      case /^(AL|CL|DL|BL|AH|CH|DH|BH|AX|CX|DX|BX|SP|BP|SI|DI|ES|CS|SS|DS|FS|GS)$/.test(notation):
        out.push({ kind: 'reg', reg: notation });
        break;
      case notation === 'eAX' || notation === 'rAX':
        out.push({ kind: 'reg', reg: osz === 32 ? 'EAX' : 'AX' });
        break;
      case /^[MR][a-z]\/[MR][a-z]$/.test(notation): {
        // `Rv/Mw` (SLDT, SMSW, LAR ...): one ModRM.rm operand, a register of the R size or memory.
        const registerSize = notation[0] === 'R' ? notation[1] : notation[4];
        const registerBits = sizeOf(registerSize ?? '', osz);
        out.push(insn.isMem ? memory() : registerBits === undefined ? { kind: 'unknown', notation } : { kind: 'reg', reg: generalRegister(insn.rm, registerBits) });
        break;
      }
      case method === 'E' && bits !== undefined:
        out.push(insn.isMem ? memory() : { kind: 'reg', reg: generalRegister(insn.rm, bits) });
        break;
      case method === 'M':
        out.push(memory());
        break;
      case method === 'R' && bits !== undefined:
        out.push({ kind: 'reg', reg: generalRegister(insn.rm, bits) });
        break;
      case (method === 'G' || method === 'Z') && bits !== undefined:
        out.push({ kind: 'reg', reg: generalRegister(insn.reg, bits) });
        break;
      case method === 'S' && size === 'w':
        out.push({ kind: 'reg', reg: SREG[insn.reg] ?? `SREG${insn.reg}` });
        break;
      case method === 'C' && size === 'd':
        out.push({ kind: 'reg', reg: `CR${insn.reg}` });
        break;
      case method === 'D' && size === 'd':
        out.push({ kind: 'reg', reg: `DR${insn.reg}` });
        break;
      case method === 'T' && size === 'd':
        out.push({ kind: 'reg', reg: `TR${insn.reg}` });
        break;
      case notation === 'Ibs':
        out.push({ kind: 'imm', bits: osz, value: maskBits(nextImm(), osz) });
        break;
      case method === 'I' && bits !== undefined:
        out.push({ kind: 'imm', bits, value: maskBits(nextImm(), bits) });
        break;
      case method === 'J':
        out.push({ kind: 'branch', target: maskBits(insn.target, osz) });
        break;
      case notation === 'Ap':
        out.push({ kind: 'far', selector: maskBits(insn.imm2, 16), offset: maskBits(insn.imm, osz) });
        break;
      case method === 'O':
        out.push(memory());
        break;
      case method === 'X':
        out.push({ kind: 'mem', seg: (SEG_NAMES[insn.seg] ?? '?').toUpperCase(), base: insn.asz32 ? 'ESI' : 'SI', index: '', scale: 1, disp: 0, addressBits });
        break;
      case method === 'Y':
        out.push({ kind: 'mem', seg: 'ES', base: insn.asz32 ? 'EDI' : 'DI', index: '', scale: 1, disp: 0, addressBits });
        break;
      default:
        out.push({ kind: 'unknown', notation });
    }
  }
  return out;
}

/** Field-by-field differences between two operand lists, in operand order. */
export function compareOperands(ours: readonly OperandSummary[], iced: readonly OperandSummary[]): OperandDifference[] {
  const diffs: OperandDifference[] = [];
  if (ours.length !== iced.length) {
    diffs.push({ field: 'count', index: -1, ours: formatOperands(ours) || '(none)', iced: formatOperands(iced) || '(none)' });
    return diffs;
  }
  ours.forEach((a, index) => {
    const b = iced[index] as OperandSummary;
    const diff = (field: OperandField): void => void diffs.push({ field, index, ours: formatOperand(a), iced: formatOperand(b) });
    if (a.kind === 'unknown' || b.kind === 'unknown') return diff('notation');
    if (a.kind !== b.kind) return diff('kind');
    switch (a.kind) {
      case 'reg':
        if (b.kind === 'reg' && a.reg !== b.reg) diff('reg');
        return;
      case 'mem':
        if (b.kind !== 'mem') return;
        if (a.seg !== b.seg) diff('segment');
        if (a.base !== b.base) diff('mem-base');
        if (a.index !== b.index) diff('mem-index');
        if (a.index !== '' && b.index !== '' && a.scale !== b.scale) diff('mem-scale');
        if (a.disp !== b.disp) diff('mem-disp');
        return;
      case 'imm':
        if (b.kind === 'imm' && maskBits(a.value, b.bits) !== b.value) diff('imm');
        return;
      case 'branch':
        if (b.kind === 'branch' && a.target !== b.target) diff('target');
        return;
      case 'far':
        if (b.kind === 'far' && (a.selector !== b.selector || a.offset !== b.offset)) diff('far');
        return;
    }
  });
  return diffs;
}
