import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonWithKey } from '../../src/app/access/people.use-case.ts';
import { AUDIT_WATCH, LISTS_WATCH, OVERLOAD_WATCH } from '../../src/app/notifications/condition-watches.ts';
import { announceExpiringGrants, EXPIRY_JOB } from '../../src/app/notifications/expiring-grants.use-case.ts';
import { smtpMailSender } from '../../src/app/notifications/mail-sender.ts';
import { NotificationJobs } from '../../src/app/notifications/notification-jobs.ts';
import { NotificationWorker } from '../../src/app/notifications/notification-worker.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { dropImmutability, startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth, postUkLead } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { remit } from '../support/remit-cli.ts';
import { bodyOf, headers, startSmtp, stopSmtp, type Received } from '../support/smtp-server.ts';

/**
 * Issue 15 part 3, the events people must hear about, end to end on SQLite and PostgreSQL: each producer emits its
 * outbox event in the transaction of the fact (a catch-all webhook subscription counts them), exactly once across
 * passes, restarts and two instances, and the notification worker delivers it to a real SMTP server (smtp-server)
 * at the right addresses. A rolled-back change emits nothing.
 */

const FROM = 'Remit <remit@northbridge.example>';
const CONSOLE = 'https://remit.northbridge.example';
const TEAM_LEAD = 'uk-lead@northbridge.example';
const MANAGER = 'uk-manager@northbridge.example';
const PEOPLE = { ops: 'ops@northbridge.example', compliance: 'compliance@northbridge.example', admin: 'admin@northbridge.example' };
const AMELIA = 'amelia.hughes@northbridge.example';

type Config = Record<string, any>;

/** The example org, with team leads, a manager, and whatever a test adds. */
const withContacts =
  (more: (c: Config) => void = () => {}) =>
  (config: Record<string, unknown>): Record<string, unknown> => {
    const c = config as Config;
    c.teams = c.teams.map((t: Config) => (t.id === 'uk-everyday' ? { ...t, leadEmails: [TEAM_LEAD] } : t));
    c.reps = c.reps.map((r: Config) => (r.id === 'amelia-hughes' ? { ...r, managerEmail: MANAGER } : r));
    more(c);
    return c;
  };

let s: AuditService | undefined;
let smtp: SMTPServer | undefined;
const extraStores: Store[] = [];
afterEach(async () => {
  for (const st of extraStores.splice(0)) await st.close();
  await s?.close();
  if (smtp) await stopSmtp(smtp);
  s = undefined;
  smtp = undefined;
});

interface Harness {
  readonly svc: AuditService;
  readonly received: Received[];
  /** Sends every due notification; returns the messages that arrived in this call, as event subject → sorted recipients. */
  deliver(): Promise<Record<string, string[]>>;
  /** Outbox events of a type (through the catch-all webhook subscription): their data. */
  events(type: string): Promise<Record<string, any>[]>;
}

async function start(factory: Parameters<typeof startAuditService>[0], configure: ReturnType<typeof withContacts>): Promise<Harness> {
  const svc = await startAuditService(factory, { notify: true, configure });
  s = svc;
  const mail = await startSmtp();
  smtp = mail.server;
  for (const [role, email] of Object.entries(PEOPLE) as [keyof typeof PEOPLE, string][]) {
    const made = await createPersonWithKey(svc.ctx, { userId: 'test' }, { name: `${role} person`, role, repId: null, email });
    if (!made.ok) throw new Error(JSON.stringify(made.error));
  }
  await svc.h.store.outbox.upsertSubscription({
    id: 'sub-all',
    url: 'http://127.0.0.1:9/hook',
    secret: 'test-secret-0123456789',
    events: ['*'],
    active: true,
    createdAt: new Date(svc.clock.ms).toISOString(),
  });
  const worker = new NotificationWorker(svc.ctx, smtpMailSender(`smtp://127.0.0.1:${mail.port}`, FROM), { consoleUrl: CONSOLE });
  return {
    svc,
    received: mail.received,
    async deliver() {
      const before = mail.received.length;
      while ((await worker.tick()) > 0);
      const out: Record<string, string[]> = {};
      for (const m of mail.received.slice(before)) {
        const subject = headers(m.raw).subject!;
        out[subject] = [...(out[subject] ?? []), ...m.to].sort();
      }
      return out;
    },
    async events(type) {
      const all = await svc.h.store.outbox.listDeliveries({ limit: 1000 });
      return all.filter((d) => d.eventType === type).map((d) => JSON.parse(d.payloadJson).data as Record<string, any>);
    },
  };
}

const ingest = (svc: AuditService, person: Record<string, string>) => postUkLead(svc.app, svc.tokens.integration, person);

const ANN = { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' };
const BO = { firstName: 'Bo', lastName: 'Ng', email: 'bo.ng@example.co.uk', phone: '+44 20 7946 0999' };

/** A second instance: its own connection to the same database, the same org and planner. */
async function secondInstance(svc: AuditService): Promise<ServiceContext> {
  const store = await openStore({ url: svc.cliUrl });
  extraStores.push(store);
  return { ...svc.ctx, store };
}

const dialects = await bothDialects();

describe.each(dialects)('events people must hear about: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('SLA warning: fires once before the deadline to the rep and their team lead; a lead accepted in time gets none', async () => {
    const t = await start(
      factory,
      withContacts((c) => (c.sla = { warnBeforeMinutes: 5 })),
    );
    const { svc } = t;
    const lead = await ingest(svc, ANN); // 11:00 London, accept within 15 working minutes
    const other = await ingest(svc, BO);
    expect([lead.decision?.rep?.id, other.decision?.rep?.id]).toEqual(['amelia-hughes', 'priya-shah']);
    const ops = svc.tokens.ops;
    const accepted = await svc.app.inject({
      method: 'POST',
      url: `/v1/leads/${other.leadId}/transitions`,
      headers: auth(ops),
      payload: { to: 'ACCEPTED' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().slaTimersStopped).toBe(2); // the acceptance deadline and its warning
    await t.deliver(); // the two assignment e-mails
    const worker = new SlaWorker(svc.ctx, { name: 'sla-a' });
    svc.clock.ms = Date.parse('2026-11-24T11:09:59Z');
    expect(await worker.tick()).toEqual([]);
    svc.clock.ms = Date.parse('2026-11-24T11:10:00Z');
    // A warning whose transaction rolls back (the planner fails in it) emits nothing, and the timer stays due.
    const failing = new SlaWorker({ ...svc.ctx, notify: () => Promise.reject(new Error('planner down')) }, { name: 'sla-x' });
    await expect(failing.tick()).rejects.toThrow('planner down');
    expect(await t.events('lead.sla_warning')).toEqual([]);
    // Two instances, each with its own connection, race for the due warning: it fires once.
    const rival = new SlaWorker(await secondInstance(svc), { name: 'sla-b' });
    const fired = (await Promise.all([worker.tick(), rival.tick()])).flat();
    expect(fired).toMatchObject([{ outcome: 'warned', leadId: lead.leadId, repId: 'amelia-hughes', deadline: 'accept' }]);
    // A restarted worker finds nothing more to warn about.
    expect(await new SlaWorker(svc.ctx, { name: 'sla-c' }).tick()).toEqual([]);
    expect(await t.events('lead.sla_warning')).toEqual([
      {
        leadId: lead.leadId,
        deadline: 'accept',
        repId: 'amelia-hughes',
        teamId: 'uk-everyday',
        dueAt: '2026-11-24T11:15:00.000Z',
        minutesLeft: 5,
      },
    ]);
    expect(await t.deliver()).toEqual({ [`SLA deadline in 5 min: ${lead.leadId}`]: [AMELIA, TEAM_LEAD] });
    const msg = t.received.at(-1)!;
    expect(bodyOf(msg.raw)).toContain(`${CONSOLE}/leads/${lead.leadId}`);
    for (const personal of ['Ann', ANN.email, '2079460018', '7946 ']) expect(bodyOf(msg.raw)).not.toContain(personal);
    // A warning is not a miss: the deadline still fires as the first miss of the ladder.
    svc.clock.ms = Date.parse('2026-11-24T11:15:00Z');
    expect(await worker.tick()).toMatchObject([{ outcome: 'missed', attempt: 1, fromRep: 'amelia-hughes' }]);
    const story = await svc.app.inject({ method: 'GET', url: `/v1/leads/${lead.leadId}`, headers: auth(ops) });
    expect(story.body).toContain('sla.warned');
  });

  it('SLA breach → rep and team lead; escalation → team lead and ops; exhausted → ops and compliance; each once', async () => {
    const t = await start(
      factory,
      withContacts((c) => {
        c.teams = c.teams.map((team: Config) => (team.id === 'uk-everyday' ? { ...team, leadEmails: [TEAM_LEAD, PEOPLE.ops] } : team));
        c.sla = { warnBeforeMinutes: 5 }; // the worker only looks at the deadlines: every warning is too late
      }),
    );
    const { svc } = t;
    const lead = await ingest(svc, ANN);
    await t.deliver();
    const worker = new SlaWorker(svc.ctx, { name: 'sla-a' });
    const missed: string[] = [];
    for (const at of ['11:15', '11:30', '11:45']) {
      svc.clock.ms = Date.parse(`2026-11-24T${at}:00Z`);
      const outcomes = await worker.tick();
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['missed', 'stale']);
      missed.push((outcomes.find((o) => o.outcome === 'missed') as { fromRep: string }).fromRep);
    }
    expect(missed[0]).toBe('amelia-hughes');
    const breaches = await t.events('lead.sla_breached');
    expect(breaches.map((b) => [b.leadId, b.repId, b.attempt, b.reasonCode])).toEqual(
      missed.map((rep, i) => [lead.leadId, rep, i + 1, 'SLA_ACCEPT_MISSED']),
    );
    expect(await t.events('lead.sla_warning')).toEqual([]); // a warning after its deadline is dropped, not sent
    expect(await t.events('lead.escalated')).toMatchObject([{ leadId: lead.leadId, attempt: 2, escalateTo: 'ops' }]);
    expect(await t.events('lead.sla_exhausted')).toMatchObject([{ leadId: lead.leadId, attempt: 3 }]);
    const mails = await t.deliver();
    // Every UK rep who missed is on the uk-everyday team: the team lead hears each breach with the rep.
    const repEmail = (id: string) => `${id.replace('-', '.')}@northbridge.example`;
    expect(mails[`SLA missed: ${lead.leadId}`]).toEqual(
      [...missed.map(repEmail), TEAM_LEAD, TEAM_LEAD, TEAM_LEAD, PEOPLE.ops, PEOPLE.ops, PEOPLE.ops].sort(),
    );
    // The team lead who is also an ops person is one address: one message.
    expect(mails[`Lead escalated: ${lead.leadId}`]).toEqual([PEOPLE.ops, TEAM_LEAD]);
    expect(mails[`SLA ladder exhausted, lead parked for review: ${lead.leadId}`]).toEqual([PEOPLE.compliance, PEOPLE.ops]);
    expect(await worker.tick()).toEqual([]);
    expect(await t.deliver()).toEqual({});
  });

  it('a duplicate of an owned lead tells the owner rep (and nobody else)', async () => {
    const t = await start(factory, withContacts());
    const original = await ingest(t.svc, ANN);
    await t.deliver();
    const dup = await ingest(t.svc, ANN);
    expect(dup).toMatchObject({ status: 'DUPLICATE', duplicateOf: original.leadId });
    expect(await t.events('lead.duplicate')).toMatchObject([
      { leadId: dup.leadId, duplicateOf: original.leadId, ownerRep: 'amelia-hughes' },
    ]);
    expect(await t.deliver()).toEqual({ [`Your lead came in again: ${original.leadId}`]: [AMELIA] });
  });

  it('licence.expiring: once per org-local day across instances and restarts; rep, manager and compliance; firm → compliance', async () => {
    const t = await start(
      factory,
      withContacts((c) => {
        c.notifications = { expiryHorizonDays: 14, timeZone: 'Europe/London' };
        c.licences = c.licences.map((l: Config) =>
          l.id === 'fca-cert-amelia-hughes'
            ? { ...l, validTo: '2026-12-04' }
            : l.id === c.licences.find((x: Config) => x.holder.kind === 'firm').id
              ? { ...l, validTo: '2026-12-01' }
              : l,
        );
        c.appointments = [...c.appointments];
      }),
    );
    const { svc } = t;
    const firm = svc.ctx.orgs.current.config.licences.find((l) => l.holder.kind === 'firm')!;
    // A rolled-back run (the planner fails inside its transaction) emits nothing and leaves the day free.
    const failing: ServiceContext = {
      ...svc.ctx,
      notify: async () => {
        throw new Error('planner down');
      },
    };
    await expect(announceExpiringGrants(failing, { by: 'failing' })).rejects.toThrow('planner down');
    expect(await t.events('licence.expiring')).toEqual([]);
    expect(await svc.h.store.notificationRuns.getRun(EXPIRY_JOB, '2026-11-24')).toBeUndefined();
    // Two instances race for the day: exactly one announces.
    const other = await secondInstance(svc);
    const runs = await Promise.all([
      announceExpiringGrants(svc.ctx, { by: 'instance-a' }),
      announceExpiringGrants(other, { by: 'instance-b' }),
    ]);
    expect(runs.map((r) => r.kind).sort()).toEqual(['already_run', 'announced']);
    expect(await t.events('licence.expiring')).toEqual([
      expect.objectContaining({
        grantId: firm.id,
        kind: 'firm-licence',
        repId: null,
        validTo: '2026-12-01',
        daysLeft: 8,
        day: '2026-11-24',
      }),
      expect.objectContaining({ grantId: 'fca-cert-amelia-hughes', kind: 'rep-licence', repId: 'amelia-hughes', daysLeft: 11 }),
    ]);
    // A restarted service (new jobs, fresh memory) the same day: nothing more.
    expect(await new NotificationJobs(svc.ctx, { watches: [] }).tick()).toEqual({});
    const mails = await t.deliver();
    expect(mails[`Firm licence (${firm.regulator}) ${firm.id} expires in 8 days`]).toEqual([PEOPLE.compliance]);
    expect(mails['Licence (FCA) fca-cert-amelia-hughes expires in 11 days']).toEqual([AMELIA, PEOPLE.compliance, MANAGER].sort());
    // The next org-local day is a new run (still both grants within the horizon).
    svc.clock.advance(24 * 3_600_000);
    expect(await new NotificationJobs(svc.ctx, { watches: [] }).tick()).toEqual({ 'licence.expiring': 2 });
    expect((await t.events('licence.expiring')).map((e) => e.daysLeft)).toEqual([8, 11, 7, 10]);
  });

  it('roster.overloaded: edge-triggered to ops, once across passes and instances, again after it cleared', async () => {
    const t = await start(
      factory,
      withContacts((c) => (c.roster = { overload: { repShareOver: 0.6, minLeads: 1 } })),
    );
    const { svc } = t;
    await ingest(svc, ANN); // amelia: 1 of 1 today
    await t.deliver();
    // A pass whose transaction rolls back announces nothing and raises nothing: the next pass announces it.
    await new NotificationJobs(
      { ...svc.ctx, notify: () => Promise.reject(new Error('planner down')) },
      { watches: [OVERLOAD_WATCH] },
    ).tick();
    expect(await t.events('roster.overloaded')).toEqual([]);
    expect(await svc.h.store.notificationRuns.raised('roster.overloaded:')).toEqual([]);
    const a = new NotificationJobs(svc.ctx, { watches: [OVERLOAD_WATCH] });
    const b = new NotificationJobs(await secondInstance(svc), { watches: [OVERLOAD_WATCH] });
    const passes = await Promise.all([a.tick(), b.tick()]);
    expect(passes.map((p) => p['roster.overloaded']).sort()).toEqual([0, 1]);
    expect(await t.events('roster.overloaded')).toEqual([
      {
        scope: 'rep',
        id: 'amelia-hughes',
        repId: 'amelia-hughes',
        teamId: 'uk-everyday',
        code: 'REP_OVERLOADED',
        leads: 1,
        total: 1,
        share: 1,
        threshold: 0.6,
      },
    ]);
    expect(await t.deliver()).toEqual({ 'Overloaded: rep amelia-hughes': [PEOPLE.ops] });
    svc.clock.advance(60_000);
    expect(await a.tick()).toEqual({ 'roster.overloaded': 0 });
    // A second lead goes to priya: 1 of 2 each, not over 0.6 — cleared; the next day's first lead raises it again.
    expect((await ingest(svc, BO)).decision?.rep?.id).toBe('priya-shah');
    svc.clock.advance(60_000);
    expect((await a.tick())['roster.overloaded']).toBe(0);
    expect(await svc.h.store.notificationRuns.raised('roster.overloaded:')).toEqual([]);
    svc.clock.advance(24 * 3_600_000);
    const next = await ingest(svc, { firstName: 'Cy', lastName: 'Oh', email: 'cy.oh@example.co.uk', phone: '+44 20 7946 0555' });
    expect((await a.tick())['roster.overloaded']).toBe(1);
    expect((await t.events('roster.overloaded')).at(-1)).toMatchObject({ id: next.decision!.rep!.id, leads: 1, total: 1 });
    expect(await t.events('roster.overloaded')).toHaveLength(2);
  });

  it('screening.lists_stale: a list not loaded and a list older than its maxAgeDays, to compliance, each once', async () => {
    const t = await start(factory, withContacts());
    const { svc } = t;
    const loaded = svc.ctx.screening!.versions().map((v) => v.listId);
    const catalogue = new ListSourceCatalogue([
      { id: loaded[0]!, format: 'blocklist-csv', path: '/unused', maxAgeDays: 30 },
      { id: 'un-consolidated', format: 'un-xml', path: '/unused' },
    ]);
    const ctx: ServiceContext = { ...svc.ctx, listSources: catalogue };
    const jobs = new NotificationJobs(ctx, { watches: [LISTS_WATCH] });
    expect((await jobs.tick())['screening.lists_stale']).toBe(1);
    expect(await t.events('screening.lists_stale')).toEqual([{ condition: 'not_loaded', list: 'un-consolidated' }]);
    svc.clock.advance(400 * 86_400_000); // the loaded list is now far older than 30 days
    expect((await jobs.tick())['screening.lists_stale']).toBe(1);
    expect((await jobs.tick())['screening.lists_stale']).toBeUndefined(); // not due again within the minute
    svc.clock.advance(60_000);
    expect((await jobs.tick())['screening.lists_stale']).toBe(0);
    expect((await t.events('screening.lists_stale')).map((e) => [e.list, e.condition])).toEqual([
      ['un-consolidated', 'not_loaded'],
      [loaded[0], 'stale'],
    ]);
    expect(await t.deliver()).toEqual({
      'Screening list un-consolidated: not_loaded': [PEOPLE.compliance],
      [`Screening list ${loaded[0]}: stale`]: [PEOPLE.compliance],
    });
  });

  it('audit.verify_failed: a tampered chain tells the admins once, with the first broken sequence', async () => {
    const t = await start(factory, withContacts());
    const { svc } = t;
    await ingest(svc, ANN);
    expect(await svc.seal()).toBeGreaterThan(2);
    const jobs = new NotificationJobs(svc.ctx, { watches: [AUDIT_WATCH] });
    expect((await jobs.tick())['audit.verify_failed']).toBe(0);
    await dropImmutability(svc.h, 'audit_log');
    await svc.h.rawExec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
    svc.clock.advance(3_600_000);
    expect((await jobs.tick())['audit.verify_failed']).toBe(1);
    svc.clock.advance(3_600_000);
    expect((await new NotificationJobs(svc.ctx, { watches: [AUDIT_WATCH] }).tick())['audit.verify_failed']).toBe(0);
    expect(await t.events('audit.verify_failed')).toMatchObject([{ firstBrokenSeq: 2 }]);
    const mails = await t.deliver();
    expect(mails['Audit chain verification failed at sequence 2']).toEqual([PEOPLE.admin]);
  });

  it('remit notify expiring (cron): takes the day for every instance, queues the e-mails; a bad --at is a field error', async () => {
    const t = await start(
      factory,
      withContacts((c) => {
        c.licences = c.licences.map((l: Config) => (l.id === 'fca-cert-amelia-hughes' ? { ...l, validTo: '2026-12-04' } : l));
      }),
    );
    const { svc } = t;
    const bad = await remit('notify', 'expiring', '--db', svc.cliUrl, '--at', 'yesterday');
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--at');
    const mailEnv = { REMIT_SMTP_URL: 'smtp://127.0.0.1:1', REMIT_MAIL_FROM: FROM, REMIT_CONSOLE_URL: CONSOLE };
    Object.assign(process.env, mailEnv);
    try {
      const cron = await remit('notify', 'expiring', '--db', svc.cliUrl, '--at', '2026-11-24T06:00:00Z');
      expect(cron.code, cron.stderr).toBe(0);
      expect(JSON.parse(cron.stdout)).toEqual({ kind: 'announced', day: '2026-11-24', events: 1, horizonDays: 30 });
      const again = await remit('notify', 'expiring', '--db', svc.cliUrl, '--at', '2026-11-24T23:00:00Z');
      expect(JSON.parse(again.stdout)).toEqual({ kind: 'already_run', day: '2026-11-24' });
    } finally {
      for (const k of Object.keys(mailEnv)) delete process.env[k];
    }
    // The service's own pass the same day finds the run taken.
    expect(await new NotificationJobs(svc.ctx, { watches: [] }).tick()).toEqual({});
    expect(await t.events('licence.expiring')).toMatchObject([{ grantId: 'fca-cert-amelia-hughes', daysLeft: 11 }]);
    svc.clock.ms = Date.now() + 1_000; // the CLI queued them when it ran (the real clock), as of --at
    expect(await t.deliver()).toEqual({
      'Licence (FCA) fca-cert-amelia-hughes expires in 11 days': [AMELIA, PEOPLE.compliance, MANAGER].sort(),
    });
  });

  it('a job that fails is logged and counted under its own name; the other jobs still run', async () => {
    const t = await start(factory, withContacts());
    const { svc } = t;
    const broken = await openStore({ url: svc.cliUrl });
    await broken.close();
    const jobs = new NotificationJobs({ ...svc.ctx, store: broken }, { watches: [AUDIT_WATCH, LISTS_WATCH] });
    expect(await jobs.tick()).toEqual({});
    const failures = await svc.ctx.metrics.workerFailures.get();
    expect(failures.values.map((v) => [v.labels.worker, v.value]).sort()).toEqual([
      ['audit-watch', 1],
      ['licence-expiry', 1],
      ['list-watch', 1],
    ]);
    expect(t.received).toEqual([]);
  });
});
