/**
 * Fairness benchmark (issue 18, security report W3): one integration key posts four 500-lead batches at the same
 * time while another integration key posts single leads one after another; reports the single leads' latency (p50,
 * p95, p99, max) before any batch (idle), with batch slicing off (`limits.batchSlice: 500`, a whole batch per turn) and
 * with the default slicing, all in the same run, so the figures compare as ratios on a loaded machine.
 *
 * In-process: `remit`'s HTTP server on a loopback port (real sockets: a blocked event loop delays reading the single
 * lead's request, as it does in production), the load from the same process with fetch; SQLite on a temp file, and
 * PostgreSQL (a fresh schema) when reachable. Standalone: `node bench/fairness.bench.ts` (env REMIT_BENCH_FAIR_BATCH,
 * default 500 leads per batch).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_INTAKE_LIMITS } from '../src/domain/org/intake-limits.schema.ts';
import { startTestService, ukLead, type TestService } from '../test/http/service-harness.ts';
import { personWithKey } from '../test/support/people.ts';
import { dropSchema, newSchemaName, PG_URL, probePostgres } from '../test/store/store-harness.ts';

const BATCHES = 4;
const run = promisify(execFile);
const TARGET_P99_MS = 100;

interface Latencies {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const summary = (ms: readonly number[]): Latencies => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) * 10) / 10;
  return { count: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: at(1) };
};

type RepConfig = { team: string; capacity: Record<string, number> };

/** The example org with the UK reps' caps lifted (thousands of leads must not exhaust them) and the given batch slice. */
function variant(s: TestService, limits: { batchSlice: number; batchSliceMs: number }, tag: string) {
  const config = structuredClone(s.ctx.orgs.current.config) as unknown as { version: string; reps: RepConfig[]; limits?: unknown };
  for (const rep of config.reps.filter((r) => r.team.startsWith('uk-'))) rep.capacity = { maxOpenLeads: 100_000, maxLeadsPerDay: 100_000 };
  // REMIT_BENCH_FAIR_WINDOW: the batch route's window (limits.batchTurnLeadsAtOnce; unset: the org default).
  const window = process.env.REMIT_BENCH_FAIR_WINDOW;
  config.limits = window === undefined ? limits : { ...limits, batchTurnLeadsAtOnce: Number(window) };
  config.version = `bench-fair-${tag}`;
  return config;
}

let seq = 0;
const lead = (who: string) => {
  seq++;
  return ukLead({ person: { firstName: 'Fair', lastName: `${who}${seq}`, email: `fair.${who}${seq}@example.co.uk` } });
};

async function postSingle(base: string, token: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/leads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(lead('idle')),
  });
  if (res.status !== 201) throw new Error(`POST /v1/leads answered ${res.status}: ${await res.text()}`);
  await res.text();
  return performance.now() - t0;
}

/** Runs bench/fairness-load.ts in its own process and returns what it measured. */
async function load(base: string, tokens: { batch: string; single: string }, batch: number, tag: string, probe = true) {
  const { stdout } = await run(process.execPath, [
    fileURLToPath(new URL('./fairness-load.ts', import.meta.url)),
    base,
    tokens.batch,
    tokens.single,
    String(batch),
    String(BATCHES),
    tag,
    probe ? '1' : '0',
  ]);
  return JSON.parse(stdout) as { singlesMs: number[]; batchesMs: number[] };
}

type Slicing = { readonly batchSlice: number; readonly batchSliceMs: number };
/** Slicing off: a whole batch per turn, as before issue 18 (turns then only order whole batches). */
const OFF: Slicing = { batchSlice: 500, batchSliceMs: 60_000 };
const ON: Slicing = { batchSlice: DEFAULT_INTAKE_LIMITS.batchSlice, batchSliceMs: DEFAULT_INTAKE_LIMITS.batchSliceMs };

async function underBatches(s: TestService, base: string, tokens: { batch: string; single: string }, batch: number, slicing: Slicing) {
  const tag = `${slicing.batchSlice}-${slicing.batchSliceMs}`;
  const published = await s.ctx.orgs.publish(variant(s, slicing, tag), 'bench');
  if (!published.ok) throw new Error(JSON.stringify(published.error));
  const before = await s.store.leads.list({});
  const { singlesMs: singles, batchesMs: batchMs } = await load(base, tokens, batch, tag);
  const seconds = Math.max(...batchMs) / 1000;
  const stored = (await s.store.leads.list({})).length - before.length;
  return {
    ...slicing,
    single: summary(singles),
    batchSeconds: Math.round(seconds * 10) / 10,
    batchLeadsPerSecond: Math.round((BATCHES * batch) / seconds),
    // Every batch lead and every single lead is in the store (nothing acknowledged was lost).
    stored,
    expectedStored: BATCHES * batch + singles.length,
  };
}

/** The batches alone (no single leads): what slicing costs the batches' own throughput. */
async function batchesAlone(s: TestService, base: string, tokens: { batch: string; single: string }, batch: number, slicing: Slicing) {
  const tag = `alone-${slicing.batchSlice}-${slicing.batchSliceMs}`;
  const published = await s.ctx.orgs.publish(variant(s, slicing, tag), 'bench');
  if (!published.ok) throw new Error(JSON.stringify(published.error));
  const { batchesMs } = await load(base, tokens, batch, tag, false);
  return { ...slicing, batchLeadsPerSecond: Math.round((BATCHES * batch) / (Math.max(...batchesMs) / 1000)) };
}

async function benchStore(name: string, s: TestService, batch: number) {
  const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  const tokens = { batch: s.tokens.integration, single: (await personWithKey(s.ctx, 'integration', { name: 'second integration' })).token };
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) idle.push(await postSingle(base, tokens.single));
  // REMIT_BENCH_FAIR_ON_ONLY=1: only the default slicing (an A/B of the window; the slicing-off figures are the same runs').
  const onOnly = process.env.REMIT_BENCH_FAIR_ON_ONLY === '1';
  const off = onOnly ? null : await underBatches(s, base, tokens, batch, OFF);
  const on = await underBatches(s, base, tokens, batch, ON);
  // Throughput cost of slicing, SQLite only (PostgreSQL's batches are slow enough on a shared machine to double the run).
  const alone =
    name === 'sqlite' && !onOnly ? [await batchesAlone(s, base, tokens, batch, OFF), await batchesAlone(s, base, tokens, batch, ON)] : [];
  return {
    store: name,
    idle: summary(idle),
    slicingOff: off,
    slicingOn: on,
    ...(off ? { p99RatioOnToOff: Math.round((on.single.p99Ms / Math.max(0.1, off.single.p99Ms)) * 1000) / 1000 } : {}),
    targetP99Ms: TARGET_P99_MS,
    met: on.single.p99Ms < TARGET_P99_MS,
    ...(alone.length === 2
      ? {
          batchesAlone: { slicingOff: alone[0], slicingOn: alone[1] },
          batchThroughputRatioOnToOff: Math.round((alone[1]!.batchLeadsPerSecond / alone[0]!.batchLeadsPerSecond) * 1000) / 1000,
        }
      : {}),
  };
}

export async function runFairnessBench(batch = Number(process.env.REMIT_BENCH_FAIR_BATCH ?? 500)) {
  const results: unknown[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'remit-bench-fair-'));
  const sqlite = await startTestService({ url: `sqlite:${join(dir, 'remit.sqlite')}`, server: { requestLogs: false } });
  try {
    results.push(await benchStore('sqlite', sqlite, batch));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if ((await probePostgres()).ok) {
    const schema = newSchemaName();
    const pg = await startTestService({ url: PG_URL, schema, server: { requestLogs: false } });
    try {
      results.push(await benchStore('postgres', pg, batch));
    } finally {
      await pg.close();
      await dropSchema(schema);
    }
  } else results.push({ store: 'postgres', skipped: 'unreachable' });
  return {
    batches: BATCHES,
    leadsPerBatch: batch,
    results,
    note: 'compare within the run: idle single leads, slicing off and on, and the batches alone are measured minutes apart on the same machine',
  };
}

if (import.meta.main) console.log(JSON.stringify(await runFairnessBench(), null, 2));
