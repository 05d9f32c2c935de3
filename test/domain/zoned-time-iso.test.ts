import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso } from '../../src/domain/shared/zoned-time.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const viaDate = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};
const viaToIso = (ms: number): string => {
  try {
    return toIso(ms);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

/** toIso keeps the text up to the minute of the last time it formatted: it must still be exactly toISOString. */
describe('toIso', () => {
  it('is Date#toISOString for runs of times in the same and next minutes, fractions, negatives and the range ends', () => {
    const start = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.constantFrom(0, -1, 8.64e15, -8.64e15, 8.64e15 - 30_000, Date.parse('2026-11-24T23:59:59.990Z')),
      fc.double({ min: -1e13, max: 1e13, noNaN: true }),
    );
    const step = fc.oneof(fc.integer({ min: -70_000, max: 70_000 }), fc.double({ min: -2, max: 2, noNaN: true }), fc.constant(0.5));
    fc.assert(
      fc.property(start, fc.array(step, { minLength: 1, maxLength: 40 }), (t0, steps) => {
        let t = t0;
        for (const s of steps) {
          t += s;
          expect(viaToIso(t)).toBe(viaDate(t));
        }
      }),
      { numRuns: RUNS * 5 },
    );
    for (const odd of [NaN, Infinity, -Infinity, 8.64e15 + 1, -8.64e15 - 1, -0.5, 0.999]) expect(viaToIso(odd)).toBe(viaDate(odd));
  });
});
