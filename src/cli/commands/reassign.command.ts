import type { Command } from 'commander';
import { compileStoredOrg } from '../../app/audit/audit-replay.use-case.ts';
import { reassignFromRep } from '../../app/routing/reassign.use-case.ts';
import { randomIds } from '../../app/shared/random-ids.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import { openStore } from '../../store/open-store.ts';
import { CliFailure } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';
import { cliActor } from './keys.command.ts';

/**
 * `remit reassign --from-rep X [--dry-run] --reason "…"` (docs/operations.md "Reassignment"): the same operation as
 * POST /v1/reassignments, against the store a running service uses, with the org version in force there.
 */
const CLI_OPTION: Readonly<Record<string, string>> = { '/body/fromRepId': '--from-rep', '/body/reason': '--reason' };

export function registerReassignCommand(program: Command): void {
  program
    .command('reassign')
    .description("Re-decide a rep's open leads with that rep excluded (eligible reps only; queued/refused when none), audited")
    .requiredOption('--from-rep <repId>', 'the rep whose open leads move')
    .requiredOption('--reason <text>', 'why (e.g. "left the firm 2026-12-04, ticket 812")')
    .option('--dry-run', 'print which lead would go to which rep (or be refused) and write nothing')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .action(async (opts: { fromRep: string; reason: string; dryRun?: boolean; db?: string }) => {
      const store = await openStore({ url: opts.db ?? runtimeEnv().databaseUrl });
      try {
        const inForce = await store.orgVersions.current();
        if (!inForce) throw new CliFailure('CONFLICT', 'no org version is in force in this store: start the service with a config once');
        const org = await compileStoredOrg(store, inForce.hash);
        if (!org) throw new CliFailure('NOT_FOUND', `org version ${inForce.hash} is in force but not stored`);
        const ctx = { store, clock: systemClock, ids: randomIds(), orgs: { current: org } };
        const r = await reassignFromRep(
          ctx,
          { userId: cliActor() },
          { fromRepId: opts.fromRep, reason: opts.reason, dryRun: opts.dryRun === true },
        );
        if (!r.ok) {
          // The use case names the HTTP body's fields; on the command line they are the options.
          const details = r.error.details.map((d) => ({ ...d, path: CLI_OPTION[d.path ?? ''] ?? d.path }));
          throw new CliFailure(r.error.code, r.error.message, details, r.error.extra);
        }
        process.stdout.write(`${JSON.stringify(r.value, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });
}
