// Unit tests for the run loop of reference-emulator/interp/interpreter.ts: budgets, stops,
// breakpoints, self-modifying code, fault delivery that fails, and handler overrides (mutants).
//
// Checked:
// - an endlessly faulting guest (its #UD handler is another undefined opcode) ends at the
//   instruction budget with stop 'limit', nothing retired, one delivery per budget unit;
// - `stopOnException` stops at the first fault with {kind:'exception', vector[, errorCode]},
//   EIP still at the faulting instruction and nothing pushed;
// - the retired-instruction count is exact: straight-line code with the HLT counted, code longer
//   than one block, a loop, and a budget that runs out mid-block and resumes;
// - self-modifying code (SDM Vol. 3A, 11.6): a store into an instruction further down the same
//   block, by byte, word and dword stores, executes the new bytes;
// - breakpoints stop before the instruction at a linear address (CS base non-zero), also in a
//   block decoded before they were set and at a jump target; a run started on one goes past it;
// - an OUT to the debug-exit port 0xF4 stops with status (V << 1) | 1, the HLT after it unrun;
// - real mode with IDTR.limit 0: #UD cannot be delivered, nor can #DF, so the machine shuts down;
//   with a limit that covers vector 8 but not 13, an over-long instruction's #GP becomes a #DF
//   (SDM Vol. 3A, 6.15 interrupt 8; 20.1.4 for the real-mode IVT limit check);
// - a handler override (how seeded bugs enter) changes behaviour, and only in its interpreter.
// Oracles: hand-assembled programs with hand-counted instruction counts, addresses and stack
// frames (SDM Vol. 3A, 20.1.4: a real-mode delivery pushes FLAGS, CS, IP).
// Left out: protected-mode delivery (not modelled yet: it stops the run), the trace mode of
// `xvc exec`, and the semantics of the instructions used (their groups' tests own those). Tests
// that need a form whose group has not landed print `skip:` and skip.

import { expect } from 'chai';
import {
  createInterpreter,
  createMachine,
  enterFlatProtectedMode,
  enterRealMode,
  FORMS,
  HANDLERS,
  pokeBytes,
  readPhys16,
  REG_ESP,
  run,
  SEG_CS,
  SEG_SS,
  setBreakpoints,
  setFlags,
  type CpuModelName,
  type FormRecord,
  type Handler,
  type InstrId,
  type Interpreter,
  type Machine,
} from '../../../reference-emulator/index.ts';
import { given } from '../../support/given.ts';
import { skipBecause } from '../../support/outcome.ts';

/** Skips the test (with the printed reason) unless every form exists and has a handler. */
function requireForms(ctx: Mocha.Context, ...ids: string[]): void {
  const handlers = HANDLERS as Partial<Record<string, Handler>>;
  const missing = ids.filter((id) => !(FORMS as readonly FormRecord[]).some((f) => f.id === id) || typeof handlers[id] !== 'function');
  if (missing.length > 0) {
    skipBecause(ctx, `${ctx.test?.title ?? 'test'}: needs ${missing.join(', ')}, not in the table or without a handler yet`);
  }
}

interface RealSetup {
  cs?: number;
  ip?: number;
  ss?: number;
  sp?: number;
  cpu?: CpuModelName;
  overrides?: Partial<Record<InstrId, Handler>>;
  /** Extra memory contents: [physical address, bytes]. */
  mem?: ReadonlyArray<readonly [number, readonly number[]]>;
}

/** A real-mode machine with `code` at CS:IP (default 0000:1000), SS:SP 8000:FFF0, DS=ES=0. */
function realMode(code: readonly number[], s: RealSetup = {}): { m: Machine; interp: Interpreter } {
  const m = createMachine({ cpu: s.cpu ?? 'modern' });
  const interp = createInterpreter(m, s.overrides ? { handlerOverrides: s.overrides } : {});
  const cpu = m.cpu;
  cpu.segSel.fill(0);
  cpu.segSel[SEG_CS] = s.cs ?? 0;
  cpu.segSel[SEG_SS] = s.ss ?? 0x8000;
  enterRealMode(cpu);
  cpu.eip = s.ip ?? 0x1000;
  cpu.r16[REG_ESP << 1] = s.sp ?? 0xfff0;
  setFlags(cpu, 0x2);
  for (const [address, bytes] of s.mem ?? []) pokeBytes(m.mem, address, bytes);
  pokeBytes(m.mem, (s.cs ?? 0) * 16 + (s.ip ?? 0x1000), code);
  return { m, interp };
}

/** Points real-mode IVT entry `vector` at seg:off. */
const ivt = (vector: number, seg: number, off: number): readonly [number, number[]] => [vector * 4, [off & 0xff, off >> 8, seg & 0xff, seg >> 8]];

const sp = (m: Machine): number => m.cpu.r16[REG_ESP << 1]!;
const ax = (m: Machine): number => m.cpu.r16[0]!;

/** D8 C0 (x87 FADD ST,ST0): an undefined opcode on every xvc model (no FPU), #UD with CR0.EM/TS clear. */
const UD = [0xd8, 0xc0];

describe('interp/run-loop: budget and exceptions', () => {
  it('a guest whose #UD handler is D8 C0 again stops at the budget: kind limit, 0 retired, 0x3E8 deliveries of 6 bytes', () => {
    const { m, interp } = realMode(UD, { mem: [ivt(6, 0, 0x2000), [0x2000, UD]] });
    const stop = run(interp, { maxInstructions: 1000 });
    expect(stop).to.deep.equal({ kind: 'limit' });
    expect(m.cpu.icount, 'retired').to.equal(0);
    expect(m.cpu.eip, 'EIP at the handler').to.equal(0x2000);
    expect(sp(m), 'SP: 1000 frames of FLAGS, CS, IP below 0xFFF0').to.equal(0xfff0 - 6 * 1000);
    // The first frame holds the original faulting IP, the last one the handler's own.
    expect(readPhys16(m.mem, 0x80000 + 0xfff0 - 6), 'IP of the first frame').to.equal(0x1000);
    expect(readPhys16(m.mem, 0x80000 + sp(m)), 'IP of the last frame').to.equal(0x2000);
  });

  it('POPF that sets TF in a loop whose blocks are already chained: the #DB trap follows the next instruction', () => {
    // 1000: 9D popf; 1001: 90 nop; 1002: EB FC jmp 1000. The first POPF pops TF clear, which links
    // the blocks; the second pops TF set, so the NOP after it traps with IP 1002 pushed.
    const { m, interp } = realMode([0x9d, 0x90, 0xeb, 0xfc], { mem: [ivt(1, 0, 0x2000), [0x2000, [0xf4]], [0x8fff0, [0x02, 0x00, 0x02, 0x01]]] });
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.eip, 'in the #DB handler, after its HLT').to.equal(0x2001);
    expect(m.cpu.icount, 'POPF NOP JMP POPF NOP HLT').to.equal(6);
    expect(readPhys16(m.mem, 0x80000 + sp(m)), 'pushed IP: the JMP after the NOP').to.equal(0x1002);
    expect(readPhys16(m.mem, 0x80000 + sp(m) + 4) & 0x100, 'pushed FLAGS keep TF').to.equal(0x100);
  });

  it('MOV SS with a 32-bit operand (66 8E D0) also holds the single-step trap until after the next instruction', () => {
    // 1000: 66 8E D0 mov ss,eax; 1003: 90 nop; 1004: F4 hlt. TF set: the trap follows the NOP, IP 1004 pushed.
    const { m, interp } = realMode([0x66, 0x8e, 0xd0, 0x90, 0xf4], { mem: [ivt(1, 0, 0x2000), [0x2000, [0xf4]]] });
    m.cpu.r32[0] = 0x8000; // SS stays 0x8000
    setFlags(m.cpu, 0x102);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.eip, 'in the #DB handler, after its HLT').to.equal(0x2001);
    expect(readPhys16(m.mem, 0x80000 + sp(m)), 'pushed IP: the HLT after the NOP').to.equal(0x1004);
  });

  it('a budget of 0 runs nothing: kind limit, EIP stays 0x1000', () => {
    const { m, interp } = realMode(UD);
    expect(run(interp, { maxInstructions: 0 })).to.deep.equal({ kind: 'limit' });
    expect(m.cpu.eip).to.equal(0x1000);
  });

  it('stopOnException at D8 C0: {kind:"exception", vector:6}, EIP 0x1000, SP 0xFFF0, 0 retired', () => {
    const { m, interp } = realMode(UD, { mem: [ivt(6, 0, 0x2000)] });
    const stop = run(interp, { maxInstructions: 100, stopOnException: true });
    expect(stop).to.deep.equal({ kind: 'exception', vector: 6 });
    expect(m.cpu.eip).to.equal(0x1000);
    expect(sp(m)).to.equal(0xfff0);
    expect(m.cpu.icount).to.equal(0);
  });

  it('stopOnException at 16 x 26 + 90 (over-long): {kind:"exception", vector:13, errorCode:0}', () => {
    const { m, interp } = realMode([...new Array<number>(16).fill(0x26), 0x90]);
    expect(run(interp, { maxInstructions: 100, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(m.cpu.eip).to.equal(0x1000);
  });

  it('stopOnException after 90 90: the two NOPs retire, EIP 0x1002 at the fault', function () {
    requireForms(this, 'Nopw');
    const { m, interp } = realMode([0x90, 0x90, ...UD]);
    expect(run(interp, { maxInstructions: 100, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 6 });
    expect(m.cpu.icount).to.equal(2);
    expect(m.cpu.eip).to.equal(0x1002);
  });
});

describe('interp/run-loop: retired-instruction count', () => {
  const straight = [0xb8, 0x34, 0x12, 0xbb, 0x78, 0x56, 0x90, 0x90, 0xf4]; // mov ax; mov bx; nop; nop; hlt

  it('B8 34 12 BB 78 56 90 90 F4: 5 retired (HLT included), stop halt, EIP 0x1009 after the HLT', function () {
    requireForms(this, 'Mov_r16_imm16', 'Nopw', 'Hlt');
    const { m, interp } = realMode(straight);
    expect(run(interp, { maxInstructions: 1000 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.icount).to.equal(5);
    expect(m.cpu.eip).to.equal(0x1009);
    expect([ax(m), m.cpu.r16[6]]).to.deep.equal([0x1234, 0x5678]);
  });

  it('the same code with a budget of 3: kind limit, 3 retired, EIP 0x1007; a second run ends at HLT with 5 in all', function () {
    requireForms(this, 'Mov_r16_imm16', 'Nopw', 'Hlt');
    const { m, interp } = realMode(straight);
    expect(run(interp, { maxInstructions: 3 })).to.deep.equal({ kind: 'limit' });
    expect(m.cpu.icount).to.equal(3);
    expect(m.cpu.eip).to.equal(0x1007);
    expect(run(interp, { maxInstructions: 1000 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.icount).to.equal(5);
  });

  it('0xC8 NOPs then HLT (longer than one 64-instruction block): 0xC9 retired', function () {
    requireForms(this, 'Nopw', 'Hlt');
    const { m, interp } = realMode([...new Array<number>(200).fill(0x90), 0xf4]);
    expect(run(interp, { maxInstructions: 10_000 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.icount).to.equal(201);
  });

  it('mov cx,0xA; l: dec cx; jnz l; hlt: 1 + 2*0xA + 1 = 0x16 retired, CX 0', function () {
    requireForms(this, 'Mov_r16_imm16', 'Dec_r16', 'Jne_rel8_16', 'Hlt');
    const { m, interp } = realMode([0xb9, 0x0a, 0x00, 0x49, 0x75, 0xfd, 0xf4]);
    expect(run(interp, { maxInstructions: 1000 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.icount).to.equal(22);
    expect(m.cpu.r16[2]).to.equal(0);
  });

  it('the same loop with a budget of 0xB stops inside the loop after exactly 0xB retired', function () {
    requireForms(this, 'Mov_r16_imm16', 'Dec_r16', 'Jne_rel8_16', 'Hlt');
    const { m, interp } = realMode([0xb9, 0x0a, 0x00, 0x49, 0x75, 0xfd, 0xf4]);
    expect(run(interp, { maxInstructions: 11 })).to.deep.equal({ kind: 'limit' });
    expect(m.cpu.icount).to.equal(11);
    // mov, then 5 x (dec, jnz): CX has been decremented 5 times and the next is dec at 0x1003.
    expect(m.cpu.r16[2]).to.equal(5);
    expect(m.cpu.eip).to.equal(0x1003);
  });
});

describe('interp/run-loop: self-modifying code (SDM Vol. 3A, 11.6)', () => {
  it('C6 06 0A 10 22 (mov byte [0x100A],0x22), 4 NOPs, B0 11 (mov al,0x11), F4: the patched immediate runs, AL 0x22', function () {
    requireForms(this, 'Mov_rm8_imm8', 'Nopw', 'Mov_r8_imm8', 'Hlt');
    // 0x1000: C6 06 0A 10 22 | 0x1005: 90 90 90 90 | 0x1009: B0 11 | 0x100B: F4
    const { m, interp } = realMode([0xc6, 0x06, 0x0a, 0x10, 0x22, 0x90, 0x90, 0x90, 0x90, 0xb0, 0x11, 0xf4]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.r8[0], 'AL').to.equal(0x22);
    expect(m.cpu.icount).to.equal(7);
  });

  it('C7 06 06 10 B4 33 (mov word [0x1006],0x33B4) turns the next B0 11 into B4 33 (mov ah,0x33): AX 0x3300', function () {
    requireForms(this, 'Mov_rm16_imm16', 'Mov_r8_imm8', 'Hlt');
    const { m, interp } = realMode([0xc7, 0x06, 0x06, 0x10, 0xb4, 0x33, 0xb0, 0x11, 0xf4]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(ax(m), 'AX').to.equal(0x3300);
  });

  it('flat 32-bit: C7 05 0B 10 00 00 EF BE AD DE (mov dword [0x100B],0xDEADBEEF) patches B8 11 11 11 11: EAX 0xDEADBEEF', function () {
    requireForms(this, 'Mov_rm32_imm32', 'Mov_r32_imm32', 'Hlt');
    const m = createMachine();
    const interp = createInterpreter(m);
    enterFlatProtectedMode(m.cpu);
    m.cpu.eip = 0x1000;
    m.cpu.r32[REG_ESP] = 0x90000;
    pokeBytes(m.mem, 0x1000, [0xc7, 0x05, 0x0b, 0x10, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde, 0xb8, 0x11, 0x11, 0x11, 0x11, 0xf4]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.r32[0]! >>> 0, 'EAX').to.equal(0xdeadbeef);
    expect(m.cpu.icount).to.equal(3);
  });

  it('a block cached by an earlier run is dropped when code on another page stores into it: AL 0x44, not 0x11', function () {
    requireForms(this, 'Mov_rm8_imm8', 'Mov_r8_imm8', 'Jmp_rel16', 'Hlt');
    // Page 1: 0x1009 B0 11 F4. Page 2: 0x2000 C6 06 0A 10 44 (mov byte [0x100A],0x44); 0x2005 E9 01 F0 (jmp 0x1009).
    const { m, interp } = realMode([0xc6, 0x06, 0x0a, 0x10, 0x44, 0xe9, 0x01, 0xf0], { ip: 0x2000, mem: [[0x1009, [0xb0, 0x11, 0xf4]]] });
    m.cpu.eip = 0x1009;
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.r8[0], 'AL after the first run').to.equal(0x11);
    m.cpu.eip = 0x2000;
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.r8[0], 'AL after the patched block ran').to.equal(0x44);
    expect(m.cpu.icount, 'retired: 2, then 4').to.equal(6);
  });
});

describe('interp/run-loop: breakpoints', () => {
  const nops = [0x90, 0x90, 0x90, 0x90, 0xf4];

  it('CS 0x0100, IP 0: a breakpoint at linear 0x1002 stops before the third NOP: eip 0x0002, 2 retired; resuming runs to HLT', function () {
    requireForms(this, 'Nopw', 'Hlt');
    const { m, interp } = realMode(nops, { cs: 0x0100, ip: 0 });
    setBreakpoints(interp, [0x1002]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'breakpoint', eip: 0x0002 });
    expect(m.cpu.icount).to.equal(2);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.icount).to.equal(5);
  });

  it('a breakpoint set after the block was decoded still stops (0x1003, eip 0x0003)', function () {
    requireForms(this, 'Nopw', 'Hlt');
    const { m, interp } = realMode(nops, { cs: 0x0100, ip: 0 });
    expect(run(interp, { maxInstructions: 1 })).to.deep.equal({ kind: 'limit' });
    setBreakpoints(interp, [0x1003]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'breakpoint', eip: 0x0003 });
    expect(m.cpu.icount).to.equal(3);
  });

  it('a breakpoint at a jump target: EB 02 90 90 | 90 F4 stops at 0x1004 with 1 retired', function () {
    requireForms(this, 'Jmp_rel8_16', 'Nopw', 'Hlt');
    const { m, interp } = realMode([0xeb, 0x02, 0x90, 0x90, 0x90, 0xf4]);
    setBreakpoints(interp, [0x1004]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'breakpoint', eip: 0x1004 });
    expect(m.cpu.icount).to.equal(1);
  });

  it('setBreakpoints([0x1001]) then setBreakpoints([]) clears it: the run goes to HLT, 5 retired', function () {
    requireForms(this, 'Nopw', 'Hlt');
    const { m, interp } = realMode(nops);
    setBreakpoints(interp, [0x1001]);
    setBreakpoints(interp, []);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
    expect(m.cpu.icount).to.equal(5);
  });
});

describe('interp/run-loop: debug-exit port 0xF4', () => {
  it('B0 2A E6 F4 F4 (mov al,0x2A; out 0xF4,al; hlt): kind exit-port, status 0x55, 2 retired, HLT not run', function () {
    requireForms(this, 'Mov_r8_imm8', 'Out_imm8_AL');
    const { m, interp } = realMode([0xb0, 0x2a, 0xe6, 0xf4, 0xf4]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'exit-port', status: (0x2a << 1) | 1 });
    expect(m.cpu.icount).to.equal(2);
    expect(m.cpu.eip).to.equal(0x1004);
  });

  it('BA F4 00 B0 00 EE (out dx,al with DX 0xF4, AL 0): status 0x01; console bytes written before it are kept', function () {
    requireForms(this, 'Mov_r16_imm16', 'Mov_r8_imm8', 'Out_DX_AL', 'Out_imm8_AL');
    // mov al,'o'; out 0xE9,al; mov al,'k'; out 0xE9,al; mov dx,0xF4; mov al,0; out dx,al
    const { m, interp } = realMode([0xb0, 0x6f, 0xe6, 0xe9, 0xb0, 0x6b, 0xe6, 0xe9, 0xba, 0xf4, 0x00, 0xb0, 0x00, 0xee, 0xf4]);
    expect(run(interp, { maxInstructions: 100 })).to.deep.equal({ kind: 'exit-port', status: 1 });
    expect(Buffer.from(m.consoleOutput).toString('latin1')).to.equal('ok');
  });
});

describe('interp/run-loop: faults while delivering (real mode)', () => {
  it('IDTR.limit 0: #UD, then #GP and #DF cannot be delivered: kind shutdown (triple fault), nothing pushed', () => {
    const { m, interp } = realMode(UD);
    m.cpu.idtr = { base: 0, limit: 0 };
    const stop = run(interp, { maxInstructions: 100 });
    expect(stop.kind).to.equal('shutdown');
    expect(stop.kind === 'shutdown' ? stop.detail : '').to.match(/triple fault/).and.match(/#UD/).and.not.include('\n');
    expect(sp(m)).to.equal(0xfff0);
    expect(m.cpu.icount).to.equal(0);
  });

  it('IDTR.limit 0x23 (vectors 0-8): an over-long instruction\'s #GP (vector 0xD) is beyond it and becomes #DF through IVT[8]', () => {
    const { m, interp } = realMode([...new Array<number>(16).fill(0x26), 0x90], { mem: [ivt(8, 0x0300, 0x0010), ivt(13, 0, 0x2000)] });
    m.cpu.idtr = { base: 0, limit: 0x23 };
    expect(run(interp, { maxInstructions: 1 })).to.deep.equal({ kind: 'limit' });
    expect([m.cpu.segSel[SEG_CS], m.cpu.eip], 'CS:IP at the #DF handler').to.deep.equal([0x0300, 0x0010]);
    // One real-mode frame (FLAGS, CS, IP; SDM Vol. 3A, 20.1.4); #DF's saved CS:IP is undefined (6.15), so not checked.
    expect(sp(m)).to.equal(0xfff0 - 6);
  });
});

describe('interp/run-loop: handler overrides (how mutants enter)', () => {
  const incAx: Handler = (m) => {
    m.cpu.r16[0] = (m.cpu.r16[0]! + 1) & 0xffff;
  };

  it('90 90 + HLT: AX 0x0000 with the real Nopw, 0x0002 with a mutant Nopw that increments AX', function () {
    requireForms(this, 'Nopw', 'Hlt');
    given({}).code([0x90, 0x90]).run().expectHalted().expectRegs({ ax: 0 });
    given({ handlerOverrides: { Nopw: incAx } }).code([0x90, 0x90]).run().expectHalted().expectRegs({ ax: 2 });
  });

  it('an override stays in its interpreter: 90 F4 gives AX 0x0001 on the mutant machine, 0x0000 on a plain one', function () {
    requireForms(this, 'Nopw', 'Hlt');
    const mutant = realMode([0x90, 0xf4], { overrides: { Nopw: incAx } });
    const plain = realMode([0x90, 0xf4]);
    run(mutant.interp, { maxInstructions: 10 });
    run(plain.interp, { maxInstructions: 10 });
    expect([ax(mutant.m), ax(plain.m)]).to.deep.equal([1, 0]);
  });

  it('an INVALID override that does not fault: D8 C0 retires (1 instruction) instead of raising #UD', () => {
    const { m, interp } = realMode(UD, { overrides: { INVALID: incAx } });
    expect(run(interp, { maxInstructions: 1, stopOnException: true })).to.deep.equal({ kind: 'limit' });
    expect([ax(m), m.cpu.icount, m.cpu.eip]).to.deep.equal([1, 1, 0x1002]);
  });
});
