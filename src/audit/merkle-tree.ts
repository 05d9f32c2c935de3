import { hash } from 'node:crypto';
import { EMPTY_TREE_ROOT, fromHex, HASH_BYTES, hashChildren, toHex } from './tree-hash.ts';

/**
 * RFC 6962 Merkle tree (Certificate Transparency): tree head, incremental append, inclusion and
 * consistency proofs and their verification (verification per RFC 9162 §2.1.3.2 and §2.1.4.2).
 * Hashes are 32-byte Buffers here; the log's rows and exports carry them as lowercase hex.
 *
 * Sizes and indices are JavaScript numbers: exact up to 2^53, far beyond any audit log.
 */

const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// ---------------------------------------------------------------------------------------------
// Frontier (compact range): the O(log n) state needed to append and compute the root.

/** A frontier as data: the roots of the perfect subtrees that make up a tree of `size` leaves, left to right, hex. */
export interface FrontierSnapshot {
  readonly size: number;
  readonly hashes: readonly string[];
}

/** Levels a frontier can hold: sizes are below 2^53. */
const MAX_LEVELS = 64;
/** 0x01 ‖ left ‖ right, reused by every merge (one thread runs one merge at a time). */
const merge = Buffer.alloc(1 + 2 * HASH_BYTES);

/**
 * The right edge of a tree: for each set bit l of `size`, the root of a perfect subtree of 2^l
 * leaves. Appending costs O(1) hashes amortised (O(log n) worst case); memory is O(log n).
 * Mutable for speed (it is a streaming accumulator); take `snapshot()` for immutable data.
 * The nodes live in one buffer and a merge hashes into it in place (issue 18: `audit verify` appends a million leaves;
 * a Buffer per interior hash was a fifth of the verifying thread's time).
 */
export class MerkleFrontier {
  #size = 0;
  /** Level l's node is bytes [l·32, l·32 + 32) when bit l of size is set. */
  readonly #nodes = Buffer.alloc(MAX_LEVELS * HASH_BYTES);

  get size(): number {
    return this.#size;
  }

  /** Appends a leaf hash (32 bytes; copied, so the caller may reuse its buffer). */
  append(leafHash: Buffer): void {
    this.appendAt(leafHash, 0);
  }

  /**
   * Appends the leaf hash at bytes [offset, offset + 32) of `hashes` (copied): a verifier walking a buffer of many leaf
   * hashes appends them without a view per leaf (issue 18: one allocation per entry on the verifying thread).
   */
  appendAt(hashes: Buffer, offset: number): void {
    let s = this.#size;
    if (!odd(s)) {
      hashes.copy(this.#nodes, 0, offset, offset + HASH_BYTES);
      this.#size++;
      return;
    }
    merge[0] = 0x01;
    this.#nodes.copy(merge, 1, 0, HASH_BYTES);
    hashes.copy(merge, 1 + HASH_BYTES, offset, offset + HASH_BYTES);
    let hex = hash('sha256', merge, 'hex');
    let level = 1;
    s = half(s);
    while (odd(s)) {
      this.#nodes.copy(merge, 1, level * HASH_BYTES, (level + 1) * HASH_BYTES);
      merge.write(hex, 1 + HASH_BYTES, HASH_BYTES, 'hex');
      hex = hash('sha256', merge, 'hex');
      level++;
      s = half(s);
    }
    this.#nodes.write(hex, level * HASH_BYTES, HASH_BYTES, 'hex');
    this.#size++;
  }

  #node(level: number): Buffer {
    return this.#nodes.subarray(level * HASH_BYTES, (level + 1) * HASH_BYTES);
  }

  /** Tree head of the leaves appended so far. */
  root(): Buffer {
    let acc: Buffer | undefined;
    for (let l = 0, s = this.#size; s > 0; l++, s = half(s)) {
      if (!odd(s)) continue;
      acc = acc === undefined ? Buffer.from(this.#node(l)) : hashChildren(this.#node(l), acc);
    }
    return acc ?? EMPTY_TREE_ROOT;
  }

  snapshot(): FrontierSnapshot {
    const hashes: string[] = [];
    for (let l = MAX_LEVELS - 1; l >= 0; l--) if (odd(Math.floor(this.#size / 2 ** l))) hashes.push(toHex(this.#node(l)));
    return { size: this.#size, hashes };
  }

  /** Rebuilds a frontier from a snapshot; undefined when the snapshot is malformed (wrong count, bad hex). */
  static fromSnapshot(s: FrontierSnapshot): MerkleFrontier | undefined {
    if (!Number.isSafeInteger(s.size) || s.size < 0) return undefined;
    const f = new MerkleFrontier();
    const levels: number[] = [];
    for (let l = 0, x = s.size; x > 0; l++, x = half(x)) if (odd(x)) levels.push(l);
    if (levels.length !== s.hashes.length) return undefined;
    levels.reverse(); // highest level first, like hashes
    for (let i = 0; i < levels.length; i++) {
      const h = fromHex(s.hashes[i]!);
      if (!h) return undefined;
      f.#nodes.set(h, levels[i]! * HASH_BYTES);
    }
    f.#size = s.size;
    return f;
  }
}

/** Root hash a frontier snapshot stands for (verifies a stored frontier against a signed root). */
export function frontierRoot(s: FrontierSnapshot): Buffer | undefined {
  return MerkleFrontier.fromSnapshot(s)?.root();
}

/** Tree head of a list of leaf hashes. */
export function treeRoot(leaves: readonly Buffer[]): Buffer {
  const f = new MerkleFrontier();
  for (const l of leaves) f.append(l);
  return f.root();
}

// ---------------------------------------------------------------------------------------------
// Full tree in memory: every perfect subtree root, for O(log² n) proofs at any historical size.

/**
 * All leaves and all perfect-subtree roots (2n hashes). levels[l][j] = root of leaves
 * [j·2^l, (j+1)·2^l). Nodes never change once complete, so proofs for any earlier size m ≤ size
 * come from the same arrays. A store builds one from the persisted leaf hashes to serve proofs.
 */
export class MerkleTree {
  readonly #levels: Buffer[][] = [[]];

  static fromLeaves(leaves: Iterable<Buffer>): MerkleTree {
    const t = new MerkleTree();
    for (const l of leaves) t.append(l);
    return t;
  }

  get size(): number {
    return this.#levels[0]!.length;
  }

  leaf(index: number): Buffer | undefined {
    return this.#levels[0]![index];
  }

  append(leafHash: Buffer): void {
    this.#levels[0]!.push(leafHash);
    let level = 0;
    while (this.#levels[level]!.length % 2 === 0) {
      const row = this.#levels[level]!;
      const parent = hashChildren(row[row.length - 2]!, row[row.length - 1]!);
      level++;
      if (this.#levels.length === level) this.#levels.push([]);
      this.#levels[level]!.push(parent);
    }
  }

  /** Root of leaves [lo, hi), 0 ≤ lo < hi ≤ size, using the stored perfect subtrees. */
  #subtree(lo: number, hi: number): Buffer {
    const n = hi - lo;
    if (n === 1) return this.#levels[0]![lo]!;
    // A perfect, aligned subtree is stored (the ranges RFC 6962 proofs ask for start aligned).
    if (lo % n === 0 && isPowerOfTwo(n)) {
      const node = this.#levels[Math.round(Math.log2(n))]?.[lo / n];
      if (node) return node;
    }
    const k = splitPoint(n);
    return hashChildren(this.#subtree(lo, lo + k), this.#subtree(lo + k, hi));
  }

  /** Tree head at size `size` (default: current size). */
  root(size: number = this.size): Buffer {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`tree size ${size} outside 0..${this.size}`);
    return size === 0 ? EMPTY_TREE_ROOT : this.#subtree(0, size);
  }

  /** RFC 6962 §2.1.1 audit path for leaf `index` in the tree of `size` leaves (root side last). */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) throw new RangeError(`tree size ${size} outside 1..${this.size}`);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} outside 0..${size - 1}`);
    const path: Buffer[] = [];
    let lo = 0;
    let hi = size;
    let m = index;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (m < k) {
        path.push(this.#subtree(lo + k, hi));
        hi = lo + k;
      } else {
        path.push(this.#subtree(lo, lo + k));
        lo += k;
        m -= k;
      }
    }
    return path.reverse();
  }

  /** RFC 6962 §2.1.2 consistency proof between tree sizes `first` and `second` (0 < first ≤ second ≤ size). */
  consistencyProof(first: number, second: number = this.size): Buffer[] {
    if (!Number.isSafeInteger(second) || second < 1 || second > this.size)
      throw new RangeError(`tree size ${second} outside 1..${this.size}`);
    if (!Number.isSafeInteger(first) || first < 1 || first > second) throw new RangeError(`first size ${first} outside 1..${second}`);
    const proof: Buffer[] = [];
    let lo = 0;
    let hi = second;
    let m = first;
    let complete = true;
    for (;;) {
      const n = hi - lo;
      if (m === n) {
        if (!complete) proof.push(this.#subtree(lo, hi));
        break;
      }
      const k = splitPoint(n);
      if (m <= k) {
        proof.push(this.#subtree(lo + k, hi));
        hi = lo + k;
      } else {
        proof.push(this.#subtree(lo, lo + k));
        lo += k;
        m -= k;
        complete = false;
      }
    }
    return proof.reverse();
  }
}

// ---------------------------------------------------------------------------------------------
// Verification (what an outside verifier does; needs only hashes).

/** RFC 9162 §2.1.3.2: is `leafHash` the leaf at `index` of the tree of `size` leaves with root `root`? */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leafHash.length !== 32 || root.length !== 32) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (p.length !== 32) return false;
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.compare(r, root) === 0;
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `second` leaves with `secondRoot` an append-only extension of the tree of `first` leaves with
 * `firstRoot`?
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) return false;
  if (proof.some((p) => p.length !== 32) || firstRoot.length !== 32 || secondRoot.length !== 32) return false;
  if (first === second) return proof.length === 0 && Buffer.compare(firstRoot, secondRoot) === 0;
  const path: Uint8Array[] = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.compare(fr, firstRoot) === 0 && Buffer.compare(sr, secondRoot) === 0;
}
