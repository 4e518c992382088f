/**
 * Opcodes outside the modelled integer set whose length the decoder must still report:
 * x87 escapes (D8-DF), and the MMX/SSE/3DNow! parts of the two- and three-byte maps
 * (SDM Vol. 2D, Tables ). Executing one raises #NM when CR0.TS (or,
 * for x87, CR0.EM) says so, and #UD otherwise, since xvc models no FPU or vector unit.
 *
 * Only the layout is recorded: whether a ModRM byte follows and how many immediate bytes.
 */

export type UnmodelledClass = 'x87' | 'simd';

export interface UnmodelledLayout {
  readonly cls: UnmodelledClass;
  readonly modrm: boolean;
  readonly immBytes: number;
}

const X87: UnmodelledLayout = { cls: 'x87', modrm: true, immBytes: 0 };
const SIMD: UnmodelledLayout = { cls: 'simd', modrm: true, immBytes: 0 };
const SIMD_IB: UnmodelledLayout = { cls: 'simd', modrm: true, immBytes: 1 };
/** EMMS (0F 77) and FEMMS (0F 0E): no operands, but #NM under CR0.TS like the rest of MMX. */
const SIMD_NO_MODRM: UnmodelledLayout = { cls: 'simd', modrm: false, immBytes: 0 };

/** Layout of an unmodelled primary-map opcode, or undefined. */
export function unmodelledPrimary(opcode: number): UnmodelledLayout | undefined {
  return opcode >= 0xd8 && opcode <= 0xdf ? X87 : undefined;
}

/** 0F-map opcodes that belong to MMX, SSE or 3DNow!, with immediates where the map has them. */
export function unmodelledTwoByte(opcode: number): UnmodelledLayout | undefined {
  if (opcode === 0x0f) return SIMD_IB; // 3DNow!: ModRM then an imm8 suffix that selects the operation
  if (opcode === 0x0e || opcode === 0x77) return SIMD_NO_MODRM;
  if (opcode === 0x0d) return SIMD; // PREFETCH/PREFETCHW group (Table A-3: Ev with ModRM)
  if (opcode === 0xae) return SIMD; // group 15: FXSAVE, LDMXCSR, CLFLUSH, the fences ... (Table A-6), all with ModRM
  if (opcode >= 0x10 && opcode <= 0x17) return SIMD;
  if (opcode >= 0x28 && opcode <= 0x2f) return SIMD;
  if (opcode >= 0x50 && opcode <= 0x6f) return SIMD;
  if (opcode >= 0x70 && opcode <= 0x73) return SIMD_IB; // PSHUF*, PSRL/PSRA/PSLL groups
  if (opcode >= 0x74 && opcode <= 0x76) return SIMD;
  if (opcode >= 0x7c && opcode <= 0x7f) return SIMD;
  if (opcode === 0xc2 || (opcode >= 0xc4 && opcode <= 0xc6)) return SIMD_IB;
  if (opcode === 0xc3) return SIMD; // MOVNTI
  if (opcode >= 0xd0 && opcode <= 0xff && opcode !== 0xff) return SIMD;
  if (opcode === 0xb8) return SIMD; // POPCNT (F3 0F B8), not in the modelled generations
  if (opcode === 0xbc || opcode === 0xbd) return undefined; // BSF/BSR are modelled
  return undefined;
}

/** Three-byte maps 0F 38 (ModRM, no immediate) and 0F 3A (ModRM and imm8). */
export function unmodelledThreeByte(escape: 0x38 | 0x3a): UnmodelledLayout {
  return escape === 0x38 ? SIMD : SIMD_IB;
}
