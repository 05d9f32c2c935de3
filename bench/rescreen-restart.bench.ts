/**
 * Restart with a changed OFAC file (docs/screening.md "Re-screen jobs"): stored open leads, the OFAC SDN list of the
 * example org without 500 of its people, a stop (the start-up snapshot is written), then the full file and a start.
 * Measured: from the start to the re-screen job done (the start applies the file and queues the job; the runner screens
 * the delta), once with the snapshot (the delta is the 500 added entries) and once without (every entry is the delta).
 * 50 leads carry typo'd names of added entries. Run: `npm run bench -- --only rescreen-restart` (RESCREEN_RESTART_LEADS
 * overrides the 20,000 leads).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RescreenRunner } from '../src/app/screening/rescreen-runner.ts';
import type { DeltaRescreenReport } from '../src/app/screening/delta-rescreen.use-case.ts';
import { nameKeyScheme } from '../src/app/screening/screening-name-keys.ts';
import { seededUniform as prng } from '../src/domain/shared/seeded-random.ts';
import { ListSourceCatalogue } from '../src/screening/list-sources.ts';
import { auth, startTestService, ukLead } from '../test/http/service-harness.ts';
import { seedLeads } from './rescreen.bench.ts';
import { csv, perturb } from './screening.bench.ts';

const OFAC = 'examples/bank/screening/ofac-sdn';
const ADDED = 500;
const PLANTED = 50;

/** The SDN file without `ADDED` people picked at random (seeded), and their names (OFAC writes `SURNAME, Given`). */
function withoutSomePeople(sdn: string): { before: string; addedNames: string[] } {
  const lines = sdn.split('\n');
  const people = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\d+,"[^"]+","individual"/.test(l));
  const rnd = prng(38);
  const removed = new Set<number>();
  while (removed.size < ADDED) removed.add(people[Math.floor(rnd() * people.length)]![1]);
  const addedNames = [...removed].map((i) => /^\d+,"([^"]+)"/.exec(lines[i]!)![1]!.replace(/^(.*?), (.*)$/, '$2 $1'));
  return { before: lines.filter((_, i) => !removed.has(i)).join('\n'), addedNames };
}

async function restartOnce(leads: number, withSnapshot: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'remit-rescreen-restart-'));
  try {
    const ofac = join(dir, 'ofac-sdn');
    mkdirSync(ofac);
    for (const f of ['alt.csv', 'add.csv', 'sdn_comments.csv']) copyFileSync(join(OFAC, f), join(ofac, f));
    const full = readFileSync(join(OFAC, 'sdn.csv'), 'utf8');
    const { before, addedNames } = withoutSomePeople(full);
    writeFileSync(join(ofac, 'sdn.csv'), before);
    const catalogue = new ListSourceCatalogue([{ id: 'ofac-sdn', format: 'ofac-sdn', path: ofac }]);
    const file = join(dir, 'remit.db');
    const snapshot = join(dir, 'lists.snapshot');
    const a = await startTestService({ url: `sqlite:${file}`, listSources: catalogue, listSnapshot: snapshot });
    const template = await a.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: ukLead({ person: { firstName: 'Template', lastName: 'Lead', email: 'template@example.co.uk' } }),
      headers: auth(a.tokens.integration),
    });
    const leadId = (template.json() as { leadId: string }).leadId;
    await a.close(); // writes the snapshot of the lists in force
    const db = new DatabaseSync(file);
    db.exec('pragma cache_size = -200000; pragma synchronous = off');
    const row = db.prepare('select * from leads where id = ?').get(leadId) as Record<string, string>;
    const pd = db.prepare('select * from personal_data where lead_id = ?').get(leadId) as Record<string, string>;
    const rnd = prng(19);
    const people = csv('negatives-global.csv').map((r) => (r['full_name'] ?? '').split(/\s+/).filter(Boolean));
    seedLeads(
      db,
      leads,
      2_000,
      (i) => {
        if (i < PLANTED) return perturb(addedNames[i * 7]!, rnd);
        const x = people[Math.floor(rnd() * people.length)]!;
        const y = people[Math.floor(rnd() * people.length)]!;
        return [...x.slice(0, -1), y.at(-1) ?? ''].join(' ');
      },
      { row, pd, contact: JSON.parse(pd['contact_json']!) as Record<string, unknown> },
    );
    db.prepare('update screening_name_key_scheme set scheme = ? where id = 1').run(nameKeyScheme());
    db.close();

    // The list changes while the service is down.
    writeFileSync(join(ofac, 'sdn.csv'), full);
    if (!withSnapshot) unlinkSync(snapshot);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const b = await startTestService({ url: `sqlite:${file}`, listSources: catalogue, listSnapshot: snapshot, idStart: 1_000_000 });
    const startSeconds = (performance.now() - t0) / 1000;
    try {
      const [job] = await b.store.rescreenJobs.list({ limit: 1 });
      await new RescreenRunner(b.ctx, { name: 'bench' }).drain();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const done = (await b.store.rescreenJobs.get(job!.id))!;
      const report = JSON.parse(done.reportJson!) as DeltaRescreenReport;
      const planted = new Set(Array.from({ length: PLANTED }, (_, i) => `bench-${String(i).padStart(7, '0')}`));
      return {
        snapshot: withSnapshot,
        leads,
        status: done.status,
        deltaEntries: done.entries,
        beforeKnown: done.lists[0]!.beforeSha256 !== null,
        startToDoneSeconds: Math.round(seconds * 10) / 10,
        startSeconds: Math.round(startSeconds * 10) / 10,
        cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
        candidates: report.candidates,
        newMatches: report.newMatches.length,
        newlyHeld: report.newlyHeld.length,
        plantedHeld: `${report.newlyHeld.filter((l) => planted.has(l)).length}/${PLANTED}`,
        failed: report.failed,
      };
    } finally {
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRescreenRestartBench(leads = Number(process.env['RESCREEN_RESTART_LEADS'] ?? 20_000)): Promise<object> {
  return { withSnapshot: await restartOnce(leads, true), withoutSnapshot: await restartOnce(leads, false) };
}
