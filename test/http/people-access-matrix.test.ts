import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/access/roles.ts';
import { SESSION_COOKIE } from '../../src/http/session-store.ts';
import { auth, startTestService, type TestService } from './service-harness.ts';

/**
 * docs/access.md: the role × endpoint matrix grown to people. The routes are enumerated from the server
 * (its OpenAPI document, where every route names the roles it admits as `x-remit-roles`), never listed by
 * hand here, so a new route is covered the moment it exists. Then the people cases: a session acts with
 * every role of its person, a key with its one role, and a key or session stops working at once when its
 * person is suspended, leaves, loses the key's role, or the key is revoked.
 * (test/http/role-matrix.test.ts holds the intended policy written down independently; it checks the two agree.)
 */

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly key: string;
  /** Undefined: the route needs no API key (public, or authenticated by its own form/signature/credentials). */
  readonly roles: readonly Role[] | undefined;
}
type Outcome = 'allowed' | 'forbidden' | 'unauthenticated';
type Caller = { token: string } | { cookie: string };

let s: TestService;
let operations: Operation[];
let keyed: Operation[];

beforeAll(async () => {
  // Without the console's static files (public, built separately): what is left is the API and its docs.
  s = await startTestService({ repId: 'amelia-hughes', server: { webRoot: null } });
  const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { 'x-remit-roles'?: Role[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), path, key: `${m.toUpperCase()} ${path}`, roles: op['x-remit-roles'] })),
  );
  keyed = operations.filter((o) => o.roles !== undefined);
});
afterAll(async () => s.close());

/** A concrete URL for an OpenAPI path: parameters get ids that do not exist (so allowed calls change nothing). */
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => `no-such-${name}`);

const headersOf = (caller: Caller | undefined): Record<string, string> =>
  !caller ? {} : 'token' in caller ? auth(caller.token) : { cookie: caller.cookie };

async function outcomeOf(op: Operation, caller: Caller | undefined): Promise<Outcome> {
  const res = await s.app.inject({
    method: op.method as 'GET',
    url: concrete(op.path),
    headers: headersOf(caller),
    ...(op.method === 'POST' ? { payload: {} } : {}),
  });
  const code = String(res.headers['content-type'] ?? '').includes('json') ? (res.json() as { code?: string }).code : undefined;
  if (res.statusCode === 401 || code === 'UNAUTHENTICATED') return 'unauthenticated';
  return res.statusCode === 403 && code === 'FORBIDDEN' ? 'forbidden' : 'allowed';
}

/** One row of the matrix: what this caller gets on every keyed route. */
async function rowOf(caller: Caller | undefined): Promise<Record<string, Outcome>> {
  const row: Record<string, Outcome> = {};
  for (const op of keyed) row[op.key] = await outcomeOf(op, caller);
  return row;
}

/** The row the routes declare for a principal acting with `roles`. */
const declaredRow = (roles: readonly Role[]): Record<string, Outcome> =>
  Object.fromEntries(keyed.map((op) => [op.key, op.roles!.some((r) => roles.includes(r)) ? 'allowed' : 'forbidden']));

const everywhere = (outcome: Outcome) => Object.fromEntries(keyed.map((op) => [op.key, outcome]));

const post = (url: string, payload: object, headers: Record<string, string>) => s.app.inject({ method: 'POST', url, payload, headers });
const patch = (url: string, payload: object) => s.app.inject({ method: 'PATCH', url, payload, headers: auth(s.tokens.admin) });

/** A person created by the admin over the API, with one key per role given in `keys`. */
async function person(roles: string[], keys: Role[], email: string) {
  const created = await post('/v1/users', { name: email, email, roles }, auth(s.tokens.admin));
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const tokens = {} as Record<Role, { token: string; id: string }>;
  for (const role of keys) {
    const key = await post(`/v1/users/${id}/keys`, { name: `${email} ${role}`, role }, auth(s.tokens.admin));
    expect(key.statusCode, key.body).toBe(201);
    tokens[role] = { token: key.json().token, id: key.json().key.id };
  }
  return { id, keys: tokens };
}

/** A console session bound to the person, not to a key (as password, single sign-on or a sign-in link open one). */
async function personSession(userId: string): Promise<Caller> {
  const session = await s.app.sessions.create({ userId, method: 'link' });
  return { cookie: `${SESSION_COOKIE}=${session.id}` };
}

/** A console session opened with an API key (POST /v1/session): bound to the key as well as the person. */
async function keySession(token: string): Promise<Caller> {
  const res = await post('/v1/session', { apiKey: token }, {});
  expect(res.statusCode, res.body).toBe(201);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]! };
}

const versionOf = async (id: string) =>
  (await s.app.inject({ method: 'GET', url: `/v1/users/${id}`, headers: auth(s.tokens.admin) })).json().version as number;

/**
 * Every route the server registered, as `METHOD /path` (OpenAPI's `{param}` form; HEAD left out): read from Fastify's
 * own route tree, so a route hidden from the OpenAPI document is found too. A parameter follows a slash (`/:id`);
 * `:reload` in `/lists:reload` is literal.
 */
function registeredRoutes(): string[] {
  const found: string[] = [];
  const prefixes: string[] = [];
  for (const line of s.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    prefixes.length = depth;
    const path = `${prefixes.join('')}${m[2]}`;
    prefixes.push(m[2]!);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD'))
      found.push(`${method} ${path.replace(/\/:(\w+)/g, '/{$1}')}`);
  }
  return found;
}

describe('role × endpoint matrix, from the routes themselves', () => {
  it('every route the server registered is in the OpenAPI document (so in this matrix), except the docs themselves', () => {
    const documented = new Set(operations.map((o) => o.key));
    const routes = registeredRoutes();
    expect(routes).toContain('POST /v1/leads/{id}/outreach-check');
    expect(routes).toContain('POST /v1/screening/lists:reload/{id}/approve');
    const outside = routes.filter((r) => !documented.has(r));
    expect(outside.filter((r) => !/^GET \/(docs(\/.*|\*)?|openapi\.json)$/.test(r))).toEqual([]);
  });

  it('the server declares roles on its routes, and only routes marked "no key" in OpenAPI go without', () => {
    expect(keyed.length).toBeGreaterThan(50);
    for (const op of operations) {
      if (op.roles)
        expect(
          op.roles.every((r) => ROLES.includes(r)),
          op.key,
        ).toBe(true);
    }
    // A route without roles is public to the API-key check: it must say so in its OpenAPI security (security: []).
    const doc = s.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const op of operations.filter((o) => !o.roles))
      expect(doc.paths[op.path]![op.method.toLowerCase()]!.security, `${op.key} has no roles: security must be []`).toEqual([]);
  });

  it('no key → 401 on every route that declares roles', async () => {
    expect(await rowOf(undefined)).toEqual(everywhere('unauthenticated'));
  });

  for (const role of ROLES) {
    it(`${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} key: allowed where its routes admit ${role}, 403 elsewhere`, async () => {
      expect(await rowOf({ token: s.tokens[role] })).toEqual(declaredRow([role]));
    });
  }
});

describe('the matrix for people', () => {
  it('a person holding ops and compliance: their session gets the union; each of their keys acts with its ONE role only', async () => {
    const p = await person(['ops', 'compliance'], ['ops', 'compliance'], 'two.roles@example.com');
    const session = await personSession(p.id);
    const who = await s.app.inject({ method: 'GET', url: '/v1/session', headers: headersOf(session) });
    expect(who.json()).toMatchObject({ userId: p.id, roles: ['ops', 'compliance'], keyId: null });
    const union = declaredRow(['ops', 'compliance']);
    // The union differs from either role alone (otherwise this would prove nothing).
    expect(union).not.toEqual(declaredRow(['ops']));
    expect(union).not.toEqual(declaredRow(['compliance']));
    expect(await rowOf(session)).toEqual(union);
    expect(await rowOf({ token: p.keys.ops.token })).toEqual(declaredRow(['ops']));
    expect(await rowOf({ token: p.keys.compliance.token })).toEqual(declaredRow(['compliance']));
    // A session opened with a key is bound to that key's role, not the person's.
    expect(await rowOf(await keySession(p.keys.ops.token))).toEqual(declaredRow(['ops']));
  });

  it('no key for a role the person does not hold (KEY_ROLE_NOT_HELD); integration keys need integration-owner', async () => {
    const p = await person(['ops'], [], 'ops.only@example.com');
    for (const role of ['compliance', 'admin', 'integration', 'rep'] as const) {
      const res = await post(`/v1/users/${p.id}/keys`, { name: 'x', role }, auth(s.tokens.admin));
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code, role).toBe('KEY_ROLE_NOT_HELD');
    }
    const owner = await person(['integration-owner'], ['integration'], 'owner@example.com');
    expect(await rowOf({ token: owner.keys.integration.token })).toEqual(declaredRow(['integration']));
    // integration-owner lets a person own integration keys; it gives their session no acting role, so the console refuses them.
    expect(await rowOf(await personSession(owner.id))).toEqual(everywhere('unauthenticated'));
  });

  it("a suspended person's keys and sessions → 401 at once everywhere; reinstated, keys work again, sessions stay ended", async () => {
    const p = await person(['ops', 'compliance'], ['ops'], 'suspended@example.com');
    const session = await personSession(p.id);
    const viaKey = await keySession(p.keys.ops.token);
    expect(await rowOf(session)).toEqual(declaredRow(['ops', 'compliance']));
    const suspended = await patch(`/v1/users/${p.id}`, { version: await versionOf(p.id), status: 'suspended', reason: 'investigation' });
    expect(suspended.statusCode, suspended.body).toBe(200);
    for (const caller of [{ token: p.keys.ops.token }, session, viaKey]) expect(await rowOf(caller)).toEqual(everywhere('unauthenticated'));
    expect((await patch(`/v1/users/${p.id}`, { version: await versionOf(p.id), status: 'active' })).statusCode).toBe(200);
    expect(await rowOf({ token: p.keys.ops.token })).toEqual(declaredRow(['ops']));
    expect(await rowOf(session)).toEqual(everywhere('unauthenticated'));
  });

  it('a person who has left: key and session → 401', async () => {
    const p = await person(['compliance'], ['compliance'], 'left@example.com');
    const session = await personSession(p.id);
    expect((await patch(`/v1/users/${p.id}`, { version: await versionOf(p.id), status: 'left' })).statusCode).toBe(200);
    expect(await rowOf({ token: p.keys.compliance.token })).toEqual(everywhere('unauthenticated'));
    expect(await rowOf(session)).toEqual(everywhere('unauthenticated'));
  });

  it("a role removed: that role's key → 401 at once; their other key and their session keep exactly what remains", async () => {
    const p = await person(['ops', 'compliance'], ['ops', 'compliance'], 'demoted@example.com');
    const session = await personSession(p.id);
    const compSession = await keySession(p.keys.compliance.token);
    const res = await patch(`/v1/users/${p.id}`, { version: await versionOf(p.id), roles: ['ops'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await rowOf({ token: p.keys.compliance.token })).toEqual(everywhere('unauthenticated'));
    expect(await rowOf(compSession)).toEqual(everywhere('unauthenticated'));
    expect(await rowOf({ token: p.keys.ops.token })).toEqual(declaredRow(['ops']));
    expect(await rowOf(session)).toEqual(declaredRow(['ops']));
    // Granting the role back does not need a new key: the key acts while its person holds its role.
    expect((await patch(`/v1/users/${p.id}`, { version: await versionOf(p.id), roles: ['ops', 'compliance'] })).statusCode).toBe(200);
    expect(await rowOf({ token: p.keys.compliance.token })).toEqual(declaredRow(['compliance']));
  });

  it('a revoked key → 401 everywhere, and so does the session opened with it; the person and their other keys are unaffected', async () => {
    const p = await person(['ops'], ['ops', 'ops'], 'revoked@example.com');
    const second = await post(`/v1/users/${p.id}/keys`, { name: 'second', role: 'ops' }, auth(s.tokens.admin));
    const viaKey = await keySession(p.keys.ops.token);
    // The person revokes their own key (anyone may; someone else's: admins only, 404 otherwise).
    const foreign = await s.app.inject({ method: 'DELETE', url: `/v1/users/${p.id}/keys/${p.keys.ops.id}`, headers: auth(s.tokens.ops) });
    expect(foreign.statusCode).toBe(404);
    const own = await s.app.inject({ method: 'DELETE', url: `/v1/users/${p.id}/keys/${p.keys.ops.id}`, headers: auth(p.keys.ops.token) });
    expect(own.statusCode).toBe(204);
    expect(await rowOf({ token: p.keys.ops.token })).toEqual(everywhere('unauthenticated'));
    expect(await rowOf(viaKey)).toEqual(everywhere('unauthenticated'));
    expect(await rowOf({ token: second.json().token })).toEqual(declaredRow(['ops']));
    expect(await rowOf(await personSession(p.id))).toEqual(declaredRow(['ops']));
  });
});
