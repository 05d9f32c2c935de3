/** Parsing and comparison of partial dates of birth (year / year-month / full, ranges, circa). */
import type { BirthDate, PartialDate } from './screening-entity.ts';

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

function validYear(y: number): boolean {
  return y >= 1800 && y <= 2200;
}

function mk(year: number, month?: number, day?: number): PartialDate | undefined {
  if (!validYear(year)) return undefined;
  if (month === undefined) return { year };
  if (month < 1 || month > 12) return undefined;
  if (day === undefined) return { year, month };
  if (day < 1 || day > 31) return undefined;
  return { year, month, day };
}

/** Parses one date: ISO (YYYY, YYYY-MM, YYYY-MM-DD), "10 Dec 1948", "Dec 1948", "10.12.1948", "12/10/1948" (US). */
export function parsePartialDate(input: string): PartialDate | undefined {
  const s = input.trim().replace(/\.$/, '');
  let m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = m[2] !== undefined ? Number(m[2]) : undefined;
    const d = m[3] !== undefined ? Number(m[3]) : undefined;
    // "1960-01-01" style placeholders stay full dates: we cannot know they are placeholders.
    return mk(y, mo, d);
  }
  m = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})$/.exec(s);
  if (m) {
    const mo = MONTHS[m[2]!.slice(0, 3).toLowerCase()];
    return mo ? mk(Number(m[3]), mo, Number(m[1])) : undefined;
  }
  m = /^([A-Za-z]{3,9})\.?\s+(\d{4})$/.exec(s);
  if (m) {
    const mo = MONTHS[m[1]!.slice(0, 3).toLowerCase()];
    return mo ? mk(Number(m[2]), mo) : undefined;
  }
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (m) return mk(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return mk(Number(m[3]), Number(m[1]), Number(m[2]));
  return undefined;
}

/** Parses a published DOB expression: a date, "circa 1955", "1955 to 1957", "01 Jan 1960 to 31 Dec 1962". */
export function parseBirthDate(input: string): BirthDate | undefined {
  let s = input.trim();
  let approximate = false;
  const circa = /^(circa|ca\.?|approx(?:imately)?\.?|about|c\.)\s+/i.exec(s);
  if (circa) {
    approximate = true;
    s = s.slice(circa[0].length);
  }
  const range = /^(.+?)\s+(?:to|-|–|until)\s+(.+)$/i.exec(s);
  if (range) {
    const from = parsePartialDate(range[1]!);
    const to = parsePartialDate(range[2]!);
    if (from && to) return approximate ? { kind: 'range', from, to, approximate } : { kind: 'range', from, to };
  }
  const d = parsePartialDate(s);
  if (!d) return undefined;
  return approximate ? { kind: 'date', date: d, approximate } : { kind: 'date', date: d };
}

export function formatPartialDate(d: PartialDate): string {
  const p = (n: number) => String(n).padStart(2, '0');
  if (d.month === undefined) return String(d.year);
  if (d.day === undefined) return `${d.year}-${p(d.month)}`;
  return `${d.year}-${p(d.month)}-${p(d.day)}`;
}

export function formatBirthDate(b: BirthDate): string {
  const pre = b.approximate ? 'circa ' : '';
  return b.kind === 'date' ? pre + formatPartialDate(b.date) : `${pre}${formatPartialDate(b.from)}..${formatPartialDate(b.to)}`;
}

export type DobComparison = 'exact' | 'compatible' | 'near' | 'mismatch';

/** Year distance between a (possibly partial) query date and a published birth date; 0 when inside a range. */
function yearGap(q: PartialDate, b: BirthDate): number {
  if (b.kind === 'date') return Math.abs(q.year - b.date.year);
  if (q.year < b.from.year) return b.from.year - q.year;
  if (q.year > b.to.year) return q.year - b.to.year;
  return 0;
}

/**
 * Compares a query date with one published DOB.
 * exact: same full date; compatible: agrees at the published precision (year/month) or inside a range;
 * near: 1 year off, or same year with day/month swapped or differing (typo-level); mismatch: otherwise.
 */
export function compareDob(q: PartialDate, b: BirthDate): DobComparison {
  const gap = yearGap(q, b);
  if (b.kind === 'range') {
    if (gap === 0) return 'compatible';
    return gap <= 1 ? 'near' : 'mismatch';
  }
  const d = b.date;
  const tolerance = b.approximate ? 1 : 0;
  if (gap > tolerance) return gap <= tolerance + 1 ? 'near' : 'mismatch';
  if (gap > 0) return 'compatible';
  if (q.month === undefined || d.month === undefined) return 'compatible';
  if (q.month !== d.month) {
    if (q.day !== undefined && d.day !== undefined && q.day === d.month && q.month === d.day) return 'near';
    return b.approximate ? 'compatible' : 'near';
  }
  if (q.day === undefined || d.day === undefined) return 'compatible';
  if (q.day !== d.day) return 'near';
  return 'exact';
}

/**
 * True when both dates are complete (year, month, day; not approximate) and the later one falls more than
 * `years` years after the earlier one. Only such a difference is a *hard* contradiction: partial or
 * approximate dates, ranges and near misses never are.
 */
export function fullDatesMoreThanYearsApart(q: PartialDate, b: BirthDate, years: number): boolean {
  if (b.kind !== 'date' || b.approximate) return false;
  if (q.month === undefined || q.day === undefined || b.date.month === undefined || b.date.day === undefined) return false;
  const key = (d: PartialDate, plusYears = 0) => (d.year + plusYears) * 10_000 + d.month! * 100 + d.day!;
  const [earlier, later] = key(q) <= key(b.date) ? [q, b.date] : [b.date, q];
  return key(later) > key(earlier, years);
}
