import { LeadSchema, type Lead } from '../../domain/lead/lead.schema.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { CoverageOutcome } from '../../store/ports/rescreen-jobs.port.ts';
import type { ReviewRecord } from '../../store/ports/reviews.port.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { withScopeRetry } from '../routing/decision-recorder.ts';
import { redecide } from '../routing/redecide.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { recordRescreen, screenStoredContact } from './screening-disposition.use-case.ts';

/**
 * docs/screening.md "Screening again once coverage is back": a lead held only because screening could not vouch for a
 * clear (its screening `not_screened`: a list here was stale, a source awaited approval, no sanctions list) is screened
 * again, automatically, once this instance screens with every list in force. Now clear (or a PEP): re-decided through
 * the normal decision path and routed. Now a hit: held as a potential match for compliance, as at intake. Still not
 * coverable: left as it is.
 */

/** What one coverage release did (the report of a `coverage` re-screen job). */
export interface CoverageReleaseReport {
  readonly kind: 'coverage_release';
  /** Held `not_screened` leads that met the criterion and were screened again. */
  readonly rescreened: number;
  /** Screened clear (or PEP) and re-decided: routed, queued, or held again only for a reason other than screening. */
  readonly released: number;
  /** Screened a potential match: held for compliance with a screening review. */
  readonly heldAsMatches: number;
  /** Still `not_screened` (e.g. a list still missing for its subject): nothing written. */
  readonly unchanged: number;
  /** Leads whose release failed (logged and counted under worker `coverage-release`); a later job tries them again. */
  readonly failed: number;
  /** The last HELD lead id looked at: a resumed job continues after it. */
  readonly afterLeadId: string | null;
}

export const EMPTY_RELEASE_REPORT: CoverageReleaseReport = {
  kind: 'coverage_release',
  rescreened: 0,
  released: 0,
  heldAsMatches: 0,
  unchanged: 0,
  failed: 0,
  afterLeadId: null,
};

type LeadOutcome = CoverageOutcome | 'not_eligible';

/** Leads read per page of the HELD leads (and recorded as progress after each page). */
export const RELEASE_PAGE = 200;

/** The actor of everything the release writes: no person decided it. */
const SYSTEM = 'system';

/**
 * The store-side part of the criterion: HELD leads whose open review the system opened for the hold (one indexed read),
 * not marked unscreenable by an earlier release (below).
 */
const HELD_BY_SYSTEM = { status: 'HELD', openReview: { kind: 'HELD', requestedBy: SYSTEM }, unscreenable: false } as const;

/**
 * Why a lead still `not_screened` after screening against every list in force can never be screened by a later release:
 * no person, company or ship name in its stored contact (`no_name`), which no list version changes. Any other reason
 * (a list missing for its subject) may pass with other lists, so the lead stays in the criterion.
 */
const UNSCREENABLE: ReadonlySet<string> = new Set(['no_name']);

/**
 * The criterion (docs/screening.md): the lead is HELD, its screening is `not_screened`, and its open review is the one
 * the system opened for that hold (kind HELD, requested by `system`). A lead whose review a person resolved (approved,
 * rejected, hits disposed) has no such open review; a lead carrying a `disposed:` tag had its hits disposed by a person
 * before, and is left to compliance.
 */
export function heldForCoverage(record: LeadRecord, lead: Lead, review: ReviewRecord | undefined): boolean {
  return (
    record.status === 'HELD' &&
    lead.screening.status === 'not_screened' &&
    !lead.screening.tags.some((t) => t.startsWith('disposed:')) &&
    review !== undefined &&
    review.kind === 'HELD' &&
    review.requestedBy === SYSTEM
  );
}

/**
 * One lead, in one transaction (its row locked, the criterion read again under the lock, so two jobs never both
 * handle it): screened with its stored subject against the lists in force; when the result is not `not_screened`,
 * the re-screening is recorded, the open review is resolved by `system` and the lead is re-decided.
 */
async function releaseLead(ctx: ServiceContext, leadId: string, jobId: string): Promise<LeadOutcome> {
  return withScopeRetry(() =>
    ctx.store.transaction(async (tx): Promise<LeadOutcome> => {
      const record = await tx.leads.lock(leadId);
      if (!record) return 'not_eligible';
      const lead = LeadSchema.parse(JSON.parse(record.leadJson));
      const review = await tx.reviews.openForLead(leadId);
      if (!heldForCoverage(record, lead, review)) return 'not_eligible';
      const personal = await tx.personalData.get(leadId);
      if (!personal || personal.erasedAt) return 'not_eligible';
      const result = screenStoredContact(ctx, ctx.screening, personal.contactJson);
      const at = toIso(ctx.clock.now());
      if (result.status === 'not_screened') {
        // Marked so later releases neither queue a job for it nor screen it again; it stays HELD with its open review.
        if (UNSCREENABLE.has(result.coverage)) await tx.leads.markUnscreenable(leadId, result.coverage);
        await tx.rescreenJobs.recordCoverageOutcome(jobId, { leadId, outcome: 'unchanged', at });
        return 'unchanged';
      }
      // the history and audit entry name the job, as a delta job's hold does: the lead's story says what released it
      const updated = await recordRescreen(tx, SYSTEM, lead, personal, result, at, jobId);
      // The hold was technical: its review closes; the re-decision opens the review a hit (or another reason) needs.
      const resolutionJson = JSON.stringify({ action: 'screening.coverage_release', result: result.status, jobId });
      await tx.reviews.resolve(review!.id, { status: 'APPROVED', decidedBy: SYSTEM, decidedAt: at, resolutionJson });
      await recordLeadEvents(tx, ctx, [
        {
          leadId,
          actor: SYSTEM,
          at,
          kind: 'review.resolved_by_screening',
          reviewId: review!.id,
          status: 'APPROVED',
          screening: result.status,
        },
      ]);
      await redecide(tx, ctx, record, updated, SYSTEM);
      const outcome = result.status === 'potential_match' ? 'held_as_match' : 'released';
      // with the lead's change or not at all: the job's report counts these records (releasePage)
      await tx.rescreenJobs.recordCoverageOutcome(jobId, { leadId, outcome, at });
      return outcome;
    }),
  );
}

/**
 * The report's counts as the job's outcome records have them (coverage_job_outcomes, each written with its lead's
 * change): what every attempt of the job did, each lead once with its latest outcome. What one attempt saw on a page
 * would miss a lead a dead runner released there (it no longer meets the criterion when the page is read again).
 */
async function recordedCounts(
  ctx: ServiceContext,
  jobId: string,
): Promise<Pick<CoverageReleaseReport, 'rescreened' | 'released' | 'heldAsMatches' | 'unchanged'>> {
  const n = await ctx.store.rescreenJobs.coverageOutcomes(jobId);
  const released = n.released ?? 0;
  const heldAsMatches = n.held_as_match ?? 0;
  const unchanged = n.unchanged ?? 0;
  return { rescreened: released + heldAsMatches + unchanged, released, heldAsMatches, unchanged };
}

/**
 * One page of HELD leads with an open system review after `report.afterLeadId`: each lead meeting the criterion is
 * released (or left); returns the report with the counts read from the job's outcome records, and whether the last
 * page was reached. Failures are logged and counted (a failed lead changed nothing and is tried again by a page read
 * again), never thrown.
 */
export async function releasePage(
  ctx: ServiceContext,
  jobId: string,
  report: CoverageReleaseReport,
  limit = RELEASE_PAGE,
): Promise<{ readonly report: CoverageReleaseReport; readonly done: boolean }> {
  const page = await ctx.store.leads.page({ ...HELD_BY_SYSTEM, limit, ...(report.afterLeadId ? { after: report.afterLeadId } : {}) });
  let next = report;
  for (const record of page) {
    let outcome: LeadOutcome;
    try {
      outcome = await releaseLead(ctx, record.id, jobId);
    } catch (error) {
      reportWorkerFailure(ctx, 'coverage-release', error, { leadId: record.id, jobId });
      ctx.metrics.screeningCoverageReleases.inc({ result: 'failed' });
      next = { ...next, failed: next.failed + 1 };
      continue;
    }
    if (outcome !== 'not_eligible') ctx.metrics.screeningCoverageReleases.inc({ result: outcome });
  }
  next = { ...next, ...(await recordedCounts(ctx, jobId)), afterLeadId: page.at(-1)?.id ?? next.afterLeadId };
  return { report: next, done: page.length < limit };
}

/** Whether any lead meets the criterion now (read without locks, a page at a time; stops at the first). */
async function anyHeldForCoverage(ctx: ServiceContext): Promise<boolean> {
  for (let after: string | undefined; ;) {
    const page = await ctx.store.leads.page({ ...HELD_BY_SYSTEM, limit: RELEASE_PAGE, ...(after ? { after } : {}) });
    for (const record of page) {
      const lead = LeadSchema.parse(JSON.parse(record.leadJson));
      if (lead.screening.status !== 'not_screened') continue;
      if (heldForCoverage(record, lead, await ctx.store.reviews.openForLead(record.id))) return true;
    }
    if (page.length < RELEASE_PAGE) return false;
    after = page.at(-1)!.id;
  }
}

/**
 * Queues a `coverage` re-screen job (its own transaction, audited) when coverage became `ok` here and some lead is held
 * for the lack of it. Several instances regaining coverage at once may each queue one: the leads are locked and the
 * criterion re-read per lead, so a later job finds them handled. Returns the job id, or null when none was needed.
 */
export async function queueCoverageRelease(ctx: ServiceContext, cause: string): Promise<string | null> {
  if (ctx.screening?.coverage() !== 'ok') return null;
  if (!(await anyHeldForCoverage(ctx))) return null;
  const id = ctx.ids.next('rsj');
  const createdAt = toIso(ctx.clock.now());
  await ctx.store.transaction(async (tx) => {
    await tx.rescreenJobs.enqueue({ id, trigger: 'coverage', requestedBy: SYSTEM, roles: [], lists: [], createdAt });
    await appendAudit(tx, {
      kind: 'screening',
      subject: `rescreen:${id}`,
      actor: SYSTEM,
      at: createdAt,
      payload: { action: 'screening.rescreen_job.queued', trigger: 'coverage', cause },
    });
  });
  ctx.log.info({ jobId: id, cause }, 'screening coverage is back: leads held as not screened are queued to be screened again');
  return id;
}
