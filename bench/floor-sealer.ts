/**
 * The ingest floor's sealer (bench/ingest-floor.ts): Remit's sealing round (src/app/audit/audit-sealer.service.ts) with
 * prepared statements, in one synchronous transaction: the inbox oldest first with each referenced decision document
 * spliced back, `AuditSealer.sealTexts` (leaf hash, chain link, Merkle frontier), a signed checkpoint, the sealed rows
 * written, the inbox rows deleted, the sealer state stored. The sealer's frontier stays in memory (one process owns
 * the file), so the state is written, never read back.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { StatementSync } from 'node:sqlite';
import type { StoredAuditRow } from '../src/audit/audit-entry.ts';
import { AuditSealer, signingKey, type SigningKey } from '../src/audit/index.ts';
import { spliceMember } from '../src/domain/shared/canonical-json.ts';
import type { AuditInboxTable } from '../src/store/sql/schema.ts';
import type { FloorStore } from './floor-store.ts';

/** Remit's batch (DEFAULT_SEAL_BATCH) and round interval (AuditSealerService's default). */
export const SEAL_BATCH = 1000;
export const SEAL_INTERVAL_MS = 200;
/** Audit rows per INSERT (SQLite's 32,766 variables ÷ 9 columns, rounded down). */
const LOG_CHUNK = 200;

/** An inbox row as the store's schema types it, with its referenced decision's document (the join). */
type InboxRow = Omit<AuditInboxTable, 'id'> & { id: number; document_json: string | null };

export class FloorSealer {
  readonly #store: FloorStore;
  readonly #sealer = AuditSealer.start('remit-audit-floor');
  readonly #key: SigningKey;
  readonly #pending: StatementSync;
  readonly #checkpoint: StatementSync;
  readonly #deleteInbox: StatementSync;
  readonly #state: StatementSync;
  readonly #logRows = new Map<number, StatementSync>();
  sealed = 0;
  #checkpointed = 0;
  /** Main-thread CPU spent in rounds, µs (process.threadCpuUsage around each round: two reads per 200 ms). */
  cpuMicros = 0;

  constructor(store: FloorStore) {
    this.#store = store;
    this.#key = signingKey(generateKeyPairSync('ed25519').privateKey, '2020-01-01T00:00:00.000Z');
    const db = store.db;
    this.#pending = db.prepare(
      'select i.id, i.kind, i.subject, i.actor, i.at, i.payload_json, i.commitments_json, i.decision_ref_at, d.document_json ' +
        'from audit_inbox i left join decisions d on d.decision_id = i.decision_ref order by i.id limit ?',
    );
    this.#checkpoint = db.prepare(
      'insert into audit_checkpoints (tree_size, log_id, root_hash, chain_head, at, key_id, signature, frontier_json) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#deleteInbox = db.prepare('delete from audit_inbox where id <= ?');
    this.#state = db.prepare(
      'insert into audit_sealer_state (id, log_id, tree_size, chain_head, frontier_json, updated_at) values (1, ?, ?, ?, ?, ?) ' +
        'on conflict (id) do update set tree_size = excluded.tree_size, chain_head = excluded.chain_head, ' +
        'frontier_json = excluded.frontier_json, updated_at = excluded.updated_at',
    );
  }

  /** One round: up to SEAL_BATCH inbox entries sealed and checkpointed in one transaction; how many. */
  round(): number {
    const before = process.threadCpuUsage();
    try {
      return this.#round();
    } finally {
      const after = process.threadCpuUsage(before);
      this.cpuMicros += after.user + after.system;
    }
  }

  #round(): number {
    const s = this.#store;
    s.begin.run();
    try {
      const rows = this.#pending.all(SEAL_BATCH) as unknown as InboxRow[];
      if (rows.length > 0) {
        this.#insertLog(
          this.#sealer.sealTexts(
            rows.map((r) => ({
              kind: r.kind,
              subject: r.subject,
              actor: r.actor,
              at: r.at,
              payloadText:
                r.decision_ref_at === null ? r.payload_json : spliceMember(r.payload_json, r.decision_ref_at, 'decision', r.document_json!),
              commitmentsText: r.commitments_json,
            })),
          ),
        );
        this.#deleteInbox.run(rows[rows.length - 1]!.id);
      }
      // Entries sealed in their ingest transactions (sealNow) are checkpointed here too.
      if (this.#sealer.size > this.#checkpointed) this.#checkpointNow();
      s.commit.run();
      this.sealed += rows.length;
      return rows.length;
    } catch (e) {
      s.rollback.run();
      throw e;
    }
  }

  /**
   * FLOOR_SEAL=inline: a lead's entries sealed in its own ingest transaction (no inbox row written, read and deleted),
   * each stored as `stored` gives it — the decision entry without its document, which the `decisions` row holds (the
   * hash covers the whole text: a verifier splices the document back, as the sealer does from the inbox today).
   */
  sealNow(entries: readonly { entry: Omit<StoredAuditRow, 'seq' | 'prevHash' | 'entryHash'>; stored: string }[]): void {
    const rows = this.#sealer.sealTexts(entries.map((e) => e.entry));
    this.#insertLog(rows.map((r, i) => ({ ...r, payloadText: entries[i]!.stored })));
    this.sealed += rows.length;
  }

  #insertLog(rows: readonly StoredAuditRow[]): void {
    for (let i = 0; i < rows.length; i += LOG_CHUNK) {
      const chunk = rows.slice(i, i + LOG_CHUNK);
      this.#logInsert(chunk.length).run(
        ...chunk.flatMap((r) => [r.seq, r.kind, r.subject, r.actor, r.at, r.payloadText, r.commitmentsText, r.prevHash, r.entryHash]),
      );
    }
  }

  #checkpointNow(): void {
    const at = new Date().toISOString();
    const cp = this.#sealer.checkpoint(at, this.#key);
    if (!cp.ok) throw new Error(`checkpoint: ${cp.error.code}`);
    const c = cp.value;
    const frontier = JSON.stringify(c.frontier);
    this.#checkpoint.run(c.treeSize, c.logId, c.rootHash, c.chainHead, c.at, c.keyId, c.signature, frontier);
    this.#state.run(c.logId, c.treeSize, c.chainHead, frontier, at);
    this.#checkpointed = c.treeSize;
  }

  #logInsert(n: number): StatementSync {
    let stmt = this.#logRows.get(n);
    if (!stmt) {
      const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
      stmt = this.#store.db.prepare(
        'insert into audit_log (seq, kind, subject, actor, at, payload_json, commitments_json, prev_hash, entry_hash) values ' +
          Array.from({ length: n }, () => row).join(', '),
      );
      this.#logRows.set(n, stmt);
    }
    return stmt;
  }
}
