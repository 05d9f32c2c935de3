import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubSpotV3 } from '../../src/app/sources/inbound-webhook-signatures.ts';
import { signWebhook } from '../../src/app/webhooks/outbound-webhook-signature.ts';
import { startTestService, type TestService } from '../http/service-harness.ts';
import {
  CRM_HOST as HOST,
  HUBSPOT_SECRET,
  hubspotSignature,
  postHubSpot as postHubSpotRequest,
  postSalesforce as postSalesforceRequest,
  SALESFORCE_SECRET,
} from '../support/crm-webhook-requests.ts';

/**
 * CRM webhooks (docs/sources.md): real-shaped payloads, signed as the senders sign them
 * (test/support/crm-webhook-requests.ts recomputes HubSpot's signature from its published recipe).
 */
const postSigned = { hubspot: postHubSpotRequest, salesforce: postSalesforceRequest };

let s: TestService;
beforeAll(async () => {
  process.env.HUBSPOT_CLIENT_SECRET = HUBSPOT_SECRET;
  process.env.SALESFORCE_WEBHOOK_SECRET = SALESFORCE_SECRET;
  s = await startTestService();
});
afterAll(async () => s.close());

const leadCount = async () => (await s.store.leads.list()).length;

function hubspotPayload(overrides: Record<string, unknown> = {}) {
  return {
    eventId: 4021301,
    conversionId: '5f3e1c2a-8d1b-4f7e-9c2a-1b2c3d4e5f60',
    portalId: 62515,
    formId: 'b3a9e2c4-1111-4a3b-9e8f-000000000001',
    submittedAt: Date.parse('2026-11-24T10:58:30Z'),
    fields: [
      { objectTypeId: '0-1', name: 'firstname', value: 'Zoë' },
      { objectTypeId: '0-1', name: 'lastname', value: 'Øster' },
      { objectTypeId: '0-1', name: 'email', value: 'zoe.hubspot@example.co.uk' },
      { objectTypeId: '0-1', name: 'phone', value: '+44 20 7946 0611' },
      { objectTypeId: '0-1', name: 'country', value: 'United Kingdom' },
      { objectTypeId: '0-1', name: 'zip', value: 'EC2V 7HH' },
    ],
    context: {
      hutk: '1f2e3d4c5b6a79880716253443526170',
      pageUri: 'https://www.example-bank.co.uk/isa?utm_source=hs',
      pageName: 'Stocks & Shares ISA',
    },
    legalConsentOptions: {
      consent: {
        consentToProcess: true,
        text: 'I agree to allow Example Bank to store and process my personal data.',
        communications: [{ value: true, subscriptionTypeId: 999, text: 'I agree to receive marketing emails from Example Bank.' }],
      },
    },
    ...overrides,
  };
}

const postHubSpot = (body: string, opts: Parameters<typeof postSigned.hubspot>[2] = {}) => postSigned.hubspot(s, body, opts);

function salesforcePayload(overrides: Record<string, unknown> = {}, lead: Record<string, unknown> = {}) {
  return {
    eventId: 'e-0Q5000000abcDEF-1',
    sobjectType: 'Lead',
    occurredAt: '2026-11-24T10:59:12.000Z',
    organizationId: '00D5g000004ABCD',
    lead: {
      Id: '00Q5g00000AbCdEFGH',
      FirstName: 'Ann',
      LastName: 'Sørensen',
      Email: 'ann.sorensen@example.co.uk',
      Phone: '(020) 7946 0612',
      Company: 'Sørensen Holdings Ltd',
      Street: '1 Poultry',
      City: 'London',
      PostalCode: 'EC2R 8EJ',
      Country: 'GB',
      LeadSource: 'Partner Referral',
      Product_Interest__c: 'uk-stocks-shares-isa',
      Marketing_Consent__c: true,
      Consent_Wording__c: 'I would like to hear from Example Bank by email and phone.',
      Consent_Captured_At__c: '2026-11-20T16:45:00.000Z',
      ...lead,
    },
    ...overrides,
  };
}

const postSalesforce = (body: string, opts: Parameters<typeof postSigned.salesforce>[2] = {}) => postSigned.salesforce(s, body, opts);

describe('HubSpot form-submission webhook', () => {
  it("the signing helper follows HubSpot's recipe (URI escapes decoded)", () => {
    const uri = 'https://remit.example/v1/sources/hubspot/x?a=%3A%2F';
    expect(signHubSpotV3(HUBSPOT_SECRET, 'post', uri, '{}', 1)).toBe(
      createHmac('sha256', HUBSPOT_SECRET).update('POSThttps://remit.example/v1/sources/hubspot/x?a=:/{}1').digest('base64'),
    );
  });

  it('verifies the v3 signature, maps the submission and ingests it; a redelivery replays the first answer', async () => {
    const body = JSON.stringify(hubspotPayload());
    const res = await postHubSpot(body);
    expect(res.statusCode).toBe(201);
    const { leadId, status, eventId } = res.json();
    expect(eventId).toBe('4021301');
    expect(status).toBe('ASSIGNED');
    const lead = JSON.parse((await s.store.leads.get(leadId))!.leadJson);
    expect(lead).toMatchObject({ source: 'hubspot', product: 'uk-stocks-shares-isa', jurisdiction: 'GB' });
    expect(lead.custom['context.pageUri']).toBe('https://www.example-bank.co.uk/isa?utm_source=hs');
    const personal = await s.store.personalData.get(leadId);
    expect(JSON.parse(personal!.contactJson)).toMatchObject({ firstName: 'Zoë', lastName: 'Øster' });
    expect(JSON.parse(personal!.consentJson!)).toMatchObject({
      marketing: true,
      wording: 'I agree to receive marketing emails from Example Bank.',
      capturedAt: '2026-11-24T10:58:30.000Z',
      channels: ['email'],
    });
    expect((await s.store.events.listForLead(leadId))[0]!.actor).toBe('source:hubspot-main');

    // HubSpot retries with a fresh timestamp and signature: same event id, same answer, nothing new.
    const count = await leadCount();
    s.clock.advance(30_000);
    const again = await postHubSpot(body);
    s.clock.advance(-30_000);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().leadId).toBe(leadId);
    expect(await leadCount()).toBe(count);
  });

  it('refuses a wrong signature, a tampered body, a stale or missing timestamp (401 SIGNATURE_INVALID); nothing is stored', async () => {
    const before = await leadCount();
    const body = JSON.stringify(
      hubspotPayload({
        eventId: 4021302,
        fields: [
          { name: 'firstname', value: 'Eve' },
          { name: 'lastname', value: 'Forger' },
          { name: 'email', value: 'eve@example.com' },
        ],
      }),
    );
    const wrong = await postHubSpot(body, { signature: createHmac('sha256', 'not-the-secret').update('x').digest('base64') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('SIGNATURE_INVALID');
    const ts = s.clock.now();
    const signed = hubspotSignature(`http://${HOST}/v1/sources/hubspot/hubspot-main`, body, ts);
    expect((await postHubSpot(body.replace('Eve', 'Evan'), { ts, signature: signed })).statusCode).toBe(401);
    const staleTs = s.clock.now() - 6 * 60_000;
    const stale = await postHubSpot(body, { ts: staleTs });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().message).toMatch(/300 s/);
    expect((await postHubSpot(body, { headers: { 'x-hubspot-request-timestamp': '' } })).statusCode).toBe(401);
    // Signed for another URL (a replay against a different source) fails too.
    expect(
      (await postHubSpot(body, { signature: hubspotSignature(`http://${HOST}/v1/sources/hubspot/other`, body, ts), ts })).statusCode,
    ).toBe(401);
    expect(await leadCount()).toBe(before);
  });

  it('a payload without an event id or with invalid fields is refused with field-level errors', async () => {
    const before = await leadCount();
    const noId = hubspotPayload({ conversionId: undefined });
    delete (noId as { eventId?: unknown }).eventId;
    const res = await postHubSpot(JSON.stringify(noId));
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0].path).toBe('/body/eventId');
    const badEmail = await postHubSpot(
      JSON.stringify(
        hubspotPayload({
          eventId: 4021399,
          fields: [
            { name: 'firstname', value: 'Bad' },
            { name: 'lastname', value: 'Mail' },
            { name: 'email', value: 'bad@@example' },
          ],
        }),
      ),
    );
    expect(badEmail.statusCode).toBe(422);
    expect(badEmail.json().details.find((d: { path: string }) => d.path === '/person/email').message).toMatch(/hubspot field "email"/);
    expect(await leadCount()).toBe(before);
  });

  it("unknown sources are 404, and a source answers only on its own kind's route", async () => {
    const body = JSON.stringify(hubspotPayload());
    expect((await postHubSpot(body, { sourceId: 'nope' })).statusCode).toBe(404);
    expect((await postHubSpot(body, { sourceId: 'sfdc-prod' })).statusCode).toBe(404);
  });
});

describe('Salesforce-style Lead webhook', () => {
  it('verifies Remit-Signature, maps the Lead object and ingests it, idempotent on the event id', async () => {
    const body = JSON.stringify(salesforcePayload());
    const res = await postSalesforce(body);
    expect(res.statusCode).toBe(201);
    const { leadId } = res.json();
    const lead = JSON.parse((await s.store.leads.get(leadId))!.leadJson);
    expect(lead).toMatchObject({ source: 'salesforce', product: 'uk-stocks-shares-isa', jurisdiction: 'GB' });
    expect(lead.custom).toMatchObject({ sfLeadSource: 'Partner Referral' });
    const personal = await s.store.personalData.get(leadId);
    expect(JSON.parse(personal!.contactJson)).toMatchObject({ lastName: 'Sørensen', phoneE164: '+442079460612' });
    expect(JSON.parse(personal!.consentJson!)).toMatchObject({
      marketing: true,
      capturedAt: '2026-11-20T16:45:00.000Z',
      wording: 'I would like to hear from Example Bank by email and phone.',
    });

    const count = await leadCount();
    const again = await postSalesforce(body, { t: Math.floor(s.clock.now() / 1000) + 20 });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().leadId).toBe(leadId);
    // The same event id with different content is a client error, not a second lead.
    const changed = await postSalesforce(JSON.stringify(salesforcePayload({}, { FirstName: 'Anne' })));
    expect(changed.statusCode).toBe(422);
    expect(changed.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await leadCount()).toBe(count);
  });

  it('refuses a missing, wrong or stale signature and a tampered body (401); nothing is stored', async () => {
    const before = await leadCount();
    const body = JSON.stringify(
      salesforcePayload({ eventId: 'e-2' }, { Id: '00Q000000000002', Email: 'second@example.co.uk', Phone: '020 7946 0613' }),
    );
    const t = Math.floor(s.clock.now() / 1000);
    expect((await postSalesforce(body, { signature: '' })).statusCode).toBe(401);
    expect((await postSalesforce(body, { signature: signWebhook('wrong-secret', body, t) })).statusCode).toBe(401);
    expect(
      (await postSalesforce(body.replace('second@', 'third@'), { signature: signWebhook(SALESFORCE_SECRET, body, t) })).statusCode,
    ).toBe(401);
    const stale = await postSalesforce(body, { t: t - 301 });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('SIGNATURE_INVALID');
    expect(await leadCount()).toBe(before);
    expect((await postSalesforce(body, { t: t - 299 })).statusCode).toBe(201);
  });

  it('names the Salesforce field behind an invalid value; not a Lead event is 422', async () => {
    const bad = await postSalesforce(JSON.stringify(salesforcePayload({ eventId: 'e-3' }, { Id: '00Q3', Email: 'nope', Phone: null })));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.find((d: { path: string }) => d.path === '/person/email').message).toMatch(/salesforce field "lead.Email"/);
    const notLead = await postSalesforce(JSON.stringify({ eventId: 'e-4', sobjectType: 'Contact', lead: {} }));
    expect(notLead.statusCode).toBe(422);
  });
});

describe('source limits (org config limits.bySource, docs/operations.md "Intake limits")', () => {
  it('count only signed events: a bad signature uses none of the allowance; over it 429 with Retry-After, nothing stored', async () => {
    const config = { ...structuredClone(s.ctx.orgs.current.config), limits: { bySource: { 'hubspot-main': { leadsPerMinute: 1 } } } };
    const published = await s.ctx.orgs.publish({ ...config, version: 'crm-source-limits' }, 'test');
    if (!published.ok) throw new Error(JSON.stringify(published.error));
    const event = (n: number) =>
      JSON.stringify(
        hubspotPayload({
          eventId: 7_700_000 + n,
          conversionId: `limit-${n}`,
          fields: [
            { objectTypeId: '0-1', name: 'email', value: `limit.${n}@example.co.uk` },
            { objectTypeId: '0-1', name: 'lastname', value: `Limit ${n}` },
            { objectTypeId: '0-1', name: 'country', value: 'United Kingdom' },
          ],
        }),
      );
    expect((await postHubSpot(event(1), { signature: 'forged' })).statusCode).toBe(401);
    const first = await postHubSpot(event(2));
    expect(first.statusCode, first.body).toBe(201);
    const before = await leadCount();
    const refused = await postHubSpot(event(3));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', details: [{ path: '/limits/bySource/hubspot-main/leadsPerMinute' }] });
    expect(await leadCount()).toBe(before);
    // A sender that retries after Retry-After gets the same event taken in.
    s.clock.advance(60_000);
    expect((await postHubSpot(event(3))).statusCode).toBe(201);
  });
});
