/**
 * Masculine and feminine forms of one name are names of different people. Romance languages make a woman's given name
 * from a man's with -a (Luis / Luisa, Antonio / Antonia, Francisco / Francisca, Daniel / Daniela); Slavic languages
 * inflect given names and surnames for sex (Aleksandr / Aleksandra, Ivanov / Ivanova, Kowalski / Kowalska, Nowicki /
 * Nowicka). A letter apart in spelling, such a pair is a sister, wife or daughter — or a stranger — not the listed
 * person misspelt, so it is no token match for a person's name.
 *
 * Only these endings, written in full on both sides, and after a stem of three letters or more: a feminine -a
 * against the bare stem, against -o, or Polish -ska / -cka against -ski / -cki.
 */

/** [masculine ending, feminine ending]: the feminine form is stem + the second. */
const GENDERED_ENDINGS: readonly (readonly [string, string])[] = [
  ['', 'a'],
  ['o', 'a'],
  ['ski', 'ska'],
  ['cki', 'cka'],
];

const MIN_STEM = 3;

function feminineOf(masculine: string, feminine: string): boolean {
  return GENDERED_ENDINGS.some(([m, f]) => {
    if (!masculine.endsWith(m) || !feminine.endsWith(f)) return false;
    const stem = masculine.slice(0, masculine.length - m.length);
    return stem.length >= MIN_STEM && feminine === stem + f;
  });
}

/** Whether two words of a person's name are the masculine and feminine forms of one name. */
export function genderedForms(a: string, b: string): boolean {
  return a !== b && (feminineOf(a, b) || feminineOf(b, a));
}
