import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentSnapshotKey } from '../../src/app/screening/list-snapshot-keeper.ts';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { readListSnapshot } from '../../src/screening/list-snapshot.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { capturingLogger } from '../support/observability.ts';
import { auth, startTestService, type TestService } from './service-harness.ts';

/**
 * Issue 19 item 4, as `remit serve` wires it: the start uses a valid snapshot (same /ready lists, same audit as a
 * fresh load), an invalid one is logged and counted and rewritten, a write that fails does not fail anything, and
 * a reload through the API writes the snapshot again.
 */

const HEADER = 'id,name,aliases,type,dob,country,reason\n';
const BLOCKLIST = `${HEADER}B-1,Mirela Vostanic,,person,1980-04-02,HR,fraud\n`;

let services: TestService[] = [];
afterEach(async () => {
  for (const s of services) await s.close();
  services = [];
});

function sourcesIn(dir: string): ListSourceCatalogue {
  writeFileSync(join(dir, 'block.csv'), BLOCKLIST);
  copyFileSync('test/support/fixtures/sanctions-mini.ftm.jsonl', join(dir, 'sanctions.ftm.jsonl'));
  return new ListSourceCatalogue([
    { id: 'blocklist', format: 'blocklist-csv', path: join(dir, 'block.csv') },
    { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
  ]);
}

async function start(
  dir: string,
  catalogue: ListSourceCatalogue,
  opts: { snapshot?: string; store?: string; log?: ReturnType<typeof capturingLogger>['log'] } = {},
) {
  const s = await startTestService({
    url: `sqlite:${join(dir, opts.store ?? 'remit.sqlite')}`,
    listSources: catalogue,
    ...(opts.snapshot ? { listSnapshot: opts.snapshot } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  services.push(s);
  return s;
}

const readyLists = async (s: TestService) => (await s.app.inject({ method: 'GET', url: '/ready' })).json().screening.lists as unknown[];
const startAudit = async (s: TestService) =>
  (await s.store.audit.pending(10_000)).map((p) => p.event).filter((e) => e.subject.startsWith('screening-list:'));
const rejected = async (s: TestService, reason: string) =>
  (await s.ctx.metrics.screeningSnapshotRejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

describe('start-up snapshot in the service', () => {
  it('a start from a valid snapshot answers /ready and audits exactly as a fresh load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-svc-'));
    const catalogue = sourcesIn(dir);
    const file = join(dir, 'lists.snapshot');
    const first = await start(dir, catalogue, { snapshot: file, store: 'a.sqlite' });
    await first.snapshot!.idle();
    expect(existsSync(file)).toBe(true);
    // a fresh load (no snapshot) and a start from the snapshot, each on a new store, at the same clock time
    const fresh = await start(dir, catalogue, { store: 'b.sqlite' });
    const { log, lines } = capturingLogger();
    const warm = await start(dir, catalogue, { snapshot: file, store: 'c.sqlite', log });
    expect(lines.some((l) => l.msg === 'screening lists restored from the start-up snapshot')).toBe(true);
    expect(await readyLists(warm)).toEqual(await readyLists(fresh));
    expect((await readyLists(warm)).length).toBe(2);
    const audit = (s: TestService) =>
      startAudit(s).then((a) => a.map(({ kind, subject, actor, at, payload }) => ({ kind, subject, actor, at, payload })));
    expect(await audit(warm)).toEqual(await audit(fresh));
    expect((await audit(warm)).map((e) => (e.payload as { action: string }).action)).toEqual([
      'screening_list.loaded',
      'screening_list.loaded',
    ]);
    const hit = warm.ctx.screening!.screen({ name: 'Mirela Vostanic', kind: 'person' });
    expect(hit.hits.map((h) => h.entryId)).toEqual(
      fresh.ctx.screening!.screen({ name: 'Mirela Vostanic', kind: 'person' }).hits.map((h) => h.entryId),
    );
    // restored, nothing changed: not written again
    const before = readFileSync(file);
    await warm.snapshot!.idle();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('an invalid snapshot (a source changed, the file damaged) is logged with its reason, counted, and rewritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-svc-'));
    const catalogue = sourcesIn(dir);
    const file = join(dir, 'lists.snapshot');
    await (await start(dir, catalogue, { snapshot: file, store: 'a.sqlite' })).snapshot!.idle();
    writeFileSync(join(dir, 'block.csv'), `${BLOCKLIST}B-2,Quillon Freight Partners,,organisation,,NL,sham\n`);
    const { log, lines } = capturingLogger();
    const s = await start(dir, catalogue, { snapshot: file, store: 'b.sqlite', log });
    const warning = lines.find((l) => l.msg === 'screening list snapshot not used: loading the lists from their files');
    expect(warning).toMatchObject({ level: 40, reason: 'source_file_changed' });
    expect(await rejected(s, 'source_file_changed')).toBe(1);
    expect(s.ctx.screening!.screen({ name: 'Quillon Freight Partners', kind: 'organisation' }).hits.length).toBeGreaterThan(0);
    await s.snapshot!.idle();
    expect(readListSnapshot(file, currentSnapshotKey(), catalogue.sources, new Date(s.clock.ms)).ok).toBe(true);
    // damaged: the same, with reason corrupt
    const bytes = readFileSync(file);
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(file, bytes);
    const damaged = capturingLogger();
    const t = await start(dir, catalogue, { snapshot: file, store: 'c.sqlite', log: damaged.log });
    expect(damaged.lines.find((l) => l.level === 40)).toMatchObject({ reason: 'corrupt' });
    expect(await rejected(t, 'corrupt')).toBe(1);
    await t.snapshot!.idle();
    expect(readListSnapshot(file, currentSnapshotKey(), catalogue.sources, new Date(t.clock.ms)).ok).toBe(true);
  });

  it('a snapshot that cannot be written is a logged, counted worker failure; the lists stay in force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-svc-'));
    const catalogue = sourcesIn(dir);
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const { log, lines } = capturingLogger();
    const s = await start(dir, catalogue, { snapshot: join(dir, 'not-a-folder', 'lists.snapshot'), log });
    await s.snapshot!.idle();
    expect(lines.find((l) => l.worker === 'screening-snapshot')).toMatchObject({ level: 50, msg: 'screening-snapshot failed' });
    const failures = (await s.ctx.metrics.workerFailures.get()).values.find((v) => v.labels.worker === 'screening-snapshot');
    expect(failures?.value).toBe(1);
    expect(s.ctx.screening!.versions().map((v) => v.listId)).toEqual(['blocklist', 'test-sanctions']);
  });

  it('POST /v1/screening/lists:reload writes the snapshot again, valid for the new file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-svc-'));
    const catalogue = sourcesIn(dir);
    const file = join(dir, 'lists.snapshot');
    const s = await start(dir, catalogue, { snapshot: file });
    await s.snapshot!.idle();
    const before = readFileSync(file);
    writeFileSync(join(dir, 'block.csv'), `${BLOCKLIST}B-2,Quillon Freight Partners,,organisation,,NL,sham\n`);
    const key = currentSnapshotKey();
    expect(readListSnapshot(file, key, catalogue.sources, new Date(s.clock.ms)).ok).toBe(false);
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/screening/lists:reload',
      payload: { sources: ['blocklist'] },
      headers: auth(s.tokens.compliance),
    });
    expect(res.statusCode).toBe(200);
    await s.snapshot!.idle();
    expect(readFileSync(file).equals(before)).toBe(false);
    const read = readListSnapshot(file, key, catalogue.sources, new Date(s.clock.ms));
    if (!read.ok) throw new Error(`rejected: ${read.rejection.kind}`);
    expect(read.lists.find((l) => l.version.listId === 'blocklist')!.version.entryCount).toBe(2);
    const restored = new ScreeningService({ now: () => new Date(s.clock.ms) });
    restored.apply({ add: read.lists, index: read.index });
    expect(restored.screen({ name: 'Quillon Freight Partners', kind: 'organisation' }).hits.map((h) => h.entryId)).toEqual(['B-2']);
  });

  it('with a source withheld (shrank beyond the guard) no snapshot of part of the lists is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-svc-'));
    const catalogue = sourcesIn(dir);
    writeFileSync(
      join(dir, 'block.csv'),
      `${BLOCKLIST}B-2,Quillon Freight Partners,,organisation,,NL,sham\nB-3,Arden Pell,,person,,GB,x\n`,
    );
    await start(dir, catalogue, { store: 'a.sqlite' });
    writeFileSync(join(dir, 'block.csv'), BLOCKLIST); // 3 → 1 entries: withheld on the next start with this store
    const file = join(dir, 'lists.snapshot');
    const s = await start(dir, catalogue, { snapshot: file, store: 'a.sqlite' });
    expect(s.ctx.screening!.withheldSources().map((w) => w.sourceId)).toEqual(['blocklist']);
    await s.snapshot!.idle();
    expect(existsSync(file)).toBe(false);
  });
});
