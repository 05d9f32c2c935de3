/**
 * The floor of the work per lead on this machine (issue 18, lane floor; docs/performance.md "Lane floor"): starts a
 * deliberately minimal server that does only the work a lead must have done, with Remit's own functions for it
 * (bench/floor-pipeline.ts, served by bench/ingest-floor-server.ts), or the bare Fastify baseline, as a child
 * process; warms up for 3 s, then loads it for SECONDS at CONNECTIONS with the service benchmark's load generator
 * (autocannon, the same leads and 1-in-50 duplicates) and reads the child's CPU from /proc around the measured part,
 * as bench/serve-cpu.ts does for `remit serve`. Prints one JSON line with the same fields as serve-cpu.ts, plus the
 * per-step CPU (FLOOR_STEPS=1: µs per lead of each step on the main thread, measured with process.threadCpuUsage),
 * and a count check (lead rows = 2xx answers, within the requests cut off at the end; every inbox entry sealed).
 *
 * `node bench/ingest-floor.ts [node|fastify|bare] [seconds=10] [connections=8]`
 *
 * Not part of `npm run bench`: a tool for A/B runs. Interleave it with `remit serve` of the same tree, e.g.
 * `for i in 1 2 3; do node bench/serve-cpu.ts . 10 8; node bench/ingest-floor.ts node 10 8; node bench/ingest-floor.ts
 * node 10 8; node bench/serve-cpu.ts . 10 8; done`. FLOOR_LISTS=bank screens against the example bank's real lists.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { REPO, freePort } from '../test/service/fixtures/service-fixtures.ts';
import { runSummary, sample } from './proc-cpu.ts';
import { load } from './service.bench.ts';

const mode = process.argv[2] ?? 'node';
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 8);
const TOKEN = 'remit_floor_token';
const dir = mkdtempSync(join(tmpdir(), 'remit-floor-'));
const file = join(dir, 'floor.sqlite');
const port = await freePort();
const args =
  mode === 'bare'
    ? [join(REPO, 'bench', 'bare-fastify-server.ts'), String(port)]
    : [join(REPO, 'bench', 'ingest-floor-server.ts'), String(port), file, TOKEN, mode];
// FLOOR_NODE_OPTIONS: Node options for the server child only (e.g. --cpu-prof --cpu-prof-dir=DIR).
const env = { ...process.env, ...(process.env.FLOOR_NODE_OPTIONS ? { NODE_OPTIONS: process.env.FLOOR_NODE_OPTIONS } : {}) };
const spawnedAt = performance.now();
const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
await new Promise<void>((res, reject) => {
  const poll = setInterval(() => {
    if (!/listening on/.test(out)) return;
    clearInterval(poll);
    res();
  }, 20);
  void exited.then(() => {
    clearInterval(poll);
    reject(new Error(`the ${mode} server exited before listening:\n${out}`));
  });
});
const server = { base: `http://127.0.0.1:${port}` };
const floor = mode !== 'bare';
try {
  const warm = await load(server, TOKEN, 'w', connections, 3);
  if (floor) await fetch(`${server.base}/floor/steps/reset`, { method: 'POST' });
  // With --cpu-prof: the part of the profile before the measured run (start-up, warm-up), for bench/profile-groups.ts.
  const profileSkipMs = Math.round(performance.now() - spawnedAt);
  const before = sample(child.pid!);
  const r = await load(server, TOKEN, 'm', connections, seconds);
  const after = sample(child.pid!);
  const steps = floor ? ((await (await fetch(`${server.base}/floor/steps`)).json()) as { sealerCpuMicros: number }) : null;
  child.kill('SIGTERM');
  await exited;
  const check = floor ? countCheck(warm.ok2xx + r.ok2xx, warm.cutOff + r.cutOff) : null;
  console.log(
    JSON.stringify({
      mode,
      connections,
      ...runSummary(r, before, after),
      ...(steps ? { steps, sealerCpuMsPerLead: +(steps.sealerCpuMicros / 1000 / r.ok2xx).toFixed(3) } : {}),
      ...(check ? { countCheck: check } : {}),
      profileSkipMs,
      loadAverage: (await import('node:os')).loadavg().map((l) => +l.toFixed(1)),
    }),
  );
} finally {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

/** Rows = 2xx answers (plus at most the requests cut off at the end), every routed lead decided, the inbox sealed. */
function countCheck(ok2xx: number, cutOff: number) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const one = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    const leads = one('select count(*) as n from leads');
    const undecided = one(
      "select count(*) as n from leads l where l.status <> 'DUPLICATE' and not exists (select 1 from decisions d where d.lead_id = l.id)",
    );
    const inbox = one('select count(*) as n from audit_inbox');
    const sealed = one('select count(*) as n from audit_log');
    return {
      responses2xx: ok2xx,
      leadRows: leads,
      undecided,
      inboxLeft: inbox,
      sealed,
      ok: leads >= ok2xx && leads <= ok2xx + cutOff && undecided === 0 && inbox === 0,
    };
  } finally {
    db.close();
  }
}
