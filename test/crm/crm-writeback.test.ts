import { afterEach, describe, expect, it } from 'vitest';
import { defaultCrmClient } from '../../src/app/crm/crm-client.ts';
import { CrmWritebackWorker } from '../../src/app/crm/crm-writeback-worker.ts';
import { emitEvent } from '../../src/app/events/outbox-writer.ts';
import { signWebhook } from '../../src/app/webhooks/outbound-webhook-signature.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startCrmApiServer, type CrmApiServer } from '../support/crm-api-server.ts';

/**
 * CRM write-back end to end (docs/crm.md), on SQLite and PostgreSQL, against local stand-ins of HubSpot and Salesforce
 * that check every request against the vendors' OpenAPI descriptions (test/support/crm-api-server.ts): the owner
 * update arrives valid for both CRMs and is in the lead's story; a 401 refreshes the token once; a 429 waits for
 * Retry-After; a 5xx is retried; a 4xx is dead-lettered and redriven; a rolled-back decision queues nothing; a newer
 * write-back supersedes an unsent older one; two workers on one PostgreSQL database send one request.
 */

const CONSOLE = 'https://remit.northbridge.example';
const SECRETS: Record<string, string> = {
  HS_CLIENT_ID: 'hs-client-4f1e',
  HS_CLIENT_SECRET: 'hs-secret-9a0c',
  SF_CLIENT_ID: '3MVG9-remit-test',
  SF_CLIENT_SECRET: 'sf-secret-77d2',
  SF_REFRESH_TOKEN: 'sf-refresh-5b1e',
};
const SALESFORCE_WEBHOOK_SECRET = 'sf-webhook-secret-93d1';
const secrets = (name: string) => SECRETS[name];

const hubspotTarget = (baseUrl: string) => ({
  id: 'hubspot-main',
  kind: 'hubspot',
  leadSource: 'hubspot',
  recordIdField: 'hubspotContactId',
  baseUrl,
  auth: {
    kind: 'client_credentials',
    clientIdEnv: 'HS_CLIENT_ID',
    clientSecretEnv: 'HS_CLIENT_SECRET',
    scope: 'crm.objects.contacts.write',
  },
  owners: { 'amelia-hughes': '77001', 'priya-shah': '77002' },
  statuses: { ASSIGNED: 'IN_PROGRESS', ACCEPTED: 'OPEN_DEAL', REFUSED: 'UNQUALIFIED' },
  fields: { decisionId: 'remit_decision_id', storyUrl: 'remit_story_url' },
});

const salesforceTarget = (baseUrl: string) => ({
  id: 'sfdc-prod',
  kind: 'salesforce',
  leadSource: 'salesforce',
  recordIdField: 'sfLeadId',
  baseUrl,
  apiVersion: 'v62.0',
  auth: { kind: 'refresh_token', clientIdEnv: 'SF_CLIENT_ID', clientSecretEnv: 'SF_CLIENT_SECRET', refreshTokenEnv: 'SF_REFRESH_TOKEN' },
  owners: { 'amelia-hughes': '005000000000001AAA', 'priya-shah': '005000000000002AAA' },
  statuses: { ASSIGNED: 'Working - Contacted' },
  fields: { decisionId: 'Remit_Decision_Id__c', storyUrl: 'Remit_Story_Url__c' },
});

let s: AuditService | undefined;
let crm: CrmApiServer | undefined;
afterEach(async () => {
  await s?.close();
  await crm?.close();
  s = undefined;
  crm = undefined;
});

/** The example org with write-back targets, and the Salesforce webhook mapping the Lead Id into a custom field. */
async function start(factory: Parameters<typeof startAuditService>[0], targets: readonly object[]): Promise<AuditService> {
  return startAuditService(factory, {
    crmConsoleUrl: CONSOLE,
    configure: (config) => {
      const sources = config.sources as { crm: { id: string; fields: Record<string, string> }[] };
      const sfdc = sources.crm.find((c) => c.id === 'sfdc-prod')!;
      sfdc.fields = { ...sfdc.fields, 'custom.sfLeadId': 'lead.Id' };
      return { ...config, crmWriteBack: targets };
    },
  });
}

async function ingestHubSpotLead(svc: AuditService, contactId = '501', email = 'ann.lee@example.co.uk') {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: auth(svc.tokens.integration),
    payload: ukLead({ source: 'hubspot', custom: { hubspotContactId: contactId }, person: { firstName: 'Ann', lastName: 'Lee', email } }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { leadId: string; status: string; decision: { decisionId: string; rep: { id: string } | null } };
}

const worker = (svc: AuditService, options: ConstructorParameters<typeof CrmWritebackWorker>[2] = {}) =>
  new CrmWritebackWorker(svc.ctx, defaultCrmClient(svc.clock.now, secrets), { baseDelayMs: 1_000, ...options });

const story = async (svc: AuditService, leadId: string) =>
  (await svc.h.store.events.listForLead(leadId))
    .filter((e) => e.kind.startsWith('crm.'))
    .map((e) => ({ kind: e.kind, ...JSON.parse(e.payloadJson) }));

const dialects = await bothDialects();

describe.each(dialects)('CRM write-back: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('HubSpot: an assignment writes the owner, status, decision id and story link; valid against the spec; in the story', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(factory, [hubspotTarget(crm.url)]);
    const lead = await ingestHubSpotLead(s);
    expect(lead.status).toBe('ASSIGNED');
    expect(lead.decision.rep?.id).toBe('amelia-hughes');
    const w = worker(s);
    expect(await w.tick()).toBe(1);
    expect(await w.tick()).toBe(0);
    expect(crm.invalid).toEqual([]);
    expect(crm.received.map((r) => r.operation)).toEqual(['POST /oauth/v1/token', 'PATCH /crm/v3/objects/contacts/{contactId}']);
    expect(crm.received[0]!.body).toEqual({
      grant_type: 'client_credentials',
      client_id: SECRETS.HS_CLIENT_ID,
      client_secret: SECRETS.HS_CLIENT_SECRET,
      scope: 'crm.objects.contacts.write',
    });
    const [patch] = crm.updates();
    expect(patch).toMatchObject({ path: '/crm/v3/objects/contacts/501', authorization: 'Bearer hubspot-token-1' });
    expect(patch!.body).toEqual({
      properties: {
        hubspot_owner_id: '77001',
        hs_lead_status: 'IN_PROGRESS',
        remit_decision_id: lead.decision.decisionId,
        remit_story_url: `${CONSOLE}/leads/${lead.leadId}`,
      },
    });
    const [row] = await s.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 });
    expect(row).toMatchObject({ status: 'SENT', attempts: 1, targetId: 'hubspot-main', recordId: '501' });
    expect(await story(s, lead.leadId)).toMatchObject([
      {
        kind: 'crm.written',
        reasonCode: 'CRM_WRITTEN',
        crm: 'hubspot',
        recordId: '501',
        request: { path: '/crm/v3/objects/contacts/501' },
      },
    ]);
    // The story over HTTP shows it too (what the console reads, from the sealed audit log).
    await s.seal();
    const storyRes = await s.app.inject({ method: 'GET', url: `/v1/leads/${lead.leadId}/story`, headers: auth(s.tokens.compliance) });
    expect(storyRes.statusCode, storyRes.body).toBe(200);
    expect(storyRes.body).toContain('crm.written');
  });

  it('Salesforce: a Lead from the signed webhook is assigned; OwnerId, Status and Remit fields are PATCHed (refresh token)', async () => {
    crm = await startCrmApiServer('salesforce', {
      clientId: SECRETS.SF_CLIENT_ID!,
      clientSecret: SECRETS.SF_CLIENT_SECRET!,
      refreshToken: SECRETS.SF_REFRESH_TOKEN!,
    });
    s = await start(factory, [salesforceTarget(crm.url)]);
    process.env.SALESFORCE_WEBHOOK_SECRET = SALESFORCE_WEBHOOK_SECRET;
    const body = JSON.stringify({
      eventId: 'e-00Q5g00000AbCdEFGH-1',
      sobjectType: 'Lead',
      lead: {
        Id: '00Q5g00000AbCdEFGH',
        FirstName: 'Ann',
        LastName: 'Sørensen',
        Email: 'ann.sorensen@example.co.uk',
        Phone: '(020) 7946 0612',
        Country: 'GB',
        PostalCode: 'EC2R 8EJ',
        Product_Interest__c: 'uk-stocks-shares-isa',
        Marketing_Consent__c: true,
        Consent_Wording__c: 'I would like to hear from Example Bank by email and phone.',
        Consent_Captured_At__c: '2026-11-20T16:45:00.000Z',
      },
    });
    const svc = s;
    const res = await svc.app.inject({
      method: 'POST',
      url: '/v1/sources/salesforce/sfdc-prod',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'remit-signature': signWebhook(SALESFORCE_WEBHOOK_SECRET, body, Math.floor(svc.clock.now() / 1000)),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { leadId, status } = res.json() as { leadId: string; status: string };
    expect(status).toBe('ASSIGNED');
    const leadRow = await svc.h.store.leads.get(leadId);
    expect(await worker(svc).tick()).toBe(1);
    expect(crm.invalid).toEqual([]);
    expect(crm.received[0]).toMatchObject({
      operation: 'POST /services/oauth2/token',
      body: { grant_type: 'refresh_token', refresh_token: SECRETS.SF_REFRESH_TOKEN },
    });
    const [patch] = crm.updates();
    const decisions = await svc.h.store.decisions.listForLead(leadId);
    const owners = { 'amelia-hughes': '005000000000001AAA', 'priya-shah': '005000000000002AAA' } as Record<string, string>;
    expect(patch).toMatchObject({
      path: '/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEFGH',
      authorization: 'Bearer salesforce-token-1',
    });
    expect(patch!.body).toEqual({
      OwnerId: owners[leadRow!.repId!],
      Status: 'Working - Contacted',
      Remit_Decision_Id__c: decisions.at(-1)!.decisionId,
      Remit_Story_Url__c: `${CONSOLE}/leads/${leadId}`,
    });
    expect(await story(svc, leadId)).toMatchObject([{ kind: 'crm.written', crm: 'salesforce', attempt: 1 }]);
  });

  it('401 (token expired early): the token is refreshed once and the update retried, successfully', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(factory, [hubspotTarget(crm.url)]);
    const w = worker(s);
    await ingestHubSpotLead(s, '501');
    expect(await w.tick()).toBe(1);
    crm.expireTokens();
    const second = await ingestHubSpotLead(s, '502', 'bo.ng@example.co.uk');
    expect(await w.tick()).toBe(1);
    expect(crm.invalid).toEqual([]);
    expect(crm.received.map((r) => `${r.operation} ${r.authorization ?? ''}`.trim())).toEqual([
      'POST /oauth/v1/token',
      'PATCH /crm/v3/objects/contacts/{contactId} Bearer hubspot-token-1',
      'PATCH /crm/v3/objects/contacts/{contactId} Bearer hubspot-token-1',
      'POST /oauth/v1/token',
      'PATCH /crm/v3/objects/contacts/{contactId} Bearer hubspot-token-2',
    ]);
    expect(await s.h.store.crmWritebacks.list({ leadId: second.leadId, limit: 10 })).toMatchObject([{ status: 'SENT', attempts: 1 }]);
    expect((await s.ctx.metrics.crmWritebackFailures.get()).values).toEqual([]);
  });

  it('429: rescheduled at Retry-After, not counted towards dead-letter, then written; the wait is in the story and counted', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(factory, [hubspotTarget(crm.url)]);
    const lead = await ingestHubSpotLead(s);
    crm.forced.push({
      status: 429,
      headers: { 'retry-after': '30' },
      body: {
        status: 'error',
        message: 'You have reached your secondly limit.',
        correlationId: '3f1c7a52-6d5e-4b8a-9c0d-1e2f3a4b5c6d',
        category: 'RATE_LIMITS',
      },
    });
    const w = worker(s, { maxAttempts: 1 });
    expect(await w.tick()).toBe(1);
    let [row] = await s.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 0, nextAttemptAt: new Date(s.clock.ms + 30_000).toISOString() });
    expect(row!.lastError).toContain('secondly limit');
    s.clock.advance(29_000);
    expect(await w.tick()).toBe(0);
    s.clock.advance(1_000);
    expect(await w.tick()).toBe(1);
    [row] = await s.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 });
    // maxAttempts 1: a counted failure would have dead-lettered it; the 429 did not count.
    expect(row).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(crm.invalid).toEqual([]);
    expect(await story(s, lead.leadId)).toMatchObject([
      { kind: 'crm.failed', reasonCode: 'CRM_RATE_LIMITED', nextAttemptAt: new Date(s.clock.ms).toISOString() },
      { kind: 'crm.written' },
    ]);
    const failures = await s.ctx.metrics.crmWritebackFailures.get();
    expect(failures.values).toEqual([{ value: 1, labels: { target: 'hubspot-main', reason: 'CRM_RATE_LIMITED' } }]);
  });

  it('5xx: retried with backoff, then written', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(factory, [hubspotTarget(crm.url)]);
    const lead = await ingestHubSpotLead(s);
    const unavailable = {
      status: 'error',
      message: 'internal error',
      correlationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      category: 'INTERNAL_ERROR',
    };
    crm.forced.push({ status: 502, body: unavailable }, { status: 503, body: unavailable });
    const w = worker(s);
    expect(await w.tick()).toBe(1);
    let [row] = await s.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: new Date(s.clock.ms + 1_000).toISOString() });
    expect(await w.tick()).toBe(0);
    s.clock.advance(1_000);
    expect(await w.tick()).toBe(1);
    [row] = await s.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 2, nextAttemptAt: new Date(s.clock.ms + 2_000).toISOString() });
    s.clock.advance(2_000);
    expect(await w.tick()).toBe(1);
    expect(await s.h.store.crmWritebacks.get(row!.id)).toMatchObject({ status: 'SENT', attempts: 3 });
    expect((await story(s, lead.leadId)).map((e) => `${e.kind as string}:${e.reasonCode as string}`)).toEqual([
      'crm.failed:CRM_UNAVAILABLE',
      'crm.failed:CRM_UNAVAILABLE',
      'crm.written:CRM_WRITTEN',
    ]);
    expect(crm.updates()).toHaveLength(3);
    expect(crm.invalid).toEqual([]);
  });

  it("4xx: dead-lettered at once with the CRM's message; listed and redriven over HTTP (ops), audited, then written", async () => {
    crm = await startCrmApiServer('salesforce', {
      clientId: SECRETS.SF_CLIENT_ID!,
      clientSecret: SECRETS.SF_CLIENT_SECRET!,
      refreshToken: SECRETS.SF_REFRESH_TOKEN!,
    });
    s = await start(factory, [salesforceTarget(crm.url)]);
    const svc = s;
    const res = await svc.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: auth(svc.tokens.integration),
      payload: ukLead({ source: 'salesforce', custom: { sfLeadId: '00Q5g00000AbCdEFGH' } }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const { leadId } = res.json() as { leadId: string };
    crm.forced.push({
      status: 400,
      body: [{ message: "No such column 'Remit_Story_Url__c' on sobject of type Lead", errorCode: 'INVALID_FIELD' }],
    });
    const w = worker(svc);
    expect(await w.tick()).toBe(1);
    const [row] = await svc.h.store.crmWritebacks.list({ status: 'DEAD', limit: 10 });
    expect(row).toMatchObject({ leadId, status: 'DEAD', attempts: 1 });
    expect(row!.lastError).toBe("attempt 1: HTTP 400 INVALID_FIELD: No such column 'Remit_Story_Url__c' on sobject of type Lead");
    expect(await story(svc, leadId)).toMatchObject([{ kind: 'crm.failed', reasonCode: 'CRM_REJECTED', nextAttemptAt: null }]);
    svc.clock.advance(3_600_000);
    expect(await w.tick()).toBe(0); // dead stays dead

    const listed = await svc.app.inject({ method: 'GET', url: '/v1/crm/writebacks?status=DEAD', headers: auth(svc.tokens.ops) });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({
      writebacks: [{ id: row!.id, status: 'DEAD', update: { ownerId: expect.any(String), leadStatus: 'ASSIGNED' } }],
    });
    const bad = await svc.app.inject({ method: 'GET', url: '/v1/crm/writebacks?status=LOST', headers: auth(svc.tokens.ops) });
    expect(bad.statusCode).toBe(400);
    const redrive = (id: string, token: string) =>
      svc.app.inject({ method: 'POST', url: `/v1/crm/writebacks/${id}/redrive`, headers: auth(token) });
    expect((await redrive(row!.id, svc.tokens.rep)).statusCode).toBe(403);
    expect((await redrive('crm-nope', svc.tokens.ops)).statusCode).toBe(404);
    const audited = await svc.h.store.audit.pendingCount();
    const redriven = await redrive(row!.id, svc.tokens.ops);
    expect(redriven.statusCode, redriven.body).toBe(200);
    expect(redriven.json()).toMatchObject({ id: row!.id, status: 'PENDING' });
    expect(await svc.h.store.audit.pendingCount()).toBe(audited + 1);
    expect((await redrive(row!.id, svc.tokens.ops)).json()).toMatchObject({ code: 'CONFLICT' });
    expect(await w.tick()).toBe(1);
    expect(await svc.h.store.crmWritebacks.get(row!.id)).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(crm.updates()).toHaveLength(2);
    expect(crm.invalid).toEqual([]);
    const failures = await svc.ctx.metrics.crmWritebackFailures.get();
    expect(failures.values).toEqual([{ value: 1, labels: { target: 'sfdc-prod', reason: 'CRM_REJECTED' } }]);
  });

  it('a rolled-back decision queues nothing; a newer change supersedes an unsent write-back (one PATCH, the newest values)', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(factory, [hubspotTarget(crm.url)]);
    const svc = s;
    const lead = await ingestHubSpotLead(svc);
    const at = new Date(svc.clock.ms).toISOString();
    await expect(
      svc.h.store.transaction(async (tx) => {
        await tx.leads.update(lead.leadId, {
          status: 'ACCEPTED',
          teamId: null,
          repId: 'amelia-hughes',
          orgHash: svc.ctx.orgs.current.hash,
          updatedAt: at,
        });
        await emitEvent(tx, svc.ctx, 'lead.status_changed', { leadId: lead.leadId, from: 'ASSIGNED', to: 'ACCEPTED' }, at);
        expect(await tx.crmWritebacks.list({ leadId: lead.leadId, limit: 10 })).toHaveLength(2);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await svc.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 });
    expect(rows.map((r) => r.status)).toEqual(['PENDING']);

    // A change that commits before the first write-back was sent: the older row is superseded, only the newer is sent.
    await svc.h.store.transaction(async (tx) => {
      await tx.leads.update(lead.leadId, {
        status: 'ACCEPTED',
        teamId: null,
        repId: 'priya-shah',
        orgHash: svc.ctx.orgs.current.hash,
        updatedAt: at,
      });
      await emitEvent(tx, svc.ctx, 'lead.reassigned', { leadId: lead.leadId, fromRep: 'amelia-hughes', toRep: 'priya-shah' }, at);
    });
    expect((await svc.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 })).map((r) => r.status)).toEqual([
      'SUPERSEDED',
      'PENDING',
    ]);
    expect(await worker(svc).tick()).toBe(1);
    expect(crm.updates().map((u) => u.body)).toEqual([
      { properties: { hubspot_owner_id: '77002', hs_lead_status: 'OPEN_DEAL', remit_story_url: `${CONSOLE}/leads/${lead.leadId}` } },
    ]);
    expect(crm.invalid).toEqual([]);
  });

  it('a lead from another source, or without a record id, queues nothing', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(factory, [hubspotTarget(crm.url)]);
    for (const payload of [
      ukLead({ custom: { hubspotContactId: '900' } }),
      ukLead({ source: 'hubspot', person: { firstName: 'Bo', lastName: 'Ng', email: 'bo.ng@example.co.uk' } }),
    ]) {
      const res = await s.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(s.tokens.integration), payload });
      expect(res.statusCode, res.body).toBe(201);
    }
    expect(await s.h.store.crmWritebacks.list({ limit: 10 })).toEqual([]);
  });
});

describe('two workers on one PostgreSQL database', async () => {
  const pg = dialects[1]!;
  if (!pg.run) return declareUnreachable(pg.reason);

  it('send one request for one write-back (compare-and-set claim)', async () => {
    crm = await startCrmApiServer('hubspot', { clientId: SECRETS.HS_CLIENT_ID!, clientSecret: SECRETS.HS_CLIENT_SECRET! });
    s = await start(pg.factory, [hubspotTarget(crm.url)]);
    const lead = await ingestHubSpotLead(s);
    const other = await openStore({ url: s.cliUrl });
    try {
      const first = worker(s);
      const second = new CrmWritebackWorker({ ...s.ctx, store: other }, defaultCrmClient(s.clock.now, secrets));
      const attempted = await Promise.all([first.tick(), second.tick(), first.tick(), second.tick()]);
      expect(attempted.reduce((a, b) => a + b, 0)).toBe(1);
      expect(crm.updates()).toHaveLength(1);
      expect(await s.h.store.crmWritebacks.list({ leadId: lead.leadId, limit: 10 })).toMatchObject([{ status: 'SENT', attempts: 1 }]);
    } finally {
      await other.close();
    }
  });
});
