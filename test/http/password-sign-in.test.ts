import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson } from '../../src/app/access/people.use-case.ts';
import { hashPassword } from '../../src/app/access/password-hash.ts';
import { totpCode } from '../../src/app/access/totp.ts';
import type { PersonRole } from '../../src/domain/access/roles.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { auth, startTestService, type TestService } from './service-harness.ts';

const dialects = await bothDialects();
const PASSWORD = 'correct horse battery staple';

/**
 * Local sign-in (docs/access.md "Local passwords, TOTP and sign-in links"): e-mail + password (+ TOTP),
 * lockout and unlock, one-time links, own password and TOTP, on SQLite and PostgreSQL.
 */
describe.each(dialects)('password sign-in: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness;
  let s: TestService;
  let n = 0;
  beforeAll(async () => {
    h = await factory.create();
    s = await startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}) });
  });
  afterAll(async () => {
    await s?.close();
    await h?.cleanup();
  });

  /** A new person (created by the system) with a password set directly. */
  async function person(roles: PersonRole[] = ['ops'], password: string | null = PASSWORD) {
    const email = `person.number${++n}@bank.example`;
    const created = await createPerson(
      s.ctx,
      { userId: 'test' },
      { name: `Person ${n}`, email, roles, repId: roles.includes('rep') ? s.repId : null },
    );
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    if (password !== null) await s.store.users.setPassword(created.value.id, await hashPassword(password));
    return { id: created.value.id, email };
  }
  const signIn = (payload: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/v1/session', payload });
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0]!;
  const withCookie = (cookie: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    s.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  // No sealer runs in this service: every entry is still in the audit inbox.
  const allAudit = async () => (await s.store.audit.pending(100_000)).map((r) => r.event);
  const auditOf = async (userId: string) =>
    (await allAudit()).filter((e) => e.subject === `user:${userId}`).map((e) => e.payload as Record<string, any>);
  const signIns = async (outcome: string) =>
    (await s.ctx.metrics.signIns.get()).values.find((v) => v.labels.method === 'password' && v.labels.outcome === outcome)?.value ?? 0;

  it('e-mail and password open a session acting with every console role the person holds; audited and counted', async () => {
    const p = await person(['ops', 'compliance']);
    const before = await signIns('success');
    const res = await signIn({ email: p.email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ userId: p.id, roles: ['ops', 'compliance'], role: 'compliance', keyId: null, method: 'password' });
    expect(String(res.headers['set-cookie'])).toMatch(/^remit_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect((await withCookie(cookieOf(res), 'GET', '/v1/review')).statusCode).toBe(200);
    expect(await signIns('success')).toBe(before + 1);
    expect((await auditOf(p.id)).at(-1)).toMatchObject({ action: 'sign_in.succeeded', method: 'password', userId: p.id });
  });

  it('a wrong password and an unknown e-mail get the same answer; the trail keeps neither the password nor the typed e-mail', async () => {
    const p = await person();
    const failedBefore = await signIns('failed');
    const wrong = await signIn({ email: p.email, password: 'not the password at all' });
    const unknown = await signIn({ email: 'nobody@bank.example', password: 'not the password at all' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ code: 'SIGN_IN_FAILED' });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(await signIns('failed')).toBe(failedBefore + 2);
    expect((await auditOf(p.id)).at(-1)).toMatchObject({ action: 'sign_in.failed', reason: 'wrong_password', failedSignIns: 1 });
    const all = JSON.stringify(await allAudit());
    expect(all).not.toContain('not the password at all');
    expect(all).not.toContain('nobody@bank.example');
    expect(all).toContain('"reason":"unknown_email"');
  });

  it('bad bodies are field errors and sign nobody in', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'a@bank.example' }, '/body/password'],
      [{ password: 'x' }, '/body/email'],
      [{ apiKey: s.tokens.ops, email: 'a@bank.example', password: 'x' }, '/body/apiKey'],
      [{ apiKey: s.tokens.ops, totp: '123456' }, '/body/totp'],
      [{}, '/body/email'],
    ];
    for (const [payload, path] of cases) {
      const res = await signIn(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('the lockoutAfter-th failure in a row locks (423 even with the right password) until lockoutMinutes pass', async () => {
    const p = await person();
    for (let i = 1; i < 5; i++) expect((await signIn({ email: p.email, password: `wrong ${i}` })).json().code).toBe('SIGN_IN_FAILED');
    const locking = await signIn({ email: p.email, password: 'wrong 5' });
    expect(locking.statusCode).toBe(423);
    expect(locking.json()).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil: new Date(s.clock.ms + 15 * 60_000).toISOString() });
    const right = await signIn({ email: p.email, password: PASSWORD });
    expect([right.statusCode, right.json().code]).toEqual([423, 'ACCOUNT_LOCKED']);
    expect((await auditOf(p.id)).map((e) => e.action)).toContain('sign_in.locked');
    s.clock.advance(15 * 60_000 + 1000);
    // Lock over: the count restarted, so one more mistake does not lock again.
    expect((await signIn({ email: p.email, password: 'wrong again' })).json().code).toBe('SIGN_IN_FAILED');
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
    expect(await s.store.users.credentials(p.id)).toMatchObject({ failedSignIns: 0, lockedUntil: null });
  });

  it('a success resets the count: failures must be in a row', async () => {
    const p = await person();
    for (let i = 0; i < 4; i++) await signIn({ email: p.email, password: 'wrong' });
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
    for (let i = 0; i < 4; i++) expect((await signIn({ email: p.email, password: 'wrong' })).statusCode).toBe(401);
  });

  it('an admin unlocks a locked person at once (audited with what it was); others may not', async () => {
    const p = await person();
    for (let i = 0; i < 5; i++) await signIn({ email: p.email, password: 'wrong' });
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(423);
    const byOps = await s.app.inject({ method: 'POST', url: `/v1/users/${p.id}/unlock`, headers: auth(s.tokens.ops) });
    expect(byOps.statusCode).toBe(403);
    const unknown = await s.app.inject({ method: 'POST', url: '/v1/users/usr_nobody/unlock', headers: auth(s.tokens.admin) });
    expect(unknown.statusCode).toBe(404);
    const unlock = await s.app.inject({ method: 'POST', url: `/v1/users/${p.id}/unlock`, headers: auth(s.tokens.admin) });
    expect(unlock.statusCode).toBe(200);
    expect((await auditOf(p.id)).at(-1)).toMatchObject({
      action: 'user.unlocked',
      before: { failedSignIns: 5 },
      after: { lockedUntil: null },
    });
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
  });

  it('suspending a person ends their password session at once and refuses their sign-in', async () => {
    const p = await person();
    const cookie = cookieOf(await signIn({ email: p.email, password: PASSWORD }));
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(200);
    const user = (await s.app.inject({ method: 'GET', url: `/v1/users/${p.id}`, headers: auth(s.tokens.admin) })).json();
    const patch = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${p.id}`,
      headers: auth(s.tokens.admin),
      payload: { version: user.version, status: 'suspended' },
    });
    expect(patch.statusCode).toBe(200);
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(401);
    const again = await signIn({ email: p.email, password: PASSWORD });
    expect([again.statusCode, again.json().code]).toEqual([401, 'SIGN_IN_FAILED']);
    expect((await auditOf(p.id)).at(-1)).toMatchObject({ action: 'sign_in.failed', reason: 'not_active' });
  });

  it('TOTP on by choice: enrol, confirm, then sign-in needs a current code, once (a replay within its window is refused)', async () => {
    const p = await person();
    const cookie = cookieOf(await signIn({ email: p.email, password: PASSWORD }));
    const started = await withCookie(cookie, 'POST', '/v1/me/totp', {});
    expect(started.statusCode).toBe(201);
    const { secret, otpauthUri } = started.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Remit:.+secret=/);
    // Not in force before it is confirmed.
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
    const wrongConfirm = await withCookie(cookie, 'POST', '/v1/me/totp/confirm', { code: '000000' });
    expect([wrongConfirm.statusCode, wrongConfirm.json().details[0].path]).toEqual([400, '/body/code']);
    expect((await withCookie(cookie, 'POST', '/v1/me/totp/confirm', { code: totpCode(secret, s.clock.ms) })).statusCode).toBe(200);
    const needsCode = await signIn({ email: p.email, password: PASSWORD });
    expect([needsCode.statusCode, needsCode.json().code]).toEqual([401, 'TOTP_REQUIRED']);
    expect((await signIn({ email: p.email, password: PASSWORD, totp: '999999' })).json().code).toBe('SIGN_IN_FAILED');
    // The confirming code's step is spent: it does not sign in.
    expect((await signIn({ email: p.email, password: PASSWORD, totp: totpCode(secret, s.clock.ms) })).json().code).toBe('SIGN_IN_FAILED');
    s.clock.advance(30_000);
    const code = totpCode(secret, s.clock.ms);
    expect((await signIn({ email: p.email, password: PASSWORD, totp: code })).statusCode).toBe(201);
    const replay = await signIn({ email: p.email, password: PASSWORD, totp: code });
    expect([replay.statusCode, replay.json().code]).toEqual([401, 'SIGN_IN_FAILED']);
    expect((await auditOf(p.id)).at(-1)).toMatchObject({ action: 'sign_in.failed', reason: 'replayed_code' });
    // A code one step old is still accepted (clock drift), once.
    s.clock.advance(30_000);
    const late = totpCode(secret, s.clock.ms);
    s.clock.advance(30_000);
    expect((await signIn({ email: p.email, password: PASSWORD, totp: late })).statusCode).toBe(201);
    // Turning it off needs a current code.
    expect((await withCookie(cookie, 'DELETE', '/v1/me/totp', { code: '123456' })).statusCode).toBe(400);
    s.clock.advance(30_000);
    expect((await withCookie(cookie, 'DELETE', '/v1/me/totp', { code: totpCode(secret, s.clock.ms) })).statusCode).toBe(200);
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
    const actions = (await auditOf(p.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['totp.enrolment_started', 'totp.enabled', 'totp.disabled']));
  });

  it('TOTP required by role: the right password answers TOTP_NOT_ENROLLED with a secret; a code from it enrols and signs in', async () => {
    const original = s.ctx.orgs.current.config;
    const published = await s.ctx.orgs.publish({ ...original, access: { passwords: { totpRequiredFor: ['compliance'] } } }, 'test');
    expect(published.ok).toBe(true);
    try {
      const p = await person(['compliance']);
      const wrong = await signIn({ email: p.email, password: 'wrong password' });
      expect(wrong.json().code).toBe('SIGN_IN_FAILED');
      expect(wrong.json().totpSecret).toBeUndefined();
      const first = await signIn({ email: p.email, password: PASSWORD });
      expect(first.statusCode).toBe(403);
      expect(first.json()).toMatchObject({ code: 'TOTP_NOT_ENROLLED', email: p.email });
      const { totpSecret } = first.json();
      expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
      // Asking again shows the same pending secret (a reload does not strand a half-done enrolment).
      expect((await signIn({ email: p.email, password: PASSWORD })).json().totpSecret).toBe(totpSecret);
      expect((await signIn({ email: p.email, password: PASSWORD, totp: '000000' })).json().code).toBe('SIGN_IN_FAILED');
      const enrolled = await signIn({ email: p.email, password: PASSWORD, totp: totpCode(totpSecret, s.clock.ms) });
      expect(enrolled.statusCode).toBe(201);
      expect(await s.store.users.credentials(p.id)).toMatchObject({ totpEnabled: true, totpSecret });
      s.clock.advance(30_000);
      const off = await withCookie(cookieOf(enrolled), 'DELETE', '/v1/me/totp', { code: totpCode(totpSecret, s.clock.ms) });
      expect([off.statusCode, off.json().code]).toEqual([409, 'CONFLICT']);
      // A person without the role is not asked.
      const ops = await person(['ops']);
      expect((await signIn({ email: ops.email, password: PASSWORD })).statusCode).toBe(201);
    } finally {
      await s.ctx.orgs.publish(original, 'test');
    }
  });

  describe('one-time sign-in links', () => {
    const link = (userId: string, payload?: object, token = s.tokens.admin) =>
      s.app.inject({ method: 'POST', url: `/v1/users/${userId}/sign-in-link`, headers: auth(token), ...(payload ? { payload } : {}) });
    const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');
    const useLink = (token: string, password: string) =>
      s.app.inject({ method: 'POST', url: '/v1/session/link', payload: { token, password } });

    it('a welcome link (72 h) sets the password and signs in once; used again it is refused; the password then works', async () => {
      const p = await person(['rep'], null);
      expect((await link(p.id, undefined, s.tokens.ops)).statusCode).toBe(403);
      const created = await link(p.id);
      expect(created.statusCode).toBe(201);
      const body = created.json();
      expect(body).toMatchObject({ purpose: 'welcome', userId: p.id, expiresAt: new Date(s.clock.ms + 72 * 3_600_000).toISOString() });
      expect(body.url).toMatch(/^http:\/\/localhost(:\d+)?\/welcome#token=[A-Za-z0-9_-]{43}$/);
      const stored = JSON.stringify(await allAudit());
      expect(stored).not.toContain(tokenOf(body.url));
      const used = await useLink(tokenOf(body.url), PASSWORD);
      expect(used.statusCode).toBe(201);
      expect(used.json()).toMatchObject({ userId: p.id, method: 'link', roles: ['rep'], repId: s.repId });
      const again = await useLink(tokenOf(body.url), 'another good password');
      expect([again.statusCode, again.json().code]).toEqual([410, 'SIGN_IN_LINK_INVALID']);
      expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
      expect((await auditOf(p.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['sign_in_link.created', 'password.set']));
    });

    it('an expired or unknown link is refused; a reset link lasts 1 h', async () => {
      const p = await person();
      const reset = (await link(p.id)).json();
      expect(reset).toMatchObject({ purpose: 'reset', expiresAt: new Date(s.clock.ms + 3_600_000).toISOString() });
      s.clock.advance(3_600_000);
      expect((await useLink(tokenOf(reset.url), 'a brand new password')).json().code).toBe('SIGN_IN_LINK_INVALID');
      expect((await useLink('x'.repeat(43), 'a brand new password')).statusCode).toBe(410);
      expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
    });

    it('a password that breaks the rules is a field error and leaves the link unspent', async () => {
      const p = await person(['ops'], null);
      const token = tokenOf((await link(p.id)).json().url);
      for (const [password, message] of [
        ['short', 'at least 12'],
        [p.email, 'e-mail'],
        [p.email.split('@')[0]!, 'e-mail'],
        ['aaaaaaaaaaaaaaaa', 'repeated'],
      ] as const) {
        const res = await useLink(token, password);
        expect(res.statusCode, password).toBe(400);
        expect(res.json().details, password).toEqual(
          expect.arrayContaining([{ path: '/body/password', message: expect.stringContaining(message) }]),
        );
      }
      expect(await s.store.users.credentials(p.id)).toMatchObject({ passwordHash: null });
      expect((await useLink(token, PASSWORD)).statusCode).toBe(201);
    });

    it('a link for someone whose roles need TOTP sets the password, then asks for enrolment (passwordSet: true)', async () => {
      const original = s.ctx.orgs.current.config;
      await s.ctx.orgs.publish({ ...original, access: { passwords: { totpRequiredFor: ['admin'] } } }, 'test');
      try {
        const p = await person(['admin'], null);
        const res = await useLink(tokenOf((await link(p.id)).json().url), PASSWORD);
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ code: 'TOTP_NOT_ENROLLED', passwordSet: true, email: p.email });
        expect(res.headers['set-cookie']).toBeUndefined();
        const code = totpCode(res.json().totpSecret, s.clock.ms);
        expect((await signIn({ email: p.email, password: PASSWORD, totp: code })).statusCode).toBe(201);
      } finally {
        await s.ctx.orgs.publish(original, 'test');
      }
    });

    it('a link is refused for an unknown person (404) and a suspended one (409)', async () => {
      expect((await link('usr_nobody')).statusCode).toBe(404);
      const p = await person();
      const v = (await s.app.inject({ method: 'GET', url: `/v1/users/${p.id}`, headers: auth(s.tokens.admin) })).json().version;
      await s.app.inject({
        method: 'PATCH',
        url: `/v1/users/${p.id}`,
        headers: auth(s.tokens.admin),
        payload: { version: v, status: 'left' },
      });
      expect((await link(p.id)).statusCode).toBe(409);
    });
  });

  it('changing one’s password checks the current one and the rules, ends the other sessions, keeps this one', async () => {
    const p = await person();
    const here = cookieOf(await signIn({ email: p.email, password: PASSWORD }));
    const elsewhere = cookieOf(await signIn({ email: p.email, password: PASSWORD }));
    const wrong = await withCookie(here, 'PUT', '/v1/me/password', { current: 'not it', new: 'a brand new password' });
    expect([wrong.statusCode, wrong.json().details[0].path]).toEqual([400, '/body/current']);
    const weak = await withCookie(here, 'PUT', '/v1/me/password', { current: PASSWORD, new: 'short' });
    expect([weak.statusCode, weak.json().details[0].path]).toEqual([400, '/body/new']);
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(201);
    const changed = await withCookie(here, 'PUT', '/v1/me/password', { current: PASSWORD, new: 'a brand new password' });
    expect(changed.statusCode).toBe(200);
    expect((await withCookie(elsewhere, 'GET', '/v1/session')).statusCode).toBe(401);
    expect((await withCookie(here, 'GET', '/v1/session')).statusCode).toBe(401);
    expect((await withCookie(cookieOf(changed), 'GET', '/v1/session')).statusCode).toBe(200);
    expect((await signIn({ email: p.email, password: PASSWORD })).statusCode).toBe(401);
    expect((await signIn({ email: p.email, password: 'a brand new password' })).statusCode).toBe(201);
    expect((await auditOf(p.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['password.change_refused', 'password.changed']));
  });

  it('a person holding only integration-owner has no console to sign in to', async () => {
    const p = await person(['integration-owner']);
    const res = await signIn({ email: p.email, password: PASSWORD });
    expect([res.statusCode, res.json().code]).toEqual([403, 'FORBIDDEN']);
  });
});
