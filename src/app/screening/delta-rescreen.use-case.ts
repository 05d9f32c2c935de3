import type { Principal } from '../../domain/access/principal.ts';
import { OPEN_LEAD_STATUSES } from '../../domain/lead/lead-status.ts';
import type { ListDelta } from '../../screening/list-delta.ts';
import { normaliseAlternatives } from '../../screening/matcher.ts';
import type { NormalisedName } from '../../screening/name-normaliser.ts';
import { SubjectIndexBuilder } from '../../screening/subject-index.ts';
import { ScreeningService } from '../../screening/screening-service.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { hitKey, holdOnRescreen, needsReview, screenStoredContact, type StoredContact } from './screening-disposition.use-case.ts';

/** What one delta re-screening did (docs/screening.md "Delta re-screening"). */
export interface DeltaRescreenReport {
  readonly lists: readonly { readonly listId: string; readonly added: number; readonly changed: number; readonly removed: number }[];
  /** Added and changed entries screened against the stored leads. */
  readonly entries: number;
  /** Open leads (not held, not erased) in the reverse index. */
  readonly leadsIndexed: number;
  /** Leads the reverse index named for a full screening. */
  readonly candidates: number;
  /** Leads whose full screening hit an added or changed entry that needs review. */
  readonly newMatches: readonly { readonly leadId: string; readonly hits: readonly string[] }[];
  /** Leads taken back from sales and queued for compliance now (not those already held or disposed). */
  readonly newlyHeld: readonly string[];
  /** Leads whose re-screening failed (logged and counted under worker `delta-rescreen`). */
  readonly failed: number;
}

const PAGE = 1000;
/** Leads HELD are already with compliance; their hits are reviewed there. */
const RESCREENED = OPEN_LEAD_STATUSES.filter((s) => s !== 'HELD');

/** The names a lead is screened on, as screenIntake chooses them (person; company when configured or when no person). */
function subjectNames(contact: StoredContact, screenCompanies: boolean): NormalisedName[] {
  const fullName = contact.fullName?.trim() ? contact.fullName : undefined;
  const company = screenCompanies || !fullName ? contact.company?.name : undefined;
  return [
    ...(fullName ? normaliseAlternatives(fullName, 'person') : []),
    ...(company ? normaliseAlternatives(company, 'organisation') : []),
  ];
}

/**
 * docs/screening.md "Delta re-screening": after a list version changes, only its added and changed entries are
 * screened against the stored leads. A reverse index over the open leads' names (built from the store, a page
 * at a time) names the leads an entry could match; each is then screened in full against the lists in force,
 * exactly as at intake, and a hit on a changed entry that needs review holds the lead through the same path as
 * the full re-screen (holdOnRescreen: idempotent, disposed hits stay disposed).
 */
export async function rescreenListDeltas(
  ctx: ServiceContext,
  principal: Principal,
  deltas: readonly ListDelta[],
): Promise<DeltaRescreenReport> {
  const lists = deltas.map(({ listId, added, changed, removed }) => ({ listId, added, changed, removed }));
  const entries = deltas.flatMap((d) => d.entries);
  const empty = { lists, entries: entries.length, leadsIndexed: 0, candidates: 0, newMatches: [], newlyHeld: [], failed: 0 };
  if (entries.length === 0 || !ctx.screening) return empty;
  const screenCompanies = ctx.orgs.current.config.screening.screenCompanies;
  const builder = new SubjectIndexBuilder();
  const leadIds: string[] = [];
  let failed = 0;
  for (let after: string | undefined; ;) {
    const page = await ctx.store.personalData.pageContacts({ statuses: RESCREENED, afterLeadId: after, limit: PAGE });
    for (const row of page) {
      try {
        builder.add(subjectNames(JSON.parse(row.contactJson) as StoredContact, screenCompanies));
        leadIds.push(row.leadId);
      } catch (error) {
        failed++;
        reportWorkerFailure(ctx, 'delta-rescreen', error, { leadId: row.leadId, step: 'index' });
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.leadId;
  }
  const index = builder.build();
  const candidates = new Set<number>();
  for (const e of entries)
    for (const n of e.names)
      for (const norm of normaliseAlternatives(n.value, e.kind === 'person' ? 'person' : 'organisation'))
        for (const s of index.subjectsFor(norm)) candidates.add(s);
  const deltaOnly = new ScreeningService({ now: () => new Date(ctx.clock.now()) });
  const inForce = ctx.screening;
  deltaOnly.apply({
    add: deltas.flatMap((d) => {
      const version = inForce.version(d.listId);
      return version ? [{ version, entities: [...d.entries] }] : [];
    }),
  });
  const changedKeys = new Set(entries.map((e) => hitKey(e)));
  const newMatches: { leadId: string; hits: string[] }[] = [];
  const newlyHeld: string[] = [];
  for (const s of [...candidates].sort((a, b) => a - b)) {
    const leadId = leadIds[s]!;
    try {
      const personal = await ctx.store.personalData.get(leadId);
      if (!personal || personal.erasedAt) continue;
      // The delta alone first: a hit there is a superset of the delta hits of the full screening (same scores per
      // entry, fewer competitors for the candidate cap), so most candidates stop here, before the full screening.
      if (!screenStoredContact(ctx, deltaOnly, personal.contactJson).hits.some(needsReview)) continue;
      const record = await ctx.store.leads.get(leadId);
      if (!record) continue;
      const result = screenStoredContact(ctx, ctx.screening, personal.contactJson);
      const hits = result.hits.filter((h) => needsReview(h) && changedKeys.has(hitKey(h))).map(hitKey);
      if (hits.length === 0) continue;
      newMatches.push({ leadId, hits });
      if (await holdOnRescreen(ctx, principal, record, personal, result)) newlyHeld.push(leadId);
    } catch (error) {
      failed++;
      reportWorkerFailure(ctx, 'delta-rescreen', error, { leadId, step: 'screen' });
    }
  }
  return { ...empty, leadsIndexed: leadIds.length, candidates: candidates.size, newMatches, newlyHeld, failed };
}
