import { normaliseName } from '../../screening/index.ts';

/**
 * Company names for matching (docs/intake.md), through the screening library's organisation
 * normaliser: transliterated, accents and case folded, legal forms set apart ("Acme Ltd" =
 * "ACME Limited" = "Acme"), organisation terms unified ("Corporation" ~ "Corp" ~ "Company").
 * The one place the app turns a company name into a comparison key: pass `companyNameKey` to
 * dedupeKeys and the account index.
 */
export function companyNameKey(name: string): string {
  return normaliseName(name, 'organisation')
    .tokens.map((t) => t.text)
    .join(' ');
}

/** The comparison tokens of a company name with their phonetic keys (for candidate indexes). */
export function companyNameTokens(name: string): { readonly text: string; readonly phonetic: string; readonly weight: number }[] {
  return normaliseName(name, 'organisation').tokens.map((t) => ({ text: t.text, phonetic: t.phonetic, weight: t.weight }));
}
