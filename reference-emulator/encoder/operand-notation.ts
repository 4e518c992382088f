/**
 * Reads the operand strings of the instruction table (SDM Vol. 2D, Appendix A, A.2.1 "Codes for
 * Addressing Method" and A.2.2 "Codes for Operand Type") into a typed description, so the encoder,
 * the disassembler and the generators interpret `Ev`, `Ibs` or `Yz` the same way.
 *
 * Appendix A letters: A (far pointer), C (control register in ModRM.reg), D (debug register),
 * E (ModRM.rm, register or memory), G (general register in ModRM.reg), I (immediate), J (relative
 * offset), M (ModRM.rm, memory only), O (offset, no ModRM), R (ModRM.rm, register only), S
 * (segment register in ModRM.reg), T (test register), X (DS:rSI), Y (ES:rDI). Size letters: b w d
 * q, v (operand size), z (16 for a 16-bit operand size, else 32), p (far pointer: 32 or 48 bits),
 * a (BOUND pair: two words or two dwords), s (6-byte pseudo-descriptor).
 *
 * The table's own extensions (see isa/forms/*.ts headers): `Zb`/`Zv` is the register in the low
 * three opcode bits (sandpile.org notation), `Ibs` an imm8 sign-extended to the operand size.
 * Register names (`AL`, `CL`, `DX`, `eAX`, `rAX`, `ES` ...) and the constant `1` are fixed operands.
 * The SDM's `Mw/Rv` style (memory of one size, register of another, as `SMSW Mw/Rv`) is accepted
 * as one ModRM.rm operand with separate sizes.
 */

import type { FormRecord, SizeAttr } from '../isa/schema.ts';

/** Size codes of A.2.2 that the modelled forms use. */
export type SizeCode = '' | 'b' | 'w' | 'd' | 'q' | 'v' | 'z' | 'p' | 'a' | 's' | 'y';

export type OperandSpec =
  /** ModRM.rm: a register when mod = 3 (if `regSize` is set), memory otherwise (if `memSize` is set). */
  | { readonly kind: 'rm'; readonly text: string; readonly regSize: SizeCode | undefined; readonly memSize: SizeCode | undefined }
  /** A register in ModRM.reg: general (G), segment (S), control (C), debug (D) or test (T). */
  | { readonly kind: 'reg'; readonly text: string; readonly bank: 'gpr' | 'sreg' | 'cr' | 'dr' | 'tr'; readonly size: SizeCode }
  /** The general register in the low three opcode bits (`+r` forms). */
  | { readonly kind: 'opreg'; readonly text: string; readonly size: SizeCode }
  | { readonly kind: 'imm'; readonly text: string; readonly size: 'b' | 'bs' | 'w' | 'd' | 'z' | 'v' }
  | { readonly kind: 'rel'; readonly text: string; readonly size: 'b' | 'z' }
  | { readonly kind: 'farptr'; readonly text: string }
  | { readonly kind: 'moffs'; readonly text: string; readonly size: SizeCode }
  /** The string source DS:rSI (X) or destination ES:rDI (Y). */
  | { readonly kind: 'string'; readonly text: string; readonly role: 'src' | 'dst'; readonly size: SizeCode }
  /** A register the form always uses; `name` is lower case (`ax` for eAX/rAX), `gprv` follows the operand size. */
  | { readonly kind: 'fixed'; readonly text: string; readonly name: string; readonly bank: 'gpr8' | 'gpr16' | 'gprv' | 'sreg' }
  | { readonly kind: 'const'; readonly text: string; readonly value: number };

const SREG_FIXED = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'];
const GPR8_FIXED = ['AL', 'CL', 'DL', 'BL', 'AH', 'CH', 'DH', 'BH'];
const GPR16_FIXED = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI'];
const GPRV_FIXED = ['eAX', 'eCX', 'eDX', 'eBX', 'eSP', 'eBP', 'eSI', 'eDI', 'rAX', 'rCX', 'rDX', 'rBX', 'rSP', 'rBP', 'rSI', 'rDI'];
const SIZE_CODES: readonly string[] = ['', 'b', 'w', 'd', 'q', 'v', 'z', 'p', 'a', 's', 'y'];

function sizeCode(text: string, rest: string): SizeCode {
  if (!SIZE_CODES.includes(rest)) throw new Error(`operand '${text}': unknown size code '${rest}' (SDM Vol. 2D, A.2.2)`);
  return rest as SizeCode;
}

/** Parses one operand string of the table; throws a one-line error naming it when it is not Appendix A notation xvc knows. */
export function parseOperand(text: string): OperandSpec {
  if (text === '1') return { kind: 'const', text, value: 1 };
  if (SREG_FIXED.includes(text)) return { kind: 'fixed', text, name: text.toLowerCase(), bank: 'sreg' };
  if (GPR8_FIXED.includes(text)) return { kind: 'fixed', text, name: text.toLowerCase(), bank: 'gpr8' };
  if (GPR16_FIXED.includes(text)) return { kind: 'fixed', text, name: text.toLowerCase(), bank: 'gpr16' };
  if (GPRV_FIXED.includes(text)) return { kind: 'fixed', text, name: text.slice(1).toLowerCase(), bank: 'gprv' };
  const slash = text.indexOf('/');
  if (slash > 0) {
    // `Mw/Rv` or `Rv/Mw`: one ModRM.rm operand, memory of one size and register of another.
    const parts = [text.slice(0, slash), text.slice(slash + 1)];
    const mem = parts.find((p) => p.startsWith('M'));
    const reg = parts.find((p) => p.startsWith('R'));
    if (mem === undefined || reg === undefined) throw new Error(`operand '${text}': only the M../R.. alternative is understood`);
    return { kind: 'rm', text, memSize: sizeCode(text, mem.slice(1)), regSize: sizeCode(text, reg.slice(1)) };
  }
  const method = text[0];
  const rest = text.slice(1);
  switch (method) {
    case 'E': return { kind: 'rm', text, regSize: sizeCode(text, rest), memSize: sizeCode(text, rest) };
    case 'M': return { kind: 'rm', text, regSize: undefined, memSize: sizeCode(text, rest) };
    case 'R': return { kind: 'rm', text, regSize: sizeCode(text, rest), memSize: undefined };
    case 'G': return { kind: 'reg', text, bank: 'gpr', size: sizeCode(text, rest) };
    case 'S': return { kind: 'reg', text, bank: 'sreg', size: 'w' };
    case 'C': return { kind: 'reg', text, bank: 'cr', size: sizeCode(text, rest) };
    case 'D': return { kind: 'reg', text, bank: 'dr', size: sizeCode(text, rest) };
    case 'T': return { kind: 'reg', text, bank: 'tr', size: sizeCode(text, rest) };
    case 'Z': return { kind: 'opreg', text, size: sizeCode(text, rest) };
    case 'I':
      if (rest === 'b' || rest === 'bs' || rest === 'w' || rest === 'd' || rest === 'z' || rest === 'v') return { kind: 'imm', text, size: rest };
      break;
    case 'J':
      if (rest === 'b' || rest === 'z') return { kind: 'rel', text, size: rest };
      break;
    case 'A':
      if (rest === 'p') return { kind: 'farptr', text };
      break;
    case 'O': return { kind: 'moffs', text, size: sizeCode(text, rest) };
    case 'X': return { kind: 'string', text, role: 'src', size: sizeCode(text, rest) };
    case 'Y': return { kind: 'string', text, role: 'dst', size: sizeCode(text, rest) };
  }
  throw new Error(`operand '${text}' is not SDM Appendix A notation xvc understands`);
}

const parsedByForm = new WeakMap<FormRecord, readonly OperandSpec[]>();

/** The parsed operands of a form, cached per record. */
export function formOperands(form: FormRecord): readonly OperandSpec[] {
  let specs = parsedByForm.get(form);
  if (!specs) {
    try {
      specs = form.operands.map(parseOperand);
    } catch (e) {
      throw new Error(`${form.id}: ${(e as Error).message}`);
    }
    parsedByForm.set(form, specs);
  }
  return specs;
}

/**
 * Width in bits of a size code under an operand size: `v` and `z` follow it (no 64-bit mode
 * here), `p` is a 16-bit selector plus an offset, `a` two operand-size values.
 */
export function sizeBits(size: SizeCode, osz: SizeAttr): number {
  switch (size) {
    case 'b': return 8;
    case 'w': return 16;
    case 'd': return 32;
    case 'q': return 64;
    case 'v': case 'z': return osz;
    case 'y': return 32; // doubleword outside 64-bit mode (A.2.2)
    case 'p': return osz + 16;
    case 'a': return osz * 2;
    case 's': return 48;
    case '': return 0;
  }
}

/** True when the width of the size code depends on the operand size. */
export function sizeFollowsOsz(size: SizeCode | undefined): boolean {
  return size === 'v' || size === 'z' || size === 'p' || size === 'a';
}
