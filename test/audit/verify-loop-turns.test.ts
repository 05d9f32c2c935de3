import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { sealAll } from '../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../src/app/audit/audit-signing-key.ts';
import type { AuditEvent } from '../../src/audit/index.ts';
import { sqliteFactory, type StoreHarness } from '../store/store-harness.ts';

/**
 * Issue 18 (lane tail): `remit serve`'s hourly audit watch verifies the whole log on the main thread. On SQLite every
 * read answers synchronously, so without turns the verification of a 7,400-entry log held every request for ~330 ms.
 * The verification's rows come through `withLoopTurns`: once its 10 ms budget is spent, the loop gets a turn before
 * the next row. Here the clock moves 20 ms per read, so every row spends the budget and must be preceded by a turn.
 * (SQLite only: PostgreSQL's reads wait for I/O, so its loop turns whether or not the rows come through it.)
 */
const ENTRIES = 600;
let h: StoreHarness;
beforeEach(async () => {
  h = await sqliteFactory.create();
  const event = (n: number): AuditEvent => ({
    kind: 'intake',
    subject: `lead_${n}`,
    actor: 'system',
    at: new Date(Date.parse('2026-12-01T00:00:00Z') + n * 1000).toISOString(),
    payload: { n },
    commitments: {},
  });
  await h.store.transaction((tx) => tx.audit.appendMany(Array.from({ length: ENTRIES }, (_, n) => event(n))));
  const signer = new AuditSigner({ file: '/nonexistent/audit-key.pem' }, generateKeyPairSync('ed25519').privateKey);
  await sealAll({ store: h.store, clock: { now: () => Date.parse('2026-12-01T12:00:00Z') }, signer }, { limit: 250 });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h.cleanup();
});

async function turnsDuringVerify(): Promise<{ turns: number; ok: boolean }> {
  let turns = 0;
  let stop = false;
  const tick = () => {
    turns++;
    if (!stop) setImmediate(tick);
  };
  setImmediate(tick);
  const report = await verifyStoredLog(h.store);
  stop = true;
  return { turns, ok: report.ok };
}

it('a verification that has spent its budget gives the event loop a turn before its next row; the verdict is unchanged', async () => {
  let t = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (t += 20));
  const { turns, ok } = await turnsDuringVerify();
  expect(ok).toBe(true);
  expect(turns).toBeGreaterThanOrEqual(ENTRIES);
});

it('with time to spare it adds no turn (a small log verifies in one go)', async () => {
  vi.spyOn(performance, 'now').mockReturnValue(0);
  const { turns, ok } = await turnsDuringVerify();
  expect(ok).toBe(true);
  expect(turns).toBe(0);
});
