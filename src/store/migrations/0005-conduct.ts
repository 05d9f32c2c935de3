import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration.ts';

// Literal copies, not imports: a released migration must not change when the port grows.
const CHANNELS = `('call','sms','email','whatsapp','letter')`;

async function createOutreachLog<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('outreach_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql.raw(`channel in ${CHANNELS}`)))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('phone', 'text')
    .addColumn('rep_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('decision_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outreach_log_lead').on('outreach_log').columns(['lead_id', 'at']).execute();
  await db.schema.createIndex('outreach_log_phone').on('outreach_log').columns(['phone', 'at']).execute();
}

async function createOptOuts<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('opt_outs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql.raw(`channel in ${CHANNELS}`)))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('stop','unsubscribe','objection')`))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('opt_outs_lead').on('opt_outs').column('lead_id').execute();
  await db.schema.createIndex('opt_outs_phone').on('opt_outs').column('phone').execute();
  await db.schema.createIndex('opt_outs_email').on('opt_outs').column('email').execute();
}

async function createConsentChanges<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('consent_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql.raw(`channel in ${CHANNELS}`)))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('grant','revoke')`))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('wording', 'text')
    .addColumn('phone', 'text')
    .addColumn('prior_express_written', 'integer', (c) => c.notNull())
    .addColumn('condition_of_purchase', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_changes_lead').on('consent_changes').columns(['lead_id', 'at']).execute();
}

async function createRegistryTables<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('registry_scrubs')
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('scrubbed_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_scrubs_pk', ['registry', 'scrubbed_at'])
    .execute();
  await db.schema
    .createTable('registry_listings')
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('scrubbed_at', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_listings_pk', ['registry', 'scrubbed_at', 'phone'])
    .execute();
  await db.schema.createIndex('registry_listings_phone').on('registry_listings').column('phone').execute();
}

async function createPromotions<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('promotions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('approver', 'text', (c) => c.notNull())
    .addColumn('jurisdictions_json', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull().check(sql`audience in ('all','professional_only')`))
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

async function createSlaTimers<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('sla_timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('accept','first_contact')`))
    .addColumn('rep_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('PENDING','FIRED','CANCELLED')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('outcome_json', 'text')
    .execute();
  await db.schema.createIndex('sla_timers_due').on('sla_timers').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('sla_timers_lead').on('sla_timers').columns(['lead_id', 'created_at']).execute();
}

/**
 * Conduct of business (docs/conduct.md):
 *
 * - `outreach_log`: outreach that happened (only ever recorded when the gate allowed it); feeds caps.
 * - `opt_outs`: STOP / unsubscribe / objection, matched by lead, phone or email.
 * - `consent_changes`: consents granted or withdrawn after intake.
 * - `registry_scrubs` + `registry_listings`: do-not-call registry scrub runs and the numbers each found listed.
 * - `promotions`: approved financial promotions (template ids) with approver, jurisdictions, audience, validity.
 * - `sla_timers`: acceptance / first-contact deadlines, claimed by the SLA worker (SKIP LOCKED), fired once.
 */
export const conduct: Migration = {
  version: 5,
  name: 'conduct',
  async up<DB>(db: Kysely<DB>) {
    await createOutreachLog(db);
    await createOptOuts(db);
    await createConsentChanges(db);
    await createRegistryTables(db);
    await createPromotions(db);
    await createSlaTimers(db);
  },
};
