import { describe, expect, it } from 'vitest';
import { screenIntake } from '../../src/app/intake/screen-intake.ts';
import { companyNameKey } from '../../src/app/intake/company-name.ts';
import { dedupeKeys } from '../../src/domain/intake/dedupe-keys.ts';
import { toIntakeLead } from '../../src/domain/intake/normalise-lead.ts';
import { normaliseIntakeFor } from '../../src/domain/org/intake-product.ts';
import { ScreeningPolicySchema } from '../../src/domain/org/screening-policy.schema.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { conventionalLeadMapping } from '../../src/domain/sources/import-mapping.schema.ts';
import { mapSourceFields } from '../../src/domain/sources/map-source-fields.ts';
import { baseConfig, compile } from '../support/org-builder.ts';
import { saasConfig } from '../support/saas-org.ts';
import { AT, normaliseErrors, normaliseOk } from './intake-fixtures.ts';

/** docs/intake.md "Who the lead is": leads as people really send them. */
const base = { source: 'chat', product: 'mortgage', address: { country: 'GB' } };

describe('optional names, organisation leads', () => {
  it('an email-only person is a lead: no names, email dedupe key only', () => {
    const n = normaliseOk({ ...base, person: { email: 'Jo@Example.com' } });
    expect(n.contact).toEqual({ email: 'jo@example.com', emailDedupe: 'jo@example.com' });
    expect(dedupeKeys(n.contact).map((k) => k.key)).toEqual(['email:jo@example.com']);
  });

  it('a phone-only person is a lead; a company beside an unnamed person gives no name key', () => {
    const n = normaliseOk({ ...base, person: { phone: '020 7946 0958' }, company: { name: 'Acme Ltd' } });
    expect(n.contact.phoneE164).toBe('+442079460958');
    expect(n.contact.fullName).toBeUndefined();
    expect(dedupeKeys(n.contact).map((k) => k.kind)).toEqual(['phone']);
  });

  it('one name is enough for the full name', () => {
    expect(normaliseOk({ ...base, person: { lastName: ' Okafor ', email: 'a@b.co' } }).contact.fullName).toBe('Okafor');
  });

  it('a person still needs a contact point: theirs or their company’s', () => {
    expect(normaliseErrors({ ...base, person: { firstName: 'Jo', lastName: 'Lee' } })).toEqual([
      { path: '/person', code: 'email_or_phone_required', message: 'person.email or person.phone is required' },
    ]);
    const n = normaliseOk({ ...base, person: { firstName: 'Jo' }, company: { name: 'Acme', phone: '+44 20 7946 0958' } });
    expect(n.contact.phoneE164).toBe('+442079460958');
    expect(n.contact.organisationOnly).toBeUndefined();
  });

  it('an organisation lead: company and its own contact point, no person', () => {
    const n = normaliseOk({ ...base, company: { name: 'Acme Ltd', email: 'Sales@Acme.co.uk', website: 'acme.co.uk' } });
    expect(n.contact).toEqual({ organisationOnly: true, email: 'sales@acme.co.uk', emailDedupe: 'sales@acme.co.uk', company: 'Acme Ltd' });
    expect(dedupeKeys(n.contact, { normaliseCompany: companyNameKey }).map((k) => k.key)).toEqual([
      'email:sales@acme.co.uk',
      'organisation:acme',
    ]);
    // Re-intake of the normalised form reproduces it (the organisation stays without a person).
    const again = normaliseOk(toIntakeLead(n));
    expect({ ...again, raw: null }).toEqual({ ...n, raw: null });
  });

  it('an organisation lead reachable only by its website is valid; one with no contact point is not', () => {
    expect(normaliseOk({ ...base, company: { name: 'Acme', website: 'https://acme.example' } }).company?.domain).toBe('acme.example');
    expect(normaliseErrors({ ...base, company: { name: 'Acme' } })).toEqual([
      {
        path: '/company',
        code: 'contact_point_required',
        message: 'an organisation lead needs company.email, company.phone or company.website',
      },
    ]);
    expect(normaliseErrors({ ...base })).toEqual([
      { path: '/person', code: 'person_or_company_required', message: 'person or company is required' },
    ]);
  });

  it("a company's contact points are validated at their own paths", () => {
    expect(normaliseErrors({ ...base, company: { name: 'Acme', email: 'not-mail', phone: 'abc' } }).map((e) => e.path)).toEqual([
      '/company/email',
      '/company/phone',
    ]);
  });
});

describe('product: optional where the org says it is unregulated', () => {
  const saas = compile(saasConfig());
  const lead = (extra: Record<string, unknown> = {}) => ({ source: 'chat', person: { email: 'jo@example.com' }, ...extra });

  it('an unregulated org fills in its default product', () => {
    const n = normaliseIntakeFor(saas, lead({ address: { country: 'US', state: 'TX' } }), { at: AT });
    expect(n.ok && n.value.lead.product).toBe('platform');
  });

  it('a lead without a country takes the org defaultCountry; without one it is a field error', () => {
    const withDefault = compile({ ...saasConfig(), defaultCountry: 'US' });
    const n = normaliseIntakeFor(withDefault, lead(), { at: AT });
    expect(n.ok && n.value.lead.jurisdiction).toBe('US');
    const given = normaliseIntakeFor(withDefault, lead({ address: { country: 'GB' } }), { at: AT });
    expect(given.ok && given.value.lead.jurisdiction).toBe('GB');
    const none = normaliseIntakeFor(saas, lead(), { at: AT });
    // Without a jurisdiction the default product cannot be judged unregulated either: both are named.
    expect(none.ok ? null : none.error.map((e) => `${e.path} ${e.code}`).sort()).toEqual([
      '/address/country country_required',
      '/product product_required',
    ]);
  });

  it('a regulated line still needs its product, with a field-level error that says why', () => {
    const config: Record<string, unknown> = {
      ...saasConfig(),
      regulation: { default: 'unregulated', regulated: [{ jurisdictions: ['US-NY'] }] },
    };
    config['teams'] = (config['teams'] as { mandate: object }[]).map((t) => ({
      ...t,
      mandate: { customerTypes: ['retail', 'professional'], ...t.mandate },
    }));
    const n = normaliseIntakeFor(compile(config), lead({ address: { country: 'US', state: 'NY' } }), { at: AT });
    expect(n.ok ? null : n.error).toEqual([
      { path: '/product', code: 'product_required', message: 'required for regulated saas in US-NY' },
    ]);
  });

  it('an org without a regulation section (a bank) requires product as before; an unknown product is a field error', () => {
    const bank = compile(baseConfig());
    const n = normaliseIntakeFor(bank, lead({ address: { country: 'GB' } }), { at: AT });
    expect(n.ok ? null : n.error).toEqual([
      { path: '/product', code: 'product_required', message: 'required (the org declares no regulation: every line is regulated)' },
    ]);
    const unknown = normaliseIntakeFor(bank, lead({ product: 'yacht', address: { country: 'GB' } }), { at: AT });
    expect(unknown.ok ? null : unknown.error[0]?.code).toBe('unknown_product');
  });
});

describe('screening a lead without a person name (docs/screening.md)', () => {
  const svc = new ScreeningService({ now: () => new Date('2026-11-24T00:00:00Z') });
  svc.reload('ftm-jsonl:test/support/fixtures/sanctions-mini.ftm.jsonl');
  const policy = ScreeningPolicySchema.parse({ screenCompanies: false });
  const sanctioned = { name: 'Kestrelgrad Metallurgy Combine OAO' };

  it('is screened on its company name, even when the policy does not screen companies', () => {
    expect(policy.screenCompanies).toBe(false);
    const r = screenIntake(svc, { contact: {}, address: { country: 'GB' }, company: sanctioned }, policy);
    expect(r.status).toBe('potential_match');
    expect(r.hits.map((h) => h.entryId)).toEqual(['TEST-SANC-2']);
  });

  it('a named person beside that company is screened as before (company only when the policy says so)', () => {
    const r = screenIntake(svc, { contact: { fullName: 'Jo Lee' }, address: { country: 'GB' }, company: sanctioned }, policy);
    expect(r.status).toBe('clear');
  });

  it('with no name at all there is nothing to screen: not_screened (no_name), never clear', () => {
    const r = screenIntake(svc, { contact: {}, address: { country: 'GB' } }, policy);
    expect(r.status).toBe('not_screened');
    expect(r.coverage).toBe('no_name');
  });
});

describe('CSV rows and form posts without names (the same mapping and intake path)', () => {
  const saas = compile(saasConfig());
  const header = ['email', 'company', 'company_email', 'country'];
  const row = (values: string[]) => new Map(header.map((h, i) => [h, [values[i] ?? '']]));
  const mapped = (values: string[]) => mapSourceFields(conventionalLeadMapping(header), row(values), '2025-03-03T12:00:00Z');

  it('an email-only row is a person lead; a row with only company columns is an organisation lead', () => {
    const person = normaliseIntakeFor(saas, mapped(['jo@example.com', '', '', 'US']).payload, { at: AT });
    expect(person.ok && person.value.contact).toEqual({ email: 'jo@example.com', emailDedupe: 'jo@example.com' });
    const organisation = normaliseIntakeFor(saas, mapped(['', 'Acme Inc', 'sales@acme.example', 'US']).payload, { at: AT });
    expect(organisation.ok && organisation.value.contact).toMatchObject({ organisationOnly: true, email: 'sales@acme.example' });
  });

  it('a row with no contact point at all is rejected at /company', () => {
    const m = mapped(['', 'Acme Inc', '', 'US']);
    const n = normaliseIntakeFor(saas, m.payload, { at: AT });
    expect(n.ok ? null : n.error.map((e) => e.path)).toEqual(['/company']);
  });
});
