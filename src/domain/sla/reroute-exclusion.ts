/**
 * Re-routing after an SLA miss reuses the routing decision with an exclusion list: first without any rep
 * who missed on this lead; back to them only when nobody else is eligible.
 */
export function rerouteExclusions(missedBy: readonly string[]): readonly (readonly string[])[] {
  const unique = [...new Set(missedBy)];
  return unique.length === 0 ? [[]] : [unique, []];
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
): RerouteOutcome<R> {
  const attempts = rerouteExclusions(missedBy);
  let last: RerouteOutcome<R> | null = null;
  for (const [i, exclude] of attempts.entries()) {
    const result = decideWith(exclude);
    last = { result, excluded: exclude, fellBackToMissed: i > 0 };
    if (assigned(result)) return last;
  }
  return last!;
}
