import type { Decision } from '../../domain/decision/decision.ts';
import { LeadSchema, type Lead } from '../../domain/lead/lead.schema.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { OPEN_LEAD_STATUSES } from '../../domain/lead/lead-status.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { PersonalDataRecord } from '../../store/ports/personal-data.port.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { appendAudit, screeningAuditPayload, withCommitments } from '../audit/audit-trail.ts';
import { withScopeRetry } from '../routing/decision-recorder.ts';
import { redecide } from '../routing/redecide.ts';
import { leadScreening, screenIntake, type IntakeScreening, type ScreeningSubject } from '../intake/screen-intake.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import type { ServiceContext } from '../shared/service-context.ts';

export interface HitDisposition {
  readonly listId: string;
  readonly entryId: string;
  readonly verdict: 'true_match' | 'false_positive';
  readonly reason: string;
}

export const hitKey = (h: { listId: string; entryId: string }) => `${h.listId}/${h.entryId}`;
/** Records made before dispositions existed hold only hits at or above the review line (isMatch true). */
export const needsReview = (h: { isMatch?: boolean }) => h.isMatch !== false;

/** The latest screening of a lead as recorded in its history (intake or a re-screen). */
async function latestScreening(tx: UnitOfWork, leadId: string): Promise<IntakeScreening | undefined> {
  const events = await tx.events.listForLead(leadId);
  const last = events.filter((e) => e.kind === 'screening' || e.kind === 'screening.rescreen').at(-1);
  return last ? (JSON.parse(last.payloadJson) as IntakeScreening) : undefined;
}

/**
 * docs/screening.md: compliance — never sales — disposes each potential match as a true
 * match or a false positive, with a reason. All false positives: the lead is cleared and routed
 * normally. A confirmed sanctions/blocklist match: it stays blocked. A confirmed PEP: routed only
 * to enhanced-due-diligence teams (or held, per policy). Every step is recorded with who, when,
 * why and the list versions the hits came from.
 */
export async function disposeScreeningHits(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  dispositions: readonly HitDisposition[],
): Promise<Result<{ decision: Decision; screening: Lead['screening'] }, AppFailure>> {
  return withScopeRetry(() =>
    ctx.store.transaction(async (tx) => {
      const record = await tx.leads.lock(leadId);
      if (!record) return failure('NOT_FOUND', `no lead ${leadId}`);
      const lead = LeadSchema.parse(JSON.parse(record.leadJson));
      if (lead.screening.status !== 'potential_match' && lead.screening.status !== 'pep')
        return failure('CONFLICT', `lead ${leadId} has no screening hits awaiting disposition (screening ${lead.screening.status})`);
      const screening = await latestScreening(tx, leadId);
      // Only hits that need review are disposed; a hit the policy cleared is on record but not in the queue.
      const hits = (screening?.hits ?? []).filter(needsReview);
      const given = new Map(dispositions.map((d) => [hitKey(d), d]));
      const missing = hits.filter((h) => !given.has(hitKey(h)));
      const unknown = dispositions.filter((d) => !hits.some((h) => hitKey(h) === hitKey(d)));
      if (missing.length > 0 || unknown.length > 0 || given.size !== dispositions.length) {
        return failure('ARGUMENT_INVALID', 'dispose every hit of the latest screening exactly once', [
          ...missing.map((h) => ({
            path: '/body/dispositions',
            message: `missing ${hitKey(h)} (${h.matchedName}, score ${h.score.toFixed(3)})`,
          })),
          ...unknown.map((d) => ({ path: '/body/dispositions', message: `no such hit ${hitKey(d)}` })),
        ]);
      }
      const confirmed = hits.filter((h) => given.get(hitKey(h))!.verdict === 'true_match');
      const blocked = confirmed.some((h) => h.isSanctioned || !h.isPep);
      // Disposing the hits of a screening that had no sanctions list (docs/screening.md) clears nothing: still not screened.
      const unscreened = screening?.coverage !== undefined && screening.coverage !== 'ok';
      const status = blocked ? 'confirmed_match' : unscreened ? 'not_screened' : confirmed.length > 0 ? 'pep' : 'clear';
      const at = toIso(ctx.clock.now());
      const updated: Lead = {
        ...lead,
        screening: { ...lead.screening, status, tags: [...new Set([...lead.screening.tags, `disposed:${status}`])].sort() },
      };
      const recordedDispositions = hits.map((h) => ({ ...given.get(hitKey(h))!, matchedName: h.matchedName, score: h.score }));
      const fact = { leadId, actor: principal.userId, at };
      // The disposition is audited (who, when, why, the list versions) in the same transaction (docs/screening.md).
      const disposed = {
        result: status,
        roles: principal.roles,
        listVersions: lead.screening.listVersions,
        dispositions: recordedDispositions,
      };
      await recordLeadEvents(tx, ctx, [{ ...fact, kind: 'screening.disposed', ...disposed }]);
      const review = await tx.reviews.openForLead(leadId);
      if (review) {
        const resolution = { status: blocked ? ('REJECTED' as const) : ('APPROVED' as const), screening: status };
        const resolutionJson = JSON.stringify({ action: 'screening_disposition', result: status });
        await tx.reviews.resolve(review.id, { status: resolution.status, decidedBy: principal.userId, decidedAt: at, resolutionJson });
        await recordLeadEvents(tx, ctx, [{ ...fact, kind: 'review.resolved_by_screening', reviewId: review.id, ...resolution }]);
      }
      const decision = await redecide(tx, ctx, record, updated, principal.userId);
      return ok({ decision, screening: updated.screening });
    }),
  );
}

async function disposedHitKeys(ctx: ServiceContext, leadId: string): Promise<Set<string>> {
  const events = await ctx.store.events.listForLead(leadId);
  const keys = events
    .filter((e) => e.kind === 'screening.disposition')
    .flatMap((e) => (JSON.parse(e.payloadJson) as { dispositions: HitDisposition[] }).dispositions.map(hitKey));
  return new Set(keys);
}

/** The stored contact as screening reads it (docs/intake.md). */
export interface StoredContact {
  readonly fullName?: string;
  readonly dateOfBirth?: string;
  readonly address: { readonly country?: string };
  readonly company: {
    readonly name?: string;
    readonly lei?: string;
    readonly registrationNumber?: string;
    readonly imoCompanyNumber?: string;
  } | null;
  /** Absent in contacts stored before vessels were taken in. */
  readonly vessel?: ScreeningSubject['vessel'];
}

/** Screens one stored lead against the lists in force, exactly as at intake. */
export function screenStoredContact(
  ctx: Pick<ServiceContext, 'orgs'>,
  screening: ServiceContext['screening'],
  contactJson: string,
): IntakeScreening {
  const contact = JSON.parse(contactJson) as StoredContact;
  return screenIntake(
    screening,
    { contact, address: contact.address, company: contact.company, vessel: contact.vessel ?? null },
    ctx.orgs.current.config.screening,
  );
}

/** The delta re-screening job a hold is made for, and its hits that hold the lead (docs/screening.md "Re-screen jobs"). */
export interface RescreenHoldCause {
  readonly jobId: string;
  readonly hits: readonly string[];
}

/**
 * A re-screen result that needs review takes the lead back from sales (HELD, rep capacity released) and queues it
 * for compliance, unless the lead already has that status or compliance already disposed every hit. The
 * history, the erasable evidence, the audit and the new decision are written in one transaction, and for a job's hold
 * (`job`) the job's record of it too, so a job never holds a lead it cannot report (rescreen_job_holds). Returns
 * whether the lead was held; a rerun over the same lists holds nothing again.
 */
export async function holdOnRescreen(
  ctx: ServiceContext,
  principal: Principal,
  record: LeadRecord,
  personal: PersonalDataRecord,
  result: IntakeScreening,
  job?: RescreenHoldCause,
): Promise<boolean> {
  if (result.status !== 'potential_match' && result.status !== 'pep') return false;
  const lead = LeadSchema.parse(JSON.parse(record.leadJson));
  if (lead.screening.status === result.status) return false;
  // Hits compliance already disposed of do not re-open the lead; a new entry does.
  const disposed = await disposedHitKeys(ctx, record.id);
  if (result.hits.filter(needsReview).every((h) => disposed.has(hitKey(h)))) return false;
  return withScopeRetry(() =>
    ctx.store.transaction(async (tx) => {
      const locked = await tx.leads.lock(record.id);
      if (!locked || locked.status !== record.status) return false;
      const at = toIso(ctx.clock.now());
      const updated = await recordRescreen(tx, principal.userId, lead, personal, result, at, job?.jobId);
      await redecide(tx, ctx, locked, updated, principal.userId);
      if (job) await tx.rescreenJobs.recordHold(job.jobId, { leadId: record.id, hits: job.hits, heldAt: at });
      return true;
    }),
  );
}

/**
 * Records a re-screening of a stored lead in the caller's transaction, as at intake: the history keeps the list side,
 * the person-derived evidence goes with the erasable contact, the audit entry commits to it. A delta job's re-screening
 * names the job (`rescreenJobId`) in both, so the lead's story says which list change held it. Returns the lead with
 * its new screening, for the re-decision that follows.
 */
export async function recordRescreen(
  tx: UnitOfWork,
  actor: string,
  lead: Lead,
  personal: PersonalDataRecord,
  result: IntakeScreening,
  at: string,
  rescreenJobId?: string,
): Promise<Lead> {
  const audited = screeningAuditPayload(result as unknown as { hits: readonly object[] } & Record<string, unknown>);
  const screening = { ...(audited.screening as object), ...(rescreenJobId === undefined ? {} : { rescreenJobId }) };
  await tx.events.append({
    leadId: personal.leadId,
    kind: 'screening.rescreen',
    actor,
    at,
    payloadJson: JSON.stringify(screening),
  });
  await tx.personalData.put({
    ...personal,
    contactJson: JSON.stringify({ ...JSON.parse(personal.contactJson), screeningEvidence: audited.subjectEvidence }),
  });
  await appendAudit(tx, {
    kind: 'screening',
    subject: personal.leadId,
    actor,
    at,
    ...withCommitments(
      { action: 'screening.rescreen', ...screening, subjectEvidence: audited.subjectEvidence },
      ['subjectEvidence'],
      personal.salt,
    ),
  });
  return { ...lead, screening: leadScreening(result) };
}

/**
 * docs/screening.md: after a list reload, re-screen open leads against the new versions. A lead that now
 * hits is taken back from sales (HELD, rep capacity released) and queued for compliance; leads
 * compliance already disposed are not re-opened for the same hits. Delta re-screening
 * (delta-rescreen.use-case.ts) does the same for only the leads a list change can affect.
 */
export async function rescreenOpenLeads(ctx: ServiceContext, principal: Principal): Promise<{ screened: number; newlyHeld: string[] }> {
  const newlyHeld: string[] = [];
  let screened = 0;
  for (const status of OPEN_LEAD_STATUSES) {
    if (status === 'HELD') continue;
    for (const record of await ctx.store.leads.list({ status })) {
      const personal = await ctx.store.personalData.get(record.id);
      if (!personal || personal.erasedAt) continue;
      screened++;
      if (await holdOnRescreen(ctx, principal, record, personal, screenStoredContact(ctx, ctx.screening, personal.contactJson)))
        newlyHeld.push(record.id);
    }
  }
  return { screened, newlyHeld };
}
