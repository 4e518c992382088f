/**
 * The suite model (DESIGN.md, "Suites are data"): a suite module exports instances, plain
 * objects with a name, tags, the capabilities they need, a per-tier budget and a `run` function
 * that takes a subject factory. Two runners execute the same instances: the mocha binding
 * (suites/support/mocha-binding.ts, for `npm test`) and the harness runner (`xvc run`).
 *
 * Models no hardware; it is the contract between suites and runners. Outcomes are the five of
 * kvm-unit-tests/XTF: pass, fail, error (with a kind), skip (with a reason), known-fail.
 */

import type { CpuMode, InstrId } from '../../reference-emulator/index.ts';
import type { Subject, SubjectCapabilities, SubjectFactory } from '../adapter.ts';
import type { Outcome } from '../report/tap-writer.ts';
import type { ReproCase } from '../repro/case.ts';

export type Tier = 'quick' | 'full' | 'soak';
export const TIERS: readonly Tier[] = ['quick', 'full', 'soak'];

/** How many cases (property runs, corpus tests, traces...) an instance runs in each tier. */
export type Budget = Record<Tier, number>;

/** What an instance needs from a subject; an absent capability is a `skip` with the reason. */
export interface Needs {
  modes?: CpuMode[];
  cpuModels?: SubjectCapabilities['cpuModels'];
  paging?: SubjectCapabilities['paging'];
  singleStep?: boolean;
  translate?: boolean;
  snapshot?: boolean;
  /** A subject that is the embedded reference (mutants, handler-level checks). */
  reference?: boolean;
}

export type ErrorKind = 'subject-crash' | 'timeout' | 'protocol' | 'harness';

/** The verdict of one instance. `diag` goes to the TAP YAML block and the JSON report. */
export interface Verdict {
  outcome: Outcome;
  /** One line: why it failed, why it was skipped, why the failure is known. */
  reason?: string;
  errorKind?: ErrorKind;
  diag?: Record<string, unknown>;
  /** Cases actually run (a property's runs, a corpus file's tests). */
  cases?: number;
  /** The first failing case, complete enough to re-run without the suite (`xvc repro`). */
  repro?: ReproCase;
}

/** What the runner hands an instance besides the subject factory. */
export interface SuiteContext {
  tier: Tier;
  /** The seed for fast-check and any other randomness; every run prints it. */
  seed: number;
  /** The case count: the tier's budget unless `--runs` overrides it. */
  runs: number;
  /** Name of the subject under test (for messages and waivers). */
  subjectName: string;
  /**
   * The oracle a differential suite compares the subject with: a factory like the subject's, built
   * by the runner (`xvc run --oracle SPEC`, default the embedded reference) and never by a suite,
   * which imports no adapter. Under a mutant it stays the clean reference: seeded bugs go into the
   * subject only. Absent when a caller gives none; a suite that needs one skips with the reason.
   */
  oracle?: SubjectFactory;
  /** Name of the oracle (for messages and reports). */
  oracleName?: string;
  /** Records that a form was executed or decoded by the subject in a mode (ISA coverage). */
  cover(form: InstrId, mode: CpuMode): void;
  /** A line of progress or explanation; mocha prints it, the runner keeps it in the report. */
  log(line: string): void;
}

export interface SuiteInstance {
  /** `<area>/<name>[~variation]`, e.g. `isa/sst-80286~F7.6`. */
  name: string;
  tags: readonly string[];
  needs: Needs;
  budget: Budget;
  /** Wall-clock limit for one run of the instance, in ms; the runner reports `error: timeout`. */
  timeoutMs?: number;
  /** Names of the mutants (suites/meta/mutant-catalog.ts) this instance must kill. */
  kills?: readonly string[];
  run(subjects: SubjectFactory, ctx: SuiteContext): Promise<Verdict>;
  /**
   * Runs only the case with this id (a corpus hash, a golden's hash) if the instance holds it,
   * with the case as `repro` in the verdict; undefined when the id is not this instance's.
   */
  reproduce?(caseId: string, subjects: SubjectFactory, ctx: SuiteContext): Promise<Verdict | undefined>;
}

/** A suite module (`suites/**\/*.suite.ts`) exports `instances` (or a function giving them). */
export interface SuiteModule {
  instances: readonly SuiteInstance[] | (() => Promise<readonly SuiteInstance[]>);
}

/** Why a subject cannot run an instance, or undefined if it can. */
export function missingCapability(needs: Needs, subject: Pick<Subject, 'capabilities' | 'name'>, isReference: boolean): string | undefined {
  const caps = subject.capabilities;
  const missing = (what: string): string => `subject '${subject.name}' lacks ${what}`;
  if (needs.reference && !isReference) return `needs the embedded reference subject (handler-level check); '${subject.name}' is not it`;
  for (const mode of needs.modes ?? []) if (!caps.modes.includes(mode)) return missing(`mode ${mode}`);
  for (const cpu of needs.cpuModels ?? []) if (!caps.cpuModels.includes(cpu)) return missing(`CPU model ${cpu}`);
  for (const kind of needs.paging ?? []) if (!caps.paging.includes(kind)) return missing(`paging kind ${kind}`);
  if (needs.singleStep && !caps.singleStep) return missing('single-step');
  if (needs.translate && !caps.translate) return missing('address translation');
  if (needs.snapshot && !caps.snapshot) return missing('snapshots');
  return undefined;
}

/** Verdict helpers, so suites read as what they decide. */
export const pass = (cases?: number, diag?: Record<string, unknown>): Verdict => ({ outcome: 'pass', ...(cases !== undefined ? { cases } : {}), ...(diag ? { diag } : {}) });
export const fail = (reason: string, diag?: Record<string, unknown>, cases?: number): Verdict => ({ outcome: 'fail', reason, ...(diag ? { diag } : {}), ...(cases !== undefined ? { cases } : {}) });
export const skip = (reason: string): Verdict => ({ outcome: 'skip', reason });
export const knownFail = (reason: string, diag?: Record<string, unknown>): Verdict => ({ outcome: 'known-fail', reason, ...(diag ? { diag } : {}) });
export const error = (errorKind: ErrorKind, reason: string): Verdict => ({ outcome: 'error', errorKind, reason });

/** Thrown inside `run` by a suite that wants to report a failure from deep inside a helper. */
export class SuiteFailure extends Error {
  constructor(message: string, readonly diag?: Record<string, unknown>) {
    super(message);
  }
}

/** Severity order: the most severe outcome reported for an instance wins. */
export const SEVERITY: Record<Outcome, number> = { pass: 0, skip: 1, 'known-fail': 2, fail: 3, error: 4 };

/**
 * A seeded bug (DESIGN.md, "Seeded bugs"): handler overrides that go in through the reference
 * subject's factory, so the hot loop carries no test code. Mutants live in
 * `suites/meta/mutants/*.mutants.ts`; each instance lists in `kills` the ones it must catch.
 */
export interface Mutant {
  /** Short, unique, kebab-case: `sbb-ignores-cf`. */
  name: string;
  /** The bug in one sentence, as a reviewer would describe it. */
  description: string;
  handlerOverrides?: Partial<Record<InstrId, import('../../reference-emulator/index.ts').Handler>>;
  /** Wraps the decoder the reference subject exposes to decoder suites. */
  decoderMutation?: (base: typeof import('../../reference-emulator/index.ts').decodeBytes) => typeof import('../../reference-emulator/index.ts').decodeBytes;
}

/** A mutant catalog module exports `mutants`. */
export interface MutantModule {
  mutants: readonly Mutant[];
}
