/**
 * Candidate generation that skips long postings which cannot change the candidates (name-index.ts `candidates`, for
 * queries whose keys hold many names; docs/screening.md "Index").
 *
 * The plain walk credits every name of every key. Here the postings are merged in name order (each key's names are
 * ascending), one name at a time, and a name is credited exactly as the plain walk would credit it: its keys replayed
 * in the walk's order, in Float32 as the plain walk adds them. The cut is the top `maxCandidates` of the names reaching
 * `need`, highest credit first, equal credits in the order the plain walk first reached them (the first key holding
 * the name, then ascending name). Once `maxCandidates` names have passed, the last of them sets a line θ (else θ is
 * `need`). The longest keys whose credits, taken at their best per query token, add up to less than θ are then no
 * longer walked: a name that only they hold cannot reach θ, so it is neither passing nor able to displace a passing
 * name. They are only probed (a galloping search: the merge moves forward) for the names the other keys reach. A
 * reached name whose credit cannot reach θ even with the best of every probed key is not probed at all.
 *
 * `touched` counts the names the merge reached: every name of every key when nothing is skipped (the plain walk's
 * count), fewer when long keys are only probed.
 */
import type { KeyVisits } from './key-visits.ts';

export interface PrunedCandidates {
  readonly nameIds: number[];
  readonly touched: number;
}

/**
 * Float32 credits are sums of at most `count` rounded terms; bounds in float64 are widened by this share before they
 * rule a name out, so a rounding can never prune a name that the Float32 sum would have kept (name-index.ts caps the
 * visits a pruned walk takes, so the rounding stays far below it).
 */
const ROUNDING_MARGIN = 1e-4;
const upper = (x: number): number => x * (1 + ROUNDING_MARGIN);

/** First position in ids[p .. to) holding a name ≥ id (positions before p hold smaller names). */
function seek(ids: Int32Array, p: number, to: number, id: number): number {
  if (p >= to || ids[p]! >= id) return p;
  let lo = p;
  let step = 1;
  let hi = p + 1;
  while (hi < to && ids[hi]! < id) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > to) hi = to;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < id) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Min-heap of the best `size` passing credits: its root is the line θ once it is full. */
class CreditLine {
  private readonly heap: Float64Array;
  private readonly size: number;
  private filled = 0;

  constructor(size: number) {
    this.size = size;
    this.heap = new Float64Array(size);
  }

  /** The credit a name must reach to be in the cut once `size` names passed, else undefined. */
  get line(): number | undefined {
    return this.filled === this.size ? this.heap[0] : undefined;
  }

  /** Offers a passing credit; true when the line rose. */
  offer(c: number): boolean {
    const h = this.heap;
    if (this.filled < this.size) {
      let i = this.filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (h[parent]! <= c) break;
        h[i] = h[parent]!;
        i = parent;
      }
      h[i] = c;
      return this.filled === this.size;
    }
    if (c <= h[0]!) return false;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const m = r < this.size && h[r]! < h[l]! ? r : l;
      if (h[m]! >= c) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = c;
    return true;
  }
}

/** The candidates of name-index.ts's plain walk over `visits`, with long keys probed instead of walked when they cannot matter. */
export function maxScoreCandidates(ids: Int32Array, visits: KeyVisits, need: number, maxCandidates: number): PrunedCandidates {
  const { count, token, credit, from, to } = visits;
  const tokens = count === 0 ? 0 : token[count - 1]! + 1;
  const pos = from.slice(0, count);
  const walked = new Uint8Array(count).fill(1);
  const member = new Uint8Array(count);
  const members = new Int32Array(count);
  // keys by length, longest first: the ones to stop walking as the line rises
  const byLength = Array.from({ length: count }, (_, v) => v).sort((a, b) => to[b]! - from[b]! - (to[a]! - from[a]!) || b - a);
  let top = 0;
  for (let v = 0; v < count; v++) top = Math.max(top, credit[v]!);
  let probedCount = 0;
  /** Per token, the best credit of its probed keys (what a name holding none of the walked keys can get at most). */
  const probedBest = new Float64Array(tokens);
  let probedBound = 0;
  const line = new CreditLine(maxCandidates);
  const theta = (): number => line.line ?? need;
  let walk = Int32Array.from({ length: count }, (_, v) => v);
  let probed = new Int32Array(0);

  const stopWalking = (): void => {
    let changed = false;
    while (probedCount < count) {
      const v = byLength[probedCount]!;
      const t = token[v]!;
      const bound = probedBound - probedBest[t]! + Math.max(probedBest[t]!, credit[v]!);
      // a name one walked key reaches must still fall below the line without its probes, or every name is probed
      if (upper(bound + top) >= theta()) break;
      probedBest[t] = Math.max(probedBest[t]!, credit[v]!);
      probedBound = bound;
      walked[v] = 0;
      probedCount++;
      changed = true;
    }
    if (changed) {
      walk = walk.filter((v) => walked[v] === 1);
      probed = Int32Array.from({ length: count }, (_, v) => v).filter((v) => walked[v] === 0);
    }
  };

  const passId: number[] = [];
  const passCredit: number[] = [];
  const passFirst: number[] = [];
  let touched = 0;
  stopWalking();
  for (;;) {
    // the next name in name order among the walked keys
    let id = 0x7fffffff;
    for (let i = 0; i < walk.length; i++) {
      const v = walk[i]!;
      const p = pos[v]!;
      if (p < to[v]! && ids[p]! < id) id = ids[p]!;
    }
    if (id === 0x7fffffff) break;
    touched++;
    // the walked keys holding it (in visit order, so grouped by token), and its best credit without the probed keys
    let held = 0;
    let bound = probedBound;
    let tok = -1;
    let tokTop = 0;
    for (let i = 0; i < walk.length; i++) {
      const v = walk[i]!;
      const p = pos[v]!;
      if (p < to[v]! && ids[p] === id) {
        pos[v] = p + 1;
        members[held++] = v;
        if (token[v] !== tok) {
          if (tok >= 0) bound += Math.max(0, tokTop - probedBest[tok]!);
          tok = token[v]!;
          tokTop = 0;
        }
        if (credit[v]! > tokTop) tokTop = credit[v]!;
      }
    }
    bound += Math.max(0, tokTop - probedBest[tok]!);
    // below the line even if every probed key held it
    if (upper(bound) < theta()) continue;
    for (let i = 0; i < held; i++) member[members[i]!] = 1;
    for (let i = 0; i < probed.length; i++) {
      const v = probed[i]!;
      const p = seek(ids, pos[v]!, to[v]!, id);
      pos[v] = p;
      if (p < to[v]! && ids[p] === id) member[v] = 1;
    }
    // the plain walk's arithmetic: the first key of the query sets the credit, a token's first key adds to it, a
    // better key of the same token adds the difference; stored as Float32 after each step
    let c = 0;
    let tokBest = 0;
    let first = -1;
    tok = -1;
    for (let v = 0; v < count; v++) {
      if (member[v] === 0) continue;
      member[v] = 0;
      const k = credit[v]!;
      if (first < 0) {
        first = v;
        c = Math.fround(k);
      } else if (token[v] !== tok) c = Math.fround(c + k);
      else if (k > tokBest) c = Math.fround(c + (k - tokBest));
      else continue;
      tok = token[v]!;
      tokBest = Math.fround(k);
    }
    if (c < need) continue;
    passId.push(id);
    passCredit.push(c);
    passFirst.push(first);
    if (line.offer(c)) stopWalking();
  }
  const order = passId.map((_, i) => i);
  order.sort((a, b) => passCredit[b]! - passCredit[a]! || passFirst[a]! - passFirst[b]! || passId[a]! - passId[b]!);
  return { nameIds: order.slice(0, maxCandidates).map((i) => passId[i]!), touched };
}
