/**
 * Instruction-table records: the control-transfer group. Conditional and unconditional near
 * branches, far transfers, LOOP/JrCXZ, ENTER/LEAVE, software interrupts and IRET, BOUND, HLT and
 * the defined #UD opcodes.
 *
 * Sources: SDM Vol. 2A/2B/2D instruction pages (Jcc, JMP, CALL, RET, LOOP/LOOPcc, JCXZ/JECXZ,
 * ENTER, LEAVE, INT n/INTO/INT3/INT1, IRET/IRETD, BOUND, HLT, UD); the one-byte and two-byte
 * opcode maps (Vol. 2D, Tables) for the layout; Appendix B, Table B-1 for the
 * condition-code order. Ids are iced-x86 `Code` names; `since` follows the SDM's compatibility
 * notes, and iced's CPUID feature where the SDM is silent.
 *
 * Operand size decides the width of a pushed/popped return address and truncates EIP to 16 bits;
 * address size picks CX or ECX as the LOOP/JrCXZ counter, so those forms are concrete in both.
 *
 * Known deviations and seams are on the records (`note`): protected-mode far transfers handle a
 * direct target code segment of the current privilege level; call gates, task gates, TSS
 * targets, privilege-changing returns, IRET task returns and IRET to virtual-8086 mode are left
 * for the protected-mode issue.
 */

import { form } from '../schema.ts';

const FAR_SEAM =
  'protected mode: a direct target code segment is checked (type, DPL/RPL, presence, limit) and loaded at the current CPL; ' +
  'call gates, task gates and TSS targets are the protected-mode issue\'s seam and stop the run as not modelled';
const FAR_RET_SEAM =
  'protected mode: a return to the same privilege level is checked and done; a return to an outer level (RPL > CPL) ' +
  'is the protected-mode issue\'s seam and stops the run as not modelled';
const PUSH_CS_32 =
  'with a 32-bit operand size CS is pushed zero-extended to 32 bits (SDM: "padded with 16 high-order bits"; QEMU zero-extends)';

/**
 * Jcc in its four encodings (SDM Vol. 2A, Jcc): 70+cc rel8 and 0F 80+cc rel16/32, each per operand
 * size, which truncates the target to 16 bits. `cc` is the iced/Intel suffix, `n` the condition
 * number (low opcode nibble), `reads` the flags the condition tests (Table B-1).
 */
function jcc<const Cc extends string>(cc: Cc, n: number, reads: string) {
  return [
    form({ id: `J${cc}_rel8_16`, mnemonic: `j${cc}`, opcode: 0x70 + n, modrm: 'none', osz: 16, operands: ['Jb'], since: 'i8086', flagsRead: reads, flow: 'branch' }),
    form({ id: `J${cc}_rel8_32`, mnemonic: `j${cc}`, opcode: 0x70 + n, modrm: 'none', osz: 32, operands: ['Jb'], since: 'i386', flagsRead: reads, flow: 'branch' }),
    form({ id: `J${cc}_rel16`, mnemonic: `j${cc}`, map: '0f', opcode: 0x80 + n, modrm: 'none', osz: 16, operands: ['Jz'], since: 'i386', flagsRead: reads, flow: 'branch' }),
    form({ id: `J${cc}_rel32_32`, mnemonic: `j${cc}`, map: '0f', opcode: 0x80 + n, modrm: 'none', osz: 32, operands: ['Jz'], since: 'i386', flagsRead: reads, flow: 'branch' }),
  ] as const;
}

/**
 * LOOP/LOOPE/LOOPNE/JCXZ-style forms: four records per opcode, operand size (target truncation)
 * by address size (counter CX or ECX). iced names them `<Name>_rel8_<osz>_<counter>`.
 */
function counted<const Name extends string>(name: Name, mnemonic: string, opcode: number, reads: string) {
  return [
    form({ id: `${name}_rel8_16_CX`, mnemonic, opcode, modrm: 'none', osz: 16, asz: 16, operands: ['Jb'], since: 'i8086', flagsRead: reads, flow: 'branch' }),
    form({ id: `${name}_rel8_32_CX`, mnemonic, opcode, modrm: 'none', osz: 32, asz: 16, operands: ['Jb'], since: 'i386', flagsRead: reads, flow: 'branch' }),
    form({ id: `${name}_rel8_16_ECX`, mnemonic, opcode, modrm: 'none', osz: 16, asz: 32, operands: ['Jb'], since: 'i386', flagsRead: reads, flow: 'branch' }),
    form({ id: `${name}_rel8_32_ECX`, mnemonic, opcode, modrm: 'none', osz: 32, asz: 32, operands: ['Jb'], since: 'i386', flagsRead: reads, flow: 'branch' }),
  ] as const;
}

export const controlForms = [
  // ---- Jcc (one-byte map 70-7F, two-byte map 0F 80-8F), condition order of Table B-1 ----
  ...jcc('o', 0x0, 'o'),
  ...jcc('no', 0x1, 'o'),
  ...jcc('b', 0x2, 'c'),
  ...jcc('ae', 0x3, 'c'),
  ...jcc('e', 0x4, 'z'),
  ...jcc('ne', 0x5, 'z'),
  ...jcc('be', 0x6, 'zc'),
  ...jcc('a', 0x7, 'zc'),
  ...jcc('s', 0x8, 's'),
  ...jcc('ns', 0x9, 's'),
  ...jcc('p', 0xa, 'p'),
  ...jcc('np', 0xb, 'p'),
  ...jcc('l', 0xc, 'so'),
  ...jcc('ge', 0xd, 'so'),
  ...jcc('le', 0xe, 'zso'),
  ...jcc('g', 0xf, 'zso'),

  // ---- LOOPNE E0, LOOPE E1, LOOP E2 (SDM Vol. 2A, LOOP/LOOPcc) ----
  ...counted('Loopne', 'loopne', 0xe0, 'z'),
  ...counted('Loope', 'loope', 0xe1, 'z'),
  ...counted('Loop', 'loop', 0xe2, ''),
  // ---- JCXZ/JECXZ E3: iced names these by counter, not by the `_CX` suffix ----
  form({ id: 'Jcxz_rel8_16', mnemonic: 'jcxz', opcode: 0xe3, modrm: 'none', osz: 16, asz: 16, operands: ['Jb'], since: 'i8086', flow: 'branch' }),
  form({ id: 'Jcxz_rel8_32', mnemonic: 'jcxz', opcode: 0xe3, modrm: 'none', osz: 32, asz: 16, operands: ['Jb'], since: 'i386', flow: 'branch' }),
  form({ id: 'Jecxz_rel8_16', mnemonic: 'jecxz', opcode: 0xe3, modrm: 'none', osz: 16, asz: 32, operands: ['Jb'], since: 'i386', flow: 'branch' }),
  form({ id: 'Jecxz_rel8_32', mnemonic: 'jecxz', opcode: 0xe3, modrm: 'none', osz: 32, asz: 32, operands: ['Jb'], since: 'i386', flow: 'branch' }),

  // ---- JMP (SDM Vol. 2A, JMP): EB, E9, EA, FF /4, FF /5 ----
  form({ id: 'Jmp_rel8_16', mnemonic: 'jmp', opcode: 0xeb, modrm: 'none', osz: 16, operands: ['Jb'], since: 'i8086', flow: 'jump' }),
  form({ id: 'Jmp_rel8_32', mnemonic: 'jmp', opcode: 0xeb, modrm: 'none', osz: 32, operands: ['Jb'], since: 'i386', flow: 'jump' }),
  form({ id: 'Jmp_rel16', mnemonic: 'jmp', opcode: 0xe9, modrm: 'none', osz: 16, operands: ['Jz'], since: 'i8086', flow: 'jump' }),
  form({ id: 'Jmp_rel32_32', mnemonic: 'jmp', opcode: 0xe9, modrm: 'none', osz: 32, operands: ['Jz'], since: 'i386', flow: 'jump' }),
  form({ id: 'Jmp_ptr1616', mnemonic: 'jmp', opcode: 0xea, modrm: 'none', osz: 16, operands: ['Ap'], since: 'i8086', flow: 'far', note: FAR_SEAM }),
  form({ id: 'Jmp_ptr1632', mnemonic: 'jmp', opcode: 0xea, modrm: 'none', osz: 32, operands: ['Ap'], since: 'i386', flow: 'far', note: FAR_SEAM }),
  form({ id: 'Jmp_rm16', mnemonic: 'jmp', opcode: 0xff, modrm: 'rm', ext: 4, osz: 16, operands: ['Ev'], since: 'i8086', flow: 'jump' }),
  form({ id: 'Jmp_rm32', mnemonic: 'jmp', opcode: 0xff, modrm: 'rm', ext: 4, osz: 32, operands: ['Ev'], since: 'i386', flow: 'jump' }),
  form({ id: 'Jmp_m1616', mnemonic: 'jmp', opcode: 0xff, modrm: 'mem', ext: 5, osz: 16, operands: ['Mp'], since: 'i8086', flow: 'far', note: FAR_SEAM }),
  form({ id: 'Jmp_m1632', mnemonic: 'jmp', opcode: 0xff, modrm: 'mem', ext: 5, osz: 32, operands: ['Mp'], since: 'i386', flow: 'far', note: FAR_SEAM }),

  // ---- CALL (SDM Vol. 2A, CALL): E8, 9A, FF /2, FF /3 ----
  form({ id: 'Call_rel16', mnemonic: 'call', opcode: 0xe8, modrm: 'none', osz: 16, operands: ['Jz'], since: 'i8086', flow: 'call' }),
  form({ id: 'Call_rel32_32', mnemonic: 'call', opcode: 0xe8, modrm: 'none', osz: 32, operands: ['Jz'], since: 'i386', flow: 'call' }),
  form({ id: 'Call_ptr1616', mnemonic: 'call', opcode: 0x9a, modrm: 'none', osz: 16, operands: ['Ap'], since: 'i8086', flow: 'far', note: FAR_SEAM }),
  form({ id: 'Call_ptr1632', mnemonic: 'call', opcode: 0x9a, modrm: 'none', osz: 32, operands: ['Ap'], since: 'i386', flow: 'far', note: `${FAR_SEAM}; ${PUSH_CS_32}` }),
  form({ id: 'Call_rm16', mnemonic: 'call', opcode: 0xff, modrm: 'rm', ext: 2, osz: 16, operands: ['Ev'], since: 'i8086', flow: 'call' }),
  form({ id: 'Call_rm32', mnemonic: 'call', opcode: 0xff, modrm: 'rm', ext: 2, osz: 32, operands: ['Ev'], since: 'i386', flow: 'call' }),
  form({ id: 'Call_m1616', mnemonic: 'call', opcode: 0xff, modrm: 'mem', ext: 3, osz: 16, operands: ['Mp'], since: 'i8086', flow: 'far', note: FAR_SEAM }),
  form({ id: 'Call_m1632', mnemonic: 'call', opcode: 0xff, modrm: 'mem', ext: 3, osz: 32, operands: ['Mp'], since: 'i386', flow: 'far', note: `${FAR_SEAM}; ${PUSH_CS_32}` }),

  // ---- RET near C3, C2 Iw; far CB, CA Iw (SDM Vol. 2B, RET) ----
  form({ id: 'Retnw', mnemonic: 'ret', opcode: 0xc3, modrm: 'none', osz: 16, since: 'i8086', flow: 'ret' }),
  form({ id: 'Retnd', mnemonic: 'ret', opcode: 0xc3, modrm: 'none', osz: 32, since: 'i386', flow: 'ret' }),
  form({ id: 'Retnw_imm16', mnemonic: 'ret', opcode: 0xc2, modrm: 'none', osz: 16, operands: ['Iw'], since: 'i8086', flow: 'ret' }),
  form({ id: 'Retnd_imm16', mnemonic: 'ret', opcode: 0xc2, modrm: 'none', osz: 32, operands: ['Iw'], since: 'i386', flow: 'ret' }),
  form({ id: 'Retfw', mnemonic: 'retf', opcode: 0xcb, modrm: 'none', osz: 16, since: 'i8086', flow: 'far', note: FAR_RET_SEAM }),
  form({ id: 'Retfd', mnemonic: 'retf', opcode: 0xcb, modrm: 'none', osz: 32, since: 'i386', flow: 'far', note: FAR_RET_SEAM }),
  form({ id: 'Retfw_imm16', mnemonic: 'retf', opcode: 0xca, modrm: 'none', osz: 16, operands: ['Iw'], since: 'i8086', flow: 'far', note: FAR_RET_SEAM }),
  form({ id: 'Retfd_imm16', mnemonic: 'retf', opcode: 0xca, modrm: 'none', osz: 32, operands: ['Iw'], since: 'i386', flow: 'far', note: FAR_RET_SEAM }),

  // ---- ENTER C8 Iw Ib, LEAVE C9 (SDM Vol. 2A, ENTER; Vol. 2A, LEAVE) ----
  form({
    id: 'Enterw_imm16_imm8', mnemonic: 'enter', opcode: 0xc8, modrm: 'none', osz: 16, operands: ['Iw', 'Ib'], since: 'i186',
    note: 'SDM pseudo-code and Bochs: with a 16-bit operand size only BP is written (FrameTemp[15:0]); SP or ESP moves by the stack size; the final stack pointer is probed for #SS as Bochs does',
  }),
  form({
    id: 'Enterd_imm16_imm8', mnemonic: 'enter', opcode: 0xc8, modrm: 'none', osz: 32, operands: ['Iw', 'Ib'], since: 'i386',
    note: 'SDM pseudo-code and Bochs: EBP gets the full FrameTemp (ESP after pushing EBP); SP or ESP moves by the stack size; the final stack pointer is probed for #SS as Bochs does',
  }),
  form({ id: 'Leavew', mnemonic: 'leave', opcode: 0xc9, modrm: 'none', osz: 16, since: 'i186' }),
  form({ id: 'Leaved', mnemonic: 'leave', opcode: 0xc9, modrm: 'none', osz: 32, since: 'i386' }),

  // ---- INT3 CC, INT Ib CD, INTO CE, INT1 F1 (SDM Vol. 2A, INT n/INTO/INT3/INT1) ----
  form({ id: 'Int3', mnemonic: 'int3', opcode: 0xcc, modrm: 'none', since: 'i8086', flagsWritten: 'it', flow: 'interrupt' }),
  form({
    id: 'Int_imm8', mnemonic: 'int', opcode: 0xcd, modrm: 'none', operands: ['Ib'], since: 'i8086', flagsWritten: 'it', flow: 'interrupt',
    note: 'virtual-8086 mode with IOPL < 3 raises #GP(0) (SDM INT n pseudo-code); CR4.VME redirection is not modelled',
  }),
  form({ id: 'Into', mnemonic: 'into', opcode: 0xce, modrm: 'none', since: 'i8086', flagsRead: 'o', flagsWritten: 'it', flow: 'interrupt' }),
  form({
    id: 'Int1', mnemonic: 'int1', opcode: 0xf1, modrm: 'none', since: 'i386', flagsWritten: 'it', flow: 'interrupt',
    note: 'ICEBP: vector 1 as a trap (the IP of the next instruction is pushed); the IDT gate-DPL exemption belongs to protected-mode delivery',
  }),

  // ---- IRET CF (SDM Vol. 2A, IRET/IRETD) ----
  form({
    id: 'Iretw', mnemonic: 'iret', opcode: 0xcf, modrm: 'none', osz: 16, since: 'i8086', flagsWritten: 'oszapcdit', flow: 'iret',
    note: 'real mode: FLAGS through the model\'s real-mode mask (286: bits 12-15 stay 0); v86: IOPL < 3 is #GP(0); protected mode: same-privilege return done, NT=1 task return and outer-level returns are the protected-mode issue\'s seam',
  }),
  form({
    id: 'Iretd', mnemonic: 'iretd', opcode: 0xcf, modrm: 'none', osz: 32, since: 'i386', flagsWritten: 'oszapcdit', flow: 'iret',
    note: 'real mode: EFLAGS <- (pop AND 257FD5H) OR (EFLAGS AND 1A0000H), then the model mask; protected mode: same-privilege return done, NT=1 task return, return to v86 and outer-level returns are the protected-mode issue\'s seam',
  }),

  // ---- BOUND 62 (SDM Vol. 2A, BOUND): a fault, so the pushed IP is BOUND's own ----
  form({ id: 'Bound_r16_m1616', mnemonic: 'bound', opcode: 0x62, modrm: 'mem', osz: 16, operands: ['Gv', 'Ma'], since: 'i186', flow: 'interrupt' }),
  form({ id: 'Bound_r32_m3232', mnemonic: 'bound', opcode: 0x62, modrm: 'mem', osz: 32, operands: ['Gv', 'Ma'], since: 'i386', flow: 'interrupt' }),

  // ---- HLT F4 (SDM Vol. 2A, HLT): CPL 0 in protected and virtual-8086 mode ----
  form({ id: 'Hlt', mnemonic: 'hlt', opcode: 0xf4, modrm: 'none', since: 'i8086', cpl: 0, flow: 'halt' }),

  // ---- UD2 0F 0B, UD1 0F B9, UD0 0F FF (SDM Vol. 2B, UD): defined forms that always raise #UD ----
  form({
    id: 'Ud2', mnemonic: 'ud2', map: '0f', opcode: 0x0b, modrm: 'none', since: 'p6', flow: 'interrupt',
    note: 'SDM: "The UD2 instruction was introduced in the Pentium Pro processor" (iced says 286); earlier models decode 0F 0B as INVALID, which also raises #UD',
  }),
  form({
    id: 'Ud1_r16_rm16', mnemonic: 'ud1', map: '0f', opcode: 0xb9, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i286', flow: 'interrupt',
    note: 'since from iced (the SDM gives no generation); the opcode was reserved-#UD on every model',
  }),
  form({ id: 'Ud1_r32_rm32', mnemonic: 'ud1', map: '0f', opcode: 0xb9, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386', flow: 'interrupt' }),
  form({
    id: 'Ud0_r16_rm16', mnemonic: 'ud0', map: '0f', opcode: 0xff, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i286', flow: 'interrupt',
    note: 'Intel\'s UD0 takes a ModRM byte (SDM UD); AMD\'s has none (iced Code Ud0), which only changes the length and is not modelled; since from iced',
  }),
  form({ id: 'Ud0_r32_rm32', mnemonic: 'ud0', map: '0f', opcode: 0xff, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386', flow: 'interrupt' }),
] as const;
