import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyStoredLog } from '../../../src/app/audit/audit-queries.ts';
import { sealAll, sealPending } from '../../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../../src/app/audit/audit-signing-key.ts';
import type { AuditEvent } from '../../../src/audit/index.ts';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { AuditReferenceError, StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { DatabaseSync } from 'node:sqlite';
import { withPgClient, type StoreHarness } from '../store-harness.ts';
import { STORES, crashingAt, everything, iso, manualClock, routeLead, storeReachable } from './contract-support.ts';

/**
 * Issue 18: a decision's inbox entry references its `decisions` row instead of copying the document; the sealer splices it
 * back. The sealed entry must be byte for byte what the copying path sealed: these values were produced by main at
 * e13b274 (the copying path) running the pin test below.
 */
const PINNED_DECISION_ENTRY = {
  seq: 1,
  /** sha256 of the sealed decision entry's payload text. */
  payloadSha256: '6115aff187853439c18958ebe2c2e5fa415363c4f4ab1be0216debcf0ffe4237',
  entryHash: 'cd9a6458e602f29e68db4b70f5fb28bb1c4c564a788969ba98066de9950a1451',
};

/** Storage contract: the audit inbox's multi-row append and decision references (issue 18), on SQLite and PostgreSQL alike. */
describe.each(STORES)('audit inbox appendMany: $factory.name', ({ factory, run }) => {
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

  const event = (kind: AuditEvent['kind'], n: number): AuditEvent => ({
    kind,
    subject: `lead_${n}`,
    actor: 'system',
    at: iso(n),
    payload: { n, nested: { b: 2, a: [1, 'x', null] } },
    commitments: n % 2 === 0 ? { 'contact.email': `c${n}` } : {},
  });

  it('stores every event in array order, exactly as single appends would', async () => {
    const events = [event('intake', 1), event('account_match', 2), event('screening', 3)];
    await store.transaction(async (tx) => {
      await tx.audit.append(event('intake', 0));
      await tx.audit.appendMany(events);
      await tx.audit.appendMany([]);
    });
    const pending = await store.audit.pending(10);
    expect(pending.map((p) => p.event)).toEqual([event('intake', 0), ...events]);
    const ids = pending.map((p) => p.inboxId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('one bad event refuses the whole batch: nothing is written', async () => {
    const bad = { ...event('screening', 3), at: 'yesterday' };
    await expect(store.transaction((tx) => tx.audit.appendMany([event('intake', 1), bad]))).rejects.toBeInstanceOf(StoreInputError);
    expect(await store.audit.pendingCount()).toBe(0);
  });

  /** The decision entries' stored payload text, read behind the port. */
  const storedDecisionPayloads = async (): Promise<string[]> => {
    const q = `select payload_json from audit_inbox where kind = 'decision' order by id`;
    if (h.schema === undefined) {
      const raw = new DatabaseSync(h.url.slice('sqlite:'.length), { readOnly: true });
      try {
        return raw
          .prepare(q)
          .all()
          .map((r) => String(r.payload_json));
      } finally {
        raw.close();
      }
    }
    return withPgClient(async (c) => (await c.query<{ payload_json: string }>(q)).rows.map((r) => r.payload_json), h.schema);
  };

  const sealer = () => ({
    store,
    clock: { now: () => Date.parse('2026-03-02T11:00:00Z') },
    signer: new AuditSigner({ file: '/nonexistent/audit-key.pem' }, generateKeyPairSync('ed25519').privateKey),
  });

  it('a sealed decision entry is byte-identical to the copying path (pinned), and the log verifies', async () => {
    const decision = await routeLead({ store, org: storeOrg(), clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
    expect(decision.outcome).toBe('ASSIGNED');
    await sealAll({ ...sealer(), newLogId: () => 'remit-audit-pin' });
    const rows = [];
    for await (const r of store.audit.storedRows()) rows.push(r);
    const entry = rows.find((r) => r.kind === 'decision')!;
    expect(entry.seq).toBe(PINNED_DECISION_ENTRY.seq);
    expect(createHash('sha256').update(entry.payloadText).digest('hex')).toBe(PINNED_DECISION_ENTRY.payloadSha256);
    expect(entry.entryHash).toBe(PINNED_DECISION_ENTRY.entryHash);
    const stored = await store.decisions.get(decision.decisionId);
    expect(JSON.parse(stored!.documentJson)).toEqual((JSON.parse(entry.payloadText) as { decision: unknown }).decision);
    expect((await verifyStoredLog(store)).ok).toBe(true);
  });

  it('batches of every size seal each inbox row exactly once, in order, with the texts as appended (lane sealcost)', async () => {
    // 128-row INSERTs, then the remainder in power-of-two chunks (and deletes in 512s): sizes that use each shape, and
    // repeat shapes across rounds.
    const sizes = [1, 2, 3, 127, 128, 129, 255, 383, 600, 1000];
    const events: AuditEvent[] = [];
    for (const n of sizes) for (let i = 0; i < n; i++) events.push(event(i % 3 === 0 ? 'intake' : 'screening', events.length));
    await store.transaction((tx) => tx.audit.appendMany(events));
    const expected = (await store.audit.pendingTexts(events.length)).map((p) => p.entry);
    const deps = sealer(); // one signing key for every round
    let sealed = 0;
    for (const limit of sizes) {
      const r = await sealPending(deps, { limit });
      expect(r.sealed).toBe(limit);
      sealed += limit;
      expect(r.treeSize).toBe(sealed);
      expect(await store.audit.pendingCount()).toBe(events.length - sealed);
    }
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
    expect((await store.audit.checkpoints()).map((c) => c.treeSize)).toEqual(
      sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b)),
    );
    expect((await verifyStoredLog(store)).ok).toBe(true);
  });

  it('a decision entry references its decisions row: the document is in the inbox once, and comes back whole', async () => {
    const decision = await routeLead({ store, org: storeOrg(), clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L1' }));
    const doc = (await store.decisions.get(decision.decisionId))!.documentJson;
    // What the inbox row itself holds (the database refuses the probe row unless it is true): the reference, and a
    // payload text shorter than the document, so not a copy of it.
    await h.rawExec(
      'create table ref_probe (ok integer check (ok = 1)); insert into ref_probe select case when count(*) = 1 ' +
        `and min(decision_ref) = '${decision.decisionId}' and max(length(payload_json)) < ${doc.length} then 1 else 0 end ` +
        `from audit_inbox where kind = 'decision'`,
    );
    await expect(h.rawExec(`insert into ref_probe values (0)`)).rejects.toThrow();
    // A sealer of a release before the reference (it parses payload_json) fails on the row rather than seal it without
    // its decision: the stored text is not JSON.
    const [stored] = await storedDecisionPayloads();
    expect(() => JSON.parse(stored!) as unknown).toThrow(SyntaxError);
    const pending = (await store.audit.pendingTexts(100)).find((p) => p.entry.kind === 'decision')!;
    expect(pending.entry.payloadText).toContain(`"decision":${doc},`);
    const parsed = (await store.audit.pending(100)).find((p) => p.event.kind === 'decision')!;
    expect((parsed.event.payload as { decision: unknown }).decision).toEqual(JSON.parse(doc));
    expect(JSON.parse(pending.entry.payloadText)).toEqual(parsed.event.payload);
  });

  it('a reference to a missing decisions row fails the sealer loudly: nothing is sealed, nothing skipped', async () => {
    await store.transaction(async (tx) => {
      await tx.audit.append(event('intake', 1));
      await tx.audit.append({
        kind: 'decision',
        subject: 'lead_2',
        actor: 'system',
        at: iso(2),
        payloadText: '{"changes":{},"lead":{}}',
        commitmentsText: '{}',
        decisionRef: { decisionId: 'dec-missing', offset: 13 },
      });
    });
    await expect(sealPending(sealer())).rejects.toBeInstanceOf(AuditReferenceError);
    await expect(sealPending(sealer())).rejects.toThrow(/references decision dec-missing/);
    expect(await store.audit.pendingCount()).toBe(2);
    expect(await store.audit.size()).toBe(0);
  });

  it('a reference outside its payload text is refused at the boundary', async () => {
    const ref = (offset: number) => ({
      ...event('decision', 1),
      payload: undefined,
      payloadText: '{"a":1}',
      commitmentsText: '{}',
      decisionRef: { decisionId: 'd', offset },
    });
    for (const offset of [0, 7, 1.5])
      await expect(store.transaction((tx) => tx.audit.append(ref(offset)))).rejects.toBeInstanceOf(StoreInputError);
    expect(await store.audit.pendingCount()).toBe(0);
  });

  it.each(['decisions.append', 'audit.append'])('a crash in %s leaves neither the decision nor its entry', async (step) => {
    const org = storeOrg();
    await routeLead({ store, org, clock: manualClock(), ids: sequentialIds() }, lead({ id: 'L0' }));
    const before = { ...(await everything(store)), inbox: await store.audit.pending(100) };
    await expect(
      routeLead({ store: crashingAt(store, step), org, clock: manualClock(), ids: sequentialIds(100) }, lead({ id: 'L1' })),
    ).rejects.toThrow(`simulated crash in ${step}`);
    expect({ ...(await everything(store)), inbox: await store.audit.pending(100) }).toEqual(before);
    // Sealing then seals every entry whole.
    const sealed = await sealPending(sealer());
    expect(sealed.sealed).toBe(before.inbox.length);
  });
});
