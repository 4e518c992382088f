/**
 * koffi bindings for libunicorn 2 (the Unicorn Engine C API, `include/unicorn/unicorn.h` and
 * `include/unicorn/x86.h`), only the part the unicorn adapter uses. Unicorn is QEMU's TCG
 * behind a small library API: guest memory is mapped explicitly, registers are read and
 * written by numeric id, and events reach the host through hooks (callbacks) that run inside
 * `uc_emu_start` on the calling thread.
 *
 * The numbers below are those of Unicorn 2.0.x (Debian's libunicorn2 is 2.0.1). The x86
 * register enum keeps the values of Unicorn 1 (2.0 removed EIZ, RIZ, CR5-7, CR9-15 and DR8-15
 * but kept the gaps), and the adapter's tests read back every register it writes, so a
 * library whose numbering differs fails there rather than silently.
 */

import koffi, { type LibraryHandle } from 'koffi';

/** Where Debian's libunicorn2 puts the library; the bare soname is tried first. */
const LIBRARY_CANDIDATES = ['libunicorn.so.2', '/usr/lib/x86_64-linux-gnu/libunicorn.so.2', 'libunicorn.so'];
export const LIBRARY_HINT = 'libunicorn.so.2 not found: install Debian package libunicorn2 (apt-get install libunicorn2)';

// uc_arch / uc_mode (unicorn.h).
export const UC_ARCH_X86 = 4;
export const UC_MODE_16 = 1 << 1;
export const UC_MODE_32 = 1 << 2;

// uc_prot (unicorn.h).
export const UC_PROT_ALL = 7;

// uc_hook_type (unicorn.h).
export const UC_HOOK_INTR = 1 << 0;
export const UC_HOOK_INSN = 1 << 1;
export const UC_HOOK_CODE = 1 << 2;
export const UC_HOOK_MEM_READ_UNMAPPED = 1 << 4;
export const UC_HOOK_MEM_WRITE_UNMAPPED = 1 << 5;
export const UC_HOOK_MEM_FETCH_UNMAPPED = 1 << 6;
export const UC_HOOK_MEM_UNMAPPED = UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED | UC_HOOK_MEM_FETCH_UNMAPPED;
export const UC_HOOK_INSN_INVALID = 1 << 14;

// uc_control_type (unicorn.h, 2.0.x) and the UC_CTL() encoding: type | (argument count << 26) | (direction << 30).
const UC_CTL_TB_REMOVE_CACHE = 9;
const UC_CTL_IO_WRITE = 1;
const ucCtlWrite = (type: number, argumentCount: number): number => type | (argumentCount << 26) | (UC_CTL_IO_WRITE << 30);

// uc_query_type (unicorn.h).
export const UC_QUERY_MODE = 1;

// uc_err (unicorn.h): the ones the adapter tells apart.
export const UC_ERR_OK = 0;
export const UC_ERR_READ_UNMAPPED = 6;
export const UC_ERR_WRITE_UNMAPPED = 7;
export const UC_ERR_FETCH_UNMAPPED = 8;
export const UC_ERR_INSN_INVALID = 10;
export const UC_ERR_EXCEPTION = 21;

// uc_x86_insn (x86.h): the instructions UC_HOOK_INSN accepts for port I/O.
export const UC_X86_INS_IN = 218;
export const UC_X86_INS_OUT = 500;

/** uc_x86_reg (x86.h, Unicorn 2.0.x values). */
export const UC_X86_REG = {
  CS: 11,
  DS: 17,
  EAX: 19,
  EBP: 20,
  EBX: 21,
  ECX: 22,
  EDI: 23,
  EDX: 24,
  EFLAGS: 25,
  EIP: 26,
  ES: 28,
  ESI: 29,
  ESP: 30,
  FS: 32,
  GS: 33,
  IP: 34,
  SS: 49,
  CR0: 50,
  CR2: 52,
  CR3: 53,
  CR4: 54,
  IDTR: 242,
  GDTR: 243,
  LDTR: 244,
  TR: 245,
  MSR: 248,
} as const;

/** IA32_EFER (SDM Vol. 4, Table 2-2), read and written through UC_X86_REG_MSR. */
export const MSR_EFER = 0xc0000080;

/**
 * uc_x86_mmr {uint16_t selector; uint64_t base; uint32_t limit; uint32_t flags} with natural
 * alignment: the layout GDTR, IDTR, LDTR and TR are read and written in.
 */
export const MMR_SIZE = 24;
export const MMR_OFFSET = { selector: 0, base: 8, limit: 16, flags: 20 } as const;
/** uc_x86_msr {uint32_t rid; uint64_t value}. */
export const MSR_SIZE = 16;

/** An engine handle (uc_engine *), a pointer that koffi 3 carries as a BigInt. */
export type EngineHandle = bigint;
/** A registered koffi callback, to be unregistered when its hook is gone. */
export type CallbackHandle = bigint;

export type CodeHook = (engine: EngineHandle, address: bigint, size: number, userData: unknown) => void;
export type InterruptHook = (engine: EngineHandle, vector: number, userData: unknown) => void;
export type InvalidInstructionHook = (engine: EngineHandle, userData: unknown) => boolean;
export type PortInHook = (engine: EngineHandle, port: number, size: number, userData: unknown) => number;
export type PortOutHook = (engine: EngineHandle, port: number, size: number, value: number, userData: unknown) => void;
export type MmioRead = (engine: EngineHandle, offset: bigint, size: number, userData: unknown) => bigint | number;
export type MmioWrite = (engine: EngineHandle, offset: bigint, size: number, value: bigint, userData: unknown) => void;
export type UnmappedHook = (engine: EngineHandle, type: number, address: bigint, size: number, value: bigint, userData: unknown) => boolean;

export interface UnicornLibrary {
  readonly path: string;
  /** uc_version: Unicorn 2 packs major, minor, patch and extra as one byte each, high to low. */
  readonly version: { major: number; minor: number; patch: number; text: string };
  open(mode: number): EngineHandle;
  close(engine: EngineHandle): number;
  query(engine: EngineHandle, type: number): number;
  strerror(code: number): string;
  memMap(engine: EngineHandle, address: number, size: number, perms: number): number;
  /** Maps [address, address + size) as MMIO whose reads and writes go to the two callbacks. */
  mmioMap(engine: EngineHandle, address: number, size: number, read: CallbackHandle, write: CallbackHandle): number;
  /**
   * Drops the translated blocks that overlap [begin, end) (uc_ctl UC_CTL_TB_REMOVE_CACHE). Cheap,
   * where UC_CTL_TB_FLUSH takes about a second in 2.0.1. The range goes through the CPU's MMU,
   * which is the identity with paging off.
   */
  invalidateTranslations(engine: EngineHandle, begin: number, end: number): number;
  memWrite(engine: EngineHandle, address: number, bytes: Uint8Array): number;
  memRead(engine: EngineHandle, address: number, into: Uint8Array): number;
  regWrite(engine: EngineHandle, regId: number, value: Uint8Array): number;
  regRead(engine: EngineHandle, regId: number, into: Uint8Array): number;
  emuStart(engine: EngineHandle, begin: bigint, until: bigint, timeoutMicros: number, count: number): number;
  emuStop(engine: EngineHandle): number;
  hookCode(engine: EngineHandle, callback: CallbackHandle, begin: bigint, end: bigint): bigint;
  hookInterrupt(engine: EngineHandle, callback: CallbackHandle): bigint;
  hookInvalidInstruction(engine: EngineHandle, callback: CallbackHandle): bigint;
  hookUnmapped(engine: EngineHandle, callback: CallbackHandle): bigint;
  hookPortIn(engine: EngineHandle, callback: CallbackHandle): bigint;
  hookPortOut(engine: EngineHandle, callback: CallbackHandle): bigint;
  hookDel(engine: EngineHandle, hook: bigint): number;
  contextAlloc(engine: EngineHandle): bigint;
  contextSize(engine: EngineHandle): number;
  contextSave(engine: EngineHandle, context: bigint): number;
  contextRestore(engine: EngineHandle, context: bigint): number;
  contextFree(context: bigint): number;
  /** Copies `length` bytes at a native address into a new buffer (context contents). */
  peek(address: bigint, length: number): Uint8Array;
  /** Copies bytes to a native address (context contents). */
  poke(address: bigint, bytes: Uint8Array): void;
  registerCode(fn: CodeHook): CallbackHandle;
  registerInterrupt(fn: InterruptHook): CallbackHandle;
  registerInvalidInstruction(fn: InvalidInstructionHook): CallbackHandle;
  registerUnmapped(fn: UnmappedHook): CallbackHandle;
  registerPortIn(fn: PortInHook): CallbackHandle;
  registerPortOut(fn: PortOutHook): CallbackHandle;
  registerMmioRead(fn: MmioRead): CallbackHandle;
  registerMmioWrite(fn: MmioWrite): CallbackHandle;
  unregister(callback: CallbackHandle): void;
}

/** Raised when libunicorn cannot be loaded; its message names the library and the package. */
export class UnicornMissingError extends Error {
  override name = 'UnicornMissingError';
}

let loaded: UnicornLibrary | undefined;
let loadFailure: UnicornMissingError | undefined;

/** Loads libunicorn once per process; throws UnicornMissingError (one line) when it is absent. */
export function loadUnicorn(): UnicornLibrary {
  if (loaded) return loaded;
  if (loadFailure) throw loadFailure;
  let lib: LibraryHandle | undefined;
  let path = '';
  for (const candidate of LIBRARY_CANDIDATES) {
    try {
      lib = koffi.load(candidate);
      path = candidate;
      break;
    } catch {
      // try the next name
    }
  }
  if (!lib) {
    loadFailure = new UnicornMissingError(LIBRARY_HINT);
    throw loadFailure;
  }
  loaded = bind(lib, path);
  return loaded;
}

/** Whether libunicorn can be loaded here, and if not, why (one line). */
export function unicornAvailability(): { available: true } | { available: false; reason: string } {
  try {
    loadUnicorn();
    return { available: true };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function bind(lib: LibraryHandle, path: string): UnicornLibrary {
  const engineType = koffi.pointer('uc_engine', koffi.opaque());
  const codeProto = koffi.proto('void uc_cb_hookcode_t(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)');
  const intrProto = koffi.proto('void uc_cb_hookintr_t(uc_engine *uc, uint32_t intno, void *user_data)');
  const invalidProto = koffi.proto('bool uc_cb_hookinsn_invalid_t(uc_engine *uc, void *user_data)');
  const unmappedProto = koffi.proto('bool uc_cb_eventmem_t(uc_engine *uc, int type, uint64_t address, int size, int64_t value, void *user_data)');
  const inProto = koffi.proto('uint32_t uc_cb_insn_in_t(uc_engine *uc, uint32_t port, int size, void *user_data)');
  const outProto = koffi.proto('void uc_cb_insn_out_t(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user_data)');
  const mmioReadProto = koffi.proto('uint64_t uc_cb_mmio_read_t(uc_engine *uc, uint64_t offset, unsigned int size, void *user_data)');
  const mmioWriteProto = koffi.proto('void uc_cb_mmio_write_t(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value, void *user_data)');
  void engineType;

  const ucVersion = lib.func('unsigned int uc_version(_Out_ unsigned int *major, _Out_ unsigned int *minor)');
  const ucOpen = lib.func('int uc_open(int arch, int mode, _Out_ uc_engine **uc)');
  const ucClose = lib.func('int uc_close(uc_engine *uc)');
  const ucQuery = lib.func('int uc_query(uc_engine *uc, int type, _Out_ size_t *result)');
  const ucStrerror = lib.func('const char *uc_strerror(int code)');
  const ucMemMap = lib.func('int uc_mem_map(uc_engine *uc, uint64_t address, size_t size, uint32_t perms)');
  const ucMmioMap = lib.func('int uc_mmio_map(uc_engine *uc, uint64_t address, size_t size, void *read_cb, void *user_data_read, void *write_cb, void *user_data_write)');
  const ucCtl = lib.func('int uc_ctl(uc_engine *uc, int control, ...)');
  const ucMemWrite = lib.func('int uc_mem_write(uc_engine *uc, uint64_t address, const void *bytes, size_t size)');
  const ucMemRead = lib.func('int uc_mem_read(uc_engine *uc, uint64_t address, _Out_ void *bytes, size_t size)');
  const ucRegWrite = lib.func('int uc_reg_write(uc_engine *uc, int regid, const void *value)');
  const ucRegRead = lib.func('int uc_reg_read(uc_engine *uc, int regid, _Inout_ void *value)');
  const ucEmuStart = lib.func('int uc_emu_start(uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)');
  const ucEmuStop = lib.func('int uc_emu_stop(uc_engine *uc)');
  // uc_hook_add is variadic: UC_HOOK_INSN takes the instruction id as one more int.
  const ucHookAdd = lib.func('int uc_hook_add(uc_engine *uc, _Out_ size_t *hh, int type, void *callback, void *user_data, uint64_t begin, uint64_t end, ...)');
  const ucHookDel = lib.func('int uc_hook_del(uc_engine *uc, size_t hh)');
  const ucContextAlloc = lib.func('int uc_context_alloc(uc_engine *uc, _Out_ void **context)');
  const ucContextSize = lib.func('size_t uc_context_size(uc_engine *uc)');
  const ucContextSave = lib.func('int uc_context_save(uc_engine *uc, void *context)');
  const ucContextRestore = lib.func('int uc_context_restore(uc_engine *uc, void *context)');
  const ucContextFree = lib.func('int uc_context_free(void *context)');

  const major = [0];
  const minor = [0];
  const packed = (ucVersion(major, minor) as number) >>> 0;
  const patch = (packed >>> 8) & 0xff;

  const hookAdd = (engine: EngineHandle, type: number, callback: CallbackHandle, begin: bigint, end: bigint, ...extra: unknown[]): bigint => {
    const out: Array<bigint | number> = [0];
    const err = ucHookAdd(engine, out, type, callback, null, begin, end, ...extra) as number;
    if (err !== UC_ERR_OK) throw new Error(`uc_hook_add(type ${type}) failed: ${ucStrerror(err) as string}`);
    return BigInt(out[0]!);
  };

  return {
    path,
    version: { major: major[0]!, minor: minor[0]!, patch, text: `${major[0]!}.${minor[0]!}.${patch}` },
    open(mode) {
      const out: Array<bigint | null> = [null];
      const err = ucOpen(UC_ARCH_X86, mode, out) as number;
      if (err !== UC_ERR_OK || out[0] === null || out[0] === undefined) throw new Error(`uc_open(x86, mode ${mode}) failed: ${ucStrerror(err) as string}`);
      return out[0];
    },
    close: (engine) => ucClose(engine) as number,
    query(engine, type) {
      const out: Array<number | bigint> = [0];
      const err = ucQuery(engine, type, out) as number;
      if (err !== UC_ERR_OK) throw new Error(`uc_query(${type}) failed: ${ucStrerror(err) as string}`);
      return Number(out[0]);
    },
    strerror: (code) => ucStrerror(code) as string,
    memMap: (engine, address, size, perms) => ucMemMap(engine, address, size, perms) as number,
    mmioMap: (engine, address, size, read, write) => ucMmioMap(engine, address, size, read, null, write, null) as number,
    invalidateTranslations: (engine, begin, end) => ucCtl(engine, ucCtlWrite(UC_CTL_TB_REMOVE_CACHE, 2), 'uint64_t', BigInt(begin), 'uint64_t', BigInt(end)) as number,
    memWrite: (engine, address, bytes) => ucMemWrite(engine, address, bytes, bytes.length) as number,
    memRead: (engine, address, into) => ucMemRead(engine, address, into, into.length) as number,
    regWrite: (engine, regId, value) => ucRegWrite(engine, regId, value) as number,
    regRead: (engine, regId, into) => ucRegRead(engine, regId, into) as number,
    emuStart: (engine, begin, until, timeoutMicros, count) => ucEmuStart(engine, begin, until, timeoutMicros, count) as number,
    emuStop: (engine) => ucEmuStop(engine) as number,
    hookCode: (engine, callback, begin, end) => hookAdd(engine, UC_HOOK_CODE, callback, begin, end),
    hookInterrupt: (engine, callback) => hookAdd(engine, UC_HOOK_INTR, callback, 1n, 0n),
    hookInvalidInstruction: (engine, callback) => hookAdd(engine, UC_HOOK_INSN_INVALID, callback, 1n, 0n),
    hookUnmapped: (engine, callback) => hookAdd(engine, UC_HOOK_MEM_UNMAPPED, callback, 1n, 0n),
    hookPortIn: (engine, callback) => hookAdd(engine, UC_HOOK_INSN, callback, 1n, 0n, 'int', UC_X86_INS_IN),
    hookPortOut: (engine, callback) => hookAdd(engine, UC_HOOK_INSN, callback, 1n, 0n, 'int', UC_X86_INS_OUT),
    hookDel: (engine, hook) => ucHookDel(engine, hook) as number,
    contextAlloc(engine) {
      const out: Array<bigint | null> = [null];
      const err = ucContextAlloc(engine, out) as number;
      if (err !== UC_ERR_OK || out[0] === null || out[0] === undefined) throw new Error(`uc_context_alloc failed: ${ucStrerror(err) as string}`);
      return out[0];
    },
    contextSize: (engine) => Number(ucContextSize(engine)),
    contextSave: (engine, context) => ucContextSave(engine, context) as number,
    contextRestore: (engine, context) => ucContextRestore(engine, context) as number,
    contextFree: (context) => ucContextFree(context) as number,
    peek: (address, length) => new Uint8Array(koffi.decode(address, 'uint8_t', length) as number[]),
    poke: (address, bytes) => koffi.encode(address, 'uint8_t', Array.from(bytes), bytes.length),
    registerCode: (fn) => koffi.register(fn, koffi.pointer(codeProto)),
    registerInterrupt: (fn) => koffi.register(fn, koffi.pointer(intrProto)),
    registerInvalidInstruction: (fn) => koffi.register(fn, koffi.pointer(invalidProto)),
    registerUnmapped: (fn) => koffi.register(fn, koffi.pointer(unmappedProto)),
    registerPortIn: (fn) => koffi.register(fn, koffi.pointer(inProto)),
    registerPortOut: (fn) => koffi.register(fn, koffi.pointer(outProto)),
    registerMmioRead: (fn) => koffi.register(fn, koffi.pointer(mmioReadProto)),
    registerMmioWrite: (fn) => koffi.register(fn, koffi.pointer(mmioWriteProto)),
    unregister: (callback) => koffi.unregister(callback),
  };
}
