import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { ALL_MIGRATIONS, STORES, iso, olderDatabase, storeReachable } from './contract-support.ts';

/**
 * Migration 0037 on a database of the previous release: before it the key lookup has no api_keys counter and reads the
 * store every time (a revocation is seen at once); after it the counter exists and moves with every change, so a key
 * revoked through another instance is refused at the next lookup.
 */
describe.each(STORES)('migration 0037 (api key generations): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  const revokedAt = async (store: Pick<Store, 'apiKeys'>, c: string) => (await store.apiKeys.findWithOwner(c.repeat(64)))?.key.revokedAt;
  const key = (id: string, c: string) => ({
    id,
    name: id,
    role: 'ops' as const,
    repId: null,
    secretHash: c.repeat(64),
    createdAt: iso(0),
    createdBy: 'usr_root',
    userId: 'usr_ops',
  });

  it('keys are found and revocations seen before and after the upgrade, across two instances', async () => {
    const db = await olderDatabase(
      factory.name,
      MIGRATIONS.filter((m) => m.version < 37),
    );
    try {
      const old = await db.open(false);
      await old.users.create({
        id: 'usr_ops',
        name: 'ops',
        email: null,
        status: 'active',
        roles: ['ops'],
        repId: null,
        createdAt: iso(0),
        createdBy: 'usr_root',
      });
      await old.apiKeys.create(key('key_1', 'a'));
      await old.apiKeys.create(key('key_2', 'b'));
      expect(await revokedAt(old.requestReads(), 'a')).toBeNull();
      await old.apiKeys.revoke('key_1', iso(1));
      expect(await revokedAt(old.requestReads(), 'a')).toBe(iso(1));
      await old.close();

      const a = await db.open(true);
      const b = await db.open(false);
      try {
        expect(await a.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        expect(await revokedAt(a.requestReads(), 'a')).toBe(iso(1));
        expect(await revokedAt(a.requestReads(), 'b')).toBeNull();
        await b.apiKeys.revoke('key_2', iso(2));
        expect(await revokedAt(a.requestReads(), 'b')).toBe(iso(2));
      } finally {
        await b.close();
        await a.close();
      }
    } finally {
      await db.drop();
    }
  });
});
