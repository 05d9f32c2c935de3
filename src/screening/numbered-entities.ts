/**
 * Numbered entities: a company, fund or vessel name with a sequence number ("Bowne Global Solutions II", "Ocean Star 2",
 * "Kaiyo Maru No. 8") names another entity than the same name without one. Funds, special-purpose vehicles and sister
 * ships are numbered in series (Fund II follows Fund I, which was often registered without a number), so the number
 * is what tells the registered entities apart, as two different numbers already do (`numberConflictFactor`).
 *
 * Only sequence numbers count: one to three digits (Roman numerals, ordinals and number words are digits by then). A
 * longer number in a name is an identifier or a year written into it (a registry number, "Trust 2004-1"), which lists
 * and queries add or leave out freely, so it is left to the one-sided-word cost.
 */
import type { NameToken } from './name-normaliser.ts';

const SEQUENCE_NUMBER = /^[0-9]{1,3}$/;

/** Whether a token left unmatched is a sequence number (not an identifier or a year). */
export const isSequenceNumber = (t: NameToken): boolean => t.kind === 'number' && SEQUENCE_NUMBER.test(t.text);

/**
 * The sequence numbers one name carries and the other does not, when only one name has numbers left over (both having
 * different numbers is a number conflict, not this). Empty when there is no such number.
 */
export function numberOnOneSide(unmatchedA: readonly NameToken[], unmatchedB: readonly NameToken[]): string[] {
  const na = unmatchedA.filter((t) => t.kind === 'number');
  const nb = unmatchedB.filter((t) => t.kind === 'number');
  if (na.length > 0 && nb.length > 0) return [];
  return [...na, ...nb].filter(isSequenceNumber).map((t) => t.raw);
}

/** The factor for a sequence number on one name only (`factor`, noted), or 1 when there is none. */
export function numberOneSideFactor(
  ta: readonly NameToken[],
  tb: readonly NameToken[],
  usedA: readonly boolean[],
  usedB: readonly boolean[],
  factor: number,
  notes: string[],
): number {
  if (factor >= 1) return 1;
  const numbered = numberOnOneSide(
    ta.filter((_, i) => !usedA[i]),
    tb.filter((_, j) => !usedB[j]),
  );
  if (numbered.length === 0) return 1;
  notes.push(`number on one side only: ${numbered.join(' ')} (x${factor})`);
  return factor;
}
