/**
 * Re-routing after an SLA miss reuses the routing decision with an exclusion list: first without any rep
 * who missed on this lead; then without the rep who just missed (`lastRep`), so an earlier rep may come
 * back but never the same rep twice in a row; back to `lastRep` only when nobody else is eligible.
 */
export function rerouteExclusions(missedBy: readonly string[], lastRep?: string): readonly (readonly string[])[] {
  const unique = [...new Set(lastRep === undefined ? missedBy : [...missedBy, lastRep])];
  if (unique.length === 0) return [[]];
  return lastRep === undefined || unique.length === 1 ? [unique, []] : [unique, [lastRep], []];
}

export interface RerouteOutcome<R> {
  readonly result: R;
  readonly excluded: readonly string[];
  /** True when no other rep was eligible and the lead went back to the pool including those who missed. */
  readonly fellBackToMissed: boolean;
}

/**
 * Runs `decideWith` with each exclusion list in turn and keeps the first that assigns. Pure when
 * `decideWith` is (e.g. `(exclude) => decide({ ...input, exclude })`). The last attempt's result is
 * returned when none assigns (a refusal / queue outcome to record).
 */
export function rerouteWithExclusions<R>(
  missedBy: readonly string[],
  decideWith: (exclude: readonly string[]) => R,
  assigned: (result: R) => boolean,
  lastRep?: string,
): RerouteOutcome<R> {
  const attempts = rerouteExclusions(missedBy, lastRep);
  let last: RerouteOutcome<R> | null = null;
  for (const [i, exclude] of attempts.entries()) {
    const result = decideWith(exclude);
    last = { result, excluded: exclude, fellBackToMissed: i > 0 };
    if (assigned(result)) return last;
  }
  return last!;
}
