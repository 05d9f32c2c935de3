import { generateKeyPairSync } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyStoredLog, type VerifyMethod } from '../../../src/app/audit/audit-queries.ts';
import { sealAll } from '../../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../../src/app/audit/audit-signing-key.ts';
import { storedLeafHashHex, type StoredAuditRow } from '../../../src/audit/audit-entry.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { AuditReferenceError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { dropImmutability, sqlText } from '../../audit/audit-service-fixture.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { withPgClient, type StoreHarness } from '../store-harness.ts';
import { STORES, iso, manualClock, routeLead, storeReachable } from './contract-support.ts';

/**
 * Issue 18, lane declog (migration 0049): a sealed decision entry's `audit_log` row references its `decisions` row
 * instead of copying the document, and every reader puts the document back, so each reader returns the entry exactly
 * as the copying path sealed it (the pinned entry hash: audit-inbox.contract.test.ts). Rows sealed with the copy (before
 * the migration) are read as before. The decisions row is now part of the sealed record: changing it, or the
 * reference, fails verification at that entry, by every verify method.
 */
describe.each(STORES)('audit log decision references: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  // Each test starts from its own store holding mixedLog(), which opens it; closed after the test.
  let h: StoreHarness | undefined;
  let store: Store;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  const signer = new AuditSigner({ file: '/nonexistent/audit-key.pem' }, generateKeyPairSync('ed25519').privateKey);
  const seal = () => sealAll({ store, clock: { now: () => Date.parse('2026-03-02T11:00:00Z') }, signer });
  const METHODS: readonly VerifyMethod[] = ['rows', 'leaf-worker', 'ranges'];

  /** Two routed leads (entries referencing their decisions), then an entry of the copying form, all sealed. */
  async function mixedLog() {
    h = await factory.create();
    store = h.store;
    const deps = { store, org: storeOrg(), clock: manualClock(), ids: sequentialIds() };
    const d1 = await routeLead(deps, lead({ id: 'L1' }));
    const d2 = await routeLead({ ...deps, ids: sequentialIds(100) }, lead({ id: 'L2' }));
    // The form every decision entry had before migration 0030/0049: the whole payload, no reference.
    const doc1 = (await store.decisions.get(d1.decisionId))!.documentJson;
    const copyText = `{"decision":${doc1},"lead":{"id":"L3"}}`;
    await store.transaction((tx) =>
      tx.audit.append({ kind: 'decision', subject: 'L3', actor: 'system', at: iso(5), payloadText: copyText, commitmentsText: '{}' }),
    );
    const before = (await store.audit.pendingTexts(1000)).map((p) => ({
      kind: p.entry.kind,
      subject: p.entry.subject,
      actor: p.entry.actor,
      at: p.entry.at,
      payloadText: p.entry.payloadText,
      commitmentsText: p.entry.commitmentsText,
    }));
    await seal();
    const rows: StoredAuditRow[] = [];
    for await (const r of store.audit.storedRows()) rows.push(r);
    return { d1, d2, copyText, before, rows };
  }

  /** What the log row itself holds, read behind the port: [decision_ref, stored payload length] per decision entry. */
  const storedRefs = async (): Promise<{ ref: string | null; length: number; seq: number }[]> => {
    const q = `select seq, decision_ref, length(payload_json) as n from audit_log where kind = 'decision' order by seq`;
    type Raw = { seq: unknown; decision_ref: string | null; n: unknown };
    let raw: Raw[];
    if (h!.schema === undefined) {
      const db = new DatabaseSync(h!.url.slice('sqlite:'.length), { readOnly: true });
      try {
        raw = db.prepare(q).all() as unknown as Raw[];
      } finally {
        db.close();
      }
    } else raw = await withPgClient(async (c) => (await c.query<Raw>(q)).rows, h!.schema);
    return raw.map((r) => ({ seq: Number(r.seq), ref: r.decision_ref, length: Number(r.n) }));
  };

  it('a sealed decision row stores the reference, not the document; every reader returns the entry as sealed', async () => {
    const { d1, d2, copyText, before, rows } = await mixedLog();
    const doc1 = (await store.decisions.get(d1.decisionId))!.documentJson;
    const doc2 = (await store.decisions.get(d2.decisionId))!.documentJson;
    const refs = await storedRefs();
    expect(refs.map((r) => r.ref)).toEqual([d1.decisionId, d2.decisionId, null]);
    // Referencing rows are shorter than their document (no copy); the copying row holds all of it.
    expect(refs[0]!.length).toBeLessThan(doc1.length);
    expect(refs[1]!.length).toBeLessThan(doc2.length);
    expect(refs[2]!.length).toBe(copyText.length);
    // storedRows (verify's reader): the texts the sealer hashed, each hashing to its entry hash.
    expect(
      rows.map(({ kind, subject, actor, at, payloadText, commitmentsText }) => ({
        kind,
        subject,
        actor,
        at,
        payloadText,
        commitmentsText,
      })),
    ).toEqual(before);
    for (const r of rows) expect(storedLeafHashHex(r)).toBe(r.entryHash);
    const decisionRows = rows.filter((r) => r.kind === 'decision');
    expect(decisionRows.map((r) => r.payloadText)).toEqual([
      expect.stringContaining(`"decision":${doc1}`),
      expect.stringContaining(`"decision":${doc2}`),
      copyText,
    ]);
    // The parsed readers (export, lead story, replay, erasure): the same payloads.
    const parsed = new Map(rows.map((r) => [r.seq, JSON.parse(r.payloadText) as unknown]));
    const all = [];
    for await (const r of store.audit.rows()) all.push(r);
    expect(all.map((r) => [r.seq, r.payload])).toEqual(rows.map((r) => [r.seq, parsed.get(r.seq)]));
    const inRange = [];
    for await (const r of store.audit.rowsInDateRange({})) inRange.push(r);
    expect(inRange).toEqual(all);
    for (const subject of ['L1', 'L2', 'L3'])
      expect(await store.audit.rowsForSubject(subject)).toEqual(all.filter((r) => r.subject === subject));
    // The range digests (SQLite: worker threads with their own reader) hash the same texts.
    const leaves: string[] = [];
    for await (const d of store.audit.leafDigests({ from: 0, to: rows.length, rangeSize: 3, payloadFields: {} })) {
      expect(d.kind).toBe('clean');
      if (d.kind === 'clean') leaves.push(Buffer.from(d.leaves).toString('hex'));
    }
    expect(leaves.join('')).toBe(rows.map((r) => r.entryHash).join(''));
    for (const method of METHODS) expect((await verifyStoredLog(store, { method, rangeSize: 3 })).ok, method).toBe(true);
  });

  it('a referenced decisions row changed behind the triggers fails verification at its entry, by every method', async () => {
    const { d2, rows } = await mixedLog();
    const seq = rows.find((r) => r.subject === 'L2' && r.kind === 'decision')!.seq;
    await expect(h!.rawExec(`UPDATE decisions SET decided_at = decided_at WHERE decision_id = ${sqlText(d2.decisionId)}`)).rejects.toThrow(
      /append-only/,
    );
    await dropImmutability(h!, 'decisions');
    const doc = (await store.decisions.get(d2.decisionId))!.documentJson;
    const i = doc.indexOf('"outcome":"') + '"outcome":"'.length;
    expect(i).toBeGreaterThan(10);
    const edited = `${doc.slice(0, i)}X${doc.slice(i + 1)}`;
    await h!.rawExec(`UPDATE decisions SET document_json = ${sqlText(edited)} WHERE decision_id = ${sqlText(d2.decisionId)}`);
    for (const method of METHODS) {
      const report = await verifyStoredLog(store, { method, rangeSize: 3 });
      expect(report.result, method).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
    }
  });

  it('a reference that no longer holds fails verification at its entry, and the parsed readers refuse the entry', async () => {
    const { rows } = await mixedLog();
    const seq = rows.find((r) => r.subject === 'L1' && r.kind === 'decision')!.seq;
    await dropImmutability(h!, 'audit_log');
    await h!.rawExec(`UPDATE audit_log SET decision_ref = 'dec-missing' WHERE seq = ${seq}`);
    for (const method of METHODS) {
      const report = await verifyStoredLog(store, { method, rangeSize: 3 });
      expect(report.result, method).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
    }
    await expect(store.audit.rowsForSubject('L1')).rejects.toBeInstanceOf(AuditReferenceError);
    await expect(store.audit.rowsForSubject('L1')).rejects.toThrow(/references decision dec-missing/);
    // The other entries read as before.
    expect((await store.audit.rowsForSubject('L2')).length).toBeGreaterThan(0);
  });

  it('the reference pointed at another decision fails verification at its entry', async () => {
    const { d2, rows } = await mixedLog();
    const seq = rows.find((r) => r.subject === 'L1' && r.kind === 'decision')!.seq;
    await dropImmutability(h!, 'audit_log');
    await h!.rawExec(`UPDATE audit_log SET decision_ref = ${sqlText(d2.decisionId)} WHERE seq = ${seq}`);
    for (const method of METHODS) {
      const report = await verifyStoredLog(store, { method, rangeSize: 3 });
      expect(report.result, method).toMatchObject({ ok: false, firstBad: { seq, problem: 'EDITED' } });
    }
  });
});
