/**
 * Instruction-table records: string and port-I/O instructions.
 *
 * Authorities: SDM Vol. 2B/2A instruction pages MOVS/MOVSB/MOVSW/MOVSD, CMPS, STOS, LODS, SCAS,
 * INS, OUTS, IN, OUT and REP/REPE/REPZ/REPNE/REPNZ; operands in the notation of SDM Vol. 2D,
 * Appendix A, Table A-2 (rows 6, A and E of the one-byte opcode map); I/O protection in SDM
 * Vol. 1, 18.5 "Protected-Mode I/O". Form ids are iced-x86 `Code` names.
 *
 * Shared semantics the records cannot express, kept here so they stay next to the data:
 * - The source is DS:(E)SI, segment override honoured; the destination is ES:(E)DI, never
 *   overridden. The address size (not the operand size) picks SI/DI/CX or ESI/EDI/ECX, so one
 *   record serves both address sizes, as in iced.
 * - `rep: 'rep'` forms repeat under F3 or F2 alike (the 286 corpus runs `repne movsb` as REP);
 *   `rep: 'repcc'` forms stop on ZF=0 under F3 (REPE) and on ZF=1 under F2 (REPNE).
 * - Determinism of long repeats: one handler call runs at most 65536 iterations and then, when
 *   the count is not exhausted, re-executes the instruction; each such chunk retires as one
 *   instruction. With 16-bit addressing (CX <= 0xFFFF) a REP always finishes in one chunk.
 * - IN/OUT/INS/OUTS are IOPL-sensitive rather than CPL-0-only (`cpl: 3`): in protected mode with
 *   CPL > IOPL, and always in virtual-8086 mode, the TSS I/O permission bitmap decides.
 *
 * Deviation: the TSS is not modelled yet, so that bitmap lookup always denies (#GP(0)), as the
 * SDM specifies for a port whose bitmap bits lie beyond the TSS limit. The seam is
 * `ioBitmapPermits` in interp/handlers/string-io.ts.
 */

import { form } from '../schema.ts';

/** MOVS/STOS/LODS/INS/OUTS: read DF, write no flag, unconditional REP. */
const REP = { flagsRead: 'd', rep: 'rep' } as const;
/** CMPS/SCAS: the flags of SUB (SDM: "set according to the temporary result"), REPE/REPNE. */
const REPCC = { flagsRead: 'd', flagsWritten: 'oszapc', rep: 'repcc' } as const;

const IOPL_NOTE =
  'IOPL-sensitive: protected mode with CPL > IOPL, or virtual-8086 mode, consults the TSS I/O bitmap (SDM Vol. 1, 18.5.2); the TSS is not modelled yet, so that case raises #GP(0)';
const REP_CHUNK_NOTE = 'REP runs at most 65536 iterations per execution, then re-executes; each chunk retires as one instruction';

export const stringIoForms = [
  // ---- A4-AF: string instructions (SDM Vol. 2D, Table A-2, row A) ----
  form({ id: 'Movsb_m8_m8', mnemonic: 'movsb', opcode: 0xa4, modrm: 'none', operands: ['Yb', 'Xb'], since: 'i8086', ...REP, note: REP_CHUNK_NOTE }),
  form({ id: 'Movsw_m16_m16', mnemonic: 'movsw', opcode: 0xa5, modrm: 'none', osz: 16, operands: ['Yv', 'Xv'], since: 'i8086', ...REP, note: REP_CHUNK_NOTE }),
  form({ id: 'Movsd_m32_m32', mnemonic: 'movsd', opcode: 0xa5, modrm: 'none', osz: 32, operands: ['Yv', 'Xv'], since: 'i386', ...REP, note: REP_CHUNK_NOTE }),

  form({ id: 'Cmpsb_m8_m8', mnemonic: 'cmpsb', opcode: 0xa6, modrm: 'none', operands: ['Xb', 'Yb'], since: 'i8086', ...REPCC, note: REP_CHUNK_NOTE }),
  form({ id: 'Cmpsw_m16_m16', mnemonic: 'cmpsw', opcode: 0xa7, modrm: 'none', osz: 16, operands: ['Xv', 'Yv'], since: 'i8086', ...REPCC, note: REP_CHUNK_NOTE }),
  form({ id: 'Cmpsd_m32_m32', mnemonic: 'cmpsd', opcode: 0xa7, modrm: 'none', osz: 32, operands: ['Xv', 'Yv'], since: 'i386', ...REPCC, note: REP_CHUNK_NOTE }),

  form({ id: 'Stosb_m8_AL', mnemonic: 'stosb', opcode: 0xaa, modrm: 'none', operands: ['Yb', 'AL'], since: 'i8086', ...REP, note: REP_CHUNK_NOTE }),
  form({ id: 'Stosw_m16_AX', mnemonic: 'stosw', opcode: 0xab, modrm: 'none', osz: 16, operands: ['Yv', 'rAX'], since: 'i8086', ...REP, note: REP_CHUNK_NOTE }),
  form({ id: 'Stosd_m32_EAX', mnemonic: 'stosd', opcode: 0xab, modrm: 'none', osz: 32, operands: ['Yv', 'rAX'], since: 'i386', ...REP, note: REP_CHUNK_NOTE }),

  form({ id: 'Lodsb_AL_m8', mnemonic: 'lodsb', opcode: 0xac, modrm: 'none', operands: ['AL', 'Xb'], since: 'i8086', ...REP, note: REP_CHUNK_NOTE }),
  form({ id: 'Lodsw_AX_m16', mnemonic: 'lodsw', opcode: 0xad, modrm: 'none', osz: 16, operands: ['rAX', 'Xv'], since: 'i8086', ...REP, note: REP_CHUNK_NOTE }),
  form({ id: 'Lodsd_EAX_m32', mnemonic: 'lodsd', opcode: 0xad, modrm: 'none', osz: 32, operands: ['rAX', 'Xv'], since: 'i386', ...REP, note: REP_CHUNK_NOTE }),

  form({ id: 'Scasb_AL_m8', mnemonic: 'scasb', opcode: 0xae, modrm: 'none', operands: ['AL', 'Yb'], since: 'i8086', ...REPCC, note: REP_CHUNK_NOTE }),
  form({ id: 'Scasw_AX_m16', mnemonic: 'scasw', opcode: 0xaf, modrm: 'none', osz: 16, operands: ['rAX', 'Yv'], since: 'i8086', ...REPCC, note: REP_CHUNK_NOTE }),
  form({ id: 'Scasd_EAX_m32', mnemonic: 'scasd', opcode: 0xaf, modrm: 'none', osz: 32, operands: ['rAX', 'Yv'], since: 'i386', ...REPCC, note: REP_CHUNK_NOTE }),

  // ---- 6C-6F: string port I/O, new with the 80186 (SDM Vol. 2D, Table A-2, row 6) ----
  form({ id: 'Insb_m8_DX', mnemonic: 'insb', opcode: 0x6c, modrm: 'none', operands: ['Yb', 'DX'], since: 'i186', ...REP, note: `${IOPL_NOTE}. ${REP_CHUNK_NOTE}` }),
  form({ id: 'Insw_m16_DX', mnemonic: 'insw', opcode: 0x6d, modrm: 'none', osz: 16, operands: ['Yz', 'DX'], since: 'i186', ...REP, note: `${IOPL_NOTE}. ${REP_CHUNK_NOTE}` }),
  form({ id: 'Insd_m32_DX', mnemonic: 'insd', opcode: 0x6d, modrm: 'none', osz: 32, operands: ['Yz', 'DX'], since: 'i386', ...REP, note: `${IOPL_NOTE}. ${REP_CHUNK_NOTE}` }),

  form({ id: 'Outsb_DX_m8', mnemonic: 'outsb', opcode: 0x6e, modrm: 'none', operands: ['DX', 'Xb'], since: 'i186', ...REP, note: `${IOPL_NOTE}. ${REP_CHUNK_NOTE}` }),
  form({ id: 'Outsw_DX_m16', mnemonic: 'outsw', opcode: 0x6f, modrm: 'none', osz: 16, operands: ['DX', 'Xz'], since: 'i186', ...REP, note: `${IOPL_NOTE}. ${REP_CHUNK_NOTE}` }),
  form({ id: 'Outsd_DX_m32', mnemonic: 'outsd', opcode: 0x6f, modrm: 'none', osz: 32, operands: ['DX', 'Xz'], since: 'i386', ...REP, note: `${IOPL_NOTE}. ${REP_CHUNK_NOTE}` }),

  // ---- E4-E7, EC-EF: port I/O (SDM Vol. 2D, Table A-2, row E) ----
  form({ id: 'In_AL_imm8', mnemonic: 'in', opcode: 0xe4, modrm: 'none', operands: ['AL', 'Ib'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'In_AX_imm8', mnemonic: 'in', opcode: 0xe5, modrm: 'none', osz: 16, operands: ['eAX', 'Ib'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'In_EAX_imm8', mnemonic: 'in', opcode: 0xe5, modrm: 'none', osz: 32, operands: ['eAX', 'Ib'], since: 'i386', note: IOPL_NOTE }),
  form({ id: 'Out_imm8_AL', mnemonic: 'out', opcode: 0xe6, modrm: 'none', operands: ['Ib', 'AL'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'Out_imm8_AX', mnemonic: 'out', opcode: 0xe7, modrm: 'none', osz: 16, operands: ['Ib', 'eAX'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'Out_imm8_EAX', mnemonic: 'out', opcode: 0xe7, modrm: 'none', osz: 32, operands: ['Ib', 'eAX'], since: 'i386', note: IOPL_NOTE }),

  form({ id: 'In_AL_DX', mnemonic: 'in', opcode: 0xec, modrm: 'none', operands: ['AL', 'DX'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'In_AX_DX', mnemonic: 'in', opcode: 0xed, modrm: 'none', osz: 16, operands: ['eAX', 'DX'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'In_EAX_DX', mnemonic: 'in', opcode: 0xed, modrm: 'none', osz: 32, operands: ['eAX', 'DX'], since: 'i386', note: IOPL_NOTE }),
  form({ id: 'Out_DX_AL', mnemonic: 'out', opcode: 0xee, modrm: 'none', operands: ['DX', 'AL'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'Out_DX_AX', mnemonic: 'out', opcode: 0xef, modrm: 'none', osz: 16, operands: ['DX', 'eAX'], since: 'i8086', note: IOPL_NOTE }),
  form({ id: 'Out_DX_EAX', mnemonic: 'out', opcode: 0xef, modrm: 'none', osz: 32, operands: ['DX', 'eAX'], since: 'i386', note: IOPL_NOTE }),
] as const;
