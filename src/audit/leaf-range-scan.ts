import { storedLeafHashHex, type JsonValue, type StoredAuditRow } from './audit-entry.ts';
import { projectPayloadText, type PayloadFields, type PayloadPath } from './payload-projection.ts';
import { HASH_BYTES } from './tree-hash.ts';

/**
 * One seq range of the stored log checked on its own (issue 18: `audit verify` of a large log on several cores). A
 * row's leaf hash depends only on its own stored text, and a row's link only on its neighbour, so a range can be read
 * and hashed anywhere — a worker thread with its own read connection — and handed back as a digest: whether every row
 * of the range is present, dense, chained to its predecessor and hashes to its sealed entryHash, and if so the leaf
 * hashes (for the tree and the checkpoints) and the payload fields the caller asked for. The walk in verify-log.ts joins the
 * digests; any range that is not clean is walked again row by row, so the first bad seq is named exactly as before.
 */

/** A request for digests of [from, to) in consecutive ranges of `rangeSize` rows. */
export interface LeafDigestRequest {
  readonly from: number;
  /** Exclusive end (a tree size). */
  readonly to: number;
  readonly rangeSize: number;
  /**
   * Per kind, the payload fields the digest carries for each row of that kind (e.g. the assignment cross-check's); rows
   * of other kinds carry none. The payload is parsed where the row is read and only these fields travel
   * (payload-projection.ts): no payload text is cloned between threads, no JSON is parsed on the verifying thread.
   */
  readonly payloadFields: PayloadFields;
}

/** A row's payload reduced to the fields the request asked for its kind (projectPayload; null if it is not JSON). */
export interface DigestPayload {
  readonly seq: number;
  readonly kind: string;
  readonly subject: string;
  readonly payload: JsonValue;
}

export type LeafRangeDigest =
  | {
      readonly kind: 'clean';
      readonly from: number;
      readonly to: number;
      /** The first row's prevHash: the walk checks it against the previous range's last entryHash. */
      readonly firstPrevHash: string;
      /** The last row's entryHash (the chain head after the range). */
      readonly lastEntryHash: string;
      /** (to − from) leaf hashes, 32 bytes each, in seq order: each equal to its row's entryHash. */
      readonly leaves: Uint8Array;
      readonly payloads: readonly DigestPayload[];
    }
  /** Something in the range is not as sealed (or could not be read): the walk reads it again row by row. */
  | { readonly kind: 'unclean'; readonly from: number; readonly to: number; readonly detail: string };

/** The ranges of a request, in order. */
export function digestRanges(request: LeafDigestRequest): { readonly from: number; readonly to: number }[] {
  const size = Math.max(1, Math.floor(request.rangeSize));
  const ranges: { from: number; to: number }[] = [];
  for (let from = request.from; from < request.to; from += size) ranges.push({ from, to: Math.min(request.to, from + size) });
  return ranges;
}

/** Checks the rows of one range as they are read (in seq order); `digest()` says what it found. */
export class LeafRangeScanner {
  readonly #from: number;
  readonly #to: number;
  readonly #payloadFields: ReadonlyMap<string, readonly PayloadPath[]>;
  readonly #leaves: Buffer;
  readonly #payloads: DigestPayload[] = [];
  #next: number;
  #firstPrevHash = '';
  #lastEntryHash = '';
  #problem: string | null = null;

  constructor(range: { readonly from: number; readonly to: number }, payloadFields: PayloadFields) {
    this.#from = range.from;
    this.#to = range.to;
    this.#next = range.from;
    this.#payloadFields = new Map(Object.entries(payloadFields));
    // An ArrayBuffer of its own (never Node's shared pool): a worker transfers it to the verifying thread.
    const bytes = new ArrayBuffer((range.to - range.from) * HASH_BYTES);
    this.#leaves = Buffer.from(bytes);
  }

  /** Adds the next row read; false once the range is known not to be clean (the caller may stop reading). */
  add(row: StoredAuditRow): boolean {
    if (this.#problem !== null) return false;
    const seq = this.#next;
    if (row.seq !== seq || seq >= this.#to) return this.#fail(`expected seq ${seq}, read ${row.seq}`);
    if (seq === this.#from) this.#firstPrevHash = row.prevHash;
    else if (row.prevHash !== this.#lastEntryHash) return this.#fail(`entry ${seq} does not link to its predecessor`);
    const hex = storedLeafHashHex(row);
    if (hex !== row.entryHash) return this.#fail(`entry ${seq} does not hash to its entryHash`);
    this.#leaves.write(hex, (seq - this.#from) * HASH_BYTES, 'hex');
    this.#lastEntryHash = hex;
    const paths = this.#payloadFields.get(row.kind);
    if (paths) this.#payloads.push({ seq, kind: row.kind, subject: row.subject, payload: projectPayloadText(row.payloadText, paths) });
    this.#next = seq + 1;
    return true;
  }

  #fail(detail: string): false {
    this.#problem = detail;
    return false;
  }

  digest(): LeafRangeDigest {
    const range = { from: this.#from, to: this.#to };
    if (this.#problem === null && this.#next !== this.#to)
      this.#problem = `the range ends after ${this.#next - this.#from} of ${this.#to - this.#from} rows`;
    if (this.#problem !== null) return { kind: 'unclean', ...range, detail: this.#problem };
    return {
      kind: 'clean',
      ...range,
      firstPrevHash: this.#firstPrevHash,
      lastEntryHash: this.#lastEntryHash,
      leaves: this.#leaves,
      payloads: this.#payloads,
    };
  }
}

/** Digests of the request computed here, over rows read in seq order from `rowsIn(range)` (a store without workers). */
export async function* digestsInProcess(
  request: LeafDigestRequest,
  rowsIn: (range: { readonly from: number; readonly to: number }) => AsyncIterable<StoredAuditRow>,
): AsyncGenerator<LeafRangeDigest> {
  for (const range of digestRanges(request)) {
    const scanner = new LeafRangeScanner(range, request.payloadFields);
    for await (const row of rowsIn(range)) if (!scanner.add(row)) break;
    yield scanner.digest();
  }
}
