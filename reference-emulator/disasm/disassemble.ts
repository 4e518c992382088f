/**
 * An Intel-syntax disassembler for decoded instructions, driven by the instruction table: the
 * mnemonic is the record's, the operands come from its SDM Appendix A operand strings (Vol. 2D,
 * A.2) and the Insn's fields. Nothing here names an instruction.
 *
 * Style, chosen to match iced-x86's Intel formatter with `MemorySizeOptions.Always`, `0x` hex,
 * lower case and a space after commas, so the two can be compared (suites/unit/disasm):
 * - every memory operand carries its size (`dword ptr [ebx+esi*4-8]`), a segment only where it
 *   is not the operand's default (`byte ptr es:[di]`, `ds:[bp+2]`);
 * - numbers 0-9 in decimal, larger ones as `0x1f`; displacements signed when there is a register
 *   (`[esp-0x80]`), unsigned when there is none (`[0xffff]`); a lone index shows its scale
 *   (`[eax*1+0x10]`); immediates as the operand sees them (`add eax, 0xffffffff` for 83 /0 FF);
 * - branches print the target (`jne 0x1234`), far pointers `selector:offset` as the SDM writes
 *   `ptr16:32` (`jmp far 0x8:0x1000`), and far transfers through memory `far fword ptr [...]`;
 * - string instructions print bare (`rep movsb`, `outsb`) unless an operand says more than its
 *   default: a segment prefix other than DS, or an address size other than the code segment's, in
 *   which case the memory operands and DX are written as iced-x86 writes them (`movsb byte ptr
 *   es:[di], byte ptr fs:[si]`, `outsb dx, byte ptr [si]`); the accumulator never is (`lodsb`);
 * - LEA's address-only operand (`M` without a size) shows no segment, as no segment applies;
 * - `lock`, `rep`/`repe`/`repne` (by the form's REP kind), and `data16`/`data32`/`addr16`/`addr32`
 *   when a 66/67 prefix changes a form whose operands and mnemonic do not show it (`data16 push
 *   0xffff`, `addr16 loop 0x1001`);
 * - INVALID, unmodelled opcodes and operands that name no register (segment register 6) print `(bad)`;
 * - MOV CRn/DRn print their general register whatever ModRM.mod says: the decoder reads those
 *   `mod-ignored` records as register forms, so nothing here treats them apart.
 *
 * Deviations from iced-x86, all documented and normalised in the disassembler's test: `retf`
 * and `wait`/`xlatb`/`sal` as the table names them, far pointers as `sel:off`, `data16` on
 * MOV Sreg (iced drops it), three-operand IMUL written out in full, `addr16` on a
 * displacement-only ModRM operand (iced shows it only on a moffs), `data16`/`data32` on the
 * system forms with a 16-bit operand under either operand size (ARPL, LLDT, SLDT to memory ...)
 * and on SGDT/SIDT/LGDT/LIDT (where it selects 24 or 32 bits of base; iced drops both), and
 * INVLPG's operand as Appendix A's `Mb`, `byte ptr` (iced prints no size).
 */

import type { FormRecord, SizeAttr } from '../isa/schema.ts';
import { FORMS, INVALID_FORM_INDEX } from '../isa/table.ts';
import { REG16_NAMES, REG32_NAMES, REG8_NAMES, REG_ZERO, SEG_DS, SEG_NAMES } from '../machine/cpu-state.ts';
import type { Insn } from '../decoder/insn.ts';
import { formOperands, sizeBits, sizeFollowsOsz, type OperandSpec, type SizeCode } from '../encoder/operand-notation.ts';
import { defaultSegment } from '../encoder/encode.ts';

export interface DisasmContext {
  /** The code segment's default size (CS.D). */
  readonly code32: boolean;
}

/** Numbers as iced-x86 prints them with `0x` and small numbers in decimal. */
export function formatNumber(value: number): string {
  if (value < 0) return `-${formatNumber(-value)}`;
  return value <= 9 ? String(value) : `0x${value.toString(16)}`;
}

const PTR: Readonly<Record<number, string>> = { 8: 'byte ptr ', 16: 'word ptr ', 32: 'dword ptr ', 48: 'fword ptr ', 64: 'qword ptr ' };

function gpr(reg: number, size: SizeCode, osz: SizeAttr): string | undefined {
  const bits = sizeBits(size, osz);
  return (bits === 8 ? REG8_NAMES : bits === 16 ? REG16_NAMES : REG32_NAMES)[reg];
}

/** Forms that differ from `form` only in the operand or address size, for "is the size visible in the mnemonic". */
const siblingCache = new Map<string, boolean>();
function mnemonicShowsSize(form: FormRecord, attr: 'osz' | 'asz'): boolean {
  const key = `${form.id}/${attr}`;
  let shows = siblingCache.get(key);
  if (shows === undefined) {
    shows = (FORMS as readonly FormRecord[]).some((other) =>
      other !== form &&
      other.map === form.map && other.opcode === form.opcode && other.plusReg === form.plusReg && other.ext === form.ext &&
      other.modrm === form.modrm && other.modrmByte === form.modrmByte && other.mandatoryPrefix === form.mandatoryPrefix &&
      other[attr] !== undefined && other[attr] !== form[attr] &&
      (attr === 'osz' ? other.asz === form.asz : other.osz === form.osz) &&
      other.mnemonic !== form.mnemonic);
    siblingCache.set(key, shows);
  }
  return shows;
}

interface Rendered {
  readonly text: string | undefined;
  /** The operand's text shows the operand size / the address size. */
  readonly showsOsz: boolean;
  readonly showsAsz: boolean;
}

class Bad extends Error {}

function modrmMemory(insn: Insn, size: SizeCode, osz: SizeAttr, asz: SizeAttr): Rendered {
  const names = asz === 32 ? REG32_NAMES : REG16_NAMES;
  const parts: string[] = [];
  const hasBase = insn.base !== REG_ZERO;
  const hasIndex = insn.index !== REG_ZERO;
  if (hasBase) parts.push(names[insn.base] as string);
  if (hasIndex) parts.push(`${names[insn.index] as string}${insn.scale > 0 || !hasBase ? `*${1 << insn.scale}` : ''}`);
  let text = parts.join('+');
  if (!hasBase && !hasIndex) {
    text = formatNumber(asz === 32 ? insn.disp >>> 0 : insn.disp & 0xffff);
  } else {
    const disp = asz === 32 ? insn.disp | 0 : (insn.disp << 16) >> 16;
    if (disp !== 0) text += disp < 0 ? formatNumber(disp) : `+${formatNumber(disp)}`;
  }
  const mem = hasBase ? { base: insn.base } : {};
  // An `M` operand without a size is an address only (LEA): no segment applies to it.
  const shown = size !== '' && insn.segOverride >= 0 && insn.segOverride !== defaultSegment(mem, asz);
  const seg = shown ? `${SEG_NAMES[insn.segOverride] as string}:` : '';
  return { text: `${PTR[sizeBits(size, osz)] ?? ''}${seg}[${text}]`, showsOsz: sizeFollowsOsz(size), showsAsz: hasBase || hasIndex };
}

function render(spec: OperandSpec, insn: Insn, osz: SizeAttr, asz: SizeAttr, isStringForm: boolean, explicitStrings: boolean, immIndex: number): Rendered {
  const plain = (text: string | undefined, showsOsz = false): Rendered => {
    if (text === undefined) throw new Bad();
    return { text, showsOsz, showsAsz: false };
  };
  switch (spec.kind) {
    case 'rm':
      if (insn.isMem) {
        if (spec.memSize === undefined) throw new Bad();
        return modrmMemory(insn, spec.memSize, osz, asz);
      }
      if (spec.regSize === undefined) throw new Bad();
      return plain(gpr(insn.rm, spec.regSize, osz), sizeFollowsOsz(spec.regSize));
    case 'reg':
      switch (spec.bank) {
        case 'gpr': return plain(gpr(insn.reg, spec.size, osz), sizeFollowsOsz(spec.size));
        case 'sreg': return plain(SEG_NAMES[insn.reg]);
        case 'cr': return plain(`cr${insn.reg}`);
        case 'dr': return plain(`dr${insn.reg}`);
        case 'tr': return plain(`tr${insn.reg}`);
      }
      break;
    case 'opreg':
      return plain(gpr(insn.reg, spec.size, osz), sizeFollowsOsz(spec.size));
    case 'imm': {
      const raw = immIndex === 0 ? insn.imm : insn.imm2;
      const bits = spec.size === 'b' ? 8 : spec.size === 'w' ? 16 : spec.size === 'd' ? 32 : osz;
      return plain(formatNumber(bits === 32 ? raw >>> 0 : raw & ((1 << bits) - 1)));
    }
    case 'rel':
      return plain(formatNumber(osz === 32 ? insn.target >>> 0 : insn.target & 0xffff));
    case 'farptr':
      return plain(`${formatNumber(insn.imm2 & 0xffff)}:${formatNumber(osz === 32 ? insn.imm >>> 0 : insn.imm & 0xffff)}`);
    case 'moffs': {
      const seg = insn.segOverride >= 0 && insn.segOverride !== SEG_DS ? `${SEG_NAMES[insn.segOverride] as string}:` : '';
      const disp = formatNumber(asz === 32 ? insn.disp >>> 0 : insn.disp & 0xffff);
      return { text: `${PTR[sizeBits(spec.size, osz)] ?? ''}${seg}[${disp}]`, showsOsz: sizeFollowsOsz(spec.size), showsAsz: false };
    }
    case 'string': {
      if (!explicitStrings) return { text: undefined, showsOsz: false, showsAsz: false };
      const overridden = insn.segOverride >= 0 && insn.segOverride !== SEG_DS;
      const seg = !overridden ? '' : spec.role === 'src' ? `${SEG_NAMES[insn.segOverride] as string}:` : 'es:';
      const reg = spec.role === 'src' ? (asz === 32 ? 'esi' : 'si') : asz === 32 ? 'edi' : 'di';
      return { text: `${PTR[sizeBits(spec.size, osz)] ?? ''}${seg}[${reg}]`, showsOsz: sizeFollowsOsz(spec.size), showsAsz: true };
    }
    case 'fixed':
      // A string form's accumulator is implied by its mnemonic (`lodsb`, `stosd`); its port DX is not.
      if (isStringForm && (spec.name === 'al' || spec.name === 'ax')) return { text: undefined, showsOsz: false, showsAsz: false };
      if (isStringForm && !explicitStrings) return { text: undefined, showsOsz: false, showsAsz: false };
      return plain(spec.bank === 'gprv' && osz === 32 ? `e${spec.name}` : spec.name, spec.bank === 'gprv');
    case 'const':
      return plain(String(spec.value));
  }
  throw new Bad();
}

/** One decoded instruction in Intel syntax, e.g. `add dword ptr [ebx+esi*4-8], eax`; `(bad)` for INVALID. */
export function disassemble(insn: Insn, ctx: DisasmContext): string {
  if (insn.form === INVALID_FORM_INDEX) return '(bad)';
  const form = FORMS[insn.form] as FormRecord;
  const specs = formOperands(form);
  const defaultSize: SizeAttr = ctx.code32 ? 32 : 16;
  const osz: SizeAttr = insn.osz32 ? 32 : 16;
  const asz: SizeAttr = insn.asz32 ? 32 : 16;
  const isString = specs.some((s) => s.kind === 'string');
  const explicitStrings = isString && (asz !== defaultSize || (insn.segOverride >= 0 && insn.segOverride !== SEG_DS));

  let rendered: Rendered[];
  try {
    let immIndex = 0;
    rendered = specs.map((spec) => {
      const r = render(spec, insn, osz, asz, isString, explicitStrings, immIndex);
      if (spec.kind === 'imm') immIndex++;
      return r;
    });
  } catch (e) {
    if (e instanceof Bad) return '(bad)';
    throw e;
  }

  const words: string[] = [];
  if (form.osz !== undefined && form.osz !== defaultSize && !rendered.some((r) => r.showsOsz) && !mnemonicShowsSize(form, 'osz')) {
    words.push(`data${osz}`);
  }
  const usesAsz = form.asz !== undefined || (insn.isMem && specs.some((s) => s.kind === 'rm' || s.kind === 'moffs')) || isString;
  if (usesAsz && asz !== defaultSize && !rendered.some((r) => r.showsAsz) && !mnemonicShowsSize(form, 'asz')) words.push(`addr${asz}`);
  if (insn.lock) words.push('lock');
  if (form.rep !== undefined && form.mandatoryPrefix === undefined && insn.rep !== 0) {
    words.push(insn.rep === 0xf2 ? 'repne' : form.rep === 'repcc' ? 'repe' : 'rep');
  }
  const far = form.flow === 'far' && specs.some((s) => s.kind === 'farptr' || (s.kind === 'rm' && s.memSize === 'p'));
  words.push(far ? `${form.mnemonic} far` : form.mnemonic);
  const operands = rendered.map((r) => r.text).filter((t): t is string => t !== undefined);
  return operands.length > 0 ? `${words.join(' ')} ${operands.join(', ')}` : words.join(' ');
}
