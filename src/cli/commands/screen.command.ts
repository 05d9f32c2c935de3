/**
 * `remit screen` — screen a name or a CSV of people against sanctions/PEP lists; `remit screen pairs` — score
 * name pairs. Thin layer over src/screening. Failures are reported like every other command's (docs/errors.md):
 * 2 invalid input, 1 unexpected.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { BatchInputError, scorePairsCsv, screenPeopleCsv } from '../../screening/batch-screen.ts';
import { ListLoadError } from '../../screening/list-error.ts';
import { formatLoadWarnings } from '../../screening/list-warnings.ts';
import { ScreeningService } from '../../screening/screening-service.ts';
import { DEFAULT_THRESHOLD } from '../../screening/matcher.ts';
import { DEFAULT_SCREENING_POLICY, type ScreeningPolicy } from '../../domain/org/screening-policy.schema.ts';
import { formatEvalReport, screenPeople, scorePairs, type EvalHalf } from '../../screening/screening-eval.ts';
import { loadConfig } from '../../config/load-config.ts';
import { CliFailure, configFailure } from '../cli-io.ts';
import { chosenConfig, EXAMPLE_OPTION_HELP } from '../example-config.ts';

/** A bad argument: ARGUMENT_INVALID (exit 2) through the one CLI failure reporter. */
const usage = (path: string, message: string) => new CliFailure('ARGUMENT_INVALID', message, [{ path, message }]);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseThreshold(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const t = Number(v);
  if (!Number.isFinite(t) || t < 0 || t > 1) throw usage('--threshold', `--threshold must be a number in [0,1], got ${v}`);
  return t;
}

/** List and batch input problems are invalid input (exit 2); anything else is unexpected and reported by runCli. */
async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ListLoadError)
      throw new CliFailure('INPUT_UNREADABLE', e.message, [
        { file: e.file, path: e.line === undefined ? '' : `line ${e.line}`, message: e.detail },
      ]);
    if (e instanceof BatchInputError)
      throw new CliFailure('INPUT_UNREADABLE', e.message, [{ path: e.line === undefined ? '' : `line ${e.line}`, message: e.message }]);
    throw e;
  }
}

function openOut(path: string | undefined): { out: Writable; done: () => Promise<void> } {
  if (!path) return { out: process.stdout, done: async () => {} };
  const out = createWriteStream(path);
  return {
    out,
    done: async () => {
      out.end();
      await once(out, 'finish');
    },
  };
}

function openIn(path: string) {
  const s = createReadStream(path);
  // surface a missing file as invalid input (exit 2)
  s.on('error', () => {});
  return s;
}

async function assertReadable(path: string): Promise<void> {
  const { access } = await import('node:fs/promises');
  try {
    await access(path);
  } catch {
    throw new CliFailure('INPUT_UNREADABLE', `cannot read ${path}`, [{ file: path, path: '', message: 'cannot read' }]);
  }
}

interface ScreenOpts {
  config?: string;
  example?: string;
  list?: string[];
  name?: string;
  dob?: string;
  country?: string;
  kind?: string;
  in?: string;
  out?: string;
  threshold?: string;
  limit?: string;
  imo?: string;
  imoCompany?: string;
  mmsi?: string;
  formerName?: string[];
  pairs?: string[];
  positives?: string[];
  negatives?: string[];
  pairThreshold?: string;
  half?: string;
  json?: boolean;
}

/**
 * The screening policy to screen with: the org's (`--config` / `--example`: review line, weights, name-comparison
 * parameters), else the defaults. Name pairs (`screen pairs`, eval `--pairs`) measure similarity, not the policy.
 */
async function screeningPolicy(opts: ScreenOpts): Promise<ScreeningPolicy> {
  const path = chosenConfig(opts, 'config');
  if (path === undefined) return DEFAULT_SCREENING_POLICY;
  const loaded = await loadConfig(path);
  if (!loaded.ok) throw configFailure(loaded.error);
  return loaded.value.org.config.screening;
}

async function runPairs(opts: ScreenOpts): Promise<void> {
  const threshold = parseThreshold(opts.threshold, DEFAULT_THRESHOLD);
  if (!opts.in) throw usage('--in', 'screen pairs needs --in <csv> (columns schema,name1,name2)');
  await assertReadable(opts.in);
  const { out, done } = openOut(opts.out);
  const summary = await scorePairsCsv(openIn(opts.in), out, threshold);
  await done();
  process.stderr.write(`scored ${summary.rows} pairs, ${summary.matches} matches at threshold ${threshold}\n`);
}

/** Scores labelled pairs and people positives/negatives; one implementation with the bench (screening-eval.ts). */
async function runEval(opts: ScreenOpts): Promise<void> {
  const pairs = opts.pairs ?? [];
  const positives = opts.positives ?? [];
  const negatives = opts.negatives ?? [];
  if (pairs.length + positives.length + negatives.length === 0)
    throw usage('--pairs', 'screen eval needs at least one --pairs, --positives or --negatives CSV');
  const half = (opts.half ?? 'all') as EvalHalf;
  if (!['dev', 'held', 'all'].includes(half)) throw usage('--half', `--half must be dev, held or all, got ${opts.half}`);
  const pairThreshold = parseThreshold(opts.pairThreshold, DEFAULT_THRESHOLD);
  const policy = await screeningPolicy(opts);
  const threshold = parseThreshold(opts.threshold, policy.reviewThreshold);
  if (positives.length + negatives.length > 0 && (!opts.list || opts.list.length === 0))
    throw usage('--list', 'scoring --positives/--negatives needs at least one --list');
  for (const f of [...pairs, ...positives, ...negatives]) await assertReadable(f);
  const pairReports = pairs.map((f) => scorePairs(f, pairThreshold, half));
  const peopleReports = [];
  if (positives.length + negatives.length > 0) {
    const service = new ScreeningService({ now: () => new Date() });
    service.loadAll(opts.list!);
    for (const f of positives) peopleReports.push(screenPeople(service, f, 'positive', { policy, threshold }, 10, half));
    for (const f of negatives) peopleReports.push(screenPeople(service, f, 'negative', { policy, threshold }, 10, half));
  }
  const { out, done } = openOut(opts.out);
  out.write(
    opts.json
      ? `${JSON.stringify({ pairs: pairReports, people: peopleReports }, null, 2)}\n`
      : formatEvalReport(pairReports, peopleReports),
  );
  await done();
}

async function runScreen(opts: ScreenOpts): Promise<void> {
  // Screening people applies the screening policy's review line to the name score (docs/screening.md).
  const policy = await screeningPolicy(opts);
  const threshold = parseThreshold(opts.threshold, policy.reviewThreshold);
  const limit = Number(opts.limit ?? '10');
  if (!Number.isInteger(limit) || limit < 1) throw usage('--limit', '--limit must be a positive integer');
  if (!opts.list || opts.list.length === 0) throw usage('--list', 'at least one --list is required');
  if (!opts.name && !opts.in) throw usage('--name', 'give --name or --in');
  if (opts.name && opts.in) throw usage('--in', 'give either --name or --in, not both');
  const kind = opts.kind?.toLowerCase();
  if (kind && !['person', 'organisation', 'organization', 'vessel', 'aircraft'].includes(kind))
    throw usage('--kind', `unknown --kind ${opts.kind}`);
  if (opts.in) await assertReadable(opts.in);
  const service = new ScreeningService({ now: () => new Date() });
  const versions = service.loadAll(opts.list);
  // docs/screening.md "Load warnings": on stderr whatever the output, so a --name answer on stdout stays JSON
  for (const v of versions)
    if (v.warnings) process.stderr.write(`list ${v.listId}: left out values it cannot use: ${formatLoadWarnings(v.warnings)}\n`);
  const { out, done } = openOut(opts.out);
  if (opts.name) {
    const res = service.screen(
      {
        name: opts.name,
        ...(opts.dob ? { dob: opts.dob } : {}),
        ...(opts.country ? { country: opts.country } : {}),
        ...(kind ? { kind: kind === 'organization' ? 'organisation' : (kind as 'person') } : {}),
        ...(opts.imo ? { imo: opts.imo } : {}),
        ...(opts.mmsi ? { mmsi: opts.mmsi } : {}),
        ...(opts.imoCompany ? { identifiers: [`IMO company ${opts.imoCompany}`] } : {}),
        ...(opts.formerName && opts.formerName.length > 0 ? { formerNames: opts.formerName } : {}),
      },
      { policy, threshold, limit },
    );
    out.write(`${JSON.stringify(res, null, 2)}\n`);
    await done();
    return;
  }
  const summary = await screenPeopleCsv(service, openIn(opts.in!), out, { policy, threshold, limit });
  await done();
  process.stderr.write(
    `screened ${summary.rows} rows, ${summary.matches} potential matches, lists: ` +
      `${versions.map((v) => `${v.listId}(${v.entryCount}, sha256 ${v.sha256.slice(0, 12)})`).join(', ')}\n`,
  );
}

/**
 * Adds `screen` to the program:
 *   remit screen --list <[type:]path> [--list …] --name "<name>" [--dob <date>] [--country <cc>]
 *   remit screen --list … --in people.csv [--out hits.jsonl]
 *   remit screen pairs --in pairs.csv [--out out.jsonl]
 *   remit screen eval [--pairs labelled.csv …] [--list … --positives p.csv … --negatives n.csv …] [--half dev|held|all] [--json]
 * ("pairs" is an optional mode argument rather than a sub-command so that --in/--out mean the same in both.)
 */
export function registerScreenCommand(program: Command): void {
  program
    .command('screen')
    .description('screen a name (or a CSV of people) against sanctions/PEP lists; "screen pairs" scores name pairs')
    .argument('[mode]', 'optional: "pairs" to score a CSV of name pairs (columns schema,name1,name2); "eval" to measure quality')
    .option(
      '--list <path>',
      'list file or directory, optionally "type:path" (ofac-sdn, un-xml, ftm-jsonl, os-simple-csv, senzing-jsonl, blocklist-csv); ' +
        'repeatable',
      collect,
      [],
    )
    .option('--config <path>', "screen with this org's screening policy (review line, weights, name comparison); default: the defaults")
    .option('--example <name>', EXAMPLE_OPTION_HELP)
    .option('--name <name>', 'name to screen')
    .option('--dob <date>', 'date of birth (YYYY, YYYY-MM or YYYY-MM-DD)')
    .option('--country <cc>', 'nationality/country (ISO alpha-2 or name)')
    .option('--kind <kind>', 'person | organisation | vessel | aircraft')
    .option('--imo <number>', "vessel's IMO number: an equal one is decisive, a different one clears a similar name")
    .option('--mmsi <number>', "vessel's MMSI")
    .option(
      '--imo-company <number>',
      "a ship owner's or manager's IMO company number: an equal one is decisive (never compared with --imo)",
    )
    .option('--former-name <name>', 'former name (vessel "ex-" name, previous company name); repeatable', collect, [])
    .option(
      '--in <csv>',
      'input CSV: people (full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,nationality) or, with "pairs", ' +
        'schema,name1,name2',
    )
    .option('--out <jsonl>', 'output JSON lines (default stdout)')
    .option(
      '--threshold <t>',
      `name-score review line (default: the policy's, ${DEFAULT_SCREENING_POLICY.reviewThreshold} by default; pairs ${DEFAULT_THRESHOLD})`,
    )
    .option('--limit <n>', 'maximum hits per query', '10')
    .option('--pairs <csv>', 'eval: labelled name pairs (name1,name2,is_match[,schema,category]); repeatable', collect, [])
    .option('--positives <csv>', 'eval: people who must be flagged (recall); repeatable', collect, [])
    .option('--negatives <csv>', 'eval: people who must not be flagged (false-positive rate); repeatable', collect, [])
    .option('--pair-threshold <t>', `eval: name-pair match line (default ${DEFAULT_THRESHOLD})`)
    .option('--half <half>', 'eval: half of the pairs and people rows to score: dev (tuning), held (reporting) or all', 'all')
    .option('--json', 'eval: print the reports as JSON')
    .action(async (mode: string | undefined, opts: ScreenOpts) =>
      run(async () => {
        if (mode === undefined) return runScreen(opts);
        if (mode === 'pairs') return runPairs(opts);
        if (mode === 'eval') return runEval(opts);
        throw usage('mode', `unknown mode "${mode}" (expected "pairs", "eval" or none)`);
      }),
    );
}
