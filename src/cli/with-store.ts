import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/unit-of-work.ts';
import { runtimeEnv } from './runtime-config.ts';

/**
 * Runs `fn` on the store named by --db (default DATABASE_URL, else ./data/remit.sqlite) and closes it, whatever `fn` does.
 * `init`: create a new empty SQLite store even where its marker shows one was lost (docs/storage.md).
 */
export async function withStore<T>(db: string | undefined, fn: (store: Store) => Promise<T>, opts: { init?: boolean } = {}): Promise<T> {
  const store = await openStore({ url: db ?? runtimeEnv().databaseUrl, init: opts.init === true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
