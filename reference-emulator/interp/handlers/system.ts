/**
 * Semantics of the system group (records in isa/forms/system.ts): descriptor-table registers,
 * LDTR/TR, MSW, control and debug registers, MSRs, SYSENTER/SYSEXIT, cache/TLB maintenance,
 * the hypercall instructions, and the protection-check instructions ARPL LAR LSL VERR VERW.
 * Operation and exception sections of the Intel SDM Vol. 2 pages of those names; CR0/CR4 bits
 * from Vol. 3A, 2.5; DR6/DR7 layouts from Vol. 3B, 18.2; descriptor formats from Vol. 3A, 3.4.5
 * and 3.5.
 *
 * Privilege: the interpreter does not read a record's `cpl`/`modes`, so each handler checks them.
 * A privileged form at CPL > 0 in protected mode, or anywhere in virtual-8086 mode (CPL 3), raises
 * #GP(0); the protected-only forms raise #UD in real and virtual-8086 mode.
 *
 * Faulting handlers leave the machine unchanged (memory operands are limit-checked as a whole
 * before the first write), except where the SDM has the fault itself change state (DR7.GD).
 *
 * Modelled partially, and said so on the records:
 * - paging, TLBs and caches do not exist yet: INVLPG, INVD and WBINVD retire with no effect,
 *   and CR0.PG / CR3 / CR4 paging bits are recorded only;
 * - debug registers are stored but breakpoints do not fire;
 * - VMX and SVM operation are not modelled: VMCALL and VMMCALL raise #UD, which is what the
 *   hardware does outside VMX operation and with EFER.SVME = 0;
 * - LAR/LSL/VERR/VERW/LLDT/LTR read descriptors from physical memory at GDTR/LDTR base (paging is
 *   off everywhere in xvc so far); LLDT/LTR do not check the descriptor's upper reserved bits.
 *
 * What a model has follows its CPUID (machine/cpu-model.ts), which reports only what xvc
 * implements: a CR4 bit whose feature CPUID does not report is reserved (MOV to CR4: #GP(0)), and
 * an MSR whose feature it does not report does not exist (RDMSR/WRMSR: #GP(0)). MOV CRn/DRn find
 * their general register in ModRM.rm whatever ModRM.mod says: the decoder reads those records as
 * `mod-ignored`, and CR1/CR5-CR7 never reach the handler (they decode to INVALID).
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { systemForms } from '../../isa/forms/system.ts';
import type { Machine } from '../../machine/machine.ts';
import {
  CR0_AM,
  CR0_CD,
  CR0_EM,
  CR0_ET,
  CR0_MP,
  CR0_NE,
  CR0_NW,
  CR0_PE,
  CR0_PG,
  CR0_TS,
  CR0_WP,
  REG_EAX,
  REG_ECX,
  REG_EDX,
  REG_ESP,
  SEG_CS,
  SEG_SS,
  SEGATTR_ACCESSED,
  SEGATTR_CODE,
  SEGATTR_DB,
  SEGATTR_G,
  SEGATTR_PRESENT,
  SEGATTR_S,
  SEGATTR_WRITABLE,
  setSegmentCache,
  type CpuState,
  syncWriteRanges,
} from '../../machine/cpu-state.ts';
import { readPhys32, writePhys32 } from '../../machine/physical-memory.ts';
import { FLAG_IF, FLAG_RF, FLAG_VM, FLAG_ZF, generationRank } from '../../isa/schema.ts';
import { effectiveAddress, linearAddressForWrite, read16, read32, readRm16, write16, write32, writeRm16 } from '../access.ts';
import { CpuFault, VEC_DB, VEC_GP, VEC_NP, VEC_UD } from '../fault.ts';
import { setStatusFlags } from '../flags.ts';
import { isProtected } from '../segments.ts';

type SystemId = (typeof systemForms)[number]['id'];

/** CR4 bits (SDM Vol. 3A, 2.5). */
export const CR4_VME = 0x1;
export const CR4_PVI = 0x2;
export const CR4_TSD = 0x4;
export const CR4_DE = 0x8;
export const CR4_PSE = 0x10;
export const CR4_PAE = 0x20;
export const CR4_MCE = 0x40;
export const CR4_PGE = 0x80;
export const CR4_PCE = 0x100;
export const CR4_UMIP = 0x800;
export const CR4_SMEP = 0x100000;
export const CR4_SMAP = 0x200000;

export const MSR_TSC = 0x10;
export const MSR_SYSENTER_CS = 0x174;
export const MSR_SYSENTER_ESP = 0x175;
export const MSR_SYSENTER_EIP = 0x176;

const TWO_POW_32 = 4294967296;

const rank = (m: Machine): number => generationRank(m.model.generation);
const RANK_I486 = generationRank('i486');
const RANK_PENTIUM = generationRank('pentium');
const RANK_P6 = generationRank('p6');
const RANK_MODERN = generationRank('modern');

/** CPUID.1:EDX feature bits (SDM Vol. 2A, CPUID, Table 3-11) that decide CR4 bits and MSRs. */
const CPUID_EDX_VME = 1 << 1;
const CPUID_EDX_DE = 1 << 2;
const CPUID_EDX_PSE = 1 << 3;
const CPUID_EDX_TSC = 1 << 4;
const CPUID_EDX_MSR = 1 << 5;
const CPUID_EDX_PAE = 1 << 6;
const CPUID_EDX_MCE = 1 << 7;
const CPUID_EDX_SEP = 1 << 11;
const CPUID_EDX_PGE = 1 << 13;
/** CPUID.7.0:EBX SMEP (bit 7) and SMAP (bit 20), CPUID.7.0:ECX UMIP (bit 2). */
const CPUID7_EBX_SMEP = 1 << 7;
const CPUID7_EBX_SMAP = 1 << 20;
const CPUID7_ECX_UMIP = 1 << 2;

/** A CPUID leaf of the model, or undefined (no CPUID, or the leaf is past the model's maximum). */
const cpuidLeaf = (m: Machine, leaf: number) => m.model.cpuid?.get(leaf);

/**
 * CR4 bits the model has, from its CPUID (SDM Vol. 3A, 2.5: each CR4 bit is tied to a CPUID
 * feature flag; without the feature the bit is reserved); undefined = no CR4 at all, before the
 * Pentium (MOV to/from CR4 is #UD). PCE has no CPUID flag: it exists from the P6 on.
 */
function cr4Mask(m: Machine): number | undefined {
  if (rank(m) < RANK_PENTIUM) return undefined;
  const edx = cpuidLeaf(m, 1)?.edx ?? 0;
  const leaf7 = cpuidLeaf(m, 7);
  let mask = 0;
  if (edx & CPUID_EDX_VME) mask |= CR4_VME | CR4_PVI;
  if (edx & CPUID_EDX_TSC) mask |= CR4_TSD;
  if (edx & CPUID_EDX_DE) mask |= CR4_DE;
  if (edx & CPUID_EDX_PSE) mask |= CR4_PSE;
  if (edx & CPUID_EDX_PAE) mask |= CR4_PAE;
  if (edx & CPUID_EDX_MCE) mask |= CR4_MCE;
  if (edx & CPUID_EDX_PGE) mask |= CR4_PGE;
  if (rank(m) >= RANK_P6) mask |= CR4_PCE;
  if (leaf7 && leaf7.ecx & CPUID7_ECX_UMIP) mask |= CR4_UMIP;
  if (leaf7 && leaf7.ebx & CPUID7_EBX_SMEP) mask |= CR4_SMEP;
  if (leaf7 && leaf7.ebx & CPUID7_EBX_SMAP) mask |= CR4_SMAP;
  return mask;
}

/** CR0 bits a model implements (386: PE MP EM TS ET PG; the 486 adds NE WP AM NW CD and fixes ET at 1). */
function cr0Writable(m: Machine): number {
  const base = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_PG;
  return rank(m) >= RANK_I486 ? base | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD : base | CR0_ET;
}

// ---- privilege and mode checks ----

const inV86 = (cpu: CpuState): boolean => (cpu.cr0 & CR0_PE) !== 0 && (cpu.flags & FLAG_VM) !== 0;

/** The effective CPL: 0 in real mode, 3 in virtual-8086 mode, CS.RPL in protected mode. */
function effectiveCpl(cpu: CpuState): number {
  if ((cpu.cr0 & CR0_PE) === 0) return 0;
  return cpu.flags & FLAG_VM ? 3 : cpu.cpl;
}

/** Privileged: #GP(0) at CPL > 0 (virtual-8086 mode included). */
function requireCpl0(m: Machine): void {
  if (effectiveCpl(m.cpu) !== 0) throw new CpuFault(VEC_GP, 0);
}

/** Protected-mode-only forms: #UD in real and virtual-8086 mode. */
function requireProtected(m: Machine): void {
  if (!isProtected(m)) throw new CpuFault(VEC_UD);
}

/** UMIP (modern): SGDT SIDT SLDT SMSW STR at CPL > 0 raise #GP(0). */
function umipCheck(m: Machine): void {
  if ((m.cpu.cr4 & CR4_UMIP) !== 0 && effectiveCpl(m.cpu) > 0) throw new CpuFault(VEC_GP, 0);
}

// ---- descriptor tables ----

interface Descriptor {
  readonly low: number;
  readonly high: number;
  /** Physical address of the descriptor. */
  readonly at: number;
}

/** The descriptor `sel` names, or undefined when it lies past its table's limit (or TI=1 with a null LDT). */
function lookupDescriptor(m: Machine, sel: number): Descriptor | undefined {
  const cpu = m.cpu;
  const ldt = (sel & 4) !== 0;
  if (ldt && (cpu.ldtr.sel & 0xfffc) === 0) return undefined;
  const table = ldt ? cpu.ldtr : cpu.gdtr;
  const offset = sel & 0xfff8;
  if (offset + 7 > table.limit) return undefined;
  const at = (table.base + offset) | 0;
  return { low: readPhys32(m.mem, at), high: readPhys32(m.mem, (at + 4) | 0), at };
}

const descType = (d: Descriptor): number => (d.high >>> 8) & 0xf;
const descS = (d: Descriptor): boolean => ((d.high >>> 12) & 1) !== 0;
const descDpl = (d: Descriptor): number => (d.high >>> 13) & 3;
const descPresent = (d: Descriptor): boolean => ((d.high >>> 15) & 1) !== 0;
const descBase = (d: Descriptor): number => ((d.low >>> 16) | ((d.high & 0xff) << 16) | (d.high & 0xff000000)) | 0;
function descLimit(d: Descriptor): number {
  const raw = (d.low & 0xffff) | (d.high & 0xf0000);
  return d.high & 0x800000 ? ((raw << 12) | 0xfff) >>> 0 : raw;
}
/** The cache attribute word (descriptor high dword >> 8, as SEGATTR_*). */
const descAttr = (d: Descriptor): number => (d.high >>> 8) & 0xf0ff;

/**
 * LAR/LSL/VERR/VERW visibility: a non-conforming code or data segment, or a system descriptor,
 * is visible only when DPL >= CPL and DPL >= RPL; conforming code always is.
 */
function visible(cpu: CpuState, d: Descriptor, sel: number): boolean {
  const conforming = descS(d) && (descType(d) & 0xc) === 0xc;
  return conforming || (descDpl(d) >= cpu.cpl && descDpl(d) >= (sel & 3));
}

/** System descriptor types LAR accepts (SDM LAR, Table 3-58) and LSL accepts (no gates). */
const LAR_SYSTEM_TYPES = new Set([1, 2, 3, 4, 5, 9, 0xb, 0xc]);
const LSL_SYSTEM_TYPES = new Set([1, 2, 3, 9, 0xb]);

const setZF = (cpu: CpuState, on: boolean): void => setStatusFlags(cpu, FLAG_ZF, on ? FLAG_ZF : 0);

/** The selector operand of group 6 / LAR / LSL: 16 bits from a register or memory. */
const selectorOperand = (m: Machine, i: Insn): number => readRm16(m, i);

/** LAR: the descriptor's access rights, or undefined when ZF is to be cleared. */
function larRights(m: Machine, sel: number): number | undefined {
  if ((sel & 0xfffc) === 0) return undefined;
  const d = lookupDescriptor(m, sel);
  if (!d || !visible(m.cpu, d, sel)) return undefined;
  if (!descS(d) && !LAR_SYSTEM_TYPES.has(descType(d))) return undefined;
  return d.high & 0x00f0ff00;
}

function lslLimit(m: Machine, sel: number): number | undefined {
  if ((sel & 0xfffc) === 0) return undefined;
  const d = lookupDescriptor(m, sel);
  if (!d || !visible(m.cpu, d, sel)) return undefined;
  if (!descS(d) && !LSL_SYSTEM_TYPES.has(descType(d))) return undefined;
  return descLimit(d);
}

function lar(bits: 16 | 32): Handler {
  return (m, i) => {
    requireProtected(m);
    const rights = larRights(m, selectorOperand(m, i));
    setZF(m.cpu, rights !== undefined);
    if (rights === undefined) return;
    if (bits === 16) m.cpu.r16[i.reg << 1] = rights & 0xff00;
    else m.cpu.r32[i.reg] = rights;
  };
}

function lsl(bits: 16 | 32): Handler {
  return (m, i) => {
    requireProtected(m);
    const limit = lslLimit(m, selectorOperand(m, i));
    setZF(m.cpu, limit !== undefined);
    if (limit === undefined) return;
    if (bits === 16) m.cpu.r16[i.reg << 1] = limit & 0xffff;
    else m.cpu.r32[i.reg] = limit;
  };
}

function verify(write: boolean): Handler {
  return (m, i) => {
    requireProtected(m);
    const sel = selectorOperand(m, i);
    let ok = false;
    if ((sel & 0xfffc) !== 0) {
      const d = lookupDescriptor(m, sel);
      if (d && descS(d) && visible(m.cpu, d, sel)) {
        const type = descType(d);
        const code = (type & 8) !== 0;
        // VERR: data, or readable code; VERW: writable data only.
        ok = write ? !code && (type & 2) !== 0 : !code || (type & 2) !== 0;
      }
    }
    setZF(m.cpu, ok);
  };
}

const arpl: Handler = (m, i) => {
  requireProtected(m);
  const dest = readRm16(m, i);
  const src = m.cpu.r16[i.reg << 1]!;
  if ((dest & 3) < (src & 3)) {
    writeRm16(m, i, (dest & ~3) | (src & 3));
    setZF(m.cpu, true);
  } else {
    setZF(m.cpu, false);
  }
};

/** SLDT/STR: store a selector, 16 bits to memory, zero-extended into a 32-bit register. */
function storeSelector(get: (cpu: CpuState) => number, bits: 16 | 32): Handler {
  return (m, i) => {
    requireProtected(m);
    umipCheck(m);
    const sel = get(m.cpu) & 0xffff;
    if (bits === 32 && !i.isMem) m.cpu.r32[i.rm] = sel;
    else writeRm16(m, i, sel);
  };
}

const lldt: Handler = (m, i) => {
  requireProtected(m);
  requireCpl0(m);
  const cpu = m.cpu;
  const sel = selectorOperand(m, i);
  if ((sel & 0xfffc) === 0) {
    // A null selector marks the LDT invalid; a later LDT reference faults.
    cpu.ldtr = { sel, base: 0, limit: 0, attr: 0 };
    return;
  }
  if (sel & 4) throw new CpuFault(VEC_GP, sel & 0xfffc);
  const d = lookupDescriptor(m, sel);
  if (!d || descS(d) || descType(d) !== 2) throw new CpuFault(VEC_GP, sel & 0xfffc);
  if (!descPresent(d)) throw new CpuFault(VEC_NP, sel & 0xfffc);
  cpu.ldtr = { sel, base: descBase(d), limit: descLimit(d), attr: descAttr(d) };
};

const ltr: Handler = (m, i) => {
  requireProtected(m);
  requireCpl0(m);
  const cpu = m.cpu;
  const sel = selectorOperand(m, i);
  if ((sel & 0xfffc) === 0) throw new CpuFault(VEC_GP, 0);
  if (sel & 4) throw new CpuFault(VEC_GP, sel & 0xfffc);
  const d = lookupDescriptor(m, sel);
  // Only an available TSS (16-bit type 1, 32-bit type 9) can be loaded.
  if (!d || descS(d) || (descType(d) !== 1 && descType(d) !== 9)) throw new CpuFault(VEC_GP, sel & 0xfffc);
  if (!descPresent(d)) throw new CpuFault(VEC_NP, sel & 0xfffc);
  writePhys32(m.mem, (d.at + 4) | 0, d.high | 0x200); // busy
  cpu.tr = { sel, base: descBase(d), limit: descLimit(d), attr: descAttr(d) | 0x2 };
};

// ---- GDTR / IDTR ----

/** SGDT/SIDT: 2 bytes of limit, then 4 bytes of base; the 16-bit form stores 24 bits and a fill byte. */
function storeTable(which: 'gdtr' | 'idtr', osz32: boolean): Handler {
  return (m, i) => {
    umipCheck(m);
    const cpu = m.cpu;
    const ea = effectiveAddress(cpu, i);
    linearAddressForWrite(cpu, i.seg, ea, 6); // the whole operand, before any byte is written
    const reg = cpu[which];
    let base = reg.base;
    if (!osz32) base = (base & 0xffffff) | (m.model.generation === 'i286' ? 0xff000000 : 0);
    write16(m, i.seg, ea, reg.limit & 0xffff);
    write32(m, i.seg, ea + 2, base);
  };
}

function loadTable(which: 'gdtr' | 'idtr', osz32: boolean): Handler {
  return (m, i) => {
    requireCpl0(m);
    const cpu = m.cpu;
    const ea = effectiveAddress(cpu, i);
    const limit = read16(m, i.seg, ea);
    const base = read32(m, i.seg, ea + 2);
    cpu[which] = { base: osz32 ? base : base & 0xffffff, limit };
  };
}

// ---- MSW, CR0-CR4 ----

function smsw(bits: 16 | 32): Handler {
  return (m, i) => {
    umipCheck(m);
    const cpu = m.cpu;
    const msw = m.model.generation === 'i286' ? 0xfff0 | (cpu.cr0 & 0xf) : cpu.cr0 & 0xffff;
    if (bits === 32 && !i.isMem) cpu.r32[i.rm] = cpu.cr0;
    else writeRm16(m, i, msw);
  };
}

const lmsw: Handler = (m, i) => {
  requireCpl0(m);
  const cpu = m.cpu;
  const src = readRm16(m, i);
  // Bits 0-3 only; PE can be set but never cleared.
  cpu.cr0 = (cpu.cr0 & ~0xe) | (src & 0xf) | (cpu.cr0 & CR0_PE);
  syncWriteRanges(cpu);
};

const clts: Handler = (m) => {
  requireCpl0(m);
  m.cpu.cr0 &= ~CR0_TS;
};

/**
 * CR4 does not exist before the Pentium: #UD, ahead of the CPL check, as the decode-time #UD of
 * CR1 and CR5-CR7 is (those never reach a handler: the records' regMask makes them INVALID).
 */
function crExists(m: Machine, n: number): void {
  if (n === 4 && cr4Mask(m) === undefined) throw new CpuFault(VEC_UD);
}

function readCr(m: Machine, n: number): number {
  const cpu = m.cpu;
  switch (n) {
    case 0: return cpu.cr0;
    case 2: return cpu.cr2;
    case 3: return cpu.cr3;
    case 4:
      if (cr4Mask(m) === undefined) throw new CpuFault(VEC_UD);
      return cpu.cr4;
    default: throw new CpuFault(VEC_UD);
  }
}

function writeCr(m: Machine, n: number, value: number): void {
  const cpu = m.cpu;
  switch (n) {
    case 0: {
      if ((value & CR0_PG) !== 0 && (value & CR0_PE) === 0) throw new CpuFault(VEC_GP, 0);
      if ((value & CR0_NW) !== 0 && (value & CR0_CD) === 0 && rank(m) >= RANK_I486) throw new CpuFault(VEC_GP, 0);
      const writable = cr0Writable(m);
      let next = (cpu.cr0 & ~writable) | (value & writable);
      if (rank(m) >= RANK_I486) next |= CR0_ET;
      cpu.cr0 = next | 0;
      // Entering or leaving protected mode changes which segments take writes.
      syncWriteRanges(cpu);
      return;
    }
    case 2: cpu.cr2 = value | 0; return;
    case 3: cpu.cr3 = value | 0; return;
    case 4: {
      const mask = cr4Mask(m);
      if (mask === undefined) throw new CpuFault(VEC_UD);
      if ((value & ~mask) !== 0) throw new CpuFault(VEC_GP, 0);
      cpu.cr4 = value | 0;
      return;
    }
    default: throw new CpuFault(VEC_UD);
  }
}

// ---- DR0-DR7 ----

/** DR6: bits 4-11 and 16-31 read as 1; bit 12 reads as 1 on the 386/486 and 0 later (SDM Vol. 3B, 18.2.3). */
function dr6Value(m: Machine, raw: number): number {
  return ((raw & 0xe00f) | (rank(m) >= RANK_PENTIUM ? 0xffff0ff0 : 0xffff1ff0)) | 0;
}
/** DR7: bit 10 reads as 1, bits 11, 12, 14, 15 as 0 (SDM Vol. 3B, 18.2.4). */
const dr7Value = (raw: number): number => ((raw & ~0xd800) | 0x400) | 0;
const DR7_GD = 0x2000;
const DR6_BD = 0x2000;

/** DR4/DR5 alias DR6/DR7 unless CR4.DE is set, when they are #UD; DR7.GD makes any access #DB. */
function drIndex(m: Machine, n: number): number {
  const cpu = m.cpu;
  let index = n;
  if (n === 4 || n === 5) {
    if (cpu.cr4 & CR4_DE) throw new CpuFault(VEC_UD);
    index = n + 2;
  }
  if (cpu.dr[7]! & DR7_GD) {
    // General detect: the fault reports BD in DR6 and clears GD so the handler can use the registers.
    cpu.dr[6] = dr6Value(m, cpu.dr[6]!) | DR6_BD;
    cpu.dr[7] = cpu.dr[7]! & ~DR7_GD;
    throw new CpuFault(VEC_DB);
  }
  return index;
}

function readDr(m: Machine, n: number): number {
  const index = drIndex(m, n);
  const raw = m.cpu.dr[index]!;
  return index === 6 ? dr6Value(m, raw) : index === 7 ? dr7Value(raw) : raw;
}

function writeDr(m: Machine, n: number, value: number): void {
  const index = drIndex(m, n);
  m.cpu.dr[index] = index === 6 ? dr6Value(m, value) : index === 7 ? dr7Value(value) : value;
}

// ---- MSRs ----

function tscNow(m: Machine, i: Insn): number {
  return m.cpu.icount + i.blockIndex;
}

/**
 * Whether the model has MSR `index`: the MSRs xvc implements, each present when CPUID reports its
 * feature (SDM Vol. 4, Table 2-2). IA32_EFER (C0000080h) needs CPUID.80000001H:EDX NX or LM,
 * which no model reports (none has leaf 80000001h), so it is #GP(0) like any absent MSR.
 */
function msrKnown(m: Machine, index: number): boolean {
  const edx = cpuidLeaf(m, 1)?.edx ?? 0;
  if (index === MSR_TSC) return (edx & CPUID_EDX_TSC) !== 0 && (edx & CPUID_EDX_MSR) !== 0;
  if (index >= MSR_SYSENTER_CS && index <= MSR_SYSENTER_EIP) return (edx & CPUID_EDX_SEP) !== 0;
  return false;
}

const msr32 = (cpu: CpuState, index: number): number => Number((cpu.msr.get(index) ?? 0n) & 0xffffffffn) | 0;

const rdmsr: Handler = (m, i) => {
  requireCpl0(m);
  const cpu = m.cpu;
  const index = cpu.r32[REG_ECX]!;
  if (!msrKnown(m, index)) throw new CpuFault(VEC_GP, 0);
  let lo: number;
  let hi = 0;
  if (index === MSR_TSC) {
    const tsc = tscNow(m, i) + cpu.tscOffset;
    lo = tsc | 0;
    hi = Math.floor(tsc / TWO_POW_32) | 0;
  } else {
    lo = msr32(cpu, index);
  }
  cpu.r32[REG_EAX] = lo;
  cpu.r32[REG_EDX] = hi;
};

const wrmsr: Handler = (m, i) => {
  requireCpl0(m);
  const cpu = m.cpu;
  const index = cpu.r32[REG_ECX]!;
  if (!msrKnown(m, index)) throw new CpuFault(VEC_GP, 0);
  const lo = cpu.r32[REG_EAX]! >>> 0;
  const hi = cpu.r32[REG_EDX]! >>> 0;
  if (index === MSR_TSC) {
    // Pentium and P6: only the low 32 bits are written, the high ones cleared (SDM Vol. 3B, 18.17).
    const value = rank(m) >= RANK_MODERN ? hi * TWO_POW_32 + lo : lo;
    cpu.tscOffset = value - tscNow(m, i);
  } else {
    // SYSENTER_CS/ESP/EIP: 32-bit registers on IA-32 processors.
    cpu.msr.set(index, BigInt(lo));
  }
};

// ---- SYSENTER / SYSEXIT (SDM SYSENTER, SYSEXIT: flat segments from SYSENTER_CS) ----

const FLAT_CODE = SEGATTR_PRESENT | SEGATTR_S | SEGATTR_CODE | SEGATTR_WRITABLE | SEGATTR_ACCESSED | SEGATTR_DB | SEGATTR_G;
const FLAT_DATA = SEGATTR_PRESENT | SEGATTR_S | SEGATTR_WRITABLE | SEGATTR_ACCESSED | SEGATTR_DB | SEGATTR_G;
const DPL3 = 3 << 5;

const sysenter: Handler = (m) => {
  const cpu = m.cpu;
  const cs = msr32(cpu, MSR_SYSENTER_CS) & 0xffff;
  if ((cpu.cr0 & CR0_PE) === 0 || (cs & 0xfffc) === 0) throw new CpuFault(VEC_GP, 0);
  cpu.flags &= ~(FLAG_VM | FLAG_IF | FLAG_RF);
  setSegmentCache(cpu, SEG_CS, cs & 0xfffc, 0, 0xffffffff, FLAT_CODE);
  setSegmentCache(cpu, SEG_SS, (cs + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA);
  cpu.cpl = 0;
  cpu.r32[REG_ESP] = msr32(cpu, MSR_SYSENTER_ESP);
  cpu.eip = msr32(cpu, MSR_SYSENTER_EIP);
};

const sysexit: Handler = (m) => {
  const cpu = m.cpu;
  const cs = msr32(cpu, MSR_SYSENTER_CS) & 0xffff;
  if ((cpu.cr0 & CR0_PE) === 0 || inV86(cpu) || cpu.cpl !== 0 || (cs & 0xfffc) === 0) throw new CpuFault(VEC_GP, 0);
  setSegmentCache(cpu, SEG_CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff, FLAT_CODE | DPL3);
  setSegmentCache(cpu, SEG_SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff, FLAT_DATA | DPL3);
  cpu.cpl = 3;
  cpu.r32[REG_ESP] = cpu.r32[REG_ECX]!;
  cpu.eip = cpu.r32[REG_EDX]!;
};

const privilegedNoEffect: Handler = (m) => requireCpl0(m);
const ud: Handler = () => {
  throw new CpuFault(VEC_UD);
};

export const systemHandlers = {
  Arpl_rm16_r16: arpl,
  Arpl_r32m16_r32: arpl,

  Sldt_rm16: storeSelector((cpu) => cpu.ldtr.sel, 16),
  Sldt_r32m16: storeSelector((cpu) => cpu.ldtr.sel, 32),
  Str_rm16: storeSelector((cpu) => cpu.tr.sel, 16),
  Str_r32m16: storeSelector((cpu) => cpu.tr.sel, 32),
  Lldt_rm16: lldt,
  Lldt_r32m16: lldt,
  Ltr_rm16: ltr,
  Ltr_r32m16: ltr,
  Verr_rm16: verify(false),
  Verr_r32m16: verify(false),
  Verw_rm16: verify(true),
  Verw_r32m16: verify(true),

  Sgdt_m1632_16: storeTable('gdtr', false),
  Sgdt_m1632: storeTable('gdtr', true),
  Sidt_m1632_16: storeTable('idtr', false),
  Sidt_m1632: storeTable('idtr', true),
  Lgdt_m1632_16: loadTable('gdtr', false),
  Lgdt_m1632: loadTable('gdtr', true),
  Lidt_m1632_16: loadTable('idtr', false),
  Lidt_m1632: loadTable('idtr', true),
  Smsw_rm16: smsw(16),
  Smsw_r32m16: smsw(32),
  Lmsw_rm16: lmsw,
  Lmsw_r32m16: lmsw,
  Invlpg_m: privilegedNoEffect,
  Vmcall: ud,
  // #UD unless a VMM intercepts it; no model runs a VMM (none reports SVM, and EFER, where SVME
  // would be set, does not exist on them), so always #UD until an SVM host is modelled.
  Vmmcall: ud,

  Lar_r16_rm16: lar(16),
  Lar_r32_r32m16: lar(32),
  Lsl_r16_rm16: lsl(16),
  Lsl_r32_r32m16: lsl(32),

  Clts: clts,
  Invd: privilegedNoEffect,
  Wbinvd: privilegedNoEffect,

  Mov_r32_cr: (m, i) => {
    crExists(m, i.reg);
    requireCpl0(m);
    m.cpu.r32[i.rm] = readCr(m, i.reg);
  },
  Mov_r32_dr: (m, i) => {
    requireCpl0(m);
    m.cpu.r32[i.rm] = readDr(m, i.reg);
  },
  Mov_cr_r32: (m, i) => {
    crExists(m, i.reg);
    requireCpl0(m);
    writeCr(m, i.reg, m.cpu.r32[i.rm]!);
  },
  Mov_dr_r32: (m, i) => {
    requireCpl0(m);
    writeDr(m, i.reg, m.cpu.r32[i.rm]!);
  },

  Wrmsr: wrmsr,
  Rdmsr: rdmsr,
  Sysenter: sysenter,
  Sysexitd: sysexit,
} satisfies Record<SystemId, Handler>;
