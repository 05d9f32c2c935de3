import type { Command } from 'commander';
import { compileStoredOrg } from '../../app/audit/audit-replay.use-case.ts';
import { announceExpiringGrants } from '../../app/notifications/expiring-grants.use-case.ts';
import { activeChannels, notificationPlanner } from '../../app/notifications/notification-planner.ts';
import { randomIds } from '../../app/shared/random-ids.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import { CliFailure } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';
import { withStore } from '../with-store.ts';

/**
 * `remit notify expiring [--at <instant>]` (docs/notifications.md "licence.expiring"): the daily expiry run for cron,
 * the same one `remit serve` tries every minute, against the store a running service uses and the org version in
 * force there. The day's run is taken once across instances and this command: a second run the same day emits
 * nothing. With REMIT_SMTP_URL set, its e-mails are queued too (a running service sends them).
 */
export function registerNotifyCommand(program: Command): void {
  const notify = program.command('notify').description('Scheduled notifications (docs/notifications.md)');
  notify
    .command('expiring')
    .description('Announce licences and carrier appointments expiring within the horizon (licence.expiring), once per org-local day')
    .option('--at <instant>', 'run as of this ISO instant (its org-local day is the run day)')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .action(async (opts: { at?: string; db?: string }) => {
      const atMs = opts.at === undefined ? undefined : Date.parse(opts.at);
      if (atMs !== undefined && Number.isNaN(atMs))
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--at', message: 'an ISO instant, e.g. 2026-12-05T06:00:00Z' }]);
      const env = runtimeEnv();
      await withStore(opts.db, async (store) => {
        const inForce = await store.orgVersions.current();
        if (!inForce) throw new CliFailure('CONFLICT', 'no org version is in force in this store: start the service with a config once');
        const org = await compileStoredOrg(store, inForce.hash);
        if (!org) throw new CliFailure('NOT_FOUND', `org version ${inForce.hash} is in force but not stored`);
        const ids = randomIds();
        const orgs = { current: org };
        const ctx = {
          store,
          clock: systemClock,
          ids,
          orgs,
          notify: notificationPlanner({ orgs, ids, channels: activeChannels(!!env.mail) }),
        };
        const run = await announceExpiringGrants(ctx, { by: 'remit notify expiring', ...(atMs !== undefined ? { atMs } : {}) });
        process.stdout.write(`${JSON.stringify(run)}\n`);
      });
    });
}
