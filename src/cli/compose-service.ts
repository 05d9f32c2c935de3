import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AccountDirectory } from '../app/account-directory.ts';
import { OrgRegistry } from '../app/org-registry.ts';
import { WebhookTargetPolicy } from '../app/webhook-target-policy.ts';
import { randomIds, systemClock } from '../app/random-ids.ts';
import type { ServiceContext } from '../app/service-context.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadCompiledPacks } from '../config/load-packs.ts';
import { buildServer, type TrustProxy } from '../http/build-server.ts';
import { SERVICE_ROUTES } from '../http/service-routes.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store-port.ts';
import { CliFailure, configFailure } from './cli-io.ts';
import { ListLoadError } from '../screening/list-error.ts';
import { ScreeningService } from '../screening/screening-service.ts';
import { readdir } from 'node:fs/promises';

/** The example org shipped with Remit: what `remit serve` runs when no config is given. */
export const DEFAULT_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'bank');

/** Screening lists: given with --list, else every file in the config's screening/ folder (the firm's blocklist …). */
async function defaultListSpecs(configPath: string): Promise<string[]> {
  const dir = join(configPath, 'screening');
  try {
    return (await readdir(dir)).filter((f) => !f.startsWith('.') && !f.endsWith('.md')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

async function loadScreening(specs: readonly string[]): Promise<ScreeningService | null> {
  if (specs.length === 0) return null;
  const service = new ScreeningService({ now: () => new Date() });
  try {
    service.loadAll([...specs]);
  } catch (e) {
    if (e instanceof ListLoadError) throw new CliFailure('INPUT_UNREADABLE', [{ file: e.file, path: `line ${e.line ?? '?'}`, message: e.message }]);
    throw e;
  }
  return service;
}

/** Conduct rule packs (outreach gate, cooling-off) shipped with Remit, validated at start-up. */
export const DEFAULT_PACKS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packs');

async function loadConductPacks(dir: string = process.env.REMIT_PACKS ?? DEFAULT_PACKS) {
  const loaded = await loadCompiledPacks(dir);
  if (!loaded.ok) throw configFailure(loaded.error);
  return loaded.value;
}

/** The composition root: the only place that picks adapters. */
export async function composeService(opts: {
  configPath?: string | undefined;
  databaseUrl?: string | undefined;
  listSpecs?: readonly string[] | undefined;
  logger?: boolean | Record<string, unknown>;
  trustProxy?: TrustProxy;
  webhookAllow?: readonly string[];
}): Promise<{ ctx: ServiceContext; app: FastifyInstance; store: Store }> {
  const loaded = await loadConfig(opts.configPath ?? DEFAULT_CONFIG);
  if (!loaded.ok) throw configFailure(loaded.error);
  const store = await openStore({ url: opts.databaseUrl });
  const clock = systemClock;
  const ids = randomIds();
  const orgs = new OrgRegistry(store, clock, loaded.value.org);
  await orgs.init('remit serve');
  if (process.env.REMIT_ORG_SYNC_MS) orgs.syncIntervalMs = Number(process.env.REMIT_ORG_SYNC_MS);
  const ctx: ServiceContext = {
    store,
    clock,
    ids,
    orgs,
    accounts: new AccountDirectory(store, clock.now),
    screening: await loadScreening(opts.listSpecs ?? (await defaultListSpecs(opts.configPath ?? DEFAULT_CONFIG))),
    conduct: await loadConductPacks(),
    webhookTargets: new WebhookTargetPolicy(opts.webhookAllow ?? []),
  };
  const app = await buildServer({ ctx, logger: opts.logger ?? false, routes: SERVICE_ROUTES, ...(opts.trustProxy === undefined ? {} : { trustProxy: opts.trustProxy }) });
  return { ctx, app, store };
}
