/**
 * The unicorn subject (libunicorn 2.0.1 through koffi) through the adapter contract, in process.
 *
 * Checks: every register and descriptor-table register it writes reads back (which also pins
 * the Unicorn 2.0.x register numbering), memory and open bus, stops (HLT, limit, breakpoint,
 * debug-exit port, #DE, #GP with its error code, #UD), the HLT-versus-limit decision when the
 * limit lands just after an F4 byte, snapshots, and the declared quirks as observed behaviour.
 * Oracle: the embedded reference subject run on the same program and state, and the SDM where
 * a quirk is demonstrated (the test pins Unicorn's behaviour, not the right answer).
 * Leaves out: paging suites, speed (harness/adapters/unicorn/bench.ts), the out-of-process
 * server (the exec adapter's tests cover serveSubject).
 *
 * Without libunicorn the tests skip with the reason, except under CI=true, where a missing
 * library fails them: CI must have the package installed.
 */

import { expect } from 'chai';
import type { ArchState, Subject } from '../../../../harness/adapter.ts';
import { createReferenceSubject } from '../../../../harness/adapters/reference/index.ts';
import { createUnicornSubject, eipIsLinearAfterHookStop, unicornAvailability, type UnicornSubject } from '../../../../harness/adapters/unicorn/index.ts';
import { flat32Setup, loadProgram, realModeSetup, type InitialSetup } from '../../../../harness/state/initial-state.ts';
import { needTool } from '../../../support/outcome.ts';

const HLT = 0xf4;
const MEMORY = 1 << 20;

async function load(subject: Subject, setup: InitialSetup, at: number, program: number[], memorySize = MEMORY): Promise<void> {
  await loadProgram(subject, { cpu: 'modern', memorySize }, setup, at, program);
}

/** The same program on the reference and on unicorn: stop reason and final state of each. */
async function both(setup: InitialSetup, at: number, program: number[], maxInstructions = 1000) {
  const results = [];
  for (const subject of [createReferenceSubject(), createUnicornSubject()]) {
    await load(subject, setup, at, program);
    const stop = await subject.run({ maxInstructions });
    results.push({ stop, state: await subject.getState(), subject });
  }
  return { reference: results[0]!, unicorn: results[1]! };
}

describe('unicorn subject (adapter contract)', function () {
  before(function () {
    const availability = unicornAvailability();
    needTool(this, 'the unicorn subject tests', availability.available ? undefined : availability.reason);
  });

  it('declares only what it can do: real and prot32, the modern CPU, snapshots, no translate', () => {
    const subject = createUnicornSubject();
    expect(subject.capabilities.modes).to.deep.equal(['real', 'prot32']);
    expect(subject.capabilities.cpuModels).to.deep.equal(['modern']);
    expect(subject.capabilities.translate).to.equal(false);
    expect(subject.capabilities.snapshot).to.equal(true);
    expect(subject.quirks.some((q) => q.includes('UC_HOOK_INTR'))).to.equal(true);
    expect(subject.quirks.some((q) => q.includes('#1953'))).to.equal(true);
  });

  it('refuses CPU models other than modern with a one-line error', async () => {
    const subject = createUnicornSubject();
    let message = '';
    try {
      await subject.reset({ cpu: 'i386', memorySize: MEMORY });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/only the 'modern' CPU/);
    expect(message).to.not.include('\n');
  });

  it('reads back every register it writes (flat32: GPRs, EIP, EFLAGS, selectors, CRs, EFER, GDTR/IDTR/LDTR/TR)', async () => {
    const subject = createUnicornSubject();
    const setup = flat32Setup({ eip: 0x1234, regs: { eax: 0x11111111, ecx: 0x22222222, edx: 0x33333333, ebx: 0x44444444, esp: 0x55555555, ebp: 0x66666666, esi: 0x77777777, edi: 0x88888888 }, eflags: 0x8d7 });
    await load(subject, setup, 0x1234, [HLT]);
    const state: ArchState = {
      ...setup.state,
      cr2: 0xdeadb000, cr3: 0x5000, cr4: 0x10,
      efer: 0,
      idtr: { base: 0x9000, limit: 0x7ff },
      ldtr: { sel: 0x28, base: 0x7000, limit: 0x3ff, attr: 0x82 },
      tr: { sel: 0x30, base: 0x7400, limit: 0x67, attr: 0x8b },
    };
    await subject.setState(state);
    expect(await subject.getState()).to.deep.equal(state);
  });

  it('takes a real-mode state: segment bases are selector * 16', async () => {
    const subject = createUnicornSubject();
    const setup = realModeSetup({ cs: 0x1234, ip: 0x10, dataSegment: 0x2000, regs: { eax: 0xabcd, esp: 0xfffe } });
    await load(subject, setup, 0x12350, [HLT]);
    const got = await subject.getState();
    expect(got.segs.cs).to.include({ sel: 0x1234, base: 0x12340, limit: 0xffff });
    expect(got.segs.ds).to.deep.equal({ sel: 0x2000, base: 0x20000, limit: 0xffff, attr: 0x93 });
    expect(got.cr0 & 1).to.equal(0);
    expect(got.eip).to.equal(0x10);
    expect(got.regs.eax).to.equal(0xabcd);
  });

  it('round-trips memory, reads open bus above RAM as 0xFF, and rejects writes outside RAM', async () => {
    const subject = createUnicornSubject();
    await subject.reset({ cpu: 'modern', memorySize: MEMORY });
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff);
    await subject.writeMemory(0xffe00, bytes);
    expect(Array.from(await subject.readMemory(0xffe00, 300))).to.deep.equal(Array.from(bytes));
    expect(Array.from(await subject.readMemory(MEMORY - 2, 4))).to.deep.equal([0, 0, 0xff, 0xff]);
    let message = '';
    try {
      await subject.writeMemory(MEMORY - 1, Uint8Array.of(1, 2));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/outside RAM/);
  });

  it('runs a flat32 loop to HLT with the same final state as the reference', async () => {
    // mov ecx,10; l: add eax,ecx; push eax; pop edx; loop l; mov [0x3000],eax; hlt
    const program = [0xb9, 10, 0, 0, 0, 0x01, 0xc8, 0x50, 0x5a, 0xe2, 0xfa, 0xa3, 0x00, 0x30, 0, 0, HLT];
    const { reference, unicorn } = await both(flat32Setup({ regs: { eax: 5, esp: 0x8000 } }), 0x1000, program);
    expect(unicorn.stop).to.deep.equal({ kind: 'halt' });
    expect(unicorn.stop).to.deep.equal(reference.stop);
    expect(unicorn.state).to.deep.equal(reference.state);
    expect(Array.from(await unicorn.subject.readMemory(0x3000, 4))).to.deep.equal([60, 0, 0, 0]);
  });

  it('runs a real-mode program (16-bit operands, segment:offset stores) like the reference', async () => {
    // mov ax,0x1234; mov bx,0x0010; mov [bx+2],ax; add ax,[bx+2]; hlt   (DS = 0x2000)
    const program = [0xb8, 0x34, 0x12, 0xbb, 0x10, 0x00, 0x89, 0x47, 0x02, 0x03, 0x47, 0x02, HLT];
    const setup = realModeSetup({ cs: 0, ip: 0x1000, dataSegment: 0x2000, regs: { esp: 0xfffe } });
    const { reference, unicorn } = await both(setup, 0x1000, program);
    expect(unicorn.stop).to.deep.equal({ kind: 'halt' });
    expect(unicorn.state.regs).to.deep.equal(reference.state.regs);
    expect(unicorn.state.eip).to.equal(reference.state.eip);
    expect(unicorn.state.eflags).to.equal(reference.state.eflags);
    expect(Array.from(await unicorn.subject.readMemory(0x20012, 2))).to.deep.equal([0x34, 0x12]);
  });

  it('stops at the instruction limit, exactly, and single-steps', async () => {
    const subject = createUnicornSubject();
    await load(subject, flat32Setup(), 0x1000, [0x40, 0x40, 0x40, 0x40, HLT]); // inc eax x4; hlt
    expect(await subject.run({ maxInstructions: 3 })).to.deep.equal({ kind: 'limit' });
    expect((await subject.getState()).regs.eax).to.equal(3);
    expect(await subject.run({ maxInstructions: 1 })).to.deep.equal({ kind: 'limit' });
    expect((await subject.getState()).eip).to.equal(0x1004);
    expect(await subject.run({ maxInstructions: 1 })).to.deep.equal({ kind: 'halt' });
    expect((await subject.getState()).eip).to.equal(0x1005);
  });

  it('tells a limit just after an F4 byte (mov al,0xF4) from a HLT, as the reference does', async () => {
    // mov al,0xf4; nop; mov al,0xf4; hlt: the limit lands after an instruction ending in F4.
    const program = [0xb0, 0xf4, 0x90, 0xb0, 0xf4, HLT];
    for (const maxInstructions of [1, 3, 4, 5]) {
      const { reference, unicorn } = await both(flat32Setup(), 0x1000, program, maxInstructions);
      expect(unicorn.stop, `maxInstructions ${maxInstructions}`).to.deep.equal(reference.stop);
      expect(unicorn.state.eip, `maxInstructions ${maxInstructions}`).to.equal(reference.state.eip);
    }
  });

  it('stops before a breakpoint, not at the starting EIP, and resumes from it to HLT', async () => {
    const subject = createUnicornSubject();
    await load(subject, flat32Setup(), 0x1000, [0x40, 0x40, 0x40, HLT]);
    expect(await subject.run({ maxInstructions: 100, breakpoints: [0x1002] })).to.deep.equal({ kind: 'breakpoint', eip: 0x1002 });
    expect((await subject.getState()).regs.eax).to.equal(2);
    expect((await subject.run({ maxInstructions: 100, breakpoints: [0x1002] })).kind).to.equal('halt');
    expect((await subject.getState()).regs.eax).to.equal(3);
  });

  it('honours a breakpoint set on code it has already run, and forgets one that is removed', async () => {
    const subject = createUnicornSubject();
    const setup = flat32Setup();
    await load(subject, setup, 0x1000, [0x40, 0x40, 0x40, HLT]);
    expect(await subject.run({ maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    await subject.setState(setup.state);
    expect(await subject.run({ maxInstructions: 100, breakpoints: [0x1001] })).to.deep.equal({ kind: 'breakpoint', eip: 0x1001 });
    await subject.setState(setup.state);
    expect(await subject.run({ maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect((await subject.getState()).regs.eax).to.equal(3);
  });

  it('ends the run at a write to the debug-exit port 0xF4 with status (value << 1) | 1, keeping console bytes', async () => {
    // mov al,'h'; out 0xe9,al; mov al,'i'; out 0xe9,al; mov al,0x2a; out 0xf4,al; hlt
    const program = [0xb0, 0x68, 0xe6, 0xe9, 0xb0, 0x69, 0xe6, 0xe9, 0xb0, 0x2a, 0xe6, 0xf4, HLT];
    const { reference, unicorn } = await both(flat32Setup(), 0x1000, program);
    expect(unicorn.stop).to.deep.equal({ kind: 'exit-port', status: (0x2a << 1) | 1 });
    expect(unicorn.stop).to.deep.equal(reference.stop);
    expect(unicorn.state.eip).to.equal(reference.state.eip);
    expect(new TextDecoder().decode((unicorn.subject as UnicornSubject).consoleOutput())).to.equal('hi');
  });

  it('reports DIV by zero as vector 0 at the faulting instruction, like the reference with stopOnException', async () => {
    const program = [0x31, 0xc9, 0xf7, 0xf1, HLT]; // xor ecx,ecx; div ecx; hlt
    const reference = createReferenceSubject();
    const unicorn = createUnicornSubject();
    for (const subject of [reference, unicorn]) await load(subject, flat32Setup(), 0x1000, program);
    const expected = await reference.run({ maxInstructions: 10, stopOnException: true });
    expect(await unicorn.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 0 });
    expect(expected).to.deep.equal({ kind: 'exception', vector: 0 });
    expect((await unicorn.getState()).eip).to.equal((await reference.getState()).eip);
  });

  it('reports #GP with its error code (a selector past the GDT limit) and #UD for UD2', async () => {
    const subject = createUnicornSubject();
    // mov ax,0x5a58; mov ds,ax; hlt  -> #GP(0x5a58): the selector indexes past the 24-byte GDT
    await load(subject, flat32Setup(), 0x1000, [0x66, 0xb8, 0x58, 0x5a, 0x8e, 0xd8, HLT]);
    expect(await subject.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0x5a58 });
    expect((await subject.getState()).eip).to.equal(0x1004);
    await load(subject, flat32Setup(), 0x1000, [0x90, 0x0f, 0x0b, HLT]); // nop; ud2
    expect(await subject.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 6 });
    expect((await subject.getState()).eip).to.equal(0x1001);
  });

  it('quirk: without stopOnException it still stops at an exception, where the reference delivers it through the IVT', async () => {
    // Real mode, IVT entry 0 -> 0000:2000 holding HLT; xor cx,cx; div cx
    const setup = realModeSetup({ cs: 0, ip: 0x1000, regs: { esp: 0xfffe } });
    const ivt = [0x00, 0x20, 0x00, 0x00];
    const stops = [];
    for (const subject of [createReferenceSubject(), createUnicornSubject()]) {
      await load(subject, setup, 0x1000, [0x31, 0xc9, 0xf7, 0xf1, HLT]);
      await subject.writeMemory(0, Uint8Array.from(ivt));
      await subject.writeMemory(0x2000, Uint8Array.of(HLT));
      stops.push(await subject.run({ maxInstructions: 10 }));
    }
    expect(stops[0]).to.deep.equal({ kind: 'halt' }); // delivered to the handler, which halted
    expect(stops[1]).to.deep.equal({ kind: 'exception', vector: 0 }); // Unicorn: UC_HOOK_INTR only
  });

  it('quirk: with a non-zero CS base, EIP reads as the linear address after a limit or breakpoint stop; the run still resumes from the offset', async () => {
    // Unicorn 2.0.1 stores CS.base + EIP in EIP at a code-hook stop (eipIsLinearAfterHookStop);
    // the SDM value is the offset (SDM Vol. 3A, 3.4.3). Real mode, CS 0x100 (base 0x1000).
    expect(eipIsLinearAfterHookStop()).to.equal(true);
    const setup = realModeSetup({ cs: 0x100, ip: 0x10 });
    const program = [0x40, 0x40, 0x40, HLT]; // inc ax x3; hlt at linear 0x1010
    const { reference, unicorn } = await both(setup, 0x1010, program, 1);
    expect(reference.state.eip).to.equal(0x11);
    expect(unicorn.stop).to.deep.equal({ kind: 'limit' });
    expect(unicorn.state.eip, 'reported as Unicorn gives it').to.equal(0x1011);
    const subject = createUnicornSubject();
    await load(subject, setup, 0x1010, program);
    expect(await subject.run({ maxInstructions: 100, breakpoints: [0x1012] })).to.deep.equal({ kind: 'breakpoint', eip: 0x1012 });
    expect(await subject.run({ maxInstructions: 100 }), 'resumed from the offset, not past RAM').to.deep.equal({ kind: 'halt' });
    expect((await subject.getState()).regs.eax & 0xffff).to.equal(3);
  });

  it('single-steps a real-mode program at a non-zero CS base to HLT (regression: it ran off into the open bus, UC_ERR_FETCH_PROT)', async () => {
    // Each step used to resume at CS.base + (CS.base + IP): after a few steps past RAM's end.
    const setup = realModeSetup({ cs: 0x100, ip: 0, regs: { esp: 0xfffe } });
    const program = [0x40, 0x40, 0x40, 0x40, HLT]; // inc ax x4; hlt
    const reference = createReferenceSubject();
    const unicorn = createUnicornSubject();
    for (const subject of [reference, unicorn]) await load(subject, setup, 0x1000, program, 0x4000);
    const stops = [];
    for (let step = 0; step < 5; step++) {
      const stop = await unicorn.run({ maxInstructions: 1 });
      expect(stop).to.deep.equal(await reference.run({ maxInstructions: 1 }));
      const linear = stop.kind === 'limit' ? 0x1000 : 0; // the declared quirk: linear after a count stop
      expect((await unicorn.getState()).eip, `step ${step}`).to.equal((await reference.getState()).eip + linear);
      stops.push(stop.kind);
    }
    expect(stops).to.deep.equal(['limit', 'limit', 'limit', 'limit', 'halt']);
    expect((await unicorn.getState()).regs.eax & 0xffff).to.equal(4);
  });

  it('loads segment registers in real mode as real mode (regression: CR0 written through uc_reg_write left QEMU in protected-mode translation)', async () => {
    // mov ax,0x120; mov ds,ax; mov [0],ax; hlt: a real-mode load (base 0x1200), not a GDT lookup (#GP(0x120))
    const setup = realModeSetup({ cs: 0x100, ip: 0, regs: { esp: 0xfffe } });
    const program = [0xb8, 0x20, 0x01, 0x8e, 0xd8, 0xa3, 0x00, 0x00, HLT];
    const { reference, unicorn } = await both(setup, 0x1000, program);
    expect(unicorn.stop).to.deep.equal({ kind: 'halt' });
    expect(unicorn.state.segs.ds).to.deep.equal(reference.state.segs.ds);
    expect(Array.from(await unicorn.subject.readMemory(0x1200, 2))).to.deep.equal([0x20, 0x01]);
  });

  it('quirk (a): with paging on, reads, fetches and writes go to the linear address as if physical (unicorn#1953)', async () => {
    // Linear 0x200000 maps to physical 0x5000 (SDM Vol. 3A, 4.3), and every access sets the
    // accessed bit, a write also the dirty bit (4.8). Unicorn 2.0.1 reads physical 0x200000
    // without a walk (no accessed bits, not even for the code page) and then stores at physical
    // 0x200004 through the same translation. (A write to a page not read first does walk and
    // set A/D, yet stores at the linear address too.) Pinned as observed, not as right.
    const subject = createUnicornSubject();
    const setup = flat32Setup();
    const directory = new Uint8Array(4096);
    new DataView(directory.buffer).setUint32(0, 0x11000 | 3, true);
    const table = new Uint8Array(4096);
    const tableView = new DataView(table.buffer);
    for (let i = 0; i < 1024; i++) tableView.setUint32(i * 4, (i << 12) | 3, true);
    tableView.setUint32(0x200 * 4, 0x5000 | 3, true);
    // mov eax,[0x200000]; mov dword [0x200004],0x55667788; hlt
    const program = [0xa1, 0x00, 0x00, 0x20, 0x00, 0xc7, 0x05, 0x04, 0x00, 0x20, 0x00, 0x88, 0x77, 0x66, 0x55, HLT];
    await load(subject, setup, 0x1000, program, 4 << 20);
    await subject.writeMemory(0x10000, directory);
    await subject.writeMemory(0x11000, table);
    await subject.writeMemory(0x5000, Uint8Array.of(0xdd, 0xcc, 0xbb, 0xaa));
    await subject.writeMemory(0x200000, Uint8Array.of(0x44, 0x33, 0x22, 0x11));
    await subject.setState({ ...setup.state, cr3: 0x10000, cr0: 0x80000011 });
    expect(await subject.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    const dword = async (address: number) => new DataView((await subject.readMemory(address, 4)).buffer).getUint32(0, true);
    expect((await subject.getState()).regs.eax).to.equal(0x11223344); // SDM: 0xaabbccdd
    expect(await dword(0x200004)).to.equal(0x55667788); // SDM: stored at physical 0x5004
    expect(await dword(0x5004)).to.equal(0);
    expect(await dword(0x11000 + 0x200 * 4)).to.equal(0x5003); // SDM: 0x5063, accessed and dirty
    expect(await dword(0x11000 + 0x1 * 4)).to.equal(0x1003); // SDM: the fetch sets accessed (0x1023)
  });

  it('quirk: EFER writes are dropped (EFER.NXE 0x800 reads back 0), since its CPUID has no NX', async () => {
    const subject = createUnicornSubject();
    const setup = flat32Setup();
    await load(subject, setup, 0x1000, [HLT]);
    await subject.setState({ ...setup.state, efer: 0x800 });
    expect((await subject.getState()).efer).to.equal(0);
  });

  it('restores a snapshot: the same run from it gives the same state and memory', async () => {
    const subject = createUnicornSubject();
    // l: inc eax; mov [0x3000],eax; jmp l
    await load(subject, flat32Setup(), 0x1000, [0x40, 0xa3, 0x00, 0x30, 0x00, 0x00, 0xeb, 0xf8]);
    await subject.run({ maxInstructions: 7 });
    const blob = await subject.snapshot!();
    await subject.run({ maxInstructions: 30 });
    const after = { state: await subject.getState(), memory: Array.from(await subject.readMemory(0x3000, 4)) };
    await subject.restore!(blob);
    await subject.run({ maxInstructions: 30 });
    expect({ state: await subject.getState(), memory: Array.from(await subject.readMemory(0x3000, 4)) }).to.deep.equal(after);
    let message = '';
    try {
      await subject.restore!(blob.subarray(0, 10));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/truncated/);
  });

  it('runs new code written over code it already ran', async () => {
    const subject = createUnicornSubject();
    await load(subject, flat32Setup(), 0x1000, [0x40, HLT]); // inc eax; hlt
    await subject.run({ maxInstructions: 10 });
    await subject.writeMemory(0x1000, Uint8Array.of(0x48, 0x48, HLT)); // dec eax x2; hlt
    await subject.setState({ ...(await subject.getState()), eip: 0x1000 });
    await subject.run({ maxInstructions: 10 });
    expect((await subject.getState()).regs.eax).to.equal(0xffffffff);
  });
});
