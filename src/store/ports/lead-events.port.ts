// Lead history (docs/routing.md, docs/intake.md …): append-only events with who, when and why.

export interface LeadEventRecord {
  /** Assigned by the store, increasing. */
  readonly seq: number;
  readonly leadId: string;
  /** e.g. 'intake', 'duplicate', 'screening', 'decision', 'review.requested', 'review.approved', 'review.rejected', 'erasure'. */
  readonly kind: string;
  readonly actor: string;
  readonly at: string;
  readonly payloadJson: string;
}

export interface LeadEventRepository {
  append(event: Omit<LeadEventRecord, 'seq'>): Promise<LeadEventRecord>;
  /**
   * Appends several events with one statement (one round trip), in the given order: their seqs increase in that
   * order. The records come back in the same order. Nothing is written when any event is invalid.
   */
  appendMany(events: readonly Omit<LeadEventRecord, 'seq'>[]): Promise<readonly LeadEventRecord[]>;
  /**
   * As appendMany, for a caller that does not need the seqs: inside a transaction the store may send the insert later,
   * with the transaction's other writes (issue 18), so a database error (an unknown lead) surfaces at the latest when
   * the transaction ends, and rolls it back. The seqs still increase in the given order, after earlier appends.
   */
  record(events: readonly Omit<LeadEventRecord, 'seq'>[]): Promise<void>;
  /** Oldest first. */
  listForLead(leadId: string): Promise<readonly LeadEventRecord[]>;
}
