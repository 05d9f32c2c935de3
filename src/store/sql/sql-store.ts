import type { Kysely } from 'kysely';
import { appliedMigrations } from '../migrations/runner.ts';
import type { AuditRepository } from '../ports/audit.port.ts';
import type { Store, StoreCapabilities, StoreHealth, UnitOfWork } from '../unit-of-work.ts';
import { apiKeyRepository, sessionRepository } from './access-repository.ts';
import { accountRepository } from './account-repository.ts';
import { auditRepository } from './audit-repository.ts';
import { conductRepository, slaTimerRepository } from './conduct-repository.ts';
import { decisionRepository } from './decision-repository.ts';
import { dedupeRepository } from './dedupe-repository.ts';
import { idempotencyRepository } from './idempotency-repository.ts';
import { leadEventRepository } from './lead-event-repository.ts';
import { leadRepository } from './lead-repository.ts';
import { orgDraftRepository } from './org-draft-repository.ts';
import { orgVersionRepository } from './org-version-repository.ts';
import { outboxRepository } from './outbox-repository.ts';
import { personalDataRepository } from './personal-data-repository.ts';
import { repPresenceRepository } from './rep-presence-repository.ts';
import { notificationRepository } from './notification-repository.ts';
import { notificationRunRepository } from './notification-run-repository.ts';
import { crmWritebackRepository } from './crm-writeback-repository.ts';
import { leadOutcomeRepository } from './lead-outcome-repository.ts';
import { outcomeModelRepository } from './outcome-model-repository.ts';
import { repHeartbeatRepository } from './rep-heartbeat-repository.ts';
import { reviewRepository } from './review-repository.ts';
import { routingStateRepository } from './routing-state-repository.ts';
import type { Database } from './schema.ts';
import { operationalCounts } from './operational-counts.ts';
import { reassignmentRepository } from './reassignment-repository.ts';
import { reassignmentJobRepository } from './reassignment-job-repository.ts';
import { rescreenJobRepository } from './rescreen-job-repository.ts';
import { screeningListRepository } from './screening-list-repository.ts';
import { suppressionRepository } from './suppression-repository.ts';
import { oidcLoginRepository, signInLinkRepository, userRepository } from './user-repository.ts';
import { cachedReads, TableCache, type CachedReads } from './table-generations.ts';
import { StatementShapes } from './statement-shapes.ts';

/**
 * The store over any Kysely database with the Remit schema. The dialect adapters (sqlite/,
 * postgres/) supply the Kysely instance, the capabilities and which errors are worth a retry;
 * everything observable is implemented once, here.
 */
export interface SqlStoreOptions {
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities;
  /** Errors after which the whole transaction may be re-run (deadlock, serialisation failure, busy). */
  readonly isRetryable: (error: unknown) => boolean;
  readonly maxAttempts?: number;
  /** The adapter's health check (the file watch for SQLite, a round trip for PostgreSQL). */
  readonly health: () => Promise<StoreHealth>;
  /** The adapter's own `audit.leafDigests` outside transactions (SQLite: worker threads); default: in this process. */
  readonly auditLeafDigests?: AuditRepository['leafDigests'];
  /** Runs before the database is closed (stops the adapter's monitors). */
  readonly beforeClose?: () => Promise<void>;
  /**
   * The adapter's faster handle on a transaction (SQLite: statements straight to its one connection,
   * sqlite/direct-transaction-executor.ts), or null to use Kysely's; `close` when the unit of work ends.
   */
  readonly directTransaction?: (trx: Kysely<Database>) => Promise<{ readonly db: Kysely<Database>; close(): void } | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSqlStore(opts: SqlStoreOptions): Store {
  const { db, capabilities, isRetryable, health } = opts;
  const maxAttempts = opts.maxAttempts ?? 5;
  // Decoded rows of rarely changing tables, shared by this store's units of work (table-generations.ts).
  const cache = new TableCache();
  // The hot inserts, compiled once per shape (statement-shapes.ts).
  const shapes = new StatementShapes();
  const root = unitOfWork(db, capabilities, cachedReads(db, cache, 'call'), shapes, undefined);
  const audit = opts.auditLeafDigests ? { ...root.audit, leafDigests: opts.auditLeafDigests } : root.audit;
  return {
    capabilities,
    ...root,
    audit,
    async transaction<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            const direct = opts.directTransaction ? await opts.directTransaction(trx) : null;
            const tdb = direct?.db ?? trx;
            try {
              return await fn(unitOfWork(tdb, capabilities, cachedReads(tdb, cache, 'transaction'), shapes, new Set<string>()));
            } finally {
              direct?.close();
            }
          });
        } catch (e) {
          if (attempt >= maxAttempts || !isRetryable(e)) throw e;
          // Jittered back-off so two retrying transactions do not collide again in lock step.
          await sleep(Math.random() * 5 * 2 ** attempt);
        }
      }
    },
    requestReads() {
      const cached = cachedReads(db, cache, 'request');
      return { orgVersions: orgVersionRepository(db, capabilities, cached), apiKeys: apiKeyRepository(db, cached) };
    },
    health,
    operationalCounts: () => operationalCounts(db),
    appliedMigrations: () => appliedMigrations(db),
    async close() {
      await opts.beforeClose?.();
      await db.destroy();
    },
  };
}

/** `createdHere`: in a transaction, the lead rows it inserted (lead-repository.ts); undefined outside one. */
function unitOfWork(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  cached: CachedReads,
  shapes: StatementShapes,
  createdHere: Set<string> | undefined,
): UnitOfWork {
  return {
    orgVersions: orgVersionRepository(db, caps, cached),
    leads: leadRepository(db, caps, shapes, createdHere),
    decisions: decisionRepository(db, shapes),
    routingState: routingStateRepository(db, caps, shapes, cached),
    personalData: personalDataRepository(db, caps, shapes, createdHere),
    dedupe: dedupeRepository(db, caps, shapes),
    idempotency: idempotencyRepository(db),
    accounts: accountRepository(db),
    events: leadEventRepository(db, shapes),
    reviews: reviewRepository(db, caps, shapes, cached),
    apiKeys: apiKeyRepository(db, cached),
    outbox: outboxRepository(db, caps, cached, shapes),
    suppressions: suppressionRepository(db, caps),
    sessions: sessionRepository(db),
    users: userRepository(db, cached),
    signInLinks: signInLinkRepository(db),
    oidcLogins: oidcLoginRepository(db),
    audit: auditRepository(db, caps, shapes),
    conduct: conductRepository(db),
    slaTimers: slaTimerRepository(db, caps, shapes),
    screeningLists: screeningListRepository(db),
    orgDrafts: orgDraftRepository(db),
    repPresence: repPresenceRepository(db, shapes),
    reassignments: reassignmentRepository(db),
    repHeartbeats: repHeartbeatRepository(db),
    reassignmentJobs: reassignmentJobRepository(db),
    rescreenJobs: rescreenJobRepository(db),
    notifications: notificationRepository(db, cached),
    notificationRuns: notificationRunRepository(db),
    crmWritebacks: crmWritebackRepository(db),
    outcomes: leadOutcomeRepository(db),
    outcomeModels: outcomeModelRepository(db),
  };
}
