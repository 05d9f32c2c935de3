import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { digestPeriodEnd } from '../../src/domain/notifications/digest-period.ts';
import { notificationTiming } from '../../src/domain/notifications/notification-timing.ts';
import { QuietHoursSchema, releaseAfterQuietHours, WEEKDAYS, type ZonedQuietHours } from '../../src/domain/notifications/quiet-hours.ts';

/**
 * Quiet hours (docs/notifications.md): the due time of a notification is never inside quiet hours, never earlier
 * than the event, the end of the quiet period (the instant before it is still quiet), and unchanged outside quiet
 * hours, across DST changes in zones with 30- and 45-minute offsets. The oracle reads the wall clock with luxon.
 */

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];
// DST changes in 2026 (EU, US, southern hemisphere, Chatham): events are drawn around them as well as uniformly.
const CHANGES = [
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-04-04T16:00:00Z',
  '2026-09-26T14:00:00Z',
].map(Date.parse);
const DAY = 86_400_000;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Oracle: is the wall clock at `ms` inside the quiet hours? */
function quiet(q: ZonedQuietHours, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: q.timeZone });
  const minute = local.hour * 60 + local.minute;
  const from = Number(q.from.slice(0, 2)) * 60 + Number(q.from.slice(3));
  const to = Number(q.to.slice(0, 2)) * 60 + Number(q.to.slice(3));
  const on = (dt: DateTime) => !q.days || q.days.includes(WEEKDAYS[dt.weekday - 1]!);
  if (from < to) return minute >= from && minute < to && on(local);
  return (minute >= from && on(local)) || (minute < to && on(local.minus({ days: 1 })));
}

const quietHours = fc
  .record({
    from: fc.integer({ min: 0, max: 1439 }),
    to: fc.integer({ min: 0, max: 1439 }),
    timeZone: fc.constantFrom(...ZONES),
    days: fc.option(fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }), { nil: undefined }),
  })
  .filter((q) => q.from !== q.to)
  .map((q): ZonedQuietHours => ({ from: hhmm(q.from), to: hhmm(q.to), timeZone: q.timeZone, ...(q.days ? { days: q.days } : {}) }));

const instant = fc.oneof(
  fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }),
  fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -2 * DAY, max: 2 * DAY })).map(([c, d]) => c + d),
);

describe('quiet hours', () => {
  it('the due time is never inside quiet hours, never before the event, and the end of the quiet period', () => {
    fc.assert(
      fc.property(quietHours, instant, (q, at) => {
        const due = releaseAfterQuietHours(q, at);
        expect(due).toBeGreaterThanOrEqual(at);
        expect(quiet(q, due)).toBe(false);
        if (quiet(q, at)) {
          expect(due).toBeGreaterThan(at);
          expect(quiet(q, due - 1)).toBe(true); // not later than needed
          expect(due - at).toBeLessThanOrEqual(DAY + 3_600_000);
        } else expect(due).toBe(at);
      }),
      { numRuns: 3000 },
    );
  });

  it('overnight 20:00–07:30 London: an event at 23:00 is due at 07:30 the next morning, in summer and in winter', () => {
    const q: ZonedQuietHours = { from: '20:00', to: '07:30', timeZone: 'Europe/London' };
    expect(new Date(releaseAfterQuietHours(q, Date.parse('2026-07-01T22:00:00Z'))).toISOString()).toBe('2026-07-02T06:30:00.000Z');
    expect(new Date(releaseAfterQuietHours(q, Date.parse('2026-12-01T23:00:00Z'))).toISOString()).toBe('2026-12-02T07:30:00.000Z');
    // The night the clocks go back (25 October 2026): 07:30 GMT.
    expect(new Date(releaseAfterQuietHours(q, Date.parse('2026-10-24T21:00:00Z'))).toISOString()).toBe('2026-10-25T07:30:00.000Z');
    expect(releaseAfterQuietHours(q, Date.parse('2026-12-01T12:00:00Z'))).toBe(Date.parse('2026-12-01T12:00:00Z'));
  });

  it('days are the days a quiet period starts on: Friday night is quiet, Saturday night is not', () => {
    const q: ZonedQuietHours = { from: '20:00', to: '07:30', timeZone: 'Europe/London', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    // Saturday 2026-12-05 02:00 belongs to Friday's period.
    expect(new Date(releaseAfterQuietHours(q, Date.parse('2026-12-05T02:00:00Z'))).toISOString()).toBe('2026-12-05T07:30:00.000Z');
    expect(releaseAfterQuietHours(q, Date.parse('2026-12-05T22:00:00Z'))).toBe(Date.parse('2026-12-05T22:00:00Z'));
  });

  it('validation: field-level errors for a bad time, an unknown zone, equal ends and repeated days', () => {
    const paths = (v: unknown) => {
      const r = QuietHoursSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.')).sort();
    };
    expect(paths({ from: '20:00', to: '07:30', timeZone: 'Europe/London', days: ['fri'] })).toEqual([]);
    expect(paths({ from: '25:00', to: '07:30' })).toEqual(['from']);
    expect(paths({ from: '20:00', to: '07:30', timeZone: 'Mars/Olympus' })).toEqual(['timeZone']);
    expect(paths({ from: '20:00', to: '20:00' })).toEqual(['to']);
    expect(paths({ from: '20:00', to: '07:00', days: ['fri', 'fri'] })).toEqual(['days']);
  });
});

describe('digest periods and timing', () => {
  it('a period ends after the event, at most everyMinutes later, never past the next UTC midnight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 15, max: 1440 }), instant, (everyMinutes, at) => {
        const end = digestPeriodEnd({ everyMinutes }, at);
        expect(end).toBeGreaterThan(at);
        expect(end - at).toBeLessThanOrEqual(everyMinutes * 60_000);
        expect(end).toBeLessThanOrEqual(Math.floor(at / DAY) * DAY + DAY);
        // Every instant of the period has the same end: one digest per period.
        expect(digestPeriodEnd({ everyMinutes }, end - 1)).toBe(end);
      }),
      { numRuns: 2000 },
    );
  });

  it('digest then quiet hours: a night of periods collapses into one digest at the end of quiet hours; urgent goes at once', () => {
    const quietHours: ZonedQuietHours = { from: '20:00', to: '07:30', timeZone: 'Europe/London' };
    const digest = { everyMinutes: 15 };
    const night = ['2026-12-01T21:05:00Z', '2026-12-02T01:40:00Z', '2026-12-02T07:20:00Z'].map((t) =>
      notificationTiming(Date.parse(t), { quietHours, digest }, false),
    );
    expect(new Set(night.map((t) => t.digestKey))).toEqual(new Set(['digest:2026-12-02T07:30:00.000Z']));
    expect(night.every((t) => t.dueMs === Date.parse('2026-12-02T07:30:00Z'))).toBe(true);
    const day = notificationTiming(Date.parse('2026-12-02T10:05:00Z'), { quietHours, digest }, false);
    expect(day).toEqual({ dueMs: Date.parse('2026-12-02T10:15:00Z'), digestKey: 'digest:2026-12-02T10:15:00.000Z' });
    expect(notificationTiming(Date.parse('2026-12-01T21:05:00Z'), { quietHours, digest }, true)).toEqual({
      dueMs: Date.parse('2026-12-01T21:05:00Z'),
      digestKey: null,
    });
  });
});
