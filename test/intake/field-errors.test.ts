import { describe, expect, it } from 'vitest';
import { INTAKE_LIMITS } from '../../src/domain/intake/intake-lead.schema.ts';
import { normaliseErrors, payload } from './intake-fixtures.ts';

const paths = (errors: { path: string }[]) => errors.map((e) => e.path).sort();

describe('field-level errors for malformed input', () => {
  it.each([null, 'lead', 42, [], true])('a payload that is not an object (%s) is one error at the root', (raw) => {
    expect(normaliseErrors(raw)).toEqual([expect.objectContaining({ path: '', code: 'invalid_type' })]);
  });

  it('wrong types are reported at their paths, all at once', () => {
    const errors = normaliseErrors(
      payload(
        { dealValue: '1000', company: { name: 'Acme', employees: -3 }, behaviour: { pageViews: 1.5 }, consent: { marketing: 'yes' } },
        { lastName: 7 },
      ),
    );
    expect(paths(errors)).toEqual(
      [
        '/behaviour/pageViews',
        '/company/employees',
        '/consent/capturedAt',
        '/consent/lawfulBasis',
        '/consent/marketing',
        '/consent/wording',
        '/dealValue',
        '/person/lastName',
      ].sort(),
    );
    expect(errors.find((e) => e.path === '/dealValue')?.code).toBe('invalid_type');
  });

  it('missing required fields', () => {
    // Names and product are optional in the shape; the contact point is not (product is checked per org, after the shape).
    const errors = normaliseErrors({ person: { firstName: 'Jane' } });
    expect(paths(errors)).toEqual(['/person', '/source']);
  });

  it('requires email or phone, also alongside other errors', () => {
    expect(normaliseErrors(payload({}, { email: undefined }))).toEqual([
      { path: '/person', code: 'email_or_phone_required', message: 'person.email or person.phone is required' },
    ]);
    expect(normaliseErrors(payload({}, { email: '  ', phone: '' }))).toEqual([
      expect.objectContaining({ path: '/person', code: 'email_or_phone_required' }),
    ]);
    const errors = normaliseErrors(payload({ source: 5 }, { email: undefined }));
    expect(paths(errors)).toEqual(['/person', '/source']);
  });

  it('oversize strings are rejected at their paths', () => {
    const long = (n: number) => 'x'.repeat(n + 1);
    const errors = normaliseErrors(
      payload(
        { source: long(INTAKE_LIMITS.shortText), custom: { note: long(INTAKE_LIMITS.customString) } },
        { firstName: long(INTAKE_LIMITS.name), email: `${long(INTAKE_LIMITS.email)}@example.com` },
        { line1: long(INTAKE_LIMITS.addressLine) },
      ),
    );
    expect(paths(errors)).toEqual(['/address/line1', '/custom/note', '/person/email', '/person/firstName', '/source']);
    expect(errors.every((e) => e.code === 'too_big')).toBe(true);
  });

  it('too many custom fields', () => {
    const custom = Object.fromEntries(Array.from({ length: INTAKE_LIMITS.customKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(paths(normaliseErrors(payload({ custom })))).toEqual(['/custom']);
  });

  it('unknown fields are errors at their own path (a typo must not drop data)', () => {
    const errors = normaliseErrors(payload({ emial: 'x' }, { middleName: 'Q' }));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/emial', code: 'unrecognized_keys' }),
        expect.objectContaining({ path: '/person/middleName', code: 'unrecognized_keys' }),
      ]),
    );
  });

  it('bad formats found while normalising are listed together', () => {
    const errors = normaliseErrors(
      payload(
        { language: 'english!', currency: 'pounds', timeZone: 'Nowhere/Land', company: { name: 'Acme', website: 'not a url' } },
        { email: 'x@', phone: '123' },
        { country: 'Narnia' },
      ),
    );
    expect(errors.map((e) => `${e.path}:${e.code}`).sort()).toEqual(
      [
        '/address/country:unknown_country',
        '/company/website:invalid_website',
        '/currency:invalid_currency',
        '/language:invalid_language',
        '/person/email:invalid_email',
        '/person/phone:invalid_phone',
        '/timeZone:invalid_time_zone',
      ].sort(),
    );
  });

  it('dates: format, future, range', () => {
    expect(normaliseErrors(payload({}, { dateOfBirth: '17/05/1980' }))).toEqual([
      expect.objectContaining({ path: '/person/dateOfBirth', code: 'invalid_format' }),
    ]);
    expect(normaliseErrors(payload({}, { dateOfBirth: '2030-01-01' }))).toEqual([
      expect.objectContaining({ path: '/person/dateOfBirth', code: 'date_in_future' }),
    ]);
    expect(normaliseErrors(payload({}, { dateOfBirth: '1850-01-01' }))).toEqual([
      expect.objectContaining({ path: '/person/dateOfBirth', code: 'date_out_of_range' }),
    ]);
    const consent = { marketing: true, wording: 'ok', capturedAt: '2025-03-04T00:00:00Z', lawfulBasis: 'consent' };
    expect(normaliseErrors(payload({ consent }))).toEqual([
      expect.objectContaining({ path: '/consent/capturedAt', code: 'date_in_future' }),
    ]);
    expect(normaliseErrors(payload({ behaviour: { lastActivityAt: 'yesterday' } }))).toEqual([
      expect.objectContaining({ path: '/behaviour/lastActivityAt' }),
    ]);
  });

  it('enum values are checked', () => {
    const errors = normaliseErrors(
      payload({
        consent: {
          marketing: true,
          wording: 'ok',
          capturedAt: '2025-03-01T00:00:00Z',
          lawfulBasis: 'because',
          channels: ['email', 'pigeon'],
        },
      }),
    );
    expect(paths(errors)).toEqual(['/consent/channels/1', '/consent/lawfulBasis']);
  });
});
