import {
  Transaction,
  type CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type KyselyPlugin,
  type QueryExecutor,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
} from 'kysely';

/**
 * Issue 18 (lane storejs): inside a transaction Kysely sends every statement through a chain of async layers — the
 * state-asserting executor (which builds a new executor per statement), the query executor, the single-connection
 * provider's mutex, two consumer closures and the result transform: ~8 promises per statement, ~25 statements per
 * lead. node:sqlite runs a statement synchronously, so on SQLite that chain is most of a statement's JavaScript. This
 * executor hands a transaction's statements to its one connection directly (the write-batching connection, which
 * keeps its holding and merging), one at a time in the order they were asked for, as the mutex did. Building and
 * compiling are still Kysely's. Used only when the transaction has no plugins (no result transform to skip); once the
 * unit of work has ended, statements go back through Kysely's own executor, which refuses them after COMMIT.
 */
export class DirectTransactionExecutor implements QueryExecutor {
  readonly #inner: QueryExecutor;
  readonly #connection: DatabaseConnection;
  #busy = false;
  readonly #waiting: (() => void)[] = [];
  #open = true;

  constructor(inner: QueryExecutor, connection: DatabaseConnection) {
    this.#inner = inner;
    this.#connection = connection;
  }

  /** The unit of work ended: later statements take Kysely's path (and its committed / rolled-back checks). */
  close(): void {
    this.#open = false;
  }

  get adapter() {
    return this.#inner.adapter;
  }
  get plugins() {
    return this.#inner.plugins;
  }
  transformQuery<T extends RootOperationNode>(node: T, queryId: QueryId): T {
    return this.#inner.transformQuery(node, queryId);
  }
  compileQuery<R = unknown>(node: RootOperationNode, queryId: QueryId): CompiledQuery<R> {
    return this.#inner.compileQuery<R>(node, queryId);
  }

  executeQuery<R>(compiledQuery: CompiledQuery<R>): Promise<QueryResult<R>> {
    if (!this.#open) return this.#inner.executeQuery(compiledQuery);
    // The common case: nothing in flight, the statement goes to the connection now (one promise, no queue).
    if (!this.#busy) return this.#send(compiledQuery);
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#send(compiledQuery));
  }

  /** Called holding the turn (taken here, or handed over by `#release`); gives it on when the statement settles. */
  #send<R>(compiledQuery: CompiledQuery<R>): Promise<QueryResult<R>> {
    this.#busy = true;
    let sent: Promise<QueryResult<R>>;
    try {
      sent = this.#connection.executeQuery<R>(compiledQuery);
    } catch (e) {
      this.#release();
      return Promise.reject(e);
    }
    return sent.then(
      (result) => {
        this.#release();
        return result;
      },
      (error: unknown) => {
        this.#release();
        throw error;
      },
    );
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The turn passes straight to the next statement in line (busy stays set), else it is free.
    if (next) next();
    else this.#busy = false;
  }

  async #turn(): Promise<void> {
    if (!this.#busy) this.#busy = true;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  async provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    if (!this.#open) return this.#inner.provideConnection(consumer);
    await this.#turn();
    try {
      return await this.#inner.provideConnection(consumer);
    } finally {
      this.#release();
    }
  }

  async *stream<R>(compiledQuery: CompiledQuery<R>, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    if (!this.#open) return yield* this.#inner.stream(compiledQuery, chunkSize);
    await this.#turn();
    try {
      yield* this.#inner.stream(compiledQuery, chunkSize);
    } finally {
      this.#release();
    }
  }

  // A derived executor (a plugin added, another provider) is Kysely's own: it has no fast path.
  withConnectionProvider(connectionProvider: ConnectionProvider): QueryExecutor {
    return this.#inner.withConnectionProvider(connectionProvider);
  }
  withPlugin(plugin: KyselyPlugin): QueryExecutor {
    return this.#inner.withPlugin(plugin);
  }
  withPlugins(plugins: readonly KyselyPlugin[]): QueryExecutor {
    return this.#inner.withPlugins(plugins);
  }
  withPluginAtFront(plugin: KyselyPlugin): QueryExecutor {
    return this.#inner.withPluginAtFront(plugin);
  }
  withoutPlugins(): QueryExecutor {
    return this.#inner.withoutPlugins();
  }
}

/** A transaction never uses its Kysely's driver (BEGIN and COMMIT are the transaction builder's); this one refuses. */
const refuse = (): never => {
  throw new Error('a direct SQLite transaction has no driver of its own');
};
const NO_DRIVER: Driver = {
  init: refuse,
  acquireConnection: refuse,
  beginTransaction: refuse,
  commitTransaction: refuse,
  rollbackTransaction: refuse,
  releaseConnection: refuse,
  destroy: refuse,
};

export interface DirectTransaction<DB> {
  readonly db: Kysely<DB>;
  /** The unit of work ended (before COMMIT or ROLLBACK). */
  close(): void;
}

/** `trx` (Kysely's transaction) with its statements sent directly to its connection, or null when it has plugins. */
export async function directTransaction<DB>(trx: Kysely<DB>, dialect: Dialect): Promise<DirectTransaction<DB> | null> {
  const inner = trx.getExecutor();
  if (inner.plugins.length > 0) return null;
  // Through Kysely once: its provider hands out the transaction's connection (and releases its mutex at once).
  const connection = await inner.provideConnection(async (c) => c);
  const executor = new DirectTransactionExecutor(inner, connection);
  const db = new Transaction<DB>({ config: { dialect }, dialect, driver: NO_DRIVER, executor });
  return { db, close: () => executor.close() };
}
