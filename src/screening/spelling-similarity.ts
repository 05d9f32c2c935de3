/**
 * Two spellings of one word (name-compare.ts `tokenSimilarity`): Jaro-Winkler, gated by phonetic keys so that words
 * alike in letters but not in sound stay apart ("Olaf" / "Octavian"), or an edit or two in a long word.
 */
import { jaroWinkler, levenshtein } from './jaro-winkler.ts';

export interface SpellingSim {
  sim: number;
  how: 'fuzzy' | 'phonetic' | 'skeleton';
}

/** The spellings `ta` / `tb` with phonetic keys `pa` / `pb`; `how` names a match that is not by sound alone. */
export function spellingSimilarity(ta: string, tb: string, pa: string, pb: string, how: 'fuzzy' | 'skeleton'): SpellingSim {
  const jw = jaroWinkler(ta, tb);
  const minLen = Math.min(ta.length, tb.length);
  if (jw >= 0.92 && minLen >= 3) return { sim: jw, how };
  if (pa === pb && pa.length >= 2 && jw >= 0.7) return { sim: Math.max(jw, 0.88), how: 'phonetic' };
  if (jw >= 0.87 && Math.min(pa.length, pb.length) >= 2 && levenshtein(pa, pb, 1) <= 1) return { sim: jw, how };
  if (minLen >= 5) {
    const d = levenshtein(ta, tb, 2);
    if (d <= 1) return { sim: Math.max(jw, 0.86), how: 'fuzzy' };
    if (d <= 2 && minLen >= 8) return { sim: Math.max(jw, 0.85), how: 'fuzzy' };
  }
  return { sim: 0, how };
}
