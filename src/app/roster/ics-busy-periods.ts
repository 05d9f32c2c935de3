import ical from 'node-ical';
import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { pointer } from '../../domain/errors/detail-path.ts';
import type { OutOfOfficePeriod } from '../../domain/org/roster-change.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';

/**
 * Which events of a rep's calendar feed make them unavailable (docs/operations.md "Calendar feeds"):
 * - cancelled events (STATUS:CANCELLED) never count;
 * - an event that says it is time off counts even when marked free (day-off entries often are): its
 *   summary or a category names out of office / OOO / holiday / vacation / leave / PTO / sick, or Outlook's
 *   X-MICROSOFT-CDO-BUSYSTATUS is OOF;
 * - otherwise an event counts when it blocks time: not TRANSP:TRANSPARENT and not Outlook FREE/TENTATIVE
 *   (RFC 5545: an event without TRANSP is OPAQUE, i.e. busy).
 * Recurring events are expanded (EXDATE and RECURRENCE-ID overrides applied) over the import window.
 * Summaries are not copied (they may be private): a period says only "out of office" or "busy".
 */
const TIME_OFF = /\b(out[ -]of[ -]office|ooo|holidays?|vacation|annual leave|leave|pto|sick)\b/i;
const NOT_BLOCKING = new Set(['FREE', 'TENTATIVE']);
const MAX_PERIODS = 1000;
const DAY_MS = 86_400_000;

type VEvent = ical.VEvent;

const text = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' && 'val' in v ? String(v.val) : '');
const busyStatus = (e: VEvent): string => text((e as unknown as Record<string, unknown>)['MICROSOFT-CDO-BUSYSTATUS']).toUpperCase();

/** Why an event counts, or null when it does not. */
function classify(e: VEvent): 'out of office' | 'busy' | null {
  if (e.status === 'CANCELLED') return null;
  const labels = [text(e.summary), ...(e.categories ?? [])];
  if (busyStatus(e) === 'OOF' || labels.some((l) => TIME_OFF.test(l))) return 'out of office';
  if (e.transparency === 'TRANSPARENT' || NOT_BLOCKING.has(busyStatus(e))) return null;
  return 'busy';
}

const validDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
const pad = (n: number) => String(n).padStart(2, '0');
/** node-ical gives an all-day date as local midnight of this process: read it back with local getters. */
const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

interface Occurrence {
  readonly start: Date;
  readonly end: Date;
  readonly allDay: boolean;
}

function occurrences(e: VEvent, from: Date, to: Date): Occurrence[] {
  const allDay = e.datetype === 'date';
  const end = e.end ?? new Date(e.start.getTime() + (allDay ? DAY_MS : 0));
  if (!e.rrule) return end > from && e.start < to ? [{ start: e.start, end, allDay }] : [];
  return ical
    .expandRecurringEvent(e, { from, to, expandOngoing: true })
    .filter((i) => i.end > from && i.start < to)
    .map((i) => ({ start: i.start, end: i.end, allDay: i.isFullDay }));
}

/** Overlapping or touching timed periods become one (a day of back-to-back meetings is one busy period). */
function mergeTimed(periods: { from: number; to: number; reason: string }[]): OutOfOfficePeriod[] {
  const sorted = [...periods].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: { from: number; to: number; reason: string }[] = [];
  for (const p of sorted) {
    const last = merged.at(-1);
    if (last && p.from <= last.to) {
      last.to = Math.max(last.to, p.to);
      if (p.reason === 'out of office') last.reason = p.reason;
    } else merged.push({ ...p });
  }
  return merged.map((p) => ({ from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), reason: p.reason }));
}

function parse(icsText: string): Result<ical.CalendarResponse, ErrorDetail[]> {
  if (!/^\uFEFF?\s*BEGIN:VCALENDAR/i.test(icsText))
    return err([{ path: pointer(['calendar']), message: 'not an iCalendar file: it must start with BEGIN:VCALENDAR' }]);
  try {
    return ok(ical.sync.parseICS(icsText));
  } catch (e) {
    return err([{ path: pointer(['calendar']), message: `unreadable iCalendar: ${(e as Error).message}` }]);
  }
}

/**
 * The busy and out-of-office periods of an .ics text in [now, now + days): all-day events as day-only periods
 * (read in the rep's time zone, `to` inclusive), timed events as instants, merged where they overlap.
 */
export function busyPeriods(icsText: string, window: { now: number; days: number }): Result<OutOfOfficePeriod[], ErrorDetail[]> {
  const parsed = parse(icsText);
  if (!parsed.ok) return parsed;
  const from = new Date(window.now);
  const to = new Date(window.now + window.days * DAY_MS);
  const problems: ErrorDetail[] = [];
  const days: OutOfOfficePeriod[] = [];
  const timed: { from: number; to: number; reason: string }[] = [];
  for (const [key, component] of Object.entries(parsed.value)) {
    if (!component || typeof component !== 'object' || (component as { type?: string }).type !== 'VEVENT') continue;
    const e = component as VEvent;
    const at = ['events', e.uid ?? key];
    if (!validDate(e.start)) problems.push({ path: pointer([...at, 'DTSTART']), message: 'missing or invalid DTSTART' });
    else if (e.end !== undefined && !validDate(e.end)) problems.push({ path: pointer([...at, 'DTEND']), message: 'invalid DTEND' });
    else if (e.end !== undefined && e.end < e.start) problems.push({ path: pointer([...at, 'DTEND']), message: 'DTEND is before DTSTART' });
    if (problems.length > 0) continue;
    const reason = classify(e);
    if (!reason) continue;
    for (const o of occurrences(e, from, to)) {
      if (o.allDay) days.push({ from: localDay(o.start), to: localDay(new Date(o.end.getTime() - DAY_MS / 2)), reason });
      else timed.push({ from: o.start.getTime(), to: o.end.getTime(), reason });
    }
  }
  if (problems.length > 0) return err(problems);
  const periods = [...days.sort((a, b) => a.from.localeCompare(b.from)), ...mergeTimed(timed.filter((p) => p.to > p.from))];
  if (periods.length > MAX_PERIODS)
    return err([
      { path: pointer(['calendar']), message: `${periods.length} busy periods in the window; at most ${MAX_PERIODS} (import fewer days)` },
    ]);
  return ok(periods);
}
