/**
 * Lane gcommit (issue 18): WAL frames, CPU and latency per lead on an SQLite file with and without group commit
 * (sqlite/group-commit-driver.ts). Posts REMIT_GC_LEADS (default 400) leads of the service benchmark's mix through the
 * HTTP app in process, `concurrency` in flight at once (each finished post starts the next), to the example bank (no
 * capacity caps). Frames are counted from the WAL's size: a second connection holds a read transaction open from before
 * the first counted lead, so no checkpoint can restart the WAL and every frame written stays in it
 * ((bytes - 32) / (24 + page size)). CPU is the process's user + system time per lead; p50 / p99 are the posts' latencies.
 *
 * `node bench/group-commit-frames.ts [concurrency …]` (default 8 32); REMIT_GC_MODES (default "off,on"; also "waiters").
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { loadConfig } from '../src/config/load-config.ts';
import type { GroupCommitBounds } from '../src/store/sqlite/group-commit-driver.ts';
import { auth, startTestService, type TestService } from '../test/http/service-harness.ts';
import { bankVariant, serviceLead, writeConfigFile } from '../test/service/fixtures/service-fixtures.ts';

const leads = Number(process.env.REMIT_GC_LEADS ?? 400);
const levels = process.argv.slice(2).map(Number);
const modes = (process.env.REMIT_GC_MODES ?? 'off,on').split(',');
/** off: no grouping; waiters: only transactions already waiting join (no next-turn wait); on: the defaults. */
const MODES: Record<string, GroupCommitBounds> = { off: { maxMembers: 1 }, waiters: { nextTurn: false }, on: {} };

async function post(svc: TestService, token: string, lead: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  const res = await svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(token), payload: lead });
  if (res.statusCode !== 201) throw new Error(`POST /v1/leads answered ${res.statusCode}: ${res.body}`);
  return performance.now() - started;
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function run(mode: string, concurrency: number): Promise<void> {
  const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'gcommit', caps: 'none' })));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const dir = mkdtempSync(join(tmpdir(), 'remit-gc-'));
  const file = join(dir, 'remit.sqlite');
  const svc = await startTestService({
    org: loaded.value.org,
    followers: true,
    url: file,
    groupCommit: MODES[mode] ?? {},
  });
  const reader = new DatabaseSync(file, { readOnly: true });
  try {
    const token = svc.tokens.integration;
    for (let i = 0; i < 50; i++) await post(svc, token, serviceLead(`warm${concurrency}${mode}`, i));
    const pageSize = Number((reader.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM leads').get();
    const walBefore = statSync(`${file}-wal`).size;
    const latencies: number[] = [];
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < leads) latencies.push(await post(svc, token, serviceLead(`gc${concurrency}${mode}`, next++)));
      }),
    );
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const frames = (statSync(`${file}-wal`).size - walBefore) / (24 + pageSize);
    latencies.sort((a, b) => a - b);
    console.log(
      `${mode.padEnd(7)} c=${String(concurrency).padStart(2)}: ${(frames / leads).toFixed(1)} WAL frames/lead, ` +
        `CPU ${((used.user + used.system) / 1000 / leads).toFixed(3)} ms/lead, ${((leads / wall) * 1000).toFixed(0)} leads/s, ` +
        `p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`,
    );
  } finally {
    reader.close();
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const concurrency of levels.length > 0 ? levels : [8, 32]) for (const mode of modes) await run(mode, concurrency);
