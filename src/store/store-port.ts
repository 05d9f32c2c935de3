import type { DecisionOutcome } from '../domain/decision/decision.ts';
import type { RoutingStateSnapshot, RoutingStateView, StateChanges } from '../domain/strategies/routing-state.ts';
import type { AuditRepository } from './audit-port.ts';
import type { ConductRepository, SlaTimerRepository } from './conduct-port.ts';
import type { ScreeningListRepository } from './screening-list-port.ts';

export type { AuditRange, AuditRepository, PendingAuditEvent, SealBatch } from './audit-port.ts';

/**
 * The storage port (SPEC I5). Use cases depend on this file only; the SQLite and PostgreSQL
 * adapters implement it with identical observable behaviour (one contract suite runs on both).
 * Timestamps are ISO-8601 UTC strings (`2026-03-01T09:00:00.000Z`), JSON documents are stored as
 * the exact text given, so what was recorded is what is read back, byte for byte.
 */

export type StoreDialect = 'sqlite' | 'postgres';

export interface StoreCapabilities {
  readonly dialect: StoreDialect;
  /**
   * true: the store locks individual rows (PostgreSQL `SELECT … FOR UPDATE`), so transactions on
   * disjoint scopes run in parallel. false: a write transaction holds the database write lock from
   * BEGIN (SQLite `BEGIN IMMEDIATE`), so write transactions are serialised.
   */
  readonly rowLocks: boolean;
  /** Several OS processes may safely share the store (SQLite: only on one host, one file). */
  readonly concurrentProcesses: boolean;
  /** Several Remit instances on different hosts (behind a load balancer) may share the store. */
  readonly multiInstance: boolean;
}

// ---------------------------------------------------------------------------------------------
// Published org versions (SPEC R5): immutable, identified by content hash.

export interface OrgVersionRecord {
  /** Content hash (`sha256:…`), the identity. */
  readonly hash: string;
  /** Author-given label (not unique: the same label may be published with new content; the hash tells them apart). */
  readonly version: string;
  /** Canonical config JSON text. */
  readonly configJson: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface OrgVersionRepository {
  /**
   * Publishes a version. Publishing a hash that already exists is a no-op returning the stored
   * record unchanged (`created: false`), whatever label or author the second call gives. There is
   * no update or delete (the database rejects both).
   */
  publish(input: OrgVersionRecord): Promise<{ readonly record: OrgVersionRecord; readonly created: boolean }>;
  getByHash(hash: string): Promise<OrgVersionRecord | undefined>;
  /** The most recently published version with this label. */
  getByVersion(version: string): Promise<OrgVersionRecord | undefined>;
  /** Oldest first. */
  list(): Promise<readonly OrgVersionRecord[]>;
  /** Makes a published version the one in force (appends to the activation history). */
  activate(input: OrgActivation): Promise<void>;
  /** The version in force: the latest activation; undefined before the first. */
  current(): Promise<OrgActivation | undefined>;
  /** Every activation, oldest first: which version was in force when, and who made it so. */
  activations(): Promise<readonly OrgActivation[]>;
}

export interface OrgActivation {
  readonly hash: string;
  readonly activatedAt: string;
  readonly activatedBy: string;
}

// ---------------------------------------------------------------------------------------------
// Leads.

/**
 * NEW exists only inside the transaction that routes the lead; CLOSED frees the rep's capacity.
 * DUPLICATE: linked to an open original (duplicateOf), never routed. ACCEPTED … LOST, ERASED: the
 * lifecycle after assignment (SPEC C5).
 */
export type LeadStatus =
  | 'NEW'
  | DecisionOutcome
  | 'CLOSED'
  | 'DUPLICATE'
  | 'ACCEPTED'
  | 'CONTACTED'
  | 'QUALIFIED'
  | 'PROPOSAL'
  | 'WON'
  | 'LOST'
  | 'ERASED';
export const LEAD_STATUSES: readonly LeadStatus[] = [
  'NEW',
  'ASSIGNED',
  'QUEUED',
  'REFUSED',
  'HELD',
  'NURTURE',
  'CLOSED',
  'DUPLICATE',
  'ACCEPTED',
  'CONTACTED',
  'QUALIFIED',
  'PROPOSAL',
  'WON',
  'LOST',
  'ERASED',
];
/** Statuses in which a lead occupies its rep's open-lead capacity (assigned and being worked). */
export const HOLDS_REP_CAPACITY: readonly LeadStatus[] = ['ASSIGNED', 'ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL'];
export const holdsRepCapacity = (status: LeadStatus): boolean => HOLDS_REP_CAPACITY.includes(status);
/**
 * Statuses no review or exception may assign (B3): the personal data is gone (ERASED), the lead is a
 * link to its original (DUPLICATE), or its story is over (CLOSED, WON, LOST). A reopened lead is a new lead.
 */
export const NOT_ROUTABLE_STATUSES: readonly LeadStatus[] = ['ERASED', 'DUPLICATE', 'CLOSED', 'WON', 'LOST'];
export const isRoutableStatus = (status: LeadStatus): boolean => !NOT_ROUTABLE_STATUSES.includes(status);
/** Statuses in which a lead counts as open for dedupe. */
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['ASSIGNED', 'QUEUED', 'REFUSED', 'HELD', 'NURTURE', 'ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL'];

export interface LeadRecord {
  readonly id: string;
  readonly status: LeadStatus;
  readonly teamId: string | null;
  readonly repId: string | null;
  /** Org version of the latest decision about this lead. */
  readonly orgHash: string;
  /** The normalised lead (LeadSchema output) as JSON text. */
  readonly leadJson: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** For DUPLICATE leads: the open original it was linked to. */
  readonly duplicateOf: string | null;
}

export interface LeadRepository {
  /**
   * Inserts the lead with status NEW unless a lead with this id exists, and locks its row
   * (PostgreSQL: FOR UPDATE; SQLite: the transaction already holds the write lock). Returns the
   * stored record and whether this call created it. Call inside a transaction.
   */
  claim(input: { readonly id: string; readonly orgHash: string; readonly leadJson: string; readonly receivedAt: string }): Promise<{ readonly record: LeadRecord; readonly created: boolean }>;
  /** Reads and locks (PostgreSQL: FOR UPDATE) an existing lead. */
  lock(id: string): Promise<LeadRecord | undefined>;
  get(id: string): Promise<LeadRecord | undefined>;
  /** Records the outcome of a decision on the lead row. Fails if the lead does not exist. */
  update(
    id: string,
    patch: {
      readonly status: LeadStatus;
      readonly teamId: string | null;
      readonly repId: string | null;
      readonly orgHash: string;
      readonly updatedAt: string;
      readonly duplicateOf?: string | null;
      /** Replaces the stored lead when a later decision used a changed lead (e.g. screening cleared by compliance). */
      readonly leadJson?: string;
    },
  ): Promise<void>;
  /** Oldest received first. */
  list(filter?: { readonly status?: LeadStatus; readonly repId?: string }): Promise<readonly LeadRecord[]>;
  /**
   * Cursor pagination in (receivedAt, id) order, oldest first: `after` is the last id of the
   * previous page. Filters combine with AND; `receivedFrom`/`receivedTo` are inclusive/exclusive ISO times.
   */
  page(filter: {
    readonly status?: LeadStatus;
    readonly repId?: string;
    readonly teamId?: string;
    readonly receivedFrom?: string;
    readonly receivedTo?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<readonly LeadRecord[]>;
  /** Retention: ids of leads in one of `statuses` last changed before `before` (ISO), least recently changed first. */
  idleSince(filter: {
    readonly statuses: readonly LeadStatus[];
    readonly before: string;
    readonly limit: number;
  }): Promise<readonly string[]>;
}

// ---------------------------------------------------------------------------------------------
// Decisions: append-only (no update or delete, enforced by database triggers as well).

export interface DecisionRecord {
  readonly decisionId: string;
  readonly leadId: string;
  readonly outcome: DecisionOutcome;
  readonly teamId: string | null;
  readonly repId: string | null;
  readonly orgHash: string;
  /** The full Decision document as JSON text; its decisionId, leadId, outcome and ruleSet.hash must match the columns. */
  readonly documentJson: string;
  readonly decidedAt: string;
}

export interface DecisionRepository {
  /** Fails with StoreInputError when the document disagrees with the columns; with a constraint error when the lead or org version is missing. */
  append(record: DecisionRecord): Promise<void>;
  get(decisionId: string): Promise<DecisionRecord | undefined>;
  /** Oldest first. */
  listForLead(leadId: string): Promise<readonly DecisionRecord[]>;
  /** Oldest first (decidedAt, then decisionId). */
  list(filter?: { readonly outcome?: DecisionOutcome; readonly repId?: string }): Promise<readonly DecisionRecord[]>;
}

// ---------------------------------------------------------------------------------------------
// Routing state: round-robin ledgers per pool and load per rep.

export interface RoutingScope {
  readonly pools: readonly string[];
  readonly repIds: readonly string[];
}

export interface RoutingStateRepository {
  /**
   * Locks the pool rows and rep rows of the scope and returns their state. PostgreSQL: missing
   * rows are inserted first (ON CONFLICT DO NOTHING), then locked with SELECT … FOR UPDATE, pools
   * then reps, each in sorted order. SQLite: the write transaction already excludes every other
   * writer. The view throws when asked about a pool or rep outside the scope. Call inside a
   * transaction, before reading the clock.
   */
  lockScope(scope: RoutingScope): Promise<RoutingStateView>;
  /** Applies a decision's changes with the semantics of the domain's applyChanges(). The scope must be locked. */
  apply(changes: StateChanges): Promise<void>;
  /** Decrements the rep's open load (never below 0). The rep must be locked (lockScope). */
  releaseOpen(repId: string): Promise<void>;
  /** The whole routing state as the domain's plain snapshot (pools that never assigned and reps never assigned are absent). */
  snapshot(): Promise<RoutingStateSnapshot>;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Personal data (SPEC C8, R11): kept apart from leads and decisions so it can be erased while the
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
}

// ---------------------------------------------------------------------------------------------
// Dedupe (SPEC R9): keys (e.g. "email:ann@x.com", "phone:+4420…", "name_company:ann lee|acme") of
// open leads. lockKeys serialises concurrent intakes of the same person across instances.

export interface DedupeRepository {
  /** Creates missing key rows and locks them (PostgreSQL FOR UPDATE, sorted); SQLite: no-op beyond the write lock. */
  lockKeys(keys: readonly string[]): Promise<void>;
  /** The oldest lead holding any of the keys whose status is one of `openStatuses`, with the key that matched. */
  findOpen(keys: readonly string[], openStatuses: readonly LeadStatus[]): Promise<{ readonly leadId: string; readonly key: string } | undefined>;
  add(leadId: string, keys: readonly string[]): Promise<void>;
  /** Removes a lead's keys (erasure: the keys are personal data). */
  removeForLead(leadId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Idempotency (SPEC I1): a retried request with the same key returns the stored response.

export interface IdempotencyRecord {
  /** Who may replay it: e.g. the API key id. Keys are unique per scope. */
  readonly scope: string;
  readonly key: string;
  /** SHA-256 of the canonical request; a different body under the same key is a client error. */
  readonly requestHash: string;
  readonly statusCode: number;
  readonly responseJson: string;
  readonly createdAt: string;
}

export interface IdempotencyRepository {
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Inserts; when (scope, key) already exists, returns the existing record instead (first writer wins). */
  put(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /**
   * Erasure (SPEC C8): replaces the stored answer of every record that answered with this lead
   * (`"leadId":"<id>"` in the response) by `responseJson`; the key and request hash stay, so a retry
   * still creates nothing. Returns how many records were rewritten.
   */
  replaceResponsesForLead(leadId: string, responseJson: string): Promise<number>;
  /** Retention: deletes the records created before `before` (ISO instant), or only counts them (dryRun); returns how many. */
  pruneCreatedBefore(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Accounts (SPEC R8): importable; matched by email domain and normalised company name.

export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  /** Lower-case email domains. */
  readonly domains: readonly string[];
  readonly ownerRep: string | null;
  readonly tier: string | null;
  readonly updatedAt: string;
}

export interface AccountRepository {
  /** Inserts or replaces by id. */
  upsert(accounts: readonly AccountRecord[]): Promise<void>;
  list(): Promise<readonly AccountRecord[]>;
  get(id: string): Promise<AccountRecord | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Lead history (SPEC C3, R9 …): append-only events with who, when and why.

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

// ---------------------------------------------------------------------------------------------
// Review queue (SPEC C3): refused, held and exception leads awaiting compliance.

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
  open(record: Omit<ReviewRecord, 'status' | 'decidedBy' | 'decidedAt' | 'resolutionJson'>): Promise<void>;
  /** Reads and locks (PostgreSQL FOR UPDATE) so two approvers cannot both decide. */
  lock(id: string): Promise<ReviewRecord | undefined>;
  get(id: string): Promise<ReviewRecord | undefined>;
  /** The open review for a lead, if any. */
  openForLead(leadId: string): Promise<ReviewRecord | undefined>;
  /** Fails unless the review is OPEN. */
  resolve(id: string, patch: { readonly status: 'APPROVED' | 'REJECTED'; readonly decidedBy: string; readonly decidedAt: string; readonly resolutionJson: string }): Promise<void>;
  /** Oldest first; cursor = last seen id from the previous page. */
  page(filter: { readonly status?: ReviewStatus; readonly after?: string; readonly limit: number }): Promise<readonly ReviewRecord[]>;
}

// ---------------------------------------------------------------------------------------------
// API keys (SPEC C9): only a hash is stored; the secret is shown once at creation.

export type Role = 'admin' | 'ops' | 'compliance' | 'rep' | 'integration';
export const ROLES: readonly Role[] = ['admin', 'ops', 'compliance', 'rep', 'integration'];

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** For role rep: which rep the key acts as. */
  readonly repId: string | null;
  /** SHA-256 hex of the secret. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
}

export interface ApiKeyRepository {
  create(record: Omit<ApiKeyRecord, 'revokedAt'>): Promise<void>;
  findBySecretHash(secretHash: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<readonly ApiKeyRecord[]>;
  /** Returns false when the key does not exist or was already revoked. */
  revoke(id: string, revokedAt: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Transactional outbox and webhooks (SPEC O6). Events are enqueued in the same transaction as the
// change; a dispatcher claims due deliveries (PostgreSQL: FOR UPDATE SKIP LOCKED, so several
// instances share the work and each delivery is attempted by one of them at a time).

export interface WebhookSubscriptionRecord {
  readonly id: string;
  readonly url: string;
  /** HMAC-SHA256 secret. */
  readonly secret: string;
  /** Event types, or ['*']. */
  readonly events: readonly string[];
  readonly active: boolean;
  readonly createdAt: string;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD';

export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly subscriptionId: string;
  /** The event body sent, JSON text. */
  readonly payloadJson: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export interface OutboxRepository {
  upsertSubscription(record: WebhookSubscriptionRecord): Promise<void>;
  listSubscriptions(): Promise<readonly WebhookSubscriptionRecord[]>;
  /** Creates one PENDING delivery (due at `createdAt`) per active subscription whose events match; returns how many. */
  enqueue(event: { readonly eventId: string; readonly eventType: string; readonly payloadJson: string; readonly createdAt: string }, newDeliveryId: () => string): Promise<number>;
  /** PENDING deliveries due at or before `now`, oldest first, locked for this transaction (SKIP LOCKED on PostgreSQL). */
  claimDue(now: string, limit: number): Promise<readonly DeliveryRecord[]>;
  /** Reserves a claimed delivery for this sender: pushes its due time to `until` (attempts unchanged). */
  lease(id: string, until: string): Promise<void>;
  markDelivered(id: string, at: string): Promise<void>;
  /** Records a failed attempt: attempts + 1, and either a next attempt time or DEAD. */
  markFailed(id: string, patch: { readonly error: string; readonly nextAttemptAt: string | null }): Promise<void>;
  /** Sets a DEAD delivery back to PENDING, due now, attempts kept. Returns false unless it was DEAD. */
  redrive(id: string, now: string): Promise<boolean>;
  getDelivery(id: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(filter: { readonly status?: DeliveryStatus; readonly after?: string; readonly limit: number }): Promise<readonly DeliveryRecord[]>;
  /** Retention: deletes finished (DELIVERED, DEAD) deliveries created before `before`, or only counts them (dryRun). */
  pruneFinishedDeliveries(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Suppressions (SPEC C4): do-not-contact lists, imported in bulk (`remit import --kind suppression`).

export type SuppressionKind = 'email' | 'phone' | 'domain';
export const SUPPRESSION_KINDS: readonly SuppressionKind[] = ['email', 'phone', 'domain'];

export interface SuppressionRecord {
  readonly kind: SuppressionKind;
  /** Normalised: email lower-case address, phone E.164, domain lower-case. */
  readonly value: string;
  readonly reason: string | null;
  /** Where the entry came from (e.g. `import:dnc.csv`). */
  readonly source: string;
  readonly createdAt: string;
}

export interface SuppressionRepository {
  /** Inserts or replaces by (kind, value); the last record wins when a pair repeats. */
  upsert(records: readonly SuppressionRecord[]): Promise<void>;
  /** The entries matching any of the given (kind, value) pairs, ordered by kind then value. */
  find(keys: readonly { readonly kind: SuppressionKind; readonly value: string }[]): Promise<readonly SuppressionRecord[]>;
  /** Returns false when there was no such entry. */
  remove(kind: SuppressionKind, value: string): Promise<boolean>;
  /** Ordered by (kind, value); `after` is the last (kind, value) of the previous page. */
  page(filter: { readonly kind?: SuppressionKind; readonly after?: { readonly kind: SuppressionKind; readonly value: string }; readonly limit: number }): Promise<readonly SuppressionRecord[]>;
  count(): Promise<number>;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Console sessions (issue 7): shared by every instance, so the console works behind a load balancer.

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie value: the cookie itself is never stored. */
  readonly idHash: string;
  /** SHA-256 (hex) of the API key the session was opened with; the key is re-resolved on every request. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionRepository {
  create(record: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Returns false when there was no such session. */
  delete(idHash: string): Promise<boolean>;
  /** Deletes sessions that expired at or before `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}

/** The repositories, bound to one transaction (or, on Store itself, to auto-committed statements). */
export interface UnitOfWork {
  readonly orgVersions: OrgVersionRepository;
  readonly leads: LeadRepository;
  readonly decisions: DecisionRepository;
  readonly routingState: RoutingStateRepository;
  readonly personalData: PersonalDataRepository;
  readonly dedupe: DedupeRepository;
  readonly idempotency: IdempotencyRepository;
  readonly accounts: AccountRepository;
  readonly events: LeadEventRepository;
  readonly reviews: ReviewRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly outbox: OutboxRepository;
  readonly suppressions: SuppressionRepository;
  readonly sessions: SessionRepository;
  /** Tamper-evident audit trail (audit-port.ts): append in the business transaction; sealed by the sealer. */
  readonly audit: AuditRepository;
  /** Outreach log, opt-outs, consent changes, registry scrubs, promotions (conduct-port.ts). */
  readonly conduct: ConductRepository;
  /** SLA timers (conduct-port.ts). */
  readonly slaTimers: SlaTimerRepository;
  /** Screening list versions in force and reloads awaiting approval (screening-list-port.ts). */
  readonly screeningLists: ScreeningListRepository;
}

/** Why the store refuses writes: the reason code `GET /ready` reports. */
export type StoreFaultReason = 'STORE_FILE_MISSING' | 'STORE_FILE_REPLACED' | 'STORE_CORRUPT' | 'STORE_UNREACHABLE';

/**
 * Whether the store may be written to. SQLite: the open file is still the one at the configured
 * path (device and inode of the file, its folder and its -wal) and the last periodic
 * `PRAGMA quick_check` passed. PostgreSQL: the database answers. A fault found once stays until
 * restart (a replaced or damaged file does not heal by itself).
 */
export type StoreHealth =
  | { readonly kind: 'healthy'; readonly integrityCheckedAt: string | null }
  | { readonly kind: 'faulted'; readonly reason: StoreFaultReason; readonly detail: string; readonly since: string };

/** What `GET /metrics` reads on a scrape (cheap: indexed counts, one round trip). */
export interface OperationalCounts {
  readonly queuedLeads: number;
  /** Webhook deliveries waiting to be sent (PENDING, due or backing off). */
  readonly pendingDeliveries: number;
  /** Audit inbox entries not yet sealed into the log, and when the oldest was recorded. */
  readonly unsealedAuditEntries: number;
  readonly oldestUnsealedAt: string | null;
}

export interface Store extends UnitOfWork {
  readonly capabilities: StoreCapabilities;
  /** Operational figures for metrics, read outside any transaction. */
  operationalCounts(): Promise<OperationalCounts>;
  /** Checks now (cheap: a few stat calls, or `select 1`); see StoreHealth. */
  health(): Promise<StoreHealth>;
  /**
   * Runs fn in one write transaction: everything fn wrote commits together, or (when fn throws)
   * nothing does. fn may be re-run when the database reports a deadlock, a serialisation failure or
   * a busy lock before any commit, so fn must not have side effects outside the transaction other
   * than drawing ids and reading the clock. Inside fn use only `tx`, never the Store's own
   * repositories (SQLite has one connection: that would wait for itself).
   */
  transaction<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T>;
  /** Versions of the migrations applied to this database, ascending. */
  appliedMigrations(): Promise<readonly number[]>;
  close(): Promise<void>;
}
