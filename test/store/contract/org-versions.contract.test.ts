import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/domain/shared/canonical-json.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { storeOrg } from '../fixtures/org.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, storeReachable } from './contract-support.ts';

/** Storage contract: org versions repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('org versions repository: $factory.name', ({ factory, run }) => {
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

  it('org versions are immutable: publishing the same hash again is a no-op returning the original', async () => {
    const org = storeOrg();
    const rec = {
      hash: org.hash,
      version: org.version,
      configJson: canonicalJson(org.config),
      createdAt: '2026-03-01T00:00:00.000Z',
      createdBy: 'alice',
    };
    const first = await store.orgVersions.publish(rec);
    expect(first).toEqual({ record: rec, created: true });
    const second = await store.orgVersions.publish({
      ...rec,
      version: 'renamed',
      configJson: '{"tampered":true}',
      createdBy: 'mallory',
      createdAt: '2026-03-05T00:00:00.000Z',
    });
    expect(second).toEqual({ record: rec, created: false });
    expect(await store.orgVersions.getByHash(org.hash)).toEqual(rec);
    expect(await store.orgVersions.getByVersion(org.version)).toEqual(rec);
    expect(await store.orgVersions.getByVersion('renamed')).toBeUndefined();
    expect(await store.orgVersions.getByHash('sha256:nope')).toBeUndefined();

    const org2 = storeOrg({ version: 'store-test-2', openCaps: [1, 1, 1, 1, 1] });
    await store.orgVersions.publish({
      ...rec,
      hash: org2.hash,
      version: org2.version,
      configJson: canonicalJson(org2.config),
      createdAt: '2026-03-02T00:00:00.000Z',
    });
    expect((await store.orgVersions.list()).map((v) => v.version)).toEqual(['store-test-1', 'store-test-2']);
    // A label may be re-used with new content; the label then names the newest.
    const org3 = storeOrg({ version: 'store-test-2', openCaps: [2, 2, 2, 2, 2] });
    await store.orgVersions.publish({
      ...rec,
      hash: org3.hash,
      version: org3.version,
      configJson: canonicalJson(org3.config),
      createdAt: '2026-03-03T00:00:00.000Z',
    });
    expect((await store.orgVersions.getByVersion('store-test-2'))?.hash).toBe(org3.hash);

    // No update path in the port, and the database itself refuses one.
    expect(Object.keys(store.orgVersions).sort()).toEqual([
      'activate',
      'activations',
      'current',
      'getByHash',
      'getByVersion',
      'list',
      'lockActivations',
      'publish',
    ]);
    await expect(h.rawExec(`update org_versions set created_by = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from org_versions`)).rejects.toThrow(/append-only/);
    expect(await store.orgVersions.getByHash(org.hash)).toEqual(rec);
  });

  it('activations keep who and why; the history is append-only; lockActivations makes compare-and-set safe', async () => {
    const org = storeOrg();
    const org2 = storeOrg({ version: 'store-test-2', openCaps: [2, 2, 2, 2, 2] });
    for (const [o, at] of [
      [org, '2026-03-01T00:00:00.000Z'],
      [org2, '2026-03-02T00:00:00.000Z'],
    ] as const)
      await store.orgVersions.publish({
        hash: o.hash,
        version: o.version,
        configJson: canonicalJson(o.config),
        createdAt: at,
        createdBy: 'alice',
      });
    await store.orgVersions.activate({ hash: org.hash, activatedAt: '2026-03-01T00:00:00.000Z', activatedBy: 'alice' });
    await store.orgVersions.activate({
      hash: org2.hash,
      activatedAt: '2026-03-02T00:00:00.000Z',
      activatedBy: 'bob',
      reason: 'pause amelia',
    });
    expect(await store.orgVersions.activations()).toEqual([
      { hash: org.hash, activatedAt: '2026-03-01T00:00:00.000Z', activatedBy: 'alice', reason: null },
      { hash: org2.hash, activatedAt: '2026-03-02T00:00:00.000Z', activatedBy: 'bob', reason: 'pause amelia' },
    ]);
    expect((await store.orgVersions.current())?.reason).toBe('pause amelia');
    await expect(h.rawExec(`update org_activations set reason = 'rewritten'`)).rejects.toThrow(/append-only/);

    // Two transactions that both read org2 in force and both try to activate on top of it: exactly one does.
    const other = await h.reopen();
    const casActivate = (s: Store, by: string) =>
      s.transaction(async (tx) => {
        await tx.orgVersions.lockActivations();
        if ((await tx.orgVersions.current())?.hash !== org2.hash) return false;
        await new Promise((r) => setTimeout(r, 50));
        await tx.orgVersions.activate({ hash: org.hash, activatedAt: '2026-03-03T00:00:00.000Z', activatedBy: by, reason: by });
        return true;
      });
    const results = await Promise.all([casActivate(store, 'carol'), casActivate(other, 'dave')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.orgVersions.activations()).toHaveLength(3);
  });
});
