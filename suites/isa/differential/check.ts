/**
 * The differential property: random programs (generator.ts) run on the oracle and on the subject
 * under test from the same starting state, and their outcomes must agree (compare.ts). A
 * divergence is shrunk by fast-check to the smallest program and starting values that still
 * diverge, and becomes a `fail` whose reason holds that program as disassembly, its starting
 * registers and the differing fields, with the case as `repro` for `xvc repro`.
 *
 * A program whose outcome the architecture leaves open (a step reads a flag an earlier one left
 * undefined; SHLD/SHRD r/m16 by more than 16) is discarded (fast-check's precondition), and the
 * count is reported. An adapter that throws ends the property at once: no shrinking on a crash,
 * and the runner turns the error into `error` with its kind.
 *
 * Models no hardware.
 */

import fc from 'fast-check';
import type { Subject, SubjectFactory } from '../../../harness/adapter.ts';
import { error, fail, pass, skip, type SuiteContext, type Verdict } from '../../../harness/suite/model.ts';
import type { CpuModelName, InstrId } from '../../../reference-emulator/index.ts';
import { compareObservations, GENERAL_REGISTERS, type FieldDifference } from './compare.ts';
import { cpuModeOf, eligibleForms } from './forms.ts';
import { caseArbitrary, type DifferentialCase } from './generator.ts';
import type { DifferentialMode } from './layout.ts';
import { differenceLines, divergenceSignature, instructionCount, programListing } from './report.ts';
import { differentialRepro } from './repro.ts';
import { prepareCase, resetForCases, runOracle, runSubject, type Observation, type OracleRun, type PreparedCase } from './run-case.ts';

export interface DifferentialConfig {
  instance: string;
  mode: DifferentialMode;
  cpu: CpuModelName;
  /** Most generated instructions in one program (set-up moves and the HLT not counted). */
  maxInstructions: number;
  /** Leave out the undocumented aliases and the reserved-NOP hint space (forms.ts). */
  documentedOnly?: boolean;
}

/** Thrown inside the property on a divergence; carries what the report needs. */
class Divergence extends Error {
  constructor(readonly differences: FieldDifference[]) {
    super(`${differences.length} fields differ: ${differences.slice(0, 4).map((d) => d.field).join(', ')}${differences.length > 4 ? ', ...' : ''}`);
  }
}

interface Outcome {
  prepared: PreparedCase;
  oracle: OracleRun;
  subject?: Observation;
  differences: FieldDifference[];
}

async function runBoth(c: DifferentialCase, config: DifferentialConfig, oracle: Subject, subject: Subject): Promise<Outcome> {
  const prepared = prepareCase(c, config.mode, config.cpu);
  const oracleRun = await runOracle(oracle, prepared);
  if (oracleRun.unspecified !== undefined) return { prepared, oracle: oracleRun, differences: [] };
  const subjectRun = await runSubject(subject, prepared);
  return { prepared, oracle: oracleRun, subject: subjectRun, differences: compareObservations(oracleRun, subjectRun, oracleRun.undefinedFlags) };
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

function startLine(p: PreparedCase, memorySeed: number): string {
  const regs = GENERAL_REGISTERS.map((r) => `${r}=${hex8(p.state.regs[r])}`).join(' ');
  return `start: ${regs} eflags=${hex8(p.state.eflags)}; window and stack bytes from memory seed ${memorySeed}${memorySeed === 0 ? ' (all zero)' : ''}`;
}

/** Why the capability check on the oracle fails, or undefined when it can run this instance. */
function oracleGap(oracle: Subject, config: DifferentialConfig): string | undefined {
  const mode = cpuModeOf(config.mode);
  if (!oracle.capabilities.modes.includes(mode)) return `oracle '${oracle.name}' lacks mode ${mode}`;
  if (!oracle.capabilities.cpuModels.includes(config.cpu)) return `oracle '${oracle.name}' lacks CPU model ${config.cpu}`;
  return undefined;
}

export async function runDifferential(config: DifferentialConfig, subjects: SubjectFactory, ctx: SuiteContext): Promise<Verdict> {
  if (ctx.oracle === undefined) return skip('no oracle: the runner gave this instance no oracle subject to compare with');
  let oracle: Subject;
  try {
    oracle = await ctx.oracle();
  } catch (e) {
    return error('subject-crash', `oracle '${ctx.oracleName ?? '?'}' could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
  // The adapter's own name ('unicorn'), as the subject's is used, rather than the spec's file name.
  const oracleName = oracle.name;
  let subject: Subject | undefined;
  try {
    const gap = oracleGap(oracle, config);
    if (gap !== undefined) return skip(gap);
    subject = await subjects();
    await resetForCases(oracle, config.cpu);
    await resetForCases(subject, config.cpu);
    const forms = eligibleForms(config.mode, config.cpu, config.documentedOnly === true);
    let compared = 0;
    const discarded = new Map<string, number>();
    let aborted: unknown;
    const started = performance.now();
    let finished = started;
    const progressEvery = ctx.runs >= 10_000 ? Math.ceil(ctx.runs / 20) : 0;

    const property = fc.asyncProperty(caseArbitrary(forms, config.mode, config.maxInstructions), async (c) => {
      if (aborted !== undefined) return;
      let outcome: Outcome;
      try {
        outcome = await runBoth(c, config, oracle, subject!);
      } catch (e) {
        aborted = e;
        return;
      }
      if (outcome.oracle.unspecified !== undefined) {
        const { kind } = outcome.oracle.unspecified;
        discarded.set(kind, (discarded.get(kind) ?? 0) + 1);
        fc.pre(false);
      }
      compared++;
      finished = performance.now();
      for (const index of outcome.oracle.executed) ctx.cover(outcome.prepared.program.lines[index]!.form.id as InstrId, cpuModeOf(config.mode));
      if (progressEvery > 0 && compared % progressEvery === 0) ctx.log(`${config.instance}: ${compared}/${ctx.runs} programs`);
      if (outcome.differences.length > 0) throw new Divergence(outcome.differences);
    });
    // A tenth of the programs or so is discarded; allow many more before calling it a generator bug.
    const details = await fc.check(property, { seed: ctx.seed, numRuns: ctx.runs, maxSkipsPerRun: 5 });
    if (aborted !== undefined) throw aborted;

    const seconds = Math.max(finished - started, 1) / 1000;
    const diag: Record<string, unknown> = {
      seed: ctx.seed,
      mode: config.mode,
      cpu: config.cpu,
      oracle: oracleName,
      subject: subject.name,
      forms: forms.length,
      maxInstructions: config.maxInstructions,
      // Programs compared before the verdict (fast-check's runs); shrinking runs more, counted in the rate.
      programs: details.numRuns,
      discarded: Object.fromEntries(discarded),
      seconds: Number(seconds.toFixed(2)),
      programsPerSecond: Math.round(compared / seconds),
    };
    ctx.log(`${config.instance}: ${details.numRuns} programs against '${subject.name}' (oracle '${oracleName}'), ${diag['programsPerSecond']} programs/s, ${[...discarded.values()].reduce((a, b) => a + b, 0)} discarded as unspecified`);
    if (!details.failed) return pass(details.numRuns, diag);

    const counterexample = details.counterexample?.[0];
    if (counterexample === undefined || !(details.errorInstance instanceof Divergence)) {
      const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? 'no counterexample');
      return error('harness', `the differential property failed without a divergence (seed ${ctx.seed}): ${message.split('\n', 1)[0]}`);
    }
    // Re-run the shrunk program to report it (the property's last run may have been another candidate).
    const shrunk = await runBoth(counterexample, config, oracle, subject);
    if (shrunk.differences.length === 0 || shrunk.subject === undefined) {
      return error('harness', `the shrunk program no longer diverges when run again (seed ${ctx.seed}): a subject that is not deterministic?`);
    }
    const program = shrunk.prepared.program;
    const count = instructionCount(program);
    const summary = `${config.instance}: '${subject.name}' differs from oracle '${oracleName}' on a ${count}-instruction program (seed ${ctx.seed}, ${details.numShrinks} shrinks): ${shrunk.differences.slice(0, 6).map((d) => `${d.field} ${d.oracle} vs ${d.subject}`).join(', ')}${shrunk.differences.length > 6 ? ', ...' : ''}`;
    const reason = [
      summary,
      ...programListing(program).map((l) => `  ${l}`),
      `  ${startLine(shrunk.prepared, counterexample.start.memorySeed)}`,
      ...differenceLines(shrunk.differences, shrunk.oracle.undefinedFlags, { oracle: oracleName, subject: subject.name }).map((l) => `  ${l}`),
    ].join('\n');
    const { repro, reproduces } = await differentialRepro(shrunk.prepared, shrunk.oracle, shrunk.subject, oracle, subject, { instance: config.instance, seed: ctx.seed, oracleName });
    // The exported case runs without the stop at exceptions; say so if the subject passes it there.
    if (!reproduces) ctx.log(`${config.instance}: the exported case ${repro.caseId} passes on '${subject.name}' when replayed with exceptions delivered; the divergence shows only when stopping at the first exception`);
    return {
      // The signature names the divergence without the seed or operand values, so a waiver
      // (harness/report/waivers.ts) keeps matching the same bug when another seed finds it.
      ...fail(reason, { ...diag, signature: divergenceSignature(program, shrunk.differences), instructions: count, shrinks: details.numShrinks, path: details.counterexamplePath ?? '', caseReproduces: reproduces }, details.numRuns),
      repro,
    };
  } finally {
    await oracle.close();
    if (subject !== undefined) await subject.close();
  }
}
