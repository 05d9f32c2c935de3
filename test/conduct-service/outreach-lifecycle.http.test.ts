import { afterEach, describe, expect, it } from 'vitest';
import { auth, startTestService, ukLead, type TestService } from '../http/service-harness.ts';
import { DAY, flLead, get, HOUR, ingest, MIN, post, rule, startUsService, usScrub } from './conduct-fixtures.ts';

/**
 * docs/conduct.md "In the running service": the quiet-hours, call-cap, national-DNC, pension cold-calling and STOP scenarios against the
 * example org
 * through the HTTP API (in process, fake clock), cooling-off blocking a PROPOSAL until the clock
 * passes earliestAllowedAt, and quiet hours across both 2026 US DST changes.
 */

let s: TestService;
afterEach(async () => s?.close());

const check = (lead: string, body: Record<string, unknown>) => post(s, s.tokens.rep, `/v1/leads/${lead}/outreach-check`, body);

describe('§7 scenario 1 — Florida lead, 305 number, life product, 20:30 local, agent licensed and appointed in FL', () => {
  it('no call; next allowed slot 08:00 local; the reason cites the FL 20:00 limit', async () => {
    s = await startUsService('brandon-lee');
    const { leadId, repId, body } = await ingest(s, flLead('s1'));
    expect(repId).toBe('brandon-lee');
    // The decision names the FL licence and Cascade appointment relied on.
    expect(JSON.stringify(body.decision)).toContain('US-FL');
    await usScrub(s, 5);
    const d = await check(leadId, { channel: 'call', at: '2026-11-25T01:30:00Z' }); // 20:30 EST on the 24th
    expect(d.status).toBe(200);
    expect(d.body.decision).toBe('deny');
    const fl = rule(d.body as never, 'us-fl-calling-hours');
    expect(fl).toMatchObject({ result: 'fail', reasonCode: 'OUTSIDE_CALLING_HOURS' });
    expect(fl.detail).toContain('08:00–20:00');
    expect(fl.detail).toContain('area code 305');
    expect(fl.source.citation).toContain('501.059');
    expect(rule(d.body as never, 'us-federal-calling-hours').result).toBe('pass');
    expect(d.body.nextAllowedAt).toBe('2026-11-25T13:00:00.000Z'); // 08:00 EST
    // At 08:00 local it is allowed; at 19:59 the evening before too.
    expect((await check(leadId, { channel: 'call', at: d.body.nextAllowedAt })).body.decision).toBe('allow');
    expect((await check(leadId, { channel: 'call', at: '2026-11-25T00:59:00Z' })).body.decision).toBe('allow');
  });
});

describe('§7 scenario 2 — Oklahoma number already called 3 times in 24 h on the same subject', () => {
  it('the first three calls are recorded (the gate allows them); the 4th is blocked, and cannot be recorded', async () => {
    s = await startUsService('brandon-lee');
    const { leadId } = await ingest(s, flLead('s2', '+1 405 555 0100')); // Florida address, Oklahoma area code
    await usScrub(s, 2);
    const times: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await post(s, s.tokens.rep, `/v1/leads/${leadId}/outreach`, { channel: 'call', subject: 'term-life-review' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.firstContact).toBe(i === 0);
      times.push(r.body.at);
      s.clock.advance(45 * MIN);
    }
    const d = await check(leadId, { channel: 'call', subject: 'term-life-review' });
    expect(d.body.decision).toBe('deny');
    expect(rule(d.body as never, 'us-ok-call-cap')).toMatchObject({ result: 'fail', reasonCode: 'CALL_CAP_REACHED' });
    expect(d.body.nextAllowedAt).toBe(new Date(Date.parse(times[0]!) + DAY).toISOString());
    // Recording it anyway is impossible: 422 with the rules, nothing stored.
    const denied = await post(s, s.tokens.rep, `/v1/leads/${leadId}/outreach`, { channel: 'call', subject: 'term-life-review' });
    expect(denied.status).toBe(422);
    expect(denied.body.code).toBe('OUTREACH_DENIED');
    expect(denied.body.rules.find((r: { id: string }) => r.id === 'us-ok-call-cap').reasonCode).toBe('CALL_CAP_REACHED');
    expect(denied.body.nextAllowedAt).toBe(d.body.nextAllowedAt);
    const log = await get(s, s.tokens.ops, `/v1/leads/${leadId}/conduct`);
    expect(log.body.outreach).toHaveLength(3);
    // Another subject is not capped.
    expect((await check(leadId, { channel: 'call', subject: 'other-product' })).body.decision).toBe('allow');
  });
});

describe('§7 scenario 3 — number on the national DNC list, no relationship or consent, scrub 35 days old', () => {
  it('blocked, with a stale-scrub alert; waiting does not help', async () => {
    s = await startUsService('brandon-lee');
    const { leadId } = await ingest(s, flLead('s3', '+1 305 555 0177'));
    await usScrub(s, 35, ['+13055550177']);
    const d = await check(leadId, { channel: 'call' });
    expect(d.body.decision).toBe('deny');
    expect(rule(d.body as never, 'us-national-dnc')).toMatchObject({ result: 'fail', reasonCode: 'DNC_SCRUB_STALE' });
    expect(d.body.alerts).toEqual([expect.objectContaining({ code: 'DNC_SCRUB_STALE', registry: 'US_NATIONAL_DNC' })]);
    expect(d.body.nextAllowedAt).toBeNull();
    // A fresh scrub that still lists it: DNC_LISTED. The firm's own DNC list (suppressions) also blocks.
    await usScrub(s, 1, ['+13055550177']);
    expect(rule((await check(leadId, { channel: 'call' })).body as never, 'us-national-dnc').reasonCode).toBe('DNC_LISTED');
    await s.store.suppressions.upsert([
      {
        kind: 'phone',
        value: '+13055550177',
        reason: 'asked not to be called',
        source: 'test',
        createdAt: new Date(s.clock.ms - HOUR).toISOString(),
      },
    ]);
    expect(rule((await check(leadId, { channel: 'call' })).body as never, 'us-firm-dnc')).toMatchObject({
      result: 'fail',
      reasonCode: 'FIRM_DNC_LISTED',
    });
  });
});

describe('§7 scenario 6 — UK pension lead, no relationship or consent', () => {
  it('no outbound call (pensions cold-calling ban); email with an approved promotion is fine', async () => {
    s = await startTestService({ repId: 'charlotte-evans' });
    const { leadId, repId } = await ingest(
      s,
      ukLead({
        product: 'uk-sipp',
        person: { firstName: 'Pat', lastName: 'Penn', email: 'pat.penn@example.co.uk', phone: '+44 20 7946 0123' },
      }),
    );
    expect(repId).toBe('charlotte-evans');
    expect(
      (
        await post(s, s.tokens.compliance, '/v1/conduct/registry-scrubs', {
          registry: 'UK_TPS',
          scrubbedAt: new Date(s.clock.ms - 2 * DAY).toISOString(),
          listed: [],
        })
      ).status,
    ).toBe(201);
    const promo = await s.app.inject({
      method: 'PUT',
      url: '/v1/conduct/promotions/promo-uk-sipp-1',
      headers: auth(s.tokens.compliance),
      payload: { approver: 'Northbridge UK compliance (s21 approver)', jurisdictions: ['GB'] },
    });
    expect(promo.statusCode, promo.body).toBe(200);
    const call = await check(leadId, { channel: 'call', templateId: 'promo-uk-sipp-1' });
    expect(call.body.decision).toBe('deny');
    expect(rule(call.body as never, 'gb-pensions-cold-call-ban')).toMatchObject({ result: 'fail', reasonCode: 'COLD_CALL_BANNED' });
    expect(rule(call.body as never, 'gb-tps').result).toBe('pass');
    expect(call.body.nextAllowedAt).toBeNull();
    const email = await check(leadId, { channel: 'email', templateId: 'promo-uk-sipp-1' });
    expect(email.body.decision, JSON.stringify(email.body.rules.filter((r: { result: string }) => r.result === 'fail'))).toBe('allow');
    // With written consent to calls, the ban lifts.
    expect(
      (
        await post(s, s.tokens.rep, `/v1/leads/${leadId}/consents`, {
          channel: 'call',
          action: 'grant',
          wording: 'You may call me about my pension.',
        })
      ).status,
    ).toBe(201);
    expect(
      rule((await check(leadId, { channel: 'call', templateId: 'promo-uk-sipp-1' })).body as never, 'gb-pensions-cold-call-ban').result,
    ).toBe('pass');
  });
});

describe('§7 scenario 13 — STOP on one channel', () => {
  it('suppresses every marketing channel; transactional messages and the decision record stay', async () => {
    s = await startUsService('brandon-lee');
    const { leadId, body } = await ingest(
      s,
      flLead('s13', '+1 305 555 0199', {
        consent: { marketing: true, wording: 'Call, text or email me', capturedAt: '2026-11-20T10:00:00Z', lawfulBasis: 'consent' },
      }),
    );
    await usScrub(s, 3);
    expect((await check(leadId, { channel: 'email' })).body.decision).toBe('allow');
    const stop = await post(s, s.tokens.rep, `/v1/leads/${leadId}/opt-outs`, { channel: 'sms', kind: 'stop' });
    expect(stop.status).toBe(201);
    for (const channel of ['call', 'sms', 'email', 'whatsapp', 'letter']) {
      const d = await check(leadId, { channel });
      expect(d.body.decision, channel).toBe('deny');
      expect(rule(d.body as never, 'us-opt-out'), channel).toMatchObject({ result: 'fail', reasonCode: 'OPTED_OUT' });
    }
    expect((await check(leadId, { channel: 'email', purpose: 'transactional' })).body.decision).toBe('allow');
    const recorded = await post(s, s.tokens.rep, `/v1/leads/${leadId}/outreach`, { channel: 'email' });
    expect(recorded.status).toBe(422);
    // Decision records kept: the lead still shows its decision; history shows the opt-out.
    const detail = await get(s, s.tokens.compliance, `/v1/leads/${leadId}`);
    expect(detail.body.decision.decisionId).toBe(body.decision.decisionId);
    expect(detail.body.history.map((h: { kind: string }) => h.kind)).toEqual(
      expect.arrayContaining(['opt_out.recorded', 'outreach.denied']),
    );
  });
});

describe('cooling-off blocks the PROPOSAL until the window has elapsed (US free look, 10 days from first contact)', () => {
  it('422 with earliestAllowedAt; allowed once the clock passes it; blocked attempts recorded', async () => {
    s = await startUsService('brandon-lee');
    const { leadId } = await ingest(s, flLead('co'));
    const move = (to: string, token = s.tokens.rep) => post(s, token, `/v1/leads/${leadId}/transitions`, { to });
    // Invalid move: 409 with the domain reason code and where the lead may go.
    const invalid = await move('WON');
    expect(invalid.status).toBe(409);
    expect(invalid.body).toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
      reasonCode: 'INVALID_TRANSITION',
      from: 'ASSIGNED',
      allowedTargets: expect.arrayContaining(['ACCEPTED']),
    });
    s.clock.advance(5 * MIN);
    const accepted = await move('ACCEPTED');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.slaTimersStopped).toBe(1);
    s.clock.advance(10 * MIN);
    const contactedAt = s.clock.ms;
    const contacted = await move('CONTACTED');
    expect(contacted.body.slaTimersStopped).toBe(1);
    s.clock.advance(HOUR);
    expect((await move('QUALIFIED')).status).toBe(200);
    const blocked = await move('PROPOSAL');
    expect(blocked.status).toBe(422);
    expect(blocked.body).toMatchObject({
      code: 'COOLING_OFF_BLOCKED',
      reasonCode: 'COOLING_OFF_ACTIVE',
      coolingOff: { entryId: 'us-free-look-default', packId: 'cooling-off-us' },
    });
    expect(blocked.body.earliestAllowedAt).toBe(new Date(contactedAt + 10 * DAY).toISOString());
    // A rep cannot act on someone else's lead.
    const other = await startTestService({ repId: 'danielle-rivera' });
    try {
      const foreign = await other.app.inject({
        method: 'POST',
        url: `/v1/leads/${leadId}/transitions`,
        headers: auth(other.tokens.rep),
        payload: { to: 'PROPOSAL' },
      });
      expect(foreign.statusCode).toBe(404);
    } finally {
      await other.close();
    }
    s.clock.ms = Date.parse(blocked.body.earliestAllowedAt) - 1;
    expect((await move('PROPOSAL')).status).toBe(422);
    s.clock.ms = Date.parse(blocked.body.earliestAllowedAt);
    const proposal = await move('PROPOSAL');
    expect(proposal.status, JSON.stringify(proposal.body)).toBe(200);
    expect(proposal.body.event.coolingOff.map((c: { entryId: string }) => c.entryId)).toContain('us-free-look-default');
    // WON closes the lead and frees the rep's capacity.
    const before = (await s.store.routingState.snapshot()).loads['brandon-lee']!.open;
    const won = await move('WON');
    expect(won.body).toMatchObject({ to: 'WON', capacityReleased: true });
    expect((await s.store.routingState.snapshot()).loads['brandon-lee']!.open).toBe(before - 1);
    const history = (await get(s, s.tokens.ops, `/v1/leads/${leadId}`)).body.history as { kind: string; data: { code?: string } }[];
    expect(history.filter((h) => h.kind === 'lifecycle.blocked').map((h) => h.data.code)).toEqual([
      'INVALID_TRANSITION',
      'COOLING_OFF_ACTIVE',
      'COOLING_OFF_ACTIVE',
    ]);
    expect(history.filter((h) => h.kind === 'lifecycle.transition')).toHaveLength(5);
  });
});

describe('quiet hours across the 2026 US DST changes (HTTP)', () => {
  it('08:00 local is 12:00Z after spring-forward and 13:00Z after fall-back', async () => {
    s = await startUsService('brandon-lee');
    const { leadId } = await ingest(s, flLead('dst'));
    // Scrubs valid at the instants checked.
    for (const at of ['2026-03-05T12:00:00Z', '2026-10-30T12:00:00Z']) {
      expect(
        (await post(s, s.tokens.compliance, '/v1/conduct/registry-scrubs', { registry: 'US_NATIONAL_DNC', scrubbedAt: at, listed: [] }))
          .status,
      ).toBe(201);
    }
    const spring = await check(leadId, { channel: 'call', at: '2026-03-08T11:30:00Z' }); // 07:30 EDT, the day clocks went forward
    expect(spring.body.decision).toBe('deny');
    expect(spring.body.nextAllowedAt).toBe('2026-03-08T12:00:00.000Z');
    const fall = await check(leadId, { channel: 'call', at: '2026-11-01T12:30:00Z' }); // 07:30 EST, the day clocks went back
    expect(fall.body.decision).toBe('deny');
    expect(fall.body.nextAllowedAt).toBe('2026-11-01T13:00:00.000Z');
  });
});
