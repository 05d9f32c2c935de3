import type { CompiledOrg } from '../org/compiled-org.ts';
import { CALIBRATED_START, type LedgerEntry, type PoolLedger } from './routing-state.ts';

/**
 * Pools as ops see them (docs/operations.md "Pools"): who is in a pool with which weight and cap, and
 * how the ledger stands against the weights. Pure: the org version and the stored ledger in, views and
 * new ledgers out.
 */

export interface PoolMember {
  readonly rep: string;
  /** The weight the pool picks with: the member's pool weight, else the rep's own. */
  readonly weight: number;
  readonly cap: number | null;
}

export interface PoolDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** false: a plain name in a rule's round-robin step. */
  readonly declared: boolean;
  /** true: every eligible rep takes part (no member list); the members shown are the reps its ledger has seen. */
  readonly open: boolean;
  readonly members: readonly PoolMember[];
}

const EMPTY_LEDGER: PoolLedger = { seq: 0, reps: {} };

/** Every pool the org version knows: declared ones in config order, then names used by rules (sorted). */
export function poolIds(org: CompiledOrg): readonly string[] {
  const used = new Set(org.rules.flatMap((r) => r.chain.flatMap((step) => (step.pool ? [step.pool] : []))));
  return [...org.pools.keys(), ...[...used].filter((p) => !org.pools.has(p)).sort()];
}

/** A pool's definition in this org version, or undefined when neither declared nor used by a rule. */
export function poolDefinition(org: CompiledOrg, id: string, ledger: PoolLedger | undefined): PoolDefinition | undefined {
  const declared = org.pools.get(id);
  const repWeight = (rep: string) => org.repsById.get(rep)?.weight ?? 1;
  if (!declared && !poolIds(org).includes(id)) return undefined;
  // An open pool, like a name used only in a rule, has as members the reps its ledger has seen.
  const seen = () => Object.keys(ledger?.reps ?? {}).map((rep) => ({ rep, weight: repWeight(rep), cap: null }));
  return {
    id,
    name: declared?.name ?? id,
    description: declared?.description ?? null,
    declared: declared !== undefined,
    open: !declared?.members,
    members: declared?.members
      ? declared.members.map((m) => ({ rep: m.rep, weight: m.weight ?? repWeight(m.rep), cap: m.cap }))
      : seen().sort((a, b) => (a.rep < b.rep ? -1 : 1)),
  };
}

export interface PoolMemberView extends PoolMember {
  readonly name: string | null;
  /** Leads this pool gave the member since the ledger was last reset. */
  readonly assigned: number;
  readonly entitled: number;
  /** entitled − assigned: > 0 the member is owed leads, < 0 ahead. */
  readonly shortfall: number;
  /** Pool sequence number of the member's last lead from the pool (0 = none). */
  readonly lastSeq: number;
  /** The per-day counter a cap reads: rep-local day and leads given that day (declared pools only). */
  readonly day: string | null;
  readonly today: number;
  /** weight / Σ member weights. */
  readonly expectedShare: number;
  /** assigned / Σ members' assigned (null before the pool has assigned anything). */
  readonly actualShare: number | null;
}

export interface PoolView extends Omit<PoolDefinition, 'members'> {
  readonly seq: number;
  readonly members: readonly PoolMemberView[];
  /** Ledger entries of reps that are no longer members (kept: they resume there if they rejoin). */
  readonly formerMembers: readonly string[];
}

export function poolView(org: CompiledOrg, def: PoolDefinition, ledger: PoolLedger = EMPTY_LEDGER): PoolView {
  const totalWeight = def.members.reduce((s, m) => s + m.weight, 0);
  const entry = (rep: string): LedgerEntry => ledger.reps[rep] ?? CALIBRATED_START;
  const totalAssigned = def.members.reduce((s, m) => s + entry(m.rep).assigned, 0);
  const memberIds = new Set(def.members.map((m) => m.rep));
  return {
    id: def.id,
    name: def.name,
    description: def.description,
    declared: def.declared,
    open: def.open,
    seq: ledger.seq,
    members: def.members.map((m) => {
      const e = entry(m.rep);
      return {
        ...m,
        name: org.repsById.get(m.rep)?.name ?? null,
        assigned: e.assigned,
        entitled: e.entitled,
        shortfall: e.entitled - e.assigned,
        lastSeq: e.lastSeq,
        day: e.day ?? null,
        today: e.today ?? 0,
        expectedShare: totalWeight > 0 ? m.weight / totalWeight : 0,
        actualShare: totalAssigned > 0 ? e.assigned / totalAssigned : null,
      };
    }),
    formerMembers: Object.keys(ledger.reps)
      .filter((rep) => !memberIds.has(rep))
      .sort(),
  };
}

/** Reset: the ledger back to zero — every entry removed, so every member starts at the calibrated position. */
export const resetLedger = (): Readonly<Record<string, LedgerEntry>> => ({});

/**
 * Recalibration (docs/operations.md "Pools"): every member — and every former member's entry — is put
 * where its weight would have it, exactly level with its target: entitled := assigned (shortfall 0).
 * Counts and per-day counters are kept (the cap still holds today); only the debt or credit a member
 * carried — from joining late, a reset elsewhere, a weight change or time away — is written off. From a
 * level ledger the chairman rule keeps each member within 1 − 1/(2n − 2) of N × weight / Σ weights over the
 * next N leads while the set is stable: the split by weight within ±1 (property-tested).
 */
export function recalibrateLedger(def: PoolDefinition, ledger: PoolLedger): Readonly<Record<string, LedgerEntry>> {
  const reps = new Set([...Object.keys(ledger.reps), ...def.members.map((m) => m.rep)]);
  const out: Record<string, LedgerEntry> = {};
  for (const rep of [...reps].sort()) {
    const e = ledger.reps[rep] ?? CALIBRATED_START;
    out[rep] = { ...e, entitled: e.assigned };
  }
  return out;
}
