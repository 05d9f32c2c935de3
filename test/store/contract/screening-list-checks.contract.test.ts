import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: scheduled list checks claimed by compare-and-set (migration 0040), on SQLite and PostgreSQL alike. */
describe.each(STORES)('scheduled list checks: $factory.name', ({ factory, run }) => {
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

  it('the first claim of a source wins; the next is won only once it is due, by one claimer', async () => {
    const lists = store.screeningLists;
    expect(await lists.claimScheduledCheck('ofac', 'a', iso(0), iso(60))).toBe(true);
    // not due yet: nobody wins, whoever asks
    expect(await lists.claimScheduledCheck('ofac', 'b', iso(59), iso(119))).toBe(false);
    expect(await lists.claimScheduledCheck('ofac', 'a', iso(30), iso(90))).toBe(false);
    // another source has its own schedule
    expect(await lists.claimScheduledCheck('un', 'b', iso(30), iso(90))).toBe(true);
    // due: exactly one of several claimers at the same moment wins
    const won = await Promise.all(['a', 'b', 'c', 'd'].map((by) => lists.claimScheduledCheck('ofac', by, iso(60), iso(120))));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await lists.claimScheduledCheck('ofac', 'a', iso(119), iso(179))).toBe(false);
    expect(await lists.claimScheduledCheck('ofac', 'a', iso(125), iso(185))).toBe(true);
  });

  it('two first claims at once: one wins', async () => {
    const won = await Promise.all(['a', 'b', 'c'].map((by) => store.screeningLists.claimScheduledCheck('dpl', by, iso(0), iso(60))));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a next due time that is not after the claim (bad input changes nothing)', async () => {
    await expect(store.screeningLists.claimScheduledCheck('ofac', 'a', iso(10), iso(10))).rejects.toThrow(/after/);
    expect(await store.screeningLists.claimScheduledCheck('ofac', 'a', iso(10), iso(20))).toBe(true);
  });
});
