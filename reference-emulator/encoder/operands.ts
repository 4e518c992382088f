/**
 * The operands of one instruction as the encoder takes them and `decodedOperands` gives them back:
 * register numbers, a memory operand, immediates, a branch displacement and the prefixes that
 * change meaning (LOCK, REP/REPNE). Register numbers are the hardware's (SDM Vol. 2A, Table 2-2:
 * EAX=0 ... EDI=7, AL=0 ... BH=7; segment registers ES=0 CS=1 SS=2 DS=3 FS=4 GS=5).
 *
 * Canonical values: the encoder accepts any spelling of a value that fits (an imm8 as -1 or 0xFF),
 * and `canonicalOperands` rewrites it to the one `decodedOperands` produces, so two operand sets
 * can be compared with a deep equality:
 * - imm8 (`Ib`) 0..0xFF, imm16 (`Iw`, 16-bit `Iz`/`Iv`, far-pointer selector and 16-bit offset)
 *   0..0xFFFF, 32-bit values as signed int32 (`x | 0`), `Ibs` as the sign-extended value -128..127;
 * - `rel` as the signed displacement (-128..127, int16, int32);
 * - `mem.disp` 0..0xFFFF for 16-bit addressing, int32 for 32-bit addressing;
 * - `mem.addressSize` always present, `mem.scale` only with an index, `mem.segment` only when it
 *   differs from the operand's default segment (DS, or SS for a BP/EBP/ESP base);
 * - `prefixes` only when it holds something.
 */

export type AddressSize = 16 | 32;

export interface MemOperand {
  /** Base register (32-bit addressing: 0-7; 16-bit: BX=3, BP=5, SI=6, DI=7). */
  readonly base?: number;
  /** Index register (32-bit: 0-7 except ESP=4; 16-bit: SI=6 or DI=7). */
  readonly index?: number;
  /** Index multiplier; 1 unless 32-bit addressing with an index. */
  readonly scale?: 1 | 2 | 4 | 8;
  readonly disp?: number;
  /** Segment override (0-5); absent means the operand's default segment. */
  readonly segment?: number;
  /** 16- or 32-bit addressing; absent means the code segment's default. */
  readonly addressSize?: AddressSize;
}

export interface EncodePrefixes {
  readonly lock?: boolean;
  /** F3 (REP/REPE) or F2 (REPNE), on forms with REP semantics only. */
  readonly rep?: 'rep' | 'repne';
}

export interface EncodeOperands {
  /** ModRM.reg register (G, S, C, D, T operands) or the register in the opcode's low bits (Z). */
  readonly reg?: number;
  /** ModRM.rm register (E operands with mod = 3, R operands). */
  readonly rm?: number;
  /** The memory operand: ModRM memory (E, M), a moffs (O), or the string operand's segment and address size (X, Y). */
  readonly mem?: MemOperand;
  /** First immediate (far pointer: the offset; ENTER: the frame size). */
  readonly imm?: number;
  /** Second immediate (far pointer: the selector; ENTER: the nesting level). */
  readonly imm2?: number;
  /** Relative branch displacement from the end of the instruction. */
  readonly rel?: number;
  /** Branch target offset in CS; the encoder turns it into `rel` using `EncodeContext.eip`. */
  readonly target?: number;
  readonly prefixes?: EncodePrefixes;
}

export interface EncodeContext {
  /** The code segment's default size (CS.D). */
  readonly code32: boolean;
  /** Offset of the instruction's first byte, for `target`; 0 when absent. */
  readonly eip?: number;
}

/**
 * Deliberately non-canonical encodings, for tests that need longer inputs than the canonical
 * one (the decoder must read them, and re-encoding must give the canonical bytes back).
 */
export interface EncodeVariant {
  /** Use disp16/disp32 even where disp8 or no displacement would do. */
  readonly wideDisp?: boolean;
  /** 32-bit addressing: use a SIB byte even where none is needed. */
  readonly sib?: boolean;
  /** Emit the memory operand's default segment as an explicit prefix. */
  readonly explicitSegment?: boolean;
  /** Emit every prefix byte twice. */
  readonly repeatPrefixes?: boolean;
  /** Skip the check that the table gives the bytes to this form (for tests of that check). */
  readonly unchecked?: boolean;
}

/** A one-line encoding error; the message starts with the form id. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

/** Number formatting for messages, as the disassembler writes numbers: `7`, `0x1f`, `-0x80`. */
export function hexNumber(value: number): string {
  if (value < 0) return `-${hexNumber(-value)}`;
  return value <= 9 ? String(value) : `0x${value.toString(16)}`;
}
