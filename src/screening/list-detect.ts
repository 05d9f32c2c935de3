/** List type detection (file name + content sniffing) and the `type:path` list spec. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ListLoadError } from './list-error.ts';
import { LIST_SOURCE_TYPES, type ListSourceType, type LoadedList } from './screening-entity.ts';
import { loadOfacSdn, resolveOfacFiles } from './ofac-sdn-loader.ts';
import { loadUnXml } from './un-xml-loader.ts';
import { loadFtmJsonl } from './ftm-jsonl-loader.ts';
import { loadOsSimpleCsv } from './opensanctions-simple-csv-loader.ts';
import { loadSenzingJsonl } from './senzing-jsonl-loader.ts';
import { loadBlocklistCsv } from './blocklist-csv-loader.ts';
import { withLoadWarnings } from './list-warnings.ts';
import { CSL_REQUIRED_COLUMNS, loadCslCsv } from './csl-csv-loader.ts';
import { DPL_COLUMNS, loadDplTsv } from './dpl-tsv-loader.ts';

export interface ListSpec {
  type?: ListSourceType;
  path: string;
  listId?: string;
}

/** "ofac-sdn:/data/sdn.csv" → typed; "/data/sdn.csv" → detected later. */
export function parseListSpec(spec: string): ListSpec {
  const i = spec.indexOf(':');
  if (i > 0) {
    const t = spec.slice(0, i);
    if ((LIST_SOURCE_TYPES as readonly string[]).includes(t)) return { type: t as ListSourceType, path: spec.slice(i + 1) };
  }
  return { path: spec };
}

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

const headerColumns = (line: string, separator: string): string[] =>
  line
    .toLowerCase()
    .replace(/"/g, '')
    .split(separator)
    .map((c) => c.trim());

export function detectListType(path: string): ListSourceType {
  if (!existsSync(path)) throw new ListLoadError(path, undefined, 'file not found');
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'sdn.csv')) || existsSync(join(path, 'cons_prim.csv'))) return 'ofac-sdn';
    throw new ListLoadError(path, undefined, 'cannot detect list type of directory (expected OFAC sdn.csv or cons_prim.csv)');
  }
  const name = basename(path).toLowerCase();
  if (/^(sdn|cons_prim)\.csv$/.test(name)) return 'ofac-sdn';
  const text = head(path);
  const firstLine = (text.split(/\r?\n/)[0] ?? '').trim();
  if (/^<\?xml|^</.test(text.trimStart())) {
    if (text.includes('CONSOLIDATED_LIST')) return 'un-xml';
    throw new ListLoadError(path, 1, 'XML file is not a UN consolidated list');
  }
  if (firstLine.startsWith('{')) {
    if (/"RECORD_ID"\s*:|"DATA_SOURCE"\s*:/.test(firstLine)) return 'senzing-jsonl';
    if (/"schema"\s*:/.test(firstLine) && /"properties"\s*:/.test(text)) return 'ftm-jsonl';
    throw new ListLoadError(path, 1, 'JSON lines file is neither FollowTheMoney nor Senzing');
  }
  const cols = headerColumns(firstLine, ',');
  if (CSL_REQUIRED_COLUMNS.every((c) => cols.includes(c))) return 'csl-csv';
  if (firstLine.includes('\t') && headerColumns(firstLine, '\t').join() === DPL_COLUMNS.join()) return 'dpl-tsv';
  if (cols[0] === 'id' && cols[1] === 'schema' && cols[2] === 'name') return 'os-simple-csv';
  if (cols.includes('id') && cols.includes('name')) return 'blocklist-csv';
  if (/^\d+,"/.test(firstLine) && cols.length >= 12) return 'ofac-sdn';
  throw new ListLoadError(path, 1, `cannot detect list type; give it explicitly as one of ${LIST_SOURCE_TYPES.join(', ')} ("type:path")`);
}

export interface LoadOptions {
  now: () => Date;
  listId?: string;
}

/** Loads a list of a known type, with what the load could not use counted (list-warnings.ts). */
export function loadListAs(type: ListSourceType, path: string, opts: LoadOptions): LoadedList {
  return withLoadWarnings(loadAs(type, path, opts));
}

function loadAs(type: ListSourceType, path: string, opts: LoadOptions): LoadedList {
  const o = { now: opts.now, ...(opts.listId ? { listId: opts.listId } : {}) };
  switch (type) {
    case 'ofac-sdn':
      return loadOfacSdn(path, o);
    case 'un-xml':
      return loadUnXml(path, o);
    case 'ftm-jsonl':
      return loadFtmJsonl(path, o);
    case 'os-simple-csv':
      return loadOsSimpleCsv(path, o);
    case 'senzing-jsonl':
      return loadSenzingJsonl(path, o);
    case 'blocklist-csv':
      return loadBlocklistCsv(path, o);
    case 'csl-csv':
      return loadCslCsv(path, o);
    case 'dpl-tsv':
      return loadDplTsv(path, o);
  }
}

/**
 * The files a load of this type and path would read, in the order the loader hashes them (`ListVersion.files`),
 * without reading them: a snapshot is valid only for the same files (an OFAC sibling that appeared or went counts).
 */
export function sourceFilesOf(type: ListSourceType, path: string): string[] {
  if (type !== 'ofac-sdn') return [path];
  const f = resolveOfacFiles(path);
  return [f.main, f.comments, f.alt, f.add].filter((p): p is string => p !== undefined);
}

/** Loads a list from "type:path" or a bare path (type detected). Throws ListLoadError on malformed input. */
export function loadList(spec: string | ListSpec, opts: LoadOptions): LoadedList {
  const s = typeof spec === 'string' ? parseListSpec(spec) : spec;
  const type = s.type ?? detectListType(s.path);
  return loadListAs(type, s.path, s.listId ? { ...opts, listId: s.listId } : opts);
}
