import { compileCondition, ALWAYS, type ConditionIssue } from '../conditions/compile-condition.ts';
import { buildFieldRegistry } from '../conditions/field-registry.ts';
import { buildChain } from '../strategies/strategy-factory.ts';
import { readsOutcomeModel } from '../strategies/strategy.ts';
import { contentHash } from '../shared/canonical-json.ts';
import { parseEnd, parseStart } from '../shared/dates.ts';
import { isValidTimeZone } from '../shared/zoned-time.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type {
  AppointmentAuthority,
  ClosedDay,
  CompiledOrg,
  CompiledRep,
  CompiledRule,
  CompiledTeam,
  GrantAuthority,
  LicenceSummary,
} from './compiled-org.ts';
import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import { checkPoolReference, compilePools } from './compile-pools.ts';
import type { CompiledPool } from './compiled-entities.ts';
import type { LicenceGrantConfig, OrgConfig, RepConfig } from './org-config.schema.ts';
import { checkRosterPolicy } from './check-roster-policy.ts';
import { checkCustomerTypes, checkRegulation, compileRegulation } from './regulation.ts';
import { checkCrmWriteBack } from './check-crm-writeback.ts';
import { ruleIndex } from './rule-index.ts';

export interface OrgIssue {
  /** Path inside the merged config, e.g. ["rules", 3, "when", "all", 0, "field"]. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function workingMinutes(rep: RepConfig, issues: OrgIssue[], path: (string | number)[]): CompiledRep['workingMinutes'] {
  if (!rep.workingHours) return null;
  const week: (readonly (readonly [number, number])[])[] = [[]];
  DAYS.forEach((day, i) => {
    const ranges = rep.workingHours![day].map((r, j) => {
      const [from, to] = r.split('-') as [string, string];
      const range = [toMinutes(from), toMinutes(to)] as const;
      if (range[0] >= range[1]) issues.push({ path: [...path, 'workingHours', day, j], message: `range ${r} ends before it starts` });
      return range;
    });
    week[i + 1] = ranges;
  });
  return week;
}

const authority = (g: LicenceGrantConfig): GrantAuthority => ({
  id: g.id,
  jurisdiction: g.jurisdiction,
  productLines: g.productLines,
  customerTypes: g.customerTypes,
  status: g.status,
  validFromMs: parseStart(g.validFrom, g.timeZone),
  validToMs: g.validTo ? parseEnd(g.validTo, g.timeZone) : Number.POSITIVE_INFINITY,
  regulator: g.regulator,
  activity: g.activity,
  source: g,
  summary: {
    id: g.id,
    regulator: g.regulator,
    jurisdiction: g.jurisdiction,
    activity: g.activity,
    productLines: g.productLines,
    customerTypes: g.customerTypes,
    validFrom: g.validFrom,
    validTo: g.validTo ?? null,
    status: g.status,
    sourceRef: g.sourceRef ?? null,
  },
});

function checkUniqueIds(config: OrgConfig, issues: OrgIssue[]): void {
  const sections = ['products', 'carriers', 'teams', 'reps', 'licences', 'appointments', 'rules'] as const;
  for (const section of sections) {
    const seen = new Map<string, number>();
    (config[section] as readonly { id: string }[]).forEach((item, i) => {
      const first = seen.get(item.id);
      if (first !== undefined)
        issues.push({ path: [section, i, 'id'], message: `duplicate id "${item.id}" (first at ${section}[${first}])` });
      else seen.set(item.id, i);
    });
  }
  const entities = new Set<string>();
  config.firm.entities.forEach((e, i) => {
    if (entities.has(e.id)) issues.push({ path: ['firm', 'entities', i, 'id'], message: `duplicate entity id "${e.id}"` });
    entities.add(e.id);
  });
}

/** The ids every cross-reference is checked against. */
interface EntityIndex {
  readonly entityIds: ReadonlySet<string>;
  readonly productLines: ReadonlySet<string>;
  readonly carrierIds: ReadonlySet<string>;
  readonly teamIds: ReadonlySet<string>;
  readonly repIds: ReadonlySet<string>;
}

function indexEntities(config: OrgConfig): EntityIndex {
  return {
    entityIds: new Set(config.firm.entities.map((e) => e.id)),
    productLines: new Set(config.products.flatMap((p) => p.productLines)),
    carrierIds: new Set(config.carriers.map((c) => c.id)),
    teamIds: new Set(config.teams.map((t) => t.id)),
    repIds: new Set(config.reps.map((r) => r.id)),
  };
}

function checkProductsAndTeams(config: OrgConfig, index: EntityIndex, issues: OrgIssue[]): void {
  config.products.forEach((p, i) => {
    p.appointmentLines?.forEach((line, j) => {
      if (!p.productLines.includes(line))
        issues.push({ path: ['products', i, 'appointmentLines', j], message: `"${line}" is not one of the product's lines` });
    });
    if (p.requiresAppointment && !p.carrier)
      issues.push({ path: ['products', i, 'carrier'], message: 'a product that requires an appointment must name its carrier' });
    if (p.carrier && !index.carrierIds.has(p.carrier))
      issues.push({ path: ['products', i, 'carrier'], message: `unknown carrier "${p.carrier}"` });
  });
  config.teams.forEach((t, i) => {
    if (!index.entityIds.has(t.entity)) issues.push({ path: ['teams', i, 'entity'], message: `unknown legal entity "${t.entity}"` });
  });
  // A chat route for a misspelt team would silently tell nobody.
  config.notifications?.chat?.forEach((route, i) =>
    route.teams?.forEach((teamId, j) => {
      if (!index.teamIds.has(teamId))
        issues.push({ path: ['notifications', 'chat', i, 'teams', j], message: `chat route "${route.id}": unknown team "${teamId}"` });
    }),
  );
}

const append = <T>(map: Map<string, T[]>, key: string, item: T): void => {
  map.set(key, [...(map.get(key) ?? []), item]);
};

interface CompiledLicences {
  readonly grantsByEntity: Map<string, GrantAuthority[]>;
  readonly grantsByRep: ReadonlyMap<string, GrantAuthority[]>;
}

function compileLicences(config: OrgConfig, index: EntityIndex, issues: OrgIssue[]): CompiledLicences {
  const grantsByEntity = new Map<string, GrantAuthority[]>();
  const grantsByRep = new Map<string, GrantAuthority[]>();
  config.licences.forEach((g, i) => {
    if (g.timeZone && !isValidTimeZone(g.timeZone))
      issues.push({ path: ['licences', i, 'timeZone'], message: `"${g.timeZone}" is not an IANA time zone` });
    else if (g.validTo && parseEnd(g.validTo, g.timeZone) <= parseStart(g.validFrom, g.timeZone))
      issues.push({ path: ['licences', i, 'validTo'], message: 'validTo is not after validFrom' });
    g.productLines.forEach((line, j) => {
      if (!index.productLines.has(line))
        issues.push({ path: ['licences', i, 'productLines', j], message: `product line "${line}" is not used by any product` });
    });
    const a = authority(g);
    if (g.holder.kind === 'firm') {
      if (!index.entityIds.has(g.holder.entity))
        issues.push({ path: ['licences', i, 'holder', 'entity'], message: `unknown legal entity "${g.holder.entity}"` });
      append(grantsByEntity, g.holder.entity, a);
    } else {
      if (!index.repIds.has(g.holder.rep))
        issues.push({ path: ['licences', i, 'holder', 'rep'], message: `unknown rep "${g.holder.rep}"` });
      append(grantsByRep, g.holder.rep, a);
    }
  });
  return { grantsByEntity, grantsByRep };
}

type AppointmentConfig = OrgConfig['appointments'][number];

const appointmentAuthority = (ap: AppointmentConfig): AppointmentAuthority => ({
  summary: {
    id: ap.id,
    regulator: `carrier:${ap.carrier}`,
    jurisdiction: ap.jurisdiction,
    activity: 'carrier_appointment',
    productLines: ap.productLines,
    customerTypes: [],
    validFrom: ap.validFrom,
    validTo: ap.validTo ?? null,
    status: ap.status,
    sourceRef: ap.sourceRef ?? null,
  },
  id: ap.id,
  jurisdiction: ap.jurisdiction,
  productLines: ap.productLines,
  status: ap.status,
  validFromMs: parseStart(ap.validFrom, ap.timeZone),
  validToMs: ap.validTo ? parseEnd(ap.validTo, ap.timeZone) : Number.POSITIVE_INFINITY,
  carrier: ap.carrier,
});

function compileAppointments(config: OrgConfig, index: EntityIndex, issues: OrgIssue[]): ReadonlyMap<string, AppointmentAuthority[]> {
  const appointmentsByRep = new Map<string, AppointmentAuthority[]>();
  config.appointments.forEach((ap, i) => {
    if (!index.repIds.has(ap.rep)) issues.push({ path: ['appointments', i, 'rep'], message: `unknown rep "${ap.rep}"` });
    if (!index.carrierIds.has(ap.carrier))
      issues.push({ path: ['appointments', i, 'carrier'], message: `unknown carrier "${ap.carrier}"` });
    if (ap.timeZone && !isValidTimeZone(ap.timeZone))
      issues.push({ path: ['appointments', i, 'timeZone'], message: `"${ap.timeZone}" is not an IANA time zone` });
    append(appointmentsByRep, ap.rep, appointmentAuthority(ap));
  });
  return appointmentsByRep;
}

const NO_CLOSED_DAYS: ReadonlyMap<string, ClosedDay> = new Map();

/**
 * Each team's closed days, from what the version holds: the materialised holidays and the extra closed days.
 * Nothing is looked up here (the holiday data was written into the version when it was published), so a
 * compiled version is a function of its stored config alone.
 */
function teamClosedDays(config: OrgConfig, issues: OrgIssue[]): ReadonlyMap<string, ReadonlyMap<string, ClosedDay>> {
  const byTeam = new Map<string, ReadonlyMap<string, ClosedDay>>();
  config.teams.forEach((t, i) => {
    if (!t.calendar) return;
    const days = new Map<string, ClosedDay>();
    const holidays = t.calendar.holidays;
    if (holidays?.years && holidays.years.to < holidays.years.from)
      issues.push({ path: ['teams', i, 'calendar', 'holidays', 'years', 'to'], message: 'years.to is before years.from' });
    if (holidays && !holidays.days)
      issues.push({ path: ['teams', i, 'calendar', 'holidays', 'days'], message: 'holidays are not materialised (publish the version)' });
    for (const h of holidays?.days ?? []) {
      const known = days.get(h.date);
      days.set(h.date, { kind: 'public-holiday', name: known ? `${known.name}; ${h.name}` : h.name });
    }
    for (const d of t.calendar.extraClosedDays) if (!days.has(d)) days.set(d, { kind: 'closed', name: 'team closed' });
    byTeam.set(t.id, days);
  });
  return byTeam;
}

/** What a rep inherits from elsewhere in the config: its team's capabilities, its own grants and appointments. */
interface RepSources {
  readonly index: EntityIndex;
  readonly closedDays: ReadonlyMap<string, ReadonlyMap<string, ClosedDay>>;
  readonly teamCapabilities: ReadonlyMap<string, CompiledTeam['capabilities']>;
  readonly grantsByRep: ReadonlyMap<string, GrantAuthority[]>;
  readonly appointmentsByRep: ReadonlyMap<string, AppointmentAuthority[]>;
}

function compileRep(r: RepConfig, i: number, sources: RepSources, issues: OrgIssue[]): CompiledRep {
  const path = ['reps', i];
  if (!sources.index.teamIds.has(r.team)) issues.push({ path: [...path, 'team'], message: `unknown team "${r.team}"` });
  const zoneOk = isValidTimeZone(r.timeZone);
  if (!zoneOk) issues.push({ path: [...path, 'timeZone'], message: `"${r.timeZone}" is not an IANA time zone` });
  r.territory?.timeZones.forEach((tz, j) => {
    if (!isValidTimeZone(tz)) issues.push({ path: [...path, 'territory', 'timeZones', j], message: `"${tz}" is not an IANA time zone` });
  });
  const outOfOffice = r.outOfOffice.map((o, j) => {
    const zone = zoneOk ? r.timeZone : 'UTC';
    const period = { fromMs: parseStart(o.from, zone), toMs: parseEnd(o.to, zone), reason: o.reason };
    if (period.toMs <= period.fromMs)
      issues.push({ path: [...path, 'outOfOffice', j], message: 'out-of-office period ends before it starts' });
    return period;
  });
  return {
    id: r.id,
    name: r.name,
    teamId: r.team,
    timeZone: r.timeZone,
    workingMinutes: workingMinutes(r, issues, path),
    outOfOffice,
    status: r.status,
    closedDays: sources.closedDays.get(r.team) ?? NO_CLOSED_DAYS,
    capacity: r.capacity,
    skills: r.skills,
    languages: r.languages,
    experience: r.experience,
    weight: r.weight,
    territory: r.territory,
    massMarketOnly: r.massMarketOnly,
    capabilities: [...new Set([...r.capabilities, ...(sources.teamCapabilities.get(r.team) ?? [])])],
    grants: sources.grantsByRep.get(r.id) ?? [],
    appointments: sources.appointmentsByRep.get(r.id) ?? [],
  };
}

function compileTeams(config: OrgConfig, reps: readonly CompiledRep[]): CompiledTeam[] {
  const repsByTeam = new Map<string, CompiledRep[]>();
  for (const rep of reps) append(repsByTeam, rep.teamId, rep);
  return config.teams.map((t) => ({
    id: t.id,
    name: t.name,
    entity: t.entity,
    mandate: t.mandate,
    massMarketOnly: t.massMarketOnly,
    capabilities: t.capabilities,
    reps: repsByTeam.get(t.id) ?? [],
  }));
}

function compileRules(
  config: OrgConfig,
  fields: CompiledOrg['fields'],
  index: EntityIndex,
  pools: ReadonlyMap<string, CompiledPool>,
  issues: OrgIssue[],
): CompiledRule[] {
  return config.rules.map((rule, i) => {
    const conditionIssues: ConditionIssue[] = [];
    const when = rule.when ? compileCondition(rule.when, fields, conditionIssues, ['rules', i, 'when']) : ALWAYS;
    for (const ci of conditionIssues) issues.push({ path: ci.path, message: `rule "${rule.id}": ${ci.message}` });
    if (rule.then.kind === 'route' && rule.then.teams !== 'all') {
      rule.then.teams.forEach((teamId, j) => {
        if (!index.teamIds.has(teamId))
          issues.push({ path: ['rules', i, 'then', 'teams', j], message: `rule "${rule.id}": unknown team "${teamId}"` });
      });
    }
    if (rule.then.kind === 'route')
      rule.then.strategy.forEach((step, j) => {
        // Every step that keeps a ledger (round robin, outcome-aware) names a declared pool once an org declares any.
        if ('pool' in step) checkPoolReference(config, pools, step.pool, ['rules', i, 'then', 'strategy', j, 'pool'], issues);
      });
    return {
      id: rule.id,
      index: i,
      description: rule.description,
      when,
      then: rule.then,
      chain: rule.then.kind === 'route' ? buildChain(rule.then.strategy, pools) : [],
    };
  });
}

type FirmLookups = Pick<CompiledOrg, 'firmGrantsCovering' | 'entityLicencesIn'>;

/** Both lookups depend only on the version and the jurisdiction, so they are memoised per version. */
function firmLookups(grantsByEntity: ReadonlyMap<string, readonly GrantAuthority[]>): FirmLookups {
  const firmByCode = new Map<string, GrantAuthority[]>();
  for (const grants of grantsByEntity.values()) for (const g of grants) append(firmByCode, g.jurisdiction, g);
  const coveringMemo = new Map<string, readonly GrantAuthority[]>();
  const firmGrantsCovering = (jurisdiction: string): readonly GrantAuthority[] => {
    let found = coveringMemo.get(jurisdiction);
    if (!found) {
      const country = jurisdiction.slice(0, 2);
      found = [...(firmByCode.get(jurisdiction) ?? []), ...(country !== jurisdiction ? (firmByCode.get(country) ?? []) : [])];
      coveringMemo.set(jurisdiction, found);
    }
    return found;
  };
  const licencesMemo = new Map<string, readonly LicenceSummary[]>();
  const entityLicencesIn = (entity: string, jurisdiction: string): readonly LicenceSummary[] => {
    const key = `${entity}|${jurisdiction}`;
    let found = licencesMemo.get(key);
    if (!found) {
      found = (grantsByEntity.get(entity) ?? []).filter((g) => jurisdictionCovers(g.jurisdiction, jurisdiction)).map((g) => g.summary);
      licencesMemo.set(key, found);
    }
    return found;
  };
  return { firmGrantsCovering, entityLicencesIn };
}

/**
 * Turns a schema-valid config into a published, indexed version. Cross-references, time zones,
 * conditions and strategies are all checked; every problem is reported, not just the first,
 * in section order (ids, products, teams, licences, appointments, reps, pools, rules).
 */
export function compileOrg(config: OrgConfig): Result<CompiledOrg, OrgIssue[]> {
  const issues: OrgIssue[] = [];
  checkUniqueIds(config, issues);
  const index = indexEntities(config);
  checkProductsAndTeams(config, index, issues);
  const { grantsByEntity, grantsByRep } = compileLicences(config, index, issues);
  const appointmentsByRep = compileAppointments(config, index, issues);
  const teamCapabilities = new Map(config.teams.map((t) => [t.id, t.capabilities]));
  const closedDays = teamClosedDays(config, issues);
  const sources: RepSources = { index, closedDays, teamCapabilities, grantsByRep, appointmentsByRep };
  const reps = config.reps.map((r, i) => compileRep(r, i, sources, issues));
  const teams = compileTeams(config, reps);
  const fields = buildFieldRegistry(config.customFields);
  const pools = compilePools(config, index.repIds, issues);
  const rules = compileRules(config, fields, index, pools, issues);
  checkRosterPolicy(config.roster, index.repIds, pools, issues);
  const regulation = compileRegulation(config.regulation);
  checkRegulation(config, regulation, { productLines: index.productLines, repIds: index.repIds }, issues);
  checkCrmWriteBack(config.crmWriteBack, index.repIds, issues);
  checkCustomerTypes(config, regulation, issues);
  if (issues.length > 0) return err(issues);
  return ok({
    ...firmLookups(grantsByEntity),
    version: config.version ?? 'draft',
    // The label is not content: the same org under two labels is the same version.
    hash: contentHash({ ...config, version: undefined }),
    config,
    products: new Map(config.products.map((p) => [p.id, p])),
    teams,
    teamsById: new Map(teams.map((t) => [t.id, t])),
    repsById: new Map(reps.map((r) => [r.id, r])),
    entityGrants: grantsByEntity,
    rules,
    rulesFor: ruleIndex(rules),
    readsOutcomeModel: readsOutcomeModel(rules.map((r) => r.chain)),
    pools,
    fields,
    suitability: config.suitability,
    regulation,
  });
}
