import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/access/api-keys.ts';
import { createPerson } from '../../src/app/access/people.use-case.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { publishWithApproval } from '../support/org-drafts.ts';
import type { TestService } from '../http/service-harness.ts';
import { getJson, isaLead, patchRep, postJson, sharedDatabase, verdictsFor, type SharedDatabase } from './roster-support.ts';

/**
 * Issue 14 lane J2, over HTTP on SQLite and PostgreSQL: licence grants through the roster path are sensitive
 * (a maker-checker draft a second person approves); the maker-checker policy in force can send every roster
 * change through a draft; pool membership is a roster change.
 */

const dialects = await bothDialects();

const JOINER = {
  id: 'noah-clarke',
  name: 'Noah Clarke',
  team: 'uk-everyday',
  timeZone: 'Europe/London',
  skills: ['isa', 'savings'],
  languages: ['en'],
  massMarketOnly: true,
  reason: 'new starter',
};
const GRANT = {
  id: 'fca-cert-noah-clarke',
  regulator: 'FCA',
  jurisdiction: 'GB',
  activity: 'certification function: client dealing (savings and ISAs)',
  productLines: ['deposits', 'investments'],
  customerTypes: ['retail', 'professional'],
  basis: 'certification',
  validFrom: '2026-03-01',
  validTo: '2099-12-31',
  reason: 'certified 2026-11-20, ticket 77',
};

describe.each(dialects)('licence grants and pool membership as roster changes: $factory.name', ({ factory, run: enabled, reason: why }) => {
  if (!enabled) return declareUnreachable(why);
  let db: SharedDatabase;
  afterEach(async () => db.cleanup());

  const ingest = async (s: TestService) => {
    const res = await postJson(s, '/v1/leads', isaLead(), s.tokens.integration);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const approve = (s: TestService, id: string, token: string) =>
    s.app.inject({ method: 'POST', url: `/v1/org/drafts/${id}/approve`, headers: { authorization: `Bearer ${token}` } });
  const auditCount = async (s: TestService) => (await s.store.audit.pendingCount()) + (await s.store.audit.size());
  const drafts = async (s: TestService) => ((await getJson(s, '/v1/org/drafts')) as { drafts: unknown[] }).drafts.length;
  const codesOf = (lead: { decision: { candidates: { reps: { id: string; reasons: { code: string }[] }[] }[] } }, rep: string) =>
    verdictsFor(lead.decision as never, rep).flatMap((v) => v.reasons.map((r) => r.code));

  it('a grant added by an admin waits for compliance; the admin cannot approve it; once approved the rep is lawful', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    // The joiner herself is a sensitive change too (a new rep): approved by compliance first.
    const joined = await postJson(s, '/v1/reps', JOINER);
    expect(joined.statusCode, joined.body).toBe(202);
    expect((await approve(s, joined.json().draft.id, s.tokens.compliance)).statusCode).toBe(201);
    const inForce = s.ctx.orgs.current.hash;
    const asked = await postJson(s, '/v1/reps/noah-clarke/licences', GRANT, s.tokens.admin);
    expect(asked.statusCode, asked.body).toBe(202);
    const body = asked.json();
    expect(body).toMatchObject({ status: 'pending_approval', changed: false, hash: inForce, subject: { kind: 'licence', id: GRANT.id } });
    expect(body.draft).toMatchObject({ status: 'pending_approval', classification: 'sensitive', baseHash: inForce });
    expect(body.draft.sensitive).toContain(`licences ${GRANT.id} added`);
    expect(body.diff[0]).toMatchObject({
      path: `licences.${GRANT.id}`,
      before: null,
      after: { holder: { kind: 'individual', rep: 'noah-clarke' } },
    });
    // Nothing in force yet: the joiner is still unlicensed.
    expect(s.ctx.orgs.current.hash).toBe(inForce);
    expect(codesOf(await ingest(s), 'noah-clarke')).toContain('NO_LICENCE_FOR_JURISDICTION');
    // An admin holds no approver role (compliance by default).
    const admin = await approve(s, body.draft.id, s.tokens.admin);
    expect(admin.statusCode, admin.body).toBe(403);
    expect(admin.json().code).toBe('FORBIDDEN');
    const ok = await approve(s, body.draft.id, s.tokens.compliance);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().published.previousHash).toBe(inForce);
    for (const rep of ['amelia-hughes', 'oliver-bennett', 'priya-shah'])
      expect((await patchRep(s, rep, { status: 'paused', reason: 'team meeting' })).statusCode).toBe(200);
    const lead = await ingest(s);
    expect(verdictsFor(lead.decision, 'noah-clarke').some((v) => v.eligible)).toBe(true);
    expect(lead.decision.rep?.id).toBe('noah-clarke');
    // The draft's audit entry names the roster change, who and why.
    const created = (await s.store.audit.pending(1000))
      .map((a) => a.event)
      .find(
        (e) =>
          (e.payload as { action?: string }).action === 'org_draft.created' &&
          (e.payload as { draftId?: string }).draftId === body.draft.id,
      );
    expect(created?.payload).toMatchObject({ rosterChange: 'licence.add', subject: `licence:${GRANT.id}`, reason: GRANT.reason });
  });

  it('the same person cannot approve their own grant with another key (FOUR_EYES_VIOLATION); nothing is published', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const person = await createPerson(
      s.ctx,
      { userId: 'test' },
      { name: 'Dual Hat', email: 'dual@example.org', roles: ['admin', 'compliance'], repId: null },
    );
    if (!person.ok) throw new Error(JSON.stringify(person.error));
    const key = async (role: 'admin' | 'compliance') => {
      const k = await createApiKey(s.ctx, { userId: person.value.id, name: `dual ${role}`, role, createdBy: 'test' });
      if (!k.ok) throw new Error(JSON.stringify(k.error));
      return k.value.token;
    };
    const inForce = s.ctx.orgs.current.hash;
    const asked = await postJson(s, '/v1/reps/amelia-hughes/licences', { ...GRANT, id: 'fca-extra-amelia' }, await key('admin'));
    expect(asked.statusCode, asked.body).toBe(202);
    const self = await approve(s, asked.json().draft.id, await key('compliance'));
    expect(self.statusCode, self.body).toBe(403);
    expect(self.json()).toMatchObject({ code: 'FOUR_EYES_VIOLATION', reasonCode: 'APPROVER_IS_REQUESTER' });
    expect(s.ctx.orgs.current.hash).toBe(inForce);
    expect((await getJson(s, `/v1/org/drafts/${asked.json().draft.id}`)).status).toBe('pending_approval');
  });

  it('a grant ended → draft → approved → unlawful in the next decision (LICENCE_EXPIRED; revoked: LICENCE_INACTIVE)', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    expect(codesOf(await ingest(s), 'amelia-hughes')).not.toContain('NO_LICENCE_FOR_JURISDICTION');
    const asked = await postJson(s, '/v1/licences/fca-cert-amelia-hughes/end', { reason: 'certification withdrawn' }, s.tokens.admin);
    expect(asked.statusCode, asked.body).toBe(202);
    const now = new Date(s.ctx.clock.now()).toISOString();
    expect(asked.json().diff).toEqual([{ path: 'licences.fca-cert-amelia-hughes.validTo', before: '2099-12-31', after: now }]);
    expect(codesOf(await ingest(s), 'amelia-hughes')).not.toContain('NO_LICENCE_FOR_JURISDICTION');
    expect((await approve(s, asked.json().draft.id, s.tokens.compliance)).statusCode).toBe(201);
    s.clock.advance(1000);
    const lead = await ingest(s);
    expect(codesOf(lead, 'amelia-hughes')).toContain('LICENCE_EXPIRED');
    expect(verdictsFor(lead.decision, 'amelia-hughes').some((v) => v.eligible)).toBe(false);
    expect(lead.decision.rep?.id).not.toBe('amelia-hughes');

    // Revoking (or suspending) another grant sets its status; same flow.
    const revoke = await postJson(
      s,
      '/v1/licences/fca-cert-oliver-bennett/end',
      { reason: 'misconduct', action: 'revoke' },
      s.tokens.admin,
    );
    expect(revoke.statusCode, revoke.body).toBe(202);
    expect(revoke.json().diff).toEqual([{ path: 'licences.fca-cert-oliver-bennett.status', before: 'active', after: 'revoked' }]);
    expect((await approve(s, revoke.json().draft.id, s.tokens.compliance)).statusCode).toBe(201);
    expect(codesOf(await ingest(s), 'oliver-bennett')).toContain('LICENCE_INACTIVE');
    // An ended grant cannot be ended twice.
    const again = await postJson(s, '/v1/licences/fca-cert-oliver-bennett/end', { reason: 'x', action: 'suspend' }, s.tokens.admin);
    expect(again.statusCode).toBe(422);
    expect(again.json().details.map((d: { path: string }) => d.path)).toEqual(['/grantId']);
  });

  it('bad input: field errors, nothing changed (no draft, no version, no audit entry); ops and reps may not propose grants', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const start = { hash: s.ctx.orgs.current.hash, audit: await auditCount(s), drafts: await drafts(s) };
    const cases: [string, unknown, number, string, string[]][] = [
      ['/v1/reps/amelia-hughes/licences', { ...GRANT, id: 'x1', productLines: [] }, 400, 'ARGUMENT_INVALID', ['/body/productLines']],
      ['/v1/reps/amelia-hughes/licences', { ...GRANT, id: 'x1', reason: undefined }, 400, 'ARGUMENT_INVALID', ['/body/reason']],
      ['/v1/reps/amelia-hughes/licences', { ...GRANT, id: 'fca-cert-amelia-hughes' }, 422, 'ROSTER_CHANGE_INVALID', ['/id']],
      [
        '/v1/reps/amelia-hughes/licences',
        { ...GRANT, id: 'x2', holder: { kind: 'individual', rep: 'priya-shah' } },
        422,
        'ROSTER_CHANGE_INVALID',
        ['/holder'],
      ],
      ['/v1/reps/amelia-hughes/licences', { ...GRANT, id: 'x3', productLines: ['no-such-line'] }, 422, 'ROSTER_CHANGE_INVALID', []],
      ['/v1/licences/fca-cert-amelia-hughes/end', { reason: 'x', action: 'erase' }, 400, 'ARGUMENT_INVALID', ['/body/action']],
      ['/v1/licences/fca-cert-amelia-hughes/end', { reason: 'x', endAt: 'tomorrow' }, 400, 'ARGUMENT_INVALID', ['/body/endAt']],
      ['/v1/licences/fca-cert-amelia-hughes/end', { reason: 'x', endAt: '2020-01-01' }, 422, 'ROSTER_CHANGE_INVALID', ['/endAt']],
    ];
    for (const [url, payload, status, code, paths] of cases) {
      const res = await postJson(s, url, payload, s.tokens.admin);
      expect(res.statusCode, `${url} ${JSON.stringify(payload)} → ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      if (paths.length > 0) expect(res.json().details.map((d: { path: string }) => d.path)).toEqual(paths);
      else expect(res.json().details.length).toBeGreaterThan(0);
    }
    expect((await postJson(s, '/v1/reps/nobody/licences', { ...GRANT, id: 'x4' }, s.tokens.admin)).statusCode).toBe(404);
    expect((await postJson(s, '/v1/licences/no-such-grant/end', { reason: 'x' }, s.tokens.admin)).statusCode).toBe(404);
    for (const token of [s.tokens.ops, s.tokens.rep, s.tokens.compliance])
      expect((await postJson(s, '/v1/licences/fca-cert-amelia-hughes/end', { reason: 'x' }, token)).statusCode).toBe(403);
    expect({ hash: s.ctx.orgs.current.hash, audit: await auditCount(s), drafts: await drafts(s) }).toEqual(start);
  });

  it('with rosterEditsSinglePerson: false in force, even a status change is a draft (202) until someone else approves', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    // Single-person roster edits by default: published at once.
    const direct = await patchRep(s, 'priya-shah', { weight: 3, reason: 'busy season' });
    expect(direct.statusCode, direct.body).toBe(200);
    expect(direct.json()).toMatchObject({ status: 'published', changed: true, draft: null });
    const config = structuredClone(s.ctx.orgs.current.config) as Record<string, unknown>;
    config.access = { makerChecker: { approverRoles: ['compliance'], rosterEditsSinglePerson: false } };
    await publishWithApproval(s.app, config, s.tokens.admin, s.tokens.compliance);
    const inForce = s.ctx.orgs.current.hash;
    const paused = await patchRep(s, 'amelia-hughes', { status: 'paused', reason: 'holiday' });
    expect(paused.statusCode, paused.body).toBe(202);
    expect(paused.json()).toMatchObject({
      status: 'pending_approval',
      changed: false,
      hash: inForce,
      diff: [{ path: 'reps.amelia-hughes.status', before: 'active', after: 'paused' }],
      draft: { classification: 'roster-only', status: 'pending_approval' },
    });
    expect(s.ctx.orgs.current.hash).toBe(inForce);
    expect(codesOf(await ingest(s), 'amelia-hughes')).not.toContain('REP_PAUSED');
    const approved = await approve(s, paused.json().draft.id, s.tokens.compliance);
    expect(approved.statusCode, approved.body).toBe(201);
    expect(codesOf(await ingest(s), 'amelia-hughes')).toContain('REP_PAUSED');
    // Pool membership follows the same policy.
    const members = await s.app.inject({
      method: 'PUT',
      url: '/v1/pools/uk-everyday/members',
      payload: { members: [{ rep: 'amelia-hughes' }, { rep: 'priya-shah' }], reason: 'two-person rota' },
      headers: { authorization: `Bearer ${s.tokens.ops}` },
    });
    expect(members.statusCode, members.body).toBe(202);
    expect(members.json().draft.classification).toBe('roster-only');
  });
});
