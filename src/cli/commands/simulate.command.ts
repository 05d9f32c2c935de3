import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { simulateDraft } from '../../app/routing/simulate.use-case.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openStore, resolveStoreTarget } from '../../store/open-store.ts';
import { CliFailure, configFailure } from '../cli-io.ts';
import { formatSimulation } from '../simulation-table.ts';
import { EXAMPLE_OPTION_HELP, requiredConfig } from '../example-config.ts';
import { runtimeEnv } from '../runtime-config.ts';
import { readOutcomeRewards } from '../outcomes-file.ts';
import { storedOutcomeEvidence } from '../../app/outcomes/conversion-model-store.ts';

interface SimulateOpts {
  draft?: string;
  policy?: string;
  outcomes?: string;
  example?: string;
  since?: string;
  limit: string;
  db?: string;
  json?: boolean;
}

export const MAX_SIMULATION_LEADS = 1_000_000;

/** YYYY-MM-DD (00:00 UTC) or an ISO instant → ISO instant; undefined when invalid. */
export function parseSince(text: string): string | undefined {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * `remit simulate --draft <config>` (docs/sources.md): replays recorded leads against a draft org version and
 * prints what would change. Read-only: the store is opened without migrations and never written.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Replay recorded leads against a draft org/rule config and print the diff (team/rep changes, new refusals and holds, fairness); ' +
        'changes nothing',
    )
    .option('--draft <path>', 'draft org/rules config directory or file')
    .option('--policy <path>', 'the proposed policy: a draft config, as --draft (with --outcomes: evaluated off-policy)')
    .option(
      '--outcomes <csv>',
      'known outcomes (leadId,outcome) instead of the stored ones: IPS and doubly robust estimates for the draft (docs/outcome-routing.md)',
    )
    .option('--example <name>', `the draft is ${EXAMPLE_OPTION_HELP}`)
    .option('--since <date>', 'only leads received from this date (YYYY-MM-DD, UTC) or instant')
    .option('--limit <n>', `at most this many leads, oldest first (max ${MAX_SIMULATION_LEADS})`, '10000')
    .option('--db <url>', 'store: postgres://…, sqlite:PATH or a file path (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option('--json', 'print the diff as JSON')
    .action(async (opts: SimulateOpts) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SIMULATION_LEADS)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--limit', message: `an integer from 1 to ${MAX_SIMULATION_LEADS}` }]);
      const since = opts.since === undefined ? undefined : parseSince(opts.since);
      if (opts.since !== undefined && since === undefined)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--since', message: 'a date (YYYY-MM-DD) or an ISO instant' }]);
      const loaded = await loadConfig(requiredConfig({ ...opts, draft: opts.draft ?? opts.policy }, 'draft'));
      const rewards = opts.outcomes === undefined ? undefined : readOutcomeRewards(opts.outcomes);
      if (!loaded.ok) throw configFailure(loaded.error);
      const databaseUrl = opts.db ?? runtimeEnv().databaseUrl;
      const target = resolveStoreTarget(databaseUrl);
      // Read-only: never create a database file, never migrate.
      if (target.kind === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) {
        throw new CliFailure('INPUT_UNREADABLE', undefined, [
          { file: target.path, path: '', message: 'no such database (simulate reads recorded leads; it never creates a store)' },
        ]);
      }
      const store = await openStore({ url: databaseUrl, migrate: false });
      try {
        let diff;
        try {
          // The draft's outcome-aware steps learn from the stored outcomes as the replay goes; --policy evaluates
          // against the stored outcomes unless a file names others.
          const stored = await storedOutcomeEvidence(store);
          const evaluated = rewards ?? (opts.policy !== undefined ? stored.rewards : undefined);
          diff = await simulateDraft(store, loaded.value.org, {
            since,
            limit,
            outcomeFacts: stored.facts,
            ...(evaluated ? { rewards: evaluated } : {}),
          });
        } catch (e) {
          if (/no such table|does not exist/i.test((e as Error).message))
            throw new CliFailure('INPUT_UNREADABLE', undefined, [
              { path: '', message: `not a Remit store (or not migrated): ${(e as Error).message}` },
            ]);
          throw e;
        }
        process.stdout.write(opts.json ? `${JSON.stringify(diff, null, 2)}\n` : formatSimulation(diff));
      } finally {
        await store.close();
      }
    });
}
