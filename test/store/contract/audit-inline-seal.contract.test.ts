import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyStoredLog } from '../../../src/app/audit/audit-queries.ts';
import { sealAll } from '../../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../../src/app/audit/audit-signing-key.ts';
import { appendAudit, appendAuditMany } from '../../../src/app/audit/audit-trail.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, crashingAt, everything, iso, manualClock, routeLead, storeReachable } from './contract-support.ts';

/**
 * Issue 18, lane sealinline: on a store whose write transactions are serialised (SQLite), a transaction seals its own
 * audit entries — no inbox row — with the same AuditSealer, so the log is what the inbox + sealer path gives (docs/audit.md
 * "Sealed in the lead's transaction"). PostgreSQL keeps the inbox: the same checks hold there through the sealer.
 */

/** The decision entry main sealed for this lead through the inbox (audit-inbox.contract.test.ts pins the same values). */
const PINNED_DECISION_ENTRY_HASH = 'cd9a6458e602f29e68db4b70f5fb28bb1c4c564a788969ba98066de9950a1451';

describe.each(STORES)('audit entries sealed in their own transaction: $factory.name', ({ factory, run }) => {
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

  const inline = () => store.audit.sealsInline;
  const clock = { now: () => Date.parse('2026-03-02T11:00:00Z') };
  const key = generateKeyPairSync('ed25519').privateKey;
  const seal = (logId = 'remit-audit-pin') =>
    sealAll({ store, clock, signer: new AuditSigner({ file: '/nonexistent/audit-key.pem' }, key), newLogId: () => logId });
  const entry = (subject: string, n: number) => ({ kind: 'org_change' as const, subject, actor: 'cli', at: iso(n), payload: { n } });
  const stored = async (s: Store = store) => {
    const rows = [];
    for await (const r of s.audit.storedRows()) rows.push(r);
    return rows;
  };
  const verified = async () => {
    const report = await verifyStoredLog(store);
    expect(report.result).toMatchObject({ ok: true });
    return report;
  };

  it('SQLite only: the store says so', () => {
    expect(store.audit.sealsInline).toBe(factory.name === 'sqlite');
  });

  it("a lead's entries are in the log at COMMIT with no inbox row, byte for byte what the sealer gave; the sealer then signs them", async () => {
    await seal(); // starts the log (the sealer names it), empty
    expect(await store.audit.size()).toBe(0);
    await routeLead({ store, org: storeOrg(), clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
    if (inline()) {
      expect(await store.audit.pendingCount()).toBe(0);
      expect(await store.audit.size()).toBeGreaterThan(1);
      expect(await store.audit.checkpoints()).toEqual([]);
    } else expect(await store.audit.pendingCount()).toBeGreaterThan(1);
    expect((await seal()).leader).toBe(true);
    const rows = await stored();
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
    expect(rows.find((r) => r.kind === 'decision')!.entryHash).toBe(PINNED_DECISION_ENTRY_HASH);
    expect((await store.audit.latestCheckpoint())?.treeSize).toBe(rows.length);
    expect((await verified()).result).toMatchObject({ uncheckpointed: 0 });
    // Nothing new: no further checkpoint.
    await seal();
    expect((await store.audit.checkpoints()).length).toBe(1);
  });

  it('before the sealer has started the log, entries wait in the inbox as before', async () => {
    await routeLead({ store, org: storeOrg(), clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
    expect(await store.audit.size()).toBe(0);
    expect(await store.audit.pendingCount()).toBeGreaterThan(1);
  });

  /** A store whose transactions fail after their work is done, just before COMMIT (the entries are written by then). */
  const failingBeforeCommit = (s: Store): Store => ({
    ...s,
    transaction: (fn) =>
      s.transaction(async (tx) => {
        await fn(tx);
        throw new Error('simulated crash in commit');
      }),
  });

  it.each(['audit.commitSeal', 'routingState.apply', 'commit'])(
    'a crash inside the transaction (%s) leaves neither the lead nor its entries; the next lead takes the same place',
    async (step) => {
      await seal();
      const org = storeOrg();
      await routeLead({ store, org, clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L0' }));
      const before = { ...(await everything(store)), log: await stored(), inbox: await store.audit.pendingCount() };
      const broken = step === 'commit' ? failingBeforeCommit(store) : crashingAt(store, step);
      const failing = routeLead({ store: broken, org, clock: manualClock(), ids: sequentialIds(100) }, lead({ id: 'L1' }));
      // On PostgreSQL the inbox path never calls commitSeal in a business transaction: that crash cannot happen there.
      if (step === 'audit.commitSeal' && !inline()) await failing;
      else {
        await expect(failing).rejects.toThrow(`simulated crash in ${step}`);
        expect({ ...(await everything(store)), log: await stored(), inbox: await store.audit.pendingCount() }).toEqual(before);
      }
      await routeLead({ store, org, clock: manualClock(), ids: sequentialIds(200) }, lead({ id: 'L2' }));
      await seal();
      const rows = await stored();
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
      await verified();
    },
  );

  it('several changes in one transaction (a routing batch) seal dense and in order', async () => {
    await seal();
    await store.transaction(async (tx) => {
      await appendAudit(tx, entry('a', 1));
      await appendAuditMany(tx, [entry('b', 2), entry('c', 3)]);
      await appendAudit(tx, entry('d', 4));
    });
    await routeLead({ store, org: storeOrg(), clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
    await store.transaction(async (tx) => {
      await appendAudit(tx, entry('e', 5));
      await appendAudit(tx, entry('f', 6));
    });
    await seal();
    const rows = await stored();
    expect(rows.slice(0, 4).map((r) => r.subject)).toEqual(['a', 'b', 'c', 'd']);
    expect(rows.slice(-2).map((r) => r.subject)).toEqual(['e', 'f']);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
    await verified();
  });

  it('inbox rows from before the upgrade are sealed before any later entry; then transactions seal inline again', async () => {
    await seal();
    // What an older release (or one still running) wrote: inbox rows.
    await store.transaction(async (tx) => {
      await tx.audit.append(entry('old-1', 1));
      await tx.audit.append(entry('old-2', 2));
    });
    await store.transaction((tx) => appendAudit(tx, entry('new-1', 3)));
    // Behind the waiting rows, not ahead of them.
    expect(await store.audit.pendingCount()).toBe(3);
    expect(await store.audit.size()).toBe(0);
    await seal();
    await store.transaction((tx) => appendAudit(tx, entry('new-2', 4)));
    expect(await store.audit.pendingCount()).toBe(inline() ? 0 : 1);
    await seal();
    expect((await stored()).map((r) => r.subject)).toEqual(['old-1', 'old-2', 'new-1', 'new-2']);
    await verified();
  });

  it('another process writing the same store between and alongside leads keeps one dense, verifying chain', async () => {
    await seal();
    const other = await openStore({ url: h.url, schema: h.schema }); // the CLI while `remit serve` runs
    try {
      const org = storeOrg();
      await routeLead({ store, org, clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
      await other.transaction((tx) => appendAudit(tx, entry('cli-1', 1)));
      await routeLead({ store, org, clock: manualClock(), ids: sequentialIds(100) }, lead({ id: 'L2' }));
      await Promise.all([
        ...[3, 4, 5].map((n) => routeLead({ store, org, clock: manualClock(), ids: sequentialIds(n * 100) }, lead({ id: `L${n}` }))),
        ...[2, 3, 4].map((n) => other.transaction((tx) => appendAudit(tx, entry(`cli-${n}`, n)))),
      ]);
      await seal();
      const rows = await stored(other);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
      expect(rows.filter((r) => r.kind === 'decision')).toHaveLength(5);
      expect(rows.filter((r) => r.subject.startsWith('cli-')).map((r) => r.subject)).toEqual(
        expect.arrayContaining(['cli-1', 'cli-2', 'cli-3', 'cli-4']),
      );
      expect((await verified()).result).toMatchObject({ uncheckpointed: 0 });
    } finally {
      await other.close();
    }
  });
});
