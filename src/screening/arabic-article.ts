/**
 * The Arabic definite article ال is written joined to its word in Arabic script (الحكيم, التكريتي, الصبار), while
 * Latin spellings of the same name drop it ("Hakim"), fold it into the word before ("Abdul Hakim" for عبد الحكيم),
 * write it apart ("al-Tikriti") or assimilate it to a following sun letter, whose consonant it doubles ("Essabar" for
 * الصبار, "Arrahman", "Addin"; the sun letters t, th, d, dh, r, z, s, sh, s, d, t, z, l, n: Wright, "A Grammar of the
 * Arabic Language", §14; ALA-LC Arabic romanization, rule 18). Letter by letter, the Arabic-script word's skeleton
 * then holds an "l" that the Latin one lacks (alhkim / hakim), and a name scored 0.26–0.41 against its own Arabic
 * original (`ZAKARYA ESSABAR` / `زكريا الصبار`, `ABDUL HAKIM MURAD` / `عبد الحكيم مراد`).
 *
 * So an Arabic-script word opening with the article is compared once more without it, against the Latin word as
 * written and without an assimilated article (name-compare.ts). Only the article of an Arabic-script word is dropped:
 * two Latin words keep their letters.
 */
import { consonantSkeleton } from './phonetic-key.ts';

/** The article and at least three letters of a word after it (shorter words, such as علي "ali", are words). */
const JOINED_ARTICLE = /^al(?=.{3})/;

/** A Latin word opening with the article assimilated: a vowel, then a sun letter doubled ("essabar", "arrahman"). */
const ASSIMILATED_ARTICLE = /^[aeu](sh|th|dh|[tdrzsnl])(?=\1.{2})/;

/** The consonant skeletons an Arabic-script word stands for without its joined article; none if it has none. */
export function withoutJoinedArticle(abjadWord: string): string | undefined {
  return JOINED_ARTICLE.test(abjadWord) ? consonantSkeleton(abjadWord.slice(2)) : undefined;
}

/** The consonant skeletons a Latin word may stand for: as written, and without an assimilated article. */
export function latinSkeletons(latinWord: string): string[] {
  const written = consonantSkeleton(latinWord);
  const m = ASSIMILATED_ARTICLE.exec(latinWord);
  return m ? [written, consonantSkeleton(latinWord.slice(1 + m[1]!.length))] : [written];
}
