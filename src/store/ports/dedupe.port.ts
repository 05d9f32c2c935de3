import type { LeadStatus } from '../../domain/lead/lead-status.ts';

// Dedupe (docs/intake.md): keys (e.g. "email:ann@x.com", "phone:+4420…", "name_company:ann lee|acme") of
// open leads. lockKeys serialises concurrent intakes of the same person across instances.

export interface DedupeRepository {
  /**
   * Creates missing key rows and locks them (PostgreSQL FOR UPDATE, sorted); SQLite: no-op beyond the write lock. In a
   * PostgreSQL transaction the lock travels with the transaction's next statement, which runs only once it is held.
   */
  lockKeys(keys: readonly string[]): Promise<void>;
  /** The oldest lead holding any of the keys whose status is one of `openStatuses`, with the key that matched. */
  findOpen(
    keys: readonly string[],
    openStatuses: readonly LeadStatus[],
  ): Promise<{ readonly leadId: string; readonly key: string } | undefined>;
  /**
   * The most recent lead, in any status, holding any of the keys, with the key that matched and its rep
   * (existing-contact matching, docs/intake.md "Existing contacts"). Erased leads hold no keys.
   */
  findLatest(
    keys: readonly string[],
  ): Promise<{ readonly leadId: string; readonly key: string; readonly repId: string | null } | undefined>;
  /**
   * findOpen(keys, openStatuses) and findLatest(contactKeys) in one read (issue 18: the intake asks both, after locking
   * the keys; one statement on SQLite, one round trip on PostgreSQL). Answers exactly what the two would.
   */
  findOpenAndLatest(
    keys: readonly string[],
    openStatuses: readonly LeadStatus[],
    contactKeys: readonly string[],
  ): Promise<{
    readonly open: { readonly leadId: string; readonly key: string } | undefined;
    readonly latest: { readonly leadId: string; readonly key: string; readonly repId: string | null } | undefined;
  }>;
  add(leadId: string, keys: readonly string[]): Promise<void>;
  /** Removes a lead's keys (erasure: the keys are personal data). */
  removeForLead(leadId: string): Promise<void>;
}
