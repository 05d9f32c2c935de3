import type { Principal } from '../../domain/access/principal.ts';
import { checkAssignment } from '../../domain/decision/decide.ts';
import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import { holdsRepCapacity, isRoutableStatus } from '../../domain/lead/lead-status.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { ReviewRecord } from '../../store/ports/reviews.port.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import { assignNamedRep, requestException } from '../review/review.use-case.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

type Eligibility = ReturnType<typeof checkAssignment>;

export type ManualReassignResult =
  | {
      readonly outcome: 'ASSIGNED';
      readonly leadId: string;
      readonly teamId: string;
      readonly repId: string;
      readonly eligibility: Eligibility;
    }
  /** The named rep is not eligible now: compliance decides, through the exception review (never an ineligible assignment). */
  | { readonly outcome: 'REVIEW_REQUESTED'; readonly leadId: string; readonly review: ReviewRecord; readonly eligibility: Eligibility };

function inputProblems(input: { repId: string; reason: string }): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (typeof input.repId !== 'string' || input.repId.trim().length === 0 || input.repId.length > 128)
    problems.push({ path: '/body/repId', message: 'a rep id (1–128 characters) is required' });
  if (typeof input.reason !== 'string' || input.reason.trim().length < 3 || input.reason.length > 4000)
    problems.push({ path: '/body/reason', message: 'say why (3–4000 characters)' });
  return problems;
}

/**
 * Ops moves one lead to a named rep (docs/operations.md "Reassignment"). Every eligibility check is re-run for that rep
 * and their team at this moment (checkAssignment, as for a compliance approval): eligible → assigned at once, with the
 * verdict recorded as the evidence; not eligible → nothing moves and an exception review is opened instead.
 */
export async function reassignLead(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  input: { readonly repId: string; readonly reason: string },
): Promise<Result<ManualReassignResult, AppFailure>> {
  const problems = inputProblems(input);
  if (problems.length > 0) return failure('ARGUMENT_INVALID', undefined, problems);
  const repId = input.repId.trim();
  const reason = input.reason.trim();
  const attempt = await ctx.store.transaction(async (tx) => {
    const record = await tx.leads.lock(leadId);
    if (!record) return failure('NOT_FOUND', `no lead ${leadId}`);
    if (!isRoutableStatus(record.status))
      return failure('LEAD_NOT_ROUTABLE', `lead ${leadId} is ${record.status}; it cannot be reassigned`);
    const org = ctx.orgs.current;
    const rep = org.repsById.get(repId);
    if (!rep) return failure('ARGUMENT_INVALID', undefined, [{ path: '/body/repId', message: `no rep ${repId} in the org in force` }]);
    const previousRep = holdsRepCapacity(record.status) ? record.repId : null;
    if (previousRep === repId) return failure('CONFLICT', `lead ${leadId} is already with ${repId}`);
    // An open review is compliance's to decide; moving the lead under it would answer it behind their back.
    const openReview = await tx.reviews.openForLead(leadId);
    if (openReview) return failure('CONFLICT', `lead ${leadId} has an open review ${openReview.id}; compliance decides it`);
    // The re-check evaluates the whole team (every rep's load), so every rep it reads is locked.
    const teamReps = org.teamsById.get(rep.teamId)!.reps.map((r) => r.id);
    const state = await tx.routingState.lockScope({
      pools: [],
      repIds: [...new Set([...teamReps, repId, ...(previousRep ? [previousRep] : [])])].sort(),
    });
    const now = ctx.clock.now();
    const lead = LeadSchema.parse(JSON.parse(record.leadJson));
    const eligibility = checkAssignment(org, lead, now, state, rep.teamId, repId);
    if (!eligibility.eligible) return ok({ assigned: false as const, eligibility });
    const at = toIso(now);
    await assignNamedRep(tx, { org, cause: ctx.ids.next('mra'), leadId, previousRep, teamId: rep.teamId, rep, now });
    const manual = {
      fromRep: previousRep,
      toRep: repId,
      toTeam: rep.teamId,
      reason,
      roles: principal.roles,
      orgHash: org.hash,
      before: { status: record.status, teamId: record.teamId, repId: record.repId },
      eligibility,
    };
    await recordLeadEvents(tx, ctx, [{ kind: 'reassignment.manual', leadId, actor: principal.userId, at, manual }]);
    return ok({ assigned: true as const, teamId: rep.teamId, eligibility });
  });
  if (!attempt.ok) return attempt;
  const { eligibility } = attempt.value;
  if (attempt.value.assigned) return ok({ outcome: 'ASSIGNED', leadId, teamId: attempt.value.teamId, repId, eligibility });
  const teamId = ctx.orgs.current.repsById.get(repId)?.teamId;
  const review = await requestException(ctx, principal, leadId, { reason: `reassign to ${repId}: ${reason}`, teamId, repId });
  if (!review.ok) return review;
  return ok({ outcome: 'REVIEW_REQUESTED', leadId, review: review.value, eligibility });
}
