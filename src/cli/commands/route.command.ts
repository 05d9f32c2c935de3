import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { routableLead } from '../../app/intake/routable-lead.ts';
import { CompanyEnricher } from '../../app/intake/company-enricher.ts';
import { silentLogger } from '../../app/observability/logger.ts';
import { RemitMetrics } from '../../app/observability/remit-metrics.ts';
import { withSegment } from '../../domain/intake/company-segment.ts';
import { screenIntake } from '../../app/intake/screen-intake.ts';
import { loadConfig } from '../../config/load-config.ts';
import { decide } from '../../domain/decision/decide.ts';
import { explainDecision } from '../../domain/decision/explain.ts';
import { dottedPath, zodDetails } from '../../domain/errors/zod-details.ts';
import { scoreLead } from '../../domain/intake/score-lead.ts';
import { LeadSchema, type Lead } from '../../domain/lead/lead.schema.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { normaliseIntakeFor } from '../../domain/org/intake-product.ts';
import { EMPTY_STATE, viewOf, type RoutingStateSnapshot } from '../../domain/strategies/routing-state.ts';
import { loadListSources } from '../../config/load-list-sources.ts';
import { IdSchema } from '../../domain/org/org-config.schema.ts';
import { loadListSource } from '../../screening/list-sources.ts';
import { ListLoadError } from '../../screening/list-error.ts';
import { ScreeningService } from '../../screening/screening-service.ts';
import { CliFailure, configFailure, readJsonFile } from '../cli-io.ts';
import { EXAMPLE_OPTION_HELP, requiredConfig } from '../example-config.ts';
import { OUTCOME_EXIT_CODES } from '../exit-codes.ts';

interface RouteOptions {
  config?: string;
  example?: string;
  lead: string;
  at?: string;
  state?: string;
  decisionId?: string;
  leadId?: string;
  normalised?: boolean;
  list?: string[];
  explain?: boolean;
}

const invalidLead = (file: string, details: readonly { path: string; message: string }[], hint = '') =>
  new CliFailure(
    'LEAD_INVALID',
    `lead ${file} is invalid:\n${details.map((d) => `${file}: ${d.path || '(root)'}: ${d.message}`).join('\n')}${hint}`,
    details.map((d) => ({ file, ...d })),
  );

/** The internal routing shape (LeadSchema), as the example's sample leads are written: no normalisation, no scoring. */
function normalisedLead(raw: unknown, file: string): Lead {
  const parsed = LeadSchema.safeParse(raw);
  if (!parsed.success) throw invalidLead(file, zodDetails(parsed.error.issues, { path: dottedPath, file }));
  return parsed.data;
}

function leadId(opts: RouteOptions): string {
  if (opts.leadId === undefined) return idFromFile(opts.lead);
  if (!IdSchema.safeParse(opts.leadId).success)
    throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--lead-id', message: 'ids use letters, digits and _ . : - (max 128)' }]);
  return opts.leadId;
}

/** An id for the lead from the file name ("leads/jo chat.json" → "jo-chat"), as the API would assign one when storing it. */
const idFromFile = (file: string) =>
  basename(file, extname(file))
    .replace(/[^A-Za-z0-9_.:-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '') || 'lead';

/**
 * The lists `remit serve` would screen against: --list specs, else the config folder's screening/lists.yaml; none →
 * null (the lead is `not_screened`, as on a server without lists).
 */
async function screeningService(configPath: string, specs: readonly string[] | undefined, at: number): Promise<ScreeningService | null> {
  const now = () => new Date(at);
  const service = new ScreeningService({ now });
  try {
    if (specs && specs.length > 0) {
      service.loadAll([...specs]);
      return service;
    }
    const configured = await loadListSources(configPath);
    if (!configured.ok) throw configFailure(configured.error);
    if (!configured.value) return null;
    for (const source of configured.value.sources) service.add(loadListSource(source, now));
    return service;
  } catch (e) {
    if (e instanceof ListLoadError)
      throw new CliFailure('INPUT_UNREADABLE', undefined, [{ file: e.file, path: `line ${e.line ?? '?'}`, message: e.message }]);
    throw e;
  }
}

/**
 * The intake payload of POST /v1/leads, forms and CSV (docs/intake.md), through the same path: normalised for the
 * org (default product, unknown product), enriched (lookup file, endpoint) and segmented, scored with the org's
 * model, screened against the lists `serve` would use. No store here: no account or contact match. A failed
 * enrichment is printed on stderr and the lead routes on what it has, as in the API.
 */
async function intakeLead(org: CompiledOrg, raw: unknown, file: string, at: number, id: string, screening: ScreeningService | null) {
  const normalised = normaliseIntakeFor(org, raw, { at });
  if (!normalised.ok) {
    const internal = LeadSchema.safeParse(raw).success ? '\n(this file is in the internal routing shape: add --normalised)' : '';
    throw invalidLead(file, normalised.error, internal);
  }
  const intake = normalised.value;
  const enricher = new CompanyEnricher({ now: () => at, log: silentLogger(), metrics: new RemitMetrics({ processMetrics: false }) });
  const enriched = await enricher.enrich(org.config.enrichment, intake.lead.company);
  for (const a of enriched.record?.status === 'done' ? enriched.record.attempts : [])
    if (a.outcome === 'failed') process.stderr.write(`enrichment ${a.source} failed: ${a.code} ${a.detail}\n`);
  const score = org.config.scoring ? scoreLead(org.config.scoring, intake, at) : null;
  const company = withSegment(org.config.segments, enriched.company);
  return routableLead({ intake, score, account: null, screening: screenIntake(screening, intake, org.config.screening), company }, id);
}

export function registerRouteCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('route')
    .description(
      'Route one lead against a config and print the decision (exit 0 assigned, 3 refused, 4 held, 5 queued, 6 nurture, 2 invalid input)',
    )
    .option('--config <path>', 'config directory or file')
    .option('--example <name>', EXAMPLE_OPTION_HELP)
    .requiredOption('--lead <file>', 'lead JSON file: the intake payload of POST /v1/leads (docs/intake.md)')
    .option('--normalised', 'the lead file is in the internal routing shape (LeadSchema, as examples/bank/leads/*.json)')
    .option('--lead-id <id>', 'id of an intake lead (default: from the file name)')
    .option(
      '--list <spec>',
      'screening list ([type:]path) for an intake lead, repeatable; default: <config>/screening/lists.yaml, as remit serve',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--at <iso>', 'decision time (default: now)')
    .option('--state <file>', 'routing state snapshot JSON (round-robin ledger and loads)')
    .option('--decision-id <id>', 'decision id (default: derived from the lead id)')
    .option('--explain', 'print a readable narrative instead of JSON')
    .action(async (opts: RouteOptions) => {
      const at = opts.at === undefined ? Date.now() : Date.parse(opts.at);
      if (Number.isNaN(at)) throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--at', message: `not an ISO time: ${opts.at}` }]);
      const configPath = requiredConfig(opts, 'config');
      const loaded = await loadConfig(configPath);
      if (!loaded.ok) throw configFailure(loaded.error);
      const org = loaded.value.org;
      const raw = await readJsonFile(opts.lead);
      const lead = opts.normalised
        ? normalisedLead(raw, opts.lead)
        : await intakeLead(org, raw, opts.lead, at, leadId(opts), await screeningService(configPath, opts.list, at));
      const snapshot = opts.state ? ((await readJsonFile(opts.state)) as RoutingStateSnapshot) : EMPTY_STATE;
      const { decision } = decide({ org, lead, at, state: viewOf(snapshot), decisionId: opts.decisionId ?? `dec-${lead.id}` });
      process.stdout.write(opts.explain ? `${explainDecision(decision)}\n` : `${JSON.stringify(decision, null, 2)}\n`);
      exit(OUTCOME_EXIT_CODES[decision.outcome]);
    });
}
