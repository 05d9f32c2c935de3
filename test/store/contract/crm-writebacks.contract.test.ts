import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { NewCrmWriteback } from '../../../src/store/ports/crm-writebacks.port.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: CRM write-backs (migration 0024), on SQLite and PostgreSQL alike. */
describe.each(STORES)('CRM write-backs repository: $factory.name', ({ factory, run }) => {
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
  const row = (id: string, at = 0, recordId = '501', leadId = 'lead-1'): NewCrmWriteback => ({
    id,
    leadId,
    targetId: 'hubspot-main',
    recordId,
    eventId: `evt-${id}`,
    updateJson: JSON.stringify({ ownerId: id }),
    createdAt: iso(at),
  });

  it('add → PENDING; claim leases by compare-and-set so a second claim gets nothing; sent once', async () => {
    await store.crmWritebacks.add(row('c1'));
    await store.crmWritebacks.add(row('c2', 5, '502'));
    expect(await store.crmWritebacks.get('c1')).toMatchObject({
      status: 'PENDING',
      attempts: 0,
      nextAttemptAt: iso(0),
      lastError: null,
      sentAt: null,
      supersededBy: null,
      updateJson: '{"ownerId":"c1"}',
    });
    const [a, b] = await Promise.all([
      store.crmWritebacks.claimDue(iso(1), 10, iso(60)),
      store.crmWritebacks.claimDue(iso(1), 10, iso(60)),
    ]);
    expect([...a, ...b].map((r) => r.id)).toEqual(['c1']);
    expect(await store.crmWritebacks.claimDue(iso(30), 10, iso(90))).toMatchObject([{ id: 'c2', nextAttemptAt: iso(90) }]);
    expect(await store.crmWritebacks.markSent('c1', iso(2))).toBe(true);
    expect(await store.crmWritebacks.markSent('c1', iso(3))).toBe(false);
    expect(await store.crmWritebacks.get('c1')).toMatchObject({ status: 'SENT', attempts: 1, sentAt: iso(2) });
  });

  it('a newer row for the same record supersedes the unsent one and waits for its lease; other records are untouched', async () => {
    await store.crmWritebacks.add(row('c1'));
    await store.crmWritebacks.add(row('other', 0, '999'));
    expect(await store.crmWritebacks.claimDue(iso(1), 1, iso(120))).toMatchObject([{ id: 'c1' }]);
    await store.crmWritebacks.add(row('c2', 10));
    expect(await store.crmWritebacks.get('c1')).toMatchObject({ status: 'SUPERSEDED', supersededBy: 'c2' });
    // c1 may be on the wire until its lease ends: c2 is due only then, so it lands last.
    expect(await store.crmWritebacks.get('c2')).toMatchObject({ status: 'PENDING', nextAttemptAt: iso(120) });
    expect(await store.crmWritebacks.get('other')).toMatchObject({ status: 'PENDING' });
    // The sender of c1 finishes: the write happened, but the row is no longer PENDING.
    expect(await store.crmWritebacks.markSent('c1', iso(20))).toBe(false);
    expect(await store.crmWritebacks.markFailed('c1', { error: 'x', nextAttemptAt: null })).toBe(false);
    expect((await store.crmWritebacks.claimDue(iso(100), 10, iso(200))).map((r) => r.id)).toEqual(['other']);
    expect((await store.crmWritebacks.claimDue(iso(120), 10, iso(300))).map((r) => r.id)).toEqual(['c2']);
  });

  it('failed → backoff or DEAD; reschedule keeps attempts; redrive only from DEAD; list filters by status and lead', async () => {
    await store.crmWritebacks.add(row('c1'));
    await store.crmWritebacks.add(row('c2', 1, '502', 'lead-2'));
    expect(await store.crmWritebacks.reschedule('c1', { error: 'HTTP 429', nextAttemptAt: iso(30) })).toBe(true);
    expect(await store.crmWritebacks.get('c1')).toMatchObject({ attempts: 0, nextAttemptAt: iso(30), lastError: 'HTTP 429' });
    expect(await store.crmWritebacks.markFailed('c1', { error: 'attempt 1: HTTP 503', nextAttemptAt: iso(60) })).toBe(true);
    expect(await store.crmWritebacks.get('c1')).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: iso(60) });
    expect(await store.crmWritebacks.redrive('c1', iso(61))).toBe(false);
    expect(await store.crmWritebacks.markFailed('c1', { error: 'attempt 2: HTTP 400', nextAttemptAt: null })).toBe(true);
    expect(await store.crmWritebacks.list({ status: 'DEAD', limit: 10 })).toMatchObject([
      { id: 'c1', attempts: 2, lastError: 'attempt 2: HTTP 400' },
    ]);
    expect((await store.crmWritebacks.list({ leadId: 'lead-2', limit: 10 })).map((r) => r.id)).toEqual(['c2']);
    expect(await store.crmWritebacks.redrive('c1', iso(70))).toBe(true);
    expect(await store.crmWritebacks.get('c1')).toMatchObject({ status: 'PENDING', attempts: 2, nextAttemptAt: iso(70) });
  });

  it("leadForRecord: the latest row's lead for the record under the given targets, in any status; else undefined", async () => {
    await store.crmWritebacks.add(row('c1', 0, '501', 'lead-old'));
    await store.crmWritebacks.add(row('c2', 10, '501', 'lead-new')); // supersedes c1
    await store.crmWritebacks.add({ ...row('c3', 20, '501', 'lead-elsewhere'), targetId: 'sfdc-prod' });
    expect(await store.crmWritebacks.leadForRecord(['hubspot-main'], '501')).toBe('lead-new');
    expect(await store.crmWritebacks.leadForRecord(['hubspot-main', 'sfdc-prod'], '501')).toBe('lead-elsewhere');
    expect(await store.crmWritebacks.leadForRecord(['sfdc-prod'], '502')).toBeUndefined();
    expect(await store.crmWritebacks.leadForRecord([], '501')).toBeUndefined();
    expect(await store.crmWritebacks.leadForRecord(['hubspot-main'], '')).toBeUndefined();
  });

  it('refuses bad input with StoreInputError and writes nothing', async () => {
    await expect(store.crmWritebacks.add({ ...row('c1'), updateJson: '{not json' })).rejects.toThrow(StoreInputError);
    await expect(store.crmWritebacks.add({ ...row('c1'), recordId: '' })).rejects.toThrow(StoreInputError);
    await expect(store.crmWritebacks.add({ ...row('c1'), createdAt: 'yesterday' })).rejects.toThrow(StoreInputError);
    await expect(store.crmWritebacks.list({ status: 'LOST' as never, limit: 10 })).rejects.toThrow(StoreInputError);
    await expect(store.crmWritebacks.reschedule('c1', { error: 'x', nextAttemptAt: 'soon' })).rejects.toThrow(StoreInputError);
    expect(await store.crmWritebacks.list({ limit: 10 })).toEqual([]);
  });
});
