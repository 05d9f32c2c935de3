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
