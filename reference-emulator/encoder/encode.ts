/**
 * The table-driven instruction encoder (SDM Vol. 2A, chapter 2 "Instruction Format"; Vol. 2D,
 * Appendix A for the operand notation). It reads the same records the decoder reads and names no
 * instruction: a form's opcode, ModRM use, `/digit`, `+r`, size attributes and operand strings
 * decide every byte.
 *
 * Canonical encoding, the shortest one for the operands given:
 * - prefixes only where they change something, in iced-x86's order: segment, F0, 66, 67, F2/F3
 *   (so a mandatory F3, as in PAUSE, sits next to the opcode);
 *   66 when the form's operand size differs from the code segment's, 67 when the address size of a
 *   memory operand (or of a LOOP/JCXZ form) differs; no segment prefix for the default segment;
 * - the shortest displacement: none, disp8, then disp16/disp32 (SDM Vol. 2A, Tables 2-1 to 2-3),
 *   with their special cases: [BP] and [EBP] have no mod-00 form and take a zero disp8, [ESP]
 *   needs a SIB byte, a lone 32-bit index takes SIB base 101 with a disp32, and no SIB byte is
 *   written when none is needed;
 * - no segment prefix on LEA's address-only operand (`M` without a size), where it means nothing;
 * - base and index keep the roles the caller gave them ([EAX*1] stays an index, as in iced-x86),
 *   since they decide the default segment (an EBP base means SS, an EBP index does not).
 *
 * Checks, each a one-line EncodeError that starts with the form id: missing, surplus or
 * out-of-range operands; a register the operand cannot name (ESP as an index, CX in 16-bit
 * addressing, segment register 6, a ModRM.reg value outside the record's `regMask` such as CR5);
 * memory where the form needs a register and the reverse (a `mod-ignored` form, MOV CRn/DRn,
 * takes a register only and is written with mod = 11b, the value the hardware assumes); LOCK
 * without a lockable form and memory operand (#UD, SDM Vol. 2A, LOCK); REP on a form without REP
 * semantics; a branch target out of reach; more than 15 bytes (SDM Vol. 2A, 2.3.11); and operands
 * whose bytes the table gives to another, more specific form (see table-choice.ts).
 */

import { regAllowed, type FormRecord, type SizeAttr } from '../isa/schema.ts';
import { FORMS, formIndex } from '../isa/table.ts';
import { REG16_NAMES, REG32_NAMES, SEG_DS, SEG_ES, SEG_NAMES, SEG_SS } from '../machine/cpu-state.ts';
import { formOperands, type OperandSpec } from './operand-notation.ts';
import { EncodeError, hexNumber, type AddressSize, type EncodeContext, type EncodeOperands, type EncodeVariant, type MemOperand } from './operands.ts';
import { tableChoice } from './table-choice.ts';

/** The longest legal instruction, in bytes (SDM Vol. 2A, 2.3.11). */
export const MAX_INSTRUCTION_BYTES = 15;

const REG_ESP = 4;
const REG_EBP = 5;
const REG_BX = 3;
const REG_BP = 5;
const REG_SI = 6;
const REG_DI = 7;

/** A form by record or id; throws for an unknown id or the INVALID pseudo-form. */
export function resolveForm(form: FormRecord | string): FormRecord {
  const record = typeof form === 'string' ? formByIdOrThrow(form) : form;
  if (record.opcode < 0) throw new EncodeError(`${record.id}: the INVALID pseudo-form has no encoding`);
  return record;
}

function formByIdOrThrow(id: string): FormRecord {
  let index: number;
  try {
    index = formIndex(id);
  } catch {
    throw new EncodeError(`unknown form id '${id}'`);
  }
  return FORMS[index] as FormRecord;
}

// ---- canonical numbers ----

export const toU16 = (v: number): number => v & 0xffff;
export const toI32 = (v: number): number => v | 0;
export const signExtend8 = (v: number): number => (v << 24) >> 24;
export const signExtend16 = (v: number): number => (v << 16) >> 16;

function checkRange(form: FormRecord, what: string, value: number | undefined, min: number, max: number, why: string): number {
  if (value === undefined) throw new EncodeError(`${form.id}: missing ${what}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError(`${form.id}: ${what} ${Number.isInteger(value) ? hexNumber(value) : String(value)} does not fit ${why}`);
  }
  return value;
}

/** An immediate of `bytes` bytes, accepted signed or unsigned, in its canonical form (operands.ts). */
function canonicalUnsignedOrSigned(form: FormRecord, what: string, value: number | undefined, bytes: 1 | 2 | 4, why: string): number {
  const bits = bytes * 8;
  const v = checkRange(form, what, value, -(2 ** (bits - 1)), 2 ** bits - 1, why);
  return bytes === 4 ? toI32(v) : v & (2 ** bits - 1);
}

/** `Ibs`: the value as the operand sees it, -128..127, also accepted as its osz-bit unsigned pattern. */
function canonicalIbs(form: FormRecord, what: string, value: number | undefined, osz: SizeAttr): number {
  const why = `Ibs (an imm8 sign-extended to ${osz} bits: -128..127)`;
  const v = checkRange(form, what, value, -(2 ** (osz - 1)), 2 ** osz - 1, why);
  const signed = osz === 32 ? toI32(v) : signExtend16(v);
  if (signed < -128 || signed > 127) throw new EncodeError(`${form.id}: ${what} ${hexNumber(v)} does not fit ${why}`);
  return signed;
}

function immBytes(spec: Extract<OperandSpec, { kind: 'imm' }>, osz: SizeAttr): 1 | 2 | 4 {
  switch (spec.size) {
    case 'b': case 'bs': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'z': case 'v': return osz === 32 ? 4 : 2;
  }
}

function canonicalImm(form: FormRecord, spec: Extract<OperandSpec, { kind: 'imm' }>, what: string, value: number | undefined, osz: SizeAttr): number {
  if (spec.size === 'bs') return canonicalIbs(form, what, value, osz);
  const bytes = immBytes(spec, osz);
  return canonicalUnsignedOrSigned(form, what, value, bytes, `${spec.text} (${bytes * 8} bits)`);
}

function canonicalRel(form: FormRecord, spec: Extract<OperandSpec, { kind: 'rel' }>, value: number, osz: SizeAttr): number {
  if (spec.size === 'b') return signExtend8(canonicalUnsignedOrSigned(form, 'rel', value, 1, 'Jb (rel8: -128..127)'));
  if (osz === 16) return signExtend16(canonicalUnsignedOrSigned(form, 'rel', value, 2, 'Jz (rel16)'));
  return canonicalUnsignedOrSigned(form, 'rel', value, 4, 'Jz (rel32)');
}

// ---- the memory operand ----

const gprName = (reg: number, asz: AddressSize): string => (asz === 32 ? REG32_NAMES : REG16_NAMES)[reg] ?? `register ${reg}`;

/** The segment a memory operand uses without a prefix: SS for a BP/EBP/ESP base (SDM Vol. 1, 3.7.4), else DS. */
export function defaultSegment(mem: MemOperand, asz: AddressSize): number {
  if (mem.base === undefined) return SEG_DS;
  if (asz === 16) return mem.base === REG_BP ? SEG_SS : SEG_DS;
  return mem.base === REG_ESP || mem.base === REG_EBP ? SEG_SS : SEG_DS;
}

/** 16-bit ModRM.rm by {base, index} (SDM Vol. 2A, Table 2-1), keyed `base,index` with the decoder's roles. */
const RM16: ReadonlyMap<string, number> = new Map([
  ['3,6', 0], ['3,7', 1], ['5,6', 2], ['5,7', 3], ['6,', 4], ['7,', 5], ['5,', 6], ['3,', 7],
]);

interface MemoryPlan {
  readonly canon: MemOperand;
  readonly mod: number;
  readonly rm: number;
  readonly sib: number;
  readonly disp: number;
  readonly dispBytes: number;
  readonly defaultSeg: number;
}

function checkSegment(form: FormRecord, mem: MemOperand): void {
  if (mem.segment !== undefined && !(Number.isInteger(mem.segment) && mem.segment >= 0 && mem.segment <= 5)) {
    throw new EncodeError(`${form.id}: segment ${mem.segment} does not exist (0-5: ${SEG_NAMES.join(' ')})`);
  }
}

function withSegment(canon: MemOperand, mem: MemOperand, defaultSeg: number): MemOperand {
  return mem.segment !== undefined && mem.segment !== defaultSeg ? { ...canon, segment: mem.segment } : canon;
}

function planModrmMemory(form: FormRecord, mem: MemOperand, asz: AddressSize, variant: EncodeVariant): MemoryPlan {
  checkSegment(form, mem);
  const wide = variant.wideDisp === true;
  if (asz === 16) {
    if (mem.scale !== undefined && mem.scale !== 1) throw new EncodeError(`${form.id}: 16-bit addressing has no scaled index (scale ${mem.scale})`);
    const regs = [mem.base, mem.index].filter((r): r is number => r !== undefined);
    for (const r of regs) {
      if (r !== REG_BX && r !== REG_BP && r !== REG_SI && r !== REG_DI) {
        throw new EncodeError(`${form.id}: ${gprName(r, 16)} cannot address memory with 16-bit addressing (only bx bp si di)`);
      }
    }
    // The decoder's roles: BX/BP are the base, SI/DI the index, and a lone SI/DI is a base.
    const base = regs.find((r) => r === REG_BX || r === REG_BP) ?? (regs.length === 1 ? regs[0] : undefined);
    const index = regs.find((r) => r !== base);
    const rm = regs.length === 0 ? 6 : RM16.get(`${base ?? ''},${index ?? ''}`);
    if (rm === undefined || regs.length > 2) {
      throw new EncodeError(`${form.id}: [${regs.map((r) => gprName(r, 16)).join('+')}] is not a 16-bit addressing form (SDM Vol. 2A, Table 2-1)`);
    }
    const disp = toU16(checkRange(form, 'disp', mem.disp ?? 0, -0x8000, 0xffff, '16-bit addressing (-0x8000..0xffff)'));
    let canon: MemOperand = { disp, addressSize: 16 };
    if (base !== undefined) canon = { base, ...canon };
    if (index !== undefined) canon = { base, index, scale: 1, disp, addressSize: 16 };
    const defaultSeg = defaultSegment(canon, 16);
    canon = withSegment(canon, mem, defaultSeg);
    if (regs.length === 0) return { canon, mod: 0, rm: 6, sib: -1, disp, dispBytes: 2, defaultSeg };
    const fits8 = disp <= 0x7f || disp >= 0xff80;
    const mod = disp === 0 && rm !== 6 && !wide ? 0 : fits8 && !wide ? 1 : 2;
    return { canon, mod, rm, sib: -1, disp, dispBytes: mod === 0 ? 0 : mod === 1 ? 1 : 2, defaultSeg };
  }

  const { base, index } = mem;
  if (base !== undefined && !(Number.isInteger(base) && base >= 0 && base <= 7)) throw new EncodeError(`${form.id}: base register ${base} does not exist (0-7)`);
  if (index !== undefined) {
    if (!(Number.isInteger(index) && index >= 0 && index <= 7)) throw new EncodeError(`${form.id}: index register ${index} does not exist (0-7)`);
    if (index === REG_ESP) throw new EncodeError(`${form.id}: esp cannot be an index register (SIB index 100 means none)`);
  }
  const scale = mem.scale ?? 1;
  if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) throw new EncodeError(`${form.id}: scale ${String(scale)} is not 1, 2, 4 or 8`);
  if (index === undefined && scale !== 1) throw new EncodeError(`${form.id}: scale ${scale} without an index register`);
  const disp = toI32(checkRange(form, 'disp', mem.disp ?? 0, -0x80000000, 0xffffffff, '32-bit addressing'));
  let canon: MemOperand = { disp, addressSize: 32 };
  if (index !== undefined) canon = { index, scale, ...canon };
  if (base !== undefined) canon = { base, ...canon };
  const defaultSeg = defaultSegment(canon, 32);
  canon = withSegment(canon, mem, defaultSeg);
  const ss = scale === 1 ? 0 : scale === 2 ? 1 : scale === 4 ? 2 : 3;
  const sibFor = (b: number): number => (ss << 6) | ((index ?? 4) << 3) | b;
  if (base === undefined) {
    if (index === undefined && variant.sib !== true) return { canon, mod: 0, rm: 5, sib: -1, disp, dispBytes: 4, defaultSeg };
    return { canon, mod: 0, rm: 4, sib: sibFor(5), disp, dispBytes: 4, defaultSeg };
  }
  const wantsSib = index !== undefined || base === REG_ESP || variant.sib === true;
  const mod = disp === 0 && base !== REG_EBP && !wide ? 0 : disp >= -128 && disp <= 127 && !wide ? 1 : 2;
  return { canon, mod, rm: wantsSib ? 4 : base, sib: wantsSib ? sibFor(base) : -1, disp, dispBytes: mod === 0 ? 0 : mod === 1 ? 1 : 4, defaultSeg };
}

/** A moffs (O) or string (X, Y) operand: no registers, only a displacement (moffs), a segment and an address size. */
function planPlainMemory(form: FormRecord, spec: OperandSpec, mem: MemOperand, asz: AddressSize, hasSource: boolean): { canon: MemOperand; defaultSeg: number } {
  checkSegment(form, mem);
  if (mem.base !== undefined || mem.index !== undefined || (mem.scale !== undefined && mem.scale !== 1)) {
    throw new EncodeError(`${form.id}: operand ${spec.text} takes no base or index register`);
  }
  if (spec.kind === 'moffs') {
    const disp = asz === 16
      ? toU16(checkRange(form, 'disp', mem.disp ?? 0, -0x8000, 0xffff, 'a 16-bit moffs'))
      : toI32(checkRange(form, 'disp', mem.disp ?? 0, -0x80000000, 0xffffffff, 'a 32-bit moffs'));
    return { canon: withSegment({ disp, addressSize: asz }, mem, SEG_DS), defaultSeg: SEG_DS };
  }
  if (mem.disp !== undefined && mem.disp !== 0) throw new EncodeError(`${form.id}: string operand ${spec.text} takes no displacement`);
  if (hasSource) return { canon: withSegment({ addressSize: asz }, mem, SEG_DS), defaultSeg: SEG_DS };
  // ES:[(E)DI] alone: the destination segment cannot be overridden (SDM Vol. 2B, STOS).
  if (mem.segment !== undefined && mem.segment !== SEG_ES) {
    throw new EncodeError(`${form.id}: the destination es:[${asz === 32 ? 'edi' : 'di'}] cannot take a ${SEG_NAMES[mem.segment]} override`);
  }
  return { canon: { addressSize: asz }, defaultSeg: SEG_ES };
}

// ---- planning: checks, canonical operands, and every byte but the branch displacement ----

interface Trailing {
  value: number;
  readonly bytes: number;
}

interface Plan {
  readonly form: FormRecord;
  readonly canon: { -readonly [K in keyof EncodeOperands]: EncodeOperands[K] };
  readonly prefixes: number[];
  readonly opsizePrefix: boolean;
  readonly lastRep: number;
  readonly osz: SizeAttr;
  readonly asz: AddressSize;
  readonly opcode: number[];
  readonly modrm: number;
  readonly sib: number;
  readonly disp: Trailing | undefined;
  readonly trailing: Trailing[];
  /** Index in `trailing` of the branch displacement, and its pending target, if any. */
  readonly relSlot: number;
  readonly relSpec: Extract<OperandSpec, { kind: 'rel' }> | undefined;
}

function describeOperands(form: FormRecord): string {
  return form.operands.length === 0 ? 'no operands' : `operands ${form.operands.join(', ')}`;
}

function plan(form: FormRecord, ops: EncodeOperands, ctx: EncodeContext, variant: EncodeVariant): Plan {
  const specs = formOperands(form);
  const defaultSize: SizeAttr = ctx.code32 ? 32 : 16;
  const osz: SizeAttr = form.osz ?? defaultSize;
  const canon: Plan['canon'] = {};
  const used = new Set<keyof EncodeOperands>();
  const use = (field: keyof EncodeOperands): void => {
    if (used.has(field) && field !== 'mem') throw new EncodeError(`${form.id}: two operands want '${field}' (table: ${describeOperands(form)})`);
    used.add(field);
  };

  const rmSpec = specs.find((s): s is Extract<OperandSpec, { kind: 'rm' }> => s.kind === 'rm');
  const regSpec = specs.find((s): s is Extract<OperandSpec, { kind: 'reg' | 'opreg' }> => s.kind === 'reg' || s.kind === 'opreg');
  const plainMemSpec = specs.find((s) => s.kind === 'moffs' || s.kind === 'string');
  const hasSource = specs.some((s) => s.kind === 'string' && s.role === 'src');

  // Which memory operand, if any, and its address size.
  const memIsModrm = rmSpec !== undefined && ops.mem !== undefined;
  const hasMemory = memIsModrm || plainMemSpec !== undefined;
  if (ops.mem !== undefined && !hasMemory) throw new EncodeError(`${form.id}: 'mem' given, but the form has no memory operand (${describeOperands(form)})`);
  if (ops.mem?.addressSize !== undefined && ops.mem.addressSize !== 16 && ops.mem.addressSize !== 32) {
    throw new EncodeError(`${form.id}: address size ${String(ops.mem.addressSize)} is not 16 or 32`);
  }
  if (form.asz !== undefined && ops.mem?.addressSize !== undefined && ops.mem.addressSize !== form.asz) {
    throw new EncodeError(`${form.id}: the form has a ${form.asz}-bit address size, not ${ops.mem.addressSize}`);
  }
  const asz: AddressSize = form.asz ?? ops.mem?.addressSize ?? defaultSize;
  const usesAsz = form.asz !== undefined || hasMemory;

  // ModRM.reg: a register operand or the /digit.
  let regField = form.ext ?? 0;
  let opcodeReg = 0;
  if (regSpec !== undefined) {
    use('reg');
    const max = regSpec.kind === 'reg' && regSpec.bank === 'sreg' ? 5 : 7;
    const what = regSpec.kind === 'reg' && regSpec.bank === 'sreg' ? `segment register (0-5: ${SEG_NAMES.join(' ')})` : `${regSpec.text} (0-7)`;
    const reg = checkRange(form, 'reg', ops.reg, 0, max, what);
    if (!regAllowed(form, reg)) {
      const allowed = [0, 1, 2, 3, 4, 5, 6, 7].filter((r) => regAllowed(form, r));
      throw new EncodeError(`${form.id}: ${regSpec.text} register ${reg} does not exist (#UD); the record allows ${allowed.join(', ')}`);
    }
    canon.reg = reg;
    if (regSpec.kind === 'opreg') opcodeReg = reg;
    else if (form.ext !== undefined) throw new EncodeError(`${form.id}: table record has both /${form.ext} and a ModRM.reg operand`);
    else regField = reg;
  }

  // ModRM.rm: register or memory.
  let mod = 3;
  let rmField = 0;
  let sib = -1;
  let disp: Trailing | undefined;
  let segPrefix = -1;
  let defaultSeg = -1;
  if (rmSpec !== undefined) {
    if (ops.rm !== undefined && ops.mem !== undefined) throw new EncodeError(`${form.id}: both 'rm' and 'mem' given for ${rmSpec.text}`);
    if (ops.mem !== undefined) {
      use('mem');
      if (rmSpec.memSize === undefined || form.modrm === 'reg' || form.modrm === 'mod-ignored') {
        throw new EncodeError(`${form.id}: ${rmSpec.text} must be a register (mod = 3), not memory`);
      }
      // An `M` operand without a size (LEA) is an address only: a segment override means nothing.
      const mem = rmSpec.memSize === '' && ops.mem.segment !== undefined ? { ...ops.mem, segment: undefined } : ops.mem;
      const m = planModrmMemory(form, mem, asz, variant);
      canon.mem = m.canon;
      ({ mod, rm: rmField, sib } = m);
      disp = m.dispBytes > 0 ? { value: m.disp, bytes: m.dispBytes } : undefined;
      defaultSeg = m.defaultSeg;
      segPrefix = m.canon.segment ?? -1;
    } else {
      use('rm');
      if (rmSpec.regSize === undefined || form.modrm === 'mem') throw new EncodeError(`${form.id}: ${rmSpec.text} must be memory (mod = 3 is #UD), give 'mem'`);
      canon.rm = rmField = checkRange(form, 'rm', ops.rm, 0, 7, `${rmSpec.text} (0-7)`);
    }
  } else if (ops.rm !== undefined) {
    throw new EncodeError(`${form.id}: 'rm' given, but the form has no ModRM.rm operand (${describeOperands(form)})`);
  }
  if (ops.reg !== undefined && regSpec === undefined) {
    throw new EncodeError(`${form.id}: 'reg' given, but the form has no register operand to put it in (${describeOperands(form)})`);
  }

  if (plainMemSpec !== undefined) {
    if (memIsModrm) throw new EncodeError(`${form.id}: table record has both a ModRM memory operand and ${plainMemSpec.text}`);
    const m = planPlainMemory(form, plainMemSpec, ops.mem ?? {}, asz, hasSource);
    canon.mem = m.canon;
    defaultSeg = m.defaultSeg;
    segPrefix = m.canon.segment ?? -1;
  }
  if (segPrefix < 0 && variant.explicitSegment === true && defaultSeg >= 0) segPrefix = defaultSeg;

  // Immediates, far pointers, moffs and branch displacements, in operand order (as the decoder reads them).
  const trailing: Trailing[] = [];
  let relSlot = -1;
  let relSpec: Plan['relSpec'];
  let immCount = 0;
  for (const spec of specs) {
    switch (spec.kind) {
      case 'imm': {
        const field = immCount === 0 ? 'imm' : 'imm2';
        use(field);
        const value = canonicalImm(form, spec, field, ops[field], osz);
        canon[field] = value;
        trailing.push({ value, bytes: immBytes(spec, osz) });
        immCount++;
        break;
      }
      case 'farptr': {
        use('imm');
        use('imm2');
        canon.imm = canonicalUnsignedOrSigned(form, 'imm (far offset)', ops.imm, osz === 32 ? 4 : 2, `a ${osz}-bit offset`);
        canon.imm2 = canonicalUnsignedOrSigned(form, 'imm2 (far selector)', ops.imm2, 2, 'a 16-bit selector');
        trailing.push({ value: canon.imm, bytes: osz / 8 }, { value: canon.imm2, bytes: 2 });
        immCount += 2;
        break;
      }
      case 'moffs':
        trailing.push({ value: (canon.mem as MemOperand).disp ?? 0, bytes: asz / 8 });
        break;
      case 'rel':
        use('rel');
        relSlot = trailing.length;
        relSpec = spec;
        trailing.push({ value: 0, bytes: spec.size === 'b' ? 1 : osz / 8 });
        break;
      default:
        break;
    }
  }
  for (const field of ['imm', 'imm2'] as const) {
    if (ops[field] !== undefined && !used.has(field)) throw new EncodeError(`${form.id}: '${field}' given, but the form has no such immediate (${describeOperands(form)})`);
  }
  if ((ops.rel !== undefined || ops.target !== undefined) && relSpec === undefined) {
    throw new EncodeError(`${form.id}: a branch 'rel'/'target' given, but the form has no J operand (${describeOperands(form)})`);
  }
  if (relSpec !== undefined && ops.rel === undefined && ops.target === undefined) throw new EncodeError(`${form.id}: missing 'rel' or 'target' for ${relSpec.text}`);

  // Prefixes.
  const lock = ops.prefixes?.lock === true;
  if (lock && !(form.lockable === true && memIsModrm)) {
    throw new EncodeError(`${form.id}: LOCK needs a lockable form with a memory operand (#UD otherwise, SDM Vol. 2A, LOCK)`);
  }
  const rep = ops.prefixes?.rep;
  if (rep !== undefined) {
    if (rep !== 'rep' && rep !== 'repne') throw new EncodeError(`${form.id}: rep prefix '${String(rep)}' is not 'rep' or 'repne'`);
    if (form.rep === undefined) throw new EncodeError(`${form.id}: a ${rep} prefix on a form without REP semantics`);
    if (form.mandatoryPrefix === 0xf2 || form.mandatoryPrefix === 0xf3) throw new EncodeError(`${form.id}: a ${rep} prefix on a form whose mandatory prefix is F2/F3`);
  }
  if (lock || rep !== undefined) canon.prefixes = { ...(lock ? { lock: true } : {}), ...(rep !== undefined ? { rep } : {}) };

  const prefixes: number[] = [];
  if (segPrefix >= 0) prefixes.push([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65][segPrefix] as number);
  if (lock) prefixes.push(0xf0);
  const opsizePrefix = (form.osz !== undefined && form.osz !== defaultSize) || form.mandatoryPrefix === 0x66;
  if (opsizePrefix) prefixes.push(0x66);
  if (usesAsz && asz !== defaultSize) prefixes.push(0x67);
  const lastRep = rep === 'rep' ? 0xf3 : rep === 'repne' ? 0xf2 : form.mandatoryPrefix === 0xf3 || form.mandatoryPrefix === 0xf2 ? form.mandatoryPrefix : 0;
  if (lastRep !== 0) prefixes.push(lastRep);
  if (variant.repeatPrefixes === true) prefixes.splice(0, prefixes.length, ...prefixes.flatMap((p) => [p, p]));

  const opcode = form.map === '0f' ? [0x0f, form.opcode + opcodeReg] : [form.opcode + opcodeReg];
  let modrm = -1;
  if (form.modrm !== 'none') {
    if (form.modrmByte !== undefined) {
      if (rmSpec !== undefined || regSpec !== undefined) throw new EncodeError(`${form.id}: table record fixes the ModRM byte but names ModRM operands`);
      modrm = form.modrmByte;
    } else {
      if (rmSpec === undefined && form.modrm === 'mem') throw new EncodeError(`${form.id}: table record needs memory but names no ModRM.rm operand`);
      modrm = (mod << 6) | (regField << 3) | rmField;
    }
  }
  return { form, canon, prefixes, opsizePrefix, lastRep, osz, asz, opcode, modrm, sib, disp, trailing, relSlot, relSpec };
}

function planLength(p: Plan): number {
  return p.prefixes.length + p.opcode.length + (p.modrm >= 0 ? 1 : 0) + (p.sib >= 0 ? 1 : 0) + (p.disp?.bytes ?? 0) + p.trailing.reduce((n, t) => n + t.bytes, 0);
}

/** Fills in the branch displacement: `rel` as given, or from `target` and the instruction's end. */
function resolveRel(p: Plan, ops: EncodeOperands, ctx: EncodeContext, length: number): void {
  const spec = p.relSpec;
  if (spec === undefined) return;
  const form = p.form;
  let rel: number | undefined = ops.rel !== undefined ? canonicalRel(form, spec, ops.rel, p.osz) : undefined;
  if (ops.target !== undefined) {
    const oszMask = p.osz === 32 ? 0xffffffff : 0xffff;
    const target = checkRange(form, 'target', ops.target, 0, oszMask, `a ${p.osz}-bit operand size (0..${hexNumber(oszMask)})`);
    const eip = ctx.eip ?? 0;
    const next = (eip + length) & (ctx.code32 ? 0xffffffff : 0xffff);
    const distance = p.osz === 32 ? toI32(target - next) : signExtend16(target - next);
    const fromTarget = spec.size === 'b' ? distance : canonicalRel(form, spec, distance, p.osz);
    if (spec.size === 'b' && (distance < -128 || distance > 127)) {
      throw new EncodeError(`${form.id}: target ${hexNumber(target)} is ${hexNumber(distance)} from the next instruction at ${hexNumber(next >>> 0)}; rel8 reaches -0x80..0x7f`);
    }
    if (rel !== undefined && rel !== fromTarget) throw new EncodeError(`${form.id}: rel ${hexNumber(rel)} and target ${hexNumber(target)} disagree (the target needs ${hexNumber(fromTarget)})`);
    rel = fromTarget;
  }
  p.canon.rel = rel;
  (p.trailing[p.relSlot] as Trailing).value = rel as number;
}

function planned(form: FormRecord | string, ops: EncodeOperands, ctx: EncodeContext, variant: EncodeVariant): { p: Plan; length: number } {
  const record = resolveForm(form);
  const p = plan(record, ops, ctx, variant);
  const length = planLength(p);
  if (length > MAX_INSTRUCTION_BYTES) throw new EncodeError(`${record.id}: the encoding is ${length} bytes; the limit is ${MAX_INSTRUCTION_BYTES} (SDM Vol. 2A, 2.3.11)`);
  resolveRel(p, ops, ctx, length);
  return { p, length };
}

function pushLittle(out: number[], value: number, bytes: number): void {
  for (let i = 0; i < bytes; i++) out.push((value >>> (8 * i)) & 0xff);
}

const hexBytes = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** The bytes and the canonical operands, after every check. */
function assemble(form: FormRecord | string, ops: EncodeOperands, ctx: EncodeContext, variant: EncodeVariant): { bytes: Uint8Array; canon: EncodeOperands } {
  const { p } = planned(form, ops, ctx, variant);
  const out = [...p.prefixes, ...p.opcode];
  if (p.modrm >= 0) out.push(p.modrm);
  if (p.sib >= 0) out.push(p.sib);
  if (p.disp) pushLittle(out, p.disp.value, p.disp.bytes);
  for (const t of p.trailing) pushLittle(out, t.value, t.bytes);

  const chosen = tableChoice({
    map: p.form.map,
    byte: p.opcode[p.opcode.length - 1] as number,
    modrm: p.modrm,
    osz: p.osz,
    asz: p.asz,
    opsizePrefix: p.opsizePrefix,
    lastRep: p.lastRep,
  });
  if (variant.unchecked !== true && (FORMS[chosen] as FormRecord).id !== p.form.id) {
    const other = FORMS[chosen] as FormRecord;
    throw new EncodeError(`${p.form.id}: these operands encode as ${hexBytes(out)}, which the table assigns to ${other.id}`);
  }
  return { bytes: Uint8Array.from(out), canon: p.canon };
}

/**
 * Encodes one instruction of `form`. Without `variant`, the canonical (shortest) encoding; a
 * variant asks for a longer, non-canonical one the decoder must still read the same way.
 */
export function encode(form: FormRecord | string, ops: EncodeOperands, ctx: EncodeContext, variant: EncodeVariant = {}): Uint8Array {
  return assemble(form, ops, ctx, variant).bytes;
}

/**
 * The operands as `decodedOperands` gives them back after a round trip through the encoder and
 * the decoder (operands.ts, "Canonical values"); throws the EncodeError `encode` would throw.
 */
export function canonicalOperands(form: FormRecord | string, ops: EncodeOperands, ctx: EncodeContext): EncodeOperands {
  return assemble(form, ops, ctx, {}).canon;
}
