/**
 * fast-check arbitraries for differential programs, built from the instruction table: one item
 * per generated instruction, each a form of forms.ts with operands read from the form's operand
 * strings (SDM Vol. 2D, Appendix A notation, parsed by the encoder's `formOperands`), plus the
 * starting registers, flags and memory.
 *
 * What an item varies: registers (ESP never as a general-register operand, except PUSH ESP, so the
 * stack pointer moves only by the stack instructions' own amounts), edge-valued immediates (0, 1,
 * -1, 0x7f.., 0x80.., 0xff.., shift counts around the operand width), memory operands in every
 * 16-bit addressing form and 32-bit base/index/scale/displacement form, segment overrides, LOCK
 * on lockable forms with a memory destination, REP/REPNE on string forms, and forward jumps.
 *
 * Memory operands always land in the data window (layout.ts): an item carries the registers its
 * addressing needs as "set-up" moves (MOV reg, imm) emitted right before it, with values solved
 * so base + index * scale + disp is the chosen window offset in the operand's segment. Other
 * implicit addresses get the same treatment: (E)SI/(E)DI and the REP count for string forms,
 * (E)BX for XLAT, the bit offset register of BT/BTS/BTR/BTC with a memory operand (it moves the
 * operand, SDM Vol. 2A, "BT"), (E)BP for ENTER and LEAVE (which walk or reload the frame), and the
 * register of an indirect JMP/CALL (its target). Set-up moves write no flags (MOV), so the flags
 * an instruction sees are still the previous instruction's.
 *
 * Shrinking: every choice is a plain fast-check value mapped to an item, so fast-check shrinks
 * the list (dropping items) and each item's operands (towards 0 and the first edge value).
 */

import fc from 'fast-check';
import {
  encode,
  EncodeError,
  formOperands,
  SEG_DS,
  SEG_ES,
  SEG_SS,
  type EncodeOperands,
  type FormRecord,
  type MemOperand,
  type OperandSpec,
} from '../../../reference-emulator/index.ts';
import { code32Of, FRAME_POINTER_HIGH, FRAME_POINTER_LOW, segmentBase, WINDOW_BASE, WINDOW_MARGIN, WINDOW_SIZE, type DifferentialMode } from './layout.ts';
import { isNearTransfer } from './forms.ts';
import { countedShift } from './flags.ts';

/** A register load emitted before an item: MOV reg, value with a 16- or 32-bit operand size. */
export interface SetupMove {
  reg: number;
  value: number;
  size: 16 | 32;
}

/** A near transfer's target: `ahead` items past the next one (clamped to the terminating HLT). */
export interface JumpPlan {
  ahead: number;
  /** For JMP/CALL r/m: the register that must hold the target, set up before the item. */
  viaRegister?: { reg: number; size: 16 | 32 };
}

export interface Item {
  form: FormRecord;
  /** Encoder operands; a relative transfer's `target` is filled in by the assembler. */
  ops: EncodeOperands;
  setup: SetupMove[];
  jump?: JumpPlan;
}

/** Starting registers (ESP is the layout's), flags and the seed of the memory contents. */
export interface StartingValues {
  regs: { eax: number; ecx: number; edx: number; ebx: number; ebp: number; esi: number; edi: number };
  eflags: number;
  memorySeed: number;
}

export interface DifferentialCase {
  /** The program's instructions; null is an instruction shrunk away (fast-check shrinks an option to nil). */
  items: Array<Item | null>;
  start: StartingValues;
}

// ---- value arbitraries with edges ----

/** An integer in [min, max], biased to the given edges (fast-check shrinks towards the first). */
function edgy(min: number, max: number, edges: readonly number[]): fc.Arbitrary<number> {
  const inRange = edges.filter((v) => v >= min && v <= max);
  return fc.oneof({ arbitrary: fc.constantFrom(...inRange), weight: 1 }, { arbitrary: fc.integer({ min, max }), weight: 1 });
}

const EDGES_8 = [0, 1, 0xff, 0x7f, 0x80, 0xfe, 0x81];
const EDGES_16 = [0, 1, 0xffff, 0x7fff, 0x8000, 0xff, 0x80, 0x7f, 0x100, 0xfffe, 0x8001];
const EDGES_32 = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xff, 0x80, 0x7f, 0xffff, 0x8000, 0x7fff, 0x10000, 0xfffffffe, 0x80000001, 0xffffff80];

const value8 = edgy(0, 0xff, EDGES_8);
const value16 = edgy(0, 0xffff, EDGES_16);
const value32 = edgy(0, 0xffffffff, EDGES_32);
const signedByte = edgy(-0x80, 0x7f, [0, 1, -1, 0x7f, -0x80]);
/** Shift and rotate counts around the widths and the 5-bit mask (SDM: count AND 1FH). */
const shiftCount = edgy(0, 0xff, [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 0xff]);
/** AAM/AAD bases: 0 is #DE for AAM, 10 the documented one. */
const bcdBase = edgy(0, 0xff, [10, 0, 1, 16, 0xff]);

/** General registers an operand may name: all eight for bytes (AH is 4), never ESP for words. */
const NOT_ESP = [0, 1, 2, 3, 5, 6, 7] as const;
const ANY_REG = [0, 1, 2, 3, 4, 5, 6, 7] as const;

/**
 * 16-bit addressing forms (SDM Vol. 2A, Table 2-1) as {base, index}, simplest first so a shrunk
 * operand needs the fewest set-up moves: [disp16], [base], [base+index].
 */
const ADDRESSING_16: ReadonlyArray<{ base?: number; index?: number }> = [
  {}, { base: 3 }, { base: 6 }, { base: 7 }, { base: 5 },
  { base: 3, index: 6 }, { base: 3, index: 7 }, { base: 5, index: 6 }, { base: 5, index: 7 },
];

// ---- memory operands ----

/** The raw choices of a memory operand; each shrinks towards the plainest operand (value 0). */
interface RawMemory {
  /** The address size other than the code segment's (a 67 prefix). */
  otherAddressSize: boolean;
  shape16: number;
  /** 0: no base; 1-7: NOT_ESP[n - 1]. */
  base32: number;
  /** 0: no index; 1-6: the n-th register of NOT_ESP other than the base. */
  index32: number;
  scale: 1 | 2 | 4 | 8;
  disp: number;
  /** 0: the operand's default segment; 1-6: an override of ES, CS, SS, DS, FS, GS. */
  segment: number;
  offset: number;
  indexValue: number;
}

const rawMemory: fc.Arbitrary<RawMemory> = fc.record({
  otherAddressSize: fc.boolean(),
  shape16: fc.integer({ min: 0, max: ADDRESSING_16.length - 1 }),
  base32: fc.integer({ min: 0, max: 7 }),
  index32: fc.integer({ min: 0, max: 6 }),
  scale: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
  disp: value32,
  segment: fc.integer({ min: 0, max: 6 }),
  offset: fc.integer({ min: WINDOW_MARGIN, max: WINDOW_SIZE - WINDOW_MARGIN }),
  indexValue: value32,
});

/** The segment override a raw choice names, or undefined for the default segment. */
const overrideOf = (choice: number | undefined): number | undefined => (choice !== undefined && choice > 0 ? choice - 1 : undefined);
const addressSizeOf = (mode: DifferentialMode, other: boolean): 16 | 32 => ((code32Of(mode) !== other) ? 32 : 16);

const u16 = (v: number): number => v & 0xffff;
const u32 = (v: number): number => v >>> 0;

/** The offset, in segment `seg`, of the window byte at `offset`. */
function windowOffset(mode: DifferentialMode, seg: number, offset: number): number {
  return WINDOW_BASE + offset - segmentBase(mode, seg);
}

/** A memory operand addressing the window, and the register loads that make it do so. */
function placeMemory(mode: DifferentialMode, raw: RawMemory): { mem: MemOperand; setup: SetupMove[]; uses: number[] } {
  const override = overrideOf(raw.segment);
  if (addressSizeOf(mode, raw.otherAddressSize) === 16) {
    const { base, index } = ADDRESSING_16[raw.shape16]!;
    const seg = override ?? (base === 5 ? SEG_SS : SEG_DS);
    const target = windowOffset(mode, seg, raw.offset);
    const segment = override !== undefined ? { segment: override } : {};
    if (base === undefined) return { mem: { disp: target, addressSize: 16, ...segment }, setup: [], uses: [] };
    const disp = u16(raw.disp);
    const setup: SetupMove[] = [];
    let rest = target - disp;
    if (index !== undefined) {
      setup.push({ reg: index, value: u16(raw.indexValue), size: 16 });
      rest -= raw.indexValue;
    }
    setup.unshift({ reg: base, value: u16(rest), size: 16 });
    return { mem: { base, ...(index !== undefined ? { index } : {}), disp, addressSize: 16, ...segment }, setup, uses: setup.map((s) => s.reg) };
  }
  const base = raw.base32 > 0 ? NOT_ESP[raw.base32 - 1]! : undefined;
  const indexChoices = NOT_ESP.filter((r) => r !== base);
  const index = raw.index32 > 0 ? indexChoices[(raw.index32 - 1) % indexChoices.length]! : undefined;
  const seg = override ?? (base === 5 ? SEG_SS : SEG_DS);
  const target = windowOffset(mode, seg, raw.offset);
  const segment = override !== undefined ? { segment: override } : {};
  const setup: SetupMove[] = [];
  const scaled = index !== undefined ? Math.imul(raw.indexValue | 0, raw.scale) : 0;
  if (index !== undefined) setup.push({ reg: index, value: u32(raw.indexValue), size: 32 });
  const indexPart = index !== undefined ? { index, scale: raw.scale } : {};
  if (base === undefined) {
    // No base: the displacement absorbs what the index does not give.
    return { mem: { ...indexPart, disp: (target - scaled) | 0, addressSize: 32, ...segment }, setup, uses: setup.map((s) => s.reg) };
  }
  const disp = raw.disp | 0;
  setup.unshift({ reg: base, value: u32(target - scaled - disp), size: 32 });
  return { mem: { base, ...indexPart, disp, addressSize: 32, ...segment }, setup, uses: setup.map((s) => s.reg) };
}

// ---- per-form item arbitraries ----

/** The fields an item may need; a form's arbitrary draws only the ones its operands use. */
interface RawItem {
  reg?: number;
  rm?: number;
  useMemory?: boolean;
  memory?: RawMemory;
  imm?: number;
  imm2?: number;
  lock?: boolean;
  rep?: 'rep' | 'repne' | 'none';
  ahead?: number;
  stringOtherAddressSize?: boolean;
  stringSegment?: number;
  srcOffset?: number;
  dstOffset?: number;
  repCount?: number;
  helperValue?: number;
}

const effectiveOsz = (form: FormRecord, mode: DifferentialMode): 16 | 32 => form.osz ?? (code32Of(mode) ? 32 : 16);
const defaultAsz = (mode: DifferentialMode): 16 | 32 => (code32Of(mode) ? 32 : 16);

function immediateArb(form: FormRecord, spec: Extract<OperandSpec, { kind: 'imm' }>, position: number, mode: DifferentialMode): fc.Arbitrary<number> {
  if (countedShift(form) !== undefined) return shiftCount;
  if (form.mnemonic === 'aam' || form.mnemonic === 'aad') return bcdBase;
  // ENTER Iw, Ib: a frame of up to 64 bytes, any nesting level (taken MOD 32), so the stack region holds it.
  if (form.mnemonic === 'enter') return position === 0 ? edgy(0, 0x40, [0, 1, 2, 0x40]) : edgy(0, 0xff, [0, 1, 2, 31, 32]);
  switch (spec.size) {
    case 'b': return value8;
    case 'bs': return signedByte;
    case 'w': return value16;
    case 'd': return value32;
    case 'z': case 'v': return effectiveOsz(form, mode) === 32 ? value32 : value16;
  }
}

/** What the raw fields of a form are drawn from. */
function rawItemArb(form: FormRecord, mode: DifferentialMode): fc.Arbitrary<RawItem> {
  const specs = formOperands(form);
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  const registerFor = (size: string | undefined): fc.Arbitrary<number> => fc.constantFrom(...(size === 'b' || form.mnemonic === 'push' ? ANY_REG : NOT_ESP));
  let immediates = 0;
  for (const spec of specs) {
    switch (spec.kind) {
      case 'rm': {
        const canReg = spec.regSize !== undefined && form.modrm !== 'mem';
        // An indirect JMP/CALL through memory would read its target from random data: register only.
        const canMem = spec.memSize !== undefined && form.modrm !== 'reg' && !isNearTransfer(form);
        if (canReg) fields['rm'] = registerFor(spec.regSize);
        if (canMem) fields['memory'] = rawMemory;
        if (canReg && canMem) fields['useMemory'] = fc.boolean();
        break;
      }
      case 'reg':
        fields['reg'] = spec.bank === 'sreg' ? fc.integer({ min: 0, max: 5 }) : registerFor(spec.size);
        break;
      case 'opreg':
        fields['reg'] = registerFor(spec.size);
        break;
      case 'imm':
        fields[immediates === 0 ? 'imm' : 'imm2'] = immediateArb(form, spec, immediates, mode);
        immediates++;
        break;
      case 'rel':
        fields['ahead'] = fc.integer({ min: 0, max: 16 });
        break;
      case 'moffs':
        fields['memory'] = rawMemory;
        break;
      case 'string':
        fields['stringOtherAddressSize'] = fc.boolean();
        fields['stringSegment'] = fc.integer({ min: 0, max: 6 });
        fields['srcOffset'] = fc.integer({ min: WINDOW_MARGIN, max: WINDOW_SIZE - WINDOW_MARGIN });
        fields['dstOffset'] = fc.integer({ min: WINDOW_MARGIN, max: WINDOW_SIZE - WINDOW_MARGIN });
        break;
      default:
        break;
    }
  }
  if (isNearTransfer(form) && fields['rm'] !== undefined) fields['ahead'] = fc.integer({ min: 0, max: 16 });
  if (form.lockable === true && fields['memory'] !== undefined) fields['lock'] = fc.boolean();
  if (form.rep !== undefined) {
    fields['rep'] = fc.constantFrom('none' as const, 'rep' as const, 'repne' as const);
    fields['repCount'] = edgy(0, 8, [0, 1, 8]);
  }
  // XLAT's table, the frame ENTER/LEAVE walk, a BT bit offset: one value each form interprets.
  if (form.mnemonic === 'xlatb') fields['helperValue'] = fc.integer({ min: 0, max: WINDOW_SIZE - 0x100 });
  if (form.mnemonic === 'enter' || form.mnemonic === 'leave') fields['helperValue'] = fc.integer({ min: FRAME_POINTER_LOW, max: FRAME_POINTER_HIGH });
  if (isBitOffsetForm(form)) fields['helperValue'] = edgy(-0x80, 0x7f, [0, 1, -1, 7, 8, 15, 16, 31, 32, -8, -0x80, 0x7f]);
  return fc.record(fields) as fc.Arbitrary<RawItem>;
}

/** BT/BTS/BTR/BTC r/m, reg: with a memory operand the register is a signed bit offset that moves it. */
function isBitOffsetForm(form: FormRecord): boolean {
  const specs = formOperands(form);
  return /^bt[src]?$/.test(form.mnemonic) && specs[1]?.kind === 'reg';
}

/** Raw fields -> an item: encoder operands plus the set-up its addresses need. */
function toItem(form: FormRecord, mode: DifferentialMode, raw: RawItem): Item {
  const specs = formOperands(form);
  const ops: { -readonly [K in keyof EncodeOperands]: EncodeOperands[K] } = {};
  const setup: SetupMove[] = [];
  const addressRegs: number[] = [];
  const useMemory = raw.memory !== undefined && (raw.useMemory ?? raw.rm === undefined);
  if (raw.reg !== undefined) ops.reg = raw.reg;
  if (useMemory && raw.memory !== undefined) {
    if (specs.some((s) => s.kind === 'moffs')) {
      const override = overrideOf(raw.memory.segment);
      const seg = override ?? SEG_DS;
      ops.mem = { disp: windowOffset(mode, seg, raw.memory.offset), addressSize: addressSizeOf(mode, raw.memory.otherAddressSize), ...(override !== undefined ? { segment: override } : {}) };
    } else {
      const placed = placeMemory(mode, raw.memory);
      ops.mem = placed.mem;
      setup.push(...placed.setup);
      addressRegs.push(...placed.uses);
    }
  } else if (raw.rm !== undefined) {
    ops.rm = raw.rm;
  }
  if (raw.imm !== undefined) ops.imm = raw.imm;
  if (raw.imm2 !== undefined) ops.imm2 = raw.imm2;
  const prefixes: { lock?: boolean; rep?: 'rep' | 'repne' } = {};
  if (raw.lock === true && ops.mem !== undefined) prefixes.lock = true;
  if (raw.rep !== undefined && raw.rep !== 'none') prefixes.rep = raw.rep;
  if (prefixes.lock !== undefined || prefixes.rep !== undefined) ops.prefixes = prefixes;

  if (raw.stringOtherAddressSize !== undefined) {
    const asz = addressSizeOf(mode, raw.stringOtherAddressSize);
    const roles = new Set(specs.filter((s): s is Extract<OperandSpec, { kind: 'string' }> => s.kind === 'string').map((s) => s.role));
    const override = roles.has('src') ? overrideOf(raw.stringSegment) : undefined;
    ops.mem = { addressSize: asz, ...(override !== undefined ? { segment: override } : {}) };
    const wrap = asz === 16 ? u16 : u32;
    if (roles.has('src')) setup.push({ reg: 6, value: wrap(windowOffset(mode, override ?? SEG_DS, raw.srcOffset!)), size: asz });
    if (roles.has('dst')) setup.push({ reg: 7, value: wrap(windowOffset(mode, SEG_ES, raw.dstOffset!)), size: asz });
    if (prefixes.rep !== undefined) setup.push({ reg: 1, value: raw.repCount ?? 0, size: asz });
  }
  if (form.mnemonic === 'xlatb') setup.push({ reg: 3, value: windowOffset(mode, SEG_DS, raw.helperValue!), size: defaultAsz(mode) });
  // ENTER and LEAVE use BP or EBP by the stack segment's size: 16-bit in real mode, 32-bit in flat mode.
  if (form.mnemonic === 'enter' || form.mnemonic === 'leave') setup.push({ reg: 5, value: raw.helperValue!, size: defaultAsz(mode) });
  if (isBitOffsetForm(form) && ops.mem !== undefined && ops.reg !== undefined) {
    // The offset register must not be one the address needs; take the first free one.
    if (addressRegs.includes(ops.reg)) ops.reg = NOT_ESP.find((r) => !addressRegs.includes(r))!;
    setup.push({ reg: ops.reg, value: raw.helperValue! >>> 0, size: effectiveOsz(form, mode) });
  }
  let jump: JumpPlan | undefined;
  if (raw.ahead !== undefined) {
    jump = { ahead: raw.ahead, ...(ops.rm !== undefined ? { viaRegister: { reg: ops.rm, size: effectiveOsz(form, mode) } } : {}) };
  }
  return { form, ops, setup, ...(jump ? { jump } : {}) };
}

/** Whether the encoder takes the item (some operand sets are another form's bytes: XCHG AX,AX is NOP). */
function encodes(item: Item, mode: DifferentialMode): boolean {
  const hasRel = formOperands(item.form).some((s) => s.kind === 'rel');
  try {
    encode(item.form, hasRel ? { ...item.ops, rel: 0 } : item.ops, { code32: code32Of(mode) });
    return true;
  } catch (error) {
    if (error instanceof EncodeError) return false;
    throw error;
  }
}

export function itemArbitrary(form: FormRecord, mode: DifferentialMode): fc.Arbitrary<Item> {
  return rawItemArb(form, mode).map((raw) => toItem(form, mode, raw)).filter((item) => encodes(item, mode));
}

/** One instruction from any of `forms`, uniformly by form. */
export function anyItemArbitrary(forms: readonly FormRecord[], mode: DifferentialMode): fc.Arbitrary<Item> {
  return fc.oneof(...forms.map((form) => itemArbitrary(form, mode)));
}

/** Status flags and DF, each set or clear; IF and the rest as after reset. */
const STARTING_FLAG_BITS = [0x0001, 0x0004, 0x0010, 0x0040, 0x0080, 0x0400, 0x0800];

export const startingValuesArbitrary: fc.Arbitrary<StartingValues> = fc.record({
  regs: fc.record({ eax: value32, ecx: value32, edx: value32, ebx: value32, ebp: value32, esi: value32, edi: value32 }),
  eflags: fc.integer({ min: 0, max: (1 << STARTING_FLAG_BITS.length) - 1 }).map((bits) => STARTING_FLAG_BITS.reduce((flags, bit, k) => ((bits >> k) & 1 ? flags | bit : flags), 0x2)),
  memorySeed: fc.nat(),
});

/**
 * A program and its starting values. Each instruction is an option that is almost never nil when
 * generated: fast-check shrinks an array mostly by dropping its first items, and an option lets it
 * drop any item, so a shrunk program keeps only the instructions the divergence needs.
 */
export function caseArbitrary(forms: readonly FormRecord[], mode: DifferentialMode, maxInstructions: number): fc.Arbitrary<DifferentialCase> {
  return fc.record({
    items: fc.array(fc.option(anyItemArbitrary(forms, mode), { nil: null, freq: 64 }), { minLength: 1, maxLength: maxInstructions }),
    start: startingValuesArbitrary,
  });
}
