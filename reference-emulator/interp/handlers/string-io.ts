/**
 * Semantics of the string and port-I/O instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS
 * (SDM Vol. 2B, the instruction pages of each, and "REP/REPE/REPZ/REPNE/REPNZ") and IN, OUT
 * (SDM Vol. 2A), with the I/O protection of SDM Vol. 1, 18.5 "Protected-Mode I/O".
 *
 * - Addressing: the source is DS:(E)SI (any segment override applies, `i.seg` holds it), the
 *   destination ES:(E)DI. The address size picks SI/DI/CX or ESI/EDI/ECX; every handler works
 *   through `amask` (0xFFFF or all ones) so a 16-bit index wraps inside its low word and leaves
 *   the upper word of ESI/EDI/ECX alone, as the SDM's 16-bit address-size rules require.
 * - REP: the whole repeat runs inside one call, and SI/DI/CX are written back after every
 *   iteration, so a fault in iteration k leaves the registers as k-1 iterations left them and
 *   the run loop restarts the instruction from there (SDM Vol. 2B, REP: "the instruction can be
 *   restarted"). Interrupt windows between iterations are not modelled (nothing is pending in
 *   the reference machine). At most REP_CHUNK iterations run per call: the handler then points
 *   EIP back at the instruction and asks the run loop to leave the block, so the instruction
 *   runs again; each chunk retires as one instruction, which keeps the instruction count, the
 *   only clock, deterministic. F2 and F3 both mean REP for MOVS/STOS/LODS/INS/OUTS (the 286
 *   corpus runs `repne movsb` as `rep movsb`).
 * - Fast paths: a forward REP MOVS, REP STOS and REP SCASB whose whole chunk lies inside the
 *   segment limits and inside RAM, with paging off, runs directly on the memory array. Any other
 *   case, including every case that would fault part-way, takes the per-element path, so fault
 *   points are exact; pages holding decoded code are notified exactly as writePhys* would.
 * - I/O protection: real mode always permits. Protected mode with CPL <= IOPL permits. Otherwise
 *   (CPL > IOPL, or virtual-8086 mode) the TSS I/O permission bitmap decides; the TSS is not
 *   modelled yet, and `ioBitmapPermits` is the seam: it denies, giving #GP(0). With a REP count
 *   of 0 no element executes and no check is made (SDM REP pseudo-code: the string instruction
 *   runs inside `WHILE CountReg != 0`).
 * - INS limit-checks its destination before reading the port, so a faulting INS is restartable
 *   without a lost device read (the choice QEMU makes; the SDM does not order the two).
 * - Unclaimed ports read as all ones (port-bus.ts), which the 286 corpus expects of IN.
 * - Speed: single-element forms are written out per width (monomorphic calls, no size switch);
 *   the REP engines take a `Width` record, a dispatch a repeated instruction amortises.
 *
 * Known gaps, all in shared layers: protected-mode access-rights checks (a null or read-only ES)
 * are still to come in access.ts; paging is a seam there too.
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { stringIoForms } from '../../isa/forms/string-io.ts';
import type { Machine } from '../../machine/machine.ts';
import type { CpuState } from '../../machine/cpu-state.ts';
import type { PhysicalMemory } from '../../machine/physical-memory.ts';
import type { PortBus } from '../../machine/port-bus.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import * as machineModule from '../../machine/machine.ts';
import * as physicalMemoryModule from '../../machine/physical-memory.ts';
import * as portBusModule from '../../machine/port-bus.ts';
import * as schemaModule from '../../isa/schema.ts';
import * as accessModule from '../access.ts';
import * as faultModule from '../fault.ts';
import * as flagsModule from '../flags.ts';

// Imported values are copied into module constants. An ES import is a live binding, which V8's
// optimizing compiler reloads from the exporting module's cell, with a hole check, at every use;
// a module `const` is folded into the code as the value itself. In the interpreter's hot paths
// (a handler inlined into the block executor) those reloads were a large share of the work.
const { CR0_PE, CR0_PG, REG_ECX, REG_EDI, REG_EDX, REG_ESI, SEG_ES } = cpuStateModule;
const { STOP_NONE, STOP_REBLOCK } = machineModule;
const { PAGE_SHIFT } = physicalMemoryModule;
const { portIn, portIn8, portOut, portOut8 } = portBusModule;
const { FLAG_DF, FLAG_VM } = schemaModule;
const { linearAddressForWrite, read16, read32, read8, write16, write32, write8 } = accessModule;
const { CpuFault, VEC_GP } = faultModule;
const { LAZY_SUB, setLazy } = flagsModule;

type StringIoId = (typeof stringIoForms)[number]['id'];

/** Iterations one handler call may run before the instruction is re-executed (see header). */
const REP_CHUNK = 65536;
/** Prefix byte of REPE/REPZ; CMPS/SCAS under it repeat while ZF = 1. */
const PREFIX_REPE = 0xf3;
/** IOPL field of EFLAGS, bits 12-13 (SDM Vol. 1, 3.4.3.3). */
const IOPL_SHIFT = 12;

/** One operand width: how to move an element and reach the accumulator (AL, AX, EAX). */
interface Width {
  readonly bytes: 1 | 2 | 4;
  readonly bits: 8 | 16 | 32;
  /** Result mask: 8/16-bit values stay non-negative, 32-bit ones int32 (`& -1`). */
  readonly mask: number;
  readonly read: (m: Machine, seg: number, offset: number) => number;
  readonly write: (m: Machine, seg: number, offset: number, value: number) => void;
  readonly getAcc: (cpu: CpuState) => number;
  readonly setAcc: (cpu: CpuState, value: number) => void;
  readonly portIn: (bus: PortBus, port: number) => number;
  readonly portOut: (bus: PortBus, port: number, value: number) => void;
}

const W8: Width = {
  bytes: 1,
  bits: 8,
  mask: 0xff,
  read: read8,
  write: write8,
  getAcc: (cpu) => cpu.r8[0]!,
  setAcc: (cpu, value) => {
    cpu.r8[0] = value;
  },
  portIn: portIn8,
  portOut: portOut8,
};

const W16: Width = {
  bytes: 2,
  bits: 16,
  mask: 0xffff,
  read: read16,
  write: write16,
  getAcc: (cpu) => cpu.r16[0]!,
  setAcc: (cpu, value) => {
    cpu.r16[0] = value;
  },
  portIn: (bus, port) => portIn(bus, port, 2),
  portOut: (bus, port, value) => portOut(bus, port, value, 2),
};

const W32: Width = {
  bytes: 4,
  bits: 32,
  mask: -1,
  read: read32,
  write: write32,
  getAcc: (cpu) => cpu.r32[0]!,
  setAcc: (cpu, value) => {
    cpu.r32[0] = value;
  },
  portIn: (bus, port) => portIn(bus, port, 4),
  portOut: (bus, port, value) => portOut(bus, port, value, 4),
};

// ---- shared pieces ----

/** An index register stepped by `delta` within the address size: the bits above `amask` stay. */
function stepIndex(value: number, delta: number, amask: number): number {
  return (value & ~amask) | ((value + delta) & amask);
}

/** Leaves a REP unfinished: the instruction runs again from the current SI/DI/CX. */
function repeatLater(m: Machine, i: Insn): void {
  m.cpu.eip = i.eip;
  if (m.stop === STOP_NONE) m.stop = STOP_REBLOCK;
}

/**
 * The linear (= physical, paging being off) address of `len` bytes at `offset` in `seg` when
 * all of them are inside the segment limits, do not wrap the address size, and lie in RAM below
 * the model's address-line wrap; otherwise -1, and the caller takes the per-element path.
 */
function ramRange(m: Machine, seg: number, offset: number, len: number, amask: number, forWrite = false): number {
  const cpu = m.cpu;
  const first = offset >>> 0;
  const last = first + len - 1;
  const low = forWrite ? cpu.segWriteLow[seg]! : cpu.segLow[seg]!;
  const high = forWrite ? cpu.segWriteHigh[seg]! : cpu.segHigh[seg]!;
  if (last > amask >>> 0 || first < low || last > high) return -1;
  const linear = (cpu.segBase[seg]! >>> 0) + first;
  const end = linear + len - 1;
  if (end >= m.mem.size || (end & m.mem.addressMask) >>> 0 !== end) return -1;
  return linear;
}

/** Tells the code cache about a bulk write, as writePhys8 does before each byte it writes. */
function noteBulkWrite(mem: PhysicalMemory, linear: number, len: number): void {
  const last = (linear + len - 1) >>> PAGE_SHIFT;
  for (let page = linear >>> PAGE_SHIFT; page <= last; page++) {
    if (mem.codePages[page] !== 0) mem.onCodeWrite(page);
  }
}

/**
 * The TSS I/O permission bitmap lookup (SDM Vol. 1, 18.5.2): the seam for the TSS model. Until
 * the TSS exists every lookup denies, which is what the SDM specifies for bits beyond the TSS
 * limit.
 */
function ioBitmapPermits(_m: Machine, _port: number, _bytes: number): boolean {
  return false;
}

/** IN/OUT/INS/OUTS protection (SDM Vol. 1, 18.5.1 and 18.5.2): #GP(0) when not permitted. */
function checkIo(m: Machine, port: number, bytes: number): void {
  const cpu = m.cpu;
  if ((cpu.cr0 & CR0_PE) === 0) return;
  const flags = cpu.flags;
  if ((flags & FLAG_VM) === 0 && cpu.cpl <= ((flags >> IOPL_SHIFT) & 3)) return;
  if (!ioBitmapPermits(m, port, bytes)) throw new CpuFault(VEC_GP, 0);
}

/** The port in DX, once IN/OUT/INS/OUTS of `bytes` bytes may use it (#GP(0) otherwise). */
function checkedDxPort(m: Machine, bytes: number): number {
  const port = m.cpu.r16[REG_EDX << 1]!;
  checkIo(m, port, bytes);
  return port;
}

/** (E)SI and (E)DI one element of `bytes` further, down when DF is set. */
function advanceSiDi(cpu: CpuState, si: number, di: number, bytes: number, amask: number): void {
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  cpu.r32[REG_ESI] = stepIndex(si, step, amask);
  cpu.r32[REG_EDI] = stepIndex(di, step, amask);
}

/** (E)SI one element of `bytes` further, down when DF is set. */
function advanceSi(cpu: CpuState, si: number, bytes: number, amask: number): void {
  cpu.r32[REG_ESI] = stepIndex(si, cpu.flags & FLAG_DF ? -bytes : bytes, amask);
}

/** (E)DI one element of `bytes` further, down when DF is set. */
function advanceDi(cpu: CpuState, di: number, bytes: number, amask: number): void {
  cpu.r32[REG_EDI] = stepIndex(di, cpu.flags & FLAG_DF ? -bytes : bytes, amask);
}

// ---- REP engines: one per operation, shared by the three widths ----
// A repeated instruction amortises the width dispatch over its elements; the single-element
// handlers further down are written out per width because they are the per-instruction hot path.

function movsRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, read, write } = w;
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  const seg = i.seg;
  let si = cpu.r32[REG_ESI]!;
  let di = cpu.r32[REG_EDI]!;
  if (step > 0 && (cpu.cr0 & CR0_PG) === 0 && movsFast(m, i, bytes, amask, si, di, cx)) return;
  for (let n = 1; ; n++) {
    write(m, SEG_ES, di & amask, read(m, seg, si & amask));
    si = stepIndex(si, step, amask);
    di = stepIndex(di, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_ESI] = si;
    cpu.r32[REG_EDI] = di;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0) return;
    if (n === REP_CHUNK) return repeatLater(m, i);
  }
}

/**
 * Forward REP MOVS on the memory array. An element-by-element forward copy equals memmove
 * unless the destination starts inside the source run; then an ascending byte loop reproduces
 * it exactly as long as the two are at least one element apart. Returns false when it does not
 * apply, before changing anything.
 */
function movsFast(m: Machine, i: Insn, bytes: number, amask: number, si: number, di: number, cx: number): boolean {
  const count = (cx & amask) >>> 0;
  const n = count < REP_CHUNK ? count : REP_CHUNK;
  const len = n * bytes;
  const src = ramRange(m, i.seg, si & amask, len, amask);
  if (src < 0) return false;
  const dst = ramRange(m, SEG_ES, di & amask, len, amask, true);
  if (dst < 0) return false;
  const mem = m.mem;
  const b = mem.bytes;
  if (dst > src && dst < src + len) {
    if (dst - src < bytes) return false;
    noteBulkWrite(mem, dst, len);
    for (let k = 0; k < len; k++) b[dst + k] = b[src + k]!;
  } else {
    noteBulkWrite(mem, dst, len);
    b.copyWithin(dst, src, src + len);
  }
  const cpu = m.cpu;
  cpu.r32[REG_ESI] = stepIndex(si, len, amask);
  cpu.r32[REG_EDI] = stepIndex(di, len, amask);
  const left = stepIndex(cx, -n, amask);
  cpu.r32[REG_ECX] = left;
  if ((left & amask) !== 0) repeatLater(m, i);
  return true;
}

function stosRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, write } = w;
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  const value = w.getAcc(cpu);
  let di = cpu.r32[REG_EDI]!;
  if (step > 0 && (cpu.cr0 & CR0_PG) === 0 && stosFast(m, i, bytes, amask, value, di, cx)) return;
  for (let n = 1; ; n++) {
    write(m, SEG_ES, di & amask, value);
    di = stepIndex(di, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_EDI] = di;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0) return;
    if (n === REP_CHUNK) return repeatLater(m, i);
  }
}

/** Forward REP STOS on the memory array (little-endian element pattern); false when it does not apply. */
function stosFast(m: Machine, i: Insn, bytes: number, amask: number, value: number, di: number, cx: number): boolean {
  const count = (cx & amask) >>> 0;
  const n = count < REP_CHUNK ? count : REP_CHUNK;
  const len = n * bytes;
  const dst = ramRange(m, SEG_ES, di & amask, len, amask, true);
  if (dst < 0) return false;
  const mem = m.mem;
  noteBulkWrite(mem, dst, len);
  const b = mem.bytes;
  if (bytes === 1) {
    b.fill(value, dst, dst + len);
  } else {
    // One element, then doubling copies of what is already laid down.
    for (let j = 0; j < bytes; j++) b[dst + j] = value >>> (8 * j);
    for (let filled = bytes; filled < len; filled *= 2) b.copyWithin(dst + filled, dst, dst + Math.min(filled, len - filled));
  }
  const cpu = m.cpu;
  cpu.r32[REG_EDI] = stepIndex(di, len, amask);
  const left = stepIndex(cx, -n, amask);
  cpu.r32[REG_ECX] = left;
  if ((left & amask) !== 0) repeatLater(m, i);
  return true;
}

function lodsRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, read, setAcc } = w;
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  const seg = i.seg;
  let si = cpu.r32[REG_ESI]!;
  for (let n = 1; ; n++) {
    setAcc(cpu, read(m, seg, si & amask));
    si = stepIndex(si, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_ESI] = si;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0) return;
    if (n === REP_CHUNK) return repeatLater(m, i);
  }
}

function cmpsRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, bits, mask, read } = w;
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  const seg = i.seg;
  const whileEqual = i.rep === PREFIX_REPE;
  let si = cpu.r32[REG_ESI]!;
  let di = cpu.r32[REG_EDI]!;
  for (let n = 1; ; n++) {
    const a = read(m, seg, si & amask);
    const b = read(m, SEG_ES, di & amask);
    const res = (a - b) & mask;
    setLazy(cpu, LAZY_SUB, bits, a, b, res);
    si = stepIndex(si, step, amask);
    di = stepIndex(di, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_ESI] = si;
    cpu.r32[REG_EDI] = di;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0 || (res === 0) !== whileEqual) return;
    if (n === REP_CHUNK) return repeatLater(m, i);
  }
}

function scasRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, bits, mask, read } = w;
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  const acc = w.getAcc(cpu);
  let di = cpu.r32[REG_EDI]!;
  if (bytes === 1 && step > 0 && (cpu.cr0 & CR0_PG) === 0 && scasbFast(m, i, amask, acc, di, cx)) return;
  const whileEqual = i.rep === PREFIX_REPE;
  for (let n = 1; ; n++) {
    const b = read(m, SEG_ES, di & amask);
    const res = (acc - b) & mask;
    setLazy(cpu, LAZY_SUB, bits, acc, b, res);
    di = stepIndex(di, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_EDI] = di;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0 || (res === 0) !== whileEqual) return;
    if (n === REP_CHUNK) return repeatLater(m, i);
  }
}

/**
 * Forward REPE/REPNE SCASB on the memory array (the strlen/memchr idiom). It needs the whole
 * chunk in range even when the scan would stop earlier; otherwise it declines.
 */
function scasbFast(m: Machine, i: Insn, amask: number, al: number, di: number, cx: number): boolean {
  const count = (cx & amask) >>> 0;
  const n = count < REP_CHUNK ? count : REP_CHUNK;
  const start = ramRange(m, SEG_ES, di & amask, n, amask);
  if (start < 0) return false;
  const b = m.mem.bytes;
  const stopOnEqual = i.rep !== PREFIX_REPE;
  let k = 0;
  let value = 0;
  while (k < n) {
    value = b[start + k]!;
    k++;
    if ((value === al) === stopOnEqual) break;
  }
  const cpu = m.cpu;
  setLazy(cpu, LAZY_SUB, 8, al, value, (al - value) & 0xff);
  cpu.r32[REG_EDI] = stepIndex(di, k, amask);
  const left = stepIndex(cx, -k, amask);
  cpu.r32[REG_ECX] = left;
  if ((left & amask) !== 0 && (value === al) !== stopOnEqual) repeatLater(m, i);
  return true;
}

function insRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, write, portIn: readPort } = w;
  const port = cpu.r16[REG_EDX << 1]!;
  checkIo(m, port, bytes);
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  let di = cpu.r32[REG_EDI]!;
  for (let n = 1; ; n++) {
    linearAddressForWrite(cpu, SEG_ES, di & amask, bytes);
    write(m, SEG_ES, di & amask, readPort(m.ports, port));
    di = stepIndex(di, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_EDI] = di;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0) return;
    if (n === REP_CHUNK) return repeatLater(m, i);
  }
}

function outsRep(m: Machine, i: Insn, w: Width): void {
  const cpu = m.cpu;
  const amask = i.asz32 ? -1 : 0xffff;
  let cx = cpu.r32[REG_ECX]!;
  if ((cx & amask) === 0) return;
  const { bytes, read, portOut: writePort } = w;
  const port = cpu.r16[REG_EDX << 1]!;
  checkIo(m, port, bytes);
  const step = cpu.flags & FLAG_DF ? -bytes : bytes;
  const seg = i.seg;
  let si = cpu.r32[REG_ESI]!;
  for (let n = 1; ; n++) {
    writePort(m.ports, port, read(m, seg, si & amask));
    si = stepIndex(si, step, amask);
    cx = stepIndex(cx, -1, amask);
    cpu.r32[REG_ESI] = si;
    cpu.r32[REG_ECX] = cx;
    if ((cx & amask) === 0) return;
    // A device asked the run to stop (the debug-exit port): stop between elements, resumable.
    if (m.stop !== STOP_NONE || n === REP_CHUNK) return repeatLater(m, i);
  }
}

// ---- single-element handlers, per width ----
// Each handles its REP form by handing over to the engine above. `amask` is the address-size
// mask, `step` the signed element size.

export const stringIoHandlers = {
  // MOVS: ES:[DI] <- DS:[SI]
  Movsb_m8_m8: (m, i) => {
    if (i.rep !== 0) return movsRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    const di = cpu.r32[REG_EDI]!;
    write8(m, SEG_ES, di & amask, read8(m, i.seg, si & amask));
    advanceSiDi(cpu, si, di, 1, amask);
  },
  Movsw_m16_m16: (m, i) => {
    if (i.rep !== 0) return movsRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    const di = cpu.r32[REG_EDI]!;
    write16(m, SEG_ES, di & amask, read16(m, i.seg, si & amask));
    advanceSiDi(cpu, si, di, 2, amask);
  },
  Movsd_m32_m32: (m, i) => {
    if (i.rep !== 0) return movsRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    const di = cpu.r32[REG_EDI]!;
    write32(m, SEG_ES, di & amask, read32(m, i.seg, si & amask));
    advanceSiDi(cpu, si, di, 4, amask);
  },

  // CMPS: flags of DS:[SI] - ES:[DI] (SDM: SRC1 - SRC2, the source first)
  Cmpsb_m8_m8: (m, i) => {
    if (i.rep !== 0) return cmpsRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    const di = cpu.r32[REG_EDI]!;
    const a = read8(m, i.seg, si & amask);
    const b = read8(m, SEG_ES, di & amask);
    setLazy(cpu, LAZY_SUB, 8, a, b, (a - b) & 0xff);
    advanceSiDi(cpu, si, di, 1, amask);
  },
  Cmpsw_m16_m16: (m, i) => {
    if (i.rep !== 0) return cmpsRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    const di = cpu.r32[REG_EDI]!;
    const a = read16(m, i.seg, si & amask);
    const b = read16(m, SEG_ES, di & amask);
    setLazy(cpu, LAZY_SUB, 16, a, b, (a - b) & 0xffff);
    advanceSiDi(cpu, si, di, 2, amask);
  },
  Cmpsd_m32_m32: (m, i) => {
    if (i.rep !== 0) return cmpsRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    const di = cpu.r32[REG_EDI]!;
    const a = read32(m, i.seg, si & amask);
    const b = read32(m, SEG_ES, di & amask);
    setLazy(cpu, LAZY_SUB, 32, a, b, (a - b) | 0);
    advanceSiDi(cpu, si, di, 4, amask);
  },

  // STOS: ES:[DI] <- AL/AX/EAX (no segment override applies)
  Stosb_m8_AL: (m, i) => {
    if (i.rep !== 0) return stosRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const di = cpu.r32[REG_EDI]!;
    write8(m, SEG_ES, di & amask, cpu.r8[0]!);
    advanceDi(cpu, di, 1, amask);
  },
  Stosw_m16_AX: (m, i) => {
    if (i.rep !== 0) return stosRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const di = cpu.r32[REG_EDI]!;
    write16(m, SEG_ES, di & amask, cpu.r16[0]!);
    advanceDi(cpu, di, 2, amask);
  },
  Stosd_m32_EAX: (m, i) => {
    if (i.rep !== 0) return stosRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const di = cpu.r32[REG_EDI]!;
    write32(m, SEG_ES, di & amask, cpu.r32[0]!);
    advanceDi(cpu, di, 4, amask);
  },

  // LODS: AL/AX/EAX <- DS:[SI]
  Lodsb_AL_m8: (m, i) => {
    if (i.rep !== 0) return lodsRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    cpu.r8[0] = read8(m, i.seg, si & amask);
    advanceSi(cpu, si, 1, amask);
  },
  Lodsw_AX_m16: (m, i) => {
    if (i.rep !== 0) return lodsRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    cpu.r16[0] = read16(m, i.seg, si & amask);
    advanceSi(cpu, si, 2, amask);
  },
  Lodsd_EAX_m32: (m, i) => {
    if (i.rep !== 0) return lodsRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const si = cpu.r32[REG_ESI]!;
    cpu.r32[0] = read32(m, i.seg, si & amask);
    advanceSi(cpu, si, 4, amask);
  },

  // SCAS: flags of AL/AX/EAX - ES:[DI] (no segment override applies)
  Scasb_AL_m8: (m, i) => {
    if (i.rep !== 0) return scasRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const di = cpu.r32[REG_EDI]!;
    const a = cpu.r8[0]!;
    const b = read8(m, SEG_ES, di & amask);
    setLazy(cpu, LAZY_SUB, 8, a, b, (a - b) & 0xff);
    advanceDi(cpu, di, 1, amask);
  },
  Scasw_AX_m16: (m, i) => {
    if (i.rep !== 0) return scasRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const di = cpu.r32[REG_EDI]!;
    const a = cpu.r16[0]!;
    const b = read16(m, SEG_ES, di & amask);
    setLazy(cpu, LAZY_SUB, 16, a, b, (a - b) & 0xffff);
    advanceDi(cpu, di, 2, amask);
  },
  Scasd_EAX_m32: (m, i) => {
    if (i.rep !== 0) return scasRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const di = cpu.r32[REG_EDI]!;
    const a = cpu.r32[0]!;
    const b = read32(m, SEG_ES, di & amask);
    setLazy(cpu, LAZY_SUB, 32, a, b, (a - b) | 0);
    advanceDi(cpu, di, 4, amask);
  },

  // INS: ES:[DI] <- port DX. The destination is limit-checked before the port is read.
  Insb_m8_DX: (m, i) => {
    if (i.rep !== 0) return insRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const port = checkedDxPort(m, 1);
    const di = cpu.r32[REG_EDI]!;
    linearAddressForWrite(cpu, SEG_ES, di & amask, 1);
    write8(m, SEG_ES, di & amask, portIn8(m.ports, port));
    advanceDi(cpu, di, 1, amask);
  },
  Insw_m16_DX: (m, i) => {
    if (i.rep !== 0) return insRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const port = checkedDxPort(m, 2);
    const di = cpu.r32[REG_EDI]!;
    linearAddressForWrite(cpu, SEG_ES, di & amask, 2);
    write16(m, SEG_ES, di & amask, portIn(m.ports, port, 2));
    advanceDi(cpu, di, 2, amask);
  },
  Insd_m32_DX: (m, i) => {
    if (i.rep !== 0) return insRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const port = checkedDxPort(m, 4);
    const di = cpu.r32[REG_EDI]!;
    linearAddressForWrite(cpu, SEG_ES, di & amask, 4);
    write32(m, SEG_ES, di & amask, portIn(m.ports, port, 4));
    advanceDi(cpu, di, 4, amask);
  },

  // OUTS: port DX <- DS:[SI]
  Outsb_DX_m8: (m, i) => {
    if (i.rep !== 0) return outsRep(m, i, W8);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const port = checkedDxPort(m, 1);
    const si = cpu.r32[REG_ESI]!;
    portOut8(m.ports, port, read8(m, i.seg, si & amask));
    advanceSi(cpu, si, 1, amask);
  },
  Outsw_DX_m16: (m, i) => {
    if (i.rep !== 0) return outsRep(m, i, W16);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const port = checkedDxPort(m, 2);
    const si = cpu.r32[REG_ESI]!;
    portOut(m.ports, port, read16(m, i.seg, si & amask), 2);
    advanceSi(cpu, si, 2, amask);
  },
  Outsd_DX_m32: (m, i) => {
    if (i.rep !== 0) return outsRep(m, i, W32);
    const cpu = m.cpu;
    const amask = i.asz32 ? -1 : 0xffff;
    const port = checkedDxPort(m, 4);
    const si = cpu.r32[REG_ESI]!;
    portOut(m.ports, port, read32(m, i.seg, si & amask), 4);
    advanceSi(cpu, si, 4, amask);
  },

  // IN/OUT: the imm8 port is zero-extended (the decoder gives Ib unsigned); DX otherwise.
  In_AL_imm8: (m, i) => {
    checkIo(m, i.imm, 1);
    m.cpu.r8[0] = portIn8(m.ports, i.imm);
  },
  In_AX_imm8: (m, i) => {
    checkIo(m, i.imm, 2);
    m.cpu.r16[0] = portIn(m.ports, i.imm, 2);
  },
  In_EAX_imm8: (m, i) => {
    checkIo(m, i.imm, 4);
    m.cpu.r32[0] = portIn(m.ports, i.imm, 4);
  },
  Out_imm8_AL: (m, i) => {
    checkIo(m, i.imm, 1);
    portOut8(m.ports, i.imm, m.cpu.r8[0]!);
  },
  Out_imm8_AX: (m, i) => {
    checkIo(m, i.imm, 2);
    portOut(m.ports, i.imm, m.cpu.r16[0]!, 2);
  },
  Out_imm8_EAX: (m, i) => {
    checkIo(m, i.imm, 4);
    portOut(m.ports, i.imm, m.cpu.r32[0]!, 4);
  },
  In_AL_DX: (m) => {
    const port = checkedDxPort(m, 1);
    m.cpu.r8[0] = portIn8(m.ports, port);
  },
  In_AX_DX: (m) => {
    const port = checkedDxPort(m, 2);
    m.cpu.r16[0] = portIn(m.ports, port, 2);
  },
  In_EAX_DX: (m) => {
    const port = checkedDxPort(m, 4);
    m.cpu.r32[0] = portIn(m.ports, port, 4);
  },
  Out_DX_AL: (m) => {
    const port = checkedDxPort(m, 1);
    portOut8(m.ports, port, m.cpu.r8[0]!);
  },
  Out_DX_AX: (m) => {
    const port = checkedDxPort(m, 2);
    portOut(m.ports, port, m.cpu.r16[0]!, 2);
  },
  Out_DX_EAX: (m) => {
    const port = checkedDxPort(m, 4);
    portOut(m.ports, port, m.cpu.r32[0]!, 4);
  },
} satisfies Record<StringIoId, Handler>;
