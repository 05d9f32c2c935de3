/**
 * Text cleanup for names and free text: Unicode NFC, control and zero-width characters removed,
 * every run of whitespace (tabs, newlines, no-break and other Unicode spaces) collapsed to one
 * space, trimmed. Idempotent. Case is left alone ("McDonald", "van der Berg", "DE LA CRUZ").
 */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/[\p{Cc}\p{Zs}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Case-, accent- and punctuation-insensitive form for comparison keys ("José  O'Neil" → "jose oneil"). */
export function foldForKey(text: string): string {
  return cleanText(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[’'`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
