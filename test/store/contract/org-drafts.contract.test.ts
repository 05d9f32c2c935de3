import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgDraftRecord } from '../../../src/store/ports/org-drafts.port.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

const draft = (id: string, at: number, over: Partial<OrgDraftRecord> = {}): OrgDraftRecord => ({
  id,
  status: 'pending_approval',
  classification: 'sensitive',
  requestedBy: 'usr-maker',
  requestedAt: iso(at),
  reason: null,
  baseHash: 'sha256:base',
  draftHash: `sha256:${id}`,
  version: 'v2',
  configJson: '{"version":"v2"}',
  diffJson: '{"entities":{}}',
  simulationJson: '{"replayed":0}',
  decidedBy: null,
  decidedAt: null,
  decisionReason: null,
  ...over,
});

/** Storage contract: draft org versions under maker-checker (migration 0010), on SQLite and PostgreSQL alike. */
describe.each(STORES)('org drafts repository: $factory.name', ({ factory, run }) => {
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

  it('stores a draft byte for byte, lists newest first with a status filter, and decides it exactly once', async () => {
    const a = draft('odr-a', 0, { reason: 'grant withdrawn' });
    const b = draft('odr-b', 5, { status: 'published', classification: 'roster-only', decidedBy: 'usr-maker', decidedAt: iso(5) });
    await store.orgDrafts.add(a);
    await store.orgDrafts.add(b);
    expect(await store.orgDrafts.get('odr-a')).toEqual(a);
    expect(await store.orgDrafts.get('odr-none')).toBeUndefined();
    expect((await store.orgDrafts.list({ limit: 10 })).map((d) => d.id)).toEqual(['odr-b', 'odr-a']);
    expect((await store.orgDrafts.list({ status: 'pending_approval', limit: 10 })).map((d) => d.id)).toEqual(['odr-a']);
    expect(await store.orgDrafts.list({ limit: 1 })).toHaveLength(1);

    const decision = { status: 'published' as const, by: 'usr-checker', at: iso(9), reason: null };
    expect(await store.orgDrafts.decide('odr-a', decision)).toBe(true);
    expect(await store.orgDrafts.decide('odr-a', { ...decision, status: 'rejected', reason: 'late' })).toBe(false);
    expect(await store.orgDrafts.decide('odr-b', decision)).toBe(false);
    expect(await store.orgDrafts.get('odr-a')).toEqual({ ...a, status: 'published', decidedBy: 'usr-checker', decidedAt: iso(9) });
  });

  it('refuses bad input and a duplicate id, changing nothing', async () => {
    await store.orgDrafts.add(draft('odr-a', 0));
    await expect(store.orgDrafts.add(draft('odr-a', 1))).rejects.toThrow();
    await expect(store.orgDrafts.add(draft('odr-x', 0, { diffJson: '{not json' }))).rejects.toThrow(StoreInputError);
    await expect(store.orgDrafts.add(draft('odr-y', 0, { requestedAt: 'yesterday' }))).rejects.toThrow(StoreInputError);
    await expect(store.orgDrafts.add(draft('odr-z', 0, { status: 'approved' as never }))).rejects.toThrow();
    await expect(
      store.orgDrafts.decide('odr-a', { status: 'pending_approval' as never, by: 'usr-c', at: iso(1), reason: null }),
    ).rejects.toThrow(StoreInputError);
    expect((await store.orgDrafts.list({ limit: 10 })).map((d) => d.id)).toEqual(['odr-a']);
    expect((await store.orgDrafts.get('odr-a'))?.status).toBe('pending_approval');
  });
});
