import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { compileStoredOrg } from '../../app/audit/audit-replay.use-case.ts';
import { importRepCalendar, DEFAULT_IMPORT_DAYS, type CalendarInput } from '../../app/roster/calendar-import.use-case.ts';
import { OrgRegistry } from '../../app/routing/org-registry.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import { randomIds } from '../../app/shared/random-ids.ts';
import { parseWebhookAllow, WebhookTargetPolicy } from '../../app/webhooks/webhook-target-policy.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { openStore } from '../../store/open-store.ts';
import { CliFailure, unreadable } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';
import { cliActor } from './keys.command.ts';

interface ImportOptions {
  rep: string;
  file?: string;
  url?: string;
  days: string;
  expectVersion?: string;
  db?: string;
}

async function calendarInput(opts: ImportOptions): Promise<CalendarInput> {
  if ((opts.file === undefined) === (opts.url === undefined))
    throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--file', message: 'give exactly one of --file and --url' }]);
  if (opts.url !== undefined) return { kind: 'url', url: opts.url };
  try {
    return { kind: 'ics', text: await readFile(opts.file!, 'utf8'), source: `file:${basename(opts.file!)}` };
  } catch (e) {
    throw unreadable(opts.file!, e);
  }
}

/** `remit roster …`: roster changes from the command line (docs/operations.md "Day-to-day for sales ops"). */
export function registerRosterCommand(program: Command): void {
  const roster = program.command('roster').description('Roster changes: each publishes the next org version, audited');
  roster
    .command('import-calendar')
    .description("Import a rep's calendar (.ics file or URL): busy and out-of-office events become out-of-office periods")
    .requiredOption('--rep <repId>', 'the rep')
    .option('--file <path>', 'an .ics file')
    .option('--url <url>', 'an .ics URL (fetched with the webhook SSRF guard; REMIT_WEBHOOK_ALLOW applies)')
    .option('--days <n>', 'days ahead to import', String(DEFAULT_IMPORT_DAYS))
    .option('--expect-version <hash>', 'refuse (CONFLICT) unless this version is still in force')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .action(async (opts: ImportOptions) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > 366)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--days', message: 'a whole number of days, 1 to 366' }]);
      const calendar = await calendarInput(opts);
      const env = runtimeEnv();
      const store = await openStore({ url: opts.db ?? env.databaseUrl });
      try {
        const inForce = await store.orgVersions.current();
        const org = inForce ? await compileStoredOrg(store, inForce.hash) : undefined;
        if (!org) throw new CliFailure('NOT_FOUND', 'no org version is in force in this store (start `remit serve` once)');
        const orgs = new OrgRegistry(store, systemClock, org);
        const actor = cliActor();
        const principal: Principal = { userId: actor, name: actor, roles: ['admin'], repId: null, keyId: null };
        const webhookTargets = new WebhookTargetPolicy(parseWebhookAllow(env.webhookAllow));
        const done = await importRepCalendar({ orgs, clock: systemClock, store, ids: randomIds(), webhookTargets }, principal, {
          repId: opts.rep,
          calendar,
          days,
          ...(opts.expectVersion ? { expectedVersionHash: opts.expectVersion } : {}),
        });
        if (!done.ok) throw CliFailure.from(done.error);
        process.stdout.write(`${JSON.stringify(done.value, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });
}
