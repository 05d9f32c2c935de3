import { beforeAll, describe, expect, it } from 'vitest';
import { checkCoolingOff, type CoolingOffFacts, type CoolingOffTable } from '../../src/domain/lifecycle/cooling-off.ts';
import { checkAppointment } from '../../src/domain/lifecycle/transition.ts';
import { HOUR, iso, local, realPacks } from '../conduct/support/packs.ts';

let table: CoolingOffTable;
beforeAll(async () => {
  table = (await realPacks()).coolingOff;
});

const LON = 'Europe/London';
const PAR = 'Europe/Paris';
const NY = 'America/New_York';

/** One case per pack entry: the facts, when the window starts, and when it should end. */
const CASES: {
  entry: string;
  step: 'PROPOSAL' | 'WON' | 'APPOINTMENT';
  facts: (eventAt: number) => CoolingOffFacts;
  eventAt: number;
  earliest: number;
}[] = [
  {
    entry: 'eu-dmd-life-pensions',
    step: 'PROPOSAL',
    facts: (t) => ({
      jurisdiction: 'FR',
      productLines: ['term_life'],
      flags: ['distance_contract'],
      timeZone: PAR,
      events: { first_contact: t },
    }),
    eventAt: local(PAR, '2026-03-10T10:00'),
    earliest: local(PAR, '2026-04-09T10:00'), // 30 days, across the EU spring change (29 March)
  },
  {
    entry: 'eu-dmd-default',
    step: 'PROPOSAL',
    facts: (t) => ({
      jurisdiction: 'DE',
      productLines: ['mortgages'],
      flags: ['distance_contract'],
      timeZone: 'Europe/Berlin',
      events: { first_contact: t },
    }),
    eventAt: local('Europe/Berlin', '2026-06-01T15:00'),
    earliest: local('Europe/Berlin', '2026-06-15T15:00'),
  },
  {
    entry: 'gb-cobs15-life-pensions',
    step: 'PROPOSAL',
    facts: (t) => ({ jurisdiction: 'GB', productLines: ['pensions'], timeZone: LON, events: { first_contact: t } }),
    eventAt: local(LON, '2026-10-01T09:30'),
    earliest: local(LON, '2026-10-31T09:30'), // across the UK autumn change (25 October)
  },
  {
    entry: 'gb-cobs15-other',
    step: 'PROPOSAL',
    facts: (t) => ({ jurisdiction: 'GB', productLines: ['investments'], timeZone: LON, events: { first_contact: t } }),
    eventAt: local(LON, '2026-03-20T10:00'),
    earliest: Date.parse('2026-04-03T09:00:00Z'), // 10:00 BST: calendar days, not 14 × 24 h
  },
  {
    entry: 'gb-gap-deferral',
    step: 'WON',
    facts: (t) => ({ jurisdiction: 'GB', productLines: ['gap_insurance'], timeZone: LON, events: { information_provided: t } }),
    eventAt: local(LON, '2026-06-01T15:00'), // Monday; clear days Tue 2 and Wed 3
    earliest: local(LON, '2026-06-04T00:00'),
  },
  {
    entry: 'us-free-look-default',
    step: 'PROPOSAL',
    facts: (t) => ({ jurisdiction: 'US-TX', productLines: ['life'], timeZone: 'America/Chicago', events: { first_contact: t } }),
    eventAt: local('America/Chicago', '2026-02-28T11:00'),
    earliest: local('America/Chicago', '2026-03-10T11:00'), // across the US spring change (8 March)
  },
  {
    entry: 'us-free-look-replacement-senior',
    step: 'PROPOSAL',
    facts: (t) => ({
      jurisdiction: 'US-FL',
      productLines: ['whole_life'],
      flags: ['replacement'],
      timeZone: NY,
      events: { first_contact: t },
    }),
    eventAt: local(NY, '2026-10-15T11:00'),
    earliest: local(NY, '2026-11-14T11:00'),
  },
  {
    entry: 'us-medicare-soa-48h',
    step: 'APPOINTMENT',
    facts: (t) => ({ jurisdiction: 'US-AZ', productLines: ['medicare_advantage'], timeZone: 'America/Phoenix', events: { soa_signed: t } }),
    eventAt: Date.parse('2026-10-31T18:00:00Z'),
    earliest: Date.parse('2026-11-02T18:00:00Z'), // 48 elapsed hours, whatever the clocks do
  },
];

describe('cooling-off: one case per pack entry', () => {
  it('every entry in packs/cooling-off has a case', async () => {
    const entries = (await realPacks()).loaded.coolingOff.flatMap((p) => p.data.entries.map((e) => e.id)).sort();
    expect(CASES.map((c) => c.entry).sort()).toEqual(entries);
  });

  it.each(CASES)('$entry blocks $step until the window has elapsed', ({ entry, step, facts, eventAt, earliest }) => {
    const before = checkCoolingOff(table, step, facts(eventAt), earliest - 60_000);
    expect(before.blocked).toBe(true);
    if (!before.blocked) return;
    expect(before.code).toBe('COOLING_OFF_ACTIVE');
    expect(before.entry.entryId).toBe(entry);
    expect(before.entry.source.url).toMatch(/^https:\/\//);
    expect(before.entry.packHash).toMatch(/^sha256:/);
    expect(before.earliestAllowedAt).toBe(iso(earliest));
    expect(checkCoolingOff(table, step, facts(eventAt), earliest).blocked).toBe(false);
  });
});

describe('cooling-off semantics', () => {
  it("GAP clear days are counted in the customer's zone, not UTC", () => {
    // 00:30 BST on Friday 5 June is still Thursday in UTC: counting in UTC would allow Sunday 7 June.
    const facts: CoolingOffFacts = {
      jurisdiction: 'GB',
      productLines: ['gap_insurance'],
      timeZone: LON,
      events: { information_provided: local(LON, '2026-06-05T00:30') },
    };
    const r = checkCoolingOff(table, 'WON', facts, local(LON, '2026-06-07T12:00'));
    expect(r.blocked && r.earliestAllowedAt).toBe(iso(local(LON, '2026-06-08T00:00')));
  });

  it('GAP across the UK autumn change: info Saturday 24 Oct → sale from 00:00 GMT Tuesday 27 Oct', () => {
    const facts: CoolingOffFacts = {
      jurisdiction: 'GB',
      productLines: ['gap_insurance'],
      timeZone: LON,
      events: { information_provided: local(LON, '2026-10-24T15:00') },
    };
    const r = checkCoolingOff(table, 'WON', facts, local(LON, '2026-10-26T23:59'));
    expect(r.blocked && r.earliestAllowedAt).toBe('2026-10-27T00:00:00.000Z');
  });

  it('the longest applicable window is cited (replacement 30 days beats the default 10)', () => {
    const t = local(NY, '2026-05-01T10:00');
    const r = checkCoolingOff(
      table,
      'PROPOSAL',
      { jurisdiction: 'US-NY', productLines: ['life'], flags: ['senior'], timeZone: NY, events: { first_contact: t } },
      t + 20 * 24 * HOUR,
    );
    expect(r.blocked && r.entry.entryId).toBe('us-free-look-replacement-senior');
    expect(r.checked.map((c) => c.entryId).sort()).toEqual(['us-free-look-default', 'us-free-look-replacement-senior']);
  });

  it('market-priced products and non-distance EU sales are outside the Directive entries', () => {
    const t = local(PAR, '2026-05-01T10:00');
    expect(
      checkCoolingOff(
        table,
        'PROPOSAL',
        { jurisdiction: 'FR', productLines: ['securities'], flags: ['distance_contract'], timeZone: PAR, events: { first_contact: t } },
        t,
      ).blocked,
    ).toBe(false);
    expect(
      checkCoolingOff(
        table,
        'PROPOSAL',
        { jurisdiction: 'FR', productLines: ['mortgages'], timeZone: PAR, events: { first_contact: t } },
        t,
      ).blocked,
    ).toBe(false);
  });

  it('Medicare: a documented exception lifts the SOA wait; a missing SOA blocks with its own code', () => {
    const t = Date.parse('2026-06-01T15:00:00Z');
    const base = { jurisdiction: 'US-FL', productLines: ['medicare_advantage'], timeZone: NY };
    expect(checkAppointment(table, { ...base, flags: ['soa_exception'], events: { soa_signed: t } }, t + HOUR).blocked).toBe(false);
    const missing = checkAppointment(table, { ...base, events: {} }, t);
    expect(missing.blocked && missing.code).toBe('COOLING_OFF_EVENT_MISSING');
  });

  it("day-based windows need the customer's zone", () => {
    const t = local(LON, '2026-05-01T10:00');
    const r = checkCoolingOff(table, 'PROPOSAL', { jurisdiction: 'GB', productLines: ['pensions'], events: { first_contact: t } }, t);
    expect(r.blocked && r.code).toBe('CUSTOMER_TIME_ZONE_UNKNOWN');
  });
});
