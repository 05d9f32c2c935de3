import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { compileOutreachGate, versioned, type OutreachGate } from '../domain/conduct/outreach-gate.ts';
import { packIssues } from '../domain/conduct/pack-issues.ts';
import {
  RulePackSchema,
  type AreaCodePackData,
  type CoolingOffPackData,
  type OutreachPackData,
  type RulePackData,
  type TimeZonePackData,
  type Versioned,
} from '../domain/conduct/rule-pack.schema.ts';
import { compileCoolingOff, type CoolingOffTable } from '../domain/lifecycle/cooling-off.ts';
import { err, ok, type Result } from '../domain/shared/result.ts';
import { zodDetails } from '../domain/errors/zod-details.ts';
import { formatPath, type ConfigProblem } from './load-config.ts';

export interface LoadedPacks {
  readonly outreach: readonly Versioned<OutreachPackData>[];
  readonly coolingOff: readonly Versioned<CoolingOffPackData>[];
  readonly areaCodes: Versioned<AreaCodePackData>;
  readonly timeZones: Versioned<TimeZonePackData>;
  readonly files: readonly string[];
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const full = join(dir, name);
    if ((await stat(full)).isDirectory()) out.push(...(await listFiles(full)));
    else if (EXTENSIONS.has(extname(name))) out.push(full);
  }
  return out;
}

function parse(file: string, text: string, problems: ConfigProblem[]): unknown {
  if (extname(file) === '.json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      problems.push({ file, path: '', message: `invalid JSON: ${(e as Error).message}` });
      return undefined;
    }
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file, path: '', message: `invalid YAML: ${e.message.split('\n')[0]}` });
    return undefined;
  }
  return doc.toJS();
}

/** Validates pack texts (file name → content); every problem is listed with file and path. Used by the loader and tests. */
export function validatePacks(texts: readonly { file: string; text: string }[]): Result<LoadedPacks, ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const packs: { file: string; pack: RulePackData }[] = [];
  for (const { file, text } of texts) {
    const data = parse(file, text, problems);
    if (data === undefined) continue;
    const parsed = RulePackSchema.safeParse(data);
    if (!parsed.success) {
      problems.push(...zodDetails(parsed.error.issues, { path: formatPath, file }));
      continue;
    }
    for (const issue of packIssues(parsed.data)) problems.push({ file, path: formatPath(issue.path), message: issue.message });
    packs.push({ file, pack: parsed.data });
  }
  const seen = new Map<string, string>();
  for (const { file, pack } of packs) {
    const key = `${pack.id}@${pack.version}`;
    const other = seen.get(key);
    if (other) problems.push({ file, path: 'version', message: `pack ${pack.id} version ${pack.version} is also defined in ${other}` });
    seen.set(key, file);
  }
  const ofKind = <K extends RulePackData['kind']>(kind: K) =>
    packs.filter((p) => p.pack.kind === kind).map((p) => versioned(p.pack as Extract<RulePackData, { kind: K }>));
  const areaCodes = ofKind('nanp_area_codes');
  const timeZones = ofKind('time_zones');
  const where = '(packs)';
  if (areaCodes.length !== 1)
    problems.push({ file: where, path: '', message: `expected exactly one nanp_area_codes pack, found ${areaCodes.length}` });
  if (timeZones.length !== 1)
    problems.push({ file: where, path: '', message: `expected exactly one time_zones pack, found ${timeZones.length}` });
  if (problems.length > 0) return err(problems);
  return ok({
    outreach: ofKind('outreach'),
    coolingOff: ofKind('cooling_off'),
    areaCodes: areaCodes[0]!,
    timeZones: timeZones[0]!,
    files: texts.map((t) => t.file),
  });
}

/** Reads every .yaml/.yml/.json under `dir` (recursively) and validates it as a rule pack. */
export async function loadPacks(dir: string, baseDir = process.cwd()): Promise<Result<LoadedPacks, ConfigProblem[]>> {
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (e) {
    return err([{ file: dir, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  if (files.length === 0) return err([{ file: dir, path: '', message: 'no .yaml, .yml or .json files found' }]);
  const texts = await Promise.all(files.map(async (f) => ({ file: relative(baseDir, f) || f, text: await readFile(f, 'utf8') })));
  return validatePacks(texts);
}

export interface CompiledPacks {
  readonly outreach: OutreachGate;
  readonly coolingOff: CoolingOffTable;
  readonly loaded: LoadedPacks;
}

export async function loadCompiledPacks(dir: string, baseDir = process.cwd()): Promise<Result<CompiledPacks, ConfigProblem[]>> {
  const loaded = await loadPacks(dir, baseDir);
  if (!loaded.ok) return loaded;
  const p = loaded.value;
  return ok({
    outreach: compileOutreachGate(p.outreach, p.areaCodes, p.timeZones),
    coolingOff: compileCoolingOff(p.coolingOff),
    loaded: p,
  });
}
