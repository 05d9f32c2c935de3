import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decision/decide.ts';
import type { CompiledPool, CompiledRep, CompiledTeam } from '../../src/domain/org/compiled-entities.ts';
import { recalibrateLedger, type PoolDefinition } from '../../src/domain/strategies/pool-ledger.ts';
import { declaredPoolRoundRobin } from '../../src/domain/strategies/declared-pool-round-robin.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import type { Candidate, StrategyContext } from '../../src/domain/strategies/strategy.ts';
import { AT, baseConfig, compile, lead } from '../support/org-builder.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };
const EPS = 1e-9;

// Stand-alone candidates for the chairman step, as in weighted-round-robin.property.test.ts.
const team = { id: 't', name: 'T', reps: [] } as unknown as CompiledTeam;
const candidate = (id: string, weight = 1): Candidate => ({ team, rep: { id, weight, timeZone: 'UTC' } as CompiledRep });
const ctx = (state: RoutingStateSnapshot): StrategyContext => ({
  lead: {} as never,
  product: {} as never,
  at: 0,
  state: viewOf(state),
  teamOrder: ['t'],
});
type MemberPool = CompiledPool & { readonly members: NonNullable<CompiledPool['members']> };
const compiledPool = (weights: readonly number[], ids: readonly string[]): MemberPool => ({
  id: 'p',
  name: 'P',
  description: null,
  members: ids.map((rep, i) => ({ rep, weight: weights[i]!, cap: null })),
});

function pick(pool: MemberPool, state: RoutingStateSnapshot, candidates: readonly Candidate[]) {
  const out = declaredPoolRoundRobin(pool, pool.members).apply(ctx(state), candidates);
  if (out.kind !== 'picked') throw new Error('a pool with eligible members must pick');
  return { rep: out.candidate.rep.id, state: applyChanges(state, { ledger: out.changes!, load: null }) };
}

/** Runs `n` leads with a stable set and checks every member (or only `watch`) against N × w / Σw at every step. */
function splitStaysWithin(pool: MemberPool, start: RoutingStateSnapshot, n: number, bound: number, watch?: string): void {
  const candidates = pool.members.map((m) => candidate(m.rep));
  const total = pool.members.reduce((s, m) => s + m.weight!, 0);
  const got = new Map<string, number>();
  let state = start;
  for (let k = 1; k <= n; k++) {
    const r = pick(pool, state, candidates);
    state = r.state;
    got.set(r.rep, (got.get(r.rep) ?? 0) + 1);
    for (const m of pool.members) {
      if (watch && m.rep !== watch) continue;
      expect(Math.abs((got.get(m.rep) ?? 0) - (k * m.weight!) / total)).toBeLessThanOrEqual(bound + EPS);
    }
  }
}

/** Any history: leads over random subsets of the members, so shortfalls are anywhere the rule can leave them. */
function history(pool: MemberPool, masks: readonly (readonly boolean[])[]): RoutingStateSnapshot {
  let state = EMPTY_STATE;
  for (const mask of masks) {
    const eligible = pool.members.filter((_, i) => mask[i]).map((m) => candidate(m.rep));
    if (eligible.length > 0) state = pick(pool, state, eligible).state;
  }
  return state;
}

const weightsArb = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 7 });
const masksArb = fc.array(fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }), { minLength: 0, maxLength: 120 });

describe('declared pools — properties', () => {
  it('after recalibration the next N leads split by weight within ±1 per member (1 − 1/(2n − 2), at every step)', () => {
    fc.assert(
      fc.property(weightsArb, masksArb, fc.integer({ min: 1, max: 150 }), (weights, masks, n) => {
        const ids = weights.map((_, i) => `r${i}`);
        const pool = compiledPool(weights, ids);
        const before = history(pool, masks);
        const def: PoolDefinition = {
          ...pool,
          declared: true,
          open: false,
          members: pool.members.map((m) => ({ ...m, weight: m.weight! })),
        };
        const ledger = before.pools.p ?? { seq: 0, reps: {} };
        const calibrated: RoutingStateSnapshot = { ...before, pools: { p: { seq: ledger.seq, reps: recalibrateLedger(def, ledger) } } };
        splitStaysWithin(pool, calibrated, n, 1 - 1 / (2 * weights.length - 2));
      }),
      RUNS,
    );
  });

  it('a joiner (no ledger entry: the calibrated position) is neither flooded nor starved: within ±1 of its share at every step', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 1, max: 9 }), masksArb, fc.integer({ min: 1, max: 150 }), (weights, w, masks, n) => {
        const ids = weights.map((_, i) => `r${i}`);
        const before = history(compiledPool(weights, ids), masks);
        // The next org version adds the joiner; its ledger has no entry for them.
        const grown = compiledPool([...weights, w], [...ids, 'joiner']);
        expect(before.pools.p?.reps.joiner).toBeUndefined();
        splitStaysWithin(grown, before, n, 1, 'joiner');
      }),
      RUNS,
    );
  });

  it('routing through a declared pool never assigns outside the lawful, available set, and never past a member cap', () => {
    const reps = ['alice', 'bob', 'carol', 'tex', 'val'];
    fc.assert(
      fc.property(
        fc.subarray(reps, { minLength: 1 }),
        fc.array(fc.record({ weight: fc.option(fc.integer({ min: 1, max: 5 })), cap: fc.option(fc.integer({ min: 1, max: 3 })) }), {
          minLength: 5,
          maxLength: 5,
        }),
        fc.subarray(['alice', 'bob', 'carol']),
        fc.subarray(['cert-alice', 'cert-bob', 'cert-carol']),
        fc.array(fc.integer({ min: 0, max: 30 * 3600 }), { minLength: 1, maxLength: 25 }),
        (members, settings, paused, dropped, offsets) => {
          const config = baseConfig();
          config.pools = [
            {
              id: 'uk-pool',
              name: 'UK',
              members: members.map((rep, i) => ({
                rep,
                ...(settings[i]!.weight !== null ? { weight: settings[i]!.weight } : {}),
                ...(settings[i]!.cap !== null ? { cap: settings[i]!.cap } : {}),
              })),
            },
          ];
          (config.rules as { then: Record<string, unknown> }[])[0]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'uk-pool' }];
          for (const r of config.reps as { id: string; status?: string }[]) if (paused.includes(r.id)) r.status = 'paused';
          config.licences = (config.licences as { id: string }[]).filter((g) => !dropped.includes(g.id));
          const org = compile(config);
          const pool = org.pools.get('uk-pool')!;
          let state = EMPTY_STATE;
          const perDay = new Map<string, number>();
          [...offsets]
            .sort((a, b) => a - b)
            .forEach((offset, i) => {
              const at = AT + offset * 1000;
              const { decision, changes } = decide({ org, lead: lead({ id: `L-${i}` }), at, state: viewOf(state), decisionId: `d-${i}` });
              state = applyChanges(state, changes);
              if (decision.outcome !== 'ASSIGNED') return;
              const verdict = decision.candidates.flatMap((t) => t.reps).find((r) => r.id === decision.rep!.id)!;
              expect(verdict).toMatchObject({ lawful: true, available: true, eligible: true });
              const details = decision.strategy!.details as { pool: string };
              if (details.pool !== 'uk-pool') return;
              const member = pool.members!.find((m) => m.rep === decision.rep!.id);
              expect(member).toBeDefined();
              const key = `${member!.rep}|${new Date(at).toISOString().slice(0, 10)}`;
              perDay.set(key, (perDay.get(key) ?? 0) + 1);
              if (member!.cap !== null) expect(perDay.get(key)).toBeLessThanOrEqual(member!.cap);
            });
        },
      ),
      RUNS,
    );
  });
});
