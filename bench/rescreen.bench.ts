/**
 * Delta re-screening bench (issue 19, docs/screening.md "Delta re-screening"): 1,000,000 open leads stored in
 * SQLite against a 500-entry list delta, through the real use case (reverse index built from the store a page
 * at a time, full screening of the named leads, holds written). 50 leads carry typo'd names of delta entries:
 * how many of them are found is reported next to the time. Goal: < 60 s on this machine.
 * Run: `npm run bench -- --only rescreen` (RESCREEN_LEADS overrides the lead count).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '../src/domain/access/principal.ts';
import { rescreenListDeltas } from '../src/app/screening/delta-rescreen.use-case.ts';
import { screenStoredContact } from '../src/app/screening/screening-disposition.use-case.ts';
import { listDelta } from '../src/screening/list-delta.ts';
import { emptyEntity, type LoadedList } from '../src/screening/screening-entity.ts';
import { auth, startTestService, ukLead } from '../test/http/service-harness.ts';
import { seededUniform as prng } from '../src/domain/shared/seeded-random.ts';
import { csv, perturb } from './screening.bench.ts';
import { keyedNames } from '../src/app/screening/screening-name-keys.ts';
import { subjectKeyHashes } from '../src/screening/stored-name-keys.ts';

const PLANTED = 50;
const BENCH_PRINCIPAL: Principal = { userId: 'bench', name: 'bench', roles: ['compliance'], repId: null, keyId: null };
const DELTA = 500;

function heapMb(): number {
  globalThis.gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
}

export async function runRescreenBench(leads = Number(process.env['RESCREEN_LEADS'] ?? 1_000_000)): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'remit-rescreen-bench-'));
  const file = join(dir, 'remit.db');
  const s = await startTestService({ url: `sqlite:${file}` });
  try {
    // One real lead gives a valid stored lead (its JSON, org version); the rest are copies with other names.
    const template = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: ukLead({ person: { firstName: 'Template', lastName: 'Lead', email: 'template@example.co.uk' } }),
      headers: auth(s.tokens.integration),
    });
    const leadId = (template.json() as { leadId: string }).leadId;
    const rnd = prng(19);
    const people = csv('negatives-global.csv').map((r) => (r['full_name'] ?? '').split(/\s+/).filter(Boolean));
    const listed = csv('un-positives.csv')
      .map((r) => r['full_name'] ?? '')
      .filter((n) => n.split(/[\s,]+/).filter(Boolean).length >= 2);
    const deltaNames = Array.from({ length: DELTA }, (_, i) => listed[i % listed.length]!);
    const started = performance.now();
    const db = new DatabaseSync(file);
    const row = db.prepare('select * from leads where id = ?').get(leadId) as Record<string, string>;
    const pd = db.prepare('select * from personal_data where lead_id = ?').get(leadId) as Record<string, string>;
    const contact = JSON.parse(pd['contact_json']!) as Record<string, unknown>;
    const insLead = db.prepare(
      'insert into leads (id, status, team_id, rep_id, org_hash, lead_json, received_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insPd = db.prepare(
      'insert into personal_data (lead_id, salt, contact_json, raw_json, consent_json, created_at) values (?, ?, ?, ?, ?, ?)',
    );
    // the name keys intake writes (recordScreeningNameKeys), written here as intake would, so the delta measures the steady state
    const insKey = db.prepare('insert or ignore into screening_name_keys (key_hash, lead_id) values (?, ?)');
    db.exec('begin');
    for (let i = 0; i < leads; i++) {
      const id = `bench-${String(i).padStart(7, '0')}`;
      const a = people[Math.floor(rnd() * people.length)]!;
      const b = people[Math.floor(rnd() * people.length)]!;
      const fullName = i < PLANTED ? perturb(deltaNames[i * 7]!, rnd) : [...a.slice(0, -1), b.at(-1) ?? ''].join(' ');
      insLead.run(id, 'QUEUED', null, null, row['org_hash']!, row['lead_json']!, row['received_at']!, row['updated_at']!);
      insPd.run(id, pd['salt']!, JSON.stringify({ ...contact, fullName }), '{}', null, pd['created_at']!);
      for (const h of subjectKeyHashes(keyedNames({ fullName }))) insKey.run(h | 0, id);
    }
    db.exec('commit');
    db.close();
    const seedSeconds = (performance.now() - started) / 1000;

    const entities = deltaNames.map((name, i) => {
      const e = emptyEntity('bench-delta', `D${i}`, 'person', 'bench');
      e.names.push({ value: name, type: 'primary' });
      e.isSanctioned = true;
      return e;
    });
    const list: LoadedList = {
      version: { listId: 'bench-delta', sourceType: 'blocklist-csv', files: [], sha256: 'bench', entryCount: DELTA, loadedAt: '' },
      entities,
    };
    s.ctx.screening!.add(list);
    const heapBefore = heapMb();
    const t0 = performance.now();
    const report = await rescreenListDeltas(s.ctx, BENCH_PRINCIPAL, [listDelta(undefined, list)]);
    const seconds = (performance.now() - t0) / 1000;
    const planted = new Set(Array.from({ length: PLANTED }, (_, i) => `bench-${String(i).padStart(7, '0')}`));
    // The same planted leads screened one by one as at intake: what the reverse index must not lose.
    let plantedByIntake = 0;
    for (const id of planted) {
      const personal = await s.store.personalData.get(id);
      const hits = screenStoredContact(s.ctx, s.ctx.screening, personal!.contactJson).hits;
      if (hits.some((h) => h.isMatch && h.listId === 'bench-delta')) plantedByIntake++;
    }
    return {
      leads,
      deltaEntries: report.entries,
      seconds: Math.round(seconds * 10) / 10,
      goalSeconds: 60,
      leadsIndexed: report.leadsIndexed,
      keysBackfilled: report.keysBackfilled,
      candidates: report.candidates,
      newMatches: report.newMatches.length,
      plantedFound: `${report.newMatches.filter((m) => planted.has(m.leadId)).length}/${PLANTED}`,
      plantedFoundByIntakeScreening: `${plantedByIntake}/${PLANTED}`,
      newlyHeld: report.newlyHeld.length,
      failed: report.failed,
      heapMbBefore: heapBefore,
      heapMbAfter: heapMb(),
      seedSeconds: Math.round(seedSeconds),
    };
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
