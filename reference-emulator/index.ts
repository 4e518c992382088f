/**
 * The public API of the reference emulator. Everything outside reference-emulator/ imports
 * from here and nowhere deeper, so internal modules can move without breaking suites or
 * the harness.
 */

export * from './isa/schema.ts';
export { FORMS, INVALID_FORM, INVALID_FORM_INDEX, formById, formIndex } from './isa/table.ts';
export type { InstrId } from './isa/table.ts';
/** The table's groups, for suites that check one group's records. */
export { arithForms } from './isa/forms/arith.ts';
export { shiftBitForms } from './isa/forms/shift-bit.ts';
export { controlForms } from './isa/forms/control.ts';
export { dataForms } from './isa/forms/data.ts';
export { stringIoForms } from './isa/forms/string-io.ts';
export { systemForms } from './isa/forms/system.ts';
export { PREFIXES, PREFIX_BY_BYTE } from './isa/prefixes.ts';
export { decode, decodeBytes } from './decoder/decode.ts';
export type { ByteFetcher, DecodeContext } from './decoder/decode.ts';
export { Insn, UNMODELLED_SIMD, UNMODELLED_X87 } from './decoder/insn.ts';
export type { Handler } from './decoder/insn.ts';
export * from './machine/cpu-state.ts';
export * from './machine/cpu-model.ts';
export * from './machine/physical-memory.ts';
export * from './machine/port-bus.ts';
export * from './machine/devices.ts';
export * from './machine/machine.ts';
export { CpuFault, VECTOR_MNEMONICS } from './interp/fault.ts';
export * as faults from './interp/fault.ts';
export { getFlags, setFlags, materializeFlags, testCondition } from './interp/flags.ts';
export { createInterpreter, flushCodeCache, invalidatePage, run, setBreakpoints } from './interp/interpreter.ts';
export type { Interpreter, InterpreterOptions, RunOptions } from './interp/interpreter.ts';
export { HANDLERS } from './interp/handlers/index.ts';
export { hasTemplate } from './interp/compile/compile-region.ts';
export { encode, canonicalOperands, defaultSegment, resolveForm, MAX_INSTRUCTION_BYTES } from './encoder/encode.ts';
export { decodedOperands } from './encoder/decoded-operands.ts';
export { EncodeError } from './encoder/operands.ts';
export type { AddressSize, EncodeContext, EncodeOperands, EncodePrefixes, EncodeVariant, MemOperand } from './encoder/operands.ts';
export { formOperands, parseOperand, sizeBits } from './encoder/operand-notation.ts';
export type { OperandSpec, SizeCode } from './encoder/operand-notation.ts';
export { disassemble, formatNumber } from './disasm/disassemble.ts';
export type { DisasmContext } from './disasm/disassemble.ts';
