/** A table cell as exported: text, a number, or empty. */
export type CsvCell = string | number | null;

/**
 * RFC 4180 CSV (CRLF, quoted when needed). A text cell starting with = + - @ is prefixed with ' so a spreadsheet shows
 * it instead of running it as a formula (OWASP "CSV injection"): exported tables carry rep, team and source names.
 */
function cell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
