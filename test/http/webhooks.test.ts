import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher } from '../../src/app/webhooks/webhook-dispatcher.ts';
import { verifyWebhook } from '../../src/app/webhooks/outbound-webhook-signature.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * docs/operations.md: events leave through a transactional outbox to a REAL HTTP receiver on 127.0.0.1. The
 * dispatcher is driven tick by tick against the harness's controllable clock, so backoff is
 * observed exactly and no test sleeps.
 */

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local webhook receiver; `fail` makes it answer 500. */
class Receiver {
  readonly received: Received[] = [];
  fail = false;
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.fail ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hooks/remit`;
    return this;
  }

  events(): { id: string; type: string; createdAt: string; data: Record<string, unknown> }[] {
    return this.received.map((r) => JSON.parse(r.body));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.stop();
});

async function setup(): Promise<{ s: TestService; rx: Receiver }> {
  // The receiver is on loopback, which webhook targets may use only when allowed (W15): this allows it.
  const s = await startTestService({ webhookAllow: ['127.0.0.1'] });
  const rx = await new Receiver().start();
  open.push({ stop: () => s.close() }, rx);
  return { s, rx };
}

const post = (s: TestService, url: string, body: unknown, token: string) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const subscribe = async (s: TestService, url: string, events: string[]) => {
  const res = await post(s, '/v1/webhooks', { url, events }, s.tokens.admin);
  expect(res.statusCode).toBe(201);
  const body = res.json();
  expect(body.secret).toMatch(/^whsec_/);
  expect(body.subscription.secret).toBeUndefined();
  return body as { subscription: { id: string }; secret: string };
};
const nowSeconds = (s: TestService) => Math.floor(s.clock.ms / 1000);
const person = (tag: string) => ({ firstName: 'Web', lastName: `Hook-${tag}`, email: `webhook.${tag}@example.org` });

describe('webhook delivery', () => {
  it('delivers the event with a Remit-Signature that verifies with the secret returned at subscription', async () => {
    const { s, rx } = await setup();
    const { secret } = await subscribe(s, rx.url, ['*']);
    const lead = (await post(s, '/v1/leads', ukLead({ person: person('signed') }), s.tokens.integration)).json();
    expect(lead.status).toBe('ASSIGNED');

    const dispatcher = new WebhookDispatcher(s.ctx, { baseDelayMs: 1_000 });
    expect(await dispatcher.tick()).toBe(1);
    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    const event = JSON.parse(got!.body);
    expect(event).toMatchObject({
      type: 'lead.assigned',
      data: {
        leadId: lead.leadId,
        decisionId: lead.decision.decisionId,
        outcome: 'ASSIGNED',
        repId: lead.decision.rep.id,
        teamId: lead.decision.team.id,
      },
    });
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['remit-event-type']).toBe('lead.assigned');
    expect(got!.headers['remit-event-id']).toBe(event.id);
    const signature = got!.headers['remit-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, got!.body, signature, nowSeconds(s))).toBe(true);
    // A wrong secret, a tampered body or a stale timestamp do not verify.
    expect(verifyWebhook(`${secret}x`, got!.body, signature, nowSeconds(s))).toBe(false);
    expect(verifyWebhook(secret, got!.body.replace(lead.leadId, 'lead-forged'), signature, nowSeconds(s))).toBe(false);
    expect(verifyWebhook(secret, got!.body, signature, nowSeconds(s) + 3_600)).toBe(false);

    // Delivered exactly once: recorded as DELIVERED, and a later tick sends nothing.
    const delivered = (
      await s.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=DELIVERED', headers: auth(s.tokens.ops) })
    ).json();
    expect(delivered.items).toHaveLength(1);
    expect(delivered.items[0]).toMatchObject({
      id: got!.headers['remit-delivery-id'],
      status: 'DELIVERED',
      attempts: 1,
      eventType: 'lead.assigned',
    });
    s.clock.advance(3_600_000);
    expect(await dispatcher.tick()).toBe(0);
    expect(rx.received).toHaveLength(1);
  });

  it('a failing receiver is retried with exponential backoff, dead-lettered after maxAttempts, then re-driven and delivered', async () => {
    const { s, rx } = await setup();
    rx.fail = true;
    const { secret } = await subscribe(s, rx.url, ['lead.assigned']);
    const lead = (await post(s, '/v1/leads', ukLead({ person: person('retry') }), s.tokens.integration)).json();
    const dispatcher = new WebhookDispatcher(s.ctx, { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 4 });
    const deliveryId = (await s.store.outbox.listDeliveries({ limit: 10 }))[0]!.id;

    const gaps: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await dispatcher.tick(), `attempt ${attempt}`).toBe(1);
      expect(rx.received).toHaveLength(attempt);
      const d = (await s.store.outbox.getDelivery(deliveryId))!;
      expect(d.attempts).toBe(attempt);
      expect(d.lastError).toBe(`attempt ${attempt}: HTTP 500`);
      if (attempt < 4) {
        expect(d.status).toBe('PENDING');
        const gap = Date.parse(d.nextAttemptAt) - s.clock.ms;
        gaps.push(gap);
        // Not due before the backoff has elapsed …
        s.clock.advance(gap - 1);
        expect(await dispatcher.tick()).toBe(0);
        // … due once it has.
        s.clock.advance(1);
      } else {
        expect(d.status).toBe('DEAD');
      }
    }
    // base × 2^(attempt−1): 1 s, 2 s, 4 s.
    expect(gaps).toEqual([1_000, 2_000, 4_000]);
    // Dead: never attempted again by the dispatcher.
    s.clock.advance(24 * 3_600_000);
    expect(await dispatcher.tick()).toBe(0);

    const dead = (await s.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=DEAD', headers: auth(s.tokens.ops) })).json();
    expect(dead.items).toEqual([
      expect.objectContaining({
        id: deliveryId,
        status: 'DEAD',
        attempts: 4,
        eventType: 'lead.assigned',
        lastError: 'attempt 4: HTTP 500',
      }),
    ]);
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=PENDING', headers: auth(s.tokens.ops) })).json().items,
    ).toEqual([]);

    // Re-driven while the receiver still fails: one more attempt (attempts are kept), straight back to DEAD.
    expect((await post(s, `/v1/webhooks/deliveries/${deliveryId}/redrive`, {}, s.tokens.admin)).statusCode).toBe(200);
    expect(await dispatcher.tick()).toBe(1);
    expect(await s.store.outbox.getDelivery(deliveryId)).toMatchObject({ status: 'DEAD', attempts: 5, lastError: 'attempt 5: HTTP 500' });

    // The receiver is fixed; ops re-drives the dead delivery.
    rx.fail = false;
    const redriven = await post(s, `/v1/webhooks/deliveries/${deliveryId}/redrive`, {}, s.tokens.ops);
    expect(redriven.statusCode).toBe(200);
    expect(redriven.json()).toEqual({ redriven: deliveryId });
    // Only a dead delivery can be re-driven.
    const again = await post(s, `/v1/webhooks/deliveries/${deliveryId}/redrive`, {}, s.tokens.ops);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CONFLICT');
    expect((await post(s, '/v1/webhooks/deliveries/dlv-unknown/redrive', {}, s.tokens.admin)).statusCode).toBe(409);
    expect((await s.store.outbox.getDelivery(deliveryId))!.status).toBe('PENDING');

    expect(await dispatcher.tick()).toBe(1);
    const final = (await s.store.outbox.getDelivery(deliveryId))!;
    // The successful send counts as an attempt too.
    expect(final).toMatchObject({ status: 'DELIVERED', attempts: 6 });
    expect(final.deliveredAt).not.toBeNull();
    const last = rx.received.at(-1)!;
    expect(JSON.parse(last.body).data.leadId).toBe(lead.leadId);
    expect(verifyWebhook(secret, last.body, last.headers['remit-signature'] as string, nowSeconds(s))).toBe(true);
    // Every attempt carried the same event (same id, same body).
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=DEAD', headers: auth(s.tokens.ops) })).json().items,
    ).toEqual([]);
  });

  it('an unreachable receiver (connection refused) also backs off and dead-letters', async () => {
    const { s, rx } = await setup();
    await rx.stop(); // nothing listens on its port any more
    await subscribe(s, rx.url, ['*']);
    await post(s, '/v1/leads', ukLead({ person: person('unreachable') }), s.tokens.integration);
    const dispatcher = new WebhookDispatcher(s.ctx, { baseDelayMs: 500, maxAttempts: 2, timeoutMs: 2_000 });
    expect(await dispatcher.tick()).toBe(1);
    const [d1] = await s.store.outbox.listDeliveries({ limit: 10 });
    expect(d1).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(d1!.lastError).toMatch(/^attempt 1: /);
    expect(Date.parse(d1!.nextAttemptAt) - s.clock.ms).toBe(500);
    s.clock.advance(500);
    expect(await dispatcher.tick()).toBe(1);
    expect((await s.store.outbox.getDelivery(d1!.id))!.status).toBe('DEAD');
  });
});

describe('events are emitted by the right action', () => {
  it('lead.assigned, lead.refused, lead.duplicate and review.decided (approve and reject), each once, with the right data', async () => {
    const { s, rx } = await setup();
    const all = await subscribe(s, rx.url, ['*']);
    const refusedOnly = await new Receiver().start();
    open.push(refusedOnly);
    await subscribe(s, refusedOnly.url, ['lead.refused']);
    const dispatcher = new WebhookDispatcher(s.ctx, { baseDelayMs: 1_000 });
    const drain = async () => {
      while ((await dispatcher.tick()) > 0);
    };

    // Ingest → lead.assigned
    const assigned = (await post(s, '/v1/leads', ukLead({ person: person('a') }), s.tokens.integration)).json();
    await drain();
    expect(rx.events().map((e) => e.type)).toEqual(['lead.assigned']);
    expect(rx.events()[0]!.data).toMatchObject({ leadId: assigned.leadId, repId: assigned.decision.rep.id });

    // Invalid input → nothing stored, nothing emitted.
    expect((await post(s, '/v1/leads', ukLead({ address: { country: 'Atlantis' } }), s.tokens.integration)).statusCode).toBe(422);
    await drain();
    expect(rx.received).toHaveLength(1);

    // Refusal → lead.refused (the ops notification), to both subscribers.
    const refused = (await post(s, '/v1/leads', ukLead({ address: { country: 'BR' }, person: person('r') }), s.tokens.integration)).json();
    expect(refused.status).toBe('REFUSED');
    await drain();
    expect(
      rx
        .events()
        .slice(1)
        .map((e) => e.type),
    ).toEqual(['lead.refused']);
    expect(rx.events()[1]!.data).toMatchObject({
      leadId: refused.leadId,
      outcome: 'REFUSED',
      reviewId: refused.reviewId,
      reasons: [expect.objectContaining({ code: 'JURISDICTION_NOT_LICENSED' })],
    });
    expect(refusedOnly.events().map((e) => e.type)).toEqual(['lead.refused']);

    // Same person again → lead.duplicate (the original owner is named), not a second lead.assigned.
    const dup = (
      await post(s, '/v1/leads', ukLead({ person: { ...person('a'), email: person('a').email.toUpperCase() } }), s.tokens.integration)
    ).json();
    expect(dup.status).toBe('DUPLICATE');
    await drain();
    expect(
      rx
        .events()
        .slice(2)
        .map((e) => e.type),
    ).toEqual(['lead.duplicate']);
    expect(rx.events()[2]!.data).toMatchObject({ leadId: dup.leadId, duplicateOf: assigned.leadId, ownerRep: assigned.decision.rep.id });

    // Compliance rejects the refused lead's review → review.decided (REJECTED).
    const reject = await post(
      s,
      `/v1/review/${refused.reviewId}/reject`,
      { reason: 'No licence in Brazil; prospect informed.' },
      s.tokens.compliance,
    );
    expect(reject.statusCode).toBe(200);
    await drain();
    expect(
      rx
        .events()
        .slice(3)
        .map((e) => e.type),
    ).toEqual(['review.decided']);
    expect(rx.events()[3]!.data).toMatchObject({ reviewId: refused.reviewId, leadId: refused.leadId, status: 'REJECTED' });

    // A second refused lead approved with an override → review.decided (APPROVED) and lead.assigned (by review).
    const refused2 = (
      await post(s, '/v1/leads', ukLead({ address: { country: 'BR' }, person: person('r2') }), s.tokens.integration)
    ).json();
    await drain();
    expect(
      rx
        .events()
        .slice(4)
        .map((e) => e.type),
    ).toEqual(['lead.refused']);
    const approve = await post(
      s,
      `/v1/review/${refused2.reviewId}/approve`,
      { teamId: 'uk-everyday', repId: 'amelia-hughes', justification: 'Reverse solicitation confirmed by legal in writing.' },
      s.tokens.compliance,
    );
    expect(approve.statusCode).toBe(200);
    await drain();
    const tail = rx.events().slice(5);
    expect(tail.map((e) => e.type).sort()).toEqual(['lead.assigned', 'review.decided']);
    expect(tail.find((e) => e.type === 'review.decided')!.data).toMatchObject({
      reviewId: refused2.reviewId,
      status: 'APPROVED',
      repId: 'amelia-hughes',
      override: true,
    });
    expect(tail.find((e) => e.type === 'lead.assigned')!.data).toMatchObject({
      leadId: refused2.leadId,
      repId: 'amelia-hughes',
      by: 'review',
      override: true,
    });

    // A four-eyes violation changes nothing and emits nothing.
    const exc = await post(
      s,
      `/v1/leads/${assigned.leadId}/exceptions`,
      { reason: 'Client asked for another adviser' },
      s.tokens.compliance,
    );
    expect(exc.statusCode).toBe(201);
    expect((await post(s, `/v1/review/${exc.json().review.id}/reject`, { reason: 'self-review' }, s.tokens.compliance)).statusCode).toBe(
      403,
    );
    await drain();
    expect(rx.received).toHaveLength(7);

    // Every event was signed with the subscriber's secret, each event id is unique.
    for (const r of rx.received)
      expect(verifyWebhook(all.secret, r.body, r.headers['remit-signature'] as string, nowSeconds(s))).toBe(true);
    expect(new Set(rx.events().map((e) => e.id)).size).toBe(rx.received.length);
    // The refused-only subscriber got exactly the two refusals.
    expect(refusedOnly.events().map((e) => e.data.leadId)).toEqual([refused.leadId, refused2.leadId]);
  });
});
