import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { checkAssignment, decide } from '../../src/domain/decision/decide.ts';
import { planReassignment } from '../../src/domain/decision/reassignment-plan.ts';
import { LeadSchema, type Lead } from '../../src/domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { zonedParts } from '../../src/domain/shared/zoned-time.ts';
import { applyChanges, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';

/**
 * Issue 14: after a reassignment no lead is with the departed rep or with a rep who is not eligible for it at that
 * moment. Random batches of the example org's sample leads, random times over a week (in and out of hours), random
 * loads near the caps, a random departing rep and randomly paused colleagues. The oracle re-checks every assignment
 * with checkAssignment (every eligibility check for the named team and rep) against the routing state as it was just
 * before that lead was moved — tracked here, independently of the planner.
 */
const LEADS_DIR = 'examples/bank/leads';
const SAMPLES: readonly Lead[] = readdirSync(LEADS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => LeadSchema.parse(JSON.parse(readFileSync(join(LEADS_DIR, f), 'utf8'))));
const WEEK_START = Date.parse('2026-11-23T00:00:00Z');

let base: CompiledOrg;
beforeAll(async () => {
  const loaded = await loadConfig('examples/bank');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  base = loaded.value.org;
});

function withPaused(org: CompiledOrg, paused: readonly string[]): CompiledOrg {
  if (paused.length === 0) return org;
  const config = structuredClone(org.config) as unknown as { reps: { id: string; status: string }[] };
  for (const rep of config.reps) if (paused.includes(rep.id)) rep.status = 'paused';
  const compiled = compileConfigObject(config, 'property');
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  return compiled.value.org;
}

describe('reassignment: never to the departed rep, never to an ineligible one', () => {
  it('holds for random batches, times, loads and pauses', () => {
    const repIds = [...base.repsById.keys()];
    const arb = fc.record({
      picks: fc.array(fc.nat({ max: SAMPLES.length - 1 }), { minLength: 1, maxLength: 25 }),
      at: fc.integer({ min: WEEK_START, max: WEEK_START + 7 * 86_400_000 }),
      anyRep: fc.constantFrom(...repIds),
      // Mostly the rep the engine itself would pick for the first lead: the one an exclusion must keep away.
      fromTheEngine: fc.boolean(),
      fromPaused: fc.boolean(),
      alsoPaused: fc.subarray(repIds, { maxLength: 8 }),
      loads: fc.dictionary(fc.constantFrom(...repIds), fc.record({ open: fc.nat({ max: 70 }), today: fc.nat({ max: 30 }) })),
    });
    let assigned = 0;
    let total = 0;
    fc.assert(
      fc.property(arb, ({ picks, at, anyRep, fromTheEngine, fromPaused, alsoPaused, loads }) => {
        const first = { ...SAMPLES[picks[0]!]!, id: 'lead-0' };
        const engineRep = decide({ org: base, lead: first, at, state: viewOf({ pools: {}, loads: {} }), decisionId: 'p' }).decision.rep?.id;
        const from = fromTheEngine && engineRep ? engineRep : anyRep;
        const org = withPaused(base, [...alsoPaused, ...(fromPaused ? [from] : [])]);
        const leads = picks.map((p, i) => ({ ...SAMPLES[p]!, id: `lead-${i}` }));
        const dayOf = (repId: string) => zonedParts(org.repsById.get(repId)!.timeZone, at).date;
        const state: RoutingStateSnapshot = {
          pools: {},
          loads: Object.fromEntries(Object.entries(loads).map(([repId, l]) => [repId, { ...l, day: dayOf(repId) }])),
        };
        const { moves } = planReassignment({ org, leads, fromRepId: from, at, state });
        total += moves.length;
        expect(moves.map((m) => m.leadId)).toEqual(leads.map((l) => l.id));
        let seen = state;
        for (const [i, move] of moves.entries()) {
          const load = seen.loads[from];
          if (load) seen = { ...seen, loads: { ...seen.loads, [from]: { ...load, open: Math.max(0, load.open - 1) } } };
          expect(move.to).not.toBe(from);
          if (move.outcome !== 'ASSIGNED') {
            expect(move.to).toBeNull();
            continue;
          }
          assigned++;
          const verdict = checkAssignment(org, leads[i]!, at, viewOf(seen), move.toTeam!, move.to!);
          expect(verdict.eligible, `${move.leadId} → ${move.to}: ${JSON.stringify(verdict.rep?.reasons)}`).toBe(true);
          seen = applyChanges(seen, { ledger: null, load: { repId: move.to!, day: dayOf(move.to!), openDelta: 1, todayDelta: 1 } });
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
    // Not vacuous: plenty of leads were actually moved to someone. Over 60 runs this share once dipped under a tenth
    // (random times often fall out of hours, so leads queue); 150 runs keep it well above (PROPERTY_RUNS overrides).
    expect(assigned).toBeGreaterThan(total / 10);
  });
});
