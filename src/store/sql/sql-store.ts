import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DecisionOutcome } from '../../domain/decision/decision.ts';
import type { LedgerEntry, RepLoad, RoutingStateSnapshot, RoutingStateView, StateChanges } from '../../domain/strategies/routing-state.ts';
import { appliedMigrations } from '../migrations/runner.ts';
import { auditRepository } from './audit-repository.ts';
import { conductRepository, slaTimerRepository } from './conduct-repository.ts';
import { screeningListRepository } from './screening-list-repository.ts';
import { ScopeViolationError, StoreInputError } from '../store-errors.ts';
import { ROLES, type Role } from '../../domain/access/roles.ts';
import { LEAD_STATUSES, type LeadStatus } from '../../domain/lead/lead-status.ts';
import type { SessionRepository, ApiKeyRecord, ApiKeyRepository } from '../ports/access.port.ts';
import type { AccountRecord, AccountRepository } from '../ports/accounts.port.ts';
import type { DecisionRecord, DecisionRepository } from '../ports/decisions.port.ts';
import type { DedupeRepository } from '../ports/dedupe.port.ts';
import type { IdempotencyRecord, IdempotencyRepository } from '../ports/idempotency.port.ts';
import type { LeadEventRecord, LeadEventRepository } from '../ports/lead-events.port.ts';
import type { LeadRecord, LeadRepository } from '../ports/leads.port.ts';
import type { OrgVersionRecord, OrgVersionRepository } from '../ports/org-versions.port.ts';
import type { DeliveryRecord, DeliveryStatus, OutboxRepository, WebhookSubscriptionRecord } from '../ports/outbox.port.ts';
import type { PersonalDataRecord, PersonalDataRepository } from '../ports/personal-data.port.ts';
import type { ReviewRecord, ReviewRepository, ReviewStatus } from '../ports/reviews.port.ts';
import type { RoutingScope, RoutingStateRepository } from '../ports/routing-state.port.ts';
import { SUPPRESSION_KINDS, type SuppressionKind, type SuppressionRecord, type SuppressionRepository } from '../ports/suppressions.port.ts';
import type { Store, StoreCapabilities, UnitOfWork, StoreHealth } from '../unit-of-work.ts';
import type {
  AccountsTable,
  ApiKeysTable,
  Database,
  DecisionsTable,
  IdempotencyKeysTable,
  LeadEventsTable,
  LeadsTable,
  OrgVersionsTable,
  PersonalDataTable,
  ReviewsTable,
  SuppressionsTable,
  WebhookSubscriptionsTable,
} from './schema.ts';

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
  /** Runs before the database is closed (stops the adapter's monitors). */
  readonly beforeClose?: () => Promise<void>;
}

const OUTCOMES: readonly DecisionOutcome[] = ['ASSIGNED', 'QUEUED', 'REFUSED', 'HELD', 'NURTURE'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSqlStore(opts: SqlStoreOptions): Store {
  const { db, capabilities, isRetryable, health } = opts;
  const maxAttempts = opts.maxAttempts ?? 5;
  const root = unitOfWork(db, capabilities);
  return {
    capabilities,
    ...root,
    async transaction<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute((trx) => fn(unitOfWork(trx, capabilities)));
        } catch (e) {
          if (attempt >= maxAttempts || !isRetryable(e)) throw e;
          // Jittered back-off so two retrying transactions do not collide again in lock step.
          await sleep(Math.random() * 5 * 2 ** attempt);
        }
      }
    },
    health,
    appliedMigrations: () => appliedMigrations(db),
    async close() {
      await opts.beforeClose?.();
      await db.destroy();
    },
  };
}

function unitOfWork(db: Kysely<Database>, caps: StoreCapabilities): UnitOfWork {
  return {
    orgVersions: orgVersionRepository(db),
    leads: leadRepository(db, caps),
    decisions: decisionRepository(db),
    routingState: routingStateRepository(db, caps),
    personalData: personalDataRepository(db),
    dedupe: dedupeRepository(db, caps),
    idempotency: idempotencyRepository(db),
    accounts: accountRepository(db),
    events: leadEventRepository(db),
    reviews: reviewRepository(db, caps),
    apiKeys: apiKeyRepository(db),
    outbox: outboxRepository(db, caps),
    suppressions: suppressionRepository(db, caps),
    sessions: sessionRepository(db),
    audit: auditRepository(db, caps),
    conduct: conductRepository(db),
    slaTimers: slaTimerRepository(db, caps),
    screeningLists: screeningListRepository(db),
  };
}

// ---------------------------------------------------------------------------------------------

const toOrgVersion = (r: Selectable<OrgVersionsTable>): OrgVersionRecord => ({
  hash: r.hash,
  version: r.version,
  configJson: r.config_json,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new StoreInputError(`${what} must be a non-empty string`);
}

function requireJson(text: unknown, what: string): unknown {
  requireText(text, what);
  try {
    return JSON.parse(text as string);
  } catch (e) {
    throw new StoreInputError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function requireInstant(value: unknown, what: string): void {
  requireText(value, what);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value as string) || Number.isNaN(Date.parse(value as string))) {
    throw new StoreInputError(`${what} must be an ISO-8601 UTC instant (…Z), got ${JSON.stringify(value)}`);
  }
}

/** Page sizes: a positive integer up to MAX_PAGE. */
const MAX_PAGE = 1000;
function requireLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new StoreInputError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${JSON.stringify(limit)}`);
  return limit;
}

/** A bound compared with stored timestamps: stored ones are millisecond-precision `toISOString()` text. */
function normaliseInstant(value: unknown, what: string): string {
  requireInstant(value, what);
  return new Date(value as string).toISOString();
}

function requireJsonOrNull(text: unknown, what: string): void {
  if (text !== null) requireJson(text, what);
}

function orgVersionRepository(db: Kysely<Database>): OrgVersionRepository {
  const getByHash = async (hash: string) => {
    const row = await db.selectFrom('org_versions').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? toOrgVersion(row) : undefined;
  };
  return {
    getByHash,
    async getByVersion(version) {
      const row = await db.selectFrom('org_versions').selectAll().where('version', '=', version).orderBy('created_at', 'desc').orderBy('hash', 'desc').limit(1).executeTakeFirst();
      return row ? toOrgVersion(row) : undefined;
    },
    async list() {
      const rows = await db.selectFrom('org_versions').selectAll().orderBy('created_at').orderBy('hash').execute();
      return rows.map(toOrgVersion);
    },
    async publish(input) {
      requireText(input.hash, 'org version hash');
      requireText(input.version, 'org version label');
      requireText(input.createdBy, 'org version createdBy');
      requireInstant(input.createdAt, 'org version createdAt');
      const config = requireJson(input.configJson, 'org version configJson');
      if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new StoreInputError('org version configJson must be a JSON object');
      const existing = await getByHash(input.hash);
      if (existing) return { record: existing, created: false };
      const inserted = await db
        .insertInto('org_versions')
        .values({ hash: input.hash, version: input.version, config_json: input.configJson, created_at: input.createdAt, created_by: input.createdBy })
        .onConflict((oc) => oc.column('hash').doNothing())
        .returning('hash')
        .executeTakeFirst();
      if (inserted) return { record: { ...input }, created: true };
      // A concurrent transaction published the same hash first (we waited for it to commit).
      const raced = await getByHash(input.hash);
      if (!raced) throw new Error(`org version ${input.hash} neither inserted nor found`);
      return { record: raced, created: false };
    },
    async activate(input) {
      requireText(input.hash, 'org activation hash');
      requireText(input.activatedBy, 'org activation activatedBy');
      requireInstant(input.activatedAt, 'org activation activatedAt');
      await db.insertInto('org_activations').values({ hash: input.hash, activated_at: input.activatedAt, activated_by: input.activatedBy }).execute();
    },
    async current() {
      const row = await db.selectFrom('org_activations').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row ? { hash: row.hash, activatedAt: row.activated_at, activatedBy: row.activated_by } : undefined;
    },
    async activations() {
      const rows = await db.selectFrom('org_activations').selectAll().orderBy('seq').execute();
      return rows.map((row) => ({ hash: row.hash, activatedAt: row.activated_at, activatedBy: row.activated_by }));
    },
  };
}

// ---------------------------------------------------------------------------------------------

const toLead = (r: Selectable<LeadsTable>): LeadRecord => ({
  id: r.id,
  status: r.status as LeadStatus,
  teamId: r.team_id,
  repId: r.rep_id,
  orgHash: r.org_hash,
  leadJson: r.lead_json,
  receivedAt: r.received_at,
  updatedAt: r.updated_at,
  duplicateOf: r.duplicate_of,
});

function leadRepository(db: Kysely<Database>, caps: StoreCapabilities): LeadRepository {
  const lock = async (id: string) => {
    const row = await db
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', id)
      .$if(caps.rowLocks, (q) => q.forUpdate())
      .executeTakeFirst();
    return row ? toLead(row) : undefined;
  };
  return {
    lock,
    async get(id) {
      const row = await db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toLead(row) : undefined;
    },
    async claim(input) {
      requireText(input.id, 'lead id');
      requireText(input.orgHash, 'lead orgHash');
      requireInstant(input.receivedAt, 'lead receivedAt');
      const lead = requireJson(input.leadJson, 'leadJson');
      if (lead === null || typeof lead !== 'object' || (lead as { id?: unknown }).id !== input.id) throw new StoreInputError(`leadJson must be a JSON object whose id is ${JSON.stringify(input.id)}`);
      const row = { id: input.id, status: 'NEW', team_id: null, rep_id: null, org_hash: input.orgHash, lead_json: input.leadJson, received_at: input.receivedAt, updated_at: input.receivedAt };
      const inserted = await db
        .insertInto('leads')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { record: toLead({ ...row, duplicate_of: null }), created: true };
      const existing = await lock(input.id);
      if (!existing) throw new Error(`lead ${input.id} neither inserted nor found`);
      return { record: existing, created: false };
    },
    async update(id, patch) {
      if (!LEAD_STATUSES.includes(patch.status)) throw new StoreInputError(`unknown lead status ${JSON.stringify(patch.status)}`);
      requireInstant(patch.updatedAt, 'lead updatedAt');
      if (patch.status === 'DUPLICATE' && patch.duplicateOf === null) throw new StoreInputError(`lead ${id}: a DUPLICATE lead needs duplicateOf`);
      if (patch.duplicateOf !== undefined && patch.duplicateOf !== null) {
        requireText(patch.duplicateOf, 'lead duplicateOf');
        if (patch.duplicateOf === id) throw new StoreInputError(`lead ${id} cannot be a duplicate of itself`);
      }
      const r = await db
        .updateTable('leads')
        .set({
          status: patch.status,
          team_id: patch.teamId,
          rep_id: patch.repId,
          org_hash: patch.orgHash,
          updated_at: patch.updatedAt,
          ...(patch.duplicateOf !== undefined ? { duplicate_of: patch.duplicateOf } : {}),
          ...(patch.leadJson !== undefined ? { lead_json: (requireJson(patch.leadJson, 'lead leadJson'), patch.leadJson) } : {}),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new StoreInputError(`lead ${id} does not exist`);
    },
    async list(filter = {}) {
      let q = db.selectFrom('leads').selectAll();
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
      const rows = await q.orderBy('received_at').orderBy('id').execute();
      return rows.map(toLead);
    },
    async idleSince(filter) {
      requireInstant(filter.before, 'before');
      if (filter.statuses.length === 0) return [];
      const rows = await db
        .selectFrom('leads')
        .select('id')
        .where('status', 'in', [...filter.statuses])
        .where('updated_at', '<', filter.before)
        .orderBy('updated_at')
        .orderBy('id')
        .limit(requireLimit(filter.limit))
        .execute();
      return rows.map((r) => r.id);
    },
    async page(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('leads').selectAll();
      if (filter.status !== undefined) {
        if (!LEAD_STATUSES.includes(filter.status)) throw new StoreInputError(`unknown lead status ${JSON.stringify(filter.status)}`);
        q = q.where('status', '=', filter.status);
      }
      if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
      if (filter.teamId !== undefined) q = q.where('team_id', '=', filter.teamId);
      if (filter.receivedFrom !== undefined) q = q.where('received_at', '>=', normaliseInstant(filter.receivedFrom, 'receivedFrom'));
      if (filter.receivedTo !== undefined) q = q.where('received_at', '<', normaliseInstant(filter.receivedTo, 'receivedTo'));
      if (filter.after !== undefined) q = q.where(await afterCursor(db, 'leads', 'received_at', filter.after, 'lead'));
      const rows = await q.orderBy('received_at').orderBy('id').limit(limit).execute();
      return rows.map(toLead);
    },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Keyset pagination in (sortColumn, id) order: the rows after the cursor row `after` (its id).
 * An unknown cursor is bad input, not an empty page.
 */
async function afterCursor(db: Kysely<Database>, table: 'leads' | 'reviews' | 'deliveries', sortColumn: string, after: string, what: string) {
  const { rows } = await sql<{ k: string; id: string }>`select ${sql.ref(`${table}.${sortColumn}`)} as k, ${sql.ref(`${table}.id`)} as id from ${sql.table(table)} where ${sql.ref(`${table}.id`)} = ${after}`.execute(db);
  const c = rows[0];
  if (!c) throw new StoreInputError(`unknown cursor: no ${what} ${JSON.stringify(after)}`);
  return sql<boolean>`(${sql.ref(`${table}.${sortColumn}`)}, ${sql.ref(`${table}.id`)}) > (${c.k}, ${c.id})`;
}

// ---------------------------------------------------------------------------------------------

const toDecision = (r: Selectable<DecisionsTable>): DecisionRecord => ({
  decisionId: r.decision_id,
  leadId: r.lead_id,
  outcome: r.outcome as DecisionOutcome,
  teamId: r.team_id,
  repId: r.rep_id,
  orgHash: r.org_hash,
  documentJson: r.document_json,
  decidedAt: r.decided_at,
});

/** The indexed columns must say what the document says, or queries and the record would disagree. */
function checkDecision(rec: DecisionRecord): void {
  requireText(rec.decisionId, 'decisionId');
  requireText(rec.leadId, 'decision leadId');
  requireText(rec.orgHash, 'decision orgHash');
  requireInstant(rec.decidedAt, 'decidedAt');
  if (!OUTCOMES.includes(rec.outcome)) throw new StoreInputError(`unknown decision outcome ${JSON.stringify(rec.outcome)}`);
  const doc = requireJson(rec.documentJson, 'decision documentJson') as Record<string, unknown> | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new StoreInputError('decision documentJson must be a JSON object');
  const idOf = (v: unknown) => (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null);
  const checks: [string, unknown, unknown][] = [
    ['decisionId', doc.decisionId, rec.decisionId],
    ['leadId', doc.leadId, rec.leadId],
    ['outcome', doc.outcome, rec.outcome],
    ['team.id', idOf(doc.team), rec.teamId],
    ['rep.id', idOf(doc.rep), rec.repId],
    ['ruleSet.hash', (doc.ruleSet as { hash?: unknown } | undefined)?.hash, rec.orgHash],
    ['decidedAt', doc.decidedAt, rec.decidedAt],
  ];
  const wrong = checks.filter(([, inDoc, inRecord]) => inDoc !== inRecord);
  if (wrong.length > 0) {
    throw new StoreInputError(`decision ${rec.decisionId}: document disagrees with the record on ${wrong.map(([f, d, r]) => `${f} (document ${JSON.stringify(d)}, record ${JSON.stringify(r)})`).join(', ')}`);
  }
}

function decisionRepository(db: Kysely<Database>): DecisionRepository {
  return {
    async append(rec) {
      checkDecision(rec);
      await db
        .insertInto('decisions')
        .values({
          decision_id: rec.decisionId,
          lead_id: rec.leadId,
          outcome: rec.outcome,
          team_id: rec.teamId,
          rep_id: rec.repId,
          org_hash: rec.orgHash,
          document_json: rec.documentJson,
          decided_at: rec.decidedAt,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('decisions').selectAll().where('decision_id', '=', id).executeTakeFirst();
      return row ? toDecision(row) : undefined;
    },
    async listForLead(leadId) {
      const rows = await db.selectFrom('decisions').selectAll().where('lead_id', '=', leadId).orderBy('decided_at').orderBy('decision_id').execute();
      return rows.map(toDecision);
    },
    async list(filter = {}) {
      let q = db.selectFrom('decisions').selectAll();
      if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
      if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
      const rows = await q.orderBy('decided_at').orderBy('decision_id').execute();
      return rows.map(toDecision);
    },
  };
}

// ---------------------------------------------------------------------------------------------

function sortedUnique(values: readonly string[], what: string): string[] {
  for (const v of values) requireText(v, what);
  return [...new Set(values)].sort();
}

function routingStateRepository(db: Kysely<Database>, caps: StoreCapabilities): RoutingStateRepository {
  // PostgreSQL orders lock acquisition by byte order, whatever the database collation, so every
  // transaction locks in the same order as the JavaScript sort of the inserts.
  const byteOrder = (column: 'pool' | 'rep_id') => (caps.dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)}`);

  return {
    async lockScope(scope: RoutingScope): Promise<RoutingStateView> {
      const pools = sortedUnique(scope.pools, 'pool');
      const repIds = sortedUnique(scope.repIds, 'rep id');
      const seqs = new Map<string, number>();
      const loads = new Map<string, RepLoad | undefined>();
      const ledger = new Map<string, LedgerEntry>();

      if (pools.length > 0) {
        if (caps.rowLocks) {
          await db
            .insertInto('routing_pools')
            .values(pools.map((pool) => ({ pool, seq: 0 })))
            .onConflict((oc) => oc.column('pool').doNothing())
            .execute();
        }
        const rows = await db
          .selectFrom('routing_pools')
          .select(['pool', 'seq'])
          .where('pool', 'in', pools)
          .orderBy(byteOrder('pool'))
          .$if(caps.rowLocks, (q) => q.forUpdate())
          .execute();
        for (const r of rows) seqs.set(r.pool, Number(r.seq));
      }
      if (repIds.length > 0) {
        if (caps.rowLocks) {
          await db
            .insertInto('rep_state')
            .values(repIds.map((rep_id) => ({ rep_id, open_count: 0, day: null, today: 0 })))
            .onConflict((oc) => oc.column('rep_id').doNothing())
            .execute();
        }
        const rows = await db
          .selectFrom('rep_state')
          .selectAll()
          .where('rep_id', 'in', repIds)
          .orderBy(byteOrder('rep_id'))
          .$if(caps.rowLocks, (q) => q.forUpdate())
          .execute();
        for (const r of rows) loads.set(r.rep_id, r.day === null ? undefined : { open: Number(r.open_count), day: r.day, today: Number(r.today) });
      }
      // Ledger rows are guarded by their pool's row lock, so they are read only after it is held.
      if (pools.length > 0 && repIds.length > 0) {
        const rows = await db.selectFrom('routing_ledger').selectAll().where('pool', 'in', pools).where('rep_id', 'in', repIds).execute();
        for (const r of rows) ledger.set(`${r.pool}\u0000${r.rep_id}`, { assigned: Number(r.assigned), entitled: Number(r.entitled), lastSeq: Number(r.last_seq) });
      }

      const poolSet = new Set(pools);
      const repSet = new Set(repIds);
      const inPool = (pool: string) => {
        if (!poolSet.has(pool)) throw new ScopeViolationError(`routing state of pool ${JSON.stringify(pool)} was read but not locked (scope: ${pools.join(', ') || 'none'})`);
      };
      const inReps = (repId: string) => {
        if (!repSet.has(repId)) throw new ScopeViolationError(`routing state of rep ${JSON.stringify(repId)} was read but not locked (scope: ${repIds.join(', ') || 'none'})`);
      };
      return {
        poolSeq(pool) {
          inPool(pool);
          return seqs.get(pool) ?? 0;
        },
        ledgerEntry(pool, repId) {
          inPool(pool);
          inReps(repId);
          return ledger.get(`${pool}\u0000${repId}`);
        },
        load(repId) {
          inReps(repId);
          return loads.get(repId);
        },
      };
    },

    async apply(changes: StateChanges) {
      if (changes.ledger) {
        const { pool, seq, entries } = changes.ledger;
        requireText(pool, 'pool');
        if (!Number.isInteger(seq) || seq < 1) throw new StoreInputError(`pool ${pool}: seq must be a positive integer, got ${seq}`);
        await db
          .insertInto('routing_pools')
          .values({ pool, seq })
          .onConflict((oc) => oc.column('pool').doUpdateSet({ seq: (eb) => eb.ref('excluded.seq') }))
          .execute();
        const rows = Object.entries(entries).map(([rep_id, e]) => ({ pool, rep_id, assigned: e.assigned, entitled: e.entitled, last_seq: e.lastSeq }));
        for (const r of rows) {
          if (!Number.isInteger(r.assigned) || r.assigned < 0 || !Number.isFinite(r.entitled) || !Number.isInteger(r.last_seq)) {
            throw new StoreInputError(`pool ${pool}, rep ${r.rep_id}: invalid ledger entry ${JSON.stringify(entries[r.rep_id])}`);
          }
        }
        if (rows.length > 0) {
          await db
            .insertInto('routing_ledger')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['pool', 'rep_id']).doUpdateSet({
                assigned: (eb) => eb.ref('excluded.assigned'),
                entitled: (eb) => eb.ref('excluded.entitled'),
                last_seq: (eb) => eb.ref('excluded.last_seq'),
              }),
            )
            .execute();
        }
      }
      if (changes.load) {
        const { repId, day } = changes.load;
        requireText(repId, 'rep id');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new StoreInputError(`rep ${repId}: load day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
        // Same semantics as applyChanges(): open += 1; today = same day ? today + 1 : 1.
        await db
          .insertInto('rep_state')
          .values({ rep_id: repId, open_count: 1, day, today: 1 })
          .onConflict((oc) =>
            oc.column('rep_id').doUpdateSet({
              open_count: sql<number>`rep_state.open_count + 1`,
              today: sql<number>`case when rep_state.day = excluded.day then rep_state.today + 1 else 1 end`,
              day: (eb) => eb.ref('excluded.day'),
            }),
          )
          .execute();
      }
    },

    async releaseOpen(repId) {
      requireText(repId, 'rep id');
      await db.updateTable('rep_state').set({ open_count: sql<number>`open_count - 1` }).where('rep_id', '=', repId).where('open_count', '>', 0).execute();
    },

    async snapshot(): Promise<RoutingStateSnapshot> {
      const poolRows = await db.selectFrom('routing_pools').selectAll().where('seq', '>', 0).orderBy('pool').execute();
      const ledgerRows = await db.selectFrom('routing_ledger').selectAll().orderBy('pool').orderBy('rep_id').execute();
      const repRows = await db.selectFrom('rep_state').selectAll().where('day', 'is not', null).orderBy('rep_id').execute();
      const pools: Record<string, { seq: number; reps: Record<string, LedgerEntry> }> = {};
      for (const p of poolRows) pools[p.pool] = { seq: Number(p.seq), reps: {} };
      for (const l of ledgerRows) {
        const p = pools[l.pool];
        if (p) p.reps[l.rep_id] = { assigned: Number(l.assigned), entitled: Number(l.entitled), lastSeq: Number(l.last_seq) };
      }
      const loads: Record<string, RepLoad> = {};
      for (const r of repRows) loads[r.rep_id] = { open: Number(r.open_count), day: r.day!, today: Number(r.today) };
      return { pools, loads };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Personal data: erasure overwrites the row in place (the CHECK in 0002 pins what an erased row holds).

const toPersonalData = (r: Selectable<PersonalDataTable>): PersonalDataRecord => ({
  leadId: r.lead_id,
  salt: r.salt,
  contactJson: r.contact_json,
  rawJson: r.raw_json,
  consentJson: r.consent_json,
  createdAt: r.created_at,
  erasedAt: r.erased_at,
});

function personalDataRepository(db: Kysely<Database>): PersonalDataRepository {
  return {
    async put(rec) {
      requireText(rec.leadId, 'personal data leadId');
      requireText(rec.salt, 'personal data salt');
      if (!/^[0-9a-f]+$/.test(rec.salt)) throw new StoreInputError('personal data salt must be lower-case hex');
      requireJson(rec.contactJson, 'personal data contactJson');
      requireJson(rec.rawJson, 'personal data rawJson');
      requireJsonOrNull(rec.consentJson, 'personal data consentJson');
      requireInstant(rec.createdAt, 'personal data createdAt');
      const values = { salt: rec.salt, contact_json: rec.contactJson, raw_json: rec.rawJson, consent_json: rec.consentJson, created_at: rec.createdAt };
      const written = await db
        .insertInto('personal_data')
        .values({ lead_id: rec.leadId, ...values, erased_at: null })
        .onConflict((oc) => oc.column('lead_id').doUpdateSet(values).where('personal_data.erased_at', 'is', null))
        .returning('lead_id')
        .executeTakeFirst();
      if (!written) throw new StoreInputError(`personal data of lead ${rec.leadId} was erased; it cannot be stored again`);
    },
    async get(leadId) {
      const row = await db.selectFrom('personal_data').selectAll().where('lead_id', '=', leadId).executeTakeFirst();
      return row ? toPersonalData(row) : undefined;
    },
    async erase(leadId, erasedAt) {
      requireInstant(erasedAt, 'erasedAt');
      const r = await db
        .updateTable('personal_data')
        .set({ salt: '', contact_json: '{}', raw_json: '{}', consent_json: null, erased_at: sql<string>`coalesce(erased_at, ${erasedAt})` })
        .where('lead_id', '=', leadId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Dedupe.

/** The lock anchor of a dedupe key: 16 bits of its SHA-256, so dedupe_locks holds no personal data. */
export const dedupeLockBucket = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 4);

function dedupeRepository(db: Kysely<Database>, caps: StoreCapabilities): DedupeRepository {
  return {
    async lockKeys(keys) {
      for (const k of keys) requireText(k, 'dedupe key');
      // SQLite: the write transaction already excludes every other writer.
      if (!caps.rowLocks || keys.length === 0) return;
      const buckets = [...new Set(keys.map(dedupeLockBucket))].sort();
      await db
        .insertInto('dedupe_locks')
        .values(buckets.map((bucket) => ({ bucket })))
        .onConflict((oc) => oc.column('bucket').doNothing())
        .execute();
      await db.selectFrom('dedupe_locks').select('bucket').where('bucket', 'in', buckets).orderBy(sql`bucket collate "C"`).forUpdate().execute();
    },
    async findOpen(keys, openStatuses) {
      for (const k of keys) requireText(k, 'dedupe key');
      for (const s of openStatuses) if (!LEAD_STATUSES.includes(s)) throw new StoreInputError(`unknown lead status ${JSON.stringify(s)}`);
      if (keys.length === 0 || openStatuses.length === 0) return undefined;
      const unique = [...new Set(keys)];
      const oldest = await db
        .selectFrom('dedupe_keys')
        .innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id')
        .select('leads.id')
        .where('dedupe_keys.key', 'in', unique)
        .where('leads.status', 'in', [...openStatuses])
        .orderBy('leads.received_at')
        .orderBy('leads.id')
        .limit(1)
        .executeTakeFirst();
      if (!oldest) return undefined;
      const held = await db.selectFrom('dedupe_keys').select('key').where('lead_id', '=', oldest.id).where('key', 'in', unique).execute();
      const heldSet = new Set(held.map((r) => r.key));
      // The first of the caller's keys that matched (the caller orders keys by strength).
      const key = unique.find((k) => heldSet.has(k));
      if (key === undefined) throw new Error(`dedupe: lead ${oldest.id} matched but holds none of the keys`);
      return { leadId: oldest.id, key };
    },
    async add(leadId, keys) {
      requireText(leadId, 'dedupe leadId');
      for (const k of keys) requireText(k, 'dedupe key');
      const unique = [...new Set(keys)];
      if (unique.length === 0) return;
      await db
        .insertInto('dedupe_keys')
        .values(unique.map((key) => ({ key, lead_id: leadId })))
        .onConflict((oc) => oc.columns(['key', 'lead_id']).doNothing())
        .execute();
    },
    async removeForLead(leadId) {
      await db.deleteFrom('dedupe_keys').where('lead_id', '=', leadId).execute();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Idempotency.

const toIdempotency = (r: Selectable<IdempotencyKeysTable>): IdempotencyRecord => ({
  scope: r.scope,
  key: r.key,
  requestHash: r.request_hash,
  statusCode: Number(r.status_code),
  responseJson: r.response_json,
  createdAt: r.created_at,
});

function idempotencyRepository(db: Kysely<Database>): IdempotencyRepository {
  const get = async (scope: string, key: string) => {
    const row = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    return row ? toIdempotency(row) : undefined;
  };
  return {
    get,
    async put(rec) {
      requireText(rec.scope, 'idempotency scope');
      requireText(rec.key, 'idempotency key');
      requireText(rec.requestHash, 'idempotency requestHash');
      if (!Number.isInteger(rec.statusCode) || rec.statusCode < 100 || rec.statusCode > 599) throw new StoreInputError(`idempotency statusCode must be an HTTP status, got ${rec.statusCode}`);
      requireJson(rec.responseJson, 'idempotency responseJson');
      requireInstant(rec.createdAt, 'idempotency createdAt');
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ scope: rec.scope, key: rec.key, request_hash: rec.requestHash, status_code: rec.statusCode, response_json: rec.responseJson, created_at: rec.createdAt })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { ...rec };
      // Another writer got there first (PostgreSQL: we waited for it to commit).
      const existing = await get(rec.scope, rec.key);
      if (!existing) throw new Error(`idempotency key ${rec.scope}/${rec.key} neither inserted nor found`);
      return existing;
    },
    async replaceResponsesForLead(leadId, responseJson) {
      requireText(leadId, 'leadId');
      requireJson(responseJson, 'idempotency responseJson');
      const pattern = `%${JSON.stringify({ leadId }).slice(1, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const r = await db
        .updateTable('idempotency_keys')
        .set({ response_json: responseJson })
        .where(sql<boolean>`response_json like ${pattern} escape '\\'`)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async pruneCreatedBefore(before, opts) {
      requireInstant(before, 'before');
      if (opts.dryRun) {
        const row = await db
          .selectFrom('idempotency_keys')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('created_at', '<', before)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }
      return Number((await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst()).numDeletedRows);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Accounts.

const toAccount = (r: Selectable<AccountsTable>): AccountRecord => ({
  id: r.id,
  name: r.name,
  domains: JSON.parse(r.domains_json) as string[],
  ownerRep: r.owner_rep,
  tier: r.tier,
  updatedAt: r.updated_at,
});

function accountRepository(db: Kysely<Database>): AccountRepository {
  return {
    async upsert(accounts) {
      // The last record wins when an id repeats (one statement may not update a row twice).
      const byId = new Map<string, AccountRecord>();
      for (const a of accounts) {
        requireText(a.id, 'account id');
        requireText(a.name, 'account name');
        requireInstant(a.updatedAt, 'account updatedAt');
        if (!Array.isArray(a.domains)) throw new StoreInputError(`account ${a.id}: domains must be an array`);
        for (const d of a.domains) {
          requireText(d, `account ${a.id} domain`);
          if (d !== d.toLowerCase() || d !== d.trim()) throw new StoreInputError(`account ${a.id}: domain ${JSON.stringify(d)} must be lower-case, without spaces`);
        }
        if (a.ownerRep !== null) requireText(a.ownerRep, `account ${a.id} ownerRep`);
        if (a.tier !== null) requireText(a.tier, `account ${a.id} tier`);
        byId.set(a.id, a);
      }
      const rows = [...byId.values()].map((a) => ({ id: a.id, name: a.name, domains_json: JSON.stringify(a.domains), owner_rep: a.ownerRep, tier: a.tier, updated_at: a.updatedAt }));
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto('accounts')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              name: (eb) => eb.ref('excluded.name'),
              domains_json: (eb) => eb.ref('excluded.domains_json'),
              owner_rep: (eb) => eb.ref('excluded.owner_rep'),
              tier: (eb) => eb.ref('excluded.tier'),
              updated_at: (eb) => eb.ref('excluded.updated_at'),
            }),
          )
          .execute();
      }
    },
    async list() {
      const rows = await db.selectFrom('accounts').selectAll().orderBy('id').execute();
      return rows.map(toAccount);
    },
    async get(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAccount(row) : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Lead events: append-only (triggers); seq from the database.

const toLeadEvent = (r: Selectable<LeadEventsTable>): LeadEventRecord => ({
  seq: Number(r.seq),
  leadId: r.lead_id,
  kind: r.kind,
  actor: r.actor,
  at: r.at,
  payloadJson: r.payload_json,
});

function leadEventRepository(db: Kysely<Database>): LeadEventRepository {
  return {
    async append(ev) {
      requireText(ev.leadId, 'event leadId');
      requireText(ev.kind, 'event kind');
      requireText(ev.actor, 'event actor');
      requireInstant(ev.at, 'event at');
      requireJson(ev.payloadJson, 'event payloadJson');
      const row = await db
        .insertInto('lead_events')
        .values({ lead_id: ev.leadId, kind: ev.kind, actor: ev.actor, at: ev.at, payload_json: ev.payloadJson })
        .returning('seq')
        .executeTakeFirstOrThrow();
      return { seq: Number(row.seq), leadId: ev.leadId, kind: ev.kind, actor: ev.actor, at: ev.at, payloadJson: ev.payloadJson };
    },
    async listForLead(leadId) {
      const rows = await db.selectFrom('lead_events').selectAll().where('lead_id', '=', leadId).orderBy('seq').execute();
      return rows.map(toLeadEvent);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Review queue.

const REVIEW_STATUSES: readonly ReviewStatus[] = ['OPEN', 'APPROVED', 'REJECTED'];

const toReview = (r: Selectable<ReviewsTable>): ReviewRecord => ({
  id: r.id,
  leadId: r.lead_id,
  status: r.status as ReviewStatus,
  kind: r.kind,
  reasonCodes: JSON.parse(r.reason_codes_json) as string[],
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  resolutionJson: r.resolution_json,
});

function reviewRepository(db: Kysely<Database>, caps: StoreCapabilities): ReviewRepository {
  return {
    async open(rec) {
      requireText(rec.id, 'review id');
      requireText(rec.leadId, 'review leadId');
      requireText(rec.kind, 'review kind');
      requireText(rec.requestedBy, 'review requestedBy');
      requireInstant(rec.requestedAt, 'review requestedAt');
      if (!Array.isArray(rec.reasonCodes)) throw new StoreInputError('review reasonCodes must be an array');
      for (const c of rec.reasonCodes) requireText(c, 'review reason code');
      await db
        .insertInto('reviews')
        .values({
          id: rec.id,
          lead_id: rec.leadId,
          status: 'OPEN',
          kind: rec.kind,
          reason_codes_json: JSON.stringify(rec.reasonCodes),
          requested_by: rec.requestedBy,
          requested_at: rec.requestedAt,
          decided_by: null,
          decided_at: null,
          resolution_json: null,
        })
        .execute();
    },
    async lock(id) {
      const row = await db
        .selectFrom('reviews')
        .selectAll()
        .where('id', '=', id)
        .$if(caps.rowLocks, (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? toReview(row) : undefined;
    },
    async get(id) {
      const row = await db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toReview(row) : undefined;
    },
    async openForLead(leadId) {
      const row = await db.selectFrom('reviews').selectAll().where('lead_id', '=', leadId).where('status', '=', 'OPEN').executeTakeFirst();
      return row ? toReview(row) : undefined;
    },
    async resolve(id, patch) {
      if (patch.status !== 'APPROVED' && patch.status !== 'REJECTED') throw new StoreInputError(`a review resolves to APPROVED or REJECTED, not ${JSON.stringify(patch.status)}`);
      requireText(patch.decidedBy, 'review decidedBy');
      requireInstant(patch.decidedAt, 'review decidedAt');
      requireJson(patch.resolutionJson, 'review resolutionJson');
      const r = await db
        .updateTable('reviews')
        .set({ status: patch.status, decided_by: patch.decidedBy, decided_at: patch.decidedAt, resolution_json: patch.resolutionJson })
        .where('id', '=', id)
        .where('status', '=', 'OPEN')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) {
        const existing = await db.selectFrom('reviews').select('status').where('id', '=', id).executeTakeFirst();
        throw new StoreInputError(existing ? `review ${id} is ${existing.status}, not OPEN` : `review ${id} does not exist`);
      }
    },
    async page(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('reviews').selectAll();
      if (filter.status !== undefined) {
        if (!REVIEW_STATUSES.includes(filter.status)) throw new StoreInputError(`unknown review status ${JSON.stringify(filter.status)}`);
        q = q.where('status', '=', filter.status);
      }
      if (filter.after !== undefined) q = q.where(await afterCursor(db, 'reviews', 'requested_at', filter.after, 'review'));
      const rows = await q.orderBy('requested_at').orderBy('id').limit(limit).execute();
      return rows.map(toReview);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// API keys.

const toApiKey = (r: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  repId: r.rep_id,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
});

function apiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  return {
    async create(rec) {
      requireText(rec.id, 'api key id');
      requireText(rec.name, 'api key name');
      if (!ROLES.includes(rec.role)) throw new StoreInputError(`unknown role ${JSON.stringify(rec.role)}`);
      if (rec.role === 'rep') requireText(rec.repId, 'api key repId (role rep)');
      else if (rec.repId !== null) requireText(rec.repId, 'api key repId');
      if (!/^[0-9a-f]{64}$/.test(rec.secretHash)) throw new StoreInputError('api key secretHash must be SHA-256 as 64 lower-case hex digits');
      requireInstant(rec.createdAt, 'api key createdAt');
      requireText(rec.createdBy, 'api key createdBy');
      await db
        .insertInto('api_keys')
        .values({ id: rec.id, name: rec.name, role: rec.role, rep_id: rec.repId, secret_hash: rec.secretHash, created_at: rec.createdAt, created_by: rec.createdBy, revoked_at: null })
        .execute();
    },
    async findBySecretHash(secretHash) {
      const row = await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },
    async list() {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toApiKey);
    },
    async revoke(id, revokedAt) {
      requireInstant(revokedAt, 'revokedAt');
      const r = await db.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Outbox and webhook deliveries.

const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['PENDING', 'DELIVERED', 'DEAD'];

const toSubscription = (r: Selectable<WebhookSubscriptionsTable>): WebhookSubscriptionRecord => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events_json) as string[],
  active: Number(r.active) === 1,
  createdAt: r.created_at,
});

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  payload_json: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  subscriptionId: r.subscription_id,
  payloadJson: r.payload_json,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

function outboxRepository(db: Kysely<Database>, caps: StoreCapabilities): OutboxRepository {
  const deliveries = () =>
    db
      .selectFrom('deliveries')
      .innerJoin('outbox_events', 'outbox_events.event_id', 'deliveries.event_id')
      .select([
        'deliveries.id',
        'deliveries.event_id',
        'outbox_events.event_type',
        'deliveries.subscription_id',
        'outbox_events.payload_json',
        'deliveries.status',
        'deliveries.attempts',
        'deliveries.next_attempt_at',
        'deliveries.last_error',
        'deliveries.created_at',
        'deliveries.delivered_at',
      ]);
  const failIfNotPending = async (id: string, updated: bigint): Promise<void> => {
    if (Number(updated) === 1) return;
    const row = await db.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirst();
    throw new StoreInputError(row ? `delivery ${id} is ${row.status}, not PENDING` : `delivery ${id} does not exist`);
  };
  return {
    async upsertSubscription(rec) {
      requireText(rec.id, 'subscription id');
      requireText(rec.url, 'subscription url');
      requireText(rec.secret, 'subscription secret');
      if (!Array.isArray(rec.events) || rec.events.length === 0) throw new StoreInputError('subscription events must be a non-empty array');
      for (const e of rec.events) requireText(e, 'subscription event type');
      if (typeof rec.active !== 'boolean') throw new StoreInputError('subscription active must be a boolean');
      requireInstant(rec.createdAt, 'subscription createdAt');
      await db
        .insertInto('webhook_subscriptions')
        .values({ id: rec.id, url: rec.url, secret: rec.secret, events_json: JSON.stringify(rec.events), active: rec.active ? 1 : 0, created_at: rec.createdAt })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            url: (eb) => eb.ref('excluded.url'),
            secret: (eb) => eb.ref('excluded.secret'),
            events_json: (eb) => eb.ref('excluded.events_json'),
            active: (eb) => eb.ref('excluded.active'),
            created_at: (eb) => eb.ref('excluded.created_at'),
          }),
        )
        .execute();
    },
    async listSubscriptions() {
      const rows = await db.selectFrom('webhook_subscriptions').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toSubscription);
    },
    async enqueue(event, newDeliveryId) {
      requireText(event.eventId, 'outbox eventId');
      requireText(event.eventType, 'outbox eventType');
      requireJson(event.payloadJson, 'outbox payloadJson');
      requireInstant(event.createdAt, 'outbox createdAt');
      await db.insertInto('outbox_events').values({ event_id: event.eventId, event_type: event.eventType, payload_json: event.payloadJson, created_at: event.createdAt }).execute();
      const subs = (await db.selectFrom('webhook_subscriptions').selectAll().where('active', '=', 1).orderBy('id').execute()).map(toSubscription);
      const matching = subs.filter((s) => s.events.includes('*') || s.events.includes(event.eventType));
      if (matching.length === 0) return 0;
      const rows = matching.map((s) => {
        const id = newDeliveryId();
        requireText(id, 'delivery id');
        return { id, event_id: event.eventId, subscription_id: s.id, status: 'PENDING', attempts: 0, next_attempt_at: event.createdAt, last_error: null, created_at: event.createdAt, delivered_at: null };
      });
      await db.insertInto('deliveries').values(rows).execute();
      return rows.length;
    },
    async claimDue(now, limit) {
      requireInstant(now, 'now');
      const n = requireLimit(limit);
      const rows = await deliveries()
        .where('deliveries.status', '=', 'PENDING')
        .where('deliveries.next_attempt_at', '<=', normaliseInstant(now, 'now'))
        .orderBy('deliveries.next_attempt_at')
        .orderBy('deliveries.id')
        .limit(n)
        // Lock only the delivery rows: the event row is shared by the deliveries of all subscribers.
        .$if(caps.rowLocks, (q) => q.forUpdate('deliveries').skipLocked())
        .execute();
      return rows.map(toDelivery);
    },
    async lease(id, until) {
      requireInstant(until, 'lease until');
      const r = await db.updateTable('deliveries').set({ next_attempt_at: until }).where('id', '=', id).where('status', '=', 'PENDING').executeTakeFirst();
      await failIfNotPending(id, r.numUpdatedRows);
    },
    async markDelivered(id, at) {
      requireInstant(at, 'deliveredAt');
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'DELIVERED', attempts: sql<number>`attempts + 1`, delivered_at: at, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(id, r.numUpdatedRows);
    },
    async markFailed(id, patch) {
      if (typeof patch.error !== 'string') throw new StoreInputError('delivery error must be a string');
      if (patch.nextAttemptAt !== null) requireInstant(patch.nextAttemptAt, 'delivery nextAttemptAt');
      const r = await db
        .updateTable('deliveries')
        .set(
          patch.nextAttemptAt === null
            ? { status: 'DEAD', attempts: sql<number>`attempts + 1`, last_error: patch.error }
            : { status: 'PENDING', attempts: sql<number>`attempts + 1`, last_error: patch.error, next_attempt_at: patch.nextAttemptAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      await failIfNotPending(id, r.numUpdatedRows);
    },
    async redrive(id, now) {
      requireInstant(now, 'now');
      const r = await db.updateTable('deliveries').set({ status: 'PENDING', next_attempt_at: now }).where('id', '=', id).where('status', '=', 'DEAD').executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async getDelivery(id) {
      const row = await deliveries().where('deliveries.id', '=', id).executeTakeFirst();
      return row ? toDelivery(row) : undefined;
    },
    async pruneFinishedDeliveries(before, opts) {
      requireInstant(before, 'before');
      const finished = ['DELIVERED', 'DEAD'];
      if (opts.dryRun) {
        const row = await db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', 'in', finished)
          .where('created_at', '<', before)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }
      const r = await db.deleteFrom('deliveries').where('status', 'in', finished).where('created_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async listDeliveries(filter) {
      const limit = requireLimit(filter.limit);
      let q = deliveries();
      if (filter.status !== undefined) {
        if (!DELIVERY_STATUSES.includes(filter.status)) throw new StoreInputError(`unknown delivery status ${JSON.stringify(filter.status)}`);
        q = q.where('deliveries.status', '=', filter.status);
      }
      if (filter.after !== undefined) q = q.where(await afterCursor(db, 'deliveries', 'created_at', filter.after, 'delivery'));
      const rows = await q.orderBy('deliveries.created_at').orderBy('deliveries.id').limit(limit).execute();
      return rows.map(toDelivery);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Suppressions (do-not-contact lists).

const toSuppression = (r: Selectable<SuppressionsTable>): SuppressionRecord => ({
  kind: r.kind as SuppressionKind,
  value: r.value,
  reason: r.reason,
  source: r.source,
  createdAt: r.created_at,
});

function requireSuppressionKind(kind: unknown): void {
  if (!SUPPRESSION_KINDS.includes(kind as SuppressionKind)) throw new StoreInputError(`unknown suppression kind ${JSON.stringify(kind)} (expected ${SUPPRESSION_KINDS.join(', ')})`);
}

const HEX64 = /^[0-9a-f]{64}$/;

function sessionRepository(db: Kysely<Database>): SessionRepository {
  return {
    async create(r) {
      if (!HEX64.test(r.idHash) || !HEX64.test(r.secretHash)) throw new StoreInputError('session hashes must be 64 lower-case hex characters');
      requireInstant(r.createdAt, 'session createdAt');
      requireInstant(r.expiresAt, 'session expiresAt');
      await db.insertInto('console_sessions').values({ id_hash: r.idHash, secret_hash: r.secretHash, created_at: r.createdAt, expires_at: r.expiresAt }).execute();
    },
    async get(idHash) {
      const row = await db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row ? { idHash: row.id_hash, secretHash: row.secret_hash, createdAt: row.created_at, expiresAt: row.expires_at } : undefined;
    },
    async delete(idHash) {
      const r = await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteExpired(now) {
      requireInstant(now, 'now');
      const r = await db.deleteFrom('console_sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

function suppressionRepository(db: Kysely<Database>, caps: StoreCapabilities): SuppressionRepository {
  // Byte order on both dialects, so pages are the same whatever the database collation.
  const value = caps.dialect === 'postgres' ? sql`value collate "C"` : sql`value`;
  return {
    async upsert(records) {
      // The last record wins when a (kind, value) repeats (one statement may not update a row twice).
      const byKey = new Map<string, SuppressionRecord>();
      for (const r of records) {
        requireSuppressionKind(r.kind);
        requireText(r.value, 'suppression value');
        if (r.value !== r.value.trim()) throw new StoreInputError(`suppression value ${JSON.stringify(r.value)} must not have surrounding spaces`);
        if (r.reason !== null) requireText(r.reason, 'suppression reason');
        requireText(r.source, 'suppression source');
        requireInstant(r.createdAt, 'suppression createdAt');
        byKey.set(`${r.kind}\u0000${r.value}`, r);
      }
      const rows = [...byKey.values()].map((r) => ({ kind: r.kind, value: r.value, reason: r.reason, source: r.source, created_at: r.createdAt }));
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto('suppressions')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.columns(['kind', 'value']).doUpdateSet({
              reason: (eb) => eb.ref('excluded.reason'),
              source: (eb) => eb.ref('excluded.source'),
              created_at: (eb) => eb.ref('excluded.created_at'),
            }),
          )
          .execute();
      }
    },
    async find(keys) {
      for (const k of keys) requireSuppressionKind(k.kind);
      const found: SuppressionRecord[] = [];
      for (const kind of SUPPRESSION_KINDS) {
        const values = [...new Set(keys.filter((k) => k.kind === kind).map((k) => k.value))];
        if (values.length === 0) continue;
        const rows = await db.selectFrom('suppressions').selectAll().where('kind', '=', kind).where('value', 'in', values).orderBy(value).execute();
        found.push(...rows.map(toSuppression));
      }
      return found;
    },
    async remove(kind, value) {
      requireSuppressionKind(kind);
      const r = await db.deleteFrom('suppressions').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    async page(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('suppressions').selectAll();
      if (filter.kind !== undefined) {
        requireSuppressionKind(filter.kind);
        q = q.where('kind', '=', filter.kind);
      }
      if (filter.after !== undefined) {
        requireSuppressionKind(filter.after.kind);
        q = q.where(sql<boolean>`(kind, ${value}) > (${filter.after.kind}, ${filter.after.value})`);
      }
      const rows = await q.orderBy('kind').orderBy(value).limit(limit).execute();
      return rows.map(toSuppression);
    },
    async count() {
      const row = await db.selectFrom('suppressions').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
