import { describe, expect, it } from 'vitest';
import { ruleAblations } from '../../bench/screening-devset/rule-ablations.ts';
import { DEFAULT_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';

describe('rule ablations (bench/screening-devset/rule-ablations.ts)', () => {
  const ablations = ruleAblations(DEFAULT_COMPARE_PARAMS);
  const override = (rule: string) => ablations.find((a) => a.rule === rule)?.override;

  it('switches off each rule that is on: a distinct-words flag set false, a multiplier set to 1', () => {
    expect(override('distinctPlurals')).toEqual({ distinctPlurals: false });
    expect(override('distinctSoundingWords')).toEqual({ distinctSoundingWords: false });
    expect(override('numberConflictFactor')).toEqual({ numberConflictFactor: 1 });
    expect(override('jurisdictionFactor')).toEqual({ jurisdictionFactor: 1 });
  });

  it('switches the activity-word cost off by making it the ordinary extra cost of a company word', () => {
    expect(override('extraCostActivity')).toEqual({ extraCostActivity: DEFAULT_COMPARE_PARAMS.extraCostOrg });
  });

  it('leaves out rules already off and plain costs, which have no "off"', () => {
    expect(override('distinctDerivedNames')).toBeUndefined();
    expect(override('conflictCost')).toBeUndefined();
    const allOff = {
      ...DEFAULT_COMPARE_PARAMS,
      distinctPlurals: false,
      jurisdictionFactor: 1,
      extraCostActivity: DEFAULT_COMPARE_PARAMS.extraCostOrg,
    };
    const rules = ruleAblations(allOff).map((a) => a.rule);
    expect(rules).not.toContain('distinctPlurals');
    expect(rules).not.toContain('jurisdictionFactor');
    expect(rules).not.toContain('extraCostActivity');
  });
});
