import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getExampleNumber } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import { normaliseIntake, toIntakeLead } from '../../src/domain/intake/normalise-lead.ts';
import type { NormalisedIntake } from '../../src/domain/intake/normalise-lead.ts';
import { toE164 } from '../../src/domain/intake/phone-number.ts';
import { COUNTRIES } from '../../src/domain/intake/iso-3166.ts';
import { subdivisionsOf } from '../../src/domain/intake/iso-3166-2.ts';
import { AT } from './intake-fixtures.ts';

const withoutRaw = ({ raw: _raw, ...rest }: NormalisedIntake) => rest;

const PHONE_REGIONS = ['GB', 'US', 'AE', 'DE', 'FR', 'AU', 'CA', 'IE', 'SG', 'IN'] as const;
const e164Examples = PHONE_REGIONS.map((c) => getExampleNumber(c as CountryCode, examples)!.number as string);

const messy = (s: string) =>
  fc
    .tuple(fc.constantFrom('', ' ', '  ', '\t', '\u00a0'), fc.constantFrom('', ' ', '\n'))
    .map(([a, b]) => `${a}${s.replace(/ /g, ' ')}${b}`);

const nameArb = fc
  .array(fc.constantFrom('Jane', 'José', 'Mu\u0308ller', "O'Neil", 'van der Berg', 'Zoë', 'Łukasz', '李', 'Anne-Marie', 'DE LA CRUZ'), {
    minLength: 1,
    maxLength: 3,
  })
  .map((parts) => parts.join(' '))
  .chain(messy);

const countryArb = fc.constantFrom(...COUNTRIES).chain((c) => fc.constantFrom(c.alpha2, c.alpha3.toLowerCase(), c.name, ...c.aliases));
const subdivisionArb = fc
  .constantFrom('US', 'CA', 'GB', 'AE', 'AU', 'DE')
  .chain((cc) =>
    fc
      .constantFrom(...subdivisionsOf(cc))
      .chain((s) => fc.record({ country: fc.constant(cc), subdivision: fc.constantFrom(s.code, s.code.slice(3), s.name, ...s.aliases) })),
  );

const intakeArb = fc.record(
  {
    source: fc.constantFrom('web_form', ' Google Ads ', 'csv'),
    product: fc.constantFrom('mortgage', 'savings'),
    person: fc.record(
      {
        firstName: nameArb,
        lastName: nameArb,
        email: fc.constantFrom('Jane.Doe@Example.com', ' j.doe+x@gmail.com', 'ZOE@acme.co.uk '),
        phone: fc.constantFrom(...e164Examples),
        dateOfBirth: fc.constantFrom('1970-01-01', '1999-12-31'),
      },
      { requiredKeys: ['firstName', 'lastName', 'email'] },
    ),
    company: fc.record(
      { name: nameArb.map((n) => `${n} Ltd`), website: fc.constantFrom('acme.com', 'https://www.Acme.co.uk/x'), employees: fc.nat(10_000) },
      { requiredKeys: ['name'] },
    ),
    address: fc.oneof(
      countryArb.map((country) => ({ country })),
      subdivisionArb,
      fc.constant({ country: 'GB', postalCode: 'sw1a1aa', city: ' London ', line1: '1  Main St' }),
    ),
    timeZone: fc.constantFrom('europe/london', 'Asia/Dubai', 'America/New_York'),
    language: fc.constantFrom('EN', 'en-GB', 'de_AT'),
    dealValue: fc.nat(1_000_000),
    currency: fc.constantFrom('gbp', 'USD'),
    consent: fc.record({
      marketing: fc.boolean(),
      channels: fc.subarray(['email', 'phone', 'sms', 'post'] as const),
      wording: messy('I agree  to be contacted'),
      capturedAt: fc.constantFrom('2025-03-01T10:00:00+02:00', '2024-12-31T23:59:59Z'),
      lawfulBasis: fc.constantFrom('consent', 'legitimate_interests'),
    }),
    behaviour: fc.record(
      { pageViews: fc.nat(100), emailClicks: fc.nat(10), lastActivityAt: fc.constant('2025-03-02T08:00:00+01:00') },
      { requiredKeys: [] },
    ),
    custom: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()), {
      maxKeys: 5,
    }),
  },
  { requiredKeys: ['source', 'product', 'person', 'address'] },
);

describe('normalisation properties', () => {
  it('is idempotent: normalising the intake form of a normalised lead gives the same result', () => {
    fc.assert(
      fc.property(intakeArb, (raw) => {
        const first = normaliseIntake(raw, { at: AT });
        if (!first.ok) throw new Error(`generated payload rejected: ${JSON.stringify(first.error)}`);
        const again = normaliseIntake(toIntakeLead(first.value), { at: AT });
        if (!again.ok) throw new Error(`re-intake rejected: ${JSON.stringify(again.error)}`);
        expect(withoutRaw(again.value)).toEqual(withoutRaw(first.value));
      }),
      { numRuns: 300 },
    );
  });

  it('valid E.164 in → the same E.164 out, whatever the default region', () => {
    fc.assert(
      fc.property(fc.constantFrom(...e164Examples), fc.constantFrom(undefined, ...PHONE_REGIONS), (e164, region) => {
        expect(toE164(e164, region)).toMatchObject({ kind: 'valid', e164 });
      }),
    );
  });

  it('never throws on arbitrary JSON: either a value or field errors with paths', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const r = normaliseIntake(raw, { at: AT });
        if (!r.ok) for (const e of r.error) expect(typeof e.path).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
