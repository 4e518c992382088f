/**
 * The qemu adapter. Pure parts first, with no QEMU: the RSP packet codec (checksums, escapes,
 * run-length encoding, framing across chunks), the monitor parsers and the instruction peek.
 * Then qemu-system-i386 itself through the adapter contract: register and memory round trips,
 * GDTR/IDTR/LDTR/TR and real-mode caches, short flat 32-bit and real-mode programs run both by a
 * default subject (whose first 256 instructions are single-stepped) and by one that never steps
 * (gdbstub continue), breakpoints, exact counts with REP, the debug-exit port, DIV by zero and a
 * #GP with stopOnException, a triple fault, translate with paging off and on, snapshots, a missing
 * binary, and that close() leaves no QEMU running. Two QEMU processes in all; a few seconds.
 * Then live migration (migrateTo) to a second QEMU process: a flat program migrated after a few
 * instructions, state and memory as before and the rest of the run as the reference's; paging
 * with clear accessed bits, EFLAGS.TF and a halted CPU parked without a trace; a target killed
 * before and during the stream and a stalled migration as one-line errors, with no QEMU left
 * behind (pgrep on this process's children) and the source unchanged. About a dozen short-lived
 * QEMU processes (1 MiB guests), one or two at a time; a few seconds.
 *
 * Oracle: the embedded reference subject for program outcomes (same start state, same memory,
 * compared field by field); hand-computed values for the codec and parsers.
 *
 * Leaves out: the benchmark (harness/adapters/qemu/bench.ts), a target that fails to start,
 * and every CPU model but
 * `modern` beyond a start-up check. Without qemu-system-i386 the QEMU part is skipped with a
 * printed reason, except under CI=true, where a missing QEMU fails.
 */

import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import type { ArchState, Subject } from '../../../../harness/adapter.ts';
import { peekInstruction } from '../../../../harness/adapters/qemu/instruction-peek.ts';
import { attrFromQemuFlags, parseGva2gpa, parseInfoMem, parseInfoRegisters } from '../../../../harness/adapters/qemu/monitor.ts';
import { QEMU_BINARY, QemuStartError } from '../../../../harness/adapters/qemu/process.ts';
import { decodePayload, escapeBinary, framePacket, rspChecksum, RspFrameParser, runLengthEncode } from '../../../../harness/adapters/qemu/rsp.ts';
import { createQemuSubject, type QemuSubject } from '../../../../harness/adapters/qemu/subject.ts';
import { createReferenceSubject } from '../../../../harness/adapters/reference/index.ts';
import { flat32Setup, loadProgram, realModeSetup, segmentDescriptor, type InitialSetup } from '../../../../harness/state/initial-state.ts';
import { SubjectError } from '../../../../harness/suite/run-instance.ts';
import { needTool } from '../../../support/outcome.ts';
import { BUILT_IN_THIRD_PARTY } from '../../../../harness/adapters/built-in.ts';

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('qemu adapter: RSP packet codec', () => {
  it("checksums are the payload's byte sum mod 256: 'g' is 0x67, 'OK' is 0x9a", () => {
    expect(rspChecksum(bytes('g'))).to.equal(0x67);
    expect(rspChecksum(bytes('OK'))).to.equal(0x9a);
    expect(rspChecksum(new Uint8Array(0))).to.equal(0);
    expect(rspChecksum(Uint8Array.from([0xff, 0x02]))).to.equal(0x01);
  });

  it('frames a payload as $payload#cs with two lower-case hex digits', () => {
    expect(text(framePacket('g'))).to.equal('$g#67');
    expect(text(framePacket('m1000,4'))).to.equal(`$m1000,4#${rspChecksum(bytes('m1000,4')).toString(16).padStart(2, '0')}`);
    expect(text(framePacket(''))).to.equal('$#00');
  });

  it('escapes $ # } * as } followed by the byte XOR 0x20, and decodes them back', () => {
    const raw = Uint8Array.from([0x24, 0x23, 0x7d, 0x2a, 0x41, 0x00]);
    const escaped = escapeBinary(raw);
    expect([...escaped]).to.deep.equal([0x7d, 0x04, 0x7d, 0x03, 0x7d, 0x5d, 0x7d, 0x0a, 0x41, 0x00]);
    expect([...decodePayload(escaped)]).to.deep.equal([...raw]);
  });

  it("expands run-length encoding: '0* ' is 0 repeated 3 more times (' ' is 32 = 3 + 29)", () => {
    expect(text(decodePayload(bytes('0* ')))).to.equal('0000');
    expect(text(decodePayload(bytes('ab*"c')))).to.equal('abbbbbbc');
    const registers = '00000000' + 'f0ff0000' + '0'.repeat(40) + 'ff';
    expect(text(decodePayload(bytes(runLengthEncode(registers))))).to.equal(registers);
    expect(runLengthEncode(registers).length).to.be.lessThan(registers.length);
  });

  it('never emits a run whose count character would be #, $, + or -', () => {
    for (let n = 1; n < 120; n++) {
      const encoded = runLengthEncode('7'.repeat(n));
      for (let i = 0; i < encoded.length; i++) if (encoded[i] === '*') expect('#$+-').not.to.include(encoded[i + 1]);
      expect(text(decodePayload(bytes(encoded)))).to.equal('7'.repeat(n));
    }
  });

  it('rejects a run-length marker with nothing before it and an escape at the end', () => {
    expect(() => decodePayload(bytes('* '))).to.throw(/nothing to repeat/);
    expect(() => decodePayload(bytes('ab}'))).to.throw(/inside an escape/);
  });

  it('parses acknowledgements, interrupts and packets split across chunks, checking checksums', () => {
    const parser = new RspFrameParser();
    const frame = text(framePacket('OK'));
    expect(parser.push(bytes('+' + frame.slice(0, 3)))).to.deep.equal([{ kind: 'ack' }]);
    const events = parser.push(bytes(frame.slice(3) + '-\x03$OK#00'));
    expect(events.map((e) => e.kind)).to.deep.equal(['packet', 'nak', 'interrupt', 'packet']);
    expect(events[0]).to.include({ checksumOk: true });
    expect(text((events[0] as { payload: Uint8Array }).payload)).to.equal('OK');
    expect(events[3]).to.include({ checksumOk: false });
  });
});

const INFO_REGISTERS_FLAT = [
  'EAX=22446688 EBX=11223345 ECX=00000000 EDX=00000663',
  'ESI=00000000 EDI=00000000 EBP=00000000 ESP=00008000',
  'EIP=0000100f EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=1',
  'ES =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]',
  'CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]',
  'SS =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]',
  'DS =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]',
  'FS =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]',
  'GS =0010 12345678 000fffff 12cf9334 DPL=0 DS   [-WA]',
  'LDT=0000 00000000 0000ffff 00008200 DPL=0 LDT',
  'TR =0000 00000000 0000ffff 00008b00 DPL=0 TSS32-busy',
  'GDT=     00000800 00000017',
  'IDT=     00012345 000007ff',
  'CR0=00000011 CR2=00000000 CR3=00010000 CR4=00000000',
  'DR0=00000000 DR1=00000000 DR2=00000000 DR3=00000000 ',
  'DR6=ffff0ff0 DR7=00000400',
  'EFER=0000000000000800',
].join('\r\n');

describe('qemu adapter: monitor parsers and instruction peek', () => {
  it("reads registers, caches, tables and HLT from 'info registers'", () => {
    const r = parseInfoRegisters(INFO_REGISTERS_FLAT);
    expect(r).to.include({ eax: 0x22446688, ebx: 0x11223345, edx: 0x663, esp: 0x8000, eip: 0x100f, eflags: 2, cpl: 0, halted: true, cr0: 0x11, cr3: 0x10000, efer: 0x800 });
    expect(r.segs.cs).to.deep.equal({ sel: 8, base: 0, limit: 0xffffffff, attr: 0xc09b });
    // QEMU's flags keep the descriptor's base and limit bits too: only the attribute bits survive.
    expect(r.segs.gs).to.deep.equal({ sel: 0x10, base: 0x12345678, limit: 0xfffff, attr: 0xc093 });
    expect(r.tr).to.deep.equal({ sel: 0, base: 0, limit: 0xffff, attr: 0x8b });
    expect(r.gdtr).to.deep.equal({ base: 0x800, limit: 0x17 });
    expect(r.idtr).to.deep.equal({ base: 0x12345, limit: 0x7ff });
    expect(attrFromQemuFlags(0x12cf9334)).to.equal(0xc093);
  });

  it('fails with the missing field named', () => {
    expect(() => parseInfoRegisters('EAX=0')).to.throw(/EFER|HLT|EBX/);
  });

  it("reads 'gva2gpa' and 'info mem' output", () => {
    expect(parseGva2gpa('gpa: 0x5123\r\n')).to.equal(0x5123);
    expect(parseGva2gpa('Unmapped\r\n')).to.equal(null);
    expect(parseInfoMem('00000000-00400000 00400000 -rw\r\n00400000-00401000 00001000 ur-\r\n')).to.deep.equal([
      { start: 0, end: 0x400000, user: false, writable: true },
      { start: 0x400000, end: 0x401000, user: true, writable: false },
    ]);
    expect(parseInfoMem('PG disabled\r\n')).to.deep.equal([]);
  });

  it('recognises HLT, OUT imm8/DX, INT n/INT3/INTO and REP string forms behind prefixes', () => {
    expect(peekInstruction(Uint8Array.of(0xf4), true)).to.deep.equal({ kind: 'hlt', length: 1 });
    expect(peekInstruction(Uint8Array.of(0x2e, 0xf4), false)).to.deep.equal({ kind: 'hlt', length: 2 });
    expect(peekInstruction(Uint8Array.of(0xe6, 0xf4), true)).to.deep.equal({ kind: 'out-port', length: 2, port: 0xf4, width: 1 });
    expect(peekInstruction(Uint8Array.of(0x66, 0xef), true)).to.deep.equal({ kind: 'out-port', length: 2, port: 'dx', width: 2 });
    expect(peekInstruction(Uint8Array.of(0xcd, 0x21), false)).to.deep.equal({ kind: 'software-interrupt', length: 2, vector: 0x21 });
    expect(peekInstruction(Uint8Array.of(0xcc), false)).to.deep.equal({ kind: 'software-interrupt', length: 1, vector: 3 });
    expect(peekInstruction(Uint8Array.of(0xf3, 0xa4), true)).to.deep.equal({ kind: 'rep-string', length: 2 });
    expect(peekInstruction(Uint8Array.of(0xa4), true)).to.deep.equal({ kind: 'other', system: false });
    expect(peekInstruction(Uint8Array.of(0xf7, 0xf1), true)).to.deep.equal({ kind: 'other', system: false });
  });

  it('marks instructions that can change descriptor caches, tables or privilege as system', () => {
    for (const code of [[0x8e, 0xd8], [0x1f], [0x0f, 0xa1], [0xea, 0, 0, 8, 0], [0xcf], [0xff, 0x2d], [0x0f, 0x01, 0x15], [0x0f, 0x00, 0xd8], [0x66, 0x0f, 0xb2, 0x00], [0x0f, 0x22, 0xc0]]) {
      expect(peekInstruction(Uint8Array.from(code), true), code.map((b) => b.toString(16)).join(' ')).to.deep.equal({ kind: 'other', system: true });
    }
    for (const code of [[0x8b, 0xd8], [0xff, 0x15], [0x0f, 0x20, 0xc0], [0x0f, 0xa2]]) {
      expect(peekInstruction(Uint8Array.from(code), true), code.map((b) => b.toString(16)).join(' ')).to.deep.equal({ kind: 'other', system: false });
    }
    // Unreadable code (nothing peeked) is treated as system, so everything is re-read.
    expect(peekInstruction(new Uint8Array(0), true)).to.deep.equal({ kind: 'other', system: true });
  });
});

/** Why QEMU cannot run here, as `xvc run --adapter qemu` decides it; undefined when it can. */
const qemuMissing = (): string | undefined => BUILT_IN_THIRD_PARTY.find((a) => a.name === 'qemu')!.missing();

const MEMORY = 1 << 20;
const FLAT = flat32Setup({ eip: 0x1000, regs: { esp: 0x8000 } });

async function prepare(subject: Subject, setup: InitialSetup, program: readonly number[], at = 0x1000): Promise<void> {
  await loadProgram(subject, { cpu: 'modern', memorySize: MEMORY }, setup, at, program);
}

describe('qemu adapter: qemu-system-i386 through the contract', function () {
  this.timeout(60_000);
  /** The default subject: the first 256 instructions of every run single-stepped. */
  let qemu: Subject;
  /** One that never steps, so full-speed runs (gdbstub continue) are tested too. */
  let fullSpeed: Subject;
  const reference = createReferenceSubject();

  before(function () {
    needTool(this, 'the qemu adapter tests', qemuMissing());
    qemu = createQemuSubject();
    fullSpeed = createQemuSubject({ exactStepLimit: 0 });
  });

  after(async () => {
    await qemu?.close();
    await fullSpeed?.close();
  });

  /** Runs the program on QEMU and on the reference from the same start; returns both stops and states. */
  async function both(qemuSubject: Subject, setup: InitialSetup, program: readonly number[], limits: Parameters<Subject['run']>[0], extra: Array<[number, number[]]> = []) {
    const results: Array<{ stop: Awaited<ReturnType<Subject['run']>>; state: ArchState; stack: Uint8Array }> = [];
    for (const subject of [qemuSubject, reference]) {
      await prepare(subject, setup, program, setup.state.segs.cs.base + setup.state.eip);
      for (const [address, data] of extra) await subject.writeMemory(address, Uint8Array.from(data));
      const stop = await subject.run(limits);
      const state = await subject.getState();
      const sp = (state.segs.ss.base + (state.segs.ss.attr & 0x4000 ? state.regs.esp : state.regs.esp & 0xffff)) >>> 0;
      results.push({ stop, state, stack: await subject.readMemory(sp - 32, 32) });
    }
    return { qemu: results[0]!, reference: results[1]! };
  }

  it('round-trips registers, EFLAGS and memory, and reads 0xFF beyond RAM', async () => {
    await prepare(qemu, FLAT, [0xf4]);
    const state: ArchState = { ...FLAT.state, regs: { eax: 0x11223344, ecx: 0xffffffff, edx: 0x80000000, ebx: 1, esp: 0x7ffc, ebp: 0xdeadbeef, esi: 0x55aa55aa, edi: 0x12345678 }, eflags: 0x8d7, eip: 0x1234 };
    await qemu.setState(state);
    expect(await qemu.getState()).to.deep.equal(state);
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff);
    await qemu.writeMemory(0x20001, data);
    expect([...(await qemu.readMemory(0x20001, data.length))]).to.deep.equal([...data]);
    expect([...(await qemu.readMemory(MEMORY - 2, 4))]).to.deep.equal([0, 0, 0xff, 0xff]);
    await expectRejection(qemu.writeMemory(MEMORY - 1, Uint8Array.of(1, 2)), /outside RAM/);
  });

  it('sets GDTR, IDTR, LDTR and TR and reads them back (TR as QEMU caches it after LTR: available)', async () => {
    await prepare(qemu, FLAT, [0xf4]);
    const gdt = new Uint8Array(0x30);
    gdt.set(segmentDescriptor(0, 0xffffffff, 0xc09b), 0x08);
    gdt.set(segmentDescriptor(0, 0xffffffff, 0xc093), 0x10);
    gdt.set(segmentDescriptor(0x3000, 0x67, 0x8b), 0x18);
    gdt.set(segmentDescriptor(0x3100, 0x1f, 0x82), 0x20);
    gdt.set(segmentDescriptor(0x40000, 0xfff, 0x4093), 0x28);
    await qemu.writeMemory(0x800, gdt);
    const state: ArchState = {
      ...FLAT.state,
      segs: { ...FLAT.state.segs, fs: { sel: 0x28, base: 0x40000, limit: 0xfff, attr: 0x4093 } },
      gdtr: { base: 0x800, limit: 0x2f },
      idtr: { base: 0x12345, limit: 0x7ff },
      ldtr: { sel: 0x20, base: 0x3100, limit: 0x1f, attr: 0x82 },
      tr: { sel: 0x18, base: 0x3000, limit: 0x67, attr: 0x8b },
    };
    await qemu.setState(state);
    expect(await qemu.getState()).to.deep.equal({ ...state, tr: { ...state.tr, attr: 0x89 } });
    // The loader's temporary descriptors are gone: the GDT holds what the test wrote.
    expect([...(await qemu.readMemory(0x800, gdt.length))]).to.deep.equal([...gdt]);
    // And back to the null TR and LDTR of flat32Setup (a CPU reset underneath).
    await qemu.setState(FLAT.state);
    expect(await qemu.getState()).to.deep.equal(FLAT.state);
  });

  it('loads real-mode caches exactly: code attributes on CS, an unreal 4 GiB limit on FS', async () => {
    await prepare(qemu, FLAT, [0xf4]);
    const real = realModeSetup({ cs: 0x100, ip: 0x10, dataSegment: 0x200 }).state;
    const unreal: ArchState = { ...real, segs: { ...real.segs, fs: { ...real.segs.fs, limit: 0xffffffff, attr: 0x8093 } } };
    await qemu.setState(unreal);
    expect(await qemu.getState()).to.deep.equal(unreal);
  });

  // QEMU keeps the status flags lazily (CC_OP/CC_SRC) and DF as env->df; the stub's EFLAGS write
  // leaves those as the last run left them, and `info registers` ORs them in. INC AX from 0x7FFF
  // leaves OF, SF, AF and PF set, so without care each write below would read back with them
  // (and with a DF left from the value before; SingleStepTests saw 0x402 read as 0x482).
  it('writes real-mode FLAGS exactly over the lazy flags a run left, and runs INC AX from them as the reference', async () => {
    const real = realModeSetup({ cs: 0x100, ip: 0x10, dataSegment: 0x200, regs: { eax: 0x7fff, esp: 0x1000 } });
    const incAx = [0x40, 0xf4]; // inc ax; hlt
    await prepare(qemu, real, incAx, 0x1010);
    // 0x402 (DF alone, as in SingleStepTests); all six status flags set, with and without DF; none; mixes.
    const values = [0x402, 0x8d7, 0x2, 0xcd7, 0x402, 0x2, 0xc57, 0x403];
    for (const eflags of values) {
      const state: ArchState = { ...real.state, eflags };
      await qemu.setState(state);
      expect(await qemu.getState(), `FLAGS ${eflags.toString(16)}`).to.deep.equal(state);
      await qemu.run({ maxInstructions: 1 });
      expect((await qemu.getState()).regs.eax, `FLAGS ${eflags.toString(16)}`).to.equal(0x8000);
    }
    // One instruction from each value, as the SingleStepTests corpus runs it: QEMU ends as the reference.
    for (const eflags of values) {
      const { qemu: q, reference: r } = await both(qemu, { ...real, state: { ...real.state, eflags } }, incAx, { maxInstructions: 1 });
      expect(q.stop, `FLAGS ${eflags.toString(16)}`).to.deep.equal(r.stop);
      expect(q.state, `FLAGS ${eflags.toString(16)}`).to.deep.equal(r.state);
    }
  });

  it('loads 16-bit protected mode and virtual-8086 states, and runs an INC in each', async () => {
    await prepare(qemu, FLAT, [0xf4]);
    await qemu.writeMemory(0x10000, Uint8Array.of(0x40, 0xf4)); // inc ax; hlt (16-bit code)
    const prot16: ArchState = {
      ...FLAT.state,
      eip: 0,
      segs: { ...FLAT.state.segs, cs: { sel: 0x08, base: 0x10000, limit: 0xffff, attr: 0x9b }, ss: { sel: 0x10, base: 0x20000, limit: 0xffff, attr: 0x93 } },
    };
    await qemu.setState(prot16);
    expect(await qemu.getState()).to.deep.equal(prot16);
    expect(await qemu.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
    expect((await qemu.getState()).eip).to.equal(2);
    // Virtual-8086 mode: real-mode-style caches with DPL 3 (attr 0xF3); HLT there is #GP, so stop at a breakpoint.
    const v86Segment = { sel: 0x1000, base: 0x10000, limit: 0xffff, attr: 0xf3 };
    const v86: ArchState = { ...FLAT.state, eip: 0, eflags: 0x20002, segs: { es: v86Segment, cs: v86Segment, ss: v86Segment, ds: v86Segment, fs: v86Segment, gs: v86Segment } };
    await qemu.setState(v86);
    expect(await qemu.getState()).to.deep.equal(v86);
    expect(await qemu.run({ maxInstructions: 10, breakpoints: [0x10001] })).to.deep.equal({ kind: 'breakpoint', eip: 1 });
    expect((await qemu.getState()).regs.eax).to.equal(1);
  });

  // mov eax, 0x11223344; add eax, 1; push eax; pop ebx; add eax, ebx; shl eax, 3; sbb ecx, ecx; hlt
  const FLAT_PROGRAM = [0xb8, 0x44, 0x33, 0x22, 0x11, 0x83, 0xc0, 0x01, 0x50, 0x5b, 0x01, 0xd8, 0xc1, 0xe0, 0x03, 0x19, 0xc9, 0xf4];

  for (const [how, maxInstructions, stepped] of [['single-stepped', 100_000, true], ['at full speed', 100_000, false]] as const) {
    const subject = (): Subject => (stepped ? qemu : fullSpeed);

    it(`runs a flat 32-bit program to HLT ${how}, ending in the reference's state`, async () => {
      const { qemu: q, reference: r } = await both(subject(), FLAT, FLAT_PROGRAM, { maxInstructions });
      expect(q.stop).to.deep.equal({ kind: 'halt' });
      expect(q.stop).to.deep.equal(r.stop);
      expect(q.state).to.deep.equal(r.state);
      expect([...q.stack]).to.deep.equal([...r.stack]);
    });

    it(`runs a real-mode program with an INT 0x21 handler ${how}, as the reference`, async () => {
      const real = realModeSetup({ cs: 0x100, ip: 0x10, dataSegment: 0x200, regs: { esp: 0x1000 } });
      // mov ax, 0x1234; int 0x21; push ax; pop bx; mov [0x20], bx; hlt  -- the handler adds 1 to AX and IRETs.
      const program = [0xb8, 0x34, 0x12, 0xcd, 0x21, 0x50, 0x5b, 0x89, 0x1e, 0x20, 0x00, 0xf4];
      const { qemu: q, reference: r } = await both(subject(), real, program, { maxInstructions }, [[0x21 * 4, [0x00, 0x30, 0x00, 0x00]], [0x3000, [0x40, 0xcf]]]);
      expect(q.stop).to.deep.equal({ kind: 'halt' });
      expect(q.state).to.deep.equal(r.state);
      expect(q.state.regs.ebx).to.equal(0x1235);
      expect([...q.stack]).to.deep.equal([...r.stack]);
    });

    it(`stops before a breakpoint and resumes from it ${how}`, async () => {
      for (const s of [subject(), reference]) {
        await prepare(s, FLAT, [0x40, 0x40, 0x40, 0xf4]);
        expect(await s.run({ maxInstructions, breakpoints: [0x1002] })).to.deep.equal({ kind: 'breakpoint', eip: 0x1002 });
        expect((await s.getState()).regs.eax).to.equal(2);
        expect(await s.run({ maxInstructions, breakpoints: [0x1002] })).to.deep.equal({ kind: 'halt' });
        expect((await s.getState()).regs.eax).to.equal(3);
      }
    });

    it(`stops DIV by zero as vector 0 with stopOnException ${how}, state as before the DIV`, async () => {
      // mov eax, 5; xor ecx, ecx; div ecx; hlt
      const { qemu: q, reference: r } = await both(subject(), FLAT, [0xb8, 5, 0, 0, 0, 0x31, 0xc9, 0xf7, 0xf1, 0xf4], { maxInstructions, stopOnException: true });
      expect(q.stop).to.deep.equal({ kind: 'exception', vector: 0 });
      expect(q.state).to.deep.equal(r.state);
      expect(q.state.eip).to.equal(0x1007);
      // At full speed the frame QEMU pushed stays below ESP (a declared quirk); stepped runs put the bytes back.
      if (stepped) expect([...q.stack]).to.deep.equal([...r.stack]);
    });

    it(`reports a #GP error code with stopOnException ${how}`, async () => {
      // mov ax, 0x13; mov ds, ax: the flat data segment (DPL 0) with RPL 3 is #GP(0x10) (SDM Vol. 2B, MOV)
      const { qemu: q } = await both(subject(), FLAT, [0x66, 0xb8, 0x13, 0x00, 0x8e, 0xd8, 0xf4], { maxInstructions, stopOnException: true });
      expect(q.stop).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0x10 });
      expect(q.state.eip).to.equal(0x1004);
      expect(q.state.idtr).to.deep.equal(FLAT.state.idtr);
    });
  }

  it('counts single-stepped instructions exactly, a REP MOVSB as one', async () => {
    // mov ecx, 5; mov esi, 0x2000; mov edi, 0x3000; rep movsb; inc eax; inc eax; hlt
    const program = [0xb9, 5, 0, 0, 0, 0xbe, 0, 0x20, 0, 0, 0xbf, 0, 0x30, 0, 0, 0xf3, 0xa4, 0x40, 0x40, 0xf4];
    for (const budget of [4, 5]) {
      const { qemu: q, reference: r } = await both(qemu, FLAT, program, { maxInstructions: budget });
      expect(q.stop).to.deep.equal({ kind: 'limit' });
      expect(q.state).to.deep.equal(r.state);
    }
  });

  it('ends at the debug-exit port: single-stepped with the state kept, at full speed with QEMU gone', async () => {
    const program = [0xb0, 0x2a, 0xe6, 0xf4, 0xf4]; // mov al, 42; out 0xf4, al; hlt
    const { qemu: q, reference: r } = await both(qemu, FLAT, program, { maxInstructions: 100_000 });
    expect(q.stop).to.deep.equal({ kind: 'exit-port', status: (42 << 1) | 1 });
    expect(q.state).to.deep.equal(r.state);
    await prepare(fullSpeed, FLAT, program);
    expect(await fullSpeed.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'exit-port', status: (42 << 1) | 1 });
    await expectRejection(fullSpeed.getState(), /debug-exit port/);
  });

  it('reports a triple fault as a shutdown', async () => {
    for (const subject of [qemu, fullSpeed]) {
      await prepare(subject, FLAT, [0x0f, 0x0b]); // ud2 with an empty IDT: #UD, #GP, #DF, shutdown
      expect((await subject.run({ maxInstructions: 100_000 })).kind).to.equal('shutdown');
      expect((await subject.getState()).eip).to.equal(0x1000);
    }
  });

  it('translates identically with paging off and through 32-bit page tables with paging on', async () => {
    await prepare(qemu, FLAT, [0xf4]);
    expect(await qemu.translate!(0x12345)).to.deep.equal({ physical: 0x12345 });
    const pageDirectory = Buffer.alloc(4096);
    const lowTable = Buffer.alloc(4096);
    const highTable = Buffer.alloc(4096);
    pageDirectory.writeUInt32LE(0x11000 | 0x7, 0); // 0-4 MiB: present, writable, user
    pageDirectory.writeUInt32LE(0x12000 | 0x7, 4); // 4-8 MiB
    for (let i = 0; i < 256; i++) lowTable.writeUInt32LE((i << 12) | 0x3, i * 4); // identity, supervisor, writable
    highTable.writeUInt32LE(0x5000 | 0x5, 0); // 0x400000 -> 0x5000, user, read-only
    await qemu.writeMemory(0x10000, pageDirectory);
    await qemu.writeMemory(0x11000, lowTable);
    await qemu.writeMemory(0x12000, highTable);
    await qemu.setState({ ...FLAT.state, cr3: 0x10000, cr0: 0x80000011 });
    expect(await qemu.translate!(0x1234)).to.deep.equal({ physical: 0x1234, writable: true, user: false });
    expect(await qemu.translate!(0x400123)).to.deep.equal({ physical: 0x5123, writable: false, user: true });
    expect(await qemu.translate!(0x401000)).to.deep.equal({ physical: null });
  });

  it('restores a snapshot taken before a run', async () => {
    await prepare(fullSpeed, FLAT, [0x40, 0xa3, 0, 0x20, 0, 0, 0xf4]); // inc eax; mov [0x2000], eax; hlt
    const blob = await fullSpeed.snapshot!();
    expect(await fullSpeed.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'halt' });
    expect((await fullSpeed.getState()).regs.eax).to.equal(1);
    await fullSpeed.restore!(blob);
    expect(await fullSpeed.getState()).to.deep.equal(FLAT.state);
    expect([...(await fullSpeed.readMemory(0x2000, 4))]).to.deep.equal([0, 0, 0, 0]);
    expect(await fullSpeed.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'halt' });
    expect([...(await fullSpeed.readMemory(0x2000, 4))]).to.deep.equal([1, 0, 0, 0]);
    await expectRejection(qemu.restore!(blob), /another QEMU process/);
  });

  it('names qemu-system-i386 and the Debian package when the binary is missing', async () => {
    const missing = createQemuSubject({ binary: 'qemu-system-i386-not-installed' });
    try {
      await missing.reset({ cpu: 'modern', memorySize: MEMORY });
      expect.fail('reset() started a missing binary');
    } catch (error) {
      expect(error).to.be.instanceOf(QemuStartError);
      expect((error as Error).message).to.match(/qemu-system-i386.*not found.*qemu-system-x86/);
      expect((error as Error).message).not.to.include('\n');
    } finally {
      await missing.close();
    }
  });

  it('leaves no QEMU process behind after close()', async () => {
    const subject = createQemuSubject();
    await subject.reset({ cpu: 'i486', memorySize: MEMORY });
    const pid = subject.processId;
    expect(pid).to.be.a('number');
    expect(() => process.kill(pid!, 0)).not.to.throw();
    await subject.close();
    expect(() => process.kill(pid!, 0)).to.throw(/ESRCH/);
  });
});

describe('qemu adapter: live migration to a second QEMU process', function () {
  this.timeout(60_000);
  const reference = createReferenceSubject();
  const subjects: QemuSubject[] = [];
  const fresh = (options: Parameters<typeof createQemuSubject>[0] = {}): QemuSubject => {
    const subject = createQemuSubject(options);
    subjects.push(subject);
    return subject;
  };

  before(function () {
    needTool(this, 'the qemu migration tests', qemuMissing());
  });

  afterEach(async () => {
    for (const subject of subjects.splice(0)) await subject.close();
    expect(qemuChildren(), 'QEMU processes left after the test').to.deep.equal([]);
  });

  // mov eax, [0x20000]; add eax, [0x20ffc]; push eax; pop ebx; mov ecx, 0x100; mov esi, 0x20000;
  // mov edi, 0x30000; rep movsd; add eax, ebx; shl eax, 3; sbb edx, edx; hlt
  const PROGRAM = [
    0xa1, 0x00, 0x00, 0x02, 0x00, 0x03, 0x05, 0xfc, 0x0f, 0x02, 0x00, 0x50, 0x5b, 0xb9, 0x00, 0x01, 0x00, 0x00,
    0xbe, 0x00, 0x00, 0x02, 0x00, 0xbf, 0x00, 0x00, 0x03, 0x00, 0xf3, 0xa5, 0x01, 0xd8, 0xc1, 0xe0, 0x03, 0x19, 0xd2, 0xf4,
  ];
  const PATTERN = Uint8Array.from({ length: 0x1000 }, (_, i) => (i * 13 + 7) & 0xff);

  async function load(subject: Subject): Promise<void> {
    await prepare(subject, FLAT, PROGRAM);
    await subject.writeMemory(0x20000, PATTERN);
  }

  /** QEMU processes that are children of this test process (pgrep sees 15 characters of the name: qemu-system-i38). */
  function qemuChildren(): number[] {
    const found = spawnSync('pgrep', ['-P', String(process.pid), `^${QEMU_BINARY.slice(0, 15)}`], { encoding: 'utf8' });
    return found.stdout.split('\n').filter(Boolean).map(Number);
  }

  const gone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };

  it('migrates a flat program after a few instructions: same state and memory, then HLT as the reference', async () => {
    const source = fresh();
    await load(source);
    expect(await source.run({ maxInstructions: 3 })).to.deep.equal({ kind: 'limit' });
    const before = await source.getState();
    const memoryBefore = await source.readMemory(0, 0x40000);
    const sourcePid = source.processId!;

    const target = await source.migrateTo();
    subjects.push(target);
    expect(target.processId).to.be.a('number').and.not.equal(sourcePid);
    expect(await target.getState()).to.deep.equal(before);
    expect(Buffer.compare(await target.readMemory(0, 0x40000), memoryBefore)).to.equal(0);
    const m = target.lastMigration!;
    expect(m).to.include({ sourceProcessId: sourcePid, targetProcessId: target.processId });
    for (const figure of [m.totalTimeMs, m.downtimeMs, m.ramTransferredBytes, m.ramTotalBytes]) expect(figure).to.be.a('number').and.at.least(0);
    expect(m.ramTotalBytes).to.be.at.least(MEMORY);
    expect(source.lastMigration).to.deep.equal(m);
    // The source's QEMU is ended; the subject says where its machine went until reset().
    expect(gone(sourcePid)).to.equal(true);
    await expectRejection(source.getState(), /migrated to QEMU process/);

    expect(await target.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'halt' });
    await load(reference);
    expect(await reference.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'halt' });
    expect(await target.getState()).to.deep.equal(await reference.getState());
    expect(Buffer.compare(await target.readMemory(0, 0x40000), await reference.readMemory(0, 0x40000))).to.equal(0);

    // The migrated subject takes snapshots in its own process, and reset() gives it a clean machine.
    const blob = await target.snapshot!();
    await target.restore!(blob);
    await load(target);
    expect(await target.getState()).to.deep.equal(FLAT.state);
  });

  it('parks without a trace: page-table accessed bits and EFLAGS.TF with paging on, and a halted CPU', async () => {
    const source = fresh();
    await load(source);
    const pageDirectory = Buffer.alloc(4096);
    const table = Buffer.alloc(4096);
    pageDirectory.writeUInt32LE(0x11000 | 0x3, 0); // present, writable; accessed clear
    for (let i = 0; i < 256; i++) table.writeUInt32LE((i << 12) | 0x3, i * 4);
    await source.writeMemory(0x10000, pageDirectory);
    await source.writeMemory(0x11000, table);
    const paged: ArchState = { ...FLAT.state, cr3: 0x10000, cr0: 0x80000011, eflags: 0x102 };
    await source.setState(paged);
    const tables = await source.readMemory(0x10000, 0x2000);
    const target = await source.migrateTo();
    subjects.push(target);
    expect(await target.getState()).to.deep.equal(paged);
    expect(Buffer.compare(await target.readMemory(0x10000, 0x2000), tables)).to.equal(0);
    expect([...(await target.readMemory(0x1000, PROGRAM.length))]).to.deep.equal(PROGRAM);

    // A CPU that executed HLT at full speed is halted in QEMU: it migrates as it is and runs on after setState.
    const halting = fresh({ exactStepLimit: 0 });
    await load(halting);
    expect(await halting.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'halt' });
    const halted = await halting.getState();
    const moved = await halting.migrateTo();
    subjects.push(moved);
    expect(await moved.getState()).to.deep.equal(halted);
    await moved.setState({ ...FLAT.state, eip: 0x1000 + PROGRAM.length - 1 });
    expect(await moved.run({ maxInstructions: 10 })).to.deep.equal({ kind: 'halt' });
  });

  for (const [when, slow] of [['before the stream starts', false], ['while the stream flows', true]] as const) {
    it(`fails in one line when the target dies ${when}, leaving no QEMU and the source as it was`, async () => {
      const source = fresh();
      await load(source);
      await source.run({ maxInstructions: 3 });
      const before = await source.getState();
      const memoryBefore = await source.readMemory(0, 0x40000);
      let targetPid = 0;
      try {
        const target = await source.migrateTo({
          // Slowed to 1000 bytes/s the stream takes many seconds; the target dies 200 ms into it.
          ...(slow ? { maxBandwidth: 1000 } : {}),
          onTargetListening: (pid) => {
            targetPid = pid;
            if (slow) setTimeout(() => process.kill(pid, 'SIGKILL'), 200);
            else process.kill(pid, 'SIGKILL');
          },
        });
        subjects.push(target);
        expect.fail('migration to a killed target succeeded');
      } catch (error) {
        expect(error).to.be.instanceOf(SubjectError);
        expect((error as Error).message).to.match(/^qemu migration failed: .*target qemu-system-i386 exited, signal SIGKILL/).and.not.include('\n');
      }
      expect(targetPid).to.be.greaterThan(0);
      expect(gone(targetPid)).to.equal(true);
      expect(qemuChildren()).to.deep.equal([source.processId]);
      expect(await source.getState()).to.deep.equal(before);
      expect(Buffer.compare(await source.readMemory(0, 0x40000), memoryBefore)).to.equal(0);
      expect(await source.run({ maxInstructions: 100_000 })).to.deep.equal({ kind: 'halt' });
      await load(reference);
      await reference.run({ maxInstructions: 100_000 });
      expect(await source.getState()).to.deep.equal(await reference.getState());
    });
  }

  it('cancels a stalled migration after its timeout in one line, and the source migrates afterwards', async () => {
    const source = fresh();
    await load(source);
    await source.run({ maxInstructions: 3 });
    const before = await source.getState();
    let targetPid = 0;
    try {
      // 1000 bytes/s: QEMU limits each 100 ms to 100 bytes, and a 1 MiB guest sends some 27 KB.
      subjects.push(await source.migrateTo({ maxBandwidth: 1000, timeoutMs: 500, onTargetListening: (pid) => { targetPid = pid; } }));
      expect.fail('a migration at 1000 bytes/s completed within 0.5 s');
    } catch (error) {
      expect(error).to.be.instanceOf(SubjectError);
      expect((error as SubjectError).kind).to.equal('timeout');
      expect((error as Error).message).to.match(/did not complete within 0.5 s/).and.not.include('\n');
    }
    expect(gone(targetPid)).to.equal(true);
    expect(qemuChildren()).to.deep.equal([source.processId]);
    expect(await source.getState()).to.deep.equal(before);
    const target = await source.migrateTo();
    subjects.push(target);
    expect(await target.getState()).to.deep.equal(before);
  });
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(pattern);
    if (error instanceof SubjectError) expect(error.kind).to.be.a('string');
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}
