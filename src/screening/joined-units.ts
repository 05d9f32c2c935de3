/**
 * The units of a name name-compare.ts pairs beyond single tokens (neighbouring words joined, their initials) and the
 * spelling rules of a joined pair (a unit against one word): how close the spellings must be, and when the pair cannot
 * form without comparing them letter by letter.
 */
import { jaroWinklerCeiling, levenshtein } from './jaro-winkler.ts';
import type { NameToken } from './name-normaliser.ts';

/**
 * Words joined stand for one word written as two (Abdul Rahman / Abdulrahman), so the two spellings differ in a letter
 * or two, not in a word. Jaro-Winkler favours a shared beginning and end and forgives what lies between, so without
 * this a given name matched itself plus the next name ("Joaquina" ~ "Joaquin Guzman") and three words matched three
 * words with the middle one replaced ("Tactical Kittens Corporation" ~ "Tactical Missiles Corporation"): at most 2
 * edits, or 15 % of the letters.
 */
export const joinedSpellingAgrees = (x: string, y: string): boolean => {
  const budget = Math.max(2, Math.round(0.15 * Math.max(x.length, y.length)));
  return levenshtein(x, y, budget) <= budget;
};

/** Joined syllables must spell the other name almost exactly ("gui hua" = "Guihua", not "shu zhen" ~ "Shusheng"). */
export const joinedMin = (a: NameToken, b: NameToken): number => (a.syllable || b.syllable ? 0.97 : 0.9);

/**
 * A joined pair whose Jaro-Winkler cannot reach its gate (jaroWinklerCeiling, no matching pass) forms no 'joined' pair:
 * it would be considered at 0 or below the token threshold. Only with a positive token threshold (0 would be
 * considered), and only below 1 (so the romanisation test, which needs a Jaro-Winkler below 1, still applies).
 */
export function belowJoinedGate(x: string, y: string, joinedLeast: number, minTokenSim: number): boolean {
  if (!(minTokenSim > 0)) return false;
  const ceiling = jaroWinklerCeiling(x, y);
  return ceiling < 1 && ceiling < Math.max(joinedLeast, minTokenSim);
}

/** A token's raw text without spaces (the form its joined pairs compare). */
export const unspacedRaw = (t: NameToken): string => (t.raw.includes(' ') ? t.raw.replace(/ /g, '') : t.raw);

/** Tokens start..end of a name as one unit of a pair: one token, neighbours joined, or their initials. */
export interface Unit {
  start: number;
  end: number; // inclusive
  text: string;
  weight: number;
  kind: 'token' | 'joined' | 'initials';
}

/** Every token as a unit of its own. */
export function realUnits(tokens: NameToken[], weights: number[]): Unit[] {
  return tokens.map((t, i) => ({ start: i, end: i, text: t.text, weight: weights[i]!, kind: 'token' as const }));
}

/** Two to five neighbouring tokens (no number among them): joined (up to four) and as initials. */
export function joinedUnits(tokens: NameToken[], weights: number[], free: boolean[]): Unit[] {
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
