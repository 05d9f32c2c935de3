import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_BESIDE_SINGLES } from '../../src/app/intake/routing-batch.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { watchServiceTransactions, type WatchedTransactions } from '../support/watched-lead-writes.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { bankVariant, checkStoreConsistency, serviceLead, writeConfigFile } from '../service/fixtures/service-fixtures.ts';
import { auth, startTestService, type TestService } from './service-harness.ts';

/**
 * Lane fairwindow: single leads (POST /v1/leads) sent while bulk windows (POST /v1/leads:batch, 16 leads at once) are
 * taken in share a routing batch with at most BULK_BESIDE_SINGLES bulk leads (src/app/intake/routing-batch.ts), and every
 * batch guarantee holds with both kinds mixed, on SQLite and PostgreSQL: answered only after the COMMIT that contains the
 * lead, acknowledged = stored, the same person twice in one request is a DUPLICATE of the earlier row, a person sent as
 * a single lead and in a batch at the same time is stored once as the original and once as its DUPLICATE, no rep over
 * its cap, and the store tells one story.
 */

const dialects = await bothDialects();
/** Open leads per rep: reached within the runs, so a batch that misread a rep's load would go over it. */
const CAP = 6;

interface Answered {
  readonly leadId: string;
  readonly status: string;
  readonly duplicateOf: string | null;
}

/** The service on a fresh store of `factory`, with the widest window and a slice as large, its transactions watched. */
async function windowedService(factory: (typeof dialects)[number]['factory']) {
  const h = await factory.create();
  // A bulk window keeps 16 leads at the routing batcher.
  const config = {
    ...(await bankVariant({ version: 'fairwindow', caps: { maxOpenLeads: CAP } })),
    limits: { batchTurnLeadsAtOnce: 16, batchSlice: 16 },
  };
  const loaded = await loadConfig(writeConfigFile(config));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const svc = await startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}), org: loaded.value.org });
  // Every transaction numbered, no planted fault.
  return { h, svc, w: watchServiceTransactions(svc, () => null) };
}

describe.each(dialects)('single leads beside bulk windows: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  // Made once for every run of the property (each run's leads are its own people).
  let env: { h: StoreHarness; svc: TestService; w: WatchedTransactions } | undefined;
  beforeAll(async () => {
    env = await windowedService(factory);
  });
  afterAll(async () => {
    await env?.svc.close();
    await env?.h.cleanup();
  });

  const postBatch = async (leads: unknown[]): Promise<Answered[]> => {
    const { svc } = env!;
    const res = await svc.app.inject({ method: 'POST', url: '/v1/leads:batch', headers: auth(svc.tokens.integration), payload: { leads } });
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { results: ({ ok: boolean } & Answered)[] }).results;
    for (const x of items) expect(x.ok).toBe(true);
    return items;
  };
  const postSingle = async (lead: Record<string, unknown>): Promise<Answered> => {
    const { svc } = env!;
    const res = await svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(svc.tokens.integration), payload: lead });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Answered;
  };

  let run = 0;
  it('property: a single lead shares its routing batch with at most 4 bulk leads; every guarantee holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          // Per batch request: its size and which earlier row (if any) each row repeats.
          batches: fc.array(fc.record({ size: fc.integer({ min: 1, max: 40 }), repeat: fc.nat(39) }), { minLength: 1, maxLength: 2 }),
          singles: fc.array(fc.record({ gapTurns: fc.nat(3), sameAsBatchRow: fc.option(fc.nat(39), { nil: null }) }), {
            minLength: 1,
            maxLength: 8,
          }),
        }),
        async ({ batches, singles }) => {
          const { h, w } = env!;
          run++;
          const tag = `fw${run}`;
          // A batch's row `repeat` is the person of its row 0 again (a repeated person in one request).
          const bodies = batches.map((b, n) =>
            Array.from({ length: b.size }, (_, i) => serviceLead(`${tag}b${n}`, i > 0 && i === b.repeat ? 0 : i)),
          );
          const before = w.transactions;
          const batchAnswers = Promise.all(bodies.map((b) => postBatch(b)));
          const singleBodies: Record<string, unknown>[] = [];
          const singleAnswers: Promise<Answered>[] = [];
          for (const [i, s] of singles.entries()) {
            for (let t = 0; t <= s.gapTurns; t++) await new Promise((resolve) => setImmediate(resolve));
            // Some single leads are a person of the first batch, sent while that batch may be in flight.
            const body =
              s.sameAsBatchRow !== null && s.sameAsBatchRow < bodies[0]!.length ? bodies[0]![s.sameAsBatchRow]! : serviceLead(`${tag}s`, i);
            singleBodies.push(body);
            singleAnswers.push(postSingle(body));
          }
          const [batchItems, singleItems] = [await batchAnswers, await Promise.all(singleAnswers)];

          const bulkIds = new Set(batchItems.flat().map((x) => x.leadId));
          const singleIds = new Set(singleItems.map((x) => x.leadId));
          // Answered after its COMMIT; a single lead's transaction holds at most BULK_BESIDE_SINGLES bulk leads.
          for (const id of [...bulkIds, ...singleIds]) expect(w.committed.has(w.txOfLead.get(id)!)).toBe(true);
          for (const id of singleIds) {
            const tx = w.txOfLead.get(id);
            expect([...bulkIds].filter((b) => w.txOfLead.get(b) === tx).length).toBeLessThanOrEqual(BULK_BESIDE_SINGLES);
          }
          expect(w.transactions - before).toBeGreaterThan(0);

          // A repeated row in one request is a DUPLICATE of the earlier row (or of an earlier single lead of that person).
          for (const [n, b] of batches.entries()) {
            const items = batchItems[n]!;
            if (b.repeat > 0 && b.repeat < b.size) {
              expect(items[b.repeat]!.status).toBe('DUPLICATE');
              const original = items[b.repeat]!.duplicateOf;
              expect(original === items[0]!.leadId || singleIds.has(original!)).toBe(true);
            }
          }
          // A person sent both ways: exactly one original among its leads, every other one a DUPLICATE of a lead of theirs.
          const all = [...batchItems[0]!, ...singleItems];
          const bodyOf = [...bodies[0]!, ...singleBodies];
          const byPerson = new Map<string, Answered[]>();
          all.forEach((a, i) => {
            const email = (bodyOf[i]!.person as { email: string }).email;
            byPerson.set(email, [...(byPerson.get(email) ?? []), a]);
          });
          for (const leads of byPerson.values()) {
            const ids = new Set(leads.map((l) => l.leadId));
            expect(leads.filter((l) => l.status !== 'DUPLICATE')).toHaveLength(1);
            for (const l of leads.filter((x) => x.status === 'DUPLICATE')) expect(ids.has(l.duplicateOf!)).toBe(true);
          }

          const stored = new Set((await h.store.leads.list()).map((l) => l.id));
          for (const id of [...bulkIds, ...singleIds]) expect(stored.has(id)).toBe(true);
          for (const load of Object.values((await h.store.routingState.snapshot()).loads)) expect(load.open).toBeLessThanOrEqual(CAP);
          expect((await checkStoreConsistency(h.store)).problems).toEqual([]);
        },
      ),
      { numRuns: 8 },
    );
  });
});
