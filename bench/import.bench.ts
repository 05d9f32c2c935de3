import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateLeadsCsv } from '../test/import/generate-leads-csv.ts';

/**
 * `remit import` throughput on this machine (issue 8): the real CLI in a child process, so each
 * figure includes start-up and its peak RSS is that process's own.
 *  - dry run: streaming parse + mapping + normalisation (E.164 phones, ISO places, emails) + report;
 *  - real ingest: every row through ingestLead (dedupe, scoring, screening, routing, decision,
 *    audit, outbox) in its own SQLite transaction, into a temporary database;
 *  - re-run of the same file: every row answered from its idempotency record (nothing created).
 * Usage: node bench/import.bench.ts [dryRunRows] [ingestRows]
 */

const run = promisify(execFile);

interface Summary {
  rows: number;
  counts: Record<string, number>;
  replayed: number;
  elapsedMs: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

async function remitImport(args: string[]): Promise<Summary> {
  const { stdout } = await run(process.execPath, ['src/cli/main.ts', 'import', ...args, '--json'], {
    cwd: process.cwd(),
    maxBuffer: 8 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Summary;
}

const pick = (s: Summary) => ({
  rows: s.rows,
  rowsPerSecond: s.rowsPerSecond,
  seconds: +(s.elapsedMs / 1000).toFixed(2),
  peakRssMb: s.peakRssMb,
  counts: Object.fromEntries(Object.entries(s.counts).filter(([, n]) => n > 0)),
});

export async function runImportBench(opts: { dryRunRows?: number; ingestRows?: number } = {}): Promise<object> {
  const dryRunRows = opts.dryRunRows ?? 200_000;
  const ingestRows = opts.ingestRows ?? 2_000;
  const dir = await mkdtemp(join(tmpdir(), 'remit-import-bench-'));
  try {
    const big = join(dir, 'dry-run.csv');
    await generateLeadsCsv(big, dryRunRows, { phoneEvery: 2, badEvery: 10_000, seed: 'dry' });
    const dry = await remitImport([big, '--dry-run']);
    const small = join(dir, 'ingest.csv');
    await generateLeadsCsv(small, ingestRows, { phoneEvery: 2, badEvery: 1_000, seed: 'real' });
    const db = join(dir, 'remit.sqlite');
    const ingest = await remitImport([small, '--db', db]);
    const rerun = await remitImport([small, '--db', db]);
    const result = {
      note: 'remit import, child process per run; half the rows carry a UK phone; rows/s excludes process start-up',
      dryRun: { ...pick(dry), fileMb: +((await stat(big)).size / 1e6).toFixed(1) },
      ingestSqlite: pick(ingest),
      rerunSqlite: { ...pick(rerun), replayed: rerun.replayed },
    };
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [dryRunRows, ingestRows] = process.argv.slice(2).map(Number);
  const r = await runImportBench({ ...(dryRunRows ? { dryRunRows } : {}), ...(ingestRows ? { ingestRows } : {}) });
  console.log(JSON.stringify(r, null, 2));
}
