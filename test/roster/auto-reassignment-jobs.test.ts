import { afterEach, describe, expect, it } from 'vitest';
import { runReassignmentJob } from '../../src/app/routing/reassign.use-case.ts';
import { ReassignmentWorker } from '../../src/app/routing/reassignment-worker.ts';
import { holdsRepCapacity } from '../../src/domain/lead/lead-status.ts';
import type { TestService } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { publishWithApproval } from '../support/org-drafts.ts';
import { isaLead, patchRep, postJson, sharedDatabase, type SharedDatabase } from './roster-support.ts';

const dialects = await bothDialects();

type Grant = { id: string; status?: string };

/**
 * docs/operations.md "Automatic reassignment", on SQLite and PostgreSQL: jobs are durable rows claimed by
 * compare-and-set, so with two instances on one database a job runs once; a job held by an instance that died is
 * claimed again once its lease runs out; the org's switches are honoured; a publication that suspends a grant moves
 * exactly the leads the rep may no longer serve.
 */
describe.each(dialects)('automatic reassignment jobs: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let db: SharedDatabase;
  afterEach(async () => db?.cleanup());

  const ingest = async (s: TestService, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await postJson(s, '/v1/leads', isaLead(), s.tokens.integration);
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().leadId as string);
    }
    return ids;
  };
  const heldBy = async (s: TestService, repId: string) =>
    (await s.ctx.store.leads.list({ repId })).filter((l) => holdsRepCapacity(l.status)).map((l) => l.id);

  it('two instances on one database: the job a pause started runs exactly once', async () => {
    db = sharedDatabase(factory.name);
    const a = await db.start();
    const b = await db.start({ idStart: 1_000_000 });
    await ingest(a, 9);
    const held = await heldBy(a, 'priya-shah');
    expect(held.length).toBeGreaterThan(0);
    // Bad input queues nothing (nothing is published).
    expect((await patchRep(a, 'priya-shah', { status: 'gone', reason: 'sick leave' })).statusCode).toBe(400);
    expect((await patchRep(a, 'priya-shah', { status: 'paused' })).statusCode).toBe(400);
    expect(await a.ctx.store.reassignmentJobs.open()).toEqual([]);
    const paused = await patchRep(a, 'priya-shah', { status: 'paused', reason: 'sick leave' });
    expect(paused.statusCode, paused.body).toBe(200);
    const jobId = paused.json().reassignment.id as string;
    const wa = new ReassignmentWorker(a.ctx, { name: 'instance-a' });
    const wb = new ReassignmentWorker(b.ctx, { name: 'instance-b' });
    // PostgreSQL: both instances claim at the same moment. SQLite: two stores in one process cannot wait for each other's
    // lock without blocking the event loop (two processes can), so there the instances take turns.
    if (factory.name === 'postgres') await Promise.all([wa.drain(), wb.drain(), wa.drain(), wb.drain()]);
    else for (const w of [wb, wa, wb, wa]) await w.drain();
    const job = (await a.ctx.store.reassignmentJobs.get(jobId))!;
    expect(job).toMatchObject({ status: 'finished', attempts: 1, kind: 'rep', trigger: 'paused', repId: 'priya-shah' });
    const items = await a.ctx.store.reassignments.items(jobId);
    expect(items.map((i) => i.leadId).sort()).toEqual([...held].sort());
    for (const id of held) {
      const moves = (await a.ctx.store.events.listForLead(id)).filter((e) => e.kind === 'reassigned');
      expect(moves, id).toHaveLength(1);
    }
    expect(await heldBy(a, 'priya-shah')).toEqual([]);
    expect(await a.ctx.store.reassignmentJobs.open()).toEqual([]);
  });

  it('a job claimed by an instance that died is claimed again once its lease runs out, and finishes', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    await ingest(s, 6);
    const held = await heldBy(s, 'amelia-hughes');
    const left = await patchRep(s, 'amelia-hughes', { status: 'left', reason: 'resigned' });
    const jobId = left.json().reassignment.id as string;
    const worker = new ReassignmentWorker(s.ctx, { name: 'survivor', leaseMs: 60_000 });
    const now = () => new Date(s.clock.ms).toISOString();
    // An instance claims every open job and dies.
    let claimed;
    const dead: string[] = [];
    while ((claimed = await s.ctx.store.reassignmentJobs.claimNext('dead', now(), new Date(s.clock.ms + 60_000).toISOString())))
      dead.push(claimed.id);
    expect(dead).toContain(jobId);
    expect(await worker.drain()).toBe(0);
    expect((await heldBy(s, 'amelia-hughes')).sort()).toEqual([...held].sort());
    s.clock.advance(61_000);
    expect(await worker.drain()).toBe(dead.length);
    expect(await s.ctx.store.reassignmentJobs.get(jobId)).toMatchObject({ status: 'finished', attempts: 2, claimedBy: 'survivor' });
    expect(await heldBy(s, 'amelia-hughes')).toEqual([]);
    expect((await s.ctx.store.reassignments.get(jobId))?.counts.leads).toBe(held.length);
  });

  it('an operation cut off after its first batch is resumed by the next claim: every lead moved once, counts complete', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    await ingest(s, 9);
    const held = await heldBy(s, 'amelia-hughes');
    expect(held.length).toBeGreaterThan(1);
    const jobId = (await patchRep(s, 'amelia-hughes', { status: 'left', reason: 'resigned' })).json().reassignment.id as string;
    const lease = () => new Date(s.clock.ms + 60_000).toISOString();
    let job;
    while ((job = await s.ctx.store.reassignmentJobs.claimNext('dying', new Date(s.clock.ms).toISOString(), lease())) && job.id !== jobId);
    expect(job?.id).toBe(jobId);
    // The dying instance commits one batch of one lead, then stops (its heartbeat is the last thing it does).
    const cut = { id: jobId, fromRepId: 'amelia-hughes', reason: job!.reason, actor: job!.requestedBy, leadIds: [held[0]!] };
    await runReassignmentJob(s.ctx, { ...cut, leadIds: cut.leadIds }, async () => {
      throw new Error('instance died');
    }).catch(() => undefined);
    expect(await s.ctx.store.reassignments.get(jobId)).toMatchObject({ status: 'running' });
    expect(await s.ctx.store.reassignments.items(jobId)).toHaveLength(1);
    s.clock.advance(61_000);
    await new ReassignmentWorker(s.ctx, { name: 'survivor' }).drain();
    expect(await s.ctx.store.reassignmentJobs.get(jobId)).toMatchObject({ status: 'finished', attempts: 2 });
    const op = (await s.ctx.store.reassignments.get(jobId))!;
    expect(op).toMatchObject({ status: 'finished' });
    expect(op.counts.leads).toBe(held.length);
    const items = await s.ctx.store.reassignments.items(jobId);
    expect(items.map((i) => i.seq)).toEqual(held.map((_, i) => i + 1));
    expect(items.map((i) => i.leadId).sort()).toEqual([...held].sort());
    for (const id of held)
      expect(
        (await s.ctx.store.events.listForLead(id)).filter((e) => e.kind === 'reassigned'),
        id,
      ).toHaveLength(1);
  });

  it('with onPause off a pause moves nothing; a publication suspending a grant moves exactly the leads it made unlawful', async () => {
    db = sharedDatabase(factory.name);
    const s = await db.start();
    const config = structuredClone(s.ctx.orgs.current.config) as unknown as Record<string, unknown>;
    config.roster = { autoReassign: { onPause: false } };
    await publishWithApproval(s.app, config, s.tokens.admin, s.tokens.compliance);
    await ingest(s, 9);
    const worker = new ReassignmentWorker(s.ctx, { name: 'w' });
    await worker.drain();
    const oliver = await heldBy(s, 'oliver-bennett');
    const paused = await patchRep(s, 'oliver-bennett', { status: 'paused', reason: 'training' });
    expect(paused.statusCode).toBe(200);
    expect(paused.json().reassignment).toBeUndefined();
    await worker.drain();
    expect((await heldBy(s, 'oliver-bennett')).sort()).toEqual([...oliver].sort());
    await patchRep(s, 'oliver-bennett', { status: 'active', reason: 'back' });

    const priya = await heldBy(s, 'priya-shah');
    const others = [...(await heldBy(s, 'amelia-hughes')), ...(await heldBy(s, 'oliver-bennett'))];
    expect(priya.length).toBeGreaterThan(0);
    const suspended = structuredClone(s.ctx.orgs.current.config) as unknown as { licences: Grant[] };
    suspended.licences.find((g) => g.id === 'fca-cert-priya-shah')!.status = 'suspended';
    await publishWithApproval(s.app, suspended, s.tokens.admin, s.tokens.compliance);
    expect(await heldBy(s, 'priya-shah')).toHaveLength(priya.length); // nothing moved during the request
    await worker.drain();
    expect(await heldBy(s, 'priya-shah')).toEqual([]);
    for (const id of priya) {
      const move = (await s.ctx.store.events.listForLead(id)).filter((e) => e.kind === 'reassigned').map((e) => JSON.parse(e.payloadJson));
      expect(move, id).toHaveLength(1);
      expect(move[0]).toMatchObject({ by: 'reassignment', fromRep: 'priya-shah' });
      const op = (await s.ctx.store.reassignments.get(move[0].reassignmentId))!;
      expect(op.reason).toMatch(/^automatic \(licence-loss\)/);
    }
    // Leads of reps who stayed lawful did not move.
    for (const id of others)
      expect(
        (await s.ctx.store.events.listForLead(id)).filter((e) => e.kind === 'reassigned'),
        id,
      ).toEqual([]);
  });
});
