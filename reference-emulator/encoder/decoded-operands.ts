/**
 * The inverse of the encoder's input: the operands of a decoded instruction, in the canonical
 * shape described in operands.ts, so `encode(FORMS[insn.form], decodedOperands(insn), ctx)` gives
 * the canonical bytes of what was decoded. Read from the Insn's fields and the form's operand
 * strings only (no per-instruction code).
 *
 * Prefixes that no operand of the form uses are dropped, since they change nothing on the
 * modelled CPUs: a segment override on a register-only form or on ES:[(E)DI] (SDM Vol. 2B, STOS:
 * "the ES segment cannot be overridden"), a default-segment override, F2/F3 on a form without REP
 * semantics (and the mandatory F3 of PAUSE, which the form itself implies), 2E/3E branch hints,
 * a segment override on LEA's address-only operand.
 * Known gap: XLAT's table record has no memory operand, so its segment override and address
 * size are dropped too although they matter (reported for the table).
 */

import type { FormRecord, SizeAttr } from '../isa/schema.ts';
import { FORMS, INVALID_FORM_INDEX } from '../isa/table.ts';
import { REG_ZERO, SEG_DS } from '../machine/cpu-state.ts';
import type { Insn } from '../decoder/insn.ts';
import { formOperands } from './operand-notation.ts';
import { defaultSegment, signExtend16, signExtend8, toI32, toU16 } from './encode.ts';
import { EncodeError, type AddressSize, type EncodeOperands, type EncodePrefixes, type MemOperand } from './operands.ts';

function withDefaultDropped(mem: MemOperand, segOverride: number, defaultSeg: number): MemOperand {
  return segOverride >= 0 && segOverride !== defaultSeg ? { ...mem, segment: segOverride } : mem;
}

function modrmMemory(insn: Insn, asz: AddressSize, segOverride: number): MemOperand {
  let mem: MemOperand = { disp: asz === 16 ? toU16(insn.disp) : toI32(insn.disp), addressSize: asz };
  if (insn.index !== REG_ZERO) mem = { index: insn.index, scale: (1 << insn.scale) as 1 | 2 | 4 | 8, ...mem };
  if (insn.base !== REG_ZERO) mem = { base: insn.base, ...mem };
  return withDefaultDropped(mem, segOverride, defaultSegment(mem, asz));
}

/** The operands of a decoded instruction; throws an EncodeError for INVALID (nothing to encode). */
export function decodedOperands(insn: Insn): EncodeOperands {
  if (insn.form === INVALID_FORM_INDEX) throw new EncodeError('INVALID: an undecodable or unmodelled instruction has no operands to encode');
  const form = FORMS[insn.form] as FormRecord;
  const osz: SizeAttr = insn.osz32 ? 32 : 16;
  const asz: AddressSize = insn.asz32 ? 32 : 16;
  const out: { -readonly [K in keyof EncodeOperands]: EncodeOperands[K] } = {};
  const imms: number[] = [];
  for (const spec of formOperands(form)) {
    switch (spec.kind) {
      case 'rm':
        // LEA's address-only `M`: a segment override means nothing and is dropped, as the encoder does.
        if (insn.isMem) out.mem = modrmMemory(insn, asz, spec.memSize === '' ? -1 : insn.segOverride);
        else out.rm = insn.rm;
        break;
      case 'reg':
      case 'opreg':
        out.reg = insn.reg;
        break;
      case 'imm': {
        const raw = imms.length === 0 ? insn.imm : insn.imm2;
        const bytes = spec.size === 'b' || spec.size === 'bs' ? 1 : spec.size === 'w' ? 2 : spec.size === 'd' ? 4 : osz / 8;
        imms.push(spec.size === 'bs' ? signExtend8(raw) : bytes === 1 ? raw & 0xff : bytes === 2 ? toU16(raw) : toI32(raw));
        break;
      }
      case 'farptr':
        imms.push(osz === 32 ? toI32(insn.imm) : toU16(insn.imm), toU16(insn.imm2));
        break;
      case 'rel':
        out.rel = spec.size === 'b' ? signExtend8(insn.imm) : osz === 16 ? signExtend16(insn.imm) : toI32(insn.imm);
        break;
      case 'moffs':
        out.mem = withDefaultDropped({ disp: asz === 16 ? toU16(insn.disp) : toI32(insn.disp), addressSize: asz }, insn.segOverride, SEG_DS);
        break;
      case 'string': {
        const hasSource = formOperands(form).some((s) => s.kind === 'string' && s.role === 'src');
        // Only the source DS:(E)SI takes an override; the destination is always ES.
        out.mem = hasSource ? withDefaultDropped({ addressSize: asz }, insn.segOverride, SEG_DS) : { addressSize: asz };
        break;
      }
      default:
        break;
    }
  }
  if (imms[0] !== undefined) out.imm = imms[0];
  if (imms[1] !== undefined) out.imm2 = imms[1];
  const prefixes: { -readonly [K in keyof EncodePrefixes]: EncodePrefixes[K] } = {};
  if (insn.lock) prefixes.lock = true;
  if (form.rep !== undefined && form.mandatoryPrefix === undefined && insn.rep !== 0) prefixes.rep = insn.rep === 0xf2 ? 'repne' : 'rep';
  if (prefixes.lock !== undefined || prefixes.rep !== undefined) out.prefixes = prefixes;
  return out;
}
