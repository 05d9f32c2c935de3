/** Senzing JSON lines (as exported by OpenSanctions, e.g. the US Congress PEP file). RISKS[].TOPIC role.pep marks a PEP. */
import { ListLoadError } from './list-error.ts';
import { readListFile, sha256Of } from './list-file.ts';
import { countryCode } from './country-codes.ts';
import { parseBirthDate } from './partial-date.ts';
import { applyTopics } from './topics.ts';
import { addName, addUnique, emptyEntity, type EntityKind, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

type Rec = Record<string, unknown>;

function list(v: unknown): Rec[] {
  return Array.isArray(v) ? v.filter((x): x is Rec => typeof x === 'object' && x !== null) : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function loadSenzingJsonl(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const lines = f.text.split('\n');
  const entities: ScreeningEntity[] = [];
  let listId = opts.listId;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    let r: Rec;
    try {
      r = JSON.parse(raw) as Rec;
    } catch (e) {
      throw new ListLoadError(path, i + 1, `invalid JSON: ${(e as Error).message}`);
    }
    const id = str(r['RECORD_ID']);
    if (typeof r !== 'object' || r === null || !id) throw new ListLoadError(path, i + 1, 'expected a Senzing record with RECORD_ID');
    listId ??= (str(r['DATA_SOURCE']) ?? 'senzing').toLowerCase().replace(/_/g, '-');
    const type = (str(r['RECORD_TYPE']) ?? '').toUpperCase();
    const kind: EntityKind =
      type === 'PERSON'
        ? 'person'
        : type === 'ORGANIZATION'
          ? 'organisation'
          : type === 'VESSEL'
            ? 'vessel'
            : type === 'AIRCRAFT'
              ? 'aircraft'
              : 'unknown';
    const e = emptyEntity(listId, id, kind, path);
    e.source.line = i + 1;
    const url = str(r['URL']);
    if (url) e.source.url = url;
    for (const n of list(r['NAMES'])) {
      const t = (str(n['NAME_TYPE']) ?? '').toUpperCase();
      const full =
        str(n['NAME_FULL']) ??
        str(n['NAME_ORG']) ??
        [str(n['NAME_FIRST']), str(n['NAME_MIDDLE']), str(n['NAME_LAST'])].filter(Boolean).join(' ');
      addName(e, full, t === 'PRIMARY' ? 'primary' : 'aka');
    }
    if (e.names.length === 0) throw new ListLoadError(path, i + 1, `record ${id} has no NAMES`);
    for (const d of list(r['DATES'])) {
      const dob = str(d['DATE_OF_BIRTH']);
      const b = dob ? parseBirthDate(dob) : undefined;
      if (b) e.dobs.push(b);
    }
    for (const c of list(r['COUNTRIES'])) {
      for (const [k, v] of Object.entries(c)) {
        const cc = countryCode(str(v));
        if (!cc) continue;
        if (k === 'NATIONALITY' || k === 'CITIZENSHIP') addUnique(e.nationalities, cc);
        else addUnique(e.countries, cc);
      }
    }
    for (const idr of list(r['IDENTIFIERS'])) {
      const t = str(idr['TRUSTED_ID_TYPE']) ?? str(idr['OTHER_ID_TYPE']) ?? str(idr['NATIONAL_ID_TYPE']);
      const v =
        str(idr['TRUSTED_ID_NUMBER']) ?? str(idr['OTHER_ID_NUMBER']) ?? str(idr['PASSPORT_NUMBER']) ?? str(idr['NATIONAL_ID_NUMBER']);
      if (v) e.identifiers.push({ type: t ?? 'identifier', value: v });
    }
    applyTopics(
      e,
      list(r['RISKS']).map((x) => str(x['TOPIC']) ?? ''),
    );
    entities.push(e);
  }
  listId ??= 'senzing';
  return {
    version: {
      listId,
      sourceType: 'senzing-jsonl',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
    },
    entities,
  };
}
