import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignQueuedLeads } from '../../src/app/routing/assign-queued.use-case.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

let s: TestService;
// 22:30 in London on a Tuesday: the UK mortgage advisers have gone home (savings and ISAs have a 24/7 desk, mortgages do not).
beforeAll(async () => {
  s = await startTestService({ at: '2026-11-24T22:30:00Z' });
});
afterAll(async () => s.close());

describe('queued leads (a lawful team, nobody available yet)', () => {
  it('wait without new decisions while nobody is free, and are assigned when a rep starts work', async () => {
    const res = (
      await s.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: ukLead({
          product: 'uk-residential-mortgage',
          person: { firstName: 'Nina', lastName: 'Night', email: 'nina.night@example.co.uk' },
        }),
        headers: auth(s.tokens.integration),
      })
    ).json();
    expect(res.status).toBe('QUEUED');
    expect(res.decision.reasons[0].code).toBe('NO_AVAILABLE_REP');

    s.clock.advance(30 * 60_000); // 23:00: still nobody
    expect((await assignQueuedLeads(s.ctx)).decided).toEqual([]);
    expect(await s.store.decisions.listForLead(res.leadId)).toHaveLength(1);

    s.clock.ms = Date.parse('2026-11-25T09:30:00Z'); // Wednesday morning in London
    const pass = await assignQueuedLeads(s.ctx);
    expect(pass.decided).toEqual([{ leadId: res.leadId, outcome: 'ASSIGNED' }]);
    const lead = (await s.app.inject({ method: 'GET', url: `/v1/leads/${res.leadId}`, headers: auth(s.tokens.ops) })).json();
    expect(lead.status).toBe('ASSIGNED');
    expect(lead.repId).toBe(lead.decision.rep.id);
    expect(lead.decisions).toHaveLength(2);
    expect((await s.store.routingState.snapshot()).loads[lead.repId]?.open).toBe(1);
    // Already assigned: a later pass leaves it alone.
    expect((await assignQueuedLeads(s.ctx)).decided).toEqual([]);
  });
});
