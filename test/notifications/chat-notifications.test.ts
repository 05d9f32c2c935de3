import { afterEach, describe, expect, it } from 'vitest';
import { NotificationWorker } from '../../src/app/notifications/notification-worker.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { ingestLead } from './ingest-lead.ts';
import { slackErrors, startChatServer, teamsErrors, type ChatServer } from './chat-webhook-server.ts';

/**
 * Slack and Teams notifications end to end, on SQLite and PostgreSQL, against local incoming-webhook servers that
 * validate every request against the vendor's schema (Block Kit from Slack's reference, Microsoft's Adaptive Card
 * 1.4 schema): org chat routes (URL from an environment variable, events, teams), a rep's own Slack webhook set
 * over PUT /v1/me/notifications, the SSRF guard, and includePersonalData read at send time (erased stays erased).
 */

const CONSOLE = 'https://remit.northbridge.example';
const ANN = { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' };
const BO = { firstName: 'Bo', lastName: 'Ng', email: 'bo.ng@example.co.uk', phone: '+44 20 7946 0999' };

let s: AuditService | undefined;
const servers: ChatServer[] = [];
afterEach(async () => {
  await s?.close();
  s = undefined;
  await Promise.all(servers.splice(0).map((x) => x.close()));
});

async function chatServers() {
  const slack = await startChatServer(slackErrors);
  const teams = await startChatServer(teamsErrors);
  servers.push(slack, teams);
  return { slack, teams };
}

const ingest = (svc: AuditService, person: Record<string, string> = ANN) => ingestLead(svc, person);

const withNotifications = (notifications: object) => (c: Record<string, unknown>) => ({ ...c, notifications });
const CHANNELS = ['inbox', 'slack', 'teams'] as const;
const texts = (server: ChatServer) => server.received.map((r) => JSON.stringify(r.body));

const dialects = await bothDialects();

describe.each(dialects)('chat notifications: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('routes: Slack Block Kit and a Teams Adaptive Card for the listed events and teams; a rep’s own Slack webhook too', async () => {
    const { slack, teams } = await chatServers();
    s = await startAuditService(factory, {
      notify: CHANNELS,
      webhookAllow: ['127.0.0.1'],
      configure: withNotifications({
        chat: [
          { id: 'sales', kind: 'slack', urlEnv: 'REMIT_SLACK_SALES_URL', events: ['lead.assigned'] },
          {
            id: 'uk-ops',
            kind: 'teams',
            urlEnv: 'REMIT_TEAMS_OPS_URL',
            events: ['lead.assigned', 'lead.held'],
            teams: ['uk-wealth', 'uk-everyday'],
          },
          { id: 'eu', kind: 'teams', urlEnv: 'REMIT_TEAMS_EU_URL', events: ['lead.assigned'], teams: ['eu-retail'] },
          { id: 'compliance', kind: 'slack', urlEnv: 'REMIT_SLACK_COMPLIANCE_URL', events: ['lead.refused', 'lead.held'] },
        ],
      }),
    });
    const svc = s;
    const own = slack.url('/services/T000/B000/amelia-own-secret');
    const put = await svc.app.inject({
      method: 'PUT',
      url: '/v1/me/notifications',
      headers: auth(svc.tokens.rep),
      payload: { slack: { webhookUrl: own } },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ email: {}, slack: { webhookUrl: `http://${new URL(own).host}/…cret` } });
    const got = await svc.app.inject({ method: 'GET', url: '/v1/me/notifications', headers: auth(svc.tokens.rep) });
    expect(got.json()).toEqual(put.json());
    expect(got.body).not.toContain('own-secret');
    // Sending the masked body back (one switch changed) keeps the stored URL: the delivery below still reaches it.
    const shown = got.json() as { slack: { webhookUrl: string } };
    const back = await svc.app.inject({
      method: 'PUT',
      url: '/v1/me/notifications',
      headers: auth(svc.tokens.rep),
      payload: { ...shown, slack: { ...shown.slack, refusal: false } },
    });
    expect(back.json()).toEqual({ email: {}, slack: { webhookUrl: shown.slack.webhookUrl, refusal: false } });

    const lead = await ingest(svc);
    expect(lead.status).toBe('ASSIGNED');
    expect(['uk-wealth', 'uk-everyday']).toContain(lead.decision.team?.id);
    const rows = await svc.h.store.notifications.list({ limit: 20 });
    const repUser = (await svc.h.store.users.list()).find((u) => u.repId === 'amelia-hughes')!.id;
    expect(rows.map((r) => `${r.channel} ${r.recipient}`).sort()).toEqual([
      `inbox ${repUser}`,
      'slack route:sales',
      `slack user:${repUser}`,
      'teams route:uk-ops',
    ]);
    for (const r of rows) expect(r.recipient).not.toContain('http');

    const env = {
      REMIT_SLACK_SALES_URL: slack.url('/services/T000/B000/sales'),
      REMIT_TEAMS_OPS_URL: teams.url('/workflows/uk-ops'),
      REMIT_TEAMS_EU_URL: teams.url('/workflows/eu'),
    };
    const worker = new NotificationWorker(svc.ctx, null, { consoleUrl: CONSOLE, secrets: (name) => env[name as keyof typeof env] });
    expect(await worker.tick()).toBe(4);
    expect(slack.rejected).toEqual([]);
    expect(teams.rejected).toEqual([]);
    expect(slack.received.map((r) => r.path).sort()).toEqual(['/services/T000/B000/amelia-own-secret', '/services/T000/B000/sales']);
    expect(teams.received.map((r) => r.path)).toEqual(['/workflows/uk-ops']);
    const link = `${CONSOLE}/leads/${lead.leadId}`;
    for (const body of [...texts(slack), ...texts(teams)]) {
      expect(body).toContain(link);
      for (const personal of ['Ann', 'Lee', ANN.email, '2079460018', '7946 ']) expect(body).not.toContain(personal);
    }
    const card = (teams.received[0]!.body as { attachments: { content: { actions: unknown[] } }[] }).attachments[0]!.content;
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the lead', url: link }]);
    expect((await svc.h.store.notifications.list({ status: 'SENT', limit: 20 })).length).toBe(4);
  });

  it('a refused target (SSRF guard) and a missing URL variable are failed deliveries: clear error, counted, retried', async () => {
    const { slack } = await chatServers();
    s = await startAuditService(factory, {
      notify: CHANNELS,
      configure: withNotifications({
        chat: [
          { id: 'sales', kind: 'slack', urlEnv: 'REMIT_SLACK_SALES_URL', events: ['lead.assigned'] },
          { id: 'ops', kind: 'teams', urlEnv: 'REMIT_TEAMS_OPS_URL', events: ['lead.assigned'] },
        ],
      }),
    });
    const svc = s;
    // Without an allow list a personal URL on a loopback address is refused when set: a field-level error, nothing stored.
    const put = await svc.app.inject({
      method: 'PUT',
      url: '/v1/me/notifications',
      headers: auth(svc.tokens.rep),
      payload: { teams: { webhookUrl: 'http://127.0.0.1:9/x' }, slack: { webhookUrl: 'not a url' } },
    });
    expect(put.statusCode).toBe(400);
    expect((put.json() as { details: { path: string }[] }).details.map((d) => d.path)).toContain('/body/slack/webhookUrl');
    const refused = await svc.app.inject({
      method: 'PUT',
      url: '/v1/me/notifications',
      headers: auth(svc.tokens.rep),
      payload: { teams: { webhookUrl: 'http://127.0.0.1:9/x' } },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/body/teams/webhookUrl' }] });
    expect(await svc.h.store.notifications.preferencesOf((await svc.h.store.users.list()).find((u) => u.repId)!.id)).toBeUndefined();

    await ingest(svc);
    const worker = new NotificationWorker(svc.ctx, null, {
      consoleUrl: CONSOLE,
      secrets: (name) => (name === 'REMIT_SLACK_SALES_URL' ? slack.url('/services/x') : undefined),
      baseDelayMs: 1_000,
    });
    expect(await worker.tick()).toBe(3); // inbox, slack route, teams route
    expect(slack.received).toEqual([]);
    const failed = (await svc.h.store.notifications.list({ status: 'PENDING', limit: 10 })).map((r) => [r.channel, r.lastError]);
    expect(failed).toEqual(
      expect.arrayContaining([
        ['slack', expect.stringMatching(/^attempt 1: target not allowed: 127\.0\.0\.1 /)],
        ['teams', 'attempt 1: REMIT_TEAMS_OPS_URL is not set (Teams route ops)'],
      ]),
    );
    expect(failed).toHaveLength(2);
    const failures = await svc.ctx.metrics.notificationFailures.get();
    expect(failures.values.map((v) => [v.labels.channel, v.value]).sort()).toEqual([
      ['slack', 1],
      ['teams', 1],
    ]);
  });

  it('includePersonalData: the prospect’s details are read at send time; a lead erased before sending shows none', async () => {
    const { slack } = await chatServers();
    const template = { slack: 'Lead {{lead.id}}: [{{lead.name}}] [{{lead.email}}] [{{lead.phone}}]' };
    const chat = [{ id: 'sales', kind: 'slack', urlEnv: 'REMIT_SLACK_SALES_URL', events: ['lead.assigned'] }];
    const env = { REMIT_SLACK_SALES_URL: slack.url('/services/sales') };
    s = await startAuditService(factory, {
      notify: ['slack'],
      webhookAllow: ['127.0.0.1'],
      configure: withNotifications({ chat, templates: { 'lead.assigned': template }, includePersonalData: true }),
    });
    const svc = s;
    const kept = await ingest(svc, ANN);
    const erased = await ingest(svc, BO);
    for (const row of await svc.h.store.notifications.list({ limit: 10 }))
      expect(JSON.stringify(row)).not.toMatch(/Ann|Bo|example\.co\.uk/);
    const erase = await svc.app.inject({
      method: 'POST',
      url: `/v1/leads/${erased.leadId}/erase`,
      headers: auth(svc.tokens.compliance),
      payload: { reason: 'erasure request by the prospect' },
    });
    expect(erase.statusCode, erase.body).toBe(200);
    const worker = new NotificationWorker(svc.ctx, null, { consoleUrl: CONSOLE, secrets: (name) => env[name as keyof typeof env] });
    expect(await worker.tick()).toBe(2);
    const sections = slack.received.map((r) => (r.body as { blocks: { text?: { text: string } }[] }).blocks[1]!.text!.text);
    expect(sections).toContain(`Lead ${kept.leadId}: [Ann Lee] [ann.lee@example.co.uk] [+442079460018]`);
    expect(sections).toContain(`Lead ${erased.leadId}: [] [] []`);
  });

  it('without includePersonalData the same template shows no personal data', async () => {
    const { slack } = await chatServers();
    s = await startAuditService(factory, {
      notify: ['slack'],
      webhookAllow: ['127.0.0.1'],
      configure: withNotifications({
        chat: [{ id: 'sales', kind: 'slack', urlEnv: 'REMIT_SLACK_SALES_URL', events: ['lead.assigned'] }],
        templates: { 'lead.assigned': { slack: 'Lead {{lead.id}}: [{{lead.name}}] [{{lead.email}}] [{{lead.phone}}] [{{lead.company}}]' } },
      }),
    });
    const lead = await ingest(s, ANN);
    const worker = new NotificationWorker(s.ctx, null, {
      consoleUrl: CONSOLE,
      secrets: (name) => (name === 'REMIT_SLACK_SALES_URL' ? slack.url('/services/sales') : undefined),
    });
    expect(await worker.tick()).toBe(1);
    expect((slack.received[0]!.body as { blocks: { text?: { text: string } }[] }).blocks[1]!.text!.text).toBe(
      `Lead ${lead.leadId}: [] [] [] []`,
    );
  });
});
