import type { LeadCompany } from '../lead/lead.schema.ts';
import type { SegmentBand } from '../org/company-policy.schema.ts';

/**
 * company.segment from the org's bands (docs/intake.md "Segments"). Bands are tried in order and the
 * first that fits wins. A band fits when every dimension it names that the company has is within the
 * band's max, and at least one named dimension is known: a company of 40 people with unknown revenue is
 * SMB by headcount, but a company we know nothing about is not "small", it falls to a band with no
 * dimensions (a catch-all) or to no segment. Total: any company gets a band id or undefined.
 */

interface Dimension {
  readonly max: number | undefined;
  readonly value: number | undefined;
}

const dimensionsOf = (band: SegmentBand, company: LeadCompany): readonly Dimension[] =>
  [
    { max: band.employees?.max, value: company.employees },
    { max: band.revenue?.max, value: company.annualRevenue },
  ].filter((d) => d.max !== undefined);

export function bandFits(band: SegmentBand, company: LeadCompany): boolean {
  const named = dimensionsOf(band, company);
  if (named.length === 0) return true;
  const known = named.filter((d) => d.value !== undefined);
  return known.length > 0 && known.every((d) => d.value! <= d.max!);
}

export function deriveSegment(bands: readonly SegmentBand[] | undefined, company: LeadCompany | undefined): string | undefined {
  if (bands === undefined) return undefined;
  return bands.find((b) => bandFits(b, company ?? {}))?.id;
}

/**
 * The company with its segment set (or cleared when no band fits), for the lead's routing form. A lead with no
 * company data at all (a consumer, a free-mail address) gets no segment, not even a catch-all's: it is not a
 * company of unknown size but no company.
 */
export function withSegment(bands: readonly SegmentBand[] | undefined, company: LeadCompany | undefined): LeadCompany | undefined {
  if (bands === undefined || company === undefined) return company;
  const { segment: _previous, ...rest } = company;
  const segment = deriveSegment(bands, rest);
  const next = { ...rest, ...(segment !== undefined ? { segment } : {}) };
  return Object.keys(next).length > 0 ? next : undefined;
}
