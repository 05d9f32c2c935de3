/**
 * A lead's ship and company identifiers, checked and normalised for screening (docs/intake.md "Vessels and company
 * identifiers"). A bad IMO check digit, an MMSI that is not nine digits or an LEI failing its check digits is a field
 * error with a stable code: a mistyped number would otherwise match nothing and silently weaken screening.
 */
import { cleanText } from './clean-text.ts';
import { fieldError, type FieldError } from './field-error.ts';
import type { IntakeLead } from './intake-lead.schema.ts';
import { resolveCountry } from './iso-3166.ts';
import { identifierDigits, isValidImo, isValidImoCompanyNumber, isValidLei, isValidMmsi } from './vessel-identifiers.ts';

export interface NormalisedVessel {
  readonly name?: string;
  /** Seven digits, check digit verified. */
  readonly imo?: string;
  /** Nine digits. */
  readonly mmsi?: string;
  /** Upper-case letters and digits. */
  readonly callSign?: string;
  /** ISO 3166-1 alpha-2 of the flag state. */
  readonly flag?: string;
  readonly formerNames?: readonly string[];
}

export interface CompanyIdentifiers {
  /** ISO 17442, upper case, check digits verified. */
  readonly lei?: string;
  readonly registrationNumber?: string;
  /** Seven digits, company-scheme check digit verified (never a ship's IMO number). */
  readonly imoCompanyNumber?: string;
}

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

export function normaliseVessel(vessel: NonNullable<IntakeLead['vessel']>, errors: FieldError[]): NormalisedVessel | undefined {
  const out: Record<string, unknown> = {};
  if (present(vessel.name)) out['name'] = cleanText(vessel.name);
  if (present(vessel.imo)) {
    const imo = identifierDigits(vessel.imo, 'IMO');
    if (isValidImo(imo)) out['imo'] = imo;
    else errors.push(fieldError('/vessel/imo', 'invalid_imo', `"${vessel.imo}" is not an IMO number: 7 digits, the last a check digit`));
  }
  if (present(vessel.mmsi)) {
    const mmsi = identifierDigits(vessel.mmsi, 'MMSI');
    if (isValidMmsi(mmsi)) out['mmsi'] = mmsi;
    else errors.push(fieldError('/vessel/mmsi', 'invalid_mmsi', `"${vessel.mmsi}" is not an MMSI: 9 digits`));
  }
  if (present(vessel.callSign)) out['callSign'] = vessel.callSign.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (present(vessel.flag)) {
    const flag = resolveCountry(vessel.flag)?.alpha2;
    if (flag) out['flag'] = flag;
    else errors.push(fieldError('/vessel/flag', 'unknown_country', `"${vessel.flag}" is not an ISO 3166-1 country code or name`));
  }
  const former = (vessel.formerNames ?? []).filter(present).map(cleanText);
  if (former.length > 0) out['formerNames'] = [...new Set(former)];
  return Object.keys(out).length > 0 ? (out as NormalisedVessel) : undefined;
}

export function normaliseCompanyIdentifiers(company: NonNullable<IntakeLead['company']>, errors: FieldError[]): CompanyIdentifiers {
  const out: { lei?: string; registrationNumber?: string; imoCompanyNumber?: string } = {};
  if (present(company.lei)) {
    const lei = identifierDigits(company.lei, 'LEI');
    if (isValidLei(lei)) out.lei = lei;
    else errors.push(fieldError('/company/lei', 'invalid_lei', `"${company.lei}" is not an LEI: 20 characters with valid check digits`));
  }
  if (present(company.registrationNumber)) out.registrationNumber = cleanText(company.registrationNumber);
  if (present(company.imoCompanyNumber)) {
    const n = identifierDigits(company.imoCompanyNumber, 'IMO COMPANY');
    if (isValidImoCompanyNumber(n)) out.imoCompanyNumber = n;
    else
      errors.push(
        fieldError(
          '/company/imoCompanyNumber',
          'invalid_imo_company_number',
          `"${company.imoCompanyNumber}" is not an IMO company number: 7 digits, the last a check digit`,
        ),
      );
  }
  return out;
}
