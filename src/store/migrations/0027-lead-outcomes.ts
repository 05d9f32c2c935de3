import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Lead outcomes (docs/outcomes.md): WON / LOST / DISQUALIFIED with value, reason and close date, append-only. A lead's
 * outcomes are numbered 1, 2, … (`seq`, unique per lead, so two concurrent writers cannot both be "the latest"); the
 * highest is current and the earlier ones are its history. Each row copies the facts of the decision it attaches to
 * (decision, rep, team, rule, strategy, segment, source), so statistics survive re-routing and erasure. The only
 * free text, `note`, is cleared when the lead is erased.
 */
export const leadOutcomes: Migration = {
  version: 27,
  name: 'lead-outcomes',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('lead_outcomes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('currency', 'text')
      .addColumn('reason_code', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('closed_at', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text')
      .addColumn('rep_id', 'text')
      .addColumn('team_id', 'text')
      .addColumn('rule_id', 'text')
      .addColumn('strategy', 'text')
      .addColumn('segment', 'text')
      .addColumn('source', 'text')
      .addUniqueConstraint('lead_outcomes_lead_seq', ['lead_id', 'seq'])
      .execute();
    await db.schema.createIndex('lead_outcomes_closed').on('lead_outcomes').columns(['closed_at']).execute();
  },
};
