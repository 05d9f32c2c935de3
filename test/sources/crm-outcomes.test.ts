import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/app/webhooks/outbound-webhook-signature.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import {
  HUBSPOT_SECRET,
  postHubSpot as postHubSpotRequest,
  postSalesforce as postSalesforceRequest,
  SALESFORCE_SECRET,
} from '../support/crm-webhook-requests.ts';

/**
 * Closed-deal events from CRM webhooks (docs/outcomes.md "From CRM webhooks"), on SQLite and PostgreSQL: a HubSpot
 * Webhooks API v3 batch (deal.propertyChange) finds its lead by the deal id Remit wrote back to; a Salesforce
 * Opportunity event finds it by the converted Lead's id (the lead's external id). Signed as the senders sign (the
 * HubSpot recipe is recomputed here, not taken from the code under test); a redelivery appends nothing; an unknown
 * record is ignored with its reason and counted; a bad amount is refused at the CRM's field and records nothing.
 */

const DEAL = '9001';
const SF_LEAD = '00Q5g00000OutcOMEA';

const hubspotTarget = {
  id: 'hubspot-deals',
  kind: 'hubspot',
  leadSource: 'hubspot',
  recordIdField: 'hubspotDealId',
  object: 'deals',
  baseUrl: 'https://api.hubapi.com',
  auth: { kind: 'access_token', tokenEnv: 'HUBSPOT_PRIVATE_APP_TOKEN' },
  owners: {},
};

/** The example org, with a HubSpot deals write-back target and outcome mappings on both CRM sources. */
function configure(config: Record<string, unknown>): Record<string, unknown> {
  const sources = config.sources as { crm: { id: string; outcomes?: unknown }[] };
  sources.crm.find((c) => c.id === 'hubspot-main')!.outcomes = {
    lostStages: ['closedlost', 'lost-to-competitor'],
    reasonCodes: { 'lost-to-competitor': 'COMPETITOR' },
    currency: 'GBP',
  };
  sources.crm.find((c) => c.id === 'sfdc-prod')!.outcomes = {
    disqualifiedStages: ['Closed - Disqualified'],
    reasonField: 'Loss_Reason__c',
    reasonCodes: { Price: 'PRICE' },
  };
  return { ...config, crmWriteBack: [hubspotTarget] };
}

const dialects = await bothDialects();

describe.each(dialects)('CRM closed-deal webhooks: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);
  let s: AuditService;
  beforeAll(async () => {
    process.env.HUBSPOT_CLIENT_SECRET = HUBSPOT_SECRET;
    process.env.SALESFORCE_WEBHOOK_SECRET = SALESFORCE_SECRET;
    s = await startAuditService(factory, { configure, crmConsoleUrl: 'https://remit.example' });
  });
  afterAll(async () => s?.close());

  async function ingest(payload: Record<string, unknown>): Promise<string> {
    const res = await s.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(s.tokens.integration), payload: ukLead(payload) });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { leadId: string }).leadId;
  }
  const outcomes = (leadId: string) => s.ctx.store.outcomes.listForLead(leadId);
  const counted = async (status: string) =>
    (await s.ctx.metrics.crmOutcomeEvents.get()).values.find((v) => v.labels.source === 'hubspot-main' && v.labels.status === status)
      ?.value ?? 0;

  const postHubSpot = (events: readonly object[], signature?: string) =>
    postHubSpotRequest(s, JSON.stringify(events), signature === undefined ? {} : { signature });
  const postSalesforce = (event: object) => postSalesforceRequest(s, JSON.stringify(event));
  /** A deal.propertyChange event as HubSpot's Webhooks API v3 sends it (propertyValue is always text). */
  const dealChange = (eventId: number, objectId: string, propertyName: string, propertyValue: string, at: number) => ({
    eventId,
    subscriptionId: 2381,
    portalId: 62515,
    appId: 101,
    occurredAt: at,
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId: Number(objectId),
    propertyName,
    propertyValue,
    changeSource: 'CRM_UI',
  });

  it('HubSpot: a deal closed won with its amount is the outcome of the lead written back to; a redelivery appends nothing', async () => {
    const leadId = await ingest({
      source: 'hubspot',
      custom: { hubspotDealId: DEAL },
      person: { firstName: 'Hal', lastName: 'Deal', email: 'hal.deal@example.co.uk' },
    });
    // The deal id reached Remit only as the record it writes back to (crm_writebacks), the link the event is matched by.
    expect((await s.ctx.store.crmWritebacks.list({ leadId, limit: 10 })).map((r) => r.recordId)).toEqual([DEAL]);
    s.clock.advance(3_600_000);
    const at = s.clock.now() - 60_000;
    const batch = [
      dealChange(11, DEAL, 'amount', '12500.50', at),
      dealChange(12, DEAL, 'dealstage', 'closedwon', at + 1),
      dealChange(13, '404404', 'dealstage', 'closedlost', at + 2),
      dealChange(14, DEAL, 'hs_next_step', 'call back', at + 3),
      { ...dealChange(15, '777', 'firstname', 'Zoë', at + 4), subscriptionType: 'contact.propertyChange' },
    ];
    const before = { ignored: await counted('ignored'), unmatched: await counted('unmatched') };

    expect((await postHubSpot(batch, 'AAAA')).statusCode).toBe(401);
    expect(await outcomes(leadId)).toEqual([]);

    const res = await postHubSpot(batch);
    expect(res.statusCode, res.body).toBe(200);
    const events = (res.json() as { events: { eventId: string; status: string; leadId?: string; reason?: string }[] }).events;
    // Answered in the order processed: the closes first, then amount changes (this one was recorded with its close).
    expect(events.map((e) => [e.eventId, e.status])).toEqual([
      ['12', 'recorded'],
      ['13', 'unmatched'],
      ['14', 'ignored'],
      ['15', 'ignored'],
      ['11', 'unchanged'],
    ]);
    expect(events[1]!.reason).toContain('no lead is known by hubspot record 404404');
    expect(events[2]!.reason).toContain('hs_next_step');
    expect(events[3]!.reason).toContain('contact.propertyChange');

    const [won, ...more] = await outcomes(leadId);
    expect(more).toEqual([]);
    expect(won).toMatchObject({
      kind: 'WON',
      value: 12500.5,
      currency: 'GBP',
      reasonCode: 'CRM_CLOSED_WON',
      channel: 'crm',
      recordedBy: 'crm:hubspot-main',
      closedAt: new Date(at + 1).toISOString(),
      note: null,
    });
    expect(await counted('ignored')).toBe(before.ignored + 2);
    expect(await counted('unmatched')).toBe(before.unmatched + 1);

    // HubSpot redelivers with attemptNumber 1: same events, nothing appended.
    const again = await postHubSpot(batch.map((e) => ({ ...e, attemptNumber: 1 })));
    expect(again.statusCode).toBe(200);
    expect((again.json() as { events: { status: string }[] }).events.map((e) => e.status)).toEqual([
      'replayed',
      'unmatched',
      'ignored',
      'ignored',
      'replayed',
    ]);
    expect(await outcomes(leadId)).toHaveLength(1);
    expect(await counted('replayed')).toBeGreaterThanOrEqual(2);

    // A later amount change updates the value of the outcome this source recorded (the earlier one stays as history).
    s.clock.advance(1_000);
    const raised = await postHubSpot([dealChange(16, DEAL, 'amount', '13000', s.clock.now())]);
    expect((raised.json() as { events: { status: string }[] }).events[0]!.status).toBe('recorded');
    expect((await outcomes(leadId)).map((o) => [o.kind, o.value, o.closedAt])).toEqual([
      ['WON', 12500.5, new Date(at + 1).toISOString()],
      ['WON', 13000, new Date(at + 1).toISOString()],
    ]);
    const story = await s.ctx.store.events.listForLead(leadId);
    expect(story.filter((e) => e.kind === 'outcome.recorded')).toHaveLength(2);
  });

  it('HubSpot: a mapped lost stage gives its reason code; a bad amount is refused at the field "amount" and records nothing', async () => {
    const deal = '9002';
    const leadId = await ingest({
      source: 'hubspot',
      custom: { hubspotDealId: deal },
      person: { firstName: 'Lo', lastName: 'Stage', email: 'lo.stage@example.co.uk' },
    });
    s.clock.advance(60_000);
    const at = s.clock.now() - 1_000;
    const bad = await postHubSpot([
      dealChange(21, deal, 'amount', '-40', at),
      dealChange(22, deal, 'dealstage', 'lost-to-competitor', at + 1),
    ]);
    expect(bad.statusCode).toBe(200);
    const [refused, amount] = (bad.json() as { events: { eventId: string; status: string; code?: string; details?: { path: string }[] }[] })
      .events;
    expect(refused).toMatchObject({ eventId: '22', status: 'invalid', code: 'OUTCOME_INVALID', details: [{ path: 'amount' }] });
    // The amount change alone has no outcome of this source to update.
    expect(amount).toMatchObject({ eventId: '21', status: 'ignored' });
    expect(await outcomes(leadId)).toEqual([]);

    const fixed = await postHubSpot([dealChange(23, deal, 'dealstage', 'lost-to-competitor', at + 2)]);
    expect((fixed.json() as { events: { status: string }[] }).events[0]!.status).toBe('recorded');
    expect((await outcomes(leadId)).map((o) => [o.kind, o.reasonCode, o.value])).toEqual([['LOST', 'COMPETITOR', null]]);
    // An open stage is not an outcome.
    const open = await postHubSpot([dealChange(24, deal, 'dealstage', 'presentationscheduled', s.clock.now())]);
    expect((open.json() as { events: { status: string; reason: string }[] }).events[0]).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('not a closed stage'),
    });
    // Not an array of events: refused with field-level details, nothing recorded.
    const malformed = await postHubSpot([{ eventId: 25, subscriptionType: 'deal.propertyChange' }]);
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json()).toMatchObject({
      code: 'OUTCOME_INVALID',
      details: expect.arrayContaining([{ path: '/body/0/objectId', message: expect.any(String) }]),
    });
    expect(await outcomes(leadId)).toHaveLength(1);
  });

  it('Salesforce: a closed Opportunity finds the converted Lead by its id; reason from the mapped field; idempotent', async () => {
    const leadId = await ingest({
      source: 'salesforce',
      externalId: SF_LEAD,
      person: { firstName: 'Sal', lastName: 'Force', email: 'sal.force@example.co.uk' },
    });
    s.clock.advance(600_000);
    const occurredAt = new Date(s.clock.now() - 5_000).toISOString();
    const event = (eventId: string, opportunity: Record<string, unknown>, leadIdOf = SF_LEAD) => ({
      eventId,
      sobjectType: 'Opportunity',
      occurredAt,
      organizationId: '00D5g000004ABCD',
      leadId: leadIdOf,
      opportunity: {
        Id: '0065g00000OppAAA',
        StageName: 'Closed Lost',
        IsClosed: true,
        IsWon: false,
        Amount: 5000,
        CurrencyIsoCode: 'EUR',
        Loss_Reason__c: 'Price',
        ...opportunity,
      },
    });

    const open = await postSalesforce(event('opp-1-open', { IsClosed: false, StageName: 'Negotiation/Review' }));
    expect(open.json()).toMatchObject({ events: [{ status: 'ignored', reason: expect.stringContaining('not closed') }] });

    const lost = await postSalesforce(event('opp-1-closed', {}));
    expect(lost.statusCode, lost.body).toBe(200);
    expect(lost.json()).toMatchObject({ events: [{ eventId: 'opp-1-closed', status: 'recorded', leadId }] });
    expect((await outcomes(leadId)).map((o) => [o.kind, o.reasonCode, o.value, o.currency, o.closedAt, o.recordedBy])).toEqual([
      ['LOST', 'PRICE', 5000, 'EUR', occurredAt, 'crm:sfdc-prod'],
    ]);

    expect((await postSalesforce(event('opp-1-closed', {}))).json()).toMatchObject({ events: [{ status: 'replayed', leadId }] });
    expect((await postSalesforce(event('opp-1-closed', { Amount: 1 }))).json()).toMatchObject({
      events: [{ status: 'invalid', code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
    const badCurrency = await postSalesforce(event('opp-1-bad', { IsWon: true, StageName: 'Closed Won', CurrencyIsoCode: 'euro' }));
    expect(badCurrency.json()).toMatchObject({ events: [{ status: 'invalid', details: [{ path: 'opportunity.CurrencyIsoCode' }] }] });
    expect(await outcomes(leadId)).toHaveLength(1);

    // A close before the lead was received cannot be this lead's: refused at occurredAt.
    const early = await postSalesforce({ ...event('opp-1-early', {}), occurredAt: '2020-01-01T00:00:00Z' });
    expect(early.json()).toMatchObject({ events: [{ status: 'invalid', code: 'OUTCOME_INVALID', details: [{ path: 'occurredAt' }] }] });
    // The same signature check as Lead events: a wrong one is 401 and nothing is read.
    const forged = await postSalesforceRequest(s, JSON.stringify(event('opp-1-forged', { IsWon: true })), {
      signature: signWebhook('not-the-secret', '{}', Math.floor(s.clock.now() / 1000)),
    });
    expect(forged.statusCode).toBe(401);
    expect(await outcomes(leadId)).toHaveLength(1);

    const unknown = await postSalesforce(event('opp-2', { Id: '0065g00000OppZZZ' }, '00Q5g00000NobodyAA'));
    expect(unknown.json()).toMatchObject({
      events: [
        {
          status: 'unmatched',
          reason: expect.stringContaining('no lead is known by salesforce record 00Q5g00000NobodyAA or 0065g00000OppZZZ'),
        },
      ],
    });

    const disqualified = await postSalesforce(
      event('opp-1-dq', { StageName: 'Closed - Disqualified', Amount: null, Loss_Reason__c: null }),
    );
    expect(disqualified.json()).toMatchObject({ events: [{ status: 'recorded' }] });
    expect((await outcomes(leadId)).at(-1)).toMatchObject({ kind: 'DISQUALIFIED', reasonCode: 'CRM_DISQUALIFIED', value: null });
  });
});
