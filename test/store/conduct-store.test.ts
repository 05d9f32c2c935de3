import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/store/store-errors.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { postgresFactory, postgresOrSkip, sqliteFactory, type StoreHarness } from './store-harness.ts';

/**
 * Migration 0005 repositories (src/store/ports/conduct.port.ts) on both dialects: outreach log, opt-outs, consents, scrubs, promotions,
 * SLA timers.
 */
const pg = await postgresOrSkip();
const iso = (m: number) => new Date(Date.parse('2026-11-24T15:00:00Z') + m * 60_000).toISOString();

async function seedLead(store: Store, id: string) {
  await store.orgVersions.publish({ hash: 'sha256:conduct-test', version: 't', configJson: '{}', createdAt: iso(0), createdBy: 'test' });
  await store.transaction((tx) =>
    tx.leads.claim({ id, orgHash: 'sha256:conduct-test', leadJson: JSON.stringify({ id }), receivedAt: iso(0) }),
  );
}

describe.each([
  { factory: sqliteFactory, run: true },
  { factory: postgresFactory, run: pg.run },
])('conduct store: $factory.name', ({ factory, run }) => {
  if (!run) {
    if (pg.reason)
      it('PostgreSQL is reachable', () => {
        throw new Error(pg.reason);
      });
    else it.skip('PostgreSQL unreachable: skipped', () => {});
    return;
  }
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
    await seedLead(store, 'L1');
    await seedLead(store, 'L2');
  });
  afterEach(async () => h.cleanup());

  it('outreach log by lead or phone; opt-outs by lead, phone or email; consents; promotions', async () => {
    const base = { subject: 'term-life', templateId: null, repId: 'r1', actor: 'k1', decisionJson: '{"decision":"allow"}' };
    await store.conduct.appendOutreach({ ...base, id: 'o1', leadId: 'L1', channel: 'call', phone: '+13055550100', at: iso(1) });
    await store.conduct.appendOutreach({ ...base, id: 'o2', leadId: 'L2', channel: 'call', phone: '+13055550100', at: iso(2) });
    await store.conduct.appendOutreach({ ...base, id: 'o3', leadId: 'L2', channel: 'email', phone: null, at: iso(3) });
    expect((await store.conduct.listOutreach({ leadId: 'L1' })).map((o) => o.id)).toEqual(['o1']);
    expect((await store.conduct.listOutreach({ leadId: 'L1', phone: '+13055550100' })).map((o) => o.id)).toEqual(['o1', 'o2']);
    await expect(
      store.conduct.appendOutreach({ ...base, id: 'o4', leadId: 'L1', channel: 'fax' as never, phone: null, at: iso(4) }),
    ).rejects.toThrow(StoreInputError);

    await store.conduct.addOptOut({
      id: 'x1',
      leadId: 'L2',
      phone: null,
      email: 'a@example.com',
      channel: 'sms',
      kind: 'stop',
      at: iso(5),
      actor: 'k1',
      recordedAt: iso(5),
    });
    expect(await store.conduct.listOptOuts({ leadId: 'L1' })).toEqual([]);
    expect((await store.conduct.listOptOuts({ leadId: 'L1', email: 'a@example.com' })).map((o) => o.id)).toEqual(['x1']);

    await store.conduct.addConsentChange({
      id: 'c1',
      leadId: 'L1',
      channel: 'call',
      action: 'grant',
      at: iso(1),
      wording: 'yes',
      phone: '+13055550100',
      priorExpressWritten: true,
      conditionOfPurchase: false,
      actor: 'k1',
      recordedAt: iso(1),
    });
    expect(await store.conduct.listConsentChanges('L1')).toEqual([
      expect.objectContaining({ id: 'c1', priorExpressWritten: true, conditionOfPurchase: false }),
    ]);

    await store.conduct.upsertPromotion({
      id: 'p1',
      approver: 'A',
      jurisdictions: ['GB'],
      audience: 'all',
      validFrom: null,
      validTo: null,
      updatedAt: iso(0),
    });
    await store.conduct.upsertPromotion({
      id: 'p1',
      approver: 'B',
      jurisdictions: ['GB', 'AE-DU'],
      audience: 'professional_only',
      validFrom: iso(0),
      validTo: null,
      updatedAt: iso(1),
    });
    expect(await store.conduct.listPromotions()).toEqual([
      {
        id: 'p1',
        approver: 'B',
        jurisdictions: ['GB', 'AE-DU'],
        audience: 'professional_only',
        validFrom: iso(0),
        validTo: null,
        updatedAt: iso(1),
      },
    ]);
  });

  it('registry scrubs: each run says whether a number was listed at it; a re-run at the same instant replaces it', async () => {
    await store.conduct.recordScrub({
      registry: 'US_NATIONAL_DNC',
      scrubbedAt: iso(-60 * 24 * 35),
      listed: ['+13055550177'],
      source: 's1',
    });
    await store.conduct.recordScrub({ registry: 'US_NATIONAL_DNC', scrubbedAt: iso(-60 * 24), listed: [], source: 's2' });
    await store.conduct.recordScrub({ registry: 'UK_TPS', scrubbedAt: iso(-60), listed: ['+13055550177'], source: 's3' });
    expect(await store.conduct.scrubsFor('+13055550177')).toEqual([
      { registry: 'UK_TPS', scrubbedAt: iso(-60), listed: true },
      { registry: 'US_NATIONAL_DNC', scrubbedAt: iso(-60 * 24), listed: false },
      { registry: 'US_NATIONAL_DNC', scrubbedAt: iso(-60 * 24 * 35), listed: true },
    ]);
    await store.conduct.recordScrub({ registry: 'UK_TPS', scrubbedAt: iso(-60), listed: [], source: 's3b' });
    expect((await store.conduct.scrubsFor('+13055550177'))[0]).toEqual({ registry: 'UK_TPS', scrubbedAt: iso(-60), listed: false });
  });

  it('SLA timers: schedule, due, claim once, close once, cancel pending', async () => {
    const t = (id: string, kind: 'accept' | 'first_contact', due: number) => ({
      id,
      leadId: 'L1',
      kind,
      repId: 'r1',
      teamId: 't1',
      assignedAt: iso(0),
      dueAt: iso(due),
      createdAt: iso(0),
    });
    await store.slaTimers.schedule([t('s1', 'accept', 15), t('s2', 'first_contact', 120)]);
    expect(await store.slaTimers.due(iso(14), 10)).toEqual([]);
    expect(await store.slaTimers.due(iso(15), 10)).toEqual([{ id: 's1', leadId: 'L1' }]);
    await store.transaction(async (tx) => {
      const claimed = await tx.slaTimers.claim('s1');
      expect(claimed).toMatchObject({ id: 's1', status: 'PENDING' });
      await tx.slaTimers.close('s1', { status: 'FIRED', at: iso(15), by: 'w1', outcomeJson: '{"x":1}' });
    });
    expect(await store.transaction((tx) => tx.slaTimers.claim('s1'))).toBeUndefined();
    await expect(store.slaTimers.close('s1', { status: 'FIRED', at: iso(16), by: 'w2', outcomeJson: null })).rejects.toThrow(/not PENDING/);
    expect(await store.slaTimers.cancelPending('L1', { kinds: ['accept'], at: iso(20), by: 'accepted' })).toBe(0);
    expect(await store.slaTimers.cancelPending('L1', { at: iso(20), by: 'won' })).toBe(1);
    expect((await store.slaTimers.listForLead('L1')).map((x) => [x.id, x.status, x.closedBy])).toEqual([
      ['s1', 'FIRED', 'w1'],
      ['s2', 'CANCELLED', 'won'],
    ]);
    expect((await store.slaTimers.listForLeads(['L1', 'L2'])).map((x) => x.id)).toEqual(['s1', 's2']);
  });

  it.runIf(factory.name === 'postgres')('a timer claimed by one transaction is skipped (not waited for) by another', async () => {
    await store.slaTimers.schedule([
      { id: 's9', leadId: 'L2', kind: 'accept', repId: 'r1', teamId: null, assignedAt: iso(0), dueAt: iso(1), createdAt: iso(0) },
    ]);
    const other = await h.reopen();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let claimedInside!: () => void;
    const claimed = new Promise<void>((r) => (claimedInside = r));
    const first = store.transaction(async (tx) => {
      expect(await tx.slaTimers.claim('s9')).toBeDefined();
      claimedInside();
      await held;
      await tx.slaTimers.close('s9', { status: 'FIRED', at: iso(2), by: 'first', outcomeJson: null });
    });
    await claimed;
    expect(await other.transaction((tx) => tx.slaTimers.claim('s9'))).toBeUndefined();
    release();
    await first;
    expect(await other.transaction((tx) => tx.slaTimers.claim('s9'))).toBeUndefined();
  });
});
