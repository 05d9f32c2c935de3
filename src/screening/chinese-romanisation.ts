/**
 * Chinese syllables written in Latin letters by either of the two systems found in lists: Hanyu Pinyin (ISO 7098,
 * the PRC standard since 1958) and Wade–Giles (Taiwan, Hong Kong and older Western texts: "Mao Tse-tung" = "Mao
 * Zedong", "Chiang Kai-shek" = "Jiang Jieshi"). A token's **readings** are the Pinyin syllables it can stand for: itself
 * when it is a Pinyin syllable, and the Pinyin equivalents of it read as Wade–Giles, by the standard conversion table
 * (initials ch = zh/j, ch' = ch/q, ts/tz = z, ts'/tz' = c, hs = x, j = r, k/p/t = g/b/d, k'/p'/t' = k/p/t; finals
 * -ung = -ong, -ieh = -ie, -ien = -ian, -ih = -i, tzu/ssu = zi/si, ko/ho = ge/he, erh = er, yu = you). Lists drop the
 * aspiration apostrophe ("Chi" for "Ch'i"), so an unaspirated initial also reads as the aspirated one.
 *
 * Two syllables are the same character's sound only when a reading is shared: "jian" / "jiang", "chen" / "cheng",
 * "hsin" / "hsing" are other characters and other names (the -n / -ng finals are distinct phonemes in Mandarin).
 */

const PINYIN_INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's'];
/** Finals that stand alone as syllables too (a, ai, ang ...). */
const OPEN_FINALS = 'a o e ai ei ao ou an en ang eng'.split(' ');
/** Pinyin finals after a consonant initial (ü written u: accents are folded before this). */
const FINALS = new Set([...OPEN_FINALS, ...'ong i ia ie iao iu ian in iang ing iong u ua uo uai ui uan un uang ue'.split(' ')]);
/** Finals that begin with i or ü: the only ones after j, q, x. */
const PALATAL_FINALS = new Set(['i', 'ia', 'ie', 'iao', 'iu', 'ian', 'in', 'iang', 'ing', 'iong', 'u', 'ue', 'uan', 'un']);
/** Initials never followed by an i- final (bare i aside after the retroflex and dental ones) nor by ü-e. */
const NO_I_FINALS = new Set(['zh', 'ch', 'sh', 'r', 'z', 'c', 's', 'g', 'k', 'h']);
const LABIALS = new Set(['b', 'p', 'm', 'f']);
/** Syllables without a consonant initial (y- and w- spellings, bare vowels). */
const ZERO_INITIAL = new Set([
  ...OPEN_FINALS,
  ...'er yi ya ye yao you yan yin yang ying yong yu yue yuan yun wu wa wo wai wei wan wen wang weng'.split(' '),
]);

/** Is `s` one Hanyu Pinyin syllable (tone marks and ü already folded)? */
export function isPinyinSyllable(s: string): boolean {
  if (ZERO_INITIAL.has(s)) return true;
  for (const ini of PINYIN_INITIALS) {
    if (!s.startsWith(ini)) continue;
    const fin = s.slice(ini.length);
    if (!FINALS.has(fin)) continue;
    if (ini === 'j' || ini === 'q' || ini === 'x') return PALATAL_FINALS.has(fin);
    if (NO_I_FINALS.has(ini) && ((fin.startsWith('i') && (fin !== 'i' || 'gkh'.includes(ini))) || fin === 'ue')) return false;
    if (fin === 'ong' && LABIALS.has(ini)) return false;
    if (fin === 'o' && !LABIALS.has(ini)) return false; // bo, po, mo, fo; elsewhere -uo
    return true;
  }
  return false;
}

/** Wade–Giles initials (apostrophes dropped) and the Pinyin initials each may stand for. */
const WG_INITIALS: [string, string[]][] = [
  ['ch', ['zh', 'ch', 'j', 'q']],
  ['hs', ['x']],
  ['sh', ['sh']],
  ['ts', ['z', 'c']],
  ['tz', ['z', 'c']],
  ['ss', ['s']],
  ['sz', ['s']],
  ['k', ['g', 'k']],
  ['p', ['b', 'p']],
  ['t', ['d', 't']],
  ['j', ['r']],
  ['m', ['m']],
  ['f', ['f']],
  ['n', ['n']],
  ['l', ['l']],
  ['h', ['h']],
  ['s', ['s']],
];

/** Wade–Giles finals that are spelt otherwise in Pinyin. */
const WG_FINALS: Record<string, string[]> = {
  ung: ['ong'],
  iung: ['iong'],
  ieh: ['ie'],
  ien: ['ian'],
  ih: ['i'],
  ueh: ['ue'],
  erh: ['er'],
  o: ['o', 'e', 'uo'], // po = bo, ko = ge, to = duo
};
/** After the dental sibilants Wade–Giles writes the apical vowel as u: tzu, tz'u, ssu = zi, ci, si. */
const WG_APICAL = new Set(['ts', 'tz', 'ss', 'sz']);
const WG_ZERO_INITIAL: Record<string, string> = { yeh: 'ye', yen: 'yan', yu: 'you', yung: 'yong', yueh: 'yue', erh: 'er', wo: 'wo' };

function wadeGilesReadings(s: string): string[] {
  const out: string[] = [];
  const zero = WG_ZERO_INITIAL[s];
  if (zero) out.push(zero);
  for (const [wg, pinyin] of WG_INITIALS) {
    if (!s.startsWith(wg)) continue;
    const fin = s.slice(wg.length);
    const finals = WG_APICAL.has(wg) && fin === 'u' ? ['i'] : (WG_FINALS[fin] ?? [fin]);
    for (const f of finals) for (const ini of pinyin) if (isPinyinSyllable(ini + f)) out.push(ini + f);
  }
  return out;
}

const readingCache = new Map<string, readonly string[]>();
const NONE: readonly string[] = [];
const SYLLABLE_SHAPE = /^(?:ch|hs|sh|ts|tz|ss|sz|zh|[bcdfghjklmnpqrstwxyz])?[aeiouy]+(?:ng|rh|n|h|r)?$/;
const CACHE_LIMIT = 50_000;

/** The Pinyin syllables a Latin token can stand for (as Pinyin or as Wade–Giles); empty when it is neither. */
export function syllableReadings(s: string): readonly string[] {
  // the shape every Pinyin and Wade–Giles syllable has (initial, vowels, n / ng / h / r / rh): most substrings of
  // other words fail it without a look-up
  if (!SYLLABLE_SHAPE.test(s)) return NONE;
  let r = readingCache.get(s);
  if (r) return r;
  const set = new Set<string>();
  if (s.length <= 6 && /^[a-z]+$/.test(s)) {
    if (isPinyinSyllable(s)) set.add(s);
    for (const p of wadeGilesReadings(s)) set.add(p);
  }
  r = [...set];
  if (readingCache.size >= CACHE_LIMIT) readingCache.clear();
  readingCache.set(s, r);
  return r;
}

/** Whether two single syllables share a reading (the same sound in Pinyin and/or Wade–Giles). */
export function sameSyllable(a: string, b: string): boolean {
  const ra = syllableReadings(a);
  if (ra.length === 0) return false;
  const rb = syllableReadings(b);
  return rb.some((x) => ra.includes(x));
}

/**
 * The ways a Latin word splits into Chinese syllables ("zedong" = ze|dong, "xiaoping" = xiao|ping; at most a few),
 * each syllable as its readings. Empty when it does not split.
 */
const splitCache = new Map<string, (readonly string[])[][]>();

export function syllableSplits(word: string, limit = 4): (readonly string[])[][] {
  if (limit !== 4) return splitWord(word, limit);
  let r = splitCache.get(word);
  if (r) return r;
  r = splitWord(word, limit);
  if (splitCache.size >= CACHE_LIMIT) splitCache.clear();
  splitCache.set(word, r);
  return r;
}

function splitWord(word: string, limit: number): (readonly string[])[][] {
  const out: (readonly string[])[][] = [];
  const walk = (from: number, acc: (readonly string[])[]): void => {
    if (out.length >= limit) return;
    if (from === word.length) {
      if (acc.length > 0) out.push(acc);
      return;
    }
    for (let end = Math.min(word.length, from + 6); end > from; end--) {
      // inside a word a syllable starting with a vowel would need Pinyin's apostrophe (Xi'an): "xian" is one syllable
      if (from > 0 && /^[aeo]/.test(word[from]!)) break;
      const r = syllableReadings(word.slice(from, end));
      if (r.length > 0) walk(end, [...acc, r]);
    }
  };
  if (word.length <= 24) walk(0, []);
  return out;
}

/** Does every word spell Chinese syllables, two or more in all? (A Chinese name in either romanisation.) */
export function looksChinese(words: readonly string[]): boolean {
  let syllables = 0;
  for (const w of words) {
    const s = syllableSplits(w)[0];
    if (!s) return false;
    syllables += s.length;
  }
  return syllables >= 2;
}

/**
 * Whether two runs of words spell the same Chinese syllables in either system: "tse tung" ~ "zedong",
 * "teng hsiao ping" ~ "deng xiaoping". Each side's words are split into syllables; the sequences must be as long
 * and share a reading at every position.
 */
export function sameSyllables(a: readonly string[], b: readonly string[]): boolean {
  const sb = b.length === 1 ? (syllableSplits(b[0]!) as readonly (readonly string[])[][]) : combine(b.map((w) => syllableSplits(w)));
  if (sb.length === 0) return false;
  const splits = a.map((w) => syllableSplits(w));
  if (splits.some((s) => s.length === 0)) return false;
  // the first COMBINATIONS sequences of the first run, in combine's order, each compared with the second run's, without
  // building them: the runs recur for every candidate of a screening (docs/performance.md, lane scale8)
  const chosen: (readonly (readonly string[])[])[] = [];
  let left = COMBINATIONS;
  const walk = (word: number, length: number): boolean => {
    if (word === splits.length) {
      left--;
      return sb.some((y) => y.length === length && sharesEveryReading(chosen, y));
    }
    for (const x of splits[word]!) {
      if (left === 0) return false;
      chosen.push(x);
      const same = walk(word + 1, length + x.length);
      chosen.pop();
      if (same) return true;
    }
    return false;
  };
  return walk(0, 0);
}

/** combine keeps this many sequences of a run (the first in its order). */
const COMBINATIONS = 16;

/** Whether the words' chosen splits, one after another, share a reading with `y` at every position. */
function sharesEveryReading(chosen: readonly (readonly (readonly string[])[])[], y: readonly (readonly string[])[]): boolean {
  let at = 0;
  for (const x of chosen)
    for (const r of x) {
      const other = y[at++]!;
      if (!r.some((p) => other.includes(p))) return false;
    }
  return true;
}

function combine(splits: (readonly string[])[][][]): (readonly string[])[][] {
  let acc: (readonly string[])[][] = [[]];
  for (const s of splits) {
    if (s.length === 0) return [];
    acc = acc.flatMap((prefix) => s.map((x) => [...prefix, ...x])).slice(0, COMBINATIONS);
  }
  return acc;
}
