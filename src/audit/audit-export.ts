import { canonicalText } from './canonical-text.ts';
import type { SealedAuditRow } from './audit-entry.ts';

/**
 * Date-range exports (docs/audit.md): JSON lines and CSV of sealed rows, streamed. The rows keep their
 * hashes, so a recipient can check chain continuity inside the range (each prevHash is the previous
 * row's entryHash when the range is contiguous in seq) and, with the checkpoint and
 * verifyLog({ from, to }), the whole range.
 */

type Rows = AsyncIterable<SealedAuditRow> | Iterable<SealedAuditRow>;

/** Is `at` within [fromAt, toAt)? ISO-8601 instants; either bound may be omitted. */
export function inDateRange(at: string, range: { readonly fromAt?: string; readonly toAt?: string }): boolean {
  const t = Date.parse(at);
  if (range.fromAt !== undefined && t < Date.parse(range.fromAt)) return false;
  if (range.toAt !== undefined && t >= Date.parse(range.toAt)) return false;
  return true;
}

/** One canonical JSON object per row, each line ending in "\n". */
export function rowToJsonLine(row: SealedAuditRow): string {
  return `${canonicalText(row)}\n`;
}

export async function* exportJsonLines(rows: Rows): AsyncGenerator<string> {
  for await (const row of rows) yield rowToJsonLine(row);
}

export const CSV_COLUMNS = ['seq', 'at', 'kind', 'subject', 'actor', 'payload', 'commitments', 'prevHash', 'entryHash'] as const;

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function rowToCsvLine(row: SealedAuditRow): string {
  const cells = [
    String(row.seq),
    row.at,
    row.kind,
    row.subject,
    row.actor,
    canonicalText(row.payload),
    canonicalText(row.commitments),
    row.prevHash,
    row.entryHash,
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** Header then one CRLF-terminated line per row; payload and commitments as canonical JSON. */
export async function* exportCsv(rows: Rows): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const row of rows) yield rowToCsvLine(row);
}
