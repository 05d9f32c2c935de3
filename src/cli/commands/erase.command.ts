import type { Command } from 'commander';
import { eraseLead } from '../../app/privacy/erase-lead.use-case.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import { retentionInForce } from '../../app/privacy/retention.use-case.ts';
import { openStore } from '../../store/open-store.ts';
import { CliFailure } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';

export function registerEraseCommand(program: Command): void {
  program
    .command('erase <leadId>')
    .description(
      "Erase a lead's personal data (C8); decision records and the audit log stay, verifiable, with the retention basis recorded",
    )
    .requiredOption('--reason <text>', 'why (e.g. "GDPR Art. 17 request 2026-11-30, ticket 4711")')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .action(async (leadId: string, opts: { reason: string; db?: string }) => {
      const store = await openStore({ url: opts.db ?? runtimeEnv().databaseUrl });
      try {
        const retention = await retentionInForce(store);
        const r = await eraseLead({ store, clock: systemClock, retention }, 'cli', leadId, opts.reason);
        if (!r.ok) throw CliFailure.from(r.error);
        process.stdout.write(`${JSON.stringify(r.value, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });
}
