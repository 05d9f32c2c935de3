/**
 * Rep presence (docs/access.md "Rep self-service"): a rep marks themselves away or back. It is
 * runtime state, not org config, so a decision reads it as an input — like the routing state —
 * and its audit entry records what it read, so a replay sees exactly the presence the decision saw.
 */

/** A rep who said they are away: since when, until when (null = until they say they are back), and why. */
export interface RepAway {
  readonly since: string;
  readonly until: string | null;
  readonly reason: string | null;
}

/** The away reps a decision may read, by rep id; a rep not listed is available (as far as presence goes). */
export type PresenceSnapshot = Readonly<Record<string, RepAway>>;

export const NO_PRESENCE: PresenceSnapshot = {};

/** Whether an away record holds at `at` (epoch ms): it has begun and, when it has an end, not yet ended. */
export const awayAt = (away: RepAway | undefined, at: number): away is RepAway =>
  away !== undefined && Date.parse(away.since) <= at && (away.until === null || at < Date.parse(away.until));

/** The part of a snapshot a decision about these reps at `at` depends on (sorted by rep id): what its audit entry keeps. */
export function presenceRead(presence: PresenceSnapshot, repIds: readonly string[], at: number): PresenceSnapshot {
  const read: Record<string, RepAway> = {};
  for (const id of [...new Set(repIds)].sort()) {
    const away = presence[id];
    if (awayAt(away, at)) read[id] = { since: away.since, until: away.until, reason: away.reason };
  }
  return read;
}
