import { type Kysely, sql } from 'kysely';
import type { NotificationRunRepository } from '../ports/notification-runs.port.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { Database } from './schema.ts';

/** Keys starting with `prefix`, compared as text on both dialects (no LIKE: ids may hold `_`, which LIKE reads as a wildcard). */
const startsWith = (prefix: string) => sql<boolean>`substr(key, 1, ${prefix.length}) = ${prefix}`;

export function notificationRunRepository(db: Kysely<Database>): NotificationRunRepository {
  return {
    async takeRun(run) {
      requireText(run.job, 'run job');
      requireText(run.day, 'run day');
      requireInstant(run.takenAt, 'run takenAt');
      requireText(run.takenBy, 'run takenBy');
      const r = await db
        .insertInto('notification_runs')
        .values({ job: run.job, day: run.day, taken_at: run.takenAt, taken_by: run.takenBy, events: run.events })
        .onConflict((oc) => oc.columns(['job', 'day']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async getRun(job, day) {
      const row = await db.selectFrom('notification_runs').selectAll().where('job', '=', job).where('day', '=', day).executeTakeFirst();
      return row ? { job: row.job, day: row.day, takenAt: row.taken_at, takenBy: row.taken_by, events: Number(row.events) } : undefined;
    },
    async raise(key, at) {
      requireText(key, 'condition key');
      requireInstant(at, 'condition raised at');
      const r = await db
        .insertInto('notification_conditions')
        .values({ key, raised_at: at })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async clearExcept(prefix, stillRaised) {
      requireText(prefix, 'condition prefix');
      const r = await db
        .deleteFrom('notification_conditions')
        .where(startsWith(prefix))
        .$if(stillRaised.length > 0, (q) => q.where('key', 'not in', [...stillRaised]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async raised(prefix) {
      const rows = await db.selectFrom('notification_conditions').select('key').where(startsWith(prefix)).orderBy('key').execute();
      return rows.map((r) => r.key);
    },
  };
}
