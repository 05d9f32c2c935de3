/**
 * docs/screening.md "Loading lists off the event loop": what an adoption of new versions of the real OFAC SDN, UN and
 * US Congress PEP files costs the requests a service answers meanwhile. One process per run, on the code of ROOT (a
 * base checkout or this one), so a driver can alternate base and this tree on the same machine load:
 *
 *   for i in 1 2 3; do for r in /work/wt-base .; do node bench/list-adoption-ab.ts $r; done; done
 *
 * The service starts with copies of the files, the copies change (a trailing newline: another sha256, the same
 * entries), the versions in force become those files (as a reload on another instance would record), and one list-sync
 * pass adopts them while a lead is posted every 50 ms. Prints one JSON line: the pass's wall time, the event-loop delay
 * during it (perf_hooks.monitorEventLoopDelay: max, p99, mean) and the latency of the leads posted during it (from the
 * moment each was due, so time spent waiting for a blocked loop counts).
 */
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
// Types only: the code comes from ROOT (another checkout has the same modules).
import type * as Harness from '../test/http/service-harness.ts';
import type * as ListSources from '../src/screening/list-sources.ts';
import type * as ListSync from '../src/app/screening/list-sync-worker.ts';

const root = resolve(process.argv[2] ?? '.');
const DATA = process.env['SCREENING_DATA'] ?? '/work/shared/data/screening';
const LEAD_EVERY_MS = 50;

const harness = (await import(join(root, 'test/http/service-harness.ts'))) as typeof Harness;
const { ListSourceCatalogue, loadListSource } = (await import(join(root, 'src/screening/list-sources.ts'))) as typeof ListSources;
const { ListSyncWorker } = (await import(join(root, 'src/app/screening/list-sync-worker.ts'))) as typeof ListSync;

const dir = mkdtempSync(join(tmpdir(), 'remit-adopt-ab-'));
for (const f of readdirSync(join(DATA, 'ofac'))) if (!f.startsWith('cons')) copyFileSync(join(DATA, 'ofac', f), join(dir, f));
copyFileSync(join(DATA, 'un/UN_consolidated.xml'), join(dir, 'un.xml'));
copyFileSync(join(DATA, 'opensanctions/us_congress_pep.senzing.jsonl'), join(dir, 'pep.jsonl'));
const catalogue = new ListSourceCatalogue([
  { id: 'ofac-sdn', format: 'ofac-sdn', path: join(dir, 'sdn.csv') },
  { id: 'un-sc', format: 'un-xml', path: join(dir, 'un.xml') },
  { id: 'us-congress-pep', format: 'senzing-jsonl', path: join(dir, 'pep.jsonl') },
]);
const s = await harness.startTestService({ listSources: catalogue });
const sync = new ListSyncWorker(s.ctx, { name: 'ab' });
await sync.runOnce(); // the first pass (coverage at start) out of the way

for (const f of ['sdn.csv', 'un.xml', 'pep.jsonl']) appendFileSync(join(dir, f), '\n');
for (const source of catalogue.sources) {
  const list = loadListSource(source, () => new Date(s.clock.ms));
  const at = new Date(s.clock.ms).toISOString();
  await s.store.screeningLists.setInForce({
    sourceId: source.id,
    sha256: list.version.sha256,
    entryCount: list.version.entryCount,
    loadedAt: at,
    loadedBy: 'other-instance',
  });
}

// enabled well before the pass (its timer must be running when the pass blocks), reset when it starts
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
await new Promise((r) => setTimeout(r, 200));
let posted = 0;
const latencies: number[] = [];
const pending: Promise<void>[] = [];
const post = (due: number) =>
  s.app
    .inject({
      method: 'POST',
      url: '/v1/leads',
      headers: harness.auth(s.tokens.integration),
      payload: harness.ukLead({ person: { firstName: 'Ann', lastName: 'Lee', email: `ann.${posted++}@example.co.uk` } }),
    })
    .then((res) => {
      if (res.statusCode !== 201) throw new Error(`lead answered ${res.statusCode}`);
      latencies.push(performance.now() - due);
    });
const started = performance.now();
let next = started;
const poster = setInterval(() => {
  // every lead that fell due (a blocked loop fires late and at most once): posted now, timed from when it was due
  for (; next <= performance.now(); next += LEAD_EVERY_MS) pending.push(post(next));
}, LEAD_EVERY_MS / 5);
eld.reset();
// a second probe: the lateness of a 10 ms timer, each turn (what a request arriving then waits before it is read)
const lags: number[] = [];
let tick = performance.now();
const probe = setInterval(() => {
  const now = performance.now();
  lags.push(now - tick - 10);
  tick = now;
}, 10);
const adopted = await sync.runOnce();
const adoptMs = performance.now() - started;
// one more turn of the loop: a delay that ended with the pass is recorded, the leads due meanwhile are posted
await new Promise((r) => setTimeout(r, LEAD_EVERY_MS));
eld.disable();
clearInterval(poster);
clearInterval(probe);
await Promise.all(pending);
await s.close();
rmSync(dir, { recursive: true, force: true });

const pctOf = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (ns: number) => Math.round(ns / 1e5) / 10;
process.stdout.write(
  `${JSON.stringify({
    root,
    adopted: adopted.adopted.map((a) => `${a.sourceId}:${a.result}`),
    adoptMs: Math.round(adoptMs),
    eventLoopDelayMs: { max: ms(eld.max), p99: ms(eld.percentile(99)), mean: ms(eld.mean) },
    timerLagMs: { max: Math.round(Math.max(0, ...lags)), p99: Math.round(pctOf(lags, 99)) },
    leads: {
      count: latencies.length,
      p50: Math.round(pctOf(latencies, 50)),
      p99: Math.round(pctOf(latencies, 99)),
      max: Math.round(Math.max(0, ...latencies)),
    },
  })}\n`,
);
process.exit(0);
