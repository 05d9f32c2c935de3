import { basename } from 'node:path';
import type { OutcomeImportMapping } from '../../../domain/sources/import-mapping.schema.ts';
import { OutcomeInputSchema } from '../../../domain/outcomes/outcome-input.ts';
import { zodDetails } from '../../../domain/errors/zod-details.ts';
import { recordOutcome, sourceRecorder } from '../../outcomes/record-outcome.use-case.ts';
import type { ServiceContext } from '../../shared/service-context.ts';
import { resolveColumns } from './account-row-importer.ts';
import type { CsvRow } from './csv-rows.ts';
import type { ImportRowResult } from './import-report.ts';
import { firstValue, ImportSetupError, type RowImporter } from './row-importer.ts';

type OutcomeColumn = keyof OutcomeImportMapping['fields'];

const DEFAULT_COLUMNS: Readonly<Record<OutcomeColumn, readonly string[]>> = {
  leadId: ['lead_id', 'leadid', 'remit_lead_id'],
  externalId: ['external_id', 'externalid'],
  source: ['source', 'lead_source'],
  kind: ['outcome', 'kind', 'result'],
  value: ['value', 'amount', 'deal_value'],
  currency: ['currency'],
  reasonCode: ['reason_code', 'reason'],
  note: ['note', 'notes'],
  closedAt: ['closed_at', 'close_date', 'closedat'],
};

/**
 * `remit import --kind outcomes` (docs/outcomes.md): each row records one lead's outcome through the API's use case
 * (recordOutcome), by Remit lead id or by the source's external id, attributed to the file (`import:<name>`). A row with
 * a bad value or an unknown lead records nothing and is reported with its columns; a re-run records nothing again.
 */
export function outcomeRowImporter(o: {
  header: readonly string[];
  mapping: OutcomeImportMapping | null;
  file: string;
  ctx: ServiceContext | null;
}): RowImporter {
  const cols = resolveColumns(o.header, DEFAULT_COLUMNS, o.mapping?.fields ?? {});
  if (cols.leadId === undefined && cols.externalId === undefined)
    throw new ImportSetupError(`an outcomes file needs a lead_id or external_id column (header: ${o.header.join(', ')})`);
  if (cols.kind === undefined || cols.reasonCode === undefined)
    throw new ImportSetupError(`an outcomes file needs outcome and reason_code columns (header: ${o.header.join(', ')})`);
  const recorder = sourceRecorder('import', `import:${basename(o.file)}`);
  const column = (field: string) => cols[field as OutcomeColumn] ?? field;

  /** The lead the row names: its Remit id, else the lead the source's external id was taken in with. */
  const leadOf = async (row: CsvRow, ctx: ServiceContext): Promise<string | undefined> => {
    const id = firstValue(row, cols.leadId);
    if (id !== undefined) return id;
    const external = firstValue(row, cols.externalId);
    if (external === undefined) return undefined;
    const found = await ctx.store.dedupe.findLatest([`external:${firstValue(row, cols.source) ?? ''}:${external}`]);
    return found?.leadId;
  };

  return {
    async handle(row: CsvRow): Promise<ImportRowResult> {
      if (row.shapeError) return { status: 'invalid', code: 'ARGUMENT_INVALID', errors: [{ path: '', message: row.shapeError }] };
      const value = firstValue(row, cols.value);
      const parsed = OutcomeInputSchema.safeParse({
        kind: firstValue(row, cols.kind)?.toUpperCase(),
        reasonCode: firstValue(row, cols.reasonCode),
        ...(value === undefined ? {} : { value: Number(value) }),
        ...(firstValue(row, cols.currency) === undefined ? {} : { currency: firstValue(row, cols.currency) }),
        ...(firstValue(row, cols.note) === undefined ? {} : { note: firstValue(row, cols.note) }),
        ...(firstValue(row, cols.closedAt) === undefined ? {} : { closedAt: firstValue(row, cols.closedAt) }),
      });
      if (!parsed.success)
        return {
          status: 'invalid',
          code: 'OUTCOME_INVALID',
          errors: zodDetails(parsed.error.issues, { path: (p) => column(String(p[0])) }),
        };
      if (o.ctx === null) return { status: 'valid', outcome: parsed.data.kind };
      const leadId = await leadOf(row, o.ctx);
      if (leadId === undefined)
        return { status: 'invalid', code: 'NOT_FOUND', errors: [{ path: cols.leadId ?? cols.externalId!, message: 'no such lead' }] };
      const result = await recordOutcome(o.ctx, recorder, leadId, parsed.data, { detailsUnder: [] });
      if (!result.ok)
        return {
          status: 'invalid',
          code: result.error.code,
          id: leadId,
          errors: result.error.details.length
            ? result.error.details.map((d) => ({ ...d, path: column(d.path.replace(/^\//, '')) }))
            : [{ path: cols.leadId ?? cols.externalId!, message: result.error.message }],
        };
      const { outcome, replayed } = result.value;
      return {
        status: 'accepted',
        outcome: outcome.kind,
        id: leadId,
        teamId: outcome.attribution.team,
        repId: outcome.attribution.rep,
        replayed,
      };
    },
    async flush() {},
  };
}
