import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rerouteExclusions, rerouteWithExclusions } from '../../src/domain/sla/reroute-exclusion.ts';
import { nextSlaAction, slaLadderStep, type LeadSlaState, type SlaAction } from '../../src/domain/sla/sla-action.ts';

/**
 * Issue 15 item 2: the SLA ladder is bounded. Re-route up to N = escalateAfterMisses − 1 times,
 * escalate once, then park; never the same rep twice in a row unless they are the only lawful one.
 */

const REPS = ['r0', 'r1', 'r2', 'r3', 'r4'] as const;
const T0 = Date.parse('2026-06-08T13:00:00Z');

describe('slaLadderStep', () => {
  it('re-routes N times, escalates on the (N+1)th miss, parks every miss after', () => {
    const policy = { escalateAfterMisses: 3 };
    expect([1, 2, 3, 4, 5, 99].map((a) => slaLadderStep(policy, a))).toEqual(['reroute', 'reroute', 'escalate', 'park', 'park', 'park']);
    expect([1, 2].map((a) => slaLadderStep({ escalateAfterMisses: 1 }, a))).toEqual(['escalate', 'park']);
  });

  it('nextSlaAction parks the miss after the escalation (no more escalations)', () => {
    const state: LeadSlaState = {
      leadId: 'lead-1',
      repId: 'r1',
      assignedAt: T0,
      acceptDeadline: T0 + 60_000,
      firstContactDeadline: null,
      previousMisses: 2,
      missedBy: ['r0', 'r1'],
      policy: { escalateAfterMisses: 2, escalateTo: 'ops', rerouteOnEscalation: true },
    };
    expect(nextSlaAction(state, T0 + 60_000)).toEqual({
      kind: 'park',
      missed: 'accept',
      attempt: 3,
      reasonCode: 'SLA_ACCEPT_MISSED',
      fromRep: 'r1',
      missedBy: ['r0', 'r1'],
    });
  });
});

describe('re-route exclusions with the rep who just missed', () => {
  it('everyone who missed, then all but the last rep, then nobody', () => {
    expect(rerouteExclusions(['r0', 'r1'], 'r1')).toEqual([['r0', 'r1'], ['r1'], []]);
    expect(rerouteExclusions([], 'r0')).toEqual([['r0'], []]);
  });

  it('an earlier rep comes back before the rep who just missed', () => {
    const lawful = ['r1', 'r0'];
    const decide = (exclude: readonly string[]) => lawful.find((r) => !exclude.includes(r)) ?? null;
    expect(rerouteWithExclusions(['r0', 'r1'], decide, (r) => r !== null, 'r1')).toEqual({
      result: 'r0',
      excluded: ['r1'],
      fellBackToMissed: true,
    });
  });
});

/** One ladder run: every rep ignores the lead; `lawfulAt[i]` is who may lawfully take it at the i-th miss. */
function runLadder(escalateAfterMisses: number, rerouteOnEscalation: boolean, first: string, lawfulAt: readonly (readonly string[])[]) {
  const steps: { action: SlaAction; from: string; to: string | null; lawful: readonly string[] }[] = [];
  let rep: string | null = first;
  let missedBy: readonly string[] = [];
  for (let i = 0; rep !== null && i < lawfulAt.length; i++) {
    const state: LeadSlaState = {
      leadId: 'lead-1',
      repId: rep,
      assignedAt: T0,
      acceptDeadline: T0 + 60_000,
      firstContactDeadline: null,
      previousMisses: steps.length,
      missedBy,
      policy: { escalateAfterMisses, escalateTo: 'team-lead', rerouteOnEscalation },
    };
    const action = nextSlaAction(state, T0 + 60_000);
    if (action.kind === 'none') throw new Error('a due deadline must be a miss');
    missedBy = action.missedBy;
    const lawful = lawfulAt[i]!;
    const reroutes = action.kind === 'reroute' || (action.kind === 'escalate' && action.reroute);
    const from: string = rep;
    // A re-route that finds nobody leaves the lead unassigned (queued for review): no timers, the ladder stops.
    rep = reroutes
      ? rerouteWithExclusions(
          missedBy,
          (ex) => lawful.find((r) => !ex.includes(r)) ?? null,
          (r) => r !== null,
          from,
        ).result
      : from;
    steps.push({ action, from, to: reroutes ? rep : null, lawful });
    if (action.kind === 'park') break;
  }
  return steps;
}

describe('ladder properties (fast-check)', () => {
  const lawfulSet = fc.subarray([...REPS]).chain((set) => fc.shuffledSubarray(set, { minLength: set.length, maxLength: set.length }));

  it('for any sequence of misses: at most N+2 steps, escalation once, parking last; no rep twice in a row unless sole lawful', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.constantFrom(...REPS),
        fc.array(lawfulSet, { minLength: 1, maxLength: 20 }),
        (escalateAfterMisses, rerouteOnEscalation, first, lawfulAt) => {
          const n = escalateAfterMisses - 1;
          const steps = runLadder(escalateAfterMisses, rerouteOnEscalation, first, lawfulAt);
          expect(steps.length).toBeLessThanOrEqual(n + 2);
          const kinds = steps.map((s) => s.action.kind);
          expect(kinds.filter((k) => k === 'escalate').length).toBeLessThanOrEqual(1);
          expect(kinds.slice(0, -1)).not.toContain('park');
          kinds.forEach((k, i) => expect(k).toBe(slaLadderStep({ escalateAfterMisses }, i + 1)));
          for (const s of steps) {
            if (s.to === null) continue;
            expect(s.lawful.length === 0 || s.lawful.includes(s.to)).toBe(true);
            if (s.to === s.from) expect(s.lawful.filter((r) => r !== s.from)).toEqual([]);
          }
          // Enough misses and a lawful rep at each: the ladder runs to parking in exactly N+2 steps.
          if (lawfulAt.length >= n + 2 && lawfulAt.slice(0, n + 1).every((l) => l.length > 0)) {
            expect(kinds).toEqual([...Array<string>(n).fill('reroute'), 'escalate', 'park']);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
