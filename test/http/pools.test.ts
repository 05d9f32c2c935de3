import { afterEach, describe, expect, it } from 'vitest';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth, ukLead } from './service-harness.ts';

/**
 * Round-robin pools over HTTP (docs/operations.md "Pools"), on SQLite and PostgreSQL: the example org with
 * uk-everyday-banking's chain ending in its declared pool, given two of the team's four reps as members,
 * one weighted, one capped at one lead a day.
 */

type Rule = { id: string; then: { kind: string; strategy?: { kind: string; pool?: string }[] } };
type PoolBody = {
  id: string;
  declared: boolean;
  open: boolean;
  seq: number;
  members: { rep: string; weight: number; cap: number | null; assigned: number; shortfall: number; expectedShare: number }[];
};

const A = 'amelia-hughes';
let B = '';

function withPool(config: Record<string, unknown>): Record<string, unknown> {
  const everyday = (config.reps as { id: string; team: string }[]).filter((r) => r.team === 'uk-everyday').map((r) => r.id);
  B = everyday.find((id) => id !== A)!;
  const rule = (config.rules as Rule[]).find((r) => r.id === 'uk-everyday-banking')!;
  rule.then.strategy = [{ kind: 'team-priority' }, { kind: 'weighted-round-robin', pool: 'uk-everyday' }];
  // The example declares uk-everyday open (every eligible rep); here it gets two members, one weighted, one capped.
  const pool = (config.pools as { id: string; members?: unknown[] }[]).find((p) => p.id === 'uk-everyday')!;
  pool.members = [
    { rep: A, weight: 2 },
    { rep: B, weight: 1, cap: 1 },
  ];
  return config;
}

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const dialects = await bothDialects();

describe.each(dialects)('pools over HTTP: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const get = (url: string, token: string) => s!.app.inject({ method: 'GET', url, headers: auth(token) });
  const post = (url: string, body: unknown, token: string) =>
    s!.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
  let n = 0;
  const ingest = async () => {
    const res = await post(
      '/v1/leads',
      ukLead({ person: { firstName: 'Pia', lastName: 'Pool', email: `pia.${++n}@example.co.uk` } }),
      s!.tokens.integration,
    );
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { leadId: string; decision: { decisionId: string; leadId: string; rep: { id: string } | null } };
  };
  const pool = async () => (await get('/v1/pools/uk-everyday', s!.tokens.compliance)).json() as PoolBody;
  const auditCount = async () => (await s!.h.store.audit.size()) + (await s!.h.store.audit.pendingCount());

  it('routes only to members within their caps, shows the ledger with expected and actual shares', async () => {
    s = await startAuditService(factory, { configure: withPool });
    const list = (await get('/v1/pools', s.tokens.ops)).json() as { pools: PoolBody[] };
    // The example's declared pools in config order (uk-everyday now with members, the rest open), then the fallback ledger.
    expect(list.pools.map((p) => [p.id, p.declared, p.open]).filter(([id]) => String(id).startsWith('uk-everyday'))).toEqual([
      ['uk-everyday', true, false],
      ['uk-everyday/fallback', false, true],
    ]);
    expect(list.pools.filter((p) => p.declared && p.open).length).toBe(12);
    const picked = [];
    // By weight alone B would take 2 of 6; the cap holds B to 1 today.
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push((await ingest()).decision);
    picked.push(...decisions.map((d) => d.rep!.id));
    // The last decision read B's day counter (B at the cap): it replays byte-identically from what it recorded.
    await s.seal();
    const replay = await get(`/v1/decisions/${decisions.at(-1)!.decisionId}/replay`, s.tokens.compliance);
    expect(replay.json()).toMatchObject({ identical: true, differences: [] });
    const read = (await s.h.store.audit.rowsForSubject(decisions.at(-1)!.leadId)).find((r) => r.kind === 'decision')!.payload as {
      stateRead: { pools: Record<string, { reps: Record<string, { today?: number }> }> };
    };
    expect(read.stateRead.pools['uk-everyday']!.reps[B]!.today).toBe(1);
    expect(picked.filter((r) => r === B)).toHaveLength(1);
    expect(picked.filter((r) => r === A)).toHaveLength(5);
    const view = await pool();
    expect(view.seq).toBe(6);
    expect(view.members.map((m) => [m.rep, m.weight, m.cap, m.assigned])).toEqual([
      [A, 2, null, 5],
      [B, 1, 1, 1],
    ]);
    expect(view.members.map((m) => m.expectedShare)).toEqual([2 / 3, 1 / 3]);
    expect((await get('/v1/pools/nope', s.tokens.ops)).statusCode).toBe(404);
    const fallback = await get(`/v1/pools/${encodeURIComponent('uk-everyday/fallback')}`, s.tokens.ops);
    expect(fallback.json()).toMatchObject({ id: 'uk-everyday/fallback', declared: false, seq: 0, members: [] });
  });

  it('reset and recalibrate: admin/ops only, a reason required (field errors, nothing changed), audited with who and why', async () => {
    s = await startAuditService(factory, { configure: withPool });
    for (let i = 0; i < 3; i++) await ingest();
    const before = await pool();
    const audits = await auditCount();
    for (const token of [s.tokens.rep, s.tokens.compliance, s.tokens.integration])
      expect((await post('/v1/pools/uk-everyday/reset', { reason: 'x' }, token)).statusCode).toBe(403);
    const missing = await post('/v1/pools/uk-everyday/recalibrate', {}, s.tokens.ops);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details.map((d: { path: string }) => d.path)).toEqual(['/body/reason']);
    const blank = await post('/v1/pools/uk-everyday/reset', { reason: '   ', extra: 1 }, s.tokens.ops);
    expect(blank.statusCode).toBe(400);
    expect((await post('/v1/pools/nope/reset', { reason: 'typo' }, s.tokens.ops)).statusCode).toBe(404);
    expect(await pool()).toEqual(before);
    expect(await auditCount()).toBe(audits);

    const recal = await post('/v1/pools/uk-everyday/recalibrate', { reason: 'Amelia back from leave' }, s.tokens.ops);
    expect(recal.statusCode, recal.body).toBe(200);
    expect((recal.json() as PoolBody).members.map((m) => [m.assigned, m.shortfall])).toEqual(before.members.map((m) => [m.assigned, 0]));
    const reset = await post('/v1/pools/uk-everyday/reset', { reason: 'New quarter' }, s.tokens.admin);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await pool()).toMatchObject({
      seq: 3,
      members: [
        { assigned: 0, shortfall: 0 },
        { assigned: 0, shortfall: 0 },
      ],
    });

    await s.seal();
    const rows = await s.h.store.audit.rowsForSubject('pool:uk-everyday');
    expect(rows.map((r) => [r.kind, (r.payload as { change: string }).change, (r.payload as { reason: string }).reason])).toEqual([
      ['org_change', 'pool_recalibrate', 'Amelia back from leave'],
      ['org_change', 'pool_reset', 'New quarter'],
    ]);
    const [first, second] = rows as unknown as {
      actor: string;
      payload: { before: { seq: number; reps: object }; after: { reps: object } };
    }[];
    expect(first!.actor).toMatch(/^usr-/);
    expect(first!.actor).not.toBe(second!.actor);
    expect(first!.payload.before.seq).toBe(3);
    expect(Object.keys(first!.payload.before.reps).sort()).toEqual([A, B].sort());
    expect(second!.payload.after.reps).toEqual({});
  });

  it('the decision after a reset records the reset ledger it read and replays identically', async () => {
    s = await startAuditService(factory, { configure: withPool });
    for (let i = 0; i < 3; i++) await ingest();
    expect((await post('/v1/pools/uk-everyday/reset', { reason: 'Start level' }, s.tokens.ops)).statusCode).toBe(200);
    const next = await ingest();
    await s.seal();
    const entry = (await s.h.store.audit.rowsForSubject(next.leadId)).find((r) => r.kind === 'decision')!;
    const stateRead = (entry.payload as { stateRead: { pools: Record<string, { seq: number; reps: object }> } }).stateRead;
    expect(stateRead.pools['uk-everyday']).toEqual({ seq: 3, reps: {} });
    const replay = await get(`/v1/decisions/${next.decision.decisionId}/replay`, s.tokens.compliance);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json()).toMatchObject({ identical: true, differences: [] });
  });
});
