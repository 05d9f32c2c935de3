import type { DecisionOutcome } from '../domain/decision/decision.ts';
import type { RoutingStateSnapshot, RoutingStateView, StateChanges } from '../domain/strategies/routing-state.ts';

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
}

// ---------------------------------------------------------------------------------------------
// Leads.

/** NEW exists only inside the transaction that routes the lead; CLOSED frees the rep's capacity. */
export type LeadStatus = 'NEW' | DecisionOutcome | 'CLOSED';
export const LEAD_STATUSES: readonly LeadStatus[] = ['NEW', 'ASSIGNED', 'QUEUED', 'REFUSED', 'HELD', 'NURTURE', 'CLOSED'];

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
  update(id: string, patch: { readonly status: LeadStatus; readonly teamId: string | null; readonly repId: string | null; readonly orgHash: string; readonly updatedAt: string }): Promise<void>;
  /** Oldest received first. */
  list(filter?: { readonly status?: LeadStatus; readonly repId?: string }): Promise<readonly LeadRecord[]>;
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

/** The repositories, bound to one transaction (or, on Store itself, to auto-committed statements). */
export interface UnitOfWork {
  readonly orgVersions: OrgVersionRepository;
  readonly leads: LeadRepository;
  readonly decisions: DecisionRepository;
  readonly routingState: RoutingStateRepository;
}

export interface Store extends UnitOfWork {
  readonly capabilities: StoreCapabilities;
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
