import { randomBytes } from 'node:crypto';
import { AuditSealer, initialSealerState } from '../../audit/index.ts';
import type { Clock } from '../../domain/shared/clock.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { Store } from '../../store/unit-of-work.ts';
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
}

export const DEFAULT_SEAL_BATCH = 1000;

/** One sealing round: up to `limit` inbox entries, oldest first, sealed and checkpointed in one transaction. */
export async function sealPending(deps: SealDeps, opts: { readonly limit?: number } = {}): Promise<SealResult> {
  const limit = opts.limit ?? DEFAULT_SEAL_BATCH;
  return deps.store.transaction(async (tx) => {
    if (!(await tx.audit.tryLockSealer())) return { leader: false, sealed: 0, treeSize: -1 };
    const state =
      (await tx.audit.lockSealerState()) ?? initialSealerState(deps.newLogId?.() ?? `remit-audit-${randomBytes(8).toString('hex')}`);
    const pending = await tx.audit.pendingTexts(limit);
    if (pending.length === 0) return { leader: true, sealed: 0, treeSize: state.frontier.size };
    const sealer = AuditSealer.resume(state);
    if (!sealer) throw new Error('the stored audit sealer state is malformed: run `remit audit verify`');
    const expectedSize = sealer.size;
    // The stored canonical text is hashed and stored as it is (issue 18): no parse, no second serialisation.
    const rows = sealer.sealTexts(pending.map((p) => p.entry));
    const at = toIso(deps.clock.now());
    const key = await deps.signer.keyAt(tx, at);
    const checkpoint = sealer.checkpoint(at, key);
    if (!checkpoint.ok) throw new Error(`cannot sign the audit checkpoint: ${checkpoint.error.code}: ${checkpoint.error.detail}`);
    await tx.audit.commitSeal({
      rows,
      checkpoint: checkpoint.value,
      state: sealer.state(),
      inboxIds: pending.map((p) => p.inboxId),
      expectedSize,
    });
    return { leader: true, sealed: rows.length, treeSize: sealer.size };
  });
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
    if (r.sealed > 0) this.#opts.onSealed?.(r);
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
