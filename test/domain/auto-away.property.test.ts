import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoAwayDue, type WorkingWeek } from '../../src/domain/eligibility/auto-away.ts';
import { zonedParts } from '../../src/domain/shared/zoned-time.ts';

/**
 * autoAwayDue against a brute-force count (fast-check): a rep is due exactly when they are at work now and at
 * least N of the minutes in (lastSeen, now] were working minutes — so nobody is marked away outside their
 * working hours, nor before N idle working minutes.
 */

const MIN = 60_000;
const START = Date.parse('2026-11-23T00:00:00Z'); // a Monday

const weekArb: fc.Arbitrary<WorkingWeek> = fc.record({
  timeZone: fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Asia/Dubai'),
  workingMinutes: fc.option(
    fc.array(
      fc.array(
        fc
          .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 600 }))
          .map(([from, len]) => [from, Math.min(1440, from + len)] as const),
        { maxLength: 2 },
      ),
      { minLength: 8, maxLength: 8 },
    ),
    { nil: null },
  ),
});

const workingAt = (w: WorkingWeek, at: number) => {
  if (w.workingMinutes === null) return true;
  const p = zonedParts(w.timeZone, at);
  return (w.workingMinutes[p.weekday] ?? []).some(([from, to]) => p.minuteOfDay >= from && p.minuteOfDay < to);
};

function bruteForce(w: WorkingWeek, lastSeen: number, now: number, n: number): boolean {
  if (!workingAt(w, now)) return false;
  let idle = 0;
  for (let at = now; at > lastSeen; at -= MIN) if (workingAt(w, at)) idle++;
  return idle >= n;
}

describe('auto-away (property)', () => {
  it('is due exactly when the rep is at work and N working minutes passed since the last heartbeat', () => {
    fc.assert(
      fc.property(
        weekArb,
        fc.integer({ min: 0, max: 3 * 1440 }),
        fc.integer({ min: 0, max: 2 * 1440 }),
        fc.integer({ min: 1, max: 120 }),
        (week, seenMinute, gap, n) => {
          const lastSeen = START + seenMinute * MIN;
          const now = lastSeen + gap * MIN;
          expect(autoAwayDue(week, lastSeen, now, n)).toBe(bruteForce(week, lastSeen, now, n));
        },
      ),
      { numRuns: 150 },
    );
  });
});
