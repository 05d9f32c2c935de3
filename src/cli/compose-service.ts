import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AccountDirectory } from '../app/account-directory.ts';
import { OrgRegistry } from '../app/org-registry.ts';
import { WebhookTargetPolicy } from '../app/webhook-target-policy.ts';
import { randomIds } from '../app/random-ids.ts';
import { systemClock } from '../app/system-clock.ts';
import type { ServiceContext } from '../app/service-context.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadCompiledPacks } from '../config/load-packs.ts';
import { buildServer, type TrustProxy } from '../http/build-server.ts';
import { SERVICE_ROUTES } from '../http/service-routes.ts';
import { openStore, resolveStoreTarget } from '../store/open-store.ts';
import { StoreMissingError } from '../store/store-errors.ts';
import type { Store } from '../store/store-port.ts';
import { CliFailure, configFailure } from './cli-io.ts';
import { ListLoadError } from '../screening/list-error.ts';
import { loadList, parseListSpec } from '../screening/list-detect.ts';
import { ListSourceCatalogue } from '../screening/list-sources.ts';
import { ScreeningService } from '../screening/screening-service.ts';
import { startListSources } from '../app/screening-lists.use-case.ts';
import { loadListSources } from '../config/load-list-sources.ts';

/** The example org shipped with Remit: what `remit serve` runs when no config is given. */
export const DEFAULT_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'bank');

/**
 * Screening lists (issue 11, B2): the sources in <config>/screening/lists.yaml, or — for operators,
 * trusted like the config — the `--list` specs, each becoming a source named by its list id. Either
 * way the versions are compared with the ones in force in the store (startListSources).
 */
async function loadScreening(configPath: string, specs: readonly string[] | undefined, deps: Pick<ServiceContext, 'store' | 'clock' | 'ids'>) {
  const service = new ScreeningService({ now: () => new Date(deps.clock.now()) });
  try {
    if (specs && specs.length > 0) {
      const lists = specs.map((spec) => loadList(spec, { now: () => new Date(deps.clock.now()) }));
      const catalogue = new ListSourceCatalogue(lists.map((l, i) => ({ id: l.version.listId, format: l.version.sourceType, path: parseListSpec(specs[i]!).path })));
      return { screening: service, listSources: catalogue, started: await startListSources(deps, service, catalogue, lists) };
    }
    const configured = await loadListSources(configPath);
    if (!configured.ok) throw configFailure(configured.error);
    if (!configured.value) return { screening: service, listSources: undefined, started: null };
    return { screening: service, listSources: configured.value, started: await startListSources(deps, service, configured.value) };
  } catch (e) {
    if (e instanceof ListLoadError) throw new CliFailure('INPUT_UNREADABLE', [{ file: e.file, path: `line ${e.line ?? '?'}`, message: e.message }]);
    throw e;
  }
}

/** What `remit serve` prints on stderr at start when leads cannot be cleared (docs/operations.md). */
export function screeningStartWarnings(ctx: Pick<ServiceContext, 'screening'>): string[] {
  const coverage = ctx.screening?.coverage() ?? 'no_sanctions_list';
  const withheld = ctx.screening?.withheldSources() ?? [];
  if (coverage === 'no_sanctions_list') {
    return ['WARNING: no sanctions list is loaded: every lead is screened as not_screened (the example org holds them). Configure <config>/screening/lists.yaml or pass --list.'];
  }
  return withheld.map((w) => `WARNING: screening list source ${w.sourceId} changed on disk and shrank beyond the guard; it is not in force until a second principal approves reload ${w.pendingReloadId} (leads are not_screened meanwhile).`);
}

/** Conduct rule packs (outreach gate, cooling-off) shipped with Remit, validated at start-up. */
export const DEFAULT_PACKS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packs');

async function loadConductPacks(dir: string = process.env.REMIT_PACKS ?? DEFAULT_PACKS) {
  const loaded = await loadCompiledPacks(dir);
  if (!loaded.ok) throw configFailure(loaded.error);
  return loaded.value;
}

/** How often `remit serve` runs `PRAGMA quick_check` on an SQLite store (REMIT_STORE_CHECK_MS; 0 = never). */
export const DEFAULT_STORE_CHECK_MS = 60_000;

export interface ComposeOptions {
  readonly configPath?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly listSpecs?: readonly string[] | undefined;
  readonly logger?: boolean | Record<string, unknown>;
  /** Create a new empty store even where its marker shows one was lost (`remit serve --init`). */
  readonly initStore?: boolean;
  /** Run the periodic integrity check on an SQLite store (a long-running `remit serve`, not a one-off import). */
  readonly checkStoreIntegrity?: boolean;
  readonly trustProxy?: TrustProxy;
  readonly webhookAllow?: readonly string[];
}

function storeCheckMs(): number {
  const raw = process.env.REMIT_STORE_CHECK_MS;
  if (raw === undefined || raw === '') return DEFAULT_STORE_CHECK_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new CliFailure('ARGUMENT_INVALID', [{ path: 'REMIT_STORE_CHECK_MS', message: `expected a whole number of ms (0 = never), got ${raw}` }]);
  }
  return ms;
}

/**
 * Evidence of a lost SQLite store that lives outside its folder (the marker next to the file goes
 * when the whole folder is deleted): an audit key file configured with REMIT_AUDIT_KEY_FILE is
 * created on the first start with a store, so finding it without the store means the store was lost.
 */
function refuseLostStore(databaseUrl: string | undefined): void {
  const target = resolveStoreTarget(databaseUrl ?? process.env.DATABASE_URL);
  const keyFile = process.env.REMIT_AUDIT_KEY_FILE;
  if (target.kind !== 'sqlite' || target.path === ':memory:' || existsSync(target.path)) return;
  if (process.env.REMIT_AUDIT_KEY || !keyFile || !existsSync(keyFile)) return;
  throw new StoreMissingError(resolve(target.path), resolve(keyFile), 'the audit signing key file (REMIT_AUDIT_KEY_FILE)');
}

/** The composition root: the only place that picks adapters. */
export async function composeService(opts: ComposeOptions): Promise<{ ctx: ServiceContext; app: FastifyInstance; store: Store }> {
  const loaded = await loadConfig(opts.configPath ?? DEFAULT_CONFIG);
  if (!loaded.ok) throw configFailure(loaded.error);
  if (!opts.initStore) refuseLostStore(opts.databaseUrl);
  const store = await openStore({
    url: opts.databaseUrl,
    init: opts.initStore === true,
    ...(opts.checkStoreIntegrity ? { integrityCheckMs: storeCheckMs() } : {}),
  });
  const clock = systemClock;
  const ids = randomIds();
  const orgs = new OrgRegistry(store, clock, loaded.value.org);
  await orgs.init('remit serve');
  if (process.env.REMIT_ORG_SYNC_MS) orgs.syncIntervalMs = Number(process.env.REMIT_ORG_SYNC_MS);
  const { screening, listSources } = await loadScreening(opts.configPath ?? DEFAULT_CONFIG, opts.listSpecs, { store, clock, ids });
  const ctx: ServiceContext = {
    store,
    clock,
    ids,
    orgs,
    accounts: new AccountDirectory(store, clock.now),
    screening,
    listSources,
    conduct: await loadConductPacks(),
    webhookTargets: new WebhookTargetPolicy(opts.webhookAllow ?? []),
  };
  const app = await buildServer({ ctx, logger: opts.logger ?? false, routes: SERVICE_ROUTES, ...(opts.trustProxy === undefined ? {} : { trustProxy: opts.trustProxy }) });
  return { ctx, app, store };
}
