import type { Readable, Writable } from 'node:stream';
import type { z } from 'zod';
import { dottedPath, zodDetails } from '../../../domain/errors/zod-details.ts';
import type { CompiledOrg } from '../../../domain/org/compiled-org.ts';
import { err, ok, type Result } from '../../../domain/shared/result.ts';
import {
  AccountImportMappingSchema,
  conventionalLeadMapping,
  LeadImportMappingSchema,
  OutcomeImportMappingSchema,
  SuppressionImportMappingSchema,
  type ImportKind,
} from '../../../domain/sources/import-mapping.schema.ts';
import { failure, type AppFailure } from '../../shared/app-error.ts';
import type { ServiceContext } from '../../shared/service-context.ts';
import { accountRowImporter } from './account-row-importer.ts';
import { CsvFormatError, csvRows } from './csv-rows.ts';
import { IMPORT_ROW_STATUSES, ImportReportWriter, type ImportRowStatus } from './import-report.ts';
import { leadRowImporter } from './lead-row-importer.ts';
import { ImportSetupError, type RowImporter } from './row-importer.ts';
import { suppressionRowImporter } from './suppression-row-importer.ts';
import { outcomeRowImporter } from './outcome-row-importer.ts';
import { orderedWindow } from '../../intake/ordered-window.ts';

export interface ImportProgress {
  readonly rows: number;
  readonly counts: Readonly<Record<ImportRowStatus, number>>;
}

export interface ImportCsvOptions {
  readonly kind: ImportKind;
  /** The file's resolved path: part of each row's idempotency key, and shown in messages. */
  readonly file: string;
  readonly input: Readable;
  /** Where the per-row report CSV goes. */
  readonly report: Writable;
  /** The parsed mapping file, or null for the conventional column names. */
  readonly mapping: unknown;
  readonly org: CompiledOrg;
  /** The service to ingest into; null = dry run (validate only, nothing is written). */
  readonly ctx: ServiceContext | null;
  readonly now: () => number;
  /** Consent time for rows without a mapped consent-time column: stable across runs (the file's mtime). */
  readonly consentAt: string;
  readonly onProgress?: (p: ImportProgress) => void;
}

export interface ImportSummary {
  readonly kind: ImportKind;
  readonly file: string;
  readonly dryRun: boolean;
  readonly rows: number;
  readonly counts: Readonly<Record<ImportRowStatus, number>>;
  /** Rows an earlier run had already imported (answered from the idempotency record; nothing new was created). */
  readonly replayed: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
}

function buildImporter(o: ImportCsvOptions, header: readonly string[], mapping: unknown): RowImporter {
  const store = o.ctx?.store ?? null;
  switch (o.kind) {
    case 'leads': {
      const m = mapping === null ? conventionalLeadMapping(header) : (mapping as z.infer<typeof LeadImportMappingSchema>);
      return leadRowImporter({
        mapping: m,
        header,
        fileKey: o.file,
        consentAt: o.consentAt,
        ctx: o.ctx,
        dryRun: o.ctx ? null : { org: o.org, now: o.now },
      });
    }
    case 'accounts':
      return accountRowImporter({
        header,
        mapping: mapping as z.infer<typeof AccountImportMappingSchema> | null,
        org: o.org,
        store,
        now: o.now,
      });
    case 'suppression':
      return suppressionRowImporter({
        header,
        mapping: mapping as z.infer<typeof SuppressionImportMappingSchema> | null,
        file: o.file,
        store,
        now: o.now,
      });
    case 'outcomes':
      return outcomeRowImporter({
        header,
        mapping: mapping as z.infer<typeof OutcomeImportMappingSchema> | null,
        file: o.file,
        ctx: o.ctx,
      });
  }
}

const MAPPING_SCHEMAS = {
  leads: LeadImportMappingSchema,
  accounts: AccountImportMappingSchema,
  suppression: SuppressionImportMappingSchema,
  outcomes: OutcomeImportMappingSchema,
} as const;

/**
 * `remit import` (docs/sources.md): streams a CSV (only a few rows in memory at any time), turns each
 * row into a lead (through ingestLead, the API's pipeline), an account or suppression entries, and
 * writes one report line per row in file order. Row failures are reported, never fatal; the file
 * itself being unreadable, or the mapping not fitting it, stops the import before anything is written.
 */
export async function importCsv(o: ImportCsvOptions): Promise<Result<ImportSummary, AppFailure>> {
  let mapping: unknown = null;
  if (o.mapping !== null && o.mapping !== undefined) {
    const withKind = o.kind === 'leads' ? o.mapping : { kind: o.kind, ...(o.mapping as object) };
    const parsed = MAPPING_SCHEMAS[o.kind].safeParse(withKind);
    if (!parsed.success)
      return failure(
        'ARGUMENT_INVALID',
        `the mapping file is not a valid ${o.kind} mapping`,
        zodDetails(parsed.error.issues, { path: dottedPath }),
      );
    mapping = parsed.data;
  }
  const delimiter = (mapping as { delimiter?: string } | null)?.delimiter;
  const counts = Object.fromEntries(IMPORT_ROW_STATUSES.map((s) => [s, 0])) as Record<ImportRowStatus, number>;
  const report = new ImportReportWriter(o.report);
  const started = performance.now();
  let rows = 0;
  let replayed = 0;
  let importer: RowImporter | null = null;
  let header: readonly string[] = [];
  try {
    await report.header();
    const rowsOfFile = csvRows(o.input, { delimiter, onHeader: (h) => (header = h) });
    // The importer's window of rows in flight at once (bounded, so memory is): counted and reported in file order.
    await orderedWindow(rowsOfFile, {
      get width() {
        return importer?.window ?? 1;
      },
      run: (row, _index, inOrder) => (importer ??= buildImporter(o, header, mapping)).handle(row, inOrder),
      done: async (result, row) => {
        counts[result.status] += 1;
        if (result.replayed === true) replayed += 1;
        rows += 1;
        await report.row(row.row, row.line, result);
        o.onProgress?.({ rows, counts });
      },
    });
    importer ??= buildImporter(o, header, mapping);
    await importer.flush();
  } catch (e) {
    await report.end().catch(() => {});
    if (e instanceof ImportSetupError) return failure('ARGUMENT_INVALID', e.message);
    if (e instanceof CsvFormatError)
      return failure('INPUT_UNREADABLE', `${o.file}${e.line ? `:${e.line}` : ''}: ${e.message}`, [
        { path: e.line ? `line ${e.line}` : '', message: e.message },
      ]);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EACCES')
      return failure('INPUT_UNREADABLE', `cannot read ${o.file}: ${(e as Error).message}`);
    return err({ code: 'INTERNAL', message: `import stopped at data row ${rows + 1}: ${(e as Error).message}`, details: [] });
  }
  await report.end();
  const elapsedMs = performance.now() - started;
  return ok({
    kind: o.kind,
    file: o.file,
    dryRun: o.ctx === null,
    rows,
    counts,
    replayed,
    elapsedMs: Math.round(elapsedMs),
    rowsPerSecond: Math.round((rows / Math.max(elapsedMs, 1)) * 1000),
  });
}
