import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/** Storage contract: people, role grants, sign-in links and OIDC login states, on SQLite and PostgreSQL alike. */
describe.each(STORES)('people repositories: $factory.name', ({ factory, run }) => {
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

  const ada = {
    id: 'usr_ada',
    name: 'Ada',
    email: 'ada@bank.example',
    status: 'active' as const,
    roles: ['compliance' as const],
    repId: null,
    createdAt: iso(0),
    createdBy: 'usr_root',
  };

  it('create, find by id/e-mail/OIDC identity; a taken e-mail or identity writes nothing', async () => {
    expect(await store.users.create(ada, { issuer: 'https://idp', subject: 's1' })).toBe(true);
    expect(await store.users.get('usr_ada')).toEqual({ ...ada, updatedAt: iso(0), version: 1 });
    expect((await store.users.findByEmail('ADA@bank.example'))?.id).toBe('usr_ada');
    expect((await store.users.findByOidc({ issuer: 'https://idp', subject: 's1' }))?.id).toBe('usr_ada');
    expect(await store.users.findByOidc({ issuer: 'https://other', subject: 's1' })).toBeUndefined();
    expect(await store.users.create({ ...ada, id: 'usr_twin' })).toBe(false);
    expect(await store.users.create({ ...ada, id: 'usr_twin', email: 'twin@bank.example' }, { issuer: 'https://idp', subject: 's1' })).toBe(
      false,
    );
    expect(await store.users.get('usr_twin')).toBeUndefined();
    // People adopted from old keys have no e-mail; several may coexist.
    expect(await store.users.create({ ...ada, id: 'usr_k1', email: null })).toBe(true);
    expect(await store.users.create({ ...ada, id: 'usr_k2', email: null })).toBe(true);
    expect((await store.users.list()).map((u) => u.id)).toEqual(['usr_ada', 'usr_k1', 'usr_k2']);
    await expect(store.users.create({ ...ada, id: 'usr_x', email: 'Upper@Case' })).rejects.toThrow(StoreInputError);
    await expect(store.users.create({ ...ada, id: 'usr_y', email: 'y@b.example', roles: ['root' as never] })).rejects.toThrow(/roles/);
    await expect(store.users.create({ ...ada, id: 'usr_z', email: 'z@b.example', status: 'gone' as never })).rejects.toThrow(/status/);
  });

  it('update is optimistic: the version read must still be current', async () => {
    await store.users.create(ada);
    const updated = await store.users.update('usr_ada', 1, { status: 'suspended', roles: ['compliance', 'ops'] }, iso(5));
    expect(updated).toMatchObject({ status: 'suspended', roles: ['compliance', 'ops'], version: 2, updatedAt: iso(5) });
    expect(await store.users.update('usr_ada', 1, { name: 'Stale' }, iso(6))).toBe('conflict');
    expect(await store.users.update('usr_ghost', 1, { name: 'x' }, iso(6))).toBe('not_found');
    expect((await store.users.get('usr_ada'))?.name).toBe('Ada');
  });

  it('role grants keep their history; credentials count failures and lock', async () => {
    await store.users.create(ada);
    await store.users.grantRole({ id: 'g1', userId: 'usr_ada', role: 'compliance', grantedAt: iso(0), grantedBy: 'usr_root' });
    await store.users.grantRole({ id: 'g2', userId: 'usr_ada', role: 'ops', grantedAt: iso(1), grantedBy: 'usr_b' });
    await store.users.revokeRole('usr_ada', 'ops', iso(2), 'usr_c');
    expect(await store.users.grants('usr_ada')).toEqual([
      { id: 'g1', userId: 'usr_ada', role: 'compliance', grantedAt: iso(0), grantedBy: 'usr_root', revokedAt: null, revokedBy: null },
      { id: 'g2', userId: 'usr_ada', role: 'ops', grantedAt: iso(1), grantedBy: 'usr_b', revokedAt: iso(2), revokedBy: 'usr_c' },
    ]);
    expect(await store.users.credentials('usr_ada')).toEqual({
      passwordHash: null,
      totpSecret: null,
      totpEnabled: false,
      failedSignIns: 0,
      lockedUntil: null,
      totpLastStep: null,
    });
    expect(await store.users.recordFailedSignIn('usr_ada', null)).toBe(1);
    expect(await store.users.recordFailedSignIn('usr_ada', iso(60))).toBe(2);
    expect(await store.users.credentials('usr_ada')).toMatchObject({ failedSignIns: 2, lockedUntil: iso(60) });
    await store.users.setPassword('usr_ada', 'scrypt$x');
    expect(await store.users.credentials('usr_ada')).toMatchObject({ passwordHash: 'scrypt$x', failedSignIns: 0, lockedUntil: null });
    await store.users.setTotp('usr_ada', 'SECRET', true);
    expect(await store.users.credentials('usr_ada')).toMatchObject({ totpSecret: 'SECRET', totpEnabled: true });
    // Listing people never carries credentials.
    expect(Object.keys((await store.users.list())[0]!)).not.toContain('passwordHash');
  });

  it('a TOTP step is accepted once and never an earlier one; a new secret starts a new history', async () => {
    await store.users.create(ada);
    await store.users.setTotp('usr_ada', 'SECRET', true);
    expect(await store.users.acceptTotpStep('usr_ada', 100)).toBe(true);
    expect(await store.users.acceptTotpStep('usr_ada', 100)).toBe(false);
    expect(await store.users.acceptTotpStep('usr_ada', 99)).toBe(false);
    expect(await store.users.credentials('usr_ada')).toMatchObject({ totpLastStep: 100 });
    expect(await store.users.acceptTotpStep('usr_ada', 101)).toBe(true);
    expect(await store.users.acceptTotpStep('usr_nobody', 102)).toBe(false);
    await expect(store.users.acceptTotpStep('usr_ada', -1)).rejects.toThrow(StoreInputError);
    await store.users.setTotp('usr_ada', 'OTHER', false);
    expect(await store.users.credentials('usr_ada')).toMatchObject({ totpSecret: 'OTHER', totpEnabled: false, totpLastStep: null });
    expect(await store.users.acceptTotpStep('usr_ada', 50)).toBe(true);
  });

  it('sign-in links work once and not after expiry; OIDC states are taken once', async () => {
    await store.users.create(ada);
    const link = {
      tokenHash: 'a'.repeat(64),
      userId: 'usr_ada',
      purpose: 'welcome' as const,
      createdAt: iso(0),
      createdBy: 'x',
      expiresAt: iso(10),
    };
    await store.signInLinks.create(link);
    await store.signInLinks.create({ ...link, tokenHash: 'b'.repeat(64) });
    expect(await store.signInLinks.consume('a'.repeat(64), iso(1))).toEqual(link);
    expect(await store.signInLinks.consume('a'.repeat(64), iso(2))).toBeUndefined();
    expect(await store.signInLinks.consume('b'.repeat(64), iso(10))).toBeUndefined();
    const login = { stateHash: 's1', codeVerifier: 'v', nonce: 'n', returnTo: '/console/', createdAt: iso(0), expiresAt: iso(10) };
    await store.oidcLogins.create(login);
    await store.oidcLogins.create({ ...login, stateHash: 's2' });
    expect(await store.oidcLogins.take('s1', iso(1))).toEqual(login);
    expect(await store.oidcLogins.take('s1', iso(1))).toBeUndefined();
    expect(await store.oidcLogins.take('s2', iso(10))).toBeUndefined();
  });
});
