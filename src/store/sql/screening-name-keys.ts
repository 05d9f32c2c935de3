import { type Kysely, sql } from 'kysely';
import type { PersonalDataRepository } from '../ports/personal-data.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireLimit, requireText } from './input-checks.ts';
import type { StatementShapes } from './statement-shapes.ts';
import type { Database } from './schema.ts';

// Screening name keys (0029, docs/screening.md "Delta re-screening"): part of the personal-data port, since the
// hashes derive from the person's name and go with it on erasure (personal-data-repository.ts `erase`).

type NameKeyMethods = Pick<
  PersonalDataRepository,
  | 'putNameKeys'
  | 'nameKeyCounts'
  | 'leadsByNameKeys'
  | 'pageContactsWithoutNameKeys'
  | 'contactsOf'
  | 'nameKeyScheme'
  | 'resetNameKeys'
  | 'anyNameKeys'
>;

/** One multi-row insert of a lead's distinct key hashes (compiled once per row count). */
async function putNameKeys(db: Kysely<Database>, shapes: StatementShapes, leadId: string, hashes: readonly number[]): Promise<void> {
  requireText(leadId, 'name keys leadId');
  const unique = [...new Set(hashes.map(toStoredHash))];
  if (unique.length === 0) return;
  await shapes.run(
    db,
    'screening_name_keys',
    unique.map((key_hash) => ({ key_hash, lead_id: leadId })),
    (rows) =>
      db
        .insertInto('screening_name_keys')
        .values(rows)
        .onConflict((oc) => oc.columns(['key_hash', 'lead_id']).doNothing()),
    'screening_name_keys',
  );
}

export function screeningNameKeyMethods(db: Kysely<Database>, shapes: StatementShapes): NameKeyMethods {
  return {
    putNameKeys: (leadId, hashes) => putNameKeys(db, shapes, leadId, hashes),
    async nameKeyScheme() {
      const row = await db.selectFrom('screening_name_key_scheme').select('scheme').where('id', '=', 1).executeTakeFirst();
      return row?.scheme;
    },
    async resetNameKeys(scheme, at) {
      requireText(scheme, 'name key scheme');
      requireText(at, 'name key scheme set_at');
      await db.deleteFrom('screening_name_keys').execute();
      await db
        .insertInto('screening_name_key_scheme')
        .values({ id: 1, scheme, set_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ scheme, set_at: at }))
        .execute();
    },
    async anyNameKeys() {
      return (await db.selectFrom('screening_name_keys').select('lead_id').limit(1).executeTakeFirst()) !== undefined;
    },
    async nameKeyCounts(hashes) {
      const out = new Map<number, number>();
      for (const chunk of chunks(hashes)) {
        const rows = await db
          .selectFrom('screening_name_keys')
          .select(['key_hash', (eb) => eb.fn.countAll<number | string>().as('n')])
          .where('key_hash', 'in', chunk)
          .groupBy('key_hash')
          .execute();
        for (const r of rows) out.set(r.key_hash >>> 0, Number(r.n));
      }
      return out;
    },
    async contactsOf(leadIds) {
      const out = new Map<string, string>();
      const ids = [...new Set(leadIds)];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom('personal_data')
          .select(['lead_id', 'contact_json'])
          .where('lead_id', 'in', ids.slice(i, i + 500))
          .where('erased_at', 'is', null)
          .execute();
        for (const r of rows) out.set(r.lead_id, r.contact_json);
      }
      return out;
    },
    async leadsByNameKeys(hashes) {
      const out = new Map<number, string[]>();
      for (const chunk of chunks(hashes)) {
        const rows = await db.selectFrom('screening_name_keys').select(['key_hash', 'lead_id']).where('key_hash', 'in', chunk).execute();
        for (const r of rows) {
          const h = r.key_hash >>> 0;
          const list = out.get(h);
          if (list) list.push(r.lead_id);
          else out.set(h, [r.lead_id]);
        }
      }
      return out;
    },
    async pageContactsWithoutNameKeys(filter) {
      const limit = requireLimit(filter.limit);
      if (filter.statuses.length === 0) return [];
      let q = contactsOf(db, filter.statuses).where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('screening_name_keys as k').select('k.lead_id').whereRef('k.lead_id', '=', 'personal_data.lead_id'))),
      );
      if (filter.afterLeadId !== undefined) q = q.where('personal_data.lead_id', '>', filter.afterLeadId);
      return q.orderBy('personal_data.lead_id').limit(limit).execute();
    },
  };
}

/** Contacts of leads in these statuses, not erased. */
export function contactsOf(db: Kysely<Database>, statuses: readonly string[]) {
  return (
    db
      .selectFrom('personal_data')
      .innerJoin('leads', 'leads.id', 'personal_data.lead_id')
      .select(['personal_data.lead_id as leadId', 'personal_data.contact_json as contactJson'])
      // `|| ''` keeps SQLite walking personal_data in lead-id order (the keyset page) instead of the status index,
      // which would sort every matching row again for each page.
      .where(sql<string>`leads.status || ''`, 'in', [...statuses])
      .where('personal_data.erased_at', 'is', null)
  );
}

/** Unsigned 32-bit hashes are stored as signed integers (PostgreSQL `integer`); `>>> 0` reads them back. */
function toStoredHash(h: number): number {
  if (!Number.isInteger(h) || h < 0 || h > 0xffffffff) throw new StoreInputError(`name key hash ${h} is not an unsigned 32-bit integer`);
  return h | 0;
}

/** Key look-ups in chunks: bounded IN lists (SQLite's variable limit, PostgreSQL's parameter limit). */
function* chunks(hashes: readonly number[], size = 500): Generator<number[]> {
  const stored = [...new Set(hashes.map(toStoredHash))];
  for (let i = 0; i < stored.length; i += size) yield stored.slice(i, i + size);
}
