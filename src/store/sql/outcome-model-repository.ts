import type { Kysely, Selectable } from 'kysely';
import type { OutcomeModelRecord, OutcomeModelRepository } from '../ports/outcome-models.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { OutcomeModelsTable } from './outcome-schema.ts';
import type { Database } from './schema.ts';

const toRecord = (r: Selectable<OutcomeModelsTable>): OutcomeModelRecord => ({
  version: r.version,
  modelJson: r.model_json,
  outcomeRows: Number(r.outcome_rows),
  builtAt: r.built_at,
});

/** The head is a single row: id 1. */
const HEAD = 1;

export function outcomeModelRepository(db: Kysely<Database>): OutcomeModelRepository {
  return {
    async publish(record) {
      requireText(record.version, 'model version');
      requireText(record.modelJson, 'model JSON');
      requireInstant(record.builtAt, 'built at');
      if (!Number.isSafeInteger(record.outcomeRows) || record.outcomeRows < 0)
        throw new StoreInputError('outcome rows must be a whole number ≥ 0');
      await db
        .insertInto('outcome_models')
        .values({ version: record.version, model_json: record.modelJson, outcome_rows: record.outcomeRows, built_at: record.builtAt })
        .onConflict((oc) => oc.column('version').doNothing())
        .execute();
      const head = { version: record.version, outcome_rows: record.outcomeRows, built_at: record.builtAt };
      await db
        .insertInto('outcome_model_head')
        .values({ id: HEAD, ...head })
        .onConflict((oc) => oc.column('id').doUpdateSet(head))
        .execute();
    },
    async head() {
      const row = await db
        .selectFrom('outcome_model_head as h')
        .innerJoin('outcome_models as m', 'm.version', 'h.version')
        .select(['m.version', 'm.model_json', 'h.outcome_rows', 'h.built_at'])
        .where('h.id', '=', HEAD)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async headVersion() {
      const row = await db.selectFrom('outcome_model_head').select('version').where('id', '=', HEAD).executeTakeFirst();
      return row?.version;
    },
    async get(version) {
      requireText(version, 'model version');
      const row = await db.selectFrom('outcome_models').selectAll().where('version', '=', version).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
  };
}
