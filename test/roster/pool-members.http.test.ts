import { afterEach, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { publishWithApproval } from '../support/org-drafts.ts';
import { auth, type TestService } from '../http/service-harness.ts';
import { getJson, isaLead, postJson, sharedDatabase, type SharedDatabase } from './roster-support.ts';

/**
 * Pool membership as a roster change (issue 14 lane J2), over HTTP on SQLite and PostgreSQL: PUT the list, PATCH
 * one member in or out; each accepted change is the next version, visible in GET /v1/pools/:id, and a new member
 * starts at the calibrated position (no debt to catch up on: not flooded, not starved).
 */

const dialects = await bothDialects();
type Member = { rep: string; weight: number; cap: number | null; assigned: number; entitled: number; shortfall: number };
type Rule = { id: string; then: { strategy?: unknown[] } };

describe.each(dialects)('pool membership over HTTP: $factory.name', ({ factory, run: enabled, reason: why }) => {
  if (!enabled) return declareUnreachable(why);
  let db: SharedDatabase;
  afterEach(async () => db.cleanup());

  const members = (s: TestService, method: 'PUT' | 'PATCH', body: unknown, token = s.tokens.ops) =>
    s.app.inject({ method, url: '/v1/pools/uk-everyday/members', payload: body as object, headers: auth(token) });
  const pool = async (s: TestService) => (await getJson(s, '/v1/pools/uk-everyday', s.tokens.ops)) as { members: Member[]; open: boolean };
  const route = async (s: TestService, n: number) => {
    const picked: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await postJson(s, '/v1/leads', isaLead(), s.tokens.integration);
      expect(res.statusCode, res.body).toBe(201);
      picked.push(res.json().decision.rep.id);
    }
    return picked;
  };
  /** uk-everyday-banking picks by the pool alone (team priority, then the pool's weighted round robin). */
  const poolFirst = async (s: TestService) => {
    const config = structuredClone(s.ctx.orgs.current.config) as unknown as { rules: Rule[] };
    config.rules.find((r) => r.id === 'uk-everyday-banking')!.then.strategy = [
      { kind: 'team-priority' },
      { kind: 'weighted-round-robin', pool: 'uk-everyday' },
    ];
    await publishWithApproval(s.app, config, s.tokens.admin, s.tokens.compliance);
  };

  it('PUT the members, PATCH one in: visible in GET /v1/pools/:id; the joiner starts calibrated and takes its weighted share', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    await poolFirst(s);
    expect((await pool(s)).open).toBe(true);
    const put = await members(s, 'PUT', {
      members: [{ rep: 'amelia-hughes' }, { rep: 'priya-shah', weight: 1 }],
      reason: 'two-person rota',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ status: 'published', changed: true, subject: { kind: 'pool', id: 'uk-everyday' } });
    expect(put.json().diff).toEqual([
      { path: 'pools.uk-everyday.members', before: null, after: [{ rep: 'amelia-hughes' }, { rep: 'priya-shah', weight: 1 }] },
    ]);
    const view = await pool(s);
    expect(view.open).toBe(false);
    expect(view.members.map((m) => m.rep)).toEqual(['amelia-hughes', 'priya-shah']);
    const versions = (await getJson(s, '/v1/org/versions')) as { current: string };
    expect(versions.current).toBe(put.json().hash);

    const first = await route(s, 6);
    expect(new Set(first)).toEqual(new Set(['amelia-hughes', 'priya-shah']));

    const add = await members(s, 'PATCH', { add: { rep: 'oliver-bennett', weight: 1 }, reason: 'back from training' });
    expect(add.statusCode, add.body).toBe(200);
    const joined = (await pool(s)).members.find((m) => m.rep === 'oliver-bennett')!;
    // Calibrated: owed nothing for the leads routed before joining, ahead of nobody.
    expect(joined).toMatchObject({ assigned: 0, shortfall: 0 });
    const next = await route(s, 9);
    const counts = Object.fromEntries(
      ['amelia-hughes', 'priya-shah', 'oliver-bennett'].map((r) => [r, next.filter((x) => x === r).length]),
    );
    // Weights: amelia 2 (her own), priya 1, oliver 1 → 4.5, 2.25, 2.25 of 9, each within ±1.
    expect(Math.abs(counts['amelia-hughes']! - 4.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts['priya-shah']! - 2.25)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts['oliver-bennett']! - 2.25)).toBeLessThanOrEqual(1);

    const removed = await members(s, 'PATCH', { remove: 'priya-shah', reason: 'moved to wealth' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await pool(s)).members.map((m) => m.rep)).toEqual(['amelia-hughes', 'oliver-bennett']);
    expect(new Set(await route(s, 4))).toEqual(new Set(['amelia-hughes', 'oliver-bennett']));
  });

  it('bad input: field errors, nothing changed; compliance and reps may not edit', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const hash = s.ctx.orgs.current.hash;
    const cases: ['PUT' | 'PATCH', unknown, number, string, string[]][] = [
      ['PUT', { members: [{ rep: 'amelia-hughes' }] }, 400, 'ARGUMENT_INVALID', ['/body/reason']],
      ['PUT', { members: [{ rep: 'amelia-hughes', weight: -1 }], reason: 'x' }, 400, 'ARGUMENT_INVALID', ['/body/members/0/weight']],
      ['PUT', { members: [{ rep: 'nobody' }], reason: 'x' }, 422, 'ROSTER_CHANGE_INVALID', ['/members/0/rep']],
      [
        'PUT',
        { members: [{ rep: 'amelia-hughes' }, { rep: 'amelia-hughes' }], reason: 'x' },
        422,
        'ROSTER_CHANGE_INVALID',
        ['/members/1/rep'],
      ],
      ['PATCH', { add: { rep: 'amelia-hughes' }, remove: 'priya-shah', reason: 'x' }, 400, 'ARGUMENT_INVALID', ['/body']],
      ['PATCH', { add: { rep: 'amelia-hughes' }, reason: 'x' }, 422, 'ROSTER_CHANGE_INVALID', ['/add']],
    ];
    for (const [method, body, status, code, paths] of cases) {
      const res = await members(s, method, body);
      expect(res.statusCode, `${method} ${JSON.stringify(body)} → ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      expect(res.json().details.map((d: { path: string }) => d.path)).toEqual(paths);
    }
    const missing = await s.app.inject({
      method: 'PUT',
      url: '/v1/pools/no-such-pool/members',
      payload: { members: [], reason: 'x' },
      headers: auth(s.tokens.ops),
    });
    expect(missing.statusCode).toBe(404);
    for (const token of [s.tokens.compliance, s.tokens.rep])
      expect((await members(s, 'PUT', { members: [], reason: 'x' }, token)).statusCode).toBe(403);
    expect(s.ctx.orgs.current.hash).toBe(hash);
  });
});
