import type { Command } from 'commander';
import { createApiKey } from '../../app/api-keys.ts';
import { WebhookDispatcher } from '../../app/webhook-dispatcher.ts';
import { RetentionWorker } from '../../app/retention-worker.ts';
import { parseWebhookAllow } from '../../app/webhook-target-policy.ts';
import { SlaWorker } from '../../app/sla-worker.ts';
import { parseTrustProxy } from '../../http/trust-proxy.ts';
import { composeService, screeningStartWarnings } from '../compose-service.ts';
import { startableAuditSealer } from '../audit-sealer-runner.ts';

interface ServeOptions {
  config?: string;
  port: string;
  host: string;
  db?: string;
  list?: string[];
  quiet?: boolean;
  init?: boolean;
  trustProxy?: string;
  webhookAllow?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API (embedded SQLite under ./data by default; DATABASE_URL=postgres://… for PostgreSQL)')
    .option('--config <path>', 'org/rules config directory or file (default: the example bank org)')
    .option('--port <port>', 'port', process.env.PORT ?? '8080')
    .option('--host <host>', 'interface to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--db <url>', 'store: postgres://…, sqlite:PATH or a file path (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option('--list <spec>', 'screening list ([type:]path), repeatable; replaces the sources of <config>/screening/lists.yaml', (v: string, prev: string[] = []) => [...prev, v])
    .option('--quiet', 'no request logs')
    .option('--init', 'create a new empty SQLite store even where its marker shows one existed and was lost (docs/storage.md)')
    .option(
      '--trust-proxy <value>',
      'believe X-Forwarded-Proto/-For/-Host from: true, a hop count, or proxy addresses/CIDRs, comma-separated (default: REMIT_TRUST_PROXY, else nobody)',
      process.env.REMIT_TRUST_PROXY,
    )
    .option(
      '--webhook-allow <list>',
      'webhook targets allowed although loopback/private/link-local: host names, addresses, CIDRs, comma-separated (default: REMIT_WEBHOOK_ALLOW)',
      process.env.REMIT_WEBHOOK_ALLOW,
    )
    .action(async (opts: ServeOptions) => {
      const { app, ctx, store } = await composeService({
        configPath: opts.config,
        databaseUrl: opts.db,
        listSpecs: opts.list,
        logger: opts.quiet ? false : { level: 'info' },
        initStore: opts.init === true,
        checkStoreIntegrity: true,
        trustProxy: parseTrustProxy(opts.trustProxy),
        webhookAllow: parseWebhookAllow(opts.webhookAllow),
      });
      if ((await store.apiKeys.list()).length === 0) {
        // First start: one admin key, shown once, so the operator can create the others.
        const { token } = await createApiKey(ctx, { name: 'bootstrap admin', role: 'admin', createdBy: 'remit serve' });
        process.stdout.write(`\nFirst start: created an admin API key (shown once, store it now):\n  ${token}\n\n`);
      }
      for (const warning of screeningStartWarnings(ctx)) process.stderr.write(`${warning}\n`);
      const dispatcher = new WebhookDispatcher(ctx, { onFailure: (detail) => app.log.warn(detail, 'webhook delivery failed') });
      // Audit sealer (docs/audit.md): seals the audit inbox into the signed log every ~200 ms; on PostgreSQL one instance at a time.
      const auditSealer = startableAuditSealer(ctx, (e) => app.log.error({ err: e }, 'audit sealing failed; entries wait in the inbox'));
      // SLA timers (R12): every instance runs a worker; each timer fires once (docs/conduct.md).
      const slaWorker = new SlaWorker(ctx);
      // Retention (docs/operations.md): the org's retention periods, applied hourly; failures are logged and counted.
      const retentionWorker = new RetentionWorker(ctx, {
        onPass: (report) => app.log.info({ retention: report }, 'retention applied'),
        onFailure: (f) => app.log.error({ retentionFailure: f, failures: retentionWorker.failures }, 'retention failure'),
      });
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
        await retentionWorker.stop();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      const address = await app.listen({ port: Number(opts.port), host: opts.host });
      dispatcher.start();
      auditSealer.start();
      slaWorker.start(Number(process.env.REMIT_SLA_INTERVAL_MS ?? 1_000));
      retentionWorker.start(Number(process.env.REMIT_RETENTION_INTERVAL_MS ?? 3_600_000), 60_000);
      process.stdout.write(`Remit listening on ${address} (store: ${store.capabilities.dialect}, org ${ctx.orgs.current.version} ${ctx.orgs.current.hash.slice(0, 19)}…)\n`);
      // Keep the action pending: the process lives until a signal.
      await new Promise(() => {});
    });
}
