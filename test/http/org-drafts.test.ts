import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/access/api-keys.ts';
import { createPerson } from '../../src/app/access/people.use-case.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { personWithKey } from '../support/people.ts';
import { auth, ukLead } from './service-harness.ts';

const dialects = await bothDialects();

type Cfg = Record<string, unknown> & { reps: Record<string, unknown>[]; licences: { id: string }[] };

/**
 * Maker-checker for org versions (docs/access.md): a change that is not a roster edit waits for a second,
 * independent person holding an approver role of the version in force; until then nothing routes with it.
 */
describe.each(dialects)('org drafts under maker-checker: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let s: AuditService;
  beforeAll(async () => {
    s = await startAuditService(factory);
  });
  afterAll(async () => s?.close());

  const post = (url: string, body: unknown, token: string) =>
    s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
  const get = (url: string, token = s.tokens.compliance) => s.app.inject({ method: 'GET', url, headers: auth(token) });
  const current = async () => (await get('/v1/org')).json() as { hash: string; config: Cfg };
  const withoutFirstLicence = (c: Cfg) => ({ ...c, licences: c.licences.slice(1) });
  const withWeight = (c: Cfg, weight: number) => ({ ...c, reps: c.reps.map((r, i) => (i === 0 ? { ...r, weight } : r)) });
  /** Org-change audit entries not yet sealed (no sealer runs in this suite), oldest first. */
  const orgAudit = async () => (await s.ctx.store.audit.pending(5000)).map((r) => r.event).filter((e) => e.kind === 'org_change');
  const auditActions = async () => (await orgAudit()).map((e) => (e.payload as { action?: string }).action);

  it('a sensitive draft waits (202), routing stays on the old version; an independent compliance officer publishes it', async () => {
    const before = await current();
    const removed = before.config.licences[0]!.id;
    const made = await post('/v1/org/drafts', { config: withoutFirstLicence(before.config), reason: 'grant withdrawn' }, s.tokens.admin);
    expect(made.statusCode).toBe(202);
    const draft = made.json().draft;
    expect(draft).toMatchObject({
      status: 'pending_approval',
      classification: 'sensitive',
      baseHash: before.hash,
      reason: 'grant withdrawn',
    });
    expect(draft.sensitive).toEqual([`licences ${removed} removed`]);
    expect(draft.diff.entities.licences.changes).toEqual([{ change: 'removed', key: removed, before: before.config.licences[0] }]);
    expect(draft.simulation).toMatchObject({ replayed: expect.any(Number), counts: expect.any(Object) });
    expect(made.json().published).toBeNull();

    expect((await current()).hash).toBe(before.hash);
    const lead = (await post('/v1/leads', ukLead(), s.tokens.integration)).json();
    expect(lead.decision.ruleSet.hash).toBe(before.hash);
    const listed = (await get('/v1/org/drafts?status=pending_approval', s.tokens.ops)).json().drafts;
    expect(listed.map((d: { id: string }) => d.id)).toContain(draft.id);
    expect((await get(`/v1/org/drafts/${draft.id}`, s.tokens.ops)).json().diff.entities.licences.changes[0].key).toBe(removed);

    s.clock.advance(60_000);
    const approved = await post(`/v1/org/drafts/${draft.id}/approve`, {}, s.tokens.compliance);
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.json().draft).toMatchObject({ status: 'published', decidedBy: expect.stringMatching(/^usr-|^kp-/) });
    expect(approved.json().published).toMatchObject({ hash: draft.draftHash, previousHash: before.hash, created: true });
    expect((await current()).hash).toBe(draft.draftHash);
    const after = (
      await post('/v1/leads', ukLead({ person: { firstName: 'Bo', lastName: 'Ng', email: 'bo@example.co.uk' } }), s.tokens.integration)
    ).json();
    expect(after.decision.ruleSet.hash).toBe(draft.draftHash);
    // Attributed to the approver, maker recorded; every step audited.
    const versions = (await get('/v1/org/versions')).json().versions;
    expect(versions.at(-1)).toMatchObject({ hash: draft.draftHash, createdBy: approved.json().draft.decidedBy });
    const approval = (await orgAudit()).find((r) => (r.payload as { action?: string; draftId?: string }).action === 'org_draft.approved');
    expect(approval?.payload).toMatchObject({
      draftId: draft.id,
      maker: draft.requestedBy,
      checker: approval?.actor,
      before: before.hash,
      after: draft.draftHash,
      summary: { licences: { removed: 1, added: 0, changed: 0 } },
    });
    expect(await auditActions()).toEqual(expect.arrayContaining(['org_draft.created', 'org_draft.approved', 'org_version.published']));
    // Decided once.
    expect((await post(`/v1/org/drafts/${draft.id}/approve`, {}, s.tokens.compliance2)).json().code).toBe('CONFLICT');
  });

  it('the maker cannot approve with another key of their own (FOUR_EYES_VIOLATION); nothing is published', async () => {
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
    const before = await current();
    const draft = (await post('/v1/org/drafts', { config: withoutFirstLicence(before.config) }, await key('admin'))).json().draft;
    const refused = await post(`/v1/org/drafts/${draft.id}/approve`, {}, await key('compliance'));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FOUR_EYES_VIOLATION', reasonCode: 'APPROVER_IS_REQUESTER' });
    expect((await current()).hash).toBe(before.hash);
    expect((await get(`/v1/org/drafts/${draft.id}`)).json().status).toBe('pending_approval');
  });

  it('an approver the maker just created is refused (SEGREGATION_OF_DUTIES); an admin is no approver by default (FORBIDDEN)', async () => {
    const before = await current();
    const draft = (await post('/v1/org/drafts', { config: withoutFirstLicence(before.config) }, s.tokens.admin)).json().draft;
    const minted = (await post('/v1/keys', { name: 'fresh compliance', role: 'compliance' }, s.tokens.admin)).json().token;
    const refused = await post(`/v1/org/drafts/${draft.id}/approve`, {}, minted);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'SEGREGATION_OF_DUTIES', reasonCode: 'REQUESTER_CREATED_APPROVER' });
    const otherAdmin = (await personWithKey(s.ctx, 'admin', { name: 'second admin' })).token;
    const notApprover = await post(`/v1/org/drafts/${draft.id}/approve`, {}, otherAdmin);
    expect(notApprover.statusCode).toBe(403);
    expect(notApprover.json()).toMatchObject({ code: 'FORBIDDEN', approverRoles: ['compliance'] });
    expect((await current()).hash).toBe(before.hash);
  });

  it('a draft cannot loosen its own approval: the approver roles are those of the version in force', async () => {
    const before = await current();
    const loosened = { ...before.config, access: { makerChecker: { approverRoles: ['admin'], rosterEditsSinglePerson: true } } };
    const draft = (await post('/v1/org/drafts', { config: loosened }, s.tokens.admin)).json().draft;
    expect(draft.sensitive).toEqual(['access changed']);
    const otherAdmin = (await personWithKey(s.ctx, 'admin', { name: 'third admin' })).token;
    expect((await post(`/v1/org/drafts/${draft.id}/approve`, {}, otherAdmin)).json().code).toBe('FORBIDDEN');
  });

  it('a roster-only edit publishes at once (201) through both endpoints; a stale draft then answers 409', async () => {
    const before = await current();
    const pending = (await post('/v1/org/drafts', { config: withoutFirstLicence(before.config) }, s.tokens.admin)).json().draft;
    const roster = await post('/v1/org/drafts', { config: withWeight(before.config, 5) }, s.tokens.admin);
    expect(roster.statusCode).toBe(201);
    expect(roster.json().draft).toMatchObject({ status: 'published', classification: 'roster-only', sensitive: [] });
    expect((await current()).hash).toBe(roster.json().published.hash);
    const viaVersions = await post('/v1/org/versions', withWeight(before.config, 6), s.tokens.admin);
    expect(viaVersions.statusCode).toBe(201);
    expect(viaVersions.json()).toMatchObject({ created: true, previousHash: roster.json().published.hash, draftId: expect.any(String) });
    const sensitiveViaVersions = await post('/v1/org/versions', withoutFirstLicence(before.config), s.tokens.admin);
    expect(sensitiveViaVersions.statusCode).toBe(202);
    expect(sensitiveViaVersions.json()).toMatchObject({ status: 'pending_approval', draft: { classification: 'sensitive' } });

    const stale = await post(`/v1/org/drafts/${pending.id}/approve`, {}, s.tokens.compliance2);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', baseHash: before.hash, inForce: viaVersions.json().hash });
    expect((await current()).hash).toBe(viaVersions.json().hash);
  });

  it('rejection needs a reason, publishes nothing and is final', async () => {
    const before = await current();
    const draft = (await post('/v1/org/drafts', { config: withoutFirstLicence(before.config) }, s.tokens.admin)).json().draft;
    const noReason = await post(`/v1/org/drafts/${draft.id}/reject`, {}, s.tokens.compliance);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details.map((d: { path: string }) => d.path)).toContain('/body/reason');
    const rejected = await post(`/v1/org/drafts/${draft.id}/reject`, { reason: 'not evidenced' }, s.tokens.compliance);
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().draft).toMatchObject({ status: 'rejected', decisionReason: 'not evidenced' });
    expect((await post(`/v1/org/drafts/${draft.id}/approve`, {}, s.tokens.compliance2)).json().code).toBe('CONFLICT');
    expect((await current()).hash).toBe(before.hash);
    expect(await auditActions()).toContain('org_draft.rejected');
    expect((await post('/v1/org/drafts/odr-none/reject', { reason: 'x' }, s.tokens.compliance)).statusCode).toBe(404);
  });

  it('bad input: every config problem listed, unknown fields refused, nothing stored', async () => {
    const before = await current();
    const count = async () => (await get('/v1/org/drafts?limit=200')).json().drafts.length;
    const n = await count();
    const bad = { ...before.config, reps: [{ ...before.config.reps[0], team: 'nowhere' }], licences: [{ id: 'x' }] };
    const invalid = await post('/v1/org/drafts', { config: bad }, s.tokens.admin);
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().code).toBe('CONFIG_INVALID');
    expect(invalid.json().details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^licences\[0\]/) })]),
    );
    const noConfig = await post('/v1/org/drafts', { reason: 'x' }, s.tokens.admin);
    expect(noConfig.statusCode).toBe(400);
    expect(noConfig.json().details.map((d: { path: string }) => d.path)).toContain('/body/config');
    const extra = await post('/v1/org/drafts', { config: before.config, publishNow: true }, s.tokens.admin);
    expect(extra.statusCode).toBe(400);
    expect((await post('/v1/org/drafts', { config: before.config }, s.tokens.compliance)).statusCode).toBe(403);
    expect(await count()).toBe(n);
    expect((await current()).hash).toBe(before.hash);
  });

  it('when the version in force says rosterEditsSinglePerson: false, a roster edit waits too', async () => {
    const before = await current();
    const strict = { ...before.config, access: { makerChecker: { approverRoles: ['compliance'], rosterEditsSinglePerson: false } } };
    const draft = (await post('/v1/org/drafts', { config: strict }, s.tokens.admin)).json().draft;
    expect((await post(`/v1/org/drafts/${draft.id}/approve`, {}, s.tokens.compliance)).statusCode).toBe(201);
    const roster = await post('/v1/org/drafts', { config: withWeight(strict as Cfg, 9) }, s.tokens.admin);
    expect(roster.statusCode).toBe(202);
    expect(roster.json().draft).toMatchObject({ classification: 'roster-only', status: 'pending_approval' });
  });
});
