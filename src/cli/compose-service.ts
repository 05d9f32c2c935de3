import { activeChannels, notificationPlanner } from '../app/notifications/notification-planner.ts';
import { crmWritebackPlanner } from '../app/crm/crm-writeback-planner.ts';
import { outboxFollowers } from '../app/events/outbox-followers.ts';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { CompanyEnricher } from '../app/intake/company-enricher.ts';
import { AccountDirectory } from '../app/intake/account-directory.ts';
import { OrgRegistry } from '../app/routing/org-registry.ts';
import { WebhookTargetPolicy } from '../app/webhooks/webhook-target-policy.ts';
import { randomIds } from '../app/shared/random-ids.ts';
import { systemClock } from '../app/shared/system-clock.ts';
import type { ServiceContext } from '../app/shared/service-context.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadCompiledPacks } from '../config/load-packs.ts';
import { buildServer, type TrustProxy } from '../http/build-server.ts';
import { SERVICE_ROUTES } from '../http/service-routes.ts';
import { openStore, resolveStoreTarget } from '../store/open-store.ts';
import { StoreMissingError } from '../store/store-errors.ts';
import type { Store } from '../store/unit-of-work.ts';
import { CliFailure, configFailure } from './cli-io.ts';
import { ListLoadError } from '../screening/list-error.ts';
import { loadList, parseListSpec } from '../screening/list-detect.ts';
import { ListSourceCatalogue, loadListSource } from '../screening/list-sources.ts';
import type { LoadedList } from '../screening/screening-entity.ts';
import { ListSnapshotKeeper } from '../app/screening/list-snapshot-keeper.ts';
import { ScreeningService } from '../screening/screening-service.ts';
import { startListSources } from '../app/screening/screening-lists.use-case.ts';
import { ScheduledCheckLog } from '../app/screening/scheduled-check-log.ts';
import { createLogger, type Logger } from '../app/observability/logger.ts';
import { RemitMetrics } from '../app/observability/remit-metrics.ts';
import { reportWorkerFailure } from '../app/observability/worker-failure.ts';
import { runtimeEnv, type RuntimeEnv } from './runtime-config.ts';
import { loadListSources } from '../config/load-list-sources.ts';
import { EXAMPLES_DIR } from './example-config.ts';
import type { CheckpointMessage } from '../store/sqlite/checkpoint-worker.ts';

/** `remit serve` on SQLite: how often the background checkpointer copies the WAL into the database file. */
const BACKGROUND_CHECKPOINT_MS = 250;

/**
 * A failing checkpoint is reported once, not every 250 ms (a store deleted under the service fails every
 * round; the file watch reports that itself); again after a round that worked, or when the reason changes.
 */
function checkpointFailureReporter(report: (detail: string) => void): (m: CheckpointMessage) => void {
  let last: string | null = null;
  return (m) => {
    if (m.kind === 'checkpointed') last = null;
    if (m.kind !== 'failed' || m.detail === last) return;
    last = m.detail;
    report(m.detail);
  };
}

/** The example org shipped with Remit: what `remit serve` runs when no config is given. */
export const DEFAULT_CONFIG = join(EXAMPLES_DIR, 'bank');

/**
 * Screening lists (docs/screening.md): the sources in <config>/screening/lists.yaml, or — for operators,
 * trusted like the config — the `--list` specs, each becoming a source named by its list id. Either
 * way the versions are compared with the ones in force in the store (startListSources).
 */
async function loadScreening(
  configPath: string,
  specs: readonly string[] | undefined,
  deps: Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'log' | 'metrics'>,
  snapshotFile: string | undefined,
) {
  const now = () => new Date(deps.clock.now());
  let keeper: ListSnapshotKeeper | undefined;
  const service = new ScreeningService({
    now,
    onScreened: (seconds: number) => deps.metrics.screeningSeconds.observe(seconds),
    onChanged: () => keeper?.changed(),
  });
  // The start-up snapshot (docs/screening.md): its lists and index when valid for these sources, else every file is read.
  const start = async (catalogue: ListSourceCatalogue, load: () => readonly LoadedList[]) => {
    keeper = snapshotFile ? new ListSnapshotKeeper({ file: snapshotFile, catalogue, obs: deps, now }) : undefined;
    keeper?.watch(service);
    const began = performance.now();
    const restored = keeper?.restore();
    // A file changed since the snapshot was written: the snapshot still holds the version it replaces (for the delta).
    const previous = keeper && (() => keeper!.previousLists());
    const started = restored
      ? await startListSources(deps, service, catalogue, restored.lists, restored.index, previous)
      : await startListSources(deps, service, catalogue, load(), undefined, previous);
    deps.log.info(
      {
        from: restored ? 'snapshot' : 'files',
        lists: started.loaded.length,
        // docs/screening.md "Load warnings": what each list's load left out, by kind (each also logged on its own)
        ...(Object.keys(started.warnings).length > 0 ? { loadWarnings: started.warnings } : {}),
        names: service.nameCount,
        ms: Math.round(performance.now() - began),
      },
      'screening lists in force',
    );
    return { screening: service, listSources: catalogue, started, snapshot: keeper };
  };
  try {
    if (specs && specs.length > 0) {
      // `--list` (operators, tests): a list's id may come from its content (Senzing DATA_SOURCE), so every file is read
      // before the sources are known; no snapshot.
      const lists = specs.map((spec) => loadList(spec, { now }));
      const catalogue = new ListSourceCatalogue(
        lists.map((l, i) => ({ id: l.version.listId, format: l.version.sourceType, path: parseListSpec(specs[i]!).path })),
      );
      return {
        screening: service,
        listSources: catalogue,
        started: await startListSources(deps, service, catalogue, lists),
        snapshot: undefined,
      };
    }
    const configured = await loadListSources(configPath);
    if (!configured.ok) throw configFailure(configured.error);
    if (!configured.value) return { screening: service, listSources: undefined, started: null, snapshot: undefined };
    const catalogue = configured.value;
    return await start(catalogue, () => catalogue.sources.map((s) => loadListSource(s, now)));
  } catch (e) {
    if (e instanceof ListLoadError)
      throw new CliFailure('INPUT_UNREADABLE', undefined, [{ file: e.file, path: `line ${e.line ?? '?'}`, message: e.message }]);
    throw e;
  }
}

/**
 * Where the screening lists' start-up snapshot lives (docs/screening.md "Start-up snapshot"): REMIT_SCREENING_SNAPSHOT
 * (`off`: none); else next to an SQLite store file (`<store>.screening-snapshot`); on PostgreSQL, a local cache file
 * `./data/screening-lists.snapshot` (every instance keeps its own); an in-memory store has none.
 */
export function screeningSnapshotFile(setting: string | undefined, databaseUrl: string | undefined): string | undefined {
  if (setting === 'off') return undefined;
  if (setting) return resolve(setting);
  const target = resolveStoreTarget(databaseUrl);
  if (target.kind === 'postgres') return resolve('data', 'screening-lists.snapshot');
  return target.path === ':memory:' ? undefined : resolve(`${target.path}.screening-snapshot`);
}

/** What `remit serve` prints on stderr at start when leads cannot be cleared (docs/operations.md). */
export function screeningStartWarnings(ctx: Pick<ServiceContext, 'screening'>): string[] {
  const coverage = ctx.screening?.coverage() ?? 'no_sanctions_list';
  const withheld = ctx.screening?.withheldSources() ?? [];
  if (coverage === 'no_sanctions_list') {
    return [
      'WARNING: no sanctions list is loaded: every lead is screened as not_screened (the example org holds them). Configure ' +
        '<config>/screening/lists.yaml or pass --list.',
    ];
  }
  return withheld.flatMap((w) =>
    w.reason === 'stale'
      ? []
      : `WARNING: screening list source ${w.sourceId} changed on disk and shrank beyond the guard; it is not in force until a second ` +
        `principal approves reload ${w.pendingReloadId} (leads are not_screened meanwhile).`,
  );
}

/** Conduct rule packs (outreach gate, cooling-off) shipped with Remit, validated at start-up. */
export const DEFAULT_PACKS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packs');

async function loadConductPacks(dir: string | undefined) {
  const loaded = await loadCompiledPacks(dir ?? DEFAULT_PACKS);
  if (!loaded.ok) throw configFailure(loaded.error);
  return loaded.value;
}

export interface ComposeOptions {
  readonly configPath?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly listSpecs?: readonly string[] | undefined;
  /** The validated environment (runtime-config.ts); default: this process's. */
  readonly env?: RuntimeEnv;
  /** The process's logger; default one at REMIT_LOG_LEVEL (a one-off command passes a silent one). */
  readonly log?: Logger;
  /** Log a line per HTTP request (`remit serve --quiet` turns them off; worker failures are still logged). */
  readonly requestLogs?: boolean;
  /** Create a new empty store even where its marker shows one was lost (`remit serve --init`). */
  readonly initStore?: boolean;
  /** Run the periodic integrity check on an SQLite store (a long-running `remit serve`, not a one-off import). */
  readonly checkStoreIntegrity?: boolean;
  readonly trustProxy?: TrustProxy;
  readonly webhookAllow?: readonly string[];
}

/**
 * Evidence of a lost SQLite store that lives outside its folder (the marker next to the file goes
 * when the whole folder is deleted): an audit key file configured with REMIT_AUDIT_KEY_FILE is
 * created on the first start with a store, so finding it without the store means the store was lost.
 */
function refuseLostStore(databaseUrl: string | undefined, env: RuntimeEnv): void {
  const target = resolveStoreTarget(databaseUrl);
  const keyFile = env.auditKeyFile;
  if (target.kind !== 'sqlite' || target.path === ':memory:' || existsSync(target.path)) return;
  if (env.auditKey || !keyFile || !existsSync(keyFile)) return;
  throw new StoreMissingError(resolve(target.path), resolve(keyFile), 'the audit signing key file (REMIT_AUDIT_KEY_FILE)');
}

/** The composition root: the only place that picks adapters. */
export async function composeService(
  opts: ComposeOptions,
): Promise<{ ctx: ServiceContext; app: FastifyInstance; store: Store; listSnapshot: ListSnapshotKeeper | undefined }> {
  const env = opts.env ?? runtimeEnv();
  const log = opts.log ?? createLogger({ level: env.logLevel });
  const metrics = new RemitMetrics();
  const databaseUrl = opts.databaseUrl ?? env.databaseUrl;
  const configPath = opts.configPath ?? DEFAULT_CONFIG;
  const loaded = await loadConfig(configPath);
  if (!loaded.ok) throw configFailure(loaded.error);
  if (!opts.initStore) refuseLostStore(databaseUrl, env);
  const store = await openStore({
    url: databaseUrl,
    init: opts.initStore === true,
    ...(opts.checkStoreIntegrity
      ? {
          integrityCheckMs: env.storeCheckMs,
          onIntegrityProblem: (problem: { kind: string; detail: string }) =>
            reportWorkerFailure({ log, metrics }, 'store-integrity', undefined, { ...problem }),
          // A long-running service: WAL checkpoints off the request path (issue 18, docs/performance.md).
          checkpointEveryMs: BACKGROUND_CHECKPOINT_MS,
          onCheckpoint: checkpointFailureReporter((detail) =>
            reportWorkerFailure({ log, metrics }, 'store-checkpoint', undefined, { detail }),
          ),
        }
      : {}),
  });
  const clock = systemClock;
  const ids = randomIds();
  const orgs = new OrgRegistry(store, clock, loaded.value.org);
  await orgs.init('remit serve');
  if (env.orgSyncMs > 0) orgs.syncIntervalMs = env.orgSyncMs;
  const snapshotFile = screeningSnapshotFile(env.screeningSnapshot, databaseUrl);
  const {
    screening,
    listSources,
    snapshot: listSnapshot,
  } = await loadScreening(configPath, opts.listSpecs, { store, clock, ids, log, metrics }, snapshotFile);
  metrics.bind({
    counts: () => store.operationalCounts(),
    lists: () => screening.versions(),
    withheld: () => screening.withheldSources(),
    now: clock.now,
  });
  const ctx: ServiceContext = {
    store,
    clock,
    ids,
    log,
    metrics,
    orgs,
    accounts: new AccountDirectory(store, clock.now),
    enricher: new CompanyEnricher({ now: clock.now, log, metrics }),
    screening,
    listSources,
    listChecks: new ScheduledCheckLog(),
    conduct: await loadConductPacks(env.packsDir),
    webhookTargets: new WebhookTargetPolicy(opts.webhookAllow ?? []),
    // Notifications: the inbox and personal/org chat webhooks always, e-mail only with SMTP configured (off: no e-mail row
    // is queued; docs/notifications.md). CRM write-backs for the targets of the org in force (docs/crm.md).
    notify: outboxFollowers(
      notificationPlanner({ orgs, ids, channels: activeChannels(!!env.mail) }),
      crmWritebackPlanner({ orgs, ids, consoleUrl: env.consoleUrl }),
    ),
  };
  if (env.mail) log.info({ channel: 'email' }, 'notifications: e-mail on (REMIT_SMTP_URL set)');
  else log.info({ channel: 'email' }, 'notifications: e-mail off (REMIT_SMTP_URL not set); no e-mail is queued');
  const app = await buildServer({
    ctx,
    requestLogs: opts.requestLogs ?? true,
    sessionTtlMs: env.sessionTtlMs,
    metricsToken: env.metricsToken,
    routes: SERVICE_ROUTES,
    ...(opts.trustProxy === undefined ? {} : { trustProxy: opts.trustProxy }),
  });
  return { ctx, app, store, listSnapshot };
}
