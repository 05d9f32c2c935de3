/**
 * The firm's own blocklist, a CSV with a header row:
 *   id,name,aliases,type,dob,country,reason
 * - id (required, unique), name (required)
 * - aliases: extra names separated by ';'
 * - type: person | organisation (or company/organization) | vessel | aircraft; empty = unknown
 * - dob: YYYY, YYYY-MM, YYYY-MM-DD or "YYYY to YYYY"; several separated by ';'
 * - country: ISO alpha-2 codes or country names separated by ';' (nationality for people)
 * - reason: free text, kept as the programme (e.g. "fraud 2024-113")
 * Unknown extra columns are ignored.
 */
import { ListLoadError } from './list-error.ts';
import { parseCsvRows, readListFile, sha256Of, splitMulti } from './list-file.ts';
import { countryCode } from './country-codes.ts';
import { parseBirthDate } from './partial-date.ts';
import { addName, addUnique, emptyEntity, type EntityKind, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

export const BLOCKLIST_COLUMNS = ['id', 'name', 'aliases', 'type', 'dob', 'country', 'reason'] as const;

function kind(t: string | undefined): EntityKind | undefined {
  const v = (t ?? '').trim().toLowerCase();
  if (!v) return 'unknown';
  if (v === 'person' || v === 'individual') return 'person';
  if (['organisation', 'organization', 'company', 'entity'].includes(v)) return 'organisation';
  if (v === 'vessel') return 'vessel';
  if (v === 'aircraft') return 'aircraft';
  return undefined;
}

export function loadBlocklistCsv(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const rows = parseCsvRows(path, f.text);
  const header = rows[0]?.fields.map((h) => h.trim().toLowerCase());
  if (!header) throw new ListLoadError(path, 1, 'empty file');
  for (const c of ['id', 'name'])
    if (!header.includes(c)) throw new ListLoadError(path, 1, `missing column "${c}" (expected ${BLOCKLIST_COLUMNS.join(',')})`);
  const get = (r: string[], n: string) => {
    const i = header.indexOf(n);
    return i >= 0 ? r[i]?.trim() : undefined;
  };
  const listId = opts.listId ?? 'blocklist';
  const seen = new Set<string>();
  const entities: ScreeningEntity[] = [];
  for (const row of rows.slice(1)) {
    const r = row.fields;
    if (r.length !== header.length) throw new ListLoadError(path, row.line, `expected ${header.length} columns, found ${r.length}`);
    const id = get(r, 'id');
    const name = get(r, 'name');
    if (!id) throw new ListLoadError(path, row.line, 'missing id');
    if (!name) throw new ListLoadError(path, row.line, 'missing name');
    if (seen.has(id)) throw new ListLoadError(path, row.line, `duplicate id ${id}`);
    seen.add(id);
    const k = kind(get(r, 'type'));
    if (!k) throw new ListLoadError(path, row.line, `unknown type ${JSON.stringify(get(r, 'type'))}`);
    const e = emptyEntity(listId, id, k, path);
    e.source.line = row.line;
    addName(e, name, 'primary');
    for (const a of splitMulti(get(r, 'aliases'))) addName(e, a, 'aka');
    for (const d of splitMulti(get(r, 'dob'))) {
      const b = parseBirthDate(d);
      if (!b) throw new ListLoadError(path, row.line, `unparseable dob ${JSON.stringify(d)}`);
      e.dobs.push(b);
    }
    for (const c of splitMulti(get(r, 'country'))) {
      const cc = countryCode(c);
      if (!cc) throw new ListLoadError(path, row.line, `unknown country ${JSON.stringify(c)}`);
      addUnique(k === 'person' ? e.nationalities : e.countries, cc);
    }
    const reason = get(r, 'reason');
    if (reason) e.programs.push(reason);
    e.topics.push('blocklist');
    e.isSanctioned = true; // a blocklist hit is treated like a sanctions hit: it blocks
    entities.push(e);
  }
  return {
    version: {
      listId,
      sourceType: 'blocklist-csv',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
    },
    entities,
  };
}
