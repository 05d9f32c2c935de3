import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';

/**
 * Web forms (docs/sources.md) with the encodings a browser really sends: URLSearchParams for
 * application/x-www-form-urlencoded, FormData for multipart/form-data (serialised by the platform's
 * own Response, boundary and all). Forms come from examples/bank/sources.yaml.
 */

const FORM_KEY = 'fk_test_0123456789';
const ORIGIN = 'https://www.example-bank.co.uk';
const CONSENT_TEXT = 'Yes, Example Bank may email and call me about ISAs. I can withdraw consent at any time.';

let s: TestService;
let ip = 0;
/** Each test posts from its own client IP, so the per-IP rate limit only bites where a test wants it. */
let clientIp = '';

beforeAll(async () => {
  process.env.REMIT_FORM_KEY_UK_ISA = FORM_KEY;
  s = await startTestService();
});
afterAll(async () => s.close());
beforeEach(() => {
  clientIp = `203.0.113.${++ip}`;
});

function isaForm(overrides: Record<string, string | string[]> = {}): URLSearchParams {
  const fields: Record<string, string | string[]> = {
    first_name: 'Zoë',
    last_name: 'Øster',
    email: 'zoe.oster@example.co.uk',
    phone: '020 7946 0321',
    company: '',
    country: 'United Kingdom',
    zip: 'SW1A 2AA',
    interests: ['isa', 'pension'],
    marketing_consent: 'on',
    consent_text: CONSENT_TEXT,
    utm_source: 'newsletter',
    utm_campaign: 'isa-season',
    website_url: '',
    _form_key: FORM_KEY,
    ...overrides,
  };
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return p;
}

const postUrlencoded = (formId: string, body: URLSearchParams | string, headers: Record<string, string> = {}) =>
  s.app.inject({
    method: 'POST',
    url: `/v1/forms/${formId}`,
    payload: body.toString(),
    remoteAddress: clientIp,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
  });

async function postMultipart(formId: string, form: FormData, headers: Record<string, string> = {}) {
  const encoded = new Response(form);
  const payload = Buffer.from(await encoded.arrayBuffer());
  return s.app.inject({
    method: 'POST',
    url: `/v1/forms/${formId}`,
    payload,
    remoteAddress: clientIp,
    headers: { 'content-type': encoded.headers.get('content-type')!, origin: ORIGIN, ...headers },
  });
}

const leadCount = async () => (await s.store.leads.list()).length;
const locationOf = (res: { headers: Record<string, unknown> }) => new URL(String(res.headers.location));

describe('POST /v1/forms/:formId — urlencoded', () => {
  it('maps a Web-to-Lead post (UTF-8 names, repeated and hidden fields, consent) and redirects 303 to the return URL', async () => {
    const res = await postUrlencoded('uk-isa-enquiry', isaForm());
    expect(res.statusCode).toBe(303);
    const to = locationOf(res);
    expect(`${to.origin}${to.pathname}`).toBe('https://www.example-bank.co.uk/isa/thank-you');
    expect(to.searchParams.get('status')).toBe('accepted');
    const leadId = to.searchParams.get('lead')!;
    const stored = await s.store.leads.get(leadId);
    expect(stored).toBeDefined();
    const lead = JSON.parse(stored!.leadJson);
    expect(lead).toMatchObject({ product: 'uk-stocks-shares-isa', source: 'web_form', jurisdiction: 'GB' });
    expect(lead.custom).toMatchObject({ interests: ['isa', 'pension'], utm_source: 'newsletter', utm_campaign: 'isa-season' });
    const personal = await s.store.personalData.get(leadId);
    expect(JSON.parse(personal!.contactJson)).toMatchObject({ firstName: 'Zoë', lastName: 'Øster', phoneE164: '+442079460321' });
    // Consent text and timestamp are stored with the lead (docs/audit.md).
    expect(JSON.parse(personal!.consentJson!)).toMatchObject({
      marketing: true,
      wording: CONSENT_TEXT,
      capturedAt: '2026-11-24T11:00:00.000Z',
      lawfulBasis: 'consent',
      channels: ['email', 'phone'],
    });
    // Recorded under the form's synthetic principal.
    const history = await s.store.events.listForLead(leadId);
    expect(history[0]).toMatchObject({ kind: 'intake', actor: 'form:uk-isa-enquiry' });
  });

  it('answers JSON when the client asks for it, without routing details', async () => {
    const res = await postUrlencoded(
      'uk-isa-enquiry',
      isaForm({ first_name: 'Åsa', last_name: 'Ñúñez', email: 'asa.nunez@example.com', phone: '020 7946 0999' }),
      { accept: 'application/json' },
    );
    expect(res.statusCode).toBe(201);
    expect(Object.keys(res.json()).sort()).toEqual(['leadId', 'status']);
    expect(res.json().status).toBe('accepted');
  });

  it('a second post of the same person is linked as a duplicate (R9), and says so', async () => {
    const body = isaForm({ first_name: 'Dup', last_name: 'Licate', email: 'dup.licate@example.co.uk', phone: '020 7946 0456' });
    const first = await postUrlencoded('uk-isa-enquiry', body);
    const second = await postUrlencoded('uk-isa-enquiry', body);
    expect(locationOf(first).searchParams.get('status')).toBe('accepted');
    expect(locationOf(second).searchParams.get('status')).toBe('duplicate');
    expect((await s.store.leads.get(locationOf(second).searchParams.get('lead')!))!.duplicateOf).toBe(
      locationOf(first).searchParams.get('lead'),
    );
  });

  it('an unchecked consent box is recorded as no marketing consent, with the wording shown', async () => {
    const body = isaForm({ first_name: 'No', last_name: 'Consent', email: 'no.consent@example.co.uk', phone: '020 7946 0457' });
    body.delete('marketing_consent');
    const leadId = locationOf(await postUrlencoded('uk-isa-enquiry', body)).searchParams.get('lead')!;
    expect(JSON.parse((await s.store.personalData.get(leadId))!.consentJson!)).toMatchObject({ marketing: false, wording: CONSENT_TEXT });
  });

  it(
    'invalid input redirects to the error URL naming the form fields; JSON gets 422 with field-level details; nothing is ' + 'stored',
    async () => {
      const before = await leadCount();
      const bad = isaForm({ first_name: 'Bad', last_name: 'Email', email: 'not-an-email', phone: '' });
      const res = await postUrlencoded('uk-isa-enquiry', bad);
      expect(res.statusCode).toBe(303);
      const to = locationOf(res);
      expect(to.pathname).toBe('/isa/enquiry');
      expect(to.searchParams.get('error')).toBe('LEAD_INVALID');
      expect(to.searchParams.get('fields')!.split(',')).toContain('email');
      const json = await postUrlencoded('uk-isa-enquiry', bad, { accept: 'application/json' });
      expect(json.statusCode).toBe(422);
      expect(json.json().code).toBe('LEAD_INVALID');
      expect(json.json().details.find((d: { path: string }) => d.path === '/person/email').message).toMatch(/form field "email"/);
      expect(await leadCount()).toBe(before);
    },
  );

  it('a filled honeypot is answered like a success, stores nothing, and is counted', async () => {
    const before = await leadCount();
    const res = await postUrlencoded(
      'uk-isa-enquiry',
      isaForm({ first_name: 'Spam', last_name: 'Bot', email: 'bot@example.com', website_url: 'http://spam.example' }),
    );
    expect(res.statusCode).toBe(303);
    expect(locationOf(res).searchParams.get('status')).toBe('accepted');
    expect(locationOf(res).searchParams.get('lead')).toMatch(/^lead/);
    expect(await s.store.leads.get(locationOf(res).searchParams.get('lead')!)).toBeUndefined();
    expect(await leadCount()).toBe(before);
    const forms = (await s.app.inject({ method: 'GET', url: '/v1/forms', headers: auth(s.tokens.ops) })).json().forms;
    expect(forms.find((f: { id: string }) => f.id === 'uk-isa-enquiry').counters.honeypot).toBe(1);
  });

  it('refuses a wrong or missing form key and a disallowed Origin (403), storing nothing', async () => {
    const before = await leadCount();
    expect((await postUrlencoded('uk-isa-enquiry', isaForm({ _form_key: 'guessed' }))).statusCode).toBe(403);
    const noKey = isaForm();
    noKey.delete('_form_key');
    expect((await postUrlencoded('uk-isa-enquiry', noKey)).statusCode).toBe(403);
    // The key may come as a header instead of the hidden field.
    const viaHeader = await postUrlencoded(
      'uk-isa-enquiry',
      (() => {
        const p = isaForm({ first_name: 'Header', last_name: 'Key', email: 'header.key@example.co.uk', phone: '020 7946 0458' });
        p.delete('_form_key');
        return p;
      })(),
      { 'x-remit-form-key': FORM_KEY },
    );
    expect(viaHeader.statusCode).toBe(303);
    const wrongOrigin = await postUrlencoded('uk-isa-enquiry', isaForm(), { origin: 'https://evil.example' });
    expect(wrongOrigin.statusCode).toBe(403);
    expect(wrongOrigin.json().code).toBe('FORBIDDEN');
    const originOnly = await postUrlencoded(
      'us-life-quote',
      new URLSearchParams({ first_name: 'Al', last_name: 'Ray', phone: '+1 212 555 0134', state: 'NY' }),
      { origin: 'https://attacker.example' },
    );
    expect(originOnly.statusCode).toBe(403);
    expect(await leadCount()).toBe(before + 1);
  });

  it('rate-limits per client IP with a token bucket (429 RATE_LIMITED, Retry-After), refilled over time', async () => {
    // us-life-quote: burst 3, 6 per minute. Invalid posts count too (the bucket is checked before parsing).
    const body = new URLSearchParams({ first_name: 'Rate', last_name: 'Limit' });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await postUrlencoded('us-life-quote', body, { origin: 'https://www.example-life.com', accept: 'application/json' })).statusCode,
      );
    expect(statuses).toEqual([422, 422, 422, 429]);
    const limited = await postUrlencoded('us-life-quote', body, { origin: 'https://www.example-life.com' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected; after 10 s one token is back.
    const other = clientIp;
    clientIp = '198.51.100.7';
    expect(
      (await postUrlencoded('us-life-quote', body, { origin: 'https://www.example-life.com', accept: 'application/json' })).statusCode,
    ).toBe(422);
    clientIp = other;
    s.clock.advance(10_000);
    expect(
      (await postUrlencoded('us-life-quote', body, { origin: 'https://www.example-life.com', accept: 'application/json' })).statusCode,
    ).toBe(422);
    expect(
      (await postUrlencoded('us-life-quote', body, { origin: 'https://www.example-life.com', accept: 'application/json' })).statusCode,
    ).toBe(429);
    s.clock.advance(-10_000);
  });

  it('refuses an oversize body (413), with or without a Content-Length', async () => {
    const before = await leadCount();
    const huge = isaForm({ consent_text: 'x'.repeat(20_000) });
    const res = await postUrlencoded('uk-isa-enquiry', huge);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    expect(await leadCount()).toBe(before);
  });

  it('unknown forms are 404; the JSON API keeps refusing form encodings (415)', async () => {
    expect((await postUrlencoded('no-such-form', isaForm())).statusCode).toBe(404);
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: 'a=1',
      headers: { ...auth(s.tokens.integration), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
  });
});

describe('POST /v1/forms/:formId — multipart/form-data', () => {
  function isaFormData(overrides: Record<string, string> = {}): FormData {
    const fd = new FormData();
    for (const [k, v] of isaForm(overrides)) fd.append(k, v);
    return fd;
  }

  it('accepts a FormData post exactly as a browser encodes it (UTF-8, repeated fields)', async () => {
    const res = await postMultipart(
      'uk-isa-enquiry',
      isaFormData({ first_name: 'Zoë', last_name: 'Øster-Multipart', email: 'zoe.multipart@example.co.uk', phone: '020 7946 0777' }),
      { accept: 'application/json' },
    );
    expect(res.statusCode).toBe(201);
    const { leadId, status } = res.json();
    expect(status).toBe('accepted');
    const lead = JSON.parse((await s.store.leads.get(leadId))!.leadJson);
    expect(lead.custom.interests).toEqual(['isa', 'pension']);
    expect(JSON.parse((await s.store.personalData.get(leadId))!.contactJson)).toMatchObject({
      firstName: 'Zoë',
      lastName: 'Øster-Multipart',
    });
  });

  it('redirects by default; honeypot, key and size rules apply as for urlencoded', async () => {
    const before = await leadCount();
    const ok = await postMultipart(
      'uk-isa-enquiry',
      isaFormData({ first_name: 'Mia', last_name: 'Multi', email: 'mia.multi@example.co.uk', phone: '020 7946 0778' }),
    );
    expect(ok.statusCode).toBe(303);
    expect(locationOf(ok).searchParams.get('status')).toBe('accepted');
    const trapped = await postMultipart('uk-isa-enquiry', isaFormData({ email: 'bot2@example.com', website_url: 'yes' }));
    expect(trapped.statusCode).toBe(303);
    expect((await postMultipart('uk-isa-enquiry', isaFormData({ _form_key: 'nope' }))).statusCode).toBe(403);
    const big = await postMultipart('uk-isa-enquiry', isaFormData({ consent_text: 'y'.repeat(40_000) }));
    expect(big.statusCode).toBe(413);
    const withFile = isaFormData();
    withFile.append('cv', new Blob(['%PDF-1.7'], { type: 'application/pdf' }), 'cv.pdf');
    expect((await postMultipart('uk-isa-enquiry', withFile)).statusCode).toBe(415);
    expect(await leadCount()).toBe(before + 1);
  });
});
