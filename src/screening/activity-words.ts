/**
 * Activity words in company and vessel names. A group names its companies by what each does: "Anduvar Shipping" and
 * "Anduvar Ship Finance", "Kisumu Lakeside Motors" and "Kisumu Lakeside Motor Spares", "Crystalord" and "Crystalord
 * Systems" are companies of one family, not one company written longer or shorter. A word on one side only that says
 * what a firm does (a dictionary word: spares, finance, systems, trading) therefore costs more than the one-sided
 * extra of other words (`extraCostOrg`): it is the word that tells sister companies apart.
 *
 * Not activity words, and so at the plain cost:
 * - words that say what kind of organisation it is, how far it reaches or who owns it, which firms add to and drop
 *   from their own names ("Company", "Group", "Holdings", "International", "Global", "& Sons", "Brothers",
 *   "Partners", "Associates", "Enterprises", "Organisation", "Association");
 * - proper names and other words outside the English word list (places of registry, "(Kakamega Branch)" is an
 *   annotation removed before), and country names (`jurisdictionFactor` weighs those);
 * - numbers (`numberOneSideFactor`).
 */
import type { NameToken } from './name-normaliser.ts';
import { isDictionaryWord } from './dictionary-words.ts';
import { countryCode } from './country-codes.ts';

/** Organisation-symbol ids (rigour symbols.yml, remit-org-terms.yml) of the kind, reach or ownership of a firm. */
const STRUCTURE_SYMBOLS = new Set([
  'co',
  'grp',
  'holding',
  'intl',
  'global',
  'world',
  'bros',
  'partner',
  'associates',
  'enterprise',
  'org',
  'assoc',
]);
/** The same for words that are no symbol. */
const STRUCTURE_WORDS = new Set(['sons', 'son', 'daughters', 'family']);

/** Whether an unmatched token of a company or vessel name says what the firm does. */
export function isActivityWord(t: NameToken): boolean {
  if (t.kind === 'symbol') return !STRUCTURE_SYMBOLS.has(t.text.slice(1)) && isDictionaryWord(t.raw);
  return t.kind === 'word' && !STRUCTURE_WORDS.has(t.text) && isDictionaryWord(t.text) && countryCode(t.text) === undefined;
}

/** The activity words among one name's unmatched tokens, and their weight. */
export function activityWords(
  tokens: readonly NameToken[],
  weights: readonly number[],
  used: readonly boolean[],
): { weight: number; words: string[] } {
  let weight = 0;
  const words: string[] = [];
  tokens.forEach((t, i) => {
    if (used[i] || !isActivityWord(t)) return;
    weight += weights[i]!;
    words.push(t.raw);
  });
  return { weight, words };
}

/**
 * The extra cost of the activity words left over when one name is wholly matched and the other is not (the cost of
 * an activity word above the plain one-sided cost, times its weight); 0 when the activity cost is not above it.
 */
export function activitySurcharge(
  ta: readonly NameToken[],
  tb: readonly NameToken[],
  wa: readonly number[],
  wb: readonly number[],
  usedA: readonly boolean[],
  usedB: readonly boolean[],
  extraCost: number,
  activityCost: number,
  notes: string[],
): number {
  if (activityCost <= extraCost) return 0;
  const overA = usedA.includes(false);
  if (overA === usedB.includes(false)) return 0;
  const act = overA ? activityWords(ta, wa, usedA) : activityWords(tb, wb, usedB);
  if (act.weight === 0) return 0;
  notes.push(`activity word on one side only: ${act.words.join(' ')} (cost ${activityCost})`);
  return (activityCost - extraCost) * act.weight;
}
