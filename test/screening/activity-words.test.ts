import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { DEFAULT_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';

const WITHOUT = { ...DEFAULT_COMPARE_PARAMS, extraCostActivity: DEFAULT_COMPARE_PARAMS.extraCostOrg };
const THRESHOLD = 0.8;

describe('activity words on one side of a company name', () => {
  it('an added activity word names a sister company', () => {
    const on = compareNames('organisation', 'Brenmoor Shipping Inc.', 'Brenmoor Ship Finance Inc.');
    expect(on.score).toBeLessThan(THRESHOLD);
    expect(on.explanation.notes).toContain('activity word on one side only: finance (cost 0.75)');
    expect(compareNames('organisation', 'Brenmoor Shipping Inc.', 'Brenmoor Ship Finance Inc.', WITHOUT).score).toBeGreaterThanOrEqual(
      THRESHOLD,
    );
    expect(compareNames('organisation', 'Oloitip Valley Motors Ltd', 'Oloitip Valley Motor Spares Ltd').score).toBeLessThan(THRESHOLD);
    expect(
      compareNames('organisation', 'Oloitip Valley Motors Ltd', 'Oloitip Valley Motor Spares Ltd', WITHOUT).score,
    ).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('words of the kind, reach or ownership of a firm, places and proper names keep the plain cost', () => {
    for (const [a, b] of [
      ['Tamarind Bay Seafood', 'Tamarind Bay Seafood Company Limited'],
      ['Harrowvane Freight Services', 'Harrowvane Freight Services International'],
      ['Kessler Tooling', 'Kessler Tooling Group'],
      ['Mwangi Hardware Ltd', 'Mwangi & Sons Hardware Ltd'],
      ['Soja Paranaense Trading', 'Soja Paranaense Trading Santos'],
    ] as const) {
      const on = compareNames('organisation', a, b);
      expect(on.score, `${a} / ${b}`).toBe(compareNames('organisation', a, b, WITHOUT).score);
      expect(
        on.explanation.notes.some((n) => n.startsWith('activity word')),
        `${a} / ${b}`,
      ).toBe(false);
    }
  });

  it('only when the other name is wholly matched (else it is a conflict, already costly), and never for people', () => {
    const conflict = compareNames('organisation', 'Orvanta Leasing plc', 'Orvanta Insurance plc');
    expect(conflict.explanation.notes.some((n) => n.startsWith('activity word'))).toBe(false);
    const person = compareNames('person', 'John Baker', 'John Baker Mason');
    expect(person.score).toBe(compareNames('person', 'John Baker', 'John Baker Mason', WITHOUT).score);
  });

  it('is switched off when the activity cost is not above the plain cost (an org cost of 0 does not divide by zero)', () => {
    const zero = { ...DEFAULT_COMPARE_PARAMS, extraCostOrg: 0 };
    const r = compareNames('organisation', 'Brenmoor Shipping Inc.', 'Brenmoor Ship Finance Inc.', zero);
    expect(Number.isFinite(r.score)).toBe(true);
    expect(r.score).toBeLessThan(
      compareNames('organisation', 'Brenmoor Shipping Inc.', 'Brenmoor Ship Finance Inc.', { ...zero, extraCostActivity: 0 }).score,
    );
  });
});
