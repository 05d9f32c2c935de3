import type { Clock } from '../../domain/shared/clock.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { RETENTION_CATEGORIES, retentionOf, retentionPeriod, shiftByPeriod } from '../../domain/org/retention.schema.ts';
import type { RetentionCategory, RetentionConfig } from '../../domain/org/retention.schema.ts';
import type { LeadStatus } from '../../domain/lead/lead-status.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import { compileStoredOrg } from '../audit/audit-replay.use-case.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { eraseLead } from './erase-lead.use-case.ts';

/**
 * Applies the org's retention periods (docs/audit.md; org config `retention`, docs/operations.md): leads
 * past their period are erased like an erasure request (each one its own audited erasure), other
 * records past their period are deleted. Every action is audited under the actor `system:retention`
 * with its category, period, cutoff and counts (and the lead ids it erased). A dry run changes
 * nothing and reports what a run would do. `remit retention run` and the RetentionWorker call it.
 */

export const RETENTION_ACTOR = 'system:retention';

/** The statuses each lead category covers (a lead is in it once it has been in one of them for the period). */
const LEAD_CATEGORIES: Readonly<Partial<Record<RetentionCategory, readonly LeadStatus[]>>> = {
  unconvertedLeads: ['NURTURE', 'CLOSED', 'LOST', 'DUPLICATE'],
  refusedLeads: ['REFUSED'],
};

export interface RetentionAction {
  readonly category: RetentionCategory;
  readonly period: string;
  /** Records older than this (ISO instant) are past their period. */
  readonly cutoff: string;
  readonly action: 'erase' | 'delete';
  /** Erased or deleted (dry run: would be). */
  readonly count: number;
  /** The leads erased (dry run: that would be); lead categories only. */
  readonly leadIds?: readonly string[];
  /** Leads whose erasure failed, with the reason; the next run tries again. */
  readonly failed?: readonly { readonly leadId: string; readonly code: string; readonly message: string }[];
  /** More leads are past their period than one pass takes (`limit`). */
  readonly more?: boolean;
}

export interface RetentionReport {
  readonly at: string;
  readonly dryRun: boolean;
  readonly actions: readonly RetentionAction[];
  /** Categories with no period (kept until erased on request). */
  readonly keptIndefinitely: readonly RetentionCategory[];
}

export interface RetentionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly retention: RetentionConfig;
}

type PrunedCategory = Exclude<RetentionCategory, 'unconvertedLeads' | 'refusedLeads'>;
type Pruner = (tx: UnitOfWork, before: string, dryRun: boolean) => Promise<number>;

const PRUNERS: Readonly<Record<PrunedCategory, Pruner>> = {
  outreachLog: (tx, before, dryRun) => tx.conduct.pruneOutreachBefore(before, { dryRun }),
  idempotencyResponses: (tx, before, dryRun) => tx.idempotency.pruneCreatedBefore(before, { dryRun }),
  webhookDeliveries: (tx, before, dryRun) => tx.outbox.pruneFinishedDeliveries(before, { dryRun }),
  notifications: (tx, before, dryRun) => tx.notifications.pruneFinished(before, { dryRun }),
  rescreenJobs: (tx, before, dryRun) => tx.rescreenJobs.pruneFinished(before, { dryRun }),
};

export async function applyRetention(
  deps: RetentionDeps,
  opts: { readonly dryRun: boolean; readonly limit?: number },
): Promise<RetentionReport> {
  const nowMs = deps.clock.now();
  const limit = opts.limit ?? 500;
  const actions: RetentionAction[] = [];
  const keptIndefinitely: RetentionCategory[] = [];
  for (const category of RETENTION_CATEGORIES) {
    const period = retentionPeriod(deps.retention, category);
    if (period === null) {
      keptIndefinitely.push(category);
      continue;
    }
    const cutoff = toIso(shiftByPeriod(nowMs, period, -1));
    const statuses = LEAD_CATEGORIES[category];
    if (statuses) actions.push(await eraseIdleLeads(deps, { category, period, cutoff, statuses, limit, dryRun: opts.dryRun }));
    else actions.push(await prune(deps, { category: category as PrunedCategory, period, cutoff, dryRun: opts.dryRun }));
  }
  return { at: toIso(nowMs), dryRun: opts.dryRun, actions, keptIndefinitely };
}

async function eraseIdleLeads(
  deps: RetentionDeps,
  a: { category: RetentionCategory; period: string; cutoff: string; statuses: readonly LeadStatus[]; limit: number; dryRun: boolean },
): Promise<RetentionAction> {
  // One more than a pass takes tells whether another pass is needed.
  const due = await deps.store.leads.idleSince({ statuses: a.statuses, before: a.cutoff, limit: a.limit + 1 });
  const batch = due.slice(0, a.limit);
  const base = { category: a.category, period: a.period, cutoff: a.cutoff, action: 'erase' as const, more: due.length > a.limit };
  if (a.dryRun) return { ...base, count: batch.length, leadIds: batch };
  const erased: string[] = [];
  const failed: { leadId: string; code: string; message: string }[] = [];
  const reason = `retention: ${a.category} (${a.statuses.join(', ')}) unchanged since before ${a.cutoff}, period ${a.period}`;
  const retention = { basis: deps.retention.basis, decisionRecords: deps.retention.decisionRecords };
  for (const leadId of batch) {
    const r = await eraseLead({ store: deps.store, clock: deps.clock, retention }, RETENTION_ACTOR, leadId, reason);
    // CONFLICT: another instance erased it in the meantime; nothing left to do.
    if (r.ok) erased.push(leadId);
    else if (r.error.code !== 'CONFLICT') failed.push({ leadId, code: r.error.code, message: r.error.message });
  }
  if (erased.length > 0 || failed.length > 0) {
    await deps.store.transaction((tx) =>
      appendAudit(tx, {
        kind: 'retention',
        subject: 'retention',
        actor: RETENTION_ACTOR,
        at: toIso(deps.clock.now()),
        payload: {
          action: 'retention.erased',
          category: a.category,
          period: a.period,
          cutoff: a.cutoff,
          count: erased.length,
          leadIds: erased,
          failed,
        },
      }),
    );
  }
  return { ...base, count: erased.length, leadIds: erased, ...(failed.length > 0 ? { failed } : {}) };
}

async function prune(
  deps: RetentionDeps,
  a: { category: PrunedCategory; period: string; cutoff: string; dryRun: boolean },
): Promise<RetentionAction> {
  const count = await deps.store.transaction(async (tx) => {
    const n = await PRUNERS[a.category](tx, a.cutoff, a.dryRun);
    if (!a.dryRun && n > 0) {
      const payload = { action: 'retention.deleted', category: a.category, period: a.period, cutoff: a.cutoff, count: n };
      const at = toIso(deps.clock.now());
      await appendAudit(tx, { kind: 'retention', subject: 'retention', actor: RETENTION_ACTOR, at, payload });
    }
    return n;
  });
  return { category: a.category, period: a.period, cutoff: a.cutoff, action: 'delete', count };
}

/** The retention section of the org version in force in the store (defaults when none was published yet). */
export async function retentionInForce(store: Store): Promise<RetentionConfig> {
  const current = await store.orgVersions.current();
  const org = current ? await compileStoredOrg(store, current.hash) : undefined;
  return retentionOf(org?.config ?? {});
}
