import { type CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import type {
  LedgerEntry,
  PoolLedger,
  RepLoad,
  RoutingStateSnapshot,
  RoutingStateView,
  StateChanges,
} from '../../domain/strategies/routing-state.ts';
import type { RoutingScope, RoutingStateRepository } from '../ports/routing-state.port.ts';
import { ScopeViolationError, StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { takesSharedLock } from './deferred-writes.ts';
import { requireText } from './input-checks.ts';
import { awayQuery, toPresenceRecord } from './rep-presence-repository.ts';
import type { Database, RepStateTable, RoutingLedgerTable } from './schema.ts';
import type { StatementShapes } from './statement-shapes.ts';
import { sendWithCounters, type CachedReads } from './table-generations.ts';

function sortedUnique(values: readonly string[], what: string): string[] {
  for (const v of values) requireText(v, what);
  return [...new Set(values)].sort();
}

// PostgreSQL takes the row locks in the order of the upsert's rows: every transaction sorts them the same way
// (sortedUnique), so two transactions never wait for each other in opposite orders.

export function routingStateRepository(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  cached: CachedReads,
): RoutingStateRepository {
  return { ...scopeLocks(db, caps, shapes, cached), ...stateChanges(db, shapes), ...stateSnapshot(db), ...poolControls(db, caps, shapes) };
}

function scopeLocks(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  cached: CachedReads,
): Pick<RoutingStateRepository, 'lockScope' | 'lockScopeReadingAway' | 'releaseOpen'> {
  return {
    async lockScope(scope: RoutingScope): Promise<RoutingStateView> {
      return (await lockSorted(db, caps, shapes, cached, scope)).view;
    },
    async lockScopeReadingAway(scope: RoutingScope) {
      const repIds = sortedUnique(scope.repIds, 'rep id');
      const after = repIds.length > 0 ? awayQuery(db, shapes, repIds) : undefined;
      const { view, afterRows } = await lockSorted(db, caps, shapes, cached, scope, after);
      return { state: view, away: afterRows.map(toPresenceRecord) };
    },
    async releaseOpen(repId) {
      requireText(repId, 'rep id');
      await db
        .updateTable('rep_state')
        .set({ open_count: sql<number>`open_count - 1` })
        .where('rep_id', '=', repId)
        .where('open_count', '>', 0)
        .execute();
    },
  };
}

function stateChanges(db: Kysely<Database>, shapes: StatementShapes): Pick<RoutingStateRepository, 'apply'> {
  return {
    async apply(changes: StateChanges) {
      if (changes.ledger) {
        const { pool, seq, entries } = changes.ledger;
        requireText(pool, 'pool');
        if (!Number.isInteger(seq) || seq < 1) throw new StoreInputError(`pool ${pool}: seq must be a positive integer, got ${seq}`);
        // Compiled once per shape (statement-shapes.ts): every value comes from the rows, the update reads `excluded`.
        await shapes.run(
          db,
          'routing_pools.apply',
          [{ pool, seq }],
          (r) =>
            db
              .insertInto('routing_pools')
              .values(r)
              .onConflict((oc) => oc.column('pool').doUpdateSet({ seq: (eb) => eb.ref('excluded.seq') })),
          'routing_pools',
        );
        const rows = ledgerRows(pool, entries);
        // Plain pools write exactly the columns they always wrote; only a declared pool's entries carry the day counter.
        const counted = Object.values(entries).some((e) => e.day !== undefined);
        if (rows.length > 0) {
          await shapes.run(
            db,
            counted ? 'routing_ledger.apply.counted' : 'routing_ledger.apply',
            counted ? rows : rows.map(({ day: _day, today: _today, ...plain }) => plain),
            (r) =>
              db
                .insertInto('routing_ledger')
                .values(r)
                .onConflict((oc) =>
                  oc.columns(['pool', 'rep_id']).doUpdateSet({
                    assigned: (eb) => eb.ref('excluded.assigned'),
                    entitled: (eb) => eb.ref('excluded.entitled'),
                    last_seq: (eb) => eb.ref('excluded.last_seq'),
                    ...(counted ? { day: (eb) => eb.ref('excluded.day'), today: (eb) => eb.ref('excluded.today') } : {}),
                  }),
                ),
            'routing_ledger',
          );
        }
      }
      if (changes.load) {
        const { repId, day } = changes.load;
        requireText(repId, 'rep id');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
          throw new StoreInputError(`rep ${repId}: load day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
        // Same semantics as applyChanges(): open += 1; today = same day ? today + 1 : 1.
        await shapes.run(
          db,
          'rep_state.apply',
          [{ rep_id: repId, open_count: 1, day, today: 1 }],
          (r) =>
            db
              .insertInto('rep_state')
              .values(r)
              .onConflict((oc) =>
                oc.column('rep_id').doUpdateSet({
                  open_count: sql<number>`rep_state.open_count + 1`,
                  today: sql<number>`case when rep_state.day = excluded.day then rep_state.today + 1 else 1 end`,
                  day: (eb) => eb.ref('excluded.day'),
                }),
              ),
          'rep_state',
        );
      }
    },
  };
}

function stateSnapshot(db: Kysely<Database>): Pick<RoutingStateRepository, 'snapshot'> {
  return {
    async snapshot(): Promise<RoutingStateSnapshot> {
      const poolRows = await db.selectFrom('routing_pools').selectAll().where('seq', '>', 0).orderBy('pool').execute();
      const ledger = await db.selectFrom('routing_ledger').selectAll().orderBy('pool').orderBy('rep_id').execute();
      const repRows = await db.selectFrom('rep_state').selectAll().where('day', 'is not', null).orderBy('rep_id').execute();
      const pools: Record<string, { seq: number; reps: Record<string, LedgerEntry> }> = {};
      for (const p of poolRows) pools[p.pool] = { seq: Number(p.seq), reps: {} };
      for (const l of ledger) {
        const p = pools[l.pool];
        if (p) p.reps[l.rep_id] = entryOf(l);
      }
      const loads: Record<string, RepLoad> = {};
      for (const r of repRows) loads[r.rep_id] = { open: Number(r.open_count), day: r.day!, today: Number(r.today) };
      return { pools, loads };
    },
  };
}

/**
 * Locks the pool rows and returns their sequence numbers. PostgreSQL: the upsert of poolLockQuery. SQLite: the write
 * transaction already excludes every other writer, so a plain read.
 */
async function lockPools(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  pools: readonly string[],
): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  if (pools.length > 0) {
    const rows = caps.rowLocks
      ? (await db.executeQuery(poolLockQuery(db, pools))).rows
      : (
          await shapes.query(db, 'routing_pools.read', { pools }, (p) =>
            db.selectFrom('routing_pools').select(['pool', 'seq']).where('pool', 'in', p.pools).orderBy('pool'),
          )
        ).rows;
    for (const r of rows) seqs.set(r.pool, Number(r.seq));
  }
  return seqs;
}

/**
 * Locks the scope (pools, then reps, each sorted) and returns its view; `after` (a read that must start once the locks
 * are held: a presence change takes the rep lock) runs after them and its rows come back too.
 */
async function lockSorted<A>(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  cached: CachedReads,
  scope: RoutingScope,
  after?: CompiledQuery<A>,
): Promise<{ view: RoutingStateView; afterRows: readonly A[] }> {
  const pools = sortedUnique(scope.pools, 'pool');
  const repIds = sortedUnique(scope.repIds, 'rep id');
  if (caps.rowLocks) return lockWithRowLocks(db, cached, pools, repIds, after);
  const seqs = await lockPools(db, caps, shapes, pools);
  const loads = await readReps(db, shapes, repIds);
  const ledger = await readLedger(db, shapes, pools, repIds);
  const afterRows = after ? (await db.executeQuery(after)).rows : [];
  return { view: scopedView(pools, repIds, seqs, loads, ledger), afterRows };
}

/**
 * PostgreSQL, issue 18: the pool locks, the rep locks with the ledger read, and `after`, in one round trip (lane pgtrips,
 * sent-ahead.ts: none of the texts needs an earlier answer). The server runs them one after the other, each with its own
 * snapshot taken when it starts: the rep statement starts once the pool locks are held, so its ledger part sees every
 * commit of an earlier pool holder (ledger rows are guarded by their pool's lock), and `after` starts once the rep locks
 * are held — as when each was awaited before the next was sent. The ledger comes back as one JSON array on each
 * returned rep row (an upsert returns every rep).
 *
 * Lane pg5: a transaction that has not read the table generations yet reads them last in the same round trip (after the
 * locks are granted; table-generations.ts `sendWithCounters`), so the outbox insert after the decision — which used to
 * read them — becomes a write nobody waits for and travels with COMMIT.
 */
async function lockWithRowLocks<A>(
  db: Kysely<Database>,
  cached: CachedReads,
  pools: readonly string[],
  repIds: readonly string[],
  after: CompiledQuery<A> | undefined,
): Promise<{ view: RoutingStateView; afterRows: readonly A[] }> {
  const queries: CompiledQuery[] = [];
  if (pools.length > 0) queries.push(poolLockQuery(db, pools));
  if (repIds.length > 0) queries.push(pools.length > 0 ? repLockReadingLedgerQuery(db, pools, repIds) : repLockQuery(db, repIds));
  if (after) queries.push(after);
  const results = queries.length > 0 ? await sendWithCounters(db, cached, queries) : [];
  let next = 0;
  const poolRows = (pools.length > 0 ? results[next++]!.rows : []) as { pool: string; seq: number | string }[];
  const repRows = (repIds.length > 0 ? results[next++]!.rows : []) as RepLockRow[];
  const afterRows = (after ? results[next]!.rows : []) as A[];
  const seqs = new Map(poolRows.map((r) => [r.pool, Number(r.seq)]));
  const loads = new Map<string, RepLoad | undefined>(repRows.map((r) => [r.rep_id, loadOf(r)]));
  const ledger = new Map<string, LedgerEntry>();
  for (const l of repRows[0]?.ledger ?? []) ledger.set(`${l.pool}\u0000${l.rep_id}`, entryOf(l));
  return { view: scopedView(pools, repIds, seqs, loads, ledger), afterRows };
}

type RepLockRow = Selectable<RepStateTable> & { readonly ledger?: readonly Selectable<RoutingLedgerTable>[] };

/**
 * PostgreSQL's pool lock: an upsert in byte order whose no-op update takes the same row lock as `SELECT … FOR UPDATE`
 * (waiting for, then seeing, the latest committed version) and creates a missing row, returning every row. Every lead of
 * a round-robin pool queues on this lock, so the transaction's held writes go before it, not with it (takesSharedLock).
 */
const poolLockQuery = (db: Kysely<Database>, pools: readonly string[]) =>
  takesSharedLock(
    db
      .insertInto('routing_pools')
      .values(pools.map((pool) => ({ pool, seq: 0 })))
      .onConflict((oc) => oc.column('pool').doUpdateSet({ seq: sql<number>`routing_pools.seq` }))
      .returning(['pool', 'seq'])
      .compile(),
  );

/** PostgreSQL's rep lock, the same way: one upsert returning every rep's row. */
const repLockQuery = (db: Kysely<Database>, repIds: readonly string[]) =>
  db
    .insertInto('rep_state')
    .values(repIds.map((rep_id) => ({ rep_id, open_count: 0, day: null, today: 0 })))
    .onConflict((oc) => oc.column('rep_id').doUpdateSet({ open_count: sql<number>`rep_state.open_count` }))
    .returningAll()
    .compile();

/** The rep lock with the ledger of the scope's pools and reps as a `WITH` part of it (issue 18). */
const repLockReadingLedgerQuery = (db: Kysely<Database>, pools: readonly string[], repIds: readonly string[]) =>
  db
    .with('scope_ledger', (qb) => qb.selectFrom('routing_ledger').selectAll().where('pool', 'in', pools).where('rep_id', 'in', repIds))
    .insertInto('rep_state')
    .values(repIds.map((rep_id) => ({ rep_id, open_count: 0, day: null, today: 0 })))
    .onConflict((oc) => oc.column('rep_id').doUpdateSet({ open_count: sql<number>`rep_state.open_count` }))
    .returningAll()
    .returning(sql<Selectable<RoutingLedgerTable>[]>`(select coalesce(json_agg(scope_ledger), '[]'::json) from scope_ledger)`.as('ledger'))
    .compile();

/** SQLite: the write transaction already excludes every other writer; the reps' loads (undefined: never assigned). */
async function readReps(
  db: Kysely<Database>,
  shapes: StatementShapes,
  repIds: readonly string[],
): Promise<Map<string, RepLoad | undefined>> {
  const loads = new Map<string, RepLoad | undefined>();
  if (repIds.length > 0) {
    const { rows } = await shapes.query(db, 'rep_state.read', { repIds }, (p) =>
      db.selectFrom('rep_state').selectAll().where('rep_id', 'in', p.repIds).orderBy('rep_id'),
    );
    for (const r of rows) loads.set(r.rep_id, loadOf(r));
  }
  return loads;
}

async function readLedger(
  db: Kysely<Database>,
  shapes: StatementShapes,
  pools: readonly string[],
  repIds: readonly string[],
): Promise<Map<string, LedgerEntry>> {
  const ledger = new Map<string, LedgerEntry>();
  if (pools.length > 0 && repIds.length > 0) {
    const { rows } = await shapes.query(db, 'routing_ledger.read', { pools, repIds }, (p) =>
      db.selectFrom('routing_ledger').selectAll().where('pool', 'in', p.pools).where('rep_id', 'in', p.repIds),
    );
    for (const r of rows) ledger.set(`${r.pool}\u0000${r.rep_id}`, entryOf(r));
  }

  return ledger;
}

/** The view of a locked scope: asking about a pool or rep outside it is a programming error. */
function scopedView(
  pools: readonly string[],
  repIds: readonly string[],
  seqs: ReadonlyMap<string, number>,
  loads: ReadonlyMap<string, RepLoad | undefined>,
  ledger: ReadonlyMap<string, LedgerEntry>,
): RoutingStateView {
  const poolSet = new Set(pools);
  const repSet = new Set(repIds);
  const inPool = (pool: string) => {
    if (!poolSet.has(pool))
      throw new ScopeViolationError(
        `routing state of pool ${JSON.stringify(pool)} was read but not locked (scope: ${pools.join(', ') || 'none'})`,
      );
  };
  const inReps = (repId: string) => {
    if (!repSet.has(repId))
      throw new ScopeViolationError(
        `routing state of rep ${JSON.stringify(repId)} was read but not locked (scope: ${repIds.join(', ') || 'none'})`,
      );
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
}

/** A rep_state row as the domain's load (undefined for the placeholder row of a rep never assigned). */
const loadOf = (r: Pick<Selectable<RepStateTable>, 'open_count' | 'day' | 'today'>): RepLoad | undefined =>
  r.day === null ? undefined : { open: Number(r.open_count), day: r.day, today: Number(r.today) };

type LedgerRowShape = Pick<Selectable<RoutingLedgerTable>, 'assigned' | 'entitled' | 'last_seq' | 'day' | 'today'>;

/** A stored ledger row as the domain's entry; the day counter only where a declared pool set it, so other entries read as before. */
function entryOf(r: LedgerRowShape): LedgerEntry {
  const base = { assigned: Number(r.assigned), entitled: Number(r.entitled), lastSeq: Number(r.last_seq) };
  // `day` is undefined on a database not yet at migration 0014 (the in-place upgrade tests route on one).
  return r.day === null || r.day === undefined ? base : { ...base, day: r.day, today: Number(r.today) };
}

/** Checked rows to write for a pool's entries (an entry without a day counter stores none). */
function ledgerRows(pool: string, entries: Readonly<Record<string, LedgerEntry>>) {
  return Object.entries(entries).map(([rep_id, e]) => {
    requireText(rep_id, 'rep id');
    const badDay = e.day !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(e.day) || !Number.isInteger(e.today) || e.today! < 0);
    if (!Number.isInteger(e.assigned) || e.assigned < 0 || !Number.isFinite(e.entitled) || !Number.isInteger(e.lastSeq) || badDay)
      throw new StoreInputError(`pool ${pool}, rep ${rep_id}: invalid ledger entry ${JSON.stringify(e)}`);
    return { pool, rep_id, assigned: e.assigned, entitled: e.entitled, last_seq: e.lastSeq, day: e.day ?? null, today: e.today ?? 0 };
  });
}

/** Reset and recalibration (docs/operations.md "Pools"): one pool locked, its whole ledger read and rewritten. */
function poolControls(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
): Pick<RoutingStateRepository, 'lockPool' | 'replacePoolLedger'> {
  return {
    async lockPool(pool: string): Promise<PoolLedger> {
      requireText(pool, 'pool');
      const seq = (await lockPools(db, caps, shapes, [pool])).get(pool) ?? 0;
      const rows = await db.selectFrom('routing_ledger').selectAll().where('pool', '=', pool).orderBy('rep_id').execute();
      return { seq, reps: Object.fromEntries(rows.map((r) => [r.rep_id, entryOf(r)])) };
    },
    async replacePoolLedger(pool, entries) {
      requireText(pool, 'pool');
      const rows = ledgerRows(pool, entries);
      // The pool row anchors the ledger rows (foreign key); SQLite has no row locks, so it may not exist yet.
      await db
        .insertInto('routing_pools')
        .values({ pool, seq: 0 })
        .onConflict((oc) => oc.column('pool').doNothing())
        .execute();
      await db.deleteFrom('routing_ledger').where('pool', '=', pool).execute();
      if (rows.length > 0) await db.insertInto('routing_ledger').values(rows).execute();
    },
  };
}
