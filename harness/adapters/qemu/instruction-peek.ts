/**
 * Recognises, from the bytes at CS:EIP, the few instructions the qemu adapter's exact stepping
 * must treat specially (SDM Vol. 2, opcode map, Table A-2):
 * - HLT (F4): single-stepping it under QEMU never returns, the CPU waits for an interrupt;
 * - OUT to port 0xF4 (E6/E7 ib, EE/EF with DX): isa-debug-exit ends the QEMU process, and the
 *   state with it;
 * - INT n, INT3, INTO (CD ib, CC, CE): software interrupts, which stopOnException must tell from
 *   faults that use the same vector;
 * - REP/REPNE string instructions (F2/F3 with A4-A7, AA-AF, 6C-6F): QEMU single-steps them one
 *   iteration at a time, EIP staying put, while they retire as one instruction.
 * Everything else is 'other', marked `system` when it may load a segment register, a descriptor
 * table register, LDTR or TR, or change privilege (MOV/POP to a segment register, LDS/LES/LSS/
 * LFS/LGS, far CALL/JMP/RET, IRET, group 6 and 7 of 0F 00/0F 01, SYSENTER/SYSEXIT, SYSCALL/
 * SYSRET, RSM, MOV to a control register): after those the adapter re-reads the descriptor
 * caches, which the cheap register read does not show. Legacy prefixes (SDM Vol. 2A, 2.1.1) are
 * skipped; 0x66 is remembered because it changes the operand size of OUT.
 */

import { PREFIX_BY_BYTE } from '../../../reference-emulator/index.ts';

export type PeekedInstruction =
  | { kind: 'hlt'; length: number }
  | { kind: 'out-port'; length: number; port: number | 'dx'; width: 1 | 2 | 4 }
  | { kind: 'software-interrupt'; length: number; vector: number }
  | { kind: 'rep-string'; length: number }
  | { kind: 'other'; system: boolean };

/** A prefix run longer than this is #GP on hardware (the 15-byte limit); stop looking. */
const MAX_PREFIXES = 14;
const OVERFLOW_VECTOR = 4;
const BREAKPOINT_VECTOR = 3;

/** One-byte opcodes that load segment state: POP ES/SS/DS, LES, LDS, far CALL/JMP/RET, IRET, MOV Sreg. */
const SYSTEM_OPCODES = new Set([0x07, 0x17, 0x1f, 0x8e, 0x9a, 0xc4, 0xc5, 0xca, 0xcb, 0xcf, 0xea]);
/** Two-byte (0F xx) ones: groups 6 and 7, SYSCALL/SYSRET, MOV CRn, SYSENTER/SYSEXIT, POP FS/GS, RSM, LSS/LFS/LGS. */
const SYSTEM_OPCODES_0F = new Set([0x00, 0x01, 0x05, 0x07, 0x22, 0x34, 0x35, 0xa1, 0xa9, 0xaa, 0xb2, 0xb4, 0xb5]);

function isSystem(bytes: Uint8Array, i: number): boolean {
  const op = bytes[i]!;
  if (SYSTEM_OPCODES.has(op)) return true;
  // FF /3 and FF /5: far CALL and JMP through memory.
  if (op === 0xff) {
    const reg = ((bytes[i + 1] ?? 0) >> 3) & 7;
    return reg === 3 || reg === 5;
  }
  return op === 0x0f && SYSTEM_OPCODES_0F.has(bytes[i + 1] ?? 0);
}

function isStringOpcode(op: number): boolean {
  return (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) || (op >= 0x6c && op <= 0x6f);
}

export function peekInstruction(bytes: Uint8Array, code32: boolean): PeekedInstruction {
  let i = 0;
  let operandOverride = false;
  let repeat = false;
  while (i < bytes.length && i < MAX_PREFIXES && PREFIX_BY_BYTE.has(bytes[i]!)) {
    if (bytes[i] === 0x66) operandOverride = true;
    if (bytes[i] === 0xf2 || bytes[i] === 0xf3) repeat = true;
    i++;
  }
  const op = bytes[i];
  // Nothing readable: assume the worst, so the caller re-reads everything after the step.
  if (op === undefined) return { kind: 'other', system: true };
  const wide: 2 | 4 = code32 !== operandOverride ? 4 : 2;
  switch (op) {
    case 0xf4: return { kind: 'hlt', length: i + 1 };
    case 0xe6: return bytes[i + 1] === undefined ? { kind: 'other', system: true } : { kind: 'out-port', length: i + 2, port: bytes[i + 1]!, width: 1 };
    case 0xe7: return bytes[i + 1] === undefined ? { kind: 'other', system: true } : { kind: 'out-port', length: i + 2, port: bytes[i + 1]!, width: wide };
    case 0xee: return { kind: 'out-port', length: i + 1, port: 'dx', width: 1 };
    case 0xef: return { kind: 'out-port', length: i + 1, port: 'dx', width: wide };
    case 0xcc: return { kind: 'software-interrupt', length: i + 1, vector: BREAKPOINT_VECTOR };
    case 0xce: return { kind: 'software-interrupt', length: i + 1, vector: OVERFLOW_VECTOR };
    case 0xcd: return bytes[i + 1] === undefined ? { kind: 'other', system: true } : { kind: 'software-interrupt', length: i + 2, vector: bytes[i + 1]! };
    default: return repeat && isStringOpcode(op) ? { kind: 'rep-string', length: i + 1 } : { kind: 'other', system: isSystem(bytes, i) };
  }
}
