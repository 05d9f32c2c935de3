import { publishWithApproval } from '../support/org-drafts.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, startTestService, ukLead, type TestService } from '../http/service-harness.ts';

/**
 * Finding W4 (docs/conduct.md): conduct facts and consent grants cannot be dated before the lead existed,
 * nor further back than the org's conduct.factBackdatingHours (default 24 h) unless compliance
 * records them, which is audited with the fact.
 */

let s: TestService;
afterEach(async () => s?.close());

const HOUR = 3_600_000;
const post = (url: string, body: unknown, token: string) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const ago = (hours: number) => new Date(s.clock.ms - hours * HOUR).toISOString();

async function assignedLead(): Promise<{ leadId: string; receivedAt: string }> {
  const res = await post('/v1/leads', ukLead(), s.tokens.integration);
  expect(res.json().status).toBe('ASSIGNED');
  const leadId = res.json().leadId as string;
  return { leadId, receivedAt: (await s.store.leads.get(leadId))!.receivedAt };
}

/** What a refused attempt must leave untouched. */
const recorded = async (leadId: string) => ({
  events: await s.store.events.listForLead(leadId),
  consents: await s.store.conduct.listConsentChanges(leadId),
  audit: await s.store.audit.pendingCount(),
});

describe('conduct facts: how far back they may be dated', () => {
  it('refuses a fact dated before the lead existed, for every role, with a body.at error, recording nothing', async () => {
    s = await startTestService();
    const { leadId, receivedAt } = await assignedLead();
    s.clock.advance(2 * HOUR);
    const before = await recorded(leadId);
    for (const token of [s.tokens.ops, s.tokens.admin, s.tokens.compliance]) {
      for (const at of ['1990-01-01T00:00:00Z', new Date(Date.parse(receivedAt) - 1000).toISOString()]) {
        const res = await post(`/v1/leads/${leadId}/facts`, { event: 'soa_signed', at }, token);
        expect(res.statusCode, at).toBe(400);
        expect(res.json()).toMatchObject({
          code: 'ARGUMENT_INVALID',
          reasonCode: 'FACT_BEFORE_LEAD',
          details: [{ path: '/body/at', message: expect.stringContaining('FACT_BEFORE_LEAD') }],
        });
      }
    }
    expect(await recorded(leadId)).toEqual(before);
  });

  it('beyond 24 h back only compliance may record it, and the backdating is audited with the fact', async () => {
    s = await startTestService();
    const { leadId } = await assignedLead();
    s.clock.advance(48 * HOUR);
    const before = await recorded(leadId);
    const tooFar = await post(`/v1/leads/${leadId}/facts`, { event: 'soa_signed', at: ago(30) }, s.tokens.ops);
    expect(tooFar.statusCode).toBe(400);
    expect(tooFar.json()).toMatchObject({
      code: 'ARGUMENT_INVALID',
      reasonCode: 'FACT_BACKDATED_TOO_FAR',
      details: [{ path: '/body/at' }],
    });
    expect(tooFar.json().message).toContain('at most 24 h back');
    expect(await recorded(leadId)).toEqual(before);

    const within = await post(`/v1/leads/${leadId}/facts`, { event: 'information_provided', at: ago(23) }, s.tokens.ops);
    expect(within.statusCode).toBe(201);
    expect(within.json().events.information_provided).toBe(ago(23));

    const byCompliance = await post(`/v1/leads/${leadId}/facts`, { event: 'soa_signed', at: ago(30) }, s.tokens.compliance);
    expect(byCompliance.statusCode).toBe(201);
    expect(byCompliance.json().events.soa_signed).toBe(ago(30));
    const fact = (await s.store.events.listForLead(leadId))
      .filter((e) => e.kind === 'conduct.fact')
      .map((e) => JSON.parse(e.payloadJson))
      .at(-1);
    expect(fact).toMatchObject({ event: 'soa_signed', backdating: { hours: 30, boundHours: 24, roles: ['compliance'] } });
    const audit = (await s.store.audit.pending(1000))
      .filter((p) => p.event.subject === leadId)
      .map((p) => p.event.payload as Record<string, unknown>);
    expect(audit.filter((p) => p.action === 'fact').at(-1)).toMatchObject({
      event: 'soa_signed',
      roles: ['compliance'],
      backdating: { hours: 30, boundHours: 24, roles: ['compliance'] },
    });
  });

  it('a consent grant is dated like a fact; a revoke (which only restricts) may go further back', async () => {
    s = await startTestService();
    const { leadId } = await assignedLead();
    s.clock.advance(48 * HOUR);
    const before = await recorded(leadId);
    const grant = await post(
      `/v1/leads/${leadId}/consents`,
      { channel: 'call', action: 'grant', wording: 'You may call me', at: ago(40) },
      s.tokens.ops,
    );
    expect(grant.statusCode).toBe(400);
    expect(grant.json()).toMatchObject({ reasonCode: 'FACT_BACKDATED_TOO_FAR', details: [{ path: '/body/at' }] });
    expect(await recorded(leadId)).toEqual(before);
    expect((await post(`/v1/leads/${leadId}/consents`, { channel: 'call', action: 'revoke', at: ago(40) }, s.tokens.ops)).statusCode).toBe(
      201,
    );
    expect(
      (
        await post(
          `/v1/leads/${leadId}/consents`,
          { channel: 'call', action: 'grant', wording: 'You may call me', at: ago(40) },
          s.tokens.compliance,
        )
      ).statusCode,
    ).toBe(201);
  });

  it("the bound is the org's conduct.factBackdatingHours", async () => {
    s = await startTestService();
    const current = (await s.app.inject({ method: 'GET', url: '/v1/org', headers: auth(s.tokens.admin) })).json();
    // A conduct policy change is not a roster edit: a compliance officer approves the admin's draft (maker-checker).
    await publishWithApproval(s.app, { ...current.config, conduct: { factBackdatingHours: 72 } }, s.tokens.admin, s.tokens.compliance);
    const { leadId } = await assignedLead();
    s.clock.advance(96 * HOUR);
    expect((await post(`/v1/leads/${leadId}/facts`, { event: 'soa_signed', at: ago(71) }, s.tokens.ops)).statusCode).toBe(201);
    const tooFar = await post(`/v1/leads/${leadId}/facts`, { event: 'information_provided', at: ago(73) }, s.tokens.ops);
    expect(tooFar.statusCode).toBe(400);
    expect(tooFar.json().message).toContain('at most 72 h back');
  });
});
