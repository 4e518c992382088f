/**
 * Semantics of the data-movement group (records in isa/forms/data.ts): MOV, LEA, XCHG, NOPs,
 * PUSH/POP in every form, PUSHA/POPA, PUSHF/POPF, MOVZX/MOVSX, LDS/LES/LSS/LFS/LGS, XLAT, CPUID,
 * RDTSC and WAIT. Operation sections of the Intel SDM Vol. 2A-2B pages of those names; FLAGS
 * write rules from Vol. 1, 3.4.3 and the POPF page; the 286's behaviour from the SingleStepTests
 * 80286 real-mode corpus (forms 50 58 88 8B 8D 8E 9C 9D).
 *
 * Every handler leaves the machine unchanged when it faults (registers are written after the
 * last memory access that can fault), so the run loop can restart the instruction.
 *
 * Known deviations and seams:
 * - Segment loads go through loadSegment (segments.ts): the protected-mode type and privilege
 *   checks of MOV/POP Sreg and the far-pointer loads live there, and are still to come.
 * - MOV SS / POP SS inhibit interrupts for one instruction; xvc has no external interrupts yet,
 *   so the records only end the block (flow 'serialize') for the translator and hypervisor.
 * - POPF with TF set ends the block; the single-step trap after the next instruction is the run loop's (interpreter.ts).
 * - CR4.VME (virtual-8086 mode extensions) is not modelled: PUSHF/POPF in virtual-8086 mode
 *   with IOPL < 3 raise #GP(0), as without VME.
 * - RDTSC reads the retired-instruction count: cpu.icount (advanced by the run loop once per
 *   block) plus the instruction's position in its block.
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { dataForms } from '../../isa/forms/data.ts';
import type { Machine } from '../../machine/machine.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import * as schemaModule from '../../isa/schema.ts';
import * as accessModule from '../access.ts';
import * as faultModule from '../fault.ts';
import * as flagsModule from '../flags.ts';
import * as segmentsModule from '../segments.ts';
import * as interruptModule from '../interrupt.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { CR0_MP, CR0_PE, CR0_TS, REG_EAX, REG_EBX, REG_ECX, REG_EDX, REG_ESP, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } = cpuStateModule;
const { FLAG_IF, FLAG_IOPL, FLAG_RF, FLAG_VIF, FLAG_VIP, FLAG_VM } = schemaModule;
const { effectiveAddress, getSP, pop16, pop32, push16, push32, read16, read32, read8, readRm16, readRm32, readRm8, spPlus, setSP, stackIs32, write16, write32, write8, writeRm16, writeRm32, writeRm8 } = accessModule;
const { CpuFault, VEC_GP, VEC_NM, VEC_UD } = faultModule;
const { getFlags, setFlags } = flagsModule;
const { loadSegment } = segmentsModule;
const { endBlockIfTrapFlag } = interruptModule;

type DataId = (typeof dataForms)[number]['id'];

/** CR4.TSD, "time stamp disable" (SDM Vol. 3A, 2.5): RDTSC is CPL-0-only when set. */
const CR4_TSD = 0x4;
const TWO_POW_32 = 4294967296;

/**
 * Segment-register numbers that are #UD as a MOV destination (bit n for ModRM.reg n): CS (1)
 * and the undefined 6 and 7 (SDM MOV, "If attempt is made to load the CS register"; the SST
 * 80286 corpus, 8E, shows #UD for 1 and 4-7 on the 286).
 */
const SREG_LOAD_UD = (1 << SEG_CS) | 0xc0;
/** As a MOV source only 6 and 7 are undefined. */
const SREG_STORE_UD = 0xc0;

/** The 286 has no FS or GS: ModRM.reg 4 and 5 name nothing there. */
function noFsGs(m: Machine, sreg: number): boolean {
  return sreg >= SEG_FS && m.model.generation === 'i286';
}

function nop(): void {}

// ---- segment-register PUSH/POP, one handler per register built at load time ----

function pushSeg16(seg: number): Handler {
  return (m) => push16(m, m.cpu.segSel[seg]!);
}

/**
 * A 32-bit push of a selector: the P6 and earlier push it zero-extended; recent Core and Atom
 * parts (our `modern`) store only the low word and leave the upper word of the slot as it was
 * (SDM PUSH, Operation note on segment registers).
 */
function pushSeg32(seg: number): Handler {
  return (m) => {
    const cpu = m.cpu;
    if (m.model.generation === 'modern') {
      const sp = spPlus(cpu, -4);
      write16(m, SEG_SS, sp, cpu.segSel[seg]!);
      setSP(cpu, sp);
    } else {
      push32(m, cpu.segSel[seg]!);
    }
  };
}

/**
 * POP Sreg: the selector is loaded before the stack pointer moves, so a failed load leaves SP
 * unchanged; the new SP is computed with the stack width in force before the load, since POP SS
 * may change SS.B.
 */
function popSeg(seg: number, bytes: 2 | 4): Handler {
  return (m) => {
    const cpu = m.cpu;
    const sp = getSP(cpu);
    // A 32-bit pop reads (and limit-checks) four bytes and discards the upper word (SDM POP).
    const selector = bytes === 4 ? read32(m, SEG_SS, sp) & 0xffff : read16(m, SEG_SS, sp);
    const wide = stackIs32(cpu);
    const next = spPlus(cpu, bytes);
    loadSegment(m, seg, selector);
    if (wide) cpu.r32[REG_ESP] = next;
    else cpu.r16[REG_ESP << 1] = next;
  };
}

// ---- far-pointer loads (LDS LES LSS LFS LGS): offset first, selector after it ----

function loadFar16(seg: number): Handler {
  return (m, i) => {
    const cpu = m.cpu;
    const ea = effectiveAddress(cpu, i);
    const offset = read16(m, i.seg, ea);
    // No 16-bit wrap of ea + 2: a pointer at offset 0xFFFE runs past a 64 KiB limit and faults.
    const selector = read16(m, i.seg, ea + 2);
    loadSegment(m, seg, selector);
    cpu.r16[i.reg << 1] = offset;
  };
}

function loadFar32(seg: number): Handler {
  return (m, i) => {
    const cpu = m.cpu;
    const ea = effectiveAddress(cpu, i);
    const offset = read32(m, i.seg, ea);
    const selector = read16(m, i.seg, (ea + 4) | 0);
    loadSegment(m, seg, selector);
    cpu.r32[i.reg] = offset;
  };
}

// ---- FLAGS (SDM PUSHF, POPF; Vol. 1, 3.4.3) ----

/** Virtual-8086 mode without VME: PUSHF/POPF are IOPL-sensitive and fault below IOPL 3. */
function checkV86Iopl(flags: number): void {
  if ((flags & FLAG_VM) !== 0 && (flags & FLAG_IOPL) !== FLAG_IOPL) throw new CpuFault(VEC_GP, 0);
}

/** FLAGS as PUSHF sees them; in real mode the model's fixed-zero bits read as 0 (the 286's 12-15). */
function flagsToPush(m: Machine): number {
  const cpu = m.cpu;
  const flags = getFlags(cpu);
  checkV86Iopl(flags);
  return (cpu.cr0 & CR0_PE) === 0 ? flags & ~m.model.realModeFlagsFixedZero : flags;
}

/**
 * Bits of `popped` that POPF may write, given the mode, CPL and IOPL: only what the model
 * implements; never VM, RF, VIP or VIF; IOPL only at CPL 0 (never in virtual-8086 mode); IF
 * only when CPL <= IOPL; in real mode not the model's fixed-zero bits.
 */
function popfWritable(m: Machine, old: number): number {
  const cpu = m.cpu;
  let mask = m.model.flagsImplemented & ~(FLAG_VM | FLAG_RF | FLAG_VIP | FLAG_VIF);
  if ((old & FLAG_VM) !== 0) {
    mask &= ~FLAG_IOPL;
  } else if ((cpu.cr0 & CR0_PE) !== 0) {
    if (cpu.cpl > 0) {
      mask &= ~FLAG_IOPL;
      if (cpu.cpl > (old & FLAG_IOPL) >> 12) mask &= ~FLAG_IF;
    }
  } else {
    mask &= ~m.model.realModeFlagsFixedZero;
  }
  return mask;
}

// ---- MOV Sreg ----

function checkSregStore(m: Machine, sreg: number): void {
  if ((SREG_STORE_UD >> sreg) & 1 || noFsGs(m, sreg)) throw new CpuFault(VEC_UD);
}

/** MOV Sreg, r/m16 and its 32-bit-operand twin: both read 16 bits. */
function movToSreg(m: Machine, i: Insn): void {
  if ((SREG_LOAD_UD >> i.reg) & 1 || noFsGs(m, i.reg)) throw new CpuFault(VEC_UD);
  loadSegment(m, i.reg, readRm16(m, i));
}

export const dataHandlers = {
  // ---- segment PUSH/POP ----
  Pushw_ES: pushSeg16(SEG_ES),
  Pushd_ES: pushSeg32(SEG_ES),
  Popw_ES: popSeg(SEG_ES, 2),
  Popd_ES: popSeg(SEG_ES, 4),
  Pushw_CS: pushSeg16(SEG_CS),
  Pushd_CS: pushSeg32(SEG_CS),
  Pushw_SS: pushSeg16(SEG_SS),
  Pushd_SS: pushSeg32(SEG_SS),
  Popw_SS: popSeg(SEG_SS, 2),
  Popd_SS: popSeg(SEG_SS, 4),
  Pushw_DS: pushSeg16(SEG_DS),
  Pushd_DS: pushSeg32(SEG_DS),
  Popw_DS: popSeg(SEG_DS, 2),
  Popd_DS: popSeg(SEG_DS, 4),
  Pushw_FS: pushSeg16(SEG_FS),
  Pushd_FS: pushSeg32(SEG_FS),
  Popw_FS: popSeg(SEG_FS, 2),
  Popd_FS: popSeg(SEG_FS, 4),
  Pushw_GS: pushSeg16(SEG_GS),
  Pushd_GS: pushSeg32(SEG_GS),
  Popw_GS: popSeg(SEG_GS, 2),
  Popd_GS: popSeg(SEG_GS, 4),

  // ---- PUSH/POP register; the value is read before SP moves, so PUSH SP pushes the old SP ----
  Push_r16: (m, i) => push16(m, m.cpu.r16[i.reg << 1]!),
  Push_r32: (m, i) => push32(m, m.cpu.r32[i.reg]!),
  // POP SP/ESP: the increment happens first, then the popped value replaces it (SDM POP).
  Pop_r16: (m, i) => {
    const value = pop16(m);
    m.cpu.r16[i.reg << 1] = value;
  },
  Pop_r32: (m, i) => {
    const value = pop32(m);
    m.cpu.r32[i.reg] = value;
  },

  // ---- PUSHA/POPA: AX CX DX BX SP BP SI DI is register-number order, so slot k is register k ----
  Pushaw: (m) => {
    const cpu = m.cpu;
    const r16 = cpu.r16;
    // SP moves only after the last store, so a fault part-way leaves SP (and the pushed SP) intact.
    for (let k = 0; k < 8; k++) write16(m, SEG_SS, spPlus(cpu, -2 - 2 * k), r16[k << 1]!);
    setSP(cpu, spPlus(cpu, -16));
  },
  Pushad: (m) => {
    const cpu = m.cpu;
    const r32 = cpu.r32;
    for (let k = 0; k < 8; k++) write32(m, SEG_SS, spPlus(cpu, -4 - 4 * k), r32[k]!);
    setSP(cpu, spPlus(cpu, -32));
  },
  Popaw: (m) => {
    const cpu = m.cpu;
    // All loads first: a fault leaves every register as it was. The SP slot (offset 6) is skipped.
    const di = read16(m, SEG_SS, spPlus(cpu, 0));
    const si = read16(m, SEG_SS, spPlus(cpu, 2));
    const bp = read16(m, SEG_SS, spPlus(cpu, 4));
    const bx = read16(m, SEG_SS, spPlus(cpu, 8));
    const dx = read16(m, SEG_SS, spPlus(cpu, 10));
    const cx = read16(m, SEG_SS, spPlus(cpu, 12));
    const ax = read16(m, SEG_SS, spPlus(cpu, 14));
    const next = spPlus(cpu, 16);
    const r16 = cpu.r16;
    r16[7 << 1] = di;
    r16[6 << 1] = si;
    r16[5 << 1] = bp;
    r16[3 << 1] = bx;
    r16[2 << 1] = dx;
    r16[1 << 1] = cx;
    r16[0] = ax;
    setSP(cpu, next);
  },
  Popad: (m) => {
    const cpu = m.cpu;
    const edi = read32(m, SEG_SS, spPlus(cpu, 0));
    const esi = read32(m, SEG_SS, spPlus(cpu, 4));
    const ebp = read32(m, SEG_SS, spPlus(cpu, 8));
    const ebx = read32(m, SEG_SS, spPlus(cpu, 16));
    const edx = read32(m, SEG_SS, spPlus(cpu, 20));
    const ecx = read32(m, SEG_SS, spPlus(cpu, 24));
    const eax = read32(m, SEG_SS, spPlus(cpu, 28));
    const next = spPlus(cpu, 32);
    const r32 = cpu.r32;
    r32[7] = edi;
    r32[6] = esi;
    r32[5] = ebp;
    r32[3] = ebx;
    r32[2] = edx;
    r32[1] = ecx;
    r32[0] = eax;
    setSP(cpu, next);
  },

  // ---- PUSH immediate (imm8 is sign-extended by the decoder) ----
  Push_imm16: (m, i) => push16(m, i.imm),
  Pushd_imm32: (m, i) => push32(m, i.imm),
  Pushw_imm8: (m, i) => push16(m, i.imm & 0xffff),
  Pushd_imm8: (m, i) => push32(m, i.imm),

  // ---- XCHG: memory is written before the register, so a faulting store changes nothing ----
  Xchg_rm8_r8: (m, i) => {
    const cpu = m.cpu;
    const r8 = cpu.r8;
    const reg = r8[i.reg8]!;
    if (i.isMem === true) {
      const a = effectiveAddress(cpu, i);
      const old = read8(m, i.seg, a);
      write8(m, i.seg, a, reg);
      r8[i.reg8] = old;
    } else {
      r8[i.reg8] = r8[i.rm8]!;
      r8[i.rm8] = reg;
    }
  },
  Xchg_rm16_r16: (m, i) => {
    const cpu = m.cpu;
    const r16 = cpu.r16;
    const reg = r16[i.reg << 1]!;
    if (i.isMem === true) {
      const a = effectiveAddress(cpu, i);
      const old = read16(m, i.seg, a);
      write16(m, i.seg, a, reg);
      r16[i.reg << 1] = old;
    } else {
      r16[i.reg << 1] = r16[i.rm << 1]!;
      r16[i.rm << 1] = reg;
    }
  },
  Xchg_rm32_r32: (m, i) => {
    const cpu = m.cpu;
    const r32 = cpu.r32;
    const reg = r32[i.reg]!;
    if (i.isMem === true) {
      const a = effectiveAddress(cpu, i);
      const old = read32(m, i.seg, a);
      write32(m, i.seg, a, reg);
      r32[i.reg] = old;
    } else {
      r32[i.reg] = r32[i.rm]!;
      r32[i.rm] = reg;
    }
  },

  // ---- MOV ----
  Mov_rm8_r8: (m, i) => writeRm8(m, i, m.cpu.r8[i.reg8]!),
  Mov_rm16_r16: (m, i) => writeRm16(m, i, m.cpu.r16[i.reg << 1]!),
  Mov_rm32_r32: (m, i) => writeRm32(m, i, m.cpu.r32[i.reg]!),
  Mov_r8_rm8: (m, i) => {
    m.cpu.r8[i.reg8] = readRm8(m, i);
  },
  Mov_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = readRm16(m, i);
  },
  Mov_r32_rm32: (m, i) => {
    m.cpu.r32[i.reg] = readRm32(m, i);
  },
  Mov_rm16_Sreg: (m, i) => {
    checkSregStore(m, i.reg);
    writeRm16(m, i, m.cpu.segSel[i.reg]!);
  },
  // A 32-bit register destination gets the selector zero-extended (P6 and later; chosen for all models).
  Mov_r32m16_Sreg: (m, i) => {
    checkSregStore(m, i.reg);
    const selector = m.cpu.segSel[i.reg]!;
    if (i.isMem === true) write16(m, i.seg, effectiveAddress(m.cpu, i), selector);
    else m.cpu.r32[i.rm] = selector;
  },
  Mov_Sreg_rm16: movToSreg,
  Mov_Sreg_r32m16: movToSreg,

  // ---- LEA: the address-size result, truncated or zero-extended to the operand size ----
  Lea_r16_m: (m, i) => {
    m.cpu.r16[i.reg << 1] = effectiveAddress(m.cpu, i);
  },
  Lea_r32_m: (m, i) => {
    m.cpu.r32[i.reg] = effectiveAddress(m.cpu, i);
  },

  // ---- POP r/m: the destination's address is computed with SP already incremented (SDM POP) ----
  Pop_rm16: (m, i) => {
    const cpu = m.cpu;
    const value = read16(m, SEG_SS, getSP(cpu));
    const next = spPlus(cpu, 2);
    if (i.isMem !== true) {
      setSP(cpu, next);
      cpu.r16[i.rm << 1] = value;
      return;
    }
    const esp = cpu.r32[REG_ESP]!;
    setSP(cpu, next);
    const a = effectiveAddress(cpu, i);
    // Put ESP back until the store has succeeded, so a faulting store leaves it unchanged.
    cpu.r32[REG_ESP] = esp;
    write16(m, i.seg, a, value);
    setSP(cpu, next);
  },
  Pop_rm32: (m, i) => {
    const cpu = m.cpu;
    const value = read32(m, SEG_SS, getSP(cpu));
    const next = spPlus(cpu, 4);
    if (i.isMem !== true) {
      setSP(cpu, next);
      cpu.r32[i.rm] = value;
      return;
    }
    const esp = cpu.r32[REG_ESP]!;
    setSP(cpu, next);
    const a = effectiveAddress(cpu, i);
    cpu.r32[REG_ESP] = esp;
    write32(m, i.seg, a, value);
    setSP(cpu, next);
  },

  // ---- NOP, PAUSE, XCHG eAX ----
  Nopw: nop,
  Nopd: nop,
  Pause: nop,
  Xchg_r16_AX: (m, i) => {
    const r16 = m.cpu.r16;
    const ax = r16[0]!;
    r16[0] = r16[i.reg << 1]!;
    r16[i.reg << 1] = ax;
  },
  Xchg_r32_EAX: (m, i) => {
    const r32 = m.cpu.r32;
    const eax = r32[0]!;
    r32[0] = r32[i.reg]!;
    r32[i.reg] = eax;
  },

  // ---- WAIT, PUSHF, POPF ----
  Wait: (m) => {
    if ((m.cpu.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) throw new CpuFault(VEC_NM);
  },
  Pushfw: (m) => push16(m, flagsToPush(m) & 0xffff),
  Pushfd: (m) => push32(m, flagsToPush(m) & ~(FLAG_RF | FLAG_VM)),
  Popfw: (m) => {
    const cpu = m.cpu;
    const old = getFlags(cpu);
    checkV86Iopl(old);
    const mask = popfWritable(m, old) & 0xffff;
    const popped = pop16(m);
    setFlags(cpu, (old & ~mask) | (popped & mask));
    endBlockIfTrapFlag(m);
  },
  Popfd: (m) => {
    const cpu = m.cpu;
    const old = getFlags(cpu);
    checkV86Iopl(old);
    const mask = popfWritable(m, old);
    const popped = pop32(m);
    setFlags(cpu, ((old & ~mask) | (popped & mask)) & ~FLAG_RF);
    endBlockIfTrapFlag(m);
  },

  // ---- MOV moffs: the decoder puts the offset, already address-size wide, in disp ----
  Mov_AL_moffs8: (m, i) => {
    m.cpu.r8[0] = read8(m, i.seg, i.disp);
  },
  Mov_AX_moffs16: (m, i) => {
    m.cpu.r16[0] = read16(m, i.seg, i.disp);
  },
  Mov_EAX_moffs32: (m, i) => {
    m.cpu.r32[REG_EAX] = read32(m, i.seg, i.disp);
  },
  Mov_moffs8_AL: (m, i) => write8(m, i.seg, i.disp, m.cpu.r8[0]!),
  Mov_moffs16_AX: (m, i) => write16(m, i.seg, i.disp, m.cpu.r16[0]!),
  Mov_moffs32_EAX: (m, i) => write32(m, i.seg, i.disp, m.cpu.r32[REG_EAX]!),

  // ---- MOV immediate ----
  Mov_r8_imm8: (m, i) => {
    m.cpu.r8[i.reg8] = i.imm;
  },
  Mov_r16_imm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = i.imm;
  },
  Mov_r32_imm32: (m, i) => {
    m.cpu.r32[i.reg] = i.imm;
  },
  Mov_rm8_imm8: (m, i) => writeRm8(m, i, i.imm),
  Mov_rm16_imm16: (m, i) => writeRm16(m, i, i.imm),
  Mov_rm32_imm32: (m, i) => writeRm32(m, i, i.imm),

  // ---- far-pointer loads ----
  Les_r16_m1616: loadFar16(SEG_ES),
  Les_r32_m1632: loadFar32(SEG_ES),
  Lds_r16_m1616: loadFar16(SEG_DS),
  Lds_r32_m1632: loadFar32(SEG_DS),
  Lss_r16_m1616: loadFar16(SEG_SS),
  Lss_r32_m1632: loadFar32(SEG_SS),
  Lfs_r16_m1616: loadFar16(SEG_FS),
  Lfs_r32_m1632: loadFar32(SEG_FS),
  Lgs_r16_m1616: loadFar16(SEG_GS),
  Lgs_r32_m1632: loadFar32(SEG_GS),

  // ---- XLAT: AL = [seg:(E)BX + unsigned AL], the base register chosen by address size ----
  Xlat_m8: (m, i) => {
    const cpu = m.cpu;
    const al = cpu.r8[0]!;
    const offset = i.asz32 === true ? (cpu.r32[REG_EBX]! + al) | 0 : (cpu.r16[REG_EBX << 1]! + al) & 0xffff;
    cpu.r8[0] = read8(m, i.seg, offset);
  },

  // ---- PUSH r/m: the source is read (its address computed) before SP moves ----
  Push_rm16: (m, i) => push16(m, readRm16(m, i)),
  Push_rm32: (m, i) => push32(m, readRm32(m, i)),

  // ---- hint NOPs: no memory access, so no fault, whatever the address (SDM NOP) ----
  Prefetchnta_m8: nop,
  Prefetcht0_m8: nop,
  Prefetcht1_m8: nop,
  Prefetcht2_m8: nop,
  Reservednop_rm16_r16_0F18: nop,
  Reservednop_rm32_r32_0F18: nop,
  Reservednop_rm16_r16_0F19: nop,
  Reservednop_rm32_r32_0F19: nop,
  Reservednop_rm16_r16_0F1A: nop,
  Reservednop_rm32_r32_0F1A: nop,
  Reservednop_rm16_r16_0F1B: nop,
  Reservednop_rm32_r32_0F1B: nop,
  Reservednop_rm16_r16_0F1C: nop,
  Reservednop_rm32_r32_0F1C: nop,
  Reservednop_rm16_r16_0F1D: nop,
  Reservednop_rm32_r32_0F1D: nop,
  Reservednop_rm16_r16_0F1E: nop,
  Reservednop_rm32_r32_0F1E: nop,
  Reservednop_rm16_r16_0F1F: nop,
  Reservednop_rm32_r32_0F1F: nop,
  Nop_rm16: nop,
  Nop_rm32: nop,

  // ---- RDTSC, CPUID ----
  Rdtsc: (m, i) => {
    const cpu = m.cpu;
    // CR4.TSD restricts RDTSC to CPL 0; virtual-8086 mode runs at CPL 3 (SDM RDTSC).
    if ((cpu.cr4 & CR4_TSD) !== 0 && (cpu.cr0 & CR0_PE) !== 0 && (cpu.cpl !== 0 || (cpu.flags & FLAG_VM) !== 0)) {
      throw new CpuFault(VEC_GP, 0);
    }
    const tsc = cpu.icount + i.blockIndex + cpu.tscOffset;
    cpu.r32[REG_EAX] = tsc; // Int32Array stores take the value modulo 2^32
    cpu.r32[REG_EDX] = Math.floor(tsc / TWO_POW_32);
  },
  Cpuid: (m) => {
    const cpu = m.cpu;
    const leaves = m.model.cpuid;
    if (leaves === undefined) throw new CpuFault(VEC_UD);
    const input = cpu.r32[REG_EAX]! >>> 0;
    let leaf = leaves.get(input);
    if (leaf === undefined) {
      // Beyond the highest basic (or extended) leaf, Intel parts answer with the highest basic leaf.
      const max = (leaves.get(0)?.eax ?? 0) >>> 0;
      if (input > max) leaf = leaves.get(max);
    }
    cpu.r32[REG_EAX] = leaf?.eax ?? 0;
    cpu.r32[REG_EBX] = leaf?.ebx ?? 0;
    cpu.r32[REG_ECX] = leaf?.ecx ?? 0;
    cpu.r32[REG_EDX] = leaf?.edx ?? 0;
  },

  // ---- MOVZX, MOVSX ----
  Movzx_r16_rm8: (m, i) => {
    m.cpu.r16[i.reg << 1] = readRm8(m, i);
  },
  Movzx_r32_rm8: (m, i) => {
    m.cpu.r32[i.reg] = readRm8(m, i);
  },
  Movzx_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = readRm16(m, i);
  },
  Movzx_r32_rm16: (m, i) => {
    m.cpu.r32[i.reg] = readRm16(m, i);
  },
  Movsx_r16_rm8: (m, i) => {
    m.cpu.r16[i.reg << 1] = (readRm8(m, i) << 24) >> 24;
  },
  Movsx_r32_rm8: (m, i) => {
    m.cpu.r32[i.reg] = (readRm8(m, i) << 24) >> 24;
  },
  Movsx_r16_rm16: (m, i) => {
    m.cpu.r16[i.reg << 1] = readRm16(m, i);
  },
  Movsx_r32_rm16: (m, i) => {
    m.cpu.r32[i.reg] = (readRm16(m, i) << 16) >> 16;
  },
} satisfies Record<DataId, Handler>;
