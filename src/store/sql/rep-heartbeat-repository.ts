import type { Kysely } from 'kysely';
import type { RepHeartbeatRepository } from '../ports/rep-heartbeats.port.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { Database } from './schema.ts';

export function repHeartbeatRepository(db: Kysely<Database>): RepHeartbeatRepository {
  return {
    async beat(repId, at) {
      requireText(repId, 'rep id');
      requireInstant(at, 'heartbeat at');
      // ISO instants in UTC compare as text; the stored value only moves forward.
      await db
        .insertInto('rep_heartbeats')
        .values({ rep_id: repId, last_seen: at })
        .onConflict((oc) => oc.column('rep_id').doUpdateSet({ last_seen: at }).where('rep_heartbeats.last_seen', '<', at))
        .execute();
    },
    async get(repId) {
      requireText(repId, 'rep id');
      const row = await db.selectFrom('rep_heartbeats').selectAll().where('rep_id', '=', repId).executeTakeFirst();
      return row ? { repId: row.rep_id, lastSeen: row.last_seen } : undefined;
    },
    async list() {
      const rows = await db.selectFrom('rep_heartbeats').selectAll().orderBy('rep_id').execute();
      return rows.map((r) => ({ repId: r.rep_id, lastSeen: r.last_seen }));
    },
  };
}
