/**
 * Calendar helpers on epoch milliseconds. Config dates may be a day ("2026-03-31") or an instant;
 * a day-only `validTo` means "through the end of that day, UTC".
 */
const DAY_MS = 86_400_000;

export const parseStart = (value: string): number => Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);

export const parseEnd = (value: string): number => (value.length === 10 ? Date.parse(`${value}T00:00:00Z`) + DAY_MS : Date.parse(value));

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
