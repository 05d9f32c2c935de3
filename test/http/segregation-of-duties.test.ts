import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePerson } from '../../src/app/access/people.use-case.ts';
import { SESSION_COOKIE } from '../../src/http/session-store.ts';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { dropSchema, newSchemaName, PG_URL } from '../store/store-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * Segregation of duties by person (docs/access.md), on SQLite and PostgreSQL. Finding B1 of the
 * 2026-12 security report: four-eyes was enforced per API key, so (1) an admin could request an
 * exception, mint a compliance key and approve it alone, and (2) a compliance officer with two keys
 * could approve their own request. Each reproduction now gets 403 with a documented code, and nothing
 * changes; so do the other ways one person could act twice (creating or promoting the other person
 * recently, in either direction), a self-grant, and an approver who lost the compliance role.
 */

const RECENT_DAYS = 7;
const DAY_MS = 86_400_000;
const dialects = await bothDialects();

type Headers = Record<string, string>;

describe.each(dialects)('segregation of duties on reviews: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let s: AuditService;
  let n = 0;
  beforeAll(async () => {
    s = await startAuditService(factory, { configure: (c) => ({ ...c, access: { segregation: { recentDays: RECENT_DAYS } } }) });
  }, 60_000);
  afterAll(async () => s?.close());

  const post = (url: string, payload: object, headers: Headers) => s.app.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Headers) => s.app.inject({ method: 'GET', url, headers });
  const userIdOf = async (token: string) => (await get('/v1/session', auth(token))).json().userId as string;
  const versionOf = async (id: string) => (await get(`/v1/users/${id}`, auth(s.tokens.admin))).json().version as number;

  /** A newly ingested, assigned lead with an open exception requested by `requester`; the approval names another rep of its team. */
  async function openException(requester: Headers) {
    const lead = ukLead({ person: { firstName: 'Sod', lastName: `Case${++n}`, email: `sod${n}@example.co.uk` } });
    const ingested = (await post('/v1/leads', lead, auth(s.tokens.integration))).json();
    expect(ingested.status).toBe('ASSIGNED');
    const requested = await post(`/v1/leads/${ingested.leadId}/exceptions`, { reason: 'Client asked for another adviser' }, requester);
    expect(requested.statusCode, requested.body).toBe(201);
    const rep = [...s.ctx.orgs.current.repsById.values()].find(
      (r) => r.teamId === ingested.decision.team.id && r.id !== ingested.decision.rep.id,
    )!;
    const approval = { teamId: rep.teamId, repId: rep.id, justification: 'Client relationship, confirmed by the branch.' };
    return { reviewId: requested.json().review.id as string, leadId: ingested.leadId as string, approval };
  }

  /** Approves (and, when refused, checks that the review is still open and the lead untouched); returns the answer. */
  async function approve(c: Awaited<ReturnType<typeof openException>>, approver: Headers) {
    const before = await s.h.store.leads.get(c.leadId);
    const res = await post(`/v1/review/${c.reviewId}/approve`, c.approval, approver);
    if (res.statusCode !== 200) {
      expect((await s.h.store.reviews.get(c.reviewId))!.status).toBe('OPEN');
      expect(await s.h.store.leads.get(c.leadId)).toEqual(before);
    }
    return res;
  }

  const refusedWith = (res: { statusCode: number; json: () => unknown }, code: string, reasonCode?: string) => {
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code, ...(reasonCode ? { reasonCode } : {}) });
  };

  it('B1 (1): an admin requests an exception, mints a compliance key and approves → 403; no shortcut through their own keys', async () => {
    const c = await openException(auth(s.tokens.admin));
    // The shorthand POST /v1/keys creates a new compliance person — created by the admin, so not independent of them.
    const shadow = await post('/v1/keys', { name: 'shadow', role: 'compliance' }, auth(s.tokens.admin));
    expect(shadow.statusCode).toBe(201);
    refusedWith(await approve(c, auth(shadow.json().token)), 'SEGREGATION_OF_DUTIES', 'REQUESTER_CREATED_APPROVER');
    // A compliance key of the admin's own: they do not hold the role.
    const adminId = await userIdOf(s.tokens.admin);
    refusedWith(await post(`/v1/users/${adminId}/keys`, { name: 'mine', role: 'compliance' }, auth(s.tokens.admin)), 'KEY_ROLE_NOT_HELD');
    // Nor may they grant it to themselves.
    const selfGrant = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${adminId}`,
      payload: { version: await versionOf(adminId), roles: ['admin', 'compliance'] },
      headers: auth(s.tokens.admin),
    });
    refusedWith(selfGrant, 'SELF_GRANT_FORBIDDEN');
    expect(await s.h.store.users.get(adminId)).toMatchObject({ roles: ['admin'], version: await versionOf(adminId) });
    expect((await s.h.store.users.grants(adminId)).map((g) => g.role)).toEqual(['admin']);
    // An independent compliance officer may.
    expect((await approve(c, auth(s.tokens.compliance))).statusCode).toBe(200);
  });

  it('B1 (2): a compliance officer with a second key (or a session) approves their own request → 403 FOUR_EYES_VIOLATION', async () => {
    const officer = await userIdOf(s.tokens.compliance);
    const c = await openException(auth(s.tokens.compliance));
    const second = await post(`/v1/users/${officer}/keys`, { name: 'second key', role: 'compliance' }, auth(s.tokens.compliance));
    expect(second.statusCode).toBe(201);
    refusedWith(await approve(c, auth(s.tokens.compliance)), 'FOUR_EYES_VIOLATION', 'APPROVER_IS_REQUESTER');
    refusedWith(await approve(c, auth(second.json().token)), 'FOUR_EYES_VIOLATION', 'APPROVER_IS_REQUESTER');
    const session = await s.app.sessions.create({ userId: officer, method: 'link' });
    refusedWith(await approve(c, { cookie: `${SESSION_COOKIE}=${session.id}` }), 'FOUR_EYES_VIOLATION', 'APPROVER_IS_REQUESTER');
    // Rejecting is deciding too.
    const reject = await post(`/v1/review/${c.reviewId}/reject`, { reason: 'not needed after all' }, auth(second.json().token));
    refusedWith(reject, 'FOUR_EYES_VIOLATION');
    expect((await approve(c, auth(s.tokens.compliance2))).statusCode).toBe(200);
  });

  it(`admin-created approver: refused within ${RECENT_DAYS} days of creation, allowed after (access.segregation.recentDays)`, async () => {
    const created = await post(
      '/v1/users',
      { name: 'Cara Approver', email: 'cara@example.com', roles: ['compliance'] },
      auth(s.tokens.admin),
    );
    expect(created.statusCode).toBe(201);
    const cara = created.json().id as string;
    const key = (await post(`/v1/users/${cara}/keys`, { name: 'cara', role: 'compliance' }, auth(s.tokens.admin))).json().token as string;
    const c = await openException(auth(s.tokens.admin));
    refusedWith(await approve(c, auth(key)), 'SEGREGATION_OF_DUTIES', 'REQUESTER_CREATED_APPROVER');
    // She may not decide a request by the admin either way, even one opened before.
    refusedWith(await post(`/v1/review/${c.reviewId}/reject`, { reason: 'Not needed any more' }, auth(key)), 'SEGREGATION_OF_DUTIES');
    s.clock.advance((RECENT_DAYS - 1) * DAY_MS);
    refusedWith(await approve(c, auth(key)), 'SEGREGATION_OF_DUTIES', 'REQUESTER_CREATED_APPROVER');
    s.clock.advance(2 * DAY_MS);
    const res = await approve(c, auth(key));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().review).toMatchObject({ status: 'APPROVED', decidedBy: cara });
  });

  it('an approver who created the requester, or granted them a role, recently → refused; and the other way round', async () => {
    // Quinn holds admin and compliance: he can make people and approve.
    const quinn = await post(
      '/v1/users',
      { name: 'Quinn', email: 'quinn@example.com', roles: ['admin', 'compliance'] },
      auth(s.tokens.admin),
    );
    const qId = quinn.json().id as string;
    const mint = async (userId: string, role: string, by = s.tokens.admin) =>
      (await post(`/v1/users/${userId}/keys`, { name: `${userId} ${role}`, role }, auth(by))).json().token as string;
    const quinnAdmin = await mint(qId, 'admin');
    const quinnCompliance = await mint(qId, 'compliance');
    s.clock.advance((RECENT_DAYS + 1) * DAY_MS); // Quinn is no longer "recently created" by the admin.

    // Quinn created Rory, who requests: APPROVER_CREATED_REQUESTER.
    const rory = (await post('/v1/users', { name: 'Rory', email: 'rory@example.com', roles: ['ops'] }, auth(quinnAdmin))).json().id;
    const c1 = await openException(auth(await mint(rory, 'ops')));
    refusedWith(await approve(c1, auth(quinnCompliance)), 'SEGREGATION_OF_DUTIES', 'APPROVER_CREATED_REQUESTER');

    // Quinn granted Sam (made by the admin) the ops role, Sam requests: APPROVER_GRANTED_REQUESTER_ROLE.
    const sam = (
      await post('/v1/users', { name: 'Sam', email: 'sam@example.com', roles: ['integration-owner'] }, auth(s.tokens.admin))
    ).json().id as string;
    const grant = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${sam}`,
      payload: { version: await versionOf(sam), roles: ['integration-owner', 'ops'] },
      headers: auth(quinnAdmin),
    });
    expect(grant.statusCode, grant.body).toBe(200);
    const c2 = await openException(auth(await mint(sam, 'ops')));
    refusedWith(await approve(c2, auth(quinnCompliance)), 'SEGREGATION_OF_DUTIES', 'APPROVER_GRANTED_REQUESTER_ROLE');

    // The other direction: Quinn (admin) grants the compliance role to an ops person, then asks them to approve his request.
    const olive = (await post('/v1/users', { name: 'Olive', email: 'olive@example.com', roles: ['ops'] }, auth(s.tokens.admin))).json()
      .id as string;
    s.clock.advance((RECENT_DAYS + 1) * DAY_MS);
    const promote = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${olive}`,
      payload: { version: await versionOf(olive), roles: ['compliance', 'ops'] },
      headers: auth(quinnAdmin),
    });
    expect(promote.statusCode).toBe(200);
    const c3 = await openException(auth(await mint(qId, 'admin')));
    refusedWith(await approve(c3, auth(await mint(olive, 'compliance'))), 'SEGREGATION_OF_DUTIES', 'REQUESTER_GRANTED_APPROVER_ROLE');
    // Every refusal left the reviews open for an independent officer.
    for (const c of [c1, c2, c3]) expect((await approve(c, auth(s.tokens.compliance2))).statusCode).toBe(200);
  });

  it('an admin cannot reinstate themselves: once suspended, their key and session no longer reach the API', async () => {
    const ada = (await post('/v1/users', { name: 'Ada', email: 'ada@example.com', roles: ['admin'] }, auth(s.tokens.admin))).json().id;
    const key = (await post(`/v1/users/${ada}/keys`, { name: 'ada', role: 'admin' }, auth(s.tokens.admin))).json().token as string;
    const session = await s.app.sessions.create({ userId: ada, method: 'link' });
    const suspend = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${ada}`,
      payload: { version: await versionOf(ada), status: 'suspended' },
      headers: auth(s.tokens.admin),
    });
    expect(suspend.statusCode).toBe(200);
    const version = await versionOf(ada);
    const reinstate = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${ada}`,
      payload: { version, status: 'active' },
      headers: auth(key),
    });
    expect(reinstate.statusCode).toBe(401);
    const viaSession = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${ada}`,
      payload: { version, status: 'active' },
      headers: { cookie: `${SESSION_COOKIE}=${session.id}` },
    });
    expect(viaSession.statusCode).toBe(401);
    expect((await get(`/v1/users/${ada}`, auth(s.tokens.admin))).json()).toMatchObject({ status: 'suspended', version });
    // A request already in flight when she was suspended (its principal resolved before) cannot reinstate her either.
    const inFlight = { userId: ada, name: 'Ada', roles: ['admin' as const], repId: null, keyId: null };
    const direct = await updatePerson(s.ctx, inFlight, ada, version, { status: 'active' });
    expect(direct.ok || direct.error.code).toBe('SELF_GRANT_FORBIDDEN');
    expect((await s.h.store.users.get(ada))!.status).toBe('suspended');
  });

  it('an approver who lost the compliance role after the request: key → 401, session → 403; the review stays open', async () => {
    const kim = (
      await post('/v1/users', { name: 'Kim', email: 'kim@example.com', roles: ['compliance', 'ops'] }, auth(s.tokens.admin))
    ).json().id as string;
    s.clock.advance((RECENT_DAYS + 1) * DAY_MS);
    const key = (await post(`/v1/users/${kim}/keys`, { name: 'kim', role: 'compliance' }, auth(s.tokens.admin))).json().token as string;
    const session = await s.app.sessions.create({ userId: kim, method: 'link' });
    const cookie = { cookie: `${SESSION_COOKIE}=${session.id}` };
    const c = await openException(auth(s.tokens.ops));
    const demote = await s.app.inject({
      method: 'PATCH',
      url: `/v1/users/${kim}`,
      payload: { version: await versionOf(kim), roles: ['ops'], reason: 'moved to operations' },
      headers: auth(s.tokens.admin),
    });
    expect(demote.statusCode).toBe(200);
    const viaKey = await approve(c, auth(key));
    expect(viaKey.statusCode).toBe(401);
    const viaSession = await approve(c, cookie);
    expect(viaSession.statusCode).toBe(403);
    expect(viaSession.json().code).toBe('FORBIDDEN');
    expect((await approve(c, auth(s.tokens.compliance2))).statusCode).toBe(200);
  });
});

const BLOCKLIST = 'examples/bank/screening/firm-blocklist.csv';
const HEADER = 'id,name,aliases,type,dob,country,reason\n';

describe.each(dialects)('segregation of duties on screening list reloads: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let s: TestService;
  let dir: string;
  let schema: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remit-sod-lists-'));
    await copyFile(BLOCKLIST, join(dir, 'blocklist.csv'));
    await copyFile('test/support/fixtures/sanctions-mini.ftm.jsonl', join(dir, 'sanctions.ftm.jsonl'));
    const listSources = new ListSourceCatalogue(
      [
        { id: 'blocklist', format: 'blocklist-csv', path: join(dir, 'blocklist.csv') },
        { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
      ],
      0.2,
    );
    schema = factory.name === 'postgres' ? newSchemaName() : undefined;
    s = await startTestService({ url: schema ? PG_URL : 'sqlite::memory:', ...(schema ? { schema } : {}), listSources });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    if (schema) await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  const post = (url: string, payload: object, token: string) => s.app.inject({ method: 'POST', url, payload, headers: auth(token) });
  const userIdOf = async (token: string) =>
    (await s.app.inject({ method: 'GET', url: '/v1/session', headers: auth(token) })).json().userId as string;

  /** Empties the blocklist on disk and asks for a reload: held back by the shrink guard for a second person. */
  async function pendingEmptyReload(requester: string): Promise<string> {
    await writeFile(join(dir, 'blocklist.csv'), HEADER);
    const res = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, requester);
    expect(res.statusCode, res.body).toBe(202);
    return res.json().pending[0].reloadId as string;
  }

  const approveReload = (id: string, token: string) => post(`/v1/screening/lists:reload/${id}/approve`, {}, token);

  it('an admin who requests a shrinking reload and approves it with a compliance key they minted → 403; list unchanged', async () => {
    const before = s.ctx.screening!.version('blocklist');
    const id = await pendingEmptyReload(s.tokens.admin);
    const shadow = (await post('/v1/keys', { name: 'shadow', role: 'compliance' }, s.tokens.admin)).json().token as string;
    const res = await approveReload(id, shadow);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'SEGREGATION_OF_DUTIES', reasonCode: 'REQUESTER_CREATED_APPROVER' });
    expect(s.ctx.screening!.version('blocklist')).toEqual(before);
    expect((await s.store.screeningLists.getPending(id))!.status).toBe('pending');
  });

  it('a compliance officer approving their own reload with a second key → 403 FOUR_EYES_VIOLATION; another officer may', async () => {
    const before = s.ctx.screening!.version('blocklist');
    const id = await pendingEmptyReload(s.tokens.compliance);
    const officer = await userIdOf(s.tokens.compliance);
    const second = (await post(`/v1/users/${officer}/keys`, { name: 'second', role: 'compliance' }, s.tokens.compliance)).json()
      .token as string;
    const res = await approveReload(id, second);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FOUR_EYES_VIOLATION', reasonCode: 'APPROVER_IS_REQUESTER' });
    expect(s.ctx.screening!.version('blocklist')).toEqual(before);
    const approved = await approveReload(id, s.tokens.compliance2);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(s.ctx.screening!.version('blocklist')!.entryCount).toBe(0);
  });
});
