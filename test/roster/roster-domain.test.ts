import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { busyPeriods } from '../../src/app/roster/ics-busy-periods.ts';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { materialiseHolidays } from '../../src/config/materialise-holidays.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import { OrgConfigSchema, type OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { applyRosterChangeTo, type RepPatch } from '../../src/domain/org/roster-change.ts';
import { rosterDiff } from '../../src/domain/org/roster-diff.ts';
import { EMPTY_STATE, viewOf } from '../../src/domain/strategies/routing-state.ts';
import { slaDeadline } from '../../src/domain/sla/sla-deadline.ts';
import { AT, baseConfig, lead } from '../support/org-builder.ts';

const ICS = readFileSync(new URL('./fixtures/rep-calendar.ics', import.meta.url), 'utf8');

function compiled(config: Record<string, unknown>, year = 2026) {
  const r = compileConfigObject(config, 'test', { publicationYear: year });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.org;
}
const withCalendar = (calendar: unknown) => {
  const c = structuredClone(baseConfig()) as Record<string, any>;
  c.teams[0].calendar = calendar;
  return c;
};
const codesOf = (d: Decision, rep: string) =>
  d.candidates
    .flatMap((t) => t.reps)
    .find((r) => r.id === rep)
    ?.reasons.map((r) => r.code) ?? [];

describe('team calendars: the decision reads the days the version holds', () => {
  it('hand-written days close the team (no library involved); other days and respectWorkingHours=false are open', () => {
    const org = compiled(withCalendar({ holidays: { country: 'GB', days: [{ date: '2026-11-24', name: 'Founders Day' }] } }));
    const run = (at: number, o = org) => decide({ org: o, lead: lead({}), at, state: viewOf(EMPTY_STATE), decisionId: 'd' }).decision;
    expect(codesOf(run(AT), 'alice')).toContain('PUBLIC_HOLIDAY');
    expect(
      run(AT)
        .candidates.flatMap((t) => t.reps)
        .find((r) => r.id === 'alice')!.reasons,
    ).toContainEqual({
      code: 'PUBLIC_HOLIDAY',
      detail: '2026-11-24 Founders Day (Europe/London)',
    });
    expect(codesOf(run(AT + 86_400_000), 'alice')).not.toContain('PUBLIC_HOLIDAY');
    const ignoring = structuredClone(org.config) as Record<string, any>;
    for (const rule of ignoring.rules) if (rule.then.kind === 'route') rule.then.respectWorkingHours = false;
    expect(codesOf(run(AT, compiled(ignoring)), 'alice')).not.toContain('PUBLIC_HOLIDAY');
  });

  it('materialisation is pure given the year, bounded to year-1..+2, and never redone for a stored version', () => {
    const parsed = OrgConfigSchema.parse(withCalendar({ holidays: { country: 'DE', region: 'BY' } }));
    const a = materialiseHolidays(parsed, 2026);
    const b = materialiseHolidays(parsed, 2026);
    expect(a).toEqual(b);
    const days = a.config.teams[0]!.calendar!.holidays!.days!;
    expect(new Set(days.map((d) => d.date.slice(0, 4)))).toEqual(new Set(['2025', '2026', '2027', '2028']));
    expect(days).toContainEqual({ date: '2026-01-06', name: 'Epiphany' });
    // A materialised config is left alone in any year: same config object, same hash.
    expect(materialiseHolidays(a.config, 2041).config).toBe(a.config);
    expect(compiled(a.config as unknown as Record<string, unknown>, 2041).hash).toBe(
      compiled(a.config as unknown as Record<string, unknown>, 2026).hash,
    );
    // Without the days the hash depends on the publication year (a new window is a new version).
    expect(compiled(parsed as unknown as Record<string, unknown>, 2026).hash).not.toBe(
      compiled(parsed as unknown as Record<string, unknown>, 2030).hash,
    );
  });
});

describe('roster changes (pure)', () => {
  const config = (): OrgConfig => OrgConfigSchema.parse(baseConfig());

  it('applies to a copy and the diff names exactly the patched fields', () => {
    const patches = fc.record(
      {
        status: fc.constantFrom('active', 'paused', 'left'),
        weight: fc.integer({ min: 1, max: 1000 }),
        experience: fc.constantFrom('junior', 'intermediate', 'senior', 'expert'),
        skills: fc.array(fc.constantFrom('isa', 'pension', 'fx'), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(patches, (patch) => {
        const before = config();
        const frozen = JSON.stringify(before);
        const applied = applyRosterChangeTo(before, { kind: 'rep.update', repId: 'alice', patch: patch as RepPatch });
        expect(applied.ok).toBe(true);
        if (!applied.ok) return;
        expect(JSON.stringify(before)).toBe(frozen);
        const diff = rosterDiff(before, applied.value, { kind: 'rep', id: 'alice' });
        const alice = before.reps.find((r) => r.id === 'alice')!;
        const expected = Object.entries(patch)
          .filter(([k, v]) => JSON.stringify(alice[k as keyof typeof alice]) !== JSON.stringify(v))
          .map(([k]) => `reps.alice.${k}`)
          .sort();
        expect(diff.map((d) => d.path)).toEqual(expected);
        // Other reps never change.
        expect(applied.value.reps.filter((r) => r.id !== 'alice')).toEqual(before.reps.filter((r) => r.id !== 'alice'));
      }),
    );
  });

  it('a calendar import replaces imported periods only', () => {
    const c = config();
    const manual = { from: '2026-12-01', to: '2026-12-02', reason: 'manual' };
    c.reps[0]!.outOfOffice = [manual, { from: '2026-11-01', to: '2026-11-02', importedFrom: 'upload' }];
    const next = applyRosterChangeTo(c, {
      kind: 'rep.calendar-import',
      repId: c.reps[0]!.id,
      source: 'upload',
      periods: [{ from: '2026-12-10', to: '2026-12-10', reason: 'busy' }],
    });
    expect(next.ok && next.value.reps[0]!.outOfOffice).toEqual([
      manual,
      { from: '2026-12-10', to: '2026-12-10', reason: 'busy', importedFrom: 'upload' },
    ]);
  });
});

describe('.ics busy periods', () => {
  it('the same periods whatever the process time zone says (instants in UTC, all-day as local dates)', () => {
    const now = Date.parse('2026-11-24T11:00:00Z');
    const periods = busyPeriods(ICS, { now, days: 30 });
    expect(periods.ok).toBe(true);
    if (!periods.ok) return;
    expect(periods.value).toHaveLength(6);
    expect(periods.value[0]).toEqual({ from: '2026-11-30', to: '2026-12-01', reason: 'out of office' });
    // An event ongoing at `now` is included; one already over is not.
    const later = busyPeriods(ICS, { now: Date.parse('2026-11-24T14:30:00Z'), days: 1 });
    expect(later.ok && later.value).toEqual([{ from: '2026-11-24T14:00:00.000Z', to: '2026-11-24T15:00:00.000Z', reason: 'busy' }]);
  });

  it('touching and overlapping timed events merge; cancelled, free and tentative ones do not count', () => {
    const ev = (uid: string, start: string, end: string, extra = '') =>
      `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20261120T090000Z\r\nDTSTART:${start}\r\nDTEND:${end}\r\nSUMMARY:m\r\n${extra}END:VEVENT\r\n`;
    const ics =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n' +
      ev('a', '20261124T120000Z', '20261124T130000Z') +
      ev('b', '20261124T130000Z', '20261124T133000Z') +
      ev('c', '20261124T132000Z', '20261124T140000Z') +
      ev('d', '20261124T150000Z', '20261124T160000Z', 'STATUS:CANCELLED\r\n') +
      ev('e', '20261124T160000Z', '20261124T170000Z', 'TRANSP:TRANSPARENT\r\n') +
      ev('f', '20261124T170000Z', '20261124T180000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\n') +
      ev('g', '20261124T190000Z', '20261124T200000Z', 'TRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n') +
      'END:VCALENDAR\r\n';
    const periods = busyPeriods(ics, { now: Date.parse('2026-11-24T00:00:00Z'), days: 2 });
    expect(periods.ok && periods.value).toEqual([
      { from: '2026-11-24T12:00:00.000Z', to: '2026-11-24T14:00:00.000Z', reason: 'busy' },
      { from: '2026-11-24T19:00:00.000Z', to: '2026-11-24T20:00:00.000Z', reason: 'out of office' },
    ]);
  });
});

describe('SLA working time and team calendars', () => {
  it("a working-time SLA does not count the team's closed days", () => {
    const hours = [[], ...Array.from({ length: 7 }, () => [[540, 1020] as const])];
    const calendar = { timeZone: 'Europe/London', workingMinutes: hours, outOfOffice: [] };
    const start = Date.parse('2026-12-24T16:30:00Z');
    const window = { minutes: 60, workingTime: true };
    expect(new Date(slaDeadline(start, window, calendar)!).toISOString()).toBe('2026-12-25T09:30:00.000Z');
    const closed = new Map([['2026-12-25', { kind: 'public-holiday', name: 'Christmas Day' }]]);
    expect(new Date(slaDeadline(start, window, { ...calendar, closedDays: closed })!).toISOString()).toBe('2026-12-26T09:30:00.000Z');
  });
});
