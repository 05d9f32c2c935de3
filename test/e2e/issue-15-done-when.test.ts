import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonWithKey } from '../../src/app/access/people.use-case.ts';
import { defaultCrmClient } from '../../src/app/crm/crm-client.ts';
import { CrmWritebackWorker } from '../../src/app/crm/crm-writeback-worker.ts';
import { smtpMailSender } from '../../src/app/notifications/mail-sender.ts';
import { NotificationWorker } from '../../src/app/notifications/notification-worker.ts';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth } from '../http/service-harness.ts';
import { slackErrors, startChatServer, type ChatServer } from '../notifications/chat-webhook-server.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startCrmApiServer, type CrmApiServer } from '../support/crm-api-server.ts';
import { bodyOf, headers, startSmtp, stopSmtp } from '../support/smtp-server.ts';

/**
 * Issue 15 "Done when", one story over HTTP on SQLite and PostgreSQL: a prospect fills the ISA form (signed form
 * token); the lead is assigned and the prospect is sent (303) to the rep's booking page; the rep gets an e-mail
 * (a real SMTP server) and a Slack message (a receiver that refuses invalid Block Kit); the HubSpot stand-in, which
 * validates every request against HubSpot's OpenAPI description, receives the owner update; nobody works the lead,
 * so the SLA ladder runs to its end (warning → miss and re-route ×2 → escalation → parked) with its notifications;
 * and the lead's story over HTTP holds every step in order.
 */

const CONSOLE = 'https://remit.northbridge.example';
const FROM = 'Remit <remit@northbridge.example>';
const FORM = 'isa-with-booking';
const FORM_SECRET = 'e2e-form-secret-0123456789abcdef';
const ORIGIN = 'https://www.example-bank.co.uk';
const HUBSPOT = { clientId: 'hs-client-e2e', clientSecret: 'hs-secret-e2e' };
const SECRETS: Record<string, string> = { HS_CLIENT_ID: HUBSPOT.clientId, HS_CLIENT_SECRET: HUBSPOT.clientSecret };
const OPS = 'ops@northbridge.example';
const COMPLIANCE = 'compliance@northbridge.example';
const teamLead = (teamId: string) => `${teamId}-lead@northbridge.example`;
const booking = (repId: string) => `https://cal.com/${repId}/intro?name={name}&email={email}&lead={leadId}`;
const hubspotOwner = (i: number) => String(77001 + i);
const CONTACT_ID = '90210';
const AMELIA = 'amelia.hughes@northbridge.example';
const PROSPECT = { first: 'Zoë', last: 'Øster', email: 'zoe.oster@example.co.uk', phone: '020 7946 1234' };
/** Every rep's address (the example leaves some reps without one: here each rep can be told). */
const email = (repId: string) => `${repId.replace('-', '.')}@northbridge.example`;

type Json = Record<string, any>;

/**
 * The example bank with what a firm sets up for this: a copy of the ISA form protected by a signed token that also
 * carries the HubSpot contact id of an identified visitor (hidden field → custom.hubspotContactId, the field the
 * write-back reads); a booking link on every rep; team leads; a HubSpot write-back for web-form leads mapping every
 * rep to a HubSpot owner; and a short SLA ladder: warn 5 min before, re-route twice, escalate once, then park.
 */
const configure =
  (crmUrl: string) =>
  (config: Json): Json => {
    const forms = config.sources.forms as Json[];
    const { keyEnv: _key, ...isa } = forms.find((f) => f.id === 'uk-isa-enquiry')!;
    const form = {
      ...isa,
      id: FORM,
      signedToken: { secretEnv: 'REMIT_E2E_FORM_SECRET', ttlSeconds: 600 },
      fields: { ...isa.fields, 'custom.hubspotContactId': 'hs_contact_id' },
    };
    const reps: Json[] = (config.reps as Json[]).map((r) => ({ email: email(String(r.id)), ...r, bookingUrl: booking(String(r.id)) }));
    return {
      ...config,
      reps,
      teams: (config.teams as Json[]).map((t) => ({ ...t, leadEmails: [teamLead(String(t.id))] })),
      sources: { ...config.sources, forms: [...forms, form] },
      sla: { warnBeforeMinutes: 5, escalateAfterMisses: 3, escalateTo: 'ops' },
      crmWriteBack: [
        {
          id: 'hubspot-main',
          kind: 'hubspot',
          leadSource: 'web_form',
          recordIdField: 'hubspotContactId',
          baseUrl: crmUrl,
          auth: { kind: 'client_credentials', clientIdEnv: 'HS_CLIENT_ID', clientSecretEnv: 'HS_CLIENT_SECRET' },
          owners: Object.fromEntries(reps.map((r, i) => [r.id, hubspotOwner(i)])),
          statuses: { ASSIGNED: 'IN_PROGRESS' },
          fields: { decisionId: 'remit_decision_id', storyUrl: 'remit_story_url' },
        },
      ],
    };
  };

let s: AuditService | undefined;
let smtp: SMTPServer | undefined;
let crm: CrmApiServer | undefined;
let slack: ChatServer | undefined;
afterEach(async () => {
  await s?.close();
  if (smtp) await stopSmtp(smtp);
  await crm?.close();
  await slack?.close();
  [s, smtp, crm, slack] = [undefined, undefined, undefined, undefined];
});

const dialects = await bothDialects();

describe.each(dialects)('issue 15 done when: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('form → booking page; e-mail and Slack to the rep; HubSpot owner update; the SLA ladder to its end; all in the story', async () => {
    process.env.REMIT_E2E_FORM_SECRET = FORM_SECRET;
    crm = await startCrmApiServer('hubspot', HUBSPOT);
    slack = await startChatServer(slackErrors);
    const mail = await startSmtp();
    smtp = mail.server;
    s = await startAuditService(factory, {
      notify: ['email', 'slack', 'inbox'],
      webhookAllow: ['127.0.0.1'],
      crmConsoleUrl: CONSOLE,
      configure: configure(crm.url),
    });
    const svc = s;
    for (const [role, address] of [
      ['ops', OPS],
      ['compliance', COMPLIANCE],
    ] as const) {
      const made = await createPersonWithKey(svc.ctx, { userId: 'test' }, { name: `${role} person`, role, repId: null, email: address });
      if (!made.ok) throw new Error(JSON.stringify(made.error));
    }

    // The rep's own Slack incoming webhook, set by the rep (their person) over HTTP before the lead arrives. A personal
    // webhook rather than an org chat route: the assignment and the SLA nudges are addressed to one rep, a team channel
    // would tell everyone (and keep telling them after a re-route); org routes suit ops/compliance events.
    const ownSlack = slack.url('/services/T0NB/B0AH/amelia-own');
    const preferences = { slack: { webhookUrl: ownSlack } };
    const put = await svc.app.inject({ method: 'PUT', url: '/v1/me/notifications', headers: auth(svc.tokens.rep), payload: preferences });
    expect(put.statusCode, put.body).toBe(200);

    // 1. The prospect fills the form and is sent to the assigned rep's booking page.
    const ip = '198.51.100.7';
    const issued = await svc.app.inject({ method: 'GET', url: `/v1/forms/${FORM}/token`, remoteAddress: ip });
    expect(issued.statusCode, issued.body).toBe(200);
    const posted = await svc.app.inject({
      method: 'POST',
      url: `/v1/forms/${FORM}`,
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      payload: new URLSearchParams({
        first_name: PROSPECT.first,
        last_name: PROSPECT.last,
        email: PROSPECT.email,
        phone: PROSPECT.phone,
        zip: 'SW1A 2AA',
        marketing_consent: 'on',
        hs_contact_id: CONTACT_ID,
        _form_token: issued.json().token,
      }).toString(),
    });
    expect(posted.statusCode, posted.body).toBe(303);
    const [decision] = await svc.h.store.decisions.listForLead(new URL(String(posted.headers.location)).searchParams.get('lead')!);
    const { leadId, repId } = decision!;
    expect(decision).toMatchObject({ outcome: 'ASSIGNED', repId: 'amelia-hughes', teamId: 'uk-everyday' });
    const lead = (await svc.app.inject({ method: 'GET', url: `/v1/leads/${leadId}`, headers: auth(svc.tokens.compliance) })).json();
    expect(lead).toMatchObject({ status: 'ASSIGNED', repId });
    // The rep's template, filled with the lead's data (consent given: name and e-mail prefilled), encoded.
    expect(posted.headers.location).toBe(
      `https://cal.com/amelia-hughes/intro?name=Zo%C3%AB%20%C3%98ster&email=zoe.oster%40example.co.uk&lead=${leadId}`,
    );

    // 2. The rep gets an e-mail (real SMTP) and a Slack message (Block Kit validated by the receiver).
    const notifications = new NotificationWorker(svc.ctx, smtpMailSender(`smtp://127.0.0.1:${mail.port}`, FROM), {
      consoleUrl: CONSOLE,
    });
    const deliver = async () => {
      const before = mail.received.length;
      while ((await notifications.tick()) > 0);
      return mail.received
        .slice(before)
        .flatMap((m) => m.to.map((to) => `${to}: ${headers(m.raw).subject}`))
        .sort();
    };
    expect(await deliver()).toEqual([`${AMELIA}: New lead assigned to you: ${leadId}`]);
    const assigned = mail.received[0]!;
    expect(headers(assigned.raw).to).toBe(AMELIA);
    const link = `${CONSOLE}/leads/${leadId}`;
    expect(bodyOf(assigned.raw)).toContain(link);
    const noProspectData = (text: string) => {
      for (const personal of ['Zo', 'ster', 'zoe.oster', 'example.co.uk', '2079461234', '7946 ', 'SW1A'])
        expect(text).not.toContain(personal);
    };
    noProspectData(assigned.raw);
    expect(slack.rejected).toEqual([]);
    expect(slack.received.map((r) => r.path)).toEqual(['/services/T0NB/B0AH/amelia-own']);
    expect(JSON.stringify(slack.received[0]!.body)).toContain(link);
    noProspectData(JSON.stringify(slack.received[0]!.body));

    // 3. HubSpot receives a valid owner update for the contact the form carried.
    const crmWorker = new CrmWritebackWorker(
      svc.ctx,
      defaultCrmClient(svc.clock.now, (n) => SECRETS[n]),
      { baseDelayMs: 1_000 },
    );
    const writeBack = async () => {
      while ((await crmWorker.tick()) > 0);
    };
    await writeBack();
    expect(crm.invalid).toEqual([]);
    expect(crm.received.map((r) => r.operation)).toEqual(['POST /oauth/v1/token', 'PATCH /crm/v3/objects/contacts/{contactId}']);
    const ownerOf = (rep: string) => hubspotOwner(svc.ctx.orgs.current.config.reps.findIndex((r) => r.id === rep));
    expect(crm.updates()[0]).toMatchObject({
      path: `/crm/v3/objects/contacts/${CONTACT_ID}`,
      body: {
        properties: {
          hubspot_owner_id: ownerOf('amelia-hughes'),
          hs_lead_status: 'IN_PROGRESS',
          remit_decision_id: decision!.decisionId,
          remit_story_url: link,
        },
      },
    });

    // 4. Nobody works the lead: the SLA ladder runs to its end (15-minute acceptance, warning 5 minutes before).
    const sla = new SlaWorker(svc.ctx, { name: 'sla-e2e' });
    const at = async (time: string) => {
      svc.clock.ms = Date.parse(`2026-11-24T${time}Z`);
      const fired = (await sla.tick()).map((o) => `${o.outcome} ${'repId' in o ? o.repId : 'fromRep' in o ? o.fromRep : ''}`);
      const mails = await deliver();
      await writeBack();
      return { fired, mails };
    };
    const warned = (rep: string, lead: string) => [
      `${email(rep)}: SLA deadline in 5 min: ${leadId}`,
      `${teamLead(lead)}: SLA deadline in 5 min: ${leadId}`,
    ];
    const missed = (rep: string, lead: string) => [`${email(rep)}: SLA missed: ${leadId}`, `${teamLead(lead)}: SLA missed: ${leadId}`];
    // A re-route is a new assignment for the rep who gets the lead: they are told at once, not only by the next warning.
    const rerouted = (rep: string, lead: string, to: string) => [...missed(rep, lead), `${email(to)}: Lead reassigned to you: ${leadId}`];
    expect(await at('11:09:59')).toEqual({ fired: [], mails: [] });
    expect(await at('11:10:00')).toEqual({ fired: ['warned amelia-hughes'], mails: warned('amelia-hughes', 'uk-everyday').sort() });
    expect(await at('11:15:00')).toEqual({
      fired: ['missed amelia-hughes'],
      mails: rerouted('amelia-hughes', 'uk-everyday', 'priya-shah').sort(),
    });
    expect(await at('11:25:00')).toEqual({ fired: ['warned priya-shah'], mails: warned('priya-shah', 'uk-everyday').sort() });
    expect(await at('11:30:00')).toEqual({
      fired: ['missed priya-shah'],
      mails: rerouted('priya-shah', 'uk-everyday', 'oliver-bennett').sort(),
    });
    expect(await at('11:40:00')).toEqual({ fired: ['warned oliver-bennett'], mails: warned('oliver-bennett', 'uk-everyday').sort() });
    // The third miss escalates (to ops and the leads of the team whose reps missed) and re-routes to another team.
    expect(await at('11:45:00')).toEqual({
      fired: ['missed oliver-bennett'],
      mails: [
        ...rerouted('oliver-bennett', 'uk-everyday', 'charlotte-evans'),
        `${OPS}: Lead escalated: ${leadId}`,
        `${teamLead('uk-everyday')}: Lead escalated: ${leadId}`,
      ].sort(),
    });
    expect(await at('11:55:00')).toEqual({ fired: ['warned charlotte-evans'], mails: warned('charlotte-evans', 'uk-wealth').sort() });
    // The fourth miss parks the lead for review: ops and compliance are told; every timer stops.
    expect(await at('12:00:00')).toEqual({
      fired: ['missed charlotte-evans'],
      mails: [
        ...missed('charlotte-evans', 'uk-wealth'),
        `${COMPLIANCE}: SLA ladder exhausted, lead parked for review: ${leadId}`,
        `${OPS}: SLA ladder exhausted, lead parked for review: ${leadId}`,
      ].sort(),
    });
    expect(await at('16:00:00')).toEqual({ fired: [], mails: [] });
    // No message carries the prospect's details (no config allows it).
    for (const m of mail.received) noProspectData(m.raw);
    // Slack: the rep heard the assignment, the warning and the miss on their own webhook; every payload valid.
    expect(slack.rejected).toEqual([]);
    expect(slack.received.map((r) => (r.body as Json).text)).toEqual([
      `New lead assigned to you: ${leadId}`,
      `SLA deadline in 5 min: ${leadId}`,
      `SLA missed: ${leadId}`,
    ]);
    for (const r of slack.received) expect(r.path).toBe('/services/T0NB/B0AH/amelia-own');
    // HubSpot follows the owner through every re-route, and keeps the last one when the lead is parked.
    expect(crm.invalid).toEqual([]);
    expect(crm.updates().map((u) => (u.body as Json).properties.hubspot_owner_id)).toEqual(
      ['amelia-hughes', 'priya-shah', 'oliver-bennett', 'charlotte-evans', 'charlotte-evans'].map(ownerOf),
    );

    // 5. Every step is in the lead's story, in order, read over HTTP from the sealed, verified audit log.
    await svc.seal();
    const story = await svc.app.inject({ method: 'GET', url: `/v1/leads/${leadId}/story`, headers: auth(svc.tokens.compliance) });
    expect(story.statusCode, story.body).toBe(200);
    expect(story.json().integrity).toMatchObject({ verified: true, problems: [] });
    const steps = (story.json().entries as { kind: string; payload: Json }[]).map((e) => e.payload.action ?? e.kind);
    const reroute = ['sla.warned', 'sla.missed', 'decision', 'reroute'];
    expect(steps).toEqual([
      ...['intake', 'account_match', 'screening', 'dedupe', 'decision', 'booking.offered', 'crm.written'],
      ...[...reroute, 'crm.written'],
      ...[...reroute, 'crm.written'],
      ...[...reroute, 'sla.escalated', 'crm.written'],
      ...['sla.warned', 'sla.missed', 'sla.parked', 'crm.written'],
    ]);
  });
});
