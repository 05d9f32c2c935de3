import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReassignmentCounts } from '../../../src/store/ports/reassignments.port.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: bulk reassignments and their items (migration 0016), on SQLite and PostgreSQL alike. */
describe.each(STORES)('reassignments repository: $factory.name', ({ factory, run }) => {
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

  const start = {
    id: 'rea-1',
    fromRep: 'rep-a',
    requestedBy: 'usr-ops',
    reason: 'left the firm',
    orgHash: 'sha256:org',
    startedAt: iso(0),
  };
  const item = (seq: number, leadId: string, outcome: string, toRep: string | null) => ({
    reassignmentId: 'rea-1',
    seq,
    leadId,
    fromRep: 'rep-a',
    toRep,
    toTeam: toRep ? 'team-1' : null,
    outcome,
    decisionId: outcome === 'SKIPPED' ? null : `dec-${seq}`,
    reasonCodes: outcome === 'SKIPPED' ? ['lead is CLOSED with rep-a'] : [outcome],
    at: iso(seq),
  });

  it('starts running with zero counts, keeps items in order, finishes once with its counts', async () => {
    await store.transaction(async (tx) => tx.reassignments.start(start));
    expect(await store.reassignments.get('rea-1')).toEqual({
      ...start,
      status: 'running',
      finishedAt: null,
      counts: { leads: 0, assigned: 0, queued: 0, refused: 0, held: 0, nurture: 0, skipped: 0 },
    });
    const items = [item(2, 'lead-b', 'QUEUED', null), item(1, 'lead-a', 'ASSIGNED', 'rep-b'), item(3, 'lead-c', 'SKIPPED', null)];
    await store.transaction(async (tx) => {
      for (const i of items) await tx.reassignments.addItem(i);
    });
    expect(await store.reassignments.items('rea-1')).toEqual([items[1], items[0], items[2]]);
    expect(await store.reassignments.items('rea-none')).toEqual([]);
    const counts: ReassignmentCounts = { leads: 3, assigned: 1, queued: 1, refused: 0, held: 0, nurture: 0, skipped: 1 };
    expect(await store.reassignments.finish('rea-1', iso(9), counts)).toBe(true);
    expect(await store.reassignments.finish('rea-1', iso(10), counts)).toBe(false);
    expect(await store.reassignments.get('rea-1')).toMatchObject({ status: 'finished', finishedAt: iso(9), counts });
    expect(await store.reassignments.get('rea-none')).toBeUndefined();
  });

  it('refuses bad input and a second item at the same position; a rolled-back batch leaves no items', async () => {
    await store.reassignments.start(start);
    await expect(store.reassignments.addItem(item(0, 'lead-a', 'ASSIGNED', 'rep-b'))).rejects.toThrow(StoreInputError);
    await expect(
      store.reassignments.finish('rea-1', iso(1), { leads: -1, assigned: 0, queued: 0, refused: 0, held: 0, nurture: 0, skipped: 0 }),
    ).rejects.toThrow(StoreInputError);
    await store.reassignments.addItem(item(1, 'lead-a', 'ASSIGNED', 'rep-b'));
    await expect(store.reassignments.addItem(item(1, 'lead-z', 'ASSIGNED', 'rep-b'))).rejects.toThrow();
    await expect(
      store.transaction(async (tx) => {
        await tx.reassignments.addItem(item(2, 'lead-b', 'QUEUED', null));
        throw new Error('batch failed');
      }),
    ).rejects.toThrow('batch failed');
    expect((await store.reassignments.items('rea-1')).map((i) => i.leadId)).toEqual(['lead-a']);
    expect(await store.reassignments.get('rea-1')).toMatchObject({ status: 'running' });
  });
});
