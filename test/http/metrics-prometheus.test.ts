import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemitMetrics } from '../../src/app/observability/remit-metrics.ts';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import { WebhookDispatcher } from '../../src/app/webhooks/webhook-dispatcher.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * GET /metrics after real traffic (docs/operations.md "Metrics"): leads ingested through the API (one assigned,
 * one refused, one held, one invalid), an SLA timer missed, a webhook delivery failed; then the
 * scrape shows non-zero counters with the right labels, the scrape-time gauges read from the store,
 * and the starter Grafana dashboard in docs/ names only metrics that exist.
 */

const METRICS_TOKEN = 'prometheus-scrape-secret-0123456789';
let s: TestService;
let text: string;

/** The value of one sample line, e.g. sample('remit_leads_ingested_total{source="web_form",outcome="REFUSED"}'). */
function sample(series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Every metric family the scrape exposes (histograms as their base name). */
const families = () => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

/** Every metric `remit serve` exports: the service's own plus the default process metrics (off in tests). */
const servedMetrics = async () => new Set((await new RemitMetrics().registry.getMetricsAsJSON()).map((m) => m.name));

beforeAll(async () => {
  // The receiver for the webhook is a closed loopback port (allowed as a target, so the attempt is made and fails).
  s = await startTestService({ webhookAllow: ['127.0.0.1'], server: { metricsToken: METRICS_TOKEN } });
  const ingest = (body: Record<string, unknown>) =>
    s.app.inject({ method: 'POST', url: '/v1/leads', payload: body, headers: auth(s.tokens.integration) });
  expect(
    (
      await s.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
        headers: auth(s.tokens.admin),
      })
    ).statusCode,
  ).toBe(201);

  expect((await ingest(ukLead())).json().status).toBe('ASSIGNED');
  const refused = ukLead({ address: { country: 'BR' }, person: { firstName: 'Rui', lastName: 'Costa', email: 'rui@example.com.br' } });
  expect((await ingest(refused)).json().status).toBe('REFUSED');
  const held = ukLead({
    source: 'partner:acme',
    person: { firstName: 'Viktor', lastName: 'Halloran', email: 'vh@example.ie', dateOfBirth: '1971-03-14' },
    address: { country: 'IE' },
  });
  expect((await ingest(held)).json().status).toBe('HELD');
  expect((await ingest({ source: 'web_form' })).statusCode).toBe(422);

  // The assigned lead's accept SLA (15 working minutes) passes unaccepted.
  s.clock.advance(60 * 60_000);
  const fired = await new SlaWorker(s.ctx).tick();
  expect(fired.some((f) => f.outcome === 'missed')).toBe(true);
  expect(await new WebhookDispatcher(s.ctx, { timeoutMs: 2_000 }).tick()).toBeGreaterThan(0);

  const scrape = await s.app.inject({ method: 'GET', url: '/metrics', headers: auth(s.tokens.ops) });
  expect(scrape.statusCode).toBe(200);
  expect(scrape.headers['content-type']).toContain('text/plain');
  text = scrape.body;
});
afterAll(async () => s.close());

describe('GET /metrics', () => {
  it('counts leads by source and outcome; replays are not new leads', async () => {
    expect(sample('remit_leads_ingested_total{source="web_form",outcome="ASSIGNED"}')).toBe(1);
    expect(sample('remit_leads_ingested_total{source="web_form",outcome="REFUSED"}')).toBe(1);
    expect(sample('remit_leads_ingested_total{source="partner:acme",outcome="HELD"}')).toBe(1);
    expect(sample('remit_leads_ingested_total{source="web_form",outcome="INVALID"}')).toBe(1);
  });

  it('has decision and screening latency histograms with observations', () => {
    expect(sample('remit_decision_duration_seconds_count{outcome="ASSIGNED"}')).toBe(1);
    expect(sample('remit_decision_duration_seconds_count{outcome="HELD"}')).toBe(1);
    expect(sample('remit_screening_duration_seconds_count')).toBeGreaterThanOrEqual(3);
  });

  it('counts SLA misses and webhook failures; reads queue depth, webhook backlog and sealer lag from the store', () => {
    expect(sample('remit_sla_misses_total{missed="accept"}')).toBe(1);
    expect(sample('remit_webhook_delivery_failures_total')).toBeGreaterThan(0);
    // The failed deliveries back off: still pending.
    expect(sample('remit_webhook_backlog')).toBeGreaterThan(0);
    expect(sample('remit_queue_depth')).toBe(0);
    // Nothing seals in a test service: every audit entry waits in the inbox, the oldest an hour old.
    expect(sample('remit_audit_unsealed_entries')).toBeGreaterThan(0);
    expect(sample('remit_audit_sealer_lag_seconds')).toBeGreaterThanOrEqual(3600);
    expect(sample('remit_screening_list_age_seconds{list="blocklist"}')).toBeGreaterThanOrEqual(3600);
  });

  it('reports the last audit verification (1 = intact) with its time', async () => {
    const verify = await s.app.inject({ method: 'POST', url: '/v1/audit/verify', payload: {}, headers: auth(s.tokens.compliance) });
    expect(verify.statusCode).toBe(200);
    text = (await s.app.inject({ method: 'GET', url: '/metrics', headers: auth(s.tokens.admin) })).body;
    expect(sample('remit_audit_verify_ok')).toBe(verify.json().ok ? 1 : 0);
    expect(sample('remit_audit_verify_timestamp_seconds')).toBe(Math.floor(s.clock.ms / 1000));
  });

  it('accepts the REMIT_METRICS_TOKEN bearer, which opens nothing else; refuses other roles and no key', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/metrics', headers: auth(METRICS_TOKEN) })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/v1/leads', headers: auth(METRICS_TOKEN) })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/metrics', headers: auth(`${METRICS_TOKEN}x`) })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/metrics', headers: auth(s.tokens.integration) })).statusCode).toBe(403);
    expect((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });

  it('the scrape carries every metric family of the service (process metrics aside)', async () => {
    const own = [...(await servedMetrics())].filter((name) => !name.startsWith('remit_process_') && !name.startsWith('remit_nodejs_'));
    expect(own.length).toBeGreaterThanOrEqual(13);
    expect(own.filter((name) => !families().has(name))).toEqual([]);
  });

  it('the Grafana dashboard in docs/ queries only metrics this service exports', async () => {
    const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exported = await servedMetrics();
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    for (const { panel, expr } of exprs) {
      const names = [...expr.matchAll(/\bremit_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''));
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${panel}: ${name}`).toBe(true);
    }
  });
});
