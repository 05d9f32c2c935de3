import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayDecision, compileStoredOrg } from '../../src/app/audit/audit-replay.use-case.ts';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { signHubSpotV3 } from '../../src/app/sources/inbound-webhook-signatures.ts';
import { signWebhook } from '../../src/app/webhooks/outbound-webhook-signature.ts';
import { leadKeyHashes } from '../../src/app/screening/screening-name-keys.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { csv, remit } from '../import/import-support.ts';
import { startAuditService, type AuditService } from './audit-service-fixture.ts';
import { findEverywhere } from './find-everywhere.ts';

/**
 * docs/audit.md "Personal data and erasure" (erasure is complete, finding W2): one person reaches Remit through every
 * input path — the API (custom fields, an idempotent replay), the example's web form (hidden
 * fields), HubSpot and Salesforce webhooks, a CSV import — and is called and emailed. After their
 * leads are erased, none of their data is left anywhere: SQLite's file bytes, every text column on
 * PostgreSQL. The audit log still verifies and every decision still replays identically.
 */

const dialects = await bothDialects();

const FORM_KEY = 'fk_erasure_0123456789';
const HUBSPOT_SECRET = 'hs-erasure-secret-5d1c';
const SALESFORCE_SECRET = 'sf-erasure-secret-8e2a';
const HOST = 'remit.example-bank.co.uk';

let s: AuditService | undefined;
let dir = '';
afterEach(async () => {
  await s?.close();
  s = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

const post = (path: string, body: unknown, token: string, headers: Record<string, string> = {}) =>
  s!.app.inject({ method: 'POST', url: path, payload: body as object, headers: { ...auth(token), ...headers } });

/** The person: unique enough that any occurrence is theirs. */
function person() {
  const tag = Math.random().toString(36).slice(2, 8);
  return {
    tag,
    first: 'Ottoline',
    last: `Quarrendell${tag}`,
    email: `ottoline.q${tag}@example.org`,
    phoneNational: '020 7946 0577',
    marker: `zq-marker-${tag}-7f3a9c`,
  };
}

type Person = ReturnType<typeof person>;

/** The API body: the person, a marker in a custom field and a page URL holding their email. */
const apiLead = (p: Person) =>
  ukLead({
    person: { firstName: p.first, lastName: p.last, email: p.email, phone: p.phoneNational },
    custom: { note: p.marker, pageUri: `https://x/isa?prefill_email=${p.email}` },
    // identifiers are screening keys too (docs/screening.md "Leads are found by their identifiers")
    vessel: SHIP,
  });
const SHIP = { name: 'Quarrendell Tern', imo: '9187629', mmsi: '572469210' };

/** How many of the leads still hold a screening key (name or identifier) of the API lead's person and ship. */
async function keyedLeads(p: Person, ids: readonly string[]): Promise<string[]> {
  const keys = leadKeyHashes({ fullName: `${p.first} ${p.last}`, vessel: SHIP });
  const held = new Set([...(await s!.h.store.personalData.leadsByNameKeys(keys)).values()].flat());
  return ids.filter((id) => held.has(id));
}

async function expectIdenticalReplay(decisionId: string): Promise<void> {
  const store = s!.h.store;
  const report = await replayDecision({ store, orgVersion: (hash) => compileStoredOrg(store, hash) }, decisionId);
  expect(report.ok && report.value.identical, JSON.stringify(report.ok ? report.value.differences : report.error)).toBe(true);
}

/** The needles: the person's data as it could appear anywhere (the phone as E.164 digits and in national form). */
const needles = (p: Person) => [p.email, p.last, p.last.toLowerCase(), p.marker, '2079460577', '20 7946 0577', `prefill_email=${p.email}`];

async function everyInputPath(p: Person): Promise<string[]> {
  const a = s!;
  const pageUri = `https://x/isa?prefill_email=${p.email}`;
  const ids: string[] = [];
  // 1. API, with custom fields (a marker and a URL holding the email) and an Idempotency-Key, replayed once.
  const apiBody = apiLead(p);
  const api = await post('/v1/leads', apiBody, a.tokens.integration, { 'idempotency-key': `erasure-${p.tag}` });
  expect(api.statusCode, api.body).toBe(201);
  const replay = await post('/v1/leads', apiBody, a.tokens.integration, { 'idempotency-key': `erasure-${p.tag}` });
  expect(replay.headers['idempotent-replayed']).toBe('true');
  ids.push(api.json().leadId);

  // 2. The example's ISA web form, with hidden fields holding the marker and the URL.
  const form = new URLSearchParams({
    first_name: p.first,
    last_name: p.last,
    email: p.email,
    phone: p.phoneNational,
    country: 'United Kingdom',
    marketing_consent: 'on',
    utm_source: p.marker,
    utm_campaign: pageUri,
    website_url: '',
    _form_key: FORM_KEY,
  });
  const formRes = await a.app.inject({
    method: 'POST',
    url: '/v1/forms/uk-isa-enquiry',
    payload: form.toString(),
    remoteAddress: '203.0.113.77',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://www.example-bank.co.uk', accept: 'application/json' },
  });
  expect(formRes.statusCode, formRes.body).toBe(201);
  ids.push(formRes.json().leadId);

  // 3. HubSpot form submission (context.pageUri and hutk are mapped as hidden fields).
  const hubspot = JSON.stringify({
    eventId: 9_100_001,
    conversionId: `conv-${p.tag}`,
    submittedAt: a.clock.now() - 60_000,
    fields: [
      { name: 'firstname', value: p.first },
      { name: 'lastname', value: p.last },
      { name: 'email', value: p.email },
      { name: 'phone', value: p.phoneNational },
      { name: 'country', value: 'United Kingdom' },
    ],
    context: { hutk: p.marker, pageUri },
    legalConsentOptions: {
      consent: { consentToProcess: true, communications: [{ value: true, subscriptionTypeId: 999, text: 'Email me about ISAs.' }] },
    },
  });
  const hsUrl = '/v1/sources/hubspot/hubspot-main';
  const ts = a.clock.now();
  const hs = await a.app.inject({
    method: 'POST',
    url: hsUrl,
    payload: hubspot,
    headers: {
      host: HOST,
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(ts),
      'x-hubspot-signature-v3': signHubSpotV3(HUBSPOT_SECRET, 'POST', `http://${HOST}${hsUrl}`, hubspot, ts),
    },
  });
  expect(hs.statusCode, hs.body).toBe(201);
  ids.push(hs.json().leadId);

  // 4. Salesforce Lead (custom fields from the Lead object).
  const sf = JSON.stringify({
    eventId: `e-erasure-${p.tag}`,
    sobjectType: 'Lead',
    lead: {
      Id: `00Q-${p.marker}`,
      FirstName: p.first,
      LastName: p.last,
      Email: p.email,
      Phone: p.phoneNational,
      Country: 'GB',
      LeadSource: p.marker,
      Product_Interest__c: 'uk-stocks-shares-isa',
      Marketing_Consent__c: true,
      Consent_Wording__c: 'Email and call me.',
      Consent_Captured_At__c: '2026-11-20T16:45:00.000Z',
    },
  });
  const sfRes = await a.app.inject({
    method: 'POST',
    url: '/v1/sources/salesforce/sfdc-prod',
    payload: sf,
    headers: {
      'content-type': 'application/json',
      'remit-signature': signWebhook(SALESFORCE_SECRET, sf, Math.floor(a.clock.now() / 1000)),
    },
  });
  expect(sfRes.statusCode, sfRes.body).toBe(201);
  ids.push(sfRes.json().leadId);

  // 5. CSV import with a hidden column.
  dir = await mkdtemp(join(tmpdir(), 'remit-erasure-'));
  await writeFile(
    join(dir, 'leads.csv'),
    csv([
      ['first_name', 'last_name', 'email', 'phone', 'country', 'product', 'landing'],
      [p.first, p.last, p.email, p.phoneNational, 'GB', 'uk-stocks-shares-isa', pageUri],
    ]),
  );
  await writeFile(
    join(dir, 'mapping.yaml'),
    [
      'fields:',
      '  person.firstName: first_name',
      '  person.lastName: last_name',
      '  person.email: email',
      '  person.phone: phone',
      '  address.country: country',
      '  product: product',
      'defaults:',
      '  source: csv',
      'hidden: [landing]',
    ].join('\n'),
  );
  const imported = await remit('import', join(dir, 'leads.csv'), '--db', a.cliUrl, '--mapping', join(dir, 'mapping.yaml'), '--json');
  expect(imported.code, imported.stderr).toBe(0);
  const imports = await a.h.store.leads.list();
  const importedId = imports.map((l) => l.id).find((id) => !ids.includes(id));
  expect(importedId).toBeDefined();
  ids.push(importedId!);

  // 6. Outreach: the rep's call and email are recorded (with the number and address of the time).
  const lead = await a.h.store.leads.get(ids[0]!);
  expect(lead?.status).toBe('ASSIGNED');
  for (const channel of ['call', 'email'] as const) {
    const r = await post(`/v1/leads/${ids[0]}/outreach`, { channel, subject: 'isa-follow-up', purpose: 'transactional' }, a.tokens.ops);
    expect(r.statusCode, r.body).toBe(201);
  }
  return ids;
}

describe.each(dialects)('erasure is complete: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);

  const everyPath = 'a person who came in through every input path leaves no trace after erasure; the log verifies, replay is identical';
  it(everyPath, { timeout: 120_000 }, async () => {
    process.env.REMIT_FORM_KEY_UK_ISA = FORM_KEY;
    process.env.HUBSPOT_CLIENT_SECRET = HUBSPOT_SECRET;
    process.env.SALESFORCE_WEBHOOK_SECRET = SALESFORCE_SECRET;
    s = await startAuditService(factory);
    expect((await post('/v1/webhooks', { url: 'https://hooks.example.com/remit', events: ['*'] }, s.tokens.admin)).statusCode).toBe(201);
    const p = person();
    const ids = await everyInputPath(p);
    await s.seal();
    for (const needle of [p.email, p.marker, `prefill_email=${p.email}`]) expect(await findEverywhere(s.h, needle), needle).not.toEqual([]);
    expect(await keyedLeads(p, ids)).toContain(ids[0]);

    for (const id of ids) {
      const erased = await post(`/v1/leads/${id}/erase`, { reason: 'GDPR Art. 17 request, ticket 5150' }, s.tokens.compliance);
      expect(erased.statusCode, erased.body).toBe(200);
    }
    await s.seal();
    const found: Record<string, string[]> = {};
    for (const needle of needles(p)) {
      const where = await findEverywhere(s.h, needle);
      if (where.length > 0) found[needle] = where;
    }
    expect(found).toEqual({});
    expect(await keyedLeads(p, ids)).toEqual([]);

    expect((await verifyStoredLog(s.h.store)).result).toMatchObject({ ok: true });
    const decisions = (await Promise.all(ids.map((id) => s!.h.store.decisions.listForLead(id)))).flat();
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      await expectIdenticalReplay(d.decisionId);
    }
    // A retried request with the same Idempotency-Key still creates nothing: it answers that the lead was erased.
    const retried = await post('/v1/leads', apiLead(p), s.tokens.integration, { 'idempotency-key': `erasure-${p.tag}` });
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.json()).toMatchObject({ leadId: ids[0], status: 'ERASED' });
  });

  const declared = 'a declared custom field a rule reads stays in the decision record (replay is identical); undeclared ones are committed';
  it(declared, { timeout: 60_000 }, async () => {
    s = await startAuditService(factory);
    const p = person();
    const body = ukLead({
      product: 'difc-private-credit-fund',
      person: { firstName: p.first, lastName: p.last, email: p.email },
      address: { country: 'AE', subdivision: 'DU' },
      customer: {
        kind: 'organisation',
        classification: {
          category: 'professional',
          basis: 'per_se',
          evidenceDate: '2026-09-01',
          criteria: { balanceSheet: 45e6, turnover: 5e6, ownFunds: 30e6 },
        },
      },
      custom: { bookingCentre: 'DIFC', landing: `https://x/difc?prefill_email=${p.email}` },
    });
    const res = await post('/v1/leads', body, s.tokens.integration);
    expect(res.statusCode, res.body).toBe(201);
    const leadId = res.json().leadId as string;
    expect(res.json().decision.rule?.id).toBe('difc-private-banking');
    await s.seal();
    const decisionEntry = (await s.h.store.audit.rowsForSubject(leadId)).find((r) => r.kind === 'decision')!;
    expect((decisionEntry.payload as { lead: { custom: unknown } }).lead.custom).toEqual({ bookingCentre: 'DIFC' });
    const intake = (await s.h.store.audit.rowsForSubject(leadId)).find((r) => r.kind === 'intake')!;
    expect(Object.keys(intake.commitments)).toContain('lead.custom');
    expect(intake.payload).toMatchObject({ customKeys: ['bookingCentre', 'landing'] });
    expect(JSON.stringify(intake.payload)).not.toContain(p.email);

    expect((await post(`/v1/leads/${leadId}/erase`, { reason: 'GDPR Art. 17 request' }, s.tokens.compliance)).statusCode).toBe(200);
    await s.seal();
    expect(await findEverywhere(s.h, p.email)).toEqual([]);
    const [decision] = await s.h.store.decisions.listForLead(leadId);
    await expectIdenticalReplay(decision!.decisionId);
  });
});
