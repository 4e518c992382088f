/**
 * A decoded instruction: the form chosen from the table plus every operand field the
 * interpreter needs, fixed once at decode time so execution never looks at bytes again
 * (pre-decoding). One class, every field initialised, so V8 keeps one hidden class and the
 * interpreter's property loads stay monomorphic. Hot paths test the boolean fields with
 * `=== true`: V8 does not track that a field only ever holds booleans, so a bare truth test
 * compiles to a full ToBoolean (strings, numbers, BigInts...) where `=== true` is one compare.
 *
 * Field meanings follow the SDM's encoding terms (Vol. 2A, 2.1 "Instruction Format").
 */

import type { Machine } from '../machine/machine.ts';
import { REG_ZERO, SEG_DS } from '../machine/cpu-state.ts';

export const UNMODELLED_X87 = 1;
export const UNMODELLED_SIMD = 2;

export type Handler = (m: Machine, i: Insn) => void;

/** Placeholder until the interpreter binds the form's handler. */
const unbound: Handler = () => {
  throw new Error('instruction executed before its handler was bound');
};

export class Insn {
  /** Index of the form in FORMS. */
  form = 0;
  exec: Handler = unbound;
  /** Offset (EIP) of the first byte, and of the next instruction, in the code segment. */
  eip = 0;
  next = 0;
  length = 0;
  /** The opcode byte (after 0F for the two-byte map); the low nibble is the condition for Jcc/SETcc/CMOVcc. */
  opcode = 0;
  /** ModRM.reg (or the register in the low opcode bits for `+r` forms). */
  reg = 0;
  /** ModRM.rm when it names a register (mod = 3). */
  rm = 0;
  /** Byte offsets into the register buffer for 8-bit `reg` and `rm` operands (AH = byte 1 of EAX ...). */
  reg8 = 0;
  rm8 = 0;
  /** The ModRM operand is memory. */
  isMem = false;
  /** Effective address = base + (index << scale) + disp, with REG_ZERO for an absent register. */
  base = REG_ZERO;
  index = REG_ZERO;
  scale = 0;
  disp = 0;
  /** Segment of the memory operand (default or overridden), and of string-source operands. */
  seg = SEG_DS;
  /** -1 when no segment prefix was given. */
  segOverride = -1;
  osz32 = false;
  asz32 = false;
  /** First and second immediates (far pointer: offset, selector; ENTER: size, level). */
  imm = 0;
  imm2 = 0;
  /** Branch target offset for relative jumps and calls, already truncated to the operand size. */
  target = 0;
  /** 0, 0xF3 (REP/REPE) or 0xF2 (REPNE): the last of F2/F3 given, as hardware honours. */
  rep = 0;
  lock = false;
  /** Number of prefix bytes, for tooling and the length limit. */
  prefixCount = 0;
  /** Position in its pre-decoded block: RDTSC adds it to the block-start count for an exact clock. */
  blockIndex = 0;
  /** Set by the interpreter: the handler leaves EIP alone, so the executor stores `next` only when it leaves the block here. */
  eipImplicit = false;
  /** For INVALID: UNMODELLED_X87 or UNMODELLED_SIMD when the opcode exists but xvc does not model it. */
  unmodelled = 0;
}
