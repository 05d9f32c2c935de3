import type { Result } from '../domain/shared/result.ts';
import type { AuditEvent, SealedAuditRow, StoredAuditRow } from './audit-entry.ts';
import { entryLeafText, storedLeafHashHex } from './audit-entry.ts';
import type { CheckpointBody, CheckpointError, SigningKey, StoredCheckpoint } from './checkpoint.ts';
import { signCheckpoint } from './checkpoint.ts';
import { genesisHash } from './hash-chain.ts';
import type { FrontierSnapshot } from './merkle-tree.ts';
import { MerkleFrontier } from './merkle-tree.ts';
import { fromHex, hashLeafTextHex, toHex } from './tree-hash.ts';

/**
 * Appending (sealing): gives pending events their dense seq numbers, computes leaf hash, chain link
 * and tree update, and signs checkpoints. Storage-independent: the store persists the returned rows
 * and checkpoints (with the sealer state) in one transaction; see docs/audit.md for the
 * multi-instance design (one elected sealer, unsequenced inbox rows).
 */

/** Everything needed to continue the log: persist it with each checkpoint (or rebuild it by verifying the log). */
export interface SealerState {
  readonly logId: string;
  readonly frontier: FrontierSnapshot;
  /** entryHash of the last sealed entry (the genesis hash for an empty log). */
  readonly chainHead: string;
}

export function initialSealerState(logId: string): SealerState {
  return { logId, frontier: { size: 0, hashes: [] }, chainHead: genesisHash(logId) };
}

/**
 * Live sealer for one process: keeps the frontier in memory so each append costs one leaf hash
 * (which is also the chain link) and amortised one interior hash. Not shareable between processes: whoever holds the
 * sealer lease owns it.
 */
export class AuditSealer {
  readonly logId: string;
  readonly #frontier: MerkleFrontier;
  #chainHead: string;

  private constructor(logId: string, frontier: MerkleFrontier, chainHead: string) {
    this.logId = logId;
    this.#frontier = frontier;
    this.#chainHead = chainHead;
  }

  /** undefined when the state is malformed (bad hex, frontier inconsistent with its size). */
  static resume(state: SealerState): AuditSealer | undefined {
    const frontier = MerkleFrontier.fromSnapshot(state.frontier);
    const head = fromHex(state.chainHead);
    return frontier && head ? new AuditSealer(state.logId, frontier, state.chainHead) : undefined;
  }

  static start(logId: string): AuditSealer {
    return AuditSealer.resume(initialSealerState(logId))!;
  }

  get size(): number {
    return this.#frontier.size;
  }

  /** Seals events in the order given (the commit order the caller established). */
  seal(events: readonly AuditEvent[]): SealedAuditRow[] {
    const rows: SealedAuditRow[] = [];
    for (const e of events) {
      const seq = this.#frontier.size;
      const entry = {
        seq,
        kind: e.kind,
        subject: e.subject,
        actor: e.actor,
        at: e.at,
        payload: e.payload,
        commitments: e.commitments,
        prevHash: this.#chainHead,
      };
      rows.push({ ...entry, entryHash: this.#append(hashLeafTextHex(entryLeafText(entry))) });
    }
    return rows;
  }

  /** Appends one leaf hash (hex) to the tree and the chain; its entryHash. */
  #append(leafHex: string): string {
    this.#frontier.append(Buffer.from(leafHex, 'hex'));
    this.#chainHead = leafHex;
    return this.#chainHead;
  }

  /**
   * Seals entries whose payload and commitments are already canonical text (the inbox keeps them so): each leaf is
   * hashed over that text as it is, with no parse and no second serialisation. The same bytes, and so the same hashes,
   * as `seal` of the parsed events (canonicalJson(JSON.parse(t)) === t for canonical t).
   */
  sealTexts<E extends Omit<StoredAuditRow, 'seq' | 'prevHash' | 'entryHash'>>(
    entries: readonly E[],
  ): (E & Pick<StoredAuditRow, 'seq' | 'prevHash' | 'entryHash'>)[] {
    // Whatever else an entry carries (the store's decision reference) stays on its row; the hash covers the texts only.
    const rows: (E & Pick<StoredAuditRow, 'seq' | 'prevHash' | 'entryHash'>)[] = [];
    for (const e of entries) {
      const row = { ...e, seq: this.#frontier.size, prevHash: this.#chainHead, entryHash: '' };
      rows.push({ ...row, entryHash: this.#append(storedLeafHashHex(row)) });
    }
    return rows;
  }

  state(): SealerState {
    return { logId: this.logId, frontier: this.#frontier.snapshot(), chainHead: this.#chainHead };
  }

  checkpointBody(at: string): CheckpointBody {
    return { logId: this.logId, treeSize: this.#frontier.size, rootHash: toHex(this.#frontier.root()), chainHead: this.#chainHead, at };
  }

  /** Signs a checkpoint of everything sealed so far and attaches the frontier (for range verification). */
  checkpoint(at: string, key: SigningKey): Result<StoredCheckpoint, CheckpointError> {
    const signed = signCheckpoint(this.checkpointBody(at), key);
    return signed.ok ? { ok: true, value: { ...signed.value, frontier: this.#frontier.snapshot() } } : signed;
  }
}

export interface SealerStateError {
  readonly code: 'SEALER_STATE_INVALID';
  readonly detail: string;
}

/** Functional form: seal a batch on top of a persisted state. */
export function sealEvents(
  state: SealerState,
  events: readonly AuditEvent[],
): Result<{ readonly state: SealerState; readonly rows: readonly SealedAuditRow[] }, SealerStateError> {
  const sealer = AuditSealer.resume(state);
  if (!sealer) return { ok: false, error: { code: 'SEALER_STATE_INVALID', detail: 'frontier or chain head is malformed' } };
  const rows = sealer.seal(events);
  return { ok: true, value: { state: sealer.state(), rows } };
}
