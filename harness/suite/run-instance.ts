/**
 * Runs one suite instance against one subject factory and turns whatever happens into a single
 * verdict: a missing capability is a skip, a thrown assertion a fail, an adapter that crashes,
 * hangs or talks garbage an error with its kind, a run past its time limit `error: timeout`.
 * Both runners (the mocha binding and `xvc run`) go through here, so they decide alike. The
 * instance also gets the run's oracle (the reference unless the caller names another), for the
 * differential suites.
 *
 * Models no hardware.
 */

import type { CpuMode, InstrId } from '../../reference-emulator/index.ts';
import type { SubjectFactory } from '../adapter.ts';
import { createReferenceSubject } from '../adapters/reference/index.ts';
import type { ErrorKind, SuiteContext, SuiteInstance, Tier, Verdict } from './model.ts';
import { missingCapability, SuiteFailure } from './model.ts';

/** Adapters throw this when the subject itself fails (not the suite, not the harness). */
export class SubjectError extends Error {
  override name = 'SubjectError';
  constructor(readonly kind: Exclude<ErrorKind, 'harness'>, message: string) {
    super(message);
  }
}

/**
 * Whether `error` is a SubjectError, also one from another copy of this module: an adapter
 * module outside this package may be loaded as CommonJS by tsx, with a class of its own.
 */
export function isSubjectError(error: unknown): error is SubjectError {
  if (error instanceof SubjectError) return true;
  const e = error as { name?: unknown; kind?: unknown } | null;
  return error instanceof Error && e?.name === 'SubjectError' && (e.kind === 'subject-crash' || e.kind === 'timeout' || e.kind === 'protocol');
}

export interface RunOptions {
  tier: Tier;
  seed: number;
  /** Overrides the tier's budget. */
  runs?: number;
  /** Whether the factory gives the embedded reference (mutants, handler-level checks). */
  isReference: boolean;
  /**
   * The oracle for differential suites (SuiteContext.oracle). Absent: the embedded reference,
   * unmutated, so every runner (`xvc run`, mocha, `xvc repro`, `xvc mutants`) gives one.
   */
  oracle?: { subjects: SubjectFactory; name: string };
  log?: (line: string) => void;
}

export interface InstanceRun extends Verdict {
  name: string;
  seed: number;
  runs: number;
  ms: number;
  log: string[];
  /** form id -> modes it was exercised in. */
  coverage: Map<InstrId, Set<CpuMode>>;
}

const firstLine = (text: string): string => text.split('\n', 1)[0] ?? text;

export function verdictFromError(error: unknown): Verdict {
  if (error instanceof SuiteFailure) return { outcome: 'fail', reason: firstLine(error.message), ...(error.diag ? { diag: error.diag } : {}) };
  if (isSubjectError(error)) return { outcome: 'error', errorKind: error.kind, reason: firstLine(error.message) };
  if (error instanceof Error && error.name === 'AssertionError') {
    const detail = error.message.split('\n').slice(1).join('\n').trim();
    return { outcome: 'fail', reason: firstLine(error.message), ...(detail ? { diag: { detail } } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack ? error.stack.split('\n').slice(0, 6).join('\n') : undefined;
  return { outcome: 'error', errorKind: 'harness', reason: firstLine(message), ...(stack ? { diag: { stack } } : {}) };
}

class Timeout extends Error {}

/** The oracle when the caller names none: the embedded reference without any mutant. */
export const DEFAULT_ORACLE: { subjects: SubjectFactory; name: string } = { subjects: async () => createReferenceSubject(), name: 'reference' };

export async function runInstance(instance: SuiteInstance, subjects: SubjectFactory, options: RunOptions): Promise<InstanceRun> {
  const runs = options.runs ?? instance.budget[options.tier];
  const log: string[] = [];
  const coverage = new Map<InstrId, Set<CpuMode>>();
  const started = performance.now();
  const finish = (verdict: Verdict): InstanceRun => ({ ...verdict, name: instance.name, seed: options.seed, runs, ms: performance.now() - started, log, coverage });

  if (runs === 0) return finish({ outcome: 'skip', reason: `no cases in tier '${options.tier}'` });

  // Capabilities are the subject's declaration; ask one subject before running anything.
  let probeName = 'subject';
  try {
    const probe = await subjects();
    probeName = probe.name;
    const missing = missingCapability(instance.needs, probe, options.isReference);
    await probe.close();
    if (missing) return finish({ outcome: 'skip', reason: missing });
  } catch (error) {
    const verdict = verdictFromError(error);
    return finish(verdict.outcome === 'error' && verdict.errorKind === 'harness' ? { ...verdict, errorKind: 'subject-crash', reason: `subject could not start: ${verdict.reason ?? ''}` } : verdict);
  }

  const oracle = options.oracle ?? DEFAULT_ORACLE;
  const ctx: SuiteContext = {
    tier: options.tier,
    seed: options.seed,
    runs,
    subjectName: probeName,
    oracle: oracle.subjects,
    oracleName: oracle.name,
    cover(form, mode) {
      let modes = coverage.get(form);
      if (!modes) coverage.set(form, (modes = new Set()));
      modes.add(mode);
    },
    log(line) {
      log.push(line);
      options.log?.(line);
    },
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    const work = instance.run(subjects, ctx);
    const verdict = instance.timeoutMs === undefined
      ? await work
      : await Promise.race([work, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Timeout()), instance.timeoutMs); })]);
    return finish(verdict);
  } catch (error) {
    if (error instanceof Timeout) return finish({ outcome: 'error', errorKind: 'timeout', reason: `no verdict within ${instance.timeoutMs} ms` });
    return finish(verdictFromError(error));
  } finally {
    if (timer) clearTimeout(timer);
  }
}
