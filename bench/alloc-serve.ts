/**
 * Bytes of JS heap a lead allocates under `remit serve` (lane alloc, docs/performance.md): starts TREE's service on a
 * fresh SQLite file (or PostgreSQL with REMIT_SERVE_CPU_DB=postgres) with `bench/alloc-preload.ts` loaded, warms up
 * for 3 s, then measures while the service bench's load generator posts leads for SECONDS at CONNECTIONS. Prints
 * allocated bytes per 2xx lead and GCs per lead; with SAMPLE_BYTES > 0 also the top allocation sites per lead from a
 * sampled heap profile that includes the objects GCs collected (self bytes per function, and per file).
 *
 * `node bench/alloc-serve.ts TREE [seconds=10] [connections=8] [SAMPLE_BYTES=0] [top=40]`
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Node = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
};
const tree = resolve(process.argv[2] ?? '.');
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 8);
const sample = Number(process.argv[5] ?? 0);
const top = Number(process.argv[6] ?? 40);
/** Where to keep the raw sampled profile (a .heapprofile opens in Chrome DevTools), if given. */
const keep = process.argv[7];
const fx = await import(join(tree, 'test/service/fixtures/service-fixtures.ts'));
const { load } = await import(join(tree, 'bench/service.bench.ts'));
const dir = mkdtempSync(join(tmpdir(), 'remit-alloc-'));
const outFile = join(dir, 'alloc.json');
const pg = process.env.REMIT_SERVE_CPU_DB === 'postgres';
const db = pg
  ? fx.pgUrlWithSchema('postgres://postgres@127.0.0.1:5432/test', `alloc_${process.pid}`)
  : `sqlite:${join(dir, 'remit.sqlite')}`;
const preload = fileURLToPath(new URL('alloc-preload.ts', import.meta.url));
const server = await fx.startServer({
  db,
  config: fx.writeConfigFile(await fx.bankVariant({ version: 'alloc', caps: 'none' }), dir),
  env: {
    NODE_OPTIONS: `--import=${preload}`,
    REMIT_ALLOC_OUT: outFile,
    REMIT_ALLOC_SAMPLE: String(sample),
    REMIT_ALLOC_V8_FLAGS: process.env.REMIT_ALLOC_V8_FLAGS ?? '',
  },
});

/** Where a frame is: the file relative to the tree (or its last two segments), and the line. */
function site(n: Node): string {
  const u = n.callFrame.url.startsWith('file://') ? fileURLToPath(n.callFrame.url) : n.callFrame.url;
  const file = u.startsWith(tree) ? relative(tree, u) : u.split('/').slice(-2).join('/');
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
}
function sum(root: Node, key: (n: Node) => string): Map<string, number> {
  const m = new Map<string, number>();
  const walk = (n: Node) => {
    if (n.selfSize > 0) m.set(key(n), (m.get(key(n)) ?? 0) + n.selfSize);
    n.children.forEach(walk);
  };
  walk(root);
  return m;
}
try {
  const token = await fx.createKey(server, server.adminToken!, 'integration');
  await load(server, token, 'w', connections, 3);
  server.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 200));
  const r = await load(server, token, 'm', connections, seconds);
  server.child.kill('SIGUSR2');
  let text = '';
  for (let i = 0; i < 100 && text === ''; i++) {
    await new Promise((res) => setTimeout(res, 100));
    try {
      text = readFileSync(outFile, 'utf8');
    } catch {
      // not written yet
    }
  }
  const a = JSON.parse(text) as {
    allocated: number;
    gcs: number;
    gcMs: number;
    byType: Record<string, { n: number; ms: number }>;
    profile?: { head: Node };
  };
  const n = r.ok2xx;
  console.log(
    JSON.stringify({
      tree,
      db: pg ? 'postgres' : 'sqlite',
      leads: n,
      leadsPerSecond: r.leadsPerSecond,
      allocatedKbPerLead: +(a.allocated / 1024 / n).toFixed(1),
      gcsPerLead: +(a.gcs / n).toFixed(3),
      gcMsPerLead: +(a.gcMs / n).toFixed(3),
      gcByType: Object.fromEntries(Object.entries(a.byType).map(([k, v]) => [k, { n: v.n, msPerLead: +(v.ms / n).toFixed(3) }])),
    }),
  );
  if (a.profile) {
    if (keep) writeFileSync(keep, JSON.stringify(a.profile));
    const kb = (b: number) => (b / 1024 / n).toFixed(2).padStart(8);
    const total = [...sum(a.profile.head, () => 'all').values()][0] ?? 0;
    console.log(`sampled: ${kb(total)} KB per lead`);
    for (const [label, key] of [
      ['function', site],
      ['file', (x: Node) => site(x).replace(/^\S+ /, '').replace(/:\d+$/, '')],
    ] as const) {
      console.log(`-- by ${label} (KB per lead, self)`);
      for (const [k, v] of [...sum(a.profile.head, key)].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${kb(v)}  ${k}`);
    }
  }
} finally {
  await server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
