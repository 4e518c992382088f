// Unit tests for harness/sst/run-sst.ts, the SingleStepTests runner and comparator, against a
// fake Subject (the adapter contract of harness/adapter.ts, implemented here).
//
// Checked: the comparison applies the corpus metadata's FLAGS mask and nothing else: a FLAGS
// difference in a masked bit passes and in an unmasked bit fails; the mask reaches no other
// register and no RAM byte except the FLAGS word an exception pushed (EXCP's flag address), low
// and high byte alike; FLAGS bits 12-15 are not masked when the final state gives FLAGS; a
// register or RAM byte absent from the final state must keep its initial value; the initial
// state reaches the subject with the top four FLAGS bits cleared (the corpus README's rule for
// its LOADALL images) and real-mode segment bases; a run that does not end at HLT fails;
// revoked hashes are never run; known differences count as knownFail and are listed in
// knownFailed, while an unlisted failure still fails; failure details are capped, counts not.
// Oracle: hand-built tests whose expected outcome is decided by construction: the fake subject
// reproduces the final state exactly, then changes one chosen bit.
// Left out: MOO parsing (moo.test.ts), metadata lookup (corpus.test.ts), and the reference
// subject itself (the golden suite runs it over the real corpus).

import { expect } from 'chai';
import type { ArchState, RunLimits, Subject } from '../../../../harness/adapter.ts';
import type { MooException, MooFile, MooState, MooTest, Reg16Name } from '../../../../harness/sst/moo.ts';
import { runSstFile, runSstTest, type KnownDifference, type SstOptions } from '../../../../harness/sst/run-sst.ts';
import type { StopReason } from '../../../../reference-emulator/index.ts';

type Regs16 = Partial<Record<Reg16Name, number>>;

const hash = (n: number): string => n.toString(16).padStart(40, '0');

/** AX carries the test id, so the fake subject knows which test it is running. */
function initialRegs(id: number, extra: Regs16 = {}): Regs16 {
  return { ax: id, bx: 0x1111, cx: 0x2222, dx: 0x3333, cs: 0x1000, ss: 0x2000, ds: 0x3000, es: 0x4000, sp: 0x0100, bp: 0x5555, si: 0x6666, di: 0x7777, ip: 0x0010, flags: 0x0002, ...extra };
}

function state(regs16: Regs16, ram: Array<[number, number]> = []): MooState {
  return { regs16, regs32: {}, regMask16: {}, regMask32: {}, ram, queue: [] };
}

interface TestSpec {
  id: number;
  initial?: Regs16;
  final?: Regs16;
  initialRam?: Array<[number, number]>;
  finalRam?: Array<[number, number]>;
  exception?: MooException;
}

function mooTest(s: TestSpec): MooTest {
  const test: MooTest = {
    index: s.id,
    name: `test ${s.id}`,
    bytes: [0x90, 0xf4],
    initial: state(initialRegs(s.id, s.initial), s.initialRam ?? [[0x10010, 0x90], [0x10011, 0xf4]]),
    final: state(s.final ?? { ip: 0x0012 }, s.finalRam ?? []),
    cycleCount: 0,
    hash: hash(s.id),
  };
  if (s.exception) test.exception = s.exception;
  return test;
}

function mooFile(tests: MooTest[]): MooFile {
  return { source: 'fake.MOO', major: 1, minor: 1, cpuId: 'C286', fileMask16: {}, fileMask32: {}, tests, skippedChunks: {} };
}

type Tweak = (s: ArchState, mem: Uint8Array) => StopReason | void;

/** Flips `bits` of the byte at `address`. */
function flip(mem: Uint8Array, address: number, bits: number): void {
  mem[address] = (mem[address] ?? 0) ^ bits;
}

/**
 * A subject that behaves like perfect hardware: `run` puts in the test's final registers and
 * RAM, then applies the test's tweak (the one deliberate difference).
 */
class FakeSubject implements Subject {
  readonly name = 'fake';
  readonly capabilities = { modes: ['real' as const], cpuModels: ['i286' as const], paging: ['none' as const], singleStep: false, translate: false, snapshot: false };
  readonly quirks: readonly string[] = [];
  readonly mem = new Uint8Array(0x120000);
  readonly loaded: ArchState[] = [];
  readonly ran: number[] = [];
  private state: ArchState | undefined;

  constructor(private readonly tests: MooTest[], private readonly tweaks: ReadonlyMap<number, Tweak> = new Map()) {}

  async reset(): Promise<void> {}
  async writeMemory(address: number, bytes: Uint8Array): Promise<void> {
    this.mem.set(bytes, address);
  }
  async readMemory(address: number, length: number): Promise<Uint8Array> {
    return this.mem.slice(address, address + length);
  }
  async setState(s: ArchState): Promise<void> {
    this.state = structuredClone(s);
    this.loaded.push(structuredClone(s));
  }
  async getState(): Promise<ArchState> {
    if (!this.state) throw new Error('no state');
    return structuredClone(this.state);
  }
  async run(_limits: RunLimits): Promise<StopReason> {
    const s = this.state;
    if (!s) throw new Error('no state');
    const id = s.regs.eax & 0xffff;
    this.ran.push(id);
    const test = this.tests.find((t) => t.index === id);
    if (!test) throw new Error(`no test ${id}`);
    const f = test.final.regs16;
    const set16 = (old: number, v: number | undefined): number => (v === undefined ? old : ((old & 0xffff0000) | v) >>> 0);
    s.regs.eax = set16(s.regs.eax, f.ax);
    s.regs.ebx = set16(s.regs.ebx, f.bx);
    s.regs.ecx = set16(s.regs.ecx, f.cx);
    s.regs.edx = set16(s.regs.edx, f.dx);
    s.regs.esp = set16(s.regs.esp, f.sp);
    s.regs.ebp = set16(s.regs.ebp, f.bp);
    s.regs.esi = set16(s.regs.esi, f.si);
    s.regs.edi = set16(s.regs.edi, f.di);
    s.eip = set16(s.eip, f.ip);
    s.eflags = set16(s.eflags, f.flags);
    for (const seg of ['cs', 'ss', 'ds', 'es'] as const) {
      const v = f[seg];
      if (v !== undefined) s.segs[seg] = { ...s.segs[seg], sel: v, base: v << 4 };
    }
    for (const [address, value] of test.final.ram) this.mem[address] = value;
    return this.tweaks.get(id)?.(s, this.mem) ?? { kind: 'halt' };
  }
  async close(): Promise<void> {}
}

function options(flagsMask: number, extra: Partial<SstOptions> = {}): SstOptions {
  return { cpu: 'i286', formKey: 'FA', flagsMask, revoked: new Set(), known: new Map(), ...extra };
}

/** Runs one test on a fresh fake subject with one tweak; returns the failure (or undefined). */
async function runOne(spec: TestSpec, flagsMask: number, tweak?: Tweak) {
  const test = mooTest(spec);
  const subject = new FakeSubject([test], tweak ? new Map([[spec.id, tweak]]) : new Map());
  return { failure: await runSstTest(subject, test, flagsMask), subject };
}

const AF = 0x0010;
const CF = 0x0001;
const OF = 0x0800;
const MASK_NO_AF = 0xffff & ~AF; // metadata 'flags-mask' 65519: AF undefined
const MASK_NO_OF = 0xffff & ~OF;

describe('harness/sst/run-sst: the FLAGS mask and nothing else', () => {
  const spec: TestSpec = { id: 1, final: { ip: 0x0012, flags: 0x0046 } };

  it('FLAGS 0x0056 for 0x0046 (AF differs) passes under mask 0xFFEF', async () => {
    const { failure } = await runOne(spec, MASK_NO_AF, (s) => void (s.eflags ^= AF));
    expect(failure).to.equal(undefined);
  });

  it('the same AF difference fails under mask 0xFFFF: flags expected 0x0046, got 0x0056', async () => {
    const { failure } = await runOne(spec, 0xffff, (s) => void (s.eflags ^= AF));
    expect(failure?.regs).to.deep.equal([{ reg: 'flags', expected: 0x0046, actual: 0x0056, mask: 0xffff }]);
    expect(failure?.memory).to.deep.equal([]);
  });

  it('FLAGS 0x0047 for 0x0046 (CF differs) fails under mask 0xFFEF', async () => {
    const { failure } = await runOne(spec, MASK_NO_AF, (s) => void (s.eflags ^= CF));
    expect(failure?.regs).to.deep.equal([{ reg: 'flags', expected: 0x0046, actual: 0x0047, mask: MASK_NO_AF }]);
  });

  it('FLAGS bits 12-15 are not masked when the final state gives FLAGS: 0x8046 for 0x0046 fails under 0xFFFF', async () => {
    const { failure } = await runOne(spec, 0xffff, (s) => void (s.eflags |= 0x8000));
    expect(failure?.regs.map((d) => d.reg)).to.deep.equal(['flags']);
  });

  it('the FLAGS mask does not reach AX: AX 0x0010 for 0x0000 (bit 4, AF\'s position) fails under 0xFFEF', async () => {
    const { failure } = await runOne({ id: 2, final: { ax: 0x0000 } }, MASK_NO_AF, (s) => void (s.regs.eax ^= 0x10));
    expect(failure?.regs).to.deep.equal([{ reg: 'ax', expected: 0x0000, actual: 0x0010, mask: 0xffff }]);
  });

  it('the FLAGS mask does not reach RAM: byte 0x30000 = 0x56 for 0x46 fails under 0xFFEF without an exception', async () => {
    const { failure } = await runOne({ id: 3, finalRam: [[0x30000, 0x46]], initialRam: [[0x30000, 0], [0x10010, 0x90]] }, MASK_NO_AF, (_s, mem) => void (mem[0x30000] = 0x56));
    expect(failure?.memory).to.deep.equal([{ address: 0x30000, expected: 0x46, actual: 0x56 }]);
    expect(failure?.regs).to.deep.equal([]);
  });
});

describe('harness/sst/run-sst: the FLAGS word an exception pushed', () => {
  // #DE (vector 0) pushed FLAGS 0x0846, CS 0x1000, IP 0x0010 at SS:SP-6 = 0x200FA.
  const frame: Array<[number, number]> = [[0x200fa, 0x10], [0x200fb, 0x00], [0x200fc, 0x00], [0x200fd, 0x10], [0x200fe, 0x46], [0x200ff, 0x08]];
  const spec: TestSpec = {
    id: 4,
    initialRam: [[0x10010, 0xf6], [0x10011, 0xf4], ...frame.map(([a]) => [a, 0] as [number, number])],
    final: { ip: 0x0400, cs: 0x0000, sp: 0x00fa, flags: 0x0046 },
    finalRam: frame,
    exception: { number: 0, flagAddress: 0x200fe },
  };

  it('pushed FLAGS low byte 0x56 for 0x46 (AF) at the flag address 0x200FE passes under 0xFFEF', async () => {
    const { failure } = await runOne(spec, MASK_NO_AF, (_s, mem) => flip(mem, 0x200fe, AF));
    expect(failure).to.equal(undefined);
  });

  it('pushed FLAGS low byte 0x47 for 0x46 (CF) fails under 0xFFEF, naming 0x200FE', async () => {
    const { failure } = await runOne(spec, MASK_NO_AF, (_s, mem) => flip(mem, 0x200fe, CF));
    expect(failure?.memory).to.deep.equal([{ address: 0x200fe, expected: 0x46, actual: 0x47 }]);
    expect(failure?.exception).to.equal(0);
  });

  it('pushed FLAGS high byte 0x00 for 0x08 (OF) at 0x200FF passes under 0xF7FF and fails under 0xFFFF', async () => {
    expect((await runOne(spec, MASK_NO_OF, (_s, mem) => flip(mem, 0x200ff, 0x08))).failure).to.equal(undefined);
    const { failure } = await runOne(spec, 0xffff, (_s, mem) => flip(mem, 0x200ff, 0x08));
    expect(failure?.memory).to.deep.equal([{ address: 0x200ff, expected: 0x08, actual: 0x00 }]);
  });

  it('the byte below the FLAGS word (pushed CS high byte, 0x200FD) is not masked: bit 4 differing fails under 0xFFEF', async () => {
    const { failure } = await runOne(spec, MASK_NO_AF, (_s, mem) => flip(mem, 0x200fd, 0x10));
    expect(failure?.memory).to.deep.equal([{ address: 0x200fd, expected: 0x10, actual: 0x00 }]);
  });
});

describe('harness/sst/run-sst: initial state and unchanged registers', () => {
  it('BX absent from the final state must keep its initial 0x1111: 0x9999 fails, 0x1111 passes', async () => {
    const changed = await runOne({ id: 5 }, 0xffff, (s) => void (s.regs.ebx = 0x9999));
    expect(changed.failure?.regs).to.deep.equal([{ reg: 'bx', expected: 0x1111, actual: 0x9999, mask: 0xffff }]);
    expect((await runOne({ id: 5 }, 0xffff)).failure).to.equal(undefined);
  });

  it('DS absent from the final state must keep 0x3000: a subject that loads 0x3001 fails', async () => {
    const { failure } = await runOne({ id: 6 }, 0xffff, (s) => void (s.segs.ds = { ...s.segs.ds, sel: 0x3001 }));
    expect(failure?.regs.map((d) => [d.reg, d.expected, d.actual])).to.deep.equal([['ds', 0x3000, 0x3001]]);
  });

  it('a RAM byte absent from the final state must keep its initial value: 0x10011 = 0xCC for 0xF4 fails', async () => {
    const { failure } = await runOne({ id: 7 }, 0xffff, (_s, mem) => void (mem[0x10011] = 0xcc));
    expect(failure?.memory).to.deep.equal([{ address: 0x10011, expected: 0xf4, actual: 0xcc }]);
  });

  it('initial FLAGS 0xF0D7 reach the subject as 0x00D7 (top four bits cleared); with FLAGS absent from the final state that is the expectation', async () => {
    const { failure, subject } = await runOne({ id: 8, initial: { flags: 0xf0d7 } }, 0xffff);
    expect(subject.loaded[0]?.eflags).to.equal(0x00d7);
    expect(failure).to.equal(undefined);
  });

  it('the subject is loaded with the initial registers and real-mode segments: CS 0x1000 base 0x10000, IP 0x0010, SP 0x0100', async () => {
    const { subject } = await runOne({ id: 9 }, 0xffff);
    const s = subject.loaded[0];
    expect([s?.segs.cs.sel, s?.segs.cs.base, s?.segs.ss.base, s?.eip, s?.regs.esp, s?.regs.ebx]).to.deep.equal([0x1000, 0x10000, 0x20000, 0x0010, 0x0100, 0x1111]);
    expect(s?.cr0, 'real mode').to.equal(0);
  });

  it('a run that stops at the budget (kind limit) instead of HLT fails even with every register and byte right', async () => {
    const { failure } = await runOne({ id: 10 }, 0xffff, () => ({ kind: 'limit' }));
    expect(failure?.stop).to.equal('limit');
    expect(failure?.regs).to.deep.equal([]);
    expect(failure?.memory).to.deep.equal([]);
  });
});

describe('harness/sst/run-sst: revoked hashes and known differences', () => {
  const breakAx: Tweak = (s) => void (s.regs.eax ^= 1);

  it('a revoked hash is not run: of tests 0x11, 0x12 (revoked), 0x13 the subject runs 0x11 and 0x13; total 2, revoked 1', async () => {
    const tests = [mooTest({ id: 0x11 }), mooTest({ id: 0x12 }), mooTest({ id: 0x13 })];
    // Test 0x12 would fail if it ran.
    const subject = new FakeSubject(tests, new Map([[0x12, breakAx]]));
    const result = await runSstFile(subject, mooFile(tests), options(0xffff, { revoked: new Set([hash(0x12)]) }));
    expect(subject.ran).to.deep.equal([0x11, 0x13]);
    expect({ total: result.total, passed: result.passed, failed: result.failed, revoked: result.revoked }).to.deep.equal({ total: 2, passed: 2, failed: 0, revoked: 1 });
  });

  it('known differences: failing known 0x21 is knownFail and in knownFailed; passing known 0x22 passes; failing unlisted 0x23 fails', async () => {
    const tests = [mooTest({ id: 0x21 }), mooTest({ id: 0x22 }), mooTest({ id: 0x23 })];
    const subject = new FakeSubject(tests, new Map([[0x21, breakAx], [0x23, breakAx]]));
    const known = new Map<string, KnownDifference>([
      [hash(0x21), { hash: hash(0x21), form: 'FA', reason: 'a documented difference for this test' }],
      [hash(0x22), { hash: hash(0x22), form: 'FA', reason: 'a stale entry that no longer fails' }],
    ]);
    const result = await runSstFile(subject, mooFile(tests), options(0xffff, { known }));
    expect({ total: result.total, passed: result.passed, failed: result.failed, knownFail: result.knownFail }).to.deep.equal({ total: 3, passed: 1, failed: 1, knownFail: 1 });
    expect(result.knownFailed).to.deep.equal([hash(0x21)]);
    expect(result.failures.map((f) => f.hash)).to.deep.equal([hash(0x23)]);
  });

  it('failure details stop at maxFailureDetails (2) while the count stays exact (4)', async () => {
    const tests = [0x31, 0x32, 0x33, 0x34].map((id) => mooTest({ id }));
    const subject = new FakeSubject(tests, new Map(tests.map((t) => [t.index, breakAx])));
    const result = await runSstFile(subject, mooFile(tests), options(0xffff, { maxFailureDetails: 2 }));
    expect(result.failed).to.equal(4);
    expect(result.failures.map((f) => f.index)).to.deep.equal([0x31, 0x32]);
  });

  it('RAM a test named is zeroed afterwards, so the next test starts clean: 0x30000 is 0 after test 0x41 wrote 0x77', async () => {
    const tests = [mooTest({ id: 0x41, finalRam: [[0x30000, 0x77]] })];
    const subject = new FakeSubject(tests);
    const result = await runSstFile(subject, mooFile(tests), options(0xffff));
    expect(result.passed).to.equal(1);
    expect([subject.mem[0x30000], subject.mem[0x10010], subject.mem[0x10011]]).to.deep.equal([0, 0, 0]);
  });
});
