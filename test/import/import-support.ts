import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { runCli } from '../../src/cli/main.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/unit-of-work.ts';

/** Runs `remit …` in-process, capturing what it prints. */
export async function remit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.exitCode = undefined;
  }
}

export interface ReportRow {
  row: string;
  line: string;
  status: string;
  outcome: string;
  id: string;
  duplicate_of: string;
  team_id: string;
  rep_id: string;
  replayed: string;
  code: string;
  errors: string;
}

export async function readReport(path: string): Promise<ReportRow[]> {
  return parse(await readFile(path, 'utf8'), { columns: true }) as ReportRow[];
}

/** Writes CSV text from rows of cells (quoting as a spreadsheet would). */
export function csv(rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return `${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

/** Opens the SQLite file an import wrote, runs `fn` on it and closes it again (the CLI holds no store between runs). */
export async function withStoreAt<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore({ url: `sqlite:${db}` });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
