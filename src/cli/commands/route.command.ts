import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { decide } from '../../domain/decision/decide.ts';
import { explainDecision } from '../../domain/decision/explain.ts';
import { dottedPath, zodDetails } from '../../domain/errors/zod-details.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import { EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../domain/strategies/routing-state.ts';
import { CliFailure, configFailure, readJsonFile } from '../cli-io.ts';
import { OUTCOME_EXIT_CODES } from '../exit-codes.ts';

export function registerRouteCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('route')
    .description(
      'Route one lead against a config and print the decision (exit 0 assigned, 3 refused, 4 held, 5 queued, 6 nurture, 2 invalid input)',
    )
    .requiredOption('--config <path>', 'config directory or file')
    .requiredOption('--lead <file>', 'lead JSON file')
    .option('--at <iso>', 'decision time (default: now)')
    .option('--state <file>', 'routing state snapshot JSON (round-robin ledger and loads)')
    .option('--decision-id <id>', 'decision id (default: derived from the lead id)')
    .option('--explain', 'print a readable narrative instead of JSON')
    .action(async (opts: { config: string; lead: string; at?: string; state?: string; decisionId?: string; explain?: boolean }) => {
      const at = opts.at === undefined ? Date.now() : Date.parse(opts.at);
      if (Number.isNaN(at)) throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--at', message: `not an ISO time: ${opts.at}` }]);
      const loaded = await loadConfig(opts.config);
      if (!loaded.ok) throw configFailure(loaded.error);
      const parsed = LeadSchema.safeParse(await readJsonFile(opts.lead));
      if (!parsed.success) {
        const details = zodDetails(parsed.error.issues, { path: dottedPath, file: opts.lead });
        throw new CliFailure(
          'LEAD_INVALID',
          `lead ${opts.lead} is invalid:\n${details.map((d) => `${opts.lead}: ${d.path || '(root)'}: ${d.message}`).join('\n')}`,
          details,
        );
      }
      const snapshot = opts.state ? ((await readJsonFile(opts.state)) as RoutingStateSnapshot) : EMPTY_STATE;
      const { decision } = decide({
        org: loaded.value.org,
        lead: parsed.data,
        at,
        state: viewOf(snapshot),
        decisionId: opts.decisionId ?? `dec-${parsed.data.id}`,
      });
      process.stdout.write(opts.explain ? `${explainDecision(decision)}\n` : `${JSON.stringify(decision, null, 2)}\n`);
      exit(OUTCOME_EXIT_CODES[decision.outcome]);
    });
}
