/**
 * isa/exceptions-real: every vector real-address mode can raise, per CPU model (i286 to modern),
 * with the frame it pushes and the priority when several conditions apply at once.
 *
 * Checks, through the adapter contract only (suites/support/subject-real-mode.ts), for each case
 * of the tables in suites/isa/exceptions-real/: which vector the IVT delivers (every vector points
 * at its own HLT stub), the pushed FLAGS, CS and IP (the instruction's own IP for a fault, the
 * next one's for a trap or INT n), IF, TF and AC cleared in the handler, SP lowered by six, and
 * the registers and memory a fault must leave alone. Vectors: #DE, #DB, #BP, #OF, #BR, #UD, #NM,
 * #DF, #SS, #GP, INT n, and shutdown. Priorities: a trap on the previous instruction before a
 * decode fault; the length limit before #UD, #NM and LOCK's #UD; decode faults before segment-limit
 * faults; a fault with TF = 1 takes no single-step trap; INT n/INT3/INTO clear TF; contributory
 * during contributory is #DF, and a fault delivering #DF is shutdown (SDM Vol. 3A, 6.9 Table 6-2,
 * 6.15 Table 6-5; Vol. 3B, 17.3.1.4).
 *
 * Oracle: the SDM sections cited on each case, and where the SDM is silent or wrong for the 286,
 * the SingleStepTests 80286 real-hardware corpus; per-model facts are written down in
 * exceptions-real/model-facts.ts, not read from the emulator. FLAGS the table lists as undefined
 * for the faulting form are masked, nothing else.
 *
 * Instances, per model: `~<model>` (the case tables, code running or jumping past the CS limit,
 * TF single-step traps and, on the 286-486, MMX/SSE bytes under CR0.TS staying #UD; must pass on
 * the reference and kill the mutants of suites/meta/mutants/exceptions.mutants.ts and
 * `de-pushes-next-ip`), and `~<model>.operands` (fast-check: random operands for DIV, IDIV, AAM,
 * BOUND and INTO against an independent arithmetic oracle).
 *
 * Leaves out: NMI and external interrupts (the contract cannot raise them), #MF and #AC (no x87
 * unit; AC checking needs CPL 3), x87 rows of Table 2-2 that execute, debug-register breakpoints,
 * and the 286's F1 (an ICE opcode, not INT1).
 */

import { cpuModel, type CpuModelName } from '../../reference-emulator/index.ts';
import type { SubjectFactory } from '../../harness/adapter.ts';
import { fail, knownFail, pass, type SuiteContext, type SuiteInstance, type Verdict } from '../../harness/suite/model.ts';
import type { ExceptionCase } from './exceptions-real/case.ts';
import { appliesTo, listing, runCase, type CaseResult } from './exceptions-real/check.ts';
import { boundCases, divideCases, overflowCases } from './exceptions-real/cases-arith.ts';
import { absentSimdCases, deviceNotAvailableCases, generationCases, invalidOpcodeCases, lengthCases, lockCases } from './exceptions-real/cases-decode.ts';
import { debugCases, softwareInterruptCases } from './exceptions-real/cases-interrupts.ts';
import { codeLimitCases, dataLimitCases, doubleFaultCases, stackLimitCases, systemFaultCases } from './exceptions-real/cases-limits.ts';
import { singleStepCases } from './exceptions-real/cases-single-step.ts';
import { MODEL_ORDER } from './exceptions-real/model-facts.ts';
import { operandsBudget, runOperandProperty } from './exceptions-real/operands.ts';

const CASES: readonly ExceptionCase[] = [
  ...divideCases,
  ...boundCases,
  ...overflowCases,
  ...softwareInterruptCases,
  ...debugCases,
  ...invalidOpcodeCases,
  ...generationCases,
  ...lockCases,
  ...lengthCases,
  ...deviceNotAvailableCases,
  ...dataLimitCases,
  ...stackLimitCases,
  ...doubleFaultCases,
  ...systemFaultCases,
  ...codeLimitCases,
  ...singleStepCases,
  ...absentSimdCases,
];

/** Mutants every model's table instance must kill (suites/meta/mutants/). */
const KILLS = [
  'de-pushes-next-ip',
  'into-traps-when-of-clear',
  'bound-upper-exclusive',
  'word-at-ffff-wraps',
  'int3-pushes-own-ip',
  'x87-ts-raises-ud',
  'idiv8-rejects-min-quotient',
  'int-keeps-if',
];
/** The 286 raises #GP for a stack-limit fault anyway, so only later models can tell this one. */
const KILLS_FROM_386 = ['stack-fault-raises-gp'];
/** Models without a SIMD unit, where MMX/SSE bytes under CR0.TS must stay #UD. */
const KILLS_WITHOUT_SIMD = ['simd-ts-nm-without-unit'];

/** Failure lines: a few in the reason's diag, each with its title, bytes and first problems. */
function failureList(results: readonly CaseResult[]): Array<Record<string, unknown>> {
  return results.map((r) => ({ case: r.title, bytes: r.bytes, disassembly: r.disassembly, problems: r.problems, ...(r.knownFail ? { knownFail: r.knownFail } : {}) }));
}

async function runTable(cases: readonly ExceptionCase[], model: CpuModelName, subjects: SubjectFactory, ctx: SuiteContext): Promise<Verdict> {
  const selected = cases.slice(0, ctx.runs);
  const failures: CaseResult[] = [];
  const known: CaseResult[] = [];
  const subject = await subjects();
  try {
    for (const c of selected) {
      for (const form of listing(c.setup.code, model).forms) ctx.cover(form, 'real');
      const result = await runCase(subject, c, model);
      if (result.problems.length > 0) (c.knownFail ? known : failures).push(result);
      // A known-fail case that passes is what a fixed subject does: say so, do not fail.
      else if (c.knownFail) ctx.log(`${model}: now passes (known-fail mark can go): ${c.title}`);
    }
  } finally {
    await subject.close();
  }
  const diag = { model, cases: selected.length, failed: failures.length, knownFail: known.length };
  if (failures.length > 0) {
    const first = failures[0]!;
    return fail(`${failures.length}/${selected.length} cases fail on ${model}; first: ${first.title}: ${first.problems.join('; ')}`, { ...diag, failures: failureList(failures), ...(known.length ? { known: failureList(known) } : {}) }, selected.length);
  }
  if (known.length > 0) return knownFail(`${known.length}/${selected.length} cases fail as known: ${known[0]!.knownFail ?? ''}`, { ...diag, known: failureList(known) });
  return pass(selected.length, diag);
}

/**
 * The case groups that become instances. The main table carries the kills and must pass on the
 * reference, so no case in it may be marked known-fail; groups with known-fail cases stand apart.
 */
const GROUPS: ReadonlyArray<{ variation: string; tag: string; cases: readonly ExceptionCase[] }> = [
  { variation: '', tag: 'table', cases: CASES },
];
if (CASES.some((c) => c.knownFail)) throw new Error('isa/exceptions-real: a known-fail case belongs in its own group, not in the main table');

function killsFor(model: CpuModelName): string[] {
  return [...KILLS, ...(model === 'i286' ? [] : KILLS_FROM_386), ...(cpuModel(model).hasSimdUnit ? [] : KILLS_WITHOUT_SIMD)];
}

function instancesFor(model: CpuModelName): SuiteInstance[] {
  const needs = { modes: ['real' as const], cpuModels: [model] };
  const tags = ['exceptions', 'real-mode', model];
  const tables = GROUPS.flatMap(({ variation, tag, cases }): SuiteInstance[] => {
    const selected = cases.filter((c) => appliesTo(c, model));
    // A group with nothing for this model (the 286 has no code-limit case) makes no instance.
    if (selected.length === 0) return [];
    return [{
      name: `isa/exceptions-real~${model}${variation}`,
      tags: [...tags, tag],
      needs,
      budget: { quick: selected.length, full: selected.length, soak: selected.length },
      timeoutMs: 120_000,
      ...(variation === '' ? { kills: killsFor(model) } : {}),
      run: (subjects, ctx) => runTable(selected, model, subjects, ctx),
    }];
  });
  return [
    ...tables,
    {
      name: `isa/exceptions-real~${model}.operands`,
      tags: [...tags, 'property'],
      needs,
      budget: operandsBudget(),
      timeoutMs: 600_000,
      run: (subjects, ctx) => runOperandProperty(model, subjects, ctx),
    },
  ];
}

export const instances: readonly SuiteInstance[] = MODEL_ORDER.flatMap(instancesFor);
