import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRescreenJob, RescreenJobRecord } from '../../../src/store/ports/rescreen-jobs.port.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { SEED_HASH, STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: delta re-screening jobs (migration 0038), on SQLite and PostgreSQL alike. */
describe.each(STORES)('rescreen jobs repository: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const job = (id: string, at: number, entryIds = ['E-1', 'E-2', 'E-3']): NewRescreenJob => ({
    id,
    trigger: 'reload',
    requestedBy: 'usr-compliance',
    roles: ['compliance'],
    lists: [{ listId: 'ofac-sdn', beforeSha256: 'a'.repeat(64), afterSha256: 'b'.repeat(64), added: 2, changed: 1, removed: 4, entryIds }],
    createdAt: iso(at),
  });
  const any = () => true;
  const { seedOrg, seedLead } = serviceSeeds(factory, () => h);

  it('is queued with its lists and counts, claimed once, progresses and finishes only by its holder', async () => {
    await store.transaction((tx) => tx.rescreenJobs.enqueue(job('rsj-1', 0)));
    expect(await store.rescreenJobs.get('rsj-1')).toEqual({
      ...job('rsj-1', 0),
      entries: 3,
      entriesDone: 0,
      reportJson: null,
      status: 'queued',
      attempts: 0,
      claimedBy: null,
      leaseUntil: null,
      startedAt: null,
      finishedAt: null,
      error: null,
    });
    const claimed = await store.rescreenJobs.claimNext('w1', iso(1), iso(61), any);
    expect(claimed).toMatchObject({ id: 'rsj-1', status: 'running', attempts: 1, claimedBy: 'w1', leaseUntil: iso(61), startedAt: iso(1) });
    // held: nobody else claims it while the lease runs
    expect(await store.rescreenJobs.claimNext('w2', iso(2), iso(62), any)).toBeUndefined();
    expect(await store.rescreenJobs.progress('rsj-1', 'w2', { entriesDone: 3, reportJson: '{}', leaseUntil: iso(90) })).toBe(false);
    expect(await store.rescreenJobs.progress('rsj-1', 'w1', { entriesDone: 2, reportJson: '{"entries":2}', leaseUntil: iso(90) })).toBe(
      true,
    );
    expect(await store.rescreenJobs.renew('rsj-1', 'w2', iso(99))).toBe(false);
    expect(await store.rescreenJobs.finish('rsj-1', 'w2', { status: 'done', at: iso(5), reportJson: '{}' })).toBe(false);
    expect(await store.rescreenJobs.get('rsj-1')).toMatchObject({ entriesDone: 2, reportJson: '{"entries":2}', leaseUntil: iso(90) });
    expect(await store.rescreenJobs.finish('rsj-1', 'w1', { status: 'done', at: iso(6), reportJson: '{"entries":3}' })).toBe(true);
    expect(await store.rescreenJobs.get('rsj-1')).toMatchObject({
      status: 'done',
      finishedAt: iso(6),
      leaseUntil: null,
      reportJson: '{"entries":3}',
      startedAt: iso(1),
    });
    // done: never claimed again, even long after
    expect(await store.rescreenJobs.claimNext('w2', iso(10_000), iso(10_060), any)).toBeUndefined();
  });

  it('a job whose lease ran out is claimed again (attempts counted, first start kept, progress kept)', async () => {
    await store.rescreenJobs.enqueue(job('rsj-1', 0));
    await store.rescreenJobs.claimNext('dead', iso(1), iso(61), any);
    await store.rescreenJobs.progress('rsj-1', 'dead', { entriesDone: 1, reportJson: '{"entries":1}', leaseUntil: iso(61) });
    expect(await store.rescreenJobs.claimNext('w2', iso(60), iso(120), any)).toBeUndefined();
    const again = await store.rescreenJobs.claimNext('w2', iso(62), iso(122), any);
    expect(again).toMatchObject({
      id: 'rsj-1',
      attempts: 2,
      claimedBy: 'w2',
      startedAt: iso(1),
      entriesDone: 1,
      reportJson: '{"entries":1}',
    });
    // the dead runner's late writes change nothing
    expect(await store.rescreenJobs.progress('rsj-1', 'dead', { entriesDone: 3, reportJson: '{}', leaseUntil: iso(200) })).toBe(false);
    expect(await store.rescreenJobs.get('rsj-1')).toMatchObject({ entriesDone: 1, claimedBy: 'w2' });
  });

  it('runners claiming at once: exactly one gets the job', async () => {
    await store.rescreenJobs.enqueue(job('rsj-1', 0));
    // several at once, so that on PostgreSQL (a pool of connections) some read the row before another's update lands
    const won = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((w) => store.rescreenJobs.claimNext(w, iso(1), iso(61), any)));
    expect(won.filter(Boolean).map((j) => j!.id)).toEqual(['rsj-1']);
    expect((await store.rescreenJobs.get('rsj-1'))?.attempts).toBe(1);
  });

  it('oldest first among those the runner accepts; the others stay queued', async () => {
    await store.rescreenJobs.enqueue(job('rsj-2', 2));
    await store.rescreenJobs.enqueue(job('rsj-1', 1));
    await store.rescreenJobs.enqueue(job('rsj-3', 3));
    const notOne = (j: RescreenJobRecord) => j.id !== 'rsj-1';
    expect((await store.rescreenJobs.claimNext('w', iso(5), iso(65), notOne))?.id).toBe('rsj-2');
    expect((await store.rescreenJobs.claimNext('w', iso(5), iso(65), notOne))?.id).toBe('rsj-3');
    expect(await store.rescreenJobs.claimNext('w', iso(5), iso(65), notOne)).toBeUndefined();
    expect((await store.rescreenJobs.get('rsj-1'))?.status).toBe('queued');
  });

  it('lists newest first, a page at a time', async () => {
    for (const [id, at] of [
      ['rsj-a', 1],
      ['rsj-c', 2],
      ['rsj-b', 2],
      ['rsj-d', 3],
    ] as const)
      await store.rescreenJobs.enqueue(job(id, at, []));
    const first = await store.rescreenJobs.list({ limit: 2 });
    expect(first.map((j) => j.id)).toEqual(['rsj-d', 'rsj-c']);
    const last = first.at(-1)!;
    const next = await store.rescreenJobs.list({ limit: 2, before: { createdAt: last.createdAt, id: last.id } });
    expect(next.map((j) => j.id)).toEqual(['rsj-b', 'rsj-a']);
    expect(next[0]).toMatchObject({ entries: 0, lists: [{ listId: 'ofac-sdn', entryIds: [] }] });
  });

  it('holds (0047): recorded in the hold transaction, per job, in the order held; a second hold of a lead adds its hits', async () => {
    await seedOrg();
    for (const id of ['L1', 'L2', 'L3']) await seedLead(store, id, { status: 'HELD' });
    await store.rescreenJobs.enqueue(job('rsj-1', 0));
    await store.rescreenJobs.enqueue(job('rsj-2', 1));
    expect(await store.rescreenJobs.holds('rsj-1')).toEqual([]);
    // a transaction that fails after recording a hold leaves no hold (the lead's hold is rolled back with it)
    await expect(
      store.transaction(async (tx) => {
        await tx.rescreenJobs.recordHold('rsj-1', { leadId: 'L1', hits: ['ofac-sdn/E-1'], heldAt: iso(1) });
        throw new Error('hold failed');
      }),
    ).rejects.toThrow('hold failed');
    expect(await store.rescreenJobs.holds('rsj-1')).toEqual([]);
    await store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-1', { leadId: 'L3', hits: ['ofac-sdn/E-1'], heldAt: iso(2) }));
    await store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-1', { leadId: 'L2', hits: ['ofac-sdn/E-2'], heldAt: iso(3) }));
    await store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-1', { leadId: 'L1', hits: ['ofac-sdn/E-3'], heldAt: iso(2) }));
    await store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-2', { leadId: 'L2', hits: ['ofac-sdn/E-9'], heldAt: iso(4) }));
    // the same job holding L3 again later (compliance disposed E-1, then E-3 matched): one row, both hits, first instant
    await store.transaction((tx) =>
      tx.rescreenJobs.recordHold('rsj-1', { leadId: 'L3', hits: ['ofac-sdn/E-3', 'ofac-sdn/E-1'], heldAt: iso(5) }),
    );
    expect(await store.rescreenJobs.holds('rsj-1')).toEqual([
      { leadId: 'L1', hits: ['ofac-sdn/E-3'], heldAt: iso(2) },
      { leadId: 'L3', hits: ['ofac-sdn/E-1', 'ofac-sdn/E-3'], heldAt: iso(2) },
      { leadId: 'L2', hits: ['ofac-sdn/E-2'], heldAt: iso(3) },
    ]);
    expect(await store.rescreenJobs.holds('rsj-2')).toEqual([{ leadId: 'L2', hits: ['ofac-sdn/E-9'], heldAt: iso(4) }]);
    expect(await store.rescreenJobs.holds('rsj-nope')).toEqual([]);
    // a hold names a job and a lead that exist
    await expect(
      store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-nope', { leadId: 'L1', hits: [], heldAt: iso(6) })),
    ).rejects.toThrow();
    await expect(
      store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-1', { leadId: 'ghost', hits: [], heldAt: iso(6) })),
    ).rejects.toThrow();
  });
  it("heldByJob: a point read of one job's hold of one lead", async () => {
    await seedOrg();
    for (const id of ['L1', 'L2']) await seedLead(store, id, { status: 'HELD' });
    await store.rescreenJobs.enqueue(job('rsj-1', 0));
    await store.rescreenJobs.enqueue(job('rsj-2', 1));
    await store.transaction((tx) => tx.rescreenJobs.recordHold('rsj-1', { leadId: 'L1', hits: ['ofac-sdn/E-1'], heldAt: iso(2) }));
    expect(await store.rescreenJobs.heldByJob('rsj-1', 'L1')).toBe(true);
    expect(await store.rescreenJobs.heldByJob('rsj-1', 'L2')).toBe(false);
    expect(await store.rescreenJobs.heldByJob('rsj-2', 'L1')).toBe(false);
  });

  it("coverage outcomes (0048): recorded in the lead's transaction, per job, one per lead (the latest), counted by outcome", async () => {
    await seedOrg();
    for (const id of ['L1', 'L2', 'L3', 'L4']) await seedLead(store, id, { status: 'HELD' });
    await store.rescreenJobs.enqueue({ ...job('rsj-c', 0, []), trigger: 'coverage', requestedBy: 'system', roles: [], lists: [] });
    await store.rescreenJobs.enqueue({ ...job('rsj-d', 1, []), trigger: 'coverage', requestedBy: 'system', roles: [], lists: [] });
    expect(await store.rescreenJobs.coverageOutcomes('rsj-c')).toEqual({});
    // a release whose transaction fails leaves no outcome (rolled back with the lead's change)
    await expect(
      store.transaction(async (tx) => {
        await tx.rescreenJobs.recordCoverageOutcome('rsj-c', { leadId: 'L1', outcome: 'released', at: iso(1) });
        throw new Error('release failed');
      }),
    ).rejects.toThrow('release failed');
    expect(await store.rescreenJobs.coverageOutcomes('rsj-c')).toEqual({});
    const record = (jobId: string, leadId: string, outcome: 'released' | 'held_as_match' | 'unchanged', at: number) =>
      store.transaction((tx) => tx.rescreenJobs.recordCoverageOutcome(jobId, { leadId, outcome, at: iso(at) }));
    await record('rsj-c', 'L1', 'released', 2);
    await record('rsj-c', 'L2', 'held_as_match', 3);
    await record('rsj-c', 'L3', 'unchanged', 4);
    await record('rsj-c', 'L4', 'unchanged', 5);
    await record('rsj-d', 'L3', 'unchanged', 6);
    // the page read again after a death: L4 left again, L3 released this time (lists changed meanwhile): one row each
    await record('rsj-c', 'L4', 'unchanged', 7);
    await record('rsj-c', 'L3', 'released', 8);
    expect(await store.rescreenJobs.coverageOutcomes('rsj-c')).toEqual({ released: 2, held_as_match: 1, unchanged: 1 });
    expect(await store.rescreenJobs.coverageOutcomes('rsj-d')).toEqual({ unchanged: 1 });
    // an outcome names a job and a lead that exist
    await expect(record('rsj-nope', 'L1', 'released', 9)).rejects.toThrow();
    await expect(record('rsj-c', 'ghost', 'released', 9)).rejects.toThrow();
  });

  it('pruneFinished: finished jobs past the cutoff go with their records unless a recorded lead is HELD; others untouched', async () => {
    await seedOrg();
    for (const [id, status] of [
      ['L1', 'HELD'],
      ['L2', 'ASSIGNED'],
      ['L3', 'HELD'],
    ] as const)
      await seedLead(store, id, { status });
    const coverage = (id: string, at: number) => ({
      ...job(id, at, []),
      trigger: 'coverage' as const,
      requestedBy: 'system',
      roles: [],
      lists: [],
    });
    const finished = async (j: NewRescreenJob, status: 'done' | 'failed', at: number) => {
      await store.rescreenJobs.enqueue(j);
      await store.rescreenJobs.claimNext('w', iso(at - 1), iso(at + 60), (c) => c.id === j.id);
      expect(await store.rescreenJobs.finish(j.id, 'w', { status, at: iso(at) })).toBe(true);
    };
    const hold = (jobId: string, leadId: string) =>
      store.transaction((tx) => tx.rescreenJobs.recordHold(jobId, { leadId, hits: ['ofac-sdn/E-1'], heldAt: iso(5) }));
    const outcome = (jobId: string, leadId: string, o: 'released' | 'unchanged') =>
      store.transaction((tx) => tx.rescreenJobs.recordCoverageOutcome(jobId, { leadId, outcome: o, at: iso(5) }));
    await store.rescreenJobs.enqueue(job('queued', 0));
    await finished(job('old-done', 1), 'done', 10);
    await hold('old-done', 'L2'); // L2 was reviewed and cleared since
    await finished(job('old-failed', 2), 'failed', 11);
    await finished(job('old-held', 3), 'done', 12);
    await hold('old-held', 'L1'); // L1 still awaits review
    await finished(coverage('old-cov', 4), 'done', 13);
    await outcome('old-cov', 'L2', 'released');
    await outcome('old-cov', 'L3', 'unchanged'); // left HELD
    await finished(job('recent', 5), 'done', 50);
    await hold('recent', 'L2');
    await store.rescreenJobs.enqueue(job('running', 6));
    await store.rescreenJobs.claimNext('w', iso(7), iso(9), (c) => c.id === 'running'); // its lease long run out
    await hold('running', 'L2');
    const ids = async () => (await store.rescreenJobs.list({ limit: 20 })).map((j) => j.id).sort();
    const all = ['old-cov', 'old-done', 'old-failed', 'old-held', 'queued', 'recent', 'running'];

    // a dry run counts and changes nothing
    expect(await store.rescreenJobs.pruneFinished(iso(20), { dryRun: true })).toBe(2);
    expect(await ids()).toEqual(all);
    expect(await store.rescreenJobs.holds('old-done')).toHaveLength(1);
    expect(await store.transaction((tx) => tx.rescreenJobs.pruneFinished(iso(20), { dryRun: false }))).toBe(2);
    expect(await ids()).toEqual(['old-cov', 'old-held', 'queued', 'recent', 'running']);
    expect(await store.rescreenJobs.holds('old-done')).toEqual([]);
    // the jobs kept keep their records
    expect((await store.rescreenJobs.holds('old-held')).map((h) => h.leadId)).toEqual(['L1']);
    expect(await store.rescreenJobs.coverageOutcomes('old-cov')).toEqual({ released: 1, unchanged: 1 });
    for (const id of ['recent', 'running']) expect((await store.rescreenJobs.holds(id)).map((h) => h.leadId)).toEqual(['L2']);
    expect(await store.rescreenJobs.get('running')).toMatchObject({ status: 'running', finishedAt: null });
    expect(await store.rescreenJobs.pruneFinished(iso(20), { dryRun: false })).toBe(0);

    // once the leads left HELD (reviewed), their jobs go at the next run; a later cutoff takes the recent one
    await store.leads.update('L3', { status: 'ASSIGNED', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(30) });
    expect(await store.rescreenJobs.pruneFinished(iso(20), { dryRun: false })).toBe(1);
    expect(await store.rescreenJobs.coverageOutcomes('old-cov')).toEqual({});
    await store.leads.update('L1', { status: 'ASSIGNED', teamId: null, repId: null, orgHash: SEED_HASH, updatedAt: iso(30) });
    expect(await store.rescreenJobs.pruneFinished(iso(51), { dryRun: false })).toBe(2);
    expect(await ids()).toEqual(['queued', 'running']);
    expect(await store.rescreenJobs.holds('running')).toHaveLength(1);
    await expect(store.rescreenJobs.pruneFinished('yesterday', { dryRun: true })).rejects.toThrow(/ISO-8601/);
  });
});
