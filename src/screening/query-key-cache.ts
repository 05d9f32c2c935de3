/**
 * A query token's index keys resolved to key numbers, cached per index (name-index.ts `candidates`). Building a
 * token's keys (its deletions, phonetic key, skeleton) and looking each up in the key map was ~40 % of candidate
 * generation, and queries repeat tokens (given names, family names, particles). The cached form keeps the keys in
 * the order and multiplicity nameKeys gives them, so credits add up in the same order (docs/performance.md).
 */
import type { NameToken } from './name-normaliser.ts';

/** A token's keys: key number (−1 when no indexed name holds it), credit factor, and whether it is an exact (t:) key. */
export interface ResolvedKeys {
  readonly kids: readonly number[];
  readonly factors: readonly number[];
  readonly exact: readonly boolean[];
}

/** Tokens cached at most; the cache is emptied when full (distinct query tokens are unbounded, the common ones return). */
const MAX_TOKENS = 100_000;

/** A cached token: the fields tokenKeys reads besides the text, and its keys. */
interface Cached {
  readonly kind: NameToken['kind'];
  readonly abjad: boolean;
  readonly phonetic: string;
  readonly keys: ResolvedKeys;
}

export class QueryKeyCache {
  /** By token text; a token with the same text but another kind, script class or phonetic key replaces the entry. */
  private readonly cache = new Map<string, Cached>();
  private readonly keyOf: ReadonlyMap<string, number>;
  private readonly keysOf: (t: NameToken) => [string, number][];

  constructor(keyOf: ReadonlyMap<string, number>, keysOf: (t: NameToken) => [string, number][]) {
    this.keyOf = keyOf;
    this.keysOf = keysOf;
  }

  /** The token's own keys (tokenKeys for a query), resolved. Every field tokenKeys reads is compared. */
  of(t: NameToken): ResolvedKeys {
    const abjad = t.abjad === true;
    const hit = this.cache.get(t.text);
    if (hit && hit.kind === t.kind && hit.abjad === abjad && hit.phonetic === t.phonetic) return hit.keys;
    const keys = this.keysOf(t);
    const resolved = {
      kids: keys.map(([k]) => this.keyOf.get(k) ?? -1),
      factors: keys.map(([, f]) => f),
      exact: keys.map(([k]) => k[0] === 't'),
    };
    if (this.cache.size >= MAX_TOKENS) this.cache.clear();
    this.cache.set(t.text, { kind: t.kind, abjad, phonetic: t.phonetic, keys: resolved });
    return resolved;
  }
}
