import { EMPTY_MODEL, posteriorOf, type ModelSettings, type Posterior } from '../outcomes/conversion-model.ts';
import { UNKNOWN_SEGMENT } from '../outcomes/outcome-fact.ts';
import { betaDraw, seededUniform, seedOf } from '../shared/seeded-random.ts';
import { newLedgerEntries, type LedgerEntry } from './routing-state.ts';
import type { Candidate, StepOutcome, StrategyContext, StrategyStep } from './strategy.ts';
import { chairmanPick, type ChairmanPick } from './weighted-round-robin.ts';
import type { PoolMembership } from './pool-membership.ts';

export interface OutcomeAwareSettings extends ModelSettings {
  /** The round-robin ledger the step keeps (shared with a weighted-round-robin step of the same pool). */
  readonly pool: string;
  /** x: every rep's share of the pool's leads stays within its weighted target ± x over any `window` consecutive leads. */
  readonly band: number;
  readonly window: number;
  /** Monte Carlo draws (the decision's own draw among them) that estimate each candidate's selection probability. */
  readonly propensitySamples: number;
  /** A declared pool with members: only they take its leads, with their pool weights and daily caps. */
  readonly membership?: PoolMembership;
}

/** Why the fairness guard overrode the sampled pick; recorded with reason code FAIRNESS_GUARD. */
type Guard = { readonly kind: 'starving' | 'capped'; readonly reps: readonly string[] };

/** A decision of the whole policy (Thompson pick, then the guard) for one vector of posterior draws. */
interface PolicyPick {
  readonly index: number;
  readonly guard: Guard | null;
}

/** A declared pool's member weights, else each rep's own. */
const weightOf = (s: OutcomeAwareSettings) => s.membership?.weightOf ?? ((c: Candidate) => c.rep.weight);

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * The largest deviation (assigned − entitled, in leads) the guard allows. Deviations within ±D at every lead keep
 * every window of W leads within ±2D of its target count; the guard may overshoot by under one lead when several
 * reps hit the lower edge together (one lead, one pick), so D = x·W/2 − 1 keeps every window within ±x·W, i.e.
 * the share within target ± x. Half a lead at least, so a tiny band still lets the guard act.
 */
export const allowedDeviation = (s: Pick<OutcomeAwareSettings, 'band' | 'window'>): number => Math.max(0.5, (s.band * s.window) / 2 - 1);

/** Among `subset` (indices into candidates), the chairman rule's pick over the same ledger. */
function chairmanAmong(ctx: StrategyContext, s: OutcomeAwareSettings, candidates: readonly Candidate[], subset: readonly number[]): number {
  const sub = subset.map((i) => candidates[i]!);
  const p = chairmanPick(ctx.state, s.pool, sub, weightOf(s));
  return subset[sub.indexOf(p.candidate)]!;
}

interface Band {
  /** Candidates below the band unless they take this lead (indices): the guard gives it to one of them. */
  readonly starving: readonly number[];
  /** Candidates that may take this lead without rising above the band. */
  readonly allowed: readonly number[];
}

/** The whole policy for one vector of posterior draws: the highest draw, unless the fairness band says otherwise. */
function policyOf(ctx: StrategyContext, s: OutcomeAwareSettings, candidates: readonly Candidate[], band: Band) {
  const guardOf = (kind: Guard['kind'], idx: readonly number[]): Guard => ({ kind, reps: idx.map((i) => candidates[i]!.rep.id) });
  const capped = candidates.map((_, i) => i).filter((i) => !band.allowed.includes(i));
  return (draws: readonly number[]): PolicyPick => {
    if (band.starving.length > 0)
      return { index: chairmanAmong(ctx, s, candidates, band.starving), guard: guardOf('starving', band.starving) };
    let best = 0;
    for (let i = 1; i < draws.length; i++) if (draws[i]! > draws[best]!) best = i;
    if (band.allowed.includes(best) || band.allowed.length === 0) return { index: best, guard: null };
    return { index: chairmanAmong(ctx, s, candidates, band.allowed), guard: guardOf('capped', capped) };
  };
}

interface Sampled {
  readonly decision: PolicyPick;
  /** Each candidate's draws; the first is the decision's own. */
  readonly samples: readonly (readonly number[])[];
  readonly propensity: readonly number[];
  readonly m: number;
}

/** The decision's draw, then further draws of the same stream through the same policy for the propensities. */
function sample(seed: number, posteriors: readonly Posterior[], policy: (d: readonly number[]) => PolicyPick, m: number): Sampled {
  const u = seededUniform(seed);
  const samples: number[][] = posteriors.map(() => []);
  const chosen = posteriors.map(() => 0);
  let decision: PolicyPick | null = null;
  for (let k = 0; k < m; k++) {
    const draws = posteriors.map((p) => betaDraw(p.alpha, p.beta, u));
    draws.forEach((x, i) => samples[i]!.push(x));
    const pick = policy(draws);
    chosen[pick.index]!++;
    decision ??= pick;
  }
  return { decision: decision!, samples, propensity: chosen.map((c) => c / m), m };
}

const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** What the decision records per candidate: posterior, estimate, 90 % interval (from the draws), draw, propensity, deviation. */
const candidateRows = (candidates: readonly Candidate[], posteriors: readonly Posterior[], r: Sampled, deviation: readonly number[]) =>
  candidates.map((c, i) => {
    const p = posteriors[i]!;
    return {
      rep: c.rep.id,
      team: c.team.id,
      alpha: round(p.alpha),
      beta: round(p.beta),
      learnedFrom: p.learnedFrom,
      estimate: round(p.alpha / (p.alpha + p.beta)),
      interval: [round(quantile(r.samples[i]!, 0.05)), round(quantile(r.samples[i]!, 0.95))],
      draw: round(r.samples[i]![0]!),
      propensity: round(r.propensity[i]!),
      deviation: round(deviation[i]!),
    };
  });

/** Every candidate's next ledger entry: entitlement accrues for all, only the chosen one's assigned and lastSeq move. */
function ledgerEntries(full: ChairmanPick, chosen: number): Record<string, LedgerEntry> {
  const entries = newLedgerEntries();
  full.rows.forEach((r, i) => {
    entries[r.rep] =
      i === chosen
        ? { assigned: r.assigned + 1, entitled: r.entitled, lastSeq: full.seq }
        : { assigned: r.assigned, entitled: r.entitled, lastSeq: r.lastSeq };
  });
  return entries;
}

const guardReason = (guard: Guard, winner: string) => ({
  code: 'FAIRNESS_GUARD' as const,
  detail: `${guard.kind === 'starving' ? 'below' : 'above'} the fairness band: ${guard.reps.join(', ')}; round robin chose ${winner}`,
});

/**
 * Thompson sampling inside the fairness band. Every step of it is a function of the ledger, the model snapshot and
 * the seed, all recorded, so a replay is byte-identical; propensities are estimated by running the same policy on
 * further draws of the same seeded stream, so the logged action's own draw is one of the samples and its
 * propensity is never 0 (inverse-propensity estimates stay finite).
 */
export const outcomeAware = (s: OutcomeAwareSettings): StrategyStep => ({
  kind: 'outcome-aware',
  pool: s.pool,
  readsOutcomeModel: true,
  apply(ctx, eligible): StepOutcome {
    const admitted = s.membership?.admit(ctx.state, ctx.at, eligible);
    if (admitted && admitted.inPool.length === 0)
      return { kind: 'passed', note: `pool ${s.pool}: no member among ${eligible.length} eligible reps can take it${admitted.cappedNote}` };
    const candidates = admitted?.inPool ?? eligible;
    const model = ctx.outcomes ?? EMPTY_MODEL;
    const segment = ctx.lead.company?.segment ?? UNKNOWN_SEGMENT;
    const seed = seedOf(ctx.decisionId ?? `${ctx.lead.id}@${ctx.at}`);
    const posteriors = candidates.map((c) => posteriorOf(model, c.rep.id, c.team.id, segment, s));
    // The full chairman pass gives every candidate's entitlement after this lead: the ledger the guard reads.
    const full = chairmanPick(ctx.state, s.pool, candidates, weightOf(s));
    const d = allowedDeviation(s);
    const deviation = full.rows.map((r) => r.assigned - r.entitled);
    const all = candidates.map((_, i) => i);
    const band: Band = { starving: all.filter((i) => deviation[i]! < -d), allowed: all.filter((i) => deviation[i]! + 1 <= d) };
    // The starving guard ignores the draws, so one draw is enough and the pick's propensity is 1.
    const r = sample(seed, posteriors, policyOf(ctx, s, candidates, band), band.starving.length > 0 ? 1 : s.propensitySamples);
    const { guard, index } = r.decision;
    const rows = candidateRows(candidates, posteriors, r, deviation);
    const winner = candidates[index]!;
    const note = guard
      ? `fairness guard (${guard.kind}: ${guard.reps.join(', ')}) — weighted round robin decides, in pool ${s.pool}`
      : `Thompson draw ${rows[index]!.draw.toFixed(3)} highest (estimate ${rows[index]!.estimate.toFixed(3)}, segment ${segment})`;
    const { pool, minOutcomes, teamPriorStrength, globalPriorStrength } = s;
    const settings = { minOutcomes, teamPriorStrength, globalPriorStrength, band: s.band, window: s.window, allowedDeviation: round(d) };
    return {
      kind: 'picked',
      candidate: winner,
      note,
      details: {
        pool,
        seq: full.seq,
        segment,
        model: model.version,
        seed,
        samples: r.m,
        settings,
        candidates: rows,
        guard,
        chosen: winner.rep.id,
        ...(admitted ? { declared: true, notMembers: admitted.outside, capped: admitted.capped } : {}),
      },
      changes: {
        pool,
        seq: full.seq,
        entries: s.membership
          ? s.membership.withDayCounters(ctx.state, ctx.at, candidates, winner.rep.id, ledgerEntries(full, index))
          : ledgerEntries(full, index),
      },
      ...(guard ? { reason: guardReason(guard, winner.rep.id) } : {}),
    };
  },
});
