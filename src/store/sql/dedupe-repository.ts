import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { LEAD_STATUSES } from '../../domain/lead/lead-status.ts';
import type { DedupeRepository } from '../ports/dedupe.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { requireText } from './input-checks.ts';
import type { Database } from './schema.ts';

// Dedupe.

/** The lock anchor of a dedupe key: 16 bits of its SHA-256, so dedupe_locks holds no personal data. */
export const dedupeLockBucket = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 4);

export function dedupeRepository(db: Kysely<Database>, caps: StoreCapabilities): DedupeRepository {
  return {
    async lockKeys(keys) {
      for (const k of keys) requireText(k, 'dedupe key');
      // SQLite: the write transaction already excludes every other writer.
      if (!caps.rowLocks || keys.length === 0) return;
      const buckets = [...new Set(keys.map(dedupeLockBucket))].sort();
      // One round trip: the upsert creates a missing bucket row and its no-op update locks an existing one (the lock
      // `SELECT … FOR UPDATE` would take), in sorted order so two transactions never lock in opposite orders.
      await db
        .insertInto('dedupe_locks')
        .values(buckets.map((bucket) => ({ bucket })))
        .onConflict((oc) => oc.column('bucket').doUpdateSet({ bucket: (eb) => eb.ref('excluded.bucket') }))
        .execute();
    },
    async findOpen(keys, openStatuses) {
      for (const k of keys) requireText(k, 'dedupe key');
      for (const s of openStatuses) if (!LEAD_STATUSES.includes(s)) throw new StoreInputError(`unknown lead status ${JSON.stringify(s)}`);
      if (keys.length === 0 || openStatuses.length === 0) return undefined;
      const unique = [...new Set(keys)];
      const oldest = await db
        .selectFrom('dedupe_keys')
        .innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id')
        .select('leads.id')
        .where('dedupe_keys.key', 'in', unique)
        .where('leads.status', 'in', [...openStatuses])
        .orderBy('leads.received_at')
        .orderBy('leads.id')
        .limit(1)
        .executeTakeFirst();
      if (!oldest) return undefined;
      const held = await db.selectFrom('dedupe_keys').select('key').where('lead_id', '=', oldest.id).where('key', 'in', unique).execute();
      const heldSet = new Set(held.map((r) => r.key));
      // The first of the caller's keys that matched (the caller orders keys by strength).
      const key = unique.find((k) => heldSet.has(k));
      if (key === undefined) throw new Error(`dedupe: lead ${oldest.id} matched but holds none of the keys`);
      return { leadId: oldest.id, key };
    },
    async findLatest(keys) {
      for (const k of keys) requireText(k, 'dedupe key');
      const unique = [...new Set(keys)];
      if (unique.length === 0) return undefined;
      const latest = await db
        .selectFrom('dedupe_keys')
        .innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id')
        .select(['leads.id', 'leads.rep_id', 'dedupe_keys.key'])
        .where('dedupe_keys.key', 'in', unique)
        .orderBy('leads.received_at', 'desc')
        .orderBy('leads.id', 'desc')
        .limit(50)
        .execute();
      const first = latest[0];
      if (first === undefined) return undefined;
      // Of that lead's matching keys, the first in the caller's order (the caller orders keys by strength).
      const held = new Set(latest.filter((r) => r.id === first.id).map((r) => r.key));
      return { leadId: first.id, key: unique.find((k) => held.has(k))!, repId: first.rep_id };
    },
    async add(leadId, keys) {
      requireText(leadId, 'dedupe leadId');
      for (const k of keys) requireText(k, 'dedupe key');
      const unique = [...new Set(keys)];
      if (unique.length === 0) return;
      await db
        .insertInto('dedupe_keys')
        .values(unique.map((key) => ({ key, lead_id: leadId })))
        .onConflict((oc) => oc.columns(['key', 'lead_id']).doNothing())
        .execute();
    },
    async removeForLead(leadId) {
      await db.deleteFrom('dedupe_keys').where('lead_id', '=', leadId).execute();
    },
  };
}
