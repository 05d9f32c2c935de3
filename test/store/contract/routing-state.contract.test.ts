import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/decision/decide.ts';
import type { Decision } from '../../../src/domain/decision/decision.ts';
import { canonicalDataJson, canonicalJson } from '../../../src/domain/shared/canonical-json.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { EMPTY_STATE, type RoutingStateSnapshot, applyChanges, viewOf } from '../../../src/domain/strategies/routing-state.ts';
import { ScopeViolationError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, T0, closeLead, everything, manualClock, routeDeps, routeLead, storeReachable } from './contract-support.ts';

/** Storage contract: routing state repository (with leads and decisions routed together), on SQLite and PostgreSQL alike. */
describe.each(STORES)('routing state repository (with leads and decisions routed together): $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
  });
  afterEach(async () => {
    await h.cleanup();
  });
  const deps = routeDeps(() => store);

  it('routes a lead: decision, lead and routing state are committed together', async () => {
    const org = storeOrg();
    const clock = manualClock();
    const l = lead({ id: 'L1', receivedAt: '2026-03-02T09:59:00+00:00' });
    const decision = await routeLead(deps(org, clock), l);
    expect(decision).toMatchObject({
      decisionId: 'dec-000001',
      leadId: 'L1',
      outcome: 'ASSIGNED',
      ruleSet: { version: org.version, hash: org.hash },
      decidedAt: '2026-03-02T10:00:00.000Z',
    });

    const rec = await store.decisions.get('dec-000001');
    expect(rec).toEqual({
      decisionId: 'dec-000001',
      leadId: 'L1',
      outcome: 'ASSIGNED',
      teamId: decision.team!.id,
      repId: decision.rep!.id,
      orgHash: org.hash,
      // The canonical text (issue 18): the same bytes are the `decision` member of the decision's sealed audit entry.
      documentJson: canonicalDataJson(decision),
      decidedAt: decision.decidedAt,
    });
    expect(JSON.parse(rec!.documentJson)).toEqual(decision);
    expect(await store.decisions.listForLead('L1')).toEqual([rec]);

    expect(await store.leads.get('L1')).toEqual({
      id: 'L1',
      status: 'ASSIGNED',
      teamId: decision.team!.id,
      repId: decision.rep!.id,
      orgHash: org.hash,
      leadJson: canonicalJson(l),
      receivedAt: '2026-03-02T09:59:00.000Z',
      updatedAt: decision.decidedAt,
      duplicateOf: null,
    });
    expect((await store.orgVersions.getByHash(org.hash))?.configJson).toBe(canonicalJson(org.config));

    const expected = applyChanges(EMPTY_STATE, decide({ org, lead: l, at: T0, state: viewOf(EMPTY_STATE), decisionId: 'x' }).changes);
    expect(await store.routingState.snapshot()).toEqual(expected);
  });

  it('records every outcome kind, with the lead status to match', async () => {
    const org = storeOrg({ openCaps: [1, 1, 1, 1, 1] });
    const d = deps(org);
    const outcomes: Record<string, string> = {};
    const leads = [
      lead({ id: 'refused', jurisdiction: 'FR' }),
      lead({ id: 'held', score: 99 }),
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => lead({ id })),
      lead({ id: 'queued' }),
    ];
    for (const l of leads) outcomes[l.id] = (await routeLead(d, l)).outcome;
    expect(outcomes).toEqual({
      refused: 'REFUSED',
      held: 'HELD',
      a1: 'ASSIGNED',
      a2: 'ASSIGNED',
      a3: 'ASSIGNED',
      a4: 'ASSIGNED',
      a5: 'ASSIGNED',
      queued: 'QUEUED',
    });
    for (const l of leads) expect((await store.leads.get(l.id))?.status).toBe(outcomes[l.id]);
    expect((await store.leads.get('queued'))?.teamId).toBe('gb-a');
    expect((await store.decisions.list({ outcome: 'ASSIGNED' })).length).toBe(5);
    expect((await store.leads.list({ status: 'REFUSED' })).map((x) => x.id)).toEqual(['refused']);
  });

  it('routing a lead that already has a decision returns that decision and writes nothing (also concurrently)', async () => {
    const org = storeOrg();
    const d = deps(org);
    const first = await routeLead(d, lead({ id: 'L1' }));
    const before = await everything(store);
    expect(await routeLead(d, lead({ id: 'L1' }))).toEqual(first);
    expect(await everything(store)).toEqual(before);

    const results = await Promise.all([1, 2, 3, 4, 5].map(() => routeLead(d, lead({ id: 'L2' }))));
    expect(new Set(results.map((r) => r.decisionId)).size).toBe(1);
    expect(await store.decisions.listForLead('L2')).toHaveLength(1);
    expect((await store.routingState.snapshot()).pools.gb?.seq).toBe(2);
  });

  it('the routing state view refuses to answer outside the locked scope', async () => {
    await store.transaction(async (tx) => {
      const view = await tx.routingState.lockScope({ pools: ['gb'], repIds: ['r2', 'r1', 'r1'] });
      expect(view.poolSeq('gb')).toBe(0);
      expect(view.load('r1')).toBeUndefined();
      expect(view.ledgerEntry('gb', 'r2')).toBeUndefined();
      expect(() => view.poolSeq('ie')).toThrow(ScopeViolationError);
      expect(() => view.load('r3')).toThrow(ScopeViolationError);
      expect(() => view.ledgerEntry('gb', 'r3')).toThrow(ScopeViolationError);
    });
    // Locking alone changes no observable state.
    expect(await store.routingState.snapshot()).toEqual({ pools: {}, loads: {} });
  });

  it('ledger and load round-trip equal the in-memory applyChanges semantics (property)', async () => {
    const leadSpec = fc.record({
      jurisdiction: fc.constantFrom('GB', 'GB', 'GB', 'IE', 'FR'),
      category: fc.constantFrom('retail', 'professional'),
      score: fc.oneof({ weight: 9, arbitrary: fc.constant(50) }, { weight: 1, arbitrary: fc.constant(99) }),
      advanceMinutes: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 90 }) },
        { weight: 1, arbitrary: fc.integer({ min: 600, max: 2000 }) },
      ),
    });
    const cap = fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined, freq: 2 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(cap, { minLength: 5, maxLength: 5 }),
        fc.array(cap, { minLength: 5, maxLength: 5 }),
        fc.array(leadSpec, { minLength: 1, maxLength: 25 }),
        async (openCaps, dailyCaps, specs) => {
          const run = await factory.create();
          try {
            const org = storeOrg({ openCaps, dailyCaps });
            const clock = manualClock();
            const storeDeps = { store: run.store, org, clock, ids: sequentialIds() };
            const pureIds = sequentialIds();
            let snapshot: RoutingStateSnapshot = EMPTY_STATE;
            const assignedPerRep = new Map<string, number>();
            for (const [i, s] of specs.entries()) {
              clock.advance(s.advanceMinutes * 60_000);
              const l = lead({
                id: `L${i}`,
                jurisdiction: s.jurisdiction,
                score: s.score,
                customer: { classification: { category: s.category } },
              });
              const pure = decide({ org, lead: l, at: clock.now(), state: viewOf(snapshot), decisionId: pureIds.next('dec') });
              snapshot = applyChanges(snapshot, pure.changes);
              const stored: Decision = await routeLead(storeDeps, l);
              expect(JSON.stringify(stored)).toBe(JSON.stringify(pure.decision));
              expect((await run.store.decisions.get(stored.decisionId))?.documentJson).toBe(canonicalDataJson(pure.decision));
              if (stored.outcome === 'ASSIGNED') assignedPerRep.set(stored.rep!.id, (assignedPerRep.get(stored.rep!.id) ?? 0) + 1);
            }
            const final = await run.store.routingState.snapshot();
            expect(final).toEqual(snapshot);
            // Caps: nothing is ever released here, so open = assignments, and never above the cap.
            for (const [i, c] of openCaps.entries()) {
              const rep = `r${i + 1}`;
              expect(final.loads[rep]?.open ?? 0).toBe(assignedPerRep.get(rep) ?? 0);
              if (c !== undefined) expect(final.loads[rep]?.open ?? 0).toBeLessThanOrEqual(c);
              const daily = dailyCaps[i];
              if (daily !== undefined) expect(final.loads[rep]?.today ?? 0).toBeLessThanOrEqual(daily);
            }
          } finally {
            await run.cleanup();
          }
        },
      ),
      { numRuns: factory.name === 'postgres' ? 12 : 25 },
    );
  });

  it('capacity caps are never exceeded by concurrent routing, and closing a lead frees capacity', async () => {
    const caps = [2, 3, 1, 2, 2];
    const org = storeOrg({ openCaps: caps });
    const d = deps(org);
    const decisions = await Promise.all(Array.from({ length: 16 }, (_, i) => routeLead(d, lead({ id: `C${String(i).padStart(2, '0')}` }))));
    const perRep = new Map<string, number>();
    for (const dec of decisions) if (dec.outcome === 'ASSIGNED') perRep.set(dec.rep!.id, (perRep.get(dec.rep!.id) ?? 0) + 1);
    expect(decisions.filter((x) => x.outcome === 'ASSIGNED')).toHaveLength(10);
    expect(decisions.filter((x) => x.outcome === 'QUEUED')).toHaveLength(6);
    for (const [i, cap] of caps.entries()) expect(perRep.get(`r${i + 1}`) ?? 0).toBe(cap);
    const state = await store.routingState.snapshot();
    for (const [i, cap] of caps.entries()) expect(state.loads[`r${i + 1}`]?.open).toBe(cap);
    expect(state.pools.gb?.seq).toBe(10);

    // Close one of r3's leads: r3 (cap 1) can take the next lead; closing twice is a no-op.
    const r3Lead = decisions.find((x) => x.rep?.id === 'r3')!.leadId;
    const clock = manualClock(T0 + 60_000);
    expect(await closeLead({ store, clock }, r3Lead)).toEqual({ closed: true, status: 'CLOSED', repId: 'r3' });
    expect(await closeLead({ store, clock }, r3Lead)).toEqual({ closed: false, status: 'CLOSED', repId: 'r3' });
    expect(await closeLead({ store, clock }, 'ghost')).toEqual({ closed: false, status: null, repId: null });
    const queued = decisions.find((x) => x.outcome === 'QUEUED')!.leadId;
    expect(await closeLead({ store, clock }, queued)).toMatchObject({ closed: false, status: 'QUEUED' });
    expect((await store.routingState.snapshot()).loads.r3).toEqual({ open: 0, day: '2026-03-02', today: 1 });
    expect((await store.leads.get(r3Lead))?.status).toBe('CLOSED');
    const next = await routeLead(deps(org, clock, sequentialIds(500)), lead({ id: 'C99' }));
    expect(next).toMatchObject({ outcome: 'ASSIGNED', rep: { id: 'r3' } });
    expect((await store.routingState.snapshot()).loads.r3).toEqual({ open: 1, day: '2026-03-02', today: 2 });
  });
});
