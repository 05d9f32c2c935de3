/** Parses the free-text Remarks column of OFAC's legacy SDN CSV into structured facts. */
import type { BirthDate, EntityIdentifier } from './screening-entity.ts';
import { parseBirthDate } from './partial-date.ts';
import { countryCode } from './country-codes.ts';

export interface OfacRemarks {
  dobs: BirthDate[];
  birthPlaces: string[];
  nationalities: string[];
  citizenships: string[];
  weakAkas: string[];
  fkas: string[];
  identifiers: EntityIdentifier[];
  gender?: string;
  /** Remarks parts not understood (kept for explanation/debug). */
  other: string[];
}

const NON_ID_PREFIXES = [
  'DOB',
  'POB',
  'nationality',
  'citizen',
  'Gender',
  'Linked To',
  'Listing Date',
  'Effective Date',
  'Additional Sanctions',
  'Secondary sanctions',
  'Transactions Prohibited',
  'Executive Order',
  'Organization Established Date',
  'Organization Type',
  'Website',
  'Email Address',
  'Phone Number',
  'Digital Currency Address',
  'Former Vessel Flag',
  'Vessel Year of Build',
  'Aircraft Manufacture Date',
  'Aircraft Model',
  'Aircraft Operator',
  'Aircraft Construction',
  'Target Type',
  'Title',
  'CAATSA',
  'For more information',
  'IFCA',
  'Nationality of Registration',
  'Vessel Type',
  'Registration Country',
];

/** Splits on ';' outside single-quoted a.k.a. values. */
function splitRemarks(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "'") {
      // a quote opens after "a.k.a. " / "f.k.a. " and closes before ";" / "." / end
      const prev = s.slice(Math.max(0, i - 6), i);
      if (!inQuote && /k\.a\.\s$/.test(prev)) inQuote = true;
      else if (inQuote && /^['"]?\s*(;|\.|$)/.test(s.slice(i + 1, i + 3) || '')) inQuote = false;
    }
    if (ch === ';' && !inQuote) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim().replace(/\.$/, '').trim()).filter((p) => p.length > 0);
}

export function parseOfacRemarks(remarks: string | undefined): OfacRemarks {
  const r: OfacRemarks = {
    dobs: [],
    birthPlaces: [],
    nationalities: [],
    citizenships: [],
    weakAkas: [],
    fkas: [],
    identifiers: [],
    other: [],
  };
  if (!remarks) return r;
  for (const raw of splitRemarks(remarks)) {
    const part = raw.replace(/^alt\.\s+/i, '');
    let m: RegExpExecArray | null;
    if ((m = /^DOB\s+(.+)$/i.exec(part))) {
      const d = parseBirthDate(m[1]!);
      if (d) r.dobs.push(d);
      else r.other.push(raw);
    } else if ((m = /^POB\s+(.+)$/i.exec(part))) {
      r.birthPlaces.push(m[1]!);
    } else if ((m = /^nationality\s+(.+)$/i.exec(part))) {
      const c = countryCode(m[1]);
      if (c) r.nationalities.push(c);
    } else if ((m = /^citizen\s+(.+)$/i.exec(part))) {
      const c = countryCode(m[1]);
      if (c) r.citizenships.push(c);
    } else if ((m = /^a\.k\.a\.?,?\s+['"](.+?)['"]?$/i.exec(part))) {
      r.weakAkas.push(m[1]!.replace(/['"]$/, ''));
    } else if ((m = /^f\.k\.a\.?,?\s+['"](.+?)['"]?$/i.exec(part))) {
      r.fkas.push(m[1]!.replace(/['"]$/, ''));
    } else if ((m = /^Gender\s+(Male|Female)$/i.exec(part))) {
      r.gender = m[1]!.toLowerCase();
    } else if (!NON_ID_PREFIXES.some((p) => part.toLowerCase().startsWith(p.toLowerCase()))) {
      const id = parseIdentifier(part);
      if (id) r.identifiers.push(id);
      else r.other.push(raw);
    } else r.other.push(raw);
  }
  return r;
}

/** Type, then an optional "No." / "#" / "Number", then a value holding a digit, then an optional (country) and issue/expiry note. */
const IDENTIFIER = new RegExp(
  String.raw`^([A-Za-z][A-Za-z.'#&()\- ]{0,70}?)\s+(?:No\.?|#|Number)?\s*` +
    String.raw`([A-Z0-9][A-Za-z0-9\-/.]*\d[A-Za-z0-9\-/.]*(?:\s[A-Z0-9\-]*\d[A-Z0-9\-]*)?)` +
    String.raw`(?:\s*\(([^)]+)\))?(?:\s*(?:issued|expires).*)?$`,
);

/** "Passport 1084010 (Egypt)", "NIT # 800123456-1 (Colombia)", "Vessel Registration Identification IMO 9187629". */
export function parseIdentifier(part: string): EntityIdentifier | undefined {
  const m = IDENTIFIER.exec(part);
  if (!m) return undefined;
  const type = m[1]!.replace(/\s+(No\.?|#|Number)$/i, '').trim();
  const value = m[2]!.trim();
  const id: EntityIdentifier = { type, value };
  const c = countryCode(m[3]);
  if (c) id.country = c;
  return id;
}
