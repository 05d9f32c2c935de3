import type { Kysely, Selectable } from 'kysely';
import type { LeadEventRecord, LeadEventRepository } from '../ports/lead-events.port.ts';
import { requireInstant, requireJson, requireText } from './input-checks.ts';
import type { Database, LeadEventsTable } from './schema.ts';

// Lead events: append-only (triggers); seq from the database.

const toLeadEvent = (r: Selectable<LeadEventsTable>): LeadEventRecord => ({
  seq: Number(r.seq),
  leadId: r.lead_id,
  kind: r.kind,
  actor: r.actor,
  at: r.at,
  payloadJson: r.payload_json,
});

export function leadEventRepository(db: Kysely<Database>): LeadEventRepository {
  return {
    async append(ev) {
      requireText(ev.leadId, 'event leadId');
      requireText(ev.kind, 'event kind');
      requireText(ev.actor, 'event actor');
      requireInstant(ev.at, 'event at');
      requireJson(ev.payloadJson, 'event payloadJson');
      const row = await db
        .insertInto('lead_events')
        .values({ lead_id: ev.leadId, kind: ev.kind, actor: ev.actor, at: ev.at, payload_json: ev.payloadJson })
        .returning('seq')
        .executeTakeFirstOrThrow();
      return { seq: Number(row.seq), leadId: ev.leadId, kind: ev.kind, actor: ev.actor, at: ev.at, payloadJson: ev.payloadJson };
    },
    async listForLead(leadId) {
      const rows = await db.selectFrom('lead_events').selectAll().where('lead_id', '=', leadId).orderBy('seq').execute();
      return rows.map(toLeadEvent);
    },
  };
}
