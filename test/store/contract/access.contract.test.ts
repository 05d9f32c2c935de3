import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: access repositories (console sessions, API keys), on SQLite and PostgreSQL alike. */
describe.each(STORES)('access repositories (console sessions, API keys): $factory.name', ({ factory, run }) => {
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

  it('console sessions: create, get, delete, delete expired; hashes only', async () => {
    const h = (c: string) => c.repeat(64);
    const s1 = { idHash: h('a'), userId: 'usr_1', keyHash: h('b'), method: 'key' as const, createdAt: iso(0), expiresAt: iso(60) };
    const s2 = { idHash: h('c'), userId: 'usr_2', keyHash: null, method: 'password' as const, createdAt: iso(0), expiresAt: iso(5) };
    const s3 = { ...s2, idHash: h('e'), expiresAt: iso(60) };
    await store.sessions.create(s1);
    await store.sessions.create(s2);
    expect(await store.sessions.get(h('a'))).toEqual(s1);
    expect(await store.sessions.get(h('d'))).toBeUndefined();
    expect(await store.sessions.deleteExpired(iso(5))).toBe(1);
    expect(await store.sessions.get(h('c'))).toBeUndefined();
    expect(await store.sessions.delete(h('a'))).toBe(true);
    expect(await store.sessions.delete(h('a'))).toBe(false);
    await expect(store.sessions.create({ ...s1, idHash: 'not-a-hash' })).rejects.toThrow(StoreInputError);
    await expect(store.sessions.create({ ...s1, idHash: h('f'), method: 'magic' as never })).rejects.toThrow(/sign-in method/);
    await expect(store.sessions.create(s2)).resolves.toBeUndefined();
    await expect(store.sessions.create(s2)).rejects.toThrow(); // one row per id
    // Suspending a person ends every session of theirs, and only theirs.
    await store.sessions.create(s3);
    await store.sessions.create({ ...s1, idHash: h('9') });
    expect(await store.sessions.deleteForUser('usr_2')).toBe(2);
    expect(await store.sessions.get(h('e'))).toBeUndefined();
    expect(await store.sessions.get(h('9'))).toEqual({ ...s1, idHash: h('9') });
  });

  it('api keys: create, find by secret hash, list, revoke once', async () => {
    const hash = (c: string) => c.repeat(64);
    const admin = {
      id: 'k1',
      name: 'bootstrap',
      role: 'admin' as const,
      repId: null,
      secretHash: hash('a'),
      createdAt: iso(0),
      createdBy: 'cli',
      userId: 'usr_admin',
    };
    const rep = {
      id: 'k2',
      name: 'rep r1',
      role: 'rep' as const,
      repId: 'r1',
      secretHash: hash('b'),
      createdAt: iso(1),
      createdBy: 'usr_admin',
      userId: 'usr_rep',
    };
    await store.apiKeys.create(admin);
    await store.apiKeys.create(rep);
    expect(await store.apiKeys.findBySecretHash(hash('b'))).toEqual({ ...rep, revokedAt: null });
    expect(await store.apiKeys.findBySecretHash(hash('c'))).toBeUndefined();
    expect((await store.apiKeys.list()).map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(await store.apiKeys.revoke('k2', iso(5))).toBe(true);
    expect(await store.apiKeys.revoke('k2', iso(6))).toBe(false);
    expect(await store.apiKeys.revoke('ghost', iso(6))).toBe(false);
    // Still found by hash, so the caller can tell "revoked" from "unknown".
    expect(await store.apiKeys.findBySecretHash(hash('b'))).toEqual({ ...rep, revokedAt: iso(5) });
    await expect(store.apiKeys.create({ ...admin, id: 'k3' })).rejects.toThrow(); // secret hash is unique
    await expect(store.apiKeys.create({ ...rep, id: 'k4', secretHash: hash('d'), repId: null })).rejects.toThrow(/repId/);
    await expect(store.apiKeys.create({ ...admin, id: 'k5', secretHash: hash('e'), role: 'root' as never })).rejects.toThrow(
      /unknown role/,
    );
    await expect(store.apiKeys.create({ ...admin, id: 'k6', secretHash: 'plaintext-secret' })).rejects.toThrow(/SHA-256/);
    await expect(store.apiKeys.create({ ...admin, id: 'k7', secretHash: hash('f'), userId: '' })).rejects.toThrow(/userId/);
  });

  it('api keys: findWithOwner reads the key and its person together, as they are now', async () => {
    const hash = (c: string) => c.repeat(64);
    const key = {
      id: 'k1',
      name: 'rep key',
      role: 'rep' as const,
      repId: 'r1',
      secretHash: hash('a'),
      createdAt: iso(0),
      createdBy: 'usr_admin',
      userId: 'usr_rep',
    };
    await store.users.create({
      id: 'usr_rep',
      name: 'Rep One',
      email: 'rep.one@example.com',
      status: 'active',
      roles: ['rep'],
      repId: 'r1',
      createdAt: iso(0),
      createdBy: 'usr_admin',
    });
    await store.apiKeys.create(key);
    await store.apiKeys.create({ ...key, id: 'k2', secretHash: hash('b'), userId: 'usr_gone' });
    const owner = await store.users.get('usr_rep');
    expect(await store.apiKeys.findWithOwner(hash('a'))).toEqual({ key: { ...key, revokedAt: null }, owner });
    expect(await store.apiKeys.findWithOwner(hash('b'))).toEqual({
      key: { ...key, id: 'k2', secretHash: hash('b'), userId: 'usr_gone', revokedAt: null },
      owner: undefined,
    });
    expect(await store.apiKeys.findWithOwner(hash('c'))).toBeUndefined();
    // A change to the person or the key shows on the next read (nothing is cached).
    const suspended = await store.users.update('usr_rep', owner!.version, { status: 'suspended', roles: ['ops', 'rep'] }, iso(3));
    expect(await store.apiKeys.findWithOwner(hash('a'))).toEqual({ key: { ...key, revokedAt: null }, owner: suspended });
    expect(suspended).toMatchObject({ status: 'suspended', roles: ['ops', 'rep'] });
    await store.apiKeys.revoke('k1', iso(4));
    expect((await store.apiKeys.findWithOwner(hash('a')))?.key.revokedAt).toBe(iso(4));
  });
});
