import { beforeAll, describe, expect, it } from 'vitest';
import { checkOutreach } from '../../src/domain/conduct/check-outreach.ts';
import type { OutreachGate } from '../../src/domain/conduct/outreach-gate.ts';
import type { Channel } from '../../src/domain/conduct/rule-pack.schema.ts';
import { DAY, HOUR, iso, local, realPacks, ruleOf, ukCall, usCall } from './support/packs.ts';

let gate: OutreachGate;
beforeAll(async () => {
  gate = (await realPacks()).outreach;
});

const NY = 'America/New_York';

describe('the quiet hours scenario (docs/conduct.md) — Florida, 305 number, life product, 20:30 local', () => {
  it('denies, cites the FL 20:00 limit and gives 08:00 next day local as the next slot', () => {
    const at = local(NY, '2026-06-10T20:30');
    const d = checkOutreach(usCall(at), gate);
    expect(d.decision).toBe('deny');
    const fl = ruleOf(d, 'us-fl-calling-hours');
    expect(fl.result).toBe('fail');
    expect(fl.reasonCode).toBe('OUTSIDE_CALLING_HOURS');
    expect(fl.detail).toContain('08:00–20:00');
    expect(fl.detail).toContain('area code 305');
    expect(fl.source.citation).toContain('501.059');
    expect(fl.packHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The federal 21:00 limit is not what stops it.
    expect(ruleOf(d, 'us-federal-calling-hours').result).toBe('pass');
    expect(d.nextAllowedAt).toBe(iso(local(NY, '2026-06-11T08:00')));
    expect(checkOutreach(usCall(Date.parse(d.nextAllowedAt!)), gate).decision).toBe('allow');
  });

  it('allows the same call at 19:59 local', () => {
    expect(checkOutreach(usCall(local(NY, '2026-06-10T19:59')), gate).decision).toBe('allow');
  });
});

describe('scenario 2 — Oklahoma number called 3 times in 24 h on the same subject', () => {
  const CHI = 'America/Chicago';
  const okCall = (at: number, history: { at: number; subject: string }[]) =>
    usCall(at, {
      recipient: { phone: '+14055550100', address: { country: 'US', subdivision: 'US-OK' }, timeZone: CHI },
      subject: 'annuity-review',
      history: history.map((h) => ({ channel: 'call' as Channel, ...h })),
    });

  it('blocks the 4th call and says when the rolling window frees up', () => {
    const first = local(CHI, '2026-06-09T15:00');
    const history = [first, local(CHI, '2026-06-09T18:00'), local(CHI, '2026-06-10T09:00')].map((at) => ({
      at,
      subject: 'annuity-review',
    }));
    const d = checkOutreach(okCall(local(CHI, '2026-06-10T11:00'), history), gate);
    expect(d.decision).toBe('deny');
    const cap = ruleOf(d, 'us-ok-call-cap');
    expect(cap.result).toBe('fail');
    expect(cap.reasonCode).toBe('CALL_CAP_REACHED');
    expect(d.nextAllowedAt).toBe(iso(first + DAY));
  });

  it('counts per subject: three calls on another subject do not block', () => {
    const history = [1, 2, 3].map((h) => ({ at: local(CHI, '2026-06-10T09:00') + h * 10 * 60_000, subject: 'other' }));
    expect(checkOutreach(okCall(local(CHI, '2026-06-10T11:00'), history), gate).decision).toBe('allow');
  });

  it('the third call is still allowed', () => {
    const history = [local(CHI, '2026-06-09T15:00'), local(CHI, '2026-06-10T09:00')].map((at) => ({ at, subject: 'annuity-review' }));
    expect(checkOutreach(okCall(local(CHI, '2026-06-10T11:00'), history), gate).decision).toBe('allow');
  });
});

describe('scenario 3 — national DNC, no relationship or consent, scrub 35 days old', () => {
  it('denies and raises DNC_SCRUB_STALE; waiting does not help', () => {
    const at = local(NY, '2026-06-10T11:00');
    const d = checkOutreach(usCall(at, { registries: [{ registry: 'US_NATIONAL_DNC', listed: true, scrubbedAt: at - 35 * DAY }] }), gate);
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'us-national-dnc').result).toBe('fail');
    expect(d.alerts).toEqual([
      expect.objectContaining({ code: 'DNC_SCRUB_STALE', ruleId: 'us-national-dnc', registry: 'US_NATIONAL_DNC' }),
    ]);
    expect(d.nextAllowedAt).toBeNull();
  });

  it('a fresh scrub that lists the number denies with DNC_LISTED; a stale unlisted scrub still denies', () => {
    const at = local(NY, '2026-06-10T11:00');
    const listed = checkOutreach(
      usCall(at, { registries: [{ registry: 'US_NATIONAL_DNC', listed: true, scrubbedAt: at - 3 * DAY }] }),
      gate,
    );
    expect(ruleOf(listed, 'us-national-dnc').reasonCode).toBe('DNC_LISTED');
    expect(listed.alerts).toEqual([]);
    const stale = checkOutreach(
      usCall(at, { registries: [{ registry: 'US_NATIONAL_DNC', listed: false, scrubbedAt: at - 32 * DAY }] }),
      gate,
    );
    expect(stale.decision).toBe('deny');
    expect(ruleOf(stale, 'us-national-dnc').reasonCode).toBe('DNC_SCRUB_STALE');
  });

  it('an existing relationship exempts the call but the stale scrub is still alerted', () => {
    const at = local(NY, '2026-06-10T11:00');
    const d = checkOutreach(
      usCall(at, { existingRelationship: true, registries: [{ registry: 'US_NATIONAL_DNC', listed: true, scrubbedAt: at - 35 * DAY }] }),
      gate,
    );
    expect(d.decision).toBe('allow');
    expect(ruleOf(d, 'us-national-dnc').reasonCode).toBe('DNC_EXEMPT');
    expect(d.alerts.map((a) => a.code)).toEqual(['DNC_SCRUB_STALE']);
  });

  it('the firm DNC list is honoured immediately', () => {
    const at = local(NY, '2026-06-10T11:00');
    const d = checkOutreach(usCall(at, { firmDnc: [{ requestedAt: at - 60_000 }] }), gate);
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'us-firm-dnc').reasonCode).toBe('FIRM_DNC_LISTED');
  });
});

describe('scenario 6 — UK pension transfer, no relationship or consent', () => {
  const at = local('Europe/London', '2026-06-10T11:00');
  const pension = { id: 'pension-transfer', productLines: ['pension_transfer'], attributes: ['generally_marketable_packaged_product'] };

  it('no outbound call', () => {
    const d = checkOutreach(ukCall(at, { product: pension, subject: 'pension-transfer' }), gate);
    expect(d.decision).toBe('deny');
    const ban = ruleOf(d, 'gb-pensions-cold-call-ban');
    expect(ban.result).toBe('fail');
    expect(ban.reasonCode).toBe('COLD_CALL_BANNED');
    expect(ban.source.citation).toContain('21B');
    expect(d.nextAllowedAt).toBeNull();
  });

  it('with an existing client relationship the ban lifts', () => {
    const d = checkOutreach(ukCall(at, { product: pension, subject: 'pension-transfer', existingRelationship: true }), gate);
    expect(ruleOf(d, 'gb-pensions-cold-call-ban').result).toBe('pass');
    expect(d.decision).toBe('allow');
  });

  it(
    'COBS 4.8: cold call about a non-packaged investment to a retail client is denied; the same with an envisaging relationship ' +
      'passes',
    () => {
      const product = { id: 'mini-bond', productLines: ['non_mass_market_investments'] };
      expect(ruleOf(checkOutreach(ukCall(at, { product }), gate), 'gb-cobs-cold-calls').reasonCode).toBe('COLD_CALL_BANNED');
      const ok = checkOutreach(ukCall(at, { product, existingRelationship: true, relationshipEnvisagesColdCalls: true }), gate);
      expect(ruleOf(ok, 'gb-cobs-cold-calls').result).toBe('pass');
    },
  );

  it('TPS-registered number: no marketing call without consent', () => {
    const d = checkOutreach(ukCall(at, { registries: [{ registry: 'UK_TPS', listed: true, scrubbedAt: at - DAY }] }), gate);
    expect(ruleOf(d, 'gb-tps').reasonCode).toBe('DNC_LISTED');
    const consented = checkOutreach(
      ukCall(at, {
        registries: [{ registry: 'UK_TPS', listed: true, scrubbedAt: at - DAY }],
        consents: [{ channel: 'call', givenAt: at - DAY, wording: 'You may call me about ISAs', priorExpressWritten: false }],
      }),
      gate,
    );
    expect(consented.decision).toBe('allow');
  });

  it('financial promotion: an unapproved template, or one approved only for another jurisdiction, is denied', () => {
    expect(ruleOf(checkOutreach(ukCall(at, { templateId: 'promo-draft' }), gate), 'gb-promotion-approval').reasonCode).toBe(
      'PROMOTION_NOT_APPROVED',
    );
    const ie = checkOutreach(
      ukCall(at, { approvedPromotions: [{ id: 'promo-uk-1', approver: 'x', jurisdictions: ['IE'], audience: 'all' }] }),
      gate,
    );
    expect(ruleOf(ie, 'gb-promotion-approval').reasonCode).toBe('PROMOTION_NOT_APPROVED_FOR_JURISDICTION');
    expect(ruleOf(checkOutreach(ukCall(at, { templateId: null }), gate), 'gb-promotion-approval').reasonCode).toBe(
      'PROMOTION_TEMPLATE_MISSING',
    );
  });
});

describe('scenario 10 — DIFC professional-only promotion', () => {
  const at = local('Asia/Dubai', '2026-06-10T11:00');
  const difc = (customerType: 'retail' | 'professional') =>
    ukCall(at, {
      channel: 'email',
      customerType,
      templateId: 'difc-pro-fund',
      recipient: { address: { country: 'AE', subdivision: 'AE-DU' }, timeZone: 'Asia/Dubai' },
      approvedPromotions: [
        { id: 'difc-pro-fund', approver: 'Acme DIFC Ltd compliance', jurisdictions: ['AE'], audience: 'professional_only' },
      ],
    });

  it('never reaches a retail client', () => {
    const d = checkOutreach(difc('retail'), gate);
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'difc-professional-only').reasonCode).toBe('PROMOTION_AUDIENCE_MISMATCH');
  });

  it('reaches a professional client', () => {
    expect(checkOutreach(difc('professional'), gate).decision).toBe('allow');
  });
});

describe('scenario 13 — STOP / objection on any channel suppresses all marketing channels', () => {
  const at = local(NY, '2026-06-10T11:00');
  const stop = { channel: 'sms' as Channel, at: at - HOUR, kind: 'stop' as const };

  it.each(['email', 'call', 'whatsapp', 'sms', 'letter'] as Channel[])('US: STOP on SMS → %s marketing denied', (channel) => {
    const d = checkOutreach(usCall(at, { channel, optOuts: [stop] }), gate);
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'us-opt-out').reasonCode).toBe('OPTED_OUT');
    expect(d.nextAllowedAt).toBeNull();
  });

  it('transactional messages still go (records and service messages are not suppressed)', () => {
    const d = checkOutreach(usCall(at, { channel: 'sms', purpose: 'transactional', optOuts: [stop] }), gate);
    expect(d.decision).toBe('allow');
    expect(ruleOf(d, 'us-opt-out').result).toBe('not_applicable');
  });

  it.each(['email', 'call', 'whatsapp'] as Channel[])('EU (GDPR Art. 21): objection by email → %s marketing denied', (channel) => {
    const d = checkOutreach(
      usCall(at, {
        channel,
        recipient: { phone: '+33612345678', address: { country: 'FR' }, timeZone: 'Europe/Paris' },
        optOuts: [{ channel: 'email', at: at - DAY, kind: 'objection' }],
      }),
      gate,
    );
    expect(d.decision).toBe('deny');
    expect(ruleOf(d, 'eu-gdpr-objection').reasonCode).toBe('OPTED_OUT');
  });

  it('UK: objection on a call suppresses email', () => {
    const d = checkOutreach(ukCall(at, { channel: 'email', optOuts: [{ channel: 'call', at: at - DAY, kind: 'objection' }] }), gate);
    expect(ruleOf(d, 'gb-objection').reasonCode).toBe('OPTED_OUT');
  });
});

describe('consent for automated calls and SMS (TCPA)', () => {
  const at = local(NY, '2026-06-10T11:00');
  const pewc = {
    channel: 'sms' as Channel,
    givenAt: at - DAY,
    wording: 'I agree to receive marketing texts at +13055550123; not a condition of purchase',
    phone: '+13055550123',
    priorExpressWritten: true,
  };

  it('SMS marketing without prior express written consent is denied; with it, allowed', () => {
    expect(ruleOf(checkOutreach(usCall(at, { channel: 'sms' }), gate), 'us-sms-consent').reasonCode).toBe('CONSENT_MISSING');
    expect(checkOutreach(usCall(at, { channel: 'sms', consents: [pewc] }), gate).decision).toBe('allow');
  });

  it('consent naming another number, or given as a condition of purchase, does not count', () => {
    expect(checkOutreach(usCall(at, { channel: 'sms', consents: [{ ...pewc, phone: '+13055550999' }] }), gate).decision).toBe('deny');
    expect(checkOutreach(usCall(at, { channel: 'sms', consents: [{ ...pewc, conditionOfPurchase: true }] }), gate).decision).toBe('deny');
  });

  it('autodialled call needs it; a manually dialled call does not', () => {
    const auto = checkOutreach(usCall(at, { automated: { autodialled: true, prerecorded: false } }), gate);
    expect(ruleOf(auto, 'us-automated-call-consent').reasonCode).toBe('CONSENT_MISSING');
    expect(ruleOf(checkOutreach(usCall(at), gate), 'us-automated-call-consent').reasonCode).toBe('CONSENT_NOT_REQUIRED');
  });
});
