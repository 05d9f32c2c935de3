import { DateTime } from 'luxon';

/**
 * Calendar helpers on epoch milliseconds. Config dates may be a day ("2026-03-31") or an instant.
 * A day is read in a time zone (the rep's for out-of-office, the grant's declared zone for a
 * licence; UTC when none is given): `validFrom` a day starts at its local midnight, a day-only
 * `validTo` / out-of-office `to` lasts through the end of that local day.
 */
const isDay = (value: string) => value.length === 10;

function dayStart(value: string, zone: string): number {
  const dt = DateTime.fromISO(value, { zone });
  if (!dt.isValid) return Number.NaN;
  return dt.startOf('day').toMillis();
}

export const parseStart = (value: string, zone = 'UTC'): number => (isDay(value) ? dayStart(value, zone) : Date.parse(value));

export const parseEnd = (value: string, zone = 'UTC'): number =>
  isDay(value) ? DateTime.fromMillis(dayStart(value, zone), { zone }).plus({ days: 1 }).toMillis() : Date.parse(value);

/** Adds calendar months in UTC (clamping the day), used for evidence validity periods. */
export function addMonths(epochMs: number, months: number): number {
  const d = new Date(epochMs);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d.getTime();
}
