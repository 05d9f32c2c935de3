import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Screening name keys (docs/screening.md "Delta re-screening"): for each lead, the 32-bit hashes of the index keys
 * of the names it is screened on (tokens, joined neighbours, deletions, phonetic keys, skeletons), written in the
 * ingest transaction. A list delta looks its entries' keys up here instead of rebuilding a reverse index over
 * every stored lead. Derived from the person's name, so erasure deletes a lead's rows (personal data). Primary key
 * (key_hash, lead_id): the look-up by key is the primary index; `screening_name_keys_lead` serves the erasure.
 */
export const screeningNameKeys: Migration = {
  version: 29,
  name: 'screening-name-keys',
  async up<DB>(db: Kysely<DB>) {
    await db.schema
      .createTable('screening_name_keys')
      .addColumn('key_hash', 'integer', (c) => c.notNull())
      .addColumn('lead_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('screening_name_keys_pk', ['key_hash', 'lead_id'])
      .execute();
    await db.schema.createIndex('screening_name_keys_lead').on('screening_name_keys').columns(['lead_id']).execute();
  },
};
