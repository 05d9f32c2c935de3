import { zonedParts, type ZonedParts } from '../shared/zoned-time.ts';
import { APPOINTMENT_CODES, checkCoverage, INDIVIDUAL_CODES } from './licence-coverage.ts';
import { fail, PASS, type CheckResult, type RepCheck } from './eligibility-check.ts';
import { awayAt } from './rep-presence.ts';

/** The individual grant(s): every product line, in the lead's jurisdiction, for its customer type. */
export const individualLicence: RepCheck = {
  name: 'individual-licence',
  kind: 'lawful',
  regulatedOnly: true,
  contextKey: (ctx) => JSON.stringify([ctx.lead.jurisdiction, ctx.product.productLines, ctx.customer.effectiveType]),
  evaluate(ctx, rep) {
    const coverage = checkCoverage(
      rep.grants,
      ctx.lead.jurisdiction,
      ctx.product.productLines,
      ctx.customer.effectiveType,
      ctx.at,
      INDIVIDUAL_CODES,
    );
    return coverage.covered ? { pass: true, reliedOn: coverage.reliedOn } : fail(coverage.code, coverage.detail);
  },
};

/** Insurance: an active appointment by the product's carrier in the lead's state. */
export const carrierAppointment: RepCheck = {
  name: 'carrier-appointment',
  kind: 'lawful',
  regulatedOnly: true,
  contextKey: (ctx) =>
    ctx.product.requiresAppointment
      ? JSON.stringify([ctx.product.carrier, ctx.lead.jurisdiction, ctx.product.appointmentLines ?? ctx.product.productLines])
      : '',
  evaluate(ctx, rep) {
    if (!ctx.product.requiresAppointment) return PASS;
    const carrier = ctx.product.carrier;
    const appointments = rep.appointments.filter((a) => a.carrier === carrier);
    const lines = ctx.product.appointmentLines ?? ctx.product.productLines;
    const coverage = checkCoverage(appointments, ctx.lead.jurisdiction, lines, null, ctx.at, APPOINTMENT_CODES);
    return coverage.covered ? { pass: true, reliedOn: coverage.reliedOn } : fail(coverage.code, `carrier ${carrier}: ${coverage.detail}`);
  },
};

export const repMassMarket: RepCheck = {
  name: 'rep-mass-market',
  kind: 'lawful',
  regulatedOnly: true,
  // A mass-market product passes every rep; any other fails a mass-market-only rep naming the product.
  contextKey: (ctx) => (ctx.product.massMarket ? '' : JSON.stringify(ctx.product.id)),
  evaluate: (ctx, rep) =>
    rep.massMarketOnly && !ctx.product.massMarket ? fail('MASS_MARKET_ONLY_REP', `${ctx.product.id} is not a mass-market product`) : PASS,
};

export const repAppropriateness: RepCheck = {
  name: 'rep-appropriateness',
  kind: 'lawful',
  regulatedOnly: true,
  contextKey: (ctx) => (ctx.appropriatenessRequired ? 'required' : ''),
  evaluate: (ctx, rep) =>
    ctx.appropriatenessRequired && !rep.capabilities.includes('appropriateness_assessment')
      ? fail('APPROPRIATENESS_ASSESSMENT_REQUIRED', 'rep does not perform appropriateness assessments')
      : PASS,
};

export const repStatus: RepCheck = {
  name: 'status',
  kind: 'availability',
  timeIndependent: true,
  canFail: (rep) => rep.status !== 'active',
  evaluate: (_ctx, rep) =>
    rep.status === 'paused'
      ? fail('REP_PAUSED', 'status paused')
      : rep.status === 'inactive'
        ? fail('REP_INACTIVE', 'status inactive')
        : rep.status === 'left'
          ? fail('REP_LEFT', 'status left')
          : PASS,
};

export const outOfOffice: RepCheck = {
  name: 'out-of-office',
  kind: 'availability',
  canFail: (rep) => rep.outOfOffice.length > 0,
  absenceBound: true,
  evaluate(ctx, rep) {
    const period = rep.outOfOffice.find((p) => p.fromMs <= ctx.at && ctx.at < p.toMs);
    return period
      ? fail('OUT_OF_OFFICE', `until ${new Date(period.toMs).toISOString()}${period.reason ? ` (${period.reason})` : ''}`)
      : PASS;
  },
};

/**
 * The rep said they are away (presence, not config): no new leads until they are back or their `until` passes. Reads
 * the time only for a rep the presence snapshot names (a team with one is evaluated afresh), so `timeIndependent`.
 */
export const repAway: RepCheck = {
  name: 'presence',
  kind: 'availability',
  timeIndependent: true,
  evaluate(ctx, rep) {
    const away = ctx.presence.get(rep.id);
    if (!awayAt(away, ctx.at)) return PASS;
    const until = away.until ? ` until ${away.until}` : ' until back';
    return fail('REP_AWAY', `away since ${away.since}${until}${away.reason ? ` (${away.reason})` : ''}`);
  },
};

/**
 * The team's working calendar: closed on a public holiday (materialised into the version) or an extra closed
 * day, read as the rep's local date. Like working hours, a rule that does not respect working hours ignores it.
 */
export const teamCalendar: RepCheck = {
  name: 'team-calendar',
  kind: 'availability',
  canFail: (rep) => rep.closedDays.size > 0,
  // Reads of the rep only its zone and its closed days (the team's: every rep of a team has the same).
  groupKey: (rep) => JSON.stringify([rep.timeZone, [...rep.closedDays]]),
  evaluate(ctx, rep) {
    if (!ctx.respectWorkingHours || rep.closedDays.size === 0) return PASS;
    const date = zonedParts(rep.timeZone, ctx.at).date;
    const closed = rep.closedDays.get(date);
    if (!closed) return PASS;
    return closed.kind === 'public-holiday'
      ? fail('PUBLIC_HOLIDAY', `${date} ${closed.name} (${rep.timeZone})`)
      : fail('TEAM_CLOSED', `${date}: the team is closed`);
  },
};

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export const workingHours: RepCheck = {
  name: 'working-hours',
  kind: 'availability',
  canFail: (rep) => rep.workingMinutes !== null,
  // Reads of the rep only its zone and its hours (the failure names the zone and the local minute, not the rep).
  groupKey: (rep) => `${rep.timeZone}\u0000${JSON.stringify(rep.workingMinutes)}`,
  evaluate(ctx, rep) {
    if (!ctx.respectWorkingHours || rep.workingMinutes === null) return PASS;
    const local = zonedParts(rep.timeZone, ctx.at);
    const ranges = rep.workingMinutes[local.weekday] ?? [];
    // A loop, not some(): this runs for every rep of every candidate team.
    for (const [from, to] of ranges) if (local.minuteOfDay >= from && local.minuteOfDay < to) return PASS;
    return outOfHours(rep.timeZone, local);
  },
};

// The failure names only the zone and its local minute, so every rep out of hours in one zone at one minute shares it:
// a new minute re-evaluates whole teams (decision/team-verdict.ts), and this was a detail string built per rep.
// Keyed by the very ZonedParts object zonedParts returns for that zone and minute (a new minute is a new object).
const outOfHoursByZone = new Map<string, { readonly local: ZonedParts; readonly result: CheckResult }>();
function outOfHours(timeZone: string, local: ZonedParts): CheckResult {
  const last = outOfHoursByZone.get(timeZone);
  if (last !== undefined && last.local === local) return last.result;
  const result = Object.freeze(fail('OUT_OF_HOURS', `${hhmm(local.minuteOfDay)} ${timeZone} is outside working hours`));
  if (outOfHoursByZone.size > 10_000) outOfHoursByZone.clear();
  outOfHoursByZone.set(timeZone, { local, result });
  return result;
}

export const openCapacity: RepCheck = {
  name: 'open-capacity',
  kind: 'availability',
  timeIndependent: true,
  readsLoad: true,
  canFail: (rep) => rep.capacity.maxOpenLeads !== undefined,
  evaluate(ctx, rep) {
    const cap = rep.capacity.maxOpenLeads;
    if (cap === undefined) return PASS;
    const open = ctx.state.load(rep.id)?.open ?? 0;
    return open >= cap ? fail('CAPACITY_REACHED', `${open} open leads, cap ${cap}`) : PASS;
  },
};

export const dailyCapacity: RepCheck = {
  name: 'daily-capacity',
  kind: 'availability',
  readsLoad: true,
  canFail: (rep) => rep.capacity.maxLeadsPerDay !== undefined,
  evaluate(ctx, rep) {
    const cap = rep.capacity.maxLeadsPerDay;
    if (cap === undefined) return PASS;
    const load = ctx.state.load(rep.id);
    const day = zonedParts(rep.timeZone, ctx.at).date;
    const today = load && load.day === day ? load.today : 0;
    return today >= cap ? fail('DAILY_CAP_REACHED', `${today} leads today (${day}), cap ${cap}`) : PASS;
  },
};

/**
 * Lawful checks first, then availability: a rep's reasons list them in this order. The lawful ones read only the
 * lawful key (eligibility-check.ts), so their verdicts are reused across decisions (decision/team-verdict.ts).
 */
export const LAWFUL_REP_CHECKS: readonly RepCheck[] = [individualLicence, carrierAppointment, repMassMarket, repAppropriateness];
export const AVAILABILITY_REP_CHECKS: readonly RepCheck[] = [
  repStatus,
  outOfOffice,
  repAway,
  teamCalendar,
  workingHours,
  openCapacity,
  dailyCapacity,
];
