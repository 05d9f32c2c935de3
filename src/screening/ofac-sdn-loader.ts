/**
 * OFAC legacy CSV loader: sdn.csv + alt.csv + add.csv + sdn_comments.csv (no header, nulls `-0-`),
 * and the consolidated (non-SDN) files cons_prim.csv + cons_alt.csv + cons_add.csv + cons_comments.csv.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ListLoadError } from './list-error.ts';
import { parseCsvRows, readListFile, sha256Of, type ReadFile } from './list-file.ts';
import { parseOfacRemarks } from './ofac-remarks.ts';
import { onOrganisation } from './listed-imo-numbers.ts';
import { countryCode } from './country-codes.ts';
import { addName, addUnique, emptyEntity, type EntityKind, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

export interface OfacFiles {
  main: string;
  alt?: string;
  add?: string;
  comments?: string;
  prefix: 'sdn' | 'cons';
}

function nul(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === '-0-' ? undefined : t;
}

/** Finds the sibling files for sdn.csv / cons_prim.csv (or a directory holding them). */
export function resolveOfacFiles(path: string): OfacFiles {
  let dir = path;
  let main = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (existsSync(join(path, 'sdn.csv'))) main = join(path, 'sdn.csv');
    else if (existsSync(join(path, 'cons_prim.csv'))) main = join(path, 'cons_prim.csv');
    else throw new ListLoadError(path, undefined, 'directory has neither sdn.csv nor cons_prim.csv');
  } else dir = dirname(path);
  const name = basename(main).toLowerCase();
  const prefix: 'sdn' | 'cons' = name.startsWith('cons') ? 'cons' : 'sdn';
  const sib = (n: string) => {
    const p = join(dir, n);
    return existsSync(p) ? p : undefined;
  };
  const files: OfacFiles = { main, prefix };
  const alt = sib(prefix === 'sdn' ? 'alt.csv' : 'cons_alt.csv');
  const add = sib(prefix === 'sdn' ? 'add.csv' : 'cons_add.csv');
  const comments = sib(prefix === 'sdn' ? 'sdn_comments.csv' : 'cons_comments.csv');
  if (alt) files.alt = alt;
  if (add) files.add = add;
  if (comments) files.comments = comments;
  return files;
}

function kindOf(t: string | undefined): EntityKind {
  switch ((t ?? '').toLowerCase()) {
    case 'individual':
      return 'person';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    case '':
      return 'organisation';
    default:
      return 'unknown';
  }
}

function requireEntNum(f: ReadFile, line: number, v: string | undefined): string {
  const t = (v ?? '').trim();
  if (!/^\d+$/.test(t))
    throw new ListLoadError(f.path, line, `expected a numeric ent_num in column 1, got ${JSON.stringify(t.slice(0, 40))}`);
  return t;
}

function checkColumns(f: ReadFile, line: number, fields: string[], expected: number): void {
  if (fields.length !== expected) {
    throw new ListLoadError(f.path, line, `expected ${expected} columns, found ${fields.length}`);
  }
}

/** The main file: one entity per row, in file order; remarks kept by ent_num for the comments file to extend. */
function readMainFile(
  main: ReadFile,
  listId: string,
): { byId: Map<string, ScreeningEntity>; order: ScreeningEntity[]; remarks: Map<string, string> } {
  const byId = new Map<string, ScreeningEntity>();
  const remarks = new Map<string, string>();
  const order: ScreeningEntity[] = [];
  for (const row of parseCsvRows(main.path, main.text)) {
    checkColumns(main, row.line, row.fields, 12);
    const f = row.fields;
    const id = requireEntNum(main, row.line, f[0]);
    const name = nul(f[1]);
    if (!name) throw new ListLoadError(main.path, row.line, 'empty SDN_Name');
    const e = emptyEntity(listId, id, kindOf(nul(f[2])), main.path);
    e.source.line = row.line;
    addName(e, name, 'primary');
    for (const p of (nul(f[3]) ?? '').split(/\]\s*\[/)) {
      const prog = p.replace(/[[\]]/g, '').trim();
      if (prog) addUnique(e.programs, prog);
    }
    const flag = countryCode(nul(f[9]));
    if (flag) addUnique(e.countries, flag);
    const callSign = nul(f[5]);
    if (callSign) e.identifiers.push({ type: 'Call Sign', value: callSign });
    e.topics.push('sanction');
    e.isSanctioned = true;
    const rem = nul(f[11]);
    if (rem) remarks.set(id, rem);
    if (byId.has(id)) throw new ListLoadError(main.path, row.line, `duplicate ent_num ${id}`);
    byId.set(id, e);
    order.push(e);
  }
  return { byId, order, remarks };
}

/** The comments file continues remarks cut at the main file's column limit. */
function extendRemarks(c: ReadFile, remarks: Map<string, string>): void {
  for (const row of parseCsvRows(c.path, c.text)) {
    checkColumns(c, row.line, row.fields, 2);
    const id = requireEntNum(c, row.line, row.fields[0]);
    const more = nul(row.fields[1]);
    if (more) remarks.set(id, (remarks.get(id) ?? '') + more);
  }
}

/** Remarks carry dates and places of birth, nationalities, weak AKAs, former names and identifiers. */
function applyRemarks(byId: Map<string, ScreeningEntity>, remarks: Map<string, string>): void {
  for (const [id, rem] of remarks) {
    const e = byId.get(id);
    if (!e) continue;
    const r = parseOfacRemarks(rem);
    e.dobs.push(...r.dobs);
    e.birthPlaces.push(...r.birthPlaces);
    for (const n of [...r.nationalities, ...r.citizenships]) addUnique(e.nationalities, n);
    for (const a of r.weakAkas) addName(e, a, 'weak_aka');
    for (const a of r.fkas) addName(e, a, 'fka');
    e.identifiers.push(...(e.kind === 'organisation' ? r.identifiers.map(onOrganisation) : r.identifiers));
  }
}

/** The alternate-names file: AKAs and former names. */
function addAltNames(a: ReadFile, byId: Map<string, ScreeningEntity>): void {
  for (const row of parseCsvRows(a.path, a.text)) {
    checkColumns(a, row.line, row.fields, 5);
    const id = requireEntNum(a, row.line, row.fields[0]);
    const e = byId.get(id);
    if (!e) continue; // alt rows for entries not in this file are ignored
    const t = (nul(row.fields[2]) ?? 'aka').toLowerCase();
    addName(e, nul(row.fields[3]), t === 'fka' ? 'fka' : t === 'nka' ? 'aka' : 'aka');
  }
}

/** The addresses file: countries. */
function addAddressCountries(a: ReadFile, byId: Map<string, ScreeningEntity>): void {
  for (const row of parseCsvRows(a.path, a.text)) {
    checkColumns(a, row.line, row.fields, 6);
    const id = requireEntNum(a, row.line, row.fields[0]);
    const e = byId.get(id);
    if (!e) continue;
    const c = countryCode(nul(row.fields[4]));
    if (c) addUnique(e.countries, c);
  }
}

export function loadOfacSdn(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const files = resolveOfacFiles(path);
  const main = readListFile(files.main);
  const read: ReadFile[] = [main];
  const listId = opts.listId ?? (files.prefix === 'sdn' ? 'ofac-sdn' : 'ofac-cons');
  const { byId, order, remarks } = readMainFile(main, listId);
  if (files.comments) {
    const c = readListFile(files.comments);
    read.push(c);
    extendRemarks(c, remarks);
  }
  applyRemarks(byId, remarks);
  if (files.alt) {
    const a = readListFile(files.alt);
    read.push(a);
    addAltNames(a, byId);
  }
  if (files.add) {
    const a = readListFile(files.add);
    read.push(a);
    addAddressCountries(a, byId);
  }
  return {
    version: {
      listId,
      sourceType: 'ofac-sdn',
      files: read.map((r) => r.path),
      sha256: sha256Of(read),
      entryCount: order.length,
      loadedAt: opts.now().toISOString(),
    },
    entities: order,
  };
}
