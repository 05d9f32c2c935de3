/**
 * The ingest floor's storage (bench/ingest-floor.ts): Remit's own SQLite schema (its migrations, so the same tables and
 * indexes are written), opened with node:sqlite directly — WAL, synchronous=NORMAL, foreign keys and secure_delete as
 * Remit sets them — and every statement prepared once. No Kysely, no promises, no input re-checks: each call is one
 * synchronous statement. Statements whose row count varies (dedupe keys, ledger entries, audit entries) are prepared
 * once per row count.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { openStore } from '../src/store/open-store.ts';

/** One multi-row INSERT prefix and its row's placeholder list, e.g. `(?, ?, ?)`. */
interface RowsShape {
  readonly head: string;
  readonly row: string;
  readonly tail?: string;
}

const SHAPES = {
  dedupeKeys: { head: 'insert into dedupe_keys (key, lead_id) values ', row: '(?, ?)', tail: ' on conflict do nothing' },
  auditInbox: {
    head: 'insert into audit_inbox (kind, subject, actor, at, payload_json, commitments_json, decision_ref, decision_ref_at) values ',
    row: '(?, ?, ?, ?, ?, ?, ?, ?)',
  },
  ledger: {
    head: 'insert into routing_ledger (pool, rep_id, assigned, entitled, last_seq, day, today) values ',
    row: '(?, ?, ?, ?, ?, ?, ?)',
    tail:
      ' on conflict (pool, rep_id) do update set assigned = excluded.assigned, entitled = excluded.entitled, ' +
      'last_seq = excluded.last_seq, day = excluded.day, today = excluded.today',
  },
  slaTimers: {
    head: 'insert into sla_timers (id, lead_id, kind, rep_id, team_id, assigned_at, due_at, status, created_at) values ',
    row: "(?, ?, ?, ?, ?, ?, ?, 'PENDING', ?)",
  },
  outbox: { head: 'insert into outbox_events (event_id, event_type, payload_json, created_at) values ', row: '(?, ?, ?, ?)' },
} satisfies Record<string, RowsShape>;

export type RowsStatement = keyof typeof SHAPES;

export class FloorStore {
  readonly db: DatabaseSync;
  readonly #byCount = new Map<string, StatementSync>();
  readonly #matches = new Map<number, StatementSync>();
  readonly begin: StatementSync;
  readonly commit: StatementSync;
  readonly rollback: StatementSync;
  readonly insertLead: StatementSync;
  readonly insertPersonalData: StatementSync;
  readonly insertNameKeys: StatementSync;
  readonly insertDecision: StatementSync;
  readonly upsertPool: StatementSync;
  readonly upsertRepState: StatementSync;
  readonly insertReview: StatementSync;
  readonly publishOrg: StatementSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
    const p = (sql: string) => db.prepare(sql);
    this.begin = p('begin immediate');
    this.commit = p('commit');
    this.rollback = p('rollback');
    this.insertLead = p(
      'insert into leads (id, status, team_id, rep_id, org_hash, lead_json, received_at, updated_at, duplicate_of) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertPersonalData = p(
      'insert into personal_data (lead_id, salt, contact_json, raw_json, consent_json, created_at) values (?, ?, ?, ?, ?, ?)',
    );
    this.insertNameKeys = p(
      'insert into screening_lead_keys (lead_id, hashes) values (?, ?) on conflict (lead_id) do update set ' +
        'hashes = unhex(hex(screening_lead_keys.hashes) || hex(excluded.hashes))',
    );
    this.insertDecision = p(
      'insert into decisions (decision_id, lead_id, outcome, team_id, rep_id, org_hash, document_json, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertPool = p('insert into routing_pools (pool, seq) values (?, ?) on conflict (pool) do update set seq = excluded.seq');
    this.upsertRepState = p(
      'insert into rep_state (rep_id, open_count, day, today) values (?, 1, ?, 1) on conflict (rep_id) do update set ' +
        'open_count = rep_state.open_count + 1, today = case when rep_state.day = excluded.day then rep_state.today + 1 else 1 end, ' +
        'day = excluded.day',
    );
    this.insertReview = p(
      "insert into reviews (id, lead_id, status, kind, reason_codes_json, requested_by, requested_at) values (?, ?, 'OPEN', ?, ?, 'system', ?)",
    );
    this.publishOrg = p(
      'insert into org_versions (hash, version, config_json, created_at, created_by) values (?, ?, ?, ?, ?) on conflict do nothing',
    );
  }

  /** Creates the file with Remit's migrations (through Remit's store, once), then reopens it with node:sqlite alone. */
  static async open(file: string): Promise<FloorStore> {
    const store = await openStore({ url: `sqlite:${file}` });
    await store.close();
    const db = new DatabaseSync(file);
    db.exec('PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON');
    return new FloorStore(db);
  }

  /** Runs a multi-row INSERT of `rows` (each the values of one row, in the shape's column order). */
  insertRows(kind: RowsStatement, rows: readonly (readonly SQLInputValue[])[]): void {
    if (rows.length === 0) return;
    const name = `${kind}:${rows.length}`;
    let stmt = this.#byCount.get(name);
    if (!stmt) {
      const shape: RowsShape = SHAPES[kind];
      stmt = this.db.prepare(shape.head + Array.from({ length: rows.length }, () => shape.row).join(', ') + (shape.tail ?? ''));
      this.#byCount.set(name, stmt);
    }
    stmt.run(...rows.flat());
  }

  /** The leads holding any of these dedupe keys (one indexed read: the key is the primary key's prefix). */
  matches(keys: readonly string[]): { id: string; status: string; received_at: string; rep_id: string | null; key: string }[] {
    let stmt = this.#matches.get(keys.length);
    if (!stmt) {
      stmt = this.db.prepare(
        'select l.id, l.status, l.received_at, l.rep_id, d.key from dedupe_keys d join leads l on l.id = d.lead_id ' +
          `where d.key in (${keys.map(() => '?').join(', ')})`,
      );
      this.#matches.set(keys.length, stmt);
    }
    return stmt.all(...keys) as { id: string; status: string; received_at: string; rep_id: string | null; key: string }[];
  }
}
