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
 *   sound more or less (keys of other lengths: "Trafalgura" / "Trafigura") is left to the spelling comparison;
 * - a word that opens with another consonant sound, or with a consonant sound more or less (`Canreach` / `Fanreach`,
 *   `Nardis` / `Zardis`, `Arvin` / `Sarvin`, `Yongjin` / `Pyongjin`), is another name even one letter apart: slips
 *   seldom touch a word's first letter (Pollock & Zamora 1984, "Automatic spelling correction in scientific and
 *   scholarly text", CACM 27(4): the premise of their SPEEDCOP keys, as of Jaro-Winkler's weight on the beginning), and
 *   a firm or a ship named by one word takes its neighbour's name with one letter changed (the OFAC lists' tankers
 *   `Canreach` and `Fanreach`). Onsets that transliterations and romanisations write either way stay one sound
 *   (`INTERCHANGEABLE_ONSETS`: `Taesong` / `Daesong`, `Ryugyong` / `Yugyong`, `Jamal` / `Gamal`, `Vasil` / `Basil`).
 *
 * Only for companies and vessels: their names are registered strings copied from documents. People's names are
 * heard, retyped and transliterated, and screening already asks more of a person's spelling-level match
 * (`personFuzzyStretch`). Words are compared as folded (transliteration-variants.ts), so a word written by German or
 * Polish conventions (`Prigoschin`, `Wiktor`) is compared by the sounds its letters stand for.
 */
import { levenshtein } from './jaro-winkler.ts';
import type { NameToken } from './name-normaliser.ts';
import { phoneticKey } from './phonetic-key.ts';

/** Whether two words of a company or vessel name are different names that merely share letters or a slip (see above). */
export function otherSoundingWords(a: NameToken, b: NameToken): boolean {
  if (a.kind !== 'word' || b.kind !== 'word') return false;
  let fa = a.fold ?? a.text;
  let fb = b.fold ?? b.text;
  // A word-initial j folds to y only in words of six letters or more (transliteration-variants.ts), so of two words
  // opening with j one may fold and the other not ("Jewel" / "Jewell" -> "jewel" / "yewell", two letters apart): both
  // then keep their j.
  if (a.text[0] === 'j' && b.text[0] === 'j' && fa[0] !== fb[0]) {
    fa = fa[0] === 'y' ? `j${fa.slice(1)}` : fa;
    fb = fb[0] === 'y' ? `j${fb.slice(1)}` : fb;
  }
  const ka = fa === a.text ? a.phonetic : phoneticKey(fa);
  const kb = fb === b.text ? b.phonetic : phoneticKey(fb);
  // as many consonant sounds, not the same ones, and more than one slip apart
  if (ka.length === kb.length && ka !== kb && levenshtein(fa, fb, 1) > 1) return true;
  return otherOnset(spokenKey(fa, ka), spokenKey(fb, kb));
}

/** English initial clusters whose first letter is silent (Metaphone's initial rules: Knight = Night, Wright = Right). */
const SILENT_FIRST_LETTER = /^(kn|gn|pn|wr|ps)/;
const spokenKey = (word: string, key: string): string => (SILENT_FIRST_LETTER.test(word) ? phoneticKey(word.slice(1)) : key);

/**
 * First sounds (a phonetic key's first letter: `a` for any vowel or `y`, `v` for `w`) that the lists' transliterations
 * and romanisations write either way: vowel, h, glide (`Husain` / `Usain`, `Iakov` / `Jakov`, `Walid` / `Oualid`);
 * labials (Arabic and Korean b / p, Greek and Spanish v / b, ph / f); t / d (Korean McCune-Reischauer / Revised
 * Romanisation, Turkish); k / g / kh / h / j (Korean, Egyptian `Gamal` / `Jamal`); sibilants; Korean l / n / r and
 * its dropped initial r and l (`Ri` / `Li` / `I`, `Ryu` / `Yu`, `Ro` / `No`).
 */
const INTERCHANGEABLE_ONSETS: readonly string[] = ['ahjv', 'bpfv', 'dt', 'gkhj', 'sjz', 'lnr', 'alr'];

/** Whether two keys open with sounds no spelling convention interchanges (both opening with a letter). */
function otherOnset(ka: string, kb: string): boolean {
  const x = ka[0];
  const y = kb[0];
  if (x === y || x === undefined || y === undefined || !/[a-z]/.test(x) || !/[a-z]/.test(y)) return false;
  // a vowel put before the same consonants (a prosthetic e- or i-: `Estrella` / `Strella`, `Invidia` / `Nvidia`)
  if ((x === 'a' && ka.slice(1) === kb) || (y === 'a' && kb.slice(1) === ka)) return false;
  return !INTERCHANGEABLE_ONSETS.some((group) => group.includes(x) && group.includes(y));
}
