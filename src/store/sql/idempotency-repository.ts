import { type Kysely, type Selectable, sql } from 'kysely';
import type { IdempotencyRecord, IdempotencyRepository } from '../ports/idempotency.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireJson, requireText } from './input-checks.ts';
import type { Database, IdempotencyKeysTable } from './schema.ts';

// Idempotency.

const toIdempotency = (r: Selectable<IdempotencyKeysTable>): IdempotencyRecord => ({
  scope: r.scope,
  key: r.key,
  requestHash: r.request_hash,
  statusCode: Number(r.status_code),
  responseJson: r.response_json,
  createdAt: r.created_at,
});

export function idempotencyRepository(db: Kysely<Database>): IdempotencyRepository {
  const get = async (scope: string, key: string) => {
    const row = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    return row ? toIdempotency(row) : undefined;
  };
  return {
    get,
    async put(rec) {
      requireText(rec.scope, 'idempotency scope');
      requireText(rec.key, 'idempotency key');
      requireText(rec.requestHash, 'idempotency requestHash');
      if (!Number.isInteger(rec.statusCode) || rec.statusCode < 100 || rec.statusCode > 599)
        throw new StoreInputError(`idempotency statusCode must be an HTTP status, got ${rec.statusCode}`);
      requireJson(rec.responseJson, 'idempotency responseJson');
      requireInstant(rec.createdAt, 'idempotency createdAt');
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          scope: rec.scope,
          key: rec.key,
          request_hash: rec.requestHash,
          status_code: rec.statusCode,
          response_json: rec.responseJson,
          created_at: rec.createdAt,
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { ...rec };
      // Another writer got there first (PostgreSQL: we waited for it to commit).
      const existing = await get(rec.scope, rec.key);
      if (!existing) throw new Error(`idempotency key ${rec.scope}/${rec.key} neither inserted nor found`);
      return existing;
    },
    async replaceResponsesForLead(leadId, responseJson) {
      requireText(leadId, 'leadId');
      requireJson(responseJson, 'idempotency responseJson');
      const pattern = `%${JSON.stringify({ leadId })
        .slice(1, -1)
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const r = await db
        .updateTable('idempotency_keys')
        .set({ response_json: responseJson })
        .where(sql<boolean>`response_json like ${pattern} escape '\\'`)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async pruneCreatedBefore(before, opts) {
      requireInstant(before, 'before');
      if (opts.dryRun) {
        const row = await db
          .selectFrom('idempotency_keys')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('created_at', '<', before)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }
      return Number((await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst()).numDeletedRows);
    },
  };
}
