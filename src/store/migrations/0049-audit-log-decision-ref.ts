import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * The decision document stored once in the sealed log too (issue 18, lane declog; docs/audit.md "Decision entries"):
 * a sealed decision entry's `audit_log` row no longer copies the document its `decisions` row holds. As in the inbox
 * (0030), `decision_ref` names that row and `decision_ref_at` is where `"decision":<document_json>` goes back into the
 * stored payload text (which carries a mark there); every reader splices it back, so the entry, its hash and everything
 * derived from it are unchanged. `decisions` is append-only (0001's triggers), so the referenced text cannot change
 * without verify failing. Null for every other entry and for rows sealed before this migration (they keep the copy and
 * are read as before). Nullable columns without a default: no table rewrite on PostgreSQL.
 */
export const auditLogDecisionRef: Migration = {
  version: 49,
  name: 'audit-log-decision-ref',
  async up<DB>(db: Kysely<DB>) {
    // The inbox's two columns (0030), with the same names and types.
    const columns = [
      ['decision_ref', 'text'],
      ['decision_ref_at', 'integer'],
    ] as const;
    for (const [name, type] of columns) await db.schema.alterTable('audit_log').addColumn(name, type).execute();
  },
};
