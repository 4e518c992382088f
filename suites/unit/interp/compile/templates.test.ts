// Equivalence of the region compiler (reference-emulator/interp/compile/) with the interpreter it
// speeds up: every form that has a code template, in every mode and model the differential
// generator can place it, runs in a program both ways and must leave the same machine.
//
// Checked, per templated form (fast-check over the form's operands, the instructions around it,
// registers, flags, memory contents, and where segment limits cut off the data or the stack):
// - a machine that never compiles and one that compiles every block before its first run
//   (compileThreshold 1) stop the same way and leave the same state: general registers, EIP,
//   EFLAGS, the raw lazy-flag record (operation, width, operands, result, carry-in, mask: dropped
//   stores must not be observable), segment caches, the retired-instruction count and all of RAM;
// - after a budget that ends mid-program (block boundaries, partial blocks), after a fault
//   (stopOnException: registers, EIP, flags and count at a faulting instruction, SDM Vol. 3A,
//   6.6), at the end, and on a second run of the same code from the starting state, which
//   enters the compiled regions and jumps between their blocks inside the compiled function;
// - the compiled machine really ran compiled code: every block that ran whole is in a region.
// Oracle: the interpreter (interp/interpreter.ts executor calling each form's handler), whose
// semantics the group unit tests and the corpora check. The programs come from the differential
// suite's generator (suites/isa/differential/), which keeps memory operands in a data window.
// Left out: the benchmark speed (npm run bench), handler overrides (run-loop.test.ts and the
// mutants check that a compiled region still calls them), breakpoints and single-step (run-loop
// tests run with the default threshold, so compiled code meets those there).
// Properties print their seed (XVC_SEED to replay, XVC_RUNS to change the run count per form).

import { expect } from 'chai';
import fc from 'fast-check';
import {
  createInterpreter,
  createMachine,
  FORMS,
  hasTemplate,
  run,
  SEG_DS,
  SEG_NAMES,
  SEG_SS,
  setFlags,
  setSegmentCache,
  syncWriteRanges,
  type CpuModelName,
  type FormRecord,
  type Interpreter,
} from '../../../../reference-emulator/index.ts';
import type { ArchState } from '../../../../harness/adapter.ts';
import { assemble, lineText } from '../../../isa/differential/assemble.ts';
import { eligibleForms } from '../../../isa/differential/forms.ts';
import { anyItemArbitrary, itemArbitrary, startingValuesArbitrary, type Item, type StartingValues } from '../../../isa/differential/generator.ts';
import { caseMemory, CODE_BASE, MEMORY_SIZE, startingSetup, WINDOW_BASE, WINDOW_SIZE, STACK_BASE, type DifferentialMode } from '../../../isa/differential/layout.ts';
import { expectSameMachine, type Outcome } from './support.ts';

const SEED = process.env['XVC_SEED'] !== undefined ? Number(process.env['XVC_SEED']) : Date.now() % 0x7fffffff;
const RUNS = process.env['XVC_RUNS'] !== undefined ? Number(process.env['XVC_RUNS']) : 6;
/** Long enough for any generated program (forward jumps, REP counts of at most 8). */
const RUN_LIMIT = 4096;

const REG_ORDER = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;

/** Which segment limit a case cuts short, so accesses past it fault: none, DS or SS. */
type Cut = { seg: 'none' } | { seg: 'ds' | 'ss'; limit: number };

interface Case {
  items: Item[];
  start: StartingValues;
  cut: Cut;
  firstBudget: number;
}

/** A machine in the case's starting state; `threshold` is the interpreter's compileThreshold. */
function machineFor(c: Case, mode: DifferentialMode, code: Uint8Array, cpu: CpuModelName, threshold: number): Interpreter {
  const m = createMachine({ cpu, memorySize: MEMORY_SIZE });
  const interp = createInterpreter(m, { compileThreshold: threshold });
  const setup = startingSetup(mode, c.start.regs, c.start.eflags);
  for (const image of caseMemory(mode, setup, c.start.memorySeed)) m.mem.bytes.set(image.bytes, image.address);
  m.mem.bytes.set(code, CODE_BASE);
  loadState(interp, c, setup.state);
  return interp;
}

/** The case's registers, flags and segments, as the reference adapter's setState loads them (code and memory untouched). */
function loadState(interp: Interpreter, c: Case, s: ArchState): void {
  const cpu = interp.machine.cpu;
  REG_ORDER.forEach((name, index) => {
    cpu.r32[index] = s.regs[name];
  });
  cpu.eip = s.eip;
  cpu.cr0 = s.cr0 | 0;
  SEG_NAMES.forEach((name, index) => {
    const seg = s.segs[name];
    let limit = seg.limit;
    if (c.cut.seg !== 'none' && index === (c.cut.seg === 'ds' ? SEG_DS : SEG_SS)) limit = c.cut.limit;
    setSegmentCache(cpu, index, seg.sel, seg.base, limit, seg.attr);
  });
  setFlags(cpu, s.eflags);
  syncWriteRanges(cpu);
  cpu.cpl = 0;
  cpu.gdtr = { ...s.gdtr };
  cpu.idtr = { ...s.idtr };
}

function runFor(interp: Interpreter, maxInstructions: number): Outcome {
  try {
    return run(interp, { maxInstructions, stopOnException: true });
  } catch (error) {
    return { thrown: String(error) };
  }
}

/** Runs the case on both machines through a partial budget, to the end, and again from the start. */
function checkCase(c: Case, mode: DifferentialMode, cpu: CpuModelName): void {
  const program = assemble(c.items, mode);
  const state = startingSetup(mode, c.start.regs, c.start.eflags).state;
  const interpreted = machineFor(c, mode, program.bytes, cpu, 0);
  const compiled = machineFor(c, mode, program.bytes, cpu, 1);
  const listing = (): string => program.lines.map((l) => `  ${l.eip.toString(16)}: ${lineText(l, mode)}`).join('\n');
  const both = (maxInstructions: number, when: string): Outcome => {
    const stopA = runFor(interpreted, maxInstructions);
    const stopB = runFor(compiled, maxInstructions);
    try {
      expectSameMachine(interpreted, compiled, stopA, stopB, when);
    } catch (error) {
      (error as Error).message += `\nprogram (${c.cut.seg === 'none' ? 'no limit cut' : `${c.cut.seg} limit 0x${c.cut.limit.toString(16)}`}):\n${listing()}`;
      throw error;
    }
    return stopA;
  };
  // Only a run that stopped at its budget goes on: after HLT or a fault EIP is past the program.
  const first = both(c.firstBudget, `after a budget of ${c.firstBudget}`);
  if ('kind' in first && first.kind === 'limit') both(RUN_LIMIT, 'at the end');
  for (const interp of [interpreted, compiled]) loadState(interp, c, state);
  both(RUN_LIMIT, 'at the end of a second run');
  for (const block of compiled.blocks.values()) {
    if (block.valid && block.heat === 0) expect(block.region, `block at 0x${block.eip.toString(16)} ran whole but is not compiled`).to.not.equal(undefined);
  }
}

/** Register values where signed and unsigned order disagree and carries and overflows happen. */
const EDGE_VALUE = fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff);
const regsOf = (v: fc.Arbitrary<number>): fc.Arbitrary<StartingValues['regs']> => fc.record({ eax: v, ecx: v, edx: v, ebx: v, ebp: v, esi: v, edi: v });
/**
 * Starting values: random; edge values; or one edge value in every register and zeroed memory,
 * so comparisons come out equal (a condition's boundary) as often as not.
 */
const START: fc.Arbitrary<StartingValues> = fc.oneof(
  startingValuesArbitrary,
  fc.tuple(startingValuesArbitrary, regsOf(EDGE_VALUE)).map(([values, regs]) => ({ ...values, regs })),
  fc.tuple(startingValuesArbitrary, EDGE_VALUE).map(([values, v]) => ({ ...values, regs: { eax: v, ecx: v, edx: v, ebx: v, ebp: v, esi: v, edi: v }, memorySeed: 0 })),
);

/**
 * A program around `form`: up to three instructions of any eligible form before it and after it;
 * a form that reads flags gets a templated flag writer right before it (so a Jcc, ADC or SBB
 * meets the flag record in compiled code, and a Jcc the fused condition).
 */
function caseArbitrary(form: FormRecord, others: readonly FormRecord[], writers: readonly FormRecord[], mode: DifferentialMode): fc.Arbitrary<Case> {
  const other = anyItemArbitrary(others, mode);
  const before =
    form.flagsRead === '' ? fc.array(other, { maxLength: 3 }) : fc.tuple(fc.array(other, { maxLength: 2 }), anyItemArbitrary(writers, mode)).map(([items, writer]) => [...items, writer]);
  const cut: fc.Arbitrary<Cut> = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Cut>({ seg: 'none' }) },
    { weight: 1, arbitrary: fc.integer({ min: WINDOW_BASE, max: WINDOW_BASE + WINDOW_SIZE }).map((limit): Cut => ({ seg: 'ds', limit })) },
    { weight: 1, arbitrary: fc.integer({ min: STACK_BASE, max: STACK_BASE + 0x2000 }).map((limit): Cut => ({ seg: 'ss', limit })) },
  );
  return fc
    .record({
      before,
      item: itemArbitrary(form, mode),
      after: fc.array(other, { maxLength: 3 }),
      start: START,
      cut,
      firstBudget: fc.integer({ min: 1, max: 12 }),
    })
    .map(({ before, item, after, start, cut: c, firstBudget }) => ({ items: [...before, item, ...after], start, cut: c, firstBudget }));
}

const CONFIGS: ReadonlyArray<{ mode: DifferentialMode; cpu: CpuModelName }> = [
  { mode: 'flat32', cpu: 'modern' },
  { mode: 'real', cpu: 'modern' },
  { mode: 'real', cpu: 'i286' },
];

describe('interp/compile: templated forms = interpreter', function () {
  this.timeout(600_000);
  const templated = (FORMS as readonly FormRecord[]).filter((_, index) => hasTemplate(index));

  it('has templates for the forms the compiler is for (ALU, MOV, LEA, shifts, Jcc, JMP, CALL, RET, PUSH, POP)', () => {
    for (const id of ['Add_rm32_r32', 'Cmp_rm8_imm8', 'Test_AX_imm16', 'Inc_r16', 'Mov_r32_rm32', 'Lea_r32_m', 'Rol_rm32_imm8', 'Jb_rel8_32', 'Jmp_rel32_32', 'Call_rel32_32', 'Retnd', 'Push_r32', 'Pop_r16']) {
      expect(templated.map((f) => f.id), id).to.include(id);
    }
  });

  for (const { mode, cpu } of CONFIGS) {
    it(`${mode} ${cpu}: every templated form, compiled, leaves the interpreter's state (seed ${SEED}, ${RUNS} runs per form)`, () => {
      const eligible = eligibleForms(mode, cpu);
      const eligibleIds = new Set(eligible.map((f) => f.id));
      const forms = templated.filter((f) => eligibleIds.has(f.id));
      const writers = forms.filter((f) => f.flow === 'next' && f.flagsWritten !== '');
      expect(forms.length, 'templated forms the generator can place').to.be.greaterThan(50);
      console.log(`interp/compile ${mode} ${cpu}: seed ${SEED}, ${RUNS} runs x ${forms.length} forms (XVC_SEED=${SEED} to replay)`);
      forms.forEach((form, k) => {
        fc.assert(
          fc.property(caseArbitrary(form, eligible, writers, mode), (c) => checkCase(c, mode, cpu)),
          { seed: SEED + k, numRuns: RUNS },
        );
      });
    });
  }
});
