import { zonedParts } from '../shared/zoned-time.ts';

/**
 * Auto-away (docs/operations.md "Auto-away"): whether a rep whose console was last active at `lastSeen` has
 * been idle for `minutes` working minutes at `now`. Only minutes inside the rep's weekly working hours count
 * (a rep without working hours is always working), and `now` itself must be one: nobody is marked away
 * overnight, and the first minutes of the morning do not count yesterday evening's silence twice. Pure.
 */

/** How far back the walk goes (a heartbeat older than this counts as this old: the answer is the same for any N ≤ a day). */
const MAX_LOOKBACK_MINUTES = 8 * 1440;

export interface WorkingWeek {
  readonly timeZone: string;
  /** Index 1..7 (ISO weekday) → [startMinute, endMinute) ranges; null = always working. */
  readonly workingMinutes: readonly (readonly (readonly [number, number])[])[] | null;
}

const working = (rep: WorkingWeek, at: number): boolean => {
  if (rep.workingMinutes === null) return true;
  const local = zonedParts(rep.timeZone, at);
  return (rep.workingMinutes[local.weekday] ?? []).some(([from, to]) => local.minuteOfDay >= from && local.minuteOfDay < to);
};

export function autoAwayDue(rep: WorkingWeek, lastSeen: number, now: number, minutes: number): boolean {
  if (!working(rep, now)) return false;
  if (now - lastSeen < minutes * 60_000) return false;
  let idle = 0;
  // Walk back minute by minute from now to the heartbeat, counting working minutes; stop as soon as there are enough.
  for (let step = 0; step < MAX_LOOKBACK_MINUTES; step++) {
    const at = now - step * 60_000;
    if (at <= lastSeen) return false;
    if (working(rep, at) && ++idle >= minutes) return true;
  }
  return false;
}
