import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { auth, startTestService, type TestService } from './service-harness.ts';
import { loginAtProvider, startOidcProvider, type TestProvider } from '../support/oidc-test-provider.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider, started here on 127.0.0.1):
 * docs/access.md "Single sign-on". Remit's clock is the real time (the provider's tokens carry it) and
 * is moved to simulate expiry and clock skew.
 */

const REDIRECT = 'http://remit.test/v1/auth/oidc/callback';
const ROLE_MAP = { 'remit-compliance': ['compliance'], 'remit-ops': ['ops'], 'remit-admins': ['admin'] };

let provider: TestProvider;
let svc: TestService;

async function configure(s: TestService, oidc: Record<string, unknown> = {}) {
  const config = {
    ...s.ctx.orgs.current.config,
    access: { oidc: { issuer: provider.issuer, clientId: 'remit', redirectUri: REDIRECT, roleMap: ROLE_MAP, ...oidc } },
  };
  const published = await s.ctx.orgs.publish(config, 'test');
  if (!published.ok) throw new Error(JSON.stringify(published.error));
}

const cookieOf = (res: LightMyRequestResponse, name: string): string | undefined => {
  const lines = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
  const line = lines.find((l) => l.startsWith(`${name}=`) && !/Max-Age=0/.test(l));
  return line?.split(';')[0]!.slice(name.length + 1);
};

async function startLogin(s: TestService, returnTo = '/review', accept = 'text/html') {
  const res = await s.app.inject({
    method: 'GET',
    url: `/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    headers: { accept },
  });
  return { res, location: res.headers.location as string | undefined, state: cookieOf(res, 'remit_oidc_state') };
}

const callback = (s: TestService, url: URL, state: string | undefined, accept = 'text/html') =>
  s.app.inject({
    method: 'GET',
    url: `${url.pathname}${url.search}`,
    headers: { accept, ...(state === undefined ? {} : { cookie: `remit_oidc_state=${state}` }) },
  });

/** The whole browser journey for `login`; answers Remit's answer to the callback. */
async function signIn(s: TestService, login: string, opts: { tamper?: (authUrl: URL) => void; accept?: string } = {}) {
  const started = await startLogin(s);
  expect(started.res.statusCode).toBe(302);
  const authUrl = new URL(started.location!);
  opts.tamper?.(authUrl);
  const back = await loginAtProvider(authUrl.href, login);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  return { res: await callback(s, back, started.state, opts.accept), back, state: started.state };
}

const whoAmI = (s: TestService, cookie: string) =>
  s.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: `remit_session=${cookie}` } });

async function createUser(s: TestService, body: Record<string, unknown>) {
  const res = await s.app.inject({ method: 'POST', url: '/v1/users', headers: auth(s.tokens.admin), payload: body });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; version: number };
}

beforeAll(async () => {
  provider = await startOidcProvider({
    clients: [
      { client_id: 'remit', redirect_uris: [REDIRECT] },
      { client_id: 'other-app', redirect_uris: [REDIRECT] },
      { client_id: 'remit-confidential', redirect_uris: [REDIRECT], client_secret: 'the-right-secret' },
    ],
    accounts: {
      'sub-clara': { email: 'clara@bank.example', email_verified: true, name: 'Clara Compliance', groups: ['remit-compliance', 'staff'] },
      'sub-newbie': { email: 'newbie@bank.example', email_verified: true, name: 'New Person', groups: ['remit-ops'] },
      'sub-nogroups': { email: 'nogroups@bank.example', email_verified: true, name: 'No Groups', groups: ['staff'] },
      'sub-unverified': { email: 'clara@bank.example', email_verified: false, groups: ['remit-admins'] },
    },
  });
});
afterAll(() => provider.close());

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const pg = await postgresOrSkip();
if (pg.reason) throw new Error(pg.reason);

/** Every case on both stores: the login state is taken once by a delete on SQLite and on PostgreSQL alike. */
const STORES = [
  {
    name: 'sqlite',
    run: true,
    open: async () => ({ s: await startTestService({ at: new Date().toISOString() }), cleanup: async () => {} }),
  },
  {
    name: 'postgres',
    run: pg.run,
    open: async () => {
      const schema = newSchemaName();
      return { s: await startTestService({ url: PG_URL, schema, at: new Date().toISOString() }), cleanup: () => dropSchema(schema) };
    },
  },
] as const;

for (const kind of STORES) {
  describe.runIf(kind.run)(`single sign-on on ${kind.name}`, () => {
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ s: svc, cleanup } = await kind.open());
    });
    afterEach(async () => {
      await svc.close();
      await cleanup();
    });

    describe('GET /v1/auth/providers', () => {
      it('says whether single sign-on is configured, and its label', async () => {
        const before = await svc.app.inject({ method: 'GET', url: '/v1/auth/providers' });
        expect(before.json()).toEqual({ sso: { enabled: false }, passwords: { enabled: true } });
        await configure(svc, { label: 'Bank SSO' });
        const after = await svc.app.inject({ method: 'GET', url: '/v1/auth/providers' });
        expect(after.json()).toEqual({
          sso: { enabled: true, label: 'Bank SSO', loginUrl: '/v1/auth/oidc/login' },
          passwords: { enabled: true },
        });
      });

      it('answers SSO_UNAVAILABLE at the login when single sign-on is not configured', async () => {
        const { res } = await startLogin(svc, '/review', 'application/json');
        expect(res.statusCode).toBe(503);
        expect(res.json().code).toBe('SSO_UNAVAILABLE');
      });
    });

    describe('signing in through the provider', () => {
      it('links a person by verified e-mail, maps their groups to roles through the grant history, and opens a session', async () => {
        await configure(svc);
        const clara = await createUser(svc, { name: 'Clara', email: 'Clara@bank.example', roles: ['ops'] });
        const { res } = await signIn(svc, 'sub-clara');
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe('/review');
        const session = cookieOf(res, 'remit_session')!;
        expect(String(res.headers['set-cookie'])).toMatch(/remit_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800/);
        const me = await whoAmI(svc, session);
        expect(me.statusCode).toBe(200);
        expect(me.json()).toMatchObject({ userId: clara.id, roles: ['compliance'], keyId: null });
        // ops (governed by the map, not in her groups) revoked, compliance granted, both by the provider.
        const grants = await svc.store.users.grants(clara.id);
        expect(grants.map((g) => [g.role, g.grantedBy, g.revokedBy])).toEqual([
          ['ops', expect.stringMatching(/^(kp|usr)/), `sso:${provider.issuer}`],
          ['compliance', `sso:${provider.issuer}`, null],
        ]);
        const stored = await svc.store.sessions.get((await import('node:crypto')).createHash('sha256').update(session).digest('hex'));
        expect(stored?.method).toBe('oidc');
        // The second sign-in finds her by identity, even after her e-mail at the provider changed.
        provider.accounts.set('sub-clara', { ...provider.accounts.get('sub-clara')!, email: 'clara.new@bank.example' });
        const again = await signIn(svc, 'sub-clara');
        expect((await whoAmI(svc, cookieOf(again.res, 'remit_session')!)).json().userId).toBe(clara.id);
        provider.accounts.set('sub-clara', { ...provider.accounts.get('sub-clara')!, email: 'clara@bank.example' });
        expect((await svc.ctx.metrics.exposition()).body).toMatch(/remit_sso_sign_ins_total\{outcome="signed_in"\} 2/);
      });

      it('creates an unknown person just in time when the org allows it, attributed to the provider', async () => {
        await configure(svc, { createUsers: true });
        const { res } = await signIn(svc, 'sub-newbie');
        expect(res.statusCode).toBe(302);
        const me = (await whoAmI(svc, cookieOf(res, 'remit_session')!)).json();
        const person = await svc.store.users.get(me.userId);
        expect(person).toMatchObject({
          name: 'New Person',
          email: 'newbie@bank.example',
          roles: ['ops'],
          createdBy: `sso:${provider.issuer}`,
        });
        expect(await svc.store.users.findByOidc({ issuer: provider.issuer, subject: 'sub-newbie' })).toMatchObject({ id: me.userId });
      });

      it('refuses an unknown person when just-in-time creation is off, and creates nobody', async () => {
        await configure(svc, { createUsers: false });
        const before = (await svc.store.users.list()).length;
        const { res } = await signIn(svc, 'sub-newbie');
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe('/?sso_error=SSO_FAILED');
        expect(cookieOf(res, 'remit_session')).toBeUndefined();
        expect((await svc.store.users.list()).length).toBe(before);
        const json = await signIn(svc, 'sub-newbie', { accept: 'application/json' });
        expect(json.res.statusCode).toBe(401);
        expect(json.res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('newbie@bank.example') });
      });

      it('never creates or promotes a person when the groups map to no role', async () => {
        await configure(svc, { createUsers: true });
        const before = (await svc.store.users.list()).length;
        expect((await signIn(svc, 'sub-nogroups', { accept: 'application/json' })).res.json().code).toBe('SSO_FAILED');
        expect((await svc.store.users.list()).length).toBe(before);
        const existing = await createUser(svc, { name: 'No Groups', email: 'nogroups@bank.example', roles: ['compliance'] });
        const refused = await signIn(svc, 'sub-nogroups', { accept: 'application/json' });
        expect(refused.res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('maps to no Remit role') });
        expect((await svc.store.users.get(existing.id))?.roles).toEqual(['compliance']);
      });

      it('does not link by an unverified e-mail', async () => {
        await configure(svc);
        const clara = await createUser(svc, { name: 'Clara', email: 'clara@bank.example', roles: ['compliance'] });
        const { res } = await signIn(svc, 'sub-unverified', { accept: 'application/json' });
        expect(res.json().code).toBe('SSO_FAILED');
        expect((await svc.store.users.get(clara.id))?.roles).toEqual(['compliance']);
      });

      it('refuses a suspended person', async () => {
        await configure(svc);
        const clara = await createUser(svc, { name: 'Clara', email: 'clara@bank.example', roles: ['compliance'] });
        const patched = await svc.app.inject({
          method: 'PATCH',
          url: `/v1/users/${clara.id}`,
          headers: auth(svc.tokens.admin),
          payload: { version: clara.version, status: 'suspended' },
        });
        expect(patched.statusCode).toBe(200);
        const { res } = await signIn(svc, 'sub-clara', { accept: 'application/json' });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('suspended') });
      });
    });

    describe('a confidential client', () => {
      const VAR = 'REMIT_TEST_OIDC_CLIENT_SECRET';
      afterEach(() => {
        delete process.env[VAR];
      });

      it('reads the secret from the variable clientSecretEnv names, when used: missing → SSO_UNAVAILABLE, wrong → SSO_FAILED', async () => {
        await configure(svc, { clientId: 'remit-confidential', clientSecretEnv: VAR });
        await createUser(svc, { name: 'Clara', email: 'clara@bank.example', roles: ['compliance'] });
        const missing = await startLogin(svc, '/review', 'application/json');
        expect(missing.res.statusCode).toBe(503);
        expect(missing.res.json()).toMatchObject({ code: 'SSO_UNAVAILABLE', message: expect.stringContaining(VAR) });
        process.env[VAR] = 'a-wrong-secret';
        expect((await signIn(svc, 'sub-clara', { accept: 'application/json' })).res.json().code).toBe('SSO_FAILED');
        process.env[VAR] = 'the-right-secret';
        const { res } = await signIn(svc, 'sub-clara');
        expect((await whoAmI(svc, cookieOf(res, 'remit_session')!)).json().roles).toEqual(['compliance']);
      });
    });

    describe('refused answers', () => {
      beforeEach(async () => {
        await configure(svc);
        await createUser(svc, { name: 'Clara', email: 'clara@bank.example', roles: ['compliance'] });
      });

      it('a replayed callback (the same state twice) is refused', async () => {
        const first = await signIn(svc, 'sub-clara');
        expect(cookieOf(first.res, 'remit_session')).toBeDefined();
        const replay = await callback(svc, first.back, first.state, 'application/json');
        expect(replay.statusCode).toBe(401);
        expect(replay.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('already used or expired') });
      });

      it('an expired login state (over 10 minutes) is refused', async () => {
        const started = await startLogin(svc);
        const back = await loginAtProvider(started.location!, 'sub-clara');
        svc.clock.advance(10 * 60_000 + 1000);
        const res = await callback(svc, back, started.state, 'application/json');
        expect(res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('expired') });
      });

      it('a callback in a browser that did not start the sign-in is refused (login CSRF)', async () => {
        const started = await startLogin(svc);
        const back = await loginAtProvider(started.location!, 'sub-clara');
        const res = await callback(svc, back, undefined, 'application/json');
        expect(res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('not started in this browser') });
        // The state was not consumed by the refused callback: the browser that started it may still finish.
        expect(cookieOf(await callback(svc, back, started.state), 'remit_session')).toBeDefined();
      });

      it('an ID token with another nonce is refused', async () => {
        const { res } = await signIn(svc, 'sub-clara', {
          tamper: (u) => u.searchParams.set('nonce', 'attacker-nonce'),
          accept: 'application/json',
        });
        expect(res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringMatching(/nonce|claim/) });
      });

      it('an answer from another issuer is refused', async () => {
        const impostor = await startOidcProvider({
          clients: [{ client_id: 'remit', redirect_uris: [REDIRECT] }],
          accounts: { 'sub-clara': {} },
        });
        try {
          const { res } = await signIn(svc, 'sub-clara', {
            tamper: (u) => {
              u.host = new URL(impostor.issuer).host;
            },
            accept: 'application/json',
          });
          expect(res.json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('iss') });
        } finally {
          await impostor.close();
        }
      });

      it('a code issued to another client (audience) is refused', async () => {
        const { res } = await signIn(svc, 'sub-clara', {
          tamper: (u) => u.searchParams.set('client_id', 'other-app'),
          accept: 'application/json',
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe('SSO_FAILED');
      });

      it('clock skew beyond the tolerance is refused both ways; within it, accepted', async () => {
        await configure(svc, { clockToleranceSeconds: 30 });
        const ahead = async (seconds: number) => {
          const started = await startLogin(svc);
          const back = await loginAtProvider(started.location!, 'sub-clara');
          svc.clock.ms = Date.now() + seconds * 1000;
          const res = await callback(svc, back, started.state, 'application/json');
          svc.clock.ms = Date.now();
          return res;
        };
        // The provider's clock 5 minutes ahead of Remit's: its token was issued in Remit's future.
        expect((await ahead(-300)).json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringContaining('future') });
        // Remit's clock ahead past the 60 s ID-token lifetime plus the tolerance: expired.
        expect((await ahead(120)).json()).toMatchObject({ code: 'SSO_FAILED', message: expect.stringMatching(/exp|timestamp/) });
        // 20 s either way is within the tolerance.
        expect((await ahead(-20)).statusCode).toBe(302);
        expect((await ahead(75)).statusCode).toBe(302);
      });

      it('refuses a returnTo that leaves the site (open redirect)', async () => {
        for (const evil of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/ok\r\nx']) {
          const json = await startLogin(svc, evil, 'application/json');
          expect(json.res.statusCode).toBe(400);
          expect(json.res.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/querystring/returnTo' }] });
          const browser = await startLogin(svc, evil);
          expect(browser.res.headers.location).toBe('/?sso_error=ARGUMENT_INVALID');
        }
        const fine = await startLogin(svc, '/leads/abc?x=1');
        expect(new URL(fine.location!).origin).toBe(provider.issuer);
        const back = await loginAtProvider(fine.location!, 'sub-clara');
        expect((await callback(svc, back, fine.state)).headers.location).toBe('/leads/abc?x=1');
      });
    });

    describe('a provider that is down', () => {
      it('answers SSO_UNAVAILABLE (logged and counted), API keys still work, and a provider that comes back is used at once', async () => {
        const port = await freePort();
        const config = {
          ...svc.ctx.orgs.current.config,
          access: { oidc: { issuer: `http://127.0.0.1:${port}`, clientId: 'remit', redirectUri: REDIRECT, roleMap: ROLE_MAP } },
        };
        expect((await svc.ctx.orgs.publish(config, 'test')).ok).toBe(true);
        const json = await startLogin(svc, '/review', 'application/json');
        expect(json.res.statusCode).toBe(503);
        expect(json.res.json().code).toBe('SSO_UNAVAILABLE');
        const browser = await startLogin(svc);
        expect(browser.res.headers.location).toBe('/?sso_error=SSO_UNAVAILABLE');
        const metrics = await svc.ctx.metrics.exposition();
        expect(metrics.body).toMatch(/remit_sso_sign_ins_total\{outcome="unavailable"\} 2/);
        const key = await svc.app.inject({ method: 'GET', url: '/v1/session', headers: auth(svc.tokens.compliance) });
        expect(key.statusCode).toBe(200);
        const back = await startOidcProvider({
          port,
          clients: [{ client_id: 'remit', redirect_uris: [REDIRECT] }],
          accounts: { 'sub-clara': { email: 'clara@bank.example', email_verified: true, groups: ['remit-compliance'] } },
        });
        try {
          await createUser(svc, { name: 'Clara', email: 'clara@bank.example', roles: ['compliance'] });
          const { res } = await signIn(svc, 'sub-clara');
          expect(cookieOf(res, 'remit_session')).toBeDefined();
        } finally {
          await back.close();
        }
      });
    });
  });
}
