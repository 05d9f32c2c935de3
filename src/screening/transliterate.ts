/**
 * Script-to-Latin transliteration for name matching (not a publication-grade romanisation):
 * Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Kazakh, Mongolian letters), Greek, Armenian, Georgian,
 * Hebrew (with the vowel-letter rules below), Arabic/Persian/Urdu (consonant skeleton plus long vowels), Hangul
 * (algorithmic), Japanese kana and Burmese (burmese-romanise.ts) by our own tables; CJK ideographs one syllable per
 * token (Hanyu Pinyin from any-ascii), and every other script (Thai, Khmer, Devanagari, Ethiopic, ...) through
 * any-ascii, Khmer with the vowels the script does not write (khmer-romanise.ts). Digits of every script
 * (Arabic-Indic, Persian, Devanagari, full-width, ...) become ASCII digits.
 * Latin diacritics are stripped by the normaliser afterwards (NFKD).
 */
import anyAscii from 'any-ascii';
import { isBurmese, romaniseBurmese } from './burmese-romanise.ts';
import { romaniseKhmer } from './khmer-romanise.ts';

function table(pairs: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const item of pairs.trim().split(/\s+/)) {
    const [k, v] = item.split('=');
    if (k) m.set(k, v ?? '');
  }
  return m;
}

const CYRILLIC = table(`
а=a б=b в=v г=g д=d е=e ё=e ж=zh з=z и=i й=y к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f х=kh ц=ts ч=ch ш=sh щ=shch
ъ= ы=y ь= э=e ю=yu я=ya і=i ї=yi є=ye ґ=g ў=u ђ=dj ј=j љ=lj њ=nj ћ=c џ=dz ѓ=gj ќ=kj ѕ=dz
ә=a ғ=g қ=k ң=n ө=o ұ=u ү=u һ=h
`);

const GREEK = table(`
α=a β=v γ=g δ=d ε=e ζ=z η=i θ=th ι=i κ=k λ=l μ=m ν=n ξ=x ο=o π=p ρ=r σ=s ς=s τ=t υ=y φ=f χ=ch ψ=ps ω=o
ά=a έ=e ή=i ί=i ό=o ύ=y ώ=o ϊ=i ϋ=y ΐ=i ΰ=y
`);

const ARMENIAN = table(`
ա=a բ=b գ=g դ=d ե=e զ=z է=e ը=y թ=t ժ=zh ի=i լ=l խ=kh ծ=ts կ=k հ=h ձ=dz ղ=gh ճ=ch մ=m յ=y ն=n շ=sh ո=o չ=ch
պ=p ջ=j ռ=r ս=s վ=v տ=t ր=r ց=ts ւ=v փ=p ք=k օ=o ֆ=f և=ev
`);

const GEORGIAN = table(`
ა=a ბ=b გ=g დ=d ე=e ვ=v ზ=z თ=t ი=i კ=k ლ=l მ=m ნ=n ო=o პ=p ჟ=zh რ=r ს=s ტ=t უ=u ფ=p ქ=k ღ=gh ყ=q შ=sh ჩ=ch
ც=ts ძ=dz წ=ts ჭ=ch ხ=kh ჯ=j ჰ=h
`);

// Hebrew consonants after the Academy of the Hebrew Language's 2006 simple transcription rules (ח = h, צ = ts,
// ש = sh); see hebrewWord for the vowel letters and the b/v, k/kh, p/f alternation.
const HEBREW = table(`
א= ב=v ג=g ד=d ה=h ו=v ז=z ח=h ט=t י=y כ=kh ך=kh ל=l מ=m ם=m נ=n ן=n ס=s ע= פ=f ף=f צ=ts ץ=ts ק=k ר=r ש=sh ת=t
`);

/**
 * Unvocalised Hebrew (as names are written) spells vowels with the letters ו and י (matres lectionis) and does not
 * mark whether ב/כ/פ are stops or fricatives. Rules (Academy of the Hebrew Language, transcription rules 2006):
 * word-initial ב/כ/פ are stops (b/k/p, dagesh lene after a pause); a doubled וו/יי is the consonant v/y; a single
 * ו or י inside a word is a vowel (o/u, i) — the consonant skeleton used for abjad comparisons ignores which.
 * Geresh (׳ or ') after ג/ז/צ marks the borrowed sounds j/zh/ch ("גורביץ'" -> "gurevich").
 */
function hebrewWord(word: string): string {
  let out = '';
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    if (next === "'" || next === '\u05f3' || next === '’') {
      const borrowed: Record<string, string> = { ג: 'j', ז: 'zh', צ: 'ch', ץ: 'ch' };
      if (borrowed[ch]) {
        out += borrowed[ch];
        i++;
        continue;
      }
    }
    if (i === 0 && (ch === 'ב' || ch === 'כ' || ch === 'פ')) out += ch === 'ב' ? 'b' : ch === 'כ' ? 'k' : 'p';
    else if ((ch === 'ו' || ch === 'י') && next === ch) {
      out += ch === 'ו' ? 'v' : 'y';
      i++;
    } else if (ch === 'ו' && i > 0) out += 'o';
    else if (ch === 'י' && i > 0 && i < chars.length - 1) out += 'i';
    else if (ch === 'י' && i > 0) out += 'i';
    else out += HEBREW.get(ch) ?? (/[\u0591-\u05c7]/.test(ch) ? '' : ch);
  }
  return out;
}

// Arabic script: consonants; long vowels alif/waw/ya become a/u/i (short vowels are not written). ض is `dh`, the
// spelling that stands for its readings d, z and dh in skeleton comparisons (arabic-letter-readings.ts).
const ARABIC = table(`
ا=a أ=a إ=i آ=a ٱ=a ب=b ت=t ث=th ج=j ح=h خ=kh د=d ذ=dh ر=r ز=z س=s ش=sh ص=s ض=dh ط=t ظ=z ع= غ=gh ف=f ق=q ك=k
ل=l م=m ن=n ه=h ة=a و=u ي=i ى=a ئ= ؤ= ء= پ=p چ=ch ژ=zh گ=g ک=k ی=i ٹ=t ڈ=d ڑ=r ں=n ھ=h ے=e
`);

/**
 * Ain (ع) opening a word, or the word after the article (العلي), is spoken with its vowel, and Latin spellings write
 * that vowel: `Ali` (علي), `Abd` (عبد), `Abbas` (عباس), `Omar` (عمر), `al-Ali`. Dropped there, as inside a word (where
 * spellings write an apostrophe or nothing: `Sa'ad`, `Saad`), the name lost its first sound (`bas` against `Abbas`), so
 * it becomes alif (a), whose vowel the consonant skeleton compares. (ALA-LC Arabic romanization writes ʻ; names in
 * the lists and in passports write the vowel.)
 */
const WORD_INITIAL_AIN = /(^|[^\p{L}\p{M}]|ال)ع/gu;

/**
 * Waw (و) opening a word, or the word after the article (الوليد), is the consonant w: an Arabic word begins with a
 * consonant, never with a long vowel (Wright, "A Grammar of the Arabic Language", §1 and §20; ALA-LC Arabic
 * romanization writes it w there, BGN/PCGN too), and Latin spellings write it so: `Walid` (وليد), `Wali` (ولی),
 * `Wazir` (وزیر), `Watban` (وطبان), `al-Walid`. Read as the vowel u, the name's first consonant was lost (`ulid`
 * against `Walid`) and a joined "and" (والجهاد, "wal-jihad") read `ual…`. Inside a word waw stays u, its vowel
 * reading (the skeleton drops it either way). Persian and Urdu speak it v (`Vahid`); the phonetic keys fold v and w.
 */
const WORD_INITIAL_WAW = /(^|[^\p{L}\p{M}])(ال)?و/gu;

/**
 * Ya (ي, Persian ی) opening a word, or the word after the article (اليمني), is the consonant y, for the reason waw is
 * w there (an Arabic word begins with a consonant: Wright §1; ALA-LC and BGN/PCGN write y), and Latin spellings write
 * it so: `Yahya` (يحيى), `Yusuf` (يوسف), `Yunus` (يونس), `Yasin` (ياسين), `al-Yamani`. Read as the vowel i, the consonant
 * skeleton kept an `i` where the Latin one has `y` (`ihia` against `Yahya`: the name's first word never matched).
 * Inside a word ya stays i, its vowel reading.
 */
const WORD_INITIAL_YA = /(^|[^\p{L}\p{M}])(ال)?[يی]/gu;

const KANA = table(`
あ=a い=i う=u え=e お=o か=ka き=ki く=ku け=ke こ=ko さ=sa し=shi す=su せ=se そ=so た=ta ち=chi つ=tsu て=te と=to
な=na に=ni ぬ=nu ね=ne の=no は=ha ひ=hi ふ=fu へ=he ほ=ho ま=ma み=mi む=mu め=me も=mo や=ya ゆ=yu よ=yo
ら=ra り=ri る=ru れ=re ろ=ro わ=wa を=o ん=n が=ga ぎ=gi ぐ=gu げ=ge ご=go ざ=za じ=ji ず=zu ぜ=ze ぞ=zo
だ=da ぢ=ji づ=zu で=de ど=do ば=ba び=bi ぶ=bu べ=be ぼ=bo ぱ=pa ぴ=pi ぷ=pu ぺ=pe ぽ=po
ゃ=ya ゅ=yu ょ=yo ぁ=a ぃ=i ぅ=u ぇ=e ぉ=o
`);

const HANGUL_L = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const HANGUL_V = [
  'a',
  'ae',
  'ya',
  'yae',
  'eo',
  'e',
  'yeo',
  'ye',
  'o',
  'wa',
  'wae',
  'oe',
  'yo',
  'u',
  'wo',
  'we',
  'wi',
  'yu',
  'eu',
  'ui',
  'i',
];
const HANGUL_T = [
  '',
  'k',
  'k',
  'k',
  'n',
  'n',
  'n',
  't',
  'l',
  'k',
  'm',
  'l',
  'l',
  'l',
  'p',
  'l',
  'm',
  'p',
  'p',
  't',
  't',
  'ng',
  't',
  't',
  'k',
  't',
  'p',
  't',
];

function hangul(code: number): string {
  const s = code - 0xac00;
  const l = Math.floor(s / 588);
  const v = Math.floor((s % 588) / 28);
  const t = s % 28;
  return (HANGUL_L[l] ?? '') + (HANGUL_V[v] ?? '') + (HANGUL_T[t] ?? '');
}

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase();
}

/** True when the text contains anything beyond Latin letters (which the normaliser folds itself). */
export function needsTransliteration(s: string): boolean {
  return /[^\u0000-\u024f\u1e00-\u1eff\u2000-\u206f]/.test(s);
}

const CJK_IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** Digits of any script ("٣", "۳", "३", "３") as ASCII digits. */
function asciiDigits(s: string): string {
  return s.replace(/\p{Nd}/gu, (d) => (d >= '0' && d <= '9' ? d : anyAscii(d)));
}

/** True when the text is written in a syllabic script we romanise one syllable per token (CJK ideographs, Hangul). */
export function isSyllabic(s: string): boolean {
  return /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3]/.test(s);
}

/** True when the text is (mostly) in an abjad (Arabic, Hebrew) where short vowels are not written. */
export function isAbjad(s: string): boolean {
  return /[\u0590-\u06ff]/.test(s);
}

export function transliterate(input: string): string {
  if (!needsTransliteration(input)) return input;
  let out = '';
  const text = asciiDigits(input)
    .replace(/ու/g, 'u')
    .replace(/Ու|ՈՒ/g, 'U')
    .replace(/[\u05d0-\u05ea][\u05d0-\u05ea\u0591-\u05c7'"\u05f3\u05f4’]*/g, hebrewWord)
    .replace(/[\u1000-\u109f]+/g, (run) => (isBurmese(run) ? romaniseBurmese(run) : run))
    .replace(/[\u1780-\u17ff]+/g, romaniseKhmer)
    // waw first: the ain rule writes an alif, and an ain-initial word (علوش) would then seem to open with the article
    .replace(WORD_INITIAL_WAW, '$1$2w')
    .replace(WORD_INITIAL_YA, '$1$2y')
    .replace(WORD_INITIAL_AIN, '$1ا');
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x370) {
      out += ch;
      continue;
    }
    if (CJK_IDEOGRAPH.test(ch)) {
      // one Chinese character is one syllable; as tokens they align with Pinyin written apart or joined
      out += ` ${anyAscii(ch).toLowerCase()} `;
      continue;
    }
    if (code >= 0xac00 && code <= 0xd7a3) {
      // Korean names are written without spaces between syllables and in Latin with them ("김정은" = "Kim Jong Un"):
      // one syllable per token, re-joined by the matcher's joined-token alignment where Latin joins them
      out += ` ${hangul(code)} `;
      continue;
    }
    const lower = ch.toLowerCase();
    let t: string | undefined;
    if (code >= 0x0400 && code <= 0x052f) t = CYRILLIC.get(lower);
    else if (code >= 0x0370 && code <= 0x03ff) t = GREEK.get(lower);
    else if (code >= 0x0530 && code <= 0x058f) t = ARMENIAN.get(lower);
    else if (code >= 0x10a0 && code <= 0x10ff) t = GEORGIAN.get(lower);
    else if (code >= 0x0590 && code <= 0x05ff) t = HEBREW.get(lower) ?? (code >= 0x0591 && code <= 0x05c7 ? '' : undefined);
    else if (code >= 0x0600 && code <= 0x06ff) t = ARABIC.get(lower) ?? (code >= 0x064b && code <= 0x0652 ? '' : undefined);
    else if (code >= 0x3040 && code <= 0x30ff) {
      if (ch === 'ー' || ch === '・') t = ch === '・' ? ' ' : '';
      else if (ch === 'っ' || ch === 'ッ') t = '';
      else t = KANA.get(code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch);
    } else if (/\p{L}|\p{M}/u.test(ch) && !/[\u0590-\u05ff]/.test(ch)) t = anyAscii(ch);
    if (t === undefined) out += ch;
    else out += isUpper(ch) && t ? t[0]!.toUpperCase() + t.slice(1) : t;
  }
  // syllable-per-token scripts (CJK, Hangul) leave doubled and outer spaces
  return out.replace(/ {2,}/g, ' ').trim();
}
