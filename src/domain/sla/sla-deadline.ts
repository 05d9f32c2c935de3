import { localDate, localToEpoch, plusCalendarDays } from '../conduct/local-time.ts';
import { subtractPeriods, type WorkingCalendar } from './working-calendar.ts';

export interface SlaWindow {
  readonly minutes: number;
  /** true: only the rep's working time counts (hours in the rep's zone, minus out-of-office). */
  readonly workingTime: boolean;
}

/** How far ahead working time is searched before concluding there is none. */
const HORIZON_DAYS = 400;

const isoWeekday = (date: string): number => {
  const d = new Date(`${date}T12:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};

/**
 * Deadline of an SLA window that starts at `start` (epoch ms). Working-time windows walk the rep's local
 * working ranges day by day (each range converted to instants in the rep's zone, so DST days are as long
 * as they really are) and skip out-of-office and the team's closed days (public holidays); elapsed-time windows simply add the minutes.
 * Returns null when the calendar offers no working time within the horizon (e.g. a year-long absence).
 */
export function slaDeadline(start: number, window: SlaWindow, calendar: WorkingCalendar): number | null {
  let remaining = window.minutes * 60_000;
  if (!window.workingTime) return start + remaining;
  if (remaining === 0) return start;
  // The local date of `start`, then plain calendar days after it (a local date + N days is the same in any zone):
  // one zone conversion instead of one per day walked (issue 18: luxon was ~5 % of a lead's CPU).
  const firstDate = localDate(calendar.timeZone, start);
  for (let day = 0; day <= HORIZON_DAYS; day++) {
    const date = day === 0 ? firstDate : plusCalendarDays(firstDate, day);
    if (calendar.closedDays?.has(date)) continue;
    const ranges = calendar.workingMinutes === null ? [[0, 1440] as const] : (calendar.workingMinutes[isoWeekday(date)] ?? []);
    for (const [from, to] of ranges) {
      const s = Math.max(localToEpoch(calendar.timeZone, date, from), start);
      const e = localToEpoch(calendar.timeZone, date, to);
      if (e <= s) continue;
      for (const [ps, pe] of subtractPeriods(s, e, calendar.outOfOffice)) {
        if (pe - ps >= remaining) return ps + remaining;
        remaining -= pe - ps;
      }
    }
  }
  return null;
}
