import { afterEach, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { RetentionWorker, type RetentionFailure } from '../../src/app/privacy/retention-worker.ts';
import { applyRetention, RETENTION_ACTOR } from '../../src/app/privacy/retention.use-case.ts';
import { retentionOf } from '../../src/domain/org/retention.schema.ts';
import { OrgConfigSchema } from '../../src/domain/org/org-config.schema.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { remit } from '../import/import-support.ts';
import { retentionEntriesOf, startAuditService, type AuditService } from './audit-service-fixture.ts';

/**
 * Retention periods are configuration (docs/audit.md): per data category in the org config,
 * applied by `remit retention run` and the retention worker with an injected clock, every action
 * audited under `system:retention`; a dry run changes nothing. SQLite and PostgreSQL.
 */

const dialects = await bothDialects();
const DAY = 86_400_000;

const RETENTION = {
  unconvertedLeads: 'P1Y',
  refusedLeads: 'P2Y',
  outreachLog: 'P90D',
  idempotencyResponses: 'P30D',
  webhookDeliveries: 'P30D',
  decisionRecords: 'P7Y',
};
// rescreenJobs: its default period (P1Y) applies when the config omits it
const NOTHING = { unconvertedLeads: 0, refusedLeads: 0, outreachLog: 0, idempotencyResponses: 0, webhookDeliveries: 0, rescreenJobs: 0 };

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const post = (path: string, body: unknown, token: string, headers: Record<string, string> = {}) =>
  s!.app.inject({ method: 'POST', url: path, payload: body as object, headers: { ...auth(token), ...headers } });

describe('retention periods in the org config', () => {
  it('default to what Remit did before: decision records 6 years, everything else kept until erased on request', () => {
    const config = retentionOf({});
    expect(config).toMatchObject({ decisionRecords: 'P6Y', unconvertedLeads: null, refusedLeads: null, outreachLog: null });
    expect(config).toMatchObject({ idempotencyResponses: null, webhookDeliveries: null });
    expect(config.basis).toMatch(/Art\. 17\(3\)\(b\)/);
  });

  it('refuses a period that is not an ISO 8601 period of years, months and days, or is zero, with the field path', () => {
    const bad = (retention: unknown) => {
      const r = OrgConfigSchema.shape.retention.safeParse(retention);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(bad({ outreachLog: '6 years' })).toEqual(['outreachLog']);
    expect(bad({ refusedLeads: 'P0D' })).toEqual(['refusedLeads']);
    expect(bad({ decisionRecords: 'PT5H' })).toEqual(['decisionRecords']);
    expect(bad({ keepForever: true })).not.toEqual([]);
    expect(bad({ unconvertedLeads: 'P2Y6M', idempotencyResponses: 'P30D' })).toEqual([]);
    expect(bad({ rescreenJobs: '1 year' })).toEqual(['rescreenJobs']);
    expect(bad({ rescreenJobs: 'P0Y', notifications: 'P30D' })).toEqual(['rescreenJobs']);
    expect(bad({ rescreenJobs: null })).toEqual([]);
  });
});

describe.each(dialects)('retention run: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);

  it('erases and deletes exactly what is past its period, each action audited; a dry run changes nothing', { timeout: 90e3 }, async () => {
    s = await startAuditService(factory, { configure: (c) => ({ ...c, retention: RETENTION }) });
    const a = s;
    const retention = retentionOf(a.ctx.orgs.current.config);
    expect(retention.unconvertedLeads).toBe('P1Y');
    expect((await post('/v1/webhooks', { url: 'https://hooks.example.com/remit', events: ['*'] }, a.tokens.admin)).statusCode).toBe(201);
    const person = { firstName: 'Rhoswen', lastName: 'Tallowmere', email: 'rhoswen.tallowmere@example.org', phone: '+44 20 7946 0733' };
    const kept = (await post('/v1/leads', ukLead({ person }), a.tokens.integration, { 'idempotency-key': 'retention-1' })).json();
    expect(kept.status).toBe('ASSIGNED');
    const duplicate = (await post('/v1/leads', ukLead({ person }), a.tokens.integration)).json();
    expect(duplicate.status).toBe('DUPLICATE');
    const brazil = { ...person, lastName: 'Costa-Tallowmere', email: 'r.costa@example.com.br', phone: '+55 11 5555 0199' };
    const refused = (await post('/v1/leads', ukLead({ address: { country: 'BR' }, person: brazil }), a.tokens.integration)).json();
    expect(refused.status).toBe('REFUSED');
    const email = { channel: 'email', subject: 'isa', purpose: 'transactional' };
    expect((await post(`/v1/leads/${kept.leadId}/outreach`, email, a.tokens.ops)).statusCode).toBe(201);
    // The dispatcher's work, done here: every delivery finished.
    const deliveries = await a.h.store.outbox.listDeliveries({ limit: 100 });
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) await a.h.store.outbox.markDelivered(d.id, new Date(a.clock.now()).toISOString());
    const run = (dryRun: boolean) => applyRetention({ store: a.h.store, clock: a.clock, retention }, { dryRun });
    const counts = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.actions.map((x) => [x.category, x.count]));

    // Day 40: idempotent answers and deliveries are past 30 days; nothing else is.
    a.clock.advance(40 * DAY);
    const preview = await run(true);
    expect(counts(preview)).toEqual({ ...NOTHING, idempotencyResponses: 1, webhookDeliveries: deliveries.length });
    const [idemScope] = (await a.h.store.apiKeys.list()).filter((k) => k.role === 'integration').map((k) => k.id);
    expect(await a.h.store.idempotency.get(idemScope!, 'retention-1')).toBeDefined(); // the dry run deleted nothing
    expect(await a.h.store.outbox.listDeliveries({ limit: 100 })).toHaveLength(deliveries.length);
    const day40 = await run(false);
    expect(counts(day40)).toEqual(counts(preview));
    expect(await a.h.store.idempotency.get(idemScope!, 'retention-1')).toBeUndefined();
    expect(await a.h.store.outbox.listDeliveries({ limit: 100 })).toHaveLength(0);
    expect((await a.h.store.leads.get(duplicate.leadId))?.status).toBe('DUPLICATE');

    // Day 400: the duplicate (never converted) is past a year and the outreach record past 90 days; the refused lead is not yet.
    a.clock.advance(360 * DAY);
    const day400 = await run(false);
    expect(counts(day400)).toMatchObject({ unconvertedLeads: 1, refusedLeads: 0, outreachLog: 1 });
    expect(day400.actions.find((x) => x.category === 'unconvertedLeads')?.leadIds).toEqual([duplicate.leadId]);
    expect((await a.h.store.leads.get(duplicate.leadId))?.status).toBe('ERASED');
    expect((await a.h.store.personalData.get(duplicate.leadId))?.erasedAt).not.toBeNull();
    expect((await a.h.store.leads.get(kept.leadId))?.status).toBe('ASSIGNED'); // a working lead is not "unconverted"
    expect((await a.h.store.leads.get(refused.leadId))?.status).toBe('REFUSED');

    // Day 800: the refused lead is past two years.
    a.clock.advance(400 * DAY);
    expect((await run(true)).actions.find((x) => x.category === 'refusedLeads')?.leadIds).toEqual([refused.leadId]);
    expect((await a.h.store.leads.get(refused.leadId))?.status).toBe('REFUSED');
    const day800 = await run(false);
    expect(counts(day800)).toMatchObject({ unconvertedLeads: 0, refusedLeads: 1 });
    expect((await a.h.store.leads.get(refused.leadId))?.status).toBe('ERASED');
    expect(counts(await run(false))).toEqual(NOTHING);

    // Audited: who (system:retention), category, period, cutoff, counts and lead ids;
    // each erasure names the category and the org's periods.
    await a.seal();
    const entries: { kind: string; actor: string; subject: string; payload: Record<string, unknown> }[] = [];
    for await (const r of a.h.store.audit.rows()) {
      const payload = r.payload as Record<string, unknown>;
      if (r.actor === RETENTION_ACTOR) entries.push({ kind: r.kind, actor: r.actor, subject: r.subject, payload });
    }
    const summaries = entries.filter((e) => e.kind === 'retention').map((e) => [e.payload.action, e.payload.category, e.payload.count]);
    expect(summaries).toEqual([
      ['retention.deleted', 'idempotencyResponses', 1],
      ['retention.deleted', 'webhookDeliveries', deliveries.length],
      ['retention.erased', 'unconvertedLeads', 1],
      ['retention.deleted', 'outreachLog', 1],
      ['retention.erased', 'refusedLeads', 1],
    ]);
    expect(entries.find((e) => e.payload.category === 'refusedLeads')?.payload).toMatchObject({ period: 'P2Y', leadIds: [refused.leadId] });
    const erasure = entries.find((e) => e.kind === 'erasure' && e.subject === refused.leadId)!;
    expect(erasure.payload).toMatchObject({ reason: expect.stringMatching(/^retention: refusedLeads/), retention: { period: 'P7Y' } });
    expect((await verifyStoredLog(a.h.store)).result).toMatchObject({ ok: true });
  });

  it('`remit retention run --dry-run --at` reports, changes nothing; `--at` without --dry-run is refused', { timeout: 60e3 }, async () => {
    s = await startAuditService(factory, { configure: (c) => ({ ...c, retention: RETENTION }) });
    const lead = (await post('/v1/leads', ukLead({ address: { country: 'BR' } }), s.tokens.integration)).json();
    expect(lead.status).toBe('REFUSED');
    const at = new Date(s.clock.now() + 3 * 365 * DAY).toISOString();
    const dry = await remit('retention', 'run', '--db', s.cliUrl, '--dry-run', '--at', at, '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout);
    expect(report).toMatchObject({ dryRun: true, at });
    const refusedLeads = report.actions.find((x: { category: string }) => x.category === 'refusedLeads');
    expect(refusedLeads).toMatchObject({ count: 1, leadIds: [lead.leadId], period: 'P2Y' });
    expect((await s.h.store.leads.get(lead.leadId))?.status).toBe('REFUSED');
    const text = await remit('retention', 'run', '--db', s.cliUrl, '--dry-run', '--at', at);
    expect(text.stdout).toMatch(/refusedLeads: would erase 1 older than/);
    expect(text.stdout).toMatch(/rescreenJobs: would delete 0 older than .* \(period P1Y\)/);
    const refusedAt = await remit('retention', 'run', '--db', s.cliUrl, '--at', at);
    expect(refusedAt.code).toBe(2);
    expect(refusedAt.stderr).toMatch(/ARGUMENT_INVALID/);
    // A real run as of now: nothing is past its period yet.
    const now = await remit('retention', 'run', '--db', s.cliUrl, '--json');
    expect(now.code, now.stderr).toBe(0);
    expect((await s.h.store.leads.get(lead.leadId))?.status).toBe('REFUSED');
  });

  it('finished re-screen jobs are deleted a year after they finished by default (dry run counts), audited; null keeps them', async () => {
    s = await startAuditService(factory, { configure: (c) => ({ ...c, retention: RETENTION }) });
    const a = s;
    const jobs = a.h.store.rescreenJobs;
    const at = (ms: number) => new Date(ms).toISOString();
    const lists = [
      { listId: 'blocklist', beforeSha256: null, afterSha256: 'b'.repeat(64), added: 1, changed: 0, removed: 0, entryIds: ['E-1'] },
    ];
    const job = (id: string) => ({
      id,
      trigger: 'reload' as const,
      requestedBy: 'usr-compliance',
      roles: ['compliance'],
      lists,
      createdAt: at(a.clock.now()),
    });
    await jobs.enqueue(job('rsj-done'));
    await jobs.claimNext('w', at(a.clock.now()), at(a.clock.now() + 60_000), (j) => j.id === 'rsj-done');
    expect(await jobs.finish('rsj-done', 'w', { status: 'done', at: at(a.clock.now()), reportJson: '{}' })).toBe(true);
    await jobs.enqueue(job('rsj-running'));
    await jobs.claimNext('w', at(a.clock.now()), at(a.clock.now() + 60_000), (j) => j.id === 'rsj-running');
    const retention = retentionOf(a.ctx.orgs.current.config);
    expect(retention.rescreenJobs).toBeUndefined();
    const run = (dryRun: boolean, r = retention) => applyRetention({ store: a.h.store, clock: a.clock, retention: r }, { dryRun });
    const action = (r: Awaited<ReturnType<typeof run>>) => r.actions.find((x) => x.category === 'rescreenJobs');
    const ids = async () => (await jobs.list({ limit: 10 })).map((j) => j.id).sort();

    a.clock.advance(364 * DAY);
    expect(action(await run(false))).toMatchObject({ count: 0, period: 'P1Y', action: 'delete' });
    a.clock.advance(2 * DAY);
    expect(action(await run(true))).toMatchObject({ count: 1, period: 'P1Y' });
    expect(await ids()).toEqual(['rsj-done', 'rsj-running']);
    const kept = await run(false, { ...retention, rescreenJobs: null });
    expect(kept.keptIndefinitely).toContain('rescreenJobs');
    expect(action(kept)).toBeUndefined();
    expect(await ids()).toEqual(['rsj-done', 'rsj-running']);
    expect(action(await run(false))).toMatchObject({ count: 1 });
    expect(await ids()).toEqual(['rsj-running']); // a running job is never pruned, however old

    expect(await retentionEntriesOf(a, 'rescreenJobs')).toEqual([['retention.deleted', 1, 'P1Y']]);
  });

  const workerTitle = 'the worker counts and reports a failed pass, never swallows it; it applies the periods once the store answers';
  it(workerTitle, { timeout: 60e3 }, async () => {
    s = await startAuditService(factory, { configure: (c) => ({ ...c, retention: RETENTION }) });
    const lead = (await post('/v1/leads', ukLead({ address: { country: 'BR' } }), s.tokens.integration)).json();
    let broken = true;
    const leads = s.h.store.leads;
    const store = Object.create(s.h.store, {
      leads: {
        value: {
          ...leads,
          idleSince: (f: Parameters<typeof leads.idleSince>[0]) =>
            broken ? Promise.reject(new Error('disk I/O error')) : leads.idleSince(f),
        },
      },
    }) as typeof s.h.store;
    const failures: RetentionFailure[] = [];
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const worker = new RetentionWorker({ ...s.ctx, store }, { onFailure: (f) => (failures.push(f), failed()) });
    s.clock.advance(3 * 365 * DAY);
    worker.start(20, 0);
    await firstFailure;
    broken = false;
    await worker.stop();
    expect(worker.failures).toBeGreaterThanOrEqual(1);
    expect(failures[0]).toMatchObject({ kind: 'pass', error: expect.objectContaining({ message: 'disk I/O error' }) });
    expect(await worker.tick()).toBe(false);
    expect((await s.h.store.leads.get(lead.leadId))?.status).toBe('ERASED');
  });
});
