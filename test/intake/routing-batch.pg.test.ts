import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchRoutingLocks } from '../../src/app/routing/batch-routing-locks.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { LedgerEntry, RoutingStateView, StateChanges } from '../../src/domain/strategies/routing-state.ts';
import type { Store, UnitOfWork } from '../../src/store/unit-of-work.ts';
import { openStore } from '../../src/store/open-store.ts';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';
import { bankVariant, checkStoreConsistency, serviceLead, writeConfigFile } from '../service/fixtures/service-fixtures.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';

/**
 * Issue 18 (lane pgbatch): the routing batch on PostgreSQL (src/app/intake/routing-batch.ts). Several leads of one
 * process share one transaction — one holding of the round-robin pool lock and one COMMIT — and a failure anywhere rolls
 * the batch back and re-runs its leads alone. Against the real PostgreSQL.
 */
const pgCheck = await postgresOrSkip();

const POOLS = ['p1', 'p2'];
const REPS = ['r1', 'r2', 'r3'];
const DAYS = ['2026-12-06', '2026-12-07'];
/** Open leads per rep: reached within the property's runs, so a batch that misread a rep's load would go over it. */
const CAP = 10;

const entry = fc.record({
  assigned: fc.nat(50),
  entitled: fc.double({ min: 0, max: 50, noNaN: true }),
  lastSeq: fc.nat(200),
  counted: fc.option(fc.tuple(fc.constantFrom(...DAYS), fc.nat(9)), { nil: undefined }),
});
const change = fc.record({
  ledger: fc.option(
    fc.record({
      pool: fc.constantFrom(...POOLS),
      seq: fc.integer({ min: 1, max: 500 }),
      entries: fc.dictionary(fc.constantFrom(...REPS), entry, { maxKeys: 3 }),
    }),
    { nil: null },
  ),
  load: fc.option(fc.record({ repId: fc.constantFrom(...REPS), day: fc.constantFrom(...DAYS) }), { nil: null }),
});

type ChangeSpec = typeof change extends fc.Arbitrary<infer T> ? T : never;

const toChanges = (c: ChangeSpec): StateChanges => ({
  ledger: c.ledger && {
    pool: c.ledger.pool,
    seq: c.ledger.seq,
    entries: Object.fromEntries(
      Object.entries(c.ledger.entries).map(([rep, e]): [string, LedgerEntry] => [
        rep,
        {
          assigned: e.assigned,
          entitled: e.entitled,
          lastSeq: e.lastSeq,
          ...(e.counted ? { day: e.counted[0], today: e.counted[1] } : {}),
        },
      ]),
    ),
  },
  load: c.load && { repId: c.load.repId, day: c.load.day, openDelta: 1, todayDelta: 1 },
});

/** Everything a decision may read of the scope, as plain data. */
function readAll(view: RoutingStateView) {
  return {
    seqs: POOLS.map((p) => view.poolSeq(p)),
    ledger: POOLS.flatMap((p) => REPS.map((r) => view.ledgerEntry(p, r) ?? null)),
    loads: REPS.map((r) => view.load(r) ?? null),
  };
}

describe.skipIf(!pgCheck.run)('routing batch on PostgreSQL', () => {
  describe('BatchRoutingLocks: the state a later lead of the batch reads', () => {
    let store: Store;
    const schema = newSchemaName();
    beforeAll(async () => {
      store = await openStore({ url: PG_URL, schema, poolSize: 4 });
    });
    afterAll(async () => {
      await store.close();
      await dropSchema(schema);
    });

    it('equals the store read afresh after the same changes were applied (any sequence, from any stored state)', async () => {
      const scope = { pools: POOLS, repIds: REPS };
      await fc.assert(
        fc.asyncProperty(fc.array(change, { maxLength: 4 }), fc.array(change, { minLength: 1, maxLength: 6 }), async (before, during) => {
          await store
            .transaction(async (tx) => {
              for (const c of before) await tx.routingState.apply(toChanges(c));
              const locks = new BatchRoutingLocks();
              await locks.lock(tx, scope);
              for (const c of during) {
                await tx.routingState.apply(toChanges(c));
                locks.applied(toChanges(c));
                const held = readAll((await locks.lock(tx, scope)).state);
                const fresh = readAll(await tx.routingState.lockScope(scope));
                expect(held).toEqual(fresh);
              }
              throw new RolledBack();
            })
            .catch((e: unknown) => {
              if (!(e instanceof RolledBack)) throw e;
            });
        }),
        { numRuns: 60 },
      );
    });

    it('a lead reading outside its own scope is a scope violation, as with the store view', async () => {
      await store
        .transaction(async (tx) => {
          const locks = new BatchRoutingLocks();
          await locks.lock(tx, { pools: POOLS, repIds: REPS });
          const own = (await locks.lock(tx, { pools: ['p1'], repIds: ['r1'] })).state;
          expect(() => own.poolSeq('p2')).toThrow(/not locked/);
          expect(() => own.load('r2')).toThrow(/not locked/);
          throw new RolledBack();
        })
        .catch((e: unknown) => {
          if (!(e instanceof RolledBack)) throw e;
        });
    });
  });

  describe('leads routed in batches, some failing mid-batch', () => {
    let svc: TestService;
    let base: Store;
    let transactions = 0;
    const schema = newSchemaName();
    beforeAll(async () => {
      const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'batch', caps: { maxOpenLeads: CAP } })));
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
      svc = await startTestService({ org: loaded.value.org, url: PG_URL, schema });
      base = svc.store;
      // A planted fault: the dedupe keys of a lead whose email holds "boom" cannot be stored (after its decision, so
      // mid-batch, with the batch's other decisions already made in the same transaction).
      (svc.ctx as { store: Store }).store = {
        ...base,
        transaction: (fn) => {
          transactions++;
          return base.transaction((tx) => fn(faulty(tx)));
        },
      };
    });
    afterAll(async () => {
      await svc.close();
      await dropSchema(schema);
    });

    it('commits exactly the acknowledged leads; never over capacity, never a sequence number twice', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ fails: fc.boolean(), repeatOf: fc.option(fc.nat(13), { nil: undefined }) }), {
            minLength: 2,
            maxLength: 14,
          }),
          async (specs) => {
            run++;
            const before = new Set((await base.leads.list()).map((l) => l.id));
            const bodies = specs.map((s, i) => {
              const lead = serviceLead(`b${run}x`, s.repeatOf !== undefined && s.repeatOf < i ? s.repeatOf : i);
              const person = lead.person as Record<string, string>;
              return s.fails ? { ...lead, person: { ...person, email: `boom.${run}.${i}@example.org` } } : lead;
            });
            const answers = await Promise.all(
              bodies.map((payload) => svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(svc.tokens.integration), payload })),
            );
            const acknowledged = new Set<string>();
            answers.forEach((res, i) => {
              if (specs[i]!.fails) expect(res.statusCode).toBe(500);
              else {
                expect(res.statusCode).toBe(201);
                acknowledged.add((res.json() as { leadId: string }).leadId);
              }
            });
            // One person, one routed lead: a repeat is a DUPLICATE of it, never routed beside it in the same batch.
            const emails = answers.flatMap((res, i) =>
              !specs[i]!.fails && (res.json() as { status: string }).status !== 'DUPLICATE'
                ? [(bodies[i]!.person as { email: string }).email]
                : [],
            );
            expect(new Set(emails).size).toBe(emails.length);
            const committed = (await base.leads.list()).map((l) => l.id).filter((id) => !before.has(id));
            expect(new Set(committed)).toEqual(acknowledged);
            const report = await checkStoreConsistency(base);
            expect(report.problems).toEqual([]);
            const open = await base.routingState.snapshot();
            for (const load of Object.values(open.loads)) expect(load.open).toBeLessThanOrEqual(CAP);
          },
        ),
        { numRuns: 12 },
      );
      // A batch rolled back is counted (its leads ran again alone): nothing fails silently.
      const rollbacks = (await svc.ctx.metrics.routingBatchRollbacks.get()).values[0]?.value ?? 0;
      expect(rollbacks).toBeGreaterThan(0);
    });

    it('the same person twice among concurrent leads: one routed, the other its DUPLICATE (never in one batch)', async () => {
      const bodies = [0, 1, 2, 3, 1, 4, 2, 5].map((i) => serviceLead('twice', i));
      const answers = await Promise.all(
        bodies.map((payload) => svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(svc.tokens.integration), payload })),
      );
      const out = answers.map((res) => res.json() as { leadId: string; status: string; duplicateOf: string | null });
      for (const [first, again] of [
        [1, 4],
        [2, 6],
      ] as const) {
        const statuses = [out[first]!.status, out[again]!.status];
        expect(statuses.filter((s) => s === 'DUPLICATE')).toHaveLength(1);
        const [original, duplicate] = statuses[0] === 'DUPLICATE' ? [out[again]!, out[first]!] : [out[first]!, out[again]!];
        expect(duplicate.duplicateOf).toBe(original.leadId);
      }
    });

    it('concurrent leads share transactions (the batch forms)', async () => {
      const before = transactions;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(svc.tokens.integration), payload: serviceLead('share', i) }),
        ),
      );
      for (const res of answers) expect(res.statusCode).toBe(201);
      expect(transactions - before).toBeLessThan(10);
    });
  });
});

class RolledBack extends Error {}

function faulty(tx: UnitOfWork): UnitOfWork {
  return {
    ...tx,
    dedupe: {
      ...tx.dedupe,
      add: async (leadId, keys) => {
        if (keys.some((k) => k.includes('boom'))) throw new Error(`planted fault: lead ${leadId}`);
        return tx.dedupe.add(leadId, keys);
      },
    },
  };
}
