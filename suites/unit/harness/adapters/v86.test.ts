/**
 * The v86 subject (v86 0.5 from npm, its core patched for exact counts) through the adapter
 * contract, in process.
 *
 * Checks: registers, descriptor tables and memory read back as written (within what v86 keeps,
 * the `segment-attr` quirk); a flat 32-bit program and a real-mode program end in the same state
 * as on the reference; exact instruction budgets; breakpoints; the debug-exit port; #DE stopped
 * before delivery with stopOnException and delivered through the IDT without it; snapshots;
 * translate under 32-bit paging; several declared quirks as observed behaviour (the test pins
 * v86's behaviour, the quirk names the SDM's); a core abort that leaves the subject resettable;
 * a v86 core that cannot be patched giving a one-line error.
 * Oracle: the embedded reference subject run on the same program and state, and hand-computed
 * values (page tables, pushed frames).
 * Leaves out: speed (harness/adapters/v86/bench.ts), the out-of-process server (the exec
 * adapter's tests cover serveSubject), the suites themselves.
 *
 * When v86 cannot start the tests skip with the reason, except under CI=true, where they fail.
 */

import { expect } from 'chai';
import type { ArchState, SegmentState, Subject } from '../../../../harness/adapter.ts';
import { createReferenceSubject } from '../../../../harness/adapters/reference/index.ts';
import { createV86Subject, v86Availability, type V86Subject } from '../../../../harness/adapters/v86/index.ts';
import { patchV86Wasm } from '../../../../harness/adapters/v86/wasm-patch.ts';
import { SubjectError } from '../../../../harness/suite/run-instance.ts';
import { flat32Setup, loadProgram, realModeSetup, type InitialSetup } from '../../../../harness/state/initial-state.ts';
import { needTool } from '../../../support/outcome.ts';

const HLT = 0xf4;
const MEMORY = 1 << 20;

async function load(subject: Subject, setup: InitialSetup, at: number, program: number[], memorySize = MEMORY): Promise<void> {
  await loadProgram(subject, { cpu: 'p6', memorySize }, setup, at, program);
}

/** The attribute bits v86 keeps (quirk `segment-attr`): the access byte, plus D/B for CS and SS. */
function kept(name: string, seg: SegmentState): SegmentState {
  return { ...seg, attr: seg.attr & (name === 'cs' || name === 'ss' ? 0x40ff : 0xff) };
}

function comparable(state: ArchState): ArchState {
  const segs = Object.fromEntries(Object.entries(state.segs).map(([name, seg]) => [name, kept(name, seg)])) as ArchState['segs'];
  return { ...state, segs };
}

describe('v86 subject (adapter contract)', function () {
  this.timeout(60000);
  let v86: V86Subject;
  const reference = createReferenceSubject();

  before(async function () {
    needTool(this, 'the v86 subject tests', await v86Availability());
    v86 = createV86Subject();
  });

  after(async () => {
    await v86?.close();
    await reference.close();
  });

  /** The same program on the reference and on v86: stop reason and final state of each. */
  async function both(setup: InitialSetup, at: number, program: number[], maxInstructions = 1000) {
    const results = [];
    for (const subject of [reference, v86]) {
      await load(subject, setup, at, program);
      const stop = await subject.run({ maxInstructions });
      results.push({ stop, state: await subject.getState() });
    }
    return { reference: results[0]!, v86: results[1]! };
  }

  it('declares real and prot32 on the p6 model, paging, translate, snapshots, and its quirks by key', () => {
    expect(v86.capabilities.modes).to.deep.equal(['real', 'prot32']);
    expect(v86.capabilities.cpuModels).to.deep.equal(['p6']);
    expect(v86.capabilities.paging).to.deep.equal(['none', '32bit', 'pse', 'pae']);
    expect(v86.capabilities).to.include({ singleStep: true, translate: true, snapshot: true });
    const keys = v86.quirks.map((q) => q.split(':', 1)[0]);
    expect(keys).to.include.members(['segment-attr', 'segment-limits', 'real-mode-ivt', 'idt-limit', 'trap-flag', 'icebp', 'pae-large-pages', 'rep-count', 'efer']);
    for (const q of v86.quirks) expect(q).to.not.include('\n');
  });

  it('refuses CPU models other than p6 with a one-line error', async () => {
    let message = '';
    try {
      await createV86Subject().reset({ cpu: 'i386', memorySize: MEMORY });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/CPU model 'i386' is not available/);
    expect(message).to.not.include('\n');
  });

  it('reads back every register it writes (flat32: GPRs, EIP, EFLAGS, selectors and caches, CRs, GDTR/IDTR/LDTR/TR)', async () => {
    const setup = flat32Setup({ eip: 0x1234, regs: { eax: 0x11111111, ecx: 0x22222222, edx: 0x33333333, ebx: 0x44444444, esp: 0x55555555, ebp: 0x66666666, esi: 0x77777777, edi: 0x88888888 }, eflags: 0x8d7 });
    await load(v86, setup, 0x1234, [HLT]);
    const state: ArchState = {
      ...setup.state,
      segs: { ...setup.state.segs, fs: { sel: 0x2b, base: 0x12345000, limit: 0xfff, attr: 0x40f3 }, gs: { sel: 0, base: 0, limit: 0, attr: 0 } },
      cr2: 0xdeadb000,
      cr4: 0x10,
      gdtr: { base: 0x800, limit: 0x3f },
      idtr: { base: 0x400, limit: 0xff },
      ldtr: { sel: 0x18, base: 0x6000, limit: 0x27, attr: 0x82 },
      tr: { sel: 0x20, base: 0x7000, limit: 0x67, attr: 0x8b },
    };
    await v86.setState(state);
    expect(await v86.getState()).to.deep.equal(comparable(state));
  });

  it('reports the D/B bit of CS and SS, and drops G and the D/B bit of data segments (quirk segment-attr)', async () => {
    const setup = flat32Setup();
    await load(v86, setup, 0x1000, [HLT]);
    const segs = (await v86.getState()).segs;
    expect(segs.cs.attr.toString(16)).to.equal('409b');
    expect(segs.ss.attr.toString(16)).to.equal('4093');
    expect(segs.ds.attr.toString(16)).to.equal('93');
  });

  it('refuses a non-zero EFER with a one-line error (quirk efer)', async () => {
    await load(v86, flat32Setup(), 0x1000, [HLT]);
    let message = '';
    try {
      await v86.setState({ ...flat32Setup().state, efer: 0x800 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.equal('v86 has no EFER (32-bit core without NX): cannot set EFER=0x800');
  });

  it('reads memory back as written, the VGA window 0xA0000 as RAM, and 0xFF past the end of RAM', async () => {
    await load(v86, flat32Setup(), 0x1000, [HLT]);
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff);
    await v86.writeMemory(0x12345, bytes);
    expect(Buffer.from(await v86.readMemory(0x12345, 300)).equals(Buffer.from(bytes))).to.equal(true);
    await v86.writeMemory(MEMORY - 2, Uint8Array.of(0xaa, 0xbb));
    expect([...(await v86.readMemory(MEMORY - 2, 4))]).to.deep.equal([0xaa, 0xbb, 0xff, 0xff]);
    let error: unknown;
    try {
      await v86.writeMemory(MEMORY - 1, Uint8Array.of(1, 2));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RangeError);
    // mov dword [0xb8000], 0x12345678; mov eax, [0xb8000]; hlt
    await load(v86, flat32Setup(), 0x1000, [0xc7, 0x05, 0x00, 0x80, 0x0b, 0x00, 0x78, 0x56, 0x34, 0x12, 0xa1, 0x00, 0x80, 0x0b, 0x00, HLT]);
    expect(await v86.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    expect((await v86.getState()).regs.eax.toString(16)).to.equal('12345678');
    expect([...(await v86.readMemory(0xb8000, 4))]).to.deep.equal([0x78, 0x56, 0x34, 0x12]);
  });

  it('runs a flat32 program to HLT and ends in the reference state (loop, store, push/pop)', async () => {
    // mov eax,1; mov ecx,5; l: add eax,eax; dec ecx; jnz l; mov [0x2000],eax; push eax; pop ebx; xor edx,edx; hlt
    const program = [0xb8, 1, 0, 0, 0, 0xb9, 5, 0, 0, 0, 0x01, 0xc0, 0x49, 0x75, 0xfb, 0xa3, 0x00, 0x20, 0, 0, 0x50, 0x5b, 0x31, 0xd2, HLT];
    const { reference: r, v86: v } = await both(flat32Setup({ regs: { esp: 0x8000 } }), 0x1000, program);
    expect(v.stop).to.deep.equal({ kind: 'halt' });
    expect(v.stop).to.deep.equal(r.stop);
    expect(v.state).to.deep.equal(comparable(r.state));
    expect(v.state.regs.eax).to.equal(32);
    expect([...(await v86.readMemory(0x2000, 4))]).to.deep.equal([32, 0, 0, 0]);
  });

  it('runs a real-mode program (segment load, store, string copy) and ends in the reference state', async () => {
    // mov ax,0x1234; mov ds,ax; mov [0x10],ax; push ds; pop es; mov si,0x10; mov di,0x20; mov cx,2; cld; rep movsb; hlt
    const program = [0xb8, 0x34, 0x12, 0x8e, 0xd8, 0xa3, 0x10, 0x00, 0x1e, 0x07, 0xbe, 0x10, 0x00, 0xbf, 0x20, 0x00, 0xb9, 0x02, 0x00, 0xfc, 0xf3, 0xa4, HLT];
    const { reference: r, v86: v } = await both(realModeSetup({ cs: 0x100, ip: 0, dataSegment: 0x200, regs: { esp: 0x100 } }), 0x1000, program);
    expect(v.stop).to.deep.equal({ kind: 'halt' });
    expect(v.state).to.deep.equal(comparable(r.state));
    expect([...(await v86.readMemory(0x12340 + 0x20, 2))]).to.deep.equal([0x34, 0x12]);
  });

  it('stops after exactly maxInstructions, also one at a time', async () => {
    const incs = [0x40, 0x40, 0x40, 0x40, 0x40, HLT];
    await load(v86, flat32Setup(), 0x1000, incs);
    expect(await v86.run({ maxInstructions: 3 })).to.deep.equal({ kind: 'limit' });
    let state = await v86.getState();
    expect([state.eip, state.regs.eax]).to.deep.equal([0x1003, 3]);
    expect(await v86.run({ maxInstructions: 1 })).to.deep.equal({ kind: 'limit' });
    state = await v86.getState();
    expect([state.eip, state.regs.eax]).to.deep.equal([0x1004, 4]);
    expect(await v86.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    expect((await v86.getState()).eip).to.equal(0x1006);
  });

  it('matches the reference after every budget from 1 to 60 on a loop with a call, a backward jump and a page crossing', async () => {
    // At 0x1ff8: mov ecx,3; l: call f (at 0x2100); dec ecx; jnz l; hlt -- the loop crosses 0x2000.
    // f: add eax,ecx; ret
    const setup = flat32Setup({ eip: 0x1ff8, regs: { esp: 0x8000 } });
    const main = [0xb9, 3, 0, 0, 0, 0xe8, 0xfe, 0x00, 0x00, 0x00, 0x49, 0x75, 0xf7, HLT];
    for (let budget = 1; budget <= 60; budget++) {
      const states = [];
      for (const subject of [reference, v86]) {
        await load(subject, setup, 0x1ff8, main);
        await subject.writeMemory(0x2100, Uint8Array.of(0x01, 0xc8, 0xc3));
        const stop = await subject.run({ maxInstructions: budget });
        states.push({ stop, state: comparable(await subject.getState()) });
      }
      expect(states[1], `budget ${budget}`).to.deep.equal(states[0]);
    }
  });

  it('spends the budget on instruction fetches that page-fault, so a guest faulting forever ends at the limit', async () => {
    const setup = flat32Setup({ regs: { esp: 0x8000 } });
    await load(v86, setup, 0x1000, [0xb8, 0x00, 0x00, 0x05, 0x00, 0xff, 0xe0], 4 << 20); // mov eax,0x50000; jmp eax
    const pd = new Uint32Array(1024);
    const pt = new Uint32Array(1024);
    for (let i = 0; i < 1024; i++) pt[i] = (i << 12) | 0x3;
    pt[0x50] = 0; // 0x50000, the jump target and every handler, is not present
    pd[0] = 0x11000 | 0x3;
    await v86.writeMemory(0x10000, new Uint8Array(pd.buffer));
    await v86.writeMemory(0x11000, new Uint8Array(pt.buffer));
    const idt = new Uint8Array(32 * 8);
    for (let v = 0; v < 32; v++) idt.set([0x00 + v * 8, 0x00, 0x08, 0x00, 0x00, 0x8e, 0x05, 0x00], v * 8);
    await v86.writeMemory(0x600, idt);
    await v86.setState({ ...setup.state, cr0: 0x80000011, cr3: 0x10000, idtr: { base: 0x600, limit: 0xff } });
    expect(await v86.run({ maxInstructions: 1000 })).to.deep.equal({ kind: 'limit' });
    expect((await v86.getState()).cr2).to.equal(0x50070);
  });

  it('stops at a breakpoint before the instruction there, never at the starting EIP, and resumes from it', async () => {
    await load(v86, flat32Setup(), 0x1000, [0x40, 0x40, 0x40, 0x40, 0x40, HLT]);
    const breakpoints = [0x1000, 0x1003];
    expect(await v86.run({ maxInstructions: 100, breakpoints })).to.deep.equal({ kind: 'breakpoint', eip: 0x1003 });
    expect((await v86.getState()).regs.eax).to.equal(3);
    expect(await v86.run({ maxInstructions: 100, breakpoints })).to.deep.equal({ kind: 'halt' });
    expect((await v86.getState()).regs.eax).to.equal(5);
  });

  it('stops at a breakpoint inside a loop on every pass', async () => {
    // mov ecx,3; l: inc eax; dec ecx; jnz l; hlt
    await load(v86, flat32Setup(), 0x1000, [0xb9, 3, 0, 0, 0, 0x40, 0x49, 0x75, 0xfc, HLT]);
    const seen = [];
    for (;;) {
      const stop = await v86.run({ maxInstructions: 100, breakpoints: [0x1006] });
      if (stop.kind !== 'breakpoint') break;
      seen.push((await v86.getState()).regs.eax);
    }
    expect(seen).to.deep.equal([1, 2, 3]);
  });

  it('breakpoints are linear addresses: CS.base + EIP in real mode', async () => {
    await load(v86, realModeSetup({ cs: 0x100, ip: 0 }), 0x1000, [0x40, 0x40, 0x40, HLT]);
    expect(await v86.run({ maxInstructions: 100, breakpoints: [0x1002] })).to.deep.equal({ kind: 'breakpoint', eip: 2 });
  });

  it('ends the run at an OUT to the debug-exit port 0xF4 with status (value << 1) | 1, as the reference does', async () => {
    // mov al,0x21; out 0xf4,al; hlt
    const { reference: r, v86: v } = await both(flat32Setup(), 0x1000, [0xb0, 0x21, 0xe6, 0xf4, HLT]);
    expect(v.stop).to.deep.equal({ kind: 'exit-port', status: 0x43 });
    expect(v.stop).to.deep.equal(r.stop);
    expect(v.state.eip).to.equal(0x1004);
  });

  it('stops at DIV by zero before delivery with stopOnException: vector 0, EIP at the DIV, nothing pushed', async () => {
    // xor ecx,ecx; div ecx; hlt
    for (const subject of [reference, v86]) {
      await load(subject, flat32Setup({ regs: { esp: 0x8000 } }), 0x1000, [0x31, 0xc9, 0xf7, 0xf1, HLT]);
      expect(await subject.run({ maxInstructions: 100, stopOnException: true }), subject.name).to.deep.equal({ kind: 'exception', vector: 0 });
      const state = await subject.getState();
      expect([state.eip, state.regs.esp], subject.name).to.deep.equal([0x1002, 0x8000]);
    }
  });

  it('delivers DIV by zero through the IDT without stopOnException: an interrupt gate and a 3-dword frame', async () => {
    const setup = flat32Setup({ regs: { esp: 0x8000 } });
    await load(v86, setup, 0x1000, [0x31, 0xc9, 0xf7, 0xf1, HLT]);
    // IDT at 0x600 with one 32-bit interrupt gate for vector 0: 0008:00005000, DPL 0, present.
    await v86.writeMemory(0x600, Uint8Array.of(0x00, 0x50, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00));
    await v86.writeMemory(0x5000, Uint8Array.of(HLT));
    await v86.setState({ ...setup.state, idtr: { base: 0x600, limit: 7 } });
    expect(await v86.run({ maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    const state = await v86.getState();
    expect([state.eip, state.regs.esp]).to.deep.equal([0x5001, 0x7ff4]);
    expect([...new Uint32Array((await v86.readMemory(0x7ff4, 12)).buffer)]).to.deep.equal([0x1002, 0x08, 0x46]);
  });

  it('reports #GP with its error code (a selector past the GDT limit) and #UD', async () => {
    // mov ax,0x40; mov ds,ax
    await load(v86, flat32Setup(), 0x1000, [0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd8, HLT]);
    expect(await v86.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0x40 });
    expect((await v86.getState()).eip).to.equal(0x1004);
    await load(v86, flat32Setup(), 0x1000, [0x0f, 0x0b, HLT]);
    expect(await v86.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 6 });
  });

  it('takes a snapshot and restores it: registers and memory come back, the run goes on from there', async () => {
    await load(v86, flat32Setup({ regs: { esp: 0x8000 } }), 0x1000, [0x40, 0xa3, 0x00, 0x20, 0x00, 0x00, 0x40, 0x40, HLT]);
    expect(await v86.run({ maxInstructions: 2 })).to.deep.equal({ kind: 'limit' });
    const before = await v86.getState();
    const blob = await v86.snapshot!();
    expect(await v86.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    await v86.writeMemory(0x2000, Uint8Array.of(0xee, 0xee, 0xee, 0xee));
    await v86.restore!(blob);
    expect(await v86.getState()).to.deep.equal(before);
    expect([...(await v86.readMemory(0x2000, 4))]).to.deep.equal([1, 0, 0, 0]);
    expect(await v86.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    expect((await v86.getState()).regs.eax).to.equal(3);
    let message = '';
    try {
      await v86.restore!(Uint8Array.of(1, 2, 3));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.equal('not a v86 subject snapshot (bad header)');
  });

  it('translates through 32-bit page tables: 4 KiB and 4 MiB pages, R/W and U/S, not present', async () => {
    const setup = flat32Setup();
    await load(v86, setup, 0x1000, [HLT], 4 << 20);
    const pd = new Uint32Array(1024);
    const pt = new Uint32Array(1024);
    for (let i = 0; i < 1024; i++) pt[i] = (i << 12) | 0x7;
    pt[0x20] = 0x30000 | 0x5; // user, read-only
    pt[0x21] = 0x31000 | 0x3; // supervisor, writable
    pt[0x22] = 0; // not present
    pd[0] = 0x11000 | 0x7;
    pd[1] = 0x000000 | 0x83; // 4 MiB page at 0, supervisor, writable
    await v86.writeMemory(0x10000, new Uint8Array(pd.buffer));
    await v86.writeMemory(0x11000, new Uint8Array(pt.buffer));
    await v86.setState({ ...setup.state, cr0: 0x80000011, cr3: 0x10000, cr4: 0x10 });
    expect(await v86.translate!(0x20abc)).to.deep.equal({ physical: 0x30abc, writable: false, user: true });
    expect(await v86.translate!(0x21abc)).to.deep.equal({ physical: 0x31abc, writable: true, user: false });
    expect(await v86.translate!(0x22abc)).to.deep.equal({ physical: null });
    expect(await v86.translate!(0x400123)).to.deep.equal({ physical: 0x123, writable: true, user: false });
    // mov eax,[0x22000]: #PF, not present, read, supervisor: error code 0, CR2 the address.
    await v86.writeMemory(0x1000, Uint8Array.of(0xa1, 0x00, 0x20, 0x02, 0x00, HLT));
    expect(await v86.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 14, errorCode: 0 });
    expect((await v86.getState()).cr2).to.equal(0x22000);
  });

  it('quirk icebp: F1 runs as a no-op where the reference raises #DB', async () => {
    const { reference: r, v86: v } = await both(flat32Setup(), 0x1000, [0xf1, HLT]);
    expect(r.stop).to.deep.equal({ kind: 'exception', vector: 1 });
    expect(v.stop).to.deep.equal({ kind: 'halt' });
  });

  it('quirk real-mode-ivt: INT n reads the vector at physical 0, not at IDTR.base', async () => {
    const setup = realModeSetup({ cs: 0x100, ip: 0, regs: { esp: 0x7000 } });
    await load(v86, setup, 0x1000, [0xcd, 0x21, HLT]);
    await v86.writeMemory(0x21 * 4, Uint8Array.of(0x00, 0x00, 0x00, 0xf0)); // IVT at 0: F000:0000
    await v86.writeMemory(0x3000 + 0x21 * 4, Uint8Array.of(0x00, 0x00, 0x00, 0xe0)); // IVT at 0x3000: E000:0000
    await v86.writeMemory(0xf0000, Uint8Array.of(HLT));
    await v86.writeMemory(0xe0000, Uint8Array.of(HLT));
    await v86.setState({ ...setup.state, idtr: { base: 0x3000, limit: 0x3ff } });
    expect(await v86.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    expect((await v86.getState()).segs.cs.sel).to.equal(0xf000);
  });

  it('quirk trap-flag: a state with TF set runs on without the single-step #DB the reference raises', async () => {
    const { reference: r, v86: v } = await both(realModeSetup({ cs: 0x100, ip: 0, eflags: 0x102, regs: { esp: 0x7000 } }), 0x1000, [0x40, 0x40, HLT]);
    expect(r.state.regs.eax).to.equal(1);
    expect(v.stop).to.deep.equal({ kind: 'halt' });
    expect([v.state.regs.eax, v.state.eflags & 0x100]).to.deep.equal([2, 0x100]);
  });

  it('quirks lock-prefix, length-limit and segment-limits: no #UD, no #GP, no limit fault where the reference faults', async () => {
    const programs: Array<[string, number[], Partial<Record<'esp', number>>]> = [
      ['LOCK NOP', [0xf0, 0x90, HLT], {}],
      ['16-byte NOP', [...new Array<number>(15).fill(0x66), 0x90, HLT], {}],
      ['MOV AX,[0xFFFF]', [0x8b, 0x06, 0xff, 0xff, HLT], {}],
      ['PUSH AX with SP=1', [0x50, HLT], { esp: 1 }],
    ];
    for (const [what, program, regs] of programs) {
      const setup = realModeSetup({ cs: 0x100, ip: 0, regs: { esp: 0x7000, ...regs } });
      await load(reference, setup, 0x1000, program);
      expect((await reference.run({ maxInstructions: 10, stopOnException: true })).kind, `reference: ${what}`).to.equal('exception');
      await load(v86, setup, 0x1000, program);
      expect(await v86.run({ maxInstructions: 10, stopOnException: true }), `v86: ${what}`).to.deep.equal({ kind: 'halt' });
    }
  });

  it('quirk pae-large-pages: a 2 MiB PAE page maps only with CR4.PSE set as well', async () => {
    const setup = flat32Setup();
    await load(v86, setup, 0x1000, [HLT], 4 << 20);
    const pdpt = new Uint32Array(8);
    pdpt[0] = 0x13000 | 1;
    const pd = new Uint32Array(1024);
    pd[1 * 2] = 0x200000 | 0x83; // PDE 1: 2 MiB page at 0x200000, supervisor, writable
    await v86.writeMemory(0x12000, new Uint8Array(pdpt.buffer));
    await v86.writeMemory(0x13000, new Uint8Array(pd.buffer));
    await v86.setState({ ...setup.state, cr0: 0x80000011, cr3: 0x12000, cr4: 0x30 });
    expect(await v86.translate!(0x200123)).to.deep.equal({ physical: 0x200123, writable: true, user: false });
    await v86.setState({ ...setup.state, cr0: 0x80000011, cr3: 0x12000, cr4: 0x20 });
    expect(await v86.translate!(0x200123)).to.deep.equal({ physical: null });
  });

  it('quirk rep-count: REP MOVSB uses a step per run up to the next page boundary of ESI or EDI', async () => {
    await load(v86, flat32Setup({ regs: { ecx: 100000, esi: 0x10800, edi: 0x40100 } }), 0x1000, [0xf3, 0xa4, HLT]);
    const done = [];
    for (let step = 0; step < 3; step++) {
      expect(await v86.run({ maxInstructions: 1 })).to.deep.equal({ kind: 'limit' });
      const state = await v86.getState();
      expect(state.eip).to.equal(0x1000);
      done.push(100000 - state.regs.ecx);
    }
    // Pieces end at 0x11000 (ESI), 0x41000 (EDI), then 0x12000 (ESI).
    expect(done).to.deep.equal([0x800, 0xf00, 0x1800]);
  });

  it('quirk idt-limit: an exception past the IDT limit aborts the core as subject-crash; reset brings it back', async () => {
    // flat32Setup has IDTR.limit 0, so #DE has no gate.
    await load(v86, flat32Setup(), 0x1000, [0x31, 0xc9, 0xf7, 0xf1, HLT]);
    let error: unknown;
    try {
      await v86.run({ maxInstructions: 10 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(SubjectError);
    expect((error as SubjectError).kind).to.equal('subject-crash');
    expect((error as SubjectError).message).to.include('Unimplemented: #GP handler');
    expect((error as SubjectError).message).to.not.include('\n');
    let again: unknown;
    try {
      await v86.getState();
    } catch (e) {
      again = e;
    }
    expect((again as SubjectError).message).to.match(/reset\(\) starts a new one/);
    await load(v86, flat32Setup(), 0x1000, [0x40, HLT]);
    expect(await v86.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
  });

  it('refuses a v86 core it was not written for with a one-line error', () => {
    expect(() => patchV86Wasm(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).to.throw('v86 wasm patch: not a WebAssembly version 1 module');
    // A valid module without v86's functions.
    const empty = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
    let message = '';
    try {
      patchV86Wasm(empty);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^v86 wasm patch: /);
    expect(message).to.not.include('\n');
  });
});
