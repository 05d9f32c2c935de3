import type { SealedAuditRow, StoredAuditRow } from './audit-entry.ts';
import { entryLeafText, storedLeafHashHex } from './audit-entry.ts';
import type { KeyRing, StoredCheckpoint } from './checkpoint.ts';
import { verifyCheckpoint } from './checkpoint.ts';
import { genesisHash } from './hash-chain.ts';
import type { HashedBatch } from './leaf-hasher.ts';
import type { LeafRangeDigest } from './leaf-range-scan.ts';
import { MerkleFrontier, type FrontierSnapshot } from './merkle-tree.ts';
import { EMPTY_TREE_ROOT, HASH_BYTES, hashLeafTextHex, toHex } from './tree-hash.ts';

/**
 * Streaming verification of the audit log (docs/audit.md): recomputes every leaf hash, the hash chain and
 * the Merkle tree, checks every signed checkpoint in range, and names the first problem precisely.
 * Memory: the tree frontier (O(log n)), one row of look-ahead and the checkpoint list.
 */

export type TamperProblem = 'EDITED' | 'DELETED' | 'REORDERED' | 'INSERTED' | 'TRUNCATED' | 'BAD_SIGNATURE' | 'CHECKPOINT_MISMATCH';

export interface FirstBad {
  /**
   * EDITED/DELETED/REORDERED/INSERTED: the first position that is wrong. TRUNCATED: the first
   * missing seq. BAD_SIGNATURE: the last seq the bad checkpoint claims (treeSize-1).
   * CHECKPOINT_MISMATCH: the first seq of the range the checkpoint vouches for that could hold the
   * change (the previous good checkpoint's size): a log rewritten consistently can be localised only
   * to between two checkpoints.
   */
  readonly seq: number;
  readonly problem: TamperProblem;
  readonly detail: string;
}

export type VerifyLogResult =
  | {
      readonly ok: true;
      /** Entries verified (to − from, or fewer when the log is shorter than `to` and no checkpoint says otherwise). */
      readonly entries: number;
      readonly checkpointsVerified: number;
      /** Size, root and chain head of the log as verified (up to `to`). */
      readonly treeSize: number;
      readonly rootHash: string;
      readonly chainHead: string;
      /** Entries after the last checkpoint verified: chained, but not yet under a signature. */
      readonly uncheckpointed: number;
    }
  | { readonly ok: false; readonly firstBad: FirstBad; readonly entriesChecked: number };

export interface VerifyLogOptions {
  readonly logId: string;
  /**
   * First seq of the rows supplied (default 0). Must be 0 or the treeSize of a checkpoint that
   * carries its frontier (see rangeStartFor): the tree state there comes from that checkpoint.
   */
  readonly from?: number;
  /** Stop after seq to−1 (exclusive end, a tree size). Default: the end of the rows supplied. */
  readonly to?: number;
}

/** The largest valid range start ≤ `from`: 0 or the size of a checkpoint with a frontier. Query rows from there. */
export function rangeStartFor(checkpoints: readonly StoredCheckpoint[], from: number): number {
  let best = 0;
  for (const cp of checkpoints) if (cp.frontier && cp.treeSize <= from && cp.treeSize > best) best = cp.treeSize;
  return best;
}

type Rows<R> = AsyncIterable<R> | Iterable<R>;

/** What the walk needs of a row: its position, its hashes, and the leaf hash it has when read as the entry at a seq. */
interface ChainRow {
  readonly seq: number;
  readonly prevHash: string;
  readonly entryHash: string;
}
/** A row's leaf hash (hex) read as the entry at `asSeq` (stored rows: storedLeafHashHex, no leaf text built only to be hashed). */
type LeafHash<R> = (row: R, asSeq: number) => string;

interface WalkState {
  readonly k: number;
  readonly prevHex: string;
  readonly cpIndex: number;
  readonly checkpointsVerified: number;
  readonly lastCheckpointSize: number;
  readonly frontier: FrontierSnapshot;
}

const parsedLeafHash: LeafHash<SealedAuditRow> = (row, asSeq) =>
  hashLeafTextHex(entryLeafText(asSeq === row.seq ? row : { ...row, seq: asSeq }));

/**
 * The verification state as rows stream past: the next expected seq, the tree frontier and chain head
 * so far, and the next checkpoint due. `step` is the fast path; `classify` explains a wrong row.
 */
class LogWalk<R extends ChainRow> {
  /** Next expected seq. */
  k: number;
  frontier = new MerkleFrontier();
  prevHex: string;
  cpIndex = 0;
  checkpointsVerified = 0;
  lastCheckpointSize: number;
  readonly from: number;
  readonly inRange: readonly StoredCheckpoint[];
  readonly leafHash: LeafHash<R>;

  constructor(from: number, inRange: readonly StoredCheckpoint[], logId: string, leafHash: LeafHash<R>) {
    this.from = from;
    this.inRange = inRange;
    this.leafHash = leafHash;
    this.k = from;
    this.lastCheckpointSize = from;
    this.prevHex = genesisHash(logId);
  }

  fail(seq: number, problem: TamperProblem, detail: string): VerifyLogResult {
    return { ok: false, firstBad: { seq, problem, detail }, entriesChecked: this.k - this.from };
  }

  /** Checks every checkpoint whose tree size has been reached. */
  checkCheckpoints(): VerifyLogResult | undefined {
    const { inRange } = this;
    while (this.cpIndex < inRange.length && inRange[this.cpIndex]!.treeSize <= this.k) {
      const cp = inRange[this.cpIndex]!;
      const k = this.k;
      if (cp.treeSize === k) {
        const root = k === 0 ? toHex(EMPTY_TREE_ROOT) : toHex(this.frontier.root());
        const last = this.lastCheckpointSize;
        if (root !== cp.rootHash)
          return this.fail(
            last,
            'CHECKPOINT_MISMATCH',
            `entries [${last}, ${k}) give root ${root}, but the checkpoint signed at ${cp.at} says ${cp.rootHash}: an entry in that ` +
              `range was altered, removed or added and the chain rewritten`,
          );
        if (this.prevHex !== cp.chainHead)
          return this.fail(
            last,
            'CHECKPOINT_MISMATCH',
            `chain head at size ${k} is ${this.prevHex}, the checkpoint signed at ${cp.at} says ${cp.chainHead}`,
          );
        this.checkpointsVerified++;
        this.lastCheckpointSize = k;
      }
      this.cpIndex++;
    }
    return undefined;
  }

  /** Does the row agree with itself when read as the entry at `asSeq` (its content hashes to its entryHash)? */
  selfConsistent(row: R, asSeq: number): boolean {
    return this.leafHash(row, asSeq) === row.entryHash;
  }

  linked(row: R, asSeq: number): boolean {
    return row.prevHash === this.prevHex && this.selfConsistent(row, asSeq);
  }

  /** Slow path: the row at expected position k is wrong; say how, using one row of look-ahead. */
  classify(cur: R, next: R | undefined): VerifyLogResult {
    const { k } = this;
    if (cur.seq === k) return this.classifyAtPosition(cur, next);
    if (this.linked(cur, k)) return this.fail(k, 'EDITED', `entry ${k} had its seq field changed to ${cur.seq}`);
    if (cur.seq > k) {
      if (next && next.seq === k) return this.fail(k, 'REORDERED', `entry ${cur.seq} appears before entry ${k}`);
      return this.fail(
        k,
        'DELETED',
        cur.seq === k + 1
          ? `entry ${k} is missing (next entry is ${cur.seq})`
          : `entries ${k}..${cur.seq - 1} are missing (next entry is ${cur.seq})`,
      );
    }
    return this.fail(cur.seq, 'INSERTED', `two entries claim seq ${cur.seq}: one was inserted (found again at position ${k})`);
  }

  /** The wrong row carries the expected seq: edited, inserted, reordered or a deletion renumbered. */
  private classifyAtPosition(cur: R, next: R | undefined): VerifyLogResult {
    const { k, from, prevHex } = this;
    if (this.selfConsistent(cur, k)) {
      return k > from
        ? this.fail(
            k - 1,
            'EDITED',
            `entry ${k - 1} was changed and its hashes recomputed: entry ${k} records predecessor hash ${cur.prevHash}, entry ${k - 1} ` +
              `now hashes to ${prevHex}`,
          )
        : this.fail(
            k,
            'CHECKPOINT_MISMATCH',
            `entry ${k} records predecessor hash ${cur.prevHash}, the checkpoint at size ${k} signed chain head ${prevHex}`,
          );
    }
    if (next && next.seq === k && this.linked(next, k))
      return this.fail(k, 'INSERTED', `an extra entry claiming seq ${k} precedes the genuine entry ${k}`);
    if (this.selfConsistent(cur, k + 1)) {
      if (next && next.seq === k + 1 && this.linked(next, k))
        return this.fail(k, 'REORDERED', `entries ${k} and ${k + 1} exchanged positions (their seq numbers were swapped)`);
      return this.fail(
        k,
        'DELETED',
        `entry ${k} is missing: the entry now numbered ${k} was sealed as ${k + 1} and later entries renumbered`,
      );
    }
    if (k > from && this.selfConsistent(cur, k - 1))
      return this.fail(
        k - 1,
        'INSERTED',
        `an entry was inserted at ${k - 1}: the entry now numbered ${k} was sealed as ${k - 1} and later entries renumbered`,
      );
    const leaf = this.leafHash(cur, cur.seq);
    const what =
      leaf !== cur.entryHash
        ? `its content hashes to ${leaf}, its sealed entryHash is ${cur.entryHash}`
        : `its prevHash ${cur.prevHash} is not the previous entry hash ${prevHex}`;
    return this.fail(k, 'EDITED', `entry ${k} was altered after sealing: ${what}`);
  }

  /** The walk's position, to come back to when a range digest turns out not to apply (walkDigests). */
  save(): WalkState {
    const { k, prevHex, cpIndex, checkpointsVerified, lastCheckpointSize } = this;
    return { k, prevHex, cpIndex, checkpointsVerified, lastCheckpointSize, frontier: this.frontier.snapshot() };
  }

  restore(s: WalkState): void {
    this.k = s.k;
    this.prevHex = s.prevHex;
    this.cpIndex = s.cpIndex;
    this.checkpointsVerified = s.checkpointsVerified;
    this.lastCheckpointSize = s.lastCheckpointSize;
    this.frontier = MerkleFrontier.fromSnapshot(s.frontier)!;
  }

  /**
   * A clean range digest applied as step() would apply its rows: it starts at k and links to the chain head, and every
   * checkpoint it reaches holds. false when not (the caller then walks the rows themselves, which names the problem).
   * Rows inside a clean range are dense, chained and self-consistent, so step()'s look-ahead never fires inside one.
   */
  applyDigest(d: LeafRangeDigest): boolean {
    if (d.kind !== 'clean' || d.from !== this.k || d.firstPrevHash !== this.prevHex) return false;
    const leaves = Buffer.from(d.leaves.buffer, d.leaves.byteOffset, d.leaves.byteLength);
    const { inRange } = this;
    for (let off = 0; off < leaves.length; off += HASH_BYTES) {
      this.frontier.appendAt(leaves, off);
      this.k++;
      if (this.cpIndex < inRange.length && inRange[this.cpIndex]!.treeSize <= this.k) {
        this.prevHex = toHex(leaves.subarray(off, off + HASH_BYTES));
        if (this.checkCheckpoints()) return false;
      }
    }
    this.prevHex = d.lastEntryHash;
    return true;
  }

  /** Fast path; returns a failure or undefined. `leaf`: the row's leaf hash read at its own seq, when computed ahead. */
  step(cur: R, next: R | undefined, ahead?: Buffer): VerifyLogResult | undefined {
    if (cur.seq !== this.k || cur.prevHash !== this.prevHex) return this.classify(cur, next);
    const hex = ahead ? toHex(ahead) : this.leafHash(cur, cur.seq);
    if (hex !== cur.entryHash) return this.classify(cur, next);
    this.frontier.append(ahead ?? Buffer.from(hex, 'hex'));
    this.prevHex = hex;
    this.k++;
    if (this.cpIndex >= this.inRange.length || this.inRange[this.cpIndex]!.treeSize > this.k) return undefined;
    // A checkpoint is due. If the next row is intact but records a different predecessor, the row
    // just accepted was edited with its hashes recomputed: say so precisely rather than "mismatch".
    if (next && next.seq === this.k && next.prevHash !== this.prevHex && this.selfConsistent(next, this.k))
      return this.classify(next, undefined);
    return this.checkCheckpoints();
  }
}

/** Walks the rows up to `to` with one row of look-ahead; the first failure, or undefined. */
async function walkRows<R extends ChainRow>(walk: LogWalk<R>, rows: Rows<R>, to: number): Promise<VerifyLogResult | undefined> {
  if (walk.k >= to) return undefined;
  let cur: R | undefined;
  for await (const row of rows) {
    if (cur !== undefined) {
      const bad = walk.step(cur, row);
      if (bad) return bad;
      if (walk.k >= to) return undefined;
    }
    cur = row;
  }
  return cur === undefined ? undefined : walk.step(cur, undefined);
}

/** walkRows over batches whose leaves were hashed ahead (leaf-hasher.ts); a row's look-ahead may be in the next batch. */
async function walkBatches<R extends ChainRow>(
  walk: LogWalk<R>,
  batches: AsyncIterable<HashedBatch<R>>,
  to: number,
): Promise<VerifyLogResult | undefined> {
  if (walk.k >= to) return undefined;
  let cur: R | undefined;
  let curLeaf: Buffer | undefined;
  for await (const { rows, leaves } of batches) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (cur !== undefined) {
        const bad = walk.step(cur, row, curLeaf);
        if (bad) return bad;
        if (walk.k >= to) return undefined;
      }
      cur = row;
      curLeaf = leaves ? leaves.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES) : undefined;
    }
  }
  return cur === undefined ? undefined : walk.step(cur, undefined, curLeaf);
}

/**
 * The walk over range digests (leaf-range-scan.ts), then over the rows after them. When a digest is not clean, does not
 * join the one before, or fails a checkpoint, the walk goes back to where it stood before the previous digest and reads
 * the rows from there: the same steps, look-ahead included, as walkRows over the whole log, so the same verdict.
 */
async function walkDigests(
  walk: LogWalk<StoredAuditRow>,
  digests: AsyncIterable<LeafRangeDigest>,
  rowsFrom: (seq: number) => Rows<StoredAuditRow>,
  to: number,
): Promise<VerifyLogResult | undefined> {
  if (walk.k >= to) return undefined;
  let beforePrevious = walk.save();
  for await (const d of digests) {
    const before = walk.save();
    if (!walk.applyDigest(d)) {
      walk.restore(beforePrevious);
      break;
    }
    beforePrevious = before;
  }
  return walkRows(walk, rowsFrom(walk.k), to);
}

/** Verifies rows given as entries (parsed payloads): each leaf is their canonical JSON, serialised again. */
export function verifyLog(
  rows: Rows<SealedAuditRow>,
  checkpoints: readonly StoredCheckpoint[],
  keys: KeyRing,
  options: VerifyLogOptions,
): Promise<VerifyLogResult> {
  return verifyWith(parsedLeafHash, (walk, to) => walkRows(walk, rows, to), checkpoints, keys, options);
}

/** Verifies rows as the store holds them: each leaf is the stored canonical text in its template, hashed as it is (storedLeafHashHex). */
export function verifyStoredRows(
  rows: Rows<StoredAuditRow>,
  checkpoints: readonly StoredCheckpoint[],
  keys: KeyRing,
  options: VerifyLogOptions,
): Promise<VerifyLogResult> {
  return verifyWith(storedLeafHashHex, (walk, to) => walkRows(walk, rows, to), checkpoints, keys, options);
}

/**
 * verifyStoredRows over batches of stored rows whose leaf hashes were computed ahead, on another thread
 * (leaf-hasher.ts): the same walk and the same verdict, the hashing of intact rows done in parallel.
 */
export function verifyStoredBatches(
  batches: AsyncIterable<HashedBatch<StoredAuditRow>>,
  checkpoints: readonly StoredCheckpoint[],
  keys: KeyRing,
  options: VerifyLogOptions,
): Promise<VerifyLogResult> {
  return verifyWith(storedLeafHashHex, (walk, to) => walkBatches(walk, batches, to), checkpoints, keys, options);
}

/**
 * verifyStoredRows over range digests computed ahead, e.g. on worker threads each with its own read connection
 * (leaf-range-scan.ts; the store's `leafDigests`), then over the rows after the last digest (`rowsFrom`). The digests
 * must cover consecutive ranges from `options.from`. Same verdict as verifyStoredRows: a range that is not clean is read
 * again row by row through `rowsFrom`.
 */
export function verifyStoredDigests(
  digests: AsyncIterable<LeafRangeDigest>,
  rowsFrom: (seq: number) => Rows<StoredAuditRow>,
  checkpoints: readonly StoredCheckpoint[],
  keys: KeyRing,
  options: VerifyLogOptions,
): Promise<VerifyLogResult> {
  return verifyWith(storedLeafHashHex, (walk, to) => walkDigests(walk, digests, rowsFrom, to), checkpoints, keys, options);
}

async function verifyWith<R extends ChainRow>(
  leafHash: LeafHash<R>,
  walkAll: (walk: LogWalk<R>, to: number) => Promise<VerifyLogResult | undefined>,
  checkpoints: readonly StoredCheckpoint[],
  keys: KeyRing,
  options: VerifyLogOptions,
): Promise<VerifyLogResult> {
  const from = options.from ?? 0;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`from must be a non-negative integer, got ${from}`);
  if (to !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(to) || to < from))
    throw new RangeError(`to must be an integer ≥ from, got ${to}`);

  // 1. Checkpoints in range: signatures first (a forged tree head must not be trusted for anything).
  const inRange = checkpoints.filter((c) => c.treeSize >= from && c.treeSize <= to).sort((a, b) => a.treeSize - b.treeSize);
  const walk = new LogWalk(from, inRange, options.logId, leafHash);
  for (const cp of inRange) {
    const v = verifyCheckpoint(cp, keys, options.logId);
    if (!v.ok) return walk.fail(Math.max(cp.treeSize - 1, 0), 'BAD_SIGNATURE', `${v.error.code}: ${v.error.detail}`);
  }

  // 2. Starting state.
  if (from > 0) {
    const start = inRange.find((c) => c.treeSize === from && c.frontier);
    if (!start?.frontier)
      throw new RangeError(
        `no checkpoint with a frontier at size ${from}; start at rangeStartFor(checkpoints, ${from}) = ${rangeStartFor(checkpoints, from)}`,
      );
    const f = start.frontier.size === from ? MerkleFrontier.fromSnapshot(start.frontier) : undefined;
    if (!f || toHex(f.root()) !== start.rootHash)
      return walk.fail(
        from,
        'CHECKPOINT_MISMATCH',
        `the stored frontier of the checkpoint at size ${from} does not fold to its signed root`,
      );
    walk.frontier = f;
    walk.prevHex = start.chainHead;
  }

  const bad = walk.checkCheckpoints() /* a checkpoint at exactly `from` */ ?? (await walkAll(walk, to));
  if (bad) return bad;

  const { k } = walk;
  const beyond = inRange.find((c) => c.treeSize > k);
  if (beyond) {
    const latest = inRange[inRange.length - 1]!;
    return walk.fail(
      k,
      'TRUNCATED',
      `the log ends after ${k} entries, but the checkpoint signed at ${latest.at} covers ${latest.treeSize}`,
    );
  }
  return {
    ok: true,
    entries: k - from,
    checkpointsVerified: walk.checkpointsVerified,
    treeSize: k,
    rootHash: toHex(walk.frontier.root()),
    chainHead: walk.prevHex,
    uncheckpointed: k - walk.lastCheckpointSize,
  };
}
