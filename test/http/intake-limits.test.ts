import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { personWithKey } from '../support/people.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * Fairness under load (issue 18, docs/operations.md "Intake limits"), over HTTP on SQLite and PostgreSQL: per-key rate
 * and concurrency limits answer 429 with Retry-After and store nothing, a batch counts each of its leads, and a batch
 * is taken in slices, so another key's single lead is committed while the batch is still running (order, not time).
 */

const dialects = await bothDialects();
const FORM_KEY = 'fk_test_limits_0123456789';

describe.each(dialects)('intake limits: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness;
  let s: TestService;
  let n = 0;
  let version = 0;
  beforeAll(async () => {
    h = await factory.create();
    s = await startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}) });
  });
  afterAll(async () => {
    await s?.close();
    await h?.cleanup();
  });

  const lead = () => {
    n++;
    return ukLead({ person: { firstName: 'Limit', lastName: `Lead${n}`, email: `limit.lead${n}@example.co.uk` } });
  };
  const leadCount = async () => (await s.store.leads.list()).length;
  const newKey = (name: string) => personWithKey(s.ctx, 'integration', { name });

  /** Publishes the example org with this `limits` section. */
  async function withLimits(limits: Record<string, unknown>) {
    const config = { ...structuredClone(s.ctx.orgs.current.config), limits, version: `limits-${++version}` };
    const published = await s.ctx.orgs.publish(config, 'test');
    if (!published.ok) throw new Error(JSON.stringify(published.error));
  }
  const postLead = (token: string) => s.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(token), payload: lead() });
  const postBatch = (token: string, size: number) =>
    s.app.inject({
      method: 'POST',
      url: '/v1/leads:batch',
      headers: auth(token),
      payload: { leads: Array.from({ length: size }, lead) },
    });

  it('over its leads per minute a key gets 429 RATE_LIMITED with Retry-After, nothing stored; other keys go on', async () => {
    const limited = await newKey('limited integration');
    const other = await newKey('other integration');
    await withLimits({ byKey: { [limited.keyId]: { leadsPerMinute: 2 } } });
    expect((await postLead(limited.token)).statusCode).toBe(201);
    expect((await postLead(limited.token)).statusCode).toBe(201);
    const before = await leadCount();
    const refused = await postLead(limited.token);
    expect(refused.statusCode).toBe(429);
    // One lead's worth of tokens at 2 per minute comes back in 30 s.
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.json()).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 30,
      details: [{ path: `/limits/byKey/${limited.keyId}/leadsPerMinute`, message: 'at most 2 leads per minute' }],
    });
    expect(await leadCount()).toBe(before);
    expect((await postLead(other.token)).statusCode).toBe(201);
    s.clock.advance(30_000);
    expect((await postLead(limited.token)).statusCode).toBe(201);
  });

  it('a batch costs one token per lead and is refused whole, storing nothing', async () => {
    const key = await newKey('batch integration');
    await withLimits({ keys: { leadsPerMinute: 5, burst: 5 } });
    const first = await postBatch(key.token, 3);
    expect(first.statusCode).toBe(200);
    expect(first.json().accepted).toBe(3);
    const before = await leadCount();
    const second = await postBatch(key.token, 3);
    expect(second.statusCode).toBe(429);
    expect(second.json()).toMatchObject({ code: 'RATE_LIMITED', details: [{ path: '/limits/keys/leadsPerMinute' }] });
    // 1 token needed at 5 per minute: 12 s.
    expect(second.headers['retry-after']).toBe('12');
    expect(await leadCount()).toBe(before);
    // Two tokens were left: a batch of two fits.
    expect((await postBatch(key.token, 2)).json().accepted).toBe(2);
  });

  it('over its requests at once a key gets 429 CONCURRENCY_LIMITED with Retry-After: 1 while its batch runs', async () => {
    const key = await newKey('busy integration');
    await withLimits({ keys: { concurrent: 1 }, batchSlice: 2 });
    const client = { kind: 'key', id: key.keyId } as const;
    const batch = postBatch(key.token, 20);
    while (s.app.intakeLimiter.inFlight(client) === 0) await new Promise((r) => setImmediate(r));
    const before = await leadCount();
    const refused = await postLead(key.token);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ code: 'CONCURRENCY_LIMITED', details: [{ path: '/limits/keys/concurrent' }] });
    expect(await leadCount()).toBeGreaterThanOrEqual(before);
    const done = await batch;
    expect(done.json()).toMatchObject({ accepted: 20, rejected: 0 });
    expect(s.app.intakeLimiter.inFlight(client)).toBe(0);
    expect((await postLead(key.token)).statusCode).toBe(201);
  });

  it("another key's single lead commits while a batch is in progress (batch slicing)", async () => {
    const batchKey = await newKey('bulk integration');
    const singleKey = await newKey('steady integration');
    await withLimits({ batchSlice: 5 });
    const before = await leadCount();
    let batchAnswered = false;
    const batch = postBatch(batchKey.token, 40).then((res) => {
      batchAnswered = true;
      return res;
    });
    // The batch has committed some of its leads when the single lead is sent.
    while ((await leadCount()) === before) await new Promise((r) => setImmediate(r));
    const single = await postLead(singleKey.token);
    expect(single.statusCode).toBe(201);
    // The single lead was answered (and so committed) before the batch was.
    expect(batchAnswered).toBe(false);
    const res = await batch;
    expect(res.json()).toMatchObject({ accepted: 40, rejected: 0 });
    // And the batch's results still answer every lead, in order; some of its leads were committed after the single one.
    const results = res.json().results as { index: number; leadId: string }[];
    expect(results.map((r) => r.index)).toEqual([...Array(40).keys()]);
    // Lead ids are drawn in the order leads are taken in (sequential ids in tests).
    const singleId = single.json().leadId as string;
    expect((await s.store.leads.list()).some((l) => l.id === singleId)).toBe(true);
    const seq = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
    expect(seq(results[39]!.leadId)).toBeGreaterThan(seq(singleId));
    expect(seq(results[0]!.leadId)).toBeLessThan(seq(singleId));
  });

  it("a form's own limit counts only posts that pass its checks: a forged post does not use it up", async () => {
    process.env.REMIT_FORM_KEY_UK_ISA = FORM_KEY;
    await withLimits({ bySource: { 'uk-isa-enquiry': { leadsPerMinute: 1 } } });
    const form = (formKey: string, ip: string) => {
      n++;
      const body = new URLSearchParams({
        first_name: 'Zoë',
        last_name: `Form${n}`,
        email: `form.${n}@example.co.uk`,
        country: 'United Kingdom',
        zip: 'SW1A 2AA',
        marketing_consent: 'on',
        consent_text: 'Yes, Example Bank may email me.',
        _form_key: formKey,
      });
      return s.app.inject({
        method: 'POST',
        url: '/v1/forms/uk-isa-enquiry',
        payload: body.toString(),
        remoteAddress: ip,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://www.example-bank.co.uk',
          accept: 'application/json',
        },
      });
    };
    expect((await form('wrong-key', '203.0.113.1')).statusCode).toBe(403);
    const first = await form(FORM_KEY, '203.0.113.2');
    expect(first.statusCode, first.body).toBe(201);
    const before = await leadCount();
    const second = await form(FORM_KEY, '203.0.113.3');
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('60');
    expect(second.json()).toMatchObject({ code: 'RATE_LIMITED', details: [{ path: '/limits/bySource/uk-isa-enquiry/leadsPerMinute' }] });
    expect(await leadCount()).toBe(before);
  });

  it('rejects a limit that is not a positive figure as CONFIG_INVALID naming the field', async () => {
    const config = { ...structuredClone(s.ctx.orgs.current.config), limits: { keys: { concurrent: 0 } }, version: 'limits-bad' };
    const res = await s.app.inject({ method: 'POST', url: '/v1/org/versions', headers: auth(s.tokens.admin), payload: config });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CONFIG_INVALID');
    expect(JSON.stringify(res.json().details)).toContain('limits');
  });
});
