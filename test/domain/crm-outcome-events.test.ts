import { describe, expect, it } from 'vitest';
import { closeStatement, crmReasonCode } from '../../src/domain/sources/crm-outcome-event.ts';
import { HubSpotDealEventsSchema, hubSpotDealEvents, hubSpotStageOutcome } from '../../src/domain/sources/hubspot-deal-events.ts';
import { SalesforceOpportunityEventSchema, salesforceOpportunityEvent } from '../../src/domain/sources/salesforce-opportunity-event.ts';
import { OutcomeInputSchema } from '../../src/domain/outcomes/outcome-input.ts';

/** Closed-deal events, pure (docs/outcomes.md "From CRM webhooks"): vendor payload → vendor-neutral event → outcome statement. */

const change = (eventId: number, objectId: number, propertyName: string, propertyValue: string, occurredAt: number, extra = {}) =>
  HubSpotDealEventsSchema.parse([
    {
      eventId,
      portalId: 62515,
      occurredAt,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId,
      propertyName,
      propertyValue,
      ...extra,
    },
  ])[0]!;

describe('HubSpot deal events', () => {
  it('stages: defaults closedwon / closedlost; the mapping adds stages, and disqualified wins over the others', () => {
    expect(hubSpotStageOutcome('closedwon', undefined)).toBe('WON');
    expect(hubSpotStageOutcome('closedlost', undefined)).toBe('LOST');
    expect(hubSpotStageOutcome('appointmentscheduled', undefined)).toBeNull();
    const m = { wonStages: ['signed'], disqualifiedStages: ['signed', 'junk'] };
    expect(hubSpotStageOutcome('signed', m)).toBe('DISQUALIFIED');
    expect(hubSpotStageOutcome('closedwon', m)).toBeNull();
    expect(hubSpotStageOutcome('closedlost', m)).toBe('LOST');
  });

  it('a close takes the amount and currency changed with it; amount changes come after the closes; the rest is ignored', () => {
    const events = hubSpotDealEvents(
      [
        change(1, 7, 'amount', '900', 1_000),
        change(2, 7, 'deal_currency_code', 'EUR', 1_001),
        change(3, 7, 'dealstage', 'closedwon', 1_002),
        change(4, 8, 'dealstage', 'closedlost', 999),
        change(5, 9, 'firstname', 'Zoë', 1_003, { subscriptionType: 'contact.propertyChange' }),
        change(6, 10, 'dealstage', 'closedwon', 1_004, { subscriptionType: 'object.propertyChange', objectTypeId: '0-3' }),
      ],
      undefined,
    );
    expect(events.map((e) => [e.eventId, e.kind])).toEqual([
      ['4', 'close'],
      ['2', 'ignored'],
      ['3', 'close'],
      ['5', 'ignored'],
      ['6', 'close'],
      ['1', 'value'],
    ]);
    const won = events[2]!;
    expect(won).toMatchObject({ outcome: 'WON', value: '900', currency: 'EUR', closedAt: new Date(1_002).toISOString(), recordIds: ['7'] });
    expect(events[0]).toMatchObject({ outcome: 'LOST', value: undefined, currency: null });
  });

  it('the key leaves out attemptNumber (a redelivery is the same event) and keeps what makes eventId unique', () => {
    const [first] = hubSpotDealEvents([change(1, 7, 'dealstage', 'closedwon', 5)], undefined);
    const [again] = hubSpotDealEvents([{ ...change(1, 7, 'dealstage', 'closedwon', 5), attemptNumber: 3 }], undefined);
    const [otherDeal] = hubSpotDealEvents([change(1, 8, 'dealstage', 'closedwon', 5)], undefined);
    expect(again!.key).toBe(first!.key);
    expect(again!.fingerprint).toBe(first!.fingerprint);
    expect(otherDeal!.key).not.toBe(first!.key);
  });
});

describe('Salesforce Opportunity events', () => {
  const event = (opportunity: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    salesforceOpportunityEvent(
      SalesforceOpportunityEventSchema.parse({
        eventId: 'e1',
        sobjectType: 'Opportunity',
        occurredAt: '2026-11-24T15:02:11Z',
        leadId: '00Q1',
        opportunity: { Id: '0061', IsClosed: true, IsWon: false, StageName: 'Closed Lost', ...opportunity },
        ...extra,
      }),
      { disqualifiedStages: ['Closed - Disqualified'], reasonField: 'Loss_Reason__c', reasonCodes: { Price: 'PRICE' } },
    );

  it('IsWon → WON, else LOST, a disqualifying stage → DISQUALIFIED; open → ignored; the Lead id is tried first', () => {
    expect(event({ IsWon: true, StageName: 'Closed Won' })).toMatchObject({ kind: 'close', outcome: 'WON', recordIds: ['00Q1', '0061'] });
    expect(event({})).toMatchObject({ kind: 'close', outcome: 'LOST', closedAt: '2026-11-24T15:02:11.000Z' });
    expect(event({ StageName: 'Closed - Disqualified' })).toMatchObject({ outcome: 'DISQUALIFIED' });
    expect(event({ IsClosed: false })).toMatchObject({ kind: 'ignored' });
    expect(event({}, { leadId: undefined })).toMatchObject({ recordIds: ['0061'] });
  });

  it('the statement: reason from the mapped field, else the default; amount with its currency; bad values fail at their field', () => {
    const lost = event({ Loss_Reason__c: 'Price', Amount: 5000, CurrencyIsoCode: 'EUR' });
    if (lost.kind !== 'close') throw new Error('expected a close');
    expect(OutcomeInputSchema.parse(closeStatement(lost, { reasonField: 'Loss_Reason__c', reasonCodes: { Price: 'PRICE' } }))).toEqual({
      kind: 'LOST',
      reasonCode: 'PRICE',
      value: 5000,
      currency: 'EUR',
      closedAt: '2026-11-24T15:02:11.000Z',
    });
    expect(crmReasonCode(undefined, 'LOST', 'Other')).toBe('CRM_CLOSED_LOST');
    expect(crmReasonCode({ defaultReasonCodes: { WON: 'SIGNED' } }, 'WON', null)).toBe('SIGNED');
    const negative = event({ Amount: -1, CurrencyIsoCode: 'EUR' });
    if (negative.kind !== 'close') throw new Error('expected a close');
    const parsed = OutcomeInputSchema.safeParse(closeStatement(negative, undefined));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path)).toEqual([['value']]);
    expect(negative.fields.value).toBe('opportunity.Amount');
  });
});
