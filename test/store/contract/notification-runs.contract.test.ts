import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: once-a-day runs and edge-triggered conditions (migration 0023), on SQLite and PostgreSQL alike. */
describe.each(STORES)('notification runs repository: $factory.name', ({ factory, run }) => {
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
  const runOf = (day: string, by = 'a') => ({ job: 'licence.expiring', day, takenAt: iso(0), takenBy: by, events: 2 });

  it('a run is taken once per (job, day); concurrent takers: exactly one wins; a rolled-back take frees it', async () => {
    const takes = await Promise.all(
      ['a', 'b', 'c'].map((by) => store.transaction((tx) => tx.notificationRuns.takeRun(runOf('2026-12-05', by)))),
    );
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(await store.notificationRuns.takeRun(runOf('2026-12-05'))).toBe(false);
    expect(await store.notificationRuns.takeRun(runOf('2026-12-06'))).toBe(true);
    expect(await store.notificationRuns.getRun('licence.expiring', '2026-12-06')).toEqual(runOf('2026-12-06'));
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.notificationRuns.takeRun(runOf('2026-12-07'))).toBe(true);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.notificationRuns.getRun('licence.expiring', '2026-12-07')).toBeUndefined();
    expect(await store.notificationRuns.takeRun(runOf('2026-12-07'))).toBe(true);
  });

  it('a condition is raised on its edge only; clearExcept clears by prefix (ids with _ and % are literal)', async () => {
    expect(await store.notificationRuns.raise('overload:rep:a_1', iso(0))).toBe(true);
    expect(await store.notificationRuns.raise('overload:rep:a_1', iso(1))).toBe(false);
    expect(await store.notificationRuns.raise('overload:rep:a%2', iso(1))).toBe(true);
    expect(await store.notificationRuns.raise('lists:ofac', iso(1))).toBe(true);
    expect(await store.notificationRuns.raised('overload:')).toEqual(['overload:rep:a%2', 'overload:rep:a_1']);
    expect(await store.notificationRuns.clearExcept('overload:rep:a_', ['overload:rep:a_1'])).toBe(0);
    expect(await store.notificationRuns.clearExcept('overload:', ['overload:rep:a_1'])).toBe(1);
    expect(await store.notificationRuns.raised('')).toEqual(['lists:ofac', 'overload:rep:a_1']);
    expect(await store.notificationRuns.clearExcept('overload:', [])).toBe(1);
    expect(await store.notificationRuns.raise('overload:rep:a_1', iso(2))).toBe(true);
    await expect(store.notificationRuns.raise('', iso(2))).rejects.toThrow();
  });
});
