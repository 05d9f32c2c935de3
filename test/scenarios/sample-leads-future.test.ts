import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import { LeadSchema, type LeadInput } from '../../src/domain/lead/lead.schema.ts';
import { compileOrg } from '../../src/domain/org/compile-org.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { EMPTY_STATE, viewOf } from '../../src/domain/strategies/routing-state.ts';
import { EXAMPLE_DIR, LEADS_DIR, sampleLeadRows } from './sample-leads-table.ts';

/**
 * Issue 11, "the example must not rot": every sample lead routed two years after today (the real
 * clock, not a fixed date) still gets the outcome examples/bank/leads/README.md promises.
 *
 * The story of each sample is moved forward as a whole number of weeks (same weekday, same UTC time):
 * the lead with its own dates (received, statements, assessments) and the reps' out-of-office periods,
 * which are that week's calendar. The licence register and carrier appointments are NOT moved: they
 * are what must still be in force — or, for the grants that ended on purpose, still ended.
 */

const DAY = 86_400_000;
const TABLE_WEEK = Date.parse('2026-11-24T00:00:00Z');
const TWO_YEARS_AHEAD = Date.now() + 2 * 365.25 * DAY;
const SHIFT_MS = Math.ceil((TWO_YEARS_AHEAD - TABLE_WEEK) / (7 * DAY)) * 7 * DAY;

/** Grants that ended on purpose (the samples rely on them being over); every other one must outlive the shifted week. */
const ENDED_ON_PURPOSE = ['cbi-nl-services-passport', 'fca-cert-hannah-price', 'cadoi-life-jessica-nguyen', 'appt-cascade-ca-emily-tran'];

const DATE = /^\d{4}-\d\d-\d\d(T.*)?$/;
const shiftDate = (iso: string): string => {
  const moved = new Date(Date.parse(iso) + SHIFT_MS).toISOString();
  return iso.length === 10 ? moved.slice(0, 10) : moved;
};
/** Every date or instant in a lead document, moved by SHIFT_MS (whole days, so date-only values stay dates). */
const shiftDates = (value: unknown): unknown =>
  typeof value === 'string' && DATE.test(value)
    ? shiftDate(value)
    : Array.isArray(value)
      ? value.map(shiftDates)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v)]))
        : value;

let loaded: LoadedConfig;
let future: CompiledOrg;

beforeAll(async () => {
  const result = await loadConfig(EXAMPLE_DIR);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  loaded = result.value;
  const config: OrgConfig = {
    ...loaded.config,
    reps: loaded.config.reps.map((r) => ({
      ...r,
      outOfOffice: r.outOfOffice.map((o) => ({ ...o, from: shiftDate(o.from), to: shiftDate(o.to) })),
    })),
  };
  const compiled = compileOrg(config);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  future = compiled.value;
});

describe(`the example two years from now (sample week moved ${Math.round(SHIFT_MS / DAY)} days ahead)`, () => {
  it('every grant and appointment is either ended on purpose or still in force then', () => {
    const grants = [...loaded.config.licences, ...loaded.config.appointments];
    const lapsing = grants
      .filter((g) => g.validTo !== undefined && Date.parse(g.validTo) < TABLE_WEEK + SHIFT_MS + 7 * DAY)
      .map((g) => g.id);
    expect(lapsing.sort()).toEqual([...ENDED_ON_PURPOSE].sort());
  });

  it.each(sampleLeadRows().map((r) => [r.file, r] as const))('%s', (file, row) => {
    const lead = shiftDates(JSON.parse(readFileSync(join(LEADS_DIR, file), 'utf8'))) as LeadInput;
    const at = Date.parse(row.at) + SHIFT_MS;
    const d = decide({ org: future, lead: LeadSchema.parse(lead), at, state: viewOf(EMPTY_STATE), decisionId: `future-${file}` }).decision;
    expect(d.outcome).toBe(row.outcome);
    expect(OUTCOME_EXIT_CODES[d.outcome]).toBe(row.exit);
    expect(d.rule?.id ?? null).toBe(row.rule);
    expect(d.team?.id ?? null).toBe(row.team);
    expect(d.rep?.id ?? null).toBe(row.rep);
    expect(d.reasons[0]?.code).toBe(row.reason ?? 'ASSIGNED');
  });
});
