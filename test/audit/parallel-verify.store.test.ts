import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { sealAll } from '../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../src/app/audit/audit-signing-key.ts';
import { hashLeafText, LeafHashWorker, storedLeafText, toHex } from '../../src/audit/index.ts';
import type { AuditEvent, StoredAuditRow } from '../../src/audit/index.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { dropImmutability, sqlText } from './audit-service-fixture.ts';

/**
 * `audit verify` hashing leaves on a worker thread (src/audit/leaf-hasher.ts, issue 18) gives exactly the verdict of the
 * single-threaded walk: on a log of several worker batches (4,096 rows each), an entry tampered with deep inside is
 * still named with its sequence number and problem, whichever way verification runs.
 */

const ENTRIES = 13_000;
const DEEP = 11_111; // in the third batch, not at a batch boundary
const AT = Date.parse('2026-11-24T11:00:00Z');

const event = (i: number): AuditEvent => ({
  kind: i % 5 === 0 ? 'decision' : 'intake',
  subject: `lead-${i % 997}`,
  actor: 'system',
  at: new Date(AT + i * 1000).toISOString(),
  commitments: {},
  payload:
    i % 5 === 0
      ? { decision: { outcome: 'REFUSED', team: null, rep: null }, note: `entry ${i} — ünïcödé €` }
      : { source: i % 2 ? 'web-form' : 'crm', n: i },
});

async function rowAt(h: StoreHarness, seq: number): Promise<StoredAuditRow> {
  for await (const row of h.store.audit.storedRows({ from: seq, to: seq + 1 })) return row;
  throw new Error(`no row ${seq}`);
}

it('the worker hashes a leaf as hashLeafText does (ASCII and not)', async () => {
  const worker = new LeafHashWorker();
  try {
    const texts = ['{"a":1}', '', 'ünïcödé € 𝄞', 'x'.repeat(100_000)];
    const hashes = await worker.hash(texts);
    expect(texts.map((_, i) => toHex(hashes.subarray(i * 32, i * 32 + 32)))).toEqual(texts.map((t) => toHex(hashLeafText(t))));
  } finally {
    await worker.close();
  }
});

const dialects = await bothDialects();
describe.each(dialects)('parallel verification on $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) {
    declareUnreachable(reason);
    return;
  }
  let h: StoreHarness;
  let dir: string;
  beforeAll(async () => {
    h = await factory.create();
    dir = mkdtempSync(join(tmpdir(), 'remit-parallel-verify-'));
    const signer = new AuditSigner({ file: join(dir, 'key.pem') });
    const clock = { now: () => AT };
    for (let start = 0; start < ENTRIES; start += 2500) {
      await h.store.transaction(async (tx) => {
        for (let i = start; i < Math.min(ENTRIES, start + 2500); i++) await tx.audit.append(event(i));
      });
      await sealAll({ store: h.store, clock, signer }, { limit: 2500 });
    }
    await dropImmutability(h, 'audit_log');
  }, 240_000);
  afterAll(async () => {
    await h?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const both = async () => {
    const [serial, parallel] = [await verifyStoredLog(h.store, { parallel: false }), await verifyStoredLog(h.store, { parallel: true })];
    expect(parallel).toEqual(serial);
    return parallel;
  };

  it('an intact log verifies the same both ways', { timeout: 120_000 }, async () => {
    const report = await both();
    expect(report.result).toMatchObject({ ok: true, entries: ENTRIES });
    expect(await verifyStoredLog(h.store)).toEqual(report); // the default (one thread) agrees
  });

  // Deep inside a batch, and the first row of a batch (its look-ahead and predecessor are in other batches).
  it.each([DEEP, 2 * 4096])('an edited payload deep in the log is found at its seq (%i)', { timeout: 120_000 }, async (seq) => {
    const row = await rowAt(h, seq);
    expect(toHex(hashLeafText(storedLeafText(row)))).toBe(row.entryHash);
    const edited = row.payloadText.replace('"source":"', '"source":"x');
    expect(edited).not.toBe(row.payloadText);
    await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(edited)} WHERE seq = ${seq}`);
    try {
      const report = await both();
      expect(report.ok).toBe(false);
      expect(report.result).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
    } finally {
      await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(row.payloadText)} WHERE seq = ${seq}`);
    }
  });

  it('an edited row with its hashes recomputed is named at its seq; a deleted row likewise', { timeout: 120_000 }, async () => {
    const last = ENTRIES - 1;
    const row = await rowAt(h, DEEP);
    const actor = 'mallory';
    const forged = toHex(hashLeafText(storedLeafText({ ...row, actor })));
    await h.rawExec(`UPDATE audit_log SET actor = ${sqlText(actor)}, entry_hash = ${sqlText(forged)} WHERE seq = ${DEEP}`);
    try {
      expect((await both()).result).toMatchObject({ ok: false, firstBad: { seq: DEEP, problem: 'EDITED' } });
    } finally {
      await h.rawExec(`UPDATE audit_log SET actor = ${sqlText(row.actor)}, entry_hash = ${sqlText(row.entryHash)} WHERE seq = ${DEEP}`);
    }
    expect((await both()).ok).toBe(true);
    await h.rawExec(`DELETE FROM audit_log WHERE seq = ${DEEP + 1}`);
    expect((await both()).result).toMatchObject({ ok: false, firstBad: { seq: DEEP + 1, problem: 'DELETED' } });
    expect(last).toBeGreaterThan(DEEP + 1);
  });
});
