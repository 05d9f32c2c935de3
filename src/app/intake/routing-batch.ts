import type { RoutingScope } from '../../store/ports/routing-state.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { BatchRoutingLocks } from '../routing/batch-routing-locks.ts';

/**
 * Issue 18 (lane pgbatch): on PostgreSQL every lead of a round-robin pool serialises on the pool's row lock from the lock
 * to COMMIT, and each holding pays a COMMIT (WAL flush) and the wait for this process to get to the lock's answer. A
 * routing batch runs the leads that arrived while this process's previous batch was in its transaction in ONE
 * transaction: every lead's steps before the routing locks first (each locks its own dedupe keys, records its intake),
 * then every lead's routing, in arrival order — one holding of the pool lock and one COMMIT for k leads. Each lead reads
 * the routing state its predecessors in the batch wrote (the same transaction), so decisions are those of the same leads
 * run one after another.
 *
 * - A lead is answered only after the COMMIT that contains it.
 * - Any failure rolls the whole batch back; each of its leads then runs alone, in a transaction of its own (the path of a
 *   single lead), so a failing lead never loses or poisons another's data and gets its own error.
 * - Leads sharing a dedupe key never share a batch (the later one must see the earlier as an open lead): it waits for
 *   the next one.
 *
 * Lane sqlitebatch: on SQLite (no row locks, one writer, no round trips) the saving is the COMMIT and the b-tree pages
 * consecutive leads share: one COMMIT's WAL frames for k leads, and the batch's appends of one table merged into one
 * multi-row INSERT by the write-batching driver. node:sqlite answers synchronously, so a batch's transaction never
 * yields to I/O and no lead can arrive while one is in it (PostgreSQL's trigger, "while the previous batch is in its
 * transaction", would never see a second lead). The trigger there is the event loop's turn: the leads that reach
 * `routeInBatch` in one turn (the HTTP server delivers the requests of several sockets in one poll phase) form one
 * batch, started after that turn (`setImmediate`), one batch at a time.
 *
 * Lane fairwindow: single leads before bulk ones. A bulk window (POST /v1/leads:batch, `remit import`: ordered-window.ts)
 * keeps up to 16 leads at the batcher, so a single lead (POST /v1/leads, a form, a CRM webhook) queued behind it in
 * arrival order would wait for, or share the COMMIT of, whole batches of bulk leads. Instead, while single leads are
 * arriving (one in the last SINGLES_RECENT_MS), a batch holds at most BULK_BESIDE_SINGLES bulk leads and every single
 * lead that can go: a single lead goes in the next batch, beside a few bulk leads, and the batch it may find in its
 * transaction (on SQLite: holding the event loop; on PostgreSQL: the pool lock) is short. On PostgreSQL a batch of
 * single leads may also start as a third transaction beside two others instead of waiting for one to end. Taking a
 * single lead ahead of bulk leads that arrived before it is still a sequential run (a batch's leads are routed one after
 * another, batches one after another), so the decisions are those of the leads run in the batches' order; what may not
 * change is the order of two leads sharing a dedupe key (the later is the earlier's DUPLICATE), so no lead is ever
 * taken ahead of an earlier waiting lead it shares a key with.
 */

/** What one lead's transaction has done up to the routing locks, and the rest of it. */
export interface BegunLead<T> {
  /** The rest of the lead's transaction (routing and what follows it), in the same transaction. */
  finish(): Promise<T>;
  /** After the COMMIT that contains the lead (remember what it published). */
  committed(): void;
  /** The routing locks `finish` will ask for (none: it routes nothing). */
  readonly scope?: RoutingScope | undefined;
}

export interface BatchedLead<T> {
  /** The lead's dedupe keys: leads sharing one are never batched together, nor taken out of arrival order. */
  readonly keys: readonly string[];
  /** Part of a bulk window (ordered-window.ts): while single leads arrive, few of these share a batch (BULK_BESIDE_SINGLES). */
  readonly bulk: boolean;
  /** The lead's steps up to the routing locks inside the batch's transaction. */
  begin(tx: UnitOfWork, locks: BatchRoutingLocks): Promise<BegunLead<T>>;
  /** The lead in a transaction of its own (alone, or re-run after its batch rolled back). */
  alone(): Promise<T>;
}

/** When a batch starts and how large it may be: the one difference between the stores. */
interface BatchStrategy {
  /** The most leads in one batch (one transaction's statements and locks; on SQLite, the wait of its first lead). */
  readonly maxLeads: number;
  /** Batches in their transaction at once. */
  readonly maxInFlight: number;
  /** true: a batch starts after the turn of the event loop its first lead arrived in; false: at once. */
  readonly afterTurn: boolean;
  /** One more batch in its transaction, of single leads only: a single lead need not wait for a bulk batch to end. */
  readonly singlesSlot: boolean;
}

/** The most leads in one routing batch on either store; bulk intake runs this many at once (ordered-window.ts). */
export const ROUTING_BATCH_MAX_LEADS = 16;

/**
 * While single leads are arriving, a batch holds at most this many bulk leads: a single lead shares its COMMIT with, and
 * waits for a batch in its transaction of (on SQLite, the event loop held by), this many at most, not 16. At a window
 * of 1 a single lead still shares a batch with the one bulk lead of its turn, as before this rule.
 */
export const BULK_BESIDE_SINGLES = 4;
/** Single leads count as arriving for this long after the last one. */
export const SINGLES_RECENT_MS = 1_000;

/** PostgreSQL: one batch routing (holding or waiting for the locks) while the next runs its intake steps. */
const WHILE_IN_TRANSACTION: BatchStrategy = { maxLeads: ROUTING_BATCH_MAX_LEADS, maxInFlight: 2, afterTurn: false, singlesSlot: true };
/** SQLite: the leads of one turn; one writer, so one batch at a time (a transaction never yields: no slot to add). */
const PER_TURN: BatchStrategy = { maxLeads: ROUTING_BATCH_MAX_LEADS, maxInFlight: 1, afterTurn: true, singlesSlot: false };

const batchers = new WeakMap<Store, RoutingBatcher>();

/** Where a batch's rollback is reported: it re-runs its leads, so it is not an error of theirs, but it is counted and logged. */
type BatchReporting = Pick<ServiceContext, 'store' | 'log' | 'metrics'>;

/** Runs `lead` in this process's next routing batch of `ctx.store`. */
export function routeInBatch<T>(ctx: BatchReporting, lead: BatchedLead<T>): Promise<T> {
  let batcher = batchers.get(ctx.store);
  if (!batcher) {
    batcher = new RoutingBatcher(ctx, ctx.store.capabilities.rowLocks ? WHILE_IN_TRANSACTION : PER_TURN);
    batchers.set(ctx.store, batcher);
  }
  return batcher.submit(lead);
}

interface Waiting {
  readonly lead: BatchedLead<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

class RoutingBatcher {
  readonly #store: Store;
  readonly #ctx: BatchReporting;
  readonly #strategy: BatchStrategy;
  #waiting: Waiting[] = [];
  /** Batches in their transaction (at most the strategy's maxInFlight). */
  #inFlight = 0;
  /** A batch is in its steps before the routing locks: the leads arriving now wait to form the next one. */
  #opening = false;
  /** afterTurn: a batch is to start after this turn; the leads arriving meanwhile join it. */
  #scheduled = false;
  /** When a single (not bulk) lead last reached the batcher. */
  #lastSingleAt = Number.NEGATIVE_INFINITY;

  constructor(ctx: BatchReporting, strategy: BatchStrategy) {
    this.#store = ctx.store;
    this.#ctx = ctx;
    this.#strategy = strategy;
  }

  submit<T>(lead: BatchedLead<T>): Promise<T> {
    if (!lead.bulk) this.#lastSingleAt = performance.now();
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ lead, resolve: resolve as (value: unknown) => void, reject });
      this.#next();
    });
  }

  /**
   * A new batch starts once the previous one has passed its steps before the routing locks: while one batch holds (or
   * waits for) the routing locks, the next runs its intake steps, and the leads arriving meanwhile form the one after.
   * afterTurn (SQLite): it starts after the current turn of the event loop, so every lead arriving in this turn joins it,
   * and the next is scheduled once it has ended (its transaction is the one writer's).
   */
  #next(): void {
    if (this.#scheduled || this.#opening || this.#room() === 'none') return;
    if (this.#strategy.afterTurn) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#start();
      });
    } else this.#start();
  }

  /** What the next batch may be: any, of single leads only (the strategy's extra slot), or none yet. */
  #room(): 'any' | 'singles' | 'none' {
    if (this.#waiting.length === 0) return 'none';
    if (this.#inFlight < this.#strategy.maxInFlight) return 'any';
    const slot = this.#strategy.singlesSlot && this.#inFlight === this.#strategy.maxInFlight;
    return slot && this.#waiting.some((w) => !w.lead.bulk) ? 'singles' : 'none';
  }

  #start(): void {
    const room = this.#room();
    if (this.#opening || room === 'none') return;
    const batch = this.#take(room === 'singles');
    // The extra slot, but every waiting single lead is behind an earlier lead's key: it waits for a slot of its own.
    if (batch.length === 0) return;
    this.#opening = true;
    this.#inFlight++;
    let opened = false;
    const open = () => {
      if (opened) return;
      opened = true;
      this.#opening = false;
      this.#next();
    };
    void this.#run(batch, open).finally(() => {
      this.#inFlight--;
      open();
      this.#next();
    });
  }

  /**
   * The next batch: the waiting leads in arrival order, up to the limit, of which at most BULK_BESIDE_SINGLES bulk leads
   * while single leads are arriving (one reached the batcher in the last SINGLES_RECENT_MS), none when `singlesOnly`: a
   * single lead queued behind a bulk window goes in the next batch, beside at most that many bulk leads. A lead sharing a
   * dedupe key with an earlier waiting lead (taken or left) stays waiting: leads sharing a key are never batched together
   * nor reordered.
   */
  #take(singlesOnly: boolean): Waiting[] {
    const singlesArriving = performance.now() - this.#lastSingleAt < SINGLES_RECENT_MS;
    const bulkRoom = singlesOnly ? 0 : singlesArriving ? BULK_BESIDE_SINGLES : this.#strategy.maxLeads;
    const taken: Waiting[] = [];
    const left: Waiting[] = [];
    const earlier = new Set<string>();
    let bulk = 0;
    for (const w of this.#waiting) {
      const room = taken.length < this.#strategy.maxLeads && (!w.lead.bulk || bulk < bulkRoom);
      if (room && !w.lead.keys.some((k) => earlier.has(k))) {
        taken.push(w);
        if (w.lead.bulk) bulk++;
      } else left.push(w);
      for (const k of w.lead.keys) earlier.add(k);
    }
    this.#waiting = left;
    return taken;
  }

  async #run(batch: readonly Waiting[], open: () => void): Promise<void> {
    this.#ctx.metrics.routingBatchLeads.observe(batch.length);
    let done: { values: unknown[]; begun: BegunLead<unknown>[] };
    try {
      done = await this.#store.transaction(async (tx) => {
        // Every lead's dedupe keys locked in one statement, sorted (as one lead locks its own): two transactions never
        // lock them in opposite orders, whatever order the leads' own (then granted at once) lock statements run in.
        if (batch.length > 1) await tx.dedupe.lockKeys([...new Set(batch.flatMap((w) => w.lead.keys))].sort());
        const locks = new BatchRoutingLocks();
        // The steps before the routing locks side by side: their statements share round trips.
        const begun = await Promise.all(batch.map((w) => w.lead.begin(tx, locks)));
        open();
        // Every lead's routing locks at once, in the global order (pools, then reps, each sorted): one round trip, and a
        // lead of the batch never asks for a lock that sorts before one the batch already holds.
        const scopes = begun.flatMap((b) => (b.scope ? [b.scope] : []));
        if (scopes.length > 1) await locks.lock(tx, { pools: scopes.flatMap((s) => s.pools), repIds: scopes.flatMap((s) => s.repIds) });
        const values: unknown[] = [];
        for (const b of begun) values.push(await b.finish());
        return { values, begun };
      });
    } catch (error) {
      // Rolled back as a whole: each lead again, alone, with its own outcome. Counted and logged, never silent.
      this.#ctx.metrics.routingBatchRollbacks.inc();
      this.#ctx.log.warn({ err: error, leads: batch.length }, 'routing batch rolled back; its leads run again one by one');
      await Promise.all(batch.map((w) => settle(w, () => w.lead.alone())));
      return;
    }
    batch.forEach((w, i) => {
      done.begun[i]!.committed();
      w.resolve(done.values[i]);
    });
  }
}

async function settle(w: Waiting, run: () => Promise<unknown>): Promise<void> {
  try {
    w.resolve(await run());
  } catch (e) {
    w.reject(e);
  }
}
