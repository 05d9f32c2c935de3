import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

/**
 * Phone numbers to E.164 (docs/intake.md) with libphonenumber-js full metadata, so validity is checked
 * against each country's numbering plan, not only its length. A number without an international
 * prefix is read in `defaultRegion` (the lead's country, else the configured default country).
 */
export type PhoneResult =
  | { readonly kind: 'valid'; readonly e164: string; readonly country?: string; readonly extension?: string }
  | { readonly kind: 'invalid'; readonly reason: 'unparseable' | 'not_a_valid_number' | 'needs_country' };

export function toE164(text: string, defaultRegion?: string): PhoneResult {
  const t = text.normalize('NFKC').trim().replace(/^tel:/i, '');
  const region = defaultRegion !== undefined && isSupportedCountry(defaultRegion) ? (defaultRegion as CountryCode) : undefined;
  const international = /^\s*(\+|00)/.test(t);
  if (!international && region === undefined) return { kind: 'invalid', reason: 'needs_country' };
  // without a region, "00" can only be the common international call prefix
  const input = region === undefined ? t.replace(/^\s*00/, '+') : t;
  const parsed = parsePhoneNumberFromString(input, region !== undefined ? { defaultCountry: region } : {});
  if (!parsed) return { kind: 'invalid', reason: 'unparseable' };
  if (!parsed.isValid()) return { kind: 'invalid', reason: 'not_a_valid_number' };
  return {
    kind: 'valid',
    e164: parsed.number,
    ...(parsed.country !== undefined ? { country: parsed.country } : {}),
    ...(parsed.ext !== undefined ? { extension: parsed.ext } : {}),
  };
}
