/**
 * A growable Int32Array: the index builds append millions of (key, name) pairs, which JS arrays (or an array per key)
 * would hold at several times the memory.
 */
export class GrowableInts {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
