import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/**
 * Storage contract, on SQLite and PostgreSQL alike: the screening name keys packed one row per lead (0045) answer the
 * delta re-screening's look-ups exactly as the per-key rows did — every lead holding a key, counted once per lead,
 * whatever the order and repeats of its puts, none of an erased lead — compared with a plain in-memory reference.
 */
describe.each(STORES)('screening lead keys (packed): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
  });
  afterEach(async () => {
    await h.cleanup();
  });

  // A small pool so that leads share keys, with values either side of 2^31 and the ends of the range.
  const hash = fc.oneof(
    fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0xfffffff0, max: 0xffffffff }),
  );
  const leadPuts = fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.array(hash, { maxLength: 12 })), { maxLength: 20 });

  it('counts and postings equal a reference over random puts, repeated puts and erasures', async () => {
    await fc.assert(
      fc.asyncProperty(
        leadPuts,
        fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 4 }),
        fc.array(hash, { maxLength: 25 }),
        async (puts, erased, asked) => {
          await store.transaction((tx) => tx.personalData.resetNameKeys('prop', iso(1)));
          const reference = new Map<string, Set<number>>();
          for (const [n, hashes] of puts) {
            const leadId = `L${String(n).padStart(2, '0')}`;
            await store.personalData.putNameKeys(leadId, hashes);
            if (hashes.length > 0) for (const x of hashes) (reference.get(leadId) ?? reference.set(leadId, new Set()).get(leadId)!).add(x);
          }
          for (const n of erased) {
            const leadId = `L${String(n).padStart(2, '0')}`;
            await store.personalData.erase(leadId, iso(2));
            reference.delete(leadId);
          }
          const counts = new Map<number, number>();
          const postings = new Map<number, string[]>();
          for (const x of new Set(asked))
            for (const [leadId, held] of [...reference].sort(([a], [b]) => (a < b ? -1 : 1)))
              if (held.has(x)) {
                counts.set(x, (counts.get(x) ?? 0) + 1);
                postings.set(x, [...(postings.get(x) ?? []), leadId]);
              }
          expect(new Map(await store.personalData.nameKeyCounts(asked))).toEqual(counts);
          const got = await store.personalData.leadsByNameKeys(asked);
          expect(new Map([...got].map(([k, ids]) => [k, [...ids].sort()]))).toEqual(postings);
          expect(await store.personalData.anyNameKeys()).toBe(reference.size > 0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a scan reads every page: 5,003 leads, keys on the first, a page boundary and the last', async () => {
    const ids = Array.from({ length: 5003 }, (_, i) => `P${String(i).padStart(5, '0')}`);
    await store.transaction(async (tx) => {
      for (const [i, id] of ids.entries())
        await tx.personalData.putNameKeys(id, [1000 + (i % 7), i === 0 || i === 4999 || i === 5000 || i === 5002 ? 42 : 43]);
    });
    expect(new Map(await store.personalData.nameKeyCounts([42, 43, 1000]))).toEqual(
      new Map([
        [42, 4],
        [43, 4999],
        [1000, 715],
      ]),
    );
    expect((await store.personalData.leadsByNameKeys([42])).get(42)).toEqual(['P00000', 'P04999', 'P05000', 'P05002']);
  });
});
