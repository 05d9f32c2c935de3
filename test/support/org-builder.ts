import { compileConfigObject } from '../../src/config/load-config.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { LeadSchema, type LeadInput, type Lead } from '../../src/domain/lead/lead.schema.ts';

/** A small, valid org to start from; tests override the parts they are about. */
export function baseConfig(): Record<string, unknown> {
  return {
    version: 'test-1',
    firm: {
      id: 'acme',
      name: 'Acme Bank',
      entities: [
        { id: 'uk-ltd', name: 'Acme UK Ltd', homeJurisdiction: 'GB' },
        { id: 'us-inc', name: 'Acme US Inc', homeJurisdiction: 'US' },
      ],
    },
    products: [
      { id: 'isa', name: 'Stocks ISA', productLines: ['investments'], targetCustomerTypes: ['retail', 'professional'] },
      {
        id: 'cfd',
        name: 'CFDs',
        productLines: ['investments'],
        complexity: 'complex',
        massMarket: false,
        targetCustomerTypes: ['retail', 'professional'],
      },
      {
        id: 'nmmi',
        name: 'Mini-bond',
        productLines: ['investments'],
        massMarket: false,
        targetCustomerTypes: ['retail', 'professional'],
        retailRequiresStatus: ['hnw', 'sophisticated'],
      },
      { id: 'pro-fund', name: 'Pro fund', productLines: ['investments'], targetCustomerTypes: ['professional', 'eligible_counterparty'] },
      { id: 'va', name: 'Variable annuity', productLines: ['variable_annuity', 'securities'], targetCustomerTypes: ['retail'] },
      {
        id: 'term-life',
        name: 'Term life',
        productLines: ['life'],
        targetCustomerTypes: ['retail'],
        requiresAppointment: true,
        carrier: 'carrier-a',
      },
    ],
    carriers: [{ id: 'carrier-a', name: 'Carrier A Life' }],
    teams: [
      {
        id: 'uk-1',
        name: 'UK One',
        entity: 'uk-ltd',
        mandate: { jurisdictions: ['GB'], productLines: ['investments'], customerTypes: ['retail', 'professional'] },
      },
      {
        id: 'uk-2',
        name: 'UK Two',
        entity: 'uk-ltd',
        mandate: { jurisdictions: ['GB'], productLines: ['investments'], customerTypes: ['retail', 'professional'] },
      },
      {
        id: 'us-tx',
        name: 'Texas',
        entity: 'us-inc',
        mandate: { jurisdictions: ['US-TX'], productLines: ['variable_annuity', 'securities', 'life'], customerTypes: ['retail'] },
      },
    ],
    reps: [
      { id: 'alice', name: 'Alice', team: 'uk-1', timeZone: 'Europe/London' },
      { id: 'bob', name: 'Bob', team: 'uk-1', timeZone: 'Europe/London' },
      { id: 'carol', name: 'Carol', team: 'uk-2', timeZone: 'Europe/London' },
      { id: 'tex', name: 'Tex', team: 'us-tx', timeZone: 'America/Chicago' },
      { id: 'val', name: 'Val', team: 'us-tx', timeZone: 'America/Chicago' },
    ],
    licences: [
      {
        id: 'fca-uk',
        holder: { kind: 'firm', entity: 'uk-ltd' },
        regulator: 'FCA',
        jurisdiction: 'GB',
        activity: 'advising',
        productLines: ['investments'],
        customerTypes: ['retail', 'professional', 'eligible_counterparty'],
        validFrom: '2020-01-01',
      },
      {
        id: 'tdi-tx',
        holder: { kind: 'firm', entity: 'us-inc' },
        regulator: 'TX-TDI',
        jurisdiction: 'US-TX',
        activity: 'agency',
        productLines: ['variable_annuity', 'life'],
        customerTypes: ['retail'],
        validFrom: '2020-01-01',
      },
      {
        id: 'finra-us',
        holder: { kind: 'firm', entity: 'us-inc' },
        regulator: 'FINRA',
        jurisdiction: 'US',
        activity: 'broker_dealer',
        productLines: ['securities'],
        customerTypes: ['retail'],
        validFrom: '2020-01-01',
      },
      {
        id: 'cert-alice',
        holder: { kind: 'individual', rep: 'alice' },
        regulator: 'FCA',
        jurisdiction: 'GB',
        activity: 'certification',
        productLines: ['investments'],
        customerTypes: ['retail', 'professional'],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
      {
        id: 'cert-bob',
        holder: { kind: 'individual', rep: 'bob' },
        regulator: 'FCA',
        jurisdiction: 'GB',
        activity: 'certification',
        productLines: ['investments'],
        customerTypes: ['retail', 'professional'],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
      {
        id: 'cert-carol',
        holder: { kind: 'individual', rep: 'carol' },
        regulator: 'FCA',
        jurisdiction: 'GB',
        activity: 'certification',
        productLines: ['investments'],
        customerTypes: ['retail', 'professional'],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
      {
        id: 'tex-life',
        holder: { kind: 'individual', rep: 'tex' },
        regulator: 'TX-TDI',
        jurisdiction: 'US-TX',
        activity: 'insurance_producer',
        productLines: ['life', 'variable_annuity'],
        customerTypes: ['retail'],
        validFrom: '2020-01-01',
      },
      {
        id: 'val-life',
        holder: { kind: 'individual', rep: 'val' },
        regulator: 'TX-TDI',
        jurisdiction: 'US-TX',
        activity: 'insurance_producer',
        productLines: ['life', 'variable_annuity'],
        customerTypes: ['retail'],
        validFrom: '2020-01-01',
      },
      {
        id: 'val-s6',
        holder: { kind: 'individual', rep: 'val' },
        regulator: 'FINRA',
        jurisdiction: 'US',
        activity: 'series_6',
        productLines: ['securities'],
        customerTypes: ['retail'],
        validFrom: '2020-01-01',
      },
    ],
    appointments: [
      { id: 'ap-tex', rep: 'tex', carrier: 'carrier-a', jurisdiction: 'US-TX', productLines: ['life'], validFrom: '2020-01-01' },
    ],
    rules: [
      { id: 'uk', when: { field: 'jurisdiction', op: 'within', value: ['GB'] }, then: { kind: 'route', teams: ['uk-1', 'uk-2'] } },
      { id: 'us', when: { field: 'jurisdiction', op: 'within', value: ['US'] }, then: { kind: 'route', teams: ['us-tx'] } },
    ],
  };
}

export function compile(config: Record<string, unknown> = baseConfig()): CompiledOrg {
  const result = compileConfigObject(config);
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.error, null, 2)}`);
  return result.value.org;
}

export const lead = (overrides: Partial<LeadInput> = {}): Lead =>
  LeadSchema.parse({ id: 'L-1', jurisdiction: 'GB', product: 'isa', ...overrides });

/** Tuesday 24 Nov 2026, 14:00 UTC — mid-afternoon in London, morning in Texas. */
export const AT = Date.parse('2026-11-24T14:00:00Z');
