import Holidays from 'date-holidays';
import type { OrgConfig, TeamCalendarConfig } from '../domain/org/org-config.schema.ts';

/** A team calendar problem, at its path in the config. */
export interface HolidayProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Holiday types that close a team: days off by law or custom for everyone (not observances, optional or school days). */
const CLOSING_TYPES = new Set(['public', 'bank']);

/**
 * The years materialised when a calendar gives none: the publication year - 1 (decisions of the last weeks
 * may be replayed or re-decided) to + 2 (a version is rarely in force longer; publish again to roll on).
 */
export const holidayWindow = (publicationYear: number) => ({ from: publicationYear - 1, to: publicationYear + 2 });

type HolidaySpec = NonNullable<TeamCalendarConfig['holidays']>;

function checkJurisdiction(spec: HolidaySpec, path: readonly (string | number)[]): HolidayProblem | null {
  const countries = new Holidays().getCountries('en') as Record<string, string> | undefined;
  if (!countries?.[spec.country]) return { path: [...path, 'country'], message: `no public-holiday data for country "${spec.country}"` };
  if (spec.region === undefined) return null;
  const regions = (new Holidays().getStates(spec.country, 'en') ?? {}) as Record<string, string>;
  if (regions[spec.region]) return null;
  const known = Object.keys(regions);
  const hint = known.length ? ` (known: ${known.slice(0, 20).join(', ')})` : ' (it has none)';
  return { path: [...path, 'region'], message: `no region "${spec.region}" in ${spec.country}${hint}` };
}

function holidayDays(spec: HolidaySpec, years: { from: number; to: number }): { date: string; name: string }[] {
  const hd = spec.region ? new Holidays(spec.country, spec.region) : new Holidays(spec.country);
  const days: { date: string; name: string }[] = [];
  for (let year = years.from; year <= years.to; year++) {
    for (const h of hd.getHolidays(year, 'en')) {
      if (CLOSING_TYPES.has(h.type)) days.push({ date: h.date.slice(0, 10), name: h.name });
    }
  }
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.name.localeCompare(b.name)));
}

/**
 * Writes each team's public holidays into the config (publication time), so the version itself holds them
 * and a decision never consults the library: a calendar whose `days` are already present (a stored version,
 * or a config downloaded from one) is kept byte for byte. Pure given the year and the library's data.
 */
export function materialiseHolidays(config: OrgConfig, publicationYear: number): { config: OrgConfig; problems: HolidayProblem[] } {
  const problems: HolidayProblem[] = [];
  let changed = false;
  const teams = config.teams.map((team, i) => {
    const spec = team.calendar?.holidays;
    if (!team.calendar || !spec || spec.days) return team;
    const path = ['teams', i, 'calendar', 'holidays'];
    const problem = checkJurisdiction(spec, path);
    if (problem) {
      problems.push(problem);
      return team;
    }
    const years = spec.years ?? holidayWindow(publicationYear);
    if (years.to < years.from) return team; // compileOrg reports it at years.to
    if (years.to - years.from > 20) {
      problems.push({ path: [...path, 'years'], message: 'at most 21 years of holidays are materialised' });
      return team;
    }
    changed = true;
    return { ...team, calendar: { ...team.calendar, holidays: { ...spec, years, days: holidayDays(spec, years) } } };
  });
  return { config: changed ? { ...config, teams } : config, problems };
}
