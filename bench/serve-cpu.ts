/**
 * CPU per lead of a `remit serve` child under load, for A/B runs of two trees (issue 18; lanes walcut, sealcost and
 * sqlcpu2 in docs/performance.md): starts the service of TREE on a fresh SQLite file (or PostgreSQL with
 * REMIT_SERVE_CPU_DB=postgres), warms up for 3 s, then posts leads for SECONDS at CONNECTIONS with the service bench's
 * load generator and reads from /proc, around the measured part, the child's CPU (utime + stime: all threads, the main
 * thread alone, and the other threads by name), and its write() bytes and calls (/proc/PID/io: WAL frames, checkpoint
 * copies, sockets). Prints one JSON line: leads, leads/s, p99, those CPU ms per 2xx lead, KB written and write calls
 * per lead. Run it alternately in each tree.
 *
 * `node bench/serve-cpu.ts TREE [seconds=10] [connections=8]`
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
/** utime + stime in clock ticks (fields 14 and 15 of /proc/…/stat, counted after the command name). */
function ticks(path: string): number {
  const s = readFileSync(path, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
/** CPU ticks of the process's threads by thread name (V8Worker: GC and compiler helpers; WorkerThread: Remit's workers). */
function ticksByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      out.set(name, (out.get(name) ?? 0) + ticks(`/proc/${pid}/task/${t}/stat`));
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return out;
}
/** Bytes passed to write() and the write calls made, all threads (/proc/…/io): WAL frames and checkpoint copies. */
function writes(pid: number): { bytes: number; calls: number } {
  const io = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(': ')),
  ) as Record<string, string>;
  return { bytes: Number(io.wchar), calls: Number(io.syscw) };
}
try {
  const token = await fx.createKey(server, server.adminToken!, 'integration');
  const pid = server.child.pid;
  await load(server, token, 'w', connections, 3);
  const [p0, m0, w0, t0] = [ticks(`/proc/${pid}/stat`), ticks(`/proc/${pid}/task/${pid}/stat`), writes(pid!), ticksByThread(pid!)];
  const r = await load(server, token, 'm', connections, seconds);
  const [p1, m1, w1, t1] = [ticks(`/proc/${pid}/stat`), ticks(`/proc/${pid}/task/${pid}/stat`), writes(pid!), ticksByThread(pid!)];
  const n = r.ok2xx;

  const msPerLead = (t: number) => +((t * 10) / n).toFixed(3); // 100 ticks per second
  console.log(
    JSON.stringify({
      tree,
      db: pg ? 'postgres' : 'sqlite',
      connections,
      leads: n,
      leadsPerSecond: r.leadsPerSecond,
      p99Ms: r.latencyMs.p99,
      processCpuMsPerLead: msPerLead(p1 - p0),
      mainThreadCpuMsPerLead: msPerLead(m1 - m0),
      threadCpuMsPerLead: Object.fromEntries(
        [...t1].filter(([k]) => k !== 'MainThread').map(([k, v]) => [k, msPerLead(v - (t0.get(k) ?? 0))]),
      ),
      writeKbPerLead: +((w1.bytes - w0.bytes) / 1024 / n).toFixed(1),
      writeCallsPerLead: +((w1.calls - w0.calls) / n).toFixed(1),
      non2xx: r.non2xx,
    }),
  );
} finally {
  await server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
