import { durationStats, type DurationStats } from '../shared/duration-stats.ts';
import { wilson, type Interval } from '../shared/wilson-interval.ts';
import { OUTCOME_IS_WIN, type OutcomeKind } from './outcome-kind.ts';

/**
 * Conversion reporting (SPEC O3, docs/outcomes.md): pure grouping and statistics over one row per lead. Conversion is
 * won / leads with an outcome (a lead still open has not converted yet, nor failed to), with a Wilson 95 % interval;
 * fewer than SMALL_SAMPLE outcomes in a group raise a warning because the interval is then too wide to rank by.
 */
export const OUTCOME_GROUPINGS = ['rep', 'team', 'rule', 'source', 'segment', 'strategy', 'period'] as const;
export type OutcomeGrouping = (typeof OUTCOME_GROUPINGS)[number];

export const SMALL_SAMPLE = 30;

/** What a lead is reported under: the facts of its decision (recorded with its outcome, so they survive later changes). */
export type LeadAttribution = Readonly<Record<Exclude<OutcomeGrouping, 'period'>, string | null>>;

export interface ReportedLead {
  readonly leadId: string;
  readonly receivedAt: string;
  readonly firstContactAt: string | null;
  readonly attribution: LeadAttribution;
  /** The lead's current outcome, if one was recorded. */
  readonly outcome: {
    readonly kind: OutcomeKind;
    readonly value: number | null;
    readonly currency: string | null;
    readonly closedAt: string;
  } | null;
  /** The deal value the lead came with, counted as open pipeline while it has no outcome. */
  readonly openValue: { readonly value: number; readonly currency: string | null } | null;
}

export interface OutcomeGroupRow {
  readonly key: string;
  readonly leads: number;
  readonly outcomes: number;
  readonly won: number;
  readonly conversion: { readonly rate: number | null } & Interval;
  readonly smallSample: boolean;
  readonly timeToFirstContact: DurationStats;
  readonly timeToClose: DurationStats;
  /** Sums by currency code ('' when the value came without one): one currency is never added to another. */
  readonly wonValue: Readonly<Record<string, number>>;
  readonly openValue: Readonly<Record<string, number>>;
}

/** The group a lead belongs to; `period` is the UTC month the lead was received in. A lead without the fact is "(none)". */
export const NO_GROUP = '(none)';
export function groupKey(lead: ReportedLead, by: OutcomeGrouping): string {
  if (by === 'period') return lead.receivedAt.slice(0, 7);
  return lead.attribution[by] ?? NO_GROUP;
}

const addTo = (sums: Record<string, number>, currency: string | null, value: number) => {
  const c = currency ?? '';
  sums[c] = Math.round(((sums[c] ?? 0) + value) * 100) / 100;
};

/** One row from the leads of one group. */
export function summariseGroup(key: string, leads: readonly ReportedLead[]): OutcomeGroupRow {
  const closed = leads.filter((l) => l.outcome !== null);
  const won = closed.filter((l) => OUTCOME_IS_WIN[l.outcome!.kind]);
  const wonValue: Record<string, number> = {};
  const openValue: Record<string, number> = {};
  for (const l of won) if (l.outcome!.value !== null) addTo(wonValue, l.outcome!.currency, l.outcome!.value);
  for (const l of leads) if (l.outcome === null && l.openValue) addTo(openValue, l.openValue.currency, l.openValue.value);
  const ms = (a: string, b: string) => Date.parse(b) - Date.parse(a);
  return {
    key,
    leads: leads.length,
    outcomes: closed.length,
    won: won.length,
    conversion: { rate: closed.length === 0 ? null : won.length / closed.length, ...wilson(won.length, closed.length) },
    smallSample: closed.length < SMALL_SAMPLE,
    timeToFirstContact: durationStats(leads.flatMap((l) => (l.firstContactAt ? [ms(l.receivedAt, l.firstContactAt)] : []))),
    timeToClose: durationStats(closed.map((l) => ms(l.receivedAt, l.outcome!.closedAt))),
    wonValue,
    openValue,
  };
}

/** Every group's row, in key order, and the row over all leads. */
export function outcomeReport(
  leads: readonly ReportedLead[],
  by: OutcomeGrouping,
): { readonly groupBy: OutcomeGrouping; readonly groups: readonly OutcomeGroupRow[]; readonly overall: OutcomeGroupRow } {
  const groups = new Map<string, ReportedLead[]>();
  for (const l of leads) {
    const key = groupKey(l, by);
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const rows = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, ls]) => summariseGroup(k, ls));
  return { groupBy: by, groups: rows, overall: summariseGroup('all', leads) };
}

/** Sums by currency as one cell: "EUR 1200.5; USD 30". */
const sums = (s: Readonly<Record<string, number>>) =>
  Object.entries(s)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, v]) => (c ? `${c} ${v}` : String(v)))
    .join('; ');

export const OUTCOME_CSV_HEADER = [
  'group',
  'leads',
  'outcomes',
  'won',
  'conversion_rate',
  'conversion_ci95_low',
  'conversion_ci95_high',
  'small_sample',
  'first_contact_ms_p50',
  'first_contact_ms_p90',
  'close_ms_p50',
  'close_ms_p90',
  'won_value',
  'open_value',
] as const;

/** One CSV row per group (and the overall row last), in OUTCOME_CSV_HEADER's order. */
export const outcomeCsvRows = (rows: readonly OutcomeGroupRow[]) =>
  rows.map((g) => [
    g.key,
    g.leads,
    g.outcomes,
    g.won,
    g.conversion.rate,
    g.conversion.low,
    g.conversion.high,
    g.smallSample ? 'yes' : 'no',
    g.timeToFirstContact.p50,
    g.timeToFirstContact.p90,
    g.timeToClose.p50,
    g.timeToClose.p90,
    sums(g.wonValue),
    sums(g.openValue),
  ]);
