import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { abbreviates } from '../../src/screening/abbreviated-words.ts';

const THRESHOLD = 0.8;

describe('words abbreviated with a full stop in company names', () => {
  it('a truncation or contraction with a full stop stands for the word', () => {
    expect(compareNames('organisation', 'Comm. Zanetti Livio S.a.s.', 'Commendator Zanetti Livio S.a.s.').score).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
    expect(compareNames('organisation', 'Ostrava Hutn. Zavody', 'Ostrava Hutnicke Zavody').score).toBeGreaterThanOrEqual(THRESHOLD);
    const r = compareNames('organisation', 'Commendator Zanetti Livio S.a.s.', 'Comm. Zanetti Livio S.a.s.');
    expect(r.explanation.matches.some((m) => m.a === 'commendator' && m.b === 'comm' && m.how === 'initial')).toBe(true);
  });

  it('without a full stop a short word is a word of its own', () => {
    expect(compareNames('organisation', 'Comm Zanetti Livio', 'Commendator Zanetti Livio').score).toBeLessThan(THRESHOLD);
    expect(
      compareNames('organisation', 'Anduvar Ship Finance Inc.', 'Anduvar Shipping Finance Inc.').explanation.matches.some(
        (m) => m.how === 'initial',
      ),
    ).toBe(false);
  });

  it('an abbreviation begins with the word and keeps its letters in order', () => {
    expect(abbreviates('comm', 'commendator')).toBe(true);
    expect(abbreviates('mgmt', 'management')).toBe(true);
    expect(abbreviates('comm', 'community')).toBe(true);
    expect(abbreviates('mgmt', 'engagement')).toBe(false);
    expect(abbreviates('hutn', 'hunt')).toBe(false);
    expect(abbreviates('comm', 'comm')).toBe(false);
  });
});
