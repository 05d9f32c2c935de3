/**
 * Reassignment benchmark (issue 14): a rep with 1,000 open leads is moved away (POST /v1/reassignments) while
 * ingestion continues (POST /v1/leads, one request after another, as a steady integration would send them). Reports
 * how long the whole operation took and the ingestion latency before and during it (max and p95): the batches of
 * REASSIGN_BATCH leads per transaction are what keep ingestion from waiting behind the whole operation.
 *
 * In-process (the HTTP routes through Fastify's inject, the store on disk), on SQLite (a temp file) and on PostgreSQL
 * (a fresh schema) when reachable. Standalone: `node bench/reassign.bench.ts` (env REMIT_BENCH_REASSIGN_LEADS, default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REASSIGN_BATCH } from '../src/app/routing/reassign.use-case.ts';
import { auth, startTestService, ukLead, type TestService } from '../test/http/service-harness.ts';
import { dropSchema, newSchemaName, PG_URL, probePostgres } from '../test/store/store-harness.ts';

const TARGET = 'amelia-hughes';

interface Latencies {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

const summary = (ms: readonly number[]): Latencies => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { count: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) };
};

type RepConfig = { id: string; team: string; status: string; capacity: Record<string, number> };

/** The example org with every UK rep's caps lifted; `only`: the one UK rep left active (the others paused). */
function variant(s: TestService, only: string | null, paused: string | null) {
  const config = structuredClone(s.ctx.orgs.current.config) as unknown as { version: string; reps: RepConfig[] };
  for (const rep of config.reps.filter((r) => r.team.startsWith('uk-'))) {
    rep.capacity = { maxOpenLeads: 100_000, maxLeadsPerDay: 100_000 };
    rep.status = (only !== null && rep.id !== only) || rep.id === paused ? 'paused' : 'active';
  }
  config.version = `bench-${only ?? 'all'}-${paused ?? 'none'}`;
  return config;
}

let seq = 0;
async function ingestOne(s: TestService): Promise<number> {
  seq++;
  const person = { firstName: 'Bench', lastName: `Lead${seq}`, email: `bench.lead${seq}@example.co.uk` };
  const t0 = performance.now();
  const res = await s.app.inject({ method: 'POST', url: '/v1/leads', payload: ukLead({ person }), headers: auth(s.tokens.integration) });
  if (res.statusCode !== 201) throw new Error(`ingest failed: ${res.statusCode} ${res.body}`);
  return performance.now() - t0;
}

async function benchStore(name: string, s: TestService, leads: number) {
  const before = await s.ctx.orgs.publish(variant(s, TARGET, null), 'bench');
  if (!before.ok) throw new Error(JSON.stringify(before.error));
  const seeded = performance.now();
  const baseline: number[] = [];
  for (let i = 0; i < leads; i++) baseline.push(await ingestOne(s));
  const seedSeconds = (performance.now() - seeded) / 1000;
  const open = (await s.store.leads.list({ repId: TARGET })).length;
  // The rep leaves: paused in the next org version; everyone else in the UK teams is free to take the leads.
  const after = await s.ctx.orgs.publish(variant(s, null, TARGET), 'bench');
  if (!after.ok) throw new Error(JSON.stringify(after.error));

  let running = true;
  const during: number[] = [];
  const ingestion = (async () => {
    while (running) during.push(await ingestOne(s));
  })();
  const t0 = performance.now();
  const res = await s.app.inject({
    method: 'POST',
    url: '/v1/reassignments',
    payload: { fromRepId: TARGET, reason: 'bench: rep left with 1,000 open leads' },
    headers: auth(s.tokens.ops),
  });
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  await ingestion;
  if (res.statusCode !== 201) throw new Error(`reassignment failed: ${res.statusCode} ${res.body}`);
  const { reassignment } = res.json() as { reassignment: { counts: Record<string, number> } };
  const stillWithRep = (await s.store.leads.list({ repId: TARGET })).filter((l) => l.status === 'ASSIGNED').length;
  return {
    store: name,
    openLeadsMoved: open,
    batch: REASSIGN_BATCH,
    seedSeconds: Math.round(seedSeconds * 10) / 10,
    reassignSeconds: Math.round(seconds * 100) / 100,
    leadsPerSecond: Math.round(open / seconds),
    counts: reassignment.counts,
    stillAssignedToRep: stillWithRep,
    ingestionBefore: summary(baseline),
    ingestionDuring: summary(during),
  };
}

export async function runReassignBench(leads = Number(process.env.REMIT_BENCH_REASSIGN_LEADS ?? 1000)) {
  const results: unknown[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'remit-bench-reassign-'));
  const sqlite = await startTestService({ url: `sqlite:${join(dir, 'remit.sqlite')}` });
  try {
    results.push(await benchStore('sqlite', sqlite, leads));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if ((await probePostgres()).ok) {
    const schema = newSchemaName();
    const pgService = await startTestService({ url: PG_URL, schema });
    try {
      results.push(await benchStore('postgres', pgService, leads));
    } finally {
      await pgService.close();
      await dropSchema(schema);
    }
  } else results.push({ store: 'postgres', skipped: 'unreachable' });
  return { leads, results };
}

if (import.meta.main) console.log(JSON.stringify(await runReassignBench(), null, 2));
