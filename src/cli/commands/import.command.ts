import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { importCsv, type ImportSummary } from '../../app/sources/import/import-csv.use-case.ts';
import { loadConfig } from '../../config/load-config.ts';
import { IMPORT_KINDS, type ImportKind } from '../../domain/sources/import-mapping.schema.ts';
import { CliFailure, configFailure, readYamlFile, unreadable } from '../cli-io.ts';
import { chosenConfig, EXAMPLE_OPTION_HELP } from '../example-config.ts';
import { composeService, DEFAULT_CONFIG } from '../compose-service.ts';
import { ProgressBar } from '../progress-bar.ts';
import { silentLogger } from '../../app/observability/logger.ts';

interface ImportOpts {
  kind: string;
  mapping?: string;
  dryRun?: boolean;
  db?: string;
  config?: string;
  example?: string;
  report?: string;
  json?: boolean;
  progressEvery?: string;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function printSummary(s: ImportSummary, reportPath: string, json: boolean): void {
  const out = { ...s, report: reportPath, peakRssMb: peakRssMb() };
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const counts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  process.stdout.write(
    `${s.dryRun ? 'dry run (nothing stored): ' : ''}${s.rows} ${s.kind} row(s) in ${(s.elapsedMs / 1000).toFixed(1)} s ` +
      `(${s.rowsPerSecond} rows/s): ` +
      `${counts || 'nothing'}${s.replayed > 0 ? ` (${s.replayed} already imported by an earlier run: nothing new)` : ''}\nreport: ` +
      `${reportPath}\npeak RSS: ${out.peakRssMb} MB\n`,
  );
}

/**
 * `remit import <file.csv>` — leads (default), accounts or a suppression list; streams the file,
 * draws progress on stderr and writes a per-row report next to the file. Thin: the work is importCsv().
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import a CSV of leads (through the same pipeline as the API), accounts (--kind accounts), a do-not-contact list (--kind ' +
        'suppression) or lead outcomes (--kind outcomes); writes <file>.report.csv',
    )
    .argument('<file>', 'CSV file with a header line')
    .option('--kind <kind>', `what the file holds: ${IMPORT_KINDS.join(' | ')}`, 'leads')
    .option('--mapping <file>', 'YAML mapping of columns to fields (docs/sources.md); default: conventional column names')
    .option('--dry-run', 'validate and report every row; store nothing')
    .option('--db <url>', 'store: postgres://…, sqlite:PATH or a file path (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option('--config <path>', 'org/rules config directory or file (default: the example bank org)')
    .option('--example <name>', EXAMPLE_OPTION_HELP)
    .option('--report <file>', 'where to write the per-row report (default: <file>.report.csv, or <file>.dry-run.report.csv)')
    .option('--json', 'print the summary as JSON')
    .option('--progress-every <seconds>', 'when not on a terminal: print a progress line this often', '5')
    .action(async (file: string, opts: ImportOpts) => {
      if (!(IMPORT_KINDS as readonly string[]).includes(opts.kind))
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--kind', message: `expected one of ${IMPORT_KINDS.join(', ')}` }]);
      const kind = opts.kind as ImportKind;
      const path = resolve(file);
      let info;
      try {
        info = await stat(path);
      } catch (e) {
        throw unreadable(file, e);
      }
      const mapping = opts.mapping ? await readYamlFile(opts.mapping) : null;
      const reportPath = opts.report ?? `${file}${opts.dryRun ? '.dry-run' : ''}.report.csv`;
      const everyMs = Math.max(0.1, Number(opts.progressEvery) || 5) * 1000;

      const configPath = chosenConfig(opts, 'config');
      let service: Awaited<ReturnType<typeof composeService>> | null = null;
      let org;
      if (opts.dryRun) {
        const loaded = await loadConfig(configPath ?? DEFAULT_CONFIG);
        if (!loaded.ok) throw configFailure(loaded.error);
        org = loaded.value.org;
      } else {
        service = await composeService({ configPath, databaseUrl: opts.db, log: silentLogger(), requestLogs: false });
        org = service.ctx.orgs.current;
      }
      try {
        const input = createReadStream(path, { highWaterMark: 256 * 1024 });
        const report = createWriteStream(reportPath);
        const bar = new ProgressBar({ out: process.stderr, totalBytes: info.size, label: `import ${kind}`, plainEveryMs: everyMs });
        const result = await importCsv({
          kind,
          file: path,
          input,
          report,
          mapping,
          org,
          ctx: service?.ctx ?? null,
          now: Date.now,
          consentAt: info.mtime.toISOString(),
          onProgress: (p) => bar.update(p.rows, input.bytesRead, `invalid ${p.counts.invalid}`),
        });
        if (!result.ok) throw CliFailure.from(result.error);
        bar.finish(result.value.rows, input.bytesRead, `invalid ${result.value.counts.invalid}`);
        printSummary(result.value, reportPath, opts.json === true);
      } finally {
        if (service) {
          await service.app.close();
          await service.store.close();
        }
      }
    });
}
