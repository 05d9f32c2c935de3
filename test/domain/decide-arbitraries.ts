import fc from 'fast-check';
import { DateTime } from 'luxon';
import { LeadSchema, type Lead } from '../../src/domain/lead/lead.schema.ts';
import type { RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';

/**
 * Random orgs, leads and times for the decision properties (decide.property.test.ts, regulation.property.test.ts),
 * with an oracle written independently of src/domain/eligibility.
 */
export const JURISDICTIONS = ['GB', 'US', 'US-TX', 'IE'] as const;
const LEAD_JURISDICTIONS = ['GB', 'US-TX', 'IE', 'GB', 'US-NY', 'FR'] as const;
export const LINES = ['inv', 'life', 'sec'] as const;
const CTYPES = ['retail', 'professional', 'eligible_counterparty'] as const;
const ZONES = ['Europe/London', 'America/New_York', 'America/Chicago', 'Asia/Dubai', 'UTC'] as const;
export const DAY = 86_400_000;
export const BASE = Date.parse('2026-11-24T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export const sub = <T>(items: readonly T[], min = 1) => fc.subarray([...items], { minLength: min });
/** Mostly the full set, sometimes a subset: dense enough that assignments are common, sparse enough to exercise every refusal. */
const mostly = <T>(items: readonly T[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant([...items]) }, { weight: 2, arbitrary: sub(items) });

const grantArb = fc.record({
  jurisdiction: fc.constantFrom(...JURISDICTIONS),
  productLines: mostly(LINES),
  customerTypes: mostly(CTYPES),
  fromDays: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -400, max: -2 }) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 3 }) },
  ),
  lengthDays: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.integer({ min: 400, max: 900 }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 450 }) },
  ),
  status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: fc.constantFrom('suspended', 'lapsed') }),
});

type GrantGen = typeof grantArb extends fc.Arbitrary<infer T> ? T : never;

const dayOf = (offset: number) => iso(BASE + offset * DAY).slice(0, 10);
/** A calendar closing these days (relative to BASE): as materialised public holidays or as extra closed days. */
const closedCalendar = (offsets: readonly number[], asHolidays: boolean) =>
  asHolidays
    ? { holidays: { country: 'GB', years: { from: 2026, to: 2026 }, days: offsets.map((d) => ({ date: dayOf(d), name: `H${d}` })) } }
    : { extraClosedDays: [...new Set(offsets.map(dayOf))] };

export const orgArb = fc
  .record({
    entities: fc.integer({ min: 1, max: 3 }),
    products: fc.array(
      fc.record({
        // Most products need one line; some need two (a variable annuity: insurance + securities).
        productLines: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...LINES).map((l) => [l]) },
          { weight: 1, arbitrary: fc.subarray([...LINES], { minLength: 2, maxLength: 2 }) },
        ),
        complexity: fc.constantFrom('non_complex', 'complex'),
        massMarket: fc.boolean(),
        targetCustomerTypes: mostly(CTYPES),
        requiresAppointment: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    teams: fc.array(
      fc.record({
        entity: fc.nat(),
        jurisdictions: mostly(JURISDICTIONS),
        productLines: mostly(LINES),
        customerTypes: mostly(CTYPES),
        massMarketOnly: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        capabilities: mostly(['appropriateness_assessment', 'enhanced_due_diligence'] as const),
        // Team calendar (issue 14): closed days around the decision times, as materialised holidays or extra closed days.
        closed: fc.option(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }), { nil: undefined, freq: 3 }),
        asHolidays: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    reps: fc.array(
      fc.record({
        team: fc.nat(),
        timeZone: fc.constantFrom(...ZONES),
        hours: fc.option(fc.constantFrom('09:00-17:00', '08:00-20:00', '00:00-24:00'), { nil: undefined }),
        ooo: fc.option(fc.record({ from: fc.integer({ min: -3, max: 3 }), len: fc.integer({ min: 1, max: 4 }) }), { nil: undefined }),
        status: fc.constantFrom('active', 'active', 'active', 'active', 'paused', 'inactive', 'left'),
        maxOpenLeads: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        maxLeadsPerDay: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        weight: fc.integer({ min: 1, max: 3 }),
        massMarketOnly: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        capabilities: fc.subarray(['appropriateness_assessment'] as const),
        grants: fc.array(grantArb, { minLength: 3, maxLength: 6 }),
        appointment: fc.option(grantArb, { nil: undefined, freq: 3 }),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    firmGrants: fc.array(fc.record({ entity: fc.nat(), grant: grantArb }), { minLength: 4, maxLength: 14 }),
    rules: fc.array(
      fc.record({
        when: fc.oneof(
          fc.constant(undefined),
          fc.record({ field: fc.constant('score'), op: fc.constant('gte'), value: fc.integer({ min: 0, max: 100 }) }),
          fc.record({ field: fc.constant('jurisdiction'), op: fc.constant('within'), value: sub(JURISDICTIONS) }),
        ),
        teams: fc.oneof(fc.constant('all' as const), fc.array(fc.nat(), { minLength: 1, maxLength: 3 })),
        chain: fc.subarray(['account-owner', 'team-priority', 'least-loaded', 'language-match', 'weighted-round-robin'] as const),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map((g) => {
    const grant = (id: string, holder: object, x: GrantGen, extra: object = {}) => ({
      id,
      holder,
      regulator: 'REG',
      jurisdiction: x.jurisdiction,
      activity: 'act',
      productLines: x.productLines,
      customerTypes: x.customerTypes,
      validFrom: iso(BASE + x.fromDays * DAY),
      ...(x.lengthDays ? { validTo: iso(BASE + (x.fromDays + x.lengthDays) * DAY) } : {}),
      status: x.status,
      ...extra,
    });
    const entities = Array.from({ length: g.entities }, (_, i) => ({ id: `e${i}`, name: `E${i}`, homeJurisdiction: 'GB' }));
    const teams = g.teams.map((t, i) => ({
      id: `t${i}`,
      name: `T${i}`,
      entity: `e${t.entity % g.entities}`,
      mandate: { jurisdictions: t.jurisdictions, productLines: t.productLines, customerTypes: t.customerTypes },
      massMarketOnly: t.massMarketOnly,
      capabilities: t.capabilities,
      ...(t.closed ? { calendar: closedCalendar(t.closed, t.asHolidays) } : {}),
    }));
    const reps = g.reps.map((r, i) => ({
      id: `r${i}`,
      name: `R${i}`,
      team: `t${r.team % teams.length}`,
      timeZone: r.timeZone,
      ...(r.hours ? { workingHours: { mon: [r.hours], tue: [r.hours], wed: [r.hours], thu: [r.hours], fri: [r.hours] } } : {}),
      outOfOffice: r.ooo ? [{ from: iso(BASE + r.ooo.from * DAY), to: iso(BASE + (r.ooo.from + r.ooo.len) * DAY) }] : [],
      status: r.status,
      capacity: {
        ...(r.maxOpenLeads ? { maxOpenLeads: r.maxOpenLeads } : {}),
        ...(r.maxLeadsPerDay ? { maxLeadsPerDay: r.maxLeadsPerDay } : {}),
      },
      weight: r.weight,
      languages: ['en'],
      massMarketOnly: r.massMarketOnly,
      capabilities: r.capabilities,
    }));
    const usedLines = new Set(g.products.flatMap((p) => p.productLines));
    const keepLines = (x: GrantGen) => ({ ...x, productLines: x.productLines.filter((l) => usedLines.has(l)) });
    const licences = [
      ...g.firmGrants.map((f, i) => grant(`fg${i}`, { kind: 'firm', entity: `e${f.entity % g.entities}` }, keepLines(f.grant))),
      ...g.reps.flatMap((r, i) => r.grants.map((x, j) => grant(`ig${i}-${j}`, { kind: 'individual', rep: `r${i}` }, keepLines(x)))),
    ].filter((l) => l.productLines.length > 0);
    const appointments = g.reps.flatMap((r, i) =>
      r.appointment
        ? [
            {
              id: `ap${i}`,
              rep: `r${i}`,
              carrier: 'c1',
              jurisdiction: r.appointment.jurisdiction,
              productLines: r.appointment.productLines,
              validFrom: iso(BASE + r.appointment.fromDays * DAY),
              ...(r.appointment.lengthDays ? { validTo: iso(BASE + (r.appointment.fromDays + r.appointment.lengthDays) * DAY) } : {}),
              status: r.appointment.status,
            },
          ]
        : [],
    );
    const rules = g.rules.map((r, i) => ({
      id: `rule${i}`,
      ...(r.when ? { when: r.when } : {}),
      then: {
        kind: 'route',
        teams: r.teams === 'all' ? 'all' : [...new Set(r.teams.map((t) => `t${t % teams.length}`))],
        strategy: r.chain.map((kind) => ({ kind })),
      },
    }));
    return {
      firm: { id: 'f', name: 'F', entities },
      products: g.products.map((p, i) => ({ id: `p${i}`, name: `P${i}`, ...p, ...(p.requiresAppointment ? { carrier: 'c1' } : {}) })),
      carriers: [{ id: 'c1', name: 'C1' }],
      teams,
      reps,
      licences,
      appointments,
      rules,
    };
  });

export const leadArb = (products: number) =>
  fc.record({
    jurisdiction: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...LEAD_JURISDICTIONS.slice(0, 4)) },
      { weight: 1, arbitrary: fc.constant(LEAD_JURISDICTIONS[4]) },
      { weight: 1, arbitrary: fc.constant(LEAD_JURISDICTIONS[5]) },
    ),
    product: fc.nat({ max: products - 1 }),
    category: fc.constantFrom(...CTYPES),
    score: fc.integer({ min: 0, max: 100 }),
    pep: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    appropriate: fc.boolean(),
    owner: fc.option(fc.nat({ max: 20 }), { nil: undefined }),
    minutes: fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
  });

export type Config = typeof orgArb extends fc.Arbitrary<infer T> ? T : never;
export type LeadGen = ReturnType<typeof leadArb> extends fc.Arbitrary<infer T> ? T : never;
export type Grant = {
  jurisdiction: string;
  productLines: string[];
  customerTypes?: string[];
  validFrom: string;
  validTo?: string;
  status: string;
};

// ---- the oracle: eligibility restated from docs/routing.md ("Licence coverage", "Customer profile", strategies) and docs/conduct.md
// (SLA), sharing no code with src/domain/eligibility
export const covers = (scope: string, j: string) => scope === j || (scope.length === 2 && j.slice(0, 2) === scope);
export const valid = (g: Grant, at: number) =>
  g.status === 'active' && Date.parse(g.validFrom) <= at && (g.validTo === undefined || at < Date.parse(g.validTo));
const coversAll = (grants: Grant[], j: string, lines: string[], ctype: string | null, at: number) =>
  lines.every((line) =>
    grants.some(
      (g) =>
        valid(g, at) && covers(g.jurisdiction, j) && g.productLines.includes(line) && (ctype === null || g.customerTypes!.includes(ctype)),
    ),
  );

export function oracle(config: Config, lead: Lead, at: number, state: RoutingStateSnapshot) {
  const product = config.products.find((p) => p.id === lead.product)!;
  const ctype = lead.customer.classification.category;
  const apprRequired = product.complexity === 'complex' && ctype === 'retail' && lead.customer.appropriateness?.result !== 'appropriate';
  const pep = lead.screening.status === 'pep';
  const firmFor = (entity: string) => config.licences.filter((l) => (l.holder as { entity?: string }).entity === entity) as Grant[];
  const teamLawful = (t: Config['teams'][number]) =>
    coversAll(firmFor(t.entity), lead.jurisdiction, product.productLines, ctype, at) &&
    t.mandate.jurisdictions.some((j) => covers(j, lead.jurisdiction)) &&
    product.productLines.every((l) => t.mandate.productLines.includes(l)) &&
    (t.mandate.customerTypes as readonly string[]).includes(ctype) &&
    !(t.massMarketOnly && !product.massMarket) &&
    !(apprRequired && !t.capabilities.includes('appropriateness_assessment')) &&
    !(pep && !t.capabilities.includes('enhanced_due_diligence'));
  const repLawful = (r: Config['reps'][number], t: Config['teams'][number]) =>
    coversAll(
      config.licences.filter((l) => (l.holder as { rep?: string }).rep === r.id) as Grant[],
      lead.jurisdiction,
      product.productLines,
      ctype,
      at,
    ) &&
    (!product.requiresAppointment ||
      coversAll(config.appointments.filter((a) => a.rep === r.id) as Grant[], lead.jurisdiction, product.productLines, null, at)) &&
    !(r.massMarketOnly && !product.massMarket) &&
    !(apprRequired && ![...r.capabilities, ...t.capabilities].includes('appropriateness_assessment'));
  const repAvailable = (r: Config['reps'][number]) => {
    if (r.status !== 'active') return false;
    if (r.outOfOffice.some((o) => Date.parse(o.from) <= at && at < Date.parse(o.to))) return false;
    const local = DateTime.fromMillis(at, { zone: r.timeZone });
    const calendar = config.teams.find((t) => t.id === r.team)?.calendar as
      { holidays?: { days: { date: string }[] }; extraClosedDays?: string[] } | undefined;
    const closed = [...(calendar?.holidays?.days.map((d) => d.date) ?? []), ...(calendar?.extraClosedDays ?? [])];
    if (closed.includes(local.toISODate()!)) return false;
    if (r.workingHours) {
      const day = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)[local.weekday - 1]!;
      const ranges = (r.workingHours as Record<string, string[] | undefined>)[day] ?? [];
      const m = local.hour * 60 + local.minute;
      if (
        !ranges.some((x) => {
          const [a, b] = x.split('-').map((h) => Number(h.slice(0, 2)) * 60 + Number(h.slice(3))) as [number, number];
          return m >= a && m < b;
        })
      )
        return false;
    }
    const load = state.loads[r.id];
    if (r.capacity.maxOpenLeads !== undefined && (load?.open ?? 0) >= r.capacity.maxOpenLeads) return false;
    const today = load && load.day === local.toISODate() ? load.today : 0;
    if (r.capacity.maxLeadsPerDay !== undefined && today >= r.capacity.maxLeadsPerDay) return false;
    return true;
  };
  return { teamLawful, repLawful, repAvailable, product };
}

export function toLead(config: Config, x: LeadGen, i: number): { lead: Lead; at: number } {
  const lead = LeadSchema.parse({
    id: `L${i}`,
    jurisdiction: x.jurisdiction,
    product: `p${x.product}`,
    score: x.score,
    // Dated evidence, so the declared category is the effective one (classification rules have their own tests).
    customer: {
      classification: { category: x.category, ...(x.category === 'retail' ? {} : { evidenceDate: '2026-06-01' }) },
      ...(x.appropriate ? { appropriateness: { assessedAt: '2026-06-01', result: 'appropriate' } } : {}),
    },
    screening: { status: x.pep ? 'pep' : 'clear' },
    language: 'en',
    ...(x.owner !== undefined && x.owner < config.reps.length ? { account: { id: 'acc', ownerRep: `r${x.owner}` } } : {}),
  });
  return { lead, at: BASE + 12 * 3_600_000 + x.minutes * 60_000 };
}

/** How many decisions a property saw whose "outcome:reason" key starts with `prefix` (guards against a vacuous pass). */
export const countSeen = (seen: ReadonlyMap<string, number>, prefix: string): number =>
  [...seen].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
