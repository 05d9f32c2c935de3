import { randomBytes } from 'node:crypto';
import { AuditSealer, initialSealerState, type AuditTextEvent, type SealerState } from '../../audit/index.ts';
import type { Clock } from '../../domain/shared/clock.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { AuditRepository } from '../../store/ports/audit.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import type { AuditSigner } from './audit-signing-key.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';

/**
 * The sealer (docs/audit.md "Several instances"): moves committed inbox entries into the
 * hash-chained log, in one transaction per batch — dense seq, prevHash, entryHash, the tree frontier,
 * a signed checkpoint, the sealed inbox rows deleted, the new sealer state stored. A crash at any
 * point loses nothing (the transaction rolls back; the inbox rows are sealed next round) and seals
 * nothing twice (the rows leave the inbox in the same transaction; the state is fenced).
 *
 * Election: PostgreSQL `pg_try_advisory_xact_lock` per batch — whichever instance holds it seals,
 * the others skip the round; a dead sealer's lock dies with its transaction, so any instance takes
 * over at the next tick. SQLite: the write transaction is exclusive anyway.
 */

export interface SealDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly signer: AuditSigner;
  /** Log id for a brand-new log (default `remit-audit-<64 random bits hex>`). */
  readonly newLogId?: () => string;
}

export interface SealResult {
  /** false: another instance is sealing (PostgreSQL); nothing was done. */
  readonly leader: boolean;
  readonly sealed: number;
  /** Log size after the batch. */
  readonly treeSize: number;
  /** true: a round with no inbox rows signed a checkpoint over entries sealed in their own transactions (SQLite). */
  readonly checkpointed?: boolean;
}

export const DEFAULT_SEAL_BATCH = 1000;

const newLogId = (deps: SealDeps): string => deps.newLogId?.() ?? `remit-audit-${randomBytes(8).toString('hex')}`;

function resumed(state: SealerState): AuditSealer {
  const sealer = AuditSealer.resume(state);
  if (!sealer) throw new Error('the stored audit sealer state is malformed: run `remit audit verify`');
  return sealer;
}

/**
 * Per transaction (its `tx.audit`, made afresh for each): the sealer resumed from the state read in it, or null when
 * the transaction's entries go to the inbox. Read once, at the transaction's first entry: every later entry of the
 * transaction extends the same in-memory frontier, whose state the transaction itself stored last.
 */
const inTransaction = new WeakMap<AuditRepository, AuditSealer | null>();

/**
 * Seals entries inside the caller's (business) transaction, on a store that serialises write transactions
 * (`tx.audit.sealsInline`: SQLite): the same AuditSealer as `sealPending`, so the same seq, chain link, leaf hash and
 * frontier as the sealer would have given them in commit order; rows and state commit with the change or not at all.
 * No checkpoint: the periodic sealer signs what was sealed since the last one (docs/audit.md "Sealed in the lead's
 * transaction"). false — the caller then puts its entries in the inbox — when inbox rows are waiting (left by an older
 * release, or written by one still running), so they stay behind them in one commit order, and before the sealer has
 * started the log (it names it: `SealDeps.newLogId`); once the sealer has drained the inbox, transactions seal inline.
 */
export async function sealInTransaction(tx: UnitOfWork, entries: readonly AuditTextEvent[]): Promise<boolean> {
  let sealer = inTransaction.get(tx.audit);
  if (sealer === undefined) {
    const state = (await tx.audit.pendingCount()) === 0 ? await tx.audit.lockSealerState() : undefined;
    sealer = state ? resumed(state) : null;
    inTransaction.set(tx.audit, sealer);
  }
  if (sealer === null) return false;
  const expectedSize = sealer.size;
  const rows = sealer.sealTexts(entries);
  try {
    await tx.audit.commitSeal({ rows, state: sealer.state(), inboxIds: [], expectedSize });
  } catch (e) {
    // The in-memory frontier moved past what was stored: never reuse it (a later entry would fail the fence anyway).
    inTransaction.delete(tx.audit);
    throw e;
  }
  return true;
}

/** One sealing round: up to `limit` inbox entries, oldest first, sealed and checkpointed in one transaction. */
export async function sealPending(deps: SealDeps, opts: { readonly limit?: number } = {}): Promise<SealResult> {
  const limit = opts.limit ?? DEFAULT_SEAL_BATCH;
  return deps.store.transaction(async (tx) => {
    if (!(await tx.audit.tryLockSealer())) return { leader: false, sealed: 0, treeSize: -1 };
    const stored = await tx.audit.lockSealerState();
    const state = stored ?? initialSealerState(newLogId(deps));
    const pending = await tx.audit.pendingTexts(limit);
    if (pending.length === 0) {
      if (!tx.audit.sealsInline) return { leader: true, sealed: 0, treeSize: state.frontier.size };
      // Sealed in their own transactions: the sealer starts the log (it names it) so transactions can extend it, and
      // signs a checkpoint over what they sealed since the last one.
      const sealer = resumed(state);
      const due = stored && state.frontier.size > ((await tx.audit.latestCheckpoint())?.treeSize ?? 0);
      if (!stored || due)
        await tx.audit.commitSeal({
          rows: [],
          ...(due ? { checkpoint: await signedCheckpoint(deps, tx, sealer) } : {}),
          state: sealer.state(),
          inboxIds: [],
          expectedSize: sealer.size,
        });
      return { leader: true, sealed: 0, treeSize: state.frontier.size, ...(due ? { checkpointed: true } : {}) };
    }
    const sealer = resumed(state);
    const expectedSize = sealer.size;
    // The stored canonical text is hashed and stored as it is (issue 18): no parse, no second serialisation.
    const rows = sealer.sealTexts(pending.map((p) => p.entry));
    await tx.audit.commitSeal({
      rows,
      checkpoint: await signedCheckpoint(deps, tx, sealer),
      state: sealer.state(),
      inboxIds: pending.map((p) => p.inboxId),
      expectedSize,
    });
    return { leader: true, sealed: rows.length, treeSize: sealer.size };
  });
}

/** A checkpoint of everything the sealer holds, signed with the key current now. */
async function signedCheckpoint(deps: SealDeps, tx: UnitOfWork, sealer: AuditSealer) {
  const at = toIso(deps.clock.now());
  const checkpoint = sealer.checkpoint(at, await deps.signer.keyAt(tx, at));
  if (!checkpoint.ok) throw new Error(`cannot sign the audit checkpoint: ${checkpoint.error.code}: ${checkpoint.error.detail}`);
  return checkpoint.value;
}



/** Seals until the inbox is empty (or another instance holds the sealer lock). */
export async function sealAll(
  deps: SealDeps,
  opts: { readonly limit?: number } = {},
): Promise<{ readonly sealed: number; readonly treeSize: number; readonly leader: boolean }> {
  let total = 0;
  for (;;) {
    const r = await sealPending(deps, opts);
    total += r.sealed;
    if (!r.leader || r.sealed < (opts.limit ?? DEFAULT_SEAL_BATCH)) return { sealed: total, treeSize: r.treeSize, leader: r.leader };
  }
}

export interface SealerServiceOptions {
  /** Time between rounds when the inbox was drained, ms (default 200). */
  readonly intervalMs?: number;
  /** Entries per batch (default 1000); a full batch is followed at once by the next. */
  readonly batch?: number;
  /** Required: a failed round must reach a log line and a counter (observability/worker-failure.ts). */
  readonly onError: (error: unknown) => void;
  readonly onSealed?: (result: SealResult) => void;
}

/** Runs `sealPending` in the background (started and stopped with `remit serve`). */
export class AuditSealerService {
  readonly #deps: SealDeps;
  readonly #opts: SealerServiceOptions;
  readonly #task: PeriodicTask;

  constructor(deps: SealDeps, opts: SealerServiceOptions) {
    this.#deps = deps;
    this.#opts = opts;
    this.#task = new PeriodicTask(() => this.#round(), { intervalMs: opts.intervalMs ?? 200, onError: opts.onError });
  }

  start(): void {
    this.#task.start(0);
  }

  /** One round; true when the batch was full (more may be waiting). */
  async #round(): Promise<boolean> {
    const batch = this.#opts.batch ?? DEFAULT_SEAL_BATCH;
    const r = await sealPending(this.#deps, { limit: batch });
    if (r.sealed > 0 || r.checkpointed) this.#opts.onSealed?.(r);
    return r.leader && r.sealed >= batch;
  }

  /** Stops the loop after the round in progress; then seals what is left once (unless `drain` is false). */
  async stop(opts: { readonly drain?: boolean } = {}): Promise<void> {
    await this.#task.stop();
    if (opts.drain ?? true) {
      try {
        await sealAll(this.#deps, { limit: this.#opts.batch ?? DEFAULT_SEAL_BATCH });
      } catch (e) {
        this.#opts.onError(e);
      }
    }
  }
}
