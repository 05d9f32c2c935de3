import type { Decision } from '../../domain/decision/decision.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { slaConfigOf } from '../../domain/org/sla.schema.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { planSlaTimers } from '../../domain/sla/sla-plan.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

export interface SlaAssignment {
  readonly leadId: string;
  readonly repId: string;
  readonly teamId: string | null;
  /** The routing rule that assigned the lead (per-rule SLA windows); null for review approvals. */
  readonly ruleId: string | null;
  readonly assignedAtMs: number;
  /** What made the assignment (a decision id, a review id): timer ids are `<cause>:<kind>`, so no ids are drawn. */
  readonly cause: string;
  /** The lead row was created in this transaction: there are no pending timers to cancel. */
  readonly leadIsNew?: boolean;
}

/**
 * A (re)assignment replaces the lead's SLA timers (R12): pending ones are cancelled, and the new
 * rep gets an acceptance and a first-contact timer per the org's `sla` section. In the caller's
 * transaction, so timers exist exactly when the assignment does (durable, survive restarts).
 */
export async function replaceSlaTimers(tx: UnitOfWork, deps: { readonly org: CompiledOrg }, a: SlaAssignment): Promise<number> {
  const at = toIso(a.assignedAtMs);
  if (!a.leadIsNew) await tx.slaTimers.cancelPending(a.leadId, { at, by: 'reassigned' });
  const rep = deps.org.repsById.get(a.repId);
  if (!rep) return 0;
  const planned = planSlaTimers(slaConfigOf(deps.org.config.sla), a.ruleId, rep, a.assignedAtMs);
  await tx.slaTimers.schedule(
    planned.map((p) => ({
      id: `${a.cause}:${p.kind}`,
      leadId: a.leadId,
      kind: p.kind,
      repId: a.repId,
      teamId: a.teamId,
      assignedAt: at,
      dueAt: toIso(p.dueAt),
      createdAt: at,
    })),
  );
  return planned.length;
}

/** After any routing decision: an ASSIGNED one schedules the rep's timers; any other outcome only cancels pending ones. */
export async function slaTimersForDecision(
  tx: UnitOfWork,
  deps: { readonly org: CompiledOrg },
  decision: Decision,
  leadIsNew: boolean,
): Promise<void> {
  const at = Date.parse(decision.decidedAt);
  if (decision.outcome === 'ASSIGNED' && decision.rep) {
    await replaceSlaTimers(tx, deps, {
      leadId: decision.leadId,
      repId: decision.rep.id,
      teamId: decision.team?.id ?? null,
      ruleId: decision.rule?.id ?? null,
      assignedAtMs: at,
      cause: decision.decisionId,
      leadIsNew,
    });
  } else if (!leadIsNew) {
    await tx.slaTimers.cancelPending(decision.leadId, { at: toIso(at), by: `decision ${decision.outcome}` });
  }
}
