/**
 * The BIS Denied Persons List (`dpl.txt`): tab-separated, quoted fields, a header row, one row per denied party and
 * address (docs/screening.md "CSL and DPL", field meanings from BIS's Denied Persons List page). The list names no
 * party's kind (see untyped-entity-kind.ts) and no identifiers.
 */
import { ListLoadError } from './list-error.ts';
import { parseCsvRows, readListFile, sha256Of, type CsvRow } from './list-file.ts';
import { LoadWarningCounter } from './list-warnings.ts';
import { hasEnded, listingEndDate } from './listing-end-date.ts';
import { countryCode } from './country-codes.ts';
import { applyTopics } from './topics.ts';
import { RowEntryIds, rowEntryId } from './row-entry-ids.ts';
import { untypedEntityKind } from './untyped-entity-kind.ts';
import { addName, addUnique, emptyEntity, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

export const DPL_COLUMNS = [
  'name',
  'street_address',
  'city',
  'state',
  'country',
  'postal_code',
  'effective_date',
  'expiration_date',
  'standard_order',
  'last_update',
  'action',
  'fr_citation',
] as const;

type DplColumn = (typeof DPL_COLUMNS)[number];

/** As the Consolidated Screening List names this list's rows, so a hit reads the same from either file. */
const DPL_SOURCE = 'Denied Persons List (DPL) - Bureau of Industry and Security';

/** The columns that say who and where: the entry id's parts (row-entry-ids.ts). */
const IDENTITY: readonly DplColumn[] = ['name', 'street_address', 'city', 'state', 'country', 'postal_code'];

/**
 * One entity per row in force. Rows whose `Expiration_Date` has passed are left out and counted (`expired_entry`),
 * an empty one is an order without end; a row repeated in every field is loaded once (`duplicate_row`); rows of the
 * same party at the same address (a renewed order listed again) get ids `-2`, … (`shared_row_key`).
 */
export function loadDplTsv(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const rows = parseCsvRows(path, f.text, '\t');
  const names = rows[0]?.fields.map((h) => h.trim().toLowerCase());
  if (!names) throw new ListLoadError(path, 1, 'empty file');
  for (const c of DPL_COLUMNS) if (!names.includes(c)) throw new ListLoadError(path, 1, `missing column "${c}"`);
  const col = (row: CsvRow, name: DplColumn): string => (row.fields[names.indexOf(name)] ?? '').trim();
  const listId = opts.listId ?? 'us-bis-dpl';
  const today = opts.now().toISOString().slice(0, 10);
  const warnings = new LoadWarningCounter();
  const ids = new RowEntryIds();
  const entities: ScreeningEntity[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== names.length)
      throw new ListLoadError(path, row.line, `expected ${names.length} columns, found ${row.fields.length}`);
    const name = col(row, 'name');
    if (!name) throw new ListLoadError(path, row.line, 'column "Name" is empty');
    listingEndDate(path, row.line, 'Effective_Date', col(row, 'effective_date'));
    const endDate = listingEndDate(path, row.line, 'Expiration_Date', col(row, 'expiration_date'));
    const id = ids.assign(
      rowEntryId(IDENTITY.map((c) => col(row, c))),
      row.fields.map((v) => v.trim()),
    );
    if (id.kind === 'duplicate') {
      warnings.add('duplicate_row');
      continue;
    }
    if (id.shared) warnings.add('shared_row_key');
    if (hasEnded(endDate, today)) {
      warnings.add('expired_entry');
      continue;
    }
    const e = emptyEntity(listId, id.id, untypedEntityKind(name), path);
    e.source.line = row.line;
    addName(e, name, 'primary');
    const country = countryCode(col(row, 'country'));
    if (country) addUnique(e.countries, country);
    e.programs.push(DPL_SOURCE);
    applyTopics(e, ['export.control']);
    entities.push(e);
  }
  const counted = warnings.toRecord();
  return {
    version: {
      listId,
      sourceType: 'dpl-tsv',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
      ...(counted ? { warnings: counted } : {}),
    },
    entities,
  };
}
