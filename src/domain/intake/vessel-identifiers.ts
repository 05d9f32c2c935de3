/**
 * Check rules for the identifiers a lead may give for a ship or a company (docs/intake.md "Vessels and company
 * identifiers"): the same rules screening applies to list records (src/screening/strong-identifier.ts).
 */

/** IMO ship numbers carry a check digit: the first six digits weighted 7..2, summed, modulo 10 (IMO Res. A.1078(28)). */
export function isValidImo(digits: string): boolean {
  if (!/^\d{7}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(digits[i]) * (7 - i);
  return sum % 10 === Number(digits[6]);
}

/**
 * IMO company and registered owner numbers (resolution MSC.160(78), the former Lloyd's Register-Fairplay company
 * numbers) are seven digits whose last is a check digit: the first six weighted 8, 6, 4, 2, 9, 7, summed, and
 * (11 − sum mod 11) mod 10. The resolution does not print the rule (Wikipedia "IMO number" does); every company number
 * on the UN (16) and OFAC (81 of 82, the other has six digits) lists satisfies it, where a guess passes one time in ten.
 */
export function isValidImoCompanyNumber(digits: string): boolean {
  if (!/^\d{7}$/.test(digits)) return false;
  const weights = [8, 6, 4, 2, 9, 7];
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(digits[i]) * weights[i]!;
  return (11 - (sum % 11)) % 10 === Number(digits[6]);
}

/** A Maritime Mobile Service Identity: nine digits (ITU-R M.585). */
export const isValidMmsi = (digits: string): boolean => /^\d{9}$/.test(digits);

/** An LEI (ISO 17442): 18 letters or digits and two check digits, valid under ISO 7064 MOD 97-10. */
export function isValidLei(lei: string): boolean {
  if (!/^[A-Z0-9]{18}\d{2}$/.test(lei)) return false;
  let rest = 0;
  for (const ch of lei) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** "IMO 9187629", "imo: 9187629", "9187629" → "9187629"; likewise "IMO company 5571322", MMSI and LEI prefixes. */
export const identifierDigits = (raw: string, prefix: 'IMO' | 'IMO COMPANY' | 'MMSI' | 'LEI'): string =>
  raw
    .toUpperCase()
    .replace(new RegExp(`^${prefix.replace(' ', '\\s*')}\\s*(NO\\.?|NUMBER|#)?\\s*:?\\s*`), '')
    .replace(/[\s.-]/g, '');
