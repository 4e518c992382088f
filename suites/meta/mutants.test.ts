/**
 * meta/mutants: every suite can fail. Each instance runs against every seeded bug it lists in
 * `kills` (suites/meta/mutants/*.mutants.ts, entered through the reference subject's factory)
 * and must report `fail`; every mutant of the catalog must be listed by at least one instance;
 * every listed name must exist. The clean reference passing the same instances is checked by
 * suites/suites.test.ts.
 *
 * Models no hardware itself: the mutants say which behaviour they break. `xvc mutants` prints
 * the same check as a table.
 */

import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { discoverInstances } from '../../harness/suite/discover.ts';
import { loadMutants } from '../../harness/suite/mutants.ts';
import { killPairs, runKill } from '../../harness/suite/mutation.ts';
import { seedFromEnv } from '../support/bind-suites.ts';

const suitesRoot = fileURLToPath(new URL('..', import.meta.url));
const discovered = await discoverInstances(suitesRoot);
const catalog = await loadMutants(suitesRoot);
const { pairs, unlisted, unknown } = killPairs(discovered, catalog);
const seed = seedFromEnv();

describe(`meta/mutants: each suite kills the seeded bugs it lists (seed ${seed})`, function () {
  it('every mutant of the catalog is listed by some instance', function () {
    expect(catalog.size, 'mutants in the catalog').to.be.greaterThan(0);
    expect(unlisted, 'mutants no instance lists').to.deep.equal([]);
  });

  it("every instance's `kills` names a catalog mutant", function () {
    expect(unknown, 'unknown mutant names').to.deep.equal([]);
  });

  for (const [d, mutant] of pairs) {
    it(`${d.instance.name} kills ${mutant.name}`, async function () {
      this.timeout(0);
      const row = await runKill(d, mutant, { tier: 'quick', seed });
      console.log(`    ${row.instance} under ${row.mutant}: ${row.outcome}: ${row.evidence}`);
      expect(row.outcome, `${d.instance.name} under mutant '${mutant.name}' (${mutant.description})`).to.equal('fail');
    });
  }
});
