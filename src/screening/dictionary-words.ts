/**
 * Near real words in company and vessel names: "Pellmoor Timber Exports" and "Pellmoor Timber Experts", "Sole Source"
 * and "Soul Source" are a letter or a sound apart, yet each spelling is a word of the language. A typing error or a
 * transliteration seldom lands on another dictionary word; a firm naming itself chose the word it wrote. So two
 * different dictionary words are two different names, not spelling variants of one (as for homophones: the sound is
 * the same, the word is not).
 *
 * The words are SCOWL's English lists (size 35, American and British; resources/english-words.txt, provenance in
 * resources/NOTICE.md). Two exceptions keep real variants of one word matching:
 * - the American and British spellings of a word (color / colour, organization / organisation): SCOWL lists each in
 *   one variety only, so a word only American against a word only British is one word spelt two ways;
 * - forms of one stem (Engineers / Engineering, Exports / Exporters): words that agree up to their last three letters
 *   differ in an ending (inflection, derivation), not in the word, and firms are referred to by either form.
 */
import { readFileSync } from 'node:fs';

type Variety = 'both' | 'us' | 'gb';

let words: Map<string, Variety> | undefined;

/** The word list, read once on first use (about 41,000 words; only company and vessel comparisons need it). */
function dictionary(): Map<string, Variety> {
  if (words) return words;
  const text = readFileSync(new URL('./resources/english-words.txt', import.meta.url), 'utf8');
  const map = new Map<string, Variety>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const [word, variety] = line.split(' ');
    map.set(word!, variety === 'us' || variety === 'gb' ? variety : 'both');
  }
  return (words = map);
}

/** Letters that an ending may change without changing the word (Engineer-s / Engineer-ing). */
const ENDING_LETTERS = 3;
/** A shared stem shorter than this is no evidence of one word (Sole / Soul, Exports / Experts share 2–3 letters). */
const MIN_STEM = 4;

function sameStem(a: string, b: string): boolean {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k >= Math.max(MIN_STEM, Math.min(a.length, b.length) - ENDING_LETTERS);
}

/**
 * Whether two different spellings are two different words: both are dictionary words, they are not the American and
 * British spellings of one word, and they do not share a stem. `formsDiffer`: a word and a word that extends it
 * (a suffix: Voyage / Voyager, Lion / Lioness, Earl / Early) are other words too — in a ship's name, which is a proper
 * name all through (sister ships, as a plural is: name-compare.ts), whereas a firm is called by either form of its
 * trade (Exports / Exporters). Spellings of one word stay one word (Adapter / Adaptor, Oxidise / Oxidize, Equaled /
 * Equalled: SCOWL lists several in both varieties).
 */
export function differentDictionaryWords(a: string, b: string, formsDiffer = false): boolean {
  if (a === b) return false;
  const dict = dictionary();
  const va = dict.get(a);
  const vb = dict.get(b);
  if (va === undefined || vb === undefined) return false;
  if ((va === 'us' && vb === 'gb') || (va === 'gb' && vb === 'us')) return false;
  if (formsDiffer && (a.startsWith(b) || b.startsWith(a))) return true;
  return !sameStem(a, b);
}

/** Whether a word is in the English word list. */
export const isDictionaryWord = (w: string): boolean => dictionary().has(w);
