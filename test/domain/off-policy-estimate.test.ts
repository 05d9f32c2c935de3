import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/domain/decision/decision.ts';
import { loggedChoiceOf } from '../../src/domain/outcomes/logged-choice.ts';
import { estimatePolicyValue, type LoggedChoice } from '../../src/domain/outcomes/off-policy-estimate.ts';
import { seededUniform } from '../../src/domain/shared/seeded-random.ts';

const RATES = { a: 0.1, b: 0.3, c: 0.6 } as const;
type Rep = keyof typeof RATES;
const REPS = Object.keys(RATES) as Rep[];

/** Logs a stochastic policy with known propensities on a simulated world with known conversion rates. */
function simulate(n: number, logging: Record<Rep, number>, target: Record<Rep, number>, predicted: (r: Rep) => number): LoggedChoice[] {
  const u = seededUniform(7);
  return Array.from({ length: n }, () => {
    const x = u();
    let acc = 0;
    const chosen = REPS.find((r) => (acc += logging[r]) > x) ?? 'c';
    return {
      chosen,
      reward: u() < RATES[chosen] ? 1 : 0,
      arms: REPS.map((rep) => ({ rep, loggedPropensity: logging[rep], targetPropensity: target[rep], predicted: predicted(rep) })),
    };
  });
}

const truth = (target: Record<Rep, number>) => REPS.reduce((s, r) => s + target[r] * RATES[r], 0);

describe('off-policy estimators', () => {
  const logging = { a: 0.5, b: 0.3, c: 0.2 };
  const target = { a: 0.1, b: 0.2, c: 0.7 };

  it('IPS, SNIPS and DR recover the value of a different policy from logged propensities', () => {
    const e = estimatePolicyValue(simulate(40_000, logging, target, () => 0.3));
    expect(e.logged).toBeCloseTo(truth(logging), 1);
    for (const v of [e.ips, e.snips, e.doublyRobust]) expect(Math.abs(v - truth(target))).toBeLessThan(0.015);
    // A constant reward model is wrong; the direct method alone inherits that error.
    expect(Math.abs(e.direct - truth(target))).toBeGreaterThan(0.1);
    expect(e.effectiveSampleSize).toBeLessThan(40_000);
  });

  it('DR stays right with a wrong reward model and gets tighter with a right one', () => {
    const wrong = estimatePolicyValue(simulate(40_000, logging, target, () => 0.9));
    const right = estimatePolicyValue(simulate(40_000, logging, target, (r) => RATES[r]));
    expect(Math.abs(wrong.doublyRobust - truth(target))).toBeLessThan(0.02);
    expect(right.direct).toBeCloseTo(truth(target), 10);
    expect(Math.abs(right.doublyRobust - truth(target))).toBeLessThan(0.01);
  });

  it('refuses a log whose chosen candidate had no positive logged propensity', () => {
    expect(() =>
      estimatePolicyValue([{ chosen: 'a', reward: 1, arms: [{ rep: 'a', loggedPropensity: 0, targetPropensity: 1, predicted: 0 }] }]),
    ).toThrow(/no positive logged propensity/);
  });
});

describe('logged choices from decisions', () => {
  /** The fields of a decision evaluation reads (the rest of a Decision plays no part). */
  const decision = (rep: string, arms: { rep: string; propensity: number; estimate: number }[] | null) =>
    ({
      outcome: 'ASSIGNED',
      rep: { id: rep, name: rep },
      strategy: {
        chain: [],
        chosenBy: arms ? 'outcome-aware' : 'weighted-round-robin',
        details: arms ? { candidates: arms } : { pool: 'default' },
      },
    }) as unknown as Decision;

  it('reads recorded propensities and estimates; a deterministic pick logs 1; an unassigned lead is no sample', () => {
    const logged = decision('b', [
      { rep: 'a', propensity: 0.25, estimate: 0.1 },
      { rep: 'b', propensity: 0.75, estimate: 0.4 },
    ]);
    const proposed = decision('a', null);
    expect(loggedChoiceOf(logged, proposed, 1)).toEqual({
      chosen: 'b',
      reward: 1,
      arms: [
        { rep: 'a', loggedPropensity: 0.25, targetPropensity: 1, predicted: 0.1 },
        { rep: 'b', loggedPropensity: 0.75, targetPropensity: 0, predicted: 0.4 },
      ],
    });
    const e = estimatePolicyValue([loggedChoiceOf(logged, proposed, 1)!]);
    // The draft would not have chosen b: IPS 0; DR = its model's value for a (0.1) + 0 correction.
    expect(e.ips).toBe(0);
    expect(e.doublyRobust).toBeCloseTo(0.1, 10);
    expect(loggedChoiceOf({ ...logged, outcome: 'QUEUED', rep: null } as Decision, proposed, 1)).toBeNull();
  });
});
