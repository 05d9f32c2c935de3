/**
 * When a listing stops being in force: the CSL `end_date` and the Denied Persons List `Expiration_Date` (a denial
 * order's last day). An entry whose end date has passed is not loaded (docs/screening.md "CSL and DPL"): an expired
 * order must not hold a lead, and the load counts it (`expired_entry`) so the drop is visible.
 */
import { ListLoadError } from './list-error.ts';
import { parsePartialDate } from './partial-date.ts';

const iso = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The end date as `YYYY-MM-DD`, undefined when empty; anything but a full date is a ListLoadError naming the column. */
export function listingEndDate(file: string, line: number, column: string, value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  const d = parsePartialDate(v);
  if (!d || d.month === undefined || d.day === undefined)
    throw new ListLoadError(
      file,
      line,
      `column "${column}": expected a full date (YYYY-MM-DD or MM/DD/YYYY), got ${JSON.stringify(v.slice(0, 40))}`,
    );
  return `${iso(d.year, 4)}-${iso(d.month)}-${iso(d.day)}`;
}

/** In force through its last day: ended only once that UTC day is over. */
export const hasEnded = (endDate: string | undefined, today: string): boolean => endDate !== undefined && endDate < today;
