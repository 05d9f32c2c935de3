import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticLeads, syntheticOrg } from '../../bench/synthetic-org.ts';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { DecisionContext, RepCheck } from '../../src/domain/eligibility/eligibility-check.ts';
import * as repChecks from '../../src/domain/eligibility/rep-checks.ts';
import type { RepAway } from '../../src/domain/eligibility/rep-presence.ts';
import { LeadSchema } from '../../src/domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';
import { seededUniform } from '../../src/domain/shared/seeded-random.ts';
import { InMemoryRoutingState } from '../../src/domain/strategies/in-memory-routing-state.ts';
import type { RepLoad, RoutingStateView } from '../../src/domain/strategies/routing-state.ts';

/**
 * A team's availability verdicts are reused from decision to decision while the minute, the out-of-office windows and
 * the reps' loads stay the same (decision/team-verdict.ts). A team with a rep named in the presence snapshot is
 * evaluated afresh, rep by rep: so the reference run names, for every team, a rep whose away record starts only next
 * year — it changes no verdict, and makes every team of every decision go the fresh way. Both runs must give the same
 * bytes, decision by decision, over runs of decisions a few milliseconds apart (most of them reuse), across a working
 * hours end, a local midnight (daily caps), out-of-office periods starting and ending, and small caps filling up.
 */

const START = Date.parse('2026-11-24T16:58:40Z'); // Dubai reps' working hours (07:00–21:00 local) end at 17:00Z
const MIDNIGHT = Date.parse('2026-11-24T23:59:20Z'); // London's local day changes: daily counters restart

/**
 * The synthetic org with small caps, out-of-office periods that start and end inside the runs, closed days, and some
 * rules that ignore working hours.
 */
function tightOrg(): CompiledOrg {
  const config = syntheticOrg();
  const reps = (config.reps as Record<string, unknown>[]).map((rep, k) => ({
    ...rep,
    capacity: { maxOpenLeads: 1 + (k % 3), ...(k % 2 === 0 ? { maxLeadsPerDay: 1 + (k % 4) } : {}) },
    outOfOffice:
      k % 7 === 0
        ? [
            {
              from: new Date(START + (k % 90) * 1000).toISOString(),
              to: new Date(START + (20 + (k % 90) + (k % 50)) * 1000).toISOString(),
            },
            { from: new Date(MIDNIGHT + (k % 40) * 1000).toISOString(), to: new Date(MIDNIGHT + 70_000).toISOString() },
          ]
        : [],
  }));
  // Every fifth team closed on the 25th (local): the runs that cross a local midnight meet TEAM_CLOSED.
  const teams = (config.teams as Record<string, unknown>[]).map((team, t) =>
    t % 5 === 0 ? { ...team, calendar: { extraClosedDays: ['2026-11-25'] } } : team,
  );
  // A third of the rules route regardless of working hours: both slots of a team (and the time groups' results shared
  // between teams per minute, keyed by slot) meet within one minute.
  const rules = (config.rules as { then: { kind: string } }[]).map((rule, r) =>
    rule.then.kind === 'route' && r % 3 === 0 ? { ...rule, then: { ...rule.then, respectWorkingHours: false } } : rule,
  );
  const compiled = compileConfigObject({ ...config, teams, reps, rules });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error.slice(0, 3)));
  return compiled.value.org;
}

const NOT_YET: RepAway = { since: '2027-06-01T00:00:00Z', until: null, reason: null };

/**
 * Decides `count` leads twice — reusing kept outcomes, and with every team evaluated afresh — at `timeOf(i, rnd)`, and
 * expects the same bytes decision by decision; returns the reason codes the reps were given.
 */
function sameBytesAsFresh(count: number, seed: number, timeOf: (i: number, rnd: () => number) => number): Set<string> {
  const reused = tightOrg();
  const fresh = tightOrg();
  const everyTeam: Record<string, RepAway> = Object.fromEntries(fresh.teams.flatMap((t) => (t.reps[0] ? [[t.reps[0].id, NOT_YET]] : [])));
  const leads = syntheticLeads(count, 24, seed).map((l) => LeadSchema.parse(l));
  const repIds = [...reused.repsById.keys()];
  const rnd = seededUniform(seed + 1);
  const a = new InMemoryRoutingState();
  const b = new InMemoryRoutingState();
  // Leads are closed now and then (a rep's open count falls): a rep at its cap becomes available again, with
  // nothing else changing — the kept outcomes must see it.
  const closed = new Map<string, number>();
  const closing = (state: InMemoryRoutingState): RoutingStateView => ({
    poolSeq: (pool) => state.poolSeq(pool),
    ledgerEntry: (pool, repId) => state.ledgerEntry(pool, repId),
    load: (repId) => {
      const load = state.load(repId);
      const n = closed.get(repId) ?? 0;
      return load && n > 0 ? { ...load, open: load.open - n } : load;
    },
  });
  const [viewA, viewB] = [closing(a), closing(b)];
  let reopened = 0;
  const reasons = new Set<string>();
  // Reps of the last decision's candidate teams: the next lead of the same kind is likely to meet them again.
  let seen: string[] = repIds;
  const someRep = () => seen[Math.floor(rnd() * seen.length)]!;
  leads.forEach((lead, i) => {
    const at = timeOf(i, rnd);
    // Now and then a rep is away or excluded for real: that team goes the fresh way in both runs.
    const away: Record<string, RepAway> = rnd() < 0.05 ? { [someRep()]: { since: '2026-11-24T00:00:00Z', until: null, reason: 'x' } } : {};
    const excludeReps = rnd() < 0.05 ? [someRep()] : [];
    const input = { lead, at, decisionId: `d${i}`, excludeReps };
    const x = decide({ ...input, org: reused, state: viewA, presence: away });
    const y = decide({ ...input, org: fresh, state: viewB, presence: { ...everyTeam, ...away } });
    expect(canonicalJson({ decision: x.decision, changes: x.changes }), `decision ${i}`).toBe(
      canonicalJson({ decision: y.decision, changes: y.changes }),
    );
    a.apply(x.changes);
    b.apply(y.changes);
    for (const t of x.decision.candidates) for (const r of t.reps) for (const reason of r.reasons) reasons.add(reason.code);
    const reps = x.decision.candidates.flatMap((t) => t.reps.map((r) => r.id));
    if (reps.length > 0) seen = reps;
    // Close one lead of a rep held at its open cap in this decision (the next decision of the same kind meets it).
    const full = x.decision.candidates.flatMap((t) => t.reps.filter((r) => r.reasons.some((c) => c.code === 'CAPACITY_REACHED')));
    if (full.length > 0 && rnd() < 0.5) {
      const id = full[Math.floor(rnd() * full.length)]!.id;
      closed.set(id, (closed.get(id) ?? 0) + 1);
      reopened++;
    }
  });
  expect(reopened).toBeGreaterThan(100);
  return reasons;
}

describe('reused availability verdicts', () => {
  it('decide() gives the same bytes as with every team evaluated afresh', () => {
    // Runs of decisions a few milliseconds apart: most of them reuse the minute's outcomes.
    const reasons = sameBytesAsFresh(3_000, 1803, (i, rnd) => (i < 1_500 ? START : MIDNIGHT) + (i % 1_500) * 70 + Math.floor(rnd() * 5));
    // Not vacuous: caps filled, daily caps and hours and out-of-office periods took reps out during the runs.
    for (const code of ['CAPACITY_REACHED', 'DAILY_CAP_REACHED', 'OUT_OF_HOURS', 'OUT_OF_OFFICE', 'REP_AWAY', 'EXCLUDED_FROM_REROUTE'])
      expect([...reasons]).toContain(code);
  }, 120_000);

  it('decide() gives the same bytes as afresh when most decisions start a new minute', () => {
    // 10–30 s apart over ~11 hours from 16:58Z: a team's outcomes are carried into the next minute over and over —
    // reps whose checks read no time (no hours, no daily cap, no out-of-office) unevaluated while their load stands,
    // the others evaluated again — across working-hours ends, local midnights and out-of-office periods.
    let t = START;
    const reasons = sameBytesAsFresh(2_000, 1808, (_i, rnd) => (t += 10_000 + Math.floor(rnd() * 20_000)));
    // Not vacuous: the checks that read the time and the caps took reps out (exclusions: the run above).
    for (const code of ['CAPACITY_REACHED', 'DAILY_CAP_REACHED', 'OUT_OF_HOURS', 'TEAM_CLOSED', 'REP_AWAY'])
      expect([...reasons]).toContain(code);
  }, 120_000);

  it('a new minute that changes no outcome keeps the verdict objects of the last one', () => {
    const org = tightOrg();
    const state = new InMemoryRoutingState();
    const leads = syntheticLeads(400, 24, 1805).map((l) => LeadSchema.parse(l));
    // Mid-afternoon UTC, away from the runs' out-of-office periods and the Dubai hours' end; one minute apart, state unchanged.
    const [first, next] = [Date.parse('2026-11-24T14:00:10Z'), Date.parse('2026-11-24T14:01:10Z')];
    let keptReps = 0;
    let keptTeams = 0;
    for (const [i, lead] of leads.entries()) {
      const x = decide({ org, lead, at: first, state, decisionId: `a${i}` }).decision;
      const y = decide({ org, lead, at: next, state, decisionId: `b${i}` }).decision;
      x.candidates.forEach((t, k) => {
        const u = y.candidates[k]!;
        // An outcome that reads the local minute (out of hours) may say something new; any other is the same object.
        const timeRead = (v: (typeof t.reps)[number]) => v.reasons.some((r) => r.code === 'OUT_OF_HOURS');
        t.reps.forEach((r, j) => {
          if (timeRead(r) || timeRead(u.reps[j]!)) return;
          expect(u.reps[j], `lead ${i} team ${t.id} rep ${r.id}`).toBe(r);
          if (r.available) return;
          keptReps++;
          // Declared immutable data (its canonical text written once and kept: shared/canonical-json.ts), not merely frozen.
          expect(Object.getOwnPropertySymbols(r), `lead ${i} rep ${r.id}`).toHaveLength(1);
        });
        if (t.reps.length > 0 && !t.reps.some(timeRead)) {
          expect(u, `lead ${i} team ${t.id}`).toBe(t);
          keptTeams++;
        }
      });
    }
    // Not vacuous: unavailable reps (paused, out of office, at a cap) and whole teams were met in both minutes.
    expect(keptReps).toBeGreaterThan(50);
    expect(keptTeams).toBeGreaterThan(50);
  });
});

describe('RepCheck.timeIndependent', () => {
  // team-verdict.ts carries a timeIndependent check's outcome into the next minute unevaluated: a check that declares
  // it and still reads the time would keep a stale outcome. Every declared check, on every rep of the tight org (hours,
  // caps, out-of-office, closed days), with loads at and below the caps, must give the same result at any instant.
  const org = tightOrg();
  const checks = Object.values(repChecks).filter((c): c is RepCheck => !Array.isArray(c) && typeof c === 'object');
  const declared = checks.filter((c) => c.timeIndependent === true);
  // Every rep has the same load here, so the view answers it for any rep id.
  const context = (at: number, load: RepLoad): DecisionContext =>
    ({
      at,
      org,
      presence: new Map(),
      respectWorkingHours: true,
      state: { load: () => load, poolSeq: () => 0, ledgerEntry: () => undefined },
    }) as unknown as DecisionContext;

  it('is declared by the checks that read no time (status, presence, open-lead cap)', () => {
    expect(declared.map((c) => c.name).sort()).toEqual(['open-capacity', 'presence', 'status']);
  });

  it('a declared check gives the same result at any instant', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 * 24 * 60 }), { minLength: 2, maxLength: 4 }), fc.nat(3), (minutes, open) => {
        const contexts = minutes.map((m) => context(START + m * 60_000, { open, day: '2026-11-25', today: open }));
        for (const check of declared)
          for (const rep of org.repsById.values()) {
            const results = contexts.map((ctx) => check.evaluate(ctx, rep));
            for (const r of results) expect(r).toEqual(results[0]);
          }
      }),
      { numRuns: 20 },
    );
  });

  it('each check that reads the time gives another result at another instant on this org (so it must not declare it)', () => {
    const readers = checks.filter((c) => c.kind === 'availability' && c.timeIndependent !== true);
    expect(readers.map((c) => c.name).sort()).toEqual(['daily-capacity', 'out-of-office', 'team-calendar', 'working-hours']);
    for (const check of readers) {
      const load = check.name === 'daily-capacity' ? { open: 0, day: '2026-11-24', today: 4 } : { open: 0, day: '', today: 0 };
      const instants = [START - 3_600_000, START + 60_000, MIDNIGHT - 3_600_000, MIDNIGHT + 60_000, MIDNIGHT + 12 * 3_600_000];
      const contexts = instants.map((ms) => context(ms, load));
      const differs = [...org.repsById.values()].some((rep) => {
        const results = contexts.map((ctx) => JSON.stringify(check.evaluate(ctx, rep)));
        return new Set(results).size > 1;
      });
      expect(differs, check.name).toBe(true);
    }
  });
});
