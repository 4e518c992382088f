/**
 * The table-driven instruction decoder (SDM Vol. 2A, chapter 2 "Instruction Format"; Vol. 2D,
 * Appendix A "Opcode Map"). Built at load time from the instruction table: nothing here names
 * an instruction. Every byte sequence decodes either to a form or to the INVALID pseudo-form,
 * always with the length the hardware would consume, so a later #UD/#NM reports the right
 * instruction length.
 *
 * ModRM uses (isa/schema.ts `ModrmUse`): a `mod-ignored` form (MOV CRn/DRn) reads ModRM.rm as a
 * register whatever mod says, with no SIB byte or displacement, as the hardware does. A record's
 * `regMask` and `udPrefixes` make the bytes INVALID where the SDM gives #UD for a ModRM.reg value
 * (CR1, CR5-CR7) or for a prefix (66/F2/F3 on VMCALL); both are decode-time #UD, ahead of any
 * privilege check.
 *
 * Known simplifications: VEX/EVEX (C4/C5/62 as prefixes) are not recognised, since they do not
 * exist in 16/32-bit legacy encodings of the modelled generations beyond their LES/LDS/BOUND
 * meaning, which is what is decoded.
 */

import type { FormRecord, PrefixKind, SizeAttr } from '../isa/schema.ts';
import { FORMS, INVALID_FORM_INDEX } from '../isa/table.ts';
import { formSpecificity as specificity } from '../isa/form-priority.ts';
import { PREFIX_BY_BYTE } from '../isa/prefixes.ts';
import { unmodelledPrimary, unmodelledThreeByte, unmodelledTwoByte, type UnmodelledLayout } from '../isa/unmodelled.ts';
import type { CpuModel } from '../machine/cpu-model.ts';
import { modelHas } from '../machine/cpu-model.ts';
import { reg8Offset, REG_EBP, REG_EBX, REG_EDI, REG_ESI, REG_ESP, REG_ZERO, SEG_DS, SEG_SS } from '../machine/cpu-state.ts';
import { CpuFault } from '../interp/fault.ts';
import { Insn, UNMODELLED_SIMD, UNMODELLED_X87 } from './insn.ts';

/** Reads the byte `offset` bytes past the instruction's start; throws a CpuFault past a limit. */
export type ByteFetcher = (offset: number) => number;

export interface DecodeContext {
  /** The code segment's default size (CS.D): 32-bit code when true. */
  readonly code32: boolean;
  readonly model: CpuModel;
}

interface Slot {
  /** Candidate form indices, most specific first. */
  readonly forms: number[];
  hasModrm: boolean;
  /** The opcode's ModRM.mod is ignored (every form there is `mod-ignored`): no SIB or displacement ever follows. */
  modIgnored: boolean;
}

const MAP_PRIMARY = 0;
const MAP_0F = 256;

const slots: (Slot | undefined)[] = new Array(512);

FORMS.forEach((form: FormRecord, index: number) => {
  if (index === INVALID_FORM_INDEX) return;
  const base = form.map === '0f' ? MAP_0F : MAP_PRIMARY;
  const count = form.plusReg ? 8 : 1;
  for (let r = 0; r < count; r++) {
    const key = base + form.opcode + r;
    let slot = slots[key];
    if (!slot) slots[key] = slot = { forms: [], hasModrm: form.modrm !== 'none', modIgnored: form.modrm === 'mod-ignored' };
    else if (slot.hasModrm !== (form.modrm !== 'none') || slot.modIgnored !== (form.modrm === 'mod-ignored')) {
      throw new Error(`instruction table: forms sharing opcode ${form.map} ${form.opcode.toString(16)} disagree on ModRM use (${form.id})`);
    }
    slot.forms.push(index);
  }
});
for (const slot of slots) slot?.forms.sort((a, b) => specificity(FORMS[b] as FormRecord) - specificity(FORMS[a] as FormRecord));

/** Operands that carry an immediate, with their size in bytes given the operand and address sizes. */
function immediateBytes(operand: string, osz: SizeAttr, asz: SizeAttr): number {
  switch (operand) {
    case 'Ib':
    case 'Ibs':
    case 'Jb':
      return 1;
    case 'Iw':
      return 2;
    case 'Id':
      return 4;
    case 'Iz':
    case 'Iv':
    case 'Jz':
      return osz === 32 ? 4 : 2;
    case 'Ap':
      return osz === 32 ? 6 : 4;
    case 'Ob':
    case 'Ov':
      return asz === 32 ? 4 : 2;
    default:
      return 0;
  }
}

/** One bit per prefix kind, to record which kinds an instruction carries. */
const PREFIX_KIND_BIT: Readonly<Record<PrefixKind, number>> = {
  segment: 1,
  'operand-size': 2,
  'address-size': 4,
  lock: 8,
  rep: 16,
  repne: 32,
};

/** 16-bit ModRM.rm -> base, index (SDM Vol. 2A, Table 2-1). */
const RM16_BASE = [REG_EBX, REG_EBX, REG_EBP, REG_EBP, REG_ESI, REG_EDI, REG_EBP, REG_EBX];
const RM16_INDEX = [REG_ESI, REG_EDI, REG_ESI, REG_EDI, REG_ZERO, REG_ZERO, REG_ZERO, REG_ZERO];

/**
 * Decodes one instruction at offset `eip` of the code segment. Faults from `fetch` propagate
 * (an instruction running off the segment limit or an unmapped page).
 */
export function decode(fetch: ByteFetcher, eip: number, ctx: DecodeContext): Insn {
  const insn = new Insn();
  const model = ctx.model;
  const maxLength = model.maxInstructionLength;
  let pos = 0;
  let osz: SizeAttr = ctx.code32 ? 32 : 16;
  let asz: SizeAttr = ctx.code32 ? 32 : 16;
  let lastRep = 0;
  let opsizePrefix = false;
  /** Every prefix kind seen (bits of PREFIX_KIND_BIT), for `udPrefixes`. */
  let kindsSeen = 0;
  let byte = 0;

  const next = (): number => {
    if (pos >= maxLength) throw new CpuFault(model.tooLongVector, model.tooLongVector === 13 ? 0 : undefined);
    return fetch(pos++) & 0xff;
  };

  for (;;) {
    byte = next();
    const prefix = PREFIX_BY_BYTE.get(byte);
    if (!prefix || !modelHas(model, prefix.since)) break;
    insn.prefixCount++;
    kindsSeen |= PREFIX_KIND_BIT[prefix.kind];
    switch (prefix.kind) {
      case 'segment': insn.segOverride = prefix.segment ?? SEG_DS; break;
      case 'operand-size': osz = ctx.code32 ? 16 : 32; opsizePrefix = true; break;
      case 'address-size': asz = ctx.code32 ? 16 : 32; break;
      case 'lock': insn.lock = true; break;
      case 'rep': lastRep = 0xf3; break;
      case 'repne': lastRep = 0xf2; break;
    }
  }
  insn.rep = lastRep;
  insn.osz32 = osz === 32;
  insn.asz32 = asz === 32;

  let key = MAP_PRIMARY + byte;
  let unmodelled: UnmodelledLayout | undefined;
  if (byte === 0x0f && modelHas(model, 'i286')) {
    byte = next();
    key = MAP_0F + byte;
    if (byte === 0x38 || byte === 0x3a) {
      next();
      unmodelled = unmodelledThreeByte(byte);
    } else if (!slots[key]) {
      unmodelled = unmodelledTwoByte(byte);
    }
  } else if (!slots[key]) {
    unmodelled = unmodelledPrimary(byte);
  }
  insn.opcode = byte;
  insn.eip = eip;

  const slot = unmodelled ? undefined : slots[key];
  let modrm = -1;
  if (slot?.hasModrm || unmodelled?.modrm) modrm = next();
  // MOV CRn/DRn: the mod field is ignored and taken as 11b, whether or not the form is then
  // valid (a CR5 access is #UD without the processor reading a SIB byte or displacement).
  const mod = slot?.modIgnored ? 3 : modrm >> 6;
  const regField = (modrm >> 3) & 7;

  let formIndex = INVALID_FORM_INDEX;
  if (slot) {
    for (const candidate of slot.forms) {
      const form = FORMS[candidate] as FormRecord;
      if (form.ext !== undefined && form.ext !== regField) continue;
      if (form.modrmByte !== undefined && form.modrmByte !== modrm) continue;
      if (form.modrm === 'mem' && mod === 3) continue;
      if (form.modrm === 'reg' && mod !== 3) continue;
      if (form.regMask !== undefined && ((form.regMask >> regField) & 1) === 0) continue;
      if (form.osz !== undefined && form.osz !== osz) continue;
      if (form.asz !== undefined && form.asz !== asz) continue;
      if (form.mandatoryPrefix !== undefined && form.mandatoryPrefix !== (form.mandatoryPrefix === 0x66 ? (opsizePrefix ? 0x66 : 0) : lastRep)) continue;
      if (form.plusReg && !(byte - form.opcode >= 0 && byte - form.opcode < 8)) continue;
      if (!modelHas(model, form.since)) continue;
      formIndex = candidate;
      break;
    }
  }
  let form = FORMS[formIndex] as FormRecord;
  // A prefix the SDM gives #UD for on this form (VMCALL: 66, F2, F3): INVALID, with the length read so far.
  if (form.udPrefixes !== undefined && form.udPrefixes.some((kind) => (kindsSeen & PREFIX_KIND_BIT[kind]) !== 0)) {
    formIndex = INVALID_FORM_INDEX;
    form = FORMS[formIndex] as FormRecord;
  }
  insn.form = formIndex;

  // Register fields.
  if (form.plusReg) insn.reg = byte - form.opcode;
  else if (modrm >= 0) insn.reg = regField;
  insn.reg8 = reg8Offset(insn.reg);

  // Memory operand.
  let defaultSeg = SEG_DS;
  if (modrm >= 0) {
    const rm = modrm & 7;
    if (mod === 3) {
      insn.rm = rm;
      insn.rm8 = reg8Offset(rm);
    } else {
      insn.isMem = true;
      if (asz === 16) {
        if (mod === 0 && rm === 6) {
          insn.disp = next() | (next() << 8);
        } else {
          insn.base = RM16_BASE[rm] as number;
          insn.index = RM16_INDEX[rm] as number;
          if (insn.base === REG_EBP) defaultSeg = SEG_SS;
          if (mod === 1) insn.disp = (next() << 24) >> 24;
          else if (mod === 2) insn.disp = next() | (next() << 8);
        }
      } else {
        let base = rm;
        if (rm === 4) {
          const sib = next();
          insn.scale = sib >> 6;
          const index = (sib >> 3) & 7;
          insn.index = index === 4 ? REG_ZERO : index;
          base = sib & 7;
          if (base === 5 && mod === 0) base = -1;
        } else if (rm === 5 && mod === 0) {
          base = -1;
        }
        if (base >= 0) {
          insn.base = base;
          if (base === REG_ESP || base === REG_EBP) defaultSeg = SEG_SS;
        }
        if (base < 0 || mod === 2) insn.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
        else if (mod === 1) insn.disp = (next() << 24) >> 24;
      }
    }
  }

  // Immediates, in operand order.
  let immIndex = 0;
  for (const operand of form.operands) {
    const size = immediateBytes(operand, osz, asz);
    if (size === 0) continue;
    if (operand === 'Ob' || operand === 'Ov') {
      insn.isMem = true;
      insn.disp = readLittle(next, size);
      continue;
    }
    if (operand === 'Ap') {
      insn.imm = readLittle(next, osz === 32 ? 4 : 2);
      insn.imm2 = readLittle(next, 2);
      continue;
    }
    let value = readLittle(next, size);
    if (operand === 'Ibs' || operand === 'Jb') value = (value << 24) >> 24;
    else if (operand === 'Jz' && size === 2) value = (value << 16) >> 16;
    if (immIndex === 0) insn.imm = value;
    else insn.imm2 = value;
    immIndex++;
  }
  if (unmodelled) {
    for (let i = 0; i < unmodelled.immBytes; i++) next();
    insn.unmodelled = unmodelled.cls === 'x87' ? UNMODELLED_X87 : UNMODELLED_SIMD;
  }

  insn.seg = insn.segOverride >= 0 ? insn.segOverride : defaultSeg;
  insn.length = pos;
  const codeMask = ctx.code32 ? -1 : 0xffff;
  insn.next = (eip + pos) & codeMask;
  if (form.operands.includes('Jb') || form.operands.includes('Jz')) {
    // The displacement is added to the unwrapped end of the instruction and then truncated to
    // the OPERAND size (SDM Jcc/JMP/CALL pseudo-code): with a 32-bit operand size in 16-bit code
    // the target can pass 0xFFFF, and the handler's CS-limit check then raises #GP(0).
    insn.target = (eip + pos + insn.imm) & (osz === 32 ? -1 : 0xffff);
  }

  // LOCK is #UD on a form that cannot be locked or without a memory destination (386 and later;
  // the 286 ignores a misplaced LOCK).
  if (insn.lock && modelHas(model, 'i386') && (!form.lockable || !insn.isMem)) insn.form = INVALID_FORM_INDEX;
  return insn;
}

function readLittle(next: () => number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value |= next() << (8 * i);
  return size === 4 ? value | 0 : value;
}

/** Decodes from a byte array (for tools and tests); bytes past the end fault as a fetch would. */
export function decodeBytes(bytes: ArrayLike<number>, ctx: DecodeContext, eip = 0): Insn {
  return decode((offset) => {
    if (offset >= bytes.length) throw new CpuFault(13, 0);
    return bytes[offset] as number;
  }, eip, ctx);
}
