// The run loop's guarantees with compiled regions (reference-emulator/interp/compile/): hot loops
// run as compiled code and must stop, count and fault exactly where the interpreter does.
//
// Checked, each on a flat 32-bit loop run by an interpreter that never compiles and one that
// compiles every block before its first run (compileThreshold 1), comparing the whole machine
// (suites/unit/interp/compile/support.ts) at every stop:
// - a handler override (how mutants enter) is called from compiled code, not bypassed;
// - self-modifying code (SDM Vol. 3A, 11.6): a store into the next instruction of the same block
//   ends the block, and the new bytes run, on every iteration;
// - RDTSC reads the retired-instruction count exactly (it counts the block's earlier instructions);
// - `maxInstructions` stops exactly, in the middle of a loop, again and again;
// - a breakpoint set after the loop was compiled stops there every iteration;
// - single-step (EFLAGS.TF, SDM Vol. 3B, 17.3.1.4) traps after one instruction of a compiled loop;
// - an OUT to the debug-exit port in the middle of a block stops the run with its status;
// - a data access past the DS limit faults (#GP(0)) on the exact iteration, also when DS was flat
//   when the region was compiled (the region's guard sends it back to the interpreter, and the
//   page is compiled again without specialisation);
// - code that keeps rewriting itself stops being compiled after a few rewrites of its page.
// Oracle: the interpreter, and for each program the value a hand count gives.
// Left out: the forms' semantics (templates.test.ts compares every templated form).

import { expect } from 'chai';
import {
  FLAG_TF,
  HANDLERS,
  run,
  SEG_DS,
  setBreakpoints,
  setSegmentCache,
  type Handler,
  type Interpreter,
} from '../../../../reference-emulator/index.ts';
import { expectSameMachine, flatMachine, type Outcome } from './support.ts';

const HLT = 0xf4;

/** mov ecx,100; l: add eax,1; dec ecx; jnz l; hlt (the loop at 0x1005, DEC at 0x1008). */
const COUNT_LOOP = [0xb9, 100, 0, 0, 0, 0x83, 0xc0, 0x01, 0x49, 0x75, 0xfa, HLT];

function runFor(interp: Interpreter, maxInstructions: number, stopOnException = true): Outcome {
  try {
    return run(interp, { maxInstructions, stopOnException });
  } catch (error) {
    return { thrown: String(error) };
  }
}

/** Two machines on the same code (interpreted, compiled), set up alike by `prepare`. */
function pair(code: readonly number[], prepare: (interp: Interpreter) => void = () => {}): { interpreted: Interpreter; compiled: Interpreter } {
  const interpreted = flatMachine(code, 0);
  const compiled = flatMachine(code, 1);
  prepare(interpreted);
  prepare(compiled);
  return { interpreted, compiled };
}

function runBoth(p: { interpreted: Interpreter; compiled: Interpreter }, maxInstructions: number, when: string): Outcome {
  const a = runFor(p.interpreted, maxInstructions);
  const b = runFor(p.compiled, maxInstructions);
  expectSameMachine(p.interpreted, p.compiled, a, b, when);
  return a;
}

function expectCompiled(interp: Interpreter, eip: number): void {
  const block = [...interp.blocks.values()].find((b) => b.eip === eip && b.valid);
  expect(block?.region, `block at 0x${eip.toString(16)} compiled`).to.not.equal(undefined);
}

describe('interp/compile: the run loop with compiled regions', () => {
  it('a handler override is called from a compiled loop (ADD r/m32, imm8 adding twice: EAX 200, not 100)', () => {
    const add = HANDLERS.Add_rm32_imm8 as Handler;
    const twice: Handler = (m, i) => {
      add(m, i);
      add(m, i);
    };
    const interp = flatMachine(COUNT_LOOP, 1, { Add_rm32_imm8: twice });
    expect(run(interp, { maxInstructions: 10_000 })).to.deep.equal({ kind: 'halt' });
    expectCompiled(interp, 0x1005);
    expect(interp.machine.cpu.r32[0]).to.equal(200);
    const plain = flatMachine(COUNT_LOOP, 1);
    run(plain, { maxInstructions: 10_000 });
    expect(plain.machine.cpu.r32[0]).to.equal(100);
  });

  it('self-modifying code: each iteration stores CL into the next ADD\'s imm8 and that ADD runs it (EAX = 20+19+...+1 = 210)', () => {
    // mov ecx,20; l: mov [0x100d],cl; add eax,0; dec ecx; jnz l; hlt
    const code = [0xb9, 20, 0, 0, 0, 0x88, 0x0d, 0x0d, 0x10, 0, 0, 0x83, 0xc0, 0x00, 0x49, 0x75, 0xf4, HLT];
    const p = pair(code);
    expect(runBoth(p, 10_000, 'at HLT')).to.deep.equal({ kind: 'halt' });
    expect(p.compiled.machine.cpu.r32[0]).to.equal(210);
  });

  it('RDTSC in a compiled loop reads the exact retired-instruction count (EBX sums them)', () => {
    // mov ecx,10; l: rdtsc; add ebx,eax; dec ecx; jnz l; hlt
    const code = [0xb9, 10, 0, 0, 0, 0x0f, 0x31, 0x01, 0xc3, 0x49, 0x75, 0xf9, HLT];
    const p = pair(code);
    runBoth(p, 10_000, 'at HLT');
    // RDTSC k (k = 0..9) runs after 1 + 4k instructions.
    expect(p.compiled.machine.cpu.r32[3]).to.equal(Array.from({ length: 10 }, (_, k) => 1 + 4 * k).reduce((a, b) => a + b, 0));
  });

  it('maxInstructions stops exactly inside a compiled loop, budget after budget (7, 13, 1, 50, 2)', () => {
    const p = pair(COUNT_LOOP);
    let total = 0;
    for (const budget of [7, 13, 1, 50, 2]) {
      total += budget;
      expect(runBoth(p, budget, `after ${total} instructions`)).to.deep.equal({ kind: 'limit' });
      expect(p.compiled.machine.cpu.icount).to.equal(total);
    }
    expectCompiled(p.compiled, 0x1005);
  });

  it('a breakpoint set once the loop is compiled stops at DEC (0x1008) on every iteration', () => {
    const p = pair(COUNT_LOOP);
    runBoth(p, 30, 'before the breakpoint');
    for (const interp of [p.interpreted, p.compiled]) setBreakpoints(interp, [0x1008]);
    for (let k = 0; k < 4; k++) {
      expect(runBoth(p, 10_000, `at breakpoint ${k}`)).to.deep.equal({ kind: 'breakpoint', eip: 0x1008 });
    }
    expectCompiled(p.compiled, 0x1005);
  });

  it('single-step: with TF set in a compiled loop, one instruction runs, then #DB', () => {
    const p = pair(COUNT_LOOP);
    runBoth(p, 40, 'before TF');
    for (const interp of [p.interpreted, p.compiled]) interp.machine.cpu.flags |= FLAG_TF;
    for (let k = 0; k < 3; k++) expect(runBoth(p, 10_000, `step ${k}`)).to.deep.equal({ kind: 'exception', vector: 1 });
  });

  it('OUT to the debug-exit port in the middle of a compiled block stops with its status, the rest unrun', () => {
    // mov ecx,5; l: inc eax; cmp ecx,2; jne s; out 0xf4,al; inc ebx; s: dec ecx; jnz l; hlt
    const code = [0xb9, 5, 0, 0, 0, 0x40, 0x83, 0xf9, 0x02, 0x75, 0x03, 0xe6, 0xf4, 0x43, 0x49, 0x75, 0xf4, HLT];
    const p = pair(code);
    expect(runBoth(p, 10_000, 'at the exit port')).to.deep.equal({ kind: 'exit-port', status: (4 << 1) | 1 });
    expect(p.compiled.machine.cpu.r32[3], 'INC EBX after the OUT did not run').to.equal(0);
  });

  it('a load past the DS limit faults with #GP(0) on the exact iteration, also after DS stops being flat', () => {
    // mov esi,0x2000; l: mov eax,[esi]; add esi,4; jmp l
    const code = [0xbe, 0x00, 0x20, 0, 0, 0x8b, 0x06, 0x83, 0xc6, 0x04, 0xeb, 0xf9];
    const cut = (interp: Interpreter): void => setSegmentCache(interp.machine.cpu, SEG_DS, 0x10, 0, 0x20ff, interp.machine.cpu.segAttr[SEG_DS]!);
    const cutFirst = pair(code, cut);
    expect(runBoth(cutFirst, 10_000, 'at the fault (limit cut from the start)')).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(cutFirst.compiled.machine.cpu.eip).to.equal(0x1005);
    // Flat while it gets compiled, then cut: the region's guard hands the block back to the interpreter.
    const flatFirst = pair(code);
    runBoth(flatFirst, 31, 'flat');
    expectCompiled(flatFirst.compiled, 0x1005);
    cut(flatFirst.interpreted);
    cut(flatFirst.compiled);
    expect(runBoth(flatFirst, 10_000, 'at the fault (limit cut later)')).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(flatFirst.compiled.machine.cpu.r32[6]).to.equal(0x2100);
  });

  it('a region compiled for a flat DS, met with a non-flat one, is replaced by an unspecialised one', () => {
    // mov esi,0x2000; l: mov eax,[esi]; add esi,4; and esi,0x2fff; jmp l
    const code = [0xbe, 0x00, 0x20, 0, 0, 0x8b, 0x06, 0x83, 0xc6, 0x04, 0x81, 0xe6, 0xff, 0x2f, 0, 0, 0xeb, 0xf3];
    const p = pair(code);
    runBoth(p, 41, 'flat');
    const first = [...p.compiled.blocks.values()].find((b) => b.eip === 0x1005)?.region;
    for (const interp of [p.interpreted, p.compiled]) setSegmentCache(interp.machine.cpu, SEG_DS, 0x10, 0, 0xfffff, interp.machine.cpu.segAttr[SEG_DS]!);
    runBoth(p, 400, 'non-flat DS');
    const again = [...p.compiled.blocks.values()].find((b) => b.eip === 0x1005)?.region;
    expect(again, 'compiled again').to.not.equal(undefined);
    expect(again).to.not.equal(first);
    expect(p.compiled.unspecialisedPages.has(1)).to.equal(true);
  });

  it('a loop that rewrites its own block every iteration is no longer compiled after 4 rewrites, and still runs right', () => {
    // mov ecx,40; l: mov [0x100d],cl; add eax,0; dec ecx; jnz l; hlt (as the self-modifying test, with threshold 1)
    const code = [0xb9, 40, 0, 0, 0, 0x88, 0x0d, 0x0d, 0x10, 0, 0, 0x83, 0xc0, 0x00, 0x49, 0x75, 0xf4, HLT];
    const p = pair(code);
    expect(runBoth(p, 10_000, 'at HLT')).to.deep.equal({ kind: 'halt' });
    expect(p.compiled.machine.cpu.r32[0]).to.equal((40 * 41) / 2);
    expect(p.compiled.codeWrites.get(1)).to.be.greaterThan(4);
    for (const block of p.compiled.blocks.values()) expect(block.region, `block at 0x${block.eip.toString(16)}`).to.equal(undefined);
  });
});
