import { type Kysely, type Selectable, sql } from 'kysely';
import type { PersonalDataRecord, PersonalDataRepository } from '../ports/personal-data.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireJson, requireJsonOrNull, requireLimit, requireText } from './input-checks.ts';
import type { StatementShapes } from './statement-shapes.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import type { Database, PersonalDataTable } from './schema.ts';
import { contactsOf, screeningNameKeyMethods } from './screening-name-keys.ts';

// Personal data: erasure overwrites the row in place (the CHECK in 0002 pins what an erased row holds).

const toPersonalData = (r: Selectable<PersonalDataTable>): PersonalDataRecord => ({
  leadId: r.lead_id,
  salt: r.salt,
  contactJson: r.contact_json,
  rawJson: r.raw_json,
  consentJson: r.consent_json,
  createdAt: r.created_at,
  erasedAt: r.erased_at,
});

/**
 * `createdHere` (transactions only): lead rows this transaction inserted (lead-repository.ts). Their personal data cannot
 * have been erased before (unless by this transaction: erase takes the id out), so `put` needs nothing back and may be
 * sent later with the transaction's other writes (deferred-writes.ts).
 */
export function personalDataRepository(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  createdHere?: Set<string>,
): PersonalDataRepository {
  return {
    ...screeningNameKeyMethods(db, caps, shapes),
    async put(rec) {
      requireText(rec.leadId, 'personal data leadId');
      requireText(rec.salt, 'personal data salt');
      if (!/^[0-9a-f]+$/.test(rec.salt)) throw new StoreInputError('personal data salt must be lower-case hex');
      requireJson(rec.contactJson, 'personal data contactJson');
      requireJson(rec.rawJson, 'personal data rawJson');
      requireJsonOrNull(rec.consentJson, 'personal data consentJson');
      requireInstant(rec.createdAt, 'personal data createdAt');
      const values = {
        salt: rec.salt,
        contact_json: rec.contactJson,
        raw_json: rec.rawJson,
        consent_json: rec.consentJson,
        created_at: rec.createdAt,
      };
      if (createdHere?.has(rec.leadId) === true) {
        // The lead's own row, inserted in this transaction: compiled once per shape (statement-shapes.ts), every value
        // from the row and the update reading `excluded` (the same values as the row).
        await shapes.run(
          db,
          'personal_data.put',
          [{ lead_id: rec.leadId, ...values, erased_at: null }],
          (r) =>
            db
              .insertInto('personal_data')
              .values(r)
              .onConflict((oc) =>
                oc
                  .column('lead_id')
                  .doUpdateSet({
                    salt: (eb) => eb.ref('excluded.salt'),
                    contact_json: (eb) => eb.ref('excluded.contact_json'),
                    raw_json: (eb) => eb.ref('excluded.raw_json'),
                    consent_json: (eb) => eb.ref('excluded.consent_json'),
                    created_at: (eb) => eb.ref('excluded.created_at'),
                  })
                  .where('personal_data.erased_at', 'is', null),
              ),
          'personal_data',
        );
        return;
      }
      const upsert = db
        .insertInto('personal_data')
        .values({ lead_id: rec.leadId, ...values, erased_at: null })
        .onConflict((oc) => oc.column('lead_id').doUpdateSet(values).where('personal_data.erased_at', 'is', null));
      const written = await upsert.returning('lead_id').executeTakeFirst();
      if (!written) throw new StoreInputError(`personal data of lead ${rec.leadId} was erased; it cannot be stored again`);
    },
    async get(leadId) {
      const row = await db.selectFrom('personal_data').selectAll().where('lead_id', '=', leadId).executeTakeFirst();
      return row ? toPersonalData(row) : undefined;
    },
    async erase(leadId, erasedAt) {
      requireInstant(erasedAt, 'erasedAt');
      createdHere?.delete(leadId);
      // the key hashes are derived from the person's name: personal data, gone with it
      await db.deleteFrom('screening_lead_keys').where('lead_id', '=', leadId).execute();
      // rows an instance of the release before 0045 wrote during a rolling upgrade (0045 keeps its emptied table)
      await sql`delete from screening_name_keys where lead_id = ${leadId}`.execute(db);
      const r = await db
        .updateTable('personal_data')
        .set({ salt: '', contact_json: '{}', raw_json: '{}', consent_json: null, erased_at: sql<string>`coalesce(erased_at, ${erasedAt})` })
        .where('lead_id', '=', leadId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async pageContacts(filter) {
      const limit = requireLimit(filter.limit);
      if (filter.statuses.length === 0) return [];
      let q = contactsOf(db, filter.statuses);
      if (filter.afterLeadId !== undefined) q = q.where('personal_data.lead_id', '>', filter.afterLeadId);
      return q.orderBy('personal_data.lead_id').limit(limit).execute();
    },
  };
}
