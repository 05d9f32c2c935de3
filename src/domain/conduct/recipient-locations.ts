import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { countryOf } from '../shared/jurisdiction.ts';
import type { OutreachRecipient } from './outreach-input.ts';
import type { Locator } from './rule-pack.schema.ts';

/** One place the recipient may be, and how we know. */
export interface RecipientLocation {
  readonly jurisdiction: string;
  readonly via: readonly Locator[];
  /** Human-readable provenance, e.g. "US-FL (address; area code 305)". */
  readonly label: string;
  /** IANA zones to evaluate local time in; every one must satisfy a time rule (strictest wins). Empty = unknown. */
  readonly zones: readonly string[];
}

export interface LocationTables {
  /** NANP area code → jurisdiction. */
  readonly areaCodes: ReadonlyMap<string, string>;
  /** Jurisdiction → IANA zones (subdivision first, then country). */
  readonly zones: ReadonlyMap<string, readonly string[]>;
}

export const zonesOf = (tables: LocationTables, jurisdiction: string): readonly string[] =>
  tables.zones.get(jurisdiction) ?? tables.zones.get(countryOf(jurisdiction)) ?? [];

function addressJurisdiction(address: OutreachRecipient['address']): string {
  const country = address.country.toUpperCase();
  const sub = address.subdivision?.toUpperCase();
  if (!sub) return country;
  return sub.includes('-') ? sub : `${country}-${sub}`;
}

/** Where the phone number places the recipient: NANP area code table first, else the number's country. */
export function phoneJurisdiction(phone: string, tables: LocationTables): { jurisdiction: string; how: string } | null {
  const parsed = parsePhoneNumberFromString(phone);
  if (!parsed) return null;
  if (parsed.countryCallingCode === '1') {
    const areaCode = String(parsed.nationalNumber).slice(0, 3);
    const j = tables.areaCodes.get(areaCode);
    if (j) return { jurisdiction: j, how: `area code ${areaCode}` };
  }
  return parsed.country ? { jurisdiction: parsed.country, how: `phone country +${parsed.countryCallingCode}` } : null;
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/**
 * Address and phone may point at different places; both are kept (OK and MD presume an in-state area
 * code means the person is in-state). Zones: the recipient's known zone for the address; for a
 * different phone jurisdiction, that jurisdiction's zones as well as the known one (strictest wins).
 */
export function resolveLocations(recipient: OutreachRecipient, tables: LocationTables): RecipientLocation[] {
  const known = recipient.timeZone ? [recipient.timeZone] : [];
  const addr = addressJurisdiction(recipient.address);
  const phone = recipient.phone ? phoneJurisdiction(recipient.phone, tables) : null;
  const addrZones = known.length > 0 ? known : zonesOf(tables, addr);
  // A number placed only at country level (area code not in the table) adds nothing beyond the address.
  if (phone && (phone.jurisdiction === addr || (phone.jurisdiction.length === 2 && countryOf(addr) === phone.jurisdiction))) {
    return [{ jurisdiction: addr, via: ['address', 'phone'], label: `${addr} (address; ${phone.how})`, zones: addrZones }];
  }
  const out: RecipientLocation[] = [{ jurisdiction: addr, via: ['address'], label: `${addr} (address)`, zones: addrZones }];
  if (phone) {
    out.push({
      jurisdiction: phone.jurisdiction,
      via: ['phone'],
      label: `${phone.jurisdiction} (${phone.how})`,
      zones: unique([...known, ...zonesOf(tables, phone.jurisdiction)]),
    });
  }
  return out;
}
