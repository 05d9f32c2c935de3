import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * The decision document stored once (issue 18, docs/audit.md "Decision entries"): a decision's audit inbox entry no
 * longer copies the ~15 KB document the `decisions` row already holds. `decision_ref` names that row (written in the
 * same transaction; decisions are append-only) and `decision_ref_at` is where `"decision":<document_json>` goes back
 * into the entry's canonical payload text when the sealer seals it, so the sealed entry and its hash are unchanged.
 * Null for every other entry and for entries written before this migration.
 */
export const auditDecisionRef: Migration = {
  version: 30,
  name: 'audit-decision-ref',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('audit_inbox').addColumn('decision_ref', 'text').execute();
    await db.schema.alterTable('audit_inbox').addColumn('decision_ref_at', 'integer').execute();
  },
};
