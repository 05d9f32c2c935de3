/** UN Security Council consolidated list (XML) loader. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ListLoadError } from './list-error.ts';
import { readListFile, sha256Of } from './list-file.ts';
import { countryCode } from './country-codes.ts';
import { imoNumbersInText } from './listed-imo-numbers.ts';
import { imoInTextWarning, LoadWarningCounter } from './list-warnings.ts';
import { parsePartialDate } from './partial-date.ts';
import { addName, addUnique, emptyEntity, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  'INDIVIDUAL',
  'ENTITY',
  'INDIVIDUAL_ALIAS',
  'ENTITY_ALIAS',
  'INDIVIDUAL_DATE_OF_BIRTH',
  'INDIVIDUAL_DOCUMENT',
  'INDIVIDUAL_ADDRESS',
  'ENTITY_ADDRESS',
  'INDIVIDUAL_PLACE_OF_BIRTH',
  'VALUE',
  'TYPE_OF_DATE',
]);

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') {
    const s = String(v).replace(/\s+/g, ' ').trim();
    return s || undefined;
  }
  if (typeof v === 'object' && '#text' in (v as Node)) return text((v as Node)['#text']);
  return undefined;
}

function arr(v: unknown): Node[] {
  if (Array.isArray(v)) return v.filter((x): x is Node => typeof x === 'object' && x !== null);
  if (typeof v === 'object' && v !== null) return [v as Node];
  return [];
}

function values(v: unknown): string[] {
  const out: string[] = [];
  for (const n of arr(v))
    for (const x of Array.isArray(n['VALUE']) ? n['VALUE'] : [n['VALUE']]) {
      const t = text(x);
      if (t) out.push(t);
    }
  return out;
}

/** What individuals and entities share: id, names and aliases, programme, reference, address countries. */
function commonEntity(
  n: Node,
  kind: 'person' | 'organisation',
  path: string,
  listId: string,
  warnings: LoadWarningCounter,
): ScreeningEntity {
  const id = text(n['DATAID']) ?? text(n['REFERENCE_NUMBER']);
  if (!id) throw new ListLoadError(path, undefined, `${kind} entry without DATAID`);
  const e = emptyEntity(listId, id, kind, path);
  const parts = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((k) => text(n[k])).filter((x): x is string => !!x);
  if (parts.length === 0) throw new ListLoadError(path, undefined, `entry ${id} has no FIRST_NAME`);
  if (kind === 'organisation') {
    // "NAME A (ABBR) ; NAME B" lists several names in one field
    const [first, ...rest] = parts.join(' ').split(/\s;\s/);
    addName(e, first, 'primary');
    for (const r of rest) addName(e, r, 'aka');
  } else addName(e, parts.join(' '), 'primary');
  addName(e, text(n['NAME_ORIGINAL_SCRIPT']), 'aka');
  for (const a of arr(n[kind === 'person' ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS'])) {
    const q = (text(a['QUALITY']) ?? '').toLowerCase();
    const name = text(a['ALIAS_NAME']);
    addName(e, name, q === 'low' ? 'weak_aka' : q === 'f.k.a.' ? 'fka' : 'aka');
  }
  const listType = text(n['UN_LIST_TYPE']);
  if (listType) e.programs.push(`UN:${listType}`);
  e.topics.push('sanction');
  e.isSanctioned = true;
  const ref = text(n['REFERENCE_NUMBER']);
  if (ref) e.identifiers.push({ type: 'UN Reference', value: ref });
  for (const ad of arr(n[kind === 'person' ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS'])) {
    const c = countryCode(text(ad['COUNTRY']));
    if (c) addUnique(e.countries, c);
  }
  // the list has no identifier field for IMO numbers: DPRK listings state them in the comment (listed-imo-numbers.ts);
  // numbers that are not the entry's own are left out, and counted as load warnings
  const comment = text(n['COMMENTS1']);
  if (comment) {
    const imo = imoNumbersInText(kind, comment);
    e.identifiers.push(...imo.identifiers);
    for (const i of imo.ignored) warnings.add(imoInTextWarning(i.reason));
  }
  return e;
}

/** What only individuals carry: nationalities, dates and places of birth, identity documents. */
function addIndividualDetails(e: ScreeningEntity, n: Node): void {
  for (const nat of values(n['NATIONALITY'])) {
    const c = countryCode(nat);
    if (c) addUnique(e.nationalities, c);
  }
  for (const d of arr(n['INDIVIDUAL_DATE_OF_BIRTH'])) {
    const types = (Array.isArray(d['TYPE_OF_DATE']) ? d['TYPE_OF_DATE'] : [d['TYPE_OF_DATE']]).map((t) => (text(t) ?? '').toUpperCase());
    const approximate = types.includes('APPROXIMATELY') || /approx/i.test(text(d['NOTE']) ?? '');
    const from = text(d['FROM_YEAR']);
    const to = text(d['TO_YEAR']);
    const date = text(d['DATE']);
    const year = text(d['YEAR']);
    if (from && to) {
      const a = parsePartialDate(from);
      const b = parsePartialDate(to);
      if (a && b) e.dobs.push({ kind: 'range', from: a, to: b, ...(approximate ? { approximate } : {}) });
    } else if (date || year) {
      const p = parsePartialDate((date ?? year)!);
      if (p) e.dobs.push({ kind: 'date', date: p, ...(approximate ? { approximate } : {}) });
    }
  }
  for (const p of arr(n['INDIVIDUAL_PLACE_OF_BIRTH'])) {
    const place = [text(p['CITY']), text(p['STATE_PROVINCE']), text(p['COUNTRY'])].filter(Boolean).join(', ');
    if (place) e.birthPlaces.push(place);
  }
  for (const d of arr(n['INDIVIDUAL_DOCUMENT'])) {
    const num = text(d['NUMBER']);
    if (!num) continue;
    const id: ScreeningEntity['identifiers'][number] = { type: text(d['TYPE_OF_DOCUMENT']) ?? 'Document', value: num };
    const c = countryCode(text(d['ISSUING_COUNTRY']) ?? text(d['COUNTRY_OF_ISSUE']));
    if (c) id.country = c;
    e.identifiers.push(id);
  }
}

export function loadUnXml(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const valid = XMLValidator.validate(f.text);
  if (valid !== true) throw new ListLoadError(path, valid.err.line, `malformed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(f.text) as Node;
  const root = doc['CONSOLIDATED_LIST'] as Node | undefined;
  if (!root || typeof root !== 'object') throw new ListLoadError(path, 1, 'not a UN consolidated list (no CONSOLIDATED_LIST root)');
  const listId = opts.listId ?? 'un-sc';
  const entities: ScreeningEntity[] = [];
  const warnings = new LoadWarningCounter();

  for (const n of arr((root['INDIVIDUALS'] as Node | undefined)?.['INDIVIDUAL'])) {
    const e = commonEntity(n, 'person', path, listId, warnings);
    addIndividualDetails(e, n);
    entities.push(e);
  }
  for (const n of arr((root['ENTITIES'] as Node | undefined)?.['ENTITY']))
    entities.push(commonEntity(n, 'organisation', path, listId, warnings));

  const textWarnings = warnings.toRecord();
  return {
    version: {
      listId,
      sourceType: 'un-xml',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
      ...(textWarnings ? { warnings: textWarnings } : {}),
    },
    entities,
  };
}
