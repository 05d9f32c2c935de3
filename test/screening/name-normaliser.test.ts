import { describe, expect, it } from 'vitest';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { compareNames } from '../../src/screening/matcher.ts';
import { jaro, jaroWinkler } from '../../src/screening/jaro-winkler.ts';

describe('name normalisation looks words up in its own tables only', () => {
  it('a word that names an Object.prototype member stays the word', () => {
    const texts = normaliseName('Sino Constructor Ltd', 'organisation').tokens.map((t) => t.text);
    expect(texts).toContain('constructor');
    expect(texts.some((t) => t.includes('function'))).toBe(false);
    // and so it compares as a word: one letter apart, not a different token
    expect(compareNames('person', 'Ivan Constructor', 'Ivan Konstructor').score).toBeGreaterThanOrEqual(0.8);
  });

  it('number words still become digits', () => {
    expect(normaliseName('Forty Two Holdings', 'organisation').tokens.map((t) => t.text)).toContain('42');
  });
});

describe('Jaro-Winkler with reused scratch flags', () => {
  it('gives the same values whatever was compared before (longer, shorter, equal strings)', () => {
    const words = ['martha', 'marhta', 'dwayne', 'duane', 'dixon', 'dicksonx', 'a', 'abcdefghijklmnopqrstuvwxyz'.repeat(5), 'ab'];
    const fresh = words.flatMap((a) => words.map((b) => [jaro(a, b), jaroWinkler(a, b)]));
    // again, each pair right after a long pair has left flags set far beyond the short strings' lengths
    const long = 'abcdefghijklmnopqrstuvwxyz'.repeat(5);
    const again = words.flatMap((a) =>
      words.map((b) => {
        jaro(long, long.slice(3) + 'xyz');
        return [jaro(a, b), jaroWinkler(a, b)];
      }),
    );
    expect(again).toEqual(fresh);
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
  });
});
