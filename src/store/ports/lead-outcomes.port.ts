import type { OutcomeChannel, OutcomeKind } from '../../domain/outcomes/outcome-kind.ts';
import type { LeadAttribution } from '../../domain/outcomes/outcome-report.ts';

// Lead outcomes (migration 0027, docs/outcomes.md): append-only; a lead's latest outcome is current, the rest its history.

export interface LeadOutcomeRecord {
  readonly id: string;
  readonly leadId: string;
  /** 1 for a lead's first outcome; each later one supersedes the one before. */
  readonly seq: number;
  readonly kind: OutcomeKind;
  readonly value: number | null;
  /** ISO 4217 code; null when no value was given. */
  readonly currency: string | null;
  readonly reasonCode: string;
  /** Free text; cleared when the lead is erased (it may name the person). */
  readonly note: string | null;
  readonly closedAt: string;
  readonly recordedAt: string;
  /** A person's user id, or the source (`import:<file>`, `crm:<source id>`). */
  readonly recordedBy: string;
  readonly channel: OutcomeChannel;
  /** The decision the outcome attaches to (the lead's latest), and its facts. */
  readonly decisionId: string | null;
  readonly attribution: LeadAttribution;
}

export interface LeadOutcomeRepository {
  /**
   * Appends the lead's next outcome (seq = previous + 1) and returns it. Fails with StoreInputError on bad input;
   * with a constraint error when the lead does not exist. Call in the transaction that locked the lead.
   */
  append(input: Omit<LeadOutcomeRecord, 'seq'>): Promise<LeadOutcomeRecord>;
  /** The lead's outcomes, oldest first (the last is current). */
  listForLead(leadId: string): Promise<readonly LeadOutcomeRecord[]>;
  /** The current outcome of each of these leads (leads without one are absent). */
  currentFor(leadIds: readonly string[]): Promise<ReadonlyMap<string, LeadOutcomeRecord>>;
  /** Every lead's current outcome (one per lead), in lead id order: what the conversion model is built from. */
  currentAll(): Promise<readonly LeadOutcomeRecord[]>;
  /** How many outcome rows exist (append-only, so it only grows: the conversion model's rebuild watermark). */
  count(): Promise<number>;
  /** Erasure: clears the free-text notes of the lead's outcomes; the facts stay. Returns how many notes were cleared. */
  forgetNotes(leadId: string): Promise<number>;
}
