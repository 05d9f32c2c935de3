import type { AccountRepository } from './ports/accounts.port.ts';
import type { ApiKeyRepository, SessionRepository } from './ports/access.port.ts';
import type { AuditRepository } from './ports/audit.port.ts';
import type { ConductRepository, SlaTimerRepository } from './ports/conduct.port.ts';
import type { DecisionRepository } from './ports/decisions.port.ts';
import type { DedupeRepository } from './ports/dedupe.port.ts';
import type { IdempotencyRepository } from './ports/idempotency.port.ts';
import type { LeadEventRepository } from './ports/lead-events.port.ts';
import type { LeadRepository } from './ports/leads.port.ts';
import type { OrgDraftRepository } from './ports/org-drafts.port.ts';
import type { OrgVersionRepository } from './ports/org-versions.port.ts';
import type { OutboxRepository } from './ports/outbox.port.ts';
import type { PersonalDataRepository } from './ports/personal-data.port.ts';
import type { RepPresenceRepository } from './ports/rep-presence.port.ts';
import type { NotificationRepository } from './ports/notifications.port.ts';
import type { NotificationRunRepository } from './ports/notification-runs.port.ts';
import type { LeadOutcomeRepository } from './ports/lead-outcomes.port.ts';
import type { OutcomeModelRepository } from './ports/outcome-models.port.ts';
import type { CrmWritebackRepository } from './ports/crm-writebacks.port.ts';
import type { RepHeartbeatRepository } from './ports/rep-heartbeats.port.ts';
import type { ReassignmentRepository } from './ports/reassignments.port.ts';
import type { ReassignmentJobRepository } from './ports/reassignment-jobs.port.ts';
import type { RescreenJobRepository } from './ports/rescreen-jobs.port.ts';
import type { ReviewRepository } from './ports/reviews.port.ts';
import type { RoutingStateRepository } from './ports/routing-state.port.ts';
import type { ScreeningListRepository } from './ports/screening-lists.port.ts';
import type { SuppressionRepository } from './ports/suppressions.port.ts';
import type { OidcLoginRepository, SignInLinkRepository, UserRepository } from './ports/users.port.ts';

/**
 * The storage port (docs/storage.md). Use cases depend on this file and the
 * per-aggregate ports in ./ports only; the SQLite and PostgreSQL
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
  /** People, their role grants and local sign-in state (ports/users.port.ts). */
  readonly users: UserRepository;
  readonly signInLinks: SignInLinkRepository;
  readonly oidcLogins: OidcLoginRepository;
  /** Tamper-evident audit trail (ports/audit.port.ts): append in the business transaction; sealed by the sealer. */
  readonly audit: AuditRepository;
  /** Outreach log, opt-outs, consent changes, registry scrubs, promotions (ports/conduct.port.ts). */
  readonly conduct: ConductRepository;
  /** SLA timers (ports/conduct.port.ts). */
  readonly slaTimers: SlaTimerRepository;
  /** Screening list versions in force and reloads awaiting approval (ports/screening-lists.port.ts). */
  readonly screeningLists: ScreeningListRepository;
  /** Draft org versions awaiting (or past) maker-checker approval (ports/org-drafts.port.ts). */
  readonly orgDrafts: OrgDraftRepository;
  /** Reps marked away or back (ports/rep-presence.port.ts); routing reads it as a decision input. */
  readonly repPresence: RepPresenceRepository;
  /** Bulk reassignments and their per-lead items (ports/reassignments.port.ts). */
  readonly reassignments: ReassignmentRepository;
  /** When each rep's console was last active (ports/rep-heartbeats.port.ts), for auto-away. */
  readonly repHeartbeats: RepHeartbeatRepository;
  /** Automatic reassignment jobs, claimed by the reassignment worker (ports/reassignment-jobs.port.ts). */
  readonly reassignmentJobs: ReassignmentJobRepository;
  /** Delta re-screening jobs after a list change, claimed by the re-screen runner (ports/rescreen-jobs.port.ts). */
  readonly rescreenJobs: RescreenJobRepository;
  /** E-mail (and later chat) notification deliveries, claimed by the notification worker (ports/notifications.port.ts). */
  readonly notifications: NotificationRepository;
  /** Once-a-day notification runs and raised conditions, so scheduled events fire once (ports/notification-runs.port.ts). */
  readonly notificationRuns: NotificationRunRepository;
  /** CRM write-backs (owner, status, decision) claimed by the CRM write-back worker (ports/crm-writebacks.port.ts). */
  readonly crmWritebacks: CrmWritebackRepository;
  /** WON / LOST / DISQUALIFIED outcomes with their decision facts, append-only (ports/lead-outcomes.port.ts). */
  readonly outcomes: LeadOutcomeRepository;
  /** Conversion model snapshots by version and the current one (ports/outcome-models.port.ts). */
  readonly outcomeModels: OutcomeModelRepository;
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

/** The reads that start an API request: the org version in force (the org sync) and the caller's API key. */
export type RequestReads = Pick<UnitOfWork, 'orgVersions' | 'apiKeys'>;

export interface Store extends UnitOfWork {
  readonly capabilities: StoreCapabilities;
  /**
   * Reads of committed data for one API request, for reading only: the tables kept in memory are checked against
   * their counters once, at the first read, so the org sync and the API key lookup cost one small read together and
   * see every change committed before the request began (docs/storage.md "Table generations").
   */
  requestReads(): RequestReads;
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
