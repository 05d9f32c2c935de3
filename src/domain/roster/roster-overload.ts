/**
 * Overload alerts for the Roster page (SPEC O2, docs/operations.md "Overload alerts"): pure computation from
 * the org's policy (`roster.overload`), today's loads and the queued leads. Nothing here changes routing.
 */

export interface OverloadPolicy {
  /** A rep with more than this share of today's leads (0 < x < 1) is overloaded. */
  readonly repShareOver?: number | undefined;
  /** A team with more than this share of today's leads is overloaded. */
  readonly teamShareOver?: number | undefined;
  /** A queued lead waiting longer than this many minutes makes its team's queue aged. */
  readonly queueAgeMinutes?: number | undefined;
  /** Shares are judged only once this many leads were assigned today (so the first lead is not "100 %"). */
  readonly minLeads: number;
}

export interface RepLoadToday {
  readonly repId: string;
  readonly teamId: string;
  /** Leads assigned to the rep on their own local calendar day (routing state). */
  readonly today: number;
}

export interface QueuedLead {
  readonly leadId: string;
  readonly teamId: string | null;
  /** Epoch ms it started waiting (received). */
  readonly sinceMs: number;
}

export type RosterAlert =
  | {
      readonly kind: 'rep';
      readonly code: 'REP_OVERLOADED';
      readonly repId: string;
      readonly teamId: string;
      readonly leads: number;
      readonly total: number;
      readonly share: number;
      readonly threshold: number;
    }
  | {
      readonly kind: 'team';
      readonly code: 'TEAM_OVERLOADED';
      readonly teamId: string;
      readonly leads: number;
      readonly total: number;
      readonly share: number;
      readonly threshold: number;
    }
  | {
      readonly kind: 'queue';
      readonly code: 'QUEUE_AGED';
      readonly teamId: string | null;
      readonly waiting: number;
      readonly oldestLeadId: string;
      readonly oldestMinutes: number;
      readonly threshold: number;
    };

export const DEFAULT_MIN_LEADS = 5;

function shareAlerts(policy: OverloadPolicy, loads: readonly RepLoadToday[]): RosterAlert[] {
  const total = loads.reduce((n, l) => n + l.today, 0);
  if (total === 0 || total < policy.minLeads) return [];
  const alerts: RosterAlert[] = [];
  const repOver = policy.repShareOver;
  if (repOver !== undefined)
    for (const l of loads)
      if (l.today / total > repOver)
        alerts.push({
          kind: 'rep',
          code: 'REP_OVERLOADED',
          repId: l.repId,
          teamId: l.teamId,
          leads: l.today,
          total,
          share: l.today / total,
          threshold: repOver,
        });
  const teamOver = policy.teamShareOver;
  if (teamOver !== undefined) {
    const byTeam = new Map<string, number>();
    for (const l of loads) byTeam.set(l.teamId, (byTeam.get(l.teamId) ?? 0) + l.today);
    for (const [teamId, leads] of [...byTeam].sort(([a], [b]) => a.localeCompare(b)))
      if (leads / total > teamOver)
        alerts.push({ kind: 'team', code: 'TEAM_OVERLOADED', teamId, leads, total, share: leads / total, threshold: teamOver });
  }
  return alerts;
}

function queueAlerts(policy: OverloadPolicy, queued: readonly QueuedLead[], nowMs: number): RosterAlert[] {
  const threshold = policy.queueAgeMinutes;
  if (threshold === undefined) return [];
  const byTeam = new Map<string | null, QueuedLead[]>();
  for (const q of queued) if ((nowMs - q.sinceMs) / 60_000 > threshold) byTeam.set(q.teamId, [...(byTeam.get(q.teamId) ?? []), q]);
  return [...byTeam]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([teamId, leads]) => {
      const oldest = leads.reduce((o, q) => (q.sinceMs < o.sinceMs ? q : o));
      return {
        kind: 'queue',
        code: 'QUEUE_AGED',
        teamId,
        waiting: leads.length,
        oldestLeadId: oldest.leadId,
        oldestMinutes: Math.floor((nowMs - oldest.sinceMs) / 60_000),
        threshold,
      } as const;
    });
}

/** Every alert the policy raises now: reps over their share, teams over theirs, then aged queues (one per team). */
export function rosterAlerts(
  policy: OverloadPolicy | undefined,
  input: { readonly loads: readonly RepLoadToday[]; readonly queued: readonly QueuedLead[]; readonly nowMs: number },
): readonly RosterAlert[] {
  if (!policy) return [];
  return [...shareAlerts(policy, input.loads), ...queueAlerts(policy, input.queued, input.nowMs)];
}
