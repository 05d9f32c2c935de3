/**
 * Start-up bench (issue 19 item 4, docs/screening.md "Start-up snapshot"): the real `remit serve` child with every
 * list a bank would load from ../shared/data/screening that Remit has a loader for (OFAC SDN and consolidated, UN,
 * US Congress PEP, the OpenSanctions FtM sample, the example firm blocklist), cold (no snapshot: every file parsed,
 * every name normalised and indexed) and warm (the snapshot written by the cold start before it), interleaved, N
 * times each on one SQLite store. Per start: wall time from spawn to `/ready` answering ready, the child's CPU time
 * (user + system, all threads) at that moment (steadier than wall time on a loaded machine), the screening lists'
 * own time from its log, and the V8 heap once ready. Goal: warm < 3 s.
 * Run: `npm run bench -- --only startup` (STARTUP_RUNS, default 5; SHARED_DIR overrides ../shared).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(process.env['SHARED_DIR'] ?? resolve(repoRoot, '..', 'shared'), 'data', 'screening');
const METRICS_TOKEN = 'startup-bench-metrics-token';
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS = 100;

interface Start {
  readonly kind: 'cold' | 'warm';
  readonly readyMs: number;
  readonly cpuMs: number;
  /** From the `screening lists in force` log line: loading (or restoring) and applying the lists. */
  readonly listsMs: number;
  readonly listsFrom: string;
  readonly names: number;
  /** When the screening start began, after spawn (node start, module loading, config, store and migrations). */
  readonly beforeListsMs: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
}

/** A copy of the example bank whose lists.yaml names every list Remit can load from the shared data. */
function allListsConfig(dir: string): string {
  const config = join(dir, 'bank');
  cpSync(join(repoRoot, 'examples', 'bank'), config, { recursive: true });
  const source = (id: string, format: string, path: string) => `  - id: ${id}\n    format: ${format}\n    path: ${path}\n`;
  writeFileSync(
    join(config, 'screening', 'lists.yaml'),
    'maxShrinkFraction: 0.2\nsources:\n' +
      source('ofac-sdn', 'ofac-sdn', join(dataDir, 'ofac', 'sdn.csv')) +
      source('ofac-cons', 'ofac-sdn', join(dataDir, 'ofac', 'cons_prim.csv')) +
      source('un-sc', 'un-xml', join(dataDir, 'un', 'UN_consolidated.xml')) +
      source('us-congress-pep', 'senzing-jsonl', join(dataDir, 'opensanctions', 'us_congress_pep.senzing.jsonl')) +
      source('opensanctions-zala', 'ftm-jsonl', join(dataDir, 'opensanctions', 'zala.entities.ftm.json')) +
      source('blocklist', 'blocklist-csv', 'screening/firm-blocklist.csv'),
  );
  return config;
}

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readyAnswer(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`);
    return res.status === 200 && ((await res.json()) as { status?: string }).status === 'ready';
  } catch {
    return false;
  }
}

async function heapUsedMb(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('remit_nodejs_heap_size_used_bytes '));
  return line ? Math.round(Number(line.split(' ')[1]) / 2 ** 20) : NaN;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** One start of `remit serve`; a cold start waits for its snapshot to be written, so the next warm start has it. */
async function startOnce(kind: Start['kind'], config: string, db: string, port: number): Promise<Start> {
  const spawnedAt = Date.now();
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/remit.mjs', 'serve', '--config', config, '--db', db, '--port', String(port), '--quiet'], {
    cwd: repoRoot,
    env: { ...process.env, REMIT_METRICS_TOKEN: METRICS_TOKEN, REMIT_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`remit serve exited ${child.exitCode}: ${stderr}`);
      if (await readyAnswer(port)) break;
      await sleep(10);
    }
    const readyMs = performance.now() - started;
    const cpuMs = cpuMsOf(child.pid!);
    const rssMb = Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024);
    const heap = await heapUsedMb(port);
    const lists = lines.find((l) => l['msg'] === 'screening lists in force');
    if (!lists) throw new Error('no "screening lists in force" log line');
    if (kind === 'cold') {
      const deadline = Date.now() + 60_000;
      while (!lines.some((l) => l['msg'] === 'screening list snapshot written') && Date.now() < deadline) await sleep(50);
    }
    const listsMs = lists['ms'] as number;
    return {
      kind,
      readyMs: Math.round(readyMs),
      cpuMs: Math.round(cpuMs),
      listsMs,
      listsFrom: lists['from'] as string,
      names: lists['names'] as number,
      beforeListsMs: Math.round((lists['time'] as number) - listsMs - spawnedAt),
      heapUsedMb: heap,
      rssMb,
    };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function summary(starts: readonly Start[]) {
  const of = (k: keyof Start) => starts.map((s) => s[k] as number);
  return {
    runs: starts.length,
    from: [...new Set(starts.map((s) => s.listsFrom))],
    readyMs: { median: median(of('readyMs')), min: Math.min(...of('readyMs')), max: Math.max(...of('readyMs')) },
    cpuMs: { median: median(of('cpuMs')), min: Math.min(...of('cpuMs')), max: Math.max(...of('cpuMs')) },
    listsMs: { median: median(of('listsMs')), min: Math.min(...of('listsMs')), max: Math.max(...of('listsMs')) },
    beforeListsMs: { median: median(of('beforeListsMs')) },
    heapUsedMb: { median: median(of('heapUsedMb')) },
    rssMb: { median: median(of('rssMb')) },
    names: starts[0]?.names,
  };
}

export async function runStartupBench(opts: { runs?: number } = {}) {
  if (!existsSync(join(dataDir, 'ofac', 'sdn.csv'))) throw new Error(`screening data not found at ${dataDir} (set SHARED_DIR)`);
  const runs = opts.runs ?? Number(process.env['STARTUP_RUNS'] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'remit-startup-'));
  try {
    const config = allListsConfig(dir);
    const db = join(dir, 'store', 'remit.sqlite');
    const snapshot = `${db}.screening-snapshot`;
    const port = 18_000 + (process.pid % 1000);
    const loadBefore = loadavg()[0]!;
    // A first start creates and migrates the store (not measured: every later start finds it).
    await startOnce('cold', config, db, port);
    const starts: Start[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(snapshot, { force: true });
      starts.push(await startOnce('cold', config, db, port));
      starts.push(await startOnce('warm', config, db, port));
    }
    const cold = starts.filter((s) => s.kind === 'cold');
    const warm = starts.filter((s) => s.kind === 'warm');
    return {
      lists: 'OFAC SDN + consolidated, UN consolidated, US Congress PEP (Senzing), OpenSanctions FtM sample, firm blocklist',
      loadAverage: { before: loadBefore, after: loadavg()[0] },
      cold: summary(cold),
      warm: summary(warm),
      warmOverCold: {
        readyMs: +(summary(warm).readyMs.median / summary(cold).readyMs.median).toFixed(2),
        cpuMs: +(summary(warm).cpuMs.median / summary(cold).cpuMs.median).toFixed(2),
      },
      snapshotBytes: existsSync(snapshot) ? readFileSync(snapshot).length : null,
      starts,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await runStartupBench(), null, 2));
