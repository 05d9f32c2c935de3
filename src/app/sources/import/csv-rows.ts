import { CsvError, parse } from 'csv-parse';
import type { Readable } from 'node:stream';

/** One data row of a CSV file: its values by column name, where it was, and its exact text (for idempotency keys). */
export interface CsvRow {
  /** 1-based data row number (the header is row 0). */
  readonly row: number;
  /** 1-based line in the file where the row ends. */
  readonly line: number;
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly raw: string;
  /** Set when the row does not have as many columns as the header. */
  readonly shapeError: string | null;
}

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}

/**
 * Streams a CSV file row by row (csv-parse stream API; pulling with `for await` applies
 * backpressure, so only a few rows are ever in memory). The first record is the header; a
 * repeated column name collects several values (like a repeated form field). `onHeader` sees the header.
 */
export async function* csvRows(
  input: Readable,
  opts: { delimiter?: string | undefined; onHeader?: (header: readonly string[]) => void } = {},
): AsyncGenerator<CsvRow> {
  const parser = input.pipe(
    parse({
      bom: true,
      raw: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      delimiter: opts.delimiter ?? ',',
      max_record_size: 1024 * 1024,
    }),
  );
  input.on('error', (e) => parser.destroy(e));
  let header: string[] | null = null;
  let row = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      if (header === null) {
        header = item.record.map((h) => h.trim());
        if (header.length === 0 || header.every((h) => h === ''))
          throw new CsvFormatError('the first line must be a header with column names', item.info.lines);
        opts.onHeader?.(header);
        continue;
      }
      row += 1;
      const values = new Map<string, string[]>();
      header.forEach((name, i) => {
        const v = item.record[i];
        if (v === undefined || name === '') return;
        const list = values.get(name);
        if (list) list.push(v);
        else values.set(name, [v]);
      });
      const shapeError =
        item.record.length === header.length ? null : `expected ${header.length} columns (as in the header), got ${item.record.length}`;
      yield { row, line: item.info.lines, values, raw: item.raw, shapeError };
    }
  } catch (e) {
    if (e instanceof CsvFormatError) throw e;
    // Every csv-parse error is a format error, whatever its code (INVALID_OPENING_QUOTE has no CSV_ prefix).
    if (e instanceof CsvError) throw new CsvFormatError(e.message, (e as CsvError & { lines?: number }).lines);
    throw e;
  }
  if (header === null) throw new CsvFormatError('the file is empty: expected a header line');
}
