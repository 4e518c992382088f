/**
 * The `unicorn` adapter: libunicorn 2 (QEMU's TCG behind a library API) as an xvc subject.
 *
 * What the subject models and how:
 * - a PC-like board around Unicorn's CPU: RAM from 0 up to `memorySize`, open bus above it
 *   (reads all ones, writes dropped) as an MMIO region, and the xvc port devices of the reference
 *   machine (debug console 0xE9, COM1 UART, debug-exit 0xF4 giving status (value << 1) | 1),
 *   attached through UC_HOOK_INSN for IN and OUT;
 * - real mode and 32-bit protected mode, both in a UC_MODE_32 engine: the mode is the CPU's
 *   (CR0.PE, the CS descriptor), as in QEMU, and UC_MODE only decides how `uc_emu_start`
 *   takes its start address (UC_MODE_16 would subtract CS * 16 from it);
 * - the instruction limit through `uc_emu_start`'s count, HLT through the run ending by itself,
 *   breakpoints through one-address UC_HOOK_CODE hooks, exceptions through UC_HOOK_INTR and
 *   UC_HOOK_INSN_INVALID (#UD).
 *
 * Unicorn never delivers an exception or INT n through the guest's IVT or IDT: it hands the
 * vector to UC_HOOK_INTR and, once the hook returns, carries on past it. Every exception and
 * software interrupt therefore ends the run with `{kind: 'exception'}`, whatever
 * `stopOnException` says; this is declared as a quirk, so suites that need delivery fail (or
 * skip by capability) rather than pass by accident.
 *
 * Segment descriptor caches cannot be written through the Unicorn API: writing a selector
 * makes Unicorn load the cache as the CPU would (selector * 16 in real mode, the descriptor in
 * the GDT or LDT in protected mode), so a state whose cache disagrees with its selector and
 * descriptor tables is not held. The caches are read back from the CPU context
 * (`uc_context_save`, QEMU's CPUX86State of Unicorn 2.0.x), so getState reports what the CPU
 * really holds and a state it could not take shows up as a divergence, never hidden.
 *
 * Work-arounds for Unicorn 2.0.1 API defects (they touch how the harness drives the library,
 * not what the emulated CPU does, so they are not quirks):
 * - translated blocks are kept across `uc_mem_write` and `uc_hook_add`: a host write over code
 *   already run, or a hook added for code already run, is ignored. Host writes and breakpoint
 *   changes therefore drop the blocks they touch (UC_CTL_TB_REMOVE_CACHE);
 * - blocks translated while `uc_emu_start` ran without a count ignore a later count. Every run
 *   passes a count, so Unicorn's counting hook is present from the first translation on;
 * - a stop from a code hook (Unicorn's instruction count, a breakpoint, and in counted runs a
 *   debug-exit port write, which the next instruction's count hook ends) leaves EIP holding the
 *   linear address CS.base + EIP: helper_uc_tracecode syncs the PC with x86_set_pc, which in
 *   UC_MODE_32 stores the linear address unchanged, and the stop skips the resync from the
 *   translated block. Left alone, the state reads wrong and the next `uc_emu_start` starts at
 *   CS.base + (CS.base + EIP), running off into the open bus (UC_ERR_FETCH_PROT) in real mode.
 *   The next run therefore starts from the offset (see `resumeFromOffset`); what the subject
 *   reports stays what Unicorn gives, a declared quirk;
 * - writing CR0 through `uc_reg_write` stores it without QEMU's cpu_x86_update_cr0, so the
 *   hflags that translation keys on keep the UC_MODE_32 engine's PE: code then runs in real
 *   mode by CR0 but translates as protected mode, and `mov ds, ax` takes a GDT lookup (#GP) or
 *   loads a null segment. setState therefore puts the CR0 bits of hflags right through the CPU
 *   context (see `syncCr0Flags`);
 * - a count stop and HLT both end `uc_emu_start` with UC_ERR_OK. A HLT leaves EIP just past an
 *   F4 byte; when a count stop does too, the run is replayed from a snapshot with one
 *   instruction fewer to see which it was (see `classifyQuietEnd`).
 */

import {
  attachDevice,
  createDebugConsole,
  createDebugExit,
  createPortBus,
  createUart16550,
  MAX_INSTRUCTION_BYTES,
  portIn,
  portOut,
  PORT_COM1,
  PREFIX_BY_BYTE,
  SEG_NAMES,
  type CpuModelName,
  type PortBus,
  type StopReason,
} from '../../../reference-emulator/index.ts';
import type { ArchState, RunLimits, SegmentState, Subject, SubjectConfig, TableRegister } from '../../adapter.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import {
  loadUnicorn,
  MMR_OFFSET,
  MMR_SIZE,
  MSR_EFER,
  MSR_SIZE,
  UC_ERR_FETCH_UNMAPPED,
  UC_ERR_INSN_INVALID,
  UC_ERR_OK,
  UC_ERR_READ_UNMAPPED,
  UC_ERR_WRITE_UNMAPPED,
  UC_MODE_32,
  UC_PROT_ALL,
  UC_X86_REG,
  type CallbackHandle,
  type EngineHandle,
  type UnicornLibrary,
} from './ffi.ts';

export const UNICORN_SUBJECT_NAME = 'unicorn';

/** The only CPU generation Unicorn can stand for: QEMU's TCG x86 has no per-generation #UD or quirks. */
const UNICORN_CPU_MODELS: CpuModelName[] = ['modern'];

/** `until` for uc_emu_start: an address no 32-bit guest reaches, so only our stops end a run. */
const NEVER_REACHED = 0xffff_ffff_ffff_ffffn;
/** The 32-bit physical address space; above RAM it is open bus. */
const ADDRESS_SPACE = 2 ** 32;
const PAGE_SIZE = 4096;

/** Vectors that push an error code (SDM Vol. 3A, Table 6-1). */
const ERROR_CODE_VECTORS = new Set([8, 10, 11, 12, 13, 14, 17, 21]);
const VECTOR_UD = 6;
const HLT_OPCODE = 0xf4;

/**
 * Offsets into the CPU context that `uc_context_save` writes (Unicorn 2.0.x on x86-64 hosts):
 * a 16-byte header (context size, mode, arch), then QEMU's CPUX86State with 64-bit
 * target_ulong. Found by writing known values and finding them; `readContext` checks them
 * against `uc_reg_read` every time, so a library with another layout fails loudly.
 */
const CONTEXT = {
  header: 16,
  regs: 16 + 0,
  eip: 16 + 128,
  segs: 16 + 184,
  segmentCacheSize: 24,
  /** CPUX86State.hflags, QEMU's cached mode bits that translation keys on. */
  hflags: 16 + 176,
  gdt: 16 + 376,
  /** CPUX86State.error_code: the error code of the last exception raised. */
  errorCode: 16 + 5352,
} as const;
/** SegmentCache {uint32_t selector; target_ulong base; uint32_t limit; uint32_t flags}. */
const SEGMENT_CACHE = { selector: 0, base: 8, limit: 16, flags: 20 } as const;
/** QEMU's hflags bits (target/i386/cpu.h) that mirror CR0: PE, ADDSEG (set in real mode), MP/EM/TS. */
const HF = { CS32: 1 << 4, SS32: 1 << 5, ADDSEG: 1 << 6, PE: 1 << 7, MP_SHIFT: 9, CR0_BITS: 0x7 << 9 } as const;

type SegName = (typeof SEG_NAMES)[number];
const SEG_REGISTER: Record<SegName, number> = {
  es: UC_X86_REG.ES, cs: UC_X86_REG.CS, ss: UC_X86_REG.SS, ds: UC_X86_REG.DS, fs: UC_X86_REG.FS, gs: UC_X86_REG.GS,
};
/** CS first: it sets the CPL that the SS and data-segment checks use (SDM Vol. 3A, 5.5-5.6). */
const SEG_LOAD_ORDER: readonly SegName[] = ['cs', 'ss', 'ds', 'es', 'fs', 'gs'];
const GENERAL_REGISTERS = [
  ['eax', UC_X86_REG.EAX], ['ecx', UC_X86_REG.ECX], ['edx', UC_X86_REG.EDX], ['ebx', UC_X86_REG.EBX],
  ['esp', UC_X86_REG.ESP], ['ebp', UC_X86_REG.EBP], ['esi', UC_X86_REG.ESI], ['edi', UC_X86_REG.EDI],
] as const;

/** QEMU keeps descriptor attributes in place (high dword bits 8-23); ArchState has them >> 8. */
const attrFromQemuFlags = (flags: number): number => (flags >>> 8) & 0xf0ff;
const qemuFlagsFromAttr = (attr: number): number => ((attr & 0xf0ff) << 8) >>> 0;

export interface UnicornSubjectOptions {
  name?: string;
  /**
   * 'exact' (default): every run counts instructions (Unicorn's per-instruction counting hook),
   * so the limit is exact. 'none': runs pass no count and never stop at a limit, which is
   * Unicorn's full speed; for the benchmark, where the guest ends at HLT by itself.
   */
  instructionLimit?: 'exact' | 'none';
}

interface MachineSnapshot {
  context: Uint8Array;
  ram: Uint8Array;
}

interface Engine {
  handle: EngineHandle;
  memorySize: number;
  /** A context buffer of the library's size, reused for every save and restore. */
  context: bigint;
  contextSize: number;
  callbacks: CallbackHandle[];
  bus: PortBus;
  breakpointHooks: Map<number, bigint>;
}

/** The mutable part of one `run`: what the hooks saw. */
interface RunProgress {
  stop: StopReason | undefined;
  /** The run's first instruction, where a breakpoint does not stop the run. */
  startLinear: number;
  startBreakpointPending: boolean;
  /** Replays must not repeat the guest's console output. */
  replaying: boolean;
}

const u32 = (view: DataView, at: number): number => view.getUint32(at, true);

export const UNICORN_QUIRKS: readonly string[] = [
  'exceptions and INT n go to UC_HOOK_INTR, never through the guest IVT/IDT: every exception and software interrupt ends the run as {kind: exception}, even without stopOnException',
  'with CR0.PG set, accesses go to the linear address as if it were physical: reads and fetches without a walk (no accessed bits); a write to a page not read first walks and sets A/D, then stores at the linear address too (unicorn-engine/unicorn#1953, fixed in 2.1.0)',
  'segment descriptor caches are loaded from the selector (real mode: selector * 16; protected mode: the GDT/LDT in guest memory); a cache that disagrees with them cannot be set',
  'real-mode CS loads get data-segment attributes 0x93, as QEMU does (and as SDM Vol. 3A Table 9-1 gives for CS after reset)',
  'the instruction limit counts every iteration of a REP string instruction (Unicorn counts each pass of QEMU\'s per-iteration loop): a run can stop inside a REP with ECX part-way and EIP still at the REP, and single-stepping takes one step per iteration',
  'after a stop from a code hook (the instruction limit, a breakpoint, a counted debug-exit write) with a non-zero CS base, EIP reads as the linear address CS.base + EIP; reported as read (the next run resumes from the offset)',
  'EFER cannot be set: the CPUID of Unicorn 2.0.1 (leaf 1 EDX 0x07088100, no PSE/PAE/TSC/MSR bits; no NX, SYSCALL or LM) makes QEMU drop EFER writes, so EFER.NXE stays 0',
];

/** The unicorn subject; throws a one-line error naming the library and its package when libunicorn is absent. */
export function createUnicornSubject(options: UnicornSubjectOptions = {}): Subject {
  const lib = loadUnicorn();
  const counted = (options.instructionLimit ?? 'exact') === 'exact';
  let engine: Engine | undefined;
  let breakpoints: number[] = [];
  const consoleBytes: number[] = [];
  const progress: RunProgress = { stop: undefined, startLinear: 0, startBreakpointPending: false, replaying: false };

  const need = (): Engine => {
    if (!engine) throw new Error('unicorn subject used before reset()');
    return engine;
  };
  const check = (err: number, what: string): void => {
    if (err !== UC_ERR_OK) throw new SubjectError('subject-crash', `unicorn: ${what} failed: ${lib.strerror(err)}`);
  };

  // --- registers -----------------------------------------------------------------------------
  const scratch = new Uint8Array(MMR_SIZE);
  const scratchView = new DataView(scratch.buffer);
  const readU32 = (e: Engine, reg: number): number => {
    scratch.fill(0);
    check(lib.regRead(e.handle, reg, scratch), `reading register ${reg}`);
    return u32(scratchView, 0);
  };
  const writeU32 = (e: Engine, reg: number, value: number): number => {
    scratch.fill(0);
    scratchView.setUint32(0, value >>> 0, true);
    return lib.regWrite(e.handle, reg, scratch);
  };
  const readMmr = (e: Engine, reg: number): SegmentState => {
    scratch.fill(0);
    check(lib.regRead(e.handle, reg, scratch), `reading register ${reg}`);
    return {
      sel: scratchView.getUint16(MMR_OFFSET.selector, true),
      base: Number(scratchView.getBigUint64(MMR_OFFSET.base, true) & 0xffff_ffffn),
      limit: u32(scratchView, MMR_OFFSET.limit),
      attr: attrFromQemuFlags(u32(scratchView, MMR_OFFSET.flags)),
    };
  };
  const writeMmr = (e: Engine, reg: number, value: SegmentState | TableRegister): void => {
    scratch.fill(0);
    if ('sel' in value) scratchView.setUint16(MMR_OFFSET.selector, value.sel, true);
    scratchView.setBigUint64(MMR_OFFSET.base, BigInt(value.base >>> 0), true);
    scratchView.setUint32(MMR_OFFSET.limit, value.limit >>> 0, true);
    if ('attr' in value) scratchView.setUint32(MMR_OFFSET.flags, qemuFlagsFromAttr(value.attr), true);
    check(lib.regWrite(e.handle, reg, scratch), `writing register ${reg}`);
  };
  const msr = new Uint8Array(MSR_SIZE);
  const msrView = new DataView(msr.buffer);
  const readEfer = (e: Engine): number => {
    msr.fill(0);
    msrView.setUint32(0, MSR_EFER, true);
    check(lib.regRead(e.handle, UC_X86_REG.MSR, msr), 'reading EFER');
    return Number(msrView.getBigUint64(8, true) & 0xffff_ffffn);
  };
  const writeEfer = (e: Engine, value: number): void => {
    msr.fill(0);
    msrView.setUint32(0, MSR_EFER, true);
    msrView.setBigUint64(8, BigInt(value >>> 0), true);
    check(lib.regWrite(e.handle, UC_X86_REG.MSR, msr), 'writing EFER');
  };

  /** The CPU context as Unicorn saves it, checked against uc_reg_read so a layout change cannot pass unseen. */
  const readContext = (e: Engine): DataView => {
    check(lib.contextSave(e.handle, e.context), 'uc_context_save');
    const bytes = lib.peek(e.context, e.contextSize);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const eaxMatches = u32(view, CONTEXT.regs) === readU32(e, UC_X86_REG.EAX);
    const eipMatches = u32(view, CONTEXT.eip) === readU32(e, UC_X86_REG.EIP);
    const csMatches = u32(view, CONTEXT.segs + 1 * CONTEXT.segmentCacheSize + SEGMENT_CACHE.selector) === readU32(e, UC_X86_REG.CS);
    if (!eaxMatches || !eipMatches || !csMatches) {
      throw new SubjectError('protocol', `unicorn: CPU context layout of libunicorn ${lib.version.text} is not the 2.0.x one this adapter reads segment caches from`);
    }
    return view;
  };
  const segmentFromContext = (view: DataView, index: number): SegmentState => {
    const at = CONTEXT.segs + index * CONTEXT.segmentCacheSize;
    return {
      sel: u32(view, at + SEGMENT_CACHE.selector) & 0xffff,
      base: Number(view.getBigUint64(at + SEGMENT_CACHE.base, true) & 0xffff_ffffn),
      limit: u32(view, at + SEGMENT_CACHE.limit),
      attr: attrFromQemuFlags(u32(view, at + SEGMENT_CACHE.flags)),
    };
  };
  const csBase = (e: Engine): number => segmentFromContext(readContext(e), 1).base;
  /** What cpu_x86_update_cr0 would do to hflags for `cr0` (see the header), through the context. */
  const syncCr0Flags = (e: Engine, cr0: number): void => {
    const view = readContext(e);
    const hflags = u32(view, CONTEXT.hflags);
    const pe = cr0 & 1;
    const next = ((hflags & ~(HF.PE | HF.CR0_BITS)) | (pe ? HF.PE : HF.ADDSEG) | ((cr0 << (HF.MP_SHIFT - 1)) & HF.CR0_BITS)) >>> 0;
    if (next === hflags) return;
    view.setUint32(CONTEXT.hflags, next, true);
    lib.poke(e.context, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    check(lib.contextRestore(e.handle, e.context), 'uc_context_restore');
  };
  /**
   * After a stop from a code hook EIP holds CS.base + EIP (see the header). That is what the
   * subject reports (getState, the breakpoint stop): the quirk shows as an honest difference.
   * Only the next run starts from the offset, so the emulation itself goes on where it should.
   */
  let eipHoldsLinear = false;
  const noteLinearEip = (e: Engine): void => {
    if (eipIsLinearAfterHookStop() && csBase(e) !== 0) eipHoldsLinear = true;
  };
  const resumeFromOffset = (e: Engine): void => {
    if (!eipHoldsLinear) return;
    eipHoldsLinear = false;
    check(writeU32(e, UC_X86_REG.EIP, (readU32(e, UC_X86_REG.EIP) - csBase(e)) >>> 0), 'writing EIP');
  };

  // --- memory and snapshots ------------------------------------------------------------------
  const invalidate = (e: Engine, begin: number, end: number): void => check(lib.invalidateTranslations(e.handle, begin, end), 'dropping translated blocks');
  const readRam = (e: Engine, address: number, length: number): Uint8Array => {
    const out = new Uint8Array(length);
    if (length > 0) check(lib.memRead(e.handle, address, out), `reading ${length} bytes at 0x${address.toString(16)}`);
    return out;
  };
  const takeSnapshot = (e: Engine): MachineSnapshot => {
    check(lib.contextSave(e.handle, e.context), 'uc_context_save');
    return { context: lib.peek(e.context, e.contextSize), ram: readRam(e, 0, e.memorySize) };
  };
  const restoreSnapshot = (e: Engine, snapshot: MachineSnapshot): void => {
    lib.poke(e.context, snapshot.context);
    check(lib.contextRestore(e.handle, e.context), 'uc_context_restore');
    check(lib.memWrite(e.handle, 0, snapshot.ram), 'restoring RAM');
    invalidate(e, 0, e.memorySize);
  };

  // --- hooks -----------------------------------------------------------------------------------
  const requestStop = (stop: StopReason): void => {
    progress.stop ??= stop;
    lib.emuStop(need().handle);
  };
  const onInterrupt = (_uc: EngineHandle, vector: number): void => {
    const e = need();
    if (ERROR_CODE_VECTORS.has(vector)) {
      check(lib.contextSave(e.handle, e.context), 'uc_context_save');
      const bytes = lib.peek(e.context, e.contextSize);
      const errorCode = new DataView(bytes.buffer, bytes.byteOffset).getUint32(CONTEXT.errorCode, true) & 0xffff;
      requestStop({ kind: 'exception', vector, errorCode });
    } else {
      requestStop({ kind: 'exception', vector });
    }
  };
  const onInvalidInstruction = (): boolean => {
    progress.stop ??= { kind: 'exception', vector: VECTOR_UD };
    return false; // stop: Unicorn has no #UD delivery either
  };
  const onBreakpoint = (_uc: EngineHandle, address: bigint): void => {
    if (progress.startBreakpointPending && Number(address) === progress.startLinear) {
      progress.startBreakpointPending = false;
      return;
    }
    progress.startBreakpointPending = false;
    // The breakpoint's EIP is read after the stop, as Unicorn reports it (see the quirks).
    requestStop({ kind: 'breakpoint', eip: 0 });
  };
  const onPortIn = (_uc: EngineHandle, port: number, size: number): number => portIn(need().bus, port, size as 1 | 2 | 4) >>> 0;
  const onPortOut = (_uc: EngineHandle, port: number, size: number, value: number): void => {
    portOut(need().bus, port, value, size as 1 | 2 | 4);
  };
  const openBusRead = (): bigint => 0xffff_ffff_ffff_ffffn;
  const openBusWrite = (): void => {};

  const setBreakpoints = (e: Engine, wanted: readonly number[]): void => {
    const next = new Set(wanted.map((a) => a >>> 0));
    if (next.size === e.breakpointHooks.size && [...next].every((a) => e.breakpointHooks.has(a))) return;
    // Blocks translated before a hook was added never call it (Unicorn 2.0.1), and blocks
    // translated with a removed one still check for it: drop the blocks at every changed address.
    const changed = new Set([...next, ...e.breakpointHooks.keys()].filter((a) => next.has(a) !== e.breakpointHooks.has(a)));
    for (const hook of e.breakpointHooks.values()) check(lib.hookDel(e.handle, hook), 'uc_hook_del');
    e.breakpointHooks.clear();
    const callback = e.callbacks[0]!;
    for (const address of next) e.breakpointHooks.set(address, lib.hookCode(e.handle, callback, BigInt(address), BigInt(address)));
    for (const address of changed) invalidate(e, address, address + 1);
  };

  const closeEngine = (): void => {
    if (!engine) return;
    lib.close(engine.handle);
    lib.contextFree(engine.context);
    for (const callback of engine.callbacks) lib.unregister(callback);
    engine = undefined;
  };

  /** Whether the bytes at `linear` are a HLT (legacy prefixes, SDM Vol. 2A 2.1.1, then F4) that ends at `end`. */
  const isHltAt = (e: Engine, linear: number, end?: number): boolean => {
    if (linear < 0 || linear >= e.memorySize) return false;
    const bytes = readRam(e, linear, Math.min(MAX_INSTRUCTION_BYTES, e.memorySize - linear));
    let k = 0;
    while (k < bytes.length && PREFIX_BY_BYTE.has(bytes[k]!)) k++;
    return bytes[k] === HLT_OPCODE && (end === undefined || linear + k + 1 === end);
  };

  /**
   * A run that ended with UC_ERR_OK and no hook stop either executed HLT or used up its count.
   * HLT leaves EIP just past an F4 (Unicorn reports the offset then); when no F4 is there it was
   * the count. When one is, one instruction of the run decides: with a budget of one it is the
   * first; else the run is replayed from `start` with one instruction fewer. An earlier HLT
   * gives the same stop again; otherwise the replay stops at the last instruction, which was a
   * HLT or not. After a count stop Unicorn's EIP is the linear address when the probe finds that
   * defect, so the replay's stop address is taken as linear exactly then; `run` puts the offset
   * back afterwards.
   */
  const classifyQuietEnd = (e: Engine, limits: RunLimits, start: MachineSnapshot | undefined, begin: number): StopReason => {
    const eip = readU32(e, UC_X86_REG.EIP);
    const cs = readU32(e, UC_X86_REG.CS);
    const base = csBase(e);
    const afterHlt = isHltAt(e, (base + eip - 1) >>> 0, (base + eip) >>> 0);
    if (!counted) {
      if (afterHlt) return { kind: 'halt' };
      throw new SubjectError('subject-crash', `unicorn: uc_emu_start ended at EIP 0x${eip.toString(16)} without HLT, a count or a hook stop`);
    }
    if (!afterHlt) return { kind: 'limit' };
    if (limits.maxInstructions === 1) return isHltAt(e, progress.startLinear) ? { kind: 'halt' } : { kind: 'limit' };
    if (!start) return { kind: 'halt' };
    const end = takeSnapshot(e);
    try {
      restoreSnapshot(e, start);
      progress.replaying = true;
      progress.stop = undefined;
      progress.startBreakpointPending = breakpoints.includes(progress.startLinear);
      check(lib.emuStart(e.handle, BigInt(begin), NEVER_REACHED, 0, limits.maxInstructions - 1), 'replaying the run');
      const replayEip = readU32(e, UC_X86_REG.EIP);
      if (replayEip === eip && readU32(e, UC_X86_REG.CS) === cs) return { kind: 'halt' };
      const lastLinear = (eipIsLinearAfterHookStop() ? replayEip : csBase(e) + replayEip) >>> 0;
      return isHltAt(e, lastLinear, (base + eip) >>> 0) ? { kind: 'halt' } : { kind: 'limit' };
    } finally {
      progress.replaying = false;
      restoreSnapshot(e, end);
    }
  };

  const subject: Subject = {
    name: options.name ?? UNICORN_SUBJECT_NAME,
    capabilities: {
      modes: ['real', 'prot32'],
      cpuModels: UNICORN_CPU_MODELS,
      // QEMU's MMU walks all three formats; 2.0.1 then uses the wrong address (quirk above).
      paging: ['none', '32bit', 'pse', 'pae'],
      singleStep: true,
      translate: false,
      snapshot: true,
    },
    quirks: UNICORN_QUIRKS,
    async reset(config: SubjectConfig) {
      if (!UNICORN_CPU_MODELS.includes(config.cpu)) throw new Error(`unicorn subject models only the 'modern' CPU, not '${config.cpu}'`);
      if (!Number.isInteger(config.memorySize) || config.memorySize <= 0 || config.memorySize % PAGE_SIZE !== 0 || config.memorySize > ADDRESS_SPACE - PAGE_SIZE) {
        throw new RangeError(`memory size ${config.memorySize} must be a positive multiple of 4096 bytes below 4 GiB`);
      }
      closeEngine();
      consoleBytes.length = 0;
      breakpoints = [];
      const handle = lib.open(UC_MODE_32);
      const callbacks = [
        lib.registerCode(onBreakpoint),
        lib.registerInterrupt(onInterrupt),
        lib.registerInvalidInstruction(onInvalidInstruction),
        lib.registerPortIn(onPortIn),
        lib.registerPortOut(onPortOut),
        lib.registerMmioRead(openBusRead),
        lib.registerMmioWrite(openBusWrite),
      ];
      const bus = createPortBus();
      attachDevice(bus, createDebugConsole((byte) => {
        if (!progress.replaying) consoleBytes.push(byte);
      }));
      attachDevice(bus, createUart16550(PORT_COM1, (byte) => {
        if (!progress.replaying) consoleBytes.push(byte);
      }));
      attachDevice(bus, createDebugExit((status) => requestStop({ kind: 'exit-port', status })));
      engine = { handle, memorySize: config.memorySize, context: lib.contextAlloc(handle), contextSize: lib.contextSize(handle), callbacks, bus, breakpointHooks: new Map() };
      check(lib.memMap(handle, 0, config.memorySize, UC_PROT_ALL), `mapping ${config.memorySize} bytes of RAM`);
      check(lib.mmioMap(handle, config.memorySize, ADDRESS_SPACE - config.memorySize, callbacks[5]!, callbacks[6]!), 'mapping the open bus above RAM');
      lib.hookInterrupt(handle, callbacks[1]!);
      lib.hookInvalidInstruction(handle, callbacks[2]!);
      lib.hookPortIn(handle, callbacks[3]!);
      lib.hookPortOut(handle, callbacks[4]!);
      // A UC_MODE_32 engine opens in protected mode with 32-bit CS and SS: hflags must say so,
      // or the offset `syncCr0Flags` writes is not QEMU's hflags.
      const hflags = u32(readContext(engine), CONTEXT.hflags);
      if ((hflags & (HF.PE | HF.CS32 | HF.SS32)) !== (HF.PE | HF.CS32 | HF.SS32)) {
        throw new SubjectError('protocol', `unicorn: CPU context layout of libunicorn ${lib.version.text} has no hflags where the 2.0.x one has them`);
      }
    },
    async writeMemory(address, bytes) {
      const e = need();
      if (address < 0 || address + bytes.length > e.memorySize) throw new RangeError(`write of ${bytes.length} bytes at 0x${address.toString(16)} is outside RAM`);
      if (bytes.length === 0) return;
      check(lib.memWrite(e.handle, address, bytes), `writing ${bytes.length} bytes at 0x${address.toString(16)}`);
      // Unicorn 2.0.1 keeps running blocks translated from the old bytes otherwise.
      invalidate(e, address, address + bytes.length);
    },
    async readMemory(address, length) {
      const e = need();
      const out = new Uint8Array(length).fill(0xff);
      const end = Math.min(address + length, e.memorySize);
      if (address < end) out.set(readRam(e, address, end - address));
      return out;
    },
    async setState(state: ArchState) {
      const e = need();
      // Paging and mode bits before anything is loaded through them; EFLAGS.VM before the
      // selectors, since it decides how a selector is loaded (SDM Vol. 3A, 20.2).
      check(writeU32(e, UC_X86_REG.CR4, state.cr4), 'writing CR4');
      check(writeU32(e, UC_X86_REG.CR3, state.cr3), 'writing CR3');
      writeEfer(e, state.efer);
      writeMmr(e, UC_X86_REG.GDTR, state.gdtr);
      writeMmr(e, UC_X86_REG.IDTR, state.idtr);
      check(writeU32(e, UC_X86_REG.CR0, state.cr0), 'writing CR0');
      syncCr0Flags(e, state.cr0);
      check(writeU32(e, UC_X86_REG.EFLAGS, state.eflags), 'writing EFLAGS');
      // A selector Unicorn refuses (a descriptor it finds invalid) leaves the old cache: that
      // divergence is what getState then reports, as the contract wants.
      for (const name of SEG_LOAD_ORDER) writeU32(e, SEG_REGISTER[name], state.segs[name].sel);
      writeMmr(e, UC_X86_REG.LDTR, state.ldtr);
      writeMmr(e, UC_X86_REG.TR, state.tr);
      for (const [name, reg] of GENERAL_REGISTERS) check(writeU32(e, reg, state.regs[name]), `writing ${name}`);
      check(writeU32(e, UC_X86_REG.EIP, state.eip), 'writing EIP');
      eipHoldsLinear = false;
      check(writeU32(e, UC_X86_REG.CR2, state.cr2), 'writing CR2');
    },
    async getState(): Promise<ArchState> {
      const e = need();
      const view = readContext(e);
      const segs = Object.fromEntries(SEG_NAMES.map((name, index) => [name, segmentFromContext(view, index)])) as Record<SegName, SegmentState>;
      const regs = Object.fromEntries(GENERAL_REGISTERS.map(([name, reg]) => [name, readU32(e, reg)])) as ArchState['regs'];
      const gdtr = readMmr(e, UC_X86_REG.GDTR);
      const idtr = readMmr(e, UC_X86_REG.IDTR);
      return {
        regs,
        eip: readU32(e, UC_X86_REG.EIP),
        eflags: readU32(e, UC_X86_REG.EFLAGS),
        segs,
        cr0: readU32(e, UC_X86_REG.CR0),
        cr2: readU32(e, UC_X86_REG.CR2),
        cr3: readU32(e, UC_X86_REG.CR3),
        cr4: readU32(e, UC_X86_REG.CR4),
        efer: readEfer(e),
        gdtr: { base: gdtr.base, limit: gdtr.limit },
        idtr: { base: idtr.base, limit: idtr.limit },
        ldtr: readMmr(e, UC_X86_REG.LDTR),
        tr: readMmr(e, UC_X86_REG.TR),
      };
    },
    async run(limits: RunLimits): Promise<StopReason> {
      const e = need();
      if (!(limits.maxInstructions >= 1)) return { kind: 'limit' };
      resumeFromOffset(e);
      breakpoints = (limits.breakpoints ?? []).map((a) => a >>> 0);
      setBreakpoints(e, breakpoints);
      // In a UC_MODE_32 engine uc_emu_start writes its start address to EIP unchanged.
      const begin = readU32(e, UC_X86_REG.EIP);
      progress.stop = undefined;
      progress.startLinear = (csBase(e) + begin) >>> 0;
      progress.startBreakpointPending = breakpoints.includes(progress.startLinear);
      const start = counted && limits.maxInstructions > 1 ? takeSnapshot(e) : undefined;
      const count = counted ? limits.maxInstructions : 0;
      const err = lib.emuStart(e.handle, BigInt(begin), NEVER_REACHED, 0, count);
      const stop = progress.stop as StopReason | undefined;
      if (stop?.kind === 'breakpoint') {
        noteLinearEip(e);
        return { kind: 'breakpoint', eip: readU32(e, UC_X86_REG.EIP) };
      }
      // In a counted run the count hook of the instruction after the OUT ends the run; without a
      // count the run ends at a block boundary, which syncs EIP as the offset.
      if (stop?.kind === 'exit-port' && counted) noteLinearEip(e);
      if (stop) return stop;
      if (err === UC_ERR_INSN_INVALID) return { kind: 'exception', vector: VECTOR_UD };
      if (err === UC_ERR_READ_UNMAPPED || err === UC_ERR_WRITE_UNMAPPED || err === UC_ERR_FETCH_UNMAPPED) {
        throw new SubjectError('subject-crash', `unicorn: ${lib.strerror(err)} at EIP 0x${readU32(e, UC_X86_REG.EIP).toString(16)} (outside the mapped 4 GiB)`);
      }
      check(err, 'uc_emu_start');
      const quiet = classifyQuietEnd(e, limits, start, begin);
      if (quiet.kind === 'limit') noteLinearEip(e); // the count hook stopped it
      return quiet;
    },
    async snapshot() {
      const e = need();
      const { context, ram } = takeSnapshot(e);
      return encodeSnapshot(lib, context, ram);
    },
    async restore(blob: Uint8Array) {
      const e = need();
      const { context, ram } = decodeSnapshot(lib, blob, e);
      restoreSnapshot(e, { context, ram });
    },
    async close() {
      closeEngine();
    },
  };
  (subject as UnicornSubject).consoleOutput = () => Uint8Array.from(consoleBytes);
  return subject;
}

/** The subject plus what the guest wrote to its console ports, for tests and diagnostics. */
export interface UnicornSubject extends Subject {
  consoleOutput(): Uint8Array;
}

// --- the EIP probe -----------------------------------------------------------------------------

let eipLinearProbe: boolean | undefined;

/**
 * Whether this libunicorn reports EIP as a linear address after a count stop with a non-zero CS
 * base (the x86_set_pc defect in the header): a two-NOP real-mode program at CS 0x100 is stepped
 * once in a scratch engine. Measured, not assumed, because `resumeFromOffset` and the replay in
 * `classifyQuietEnd` depend on it.
 */
export function eipIsLinearAfterHookStop(): boolean {
  if (eipLinearProbe !== undefined) return eipLinearProbe;
  const lib = loadUnicorn();
  const handle = lib.open(UC_MODE_32);
  try {
    const word = new Uint8Array(8);
    const view = new DataView(word.buffer);
    const write = (reg: number, value: number): void => {
      view.setUint32(0, value, true);
      lib.regWrite(handle, reg, word);
    };
    lib.memMap(handle, 0, 0x10000, UC_PROT_ALL);
    lib.memWrite(handle, 0x1000, Uint8Array.from([0x90, 0x90, HLT_OPCODE]));
    write(UC_X86_REG.CR0, 0x10);
    write(UC_X86_REG.CS, 0x100);
    lib.emuStart(handle, 0n, NEVER_REACHED, 0, 1);
    lib.regRead(handle, UC_X86_REG.EIP, word);
    eipLinearProbe = view.getUint32(0, true) === 0x1001;
    return eipLinearProbe;
  } finally {
    lib.close(handle);
  }
}

// --- snapshot blobs ----------------------------------------------------------------------------

const SNAPSHOT_MAGIC = 0x55435658; // 'XVCU', little-endian
const SNAPSHOT_FORMAT = 1;
const SNAPSHOT_HEADER = 24;

/**
 * [magic, format, unicorn version (major << 16 | minor << 8 | patch), context length, RAM length,
 * reserved] as u32, then the CPU context, then RAM. The context is QEMU's raw CPU state, so a
 * blob only restores into the same libunicorn version.
 */
function encodeSnapshot(lib: UnicornLibrary, context: Uint8Array, ram: Uint8Array): Uint8Array {
  const blob = new Uint8Array(SNAPSHOT_HEADER + context.length + ram.length);
  const view = new DataView(blob.buffer);
  const version = (lib.version.major << 16) | (lib.version.minor << 8) | lib.version.patch;
  [SNAPSHOT_MAGIC, SNAPSHOT_FORMAT, version, context.length, ram.length, 0].forEach((value, index) => view.setUint32(index * 4, value, true));
  blob.set(context, SNAPSHOT_HEADER);
  blob.set(ram, SNAPSHOT_HEADER + context.length);
  return blob;
}

function decodeSnapshot(lib: UnicornLibrary, blob: Uint8Array, e: Engine): MachineSnapshot {
  if (blob.length < SNAPSHOT_HEADER) throw new Error(`unicorn snapshot of ${blob.length} bytes is truncated`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const field = (index: number): number => view.getUint32(index * 4, true);
  if (field(0) !== SNAPSHOT_MAGIC || field(1) !== SNAPSHOT_FORMAT) throw new Error('unicorn snapshot has a wrong magic or format number');
  const version = (lib.version.major << 16) | (lib.version.minor << 8) | lib.version.patch;
  if (field(2) !== version) throw new Error(`unicorn snapshot was taken with another libunicorn version (this is ${lib.version.text})`);
  if (field(3) !== e.contextSize || field(4) !== e.memorySize) throw new Error(`unicorn snapshot does not fit: context ${field(3)}/${e.contextSize} bytes, RAM ${field(4)}/${e.memorySize} bytes`);
  if (blob.length !== SNAPSHOT_HEADER + field(3) + field(4)) throw new Error(`unicorn snapshot is ${blob.length} bytes, its header says ${SNAPSHOT_HEADER + field(3) + field(4)}`);
  return {
    context: blob.slice(SNAPSHOT_HEADER, SNAPSHOT_HEADER + field(3)),
    ram: blob.slice(SNAPSHOT_HEADER + field(3)),
  };
}
