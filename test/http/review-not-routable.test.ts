import { afterEach, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { closeLead } from '../support/route-lead.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from './service-harness.ts';

/**
 * Finding B3 (docs/routing.md): an exception or an approval must never assign a lead that is erased, a
 * duplicate, or closed (CLOSED, WON, LOST), including one that became so after the review was opened.
 */

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const post = (path: string, body: unknown, token: string) =>
  s!.app.inject({ method: 'POST', url: path, payload: body as object, headers: auth(token) });
let n = 0;
const lead = (first: string) =>
  ukLead({ person: { firstName: first, lastName: 'Stone', email: `${first.toLowerCase()}.${++n}@example.co.uk` } });
const ingest = async (first: string) =>
  (await post('/v1/leads', lead(first), s!.tokens.integration)).json() as {
    leadId: string;
    status: string;
    decision: { rep: { id: string }; team: { id: string } };
  };

/** Everything an exception or approval could change: the lead row, its reviews, the reps' loads, the audit trail. */
async function snapshot(leadId: string) {
  const store = s!.h.store;
  return {
    lead: await store.leads.get(leadId),
    openReview: await store.reviews.openForLead(leadId),
    reviews: await store.reviews.page({ limit: 1000 }),
    loads: await store.routingState.snapshot(),
    events: await store.events.listForLead(leadId),
    audit: (await store.audit.size()) + (await store.audit.pendingCount()),
  };
}

async function notRoutableLeads(): Promise<Record<'ERASED' | 'DUPLICATE' | 'LOST' | 'CLOSED', string>> {
  const erased = await ingest('Erin');
  expect((await post(`/v1/leads/${erased.leadId}/erase`, { reason: 'GDPR art 17' }, s!.tokens.compliance)).statusCode).toBe(200);
  const original = lead('Dora');
  await post('/v1/leads', original, s!.tokens.integration);
  const duplicate = (await post('/v1/leads', original, s!.tokens.integration)).json();
  expect(duplicate.status).toBe('DUPLICATE');
  const lost = await ingest('Lois');
  for (const to of ['ACCEPTED', 'LOST'])
    expect((await post(`/v1/leads/${lost.leadId}/transitions`, { to }, s!.tokens.ops)).statusCode).toBe(200);
  const closed = await ingest('Cleo');
  expect((await closeLead(s!.ctx, closed.leadId)).closed).toBe(true);
  return { ERASED: erased.leadId, DUPLICATE: duplicate.leadId, LOST: lost.leadId, CLOSED: closed.leadId };
}

const dialects = await bothDialects();

describe.each(dialects)('reviews of leads that may not be routed: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);

  it(
    'an exception request on an ERASED, DUPLICATE, LOST or CLOSED lead is refused with LEAD_NOT_ROUTABLE and changes nothing',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      for (const [status, leadId] of Object.entries(await notRoutableLeads())) {
        const before = await snapshot(leadId);
        expect(before.lead!.status).toBe(status);
        const res = await post(`/v1/leads/${leadId}/exceptions`, { reason: 'Reassign to the Leeds office' }, s.tokens.ops);
        expect(res.statusCode, status).toBe(409);
        expect(res.json()).toMatchObject({ code: 'LEAD_NOT_ROUTABLE' });
        expect(res.json().message).toContain(status);
        expect(await snapshot(leadId), status).toEqual(before);
      }
    },
  );

  it(
    'an approval after the lead was erased, lost or closed since the request is refused; the lead stays as it is and the review can be ' +
      'rejected',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      const org = s.ctx.orgs.current;
      const cases: { name: string; after: (leadId: string) => Promise<void> }[] = [
        {
          name: 'erased',
          after: async (id) =>
            void expect((await post(`/v1/leads/${id}/erase`, { reason: 'GDPR art 17' }, s!.tokens.compliance)).statusCode).toBe(200),
        },
        {
          name: 'lost',
          after: async (id) => {
            for (const to of ['ACCEPTED', 'LOST'])
              expect((await post(`/v1/leads/${id}/transitions`, { to }, s!.tokens.ops)).statusCode).toBe(200);
          },
        },
        { name: 'closed', after: async (id) => void expect((await closeLead(s!.ctx, id)).closed).toBe(true) },
      ];
      for (const c of cases) {
        const assigned = await ingest(`Ann${c.name}`);
        expect(assigned.status).toBe('ASSIGNED');
        const other = [...org.repsById.values()].find((r) => r.teamId === assigned.decision.team.id && r.id !== assigned.decision.rep.id)!;
        const requested = await post(
          `/v1/leads/${assigned.leadId}/exceptions`,
          { reason: 'Client asked for another adviser' },
          s.tokens.ops,
        );
        expect(requested.statusCode).toBe(201);
        const reviewId = requested.json().review.id as string;
        await c.after(assigned.leadId);
        const before = await snapshot(assigned.leadId);
        const approve = await post(
          `/v1/review/${reviewId}/approve`,
          { teamId: other.teamId, repId: other.id, justification: 'Client relationship, legal confirmed.' },
          s.tokens.compliance2,
        );
        expect(approve.statusCode, c.name).toBe(409);
        expect(approve.json().code).toBe('LEAD_NOT_ROUTABLE');
        expect(await snapshot(assigned.leadId), c.name).toEqual(before);
        expect(before.openReview?.id).toBe(reviewId);
        expect((await post(`/v1/review/${reviewId}/reject`, { reason: 'The lead is gone' }, s.tokens.compliance2)).statusCode).toBe(200);
      }
    },
  );

  it('a refused lead erased while its system review waits is not resurrected by approving that review', { timeout: 60_000 }, async () => {
    s = await startAuditService(factory);
    const refused = (
      await post(
        '/v1/leads',
        ukLead({ address: { country: 'BR' }, person: { firstName: 'Rui', lastName: 'Costa', email: 'rui@example.com.br' } }),
        s.tokens.integration,
      )
    ).json();
    expect(refused.status).toBe('REFUSED');
    const review = await s.h.store.reviews.openForLead(refused.leadId);
    expect((await post(`/v1/leads/${refused.leadId}/erase`, { reason: 'GDPR art 17' }, s.tokens.compliance)).statusCode).toBe(200);
    const rep = [...s.ctx.orgs.current.repsById.values()][0]!;
    const before = await snapshot(refused.leadId);
    const approve = await post(
      `/v1/review/${review!.id}/approve`,
      { teamId: rep.teamId, repId: rep.id, justification: 'Existing client relocating; legal confirmed.' },
      s.tokens.compliance2,
    );
    expect(approve.statusCode).toBe(409);
    expect(approve.json().code).toBe('LEAD_NOT_ROUTABLE');
    expect(await snapshot(refused.leadId)).toEqual(before);
    expect(before.lead!.status).toBe('ERASED');
  });
});
