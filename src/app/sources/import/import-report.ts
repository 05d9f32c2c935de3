import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ErrorDetail } from '../../../domain/errors/error-catalogue.ts';

/** accepted: stored and routed (assigned, queued or nurture); valid: would be (dry run). */
/** `erased`: a re-run met a row whose lead has since been erased (nothing is created again). */
export type ImportRowStatus = 'accepted' | 'duplicate' | 'held' | 'refused' | 'erased' | 'invalid' | 'failed' | 'valid';
export const IMPORT_ROW_STATUSES: readonly ImportRowStatus[] = [
  'accepted',
  'duplicate',
  'held',
  'refused',
  'erased',
  'invalid',
  'failed',
  'valid',
];

export interface ImportRowResult {
  readonly status: ImportRowStatus;
  /** Routing outcome (ASSIGNED, QUEUED …), DUPLICATE, or the record kind for accounts/suppressions. */
  readonly outcome?: string | undefined;
  /** Lead id, account id or suppressed value(s). */
  readonly id?: string | undefined;
  readonly duplicateOf?: string | null | undefined;
  readonly teamId?: string | null | undefined;
  readonly repId?: string | null | undefined;
  /** true when an earlier run already imported this row (nothing new was created). */
  readonly replayed?: boolean | undefined;
  readonly code?: string | undefined;
  readonly errors?: readonly ErrorDetail[] | undefined;
}

const COLUMNS = ['row', 'line', 'status', 'outcome', 'id', 'duplicate_of', 'team_id', 'rep_id', 'replayed', 'code', 'errors'] as const;

const cell = (v: unknown): string => {
  const text = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * The per-row report, a CSV written as rows are processed (one line per data row, in file order).
 * Waits for 'drain' when the sink is full, so a slow disk slows the import instead of filling memory.
 */
export class ImportReportWriter {
  private readonly out: Writable;

  constructor(out: Writable) {
    this.out = out;
  }

  async header(): Promise<void> {
    await this.write(`${COLUMNS.join(',')}\n`);
  }

  async row(row: number, line: number, r: ImportRowResult): Promise<void> {
    const errors = r.errors?.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    await this.write(
      [
        row,
        line,
        r.status,
        r.outcome,
        r.id,
        r.duplicateOf,
        r.teamId,
        r.repId,
        r.replayed === undefined ? '' : String(r.replayed),
        r.code,
        errors,
      ]
        .map(cell)
        .join(',') + '\n',
    );
  }

  async end(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}
