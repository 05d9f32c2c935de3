/** Streaming batch jobs behind the `remit screen` CLI: people CSV -> hits JSONL, name pairs CSV -> scores JSONL. */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse';
import { compareNames, DEFAULT_THRESHOLD } from './matcher.ts';
import type { ScreenOptions } from './screening-engine.ts';
import type { ScreeningService } from './screening-service.ts';

export class BatchInputError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line !== undefined ? `line ${line}: ${message}` : message);
    this.name = 'BatchInputError';
    this.line = line;
  }
}

export const PEOPLE_COLUMNS = [
  'full_name',
  'first_name',
  'middle_name',
  'last_name',
  'gender',
  'date_of_birth',
  'place_of_birth',
  'nationality',
] as const;

/** A people row's name: `full_name`, else first, middle and last name joined. */
export function personName(row: Readonly<Record<string, string | undefined>>): string {
  return (
    (row['full_name'] ?? '').trim() ||
    [row['first_name'], row['middle_name'], row['last_name']]
      .map((x) => (x ?? '').trim())
      .filter(Boolean)
      .join(' ')
  );
}

async function write(out: Writable, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

async function* rows(input: Readable): AsyncGenerator<{ rec: Record<string, string>; line: number }> {
  const parser = input.pipe(
    parse({
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      info: true,
      relax_column_count: false,
    }),
  );
  try {
    for await (const r of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { rec: r.record, line: r.info.lines };
    }
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    throw new BatchInputError(`malformed CSV: ${err.message ?? String(e)}`, err.lines);
  }
}

export interface BatchSummary {
  rows: number;
  matches: number;
}

/** Screens each CSV row (people columns) and writes one JSON line per row, in input order. */
export async function screenPeopleCsv(
  service: ScreeningService,
  input: Readable,
  output: Writable,
  options: ScreenOptions = {},
): Promise<BatchSummary> {
  let n = 0;
  let matches = 0;
  let checked = false;
  for await (const { rec, line } of rows(input)) {
    if (!checked) {
      if (!('full_name' in rec) && !('last_name' in rec)) throw new BatchInputError(`expected columns ${PEOPLE_COLUMNS.join(',')}`, 1);
      checked = true;
    }
    n++;
    const name = personName(rec);
    if (!name) {
      await write(output, `${JSON.stringify({ row: n, line, error: 'no name' })}\n`);
      continue;
    }
    const dob = rec['date_of_birth']?.trim();
    const country = rec['nationality']?.trim();
    const res = service.screen(
      { name, kind: 'person', ...(dob ? { dob } : {}), ...(country ? { country } : {}) },
      { limit: 10, ...options },
    );
    if (res.isMatch) matches++;
    await write(
      output,
      JSON.stringify({
        row: n,
        name,
        dob: dob || undefined,
        nationality: country || undefined,
        bestScore: res.bestScore,
        isMatch: res.isMatch,
        hits: res.hits,
      }) + '\n',
    );
  }
  return { rows: n, matches };
}

/** Scores each name pair (columns schema,name1,name2) at the default threshold; one JSON line per row. */
export async function scorePairsCsv(input: Readable, output: Writable, threshold = DEFAULT_THRESHOLD): Promise<BatchSummary> {
  let n = 0;
  let matches = 0;
  let checked = false;
  for await (const { rec, line } of rows(input)) {
    if (!checked) {
      for (const c of ['schema', 'name1', 'name2'])
        if (!(c in rec)) throw new BatchInputError(`missing column "${c}" (need schema,name1,name2)`, 1);
      checked = true;
    }
    n++;
    const r = compareNames(rec['schema'] ?? '', rec['name1'] ?? '', rec['name2'] ?? '');
    const isMatch = r.score >= threshold;
    if (isMatch) matches++;
    await write(
      output,
      JSON.stringify({
        row: n,
        line,
        schema: rec['schema'],
        name1: rec['name1'],
        name2: rec['name2'],
        score: r.score,
        isMatch,
        threshold,
        explanation: r.explanation,
      }) + '\n',
    );
  }
  return { rows: n, matches };
}
