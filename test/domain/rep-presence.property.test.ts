import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { PresenceSnapshot } from '../../src/domain/eligibility/rep-presence.ts';
import { LeadSchema } from '../../src/domain/lead/lead.schema.ts';
import { applyChanges, EMPTY_STATE, viewOf } from '../../src/domain/strategies/routing-state.ts';

/**
 * docs/access.md "Rep self-service": no lead is ever assigned to a rep who is away at the decision time.
 * The example bank org, its sample leads, random decision times over a week and random presence
 * (away since before or after the decision, until a time before or after it, or open-ended), routed
 * in sequence so loads and round-robin ledgers move. The oracle is written here, apart from rep-presence.ts.
 */

const loaded = await loadConfig('examples/bank');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
const org = loaded.value.org;
const LEADS_DIR = join('examples', 'bank', 'leads');
const LEADS = readdirSync(LEADS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => LeadSchema.parse(JSON.parse(readFileSync(join(LEADS_DIR, f), 'utf8'))));
const REPS = [...org.repsById.keys()];
const BASE = Date.parse('2026-11-23T00:00:00Z');
const HOUR = 3_600_000;

/** Away at `at` by the oracle's reading: begun, and not ended. */
const awayByOracle = (p: PresenceSnapshot, repId: string, at: number) => {
  const a = p[repId];
  return a !== undefined && Date.parse(a.since) <= at && (a.until === null || Date.parse(a.until) > at);
};

const awayArb = fc.record({
  sinceOffsetH: fc.integer({ min: -72, max: 2 }),
  lengthH: fc.option(fc.integer({ min: 1, max: 96 }), { nil: null }),
  reason: fc.option(fc.constantFrom('holiday', 'training', 'sick'), { nil: null }),
});

const stepArb = fc.record({
  lead: fc.integer({ min: 0, max: LEADS.length - 1 }),
  at: fc.integer({ min: 0, max: 7 * 24 * HOUR }),
  // Each rep away with probability about one in two, so teams are often partly and sometimes wholly away.
  away: fc.array(fc.option(awayArb, { nil: undefined, freq: 2 }), { minLength: REPS.length, maxLength: REPS.length }),
});

function presenceAt(at: number, away: readonly ({ sinceOffsetH: number; lengthH: number | null; reason: string | null } | undefined)[]) {
  const p: Record<string, { since: string; until: string | null; reason: string | null }> = {};
  away.forEach((a, i) => {
    if (!a) return;
    const since = at + a.sinceOffsetH * HOUR;
    p[REPS[i]!] = {
      since: new Date(since).toISOString(),
      until: a.lengthH === null ? null : new Date(since + a.lengthH * HOUR).toISOString(),
      reason: a.reason,
    };
  });
  return p;
}

describe('rep presence (property)', () => {
  it('no lead is ever assigned to a rep who is away at the decision time; every away candidate shows REP_AWAY', () => {
    let assignedBesideAway = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 6 }), (steps) => {
        let state = EMPTY_STATE;
        steps.forEach((step, i) => {
          const at = BASE + step.at;
          const presence = presenceAt(at, step.away);
          const { decision, changes } = decide({ org, lead: LEADS[step.lead]!, at, state: viewOf(state), presence, decisionId: `d-${i}` });
          if (decision.outcome === 'ASSIGNED') expect(awayByOracle(presence, decision.rep!.id, at), decision.rep!.id).toBe(false);
          for (const team of decision.candidates)
            for (const rep of team.reps) {
              const away = awayByOracle(presence, rep.id, at);
              expect(
                rep.reasons.some((r) => r.code === 'REP_AWAY'),
                `${rep.id} at ${new Date(at).toISOString()}`,
              ).toBe(away);
              if (away) expect(rep.eligible).toBe(false);
              if (away && decision.outcome === 'ASSIGNED') assignedBesideAway++;
            }
          state = applyChanges(state, changes);
        });
      }),
      { numRuns: 300 },
    );
    // Not vacuous: leads were assigned while reps of their candidate teams were away.
    expect(assignedBesideAway).toBeGreaterThan(50);
  });

  it('without presence a decision is what it always was (byte-identical to one given an empty snapshot)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LEADS.length - 1 }), fc.integer({ min: 0, max: 7 * 24 * HOUR }), (i, offset) => {
        const input = { org, lead: LEADS[i]!, at: BASE + offset, state: viewOf(EMPTY_STATE), decisionId: 'd' };
        expect(JSON.stringify(decide(input).decision)).toBe(JSON.stringify(decide({ ...input, presence: {} }).decision));
      }),
      { numRuns: 100 },
    );
  });
});
