import { mkdtemp } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { remit } from '../support/remit-cli.ts';
import { hashSecret } from '../../src/app/access/api-keys.ts';
import { openStore } from '../../src/store/open-store.ts';

let db = '';

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ url: db });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const errorOf = (stderr: string) => JSON.parse(stderr.trim().split('\n').at(-1)!) as { code: string; details: { path: string }[] };

beforeAll(async () => {
  db = `sqlite:${join(await mkdtemp(join(tmpdir(), 'remit-users-')), 'remit.sqlite')}`;
});

describe('remit users (docs/access.md)', { timeout: 120_000 }, () => {
  let ada = '';

  it('create: a person with repeated --role, audited as the operating-system account; a taken e-mail is a conflict', async () => {
    const r = await remit(
      'users',
      'create',
      '--name',
      'Ada Lovelace',
      '--email',
      'Ada@Bank.example',
      '--role',
      'compliance',
      '--role',
      'ops',
      '--db',
      db,
    );
    expect(r.code, r.stderr).toBe(0);
    const created = JSON.parse(r.stdout);
    expect(created).toMatchObject({ name: 'Ada Lovelace', email: 'ada@bank.example', status: 'active', roles: ['compliance', 'ops'] });
    expect(created.createdBy).toBe(`cli:${userInfo().username}`);
    expect(JSON.stringify(created)).not.toContain('password');
    ada = created.id;
    const again = await remit('users', 'create', '--name', 'Someone', '--email', 'ada@bank.example', '--role', 'ops', '--db', db);
    expect([again.code, errorOf(again.stderr).code]).toEqual([2, 'CONFLICT']);
  });

  it('create: bad arguments are field errors and create nobody', async () => {
    const badRole = await remit('users', 'create', '--name', 'X', '--email', 'x@bank.example', '--role', 'superuser', '--db', db);
    expect([badRole.code, errorOf(badRole.stderr).details[0]!.path]).toEqual([2, '--role']);
    const badEmail = await remit('users', 'create', '--name', 'X', '--email', 'not-an-address', '--role', 'ops', '--db', db);
    expect([badEmail.code, errorOf(badEmail.stderr).details[0]!.path]).toEqual([2, '--email']);
    const repWithout = await remit('users', 'create', '--name', 'X', '--email', 'x@bank.example', '--role', 'rep', '--db', db);
    expect([repWithout.code, errorOf(repWithout.stderr).code]).toEqual([2, 'ARGUMENT_INVALID']);
    const listed = JSON.parse((await remit('users', 'list', '--db', db)).stdout) as { email: string }[];
    expect(listed.map((u) => u.email)).toEqual(['ada@bank.example']);
  });

  it('link: prints a one-time welcome link whose token (only its hash is stored) works once', async () => {
    const r = await remit('users', 'link', ada, '--base-url', 'https://remit.bank.example/', '--db', db);
    expect(r.code, r.stderr).toBe(0);
    const link = JSON.parse(r.stdout);
    expect(link).toMatchObject({ userId: ada, purpose: 'welcome' });
    expect(link.url).toMatch(/^https:\/\/remit\.bank\.example\/welcome#token=[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(71 * 3_600_000);
    const token = new URL(link.url).hash.slice('#token='.length);
    await withStore(async (store) => {
      const now = new Date().toISOString();
      expect(await store.signInLinks.consume(hashSecret(token), now)).toMatchObject({ userId: ada, purpose: 'welcome' });
      expect(await store.signInLinks.consume(hashSecret(token), now)).toBeUndefined();
    });
    expect((await remit('users', 'link', 'usr_nobody', '--db', db)).code).toBe(2);
    const badPurpose = await remit('users', 'link', ada, '--purpose', 'forever', '--db', db);
    expect(errorOf(badPurpose.stderr).details[0]!.path).toBe('--purpose');
  });

  it('suspend: the person is suspended, with the reason in the audit trail; a link for them is then refused', async () => {
    const r = await remit('users', 'suspend', ada, '--reason', 'left the compliance team', '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: ada, status: 'suspended', version: 2 });
    await withStore(async (store) => {
      const entries = (await store.audit.pending(1000)).map((e) => e.event).filter((e) => e.subject === `user:${ada}`);
      expect(entries.at(-1)).toMatchObject({
        actor: `cli:${userInfo().username}`,
        payload: {
          action: 'user.updated',
          reason: 'left the compliance team',
          before: { status: 'active' },
          after: { status: 'suspended' },
        },
      });
    });
    const link = await remit('users', 'link', ada, '--db', db);
    expect([link.code, errorOf(link.stderr).code]).toEqual([2, 'CONFLICT']);
    expect((await remit('users', 'suspend', 'usr_nobody', '--db', db)).code).toBe(2);
  });
});
