import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_RELEASE_REPORT, queueCoverageRelease, releasePage } from '../../src/app/screening/coverage-release.ts';
import { ListSyncWorker } from '../../src/app/screening/list-sync-worker.ts';
import { RescreenRunner } from '../../src/app/screening/rescreen-runner.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import { ListSourceCatalogue, type ListSource } from '../../src/screening/list-sources.ts';
import { ListLoadThreads } from '../../src/screening/list-load-thread.ts';
import { NameIndex } from '../../src/screening/name-index.ts';
import type { RescreenJobRepository } from '../../src/store/ports/rescreen-jobs.port.ts';
import { dropSchema, newSchemaName, PG_URL } from '../store/store-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { rescreenNoticingTransactions, withStoreParts } from '../support/dying-instance.ts';
import { capturingLogger } from '../support/observability.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

const dialects = await bothDialects();

/**
 * docs/screening.md "Versions in force on every instance" and "Scheduled reloads", on SQLite and PostgreSQL: instances
 * sharing one database follow the list versions put in force on any of them (or hold leads when their own file is not
 * that version), and a source with `reloadEveryMinutes` is checked and reloaded by `system`, once per period.
 */

const BLOCKLIST = 'examples/bank/screening/firm-blocklist.csv';
const HEADER = 'id,name,aliases,type,dob,country,reason\n';
const NEW_ENTRY = 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\n';
const HOUR = 3_600_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Instance {
  readonly s: TestService;
  /** This instance's own copy of the blocklist (each instance reads its own disk). */
  readonly blocklistFile: string;
  readonly sync: ListSyncWorker;
  readonly logLines: Record<string, unknown>[];
}

/** Instances on one database, each with its own copy of the list files and its own clock (all at the same time). */
function environment(dialect: 'sqlite' | 'postgres', sourceOptions: Partial<ListSource> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'remit-list-sync-'));
  const schema = dialect === 'postgres' ? newSchemaName() : undefined;
  const target = schema ? { url: PG_URL, schema } : { url: `sqlite:${join(dir, 'remit.sqlite')}` };
  let instances = 0;
  cleanups.push(async () => {
    if (schema) await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** `prepare`: what happens to this instance's files before it starts (a file replaced while it was down). */
    async start(name: string, prepare?: (blocklistFile: string) => Promise<void>, listLoads?: ListLoadThreads): Promise<Instance> {
      const own = join(dir, name);
      mkdirSync(own);
      const blocklistFile = join(own, 'firm-blocklist.csv');
      copyFileSync(BLOCKLIST, blocklistFile);
      await prepare?.(blocklistFile);
      copyFileSync('test/support/fixtures/sanctions-mini.ftm.jsonl', join(own, 'sanctions.ftm.jsonl'));
      const catalogue = new ListSourceCatalogue(
        [
          { id: 'blocklist', format: 'blocklist-csv', path: blocklistFile, ...sourceOptions },
          { id: 'test-sanctions', format: 'ftm-jsonl', path: join(own, 'sanctions.ftm.jsonl') },
        ],
        0.2,
      );
      const { log, lines } = capturingLogger();
      const s = await startTestService({
        ...target,
        listSources: catalogue,
        idStart: 1 + 1_000_000 * instances++,
        log,
        ...(listLoads ? { listLoads } : {}),
      });
      cleanups.push(() => s.close());
      return { s, blocklistFile, sync: new ListSyncWorker(s.ctx, { name }), logLines: lines };
    },
  };
}

const post = (s: TestService, url: string, body: unknown, token: string) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const get = (s: TestService, url: string, token = s.tokens.compliance) => s.app.inject({ method: 'GET', url, headers: auth(token) });

let n = 0;
/** Posts a lead; returns its id, outcome, screening status and tags, and the decision's reason codes. */
async function lead(s: TestService, firstName: string, lastName: string) {
  const res = await post(
    s,
    '/v1/leads',
    ukLead({ person: { firstName, lastName, email: `${firstName}.${++n}.${Date.now()}@example.co.uk` }, address: { country: 'GB' } }),
    s.tokens.integration,
  );
  expect(res.statusCode, res.body).toBe(201);
  const decision = res.json().decision;
  return {
    leadId: res.json().leadId as string,
    outcome: decision.outcome as string,
    screening: decision.constraints.screening.status as string,
    tags: decision.constraints.screening.tags as string[],
    reasons: (decision.reasons as { code: string }[]).map((r) => r.code),
  };
}

/** Posts a lead without any name (screening has nothing to screen: `no_name`); returns its id. */
async function namelessLead(s: TestService): Promise<string> {
  const res = await post(
    s,
    '/v1/leads',
    ukLead({ person: { email: `nameless.${++n}.${Date.now()}@example.co.uk` } }),
    s.tokens.integration,
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json().leadId as string;
}

const inForceSha = async (s: TestService, id: string) => (await s.store.screeningLists.inForce()).find((r) => r.sourceId === id)?.sha256;
const listedSha = async (s: TestService, id: string) =>
  ((await get(s, '/v1/screening/lists')).json().lists as { listId: string; sha256: string }[]).find((l) => l.listId === id)?.sha256;
const syncCount = async (s: TestService, result: string) =>
  (await s.ctx.metrics.screeningListSyncs.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
const listAudit = async (s: TestService) =>
  (await s.store.audit.pending(10_000))
    .map((p) => p.event)
    .filter((e) => e.subject === 'screening-list:blocklist')
    .map((e) => ({ actor: e.actor, action: (e.payload as { action: string }).action }));

describe.each(dialects)('list versions in force on every instance: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const dialect = factory.name as 'sqlite' | 'postgres';

  it('a reload on A: B screens with the old version only until its sync, then holds the newly listed name', async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    const b = await env.start('b');
    for (const i of [a, b]) await appendFile(i.blocklistFile, NEW_ENTRY); // the same file published to both
    const reload = await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance);
    expect(reload.statusCode, reload.body).toBe(200);
    const newSha = await inForceSha(a.s, 'blocklist');
    expect(await listedSha(b.s, 'blocklist')).not.toBe(newSha);
    // the bound: between the reload's commit and B's next sync, B still screens with the version it had
    expect((await lead(b.s, 'Marguerite', 'Quillfeather')).screening).toBe('clear');

    // the index comes built from the worker: this thread builds none
    const builds = vi.spyOn(NameIndex, 'build');
    try {
      expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'adopted' }]);
      expect(builds).not.toHaveBeenCalled();
    } finally {
      builds.mockRestore();
    }
    expect(await listedSha(b.s, 'blocklist')).toBe(newSha);
    const held = await lead(b.s, 'Marguerite', 'Quillfeather');
    expect(held).toMatchObject({ outcome: 'HELD', screening: 'potential_match', reasons: ['SCREENING_POTENTIAL_MATCH'] });
    expect(await syncCount(b.s, 'adopted')).toBe(1);
    // adopting records nothing: one reload, by A's principal; no second job
    expect((await listAudit(b.s)).filter((e) => e.action === 'screening_list.reloaded')).toHaveLength(1);
    expect(await b.s.store.rescreenJobs.list({ limit: 10 })).toHaveLength(1);
    // a second pass has nothing to do (and A, which reloaded, has nothing either)
    expect((await b.sync.runOnce()).adopted).toEqual([]);
    expect((await a.sync.runOnce()).adopted).toEqual([]);
  });

  it("B's file is not the version in force: B clears nobody (SCREENING_LIST_STALE) until its file is fixed, then adopts", async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    const b = await env.start('b');
    await appendFile(a.blocklistFile, NEW_ENTRY); // only A got the new file
    expect((await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance)).statusCode).toBe(200);
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'stale' }]);

    const stale = await lead(b.s, 'Ottoline', 'Brackenbury');
    expect(stale).toMatchObject({ outcome: 'HELD', screening: 'not_screened', tags: ['list_stale'] });
    expect(stale.reasons).toContain('SCREENING_LIST_STALE');
    // its older entries still hold the names they list (a match is never turned into "not screened")
    expect((await lead(b.s, 'Viktor', 'Halloran')).screening).toBe('potential_match');
    const ready = (await b.s.app.inject({ method: 'GET', url: '/ready' })).json().screening;
    expect(ready.status).toBe('stale');
    expect(ready.withheld).toEqual([
      {
        id: 'blocklist',
        reason: 'stale',
        code: 'SCREENING_LIST_STALE',
        inForceSha256: await inForceSha(a.s, 'blocklist'),
        fileSha256: await listedSha(b.s, 'blocklist'),
        since: expect.any(String),
      },
    ]);
    const lists = (await get(b.s, '/v1/screening/lists')).json();
    expect([lists.coverage, lists.withheld[0].reason]).toEqual(['stale', 'stale']);
    expect(await syncCount(b.s, 'stale')).toBe(1);
    expect(b.logLines.some((l) => l.code === 'SCREENING_LIST_STALE' && l.source === 'blocklist')).toBe(true);
    const metrics = (await b.s.ctx.metrics.registry.metrics()).split('\n');
    expect(metrics).toContain('remit_screening_lists_withheld{list="blocklist",reason="stale"} 1');
    // an unchanged stale file is not read again every pass
    expect((await b.sync.runOnce()).adopted).toEqual([]);

    await writeFile(b.blocklistFile, await readFile(a.blocklistFile)); // the operator fixes B's copy
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'adopted' }]);
    expect(b.s.ctx.screening!.coverage()).toBe('ok');
    expect((await lead(b.s, 'Ottoline', 'Brackenbury')).screening).toBe('clear');
    expect((await lead(b.s, 'Marguerite', 'Quillfeather')).screening).toBe('potential_match');
    expect((await b.s.app.inject({ method: 'GET', url: '/ready' })).json().screening.withheld).toEqual([]);
  });

  it('an unreadable file on B while another version is in force: stale too (never cleared against)', async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    const b = await env.start('b');
    await appendFile(a.blocklistFile, NEW_ENTRY);
    await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance);
    await writeFile(b.blocklistFile, 'not,a,blocklist\n');
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'unreadable' }]);
    expect(b.s.ctx.screening!.withheldSources()).toMatchObject([{ sourceId: 'blocklist', reason: 'stale', fileSha256: null }]);
    expect((await lead(b.s, 'Ottoline', 'Brackenbury')).outcome).toBe('HELD');
  });

  it('two sources to adopt in one pass, one file broken on B: the other is adopted, the broken one is stale', async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    const b = await env.start('b');
    const sanctionsOf = (i: Instance) => join(i.blocklistFile, '..', 'sanctions.ftm.jsonl');
    const extra = '{"id":"TEST-SANC-99","schema":"Person","properties":{"name":["Isadora Wrenfield"],"topics":["sanction"]}}\n';
    for (const i of [a, b]) await appendFile(i.blocklistFile, NEW_ENTRY);
    await appendFile(sanctionsOf(a), extra);
    await writeFile(sanctionsOf(b), '{"id": broken\n');
    const reload = await post(a.s, '/v1/screening/lists:reload', {}, a.s.tokens.compliance);
    expect(reload.statusCode, reload.body).toBe(200);
    expect((await b.sync.runOnce()).adopted).toEqual([
      { sourceId: 'blocklist', result: 'adopted' },
      { sourceId: 'test-sanctions', result: 'unreadable' },
    ]);
    expect(await listedSha(b.s, 'blocklist')).toBe(await inForceSha(a.s, 'blocklist'));
    expect(b.s.ctx.screening!.withheldSources()).toMatchObject([{ sourceId: 'test-sanctions', reason: 'stale', fileSha256: null }]);
    // the adopted blocklist holds its new name; the stale sanctions list's older entries still give hits
    expect((await lead(b.s, 'Marguerite', 'Quillfeather')).screening).toBe('potential_match');
    expect((await lead(b.s, 'Draven', 'Ostrakoff-Vell')).screening).toBe('potential_match');
    expect((await lead(b.s, 'Ottoline', 'Brackenbury')).reasons).toContain('SCREENING_LIST_STALE');
  });

  it('a reload on B while its pass loads on the worker: the pass drops its load (the reload wins), the next compares again', async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    let meanwhile: (() => Promise<void>) | undefined;
    /** Runs `meanwhile` once while a load is on its worker. */
    class Interleaved extends ListLoadThreads {
      override async load(...args: Parameters<ListLoadThreads['load']>) {
        const hook = meanwhile;
        meanwhile = undefined;
        const loading = super.load(...args);
        await hook?.();
        return loading;
      }
    }
    const b = await env.start('b', undefined, new Interleaved());
    for (const i of [a, b]) await appendFile(i.blocklistFile, NEW_ENTRY);
    expect((await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance)).statusCode).toBe(200);
    meanwhile = async () => {
      const reload = await post(b.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, b.s.tokens.compliance);
      expect(reload.statusCode, reload.body).toBe(200);
    };
    const reloaded = b.s.ctx.screening!.loaded('blocklist');
    expect((await b.sync.runOnce()).adopted).toEqual([]);
    expect(meanwhile).toBeUndefined(); // the reload did run during the pass
    expect(b.s.ctx.screening!.loaded('blocklist')).not.toBe(reloaded);
    expect(await listedSha(b.s, 'blocklist')).toBe(await inForceSha(a.s, 'blocklist'));
    expect(await syncCount(b.s, 'adopted')).toBe(0);
    expect((await b.sync.runOnce()).adopted).toEqual([]);
    expect((await lead(b.s, 'Marguerite', 'Quillfeather')).screening).toBe('potential_match');
  });

  it("B's list-load worker crashes: as an unreadable file (stale, 422 on a reload, the version stays), counted as list-load", async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    const crashing = new ListLoadThreads({ workerUrl: new URL(`data:text/javascript,${encodeURIComponent('process.exit(7)')}`) });
    const b = await env.start('b', undefined, crashing);
    for (const i of [a, b]) await appendFile(i.blocklistFile, NEW_ENTRY); // B's file is the right one: only its worker fails
    await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance);
    const before = await listedSha(b.s, 'blocklist');
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'unreadable' }]);
    expect(b.s.ctx.screening!.withheldSources()).toMatchObject([{ sourceId: 'blocklist', reason: 'stale', fileSha256: null }]);
    expect((await lead(b.s, 'Ottoline', 'Brackenbury')).outcome).toBe('HELD');
    const reload = await post(b.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, b.s.tokens.compliance);
    expect(reload.statusCode).toBe(422);
    expect(reload.json()).toMatchObject({ code: 'LIST_SOURCE_UNREADABLE' });
    expect(reload.body).not.toContain(b.blocklistFile);
    expect(await listedSha(b.s, 'blocklist')).toBe(before);
    const failures = (await b.s.ctx.metrics.workerFailures.get()).values.find((v) => v.labels.worker === 'list-load');
    expect(failures?.value).toBe(2);
    expect(b.logLines.filter((l) => l.worker === 'list-load' && String(l.sources) === 'blocklist')).toHaveLength(2);
    expect(crashing.running).toBe(0);
  });

  it('a source withheld at start pending approval is not marked stale; the approval on another instance is adopted', async () => {
    const env = environment(dialect);
    const a = await env.start('a');
    const shrink = (file: string) => writeFile(file, `${HEADER}${NEW_ENTRY}`);
    const b = await env.start('b', shrink);
    const [withheld] = b.s.ctx.screening!.withheldSources();
    expect(withheld).toMatchObject({ sourceId: 'blocklist', reason: 'pending_approval' });
    expect((await b.sync.runOnce()).adopted).toEqual([]);
    expect(b.s.ctx.screening!.withheldSources()).toEqual([withheld]);
    await shrink(a.blocklistFile);
    const reloadId = withheld?.reason === 'pending_approval' ? withheld.pendingReloadId : '';
    const approved = await post(a.s, `/v1/screening/lists:reload/${reloadId}/approve`, {}, a.s.tokens.compliance);
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'adopted' }]);
    expect(b.s.ctx.screening!.withheldSources()).toEqual([]);
    expect((await lead(b.s, 'Marguerite', 'Quillfeather')).screening).toBe('potential_match');
  });
});

describe('CSL entries past their end date', () => {
  it('are dropped by the first sync on a later UTC day; the version in force is the same file, nothing recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-list-sync-csl-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const csl = join(dir, 'csl.csv');
    const header =
      'source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,' +
      'license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,' +
      'remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n';
    const row = (name: string, end: string) =>
      ['Entity List (EL) - Bureau of Industry and Security', '', '', '', name, '', '""', '', '', end, ...Array(11).fill(''), '""']
        .concat(['', '', '', '', '', '""'])
        .join(',');
    // the service starts at 11:00Z on 24 Nov 2026: the first order ends that day, the second runs on
    await writeFile(csl, `${header}${row('Ends Today Trading Ltd', '2026-11-24')}\n${row('Runs On Trading Ltd', '')}\n`);
    const catalogue = new ListSourceCatalogue([
      { id: 'blocklist', format: 'blocklist-csv', path: join(process.cwd(), BLOCKLIST) },
      { id: 'csl', format: 'csl-csv', path: csl },
    ]);
    const s = await startTestService({ listSources: catalogue });
    cleanups.push(() => s.close());
    const sync = new ListSyncWorker(s.ctx, { name: 'a' });
    const sha = await inForceSha(s, 'csl');
    expect(s.ctx.screening!.version('csl')?.entryCount).toBe(2);
    s.clock.advance(12 * HOUR); // 23:00Z, still the 24th
    expect((await sync.runOnce()).adopted).toEqual([]);
    s.clock.advance(HOUR + 1);
    expect((await sync.runOnce()).adopted).toEqual([{ sourceId: 'csl', result: 'expired_dropped' }]);
    expect(s.ctx.screening!.version('csl')).toMatchObject({ entryCount: 1, sha256: sha });
    expect(await inForceSha(s, 'csl')).toBe(sha);
    expect((await sync.runOnce()).adopted).toEqual([]); // once a day
  });
});

describe.each(dialects)('scheduled list reloads: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const dialect = factory.name as 'sqlite' | 'postgres';
  const hourly = { reloadEveryMinutes: 60 };

  it('a changed file is reloaded by system at the next period: audited, in force, a delta job queued', async () => {
    const env = environment(dialect, hourly);
    const a = await env.start('a');
    expect((await a.sync.runOnce()).checks).toMatchObject([{ sourceId: 'blocklist', result: 'unchanged', everyMinutes: 60 }]);
    await appendFile(a.blocklistFile, NEW_ENTRY);
    a.s.clock.advance(HOUR - 1);
    expect((await a.sync.runOnce()).checks).toEqual([]); // not due yet
    expect((await lead(a.s, 'Marguerite', 'Quillfeather')).screening).toBe('clear');
    a.s.clock.advance(1);
    expect((await a.sync.runOnce()).checks).toMatchObject([{ sourceId: 'blocklist', result: 'reloaded' }]);
    expect((await a.s.store.screeningLists.inForce()).find((r) => r.sourceId === 'blocklist')).toMatchObject({ loadedBy: 'system' });
    expect(await listAudit(a.s)).toContainEqual({ actor: 'system', action: 'screening_list.reloaded' });
    expect(await a.s.store.rescreenJobs.list({ limit: 10 })).toMatchObject([
      { trigger: 'schedule', requestedBy: 'system', lists: [{ listId: 'blocklist', added: 1 }] },
    ]);
    expect((await lead(a.s, 'Marguerite', 'Quillfeather')).screening).toBe('potential_match');
    expect((await get(a.s, '/v1/screening/lists')).json().scheduledChecks).toMatchObject([{ sourceId: 'blocklist', result: 'reloaded' }]);
  });

  it('a shrink beyond the guard waits for approval (nothing applied, one request); a broken file keeps the version, counted', async () => {
    const env = environment(dialect, hourly);
    const a = await env.start('a');
    await a.sync.runOnce();
    const before = await inForceSha(a.s, 'blocklist');
    await writeFile(a.blocklistFile, `${HEADER}${NEW_ENTRY}`);
    a.s.clock.advance(HOUR);
    expect((await a.sync.runOnce()).checks).toMatchObject([{ result: 'pending_approval' }]);
    expect(await inForceSha(a.s, 'blocklist')).toBe(before);
    expect(await a.s.store.screeningLists.listPending()).toMatchObject([{ sourceId: 'blocklist', requestedBy: 'system' }]);
    expect(await a.s.store.rescreenJobs.list({ limit: 10 })).toEqual([]);
    a.s.clock.advance(HOUR);
    expect((await a.sync.runOnce()).checks).toMatchObject([{ result: 'awaiting_approval' }]);
    expect(await a.s.store.screeningLists.listPending()).toHaveLength(1);

    await writeFile(a.blocklistFile, 'not,a,blocklist\n');
    a.s.clock.advance(HOUR);
    expect((await a.sync.runOnce()).checks).toMatchObject([{ result: 'failed', code: 'LIST_SOURCE_UNREADABLE', failuresInARow: 1 }]);
    expect(await inForceSha(a.s, 'blocklist')).toBe(before);
    expect(await listedSha(a.s, 'blocklist')).toBe(before);
    const failures = (await a.s.ctx.metrics.workerFailures.get()).values.find((v) => v.labels.worker === 'list-reload-schedule');
    expect(failures?.value).toBe(1);
    expect(a.logLines.some((l) => l.worker === 'list-reload-schedule' && l.source === 'blocklist')).toBe(true);
    const ready = (await a.s.app.inject({ method: 'GET', url: '/ready' })).json();
    expect([ready.status, ready.screening.failedChecks]).toMatchObject(['ready', [{ sourceId: 'blocklist', result: 'failed' }]]);
  });

  it('two instances with schedules: exactly one reload is recorded; the other adopts it', async () => {
    const env = environment(dialect, hourly);
    const a = await env.start('a');
    const b = await env.start('b');
    await Promise.all([a.sync.runOnce(), b.sync.runOnce()]);
    for (const i of [a, b]) {
      await appendFile(i.blocklistFile, NEW_ENTRY);
      i.s.clock.advance(HOUR);
    }
    const [ra, rb] = await Promise.all([a.sync.runOnce(), b.sync.runOnce()]);
    expect([...ra.checks, ...rb.checks].map((c) => c.result)).toEqual(['reloaded']);
    expect((await listAudit(a.s)).filter((e) => e.action === 'screening_list.reloaded')).toEqual([
      { actor: 'system', action: 'screening_list.reloaded' },
    ]);
    expect(await a.s.store.rescreenJobs.list({ limit: 10 })).toHaveLength(1);
    await Promise.all([a.sync.runOnce(), b.sync.runOnce()]);
    const sha = await inForceSha(a.s, 'blocklist');
    expect([await listedSha(a.s, 'blocklist'), await listedSha(b.s, 'blocklist')]).toEqual([sha, sha]);
    expect((await lead(b.s, 'Marguerite', 'Quillfeather')).screening).toBe('potential_match');
  });
});

/** What the store says of a lead now: its status and rep, its open review, who resolved its earlier reviews. */
async function leadNow(s: TestService, leadId: string) {
  const record = (await s.store.leads.get(leadId))!;
  const open = await s.store.reviews.openForLead(leadId);
  const events = await s.store.events.listForLead(leadId);
  const decisions = events.filter((e) => e.kind === 'decision');
  return {
    status: record.status,
    repId: record.repId,
    screening: (JSON.parse(record.leadJson) as { screening: { status: string } }).screening.status,
    openReviewReasons: open?.reasonCodes ?? null,
    rescreens: events.filter((e) => e.kind === 'screening.rescreen').map((e) => e.actor),
    lastDecisionBy: decisions.at(-1)?.actor,
    decisions: decisions.length,
  };
}

const resolvedReviewsOf = async (s: TestService, leadId: string) =>
  (await s.store.reviews.page({ status: 'APPROVED', limit: 200 }))
    .filter((r) => r.leadId === leadId)
    .map((r) => ({ decidedBy: r.decidedBy, resolution: JSON.parse(r.resolutionJson!) as { action: string; result: string } }));

/**
 * A ctx whose instance dies right after its `afterReleases`-th lead transaction that screened a lead again commits
 * (released or held as a match): the rest of the page is not handled and the page's progress is not recorded. A dead
 * instance writes nothing more (its lead transactions fail, its progress, renewals and finish write nothing).
 */
function dyingAfterReleases(ctx: ServiceContext, afterReleases: number): ServiceContext {
  const real = ctx.store.rescreenJobs;
  let dead = false;
  let releases = 0;
  const jobs: RescreenJobRepository = {
    ...real,
    progress: async (id, worker, p) => (dead ? Promise.reject(new Error('instance died')) : real.progress(id, worker, p)),
    renew: async (id, worker, leaseUntil) => (dead ? false : real.renew(id, worker, leaseUntil)),
    finish: async (id, worker, outcome) => (dead ? false : real.finish(id, worker, outcome)),
  };
  const transaction = rescreenNoticingTransactions(
    ctx,
    () => dead,
    () => void (++releases >= afterReleases && (dead = true)),
  );
  return withStoreParts(ctx, { rescreenJobs: jobs, transaction });
}

/** What each lead's history says this coverage job did to it: the result of its `screening.rescreen` naming the job. */
async function releasesInHistory(s: TestService, leadIds: readonly string[], jobId: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const leadId of leadIds)
    for (const e of await s.store.events.listForLead(leadId)) {
      const payload = JSON.parse(e.payloadJson) as { rescreenJobId?: string; status: string };
      if (e.kind === 'screening.rescreen' && payload.rescreenJobId === jobId) out.set(leadId, [...(out.get(leadId) ?? []), payload.status]);
    }
  return out;
}

describe.each(dialects)('screening again once coverage is back: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const dialect = factory.name as 'sqlite' | 'postgres';

  /** A reloads a file with one more entry; B's copy is the old one, so B is stale. */
  async function staleB() {
    const env = environment(dialect);
    const a = await env.start('a');
    const b = await env.start('b');
    await a.sync.runOnce(); // A's first pass: nothing held yet, no job
    await appendFile(a.blocklistFile, NEW_ENTRY);
    expect((await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance)).statusCode).toBe(200);
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'stale' }]);
    return { a, b };
  }

  it('B stale: its held leads are screened again once B adopts: a clear one routed by system, a hit held as a match', async () => {
    const { a, b } = await staleB();
    const clear = await lead(b.s, 'Ottoline', 'Brackenbury');
    const hit = await lead(b.s, 'Marguerite', 'Quillfeather'); // listed only in the version in force
    const rejected = await lead(b.s, 'Peregrine', 'Ashdown');
    for (const l of [clear, hit, rejected])
      expect(l).toMatchObject({ outcome: 'HELD', reasons: expect.arrayContaining(['SCREENING_LIST_STALE']) });
    // a compliance officer already decided this one: it is never touched
    const review = (await b.s.store.reviews.openForLead(rejected.leadId))!;
    const rejection = await post(b.s, `/v1/review/${review.id}/reject`, { reason: 'not a customer we take' }, b.s.tokens.compliance);
    expect(rejection.statusCode, rejection.body).toBe(200);
    const rejectedBefore = await leadNow(b.s, rejected.leadId);

    const runnerB = new RescreenRunner(b.s.ctx, { name: 'runner-b' });
    // a stale instance queues nothing and runs no coverage job
    expect((await b.sync.runOnce()).releaseJobId).toBeNull();
    expect(await runnerB.drain()).toBe(0);

    await writeFile(b.blocklistFile, await readFile(a.blocklistFile)); // the operator fixes B's copy
    const pass = await b.sync.runOnce();
    expect(pass.adopted).toEqual([{ sourceId: 'blocklist', result: 'adopted' }]);
    expect(pass.releaseJobId).toEqual(expect.any(String));
    expect((await b.sync.runOnce()).releaseJobId).toBeNull(); // once per regained coverage
    expect(await runnerB.drain()).toBe(2); // A's delta job (B holds the version in force now) and the coverage job

    const routed = await leadNow(b.s, clear.leadId);
    expect(routed).toMatchObject({
      status: 'ASSIGNED',
      screening: 'clear',
      openReviewReasons: null,
      rescreens: ['system'],
      lastDecisionBy: 'system',
    });
    expect(routed.repId).toEqual(expect.any(String));
    expect(await resolvedReviewsOf(b.s, clear.leadId)).toEqual([
      { decidedBy: 'system', resolution: expect.objectContaining({ action: 'screening.coverage_release', result: 'clear' }) },
    ]);
    const held = await leadNow(b.s, hit.leadId);
    expect(held).toMatchObject({ status: 'HELD', screening: 'potential_match', rescreens: ['system'], lastDecisionBy: 'system' });
    expect(held.openReviewReasons).toEqual(['SCREENING_POTENTIAL_MATCH']);
    expect(await leadNow(b.s, rejected.leadId)).toEqual(rejectedBefore);

    const jobs = (await get(b.s, '/v1/screening/rescreens')).json().items as { trigger: string; status: string; report: unknown }[];
    expect(jobs.find((j) => j.trigger === 'coverage')).toMatchObject({
      status: 'done',
      requestedBy: 'system',
      report: { kind: 'coverage_release', rescreened: 2, released: 1, heldAsMatches: 1, unchanged: 0, failed: 0 },
    });
    const metrics = (await b.s.ctx.metrics.registry.metrics()).split('\n');
    expect(metrics).toContain('remit_screening_coverage_releases_total{result="released"} 1');
    expect(metrics).toContain('remit_screening_coverage_releases_total{result="held_as_match"} 1');
    // a second job (another instance regaining coverage) finds nothing left to do
    expect((await a.sync.runOnce()).releaseJobId).toBeNull();
  });

  it('the approval of a withheld (shrunk) source: SCREENING_REQUIRED leads are screened again, released or held as a match', async () => {
    const env = environment(dialect);
    const a = await env.start('a'); // the version in force; B's file shrinks it beyond the guard
    const b = await env.start('b', (file) => writeFile(file, `${HEADER}${NEW_ENTRY}`));
    expect(b.s.ctx.screening!.coverage()).toBe('withheld');
    const clear = await lead(b.s, 'Ottoline', 'Brackenbury');
    const hit = await lead(b.s, 'Marguerite', 'Quillfeather');
    // no name at all: screening has nothing to screen (coverage no_name), so it stays not screened whatever the lists
    const res = await post(b.s, '/v1/leads', ukLead({ person: { email: `nameless.${Date.now()}@example.co.uk` } }), b.s.tokens.integration);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    const nameless = {
      leadId: body.leadId as string,
      outcome: body.status as string,
      reasons: (body.decision.reasons as { code: string }[]).map((r) => r.code),
    };
    for (const l of [clear, hit, nameless]) expect(l).toMatchObject({ outcome: 'HELD', reasons: ['SCREENING_REQUIRED'] });
    const namelessBefore = await leadNow(b.s, nameless.leadId);
    // compliance disposed this one's sanctions hit (false positive): still not screened, held again, left to them
    const disposed = await lead(b.s, 'Draven', 'Ostrakoff-Vell');
    expect(disposed).toMatchObject({ outcome: 'HELD', screening: 'potential_match' });
    const dispositions = [
      { listId: 'test-sanctions', entryId: 'TEST-SANC-1', verdict: 'false_positive', reason: 'another person: passport seen' },
    ];
    const disposal = await post(b.s, `/v1/leads/${disposed.leadId}/screening/dispositions`, { dispositions }, b.s.tokens.compliance);
    expect(disposal.statusCode, disposal.body).toBe(200);
    const disposedBefore = await leadNow(b.s, disposed.leadId);
    expect(disposedBefore).toMatchObject({ status: 'HELD', screening: 'not_screened', openReviewReasons: ['SCREENING_REQUIRED'] });
    expect((await b.sync.runOnce()).releaseJobId).toBeNull();
    // A job queued meanwhile (by A, which screens with every list in force) is not B's to run while B's source is withheld
    const early = (await queueCoverageRelease(a.s.ctx, 'test'))!;
    await new RescreenRunner(b.s.ctx).drain();
    expect((await b.s.store.rescreenJobs.get(early))?.status).toBe('queued');
    const [withheld] = b.s.ctx.screening!.withheldSources();
    const reloadId = withheld?.reason === 'pending_approval' ? withheld.pendingReloadId : '';
    const approved = await post(b.s, `/v1/screening/lists:reload/${reloadId}/approve`, {}, b.s.tokens.compliance);
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await b.sync.runOnce()).releaseJobId).toEqual(expect.any(String));
    await new RescreenRunner(b.s.ctx).drain();
    expect(await leadNow(b.s, nameless.leadId)).toEqual(namelessBefore);
    expect(await leadNow(b.s, disposed.leadId)).toEqual(disposedBefore);
    expect(namelessBefore).toMatchObject({ status: 'HELD', screening: 'not_screened', openReviewReasons: ['SCREENING_REQUIRED'] });
    // the early job ran first (oldest first) and did the work, marking the nameless lead unscreenable; B's own job
    // found every lead handled (the nameless one is not screened again)
    const jobs = (await b.s.store.rescreenJobs.list({ limit: 10 })).filter((j) => j.trigger === 'coverage');
    expect(jobs.map((j) => [j.id === early, j.status])).toEqual([
      [false, 'done'],
      [true, 'done'],
    ]);
    expect(JSON.parse(jobs[1]!.reportJson!)).toMatchObject({ rescreened: 3, released: 1, heldAsMatches: 1, unchanged: 1, failed: 0 });
    expect(JSON.parse(jobs[0]!.reportJson!)).toMatchObject({ rescreened: 0, released: 0, heldAsMatches: 0, unchanged: 0, failed: 0 });
    expect(await leadNow(b.s, clear.leadId)).toMatchObject({ status: 'ASSIGNED', screening: 'clear', lastDecisionBy: 'system' });
    expect(await leadNow(b.s, hit.leadId)).toMatchObject({
      status: 'HELD',
      screening: 'potential_match',
      openReviewReasons: ['SCREENING_POTENTIAL_MATCH'],
    });
  });

  it('a lead without any name is screened again once: later regained coverage and restarts queue no job; others are released', async () => {
    const { a, b } = await staleB();
    const namelessId = await namelessLead(b.s);
    const clear = await lead(b.s, 'Ottoline', 'Brackenbury');
    await writeFile(b.blocklistFile, await readFile(a.blocklistFile));
    expect((await b.sync.runOnce()).releaseJobId).toEqual(expect.any(String));
    await new RescreenRunner(b.s.ctx).drain();
    expect(await leadNow(b.s, clear.leadId)).toMatchObject({ status: 'ASSIGNED', screening: 'clear' });
    const namelessAfter = await leadNow(b.s, namelessId);
    expect(namelessAfter).toMatchObject({ status: 'HELD', screening: 'not_screened', openReviewReasons: ['SCREENING_REQUIRED'] });
    const releases = async (result: string) =>
      (await b.s.ctx.metrics.screeningCoverageReleases.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
    expect(await releases('unchanged')).toBe(1);
    // it is still a held lead compliance sees, with its open review
    expect((await b.s.store.leads.page({ status: 'HELD', limit: 10 })).map((l) => l.id)).toContain(namelessId);
    expect(await b.s.store.leads.page({ status: 'HELD', unscreenable: true, limit: 10 })).toEqual([
      expect.objectContaining({ id: namelessId }),
    ]);

    // restarts with the same coverage (the first pass counts as regained): no job, nothing screened
    for (const name of ['b-restarted', 'b-restarted-again'])
      expect((await new ListSyncWorker(b.s.ctx, { name }).runOnce()).releaseJobId).toBeNull();
    expect((await releasePage(b.s.ctx, 'direct', EMPTY_RELEASE_REPORT)).report).toMatchObject({ rescreened: 0, unchanged: 0 });

    // B stale again (a newer version in force), a screenable lead held meanwhile: released; the nameless one not screened again
    await appendFile(a.blocklistFile, 'NB-BL-0102,Isadora Wrenfield,,person,,GB,fraud\n');
    expect((await post(a.s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.s.tokens.compliance)).statusCode).toBe(200);
    expect((await b.sync.runOnce()).adopted).toEqual([{ sourceId: 'blocklist', result: 'stale' }]);
    const later = await lead(b.s, 'Clementine', 'Fairweather');
    expect(later).toMatchObject({ outcome: 'HELD', reasons: expect.arrayContaining(['SCREENING_LIST_STALE']) });
    await writeFile(b.blocklistFile, await readFile(a.blocklistFile));
    const job = (await b.sync.runOnce()).releaseJobId;
    expect(job).toEqual(expect.any(String));
    await new RescreenRunner(b.s.ctx).drain();
    expect(JSON.parse((await b.s.store.rescreenJobs.get(job!))!.reportJson!)).toMatchObject({ rescreened: 1, released: 1, unchanged: 0 });
    expect(await leadNow(b.s, later.leadId)).toMatchObject({ status: 'ASSIGNED', screening: 'clear' });
    expect(await leadNow(b.s, namelessId)).toEqual(namelessAfter);
    expect(await releases('unchanged')).toBe(1);
  });

  it.each([1, 3])(
    'a runner dying mid-page after %i lead(s) released or held, before the page is recorded: the resumed report counts each once',
    async (deathAfter) => {
      const { a, b } = await staleB();
      const leads = [];
      for (const [first, last] of [
        ['Ottoline', 'Brackenbury'],
        ['Marguerite', 'Quillfeather'], // listed only in the version in force: held as a match
        ['Peregrine', 'Ashdown'],
        ['Clementine', 'Fairweather'],
        ['Bartholomew', 'Stirling'],
      ] as const)
        leads.push((await lead(b.s, first, last)).leadId);
      const namelessId = await namelessLead(b.s);
      await writeFile(b.blocklistFile, await readFile(a.blocklistFile));
      const jobId = (await b.sync.runOnce()).releaseJobId!;
      expect(jobId).toEqual(expect.any(String));
      // pages of two leads: the first death is on the first page, the second on the second (after one recorded page)
      const lease = { leaseMs: 60_000, chunkEntries: 2 };
      // A's delta job (older) first: the leads are HELD, so it leaves them to the coverage job
      expect((await new RescreenRunner(b.s.ctx, { name: 'delta' }).runOne())?.trigger).toBe('reload');
      await new RescreenRunner(dyingAfterReleases(b.s.ctx, deathAfter), { name: 'dying', ...lease }).runOne();
      const dead = (await b.s.store.rescreenJobs.get(jobId))!;
      expect(dead.status).toBe('running');
      const recorded = dead.reportJson === null ? 0 : (JSON.parse(dead.reportJson) as { rescreened: number }).rescreened;
      // the death left leads handled that the recorded report does not count (what the report used to miss)
      expect(recorded).toBeLessThan(deathAfter);
      expect(recorded).toBe(deathAfter === 1 ? 0 : 2);
      b.s.clock.advance(61_000);
      expect(await new RescreenRunner(b.s.ctx, { name: 'survivor', ...lease }).drain()).toBe(1);

      const job = (await b.s.store.rescreenJobs.get(jobId))!;
      expect([job.status, job.attempts]).toEqual(['done', 2]);
      const report = JSON.parse(job.reportJson!) as Record<string, number>;
      const history = await releasesInHistory(b.s, [...leads, namelessId], jobId);
      // every lead screened again once, by this job (the oracle: the leads' own histories)
      expect([...history.keys()].sort()).toEqual([...leads].sort());
      for (const results of history.values()) expect(results).toHaveLength(1);
      const results = [...history.values()].flat();
      expect(report).toMatchObject({
        kind: 'coverage_release',
        released: results.filter((r) => r !== 'potential_match').length,
        heldAsMatches: results.filter((r) => r === 'potential_match').length,
        unchanged: 1, // the nameless lead: nothing in its history, marked unscreenable
        failed: 0,
      });
      expect(report).toMatchObject({ rescreened: 6, released: 4, heldAsMatches: 1 });
      for (const id of leads) expect((await leadNow(b.s, id)).decisions).toBe(2); // intake, then one re-decision
    },
  );

  it('two runners on two instances: each lead is screened again once; a runner dying mid-job is resumed, no lead twice', async () => {
    const { a, b } = await staleB();
    const leads = [];
    for (const [first, last] of [
      ['Ottoline', 'Brackenbury'],
      ['Marguerite', 'Quillfeather'],
      ['Peregrine', 'Ashdown'],
      ['Clementine', 'Fairweather'],
      ['Bartholomew', 'Stirling'],
    ] as const)
      leads.push(await lead(b.s, first, last));
    await writeFile(b.blocklistFile, await readFile(a.blocklistFile));
    await b.sync.runOnce();
    // A restarted: its first pass also sees held leads, and queues a second job
    expect((await new ListSyncWorker(a.s.ctx, { name: 'a-again' }).runOnce()).releaseJobId).toEqual(expect.any(String));
    // runner "dying" claims the oldest job, does one page of one lead, records it, and dies
    const job = (await a.s.store.rescreenJobs.claimNext(
      'dying',
      new Date(a.s.clock.now()).toISOString(),
      new Date(a.s.clock.now() + 60_000).toISOString(),
      (j) => j.trigger === 'coverage',
    ))!;
    expect(job.trigger).toBe('coverage');
    const first = await releasePage(a.s.ctx, job.id, EMPTY_RELEASE_REPORT, 1);
    await a.s.store.rescreenJobs.progress(job.id, 'dying', {
      entriesDone: 0,
      reportJson: JSON.stringify(first.report),
      leaseUntil: new Date(a.s.clock.now() + 60_000).toISOString(),
    });
    for (const i of [a, b]) i.s.clock.advance(61_000);
    // a page of one lead: the lead held as a match stays HELD, so every page but the last is full
    const ra = new RescreenRunner(a.s.ctx, { name: 'ra', chunkEntries: 1 });
    const rb = new RescreenRunner(b.s.ctx, { name: 'rb', chunkEntries: 1 });
    // On PostgreSQL at once. node:sqlite is synchronous: two services in one process on one SQLite file would block the
    // event loop waiting for each other's write lock, so there the runners take turns (two processes queue on the lock).
    if (dialect === 'postgres') await Promise.all([ra.drain(), rb.drain()]);
    else for (const r of [ra, rb]) await r.drain();
    const jobs = (await a.s.store.rescreenJobs.list({ limit: 10 })).filter((j) => j.trigger === 'coverage');
    expect(jobs).toHaveLength(2);
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done']);
    const resumed = jobs.find((j) => j.id === job.id)!;
    expect(resumed.attempts).toBe(2);
    const reports = jobs.map((j) => JSON.parse(j.reportJson!) as { rescreened: number; released: number; heldAsMatches: number });
    expect(reports.reduce((s, r) => s + r.rescreened, 0)).toBe(5);
    expect(reports.reduce((s, r) => s + r.heldAsMatches, 0)).toBe(1);
    for (const l of leads) {
      const now = await leadNow(b.s, l.leadId);
      expect(now.rescreens).toEqual(['system']); // screened again exactly once
      expect(now.decisions).toBe(2); // intake, then one re-decision
      expect(now.status).toBe(l === leads[1] ? 'HELD' : 'ASSIGNED');
    }
  });
});

describe('a coverage job and an instance that cannot vouch for a clear', () => {
  it('with no sanctions list here, the job is not run and nothing is queued: the held lead stays as it is', async () => {
    const s = await startTestService({ lists: [BLOCKLIST] });
    cleanups.push(() => s.close());
    expect(s.ctx.screening!.coverage()).toBe('no_sanctions_list');
    const held = await lead(s, 'Ottoline', 'Brackenbury');
    expect(held).toMatchObject({ outcome: 'HELD', screening: 'not_screened', reasons: ['SCREENING_REQUIRED'] });
    expect(await queueCoverageRelease(s.ctx, 'test')).toBeNull();
    const createdAt = new Date(s.clock.now()).toISOString();
    await s.store.transaction((tx) =>
      tx.rescreenJobs.enqueue({ id: 'rsj-elsewhere', trigger: 'coverage', requestedBy: 'system', roles: [], lists: [], createdAt }),
    );
    await new RescreenRunner(s.ctx).drain();
    expect((await s.store.rescreenJobs.get('rsj-elsewhere'))?.status).toBe('queued');
    expect(await leadNow(s, held.leadId)).toMatchObject({ status: 'HELD', screening: 'not_screened', rescreens: [], decisions: 1 });
  });
});
