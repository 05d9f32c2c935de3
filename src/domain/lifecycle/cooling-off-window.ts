import type { CoolingOffWindowSpec } from '../conduct/rule-pack.schema.ts';
import { plusLocalDays, startOfLocalDay } from '../conduct/local-time.ts';

/** A cooling-off window computes its own end; zone-dependent windows need the customer's zone. */
export interface CoolingOffWindow {
  readonly label: string;
  readonly needsZone: boolean;
  /** Earliest instant the blocked step may happen, given the event instant (and the customer's zone when needed). */
  earliest(eventAt: number, zone: string): number;
}

const hoursWindow = (hours: number): CoolingOffWindow => ({
  label: `${hours} hours`,
  needsZone: false,
  earliest: (eventAt) => eventAt + hours * 3_600_000,
});

/** Calendar days: the same local wall time N days later (so 14 days never turns into 14 × 24 h ± 1 across DST). */
const daysWindow = (days: number): CoolingOffWindow => ({
  label: `${days} days`,
  needsZone: true,
  earliest: (eventAt, zone) => plusLocalDays(zone, eventAt, days),
});

/** Clear days: neither the event's day nor the step's day counts, so the step may happen from local midnight of day N + 1. */
const clearDaysWindow = (days: number): CoolingOffWindow => ({
  label: `${days} clear days`,
  needsZone: true,
  earliest: (eventAt, zone) => startOfLocalDay(zone, eventAt, days + 1),
});

export function compileWindow(spec: CoolingOffWindowSpec): CoolingOffWindow {
  if ('hours' in spec) return hoursWindow(spec.hours);
  if ('clearDays' in spec) return clearDaysWindow(spec.clearDays);
  return daysWindow(spec.days);
}
