/**
 * How the qemu adapter stops at an exception instead of delivering it (RunLimits.stopOnException):
 * QEMU has no such mode, so for the length of the run the IDTR points at a private table whose
 * vectors 0-31 lead to one-byte stubs (HLT) in the adapter's trap area, each with a gdbstub
 * breakpoint. QEMU delivers the exception into the stub (SDM Vol. 3A, 6.12 in protected mode,
 * 20.1.4 in real mode: it pushes the return frame on the current stack), the breakpoint stops it,
 * and the adapter puts back the state from before the delivery and the guest's IDTR. Vectors 32
 * and up are the guest's own gates (or IVT entries), copied when the run starts.
 *
 * Deviations, declared as quirks: the table and stubs occupy TRAP_AREA_SIZE bytes of guest RAM
 * during such a run (restored afterwards); SIDT during the run shows the private table; the
 * pushed frame's bytes below the stack pointer stay written when the run was a `continue` (exact
 * single-stepped runs restore them); telling INT n from a fault that pushes an error code, in a
 * `continue`, looks at the bytes before the return address (CD n).
 */

import { CR0_PE, CR0_PG } from '../../../reference-emulator/index.ts';
import type { ArchState, SegmentState, TableRegister } from '../../adapter.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import type { QemuMachine } from './machine.ts';
import type { MonitorRegisters } from './monitor.ts';
import { attrFromQemuFlags } from './monitor.ts';
import { EFLAGS_VM } from './state-loader.ts';

/** Layout inside the adapter's scratch region (after the state loader's 0x100 bytes). */
export const TRAP_STUBS_OFFSET = 0x100;
export const TRAP_TABLE_OFFSET = 0x200;
/** 256 protected-mode gates of 8 bytes; a real-mode IVT needs 1 KiB of it. */
const PROTECTED_TABLE_BYTES = 256 * 8;
const REAL_TABLE_BYTES = 256 * 4;
export const TRAP_AREA_SIZE = TRAP_TABLE_OFFSET + PROTECTED_TABLE_BYTES;
/** Exceptions are vectors 0-31 (SDM Vol. 3A, Table 6-1). */
export const EXCEPTION_VECTORS = 32;
/** Vectors whose exceptions push an error code in protected mode (SDM Vol. 3A, Table 6-1). */
export const ERROR_CODE_VECTORS: ReadonlySet<number> = new Set([8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);
const HLT = 0xf4;
/** A 32-bit interrupt gate, present, DPL 3 so INT n from any CPL reaches the stub as it would the guest's (SDM Vol. 3A, Figure 6-2). */
const INTERRUPT_GATE_ATTR = 0xee00;
const EFLAGS_RF = 1 << 16;
const INT_IMM8 = 0xcd;
const INT3 = 0xcc;
const INTO = 0xce;
const BREAKPOINT_VECTOR = 3;
const OVERFLOW_VECTOR = 4;

export interface Trap {
  scratchBase: number;
  guestIdtr: TableRegister;
  privateIdtr: TableRegister;
  realMode: boolean;
  /** The trap area's bytes before the run, put back by uninstall. */
  savedArea: Uint8Array;
}

export function stubLinear(scratchBase: number, vector: number): number {
  return scratchBase + TRAP_STUBS_OFFSET + vector;
}

/** The vector whose stub EIP sits on, or undefined. */
export function stubVector(trap: Trap, regs: MonitorRegisters): number | undefined {
  const linear = (regs.segs.cs.base + regs.eip) >>> 0;
  const first = stubLinear(trap.scratchBase, 0);
  return linear >= first && linear < first + EXCEPTION_VECTORS ? linear - first : undefined;
}

/** Builds and writes the private table and stubs; the caller loads the returned IDTR into the CPU. */
export async function prepareTrap(machine: QemuMachine, at: MonitorRegisters, scratchBase: number): Promise<Trap> {
  const paging = (at.cr0 & CR0_PG) !== 0;
  if (paging) {
    const mapped = await machine.hmp(`gva2gpa 0x${(scratchBase + TRAP_STUBS_OFFSET).toString(16)}`);
    if (!new RegExp(`gpa: 0x0*${(scratchBase + TRAP_STUBS_OFFSET).toString(16)}\\b`).test(mapped)) {
      throw new SubjectError('protocol', `qemu stopOnException needs linear 0x${scratchBase.toString(16)} identity-mapped (the adapter's trap area), and the guest's page tables map it elsewhere`);
    }
  }
  const realMode = (at.cr0 & CR0_PE) === 0;
  const savedArea = await machine.readPhysical(scratchBase, TRAP_AREA_SIZE);
  const area = savedArea.slice();
  area.fill(0, TRAP_STUBS_OFFSET, TRAP_AREA_SIZE);
  area.fill(HLT, TRAP_STUBS_OFFSET, TRAP_STUBS_OFFSET + EXCEPTION_VECTORS);
  const guestBytes = Math.min(at.idtr.limit + 1, realMode ? REAL_TABLE_BYTES : PROTECTED_TABLE_BYTES);
  const guestTable = guestBytes > 0 ? await machine.readLinear(at.idtr.base, guestBytes, paging) : new Uint8Array(0);
  const table = Buffer.from(area.buffer, area.byteOffset + TRAP_TABLE_OFFSET, PROTECTED_TABLE_BYTES);
  table.set(guestTable.subarray(0, guestBytes));
  if (realMode) {
    // IVT entries are offset:segment; the stub segment is the scratch paragraph.
    for (let v = 0; v < EXCEPTION_VECTORS; v++) {
      table.writeUInt16LE(TRAP_STUBS_OFFSET + v, v * 4);
      table.writeUInt16LE(scratchBase >>> 4, v * 4 + 2);
    }
  } else {
    const cs = at.segs.cs;
    for (let v = 0; v < EXCEPTION_VECTORS; v++) {
      const offset = (stubLinear(scratchBase, v) - cs.base) >>> 0;
      if (offset > cs.limit) throw new SubjectError('protocol', `qemu stopOnException: the trap stubs at 0x${stubLinear(scratchBase, 0).toString(16)} lie outside CS (base 0x${cs.base.toString(16)}, limit 0x${cs.limit.toString(16)})`);
      table.writeUInt32LE(((cs.sel & 0xffff) << 16) | (offset & 0xffff), v * 8);
      table.writeUInt32LE(((offset & 0xffff0000) | INTERRUPT_GATE_ATTR) >>> 0, v * 8 + 4);
    }
  }
  // Only the trap part is written; the loader's part below it is the loader's to save and restore.
  await machine.writePhysical(scratchBase + TRAP_STUBS_OFFSET, area.subarray(TRAP_STUBS_OFFSET, TRAP_AREA_SIZE));
  const privateIdtr = { base: scratchBase + TRAP_TABLE_OFFSET, limit: (realMode ? REAL_TABLE_BYTES : PROTECTED_TABLE_BYTES) - 1 };
  return { scratchBase, guestIdtr: { ...at.idtr }, privateIdtr, realMode, savedArea };
}

export async function restoreTrapArea(machine: QemuMachine, trap: Trap): Promise<void> {
  await machine.writePhysical(trap.scratchBase + TRAP_STUBS_OFFSET, trap.savedArea.subarray(TRAP_STUBS_OFFSET, TRAP_AREA_SIZE));
}

/** Whether the return address follows an INT n / INT3 / INTO that raised `vector`. */
export async function followsSoftwareInterrupt(machine: QemuMachine, returnLinear: number, vector: number, paging: boolean): Promise<boolean> {
  const before = await machine.readLinear((returnLinear - 2) >>> 0, 2, paging);
  if (before[0] === INT_IMM8 && before[1] === vector) return true;
  return (vector === BREAKPOINT_VECTOR && before[1] === INT3) || (vector === OVERFLOW_VECTOR && before[1] === INTO);
}

/** The cache a protected-mode selector loads from the guest's GDT or LDT, as QEMU would load it. */
async function cacheFromTable(machine: QemuMachine, selector: number, at: MonitorRegisters, paging: boolean): Promise<SegmentState> {
  if ((selector & 0xfffc) === 0) return { sel: selector, base: 0, limit: 0, attr: 0 };
  const table = selector & 4 ? { base: at.ldtr.base, limit: at.ldtr.limit } : at.gdtr;
  const index = selector & 0xfff8;
  if (index + 7 > table.limit) throw new SubjectError('protocol', `qemu stopOnException: the interrupted selector 0x${selector.toString(16)} lies outside its table`);
  const d = Buffer.from(await machine.readLinear((table.base + index) >>> 0, 8, paging));
  const low = d.readUInt32LE(0);
  const high = d.readUInt32LE(4);
  const base = ((low >>> 16) | ((high & 0xff) << 16) | (high & 0xff000000)) >>> 0;
  let limit = (low & 0xffff) | (high & 0xf0000);
  if (high & 0x800000) limit = ((limit << 12) | 0xfff) >>> 0;
  return { sel: selector, base, limit, attr: attrFromQemuFlags(high) };
}

export interface Unwound {
  /** The state before the delivery, the guest's IDTR back in it. */
  state: ArchState;
  errorCode?: number;
  software: boolean;
  /** Where the pushed frame lies (linear) and how long it is. */
  frameLinear: number;
  frameBytes: number;
}

/**
 * The state from before QEMU delivered `vector` into its stub, read off the pushed frame (SDM
 * Vol. 3A, Figure 6-4: protected mode with and without a privilege change; 20.1.4: real mode
 * pushes FLAGS, CS and IP). Used after a `continue`; stepped runs know the previous state exactly.
 */
export async function unwindFromFrame(machine: QemuMachine, trap: Trap, at: MonitorRegisters, vector: number, base: ArchState, knownSoftware?: boolean): Promise<Unwound> {
  const paging = (at.cr0 & CR0_PG) !== 0;
  const stack32 = (at.segs.ss.attr & 0x4000) !== 0;
  const sp = stack32 ? at.esp : at.esp & 0xffff;
  const stackLinear = (at.segs.ss.base + sp) >>> 0;
  const state: ArchState = { ...base, regs: { ...base.regs }, segs: { ...base.segs }, idtr: { ...trap.guestIdtr } };
  if (trap.realMode) {
    const frame = Buffer.from(await machine.readLinear(stackLinear, 6, paging));
    const ip = frame.readUInt16LE(0);
    const cs = frame.readUInt16LE(2);
    const flags = frame.readUInt16LE(4);
    const software = knownSoftware ?? (await followsSoftwareInterrupt(machine, ((cs << 4) + ip) >>> 0, vector, paging));
    state.eip = ip;
    // Real-mode delivery loads only CS's selector and base, so the cache's limit and attributes are the interrupted ones.
    state.segs.cs = { sel: cs, base: (cs << 4) >>> 0, limit: at.segs.cs.limit, attr: at.segs.cs.attr };
    state.eflags = ((at.eflags & 0xffff0000) | flags) >>> 0;
    state.regs.esp = ((at.esp & 0xffff0000) | ((sp + 6) & 0xffff)) >>> 0;
    return { state, software, frameLinear: stackLinear, frameBytes: 6 };
  }
  const frame = Buffer.from(await machine.readLinear(stackLinear, 40, paging));
  const dword = (i: number): number => frame.readUInt32LE(i * 4);
  let software = false;
  if (knownSoftware !== undefined) {
    software = knownSoftware;
  } else if (ERROR_CODE_VECTORS.has(vector)) {
    // INT n pushes no error code: frame[0] is then the return EIP, and INT n's bytes precede it.
    const csCandidate = dword(1) & 0xffff;
    const csBase = csCandidate === at.segs.cs.sel ? at.segs.cs.base : (await cacheFromTable(machine, csCandidate, at, paging).catch(() => ({ base: 0 }))).base;
    software = await followsSoftwareInterrupt(machine, (csBase + dword(0)) >>> 0, vector, paging);
  } else {
    software = vector === BREAKPOINT_VECTOR || vector === OVERFLOW_VECTOR || vector >= EXCEPTION_VECTORS;
  }
  const hasErrorCode = ERROR_CODE_VECTORS.has(vector) && !software;
  const first = hasErrorCode ? 1 : 0;
  const eip = dword(first);
  const cs = dword(first + 1) & 0xffff;
  const eflags = dword(first + 2);
  const fromV86 = (eflags & EFLAGS_VM) !== 0;
  const privilegeChange = fromV86 || (cs & 3) !== (at.segs.cs.sel & 3);
  state.eip = eip;
  // RF in the pushed EFLAGS is the delivery's (SDM Vol. 3A, 18.3.1.1), not the interrupted state's.
  state.eflags = (eflags & ~EFLAGS_RF) >>> 0;
  if (fromV86) {
    const real = (sel: number): SegmentState => ({ sel, base: (sel << 4) >>> 0, limit: 0xffff, attr: 0xf3 });
    state.segs.cs = real(cs);
    state.regs.esp = dword(first + 3);
    state.segs.ss = real(dword(first + 4) & 0xffff);
    state.segs.es = real(dword(first + 5) & 0xffff);
    state.segs.ds = real(dword(first + 6) & 0xffff);
    state.segs.fs = real(dword(first + 7) & 0xffff);
    state.segs.gs = real(dword(first + 8) & 0xffff);
  } else {
    state.segs.cs = cs === at.segs.cs.sel ? { ...at.segs.cs } : await cacheFromTable(machine, cs, at, paging);
    if (privilegeChange) {
      state.regs.esp = dword(first + 3);
      const ss = dword(first + 4) & 0xffff;
      state.segs.ss = ss === at.segs.ss.sel ? { ...at.segs.ss } : await cacheFromTable(machine, ss, at, paging);
    } else {
      const popped = 4 * (first + 3);
      state.regs.esp = (stack32 ? at.esp + popped : (at.esp & 0xffff0000) | ((sp + popped) & 0xffff)) >>> 0;
    }
  }
  const frameBytes = 4 * (first + (fromV86 ? 9 : privilegeChange ? 5 : 3));
  return hasErrorCode ? { state, software, errorCode: dword(0), frameLinear: stackLinear, frameBytes } : { state, software, frameLinear: stackLinear, frameBytes };
}
