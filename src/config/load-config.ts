import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { compileOrg, type OrgIssue } from '../domain/org/compile-org.ts';
import type { CompiledOrg } from '../domain/org/compiled-org.ts';
import { OrgConfigSchema, ORG_SECTIONS, type OrgConfig } from '../domain/org/org-config.schema.ts';
import { err, ok, type Result } from '../domain/shared/result.ts';
import { materialiseHolidays } from './materialise-holidays.ts';

/** One problem in a config, located precisely enough to fix without guessing. */
export interface ConfigProblem {
  readonly file: string;
  /** JSON path inside that file, e.g. "rules[3].when.all[0].field". */
  readonly path: string;
  readonly message: string;
}

const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const ARRAY_SECTIONS = new Set(['products', 'carriers', 'teams', 'reps', 'licences', 'appointments', 'customFields', 'pools', 'rules']);

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');

export const formatProblem = (p: ConfigProblem): string => `${p.file}: ${p.path || '(root)'}: ${p.message}`;

interface Fragment {
  readonly file: string;
  readonly data: Record<string, unknown>;
}

async function listConfigFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => CONFIG_EXTENSIONS.has(extname(n))).sort();
  return names.map((n) => join(path, n));
}

function parseFile(file: string, text: string, problems: ConfigProblem[]): Record<string, unknown> | null {
  if (extname(file) === '.json') {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      problems.push({ file, path: '', message: `invalid JSON: ${(e as Error).message}` });
      return null;
    }
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file, path: '', message: `invalid YAML: ${e.message.split('\n')[0]}` });
    return null;
  }
  return (doc.toJS() ?? {}) as Record<string, unknown>;
}

/**
 * Merges fragments: array sections concatenate across files (each element remembers its file),
 * object sections may appear once. Returns the merged object and a locator from merged paths to files.
 */
function merge(fragments: readonly Fragment[], problems: ConfigProblem[]) {
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, { file: string; offset: number }[]>();
  const singleOwner = new Map<string, string>();
  for (const { file, data } of fragments) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      problems.push({ file, path: '', message: 'expected a mapping of sections (firm, products, teams, reps, licences, rules …)' });
      continue;
    }
    for (const [key, value] of Object.entries(data)) {
      if (!(ORG_SECTIONS as readonly string[]).includes(key)) {
        problems.push({ file, path: key, message: `unknown section "${key}" (expected one of: ${ORG_SECTIONS.join(', ')})` });
        continue;
      }
      if (ARRAY_SECTIONS.has(key) && Array.isArray(value)) {
        const current = (merged[key] as unknown[] | undefined) ?? [];
        origin.set(key, [...(origin.get(key) ?? []), { file, offset: current.length }]);
        merged[key] = [...current, ...value];
      } else if (key in merged) {
        problems.push({ file, path: key, message: `section "${key}" is already defined in ${singleOwner.get(key) ?? 'another file'}` });
      } else {
        merged[key] = value;
        singleOwner.set(key, file);
        origin.set(key, [{ file, offset: 0 }]);
      }
    }
  }
  const locate = (path: readonly PropertyKey[]): { file: string; path: string } => {
    const [section, index, ...rest] = path;
    const owners = origin.get(String(section)) ?? [];
    if (typeof index === 'number' && ARRAY_SECTIONS.has(String(section))) {
      const owner = [...owners].reverse().find((o) => o.offset <= index) ?? owners[0];
      if (owner) return { file: owner.file, path: formatPath([section!, index - owner.offset, ...rest]) };
    }
    return { file: owners[0]?.file ?? fragments[0]?.file ?? '(config)', path: formatPath(path) };
  };
  return { merged, locate };
}

export interface LoadedConfig {
  readonly config: OrgConfig;
  readonly org: CompiledOrg;
  readonly files: readonly string[];
}

/** Reads a config file or directory, validates it against the schema and compiles it; lists every problem. */
export async function loadConfig(path: string, baseDir = process.cwd()): Promise<Result<LoadedConfig, ConfigProblem[]>> {
  let files: string[];
  try {
    files = await listConfigFiles(path);
  } catch (e) {
    return err([{ file: path, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  if (files.length === 0) return err([{ file: path, path: '', message: 'no .yaml, .yml or .json files found' }]);
  const problems: ConfigProblem[] = [];
  const fragments: Fragment[] = [];
  for (const file of files) {
    const shown = relative(baseDir, file) || file;
    const data = parseFile(shown, await readFile(file, 'utf8'), problems);
    if (data) fragments.push({ file: shown, data });
  }
  // Files that parsed are still merged and checked, so one syntax error does not hide other problems.
  return compileFragments(fragments, problems, files);
}

function compileFragments(
  fragments: readonly Fragment[],
  problems: ConfigProblem[],
  files: string[],
  options: CompileOptions = {},
): Result<LoadedConfig, ConfigProblem[]> {
  const { merged, locate } = merge(fragments, problems);
  if (problems.length > 0) return err(problems);
  const parsed = OrgConfigSchema.safeParse(merged);
  if (!parsed.success) return err(zodProblems(parsed.error, locate));
  const calendars = materialiseHolidays(parsed.data, options.publicationYear ?? new Date().getUTCFullYear());
  if (calendars.problems.length > 0) return err(calendars.problems.map((i) => ({ ...locate(i.path), message: i.message })));
  const compiled = compileOrg(calendars.config);
  if (!compiled.ok) return err(compiled.error.map((i: OrgIssue) => ({ ...locate(i.path), message: i.message })));
  return ok({ config: calendars.config, org: compiled.value, files });
}

/**
 * How a config becomes a version. `publicationYear` picks the years of public holidays written into team
 * calendars that do not hold them yet (docs/routing.md "Team calendars and public holidays"); default: this
 * year by the system clock (the registry passes its own clock's).
 */
export interface CompileOptions {
  readonly publicationYear?: number;
}

function zodProblems(error: z.ZodError, locate: (path: readonly PropertyKey[]) => { file: string; path: string }): ConfigProblem[] {
  return error.issues.map((issue) => ({ ...locate(issue.path), message: issue.message }));
}

/** Validates an in-memory config (API uploads, tests) with the same checks; paths are relative to the object. */
export function compileConfigObject(data: unknown, name = '(config)', options: CompileOptions = {}): Result<LoadedConfig, ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  return compileFragments([{ file: name, data: data as Record<string, unknown> }], problems, [], options);
}
