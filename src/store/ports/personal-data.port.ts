import type { LeadStatus } from '../../domain/lead/lead-status.ts';

// Personal data (docs/audit.md, docs/intake.md): kept apart from leads and decisions so it can be erased while the
// decision record stays. The per-lead salt is what audit commitments are keyed with; erasure
// deletes salt and values together.

export interface PersonalDataRecord {
  readonly leadId: string;
  /** Hex salt for commitments (HMAC keys) to this lead's personal fields. */
  readonly salt: string;
  /** Normalised contact (names, email, phone, company, date of birth) as JSON text. */
  readonly contactJson: string;
  /** The payload exactly as received (R11: the raw payload is kept), as JSON text. */
  readonly rawJson: string;
  /** Consent and lawful basis (C8) as JSON text, or null when none was given. */
  readonly consentJson: string | null;
  readonly createdAt: string;
  /** Set when erased; then contactJson/rawJson/consentJson are '{}'/'{}'/null and salt is ''. */
  readonly erasedAt: string | null;
}

export interface PersonalDataRepository {
  put(record: Omit<PersonalDataRecord, 'erasedAt'>): Promise<void>;
  get(leadId: string): Promise<PersonalDataRecord | undefined>;
  /** Overwrites values and salt in place; returns false when nothing was stored for the lead. */
  erase(leadId: string, erasedAt: string): Promise<boolean>;
  /**
   * The stored contacts of leads in these statuses, not erased, by lead id after `afterLeadId`: what delta
   * re-screening (docs/screening.md) pages through to build its reverse index over leads.
   */
  pageContacts(filter: {
    readonly statuses: readonly LeadStatus[];
    readonly afterLeadId?: string | undefined;
    readonly limit: number;
  }): Promise<readonly { readonly leadId: string; readonly contactJson: string }[]>;
}
