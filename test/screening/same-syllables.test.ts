import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameSyllables, syllableSplits } from '../../src/screening/chinese-romanisation.ts';

/** sameSyllables as it was before lane scale8: both runs' sequences built (combine keeps the first 16), then compared. */
function builtSameSyllables(a: readonly string[], b: readonly string[]): boolean {
  const combine = (splits: (readonly string[])[][][]): (readonly string[])[][] => {
    let acc: (readonly string[])[][] = [[]];
    for (const s of splits) {
      if (s.length === 0) return [];
      acc = acc.flatMap((prefix) => s.map((x) => [...prefix, ...x])).slice(0, 16);
    }
    return acc;
  };
  const sa = combine(a.map((w) => syllableSplits(w)));
  const sb = combine(b.map((w) => syllableSplits(w)));
  return sa.some((x) => sb.some((y) => x.length === y.length && x.every((r, i) => r.some((p) => y[i]!.includes(p)))));
}

// syllables in both systems, and words that split several ways (shih|hsi|hsun, shi|hsi|hsun, shih|hsih|sun ...: up to
// 4), so that runs of a few words go past combine's 16 sequences; "smith" does not split at all
const PIECES = [
  'shih',
  'hsi',
  'tse',
  'tung',
  'ze',
  'dong',
  'hsiao',
  'xiao',
  'ping',
  'ssu',
  'tzu',
  'zi',
  'kuo',
  'guo',
  'jen',
  'ren',
  'an',
  'en',
];
const plain = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
const ambiguous = fc
  .tuple(fc.constantFrom('shi', 'chi', 'ni', 'li', 'hsi'), fc.constantFrom('hsihsun', 'hsihsi', 'hsihsu', 'hsun', 'hsi'))
  .map(([x, y]) => x + y);
const word = fc.oneof(plain, ambiguous, ambiguous, fc.constant('smith'));
const run = fc.array(word, { minLength: 0, maxLength: 5 });

describe('sameSyllables without building the sequences (lane scale8)', () => {
  it('answers as building both runs’ sequences did, the 16-sequence cut included', () => {
    let cut = 0;
    let same = 0;
    fc.assert(
      fc.property(run, run, fc.array(fc.nat()), (a, b, picks) => {
        if (a.reduce((n, w) => n * syllableSplits(w).length, 1) > 16) cut++;
        const expected = builtSameSyllables(a, b);
        if (expected) same++;
        expect(sameSyllables(a, b)).toBe(expected);
        // the run's syllables one word each, as one of its sequences reads them (past the cut when the picks fall there)
        const read = a.flatMap((w, i) => {
          const splits = syllableSplits(w);
          return splits.length === 0 ? [w] : splits[(picks[i] ?? 0) % splits.length]!.map((r) => r[0]!);
        });
        expect(sameSyllables(a, read)).toBe(builtSameSyllables(a, read));
        // a run against its own words joined is the common true case
        expect(sameSyllables(a, [a.join('')])).toBe(builtSameSyllables(a, [a.join('')]));
      }),
      { numRuns: 3000 },
    );
    // the property saw runs beyond the cut and runs that match (so neither branch went untested)
    expect(cut).toBeGreaterThan(20);
    expect(same).toBeGreaterThan(20);
  });

  it('keeps the examples', () => {
    expect(sameSyllables(['tse', 'tung'], ['zedong'])).toBe(true);
    expect(sameSyllables(['teng', 'hsiao', 'ping'], ['deng', 'xiaoping'])).toBe(true);
    expect(sameSyllables(['hsin'], ['xing'])).toBe(false);
    expect(sameSyllables([], [])).toBe(true);
    expect(sameSyllables(['smith'], ['smith'])).toBe(false);
  });
});
