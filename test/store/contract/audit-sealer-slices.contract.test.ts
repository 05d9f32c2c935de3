import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyStoredLog } from '../../../src/app/audit/audit-queries.ts';
import {
  AuditSealerService,
  DEFAULT_SEAL_BATCH,
  EVENT_LOOP_SEAL_SLICE,
  type SealResult,
} from '../../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../../src/app/audit/audit-signing-key.ts';
import type { AuditEvent } from '../../../src/audit/index.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/**
 * Issue 18 (lane tail): on SQLite a sealing round is one uninterrupted task of the event loop (node:sqlite answers
 * synchronously), so the service seals a large inbox in slices of EVENT_LOOP_SEAL_SLICE entries with a turn of the
 * loop between them; PostgreSQL keeps its rounds of DEFAULT_SEAL_BATCH. Either way: every entry sealed once, in inbox
 * order, with the text appended, a signed checkpoint per round, and a log that verifies.
 */
describe.each(STORES)('audit sealer service slices: $factory.name', ({ factory, run }) => {
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

  const event = (n: number): AuditEvent => ({
    kind: n % 3 === 0 ? 'intake' : 'screening',
    subject: `lead_${n}`,
    actor: 'system',
    at: iso(n),
    payload: { n, nested: { b: 2, a: [1, 'x', null] } },
    commitments: n % 2 === 0 ? { 'contact.email': `c${n}` } : {},
  });

  const deps = () => ({
    store,
    clock: { now: () => Date.parse('2026-03-02T11:00:00Z') },
    signer: new AuditSigner({ file: '/nonexistent/audit-key.pem' }, generateKeyPairSync('ed25519').privateKey),
  });

  async function drained(): Promise<void> {
    for (let i = 0; i < 500 && (await store.audit.pendingCount()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await store.audit.pendingCount()).toBe(0);
  }

  it('a large inbox: rounds of the store’s size, the event loop turning between them, every entry once and in order', async () => {
    const total = 5 * EVENT_LOOP_SEAL_SLICE + 60;
    const events = Array.from({ length: total }, (_, n) => event(n));
    await store.transaction((tx) => tx.audit.appendMany(events));
    const expected = (await store.audit.pendingTexts(total)).map((p) => p.entry);

    const rounds: SealResult[] = [];
    // Whether an immediate scheduled at the end of one round ran before the next round: the loop's check phase, where
    // the routing batch of the requests read meanwhile runs.
    const turnedBefore: boolean[] = [];
    let turned = true;
    const errors: unknown[] = [];
    const service = new AuditSealerService(deps(), {
      intervalMs: 60_000,
      onError: (e) => errors.push(e),
      onSealed: (r) => {
        rounds.push(r);
        turnedBefore.push(turned);
        turned = false;
        setImmediate(() => (turned = true));
      },
    });
    service.start();
    try {
      await drained();
    } finally {
      await service.stop({ drain: false });
    }
    expect(errors).toEqual([]);

    const slice = store.capabilities.rowLocks ? DEFAULT_SEAL_BATCH : EVENT_LOOP_SEAL_SLICE;
    const sizes = Array.from({ length: Math.ceil(total / slice) }, (_, i) => Math.min(slice, total - i * slice));
    if (!store.capabilities.rowLocks) expect(sizes).toEqual([128, 128, 128, 128, 128, 60]);
    expect(rounds.map((r) => r.sealed)).toEqual(sizes);
    const ends = sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b));
    expect(rounds.map((r) => r.treeSize)).toEqual(ends);
    expect(turnedBefore.every(Boolean)).toBe(true);

    const rows = [];
    for await (const r of store.audit.storedRows()) rows.push(r);
    expect(rows.map((r) => r.seq)).toEqual(events.map((_, i) => i));
    expect(
      rows.map((r) => ({
        kind: r.kind,
        subject: r.subject,
        actor: r.actor,
        at: r.at,
        payloadText: r.payloadText,
        commitmentsText: r.commitmentsText,
      })),
    ).toEqual(expected);
    // One signed checkpoint per round, at its end: a slice is a complete round, not a part of one.
    expect((await store.audit.checkpoints()).map((c) => c.treeSize)).toEqual(ends);
    const report = await verifyStoredLog(store);
    expect(report.ok).toBe(true);
    expect(report.result.ok && report.result.uncheckpointed).toBe(0);
  });

  it('an explicit batch size is kept on either store; stop drains what is left in rounds of it', async () => {
    const events = Array.from({ length: 250 }, (_, n) => event(n));
    await store.transaction((tx) => tx.audit.appendMany(events));
    const service = new AuditSealerService(deps(), {
      batch: 100,
      intervalMs: 60_000,
      onError: (e) => {
        throw e;
      },
    });
    // Never started: stop's drain alone seals the inbox.
    await service.stop();
    expect(await store.audit.pendingCount()).toBe(0);
    expect((await store.audit.checkpoints()).map((c) => c.treeSize)).toEqual([100, 200, 250]);
    expect((await verifyStoredLog(store)).ok).toBe(true);
  });
});
