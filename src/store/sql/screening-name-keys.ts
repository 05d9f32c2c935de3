import { type Kysely, sql } from 'kysely';
import type { PersonalDataRepository } from '../ports/personal-data.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireLimit, requireText } from './input-checks.ts';
import type { StatementShapes } from './statement-shapes.ts';
import type { Database } from './schema.ts';
import { hitSlots, KeyHashIndex, packKeyHashes } from './packed-key-hashes.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';

// Screening name keys (0029, packed one row per lead since 0045; docs/screening.md "Delta re-screening"): part of the
// personal-data port, since the hashes derive from the person's name and go with it on erasure
// (personal-data-repository.ts `erase`).

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

/** Rows per page of a key scan: each page is its own short statement, so a long scan never holds one snapshot. */
const SCAN_PAGE = 5000;

/**
 * One row per lead (0045): its distinct hashes packed (packed-key-hashes.ts), compiled once. Another put for the same
 * lead appends its hashes to the row (keys already stored stay), which a reader dedupes.
 */
async function putNameKeys(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  leadId: string,
  hashes: readonly number[],
): Promise<void> {
  requireText(leadId, 'name keys leadId');
  const unique = [...new Set(hashes.map(requireHash))];
  if (unique.length === 0) return;
  const appended =
    caps.dialect === 'sqlite'
      ? sql<Uint8Array>`unhex(hex(screening_lead_keys.hashes) || hex(excluded.hashes))`
      : sql<Uint8Array>`screening_lead_keys.hashes || excluded.hashes`;
  await shapes.run(
    db,
    'screening_lead_keys',
    [{ lead_id: leadId, hashes: packKeyHashes(unique) }],
    (rows) =>
      db
        .insertInto('screening_lead_keys')
        .values(rows)
        .onConflict((oc) => oc.column('lead_id').doUpdateSet({ hashes: appended })),
    'screening_lead_keys',
  );
}

/**
 * Every stored lead's keys, a page at a time in lead-id order: `visit` for each wanted hash a lead holds (once per lead
 * and hash). A delta's look-up reads every row; that costs seconds per million leads and keeps intake's write to one
 * row appended per lead (docs/screening.md "Delta re-screening").
 */
async function scanLeadKeys(db: Kysely<Database>, wanted: KeyHashIndex, visit: (leadId: string, slot: number) => void): Promise<void> {
  if (wanted.size === 0) return;
  for (let after: string | undefined; ;) {
    let q = db.selectFrom('screening_lead_keys').select(['lead_id', 'hashes']).orderBy('lead_id').limit(SCAN_PAGE);
    if (after !== undefined) q = q.where('lead_id', '>', after);
    const rows = await q.execute();
    for (const r of rows) hitSlots(r.hashes, wanted, (slot) => visit(r.lead_id, slot));
    if (rows.length < SCAN_PAGE) return;
    after = rows.at(-1)!.lead_id;
  }
}

export function screeningNameKeyMethods(db: Kysely<Database>, caps: StoreCapabilities, shapes: StatementShapes): NameKeyMethods {
  return {
    putNameKeys: (leadId, hashes) => putNameKeys(db, caps, shapes, leadId, hashes),
    async nameKeyScheme() {
      const row = await db.selectFrom('screening_name_key_scheme').select('scheme').where('id', '=', 1).executeTakeFirst();
      return row?.scheme;
    },
    async resetNameKeys(scheme, at) {
      requireText(scheme, 'name key scheme');
      requireText(at, 'name key scheme set_at');
      await db.deleteFrom('screening_lead_keys').execute();
      await db
        .insertInto('screening_name_key_scheme')
        .values({ id: 1, scheme, set_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ scheme, set_at: at }))
        .execute();
    },
    async anyNameKeys() {
      return (await db.selectFrom('screening_lead_keys').select('lead_id').limit(1).executeTakeFirst()) !== undefined;
    },
    async nameKeyCounts(hashes) {
      const wanted = new KeyHashIndex(hashes.map(requireHash));
      const counts = new Int32Array(wanted.size);
      await scanLeadKeys(db, wanted, (_, slot) => counts[slot]!++);
      const out = new Map<number, number>();
      for (const [slot, h] of wanted.keys.entries()) if (counts[slot]! > 0) out.set(h, counts[slot]!);
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
      const wanted = new KeyHashIndex(hashes.map(requireHash));
      const postings: (string[] | undefined)[] = new Array(wanted.size);
      await scanLeadKeys(db, wanted, (leadId, slot) => (postings[slot] ??= []).push(leadId));
      const out = new Map<number, string[]>();
      for (const [slot, h] of wanted.keys.entries()) if (postings[slot]) out.set(h, postings[slot]);
      return out;
    },
    async pageContactsWithoutNameKeys(filter) {
      const limit = requireLimit(filter.limit);
      if (filter.statuses.length === 0) return [];
      let q = contactsOf(db, filter.statuses).where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('screening_lead_keys as k').select('k.lead_id').whereRef('k.lead_id', '=', 'personal_data.lead_id'))),
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

/** A key hash must be an unsigned 32-bit integer (the packed value stores 4 bytes). */
function requireHash(h: number): number {
  if (!Number.isInteger(h) || h < 0 || h > 0xffffffff) throw new StoreInputError(`name key hash ${h} is not an unsigned 32-bit integer`);
  return h;
}
