import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth, ukLead } from './service-harness.ts';

/**
 * Company data over HTTP (docs/intake.md "Company data", "Segments", "Enrichment", "Account hierarchies",
 * "Existing contacts"), on SQLite and PostgreSQL. Segments: the example org given segment bands, a GB rule for
 * SMB companies ahead of the product rules, and a skills-match step on the segment; priya-shah is the only
 * uk-everyday rep with the SMB skill. Matching: the GB savings rule starts with contact-owner, then account-owner.
 */

type Rule = { id: string; then: { strategy: { kind: string }[] } };

function withSegments(config: Record<string, unknown>): Record<string, unknown> {
  config.segments = [
    { id: 'SMB', employees: { max: 50 }, revenue: { max: 10_000_000 } },
    { id: 'MM', employees: { max: 1000 } },
    { id: 'ENT' },
  ];
  const reps = config.reps as { id: string; skills: string[] }[];
  reps.find((r) => r.id === 'priya-shah')!.skills.push('SMB');
  const rules = config.rules as Rule[];
  const at = rules.findIndex((r) => r.id === 'hold-unscreened') + 1;
  rules.splice(at, 0, {
    id: 'uk-smb',
    description: 'Small companies in GB to the everyday desk, by segment skill',
    when: {
      all: [
        { field: 'country', op: 'eq', value: 'GB' },
        { field: 'company.segment', op: 'eq', value: 'SMB' },
        { field: 'company.tags', op: 'any_of', value: ['hubspot', 'salesforce'] },
      ],
    },
    then: {
      kind: 'route',
      teams: ['uk-everyday'],
      strategy: [
        { kind: 'skills-match', match: ['company.segment'] },
        { kind: 'weighted-round-robin', pool: 'uk-everyday' },
      ],
    },
  } as unknown as Rule);
  return config;
}

type Ingested = {
  leadId: string;
  status: string;
  account: { id: string; matchedBy: string; score: number } | null;
  decision: {
    decisionId: string;
    rep: { id: string } | null;
    rule: { id: string; trace: { path: string; test: string; actual?: unknown; result: boolean }[] };
    strategy: { chain: { kind: string; result: string; note: string }[] };
  };
};

function withContactOwner(config: Record<string, unknown>): Record<string, unknown> {
  const rule = (config.rules as Rule[]).find((r) => r.id === 'uk-everyday-banking')!;
  rule.then.strategy = [{ kind: 'contact-owner' }, ...rule.then.strategy];
  return config;
}

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A company-lookup vendor (Clearbit-shaped: GET /v2/companies/find?domain=): acme.io is known, broken.io fails. */
let vendor: Server;
let vendorUrl = '';
beforeAll(async () => {
  vendor = createServer((req, res) => {
    const domain = new URL(req.url ?? '/', 'http://x').searchParams.get('domain');
    const status = domain === 'acme.io' ? 200 : domain === 'broken.io' ? 500 : 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? { metrics: { employees: 40 }, tech: ['hubspot'] } : { error: { type: 'x' } }));
  });
  await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
  vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}/v2/companies/find?domain={domain}`;
});
afterAll(async () => {
  vendor.closeAllConnections();
  await new Promise<void>((resolve) => vendor.close(() => resolve()));
});

const withEnrichment = (config: Record<string, unknown>) => {
  withSegments(config).enrichment = { http: { url: vendorUrl, timeoutMs: 1000, map: { employees: 'metrics.employees', tags: 'tech' } } };
  return config;
};

const dialects = await bothDialects();

describe.each(dialects)('company data over HTTP: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const post = (url: string, body: unknown, token: string) =>
    s!.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
  const get = (url: string, token: string) => s!.app.inject({ method: 'GET', url, headers: auth(token) });
  /** Posts a GB lead (a 201 expected): the person and any other intake sections. */
  const ingest = async (person: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await post(
      '/v1/leads',
      ukLead({ person: { firstName: 'Sam', lastName: 'Small', ...person }, ...extra }),
      s!.tokens.integration,
    );
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Ingested;
  };
  const small = (n: number, company: Record<string, unknown>) => ingest({ email: `sam${n}@smallco${n}.co.uk` }, { company });

  it('40 employees route by the SMB segment rule; the decision shows its company conditions and segment skill', async () => {
    s = await startAuditService(factory, { configure: withSegments });
    const smb = await small(1, { name: 'Small Co Ltd', employees: 40, tags: ['HubSpot', ' hubspot ', 'Slack'] });
    expect(smb.status).toBe('ASSIGNED');
    expect(smb.decision.rule.id).toBe('uk-smb');
    expect(smb.decision.rule.trace).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ test: 'company.segment eq "SMB"', actual: 'SMB', result: true }),
        expect.objectContaining({ test: 'company.tags any_of ["hubspot","salesforce"]', actual: ['hubspot', 'slack'], result: true }),
      ]),
    );
    expect(smb.decision.rep?.id).toBe('priya-shah');
    expect(smb.decision.strategy.chain[0]).toMatchObject({ kind: 'skills-match', note: 'skilled in SMB: 1 of 3' });

    // The stored lead carries the derived segment, so the decision replays from its record.
    const stored = await s.h.store.leads.get(smb.leadId);
    expect(JSON.parse(stored!.leadJson).company).toEqual({
      domain: 'smallco1.co.uk',
      employees: 40,
      tags: ['hubspot', 'slack'],
      segment: 'SMB',
    });
    await s.seal();
    const replay = await get(`/v1/decisions/${smb.decision.decisionId}/replay`, s.tokens.compliance);
    expect(replay.json()).toMatchObject({ identical: true, differences: [] });

    // Revenue over the SMB band: mid-market by headcount, not SMB, so the product rules decide.
    const mid = await small(2, { name: 'Mid Co', employees: 40, annualRevenue: 25_000_000, tags: ['hubspot'] });
    expect(mid.decision.rule.id).not.toBe('uk-smb');
    expect(JSON.parse((await s.h.store.leads.get(mid.leadId))!.leadJson).company.segment).toBe('MM');
    // Unknown size is not small: the catch-all band.
    const unknown = await small(3, { name: 'Who Co', tags: ['hubspot'] });
    expect(unknown.decision.rule.id).not.toBe('uk-smb');
    expect(JSON.parse((await s.h.store.leads.get(unknown.leadId))!.leadJson).company.segment).toBe('ENT');

    // Erasure: the domain may name a sole trader and goes; the firmographics stay; the decision still replays.
    const erased = await post(`/v1/leads/${smb.leadId}/erase`, { reason: 'GDPR Art. 17 request' }, s.tokens.compliance);
    expect(erased.statusCode, erased.body).toBe(200);
    expect((erased.json() as { removed: string[] }).removed).toContain('lead record: postalCode, custom, company.domain');
    expect(JSON.parse((await s.h.store.leads.get(smb.leadId))!.leadJson).company).toEqual({
      employees: 40,
      tags: ['hubspot', 'slack'],
      segment: 'SMB',
    });
    await s.seal();
    expect((await get(`/v1/decisions/${smb.decision.decisionId}/replay`, s.tokens.compliance)).json()).toMatchObject({ identical: true });
  });

  it('bad company data is a field-level error and stores nothing', async () => {
    s = await startAuditService(factory, { configure: withSegments });
    const before = await s.h.store.leads.list();
    const res = await post(
      '/v1/leads',
      ukLead({
        company: { name: 'X', employees: -1, naics: '54A', country: 'Atlantis', revenueCurrency: 'dollars', domain: 'not a domain' },
      }),
      s.tokens.integration,
    );
    expect(res.statusCode).toBe(422);
    const paths = (res.json() as { details: { path: string }[] }).details.map((d) => d.path).sort();
    expect(paths).toEqual(['/body/company/employees', '/body/company/naics']);
    const second = await post(
      '/v1/leads',
      ukLead({ company: { name: 'X', country: 'Atlantis', revenueCurrency: 'dollars', domain: 'not a domain' } }),
      s.tokens.integration,
    );
    expect(second.statusCode).toBe(422);
    expect((second.json() as { details: { path: string }[] }).details.map((d) => d.path).sort()).toEqual([
      '/body/company/country',
      '/body/company/domain',
      '/body/company/revenueCurrency',
    ]);
    expect(await s.h.store.leads.list()).toEqual(before);
  });

  it('enrichment fills the size before routing: the SMB rule applies, the story records it, replay reads the stored lead', async () => {
    s = await startAuditService(factory, { configure: withEnrichment });
    const lead = await ingest({ email: 'eve@acme.io' });
    expect(lead.decision.rule.id).toBe('uk-smb');
    expect(lead.decision.rule.trace).toContainEqual(expect.objectContaining({ test: 'company.segment eq "SMB"', actual: 'SMB' }));
    expect(JSON.parse((await s.h.store.leads.get(lead.leadId))!.leadJson).company).toEqual({
      domain: 'acme.io',
      employees: 40,
      tags: ['hubspot'],
      segment: 'SMB',
    });
    const intake = (await s.h.store.events.listForLead(lead.leadId)).find((e) => e.kind === 'intake')!;
    expect(JSON.parse(intake.payloadJson).enrichment).toEqual({
      status: 'done',
      attempts: [{ source: 'http', outcome: 'filled', fields: ['employees', 'tags'], cacheHit: false }],
    });
    vendor.closeAllConnections();
    await s.seal();
    const replay = await get(`/v1/decisions/${lead.decision.decisionId}/replay`, s.tokens.compliance);
    expect(replay.json()).toMatchObject({ identical: true, differences: [] });

    // A failing endpoint never blocks routing: the lead routes on what it has, and the failure is in its story.
    const b = await ingest({ email: 'bo@broken.io' });
    expect(b.status).toBe('ASSIGNED');
    expect(b.decision.rule.id).not.toBe('uk-smb');
    const brokenIntake = (await s.h.store.events.listForLead(b.leadId)).find((e) => e.kind === 'intake')!;
    expect(JSON.parse(brokenIntake.payloadJson).enrichment).toEqual({
      status: 'done',
      attempts: [{ source: 'http', outcome: 'failed', code: 'ENRICHMENT_HTTP_ERROR', detail: 'HTTP 500' }],
    });
    expect((await s.ctx.metrics.enrichmentFailures.get()).values.map((v) => v.value)).toEqual([1]);
  });

  it('a subsidiary without an owner routes to its nearest owned ancestor; unknown parents and loops are refused', async () => {
    s = await startAuditService(factory, { configure: withContactOwner });
    const imported = await post(
      '/v1/accounts:import',
      {
        accounts: [
          { id: 'grp', name: 'Globex Group', domains: ['globex.com'], ownerRep: 'oliver-bennett' },
          { id: 'emea', name: 'Globex EMEA', ownerRep: 'priya-shah', parentId: 'grp' },
          { id: 'uk', name: 'Globex UK', domains: ['globex.co.uk'], parentId: 'emea' },
        ],
      },
      s.tokens.ops,
    );
    expect(imported.statusCode, imported.body).toBe(200);
    const lead = await ingest({ email: 'jo@globex.co.uk' });
    expect(lead.account).toEqual({ id: 'uk', matchedBy: 'domain', score: 1 });
    expect(lead.decision.rep?.id).toBe('priya-shah');
    expect(lead.decision.strategy.chain.find((c) => c.kind === 'account-owner')).toMatchObject({
      result: 'picked',
      note: 'account owner priya-shah (owner of parent account emea) is eligible',
    });
    const stored = JSON.parse((await s.h.store.leads.get(lead.leadId))!.leadJson);
    expect(stored.account).toMatchObject({ id: 'uk', ownerRep: 'priya-shah', ownerFrom: 'emea', matchedBy: 'domain', matchScore: 1 });

    const before = await s.h.store.accounts.list();
    const bad = await post(
      '/v1/accounts:import',
      {
        accounts: [
          { id: 'a', name: 'A', parentId: 'nope' },
          { id: 'grp', name: 'Globex Group', parentId: 'uk' },
        ],
      },
      s.tokens.ops,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      code: 'ACCOUNTS_INVALID',
      details: [
        { path: '/body/accounts/0/parentId', message: 'unknown parent account "nope"' },
        { path: '/body/accounts/1/parentId', message: 'parent "uk" leads back to "grp": accounts may not form a loop' },
      ],
    });
    expect(await s.h.store.accounts.list()).toEqual(before);
  });

  it("a returning person (same email, earlier lead closed) goes back to the earlier lead's rep; the match is in the decision", async () => {
    s = await startAuditService(factory, { configure: withContactOwner });
    const first = await ingest({ email: 'Returning.Person@example.co.uk' });
    const earlierRep = first.decision.rep!.id;
    expect(first.decision.strategy.chain[0]).toMatchObject({
      kind: 'contact-owner',
      result: 'passed',
      note: 'no earlier lead of this person',
    });
    // The earlier lead is closed (lost): the person is not a duplicate any more, but a known contact.
    const row = (await s.h.store.leads.get(first.leadId))!;
    await s.h.store.leads.update(first.leadId, {
      status: 'CLOSED',
      teamId: row.teamId,
      repId: row.repId,
      orgHash: row.orgHash,
      updatedAt: new Date(s.clock.now()).toISOString(),
    });
    // Rotation would now pick someone else; the contact owner step keeps the relationship.
    const again = await ingest({ email: 'returning.person@EXAMPLE.co.uk', phone: '+44 20 7946 0999' });
    expect(again.status).toBe('ASSIGNED');
    expect(again.decision.rep?.id).toBe(earlierRep);
    expect(again.decision.strategy.chain[0]).toMatchObject({
      kind: 'contact-owner',
      result: 'picked',
      note: `existing contact owner ${earlierRep} (email match, score 1, lead ${first.leadId}) is eligible`,
    });
    expect(JSON.parse((await s.h.store.leads.get(again.leadId))!.leadJson).contact).toEqual({
      leadId: first.leadId,
      matchedBy: 'email',
      score: 1,
      ownerRep: earlierRep,
    });
    // Same name and company, other email and phone: a name_company key is a dedupe key, not an existing-contact key.
    const acme = { company: { name: 'Acme Widgets Ltd' } };
    await ingest({ email: 'sam.one@acme.example.co.uk', phone: '+44 20 7946 0123' }, acme);
    const namesake = await ingest({ email: 'sam.two@acme.example.co.uk', phone: '+44 20 7946 0124' }, acme);
    expect(namesake.status).toBe('DUPLICATE');
    expect(JSON.parse((await s.h.store.leads.get(namesake.leadId))!.leadJson).contact).toBeUndefined();
  });
});
