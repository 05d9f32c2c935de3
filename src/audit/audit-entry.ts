import { canonicalText, jsonString } from './canonical-text.ts';
import { hashLeafPiecesHex, hashLeafText, hashLeafTextHex, toHex } from './tree-hash.ts';

/** JSON data as the audit log stores it (no undefined, no functions, no NaN). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What an audit entry is about. Stable strings: they are part of the hashed bytes. */
export const AUDIT_KINDS = [
  'intake',
  'dedupe',
  'account_match',
  'screening',
  'decision',
  'review',
  'reroute',
  'lifecycle',
  'contact',
  'outreach',
  'org_change',
  'access',
  'erasure',
  'sla',
  'retention',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
export const isAuditKind = (s: string): s is AuditKind => (AUDIT_KINDS as readonly string[]).includes(s);

/**
 * Field name → commitment (`hmac-sha256:<hex>`, see pii-commitment.ts). Personal data never
 * enters the log in clear: only these commitments do.
 */
export type Commitments = Readonly<Record<string, string>>;

/** What the recording code hands over: an event not yet given a position in the log. */
export interface AuditEvent {
  readonly kind: AuditKind;
  /** What the entry is about, e.g. a lead id (`lead:…`), a rep, an org version. */
  readonly subject: string;
  /** Who caused it: a user id, an API key id, or `system`. */
  readonly actor: string;
  /** When it happened (ISO-8601 UTC), as stated by the recording code. */
  readonly at: string;
  readonly payload: JsonValue;
  readonly commitments: Commitments;
}

/**
 * An event as the recording code hands it to the store when it has serialised it itself (issue 18: one serialisation
 * per payload): payload and commitments as canonical JSON text, which the store keeps and the sealer hashes as they
 * are. Only text produced by canonicalDataJson / canonicalJson from a value belongs here (nothing from outside).
 */
export interface AuditTextEvent {
  readonly kind: AuditKind;
  readonly subject: string;
  readonly actor: string;
  readonly at: string;
  /** canonicalDataJson(payload); with `decisionRef`, without the `decision` member (it is spliced in when sealed). */
  readonly payloadText: string;
  readonly commitmentsText: string;
  /**
   * The payload's `decision` member is the document of this `decisions` row (stored there, not twice): the sealer
   * puts `"decision":<document_json>` back at `offset` of payloadText (spliceMember), so the sealed entry is the whole.
   */
  readonly decisionRef?: { readonly decisionId: string; readonly offset: number };
}

/** An event at its position in the log: `seq` is 0-based and dense (0, 1, 2, … with no gaps). */
export interface AuditEntry extends AuditEvent {
  readonly seq: number;
}

/** An entry with its link to the previous one: `prevHash` = the previous entry's entryHash (the genesis hash for seq 0), lowercase hex. */
export interface ChainedEntry extends AuditEntry {
  readonly prevHash: string;
}

/**
 * A sealed entry as the store persists it. `entryHash` (lowercase hex) is the RFC 6962 leaf hash
 * of the canonical entry bytes, and those bytes include `prevHash`: one SHA-256 per entry both
 * places the entry in the Merkle tree and chains it to its predecessor.
 */
export interface SealedAuditRow extends ChainedEntry {
  readonly entryHash: string;
}

/** Version tag inside the leaf bytes; a future format change gets a new number, old entries keep theirs. */
export const ENTRY_FORMAT_VERSION = 1;

/** The object whose canonical JSON is the leaf: every field, including `seq` and `prev`. */
export function leafObject(entry: ChainedEntry): Record<string, unknown> {
  return {
    v: ENTRY_FORMAT_VERSION,
    seq: entry.seq,
    kind: entry.kind,
    subject: entry.subject,
    actor: entry.actor,
    at: entry.at,
    payload: entry.payload,
    commitments: entry.commitments,
    prev: entry.prevHash,
  };
}

/**
 * The canonical leaf bytes of an entry (as text; the bytes are its UTF-8 encoding):
 * canonicalJson(leafObject(entry)) — sorted keys, no whitespace. It covers `seq` (an entry cannot
 * move without changing its hash) and `prev` (nor can its predecessor).
 */
export function entryLeafText(entry: ChainedEntry): string {
  const { seq, kind, subject, actor, at, prevHash } = entry;
  const payload = canonicalText(entry.payload);
  const commitments = canonicalText(entry.commitments);
  const plain =
    typeof kind === 'string' &&
    typeof subject === 'string' &&
    typeof actor === 'string' &&
    typeof at === 'string' &&
    typeof prevHash === 'string' &&
    typeof seq === 'number' &&
    Number.isFinite(seq) &&
    payload !== undefined &&
    commitments !== undefined;
  // canonicalText = canonicalJson (src/domain/shared/canonical-json.ts), byte for byte; the template is the same text with the 9 keys
  // pre-sorted.
  if (!plain) return canonicalText(leafObject(entry));
  return (
    `{"actor":${JSON.stringify(actor)},"at":${JSON.stringify(at)},"commitments":${commitments},"kind":${JSON.stringify(kind)}` +
    `,"payload":${payload},"prev":${JSON.stringify(prevHash)},"seq":${JSON.stringify(seq)},"subject":${JSON.stringify(subject)}` +
    `,"v":${ENTRY_FORMAT_VERSION}}`
  );
}

/**
 * A sealed row exactly as the store holds it: payload and commitments are the canonical JSON text they were sealed
 * with, not parsed. Verification hashes that text as it is (storedLeafText) instead of parsing it and serialising it
 * again: the same bytes for an intact row, at a fraction of the cost, and stricter for an altered one (any change to
 * the stored text, even one that parses to the same value, no longer hashes to the entryHash).
 */
export interface StoredAuditRow {
  readonly seq: number;
  readonly kind: string;
  readonly subject: string;
  readonly actor: string;
  readonly at: string;
  readonly payloadText: string;
  readonly commitmentsText: string;
  readonly prevHash: string;
  readonly entryHash: string;
}

/** The leaf text of a stored row read as the entry at `asSeq`: entryLeafText's template around the stored texts. */
export function storedLeafText(row: StoredAuditRow, asSeq: number = row.seq): string {
  const [head, payloadText, tail] = storedLeafPieces(row, asSeq);
  return `${head}${payloadText}${tail}`;
}

/**
 * hashLeafTextHex(storedLeafText(row, asSeq)), for a long payload without the leaf text: the pieces are hashed one after
 * the other, so the payload (a decision entry's is ~27 KB of two-byte text) is not copied into one string only to be
 * hashed and dropped (lane alloc; a short one is joined, HASH_PIECES_FROM). The pieces meet at ASCII characters (`:`
 * before the payload, `,` after it), so no surrogate pair is split and the UTF-8 bytes are those of the whole text.
 */
export function storedLeafHashHex(row: StoredAuditRow, asSeq: number = row.seq): string {
  if (row.payloadText.length < HASH_PIECES_FROM) return hashLeafTextHex(storedLeafText(row, asSeq));
  return hashLeafPiecesHex(storedLeafPieces(row, asSeq));
}

/**
 * From this payload length (UTF-16 units) on, storedLeafHashHex hashes the pieces; below it, the leaf text is built and
 * hashed in one call: a streaming hash costs ~0.7 us more per leaf than the one-shot, which a short copy does not repay
 * (lane leafhash, Node 24, us per leaf one-shot vs pieces: 450 B 1.4 vs 2.1, 1.3 KB 2.2 vs 2.7, 4 KB 4.5 vs 4.3, 27 KB
 * 23 vs 19, 27 KB of two-byte text 74 vs 65). The leaf-hash worker makes the same choice (leaf-hash-worker.ts).
 */
const HASH_PIECES_FROM = 4096;

/**
 * storedLeafText(row, asSeq) in three pieces, head, stored payload text and tail, for hashing one after the other
 * (storedLeafHashHex here, the leaf-hash worker on another thread: leaf-hasher.ts sends the pieces, not the text).
 */
export function storedLeafPieces(row: StoredAuditRow, asSeq: number = row.seq): readonly [string, string, string] {
  const { actor, at, kind, prevHash, subject } = row;
  return [
    `{"actor":${jsonString(actor)},"at":${jsonString(at)},"commitments":${row.commitmentsText},"kind":${jsonString(kind)},"payload":`,
    row.payloadText,
    `,"prev":${jsonString(prevHash)},"seq":${JSON.stringify(asSeq)},"subject":${jsonString(subject)},"v":${ENTRY_FORMAT_VERSION}}`,
  ];
}

/** RFC 6962 leaf hash of the entry, SHA-256(0x00 ‖ canonical entry bytes): its entryHash. */
export const entryHashOf = (entry: ChainedEntry): Buffer => hashLeafText(entryLeafText(entry));
export const entryHashHex = (entry: ChainedEntry): string => toHex(entryHashOf(entry));

/** Just the entry fields of a row (drops the hashes), e.g. for display. */
export function entryOf(row: AuditEntry): AuditEntry {
  return {
    seq: row.seq,
    kind: row.kind,
    subject: row.subject,
    actor: row.actor,
    at: row.at,
    payload: row.payload,
    commitments: row.commitments,
  };
}
