/**
 * Near names that sound different in company and vessel names: "Karimi Fresh Produce" and "Kariuki Fresh Produce",
 * "Lefkada Bulk Carriers" and "Lefkosia Bulk Carriers" share most letters, and Jaro-Winkler (which forgives what lies
 * between a shared beginning and end) scores the words 0.9 and more. They are two names, not one name misspelt:
 *
 * - a misspelling is mostly one slip: Damerau (1964, "A technique for computer detection and correction of spelling
 *   errors", CACM 7(3)) found about 80 % of misspelt words one insertion, deletion, substitution or transposition away
 *   from the word meant; one letter apart stays a spelling variant here (`Exxor` / `Exxon`);
 * - a transliteration or a spelling by ear keeps the name's consonant sounds (the idea of Soundex and Metaphone, which
 *   the phonetic key follows: "Khouri" / "Khoury", "Husain" / "Hussain" have one key);
 * - two words two letters or more apart with as many consonant sounds, but other ones (keys of one length that
 *   differ: krm / krk), fail both: neither a slip nor a spelling of the same sounds, but another name. A consonant
 *   sound more or less (keys of other lengths: "Trafalgura" / "Trafigura") is left to the spelling comparison.
 *
 * Only for companies and vessels: their names are registered strings copied from documents. People's names are
 * heard, retyped and transliterated, and screening already asks more of a person's spelling-level match
 * (`personFuzzyStretch`). Words are compared as folded (transliteration-variants.ts), so a word written by German or
 * Polish conventions (`Prigoschin`, `Wiktor`) is compared by the sounds its letters stand for.
 */
import { levenshtein } from './jaro-winkler.ts';
import type { NameToken } from './name-normaliser.ts';
import { phoneticKey } from './phonetic-key.ts';

/** Whether two words of a company or vessel name are different names that merely share letters (see above). */
export function otherSoundingWords(a: NameToken, b: NameToken): boolean {
  if (a.kind !== 'word' || b.kind !== 'word') return false;
  const fa = a.fold ?? a.text;
  const fb = b.fold ?? b.text;
  const ka = fa === a.text ? a.phonetic : phoneticKey(fa);
  const kb = fb === b.text ? b.phonetic : phoneticKey(fb);
  // as many consonant sounds, not the same ones, and more than one slip apart
  return ka.length === kb.length && ka !== kb && levenshtein(fa, fb, 1) > 1;
}
