// Unit tests for harness/runner/shard.ts (`xvc run --shard K/N`).
// Oracle: the partition's defining properties, checked with fast-check over random name lists
// and shard counts: the N shards are pairwise disjoint, cover the list, keep its order, depend
// only on the set of names (not their order), and differ in size by at most one; plus
// hand-written K/N texts for parseShard, good and bad.
// Left out: that `xvc run` uses it (suites/unit/harness/report/shard-merge-cli.test.ts).

import { expect } from 'chai';
import fc from 'fast-check';
import { UsageError } from '../../../../harness/cli/errors.ts';
import { parseShard, shardAssignment, shardOf, type Shard } from '../../../../harness/runner/shard.ts';

/** Unique instance-like names (`isa/golden~crc32`), since a selection never repeats a name. */
const names = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 60 });
const shardCount = fc.integer({ min: 1, max: 9 });

function allShards<T>(items: readonly T[], nameOf: (t: T) => string, count: number): T[][] {
  return Array.from({ length: count }, (_, i) => shardOf(items, nameOf, { index: i + 1, count }));
}

const identity = (s: string): string => s;

describe('harness/runner/shard', () => {
  describe('parseShard', () => {
    it('reads K/N', () => {
      expect(parseShard('1/1')).to.deep.equal({ index: 1, count: 1 });
      expect(parseShard('2/3')).to.deep.equal({ index: 2, count: 3 });
      expect(parseShard('1000/1000')).to.deep.equal({ index: 1000, count: 1000 });
    });

    for (const bad of ['0/3', '4/3', '1/0', '1/1001', '3', '1/2/3', '-1/2', '1.5/3', 'a/b', '', '1/', '/2', '0x1/2', '1e1/20']) {
      it(`refuses '${bad}' with a one-line UsageError naming it`, () => {
        let thrown: unknown;
        try {
          parseShard(bad);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).to.be.instanceOf(UsageError);
        const message = (thrown as Error).message;
        expect(message).to.include(`'${bad}'`);
        expect(message).to.match(/^--shard /);
        expect(message).to.not.include('\n');
      });
    }
  });

  describe('shardOf', () => {
    it('shards are pairwise disjoint and together cover the list', () => {
      fc.assert(
        fc.property(names, shardCount, (list, count) => {
          const shards = allShards(list, identity, count);
          const seen = new Set<string>();
          for (const shard of shards) {
            for (const name of shard) {
              expect(seen.has(name), `${name} in two shards`).to.equal(false);
              seen.add(name);
            }
          }
          expect([...seen].sort()).to.deep.equal([...list].sort());
        }),
      );
    });

    it('each shard keeps the input order', () => {
      fc.assert(
        fc.property(names, shardCount, (list, count) => {
          for (const shard of allShards(list, identity, count)) {
            const positions = shard.map((name) => list.indexOf(name));
            expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
          }
        }),
      );
    });

    it('the assignment depends only on the set of names, not their order', () => {
      fc.assert(
        fc.property(names, shardCount, fc.integer(), (list, count, salt) => {
          // A different discovery order: a seeded shuffle of the same names.
          const shuffled = [...list];
          let state = salt >>> 0;
          for (let i = shuffled.length - 1; i > 0; i--) {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            const j = state % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const original = allShards(list, identity, count).map((s) => [...s].sort());
          const reordered = allShards(shuffled, identity, count).map((s) => [...s].sort());
          expect(reordered).to.deep.equal(original);
        }),
      );
    });

    it('is deterministic: the same call twice gives the same shards', () => {
      fc.assert(
        fc.property(names, shardCount, (list, count) => {
          expect(allShards(list, identity, count)).to.deep.equal(allShards([...list], identity, count));
        }),
      );
    });

    it('shard sizes differ by at most one', () => {
      fc.assert(
        fc.property(names, shardCount, (list, count) => {
          const sizes = allShards(list, identity, count).map((s) => s.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).to.be.at.most(1);
        }),
      );
    });

    it('works on objects through nameOf and returns the same objects', () => {
      const items = ['isa/golden~crc32', 'isa/golden~bit-ops', 'isa/exceptions-real~i286'].map((name) => ({ instance: { name } }));
      const shard: Shard = { index: 1, count: 2 };
      const chosen = shardOf(items, (d) => d.instance.name, shard);
      // Sorted: exceptions-real~i286 (1), golden~bit-ops (2), golden~crc32 (1).
      expect(chosen).to.deep.equal([items[0], items[2]]);
      expect(chosen[0]).to.equal(items[0]);
    });

    it('sorts by code units, not by locale, so every machine agrees', () => {
      // localeCompare would put 'b' before 'C'; code units put 'C' (0x43) first.
      expect([...shardAssignment(['b', 'C', 'a'], 3)]).to.deep.equal([['C', 1], ['a', 2], ['b', 3]]);
    });

    it('a shard past the number of names is empty, not an error', () => {
      expect(shardOf(['a', 'b'], identity, { index: 3, count: 3 })).to.deep.equal([]);
    });
  });
});
