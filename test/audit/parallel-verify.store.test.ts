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
 * `audit verify` off the verifying thread gives exactly the verdict of the single-threaded walk (issue 18): leaves hashed
 * on a worker (src/audit/leaf-hasher.ts, batches of 4,096) and ranges read and checked by the store (`audit.leafDigests`:
 * on SQLite worker threads with their own connections, on PostgreSQL in-process; src/audit/leaf-range-scan.ts). On a log
 * of many batches and ranges, an entry tampered with inside one, or on either side of a boundary, is still named with
 * its sequence number and problem, whichever way verification runs.
 */

const ENTRIES = 13_000;
const DEEP = 11_111; // in the third batch, not at a batch boundary
/** Rows per range digest with `method: 'ranges'`: 5000 is both a range boundary and a checkpoint (sealed 2500 at a time). */
const RANGE = 1000;
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

it('the worker hashes a leaf as hashLeafText does (ASCII and not), whole or in pieces', async () => {
  const worker = new LeafHashWorker();
  try {
    const texts = ['{"a":1}', '', 'ünïcödé € 𝄞', 'x'.repeat(100_000)];
    const hexes = (hashes: Buffer) => texts.map((_, i) => toHex(hashes.subarray(i * 32, i * 32 + 32)));
    const expected = texts.map((t) => toHex(hashLeafText(t)));
    expect(hexes(await worker.hash(texts, 1))).toEqual(expected);
    // Three pieces per leaf, cut anywhere but inside a surrogate pair (empty pieces included).
    const pieces = texts.flatMap((t) => {
      const cps = [...t];
      const a = Math.floor(cps.length / 3);
      const b = Math.floor((2 * cps.length) / 3) + (cps.length % 2);
      return [cps.slice(0, a).join(''), cps.slice(a, b).join(''), cps.slice(b).join('')];
    });
    expect(hexes(await worker.hash(pieces, 3))).toEqual(expected);
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

  /** Every method, the ranges ones with ranges of RANGE rows (the worker-thread digests on SQLite); all must agree. */
  const both = async () => {
    const serial = await verifyStoredLog(h.store, { method: 'rows' });
    expect(await verifyStoredLog(h.store, { method: 'leaf-worker' })).toEqual(serial);
    expect(await verifyStoredLog(h.store, { method: 'ranges', rangeSize: RANGE })).toEqual(serial);
    // Ranges that do not divide the checkpoint sizes; ranges ten to a checkpoint interval (a range boundary that does
    // not link is found by the boundary check, not left to the next checkpoint); one range for the whole log.
    expect(await verifyStoredLog(h.store, { method: 'ranges', rangeSize: 777 })).toEqual(serial);
    expect(await verifyStoredLog(h.store, { method: 'ranges', rangeSize: 250 })).toEqual(serial);
    expect(await verifyStoredLog(h.store, { method: 'ranges', rangeSize: ENTRIES })).toEqual(serial);
    return serial;
  };

  it('an intact log verifies the same both ways', { timeout: 120_000 }, async () => {
    const report = await both();
    expect(report.result).toMatchObject({ ok: true, entries: ENTRIES });
    expect(await verifyStoredLog(h.store)).toEqual(report); // the default (one thread) agrees
  });

  // A range of the log: the ranges start at the checkpoint the range is read from, and stop at `to`.
  it.each([
    [5000, 10_000],
    [6001, undefined],
    [0, 7777],
  ])('a range [%i, %s) verifies the same by ranges as by rows, intact and with an entry edited', { timeout: 120_000 }, async (from, to) => {
    const range = { from, ...(to !== undefined ? { to } : {}) };
    const rows = await verifyStoredLog(h.store, { ...range, method: 'rows' });
    expect(rows.result).toMatchObject({ ok: true });
    expect(await verifyStoredLog(h.store, { ...range, method: 'ranges', rangeSize: RANGE })).toEqual(rows);
    const seq = 7_000;
    const row = await rowAt(h, seq);
    await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(`{"x":0,${row.payloadText.slice(1)}`)} WHERE seq = ${seq}`);
    try {
      const edited = await verifyStoredLog(h.store, { ...range, method: 'rows' });
      expect(edited.result).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
      expect(await verifyStoredLog(h.store, { ...range, method: 'ranges', rangeSize: 777 })).toEqual(edited);
    } finally {
      await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(row.payloadText)} WHERE seq = ${seq}`);
    }
  });

  // Deep inside a batch and a range; the first row of a batch; the first and the last row of a range (their
  // predecessor or successor is in another range, read by the other worker).
  it.each([DEEP, 2 * 4096, 8 * RANGE, 8 * RANGE - 1])(
    'an edited payload deep in the log is found at its seq (%i)',
    { timeout: 120_000 },
    async (seq) => {
      const row = await rowAt(h, seq);
      expect(toHex(hashLeafText(storedLeafText(row)))).toBe(row.entryHash);
      const edited = `{"x":0,${row.payloadText.slice(1)}`;
      expect(edited).not.toBe(row.payloadText);
      await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(edited)} WHERE seq = ${seq}`);
      try {
        const report = await both();
        expect(report.ok).toBe(false);
        expect(report.result).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
      } finally {
        await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(row.payloadText)} WHERE seq = ${seq}`);
      }
    },
  );

  // Inside a range; the last row of a range where a checkpoint is also due (5000); the last row of a range.
  it.each([DEEP, 5 * RANGE - 1, 8 * RANGE - 1])(
    'an edited row with its hashes recomputed is named at its seq (%i)',
    { timeout: 120_000 },
    async (seq) => {
      const row = await rowAt(h, seq);
      const actor = 'mallory';
      const forged = toHex(hashLeafText(storedLeafText({ ...row, actor })));
      await h.rawExec(`UPDATE audit_log SET actor = ${sqlText(actor)}, entry_hash = ${sqlText(forged)} WHERE seq = ${seq}`);
      try {
        expect((await both()).result).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
      } finally {
        await h.rawExec(`UPDATE audit_log SET actor = ${sqlText(row.actor)}, entry_hash = ${sqlText(row.entryHash)} WHERE seq = ${seq}`);
      }
      expect((await both()).ok).toBe(true);
    },
  );

  const setChain = (row: StoredAuditRow) =>
    `UPDATE audit_log SET actor = ${sqlText(row.actor)}, prev_hash = ${sqlText(row.prevHash)}, ` +
    `entry_hash = ${sqlText(row.entryHash)} WHERE seq = ${row.seq};`;

  it('a chain rewritten from an edit to the end is caught by the checkpoint, every way', { timeout: 120_000 }, async () => {
    const from = ENTRIES - 400; // after the checkpoint at 12,500, before the one at 13,000
    const original: StoredAuditRow[] = [];
    for await (const row of h.store.audit.storedRows({ from })) original.push(row);
    let prev = original[0]!.prevHash;
    const updates = original.map((row, i) => {
      const forged = { ...row, prevHash: prev, ...(i === 0 ? { actor: 'mallory' } : {}) };
      const entryHash = toHex(hashLeafText(storedLeafText(forged)));
      prev = entryHash;
      return setChain({ ...forged, entryHash });
    });
    await h.rawExec(updates.join('\n'));
    try {
      expect((await both()).result).toMatchObject({ ok: false, firstBad: { seq: 12_500, problem: 'CHECKPOINT_MISMATCH' } });
    } finally {
      const restore = original.map(setChain);
      await h.rawExec(restore.join('\n'));
    }
    expect((await both()).ok).toBe(true);
  });

  // Inside a range, and the first row of a range.
  it.each([DEEP + 1, 6 * RANGE])('a deleted row is named at its seq (%i)', { timeout: 120_000 }, async (seq) => {
    const row = await rowAt(h, seq);
    await h.rawExec(`DELETE FROM audit_log WHERE seq = ${seq}`);
    try {
      expect((await both()).result).toMatchObject({ ok: false, firstBad: { seq, problem: 'DELETED' } });
    } finally {
      const values = [row.kind, row.subject, row.actor, row.at, row.payloadText, row.commitmentsText, row.prevHash, row.entryHash];
      await h.rawExec(
        'INSERT INTO audit_log (seq, kind, subject, actor, at, payload_json, commitments_json, prev_hash, entry_hash) ' +
          `VALUES (${seq}, ${values.map(sqlText).join(', ')})`,
      );
    }
    expect((await both()).ok).toBe(true);
  });
});
