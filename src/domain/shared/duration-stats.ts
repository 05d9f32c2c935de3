/** Nearest-rank summary of durations in ms (p50 is the median). */
export interface DurationStats {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly max: number | null;
}

export function durationStats(values: readonly number[]): DurationStats {
  if (values.length === 0) return { count: 0, p50: null, p90: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { count: sorted.length, p50: rank(0.5), p90: rank(0.9), max: sorted.at(-1)! };
}
