/**
 * WAL frames per lead under `remit serve` on a SQLite file, by b-tree (issue 18, docs/performance.md "Lane walcut"): a
 * WAL commit writes every page its transaction dirtied, so the frames a lead adds are what COMMIT costs it. After a
 * warm-up, the WAL is truncated and a reader here holds its snapshot open, so nothing after it is checkpointed away;
 * autocannon then posts leads for REMIT_BENCH_SECONDS (default 5) at REMIT_BENCH_LEVELS' first level (default 8
 * connections). Each frame's page is mapped to its table or index through `dbstat`. The held snapshot slows the
 * server (the WAL only grows): read frames, not leads/s, from this.
 *
 * `node bench/wal-frames.ts`
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bankVariant, createKey, startServer, writeConfigFile } from '../test/service/fixtures/service-fixtures.ts';
import { load } from './service.bench.ts';

const seconds = Number(process.env.REMIT_BENCH_SECONDS ?? 5);
const connections = Number((process.env.REMIT_BENCH_LEVELS ?? '8').split(',')[0]);
const dir = mkdtempSync(join(tmpdir(), 'remit-wal-frames-'));
const file = join(dir, 'remit.sqlite');
const server = await startServer({
  db: `sqlite:${file}`,
  config: writeConfigFile(await bankVariant({ version: 'wal', caps: 'none' }), dir),
});
try {
  const token = await createKey(server, server.adminToken!, 'integration');
  await load(server, token, 'walw', connections, 3);
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 10000');
  db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
  db.exec('BEGIN');
  db.prepare('select count(*) from leads').get(); // the snapshot: nothing written after it is checkpointed away
  const r = await load(server, token, 'wal', connections, seconds);
  db.exec('COMMIT');
  const wal = readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  const pages: number[] = [];
  // 32-byte WAL header, then frames of a 24-byte header (page number first, the salts at 8 and 12) and the page
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    pages.push(wal.readUInt32BE(at));
  }
  const owner = new Map<number, string>();
  for (const row of db.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[])
    owner.set(row.pageno, row.name);
  db.close();
  const byTree = new Map<string, number>();
  for (const p of pages) byTree.set(owner.get(p) ?? '(freed)', (byTree.get(owner.get(p) ?? '(freed)') ?? 0) + 1);
  const leads = r.ok2xx;
  console.log(`${leads} leads, ${pages.length} frames: ${(pages.length / leads).toFixed(1)} frames per lead (${connections} connections)`);
  for (const [name, n] of [...byTree].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${(n / leads).toFixed(2).padStart(7)}  ${name}`);
} finally {
  await server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
