import { holderLawfulness } from '../../domain/decision/lawful-holder.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import { HOLDS_REP_CAPACITY } from '../../domain/lead/lead-status.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import type { OrgConfig } from '../../domain/org/org-config.schema.ts';
import { rosterPolicyOf } from '../../domain/org/roster-policy.schema.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { NewReassignmentJob, ReassignmentJobRecord, ReassignmentJobTrigger } from '../../store/ports/reassignment-jobs.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** What a `rep` job asks for, as the PATCH answer and `GET /v1/reassignments/{id}` show it. */
export interface QueuedReassignment {
  readonly id: string;
  readonly status: 'pending';
  readonly trigger: ReassignmentJobTrigger;
  readonly repId: string;
  readonly leads: number | null;
}

/** Queues a job to move a rep's open leads (all, or `leadIds`) and audits that it was queued, in the caller's transaction. */
export async function queueRepJob(tx: UnitOfWork, job: Omit<NewReassignmentJob, 'kind' | 'previousHash'>): Promise<QueuedReassignment> {
  await tx.reassignmentJobs.enqueue({ ...job, kind: 'rep', previousHash: null });
  await appendAudit(tx, {
    kind: 'reroute',
    subject: `reassignment:${job.id}`,
    actor: job.requestedBy,
    at: job.createdAt,
    payload: {
      action: 'reassignment.queued',
      trigger: job.trigger,
      fromRep: job.repId,
      leads: job.leadIds,
      reason: job.reason,
      orgHash: job.orgHash,
    },
  });
  return { id: job.id, status: 'pending', trigger: job.trigger, repId: job.repId!, leads: job.leadIds?.length ?? null };
}

/**
 * The job a status change starts, if the org's switch for it is on (`roster.autoReassign.onPause` / `onLeave`): a rep
 * who was not paused (left) before and is now. `next` is the config being put in force.
 */
export function statusTrigger(before: OrgConfig, next: OrgConfig, repId: string): 'paused' | 'left' | null {
  const was = before.reps.find((r) => r.id === repId)?.status;
  const now = next.reps.find((r) => r.id === repId)?.status;
  const policy = rosterPolicyOf(next.roster).autoReassign;
  if (now === was) return null;
  if (now === 'paused' && policy.onPause) return 'paused';
  if (now === 'left' && policy.onLeave) return 'left';
  return null;
}

async function openLeads(ctx: ServiceContext): Promise<LeadRecord[]> {
  const out: LeadRecord[] = [];
  for (const status of HOLDS_REP_CAPACITY) out.push(...(await ctx.store.leads.list({ status })));
  return out.filter((l) => l.repId !== null);
}

/** Per rep, the open leads they hold that they may no longer lawfully serve under `org` at `at`. */
export function unlawfulHoldings(org: CompiledOrg, leads: readonly LeadRecord[], at: number): Map<string, string[]> {
  const byRep = new Map<string, string[]>();
  for (const record of leads) {
    const lead = LeadSchema.parse(JSON.parse(record.leadJson));
    if (holderLawfulness(org, lead, at, record.repId!).lawful) continue;
    byRep.set(record.repId!, [...(byRep.get(record.repId!) ?? []), record.id]);
  }
  return byRep;
}

/**
 * The check after a publication (`org-check`) or of the daily lapse sweep: with the version in force now, (1) a rep
 * whose status the publication changed to paused/left gets a job for all their open leads, unless one was queued
 * already (a roster PATCH queues it itself); (2) with `onLicenceLoss`, every other rep holding open leads they may no
 * longer lawfully serve (a grant or appointment ended, suspended, lapsed by date, or a team move) gets a job for those
 * leads only. Returns the jobs queued.
 */
export async function runOrgCheck(ctx: ServiceContext, job: ReassignmentJobRecord, actor: string): Promise<QueuedReassignment[]> {
  await ctx.orgs.sync(true);
  const org = ctx.orgs.current;
  const previous = job.previousHash ? await ctx.orgs.get(job.previousHash) : undefined;
  const policy = rosterPolicyOf(org.config.roster).autoReassign;
  const leads = await openLeads(ctx);
  const holders = [...new Set(leads.map((l) => l.repId!))].sort();
  const now = ctx.clock.now();
  const wanted: { repId: string; trigger: ReassignmentJobTrigger; leadIds: string[] | null }[] = [];
  const moved = new Set<string>();
  for (const repId of holders) {
    const trigger = previous && job.trigger === 'publication' ? statusTrigger(previous.config, org.config, repId) : null;
    if (trigger === null) continue;
    moved.add(repId);
    if (!(await ctx.store.reassignmentJobs.allLeadsJob(repId, org.hash))) wanted.push({ repId, trigger, leadIds: null });
  }
  if (policy.onLicenceLoss) {
    const unlawful = unlawfulHoldings(
      org,
      leads.filter((l) => !moved.has(l.repId!)),
      now,
    );
    for (const [repId, leadIds] of [...unlawful.entries()].sort((a, b) => a[0].localeCompare(b[0])))
      wanted.push({ repId, trigger: job.trigger === 'lapse-sweep' ? 'lapse-sweep' : 'licence-loss', leadIds: leadIds.sort() });
  }
  if (wanted.length === 0) return [];
  const at = toIso(now);
  return ctx.store.transaction(async (tx) => {
    const queued: QueuedReassignment[] = [];
    for (const w of wanted) {
      const why = w.leadIds === null ? `status ${w.trigger}` : `no longer lawful for ${w.leadIds.length} open lead(s)`;
      const reason = `automatic (${w.trigger}): ${why}; org ${org.hash.slice(0, 19)}`;
      const id = ctx.ids.next('rea');
      const base = { id, trigger: w.trigger, repId: w.repId, leadIds: w.leadIds, reason, requestedBy: actor, orgHash: org.hash };
      queued.push(await queueRepJob(tx, { ...base, createdAt: at }));
    }
    return queued;
  });
}
