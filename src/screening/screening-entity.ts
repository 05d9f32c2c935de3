/** The normalised entity every list loader produces, and the list-version record. */
import type { OwnershipGraph } from './ownership.ts';

export type EntityKind = 'person' | 'organisation' | 'vessel' | 'aircraft' | 'unknown';

export type NameType = 'primary' | 'aka' | 'weak_aka' | 'fka';

export interface EntityName {
  value: string;
  type: NameType;
}

/** A partial calendar date: year only, year-month, or a full date. */
export interface PartialDate {
  year: number;
  month?: number;
  day?: number;
}

/**
 * A date of birth as published: a (partial) date, or a range of years/dates.
 * `approximate` marks "circa"/"approximately" values (corroboration then tolerates ±1 year).
 */
export type BirthDate =
  { kind: 'date'; date: PartialDate; approximate?: boolean } | { kind: 'range'; from: PartialDate; to: PartialDate; approximate?: boolean };

export interface EntityIdentifier {
  /** Free-text type as published ("Passport", "National ID No.", "IMO", ...). */
  type: string;
  value: string;
  /** ISO 3166-1 alpha-2, lower case, when the issuer is known. */
  country?: string;
}

/** Topics use the OpenSanctions vocabulary where possible ("sanction", "role.pep", "debarment", ...). */
export interface ScreeningEntity {
  listId: string;
  entryId: string;
  kind: EntityKind;
  names: EntityName[];
  dobs: BirthDate[];
  /** Places of birth as free text. */
  birthPlaces: string[];
  /** Nationalities and citizenships, ISO 3166-1 alpha-2 lower case. */
  nationalities: string[];
  /** Other country links (addresses, jurisdiction, vessel flag), ISO alpha-2 lower case. */
  countries: string[];
  identifiers: EntityIdentifier[];
  /** Sanctions programmes (e.g. "SDGT", "UN:DRC"). */
  programs: string[];
  topics: string[];
  isSanctioned: boolean;
  isPep: boolean;
  source: { file: string; line?: number; url?: string };
  /** Current stakes (FtM `Ownership`) on paths from listed parties to this entity (ownership.ts); absent when none. */
  ownership?: OwnershipGraph;
  /**
   * Not a list entry itself (FtM `target: false`) but owned by listed parties: screened only under the policy's
   * `ownership.aggregateHold`, and only when its listed owners reach the threshold (docs/screening.md "Ownership").
   */
  derived?: { reason: 'OWNED_BY_LISTED_PARTIES' };
}

export type ListSourceType =
  'ofac-sdn' | 'un-xml' | 'ftm-jsonl' | 'os-simple-csv' | 'senzing-jsonl' | 'blocklist-csv' | 'csl-csv' | 'dpl-tsv';

export const LIST_SOURCE_TYPES: readonly ListSourceType[] = [
  'ofac-sdn',
  'un-xml',
  'ftm-jsonl',
  'os-simple-csv',
  'senzing-jsonl',
  'blocklist-csv',
  'csl-csv',
  'dpl-tsv',
];

export interface ListVersion {
  listId: string;
  sourceType: ListSourceType;
  files: string[];
  /** sha256 (hex) over the bytes of all files, in the order of `files`. */
  sha256: string;
  entryCount: number;
  /** ISO timestamp from the clock passed to the loader. */
  loadedAt: string;
  /** What the list is for (set by the screening service; see listCategory). */
  category?: ListCategory;
  /** The newest modification time of its files, when known. */
  filesModifiedAt?: string;
  /** What the load could not use, counted by kind (list-warnings.ts); absent when nothing was left out. */
  warnings?: Readonly<Record<string, number>>;
}

/**
 * What a list screens for. Only a `sanctions` list makes a "clear" possible: the firm's blocklist
 * blocks on a hit, but a lead checked against it alone has not been sanctions-screened.
 */
export type ListCategory = 'sanctions' | 'pep' | 'blocklist' | 'other';

export function listCategory(list: LoadedList): ListCategory {
  if (list.version.sourceType === 'blocklist-csv') return 'blocklist';
  if (list.entities.some((e) => e.isSanctioned && !e.topics.includes('blocklist'))) return 'sanctions';
  if (list.entities.some((e) => e.isPep)) return 'pep';
  return 'other';
}

export interface LoadedList {
  version: ListVersion;
  entities: ScreeningEntity[];
}

export function emptyEntity(listId: string, entryId: string, kind: EntityKind, file: string): ScreeningEntity {
  return {
    listId,
    entryId,
    kind,
    names: [],
    dobs: [],
    birthPlaces: [],
    nationalities: [],
    countries: [],
    identifiers: [],
    programs: [],
    topics: [],
    isSanctioned: false,
    isPep: false,
    source: { file },
  };
}

export function addUnique<T>(arr: T[], value: T): void {
  if (!arr.includes(value)) arr.push(value);
}

export function addName(entity: ScreeningEntity, value: string | undefined, type: EntityName['type']): void {
  const v = (value ?? '').replace(/\s+/g, ' ').trim();
  if (!v) return;
  if (entity.names.some((n) => n.value === v)) return;
  entity.names.push({ value: v, type });
}
