import type { Command } from 'commander';
import { systemClock } from '../../app/shared/system-clock.ts';
import { applyRetention, retentionInForce, type RetentionAction, type RetentionReport } from '../../app/privacy/retention.use-case.ts';
import { openStore } from '../../store/open-store.ts';
import { CliFailure } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';

function describe(report: RetentionReport): string {
  const verb = (a: RetentionAction) => (report.dryRun ? `would ${a.action}` : a.action === 'erase' ? 'erased' : 'deleted');
  const lines = [`retention ${report.dryRun ? 'dry run' : 'run'} at ${report.at}`];
  for (const a of report.actions) {
    const failed = a.failed?.length ? `, ${a.failed.length} failed (${a.failed.map((f) => `${f.leadId}: ${f.code}`).join('; ')})` : '';
    const more = a.more ? ', more left for the next pass' : '';
    lines.push(`  ${a.category}: ${verb(a)} ${a.count} older than ${a.cutoff} (period ${a.period})${failed}${more}`);
  }
  if (report.keptIndefinitely.length > 0) lines.push(`  kept until erased on request (no period): ${report.keptIndefinitely.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function registerRetentionCommand(program: Command): void {
  const retention = program
    .command('retention')
    .description('Retention periods per data category (org config `retention`, docs/operations.md)');
  retention
    .command('run')
    .description('Apply the retention periods of the org version in force: erase leads and delete records past their period, audited')
    .option('--dry-run', 'report what would be erased or deleted; change nothing')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option('--at <instant>', 'with --dry-run: what a run at this ISO instant would do (planning)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { dryRun?: boolean; db?: string; json?: boolean; at?: string }) => {
      const at = opts.at === undefined ? undefined : Date.parse(opts.at);
      if (at !== undefined && (opts.dryRun !== true || Number.isNaN(at))) {
        const message = 'an ISO instant, and only with --dry-run (a real run erases as of now)';
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--at', message }]);
      }
      const clock = at === undefined ? systemClock : { now: () => at };
      const store = await openStore({ url: opts.db ?? runtimeEnv().databaseUrl });
      try {
        const policy = await retentionInForce(store);
        const dryRun = opts.dryRun === true;
        const passes: RetentionReport[] = [];
        // A real run repeats passes until nothing is left; a dry run lists one pass's worth per category.
        do passes.push(await applyRetention({ store, clock, retention: policy }, { dryRun }));
        while (!dryRun && passes.at(-1)!.actions.some((a) => a.more === true && a.count > 0));
        const report = merge(passes);
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
        const failed = report.actions.flatMap((a) => a.failed ?? []);
        if (failed.length > 0) {
          const details = failed.map((f) => ({ path: f.leadId, message: `${f.code}: ${f.message}` }));
          throw new CliFailure('RETENTION_INCOMPLETE', `${failed.length} erasure(s) failed; the next run tries again`, details);
        }
      } finally {
        await store.close();
      }
    });
}

/** The passes of one run as one report (counts added, lead ids and failures concatenated). */
function merge(passes: readonly RetentionReport[]): RetentionReport {
  const [first] = passes;
  if (passes.length === 1) return first!;
  const actions = first!.actions.map((a, i) => {
    const all = passes.map((p) => p.actions[i]!);
    const leadIds = all.flatMap((x) => x.leadIds ?? []);
    const failed = all.flatMap((x) => x.failed ?? []);
    const count = all.reduce((n, x) => n + x.count, 0);
    return { ...a, count, ...(a.leadIds ? { leadIds } : {}), ...(failed.length ? { failed } : {}), more: all.at(-1)!.more ?? false };
  });
  return { ...first!, actions };
}
