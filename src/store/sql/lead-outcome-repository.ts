import type { Insertable, Kysely, Selectable } from 'kysely';
import {
  OUTCOME_CHANNELS,
  OUTCOME_KINDS,
  OUTCOME_REASON_PATTERN,
  type OutcomeChannel,
  type OutcomeKind,
} from '../../domain/outcomes/outcome-kind.ts';
import type { LeadOutcomeRecord, LeadOutcomeRepository } from '../ports/lead-outcomes.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { LeadOutcomesTable } from './outcome-schema.ts';
import type { Database } from './schema.ts';

const toRecord = (r: Selectable<LeadOutcomesTable>): LeadOutcomeRecord => ({
  id: r.id,
  leadId: r.lead_id,
  seq: Number(r.seq),
  kind: r.kind as OutcomeKind,
  value: r.value === null ? null : Number(r.value),
  currency: r.currency,
  reasonCode: r.reason_code,
  note: r.note,
  closedAt: r.closed_at,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
  channel: r.channel as OutcomeChannel,
  decisionId: r.decision_id,
  attribution: { rep: r.rep_id, team: r.team_id, rule: r.rule_id, strategy: r.strategy, segment: r.segment, source: r.source },
});

function checkOutcome(input: Omit<LeadOutcomeRecord, 'seq'>): void {
  requireText(input.id, 'outcome id');
  requireText(input.leadId, 'lead id');
  requireText(input.recordedBy, 'recorded by');
  requireInstant(input.closedAt, 'closed at');
  requireInstant(input.recordedAt, 'recorded at');
  if (!OUTCOME_KINDS.includes(input.kind)) throw new StoreInputError(`outcome kind must be one of ${OUTCOME_KINDS.join(', ')}`);
  if (!OUTCOME_CHANNELS.includes(input.channel)) throw new StoreInputError(`channel must be one of ${OUTCOME_CHANNELS.join(', ')}`);
  if (!OUTCOME_REASON_PATTERN.test(input.reasonCode)) throw new StoreInputError(`reason code must be UPPER_SNAKE_CASE`);
  if (input.value !== null && !(Number.isFinite(input.value) && input.value >= 0))
    throw new StoreInputError('value must be a finite number ≥ 0');
  if ((input.value === null) !== (input.currency === null)) throw new StoreInputError('a value needs a currency and a currency a value');
  if (input.currency !== null && !/^[A-Z]{3}$/.test(input.currency)) throw new StoreInputError('currency must be an ISO 4217 code');
}

const rowOf = (input: Omit<LeadOutcomeRecord, 'seq'>, seq: number): Insertable<LeadOutcomesTable> => {
  const a = input.attribution;
  return {
    id: input.id,
    lead_id: input.leadId,
    seq,
    kind: input.kind,
    value: input.value,
    currency: input.currency,
    reason_code: input.reasonCode,
    note: input.note,
    closed_at: input.closedAt,
    recorded_at: input.recordedAt,
    recorded_by: input.recordedBy,
    channel: input.channel,
    decision_id: input.decisionId,
    rep_id: a.rep,
    team_id: a.team,
    rule_id: a.rule,
    strategy: a.strategy,
    segment: a.segment,
    source: a.source,
  };
};

export function leadOutcomeRepository(db: Kysely<Database>): LeadOutcomeRepository {
  return {
    async append(input) {
      checkOutcome(input);
      const last = await db
        .selectFrom('lead_outcomes')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('lead_id', '=', input.leadId)
        .executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      await db.insertInto('lead_outcomes').values(rowOf(input, seq)).execute();
      return { ...input, seq };
    },
    async listForLead(leadId) {
      requireText(leadId, 'lead id');
      const rows = await db.selectFrom('lead_outcomes').selectAll().where('lead_id', '=', leadId).orderBy('seq').execute();
      return rows.map(toRecord);
    },
    async currentFor(leadIds) {
      const out = new Map<string, LeadOutcomeRecord>();
      // Chunked so the parameter count stays far below SQLite's and PostgreSQL's limits.
      for (let i = 0; i < leadIds.length; i += 500) {
        const chunk = leadIds.slice(i, i + 500);
        const rows = await db.selectFrom('lead_outcomes').selectAll().where('lead_id', 'in', chunk).orderBy('seq').execute();
        for (const r of rows) out.set(r.lead_id, toRecord(r));
      }
      return out;
    },
    async currentAll() {
      const rows = await db
        .selectFrom('lead_outcomes as o')
        .selectAll('o')
        .where(({ eb, selectFrom }) =>
          eb(
            'o.seq',
            '=',
            selectFrom('lead_outcomes as l')
              .select((e) => e.fn.max('l.seq').as('m'))
              .whereRef('l.lead_id', '=', 'o.lead_id'),
          ),
        )
        .orderBy('o.lead_id')
        .execute();
      return rows.map(toRecord);
    },
    async count() {
      const row = await db
        .selectFrom('lead_outcomes')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async forgetNotes(leadId) {
      requireText(leadId, 'lead id');
      const res = await db
        .updateTable('lead_outcomes')
        .set({ note: null })
        .where('lead_id', '=', leadId)
        .where('note', 'is not', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
  };
}
