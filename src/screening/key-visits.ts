/**
 * A query's key visits in candidate generation's order (name-index.ts `candidates`): for each one the query token, its
 * credit (token weight × key factor) and the key's postings range. One reusable buffer per index, so a query allocates
 * nothing for them.
 */

/** The visits of one query (read-only view over the buffer's first `count` entries). */
export interface KeyVisits {
  readonly count: number;
  readonly token: Int32Array;
  readonly credit: Float64Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
}

export class KeyVisitBuffer {
  private token = new Int32Array(64);
  private credit = new Float64Array(64);
  private from = new Int32Array(64);
  private to = new Int32Array(64);
  private count = 0;

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  push(token: number, credit: number, from: number, to: number): void {
    if (this.count === this.token.length) this.grow();
    const i = this.count++;
    this.token[i] = token;
    this.credit[i] = credit;
    this.from[i] = from;
    this.to[i] = to;
  }

  view(): KeyVisits {
    return { count: this.count, token: this.token, credit: this.credit, from: this.from, to: this.to };
  }

  private grow(): void {
    const size = this.token.length * 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
    this.token = widen(this.token, new Int32Array(size));
    this.credit = widen(this.credit, new Float64Array(size));
    this.from = widen(this.from, new Int32Array(size));
    this.to = widen(this.to, new Int32Array(size));
  }
}
