import { z } from 'zod';
import { localDate, localToEpoch, parseHhMm } from '../conduct/local-time.ts';
import { isValidTimeZone, zonedParts } from '../shared/zoned-time.ts';

/**
 * A person's quiet hours (PUT /v1/me/notifications, docs/notifications.md "Quiet hours"): a notification that falls
 * inside them is held until they end. `from` > `to` is an overnight range (20:00 → 07:30 the next morning). `days`
 * are the days a quiet period *starts* on (Friday 20:00 → Saturday 07:30 is Friday's); omitted: every day.
 */
const HhMmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour, e.g. 07:30');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const QuietHoursSchema = z
  .strictObject({
    from: HhMmSchema.describe('Start, local time (HH:MM).'),
    to: HhMmSchema.describe('End, local time (HH:MM); earlier than `from` for an overnight range.'),
    timeZone: z
      .string()
      .min(1)
      .refine(isValidTimeZone, 'not an IANA time zone, e.g. Europe/London')
      .optional()
      .describe("IANA time zone; omitted: the linked rep's time zone from the org config."),
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'each day once')
      .optional()
      .describe('Days a quiet period starts on; omitted: every day.'),
  })
  .refine((q) => q.from !== q.to, { message: 'from and to must differ', path: ['to'] });
export type QuietHours = z.output<typeof QuietHoursSchema>;

/** Quiet hours with the zone resolved (the person's, else their rep's). */
export type ZonedQuietHours = QuietHours & { readonly timeZone: string };

/** ISO weekday (1 = Monday) of the day before. */
const dayBefore = (weekday: number) => ((weekday + 5) % 7) + 1;

/**
 * When the quiet period containing `atMs` ends, or undefined when `atMs` is not quiet. Judged on the local wall
 * clock, so DST is handled by the zone: a period ending in a skipped hour ends when the clock jumps past it.
 */
function quietUntil(q: ZonedQuietHours, atMs: number): number | undefined {
  const local = zonedParts(q.timeZone, atMs);
  const from = parseHhMm(q.from);
  const to = parseHhMm(q.to);
  const on = (weekday: number) => !q.days || q.days.includes(WEEKDAYS[weekday - 1]!);
  const m = local.minuteOfDay;
  let endDate: string | undefined;
  if (from < to) endDate = m >= from && m < to && on(local.weekday) ? local.date : undefined;
  else if (m >= from && on(local.weekday)) endDate = localDate(q.timeZone, atMs, 1);
  else if (m < to && on(dayBefore(local.weekday))) endDate = local.date;
  if (endDate === undefined) return undefined;
  const end = localToEpoch(q.timeZone, endDate, to);
  // An end time repeated by a fall-back change resolves to its first occurrence, which may already be past: then
  // the period ends when the wall clock reaches `to` again.
  return end > atMs ? end : atMs - (atMs % 60_000) + ((to - m + 1440) % 1440 || 1440) * 60_000;
}

/**
 * The due time of a notification for an event at `atMs`: unchanged outside quiet hours, else the end of the quiet
 * period. Never earlier than the event and never inside quiet hours (property-tested in
 * test/notifications/quiet-hours.property.test.ts).
 */
export function releaseAfterQuietHours(q: ZonedQuietHours, atMs: number): number {
  let due = atMs;
  // Periods never overlap (from ≠ to), but a DST jump can make one end where the next starts: step until clear.
  for (let end = quietUntil(q, due); end !== undefined; end = quietUntil(q, due)) {
    // An end time inside a skipped hour resolves to past the jump: the period really ended at the jump itself.
    let jump = end;
    while (jump - 60_000 > due && quietUntil(q, jump - 60_000) === undefined) jump -= 60_000;
    due = jump;
  }
  return due;
}
