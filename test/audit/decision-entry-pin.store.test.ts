import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealAll } from '../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../src/app/audit/audit-signing-key.ts';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { sequentialIds } from '../../src/domain/shared/clock.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { lead, storeOrg } from '../store/fixtures/org.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { STORES, manualClock, routeLead, storeReachable } from '../store/contract/contract-support.ts';

/**
 * Issue 18: a decision's audit entry no longer copies the decision document into the inbox (it references the
 * `decisions` row and the sealer splices the document back). The sealed entry must be byte for byte what the old path
 * sealed. The pinned values below were produced by main at e13b274 (the copying path) running this same scenario.
 */
const PINNED = {
  /** sha256 of the sealed decision entry's payload text. */
  payloadSha256: '6115aff187853439c18958ebe2c2e5fa415363c4f4ab1be0216debcf0ffe4237',
  entryHash: 'cd9a6458e602f29e68db4b70f5fb28bb1c4c564a788969ba98066de9950a1451',
  seq: 1,
};

describe.each(STORES)('a sealed decision entry is byte-identical to the copying path: $factory.name', ({ factory, run }) => {
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

  it('pinned payload text and entry hash; the log verifies', async () => {
    const org = storeOrg();
    const decision = await routeLead({ store, org, clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
    expect(decision.outcome).toBe('ASSIGNED');
    const key = generateKeyPairSync('ed25519').privateKey;
    await sealAll({
      store,
      clock: { now: () => Date.parse('2026-03-02T11:00:00Z') },
      signer: new AuditSigner({ file: '/nonexistent/audit-key.pem' }, key),
      newLogId: () => 'remit-audit-pin',
    });
    const rows = [];
    for await (const r of store.audit.storedRows()) rows.push(r);
    const entry = rows.find((r) => r.kind === 'decision')!;
    expect(entry.seq).toBe(PINNED.seq);
    expect(createHash('sha256').update(entry.payloadText).digest('hex')).toBe(PINNED.payloadSha256);
    expect(entry.entryHash).toBe(PINNED.entryHash);
    // The decisions row says the same decision as the sealed entry (the entry holds the full document).
    const stored = await store.decisions.get(decision.decisionId);
    expect(JSON.parse(stored!.documentJson)).toEqual((JSON.parse(entry.payloadText) as { decision: unknown }).decision);
    expect((await verifyStoredLog(store)).ok).toBe(true);
  });
});
