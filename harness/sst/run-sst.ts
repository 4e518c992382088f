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
import type { MooFile, MooTest, Reg16Name } from './moo.ts';

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
  reg: Reg16Name;
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
export async function runSstTest(subject: Subject, test: MooTest, flagsMask: number): Promise<TestFailure | undefined> {
  const state = initialState(test);
  for (const [address, bytes] of runsOf(test.initial.ram)) await subject.writeMemory(address, bytes);
  await subject.setState(state);
  const stop = await subject.run({ maxInstructions: MAX_INSTRUCTIONS_PER_TEST });
  const after = await subject.getState();

  const initial = test.initial.regs16;
  const expectedFinal = test.final.regs16;
  const actual = regsOf(after);
  const regs: RegisterDiff[] = [];
  for (const name of REG_ORDER) {
    let expected = expectedFinal[name] ?? initial[name] ?? 0;
    if (name === 'flags' && expectedFinal.flags === undefined) expected &= INITIAL_FLAGS_MASK;
    const mask = (name === 'flags' ? flagsMask : 0xffff) & (test.final.regMask16[name] ?? 0xffff);
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
    const ss = expectedFinal.ss ?? initial.ss ?? 0;
    const sp = expectedFinal.sp ?? initial.sp ?? 0;
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
    const failure = await runSstTest(subject, test, options.flagsMask);
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
