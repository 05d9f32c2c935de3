import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAll } from '../../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../../src/app/audit/audit-signing-key.ts';
import {
  projectPayload,
  type AuditEvent,
  type LeafDigestRequest,
  type LeafRangeDigest,
  type StoredAuditRow,
} from '../../../src/audit/index.ts';
import { dropImmutability, sqlText } from '../../audit/audit-service-fixture.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, storeReachable } from './contract-support.ts';

/**
 * Storage contract of `audit.leafDigests` (issue 18: `audit verify` of a large log checks ranges where the data is —
 * SQLite on worker threads with their own read connections, PostgreSQL in this process): the same digests on both,
 * each range's leaf hashes equal to its rows' entry hashes, the payload fields asked for (parsed where the rows are
 * read, only those fields sent back), and a range with a
 * row that is not as sealed reported unclean (never skipped).
 */
const ENTRIES = 300;

const event = (i: number): AuditEvent => ({
  kind: i % 3 === 0 ? 'decision' : 'intake',
  subject: `lead_${i % 17}`,
  actor: i % 7 === 0 ? 'user:ünïcödé' : 'system',
  at: iso(i),
  payload: i % 3 === 0 ? { decision: { outcome: 'ASSIGNED', team: { id: `t${i}` } } } : { n: i, note: 'a "quoted" €' },
  commitments: i % 2 === 0 ? { 'contact.email': `c${i}` } : {},
});

describe.each(STORES)('audit leaf digests: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let rows: StoredAuditRow[];
  beforeAll(async () => {
    h = await factory.create();
    const signer = new AuditSigner({ file: '/nonexistent/audit-key.pem' }, generateKeyPairSync('ed25519').privateKey);
    await h.store.transaction(async (tx) => tx.audit.appendMany(Array.from({ length: ENTRIES }, (_, i) => event(i))));
    await sealAll({ store: h.store, clock: { now: () => Date.parse('2026-03-02T11:00:00Z') }, signer }, { limit: 120 });
    rows = [];
    for await (const r of h.store.audit.storedRows()) rows.push(r);
    await dropImmutability(h, 'audit_log');
  }, 60_000);
  afterAll(async () => {
    await h?.cleanup();
  });

  const digests = async (request: LeafDigestRequest): Promise<LeafRangeDigest[]> => {
    const out: LeafRangeDigest[] = [];
    for await (const d of h.store.audit.leafDigests(request)) out.push(d);
    return out;
  };

  it('covers the request in consecutive ranges: leaf hashes are the entry hashes, payloads those of the kinds asked for', async () => {
    expect(rows).toHaveLength(ENTRIES);
    const fields = [['decision', 'outcome'], ['decision', 'team', 'id'], ['decision', 'rep', 'id'], ['missing']];
    const got = await digests({ from: 0, to: ENTRIES, rangeSize: 64, payloadFields: { decision: fields } });
    expect(got.map((d) => [d.kind, d.from, d.to])).toEqual([
      ['clean', 0, 64],
      ['clean', 64, 128],
      ['clean', 128, 192],
      ['clean', 192, 256],
      ['clean', 256, 300],
    ]);
    for (const d of got) {
      if (d.kind !== 'clean') throw new Error('unclean');
      const inRange = rows.slice(d.from, d.to);
      expect(Buffer.from(d.leaves).toString('hex')).toBe(inRange.map((r) => r.entryHash).join(''));
      expect(d.firstPrevHash).toBe(inRange[0]!.prevHash);
      expect(d.lastEntryHash).toBe(inRange.at(-1)!.entryHash);
      expect(d.payloads).toEqual(
        inRange
          .filter((r) => r.kind === 'decision')
          .map((r) => ({ seq: r.seq, kind: r.kind, subject: r.subject, payload: projectPayload(JSON.parse(r.payloadText), fields) })),
      );
    }
    // Only the fields asked for travel: the decision's outcome and team id, no rep (absent), nothing else.
    const first = got[0]!.kind === 'clean' ? got[0]!.payloads[0] : undefined;
    expect(first).toEqual({
      seq: 0,
      kind: 'decision',
      subject: 'lead_0',
      payload: { decision: { outcome: 'ASSIGNED', team: { id: 't0' } } },
    });
  });

  it('a sub-range, no payloads asked for', async () => {
    const got = await digests({ from: 100, to: 250, rangeSize: 100, payloadFields: {} });
    expect(got.map((d) => [d.kind, d.from, d.to, d.kind === 'clean' ? d.payloads.length : -1])).toEqual([
      ['clean', 100, 200, 0],
      ['clean', 200, 250, 0],
    ]);
  });

  it('a range with an edited, a missing or a re-chained row is unclean; the others stay clean', async () => {
    const request = { from: 0, to: ENTRIES, rangeSize: 100, payloadFields: {} };
    const kinds = async () => (await digests(request)).map((d) => d.kind);
    const row = rows[150]!;
    await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(`{"x":0,${row.payloadText.slice(1)}`)} WHERE seq = 150`);
    expect(await kinds()).toEqual(['clean', 'unclean', 'clean']);
    await h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(row.payloadText)} WHERE seq = 150`);
    // A row recording another predecessor: its range is unclean.
    await h.rawExec(`UPDATE audit_log SET prev_hash = ${sqlText('0'.repeat(64))} WHERE seq = 250`);
    expect(await kinds()).toEqual(['clean', 'clean', 'unclean']);
    await h.rawExec(`UPDATE audit_log SET prev_hash = ${sqlText(rows[249]!.entryHash)} WHERE seq = 250`);
    await h.rawExec(`DELETE FROM audit_log WHERE seq = 299`);
    expect(await kinds()).toEqual(['clean', 'clean', 'unclean']);
    // The rows before the gap are still all there.
    expect((await digests({ ...request, to: 299 })).map((d) => [d.kind, d.to])).toEqual([
      ['clean', 100],
      ['clean', 200],
      ['clean', 299],
    ]);
  });
});
