/**
 * Instruction-table records: the data-movement group. MOV in all its encodings, LEA, XCHG and
 * the NOP family, PUSH/POP (general, immediate, memory, segment, all-registers, FLAGS), MOVZX/MOVSX,
 * the far-pointer loads LDS/LES/LSS/LFS/LGS, XLAT, and CPUID, RDTSC and WAIT.
 *
 * Authorities: Intel SDM Vol. 2A-2B instruction pages (MOV, MOV Sreg, LEA, XCHG, NOP, PAUSE,
 * PUSH, POP, PUSHA, POPA, PUSHF, POPF, MOVZX, MOVSX, LDS/LES/LFS/LGS/LSS, XLAT, CPUID, RDTSC, WAIT)
 * and Vol. 2D Appendix A (Tables, one- and two-byte opcode maps); for the 286, the
 * SingleStepTests 80286 real-mode corpus (forms 50 58 88 8B 8D 8E 9C 9D). Ids are iced-x86
 * `Code` names.
 *
 * Operand notation is Appendix A's, plus one code it lacks: `Zb`/`Zv` is the general register
 * named by the opcode's low three bits (the `+rb`/`+rw`/`+rd` of the instruction pages, which
 * Appendix A spells out register by register: `B0 MOV AL,Ib` ... `B7 MOV BH,Ib`).
 *
 * Records are laid out in opcode-map order, primary map first, each osz pair on adjacent lines.
 *
 * Not recorded here (and why):
 * - POP CS (0F): an 8086-only instruction; from the 286 on 0F is the two-byte escape, and xvc's
 *   oldest model is the 286.
 * - 0F 0D (PREFETCH/PREFETCHW, iced `Prefetch_m8`, `Reservednop_*_0F0D`): AMD 3DNow! and post-P6
 *   Intel; #UD on the modelled Intel generations.
 * - Post-P6 hints that share the reserved-NOP space and behave as NOPs on xvc's models but that
 *   iced names separately: `Prefetchit0_m8`/`Prefetchit1_m8` (0F 18 /7 /6 mem), `Cldemote_m8`
 *   (NP 0F 1C /0 mem), `Endbr32`/`Endbr64` (F3 0F 1E FB/FA), `Rdsspd_r32` (F3 0F 1E /1 mod=3) and
 *   the MPX forms of 0F 1A/1B (iced decodes those only with its MPX option). xvc decodes all of
 *   them as the `Reservednop_*` of their opcode, which is their behaviour without the feature.
 * - XABORT/XBEGIN (C6 F8, C7 F8): RTM, not modelled; C6/C7 with ModRM.reg != 0 are #UD.
 *
 * MOV to/from Sreg, PUSH/POP Sreg and PUSHF/POPF are the sensitive-but-unprivileged instructions
 * of Robin & Irvine (2000) in this group; CPUID and RDTSC are the ones VT-x can make exit.
 */

import type { FormRecord } from '../schema.ts';
import { form } from '../schema.ts';

/** ModRM.reg of 8C/8E names ES CS SS DS FS GS as 0-5 (SDM Vol. 2A, 3.1.1.3, "Sreg"); what the rest do. */
const SREG_NOTE_286 = 'ModRM.reg 6-7 #UD; 4-5 (FS, GS) #UD on the 286, which has four segment registers (SST 80286 corpus, 8E; 8C is not in the corpus and is taken to match)';

/** SDM PUSH, on segment registers with a 32-bit operand size: either behaviour is allowed. */
const PUSH_SREG32_NOTE = 'selector zero-extended to 32 bits up to p6; modern writes only the low word, leaving the upper word of the slot unchanged (SDM PUSH: "all recent Core and Atom processors perform a 16-bit move")';

export const dataForms = [
  // ---- primary map: segment PUSH/POP (06 07 0E 16 17 1E 1F) ----
  form({ id: 'Pushw_ES', mnemonic: 'push', opcode: 0x06, modrm: 'none', osz: 16, operands: ['ES'], since: 'i8086' }),
  form({ id: 'Pushd_ES', mnemonic: 'push', opcode: 0x06, modrm: 'none', osz: 32, operands: ['ES'], since: 'i386', note: PUSH_SREG32_NOTE }),
  form({ id: 'Popw_ES', mnemonic: 'pop', opcode: 0x07, modrm: 'none', osz: 16, operands: ['ES'], since: 'i8086' }),
  form({ id: 'Popd_ES', mnemonic: 'pop', opcode: 0x07, modrm: 'none', osz: 32, operands: ['ES'], since: 'i386' }),
  form({ id: 'Pushw_CS', mnemonic: 'push', opcode: 0x0e, modrm: 'none', osz: 16, operands: ['CS'], since: 'i8086' }),
  form({ id: 'Pushd_CS', mnemonic: 'push', opcode: 0x0e, modrm: 'none', osz: 32, operands: ['CS'], since: 'i386', note: PUSH_SREG32_NOTE }),
  form({ id: 'Pushw_SS', mnemonic: 'push', opcode: 0x16, modrm: 'none', osz: 16, operands: ['SS'], since: 'i8086' }),
  form({ id: 'Pushd_SS', mnemonic: 'push', opcode: 0x16, modrm: 'none', osz: 32, operands: ['SS'], since: 'i386', note: PUSH_SREG32_NOTE }),
  // POP SS inhibits interrupts and debug traps until after the next instruction (SDM POP), so it ends the block.
  form({ id: 'Popw_SS', mnemonic: 'pop', opcode: 0x17, modrm: 'none', osz: 16, operands: ['SS'], since: 'i8086', flow: 'serialize' }),
  form({ id: 'Popd_SS', mnemonic: 'pop', opcode: 0x17, modrm: 'none', osz: 32, operands: ['SS'], since: 'i386', flow: 'serialize' }),
  form({ id: 'Pushw_DS', mnemonic: 'push', opcode: 0x1e, modrm: 'none', osz: 16, operands: ['DS'], since: 'i8086' }),
  form({ id: 'Pushd_DS', mnemonic: 'push', opcode: 0x1e, modrm: 'none', osz: 32, operands: ['DS'], since: 'i386', note: PUSH_SREG32_NOTE }),
  form({ id: 'Popw_DS', mnemonic: 'pop', opcode: 0x1f, modrm: 'none', osz: 16, operands: ['DS'], since: 'i8086' }),
  form({ id: 'Popd_DS', mnemonic: 'pop', opcode: 0x1f, modrm: 'none', osz: 32, operands: ['DS'], since: 'i386' }),

  // ---- 50-5F: PUSH/POP register ----
  form({ id: 'Push_r16', mnemonic: 'push', opcode: 0x50, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv'], since: 'i8086', note: 'PUSH SP pushes SP as it was before the push: the 286 and later (SST 80286 corpus, 50); the 8086 pushed the decremented value' }),
  form({ id: 'Push_r32', mnemonic: 'push', opcode: 0x50, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv'], since: 'i386' }),
  form({ id: 'Pop_r16', mnemonic: 'pop', opcode: 0x58, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv'], since: 'i8086' }),
  form({ id: 'Pop_r32', mnemonic: 'pop', opcode: 0x58, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv'], since: 'i386' }),

  // ---- 60 61: PUSHA/POPA; 68 6A: PUSH immediate ----
  form({ id: 'Pushaw', mnemonic: 'pusha', opcode: 0x60, modrm: 'none', osz: 16, since: 'i186' }),
  form({ id: 'Pushad', mnemonic: 'pushad', opcode: 0x60, modrm: 'none', osz: 32, since: 'i386' }),
  form({ id: 'Popaw', mnemonic: 'popa', opcode: 0x61, modrm: 'none', osz: 16, since: 'i186' }),
  form({ id: 'Popad', mnemonic: 'popad', opcode: 0x61, modrm: 'none', osz: 32, since: 'i386' }),
  form({ id: 'Push_imm16', mnemonic: 'push', opcode: 0x68, modrm: 'none', osz: 16, operands: ['Iz'], since: 'i186' }),
  form({ id: 'Pushd_imm32', mnemonic: 'push', opcode: 0x68, modrm: 'none', osz: 32, operands: ['Iz'], since: 'i386' }),
  form({ id: 'Pushw_imm8', mnemonic: 'push', opcode: 0x6a, modrm: 'none', osz: 16, operands: ['Ibs'], since: 'i186' }),
  form({ id: 'Pushd_imm8', mnemonic: 'push', opcode: 0x6a, modrm: 'none', osz: 32, operands: ['Ibs'], since: 'i386' }),

  // ---- 86-8F: XCHG, MOV, MOV Sreg, LEA, POP Ev ----
  // XCHG with memory locks the bus whether or not LOCK is given (SDM XCHG).
  form({ id: 'Xchg_rm8_r8', mnemonic: 'xchg', opcode: 0x86, modrm: 'rm', operands: ['Eb', 'Gb'], since: 'i8086', lockable: true }),
  form({ id: 'Xchg_rm16_r16', mnemonic: 'xchg', opcode: 0x87, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'i8086', lockable: true }),
  form({ id: 'Xchg_rm32_r32', mnemonic: 'xchg', opcode: 0x87, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'i386', lockable: true }),
  form({ id: 'Mov_rm8_r8', mnemonic: 'mov', opcode: 0x88, modrm: 'rm', operands: ['Eb', 'Gb'], since: 'i8086' }),
  form({ id: 'Mov_rm16_r16', mnemonic: 'mov', opcode: 0x89, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'i8086' }),
  form({ id: 'Mov_rm32_r32', mnemonic: 'mov', opcode: 0x89, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'i386' }),
  form({ id: 'Mov_r8_rm8', mnemonic: 'mov', opcode: 0x8a, modrm: 'rm', operands: ['Gb', 'Eb'], since: 'i8086' }),
  form({ id: 'Mov_r16_rm16', mnemonic: 'mov', opcode: 0x8b, modrm: 'rm', osz: 16, operands: ['Gv', 'Ev'], since: 'i8086' }),
  form({ id: 'Mov_r32_rm32', mnemonic: 'mov', opcode: 0x8b, modrm: 'rm', osz: 32, operands: ['Gv', 'Ev'], since: 'i386' }),
  form({ id: 'Mov_rm16_Sreg', mnemonic: 'mov', opcode: 0x8c, modrm: 'rm', osz: 16, operands: ['Ev', 'Sw'], since: 'i8086', note: SREG_NOTE_286 }),
  form({ id: 'Mov_r32m16_Sreg', mnemonic: 'mov', opcode: 0x8c, modrm: 'rm', osz: 32, operands: ['Ev', 'Sw'], since: 'i386', note: 'memory: a 16-bit store; 32-bit register: zero-extended on every model (SDM: zero on P6 and later, upper half undefined before; xvc follows QEMU and Bochs there). ' + SREG_NOTE_286 }),
  form({ id: 'Lea_r16_m', mnemonic: 'lea', opcode: 0x8d, modrm: 'mem', osz: 16, operands: ['Gv', 'M'], since: 'i8086' }),
  form({ id: 'Lea_r32_m', mnemonic: 'lea', opcode: 0x8d, modrm: 'mem', osz: 32, operands: ['Gv', 'M'], since: 'i386' }),
  // One record covers every Sreg; MOV SS inhibits interrupts for one instruction (SDM MOV), so the form ends the block.
  form({ id: 'Mov_Sreg_rm16', mnemonic: 'mov', opcode: 0x8e, modrm: 'rm', osz: 16, operands: ['Sw', 'Ew'], since: 'i8086', flow: 'serialize', note: 'MOV CS (ModRM.reg 1) #UD (SST 80286 corpus, 8E). ' + SREG_NOTE_286 }),
  form({ id: 'Mov_Sreg_r32m16', mnemonic: 'mov', opcode: 0x8e, modrm: 'rm', osz: 32, operands: ['Sw', 'Ew'], since: 'i386', flow: 'serialize', note: 'reads 16 bits, as the 16-bit form; MOV CS #UD. ' + SREG_NOTE_286 }),
  form({ id: 'Pop_rm16', mnemonic: 'pop', opcode: 0x8f, modrm: 'rm', ext: 0, osz: 16, operands: ['Ev'], since: 'i8086', note: 'the destination address is computed after SP is incremented (SDM POP)' }),
  form({ id: 'Pop_rm32', mnemonic: 'pop', opcode: 0x8f, modrm: 'rm', ext: 0, osz: 32, operands: ['Ev'], since: 'i386', note: 'the destination address is computed after ESP is incremented (SDM POP)' }),

  // ---- 90-97: NOP, PAUSE, XCHG eAX ----
  form({ id: 'Nopw', mnemonic: 'nop', opcode: 0x90, modrm: 'none', osz: 16, since: 'i8086' }),
  form({ id: 'Nopd', mnemonic: 'nop', opcode: 0x90, modrm: 'none', osz: 32, since: 'i386' }),
  form({ id: 'Pause', mnemonic: 'pause', opcode: 0x90, modrm: 'none', mandatoryPrefix: 0xf3, since: 'modern', note: 'introduced with the Pentium 4 (xvc generation modern); earlier models decode F3 90 as REP NOP, which behaves the same' }),
  form({ id: 'Xchg_r16_AX', mnemonic: 'xchg', opcode: 0x90, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv', 'eAX'], since: 'i8086' }),
  form({ id: 'Xchg_r32_EAX', mnemonic: 'xchg', opcode: 0x90, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv', 'eAX'], since: 'i386' }),

  // ---- 9B-9D: WAIT, PUSHF, POPF ----
  form({ id: 'Wait', mnemonic: 'wait', opcode: 0x9b, modrm: 'none', since: 'i8086', note: '#NM when CR0.MP and CR0.TS are both set; otherwise a no-op, since xvc models no x87 unit (SDM Vol. 3A, Table 2-2)' }),
  form({ id: 'Pushfw', mnemonic: 'pushf', opcode: 0x9c, modrm: 'none', osz: 16, since: 'i8086', flagsRead: 'oszapcdit', note: 'virtual-8086 mode with IOPL < 3: #GP(0) (CR4.VME not modelled)' }),
  form({ id: 'Pushfd', mnemonic: 'pushfd', opcode: 0x9c, modrm: 'none', osz: 32, since: 'i386', flagsRead: 'oszapcdit', note: 'RF and VM are pushed as 0; virtual-8086 mode with IOPL < 3: #GP(0)' }),
  form({ id: 'Popfw', mnemonic: 'popf', opcode: 0x9d, modrm: 'none', osz: 16, since: 'i8086', flagsWritten: 'oszapcdit', flow: 'serialize', note: 'IOPL changes only at CPL 0, IF only at CPL <= IOPL (silently kept otherwise); real mode keeps the model\'s fixed-zero bits (286: 12-15, SST 80286 corpus, 9D); virtual-8086 mode with IOPL < 3: #GP(0) (CR4.VME not modelled)' }),
  form({ id: 'Popfd', mnemonic: 'popfd', opcode: 0x9d, modrm: 'none', osz: 32, since: 'i386', flagsWritten: 'oszapcdit', flow: 'serialize', note: 'as POPF; VM, VIP and VIF keep their values and RF is cleared (SDM POPF); AC and ID change only where the model implements them' }),

  // ---- A0-A3: MOV with a direct offset (moffs) ----
  form({ id: 'Mov_AL_moffs8', mnemonic: 'mov', opcode: 0xa0, modrm: 'none', operands: ['AL', 'Ob'], since: 'i8086' }),
  form({ id: 'Mov_AX_moffs16', mnemonic: 'mov', opcode: 0xa1, modrm: 'none', osz: 16, operands: ['eAX', 'Ov'], since: 'i8086' }),
  form({ id: 'Mov_EAX_moffs32', mnemonic: 'mov', opcode: 0xa1, modrm: 'none', osz: 32, operands: ['eAX', 'Ov'], since: 'i386' }),
  form({ id: 'Mov_moffs8_AL', mnemonic: 'mov', opcode: 0xa2, modrm: 'none', operands: ['Ob', 'AL'], since: 'i8086' }),
  form({ id: 'Mov_moffs16_AX', mnemonic: 'mov', opcode: 0xa3, modrm: 'none', osz: 16, operands: ['Ov', 'eAX'], since: 'i8086' }),
  form({ id: 'Mov_moffs32_EAX', mnemonic: 'mov', opcode: 0xa3, modrm: 'none', osz: 32, operands: ['Ov', 'eAX'], since: 'i386' }),

  // ---- B0-BF: MOV register, immediate ----
  form({ id: 'Mov_r8_imm8', mnemonic: 'mov', opcode: 0xb0, plusReg: true, modrm: 'none', operands: ['Zb', 'Ib'], since: 'i8086' }),
  form({ id: 'Mov_r16_imm16', mnemonic: 'mov', opcode: 0xb8, plusReg: true, modrm: 'none', osz: 16, operands: ['Zv', 'Iv'], since: 'i8086' }),
  form({ id: 'Mov_r32_imm32', mnemonic: 'mov', opcode: 0xb8, plusReg: true, modrm: 'none', osz: 32, operands: ['Zv', 'Iv'], since: 'i386' }),

  // ---- C4 C5: LES, LDS (mod=3 #UD); C6 C7 /0: MOV Ev, immediate (other /digits #UD, SST 80286 metadata) ----
  form({ id: 'Les_r16_m1616', mnemonic: 'les', opcode: 0xc4, modrm: 'mem', osz: 16, operands: ['Gv', 'Mp'], since: 'i8086' }),
  form({ id: 'Les_r32_m1632', mnemonic: 'les', opcode: 0xc4, modrm: 'mem', osz: 32, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Lds_r16_m1616', mnemonic: 'lds', opcode: 0xc5, modrm: 'mem', osz: 16, operands: ['Gv', 'Mp'], since: 'i8086' }),
  form({ id: 'Lds_r32_m1632', mnemonic: 'lds', opcode: 0xc5, modrm: 'mem', osz: 32, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Mov_rm8_imm8', mnemonic: 'mov', opcode: 0xc6, modrm: 'rm', ext: 0, operands: ['Eb', 'Ib'], since: 'i8086' }),
  form({ id: 'Mov_rm16_imm16', mnemonic: 'mov', opcode: 0xc7, modrm: 'rm', ext: 0, osz: 16, operands: ['Ev', 'Iz'], since: 'i8086' }),
  form({ id: 'Mov_rm32_imm32', mnemonic: 'mov', opcode: 0xc7, modrm: 'rm', ext: 0, osz: 32, operands: ['Ev', 'Iz'], since: 'i386' }),

  // ---- D7: XLAT; FF /6: PUSH Ev ----
  form({ id: 'Xlat_m8', mnemonic: 'xlatb', opcode: 0xd7, modrm: 'none', since: 'i8086', note: 'address size picks BX or EBX; the segment is DS unless overridden' }),
  form({ id: 'Push_rm16', mnemonic: 'push', opcode: 0xff, modrm: 'rm', ext: 6, osz: 16, operands: ['Ev'], since: 'i8086' }),
  form({ id: 'Push_rm32', mnemonic: 'push', opcode: 0xff, modrm: 'rm', ext: 6, osz: 32, operands: ['Ev'], since: 'i386' }),

  // ---- 0F 18-1F: NOP Ev and the reserved-NOP (hint) space, P6 and later ----
  // PREFETCHh are SSE (Pentium III, P6 family) and hints: no architectural effect, no faults.
  form({ id: 'Prefetchnta_m8', mnemonic: 'prefetchnta', map: '0f', opcode: 0x18, modrm: 'mem', ext: 0, operands: ['Mb'], since: 'p6' }),
  form({ id: 'Prefetcht0_m8', mnemonic: 'prefetcht0', map: '0f', opcode: 0x18, modrm: 'mem', ext: 1, operands: ['Mb'], since: 'p6' }),
  form({ id: 'Prefetcht1_m8', mnemonic: 'prefetcht1', map: '0f', opcode: 0x18, modrm: 'mem', ext: 2, operands: ['Mb'], since: 'p6' }),
  form({ id: 'Prefetcht2_m8', mnemonic: 'prefetcht2', map: '0f', opcode: 0x18, modrm: 'mem', ext: 3, operands: ['Mb'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F18', mnemonic: 'nop', map: '0f', opcode: 0x18, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F18', mnemonic: 'nop', map: '0f', opcode: 0x18, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F19', mnemonic: 'nop', map: '0f', opcode: 0x19, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F19', mnemonic: 'nop', map: '0f', opcode: 0x19, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F1A', mnemonic: 'nop', map: '0f', opcode: 0x1a, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F1A', mnemonic: 'nop', map: '0f', opcode: 0x1a, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F1B', mnemonic: 'nop', map: '0f', opcode: 0x1b, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F1B', mnemonic: 'nop', map: '0f', opcode: 0x1b, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F1C', mnemonic: 'nop', map: '0f', opcode: 0x1c, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F1C', mnemonic: 'nop', map: '0f', opcode: 0x1c, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F1D', mnemonic: 'nop', map: '0f', opcode: 0x1d, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F1D', mnemonic: 'nop', map: '0f', opcode: 0x1d, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F1E', mnemonic: 'nop', map: '0f', opcode: 0x1e, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F1E', mnemonic: 'nop', map: '0f', opcode: 0x1e, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm16_r16_0F1F', mnemonic: 'nop', map: '0f', opcode: 0x1f, modrm: 'rm', osz: 16, operands: ['Ev', 'Gv'], since: 'p6' }),
  form({ id: 'Reservednop_rm32_r32_0F1F', mnemonic: 'nop', map: '0f', opcode: 0x1f, modrm: 'rm', osz: 32, operands: ['Ev', 'Gv'], since: 'p6' }),
  // The multi-byte NOP: SDM NOP, "available on processors with CPUID.01H.EAX[11:8] = 0110B or 1111B" (family 6 on).
  form({ id: 'Nop_rm16', mnemonic: 'nop', map: '0f', opcode: 0x1f, modrm: 'rm', ext: 0, osz: 16, operands: ['Ev'], since: 'p6' }),
  form({ id: 'Nop_rm32', mnemonic: 'nop', map: '0f', opcode: 0x1f, modrm: 'rm', ext: 0, osz: 32, operands: ['Ev'], since: 'p6' }),

  // ---- 0F 31: RDTSC; 0F A0-A9: PUSH/POP FS GS, CPUID ----
  form({ id: 'Rdtsc', mnemonic: 'rdtsc', map: '0f', opcode: 0x31, modrm: 'none', since: 'pentium', note: 'EDX:EAX = retired instructions before this one + tscOffset (xvc has no other clock); CR4.TSD with CPL > 0: #GP(0)' }),
  form({ id: 'Pushw_FS', mnemonic: 'push', map: '0f', opcode: 0xa0, modrm: 'none', osz: 16, operands: ['FS'], since: 'i386' }),
  form({ id: 'Pushd_FS', mnemonic: 'push', map: '0f', opcode: 0xa0, modrm: 'none', osz: 32, operands: ['FS'], since: 'i386', note: PUSH_SREG32_NOTE }),
  form({ id: 'Popw_FS', mnemonic: 'pop', map: '0f', opcode: 0xa1, modrm: 'none', osz: 16, operands: ['FS'], since: 'i386' }),
  form({ id: 'Popd_FS', mnemonic: 'pop', map: '0f', opcode: 0xa1, modrm: 'none', osz: 32, operands: ['FS'], since: 'i386' }),
  form({ id: 'Cpuid', mnemonic: 'cpuid', map: '0f', opcode: 0xa2, modrm: 'none', since: 'i486', flow: 'serialize', note: 'later 486 steppings; #UD on models without CPUID data (xvc: i486 and older). A leaf above the maximum returns the highest basic leaf, as Intel parts do (SDM CPUID)' }),
  form({ id: 'Pushw_GS', mnemonic: 'push', map: '0f', opcode: 0xa8, modrm: 'none', osz: 16, operands: ['GS'], since: 'i386' }),
  form({ id: 'Pushd_GS', mnemonic: 'push', map: '0f', opcode: 0xa8, modrm: 'none', osz: 32, operands: ['GS'], since: 'i386', note: PUSH_SREG32_NOTE }),
  form({ id: 'Popw_GS', mnemonic: 'pop', map: '0f', opcode: 0xa9, modrm: 'none', osz: 16, operands: ['GS'], since: 'i386' }),
  form({ id: 'Popd_GS', mnemonic: 'pop', map: '0f', opcode: 0xa9, modrm: 'none', osz: 32, operands: ['GS'], since: 'i386' }),

  // ---- 0F B2 B4 B5: LSS LFS LGS (mod=3 #UD); 0F B6 B7 BE BF: MOVZX MOVSX ----
  form({ id: 'Lss_r16_m1616', mnemonic: 'lss', map: '0f', opcode: 0xb2, modrm: 'mem', osz: 16, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Lss_r32_m1632', mnemonic: 'lss', map: '0f', opcode: 0xb2, modrm: 'mem', osz: 32, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Lfs_r16_m1616', mnemonic: 'lfs', map: '0f', opcode: 0xb4, modrm: 'mem', osz: 16, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Lfs_r32_m1632', mnemonic: 'lfs', map: '0f', opcode: 0xb4, modrm: 'mem', osz: 32, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Lgs_r16_m1616', mnemonic: 'lgs', map: '0f', opcode: 0xb5, modrm: 'mem', osz: 16, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Lgs_r32_m1632', mnemonic: 'lgs', map: '0f', opcode: 0xb5, modrm: 'mem', osz: 32, operands: ['Gv', 'Mp'], since: 'i386' }),
  form({ id: 'Movzx_r16_rm8', mnemonic: 'movzx', map: '0f', opcode: 0xb6, modrm: 'rm', osz: 16, operands: ['Gv', 'Eb'], since: 'i386' }),
  form({ id: 'Movzx_r32_rm8', mnemonic: 'movzx', map: '0f', opcode: 0xb6, modrm: 'rm', osz: 32, operands: ['Gv', 'Eb'], since: 'i386' }),
  form({ id: 'Movzx_r16_rm16', mnemonic: 'movzx', map: '0f', opcode: 0xb7, modrm: 'rm', osz: 16, operands: ['Gv', 'Ew'], since: 'i386' }),
  form({ id: 'Movzx_r32_rm16', mnemonic: 'movzx', map: '0f', opcode: 0xb7, modrm: 'rm', osz: 32, operands: ['Gv', 'Ew'], since: 'i386' }),
  form({ id: 'Movsx_r16_rm8', mnemonic: 'movsx', map: '0f', opcode: 0xbe, modrm: 'rm', osz: 16, operands: ['Gv', 'Eb'], since: 'i386' }),
  form({ id: 'Movsx_r32_rm8', mnemonic: 'movsx', map: '0f', opcode: 0xbe, modrm: 'rm', osz: 32, operands: ['Gv', 'Eb'], since: 'i386' }),
  form({ id: 'Movsx_r16_rm16', mnemonic: 'movsx', map: '0f', opcode: 0xbf, modrm: 'rm', osz: 16, operands: ['Gv', 'Ew'], since: 'i386' }),
  form({ id: 'Movsx_r32_rm16', mnemonic: 'movsx', map: '0f', opcode: 0xbf, modrm: 'rm', osz: 32, operands: ['Gv', 'Ew'], since: 'i386' }),
] as const satisfies readonly FormRecord[];
