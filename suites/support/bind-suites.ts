/**
 * The mocha binding of the suite model: every instance of every `suites/**\/*.suite.ts` module
 * becomes one mocha test run against the embedded reference subject (and, for differential
 * suites, the reference as the oracle), in the tier `XVC_TIER` (default quick) with the seed
 * `XVC_SEED` (default: fresh, printed). Verdicts map onto mocha:
 * pass -> passing test; fail/error -> failing test with the reason; skip and known-fail ->
 * pending test with the reason printed (mocha has no TODO state; `xvc run` keeps all five).
 *
 * Models no hardware.
 */

import { discoverInstances, type DiscoveredInstance } from '../../harness/suite/discover.ts';
import { runInstance } from '../../harness/suite/run-instance.ts';
import type { Tier } from '../../harness/suite/model.ts';
import { TIERS } from '../../harness/suite/model.ts';
import type { SubjectFactory } from '../../harness/adapter.ts';
import { CoverageCollector, coverageLine } from '../../harness/report/isa-coverage.ts';
import { writeAtomic } from '../../harness/report/tap-writer.ts';
import { knownFailBecause, skipBecause } from './outcome.ts';

export interface BindOptions {
  suitesRoot: string;
  subjects: SubjectFactory;
  isReference: boolean;
  /**
   * What differential suites compare the subject with; absent: the runner's default, the embedded
   * reference unmutated (so under `npm test` subject and oracle are both the reference, which a
   * differential instance only tells apart under a mutant, suites/meta/mutants.test.ts).
   */
  oracle?: { subjects: SubjectFactory; name: string };
  /** Where the ISA coverage of the run is written (beside c8's report of our own code). */
  coveragePath?: string;
}

export function tierFromEnv(): Tier {
  const tier = process.env['XVC_TIER'] ?? 'quick';
  if (!(TIERS as readonly string[]).includes(tier)) throw new Error(`XVC_TIER must be one of ${TIERS.join(', ')}, got '${tier}'`);
  return tier as Tier;
}

export function seedFromEnv(): number {
  const text = process.env['XVC_SEED'];
  if (text === undefined) return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`XVC_SEED must be an integer, got '${text}'`);
  return seed;
}

export async function bindSuites(options: BindOptions): Promise<DiscoveredInstance[]> {
  const discovered = await discoverInstances(options.suitesRoot);
  const tier = tierFromEnv();
  const seed = seedFromEnv();
  const runsText = process.env['XVC_RUNS'];
  const runs = runsText === undefined ? undefined : Number(runsText);

  const coverage = new CoverageCollector();
  describe(`suites (reference subject, tier ${tier}, seed ${seed}; replay with XVC_SEED=${seed})`, function () {
    after(async function () {
      if (options.coveragePath === undefined) return;
      const report = coverage.report('reference');
      await writeAtomic(options.coveragePath, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`${coverageLine(report)} -> ${options.coveragePath}`);
    });
    for (const { instance } of discovered) {
      it(instance.name, async function () {
        this.timeout(0); // the instance's own timeoutMs is enforced by runInstance
        const result = await runInstance(instance, options.subjects, {
          tier,
          seed,
          isReference: options.isReference,
          ...(options.oracle ? { oracle: options.oracle } : {}),
          ...(runs !== undefined ? { runs } : {}),
          log: (line) => console.log(`    ${line}`),
        });
        coverage.add(instance.name, result.coverage);
        if (result.outcome === 'skip') skipBecause(this, `${instance.name}: ${result.reason ?? 'no reason given'}`);
        if (result.outcome === 'known-fail') knownFailBecause(this, `${instance.name}: ${result.reason ?? 'no reason given'}`);
        if (result.outcome === 'fail' || result.outcome === 'error') {
          const kind = result.outcome === 'error' ? ` [${result.errorKind ?? 'harness'}]` : '';
          const diag = result.diag ? `\n${JSON.stringify(result.diag, null, 2)}` : '';
          const failure = new Error(`${result.outcome}${kind}: ${result.reason ?? ''} (seed ${seed})${diag}`);
          // The TAP reporter turns this into the `kind` of an error outcome.
          if (result.outcome === 'error') Object.assign(failure, { xvcErrorKind: result.errorKind ?? 'harness' });
          throw failure;
        }
      });
    }
  });
  return discovered;
}
