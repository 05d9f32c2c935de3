/** OpenSanctions FollowTheMoney entities, one JSON object per line. */
import { ListLoadError } from './list-error.ts';
import { readListFile, sha256Of } from './list-file.ts';
import { countryCode } from './country-codes.ts';
import { onOrganisation } from './listed-imo-numbers.ts';
import { parseBirthDate } from './partial-date.ts';
import { applyTopics } from './topics.ts';
import { isCurrentStake, mergeStakes, parsePercentage, upstreamGraphs, type OwnershipStake } from './ownership.ts';
import { addName, addUnique, emptyEntity, type EntityKind, type LoadedList, type ScreeningEntity } from './screening-entity.ts';

const KINDS: Record<string, EntityKind> = {
  Person: 'person',
  Company: 'organisation',
  Organization: 'organisation',
  LegalEntity: 'unknown',
  PublicBody: 'organisation',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

const ID_PROPS = [
  'idNumber',
  'passportNumber',
  'innCode',
  'ogrnCode',
  'taxNumber',
  'registrationNumber',
  'imoNumber',
  'mmsi',
  'callSign',
  'leiCode',
  'swiftBic',
  'uniqueEntityId',
  'vatCode',
  'permId',
  'wikidataId',
];

interface FtmLine {
  id: string;
  schema: string;
  properties: Record<string, unknown[]>;
  /** OpenSanctions exports: false for context entities (owners, relatives, subsidiaries) that are not list entries. */
  target?: boolean;
}

function strs(props: Record<string, unknown[]>, key: string): string[] {
  const v = props[key];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string');
}

function parseFtmLine(path: string, raw: string, line: number): FtmLine {
  let obj: FtmLine;
  try {
    obj = JSON.parse(raw) as FtmLine;
  } catch (e) {
    throw new ListLoadError(path, line, `invalid JSON: ${(e as Error).message}`);
  }
  if (
    typeof obj !== 'object' ||
    obj === null ||
    typeof obj.id !== 'string' ||
    typeof obj.schema !== 'string' ||
    typeof obj.properties !== 'object' ||
    obj.properties === null
  ) {
    throw new ListLoadError(path, line, 'expected a FollowTheMoney entity {id, schema, properties}');
  }
  return obj;
}

/** Names in precedence order; a person known only by first and last name gets those as the primary name. */
function addNames(e: ScreeningEntity, p: Record<string, unknown[]>): void {
  const names = strs(p, 'name');
  names.forEach((n, j) => addName(e, n, j === 0 ? 'primary' : 'aka'));
  for (const n of strs(p, 'alias')) addName(e, n, 'aka');
  for (const n of strs(p, 'abbreviation')) addName(e, n, 'aka');
  for (const n of strs(p, 'weakAlias')) addName(e, n, 'weak_aka');
  for (const n of strs(p, 'previousName')) addName(e, n, 'fka');
  if (e.names.length === 0) {
    const first = strs(p, 'firstName')[0];
    const last = strs(p, 'lastName')[0];
    if (first || last) addName(e, [first, last].filter(Boolean).join(' '), 'primary');
  }
}

/** Birth data, nationalities, countries, identifiers, programmes and topics. */
function addAttributes(e: ScreeningEntity, p: Record<string, unknown[]>): void {
  for (const d of strs(p, 'birthDate')) {
    const b = parseBirthDate(d);
    if (b) e.dobs.push(b);
  }
  e.birthPlaces.push(...strs(p, 'birthPlace'));
  for (const key of ['nationality', 'citizenship'])
    for (const c of strs(p, key)) {
      const cc = countryCode(c);
      if (cc) addUnique(e.nationalities, cc);
    }
  for (const key of ['country', 'jurisdiction', 'birthCountry', 'flag', 'mainCountry'])
    for (const c of strs(p, key)) {
      const cc = countryCode(c);
      if (cc) addUnique(e.countries, cc);
    }
  for (const key of ID_PROPS)
    for (const v of strs(p, key)) {
      if (e.identifiers.some((x) => x.value === v)) continue;
      // an organisation's imoNumber is its IMO company number (listed-imo-numbers.ts)
      e.identifiers.push(e.kind === 'organisation' ? onOrganisation({ type: key, value: v }) : { type: key, value: v });
    }
  for (const prog of strs(p, 'program')) addUnique(e.programs, prog);
  applyTopics(e, strs(p, 'topics'));
}

/** An FtM `Ownership` record as a stake; undefined without an owner or an asset. */
function stakeOf(p: Record<string, unknown[]>): OwnershipStake | undefined {
  const owner = strs(p, 'owner')[0];
  const asset = strs(p, 'asset')[0];
  if (!owner || !asset) return undefined;
  const start = strs(p, 'startDate')[0];
  const end = strs(p, 'endDate')[0];
  return {
    owner,
    asset,
    percentage: parsePercentage(strs(p, 'percentage')),
    ...(start ? { startDate: start } : {}),
    ...(end ? { endDate: end } : {}),
  };
}

/**
 * Entities of an OpenSanctions export marked `target: false` are context, not list entries: they are kept only as
 * parties of ownership. One owned by listed parties becomes a derived entry (docs/screening.md "Ownership").
 * Ownership stakes are those current on the load date (the loader's clock): an ended holding does not count.
 */
export function loadFtmJsonl(path: string, opts: { listId?: string; now: () => Date }): LoadedList {
  const f = readListFile(path);
  const listId = opts.listId ?? 'opensanctions-ftm';
  const entities: ScreeningEntity[] = [];
  const byId = new Map<string, ScreeningEntity>();
  const context = new Map<string, ScreeningEntity>();
  const sanctionLinks: { entity: string; program: string }[] = [];
  const stakes: OwnershipStake[] = [];
  const lines = f.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const obj = parseFtmLine(path, raw, i + 1);
    const p = obj.properties;
    if (obj.schema === 'Sanction') {
      for (const ent of strs(p, 'entity'))
        sanctionLinks.push({ entity: ent, program: strs(p, 'program')[0] ?? strs(p, 'authority')[0] ?? 'sanction' });
      continue;
    }
    if (obj.schema === 'Ownership') {
      const stake = stakeOf(p);
      if (stake) stakes.push(stake);
      continue;
    }
    const kind = KINDS[obj.schema];
    if (!kind) continue; // other relationships, addresses, documents: not screenable
    const e = emptyEntity(listId, obj.id, kind, path);
    e.source.line = i + 1;
    const url = strs(p, 'sourceUrl')[0];
    if (url) e.source.url = url;
    addNames(e, p);
    if (e.names.length === 0) continue;
    addAttributes(e, p);
    if (obj.target === false) {
      context.set(e.entryId, e);
      continue;
    }
    entities.push(e);
    byId.set(e.entryId, e);
  }
  for (const link of sanctionLinks) {
    const e = byId.get(link.entity) ?? context.get(link.entity);
    if (!e) continue;
    addUnique(e.programs, link.program);
    applyTopics(e, ['sanction']);
  }
  addOwnership(entities, byId, context, stakes, opts.now().toISOString().slice(0, 10));
  return {
    version: {
      listId,
      sourceType: 'ftm-jsonl',
      files: [path],
      sha256: sha256Of([f]),
      entryCount: entities.length,
      loadedAt: opts.now().toISOString(),
    },
    entities,
  };
}

/** Attaches each entity's upstream ownership by listed parties; context entities so owned become derived entries. */
function addOwnership(
  entities: ScreeningEntity[],
  byId: ReadonlyMap<string, ScreeningEntity>,
  context: ReadonlyMap<string, ScreeningEntity>,
  stakes: readonly OwnershipStake[],
  today: string,
): void {
  if (stakes.length === 0) return;
  const current = mergeStakes(stakes.filter((s) => isCurrentStake(s, today)));
  const party = (id: string) => {
    const e = byId.get(id) ?? context.get(id);
    return { name: e?.names[0]?.value ?? id, listed: e?.isSanctioned ?? false };
  };
  for (const [asset, graph] of upstreamGraphs(current, party)) {
    const listed = byId.get(asset);
    if (listed) {
      listed.ownership = graph;
      continue;
    }
    const e = context.get(asset);
    if (!e || e.isSanctioned) continue;
    e.ownership = graph;
    e.derived = { reason: 'OWNED_BY_LISTED_PARTIES' };
    entities.push(e);
  }
}
