import { describe, expect, it } from 'vitest';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { compareNames } from '../../src/screening/matcher.ts';

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
