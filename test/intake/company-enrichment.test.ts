import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompanyEnricher } from '../../src/app/intake/company-enricher.ts';
import { fillMissing } from '../../src/domain/intake/company-enrichment.ts';
import { EnrichmentSchema } from '../../src/domain/org/company-policy.schema.ts';
import { capturingLogger, testObservability } from '../support/observability.ts';

/**
 * Company enrichment (docs/intake.md "Enrichment") against a real HTTP server started here. The server plays a
 * company-lookup vendor shaped like Clearbit's Company API (GET /v2/companies/find?domain=…, bearer token;
 * answer with metrics.employees, metrics.annualRevenue, category.naicsCode, geo.countryCode, tech[]) and
 * refuses requests that do not follow it; POST answers the same for {"domain": …}. Some domains misbehave.
 */

const TOKEN = 'test-token-123';
const COMPANIES: Record<string, unknown> = {
  'acme.io': {
    name: 'Acme',
    domain: 'acme.io',
    metrics: { employees: 40, annualRevenue: 3_000_000 },
    category: { naicsCode: '541511', industry: 'Software' },
    geo: { countryCode: 'DE' },
    tech: ['HubSpot', 'aws'],
  },
  'bad-values.io': { metrics: { employees: 'lots', annualRevenue: 5 }, geo: { countryCode: 'Atlantis' } },
};

let server: Server;
let base = '';
const requests: { method: string; url: string; auth: string | undefined; body: string }[] = [];

function vendor(req: IncomingMessage, res: ServerResponse, body: string) {
  const url = new URL(req.url ?? '/', 'http://x');
  requests.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
  const send = (status: number, doc: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  };
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: { type: 'auth_required' } });
  let domain: string | null;
  if (req.method === 'GET' && url.pathname === '/v2/companies/find') domain = url.searchParams.get('domain');
  else if (req.method === 'POST' && url.pathname === '/lookup' && req.headers['content-type'] === 'application/json')
    domain = (JSON.parse(body) as { domain?: string }).domain ?? null;
  else return send(400, { error: { type: 'invalid_request' } });
  if (!domain || !/^[a-z0-9.-]+$/.test(domain)) return send(422, { error: { type: 'invalid_domain' } });
  if (domain === 'slow.io') return void setTimeout(() => send(200, COMPANIES['acme.io']), 1500);
  if (domain === 'broken.io') return send(500, { error: { type: 'server_error' } });
  if (domain === 'garbled.io') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end('{"metrics": ');
  }
  const company = COMPANIES[domain];
  return company ? send(200, company) : send(404, { error: { type: 'unknown_record' } });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => vendor(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  requests.length = 0;
});

const MAP = {
  employees: 'metrics.employees',
  annualRevenue: 'metrics.annualRevenue',
  naics: 'category.naicsCode',
  country: 'geo.countryCode',
  tags: 'tech',
};
const httpConfig = (extra: Record<string, unknown> = {}) =>
  EnrichmentSchema.parse({
    http: { url: `${base}/v2/companies/find?domain={domain}`, tokenEnv: 'ACME_ENRICH_TOKEN', timeoutMs: 500, map: MAP, ...extra },
  });

function enricher() {
  let now = Date.parse('2026-12-05T10:00:00Z');
  const { log, lines } = capturingLogger();
  const obs = testObservability(log);
  const e = new CompanyEnricher({ now: () => now, ...obs, secrets: (name) => (name === 'ACME_ENRICH_TOKEN' ? TOKEN : undefined) });
  return {
    e,
    lines,
    advance: (ms: number) => (now += ms),
    failures: async () => (await obs.metrics.enrichmentFailures.get()).values.map((v) => [v.labels.source, v.value]),
  };
}

describe('HTTP enrichment', () => {
  it('fills only missing fields from the mapped answer, normalised as intake; caches per domain for the TTL', async () => {
    const { e, advance } = enricher();
    const config = httpConfig({ cacheTtlSeconds: 60 });
    const first = await e.enrich(config, { domain: 'acme.io', employees: 35 });
    // The integrator's 35 employees stay; the rest is filled, cleaned like intake (tags lower case, sorted).
    expect(first.company).toEqual({
      domain: 'acme.io',
      employees: 35,
      annualRevenue: 3_000_000,
      industry: { system: 'naics', code: '541511' },
      country: 'DE',
      tags: ['aws', 'hubspot'],
    });
    expect(first.record).toEqual({
      status: 'done',
      attempts: [{ source: 'http', outcome: 'filled', fields: ['annualRevenue', 'country', 'industry', 'tags'], cacheHit: false }],
    });
    expect(requests).toEqual([{ method: 'GET', url: '/v2/companies/find?domain=acme.io', auth: `Bearer ${TOKEN}`, body: '' }]);
    const second = await e.enrich(config, { domain: 'acme.io' });
    expect(second.record).toMatchObject({ attempts: [{ outcome: 'filled', cacheHit: true }] });
    expect(second.company?.employees).toBe(40);
    expect(requests).toHaveLength(1);
    advance(61_000);
    await e.enrich(config, { domain: 'acme.io' });
    expect(requests).toHaveLength(2);
  });

  it('POST sends {"domain"}; nothing missing or no domain asks nobody', async () => {
    const { e } = enricher();
    const config = httpConfig({ url: `${base}/lookup`, method: 'POST' });
    expect((await e.enrich(config, { domain: 'acme.io' })).company?.employees).toBe(40);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/lookup', body: '{"domain":"acme.io"}' });
    const full = {
      domain: 'x.io',
      employees: 1,
      annualRevenue: 1,
      industry: { system: 'text' as const, code: 'a' },
      country: 'GB',
      tags: ['a'],
    };
    expect((await e.enrich(config, full)).record).toEqual({ status: 'done', attempts: [] });
    expect(await e.enrich(config, { employees: 3 })).toEqual({
      company: { employees: 3 },
      record: { status: 'skipped', reason: 'no_domain' },
    });
    expect(await e.enrich(undefined, { domain: 'acme.io' })).toEqual({ company: { domain: 'acme.io' }, record: null });
    expect(requests).toHaveLength(1);
  });

  it('timeout, HTTP 500, garbled answer: recorded, logged, counted; the company unchanged; failures not cached', async () => {
    const { e, lines, failures } = enricher();
    const config = httpConfig();
    const t = Date.now();
    const slow = await e.enrich(config, { domain: 'slow.io', employees: 9 });
    expect(Date.now() - t).toBeLessThan(1400);
    expect(slow).toEqual({
      company: { domain: 'slow.io', employees: 9 },
      record: {
        status: 'done',
        attempts: [{ source: 'http', outcome: 'failed', code: 'ENRICHMENT_TIMEOUT', detail: 'no answer within 500 ms' }],
      },
    });
    const broken = await e.enrich(config, { domain: 'broken.io' });
    expect(broken.record).toEqual({
      status: 'done',
      attempts: [{ source: 'http', outcome: 'failed', code: 'ENRICHMENT_HTTP_ERROR', detail: 'HTTP 500' }],
    });
    await e.enrich(config, { domain: 'broken.io' });
    expect(requests.filter((r) => r.url.endsWith('broken.io'))).toHaveLength(2);
    const garbled = await e.enrich(config, { domain: 'garbled.io' });
    expect(garbled.record).toMatchObject({ attempts: [{ outcome: 'failed', code: 'ENRICHMENT_BAD_RESPONSE' }] });
    expect(await failures()).toEqual([['http', 4]]);
    expect(lines.filter((l) => l.msg === 'company enrichment failed; routing on the data at hand').map((l) => l.code)).toEqual([
      'ENRICHMENT_TIMEOUT',
      'ENRICHMENT_HTTP_ERROR',
      'ENRICHMENT_HTTP_ERROR',
      'ENRICHMENT_BAD_RESPONSE',
    ]);
  });

  it('404 is "not found" (cached); a wrong token is an HTTP error; values that fail intake rules are dropped and named', async () => {
    const { e } = enricher();
    expect((await e.enrich(httpConfig(), { domain: 'nobody.io' })).record).toEqual({
      status: 'done',
      attempts: [{ source: 'http', outcome: 'not_found', cacheHit: false }],
    });
    expect((await e.enrich(httpConfig(), { domain: 'nobody.io' })).record).toMatchObject({
      attempts: [{ outcome: 'not_found', cacheHit: true }],
    });
    const bad = await e.enrich(httpConfig(), { domain: 'bad-values.io' });
    expect(bad.company).toEqual({ domain: 'bad-values.io', annualRevenue: 5 });
    expect(bad.record).toEqual({
      status: 'done',
      attempts: [
        {
          source: 'http',
          outcome: 'filled',
          fields: ['annualRevenue'],
          cacheHit: false,
          rejected: [
            'employees: Invalid input: expected number, received string',
            'country: "Atlantis" is not an ISO 3166-1 country code or name',
          ],
        },
      ],
    });
    const noToken = new CompanyEnricher({ now: Date.now, ...testObservability(), secrets: () => undefined });
    expect((await noToken.enrich(httpConfig(), { domain: 'acme.io' })).record).toMatchObject({
      attempts: [{ outcome: 'failed', code: 'ENRICHMENT_HTTP_ERROR', detail: 'HTTP 401' }],
    });
  });
});

describe('lookup file enrichment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remit-enrich-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('CSV and JSON by domain, before the endpoint; the endpoint is asked only for what is still missing', async () => {
    const csv = join(dir, 'companies.csv');
    writeFileSync(csv, 'domain,employees,naics,tags\nwww.Acme.io,"1,200",541511,Salesforce;Slack\nother.io,3,,\n');
    const json = join(dir, 'companies.json');
    writeFileSync(json, JSON.stringify([{ domain: 'acme.io', employees: 7, industry: 'Retail', region: 'EMEA' }]));
    const { e } = enricher();
    const fromCsv = await e.enrich(EnrichmentSchema.parse({ file: { path: csv } }), { domain: 'acme.io' });
    expect(fromCsv.company).toEqual({
      domain: 'acme.io',
      employees: 1200,
      industry: { system: 'naics', code: '541511' },
      tags: ['salesforce', 'slack'],
    });
    const fromJson = await e.enrich(EnrichmentSchema.parse({ file: { path: json } }), { domain: 'acme.io' });
    expect(fromJson.company).toEqual({ domain: 'acme.io', employees: 7, industry: { system: 'text', code: 'retail' }, region: 'EMEA' });
    // File first; the endpoint only for the mapped fields the file did not give (revenue, country).
    const both = await e.enrich(EnrichmentSchema.parse({ file: { path: csv }, http: httpConfig().http }), { domain: 'acme.io' });
    expect(both.record).toEqual({
      status: 'done',
      attempts: [
        { source: 'file', outcome: 'filled', fields: ['employees', 'industry', 'tags'], cacheHit: true },
        { source: 'http', outcome: 'filled', fields: ['annualRevenue', 'country'], cacheHit: false },
      ],
    });
    expect(both.company?.employees).toBe(1200);
    const missing = await e.enrich(EnrichmentSchema.parse({ file: { path: join(dir, 'nope.csv') } }), { domain: 'acme.io' });
    expect(missing.record).toEqual({
      status: 'done',
      attempts: [{ source: 'file', outcome: 'failed', code: 'ENRICHMENT_FILE_UNREADABLE', detail: `${join(dir, 'nope.csv')}: ENOENT` }],
    });
  });
});

describe('fillMissing', () => {
  it('never overwrites, never fills domain or segment', () => {
    expect(fillMissing({ employees: 5 }, { employees: 9, region: 'NA', domain: 'x.io', segment: 'ENT' })).toEqual({
      company: { employees: 5, region: 'NA' },
      filled: ['region'],
    });
    expect(fillMissing(undefined, {})).toEqual({ company: undefined, filled: [] });
  });
});
