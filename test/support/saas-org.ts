/**
 * A small unregulated B2B software org (no licences at all) for the regulation tests: SDRs in the US and the EU,
 * one AE team that declares customer types, a fallback owner, and a default product so leads may omit it.
 * Tests override the parts they are about.
 */
export function saasConfig(): Record<string, unknown> {
  return {
    version: 'saas-test-1',
    firm: { id: 'cloudco', name: 'CloudCo', entities: [{ id: 'cloudco-inc', name: 'CloudCo Inc', homeJurisdiction: 'US' }] },
    products: [
      { id: 'platform', name: 'Platform subscription', productLines: ['saas'], targetCustomerTypes: ['retail', 'professional'] },
      { id: 'services', name: 'Onboarding services', productLines: ['services'], targetCustomerTypes: ['professional'] },
    ],
    teams: [
      { id: 'sdr-us', name: 'SDR US', entity: 'cloudco-inc', mandate: { jurisdictions: ['US', 'CA'], productLines: ['saas', 'services'] } },
      { id: 'sdr-eu', name: 'SDR EU', entity: 'cloudco-inc', mandate: { jurisdictions: ['GB', 'DE', 'FR'], productLines: ['saas'] } },
      {
        id: 'ae-pro',
        name: 'AE professional',
        entity: 'cloudco-inc',
        mandate: { jurisdictions: ['US'], productLines: ['services'], customerTypes: ['professional'] },
      },
      // Sales ops: never a rule's candidate, only the fallback owner.
      { id: 'ops', name: 'Sales ops', entity: 'cloudco-inc', mandate: { jurisdictions: ['US'], productLines: ['saas'] } },
    ],
    reps: [
      { id: 'sam', name: 'Sam', team: 'sdr-us', timeZone: 'America/New_York' },
      { id: 'ria', name: 'Ria', team: 'sdr-us', timeZone: 'America/Chicago' },
      { id: 'eva', name: 'Eva', team: 'sdr-eu', timeZone: 'Europe/Berlin', workingHours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'] } },
      { id: 'ada', name: 'Ada', team: 'ae-pro', timeZone: 'America/New_York' },
      { id: 'ops-olga', name: 'Olga (sales ops)', team: 'ops', timeZone: 'America/New_York', capacity: { maxOpenLeads: 1 } },
    ],
    regulation: { default: 'unregulated' },
    fallback: { kind: 'owner', rep: 'ops-olga' },
    defaultProduct: 'platform',
    rules: [
      { id: 'pro-services', when: { field: 'product', op: 'eq', value: 'services' }, then: { kind: 'route', teams: ['ae-pro'] } },
      { id: 'us', when: { field: 'jurisdiction', op: 'within', value: ['US', 'CA'] }, then: { kind: 'route', teams: ['sdr-us'] } },
      { id: 'eu', when: { field: 'jurisdiction', op: 'within', value: ['GB', 'DE', 'FR'] }, then: { kind: 'route', teams: ['sdr-eu'] } },
      {
        id: 'apac',
        when: { field: 'jurisdiction', op: 'within', value: ['JP', 'AU'] },
        then: { kind: 'route', teams: ['sdr-eu'], fallback: { kind: 'ops-queue' } },
      },
    ],
  };
}
