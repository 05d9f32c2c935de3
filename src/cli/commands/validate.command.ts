import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { regulationAdvice } from '../../domain/org/regulation-advice.ts';
import { configFailure } from '../cli-io.ts';
import { EXAMPLE_OPTION_HELP, requiredConfig } from '../example-config.ts';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a config; lists every problem as file: path: message (exit 2 when invalid), then warnings and notes on stderr (exit 0)',
    )
    .option('--config <path>', 'config directory or file')
    .option('--example <name>', EXAMPLE_OPTION_HELP)
    .action(async (opts: { config?: string; example?: string }) => {
      const loaded = await loadConfig(requiredConfig(opts, 'config'));
      if (!loaded.ok) throw configFailure(loaded.error);
      const { org, files } = loaded.value;
      const reps = org.repsById.size;
      process.stdout.write(
        `ok: ${files.length} file(s), ${org.teams.length} teams, ${reps} reps, ${org.config.licences.length} licences, ` +
          `${org.rules.length} rules\nversion ${org.version} ${org.hash}\n`,
      );
      // Advice on a valid config (docs/cli.md): printed, never failing — the config is valid as it stands.
      for (const a of regulationAdvice(org)) process.stderr.write(`${a.level} ${a.code}: ${a.message}\n`);
    });
}
