/** Shared file helpers for the list loaders: bytes + sha256, text decoding, CSV rows with line numbers. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ListLoadError } from './list-error.ts';

export interface ReadFile {
  path: string;
  bytes: Buffer;
  text: string;
}

export function readListFile(path: string): ReadFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ListLoadError(path, undefined, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = bytes.toString('latin1'); // legacy OFAC files are Latin-1 when not valid UTF-8
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\x1a\s*$/, ''); // DOS end-of-file marker in OFAC legacy files
  return { path, bytes, text };
}

export function sha256Of(files: readonly ReadFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.bytes);
  return h.digest('hex');
}

export interface CsvRow {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

/** Parses CSV text into rows; malformed quoting raises a ListLoadError with the line number. */
export function parseCsvRows(file: string, text: string, delimiter = ','): CsvRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      delimiter,
      bom: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { lines?: number; message?: string; code?: string };
    throw new ListLoadError(file, err.lines, `malformed CSV: ${err.code ?? ''} ${err.message ?? String(e)}`.trim());
  }
  const rows: CsvRow[] = [];
  let prevEnd = 0;
  for (const r of records) {
    // The first line of a record is after the previous record's last line (skipping blank lines is rare enough).
    const start = Math.min(prevEnd + 1, r.info.lines);
    rows.push({ fields: r.record, line: start });
    prevEnd = r.info.lines;
  }
  return rows;
}

/** Splits multi-valued cells ("a;b;c"). */
export function splitMulti(v: string | undefined, sep = ';'): string[] {
  if (!v) return [];
  return v
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
