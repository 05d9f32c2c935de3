import type { Kysely, Selectable } from 'kysely';
import type { LeadEventRecord, LeadEventRepository } from '../ports/lead-events.port.ts';
import { requireInstant, requireJson, requireText } from './input-checks.ts';
import type { StatementShapes } from './statement-shapes.ts';
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

function checkEvent(ev: Omit<LeadEventRecord, 'seq'>): void {
  requireText(ev.leadId, 'event leadId');
  requireText(ev.kind, 'event kind');
  requireText(ev.actor, 'event actor');
  requireInstant(ev.at, 'event at');
  requireJson(ev.payloadJson, 'event payloadJson');
}

const toRow = (ev: Omit<LeadEventRecord, 'seq'>) => ({
  lead_id: ev.leadId,
  kind: ev.kind,
  actor: ev.actor,
  at: ev.at,
  payload_json: ev.payloadJson,
});

export function leadEventRepository(db: Kysely<Database>, shapes: StatementShapes): LeadEventRepository {
  const repository: LeadEventRepository = {
    // one row is a batch of one: one INSERT … RETURNING either way
    append: async (ev) => (await repository.appendMany([ev]))[0]!,
    async appendMany(events) {
      events.forEach(checkEvent);
      if (events.length === 0) return [];
      const { rows } = await shapes.run(db, 'lead_events', events.map(toRow), (r) =>
        db.insertInto('lead_events').values(r).returning('seq'),
      );
      // The rows of one INSERT take their seqs in VALUES order, but neither dialect promises RETURNING's order: sort.
      const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
      return events.map((ev, i) => ({
        seq: seqs[i]!,
        leadId: ev.leadId,
        kind: ev.kind,
        actor: ev.actor,
        at: ev.at,
        payloadJson: ev.payloadJson,
      }));
    },
    async record(events) {
      events.forEach(checkEvent);
      if (events.length === 0) return;
      await shapes.run(db, 'lead_events.record', events.map(toRow), (r) => db.insertInto('lead_events').values(r), 'lead_events');
    },
    async listForLead(leadId) {
      const rows = await db.selectFrom('lead_events').selectAll().where('lead_id', '=', leadId).orderBy('seq').execute();
      return rows.map(toLeadEvent);
    },
  };
  return repository;
}
