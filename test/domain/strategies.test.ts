import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { LeadInput } from '../../src/domain/lead/lead.schema.ts';
import { EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { AT, baseConfig, compile, lead } from '../support/org-builder.ts';

/** UK rule over both UK teams with the given chain; reps get distinguishing attributes. */
function org(strategy: unknown[]) {
  const c = structuredClone(baseConfig()) as any;
  c.rules[0].then.strategy = strategy;
  const set = (id: string, attrs: object) =>
    Object.assign(
      c.reps.find((r: any) => r.id === id),
      attrs,
    );
  set('alice', {
    experience: 'junior',
    languages: ['en'],
    skills: ['pensions'],
    territory: { postalPrefixes: ['M'] },
    capacity: { maxOpenLeads: 10 },
  });
  set('bob', {
    experience: 'expert',
    languages: ['en', 'fr'],
    skills: ['isa'],
    territory: { postalPrefixes: ['EC', 'SW'] },
    capacity: { maxOpenLeads: 10 },
  });
  set('carol', {
    experience: 'senior',
    languages: ['en', 'pl'],
    skills: ['investments'],
    territory: { jurisdictions: ['GB'] },
    capacity: { maxOpenLeads: 10 },
  });
  return compile(c);
}
const run = (strategy: unknown[], l: Partial<LeadInput>, state: RoutingStateSnapshot = EMPTY_STATE): Decision =>
  decide({ org: org(strategy), lead: lead(l), at: AT, state: viewOf(state), decisionId: 'd' }).decision;

describe('strategy chain', () => {
  it('account owner first when still eligible; otherwise records why and falls through', () => {
    expect(run([{ kind: 'account-owner' }], { account: { id: 'A', ownerRep: 'carol' } }).rep?.id).toBe('carol');
    const d = run([{ kind: 'account-owner' }], { account: { id: 'A', ownerRep: 'tex' } });
    expect(d.strategy?.chain[0]).toMatchObject({
      kind: 'account-owner',
      result: 'passed',
      note: 'account owner tex is not eligible for this lead',
    });
    expect(d.strategy?.chosenBy).toBe('weighted-round-robin');
  });
  it('team priority keeps the first team with eligible reps', () => {
    const d = run([{ kind: 'team-priority' }], {});
    expect(d.team?.id).toBe('uk-1');
    expect(d.strategy?.chain[0]).toMatchObject({ result: 'narrowed', remaining: 2 });
  });
  it('score tiers send hot leads to top reps and ignore tiers nobody can serve', () => {
    const tiers = [
      {
        kind: 'score-tier',
        tiers: [
          { minScore: 80, experience: ['expert'] },
          { minScore: 40, experience: ['senior'] },
        ],
      },
    ];
    expect(run(tiers, { score: 95 }).rep?.id).toBe('bob');
    expect(run(tiers, { score: 50 }).rep?.id).toBe('carol');
    const cold = run(tiers, { score: 10 });
    expect(cold.strategy?.chain[0]?.note).toBe('score 10 is below every tier');
  });
  it('deal-value tiers', () => {
    expect(
      run([{ kind: 'deal-value-tier', tiers: [{ minValue: 1_000_000, experience: ['senior', 'expert'] }] }, { kind: 'least-loaded' }], {
        dealValue: 2_000_000,
      }).rep?.id,
    ).toBe('bob');
  });
  it('language, skills and territory matches narrow, and fall through when nobody matches', () => {
    expect(run([{ kind: 'language-match' }], { language: 'pl' }).rep?.id).toBe('carol');
    expect(run([{ kind: 'language-match' }], { language: 'de' }).strategy?.chain[0]).toMatchObject({
      result: 'passed',
      note: 'no eligible rep speaks de',
    });
    expect(run([{ kind: 'skills-match' }, { kind: 'team-priority' }], {}).rep?.id).toBe('bob');
    expect(run([{ kind: 'territory' }, { kind: 'team-priority' }], { postalCode: 'SW1A 1AA' }).rep?.id).toBe('bob');
  });
  it('least-loaded picks the lowest load relative to capacity', () => {
    const state: RoutingStateSnapshot = {
      pools: {},
      loads: {
        alice: { open: 3, day: '2026-11-24', today: 3 },
        bob: { open: 1, day: '2026-11-24', today: 1 },
        carol: { open: 2, day: '2026-11-24', today: 2 },
      },
    };
    const d = run([{ kind: 'least-loaded' }], {}, state);
    expect(d.rep?.id).toBe('bob');
    expect(d.strategy?.chosenBy).toBe('least-loaded');
  });
  it('a chain without a picker ends in weighted round robin, recorded with its ledger', () => {
    const d = run([{ kind: 'language-match' }], { language: 'en' });
    expect(d.strategy?.chosenBy).toBe('weighted-round-robin');
    const details = d.strategy?.details as { ledger: { rep: string; targetShare: number }[]; pool: string };
    expect(details.pool).toBe('default');
    expect(details.ledger.map((r) => r.rep)).toEqual(['alice', 'bob', 'carol']);
    expect(details.ledger[0]?.targetShare).toBeCloseTo(1 / 3);
  });
  it('ineligible reps never reach a strategy', () => {
    const c = structuredClone(baseConfig()) as any;
    c.rules[0].then.strategy = [{ kind: 'account-owner' }];
    c.licences = c.licences.filter((g: any) => g.id !== 'cert-carol');
    const d = decide({
      org: compile(c),
      lead: lead({ account: { id: 'A', ownerRep: 'carol' } }),
      at: AT,
      state: viewOf(EMPTY_STATE),
      decisionId: 'd',
    }).decision;
    expect(d.rep?.id).not.toBe('carol');
    const ledger = (d.strategy?.details as { ledger: { rep: string }[] }).ledger.map((r) => r.rep);
    expect(ledger).not.toContain('carol');
  });
});

describe('strategy record', () => {
  it('credits the step that narrowed to a single rep', () => {
    const d = run([{ kind: 'language-match' }, { kind: 'least-loaded' }], { language: 'pl' });
    expect(d.rep?.id).toBe('carol');
    expect(d.strategy?.chosenBy).toBe('language-match');
    expect(d.strategy?.chain).toHaveLength(1);
  });
});
