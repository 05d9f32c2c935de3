import { authenticate } from '../../src/app/access/api-keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStart, licenceMatrix, refusalsByReason, repLicences } from '../../src/app/queries/console-queries.ts';
import { AT, baseConfig, compile } from '../support/org-builder.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/** Issue 7: the console's read endpoints (licence matrix, fairness, refusals) and session sign-in. */

type Cfg = ReturnType<typeof baseConfig> & { licences: Record<string, unknown>[] };

describe('licence matrix on a small config', () => {
  const cell = (m: ReturnType<typeof licenceMatrix>, team: string, line: string, j: string) =>
    m.teams
      .find((t) => t.id === team)!
      .rows.find((r) => r.productLine === line)!
      .cells.find((c) => c.jurisdiction === j)!;

  it('columns are the mandate jurisdictions; cells combine firm and individual grants', () => {
    const m = licenceMatrix(compile(), AT, 30);
    expect(m.jurisdictions).toEqual(['GB', 'US-TX']);
    expect(m.teams.map((t) => t.id)).toEqual(['uk-1', 'uk-2', 'us-tx']);
    expect(cell(m, 'uk-1', 'investments', 'GB')).toMatchObject({
      status: 'covered',
      inMandate: true,
      firmGrants: [{ id: 'fca-uk', state: 'valid' }],
      licensedReps: [
        { repId: 'alice', expiring: false },
        { repId: 'bob', expiring: false },
      ],
    });
    // A country-wide FINRA grant covers Texas; only val holds series 6.
    expect(cell(m, 'us-tx', 'securities', 'US-TX')).toMatchObject({
      status: 'covered',
      firmGrants: [{ id: 'finra-us' }],
      licensedReps: [{ repId: 'val' }],
    });
    expect(cell(m, 'uk-1', 'investments', 'US-TX')).toMatchObject({ inMandate: false, status: 'none' });
    expect(m.expiringSoon).toEqual([]);
    expect(m.expired).toEqual([]);
  });

  it('the horizon turns certificates ending within it into expiring-soon', () => {
    // The UK certificates end 2026-12-31 (24:00 UTC): 37 days after AT.
    const m = licenceMatrix(compile(), AT, 60);
    expect(cell(m, 'uk-1', 'investments', 'GB').status).toBe('expiring');
    expect(m.expiringSoon.map((g) => g.id).sort()).toEqual(['cert-alice', 'cert-bob', 'cert-carol']);
    expect(m.expiringSoon[0]).toMatchObject({ state: 'expiring', daysLeft: 37, holder: { kind: 'individual' } });
    expect(licenceMatrix(compile(), AT, 36).expiringSoon).toEqual([]);
  });

  it('expired individual grants, a missing firm grant and an expired firm grant', () => {
    const cfg = baseConfig() as Cfg;
    cfg.licences = cfg.licences
      .filter((g) => g.id !== 'finra-us')
      .map((g) =>
        g.id === 'cert-bob' || g.id === 'cert-carol'
          ? { ...g, validFrom: '2025-01-01', validTo: '2025-12-31' }
          : g.id === 'tdi-tx'
            ? { ...g, validTo: '2026-06-30' }
            : g,
      );
    const m = licenceMatrix(compile(cfg), AT, 30);
    expect(cell(m, 'uk-1', 'investments', 'GB')).toMatchObject({
      status: 'covered',
      licensedReps: [{ repId: 'alice' }],
      expiredReps: ['bob'],
    });
    expect(cell(m, 'uk-2', 'investments', 'GB')).toMatchObject({ status: 'expired', licensedReps: [], expiredReps: ['carol'] });
    expect(cell(m, 'us-tx', 'securities', 'US-TX')).toMatchObject({ status: 'none', firmGrants: [] });
    expect(cell(m, 'us-tx', 'life', 'US-TX')).toMatchObject({ status: 'expired', firmGrants: [{ id: 'tdi-tx', state: 'expired' }] });
    expect(m.expired.map((g) => g.id).sort()).toEqual(['cert-bob', 'cert-carol', 'tdi-tx']);
    expect(m.counts).toEqual({ covered: 1, expiring: 0, no_licensed_rep: 0, expired: 3, none: 1 });
  });

  it("a team with a firm grant but no licensed rep; a rep's drill-down", () => {
    const cfg = baseConfig() as Cfg;
    cfg.licences = cfg.licences.filter((g) => g.id !== 'cert-carol');
    expect(cell(licenceMatrix(compile(cfg), AT, 30), 'uk-2', 'investments', 'GB').status).toBe('no_licensed_rep');
    const val = repLicences(compile(), 'val', AT, 30)!;
    expect(val.rep).toMatchObject({ id: 'val', teamId: 'us-tx', teamName: 'Texas' });
    expect(val.grants.map((g) => [g.id, g.state])).toEqual([
      ['val-life', 'valid'],
      ['val-s6', 'valid'],
    ]);
    expect(val.firmGrants.map((g) => g.id).sort()).toEqual(['finra-us', 'tdi-tx']);
    expect(repLicences(compile(), 'tex', AT, 30)!.appointments).toMatchObject([{ id: 'ap-tex', carrier: 'carrier-a', state: 'valid' }]);
    expect(repLicences(compile(), 'nobody', AT, 30)).toBeUndefined();
  });
});

describe('refusals by reason (pure)', () => {
  const rec = (outcome: string, at: string, codes: string[]) => ({
    decisionId: `d-${at}-${codes.join()}`,
    leadId: 'l',
    outcome: outcome as 'REFUSED',
    teamId: null,
    repId: null,
    orgHash: 'h',
    decidedAt: at,
    documentJson: JSON.stringify({ reasons: codes.map((code) => ({ code, detail: '' })) }),
  });
  it('counts each decision once per distinct code, per bucket; ignores other outcomes and the window', () => {
    const r = refusalsByReason(
      [
        rec('REFUSED', '2026-11-23T10:00:00.000Z', ['A', 'A', 'B']),
        rec('REFUSED', '2026-11-24T10:00:00.000Z', ['A']),
        rec('HELD', '2026-11-24T11:00:00.000Z', ['S']),
        rec('ASSIGNED', '2026-11-24T12:00:00.000Z', []),
        rec('REFUSED', '2026-11-25T00:00:00.000Z', ['A']),
      ],
      { bucket: 'day', to: '2026-11-25T00:00:00.000Z' },
    );
    expect(r.totals).toEqual({ REFUSED: 2, HELD: 1 });
    expect(r.buckets).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z']);
    expect(r.byReason).toEqual([
      { outcome: 'REFUSED', reasonCode: 'A', count: 2, lastAt: '2026-11-24T10:00:00.000Z' },
      { outcome: 'REFUSED', reasonCode: 'B', count: 1, lastAt: '2026-11-23T10:00:00.000Z' },
      { outcome: 'HELD', reasonCode: 'S', count: 1, lastAt: '2026-11-24T11:00:00.000Z' },
    ]);
    expect(bucketStart('2026-11-26T15:30:00.000Z', 'week')).toBe('2026-11-23T00:00:00.000Z');
    expect(bucketStart('2026-11-26T15:30:00.000Z', 'hour')).toBe('2026-11-26T15:00:00.000Z');
  });
});

describe('console endpoints over HTTP (example org)', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startTestService({ repId: 'amelia-hughes' });
  });
  afterAll(async () => s.close());
  const get = (url: string, token: string) => s.app.inject({ method: 'GET', url, headers: auth(token) });
  const ingest = async (payload: Record<string, unknown>) => {
    const res = await s.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(s.tokens.integration), payload });
    expect(res.statusCode).toBe(201);
    return res.json() as { leadId: string; status: string; decision: { rep: { id: string } | null } };
  };

  it('GET /v1/licences/matrix: coverage, the expired certificate and the horizon', async () => {
    const res = await get('/v1/licences/matrix?horizonDays=30', s.tokens.compliance);
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.at).toBe('2026-11-24T11:00:00.000Z');
    const everyday = m.teams.find((t: { id: string }) => t.id === 'uk-everyday');
    const gb = everyday.rows
      .find((r: { productLine: string }) => r.productLine === 'investments')
      .cells.find((c: { jurisdiction: string }) => c.jurisdiction === 'GB');
    expect(gb.status).toBe('covered');
    // hannah-price's certificate ran to 2026-10-31.
    expect(m.expired.map((g: { id: string }) => g.id)).toContain('fca-cert-hannah-price');
    // The example's grants in force run to 2099-12-31, so nothing is expiring now; seen from 2099-11-24 the Irish MCC
    // certificates end in 37 days: inside a 60-day horizon, not a 30-day one.
    expect(m.expiringSoon).toEqual([]);
    const late = (await get('/v1/licences/matrix?horizonDays=30&at=2099-11-24T11:00:00Z', s.tokens.ops)).json();
    expect(late.expiringSoon.map((g: { id: string }) => g.id)).not.toContain('cbi-mcc-aoife-byrne-ie');
    const wide = (await get('/v1/licences/matrix?horizonDays=60&at=2099-11-24T11:00:00Z', s.tokens.ops)).json();
    expect(wide.expiringSoon.map((g: { id: string }) => g.id)).toContain('cbi-mcc-aoife-byrne-ie');
    expect((await get('/v1/licences/matrix?horizonDays=-1', s.tokens.ops)).statusCode).toBe(400);
  });

  it('GET /v1/reps/:repId/licences: drill-down; 404 for an unknown rep', async () => {
    const res = await get('/v1/reps/hannah-price/licences', s.tokens.admin);
    expect(res.statusCode).toBe(200);
    expect(res.json().grants).toMatchObject([{ id: 'fca-cert-hannah-price', state: 'expired', daysLeft: -24 }]);
    expect((await get('/v1/reps/nobody/licences', s.tokens.admin)).json().code).toBe('NOT_FOUND');
  });

  it('GET /v1/metrics/fairness: assignments per rep against the weighted target', async () => {
    const before = (await get('/v1/metrics/fairness', s.tokens.ops)).json();
    expect(before.reps).toEqual([]);
    for (let i = 0; i < 4; i++) {
      const r = await ingest(ukLead({ person: { firstName: 'Fair', lastName: `Ness${i}`, email: `fair${i}@example.org` } }));
      expect(r.status).toBe('ASSIGNED');
    }
    const f = (await get('/v1/metrics/fairness', s.tokens.ops)).json();
    type Row = { repId: string; weight: number; assigned: number; target: number; deviation: number; open: number };
    type Pool = { pool: string; assigned: number; maxAbsDeviation: number; reps: Row[] };
    const pool = (f.pools as Pool[]).find((p) => p.pool === 'uk-everyday')!;
    // The weighted targets of a pool share out exactly the leads its round robin placed.
    expect(pool.reps.reduce((n, r) => n + r.target, 0)).toBeCloseTo(pool.assigned, 2);
    expect(pool.assigned).toBeGreaterThan(0);
    for (const r of pool.reps) expect(r.deviation).toBeCloseTo(r.assigned - r.target, 2);
    expect(pool.maxAbsDeviation).toBeCloseTo(Math.max(...pool.reps.map((r) => Math.abs(r.deviation))), 3);
    // Weights come from the org (amelia-hughes and priya-shah 2, oliver-bennett 1); every assignment counts as open load.
    const rows = Object.fromEntries((f.reps as Row[]).map((r) => [r.repId, r]));
    expect(rows['amelia-hughes']).toMatchObject({ weight: 2, teamId: 'uk-everyday' });
    expect(rows['priya-shah']).toMatchObject({ weight: 2 });
    expect((f.reps as Row[]).reduce((n, r) => n + r.open, 0)).toBe(4);
    // No rep is more than one lead away from their weighted share.
    expect(pool.maxAbsDeviation).toBeLessThan(1);
  });

  it('GET /v1/metrics/refusals: refusals by reason, bucketed, with a window', async () => {
    for (let i = 0; i < 2; i++)
      await ingest(
        ukLead({ address: { country: 'BR' }, person: { firstName: 'Ref', lastName: `Used${i}`, email: `refused${i}@example.org` } }),
      );
    const r = (await get('/v1/metrics/refusals?bucket=day', s.tokens.compliance)).json();
    expect(r.totals).toEqual({ REFUSED: 2, HELD: 0 });
    expect(r.byReason).toEqual([
      { outcome: 'REFUSED', reasonCode: 'JURISDICTION_NOT_LICENSED', count: 2, lastAt: '2026-11-24T11:00:00.000Z' },
    ]);
    expect(r.series).toEqual([
      { bucket: '2026-11-24T00:00:00.000Z', outcome: 'REFUSED', reasonCode: 'JURISDICTION_NOT_LICENSED', count: 2 },
    ]);
    const later = (await get('/v1/metrics/refusals?from=2026-11-24T12:00:00Z', s.tokens.compliance)).json();
    expect(later.totals).toEqual({ REFUSED: 0, HELD: 0 });
    expect((await get('/v1/metrics/refusals', s.tokens.rep)).statusCode).toBe(403);
  });
});

describe('session sign-in (cookie)', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startTestService({ repId: 'amelia-hughes' });
  });
  afterAll(async () => s.close());

  const signIn = async (apiKey: string) => s.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey } });
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0]!;
  const withCookie = (
    cookie: string,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    extra: Record<string, string> = {},
    payload?: unknown,
  ) =>
    s.app.inject({
      method,
      url,
      headers: { cookie, ...extra },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });

  it('POST /v1/session sets an HttpOnly, SameSite=Strict cookie bound to the role; the cookie authenticates API calls', async () => {
    const res = await signIn(s.tokens.compliance);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ role: 'compliance', repId: null });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^remit_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(setCookie).not.toContain(s.tokens.compliance);
    const cookie = cookieOf(res);
    expect((await withCookie(cookie, 'GET', '/v1/session')).json()).toMatchObject({ role: 'compliance', repId: null });
    expect((await withCookie(cookie, 'GET', '/v1/review')).statusCode).toBe(200);
    // Role enforcement is the key's: compliance may not manage keys.
    expect((await withCookie(cookie, 'GET', '/v1/keys')).json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a rep session sees only its leads and is refused the review queue (403)', async () => {
    const cookie = cookieOf(await signIn(s.tokens.rep));
    expect((await withCookie(cookie, 'GET', '/v1/session')).json()).toMatchObject({ role: 'rep', repId: 'amelia-hughes' });
    const review = await withCookie(cookie, 'GET', '/v1/review');
    expect(review.statusCode).toBe(403);
    expect(review.json().code).toBe('FORBIDDEN');
    expect((await withCookie(cookie, 'GET', '/v1/leads')).statusCode).toBe(200);
  });

  it('wrong, revoked and integration keys cannot sign in', async () => {
    expect((await signIn('remit_nope')).statusCode).toBe(401);
    expect((await signIn('')).statusCode).toBe(400);
    const integration = await signIn(s.tokens.integration);
    expect(integration.statusCode).toBe(403);
    expect(integration.headers['set-cookie']).toBeUndefined();
  });

  it('no cookie or a forged one is 401; a cross-origin write with the cookie is refused', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/v1/review' })).statusCode).toBe(401);
    expect((await withCookie('remit_session=forged', 'GET', '/v1/review')).statusCode).toBe(401);
    const cookie = cookieOf(await signIn(s.tokens.compliance));
    const crossSite = await withCookie(
      cookie,
      'POST',
      '/v1/leads/x/exceptions',
      { origin: 'https://evil.example', host: 'localhost:8080' },
      { reason: 'please' },
    );
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().message).toContain('cross-origin');
    const sameSite = await withCookie(
      cookie,
      'POST',
      '/v1/leads/x/exceptions',
      { origin: 'http://localhost:8080', host: 'localhost:8080' },
      { reason: 'please' },
    );
    expect(sameSite.json().code).toBe('NOT_FOUND');
  });

  it('DELETE /v1/session signs out: the cookie is cleared and no longer accepted', async () => {
    const cookie = cookieOf(await signIn(s.tokens.ops));
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(200);
    const out = await withCookie(cookie, 'DELETE', '/v1/session');
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^remit_session=; .*Max-Age=0/);
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(401);
  });

  it('revoking the API key ends its sessions', async () => {
    const created = (
      await s.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(s.tokens.admin), payload: { name: 'temp', role: 'ops' } })
    ).json();
    const cookie = cookieOf(await signIn(created.token));
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(200);
    await s.app.inject({ method: 'DELETE', url: `/v1/keys/${created.key.id}`, headers: auth(s.tokens.admin) });
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(401);
  });

  it('sessions are shared by every instance on the store (a load balancer may send each request elsewhere)', async () => {
    const { buildServer } = await import('../../src/http/build-server.ts');
    const { SERVICE_ROUTES } = await import('../../src/http/service-routes.ts');
    const other = await buildServer({ ctx: s.ctx, routes: SERVICE_ROUTES });
    try {
      const cookie = cookieOf(await signIn(s.tokens.compliance));
      const elsewhere = await other.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
      expect(elsewhere.statusCode).toBe(200);
      expect(elsewhere.json()).toMatchObject({ role: 'compliance' });
      // Signing out on one instance ends the session on all of them.
      await other.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie } });
      expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(401);
      // The cookie value itself is never stored, only its hash.
      expect(JSON.stringify(await s.store.sessions.get(cookie.split('=')[1]!))).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('a session expires after its time to live', async () => {
    const { SessionStore } = await import('../../src/http/session-store.ts');
    let now = 0;
    const sessions = new SessionStore({ store: s.store, ttlMs: 1000, now: () => now });
    const ops = await authenticate(s.store, s.tokens.ops);
    const { id } = await sessions.create({ userId: ops!.userId, method: 'key', apiKey: s.tokens.ops });
    expect(await sessions.resolve(id)).toMatchObject({ roles: ['ops'] });
    now = 1000;
    expect(await sessions.resolve(id)).toBeNull();
  });
});
