import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeadOutcomeRecord } from '../../../src/store/ports/lead-outcomes.port.ts';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

const ATTRIBUTION = { rep: 'amelia', team: 'uk', rule: 'uk-retail', strategy: 'round-robin', segment: 'smb', source: 'web' };
const outcome = (id: string, leadId: string, over: Partial<LeadOutcomeRecord> = {}): Omit<LeadOutcomeRecord, 'seq'> => ({
  id,
  leadId,
  kind: 'WON',
  value: 1250.5,
  currency: 'EUR',
  reasonCode: 'PRICE',
  note: 'Met Jane Doe at the fair',
  closedAt: iso(60),
  recordedAt: iso(61),
  recordedBy: 'amelia',
  channel: 'api',
  decisionId: 'dec-1',
  attribution: ATTRIBUTION,
  ...over,
});

/** Storage contract: lead outcomes (migration 0027), on SQLite and PostgreSQL alike. */
describe.each(STORES)('lead outcomes repository: $factory.name', ({ factory, run }) => {
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

  it('appends numbered outcomes; the latest is current, the earlier ones stay as history; facts round-trip exactly', async () => {
    await seedOrg();
    await seedLead(store, 'O1');
    await seedLead(store, 'O2');
    const first = await store.outcomes.append(outcome('out-1', 'O1', { kind: 'LOST', value: null, currency: null, note: null }));
    const second = await store.outcomes.append(outcome('out-2', 'O1'));
    const other = await store.outcomes.append(outcome('out-3', 'O2', { attribution: { ...ATTRIBUTION, segment: null, rule: null } }));
    expect([first.seq, second.seq, other.seq]).toEqual([1, 2, 1]);
    expect(await store.outcomes.listForLead('O1')).toEqual([first, second]);
    expect(second).toEqual({ ...outcome('out-2', 'O1'), seq: 2 });
    const current = await store.outcomes.currentFor(['O1', 'O2', 'nobody']);
    expect([...current.entries()]).toEqual([
      ['O1', second],
      ['O2', other],
    ]);
    expect(await store.outcomes.currentFor([])).toEqual(new Map());
  });

  it("lists every lead's current outcome once, in lead id order, and counts every row (the model watermark)", async () => {
    await seedOrg();
    for (const id of ['O2', 'O1', 'O3']) await seedLead(store, id);
    expect(await store.outcomes.currentAll()).toEqual([]);
    expect(await store.outcomes.count()).toBe(0);
    const o2 = await store.outcomes.append(outcome('out-1', 'O2', { kind: 'LOST', value: null, currency: null }));
    await store.outcomes.append(outcome('out-2', 'O1'));
    const o1 = await store.outcomes.append(outcome('out-3', 'O1', { kind: 'DISQUALIFIED', value: null, currency: null }));
    expect(await store.outcomes.currentAll()).toEqual([o1, o2]);
    expect(await store.outcomes.count()).toBe(3);
  });

  it('erasure clears the notes only; the facts needed for statistics stay', async () => {
    await seedOrg();
    await seedLead(store, 'O1');
    await store.outcomes.append(outcome('out-1', 'O1'));
    await store.outcomes.append(outcome('out-2', 'O1', { note: null }));
    expect(await store.outcomes.forgetNotes('O1')).toBe(1);
    expect(await store.outcomes.listForLead('O1')).toEqual([
      { ...outcome('out-1', 'O1'), note: null, seq: 1 },
      { ...outcome('out-2', 'O1', { note: null }), seq: 2 },
    ]);
    expect(await store.outcomes.forgetNotes('O1')).toBe(0);
  });

  it('refuses bad input and writes nothing; an unknown lead fails; a rolled-back append leaves nothing', async () => {
    await seedOrg();
    await seedLead(store, 'O1');
    const bad: Partial<LeadOutcomeRecord>[] = [
      { kind: 'MAYBE' as never },
      { value: -1 },
      { value: Number.NaN },
      { currency: null },
      { value: null },
      { currency: 'euro' },
      { reasonCode: 'too expensive' },
      { closedAt: 'yesterday' },
      { recordedBy: '' },
      { channel: 'fax' as never },
    ];
    for (const over of bad) await expect(store.outcomes.append(outcome('bad', 'O1', over))).rejects.toThrow(StoreInputError);
    await expect(store.outcomes.append(outcome('ghost', 'nobody'))).rejects.toThrow();
    await expect(
      store.transaction(async (tx) => {
        await tx.outcomes.append(outcome('rolled', 'O1'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.outcomes.listForLead('O1')).toEqual([]);
  });
});

/** Storage contract: conversion model snapshots (migration 0028), on SQLite and PostgreSQL alike. */
describe.each(STORES)('outcome models repository: $factory.name', ({ factory, run }) => {
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
  const model = (version: string, rows: number, at: number) => ({
    version,
    modelJson: `{"v":"${version}"}`,
    outcomeRows: rows,
    builtAt: iso(at),
  });

  it('publishes models by version, immutable; the head moves to the last published, also back to an earlier version', async () => {
    expect(await store.outcomeModels.head()).toBeUndefined();
    expect(await store.outcomeModels.headVersion()).toBeUndefined();
    expect(await store.outcomeModels.get('a')).toBeUndefined();
    await store.outcomeModels.publish(model('a', 3, 1));
    await store.outcomeModels.publish(model('b', 5, 2));
    expect(await store.outcomeModels.head()).toEqual(model('b', 5, 2));
    expect(await store.outcomeModels.headVersion()).toBe('b');
    // The same content again (a correction undid the last outcome): the stored model stays as first built, the head moves.
    await store.outcomeModels.publish({ ...model('a', 6, 3), modelJson: '{"changed":true}' });
    expect(await store.outcomeModels.get('a')).toEqual(model('a', 3, 1));
    expect(await store.outcomeModels.head()).toEqual({ ...model('a', 6, 3), modelJson: '{"v":"a"}' });
    expect(await store.outcomeModels.get('b')).toEqual(model('b', 5, 2));
  });

  it('refuses bad input and changes nothing; a rolled-back publish leaves the head where it was', async () => {
    await store.outcomeModels.publish(model('a', 3, 1));
    for (const over of [{ version: '' }, { modelJson: '' }, { outcomeRows: -1 }, { outcomeRows: 1.5 }, { builtAt: 'now' }])
      await expect(store.outcomeModels.publish({ ...model('x', 1, 2), ...over })).rejects.toThrow(StoreInputError);
    await expect(
      store.transaction(async (tx) => {
        await tx.outcomeModels.publish(model('c', 9, 4));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.outcomeModels.head()).toEqual(model('a', 3, 1));
    expect(await store.outcomeModels.get('c')).toBeUndefined();
  });
});
