import { checkAssignment } from '../../domain/decision/decide.ts';
import { reasonCode } from '../../domain/eligibility/reason-codes.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso, zonedParts } from '../../domain/shared/zoned-time.ts';
import { holdsRepCapacity, isRoutableStatus } from '../../domain/lead/lead-status.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { ReviewRecord } from '../../store/ports/reviews.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { checkIndependentApprover } from '../access/segregation.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { replaceSlaTimers } from '../sla/sla-timers.ts';
import { lockScopeWithPresence } from '../routing/presence-input.ts';

const notRoutable = (lead: LeadRecord) =>
  failure('LEAD_NOT_ROUTABLE', `lead ${lead.id} is ${lead.status}; no review or exception may assign it`);

/** Someone (ops, a team lead) asks compliance for an exception on a lead; they may not approve it themselves. */
export async function requestException(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: { reason: string; teamId?: string | undefined; repId?: string | undefined },
): Promise<Result<ReviewRecord, AppFailure>> {
  return ctx.store.transaction(async (tx) => {
    const lead = await tx.leads.lock(leadId);
    if (!lead) return failure('NOT_FOUND', `no lead ${leadId}`);
    if (!isRoutableStatus(lead.status)) return notRoutable(lead);
    if (await tx.reviews.openForLead(leadId)) return failure('CONFLICT', `lead ${leadId} already has an open review`);
    const at = toIso(ctx.clock.now());
    const id = ctx.ids.next('rev');
    await tx.reviews.open({
      id,
      leadId,
      kind: 'EXCEPTION',
      reasonCodes: [reasonCode('EXCEPTION_REQUESTED')],
      requestedBy: principal.userId,
      requestedAt: at,
    });
    await recordLeadEvents(tx, ctx, [
      {
        kind: 'review.requested.exception',
        leadId,
        actor: principal.userId,
        at,
        reviewId: id,
        reason: input.reason,
        teamId: input.teamId ?? null,
        repId: input.repId ?? null,
        roles: principal.roles,
      },
    ]);
    return ok((await tx.reviews.get(id))!);
  });
}

export interface ApprovalInput {
  readonly teamId: string;
  readonly repId: string;
  readonly justification?: string | undefined;
}

export interface ApprovalResult {
  readonly review: ReviewRecord;
  readonly eligibility: ReturnType<typeof checkAssignment>;
  /** true when compliance assigned someone who fails eligibility (flagged, justified). */
  readonly override: boolean;
}

/**
 * docs/routing.md: compliance approves a specific assignment. Remit re-runs eligibility for the named
 * team and rep at this moment and returns it; an assignment that fails needs a written
 * justification and is flagged as an override. The approver must differ from the requester.
 */
export async function approveReview(
  ctx: ServiceContext,
  principal: Principal,
  reviewId: string,
  input: ApprovalInput,
): Promise<Result<ApprovalResult, AppFailure>> {
  return ctx.store.transaction(async (tx) => {
    const review = await tx.reviews.lock(reviewId);
    if (!review) return failure('NOT_FOUND', `no review ${reviewId}`);
    if (review.status !== 'OPEN') return failure('CONFLICT', `review ${reviewId} is already ${review.status}`);
    const independent = await checkIndependentApprover(tx, ctx, principal, review.requestedBy);
    if (!independent.ok) return independent;
    const leadRecord = await tx.leads.lock(review.leadId);
    if (!leadRecord) return failure('NOT_FOUND', `no lead ${review.leadId}`);
    // The lead may have been erased or closed since the review was opened: the review stays open for a rejection.
    if (!isRoutableStatus(leadRecord.status)) return notRoutable(leadRecord);
    const org = ctx.orgs.current;
    const rep = org.repsById.get(input.repId);
    if (!org.teamsById.has(input.teamId) || !rep || rep.teamId !== input.teamId) {
      return failure('ARGUMENT_INVALID', `rep ${input.repId} is not in team ${input.teamId} of the current org`, [
        { path: '/body/repId', message: 'unknown team/rep pair' },
      ]);
    }
    const previousRep = holdsRepCapacity(leadRecord.status) ? leadRecord.repId : null;
    // The re-check evaluates the whole team (every rep's load), so every rep it reads is locked.
    const teamReps = org.teamsById.get(input.teamId)!.reps.map((r) => r.id);
    const repIds = [...new Set([...teamReps, input.repId, ...(previousRep ? [previousRep] : [])])].sort();
    // A rep who marked themselves away shows REP_AWAY: approving them anyway is an override that needs a justification.
    const { state, presence } = await lockScopeWithPresence(tx, { pools: [], repIds });
    const now = ctx.clock.now();
    const at = toIso(now);
    const lead = LeadSchema.parse(JSON.parse(leadRecord.leadJson));
    const eligibility = checkAssignment(org, lead, now, state, input.teamId, input.repId, presence);
    const justification = input.justification?.trim() ?? '';
    if (!eligibility.eligible && justification.length < 10) {
      const why = [eligibility.gate, ...(eligibility.team?.reasons ?? []), ...(eligibility.rep?.reasons ?? [])].filter((r) => r !== null);
      return failure(
        'JUSTIFICATION_REQUIRED',
        undefined,
        why.map((r) => ({ path: '/body', message: `${r!.code}: ${r!.detail}` })),
      );
    }
    const override = !eligibility.eligible;
    const resolution = {
      action: 'approve',
      teamId: input.teamId,
      repId: input.repId,
      justification: justification || null,
      override,
      eligibility,
      orgHash: org.hash,
    };
    await tx.reviews.resolve(reviewId, {
      status: 'APPROVED',
      decidedBy: principal.userId,
      decidedAt: at,
      resolutionJson: JSON.stringify(resolution),
    });
    await assignNamedRep(tx, { org, cause: reviewId, leadId: leadRecord.id, previousRep, teamId: input.teamId, rep, now });
    const before = { status: leadRecord.status, teamId: leadRecord.teamId, repId: leadRecord.repId };
    const fact = { leadId: leadRecord.id, actor: principal.userId, at };
    await recordLeadEvents(tx, ctx, [
      {
        ...fact,
        kind: 'review.approved',
        approval: { reviewId, requestedBy: review.requestedBy, roles: principal.roles, resolution, before },
      },
      { ...fact, kind: 'lead.assigned_by_review', reviewId, teamId: input.teamId, repId: input.repId, override },
    ]);
    return ok({ review: (await tx.reviews.get(reviewId))!, eligibility, override });
  });
}

/**
 * A named assignment (an approved review, or ops' manual reassignment to an eligible rep): rep capacity moved (unless
 * it stays with the same rep), the lead ASSIGNED, SLA timers started (their ids derive from `cause`, unique per move).
 */
export async function assignNamedRep(
  tx: UnitOfWork,
  move: {
    org: CompiledOrg;
    cause: string;
    leadId: string;
    previousRep: string | null;
    teamId: string;
    rep: { id: string; timeZone: string };
    now: number;
  },
): Promise<void> {
  const { org, cause, leadId, previousRep, teamId, rep, now } = move;
  if (previousRep && previousRep !== rep.id) await tx.routingState.releaseOpen(previousRep);
  if (previousRep !== rep.id) {
    await tx.routingState.apply({
      ledger: null,
      load: { repId: rep.id, day: zonedParts(rep.timeZone, now).date, openDelta: 1, todayDelta: 1 },
    });
  }
  await tx.leads.update(leadId, { status: 'ASSIGNED', teamId, repId: rep.id, orgHash: org.hash, updatedAt: toIso(now) });
  await replaceSlaTimers(tx, { org }, { leadId, repId: rep.id, teamId, ruleId: null, assignedAtMs: now, cause });
}

export async function rejectReview(
  ctx: ServiceContext,
  principal: Principal,
  reviewId: string,
  reason: string,
): Promise<Result<ReviewRecord, AppFailure>> {
  return ctx.store.transaction(async (tx) => {
    const review = await tx.reviews.lock(reviewId);
    if (!review) return failure('NOT_FOUND', `no review ${reviewId}`);
    if (review.status !== 'OPEN') return failure('CONFLICT', `review ${reviewId} is already ${review.status}`);
    const independent = await checkIndependentApprover(tx, ctx, principal, review.requestedBy);
    if (!independent.ok) return independent;
    const at = toIso(ctx.clock.now());
    const resolution = { action: 'reject', reason };
    await tx.reviews.resolve(reviewId, {
      status: 'REJECTED',
      decidedBy: principal.userId,
      decidedAt: at,
      resolutionJson: JSON.stringify(resolution),
    });
    await recordLeadEvents(tx, ctx, [
      {
        kind: 'review.rejected',
        leadId: review.leadId,
        actor: principal.userId,
        at,
        reviewId,
        requestedBy: review.requestedBy,
        roles: principal.roles,
        reason,
      },
    ]);
    return ok((await tx.reviews.get(reviewId))!);
  });
}
