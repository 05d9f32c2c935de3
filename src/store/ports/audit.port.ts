import type {
  AuditEvent,
  AuditTextEvent,
  LeafDigestRequest,
  LeafRangeDigest,
  PublicKeyRecord,
  SealedAuditRow,
  SealerState,
  StoredAuditRow,
  StoredCheckpoint,
} from '../../audit/index.ts';

/**
 * Storage port of the tamper-evident audit trail (design in docs/audit.md).
 *
 * Writers call `append` inside the business transaction that makes the change: the entry lands in
 * an unsequenced inbox, so concurrent transactions (and instances) never contend on the log. The
 * sealer (one at a time: `tryLockSealer`) moves inbox rows into the sealed log with `commitSeal`,
 * in one transaction. Sealed rows and checkpoints are never updated or deleted: there is no method
 * for it, and the database rejects it (triggers).
 */

export interface PendingAuditEvent {
  /** Inbox position: insertion order (PostgreSQL: identity; SQLite: rowid). */
  readonly inboxId: number;
  readonly event: AuditEvent;
}

/**
 * How a decision entry's row stores its payload without the `decision` member (migrations 0030 and 0049): the
 * `decisions` row it references, where the member goes back, and the payload text as stored (marked there, without
 * the member). The sealer passes it on from the inbox row to the log row, so the document is stored once.
 */
export interface StoredDecisionRef {
  readonly decisionId: string;
  readonly offset: number;
  readonly storedText: string;
}

/** An entry's texts as sealed (the whole payload, hashed) and, for a decision entry, how its row stores it. */
export type SealableAuditText = Omit<StoredAuditRow, 'seq' | 'prevHash' | 'entryHash'> & { readonly decisionRef?: StoredDecisionRef };

/** An inbox row as the sealer reads it: payload and commitments as stored canonical text, a referenced decision put back. */
export interface PendingAuditText {
  readonly inboxId: number;
  readonly entry: SealableAuditText;
}

export interface SealBatch {
  /**
   * Sealed rows with their canonical payload and commitments text (stored as they are: that text was hashed), except a
   * row with `decisionRef`, stored as its inbox row was: the payload without the decision, and the reference.
   */
  readonly rows: readonly (StoredAuditRow & { readonly decisionRef?: StoredDecisionRef })[];
  readonly checkpoint: StoredCheckpoint;
  /** The sealer state after the batch (persisted with it). */
  readonly state: SealerState;
  /** The inbox rows the batch sealed (deleted in the same transaction). */
  readonly inboxIds: readonly number[];
  /** Log size the batch was sealed on: the stored state must still say so (fencing), else the batch fails. */
  readonly expectedSize: number;
}

export interface AuditRange {
  /** First seq (inclusive, default 0). */
  readonly from?: number;
  /** End seq (exclusive, default: the end of the log). */
  readonly to?: number;
}

export interface AuditRepository {
  /**
   * Records an event in the inbox, in the caller's transaction. Payload and commitments are stored as canonical JSON
   * text: serialised here for an AuditEvent, kept as given for an AuditTextEvent (the app's own canonical text). An
   * AuditTextEvent with `decisionRef` names a `decisions` row written in the same transaction.
   */
  append(event: AuditEvent | AuditTextEvent): Promise<void>;
  /** Records several events in this order with one statement (inbox ids ascending in array order). */
  appendMany(events: readonly (AuditEvent | AuditTextEvent)[]): Promise<void>;
  /** Entries recorded but not yet sealed. */
  pendingCount(): Promise<number>;

  // --- sealing (call inside one transaction) --------------------------------------------------
  /**
   * Sealer election for this transaction: PostgreSQL `pg_try_advisory_xact_lock` on a key of the
   * schema (released at commit/rollback, so any instance can take over at the next round); SQLite:
   * true (the write transaction already excludes every other writer).
   */
  tryLockSealer(): Promise<boolean>;
  /** The persisted sealer state, locked (FOR UPDATE); undefined before the first seal. */
  lockSealerState(): Promise<SealerState | undefined>;
  /** Up to `limit` inbox rows visible now, oldest first, parsed (a referenced decision document in its place). */
  pending(limit: number): Promise<readonly PendingAuditEvent[]>;
  /**
   * The same rows as the sealer hashes them: canonical text as stored, with `"decision":<document_json>` spliced back
   * into an entry that references its `decisions` row. A reference to a missing row fails (AuditReferenceError): the
   * entry is never sealed without it, nor skipped.
   */
  pendingTexts(limit: number): Promise<readonly PendingAuditText[]>;
  /** Appends the sealed rows and the checkpoint, deletes the sealed inbox rows and stores the new state. */
  commitSeal(batch: SealBatch): Promise<void>;

  // --- reading --------------------------------------------------------------------------------
  /** Log id (from the sealer state), undefined while nothing has been sealed. */
  logId(): Promise<string | undefined>;
  /** Number of sealed entries (max seq + 1; a tampered log may have gaps). */
  size(): Promise<number>;
  /** Sealed rows in seq order, streamed in pages. */
  rows(range?: AuditRange): AsyncIterable<SealedAuditRow>;
  /** The same rows with payload and commitments as the stored text, unparsed: what `audit verify` hashes. */
  storedRows(range?: AuditRange): AsyncIterable<StoredAuditRow>;
  /**
   * `audit verify` of a large log (issue 18): the rows of [from, to) checked range by range where the data is
   * (leaf-range-scan.ts), in order, one digest per range of `rangeSize` rows. SQLite (a file): on worker threads, each
   * with its own read-only connection; otherwise in this process over the paged rows. A range that could not be read is
   * reported unclean, never skipped: the verifier then reads it row by row.
   */
  leafDigests(request: LeafDigestRequest): AsyncIterable<LeafRangeDigest>;
  /** Sealed rows about one subject (e.g. a lead id), in seq order. */
  rowsForSubject(subject: string): Promise<readonly SealedAuditRow[]>;
  /** Sealed rows whose `at` lies in [fromAt, toAt), in seq order, streamed. */
  rowsInDateRange(range: { readonly fromAt?: string; readonly toAt?: string }): AsyncIterable<SealedAuditRow>;
  /** entryHash (hex) of entries [0, size), in seq order, streamed (to build proofs). */
  entryHashes(size: number): AsyncIterable<string>;
  /** Oldest first. */
  checkpoints(): Promise<readonly StoredCheckpoint[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;

  // --- keys -------------------------------------------------------------------------------------
  /** The public key ring, oldest first. */
  keyRing(): Promise<readonly PublicKeyRecord[]>;
  /**
   * Adds a public key. Rotation: every open key (validTo null) other than this one is closed at
   * `record.validFrom`. Adding a key that is already in the ring changes nothing.
   */
  addKey(record: PublicKeyRecord): Promise<void>;
}
