/**
 * Invisible format characters (\p{Cf}) that only disguise text: bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069, which can make "evil" display as "live"), the bidi marks (U+200E, U+200F,
 * U+061C), zero-width space/joiners (U+200B–U+200D), word joiner and invisible operators (U+2060–U+2064),
 * the BOM (U+FEFF), interlinear annotation marks (U+FFF9–U+FFFB) and tag characters (U+E0000–U+E007F).
 * Kept: the soft hyphen and script-specific format marks (Arabic number signs …), which carry meaning.
 */
const INVISIBLE_FORMAT = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/gu;

/**
 * Text cleanup for names and free text: Unicode NFC, control, bidi and zero-width characters removed,
 * every run of whitespace (tabs, newlines, no-break and other Unicode spaces) collapsed to one
 * space, trimmed. Idempotent. Case is left alone ("McDonald", "van der Berg", "DE LA CRUZ").
 * Text must be well formed (no lone surrogates): intake refuses it first (see illFormedTextPaths).
 */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE_FORMAT, '')
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

/** In Unicode mode a surrogate pair is one code point, so this matches only lone surrogates (= !isWellFormed()). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const isWellFormedText = (text: string): boolean => !LONE_SURROGATE.test(text);

/**
 * Where a payload holds text that is not well-formed UTF-16 (a lone surrogate such as "\ud800"): the
 * paths of those strings or keys, at most `limit`. Such text cannot be stored or compared faithfully
 * (PostgreSQL and UTF-8 files replace it), so it is refused rather than silently changed. Iterative,
 * so depth is no risk.
 */
export function illFormedTextPaths(value: unknown, limit = 20): (readonly PropertyKey[])[] {
  const found: (readonly PropertyKey[])[] = [];
  const stack: [unknown, readonly PropertyKey[]][] = [[value, []]];
  while (stack.length > 0 && found.length < limit) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (!isWellFormedText(node)) found.push(path);
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (!isWellFormedText(key)) found.push([...path, key]);
        else stack.push([item, [...path, key]]);
      }
    }
  }
  return found;
}
