// CRM write-backs (docs/crm.md): one row per decision to write to a CRM record, written in the transaction of the
// decision; sent by the CRM write-back worker, retried with backoff, dead-lettered, redrivable.

/** SUPERSEDED: a newer write-back for the same record replaced this one before it was sent (never write a stale owner). */
export type CrmWritebackStatus = 'PENDING' | 'SENT' | 'DEAD' | 'SUPERSEDED';
export const CRM_WRITEBACK_STATUSES: readonly CrmWritebackStatus[] = ['PENDING', 'SENT', 'DEAD', 'SUPERSEDED'];

export interface NewCrmWriteback {
  readonly id: string;
  readonly leadId: string;
  /** The crmWriteBack target (org config) the record belongs to. */
  readonly targetId: string;
  readonly recordId: string;
  /** The outbox event whose change this writes. */
  readonly eventId: string;
  /** What to write, as JSON (CrmUpdate, src/app/crm/crm-update.ts). */
  readonly updateJson: string;
  readonly createdAt: string;
}

export interface CrmWritebackRecord extends NewCrmWriteback {
  readonly status: CrmWritebackStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly sentAt: string | null;
  readonly supersededBy: string | null;
}

export interface CrmWritebackRepository {
  /**
   * Inserts a PENDING row and supersedes the PENDING rows of the same (target, record). The new row is due at its
   * `createdAt`, or at the latest due time of a row it supersedes: after the lease of one that may be in flight (so two
   * updates of one record are never on the wire together and the newer lands last), or after the backoff or Retry-After
   * the CRM imposed on that record.
   */
  add(row: NewCrmWriteback): Promise<void>;
  /** Claims up to `limit` due PENDING rows by compare-and-set on their due time: of two racing instances one wins each row. */
  claimDue(now: string, limit: number, leaseUntil: string): Promise<readonly CrmWritebackRecord[]>;
  /** False when the row is no longer PENDING (superseded meanwhile): the write happened, a newer one follows. */
  markSent(id: string, at: string): Promise<boolean>;
  /** attempts + 1 and either the next attempt time or DEAD (`nextAttemptAt` null). False when no longer PENDING. */
  markFailed(id: string, patch: { readonly error: string; readonly nextAttemptAt: string | null }): Promise<boolean>;
  /** Not now (429 Retry-After): due again at `nextAttemptAt`, attempts unchanged. False when no longer PENDING. */
  reschedule(id: string, patch: { readonly error: string; readonly nextAttemptAt: string }): Promise<boolean>;
  /** A DEAD row back to PENDING, due `now`, attempts kept. False unless it was DEAD. */
  redrive(id: string, now: string): Promise<boolean>;
  get(id: string): Promise<CrmWritebackRecord | undefined>;
  /**
   * The lead whose write-backs name this CRM record (the latest row of any of these targets, in any status), or
   * undefined: how a CRM event about the record finds Remit's lead (docs/outcomes.md "From CRM webhooks").
   */
  leadForRecord(targetIds: readonly string[], recordId: string): Promise<string | undefined>;
  list(filter: {
    readonly status?: CrmWritebackStatus;
    readonly leadId?: string;
    readonly limit: number;
  }): Promise<readonly CrmWritebackRecord[]>;
}
