/**
 * Whether two word texts read as Chinese syllables, and whether they share a reading, cached across screenings by the
 * texts (docs/performance.md, lane scale8). Inside names that both spell Chinese this decides the token pair
 * (name-compare.ts `chineseTokenSimilarity`), and the same few hundred syllables recur from query to query, while a
 * screening's own memo (name-score-bound.ts `TokenPairMemo`) starts empty with each query's new tokens. The answer
 * depends on the two texts alone. Bounded: emptied when full, so a long-running server's memory stays capped.
 */
import { sameSyllable, syllableReadings } from './chinese-romanisation.ts';

/** The two texts: not both syllables (their pair is compared otherwise), other syllables, or the same syllable. */
export type SyllablePair = 'not-syllables' | 'other' | 'same';

const DEFAULT_LIMIT = 100_000;
let limit = DEFAULT_LIMIT;
let size = 0;
const pairs = new Map<string, Map<string, SyllablePair>>();

export function syllablePair(a: string, b: string): SyllablePair {
  let row = pairs.get(a);
  const known = row?.get(b);
  if (known !== undefined) return known;
  const answer: SyllablePair =
    syllableReadings(a).length === 0 || syllableReadings(b).length === 0 ? 'not-syllables' : sameSyllable(a, b) ? 'same' : 'other';
  if (size >= limit) {
    pairs.clear();
    size = 0;
    row = undefined;
  }
  if (limit > 0) {
    if (!row) pairs.set(a, (row = new Map()));
    row.set(b, answer);
    size++;
  }
  return answer;
}

/** For tests: empty the cache and cap it at `entries` pairs (0 turns it off; no argument restores the default). */
export function resetSyllablePairCache(entries = DEFAULT_LIMIT): void {
  pairs.clear();
  size = 0;
  limit = entries;
}
