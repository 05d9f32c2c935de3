import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/audit/index.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: the audit inbox's multi-row append (issue 18), on SQLite and PostgreSQL alike. */
describe.each(STORES)('audit inbox appendMany: $factory.name', ({ factory, run }) => {
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

  const event = (kind: AuditEvent['kind'], n: number): AuditEvent => ({
    kind,
    subject: `lead_${n}`,
    actor: 'system',
    at: iso(n),
    payload: { n, nested: { b: 2, a: [1, 'x', null] } },
    commitments: n % 2 === 0 ? { 'contact.email': `c${n}` } : {},
  });

  it('stores every event in array order, exactly as single appends would', async () => {
    const events = [event('intake', 1), event('account_match', 2), event('screening', 3)];
    await store.transaction(async (tx) => {
      await tx.audit.append(event('intake', 0));
      await tx.audit.appendMany(events);
      await tx.audit.appendMany([]);
    });
    const pending = await store.audit.pending(10);
    expect(pending.map((p) => p.event)).toEqual([event('intake', 0), ...events]);
    const ids = pending.map((p) => p.inboxId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('one bad event refuses the whole batch: nothing is written', async () => {
    const bad = { ...event('screening', 3), at: 'yesterday' };
    await expect(store.transaction((tx) => tx.audit.appendMany([event('intake', 1), bad]))).rejects.toBeInstanceOf(StoreInputError);
    expect(await store.audit.pendingCount()).toBe(0);
  });
});
