import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../support/org-builder.ts';
import { saasConfig } from '../support/saas-org.ts';
import { auth, startTestService, type TestService } from './service-harness.ts';

/** docs/routing.md "Regulated and unregulated lines", over HTTP: a software org with no licences at all. */
let s: TestService;
beforeAll(async () => {
  // Tuesday 14:00Z: Eva (Berlin) is at work.
  s = await startTestService({ org: compile(saasConfig()), at: '2026-11-24T14:00:00Z' });
});
afterAll(async () => s.close());

const post = (body: unknown) =>
  s.app.inject({ method: 'POST', url: '/v1/leads', payload: body as object, headers: auth(s.tokens.integration) });

describe('POST /v1/leads to an unregulated org', () => {
  it('an email-only lead without product is ASSIGNED with licensing not_applicable', async () => {
    const res = await post({ source: 'chat', person: { email: 'jo@example.de' }, address: { country: 'DE' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.status).toBe('ASSIGNED');
    expect(body.decision.rep.id).toBe('eva');
    expect(body.decision.constraints.product.id).toBe('platform');
    expect(body.decision.licensing).toMatchObject({ status: 'not_applicable', code: 'UNREGULATED_LINE' });
    expect(body.reviewId).toBeNull();
    const detail = (await s.app.inject({ method: 'GET', url: `/v1/leads/${body.leadId}`, headers: auth(s.tokens.ops) })).json();
    expect(detail.contact).toMatchObject({ email: 'jo@example.de' });
    expect(detail.contact.firstName).toBeUndefined();
    expect(detail.decision.licensing.status).toBe('not_applicable');
  });

  it('an organisation lead nobody covers goes to the fallback owner, not to the compliance review queue', async () => {
    const res = await post({
      source: 'partner:acme',
      company: { name: 'Loja Ltda', phone: '+55 11 3456 7890' },
      address: { country: 'BR' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.status).toBe('ASSIGNED');
    expect(body.decision.rep.id).toBe('ops-olga');
    expect(body.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['FALLBACK_OWNER', 'NO_RULE_MATCHED']);
    expect(body.reviewId).toBeNull();
    const reviews = (await s.app.inject({ method: 'GET', url: '/v1/review', headers: auth(s.tokens.compliance) })).json();
    expect(JSON.stringify(reviews)).not.toContain(body.leadId);
  });

  it('a lead with neither a person nor a company is rejected with a field-level error, and nothing is stored', async () => {
    const before = (await s.store.leads.list()).length;
    const res = await post({ source: 'chat', address: { country: 'DE' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().details).toEqual([{ path: '/body/person', message: 'person or company is required' }]);
    expect((await s.store.leads.list()).length).toBe(before);
  });
});
