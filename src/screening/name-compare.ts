/**
 * Token-alignment name similarity. Both names are normalised into weighted tokens; every token pair gets a
 * similarity (exact, symbol/nickname group, initial, phonetically gated Jaro-Winkler); joined/split tokens are
 * handled by also aligning concatenations ("abdul rahman" ~ "abdulrahman") and initials ("PLA" ~ "People's
 * Liberation Army"). Pairs are chosen greedily by similarity. The score is
 *
 *     score = Σ sim·w  /  ( Σ w  +  C · min(UA, UB)  +  E · |UA − UB| )
 *
 * where w is the pair weight, UA/UB the weight of tokens left unmatched on each side. Tokens left over on
 * BOTH sides are a conflict (different given name, different surname) and cost C; tokens present on one
 * side only (an extra middle name) cost only E. Numbers must agree; conflicting legal forms cost a little.
 */
import { jaroWinkler, levenshtein } from './jaro-winkler.ts';
import { consonantSkeleton } from './phonetic-key.ts';
import { latinSkeletons, withoutJoinedArticle } from './arabic-article.ts';
import { sameByLetterReading } from './arabic-letter-readings.ts';
import { spellingSimilarity } from './spelling-similarity.ts';
import { TRANSLITERATION_SIM, transliteratedSimilarity } from './transliteration-variants.ts';
import type { NameToken, NormalisedName } from './name-normaliser.ts';
import { nameDictionaries } from './name-dictionaries.ts';
import { countryCode, isRegionName } from './country-codes.ts';
import { burmeseSyllableKey } from './burmese-romanise.ts';
import { isPinyinSyllable, looksChinese, sameSyllable, sameSyllables, syllableReadings } from './chinese-romanisation.ts';
import { differentDictionaryWords } from './dictionary-words.ts';
import { genderedForms } from './gendered-name-forms.ts';
import { patronymicForms } from './patronymic-name-forms.ts';
import { numberOneSideFactor } from './numbered-entities.ts';
import { derivedSurnames } from './derived-name-forms.ts';
import { activitySurcharge } from './activity-words.ts';
import { sameLettersComparison, sameLettersOtherSpacing } from './spacing-variants.ts';
import { abbreviationPairs } from './abbreviated-words.ts';
import { otherSoundingWords } from './other-sounding-words.ts';
import { isWritten, otherFormOfWord, pluralAcrossSpacing } from './word-forms.ts';
import { comparedAsShips } from './ship-named.ts';

/**
 * Legal-form classes (rigour's `generic`: OOO = LLC = Ltd = GmbH, AO = ZAO = PJSC = SA = AG). "Co., Ltd." is in both
 * the limited-liability and the joint-stock class: Chinese 股份有限公司, Japanese 株式会社 and Korean 주식회사 are
 * joint-stock companies that call themselves "Co., Ltd." in English (their own English registrations).
 */
const BOTH_CAPITAL_CLASSES = new Set(['coltd']);
const legalClasses = (form: string): string[] => {
  if (BOTH_CAPITAL_CLASSES.has(form)) return ['llc', 'jsc'];
  const g = nameDictionaries().legalFormGeneric.get(form);
  return g ? [g] : [];
};

function legalClassesOverlap(a: string[], b: string[]): boolean {
  const cb = b.flatMap(legalClasses);
  return a.flatMap(legalClasses).some((c) => cb.includes(c));
}

export interface NameCompareParams {
  /** Cost of a conflicting (both-sides-unmatched) token weight. */
  conflictCost: number;
  /** Cost of a one-sided extra token weight (people: extra middle names are common). */
  extraCost: number;
  /** Cost of a one-sided extra token weight for organisations, vessels and other non-person names. */
  extraCostOrg: number;
  /**
   * Cost of a one-sided word of a company or vessel name that says what the firm does (Ship Finance / Shipping, Motor
   * Spares / Motors): sister companies are named by their activity (activity-words.ts). Used instead of extraCostOrg
   * for those words when the other name is wholly matched; equal to extraCostOrg switches the rule off.
   */
  extraCostActivity: number;
  /** Minimum token similarity for a pair to count as matched. */
  minTokenSim: number;
  /** Multiplier when both names carry numbers that disagree. */
  numberConflictFactor: number;
  /**
   * Companies and vessels: multiplier when one name carries a sequence number and the other none ("Fund II" /
   * "Fund", "Ocean Star 2" / "Ocean Star"): a numbered entity is another one of a series (numbered-entities.ts).
   */
  numberOneSideFactor: number;
  /** Multiplier when both organisations have legal forms of different classes. */
  legalFormConflictFactor: number;
  /** Vessels: multiplier when only one side carries a legal form (that side is a company: the owner or manager). */
  vesselOwnerFactor: number;
  /** Organisations: multiplier when only one side names a country ("Acme (UK) Ltd"): a subsidiary elsewhere. */
  jurisdictionFactor: number;
  /** Companies and vessels: a word and its plural are different names (sister ships, sister companies). */
  distinctPlurals: boolean;
  /**
   * Companies and vessels: two different dictionary words are different names, not spelling variants (Exports /
   * Experts, Sole / Soul; dictionary-words.ts), unless they are one word's American and British spellings or share a stem.
   */
  distinctDictionaryWords: boolean;
  /**
   * Companies and vessels: two words two letters or more apart whose phonetic keys are as long but differ (as many
   * consonant sounds, other ones) are different names, not spelling variants (Karimi / Kariuki: krm / krk;
   * other-sounding-words.ts).
   */
  distinctSoundingWords: boolean;
  /**
   * People: the masculine and feminine forms of one name (Luis / Luisa, Antonio / Antonia, Ivanov / Ivanova) are names
   * of different people, not spelling variants (gendered-name-forms.ts).
   */
  distinctGenderedForms: boolean;
  /**
   * People: a given name and the English / Welsh surname made from it with -s (Owen / Owens, William / Williams) are
   * different names (patronymic-name-forms.ts).
   */
  distinctPatronymics: boolean;
  /**
   * People: a name and a surname derived from it by a suffix of two letters or more (Lind / Linder, Willis /
   * Williams, Karim / Karimov) are different names, not spelling variants (derived-name-forms.ts).
   */
  distinctDerivedNames: boolean;
  /**
   * People: a spelling-level token match (fuzzy, phonetic) counts for 1 − (1 − sim)·(1 + stretch). Most people
   * whose names are a letter or a sound apart (Willis / Williams, Tammy / Tom) are different people, so such a
   * match needs corroboration (a date of birth) to reach review; exact, nickname and initial matches are untouched.
   */
  personFuzzyStretch: number;
  /**
   * People: the same stretch for consonant-skeleton matches (Arabic or Hebrew script against Latin). Unvocalised
   * script agreeing in consonants only (محمد کمالی ~ Kamel Mohamed) is weaker evidence than the same letters.
   */
  personSkeletonStretch: number;
  /**
   * People: an unmatched CJK / Hangul syllable counts at least this weight (a syllable is a whole character of the
   * name, not a short Latin particle): `민수` ~ `Min` leaves a given-name character over. 0 keeps the token's weight.
   */
  unmatchedSyllableWeight: number;
}

export const DEFAULT_COMPARE_PARAMS: NameCompareParams = {
  conflictCost: 2.5,
  extraCost: 0.2,
  extraCostOrg: 0.5,
  extraCostActivity: 0.75,
  minTokenSim: 0.8,
  numberConflictFactor: 0.75,
  numberOneSideFactor: 0.85,
  legalFormConflictFactor: 0.92,
  vesselOwnerFactor: 0.85,
  jurisdictionFactor: 0.9,
  distinctPlurals: true,
  distinctDictionaryWords: true,
  distinctSoundingWords: true,
  // Off by default: on the held-out halves neither removed a false positive, and both can miss a listed person
  // whose name was typed in another form (a woman using her family's masculine surname abroad, a dropped -s).
  distinctGenderedForms: false,
  distinctPatronymics: false,
  distinctDerivedNames: false,
  personFuzzyStretch: 0,
  personSkeletonStretch: 0,
  unmatchedSyllableWeight: 0,
};

/**
 * Screening decides whether a name alone holds a lead for compliance (the review line), a stricter question than
 * "are these the same name" (name pairs, account matching). For people, an unmatched given or family name costs
 * more (two of three names is not enough alone; a CJK syllable left over is a whole character) and spelling-level
 * and consonant-skeleton matches are stretched (see personFuzzyStretch).
 * A hit below the line is still lifted by corroboration (an equal date of birth, nationality), so a listed person
 * whose name is misspelt or partial, with a date of birth, is reviewed. Tuned on the dev halves of the eval sets.
 */
export const SCREENING_COMPARE_PARAMS: NameCompareParams = {
  ...DEFAULT_COMPARE_PARAMS,
  extraCost: 0.25,
  personFuzzyStretch: 2,
  personSkeletonStretch: 0.2,
  unmatchedSyllableWeight: 1,
};

/** An unmatched organisation-name token naming a country or a region ("uk", "canada", "europe"): a jurisdiction qualifier. */
function isJurisdiction(t: NameToken): boolean {
  if (t.kind !== 'word') return false;
  return (
    isRegionName(t.text) || ((t.text.length >= 4 || ['uk', 'us', 'usa', 'uae', 'hk'].includes(t.text)) && countryCode(t.text) !== undefined)
  );
}

export interface TokenMatch {
  /** Query-side text (several tokens when joined). */
  a: string;
  b: string;
  similarity: number;
  how: 'exact' | 'symbol' | 'nickname' | 'initial' | 'fuzzy' | 'phonetic' | 'joined' | 'acronym' | 'skeleton' | 'romanisation' | 'reversed';
  weight: number;
}

export interface NameComparison {
  score: number;
  matches: TokenMatch[];
  unmatchedA: string[];
  unmatchedB: string[];
  notes: string[];
}

export interface TokenSim {
  sim: number;
  how: TokenMatch['how'];
}

/** Vowels with the Korean romanisation variants folded (Revised "eo"/"eu"/"ae" = McCune-Reischauer/DPRK "o"/"u"/"e"). */
const syllableVowels = (t: string): string =>
  t
    .replace(/eo/g, 'o')
    .replace(/eu/g, 'u')
    .replace(/ae/g, 'e')
    .replace(/[^aeiouy]/g, '');

/** Consonant key with voicing and the r/l liquid folded (Korean g/k, d/t, b/p, j/ch, r/l; Pinyin zh vs Wade-Giles ch). */
const syllableConsonants = (t: NameToken): string =>
  t.phonetic
    .replace(/g/g, 'k')
    .replace(/d/g, 't')
    .replace(/b/g, 'p')
    .replace(/j/g, 's')
    .replace(/r/g, 'l')
    .replace(/[aeiouy]/g, '');

/**
 * A romanised CJK / Hangul syllable matches only the same syllable in another romanisation (김 "gim" = "Kim",
 * 정 "jeong" = "Jong", 周 "zhou" = "Chou"), never a near one: "jian" / "jiang", "chen" / "cheng" are other characters
 * and other people. Two names in the original script compare syllable for syllable. Tokens of several syllables
 * meet them through joined-token alignment.
 */
function syllableSimilarity(a: NameToken, b: NameToken): TokenSim {
  // both in the original script, romanised by one system: only the same syllable is the same character
  if ((a.syllable && b.syllable) || Math.abs(a.text.length - b.text.length) > 2) return { sim: 0, how: 'phonetic' };
  const same = syllableVowels(a.text) === syllableVowels(b.text) && syllableConsonants(a) === syllableConsonants(b);
  return { sim: same ? 0.9 : 0, how: 'phonetic' };
}

/** Similarity of two single tokens (0 when not considered a match). */
export function tokenSimilarity(a: NameToken, b: NameToken): TokenSim {
  const s = directSimilarity(a, b);
  if (s.sim > 0 || a.kind !== 'word' || b.kind !== 'word' || a.text.length < 4 || b.text.length < 4) return s;
  // a word written backwards ("nituP" for "Putin"): an evasion of name screening, not a spelling variant
  if (a.text.length !== b.text.length || a.text[a.text.length - 1] !== b.text[0]) return s;
  // the whole word reversed, letter for letter: near reversals are too often other words (Arias / Sarria)
  return [...a.text].reverse().join('') === b.text ? { sim: REVERSED_SIM, how: 'reversed' } : s;
}

/** A word abbreviated with a full stop counts as an initial does for the word it stands for. */
const ABBREVIATION_SIM = 0.9;

/** A reversed word counts for a little less than the word written forwards. */
const REVERSED_SIM = 0.95;

function directSimilarity(a: NameToken, b: NameToken): TokenSim {
  if (a.text === b.text) return { sim: 1, how: a.kind === 'symbol' ? 'symbol' : 'exact' };
  if (a.kind === 'number' || b.kind === 'number') return { sim: 0, how: 'exact' };
  if (a.kind === 'symbol' || b.kind === 'symbol') {
    if (a.raw === b.raw) return { sim: 1, how: 'exact' };
    // a bare word equal to the symbol id ("pla" ~ "People's Liberation Army" -> §pla)
    if (a.kind === 'symbol' && b.kind !== 'symbol' && a.text.slice(1) === b.text) return { sim: 0.95, how: 'symbol' };
    if (b.kind === 'symbol' && a.kind !== 'symbol' && b.text.slice(1) === a.text) return { sim: 0.95, how: 'symbol' };
    // a misspelt organisation term ("Chima" vs "China") is still compared as a word
    const jr = jaroWinkler(a.raw, b.raw);
    if (jr >= 0.9 && Math.min(a.raw.length, b.raw.length) >= 4) return { sim: jr, how: 'fuzzy' };
    return { sim: 0, how: 'symbol' };
  }
  if (a.groups && b.groups && a.groups.some((g) => b.groups!.includes(g))) return { sim: 0.92, how: 'nickname' };
  if (a.kind === 'initial' || b.kind === 'initial') {
    if (a.kind === 'initial' && b.kind === 'initial') return { sim: 0, how: 'initial' };
    const [i, w] = a.kind === 'initial' ? [a, b] : [b, a];
    return w.text.startsWith(i.text) ? { sim: 0.9, how: 'initial' } : { sim: 0, how: 'initial' };
  }
  // a syllable from Myanmar script against a Latin spelling of it (BGN/PCGN vs the informal English spellings)
  if (a.burmese !== b.burmese && burmeseSyllableKey(a.text) === burmeseSyllableKey(b.text)) return { sim: 0.9, how: 'romanisation' };
  if (a.syllable || b.syllable) return syllableSimilarity(a, b);
  let ta = a.text;
  let tb = b.text;
  let how: TokenMatch['how'] = 'fuzzy';
  if (a.abjad !== b.abjad) {
    // Arabic/Hebrew script writes no short vowels: compare consonant skeletons
    ta = consonantSkeleton(ta);
    tb = consonantSkeleton(tb);
    how = 'skeleton';
    if (ta === tb || sameWithoutArticle(a, b) || sameByLetterReading(a, b)) return { sim: 0.9, how };
    return spellingSimilarity(ta, tb, a.phonetic, b.phonetic, how);
  }
  const spelt = spellingSimilarity(ta, tb, a.phonetic, b.phonetic, how);
  return spelt.sim >= TRANSLITERATION_SIM ? spelt : transliteratedSimilarity(ta, tb, a.fold ?? ta, b.fold ?? tb, spelt);
}

/**
 * An Arabic-script word with its joined article against a Latin word without it, or with the article assimilated to a
 * sun letter (arabic-article.ts): "alhkim" = "Hakim", "alsbar" = "Essabar".
 */
export function sameWithoutArticle(a: NameToken, b: NameToken): boolean {
  const [arabic, latin] = a.abjad ? [a, b] : [b, a];
  const skeleton = withoutJoinedArticle(arabic.text);
  return skeleton !== undefined && latinSkeletons(latin.text).includes(skeleton);
}

/** A Chinese syllable spelt by the other romanisation system (Wade–Giles "tung" = Pinyin "dong"). */
const ROMANISATION_SIM = 0.9;

/** Words of a name that could be Chinese syllables (people's and organisations' own words; not symbols or numbers). */
const syllableWords = (n: NormalisedName): string[] =>
  n.tokens.filter((t) => t.kind === 'word' || t.kind === 'particle').map((t) => t.text);

/** Whether a name spells Chinese syllables, once per normalised name (list names are compared many times). */
const chineseNames = new WeakMap<NormalisedName, boolean>();
export function spellsChinese(n: NormalisedName): boolean {
  let c = chineseNames.get(n);
  if (c === undefined) chineseNames.set(n, (c = looksChinese(syllableWords(n))));
  return c;
}

/**
 * Token similarity inside two names that both spell Chinese syllables (looksChinese): a single syllable matches only a
 * syllable with a shared Pinyin reading — the same syllable in the other system ("hsin" = "xin", "tung" = "dong"),
 * never a near one ("hsin" / "hsing", "chen" / "cheng" are other characters, as for names in Chinese script).
 * Words of several syllables also match the same syllables in the other system ("tsetung" = "zedong").
 */
export function chineseTokenSimilarity(a: NameToken, b: NameToken): TokenSim {
  if (a.text === b.text || a.kind === 'symbol' || b.kind === 'symbol' || a.kind === 'number' || b.kind === 'number')
    return tokenSimilarity(a, b);
  if (syllableReadings(a.text).length > 0 && syllableReadings(b.text).length > 0)
    return sameSyllable(a.text, b.text) ? { sim: ROMANISATION_SIM, how: 'romanisation' } : { sim: 0, how: 'romanisation' };
  const s = tokenSimilarity(a, b);
  if (s.sim < ROMANISATION_SIM && sameSyllables([a.text], [b.text])) return { sim: ROMANISATION_SIM, how: 'romanisation' };
  return s;
}

const rawsOf = (tokens: readonly NameToken[], u: { start: number; end: number }): string[] =>
  tokens.slice(u.start, u.end + 1).map((t) => t.raw.replace(/ /g, ''));

interface Unit {
  start: number;
  end: number; // inclusive
  text: string;
  weight: number;
  kind: 'token' | 'joined' | 'initials';
}

function realUnits(tokens: NameToken[], weights: number[]): Unit[] {
  return tokens.map((t, i) => ({ start: i, end: i, text: t.text, weight: weights[i]!, kind: 'token' as const }));
}

function joinedUnits(tokens: NameToken[], weights: number[], free: boolean[]): Unit[] {
  const out: Unit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind === 'number') continue;
    let text = tokens[i]!.raw.replace(/ /g, '');
    let w = weights[i]!;
    let initials = tokens[i]!.raw[0] ?? '';
    for (let j = i + 1; j < Math.min(tokens.length, i + 5); j++) {
      if (!free[j] && !free[i]) break;
      if (tokens[j]!.kind === 'number') break;
      text += tokens[j]!.raw.replace(/ /g, '');
      initials += tokens[j]!.raw[0] ?? '';
      w += weights[j]!;
      if (j - i < 3) out.push({ start: i, end: j, text, weight: w, kind: 'joined' });
      out.push({ start: i, end: j, text: initials, weight: w, kind: 'initials' });
    }
  }
  return out;
}

interface Pair {
  ua: Unit;
  ub: Unit;
  sim: number;
  how: TokenMatch['how'];
}

/** Two words of a person's name that are forms of one name for different people (gendered forms, -s patronymics). */
const otherPersonName = (a: string, b: string, params: NameCompareParams): boolean =>
  (params.distinctGenderedForms && genderedForms(a, b)) || (params.distinctPatronymics && patronymicForms(a, b));

/**
 * Two words of a company or vessel name, each a dictionary word, spelt differently: another word, not a typo. A generic
 * word is a symbol by then, compared as it was written ("Exports" against "Experts").
 */
const otherDictionaryWord = (a: NameToken, b: NameToken, params: NameCompareParams, vessel: boolean): boolean =>
  params.distinctDictionaryWords && isWritten(a) && isWritten(b) && differentDictionaryWords(a.raw, b.raw, vessel);

/** Two words of a company or vessel name that would match as spellings but are other words or other-sounding names. */
const otherThingWord = (a: NameToken, b: NameToken, s: TokenSim, params: NameCompareParams, vessel: boolean): boolean =>
  otherDictionaryWord(a, b, params, vessel) || (params.distinctSoundingWords && s.how === 'fuzzy' && otherSoundingWords(a, b));

/**
 * Words joined stand for one word written as two (Abdul Rahman / Abdulrahman), so the two spellings differ in a letter
 * or two, not in a word. Jaro-Winkler favours a shared beginning and end and forgives what lies between, so without
 * this a given name matched itself plus the next name ("Joaquina" ~ "Joaquin Guzman") and three words matched three
 * words with the middle one replaced ("Tactical Kittens Corporation" ~ "Tactical Missiles Corporation"): at most 2
 * edits, or 15 % of the letters.
 */
const joinedSpellingAgrees = (x: string, y: string): boolean => {
  const budget = Math.max(2, Math.round(0.15 * Math.max(x.length, y.length)));
  return levenshtein(x, y, budget) <= budget;
};

/** Joined syllables must spell the other name almost exactly ("gui hua" = "Guihua", not "shu zhen" ~ "Shusheng"). */
const joinedMin = (a: NameToken, b: NameToken): number => (a.syllable || b.syllable ? 0.97 : 0.9);

/** Candidate pairs at or above the token threshold: single tokens, then joined tokens and acronyms. */
function candidatePairs(
  ta: NormalisedName['tokens'],
  tb: NormalisedName['tokens'],
  wa: number[],
  wb: number[],
  params: NameCompareParams,
  named: 'thing' | 'person' | 'other',
  chinese: boolean,
  otherWords: string[],
  vessel = false,
): Pair[] {
  const namesOfThings = named === 'thing';
  const person = named === 'person';
  // 1. single-token pairs
  const pairs: Pair[] = [];
  for (let i = 0; i < ta.length; i++) {
    for (let j = 0; j < tb.length; j++) {
      if (namesOfThings && params.distinctPlurals && otherFormOfWord(ta[i]!, tb[j]!, vessel)) continue;
      const s = chinese ? chineseTokenSimilarity(ta[i]!, tb[j]!) : tokenSimilarity(ta[i]!, tb[j]!);
      if (s.sim < params.minTokenSim) continue;
      // the word-level rules below look only at pairs that would match as spellings (few), not at every pair
      if (s.sim < 1 && person && otherPersonName(ta[i]!.text, tb[j]!.text, params)) continue;
      if (person && params.distinctDerivedNames && (s.how === 'fuzzy' || s.how === 'phonetic') && derivedSurnames(ta, i, tb, j)) continue;
      if (s.sim < 1 && namesOfThings && otherThingWord(ta[i]!, tb[j]!, s, params, vessel)) {
        otherWords.push(`${ta[i]!.raw} / ${tb[j]!.raw}`);
        continue;
      }
      pairs.push({
        ua: { start: i, end: i, text: ta[i]!.text, weight: wa[i]!, kind: 'token' },
        ub: { start: j, end: j, text: tb[j]!.text, weight: wb[j]!, kind: 'token' },
        sim: s.sim,
        how: s.how,
      });
    }
  }
  // 2. joined tokens / acronyms, only where some tokens are still candidates for improvement
  const otherPluralJoined = (joinedText: string, last: NameToken, single: string): boolean =>
    namesOfThings && params.distinctPlurals && pluralAcrossSpacing(joinedText, last, single, vessel);
  const consider = (ua: Unit, ub: Unit, sim: number, how: Pair['how']) => {
    if (sim >= params.minTokenSim) pairs.push({ ua, ub, sim, how });
  };
  if (ta.length > 1 || tb.length > 1) {
    const freeA = ta.map(() => true);
    const freeB = tb.map(() => true);
    const ra = realUnits(ta, wa);
    const rb = realUnits(tb, wb);
    for (const ju of joinedUnits(ta, wa, freeA)) {
      for (const ub of rb) {
        if (ju.kind === 'joined') {
          const jb = tb[ub.start]!.raw.replace(/ /g, '');
          if (jb.length < 4) continue;
          const sim = jaroWinkler(ju.text, jb);
          if (chinese && sim < 1 && sameSyllables(rawsOf(ta, ju), [jb])) consider(ju, ub, ROMANISATION_SIM, 'romanisation');
          else if (sim >= joinedMin(ta[ju.start]!, tb[ub.start]!) && joinedSpellingAgrees(ju.text, jb))
            // the plural rule last: it is asked only of the few joined pairs that would match
            consider(ju, ub, otherPluralJoined(ju.text, ta[ju.end]!, jb) ? 0 : sim, 'joined');
        } else if (ju.text.length === tb[ub.start]!.text.length && ju.text === tb[ub.start]!.text && ju.text.length >= 2)
          consider(ju, ub, 0.9, 'acronym');
      }
    }
    for (const jb of joinedUnits(tb, wb, freeB)) {
      for (const ua of ra) {
        if (jb.kind === 'joined') {
          const ja = ta[ua.start]!.raw.replace(/ /g, '');
          if (ja.length < 4) continue;
          const sim = jaroWinkler(ja, jb.text);
          if (chinese && sim < 1 && sameSyllables([ja], rawsOf(tb, jb))) consider(ua, jb, ROMANISATION_SIM, 'romanisation');
          else if (sim >= joinedMin(ta[ua.start]!, tb[jb.start]!) && joinedSpellingAgrees(ja, jb.text))
            consider(ua, jb, otherPluralJoined(jb.text, tb[jb.end]!, ja) ? 0 : sim, 'joined');
        } else if (jb.text === ta[ua.start]!.text && jb.text.length >= 2) consider(ua, jb, 0.9, 'acronym');
      }
    }
  }
  return pairs;
}

/** Greedy assignment: best similarity first; a token is used by one pair at most. */
function choosePairs(pairs: Pair[], lengthA: number, lengthB: number): { chosen: Pair[]; usedA: boolean[]; usedB: boolean[] } {
  const usedA = new Array<boolean>(lengthA).fill(false);
  const usedB = new Array<boolean>(lengthB).fill(false);
  const chosen: Pair[] = [];
  // greedy: best similarity first; on ties, the pair covering more tokens
  pairs.sort(
    (x, y) => y.sim - x.sim || y.ua.end - y.ua.start + (y.ub.end - y.ub.start) - (x.ua.end - x.ua.start + (x.ub.end - x.ub.start)),
  );
  for (const p of pairs) {
    let free = true;
    for (let i = p.ua.start; i <= p.ua.end && free; i++) if (usedA[i]) free = false;
    for (let j = p.ub.start; j <= p.ub.end && free; j++) if (usedB[j]) free = false;
    if (!free) continue;
    for (let i = p.ua.start; i <= p.ua.end; i++) usedA[i] = true;
    for (let j = p.ub.start; j <= p.ub.end; j++) usedB[j] = true;
    chosen.push(p);
  }

  return { chosen, usedA, usedB };
}

/** What the names say about the kind of thing named: legal forms of different classes, a company vs a vessel, a jurisdiction. */
function formFactors(
  a: NormalisedName,
  b: NormalisedName,
  jurisdictionA: string[],
  jurisdictionB: string[],
  params: NameCompareParams,
): { factor: number; notes: string[] } {
  let factor = 1;
  const notes: string[] = [];
  const la = a.legalForms;
  const lb = b.legalForms;
  if (la.length > 0 && lb.length > 0 && !la.some((f) => lb.includes(f)) && !legalClassesOverlap(la, lb)) {
    factor *= params.legalFormConflictFactor;
    notes.push(`legal forms differ: ${la.join('/')} vs ${lb.join('/')} (x${params.legalFormConflictFactor})`);
  }
  if (comparedAsShips(a, b) && la.length > 0 !== lb.length > 0) {
    factor *= params.vesselOwnerFactor;
    notes.push(`one side is a company (${[...la, ...lb].join('/')}), not a vessel (x${params.vesselOwnerFactor})`);
  }
  if (a.schema === 'organisation' && (jurisdictionA.length === 0) !== (jurisdictionB.length === 0)) {
    factor *= params.jurisdictionFactor;
    notes.push(`country on one side only: ${[...jurisdictionA, ...jurisdictionB].join(' ')} (x${params.jurisdictionFactor})`);
  }
  return { factor, notes };
}

/** A person's spelling-level or skeleton token match, stretched away from 1 (personFuzzyStretch, personSkeletonStretch). */
function stretched(p: Pair, params: NameCompareParams): number {
  const stretch =
    p.how === 'fuzzy' || p.how === 'phonetic'
      ? params.personFuzzyStretch
      : p.how === 'skeleton' || p.how === 'romanisation'
        ? params.personSkeletonStretch
        : 0;
  return stretch > 0 ? Math.max(0, 1 - (1 - p.sim) * (1 + stretch)) : p.sim;
}

/**
 * An Arabic name's "bin X" ("son of X"; bin X bin Y for the grandfather) names the father's line, which documents and
 * lists shorten freely ("Usama bin Laden" for "Usama bin Muhammad bin Awad bin Laden"). When the other name is wholly
 * matched, a word right after "bin" (ibn and ben fold to it) left over costs what the connector costs: this returns
 * the weight to take off the one-sided extra.
 */
function nasabDiscount(tokens: readonly NameToken[], weights: readonly number[], used: readonly boolean[]): number {
  let d = 0;
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    if (used[i] || t.syllable || !prev || prev.kind !== 'particle' || (prev.text !== 'bin' && prev.text !== 'bint')) return;
    d += Math.max(0, weights[i]! - weights[i - 1]!);
  });
  return d;
}

/** The candidate pairs and a company's words abbreviated with a full stop with the word each stands for ("Comm." ~ "Commendator"). */
function withAbbreviations(pairs: Pair[], a: NormalisedName, b: NormalisedName, wa: number[], wb: number[]): Pair[] {
  const more = abbreviationPairs(a, b);
  if (more.length === 0) return pairs;
  return pairs.concat(
    more.map(([i, j]) => ({
      ua: { start: i, end: i, text: a.tokens[i]!.text, weight: wa[i]!, kind: 'token' as const },
      ub: { start: j, end: j, text: b.tokens[j]!.text, weight: wb[j]!, kind: 'token' as const },
      sim: ABBREVIATION_SIM,
      how: 'initial' as const,
    })),
  );
}

/**
 * Numbers in the two names: different numbers on both sides conflict (numberConflictFactor); for companies and vessels
 * a sequence number on one side only is another entity of a series (numbered-entities.ts). 1 when neither.
 */
function numberFactor(
  thing: boolean,
  numA: boolean,
  numB: boolean,
  ta: readonly NameToken[],
  tb: readonly NameToken[],
  usedA: readonly boolean[],
  usedB: readonly boolean[],
  params: NameCompareParams,
  notes: string[],
): number {
  if (numA && numB) {
    notes.push(`numbers differ (x${params.numberConflictFactor})`);
    return params.numberConflictFactor;
  }
  return thing && numA !== numB ? numberOneSideFactor(ta, tb, usedA, usedB, params.numberOneSideFactor, notes) : 1;
}

export function compareNormalised(
  a: NormalisedName,
  b: NormalisedName,
  params: NameCompareParams = DEFAULT_COMPARE_PARAMS,
  weightsA?: number[],
  weightsB?: number[],
): NameComparison {
  const ta = a.tokens;
  const tb = b.tokens;
  const wa = weightsA ?? ta.map((t) => t.weight);
  const wb = weightsB ?? tb.map((t) => t.weight);
  const named = a.schema === 'organisation' || a.schema === 'vessel' ? 'thing' : a.schema === 'person' ? 'person' : 'other';
  if (named === 'thing' && sameLettersOtherSpacing(a, b)) return sameLettersComparison(a, b);
  const chinese = spellsChinese(a) && spellsChinese(b);
  const otherWords: string[] = [];
  const pairs = candidatePairs(ta, tb, wa, wb, params, named, chinese, otherWords, comparedAsShips(a, b));
  const { chosen, usedA, usedB } = choosePairs(named === 'thing' ? withAbbreviations(pairs, a, b, wa, wb) : pairs, ta.length, tb.length);

  let m = 0;
  let mw = 0;
  const matches: TokenMatch[] = [];
  const person = a.schema === 'person';
  for (const p of chosen) {
    const w = (p.ua.weight + p.ub.weight) / 2;
    const sim = person ? stretched(p, params) : p.sim;
    m += sim * w;
    mw += w;
    matches.push({
      a: ta
        .slice(p.ua.start, p.ua.end + 1)
        .map((t) => t.raw)
        .join(' '),
      b: tb
        .slice(p.ub.start, p.ub.end + 1)
        .map((t) => t.raw)
        .join(' '),
      similarity: round(sim),
      how: p.how,
      weight: round(w),
    });
  }
  let ua = 0;
  let ub = 0;
  const unmatchedA: string[] = [];
  const unmatchedB: string[] = [];
  let numA = false;
  let numB = false;
  const syllableWeight = a.schema === 'person' ? params.unmatchedSyllableWeight : 0;
  const inScriptA = syllableWeight > 0 && inCjkScript(ta);
  const inScriptB = syllableWeight > 0 && inCjkScript(tb);
  ta.forEach((t, i) => {
    if (!usedA[i]) {
      ua += weighsAsSyllable(t, inScriptB) ? Math.max(wa[i]!, syllableWeight) : wa[i]!;
      unmatchedA.push(t.raw);
      if (t.kind === 'number') numA = true;
    }
  });
  tb.forEach((t, j) => {
    if (!usedB[j]) {
      ub += weighsAsSyllable(t, inScriptA) ? Math.max(wb[j]!, syllableWeight) : wb[j]!;
      unmatchedB.push(t.raw);
      if (t.kind === 'number') numB = true;
    }
  });
  const notes = otherWords.map((w) => `other words, not a spelling variant: ${w}`);
  if (mw === 0) return { score: 0, matches, unmatchedA, unmatchedB, notes };
  // country names are looked up only for organisations, and only among the tokens left over
  const org = a.schema === 'organisation';
  const jurisdictionA = org ? ta.filter((t, i) => !usedA[i] && isJurisdiction(t)).map((t) => t.raw) : [];
  const jurisdictionB = org ? tb.filter((t, j) => !usedB[j] && isJurisdiction(t)).map((t) => t.raw) : [];
  const conflict = Math.min(ua, ub);
  // one name has more words than the other: an Arabic nasab link present on one side only is a shortened name
  let extra = Math.abs(ua - ub);
  if (person && (ua === 0) !== (ub === 0)) extra -= ua === 0 ? nasabDiscount(tb, wb, usedB) : nasabDiscount(ta, wa, usedA);
  const extraCost = a.schema === 'person' ? params.extraCost : params.extraCostOrg;
  const activity = named === 'thing' ? activitySurcharge(ta, tb, wa, wb, usedA, usedB, extraCost, params.extraCostActivity, notes) : 0;
  let score = m / (mw + params.conflictCost * conflict + extraCost * extra + activity);
  score *= numberFactor(named === 'thing', numA, numB, ta, tb, usedA, usedB, params, notes);
  const f = formFactors(a, b, jurisdictionA, jurisdictionB, params);
  score *= f.factor;
  notes.push(...f.notes);
  return { score: round(Math.min(1, Math.max(0, score))), matches, unmatchedA, unmatchedB, notes };
}

/**
 * Whether an unmatched token weighs as a whole CJK character (unmatchedSyllableWeight): a syllable from CJK or Hangul
 * script, and, when the other name is written in that script, a Latin word spelling a Chinese syllable. A given
 * name's syllable is a character whichever script it is written in: "Wei Lin Na" against 琳 魏 leaves the character
 * 娜 over, as 张建成 against "Zhang Jian" leaves 成, and a two-letter "na" must not weigh less than "cheng".
 */
function weighsAsSyllable(t: NameToken, otherInScript: boolean): boolean {
  return t.syllable === true || (otherInScript && (t.kind === 'word' || t.kind === 'particle') && isPinyinSyllable(t.text));
}

/** Whether a name is written in CJK or Hangul script (its tokens are romanised syllables). */
function inCjkScript(tokens: readonly NameToken[]): boolean {
  for (const t of tokens) if (t.syllable) return true;
  return false;
}

export function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
