import type { CompiledPool } from '../org/compiled-entities.ts';
import { zonedParts } from '../shared/zoned-time.ts';
import { newLedgerEntries, type LedgerEntry, type RoutingStateView } from './routing-state.ts';
import type { Candidate } from './strategy.ts';

export type PoolMember = NonNullable<CompiledPool['members']>[number];

const localDay = (timeZone: string, at: number) => zonedParts(timeZone, at).date;

/** Leads this pool already gave the member on the rep-local `day` (0 on a new day). */
const givenOn = (entry: LedgerEntry | undefined, day: string): number => (entry?.day === day ? (entry.today ?? 0) : 0);

/**
 * A declared pool's view of the eligible set (docs/routing.md "Declared pools"): its members, less any whose per-day
 * cap this pool has used up. Every picker over a declared pool (round robin, outcome-aware) narrows with it first.
 */
export class PoolMembership {
  readonly pool: CompiledPool;
  readonly #members: ReadonlyMap<string, PoolMember>;

  constructor(pool: CompiledPool, members: readonly PoolMember[]) {
    this.pool = pool;
    this.#members = new Map(members.map((m) => [m.rep, m]));
  }

  /** The members who may take this lead, those at their cap, and how many eligible reps are not members. */
  admit(state: RoutingStateView, at: number, candidates: readonly Candidate[]) {
    const inPool: Candidate[] = [];
    const capped: { rep: string; cap: number; today: number }[] = [];
    for (const c of candidates) {
      const m = this.#members.get(c.rep.id);
      if (!m) continue;
      if (m.cap !== null) {
        const today = givenOn(state.ledgerEntry(this.pool.id, c.rep.id), localDay(c.rep.timeZone, at));
        if (today >= m.cap) {
          capped.push({ rep: c.rep.id, cap: m.cap, today });
          continue;
        }
      }
      inPool.push(c);
    }
    const cappedNote = capped.length > 0 ? `, ${capped.length} at their pool cap for today` : '';
    return { inPool, capped, outside: candidates.length - inPool.length - capped.length, cappedNote };
  }

  /** The member's pool weight, else the rep's own. */
  weightOf = (c: Candidate): number => this.#members.get(c.rep.id)?.weight ?? c.rep.weight;

  /**
   * The ledger entries a pick writes, with the day counters the caps read: the chosen member's counter moves on its
   * local day; the others keep theirs.
   */
  withDayCounters(
    state: RoutingStateView,
    at: number,
    inPool: readonly Candidate[],
    chosen: string,
    next: Readonly<Record<string, LedgerEntry>>,
  ): Record<string, LedgerEntry> {
    const entries = newLedgerEntries();
    for (const c of inPool) {
      const prev = state.ledgerEntry(this.pool.id, c.rep.id);
      const entry = next[c.rep.id]!;
      if (c.rep.id === chosen) {
        const day = localDay(c.rep.timeZone, at);
        entries[c.rep.id] = { ...entry, day, today: givenOn(prev, day) + 1 };
      } else entries[c.rep.id] = prev?.day !== undefined ? { ...entry, day: prev.day, today: prev.today ?? 0 } : entry;
    }
    return entries;
  }
}
