import type { Kysely, Selectable } from 'kysely';
import type { DecisionOutcome } from '../../domain/decision/decision.ts';
import type { DecisionRecord, DecisionRepository } from '../ports/decisions.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireJson, requireText } from './input-checks.ts';
import type { StatementShapes } from './statement-shapes.ts';
import type { Database, DecisionsTable } from './schema.ts';

const OUTCOMES: readonly DecisionOutcome[] = ['ASSIGNED', 'QUEUED', 'REFUSED', 'HELD', 'NURTURE'];

const toDecision = (r: Selectable<DecisionsTable>): DecisionRecord => ({
  decisionId: r.decision_id,
  leadId: r.lead_id,
  outcome: r.outcome as DecisionOutcome,
  teamId: r.team_id,
  repId: r.rep_id,
  orgHash: r.org_hash,
  documentJson: r.document_json,
  decidedAt: r.decided_at,
});

/** The indexed columns must say what the document says, or queries and the record would disagree. */
function checkDecision(rec: DecisionRecord): void {
  requireText(rec.decisionId, 'decisionId');
  requireText(rec.leadId, 'decision leadId');
  requireText(rec.orgHash, 'decision orgHash');
  requireInstant(rec.decidedAt, 'decidedAt');
  if (!OUTCOMES.includes(rec.outcome)) throw new StoreInputError(`unknown decision outcome ${JSON.stringify(rec.outcome)}`);
  requireText(rec.documentJson, 'decision documentJson');
  const doc = (rec.document ?? requireJson(rec.documentJson, 'decision documentJson')) as Record<string, unknown> | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new StoreInputError('decision documentJson must be a JSON object');
  const idOf = (v: unknown) =>
    v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null;
  const checks: [string, unknown, unknown][] = [
    ['decisionId', doc.decisionId, rec.decisionId],
    ['leadId', doc.leadId, rec.leadId],
    ['outcome', doc.outcome, rec.outcome],
    ['team.id', idOf(doc.team), rec.teamId],
    ['rep.id', idOf(doc.rep), rec.repId],
    ['ruleSet.hash', (doc.ruleSet as { hash?: unknown } | undefined)?.hash, rec.orgHash],
    ['decidedAt', doc.decidedAt, rec.decidedAt],
  ];
  const wrong = checks.filter(([, inDoc, inRecord]) => inDoc !== inRecord);
  if (wrong.length > 0) {
    throw new StoreInputError(
      `decision ${rec.decisionId}: document disagrees with the record on ${wrong
        .map(([f, d, r]) => `${f} (document ${JSON.stringify(d)}, record ${JSON.stringify(r)})`)
        .join(', ')}`,
    );
  }
}

export function decisionRepository(db: Kysely<Database>, shapes: StatementShapes): DecisionRepository {
  return {
    async append(rec) {
      checkDecision(rec);
      const row = {
        decision_id: rec.decisionId,
        lead_id: rec.leadId,
        outcome: rec.outcome,
        team_id: rec.teamId,
        rep_id: rec.repId,
        org_hash: rec.orgHash,
        document_json: rec.documentJson,
        decided_at: rec.decidedAt,
      };
      await shapes.run(db, 'decisions', [row], (rows) => db.insertInto('decisions').values(rows), 'decisions');
    },
    async get(id) {
      const row = await db.selectFrom('decisions').selectAll().where('decision_id', '=', id).executeTakeFirst();
      return row ? toDecision(row) : undefined;
    },
    async listForLead(leadId) {
      const rows = await db
        .selectFrom('decisions')
        .selectAll()
        .where('lead_id', '=', leadId)
        .orderBy('decided_at')
        .orderBy('decision_id')
        .execute();
      return rows.map(toDecision);
    },
    async list(filter = {}) {
      let q = db.selectFrom('decisions').selectAll();
      if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
      if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
      const rows = await q.orderBy('decided_at').orderBy('decision_id').execute();
      return rows.map(toDecision);
    },
  };
}
