/**
 * Profiles `remit serve` under the service benchmark's load (issue 18, docs/performance.md): the
 * real child process runs with `--cpu-prof`, autocannon posts unique leads for REMIT_BENCH_SECONDS
 * (default 10) at REMIT_BENCH_LEVELS' first level (default 8 connections), then the server stops
 * (SIGTERM, which writes the profile) and scripts/cpuprofile-summary.ts sums it per lead.
 *
 * `node bench/profile-serve.ts [sqlite|postgres] [OUT_DIR]`
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, bankVariant, createKey, pgUrlWithSchema, startServer, writeConfigFile } from '../test/service/fixtures/service-fixtures.ts';
import { load } from './service.bench.ts';

const kind = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const out = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'remit-prof-'));
mkdirSync(out, { recursive: true });
const seconds = Number(process.env.REMIT_BENCH_SECONDS ?? 10);
const connections = Number((process.env.REMIT_BENCH_LEVELS ?? '8').split(',')[0]);
const dir = mkdtempSync(join(tmpdir(), 'remit-prof-db-'));
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const db = kind === 'sqlite' ? `sqlite:${join(dir, 'remit.sqlite')}` : pgUrlWithSchema(pgUrl, `remit_prof_${process.pid}`);
const config = writeConfigFile(await bankVariant({ version: 'prof', caps: 'none' }), dir);
const spawnedAt = performance.now();
const server = await startServer({ db, config, env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${out}` } });
const token = await createKey(server, server.adminToken!, 'integration');
await load(server, token, 'profw', connections, 3);
// Start-up (config, screening index) and the warm-up are left out of the summary: only the measured run is summed.
const skipMs = Math.round(performance.now() - spawnedAt);
const r = await load(server, token, 'prof', connections, seconds);
await server.kill('SIGTERM');
const profiles = readdirSync(out).filter((f) => f.endsWith('.cpuprofile'));
console.log(
  `${kind}: ${r.leadsPerSecond} leads/s at ${connections} connection(s), p99 ${r.latencyMs.p99} ms, ${r.ok2xx} leads, skip ${skipMs} ms; profiles in ${out}: ${profiles.join(', ')}`,
);
const leads = r.ok2xx;
for (const p of profiles)
  console.log(
    execFileSync(
      process.execPath,
      [join(REPO, 'scripts', 'cpuprofile-summary.ts'), join(out, p), '--top', '30', '--leads', String(leads), '--skip-ms', String(skipMs)],
      {
        encoding: 'utf8',
      },
    ),
  );
