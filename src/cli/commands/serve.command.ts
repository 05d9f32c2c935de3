import type { Command } from 'commander';
import { bootstrapAdmin } from '../../app/access/people.use-case.ts';
import { createSignInLink } from '../../app/access/sign-in-links.use-case.ts';
import { CliFailure } from '../cli-io.ts';
import { chosenConfig, EXAMPLE_OPTION_HELP } from '../example-config.ts';
import { smtpMailSender } from '../../app/notifications/mail-sender.ts';
import { NotificationJobs } from '../../app/notifications/notification-jobs.ts';
import { NotificationWorker } from '../../app/notifications/notification-worker.ts';
import { defaultCrmClient } from '../../app/crm/crm-client.ts';
import { CrmWritebackWorker } from '../../app/crm/crm-writeback-worker.ts';
import { WebhookDispatcher } from '../../app/webhooks/webhook-dispatcher.ts';
import { RetentionWorker } from '../../app/privacy/retention-worker.ts';
import { SlaWorker } from '../../app/sla/sla-worker.ts';
import { AutoAwayWorker } from '../../app/routing/auto-away-worker.ts';
import { ConversionModelWorker } from '../../app/outcomes/conversion-model-worker.ts';
import { ReassignmentWorker } from '../../app/routing/reassignment-worker.ts';
import { RescreenRunner } from '../../app/screening/rescreen-runner.ts';
import { ListSyncWorker } from '../../app/screening/list-sync-worker.ts';
import { composeService, screeningStartWarnings } from '../compose-service.ts';
import { startableAuditSealer } from '../audit-sealer-runner.ts';
import { runtimeEnv, serveSettings, type RuntimeEnv } from '../runtime-config.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';

interface ServeOptions {
  config?: string;
  example?: string;
  port?: string;
  host?: string;
  db?: string;
  list?: string[];
  quiet?: boolean;
  init?: boolean;
  trustProxy?: string;
  webhookAllow?: string;
}

type Ctx = Parameters<typeof bootstrapAdmin>[0];

const TRUST_PROXY_HELP =
  'believe X-Forwarded-Proto/-For/-Host from: true, a hop count, or proxy addresses/CIDRs, comma-separated (default: ' +
  'REMIT_TRUST_PROXY, else nobody)';

/** First start (an empty store): one admin person with one key, shown once, so the operator can create the others (docs/access.md). */
/**
 * Workers started with their own intervals: the outbound workers of the outbox — notifications (docs/notifications.md;
 * inbox and chat always, e-mail with SMTP) and CRM write-back (docs/crm.md), idle unless the org in force has
 * crmWriteBack targets and a decision queued a row —, the scheduled and edge-triggered notification events, and delta
 * re-screening (docs/screening.md "Re-screen jobs": jobs queued by list reloads, approvals and this start), and the screening
 * lists following the versions in force with their scheduled checks (docs/screening.md "Versions in force on every instance").
 */
function selfTimedWorkers(ctx: ServiceContext, env: RuntimeEnv): readonly { start(): void; stop(): Promise<void> }[] {
  const mail = env.mail ? smtpMailSender(env.mail.smtpUrl, env.mail.from) : null;
  return [
    new NotificationWorker(ctx, mail, { consoleUrl: env.consoleUrl ?? '' }),
    new CrmWritebackWorker(ctx, defaultCrmClient(ctx.clock.now)),
    new NotificationJobs(ctx),
    new RescreenRunner(ctx),
    new ListSyncWorker(ctx, { intervalMs: env.listSyncMs }),
  ];
}

async function bootstrapFirstAdmin(ctx: Ctx): Promise<string | null> {
  if ((await ctx.store.users.list()).length > 0) return null;
  const first = await bootstrapAdmin(ctx, { name: 'Administrator', email: 'admin@remit.invalid', createdBy: 'remit serve' });
  if (!first.ok) throw new CliFailure(first.error.code, first.error.message);
  process.stdout.write(
    `\nFirst start: created the admin person ${first.value.person.id} and their API key (shown once, store it now):\n` +
      `  ${first.value.token}\n\n`,
  );
  return first.value.person.id;
}

/** First start: a one-time welcome link for the first admin, built from the address just bound (docs/access.md). */
async function printFirstSignInLink(ctx: Ctx, userId: string, address: string): Promise<void> {
  const link = await createSignInLink(ctx, 'remit serve', userId, { purpose: 'welcome', baseUrl: address });
  if (!link.ok) throw new CliFailure(link.error.code, link.error.message);
  process.stdout.write(
    `\nOr set the admin's password with this one-time sign-in link (valid 72 h, until ${link.value.expiresAt}):\n  ${link.value.url}\n\n`,
  );
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API (embedded SQLite under ./data by default; DATABASE_URL=postgres://… for PostgreSQL)')
    .option('--config <path>', 'org/rules config directory or file (default: the example bank org)')
    .option('--example <name>', EXAMPLE_OPTION_HELP)
    .option('--port <port>', 'port (default: PORT, else 8080)')
    .option('--host <host>', 'interface to listen on (default: HOST, else 127.0.0.1)')
    .option('--db <url>', 'store: postgres://…, sqlite:PATH or a file path (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option(
      '--list <spec>',
      'screening list ([type:]path), repeatable; replaces the sources of <config>/screening/lists.yaml',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--quiet', 'no request logs (worker failures and start-up lines are still logged)')
    .option('--init', 'create a new empty SQLite store even where its marker shows one existed and was lost (docs/storage.md)')
    .option('--trust-proxy <value>', TRUST_PROXY_HELP)
    .option(
      '--webhook-allow <list>',
      'webhook targets allowed although loopback/private/link-local: host names, addresses, CIDRs, comma-separated (default: ' +
        'REMIT_WEBHOOK_ALLOW)',
    )
    .action(async (opts: ServeOptions) => {
      // Every variable and flag is read and validated here, before anything starts (docs/operations.md "Configuration").
      const env = runtimeEnv();
      const settings = serveSettings(opts, env);
      const { app, ctx, store, listSnapshot } = await composeService({
        configPath: chosenConfig(opts, 'config'),
        databaseUrl: opts.db,
        listSpecs: opts.list,
        env,
        requestLogs: opts.quiet !== true,
        initStore: opts.init === true,
        checkStoreIntegrity: true,
        trustProxy: settings.trustProxy,
        webhookAllow: settings.webhookAllow,
      });
      const firstAdmin = await bootstrapFirstAdmin(ctx);
      for (const warning of screeningStartWarnings(ctx)) process.stderr.write(`${warning}\n`);
      // Every worker logs and counts its own failures (remit_worker_failures_total{worker}; docs/operations.md).
      const dispatcher = new WebhookDispatcher(ctx);
      // Audit sealer (docs/audit.md): seals the audit inbox into the signed log every ~200 ms; on PostgreSQL one instance at a time.
      const auditSealer = startableAuditSealer(ctx, env);
      // SLA timers (R12): every instance runs a worker; each timer fires once (docs/conduct.md).
      const slaWorker = new SlaWorker(ctx);
      // Automatic reassignment (docs/operations.md): jobs queued by roster changes and publications, plus the hourly lapse sweep.
      const reassignmentWorker = new ReassignmentWorker(ctx);
      // Retention (docs/operations.md): the org's retention periods, applied hourly.
      const retentionWorker = new RetentionWorker(ctx, { onPass: (report) => ctx.log.info({ retention: report }, 'retention applied') });
      // Auto-away (docs/operations.md): reps idle in the console for the org's N working minutes, checked every minute.
      const autoAwayWorker = new AutoAwayWorker(ctx);
      // Conversion model (docs/outcome-routing.md): rebuilt from recorded outcomes while the org routes on them.
      const modelWorker = new ConversionModelWorker(ctx);
      // Notifications and CRM write-back (the senders), notification events, delta re-screening jobs.
      const selfTimed = selfTimedWorkers(ctx, env);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        // close() stops accepting connections and waits for in-flight requests; their transactions commit or roll back whole.
        await app.close();
        await dispatcher.stop();
        await auditSealer.stop();
        await slaWorker.stop();
        await reassignmentWorker.stop();
        await retentionWorker.stop();
        await Promise.all([autoAwayWorker.stop(), modelWorker.stop(), ...selfTimed.map((w) => w.stop())]);
        // A list change not yet in the start-up snapshot is written now (a snapshot left behind only costs a slower start);
        // a list load still on a worker thread is stopped (the list-sync pass is over: no one is left to swap it in).
        await Promise.all([listSnapshot?.idle(), ctx.screening?.close()]);
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      const address = await app.listen({ port: settings.port, host: settings.host });
      dispatcher.start();
      auditSealer.start();
      slaWorker.start(env.slaIntervalMs);
      reassignmentWorker.start(env.slaIntervalMs);
      retentionWorker.start(env.retentionIntervalMs, 60_000);
      modelWorker.start(env.outcomeModelIntervalMs);
      for (const worker of [autoAwayWorker, ...selfTimed]) worker.start();
      process.stdout.write(
        `Remit listening on ${address} (store: ${store.capabilities.dialect}, org ${ctx.orgs.current.version} ` +
          `${ctx.orgs.current.hash.slice(0, 19)}…)\n`,
      );
      if (firstAdmin !== null) await printFirstSignInLink(ctx, firstAdmin, address);
      // Keep the action pending: the process lives until a signal.
      await new Promise(() => {});
    });
}
