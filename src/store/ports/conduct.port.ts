import type { Channel } from '../../domain/conduct/rule-pack.schema.ts';

/**
 * Storage port for the conduct-of-business features (docs/conduct.md, docs/operations.md): the outreach log,
 * opt-outs, consent changes, do-not-call registry scrubs, approved promotions, and the SLA timers.
 * Migration 0005. Instants are ISO-8601 UTC strings; JSON documents are stored as given.
 */

/** The channels the rule pack names (the domain's ChannelSchema), not a copy of them. */
export type OutreachChannel = Channel;

/** One outreach that happened (recorded only when the gate allowed it at that moment). */
export interface OutreachLogRecord {
  readonly id: string;
  readonly leadId: string;
  readonly channel: OutreachChannel;
  /** Per-subject caps count by this (the product or campaign). */
  readonly subject: string;
  readonly templateId: string | null;
  /** E.164 of the recipient at the time (caps also count per number across leads); null for email / letter. */
  readonly phone: string | null;
  readonly repId: string | null;
  readonly actor: string;
  readonly at: string;
  /** The gate's decision that allowed it, JSON text. */
  readonly decisionJson: string;
}

export type OptOutKind = 'stop' | 'unsubscribe' | 'objection';

/** A STOP / unsubscribe / objection. Matched by lead, phone or email, so it follows the person to their other leads. */
export interface OptOutRecord {
  readonly id: string;
  readonly leadId: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly channel: OutreachChannel;
  readonly kind: OptOutKind;
  /** When the person opted out. */
  readonly at: string;
  readonly actor: string;
  readonly recordedAt: string;
}

/** A consent given or withdrawn after intake (the intake consent stays in personal data). */
export interface ConsentChangeRecord {
  readonly id: string;
  readonly leadId: string;
  readonly channel: OutreachChannel;
  readonly action: 'grant' | 'revoke';
  readonly at: string;
  /** grant: the consent text the person saw. */
  readonly wording: string | null;
  /** grant: the number the consent names (TCPA). */
  readonly phone: string | null;
  readonly priorExpressWritten: boolean;
  readonly conditionOfPurchase: boolean;
  readonly actor: string;
  readonly recordedAt: string;
}

/** A scrub of the firm's numbers against a do-not-call registry (US_NATIONAL_DNC, UK_TPS …). */
export interface RegistryScrubRecord {
  readonly registry: string;
  readonly scrubbedAt: string;
  /** E.164 numbers the scrub found listed; every other number was checked and not listed. */
  readonly listed: readonly string[];
  readonly source: string;
}

/** What the gate needs per registry: the scrubs on record and whether this number was listed at each. */
export interface RegistryScrubView {
  readonly registry: string;
  readonly scrubbedAt: string;
  readonly listed: boolean;
}

export interface PromotionRecord {
  readonly id: string;
  readonly approver: string;
  readonly jurisdictions: readonly string[];
  readonly audience: 'all' | 'professional_only';
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly updatedAt: string;
}

export interface ConductRepository {
  appendOutreach(record: OutreachLogRecord): Promise<void>;
  /** Outreach to this lead or (when given) to this number on any lead, oldest first. */
  listOutreach(filter: { readonly leadId: string; readonly phone?: string | null }): Promise<readonly OutreachLogRecord[]>;
  addOptOut(record: OptOutRecord): Promise<void>;
  /** Opt-outs recorded for this lead or for the same phone / email on any lead, oldest first. */
  listOptOuts(filter: {
    readonly leadId: string;
    readonly phone?: string | null;
    readonly email?: string | null;
  }): Promise<readonly OptOutRecord[]>;
  addConsentChange(record: ConsentChangeRecord): Promise<void>;
  listConsentChanges(leadId: string): Promise<readonly ConsentChangeRecord[]>;
  /** Records one scrub run (replaces a run of the same registry at the same instant). */
  recordScrub(record: RegistryScrubRecord): Promise<void>;
  /** Every scrub on record (newest first, at most 10 per registry), each saying whether `phone` was listed. */
  scrubsFor(phone: string): Promise<readonly RegistryScrubView[]>;
  upsertPromotion(record: PromotionRecord): Promise<void>;
  listPromotions(): Promise<readonly PromotionRecord[]>;
  /**
   * Erasure (docs/audit.md): forgets the phone number recorded with the lead's outreach and consent changes
   * (the rows stay: they are the conduct record). Opt-outs are kept as they are, on purpose: an objection
   * must keep suppressing the person's number and address (GDPR Art. 21(3), PECR reg. 21). Returns the rows changed.
   */
  forgetLeadContact(leadId: string): Promise<{ readonly outreach: number; readonly consentChanges: number }>;
  /** Retention: deletes outreach records that happened before `before` (ISO), or only counts them (dryRun). */
  pruneOutreachBefore(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// SLA timers (R12): durable, claimed by one worker at a time, each fired at most once.

/** Deadlines, and the warnings before them (sla.warnBeforeMinutes, docs/conduct.md). */
export type SlaTimerKind = 'accept' | 'first_contact' | 'accept_warning' | 'first_contact_warning';
export type SlaTimerStatus = 'PENDING' | 'FIRED' | 'CANCELLED';

export interface SlaTimerRecord {
  readonly id: string;
  readonly leadId: string;
  readonly kind: SlaTimerKind;
  /** The rep who must act. */
  readonly repId: string;
  readonly teamId: string | null;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly status: SlaTimerStatus;
  readonly createdAt: string;
  readonly closedAt: string | null;
  /** Who closed it: the worker instance for FIRED, the actor / reason for CANCELLED. */
  readonly closedBy: string | null;
  /** What firing did (re-route, escalation …), JSON text. */
  readonly outcomeJson: string | null;
}

export interface SlaTimerRepository {
  schedule(timers: readonly Omit<SlaTimerRecord, 'status' | 'closedAt' | 'closedBy' | 'outcomeJson'>[]): Promise<void>;
  /** Cancels the lead's PENDING timers (of the given kinds; all when omitted); returns how many. */
  cancelPending(
    leadId: string,
    patch: { readonly kinds?: readonly SlaTimerKind[]; readonly at: string; readonly by: string },
  ): Promise<number>;
  /** PENDING timers due at or before `now`, oldest due first. No locks: candidates for claim(). */
  due(now: string, limit: number): Promise<readonly { readonly id: string; readonly leadId: string }[]>;
  /**
   * The timer if still PENDING, locked for this transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so a
   * timer another instance holds is skipped).
   */
  claim(id: string): Promise<SlaTimerRecord | undefined>;
  /** PENDING → FIRED or CANCELLED; fails unless PENDING. */
  close(
    id: string,
    patch: { readonly status: 'FIRED' | 'CANCELLED'; readonly at: string; readonly by: string; readonly outcomeJson: string | null },
  ): Promise<void>;
  /** Oldest first. */
  listForLead(leadId: string): Promise<readonly SlaTimerRecord[]>;
  /** Timers of these leads, oldest first. */
  listForLeads(leadIds: readonly string[]): Promise<readonly SlaTimerRecord[]>;
}
