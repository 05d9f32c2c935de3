import { durationStats, type DurationStats } from '../../domain/shared/duration-stats.ts';
import { isDeadlineTimer } from '../../domain/sla/sla-warning.ts';
import type { SlaTimerRecord } from '../../store/ports/conduct.port.ts';
import type { DecisionRecord } from '../../store/ports/decisions.port.ts';
import type { LeadEventRecord } from '../../store/ports/lead-events.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { recordedFacts } from '../conduct/lead-conduct-view.ts';

export interface LeadSpeed {
  readonly leadId: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly teamId: string | null;
  readonly repId: string | null;
  readonly firstAssignedAt: string | null;
  readonly firstAssignedRep: string | null;
  readonly captureToAssignmentMs: number | null;
  readonly firstContactAt: string | null;
  /** The rep holding the lead when first contact was made, and when they got it. */
  readonly contactedBy: string | null;
  readonly assignmentToFirstContactMs: number | null;
  readonly assignments: number;
  readonly slaBreaches: readonly {
    readonly kind: string;
    readonly repId: string;
    readonly teamId: string | null;
    readonly dueAt: string;
    readonly firedAt: string | null;
  }[];
}

interface Group {
  readonly captureToAssignment: number[];
  readonly assignmentToFirstContact: number[];
  readonly breaches: { accept: number; firstContact: number };
  readonly leads: Set<string>;
}

export interface GroupSpeed {
  readonly leads: number;
  readonly captureToAssignment: DurationStats;
  readonly assignmentToFirstContact: DurationStats;
  readonly slaBreaches: { readonly accept: number; readonly firstContact: number; readonly total: number };
}

export interface SpeedToLeadReport {
  readonly from: string | null;
  readonly to: string | null;
  readonly leads: readonly LeadSpeed[];
  readonly overall: GroupSpeed;
  readonly byRep: readonly (GroupSpeed & { readonly repId: string })[];
  readonly byTeam: readonly (GroupSpeed & { readonly teamId: string })[];
  /** true when more than `maxLeads` leads matched and the report covers the first ones only. */
  readonly truncated: boolean;
}

const newGroup = (): Group => ({
  captureToAssignment: [],
  assignmentToFirstContact: [],
  breaches: { accept: 0, firstContact: 0 },
  leads: new Set(),
});
const summarise = (g: Group): GroupSpeed => ({
  leads: g.leads.size,
  captureToAssignment: durationStats(g.captureToAssignment),
  assignmentToFirstContact: durationStats(g.assignmentToFirstContact),
  slaBreaches: { ...g.breaches, total: g.breaches.accept + g.breaches.firstContact },
});

export type SpeedFilter = {
  from?: string | undefined;
  to?: string | undefined;
  teamId?: string | undefined;
  repId?: string | undefined;
  maxLeads?: number;
};

/** The leads the report covers (duplicates left out), at most `maxLeads` of them. */
export async function matchingLeads(store: Store, filter: SpeedFilter): Promise<{ leads: LeadRecord[]; truncated: boolean }> {
  const maxLeads = filter.maxLeads ?? 5000;
  const leads: LeadRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.leads.page({
      ...(filter.from ? { receivedFrom: filter.from } : {}),
      ...(filter.to ? { receivedTo: filter.to } : {}),
      ...(filter.teamId ? { teamId: filter.teamId } : {}),
      ...(filter.repId ? { repId: filter.repId } : {}),
      ...(after ? { after } : {}),
      limit: 500,
    });
    leads.push(...page.filter((l) => l.status !== 'DUPLICATE'));
    if (leads.length > maxLeads) {
      leads.length = maxLeads;
      return { leads, truncated: true };
    }
    if (page.length < 500) return { leads, truncated: false };
    after = page.at(-1)!.id;
  }
}

interface Assignment {
  readonly at: number;
  readonly repId: string;
  readonly teamId: string | null;
}

/** Every assignment the lead had, in time order: routing decisions that assigned it and approved reviews. */
function assignmentsOf(decisions: readonly DecisionRecord[], events: readonly LeadEventRecord[]): Assignment[] {
  return [
    ...decisions
      .filter((d) => d.outcome === 'ASSIGNED' && d.repId)
      .map((d) => ({ at: Date.parse(d.decidedAt), repId: d.repId!, teamId: d.teamId })),
    ...events
      .filter((e) => e.kind === 'review.approved')
      .map((e) => {
        const p = JSON.parse(e.payloadJson) as { repId?: string; teamId?: string };
        return { at: Date.parse(e.at), repId: p.repId ?? '', teamId: p.teamId ?? null };
      })
      .filter((a) => a.repId !== ''),
  ].sort((a, b) => a.at - b.at);
}

/** Per-rep and per-team groups next to the overall one; each sample counts for the rep it measures. */
class SpeedGroups {
  readonly overall = newGroup();
  private readonly reps = new Map<string, Group>();
  private readonly teams = new Map<string, Group>();

  of(repId: string | null, teamId: string | null): Group[] {
    const out = [this.overall];
    if (repId) out.push(this.reps.get(repId) ?? (this.reps.set(repId, newGroup()), this.reps.get(repId)!));
    if (teamId) out.push(this.teams.get(teamId) ?? (this.teams.set(teamId, newGroup()), this.teams.get(teamId)!));
    return out;
  }

  byRep(): (GroupSpeed & { readonly repId: string })[] {
    return [...this.reps.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([repId, g]) => ({ repId, ...summarise(g) }));
  }

  byTeam(): (GroupSpeed & { readonly teamId: string })[] {
    return [...this.teams.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([teamId, g]) => ({ teamId, ...summarise(g) }));
  }
}

/** One lead's row, with its samples added to the groups they measure. */
async function measureLead(store: Store, l: LeadRecord, timers: readonly SlaTimerRecord[], groups: SpeedGroups): Promise<LeadSpeed> {
  const [decisions, events] = await Promise.all([store.decisions.listForLead(l.id), store.events.listForLead(l.id)]);
  const assignments = assignmentsOf(decisions, events);
  const received = Date.parse(l.receivedAt);
  const first = assignments[0];
  const contactAt = recordedFacts(events).events.first_contact;
  const holding = contactAt === undefined ? undefined : assignments.filter((a) => a.at <= contactAt).at(-1);
  const captureToAssignmentMs = first ? first.at - received : null;
  const assignmentToFirstContactMs = holding && contactAt !== undefined ? contactAt - holding.at : null;
  const breaches = timers.filter((t) => t.leadId === l.id && t.status === 'FIRED' && isDeadlineTimer(t.kind));
  groups.overall.leads.add(l.id);
  if (first && captureToAssignmentMs !== null) {
    for (const g of groups.of(first.repId, first.teamId)) {
      g.captureToAssignment.push(captureToAssignmentMs);
      g.leads.add(l.id);
    }
  }
  if (holding && assignmentToFirstContactMs !== null) {
    for (const g of groups.of(holding.repId, holding.teamId)) {
      g.assignmentToFirstContact.push(assignmentToFirstContactMs);
      g.leads.add(l.id);
    }
  }
  for (const t of breaches) {
    for (const g of groups.of(t.repId, t.teamId)) {
      if (t.kind === 'accept') g.breaches.accept++;
      else g.breaches.firstContact++;
      g.leads.add(l.id);
    }
  }
  return {
    leadId: l.id,
    status: l.status,
    receivedAt: l.receivedAt,
    teamId: l.teamId,
    repId: l.repId,
    firstAssignedAt: first ? new Date(first.at).toISOString() : null,
    firstAssignedRep: first?.repId ?? null,
    captureToAssignmentMs,
    firstContactAt: contactAt === undefined ? null : new Date(contactAt).toISOString(),
    contactedBy: holding?.repId ?? null,
    assignmentToFirstContactMs,
    assignments: assignments.length,
    slaBreaches: breaches.map((t) => ({ kind: t.kind, repId: t.repId, teamId: t.teamId, dueAt: t.dueAt, firedAt: t.closedAt })),
  };
}

/**
 * Speed to lead (docs/conduct.md) for leads received in [from, to) (optionally of one team / rep, by the
 * lead's current assignment). Per lead: capture → first assignment, and the assignment that was
 * current at first contact → first contact; SLA breaches are the fired SLA timers. Per rep / team,
 * each sample counts for the rep it measures: capture→assignment for the first assignee,
 * assignment→first contact for the rep who made it, breaches for the rep who missed.
 */
export async function speedToLead(store: Store, filter: SpeedFilter): Promise<SpeedToLeadReport> {
  const { leads, truncated } = await matchingLeads(store, filter);
  const timers = await store.slaTimers.listForLeads(leads.map((l) => l.id));
  const groups = new SpeedGroups();
  const rows: LeadSpeed[] = [];
  for (const l of leads) rows.push(await measureLead(store, l, timers, groups));
  return {
    from: filter.from ?? null,
    to: filter.to ?? null,
    leads: rows,
    overall: summarise(groups.overall),
    byRep: groups.byRep(),
    byTeam: groups.byTeam(),
    truncated,
  };
}

/** `?format=csv`: one row per lead (docs/outcomes.md "CSV export"). */
export function speedToLeadCsv(report: SpeedToLeadReport) {
  const header = [
    'lead_id',
    'status',
    'received_at',
    'team_id',
    'rep_id',
    'first_assigned_at',
    'first_assigned_rep',
    'capture_to_assignment_ms',
    'first_contact_at',
    'contacted_by',
    'assignment_to_first_contact_ms',
    'assignments',
    'sla_breaches',
  ];
  const rows = report.leads.map((l) => [
    l.leadId,
    l.status,
    l.receivedAt,
    l.teamId,
    l.repId,
    l.firstAssignedAt,
    l.firstAssignedRep,
    l.captureToAssignmentMs,
    l.firstContactAt,
    l.contactedBy,
    l.assignmentToFirstContactMs,
    l.assignments,
    l.slaBreaches.length,
  ]);
  return { header, rows };
}
