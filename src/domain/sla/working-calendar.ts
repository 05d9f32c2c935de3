/**
 * A rep's working time: ranges of local minutes per ISO weekday, in the rep's zone, minus out-of-office.
 * Structurally the same as CompiledRep, so a compiled rep can be passed as is.
 */
export interface WorkingCalendar {
  readonly timeZone: string;
  /** Index 1..7 (ISO weekday) → sorted, non-overlapping [startMinute, endMinute) ranges; null = always working. */
  readonly workingMinutes: readonly (readonly (readonly [number, number])[])[] | null;
  readonly outOfOffice: readonly { readonly fromMs: number; readonly toMs: number }[];
  /** Local dates (YYYY-MM-DD) the rep's team is closed (public holidays, closed days): no working time at all. */
  readonly closedDays?: ReadonlyMap<string, unknown>;
}

/** Removes out-of-office periods from [from, to). */
export function subtractPeriods(from: number, to: number, periods: WorkingCalendar['outOfOffice']): [number, number][] {
  let pieces: [number, number][] = [[from, to]];
  for (const p of periods) {
    pieces = pieces.flatMap(([s, e]): [number, number][] => {
      if (p.toMs <= s || p.fromMs >= e) return [[s, e]];
      const out: [number, number][] = [];
      if (p.fromMs > s) out.push([s, p.fromMs]);
      if (p.toMs < e) out.push([p.toMs, e]);
      return out;
    });
  }
  return pieces;
}
