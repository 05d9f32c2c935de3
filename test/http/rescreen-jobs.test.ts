import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { appendFile, readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RescreenRunner } from '../../src/app/screening/rescreen-runner.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import type { RescreenJobRepository } from '../../src/store/ports/rescreen-jobs.port.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { dropSchema, newSchemaName, PG_URL } from '../store/store-harness.ts';
import { deferred } from '../store/contract/contract-support.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { rescreenNoticingTransactions, withStoreParts } from '../support/dying-instance.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

const dialects = await bothDialects();

/**
 * docs/screening.md "Re-screen jobs", on SQLite and PostgreSQL: a list change (reload, approval, or a start with a
 * changed file) queues a durable job; the runner claims it with a lease, screens the delta in chunks, records progress,
 * and a job whose runner died is resumed by another once the lease ran out.
 */

const BLOCKLIST = 'examples/bank/screening/firm-blocklist.csv';
const HEADER = 'id,name,aliases,type,dob,country,reason\n';
const LEASE_MS = 60_000;

interface Env {
  readonly blocklistFile: string;
  readonly snapshot: string;
  /** A service instance on the shared database (each with its own ids), with the configured sources and the snapshot. */
  start(opts?: { snapshot?: boolean }): Promise<TestService>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function environment(dialect: 'sqlite' | 'postgres'): Env {
  const dir = mkdtempSync(join(tmpdir(), 'remit-rescreen-jobs-'));
  const blocklistFile = join(dir, 'firm-blocklist.csv');
  copyFileSync(BLOCKLIST, blocklistFile);
  copyFileSync('test/support/fixtures/sanctions-mini.ftm.jsonl', join(dir, 'sanctions.ftm.jsonl'));
  const catalogue = new ListSourceCatalogue(
    [
      { id: 'blocklist', format: 'blocklist-csv', path: blocklistFile },
      { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
    ],
    0.2,
  );
  const schema = dialect === 'postgres' ? newSchemaName() : undefined;
  const target = schema ? { url: PG_URL, schema } : { url: `sqlite:${join(dir, 'remit.sqlite')}` };
  const snapshot = join(dir, 'lists.snapshot');
  let instances = 0;
  cleanups.push(async () => {
    if (schema) await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    blocklistFile,
    snapshot,
    async start(opts = {}) {
      const s = await startTestService({
        ...target,
        listSources: catalogue,
        ...(opts.snapshot === false ? {} : { listSnapshot: snapshot }),
        idStart: 1 + 1_000_000 * instances++,
      });
      let closed = false;
      const close = s.close.bind(s);
      s.close = async () => {
        if (!closed) await close();
        closed = true;
      };
      cleanups.push(() => s.close());
      return s;
    },
  };
}

const post = (s: TestService, url: string, body: unknown, token: string) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const get = (s: TestService, url: string, token = s.tokens.compliance) => s.app.inject({ method: 'GET', url, headers: auth(token) });

let n = 0;
async function lead(s: TestService, firstName: string, lastName: string): Promise<string> {
  const res = await post(
    s,
    '/v1/leads',
    ukLead({ person: { firstName, lastName, email: `${firstName}.${++n}.${Date.now()}@example.co.uk` }, address: { country: 'GB' } }),
    s.tokens.integration,
  );
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().decision.constraints.screening.status).toBe('clear');
  return res.json().leadId as string;
}

const statusOf = async (s: TestService, leadId: string) => (await s.store.leads.get(leadId))!.status;
/** How many times the lead was re-screened into a hold, and how many reviews it has in the compliance queue. */
async function holdsAndReviews(s: TestService, leadId: string) {
  const holds = (await s.store.events.listForLead(leadId)).filter((e) => e.kind === 'screening.rescreen').length;
  const queue = (await get(s, '/v1/review?limit=100')).json().items as { leadId: string }[];
  return { holds, reviews: queue.filter((i) => i.leadId === leadId).length };
}
const jobAudit = async (s: TestService, jobId: string) =>
  (await s.store.audit.pending(10_000))
    .map((p) => p.event)
    .filter((e) => e.subject === `rescreen:${jobId}`)
    .map((e) => ({ actor: e.actor, action: (e.payload as { action: string }).action }));

/** A lead whose name a list in force names: held at intake (screening potential_match). */
async function heldAtIntake(s: TestService, firstName: string, lastName: string): Promise<string> {
  const email = `${firstName}.${++n}.${Date.now()}@example.co.uk`;
  const res = await post(
    s,
    '/v1/leads',
    ukLead({ person: { firstName, lastName, email }, address: { country: 'GB' } }),
    s.tokens.integration,
  );
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().decision).toMatchObject({ outcome: 'HELD', constraints: { screening: { status: 'potential_match' } } });
  return res.json().leadId as string;
}

/**
 * What the leads' histories say a job held, independently of its report: each lead with a `screening.rescreen` entry
 * naming the job, with that entry's hits that need review on an entry of the job (as the report lists them).
 */
async function holdsInHistory(s: TestService, leadIds: readonly string[], jobId: string): Promise<Map<string, string[]>> {
  const job = (await s.store.rescreenJobs.get(jobId))!;
  const entries = new Set(job.lists.flatMap((l) => l.entryIds.map((e) => `${l.listId}/${e}`)));
  const held = new Map<string, string[]>();
  for (const leadId of leadIds)
    for (const e of await s.store.events.listForLead(leadId)) {
      const payload = JSON.parse(e.payloadJson) as {
        rescreenJobId?: string;
        hits: { listId: string; entryId: string; isMatch?: boolean }[];
      };
      if (e.kind !== 'screening.rescreen' || payload.rescreenJobId !== jobId) continue;
      const hits = payload.hits.filter((h) => h.isMatch !== false).map((h) => `${h.listId}/${h.entryId}`);
      held.set(leadId, [...new Set([...(held.get(leadId) ?? []), ...hits.filter((h) => entries.has(h))])].sort());
    }
  return held;
}

/** Customers of the property below: first names and surnames far apart from each other and from the test lists. */
const NAMES: readonly (readonly [string, string])[] = [
  ['Ambrose', 'Applethwaite'],
  ['Beatrix', 'Bramblecombe'],
  ['Cosmo', 'Cottingham'],
  ['Delphine', 'Dunsmore'],
  ['Ephraim', 'Etherington'],
  ['Fenella', 'Fothergill'],
  ['Gideon', 'Gathercole'],
  ['Honoria', 'Hathersage'],
  ['Ignatius', 'Illingworth'],
  ['Jocasta', 'Jellicoe'],
  ['Lysander', 'Kettleborough'],
  ['Millicent', 'Merriweather'],
  ['Nathaniel', 'Nethercott'],
  ['Ottilie', 'Ormerod'],
  ['Peregrine', 'Pettigrew'],
  ['Rosalind', 'Rowntree'],
  ['Septimus', 'Summerscale'],
  ['Tabitha', 'Tattersall'],
  ['Ulric', 'Underhill'],
  ['Vivienne', 'Vavasour'],
  ['Wilfred', 'Wolstenholme'],
  ['Xanthe', 'Yardley'],
  ['Zebedee', 'Ashburnham'],
  ['Araminta', 'Blenkinsop'],
  ['Barnaby', 'Cruickshank'],
  ['Clementine', 'Drinkwater'],
  ['Desmond', 'Entwistle'],
  ['Evangeline', 'Higginbottom'],
];

interface JobReport {
  newMatches: { leadId: string; hits: string[] }[];
  newlyHeld: string[];
  alreadyHeld: number;
  failed: number;
}
const reportOf = async (s: TestService, jobId: string) => (await get(s, `/v1/screening/rescreens/${jobId}`)).json().report as JobReport;
const byLead = (r: JobReport) => new Map(r.newMatches.map((m) => [m.leadId, [...m.hits].sort()]));

/** The report of twoListedLeads' job once it held both, each with its entry, and nothing else. */
const bothHeld = (marguerite: string, ottoline: string) => ({
  newMatches: [
    { leadId: marguerite, hits: ['blocklist/NB-BL-0101'] },
    { leadId: ottoline, hits: ['blocklist/NB-BL-0102'] },
  ],
  newlyHeld: [marguerite, ottoline],
  alreadyHeld: 0,
  failed: 0,
});

/** Two stored leads, then a reload that lists both (misspelt): its job has two entries, one per lead. */
async function twoListedLeads(env: Env) {
  const s = await env.start();
  const marguerite = await lead(s, 'Marguerite', 'Quillfeather');
  const ottoline = await lead(s, 'Ottoline', 'Brackenbury');
  await appendFile(
    env.blocklistFile,
    'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\nNB-BL-0102,Ottoline Brakenbury,,person,,GB,fraud\n',
  );
  const reload = await post(s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance);
  expect(reload.statusCode).toBe(200);
  return { s, marguerite, ottoline, jobId: reload.json().rescreen.jobId as string };
}

/**
 * A ctx whose instance dies at its `atProgress`-th progress record (default the first): after writing it (`recorded`,
 * a death between chunks) or before (a death mid-chunk, after the chunk's holds were committed); or, with `afterHolds`,
 * right after its n-th hold commits (a transaction that wrote a `screening.rescreen` history entry), with the rest of
 * the chunk not held (a death mid-chunk, the chunk half held). A dead instance writes nothing more.
 */
function dyingCtx(
  ctx: ServiceContext,
  { recorded = false, atProgress = 1, afterHolds = Infinity }: { recorded?: boolean; atProgress?: number; afterHolds?: number },
): ServiceContext {
  const real = ctx.store.rescreenJobs;
  let dead = false;
  let progressed = 0;
  let holds = 0;
  const died = () => new Error('instance died');
  const jobs: RescreenJobRepository = {
    ...real,
    async progress(id, worker, p) {
      if (dead) return false;
      if (++progressed < atProgress) return real.progress(id, worker, p);
      dead = true;
      if (recorded) await real.progress(id, worker, p);
      throw died();
    },
    renew: async (id, worker, leaseUntil) => (dead ? false : real.renew(id, worker, leaseUntil)),
    finish: async (id, worker, outcome) => (dead ? false : real.finish(id, worker, outcome)),
  };
  const transaction = rescreenNoticingTransactions(
    ctx,
    () => dead,
    () => void (++holds >= afterHolds && (dead = true)),
  );
  return withStoreParts(ctx, { rescreenJobs: jobs, transaction });
}

describe.each(dialects)('re-screen jobs: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const dialect = factory.name as 'sqlite' | 'postgres';

  it('a restart with a changed list file holds a stored lead matching a newly added entry, without any request', async () => {
    const env = environment(dialect);
    const a = await env.start();
    // a first start over an empty store queues nothing
    expect(await a.store.rescreenJobs.list({ limit: 10 })).toEqual([]);
    const marguerite = await lead(a, 'Marguerite', 'Quillfeather');
    const other = await lead(a, 'Jonathan', 'Smythe');
    const old = a.ctx.screening!.version('blocklist')!.sha256;
    await a.close(); // writes the start-up snapshot, as `remit serve` does at stop

    // While the service is down, a customer is added to the list (a misspelling of the stored lead's name).
    await appendFile(env.blocklistFile, 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,new fraud referral\n');
    const b = await env.start();
    const [job] = await b.store.rescreenJobs.list({ limit: 10 });
    // the delta against the snapshot's parsed previous version: the one new entry, not the whole list
    expect(job).toMatchObject({
      trigger: 'start',
      requestedBy: 'system',
      status: 'queued',
      entries: 1,
      lists: [{ listId: 'blocklist', beforeSha256: old, afterSha256: b.ctx.screening!.version('blocklist')!.sha256, added: 1 }],
    });
    expect(job!.lists[0]!.entryIds).toEqual(['NB-BL-0101']);

    // The runner `remit serve` starts: nobody asks for anything.
    const runner = new RescreenRunner(b.ctx, { name: 'serve' });
    runner.start(5);
    for (let i = 0; i < 400 && (await b.store.rescreenJobs.get(job!.id))?.status !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 25));
    await runner.stop();
    const done = (await get(b, `/v1/screening/rescreens/${job!.id}`)).json();
    expect(done).toMatchObject({ status: 'done', attempts: 1, progress: { entries: 1, entriesDone: 1 } });
    expect(done.report).toMatchObject({
      entries: 1,
      newMatches: [{ leadId: marguerite, hits: ['blocklist/NB-BL-0101'] }],
      newlyHeld: [marguerite],
    });
    expect(await statusOf(b, marguerite)).toBe('HELD');
    expect(await holdsAndReviews(b, marguerite)).toEqual({ holds: 1, reviews: 1 });
    expect(await statusOf(b, other)).not.toBe('HELD');
    const held = (await b.store.events.listForLead(marguerite)).find((e) => e.kind === 'screening.rescreen')!;
    expect(held.actor).toBe('system');
    expect(await jobAudit(b, job!.id)).toEqual([
      { actor: 'system', action: 'screening.rescreen_job.queued' },
      { actor: 'system', action: 'screening.rescreen_job.started' },
      { actor: 'system', action: 'screening.rescreen_job.done' },
    ]);

    // The next restart with the same file queues nothing.
    await b.close();
    const c = await env.start();
    expect((await c.store.rescreenJobs.list({ limit: 10 })).map((j) => j.id)).toEqual([job!.id]);
  });

  it('without the previous parsed version (no snapshot) every entry of the changed list is the delta; the same lead is held', async () => {
    const env = environment(dialect);
    const a = await env.start();
    const marguerite = await lead(a, 'Marguerite', 'Quillfeather');
    const entries = a.ctx.screening!.version('blocklist')!.entryCount;
    await a.close();
    await unlink(env.snapshot);
    await appendFile(env.blocklistFile, 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,new fraud referral\n');
    const b = await env.start();
    const [job] = await b.store.rescreenJobs.list({ limit: 10 });
    expect(job).toMatchObject({
      trigger: 'start',
      entries: entries + 1,
      lists: [{ listId: 'blocklist', beforeSha256: null, added: entries + 1 }],
    });
    expect(await new RescreenRunner(b.ctx).drain()).toBe(1);
    expect(await statusOf(b, marguerite)).toBe('HELD');
    expect((await b.store.rescreenJobs.get(job!.id))?.status).toBe('done');
  });

  it('a snapshot of another version than the one in force, or a damaged one, is not a base for the delta: every entry is', async () => {
    for (const damage of ['stale', 'truncated'] as const) {
      const env = environment(dialect);
      const a = await env.start();
      const marguerite = await lead(a, 'Marguerite', 'Quillfeather');
      await a.close();
      const older = await readFile(env.snapshot);
      // a restart with one more entry: the version in force moves on, and its snapshot is written at stop
      await appendFile(env.blocklistFile, 'NB-BL-0100,Someone Else Entirely,,person,,GB,fraud\n');
      const b = await env.start();
      await new RescreenRunner(b.ctx).drain();
      await b.close();
      // the snapshot left behind is an older one (restored from a backup), or cut short
      await writeFile(env.snapshot, damage === 'stale' ? older : (await readFile(env.snapshot)).subarray(0, 5_000));
      await appendFile(env.blocklistFile, 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\n');
      const c = await env.start();
      const [job] = await c.store.rescreenJobs.list({ limit: 1 });
      const entries = c.ctx.screening!.version('blocklist')!.entryCount;
      expect(job, damage).toMatchObject({ trigger: 'start', entries, lists: [{ beforeSha256: null, added: entries }] });
      expect(await new RescreenRunner(c.ctx).drain()).toBe(1);
      expect(await statusOf(c, marguerite)).toBe('HELD');
    }
  });

  it('a runner that dies after its first chunk: another resumes the job where it stopped once the lease ran out; same report', async () => {
    const { s, marguerite, ottoline, jobId } = await twoListedLeads(environment(dialect));

    const dying = new RescreenRunner(dyingCtx(s.ctx, { recorded: true }), {
      name: 'dying',
      chunkEntries: 1,
      leaseMs: LEASE_MS,
    });
    await dying.runOne();
    expect(await s.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'running', claimedBy: 'dying', entriesDone: 1 });
    expect(await statusOf(s, marguerite)).toBe('HELD');
    expect(await statusOf(s, ottoline)).not.toBe('HELD');

    const survivor = new RescreenRunner(s.ctx, { name: 'survivor', chunkEntries: 1, leaseMs: LEASE_MS });
    expect(await survivor.drain()).toBe(0); // the lease still runs
    s.clock.advance(LEASE_MS + 1);
    expect(await survivor.drain()).toBe(1);
    const job = (await get(s, `/v1/screening/rescreens/${jobId}`)).json();
    expect(job).toMatchObject({ status: 'done', attempts: 2, progress: { entries: 2, entriesDone: 2 } });
    // as one uninterrupted run would report: both entries, both leads, each once (entries: the survivor did not start over)
    expect(job.report).toMatchObject({
      lists: [{ listId: 'blocklist', added: 2, changed: 0, removed: 0 }],
      entries: 2,
      failed: 0,
      newMatches: [
        { leadId: marguerite, hits: ['blocklist/NB-BL-0101'] },
        { leadId: ottoline, hits: ['blocklist/NB-BL-0102'] },
      ],
      newlyHeld: [marguerite, ottoline],
    });
    for (const id of [marguerite, ottoline]) expect(await holdsAndReviews(s, id)).toEqual({ holds: 1, reviews: 1 });
    expect((await jobAudit(s, jobId)).map((e) => e.action)).toEqual([
      'screening.rescreen_job.queued',
      'screening.rescreen_job.started',
      'screening.rescreen_job.started',
      'screening.rescreen_job.done',
    ]);
  });

  it('a runner that dies mid-chunk, after holding a lead: the rerun of the chunk holds and queues nobody twice', async () => {
    const { s, marguerite, ottoline, jobId } = await twoListedLeads(environment(dialect));
    // the whole delta in one chunk; the instance dies before recording it
    await new RescreenRunner(dyingCtx(s.ctx, { recorded: false }), { name: 'dying', leaseMs: LEASE_MS }).runOne();
    expect(await s.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'running', entriesDone: 0 });
    expect(await statusOf(s, marguerite)).toBe('HELD');
    s.clock.advance(LEASE_MS + 1);
    expect(await new RescreenRunner(s.ctx, { name: 'survivor', leaseMs: LEASE_MS }).drain()).toBe(1);
    expect(await s.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'done', attempts: 2, entriesDone: 2 });
    for (const id of [marguerite, ottoline]) {
      expect(await statusOf(s, id)).toBe('HELD');
      expect(await holdsAndReviews(s, id)).toEqual({ holds: 1, reviews: 1 });
    }
    // the report lists the leads the dead runner held, as an uninterrupted run would (docs/screening.md "A runner that dies")
    expect(await reportOf(s, jobId)).toMatchObject({ entries: 2, ...bothHeld(marguerite, ottoline) });
  });

  it('two live runners on one job: leads the other holds while this one works on the job are not counted as alreadyHeld', async () => {
    const { s, marguerite, ottoline, jobId } = await twoListedLeads(environment(dialect));
    // Runner "late" claims the job and stops before its screening (a pause longer than its lease); "survivor" claims the
    // job once the lease ran out and starts its chunk; then "late" goes on and holds both leads (with their records)
    // while "survivor" is between its reads, before it reads the leads.
    const lateReached = deferred();
    const lateGoes = deferred();
    /** The ctx whose first read of a page of contacts (where a chunk's screening starts) waits for `pause`. */
    const pausedAtScreening = (ctx: ServiceContext, pause: () => Promise<void>): ServiceContext => {
      const real = ctx.store.personalData;
      let paused = false;
      const contactsOf: Store['personalData']['contactsOf'] = async (ids) => {
        if (!paused) {
          paused = true;
          await pause();
        }
        return real.contactsOf(ids);
      };
      return withStoreParts(ctx, { personalData: { ...real, contactsOf } });
    };
    const late = new RescreenRunner(
      pausedAtScreening(s.ctx, async () => {
        lateReached.resolve();
        await lateGoes.promise;
      }),
      { name: 'late', leaseMs: LEASE_MS },
    );
    const lateRun = late.runOne();
    await lateReached.promise;
    s.clock.advance(LEASE_MS + 1);
    const survivor = new RescreenRunner(
      pausedAtScreening(s.ctx, async () => {
        lateGoes.resolve();
        await lateRun; // "late" held both leads, then found the job taken over
      }),
      { name: 'survivor', leaseMs: LEASE_MS },
    );
    expect(await survivor.drain()).toBe(1);
    expect((await lateRun)?.id).toBe(jobId);
    expect((await s.store.rescreenJobs.holds(jobId)).map((h) => h.leadId).sort()).toEqual([marguerite, ottoline].sort());
    // the outcome: both leads are this job's holds, listed from their records, not counted as held before the job
    expect(await s.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'done', claimedBy: 'survivor', entriesDone: 2 });
    expect(await reportOf(s, jobId)).toMatchObject({ entries: 2, ...bothHeld(marguerite, ottoline) });
    for (const id of [marguerite, ottoline]) expect(await holdsAndReviews(s, id)).toEqual({ holds: 1, reviews: 1 });
  });

  it('dying mid-chunk after one hold: the report lists exactly the leads the job held, with hits; earlier holds are counted', async () => {
    const env = environment(dialect);
    const s = await env.start();
    // an earlier job holds Cordelia
    const cordelia = await lead(s, 'Cordelia', 'Fenwright');
    await appendFile(env.blocklistFile, 'NB-BL-0100,Cordelia Fenwright,,person,,GB,fraud\n');
    const earlier = (await post(s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance)).json().rescreen.jobId;
    expect(await new RescreenRunner(s.ctx).drain()).toBe(1);
    expect(await statusOf(s, cordelia)).toBe('HELD');

    const marguerite = await lead(s, 'Marguerite', 'Quillfeather');
    const ottoline = await lead(s, 'Ottoline', 'Brackenbury');
    await appendFile(
      env.blocklistFile,
      'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\nNB-BL-0102,Ottoline Brakenbury,,person,,GB,fraud\n' +
        'NB-BL-0103,Cordelia Fenwright,,person,,GB,new fraud referral\n',
    );
    const jobId = (await post(s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance)).json().rescreen
      .jobId as string;
    // another customer of that name arrives before the job runs: held at intake
    const twin = await heldAtIntake(s, 'Marguerite', 'Quilfeather');

    // one chunk; the instance dies right after its first hold, before the chunk is recorded
    await new RescreenRunner(dyingCtx(s.ctx, { afterHolds: 1 }), { name: 'dying', leaseMs: LEASE_MS }).runOne();
    expect(await s.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'running', entriesDone: 0, reportJson: null });
    const heldByDying = (await holdsInHistory(s, [marguerite, ottoline], jobId)).size;
    expect(heldByDying).toBe(1);
    s.clock.advance(LEASE_MS + 1);
    expect(await new RescreenRunner(s.ctx, { name: 'survivor', leaseMs: LEASE_MS }).drain()).toBe(1);

    const report = await reportOf(s, jobId);
    const all = [cordelia, marguerite, ottoline, twin];
    expect(byLead(report)).toEqual(
      new Map([
        [marguerite, ['blocklist/NB-BL-0101']],
        [ottoline, ['blocklist/NB-BL-0102']],
      ]),
    );
    expect([...report.newlyHeld].sort()).toEqual([marguerite, ottoline].sort());
    expect(report.newlyHeld).toHaveLength(2);
    // Cordelia (held by the earlier job, matched again by NB-BL-0103) and the twin (held at intake) are counted only
    expect(report).toMatchObject({ alreadyHeld: 2, failed: 0 });
    // the report is what the histories say this job held
    expect(await holdsInHistory(s, all, jobId)).toEqual(byLead(report));
    expect([...(await holdsInHistory(s, all, earlier)).keys()]).toEqual([cordelia]);
    for (const id of [cordelia, marguerite, ottoline]) expect(await holdsAndReviews(s, id)).toEqual({ holds: 1, reviews: 1 });
    expect(await holdsAndReviews(s, twin)).toEqual({ holds: 0, reviews: 1 });
    expect(await s.store.rescreenJobs.holds(jobId)).toHaveLength(2);
  });

  it('property: wherever runners die in a job of several chunks, its report lists exactly the leads its history says it held', async () => {
    const env = environment(dialect);
    const s = await env.start();
    const seen: string[] = [];
    let next = 0;
    let earlier: { leadId: string; name: string } | undefined;
    const death = fc.oneof(
      fc.record({ afterHolds: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ atProgress: fc.integer({ min: 1, max: 3 }), recorded: fc.boolean() }),
    );
    const run = async (firstDeath: number, secondDeath: Parameters<typeof dyingCtx>[1] | undefined) => {
      // four customers, each named by one new entry; the customer an earlier job held, named again by a new entry
      const names = NAMES.slice(next, next + 4).map(([first, last]) => ({ first, last, entryId: `NB-PR-${next++}` }));
      const fresh: string[] = [];
      for (const c of names) fresh.push(await lead(s, c.first, c.last));
      const lines = names.map((c) => `${c.entryId},${c.first} ${c.last},,person,,GB,fraud\n`);
      if (earlier) lines.push(`NB-PR-${next}-again,${earlier.name},,person,,GB,fraud\n`);
      await appendFile(env.blocklistFile, lines.join(''));
      const reload = await post(s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance);
      const jobId = reload.json().rescreen.jobId as string;
      // a second customer of the first name, arriving before the job runs: held at intake
      const twin = await heldAtIntake(s, names[0]!.first, names[0]!.last);
      // chunks of two entries: two or three chunks; the first runner dies right after one of its holds
      const deaths = [{ afterHolds: firstDeath }, ...(secondDeath ? [secondDeath] : [])];
      for (const [i, d] of deaths.entries()) {
        await new RescreenRunner(dyingCtx(s.ctx, d), { name: `dying-${i}`, chunkEntries: 2, leaseMs: LEASE_MS }).runOne();
        s.clock.advance(LEASE_MS + 1);
        if (i > 0) continue;
        // not vacuous: the first death left holds of this job that the recorded report does not list
        const recorded = (await s.store.rescreenJobs.get(jobId))!.reportJson;
        const listed = new Set(recorded === null ? [] : (JSON.parse(recorded) as JobReport).newlyHeld);
        expect([...(await holdsInHistory(s, fresh, jobId)).keys()].filter((l) => !listed.has(l)).length).toBeGreaterThan(0);
      }
      await new RescreenRunner(s.ctx, { name: 'survivor', chunkEntries: 2, leaseMs: LEASE_MS }).drain();
      expect((await s.store.rescreenJobs.get(jobId))?.status).toBe('done');
      const report = await reportOf(s, jobId);
      seen.push(...fresh, twin);
      expect(await holdsInHistory(s, seen, jobId)).toEqual(byLead(report));
      expect(byLead(report)).toEqual(new Map(fresh.map((l, i) => [l, [`blocklist/${names[i]!.entryId}`]])));
      expect(report.newMatches).toHaveLength(4);
      expect([...report.newlyHeld].sort()).toEqual([...fresh].sort());
      expect(report).toMatchObject({ alreadyHeld: earlier ? 2 : 1, failed: 0 });
      for (const l of [...fresh, ...(earlier ? [earlier.leadId] : [])])
        expect(await holdsAndReviews(s, l)).toEqual({ holds: 1, reviews: 1 });
      expect(await holdsAndReviews(s, twin)).toEqual({ holds: 0, reviews: 1 });
      earlier = { leadId: fresh[1]!, name: `${names[1]!.first} ${names[1]!.last}` };
    };
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.option(death, { nil: undefined }), run), {
      numRuns: 6,
      endOnFailure: true,
    });
  });

  it('a hold and its record for the job are one transaction: a hold that cannot be recorded is not made', async () => {
    const { s, marguerite, ottoline, jobId } = await twoListedLeads(environment(dialect));
    const store: Store = {
      ...s.ctx.store,
      transaction: (fn) =>
        s.ctx.store.transaction((tx) =>
          fn({ ...tx, rescreenJobs: { ...tx.rescreenJobs, recordHold: () => Promise.reject(new Error('disk full')) } }),
        ),
    };
    expect(await new RescreenRunner({ ...s.ctx, store }).drain()).toBe(1);
    expect(await reportOf(s, jobId)).toMatchObject({ newMatches: [], newlyHeld: [], failed: 2 });
    for (const id of [marguerite, ottoline]) {
      expect(await statusOf(s, id)).not.toBe('HELD');
      expect(await holdsAndReviews(s, id)).toEqual({ holds: 0, reviews: 0 });
    }
  });

  it('two instances on one database: the job runs once, on an instance that holds the new list version', async () => {
    const env = environment(dialect);
    const a = await env.start();
    const b = await env.start();
    const marguerite = await lead(a, 'Marguerite', 'Quillfeather');
    await appendFile(env.blocklistFile, 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\n');
    const reload = await post(a, '/v1/screening/lists:reload', { sources: ['blocklist'] }, a.tokens.compliance);
    const jobId = reload.json().rescreen.jobId as string;
    // b still screens with the version before the reload: the new entry is not in its lists, so it leaves the job alone
    expect(await new RescreenRunner(b.ctx, { name: 'b' }).drain()).toBe(0);
    expect((await a.store.rescreenJobs.get(jobId))?.status).toBe('queued');
    // two runners of instance a at the same moment: one claims, the other finds nothing
    const [one, two] = [new RescreenRunner(a.ctx, { name: 'a1' }), new RescreenRunner(a.ctx, { name: 'a2' })];
    const ran = await Promise.all([one.drain(), two.drain(), one.drain(), two.drain()]);
    expect(ran.reduce((x, y) => x + y, 0)).toBe(1);
    expect(await a.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'done', attempts: 1 });
    expect(await holdsAndReviews(a, marguerite)).toEqual({ holds: 1, reviews: 1 });
  });

  it('a job that keeps failing is logged and counted each time, handed back, and marked failed after 5 attempts (audited)', async () => {
    const env = environment(dialect);
    const s = await env.start();
    await lead(s, 'Marguerite', 'Quillfeather');
    await appendFile(env.blocklistFile, 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\n');
    const jobId = (await post(s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance)).json().rescreen.jobId;
    const screening = s.ctx.screening!;
    const broken = new Proxy(screening, {
      get(target, p) {
        if (p === 'loaded')
          return () => {
            throw new Error('list entries unreadable');
          };
        const v = Reflect.get(target, p, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const failures = async () =>
      (await s.ctx.metrics.workerFailures.get()).values.find((v) => v.labels.worker === 'rescreen-job')?.value ?? 0;
    const runner = new RescreenRunner({ ...s.ctx, screening: broken }, { name: 'w' });
    expect(await runner.runOne()).toMatchObject({ id: jobId, attempts: 1 });
    expect(await failures()).toBe(1);
    expect(await s.store.rescreenJobs.get(jobId)).toMatchObject({ status: 'running', attempts: 1 }); // handed back: lease over
    expect(await runner.drain()).toBe(4);
    expect(await failures()).toBe(5);
    const job = (await get(s, `/v1/screening/rescreens/${jobId}`)).json();
    expect(job).toMatchObject({ status: 'failed', attempts: 5, error: 'list entries unreadable', report: null });
    expect((await jobAudit(s, jobId)).at(-1)).toEqual({
      actor: await personOf(s, 'test compliance'),
      action: 'screening.rescreen_job.failed',
    });
    expect(await runner.drain()).toBe(0);
  });

  it('approving a reload withheld at start queues a job over every entry of the approved file; it holds a matching lead', async () => {
    const env = environment(dialect);
    const a = await env.start();
    const marguerite = await lead(a, 'Marguerite', 'Quillfeather');
    await a.close();
    // the file was replaced by one with a single entry: it shrank beyond the guard, so the start withholds it
    await writeFile(env.blocklistFile, `${HEADER}NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\n`);
    const b = await env.start();
    const [withheld] = b.ctx.screening!.withheldSources();
    expect(withheld?.sourceId).toBe('blocklist');
    expect(await b.store.rescreenJobs.list({ limit: 10 })).toEqual([]);
    const approved = await post(
      b,
      `/v1/screening/lists:reload/${withheld?.reason === 'pending_approval' ? withheld.pendingReloadId : ''}/approve`,
      {},
      b.tokens.compliance,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const queued = approved.json().rescreen;
    expect(queued).toEqual({ jobId: expect.any(String), status: 'queued' });
    expect(await b.store.rescreenJobs.get(queued.jobId)).toMatchObject({
      trigger: 'approval',
      requestedBy: (await b.store.audit.pending(10_000))
        .map((p) => p.event)
        .find((e) => (e.payload as { action?: string }).action === 'screening_list.reload_approved')!.actor,
      lists: [{ listId: 'blocklist', beforeSha256: null, added: 1, entryIds: ['NB-BL-0101'] }],
    });
    expect(await new RescreenRunner(b.ctx).drain()).toBe(1);
    expect(await statusOf(b, marguerite)).toBe('HELD');
  });

  it('GET /v1/screening/rescreens pages newest first; an unknown id or cursor is a field-level error; reps may not look', async () => {
    const env = environment(dialect);
    const s = await env.start();
    const jobs: string[] = [];
    const text = await readFile(env.blocklistFile, 'utf8');
    for (const i of [1, 2, 3]) {
      await writeFile(env.blocklistFile, `${text}NB-BL-010${i},Someone Number${i},,person,,GB,fraud\n`);
      s.clock.advance(1_000);
      jobs.push((await post(s, '/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance)).json().rescreen.jobId);
    }
    const first = (await get(s, '/v1/screening/rescreens?limit=2')).json();
    expect(first.items.map((j: { id: string }) => j.id)).toEqual([jobs[2], jobs[1]]);
    expect(first.items[0]).toMatchObject({ status: 'queued', progress: { entries: 1, entriesDone: 0 }, report: null });
    expect(first.items[0].lists[0].entryIds).toBeUndefined();
    const next = (await get(s, `/v1/screening/rescreens?limit=2&cursor=${first.nextCursor}`)).json();
    expect(next.items.map((j: { id: string }) => j.id)).toEqual([jobs[0]]);
    expect(next.nextCursor).toBeNull();

    const missing = await get(s, '/v1/screening/rescreens/rsj-nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND', details: [{ path: '/params/id' }] });
    const cursor = await get(s, '/v1/screening/rescreens?cursor=rsj-nope');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/querystring/cursor' }] });
    const limit = await get(s, '/v1/screening/rescreens?limit=0');
    expect(limit.statusCode).toBe(400);
    expect(limit.json().code).toBe('ARGUMENT_INVALID');
    for (const token of [s.tokens.rep, s.tokens.integration]) {
      expect((await get(s, `/v1/screening/rescreens/${jobs[0]}`, token)).statusCode).toBe(403);
      expect((await get(s, '/v1/screening/rescreens', token)).statusCode).toBe(403);
    }
    expect((await get(s, `/v1/screening/rescreens/${jobs[0]}`, s.tokens.ops)).statusCode).toBe(200);
  });
});

async function personOf(s: TestService, keyName: string): Promise<string> {
  return (await s.store.apiKeys.list()).find((k) => k.name === keyName)!.userId;
}
