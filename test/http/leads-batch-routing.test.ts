import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { watchServiceTransactions, type WatchedTransactions } from '../support/watched-lead-writes.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { bankVariant, checkStoreConsistency, serviceLead, writeConfigFile } from '../service/fixtures/service-fixtures.ts';
import { auth, startTestService, type TestService } from './service-harness.ts';

/**
 * Issue 18 (lane bulkbatch): POST /v1/leads:batch with `limits.batchTurnLeadsAtOnce` above 1 runs the leads of a slice
 * side by side, so they reach the routing batch
 * (src/app/intake/routing-batch.ts) together and share its transactions, on SQLite and PostgreSQL. Results stay in input
 * order, each lead keeps its own outcome (a failing lead its own error, the others commit), and the same person twice in
 * one slice behaves as when the leads ran one after another: the later is a DUPLICATE of the earlier.
 */

const dialects = await bothDialects();

type Item =
  | { index: number; ok: true; leadId: string; status: string; duplicateOf: string | null; replayed: boolean }
  | { index: number; ok: false; error: { code: string } };

describe.each(dialects)('POST /v1/leads:batch routing batches: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness;
  let svc: TestService;
  let w: WatchedTransactions;
  beforeAll(async () => {
    h = await factory.create();
    // Five leads of a turn at once (the default, 1, runs them one after another).
    const config = { ...(await bankVariant({ version: 'bulkbatch', caps: 'none' })), limits: { batchTurnLeadsAtOnce: 5 } };
    const loaded = await loadConfig(writeConfigFile(config));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    svc = await startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}), org: loaded.value.org });
    // Every transaction numbered; a lead whose email holds "boom" cannot store its dedupe keys (a planted fault).
    w = watchServiceTransactions(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await h?.cleanup();
  });

  const postBatch = async (leads: unknown[], key?: string) => {
    const res = await svc.app.inject({
      method: 'POST',
      url: '/v1/leads:batch',
      headers: { ...auth(svc.tokens.integration), ...(key ? { 'idempotency-key': key } : {}) },
      payload: { leads },
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { results: Item[] }).results;
  };
  const okItems = (items: Item[]) => items.filter((x): x is Extract<Item, { ok: true }> => x.ok);
  const txOf = (items: Item[]) => okItems(items).map((x) => w.txOfLead.get(x.leadId));

  it('the leads of a slice share routing transactions; results in input order, routed in input order', async () => {
    const before = w.transactions;
    // 25 leads: slices of 10, 10 and 5 (the default batchSlice), each run 5 at once.
    const items = await postBatch(Array.from({ length: 25 }, (_, i) => serviceLead('slice', i)));
    expect(items.map((x) => x.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const ok = okItems(items);
    expect(ok).toHaveLength(25);
    // One after another this took 25 transactions; on SQLite each 5 leads of a slice are one batch (one turn), on
    // PostgreSQL the first of them opens a batch and the others form the next while it is in its transaction.
    const used = w.transactions - before;
    if (factory.name === 'sqlite') {
      expect(used).toBe(5);
      expect([0, 5, 10, 15, 20].map((from) => new Set(txOf(items.slice(from, from + 5))).size)).toEqual([1, 1, 1, 1, 1]);
    } else {
      // How many leads join a PostgreSQL batch depends on timing: a batch starts as soon as the previous one has passed
      // its intake steps, and a lead joins only if its own steps before the batcher ended by then (12-14 transactions
      // for 25 leads on an idle machine, fewer under load). What holds is that leads share: fewer transactions than leads.
      expect(used).toBeLessThan(25);
    }
    // Acknowledged = committed: every answered lead's transaction committed.
    for (const tx of txOf(items)) expect(w.committed.has(tx!)).toBe(true);
    // A batch routes its leads in input order. On SQLite one batch runs at a time, so every lead is routed in input
    // order. On PostgreSQL two batches may be in their transactions at once, and a later batch whose routing scope
    // shares no pool with the earlier one's may route first (CI saw it once): no lock orders them, and nothing needs to
    // (a repeated person never shares a batch and waits on the earlier lead's dedupe keys: the DUPLICATE test below).
    const ids = ok.map((x) => x.leadId);
    const routed = w.routedOrder.filter((id) => ids.includes(id));
    if (factory.name === 'sqlite') expect(routed).toEqual(ids);
    for (const tx of new Set(txOf(items))) {
      const ofTx = ids.filter((id) => w.txOfLead.get(id) === tx);
      expect(routed.filter((id) => ofTx.includes(id))).toEqual(ofTx);
    }
    expect((await checkStoreConsistency(h.store)).problems).toEqual([]);
  });

  it('a failing lead gets its own error; every other lead of its slice commits with its own answer', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => serviceLead('fail', i));
    bodies[3] = { ...bodies[3], person: { ...(bodies[3]!.person as object), email: 'boom.fail3@example.org' } };
    const items = await postBatch(bodies);
    expect(items.map((x) => x.ok)).toEqual([true, true, true, false, true, true]);
    expect(items[3]).toMatchObject({ index: 3, ok: false, error: { code: 'INTERNAL' } });
    const ok = okItems(items);
    for (const tx of txOf(items)) expect(w.committed.has(tx!)).toBe(true);
    const stored = new Set((await h.store.leads.list()).map((l) => l.id));
    for (const x of ok) expect(stored.has(x.leadId)).toBe(true);
    // Nothing of the failing lead was kept: every stored lead is an answered one.
    const answered = new Set(w.txOfLead.keys());
    expect([...stored].every((id) => answered.has(id))).toBe(true);
    expect(stored.size).toBe(25 + 5);
    expect((await checkStoreConsistency(h.store)).problems).toEqual([]);
  });

  it('the same person twice in one slice: the later is a DUPLICATE of the earlier, as one after another', async () => {
    // The earlier one's preparation is slower (its company's enrichment): it must still reach the routing batch first.
    const enricher = svc.ctx.enricher;
    (svc.ctx as { enricher: typeof enricher }).enricher = {
      enrich: async (config, company) => {
        if (company?.domain === 'slow.example') await new Promise((resolve) => setTimeout(resolve, 30));
        return enricher.enrich(config, company);
      },
    } as typeof enricher;
    const bodies = [0, 1, 2, 1, 3, 1].map((i) => serviceLead('twice', i));
    bodies[1] = { ...bodies[1], company: { domain: 'slow.example' } };
    const items = okItems(await postBatch(bodies));
    (svc.ctx as { enricher: typeof enricher }).enricher = enricher;
    expect(items.map((x) => x.status === 'DUPLICATE')).toEqual([false, false, false, true, false, true]);
    expect(items[3]!.duplicateOf).toBe(items[1]!.leadId);
    expect(items[5]!.duplicateOf).toBe(items[1]!.leadId);
    expect(w.txOfLead.get(items[3]!.leadId)).not.toBe(w.txOfLead.get(items[1]!.leadId));
  });

  it('a retried batch under the same Idempotency-Key replays every lead in order and creates nothing', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => serviceLead('retry', i));
    const first = okItems(await postBatch(bodies, 'bulk-retry-1'));
    const count = (await h.store.leads.list()).length;
    const again = okItems(await postBatch(bodies, 'bulk-retry-1'));
    expect(again.map((x) => x.leadId)).toEqual(first.map((x) => x.leadId));
    expect(again.every((x) => x.replayed)).toBe(true);
    expect((await h.store.leads.list()).length).toBe(count);
  });
});
