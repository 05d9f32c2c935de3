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
  it('lockActivations serialises publishers: the second reads the activation the first committed', async () => {
    const a = storeOrg({ version: 'lock-a' });
    const b = storeOrg({ version: 'lock-b', openCaps: [3, 3, 3, 3, 3] });
    for (const o of [a, b])
      await store.orgVersions.publish({
        hash: o.hash,
        version: o.version,
        configJson: canonicalJson(o.config),
        createdAt: '2026-03-01T00:00:00.000Z',
        createdBy: 'test',
      });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const first = store.transaction(async (tx) => {
      await tx.orgVersions.lockActivations();
      locked();
      await held;
      await tx.orgVersions.activate({ hash: a.hash, activatedAt: '2026-03-01T00:00:01.000Z', activatedBy: 'first' });
    });
    await isLocked;
    const second = store.transaction(async (tx) => {
      await tx.orgVersions.lockActivations();
      const seen = (await tx.orgVersions.current())?.hash;
      await tx.orgVersions.activate({ hash: b.hash, activatedAt: '2026-03-01T00:00:02.000Z', activatedBy: 'second' });
      return seen;
    });
    await new Promise((r) => setTimeout(r, 150));
    release();
    await first;
    expect(await second).toBe(a.hash);
    expect((await store.orgVersions.activations()).map((x) => x.activatedBy).slice(-2)).toEqual(['first', 'second']);
  });
});
