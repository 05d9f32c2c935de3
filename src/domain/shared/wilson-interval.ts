/** A proportion's confidence interval, both ends in [0, 1]. */
export interface Interval {
  low: number;
  high: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Wilson score interval (95 % by default) of k successes in n trials; [0,1] when n = 0. Wilson rather than the normal
 * approximation because it stays inside [0,1] and keeps its coverage for the small samples a rep or a segment has.
 */
export function wilson(k: number, n: number, z = 1.96): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: r4(Math.max(0, centre - half)), high: r4(Math.min(1, centre + half)) };
}
