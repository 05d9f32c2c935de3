import { roleTokens } from '../support/people.ts';
import type { FastifyInstance } from 'fastify';
import { CompanyEnricher } from '../../src/app/intake/company-enricher.ts';
import { AccountDirectory } from '../../src/app/intake/account-directory.ts';
import { OrgRegistry } from '../../src/app/routing/org-registry.ts';
import { WebhookTargetPolicy } from '../../src/app/webhooks/webhook-target-policy.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { ok } from '../../src/domain/shared/result.ts';
import { sequentialIds } from '../../src/domain/shared/clock.ts';
import { buildServer, type ServerOptions } from '../../src/http/build-server.ts';
import { SERVICE_ROUTES } from '../../src/http/service-routes.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import type { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { startListSources } from '../../src/app/screening/screening-lists.use-case.ts';
import { ListSnapshotKeeper } from '../../src/app/screening/list-snapshot-keeper.ts';
import { ScheduledCheckLog } from '../../src/app/screening/scheduled-check-log.ts';
import type { Role } from '../../src/domain/access/roles.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import type { Logger } from '../../src/app/observability/logger.ts';
import { testObservability } from '../support/observability.ts';
import type { ListLoadThreads } from '../../src/screening/list-load-thread.ts';
import { outboxFollowers } from '../../src/app/events/outbox-followers.ts';
import { activeChannels, notificationPlanner } from '../../src/app/notifications/notification-planner.ts';
import { crmWritebackPlanner } from '../../src/app/crm/crm-writeback-planner.ts';

/** A controllable clock: tests move time explicitly. */
export class TestClock {
  ms: number;
  constructor(iso: string) {
    this.ms = Date.parse(iso);
  }
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

export interface TestService {
  app: FastifyInstance;
  ctx: ServiceContext;
  store: Store;
  clock: TestClock;
  /** One token per role, plus a second compliance officer and a rep key bound to `repId`. */
  tokens: Record<Role | 'compliance2', string>;
  repId: string;
  /** The start-up snapshot keeper, when started with `listSnapshot` (as `remit serve` wires it). */
  snapshot?: ListSnapshotKeeper;
  close(): Promise<void>;
}

/**
 * The firm blocklist and a tiny fictional sanctions list: without a sanctions list no lead is
 * "clear" (docs/screening.md), and the example org holds not_screened leads.
 */
export const SANCTIONS_FIXTURE = 'ftm-jsonl:test/support/fixtures/sanctions-mini.ftm.jsonl';
export const DEFAULT_TEST_LISTS: readonly string[] = ['examples/bank/screening/firm-blocklist.csv', SANCTIONS_FIXTURE];

/** 11:00Z on Tue 24 Nov 2026: European teams are at work (see examples/bank/leads/README.md). */
export const EUROPE_MORNING = '2026-11-24T11:00:00Z';

export async function startTestService(
  opts: {
    url?: string;
    schema?: string;
    at?: string;
    repId?: string;
    lists?: string[];
    listSources?: ListSourceCatalogue;
    server?: Partial<ServerOptions>;
    webhookAllow?: string[];
    webhookTargets?: WebhookTargetPolicy;
    /** The service's logger (default silent); see capturingLogger in test/support/observability.ts. */
    log?: Logger;
    /** First sequential id (a second instance on the same database starts elsewhere, so ids never collide). */
    idStart?: number;
    /** The org to serve (default: examples/bank). */
    org?: CompiledOrg;
    /** Plan notifications and CRM write-backs in each outbox event's transaction, as `remit serve` does (default: none). */
    followers?: boolean;
    /** With `listSources`: the start-up snapshot file, restored from and written as in `remit serve` (written at once). */
    listSnapshot?: string;
    /** The worker threads that load lists after the start (default: the real list-load worker). */
    listLoads?: ListLoadThreads;
  } = {},
): Promise<TestService> {
  const loaded = opts.org ? ok({ org: opts.org }) : await loadConfig('examples/bank');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const store = await openStore({ url: opts.url ?? 'sqlite::memory:', ...(opts.schema ? { schema: opts.schema } : {}) });
  const clock = new TestClock(opts.at ?? EUROPE_MORNING);
  const ids = sequentialIds(opts.idStart);
  const orgs = new OrgRegistry(store, clock, loaded.value.org);
  await orgs.init('test');
  const observability = testObservability(opts.log);
  const snapshot =
    opts.listSnapshot && opts.listSources
      ? new ListSnapshotKeeper({
          file: opts.listSnapshot,
          catalogue: opts.listSources,
          obs: observability,
          now: () => new Date(clock.ms),
          delayMs: 0,
        })
      : undefined;
  const screening = new ScreeningService({
    now: () => new Date(clock.ms),
    onScreened: (s) => observability.metrics.screeningSeconds.observe(s),
    onChanged: () => snapshot?.changed(),
    ...(opts.listLoads ? { loads: opts.listLoads } : {}),
  });
  snapshot?.watch(screening);
  const restored = snapshot?.restore();
  // Configured sources go through the start-up comparison with the store, as in `remit serve`.
  if (opts.listSources)
    await startListSources(
      { store, clock, ids, log: observability.log },
      screening,
      opts.listSources,
      restored?.lists,
      restored?.index,
      snapshot && (() => snapshot.previousLists()),
    );
  else screening.loadAll([...(opts.lists ?? DEFAULT_TEST_LISTS)]);
  const ctx: ServiceContext = {
    store,
    clock,
    ids,
    ...observability,
    orgs,
    accounts: new AccountDirectory(store, clock.now),
    enricher: new CompanyEnricher({ now: clock.now, ...observability }),
    screening,
    listSources: opts.listSources,
    ...(opts.listSources ? { listChecks: new ScheduledCheckLog() } : {}),
    webhookTargets: opts.webhookTargets ?? new WebhookTargetPolicy(opts.webhookAllow ?? []),
    ...(opts.followers
      ? {
          notify: outboxFollowers(notificationPlanner({ orgs, ids, channels: activeChannels(false) }), crmWritebackPlanner({ orgs, ids })),
        }
      : {}),
  };
  observability.metrics.bind({
    counts: () => store.operationalCounts(),
    lists: () => screening.versions(),
    withheld: () => screening.withheldSources(),
    now: clock.now,
  });
  const app = await buildServer({ ctx, routes: SERVICE_ROUTES, ...opts.server });
  const repId = opts.repId ?? [...loaded.value.org.repsById.keys()][0]!;
  const tokens = await roleTokens(ctx, repId);
  return {
    app,
    ctx,
    store,
    clock,
    tokens,
    repId,
    ...(snapshot ? { snapshot } : {}),
    async close() {
      await snapshot?.idle();
      await app.close();
      await ctx.screening?.close();
      await store.close();
    },
  };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** A valid UK lead for the example org; override what the test is about. */
export function ukLead(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'web_form',
    product: 'uk-stocks-shares-isa',
    person: { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' },
    address: { country: 'GB', postalCode: 'SW1A 1AA' },
    ...overrides,
  };
}

/** What POST /v1/leads answered for a UK lead of `person`, failing the test unless it was 201. */
export async function postUkLead(app: FastifyInstance, token: string, person: Record<string, string>) {
  const res = await app.inject({ method: 'POST', url: '/v1/leads', headers: auth(token), payload: ukLead({ person }) });
  if (res.statusCode !== 201) throw new Error(`POST /v1/leads answered ${res.statusCode}: ${res.body}`);
  return res.json() as { leadId: string; status: string; duplicateOf?: string; decision: { rep: { id: string } | null } | null };
}
