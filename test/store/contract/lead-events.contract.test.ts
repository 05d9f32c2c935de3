import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: lead events repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('lead events repository: $factory.name', ({ factory, run }) => {
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

  it('lead events: appended with increasing seq, listed oldest first, append-only in the database', async () => {
    await seedOrg();
    await seedLead(store, 'E1');
    await seedLead(store, 'E2');
    const e1 = await store.events.append({ leadId: 'E1', kind: 'intake', actor: 'api:key-1', at: iso(0), payloadJson: '{"source":"web"}' });
    const e2 = await store.events.append({ leadId: 'E2', kind: 'intake', actor: 'api:key-1', at: iso(1), payloadJson: '{}' });
    const e3 = await store.events.append({
      leadId: 'E1',
      kind: 'decision',
      actor: 'system',
      at: iso(2),
      payloadJson: '{"outcome":"ASSIGNED"}',
    });
    expect(e1.seq).toBeLessThan(e2.seq);
    expect(e2.seq).toBeLessThan(e3.seq);
    expect(e3).toEqual({ seq: e3.seq, leadId: 'E1', kind: 'decision', actor: 'system', at: iso(2), payloadJson: '{"outcome":"ASSIGNED"}' });
    expect(await store.events.listForLead('E1')).toEqual([e1, e3]);
    expect(await store.events.listForLead('nobody')).toEqual([]);
    await expect(h.rawExec(`update lead_events set actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(h.rawExec(`delete from lead_events`)).rejects.toThrow(/append-only/);
    expect(await store.events.listForLead('E1')).toEqual([e1, e3]);
    // foreign key
    await expect(store.events.append({ leadId: 'ghost', kind: 'intake', actor: 'x', at: iso(0), payloadJson: '{}' })).rejects.toThrow();
    await expect(store.events.append({ leadId: 'E1', kind: 'intake', actor: 'x', at: iso(0), payloadJson: 'nope' })).rejects.toThrow(
      StoreInputError,
    );
  });

  it('appendMany: one statement, seqs increasing in the given order, the records back in that order, all or nothing', async () => {
    await seedOrg();
    await seedLead(store, 'M1');
    await seedLead(store, 'M2');
    const before = await store.events.append({ leadId: 'M2', kind: 'intake', actor: 'api:key-1', at: iso(0), payloadJson: '{}' });
    const many = await store.events.appendMany([
      { leadId: 'M1', kind: 'intake', actor: 'api:key-1', at: iso(1), payloadJson: '{"n":1}' },
      { leadId: 'M1', kind: 'screening', actor: 'system', at: iso(1), payloadJson: '{"n":2}' },
      { leadId: 'M2', kind: 'decision', actor: 'system', at: iso(2), payloadJson: '{"n":3}' },
    ]);
    expect(many.map((e) => [e.leadId, e.kind, e.actor, e.at, e.payloadJson])).toEqual([
      ['M1', 'intake', 'api:key-1', iso(1), '{"n":1}'],
      ['M1', 'screening', 'system', iso(1), '{"n":2}'],
      ['M2', 'decision', 'system', iso(2), '{"n":3}'],
    ]);
    expect(before.seq).toBeLessThan(many[0]!.seq);
    expect(many[0]!.seq).toBeLessThan(many[1]!.seq);
    expect(many[1]!.seq).toBeLessThan(many[2]!.seq);
    expect(await store.events.listForLead('M1')).toEqual([many[0], many[1]]);
    expect(await store.events.listForLead('M2')).toEqual([before, many[2]]);
    expect(await store.events.appendMany([])).toEqual([]);
    // One invalid event: nothing of the batch is written (checked before the insert, and the insert is one statement).
    await expect(
      store.events.appendMany([
        { leadId: 'M1', kind: 'later', actor: 'x', at: iso(3), payloadJson: '{}' },
        { leadId: 'M1', kind: 'bad', actor: 'x', at: iso(3), payloadJson: 'nope' },
      ]),
    ).rejects.toThrow(StoreInputError);
    await expect(
      store.events.appendMany([
        { leadId: 'M1', kind: 'later', actor: 'x', at: iso(3), payloadJson: '{}' },
        { leadId: 'ghost', kind: 'intake', actor: 'x', at: iso(3), payloadJson: '{}' },
      ]),
    ).rejects.toThrow();
    expect(await store.events.listForLead('M1')).toEqual([many[0], many[1]]);
  });

  it('record: appendMany without the seqs back; after earlier events, in the given order; an invalid event writes nothing', async () => {
    await seedOrg();
    await seedLead(store, 'R1');
    const before = await store.events.append({ leadId: 'R1', kind: 'intake', actor: 'api:key-1', at: iso(0), payloadJson: '{}' });
    await store.transaction(async (tx) => {
      await tx.events.record([
        { leadId: 'R1', kind: 'screening', actor: 'system', at: iso(1), payloadJson: '{"n":1}' },
        { leadId: 'R1', kind: 'dedupe.unique', actor: 'system', at: iso(1), payloadJson: '{"n":2}' },
      ]);
      await tx.events.record([{ leadId: 'R1', kind: 'decision', actor: 'system', at: iso(2), payloadJson: '{"n":3}' }]);
    });
    const listed = await store.events.listForLead('R1');
    expect(listed.map((e) => [e.kind, e.payloadJson])).toEqual([
      ['intake', '{}'],
      ['screening', '{"n":1}'],
      ['dedupe.unique', '{"n":2}'],
      ['decision', '{"n":3}'],
    ]);
    expect(listed[0]).toEqual(before);
    expect(listed.map((e) => e.seq)).toEqual([...listed.map((e) => e.seq)].sort((a, b) => a - b));
    await expect(
      store.transaction((tx) => tx.events.record([{ leadId: 'R1', kind: 'bad', actor: 'x', at: iso(3), payloadJson: 'nope' }])),
    ).rejects.toThrow(StoreInputError);
    await expect(
      store.transaction((tx) => tx.events.record([{ leadId: 'ghost', kind: 'intake', actor: 'x', at: iso(3), payloadJson: '{}' }])),
    ).rejects.toThrow();
    await store.events.record([]);
    expect(await store.events.listForLead('R1')).toEqual(listed);
  });
});
