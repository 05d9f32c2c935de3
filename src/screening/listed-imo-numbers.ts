/**
 * Which thing an IMO number on a list entry identifies. First, numbers written in a listing's free text (UN
 * consolidated list COMMENTS1: "IMO number: 5571322.", "IMO Number: 5342883.", "International Maritime Organization
 * (IMO) Number: 1790183.", "Company Number IMO 5434358.").
 *
 * "IMO number" names two schemes: a ship's number (resolution A.1117(30), check digit weighted 7..2) and a company's
 * or registered owner's number (resolution MSC.160(78), check digit weighted 8,6,4,2,9,7 mod 11). The UN's DPRK
 * listings state a company's own number in a sentence of its own, usually after a sentence naming the ships it owns
 * or manages ("Registered owner of CHON MYONG 1 … IMO number: 5571322."). Which thing a number identifies is decided
 * from the entry, the text and the check digits, never guessed (docs/screening.md "IMO numbers in list comments"):
 * - only a number stated as a sentence of its own is the entry's own; one inside a sentence ("the vessel X (IMO …)")
 *   belongs to something the sentence names, and is not the entry's identifier;
 * - on an organisation it is the company number when its company check digit holds (a company is never a ship,
 *   even when a company number passes the ship check too, as one in ten do); a number passing only the ship check
 *   is a ship the company owns or runs, not the company;
 * - on a vessel it is the ship's number when its ship check digit holds, unless the text calls it a company number;
 * - anything else (a person, a number fitting neither scheme, not seven digits) is ignored, with its reason.
 */
import { isValidImo, isValidImoCompanyNumber } from './strong-identifier.ts';
import type { EntityIdentifier, EntityKind } from './screening-entity.ts';

/** The identifier types the readers produce; strong-identifier.ts reads them as the `imo` / `imo_company` kinds. */
export const IMO_SHIP_TYPE = 'IMO';
export const IMO_COMPANY_TYPE = 'IMO Company Number';

export type IgnoredImoReason =
  'NOT_SEVEN_DIGITS' | 'INSIDE_A_SENTENCE' | 'SHIP_NUMBER_ON_A_COMPANY' | 'FITS_NEITHER_SCHEME' | 'NOT_A_COMPANY_OR_VESSEL';

export interface IgnoredImoNumber {
  readonly number: string;
  readonly reason: IgnoredImoReason;
}

export interface ImoNumbersInText {
  readonly identifiers: readonly EntityIdentifier[];
  readonly ignored: readonly IgnoredImoNumber[];
}

/**
 * A label, then the number: "International Maritime Organization (IMO) Number:", "IMO Company Number", "IMO number:",
 * "Company Number IMO", "IMO No.", or "IMO" alone. The company label is remembered: a number called a company number
 * is never read as a ship's.
 */
const MENTION =
  /(?:International\s+Maritime\s+Organi[sz]ation\s*\(IMO\)\s*(company\s+)?(?:Number|No\.?)|IMO\s+(company\s+)?(?:Number|No\.?)|(company)\s+(?:Number|No\.?)\s+IMO|IMO)\s*:?\s*(\d+)(?![\d-])/gi;

/** A sentence of its own: nothing but the label and the number between two sentence ends (or the text's ends). */
function standsAlone(text: string, start: number, end: number): boolean {
  const before = text.slice(0, start).trimEnd();
  const after = text.slice(end).trimStart();
  return (before === '' || /[.;]$/.test(before)) && (after === '' || /^[.;]/.test(after));
}

export function imoNumbersInText(kind: EntityKind, text: string): ImoNumbersInText {
  const identifiers: EntityIdentifier[] = [];
  const ignored: IgnoredImoNumber[] = [];
  for (const m of text.matchAll(MENTION)) {
    const number = m[4]!;
    const calledCompany = m[1] !== undefined || m[2] !== undefined || m[3] !== undefined;
    const reason = reasonToIgnore(kind, number, calledCompany, standsAlone(text, m.index, m.index + m[0].length));
    if (reason) ignored.push({ number, reason });
    else if (kind === 'organisation') identifiers.push({ type: IMO_COMPANY_TYPE, value: number });
    else identifiers.push({ type: IMO_SHIP_TYPE, value: number });
  }
  return { identifiers, ignored };
}

function reasonToIgnore(kind: EntityKind, number: string, calledCompany: boolean, alone: boolean): IgnoredImoReason | undefined {
  if (number.length !== 7) return 'NOT_SEVEN_DIGITS';
  if (!alone) return 'INSIDE_A_SENTENCE';
  if (kind === 'organisation') {
    if (isValidImoCompanyNumber(number)) return undefined;
    return isValidImo(number) && !calledCompany ? 'SHIP_NUMBER_ON_A_COMPANY' : 'FITS_NEITHER_SCHEME';
  }
  if (kind === 'vessel') return isValidImo(number) && !calledCompany ? undefined : 'FITS_NEITHER_SCHEME';
  return 'NOT_A_COMPANY_OR_VESSEL';
}

/**
 * An IMO-labelled identifier published on an organisation (OFAC remarks "Identification Number IMO 1790183", and on
 * nine DPRK shipping companies "Vessel Registration Identification IMO 5878589", all company numbers by their check
 * digits; FtM `imoNumber` on a Company or Organization): a company has no ship's number, so it is read in the company
 * scheme (a value failing the company check is then no strong identifier). Other identifiers, and those already
 * labelled as company numbers, are kept as published. "IMO" anywhere in the type, as strong-identifier.ts reads it.
 */
export function onOrganisation(id: EntityIdentifier): EntityIdentifier {
  if (!/imo/i.test(id.type) || /company/i.test(id.type)) return id;
  return { ...id, type: IMO_COMPANY_TYPE };
}
