/**
 * Runs SingleStepTests real-mode tests against a subject and compares the outcome with the
 * captured hardware state, the way the corpus README prescribes:
 * - load the initial registers and RAM, with the top four FLAGS bits masked (the corpus
 *   README: the initial state is a LOADALL image, and IOPL/NT cannot be set in real mode);
 * - start at CS:IP and run until the HLT that ends every test (after the instruction, or at
 *   the injected handler when the instruction raised an exception);
 * - compare every register (absent from the final state = unchanged) and every RAM byte named
 *   in either state, with the corpus's own undefined-flag mask from metadata.json applied to
 *   FLAGS and to the FLAGS word an exception pushed (EXCP's flag address).
 * No other mask is applied. Revoked hashes are skipped, and known differences (a versioned
 * file keyed by test hash, each with a reason) count as known-fail rather than fail.
 */

import type { ArchState, Subject } from '../adapter.ts';
import type { CpuModelName } from '../../reference-emulator/index.ts';
import type { MooFile, MooTest, Reg16Name, Reg32Name } from './moo.ts';

/** Real-mode descriptor-cache attributes: present, accessed, writable data / readable code. */
const REAL_DATA_ATTR = 0x93;
const REAL_CODE_ATTR = 0x9b;
/** The corpus README: "mask off the top four flag bits" of the initial state in real mode. */
const INITIAL_FLAGS_MASK = 0x0fff;
/** Every test is one instruction and a HLT, plus an exception's injected HLT: a few at most. */
const MAX_INSTRUCTIONS_PER_TEST = 16;

export interface KnownDifference {
  hash: string;
  form: string;
  reason: string;
}

export interface SstOptions {
  cpu: CpuModelName;
  formKey: string;
  flagsMask: number;
  revoked: ReadonlySet<string>;
  known: ReadonlyMap<string, KnownDifference>;
  /** Stop collecting failure details after this many per form (counts stay exact). */
  maxFailureDetails?: number;
}

export interface RegisterDiff {
  reg: Reg16Name | Reg32Name;
  expected: number;
  actual: number;
  mask: number;
}

export interface MemoryDiff {
  address: number;
  expected: number;
  actual: number;
}

export interface TestFailure {
  index: number;
  hash: string;
  name: string;
  bytes: number[];
  regs: RegisterDiff[];
  memory: MemoryDiff[];
  stop: string;
  exception?: number;
}

export interface FormResult {
  form: string;
  source: string;
  total: number;
  passed: number;
  failed: number;
  knownFail: number;
  revoked: number;
  failures: TestFailure[];
  /** Hashes of known differences that did fail, so entries that no longer fail show as stale. */
  knownFailed: string[];
}

const REG_ORDER: readonly Reg16Name[] = ['ax', 'bx', 'cx', 'dx', 'cs', 'ss', 'ds', 'es', 'sp', 'bp', 'si', 'di', 'ip', 'flags'];

function realSeg(sel: number, attr: number) {
  return { sel, base: sel << 4, limit: 0xffff, attr };
}

function initialState(test: MooTest): ArchState {
  const r = test.initial.regs16;
  const get = (name: Reg16Name): number => {
    const value = r[name];
    if (value === undefined) throw new Error(`test ${test.index} (${test.hash}): initial state lacks ${name}`);
    return value;
  };
  return {
    regs: { eax: get('ax'), ecx: get('cx'), edx: get('dx'), ebx: get('bx'), esp: get('sp'), ebp: get('bp'), esi: get('si'), edi: get('di') },
    eip: get('ip'),
    eflags: (get('flags') & INITIAL_FLAGS_MASK) | 0x2,
    segs: {
      es: realSeg(get('es'), REAL_DATA_ATTR),
      cs: realSeg(get('cs'), REAL_CODE_ATTR),
      ss: realSeg(get('ss'), REAL_DATA_ATTR),
      ds: realSeg(get('ds'), REAL_DATA_ATTR),
      fs: realSeg(0, REAL_DATA_ATTR),
      gs: realSeg(0, REAL_DATA_ATTR),
    },
    cr0: 0,
    cr2: 0,
    cr3: 0,
    cr4: 0,
    efer: 0,
    gdtr: { base: 0, limit: 0xffff },
    idtr: { base: 0, limit: 0x3ff },
    ldtr: { sel: 0, base: 0, limit: 0xffff, attr: 0x82 },
    tr: { sel: 0, base: 0, limit: 0xffff, attr: 0x8b },
  };
}

/** The 386 sets' 32-bit register file (RG32): real-mode segments from the selectors, CR0 and CR3 as given. */
function initialState32(test: MooTest): ArchState {
  const r = test.initial.regs32;
  const get = (name: Reg32Name): number => {
    const value = r[name];
    if (value === undefined) throw new Error(`test ${test.index} (${test.hash}): initial RG32 state lacks ${name}`);
    return value >>> 0;
  };
  if (get('cr0') & 1) {
    throw new Error(`test ${test.index} (${test.hash}): protected-mode RG32 tests carry no descriptor caches, so they cannot be set up yet`);
  }
  const seg = (name: Reg32Name, attr: number) => realSeg(get(name) & 0xffff, attr);
  return {
    regs: { eax: get('eax'), ecx: get('ecx'), edx: get('edx'), ebx: get('ebx'), esp: get('esp'), ebp: get('ebp'), esi: get('esi'), edi: get('edi') },
    eip: get('eip'),
    eflags: get('eflags') | 0x2,
    segs: { es: seg('es', REAL_DATA_ATTR), cs: seg('cs', REAL_CODE_ATTR), ss: seg('ss', REAL_DATA_ATTR), ds: seg('ds', REAL_DATA_ATTR), fs: seg('fs', REAL_DATA_ATTR), gs: seg('gs', REAL_DATA_ATTR) },
    cr0: get('cr0'),
    cr2: 0,
    cr3: get('cr3'),
    cr4: 0,
    efer: 0,
    gdtr: { base: 0, limit: 0xffff },
    idtr: { base: 0, limit: 0x3ff },
    ldtr: { sel: 0, base: 0, limit: 0xffff, attr: 0x82 },
    tr: { sel: 0, base: 0, limit: 0xffff, attr: 0x8b },
  };
}

function regs32Of(state: ArchState): Partial<Record<Reg32Name, number>> {
  return {
    cr0: state.cr0 >>> 0, cr3: state.cr3 >>> 0,
    eax: state.regs.eax, ebx: state.regs.ebx, ecx: state.regs.ecx, edx: state.regs.edx,
    esi: state.regs.esi, edi: state.regs.edi, ebp: state.regs.ebp, esp: state.regs.esp,
    cs: state.segs.cs.sel, ds: state.segs.ds.sel, es: state.segs.es.sel, fs: state.segs.fs.sel, gs: state.segs.gs.sel, ss: state.segs.ss.sel,
    eip: state.eip >>> 0, eflags: state.eflags >>> 0,
  };
}

const REG32_ORDER: readonly Reg32Name[] = ['cr0', 'cr3', 'eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'eip', 'eflags'];

/** File-wide register masks (top-level RMSK/RM32), applied with each test's own. */
export interface FileMasks {
  m16: Partial<Record<Reg16Name, number>>;
  m32: Partial<Record<Reg32Name, number>>;
}

function regsOf(state: ArchState): Record<Reg16Name, number> {
  return {
    ax: state.regs.eax & 0xffff, bx: state.regs.ebx & 0xffff, cx: state.regs.ecx & 0xffff, dx: state.regs.edx & 0xffff,
    cs: state.segs.cs.sel, ss: state.segs.ss.sel, ds: state.segs.ds.sel, es: state.segs.es.sel,
    sp: state.regs.esp & 0xffff, bp: state.regs.ebp & 0xffff, si: state.regs.esi & 0xffff, di: state.regs.edi & 0xffff,
    ip: state.eip & 0xffff, flags: state.eflags & 0xffff,
  };
}

/** Groups (address, byte) pairs into contiguous runs, so a subject gets a few writes per test. */
function runsOf(entries: ReadonlyArray<readonly [number, number]>): Array<[number, Uint8Array]> {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const runs: Array<[number, number[]]> = [];
  for (const [address, value] of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1].length === address) last[1].push(value);
    else runs.push([address, [value]]);
  }
  return runs.map(([address, bytes]) => [address, Uint8Array.from(bytes)]);
}

/** Runs one test; returns undefined on pass, or the failure. */
export async function runSstTest(subject: Subject, test: MooTest, flagsMask: number, fileMasks: FileMasks = { m16: {}, m32: {} }): Promise<TestFailure | undefined> {
  const wide = Object.keys(test.initial.regs32).length > 0;
  const state = wide ? initialState32(test) : initialState(test);
  for (const [address, bytes] of runsOf(test.initial.ram)) await subject.writeMemory(address, bytes);
  await subject.setState(state);
  const stop = await subject.run({ maxInstructions: MAX_INSTRUCTIONS_PER_TEST });
  const after = await subject.getState();

  const initial = test.initial.regs16;
  const expectedFinal = test.final.regs16;
  const actual = regsOf(after);
  const regs: RegisterDiff[] = [];
  if (wide) {
    const actual32 = regs32Of(after);
    for (const name of REG32_ORDER) {
      const expected = (test.final.regs32[name] ?? test.initial.regs32[name] ?? 0) >>> 0;
      const segment = name.length === 2 && name.endsWith('s');
      let mask = (segment ? 0xffff : 0xffffffff) & (test.final.regMask32[name] ?? -1) & (fileMasks.m32[name] ?? -1);
      if (name === 'eflags') mask &= flagsMask | 0xffff0000;
      const got = actual32[name]! >>> 0;
      if (((expected & mask) >>> 0) !== ((got & mask) >>> 0)) regs.push({ reg: name, expected, actual: got, mask: mask >>> 0 });
    }
  }
  for (const name of wide ? [] : REG_ORDER) {
    let expected = expectedFinal[name] ?? initial[name] ?? 0;
    if (name === 'flags' && expectedFinal.flags === undefined) expected &= INITIAL_FLAGS_MASK;
    const mask = (name === 'flags' ? flagsMask : 0xffff) & (test.final.regMask16[name] ?? 0xffff) & (fileMasks.m16[name] ?? 0xffff);
    if ((expected & mask) !== (actual[name] & mask)) regs.push({ reg: name, expected, actual: actual[name], mask });
  }

  // Every byte named in either state: final values where given, else the initial value.
  const expectedRam = new Map<number, number>(test.initial.ram);
  for (const [address, value] of test.final.ram) expectedRam.set(address, value);
  const memory: MemoryDiff[] = [];
  // EXCP's flag address is the word-aligned bus address; with an odd SP the FLAGS word really
  // sits one byte higher. Locate it from the final SS:SP (FLAGS is the third word pushed).
  let flagAddress: number | undefined;
  if (test.exception) {
    const ss = wide ? (test.final.regs32.ss ?? test.initial.regs32.ss ?? 0) & 0xffff : expectedFinal.ss ?? initial.ss ?? 0;
    const sp = wide ? (test.final.regs32.esp ?? test.initial.regs32.esp ?? 0) & 0xffff : expectedFinal.sp ?? initial.sp ?? 0;
    flagAddress = ((ss << 4) + ((sp + 4) & 0xffff)) & 0xffffff;
    if ((flagAddress & ~1) !== (test.exception.flagAddress & ~1)) flagAddress = test.exception.flagAddress;
  }
  for (const [address, bytes] of runsOf([...expectedRam.entries()])) {
    const got = await subject.readMemory(address, bytes.length);
    for (let k = 0; k < bytes.length; k++) {
      const at = address + k;
      let mask = 0xff;
      if (flagAddress !== undefined && at === flagAddress) mask = flagsMask & 0xff;
      if (flagAddress !== undefined && at === flagAddress + 1) mask = flagsMask >> 8;
      if ((got[k]! & mask) !== (bytes[k]! & mask)) memory.push({ address: at, expected: bytes[k]!, actual: got[k]! });
    }
  }
  // Leave the subject's RAM as it was for the next test: zero every byte this test named.
  for (const [address, bytes] of runsOf([...expectedRam.keys()].map((a) => [a, 0] as const))) await subject.writeMemory(address, bytes.fill(0));

  const halted = stop.kind === 'halt';
  if (regs.length === 0 && memory.length === 0 && halted) return undefined;
  const failure: TestFailure = { index: test.index, hash: test.hash, name: test.name, bytes: test.bytes, regs, memory, stop: stop.kind };
  if (test.exception) failure.exception = test.exception.number;
  return failure;
}

export async function runSstFile(subject: Subject, file: MooFile, options: SstOptions): Promise<FormResult> {
  const result: FormResult = { form: options.formKey, source: file.source, total: 0, passed: 0, failed: 0, knownFail: 0, revoked: 0, failures: [], knownFailed: [] };
  const maxDetails = options.maxFailureDetails ?? 5;
  for (const test of file.tests) {
    if (options.revoked.has(test.hash)) {
      result.revoked++;
      continue;
    }
    result.total++;
    const failure = await runSstTest(subject, test, options.flagsMask, { m16: file.fileMask16, m32: file.fileMask32 });
    if (!failure) result.passed++;
    else if (options.known.has(test.hash)) {
      result.knownFail++;
      result.knownFailed.push(test.hash);
    }
    else {
      result.failed++;
      if (result.failures.length < maxDetails) result.failures.push(failure);
    }
  }
  return result;
}
