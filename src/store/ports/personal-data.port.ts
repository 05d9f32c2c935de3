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
  /** Overwrites values and salt in place and deletes the lead's screening name keys; false when nothing was stored. */
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
  /**
   * Screening name keys (docs/screening.md "Delta re-screening"): adds the key hashes (unsigned 32-bit) of the names a
   * lead is screened on, in one statement; keys already stored stay (a stale key only adds a candidate).
   */
  putNameKeys(leadId: string, hashes: readonly number[]): Promise<void>;
  /** The fingerprint of the key scheme the stored name keys follow (`undefined` before one was recorded, 0032). */
  nameKeyScheme(): Promise<string | undefined>;
  /**
   * Drops every stored name key and records `scheme` as the one the keys written from now on follow; call it in a
   * transaction. The delta re-screening then writes every lead's keys again (pageContactsWithoutNameKeys).
   */
  resetNameKeys(scheme: string, at: string): Promise<void>;
  /** Whether any lead has stored name keys. */
  anyNameKeys(): Promise<boolean>;
  /** How many leads hold each of these key hashes (hashes held by none are absent). */
  nameKeyCounts(hashes: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /** The stored contacts of these leads (not erased), in one look-up per chunk: the delta's candidates. */
  contactsOf(leadIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The leads holding each of these key hashes. */
  leadsByNameKeys(hashes: readonly number[]): Promise<ReadonlyMap<number, readonly string[]>>;
  /**
   * Like pageContacts, for the leads that have no screening name keys yet (stored before 0029): the delta
   * re-screening writes theirs once.
   */
  pageContactsWithoutNameKeys(filter: {
    readonly statuses: readonly LeadStatus[];
    readonly afterLeadId?: string | undefined;
    readonly limit: number;
  }): Promise<readonly { readonly leadId: string; readonly contactJson: string }[]>;
}
