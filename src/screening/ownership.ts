/**
 * Ownership from FollowTheMoney `Ownership` records (owner, asset, percentage, startDate, endDate;
 * https://followthemoney.tech/explorer/schemata/Ownership/) and the OFAC 50 % rule (docs/screening.md "Ownership").
 *
 * OFAC, "Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property Are Blocked"
 * (13 August 2014), and FAQs 398–402: an entity owned 50 % or more, directly or indirectly, individually or **in the
 * aggregate**, by one or more blocked persons is itself blocked. Indirect ownership does not multiply along a chain:
 * an entity that is itself blocked by the rule (owned ≥ 50 % by blocked persons) counts as a blocked owner with its
 * whole stake in the next entity. So blocked(x) = listed(x) or Σ stake(o, x) over blocked owners o ≥ threshold.
 *
 * The loader keeps, per entity, the flat upstream ownership graph that reaches a listed party (JSON data, no cycles in
 * the objects, so it is hashed with the entry for delta re-screening); the threshold is policy, so the rule is
 * evaluated at screening time (`ownershipByListedParties`). Pure and deterministic.
 */

/** One current ownership stake (an FtM `Ownership` record). `percentage` null: not published. */
export interface OwnershipStake {
  readonly owner: string;
  readonly asset: string;
  readonly percentage: number | null;
  readonly startDate?: string;
  readonly endDate?: string;
}

/** A party in the graph: its name as listed (or its id when the file has no entity for it) and whether it is listed. */
export interface OwnershipParty {
  readonly name: string;
  /** Sanctioned on the list itself (an FtM `Sanction` or a `sanction` topic). */
  readonly listed: boolean;
}

/** The upstream ownership of one entity: every stake on a path from a listed party to it. */
export interface OwnershipGraph {
  readonly parties: Readonly<Record<string, OwnershipParty>>;
  readonly stakes: readonly OwnershipStake[];
}

/** One owner's share in the explanation: listed itself, or blocked through its own owners (`ownedBy`). */
export interface OwnerShare {
  readonly entryId: string;
  readonly name: string;
  /** Percent of the asset held; null when not published (treated as reaching the threshold). */
  readonly percentage: number | null;
  readonly listed: boolean;
  /** Why an owner that is not listed counts as blocked: its own blocked owners (the chain). */
  readonly ownedBy?: readonly OwnerShare[];
}

/** Why an entity counts as owned by listed parties, for the hit and the record. */
export interface OwnershipExplanation {
  readonly rule: 'ofac-50-percent';
  readonly thresholdPercent: number;
  /** Sum of the known stakes of blocked owners (direct and through blocked entities). */
  readonly aggregatePercent: number;
  /** Some blocked owner's stake is not published: treated conservatively as reaching the threshold. */
  readonly unknownPercentage: boolean;
  readonly owners: readonly OwnerShare[];
}

/** `"51"`, `"51.5 %"`, `"51,5"` → 51.5; anything else (empty, a range, words) → null: not published. */
export function parsePercentage(values: readonly string[]): number | null {
  for (const v of values) {
    const m = /^\s*(\d{1,3}(?:[.,]\d+)?)\s*%?\s*$/.exec(v);
    if (!m) continue;
    const n = Number(m[1]!.replace(',', '.'));
    if (n >= 0 && n <= 100) return n;
  }
  return null;
}

/** A stake is current when it has not ended before `today` (YYYY-MM-DD) and has started by then. */
export const isCurrentStake = (s: Pick<OwnershipStake, 'startDate' | 'endDate'>, today: string): boolean =>
  (s.endDate === undefined || s.endDate.slice(0, 10) >= today) && (s.startDate === undefined || s.startDate.slice(0, 10) <= today);

/**
 * Several current records for one owner and asset (restatements of one holding): the largest published stake, or
 * unknown when none is published.
 */
export function mergeStakes(stakes: readonly OwnershipStake[]): OwnershipStake[] {
  const byPair = new Map<string, OwnershipStake>();
  for (const s of stakes) {
    const key = `${s.owner}\u0000${s.asset}`;
    const prev = byPair.get(key);
    if (!prev || (s.percentage ?? -1) > (prev.percentage ?? -1)) byPair.set(key, s);
  }
  return [...byPair.values()];
}

/**
 * For each asset, the upstream graph of stakes reaching a listed party (undefined when none does). `stakes` are the
 * current, merged stakes of the whole file; `party` describes any id.
 */
export function upstreamGraphs(stakes: readonly OwnershipStake[], party: (id: string) => OwnershipParty): Map<string, OwnershipGraph> {
  const ownersOf = new Map<string, OwnershipStake[]>();
  for (const s of stakes) ownersOf.set(s.asset, [...(ownersOf.get(s.asset) ?? []), s]);
  // Which ids have a listed party upstream (or are listed): walked once per id, cycles cut.
  const reaches = new Map<string, boolean>();
  const reachesListed = (id: string, onPath: Set<string>): boolean => {
    const known = reaches.get(id);
    if (known !== undefined) return known;
    if (party(id).listed) return true;
    if (onPath.has(id)) return false;
    onPath.add(id);
    const r = (ownersOf.get(id) ?? []).some((s) => reachesListed(s.owner, onPath));
    onPath.delete(id);
    reaches.set(id, r);
    return r;
  };
  const graphs = new Map<string, OwnershipGraph>();
  for (const asset of ownersOf.keys()) {
    if (!(ownersOf.get(asset) ?? []).some((s) => reachesListed(s.owner, new Set([asset])))) continue;
    const parties: Record<string, OwnershipParty> = {};
    const kept: OwnershipStake[] = [];
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      parties[id] = party(id);
      for (const s of ownersOf.get(id) ?? []) {
        if (!reachesListed(s.owner, new Set([id]))) continue;
        kept.push(s);
        visit(s.owner);
      }
    };
    visit(asset);
    graphs.set(asset, { parties, stakes: kept });
  }
  return graphs;
}

/**
 * The OFAC rule over an entity's upstream graph: undefined when its blocked owners hold less than `thresholdPercent`
 * in aggregate. A stake whose percentage is not published counts as reaching the threshold (conservative: a listed
 * owner of unknown size could control the entity; compliance decides), and is flagged in the explanation.
 */
export function ownershipByListedParties(
  entryId: string,
  graph: OwnershipGraph,
  thresholdPercent: number,
): OwnershipExplanation | undefined {
  const ownersOf = new Map<string, OwnershipStake[]>();
  for (const s of graph.stakes) ownersOf.set(s.asset, [...(ownersOf.get(s.asset) ?? []), s]);
  interface Verdict {
    blocked: boolean;
    aggregate: number;
    unknown: boolean;
    owners: OwnerShare[];
  }
  const memo = new Map<string, Verdict>();
  const notBlocked: Verdict = { blocked: false, aggregate: 0, unknown: false, owners: [] };
  const verdict = (id: string, onPath: ReadonlySet<string>): Verdict => {
    const known = memo.get(id);
    if (known) return known;
    if (onPath.has(id)) return notBlocked; // a cycle adds nothing the rest of the graph does not
    const path = new Set(onPath).add(id);
    let aggregate = 0;
    let unknown = false;
    const owners: OwnerShare[] = [];
    for (const s of ownersOf.get(id) ?? []) {
      const p = graph.parties[s.owner] ?? { name: s.owner, listed: false };
      const ownerVerdict = p.listed ? undefined : verdict(s.owner, path);
      if (!p.listed && !ownerVerdict?.blocked) continue;
      if (s.percentage === null) unknown = true;
      else aggregate += s.percentage;
      owners.push({
        entryId: s.owner,
        name: p.name,
        percentage: s.percentage,
        listed: p.listed,
        ...(ownerVerdict ? { ownedBy: ownerVerdict.owners } : {}),
      });
    }
    aggregate = Math.round(aggregate * 1000) / 1000;
    const v = { blocked: unknown || aggregate >= thresholdPercent, aggregate, unknown, owners };
    memo.set(id, v);
    return v;
  };
  const v = verdict(entryId, new Set());
  if (!v.blocked) return undefined;
  const byOwner = (a: OwnerShare, b: OwnerShare) => (b.percentage ?? 101) - (a.percentage ?? 101) || a.entryId.localeCompare(b.entryId);
  return {
    rule: 'ofac-50-percent',
    thresholdPercent,
    aggregatePercent: v.aggregate,
    unknownPercentage: v.unknown,
    owners: [...v.owners].sort(byOwner),
  };
}

/** One line per owner for the hit's notes: `owned 30 % by X (listed)`, `owned 60 % by Y (owned 50 % by Z (listed))`. */
export function ownershipNote(x: OwnershipExplanation): string {
  const share = (o: OwnerShare): string =>
    `${o.percentage === null ? 'an unpublished share' : `${o.percentage} %`} by ${o.name}` +
    (o.listed ? ' (listed)' : ` (owned ${(o.ownedBy ?? []).map(share).join(' and ')})`);
  const total = x.unknownPercentage
    ? `${x.aggregatePercent} % published, a share not published treated as reaching ${x.thresholdPercent} %`
    : `${x.aggregatePercent} % in aggregate ≥ ${x.thresholdPercent} %`;
  return `owned by listed parties (OFAC 50 % rule): ${x.owners.map(share).join('; ')}; ${total}`;
}
