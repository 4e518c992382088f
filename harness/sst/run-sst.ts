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
import { CASE_FORMAT, type CheckField, type MemoryCheck, type RegisterCheck, type ReproCase } from '../repro/case.ts';
import { casePassed, replayCase } from '../repro/replay.ts';
import { ATTR_REAL_CODE, ATTR_REAL_DATA } from '../state/initial-state.ts';

/** Real-mode descriptor-cache attributes: present, accessed, writable data / readable code. */
const REAL_DATA_ATTR = ATTR_REAL_DATA;
const REAL_CODE_ATTR = ATTR_REAL_CODE;
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
  /** The corpus's register name (`ax`, `flags`, `eax`...). */
  reg: string;
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


const REG32_ORDER: ReadonlyArray<Reg32Name & CheckField> = ['cr0', 'cr3', 'eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'eip', 'eflags'];

/** File-wide register masks (top-level RMSK/RM32), applied with each test's own. */
export interface FileMasks {
  m16: Partial<Record<Reg16Name, number>>;
  m32: Partial<Record<Reg32Name, number>>;
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

const REG16_FIELD: Record<Reg16Name, CheckField> = {
  ax: 'eax', bx: 'ebx', cx: 'ecx', dx: 'edx', cs: 'cs', ss: 'ss', ds: 'ds', es: 'es',
  sp: 'esp', bp: 'ebp', si: 'esi', di: 'edi', ip: 'eip', flags: 'eflags',
};

/**
 * The test as a reproducible case: initial state and RAM, the code at CS:IP as the program, and
 * the final state as masked checks (the corpus's own masks only). `runSstTest` runs exactly this,
 * so an exported case fails the way the test did.
 */
export function sstCase(test: MooTest, flagsMask: number, fileMasks: FileMasks, instance: string, source: string): ReproCase {
  const wide = Object.keys(test.initial.regs32).length > 0;
  const state = wide ? initialState32(test) : initialState(test);
  const registers: RegisterCheck[] = [];
  if (wide) {
    for (const name of REG32_ORDER) {
      const value = (test.final.regs32[name] ?? test.initial.regs32[name] ?? 0) >>> 0;
      const segment = name.length === 2 && name.endsWith('s');
      let mask = (segment ? 0xffff : 0xffffffff) & (test.final.regMask32[name] ?? -1) & (fileMasks.m32[name] ?? -1);
      if (name === 'eflags') mask &= flagsMask | 0xffff0000;
      registers.push({ field: name, label: name, value, mask: mask >>> 0 });
    }
  } else {
    const initial = test.initial.regs16;
    const final = test.final.regs16;
    for (const name of REG_ORDER) {
      let value = final[name] ?? initial[name] ?? 0;
      if (name === 'flags' && final.flags === undefined) value &= INITIAL_FLAGS_MASK;
      const mask = (name === 'flags' ? flagsMask : 0xffff) & (test.final.regMask16[name] ?? 0xffff) & (fileMasks.m16[name] ?? 0xffff);
      registers.push({ field: REG16_FIELD[name], label: name, value, mask });
    }
  }

  // Every byte named in either state: final values where given, else the initial value.
  const expectedRam = new Map<number, number>(test.initial.ram);
  for (const [address, value] of test.final.ram) expectedRam.set(address, value);
  // EXCP's flag address is the word-aligned bus address; with an odd SP the FLAGS word really
  // sits one byte higher. Locate it from the final SS:SP (FLAGS is the third word pushed).
  let flagAddress: number | undefined;
  if (test.exception) {
    const ss = wide ? (test.final.regs32.ss ?? test.initial.regs32.ss ?? 0) & 0xffff : test.final.regs16.ss ?? test.initial.regs16.ss ?? 0;
    const sp = wide ? (test.final.regs32.esp ?? test.initial.regs32.esp ?? 0) & 0xffff : test.final.regs16.sp ?? test.initial.regs16.sp ?? 0;
    flagAddress = ((ss << 4) + ((sp + 4) & 0xffff)) & 0xffffff;
    if ((flagAddress & ~1) !== (test.exception.flagAddress & ~1)) flagAddress = test.exception.flagAddress;
  }
  const memory: MemoryCheck[] = [...expectedRam.entries()].sort((a, b) => a[0] - b[0]).map(([address, value]) => {
    let mask = 0xff;
    if (flagAddress !== undefined && address === flagAddress) mask = flagsMask & 0xff;
    if (flagAddress !== undefined && address === flagAddress + 1) mask = flagsMask >> 8;
    return { address, value, mask };
  });

  // The program: the contiguous initial bytes from CS:IP (a wrap at IP 0xFFFF ends it).
  const initialRam = new Map(test.initial.ram);
  const programAddress = (state.segs.cs.base + (state.eip & 0xffff)) >>> 0;
  const program: number[] = [];
  for (let a = programAddress; initialRam.has(a) && program.length < 16; a++) program.push(initialRam.get(a)!);
  const rest = [...initialRam.entries()].filter(([a]) => a < programAddress || a >= programAddress + program.length);

  return {
    format: CASE_FORMAT,
    instance,
    caseId: test.hash,
    source: `${source} test ${test.index} (${test.name})`,
    cpu: 'i286',
    memorySize: 16 * 1024 * 1024,
    program: { address: programAddress, bytes: program, bits: 16 },
    memory: runsOf(rest).map(([address, bytes]) => ({ address, bytes: [...bytes] })),
    state,
    maxInstructions: MAX_INSTRUCTIONS_PER_TEST,
    expected: { registers, memory, stop: 'halt' },
  };
}

/** Runs one test; returns undefined on pass, or the failure. */
export async function runSstTest(subject: Subject, test: MooTest, flagsMask: number, fileMasks: FileMasks = { m16: {}, m32: {} }): Promise<TestFailure | undefined> {
  const c = sstCase(test, flagsMask, fileMasks, 'sst', 'SingleStepTests');
  const outcome = await replayCase(subject, c);
  // Leave the subject's RAM as it was for the next test: zero every byte this test named.
  for (const [address, bytes] of runsOf(c.expected.memory.map((m) => [m.address, 0] as const))) await subject.writeMemory(address, bytes.fill(0));

  if (casePassed(outcome)) return undefined;
  const failure: TestFailure = {
    index: test.index,
    hash: test.hash,
    name: test.name,
    bytes: test.bytes,
    regs: outcome.registers.map((r) => ({ reg: r.label, expected: r.expected, actual: r.actual, mask: r.mask })),
    memory: outcome.memory,
    stop: outcome.stop.kind,
  };
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
