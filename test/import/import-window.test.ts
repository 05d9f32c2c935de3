import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/app/sources/import/import-csv.use-case.ts';
import { watchServiceTransactions, type WatchedTransactions } from '../support/watched-lead-writes.ts';
import { startTestService, type TestService } from '../http/service-harness.ts';
import { checkStoreConsistency } from '../service/fixtures/service-fixtures.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { csv, type ReportRow } from './import-support.ts';

/**
 * Issue 18 (lane bulkbatch): `remit import` of leads keeps a window of rows in flight, so they share routing batches
 * (one transaction, one COMMIT), on SQLite and PostgreSQL. The per-row report stays in file order, the same person twice
 * in one window is a DUPLICATE of the earlier row, and an import that stops mid-way (a row's transaction failing) and is
 * run again imports every row exactly once: what committed is replayed, nothing is created twice.
 */

const dialects = await bothDialects();

const HEADER = ['first_name', 'last_name', 'email', 'phone', 'country', 'postal_code', 'product'];
/** Data row `n` (1-based): person `n`, except that rows 7 and 12 are row 3's person again (same email, another address). */
const row = (n: number, tag: string, email?: string) => {
  const again = n === 7 || n === 12;
  const p = again ? 3 : n;
  return [
    'Win',
    `Row${p}`,
    email ?? `win.row${p}.${tag}@example.co.uk`,
    '',
    'GB',
    again ? `EC2V ${n}HH` : 'SW1A 1AA',
    'uk-stocks-shares-isa',
  ];
};

describe.each(dialects)('remit import, a window of rows in flight: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness;
  let svc: TestService;
  let dir = '';
  /** Transactions begun; a lead whose email holds "crash" fails its transaction while `crashing`. */
  let watched: WatchedTransactions;
  let crashing = true;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remit-import-window-'));
    h = await factory.create();
    svc = await startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}) });
    watched = watchServiceTransactions(svc, () => (crashing ? 'crash' : null));
  });
  afterAll(async () => {
    await svc?.close();
    await h?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function runImport(file: string) {
    const report = new PassThrough();
    const chunks: Buffer[] = [];
    report.on('data', (c: Buffer) => chunks.push(c));
    const result = await importCsv({
      kind: 'leads',
      file,
      input: createReadStream(file),
      report,
      mapping: null,
      org: svc.ctx.orgs.current,
      ctx: svc.ctx,
      now: svc.clock.now,
      consentAt: '2026-11-24T10:00:00Z',
    });
    return { result, report: parse(Buffer.concat(chunks).toString('utf8'), { columns: true }) as ReportRow[] };
  }

  it('shares routing transactions; the report is in file order; a repeated person is a DUPLICATE of the earlier row', async () => {
    const file = join(dir, `window-${factory.name}.csv`);
    await writeFile(file, csv([HEADER, ...Array.from({ length: 40 }, (_, i) => row(i + 1, 'w'))]));
    const before = watched.transactions;
    const { result, report } = await runImport(file);
    expect(result.ok && result.value.rows).toBe(40);
    // One transaction per row before; now rows share them (16 in flight at once). On SQLite: the first row alone (the
    // importer, and its window, is made from it), then batches of the rows of a turn (a repeated person waits a batch).
    expect(watched.transactions - before).toBeLessThanOrEqual(factory.name === 'sqlite' ? 6 : 12);
    expect(report.map((r) => Number(r.row))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const statuses = report.map((r) => r.status);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(2);
    expect([report[6]!.status, report[11]!.status]).toEqual(['duplicate', 'duplicate']);
    expect(report[6]!.duplicate_of).toBe(report[2]!.id);
    expect(report[11]!.duplicate_of).toBe(report[2]!.id);
    // Each row's report line names its own lead: ids are distinct and each was stored.
    const ids = report.map((r) => r.id);
    expect(new Set(ids).size).toBe(40);
    const stored = new Set((await h.store.leads.list()).map((l) => l.id));
    for (const id of ids) expect(stored.has(id)).toBe(true);
  });

  it('an import stopped mid-way by a failing row, run again, imports every row exactly once', async () => {
    const file = join(dir, `crash-${factory.name}.csv`);
    // Row 20 fails while `crashing`: rows of its window before and after it commit, the import stops at it.
    await writeFile(
      file,
      csv([HEADER, ...Array.from({ length: 40 }, (_, i) => row(i + 1, 'c', i === 19 ? 'crash.row20@example.co.uk' : undefined))]),
    );
    const leadsBefore = (await h.store.leads.list()).length;
    crashing = true;
    const first = await runImport(file);
    expect(first.result.ok).toBe(false);
    expect(!first.result.ok && first.result.error.message).toMatch(/^import stopped at data row 20:/);
    // The report has every row before the failing one, in order; rows after it in its window may have committed too.
    expect(first.report.map((r) => Number(r.row))).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    const committedFirst = (await h.store.leads.list()).length - leadsBefore;
    expect(committedFirst).toBeGreaterThanOrEqual(19);
    expect(committedFirst).toBeLessThan(40);

    crashing = false;
    const again = await runImport(file);
    expect(again.result.ok && again.result.value.rows).toBe(40);
    expect(again.result.ok && again.result.value.replayed).toBe(committedFirst);
    expect(again.report.map((r) => Number(r.row))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Every row is one lead, stored once: the first run's rows answered from their idempotency records.
    expect((await h.store.leads.list()).length - leadsBefore).toBe(40);
    expect(new Set(again.report.map((r) => r.id)).size).toBe(40);
    for (let i = 0; i < 19; i++) expect(again.report[i]!.id).toBe(first.report[i]!.id);
    expect(again.report[6]!.duplicate_of).toBe(again.report[2]!.id);
    expect((await checkStoreConsistency(h.store)).problems).toEqual([]);
  });
});
