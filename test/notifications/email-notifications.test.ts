import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emitEvent } from '../../src/app/events/outbox-writer.ts';
import { smtpMailSender } from '../../src/app/notifications/mail-sender.ts';
import { NotificationWorker } from '../../src/app/notifications/notification-worker.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { ingest, PROSPECT, stopAll } from './notification-test-service.ts';
import { bodyOf, headers, startSmtp, stopSmtp } from '../support/smtp-server.ts';

/**
 * E-mail notifications end to end, on SQLite and PostgreSQL, against a real SMTP server started here (smtp-server):
 * an assignment sends exactly one message to the rep, with the console link and none of the prospect's details; a
 * rolled-back change sends nothing; with SMTP down a notification is retried with backoff, dead-lettered, and a
 * redrive sends it.
 */

const FROM = 'Remit <remit@northbridge.example>';
const CONSOLE = 'https://remit.northbridge.example';

let s: AuditService | undefined;
let smtp: SMTPServer | undefined;
afterEach(async () => {
  [s, smtp] = await stopAll(s, smtp);
});

const dialects = await bothDialects();

describe.each(dialects)('e-mail notifications: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('an assignment sends exactly one e-mail to the rep: From, To, Subject, console link, no prospect details', async () => {
    s = await startAuditService(factory, { notify: true });
    const mail = await startSmtp();
    smtp = mail.server;
    const lead = await ingest(s);
    expect(lead.status).toBe('ASSIGNED');
    expect(lead.decision?.rep?.id).toBe('amelia-hughes');
    const worker = new NotificationWorker(s.ctx, smtpMailSender(`smtp://127.0.0.1:${mail.port}`, FROM), { consoleUrl: CONSOLE });
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);
    expect(mail.received).toHaveLength(1);
    const [msg] = mail.received;
    // The rep's person has only a key (placeholder address) in this suite: the rep's config e-mail is used.
    expect(msg!.to).toEqual(['amelia.hughes@northbridge.example']);
    const h = headers(msg!.raw);
    expect(h.from).toBe(FROM);
    expect(h.to).toBe('amelia.hughes@northbridge.example');
    expect(h.subject).toBe(`New lead assigned to you: ${lead.leadId}`);
    const body = bodyOf(msg!.raw);
    expect(body).toContain(`${CONSOLE}/leads/${lead.leadId}`);
    for (const personal of ['Ann', 'Lee', PROSPECT.email, '2079460018', '7946 ']) expect(body).not.toContain(personal);
    const [row] = await s.h.store.notifications.list({ limit: 10 });
    expect(row).toMatchObject({ status: 'SENT', attempts: 1, channel: 'email', recipient: 'amelia.hughes@northbridge.example' });
  });

  it('PUT /v1/me/notifications: a rep who opts out of assignments gets none; bad input is field errors; audited', async () => {
    s = await startAuditService(factory, { notify: true });
    const svc = s;
    const put = (body: unknown) =>
      svc.app.inject({ method: 'PUT', url: '/v1/me/notifications', headers: auth(svc.tokens.rep), payload: body as object });
    const bad = await put({ email: { assignment: 'no' }, sms: {} });
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json() as { details: { path: string }[] }).details.map((d) => d.path);
    expect(bad.json()).toMatchObject({ code: 'ARGUMENT_INVALID' });
    expect(paths.length).toBeGreaterThan(0);
    const audited = await svc.h.store.audit.pendingCount();
    const done = await put({ email: { assignment: false } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ email: { assignment: false } });
    expect(await svc.h.store.audit.pendingCount()).toBe(audited + 1);
    const lead = await ingest(svc);
    expect(lead.decision?.rep?.id).toBe('amelia-hughes');
    expect(await svc.h.store.notifications.list({ limit: 10 })).toEqual([]);
    // Control: the next lead goes to a rep who did not opt out, and they are told.
    const other = await ingest(svc, { firstName: 'Bo', lastName: 'Ng', email: 'bo.ng@example.co.uk', phone: '+44 20 7946 0999' });
    expect(other.decision?.rep?.id).toBe('priya-shah');
    expect((await svc.h.store.notifications.list({ limit: 10 })).map((n) => n.recipient)).toEqual(['priya.shah@northbridge.example']);
  });

  it('a rolled-back change queues and sends nothing', async () => {
    s = await startAuditService(factory, { notify: true });
    const mail = await startSmtp();
    smtp = mail.server;
    const at = new Date(s.clock.ms).toISOString();
    await expect(
      s.h.store.transaction(async (tx) => {
        await emitEvent(tx, s!.ctx, 'lead.assigned', { leadId: 'lead-x', repId: 'amelia-hughes', reasons: [] }, at);
        expect(await tx.notifications.list({ limit: 10 })).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const worker = new NotificationWorker(s.ctx, smtpMailSender(`smtp://127.0.0.1:${mail.port}`, FROM), { consoleUrl: CONSOLE });
    expect(await worker.tick()).toBe(0);
    expect(await s.h.store.notifications.list({ limit: 10 })).toEqual([]);
    expect(mail.received).toEqual([]);
  });

  it('SMTP down: retried with backoff, dead-lettered after N attempts, counted; listed, redriven over HTTP, then sent', async () => {
    s = await startAuditService(factory, { notify: true });
    const probe = await startSmtp();
    const port = probe.port;
    await stopSmtp(probe.server);
    await ingest(s);
    const url = `smtp://127.0.0.1:${port}?connectionTimeout=2000`;
    const worker = new NotificationWorker(s.ctx, smtpMailSender(url, FROM), { consoleUrl: CONSOLE, maxAttempts: 3, baseDelayMs: 1_000 });
    expect(await worker.tick()).toBe(1);
    let [row] = await s.h.store.notifications.list({ limit: 10 });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: new Date(s.clock.ms + 1_000).toISOString() });
    expect(row!.lastError).toMatch(/^attempt 1: /);
    expect(await worker.tick()).toBe(0); // not due before its backoff
    s.clock.advance(1_000);
    expect(await worker.tick()).toBe(1);
    [row] = await s.h.store.notifications.list({ limit: 10 });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 2, nextAttemptAt: new Date(s.clock.ms + 2_000).toISOString() });
    s.clock.advance(2_000);
    expect(await worker.tick()).toBe(1);
    expect(await s.h.store.notifications.list({ status: 'DEAD', limit: 10 })).toMatchObject([{ attempts: 3 }]);
    const failures = await s.ctx.metrics.notificationFailures.get();
    expect(failures.values).toEqual([{ value: 3, labels: { channel: 'email' } }]);

    const mail = await startSmtp(port);
    smtp = mail.server;
    s.clock.advance(3_600_000);
    expect(await worker.tick()).toBe(0); // dead stays dead
    const svc = s;
    const listed = await svc.app.inject({ method: 'GET', url: '/v1/notifications?status=DEAD', headers: auth(svc.tokens.ops) });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ notifications: [{ id: row!.id, status: 'DEAD', attempts: 3, channel: 'email' }] });
    expect(listed.body).not.toContain('payloadJson');
    const redrive = (id: string, token: string) =>
      svc.app.inject({ method: 'POST', url: `/v1/notifications/${id}/redrive`, headers: auth(token) });
    expect((await redrive(row!.id, svc.tokens.rep)).statusCode).toBe(403);
    expect((await svc.app.inject({ method: 'GET', url: '/v1/notifications?status=LOST', headers: auth(svc.tokens.ops) })).statusCode).toBe(
      400,
    );
    expect((await redrive('ntf-nope', svc.tokens.ops)).statusCode).toBe(404);
    const audited = await svc.h.store.audit.pendingCount();
    const redriven = await redrive(row!.id, svc.tokens.ops);
    expect(redriven.statusCode, redriven.body).toBe(200);
    expect(redriven.json()).toMatchObject({ id: row!.id, status: 'PENDING' });
    expect(await svc.h.store.audit.pendingCount()).toBe(audited + 1);
    expect((await redrive(row!.id, svc.tokens.ops)).json()).toMatchObject({ code: 'CONFLICT' });
    expect(await worker.tick()).toBe(1);
    expect(mail.received).toHaveLength(1);
    expect(await s.h.store.notifications.get(row!.id)).toMatchObject({ status: 'SENT', attempts: 4 });
  });
});
