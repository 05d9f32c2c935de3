import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPEN_LEAD_STATUSES } from '../../../src/domain/lead/lead-status.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, deferred, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: dedupe repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('dedupe repository: $factory.name', ({ factory, run }) => {
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
  const { seedOrg, seedLead, rawQuery, untilQueuedOn } = serviceSeeds(factory, () => h);

  /** findOpenAndLatest, checked against findOpen and findLatest asked separately (in a transaction, as the intake asks). */
  async function openAndLatest(keys: readonly string[], contact: readonly string[], statuses = OPEN_LEAD_STATUSES) {
    const separately = {
      open: await store.dedupe.findOpen(keys, statuses),
      latest: await store.dedupe.findLatest(contact),
    };
    const together = await store.transaction((tx) => tx.dedupe.findOpenAndLatest(keys, statuses, contact));
    expect(together).toEqual(separately);
    return together;
  }

  it('dedupe: finds the oldest open lead holding any key, with the matched key; removeForLead forgets a lead', async () => {
    await seedOrg();
    await seedLead(store, 'closed', { at: 0, status: 'CLOSED' });
    await seedLead(store, 'dup', { at: 1, status: 'DUPLICATE', duplicateOf: 'closed' });
    await seedLead(store, 'older', { at: 2, status: 'HELD' });
    await seedLead(store, 'newer', { at: 3, status: 'ASSIGNED' });
    await store.dedupe.add('closed', ['email:ann@x.com', 'phone:+4420']);
    await store.dedupe.add('dup', ['email:ann@x.com']);
    await store.dedupe.add('newer', ['email:ann@x.com', 'phone:+4420', 'phone:+4420']);
    await store.dedupe.add('older', ['phone:+4420', 'name_company:ann lee|acme']);
    await store.dedupe.add('older', ['phone:+4420']); // adding again is a no-op

    expect(await store.dedupe.findOpen(['email:nobody@x.com'], OPEN_LEAD_STATUSES)).toBeUndefined();
    expect(await store.dedupe.findOpen([], OPEN_LEAD_STATUSES)).toBeUndefined();
    expect(await store.dedupe.findOpen(['email:ann@x.com'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'newer', key: 'email:ann@x.com' });
    expect(await store.dedupe.findOpen(['email:ann@x.com', 'phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({
      leadId: 'older',
      key: 'phone:+4420',
    });
    // The key reported is the first of the caller's keys the lead holds.
    expect(await store.dedupe.findOpen(['name_company:ann lee|acme', 'phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({
      leadId: 'older',
      key: 'name_company:ann lee|acme',
    });
    // Statuses decide what counts as open.
    expect(await store.dedupe.findOpen(['email:ann@x.com'], ['CLOSED'])).toEqual({ leadId: 'closed', key: 'email:ann@x.com' });
    // Both questions in one read: the oldest open lead of all keys, the most recent lead (any status) of the contact keys.
    expect(
      await openAndLatest(['email:ann@x.com', 'name_company:ann lee|acme', 'phone:+4420'], ['email:ann@x.com', 'phone:+4420']),
    ).toEqual({
      open: { leadId: 'older', key: 'name_company:ann lee|acme' },
      latest: { leadId: 'newer', key: 'email:ann@x.com', repId: null },
    });
    expect(await openAndLatest(['name_company:ann lee|acme'], ['email:ann@x.com'])).toEqual({
      open: { leadId: 'older', key: 'name_company:ann lee|acme' },
      latest: { leadId: 'newer', key: 'email:ann@x.com', repId: null },
    });
    expect((await openAndLatest(['email:ann@x.com'], ['email:ann@x.com'], ['CLOSED'])).open).toEqual({
      leadId: 'closed',
      key: 'email:ann@x.com',
    });
    expect(await openAndLatest(['email:nobody@x.com'], ['email:nobody@x.com'])).toEqual({ open: undefined, latest: undefined });
    // The open lead is found by `keys` only, the latest by the contact keys only.
    expect(await openAndLatest(['email:ann@x.com'], ['phone:+4420'])).toEqual({
      open: { leadId: 'newer', key: 'email:ann@x.com' },
      latest: { leadId: 'newer', key: 'phone:+4420', repId: null },
    });
    expect((await openAndLatest([], ['phone:+4420'])).latest).toEqual({ leadId: 'newer', key: 'phone:+4420', repId: null });
    expect((await openAndLatest(['phone:+4420'], [])).open).toEqual({ leadId: 'older', key: 'phone:+4420' });
    await expect(store.dedupe.findOpenAndLatest(['email:ann@x.com'], OPEN_LEAD_STATUSES, [''])).rejects.toThrow(StoreInputError);

    await store.dedupe.removeForLead('older');
    expect(await store.dedupe.findOpen(['phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'newer', key: 'phone:+4420' });
    expect(await rawQuery(`select * from dedupe_keys where lead_id = 'older'`)).toEqual([]);
    await store.transaction(async (tx) => {
      await tx.dedupe.lockKeys(['phone:+4420', 'email:ann@x.com', 'phone:+4420']);
      await tx.dedupe.lockKeys([]);
    });
    // Lock anchors hold no personal data.
    expect(JSON.stringify(await rawQuery(`select * from dedupe_locks`))).not.toMatch(/ann|4420/);
    await expect(store.dedupe.add('ghost', ['email:g@x.com'])).rejects.toThrow(); // foreign key
    await expect(store.dedupe.add('newer', [''])).rejects.toThrow(StoreInputError);
  });

  it('dedupe: the same answers when a key is shared by many leads (more than SQLite picks in memory) and on ties', async () => {
    await seedOrg();
    // 70 leads share a phone; two at each minute (ties go by id, not by insertion order), every third but the first is
    // closed, and the four newest.
    const ids = Array.from({ length: 70 }, (_, i) => `m${String(69 - i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      const status = (i % 3 === 0 && i > 0) || i >= 66 ? 'CLOSED' : 'ASSIGNED';
      await seedLead(store, id, { at: 10 + Math.floor(i / 2), status, repId: `r-${id}` });
      await store.dedupe.add(id, i === 1 ? ['phone:+44shared', 'email:m68@x.com'] : ['phone:+44shared']);
    }
    // Oldest open: minute 10 holds m69 (inserted first) and m68, both open: m68. Latest: minute 44 holds m01 and m00: m01.
    const many = async () => ({
      open: await store.dedupe.findOpen(['email:m68@x.com', 'phone:+44shared'], OPEN_LEAD_STATUSES),
      latest: await store.dedupe.findLatest(['email:m68@x.com', 'phone:+44shared']),
    });
    const expected = {
      open: { leadId: 'm68', key: 'email:m68@x.com' },
      latest: { leadId: 'm01', key: 'phone:+44shared', repId: 'r-m01' },
    };
    expect(await many()).toEqual(expected);
    // In one read (SQLite: too many to pick in memory, the ordered read; PostgreSQL: one statement for both).
    expect(await openAndLatest(['email:m68@x.com', 'phone:+44shared'], ['email:m68@x.com', 'phone:+44shared'])).toEqual(expected);
    // The key named is the caller's first the lead holds, whichever of its rows the database returns first.
    for (const contact of [['phone:+44shared'], ['email:m68@x.com']])
      expect((await openAndLatest(['phone:+44shared', 'email:m68@x.com'], contact)).open).toEqual({
        leadId: 'm68',
        key: 'phone:+44shared',
      });
    expect((await openAndLatest(['email:m68@x.com', 'phone:+44shared'], ['phone:+44shared'])).open).toEqual({
      leadId: 'm68',
      key: 'email:m68@x.com',
    });
    expect((await openAndLatest(['phone:+44shared'], ['email:m68@x.com'])).latest).toEqual({
      leadId: 'm68',
      key: 'email:m68@x.com',
      repId: 'r-m68',
    });
    // Below the in-memory bound: the same answers.
    for (const id of ids.slice(20, 40)) await store.dedupe.removeForLead(id);
    expect(await many()).toEqual(expected);
    expect(await openAndLatest(['email:m68@x.com', 'phone:+44shared'], ['email:m68@x.com', 'phone:+44shared'])).toEqual(expected);
    // Latest among what is left: minute 19 holds m51 and m50.
    for (const id of ids.slice(40, 70)) await store.dedupe.removeForLead(id);
    expect((await many()).latest).toEqual({ leadId: 'm51', key: 'phone:+44shared', repId: 'r-m51' });
  });

  it('dedupe: findLatest finds the most recent lead in any status holding a key, with its rep (existing contacts)', async () => {
    await seedOrg();
    await seedLead(store, 'won', { at: 0, status: 'CLOSED', repId: 'r-old' });
    await seedLead(store, 'lost', { at: 5, status: 'CLOSED', repId: 'r-new' });
    await seedLead(store, 'nurture', { at: 9, status: 'NURTURE' });
    await store.dedupe.add('won', ['email:ann@x.com', 'phone:+4420']);
    await store.dedupe.add('lost', ['phone:+4420']);
    await store.dedupe.add('nurture', ['email:bob@x.com']);
    expect(await store.dedupe.findLatest([])).toBeUndefined();
    expect(await store.dedupe.findLatest(['email:nobody@x.com'])).toBeUndefined();
    expect(await store.dedupe.findLatest(['email:ann@x.com'])).toEqual({ leadId: 'won', key: 'email:ann@x.com', repId: 'r-old' });
    // The most recent lead wins, whichever key it holds; the key named is the caller's first it holds.
    expect(await store.dedupe.findLatest(['email:ann@x.com', 'phone:+4420'])).toEqual({
      leadId: 'lost',
      key: 'phone:+4420',
      repId: 'r-new',
    });
    expect(await store.dedupe.findLatest(['phone:+4420', 'email:ann@x.com'])).toEqual({
      leadId: 'lost',
      key: 'phone:+4420',
      repId: 'r-new',
    });
    expect(await store.dedupe.findLatest(['email:bob@x.com'])).toEqual({ leadId: 'nurture', key: 'email:bob@x.com', repId: null });
    await store.dedupe.removeForLead('lost');
    expect(await store.dedupe.findLatest(['phone:+4420'])).toEqual({ leadId: 'won', key: 'phone:+4420', repId: 'r-old' });
    await expect(store.dedupe.findLatest([''])).rejects.toThrow(StoreInputError);
  });

  it('dedupe: lockKeys serialises two intakes of the same person (the second sees the first as a duplicate)', async () => {
    await seedOrg();
    const keys = ['email:ann@x.com', 'phone:+4420'];
    const firstHolds = deferred();
    const intake = (id: string, at: number, hold: boolean) =>
      store.transaction(async (tx) => {
        await tx.dedupe.lockKeys(hold ? keys : [...keys].reverse());
        // The lock is held once the transaction's next statement has run (PostgreSQL sends the lock with it: sent-ahead.ts).
        const found = await tx.dedupe.findOpen(keys, OPEN_LEAD_STATUSES);
        if (hold) {
          firstHolds.resolve();
          // Hold until the second intake is queued on the dedupe lock (PostgreSQL), so that its read comes after this commit.
          await untilQueuedOn('dedupe_locks', 150);
        }
        await seedLead(tx, id, { at, ...(found ? { status: 'DUPLICATE' as const, duplicateOf: found.leadId } : {}) });
        if (!found) await tx.dedupe.add(id, keys);
        return found?.leadId ?? null;
      });
    const first = intake('I1', 0, true);
    await firstHolds.promise;
    const second = intake('I2', 1, false);
    expect(await Promise.all([first, second])).toEqual([null, 'I1']);
    expect(await store.leads.get('I2')).toMatchObject({ status: 'DUPLICATE', duplicateOf: 'I1' });
  });
});
