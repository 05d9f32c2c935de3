import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectListType, loadList, parseListSpec } from '../../src/screening/list-detect.ts';
import { ListLoadError } from '../../src/screening/list-error.ts';
import { parseOfacRemarks } from '../../src/screening/ofac-remarks.ts';
import { parseBirthDate, compareDob } from '../../src/screening/partial-date.ts';
import { countryCode } from '../../src/screening/country-codes.ts';
import type { LoadedList } from '../../src/screening/screening-entity.ts';
import { data, FIXED_NOW, HAS_DATA } from './shared-data.ts';

const now = FIXED_NOW;

function expectLoadError(fn: () => unknown, file: string, line: number | undefined): ListLoadError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ListLoadError);
  const le = err as ListLoadError;
  expect(le.file).toBe(file);
  expect(le.line).toBe(line);
  expect(le.message).toContain(file);
  return le;
}

describe.skipIf(!HAS_DATA)('OFAC SDN legacy CSV', () => {
  let sdn: LoadedList;
  beforeAll(() => {
    sdn = loadList(data('ofac/sdn.csv'), { now });
  });

  it('loads 8,976 entries with the README breakdown and finds the sibling files', () => {
    expect(sdn.version.entryCount).toBe(8976);
    expect(sdn.version.sourceType).toBe('ofac-sdn');
    expect(sdn.version.files.map((f) => f.split('/').pop())).toEqual(['sdn.csv', 'sdn_comments.csv', 'alt.csv', 'add.csv']);
    expect(sdn.version.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sdn.version.loadedAt).toBe('2026-03-01T12:00:00.000Z');
    const kinds: Record<string, number> = {};
    for (const e of sdn.entities) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    expect(kinds).toEqual({ person: 4620, organisation: 3673, vessel: 406, aircraft: 277 });
  });

  it('parses DOB, POB, passports and aliases out of Remarks and alt.csv', () => {
    const z = sdn.entities.find((e) => e.entryId === '2676')!;
    expect(z.names[0]).toEqual({ value: 'AL ZAWAHIRI, Dr. Ayman', type: 'primary' });
    expect(z.names.map((n) => n.value)).toContain('SALIM, Ahmad Fuad');
    expect(z.dobs).toEqual([{ kind: 'date', date: { year: 1951, month: 6, day: 19 } }]);
    expect(z.birthPlaces).toEqual(['Giza, Egypt']);
    expect(z.identifiers).toContainEqual({ type: 'Passport', value: '1084010', country: 'eg' });
    const bnc = sdn.entities.find((e) => e.entryId === '306')!;
    expect(bnc.names).toContainEqual({ value: 'BNC', type: 'weak_aka' });
    expect(bnc.names).toContainEqual({ value: 'NATIONAL BANK OF CUBA', type: 'aka' });
    expect(bnc.countries).toContain('ch');
  });

  it('records nationality and citizenship from Remarks for people', () => {
    const withNat = sdn.entities.filter((e) => e.kind === 'person' && e.nationalities.length > 0);
    expect(withNat.length).toBeGreaterThan(1500);
    expect(withNat.every((e) => e.nationalities.every((c) => /^[a-z]{2}$/.test(c)))).toBe(true);
  });

  it('loads the consolidated list via cons_prim.csv and a directory path', () => {
    const cons = loadList(data('ofac/cons_prim.csv'), { now });
    expect(cons.version.listId).toBe('ofac-cons');
    expect(cons.version.files).toHaveLength(4);
    expect(cons.entities.find((e) => e.entryId === '9639')!.dobs).toEqual([{ kind: 'date', date: { year: 1962 } }]);
    const dir = loadList(data('ofac'), { now });
    expect(dir.version.entryCount).toBe(8976);
  });
});

describe('OFAC remarks parsing', () => {
  it('handles ranges, circa, year-only, weak akas and IDs', () => {
    const r = parseOfacRemarks(
      "DOB circa 1955; alt. DOB 1960 to 1962; DOB Jan 1970; POB Tehran, Iran; nationality Iran; citizen Korea, North; a.k.a. 'ABU X; " +
        "Y'; Passport A123456 (Iran); National ID No. 0071234567 (Iran); Gender Male.",
    );
    expect(r.dobs).toEqual([
      { kind: 'date', date: { year: 1955 }, approximate: true },
      { kind: 'range', from: { year: 1960 }, to: { year: 1962 } },
      { kind: 'date', date: { year: 1970, month: 1 } },
    ]);
    expect(r.birthPlaces).toEqual(['Tehran, Iran']);
    expect(r.nationalities).toEqual(['ir']);
    expect(r.citizenships).toEqual(['kp']);
    expect(r.weakAkas).toEqual(['ABU X; Y']);
    expect(r.identifiers).toEqual([
      { type: 'Passport', value: 'A123456', country: 'ir' },
      { type: 'National ID', value: '0071234567', country: 'ir' },
    ]);
    expect(r.gender).toBe('male');
  });

  it('compares partial dates', () => {
    expect(compareDob({ year: 1951, month: 6, day: 19 }, parseBirthDate('19 Jun 1951')!)).toBe('exact');
    expect(compareDob({ year: 1951, month: 6, day: 19 }, parseBirthDate('1951')!)).toBe('compatible');
    expect(compareDob({ year: 1961 }, parseBirthDate('1960 to 1962')!)).toBe('compatible');
    expect(compareDob({ year: 1956 }, parseBirthDate('circa 1955')!)).toBe('compatible');
    expect(compareDob({ year: 1952 }, parseBirthDate('1951')!)).toBe('near');
    expect(compareDob({ year: 1980, month: 1, day: 1 }, parseBirthDate('1951-06-19')!)).toBe('mismatch');
  });

  it('maps country names to lower-case ISO alpha-2', () => {
    expect(countryCode('Korea, North')).toBe('kp');
    expect(countryCode("Democratic People's Republic of Korea")).toBe('kp');
    expect(countryCode('Iran (Islamic Republic of)')).toBe('ir');
    expect(countryCode('United Kingdom of Great Britain and Northern Ireland')).toBe('gb');
    expect(countryCode('Türkiye')).toBe('tr');
    expect(countryCode('DE')).toBe('de');
    expect(countryCode('Atlantis')).toBeUndefined();
  });

  it('reads a country written as initials with full stops, and only a country known so', () => {
    expect(countryCode('U.K.')).toBe('gb');
    expect(countryCode('U.A.E.')).toBe('ae');
    expect(countryCode('UAE')).toBe('ae');
    expect(countryCode('U.S.')).toBe('us');
    expect(countryCode('U.S.A.')).toBe('us');
    // a legal form or any two initials are not a country
    expect(countryCode('S.A.')).toBeUndefined();
    expect(countryCode('A.B.')).toBeUndefined();
  });
});

describe.skipIf(!HAS_DATA)('other list formats on the real files', () => {
  it('UN consolidated XML: 730 individuals + 273 entities, with DOB ranges, aliases and nationality', () => {
    const un = loadList(data('un/UN_consolidated.xml'), { now });
    expect(un.version.sourceType).toBe('un-xml');
    expect(un.entities.filter((e) => e.kind === 'person')).toHaveLength(730);
    expect(un.entities.filter((e) => e.kind === 'organisation')).toHaveLength(273);
    const bosco = un.entities.find((e) => e.names[0]?.value === 'BOSCO TAGANDA')!;
    expect(bosco.dobs).toEqual([{ kind: 'range', from: { year: 1973 }, to: { year: 1974 } }]);
    expect(bosco.nationalities).toEqual(['cd']);
    expect(bosco.names).toContainEqual({ value: 'Bosco Ntaganda', type: 'aka' });
    expect(bosco.names).toContainEqual({ value: 'Terminator', type: 'weak_aka' });
    const adf = un.entities.find((e) => e.entryId === '6908402')!;
    expect(adf.names.map((n) => n.value)).toContain('Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda');
  });

  it('FollowTheMoney JSON lines: only screenable schemas, with topics and birth data', () => {
    const ftm = loadList(data('opensanctions/zala.entities.ftm.json'), { now });
    expect(ftm.version.sourceType).toBe('ftm-jsonl');
    // 6 Person + 11 Company of the 91 lines, less the 3 companies marked `target: false` (context, not list entries;
    // their holdings by a listed person all ended, so none is a derived entry: docs/screening.md "Ownership")
    expect(ftm.entities.length).toBe(14);
    expect(ftm.entities.some((e) => e.entryId === 'ru-inn-5920040846')).toBe(false);
    const o = ftm.entities.find((e) => e.entryId === 'NK-2Tbri3s6GgNtAwsSXh4qpL')!;
    expect(o.kind).toBe('person');
    expect(o.dobs).toEqual([{ kind: 'date', date: { year: 1988, month: 1, day: 7 } }]);
    expect(o.nationalities).toEqual(['ru']);
    expect(o.isSanctioned).toBe(true);
    expect(o.names.map((n) => n.value)).toContain('Мария Александровна Осетрова');
  });

  it('OpenSanctions simple CSV marks the Wikidata PEPs', () => {
    const s = loadList(data('opensanctions/targets.simple.csv'), { now });
    expect(s.version.sourceType).toBe('os-simple-csv');
    expect(s.entities).toHaveLength(5);
    const hariri = s.entities.find((e) => e.entryId === 'Q296771')!;
    expect(hariri.names.map((n) => n.value)).toEqual(['Saad Hariri', 'Hariri', "Sa'd al-Din"]);
    expect(hariri.countries).toEqual(['fr', 'lb', 'sa']);
    expect(hariri.isPep).toBe(true);
  });

  it('Senzing PEP export: 1,319 records, role.pep marks PEPs', () => {
    const p = loadList(data('opensanctions/us_congress_pep.senzing.jsonl'), { now });
    expect(p.version.entryCount).toBe(1319);
    expect(p.entities.filter((e) => e.isPep)).toHaveLength(1317);
    const m = p.entities[0]!;
    expect(m.names[0]!.value).toBe('Jennifer L. McClellan');
    expect(m.dobs).toEqual([{ kind: 'date', date: { year: 1972 } }]);
    expect(m.nationalities).toEqual(['us']);
  });
});

describe('type detection, explicit types and malformed files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remit-screening-'));
  const f = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('detects and loads the firm blocklist CSV', () => {
    const p = f(
      'block.csv',
      'id,name,aliases,type,dob,country,reason\nB1,Ivan Petrov,Ivan Petroff;I. Petrov,person,1970-05-01,RU,fraud case 12\nB2,Acme Shell ' +
        'Ltd,,company,,Cyprus,\n',
    );
    expect(detectListType(p)).toBe('blocklist-csv');
    const l = loadList(p, { now });
    expect(l.entities).toHaveLength(2);
    expect(l.entities[0]).toMatchObject({ entryId: 'B1', kind: 'person', nationalities: ['ru'], programs: ['fraud case 12'] });
    expect(l.entities[0]!.names).toHaveLength(3);
    expect(l.entities[1]).toMatchObject({ kind: 'organisation', countries: ['cy'] });
  });

  it('accepts type:path and rejects unknown prefixes as part of the path', () => {
    expect(parseListSpec('un-xml:/x/y.xml')).toEqual({ type: 'un-xml', path: '/x/y.xml' });
    expect(parseListSpec('/x/y.xml')).toEqual({ path: '/x/y.xml' });
  });

  it('OFAC: wrong column count reports file and line', () => {
    const d = join(dir, 'ofac-bad');
    mkdirSync(d);
    writeFileSync(join(d, 'sdn.csv'), '1,"A B","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n2,"C D","individual","SDGT"\n');
    expectLoadError(() => loadList(d, { now }), join(d, 'sdn.csv'), 2);
  });

  it('OFAC: unterminated quote in alt.csv reports alt.csv', () => {
    const d = join(dir, 'ofac-bad2');
    mkdirSync(d);
    writeFileSync(join(d, 'sdn.csv'), '1,"A B","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n');
    writeFileSync(join(d, 'alt.csv'), '1,1,"aka","X Y",-0- \n1,2,"aka","broken,-0- \n');
    const e = expectLoadError(() => loadList(join(d, 'sdn.csv'), { now }), join(d, 'alt.csv'), 2);
    expect(e.detail).toMatch(/malformed CSV/);
  });

  it('UN XML: malformed XML reports the line', () => {
    const p = f(
      'un.xml',
      '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATAID>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n',
    );
    expect(detectListType(p)).toBe('un-xml');
    expectLoadError(() => loadList(p, { now }), p, 5);
  });

  it('FTM / Senzing JSON lines: invalid JSON reports the line', () => {
    const p = f('ftm.json', '{"id":"a","schema":"Person","properties":{"name":["A B"]}}\n{"id":"b","schema":"Person",\n');
    expect(detectListType(p)).toBe('ftm-jsonl');
    expectLoadError(() => loadList(p, { now }), p, 2);
    const s = f(
      'sz.jsonl',
      '{"DATA_SOURCE":"X","RECORD_ID":"1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_TYPE":"PRIMARY","NAME_FULL":"A ' +
        'B"}]}\n\n{"DATA_SOURCE":"X","NAMES":[]}\n',
    );
    expect(detectListType(s)).toBe('senzing-jsonl');
    expectLoadError(() => loadList(s, { now }), s, 3);
  });

  it('simple CSV and blocklist: bad rows report their line', () => {
    const p = f('targets.simple.csv', 'id,schema,name,aliases\nQ1,Person,A B,\nQ2,Person,C D\n');
    expect(detectListType(p)).toBe('os-simple-csv');
    expectLoadError(() => loadList(p, { now }), p, 3);
    const b = f('block2.csv', 'id,name,aliases,type,dob,country,reason\nB1,X Y,,person,not-a-date,,\n');
    expectLoadError(() => loadList(`blocklist-csv:${b}`, { now }), b, 2);
  });

  it('undetectable files and missing files are typed errors', () => {
    const p = f('mystery.txt', 'hello world\n');
    expect(() => detectListType(p)).toThrow(ListLoadError);
    expect(() => loadList(join(dir, 'nope.csv'), { now })).toThrow(ListLoadError);
  });
});
