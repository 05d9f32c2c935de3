import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { watchServiceTransactions, type WatchedTransactions } from '../support/watched-lead-writes.ts';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';
import { bankVariant, checkStoreConsistency, serviceLead, writeConfigFile } from '../service/fixtures/service-fixtures.ts';

/**
 * Issue 18 (lane sqlitebatch): the routing batch on SQLite (src/app/intake/routing-batch.ts). The leads that reach it in
 * one turn of the event loop share one transaction and one COMMIT; each is answered only after that COMMIT; a failure
 * rolls the batch back and its leads run again alone; leads sharing a dedupe key never share a batch; and the outcome is
 * that of the same leads run one after another.
 */

/** Open leads per rep: reached within the property's runs, so a batch that misread a rep's load would go over it. */
const CAP = 4;

interface Watched extends WatchedTransactions {
  readonly svc: TestService;
  /** The store behind the watching wrapper. */
  readonly base: Store;
}

const services: TestService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

async function watchedService(): Promise<Watched> {
  const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'sqlitebatch', caps: { maxOpenLeads: CAP } })));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const svc = await startTestService({ org: loaded.value.org });
  services.push(svc);
  const base = svc.store;
  // Default planted fault ("boom"); the COMMIT held back past a timer: an answer sent before it would reach the client meanwhile.
  const w = watchServiceTransactions(svc, undefined, () => new Promise((resolve) => setTimeout(resolve, 2)));
  return Object.assign(w, { svc, base });
}

interface Answer {
  readonly statusCode: number;
  readonly body: { leadId: string; status: string; duplicateOf: string | null; decision: unknown };
  /** The lead's transaction had committed when its answer arrived. */
  readonly afterCommit: boolean;
}

function post(w: Watched, payload: Record<string, unknown>): Promise<Answer> {
  return w.svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(w.svc.tokens.integration), payload }).then((res) => {
    const body = res.json() as Answer['body'];
    const tx = w.txOfLead.get(body.leadId);
    return { statusCode: res.statusCode, body, afterCommit: tx !== undefined && w.committed.has(tx) };
  });
}

const batchSizes = async (w: Watched) => {
  const h = (await w.svc.ctx.metrics.routingBatchLeads.get()).values;
  return {
    batches: h.find((v) => v.metricName === 'remit_routing_batch_leads_count')?.value ?? 0,
    leads: h.find((v) => v.metricName === 'remit_routing_batch_leads_sum')?.value ?? 0,
  };
};

const rollbacks = async (w: Watched) => (await w.svc.ctx.metrics.routingBatchRollbacks.get()).values[0]?.value ?? 0;

const boom = (lead: Record<string, unknown>, tag: string): Record<string, unknown> => ({
  ...lead,
  person: { ...(lead.person as Record<string, string>), email: `boom.${tag}@example.org` },
});

describe('routing batch on SQLite', () => {
  it('the leads of one turn share one transaction, each answered only after its COMMIT', async () => {
    const w = await watchedService();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(w, serviceLead('turn', i))));
    for (const a of answers) {
      expect(a.statusCode).toBe(201);
      expect(a.afterCommit).toBe(true);
    }
    // One batch for the ten (the org's first publish included), not ten transactions.
    expect(w.transactions).toBe(1);
    expect(new Set(answers.map((a) => w.txOfLead.get(a.body.leadId))).size).toBe(1);
    expect(await batchSizes(w)).toEqual({ batches: 1, leads: 10 });
    expect((await checkStoreConsistency(w.base)).problems).toEqual([]);
  });

  it('leads of later turns form later batches; at most 16 leads per batch', async () => {
    const w = await watchedService();
    const first = Promise.all(Array.from({ length: 20 }, (_, i) => post(w, serviceLead('bound', i))));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all(Array.from({ length: 3 }, (_, i) => post(w, serviceLead('bound', 20 + i))));
    for (const a of [...(await first), ...(await second)]) expect(a.statusCode).toBe(201);
    const { batches, leads } = await batchSizes(w);
    expect(leads).toBe(23);
    // 20 in one turn: a full batch of 16, the 4 left join the next turn's 3.
    expect(batches).toBe(2);
    expect(w.transactions).toBe(batches);
    const perTx = new Map<number, number>();
    for (const tx of w.txOfLead.values()) perTx.set(tx, (perTx.get(tx) ?? 0) + 1);
    expect([...perTx.values()].sort((a, b) => a - b)).toEqual([7, 16]);
  });

  it('a failing lead rolls its batch back; every other lead then commits alone with its own answer', async () => {
    const w = await watchedService();
    const bodies = Array.from({ length: 6 }, (_, i) => (i === 3 ? boom(serviceLead('fail', i), 'fail3') : serviceLead('fail', i)));
    const answers = await Promise.all(bodies.map((b) => post(w, b)));
    answers.forEach((a, i) => expect(a.statusCode).toBe(i === 3 ? 500 : 201));
    expect(await rollbacks(w)).toBe(1);
    // The batch, then each of its six leads alone.
    expect(w.transactions).toBe(7);
    const acknowledged = answers.filter((a) => a.statusCode === 201);
    for (const a of acknowledged) expect(a.afterCommit).toBe(true);
    expect(new Set(acknowledged.map((a) => w.txOfLead.get(a.body.leadId))).size).toBe(5);
    const stored = (await w.base.leads.list()).map((l) => l.id).sort();
    expect(stored).toEqual(acknowledged.map((a) => a.body.leadId).sort());
    expect((await checkStoreConsistency(w.base)).problems).toEqual([]);
  });

  it('the same person twice in one turn: never one batch; the later is a DUPLICATE of the earlier', async () => {
    const w = await watchedService();
    const answers = await Promise.all([0, 1, 2, 1, 3].map((i) => post(w, serviceLead('twice', i))));
    for (const a of answers) expect(a.statusCode).toBe(201);
    const [original, again] = [answers[1]!.body, answers[3]!.body];
    expect(original.status).not.toBe('DUPLICATE');
    expect(again.status).toBe('DUPLICATE');
    expect(again.duplicateOf).toBe(original.leadId);
    expect(w.txOfLead.get(again.leadId)).not.toBe(w.txOfLead.get(original.leadId));
  });

  it('two bodies under one Idempotency-Key in one batch: one lead stored, the other refused as a reused key', async () => {
    const w = await watchedService();
    const send = (payload: Record<string, unknown>) =>
      w.svc.app.inject({
        method: 'POST',
        url: '/v1/leads',
        headers: { ...auth(w.svc.tokens.integration), 'idempotency-key': 'one-key' },
        payload,
      });
    const [first, second, other] = await Promise.all([
      send(serviceLead('idem', 0)),
      send(serviceLead('idem', 1)),
      post(w, serviceLead('idem', 2)),
    ]);
    // The batch of three rolls back on the second claim of the key; each runs again alone.
    expect(await rollbacks(w)).toBe(1);
    expect([first.statusCode, second.statusCode, other.statusCode]).toEqual([201, 422, 201]);
    expect((second.json() as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await w.base.leads.list()).toHaveLength(2);
    expect((await checkStoreConsistency(w.base)).problems).toEqual([]);
  });

  it('decisions and routing state equal those of the same leads one after another (random turns, failures, repeats)', async () => {
    let run = 0;
    const lead = fc.record({ person: fc.nat(11), fails: fc.boolean() }, { requiredKeys: ['person', 'fails'] });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ leads: fc.array(lead, { minLength: 1, maxLength: 7 }), awaitAnswers: fc.boolean() }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (turns) => {
          run++;
          const w = await watchedService();
          const bodies: Record<string, unknown>[] = [];
          const pending: Promise<Answer>[] = [];
          for (const turn of turns) {
            const sent = turn.leads.map((l) => {
              const i = bodies.length;
              bodies.push(l.fails ? boom(serviceLead(`p${run}`, l.person), `${run}.${i}`) : serviceLead(`p${run}`, l.person));
              return post(w, bodies[i]!);
            });
            pending.push(...sent);
            // The next turn's leads arrive once these are answered, or one turn later (while they may be in a batch).
            if (turn.awaitAnswers) await Promise.all(sent);
            else await new Promise((resolve) => setImmediate(resolve));
          }
          const answers = await Promise.all(pending);
          const indexOf = new Map<string, number>();
          answers.forEach((a, i) => {
            const fails = (bodies[i]!.person as { email: string }).email.startsWith('boom');
            expect(a.statusCode).toBe(fails ? 500 : 201);
            if (a.statusCode === 201) {
              expect(a.afterCommit).toBe(true);
              indexOf.set(a.body.leadId, i);
            }
          });
          // Committed set = acknowledged set.
          const stored = (await w.base.leads.list()).map((l) => l.id);
          expect(new Set(stored)).toEqual(new Set(indexOf.keys()));
          expect((await checkStoreConsistency(w.base)).problems).toEqual([]);
          for (const load of Object.values((await w.base.routingState.snapshot()).loads)) expect(load.open).toBeLessThanOrEqual(CAP);

          // The same leads, one after another, in the order the batches routed them, on a fresh store.
          const order = w.routedOrder.filter((id) => indexOf.has(id));
          expect(new Set(order).size).toBe(indexOf.size);
          const alone = await watchedService();
          const seqIndexOf = new Map<string, number>();
          const seqAnswers = new Map<number, Answer>();
          for (const id of order) {
            const i = indexOf.get(id)!;
            const a = await post(alone, bodies[i]!);
            expect(a.statusCode).toBe(201);
            seqIndexOf.set(a.body.leadId, i);
            seqAnswers.set(i, a);
          }
          for (const a of answers.filter((x) => x.statusCode === 201)) {
            const i = indexOf.get(a.body.leadId)!;
            expect(comparable(a.body, indexOf)).toEqual(comparable(seqAnswers.get(i)!.body, seqIndexOf));
          }
          expect(await alone.base.routingState.snapshot()).toEqual(await w.base.routingState.snapshot());
          await Promise.all(services.splice(0).map((s) => s.close()));
        },
      ),
      { numRuns: 25 },
    );
  });
});

/** An answer with its own and other leads' ids replaced by their request's index, and other generated ids blanked. */
function comparable(body: Answer['body'], indexOf: ReadonlyMap<string, number>): unknown {
  const text = JSON.stringify(body).replace(/\b([a-z]+)-\d{6}\b/g, (id, prefix: string) =>
    indexOf.has(id) ? `lead#${indexOf.get(id)}` : `${prefix}#`,
  );
  return JSON.parse(text) as unknown;
}
