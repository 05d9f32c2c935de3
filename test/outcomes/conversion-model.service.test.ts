import { afterEach, describe, expect, it } from 'vitest';
import { ConversionModelWorker } from '../../src/app/outcomes/conversion-model-worker.ts';
import { EMPTY_MODEL } from '../../src/domain/outcomes/conversion-model.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';

/**
 * Issue 17 (docs/outcome-routing.md "Snapshots and replay"), on SQLite and PostgreSQL: the outcome-aware step reads
 * the conversion model built from stored outcomes; each model is stored by version; a decision records the version
 * it read, and replays byte-identically from it after the model has moved on.
 */
let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const learning = (config: Record<string, unknown>) => {
  const rules = config.rules as { then: { kind: string } }[];
  return {
    ...config,
    rules: rules.map((r) =>
      r.then.kind === 'route'
        ? { ...r, then: { ...r.then, strategy: [{ kind: 'outcome-aware', minOutcomes: 2, fairness: { band: 0.5, window: 10 } }] } }
        : r,
    ),
  };
};

interface OutcomeAwareDetails {
  readonly model: string;
  readonly candidates: readonly {
    readonly rep: string;
    readonly learnedFrom: readonly string[];
    readonly alpha: number;
    readonly beta: number;
  }[];
}
interface Ingested {
  leadId: string;
  decision: { decisionId: string; rep: { id: string } | null; strategy: { details: { steps?: unknown } & Record<string, unknown> } | null };
}

let n = 0;
async function ingest(): Promise<Ingested> {
  const res = await s!.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: auth(s!.tokens.integration),
    payload: ukLead({ person: { firstName: 'Ann', lastName: 'Lee', email: `ann.model.${++n}@example.co.uk` } }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Ingested;
}

/** The outcome-aware step's recorded details (the decision's strategy details hold one entry per step that left any). */
function stepDetails(d: Ingested['decision']): OutcomeAwareDetails {
  const found: OutcomeAwareDetails[] = [];
  const walk = (x: unknown): void => {
    if (x && typeof x === 'object') {
      if ('model' in x && 'candidates' in x) found.push(x as OutcomeAwareDetails);
      else for (const v of Object.values(x)) walk(v);
    }
  };
  walk(d.strategy?.details);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const inject = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  s!.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });

const dialects = await bothDialects();

describe.each(dialects)('conversion model snapshots: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('decisions read the model built from stored outcomes, record its version, and replay exactly after it moved on', async () => {
    s = await startAuditService(factory, { configure: learning });
    // Before any outcome: no model stored, the step starts from its priors (the empty model's version).
    const cold = await ingest();
    expect(stepDetails(cold.decision).model).toBe(EMPTY_MODEL.version);
    expect((await inject('GET', '/v1/outcomes/model', s.tokens.ops)).json()).toEqual({ current: null });

    const first = [cold, ...(await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => ingest())))];
    const byRep = new Map<string, string[]>();
    for (const l of first) byRep.set(l.decision.rep!.id, [...(byRep.get(l.decision.rep!.id) ?? []), l.leadId]);
    // The fairness band keeps a round-robin-like spread at the start: at least two reps got leads.
    expect(byRep.size).toBeGreaterThan(1);
    const [winner, winnerLeads] = [...byRep.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    for (const l of first) {
      const won = l.decision.rep!.id === winner;
      const res = await inject('POST', `/v1/leads/${l.leadId}/outcome`, s.tokens.ops, { kind: won ? 'WON' : 'LOST', reasonCode: 'TEST' });
      expect(res.statusCode, res.body).toBe(201);
    }
    // A worker pass builds it; a second pass with nothing new recorded changes nothing.
    const worker = new ConversionModelWorker(s.ctx);
    await worker.tick();
    const head1 = (await inject('GET', '/v1/outcomes/model', s.tokens.compliance)).json().current;
    expect(head1).toMatchObject({ outcomeRows: first.length, builtAt: new Date(s.clock.ms).toISOString() });
    expect(head1.model.reps[winner]).toEqual({ '(none)': { won: winnerLeads.length, lost: 0 } });
    await worker.tick();
    expect((await s.h.store.outcomeModels.head())!.version).toBe(head1.version);
    expect((await inject('POST', '/v1/outcomes/model/rebuild', s.tokens.rep)).statusCode).toBe(403);

    const warm = await ingest();
    const details = stepDetails(warm.decision);
    expect(details.model).toBe(head1.version);
    const winnerRow = details.candidates.find((c) => c.rep === winner)!;
    expect(winnerRow.learnedFrom).toContain('rep');
    // Its wins lift it above every rep who only lost (shrunk towards the team's rate, so not above 0.5 necessarily).
    const estimate = (c: { alpha: number; beta: number }) => c.alpha / (c.alpha + c.beta);
    for (const other of details.candidates.filter((c) => c.rep !== winner)) expect(estimate(winnerRow)).toBeGreaterThan(estimate(other));

    // More outcomes move the model on; a decision made after that records the new version.
    expect((await inject('POST', `/v1/leads/${warm.leadId}/outcome`, s.tokens.ops, { kind: 'LOST', reasonCode: 'TEST' })).statusCode).toBe(
      201,
    );
    const rebuilt = await inject('POST', '/v1/outcomes/model/rebuild', s.tokens.ops);
    expect(rebuilt.statusCode, rebuilt.body).toBe(200);
    expect(rebuilt.json()).toMatchObject({ rebuilt: true, outcomeRows: first.length + 1, facts: first.length + 1 });
    const v2 = rebuilt.json().version as string;
    expect(v2).not.toBe(head1.version);
    const later = await ingest();
    expect(stepDetails(later.decision).model).toBe(v2);

    await s.seal();
    const entry = (await s.h.store.audit.rowsForSubject(warm.leadId)).find((r) => r.kind === 'decision')!;
    expect((entry.payload as { outcomeModelRead?: string }).outcomeModelRead).toBe(head1.version);
    const coldEntry = (await s.h.store.audit.rowsForSubject(cold.leadId)).find((r) => r.kind === 'decision')!;
    expect(coldEntry.payload).not.toHaveProperty('outcomeModelRead');
    // Every decision — before any model, on the first, on the second — replays byte-identically from its record.
    for (const d of [cold, warm, later, ...first]) {
      const replay = await inject('GET', `/v1/decisions/${d.decision.decisionId}/replay`, s.tokens.compliance);
      expect(replay.statusCode, replay.body).toBe(200);
      expect(replay.json(), d.decision.decisionId).toMatchObject({ identical: true, differences: [], integrity: { verified: true } });
    }
  });
});
