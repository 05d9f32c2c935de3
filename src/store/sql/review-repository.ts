import type { Kysely, Selectable } from 'kysely';
import type { ReviewRecord, ReviewRepository, ReviewStatus } from '../ports/reviews.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { requireInstant, requireJson, requireLimit, requireText } from './input-checks.ts';
import { afterCursor } from './keyset-page.ts';
import type { Database, ReviewsTable } from './schema.ts';
import { sentAhead } from './sent-ahead.ts';
import type { StatementShapes } from './statement-shapes.ts';
import { sendWithCounters, type CachedReads } from './table-generations.ts';

// Review queue.

const REVIEW_STATUSES: readonly ReviewStatus[] = ['OPEN', 'APPROVED', 'REJECTED'];

const toReview = (r: Selectable<ReviewsTable>): ReviewRecord => ({
  id: r.id,
  leadId: r.lead_id,
  status: r.status as ReviewStatus,
  kind: r.kind,
  reasonCodes: JSON.parse(r.reason_codes_json) as string[],
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  resolutionJson: r.resolution_json,
});

export function reviewRepository(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  cached: CachedReads,
): ReviewRepository {
  return {
    async open(rec) {
      requireText(rec.id, 'review id');
      requireText(rec.leadId, 'review leadId');
      requireText(rec.kind, 'review kind');
      requireText(rec.requestedBy, 'review requestedBy');
      requireInstant(rec.requestedAt, 'review requestedAt');
      if (!Array.isArray(rec.reasonCodes)) throw new StoreInputError('review reasonCodes must be an array');
      for (const c of rec.reasonCodes) requireText(c, 'review reason code');
      // Nobody reads its answer: in a transaction it travels with the next statement (sent-ahead.ts), in order, so a
      // second OPEN review of the lead fails that statement (or the COMMIT) and the transaction rolls back.
      const insert = db.insertInto('reviews').values({
        id: rec.id,
        lead_id: rec.leadId,
        status: 'OPEN',
        kind: rec.kind,
        reason_codes_json: JSON.stringify(rec.reasonCodes),
        requested_by: rec.requestedBy,
        requested_at: rec.requestedAt,
        decided_by: null,
        decided_at: null,
        resolution_json: null,
      });
      await db.executeQuery(sentAhead(insert.compile()));
    },
    async lock(id) {
      const row = await db
        .selectFrom('reviews')
        .selectAll()
        .where('id', '=', id)
        .$if(caps.rowLocks, (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? toReview(row) : undefined;
    },
    async get(id) {
      const row = await db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toReview(row) : undefined;
    },
    async openForLead(leadId) {
      const query = shapes.compile('reviews.open', { leadId, status: 'OPEN' }, (p) =>
        db.selectFrom('reviews').selectAll().where('lead_id', '=', p.leadId).where('status', '=', p.status),
      );
      // PostgreSQL (lane pg5): a lead sent to review locks no routing rows, so its transaction reads the table
      // generations here, in this read's round trip, and its outbox insert need not wait (table-generations.ts).
      const [answer] = caps.dialect === 'postgres' ? await sendWithCounters(db, cached, [query]) : [await db.executeQuery(query)];
      const row = (answer!.rows as Selectable<ReviewsTable>[])[0];
      return row ? toReview(row) : undefined;
    },
    async resolve(id, patch) {
      if (patch.status !== 'APPROVED' && patch.status !== 'REJECTED')
        throw new StoreInputError(`a review resolves to APPROVED or REJECTED, not ${JSON.stringify(patch.status)}`);
      requireText(patch.decidedBy, 'review decidedBy');
      requireInstant(patch.decidedAt, 'review decidedAt');
      requireJson(patch.resolutionJson, 'review resolutionJson');
      const r = await db
        .updateTable('reviews')
        .set({ status: patch.status, decided_by: patch.decidedBy, decided_at: patch.decidedAt, resolution_json: patch.resolutionJson })
        .where('id', '=', id)
        .where('status', '=', 'OPEN')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) {
        const existing = await db.selectFrom('reviews').select('status').where('id', '=', id).executeTakeFirst();
        throw new StoreInputError(existing ? `review ${id} is ${existing.status}, not OPEN` : `review ${id} does not exist`);
      }
    },
    async page(filter) {
      const limit = requireLimit(filter.limit);
      let q = db.selectFrom('reviews').selectAll();
      if (filter.status !== undefined) {
        if (!REVIEW_STATUSES.includes(filter.status)) throw new StoreInputError(`unknown review status ${JSON.stringify(filter.status)}`);
        q = q.where('status', '=', filter.status);
      }
      if (filter.after !== undefined) q = q.where(await afterCursor(db, 'reviews', 'requested_at', filter.after, 'review'));
      const rows = await q.orderBy('requested_at').orderBy('id').limit(limit).execute();
      return rows.map(toReview);
    },
  };
}
