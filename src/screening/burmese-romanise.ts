/**
 * Burmese (Myanmar script) to Latin, syllable by syllable, in the conventional spelling Burmese names and companies
 * use in Latin script (the BGN/PCGN 1970 system with the common rhymes "aung", "aing", "ein", "on", "un"), because
 * any-ascii spells letter by letter ("အောင်" -> "'eang" instead of "aung").
 * Sources: BGN/PCGN Romanization of Burmese (1970); Myanmar Language Commission Transcription System (MLCTS) for the
 * syllable structure (onset + medials + vowel + final with asat U+103A); Unicode Myanmar block chart U+1000–U+109F.
 * Tones (U+1037 dot below, U+1038 visarga) are not written in Latin names and are dropped.
 */

const CONSONANTS: Readonly<Record<string, string>> = {
  က: 'k',
  ခ: 'hk',
  ဂ: 'g',
  ဃ: 'g',
  င: 'ng',
  စ: 's',
  ဆ: 'hs',
  ဇ: 'z',
  ဈ: 'z',
  ည: 'ny',
  ဉ: 'ny',
  ဋ: 't',
  ဌ: 'ht',
  ဍ: 'd',
  ဎ: 'd',
  ဏ: 'n',
  တ: 't',
  ထ: 'ht',
  ဒ: 'd',
  ဓ: 'd',
  န: 'n',
  ပ: 'p',
  ဖ: 'hp',
  ဗ: 'b',
  ဘ: 'b',
  မ: 'm',
  ယ: 'y',
  ရ: 'y',
  လ: 'l',
  ဝ: 'w',
  သ: 'th',
  ဟ: 'h',
  ဠ: 'l',
  အ: '',
};

/** Independent vowels are whole syllables. */
const INDEPENDENT: Readonly<Record<string, string>> = { ဣ: 'i', ဤ: 'i', ဥ: 'u', ဦ: 'u', ဧ: 'e', ဩ: 'aw', ဪ: 'aw' };

/** Rhyme from the vowel signs (in encoding order) and the final consonant (with asat); first match wins. */
const RHYMES: readonly [vowels: string, final: string, latin: string][] = [
  ['ော', 'င', 'aung'],
  ['ေါ', 'င', 'aung'],
  ['ော', 'က', 'auk'],
  ['ေါ', 'က', 'auk'],
  ['ို', 'င', 'aing'],
  ['ို', 'က', 'aik'],
  ['ိ', 'န', 'ein'],
  ['ိ', 'မ', 'ein'],
  ['ိ', 'တ', 'eik'],
  ['ိ', 'ပ', 'eik'],
  ['ု', 'န', 'on'],
  ['ု', 'မ', 'on'],
  ['ု', 'တ', 'ok'],
  ['ု', 'ပ', 'ok'],
  ['ုံ', '', 'on'],
  ['ော', '', 'aw'],
  ['ေါ', '', 'aw'],
  ['ို', '', 'o'],
  ['', 'က', 'et'],
  ['', 'င', 'in'],
  ['', 'စ', 'it'],
  ['', 'ည', 'i'],
  ['', 'ဉ', 'in'],
  ['', 'တ', 'at'],
  ['', 'န', 'an'],
  ['', 'ပ', 'at'],
  ['', 'မ', 'an'],
  ['', 'ယ', 'e'],
  ['ံ', '', 'an'],
  ['ာ', '', 'a'],
  ['ါ', '', 'a'],
  ['ိ', '', 'i'],
  ['ီ', '', 'i'],
  ['ု', '', 'u'],
  ['ူ', '', 'u'],
  ['ေ', '', 'e'],
  ['ဲ', '', 'e'],
  ['', '', 'a'],
];

const ASAT = '\u103a';
const VIRAMA = '\u1039'; // stacked consonant: the upper one closes the previous syllable
const MEDIAL_Y = /[\u103b\u103c]/; // ya-pin, ya-yit
const MEDIAL_W = '\u103d';
const MEDIAL_H = '\u103e';
const VOWEL_SIGN = /[\u102b-\u1032\u1036]/;

interface Syllable {
  onset: string;
  medials: string;
  vowels: string;
  final: string;
}

function romaniseSyllable(s: Syllable): string {
  let onset = CONSONANTS[s.onset] ?? INDEPENDENT[s.onset] ?? '';
  if (MEDIAL_Y.test(s.medials)) onset = s.onset === 'ရ' || s.onset === 'ယ' ? 'y' : `${onset}y`;
  if (s.medials.includes(MEDIAL_H)) onset = s.onset === 'ရ' || s.onset === 'ယ' ? 'sh' : `h${onset}`;
  if (INDEPENDENT[s.onset] !== undefined && !s.vowels && !s.final) return onset;
  const w = s.medials.includes(MEDIAL_W);
  // medial w with a closing nasal/stop is the rhyme "un"/"ut" ("ထွန်း" -> "htun")
  if (w && (s.final === 'န' || s.final === 'မ')) return `${onset}un`;
  if (w && (s.final === 'တ' || s.final === 'ပ')) return `${onset}ut`;
  if (w) onset += 'w';
  for (const [vowels, final, latin] of RHYMES) if (vowels === s.vowels && final === s.final) return onset + latin;
  return `${onset}a`;
}

/** True for a letter of the Myanmar block. */
export function isBurmese(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c >= 0x1000 && c <= 0x109f;
}

/**
 * Romanises a run of Myanmar-script text. Burmese writes no spaces between the syllables of a name while Latin
 * spellings write most of them apart ("ဦးကျော်ဇော်ထွန်း" = "U Kyaw Zaw Htun"), so each syllable becomes a token;
 * the matcher's joined-token alignment covers the names Latin spellings join ("Yadanar" ~ "ya da na").
 */
export function romaniseBurmese(text: string): string {
  const chars = [...text];
  const syllables: Syllable[] = [];
  let cur: Syllable | undefined;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    if (CONSONANTS[ch] !== undefined || INDEPENDENT[ch] !== undefined) {
      // a consonant followed by asat, or stacked over the next one with virama, closes the current syllable
      if (cur && (next === ASAT || next === VIRAMA)) {
        cur.final = ch;
        i++;
        continue;
      }
      if (cur) syllables.push(cur);
      cur = { onset: ch, medials: '', vowels: '', final: '' };
    } else if (cur && (MEDIAL_Y.test(ch) || ch === MEDIAL_W || ch === MEDIAL_H)) cur.medials += ch;
    else if (cur && VOWEL_SIGN.test(ch)) cur.vowels += ch;
    // tone marks, stray signs and anything else in the block carry no Latin letters
  }
  if (cur) syllables.push(cur);
  return syllables.map(romaniseSyllable).join(' ');
}

/**
 * The Latin spellings of one Burmese syllable vary between BGN/PCGN (what `romaniseBurmese` writes) and the informal
 * spellings Myanmar people and companies use in English: aspirated initials written after or before the h ("Hkin" /
 * "Khin", "Htun" / "Tun", "Hsan" / "San", "Hpyu" / "Phyu"), and long vowels and rhymes written the English way ("Soe"
 * for -o, "Htoo" for -u, "Nee" for -i, "Mar" for -a, "Nway" / "Aye" / "Kyal" / "Lae" for -e, "Khine" for -aing, "Hlone"
 * for -on, "Htoon" for -un). This key folds those spellings of one syllable to one form; a syllable in Myanmar script
 * matches a Latin token with the same key.
 */
export function burmeseSyllableKey(token: string): string {
  let t = token
    .replace(/^(hk|kh)/, 'k')
    .replace(/^(hp|ph)/, 'p')
    .replace(/^ht/, 't')
    .replace(/^hs/, 's');
  if (/^(aye|ay|ae|eh)$/.test(t)) return 'e';
  t = t
    .replace(/(aing|ine|ain)$/, 'aing')
    .replace(/(oon|un)$/, 'un')
    .replace(/(one|own|on)$/, 'on')
    .replace(/(ek|eq|et)$/, 'et')
    .replace(/([^aeiou])(oe|o)$/, '$1o')
    .replace(/([^aeiou])(oo|u)$/, '$1u')
    .replace(/([^aeiou])(ee|i)$/, '$1i')
    .replace(/([^aeiou])(ar|a)$/, '$1a')
    .replace(/([^aeiou])(ay|ae|eh|al|e)$/, '$1e');
  return t;
}
