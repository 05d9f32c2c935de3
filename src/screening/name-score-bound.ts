/**
 * A cheap upper bound on `compareNormalised(a, b, params).score` (name-compare.ts), so screening can skip the full
 * comparison of a candidate name that cannot change the result (screening-engine.ts, docs/performance.md).
 *
 * The score is Σ sim·w / (mw + C·min(UA, UB) + E·extra) × factors, with every chosen pair's sim ≤ 1, mw the matched
 * weight ((matched weight of A + matched weight of B) / 2), UA / UB at least the weight of the tokens left unmatched,
 * extra ≥ 0. A token no pair can cover stays unmatched whatever the greedy choice, so with UA*, UB* the weights of
 * such tokens and M = (WA − UA* + WB − UB*) / 2 ≥ mw:
 *
 *     score ≤ mw / (mw + C·min(UA, UB)) ≤ M / (M + C·min(UA*, UB*))
 *
 * A token "can be covered" when some pair that candidatePairs could form contains it: a single-token pair whose
 * tokenSimilarity reaches minTokenSim (the word-level exclusions only remove pairs, so they are ignored), a joined
 * unit whose length is within the spelling budget of the other token (joinedSpellingAgrees bounds the edit
 * distance, and so the length difference), or an acronym equal to the other token. Between two names that both spell
 * Chinese syllables the comparison's own single-token similarity decides, and a joined unit also covers a word that
 * spells the same syllables (romanisation pairs ignore lengths; a syllable count rules most out). Parameters outside
 * their usual ranges get no bound (1).
 */
import {
  chineseTokenSimilarity,
  round,
  sameWithoutArticle,
  spellsChinese,
  tokenSimilarity,
  type NameCompareParams,
} from './name-compare.ts';
import { sameSyllables, syllableSplits } from './chinese-romanisation.ts';
import { jaroWinkler, levenshtein } from './jaro-winkler.ts';
import { consonantSkeleton } from './phonetic-key.ts';
import { sameByLetterReading } from './arabic-letter-readings.ts';
import { foldsComparable } from './transliteration-variants.ts';
import type { NameToken, NormalisedName } from './name-normaliser.ts';
import { abbreviationPairs } from './abbreviated-words.ts';
import { sameLettersOtherSpacing } from './spacing-variants.ts';

/** Names with more tokens than a coverage bit set holds get no bound. */
const MAX_TOKENS = 30;

/** Slack for floating-point rounding in the bound's arithmetic (scores are rounded to 4 decimals). */
const EPSILON = 1e-9;

/** Parameters the bound's argument holds for: non-negative costs, similarities and weights. */
function boundable(p: NameCompareParams): boolean {
  return p.conflictCost >= 0 && p.extraCost >= 0 && p.extraCostOrg >= 0 && p.minTokenSim > 0;
}

/** The product of the multiplicative factors above 1 (a factor ≤ 1 only lowers the score). */
function factorCeiling(p: NameCompareParams): number {
  const above = (x: number) => (x > 1 ? x : 1);
  return above(p.numberConflictFactor) * above(p.legalFormConflictFactor) * above(p.vesselOwnerFactor) * above(p.jurisdictionFactor);
}

const compact = (t: NameToken): string => (t.raw.includes(' ') ? t.raw.replace(/ /g, '') : t.raw);

/**
 * Whether a joined text could pair with a token: candidatePairs keeps a joined pair only when its Jaro-Winkler
 * similarity reaches joinedMin (0.9 or more) and minTokenSim and the spellings agree within the edit budget.
 */
function joinedCouldPair(joined: string, token: string, minTokenSim: number): boolean {
  if (token.length < 4) return false;
  const budget = Math.max(2, Math.round(0.15 * Math.max(joined.length, token.length)));
  if (Math.abs(joined.length - token.length) > budget) return false;
  const least = Math.max(JOINED_MIN, minTokenSim);
  return jaroWinklerCeiling(joined, token) >= least && jaroWinkler(joined, token) >= least && levenshtein(joined, token, budget) <= budget;
}

/** The lowest joinedMin of name-compare (0.97 for CJK syllables). */
const JOINED_MIN = 0.9;

/**
 * Coverage (bit i: token i) of `tokens` and `other` after the pairs of a unit of `tokens` (joined neighbours,
 * initials: as name-compare's joinedUnits forms them) with a single token of `other` (candidatePairs forms these
 * pairs both ways round with the same tests). A pair whose tokens are all covered already is not tested.
 */
function markJoined(
  tokens: readonly NameToken[],
  other: readonly NameToken[],
  cover: Coverage,
  minTokenSim: number,
  chinese: boolean,
): Coverage {
  let { t: coverT, o: coverO } = cover;
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    if (tokens[i]!.kind === 'number') continue;
    let length = compactLength(tokens[i]!);
    for (let j = i + 1; j < Math.min(n, i + 5); j++) {
      if (tokens[j]!.kind === 'number') break;
      length += compactLength(tokens[j]!);
      const unit = ((1 << (j + 1)) - 1) & ~((1 << i) - 1);
      for (let k = 0; k < other.length; k++) {
        if ((coverT & unit) === unit && (coverO >>> k) & 1) continue;
        const ok = other[k]!;
        // the texts are built only for pairs whose lengths could agree
        const acronym = ok.text.length >= 2 && ok.text.length <= j - i + 1 && initialsOf(tokens, i, j) === ok.text;
        const okLength = compactLength(ok);
        const joined =
          !acronym &&
          j - i < 3 &&
          okLength >= 4 &&
          ((lengthsAgree(length, okLength) && joinedCouldPair(joinedText(tokens, i, j), compact(ok), minTokenSim)) ||
            (chinese && sameSyllablesAsWord(tokens, i, j, compact(ok))));
        if (!acronym && !joined) continue;
        coverT |= unit;
        coverO |= 1 << k;
      }
    }
  }
  return { t: coverT, o: coverO };
}

/**
 * Whether tokens i..j could spell the same Chinese syllables as one word (name-compare's romanisation pair of a joined
 * unit, whatever the lengths: "tse tung" ~ "zedong"). The word must split into as many syllables as the unit has at
 * least (each word of it at least its shortest split): most units fail that count without combining readings.
 */
function sameSyllablesAsWord(tokens: readonly NameToken[], i: number, j: number, word: string): boolean {
  let most = 0;
  for (const split of syllableSplits(word)) most = Math.max(most, split.length);
  if (most === 0) return false; // the word spells no syllables (most words of other names)
  let least = 0;
  for (let x = i; x <= j; x++) least += fewestSyllables(compact(tokens[x]!));
  if (most < least) return false;
  const unit: string[] = [];
  for (let x = i; x <= j; x++) unit.push(compact(tokens[x]!));
  return sameSyllables(unit, [word]);
}

/** The fewest syllables a word splits into (0 when it does not split: sameSyllables then fails anyway). */
function fewestSyllables(word: string): number {
  let least = Infinity;
  for (const split of syllableSplits(word)) least = Math.min(least, split.length);
  return least === Infinity ? 0 : least;
}

const compactLength = (t: NameToken): number => (t.raw.includes(' ') ? compact(t).length : t.raw.length);

/** joinedUnits' texts: the tokens i..j without spaces, and their initials. */
function joinedText(tokens: readonly NameToken[], i: number, j: number): string {
  let text = '';
  for (let x = i; x <= j; x++) text += compact(tokens[x]!);
  return text;
}

function initialsOf(tokens: readonly NameToken[], i: number, j: number): string {
  let initials = '';
  for (let x = i; x <= j; x++) initials += tokens[x]!.raw[0] ?? '';
  return initials;
}

/** The edit budget of joinedSpellingAgrees allows this length difference. */
function lengthsAgree(x: number, y: number): boolean {
  return Math.abs(x - y) <= Math.max(2, Math.round(0.15 * Math.max(x, y)));
}

/** Which tokens of the two sides some pair could cover (bit i: token i). */
export interface Coverage {
  readonly t: number;
  readonly o: number;
}

/** Letters of a text as a 32-bit set (code points folded mod 32: a superset of the letters, never a subset). */
function letterSet(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) & 31);
  return m;
}

/** Positions of `s` whose letter is in the set `other`. */
function lettersIn(s: string, other: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if ((other >>> (s.charCodeAt(i) & 31)) & 1) n++;
  return n;
}

/**
 * An upper bound on jaroWinkler(a, b) (jaro-winkler.ts) without its matching pass: Jaro's matches m pair a letter of
 * a with the same letter of b, so m is at most the number of a's letters found anywhere in b (and the same the other
 * way round); jaro = (m/|a| + m/|b| + (m − t/2)/m) / 3 ≤ (m/|a| + m/|b| + 1) / 3, and Winkler adds prefix·0.1·(1 − jaro)
 * with the exact common prefix (at most 4).
 */
export function jaroWinklerCeiling(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const m = Math.min(lettersIn(a, letterSet(b)), lettersIn(b, letterSet(a)));
  if (m === 0) return 0;
  const jaro = (m / la + m / lb + 1) / 3;
  let prefix = 0;
  const max = Math.min(4, la, lb);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return Math.min(1, jaro + prefix * 0.1 * (1 - jaro) + EPSILON);
}

/**
 * Whether tokenSimilarity(a, b) could reach `minTokenSim` (false only when it cannot). Its routes, in its order:
 * equal text; numbers match only equal text; a symbol matches its raw text, its id, or a raw spelling with
 * Jaro-Winkler ≥ 0.9; a shared nickname group; an initial the other word starts with; Burmese syllable keys; a
 * romanised CJK syllable only against a non-syllable token at most 2 letters longer or shorter; Arabic or Hebrew script
 * against Latin by consonant skeletons, and any two words by spelling — Jaro-Winkler ≥ 0.7 (the lowest gate of its
 * spelling rules) or an edit distance ≤ 2 between words of 5 or more letters, as written or with other languages'
 * transliteration conventions folded (transliteration-variants.ts); and a word written backwards. A cheap
 * test rules a route out (jaroWinklerCeiling, letter counts, lengths); a pair with a route left is compared by
 * tokenSimilarity itself.
 */
export function couldPair(a: NameToken, b: NameToken, minTokenSim: number): boolean {
  if (a.text === b.text) return true;
  if (!routeOpen(a, b)) return false;
  return tokenSimilarity(a, b).sim >= minTokenSim;
}

/** couldPair inside two names that both spell Chinese syllables: their comparison uses chineseTokenSimilarity. */
function couldPairChinese(a: NameToken, b: NameToken, minTokenSim: number): boolean {
  return a.text === b.text || chineseTokenSimilarity(a, b).sim >= minTokenSim;
}

function routeOpen(a: NameToken, b: NameToken): boolean {
  if (a.kind === 'number' || b.kind === 'number') return false;
  if (a.kind === 'symbol' || b.kind === 'symbol') {
    if (a.raw === b.raw || (a.kind === 'symbol') !== (b.kind === 'symbol')) return true;
    return Math.min(a.raw.length, b.raw.length) >= 4 && jaroWinklerCeiling(a.raw, b.raw) >= SYMBOL_SPELLING_GATE;
  }
  if (a.groups && b.groups && a.groups.some((g) => b.groups!.includes(g))) return true;
  if (a.kind === 'initial' || b.kind === 'initial') return true;
  if (a.burmese !== b.burmese) return true;
  if (a.syllable || b.syllable) return (!(a.syllable && b.syllable) && Math.abs(a.text.length - b.text.length) <= 2) || reversible(a, b);
  if (a.abjad !== b.abjad) {
    const sa = consonantSkeleton(a.text);
    const sb = consonantSkeleton(b.text);
    return sa === sb || spellingRouteOpen(sa, sb) || reversible(a, b) || sameWithoutArticle(a, b) || sameByLetterReading(a, b);
  }
  return spellingRouteOpen(a.text, b.text) || transliteratedRouteOpen(a, b);
}

/** tokenSimilarity's second look with other languages' transliteration conventions folded could pass. */
function transliteratedRouteOpen(a: NameToken, b: NameToken): boolean {
  const fa = a.fold ?? a.text;
  const fb = b.fold ?? b.text;
  if (fa === a.text && fb === b.text) return false;
  return fa === fb || (foldsComparable(fa, fb) && spellingRouteOpen(fa, fb));
}

/** tokenSimilarity's reversal test could pass: two words of 4+ letters, equally long, one's last letter the other's first. */
const reversible = (a: NameToken, b: NameToken): boolean =>
  a.kind === 'word' &&
  b.kind === 'word' &&
  a.text.length >= 4 &&
  a.text.length === b.text.length &&
  a.text[a.text.length - 1] === b.text[0];

/** A misspelt organisation term ("Chima" vs "China") is compared as a word from this Jaro-Winkler on. */
const SYMBOL_SPELLING_GATE = 0.9;

/** Jaro-Winkler could reach 0.7, or the words could be two edits apart (directSimilarity's Levenshtein routes). */
function spellingRouteOpen(x: string, y: string): boolean {
  if (jaroWinklerCeiling(x, y) >= SPELLING_GATE) return true;
  if (Math.min(x.length, y.length) < 5 || Math.abs(x.length - y.length) > 2) return false;
  // two edits leave at least |x| − 2 of x's letters in y, and |y| − 2 of y's in x
  return lettersIn(x, letterSet(y)) >= x.length - 2 && lettersIn(y, letterSet(x)) >= y.length - 2;
}

/** The lowest Jaro-Winkler any of directSimilarity's spelling rules accepts (phonetic keys equal and jw ≥ 0.7). */
const SPELLING_GATE = 0.7;

/** Total weight of a name's tokens, or of those not covered (bit i: token i); NaN when a weight is negative. */
function weightOf(tokens: readonly NameToken[], covered = 0): number {
  let w = 0;
  for (let i = 0; i < tokens.length; i++) {
    const x = tokens[i]!.weight;
    if (!(x >= 0)) return NaN;
    if (!((covered >>> i) & 1)) w += x;
  }
  return w;
}

/**
 * The one-sided extra cost per unit of weight the comparison charges, when it may take part in the bound: raising an
 * unmatched weight then never lowers the penalty (conflicts cost at least what extras do), so the penalty at the
 * uncovered weights is the least one. 0 (no extra term) otherwise.
 */
function extraCostFloor(a: NormalisedName, b: NormalisedName, params: NameCompareParams): number {
  const e = a.schema === 'person' ? params.extraCost : params.extraCostOrg;
  // a person's unmatched CJK syllables may count more than their weight: UA − UB is then unknown
  const syllables = a.schema === 'person' && params.unmatchedSyllableWeight > 0 && (hasSyllable(a.tokens) || hasSyllable(b.tokens));
  return e >= 0 && params.conflictCost >= e && !syllables ? e : 0;
}

function hasSyllable(tokens: readonly NameToken[]): boolean {
  for (const t of tokens) if (t.syllable) return true;
  return false;
}

/** The least one-sided extra: |UA − UB| less the most an Arabic "bin X" on either side can take off (nasabDiscount). */
function extraFloor(a: NormalisedName, b: NormalisedName, leftA: number, leftB: number): number {
  const discount = a.schema === 'person' ? Math.max(nasabCeiling(a.tokens), nasabCeiling(b.tokens)) : 0;
  return Math.max(0, Math.abs(leftA - leftB) - discount);
}

/** The most name-compare's nasabDiscount can take off for these tokens (every word after "bin" / "bint" unmatched). */
function nasabCeiling(tokens: readonly NameToken[]): number {
  let d = 0;
  for (let i = 1; i < tokens.length; i++) {
    const prev = tokens[i - 1]!;
    if (tokens[i]!.syllable || prev.kind !== 'particle' || (prev.text !== 'bin' && prev.text !== 'bint')) continue;
    d += Math.max(0, tokens[i]!.weight - prev.weight);
  }
  return d;
}

/**
 * What one list token can cover of one query name, within one screening: `pair`, the query tokens it could pair with
 * as single tokens; `joined`, the query tokens of the query's units (joined neighbours, initials) it could pair with.
 * Bit i: query token i.
 */
interface TokenCover {
  readonly pair: number;
  readonly joined: number;
}

/**
 * The list tokens' covers of each query name within one screening. Candidates share most of their tokens (that is why
 * they are candidates), and list names share one token object per distinct token (name-index.ts), so what a list
 * token can cover of the query is worked out once, on first sight, and the bound's pair loop and its pass over the
 * query's units become one look-up per list token. Two tables per query name: for names that both spell Chinese
 * syllables (their own token similarity) and for the rest.
 */
export class TokenPairMemo {
  private readonly tables = new Map<NormalisedName, readonly [Map<NameToken, TokenCover>, Map<NameToken, TokenCover>]>();
  readonly minTokenSim: number;

  constructor(minTokenSim: number) {
    this.minTokenSim = minTokenSim;
  }

  /** The table of query name `a` (looked up once per candidate, not once per token). */
  table(a: NormalisedName, chinese: boolean): Map<NameToken, TokenCover> {
    let both = this.tables.get(a);
    if (!both) this.tables.set(a, (both = [new Map(), new Map()]));
    return both[chinese ? 1 : 0];
  }

  /** What list token `y` can cover of `a`'s tokens; `table` is table(a, chinese). */
  cover(table: Map<NameToken, TokenCover>, a: readonly NameToken[], y: NameToken, chinese: boolean): TokenCover {
    let known = table.get(y);
    if (!known) table.set(y, (known = tokenCover(a, y, this.minTokenSim, chinese)));
    return known;
  }
}

/** What token `y` of another name can cover of `tokens`: the pairs of the bound's pair loop and of markJoined. */
function tokenCover(tokens: readonly NameToken[], y: NameToken, minTokenSim: number, chinese: boolean): TokenCover {
  let pair = 0;
  for (let i = 0; i < tokens.length; i++) if (pairs(tokens[i]!, y, minTokenSim, chinese)) pair |= 1 << i;
  const joined = tokens.length > 1 ? markJoined(tokens, [y], { t: 0, o: 0 }, minTokenSim, chinese).t : 0;
  return { pair, joined };
}

/** Whether a single-token pair could reach minTokenSim (between two Chinese names, by their own similarity). */
const pairs = (x: NameToken, y: NameToken, minTokenSim: number, chinese: boolean): boolean =>
  chinese ? couldPairChinese(x, y, minTokenSim) : couldPair(x, y, minTokenSim);

/**
 * An upper bound on compareNormalised(a, b, params).score, rounded as that score is (so never below it). A memo made
 * for the same minTokenSim answers from what it knows of b's tokens against a (a, the query name, must keep its
 * tokens while the memo is used).
 */
export function nameScoreBound(a: NormalisedName, b: NormalisedName, params: NameCompareParams, memo?: TokenPairMemo): number {
  if (!boundable(params)) return 1;
  // The comparison's company / vessel rules that raise a score beyond token similarity (name-compare.ts): the same
  // letters with other spacing are one name, and a word abbreviated with a full stop pairs with the word it shortens.
  const thing = a.schema === 'organisation' || a.schema === 'vessel';
  if (thing && sameLettersOtherSpacing(a, b)) return 1;
  if (a.tokens.length > MAX_TOKENS || b.tokens.length > MAX_TOKENS) return 1;
  const cover = boundCoverage(a, b, params.minTokenSim, memo);
  return boundAt(a, b, cover.t, cover.o, params);
}

/**
 * Which tokens of a (t) and b (o) some pair could cover: the single-token pairs, the joined units and initials of
 * either side, and a company's or vessel's abbreviations. With a memo made for minTokenSim, b's tokens are looked up
 * in a's table instead of paired with each of a's tokens; the answer is the same (the test holds both to it).
 */
export function boundCoverage(a: NormalisedName, b: NormalisedName, minTokenSim: number, memo?: TokenPairMemo): Coverage {
  const ta = a.tokens;
  const tb = b.tokens;
  let coverA = 0;
  let coverB = 0;
  const chinese = spellsChinese(a) && spellsChinese(b);
  if (a.schema === 'organisation' || a.schema === 'vessel')
    for (const [i, j] of abbreviationPairs(a, b)) {
      coverA |= 1 << i;
      coverB |= 1 << j;
    }
  const several = ta.length > 1 || tb.length > 1;
  if (memo?.minTokenSim === minTokenSim) {
    // the pair loop and markJoined(ta, tb) by table: every pair either asks, whatever the order
    const table = memo.table(a, chinese);
    for (let j = 0; j < tb.length; j++) {
      const c = memo.cover(table, ta, tb[j]!, chinese);
      const covers = c.pair | c.joined; // joined is 0 for a one-token query
      if (covers === 0) continue;
      coverA |= covers;
      coverB |= 1 << j;
    }
  } else {
    for (let i = 0; i < ta.length; i++)
      for (let j = 0; j < tb.length; j++) {
        if ((coverA >>> i) & 1 && (coverB >>> j) & 1) continue;
        if (pairs(ta[i]!, tb[j]!, minTokenSim, chinese)) {
          coverA |= 1 << i;
          coverB |= 1 << j;
        }
      }
    if (several) {
      const ab = markJoined(ta, tb, { t: coverA, o: coverB }, minTokenSim, chinese);
      coverA = ab.t;
      coverB = ab.o;
    }
  }
  if (!several) return { t: coverA, o: coverB };
  const ba = markJoined(tb, ta, { t: coverB, o: coverA }, minTokenSim, chinese);
  return { t: ba.o, o: ba.t };
}

/** The bound when the tokens outside `coverA` / `coverB` (bit i: token i) stay unmatched. */
function boundAt(a: NormalisedName, b: NormalisedName, coverA: number, coverB: number, params: NameCompareParams): number {
  const weightA = weightOf(a.tokens);
  const weightB = weightOf(b.tokens);
  const leftA = weightOf(a.tokens, coverA);
  const leftB = weightOf(b.tokens, coverB);
  if (!(weightA >= 0 && weightB >= 0)) return 1; // a negative weight: no bound
  if (coverA === 0) return 0; // no pair at all: the comparison scores 0
  const matched = (weightA - leftA + weightB - leftB) / 2;
  const penalty = params.conflictCost * Math.min(leftA, leftB) + extraCostFloor(a, b, params) * extraFloor(a, b, leftA, leftB);
  const bound = (matched / (matched + penalty)) * factorCeiling(params);
  return Number.isFinite(bound) ? Math.min(1, round(bound + EPSILON)) : 1;
}
