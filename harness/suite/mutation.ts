/**
 * Suite power (DESIGN.md, "Seeded bugs"): runs each instance against every mutant it lists in
 * `kills`, through the mutant's subject factory, and records whether the instance caught it. A
 * mutant is killed when the instance's verdict is `fail`; anything else (pass, skip, an error of
 * the harness) means the suite could not see the bug. Also reports catalog mutants that no
 * instance lists, and `kills` entries that name no mutant.
 *
 * Models no hardware.
 */

import type { DiscoveredInstance } from './discover.ts';
import type { Mutant, Tier } from './model.ts';
import { mutantSubjects } from './mutants.ts';
import { DEFAULT_ORACLE, runInstance } from './run-instance.ts';
import type { Outcome } from '../report/tap-writer.ts';

export interface KillRow {
  instance: string;
  mutant: string;
  description: string;
  killed: boolean;
  outcome: Outcome;
  /** The instance's reason under the mutant: the evidence that it saw the bug. */
  evidence: string;
  seed: number;
}

export interface MutationReport {
  rows: KillRow[];
  /** Catalog mutants that no instance lists: a bug nothing is known to catch. */
  unlisted: string[];
  /** `kills` entries naming no catalog mutant. */
  unknown: Array<{ instance: string; mutant: string }>;
}

export function killPairs(discovered: readonly DiscoveredInstance[], catalog: ReadonlyMap<string, Mutant>): MutationReport & { pairs: Array<[DiscoveredInstance, Mutant]> } {
  const pairs: Array<[DiscoveredInstance, Mutant]> = [];
  const unknown: MutationReport['unknown'] = [];
  const listed = new Set<string>();
  for (const d of discovered) {
    for (const name of d.instance.kills ?? []) {
      const mutant = catalog.get(name);
      if (mutant) {
        pairs.push([d, mutant]);
        listed.add(name);
      } else unknown.push({ instance: d.instance.name, mutant: name });
    }
  }
  const unlisted = [...catalog.keys()].filter((name) => !listed.has(name));
  return { pairs, rows: [], unlisted, unknown };
}

export async function runKill(d: DiscoveredInstance, mutant: Mutant, options: { tier: Tier; seed: number }): Promise<KillRow> {
  // The bug goes into the subject under test only; a differential instance's oracle is the clean reference.
  const run = await runInstance(d.instance, mutantSubjects(mutant), { tier: options.tier, seed: options.seed, isReference: true, oracle: DEFAULT_ORACLE });
  return {
    instance: d.instance.name,
    mutant: mutant.name,
    description: mutant.description,
    killed: run.outcome === 'fail',
    outcome: run.outcome,
    evidence: run.reason ?? '(no reason given)',
    seed: options.seed,
  };
}

export async function checkMutants(discovered: readonly DiscoveredInstance[], catalog: ReadonlyMap<string, Mutant>, options: { tier: Tier; seed: number; onRow?: (row: KillRow) => void }): Promise<MutationReport> {
  const { pairs, unlisted, unknown } = killPairs(discovered, catalog);
  const rows: KillRow[] = [];
  for (const [d, mutant] of pairs) {
    const row = await runKill(d, mutant, options);
    rows.push(row);
    options.onRow?.(row);
  }
  return { rows, unlisted, unknown };
}
