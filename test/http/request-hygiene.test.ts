import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_ROUTES } from '../../src/http/service-routes.ts';
import { parseTrustProxy } from '../../src/http/trust-proxy.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';
import { capturingLogger } from '../support/observability.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/** Issue 11, "everything else": cursors (B4), NUL (B5), request ids (W8), plugin 4xx (W7), bearer scheme (W11), proxies (W5). */

const pg = await postgresOrSkip();
if (pg.reason) throw new Error(pg.reason);

const STORES = [
  { name: 'sqlite', run: true, open: async () => ({ s: await startTestService({ repId: 'michael-oconnor' }), cleanup: async () => {} }) },
  {
    name: 'postgres',
    run: pg.run,
    open: async () => {
      const schema = newSchemaName();
      return { s: await startTestService({ url: PG_URL, schema, repId: 'michael-oconnor' }), cleanup: () => dropSchema(schema) };
    },
  },
] as const;

for (const kind of STORES) {
  describe.runIf(kind.run)(`request parameters on ${kind.name}`, () => {
    let s: TestService;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ s, cleanup } = await kind.open());
    });
    afterAll(async () => {
      await s.close();
      await cleanup();
    });
    const get = (url: string, token: string) => s.app.inject({ method: 'GET', url, headers: auth(token) });

    it.each(['/v1/leads', '/v1/review', '/v1/webhooks/deliveries'])(
      'B4: an unknown cursor on %s is 400 ARGUMENT_INVALID at /querystring/cursor',
      async (url) => {
        const res = await get(`${url}?cursor=nope`, s.tokens.admin);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({
          code: 'ARGUMENT_INVALID',
          details: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
        });
      },
    );

    it("B4: a rep gets the same answer for another rep's lead id as cursor as for an id that does not exist", async () => {
      // 11:00Z: the UK lead goes to a UK rep, never to the rep key's US rep (michael-oconnor).
      const posted = await s.app.inject({ method: 'POST', url: '/v1/leads', payload: ukLead(), headers: auth(s.tokens.integration) });
      expect(posted.statusCode).toBe(201);
      const lead = posted.json();
      expect(lead.status).toBe('ASSIGNED');
      expect(lead.decision.rep.id).not.toBe(s.repId);
      const other = await get(`/v1/leads?cursor=${lead.leadId}`, s.tokens.rep);
      const ghost = await get('/v1/leads?cursor=lead_does_not_exist', s.tokens.rep);
      expect(other.statusCode).toBe(400);
      expect(other.body).toBe(ghost.body);
      // The same cursor works for a role that may see the lead.
      expect((await get(`/v1/leads?cursor=${lead.leadId}`, s.tokens.ops)).statusCode).toBe(200);
    });

    it('W9: names lose bidi overrides when stored; a lone surrogate is refused with a field error', async () => {
      const posted = await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: ukLead({ person: { firstName: '\u202Eevil\u202C', lastName: 'Lee\u2066x\u2069', email: 'bidi@example.co.uk' } }),
        headers: auth(s.tokens.integration),
      });
      expect(posted.statusCode).toBe(201);
      const detail = (await get(`/v1/leads/${posted.json().leadId}`, s.tokens.ops)).json();
      expect(detail.contact).toMatchObject({ firstName: 'evil', lastName: 'Leex' });
      const stored = await s.store.personalData.get(posted.json().leadId);
      expect(stored!.contactJson).not.toMatch(/\\u202e|\u202E|\u2066/i);

      const before = (await s.store.leads.list()).length;
      // A raw body: JSON.stringify would keep "\ud800" as an escape either way, and so does this.
      const payload = JSON.stringify(ukLead({ person: { firstName: 'A\ud800', lastName: 'Lee', email: 'lone@example.co.uk' } }));
      const lone = await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload,
        headers: { ...auth(s.tokens.integration), 'content-type': 'application/json' },
      });
      expect(lone.statusCode).toBe(422);
      expect(lone.json()).toMatchObject({ code: 'LEAD_INVALID' });
      expect(lone.json().details).toContainEqual(
        expect.objectContaining({ path: expect.stringMatching(/person.+firstName$/), message: expect.stringMatching(/lone surrogate/) }),
      );
      expect((await s.store.leads.list()).length).toBe(before);
    });

    it('B5: NUL in a JSON body is refused at its path, never stored', async () => {
      const json = (url: string, body: string, token: string) =>
        s.app.inject({ method: 'POST', url, payload: body, headers: { ...auth(token), 'content-type': 'application/json' } });
      const key = await json('/v1/keys', JSON.stringify({ name: 'k\u0000', role: 'ops' }), s.tokens.admin);
      expect(key.statusCode).toBe(400);
      expect(key.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/body/name' }] });
      const hook = await json('/v1/webhooks', JSON.stringify({ url: 'https://example.com/a\u0000', events: ['*'] }), s.tokens.admin);
      expect(hook.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/body/url' }] });
      const lead = await json(
        '/v1/leads',
        JSON.stringify(ukLead({ person: { firstName: 'A\u0000B', lastName: 'L', email: 'nul@example.co.uk' } })),
        s.tokens.integration,
      );
      expect(lead.statusCode).toBe(422);
      expect(lead.json()).toMatchObject({ code: 'LEAD_INVALID', details: [{ path: '/body/person/firstName' }] });
      expect((await s.store.apiKeys.list()).some((k) => k.name.startsWith('k'))).toBe(false);
    });

    it.each([
      ['/v1/leads/a%00b', '/params/id'],
      ['/v1/leads?repId=a%00b', '/querystring/repId'],
      ['/v1/review/a%00b', '/params/id'],
      ['/v1/leads?cursor=a%00b', '/querystring/cursor'],
    ])('B5: NUL in %s is 400 ARGUMENT_INVALID naming the parameter', async (url, path) => {
      const res = await get(url, s.tokens.admin);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path }] });
    });
  });
}

/** A GET with the path sent exactly as given (no URL normalisation). */
async function rawGet(s: TestService, path: string): Promise<{ status: number; body: string }> {
  const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = new URL(address);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request ids, plugin errors, auth scheme, proxies', () => {
  let s: TestService;
  const { log, lines } = capturingLogger();
  const webRoot = mkdtempSync(join(tmpdir(), 'remit-web-'));
  beforeAll(async () => {
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>console</title>');
    s = await startTestService({ log, server: { webRoot } });
  });
  afterAll(async () => {
    await s.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('W8: request ids are generated by the server; a client X-Request-Id is logged apart, only when short and plain', async () => {
    const long = `req-${'A'.repeat(3000)}`;
    const spoofed = await s.app.inject({ method: 'GET', url: '/v1/leads', headers: { ...auth(s.tokens.admin), 'x-request-id': long } });
    expect(spoofed.headers['x-request-id']).toMatch(/^req/);
    expect(spoofed.headers['x-request-id']).not.toBe(long);
    expect(JSON.stringify(lines)).not.toContain('A'.repeat(100));
    const plain = await s.app.inject({
      method: 'GET',
      url: '/v1/leads',
      headers: { ...auth(s.tokens.admin), 'x-request-id': 'client-42' },
    });
    const id = plain.headers['x-request-id'];
    expect(id).not.toBe('client-42');
    const logged = lines.filter((l) => l.reqId === id);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.some((l) => l.clientRequestId === 'client-42')).toBe(true);
  });

  it('W7: a plugin 4xx stays 4xx with its catalogue code and is not logged as an error', async () => {
    const before = lines.length;
    // Over a socket: inject() would normalise the dot segments away.
    const traversal = await rawGet(s, '/docs/static/../../../../etc/passwd');
    expect(traversal.status).toBe(403);
    expect(JSON.parse(traversal.body).code).toBe('FORBIDDEN');
    const unsupported = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: 'x',
      headers: { ...auth(s.tokens.admin), 'content-type': 'application/xml' },
    });
    expect(unsupported.statusCode).toBe(415);
    const tooLarge = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: JSON.stringify({ pad: 'x'.repeat(300_000) }),
      headers: { ...auth(s.tokens.admin), 'content-type': 'application/json' },
    });
    expect(tooLarge.statusCode).toBe(413);
    expect((await s.app.inject({ method: 'GET', url: '/v1/nothing-here' })).json().code).toBe('NOT_FOUND');
    expect(lines.slice(before).filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('W11: the Bearer scheme is case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await s.app.inject({ method: 'GET', url: '/v1/leads', headers: { authorization: `${scheme} ${s.tokens.admin}` } });
      expect(res.statusCode).toBe(200);
    }
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/leads', headers: { authorization: `Basic ${s.tokens.admin}` } })).statusCode,
    ).toBe(401);
  });

  it('W5: without a trusted proxy X-Forwarded-Proto is ignored and the session cookie is not Secure', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { apiKey: s.tokens.ops },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.statusCode).toBe(201);
    expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/);
  });
});

describe('W5: --trust-proxy', () => {
  it('parses true/false, a hop count and a list of proxies', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.1, 192.168.0.0/16')).toEqual(['10.0.0.1', '192.168.0.0/16']);
  });

  it('behind a trusted proxy, X-Forwarded-Proto: https makes the session cookie Secure', async () => {
    const s = await startTestService({ server: { trustProxy: parseTrustProxy('127.0.0.1') } });
    try {
      const viaProxy = await s.app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { apiKey: s.tokens.ops },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(viaProxy.statusCode).toBe(201);
      expect(String(viaProxy.headers['set-cookie'])).toMatch(/; Secure/);
      const plainHttp = await s.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey: s.tokens.ops } });
      expect(String(plainHttp.headers['set-cookie'])).not.toMatch(/Secure/);
      const signOut = await s.app.inject({ method: 'DELETE', url: '/v1/session', headers: { 'x-forwarded-proto': 'https' } });
      expect(String(signOut.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await s.close();
    }
  });
});

describe('W6: deeply nested conditions', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startTestService();
  });
  afterAll(async () => s.close());

  const nest = (depth: number): unknown => {
    let c: unknown = { field: 'score', op: 'gte', value: 1 };
    for (let i = 1; i < depth; i++) c = { not: c };
    return c;
  };
  const withWhen = (config: { rules: Record<string, unknown>[] }, when: unknown) => ({
    ...config,
    rules: config.rules.map((r, i) => (i === 0 ? { ...r, when } : r)),
  });

  it.each([
    ['POST /v1/org/versions', '/v1/org/versions', (config: unknown) => config],
    ['POST /v1/simulations', '/v1/simulations', (config: unknown) => ({ config })],
  ])('%s: a condition nested 2,000 deep is 422 CONFIG_INVALID naming the rule, not 500', async (_name, url, body) => {
    const { config } = (await s.app.inject({ method: 'GET', url: '/v1/org', headers: auth(s.tokens.admin) })).json();
    const res = await s.app.inject({
      method: 'POST',
      url,
      payload: body(withWhen(config, nest(2_000))) as object,
      headers: auth(s.tokens.admin),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CONFIG_INVALID');
    expect(res.json().details).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/rules.0.\.?when/), message: expect.stringMatching(/at most 32 levels/) }),
    );
  });
});

describe('W6: a stack overflow while handling a request', () => {
  it("is the input's fault (4xx with the route's invalid-input code), not 500", async () => {
    const overflow = (app: FastifyInstance) => {
      app.post('/v1/test/overflow', { config: { invalidCode: 'CONFIG_INVALID' } }, () => {
        throw new RangeError('Maximum call stack size exceeded');
      });
      app.post('/v1/test/overflow-plain', () => {
        throw new RangeError('Maximum call stack size exceeded');
      });
    };
    const s = await startTestService({ server: { routes: [...SERVICE_ROUTES, overflow] } });
    try {
      const withCode = await s.app.inject({ method: 'POST', url: '/v1/test/overflow', payload: {} });
      expect(withCode.statusCode).toBe(422);
      expect(withCode.json().code).toBe('CONFIG_INVALID');
      const plain = await s.app.inject({ method: 'POST', url: '/v1/test/overflow-plain', payload: {} });
      expect(plain.statusCode).toBe(400);
      expect(plain.json().code).toBe('ARGUMENT_INVALID');
    } finally {
      await s.close();
    }
  });
});

describe('W10: one error-detail format (JSON Pointer into the request)', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startTestService();
  });
  afterAll(async () => s.close());
  const postJson = (url: string, body: string) =>
    s.app.inject({ method: 'POST', url, payload: body, headers: { ...auth(s.tokens.integration), 'content-type': 'application/json' } });
  const paths = (details: { path: string; message: string }[]) => details.map((d) => d.path);

  it('schema validation, normalisation and query errors share the prefix rule', async () => {
    const schema = await postJson(
      '/v1/leads',
      JSON.stringify(ukLead({ person: { firstName: 'A', lastName: 'B', email: 'a@b.co.uk', dateOfBirth: '17/05/1980' }, colour: 'red' })),
    );
    expect(schema.statusCode).toBe(422);
    expect(paths(schema.json().details)).toEqual(expect.arrayContaining(['/body/person/dateOfBirth', '/body/colour']));
    const normalised = await postJson(
      '/v1/leads',
      JSON.stringify(ukLead({ person: { firstName: 'A', lastName: 'B', email: 'not-an-email@' } })),
    );
    expect(normalised.statusCode).toBe(422);
    expect(normalised.json().details).toEqual([expect.objectContaining({ path: '/body/person/email' })]);
    const query = await s.app.inject({ method: 'GET', url: '/v1/leads?limit=0', headers: auth(s.tokens.admin) });
    expect(query.statusCode).toBe(400);
    expect(paths(query.json().details)).toEqual(['/querystring/limit']);
  });

  it('batch items carry the full path and a message, for shape and normalisation errors alike', async () => {
    const leads = [
      ukLead({ person: { firstName: 'B0', lastName: 'X', email: 'b0@example.org' } }),
      ukLead({ person: { firstName: 'B1', lastName: 'X', email: 'b1@example.org', dateOfBirth: 'yesterday' } }),
      ukLead({ person: { firstName: 'B2', lastName: 'X', phone: '+44 123' } }),
    ];
    const res = await postJson('/v1/leads:batch', JSON.stringify({ leads }));
    expect(res.statusCode).toBe(200);
    const [, shape, normalised] = res.json().results;
    expect(shape.error).toMatchObject({
      code: 'LEAD_INVALID',
      details: [{ path: '/body/leads/1/person/dateOfBirth', message: expect.any(String) }],
    });
    expect(shape.error.details[0].message.length).toBeGreaterThan(0);
    expect(normalised.error).toMatchObject({
      code: 'LEAD_INVALID',
      details: [{ path: '/body/leads/2/person/phone', message: expect.stringMatching(/\+44 123/) }],
    });
  });

  it('a "__proto__" key gets a precise message, not "not valid JSON"', async () => {
    const res = await postJson('/v1/leads', '{"source":"api","person":{"__proto__":{"admin":true}}}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INPUT_UNREADABLE', details: [{ path: '/body/person/__proto__' }] });
    expect(res.json().message).toMatch(/"__proto__"/);
    expect(res.json().message).not.toMatch(/not valid JSON/);
    const ctor = await postJson('/v1/leads', '{"constructor":{"prototype":{"admin":true}}}');
    expect(ctor.json()).toMatchObject({ code: 'INPUT_UNREADABLE', details: [{ path: '/body/constructor/prototype' }] });
    // Real syntax errors still say what is wrong, and an empty body is still refused.
    expect((await postJson('/v1/leads', '{"source":')).json()).toMatchObject({
      code: 'INPUT_UNREADABLE',
      message: expect.stringMatching(/^malformed body: /),
    });
    expect((await postJson('/v1/leads', '')).json().code).toBe('INPUT_UNREADABLE');
  });
});
