/**
 * Reverse index over screened subjects (stored leads), for delta re-screening (docs/screening.md): the
 * leads' names are indexed with the same keys as the list index (name-index.ts), and the few added or changed
 * list entries are the queries. A million leads must fit in memory, so keys are 32-bit hashes in one
 * bucketed array (no per-key objects); a hash collision only adds a candidate, which the full screening of
 * that lead then rejects.
 */
import { nameKeys } from './name-index.ts';
import type { NormalisedName } from './name-normaliser.ts';
import { GrowableInts } from './growable-ints.ts';

/** FNV-1a, 32 bits: fast, and collisions only cost an extra candidate. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Same defaults as NameIndex.candidates: a name must earn this share of the query's token weight. */
const MIN_SHARE = 0.45;
/** Fuzzy keys (deletions, phonetic, skeleton) shared by more names than this are skipped. */
const MAX_FUZZY_POSTINGS = 2000;
const MAX_EXACT_POSTINGS = 8000;

export class SubjectIndex {
  /** Bucket b holds pairs start[b] .. start[b+1]-1. */
  private readonly start: Int32Array;
  private readonly hashes: Uint32Array;
  /** The indexed name of each pair. */
  private readonly nameIds: Int32Array;
  /** The subject (caller's number) of each indexed name. */
  private readonly nameSubject: Int32Array;
  private readonly mask: number;

  private constructor(start: Int32Array, hashes: Uint32Array, nameIds: Int32Array, nameSubject: Int32Array, mask: number) {
    this.start = start;
    this.hashes = hashes;
    this.nameIds = nameIds;
    this.nameSubject = nameSubject;
    this.mask = mask;
  }

  get nameCount(): number {
    return this.nameSubject.length;
  }

  get pairCount(): number {
    return this.hashes.length;
  }

  /** The names (normalised alternatives) of subject 0, 1, 2, … in order. */
  static build(subjects: Iterable<readonly NormalisedName[]>): SubjectIndex {
    const b = new SubjectIndexBuilder();
    for (const names of subjects) b.add(names);
    return b.build();
  }

  /** Built by SubjectIndexBuilder only. */
  static fromParts(start: Int32Array, hashes: Uint32Array, nameIds: Int32Array, nameSubject: Int32Array, mask: number): SubjectIndex {
    return new SubjectIndex(start, hashes, nameIds, nameSubject, mask);
  }

  private postings(key: string): number[] {
    const h = keyHash(key);
    const b = h & this.mask;
    const out: number[] = [];
    for (let i = this.start[b]!; i < this.start[b + 1]!; i++) if (this.hashes[i] === h) out.push(this.nameIds[i]!);
    return out;
  }

  /**
   * Subjects one of whose names shares enough keys with a list entry's name (the query) to be screened
   * in full; the same credit rule as NameIndex.candidates, without its cap (every lead that could match counts).
   */
  subjectsFor(query: NormalisedName): Set<number> {
    const perToken = nameKeys(query, true).map((keys) => keys.map(([k, factor]) => ({ key: k, factor, post: this.postings(k) })));
    const exactSize = perToken.map((keys) => keys[0]?.post.length ?? 0);
    const hasRare = exactSize.some((n, i) => (perToken[i]?.length ?? 0) > 0 && n <= MAX_EXACT_POSTINGS);
    const credit = new Map<number, number>();
    let total = 0;
    perToken.forEach((keys, ti) => {
      if (keys.length === 0 || (hasRare && exactSize[ti]! > MAX_EXACT_POSTINGS)) return;
      const w = query.tokens[ti]!.weight;
      total += w;
      const best = new Map<number, number>();
      for (const { key, factor, post } of keys) {
        if (key[0] !== 't' && post.length > MAX_FUZZY_POSTINGS) continue;
        for (const id of post) best.set(id, Math.max(best.get(id) ?? 0, w * factor));
      }
      for (const [id, c] of best) credit.set(id, (credit.get(id) ?? 0) + c);
    });
    const out = new Set<number>();
    if (total === 0) return out;
    for (const [id, c] of credit) if (c >= total * MIN_SHARE) out.add(this.nameSubject[id]!);
    return out;
  }
}

/** Adds subjects one at a time (a page of stored leads at a time), so only the keys are held, never the leads. */
export class SubjectIndexBuilder {
  private readonly pairHash = new GrowableInts(1 << 16);
  private readonly pairName = new GrowableInts(1 << 16);
  private readonly nameSubject = new GrowableInts(1 << 16);
  private subjects = 0;

  /** Adds the next subject's names; returns its number. */
  add(names: readonly NormalisedName[]): number {
    const subject = this.subjects++;
    for (const n of names) {
      const id = this.nameSubject.length;
      this.nameSubject.push(subject);
      const keys = new Set<number>();
      for (const tk of nameKeys(n, false)) for (const [k] of tk) keys.add(keyHash(k));
      for (const h of keys) {
        this.pairHash.push(h);
        this.pairName.push(id);
      }
    }
    return subject;
  }

  build(): SubjectIndex {
    const { pairHash, pairName, nameSubject } = this;
    // Power-of-two bucket count about the number of pairs / 4: short buckets, one counting pass.
    let bits = 10;
    while (1 << bits < pairHash.length / 4 && bits < 24) bits++;
    const mask = (1 << bits) - 1;
    const start = new Int32Array(mask + 2);
    for (let i = 0; i < pairHash.length; i++) start[((pairHash.data[i]! >>> 0) & mask) + 1]!++;
    for (let b = 1; b < start.length; b++) start[b]! += start[b - 1]!;
    const fill = start.slice(0, mask + 1);
    const hashes = new Uint32Array(pairHash.length);
    const nameIds = new Int32Array(pairHash.length);
    for (let i = 0; i < pairHash.length; i++) {
      const h = pairHash.data[i]! >>> 0;
      const at = fill[h & mask]!++;
      hashes[at] = h;
      nameIds[at] = pairName.data[i]!;
    }
    return SubjectIndex.fromParts(start, hashes, nameIds, nameSubject.data.slice(0, nameSubject.length), mask);
  }
}
