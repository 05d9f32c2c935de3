import { publishWithApproval } from '../support/org-drafts.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { TestService } from '../http/service-harness.ts';
import { getJson, isaLead, patchRep, postJson, sharedDatabase, verdictsFor, type SharedDatabase } from './roster-support.ts';

/**
 * Issue 14, roster operations over HTTP on SQLite and PostgreSQL: each accepted change is the next
 * immutable, hashed org version (who, why, readable diff), the next decision reads it, bad input changes
 * nothing, and two admins editing the same rep cannot both win.
 */

const dialects = await bothDialects();

describe.each(dialects)('roster changes over HTTP: $factory.name', ({ factory, run: enabled, reason: why }) => {
  if (!enabled) return declareUnreachable(why);
  let db: SharedDatabase;
  afterEach(async () => db.cleanup());

  const versions = (s: TestService) =>
    getJson(s, '/v1/org/versions') as Promise<{
      current: string;
      versions: { hash: string; createdBy: string; reason: string | null }[];
      activations: { hash: string; activatedBy: string; reason: string | null }[];
    }>;
  const ingest = async (s: TestService) => {
    const res = await postJson(s, '/v1/leads', isaLead(), s.tokens.integration);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('PATCH pause → the next version with who, why and the diff; the next decision carries REP_PAUSED', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const before = await versions(s);
    const res = await patchRep(s, 'amelia-hughes', { status: 'paused', reason: 'long lunch with the regional director' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.previousHash).toBe(before.current);
    expect(body.hash).not.toBe(before.current);
    expect(body.changed).toBe(true);
    expect(body.diff).toEqual([{ path: 'reps.amelia-hughes.status', before: 'active', after: 'paused' }]);

    const after = await versions(s);
    expect(after.current).toBe(body.hash);
    const opsUser = (await s.store.users.list()).find((u) => u.name === 'test ops')!;
    expect(after.versions.find((v) => v.hash === body.hash)).toMatchObject({
      createdBy: opsUser.id,
      reason: 'long lunch with the regional director',
    });
    expect(after.activations.at(-1)).toMatchObject({
      hash: body.hash,
      activatedBy: opsUser.id,
      reason: 'long lunch with the regional director',
    });
    const audit = await s.store.audit.pending(1000);
    const entry = audit.map((a) => a.event).find((e) => (e.payload as { action?: string }).action === 'roster.changed');
    expect(entry).toMatchObject({
      kind: 'org_change',
      subject: 'rep:amelia-hughes',
      actor: opsUser.id,
      payload: { change: 'rep.update', reason: 'long lunch with the regional director', before: before.current, after: body.hash },
    });

    const lead = await ingest(s);
    expect(lead.decision.ruleSet.hash).toBe(body.hash);
    const amelia = verdictsFor(lead.decision, 'amelia-hughes');
    expect(amelia.length).toBeGreaterThan(0);
    for (const v of amelia) {
      expect(v.eligible).toBe(false);
      expect(v.reasons.map((r) => r.code)).toContain('REP_PAUSED');
    }
    expect(lead.decision.rep?.id).not.toBe('amelia-hughes');

    // Back to active: the earlier content is in force again, and the activation history says who and why.
    const back = await patchRep(s, 'amelia-hughes', { status: 'active', reason: 'back from lunch' });
    expect(back.json()).toMatchObject({
      hash: before.current,
      diff: [{ path: 'reps.amelia-hughes.status', before: 'paused', after: 'active' }],
    });
    expect((await versions(s)).activations.at(-1)).toMatchObject({ hash: before.current, reason: 'back from lunch' });
    const next = await ingest(s);
    for (const v of verdictsFor(next.decision, 'amelia-hughes')) expect(v.reasons.map((r) => r.code)).not.toContain('REP_PAUSED');
  });

  it('status left is ineligible with REP_LEFT; out-of-office periods are added and removed; caps merge', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    expect((await patchRep(s, 'amelia-hughes', { status: 'left', reason: 'resigned' })).statusCode).toBe(200);
    for (const v of verdictsFor((await ingest(s)).decision, 'amelia-hughes')) expect(v.reasons.map((r) => r.code)).toContain('REP_LEFT');
    await patchRep(s, 'amelia-hughes', { status: 'active', reason: 'rehired' });

    const period = { from: '2026-11-24', to: '2026-11-25', reason: 'dentist' };
    const added = await patchRep(s, 'amelia-hughes', { outOfOffice: { add: [period] }, reason: 'planned absence' });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().diff).toEqual([{ path: 'reps.amelia-hughes.outOfOffice', before: [], after: [period] }]);
    for (const v of verdictsFor((await ingest(s)).decision, 'amelia-hughes'))
      expect(v.reasons.map((r) => r.code)).toContain('OUT_OF_OFFICE');
    const removed = await patchRep(s, 'amelia-hughes', {
      outOfOffice: { remove: [{ from: period.from, to: period.to }] },
      reason: 'cancelled',
    });
    expect(removed.json().diff).toEqual([{ path: 'reps.amelia-hughes.outOfOffice', before: [period], after: [] }]);

    // A change that changes nothing publishes nothing.
    const inForce = s.ctx.orgs.current.hash;
    const activations = (await versions(s)).activations.length;
    expect((await patchRep(s, 'amelia-hughes', { status: 'active', reason: 'no-op' })).json()).toMatchObject({
      changed: false,
      hash: inForce,
      diff: [],
    });
    expect((await versions(s)).activations).toHaveLength(activations);

    const caps = await patchRep(s, 'amelia-hughes', {
      capacity: { maxLeadsPerDay: null, maxOpenLeads: 70 },
      weight: 3,
      reason: 'senior now',
    });
    expect(caps.json().diff).toEqual([
      { path: 'reps.amelia-hughes.capacity.maxLeadsPerDay', before: 25, after: null },
      { path: 'reps.amelia-hughes.capacity.maxOpenLeads', before: 60, after: 70 },
      { path: 'reps.amelia-hughes.weight', before: 2, after: 3 },
    ]);
  });

  it('bad input: field-level errors and nothing changed (no version, no activation, no audit entry)', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const snapshot = async () => ({
      versions: await versions(s),
      audit: (await s.store.audit.pendingCount()) + (await s.store.audit.size()),
    });
    const start = await snapshot();
    const cases: [unknown, number, string, string[]][] = [
      [{ status: 'gone', reason: 'x' }, 400, 'ARGUMENT_INVALID', ['/body/status']],
      [{ status: 'paused' }, 400, 'ARGUMENT_INVALID', ['/body/reason']],
      [{ status: 'paused', reason: 'x', licences: [] }, 400, 'ARGUMENT_INVALID', ['/body/licences']],
      [{ reason: 'nothing' }, 400, 'ARGUMENT_INVALID', ['/body']],
      [{ workingHours: { mon: ['18:00-09:00'] }, reason: 'x' }, 422, 'ROSTER_CHANGE_INVALID', ['/workingHours/mon/0']],
      [{ team: 'no-such-team', reason: 'x' }, 422, 'ROSTER_CHANGE_INVALID', ['/team']],
      [{ outOfOffice: [{ from: '2026-12-10', to: '2026-12-01' }], reason: 'x' }, 422, 'ROSTER_CHANGE_INVALID', ['/outOfOffice/0']],
      [
        { outOfOffice: { remove: [{ from: '2026-01-01', to: '2026-01-02' }] }, reason: 'x' },
        422,
        'ROSTER_CHANGE_INVALID',
        ['/outOfOffice/remove/0'],
      ],
    ];
    for (const [body, status, code, paths] of cases) {
      const res = await patchRep(s, 'amelia-hughes', body);
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      expect(
        res.json().details.map((d: { path: string }) => d.path),
        JSON.stringify(body),
      ).toEqual(paths);
    }
    const missing = await patchRep(s, 'no-such-rep', { status: 'paused', reason: 'x' });
    expect(missing.statusCode).toBe(404);
    expect((await patchRep(s, 'amelia-hughes', { status: 'paused', reason: 'x' }, s.tokens.rep)).statusCode).toBe(403);
    expect((await patchRep(s, 'amelia-hughes', { status: 'paused', reason: 'x' }, s.tokens.compliance)).statusCode).toBe(403);
    expect(await snapshot()).toEqual(start);
  });

  it('two admins on two instances edit the same rep: the second gets 409 CONFLICT with the current version', async () => {
    db = sharedDatabase(factory.name);
    const a = await db.start();
    const b = await db.start({ idStart: 500_000 });
    const read = (await versions(b)).current;
    expect((await versions(a)).current).toBe(read);
    const first = await patchRep(a, 'priya-shah', { weight: 5, reason: 'top performer' }, a.tokens.admin, { 'if-match': `"${read}"` });
    expect(first.statusCode, first.body).toBe(200);
    const second = await patchRep(b, 'priya-shah', { weight: 1, expectedVersion: read, reason: 'fairness' }, b.tokens.admin);
    expect(second.statusCode, second.body).toBe(409);
    expect(second.json()).toMatchObject({ code: 'CONFLICT', currentVersion: first.json().hash });
    // Nothing of the loser's is in force or recorded; re-reading and retrying wins.
    expect((await versions(a)).current).toBe(first.json().hash);
    const retry = await patchRep(b, 'priya-shah', { weight: 1, expectedVersion: first.json().hash, reason: 'fairness' }, b.tokens.admin);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().diff).toEqual([{ path: 'reps.priya-shah.weight', before: 5, after: 1 }]);
  });

  it('two admins at the same moment with the same If-Match: exactly one wins', async () => {
    db = sharedDatabase(factory.name);
    const a = await db.start();
    const b = await db.start({ idStart: 500_000 });
    const read = (await versions(a)).current;
    const results = await Promise.all([
      patchRep(a, 'oliver-bennett', { weight: 4, reason: 'a' }, a.tokens.admin, { 'if-match': read }),
      patchRep(b, 'oliver-bennett', { weight: 7, reason: 'b' }, b.tokens.admin, { 'if-match': read }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    expect((await versions(b)).current).toBe(winner.hash);
    const activations = (await versions(b)).activations;
    expect(activations.filter((x) => x.reason === 'a' || x.reason === 'b')).toHaveLength(1);
  });

  it('a joiner (POST /v1/reps) is in the next version and takes leads once licensed', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const joiner = {
      id: 'noah-clarke',
      name: 'Noah Clarke',
      team: 'uk-everyday',
      timeZone: 'Europe/London',
      skills: ['isa', 'savings'],
      languages: ['en'],
      massMarketOnly: true,
      reason: 'new starter, December cohort',
    };
    // A rep joining is not a pure roster edit (the draft path would hold it too): it waits for a second person.
    const inForce = s.ctx.orgs.current.hash;
    const res = await postJson(s, '/v1/reps', joiner);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'pending_approval', hash: inForce, changed: false });
    expect(res.json().diff).toHaveLength(1);
    expect(res.json().diff[0]).toMatchObject({ path: 'reps.noah-clarke', before: null, after: { id: 'noah-clarke', status: 'active' } });
    expect(s.ctx.orgs.current.repsById.has('noah-clarke')).toBe(false);
    const approved = await s.app.inject({
      method: 'POST',
      url: `/v1/org/drafts/${res.json().draft.id}/approve`,
      headers: { authorization: `Bearer ${s.tokens.compliance}` },
    });
    expect(approved.statusCode, approved.body).toBe(201);
    expect(s.ctx.orgs.current.repsById.has('noah-clarke')).toBe(true);
    expect((await postJson(s, '/v1/reps', joiner)).json()).toMatchObject({ code: 'ROSTER_CHANGE_INVALID', details: [{ path: '/id' }] });
    expect((await postJson(s, '/v1/reps', { ...joiner, id: 'x-1', team: 'nope' })).json()).toMatchObject({
      code: 'ROSTER_CHANGE_INVALID',
      details: [{ path: '/team' }],
    });
    // Not licensed yet: lawful checks exclude them (licences are not a roster change; an admin publishes the grant).
    const unlicensed = verdictsFor((await ingest(s)).decision, 'noah-clarke');
    expect(unlicensed[0]!.reasons.map((r) => r.code)).toContain('NO_LICENCE_FOR_JURISDICTION');
    const config = structuredClone(s.ctx.orgs.current.config);
    const template = config.licences.find((l) => l.id === 'fca-cert-amelia-hughes')!;
    config.licences.push({ ...template, id: 'fca-cert-noah-clarke', holder: { kind: 'individual', rep: 'noah-clarke' } });
    // A licence grant is a sensitive change: it waits for a second person (maker-checker, docs/access.md).
    await publishWithApproval(s.app, config, s.tokens.admin, s.tokens.compliance);
    for (const rep of ['amelia-hughes', 'oliver-bennett', 'priya-shah'])
      expect((await patchRep(s, rep, { status: 'paused', reason: 'team meeting' })).statusCode).toBe(200);
    const lead = await ingest(s);
    const noah = verdictsFor(lead.decision, 'noah-clarke');
    expect(noah.some((v) => v.eligible)).toBe(true);
    expect(lead.decision.rep?.id).toBe('noah-clarke');
  });
});
