/** OpenSanctions `targets.simple.csv` (header row; multi-values joined with ';'). */
import { ListLoadError } from './list-error.ts';
import { parseCsvRows, readListFile, sha256Of, splitMulti } from './list-file.ts';
import { countryCode } from './country-codes.ts';
import { parseBirthDate } from './partial-date.ts';
import { applyTopics } from './topics.ts';
import { addName, addUnique, emptyEntity, type EntityKind, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

const KINDS: Record<string, EntityKind> = {
  Person: 'person',
  Company: 'organisation',
  Organization: 'organisation',
  PublicBody: 'organisation',
  LegalEntity: 'unknown',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

export const OS_SIMPLE_REQUIRED = ['id', 'schema', 'name'] as const;

export function loadOsSimpleCsv(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const rows = parseCsvRows(path, f.text);
  const header = rows[0]?.fields.map((h) => h.trim().toLowerCase());
  if (!header) throw new ListLoadError(path, 1, 'empty file');
  for (const col of OS_SIMPLE_REQUIRED) if (!header.includes(col)) throw new ListLoadError(path, 1, `missing column "${col}"`);
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? r[i] : undefined;
  };
  const listId = opts.listId ?? 'opensanctions-simple';
  const entities: ScreeningEntity[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== header.length)
      throw new ListLoadError(path, row.line, `expected ${header.length} columns, found ${row.fields.length}`);
    const id = col(row.fields, 'id')?.trim();
    const name = col(row.fields, 'name');
    if (!id || !name?.trim()) throw new ListLoadError(path, row.line, 'row without id or name');
    const schema = col(row.fields, 'schema')?.trim() ?? '';
    const e = emptyEntity(listId, id, KINDS[schema] ?? 'unknown', path);
    e.source.line = row.line;
    addName(e, name, 'primary');
    for (const a of splitMulti(col(row.fields, 'aliases'))) addName(e, a, 'aka');
    for (const d of splitMulti(col(row.fields, 'birth_date'))) {
      const b = parseBirthDate(d);
      if (b) e.dobs.push(b);
    }
    for (const c of splitMulti(col(row.fields, 'countries'))) {
      const cc = countryCode(c);
      if (cc) addUnique(e.countries, cc);
    }
    for (const v of splitMulti(col(row.fields, 'identifiers'))) e.identifiers.push({ type: 'identifier', value: v });
    const sanctions = splitMulti(col(row.fields, 'sanctions'));
    for (const s of sanctions) addUnique(e.programs, s);
    const dataset = col(row.fields, 'dataset') ?? '';
    if (sanctions.length > 0) applyTopics(e, ['sanction']);
    if (/politically exposed|\bpeps?\b/i.test(dataset)) applyTopics(e, ['role.pep']);
    entities.push(e);
  }
  return {
    version: {
      listId,
      sourceType: 'os-simple-csv',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
    },
    entities,
  };
}
