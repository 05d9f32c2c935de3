import { describe, expect, it } from 'vitest';
import { buildConversionModel, posteriorOf } from '../../src/domain/outcomes/conversion-model.ts';
import type { OutcomeFact } from '../../src/domain/outcomes/outcome-fact.ts';
import { StrategyStepSchema } from '../../src/domain/strategies/strategy-step.schema.ts';
import { betaDraw, seededUniform, seedOf } from '../../src/domain/shared/seeded-random.ts';

const fact = (repId: string, teamId: string, segment: string, outcome: OutcomeFact['outcome'], i: number): OutcomeFact => ({
  leadId: `L${i}`,
  decisionId: `d${i}`,
  repId,
  teamId,
  segment,
  outcome,
  closedAt: i,
});
const many = (n: number, repId: string, teamId: string, segment: string, outcome: OutcomeFact['outcome']) =>
  Array.from({ length: n }, (_, i) => fact(repId, teamId, segment, outcome, i));
const S = { minOutcomes: 5, teamPriorStrength: 10, globalPriorStrength: 20 };

describe('conversion model', () => {
  it('versions the snapshot by content: the order of facts does not matter, a new fact does', () => {
    const facts = [...many(3, 'a', 't', 'smb', 'WON'), ...many(2, 'b', 't', 'smb', 'LOST')];
    expect(buildConversionModel([...facts].reverse()).version).toBe(buildConversionModel(facts).version);
    expect(buildConversionModel([...facts, fact('a', 't', 'smb', 'LOST', 9)]).version).not.toBe(buildConversionModel(facts).version);
  });

  it('ignores DISQUALIFIED outcomes (the lead was never winnable)', () => {
    const m = buildConversionModel([...many(4, 'a', 't', 'smb', 'WON'), ...many(7, 'a', 't', 'smb', 'DISQUALIFIED')]);
    expect(m.reps.a!.smb).toEqual({ won: 4, lost: 0 });
    expect(m.version).toBe(buildConversionModel(many(4, 'a', 't', 'smb', 'WON')).version);
  });

  it('starts a new rep at the team prior, and learns nothing from fewer than minOutcomes', () => {
    const team = [...many(20, 'veteran', 't', 'smb', 'WON'), ...many(20, 'veteran', 't', 'smb', 'LOST')];
    const m = buildConversionModel([...team, ...many(4, 'newbie', 't', 'smb', 'WON')]);
    const fresh = posteriorOf(m, 'joiner', 't', 'smb', S);
    const fewOutcomes = posteriorOf(m, 'newbie', 't', 'smb', S);
    expect(fresh).toEqual(fewOutcomes);
    expect(fresh.learnedFrom).toEqual(['team', 'global']);
    // Team 20/44 with global (20+4+1)/(44+2) at strength 20: the rep prior has mean (24 + 20·25/46)/(44 + 20) and strength 10.
    const teamMean = (24 + (20 * 25) / 46) / 64;
    expect(fresh.alpha).toBeCloseTo(10 * teamMean, 10);
    expect(fresh.beta).toBeCloseTo(10 * (1 - teamMean), 10);
  });

  it("shrinks a rep's own rate towards the team: the posterior mean lies between them", () => {
    const m = buildConversionModel([...many(30, 'a', 't', 'smb', 'LOST'), ...many(10, 'b', 't', 'smb', 'WON')]);
    const b = posteriorOf(m, 'b', 't', 'smb', S);
    const mean = b.alpha / (b.alpha + b.beta);
    expect(b.learnedFrom).toEqual(['rep', 'team', 'global']);
    expect(mean).toBeLessThan(1);
    expect(mean).toBeGreaterThan(10 / 40);
  });

  it('a segment the team never saw falls back to the global rate of that segment', () => {
    const m = buildConversionModel([...many(10, 'x', 'other', 'ent', 'WON')]);
    const p = posteriorOf(m, 'a', 't', 'ent', S);
    expect(p.learnedFrom).toEqual(['global']);
    expect(p.alpha / (p.alpha + p.beta)).toBeCloseTo(11 / 12, 10);
  });
});

describe('seeded random source', () => {
  it('is reproducible from its seed, and the decision seed is derived from the decision id', () => {
    const a = seededUniform(seedOf('dec-1'));
    const b = seededUniform(seedOf('dec-1'));
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(seedOf('dec-1')).not.toBe(seedOf('dec-2'));
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws Beta variates with the right mean and variance (also for shapes below 1)', () => {
    for (const [alpha, beta] of [
      [2, 8],
      [0.5, 0.7],
      [30, 10],
    ] as const) {
      const u = seededUniform(42);
      const xs = Array.from({ length: 20_000 }, () => betaDraw(alpha, beta, u));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      const m = alpha / (alpha + beta);
      expect(mean).toBeCloseTo(m, 2);
      expect(variance).toBeCloseTo((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)), 2);
    }
  });
});

describe('outcome-aware step config', () => {
  it('refuses a fairness band narrower than 4 leads over its window, naming the field', () => {
    const bad = StrategyStepSchema.safeParse({ kind: 'outcome-aware', fairness: { band: 0.02, window: 100 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['fairness', 'window']);
    const ok = StrategyStepSchema.parse({ kind: 'outcome-aware' });
    expect(ok).toMatchObject({ pool: 'default', minOutcomes: 10, fairness: { band: 0.1, window: 100 } });
  });
});
