import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth } from './service-harness.ts';

/**
 * The people API (docs/access.md) on SQLite and PostgreSQL: bad input answers with the field at fault and
 * changes nothing (no person, no grant, no audit entry); every change is audited with who, before and after.
 */

const dialects = await bothDialects();

describe.each(dialects)('/v1/users: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let s: AuditService;
  beforeAll(async () => {
    s = await startAuditService(factory);
  }, 60_000);
  afterAll(async () => s?.close());

  const send = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object, token = s.tokens.admin) =>
    s.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });
  /** Everything a refused request must leave alone. */
  const state = async () => ({
    users: await s.h.store.users.list(),
    keys: await s.h.store.apiKeys.list(),
    audit: (await s.h.store.audit.size()) + (await s.h.store.audit.pendingCount()),
  });
  const accessAudit = async (subject: string) =>
    (await s.h.store.audit.pending(10_000)).map((p) => p.event).filter((e) => e.kind === 'access' && e.subject === subject);
  const adminId = async () => (await send('GET', '/v1/session')).json().userId as string;

  it('an unknown person: 404 on read, change and key creation', async () => {
    const before = await state();
    expect((await send('GET', '/v1/users/usr_nobody')).statusCode).toBe(404);
    const patched = await send('PATCH', '/v1/users/usr_nobody', { version: 1, name: 'X' });
    expect(patched.statusCode).toBe(404);
    expect(patched.json().code).toBe('NOT_FOUND');
    expect((await send('POST', '/v1/users/usr_nobody/keys', { name: 'k', role: 'ops' })).statusCode).toBe(404);
    expect(await state()).toEqual(before);
  });

  it('bad input names the field and creates nothing', async () => {
    const first = await send('POST', '/v1/users', { name: 'Dana', email: 'dana@example.com', roles: ['ops'] });
    expect(first.statusCode).toBe(201);
    const before = await state();
    const cases: { body: object; status: number; code: string; path: string }[] = [
      // E-mails are compared lower-cased: the same address in other case is a duplicate.
      { body: { name: 'Dana 2', email: 'DANA@example.com', roles: ['ops'] }, status: 409, code: 'CONFLICT', path: '/body/email' },
      {
        body: { name: 'Eve', email: 'eve@example.com', roles: ['superuser'] },
        status: 400,
        code: 'ARGUMENT_INVALID',
        path: '/body/roles/0',
      },
      {
        body: { name: 'Eve', email: 'eve@example.com', roles: ['integration'] },
        status: 400,
        code: 'ARGUMENT_INVALID',
        path: '/body/roles/0',
      },
      { body: { name: 'Eve', email: 'not-an-email', roles: ['ops'] }, status: 400, code: 'ARGUMENT_INVALID', path: '/body/email' },
      { body: { name: 'Eve', email: 'eve@example.com', roles: [] }, status: 400, code: 'ARGUMENT_INVALID', path: '/body/roles' },
      { body: { name: 'Rep', email: 'rep@example.com', roles: ['rep'] }, status: 400, code: 'ARGUMENT_INVALID', path: '/body/repId' },
      {
        body: { name: 'Rep', email: 'rep@example.com', roles: ['rep'], repId: 'no-such-rep' },
        status: 400,
        code: 'ARGUMENT_INVALID',
        path: '/body/repId',
      },
      {
        body: { name: 'Eve', email: 'eve@example.com', roles: ['ops'], admin: true },
        status: 400,
        code: 'ARGUMENT_INVALID',
        path: '/body/admin',
      },
    ];
    for (const c of cases) {
      const res = await send('POST', '/v1/users', c.body);
      expect([res.statusCode, res.json().code], JSON.stringify(c.body)).toEqual([c.status, c.code]);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(c.path);
    }
    expect(await state()).toEqual(before);
  });

  it('a stale version → 409 with the current record; a duplicate e-mail or a bad rep link on change → field error', async () => {
    const created = (await send('POST', '/v1/users', { name: 'Finn', email: 'finn@example.com', roles: ['ops'] })).json();
    const renamed = await send('PATCH', `/v1/users/${created.id}`, { version: 1, name: 'Finn Byrne' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Finn Byrne', version: 2 });
    const before = await state();
    const stale = await send('PATCH', `/v1/users/${created.id}`, { version: 1, status: 'suspended' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', current: { id: created.id, name: 'Finn Byrne', status: 'active', version: 2 } });
    const dup = await send('PATCH', `/v1/users/${created.id}`, { version: 2, email: 'Dana@Example.com' });
    expect([dup.statusCode, dup.json().details[0]?.path]).toEqual([409, '/body/email']);
    const rep = await send('PATCH', `/v1/users/${created.id}`, { version: 2, roles: ['ops', 'rep'] });
    expect([rep.statusCode, rep.json().details[0]?.path]).toEqual([400, '/body/repId']);
    const badRep = await send('PATCH', `/v1/users/${created.id}`, { version: 2, roles: ['rep'], repId: 'nobody' });
    expect([badRep.statusCode, badRep.json().details[0]?.path]).toEqual([400, '/body/repId']);
    expect((await send('PATCH', `/v1/users/${created.id}`, { version: 2 })).statusCode).toBe(400);
    expect((await send('PATCH', `/v1/users/${created.id}`, { version: 2, status: 'retired' })).json().details[0].path).toBe('/body/status');
    expect(await state()).toEqual(before);
  });

  it('only admins manage people; compliance may read them; nobody else', async () => {
    const before = await state();
    for (const role of ['ops', 'compliance', 'rep'] as const) {
      const res = await send('POST', '/v1/users', { name: 'X', email: `x-${role}@example.com`, roles: ['ops'] }, s.tokens[role]);
      expect(res.statusCode, role).toBe(403);
    }
    expect((await send('GET', '/v1/users', undefined, s.tokens.compliance)).statusCode).toBe(200);
    expect((await send('GET', '/v1/users', undefined, s.tokens.ops)).statusCode).toBe(403);
    expect(await state()).toEqual(before);
  });

  it('every change is audited: who, what, before and after; the grant history keeps who granted and revoked each role', async () => {
    const admin = await adminId();
    const created = await send('POST', '/v1/users', { name: 'Gail', email: 'Gail@Example.com', roles: ['rep'], repId: 'amelia-hughes' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ email: 'gail@example.com', roles: ['rep'], repId: 'amelia-hughes', createdBy: admin });
    const changed = await send('PATCH', `/v1/users/${id}`, { version: 1, roles: ['ops'], repId: null, reason: 'moved to ops' });
    expect(changed.statusCode, changed.body).toBe(200);
    const key = await send('POST', `/v1/users/${id}/keys`, { name: 'gail ops', role: 'ops' });
    expect(key.statusCode).toBe(201);
    const keyId = key.json().key.id as string;
    expect(key.json().key).toMatchObject({ userId: id, role: 'ops', createdBy: admin });
    expect((await s.app.inject({ method: 'DELETE', url: `/v1/users/${id}/keys/${keyId}`, headers: auth(s.tokens.admin) })).statusCode).toBe(
      204,
    );
    const suspended = await send('PATCH', `/v1/users/${id}`, { version: 2, status: 'suspended' });
    expect(suspended.statusCode).toBe(200);

    const entries = await accessAudit(`user:${id}`);
    expect(entries.map((e) => [e.actor, (e.payload as { action: string }).action])).toEqual([
      [admin, 'user.created'],
      [admin, 'user.updated'],
      [admin, 'user.updated'],
    ]);
    expect(entries[0]!.payload).toMatchObject({ after: { id, roles: ['rep'], repId: 'amelia-hughes', status: 'active' } });
    expect(entries[1]!.payload).toMatchObject({
      reason: 'moved to ops',
      before: { roles: ['rep'], repId: 'amelia-hughes', version: 1 },
      after: { roles: ['ops'], repId: null, version: 2 },
      rolesGranted: ['ops'],
      rolesRevoked: ['rep'],
    });
    expect(entries[2]!.payload).toMatchObject({ before: { status: 'active' }, after: { status: 'suspended', version: 3 } });
    const keyEntries = await accessAudit(`key:${keyId}`);
    expect(keyEntries.map((e) => [e.actor, (e.payload as { action: string }).action])).toEqual([
      [admin, 'api_key.created'],
      [admin, 'api_key.revoked'],
    ]);
    // No secret in the trail or in the person's record.
    expect(JSON.stringify([...entries, ...keyEntries])).not.toContain(key.json().token);
    const grants = (await send('GET', `/v1/users/${id}`)).json().grants as { role: string; grantedBy: string; revokedBy: string | null }[];
    expect(grants.map((g) => [g.role, g.grantedBy, g.revokedBy])).toEqual([
      ['rep', admin, admin],
      ['ops', admin, null],
    ]);
  });
});
