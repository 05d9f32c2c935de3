import type { Command } from 'commander';
import { rescreenJobView } from '../../app/screening/rescreen-jobs.ts';
import { openStore } from '../../store/open-store.ts';
import { CliFailure } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';

type View = ReturnType<typeof rescreenJobView>;

function line(j: View): string {
  const report = !j.report
    ? ''
    : 'kind' in j.report
      ? `, ${j.report.rescreened} re-screened: ${j.report.released} released, ${j.report.heldAsMatches} held as matches, ` +
        `${j.report.unchanged} unchanged, ${j.report.failed} failed`
      : `, ${j.report.newlyHeld.length} newly held, ${j.report.failed} failed`;
  const lists = j.lists.map((l) => `${l.listId} +${l.added} ~${l.changed} -${l.removed}`).join('; ');
  const progress = `${j.progress.entriesDone}/${j.progress.entries} entries${report}`;
  return `${j.id}  ${j.status.padEnd(7)} ${progress}  (${j.trigger} by ${j.requestedBy} at ${j.createdAt}; ${lists})`;
}

/**
 * `remit rescreens [id]`: the delta re-screening jobs in the store (docs/screening.md "Re-screen jobs"), newest first,
 * or one with its report: what `GET /v1/screening/rescreens` shows, for an operator on the host.
 */
export function registerRescreensCommand(program: Command): void {
  program
    .command('rescreens')
    .description('Delta re-screening jobs after list changes (status, progress, report), newest first; or one by id')
    .argument('[id]', 'one job, with its report')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option('--limit <n>', 'how many jobs (1-100)', '20')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, opts: { db?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--limit', message: 'a whole number from 1 to 100' }]);
      const store = await openStore({ url: opts.db ?? runtimeEnv().databaseUrl });
      try {
        if (id !== undefined) {
          const job = await store.rescreenJobs.get(id);
          if (!job) throw new CliFailure('NOT_FOUND', `no re-screen job ${id}`, [{ path: 'id', message: 'no such re-screen job' }]);
          const view = rescreenJobView(job);
          process.stdout.write(
            opts.json ? `${JSON.stringify(view, null, 2)}\n` : `${line(view)}\n${JSON.stringify(view.report, null, 2)}\n`,
          );
          return;
        }
        const views = (await store.rescreenJobs.list({ limit })).map(rescreenJobView);
        process.stdout.write(opts.json ? `${JSON.stringify(views, null, 2)}\n` : views.map((v) => `${line(v)}\n`).join(''));
      } finally {
        await store.close();
      }
    });
}
