/**
 * Identifiers that name exactly one thing: a ship's IMO number (the hull, for life, SOLAS XI-1/3), its MMSI (the radio
 * station, ITU-R M.585), its call sign, a company's IMO company and registered owner number (SOLAS XI-1/3-1) and its
 * LEI (ISO 17442). Equal numbers of one kind are decisive;
 * different numbers of one kind are a contradiction (a sister ship with a similar name has its own IMO number).
 * Recognised in list records (OFAC remarks "Vessel Registration Identification IMO 9187629", "MMSI 572469210", the
 * Call_Sign column, FtM imoNumber / mmsi / callSign / leiCode, OFAC "Company Number IMO 5571322", UN comments read by
 * listed-imo-numbers.ts) and in queries ("IMO 9187629", "MMSI …", "LEI …", "IMO company 5571322").
 * A ship number and a company number are two schemes whose seven-digit values may coincide: they never compare.
 */

import { isValidImo, isValidImoCompanyNumber } from '../domain/intake/vessel-identifiers.ts';

// The IMO check rules are shared with intake's field validation.
export { isValidImo, isValidImoCompanyNumber };

export type StrongIdentifierKind = 'imo' | 'imo_company' | 'mmsi' | 'call_sign' | 'lei';

export interface StrongIdentifier {
  kind: StrongIdentifierKind;
  /** Normalised: digits for IMO numbers and MMSI, upper-case letters and digits otherwise. */
  value: string;
}

/** Kinds whose equality decides a hit on its own and whose difference clears one: they never pass to another ship/company. */
export const DECISIVE_KINDS: readonly StrongIdentifierKind[] = ['imo', 'imo_company', 'mmsi', 'lei'];

function kindOfType(type: string): StrongIdentifierKind | undefined {
  const t = type.toLowerCase().replace(/[^a-z]/g, '');
  // "IMO Company Number", OFAC's "Company Number IMO": the company scheme, never a ship's number
  if (t.includes('imo') && t.includes('company')) return 'imo_company';
  if (t.includes('imo')) return 'imo';
  if (t.includes('mmsi')) return 'mmsi';
  if (t.includes('callsign')) return 'call_sign';
  if (t === 'lei' || t.includes('leicode') || t.includes('legalentityidentifier')) return 'lei';
  return undefined;
}

function normalised(kind: StrongIdentifierKind, raw: string): string | undefined {
  const v = raw.toUpperCase().replace(/^(IMO|MMSI|LEI)\s*(NO\.?|NUMBER|#)?\s*/, '');
  if (kind === 'imo') {
    const d = v.replace(/\D/g, '');
    return isValidImo(d) ? d : undefined;
  }
  if (kind === 'imo_company') {
    const d = v.replace(/\D/g, '');
    return isValidImoCompanyNumber(d) ? d : undefined;
  }
  if (kind === 'mmsi') {
    const d = v.replace(/\D/g, '');
    return /^\d{9}$/.test(d) ? d : undefined;
  }
  const s = v.replace(/[^A-Z0-9]/g, '');
  if (kind === 'lei') return /^[A-Z0-9]{18}\d{2}$/.test(s) ? s : undefined;
  return s.length >= 3 ? s : undefined;
}

/** The key an identifier is looked up by, in the list index and in the stored leads' keys: kind and value. */
export const identifierKey = (id: StrongIdentifier): string => `${id.kind}:${id.value}`;

export const isDecisive = (id: StrongIdentifier): boolean => DECISIVE_KINDS.includes(id.kind);

/** A listed entry's identifiers that find it whatever its name (IMO, IMO company number, MMSI, LEI). */
export function decisiveIdentifiersOf(identifiers: readonly { readonly type: string; readonly value: string }[]): StrongIdentifier[] {
  return identifiers.map((i) => strongIdentifierOf(i.type, i.value)).filter((x): x is StrongIdentifier => x !== undefined && isDecisive(x));
}

/** A listed identifier (free-text type as published, value) as a strong identifier, when it is one. */
export function strongIdentifierOf(type: string, value: string): StrongIdentifier | undefined {
  const kind = listedKind(type, value);
  if (!kind) return undefined;
  const v = normalised(kind, value);
  return v ? { kind, value: v } : undefined;
}

/**
 * The kind a listed identifier's type names, else the kind its value opens with ("IMO 9187629", "MMSI:572469210"):
 * only as a word of its own, so a Mexican R.F.C. "AIMO-681106-9F7" is no IMO number.
 */
const listedKind = (type: string, value: string): StrongIdentifierKind | undefined =>
  kindOfType(type) ?? (/^(imo|mmsi|lei)(?![a-z])/i.test(value) ? kindOfType(value.split(/\s+/)[0]!) : undefined);

/**
 * The kind a listed identifier claims when its value cannot be one (an IMO number failing its check digit, an MMSI
 * that is not nine digits, a malformed LEI): screening ignores it, and the load counts it (list-warnings.ts).
 */
export function unusableStrongIdentifierKind(type: string, value: string): StrongIdentifierKind | undefined {
  const kind = listedKind(type, value);
  return kind && !normalised(kind, value) ? kind : undefined;
}

/** "IMO company 5571322", "IMO company number: 5571322", "company number IMO 5571322". */
const QUERY_IMO_COMPANY = /^\s*(?:imo\s+company|company\s+(?:no\.?|number|#)?\s*imo)\s*(?:no\.?|number|#)?\s*:?\s*(.+)$/i;

/**
 * A query identifier written with its kind ("IMO 9187629", "MMSI: 572469210", "LEI 5493…", "call sign UBCD7",
 * "IMO company 5571322"). A bare "IMO" is a ship's number: a company number must say so.
 */
export function parseQueryIdentifier(text: string): StrongIdentifier | undefined {
  const company = QUERY_IMO_COMPANY.exec(text);
  if (company) {
    const v = normalised('imo_company', company[1]!);
    return v ? { kind: 'imo_company', value: v } : undefined;
  }
  const m = /^\s*(imo|mmsi|lei|call\s*sign)\s*(?:no\.?|number|#|:)?\s*(.+)$/i.exec(text);
  if (!m) return undefined;
  const kind = kindOfType(m[1]!);
  const v = kind ? normalised(kind, m[2]!) : undefined;
  return kind && v ? { kind, value: v } : undefined;
}

const KIND_LABEL: Readonly<Record<StrongIdentifierKind, string>> = {
  imo: 'IMO',
  imo_company: 'IMO company',
  mmsi: 'MMSI',
  call_sign: 'call sign',
  lei: 'LEI',
};

export const formatStrongIdentifier = (id: StrongIdentifier): string => `${KIND_LABEL[id.kind]} ${id.value}`;
