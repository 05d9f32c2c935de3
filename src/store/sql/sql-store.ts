import { sql, type Kysely, type Selectable } from 'kysely';
import type { DecisionOutcome } from '../../domain/decision/decision.ts';
import type { LedgerEntry, RepLoad, RoutingStateSnapshot, RoutingStateView, StateChanges } from '../../domain/strategies/routing-state.ts';
import { appliedMigrations } from '../migrations/runner.ts';
import { ScopeViolationError, StoreInputError } from '../store-errors.ts';
import {
  LEAD_STATUSES,
  type DecisionRecord,
  type DecisionRepository,
  type LeadRecord,
  type LeadRepository,
  type LeadStatus,
  type OrgVersionRecord,
  type OrgVersionRepository,
  type RoutingScope,
  type RoutingStateRepository,
  type Store,
  type StoreCapabilities,
  type UnitOfWork,
} from '../store-port.ts';
import type { Database, DecisionsTable, LeadsTable, OrgVersionsTable } from './schema.ts';

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
}

const OUTCOMES: readonly DecisionOutcome[] = ['ASSIGNED', 'QUEUED', 'REFUSED', 'HELD', 'NURTURE'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSqlStore(opts: SqlStoreOptions): Store {
  const { db, capabilities, isRetryable } = opts;
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
    appliedMigrations: () => appliedMigrations(db as unknown as Kysely<unknown>),
    close: () => db.destroy(),
  };
}

function unitOfWork(db: Kysely<Database>, caps: StoreCapabilities): UnitOfWork {
  return {
    orgVersions: orgVersionRepository(db),
    leads: leadRepository(db, caps),
    decisions: decisionRepository(db),
    routingState: routingStateRepository(db, caps),
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
      if (inserted) return { record: toLead(row), created: true };
      const existing = await lock(input.id);
      if (!existing) throw new Error(`lead ${input.id} neither inserted nor found`);
      return { record: existing, created: false };
    },
    async update(id, patch) {
      if (!LEAD_STATUSES.includes(patch.status)) throw new StoreInputError(`unknown lead status ${JSON.stringify(patch.status)}`);
      requireInstant(patch.updatedAt, 'lead updatedAt');
      const r = await db
        .updateTable('leads')
        .set({ status: patch.status, team_id: patch.teamId, rep_id: patch.repId, org_hash: patch.orgHash, updated_at: patch.updatedAt })
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
  };
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
