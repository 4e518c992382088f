/**
 * fast-check properties as suite verdicts: runs a property with the run's seed and case count
 * and turns a counterexample into a `fail` whose reason is the property's own message (for an
 * instruction, its bytes and disassembly) and whose diag holds the seed and the shrink path, so
 * `--seed` replays it. A property that throws something other than an assertion (a bug in the
 * suite or harness) is still a `fail` here: the counterexample is what a reader needs.
 *
 * Models no hardware.
 */

import fc from 'fast-check';
import { pass, fail, type Verdict } from './model.ts';

export interface PropertyRun<T> {
  seed: number;
  numRuns: number;
  examples?: T[][];
}

export function propertyVerdict<T extends unknown[]>(property: fc.IProperty<T>, params: { seed: number; numRuns: number; examples?: T[] }): Verdict {
  const result = fc.check(property, { seed: params.seed, numRuns: params.numRuns, ...(params.examples ? { examples: params.examples } : {}) });
  if (!result.failed) return pass(result.numRuns, { seed: params.seed, runs: result.numRuns });
  const error = result.errorInstance;
  const message = error instanceof Error ? error.message : String(error);
  return fail(message.split('\n', 1)[0] ?? message, {
    seed: params.seed,
    path: result.counterexamplePath ?? '',
    shrinks: result.numShrinks,
    afterRuns: result.numRuns,
    counterexample: fc.stringify(result.counterexample),
    message,
  }, result.numRuns);
}
