import { type Kysely, type Selectable, sql } from 'kysely';
import { SUPPRESSION_KINDS, type SuppressionKind, type SuppressionRecord, type SuppressionRepository } from '../ports/suppressions.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { requireInstant, requireLimit, requireText } from './input-checks.ts';
import type { Database, SuppressionsTable } from './schema.ts';

// Suppressions (do-not-contact lists).

const toSuppression = (r: Selectable<SuppressionsTable>): SuppressionRecord => ({
  kind: r.kind as SuppressionKind,
  value: r.value,
  reason: r.reason,
  source: r.source,
  createdAt: r.created_at,
});

function requireSuppressionKind(kind: unknown): void {
  if (!SUPPRESSION_KINDS.includes(kind as SuppressionKind))
    throw new StoreInputError(`unknown suppression kind ${JSON.stringify(kind)} (expected ${SUPPRESSION_KINDS.join(', ')})`);
}

// Byte order on both dialects, so pages are the same whatever the database collation.
const byteOrderValue = (caps: StoreCapabilities) => (caps.dialect === 'postgres' ? sql`value collate "C"` : sql`value`);

export function suppressionRepository(db: Kysely<Database>, caps: StoreCapabilities): SuppressionRepository {
  return { ...suppressionWrites(db), ...suppressionReads(db, caps) };
}

function suppressionWrites(db: Kysely<Database>): Pick<SuppressionRepository, 'upsert' | 'remove'> {
  return {
    async upsert(records) {
      // The last record wins when a (kind, value) repeats (one statement may not update a row twice).
      const byKey = new Map<string, SuppressionRecord>();
      for (const r of records) {
        requireSuppressionKind(r.kind);
        requireText(r.value, 'suppression value');
        if (r.value !== r.value.trim())
          throw new StoreInputError(`suppression value ${JSON.stringify(r.value)} must not have surrounding spaces`);
        if (r.reason !== null) requireText(r.reason, 'suppression reason');
        requireText(r.source, 'suppression source');
        requireInstant(r.createdAt, 'suppression createdAt');
        byKey.set(`${r.kind}\u0000${r.value}`, r);
      }
      const rows = [...byKey.values()].map((r) => ({
        kind: r.kind,
        value: r.value,
        reason: r.reason,
        source: r.source,
        created_at: r.createdAt,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto('suppressions')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.columns(['kind', 'value']).doUpdateSet({
              reason: (eb) => eb.ref('excluded.reason'),
              source: (eb) => eb.ref('excluded.source'),
              created_at: (eb) => eb.ref('excluded.created_at'),
            }),
          )
          .execute();
      }
    },
    async remove(kind, value) {
      requireSuppressionKind(kind);
      const r = await db.deleteFrom('suppressions').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
  };
}

function suppressionReads(db: Kysely<Database>, caps: StoreCapabilities): Pick<SuppressionRepository, 'find' | 'page' | 'count'> {
  const value = byteOrderValue(caps);
  return {
    async find(keys) {
      for (const k of keys) requireSuppressionKind(k.kind);
      const found: SuppressionRecord[] = [];
      for (const kind of SUPPRESSION_KINDS) {
        const values = [...new Set(keys.filter((k) => k.kind === kind).map((k) => k.value))];
        if (values.length === 0) continue;
        const rows = await db
          .selectFrom('suppressions')
          .selectAll()
          .where('kind', '=', kind)
          .where('value', 'in', values)
          .orderBy(value)
          .execute();
        found.push(...rows.map(toSuppression));
      }
      return found;
    },
    async page(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('suppressions').selectAll();
      if (filter.kind !== undefined) {
        requireSuppressionKind(filter.kind);
        q = q.where('kind', '=', filter.kind);
      }
      if (filter.after !== undefined) {
        requireSuppressionKind(filter.after.kind);
        q = q.where(sql<boolean>`(kind, ${value}) > (${filter.after.kind}, ${filter.after.value})`);
      }
      const rows = await q.orderBy('kind').orderBy(value).limit(limit).execute();
      return rows.map(toSuppression);
    },
    async count() {
      const row = await db
        .selectFrom('suppressions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
