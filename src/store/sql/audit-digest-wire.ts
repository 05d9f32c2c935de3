import type { LeafRangeDigest } from '../../audit/leaf-range-scan.ts';

/*
 * Its own module, importing types only: a digest worker loads it, and everything it loads costs each worker start-up
 * (issue 18: importing it from audit-digest-pool.ts pulled the whole audit library into every worker, +50-80 ms CPU).
 */

type CleanDigest = Extract<LeafRangeDigest, { readonly kind: 'clean' }>;
/**
 * A digest as a worker sends it: a clean one's payloads as one JSON text. Cloning one string costs a fraction of cloning
 * thousands of small objects (issue 18, measured); the leaf hashes travel as a transferred buffer.
 */
export type WireDigest = Exclude<LeafRangeDigest, CleanDigest> | (Omit<CleanDigest, 'payloads'> & { readonly payloadsJson: string });

export function toWire(d: LeafRangeDigest): WireDigest {
  if (d.kind !== 'clean') return d;
  const { payloads, ...rest } = d;
  return { ...rest, payloadsJson: JSON.stringify(payloads) };
}

/** The digest a worker sent; JSON gives back exactly the strings, nulls and objects a payload projection holds. */
export function fromWire(d: WireDigest): LeafRangeDigest {
  if (d.kind !== 'clean') return d;
  const { payloadsJson, ...rest } = d;
  return { ...rest, payloads: JSON.parse(payloadsJson) as CleanDigest['payloads'] };
}
