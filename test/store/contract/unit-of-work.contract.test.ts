import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/decision/decide.ts';
import { canonicalJson } from '../../../src/domain/shared/canonical-json.ts';
import { type Clock, type IdSource, sequentialIds } from '../../../src/domain/shared/clock.ts';
import { EMPTY_STATE, viewOf } from '../../../src/domain/strategies/routing-state.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import type { StoreHarness } from '../store-harness.ts';
import {
  ALL_MIGRATIONS,
  NOTHING,
  STORES,
  T0,
  crashingAt,
  everything,
  manualClock,
  routeDeps,
  routeLead,
  storeReachable,
} from './contract-support.ts';

/** Storage contract: the unit of work (capabilities, migrations on open, transactions, input checks), on SQLite and PostgreSQL alike. */
describe.each(STORES)(
  'the unit of work (capabilities, migrations on open, transactions, input checks): $factory.name',
  ({ factory, run }) => {
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

    it('an error thrown inside the transaction rolls back everything written in it', async () => {
      const org = storeOrg();
      const l = lead({ id: 'L1' });
      await expect(
        store.transaction(async (tx) => {
          await tx.orgVersions.publish({
            hash: org.hash,
            version: org.version,
            configJson: canonicalJson(org.config),
            createdAt: '2026-03-02T10:00:00.000Z',
            createdBy: 't',
          });
          await tx.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' });
          const state = await tx.routingState.lockScope({ pools: ['gb'], repIds: ['r1', 'r2', 'r3', 'r4', 'r5'] });
          const { decision, changes } = decide({ org, lead: l, at: T0, state, decisionId: 'dec-1' });
          await tx.decisions.append({
            decisionId: 'dec-1',
            leadId: 'L1',
            outcome: decision.outcome,
            teamId: decision.team!.id,
            repId: decision.rep!.id,
            orgHash: org.hash,
            documentJson: JSON.stringify(decision),
            decidedAt: decision.decidedAt,
          });
          await tx.leads.update('L1', {
            status: 'ASSIGNED',
            teamId: decision.team!.id,
            repId: decision.rep!.id,
            orgHash: org.hash,
            updatedAt: decision.decidedAt,
          });
          await tx.routingState.apply(changes);
          expect((await tx.decisions.listForLead('L1')).length).toBe(1); // visible inside …
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await everything(store)).toEqual(NOTHING); // … gone after the rollback
      expect(await store.leads.get('L1')).toBeUndefined();
      expect(await store.decisions.get('dec-1')).toBeUndefined();
    });

    it.each([
      'orgVersions.publish',
      'leads.claim',
      'routingState.lockScopeReadingAway',
      'decisions.append',
      'leads.update',
      'routingState.apply',
    ])('a crash in %s while routing leaves nothing half-written', async (step) => {
      const org = storeOrg();
      await routeLead(deps(org), lead({ id: 'L0' }));
      const before = await everything(store);
      const broken = crashingAt(store, step);
      await expect(routeLead({ store: broken, org, clock: manualClock(), ids: sequentialIds(100) }, lead({ id: 'L1' }))).rejects.toThrow(
        `simulated crash in ${step}`,
      );
      expect(await everything(store)).toEqual(before);
      // The same lead routes normally afterwards.
      expect((await routeLead({ store, org, clock: manualClock(), ids: sequentialIds(200) }, lead({ id: 'L1' }))).outcome).toBe('ASSIGNED');
    });

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

    it('bad input at the store boundary is refused with a clear error and leaves nothing', async () => {
      const org = storeOrg();
      const l = lead({ id: 'L1' });
      const { decision } = decide({ org, lead: l, at: T0, state: viewOf(EMPTY_STATE), decisionId: 'dec-1' });
      const rec = {
        decisionId: 'dec-1',
        leadId: 'L1',
        outcome: decision.outcome,
        teamId: decision.team!.id,
        repId: decision.rep!.id,
        orgHash: org.hash,
        documentJson: JSON.stringify(decision),
        decidedAt: decision.decidedAt,
      };

      // A decision for a lead that does not exist (and an unpublished org version): the database refuses it.
      await expect(store.decisions.append(rec)).rejects.toThrow();
      // Columns that disagree with the document.
      await expect(store.decisions.append({ ...rec, repId: 'r9' })).rejects.toThrow(StoreInputError);
      await expect(store.decisions.append({ ...rec, repId: 'r9' })).rejects.toThrow(/rep\.id \(document "r\d", record "r9"\)/);
      await expect(store.decisions.append({ ...rec, documentJson: '{not json' })).rejects.toThrow(/not valid JSON/);
      await expect(store.decisions.append({ ...rec, outcome: 'MAYBE' as never })).rejects.toThrow(/unknown decision outcome/);
      await expect(store.decisions.append({ ...rec, decidedAt: 'yesterday' })).rejects.toThrow(/ISO-8601/);
      // Leads.
      await expect(
        store.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: '{"id":"other"}', receivedAt: '2026-03-02T10:00:00.000Z' }),
      ).rejects.toThrow(StoreInputError);
      await expect(
        store.leads.claim({ id: '', orgHash: org.hash, leadJson: '{}', receivedAt: '2026-03-02T10:00:00.000Z' }),
      ).rejects.toThrow(/lead id/);
      await expect(
        store.leads.update('ghost', {
          status: 'CLOSED',
          teamId: null,
          repId: null,
          orgHash: org.hash,
          updatedAt: '2026-03-02T10:00:00.000Z',
        }),
      ).rejects.toThrow(/does not exist/);
      await expect(
        store.leads.update('ghost', {
          status: 'MAYBE' as never,
          teamId: null,
          repId: null,
          orgHash: org.hash,
          updatedAt: '2026-03-02T10:00:00.000Z',
        }),
      ).rejects.toThrow(/unknown lead status/);
      // A lead claimed for an org version that was never published: the foreign key refuses it.
      await expect(
        store.leads.claim({ id: 'L1', orgHash: 'sha256:unpublished', leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' }),
      ).rejects.toThrow();
      // Routing state.
      await expect(store.routingState.apply({ ledger: { pool: 'gb', seq: 0, entries: {} }, load: null })).rejects.toThrow(
        /seq must be a positive integer/,
      );
      await expect(
        store.routingState.apply({ ledger: null, load: { repId: 'r1', day: 'Monday', openDelta: 1, todayDelta: 1 } }),
      ).rejects.toThrow(/YYYY-MM-DD/);
      expect(await everything(store)).toEqual(NOTHING);

      // A decision inserted for a lead in a transaction that then fails: nothing remains.
      await expect(
        store.transaction(async (tx) => {
          await tx.orgVersions.publish({
            hash: org.hash,
            version: org.version,
            configJson: canonicalJson(org.config),
            createdAt: '2026-03-02T10:00:00.000Z',
            createdBy: 't',
          });
          await tx.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' });
          await tx.decisions.append(rec);
          await tx.decisions.append({ ...rec, decisionId: 'dec-2' }); // document says dec-1: refused
        }),
      ).rejects.toThrow(StoreInputError);
      expect(await everything(store)).toEqual(NOTHING);

      // The same decision id twice in one transaction: the second insert fails, the transaction rolls back.
      await expect(
        store.transaction(async (tx) => {
          await tx.orgVersions.publish({
            hash: org.hash,
            version: org.version,
            configJson: canonicalJson(org.config),
            createdAt: '2026-03-02T10:00:00.000Z',
            createdBy: 't',
          });
          await tx.leads.claim({ id: 'L1', orgHash: org.hash, leadJson: canonicalJson(l), receivedAt: '2026-03-02T10:00:00.000Z' });
          await tx.decisions.append(rec);
          await tx.decisions.append(rec);
        }),
      ).rejects.toThrow();
      expect(await everything(store)).toEqual(NOTHING);
    });
  },
);
