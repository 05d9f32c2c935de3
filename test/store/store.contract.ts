import { mkdtempSync, rmSync } from 'node:fs';
import { withoutAudit } from '../support/without-audit.ts';
import { withoutConduct } from '../support/without-conduct.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { closeLead, routeLead } from '../support/route-lead.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';
import { sequentialIds, type Clock, type IdSource } from '../../src/domain/shared/clock.ts';
import { applyChanges, EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../src/domain/strategies/routing-state.ts';
import { initial } from '../../src/store/migrations/0001-initial.ts';
import { migrate } from '../../src/store/migrations/runner.ts';
import { openStore } from '../../src/store/open-store.ts';
import { NodeSqliteDatabase, NodeSqliteDialect } from '../../src/store/sqlite/node-sqlite-dialect.ts';
import { ScopeViolationError, StoreInputError } from '../../src/store/store-errors.ts';
import { OPEN_LEAD_STATUSES, type LeadStatus, type Store, type UnitOfWork } from '../../src/store/store-port.ts';
import { lead, storeOrg } from './fixtures/org.ts';
import { dropSchema, newSchemaName, PG_URL, withPgClient, type StoreFactory, type StoreHarness } from './store-harness.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';

/** Every migration version, ascending: the lists below follow the registry, not a copy of it. */
const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.version);

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
    expect(await store.appliedMigrations()).toEqual(ALL_MIGRATIONS);
    const again = await Promise.all([h.reopen(), h.reopen(), h.reopen()]);
    for (const s of again) expect(await s.appliedMigrations()).toEqual(ALL_MIGRATIONS);
    // Data written before a re-open is untouched by it.
    await routeLead(deps(storeOrg()), lead({ id: 'L1' }));
    const reopened = await h.reopen();
    expect(await reopened.appliedMigrations()).toEqual(ALL_MIGRATIONS);
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
    expect(Object.keys(store.orgVersions).sort()).toEqual(['activate', 'activations', 'current', 'getByHash', 'getByVersion', 'list', 'publish']);
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
    await expect(store.leads.update('ghost', { status: 'MAYBE' as never, teamId: null, repId: null, orgHash: org.hash, updatedAt: '2026-03-02T10:00:00.000Z' })).rejects.toThrow(/unknown lead status/);
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

  // ==========================================================================================
  // Service repositories (migration 0002).

  const SEED_HASH = 'sha256:seed';
  const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  const seedOrg = (uow: UnitOfWork = store) => uow.orgVersions.publish({ hash: SEED_HASH, version: 'seed', configJson: '{}', createdAt: iso(0), createdBy: 'test' });
  async function seedLead(
    uow: UnitOfWork,
    id: string,
    opts: { at?: number; status?: LeadStatus; repId?: string | null; teamId?: string | null; duplicateOf?: string | null } = {},
  ): Promise<void> {
    const receivedAt = iso(opts.at ?? 0);
    await uow.leads.claim({ id, orgHash: SEED_HASH, leadJson: JSON.stringify({ id }), receivedAt });
    await uow.leads.update(id, {
      status: opts.status ?? 'ASSIGNED',
      teamId: opts.teamId ?? null,
      repId: opts.repId ?? null,
      orgHash: SEED_HASH,
      updatedAt: receivedAt,
      ...(opts.duplicateOf !== undefined ? { duplicateOf: opts.duplicateOf } : {}),
    });
  }
  /** Rows of a raw query, outside the port. */
  async function rawQuery(sqlText: string): Promise<Record<string, unknown>[]> {
    if (factory.name === 'sqlite') {
      const raw = new DatabaseSync(h.url.replace(/^sqlite:/, ''));
      try {
        return raw.prepare(sqlText).all() as Record<string, unknown>[];
      } finally {
        raw.close();
      }
    }
    return withPgClient(async (c) => (await c.query(sqlText)).rows as Record<string, unknown>[], h.schema);
  }

  // ------------------------------------------------------------------------------------------
  it('leads: DUPLICATE links to its original; duplicateOf is kept unless the patch gives it', async () => {
    await seedOrg();
    await seedLead(store, 'A');
    await seedLead(store, 'B', { at: 1, status: 'DUPLICATE', duplicateOf: 'A' });
    expect(await store.leads.get('B')).toMatchObject({ status: 'DUPLICATE', duplicateOf: 'A' });
    expect((await store.leads.get('A'))?.duplicateOf).toBeNull();
    await store.leads.update('B', { status: 'ERASED', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(5) });
    expect(await store.leads.get('B')).toMatchObject({ status: 'ERASED', duplicateOf: 'A', updatedAt: iso(5) });
    for (const status of ['ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL', 'WON', 'LOST'] as const) {
      await store.leads.update('A', { status, teamId: 't', repId: 'r1', orgHash: SEED_HASH, updatedAt: iso(6) });
      expect((await store.leads.get('A'))?.status).toBe(status);
    }
    await expect(store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7), duplicateOf: null })).rejects.toThrow(/needs duplicateOf/);
    await expect(store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7), duplicateOf: 'A' })).rejects.toThrow(/itself/);
    // The database refuses a DUPLICATE without an original, and a link to a lead that does not exist.
    await expect(store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7) })).rejects.toThrow();
    await expect(store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7), duplicateOf: 'ghost' })).rejects.toThrow();
    expect((await store.leads.get('A'))?.status).toBe('LOST');
  });

  it('leads.page: (receivedAt, id) order, filters, cursor, limits; stable across concurrent inserts', async () => {
    await seedOrg();
    // Two leads share a receivedAt: id breaks the tie.
    const spec: [string, number, LeadStatus, string | null, string | null][] = [
      ['L5', 50, 'ASSIGNED', 'r1', 'ta'],
      ['L1', 10, 'ASSIGNED', 'r1', 'ta'],
      ['L3', 30, 'QUEUED', null, 'tb'],
      ['L2b', 20, 'REFUSED', null, null],
      ['L2a', 20, 'ASSIGNED', 'r2', 'tb'],
      ['L4', 40, 'ASSIGNED', 'r2', 'ta'],
      ['L6', 60, 'CLOSED', 'r1', 'ta'],
    ];
    for (const [id, at, status, repId, teamId] of spec) await seedLead(store, id, { at, status, repId, teamId });
    const all = ['L1', 'L2a', 'L2b', 'L3', 'L4', 'L5', 'L6'];
    expect((await store.leads.page({ limit: 100 })).map((l) => l.id)).toEqual(all);
    expect(await store.leads.page({ limit: 100 })).toEqual(await store.leads.list());

    const walk = async (filter: Omit<Parameters<Store['leads']['page']>[0], 'after' | 'limit'>, limit: number) => {
      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.leads.page({ ...filter, limit, ...(after !== undefined ? { after } : {}) });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(limit);
        pages.push(page.map((l) => l.id));
        after = page.at(-1)!.id;
      }
      return pages;
    };
    expect(await walk({}, 2)).toEqual([['L1', 'L2a'], ['L2b', 'L3'], ['L4', 'L5'], ['L6']]);
    expect(await walk({}, 1)).toEqual(all.map((id) => [id]));
    expect((await walk({ status: 'ASSIGNED' }, 2)).flat()).toEqual(['L1', 'L2a', 'L4', 'L5']);
    expect((await walk({ repId: 'r1' }, 2)).flat()).toEqual(['L1', 'L5', 'L6']);
    expect((await walk({ teamId: 'tb' }, 5)).flat()).toEqual(['L2a', 'L3']);
    expect((await walk({ teamId: 'ta', repId: 'r1', status: 'ASSIGNED' }, 1)).flat()).toEqual(['L1', 'L5']);
    // receivedFrom inclusive, receivedTo exclusive (and precision-insensitive: …:00Z equals …:00.000Z).
    expect((await walk({ receivedFrom: iso(20), receivedTo: iso(50) }, 2)).flat()).toEqual(['L2a', 'L2b', 'L3', 'L4']);
    expect((await walk({ receivedFrom: iso(20).replace('.000Z', 'Z'), receivedTo: iso(50).replace('.000Z', 'Z') }, 10)).flat()).toEqual(['L2a', 'L2b', 'L3', 'L4']);
    expect(await store.leads.page({ receivedFrom: iso(61), limit: 5 })).toEqual([]);

    // Inserts between pages: rows already paged past are never repeated, later rows are picked up.
    const first = await store.leads.page({ limit: 3 });
    expect(first.map((l) => l.id)).toEqual(['L1', 'L2a', 'L2b']);
    await seedLead(store, 'L0', { at: 0 }); // before the cursor: not seen by this walk
    await seedLead(store, 'L2c', { at: 20 }); // same time as the cursor, later id: seen
    await seedLead(store, 'L7', { at: 70 });
    const rest: string[] = [];
    let after = first.at(-1)!.id;
    for (;;) {
      const page = await store.leads.page({ after, limit: 3 });
      if (page.length === 0) break;
      rest.push(...page.map((l) => l.id));
      after = page.at(-1)!.id;
    }
    expect(rest).toEqual(['L2c', 'L3', 'L4', 'L5', 'L6', 'L7']);

    await expect(store.leads.page({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(store.leads.page({ limit: 1.5 })).rejects.toThrow(/limit/);
    await expect(store.leads.page({ limit: 100_000 })).rejects.toThrow(/limit/);
    await expect(store.leads.page({ limit: 5, after: 'ghost' })).rejects.toThrow(/unknown cursor/);
    await expect(store.leads.page({ limit: 5, receivedFrom: 'monday' })).rejects.toThrow(/ISO-8601/);
    await expect(store.leads.page({ limit: 5, status: 'MAYBE' as never })).rejects.toThrow(/unknown lead status/);
  });

  // ------------------------------------------------------------------------------------------
  it('personal data: put, get, replace, erase in place (the values are gone from the table)', async () => {
    await seedOrg();
    await seedLead(store, 'P1');
    await seedLead(store, 'P2');
    const email = 'ann.lee+erase-me@example.com';
    const rec = {
      leadId: 'P1',
      salt: 'a1b2c3d4e5f60718',
      contactJson: JSON.stringify({ firstName: 'Ann', lastName: 'Lee', email, phone: '+447700900123' }),
      rawJson: `{"contact": {"email": "${email}"},  "extra": [1, 2]}`,
      consentJson: '{"marketing":true,"basis":"consent"}',
      createdAt: iso(1),
    };
    expect(await store.personalData.get('P1')).toBeUndefined();
    await store.personalData.put(rec);
    expect(await store.personalData.get('P1')).toEqual({ ...rec, erasedAt: null }); // raw JSON text byte for byte
    await store.personalData.put({ ...rec, leadId: 'P2', consentJson: null });
    expect((await store.personalData.get('P2'))?.consentJson).toBeNull();
    // put again before erasure replaces the values.
    const replaced = { ...rec, contactJson: JSON.stringify({ firstName: 'Ann', email }) };
    await store.personalData.put(replaced);
    expect((await store.personalData.get('P1'))?.contactJson).toBe(replaced.contactJson);

    expect(await store.personalData.erase('ghost', iso(2))).toBe(false);
    expect(await store.personalData.erase('P1', iso(2))).toBe(true);
    expect(await store.personalData.get('P1')).toEqual({ leadId: 'P1', salt: '', contactJson: '{}', rawJson: '{}', consentJson: null, createdAt: iso(1), erasedAt: iso(2) });
    // Erasing again keeps the first erasure time; storing values again is refused.
    expect(await store.personalData.erase('P1', iso(3))).toBe(true);
    expect((await store.personalData.get('P1'))?.erasedAt).toBe(iso(2));
    await expect(store.personalData.put(rec)).rejects.toThrow(/erased/);
    // The other lead is untouched.
    expect((await store.personalData.get('P2'))?.contactJson).toBe(rec.contactJson);

    // Straight from the table: the erased email appears only in P2's row, nowhere in P1's.
    const rows = await rawQuery(`select * from personal_data order by lead_id`);
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows[0])).not.toContain(email);
    expect(JSON.stringify(rows[0])).not.toContain('a1b2c3d4e5f60718');
    expect(JSON.stringify(rows[1])).toContain(email);
    expect(await store.personalData.erase('P2', iso(4))).toBe(true);
    expect(JSON.stringify(await rawQuery(`select * from personal_data`))).not.toContain(email);
    // The database refuses an "erased" row that still holds values.
    await expect(h.rawExec(`update personal_data set contact_json = '{"email":"x"}' where lead_id = 'P1'`)).rejects.toThrow();

    await expect(store.personalData.put({ ...rec, leadId: 'ghost' })).rejects.toThrow(); // foreign key
    await expect(store.personalData.put({ ...rec, leadId: 'P3', rawJson: '{oops' })).rejects.toThrow(StoreInputError);
    await expect(store.personalData.put({ ...rec, leadId: 'P3', salt: 'XYZ' })).rejects.toThrow(/hex/);
  });

  // ------------------------------------------------------------------------------------------
  it('dedupe: finds the oldest open lead holding any key, with the matched key; removeForLead forgets a lead', async () => {
    await seedOrg();
    await seedLead(store, 'closed', { at: 0, status: 'CLOSED' });
    await seedLead(store, 'dup', { at: 1, status: 'DUPLICATE', duplicateOf: 'closed' });
    await seedLead(store, 'older', { at: 2, status: 'HELD' });
    await seedLead(store, 'newer', { at: 3, status: 'ASSIGNED' });
    await store.dedupe.add('closed', ['email:ann@x.com', 'phone:+4420']);
    await store.dedupe.add('dup', ['email:ann@x.com']);
    await store.dedupe.add('newer', ['email:ann@x.com', 'phone:+4420', 'phone:+4420']);
    await store.dedupe.add('older', ['phone:+4420', 'name_company:ann lee|acme']);
    await store.dedupe.add('older', ['phone:+4420']); // adding again is a no-op

    expect(await store.dedupe.findOpen(['email:nobody@x.com'], OPEN_LEAD_STATUSES)).toBeUndefined();
    expect(await store.dedupe.findOpen([], OPEN_LEAD_STATUSES)).toBeUndefined();
    expect(await store.dedupe.findOpen(['email:ann@x.com'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'newer', key: 'email:ann@x.com' });
    expect(await store.dedupe.findOpen(['email:ann@x.com', 'phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'older', key: 'phone:+4420' });
    // The key reported is the first of the caller's keys the lead holds.
    expect(await store.dedupe.findOpen(['name_company:ann lee|acme', 'phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'older', key: 'name_company:ann lee|acme' });
    // Statuses decide what counts as open.
    expect(await store.dedupe.findOpen(['email:ann@x.com'], ['CLOSED'])).toEqual({ leadId: 'closed', key: 'email:ann@x.com' });

    await store.dedupe.removeForLead('older');
    expect(await store.dedupe.findOpen(['phone:+4420'], OPEN_LEAD_STATUSES)).toEqual({ leadId: 'newer', key: 'phone:+4420' });
    expect(await rawQuery(`select * from dedupe_keys where lead_id = 'older'`)).toEqual([]);
    await store.transaction(async (tx) => {
      await tx.dedupe.lockKeys(['phone:+4420', 'email:ann@x.com', 'phone:+4420']);
      await tx.dedupe.lockKeys([]);
    });
    // Lock anchors hold no personal data.
    expect(JSON.stringify(await rawQuery(`select * from dedupe_locks`))).not.toMatch(/ann|4420/);
    await expect(store.dedupe.add('ghost', ['email:g@x.com'])).rejects.toThrow(); // foreign key
    await expect(store.dedupe.add('newer', [''])).rejects.toThrow(StoreInputError);
  });

  it('dedupe: lockKeys serialises two intakes of the same person (the second sees the first as a duplicate)', async () => {
    await seedOrg();
    const keys = ['email:ann@x.com', 'phone:+4420'];
    const firstHolds = deferred();
    const intake = (id: string, at: number, hold: boolean) =>
      store.transaction(async (tx) => {
        await tx.dedupe.lockKeys(hold ? keys : [...keys].reverse());
        if (hold) {
          firstHolds.resolve();
          await sleep(150);
        }
        const found = await tx.dedupe.findOpen(keys, OPEN_LEAD_STATUSES);
        await seedLead(tx, id, { at, ...(found ? { status: 'DUPLICATE' as const, duplicateOf: found.leadId } : {}) });
        if (!found) await tx.dedupe.add(id, keys);
        return found?.leadId ?? null;
      });
    const first = intake('I1', 0, true);
    await firstHolds.promise;
    const second = intake('I2', 1, false);
    expect(await Promise.all([first, second])).toEqual([null, 'I1']);
    expect(await store.leads.get('I2')).toMatchObject({ status: 'DUPLICATE', duplicateOf: 'I1' });
  });

  // ------------------------------------------------------------------------------------------
  it('idempotency: first writer wins, also concurrently', async () => {
    const rec = { scope: 'key-1', key: 'idem-1', requestHash: 'h1', statusCode: 201, responseJson: '{"decisionId":"d1"}', createdAt: iso(0) };
    expect(await store.idempotency.get('key-1', 'idem-1')).toBeUndefined();
    expect(await store.idempotency.put(rec)).toEqual(rec);
    expect(await store.idempotency.put({ ...rec, requestHash: 'h2', statusCode: 200, responseJson: '{}', createdAt: iso(1) })).toEqual(rec);
    expect(await store.idempotency.get('key-1', 'idem-1')).toEqual(rec);
    // Keys are per scope.
    const other = { ...rec, scope: 'key-2', requestHash: 'h3' };
    expect(await store.idempotency.put(other)).toEqual(other);
    expect(await store.idempotency.get('key-2', 'idem-1')).toEqual(other);

    const racers = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => store.transaction((tx) => tx.idempotency.put({ ...rec, key: 'idem-race', requestHash: `h${i}`, responseJson: `{"n":${i}}` }))),
    );
    expect(new Set(racers.map((r) => r.requestHash)).size).toBe(1);
    expect(await store.idempotency.get('key-1', 'idem-race')).toEqual(racers[0]);
    await expect(store.idempotency.put({ ...rec, key: 'bad', statusCode: 42 })).rejects.toThrow(StoreInputError);
  });

  // ------------------------------------------------------------------------------------------
  it('accounts: upsert inserts or replaces by id', async () => {
    const a = { id: 'acc-2', name: 'Acme', domains: ['acme.com', 'acme.co.uk'], ownerRep: 'r1', tier: 'gold', updatedAt: iso(0) };
    const b = { id: 'acc-1', name: 'Bolt', domains: [], ownerRep: null, tier: null, updatedAt: iso(0) };
    await store.accounts.upsert([a, b]);
    expect(await store.accounts.list()).toEqual([b, a]);
    expect(await store.accounts.get('acc-2')).toEqual(a);
    expect(await store.accounts.get('nope')).toBeUndefined();
    const a2 = { ...a, name: 'Acme Ltd', domains: ['acme.com'], ownerRep: null, updatedAt: iso(5) };
    await store.accounts.upsert([{ ...a, tier: 'silver' }, a2]); // the last one for an id wins
    expect(await store.accounts.list()).toEqual([b, a2]);
    await store.accounts.upsert([]);
    await expect(store.accounts.upsert([{ ...a, domains: ['Acme.com'] }])).rejects.toThrow(/lower-case/);
    expect(await store.accounts.get('acc-2')).toEqual(a2);
  });

  // ------------------------------------------------------------------------------------------
  it('console sessions: create, get, delete, delete expired; hashes only', async () => {
    const h = (c: string) => c.repeat(64);
    const s1 = { idHash: h('a'), secretHash: h('b'), createdAt: iso(0), expiresAt: iso(60) };
    const s2 = { idHash: h('c'), secretHash: h('b'), createdAt: iso(0), expiresAt: iso(5) };
    await store.sessions.create(s1);
    await store.sessions.create(s2);
    expect(await store.sessions.get(h('a'))).toEqual(s1);
    expect(await store.sessions.get(h('d'))).toBeUndefined();
    expect(await store.sessions.deleteExpired(iso(5))).toBe(1);
    expect(await store.sessions.get(h('c'))).toBeUndefined();
    expect(await store.sessions.delete(h('a'))).toBe(true);
    expect(await store.sessions.delete(h('a'))).toBe(false);
    await expect(store.sessions.create({ ...s1, idHash: 'not-a-hash' })).rejects.toThrow(StoreInputError);
    await expect(store.sessions.create(s2)).resolves.toBeUndefined();
    await expect(store.sessions.create(s2)).rejects.toThrow(); // one row per id
  });

  // ------------------------------------------------------------------------------------------
  it('suppressions: upsert by (kind, value), find, page in byte order, remove, count', async () => {
    const e1 = { kind: 'email' as const, value: 'ann@example.com', reason: 'asked to stop', source: 'import:dnc.csv', createdAt: iso(0) };
    const e2 = { kind: 'email' as const, value: 'Zed@example.com', reason: null, source: 'import:dnc.csv', createdAt: iso(0) };
    const p1 = { kind: 'phone' as const, value: '+442079460018', reason: null, source: 'import:dnc.csv', createdAt: iso(0) };
    const d1 = { kind: 'domain' as const, value: 'competitor.example', reason: 'competitor', source: 'manual', createdAt: iso(0) };
    expect(await store.suppressions.count()).toBe(0);
    await store.suppressions.upsert([e1, e2, p1, d1]);
    expect(await store.suppressions.count()).toBe(4);
    const e1b = { ...e1, reason: 'complaint', createdAt: iso(5) };
    await store.suppressions.upsert([{ ...e1, reason: 'ignored' }, e1b]); // the last one for a pair wins
    expect(await store.suppressions.count()).toBe(4);
    expect(await store.suppressions.find([{ kind: 'email', value: 'ann@example.com' }, { kind: 'phone', value: '+442079460018' }, { kind: 'phone', value: '+15550000000' }])).toEqual([e1b, p1]);
    expect(await store.suppressions.find([])).toEqual([]);
    // (kind, value) in byte order: 'Z' (0x5a) sorts before 'a' (0x61) whatever the collation.
    const first = await store.suppressions.page({ limit: 2 });
    expect(first).toEqual([d1, e2]);
    expect(await store.suppressions.page({ limit: 2, after: { kind: e2.kind, value: e2.value } })).toEqual([e1b, p1]);
    expect(await store.suppressions.page({ limit: 10, kind: 'email' })).toEqual([e2, e1b]);
    expect(await store.suppressions.remove('email', 'Zed@example.com')).toBe(true);
    expect(await store.suppressions.remove('email', 'Zed@example.com')).toBe(false);
    await expect(store.suppressions.upsert([{ ...e1, kind: 'fax' as never }])).rejects.toThrow(StoreInputError);
    await expect(store.suppressions.upsert([{ ...e1, value: ' padded@example.com ' }])).rejects.toThrow(/surrounding spaces/);
    await expect(store.suppressions.page({ limit: 0 })).rejects.toThrow(StoreInputError);
    // Nothing of a rejected batch is written.
    await expect(store.suppressions.upsert([{ ...p1, value: '+15551234567' }, { ...e1, source: '' }])).rejects.toThrow(StoreInputError);
    expect(await store.suppressions.count()).toBe(3);
    // Inside a transaction: rolled back with it.
    await expect(
      store.transaction(async (tx) => {
        await tx.suppressions.upsert([{ ...d1, value: 'rolled.back' }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.suppressions.find([{ kind: 'domain', value: 'rolled.back' }])).toEqual([]);
  });

  // ------------------------------------------------------------------------------------------
  it('lead events: appended with increasing seq, listed oldest first, append-only in the database', async () => {
    await seedOrg();
    await seedLead(store, 'E1');
    await seedLead(store, 'E2');
    const e1 = await store.events.append({ leadId: 'E1', kind: 'intake', actor: 'api:key-1', at: iso(0), payloadJson: '{"source":"web"}' });
    const e2 = await store.events.append({ leadId: 'E2', kind: 'intake', actor: 'api:key-1', at: iso(1), payloadJson: '{}' });
    const e3 = await store.events.append({ leadId: 'E1', kind: 'decision', actor: 'system', at: iso(2), payloadJson: '{"outcome":"ASSIGNED"}' });
    expect(e1.seq).toBeLessThan(e2.seq);
    expect(e2.seq).toBeLessThan(e3.seq);
    expect(e3).toEqual({ seq: e3.seq, leadId: 'E1', kind: 'decision', actor: 'system', at: iso(2), payloadJson: '{"outcome":"ASSIGNED"}' });
    expect(await store.events.listForLead('E1')).toEqual([e1, e3]);
    expect(await store.events.listForLead('nobody')).toEqual([]);
    await expect(h.rawExec(`update lead_events set actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from lead_events`)).rejects.toThrow(/append-only/);
    expect(await store.events.listForLead('E1')).toEqual([e1, e3]);
    await expect(store.events.append({ leadId: 'ghost', kind: 'intake', actor: 'x', at: iso(0), payloadJson: '{}' })).rejects.toThrow(); // foreign key
    await expect(store.events.append({ leadId: 'E1', kind: 'intake', actor: 'x', at: iso(0), payloadJson: 'nope' })).rejects.toThrow(StoreInputError);
  });

  // ------------------------------------------------------------------------------------------
  it('reviews: one OPEN review per lead, resolve only when OPEN, paging', async () => {
    await seedOrg();
    for (const id of ['V1', 'V2', 'V3']) await seedLead(store, id, { status: 'REFUSED' });
    const base = { kind: 'REFUSED', reasonCodes: ['JURISDICTION_NOT_SERVED'], requestedBy: 'system', requestedAt: iso(1) };
    await store.reviews.open({ id: 'R1', leadId: 'V1', ...base });
    await store.reviews.open({ id: 'R2', leadId: 'V2', ...base, requestedAt: iso(0) });
    await store.reviews.open({ id: 'R3', leadId: 'V3', ...base, kind: 'EXCEPTION', reasonCodes: [], requestedBy: 'u:carol' });
    const r1 = { id: 'R1', leadId: 'V1', status: 'OPEN', ...base, decidedBy: null, decidedAt: null, resolutionJson: null };
    expect(await store.reviews.get('R1')).toEqual(r1);
    expect(await store.reviews.openForLead('V1')).toEqual(r1);
    expect(await store.reviews.get('nope')).toBeUndefined();
    // A second OPEN review for the same lead: refused by the database.
    await expect(store.reviews.open({ id: 'R1b', leadId: 'V1', ...base })).rejects.toThrow();

    const resolution = { status: 'APPROVED' as const, decidedBy: 'u:dora', decidedAt: iso(9), resolutionJson: '{"teamId":"gb-a","repId":"r1","override":false}' };
    await store.reviews.resolve('R1', resolution);
    expect(await store.reviews.get('R1')).toEqual({ ...r1, ...resolution });
    expect(await store.reviews.openForLead('V1')).toBeUndefined();
    await expect(store.reviews.resolve('R1', { ...resolution, status: 'REJECTED' })).rejects.toThrow(/APPROVED, not OPEN/);
    await expect(store.reviews.resolve('ghost', resolution)).rejects.toThrow(/does not exist/);
    expect((await store.reviews.get('R1'))?.status).toBe('APPROVED');
    // Once resolved, the lead may be queued for review again.
    await store.reviews.open({ id: 'R4', leadId: 'V1', ...base, requestedAt: iso(10) });

    const ids = async (f: Parameters<Store['reviews']['page']>[0]) => (await store.reviews.page(f)).map((r) => r.id);
    expect(await ids({ limit: 10 })).toEqual(['R2', 'R1', 'R3', 'R4']);
    expect(await ids({ limit: 2 })).toEqual(['R2', 'R1']);
    expect(await ids({ limit: 2, after: 'R1' })).toEqual(['R3', 'R4']);
    expect(await ids({ limit: 10, status: 'OPEN' })).toEqual(['R2', 'R3', 'R4']);
    expect(await ids({ limit: 1, status: 'OPEN', after: 'R2' })).toEqual(['R3']);
    expect(await ids({ limit: 10, status: 'APPROVED' })).toEqual(['R1']);
    await expect(store.reviews.page({ limit: 10, after: 'ghost' })).rejects.toThrow(/unknown cursor/);
  });

  it('reviews: lock serialises two resolvers; exactly one resolves', async () => {
    await seedOrg();
    await seedLead(store, 'V1', { status: 'HELD' });
    await store.reviews.open({ id: 'R1', leadId: 'V1', kind: 'HELD', reasonCodes: [], requestedBy: 'system', requestedAt: iso(0) });
    const firstHolds = deferred();
    const resolver = (who: string, hold: boolean) =>
      store.transaction(async (tx) => {
        const review = await tx.reviews.lock('R1');
        if (hold) {
          firstHolds.resolve();
          await sleep(150);
        }
        if (review?.status !== 'OPEN') return `${who}: already ${review?.status}`;
        await tx.reviews.resolve('R1', { status: who === 'a' ? 'APPROVED' : 'REJECTED', decidedBy: who, decidedAt: iso(1), resolutionJson: '{}' });
        return `${who}: resolved`;
      });
    const a = resolver('a', true);
    await firstHolds.promise;
    const b = resolver('b', false);
    // b waited for a's lock and then saw the decision: no error, no second decision.
    expect(await Promise.all([a, b])).toEqual(['a: resolved', 'b: already APPROVED']);
    expect(await store.reviews.get('R1')).toMatchObject({ status: 'APPROVED', decidedBy: 'a' });
  });

  // ------------------------------------------------------------------------------------------
  it('api keys: create, find by secret hash, list, revoke once', async () => {
    const hash = (c: string) => c.repeat(64);
    const admin = { id: 'k1', name: 'bootstrap', role: 'admin' as const, repId: null, secretHash: hash('a'), createdAt: iso(0), createdBy: 'cli' };
    const rep = { id: 'k2', name: 'rep r1', role: 'rep' as const, repId: 'r1', secretHash: hash('b'), createdAt: iso(1), createdBy: 'k1' };
    await store.apiKeys.create(admin);
    await store.apiKeys.create(rep);
    expect(await store.apiKeys.findBySecretHash(hash('b'))).toEqual({ ...rep, revokedAt: null });
    expect(await store.apiKeys.findBySecretHash(hash('c'))).toBeUndefined();
    expect((await store.apiKeys.list()).map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(await store.apiKeys.revoke('k2', iso(5))).toBe(true);
    expect(await store.apiKeys.revoke('k2', iso(6))).toBe(false);
    expect(await store.apiKeys.revoke('ghost', iso(6))).toBe(false);
    // Still found by hash, so the caller can tell "revoked" from "unknown".
    expect(await store.apiKeys.findBySecretHash(hash('b'))).toEqual({ ...rep, revokedAt: iso(5) });
    await expect(store.apiKeys.create({ ...admin, id: 'k3' })).rejects.toThrow(); // secret hash is unique
    await expect(store.apiKeys.create({ ...rep, id: 'k4', secretHash: hash('d'), repId: null })).rejects.toThrow(/repId/);
    await expect(store.apiKeys.create({ ...admin, id: 'k5', secretHash: hash('e'), role: 'root' as never })).rejects.toThrow(/unknown role/);
    await expect(store.apiKeys.create({ ...admin, id: 'k6', secretHash: 'plaintext-secret' })).rejects.toThrow(/SHA-256/);
  });

  // ------------------------------------------------------------------------------------------
  it('outbox: deliveries for matching active subscriptions; claimDue, retry, dead, redrive, delivered', async () => {
    const sub = (id: string, events: string[], active = true) => ({ id, url: `https://hooks.example/${id}`, secret: `s-${id}`, events, active, createdAt: iso(0) });
    await store.outbox.upsertSubscription(sub('s1', ['lead.assigned']));
    await store.outbox.upsertSubscription(sub('s2', ['*']));
    await store.outbox.upsertSubscription(sub('s3', ['lead.assigned'], false));
    await store.outbox.upsertSubscription(sub('s4', ['review.opened']));
    await store.outbox.upsertSubscription({ ...sub('s4', ['review.opened', 'review.resolved']), url: 'https://hooks.example/v2' });
    expect(await store.outbox.listSubscriptions()).toEqual([sub('s1', ['lead.assigned']), sub('s2', ['*']), sub('s3', ['lead.assigned'], false), { ...sub('s4', ['review.opened', 'review.resolved']), url: 'https://hooks.example/v2' }]);

    let n = 0;
    const ids = () => `dl-${++n}`;
    const payload = '{"type":"lead.assigned","leadId":"L1"}';
    expect(await store.outbox.enqueue({ eventId: 'ev1', eventType: 'lead.assigned', payloadJson: payload, createdAt: iso(10) }, ids)).toBe(2);
    expect(await store.outbox.enqueue({ eventId: 'ev2', eventType: 'lead.closed', payloadJson: '{}', createdAt: iso(11) }, ids)).toBe(1);
    expect(await store.outbox.enqueue({ eventId: 'ev3', eventType: 'review.resolved', payloadJson: '{}', createdAt: iso(12) }, ids)).toBe(2);
    await expect(store.outbox.enqueue({ eventId: 'ev1', eventType: 'lead.assigned', payloadJson: payload, createdAt: iso(10) }, ids)).rejects.toThrow(); // event ids are unique
    const d1 = await store.outbox.getDelivery('dl-1');
    expect(d1).toEqual({ id: 'dl-1', eventId: 'ev1', eventType: 'lead.assigned', subscriptionId: 's1', payloadJson: payload, status: 'PENDING', attempts: 0, nextAttemptAt: iso(10), lastError: null, createdAt: iso(10), deliveredAt: null });
    expect((await store.outbox.getDelivery('dl-2'))?.subscriptionId).toBe('s2');

    // Due times.
    expect(await store.outbox.claimDue(iso(9), 10)).toEqual([]);
    expect((await store.outbox.claimDue(iso(10), 10)).map((d) => d.id)).toEqual(['dl-1', 'dl-2']);
    expect((await store.outbox.claimDue(iso(20), 3)).map((d) => d.id)).toEqual(['dl-1', 'dl-2', 'dl-3']);

    // Failure with a retry time: PENDING again, later.
    await store.outbox.markFailed('dl-1', { error: 'HTTP 503', nextAttemptAt: iso(30) });
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: iso(30), lastError: 'HTTP 503' });
    expect((await store.outbox.claimDue(iso(20), 10)).map((d) => d.id)).toEqual(['dl-2', 'dl-3', 'dl-4', 'dl-5']);
    expect((await store.outbox.claimDue(iso(30), 10)).map((d) => d.id)).toEqual(['dl-2', 'dl-3', 'dl-4', 'dl-5', 'dl-1']);
    // Failure without one: DEAD, never claimed.
    await store.outbox.markFailed('dl-1', { error: 'timeout', nextAttemptAt: null });
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({ status: 'DEAD', attempts: 2, lastError: 'timeout' });
    expect((await store.outbox.claimDue(iso(99), 10)).map((d) => d.id)).not.toContain('dl-1');
    await expect(store.outbox.markFailed('dl-1', { error: 'x', nextAttemptAt: null })).rejects.toThrow(/DEAD, not PENDING/);
    // Redrive: PENDING, due now, attempts kept; only from DEAD.
    expect(await store.outbox.redrive('dl-1', iso(40))).toBe(true);
    expect(await store.outbox.redrive('dl-1', iso(41))).toBe(false);
    expect(await store.outbox.redrive('dl-2', iso(41))).toBe(false);
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({ status: 'PENDING', attempts: 2, nextAttemptAt: iso(40) });
    // Delivered.
    await store.outbox.markDelivered('dl-1', iso(41));
    expect(await store.outbox.getDelivery('dl-1')).toMatchObject({ status: 'DELIVERED', attempts: 3, deliveredAt: iso(41), lastError: null });
    await expect(store.outbox.markDelivered('dl-1', iso(42))).rejects.toThrow(/DELIVERED, not PENDING/);
    await expect(store.outbox.markDelivered('ghost', iso(42))).rejects.toThrow(/does not exist/);
    expect((await store.outbox.claimDue(iso(99), 10)).map((d) => d.id)).toEqual(['dl-2', 'dl-3', 'dl-4', 'dl-5']);
    // Lease: a claimed delivery is reserved (not due) until the lease ends; attempts unchanged.
    await store.transaction(async (tx) => {
      const [first] = await tx.outbox.claimDue(iso(99), 1);
      await tx.outbox.lease(first!.id, iso(200));
    });
    expect(await store.outbox.getDelivery('dl-2')).toMatchObject({ status: 'PENDING', attempts: 0, nextAttemptAt: iso(200) });
    expect((await store.outbox.claimDue(iso(99), 10)).map((d) => d.id)).toEqual(['dl-3', 'dl-4', 'dl-5']);
    expect((await store.outbox.claimDue(iso(200), 10)).map((d) => d.id)).toEqual(['dl-3', 'dl-4', 'dl-5', 'dl-2']);
    await expect(store.outbox.lease('dl-1', iso(300))).rejects.toThrow(/DELIVERED, not PENDING/);

    const list = async (f: Parameters<Store['outbox']['listDeliveries']>[0]) => (await store.outbox.listDeliveries(f)).map((d) => d.id);
    expect(await list({ limit: 10 })).toEqual(['dl-1', 'dl-2', 'dl-3', 'dl-4', 'dl-5']);
    expect(await list({ limit: 2, after: 'dl-2' })).toEqual(['dl-3', 'dl-4']);
    expect(await list({ limit: 10, status: 'DELIVERED' })).toEqual(['dl-1']);
    expect(await list({ limit: 10, status: 'PENDING', after: 'dl-3' })).toEqual(['dl-4', 'dl-5']);

    // The outbox itself is append-only.
    await expect(h.rawExec(`update outbox_events set payload_json = '{}'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from outbox_events`)).rejects.toThrow(/append-only/);
  });

  it('outbox: concurrent transactions claim disjoint sets of due deliveries (PostgreSQL: SKIP LOCKED)', async () => {
    await store.outbox.upsertSubscription({ id: 's1', url: 'https://hooks.example/s1', secret: 's', events: ['*'], active: true, createdAt: iso(0) });
    let n = 0;
    for (let i = 0; i < 6; i++) await store.outbox.enqueue({ eventId: `ev${i}`, eventType: 'lead.assigned', payloadJson: '{}', createdAt: iso(i) }, () => `dl-${++n}`);
    const deliverAll = async (tx: UnitOfWork, limit: number) => {
      const claimed = await tx.outbox.claimDue(iso(60), limit);
      for (const d of claimed) await tx.outbox.markDelivered(d.id, iso(60));
      return claimed.map((d) => d.id);
    };
    if (store.capabilities.rowLocks) {
      // a claims 3 and holds them; b, meanwhile, gets the other 3 without waiting for a.
      const aClaimed = deferred();
      const release = deferred();
      const a = store.transaction(async (tx) => {
        const claimed = await tx.outbox.claimDue(iso(60), 3);
        aClaimed.resolve();
        await release.promise;
        for (const d of claimed) await tx.outbox.markDelivered(d.id, iso(60));
        return claimed.map((d) => d.id);
      });
      await aClaimed.promise;
      const b = await store.transaction((tx) => deliverAll(tx, 10));
      release.resolve();
      const aIds = await a;
      expect(aIds).toEqual(['dl-1', 'dl-2', 'dl-3']);
      expect(b).toEqual(['dl-4', 'dl-5', 'dl-6']);
    } else {
      // SQLite: write transactions are serialised, so concurrent dispatchers never overlap either.
      const [a, b] = await Promise.all([store.transaction((tx) => deliverAll(tx, 3)), store.transaction((tx) => deliverAll(tx, 10))]);
      expect([...a, ...b].sort()).toEqual(['dl-1', 'dl-2', 'dl-3', 'dl-4', 'dl-5', 'dl-6']);
    }
    expect(await store.outbox.claimDue(iso(60), 10)).toEqual([]);
    expect((await store.outbox.listDeliveries({ status: 'DELIVERED', limit: 10 })).every((d) => d.attempts === 1)).toBe(true);
  });

  // ------------------------------------------------------------------------------------------
  it('migration 0002 upgrades a 0001 database in place, keeping its leads, decisions and state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-upgrade-'));
    const schema = newSchemaName();
    const url = factory.name === 'sqlite' ? `sqlite:${join(dir, 'remit.sqlite')}` : PG_URL;
    const open = (migrateOnOpen: boolean) => openStore({ url, ...(factory.name === 'postgres' ? { schema, poolSize: 3 } : {}), migrate: migrateOnOpen });
    try {
      // A database migrated by the previous release (0001 only).
      const k =
        factory.name === 'sqlite'
          ? new Kysely<unknown>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(new DatabaseSync(join(dir, 'remit.sqlite'))), null) })
          : new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` }) }) });
      expect(await migrate(k, { dialect: factory.name, schema: factory.name === 'postgres' ? schema : undefined, migrations: [initial] })).toEqual([1]);
      await k.destroy();

      const old = await open(false);
      expect(await old.appliedMigrations()).toEqual([1]);
      const org = storeOrg();
      // The current code on the old schema: no audit tables yet (0004), so its audit entries are dropped; no SLA timers table (0005) either.
      const d = { store: withoutConduct(withoutAudit(old)), org, clock: manualClock(), ids: sequentialIds() };
      for (const l of [lead({ id: 'U1' }), lead({ id: 'U2', jurisdiction: 'FR' }), lead({ id: 'U3', score: 99 }), lead({ id: 'U4' })]) await routeLead(d, l);
      await closeLead({ store: withoutAudit(old), clock: manualClock(T0 + 60_000) }, 'U4');
      const before = await everything(old);
      expect(before.leads.map((l) => [l.id, l.status])).toEqual([
        ['U1', 'ASSIGNED'],
        ['U2', 'REFUSED'],
        ['U3', 'HELD'],
        ['U4', 'CLOSED'],
      ]);
      await old.close();

      const upgraded = await open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        const after = await everything(upgraded);
        expect(after).toEqual({ ...before, leads: before.leads.map((l) => ({ ...l, duplicateOf: null })) });
        // Constraints survive the rebuild: foreign keys to and from leads, the status CHECK, append-only decisions.
        const dec = (await upgraded.decisions.listForLead('U1'))[0]!;
        await expect(upgraded.decisions.append({ ...dec, decisionId: 'x', leadId: 'ghost', documentJson: JSON.stringify({ ...JSON.parse(dec.documentJson), decisionId: 'x', leadId: 'ghost' }) })).rejects.toThrow();
        await expect(upgraded.leads.claim({ id: 'U9', orgHash: 'sha256:unpublished', leadJson: '{"id":"U9"}', receivedAt: iso(0) })).rejects.toThrow();
        const rawExec =
          factory.name === 'sqlite'
            ? async (text: string) => {
                const raw = new DatabaseSync(join(dir, 'remit.sqlite'));
                try {
                  return raw.prepare(text).all() as Record<string, unknown>[];
                } finally {
                  raw.close();
                }
              }
            : (text: string) => withPgClient(async (c) => (await c.query(text)).rows as Record<string, unknown>[], schema);
        await expect(rawExec(`update leads set status = 'MAYBE' where id = 'U1'`)).rejects.toThrow();
        await expect(rawExec(`delete from decisions`)).rejects.toThrow(/append-only/);
        if (factory.name === 'sqlite') {
          expect(await rawExec('PRAGMA foreign_key_check')).toEqual([]);
          expect(await rawExec('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        }
        // The old indexes are still there.
        const indexes = (
          factory.name === 'sqlite'
            ? await rawExec(`select name from sqlite_master where type = 'index' and tbl_name = 'leads'`)
            : await rawExec(`select indexname as name from pg_indexes where schemaname = '${schema}' and tablename = 'leads'`)
        ).map((r) => r.name);
        expect(indexes).toEqual(expect.arrayContaining(['leads_rep_status', 'leads_status_received', 'leads_page', 'leads_page_status']));
        // The new statuses and tables work on the upgraded data.
        await routeLead({ store: upgraded, org, clock: manualClock(T0 + 120_000), ids: sequentialIds(100) }, lead({ id: 'U5' }));
        await upgraded.leads.update('U5', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: org.hash, updatedAt: iso(3), duplicateOf: 'U1' });
        await upgraded.leads.update('U1', { status: 'WON', teamId: null, repId: 'r1', orgHash: org.hash, updatedAt: iso(3) });
        await upgraded.events.append({ leadId: 'U1', kind: 'lifecycle', actor: 'r1', at: iso(3), payloadJson: '{}' });
        expect((await upgraded.leads.page({ limit: 10, status: 'DUPLICATE' })).map((l) => [l.id, l.duplicateOf])).toEqual([['U5', 'U1']]);
      } finally {
        await upgraded.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (factory.name === 'postgres') await dropSchema(schema);
    }
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
