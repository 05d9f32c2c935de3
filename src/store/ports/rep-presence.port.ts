// Rep presence (docs/access.md "Rep self-service"): a rep marked away or back, by whom, until when.

export type PresenceStatus = 'available' | 'away';

export interface RepPresenceRecord {
  readonly repId: string;
  readonly status: PresenceStatus;
  /** When this status was set (ISO). */
  readonly since: string;
  /** Away only: when it ends by itself (ISO), or null until the rep says they are back. */
  readonly until: string | null;
  /** The person who set it (the rep, or ops / admin for them). */
  readonly setBy: string;
  readonly reason: string | null;
}

export interface RepPresenceRepository {
  /** The rep's presence, or undefined when it was never set (available). */
  get(repId: string): Promise<RepPresenceRecord | undefined>;
  /** Sets (inserts or replaces) the rep's presence. */
  put(record: RepPresenceRecord): Promise<void>;
  /** Away records of these reps (all away reps when omitted), by rep id order; whether they still hold is the caller's check. */
  listAway(repIds?: readonly string[]): Promise<readonly RepPresenceRecord[]>;
}
