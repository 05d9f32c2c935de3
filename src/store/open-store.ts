import type { CheckpointMessage } from './sqlite/checkpoint-worker.ts';
import type { IntegrityProblemListener } from './sqlite/integrity-monitor.ts';
import { StoreInputError } from './store-errors.ts';
import type { Store } from './unit-of-work.ts';

export interface OpenStoreOptions {
  /**
   * `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite::memory:` or `:memory:` → in-memory
   * SQLite; `sqlite:PATH`, `file:PATH` or a plain path → that SQLite file. Default:
   * ./data/remit.sqlite (the CLI passes DATABASE_URL through runtime-config.ts).
   */
  readonly url?: string | undefined;
  /** PostgreSQL only: schema for Remit's tables (see PostgresStoreOptions.schema). */
  readonly schema?: string | undefined;
  readonly poolSize?: number;
  readonly busyTimeoutMs?: number;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** SQLite: create a new empty store even where the marker shows one was lost (`--init`). */
  readonly init?: boolean;
  /** SQLite: run `PRAGMA quick_check` every this many ms, off the event loop (`remit serve`). */
  readonly integrityCheckMs?: number;
  /** SQLite: told of each integrity check that found damage or could not run (`remit serve` logs and counts it). */
  readonly onIntegrityProblem?: IntegrityProblemListener;
  /** SQLite: checkpoint the WAL in a worker thread every this many ms, not inside COMMIT (`remit serve`). */
  readonly checkpointEveryMs?: number;
  /** SQLite: told of each background checkpoint that copied frames, or failed. */
  readonly onCheckpoint?: (m: CheckpointMessage) => void;
}

export type StoreTarget = { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'sqlite'; readonly path: string };

export function resolveStoreTarget(url: string | undefined): StoreTarget {
  const u = (url ?? '').trim();
  if (u === '') return { kind: 'sqlite', path: './data/remit.sqlite' };
  if (/^postgres(ql)?:\/\//i.test(u)) return { kind: 'postgres', url: u };
  if (u === ':memory:' || u === 'sqlite::memory:' || u === 'sqlite://:memory:') return { kind: 'sqlite', path: ':memory:' };
  const path = u.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
  if (path === '') throw new StoreInputError(`no SQLite path in store url ${JSON.stringify(url)}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path))
    throw new StoreInputError(`unsupported store url ${JSON.stringify(url)}: use postgres://… or an SQLite path`);
  return { kind: 'sqlite', path };
}

/** Opens (and migrates) the configured store. Adapters are loaded lazily: SQLite users never load pg. */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const target = resolveStoreTarget(opts.url);
  if (target.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres/postgres-store.ts');
    return openPostgresStore({
      url: target.url,
      schema: opts.schema,
      ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
      ...(opts.migrate !== undefined ? { migrate: opts.migrate } : {}),
    });
  }
  const { openSqliteStore } = await import('./sqlite/sqlite-store.ts');
  return openSqliteStore({
    path: target.path,
    ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
    ...(opts.migrate !== undefined ? { migrate: opts.migrate } : {}),
    ...(opts.init !== undefined ? { init: opts.init } : {}),
    ...(opts.integrityCheckMs !== undefined ? { integrityCheckMs: opts.integrityCheckMs } : {}),
    ...(opts.onIntegrityProblem ? { onIntegrityProblem: opts.onIntegrityProblem } : {}),
    ...(opts.checkpointEveryMs !== undefined ? { checkpointEveryMs: opts.checkpointEveryMs } : {}),
    ...(opts.onCheckpoint ? { onCheckpoint: opts.onCheckpoint } : {}),
  });
}
