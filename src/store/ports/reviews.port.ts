// Review queue (docs/routing.md): refused, held and exception leads awaiting compliance.

export type ReviewStatus = 'OPEN' | 'APPROVED' | 'REJECTED';

export interface ReviewRecord {
  readonly id: string;
  readonly leadId: string;
  readonly status: ReviewStatus;
  /** Why it is in the queue: the decision outcome (REFUSED, HELD …) or 'EXCEPTION'. */
  readonly kind: string;
  readonly reasonCodes: readonly string[];
  /** Who asked for review (the system for routing refusals, or a user requesting an exception). */
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  /** Approval/rejection details (team, rep, justification, eligibility re-check, override flag) as JSON text. */
  readonly resolutionJson: string | null;
}

export interface ReviewRepository {
  /**
   * Opens a review; a second OPEN review of the lead is a constraint error — in a PostgreSQL transaction raised by the
   * transaction's next statement (or COMMIT), which the insert travels with; the transaction then rolls back.
   */
  open(record: Omit<ReviewRecord, 'status' | 'decidedBy' | 'decidedAt' | 'resolutionJson'>): Promise<void>;
  /** Reads and locks (PostgreSQL FOR UPDATE) so two approvers cannot both decide. */
  lock(id: string): Promise<ReviewRecord | undefined>;
  get(id: string): Promise<ReviewRecord | undefined>;
  /** The open review for a lead, if any. */
  openForLead(leadId: string): Promise<ReviewRecord | undefined>;
  /** Fails unless the review is OPEN. */
  resolve(
    id: string,
    patch: {
      readonly status: 'APPROVED' | 'REJECTED';
      readonly decidedBy: string;
      readonly decidedAt: string;
      readonly resolutionJson: string;
    },
  ): Promise<void>;
  /** Oldest first; cursor = last seen id from the previous page. */
  page(filter: { readonly status?: ReviewStatus; readonly after?: string; readonly limit: number }): Promise<readonly ReviewRecord[]>;
}
