import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: rep presence (away / back), on SQLite and PostgreSQL alike. */
describe.each(STORES)('rep presence repository: $factory.name', ({ factory, run }) => {
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

  const away = { repId: 'amelia-hughes', status: 'away' as const, since: iso(0), until: iso(60), setBy: 'usr_amelia', reason: 'dentist' };

  it('never set → undefined; put inserts, a second put replaces; listAway lists only away reps, by rep id', async () => {
    expect(await store.repPresence.get('amelia-hughes')).toBeUndefined();
    await store.repPresence.put(away);
    await store.repPresence.put({ ...away, repId: 'priya-shah', until: null, reason: null });
    await store.repPresence.put({ ...away, repId: 'brandon-lee', status: 'available', until: null, reason: null });
    expect(await store.repPresence.get('amelia-hughes')).toEqual(away);
    expect((await store.repPresence.listAway()).map((p) => p.repId)).toEqual(['amelia-hughes', 'priya-shah']);
    expect((await store.repPresence.listAway(['priya-shah', 'brandon-lee', 'nobody'])).map((p) => p.repId)).toEqual(['priya-shah']);
    expect(await store.repPresence.listAway([])).toEqual([]);
    const back = { ...away, status: 'available' as const, since: iso(30), until: null, reason: null, setBy: 'usr_ops' };
    await store.repPresence.put(back);
    expect(await store.repPresence.get('amelia-hughes')).toEqual(back);
    expect((await store.repPresence.listAway()).map((p) => p.repId)).toEqual(['priya-shah']);
  });

  it('a put inside a rolled-back transaction leaves nothing', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.repPresence.put(away);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.repPresence.get('amelia-hughes')).toBeUndefined();
  });

  it('refuses bad records and writes nothing', async () => {
    await expect(store.repPresence.put({ ...away, status: 'gone' as never })).rejects.toThrow(StoreInputError);
    await expect(store.repPresence.put({ ...away, since: 'yesterday' })).rejects.toThrow(/since/);
    await expect(store.repPresence.put({ ...away, until: iso(0) })).rejects.toThrow(/after since/);
    await expect(store.repPresence.put({ ...away, status: 'available' })).rejects.toThrow(/only an away/);
    await expect(store.repPresence.put({ ...away, repId: '' })).rejects.toThrow(/rep id/);
    await expect(store.repPresence.put({ ...away, setBy: '' })).rejects.toThrow(/setBy/);
    expect(await store.repPresence.listAway()).toEqual([]);
  });
});
