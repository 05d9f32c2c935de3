import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, type ConditionIssue } from '../../src/domain/conditions/compile-condition.ts';
import type { ConditionInput } from '../../src/domain/conditions/condition.schema.ts';
import { buildFieldRegistry } from '../../src/domain/conditions/field-registry.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import { assessCustomer } from '../../src/domain/eligibility/customer-profile.ts';
import { bandFits, deriveSegment, withSegment } from '../../src/domain/intake/company-segment.ts';
import { normaliseIntake } from '../../src/domain/intake/normalise-lead.ts';
import { SourceMappingSchema } from '../../src/domain/org/sources.schema.ts';
import { mapSourceFields } from '../../src/domain/sources/map-source-fields.ts';
import type { LeadCompany, LeadInput } from '../../src/domain/lead/lead.schema.ts';
import { SegmentsSchema, type SegmentBand } from '../../src/domain/org/company-policy.schema.ts';
import { OrgConfigSchema, SuitabilityPolicySchema } from '../../src/domain/org/org-config.schema.ts';
import { EMPTY_STATE, viewOf } from '../../src/domain/strategies/routing-state.ts';
import { AT, baseConfig, compile, lead } from '../support/org-builder.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };

const bandArb: fc.Arbitrary<SegmentBand> = fc.record(
  {
    id: fc.constantFrom('SMB', 'MM', 'ENT', 'X', 'Y'),
    employees: fc.record({ max: fc.nat(5000) }),
    revenue: fc.record({ max: fc.nat(1e9) }),
  },
  { requiredKeys: ['id'] },
);
const companyArb: fc.Arbitrary<LeadCompany> = fc.record(
  { employees: fc.nat(10_000), annualRevenue: fc.nat(2e9), segment: fc.constant('stale') },
  { requiredKeys: [] },
);

describe('segment derivation (docs/intake.md "Segments")', () => {
  it('is total and first-match: the segment is the first band that fits, or none when no band fits', () => {
    fc.assert(
      fc.property(fc.array(bandArb, { maxLength: 6 }), companyArb, (bands, company) => {
        const segment = deriveSegment(bands, company);
        const first = bands.findIndex((b) => bandFits(b, company));
        expect(segment).toBe(first < 0 ? undefined : bands[first]!.id);
      }),
      RUNS,
    );
  });
  it('a band fits when every known dimension it names is within max, and at least one is known', () => {
    fc.assert(
      fc.property(bandArb, companyArb, (band, company) => {
        const dims = [
          [band.employees?.max, company.employees],
          [band.revenue?.max, company.annualRevenue],
        ].filter(([max]) => max !== undefined);
        const known = dims.filter(([, v]) => v !== undefined);
        const expected = dims.length === 0 || (known.length > 0 && known.every(([max, v]) => v! <= max!));
        expect(bandFits(band, company)).toBe(expected);
      }),
      RUNS,
    );
  });
  it('a stale segment is replaced; no bands configured leaves the company as it is', () => {
    const bands = SegmentsSchema.parse([{ id: 'SMB', employees: { max: 50 } }, { id: 'ENT' }]);
    expect(withSegment(bands, { employees: 40, segment: 'ENT' })).toEqual({ employees: 40, segment: 'SMB' });
    expect(withSegment(bands, {})).toEqual({ segment: 'ENT' });
    expect(withSegment(bands, undefined)).toBeUndefined();
    expect(withSegment([{ id: 'SMB', employees: { max: 50 } }], { employees: 400, segment: 'SMB' })).toEqual({ employees: 400 });
    expect(withSegment(undefined, { employees: 40 })).toEqual({ employees: 40 });
  });
  it('the config refuses a segment declared twice; an org without segments parses without the key', () => {
    const twice = SegmentsSchema.safeParse([{ id: 'SMB' }, { id: 'SMB' }]);
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]).toMatchObject({ path: [1, 'id'], message: 'segment "SMB" is declared twice' });
    expect('segments' in OrgConfigSchema.parse(baseConfig())).toBe(false);
  });
});

describe('company fields in conditions', () => {
  const fields = buildFieldRegistry([]);
  const product = compile().products.get('isa')!;
  const evaluate = (input: ConditionInput, l: Partial<LeadInput>) => {
    const issues: ConditionIssue[] = [];
    const c = compileCondition(input, fields, issues);
    expect(issues).toEqual([]);
    const ld = lead(l);
    return c.evaluate({ lead: ld, customer: assessCustomer(ld, SuitabilityPolicySchema.parse({}), AT), product, at: AT });
  };
  const company = {
    domain: 'acme.io',
    employees: 40,
    annualRevenue: 3_000_000,
    industry: { system: 'naics' as const, code: '541511' },
    country: 'DE',
    tags: ['hubspot', 'slack'],
    segment: 'SMB',
  };
  it.each<[string, ConditionInput, boolean]>([
    ['employees lte', { field: 'company.employees', op: 'lte', value: 50 }, true],
    ['revenue between', { field: 'company.annualRevenue', op: 'between', value: [1e6, 5e6] }, true],
    ['industry prefix', { field: 'company.industry', op: 'starts_with', value: ['5415'] }, true],
    ['industry system', { field: 'company.industrySystem', op: 'eq', value: 'naics' }, true],
    ['segment in', { field: 'company.segment', op: 'in', value: ['MM', 'ENT'] }, false],
    ['domain', { field: 'company.domain', op: 'eq', value: 'acme.io' }, true],
    ['country', { field: 'company.country', op: 'eq', value: 'DE' }, true],
    ['tags contains', { field: 'company.tags', op: 'contains', value: 'slack' }, true],
    ['tags any_of', { field: 'company.tags', op: 'any_of', value: ['salesforce', 'hubspot'] }, true],
    ['tags any_of none', { field: 'company.tags', op: 'any_of', value: ['salesforce'] }, false],
  ])('%s', (_name, input, expected) => {
    expect(evaluate(input, { company })).toBe(expected);
  });
  it('a lead without company data matches no company comparison, and `exists false` says so', () => {
    expect(evaluate({ field: 'company.employees', op: 'lte', value: 50 }, {})).toBe(false);
    expect(evaluate({ field: 'company.tags', op: 'any_of', value: ['x'] }, {})).toBe(false);
    expect(evaluate({ field: 'company.segment', op: 'exists', value: false }, {})).toBe(true);
  });
  it('any_of applies to lists only and needs a non-empty list of strings', () => {
    const issues: ConditionIssue[] = [];
    compileCondition({ field: 'company.segment', op: 'any_of', value: ['SMB'] }, fields, issues);
    compileCondition({ field: 'company.tags', op: 'any_of', value: [] }, fields, issues);
    expect(issues.map((i) => i.message)).toEqual([
      'operator "any_of" does not apply to string field "company.segment" ' +
        '(use one of: eq, ne, in, not_in, gt, gte, lt, lte, between, exists, contains, starts_with, matches)',
      'company.tags any_of: expected a non-empty list',
    ]);
  });
});

describe('company strategy steps', () => {
  /** UK rule over both UK teams; alice covers SMB and software (NAICS 5415), bob is the expert, carol senior. */
  function run(strategy: unknown[], company: LeadCompany) {
    const c = structuredClone(baseConfig()) as { rules: { then: { strategy?: unknown } }[]; reps: Record<string, unknown>[] };
    c.rules[0]!.then.strategy = strategy;
    const set = (id: string, attrs: object) =>
      Object.assign(
        c.reps.find((r) => r.id === id)!,
        attrs,
      );
    set('alice', { experience: 'junior', skills: ['SMB', '5415'] });
    set('bob', { experience: 'expert', skills: ['isa', 'salesforce'] });
    set('carol', { experience: 'senior', skills: ['EMEA'] });
    return decide({ org: compile(c), lead: lead({ company }), at: AT, state: viewOf(EMPTY_STATE), decisionId: 'd' }).decision;
  }
  it('skills-match on the segment, the industry code prefix, tags or region', () => {
    const bySegment = run([{ kind: 'skills-match', match: ['company.segment'] }], { segment: 'SMB' });
    expect(bySegment.rep?.id).toBe('alice');
    expect(bySegment.strategy?.chain[0]).toMatchObject({ result: 'picked', note: 'skilled in SMB: 1 of 3' });
    expect(run([{ kind: 'skills-match', match: ['company.industry'] }], { industry: { system: 'naics', code: '541511' } }).rep?.id).toBe(
      'alice',
    );
    expect(run([{ kind: 'skills-match', match: ['company.tags'] }], { tags: ['salesforce'] }).rep?.id).toBe('bob');
    expect(run([{ kind: 'skills-match', match: ['company.region'] }], { region: 'EMEA' }).rep?.id).toBe('carol');
    // Only the sources named: bob's product skill does not count when matching on the segment.
    const none = run([{ kind: 'skills-match', match: ['company.segment'] }, { kind: 'team-priority' }], {});
    expect(none.strategy?.chain[0]).toMatchObject({ result: 'passed', note: 'lead has no company.segment' });
    // The default is the product, as before.
    expect(run([{ kind: 'skills-match' }], { segment: 'SMB' }).rep?.id).toBe('bob');
  });
  it('company-size tiers send big companies to experienced reps', () => {
    const tiers = [
      {
        kind: 'company-size-tier',
        tiers: [
          { minEmployees: 1000, experience: ['expert'] },
          { minEmployees: 200, experience: ['senior'] },
        ],
      },
    ];
    expect(run(tiers, { employees: 5000 }).rep?.id).toBe('bob');
    expect(run(tiers, { employees: 300 }).rep?.id).toBe('carol');
    expect(run(tiers, { employees: 300 }).strategy?.chain[0]?.note).toBe('employees 300 ≥ 200 → senior: 1 of 3');
    expect(run(tiers, { employees: 12 }).strategy?.chain[0]?.note).toBe('employees 12 is below every tier');
    expect(run(tiers, {}).strategy?.chain[0]?.note).toBe('lead has no employees');
  });
});

describe('company normalisation', () => {
  const base = { source: 'web_form', product: 'isa', person: { firstName: 'A', lastName: 'B' }, address: { country: 'GB' } };
  const norm = (extra: Record<string, unknown>) => normaliseIntake({ ...base, ...extra }, { at: AT });
  it('domain from the explicit domain, else the website, else a business email; never a free-mail domain', () => {
    const of = (extra: Record<string, unknown>) => {
      const r = norm(extra);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value.lead.company?.domain;
    };
    expect(of({ person: { ...base.person, email: 'a@Sales.Acme.COM' } })).toBe('sales.acme.com');
    expect(of({ person: { ...base.person, email: 'a@gmail.com' } })).toBeUndefined();
    expect(of({ person: { ...base.person, email: 'a@acme.com' }, company: { website: 'https://WWW.Acme-Group.com/about' } })).toBe(
      'acme-group.com',
    );
    expect(of({ person: { ...base.person, email: 'a@acme.com' }, company: { website: 'acme.com', domain: 'www.acme.io' } })).toBe(
      'acme.io',
    );
  });
  it('numbers, industry code system, country, region and tags', () => {
    const r = norm({
      person: { ...base.person, phone: '+44 20 7946 0018' },
      company: {
        employees: 40,
        annualRevenue: 2_500_000.5,
        revenueCurrency: 'eur',
        naics: ' 541511 ',
        sic: '7372',
        industry: 'Software',
        country: 'Germany',
        region: '  EMEA ',
        tags: ['Salesforce', 'salesforce ', 'AWS'],
      },
    });
    expect(r.ok && r.value.lead.company).toEqual({
      employees: 40,
      annualRevenue: 2_500_000.5,
      revenueCurrency: 'EUR',
      industry: { system: 'naics', code: '541511' },
      country: 'DE',
      region: 'EMEA',
      tags: ['aws', 'salesforce'],
    });
    const text = norm({ person: { ...base.person, phone: '+44 20 7946 0018' }, company: { industry: '  Software   Publishing ' } });
    expect(text.ok && text.value.lead.company?.industry).toEqual({ system: 'text', code: 'software publishing' });
  });
  it('a company without a name is accepted; the name stays out of the routing form', () => {
    const r = norm({ person: { ...base.person, email: 'a@acme.com' }, company: { name: 'Acme Ltd', employees: 3 } });
    expect(r.ok && r.value.lead.company).toEqual({ domain: 'acme.com', employees: 3 });
    expect(r.ok && r.value.contact.company).toBe('Acme Ltd');
    const nameless = norm({ person: { ...base.person, email: 'a@acme.com' }, company: { employees: 3 } });
    expect(nameless.ok && nameless.value.contact.company).toBeUndefined();
  });
});

describe('company fields from forms, CRM webhooks and CSV rows', () => {
  it('numbers are read as numbers, tags as a list from repeated fields or "a; b, c"', () => {
    const mapping = SourceMappingSchema.parse({
      fields: { 'company.employees': 'size', 'company.annualRevenue': 'revenue', 'company.tags': 'tech', 'company.naics': 'naics' },
    });
    const fields = new Map([
      ['size', ['1,200']],
      ['revenue', ['2500000.50']],
      ['tech', ['Salesforce; HubSpot', 'aws']],
      ['naics', ['541511']],
    ]);
    const mapped = mapSourceFields(mapping, fields, '2026-11-24T14:00:00.000Z').payload;
    expect(mapped.company).toEqual({
      employees: 1200,
      annualRevenue: 2_500_000.5,
      tags: ['Salesforce', 'HubSpot', 'aws'],
      naics: '541511',
    });
    const r = normaliseIntake(
      { source: 'form', product: 'isa', person: { firstName: 'A', lastName: 'B', phone: '+44 20 7946 0018' }, company: mapped.company },
      { at: AT, defaultCountry: 'GB' },
    );
    expect(r.ok && r.value.lead.company?.tags).toEqual(['aws', 'hubspot', 'salesforce']);
  });
});
