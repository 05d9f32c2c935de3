import type { LeadCompany } from '../lead/lead.schema.ts';

/**
 * Enrichment fills gaps, never overwrites (docs/intake.md "Enrichment"): what the integrator sent wins over what
 * a lookup says, and the segment is derived afterwards. What happened is recorded with the lead (its story
 * and audit entry), and the filled values are part of the stored lead the decision reads, so a replay uses
 * them without asking the source again.
 */

export type EnrichmentSourceKind = 'file' | 'http';

/** One source asked for one lead. */
export type EnrichmentAttempt =
  | {
      readonly source: EnrichmentSourceKind;
      readonly outcome: 'filled';
      readonly fields: readonly string[];
      readonly cacheHit: boolean;
      /** Values the source sent that failed intake rules ("employees: expected an integer"), dropped. */
      readonly rejected?: readonly string[];
    }
  | { readonly source: EnrichmentSourceKind; readonly outcome: 'not_found' | 'nothing_new'; readonly cacheHit: boolean }
  | { readonly source: EnrichmentSourceKind; readonly outcome: 'failed'; readonly code: EnrichmentFailureCode; readonly detail: string };

export type EnrichmentFailureCode =
  'ENRICHMENT_TIMEOUT' | 'ENRICHMENT_HTTP_ERROR' | 'ENRICHMENT_BAD_RESPONSE' | 'ENRICHMENT_FILE_UNREADABLE';

export type EnrichmentRecord =
  | { readonly status: 'skipped'; readonly reason: 'no_domain' | 'complete' }
  | { readonly status: 'done'; readonly attempts: readonly EnrichmentAttempt[] };

/** The fields of `found` that `company` lacks, added; the names of those fields. */
export function fillMissing(
  company: LeadCompany | undefined,
  found: LeadCompany,
): { readonly company: LeadCompany | undefined; readonly filled: readonly string[] } {
  const current: Record<string, unknown> = { ...company };
  const filled = Object.keys(found).filter((k) => current[k] === undefined && k !== 'segment' && k !== 'domain');
  if (filled.length === 0) return { company, filled };
  const added = Object.fromEntries(filled.map((k) => [k, (found as Record<string, unknown>)[k]]));
  return { company: { ...company, ...added }, filled: filled.sort() };
}
