/**
 * The ingest floor (bench/floor-pipeline.ts, issue 18 lane floor) does the work Remit does for a lead, not less: the
 * same leads through Remit's service (in process, SQLite file) and through the floor, with the same clock, org and
 * lists, give the same answers, decision documents, lead rows and audit inbox entries (ids aside: each draws its own),
 * and the floor's sealer seals every entry with the decision document spliced back, in a log Remit's verifier accepts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedLeafHashHex } from '../../src/audit/audit-entry.ts';
import { genesisHash, toHex, treeRoot } from '../../src/audit/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { sequentialIds } from '../../src/domain/shared/clock.ts';
import { canonicalDataJson } from '../../src/domain/shared/canonical-json.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { FloorPipeline } from '../../bench/floor-pipeline.ts';
import { FloorSealer } from '../../bench/floor-sealer.ts';
import { StepClock } from '../../bench/floor-steps.ts';
import { FloorStore } from '../../bench/floor-store.ts';
import { DEFAULT_TEST_LISTS, EUROPE_MORNING, startTestService } from '../http/service-harness.ts';
import { serviceLead } from '../service/fixtures/service-fixtures.ts';

/** 40 leads of the service benchmark's mix (UK, Irish, Brazilian: assigned, refused), two of them repeats (duplicates). */
const BODIES = Array.from({ length: 40 }, (_, i) => serviceLead('floor', i === 20 || i === 33 ? i - 17 : i));
const TOKEN = 'remit_floor_test_token';
/** Ids differ between the two runs (each draws its own in its own order): compared by the order they first appear. */
function withoutIds(text: string): string {
  const seen = new Map<string, string>();
  return text.replace(/\b(lead|dec|rev|evt)-[0-9a-z]+\b/g, (id, kind: string) => {
    if (!seen.has(id)) seen.set(id, `${kind}#${seen.size}`);
    return seen.get(id)!;
  });
}
const REF_MARK = '\u0001';

interface Run {
  answers: { status: number; text: string }[];
  db: DatabaseSync;
}

/** Rows of one run, in insertion order, as comparable text. */
function rows(db: DatabaseSync, sql: string): string {
  return withoutIds(JSON.stringify(db.prepare(sql).all()));
}

describe('ingest floor: the same work as remit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remit-floor-test-'));
  let remit: Run;
  let floor: Run;
  let sealer: FloorSealer;

  beforeAll(async () => {
    const svc = await startTestService({ url: `sqlite:${join(dir, 'remit.sqlite')}` });
    const answers = [];
    for (const body of BODIES) {
      const res = await svc.app.inject({
        method: 'POST',
        url: '/v1/leads',
        headers: { authorization: `Bearer ${svc.tokens.integration}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      answers.push({ status: res.statusCode, text: res.body });
    }
    await svc.close();
    remit = { answers, db: new DatabaseSync(join(dir, 'remit.sqlite'), { readOnly: true }) };

    const loaded = await loadConfig('examples/bank');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const screening = new ScreeningService({ now: () => new Date(EUROPE_MORNING) });
    screening.loadAll([...DEFAULT_TEST_LISTS]);
    const store = await FloorStore.open(join(dir, 'floor.sqlite'));
    const now = () => Date.parse(EUROPE_MORNING);
    const pipeline = new FloorPipeline({
      org: loaded.value.org,
      screening,
      store,
      steps: new StepClock(true),
      token: TOKEN,
      now,
      ids: sequentialIds(),
    });
    const floorAnswers = BODIES.map((b) => pipeline.ingest(`Bearer ${TOKEN}`, () => JSON.parse(JSON.stringify(b)) as unknown));
    floor = { answers: floorAnswers.map((a) => ({ status: a.status, text: a.body.toString('utf8') })), db: store.db };
    sealer = new FloorSealer(store);
    await screening.close();
  });

  afterAll(() => {
    remit?.db.close();
    floor?.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every lead as remit does (status, outcome, decision, duplicates)', () => {
    expect(floor.answers.map((a) => a.status)).toEqual(remit.answers.map((a) => a.status));
    const statuses = floor.answers.map((a) => (JSON.parse(a.text) as { status: string }).status);
    // Not vacuous: the mix has assignments, refusals and the two duplicates.
    expect(statuses.filter((s) => s === 'DUPLICATE')).toHaveLength(2);
    expect(new Set(statuses)).toEqual(new Set(['ASSIGNED', 'REFUSED', 'DUPLICATE']));
    for (let i = 0; i < BODIES.length; i++)
      expect(withoutIds(floor.answers[i]!.text), `lead ${i}`).toBe(withoutIds(remit.answers[i]!.text));
  });

  it('writes the same lead rows, decisions and routing state', () => {
    const leads = 'select status, team_id, rep_id, lead_json, received_at, duplicate_of from leads order by rowid';
    expect(rows(floor.db, leads)).toBe(rows(remit.db, leads));
    const decisions = 'select outcome, team_id, rep_id, document_json, decided_at from decisions order by rowid';
    expect(rows(floor.db, decisions)).toBe(rows(remit.db, decisions));
    for (const sql of [
      'select * from routing_pools order by pool',
      'select * from routing_ledger order by pool, rep_id',
      'select * from rep_state order by rep_id',
      'select count(*) as n, kind from sla_timers group by kind order by kind',
      'select kind, reason_codes_json from reviews order by rowid',
      'select key from dedupe_keys order by key',
      'select hex(hashes) as h from screening_lead_keys order by h',
      'select event_type from outbox_events order by rowid',
    ])
      expect(rows(floor.db, sql), sql).toBe(rows(remit.db, sql));
  });

  it('writes the same audit inbox entries (personal fields as commitments under their own salt)', () => {
    type Entry = { kind: string; subject: string; payload_json: string; commitments_json: string; decision_ref_at: number | null };
    const read = (db: DatabaseSync) =>
      (
        db
          .prepare('select kind, subject, payload_json, commitments_json, decision_ref_at from audit_inbox order by id')
          .all() as unknown as Entry[]
      )
        // Leads' entries only: Remit's log also holds the org version's publication and the test's API keys.
        .filter((e) => e.subject.startsWith('lead-'))
        .map((e) => {
          const at = e.decision_ref_at;
          // Remit marks the decision's place with one character; the floor stores the offset alone.
          const payload =
            at !== null && e.payload_json[at] === REF_MARK ? e.payload_json.slice(0, at) + e.payload_json.slice(at + 1) : e.payload_json;
          // Commitments are HMACs under each lead's random salt: which fields are committed is compared, not the values.
          const committed = Object.keys(JSON.parse(e.commitments_json) as object).sort();
          return { kind: e.kind, subject: e.subject, payload, committed, at };
        });
    const f = read(floor.db);
    const r = read(remit.db);
    expect(f.length).toBeGreaterThan(BODIES.length * 4);
    expect(withoutIds(JSON.stringify(f))).toBe(withoutIds(JSON.stringify(r)));
  });

  it('seals every inbox entry with its decision document back in place, in a log that verifies', () => {
    const inbox = Number((floor.db.prepare('select count(*) as n from audit_inbox').get() as { n: number }).n);
    expect(sealer.round()).toBe(inbox);
    expect(sealer.round()).toBe(0);
    const log = floor.db.prepare('select * from audit_log order by seq').all() as unknown as Record<string, string | number>[];
    expect(log).toHaveLength(inbox);
    const stored = log.map((r) => ({
      seq: Number(r.seq),
      kind: String(r.kind),
      subject: String(r.subject),
      actor: String(r.actor),
      at: String(r.at),
      payloadText: String(r.payload_json),
      commitmentsText: String(r.commitments_json),
      prevHash: String(r.prev_hash),
      entryHash: String(r.entry_hash),
    }));
    // The hash chain from the log's genesis, each entry hash recomputed from the stored texts, and the checkpoint's root.
    stored.forEach((r, i) => {
      expect(r.prevHash, `entry ${i}`).toBe(i === 0 ? genesisHash('remit-audit-floor') : stored[i - 1]!.entryHash);
      expect(storedLeafHashHex(r), `entry ${i}`).toBe(r.entryHash);
    });
    const checkpoint = floor.db.prepare('select tree_size, root_hash from audit_checkpoints order by tree_size desc limit 1').get() as {
      tree_size: number;
      root_hash: string;
    };
    expect(Number(checkpoint.tree_size)).toBe(stored.length);
    expect(checkpoint.root_hash).toBe(toHex(treeRoot(stored.map((r) => Buffer.from(r.entryHash, 'hex')))));
    const documents = new Map(
      (floor.db.prepare('select decision_id, document_json from decisions').all() as { decision_id: string; document_json: string }[]).map(
        (d) => [d.decision_id, d.document_json],
      ),
    );
    const decisionEntries = stored.filter((r) => r.kind === 'decision');
    expect(decisionEntries).toHaveLength(documents.size);
    for (const e of decisionEntries) {
      const decision = (JSON.parse(e.payloadText) as { decision: { decisionId: string } }).decision;
      expect(JSON.stringify(decision)).toBe(JSON.stringify(JSON.parse(documents.get(decision.decisionId)!)));
    }
  });
});

describe('ingest floor, entries sealed in the ingest transaction (FLOOR_SEAL=inline)', () => {
  it('writes no inbox row and stores each decision document once, in a chain that recomputes with it spliced back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-floor-inline-'));
    try {
      const loaded = await loadConfig('examples/bank');
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
      const screening = new ScreeningService({ now: () => new Date(EUROPE_MORNING) });
      screening.loadAll([...DEFAULT_TEST_LISTS]);
      const store = await FloorStore.open(join(dir, 'floor.sqlite'));
      const sealer = new FloorSealer(store);
      const now = () => Date.parse(EUROPE_MORNING);
      const org = loaded.value.org;
      const pipeline = new FloorPipeline({ org, screening, store, steps: new StepClock(false), token: TOKEN, now, sealInline: sealer });
      for (const b of BODIES) expect(pipeline.ingest(`Bearer ${TOKEN}`, () => b).status).toBe(201);
      const count = (sql: string) => Number((store.db.prepare(sql).get() as { n: number }).n);
      expect(count('select count(*) as n from audit_inbox')).toBe(0);
      expect(sealer.round()).toBe(0);
      const documents = new Map(
        (
          store.db.prepare('select decision_id, document_json from decisions').all() as { decision_id: string; document_json: string }[]
        ).map((d) => [d.decision_id, d.document_json]),
      );
      const log = store.db.prepare('select * from audit_log order by seq').all() as unknown as Record<string, string | number>[];
      expect(log.length).toBeGreaterThan(BODIES.length * 4);
      let prev = genesisHash('remit-audit-floor');
      let decisions = 0;
      for (const r of log) {
        let payloadText = String(r.payload_json);
        if (r.kind === 'decision') {
          // Stored without its document; the hash covers the entry with it.
          expect(payloadText).not.toContain('"decision":');
          const payload = JSON.parse(payloadText) as { lead: { id: string } };
          const id = [...documents.keys()].find((k) => documents.get(k)!.includes(`"leadId":"${payload.lead.id}"`))!;
          payloadText = canonicalDataJson({ ...payload, decision: JSON.parse(documents.get(id)!) as unknown });
          decisions++;
        }
        const row = { seq: Number(r.seq), kind: String(r.kind), subject: String(r.subject), actor: String(r.actor), at: String(r.at) };
        const full = { ...row, payloadText, commitmentsText: String(r.commitments_json), prevHash: String(r.prev_hash), entryHash: '' };
        expect(full.prevHash).toBe(prev);
        expect(storedLeafHashHex(full)).toBe(String(r.entry_hash));
        prev = String(r.entry_hash);
      }
      expect(decisions).toBe(documents.size);
      const checkpoint = store.db.prepare('select tree_size from audit_checkpoints order by tree_size desc limit 1').get() as {
        tree_size: number;
      };
      expect(Number(checkpoint.tree_size)).toBe(log.length);
      store.db.close();
      await screening.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
