import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { csvText, type CsvCell } from '../domain/shared/csv-text.ts';

/** `?format=csv` on a metrics table: the same rows as a download (docs/outcomes.md "CSV export"). */
export const FormatQuery = z.enum(['json', 'csv']).default('json').describe('json (default) or csv: the table as a CSV download');

export function sendCsv(reply: FastifyReply, name: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csvText(header, rows));
}
