import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { isValidImo, parseQueryIdentifier, strongIdentifierOf } from '../../src/screening/strong-identifier.ts';
import { loadFtmJsonl } from '../../src/screening/ftm-jsonl-loader.ts';
import { data, FIXED_NOW, HAS_DATA } from './shared-data.ts';

describe('strong identifiers', () => {
  it('IMO numbers carry a check digit; MMSI has nine digits; LEI twenty characters', () => {
    expect(isValidImo('9187629')).toBe(true);
    expect(isValidImo('9187628')).toBe(false);
    expect(strongIdentifierOf('Vessel Registration Identification IMO', '9187629')).toEqual({ kind: 'imo', value: '9187629' });
    expect(strongIdentifierOf('MMSI', '572469210')).toEqual({ kind: 'mmsi', value: '572469210' });
    expect(strongIdentifierOf('imoNumber', 'IMO 9187628')).toBeUndefined();
    expect(strongIdentifierOf('leiCode', '5493001KJTIIGC8Y1R12')).toEqual({ kind: 'lei', value: '5493001KJTIIGC8Y1R12' });
    expect(strongIdentifierOf('Passport', 'A1234567')).toBeUndefined();
    expect(parseQueryIdentifier('IMO: 9187629')).toEqual({ kind: 'imo', value: '9187629' });
    expect(parseQueryIdentifier('call sign T2EU4')).toEqual({ kind: 'call_sign', value: 'T2EU4' });
    expect(parseQueryIdentifier('9187629')).toBeUndefined();
  });
});

describe.skipIf(!HAS_DATA)('vessels on the real OFAC SDN list', () => {
  const svc = new ScreeningService({ now: FIXED_NOW });
  beforeAll(() => {
    svc.loadAll([data('ofac/sdn.csv')]);
  });
  const screen = (q: Parameters<ScreeningService['screen']>[0]) => svc.screen(q, { threshold: 0.9, limit: 5 });

  it('an equal IMO number is decisive, whatever the name (renamed ship)', () => {
    const r = screen({ name: 'Totally Different Name', kind: 'vessel', imo: '9187629' });
    expect(r.isMatch).toBe(true);
    expect(r.hits[0]).toMatchObject({ entryId: '15036', matchedName: 'ARTAVIL' });
    expect(r.hits[0]!.disposition).toMatchObject({ kind: 'escalated', reasonCode: 'IDENTIFIER_MATCH' });
    expect(r.hits[0]!.corroboration[0]).toMatchObject({ field: 'identifier', outcome: 'agree', decisive: true, listed: 'IMO 9187629' });
  });

  it('an equal MMSI given as an identifier string is decisive too', () => {
    const r = screen({ name: 'Unknown', kind: 'vessel', identifiers: ['MMSI 572469210'] });
    expect(r.hits[0]).toMatchObject({ entryId: '15036' });
    expect(r.hits[0]!.disposition.reasonCode).toBe('IDENTIFIER_MATCH');
  });

  it('the same name with a different IMO number is a different ship: cleared, on record, explained', () => {
    const r = screen({ name: 'ARTAVIL', kind: 'vessel', imo: '9187655' });
    const artavil = r.hits.find((h) => h.entryId === '15036')!;
    expect(artavil.nameScore).toBe(1);
    expect(artavil.disposition).toMatchObject({ kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' });
    expect(artavil.corroboration[0]).toMatchObject({ outcome: 'disagree', query: 'IMO 9187655', listed: 'IMO 9187629', hard: true });
    // the number itself belongs to another listed ship, which is found
    expect(r.hits.find((h) => h.entryId === '15037')?.disposition.reasonCode).toBe('IDENTIFIER_MATCH');
  });

  it('a former name (f.k.a. in the remarks) and a query former name both match', () => {
    expect(screen({ name: 'M/V ALPHA', kind: 'vessel' }).hits.some((h) => h.entryId === '15036' && h.matchedNameType === 'fka')).toBe(true);
    expect(screen({ name: 'Sea Queen', kind: 'vessel', formerNames: ['Artavil'] }).hits[0]).toMatchObject({ entryId: '15036' });
    expect(screen({ name: 'Sea Queen', kind: 'vessel' }).hits.some((h) => h.entryId === '15036')).toBe(false);
  });
});

describe('company identifiers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remit-ids-'));
  const file = join(dir, 'ftm.json');
  writeFileSync(
    file,
    [
      {
        id: 'c1',
        schema: 'Company',
        properties: { name: ['Northwind Trading LLC'], leiCode: ['5493001KJTIIGC8Y1R12'], topics: ['sanction'] },
      },
      {
        id: 'v1',
        schema: 'Vessel',
        properties: { name: ['OCEAN GRACE'], imoNumber: ['9187655'], mmsi: ['256842000'], topics: ['sanction'] },
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  const svc = new ScreeningService({ now: FIXED_NOW });
  svc.add(loadFtmJsonl(file, { listId: 'ftm', now: FIXED_NOW }));

  it('an equal LEI escalates a company hit; a different LEI lowers it and says so', () => {
    const same = svc.screen(
      { name: 'Northwind Trading', kind: 'organisation', identifiers: ['LEI 5493001KJTIIGC8Y1R12'] },
      { threshold: 0.9 },
    );
    expect(same.hits[0]!.disposition).toMatchObject({ kind: 'escalated', reasonCode: 'IDENTIFIER_MATCH' });
    const other = svc.screen(
      { name: 'Northwind Trading', kind: 'organisation', identifiers: ['LEI 529900T8BM49AURSDO55'] },
      { threshold: 0.9 },
    );
    const h = other.hits[0]!;
    expect(h.corroboration[0]).toMatchObject({ field: 'identifier', outcome: 'disagree', effect: -0.3, hard: false });
    expect(h.disposition.kind).toBe('review');
    expect(h.score).toBeLessThan(same.hits[0]!.score);
  });

  it('FtM vessels carry IMO and MMSI: a sister ship with its own IMO is not a match', () => {
    const r = svc.screen({ name: 'Ocean Grace', kind: 'vessel', imo: '9187667' }, { threshold: 0.9 });
    expect(r.isMatch).toBe(false);
    expect(r.hits[0]!.disposition.reasonCode).toBe('HARD_CONTRADICTION_CLEARED');
  });
});
