/**
 * A large synthetic org for the engine benchmark: ≥ 100 teams, ≥ 5,000 reps, ≥ 300 rules,
 * ≥ 40 jurisdictions. Seeded, so every run benchmarks the same org and leads.
 */
// The same mulberry32 the outcome-aware step seeds its draws with (one generator in the code base).
import { seededUniform as prng } from '../src/domain/shared/seeded-random.ts';

const US = [
  'AL',
  'AZ',
  'CA',
  'CO',
  'CT',
  'FL',
  'GA',
  'IL',
  'IN',
  'MA',
  'MD',
  'MI',
  'MN',
  'MO',
  'NC',
  'NJ',
  'NY',
  'OH',
  'OK',
  'OR',
  'PA',
  'TN',
  'TX',
  'VA',
  'WA',
].map((s) => `US-${s}`);
const EUROPE = ['GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'LU', 'BE', 'AT', 'SE'];
const ASIA_GULF = ['AE', 'SG', 'HK', 'CH'];
export const JURISDICTIONS = [...US, ...EUROPE, ...ASIA_GULF];
const REGIONS = [
  { entity: 'us-inc', home: 'US', jurisdictions: US, zone: 'America/New_York' },
  { entity: 'uk-ltd', home: 'GB', jurisdictions: ['GB'], zone: 'Europe/London' },
  { entity: 'ie-dac', home: 'IE', jurisdictions: EUROPE.filter((j) => j !== 'GB'), zone: 'Europe/Dublin' },
  { entity: 'intl-ag', home: 'CH', jurisdictions: ASIA_GULF, zone: 'Asia/Dubai' },
];
const LINES = ['life', 'annuity', 'variable_annuity', 'securities', 'investments', 'pensions', 'mortgages', 'deposits'];
const CTYPES = ['retail', 'professional', 'eligible_counterparty'] as const;

export function syntheticOrg(seed = 42) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => rnd() - 0.5).slice(0, n);

  const products = Array.from({ length: 24 }, (_, i) => {
    const lines = i % 5 === 0 ? some(LINES, 2) : [pick(LINES)];
    return {
      id: `prod-${i}`,
      name: `Product ${i}`,
      productLines: lines,
      complexity: i % 4 === 0 ? 'complex' : 'non_complex',
      massMarket: i % 6 !== 0,
      targetCustomerTypes: i % 7 === 0 ? ['professional', 'eligible_counterparty'] : [...CTYPES],
    };
  });

  const licences: Record<string, unknown>[] = [];
  for (const r of REGIONS) {
    for (const j of r.jurisdictions) {
      licences.push({
        id: `firm-${r.entity}-${j}`,
        holder: { kind: 'firm', entity: r.entity },
        regulator: 'REG',
        jurisdiction: j,
        activity: 'all',
        productLines: LINES,
        customerTypes: [...CTYPES],
        validFrom: '2020-01-01',
        sourceRef: 'synthetic',
      });
    }
  }

  const teams: Record<string, unknown>[] = [];
  const reps: Record<string, unknown>[] = [];
  for (let t = 0; t < 110; t++) {
    const region = REGIONS[t % REGIONS.length]!;
    const jurisdictions = some(region.jurisdictions, Math.min(region.jurisdictions.length, 1 + Math.floor(rnd() * 4)));
    const lines = some(LINES, 3 + Math.floor(rnd() * 4));
    const id = `team-${t}`;
    teams.push({
      id,
      name: `Team ${t}`,
      entity: region.entity,
      mandate: { jurisdictions, productLines: lines, customerTypes: [...CTYPES] },
      capabilities: t % 3 === 0 ? ['appropriateness_assessment'] : [],
    });
    for (let k = 0; k < 46; k++) {
      const repId = `rep-${t}-${k}`;
      const hours = rnd() < 0.7 ? ['07:00-21:00'] : undefined;
      reps.push({
        id: repId,
        name: `Rep ${t}.${k}`,
        team: id,
        timeZone: region.zone,
        ...(hours ? { workingHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours } } : {}),
        status: rnd() < 0.03 ? 'paused' : 'active',
        outOfOffice: rnd() < 0.03 ? [{ from: '2026-11-20', to: '2026-11-30' }] : [],
        capacity: { maxOpenLeads: 500 },
        languages: [pick(['en', 'de', 'fr', 'es', 'ar'])],
        experience: pick(['junior', 'intermediate', 'senior', 'expert']),
        weight: 1 + Math.floor(rnd() * 3),
        skills: [pick(LINES)],
      });
      for (const j of jurisdictions) {
        const expired = rnd() < 0.05;
        licences.push({
          id: `ind-${repId}-${j}`,
          holder: { kind: 'individual', rep: repId },
          regulator: 'REG',
          jurisdiction: j,
          activity: 'rep',
          productLines: rnd() < 0.8 ? lines : some(lines, 2),
          customerTypes: [...CTYPES],
          validFrom: '2022-01-01',
          ...(expired ? { validTo: '2026-10-31' } : {}),
        });
      }
    }
  }

  const strategies = [
    [],
    [{ kind: 'score-tier', tiers: [{ minScore: 80, experience: ['senior', 'expert'] }] }],
    [{ kind: 'language-match' }, { kind: 'least-loaded' }],
    [{ kind: 'account-owner' }, { kind: 'deal-value-tier', tiers: [{ minValue: 500000, experience: ['expert'] }] }],
  ];
  const rules: Record<string, unknown>[] = [];
  for (let i = 0; i < 320; i++) {
    const team = teams[Math.floor(rnd() * teams.length)] as { id: string; mandate: { jurisdictions: string[]; productLines: string[] } };
    const fitting = products.filter((p) => p.productLines.every((l) => team.mandate.productLines.includes(l))).map((p) => p.id);
    const conditions: unknown[] = [{ field: 'jurisdiction', op: 'within', value: team.mandate.jurisdictions }];
    if (fitting.length > 0) conditions.push({ field: 'product', op: 'in', value: fitting });
    if (i % 3 === 0) conditions.push({ field: 'score', op: 'gte', value: Math.floor(rnd() * 60) });
    if (i % 5 === 0)
      conditions.push({
        any: [
          { field: 'dealValue', op: 'between', value: [10000, 5000000] },
          { field: 'source', op: 'in', value: ['partner', 'web'] },
        ],
      });
    if (i % 7 === 0) conditions.push({ not: { field: 'screening.tags', op: 'contains', value: 'adverse_media' } });
    const sameRegion = teams
      .filter((t: any) => t.entity === (team as any).entity && t.id !== team.id)
      .slice(0, 2)
      .map((t: any) => t.id);
    rules.push({
      id: `rule-${i}`,
      when: { all: conditions },
      then: { kind: 'route', teams: [team.id, ...sameRegion.slice(0, i % 3)], strategy: strategies[i % strategies.length] },
    });
  }
  rules.push({ id: 'catch-all', then: { kind: 'route', teams: teams.slice(0, 4).map((t: any) => t.id) } });

  return {
    version: 'bench-1',
    firm: { id: 'bench', name: 'Bench Bank', entities: REGIONS.map((r) => ({ id: r.entity, name: r.entity, homeJurisdiction: r.home })) },
    products,
    teams,
    reps,
    licences,
    rules,
  };
}

export function syntheticLeads(n: number, productCount: number, seed = 7) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    id: `L-${i}`,
    jurisdiction: pick(JURISDICTIONS),
    product: `prod-${Math.floor(rnd() * productCount)}`,
    score: Math.floor(rnd() * 100),
    dealValue: Math.floor(rnd() * 1_000_000),
    source: pick(['web', 'partner', 'csv', 'chat']),
    language: pick(['en', 'de', 'fr', 'es', 'ar']),
    customer: { classification: { category: pick(['retail', 'retail', 'professional']) } },
    screening: { status: 'clear', tags: rnd() < 0.05 ? ['adverse_media'] : [] },
  }));
}
