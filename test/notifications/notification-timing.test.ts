import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emitEvent } from '../../src/app/events/outbox-writer.ts';
import { smtpMailSender } from '../../src/app/notifications/mail-sender.ts';
import { NotificationWorker } from '../../src/app/notifications/notification-worker.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { ingest, stopAll } from './notification-test-service.ts';
import { headers, startSmtp, stopSmtp } from '../support/smtp-server.ts';

/**
 * Quiet hours and digests end to end (docs/notifications.md), on SQLite and PostgreSQL, against a real SMTP server:
 * preferences over HTTP, rows due at the end of quiet hours (in the rep's zone from the org config), urgent events
 * past them, and a digest of three events sent as one message by one of two racing workers.
 * The test clock starts at 2026-11-24T11:00Z, 11:00 in London (GMT).
 */

const FROM = 'Remit <remit@northbridge.example>';
const CONSOLE = 'https://remit.northbridge.example';
const REP_EMAIL = 'amelia.hughes@northbridge.example';
const HOUR = 3_600_000;

let s: AuditService | undefined;
let smtp: SMTPServer | undefined;
afterEach(async () => {
  [s, smtp] = await stopAll(s, smtp);
});

const put = (svc: AuditService, token: string, body: unknown) =>
  svc.app.inject({ method: 'PUT', url: '/v1/me/notifications', headers: auth(token), payload: body as object });

const dialects = await bothDialects();

describe.each(dialects)('notification timing: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('quiet hours: field errors for bad input; the rep zone is the default; the row is due, and sent, when they end', async () => {
    s = await startAuditService(factory, { notify: true });
    const svc = s;
    const bad = await put(svc, svc.tokens.rep, { quietHours: { from: '10:00', to: '10:00', timeZone: 'Mars/Olympus', days: ['funday'] } });
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json() as { details: { path: string }[] }).details.map((d) => d.path).join(' ');
    for (const field of ['timeZone', 'days']) expect(paths).toContain(field);
    // Ops is linked to no rep: quiet hours without a zone are refused, and nothing is stored.
    const noZone = await put(svc, svc.tokens.ops, { quietHours: { from: '20:00', to: '07:30' } });
    expect(noZone.statusCode).toBe(400);
    expect(noZone.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/body/quietHours/timeZone' }] });
    expect(await svc.h.store.notifications.preferences()).toEqual(new Map());

    const done = await put(svc, svc.tokens.rep, { quietHours: { from: '10:00', to: '13:30' } });
    expect(done.statusCode, done.body).toBe(200);
    const lead = await ingest(svc);
    expect(lead.decision.rep?.id).toBe('amelia-hughes');
    const [row] = await svc.h.store.notifications.list({ limit: 10 });
    // 11:00 London is quiet until 13:30 London (the rep's zone, Europe/London, GMT in November).
    expect(row).toMatchObject({
      recipient: REP_EMAIL,
      nextAttemptAt: '2026-11-24T13:30:00.000Z',
      digestKey: null,
      createdAt: '2026-11-24T11:00:00.000Z',
    });

    const mail = await startSmtp();
    smtp = mail.server;
    const worker = new NotificationWorker(svc.ctx, smtpMailSender(`smtp://127.0.0.1:${mail.port}`, FROM), { consoleUrl: CONSOLE });
    expect(await worker.tick()).toBe(0);
    svc.clock.advance(2 * HOUR + 29 * 60_000);
    expect(await worker.tick()).toBe(0);
    svc.clock.advance(60_000);
    expect(await worker.tick()).toBe(1);
    expect(mail.received.map((m) => m.to)).toEqual([[REP_EMAIL]]);
  });

  it('an urgent event (org config notifications.urgentEvents) goes at once, past quiet hours and digests', async () => {
    s = await startAuditService(factory, {
      notify: true,
      configure: (c) => ({ ...c, notifications: { urgentEvents: ['lead.assigned'] } }),
    });
    expect((await put(s, s.tokens.rep, { quietHours: { from: '10:00', to: '13:30' }, digest: { everyMinutes: 60 } })).statusCode).toBe(200);
    await ingest(s);
    expect(await s.h.store.notifications.list({ limit: 10 })).toMatchObject([
      { nextAttemptAt: '2026-11-24T11:00:00.000Z', digestKey: null },
    ]);
  });

  it('digest: three events, two workers racing, one e-mail listing the three leads; every row SENT', async () => {
    s = await startAuditService(factory, { notify: true });
    const svc = s;
    const done = await put(svc, svc.tokens.rep, { digest: { everyMinutes: 60 } });
    expect(done.statusCode, done.body).toBe(200);
    const leads = ['lead-d1', 'lead-d2', 'lead-d3'];
    for (const [i, leadId] of leads.entries()) {
      const at = new Date(svc.clock.ms).toISOString();
      const reasons = [{ code: `REASON_${i + 1}` }];
      await svc.h.store.transaction((tx) => emitEvent(tx, svc.ctx, 'lead.assigned', { leadId, repId: 'amelia-hughes', reasons }, at));
      svc.clock.advance(10 * 60_000);
    }
    const rows = await svc.h.store.notifications.list({ limit: 10 });
    expect(rows.map((r) => [r.nextAttemptAt, r.digestKey])).toEqual(
      leads.map(() => ['2026-11-24T12:00:00.000Z', 'digest:2026-11-24T12:00:00.000Z']),
    );

    const mail = await startSmtp();
    smtp = mail.server;
    const sender = smtpMailSender(`smtp://127.0.0.1:${mail.port}`, FROM);
    const workers = [1, 2].map(() => new NotificationWorker(svc.ctx, sender, { consoleUrl: CONSOLE, batchSize: 1 }));
    expect(await workers[0]!.tick()).toBe(0); // not before the period ends
    svc.clock.advance(30 * 60_000);
    const claimed = await Promise.all(workers.map((w) => w.tick()));
    expect(claimed.sort()).toEqual([0, 3]);
    expect(mail.received).toHaveLength(1);
    const [msg] = mail.received;
    expect(msg!.to).toEqual([REP_EMAIL]);
    expect(headers(msg!.raw).subject).toBe('Remit digest: 3 lead notifications');
    const body = msg!.raw.replace(/=\r?\n/g, '');
    for (const [i, leadId] of leads.entries()) {
      expect(body).toContain(`${CONSOLE}/leads/${leadId}`);
      expect(body).toContain(`REASON_${i + 1}`);
    }
    expect((await svc.h.store.notifications.list({ limit: 10 })).map((r) => [r.status, r.attempts])).toEqual(leads.map(() => ['SENT', 1]));
    expect(await Promise.all(workers.map((w) => w.tick()))).toEqual([0, 0]);
  });

  it('digest with SMTP down: the rows fail together and are retried together', async () => {
    s = await startAuditService(factory, { notify: true });
    const svc = s;
    expect((await put(svc, svc.tokens.rep, { digest: { everyMinutes: 15 } })).statusCode).toBe(200);
    const at = new Date(svc.clock.ms).toISOString();
    for (const leadId of ['lead-f1', 'lead-f2'])
      await svc.h.store.transaction((tx) => emitEvent(tx, svc.ctx, 'lead.assigned', { leadId, repId: 'amelia-hughes', reasons: [] }, at));
    const probe = await startSmtp();
    await stopSmtp(probe.server);
    const url = `smtp://127.0.0.1:${probe.port}?connectionTimeout=2000`;
    const worker = new NotificationWorker(svc.ctx, smtpMailSender(url, FROM), { consoleUrl: CONSOLE, baseDelayMs: 1_000 });
    svc.clock.advance(15 * 60_000);
    expect(await worker.tick()).toBe(2);
    const rows = await svc.h.store.notifications.list({ limit: 10 });
    expect(rows.map((r) => [r.status, r.attempts, r.nextAttemptAt])).toEqual(
      rows.map(() => ['PENDING', 1, new Date(svc.clock.ms + 1_000).toISOString()]),
    );
    const failures = await svc.ctx.metrics.notificationFailures.get();
    expect(failures.values).toEqual([{ value: 1, labels: { channel: 'email' } }]);
    const mail = await startSmtp(probe.port);
    smtp = mail.server;
    svc.clock.advance(1_000);
    expect(await worker.tick()).toBe(2);
    expect(mail.received).toHaveLength(1);
  });
});
