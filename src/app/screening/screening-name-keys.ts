/**
 * The screening name keys of a lead (docs/screening.md "Delta re-screening"), written at intake in the ingest
 * transaction and read by the delta re-screening. Kept apart from the intake pipeline so that pipeline can change
 * without touching this: intake calls recordScreeningNameKeys once per lead (one statement).
 */
import { normaliseAlternatives } from '../../screening/matcher.ts';
import type { NormalisedName } from '../../screening/name-normaliser.ts';
import { subjectKeyHashes } from '../../screening/stored-name-keys.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

/** The parts of a stored contact whose names are screened. */
export interface ScreenedNames {
  readonly fullName?: string | undefined;
  readonly company?: { readonly name?: string | undefined } | null | undefined;
}

/**
 * The person's and the company's names, whatever the org's `screenCompanies` says now: the setting may change after
 * intake, and a key too many only adds a candidate, which the full screening (under the setting in force) settles.
 */
export function keyedNames(contact: ScreenedNames): NormalisedName[] {
  const fullName = contact.fullName?.trim() ? contact.fullName : undefined;
  const company = contact.company?.name?.trim() ? contact.company.name : undefined;
  return [
    ...(fullName ? normaliseAlternatives(fullName, 'person') : []),
    ...(company ? normaliseAlternatives(company, 'organisation') : []),
  ];
}

/** Stores the key hashes of a lead's screened names; called from the ingest transaction (one INSERT). */
export async function recordScreeningNameKeys(tx: Pick<UnitOfWork, 'personalData'>, leadId: string, contact: ScreenedNames): Promise<void> {
  await tx.personalData.putNameKeys(leadId, subjectKeyHashes(keyedNames(contact)));
}
