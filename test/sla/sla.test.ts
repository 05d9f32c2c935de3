import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextSlaAction, type LeadSlaState } from '../../src/domain/sla/sla-action.ts';
import { slaDeadline } from '../../src/domain/sla/sla-deadline.ts';
import { localDate } from '../../src/domain/conduct/local-time.ts';
import { rerouteExclusions, rerouteWithExclusions } from '../../src/domain/sla/reroute-exclusion.ts';
import type { WorkingCalendar } from '../../src/domain/sla/working-calendar.ts';
import { local } from '../conduct/support/packs.ts';

const NY = 'America/New_York';
const LON = 'Europe/London';
const nineToFive: [number, number][] = [[9 * 60, 17 * 60]];
const weekdays = (zone: string, outOfOffice: WorkingCalendar['outOfOffice'] = []): WorkingCalendar => ({
  timeZone: zone,
  workingMinutes: [[], nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, [], []],
  outOfOffice,
});
const twoHours = { minutes: 120, workingTime: true };

describe('slaDeadline', () => {
  it('counts only working time over a weekend: Friday 16:00 + 2 working hours = Monday 10:00', () => {
    expect(slaDeadline(local(NY, '2026-06-05T16:00'), twoHours, weekdays(NY))).toBe(local(NY, '2026-06-08T10:00'));
  });

  it('a lead arriving on Saturday starts counting Monday 09:00', () => {
    expect(slaDeadline(local(NY, '2026-06-06T11:00'), { minutes: 60, workingTime: true }, weekdays(NY))).toBe(
      local(NY, '2026-06-08T10:00'),
    );
  });

  it('across the US spring change: Friday 6 March 16:00 EST → Monday 9 March 10:00 EDT (14:00Z)', () => {
    expect(slaDeadline(Date.parse('2026-03-06T21:00:00Z'), twoHours, weekdays(NY))).toBe(Date.parse('2026-03-09T14:00:00Z'));
  });

  it('across the US autumn change: Friday 30 Oct 16:00 EDT → Monday 2 Nov 10:00 EST (15:00Z)', () => {
    expect(slaDeadline(Date.parse('2026-10-30T20:00:00Z'), twoHours, weekdays(NY))).toBe(Date.parse('2026-11-02T15:00:00Z'));
  });

  it('across the UK spring change: Friday 27 March 16:00 GMT → Monday 30 March 10:00 BST (09:00Z)', () => {
    expect(slaDeadline(Date.parse('2026-03-27T16:00:00Z'), twoHours, weekdays(LON))).toBe(Date.parse('2026-03-30T09:00:00Z'));
  });

  it('skips out-of-office: off Monday → Tuesday 10:00', () => {
    const cal = weekdays(NY, [{ fromMs: local(NY, '2026-06-08T00:00'), toMs: local(NY, '2026-06-09T00:00') }]);
    expect(slaDeadline(local(NY, '2026-06-05T16:00'), twoHours, cal)).toBe(local(NY, '2026-06-09T10:00'));
  });

  it('an out-of-office period in the middle of a day pauses the clock', () => {
    const cal = weekdays(NY, [{ fromMs: local(NY, '2026-06-08T10:00'), toMs: local(NY, '2026-06-08T13:00') }]);
    expect(slaDeadline(local(NY, '2026-06-08T09:30'), twoHours, cal)).toBe(local(NY, '2026-06-08T14:30'));
  });

  it('an always-on rep over the fall-back night gets real elapsed time (the repeated hour counts)', () => {
    const cal: WorkingCalendar = { timeZone: NY, workingMinutes: null, outOfOffice: [] };
    const start = Date.parse('2026-11-01T04:30:00Z'); // 00:30 EDT
    expect(slaDeadline(start, twoHours, cal)).toBe(start + 2 * 3_600_000);
  });

  it('elapsed-time windows ignore working hours', () => {
    const start = local(NY, '2026-06-06T11:00');
    expect(slaDeadline(start, { minutes: 90, workingTime: false }, weekdays(NY))).toBe(start + 90 * 60_000);
  });

  it('no working time at all within the horizon → null', () => {
    expect(
      slaDeadline(local(NY, '2026-06-06T11:00'), twoHours, {
        timeZone: NY,
        workingMinutes: [[], [], [], [], [], [], [], []],
        outOfOffice: [],
      }),
    ).toBeNull();
  });
});

describe('nextSlaAction', () => {
  const assignedAt = local(NY, '2026-06-08T09:00');
  const state = (over: Partial<LeadSlaState> = {}): LeadSlaState => ({
    leadId: 'lead-1',
    repId: 'alice',
    assignedAt,
    acceptDeadline: local(NY, '2026-06-08T10:00'),
    firstContactDeadline: local(NY, '2026-06-08T11:00'),
    previousMisses: 0,
    missedBy: [],
    policy: { escalateAfterMisses: 2, escalateTo: 'team-lead', rerouteOnEscalation: true },
    ...over,
  });

  it('nothing to do before the deadline; says when to look again', () => {
    expect(nextSlaAction(state(), local(NY, '2026-06-08T09:30'))).toEqual({ kind: 'none', nextCheckAt: local(NY, '2026-06-08T10:00') });
  });

  it('accept missed → reroute (attempt 1), the rep who missed goes on the exclusion list', () => {
    expect(nextSlaAction(state(), local(NY, '2026-06-08T10:00'))).toEqual({
      kind: 'reroute',
      missed: 'accept',
      attempt: 1,
      reasonCode: 'SLA_ACCEPT_MISSED',
      fromRep: 'alice',
      missedBy: ['alice'],
    });
  });

  it('accepted but no first contact by the deadline → first_contact miss', () => {
    const a = nextSlaAction(state({ acceptedAt: local(NY, '2026-06-08T09:20') }), local(NY, '2026-06-08T11:05'));
    expect(a).toMatchObject({ kind: 'reroute', missed: 'first_contact', reasonCode: 'SLA_FIRST_CONTACT_MISSED' });
  });

  it('escalates after N misses (configurable)', () => {
    const a = nextSlaAction(state({ repId: 'bob', previousMisses: 1, missedBy: ['alice'] }), local(NY, '2026-06-08T10:30'));
    expect(a).toEqual({
      kind: 'escalate',
      missed: 'accept',
      attempt: 2,
      reasonCode: 'SLA_ACCEPT_MISSED',
      fromRep: 'bob',
      missedBy: ['alice', 'bob'],
      escalateTo: 'team-lead',
      reroute: true,
    });
    expect(
      nextSlaAction(
        state({ previousMisses: 1, policy: { escalateAfterMisses: 3, escalateTo: 'ops', rerouteOnEscalation: false } }),
        local(NY, '2026-06-08T10:30'),
      ).kind,
    ).toBe('reroute');
  });

  it('first contact made → SLA met', () => {
    expect(nextSlaAction(state({ acceptedAt: assignedAt, firstContactAt: assignedAt + 1000 }), local(NY, '2026-06-09T10:00'))).toEqual({
      kind: 'none',
      nextCheckAt: null,
    });
  });
});

describe('re-route exclusions', () => {
  it('first excludes everyone who missed, then nobody', () => {
    expect(rerouteExclusions(['alice', 'bob', 'alice'])).toEqual([['alice', 'bob'], []]);
    expect(rerouteExclusions([])).toEqual([[]]);
  });

  it('never back to the rep who missed while someone else is eligible', () => {
    const eligible = ['alice', 'carol'];
    const decide = (exclude: readonly string[]) => eligible.find((r) => !exclude.includes(r)) ?? null;
    expect(rerouteWithExclusions(['alice'], decide, (r) => r !== null)).toEqual({
      result: 'carol',
      excluded: ['alice'],
      fellBackToMissed: false,
    });
  });

  it('back to the rep who missed only when nobody else is eligible', () => {
    const decide = (exclude: readonly string[]) => ['alice'].find((r) => !exclude.includes(r)) ?? null;
    expect(rerouteWithExclusions(['alice'], decide, (r) => r !== null)).toEqual({ result: 'alice', excluded: [], fellBackToMissed: true });
  });
});

describe('slaDeadline walks local dates by calendar arithmetic (issue 18)', () => {
  it('a local date N days after a start is the local date of the start plus N calendar days, across DST changes, in any zone', () => {
    const zones = [NY, LON, 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia', 'America/Santiago', 'UTC'];
    // Starts every 7 h 13 min through 2026, so every hour of the day and both DST changes of each zone are crossed.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += (7 * 60 + 13) * 60_000)
      for (const zone of zones)
        for (const days of [1, 2, 3, 31, 200]) {
          const [y, m, d] = localDate(zone, t).split('-').map(Number) as [number, number, number];
          const calendar = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
          expect(localDate(zone, t, days)).toBe(calendar);
        }
  });

  it("localDate is luxon's date plus N days at any instant, also right around local midnights and DST changes (fast-check)", () => {
    const zones = [NY, LON, 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia', 'America/Santiago', 'Asia/Tokyo', 'UTC'];
    const luxon = (zone: string, t: number, days: number) => DateTime.fromMillis(t, { zone }).plus({ days }).toISODate();
    // Instants near a local midnight or a DST change of the zone (±1 s, ±1 ms), and anywhere in 2000–2040.
    const edges = (zone: string): number[] => {
      const out: number[] = [];
      for (let y = 2025; y <= 2026; y++)
        for (let m = 1; m <= 12; m++) {
          const midnight = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone }).toMillis();
          out.push(midnight);
          const hourly = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone: 'UTC' }).toMillis();
          for (let h = 0; h < 24 * 31; h++) {
            const t = hourly + h * 3_600_000;
            if (DateTime.fromMillis(t, { zone }).offset !== DateTime.fromMillis(t + 3_600_000, { zone }).offset) out.push(t + 3_600_000);
          }
        }
      return out;
    };
    const near = zones.flatMap((zone) => edges(zone).map((t) => [zone, t] as const));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ zone: fc.constantFrom(...zones), t: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }) }),
          fc.constantFrom(...near).map(([zone, t]) => ({ zone, t })),
        ),
        fc.constantFrom(-1_000, -1, 0, 1, 1_000, 60_000, 30 * 60_000),
        fc.integer({ min: 0, max: 400 }),
        ({ zone, t }, shift, days) => {
          expect(localDate(zone, t + shift, days)).toBe(luxon(zone, t + shift, days));
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
