import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectListType, loadList, parseListSpec } from '../../src/screening/list-detect.ts';
import { ListLoadError } from '../../src/screening/list-error.ts';
import { loadListSource, type ListSource } from '../../src/screening/list-sources.ts';
import { decodeListSnapshot, encodeListSnapshot, type SnapshotKey } from '../../src/screening/list-snapshot.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { decisiveIdentifiersOf } from '../../src/screening/strong-identifier.ts';
import { listDelta } from '../../src/screening/list-delta.ts';
import type { LoadedList } from '../../src/screening/screening-entity.ts';
import { data, HAS_DATA } from './shared-data.ts';

/** docs/screening.md "CSL and DPL": the US Consolidated Screening List and the BIS Denied Persons List loaders. */

const DAY = new Date('2026-12-06T12:00:00Z');
const now = () => DAY;
const dir = mkdtempSync(join(tmpdir(), 'remit-csl-dpl-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const CSL_HEADER =
  'source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,' +
  'license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,' +
  'remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n';
const EL = 'Entity List (EL) - Bureau of Industry and Security';
const SDN = 'Specially Designated Nationals (SDN) - Treasury Department';
const SSI = 'Sectoral Sanctions Identifications List (SSI) - Treasury Department';
/** A CSL row from the columns that matter here; the rest empty. */
const cslRow = (r: {
  source: string;
  n?: string;
  type?: string;
  name: string;
  addresses?: string;
  end?: string;
  ids?: string;
  alt?: string;
}) =>
  [r.source, r.n ?? '', r.type ?? '', '', r.name, '', `"${r.addresses ?? ''}"`, '', '', r.end ?? '']
    .concat(Array(11).fill(''))
    .concat([`"${r.alt ?? ''}"`, '', '', '', '', '', `"${r.ids ?? ''}"`])
    .join(',');

const DPL_HEADER = [
  'Name',
  'Street_Address',
  'City',
  'State',
  'Country',
  'Postal_Code',
  'Effective_Date',
  'Expiration_Date',
  'Standard_Order',
  'Last_Update',
  'Action',
  'FR_Citation',
];
const tsv = (fields: readonly string[]) => fields.map((f) => `"${f}"`).join('\t');
const dplRow = (name: string, expiration: string, street = '1 MAIN ST', effective = '01/02/2020') =>
  tsv([name, street, 'SPRINGFIELD', 'IL', 'US', '62701', effective, expiration, 'Y', '2020-01-05', 'FR NOTICE ADDED', '85 F.R. 1 1/3/20']);
const dpl = (...rows: string[]) => [tsv(DPL_HEADER), ...rows].join('\n') + '\n';

function loadError(fn: () => unknown): ListLoadError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ListLoadError);
    return e as ListLoadError;
  }
  throw new Error('expected a ListLoadError');
}

const kinds = (l: LoadedList) => {
  const k: Record<string, number> = {};
  for (const e of l.entities) k[e.kind] = (k[e.kind] ?? 0) + 1;
  return k;
};

describe.skipIf(!HAS_DATA)('Consolidated Screening List sample (other/csl.csv)', () => {
  let csl: LoadedList;
  beforeAll(() => {
    csl = loadList(data('other/csl.csv'), { now });
  });

  it('is detected, loads the 110 rows in force and counts the 5 whose end date has passed', () => {
    expect(detectListType(data('other/csl.csv'))).toBe('csl-csv');
    expect(csl.version).toMatchObject({ listId: 'us-csl', sourceType: 'csl-csv', entryCount: 110, warnings: { expired_entry: 5 } });
    expect(csl.entities).toHaveLength(110);
    expect(kinds(csl)).toEqual({ person: 20, organisation: 57, vessel: 2, unknown: 31 });
    // every sub-list holds: export controls, debarments and sanctions are all sanctions topics
    expect(csl.entities.every((e) => e.isSanctioned)).toBe(true);
  });

  it('an SDN company: id qualified by its source, programmes after the sub-list, address country, a tax id with its country', () => {
    const e = csl.entities.find((x) => x.entryId === 'SDN-20264')!;
    expect(e).toMatchObject({
      kind: 'organisation',
      names: [{ value: '200G PSA HOLDINGS LLC', type: 'primary' }],
      programs: [SDN, 'SDNTK'],
      topics: ['sanction'],
      countries: ['us'],
      identifiers: [{ type: 'Tax ID No.', value: '80-0890696', country: 'us' }],
      source: { line: 5, url: 'http://bit.ly/1MLgpye' },
    });
  });

  it('aliases from alt_names; notes, websites and e-mail addresses are not identifiers; a SWIFT/BIC is', () => {
    const tir = csl.entities.find((x) => x.entryId === 'SDN-10863')!;
    expect(tir.names.map((n) => n.type)).toEqual(['primary', ...Array(7).fill('aka')]);
    expect(tir.names.map((n) => n.value)).toContain('7TH OF TIR INDUSTRIES OF ISFAHAN/ESFAHAN');
    const gpb = csl.entities.find((x) => x.entryId === 'SSI-17016')!;
    expect(gpb.identifiers).toEqual([
      { type: 'Government Gazette Number', value: '09807684' },
      { type: 'Tax ID No.', value: '7744001497' },
      { type: 'Registration ID', value: '1027700167110' },
      { type: 'SWIFT/BIC', value: 'GAZPRUMM' },
    ]);
    const cetc = csl.entities.find((x) => x.names[0]!.value === '54th Research Institute of China')!;
    // "…; and Shijiazhuang …": the list's own conjunction is not part of the name
    expect(cetc.names.at(-1)!.value).toMatch(/^Shijiazhuang Communication/);
  });

  it('a vessel: its IMO number is a decisive identifier, its flag a country', () => {
    const v = csl.entities.find((x) => x.entryId === 'SDN-27304')!;
    expect(v.kind).toBe('vessel');
    expect(v.names.map((n) => n.value)).toEqual(['ADRIAN DARYA 1', 'GRACE 1']);
    expect(v.countries).toEqual(['ir']);
    expect(decisiveIdentifiersOf(v.identifiers)).toEqual([{ kind: 'imo', value: '9116412' }]);
  });

  it('a person: dates of birth (two years), place of birth, nationality', () => {
    const p = csl.entities.find((x) => x.entryId === 'SDN-10727')!;
    expect(p.kind).toBe('person');
    expect(p.dobs).toEqual([
      { kind: 'date', date: { year: 1974 } },
      { kind: 'date', date: { year: 1975 } },
    ]);
    const a = csl.entities.find((x) => x.entryId === 'SDN-18447')!;
    expect(a).toMatchObject({
      birthPlaces: ['Annaba, Algeria'],
      nationalities: ['dz'],
      dobs: [{ kind: 'date', date: { year: 1969, month: 1, day: 1 } }],
    });
  });

  it('rows without a type: an organisation only by a legal form, else unknown; topics by sub-list', () => {
    const byName = (n: string) => csl.entities.find((x) => x.names[0]!.value === n)!;
    expect(byName('Gulf Gate Shipping Co. LLC')).toMatchObject({
      kind: 'organisation',
      programs: [EL],
      topics: ['export.control'],
      countries: ['ae'],
    });
    expect(byName('Guillermo Aguilar-Medina')).toMatchObject({ kind: 'unknown', topics: ['debarment'] });
    expect(byName('A.H. Shamnad').kind).toBe('unknown');
  });

  it('an order ending in October 2026 is in force in March and left out in December', () => {
    const march = loadList(data('other/csl.csv'), { now: () => new Date('2026-03-01T00:00:00Z') });
    expect(march.version).toMatchObject({ entryCount: 111, warnings: { expired_entry: 4 } });
    expect(march.entities.some((e) => e.names[0]!.value === 'ADAM AL HERZ')).toBe(true);
    expect(csl.entities.some((e) => e.names[0]!.value === 'ADAM AL HERZ')).toBe(false);
    // the row ended in 2020 is in neither
    expect(march.entities.some((e) => e.names[0]!.value === 'ADRIAN MANUEL HERNANDEZ')).toBe(false);
  });
});

describe.skipIf(!HAS_DATA)('Denied Persons List sample (other/dpl.txt)', () => {
  let list: LoadedList;
  beforeAll(() => {
    list = loadList(data('other/dpl.txt'), { now });
  });

  it('is detected, loads the 151 orders in force, counts the 392 expired and the 3 repeated rows', () => {
    expect(detectListType(data('other/dpl.txt'))).toBe('dpl-tsv');
    expect(list.version).toMatchObject({
      listId: 'us-bis-dpl',
      sourceType: 'dpl-tsv',
      entryCount: 151,
      warnings: { duplicate_row: 3, expired_entry: 392 },
    });
    expect(kinds(list)).toEqual({ unknown: 123, organisation: 28 });
    expect(new Set(list.entities.map((e) => e.entryId)).size).toBe(151);
  });

  it('a row field by field: name trimmed, country, the sub-list as the programme, export control', () => {
    const e = list.entities[0]!;
    expect(e).toMatchObject({
      listId: 'us-bis-dpl',
      kind: 'unknown',
      names: [{ value: 'I. ASH', type: 'primary' }],
      countries: ['us'],
      programs: ['Denied Persons List (DPL) - Bureau of Industry and Security'],
      topics: ['export.control'],
      isSanctioned: true,
      source: { line: 3 },
    });
    expect(e.entryId).toMatch(/^row-[0-9a-f]{16}$/);
    // a legal form makes an organisation; "CORPORATION" alone is not one in the dictionary: unknown, found by either kind
    expect(list.entities.find((x) => x.names[0]!.value === 'AVOMAIR LTD.')!.kind).toBe('organisation');
    expect(list.entities.find((x) => x.names[0]!.value === 'AL KAYALI CORPORATION')!.kind).toBe('unknown');
  });

  it('one party at two addresses is two entries; the expired order (2019) is not loaded', () => {
    expect(list.entities.filter((e) => e.names[0]!.value === 'ABDULAH AL NASSER')).toHaveLength(2);
    expect(list.entities.some((e) => e.names[0]!.value === 'AARON ROBERT HENDERSON')).toBe(false);
  });
});

describe('time validity', () => {
  it('an order is in force through its expiration day; without one it has no end', () => {
    const path = file(
      'days.dpl.txt',
      dpl(dplRow('ENDS TODAY', '12/06/2026'), dplRow('ENDED YESTERDAY', '12/05/2026'), dplRow('NO END', '')),
    );
    const l = loadList(path, { now });
    expect(l.entities.map((e) => e.names[0]!.value)).toEqual(['ENDS TODAY', 'NO END']);
    expect(l.version.warnings).toEqual({ expired_entry: 1 });
    const csl = file(
      'days.csl.csv',
      CSL_HEADER +
        [
          cslRow({ source: EL, name: 'Ends Today Ltd', end: '2026-12-06' }),
          cslRow({ source: EL, name: 'Ended Ltd', end: '2026-12-05' }),
        ].join('\n'),
    );
    expect(loadList(csl, { now }).entities.map((e) => e.names[0]!.value)).toEqual(['Ends Today Ltd']);
  });
});

describe('entry ids: stable, distinct, never collapsed silently', () => {
  it('the same row text gives the same id on every load; another address, another id', () => {
    const a = loadList(file('ids-a.dpl.txt', dpl(dplRow('JOHN ROE', ''), dplRow('JOHN ROE', '', '2 ELM ST'))), { now });
    const b = loadList(file('ids-b.dpl.txt', dpl(dplRow('MARY POE', ''), dplRow('JOHN ROE', '', '2 ELM ST'), dplRow('JOHN ROE', ''))), {
      now,
    });
    expect(a.entities[0]!.entryId).not.toBe(a.entities[1]!.entryId);
    expect(b.entities.find((e) => e.source.line === 4)!.entryId).toBe(a.entities[0]!.entryId);
    expect(b.entities.find((e) => e.source.line === 3)!.entryId).toBe(a.entities[1]!.entryId);
  });

  it('a row repeated in every field is loaded once and counted; same party and address with other dates is kept apart and counted', () => {
    const path = file(
      'dup.dpl.txt',
      dpl(dplRow('JOHN ROE', ''), dplRow('JOHN ROE', ''), dplRow('JOHN ROE', '', '1 MAIN ST', '03/04/2021')),
    );
    const l = loadList(path, { now });
    const [first, renewed] = l.entities;
    expect(l.entities).toHaveLength(2);
    expect(renewed!.entryId).toBe(`${first!.entryId}-2`);
    expect(l.version.warnings).toEqual({ duplicate_row: 1, shared_row_key: 1 });
  });

  it('CSL: one entity number on three sub-lists is three entries', () => {
    const path = file(
      'num.csl.csv',
      CSL_HEADER +
        [
          cslRow({ source: SDN, n: '17016', type: 'Entity', name: 'Bank A' }),
          cslRow({ source: SSI, n: '17016', type: 'Entity', name: 'Bank A' }),
          cslRow({
            source: 'Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department',
            n: '17016',
            type: 'Entity',
            name: 'Bank A',
          }),
        ].join('\n'),
    );
    const l = loadList(path, { now });
    expect(l.entities.map((e) => e.entryId)).toEqual(['SDN-17016', 'SSI-17016', 'NS-MBS-17016']);
    expect(l.version.warnings).toBeUndefined();
  });
});

describe('deltas follow the entry ids', () => {
  it('DPL: a renewed order is unchanged, a new one added, one that ended removed', () => {
    const before = loadList(file('delta-1.dpl.txt', dpl(dplRow('JOHN ROE', '12/06/2026'), dplRow('MARY POE', '01/01/2030'))), { now });
    const after = loadList(
      file(
        'delta-2.dpl.txt',
        dpl(dplRow('JOHN ROE', '12/06/2026'), dplRow('MARY POE', '01/01/2035', '1 MAIN ST', '01/01/2025'), dplRow('RICK DOE', '')),
      ),
      { now: () => new Date(DAY.getTime() + 24 * 3600_000) },
    );
    const d = listDelta(before, after);
    expect({ added: d.added, changed: d.changed, removed: d.removed }).toEqual({ added: 1, changed: 0, removed: 1 });
    expect(d.entries.map((e) => e.names[0]!.value)).toEqual(['RICK DOE']);
  });

  it('CSL: an alias added to a row without an entity number is a changed entry', () => {
    const row = (alt: string) => CSL_HEADER + cslRow({ source: EL, name: 'Gulf Gate Shipping Co. LLC', addresses: 'Dubai, AE', alt });
    const d = listDelta(loadList(file('delta-1.csl.csv', row('')), { now }), loadList(file('delta-2.csl.csv', row('GGS')), { now }));
    expect({ added: d.added, changed: d.changed, removed: d.removed }).toEqual({ added: 0, changed: 1, removed: 0 });
  });
});

describe('identifiers in the CSL ids column', () => {
  it('an IMO number on a company is read in the company scheme; an invalid one is a load warning, not a failure', () => {
    const path = file(
      'ids.csl.csv',
      CSL_HEADER +
        [
          cslRow({
            source: SDN,
            n: '1',
            type: 'Entity',
            name: 'Umber Shipping Co',
            ids: 'IMO 5571322, Vessel Registration Identification',
          }),
          cslRow({
            source: SDN,
            n: '2',
            type: 'Vessel',
            name: 'Grey Heron',
            ids: 'IMO 9187628, Vessel Registration Identification; 57246921, MMSI',
          }),
        ].join('\n'),
    );
    const l = loadList(path, { now });
    expect(decisiveIdentifiersOf(l.entities[0]!.identifiers)).toEqual([{ kind: 'imo_company', value: '5571322' }]);
    expect(l.entities).toHaveLength(2);
    expect(l.version.warnings).toEqual({ invalid_imo: 1, invalid_mmsi: 1 });
  });
});

describe('bad files fail the whole load with the line and the field', () => {
  const csl = (rows: string[]) => file(`bad-${rows.length}-${Math.random().toString(36).slice(2)}.csv`, CSL_HEADER + rows.join('\n'));

  it('CSL', () => {
    const good = cslRow({ source: EL, name: 'Fine Ltd' });
    expect(loadError(() => loadList(`csl-csv:${file('nohead.csv', 'source,name\nx,y\n')}`, { now })).detail).toBe(
      'missing column "entity_number"',
    );
    let e = loadError(() => loadList(csl([good, cslRow({ source: EL, name: 'X', end: '13/45/2020' })]), { now }));
    expect([e.line, e.detail]).toEqual([3, 'column "end_date": expected a full date (YYYY-MM-DD or MM/DD/YYYY), got "13/45/2020"']);
    e = loadError(() => loadList(csl([good, cslRow({ source: EL, name: 'X', end: '2020' })]), { now }));
    expect(e.line).toBe(3);
    e = loadError(() => loadList(csl([cslRow({ source: EL, type: 'Ship', name: 'X' })]), { now }));
    expect([e.line, e.detail]).toEqual([2, 'column "type": expected Individual, Entity, Vessel, Aircraft or empty, got "Ship"']);
    e = loadError(() => loadList(csl([good, good, cslRow({ source: EL, name: '' })]), { now }));
    expect([e.line, e.detail]).toEqual([4, 'column "name" is empty']);
    e = loadError(() => loadList(csl([good, 'a,b,c']), { now }));
    expect([e.line, e.detail]).toEqual([3, 'expected 28 columns, found 3']);
  });

  it('DPL', () => {
    let e = loadError(() => loadList(file('bad1.dpl.txt', dpl(dplRow('A', ''), dplRow('B', '2026-13-01'))), { now }));
    expect([e.line, e.detail]).toEqual([3, 'column "Expiration_Date": expected a full date (YYYY-MM-DD or MM/DD/YYYY), got "2026-13-01"']);
    e = loadError(() => loadList(file('bad2.dpl.txt', dpl(dplRow('A', ''), dplRow('', ''))), { now }));
    expect([e.line, e.detail]).toEqual([3, 'column "Name" is empty']);
    e = loadError(() => loadList(`dpl-tsv:${file('bad3.dpl.txt', dpl(dplRow('A', '')) + '"B\t"x\n')}`, { now }));
    expect(e.line).toBeDefined();
    e = loadError(() => loadList(`dpl-tsv:${file('bad4.dpl.txt', tsv(DPL_HEADER.slice(1)) + '\n')}`, { now }));
    expect([e.line, e.detail]).toEqual([1, 'missing column "name"']);
  });

  it('a failed load leaves the service with the lists it had', () => {
    const good = file('good.dpl.txt', dpl(dplRow('JOHN ROE', '')));
    const svc = new ScreeningService({ now });
    svc.loadAll([good]);
    const bad = file('half.dpl.txt', dpl(dplRow('MARY POE', ''), dplRow('X', 'soon')));
    expect(() => svc.loadAll([{ path: bad, listId: 'us-bis-dpl' }])).toThrow(ListLoadError);
    expect(svc.screen({ name: 'John Roe', kind: 'person' }).hits.map((h) => h.matchedName)).toEqual(['JOHN ROE']);
    expect(svc.screen({ name: 'Mary Poe', kind: 'person' }).hits).toEqual([]);
  });
});

describe('detection and list sources', () => {
  it('both headers are recognised; a blocklist (id,name,…) is still a blocklist', () => {
    expect(detectListType(file('x.csv', CSL_HEADER + cslRow({ source: EL, name: 'A Ltd' })))).toBe('csl-csv');
    expect(detectListType(file('x.txt', dpl(dplRow('A', ''))))).toBe('dpl-tsv');
    expect(detectListType(file('b.csv', 'id,name,aliases,type,dob,country,reason\n1,A,,,,,\n'))).toBe('blocklist-csv');
    expect(parseListSpec('csl-csv:/x.csv')).toEqual({ type: 'csl-csv', path: '/x.csv' });
    expect(parseListSpec('dpl-tsv:/x.txt')).toEqual({ type: 'dpl-tsv', path: '/x.txt' });
  });

  it('a configured source of each format loads under its id', () => {
    const l = loadListSource({ id: 'bis-dpl', format: 'dpl-tsv', path: file('src.dpl.txt', dpl(dplRow('JOHN ROE', ''))) }, now);
    expect(l.version).toMatchObject({ listId: 'bis-dpl', sourceType: 'dpl-tsv', entryCount: 1 });
  });
});

describe('start-up snapshot', () => {
  const KEY: SnapshotKey = { code: 'c', keyScheme: 's', params: 'p' };
  it('round trip the same day; not reused the next day (an order may have ended)', () => {
    const sources: ListSource[] = [
      {
        id: 'csl',
        format: 'csl-csv',
        path: file(
          'snap.csl.csv',
          CSL_HEADER +
            cslRow({ source: EL, name: 'Gulf Gate Shipping Co. LLC', addresses: 'Dubai, AE', ids: 'AE, 123-45, Registration ID' }),
        ),
      },
      { id: 'dpl', format: 'dpl-tsv', path: file('snap.dpl.txt', dpl(dplRow('JOHN ROE', '12/06/2026'))) },
    ];
    const lists = sources.map((s) => loadListSource(s, now));
    const svc = new ScreeningService({ now });
    svc.apply({ add: lists });
    const buf = encodeListSnapshot(KEY, sources, lists, svc.index)!;
    const same = decodeListSnapshot(buf, KEY, sources, DAY);
    expect(same.ok && same.lists.map((l) => l.entities)).toEqual(lists.map((l) => l.entities));
    const next = decodeListSnapshot(buf, KEY, sources, new Date(DAY.getTime() + 24 * 3600_000));
    expect(next.ok ? null : next.rejection.kind).toBe('as_of_date');
  });
});

describe.skipIf(!HAS_DATA)('screening against the CSL and the DPL', () => {
  let svc: ScreeningService;
  beforeAll(() => {
    svc = new ScreeningService({ now });
    svc.loadAll([data('other/csl.csv'), data('other/dpl.txt')]);
  });
  const hitsFor = (name: string, kind?: 'person' | 'organisation') => svc.screen(kind ? { name, kind } : { name }).hits;

  it('a name from each sub-list is found, and the hit says which list', () => {
    const cases: [string, 'person' | 'organisation' | undefined, string, string][] = [
      ['200G PSA Holdings LLC', 'organisation', 'us-csl', SDN],
      ['Gulf Gate Shipping Co LLC', 'organisation', 'us-csl', EL],
      ['Guillermo Aguilar Medina', 'person', 'us-csl', 'ITAR Debarred (DTC) - State Department'],
      ['Gazprombank OJSC', 'organisation', 'us-csl', SSI],
      ['Abdulah Al Nasser', 'person', 'us-bis-dpl', 'Denied Persons List (DPL) - Bureau of Industry and Security'],
      ['Al Kayali Corporation', 'organisation', 'us-bis-dpl', 'Denied Persons List (DPL) - Bureau of Industry and Security'],
    ];
    for (const [name, kind, listId, program] of cases) {
      const hit = hitsFor(name, kind).find((h) => h.listId === listId);
      expect(hit, name).toBeDefined();
      expect(hit!.programs[0], name).toBe(program);
      expect(hit!.isMatch, name).toBe(true);
    }
  });

  it('an expired denial order does not hold: its party is not found on either list', () => {
    expect(hitsFor('Aaron Robert Henderson', 'person').filter((h) => h.isMatch)).toEqual([]);
    expect(hitsFor('Adam Al Herz', 'person').filter((h) => h.isMatch)).toEqual([]);
  });

  it('a vessel is found by its IMO number alone', () => {
    const hit = svc
      .screen({ name: 'Unrelated Name', kind: 'vessel', identifiers: ['IMO 9116412'] })
      .hits.find((h) => h.entryId === 'SDN-27304');
    expect(hit?.isMatch).toBe(true);
  });
});
