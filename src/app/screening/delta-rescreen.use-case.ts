import type { Principal } from '../../domain/access/principal.ts';
import { OPEN_LEAD_STATUSES, type LeadStatus } from '../../domain/lead/lead-status.ts';
import type { ListDelta } from '../../screening/list-delta.ts';
import { deltaCandidates, entryIdentifierHashes, entryLookupPlans, hashesToRead, planHashes } from '../../screening/stored-name-keys.ts';
import { ScreeningService } from '../../screening/screening-service.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { hitKey, holdOnRescreen, needsReview, screenStoredContact, type StoredContact } from './screening-disposition.use-case.ts';
import { nameKeyScheme, recordScreeningNameKeys } from './screening-name-keys.ts';

/** What one delta re-screening did (docs/screening.md "Delta re-screening"). */
export interface DeltaRescreenReport {
  readonly lists: readonly { readonly listId: string; readonly added: number; readonly changed: number; readonly removed: number }[];
  /** Added and changed entries screened against the stored leads. */
  readonly entries: number;
  /** Leads whose stored keys share a looked-up key with a delta name or identifier (the candidates are among them). */
  readonly leadsIndexed: number;
  /** Leads stored before their name keys were (before migration 0029, or before a key-scheme change) whose keys this run wrote. */
  readonly keysBackfilled: number;
  /** Whether this run found the stored keys made under another key scheme and dropped them to write them again. */
  readonly keysRekeyed: boolean;
  /** Leads the reverse index named for a full screening. */
  readonly candidates: number;
  /** Leads whose full screening hit an added or changed entry that needs review. */
  readonly newMatches: readonly { readonly leadId: string; readonly hits: readonly string[] }[];
  /** Leads taken back from sales and queued for compliance now (not those already held or disposed). */
  readonly newlyHeld: readonly string[];
  /**
   * Leads whose full screening hit an added or changed entry that needs review but that were HELD already, not by this
   * job (at intake, by another job, by a person): not held again and not in newMatches. Summed over a job's chunks
   * like candidates. Absent from reports recorded before 2026-12-07 (read as 0).
   */
  readonly alreadyHeld: number;
  /** Leads whose re-screening failed (logged and counted under worker `delta-rescreen`). */
  readonly failed: number;
}

const PAGE = 1000;
/** Leads HELD are already with compliance; their hits are reviewed there. */
const RESCREENED: readonly LeadStatus[] = OPEN_LEAD_STATUSES.filter((s) => s !== 'HELD');

/** The re-screen job a delta re-screening runs for: its holds are recorded for it (rescreen_job_holds). */
export interface DeltaJobScope {
  readonly jobId: string;
}

/** What the re-screening of one candidate came to. */
type CandidateOutcome =
  | { readonly kind: 'no_match' }
  | { readonly kind: 'already_held' }
  | { readonly kind: 'held_by_this_job' }
  | { readonly kind: 'matched'; readonly hits: readonly string[]; readonly held: boolean };

/**
 * Stored keys made by other normalisation or key code than this process's would be looked up with the wrong keys:
 * when the recorded scheme differs (or none is recorded), every key is dropped in one transaction and the backfill
 * below writes them all again under this scheme. Returns whether it re-keyed.
 */
async function ensureNameKeyScheme(ctx: ServiceContext): Promise<boolean> {
  const current = nameKeyScheme();
  if ((await ctx.store.personalData.nameKeyScheme()) === current) return false;
  await ctx.store.transaction(async (tx) => {
    if ((await tx.personalData.nameKeyScheme()) !== current)
      await tx.personalData.resetNameKeys(current, new Date(ctx.clock.now()).toISOString());
  });
  ctx.log.warn({ scheme: current }, 'screening name keys re-keyed: the key scheme changed; every lead is keyed again');
  return true;
}

/**
 * Leads stored before migration 0029 (or before a key-scheme change) have no name keys: write theirs (a page at a
 * time, one statement per lead) so this and later deltas find them. After the first run this is one query that finds
 * nothing.
 */
async function backfillNameKeys(ctx: ServiceContext): Promise<{ written: number; failed: number }> {
  let written = 0;
  let failed = 0;
  for (let after: string | undefined; ;) {
    const page = await ctx.store.personalData.pageContactsWithoutNameKeys({ statuses: RESCREENED, afterLeadId: after, limit: PAGE });
    for (const row of page) {
      try {
        await recordScreeningNameKeys(ctx.store, row.leadId, JSON.parse(row.contactJson) as StoredContact);
        written++;
      } catch (error) {
        failed++;
        reportWorkerFailure(ctx, 'delta-rescreen', error, { leadId: row.leadId, step: 'index' });
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.leadId;
  }
  return { written, failed };
}

/**
 * The leads whose stored name keys earn enough of some delta name's weight, and every lead holding a decisive
 * identifier (IMO, IMO company number, MMSI, LEI) a delta entry lists, whatever its names: intake screening finds an
 * entry by an equal identifier alone. Two look-ups in the store (the identifiers' postings are read with the names').
 */
async function candidateLeads(ctx: ServiceContext, deltas: readonly ListDelta[]): Promise<{ candidates: string[]; touched: number }> {
  const entries = deltas.flatMap((d) => d.entries);
  const plans = entryLookupPlans(entries);
  const identifiers = entryIdentifierHashes(entries);
  const counts = await ctx.store.personalData.nameKeyCounts(planHashes(plans));
  const postings = await ctx.store.personalData.leadsByNameKeys([...hashesToRead(plans, counts), ...identifiers]);
  const touched = new Set<string>();
  for (const leads of postings.values()) for (const l of leads) touched.add(l);
  return { candidates: deltaCandidates(plans, identifiers, counts, postings), touched: touched.size };
}

/**
 * One candidate whose screening against the delta alone needs review: screened in full against the lists in force, as
 * at intake, and held when a hit on an added or changed entry needs review. A HELD lead is not held again; it is this
 * job's own hold (an earlier chunk, the chunk a dead runner did not record, or another runner of the job that lost its
 * lease while still working: the job's report lists it from the hold record) or one that was already with compliance.
 * Which of the two is one point read of the job's hold records, made after the lead was read HELD: a hold record
 * commits in the hold's transaction, so a lead read HELD by this job's hold has its record visible by then, whichever
 * runner held it and when.
 */
async function rescreenCandidate(
  ctx: ServiceContext,
  principal: Principal,
  leadId: string,
  changedKeys: ReadonlySet<string>,
  job: DeltaJobScope | undefined,
): Promise<CandidateOutcome> {
  const record = await ctx.store.leads.get(leadId);
  const personal = await ctx.store.personalData.get(leadId);
  // the keys are kept for every lead; only open leads are re-screened
  if (!record || !OPEN_LEAD_STATUSES.includes(record.status) || !personal || personal.erasedAt) return { kind: 'no_match' };
  if (record.status === 'HELD' && job && (await ctx.store.rescreenJobs.heldByJob(job.jobId, leadId))) return { kind: 'held_by_this_job' };
  const result = screenStoredContact(ctx, ctx.screening, personal.contactJson);
  const hits = result.hits.filter((h) => needsReview(h) && changedKeys.has(hitKey(h))).map(hitKey);
  if (hits.length === 0) return { kind: 'no_match' };
  if (!RESCREENED.includes(record.status)) return { kind: 'already_held' };
  const held = await holdOnRescreen(ctx, principal, record, personal, result, job && { jobId: job.jobId, hits });
  return { kind: 'matched', hits, held };
}

/**
 * docs/screening.md "Delta re-screening": after a list version changes, only its added and changed entries are
 * screened against the stored leads. Each lead's name and identifier keys were stored at intake
 * (recordScreeningNameKeys); the delta's names and decisive identifiers are looked up by key in the store (counts,
 * then the leads holding the useful keys), and the leads earning enough of a name's weight or holding an equal
 * identifier are screened in full against the lists in force, exactly as at intake. A hit on
 * a changed entry that needs review holds the lead through the same path as the full re-screen (holdOnRescreen:
 * idempotent, disposed hits stay disposed); for a job (`job`), each hold is recorded for the job in its transaction.
 */
export async function rescreenListDeltas(
  ctx: ServiceContext,
  principal: Principal,
  deltas: readonly ListDelta[],
  job?: DeltaJobScope,
): Promise<DeltaRescreenReport> {
  const lists = deltas.map(({ listId, added, changed, removed }) => ({ listId, added, changed, removed }));
  const entries = deltas.flatMap((d) => d.entries);
  const empty = {
    lists,
    entries: entries.length,
    leadsIndexed: 0,
    keysBackfilled: 0,
    keysRekeyed: false,
    candidates: 0,
    newMatches: [],
    newlyHeld: [],
    alreadyHeld: 0,
    failed: 0,
  };
  if (entries.length === 0 || !ctx.screening) return empty;
  const rekeyed = await ensureNameKeyScheme(ctx);
  const backfill = await backfillNameKeys(ctx);
  const { candidates, touched } = await candidateLeads(ctx, deltas);
  const deltaOnly = new ScreeningService({ now: () => new Date(ctx.clock.now()) });
  const inForce = ctx.screening;
  deltaOnly.apply({
    add: deltas.flatMap((d) => {
      const version = inForce.version(d.listId);
      return version ? [{ version, entities: [...d.entries] }] : [];
    }),
  });
  const changedKeys = new Set(entries.map((e) => hitKey(e)));
  const newMatches: { leadId: string; hits: readonly string[] }[] = [];
  const newlyHeld: string[] = [];
  let alreadyHeld = 0;
  let failed = backfill.failed;
  // contacts read a page at a time (one statement per 500), not one look-up per candidate
  for (let i = 0; i < candidates.length; i += PAGE) {
    const page = candidates.slice(i, i + PAGE);
    const contacts = await ctx.store.personalData.contactsOf(page);
    for (const leadId of page) {
      const contactJson = contacts.get(leadId);
      if (contactJson === undefined) continue; // erased (or never stored)
      try {
        // The delta alone first: a hit there is a superset of the delta hits of the full screening (same scores per
        // entry, fewer competitors for the candidate cap), so most candidates stop here, before the full screening.
        if (!screenStoredContact(ctx, deltaOnly, contactJson).hits.some(needsReview)) continue;
        const outcome = await rescreenCandidate(ctx, principal, leadId, changedKeys, job);
        if (outcome.kind === 'already_held') alreadyHeld++;
        if (outcome.kind !== 'matched') continue;
        newMatches.push({ leadId, hits: outcome.hits });
        if (outcome.held) newlyHeld.push(leadId);
      } catch (error) {
        failed++;
        reportWorkerFailure(ctx, 'delta-rescreen', error, { leadId, step: 'screen' });
      }
    }
  }
  return {
    ...empty,
    leadsIndexed: touched,
    keysBackfilled: backfill.written,
    keysRekeyed: rekeyed,
    candidates: candidates.length,
    newMatches,
    newlyHeld,
    alreadyHeld,
    failed,
  };
}
