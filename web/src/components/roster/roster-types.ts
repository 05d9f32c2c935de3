/** GET /v1/roster and friends (docs/operations.md "The Roster page"). */

export interface OutOfOfficePeriod {
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
  readonly importedFrom?: string;
}

export interface RosterRep {
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly status: 'active' | 'paused' | 'inactive' | 'left';
  readonly timeZone: string;
  readonly presence: { readonly status: 'available' | 'away'; readonly until: string | null; readonly reason: string | null };
  readonly load: { readonly open: number; readonly today: number; readonly day: string };
  readonly capacity: { readonly maxOpenLeads: number | null; readonly maxLeadsPerDay: number | null };
  readonly weight: number;
  readonly pools: readonly string[];
  readonly outOfOffice: readonly OutOfOfficePeriod[];
}

export type RosterAlert =
  | { kind: 'rep'; code: 'REP_OVERLOADED'; repId: string; teamId: string; leads: number; total: number; share: number; threshold: number }
  | { kind: 'team'; code: 'TEAM_OVERLOADED'; teamId: string; leads: number; total: number; share: number; threshold: number }
  | {
      kind: 'queue';
      code: 'QUEUE_AGED';
      teamId: string | null;
      waiting: number;
      oldestLeadId: string;
      oldestMinutes: number;
      threshold: number;
    };

export interface Roster {
  readonly version: string;
  readonly hash: string;
  readonly at: string;
  readonly teams: readonly { readonly id: string; readonly name: string; readonly reps: readonly RosterRep[] }[];
  readonly alerts: readonly RosterAlert[];
}

/** What PATCH /v1/reps/:repId answers: the next version and its readable diff. */
export interface RosterChangeAnswer {
  readonly hash: string;
  readonly previousHash: string;
  readonly version: string;
  readonly changed: boolean;
  readonly diff: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[];
}

/** Tells the nav's alert count that the roster changed (it re-reads /v1/roster/alerts). */
export const ROSTER_CHANGED = 'remit:roster-changed';
export const announceRosterChanged = () => window.dispatchEvent(new Event(ROSTER_CHANGED));

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** One alert in words. */
export function alertText(a: RosterAlert): string {
  switch (a.kind) {
    case 'rep':
      return `${a.repId} has ${a.leads} of today's ${a.total} leads (${pct(a.share)}, over ${pct(a.threshold)}).`;
    case 'team':
      return `Team ${a.teamId} has ${a.leads} of today's ${a.total} leads (${pct(a.share)}, over ${pct(a.threshold)}).`;
    case 'queue':
      return (
        `${a.waiting} queued lead${a.waiting === 1 ? '' : 's'} ${a.teamId ? `for team ${a.teamId} ` : ''}waiting over ${a.threshold} min ` +
        `(oldest ${a.oldestLeadId}, ${a.oldestMinutes} min).`
      );
  }
}
