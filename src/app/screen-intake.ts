import type { NormalisedIntake } from '../domain/intake/normalise-lead.ts';
import type { Lead } from '../domain/lead/lead.schema.ts';
import type { ScreeningHit } from '../screening/matcher.ts';
import type { ScreeningCoverage, ScreeningService } from '../screening/screening-service.ts';

export interface IntakeScreening {
  readonly status: Lead['screening']['status'];
  readonly tags: readonly string[];
  /** "<listId>@<sha256 prefix>" of every list screened against. */
  readonly listVersions: readonly string[];
  /** Hits at or above the review threshold, each fully explained. */
  readonly hits: readonly ScreeningHit[];
  readonly threshold: number;
  /** Why a lead without blocking hits is `not_screened` (anything but `ok`), recorded with the screening. */
  readonly coverage: ScreeningCoverage;
}

/** What is screened: the person's name and date of birth, their country, the company name. */
export interface ScreeningSubject {
  readonly contact: Pick<NormalisedIntake['contact'], 'fullName' | 'dateOfBirth'>;
  readonly address: { readonly country?: string | undefined };
  readonly company?: { readonly name: string } | null | undefined;
}

/**
 * SPEC C1 pre-screen: the person (name, date of birth, country) and, when configured, the company.
 * A sanctions or blocklist hit → potential_match (held for compliance, never routed); a PEP hit
 * only → pep (routed to enhanced-due-diligence teams or held, per policy). No "clear" (and no "pep")
 * without sanctions screening: with no sanctions list in force, or a configured source withheld
 * pending approval, a lead without a blocking hit is not_screened (issue 11: "no list, no clear").
 */
export function screenIntake(service: ScreeningService | null, subject: ScreeningSubject, policy: { reviewThreshold: number; screenCompanies: boolean }): IntakeScreening {
  const versions = service?.versions() ?? [];
  if (!service || versions.length === 0) {
    const coverage = service?.coverage() ?? 'no_sanctions_list';
    return { status: 'not_screened', tags: [], listVersions: [], hits: [], threshold: policy.reviewThreshold, coverage };
  }
  const opts = { threshold: policy.reviewThreshold, limit: 10 };
  const c = subject.contact;
  const person = service.screen({ name: c.fullName, kind: 'person', ...(c.dateOfBirth ? { dob: c.dateOfBirth } : {}), ...(subject.address.country ? { country: subject.address.country } : {}) }, opts);
  const hits = [
    ...person.hits,
    ...(policy.screenCompanies && subject.company?.name
      ? service.screen({ name: subject.company.name, kind: 'organisation', ...(subject.address.country ? { country: subject.address.country } : {}) }, opts).hits
      : []),
  ].filter((h) => h.score >= policy.reviewThreshold);
  const blocking = hits.filter((h) => !h.isPep || h.isSanctioned);
  const status = blocking.length > 0 ? 'potential_match' : person.coverage !== 'ok' ? 'not_screened' : hits.length > 0 ? 'pep' : 'clear';
  const tags = [...new Set(hits.flatMap((h) => [h.listId, ...(h.isPep ? ['pep'] : []), ...(h.isSanctioned ? ['sanctions'] : [])]))].sort();
  return { status, tags, listVersions: versions.map((v) => `${v.listId}@${v.sha256.slice(0, 12)}`).sort(), hits, threshold: policy.reviewThreshold, coverage: person.coverage };
}
