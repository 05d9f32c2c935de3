import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeadStatus } from '../../../src/domain/lead/lead-status.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { startStatementCounter } from '../../support/statement-counter.ts';
import { SEED_HASH, STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: leads repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('leads repository: $factory.name', ({ factory, run }) => {
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
  const { seedOrg, seedLead } = serviceSeeds(factory, () => h);

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
    await expect(
      store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7), duplicateOf: null }),
    ).rejects.toThrow(/needs duplicateOf/);
    await expect(
      store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7), duplicateOf: 'A' }),
    ).rejects.toThrow(/itself/);
    // The database refuses a DUPLICATE without an original, and a link to a lead that does not exist.
    await expect(
      store.leads.update('A', { status: 'DUPLICATE', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(7) }),
    ).rejects.toThrow();
    await expect(
      store.leads.update('A', {
        status: 'DUPLICATE',
        teamId: null,
        repId: null,
        orgHash: SEED_HASH,
        updatedAt: iso(7),
        duplicateOf: 'ghost',
      }),
    ).rejects.toThrow();
    expect((await store.leads.get('A'))?.status).toBe('LOST');
  });

  it('leads.insertNew: a new lead updated in its transaction is stored with the final values (SQLite: one INSERT, no UPDATE)', async () => {
    await seedOrg();
    await seedLead(store, 'A');
    const input = (id: string, at = 1) => ({ id, orgHash: SEED_HASH, leadJson: JSON.stringify({ id }), receivedAt: iso(at) });
    const counter = startStatementCounter();
    let inserted;
    try {
      inserted = await store.transaction(async (tx) => {
        const record = await tx.leads.insertNew(input('N'));
        await tx.personalData.put({ leadId: 'N', salt: 'ab', contactJson: '{}', rawJson: '{}', consentJson: null, createdAt: iso(1) });
        await tx.events.record([{ leadId: 'N', kind: 'intake', actor: 'u', at: iso(1), payloadJson: '{}' }]);
        // The second update keeps what only the first changed (the lead document), as two UPDATEs would.
        await tx.leads.update('N', {
          status: 'ASSIGNED',
          teamId: 't',
          repId: 'r1',
          orgHash: SEED_HASH,
          updatedAt: iso(2),
          leadJson: '{"id":"N","v":2}',
        });
        await tx.leads.update('N', { status: 'ASSIGNED', teamId: 't', repId: 'r2', orgHash: SEED_HASH, updatedAt: iso(3) });
        return record;
      });
    } finally {
      counter.stop();
    }
    expect(inserted).toMatchObject({ id: 'N', status: 'NEW', teamId: null, repId: null, receivedAt: iso(1), duplicateOf: null });
    expect(await store.leads.get('N')).toEqual({
      id: 'N',
      status: 'ASSIGNED',
      teamId: 't',
      repId: 'r2',
      orgHash: SEED_HASH,
      leadJson: '{"id":"N","v":2}',
      receivedAt: iso(1),
      updatedAt: iso(3),
      duplicateOf: null,
    });
    expect((await store.events.listForLead('N')).map((e) => e.kind)).toEqual(['intake']);
    const sent = [...counter.snapshot().byStatement.keys()];
    if (factory.name === 'sqlite') {
      expect(sent.filter((s) => /^insert into "leads"/.test(s))).toHaveLength(1);
      expect(sent.some((s) => /^update "leads"/.test(s))).toBe(false);
    }

    // A DUPLICATE folded the same way; a read of its table in between sees the NEW row, and the update still lands.
    await store.transaction(async (tx) => {
      await tx.leads.insertNew(input('D', 2));
      expect((await tx.leads.get('D'))?.status).toBe('NEW');
      await tx.leads.update('D', {
        status: 'DUPLICATE',
        teamId: null,
        repId: null,
        orgHash: SEED_HASH,
        updatedAt: iso(4),
        duplicateOf: 'A',
      });
    });
    expect(await store.leads.get('D')).toMatchObject({ status: 'DUPLICATE', duplicateOf: 'A', updatedAt: iso(4) });

    // An id that exists fails the transaction, and nothing of it is kept (SQLite: at COMMIT, with the held insert).
    await expect(
      store.transaction(async (tx) => {
        await tx.leads.insertNew(input('A', 9));
        await tx.events.record([{ leadId: 'A', kind: 'again', actor: 'u', at: iso(9), payloadJson: '{}' }]);
        await tx.leads.update('A', { status: 'QUEUED', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(9) });
      }),
    ).rejects.toThrow();
    expect(await store.leads.get('A')).toMatchObject({ status: 'ASSIGNED', receivedAt: iso(0), updatedAt: iso(0) });
    expect(await store.events.listForLead('A')).toEqual([]);

    // A rollback keeps nothing; a DUPLICATE whose original does not exist fails (foreign key) and keeps nothing.
    await expect(
      store.transaction(async (tx) => {
        await tx.leads.insertNew(input('R'));
        await tx.leads.update('R', { status: 'ASSIGNED', teamId: 't', repId: 'r1', orgHash: SEED_HASH, updatedAt: iso(2) });
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    await expect(
      store.transaction(async (tx) => {
        await tx.leads.insertNew(input('G'));
        await tx.leads.update('G', {
          status: 'DUPLICATE',
          teamId: null,
          repId: null,
          orgHash: SEED_HASH,
          updatedAt: iso(2),
          duplicateOf: 'ghost',
        });
      }),
    ).rejects.toThrow();
    expect(await store.leads.get('R')).toBeUndefined();
    expect(await store.leads.get('G')).toBeUndefined();
    await expect(store.transaction((tx) => tx.leads.insertNew({ ...input('X'), leadJson: '{"id":"Y"}' }))).rejects.toThrow(/whose id is/);
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
    expect((await walk({ receivedFrom: iso(20).replace('.000Z', 'Z'), receivedTo: iso(50).replace('.000Z', 'Z') }, 10)).flat()).toEqual([
      'L2a',
      'L2b',
      'L3',
      'L4',
    ]);
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

  it('leads.page with openReview: only leads whose OPEN review has that kind and requester, in page order', async () => {
    await seedOrg();
    const review = { kind: 'HELD', reasonCodes: ['SCREENING_REQUIRED'], requestedBy: 'system', requestedAt: iso(1) };
    for (const [i, id] of ['H1', 'H2', 'H3', 'H4', 'H5', 'H6'].entries()) await seedLead(store, id, { at: i * 10, status: 'HELD' });
    await store.reviews.open({ id: 'R1', leadId: 'H1', ...review });
    await store.reviews.open({ id: 'R2', leadId: 'H2', ...review, requestedBy: 'u:carol' }); // a person asked
    await store.reviews.open({ id: 'R3', leadId: 'H3', ...review, kind: 'REFUSED' }); // another kind
    await store.reviews.open({ id: 'R4', leadId: 'H4', ...review });
    await store.reviews.resolve('R4', { status: 'APPROVED', decidedBy: 'u:dana', decidedAt: iso(2), resolutionJson: '{}' }); // decided
    await store.reviews.open({ id: 'R5', leadId: 'H5', ...review });
    await store.reviews.open({ id: 'R6', leadId: 'H6', ...review });
    const openReview = { kind: 'HELD', requestedBy: 'system' };
    expect((await store.leads.page({ status: 'HELD', openReview, limit: 10 })).map((l) => l.id)).toEqual(['H1', 'H5', 'H6']);
    const first = await store.leads.page({ status: 'HELD', openReview, limit: 2 });
    expect(first.map((l) => l.id)).toEqual(['H1', 'H5']);
    expect((await store.leads.page({ status: 'HELD', openReview, after: 'H5', limit: 2 })).map((l) => l.id)).toEqual(['H6']);
    expect((await store.leads.page({ openReview: { kind: 'HELD', requestedBy: 'u:carol' }, limit: 10 })).map((l) => l.id)).toEqual(['H2']);
    await expect(store.leads.page({ openReview: { kind: '', requestedBy: 'system' }, limit: 5 })).rejects.toThrow(/openReview.kind/);
    await expect(store.leads.page({ openReview: { kind: 'HELD', requestedBy: '' }, limit: 5 })).rejects.toThrow(/openReview.requestedBy/);
  });

  it('leads.markUnscreenable (migration 0044): leads.page with unscreenable false skips the marked, true reads only them', async () => {
    await seedOrg();
    for (const [i, id] of ['U1', 'U2', 'U3'].entries()) await seedLead(store, id, { at: i * 10, status: 'HELD' });
    const before = await store.leads.get('U2');
    await store.transaction((tx) => tx.leads.markUnscreenable('U2', 'no_name'));
    // nothing else about the lead changes
    expect(await store.leads.get('U2')).toEqual(before);
    expect((await store.leads.page({ status: 'HELD', unscreenable: false, limit: 10 })).map((l) => l.id)).toEqual(['U1', 'U3']);
    expect((await store.leads.page({ status: 'HELD', unscreenable: true, limit: 10 })).map((l) => l.id)).toEqual(['U2']);
    expect((await store.leads.page({ status: 'HELD', limit: 10 })).map((l) => l.id)).toEqual(['U1', 'U2', 'U3']);
    expect((await store.leads.page({ unscreenable: false, after: 'U1', limit: 1 })).map((l) => l.id)).toEqual(['U3']);
    await expect(store.transaction((tx) => tx.leads.markUnscreenable('ghost', 'no_name'))).rejects.toThrow(/does not exist/);
    await expect(store.transaction((tx) => tx.leads.markUnscreenable('U1', ''))).rejects.toThrow(/unscreenable reason/);
    expect((await store.leads.page({ unscreenable: true, limit: 10 })).map((l) => l.id)).toEqual(['U2']);
  });
});
