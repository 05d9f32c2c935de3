import { STALE_LIST_TAG } from '../../domain/lead/stale-list-tag.ts';
import type { NormalisedIntake } from '../../domain/intake/normalise-lead.ts';
import type { Lead } from '../../domain/lead/lead.schema.ts';
import type { ScreeningPolicy } from '../../domain/org/screening-policy.schema.ts';
import { contentHash } from '../../domain/shared/canonical-json.ts';
import type { ScreeningHit, ScreeningQuery } from '../../screening/matcher.ts';
import { appliedScreeningPolicy, type AppliedScreeningPolicy } from '../../screening/screening-compare-params.ts';
import type { ScreeningCoverage, ScreeningService } from '../../screening/screening-service.ts';

/**
 * The policy a screening used: its values and their content hash, so replay and audit can show it. The values are
 * the policy as applied, name-comparison parameters included (defaulted ones too), so the hash changes with them.
 */
export interface RecordedScreeningPolicy {
  readonly hash: string;
  readonly values: AppliedScreeningPolicy;
}

export interface IntakeScreening {
  readonly status: Lead['screening']['status'];
  readonly tags: readonly string[];
  /** "<listId>@<sha256 prefix>" of every list screened against. */
  readonly listVersions: readonly string[];
  /** Hits needing review, and hits a hard contradiction cleared, each fully explained with its disposition. */
  readonly hits: readonly ScreeningHit[];
  readonly threshold: number;
  /**
   * Why a lead without blocking hits is `not_screened` (anything but `ok`), recorded with the screening;
   * `no_name`: the lead carries neither a person name nor a company name, so there was nothing to screen.
   */
  readonly coverage: ScreeningCoverage | 'no_name';
  readonly policy: RecordedScreeningPolicy;
}

/**
 * What is screened: the person's name and date of birth, their country, the company name. A lead without a
 * person name (email-only, or an organisation lead) is screened on its company name instead, whatever
 * `screenCompanies` says: it is the only name there is.
 */
export interface ScreeningSubject {
  readonly contact: Pick<NormalisedIntake['contact'], 'fullName' | 'dateOfBirth'>;
  readonly address: { readonly country?: string | undefined };
  readonly company?:
    Pick<NonNullable<NormalisedIntake['company']>, 'name' | 'lei' | 'registrationNumber' | 'imoCompanyNumber'> | null | undefined;
  readonly vessel?: NormalisedIntake['vessel'] | null | undefined;
}

/**
 * The company's identifiers as screening reads them: an LEI or an IMO company number is decisive when equal, a
 * registration number corroborates.
 */
export function companyIdentifiers(company: ScreeningSubject['company']): { identifiers?: string[] } {
  const ids = [
    ...(company?.lei ? [`LEI ${company.lei}`] : []),
    ...(company?.imoCompanyNumber ? [`IMO company ${company.imoCompanyNumber}`] : []),
    ...(company?.registrationNumber ? [company.registrationNumber] : []),
  ];
  return ids.length > 0 ? { identifiers: ids } : {};
}

/** The ship's identifiers as screening reads them: IMO number and MMSI (decisive), call sign (corroborates). */
export function vesselIdentifiers(vessel: ScreeningSubject['vessel']): Pick<ScreeningQuery, 'imo' | 'mmsi' | 'identifiers'> {
  return {
    ...(vessel?.imo ? { imo: vessel.imo } : {}),
    ...(vessel?.mmsi ? { mmsi: vessel.mmsi } : {}),
    ...(vessel?.callSign ? { identifiers: [`call sign ${vessel.callSign}`] } : {}),
  };
}

/**
 * The ship as a vessel query: its name (or, without one, its first former name), IMO number and MMSI (decisive
 * when equal, a sister ship's different number clears a similar name), call sign, flag and former names.
 */
function vesselQuery(vessel: ScreeningSubject['vessel']): ScreeningQuery | undefined {
  const name = vessel?.name ?? vessel?.formerNames?.[0];
  // The index finds an entry by its IMO / MMSI through the query's name; a ship without any name is not screened.
  if (!vessel || !name) return undefined;
  return {
    name,
    kind: 'vessel',
    ...vesselIdentifiers(vessel),
    ...(vessel.flag ? { country: vessel.flag } : {}),
    ...(vessel.formerNames && vessel.formerNames.length > 0 ? { formerNames: [...vessel.formerNames] } : {}),
  };
}

// One record per policy object: every lead of an org version is screened under the same (immutable) policy, and its
// content hash (canonical JSON + SHA-256 of the whole policy) was ~1 % of a lead's CPU when made per lead.
const recorded = new WeakMap<ScreeningPolicy, RecordedScreeningPolicy>();

export const recordedPolicy = (policy: ScreeningPolicy): RecordedScreeningPolicy => {
  let record = recorded.get(policy);
  if (!record) {
    const values = appliedScreeningPolicy(policy);
    recorded.set(policy, (record = { hash: contentHash(values), values }));
  }
  return record;
};

/**
 * docs/screening.md pre-screen: the person (name, date of birth, address country) and, when configured, the company.
 * The screening policy disposes each hit: one needing review (escalated or review) → potential_match (held
 * for compliance, never routed) for a sanctions or blocklist entry, pep for a PEP-only entry (routed to
 * enhanced-due-diligence teams or held, per policy). No "clear" (and no "pep") without sanctions screening:
 * with no sanctions list in force, or a configured source withheld pending approval, a lead without a
 * blocking hit is not_screened ("no list, no clear"). The address country is where the person lives, not
 * their nationality: it is passed as residence, a weak signal.
 */
export function screenIntake(service: ScreeningService | null, subject: ScreeningSubject, policy: ScreeningPolicy): IntakeScreening {
  const recorded = recordedPolicy(policy);
  const versions = service?.versions() ?? [];
  if (!service || versions.length === 0) {
    const coverage = service?.coverage() ?? 'no_sanctions_list';
    return { status: 'not_screened', tags: [], listVersions: [], hits: [], threshold: policy.reviewThreshold, coverage, policy: recorded };
  }
  const opts = { policy, limit: 10 };
  const c = subject.contact;
  const residence = subject.address.country ? { residenceCountry: subject.address.country } : {};
  const dob = c.dateOfBirth ? { dob: c.dateOfBirth } : {};
  const fullName = c.fullName?.trim() ? c.fullName : undefined;
  const company = policy.screenCompanies || !fullName ? subject.company?.name : undefined;
  const person = fullName ? service.screen({ name: fullName, kind: 'person', ...dob, ...residence }, opts) : undefined;
  const organisation = company
    ? service.screen({ name: company, kind: 'organisation', ...residence, ...companyIdentifiers(subject.company) }, opts)
    : undefined;
  const vq = vesselQuery(subject.vessel);
  const vessel = vq ? service.screen(vq, opts) : undefined;
  const hits = [...(person?.hits ?? []), ...(organisation?.hits ?? []), ...(vessel?.hits ?? [])].filter(
    (h) => h.isMatch || h.disposition.reasonCode === 'HARD_CONTRADICTION_CLEARED',
  );
  // Coverage is that of the name actually screened; with no name at all, nothing was screened.
  const coverage = person?.coverage ?? organisation?.coverage ?? vessel?.coverage ?? 'no_name';
  const held = hits.filter((h) => h.isMatch);
  const blocking = held.filter((h) => !h.isPep || h.isSanctioned);
  const status = blocking.length > 0 ? 'potential_match' : coverage !== 'ok' ? 'not_screened' : held.length > 0 ? 'pep' : 'clear';
  const tags = [
    ...new Set([
      ...held.flatMap((h) => [h.listId, ...(h.isPep ? ['pep'] : []), ...(h.isSanctioned ? ['sanctions'] : [])]),
      // docs/screening.md "Versions in force on every instance": the screening gate holds such a lead
      ...(coverage === 'stale' && status === 'not_screened' ? [STALE_LIST_TAG] : []),
    ]),
  ].sort();
  const listVersions = versions.map((v) => `${v.listId}@${v.sha256.slice(0, 12)}`).sort();
  return { status, tags, listVersions, hits, threshold: policy.reviewThreshold, coverage, policy: recorded };
}

/** The screening part of the lead (and so of its decisions): status, tags, list versions, policy hash and hit summaries. */
export function leadScreening(screening: IntakeScreening): Lead['screening'] {
  return {
    status: screening.status,
    tags: [...screening.tags],
    listVersions: [...screening.listVersions],
    policyHash: screening.policy.hash,
    hits: screeningHitSummaries(screening),
  };
}

/** The hit summary a decision and a review item show: no value derived from the person (that is erasable evidence). */
export function screeningHitSummaries(screening: IntakeScreening): NonNullable<Lead['screening']['hits']> {
  return screening.hits.map((h) => ({
    listId: h.listId,
    entryId: h.entryId,
    nameScore: h.disposition.nameScore,
    priorityScore: h.score,
    disposition: h.disposition.kind,
    reasonCode: h.disposition.reasonCode,
    priority: h.disposition.priority,
    effects: h.corroboration.map((f) => ({ fact: f.field, outcome: f.outcome, effect: f.effect, hard: f.hard, mayClear: f.mayClear })),
  }));
}
