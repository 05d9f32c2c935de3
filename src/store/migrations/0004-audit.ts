import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../unit-of-work.ts';
import { appendOnly } from './append-only.ts';
import type { Migration } from './migration.ts';

/**
 * The tamper-evident audit trail (docs/audit.md):
 *
 * - `audit_inbox`: unsequenced entries, inserted by the business transaction that makes the change
 *   (no shared counter, no lock: instances never contend here). The sealer moves them to the log.
 * - `audit_log`: sealed entries, dense `seq`, hash-chained RFC 6962 leaves. Append-only.
 * - `audit_checkpoints`: signed tree heads (Ed25519) with the tree frontier at that size. Append-only.
 * - `audit_keys`: the public key ring (never a private key). Rotation closes a key (sets valid_to); no delete.
 * - `audit_sealer_state`: one row, what the sealer resumes from (log id, size, chain head, frontier).
 */
export const audit: Migration = {
  version: 4,
  name: 'audit',
  async up<DB>(db: Kysely<DB>, dialect: StoreDialect) {
    const pg = dialect === 'postgres';
    await db.schema
      .createTable('audit_inbox')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('commitments_json', 'text', (c) => c.notNull())
      .execute();
    // Sealed rows leave the inbox in the sealing transaction; nothing else may change it.
    await appendOnly(db, dialect, 'audit_inbox', ['UPDATE']);

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', pg ? 'bigint' : 'integer', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('commitments_json', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('entry_hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject', 'seq']).execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'seq']).execute();
    await appendOnly(db, dialect, 'audit_log');

    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('tree_size', pg ? 'bigint' : 'integer', (c) => c.primaryKey())
      .addColumn('log_id', 'text', (c) => c.notNull())
      .addColumn('root_hash', 'text', (c) => c.notNull())
      .addColumn('chain_head', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('frontier_json', 'text')
      .execute();
    await appendOnly(db, dialect, 'audit_checkpoints');

    await db.schema
      .createTable('audit_keys')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text')
      .execute();
    // Retired keys stay: old checkpoints verify with them.
    await appendOnly(db, dialect, 'audit_keys', ['DELETE']);

    await db.schema
      .createTable('audit_sealer_state')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('log_id', 'text', (c) => c.notNull())
      .addColumn('tree_size', pg ? 'bigint' : 'integer', (c) => c.notNull())
      .addColumn('chain_head', 'text', (c) => c.notNull())
      .addColumn('frontier_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
