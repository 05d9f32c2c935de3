import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decision/decide.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { AT, baseConfig, compile, lead } from '../support/org-builder.ts';

const route = (l = lead(), org = compile(), state: RoutingStateSnapshot = EMPTY_STATE, at = AT) =>
  decide({ org, lead: l, at, state: viewOf(state), decisionId: 'd-1' });

describe('decide', () => {
  it('assigns a licensed, available rep and names the grants relied on', () => {
    const { decision, changes } = route();
    expect(decision.outcome).toBe('ASSIGNED');
    expect(decision.team?.id).toBe('uk-1');
    expect(['alice', 'bob']).toContain(decision.rep?.id);
    const team = decision.candidates.find((t) => t.id === 'uk-1')!;
    expect(team.reliedOn).toEqual(['fca-uk']);
    const rep = team.reps.find((r) => r.id === decision.rep!.id)!;
    expect(rep.reliedOn).toEqual([`cert-${decision.rep!.id}`]);
    expect(decision.ruleSet.version).toBe('test-1');
    expect(decision.ruleSet.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(decision.rule?.id).toBe('uk');
    expect(decision.rule?.trace[0]).toMatchObject({ test: 'jurisdiction within ["GB"]', actual: 'GB', result: true });
    expect(changes.load).toMatchObject({ repId: decision.rep!.id, day: '2026-11-24' });
  });

  it('is byte-identical for the same inputs', () => {
    expect(JSON.stringify(route().decision)).toBe(JSON.stringify(route().decision));
  });

  it('refuses at pre-screen when the firm holds no licence in the jurisdiction', () => {
    const { decision } = route(lead({ jurisdiction: 'BR' }));
    expect(decision.outcome).toBe('REFUSED');
    expect(decision.reasons[0]?.code).toBe('JURISDICTION_NOT_LICENSED');
    expect(decision.team).toBeNull();
  });

  it('refuses with reasons per candidate when no rep is lawful', () => {
    const config = baseConfig();
    config.licences = (config.licences as { id: string }[]).filter((g) => !g.id.startsWith('cert-'));
    const { decision } = route(lead(), compile(config));
    expect(decision.outcome).toBe('REFUSED');
    expect(decision.reasons[0]?.code).toBe('NO_LAWFUL_CANDIDATE');
    for (const team of decision.candidates) {
      expect(team.pass).toBe(false);
      for (const rep of team.reps) expect(rep.reasons.map((r) => r.code)).toContain('NO_LICENCE_FOR_JURISDICTION');
    }
  });

  it('queues (not refuses) when lawful reps exist but none is available', () => {
    const config = baseConfig();
    config.reps = (config.reps as Record<string, unknown>[]).map((r) => ({ ...r, status: 'paused' }));
    const { decision, changes } = route(lead(), compile(config));
    expect(decision.outcome).toBe('QUEUED');
    expect(decision.team?.id).toBe('uk-1');
    expect(decision.reasons[0]?.code).toBe('NO_AVAILABLE_REP');
    expect(changes).toEqual({ ledger: null, load: null });
  });

  it('excludes a life-only agent from a variable annuity and picks the dual-licensed rep', () => {
    const { decision } = route(lead({ jurisdiction: 'US-TX', product: 'va' }));
    expect(decision.outcome).toBe('ASSIGNED');
    expect(decision.rep?.id).toBe('val');
    const tex = decision.candidates[0]!.reps.find((r) => r.id === 'tex')!;
    expect(tex.reasons).toEqual([{ code: 'LICENCE_NOT_COVERING_PRODUCT_LINE', detail: 'no securities authority in US-TX' }]);
  });

  it('requires a carrier appointment for insurance', () => {
    const { decision } = route(lead({ jurisdiction: 'US-TX', product: 'term-life' }));
    expect(decision.rep?.id).toBe('tex');
    const val = decision.candidates[0]!.reps.find((r) => r.id === 'val')!;
    expect(val.reasons[0]?.code).toBe('NO_CARRIER_APPOINTMENT');
  });

  it('holds potential screening matches and never assigns them', () => {
    const { decision } = route(lead({ screening: { status: 'potential_match', tags: ['ofac'] } }));
    expect(decision.outcome).toBe('HELD');
    expect(decision.rep).toBeNull();
  });

  it('records a WRR ledger and state changes that rotate the assignment', () => {
    let state: RoutingStateSnapshot = EMPTY_STATE;
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { decision, changes } = route(lead({ id: `L-${i}` }), compile(), state);
      picked.push(decision.rep!.id);
      state = applyChanges(state, changes);
    }
    expect(picked).toEqual(['alice', 'bob', 'alice', 'bob']);
    expect(state.pools.default?.reps.alice).toEqual({ assigned: 2, entitled: 2, lastSeq: 3 });
    expect(state.loads.alice).toEqual({ open: 2, day: '2026-11-24', today: 2 });
  });
});

describe('decide — exclusions (SLA re-route)', () => {
  it('never picks an excluded rep, records why, and queues when only excluded reps are available', () => {
    const { decision } = decide({
      org: compile(),
      lead: lead(),
      at: AT,
      state: viewOf(EMPTY_STATE),
      decisionId: 'd',
      excludeReps: ['alice'],
    });
    expect(decision.rep?.id).toBe('bob');
    const alice = decision.candidates[0]!.reps.find((r) => r.id === 'alice')!;
    expect(alice).toMatchObject({ lawful: true, eligible: false, reasons: [{ code: 'EXCLUDED_FROM_REROUTE' }] });
    const onlyExcluded = decide({
      org: compile(),
      lead: lead(),
      at: AT,
      state: viewOf(EMPTY_STATE),
      decisionId: 'd',
      excludeReps: ['alice', 'bob', 'carol'],
    }).decision;
    expect(onlyExcluded.outcome).toBe('QUEUED');
  });
});

describe('decide — qualification (docs/intake.md)', () => {
  it('an unqualified lead goes to nurture with its score; a qualified one routes', () => {
    const low = route(lead({ qualification: { score: 12, grade: 'D', qualified: false, threshold: 40 } }));
    expect(low.decision.outcome).toBe('NURTURE');
    expect(low.decision.reasons).toEqual([{ code: 'BELOW_QUALIFICATION_THRESHOLD', detail: 'score 12 (grade D) below 40' }]);
    expect(low.changes).toEqual({ ledger: null, load: null });
    expect(route(lead({ qualification: { score: 72, grade: 'B', qualified: true, threshold: 40 } })).decision.outcome).toBe('ASSIGNED');
  });
  it('screening holds come before nurture: an unqualified potential match is still held', () => {
    const d = route(
      lead({
        qualification: { score: 1, grade: 'D', qualified: false, threshold: 40 },
        screening: { status: 'potential_match', tags: [] },
      }),
    ).decision;
    expect(d.outcome).toBe('HELD');
  });
});

describe('checkAssignment (docs/routing.md re-check before an approval)', () => {
  it('passes an eligible pair and explains an ineligible one', async () => {
    const { checkAssignment } = await import('../../src/domain/decision/decide.ts');
    const org = compile();
    const ok = checkAssignment(org, lead(), AT, viewOf(EMPTY_STATE), 'uk-1', 'alice');
    expect(ok).toMatchObject({ eligible: true, gate: null, rep: { id: 'alice', eligible: true } });
    const wrongLine = checkAssignment(org, lead({ jurisdiction: 'US-TX', product: 'va' }), AT, viewOf(EMPTY_STATE), 'us-tx', 'tex');
    expect(wrongLine.eligible).toBe(false);
    expect(wrongLine.rep?.reasons[0]?.code).toBe('LICENCE_NOT_COVERING_PRODUCT_LINE');
    const gated = checkAssignment(org, lead({ jurisdiction: 'BR' }), AT, viewOf(EMPTY_STATE), 'uk-1', 'alice');
    expect(gated).toMatchObject({ eligible: false, gate: { code: 'JURISDICTION_NOT_LICENSED' } });
  });
});
