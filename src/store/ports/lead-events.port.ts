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
  /** Oldest first. */
  listForLead(leadId: string): Promise<readonly LeadEventRecord[]>;
}
