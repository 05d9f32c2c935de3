import { RETENTION_ACTOR } from '../../src/app/privacy/retention.use-case.ts';
import { roleTokens } from '../support/people.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CompanyEnricher } from '../../src/app/intake/company-enricher.ts';
import { AccountDirectory } from '../../src/app/intake/account-directory.ts';
import { sealAll, type SealDeps } from '../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../src/app/audit/audit-signing-key.ts';
import { notificationPlanner } from '../../src/app/notifications/notification-planner.ts';
import { WebhookTargetPolicy } from '../../src/app/webhooks/webhook-target-policy.ts';
import type { NotificationChannel } from '../../src/store/ports/notifications.port.ts';
import { crmWritebackPlanner } from '../../src/app/crm/crm-writeback-planner.ts';
import { outboxFollowers } from '../../src/app/events/outbox-followers.ts';
import { OrgRegistry } from '../../src/app/routing/org-registry.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { sequentialIds } from '../../src/domain/shared/clock.ts';
import { buildServer } from '../../src/http/build-server.ts';
import { SERVICE_ROUTES } from '../../src/http/service-routes.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import type { Role } from '../../src/domain/access/roles.ts';
import { DEFAULT_TEST_LISTS, EUROPE_MORNING, TestClock } from '../http/service-harness.ts';
import type { StoreFactory, StoreHarness } from '../store/store-harness.ts';
import { testObservability } from '../support/observability.ts';

/** The service over a fresh store of one dialect, with a signing key in a temp folder and a sealer the test drives. */
export interface AuditService {
  readonly h: StoreHarness;
  readonly app: FastifyInstance;
  readonly ctx: ServiceContext;
  readonly clock: TestClock;
  readonly tokens: Record<Role | 'compliance2', string>;
  readonly keyFile: string;
  readonly signer: AuditSigner;
  readonly sealDeps: SealDeps;
  /** A url the CLI can open to reach the same database (PostgreSQL: with ?schema=). */
  readonly cliUrl: string;
  readonly dir: string;
  seal(): Promise<number>;
  close(): Promise<void>;
}

/** `configure`: changes the example org's config before it is published (e.g. a retention section). */
export async function startAuditService(
  factory: StoreFactory,
  opts: {
    configure?: (config: Record<string, unknown>) => Record<string, unknown>;
    /** Installs the notification planner: true = e-mail only (as before the other channels), or the channels that are on. */
    notify?: boolean | readonly NotificationChannel[];
    /** The SSRF guard's allow list (local test servers listen on 127.0.0.1). */
    webhookAllow?: readonly string[];
    /** Installs the CRM write-back planner (as `remit serve` always does) with this console URL for story links. */
    crmConsoleUrl?: string;
  } = {},
): Promise<AuditService> {
  const h = await factory.create();
  const example = await loadConfig('examples/bank');
  if (!example.ok) throw new Error(JSON.stringify(example.error));
  const exampleConfig = () => structuredClone(example.value.org.config) as unknown as Record<string, unknown>;
  const loaded = opts.configure ? compileConfigObject(opts.configure(exampleConfig())) : example;
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const clock = new TestClock(EUROPE_MORNING);
  const ids = sequentialIds();
  const orgs = new OrgRegistry(h.store, clock, loaded.value.org);
  await orgs.init('test');
  const screening = new ScreeningService({ now: () => new Date(clock.ms) });
  screening.loadAll([...DEFAULT_TEST_LISTS]);
  const observability = testObservability();
  const ctx: ServiceContext = {
    store: h.store,
    clock,
    ids,
    ...observability,
    orgs,
    accounts: new AccountDirectory(h.store, clock.now),
    enricher: new CompanyEnricher({ now: clock.now, ...observability }),
    screening,
    ...(opts.webhookAllow ? { webhookTargets: new WebhookTargetPolicy(opts.webhookAllow) } : {}),
    notify: outboxFollowers(
      opts.notify ? notificationPlanner({ orgs, ids, channels: opts.notify === true ? ['email'] : opts.notify }) : undefined,
      opts.crmConsoleUrl ? crmWritebackPlanner({ orgs, ids, consoleUrl: opts.crmConsoleUrl }) : undefined,
    ),
  };
  const app = await buildServer({ ctx, routes: SERVICE_ROUTES });
  const tokens = await roleTokens(ctx, 'amelia-hughes');
  const dir = mkdtempSync(join(tmpdir(), 'remit-audit-key-'));
  const keyFile = join(dir, 'audit-signing-key.pem');
  const signer = new AuditSigner({ file: keyFile });
  const sealDeps: SealDeps = { store: h.store, clock, signer, newLogId: () => 'remit-audit-test' };
  const cliUrl = h.schema ? `${h.url}${h.url.includes('?') ? '&' : '?'}schema=${h.schema}` : h.url;
  return {
    h,
    app,
    ctx,
    clock,
    tokens,
    keyFile,
    signer,
    sealDeps,
    cliUrl,
    dir,
    async seal() {
      clock.advance(1000);
      return (await sealAll(sealDeps)).sealed;
    },
    async close() {
      await app.close();
      await h.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops the immutability triggers of a table (the point of a tampering test: an attacker with database access). */
export async function dropImmutability(h: StoreHarness, table: 'audit_log' | 'audit_checkpoints' | 'decisions'): Promise<void> {
  if (h.schema === undefined) {
    await h.rawExec(`DROP TRIGGER IF EXISTS ${table}_no_update; DROP TRIGGER IF EXISTS ${table}_no_delete;`);
  } else {
    await h.rawExec(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}; DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table};`);
  }
}

export const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The retention run's audit entries of one category, sealed first: [action, count, period] each. */
export async function retentionEntriesOf(a: AuditService, category: string): Promise<unknown[]> {
  await a.seal();
  const out: unknown[] = [];
  for await (const r of a.h.store.audit.rows()) {
    const p = r.payload as Record<string, unknown>;
    if (r.actor === RETENTION_ACTOR && p.category === category) out.push([p.action, p.count, p.period]);
  }
  return out;
}
