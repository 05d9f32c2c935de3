/**
 * CPU per lead of a `remit serve` child under load, for A/B runs of two trees (issue 18; lanes walcut, sealcost and
 * sqlcpu2 in docs/performance.md): starts the service of TREE on a fresh SQLite file (or PostgreSQL with
 * REMIT_SERVE_CPU_DB=postgres), warms up for 3 s, then posts leads for SECONDS at CONNECTIONS with the service bench's
 * load generator and reads from /proc, around the measured part, the child's CPU (utime + stime: all threads, the main
 * thread alone, and the other threads by name), and its write() bytes and calls (/proc/PID/io: WAL frames, checkpoint
 * copies, sockets). Prints one JSON line: leads, leads/s, p99, those CPU ms per 2xx lead, KB written and write calls
 * per lead, and the routing batches of the measured part (`remit_routing_batch_leads`: batches and mean leads per batch;
 * absent from a tree without that metric). Run it alternately in each tree.
 *
 * `node bench/serve-cpu.ts TREE [seconds=10] [connections=8]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runSummary, sample } from './proc-cpu.ts';

const tree = resolve(process.argv[2] ?? '.');
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 8);
const fx = await import(join(tree, 'test/service/fixtures/service-fixtures.ts'));
const { load } = await import(join(tree, 'bench/service.bench.ts'));
const dir = mkdtempSync(join(tmpdir(), 'remit-serve-cpu-'));
const pg = process.env.REMIT_SERVE_CPU_DB === 'postgres';
const db = pg
  ? fx.pgUrlWithSchema('postgres://postgres@127.0.0.1:5432/test', `serve_cpu_${process.pid}`)
  : `sqlite:${join(dir, 'remit.sqlite')}`;
const server = await fx.startServer({
  db,
  config: fx.writeConfigFile(await fx.bankVariant({ version: 'cpu', caps: 'none' }), dir),
  env: {},
});
try {
  const token = await fx.createKey(server, server.adminToken!, 'integration');
  const pid = server.child.pid;
  await load(server, token, 'w', connections, 3);
  const batchesBefore = await routingBatches(server.base, server.adminToken!);
  const before = sample(pid!);
  const r = await load(server, token, 'm', connections, seconds);
  const after = sample(pid!);
  const batchesAfter = await routingBatches(server.base, server.adminToken!);
  console.log(
    JSON.stringify({
      tree,
      db: pg ? 'postgres' : 'sqlite',
      connections,
      ...runSummary(r, before, after),
      ...(batchesBefore && batchesAfter ? batchSummary(batchesBefore, batchesAfter) : {}),
    }),
  );
} finally {
  await server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

/** The routing-batch histogram's count and sum from /metrics (null: the tree has no such metric). */
async function routingBatches(base: string, adminToken: string): Promise<{ count: number; sum: number } | null> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
  const count = /^remit_routing_batch_leads_count (\S+)$/m.exec(text)?.[1];
  const sum = /^remit_routing_batch_leads_sum (\S+)$/m.exec(text)?.[1];
  return count === undefined || sum === undefined ? null : { count: Number(count), sum: Number(sum) };
}

function batchSummary(before: { count: number; sum: number }, after: { count: number; sum: number }) {
  const batches = after.count - before.count;
  return { batches, leadsPerBatch: batches > 0 ? Number(((after.sum - before.sum) / batches).toFixed(2)) : 0 };
}
