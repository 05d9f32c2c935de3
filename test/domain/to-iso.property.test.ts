import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso } from '../../src/domain/shared/zoned-time.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const MAX = 8.64e15;

/** What toISOString says for `ms`: its text, or the error it throws. */
const reference = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};
const actual = (ms: number): string => {
  try {
    return toIso(ms);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

// A walk of instants: mostly a few ms to a few minutes after the last (the kept minute's text is read), sometimes far
// away, negative (before 1970), a fraction of a millisecond, or at the edges of what a Date holds.
const step = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 90_000 }).map((d) => (prev: number) => prev + d) },
  { weight: 2, arbitrary: fc.integer({ min: -150_000, max: 0 }).map((d) => (prev: number) => prev + d) },
  { weight: 2, arbitrary: fc.integer({ min: -MAX, max: MAX }).map((t) => () => t) },
  { weight: 1, arbitrary: fc.double({ min: -1e13, max: 1e13, noNaN: true }).map((t) => () => t) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(MAX, MAX + 1, MAX - 1, MAX - 60_000, -MAX, -MAX - 1, -MAX + 59_999, -0, 0, -1, 59_999, 60_000, NaN, Infinity)
      .map((t) => () => t),
  },
);

describe('toIso', () => {
  it('is Date.prototype.toISOString for any sequence of instants (the kept minute never shows)', () => {
    let kept = 0;
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), fc.array(step, { minLength: 20, maxLength: 60 }), (start, steps) => {
        let at = start;
        expect(actual(at)).toBe(reference(at));
        for (const s of steps) {
          const next = s(at);
          if (Math.floor(next / 60_000) === Math.floor(at / 60_000) && Number.isInteger(next) && Number.isInteger(at)) kept++;
          at = next;
          expect(actual(at)).toBe(reference(at));
        }
      }),
      { numRuns: RUNS },
    );
    // The walk did read the kept minute often (else this test would say nothing about it).
    expect(kept).toBeGreaterThan(RUNS * 2);
  });

  it('keeps nothing from an instant a Date cannot hold: the last valid minute, then one ms later, throws', () => {
    expect(toIso(MAX)).toBe('+275760-09-13T00:00:00.000Z');
    expect(() => toIso(MAX + 1)).toThrow(RangeError);
    expect(toIso(-MAX + 59_999)).toBe(new Date(-MAX + 59_999).toISOString());
    expect(toIso(1.7)).toBe('1970-01-01T00:00:00.001Z');
    expect(toIso(-1.7)).toBe('1969-12-31T23:59:59.999Z');
    expect(toIso(-2)).toBe('1969-12-31T23:59:59.998Z');
  });
});
