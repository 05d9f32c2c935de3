import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, type Driver } from 'kysely';
import { migrate } from '../migrations/runner.ts';
import type { Database } from '../sql/schema.ts';
import { leafDigestsOnWorkers } from '../sql/audit-digest-pool.ts';
import { createSqlStore } from '../sql/sql-store.ts';
import { SQLITE_BATCHING, WriteBatchingDriver } from '../sql/write-batching-driver.ts';
import { StoreUnavailableError } from '../store-errors.ts';
import type { Store, StoreCapabilities } from '../unit-of-work.ts';
import { startBackgroundCheckpointer, type BackgroundCheckpointer } from './background-checkpointer.ts';
import type { CheckpointMessage } from './checkpoint-worker.ts';
import { directTransaction } from './direct-transaction-executor.ts';
import { startIntegrityMonitor, type IntegrityMonitor, type IntegrityProblemListener } from './integrity-monitor.ts';
import { isSqliteBusy, NodeSqliteDatabase, NodeSqliteDialect } from './node-sqlite-dialect.ts';
import { faultOf, markStoreCreated, prepareSqliteFile, SqliteFileWatch } from './sqlite-file-watch.ts';

export const DEFAULT_SQLITE_PATH = './data/remit.sqlite';
const DIGEST_WORKER = new URL('./audit-digest-worker.ts', import.meta.url);

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. Default ./data/remit.sqlite (the folder is created). */
  readonly path?: string;
  /** How long a writer waits for another process's write lock, ms. Default 10 000. */
  readonly busyTimeoutMs?: number;
  /** Apply pending migrations on open. Default true. */
  readonly migrate?: boolean;
  /**
   * Create a new empty store even though the file's marker shows one existed (it was lost).
   * Default false: a lost store is refused with StoreMissingError (docs/storage.md).
   */
  readonly init?: boolean;
  /** Run `PRAGMA quick_check` every this many ms in a worker thread (`remit serve`). Default: never. */
  readonly integrityCheckMs?: number;
  /** Told of each integrity check that found damage or could not run. */
  readonly onIntegrityProblem?: IntegrityProblemListener;
  /**
   * Checkpoint the WAL every this many ms in a worker thread instead of inside the COMMIT that
   * crosses ~1000 pages (`remit serve`; background-checkpointer.ts). Default: SQLite's automatic checkpoints.
   */
  readonly checkpointEveryMs?: number;
  /** Told of each background checkpoint that copied frames, or failed. */
  readonly onCheckpoint?: (m: CheckpointMessage) => void;
}

function pragma(raw: DatabaseSync, statement: string): void {
  // journal_mode can report SQLITE_BUSY without consulting the busy handler while another
  // process is creating the same file: retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      raw.exec(statement);
      return;
    } catch (e) {
      if (!isSqliteBusy(e) || attempt >= 50) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** A damaged file found while opening is reported as STORE_UNAVAILABLE, not as a driver error. */
function openFault(error: unknown): unknown {
  const fault = faultOf(error);
  return fault ? new StoreUnavailableError(fault.reason, `the store cannot be opened: ${fault.detail}`, { cause: error }) : error;
}

/** node:sqlite, a transaction's appends of one table merged into one INSERT (sql/write-batching-driver.ts, issue 18). */
class WriteBatchingSqliteDialect extends NodeSqliteDialect {
  override createDriver(): Driver {
    return new WriteBatchingDriver(super.createDriver(), SQLITE_BATCHING);
  }
}

export async function openSqliteStore(opts: SqliteStoreOptions = {}): Promise<Store> {
  const path = opts.path ?? DEFAULT_SQLITE_PATH;
  const memory = path === ':memory:';
  if (!memory) prepareSqliteFile(path, { init: opts.init ?? false });
  const raw = new DatabaseSync(path);
  let watch: SqliteFileWatch | null = null;
  try {
    if (!memory) watch = new SqliteFileWatch(path);
    pragma(raw, `PRAGMA busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 10_000))}`);
    if (!memory) {
      pragma(raw, 'PRAGMA journal_mode = WAL');
      pragma(raw, 'PRAGMA synchronous = NORMAL');
    }
    pragma(raw, 'PRAGMA foreign_keys = ON');
    // C8 erasure: overwritten and deleted content is zeroed on disk, not left in free pages.
    pragma(raw, 'PRAGMA secure_delete = ON');
  } catch (e) {
    raw.close();
    throw openFault(e);
  }
  const fileKey = memory ? null : realpathSync(resolve(path));
  const dialect = new WriteBatchingSqliteDialect(new NodeSqliteDatabase(raw, watch), fileKey);
  const db = new Kysely<Database>({ dialect });
  const capabilities: StoreCapabilities = { dialect: 'sqlite', rowLocks: false, concurrentProcesses: !memory, multiInstance: false };
  try {
    if (opts.migrate ?? true) await migrate(db, { dialect: 'sqlite' });
  } catch (e) {
    await db.destroy();
    throw openFault(e);
  }
  if (!memory) markStoreCreated(path, new Date().toISOString());
  let monitor: IntegrityMonitor | null = null;
  const checkEveryMs = opts.integrityCheckMs ?? 0;
  if (watch && checkEveryMs > 0) monitor = startIntegrityMonitor(watch, checkEveryMs, opts.onIntegrityProblem);
  let checkpointer: BackgroundCheckpointer | null = null;
  const checkpointEveryMs = opts.checkpointEveryMs ?? 0;
  if (fileKey !== null && checkpointEveryMs > 0)
    checkpointer = startBackgroundCheckpointer(raw, fileKey, fileKey, checkpointEveryMs, opts.onCheckpoint);
  return createSqlStore({
    db,
    capabilities,
    isRetryable: isSqliteBusy,
    directTransaction: (trx) => directTransaction(trx, dialect),
    // audit verify of a large log: ranges read and hashed on one worker per core, each with its own read-only connection.
    ...(fileKey !== null ? { auditLeafDigests: leafDigestsOnWorkers(DIGEST_WORKER, { path: fileKey }, availableParallelism()) } : {}),
    health: async () => watch?.check() ?? { kind: 'healthy', integrityCheckedAt: null },
    beforeClose: async () => {
      await checkpointer?.stop();
      await monitor?.stop();
    },
  });
}
