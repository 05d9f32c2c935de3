/**
 * A compact phonetic key for Latin-folded name tokens (our own scheme, in the spirit of Soundex/Metaphone):
 * common digraphs are merged (ph->f, kh->h, sch/sh/ch->s, th->t, ck/q->k, c->s before e/i/y else k, z/ts/tz->s,
 * w->v, x->ks, dj->j), vowels after the first letter are dropped, doubled consonants collapse,
 * and a leading vowel becomes "a". "Scholz"/"Scholze" -> "sls", "Mosk"/"Musk" -> "msk", "Olaf" -> "alf".
 * Used both as an index key and to gate fuzzy token matches ("Olaf" vs "Octavian" have different keys).
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/**
 * Keys computed so far: 17 regular-expression passes per token, for the same few thousand name words again and again
 * (every list name at build, every query token). Bounded: emptied when full.
 */
const computed = new Map<string, string>();
const MAX_COMPUTED = 200_000;

export function phoneticKey(token: string): string {
  let key = computed.get(token);
  if (key === undefined) {
    if (computed.size >= MAX_COMPUTED) computed.clear();
    computed.set(token, (key = computePhoneticKey(token)));
  }
  return key;
}

function computePhoneticKey(token: string): string {
  let s = token.toLowerCase();
  if (!/^[a-z]+$/.test(s)) return s; // digits / other scripts: the token is its own key
  s = s
    .replace(/sch/g, 's')
    .replace(/ph/g, 'f')
    .replace(/kh/g, 'h')
    .replace(/[sc]h/g, 's')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/gh/g, 'g')
    .replace(/zh/g, 'j')
    .replace(/dj|dzh/g, 'j')
    .replace(/ck/g, 'k')
    .replace(/q/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/t[sz]/g, 's')
    .replace(/z/g, 's')
    .replace(/w/g, 'v');
  let out = VOWELS.has(s[0]!) ? 'a' : s[0]!;
  let last = out;
  for (let i = 1; i < s.length; i++) {
    const ch = s[i]!;
    if (VOWELS.has(ch)) {
      last = '';
      continue;
    }
    if (ch === 'h') continue; // silent/aspirated h
    if (ch === last) continue;
    out += ch;
    last = ch;
  }
  return out;
}

/** Consonant skeleton used to compare abjad (Arabic/Hebrew) transliterations with vowelled spellings. */
export function consonantSkeleton(token: string): string {
  return token.replace(/(?!^)[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
}
