import type { z } from 'zod';
import { zonedParts } from '../shared/zoned-time.ts';
import { formatMinutes, localDate, localToEpoch, parseHhMm } from './local-time.ts';
import { defineRule, describeLocations, fail, pass, type OutreachRule, type RuleMeta } from './outreach-rule.ts';
import type { QuietHoursSpecSchema, Weekday } from './rule-pack.schema.ts';

export type QuietHoursSpec = z.infer<typeof QuietHoursSpecSchema>;

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface LocalWindow {
  /** Minutes since local midnight, [from, to). */
  readonly from: number;
  readonly to: number;
  /** ISO weekdays 1..7 on which the window opens; null = every day. */
  readonly days: ReadonlySet<number> | null;
}

export const toLocalWindow = (spec: QuietHoursSpec): LocalWindow => ({
  from: parseHhMm(spec.allowed.from),
  to: parseHhMm(spec.allowed.to),
  days: spec.days ? new Set(spec.days.map((d) => WEEKDAYS.indexOf(d) + 1)) : null,
});

export function insideWindow(zone: string, at: number, w: LocalWindow): boolean {
  const p = zonedParts(zone, at);
  return (w.days === null || w.days.has(p.weekday)) && p.minuteOfDay >= w.from && p.minuteOfDay < w.to;
}

/** Earliest instant ≥ at inside the window in `zone` (looks up to 8 local days ahead). */
export function nextInWindow(zone: string, at: number, w: LocalWindow): number | null {
  if (insideWindow(zone, at, w)) return at;
  for (let d = 0; d <= 8; d++) {
    const date = localDate(zone, at, d);
    const start = localToEpoch(zone, date, w.from);
    if (start < at) continue;
    if (insideWindow(zone, start, w)) return start;
  }
  return null;
}

/**
 * Allowed local window at the recipient's location(s). Every zone of every location in scope must be
 * inside the window (strictest wins); the retry time is the first instant all of them are.
 */
export function quietHoursRule(spec: QuietHoursSpec, meta: RuleMeta): OutreachRule {
  const window = toLocalWindow(spec);
  const label = `${spec.allowed.from}–${spec.allowed.to}${spec.days ? ` on ${spec.days.join(', ')}` : ''}`;
  return defineRule(spec, meta, (_ctx, at, inScope) => {
    const zones = [...new Set(inScope.flatMap((l) => l.zones))];
    if (zones.length === 0)
      return fail(
        'RECIPIENT_TIME_ZONE_UNKNOWN',
        `no time zone known for ${describeLocations(inScope)}; local window ${label} cannot be checked`,
      );
    const outside = zones.filter((z) => !insideWindow(z, at, window));
    if (outside.length === 0)
      return pass('WITHIN_CALLING_HOURS', `inside ${label} local time in ${zones.join(', ')} for ${describeLocations(inScope)}`);
    const shown = outside.map((z) => `${formatMinutes(zonedParts(z, at).minuteOfDay)} ${z}`).join(', ');
    return fail(
      'OUTSIDE_CALLING_HOURS',
      `${shown} is outside the allowed ${label} local window for ${describeLocations(inScope)}`,
      retryAcross(zones, at, window),
    );
  });
}

function retryAcross(zones: readonly string[], at: number, w: LocalWindow): number | null {
  let t = at;
  for (let i = 0; i < 16; i++) {
    let latest = t;
    for (const z of zones) {
      const n = nextInWindow(z, t, w);
      if (n === null) return null;
      latest = Math.max(latest, n);
    }
    if (latest === t) return t;
    t = latest;
  }
  return null;
}
