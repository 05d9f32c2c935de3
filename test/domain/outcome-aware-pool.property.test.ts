import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledPool, CompiledRep, CompiledTeam } from '../../src/domain/org/compiled-entities.ts';
import { buildConversionModel } from '../../src/domain/outcomes/conversion-model.ts';
import { outcomeAware } from '../../src/domain/strategies/outcome-aware.ts';
import { PoolMembership } from '../../src/domain/strategies/pool-membership.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import type { Candidate } from '../../src/domain/strategies/strategy.ts';
import { buildChain } from '../../src/domain/strategies/strategy-factory.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) };

/**
 * The outcome-aware step over a declared pool (docs/outcome-routing.md): whatever the model says, it only ever picks an
 * eligible member under its daily cap, passes when there is none (the chain's fallback rotation follows), and counts
 * the day's leads the caps read.
 */
const team = { id: 't', name: 'T', reps: [] } as unknown as CompiledTeam;
const candidate = (id: string): Candidate => ({ team, rep: { id, weight: 1, timeZone: 'UTC' } as CompiledRep });
const REPS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];

const poolArb = fc.record({
  members: fc.subarray(REPS, { minLength: 1 }),
  caps: fc.array(fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), { minLength: 6, maxLength: 6 }),
  weights: fc.array(fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }), { minLength: 6, maxLength: 6 }),
});
// Each lead: who is eligible, and which rep's outcomes the model has seen (a rep that wins everything).
const leadsArb = fc.array(fc.record({ eligible: fc.subarray(REPS), star: fc.constantFrom(...REPS) }), { minLength: 1, maxLength: 40 });

describe('outcome-aware step over a declared pool — properties', () => {
  it('picks only eligible members under their cap; passes exactly when none is left; day counters match the picks', () => {
    fc.assert(
      fc.property(poolArb, leadsArb, ({ members, caps, weights }, leads) => {
        const pool: CompiledPool = {
          id: 'p',
          name: 'P',
          description: null,
          members: members.map((rep) => ({ rep, weight: weights[REPS.indexOf(rep)]!, cap: caps[REPS.indexOf(rep)]! })),
        };
        const capOf = new Map(pool.members!.map((m) => [m.rep, m.cap]));
        const step = outcomeAware({
          pool: 'p',
          minOutcomes: 1,
          teamPriorStrength: 2,
          globalPriorStrength: 2,
          band: 0.5,
          window: 10,
          propensitySamples: 20,
          membership: new PoolMembership(pool, pool.members!),
        });
        let state: RoutingStateSnapshot = EMPTY_STATE;
        const given = new Map<string, number>();
        leads.forEach(({ eligible, star }, i) => {
          const outcomes = REPS.map((rep, k) => ({
            leadId: `l${k}`,
            decisionId: `d${k}`,
            repId: rep,
            teamId: 't',
            segment: '(none)',
            outcome: rep === star ? ('WON' as const) : ('LOST' as const),
            closedAt: 0,
          }));
          const ctx = { lead: { id: `lead-${i}` } as never, product: {} as never, at: 0, state: viewOf(state), teamOrder: ['t'] };
          const out = step.apply({ ...ctx, decisionId: `dec-${i}`, outcomes: buildConversionModel(outcomes) }, eligible.map(candidate));
          const admissible = eligible.filter((r) => capOf.has(r) && (given.get(r) ?? 0) < (capOf.get(r) ?? Infinity));
          if (admissible.length === 0) {
            expect(out.kind).toBe('passed');
            return;
          }
          expect(out.kind).toBe('picked');
          if (out.kind !== 'picked') return;
          expect(admissible).toContain(out.candidate.rep.id);
          given.set(out.candidate.rep.id, (given.get(out.candidate.rep.id) ?? 0) + 1);
          state = applyChanges(state, { ledger: out.changes!, load: null });
          expect(state.pools.p?.reps[out.candidate.rep.id]?.today).toBe(given.get(out.candidate.rep.id));
        });
      }),
      RUNS,
    );
  });

  it("a chain ending in an outcome-aware step over a pool with members falls back to the pool's own rotation", () => {
    const pool: CompiledPool = { id: 'p', name: 'P', description: null, members: [{ rep: 'r0', weight: null, cap: null }] };
    const chain = buildChain(
      [
        {
          kind: 'outcome-aware',
          pool: 'p',
          minOutcomes: 10,
          teamPriorStrength: 10,
          globalPriorStrength: 20,
          fairness: { band: 0.1, window: 100 },
          propensitySamples: 200,
        },
      ],
      new Map([['p', pool]]),
    );
    expect(chain.map((s) => [s.kind, s.pool])).toEqual([
      ['outcome-aware', 'p'],
      ['weighted-round-robin', 'p/fallback'],
    ]);
  });
});
