/**
 * Script-to-Latin transliteration for name matching (not a publication-grade romanisation):
 * Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Kazakh, Mongolian letters), Greek, Armenian, Georgian,
 * Hebrew, Arabic/Persian/Urdu (consonant skeleton plus long vowels), Hangul (algorithmic), and Japanese kana.
 * Other scripts pass through unchanged, so same-script names still compare with each other.
 * Latin diacritics are stripped by the normaliser afterwards (NFKD).
 */

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

const HEBREW = table(`
א= ב=b ג=g ד=d ה=h ו=v ז=z ח=kh ט=t י=y כ=k ך=k ל=l מ=m ם=m נ=n ן=n ס=s ע= פ=p ף=f צ=ts ץ=ts ק=k ר=r ש=sh ת=t
`);

// Arabic script: consonants; long vowels alif/waw/ya become a/u/i (short vowels are not written).
const ARABIC = table(`
ا=a أ=a إ=i آ=a ٱ=a ب=b ت=t ث=th ج=j ح=h خ=kh د=d ذ=dh ر=r ز=z س=s ش=sh ص=s ض=d ط=t ظ=z ع= غ=gh ف=f ق=q ك=k
ل=l م=m ن=n ه=h ة=a و=u ي=i ى=a ئ= ؤ= ء= پ=p چ=ch ژ=zh گ=g ک=k ی=i ٹ=t ڈ=d ڑ=r ں=n ھ=h ے=e
`);

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

/** True when the text contains letters of a script we transliterate. */
export function needsTransliteration(s: string): boolean {
  return /[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u10a0-\u10ff\u3040-\u30ff\uac00-\ud7a3]/.test(s);
}

/** True when the text is (mostly) in an abjad (Arabic, Hebrew) where short vowels are not written. */
export function isAbjad(s: string): boolean {
  return /[\u0590-\u06ff]/.test(s);
}

export function transliterate(input: string): string {
  if (!needsTransliteration(input)) return input;
  let out = '';
  const text = input.replace(/ու/g, 'u').replace(/Ու|ՈՒ/g, 'U');
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x370) {
      out += ch;
      continue;
    }
    if (code >= 0xac00 && code <= 0xd7a3) {
      out += hangul(code);
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
    }
    if (t === undefined) out += ch;
    else out += isUpper(ch) && t ? t[0]!.toUpperCase() + t.slice(1) : t;
  }
  // Arabic "ال" article written joined to the noun: "السيسي" -> "al sisi"
  return out;
}
