import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/access/roles.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * docs/operations.md: the full role × endpoint matrix. The intended policy is written down here,
 * independently of the route modules; every operation in the OpenAPI document must have an entry
 * (a new endpoint without one fails this test), and every entry must be in the document.
 * For each operation: no key → 401 UNAUTHENTICATED, a role outside the policy → 403 FORBIDDEN, a
 * role inside it → neither (the request reaches the handler; with an empty body it then fails
 * validation or finds nothing, which is fine: the point is that authorisation let it through).
 */

const ROLES: readonly Role[] = ['admin', 'ops', 'compliance', 'rep', 'integration'];
/**
 * 'public': no key needed, answers 200 (health, readiness). 'self-authenticated': no API key (HTML
 * forms, signed CRM webhooks authenticate with their own form/source configuration and signature),
 * so the API key and its role must make no difference, and an unknown form/source is never accepted.
 */
type Policy = readonly Role[] | 'public' | 'self-authenticated';

const ANALYSTS = ['admin', 'ops', 'compliance'] as const;
const POLICY: Readonly<Record<string, Policy>> = {
  'GET /health': 'public',
  'GET /ready': 'public',
  // Prometheus metrics: operational detail, for admin and ops keys (or the REMIT_METRICS_TOKEN bearer, tested in
  // metrics-prometheus.test.ts).
  'GET /metrics': ['admin', 'ops'],
  // Keys: only admins manage keys.
  'POST /v1/keys': ['admin'],
  'GET /v1/keys': ['admin'],
  'DELETE /v1/keys/{id}': ['admin'],
  // People (docs/access.md): admins manage them; compliance may read who holds which role; anyone signed in may mint or revoke
  // their own keys (whose role they must hold; someone else's: admin only, checked in the handler).
  'POST /v1/users': ['admin'],
  'GET /v1/users': ['admin', 'compliance'],
  'GET /v1/users/{id}': ['admin', 'compliance'],
  'PATCH /v1/users/{id}': ['admin'],
  'POST /v1/users/{id}/keys': ['admin', 'ops', 'compliance', 'rep'],
  'DELETE /v1/users/{id}/keys/{keyId}': ['admin', 'ops', 'compliance', 'rep'],
  // Local credentials (docs/access.md): admins unlock people and hand out sign-in links; anyone signed in manages their own.
  'POST /v1/users/{id}/unlock': ['admin'],
  'POST /v1/users/{id}/sign-in-link': ['admin'],
  'PUT /v1/me/password': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/me/totp': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/me/totp/confirm': ['admin', 'ops', 'compliance', 'rep'],
  'DELETE /v1/me/totp': ['admin', 'ops', 'compliance', 'rep'],
  // Org data and rules: read by admin/ops/compliance, published by admin only.
  'GET /v1/org': ANALYSTS,
  'GET /v1/org/versions': ANALYSTS,
  'GET /v1/org/versions/{hash}': ANALYSTS,
  'POST /v1/org/versions': ['admin'],
  // Maker-checker drafts (docs/access.md): made by admin; approved or rejected by admin or compliance (the org's approverRoles decide).
  'POST /v1/org/drafts': ['admin'],
  'GET /v1/org/drafts': ANALYSTS,
  'GET /v1/org/drafts/{id}': ANALYSTS,
  'POST /v1/org/drafts/{id}/approve': ['admin', 'compliance'],
  'POST /v1/org/drafts/{id}/reject': ['admin', 'compliance'],
  'POST /v1/simulations': ['admin', 'ops'],
  // Round-robin pools (docs/operations.md "Pools"): the ledger for analysts; reset and recalibrate steer routing, so admin and ops.
  'GET /v1/pools': ANALYSTS,
  'GET /v1/pools/{id}': ANALYSTS,
  'POST /v1/pools/{id}/reset': ['admin', 'ops'],
  'POST /v1/pools/{id}/recalibrate': ['admin', 'ops'],
  // The Roster page's reads (docs/operations.md "The Roster page"): analysts; compliance sees it read-only.
  'GET /v1/roster': ANALYSTS,
  'GET /v1/roster/alerts': ANALYSTS,
  'GET /v1/roster/reps/{repId}': ANALYSTS,
  // Ingestion: integration may ONLY do this; ops and admin may too (manual entry, imports).
  'POST /v1/leads': ['admin', 'ops', 'integration'],
  'POST /v1/leads:batch': ['admin', 'ops', 'integration'],
  // Reading leads: reps too (only their own, checked below); never integration.
  'GET /v1/leads': ['admin', 'ops', 'compliance', 'rep'],
  'GET /v1/leads/{id}': ['admin', 'ops', 'compliance', 'rep'],
  // Review queue: visible to admin/ops/compliance; only compliance decides.
  'GET /v1/review': ANALYSTS,
  'GET /v1/review/{id}': ANALYSTS,
  'POST /v1/review/{id}/approve': ['compliance'],
  'POST /v1/review/{id}/reject': ['compliance'],
  'POST /v1/leads/{id}/exceptions': ANALYSTS,
  // Reassignment (issue 14): ops and admins move leads (eligible reps only, else a review); compliance may read an operation.
  'POST /v1/reassignments': ['admin', 'ops'],
  'GET /v1/reassignments/{id}': ANALYSTS,
  'POST /v1/leads/{id}/reassign': ['admin', 'ops'],
  // Accounts.
  'POST /v1/accounts:import': ['admin', 'ops'],
  'GET /v1/accounts': ANALYSTS,
  // Webhooks: subscribing (secrets) is admin only; deliveries and re-drive for ops too.
  'POST /v1/webhooks': ['admin'],
  'GET /v1/webhooks': ['admin', 'ops'],
  'DELETE /v1/webhooks/{id}': ['admin'],
  'GET /v1/webhooks/deliveries': ['admin', 'ops'],
  'POST /v1/webhooks/deliveries/{id}/redrive': ['admin', 'ops'],
  // Notifications: the dead-letter list and redrive, like webhook deliveries.
  'GET /v1/notifications': ['admin', 'ops'],
  'GET /v1/crm/writebacks': ['admin', 'ops'],
  'POST /v1/crm/writebacks/{id}/redrive': ['admin', 'ops'],
  'POST /v1/notifications/{id}/redrive': ['admin', 'ops'],
  'PUT /v1/me/notifications': ['admin', 'ops', 'compliance', 'rep'],
  // One's own preferences and console inbox: every person, only their own (docs/notifications.md).
  'GET /v1/me/notifications': ['admin', 'ops', 'compliance', 'rep'],
  'GET /v1/me/inbox': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/me/inbox/read-all': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/me/inbox/{id}/read': ['admin', 'ops', 'compliance', 'rep'],
  // Screening (C1, C2): dispositions are compliance's alone; lists and re-screening for admin too.
  'GET /v1/screening/lists': ANALYSTS,
  'POST /v1/screening/lists:reload': ['admin', 'compliance'],
  'POST /v1/screening/lists:reload/{id}/approve': ['admin', 'compliance'],
  'POST /v1/screening:rescreen': ['admin', 'compliance'],
  // Delta re-screening jobs (docs/screening.md "Re-screen jobs"): whoever sees the lists sees what their changes re-screened.
  'GET /v1/screening/rescreens': ANALYSTS,
  'GET /v1/screening/rescreens/{id}': ANALYSTS,
  'POST /v1/leads/{id}/screening/dispositions': ['compliance'],
  // Source adapters (I2): form posts and CRM webhooks carry no API key.
  'GET /v1/forms': ['admin', 'ops'],
  'POST /v1/forms/{formId}': 'self-authenticated',
  'GET /v1/forms/{formId}/token': 'self-authenticated',
  'POST /v1/sources/hubspot/{sourceId}': 'self-authenticated',
  'POST /v1/sources/salesforce/{sourceId}': 'self-authenticated',
  // Console sessions (docs/console.md): sign-in authenticates with the key in its body; sign-out needs nothing.
  'POST /v1/session': 'self-authenticated',
  'POST /v1/session/link': 'self-authenticated',
  'GET /v1/session': ['admin', 'ops', 'compliance', 'rep'],
  'DELETE /v1/session': 'public',
  // Single sign-on (docs/access.md): the providers list is public; the login and the callback authenticate through the identity
  // provider (here none is configured: SSO_UNAVAILABLE, never UNAUTHENTICATED).
  'GET /v1/auth/providers': 'public',
  'GET /v1/auth/oidc/login': 'self-authenticated',
  'GET /v1/auth/oidc/callback': 'self-authenticated',
  // Console read models: licence matrix, fairness ledger, refusals by reason.
  'GET /v1/licences/matrix': ANALYSTS,
  'GET /v1/reps/{repId}/licences': ANALYSTS,
  // Rep presence (docs/access.md): a rep reads and sets their own only (checked in the handler); ops and admin anyone's.
  'GET /v1/reps/{repId}/presence': ['admin', 'ops', 'compliance', 'rep'],
  'PUT /v1/reps/{repId}/presence': ['admin', 'ops', 'rep'],
  'GET /v1/metrics/fairness': ANALYSTS,
  'GET /v1/metrics/refusals': ANALYSTS,
  // Lifecycle and outreach (docs/conduct.md): whoever works the lead (reps: own leads only); opt-outs and consents may be taken by
  // compliance too.
  'POST /v1/leads/{id}/transitions': ['admin', 'ops', 'rep'],
  'POST /v1/leads/{id}/facts': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/leads/{id}/outreach-check': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/leads/{id}/outreach': ['admin', 'ops', 'rep'],
  'POST /v1/leads/{id}/opt-outs': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/leads/{id}/consents': ['admin', 'ops', 'compliance', 'rep'],
  'GET /v1/leads/{id}/conduct': ['admin', 'ops', 'compliance', 'rep'],
  'POST /v1/conduct/registry-scrubs': ANALYSTS,
  'PUT /v1/conduct/promotions/{id}': ['admin', 'compliance'],
  // Speed to lead (O1).
  'GET /v1/metrics/speed-to-lead': ANALYSTS,
  // Outcomes (docs/outcomes.md): whoever works the lead records it (reps: own leads only); conversion reporting for analysts.
  'POST /v1/leads/{id}/outcome': ['admin', 'ops', 'rep'],
  'GET /v1/leads/{id}/outcomes': ['admin', 'ops', 'rep', 'compliance'],
  'GET /v1/metrics/outcomes': ANALYSTS,
  // The conversion model (docs/outcome-routing.md): analysts read it; ops and admin rebuild it now.
  'GET /v1/outcomes/model': ANALYSTS,
  'POST /v1/outcomes/model/rebuild': ['admin', 'ops'],
  // Audit trail (C6–C8): the story and checkpoints for analysts; verification, replay and erasure for admin and compliance.
  'GET /v1/leads/{id}/story': ANALYSTS,
  'GET /v1/audit/checkpoints': ANALYSTS,
  'POST /v1/audit/verify': ['admin', 'compliance'],
  'GET /v1/decisions/{id}/replay': ['admin', 'compliance'],
  'POST /v1/leads/{id}/erase': ['admin', 'compliance'],
  // Roster operations (issue 14): ops' daily work, admins too; each publishes the next org version (or a draft, per policy).
  'PATCH /v1/reps/{repId}': ['admin', 'ops'],
  'POST /v1/reps': ['admin', 'ops'],
  'PUT /v1/teams/{id}/calendar': ['admin', 'ops'],
  'POST /v1/reps/{repId}/calendar': ['admin', 'ops'],
  // Licence grants through the roster path (issue 14): proposed by an admin, always a maker-checker draft; pool membership
  // is a roster edit for ops and admins; the console's heartbeat (auto-away) comes from a rep.
  'POST /v1/reps/{repId}/licences': ['admin'],
  'POST /v1/licences/{grantId}/end': ['admin'],
  'PUT /v1/pools/{id}/members': ['admin', 'ops'],
  'PATCH /v1/pools/{id}/members': ['admin', 'ops'],
  'POST /v1/me/heartbeat': ['rep'],
};
const keyed = (p: Policy | undefined): p is readonly Role[] => Array.isArray(p);

let s: TestService;
let operations: { method: string; path: string; key: string }[];

beforeAll(async () => {
  // The rep key acts as amelia-hughes (uk-everyday), who shares UK ISA leads with priya-shah.
  s = await startTestService({ repId: 'amelia-hughes' });
  const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path, key: `${m.toUpperCase()} ${path}` })),
  );
});
afterAll(async () => s.close());

/** The catalogue code of an error answer; undefined for a non-JSON success (GET /metrics answers in Prometheus text). */
const errorCode = (res: { headers: Record<string, unknown>; json: () => unknown }) =>
  String(res.headers['content-type'] ?? '').includes('json') ? (res.json() as { code?: string }).code : undefined;

/** A concrete URL for an OpenAPI path: parameters get ids that do not exist (so allowed calls change nothing). */
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => `no-such-${name}`);

async function call(method: string, path: string, token: string | undefined, cookie?: string) {
  const headers: Record<string, string> = token ? auth(token) : cookie ? { cookie } : {};
  return s.app.inject({ method: method as 'GET', url: concrete(path), headers, ...(method === 'POST' ? { payload: {} } : {}) });
}

describe('role × endpoint matrix', () => {
  it('every operation in the OpenAPI document has a policy entry, and every entry is documented', () => {
    const documented = operations.map((o) => o.key).sort();
    expect(
      documented.filter((k) => !(k in POLICY)),
      'operations without a matrix entry',
    ).toEqual([]);
    expect(
      Object.keys(POLICY).filter((k) => !documented.includes(k)),
      'matrix entries for operations that no longer exist',
    ).toEqual([]);
    expect(documented.length).toBe(Object.keys(POLICY).length);
  });

  it('the roles each route declares (x-remit-roles in OpenAPI, docs/access.md) are exactly the policy written down here', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-remit-roles'?: Role[] }>>;
    };
    const declared = Object.fromEntries(
      operations.map((o) => [o.key, [...(doc.paths[o.path]![o.method.toLowerCase()]!['x-remit-roles'] ?? ['none'])].sort()]),
    );
    const intended = Object.fromEntries(
      operations.map((o) => {
        const policy = POLICY[o.key];
        return [o.key, keyed(policy) ? [...policy].sort() : ['none']];
      }),
    );
    expect(declared).toEqual(intended);
  });

  it('no key → 401 UNAUTHENTICATED on every protected operation; public ones answer without a key', async () => {
    for (const op of operations) {
      const res = await call(op.method, op.path, undefined);
      if (POLICY[op.key] === 'public') {
        expect(res.statusCode, op.key).toBe(200);
      } else if (POLICY[op.key] === 'self-authenticated') {
        // Unknown form/source: refused, but not for want of an API key.
        expect(res.statusCode, op.key).toBeGreaterThanOrEqual(400);
        expect(res.json().code, op.key).not.toBe('UNAUTHENTICATED');
      } else {
        expect(res.statusCode, op.key).toBe(401);
        expect(res.json(), op.key).toMatchObject({ code: 'UNAUTHENTICATED', details: [] });
      }
    }
  });

  it('an unknown, malformed or revoked key is 401, never a 403 or a pass', async () => {
    const revokedKey = (
      await s.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: auth(s.tokens.admin),
        payload: { name: 'soon revoked', role: 'admin' },
      })
    ).json();
    expect((await s.app.inject({ method: 'DELETE', url: `/v1/keys/${revokedKey.key.id}`, headers: auth(s.tokens.admin) })).statusCode).toBe(
      204,
    );
    const bad = ['remit_not-a-real-key', 'Basic abc', s.tokens.admin.slice(0, -1), revokedKey.token as string];
    for (const op of operations.filter((o) => keyed(POLICY[o.key]))) {
      for (const token of bad) {
        const res = await call(op.method, op.path, token);
        expect(res.statusCode, `${op.key} with ${token.slice(0, 12)}…`).toBe(401);
      }
    }
    // The X-Api-Key header is an alternative to Authorization: Bearer, with the same checks.
    expect((await s.app.inject({ method: 'GET', url: '/v1/keys', headers: { 'x-api-key': s.tokens.admin } })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/v1/keys', headers: { 'x-api-key': s.tokens.ops } })).statusCode).toBe(403);
  });

  for (const role of ROLES) {
    it(`${role}: allowed exactly where the policy says, 403 FORBIDDEN elsewhere`, async () => {
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const op of operations) {
        const policy = POLICY[op.key];
        if (!keyed(policy)) continue;
        const res = await call(op.method, op.path, s.tokens[role]);
        const code = errorCode(res);
        outcome[op.key] =
          res.statusCode === 401 || code === 'UNAUTHENTICATED'
            ? 'unauthenticated'
            : res.statusCode === 403 && code === 'FORBIDDEN'
              ? 'forbidden'
              : 'allowed';
        expected[op.key] = policy.includes(role) ? 'allowed' : 'forbidden';
        if (outcome[op.key] === 'forbidden') expect(res.json().message, op.key).toContain(`role ${role}`);
      }
      // Compared as a whole so a failure shows the full row of the matrix.
      expect(outcome).toEqual(expected);
    });
  }

  it('self-authenticated endpoints (forms, CRM webhooks) answer the same whatever API key is sent', async () => {
    for (const op of operations.filter((o) => POLICY[o.key] === 'self-authenticated')) {
      const anonymous = await call(op.method, op.path, undefined);
      for (const role of ROLES) {
        const res = await call(op.method, op.path, s.tokens[role]);
        expect([res.statusCode, res.json().code], `${op.key} as ${role}`).toEqual([anonymous.statusCode, anonymous.json().code]);
      }
    }
  });

  it("a console session cookie carries exactly its key's role (the same matrix); integration keys cannot sign in", async () => {
    const signIn = (apiKey: string) => s.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey } });
    const refused = await signIn(s.tokens.integration);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect((await signIn('remit_unknown')).statusCode).toBe(401);
    for (const role of ['admin', 'ops', 'compliance', 'rep'] as const) {
      const res = await signIn(s.tokens[role]);
      expect(res.statusCode, role).toBe(201);
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const op of operations) {
        const policy = POLICY[op.key];
        if (!keyed(policy)) continue;
        const r = await call(op.method, op.path, undefined, cookie);
        const code = errorCode(r);
        outcome[op.key] = r.statusCode === 401 ? 'unauthenticated' : r.statusCode === 403 && code === 'FORBIDDEN' ? 'forbidden' : 'allowed';
        expected[op.key] = policy.includes(role) ? 'allowed' : 'forbidden';
      }
      expect(outcome, `${role} via session cookie`).toEqual(expected);
    }
  });

  it('integration may only ingest', () => {
    const allowed = Object.entries(POLICY)
      .filter(([, p]) => keyed(p) && p.includes('integration'))
      .map(([k]) => k)
      .sort();
    expect(allowed).toEqual(['POST /v1/leads', 'POST /v1/leads:batch']);
  });

  it('only compliance may approve or reject a review', () => {
    expect(POLICY['POST /v1/review/{id}/approve']).toEqual(['compliance']);
    expect(POLICY['POST /v1/review/{id}/reject']).toEqual(['compliance']);
  });
});

describe('a rep sees only the leads assigned to them', () => {
  const ids: { mine: string[]; others: string[]; unassigned: string[] } = { mine: [], others: [], unassigned: [] };

  beforeAll(async () => {
    // UK ISA leads at 11:00 London alternate between amelia-hughes and priya-shah (uk-everyday round robin).
    for (let i = 0; i < 6; i++) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        headers: auth(s.tokens.integration),
        payload: ukLead({ person: { firstName: 'Vis', lastName: `Ibility${i}`, email: `vis${i}@example.org` } }),
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.status).toBe('ASSIGNED');
      (body.decision.rep.id === s.repId ? ids.mine : ids.others).push(body.leadId);
    }
    const refused = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: auth(s.tokens.integration),
      payload: ukLead({ address: { country: 'BR' }, person: { firstName: 'Vis', lastName: 'Refused', email: 'vis.refused@example.org' } }),
    });
    expect(refused.json().status).toBe('REFUSED');
    ids.unassigned.push(refused.json().leadId);
    expect(ids.mine.length).toBeGreaterThan(0);
    expect(ids.others.length).toBeGreaterThan(0);
  });

  it("GET /v1/leads/:id: their own lead 200; another rep's or an unassigned lead 404 (not 403: existence is not revealed)", async () => {
    for (const id of ids.mine) {
      const res = await s.app.inject({ method: 'GET', url: `/v1/leads/${id}`, headers: auth(s.tokens.rep) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, repId: s.repId });
    }
    for (const id of [...ids.others, ...ids.unassigned]) {
      const res = await s.app.inject({ method: 'GET', url: `/v1/leads/${id}`, headers: auth(s.tokens.rep) });
      expect(res.statusCode, id).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      // Others do see it.
      expect((await s.app.inject({ method: 'GET', url: `/v1/leads/${id}`, headers: auth(s.tokens.compliance) })).statusCode).toBe(200);
    }
  });

  it('GET /v1/leads lists only their leads, whatever filter they pass, across pages', async () => {
    const seen: { id: string; repId: string | null }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const url: string = `/v1/leads?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await s.app.inject({ method: 'GET', url, headers: auth(s.tokens.rep) })).json();
      seen.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.map((l) => l.id).sort()).toEqual([...ids.mine].sort());
    expect(seen.every((l) => l.repId === s.repId)).toBe(true);
    const other = (await s.app.inject({ method: 'GET', url: '/v1/leads?repId=priya-shah', headers: auth(s.tokens.rep) })).json();
    expect(other.items.every((l: { repId: string }) => l.repId === s.repId)).toBe(true);
    const refusedFilter = (await s.app.inject({ method: 'GET', url: '/v1/leads?status=REFUSED', headers: auth(s.tokens.rep) })).json();
    expect(refusedFilter.items).toEqual([]);
    // Ops sees all of them.
    const all = (await s.app.inject({ method: 'GET', url: '/v1/leads?limit=500', headers: auth(s.tokens.ops) })).json();
    expect(all.items.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining([...ids.mine, ...ids.others, ...ids.unassigned]));
  });

  it('a rep key bound to a rep with no leads sees nothing', async () => {
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: auth(s.tokens.admin),
      payload: { name: 'idle rep', role: 'rep', repId: 'tom-fletcher' },
    });
    expect(created.statusCode).toBe(201);
    const token = created.json().token as string;
    expect((await s.app.inject({ method: 'GET', url: '/v1/leads', headers: auth(token) })).json().items).toEqual([]);
    expect((await s.app.inject({ method: 'GET', url: `/v1/leads/${ids.mine[0]}`, headers: auth(token) })).statusCode).toBe(404);
  });
});
