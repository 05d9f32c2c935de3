import type { InOrder } from '../../intake/ordered-window.ts';
import type { CsvRow } from './csv-rows.ts';
import type { ImportRowResult } from './import-report.ts';

/** Turns one CSV row into stored data (or, in a dry run, a verdict); one implementation per import kind. */
export interface RowImporter {
  /** Rows handled at once (their reports still in file order); 1 when absent. */
  readonly window?: number;
  /** `inOrder`: where rows handled at once must reach a shared step in file order (ordered-window.ts). */
  handle(row: CsvRow, inOrder?: InOrder): Promise<ImportRowResult>;
  /** Writes anything batched; called once after the last row. */
  flush(): Promise<void>;
}

/** The import cannot start: the mapping names columns the file does not have, and the like. */
export class ImportSetupError extends Error {
  override readonly name = 'ImportSetupError';
}

/** Fails fast when a mapping names columns that are not in the header. */
export function requireColumns(header: readonly string[], wanted: Iterable<string>, what = 'the mapping'): void {
  const have = new Set(header);
  const missing = [...new Set(wanted)].filter((c) => !have.has(c));
  if (missing.length > 0)
    throw new ImportSetupError(
      `${what} names column(s) not in the file's header: ${missing.map((m) => JSON.stringify(m)).join(', ')} (header: ` +
        `${header.join(', ')})`,
    );
}

export const firstValue = (row: CsvRow, column: string | undefined): string | undefined => {
  if (column === undefined) return undefined;
  const v = row.values
    .get(column)
    ?.map((x) => x.trim())
    .find((x) => x !== '');
  return v;
};
