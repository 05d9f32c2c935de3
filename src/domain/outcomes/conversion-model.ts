import { contentHash } from '../shared/canonical-json.ts';
import type { OutcomeFact } from './outcome-fact.ts';

/** Closed outcomes that count for conversion. DISQUALIFIED leads were never winnable, so they teach nothing about the rep. */
export interface Tally {
  readonly won: number;
  readonly lost: number;
}

type BySegment = Readonly<Record<string, Tally>>;

/**
 * The conversion model's state: outcome tallies per rep × segment, team × segment and segment, plus a content hash
 * (`version`). It is an input of the decision like the round-robin ledger: the decision records the version and
 * every candidate's posterior, so a replay with the same snapshot is exact and a changed snapshot is detectable.
 */
export interface ConversionModelSnapshot {
  readonly version: string;
  readonly reps: Readonly<Record<string, BySegment>>;
  readonly teams: Readonly<Record<string, BySegment>>;
  readonly segments: BySegment;
}

type Mutable = Record<string, Record<string, { won: number; lost: number }>>;

function add(into: Mutable, key: string, segment: string, won: boolean): void {
  const row = (into[key] ??= {});
  const t = (row[segment] ??= { won: 0, lost: 0 });
  if (won) t.won++;
  else t.lost++;
}

/**
 * Accumulates outcome facts into a model; `snapshot()` freezes what was added so far. Replays that learn as they go
 * (simulation: only outcomes closed before each lead) add facts in time order and snapshot when new ones arrived.
 */
export class ConversionModelBuilder {
  readonly #reps: Mutable = {};
  readonly #teams: Mutable = {};
  readonly #segments: Mutable = { all: {} };

  add(f: OutcomeFact): void {
    if (f.outcome === 'DISQUALIFIED') return;
    const won = f.outcome === 'WON';
    add(this.#reps, f.repId, f.segment, won);
    add(this.#teams, f.teamId, f.segment, won);
    add(this.#segments, 'all', f.segment, won);
  }

  snapshot(): ConversionModelSnapshot {
    // A deep copy through canonical JSON: later add()s never change a snapshot a decision already read.
    const body = JSON.parse(JSON.stringify({ reps: this.#reps, teams: this.#teams, segments: this.#segments.all })) as Omit<
      ConversionModelSnapshot,
      'version'
    >;
    return { version: contentHash(body), ...body };
  }
}

/** Builds the snapshot from outcome facts (order does not matter: the version hashes the canonical form). */
export function buildConversionModel(facts: readonly OutcomeFact[]): ConversionModelSnapshot {
  const builder = new ConversionModelBuilder();
  for (const f of facts) builder.add(f);
  return builder.snapshot();
}

export const EMPTY_MODEL: ConversionModelSnapshot = buildConversionModel([]);

export interface ModelSettings {
  /** Tallies with fewer outcomes than this are not learned from: the level above decides. */
  readonly minOutcomes: number;
  /** Pseudo-outcomes of the team level behind a rep (κ_team). */
  readonly teamPriorStrength: number;
  /** Pseudo-outcomes of the segment's global rate behind a team (κ_global). */
  readonly globalPriorStrength: number;
}

/** A candidate's Beta posterior and where its prior came from. */
export interface Posterior {
  readonly alpha: number;
  readonly beta: number;
  /** Which levels contributed data, most specific first (a level under minOutcomes is skipped). */
  readonly learnedFrom: readonly ('rep' | 'team' | 'global')[];
}

const n = (t: Tally | undefined): number => (t ? t.won + t.lost : 0);

/**
 * Hierarchical shrinkage (docs/outcome-routing.md "Model"): the segment's global rate (Laplace-smoothed) is the
 * prior mean of the team with strength κ_global; the team's posterior mean is the prior mean of the rep with
 * strength κ_team; the rep's own outcomes update that Beta. A level with fewer than minOutcomes outcomes adds
 * nothing, so a new rep (or a new segment) starts at the team prior — the cold start.
 */
export function posteriorOf(model: ConversionModelSnapshot, repId: string, teamId: string, segment: string, s: ModelSettings): Posterior {
  const learnedFrom: ('rep' | 'team' | 'global')[] = [];
  const use = (t: Tally | undefined, level: 'rep' | 'team' | 'global'): Tally => {
    if (n(t) < s.minOutcomes) return { won: 0, lost: 0 };
    learnedFrom.push(level);
    return t!;
  };
  const g = use(model.segments[segment], 'global');
  const globalMean = (g.won + 1) / (n(g) + 2);
  const t = use(model.teams[teamId]?.[segment], 'team');
  const teamMean = (t.won + s.globalPriorStrength * globalMean) / (n(t) + s.globalPriorStrength);
  const r = use(model.reps[repId]?.[segment], 'rep');
  return {
    alpha: s.teamPriorStrength * teamMean + r.won,
    beta: s.teamPriorStrength * (1 - teamMean) + r.lost,
    learnedFrom: learnedFrom.reverse(),
  };
}
