/**
 * Three Arabic letters are spoken, and so spelt in Latin letters, differently across the languages written in Arabic
 * script: thāʾ (ث, romanised `th`) is `s` in Persian, Urdu, Pashto and Turkish and `t` in many Arabic dialects
 * (`Wathiq` / `Wasiq`, `Uthman` / `Usman` / `Osman`, `Thabit` / `Sabit`); dhāl (ذ, `dh`) is `z` in those languages and
 * `d` in the dialects (`Dhakir` / `Zakir`, `Badhl` / `Bazl`); ḍād (ض) is `d` in Arabic, `z` in Persian, Urdu and
 * Pashto (`Fadl` / `Fazl`, `Rida` / `Reza`, `Diya` / `Zia`) and `dh` in Gulf and East African spellings (`Fadhil`,
 * `Ramadhan`, `al-Dhari`). ALA-LC's Persian, Urdu and Pashto romanization tables give ث as s̱, ذ as ẕ and ض as ż (an s
 * and a z marked for the letter), the Arabic table ض as ḍ; passports and the lists write them plain. So ض is written
 * `dh` (transliterate.ts), and comparing an Arabic-script word with a Latin one by consonant skeleton
 * (name-compare.ts), the Arabic side's `th` and `dh` may be read the other ways. ظ (`z`) is left as written: its
 * readings (`z`, `d`, `dh`) were not measured.
 */
import { latinSkeletons, withoutJoinedArticle } from './arabic-article.ts';
import type { NameToken } from './name-normaliser.ts';
import { consonantSkeleton } from './phonetic-key.ts';

const READINGS: readonly (readonly [string, readonly string[]])[] = [
  ['th', ['s', 't']],
  ['dh', ['z', 'd']],
];

/** The skeletons an Arabic-script word's skeleton stands for with `th` and `dh` read the other ways (not as written). */
export function otherLetterReadings(skeleton: string): string[] {
  let out = [skeleton];
  for (const [letters, readings] of READINGS) {
    if (!skeleton.includes(letters)) continue;
    out = out.flatMap((s) => [s, ...readings.map((r) => s.replaceAll(letters, r))]);
  }
  return out.slice(1).map((s) => s.replace(/(.)\1+/g, '$1'));
}

/**
 * The French transcription of Arabic, used in the Maghreb, writes ج `dj` (`Djamel` جمال, `Djouadi` جوادي, `Djilali`):
 * the Latin word is also read with `j` there.
 */
const FRENCH_DJ = 'dj';

/** An Arabic-script word against a Latin word whose skeleton is one of its other letter readings (with or without its article). */
export function sameByLetterReading(a: NameToken, b: NameToken): boolean {
  const [arabic, latin] = a.abjad ? [a, b] : [b, a];
  const otherReadings = /th|dh/.test(arabic.text);
  const frenchDj = latin.text.includes(FRENCH_DJ);
  if (!otherReadings && !frenchDj) return false;
  const latinSk = frenchDj
    ? [...latinSkeletons(latin.text), ...latinSkeletons(latin.text.replaceAll(FRENCH_DJ, 'j'))]
    : latinSkeletons(latin.text);
  const bare = withoutJoinedArticle(arabic.text);
  const arabicSk = bare === undefined ? [consonantSkeleton(arabic.text)] : [consonantSkeleton(arabic.text), bare];
  return arabicSk.some((s) => (frenchDj ? [s, ...otherLetterReadings(s)] : otherLetterReadings(s)).some((r) => latinSk.includes(r)));
}
