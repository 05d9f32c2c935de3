import { sha256Hex } from './canonical-json.ts';

/** A uniform source in [0, 1). Pure given its seed, so a decision that records the seed can be replayed draw for draw. */
export type Uniform = () => number;

/**
 * mulberry32: a 32-bit generator, small and fast, with a full 2^32 period — plenty for the few thousand draws of one
 * decision. Not cryptographic, and need not be: the seed is recorded in the decision anyway.
 */
export function seededUniform(seed: number): Uniform {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a decision: the first 32 bits of sha256(decision id), so it is derived, never chosen, and recorded. */
export const seedOf = (decisionId: string): number => parseInt(sha256Hex(decisionId).slice(0, 8), 16);

function standardNormal(u: Uniform): number {
  // Box–Muller; 1 − u() keeps the logarithm's argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 by the boost Gamma(shape + 1)·U^(1/shape). */
function gamma(shape: number, u: Uniform): number {
  if (shape < 1) return gamma(shape + 1, u) * Math.pow(1 - u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = 1 - u();
    if (Math.log(w) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** One draw from Beta(alpha, beta) as X/(X+Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
export function betaDraw(alpha: number, beta: number, u: Uniform): number {
  const x = gamma(alpha, u);
  const y = gamma(beta, u);
  return x / (x + y);
}
