import { publishWithApproval } from '../support/org-drafts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFormToken, mintFormToken } from '../../src/app/sources/form-token.ts';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';

/**
 * W12: a form protected only by allowedOrigins accepts a forged Origin from any non-browser client.
 * A form may instead (or also) require a signed, short-lived token minted with a server-side secret.
 */

const SECRET = 'form-token-secret-0123456789abcdef';
const T0 = Date.parse('2026-11-24T11:00:00Z');

describe('form tokens', () => {
  it('accept a fresh token for its form only; refuse expired, tampered, foreign and over-long tokens', () => {
    const { token, expiresAt } = mintFormToken(SECRET, 'signed-quote', T0, 900);
    expect(expiresAt).toBe(T0 + 900_000);
    expect(checkFormToken(SECRET, 'signed-quote', token, T0 + 899_000, 900)).toBe('valid');
    expect(checkFormToken(SECRET, 'signed-quote', token, T0 + 900_000, 900)).toBe('expired');
    expect(checkFormToken(SECRET, 'other-form', token, T0, 900)).toBe('bad_signature');
    expect(checkFormToken(`${SECRET}x`, 'signed-quote', token, T0, 900)).toBe('bad_signature');
    const [v, exp, nonce, sig] = token.split('.');
    expect(checkFormToken(SECRET, 'signed-quote', [v, Number(exp) + 3600, nonce, sig].join('.'), T0, 900)).toBe('bad_signature');
    expect(checkFormToken(SECRET, 'signed-quote', [v, exp, nonce, `${sig!.slice(0, -2)}AA`].join('.'), T0, 900)).toBe('bad_signature');
    expect(checkFormToken(SECRET, 'signed-quote', 'ft1.garbage', T0, 900)).toBe('malformed');
    expect(checkFormToken(SECRET, 'signed-quote', undefined, T0, 900)).toBe('missing');
    // Minted with a day's lifetime by someone holding the secret, but the form allows 15 minutes.
    expect(checkFormToken(SECRET, 'signed-quote', mintFormToken(SECRET, 'signed-quote', T0, 86_400).token, T0, 900)).toBe('too_long_lived');
  });
});

describe('a form that requires a signed token', () => {
  let s: TestService;
  beforeAll(async () => {
    process.env.REMIT_FORM_TOKEN_SECRET_TEST = SECRET;
    s = await startTestService();
    const { config } = (await s.app.inject({ method: 'GET', url: '/v1/org', headers: auth(s.tokens.admin) })).json();
    const base = config.sources.forms.find((f: { id: string }) => f.id === 'us-life-quote');
    const signed = { ...base, id: 'signed-quote', signedToken: { secretEnv: 'REMIT_FORM_TOKEN_SECRET_TEST', ttlSeconds: 600 } };
    // A new form source is not a roster edit: the admin's change waits for a compliance officer (maker-checker).
    await publishWithApproval(
      s.app,
      { ...config, version: 'signed-forms', sources: { ...config.sources, forms: [...config.sources.forms, signed] } },
      s.tokens.admin,
      s.tokens.compliance,
    );
  });
  afterAll(async () => s.close());

  let n = 0;
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    s.app.inject({
      method: 'POST',
      url: '/v1/forms/signed-quote',
      payload: new URLSearchParams({
        first_name: 'Tok',
        last_name: `En${++n}`,
        phone: `+1 212 555 01${String(10 + n)}`,
        state: 'NY',
        ...fields,
      }).toString(),
      remoteAddress: `198.51.100.${n}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        origin: 'https://www.example-life.com',
        ...headers,
      },
    });

  it('refuses a post with a forged Origin but no token, and accepts one with a token from the endpoint', async () => {
    const forged = await post({});
    expect(forged.statusCode).toBe(403);
    expect(forged.json().message).toMatch(/form token missing/);
    const issued = await s.app.inject({ method: 'GET', url: '/v1/forms/signed-quote/token', remoteAddress: '198.51.100.200' });
    expect(issued.statusCode).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    const { token, field, expiresAt } = issued.json();
    expect(field).toBe('_form_token');
    expect(Date.parse(expiresAt)).toBe(s.clock.ms + 600_000);
    expect((await post({ _form_token: token })).statusCode).toBe(201);
    // The header works as well as the field.
    expect((await post({}, { 'x-remit-form-token': token })).statusCode).toBe(201);
  });

  it('refuses an expired or tampered token (403) and stores nothing', async () => {
    const { token } = (await s.app.inject({ method: 'GET', url: '/v1/forms/signed-quote/token', remoteAddress: '198.51.100.201' })).json();
    const before = (await s.store.leads.list()).length;
    expect((await post({ _form_token: `${token.slice(0, -3)}abc` })).json().message).toMatch(/bad signature/);
    s.clock.advance(601_000);
    const expired = await post({ _form_token: token });
    expect(expired.statusCode).toBe(403);
    expect(expired.json().message).toMatch(/form token expired/);
    expect((await s.store.leads.list()).length).toBe(before);
  });

  it('has no token endpoint for forms without signed tokens', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/v1/forms/us-life-quote/token' })).statusCode).toBe(404);
  });
});
