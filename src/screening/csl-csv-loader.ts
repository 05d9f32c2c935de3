/**
 * The US Consolidated Screening List (trade.gov, `consolidated.csv`): eleven export-control and sanctions lists of the
 * Departments of Commerce, State and the Treasury in one file, one row per listing (docs/screening.md "CSL and DPL",
 * field meanings from the trade.gov CSL data dictionary).
 */
import { ListLoadError } from './list-error.ts';
import { parseCsvRows, readListFile, sha256Of, splitMulti, type CsvRow } from './list-file.ts';
import { LoadWarningCounter } from './list-warnings.ts';
import { hasEnded, listingEndDate } from './listing-end-date.ts';
import { onOrganisation } from './listed-imo-numbers.ts';
import { countryCode } from './country-codes.ts';
import { parseBirthDate } from './partial-date.ts';
import { applyTopics } from './topics.ts';
import { RowEntryIds, rowEntryId } from './row-entry-ids.ts';
import { untypedEntityKind } from './untyped-entity-kind.ts';
import {
  addName,
  addUnique,
  emptyEntity,
  type EntityIdentifier,
  type EntityKind,
  type LoadedList,
  type ScreeningEntity,
} from './screening-entity.ts';

/** The columns the loader reads; a file without one of them is not a CSL it understands. */
export const CSL_REQUIRED_COLUMNS = [
  'source',
  'entity_number',
  'type',
  'programs',
  'name',
  'addresses',
  'end_date',
  'alt_names',
  'ids',
] as const;

const KINDS: Readonly<Record<string, EntityKind>> = {
  individual: 'person',
  entity: 'organisation',
  vessel: 'vessel',
  aircraft: 'aircraft',
};

/**
 * Topic by the source's abbreviation ("Entity List (EL) - Bureau of Industry and Security" → EL), in the OpenSanctions
 * vocabulary: the BIS lists are export controls, ITAR debarment is a debarment, the rest are sanctions. Every one
 * marks the entry sanctioned (topics.ts): a hit on any CSL list holds a lead.
 */
const TOPIC_BY_SOURCE: Readonly<Record<string, string>> = {
  DPL: 'export.control',
  EL: 'export.control',
  UVL: 'export.control',
  MEU: 'export.control',
  DTC: 'debarment',
};

/** "(EL)", "(SDN)"; trade.gov also writes "(NS-MBS List)". */
const sourceAbbreviation = (source: string): string => /\(([A-Z0-9-]+)(?: List)?\)/.exec(source)?.[1] ?? '';

/** `ids` groups that are notes or contact details, not identifiers ("Subject to Directive 3, … Determination -"). */
const isNote = (type: string): boolean => /[-:]$/.test(type) || /^(website|email address|former vessel flag)$/i.test(type);

/**
 * The `ids` cell: `;`-separated groups of "country, number, type" or "number, type" ("RU, 1137746390572, Registration
 * ID"; "IMO 8898831, Vessel Registration Identification"). The type is the last part; a first part that is a country
 * is the issuer. Notes, websites and e-mail addresses are left out.
 */
function cslIdentifiers(cell: string | undefined): EntityIdentifier[] {
  const ids: EntityIdentifier[] = [];
  for (const group of splitMulti(cell)) {
    const parts = group.split(/,\s*/).map((p) => p.trim());
    if (parts.length < 2) continue;
    const type = parts[parts.length - 1]!;
    if (isNote(type)) continue;
    const country = parts.length >= 3 ? countryCode(parts[0]) : undefined;
    const written = parts.slice(country ? 1 : 0, -1).join(', ');
    // "IMO 8898831, Vessel Registration Identification" is OFAC's "Vessel Registration Identification IMO 8898831":
    // kept in OFAC's shape, the scheme in the type, so an organisation's number is read as a company's (onOrganisation)
    const scheme = /^(IMO|MMSI)\s+(?=\d)/i.exec(written);
    const typed = scheme ? `${type} ${scheme[1]!.toUpperCase()}` : type;
    const value = scheme ? written.slice(scheme[0].length) : written;
    if (!value) continue;
    ids.push(country ? { type: typed, value, country } : { type: typed, value });
  }
  return ids;
}

/** The country of each `;`-separated address: its last comma-separated part ("…, Moscow, 143396, RU"). */
const addressCountries = (cell: string | undefined): string[] =>
  splitMulti(cell)
    .map((a) => countryCode(a.split(',').pop()))
    .filter((c): c is string => c !== undefined);

type Columns = (row: CsvRow, name: (typeof CSL_REQUIRED_COLUMNS)[number] | string) => string;

function header(path: string, rows: readonly CsvRow[]): { columns: Columns; width: number } {
  const names = rows[0]?.fields.map((h) => h.trim().toLowerCase());
  if (!names) throw new ListLoadError(path, 1, 'empty file');
  for (const c of CSL_REQUIRED_COLUMNS) if (!names.includes(c)) throw new ListLoadError(path, 1, `missing column "${c}"`);
  const at = new Map(names.map((n, i) => [n, i]));
  return { columns: (row, name) => (at.has(name) ? (row.fields[at.get(name)!] ?? '').trim() : ''), width: names.length };
}

function kindOf(path: string, row: CsvRow, type: string, name: string): EntityKind {
  if (!type) return untypedEntityKind(name);
  const k = KINDS[type.toLowerCase()];
  if (!k)
    throw new ListLoadError(
      path,
      row.line,
      `column "type": expected Individual, Entity, Vessel, Aircraft or empty, got ${JSON.stringify(type.slice(0, 40))}`,
    );
  return k;
}

function entityOf(path: string, row: CsvRow, col: Columns, listId: string, entryId: string, warnings: LoadWarningCounter): ScreeningEntity {
  const name = col(row, 'name');
  const e = emptyEntity(listId, entryId, kindOf(path, row, col(row, 'type'), name), path);
  e.source.line = row.line;
  const url = col(row, 'source_information_url') || col(row, 'source_list_url');
  if (url) e.source.url = url;
  addName(e, name, 'primary');
  // the last of a list of names is sometimes written "…; and Shijiazhuang Communication …"
  for (const a of splitMulti(col(row, 'alt_names'))) addName(e, a.replace(/^and\s+/i, ''), 'aka');
  const source = col(row, 'source');
  addUnique(e.programs, source);
  for (const p of splitMulti(col(row, 'programs'))) addUnique(e.programs, p);
  applyTopics(e, [TOPIC_BY_SOURCE[sourceAbbreviation(source)] ?? 'sanction']);
  for (const c of [...addressCountries(col(row, 'addresses')), ...splitMulti(col(row, 'vessel_flag')).map((f) => countryCode(f))])
    if (c) addUnique(e.countries, c);
  for (const c of [...splitMulti(col(row, 'nationalities')), ...splitMulti(col(row, 'citizenships'))]) {
    const cc = countryCode(c);
    if (cc) addUnique(e.nationalities, cc);
  }
  for (const d of splitMulti(col(row, 'dates_of_birth'))) {
    const b = parseBirthDate(d);
    if (b) e.dobs.push(b);
    else warnings.add('unreadable_date_of_birth');
  }
  e.birthPlaces.push(...splitMulti(col(row, 'places_of_birth')));
  const ids = cslIdentifiers(col(row, 'ids'));
  e.identifiers.push(...(e.kind === 'organisation' ? ids.map(onOrganisation) : ids));
  const callSign = col(row, 'call_sign');
  if (callSign) e.identifiers.push({ type: 'Call Sign', value: callSign });
  return e;
}

/**
 * `entity_number` is the originating list's number (OFAC's ent_num on Treasury rows) and is not unique across the
 * sources (trade.gov's data model says so), so it is qualified by the source's abbreviation ("SDN-20264"); a row
 * without one gets a hash of source, name and addresses (row-entry-ids.ts).
 */
function entryIdOf(row: CsvRow, col: Columns): string {
  const source = col(row, 'source');
  const n = col(row, 'entity_number');
  return n ? `${sourceAbbreviation(source) || source}-${n}` : rowEntryId([source, col(row, 'name'), col(row, 'addresses')]);
}

/**
 * One entity per row in force, its id by entryIdOf. Rows whose `end_date` has passed are left out and counted
 * (`expired_entry`); a row repeated in every field is loaded once (`duplicate_row`); rows sharing an id get `-2`, …
 * (`shared_row_key`).
 */
export function loadCslCsv(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const rows = parseCsvRows(path, f.text);
  const { columns: col, width } = header(path, rows);
  const listId = opts.listId ?? 'us-csl';
  const today = opts.now().toISOString().slice(0, 10);
  const warnings = new LoadWarningCounter();
  const ids = new RowEntryIds();
  const entities: ScreeningEntity[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== width) throw new ListLoadError(path, row.line, `expected ${width} columns, found ${row.fields.length}`);
    if (!col(row, 'name')) throw new ListLoadError(path, row.line, 'column "name" is empty');
    if (!col(row, 'source')) throw new ListLoadError(path, row.line, 'column "source" is empty');
    const endDate = listingEndDate(path, row.line, 'end_date', col(row, 'end_date'));
    const id = ids.assign(entryIdOf(row, col), row.fields);
    if (id.kind === 'duplicate') {
      warnings.add('duplicate_row');
      continue;
    }
    if (id.shared) warnings.add('shared_row_key');
    // built before the date check, so an expired row with a bad field fails the load as any other row would
    const e = entityOf(path, row, col, listId, id.id, warnings);
    if (hasEnded(endDate, today)) warnings.add('expired_entry');
    else entities.push(e);
  }
  const counted = warnings.toRecord();
  return {
    version: {
      listId,
      sourceType: 'csl-csv',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
      ...(counted ? { warnings: counted } : {}),
    },
    entities,
  };
}
