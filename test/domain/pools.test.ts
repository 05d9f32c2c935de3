import { describe, expect, it } from 'vitest';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { poolDefinition, poolIds, poolView, recalibrateLedger } from '../../src/domain/strategies/pool-ledger.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { AT, baseConfig, compile, lead } from '../support/org-builder.ts';

type Member = { rep: string; weight?: number; cap?: number };

/** The base org with one declared pool over the UK teams, named by the UK rule's only step. */
function pooled(members: Member[], patch: (c: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const config = baseConfig();
  config.pools = [{ id: 'uk-pool', name: 'UK inbound', members }];
  (config.rules as { then: Record<string, unknown> }[])[0]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'uk-pool' }];
  patch(config);
  return config;
}

const problems = (config: Record<string, unknown>) => {
  const r = compileConfigObject(config);
  return r.ok ? [] : r.error.map((p) => ({ path: p.path, message: p.message }));
};

/** Routes `n` UK leads one after another from `state`, each an hour apart from `at`. */
function routeMany(org: CompiledOrg, n: number, state: RoutingStateSnapshot = EMPTY_STATE, at = AT) {
  const decisions: Decision[] = [];
  for (let i = 0; i < n; i++) {
    const { decision, changes } = decide({ org, lead: lead({ id: `L-${i}` }), at, state: viewOf(state), decisionId: `d-${i}` });
    decisions.push(decision);
    state = applyChanges(state, changes);
  }
  return { decisions, state, count: (rep: string) => decisions.filter((d) => d.rep?.id === rep).length };
}

describe('declared pools: compile-time validation', () => {
  it('a config without pools compiles as before: no pools key, the same hash as the same config', () => {
    const org = compile();
    expect('pools' in org.config).toBe(false);
    expect(org.pools.size).toBe(0);
    expect(compile(baseConfig()).hash).toBe(org.hash);
  });

  it('reports an unknown pool id, a member that is not a rep, duplicate members and ids, and "default", each with its path', () => {
    const config = pooled([{ rep: 'alice' }, { rep: 'nobody' }, { rep: 'alice' }], (c) => {
      (c.pools as unknown[]).push({ id: 'uk-pool', name: 'again', members: [] }, { id: 'default', name: 'd', members: [] });
      (c.rules as { then: Record<string, unknown> }[])[1]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'us-pol' }];
    });
    expect(problems(config)).toEqual([
      { path: 'pools[0].members[1].rep', message: 'pool "uk-pool": "nobody" is not a rep' },
      { path: 'pools[0].members[2].rep', message: 'pool "uk-pool": rep "alice" is already a member (members[0])' },
      { path: 'pools[1].id', message: 'duplicate pool id "uk-pool"' },
      { path: 'pools[2].id', message: '"default" is the built-in rotation over every eligible rep; name the pool' },
      { path: 'rules[1].then.strategy[0].pool', message: 'unknown pool "us-pol" (declared: uk-pool)' },
    ]);
  });

  it('an outcome-aware step names a declared pool too: a misspelt one is a config problem, a declared one compiles', () => {
    const misspelt = pooled([{ rep: 'alice' }], (c) => {
      (c.rules as { then: Record<string, unknown> }[])[1]!.then.strategy = [{ kind: 'outcome-aware', pool: 'uk-pol' }];
    });
    expect(problems(misspelt)).toEqual([{ path: 'rules[1].then.strategy[0].pool', message: 'unknown pool "uk-pol" (declared: uk-pool)' }]);
    const declared = pooled([{ rep: 'alice' }], (c) => {
      (c.rules as { then: Record<string, unknown> }[])[1]!.then.strategy = [{ kind: 'outcome-aware', pool: 'uk-pool' }];
    });
    expect(problems(declared)).toEqual([]);
  });

  it('without a pools section a round-robin step may name any pool (backward compatible); "default" is always allowed', () => {
    const plain = baseConfig();
    (plain.rules as { then: Record<string, unknown> }[])[0]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'anything' }];
    expect(problems(plain)).toEqual([]);
    const withDefault = pooled([{ rep: 'alice' }], (c) => {
      (c.rules as { then: Record<string, unknown> }[])[1]!.then.strategy = [{ kind: 'weighted-round-robin' }];
    });
    expect(problems(withDefault)).toEqual([]);
  });

  it('rejects a bad weight or cap in the schema, with the path', () => {
    expect(problems(pooled([{ rep: 'alice', weight: 0, cap: 1.5 }])).map((p) => p.path)).toEqual([
      'pools[0].members[0].weight',
      'pools[0].members[0].cap',
    ]);
  });
});

describe('declared pools: routing', () => {
  it('only members are picked, across teams, and only among the lawful, available set', () => {
    const org = compile(pooled([{ rep: 'alice' }, { rep: 'carol' }]));
    const { decisions, count } = routeMany(org, 20);
    expect(count('bob')).toBe(0);
    expect(count('alice')).toBe(10);
    expect(count('carol')).toBe(10);
    expect(decisions[0]!.strategy!.details).toMatchObject({ pool: 'uk-pool', declared: true, notMembers: 1, capped: [] });
    expect(decisions[0]!.strategy!.chain.at(-1)!.note).toContain('2 of 3 eligible reps are members');
  });

  it('never widens eligibility: a member who is not eligible (paused; another team outside the rule) is never picked', () => {
    const org = compile(
      pooled([{ rep: 'alice' }, { rep: 'carol' }, { rep: 'tex' }], (c) => {
        (c.reps as { id: string; status?: string }[]).find((r) => r.id === 'carol')!.status = 'paused';
      }),
    );
    const { count } = routeMany(org, 10);
    expect(count('alice')).toBe(10);
  });

  it("a member's pool weight overrides the rep's weight in that pool", () => {
    const org = compile(
      pooled(
        [
          { rep: 'alice', weight: 3 },
          { rep: 'carol', weight: 1 },
        ],
        (c) => {
          (c.reps as { id: string; weight?: number }[]).find((r) => r.id === 'carol')!.weight = 5;
        },
      ),
    );
    const { decisions, count } = routeMany(org, 40);
    expect(count('alice')).toBe(30);
    expect(count('carol')).toBe(10);
    const ledger = (decisions[0]!.strategy!.details as { ledger: { rep: string; weight: number }[] }).ledger;
    expect(ledger.map((r) => [r.rep, r.weight])).toEqual([
      ['alice', 3],
      ['carol', 1],
    ]);
  });

  it("a member's cap limits what this pool gives them per rep-local day; the next day they take leads again", () => {
    const org = compile(pooled([{ rep: 'alice', cap: 2 }, { rep: 'carol' }]));
    const day1 = routeMany(org, 6);
    expect(day1.count('alice')).toBe(2);
    expect(day1.count('carol')).toBe(4);
    const capped = day1.decisions.find((d) => (d.strategy!.details as { capped: unknown[] }).capped.length > 0)!;
    expect((capped.strategy!.details as { capped: unknown[] }).capped).toEqual([{ rep: 'alice', cap: 2, today: 2 }]);
    expect(day1.state.pools['uk-pool']!.reps.alice).toMatchObject({ assigned: 2, day: '2026-11-24', today: 2 });
    // A new day: the counter restarts, so alice takes pool leads again (level with carol: every other one).
    const day2 = routeMany(org, 4, day1.state, AT + 24 * 3600_000);
    expect(day2.count('alice')).toBe(2);
    expect(day2.state.pools['uk-pool']!.reps.alice).toMatchObject({ assigned: 4, day: '2026-11-25', today: 2 });
  });

  it('when no member can take the lead the step passes and the chain falls through to a plain rotation of its own', () => {
    const org = compile(pooled([{ rep: 'alice', cap: 1 }]));
    const { decisions } = routeMany(org, 3);
    expect(decisions[0]!.rep!.id).toBe('alice');
    const after = decisions[1]!;
    expect(after.outcome).toBe('ASSIGNED');
    expect(after.strategy!.chain.map((s) => s.result)).toEqual(['passed', 'picked']);
    expect(after.strategy!.chain[0]!.note).toBe('pool uk-pool: no member among 3 eligible reps can take it, 1 at their pool cap for today');
    expect((after.strategy!.details as { pool: string }).pool).toBe('uk-pool/fallback');
  });

  it('an undeclared pool keeps the plain rotation: every eligible rep, the same detail shape, no day counters', () => {
    const plain = baseConfig();
    (plain.rules as { then: Record<string, unknown> }[])[0]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'uk-any' }];
    const { decisions, state } = routeMany(compile(plain), 6);
    expect(decisions.map((d) => d.rep!.id).sort()).toEqual(['alice', 'alice', 'bob', 'bob', 'carol', 'carol']);
    for (const d of decisions)
      expect(Object.keys(d.strategy!.details as object)).toEqual(['pool', 'seq', 'ledger', 'threshold', 'tieBreak']);
    for (const e of Object.values(state.pools['uk-any']!.reps)) expect(Object.keys(e)).toEqual(['assigned', 'entitled', 'lastSeq']);
  });
});

describe('open pools (declared without members)', () => {
  it('route exactly as the same name undeclared: decisions byte-identical but for the org hash', () => {
    const plain = baseConfig();
    (plain.rules as { then: Record<string, unknown> }[])[0]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'uk-any' }];
    const open = structuredClone(plain);
    open.pools = [{ id: 'uk-any', name: 'UK, anyone eligible' }];
    (open.rules as { then: Record<string, unknown> }[])[1]!.then.strategy = [{ kind: 'weighted-round-robin' }];
    const text = (config: Record<string, unknown>) =>
      routeMany(compile(config), 7).decisions.map((d) => JSON.stringify({ ...d, ruleSet: null }));
    expect(text(open)).toEqual(text(plain));
  });

  it('are listed as declared and open, with the reps the ledger has seen as members', () => {
    const config = pooled([{ rep: 'alice' }], (c) => {
      (c.pools as unknown[]).push({ id: 'us-any', name: 'US, anyone eligible' });
      (c.rules as { then: Record<string, unknown> }[])[1]!.then.strategy = [{ kind: 'weighted-round-robin', pool: 'us-any' }];
    });
    const org = compile(config);
    const state = applyChanges(EMPTY_STATE, {
      ledger: { pool: 'us-any', seq: 1, entries: { val: { assigned: 1, entitled: 0.5, lastSeq: 1 } } },
      load: null,
    });
    const view = poolView(org, poolDefinition(org, 'us-any', state.pools['us-any'])!, state.pools['us-any']);
    expect(view).toMatchObject({ id: 'us-any', name: 'US, anyone eligible', declared: true, open: true, seq: 1 });
    expect(view.members.map((m) => [m.rep, m.assigned, m.cap])).toEqual([['val', 1, null]]);
    expect(poolIds(org)).toEqual(['uk-pool', 'us-any', 'uk-pool/fallback']);
  });
});

describe('pool ledger views and controls', () => {
  it('lists declared pools first, then plain names used by rules; shows expected and actual shares', () => {
    const org = compile(
      pooled([
        { rep: 'alice', weight: 3 },
        { rep: 'carol', cap: 5 },
      ]),
    );
    expect(poolIds(org)).toEqual(['uk-pool', 'default', 'uk-pool/fallback']);
    const { state } = routeMany(org, 8);
    const view = poolView(org, poolDefinition(org, 'uk-pool', state.pools['uk-pool'])!, state.pools['uk-pool']);
    expect(view.members.map((m) => [m.rep, m.weight, m.cap, m.assigned, m.expectedShare, m.actualShare])).toEqual([
      ['alice', 3, null, 6, 0.75, 0.75],
      ['carol', 1, 5, 2, 0.25, 0.25],
    ]);
    expect(view.seq).toBe(8);
    expect(poolDefinition(org, 'nope', undefined)).toBeUndefined();
  });

  it('recalibration levels every entry (entitled := assigned) and keeps counts and day counters', () => {
    const org = compile(pooled([{ rep: 'alice' }, { rep: 'carol', cap: 9 }]));
    const ledger = {
      seq: 7,
      reps: {
        alice: { assigned: 5, entitled: 3.5, lastSeq: 7 },
        carol: { assigned: 2, entitled: 3.5, lastSeq: 6, day: '2026-11-24', today: 2 },
      },
    };
    const def = poolDefinition(org, 'uk-pool', ledger)!;
    expect(recalibrateLedger(def, ledger)).toEqual({
      alice: { assigned: 5, entitled: 5, lastSeq: 7 },
      carol: { assigned: 2, entitled: 2, lastSeq: 6, day: '2026-11-24', today: 2 },
    });
  });
});
