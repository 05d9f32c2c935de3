/**
 * Khmer script to Latin with the vowels Khmer does not write. any-ascii spells Khmer letter by letter, and a Khmer
 * consonant with no vowel sign carries an inherent vowel, so `ពត` (Pot) came out as "pt" and `សម` (Sam) as "sm".
 * Khmer has two series of consonants: the first ("a-series") carries an inherent "a" (UNGEGN / BGN-PCGN 1972 "â"),
 * the second ("o-series") an inherent "o" ("ô"); two signs move a consonant to the other series (U+17C9 MUUSIKATOAN
 * to the first, U+17CA TRIISAP to the second; `ប៉` is the "p" of borrowed words), and the series decides how the vowel
 * sign U+17BB reads ("o" after the first series, "u" after the second: `ហ៊ុន` Hun). Sources: UNGEGN, Report on the
 * Current Status of United Nations Romanization Systems for Geographical Names, Khmer (BGN/PCGN 1972); Unicode
 * Khmer block chart U+1780–U+17FF. Every other letter is spelt by any-ascii, as before.
 *
 * The inherent vowel is written after a consonant (with its subscripts) that the next consonant follows directly: a
 * word's last consonant closes the syllable and stays bare ("pot", not "poto"), unless it is the word's only one.
 */
import anyAscii from 'any-ascii';

/** The second-series (o-series) consonants; the others are first-series. */
const SECOND_SERIES = new Set([...'គឃងជឈញឌឍទធនពភមយរលវ']);

const MUUSIKATOAN = '\u17c9';
const TRIISAP = '\u17ca';
const COENG = '\u17d2';
const VOWEL_U = '\u17bb';

const isConsonant = (ch: string | undefined): boolean => ch !== undefined && ch >= '\u1780' && ch <= '\u17a2';

/** One run of Khmer letters (a word or words without spaces) in Latin letters. */
export function romaniseKhmer(run: string): string {
  const chars = [...run];
  const consonants = chars.filter(isConsonant).length;
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (!isConsonant(ch)) {
      out += ch === MUUSIKATOAN || ch === TRIISAP ? '' : anyAscii(ch);
      continue;
    }
    const next = chars[i + 1];
    const second = next === TRIISAP || (SECOND_SERIES.has(ch) && next !== MUUSIKATOAN);
    out += ch === 'ប' && next === MUUSIKATOAN ? 'p' : anyAscii(ch);
    // skip the series sign and the subscript consonants of this syllable's onset
    let j = i + 1;
    if (chars[j] === MUUSIKATOAN || chars[j] === TRIISAP) j++;
    while (chars[j] === COENG && isConsonant(chars[j + 1])) {
      out += anyAscii(chars[j + 1]!);
      j += 2;
    }
    i = j - 1;
    const after = chars[j];
    if (after === VOWEL_U) {
      out += second ? 'u' : 'o';
      i = j;
    } else if (isConsonant(after) || (after === undefined && consonants === 1)) out += second ? 'o' : 'a';
  }
  return out;
}
