import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { closeLead, routeLead } from '../../src/app/route-lead.use-case.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';
import { sequentialIds, type Clock, type IdSource } from '../../src/domain/shared/clock.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { ScopeViolationError, StoreInputError } from '../../src/store/store-errors.ts';
import type { Store, UnitOfWork } from '../../src/store/store-port.ts';
import { lead, storeOrg } from './fixtures/org.ts';
import type { StoreFactory, StoreHarness } from './store-harness.ts';

/**
 * The storage contract (SPEC I5): registers the same tests for any store factory, so SQLite and
 * PostgreSQL are held to identical observable behaviour. Call inside a describe().
 */

const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A clock the test moves by hand. */
function manualClock(start = T0): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms), advance: (ms) => void (now += ms) };
}

async function everything(store: Store) {
  return {
    leads: await store.leads.list(),
    decisions: await store.decisions.list(),
    state: await store.routingState.snapshot(),
    orgVersions: await store.orgVersions.list(),
  };
}

const NOTHING = { leads: [], decisions: [], state: { pools: {}, loads: {} }, orgVersions: [] };

/** Wraps a store so that one repository method of the transaction's unit of work throws (a crash at that step). */
function crashingAt(store: Store, step: string): Store {
  const [repo, method] = step.split('.') as [keyof UnitOfWork, string];
  return {
    ...store,
    transaction: (fn) =>
      store.transaction((tx) => {
        const broken = {
          ...tx[repo],
          [method]: async () => {
            throw new Error(`simulated crash in ${step}`);
          },
        };
        return fn({ ...tx, [repo]: broken } as UnitOfWork);
      }),
  };
}

export function storeContract(factory: StoreFactory): void {
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const deps = (org: CompiledOrg, clock: Clock = manualClock(), ids: IdSource = sequentialIds()) => ({ store, org, clock, ids });

  // ------------------------------------------------------------------------------------------
  it('declares its capabilities', () => {
    expect(store.capabilities.dialect).toBe(factory.name);
    expect(store.capabilities.rowLocks).toBe(factory.name === 'postgres');
    expect(store.capabilities.concurrentProcesses).toBe(true);
  });

  it('migrations run on open, are recorded once and are idempotent (also when opened concurrently)', async () => {
    expect(await store.appliedMigrations()).toEqual([1]);
    const again = await Promise.all([h.reopen(), h.reopen(), h.reopen()]);
    for (const s of again) expect(await s.appliedMigrations()).toEqual([1]);
    // Data written before a re-open is untouched by it.
    await routeLead(deps(storeOrg()), lead({ id: 'L1' }));
    const reopened = await h.reopen();
    expect(await reopened.appliedMigrations()).toEqual([1]);
    expect((await reopened.leads.get('L1'))?.status).toBe('ASSIGNED');
  });

  // ------------------------------------------------------------------------------------------
  it('org versions are immutable: publishing the same hash again is a no-op returning the original', async () => {
    const org = storeOrg();
    const rec = { hash: org.hash, version: org.version, configJson: canonicalJson(org.config), createdAt: '2026-03-01T00:00:00.000Z', createdBy: 'alice' };
    const first = await store.orgVersions.publish(rec);
    expect(first).toEqual({ record: rec, created: true });
    const second = await store.orgVersions.publish({ ...rec, version: 'renamed', configJson: '{"tampered":true}', createdBy: 'mallory', createdAt: '2026-03-05T00:00:00.000Z' });
    expect(second).toEqual({ record: rec, created: false });
    expect(await store.orgVersions.getByHash(org.hash)).toEqual(rec);
    expect(await store.orgVersions.getByVersion(org.version)).toEqual(rec);
    expect(await store.orgVersions.getByVersion('renamed')).toBeUndefined();
    expect(await store.orgVersions.getByHash('sha256:nope')).toBeUndefined();

    const org2 = storeOrg({ version: 'store-test-2', openCaps: [1, 1, 1, 1, 1] });
    await store.orgVersions.publish({ ...rec, hash: org2.hash, version: org2.version, configJson: canonicalJson(org2.config), createdAt: '2026-03-02T00:00:00.000Z' });
    expect((await store.orgVersions.list()).map((v) => v.version)).toEqual(['store-test-1', 'store-test-2']);
    // A label may be re-used with new content; the label then names the newest.
    const org3 = storeOrg({ version: 'store-test-2', openCaps: [2, 2, 2, 2, 2] });
    await store.orgVersions.publish({ ...rec, hash: org3.hash, version: org3.version, configJson: canonicalJson(org3.config), createdAt: '2026-03-03T00:00:00.000Z' });
    expect((await store.orgVersions.getByVersion('store-test-2'))?.hash).toBe(org3.hash);

    // No update path in the port, and the database itself refuses one.
    expect(Object.keys(store.orgVersions).sort()).toEqual(['getByHash', 'getByVersion', 'list', 'publish']);
    await expect(h.rawExec(`update org_versions set created_by = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from org_versions`)).rejects.toThrow(/append-only/);
    expect(await store.orgVersions.getByHash(org.hash)).toEqual(rec);
  });

  it('decisions are append-only in the database too', async () => {
    await routeLead(deps(storeOrg()), lead({ id: 'L1' }));
    await expect(h.rawExec(`update decisions set outcome = 'REFUSED'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from decisions`)).rejects.toThrow(/append-only/);
    expect((await store.decisions.list()).map((d) => d.outcome)).toEqual(['ASSIGNED']);
  });

  // ------------------------------------------------------------------------------------------
  it('routes a lead: decision, lead and routing state are committed together', async () => {
    const org = storeOrg();
    const clock = manualClock();
    const l = lead({ id: 'L1', receivedAt: '2026-03-02T09:59:00+00:00' });
    const decision = await routeLead(deps(org, clock), l);
    expect(decision).toMatchObject({ decisionId: 'dec-000001', leadId: 'L1', outcome: 'ASSIGNED', ruleSet: { version: org.version, hash: org.hash }, decidedAt: '2026-03-02T10:00:00.000Z' });

    const rec = await store.decisions.get('dec-000001');
    expect(rec).toEqual({
      decisionId: 'dec-000001',
      leadId: 'L1',
      outcome: 'ASSIGNED',
      teamId: decision.team!.id,
      repId: decision.rep!.id,
      orgHash: org.hash,
      documentJson: JSON.stringify(decision),
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
    expect(outcomes).toEqual({ refused: 'REFUSED', held: 'HELD', a1: 'ASSIGNED', a2: 'ASSIGNED', a3: 'ASSIGNED', a4: 'ASSIGNED', a5: 'ASSIGNED', queued: 'QUEUED' });
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

  // ------------------------------------------------------------------------------------------
  it('an error thrown inside the transaction rolls back everything written in it', async () => {
    const org = storeOrg();
    const l = lead({ id: 'L1' });
    await expect(
      store.transaction(async (tx) => {
        await tx.orgVersions.publish({ hash: org.hash, version: org.version, configJson: canonicalJson(org.config), createdAt: '2026-03-02T10:00:00.000Z', createdBy: 't' });
        await tx.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' });
        const state = await tx.routingState.lockScope({ pools: ['gb'], repIds: ['r1', 'r2', 'r3', 'r4', 'r5'] });
        const { decision, changes } = decide({ org, lead: l, at: T0, state, decisionId: 'dec-1' });
        await tx.decisions.append({ decisionId: 'dec-1', leadId: 'L1', outcome: decision.outcome, teamId: decision.team!.id, repId: decision.rep!.id, orgHash: org.hash, documentJson: JSON.stringify(decision), decidedAt: decision.decidedAt });
        await tx.leads.update('L1', { status: 'ASSIGNED', teamId: decision.team!.id, repId: decision.rep!.id, orgHash: org.hash, updatedAt: decision.decidedAt });
        await tx.routingState.apply(changes);
        expect((await tx.decisions.listForLead('L1')).length).toBe(1); // visible inside …
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await everything(store)).toEqual(NOTHING); // … gone after the rollback
    expect(await store.leads.get('L1')).toBeUndefined();
    expect(await store.decisions.get('dec-1')).toBeUndefined();
  });

  it.each(['orgVersions.publish', 'leads.claim', 'routingState.lockScope', 'decisions.append', 'leads.update', 'routingState.apply'])(
    'a crash in %s while routing leaves nothing half-written',
    async (step) => {
      const org = storeOrg();
      await routeLead(deps(org), lead({ id: 'L0' }));
      const before = await everything(store);
      const broken = crashingAt(store, step);
      await expect(routeLead({ store: broken, org, clock: manualClock(), ids: sequentialIds(100) }, lead({ id: 'L1' }))).rejects.toThrow(`simulated crash in ${step}`);
      expect(await everything(store)).toEqual(before);
      // The same lead routes normally afterwards.
      expect((await routeLead({ store, org, clock: manualClock(), ids: sequentialIds(200) }, lead({ id: 'L1' }))).outcome).toBe('ASSIGNED');
    },
  );

  it('a failing id source or clock leaves nothing behind', async () => {
    const org = storeOrg();
    const failingIds: IdSource = {
      next: () => {
        throw new Error('id source down');
      },
    };
    await expect(routeLead(deps(org, manualClock(), failingIds), lead({ id: 'L1' }))).rejects.toThrow('id source down');
    let calls = 0;
    const failingClock: Clock = {
      now: () => {
        if (++calls > 1) throw new Error('clock down');
        return T0;
      },
    };
    await expect(routeLead(deps(org, failingClock), lead({ id: 'L1' }))).rejects.toThrow('clock down');
    expect(await everything(store)).toEqual(NOTHING);
  });

  // ------------------------------------------------------------------------------------------
  it('bad input at the store boundary is refused with a clear error and leaves nothing', async () => {
    const org = storeOrg();
    const l = lead({ id: 'L1' });
    const { decision } = decide({ org, lead: l, at: T0, state: viewOf(EMPTY_STATE), decisionId: 'dec-1' });
    const rec = { decisionId: 'dec-1', leadId: 'L1', outcome: decision.outcome, teamId: decision.team!.id, repId: decision.rep!.id, orgHash: org.hash, documentJson: JSON.stringify(decision), decidedAt: decision.decidedAt };

    // A decision for a lead that does not exist (and an unpublished org version): the database refuses it.
    await expect(store.decisions.append(rec)).rejects.toThrow();
    // Columns that disagree with the document.
    await expect(store.decisions.append({ ...rec, repId: 'r9' })).rejects.toThrow(StoreInputError);
    await expect(store.decisions.append({ ...rec, repId: 'r9' })).rejects.toThrow(/rep\.id \(document "r\d", record "r9"\)/);
    await expect(store.decisions.append({ ...rec, documentJson: '{not json' })).rejects.toThrow(/not valid JSON/);
    await expect(store.decisions.append({ ...rec, outcome: 'MAYBE' as never })).rejects.toThrow(/unknown decision outcome/);
    await expect(store.decisions.append({ ...rec, decidedAt: 'yesterday' })).rejects.toThrow(/ISO-8601/);
    // Leads.
    await expect(store.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: '{"id":"other"}', receivedAt: '2026-03-02T10:00:00.000Z' })).rejects.toThrow(StoreInputError);
    await expect(store.leads.claim({ id: '', orgHash: org.hash, leadJson: '{}', receivedAt: '2026-03-02T10:00:00.000Z' })).rejects.toThrow(/lead id/);
    await expect(store.leads.update('ghost', { status: 'CLOSED', teamId: null, repId: null, orgHash: org.hash, updatedAt: '2026-03-02T10:00:00.000Z' })).rejects.toThrow(/does not exist/);
    await expect(store.leads.update('ghost', { status: 'LOST' as never, teamId: null, repId: null, orgHash: org.hash, updatedAt: '2026-03-02T10:00:00.000Z' })).rejects.toThrow(/unknown lead status/);
    // A lead claimed for an org version that was never published: the foreign key refuses it.
    await expect(store.leads.claim({ id: 'L1', orgHash: 'sha256:unpublished', leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' })).rejects.toThrow();
    // Routing state.
    await expect(store.routingState.apply({ ledger: { pool: 'gb', seq: 0, entries: {} }, load: null })).rejects.toThrow(/seq must be a positive integer/);
    await expect(store.routingState.apply({ ledger: null, load: { repId: 'r1', day: 'Monday', openDelta: 1, todayDelta: 1 } })).rejects.toThrow(/YYYY-MM-DD/);
    expect(await everything(store)).toEqual(NOTHING);

    // A decision inserted for a lead in a transaction that then fails: nothing remains.
    await expect(
      store.transaction(async (tx) => {
        await tx.orgVersions.publish({ hash: org.hash, version: org.version, configJson: canonicalJson(org.config), createdAt: '2026-03-02T10:00:00.000Z', createdBy: 't' });
        await tx.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' });
        await tx.decisions.append(rec);
        await tx.decisions.append({ ...rec, decisionId: 'dec-2' }); // document says dec-1: refused
      }),
    ).rejects.toThrow(StoreInputError);
    expect(await everything(store)).toEqual(NOTHING);

    // The same decision id twice in one transaction: the second insert fails, the transaction rolls back.
    await expect(
      store.transaction(async (tx) => {
        await tx.orgVersions.publish({ hash: org.hash, version: org.version, configJson: canonicalJson(org.config), createdAt: '2026-03-02T10:00:00.000Z', createdBy: 't' });
        await tx.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' });
        await tx.decisions.append(rec);
        await tx.decisions.append(rec);
      }),
    ).rejects.toThrow();
    expect(await everything(store)).toEqual(NOTHING);
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

  // ------------------------------------------------------------------------------------------
  it('ledger and load round-trip equal the in-memory applyChanges semantics (property)', async () => {
    const leadSpec = fc.record({
      jurisdiction: fc.constantFrom('GB', 'GB', 'GB', 'IE', 'FR'),
      category: fc.constantFrom('retail', 'professional'),
      score: fc.oneof({ weight: 9, arbitrary: fc.constant(50) }, { weight: 1, arbitrary: fc.constant(99) }),
      advanceMinutes: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 90 }) }, { weight: 1, arbitrary: fc.integer({ min: 600, max: 2000 }) }),
    });
    const cap = fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined, freq: 2 });
    await fc.assert(
      fc.asyncProperty(fc.array(cap, { minLength: 5, maxLength: 5 }), fc.array(cap, { minLength: 5, maxLength: 5 }), fc.array(leadSpec, { minLength: 1, maxLength: 25 }), async (openCaps, dailyCaps, specs) => {
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
            const l = lead({ id: `L${i}`, jurisdiction: s.jurisdiction, score: s.score, customer: { classification: { category: s.category } } });
            const pure = decide({ org, lead: l, at: clock.now(), state: viewOf(snapshot), decisionId: pureIds.next('dec') });
            snapshot = applyChanges(snapshot, pure.changes);
            const stored: Decision = await routeLead(storeDeps, l);
            expect(JSON.stringify(stored)).toBe(JSON.stringify(pure.decision));
            expect((await run.store.decisions.get(stored.decisionId))?.documentJson).toBe(JSON.stringify(pure.decision));
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
      }),
      { numRuns: factory.name === 'postgres' ? 12 : 25 },
    );
  });

  // ------------------------------------------------------------------------------------------
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
}
