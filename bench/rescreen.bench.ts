/**
 * Delta re-screening bench (issue 19, docs/screening.md "Delta re-screening"): 1,000,000 open leads stored in
 * SQLite against a 500-entry list delta, through the real use case (reverse index built from the store a page
 * at a time, full screening of the named leads, holds written). 50 leads carry typo'd names of delta entries:
 * how many of them are found is reported next to the time. Goal: < 60 s on this machine.
 * Run: `npm run bench -- --only rescreen` (RESCREEN_LEADS overrides the lead count).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
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
import { leadKeyHashes, nameKeyScheme } from '../src/app/screening/screening-name-keys.ts';
import { packKeyHashes } from '../src/store/sql/packed-key-hashes.ts';

const PLANTED = 50;
const BENCH_PRINCIPAL: Principal = { userId: 'bench', name: 'bench', roles: ['compliance'], repId: null, keyId: null };
const DELTA = 500;

function heapMb(): number {
  globalThis.gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
}

/** Leads per seeding transaction; rows per multi-row INSERT stay under SQLite's 32,766 bound variables. */
const SEED_CHUNK = 2_000;
const KEY_ROWS_PER_INSERT = 10_000;

export interface Template {
  row: Record<string, string>;
  pd: Record<string, string>;
  contact: Record<string, unknown>;
}

/** A multi-row INSERT for `rows` rows of `cols` columns, prepared once per row count. */
function multiInsert(db: DatabaseSync, head: string, cols: number): (rows: number) => StatementSync {
  const cache = new Map<number, StatementSync>();
  const one = `(${Array.from({ length: cols }, () => '?').join(', ')})`;
  return (rows) => {
    let st = cache.get(rows);
    if (!st) cache.set(rows, (st = db.prepare(`${head} values ${Array.from({ length: rows }, () => one).join(', ')}`)));
    return st;
  };
}

/** Writes `count` leads with the given full names, their personal data and their name keys, a chunk per transaction. */
export function seedLeads(db: DatabaseSync, count: number, chunk: number, nameOf: (i: number) => string, t: Template) {
  const leadSql = multiInsert(db, 'insert into leads (id, status, team_id, rep_id, org_hash, lead_json, received_at, updated_at)', 8);
  const pdSql = multiInsert(db, 'insert into personal_data (lead_id, salt, contact_json, raw_json, consent_json, created_at)', 6);
  const keySql = multiInsert(db, 'insert into screening_lead_keys (lead_id, hashes)', 2);
  let keyRows = 0;
  let keySeconds = 0;
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from);
    const leadArgs: (string | null)[] = [];
    const pdArgs: (string | null)[] = [];
    const keyArgs: (string | Uint8Array)[] = [];
    const k0 = performance.now();
    for (let i = from; i < from + n; i++) {
      const id = `bench-${String(i).padStart(7, '0')}`;
      const fullName = nameOf(i);
      leadArgs.push(id, 'QUEUED', null, null, t.row['org_hash']!, t.row['lead_json']!, t.row['received_at']!, t.row['updated_at']!);
      pdArgs.push(id, t.pd['salt']!, JSON.stringify({ ...t.contact, fullName }), '{}', null, t.pd['created_at']!);
      // one packed row per lead, as intake writes it (screening-name-keys.ts putNameKeys)
      const hashes = leadKeyHashes({ fullName });
      keyArgs.push(id, packKeyHashes(hashes));
      keyRows += new Set(hashes).size;
    }
    keySeconds += (performance.now() - k0) / 1000;
    db.exec('begin');
    leadSql(n).run(...leadArgs);
    pdSql(n).run(...pdArgs);
    for (let r = 0; r < keyArgs.length; r += KEY_ROWS_PER_INSERT * 2) {
      const part = keyArgs.slice(r, r + KEY_ROWS_PER_INSERT * 2);
      keySql(part.length / 2).run(...part);
    }
    db.exec('commit');
  }
  return { keyRows, keyFunctionSeconds: Math.round(keySeconds) };
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
    const seedCpu0 = process.cpuUsage();
    const db = new DatabaseSync(file);
    // the seeding connection only (the rescreen reads through the service's own): 25 million key rows inserted in key
    // order need the primary-key B-tree in memory (the default 2 MB page cache re-reads it from the OS for every chunk)
    db.exec('pragma cache_size = -1000000; pragma synchronous = off');
    const row = db.prepare('select * from leads where id = ?').get(leadId) as Record<string, string>;
    const pd = db.prepare('select * from personal_data where lead_id = ?').get(leadId) as Record<string, string>;
    const contact = JSON.parse(pd['contact_json']!) as Record<string, unknown>;
    // Bulk seeding (not the ingest path, which takes 15-20 CPU-minutes for a million leads): leads, their personal
    // data and the name keys intake writes (recordScreeningNameKeys: the same leadKeyHashes), as
    // multi-row inserts, one transaction per chunk, so the delta measures the steady state of the real rescreen path.
    const seedStats = seedLeads(
      db,
      leads,
      SEED_CHUNK,
      (i) => {
        const a = people[Math.floor(rnd() * people.length)]!;
        const b = people[Math.floor(rnd() * people.length)]!;
        return i < PLANTED ? perturb(deltaNames[i * 7]!, rnd) : [...a.slice(0, -1), b.at(-1) ?? ''].join(' ');
      },
      { row, pd, contact },
    );
    // the keys were made by this code's key function: record its scheme, as a store keyed at intake has it (otherwise
    // the delta would find keys of no recorded scheme and re-key every lead first, measuring the re-keying)
    db.prepare(
      'insert into screening_name_key_scheme (id, scheme, set_at) values (1, ?, ?) on conflict (id) do update set scheme = excluded.scheme',
    ).run(nameKeyScheme(), new Date().toISOString());
    db.close();
    const seedSeconds = (performance.now() - started) / 1000;
    const seedCpu = process.cpuUsage(seedCpu0);

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
    const cpu0 = process.cpuUsage();
    const report = await rescreenListDeltas(s.ctx, BENCH_PRINCIPAL, [listDelta(undefined, list)]);
    const seconds = (performance.now() - t0) / 1000;
    // CPU time of this process (the store is in-process SQLite): on a shared machine, the figure that does not depend on the load
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
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
      cpuSeconds: Math.round(cpuSeconds * 10) / 10,
      goalSeconds: 60,
      leadsIndexed: report.leadsIndexed,
      keysBackfilled: report.keysBackfilled,
      keysRekeyed: report.keysRekeyed,
      candidates: report.candidates,
      newMatches: report.newMatches.length,
      plantedFound: `${report.newMatches.filter((m) => planted.has(m.leadId)).length}/${PLANTED}`,
      plantedFoundByIntakeScreening: `${plantedByIntake}/${PLANTED}`,
      newlyHeld: report.newlyHeld.length,
      failed: report.failed,
      heapMbBefore: heapBefore,
      heapMbAfter: heapMb(),
      seedSeconds: Math.round(seedSeconds),
      seedCpuSeconds: Math.round((seedCpu.user + seedCpu.system) / 1e6),
      seedKeyRows: seedStats.keyRows,
      seedKeyFunctionSeconds: seedStats.keyFunctionSeconds,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
