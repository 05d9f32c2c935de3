import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MerkleFrontier, MerkleTree, frontierRoot, verifyConsistency, verifyInclusion } from '../../src/audit/merkle-tree.ts';
import { hashLeafBytes } from '../../src/audit/tree-hash.ts';

/** RFC 6962 §2.1, transcribed literally: the reference the fast implementation is checked against. */
const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return d[0]!;
  const s = k(d.length);
  return sha(Buffer.of(1), mth(d.slice(0, s)), mth(d.slice(s)));
}
function path(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

const leaves = (n: number, seed: number): Buffer[] => Array.from({ length: n }, (_, i) => hashLeafBytes(Buffer.from(`leaf ${seed} ${i}`)));
const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };
const flip = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[0] = c[0]! ^ 1;
  return c;
};

describe('RFC 6962 Merkle tree vs the literal recursive definition', () => {
  it('k(n) is the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9].map(k)).toEqual([1, 2, 2, 4, 4, 8]);
  });

  it('frontier root and full-tree root equal MTH for every size, including every historical size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const d = leaves(n, seed);
        const f = new MerkleFrontier();
        const t = new MerkleTree();
        for (let i = 0; i < n; i++) {
          f.append(d[i]!);
          t.append(d[i]!);
        }
        expect(f.root().equals(mth(d))).toBe(true);
        expect(t.root().equals(mth(d))).toBe(true);
        for (let m = 0; m <= n; m += Math.max(1, Math.floor(n / 7))) expect(t.root(m).equals(mth(d.slice(0, m)))).toBe(true);
        // snapshot round trip, and the snapshot folds to the root
        const snap = f.snapshot();
        expect(frontierRoot(snap)?.equals(mth(d))).toBe(true);
        const g = MerkleFrontier.fromSnapshot(snap)!;
        const extra = hashLeafBytes(Buffer.from('extra'));
        g.append(extra);
        expect(g.root().equals(mth([...d, extra]))).toBe(true);
      }),
      runs,
    );
  });

  it('leaves appended from one buffer of hashes (appendAt, as `audit verify` applies a range digest) give the same roots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), fc.nat(3), (n, seed, pad) => {
        const d = leaves(n, seed);
        // Behind `pad` bytes of something else: the offsets need not be multiples of 32.
        const all = Buffer.concat([Buffer.alloc(pad, 0xee), ...d]);
        const f = new MerkleFrontier();
        for (let i = 0; i < n; i++) {
          f.appendAt(all, pad + 32 * i);
          if (i % 37 === 0) expect(f.root().equals(mth(d.slice(0, i + 1)))).toBe(true);
        }
        expect(f.root().equals(mth(d))).toBe(true);
      }),
      runs,
    );
  });

  it('inclusion proofs equal PATH(m, D[n]), verify, and fail for a wrong leaf, index, size, root or path', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n })))
          .chain(([n, size]) => fc.tuple(fc.constant(n), fc.constant(size), fc.integer({ min: 0, max: size - 1 }))),
        fc.integer(),
        ([n, size, m], seed) => {
          const d = leaves(n, seed);
          const t = MerkleTree.fromLeaves(d);
          const proof = t.inclusionProof(m, size);
          const expected = path(m, d.slice(0, size));
          expect(proof.map((p) => p.toString('hex'))).toEqual(expected.map((p) => p.toString('hex')));
          const root = mth(d.slice(0, size));
          expect(verifyInclusion(d[m]!, m, size, proof, root)).toBe(true);
          expect(verifyInclusion(flip(d[m]!), m, size, proof, root)).toBe(false);
          expect(verifyInclusion(d[m]!, m, size, proof, flip(root))).toBe(false);
          if (size > 1) {
            expect(verifyInclusion(d[m]!, (m + 1) % size, size, proof, root)).toBe(false);
            expect(
              verifyInclusion(
                d[m]!,
                m,
                size,
                proof.map((p, i) => (i === proof.length - 1 ? flip(p) : p)),
                root,
              ),
            ).toBe(false);
            expect(verifyInclusion(d[m]!, m, size, proof.slice(0, -1), root)).toBe(false);
            expect(verifyInclusion(d[m]!, m, size, [...proof, d[0]!], root)).toBe(false);
          }
          // (the tree size is not bound by the path alone, e.g. leaf 0 of 3 and of 4 fold alike: the signed checkpoint binds size to root)
          expect(verifyInclusion(d[m]!, size, size, proof, root)).toBe(false);
        },
      ),
      runs,
    );
  });

  it('consistency proofs equal SUBPROOF(m, D[n], true), verify, and fail for a wrong root or path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }))),
        fc.integer(),
        fc.nat(),
        ([n, m], seed, pick) => {
          const d = leaves(n, seed);
          const t = MerkleTree.fromLeaves(d);
          const proof = t.consistencyProof(m, n);
          expect(proof.map((p) => p.toString('hex'))).toEqual(subproof(m, d, true).map((p) => p.toString('hex')));
          const r1 = mth(d.slice(0, m));
          const r2 = mth(d);
          expect(verifyConsistency(m, n, r1, r2, proof)).toBe(true);
          expect(verifyConsistency(m, n, flip(r1), r2, proof)).toBe(false);
          expect(verifyConsistency(m, n, r1, flip(r2), proof)).toBe(false);
          if (proof.length > 0) {
            const i = pick % proof.length;
            expect(
              verifyConsistency(
                m,
                n,
                r1,
                r2,
                proof.map((p, j) => (j === i ? flip(p) : p)),
              ),
            ).toBe(false);
            expect(verifyConsistency(m, n, r1, r2, proof.slice(0, -1))).toBe(false);
          }
          if (m < n) {
            // a tree that changed one of the first m leaves is not an extension
            const forked = [...d];
            forked[pick % m] = flip(forked[pick % m]!);
            expect(verifyConsistency(m, n, r1, mth(forked), proof)).toBe(false);
          }
        },
      ),
      runs,
    );
  });

  it('matches the RFC 6962 known root for the empty tree', () => {
    expect(new MerkleFrontier().root().toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('rejects out-of-range proof requests', () => {
    const t = MerkleTree.fromLeaves(leaves(5, 1));
    expect(() => t.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => t.inclusionProof(0, 6)).toThrow(RangeError);
    expect(() => t.consistencyProof(0, 5)).toThrow(RangeError);
    expect(() => t.consistencyProof(4, 3)).toThrow(RangeError);
    expect(MerkleFrontier.fromSnapshot({ size: 3, hashes: ['00'.repeat(32)] })).toBeUndefined();
  });
});
