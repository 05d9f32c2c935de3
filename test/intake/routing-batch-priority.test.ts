import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BULK_BESIDE_SINGLES,
  routeInBatch,
  ROUTING_BATCH_MAX_LEADS,
  SINGLES_RECENT_MS,
  type BatchedLead,
} from '../../src/app/intake/routing-batch.ts';
import type { Store, UnitOfWork } from '../../src/store/unit-of-work.ts';

/**
 * Lane fairwindow: the routing batcher (src/app/intake/routing-batch.ts) does not hold single leads back behind the
 * leads of a bulk window (a batch holds at most 4 bulk leads while single leads arrive), without giving up a batch
 * guarantee. The batcher against a scripted store, so which lead shares which batch, and in which order batches commit,
 * is exact: each store's strategy (SQLite: the leads of one event-loop turn, one batch at a time; PostgreSQL: a batch at
 * once, two in their transaction, a third of single leads only), every lead answered after its batch's COMMIT, a failing
 * batch rolled back and its leads run alone, leads sharing a dedupe key never in one batch nor reordered.
 */

interface Submitted {
  readonly name: string;
  readonly bulk: boolean;
  readonly keys: readonly string[];
  readonly fails: boolean;
}

/** What the scripted store saw. */
interface Script {
  /** The batches, in the order their transactions began: the names of their leads, in their routing order. */
  readonly batches: string[][];
  /** Batch numbers whose COMMIT has returned. */
  readonly committed: Set<number>;
  /** Leads run alone (after a rollback), in order. */
  readonly alone: string[];
  /** Routing order over everything committed (batches' leads in order, alone runs). */
  readonly routed: string[];
  /** Per batch, the leads waiting (submitted, not yet in a batch) when it began. */
  readonly waitingAt: Submitted[][];
  /** Per batch, how many single leads had been submitted when it began. */
  readonly singlesBefore: number[];
  /** Per batch, how many other batches were in their transaction when it began. */
  readonly alongside: number[];
}

/**
 * A batcher over a store that records batches. `rowLocks` picks the strategy (true: PostgreSQL's). A batch whose lead
 * `fails` throws after every lead's routing, so it rolls back; the lead then fails alone too, the others commit alone.
 * `hold` keeps each transaction open for that many timer ticks (PostgreSQL: lets later leads queue while it runs).
 */
function scriptedBatcher(rowLocks: boolean, hold = 0) {
  const script: Script = { batches: [], committed: new Set(), alone: [], routed: [], waitingAt: [], singlesBefore: [], alongside: [] };
  let open = 0;
  let singles = 0;
  /** Submitted and not yet in a batch's transaction, in arrival order. */
  const waiting = new Map<string, Submitted>();
  const failing = new Set<string>();
  const ticks = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const store = {
    capabilities: { rowLocks },
    // One call per batch (a lead run alone does not come here): the batch's number rides on its transaction.
    transaction: async <T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> => {
      const id = script.batches.length;
      script.batches.push([]);
      script.waitingAt.push([...waiting.values()]);
      script.singlesBefore.push(singles);
      script.alongside.push(open++);
      const tx = { id, dedupe: { lockKeys: async () => {} } } as unknown as UnitOfWork;
      try {
        const value = await fn(tx);
        await ticks(hold);
        // A batch holding a failing lead fails at its end (after every lead routed): it rolls back, nothing committed.
        if (script.batches[id]!.some((n) => failing.has(n))) throw new Error('planted: the batch rolls back');
        script.routed.push(...script.batches[id]!);
        script.committed.add(id);
        return value;
      } finally {
        open--;
      }
    },
  } as unknown as Store;
  const ctx = {
    store,
    log: { warn: () => {} },
    metrics: { routingBatchLeads: { observe: () => {} }, routingBatchRollbacks: { inc: () => {} } },
  } as unknown as Parameters<typeof routeInBatch>[0];

  type Answer = { name: string; batch: number | 'alone'; committedFirst: boolean };
  const submit = (s: Submitted): Promise<Answer> => {
    waiting.set(s.name, s);
    if (!s.bulk) singles++;
    if (s.fails) failing.add(s.name);
    const lead: BatchedLead<Omit<Answer, 'committedFirst'>> = {
      keys: s.keys,
      bulk: s.bulk,
      begin: async (tx) => {
        const id = (tx as unknown as { id: number }).id;
        script.batches[id]!.push(s.name);
        waiting.delete(s.name);
        return {
          scope: undefined,
          finish: async () => ({ name: s.name, batch: id }),
          committed: () => {},
        };
      },
      alone: async () => {
        waiting.delete(s.name);
        script.alone.push(s.name);
        if (s.fails) throw new Error(`planted: ${s.name} fails`);
        script.routed.push(s.name);
        return { name: s.name, batch: 'alone' };
      },
    };
    return routeInBatch(ctx, lead).then((value) => ({
      ...value,
      // Answered only once its batch's COMMIT returned (a lead run alone commits before it answers).
      committedFirst: value.batch === 'alone' || script.committed.has(value.batch),
    }));
  };
  return { script, submit };
}

const bulk = (name: string, keys: string[] = [`k:${name}`]): Submitted => ({ name, bulk: true, keys, fails: false });
const single = (name: string, keys: string[] = [`k:${name}`]): Submitted => ({ name, bulk: false, keys, fails: false });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('routing batch: single leads beside a bulk window', () => {
  it('SQLite: a single lead arriving behind a queued bulk window goes in the next batch, beside at most 4 bulk leads', async () => {
    const { script, submit } = scriptedBatcher(false);
    const window = Array.from({ length: 10 }, (_, i) => submit(bulk(`b${i}`)));
    const lone = submit(single('s'));
    const answers = await Promise.all([...window, lone]);
    // Single leads arriving: BULK_BESIDE_SINGLES (4) bulk leads per batch, the single lead in the first, arrival order.
    expect(BULK_BESIDE_SINGLES).toBe(4);
    expect(script.batches).toEqual([
      ['b0', 'b1', 'b2', 'b3', 's'],
      ['b4', 'b5', 'b6', 'b7'],
      ['b8', 'b9'],
    ]);
    for (const a of answers) expect(a.committedFirst).toBe(true);
  });

  it('at a window of 1, a single lead shares its batch with the bulk lead of its turn', async () => {
    const { script, submit } = scriptedBatcher(false);
    await Promise.all([submit(bulk('b0')), submit(single('s'))]);
    expect(script.batches).toEqual([['b0', 's']]);
  });

  it('with no single lead for SINGLES_RECENT_MS, bulk leads fill whole batches again', async () => {
    const { script, submit } = scriptedBatcher(false);
    await Promise.all([submit(single('s')), ...Array.from({ length: 6 }, (_, i) => submit(bulk(`a${i}`)))]);
    expect(script.batches.map((b) => b.length)).toEqual([5, 2]);
    await new Promise((resolve) => setTimeout(resolve, SINGLES_RECENT_MS + 50));
    await Promise.all(Array.from({ length: 20 }, (_, i) => submit(bulk(`c${i}`))));
    expect(script.batches.slice(2).map((b) => b.length)).toEqual([ROUTING_BATCH_MAX_LEADS, 4]);
  });

  it('without single leads, a bulk window fills whole batches', async () => {
    const { script, submit } = scriptedBatcher(false);
    await Promise.all(Array.from({ length: 20 }, (_, i) => submit(bulk(`b${i}`))));
    expect(script.batches.map((b) => b.length)).toEqual([16, 4]);
  });

  it('a single lead arriving while a bulk batch is in its transaction waits for that batch only', async () => {
    // The transaction held open for a few timer ticks, so leads arrive while it runs.
    const { script, submit } = scriptedBatcher(false, 3);
    const first = Array.from({ length: 16 }, (_, i) => submit(bulk(`a${i}`)));
    await nextTurn();
    expect(script.batches).toHaveLength(1);
    const more = Array.from({ length: 8 }, (_, i) => submit(bulk(`c${i}`)));
    const lone = submit(single('s'));
    await Promise.all([...first, ...more, lone]);
    expect(script.batches.map((b) => b.length)).toEqual([16, 5, 4]);
    expect(script.batches[1]).toEqual(['c0', 'c1', 'c2', 'c3', 's']);
  });

  it('every single lead that can go is in the next batch, however many bulk leads wait before it', async () => {
    const { script, submit } = scriptedBatcher(false);
    const names = ['b0', 's0', 'b1', 'b2', 's1', 'b3', 'b4', 'b5', 'b6', 's2'];
    await Promise.all(names.map((n) => submit(n.startsWith('s') ? single(n) : bulk(n))));
    expect(script.batches).toEqual([
      ['b0', 's0', 'b1', 'b2', 's1', 'b3', 's2'],
      ['b4', 'b5', 'b6'],
    ]);
  });

  it('a single lead sharing a key with an earlier waiting bulk lead stays behind it (its DUPLICATE, as in arrival order)', async () => {
    const { script, submit } = scriptedBatcher(false);
    const earlier = Array.from({ length: 4 }, (_, i) => bulk(`a${i}`));
    const leads = [...earlier, bulk('b1', ['email:x']), single('s', ['phone:1', 'email:x']), single('t')].map(submit);
    await Promise.all(leads);
    // b1 is the fifth bulk lead, left for the next batch; t goes (nothing before it shares its key); s may not pass b1,
    // nor share its batch.
    expect(script.batches[0]).toEqual(['a0', 'a1', 'a2', 'a3', 't']);
    expect(script.routed.indexOf('b1')).toBeLessThan(script.routed.indexOf('s'));
    const batchOf = (name: string) => script.batches.findIndex((b) => b.includes(name));
    expect(batchOf('s')).not.toBe(batchOf('b1'));
  });

  it('PostgreSQL: a single lead arriving while two bulk batches are in their transactions starts a third, singles only', async () => {
    const { script, submit } = scriptedBatcher(true, 3);
    const window = Array.from({ length: 40 }, (_, i) => submit(bulk(`b${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const lone = submit(single('s'));
    await Promise.all([...window, lone]);
    // b0 opened the first batch alone; b1-b16 formed the second while it ran; s arrived while both were in their
    // transactions and is the next batch, before the 23 bulk leads waiting, which then go BULK_BESIDE_SINGLES at a time.
    expect(script.batches.slice(0, 3)).toEqual([['b0'], Array.from({ length: 16 }, (_, i) => `b${i + 1}`), ['s']]);
    expect(script.waitingAt[2]!.filter((w) => w.bulk)).toHaveLength(23);
    // It did not wait for either bulk batch to end: a third transaction, for single leads only.
    expect(script.alongside[2]).toBe(2);
    expect(script.batches.slice(3).map((b) => b.length)).toEqual([4, 4, 4, 4, 4, 3]);
  });

  it('property: with single and bulk leads mixed, every batch guarantee holds and single leads are not held back', async () => {
    const leadArb = fc.record({ bulk: fc.boolean(), keys: fc.uniqueArray(fc.nat(6), { minLength: 1, maxLength: 2 }), fails: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.array(fc.record({ lead: leadArb, failRate: fc.nat(9) }), { minLength: 1, maxLength: 20 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (rowLocks, turns) => {
          const { script, submit } = scriptedBatcher(rowLocks, rowLocks ? 1 : 0);
          const sent: Submitted[] = [];
          const answers: Promise<unknown>[] = [];
          for (const turn of turns) {
            for (const { lead, failRate } of turn) {
              const s: Submitted = {
                name: `${lead.bulk ? 'b' : 's'}${sent.length}`,
                bulk: lead.bulk,
                keys: lead.keys.map((k) => `k${k}`),
                fails: lead.fails && failRate === 0,
              };
              sent.push(s);
              answers.push(
                submit(s).then(
                  (a) => ({ ok: true as const, a }),
                  () => ({ ok: false as const, name: s.name }),
                ),
              );
            }
            await nextTurn();
          }
          const settled = (await Promise.all(answers)) as (
            { ok: true; a: { name: string; committedFirst: boolean } } | { ok: false; name: string }
          )[];
          const byName = new Map(sent.map((s, i) => [s.name, { s, i }]));
          // Each lead answered once, after its COMMIT; only a failing lead fails; every other lead is routed exactly once.
          settled.forEach((r, i) => {
            expect(r.ok).toBe(!sent[i]!.fails);
            if (r.ok) expect(r.a.committedFirst).toBe(true);
          });
          expect([...script.routed].sort()).toEqual(
            sent
              .filter((s) => !s.fails)
              .map((s) => s.name)
              .sort(),
          );
          for (const [b, names] of script.batches.entries()) {
            expect(names.length).toBeGreaterThan(0);
            // One batch at a time on SQLite; on PostgreSQL two, and a third only of single leads.
            expect(script.alongside[b]).toBeLessThanOrEqual(rowLocks ? 2 : 0);
            if (script.alongside[b] === 2) expect(names.every((n) => !byName.get(n)!.s.bulk)).toBe(true);
            expect(names.length).toBeLessThanOrEqual(ROUTING_BATCH_MAX_LEADS);
            // Leads sharing a key never share a batch.
            const keys = names.flatMap((n) => byName.get(n)!.s.keys);
            expect(new Set(keys).size).toBe(keys.length);
            // A batch routes its leads in arrival order.
            const indices = names.map((n) => byName.get(n)!.i);
            expect(indices).toEqual([...indices].sort((x, y) => x - y));
            // While single leads arrive (one submitted before this batch began; the run is far shorter than
            // SINGLES_RECENT_MS), a batch holds at most BULK_BESIDE_SINGLES bulk leads; and every single lead waiting when
            // it began is in it, unless the batch is full or an earlier waiting lead shares one of its keys.
            const bulkIn = names.filter((n) => byName.get(n)!.s.bulk).length;
            if (script.singlesBefore[b]! > 0) expect(bulkIn).toBeLessThanOrEqual(BULK_BESIDE_SINGLES);
            const waitingThen = [...script.waitingAt[b]!].sort((x, y) => byName.get(x.name)!.i - byName.get(y.name)!.i);
            waitingThen.forEach((w, j) => {
              if (w.bulk || names.includes(w.name) || names.length === ROUTING_BATCH_MAX_LEADS) return;
              expect(waitingThen.slice(0, j).some((e) => e.keys.some((k) => w.keys.includes(k)))).toBe(true);
            });
          }
          // Two leads sharing a key: the later one's batch begins after the earlier one's (on PostgreSQL the later then
          // waits for the earlier's dedupe-key locks); with one batch at a time (SQLite) it is routed after it.
          const batchOf = new Map(script.batches.flatMap((names, b) => names.map((n): [string, number] => [n, b])));
          const routedAt = new Map(script.routed.map((n, i) => [n, i]));
          for (const [i, x] of sent.entries())
            for (const y of sent.slice(i + 1)) {
              if (!x.keys.some((k) => y.keys.includes(k))) continue;
              expect(batchOf.get(x.name)!).toBeLessThan(batchOf.get(y.name)!);
              if (!rowLocks && routedAt.has(x.name) && routedAt.has(y.name))
                expect(routedAt.get(x.name)!).toBeLessThan(routedAt.get(y.name)!);
            }
        },
      ),
      { numRuns: 200 },
    );
  });
});
