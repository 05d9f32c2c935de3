import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledRep, CompiledTeam } from '../../src/domain/org/compiled-entities.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import type { Candidate, StrategyContext } from '../../src/domain/strategies/strategy.ts';
import { weightedRoundRobin } from '../../src/domain/strategies/weighted-round-robin.ts';

const team = { id: 't', name: 'T', reps: [] } as unknown as CompiledTeam;
const candidate = (id: string, weight: number): Candidate => ({ team, rep: { id, weight } as CompiledRep });
const ctx = (state: RoutingStateSnapshot): StrategyContext => ({
  lead: {} as never,
  product: {} as never,
  at: 0,
  state: viewOf(state),
  teamOrder: ['t'],
});
const wrr = weightedRoundRobin('default');

function pick(state: RoutingStateSnapshot, candidates: Candidate[]): { rep: string; state: RoutingStateSnapshot } {
  const out = wrr.apply(ctx(state), candidates);
  if (out.kind !== 'picked') throw new Error('WRR must pick');
  return { rep: out.candidate.rep.id, state: applyChanges(state, { ledger: out.changes!, load: null }) };
}

describe('weighted round robin — fairness', () => {
  it('keeps every rep within 1 − 1/(2n − 2) (< ±1) of its weighted target, at every step, for a stable eligible set', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 400 }),
        (weights, n) => {
          const reps = weights.map((w, i) => candidate(`r${String(i).padStart(2, '0')}`, w));
          const total = weights.reduce((a, b) => a + b, 0);
          const bound = weights.length > 1 ? 1 - 1 / (2 * weights.length - 2) : 0;
          const assigned = new Map<string, number>();
          let state = EMPTY_STATE;
          for (let k = 1; k <= n; k++) {
            const r = pick(state, reps);
            state = r.state;
            assigned.set(r.rep, (assigned.get(r.rep) ?? 0) + 1);
            for (const c of reps) {
              const target = (k * c.rep.weight) / total;
              expect(Math.abs((assigned.get(c.rep.id) ?? 0) - target)).toBeLessThanOrEqual(bound + 1e-9);
            }
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) },
    );
  });

  it('regression: weights 1,9,1,9,9,1 (largest-shortfall selection reached 1.1 here) stay within the bound', () => {
    const weights = [1, 9, 1, 9, 9, 1];
    const reps = weights.map((w, i) => candidate(`r${i}`, w));
    const bound = 1 - 1 / (2 * weights.length - 2);
    let state = EMPTY_STATE;
    let worst = 0;
    for (let k = 1; k <= 300; k++) {
      state = pick(state, reps).state;
      for (const e of Object.values(state.pools.default!.reps)) worst = Math.max(worst, Math.abs(e.assigned - e.entitled));
    }
    expect(worst).toBeLessThanOrEqual(bound + 1e-9);
  });

  // With the eligible set changing lead by lead no online rule can promise ±1 (a rep is only served
  // while eligible). The worst we measured for this rule was 1.36 over 20,000 random sequences of 200
  // leads (docs/routing.md); 2 is the regression bound. The ±1 guarantee is for a stable set (above).
  it('with reps joining, leaving and returning, every rep stays within 2 of its entitlement (target accrued while eligible)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 8 }),
        fc.array(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 300 }),
        (weights, availability) => {
          const reps = weights.map((w, i) => candidate(`r${i}`, w));
          let state = EMPTY_STATE;
          for (const mask of availability) {
            const eligible = reps.filter((_, i) => mask[i]);
            if (eligible.length === 0) continue;
            state = pick(state, eligible).state;
            for (const c of reps) {
              const e = state.pools.default?.reps[c.rep.id];
              if (e) expect(Math.abs(e.assigned - e.entitled)).toBeLessThanOrEqual(2);
            }
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  it('calibrates a new joiner: level with the team, neither flooded with catch-up nor starved', () => {
    const veterans = [candidate('a', 1), candidate('b', 1)];
    let state = EMPTY_STATE;
    for (let i = 0; i < 100; i++) state = pick(state, veterans).state;
    const withNewcomer = [...veterans, candidate('new', 1)];
    const picks: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = pick(state, withNewcomer);
      state = r.state;
      picks.push(r.rep);
    }
    expect(picks.filter((p) => p === 'new')).toHaveLength(10);
    // Not flooded: never more than one ahead of a veteran at any point in the first three rounds.
    expect(picks.slice(0, 3).filter((p) => p === 'new')).toHaveLength(1);
  });

  it('a rep back from out-of-office resumes at their prior shortfall (no catch-up burst)', () => {
    const [a, b, c] = [candidate('a', 1), candidate('b', 1), candidate('c', 1)];
    let state = EMPTY_STATE;
    for (let i = 0; i < 30; i++) state = pick(state, [a, b, c]).state;
    const before = state.pools.default!.reps.c!;
    for (let i = 0; i < 50; i++) state = pick(state, [a, b]).state; // c is away
    expect(state.pools.default!.reps.c).toEqual(before);
    const picks: string[] = [];
    for (let i = 0; i < 9; i++) {
      const r = pick(state, [a, b, c]);
      state = r.state;
      picks.push(r.rep);
    }
    expect(picks.filter((p) => p === 'c')).toHaveLength(3);
  });

  it('breaks ties deterministically and records the tie', () => {
    const out = wrr.apply(ctx(EMPTY_STATE), [candidate('zed', 1), candidate('amy', 1)]);
    expect(out.kind).toBe('picked');
    if (out.kind !== 'picked') return;
    expect(out.candidate.rep.id).toBe('amy');
    expect((out.details as { tieBreak: { tied: string[] } }).tieBreak.tied).toEqual(['amy', 'zed']);
  });
});
