/**
 * Semantics of the control-transfer group (SDM Vol. 2A/2B: Jcc, JMP, CALL, RET, LOOP/LOOPcc,
 * JCXZ/JECXZ, ENTER, LEAVE, INT n/INTO/INT3/INT1, IRET/IRETD, BOUND, HLT, UD; Vol. 3A, 6.4.2 on
 * INTO/INT3/BOUND, 20.1 on real mode and 20.2 on virtual-8086 mode).
 *
 * When a handler runs, EIP already holds the next instruction's offset, so that is the return
 * address a CALL pushes and the IP a trap (INT n, INT3, INTO, INT1) pushes. A thrown CpuFault
 * rolls EIP back to the instruction; every handler therefore reads and checks everything
 * (target against the CS limit, stack reads) before it writes a register, so a fault leaves the
 * registers as they were (a multi-push instruction may have written stack memory by then).
 *
 * Near targets are checked against the CS limit (#GP(0)), as the SDM pseudo-code does for every
 * near JMP/CALL/RET/Jcc/LOOP; relative targets come from the decoder already truncated to the
 * operand size.
 *
 * Protected mode, the seam: far JMP/CALL to a code segment and far RET/IRET to the same
 * privilege level are checked (null selector, table limit, type, DPL/RPL/CPL, presence, offset
 * against the new limit) and done; call gates, task gates, TSS targets, returns to an outer
 * level, IRET with NT=1 and IRET to virtual-8086 mode throw `UnmodelledTransfer`, which is not a
 * CpuFault: the run ends loudly instead of faking an exception. Descriptor accessed bits are not
 * set yet. Interrupt delivery itself (IVT, IDT) is interrupt.ts's.
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { controlForms } from '../../isa/forms/control.ts';
import type { Machine } from '../../machine/machine.ts';
import type { CpuState } from '../../machine/cpu-state.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import * as machineModule from '../../machine/machine.ts';
import * as physicalMemoryModule from '../../machine/physical-memory.ts';
import * as schemaModule from '../../isa/schema.ts';
import * as accessModule from '../access.ts';
import * as faultModule from '../fault.ts';
import * as flagsModule from '../flags.ts';
import * as interruptModule from '../interrupt.ts';
import * as segmentsModule from '../segments.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { CR0_PE, REG_EBP, REG_ECX, REG_ESP, SEG_CS, SEG_SS, SEGATTR_CODE, SEGATTR_DPL_SHIFT, SEGATTR_EXPAND_DOWN, SEGATTR_G, SEGATTR_PRESENT, SEGATTR_S } = cpuStateModule;
const { STOP_HALT } = machineModule;
const { readPhys32 } = physicalMemoryModule;
const { FLAG_AC, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_ID, FLAG_IF, FLAG_IOPL, FLAG_NT, FLAG_OF, FLAG_PF, FLAG_RF, FLAG_SF, FLAG_TF, FLAG_VIF, FLAG_VIP, FLAG_VM, FLAG_ZF } = schemaModule;
const { effectiveAddress, getSP, linearAddressForWrite, push16, push32, read16, read32, readRm16, readRm32, setSP, spPlus, stackIs32, write16, write32 } = accessModule;
const { CpuFault, VEC_BP, VEC_BR, VEC_DB, VEC_GP, VEC_NP, VEC_OF, VEC_UD } = faultModule;
const { condA, condAE, condB, condBE, condE, condG, condGE, condL, condLE, condNE, condNO, condNP, condNS, condO, condP, condS, getFlags, getOF, getZF, setFlags } = flagsModule;
const { endBlockIfTrapFlag, softwareInterrupt } = interruptModule;
const { isProtected, loadSegment } = segmentsModule;

type ControlId = (typeof controlForms)[number]['id'];

/**
 * A protected-mode transfer that needs what the protected-mode issue adds (gates, task switches,
 * privilege changes). Deliberately not a CpuFault: raising a made-up exception would look like
 * an answer.
 */
export class UnmodelledTransfer extends Error {
  override name = 'UnmodelledTransfer';
}

/** Real-mode IRETD: EFLAGS <- (tempEFLAGS AND 257FD5H) OR (EFLAGS AND 1A0000H) (SDM Vol. 2A, IRET). */
const IRETD_REAL_WRITABLE = 0x257fd5;
/** Virtual-8086 IRET at IOPL 3: everything but VM, IOPL, VIP, VIF (SDM Vol. 2A, IRET, RETURN-FROM-VIRTUAL-8086-MODE). */
const IRETD_V86_WRITABLE = IRETD_REAL_WRITABLE & ~FLAG_IOPL;
const IRETW_V86_WRITABLE = 0xffff & ~FLAG_IOPL;
/** Same-privilege protected-mode IRET always loads these (SDM Vol. 2A, IRET, RETURN-TO-SAME-PRIVILEGE-LEVEL). */
const IRET_PROT_ALWAYS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_TF | FLAG_DF | FLAG_OF | FLAG_NT;

// ---- near transfers ----

/** EIP <- target, #GP(0) beyond the CS limit (code segments are never expand-down, so only the top is checked). */
function branch(cpu: CpuState, target: number): void {
  if (target >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  cpu.eip = target;
}

function call16(m: Machine, target: number): void {
  const cpu = m.cpu;
  if (target >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  push16(m, cpu.eip);
  cpu.eip = target;
}

function call32(m: Machine, target: number): void {
  const cpu = m.cpu;
  if (target >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  push32(m, cpu.eip);
  cpu.eip = target;
}

/** RET near: the return address is checked before SP moves, so a #GP leaves SP as it was. */
function ret16(m: Machine, release: number): void {
  const cpu = m.cpu;
  const target = read16(m, SEG_SS, getSP(cpu));
  if (target > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  setSP(cpu, spPlus(cpu, 2 + release));
  cpu.eip = target;
}

function ret32(m: Machine, release: number): void {
  const cpu = m.cpu;
  const target = read32(m, SEG_SS, getSP(cpu));
  if (target >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  setSP(cpu, spPlus(cpu, 4 + release));
  cpu.eip = target;
}

// One handler per condition, each calling its own predicate: a single shared Jcc handler would
// pass the condition as data into one large function that V8 does not inline.
const jo: Handler = (m, i) => { if (condO(m.cpu)) branch(m.cpu, i.target); };
const jno: Handler = (m, i) => { if (condNO(m.cpu)) branch(m.cpu, i.target); };
const jb: Handler = (m, i) => { if (condB(m.cpu)) branch(m.cpu, i.target); };
const jae: Handler = (m, i) => { if (condAE(m.cpu)) branch(m.cpu, i.target); };
const je: Handler = (m, i) => { if (condE(m.cpu)) branch(m.cpu, i.target); };
const jne: Handler = (m, i) => { if (condNE(m.cpu)) branch(m.cpu, i.target); };
const jbe: Handler = (m, i) => { if (condBE(m.cpu)) branch(m.cpu, i.target); };
const ja: Handler = (m, i) => { if (condA(m.cpu)) branch(m.cpu, i.target); };
const js: Handler = (m, i) => { if (condS(m.cpu)) branch(m.cpu, i.target); };
const jns: Handler = (m, i) => { if (condNS(m.cpu)) branch(m.cpu, i.target); };
const jp: Handler = (m, i) => { if (condP(m.cpu)) branch(m.cpu, i.target); };
const jnp: Handler = (m, i) => { if (condNP(m.cpu)) branch(m.cpu, i.target); };
const jl: Handler = (m, i) => { if (condL(m.cpu)) branch(m.cpu, i.target); };
const jge: Handler = (m, i) => { if (condGE(m.cpu)) branch(m.cpu, i.target); };
const jle: Handler = (m, i) => { if (condLE(m.cpu)) branch(m.cpu, i.target); };
const jg: Handler = (m, i) => { if (condG(m.cpu)) branch(m.cpu, i.target); };

const jmpRel: Handler = (m, i) => branch(m.cpu, i.target);

// LOOP/LOOPcc: the counter is written only once the branch is known not to fault.
const loopCx: Handler = (m, i) => {
  const cpu = m.cpu;
  const count = (cpu.r16[REG_ECX << 1]! - 1) & 0xffff;
  if (count !== 0) branch(cpu, i.target);
  cpu.r16[REG_ECX << 1] = count;
};
const loopEcx: Handler = (m, i) => {
  const cpu = m.cpu;
  const count = (cpu.r32[REG_ECX]! - 1) | 0;
  if (count !== 0) branch(cpu, i.target);
  cpu.r32[REG_ECX] = count;
};
const loopeCx: Handler = (m, i) => {
  const cpu = m.cpu;
  const count = (cpu.r16[REG_ECX << 1]! - 1) & 0xffff;
  if (count !== 0 && getZF(cpu) === 1) branch(cpu, i.target);
  cpu.r16[REG_ECX << 1] = count;
};
const loopeEcx: Handler = (m, i) => {
  const cpu = m.cpu;
  const count = (cpu.r32[REG_ECX]! - 1) | 0;
  if (count !== 0 && getZF(cpu) === 1) branch(cpu, i.target);
  cpu.r32[REG_ECX] = count;
};
const loopneCx: Handler = (m, i) => {
  const cpu = m.cpu;
  const count = (cpu.r16[REG_ECX << 1]! - 1) & 0xffff;
  if (count !== 0 && getZF(cpu) === 0) branch(cpu, i.target);
  cpu.r16[REG_ECX << 1] = count;
};
const loopneEcx: Handler = (m, i) => {
  const cpu = m.cpu;
  const count = (cpu.r32[REG_ECX]! - 1) | 0;
  if (count !== 0 && getZF(cpu) === 0) branch(cpu, i.target);
  cpu.r32[REG_ECX] = count;
};
const jcxz: Handler = (m, i) => {
  if (m.cpu.r16[REG_ECX << 1] === 0) branch(m.cpu, i.target);
};
const jecxz: Handler = (m, i) => {
  if (m.cpu.r32[REG_ECX] === 0) branch(m.cpu, i.target);
};

// ---- stack helpers for the multi-slot instructions (far transfers, IRET, ENTER) ----

function stackRead(m: Machine, offset: number, size: number): number {
  return size === 4 ? read32(m, SEG_SS, offset) : read16(m, SEG_SS, offset);
}

function stackWrite(m: Machine, offset: number, value: number, size: number): void {
  if (size === 4) write32(m, SEG_SS, offset, value);
  else write16(m, SEG_SS, offset, value);
}

/** Offsets in SS wrap at the stack width: 64 KiB for a 16-bit stack (SS.B = 0). */
function stackWrap(cpu: CpuState): number {
  return stackIs32(cpu) ? -1 : 0xffff;
}

// ---- protected-mode descriptor checks (SDM Vol. 2A, JMP/CALL/RET/IRET "PROTECTED-MODE" sections) ----

// The descriptor last read by readDescriptor: module scratch rather than a returned object, so
// far transfers allocate nothing.
let descAttr = 0;
let descLimit = 0;

/**
 * Reads the descriptor `sel` names without loading it, so every check can run before anything
 * is committed. Mirrors loadSegment's parsing (segments.ts), which commits as it reads.
 */
function readDescriptor(m: Machine, sel: number): void {
  const cpu = m.cpu;
  const table = sel & 4 ? cpu.ldtr : cpu.gdtr;
  const offset = sel & 0xfff8;
  if (offset + 7 > table.limit) throw new CpuFault(VEC_GP, sel & 0xfffc);
  const low = readPhys32(m.mem, table.base + offset);
  const high = readPhys32(m.mem, table.base + offset + 4);
  descAttr = (high >>> 8) & 0xf0ff;
  const raw = (low & 0xffff) | (high & 0xf0000);
  descLimit = descAttr & SEGATTR_G ? ((raw << 12) | 0xfff) >>> 0 : raw;
}

/** System descriptor types a far JMP/CALL may name: available TSS (1, 9), call gate (4, 12), task gate (5). */
function isGateOrTss(type: number): boolean {
  return type === 1 || type === 4 || type === 5 || type === 9 || type === 12;
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

/** Far JMP/CALL to `sel:offset`: a code segment reachable at the current CPL, else the fault. */
function checkFarTarget(m: Machine, sel: number, offset: number, what: string): void {
  const cpu = m.cpu;
  if ((sel & 0xfffc) === 0) throw new CpuFault(VEC_GP, 0);
  readDescriptor(m, sel);
  const errorCode = sel & 0xfffc;
  if ((descAttr & SEGATTR_S) === 0) {
    if (isGateOrTss(descAttr & 0xf)) throw new UnmodelledTransfer(`${what} through a gate or TSS (selector ${hex(sel)}) is not modelled yet`);
    throw new CpuFault(VEC_GP, errorCode);
  }
  if ((descAttr & SEGATTR_CODE) === 0) throw new CpuFault(VEC_GP, errorCode);
  const dpl = (descAttr >> SEGATTR_DPL_SHIFT) & 3;
  if (descAttr & SEGATTR_EXPAND_DOWN) {
    // Conforming: reachable from CPL >= DPL, and CPL does not change.
    if (dpl > cpu.cpl) throw new CpuFault(VEC_GP, errorCode);
  } else if ((sel & 3) > cpu.cpl || dpl !== cpu.cpl) {
    throw new CpuFault(VEC_GP, errorCode);
  }
  if ((descAttr & SEGATTR_PRESENT) === 0) throw new CpuFault(VEC_NP, errorCode);
  if (offset >>> 0 > descLimit) throw new CpuFault(VEC_GP, 0);
}

/** Far RET/IRET to `sel:offset`: a code segment at the current privilege level, else the fault or the seam. */
function checkReturnTarget(m: Machine, sel: number, offset: number, what: string): void {
  const cpu = m.cpu;
  if ((sel & 0xfffc) === 0) throw new CpuFault(VEC_GP, 0);
  readDescriptor(m, sel);
  const errorCode = sel & 0xfffc;
  if ((descAttr & (SEGATTR_S | SEGATTR_CODE)) !== (SEGATTR_S | SEGATTR_CODE)) throw new CpuFault(VEC_GP, errorCode);
  const rpl = sel & 3;
  if (rpl < cpu.cpl) throw new CpuFault(VEC_GP, errorCode);
  const dpl = (descAttr >> SEGATTR_DPL_SHIFT) & 3;
  if (descAttr & SEGATTR_EXPAND_DOWN ? dpl > rpl : dpl !== rpl) throw new CpuFault(VEC_GP, errorCode);
  if ((descAttr & SEGATTR_PRESENT) === 0) throw new CpuFault(VEC_NP, errorCode);
  if (rpl > cpu.cpl) throw new UnmodelledTransfer(`${what} to an outer privilege level (CPL ${cpu.cpl} -> ${rpl}) is not modelled yet`);
  if (offset >>> 0 > descLimit) throw new CpuFault(VEC_GP, 0);
}

// ---- far transfers ----

/** Loads CS for a checked far JMP/CALL; in protected mode CS.RPL becomes the CPL (SDM: CS(RPL) <- CPL). */
function loadTargetCs(m: Machine, sel: number, protectedMode: boolean): void {
  loadSegment(m, SEG_CS, sel);
  if (protectedMode) m.cpu.segSel[SEG_CS] = (sel & 0xfffc) | m.cpu.cpl;
}

function farJump(m: Machine, sel: number, offset: number): void {
  const cpu = m.cpu;
  const protectedMode = isProtected(m);
  if (protectedMode) checkFarTarget(m, sel, offset, 'far JMP');
  else if (offset >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  loadTargetCs(m, sel, protectedMode);
  cpu.eip = offset;
}

/** Far CALL: CS then EIP pushed at the operand size (CS zero-extended for 32 bits). */
function farCall(m: Machine, sel: number, offset: number, size: number): void {
  const cpu = m.cpu;
  const protectedMode = isProtected(m);
  if (protectedMode) checkFarTarget(m, sel, offset, 'far CALL');
  else if (offset >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  const wrap = stackWrap(cpu);
  const csSlot = (getSP(cpu) - size) & wrap;
  const ipSlot = (csSlot - size) & wrap;
  stackWrite(m, csSlot, cpu.segSel[SEG_CS]!, size);
  stackWrite(m, ipSlot, cpu.eip, size);
  setSP(cpu, ipSlot);
  loadTargetCs(m, sel, protectedMode);
  cpu.eip = offset;
}

/** Far RET: EIP then CS popped at the operand size (the upper half of a 32-bit CS slot is ignored), then `release` bytes. */
function farReturn(m: Machine, size: number, release: number): void {
  const cpu = m.cpu;
  const wrap = stackWrap(cpu);
  const sp = getSP(cpu);
  const offset = stackRead(m, sp, size);
  const sel = stackRead(m, (sp + size) & wrap, size) & 0xffff;
  if (isProtected(m)) checkReturnTarget(m, sel, offset, 'far RET');
  else if (offset >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
  setSP(cpu, (sp + 2 * size + release) & wrap);
  loadSegment(m, SEG_CS, sel);
  cpu.eip = offset;
}

// ---- IRET ----

/** EFLAGS bits in `writable` come from `value`, the rest stay (setFlags keeps the reserved bits right). */
function writeFlags(cpu: CpuState, value: number, writable: number): void {
  setFlags(cpu, (getFlags(cpu) & ~writable) | (value & writable));
}

function iret(m: Machine, size: number): void {
  const cpu = m.cpu;
  const model = m.model;
  const wrap = stackWrap(cpu);
  const sp = getSP(cpu);
  const offset = stackRead(m, sp, size);
  const sel = stackRead(m, (sp + size) & wrap, size) & 0xffff;
  const image = stackRead(m, (sp + 2 * size) & wrap, size);
  let writable: number;
  if ((cpu.cr0 & CR0_PE) === 0) {
    // Real mode: the model's rules, e.g. the 286 holds FLAGS bits 12-15 at 0.
    if (offset >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
    writable = (size === 4 ? IRETD_REAL_WRITABLE : 0xffff) & model.flagsImplemented & ~model.realModeFlagsFixedZero;
  } else if (cpu.flags & FLAG_VM) {
    // Virtual-8086 mode without VME: IRET is IOPL-sensitive and cannot change IOPL.
    if ((cpu.flags & FLAG_IOPL) !== FLAG_IOPL) throw new CpuFault(VEC_GP, 0);
    if (offset >>> 0 > cpu.segHigh[SEG_CS]!) throw new CpuFault(VEC_GP, 0);
    writable = (size === 4 ? IRETD_V86_WRITABLE : IRETW_V86_WRITABLE) & model.flagsImplemented;
  } else {
    if (cpu.flags & FLAG_NT) throw new UnmodelledTransfer('IRET with EFLAGS.NT=1 (return from a nested task) is not modelled yet');
    if (size === 4 && (image & FLAG_VM) !== 0 && cpu.cpl === 0) throw new UnmodelledTransfer('IRETD to virtual-8086 mode is not modelled yet');
    checkReturnTarget(m, sel, offset, 'IRET');
    const cpl = cpu.cpl;
    writable = IRET_PROT_ALWAYS;
    if (size === 4) writable |= FLAG_RF | FLAG_AC | FLAG_ID;
    if (cpl <= (cpu.flags & FLAG_IOPL) >> 12) writable |= FLAG_IF;
    if (cpl === 0) writable |= FLAG_IOPL | (size === 4 ? FLAG_VIF | FLAG_VIP : 0);
    writable &= model.flagsImplemented;
  }
  setSP(cpu, (sp + 3 * size) & wrap);
  loadSegment(m, SEG_CS, sel);
  cpu.eip = offset;
  writeFlags(cpu, image, writable);
  endBlockIfTrapFlag(m);
}

// ---- ENTER / LEAVE ----

/**
 * ENTER (SDM Vol. 2A, ENTER pseudo-code; Bochs ENTER16/ENTER32 for the parts the pseudo-code
 * leaves loose): push BP/EBP, copy level-1 frame pointers from the old frame, push FrameTemp,
 * then BP/EBP <- FrameTemp and SP/ESP (by stack size) -= size. Registers are committed last.
 */
function enter(m: Machine, i: Insn, size: number): void {
  const cpu = m.cpu;
  const alloc = i.imm & 0xffff;
  const level = i.imm2 & 31; // NestingLevel <- imm8 MOD 32
  const wrap = stackWrap(cpu);
  const ebp = cpu.r32[REG_EBP]!;
  let sp = (getSP(cpu) - size) & wrap;
  stackWrite(m, sp, ebp, size);
  // FrameTemp: SP for a 16-bit operand size; ESP as the register then reads for a 32-bit one.
  const frame = size === 2 ? sp & 0xffff : wrap === -1 ? sp : (cpu.r32[REG_ESP]! & ~0xffff) | sp;
  if (level > 0) {
    let bp = ebp & wrap;
    for (let k = 1; k < level; k++) {
      bp = (bp - size) & wrap;
      const pointer = stackRead(m, bp, size);
      sp = (sp - size) & wrap;
      stackWrite(m, sp, pointer, size);
    }
    sp = (sp - size) & wrap;
    stackWrite(m, sp, frame, size);
  }
  sp = (sp - alloc) & wrap;
  // The final stack pointer is touched (Bochs: "ENTER finishes with memory write check on the final stack pointer").
  linearAddressForWrite(cpu, SEG_SS, sp, size);
  setSP(cpu, sp);
  if (size === 4) cpu.r32[REG_EBP] = frame;
  else cpu.r16[REG_EBP << 1] = frame;
}

/** LEAVE: SP/ESP (by stack size) <- BP/EBP, then pop BP/EBP; the read comes first so a #SS changes nothing. */
function leave(m: Machine, size: number): void {
  const cpu = m.cpu;
  const wrap = stackWrap(cpu);
  const frame = cpu.r32[REG_EBP]! & wrap;
  const saved = stackRead(m, frame, size);
  setSP(cpu, (frame + size) & wrap);
  if (size === 4) cpu.r32[REG_EBP] = saved;
  else cpu.r16[REG_EBP << 1] = saved;
}

// ---- the rest ----

const undefinedOpcode: Handler = () => {
  throw new CpuFault(VEC_UD);
};

export const controlHandlers = {
  Jo_rel8_16: jo, Jo_rel8_32: jo, Jo_rel16: jo, Jo_rel32_32: jo,
  Jno_rel8_16: jno, Jno_rel8_32: jno, Jno_rel16: jno, Jno_rel32_32: jno,
  Jb_rel8_16: jb, Jb_rel8_32: jb, Jb_rel16: jb, Jb_rel32_32: jb,
  Jae_rel8_16: jae, Jae_rel8_32: jae, Jae_rel16: jae, Jae_rel32_32: jae,
  Je_rel8_16: je, Je_rel8_32: je, Je_rel16: je, Je_rel32_32: je,
  Jne_rel8_16: jne, Jne_rel8_32: jne, Jne_rel16: jne, Jne_rel32_32: jne,
  Jbe_rel8_16: jbe, Jbe_rel8_32: jbe, Jbe_rel16: jbe, Jbe_rel32_32: jbe,
  Ja_rel8_16: ja, Ja_rel8_32: ja, Ja_rel16: ja, Ja_rel32_32: ja,
  Js_rel8_16: js, Js_rel8_32: js, Js_rel16: js, Js_rel32_32: js,
  Jns_rel8_16: jns, Jns_rel8_32: jns, Jns_rel16: jns, Jns_rel32_32: jns,
  Jp_rel8_16: jp, Jp_rel8_32: jp, Jp_rel16: jp, Jp_rel32_32: jp,
  Jnp_rel8_16: jnp, Jnp_rel8_32: jnp, Jnp_rel16: jnp, Jnp_rel32_32: jnp,
  Jl_rel8_16: jl, Jl_rel8_32: jl, Jl_rel16: jl, Jl_rel32_32: jl,
  Jge_rel8_16: jge, Jge_rel8_32: jge, Jge_rel16: jge, Jge_rel32_32: jge,
  Jle_rel8_16: jle, Jle_rel8_32: jle, Jle_rel16: jle, Jle_rel32_32: jle,
  Jg_rel8_16: jg, Jg_rel8_32: jg, Jg_rel16: jg, Jg_rel32_32: jg,

  Loopne_rel8_16_CX: loopneCx, Loopne_rel8_32_CX: loopneCx, Loopne_rel8_16_ECX: loopneEcx, Loopne_rel8_32_ECX: loopneEcx,
  Loope_rel8_16_CX: loopeCx, Loope_rel8_32_CX: loopeCx, Loope_rel8_16_ECX: loopeEcx, Loope_rel8_32_ECX: loopeEcx,
  Loop_rel8_16_CX: loopCx, Loop_rel8_32_CX: loopCx, Loop_rel8_16_ECX: loopEcx, Loop_rel8_32_ECX: loopEcx,
  Jcxz_rel8_16: jcxz, Jcxz_rel8_32: jcxz, Jecxz_rel8_16: jecxz, Jecxz_rel8_32: jecxz,

  Jmp_rel8_16: jmpRel,
  Jmp_rel8_32: jmpRel,
  Jmp_rel16: jmpRel,
  Jmp_rel32_32: jmpRel,
  Jmp_ptr1616: (m, i) => farJump(m, i.imm2, i.imm),
  Jmp_ptr1632: (m, i) => farJump(m, i.imm2, i.imm),
  Jmp_rm16: (m, i) => branch(m.cpu, readRm16(m, i)),
  Jmp_rm32: (m, i) => branch(m.cpu, readRm32(m, i)),
  // m16:16 / m16:32: the whole pointer must lie inside the segment, so the selector's offset is not wrapped.
  Jmp_m1616: (m, i) => {
    const a = effectiveAddress(m.cpu, i);
    const offset = read16(m, i.seg, a);
    farJump(m, read16(m, i.seg, a + 2), offset);
  },
  Jmp_m1632: (m, i) => {
    const a = effectiveAddress(m.cpu, i);
    const offset = read32(m, i.seg, a);
    farJump(m, read16(m, i.seg, a + 4), offset);
  },

  Call_rel16: (m, i) => call16(m, i.target),
  Call_rel32_32: (m, i) => call32(m, i.target),
  Call_ptr1616: (m, i) => farCall(m, i.imm2, i.imm, 2),
  Call_ptr1632: (m, i) => farCall(m, i.imm2, i.imm, 4),
  // The operand is read before the push, so `call sp` and `call [esp]` see the old stack.
  Call_rm16: (m, i) => call16(m, readRm16(m, i)),
  Call_rm32: (m, i) => call32(m, readRm32(m, i)),
  Call_m1616: (m, i) => {
    const a = effectiveAddress(m.cpu, i);
    const offset = read16(m, i.seg, a);
    farCall(m, read16(m, i.seg, a + 2), offset, 2);
  },
  Call_m1632: (m, i) => {
    const a = effectiveAddress(m.cpu, i);
    const offset = read32(m, i.seg, a);
    farCall(m, read16(m, i.seg, a + 4), offset, 4);
  },

  Retnw: (m) => ret16(m, 0),
  Retnd: (m) => ret32(m, 0),
  Retnw_imm16: (m, i) => ret16(m, i.imm),
  Retnd_imm16: (m, i) => ret32(m, i.imm),
  Retfw: (m) => farReturn(m, 2, 0),
  Retfd: (m) => farReturn(m, 4, 0),
  Retfw_imm16: (m, i) => farReturn(m, 2, i.imm),
  Retfd_imm16: (m, i) => farReturn(m, 4, i.imm),

  Enterw_imm16_imm8: (m, i) => enter(m, i, 2),
  Enterd_imm16_imm8: (m, i) => enter(m, i, 4),
  Leavew: (m) => leave(m, 2),
  Leaved: (m) => leave(m, 4),

  Int3: (m) => softwareInterrupt(m, VEC_BP),
  Int_imm8: (m, i) => {
    const flags = m.cpu.flags;
    // INT n (only the CD form) is IOPL-sensitive in virtual-8086 mode (SDM Vol. 3A, 20.2.7).
    if ((flags & FLAG_VM) !== 0 && (flags & FLAG_IOPL) !== FLAG_IOPL) throw new CpuFault(VEC_GP, 0);
    softwareInterrupt(m, i.imm);
  },
  Into: (m) => {
    if (getOF(m.cpu) === 1) softwareInterrupt(m, VEC_OF);
  },
  Int1: (m) => softwareInterrupt(m, VEC_DB),
  Iretw: (m) => iret(m, 2),
  Iretd: (m) => iret(m, 4),

  // BOUND: signed bounds [lower, upper] inclusive; out of range is a fault (#BR), not a trap.
  Bound_r16_m1616: (m, i) => {
    const cpu = m.cpu;
    const a = effectiveAddress(cpu, i);
    const lower = (read16(m, i.seg, a) << 16) >> 16;
    const upper = (read16(m, i.seg, a + 2) << 16) >> 16;
    const index = (cpu.r16[i.reg << 1]! << 16) >> 16;
    if (index < lower || index > upper) throw new CpuFault(VEC_BR);
  },
  Bound_r32_m3232: (m, i) => {
    const cpu = m.cpu;
    const a = effectiveAddress(cpu, i);
    const lower = read32(m, i.seg, a);
    const upper = read32(m, i.seg, a + 4);
    const index = cpu.r32[i.reg]!;
    if (index < lower || index > upper) throw new CpuFault(VEC_BR);
  },

  // HLT is CPL-0 only outside real mode; virtual-8086 mode runs at CPL 3, so it faults there too.
  Hlt: (m) => {
    const cpu = m.cpu;
    if ((cpu.cr0 & CR0_PE) !== 0 && cpu.cpl !== 0) throw new CpuFault(VEC_GP, 0);
    cpu.halted = true;
    m.stop = STOP_HALT;
  },

  Ud2: undefinedOpcode,
  Ud1_r16_rm16: undefinedOpcode,
  Ud1_r32_rm32: undefinedOpcode,
  Ud0_r16_rm16: undefinedOpcode,
  Ud0_r32_rm32: undefinedOpcode,
} satisfies Record<ControlId, Handler>;
