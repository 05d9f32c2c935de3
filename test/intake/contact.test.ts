import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../src/domain/intake/email-address.ts';
import { cleanText, illFormedTextPaths } from '../../src/domain/intake/clean-text.ts';
import { LeadSchema } from '../../src/domain/lead/lead.schema.ts';
import { AT, normaliseErrors, normaliseOk, payload } from './intake-fixtures.ts';

describe('email normalisation', () => {
  it.each([
    [' Jane.Doe@Example.COM ', 'jane.doe@example.com', 'jane.doe@example.com'],
    ['mailto:jane@example.com', 'jane@example.com', 'jane@example.com'],
    ['<jane@example.com>', 'jane@example.com', 'jane@example.com'],
    ['J.Doe+news@GMail.com', 'j.doe+news@gmail.com', 'jdoe@gmail.com'],
    ['j.d.o.e@googlemail.com', 'j.d.o.e@googlemail.com', 'jdoe@gmail.com'],
    ['jane+crm@outlook.com', 'jane+crm@outlook.com', 'jane@outlook.com'],
    ['jane.doe+x@acme.co.uk', 'jane.doe+x@acme.co.uk', 'jane.doe+x@acme.co.uk'],
  ])('%s → %s (dedupe %s)', (input, address, dedupe) => {
    expect(normaliseEmail(input)).toMatchObject({ address, dedupe });
  });

  it.each([
    'jane',
    'jane@',
    '@example.com',
    'jane@example',
    'ja ne@example.com',
    'jane@@example.com',
    'jane@exa_mple.com',
    'jane..doe@example.com',
  ])('rejects %s', (input) => {
    expect(normaliseEmail(input)).toBeUndefined();
  });

  it('keeps the deliverable address and the dedupe form separately on the contact', () => {
    const n = normaliseOk(payload({}, { email: ' J.Doe+promo@Gmail.com ' }));
    expect(n.contact.email).toBe('j.doe+promo@gmail.com');
    expect(n.contact.emailDedupe).toBe('jdoe@gmail.com');
  });

  it('an invalid email is a field error at person.email', () => {
    expect(normaliseErrors(payload({}, { email: 'not-an-email' }))).toEqual([
      expect.objectContaining({ path: '/person/email', code: 'invalid_email' }),
    ]);
  });
});

describe('name cleanup', () => {
  it('trims, collapses whitespace, removes zero-width and control characters, NFC', () => {
    const n = normaliseOk(
      payload({ company: { name: '  Acme\t\tWidgets   Ltd ' } }, { firstName: ' \u00a0Mary\u200b  Ann ', lastName: 'Mu\u0308ller\n' }),
    );
    expect(n.contact.firstName).toBe('Mary Ann');
    expect(n.contact.lastName).toBe('Müller');
    expect(n.contact.lastName).toBe('Müller'.normalize('NFC'));
    expect(n.contact.fullName).toBe('Mary Ann Müller');
    expect(n.contact.company).toBe('Acme Widgets Ltd');
    expect(n.company?.name).toBe('Acme Widgets Ltd');
  });

  it('keeps case as given', () => {
    expect(cleanText('DE LA CRUZ')).toBe('DE LA CRUZ');
    expect(cleanText('McDonald')).toBe('McDonald');
  });

  it('a name that is blank after cleanup counts as not given (names are optional)', () => {
    const c = normaliseOk(payload({}, { firstName: '\u200b' })).contact;
    expect(c.firstName).toBeUndefined();
    expect(c.fullName).toBe('Doe');
  });
});

describe('routing form and pass-through', () => {
  const full = payload(
    {
      externalId: 'crm-42',
      company: { name: 'Acme Ltd', website: 'https://www.Acme.co.uk/about', employees: 120 },
      timeZone: 'Europe/London',
      language: 'en-GB',
      dealValue: 250000,
      currency: 'gbp',
      customer: { kind: 'person', classification: { category: 'professional', basis: 'elective' } },
      consent: {
        marketing: true,
        channels: ['sms', 'email'],
        wording: 'Yes, contact me',
        capturedAt: '2025-03-03T11:00:00+01:00',
        lawfulBasis: 'consent',
      },
      behaviour: { pageViews: 7, formSubmissions: 1, lastActivityAt: '2025-03-01T12:00:00Z' },
      custom: { campaign: 'spring', budgetBand: 3, vip: true, tags: ['a', 'b'] },
    },
    { phone: '+44 20 7946 0958', dateOfBirth: '1980-05-17' },
    { country: 'United Kingdom', subdivision: 'England', postalCode: 'ec1a1bb', city: ' London ', line1: '1  High St' },
  );

  it('produces a LeadSchema-valid routing form', () => {
    const n = normaliseOk(full);
    expect(LeadSchema.safeParse({ id: 'lead-1', ...n.lead }).success).toBe(true);
    expect(n.lead).toMatchObject({
      receivedAt: new Date(AT).toISOString(),
      jurisdiction: 'GB-ENG',
      product: 'mortgage',
      source: 'web_form',
      language: 'en',
      currency: 'GBP',
      dealValue: 250000,
      postalCode: 'EC1A 1BB',
      timeZone: 'Europe/London',
      customer: { kind: 'person', classification: { category: 'professional', basis: 'elective', criteria: {} }, statuses: [] },
      screening: { status: 'not_screened' },
      custom: { campaign: 'spring', budgetBand: 3, vip: true, tags: ['a', 'b'] },
    });
    expect(n.lead).not.toHaveProperty('id');
  });

  it('keeps contact data apart, passes the rest through and keeps the raw payload', () => {
    const n = normaliseOk(full);
    expect(n.contact).toEqual({
      firstName: 'Jane',
      lastName: 'Doe',
      fullName: 'Jane Doe',
      email: 'jane@example.com',
      emailDedupe: 'jane@example.com',
      phoneE164: '+442079460958',
      company: 'Acme Ltd',
      dateOfBirth: '1980-05-17',
    });
    expect(n.company).toEqual({ name: 'Acme Ltd', website: 'https://www.Acme.co.uk/about', domain: 'acme.co.uk', employees: 120 });
    expect(n.address).toEqual({ country: 'GB', subdivision: 'GB-ENG', postalCode: 'EC1A 1BB', city: 'London', line1: '1 High St' });
    expect(n.consent).toEqual({
      marketing: true,
      channels: ['email', 'sms'],
      wording: 'Yes, contact me',
      capturedAt: '2025-03-03T10:00:00.000Z',
      lawfulBasis: 'consent',
    });
    expect(n.behaviour).toEqual({ pageViews: 7, formSubmissions: 1, lastActivityAt: '2025-03-01T12:00:00.000Z' });
    expect(n.externalId).toBe('crm-42');
    expect(n.raw).toBe(full);
    expect(n.lead.jurisdiction).not.toContain('Jane');
  });

  it('blank optional strings count as absent', () => {
    const n = normaliseOk(payload({ timeZone: '', language: ' ' }, { phone: '' }, { postalCode: '' }));
    expect(n.contact.phoneE164).toBeUndefined();
    expect(n.lead.language).toBeUndefined();
    expect(n.lead.postalCode).toBeUndefined();
    expect(n.timeZoneSource).toBe('country');
  });
});

describe('text hygiene (W9)', () => {
  it('strips bidi embeddings, overrides, isolates and marks, and other invisible format characters', () => {
    expect(cleanText('\u202Eevil\u202C')).toBe('evil');
    expect(cleanText('A\u202Ab\u202Bc\u202Dd\u2066e\u2067f\u2068g\u2069h\u200Ei\u200Fj\u061Ck')).toBe('Abcdefghijk');
    expect(cleanText('An\u2062n\u{E0041}e')).toBe('Anne');
    // A paired surrogate (an emoji, a CJK extension character) is kept.
    expect(cleanText('𠀀 Lee 😀')).toBe('𠀀 Lee 😀');
  });

  it('finds every lone surrogate in a payload, in values and keys', () => {
    expect(
      illFormedTextPaths({ person: { firstName: '\ud800x', lastName: 'ok 😀' }, tags: ['a', 'b\udc00'], custom: { ['k\ud801']: 1 } }),
    ).toEqual(
      expect.arrayContaining([
        ['person', 'firstName'],
        ['tags', 1],
        ['custom', 'k\ud801'],
      ]),
    );
    expect(illFormedTextPaths({ person: { firstName: '😀' } })).toEqual([]);
  });
});
