/**
 * A lead's screening key hashes packed into one value (migration 0045): unsigned 32-bit integers, little-endian, 4 bytes
 * each. One put writes its hashes sorted and distinct; a second put for the same lead appends its own (the port keeps
 * keys already stored), so a reader must not assume order and counts a lead once per key (`hitSlots`).
 */

/** The distinct hashes, ascending, 4 bytes each little-endian. */
export function packKeyHashes(hashes: readonly number[]): Uint8Array {
  const sorted = [...new Set(hashes)].sort((a, b) => a - b);
  const bytes = new Uint8Array(sorted.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < sorted.length; i++) view.setUint32(i * 4, sorted[i]!, true);
  return bytes;
}

/** How many hashes a packed value holds; a length that is not whole hashes is a stored value gone wrong. */
function hashCount(bytes: Uint8Array): number {
  if (bytes.byteLength % 4 !== 0) throw new Error(`packed key hashes of ${bytes.byteLength} bytes: not a multiple of 4`);
  return bytes.byteLength / 4;
}

/** Every hash in a packed value, in stored order (repeats included). */
export function unpackKeyHashes(bytes: Uint8Array): number[] {
  const out = new Array<number>(hashCount(bytes));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

/**
 * The wanted hashes of a scan, each given a slot 0…size−1: an open-addressing table over typed arrays, so testing the
 * ~27 hashes of each of a million leads allocates nothing (a `Set` of numbers above 2^30 would hash boxed doubles).
 */
export class KeyHashIndex {
  /** The wanted hashes (unsigned, distinct), by slot. */
  readonly keys: readonly number[];
  readonly #stored: Uint32Array;
  /** Slot + 1 at each table position; 0 = empty. */
  readonly #slots: Int32Array;
  readonly #shift: number;
  readonly #mask: number;

  constructor(hashes: Iterable<number>) {
    this.keys = [...new Set(hashes)];
    let bits = 4;
    while (1 << bits < this.keys.length * 4) bits++;
    this.#shift = 32 - bits;
    this.#mask = (1 << bits) - 1;
    this.#stored = new Uint32Array(1 << bits);
    this.#slots = new Int32Array(1 << bits);
    for (const [slot, h] of this.keys.entries()) {
      let at = this.#home(h);
      while (this.#slots[at] !== 0) at = (at + 1) & this.#mask;
      this.#stored[at] = h;
      this.#slots[at] = slot + 1;
    }
  }

  get size(): number {
    return this.keys.length;
  }

  /** The slot of `h`, or −1 when it is not wanted. */
  slotOf(h: number): number {
    for (let at = this.#home(h); ; at = (at + 1) & this.#mask) {
      const s = this.#slots[at]!;
      if (s === 0) return -1;
      if (this.#stored[at] === h) return s - 1;
    }
  }

  #home(h: number): number {
    return Math.imul(h, 0x9e3779b1) >>> this.#shift;
  }
}

/** Calls `hit` once for each distinct wanted hash a packed value holds. */
export function hitSlots(bytes: Uint8Array, index: KeyHashIndex, hit: (slot: number) => void): void {
  const n = hashCount(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const h = view.getUint32(i * 4, true);
    if (h <= previous) return hitRestOnce(unpackKeyHashes(bytes), i, index, hit); // appended by a second put
    previous = h;
    const slot = index.slotOf(h);
    if (slot >= 0) hit(slot);
  }
}

/** The hashes from `from` on that the ascending prefix before it did not hold, each once. */
function hitRestOnce(hashes: readonly number[], from: number, index: KeyHashIndex, hit: (slot: number) => void): void {
  const seen = new Set(hashes.slice(0, from));
  for (const h of hashes.slice(from)) {
    if (seen.has(h)) continue;
    seen.add(h);
    const slot = index.slotOf(h);
    if (slot >= 0) hit(slot);
  }
}
