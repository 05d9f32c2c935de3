import { afterEach, describe, expect, it } from 'vitest';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth } from '../http/service-harness.ts';

/**
 * Booking hand-off (docs/sources.md "Booking hand-off"), over HTTP on SQLite and PostgreSQL: a form post whose lead
 * is ASSIGNED sends the prospect (303) to the assigned rep's booking page, prefilled only with consent; every other
 * outcome, and a rep without a bookingUrl, goes to the form's neutral return page. The form here is the example's ISA
 * form, protected by a signed form token.
 */

const SECRET = 'booking-form-secret-0123456789abcdef';
const FORM = 'booking-isa';
const RETURN_URL = 'https://www.example-bank.co.uk/isa/thank-you';
const template = (repId: string) => `https://cal.com/${repId}/intro?name={name}&email={email}&lead={leadId}`;

type Json = Record<string, unknown>;

/**
 * The example org with a signed-token copy of the ISA form and, when `withBooking`, a booking link on every rep.
 * `nightsOff` pauses the UK out-of-hours team, so an ISA lead at night waits (QUEUED) instead of going to it.
 */
const configure =
  (withBooking: boolean, nightsOff = false) =>
  (config: Json) => {
    const forms = (config.sources as { forms: Json[] }).forms;
    const isa = forms.find((f) => f.id === 'uk-isa-enquiry')!;
    const { keyEnv: _key, ...open } = isa;
    const signed = { ...open, id: FORM, signedToken: { secretEnv: 'REMIT_BOOKING_FORM_SECRET', ttlSeconds: 600 } };
    const reps = (config.reps as Json[])
      .map((r) => (withBooking ? { ...r, bookingUrl: template(String(r.id)) } : r))
      .map((r) => (nightsOff && r.team === 'uk-savings-out-of-hours' ? { ...r, status: 'paused' } : r));
    return { ...config, reps, sources: { ...(config.sources as Json), forms: [...forms, signed] } };
  };

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const dialects = await bothDialects();

describe.each(dialects)('booking hand-off: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let n = 0;
  const post = async (fields: Record<string, string> = {}) => {
    const ip = `198.51.100.${++n}`;
    const issued = await s!.app.inject({ method: 'GET', url: `/v1/forms/${FORM}/token`, remoteAddress: ip });
    expect(issued.statusCode, issued.body).toBe(200);
    const body = new URLSearchParams({
      first_name: 'Zoë',
      last_name: `Øster ${n}`,
      email: `zoe.${n}@example.co.uk`,
      phone: `020 7946 ${String(1000 + n)}`,
      zip: 'SW1A 2AA',
      marketing_consent: 'on',
      _form_token: issued.json().token,
      ...fields,
    });
    const res = await s!.app.inject({
      method: 'POST',
      url: `/v1/forms/${FORM}`,
      payload: body.toString(),
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://www.example-bank.co.uk' },
    });
    expect(res.statusCode, res.body).toBe(303);
    return new URL(String(res.headers.location));
  };
  const leadOf = async (to: URL) => {
    const leadId = to.searchParams.get('lead')!;
    const lead = (await s!.app.inject({ method: 'GET', url: `/v1/leads/${leadId}`, headers: auth(s!.tokens.compliance) })).json();
    return { leadId, lead };
  };
  const history = async (leadId: string) => s!.h.store.events.listForLead(leadId);

  it('an assigned lead with consent goes to its rep’s booking page, prefilled and URL-encoded; the offer is recorded', async () => {
    process.env.REMIT_BOOKING_FORM_SECRET = SECRET;
    s = await startAuditService(factory, { configure: configure(true) });
    const to = await post({ first_name: 'Zoë & Co', last_name: 'Øster' });
    const { leadId, lead } = await leadOf(to);
    expect(lead.status).toBe('ASSIGNED');
    const repId = String(lead.repId);
    expect(`${to.origin}${to.pathname}`).toBe(`https://cal.com/${repId}/intro`);
    expect(to.searchParams.get('name')).toBe('Zoë & Co Øster');
    expect(to.searchParams.get('email')).toBe(`zoe.${n}@example.co.uk`);
    expect(to.searchParams.get('lead')).toBe(leadId);
    // Encoded, not pasted: the ampersand in the name does not start a new parameter.
    expect(to.search).toContain('name=Zo%C3%AB%20%26%20Co%20%C3%98ster');
    const offered = (await history(leadId)).find((e) => e.kind === 'booking.offered');
    expect(offered, 'booking.offered in the lead story').toBeDefined();
    const payload = JSON.parse(offered!.payloadJson);
    expect(payload).toMatchObject({ repId, formId: FORM, bookingUrlTemplate: template(repId), prefilled: true });
    // The story and the audit inbox keep the template only, never the prospect's details.
    expect(offered!.payloadJson).not.toContain('example.co.uk');
    expect(offered!.payloadJson).not.toContain('Øster');
    const audited = await s.h.store.audit.pending(1000);
    const entry = audited.find((a) => a.event.subject === leadId && (a.event.payload as Json).action === 'booking.offered');
    expect(entry, 'booking.offered audited').toBeDefined();
    expect(JSON.stringify(entry)).not.toContain('example.co.uk');
  });

  it('without consent to prefill, the booking page gets no personal data', async () => {
    process.env.REMIT_BOOKING_FORM_SECRET = SECRET;
    s = await startAuditService(factory, { configure: configure(true) });
    const to = await post({ marketing_consent: '' });
    const { leadId, lead } = await leadOf(to);
    expect(lead.status).toBe('ASSIGNED');
    expect(`${to.origin}${to.pathname}`).toBe(`https://cal.com/${String(lead.repId)}/intro`);
    expect([...to.searchParams.keys()]).toEqual(['lead']);
    expect(to.toString()).not.toMatch(/zoe|Zo%C3%AB|example\.co\.uk/i);
    const offered = (await history(leadId)).find((e) => e.kind === 'booking.offered')!;
    expect(JSON.parse(offered.payloadJson).prefilled).toBe(false);
  });

  it('refused, held and queued leads go to the neutral page, with nothing offered', async () => {
    process.env.REMIT_BOOKING_FORM_SECRET = SECRET;
    s = await startAuditService(factory, { configure: configure(true, true) });
    const refused = await post({ zip: 'JE2 3AB' });
    const held = await post({ first_name: 'Draven', last_name: 'Ostrakoff-Vell' });
    s.clock.ms = Date.parse('2026-11-24T23:30:00Z');
    const queued = await post();
    for (const [to, status] of [
      [refused, 'REFUSED'],
      [held, 'HELD'],
      [queued, 'QUEUED'],
    ] as const) {
      expect(`${to.origin}${to.pathname}`).toBe(RETURN_URL);
      expect(to.searchParams.get('status')).toBe('accepted');
      const { leadId, lead } = await leadOf(to);
      expect(lead.status, status).toBe(status);
      expect((await history(leadId)).some((e) => e.kind === 'booking.offered')).toBe(false);
    }
  });

  it('an assigned lead whose rep has no bookingUrl goes to the neutral page', async () => {
    process.env.REMIT_BOOKING_FORM_SECRET = SECRET;
    s = await startAuditService(factory, { configure: configure(false) });
    const to = await post();
    expect(`${to.origin}${to.pathname}`).toBe(RETURN_URL);
    const { leadId, lead } = await leadOf(to);
    expect(lead.status).toBe('ASSIGNED');
    expect((await history(leadId)).some((e) => e.kind === 'booking.offered')).toBe(false);
  });
});

describe('bookingUrl in config', () => {
  const withBookingUrl = async (bookingUrl: string) => {
    const example = await loadConfig('examples/bank');
    if (!example.ok) throw new Error('example config');
    const config = structuredClone(example.value.org.config) as unknown as { reps: Json[] };
    config.reps[2] = { ...config.reps[2], bookingUrl };
    return compileConfigObject(config);
  };

  it('accepts https, and http on loopback, with known placeholders', async () => {
    expect((await withBookingUrl('https://calendly.com/amelia/30min?name={name}&email={email}&a1={leadId}')).ok).toBe(true);
    expect((await withBookingUrl('https://outlook.office365.com/book/Bank@example.com/?firstName={firstName}')).ok).toBe(true);
    expect((await withBookingUrl('http://127.0.0.1:8080/book?last={lastName}')).ok).toBe(true);
  });

  it.each([
    ['http://cal.com/amelia', /https/],
    ['https://cal.com/amelia?phone={phone}', /unknown placeholder\(s\) \{phone\}/],
    ['ftp://cal.com/amelia', /https/],
    ['cal.com/amelia', /not a valid URL/],
    ['https://user:pw@cal.com/amelia', /credentials/],
  ])('refuses %s with a problem naming the path', async (url, message) => {
    const loaded = await withBookingUrl(url);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error).toContainEqual(expect.objectContaining({ path: 'reps[2].bookingUrl', message: expect.stringMatching(message) }));
  });

  it('a bad bookingUrl published over HTTP is CONFIG_INVALID naming the path', async () => {
    process.env.REMIT_BOOKING_FORM_SECRET = SECRET;
    s = await startAuditService(dialects[0]!.factory);
    const current = (await s.app.inject({ method: 'GET', url: '/v1/org', headers: auth(s.tokens.admin) })).json();
    const reps = current.config.reps.map((r: Json, i: number) => (i === 0 ? { ...r, bookingUrl: 'http://cal.com/x?e={email}' } : r));
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/org/versions',
      payload: { ...current.config, version: 'bad-booking', reps },
      headers: auth(s.tokens.admin),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CONFIG_INVALID');
    expect(res.json().details).toContainEqual({ path: 'reps[0].bookingUrl', message: 'must be https (http only on a loopback address)' });
  });
});
